/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Typed attribute getters and error helpers of the XML layer. Every
 * message the XML layer reports is built by nmvirt_xml_set_error_at(), so
 * they all have the same shape:
 *
 *   interface 'bond0', line 7, <miimon freq>: invalid value 'x'; expected a whole number of
 * milliseconds
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>

#include "nmvirt-xml-private.h"
#include "nmvirt-xml-util.h"

/* ---- library setup ------------------------------------------------------ */

/* libxml2 2.9 must be initialised once before use, and its initialisation
 * is not safe to race: do it under a GOnce before any parser, document or
 * schema of ours exists. Calling it again, or after the embedding program
 * (libvirtd) did, is harmless. */
void
nmvirt_xml_init(void)
{
    static gsize initialized = 0;

    if (g_once_init_enter(&initialized)) {
        xmlInitParser();
        g_once_init_leave(&initialized, 1);
    }
}

/* ---- enum tables -------------------------------------------------------- */

/* Wrappers with one signature, so a getter can take any enum of the model. */
static const char *
nmvirt_xml_iface_type_name(guint value)
{
    return nmvirt_iface_type_to_string((NmvirtIfaceType)value);
}

static const char *
nmvirt_xml_start_mode_name(guint value)
{
    return nmvirt_start_mode_to_string((NmvirtStartMode)value);
}

static const char *
nmvirt_xml_link_state_name(guint value)
{
    return nmvirt_link_state_to_string((NmvirtLinkState)value);
}

static const char *
nmvirt_xml_bond_mode_name(guint value)
{
    return nmvirt_bond_mode_to_string((NmvirtBondMode)value);
}

static const char *
nmvirt_xml_bond_carrier_name(guint value)
{
    return nmvirt_bond_carrier_to_string((NmvirtBondCarrier)value);
}

static const char *
nmvirt_xml_arp_validate_name(guint value)
{
    return nmvirt_arp_validate_to_string((NmvirtArpValidate)value);
}

static const char *
nmvirt_xml_ip_family_name(guint value)
{
    return nmvirt_xml_ip_family_to_string((NmvirtIpFamily)value);
}

const NmvirtXmlEnum nmvirt_xml_enum_iface_type = {
    nmvirt_iface_type_from_string,
    nmvirt_xml_iface_type_name,
    NMVIRT_IFACE_TYPE_LAST,
};
const NmvirtXmlEnum nmvirt_xml_enum_start_mode = {
    nmvirt_start_mode_from_string,
    nmvirt_xml_start_mode_name,
    NMVIRT_START_MODE_LAST,
};
const NmvirtXmlEnum nmvirt_xml_enum_link_state = {
    nmvirt_link_state_from_string,
    nmvirt_xml_link_state_name,
    NMVIRT_LINK_STATE_LAST,
};
const NmvirtXmlEnum nmvirt_xml_enum_bond_mode = {
    nmvirt_bond_mode_from_string,
    nmvirt_xml_bond_mode_name,
    NMVIRT_BOND_MODE_LAST,
};
const NmvirtXmlEnum nmvirt_xml_enum_bond_carrier = {
    nmvirt_bond_carrier_from_string,
    nmvirt_xml_bond_carrier_name,
    NMVIRT_BOND_CARRIER_LAST,
};
const NmvirtXmlEnum nmvirt_xml_enum_arp_validate = {
    nmvirt_arp_validate_from_string,
    nmvirt_xml_arp_validate_name,
    NMVIRT_ARP_VALIDATE_LAST,
};
const NmvirtXmlEnum nmvirt_xml_enum_ip_family = {
    nmvirt_xml_ip_family_from_string,
    nmvirt_xml_ip_family_name,
    NMVIRT_IP_FAMILY_IPV6 + 1,
};

static const char *const nmvirt_xml_ip_family_names[] = {
    [NMVIRT_IP_FAMILY_IPV4] = "ipv4",
    [NMVIRT_IP_FAMILY_IPV6] = "ipv6",
};

const char *
nmvirt_xml_ip_family_to_string(NmvirtIpFamily family)
{
    if ((guint)family >= G_N_ELEMENTS(nmvirt_xml_ip_family_names))
        return NULL;
    return nmvirt_xml_ip_family_names[family];
}

int
nmvirt_xml_ip_family_from_string(const char *str)
{
    for (guint i = 0; str != NULL && i < G_N_ELEMENTS(nmvirt_xml_ip_family_names); i++) {
        if (g_str_equal(nmvirt_xml_ip_family_names[i], str))
            return (int)i;
    }
    return -1;
}

/* ---- errors ------------------------------------------------------------- */

/* One whole translatable template per combination of known parts, so that
 * no message is glued together from pieces. */
static char *
nmvirt_xml_location_message(const char *iface, guint line, const char *element, const char *attr,
                            const char *what)
{
    if (line == 0) {
        if (iface != NULL)
            return g_strdup_printf(_("interface '%1$s': %2$s"), iface, what);
        return g_strdup(what);
    }
    if (element == NULL) {
        if (iface != NULL)
            return g_strdup_printf(_("interface '%1$s', line %2$u: %3$s"), iface, line, what);
        return g_strdup_printf(_("line %1$u: %2$s"), line, what);
    }
    if (attr == NULL) {
        if (iface != NULL)
            return g_strdup_printf(_("interface '%1$s', line %2$u, <%3$s>: %4$s"), iface, line,
                                   element, what);
        return g_strdup_printf(_("line %1$u, <%2$s>: %3$s"), line, element, what);
    }
    if (iface != NULL)
        return g_strdup_printf(_("interface '%1$s', line %2$u, <%3$s %4$s>: %5$s"), iface, line,
                               element, attr, what);
    return g_strdup_printf(_("line %1$u, <%2$s %3$s>: %4$s"), line, element, attr, what);
}

static void nmvirt_xml_set_error_valist(GError **error, NmvirtError code, const char *iface,
                                        guint line, const char *element, const char *attr,
                                        const char *format, va_list args) G_GNUC_PRINTF(7, 0);

static void
nmvirt_xml_set_error_valist(GError **error, NmvirtError code, const char *iface, guint line,
                            const char *element, const char *attr, const char *format, va_list args)
{
    g_autofree char *what = g_strdup_vprintf(format, args);
    g_autofree char *message = nmvirt_xml_location_message(iface, line, element, attr, what);

    g_set_error_literal(error, NMVIRT_ERROR, code, message);
}

void
nmvirt_xml_set_error_at(GError **error, NmvirtError code, const char *iface, guint line,
                        const char *element, const char *attr, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    nmvirt_xml_set_error_valist(error, code, iface, line, element, attr, format, args);
    va_end(args);
}

void
nmvirt_xml_set_error(GError **error, NmvirtError code, xmlNode *node, const char *iface,
                     const char *attr, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    nmvirt_xml_set_error_valist(error, code, iface, nmvirt_xml_node_line(node),
                                node != NULL ? (const char *)node->name : NULL, attr, format, args);
    va_end(args);
}

/* The name of the innermost <interface> around @node (or @node itself). */
static char *
nmvirt_xml_enclosing_iface_name(xmlNode *node)
{
    for (xmlNode *cur = node; cur != NULL && cur->type == XML_ELEMENT_NODE; cur = cur->parent) {
        if (nmvirt_xml_node_is(cur, "interface")) {
            g_autofree char *name = nmvirt_xml_prop_string(cur, "name");
            if (name != NULL)
                return g_steal_pointer(&name);
        }
    }
    return NULL;
}

void
nmvirt_xml_set_libxml_error(GError **error, xmlNode *node, int line, int column,
                            const char *message)
{
    g_autofree char *what = g_strdup(message != NULL ? message : "unknown libxml2 error");

    /* libxml2's messages end in a newline, and some have more inside */
    g_strdelimit(what, "\r\n", ' ');
    g_strstrip(what);

    /* Validation errors carry a node: name the element and its interface. */
    while (node != NULL && node->type != XML_ELEMENT_NODE)
        node = node->parent;
    if (node != NULL) {
        g_autofree char *iface = nmvirt_xml_enclosing_iface_name(node);
        nmvirt_xml_set_error(error, NMVIRT_ERROR_INVALID_XML, node, iface, NULL, "%s", what);
        return;
    }
    /* Parser errors carry the input position instead. */
    if (line > 0 && column > 0) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML,
                    _("line %1$d, column %2$d: %3$s"), line, column, what);
        return;
    }
    nmvirt_xml_set_error_at(error, NMVIRT_ERROR_INVALID_XML, NULL, line > 0 ? (guint)line : 0, NULL,
                            NULL, "%s", what);
}

void
nmvirt_xml_set_error_from_libxml(GError **error, const xmlError *xml_error)
{
    /* only validation errors point at a node of our document */
    nmvirt_xml_set_libxml_error(error,
                                xml_error->domain == XML_FROM_RELAXNGV ? xml_error->node : NULL,
                                xml_error->line, xml_error->int2, xml_error->message);
}

/* ---- tree helpers ------------------------------------------------------- */

guint
nmvirt_xml_node_line(xmlNode *node)
{
    long line;

    if (node == NULL)
        return 0;
    line = xmlGetLineNo(node);
    return line > 0 && line <= G_MAXUINT ? (guint)line : 0;
}

gboolean
nmvirt_xml_node_is(xmlNode *node, const char *name)
{
    return node != NULL && node->type == XML_ELEMENT_NODE && node->ns == NULL &&
           g_strcmp0((const char *)node->name, name) == 0;
}

static xmlNode *
nmvirt_xml_skip_to_element(xmlNode *node)
{
    while (node != NULL && node->type != XML_ELEMENT_NODE)
        node = node->next;
    return node;
}

xmlNode *
nmvirt_xml_first_element(xmlNode *parent)
{
    return parent != NULL ? nmvirt_xml_skip_to_element(parent->children) : NULL;
}

xmlNode *
nmvirt_xml_next_element(xmlNode *node)
{
    return node != NULL ? nmvirt_xml_skip_to_element(node->next) : NULL;
}

/* ---- getters ------------------------------------------------------------ */

char *
nmvirt_xml_prop_string(xmlNode *node, const char *attr)
{
    g_autoptr(xmlChar) value = xmlGetNoNsProp(node, (const xmlChar *)attr);

    return value != NULL ? g_strdup((const char *)value) : NULL;
}

static void
nmvirt_xml_set_missing_error(GError **error, xmlNode *node, const char *iface, const char *attr,
                             const char *expected)
{
    nmvirt_xml_set_error(error, NMVIRT_ERROR_INVALID_XML, node, iface, attr,
                         /* TRANSLATORS: %s is a noun phrase such as "a whole number" */
                         _("required attribute is missing; expected %s"), expected);
}

static void
nmvirt_xml_set_invalid_error(GError **error, xmlNode *node, const char *iface, const char *attr,
                             const char *value, const char *expected)
{
    nmvirt_xml_set_error(error, NMVIRT_ERROR_INVALID_XML, node, iface, attr,
                         /* TRANSLATORS: %2$s is a noun phrase such as "a whole number" */
                         _("invalid value '%1$s'; expected %2$s"), value, expected);
}

gboolean
nmvirt_xml_prop_string_required(xmlNode *node, const char *iface, const char *attr,
                                const char *expected, char **value, GError **error)
{
    g_autofree char *str = nmvirt_xml_prop_string(node, attr);

    if (str == NULL) {
        nmvirt_xml_set_missing_error(error, node, iface, attr, expected);
        return FALSE;
    }
    g_free(*value);
    *value = g_steal_pointer(&str);
    return TRUE;
}

static char *
nmvirt_xml_uint_expected(guint min, guint max, const char *expected)
{
    if (expected != NULL)
        return g_strdup(expected);
    return g_strdup_printf(_("a whole number from %1$u to %2$u"), min, max);
}

/* Only decimal digits: no sign, no white space, no hexadecimal. */
int
nmvirt_xml_prop_uint(xmlNode *node, const char *iface, const char *attr, guint min, guint max,
                     const char *expected, guint *value, GError **error)
{
    g_autofree char *str = nmvirt_xml_prop_string(node, attr);
    guint64 number = 0;
    gboolean ok;

    if (str == NULL)
        return 0;
    ok = str[0] != '\0';
    for (const char *p = str; ok && *p != '\0'; p++)
        ok = g_ascii_isdigit(*p);
    if (ok)
        ok = g_ascii_string_to_unsigned(str, 10, min, max, &number, NULL);
    if (!ok) {
        g_autofree char *phrase = nmvirt_xml_uint_expected(min, max, expected);
        nmvirt_xml_set_invalid_error(error, node, iface, attr, str, phrase);
        return -1;
    }
    *value = (guint)number;
    return 1;
}

gboolean
nmvirt_xml_prop_uint_required(xmlNode *node, const char *iface, const char *attr, guint min,
                              guint max, const char *expected, guint *value, GError **error)
{
    int rc = nmvirt_xml_prop_uint(node, iface, attr, min, max, expected, value, error);

    if (rc == 0) {
        g_autofree char *phrase = nmvirt_xml_uint_expected(min, max, expected);
        nmvirt_xml_set_missing_error(error, node, iface, attr, phrase);
    }
    return rc == 1;
}

static char *
nmvirt_xml_enum_expected(const NmvirtXmlEnum *table)
{
    g_autoptr(GString) names = g_string_new(NULL);

    for (guint i = 0; i < table->n_values; i++) {
        const char *name = table->to_string(i);
        if (name == NULL)
            continue;
        if (names->len > 0)
            g_string_append(names, ", ");
        g_string_append(names, name);
    }
    /* TRANSLATORS: %s is a list of XML values, e.g. "ioctl, netif" */
    return g_strdup_printf(_("one of %s"), names->str);
}

int
nmvirt_xml_prop_enum(xmlNode *node, const char *iface, const char *attr, const NmvirtXmlEnum *table,
                     int *value, GError **error)
{
    g_autofree char *str = nmvirt_xml_prop_string(node, attr);
    int number;

    if (str == NULL)
        return 0;
    number = table->from_string(str);
    if (number < 0) {
        g_autofree char *expected = nmvirt_xml_enum_expected(table);
        nmvirt_xml_set_invalid_error(error, node, iface, attr, str, expected);
        return -1;
    }
    *value = number;
    return 1;
}

gboolean
nmvirt_xml_prop_enum_required(xmlNode *node, const char *iface, const char *attr,
                              const NmvirtXmlEnum *table, int *value, GError **error)
{
    int rc = nmvirt_xml_prop_enum(node, iface, attr, table, value, error);

    if (rc == 0) {
        g_autofree char *expected = nmvirt_xml_enum_expected(table);
        nmvirt_xml_set_missing_error(error, node, iface, attr, expected);
    }
    return rc == 1;
}

static int
nmvirt_xml_prop_boolean(xmlNode *node, const char *iface, const char *attr, const char *yes,
                        const char *no, NmvirtTristate *value, GError **error)
{
    g_autofree char *str = nmvirt_xml_prop_string(node, attr);

    if (str == NULL)
        return 0;
    if (g_str_equal(str, yes)) {
        *value = NMVIRT_TRISTATE_YES;
        return 1;
    }
    if (g_str_equal(str, no)) {
        *value = NMVIRT_TRISTATE_NO;
        return 1;
    }
    nmvirt_xml_set_error(error, NMVIRT_ERROR_INVALID_XML, node, iface, attr,
                         /* TRANSLATORS: %2$s and %3$s are XML values, e.g. "yes" and "no" */
                         _("invalid value '%1$s'; expected %2$s or %3$s"), str, yes, no);
    return -1;
}

int
nmvirt_xml_prop_yes_no(xmlNode *node, const char *iface, const char *attr, NmvirtTristate *value,
                       GError **error)
{
    return nmvirt_xml_prop_boolean(node, iface, attr, "yes", "no", value, error);
}

int
nmvirt_xml_prop_on_off(xmlNode *node, const char *iface, const char *attr, NmvirtTristate *value,
                       GError **error)
{
    return nmvirt_xml_prop_boolean(node, iface, attr, "on", "off", value, error);
}
