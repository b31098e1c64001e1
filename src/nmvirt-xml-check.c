/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Rules of interface XML that data/interface.rng does not express, or
 * expresses too loosely: where elements and nested interfaces may appear,
 * kernel interface names, MAC and IP address syntax (with their canonical
 * forms), the bridge delay, unique names and addresses, vlan parents, and the
 * combinations that are valid XML but cannot be configured
 * (NMVIRT_ERROR_UNSUPPORTED).
 *
 * The walker in nmvirt-xml-parse.c calls the element and value checks as it
 * goes; nmvirt_xml_check_document() runs once on the finished model.
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <math.h>

#include "nmvirt-xml-private.h"
#include "nmvirt-xml-util.h"

/* ---- where things may appear -------------------------------------------- */

/* The payload element of each interface type (ethernet's <mac> is optional). */
static const char *const nmvirt_xml_payload_names[] = {
    [NMVIRT_IFACE_TYPE_ETHERNET] = "mac",
    [NMVIRT_IFACE_TYPE_BRIDGE] = "bridge",
    [NMVIRT_IFACE_TYPE_BOND] = "bond",
    [NMVIRT_IFACE_TYPE_VLAN] = "vlan",
};
G_STATIC_ASSERT(G_N_ELEMENTS(nmvirt_xml_payload_names) == NMVIRT_IFACE_TYPE_LAST);

static gboolean
nmvirt_xml_is_top_level_only(const char *name)
{
    return g_str_equal(name, "start") || g_str_equal(name, "mtu") || g_str_equal(name, "protocol");
}

/* The children an interface of @type may have, in libvirt's order. */
static char *
nmvirt_xml_allowed_children(NmvirtIfaceType type, gboolean top_level)
{
    g_autoptr(GString) names = g_string_new(NULL);

    if (top_level)
        g_string_append(names, "start, mtu, protocol, ");
    /* A bridge reports no link state (it is never nested either). */
    if (type != NMVIRT_IFACE_TYPE_BRIDGE)
        g_string_append(names, "link, ");
    g_string_append(names, nmvirt_xml_payload_names[type]);
    return g_string_free(g_steal_pointer(&names), FALSE);
}

gboolean
nmvirt_xml_check_nesting(NmvirtIfaceType parent_type, NmvirtIfaceType type, xmlNode *node,
                         const char *parent_name, GError **error)
{
    const char *type_name = nmvirt_iface_type_to_string(type);

    switch (parent_type) {
    case NMVIRT_IFACE_TYPE_LAST:
        /* the root: every type */
        return TRUE;
    case NMVIRT_IFACE_TYPE_BRIDGE:
        if (type != NMVIRT_IFACE_TYPE_BRIDGE)
            return TRUE;
        nmvirt_xml_set_error(error, NMVIRT_ERROR_INVALID_XML, node, parent_name, "type",
                             _("a bridge cannot be a port of another bridge; expected an ethernet, "
                               "bond or vlan port"));
        return FALSE;
    case NMVIRT_IFACE_TYPE_BOND:
        if (type == NMVIRT_IFACE_TYPE_ETHERNET)
            return TRUE;
        nmvirt_xml_set_error(
            error, NMVIRT_ERROR_INVALID_XML, node, parent_name, "type",
            _("a bond member of type '%s' is not allowed; expected an ethernet interface"),
            type_name);
        return FALSE;
    case NMVIRT_IFACE_TYPE_ETHERNET:
    case NMVIRT_IFACE_TYPE_VLAN:
    default:
        break;
    }
    nmvirt_xml_set_error(error, NMVIRT_ERROR_INVALID_XML, node, parent_name, NULL,
                         _("an interface of type '%s' cannot be nested here; expected nested "
                           "interfaces only inside <bridge> or <bond>"),
                         type_name);
    return FALSE;
}

gboolean
nmvirt_xml_check_child(NmvirtIfaceType type, gboolean top_level, xmlNode *child, const char *iface,
                       GError **error)
{
    const char *name = (const char *)child->name;
    g_autofree char *allowed = NULL;

    if (child->ns == NULL) {
        if (nmvirt_xml_is_top_level_only(name)) {
            if (top_level)
                return TRUE;
            nmvirt_xml_set_error(
                error, NMVIRT_ERROR_INVALID_XML, child, iface, NULL,
                _("element only allowed on the top-level interface; expected it directly inside "
                  "the root <interface>, not in a port, member or parent reference"));
            return FALSE;
        }
        if (g_str_equal(name, "link") && type != NMVIRT_IFACE_TYPE_BRIDGE)
            return TRUE;
        if (g_str_equal(name, nmvirt_xml_payload_names[type]))
            return TRUE;
    }
    allowed = nmvirt_xml_allowed_children(type, top_level);
    nmvirt_xml_set_error(
        error, NMVIRT_ERROR_INVALID_XML, child, iface, NULL,
        _("element not allowed in an interface of type '%1$s'; expected one of: %2$s"),
        nmvirt_iface_type_to_string(type), allowed);
    return FALSE;
}

gboolean
nmvirt_xml_check_payload(NmvirtIfaceType type, gboolean found, xmlNode *node, const char *iface,
                         GError **error)
{
    if (found || type == NMVIRT_IFACE_TYPE_ETHERNET)
        return TRUE;
    nmvirt_xml_set_error(error, NMVIRT_ERROR_INVALID_XML, node, iface, NULL,
                         _("missing element <%1$s>; expected one in an interface of type '%2$s'"),
                         nmvirt_xml_payload_names[type], nmvirt_iface_type_to_string(type));
    return FALSE;
}

/* For elements that may appear at most once among their siblings. */
gboolean
nmvirt_xml_check_once(xmlNode *child, const char *iface, GError **error)
{
    for (xmlNode *prev = child->prev; prev != NULL; prev = prev->prev) {
        if (!nmvirt_xml_node_is(prev, (const char *)child->name))
            continue;
        nmvirt_xml_set_error(error, NMVIRT_ERROR_INVALID_XML, child, iface, NULL,
                             _("element repeated (first on line %u); expected at most one"),
                             nmvirt_xml_node_line(prev));
        return FALSE;
    }
    return TRUE;
}

void
nmvirt_xml_set_unexpected_error(GError **error, xmlNode *child, const char *iface,
                                const char *allowed)
{
    nmvirt_xml_set_error(error, NMVIRT_ERROR_INVALID_XML, child, iface, NULL,
                         _("element not allowed inside <%1$s>; expected one of: %2$s"),
                         child->parent != NULL ? (const char *)child->parent->name : "?", allowed);
}

/* ---- values ------------------------------------------------------------- */

gboolean
nmvirt_xml_check_name(const char *name, xmlNode *node, const char *iface, GError **error)
{
    g_autoptr(GError) error_local = NULL;

    if (nmvirt_iface_name_check(name, &error_local))
        return TRUE;
    nmvirt_xml_set_error(error, NMVIRT_ERROR_INVALID_XML, node, iface, "name", "%s",
                         error_local->message);
    return FALSE;
}

/* xx:xx:xx:xx:xx:xx, any case; stored in lower case. */
gboolean
nmvirt_xml_check_mac(const char *value, xmlNode *node, const char *iface, const char *attr,
                     char **canonical, GError **error)
{
    gboolean ok = strlen(value) == 17;

    for (guint i = 0; ok && i < 17; i++) {
        if (i % 3 == 2)
            ok = value[i] == ':';
        else
            ok = g_ascii_isxdigit(value[i]);
    }
    if (!ok) {
        nmvirt_xml_set_error(
            error, NMVIRT_ERROR_INVALID_XML, node, iface, attr,
            _("invalid value '%s'; expected a MAC address such as 52:54:00:12:34:56"), value);
        return FALSE;
    }
    g_free(*canonical);
    *canonical = g_ascii_strdown(value, -1);
    return TRUE;
}

/* Stores the canonical text form (e.g. 2001:DB8:0::1 -> 2001:db8::1). */
gboolean
nmvirt_xml_check_ip(const char *value, NmvirtIpFamily family, xmlNode *node, const char *iface,
                    const char *attr, char **canonical, GError **error)
{
    g_autoptr(GInetAddress) address = g_inet_address_new_from_string(value);
    GSocketFamily wanted =
        family == NMVIRT_IP_FAMILY_IPV4 ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6;

    if (address == NULL || g_inet_address_get_family(address) != wanted) {
        if (family == NMVIRT_IP_FAMILY_IPV4)
            nmvirt_xml_set_error(
                error, NMVIRT_ERROR_INVALID_XML, node, iface, attr,
                _("invalid value '%s'; expected an IPv4 address such as 192.0.2.1"), value);
        else
            nmvirt_xml_set_error(
                error, NMVIRT_ERROR_INVALID_XML, node, iface, attr,
                _("invalid value '%s'; expected an IPv6 address such as 2001:db8::1"), value);
        return FALSE;
    }
    g_free(*canonical);
    *canonical = g_inet_address_to_string(address);
    return TRUE;
}

/* Forward delay in seconds: plain decimal notation, fractions allowed. The
 * text itself is kept as given; this only refuses what cannot be a
 * non-negative finite number (signs, exponents, inf, nan, garbage). */
gboolean
nmvirt_xml_check_delay(const char *value, xmlNode *node, const char *iface, GError **error)
{
    const char *p = value;
    guint int_digits = 0;
    guint frac_digits = 0;
    gboolean ok;

    while (g_ascii_isdigit(*p)) {
        p++;
        int_digits++;
    }
    if (*p == '.') {
        p++;
        while (g_ascii_isdigit(*p)) {
            p++;
            frac_digits++;
        }
    }
    ok = *p == '\0' && int_digits + frac_digits > 0;
    if (ok)
        ok = isfinite(g_ascii_strtod(value, NULL));
    if (!ok) {
        nmvirt_xml_set_error(
            error, NMVIRT_ERROR_INVALID_XML, node, iface, "delay",
            _("invalid value '%s'; expected a non-negative number of seconds such as 0, 2 or 0.5"),
            value);
        return FALSE;
    }
    return TRUE;
}

gboolean
nmvirt_xml_check_vlan_parent(const char *parent, const char *vlan, const char *outer, xmlNode *node,
                             GError **error)
{
    if (g_strcmp0(parent, vlan) == 0) {
        nmvirt_xml_set_error(error, NMVIRT_ERROR_INVALID_XML, node, vlan, "name",
                             _("vlan '%s' names itself as its parent; expected another interface"),
                             parent);
        return FALSE;
    }
    if (outer != NULL && g_str_equal(parent, outer)) {
        nmvirt_xml_set_error(
            error, NMVIRT_ERROR_INVALID_XML, node, vlan, "name",
            _("the parent '%s' is the bridge this vlan is a port of; expected another interface"),
            parent);
        return FALSE;
    }
    return TRUE;
}

/* ---- the whole document ------------------------------------------------- */

static gboolean
nmvirt_xml_check_unique_names(const NmvirtIfaceDef *def, GHashTable *lines, GError **error)
{
    gpointer seen_line = NULL;

    if (def->name != NULL) {
        if (g_hash_table_lookup_extended(lines, def->name, NULL, &seen_line)) {
            nmvirt_xml_set_error_at(error, NMVIRT_ERROR_INVALID_XML, def->name, def->line,
                                    "interface", "name",
                                    _("name '%1$s' is already used by the interface on line %2$u; "
                                      "expected each interface name once per document"),
                                    def->name, GPOINTER_TO_UINT(seen_line));
            return FALSE;
        }
        g_hash_table_insert(lines, def->name, GUINT_TO_POINTER(def->line));
    }
    for (guint i = 0; i < def->members->len; i++) {
        if (!nmvirt_xml_check_unique_names(g_ptr_array_index(def->members, i), lines, error))
            return FALSE;
    }
    return TRUE;
}

/* The name of the <interface> an element of it belongs to, or NULL. */
static char *
nmvirt_xml_check_iface_name(xmlNode *node)
{
    return node->parent != NULL ? nmvirt_xml_prop_string(node->parent, "name") : NULL;
}

/* Each address at most once per <protocol>, whatever the prefix: libnm
 * would keep one of two equal addresses, and the kernel keys an IPv6
 * address by the address alone. Walks the tree to point at the <ip>. */
static gboolean
nmvirt_xml_check_unique_addresses(xmlNode *node, GError **error)
{
    if (nmvirt_xml_node_is(node, "protocol")) {
        g_autoptr(GHashTable) lines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

        for (xmlNode *child = nmvirt_xml_first_element(node); child != NULL;
             child = nmvirt_xml_next_element(child)) {
            g_autofree char *text = NULL;
            g_autoptr(GInetAddress) address = NULL;
            g_autofree char *canonical = NULL;
            g_autofree char *iface = NULL;
            gpointer seen_line = NULL;

            if (!nmvirt_xml_node_is(child, "ip"))
                continue;
            text = nmvirt_xml_prop_string(child, "address");
            address = text != NULL ? g_inet_address_new_from_string(text) : NULL;
            if (address == NULL)
                continue;
            canonical = g_inet_address_to_string(address);
            if (!g_hash_table_lookup_extended(lines, canonical, NULL, &seen_line)) {
                g_hash_table_insert(lines, g_steal_pointer(&canonical),
                                    GUINT_TO_POINTER(nmvirt_xml_node_line(child)));
                continue;
            }
            iface = nmvirt_xml_check_iface_name(node);
            nmvirt_xml_set_error(error, NMVIRT_ERROR_INVALID_XML, child, iface, "address",
                                 _("the address '%1$s' is already given on line %2$u; expected "
                                   "each address once per protocol"),
                                 canonical, GPOINTER_TO_UINT(seen_line));
            return FALSE;
        }
        return TRUE;
    }
    for (xmlNode *child = nmvirt_xml_first_element(node); child != NULL;
         child = nmvirt_xml_next_element(child)) {
        if (!nmvirt_xml_check_unique_addresses(child, error))
            return FALSE;
    }
    return TRUE;
}

/* <route gateway> needs an address of the interface: ipvX.gateway needs
 * ipvX.addresses, and a default route through the gateway needs DHCP or
 * SLAAC for the interface's own address. */
static gboolean
nmvirt_xml_check_supported_route(xmlNode *protocol, GError **error)
{
    xmlNode *route = NULL;
    g_autofree char *iface = NULL;
    g_autofree char *family = NULL;

    for (xmlNode *child = nmvirt_xml_first_element(protocol); child != NULL;
         child = nmvirt_xml_next_element(child)) {
        if (nmvirt_xml_node_is(child, "dhcp") || nmvirt_xml_node_is(child, "autoconf") ||
            nmvirt_xml_node_is(child, "ip"))
            return TRUE;
        if (nmvirt_xml_node_is(child, "route"))
            route = child;
    }
    if (route == NULL)
        return TRUE;
    iface = nmvirt_xml_check_iface_name(protocol);
    family = nmvirt_xml_prop_string(protocol, "family");
    nmvirt_xml_set_error(error, NMVIRT_ERROR_UNSUPPORTED, route, iface, "gateway",
                         _("a gateway needs an address of the interface; expected <dhcp/>, "
                           "<autoconf/> or an <ip> in the same <protocol family='%s'>"),
                         family != NULL ? family : "");
    return FALSE;
}

/* The kernel's bonding driver has no ARP monitor for 802.3ad, and
 * NetworkManager refuses arp_interval with balance-tlb and balance-alb.
 * Walks the (valid) tree rather than the model, to point at <arpmon>. */
static gboolean
nmvirt_xml_check_supported(xmlNode *node, GError **error)
{
    if (nmvirt_xml_node_is(node, "protocol") && !nmvirt_xml_check_supported_route(node, error))
        return FALSE;
    if (nmvirt_xml_node_is(node, "bond")) {
        g_autofree char *mode_text = nmvirt_xml_prop_string(node, "mode");
        int mode = mode_text != NULL ? nmvirt_bond_mode_from_string(mode_text) : -1;

        for (xmlNode *child = nmvirt_xml_first_element(node); child != NULL;
             child = nmvirt_xml_next_element(child)) {
            g_autofree char *iface = NULL;

            if (!nmvirt_xml_node_is(child, "arpmon"))
                continue;
            if (mode != NMVIRT_BOND_MODE_802_3AD && mode != NMVIRT_BOND_MODE_BALANCE_TLB &&
                mode != NMVIRT_BOND_MODE_BALANCE_ALB)
                continue;
            iface = node->parent != NULL ? nmvirt_xml_prop_string(node->parent, "name") : NULL;
            nmvirt_xml_set_error(error, NMVIRT_ERROR_UNSUPPORTED, child, iface, NULL,
                                 _("the ARP monitor is not supported with bond mode '%s'; expected "
                                   "<miimon> or another bond mode"),
                                 mode_text);
            return FALSE;
        }
    }
    for (xmlNode *child = nmvirt_xml_first_element(node); child != NULL;
         child = nmvirt_xml_next_element(child)) {
        if (!nmvirt_xml_check_supported(child, error))
            return FALSE;
    }
    return TRUE;
}

gboolean
nmvirt_xml_check_document(const NmvirtIfaceDef *def, xmlNode *root, GError **error)
{
    g_autoptr(GHashTable) lines = g_hash_table_new(g_str_hash, g_str_equal);

    if (!nmvirt_xml_check_unique_names(def, lines, error) ||
        !nmvirt_xml_check_unique_addresses(root, error))
        return FALSE;
    /* last: a document that is invalid must be reported as invalid */
    return nmvirt_xml_check_supported(root, error);
}
