/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Interface XML -> NmvirtIfaceDef.
 *
 * Every entry point goes through nmvirt_xml_parse(): well-formedness with
 * libxml2 (no network, no DTD, no entity substitution), the root element
 * name, RelaxNG validation, a walk of the tree into the model, then the
 * document-wide checks of nmvirt-xml-check.c. The element parsers below are
 * in the same order as their formatters in nmvirt-xml-format.c.
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <libxml/SAX2.h>
/* xmlCreateMemoryParserCtxt() */
#include <libxml/parserInternals.h>

#include "nmvirt-error.h"
#include "nmvirt-xml-private.h"
#include "nmvirt-xml-util.h"
#include "nmvirt-xml.h"

/* ---- reading the document ----------------------------------------------- */

/* Per-call state, reachable from the parser context's _private. */
typedef struct {
    GError *first_error;
    int first_code;
    gboolean saw_doctype;
    guint doctype_line;
} NmvirtXmlReadState;

/* Errors arrive through the context's own SAX handler (ctxt->sax->serror),
 * which libxml2 prefers over the process-wide or thread-local handler. The
 * user_data argument is not reliable for parser errors in libxml2 2.9, but
 * xml_error->ctxt always is the parser context. */
static void
nmvirt_xml_read_error_cb(void *user_data, xmlError *xml_error)
{
    xmlParserCtxt *ctxt = xml_error != NULL ? xml_error->ctxt : NULL;
    NmvirtXmlReadState *state = ctxt != NULL ? ctxt->_private : NULL;

    if (state == NULL || state->first_error != NULL || xml_error->level < XML_ERR_ERROR)
        return;
    state->first_code = xml_error->code;
    nmvirt_xml_set_error_from_libxml(&state->first_error, xml_error);
}

/* Called at "<!DOCTYPE", before any declaration of the internal subset is
 * read and before an external subset could be fetched. Stopping here means
 * no entity is ever declared, so neither an expansion bomb nor an external
 * entity (file:///etc/passwd) can be used. */
static void
nmvirt_xml_read_doctype_cb(void *user_data, const xmlChar *name, const xmlChar *external_id,
                           const xmlChar *system_id)
{
    xmlParserCtxt *ctxt = user_data;
    NmvirtXmlReadState *state = ctxt->_private;

    state->saw_doctype = TRUE;
    state->doctype_line = (guint)MAX(xmlSAX2GetLineNumber(ctxt), 0);
    xmlStopParser(ctxt);
}

static gboolean
nmvirt_xml_is_blank(const char *xml, gsize len)
{
    for (gsize i = 0; i < len; i++) {
        if (!g_ascii_isspace(xml[i]))
            return FALSE;
    }
    return TRUE;
}

static xmlDoc *
nmvirt_xml_read(const char *xml, gsize len, GError **error)
{
    g_autoptr(xmlParserCtxt) ctxt = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    NmvirtXmlReadState state = { NULL };
    gboolean well_formed;

    nmvirt_xml_init();

    /* Also keeps the length within libxml2's int. No XML_PARSE_HUGE either,
     * so libxml2's own limits on names, text and depth stay in force. */
    if (len > NMVIRT_XML_MAX_SIZE) {
        g_set_error(
            error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML,
            _("the document is larger than %u bytes; expected a smaller interface document"),
            (guint)NMVIRT_XML_MAX_SIZE);
        return NULL;
    }
    if (nmvirt_xml_is_blank(xml, len)) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML,
                    _("the document is empty; expected an <interface> element"));
        return NULL;
    }

    ctxt = xmlCreateMemoryParserCtxt(xml, (int)len);
    if (ctxt == NULL) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INTERNAL,
                    _("cannot create an XML parser context"));
        return NULL;
    }
    /* No XML_PARSE_NOENT, DTDLOAD, DTDATTR or DTDVALID. Blank text nodes
     * are dropped; the walker skips any other text as well. */
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_BIG_LINES);
    /* The option above cannot switch these off, and their defaults come
     * from libxml2 globals another library in the process may have changed. */
    ctxt->replaceEntities = 0;
    ctxt->loadsubset = 0;
    ctxt->validate = 0;
    ctxt->linenumbers = 1;

    /* ctxt->sax belongs to this context alone, so these hooks are private
     * to this call: thread-safe, and the caller's handlers are untouched. */
    ctxt->_private = &state;
    ctxt->sax->serror = nmvirt_xml_read_error_cb;
    ctxt->sax->internalSubset = nmvirt_xml_read_doctype_cb;

    xmlParseDocument(ctxt);
    well_formed = ctxt->wellFormed;
    doc = g_steal_pointer(&ctxt->myDoc);
    ctxt->_private = NULL;

    if (state.saw_doctype || (doc != NULL && (doc->intSubset != NULL || doc->extSubset != NULL))) {
        g_clear_error(&state.first_error);
        nmvirt_xml_set_error_at(error, NMVIRT_ERROR_INVALID_XML, NULL, state.doctype_line, NULL,
                                NULL,
                                _("<!DOCTYPE> found, but DTDs and entities are not allowed; "
                                  "expected a document without <!DOCTYPE>"));
        return NULL;
    }
    if (state.first_code == XML_ERR_DOCUMENT_EMPTY) {
        /* nothing but comments or processing instructions */
        g_clear_error(&state.first_error);
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML,
                    _("the document is empty; expected an <interface> element"));
        return NULL;
    }
    if (state.first_error != NULL) {
        g_propagate_error(error, state.first_error);
        return NULL;
    }
    if (!well_formed || doc == NULL) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML,
                    _("the document is not well-formed XML; expected an <interface> document"));
        return NULL;
    }
    return g_steal_pointer(&doc);
}

/* ---- elements, in the order of nmvirt-xml-format.c ---------------------- */

static NmvirtIfaceDef *nmvirt_xml_parse_interface(xmlNode *node, NmvirtIfaceType parent_type,
                                                  const char *parent_name, GError **error);

static gboolean
nmvirt_xml_parse_start(xmlNode *node, NmvirtIfaceDef *def, GError **error)
{
    int mode = NMVIRT_START_MODE_UNSET;

    if (!nmvirt_xml_prop_enum_required(node, def->name, "mode", &nmvirt_xml_enum_start_mode, &mode,
                                       error))
        return FALSE;
    def->start_mode = mode;
    return TRUE;
}

static gboolean
nmvirt_xml_parse_mtu(xmlNode *node, NmvirtIfaceDef *def, GError **error)
{
    G_STATIC_ASSERT(NMVIRT_MTU_MAX == 100000);

    /* size='0' is kept as 0, which the model reads as "absent" */
    return nmvirt_xml_prop_uint_required(node, def->name, "size", 0, NMVIRT_MTU_MAX,
                                         _("a whole number of bytes from 0 to 100000"), &def->mtu,
                                         error);
}

static gboolean
nmvirt_xml_parse_dhcp(xmlNode *node, NmvirtProtoDef *proto, const char *iface, GError **error)
{
    proto->dhcp = TRUE;
    return nmvirt_xml_prop_yes_no(node, iface, "peerdns", &proto->peerdns, error) >= 0;
}

static gboolean
nmvirt_xml_parse_ip(xmlNode *node, NmvirtProtoDef *proto, const char *iface, GError **error)
{
    gboolean ipv4 = proto->family == NMVIRT_IP_FAMILY_IPV4;
    g_autofree char *text = NULL;
    g_autofree char *address = NULL;
    guint prefix = 0;

    if (!nmvirt_xml_prop_string_required(node, iface, "address",
                                         ipv4 ? _("an IPv4 address such as 192.0.2.1")
                                              : _("an IPv6 address such as 2001:db8::1"),
                                         &text, error))
        return FALSE;
    if (!nmvirt_xml_check_ip(text, proto->family, node, iface, "address", &address, error))
        return FALSE;
    if (nmvirt_xml_prop_uint(node, iface, "prefix", 0, ipv4 ? 32 : 128,
                             ipv4 ? _("a prefix length from 0 to 32")
                                  : _("a prefix length from 0 to 128"),
                             &prefix, error) < 0)
        return FALSE;
    /* prefix='0' counts as absent, as in libvirt */
    nmvirt_proto_def_add_ip(proto, address, prefix > 0, prefix);
    return TRUE;
}

static gboolean
nmvirt_xml_parse_route(xmlNode *node, NmvirtProtoDef *proto, const char *iface, GError **error)
{
    g_autofree char *text = NULL;

    if (!nmvirt_xml_prop_string_required(node, iface, "gateway",
                                         proto->family == NMVIRT_IP_FAMILY_IPV4
                                             ? _("an IPv4 address such as 192.0.2.1")
                                             : _("an IPv6 address such as 2001:db8::1"),
                                         &text, error))
        return FALSE;
    return nmvirt_xml_check_ip(text, proto->family, node, iface, "gateway", &proto->gateway, error);
}

static gboolean
nmvirt_xml_parse_protocol(xmlNode *node, NmvirtIfaceDef *def, GError **error)
{
    g_autoptr(NmvirtProtoDef) proto = NULL;
    int family = NMVIRT_IP_FAMILY_IPV4;
    NmvirtProtoDef **slot;

    if (!nmvirt_xml_prop_enum_required(node, def->name, "family", &nmvirt_xml_enum_ip_family,
                                       &family, error))
        return FALSE;
    slot = family == NMVIRT_IP_FAMILY_IPV4 ? &def->ipv4 : &def->ipv6;
    if (*slot != NULL) {
        nmvirt_xml_set_error(
            error, NMVIRT_ERROR_INVALID_XML, node, def->name, "family",
            _("a second <protocol family='%s'>; expected at most one per address family"),
            nmvirt_xml_ip_family_to_string(family));
        return FALSE;
    }
    proto = nmvirt_proto_def_new(family);
    for (xmlNode *child = nmvirt_xml_first_element(node); child != NULL;
         child = nmvirt_xml_next_element(child)) {
        gboolean ok;

        if (nmvirt_xml_node_is(child, "ip")) {
            ok = nmvirt_xml_parse_ip(child, proto, def->name, error);
        } else if (nmvirt_xml_node_is(child, "dhcp")) {
            ok = nmvirt_xml_check_once(child, def->name, error) &&
                 nmvirt_xml_parse_dhcp(child, proto, def->name, error);
        } else if (nmvirt_xml_node_is(child, "route")) {
            ok = nmvirt_xml_check_once(child, def->name, error) &&
                 nmvirt_xml_parse_route(child, proto, def->name, error);
        } else if (nmvirt_xml_node_is(child, "autoconf") && family == NMVIRT_IP_FAMILY_IPV6) {
            ok = nmvirt_xml_check_once(child, def->name, error);
            proto->autoconf = TRUE;
        } else {
            nmvirt_xml_set_unexpected_error(
                error, child, def->name,
                family == NMVIRT_IP_FAMILY_IPV6 ? "autoconf, dhcp, ip, route" : "dhcp, ip, route");
            ok = FALSE;
        }
        if (!ok)
            return FALSE;
    }
    *slot = g_steal_pointer(&proto);
    return TRUE;
}

static gboolean
nmvirt_xml_parse_link(xmlNode *node, NmvirtIfaceDef *def, GError **error)
{
    int state = NMVIRT_LINK_STATE_UNSET;

    if (nmvirt_xml_prop_uint(node, def->name, "speed", 0, G_MAXUINT, _("a whole number of Mb/s"),
                             &def->link_speed, error) < 0)
        return FALSE;
    if (nmvirt_xml_prop_enum(node, def->name, "state", &nmvirt_xml_enum_link_state, &state, error) <
        0)
        return FALSE;
    def->link_state = state;
    return TRUE;
}

static gboolean
nmvirt_xml_parse_mac(xmlNode *node, NmvirtIfaceDef *def, GError **error)
{
    g_autofree char *text = NULL;

    if (!nmvirt_xml_prop_string_required(
            node, def->name, "address", _("a MAC address such as 52:54:00:12:34:56"), &text, error))
        return FALSE;
    return nmvirt_xml_check_mac(text, node, def->name, "address", &def->mac, error);
}

static gboolean
nmvirt_xml_parse_bridge(xmlNode *node, NmvirtIfaceDef *def, GError **error)
{
    g_autofree char *delay = nmvirt_xml_prop_string(node, "delay");

    if (nmvirt_xml_prop_on_off(node, def->name, "stp", &def->stp, error) < 0)
        return FALSE;
    if (delay != NULL) {
        if (!nmvirt_xml_check_delay(delay, node, def->name, error))
            return FALSE;
        def->delay = g_steal_pointer(&delay);
    }
    for (xmlNode *child = nmvirt_xml_first_element(node); child != NULL;
         child = nmvirt_xml_next_element(child)) {
        NmvirtIfaceDef *port;

        if (!nmvirt_xml_node_is(child, "interface")) {
            nmvirt_xml_set_unexpected_error(error, child, def->name, "interface");
            return FALSE;
        }
        port = nmvirt_xml_parse_interface(child, NMVIRT_IFACE_TYPE_BRIDGE, def->name, error);
        if (port == NULL)
            return FALSE;
        nmvirt_iface_def_add_member(def, port);
    }
    return TRUE;
}

static gboolean
nmvirt_xml_parse_miimon(xmlNode *node, NmvirtIfaceDef *def, GError **error)
{
    NmvirtBondDef *bond = &def->bond;
    const char *ms = _("a whole number of milliseconds");
    int carrier = NMVIRT_BOND_CARRIER_UNSET;

    bond->monitor = NMVIRT_BOND_MONITOR_MIIMON;
    /* freq='0' would turn the monitor off: it reads back as no <miimon> */
    if (!nmvirt_xml_prop_uint_required(node, def->name, "freq", 1, G_MAXUINT,
                                       _("a positive number of milliseconds"), &bond->miimon_freq,
                                       error))
        return FALSE;
    /* downdelay/updelay '0' are stored as 0, i.e. absent */
    if (nmvirt_xml_prop_uint(node, def->name, "downdelay", 0, G_MAXUINT, ms, &bond->downdelay,
                             error) < 0)
        return FALSE;
    if (nmvirt_xml_prop_uint(node, def->name, "updelay", 0, G_MAXUINT, ms, &bond->updelay, error) <
        0)
        return FALSE;
    if (nmvirt_xml_prop_enum(node, def->name, "carrier", &nmvirt_xml_enum_bond_carrier, &carrier,
                             error) < 0)
        return FALSE;
    bond->carrier = carrier;
    return TRUE;
}

static gboolean
nmvirt_xml_parse_arpmon(xmlNode *node, NmvirtIfaceDef *def, GError **error)
{
    NmvirtBondDef *bond = &def->bond;
    g_autofree char *target = NULL;
    int validate = NMVIRT_ARP_VALIDATE_UNSET;

    bond->monitor = NMVIRT_BOND_MONITOR_ARPMON;
    /* interval='0' would turn the monitor off, as freq='0' would */
    if (!nmvirt_xml_prop_uint_required(node, def->name, "interval", 1, G_MAXUINT,
                                       _("a positive number of milliseconds"), &bond->arp_interval,
                                       error))
        return FALSE;
    if (!nmvirt_xml_prop_string_required(node, def->name, "target",
                                         _("an IPv4 address such as 192.0.2.1"), &target, error))
        return FALSE;
    if (!nmvirt_xml_check_ip(target, NMVIRT_IP_FAMILY_IPV4, node, def->name, "target",
                             &bond->arp_target, error))
        return FALSE;
    if (nmvirt_xml_prop_enum(node, def->name, "validate", &nmvirt_xml_enum_arp_validate, &validate,
                             error) < 0)
        return FALSE;
    bond->arp_validate = validate;
    return TRUE;
}

static gboolean
nmvirt_xml_parse_bond(xmlNode *node, NmvirtIfaceDef *def, GError **error)
{
    int mode = NMVIRT_BOND_MODE_UNSET;
    xmlNode *monitor = NULL;

    if (nmvirt_xml_prop_enum(node, def->name, "mode", &nmvirt_xml_enum_bond_mode, &mode, error) < 0)
        return FALSE;
    def->bond.mode = mode;
    for (xmlNode *child = nmvirt_xml_first_element(node); child != NULL;
         child = nmvirt_xml_next_element(child)) {
        gboolean is_miimon = nmvirt_xml_node_is(child, "miimon");
        NmvirtIfaceDef *member;

        if (is_miimon || nmvirt_xml_node_is(child, "arpmon")) {
            if (monitor != NULL) {
                nmvirt_xml_set_error(error, NMVIRT_ERROR_INVALID_XML, child, def->name, NULL,
                                     _("a second link monitor (after <%1$s> on line %2$u); "
                                       "expected either one <miimon> or one <arpmon>"),
                                     (const char *)monitor->name, nmvirt_xml_node_line(monitor));
                return FALSE;
            }
            monitor = child;
            if (is_miimon ? !nmvirt_xml_parse_miimon(child, def, error)
                          : !nmvirt_xml_parse_arpmon(child, def, error))
                return FALSE;
            continue;
        }
        if (!nmvirt_xml_node_is(child, "interface")) {
            nmvirt_xml_set_unexpected_error(error, child, def->name, "miimon, arpmon, interface");
            return FALSE;
        }
        member = nmvirt_xml_parse_interface(child, NMVIRT_IFACE_TYPE_BOND, def->name, error);
        if (member == NULL)
            return FALSE;
        nmvirt_iface_def_add_member(def, member);
    }
    return TRUE;
}

/* The parent reference: <interface name='eth0'/>, a name and nothing else. */
static gboolean
nmvirt_xml_parse_vlan_parent(xmlNode *node, NmvirtIfaceDef *def, const char *outer, GError **error)
{
    xmlNode *child = nmvirt_xml_first_element(node);

    if (child != NULL) {
        nmvirt_xml_set_error(error, NMVIRT_ERROR_INVALID_XML, child, def->name, NULL,
                             _("element not allowed in the vlan parent reference; expected only "
                               "<interface name='...'/>"));
        return FALSE;
    }
    for (xmlAttr *attr = node->properties; attr != NULL; attr = attr->next) {
        if (attr->ns == NULL && g_str_equal((const char *)attr->name, "name"))
            continue;
        nmvirt_xml_set_error(error, NMVIRT_ERROR_INVALID_XML, node, def->name,
                             (const char *)attr->name,
                             _("attribute not allowed in the vlan parent reference; expected only "
                               "the name of the parent"));
        return FALSE;
    }
    if (!nmvirt_xml_prop_string_required(node, def->name, "name",
                                         _("the name of the parent interface"), &def->vlan_parent,
                                         error))
        return FALSE;
    if (!nmvirt_xml_check_name(def->vlan_parent, node, def->name, error))
        return FALSE;
    return nmvirt_xml_check_vlan_parent(def->vlan_parent, def->name, outer, node, error);
}

/* @outer is the bridge the vlan is a port of, NULL at top level. */
static gboolean
nmvirt_xml_parse_vlan(xmlNode *node, NmvirtIfaceDef *def, const char *outer, GError **error)
{
    xmlNode *parent = NULL;
    G_STATIC_ASSERT(NMVIRT_VLAN_TAG_MAX == 4094);

    /* the schema allows 4095; the kernel and NetworkManager do not */
    if (!nmvirt_xml_prop_uint_required(node, def->name, "tag", 0, NMVIRT_VLAN_TAG_MAX,
                                       _("a VLAN tag from 0 to 4094"), &def->vlan_tag, error))
        return FALSE;
    for (xmlNode *child = nmvirt_xml_first_element(node); child != NULL;
         child = nmvirt_xml_next_element(child)) {
        if (!nmvirt_xml_node_is(child, "interface")) {
            nmvirt_xml_set_unexpected_error(error, child, def->name, "interface");
            return FALSE;
        }
        if (parent != NULL) {
            nmvirt_xml_set_error(error, NMVIRT_ERROR_INVALID_XML, child, def->name, NULL,
                                 _("a second parent reference; expected exactly one <interface "
                                   "name='...'/> inside <vlan>"));
            return FALSE;
        }
        parent = child;
        if (!nmvirt_xml_parse_vlan_parent(child, def, outer, error))
            return FALSE;
    }
    if (parent == NULL) {
        nmvirt_xml_set_error(
            error, NMVIRT_ERROR_INVALID_XML, node, def->name, NULL,
            _("missing the parent reference; expected one <interface name='...'/> inside <vlan>"));
        return FALSE;
    }
    return TRUE;
}

/* One <interface>. @parent_type is NMVIRT_IFACE_TYPE_LAST for the root;
 * nested interfaces recurse with their parent's type, and every rule about
 * what may be nested where is asked of nmvirt-xml-check.c from here. */
static NmvirtIfaceDef *
nmvirt_xml_parse_interface(xmlNode *node, NmvirtIfaceType parent_type, const char *parent_name,
                           GError **error)
{
    gboolean top_level = parent_type == NMVIRT_IFACE_TYPE_LAST;
    g_autoptr(NmvirtIfaceDef) def = NULL;
    g_autofree char *name = nmvirt_xml_prop_string(node, "name");
    int type = NMVIRT_IFACE_TYPE_ETHERNET;
    gboolean has_payload = FALSE;

    if (!nmvirt_xml_prop_enum_required(node, parent_name, "type", &nmvirt_xml_enum_iface_type,
                                       &type, error))
        return NULL;
    if (!nmvirt_xml_check_nesting(parent_type, type, node, parent_name, error))
        return NULL;
    /* only a top-level vlan may leave its name out (netcf names it below) */
    if (name == NULL && !(top_level && type == NMVIRT_IFACE_TYPE_VLAN)) {
        if (!nmvirt_xml_prop_string_required(node, parent_name, "name", _("an interface name"),
                                             &name, error))
            return NULL;
    }
    if (name != NULL && !nmvirt_xml_check_name(name, node, parent_name, error))
        return NULL;

    def = nmvirt_iface_def_new(type, name);
    def->line = nmvirt_xml_node_line(node);
    for (xmlNode *child = nmvirt_xml_first_element(node); child != NULL;
         child = nmvirt_xml_next_element(child)) {
        const char *iface = def->name != NULL ? def->name : parent_name;
        gboolean ok;

        if (!nmvirt_xml_check_child(type, top_level, child, iface, error))
            return NULL;
        /* <protocol> may appear once per family, every other child once */
        if (!nmvirt_xml_node_is(child, "protocol") && !nmvirt_xml_check_once(child, iface, error))
            return NULL;
        if (nmvirt_xml_node_is(child, "protocol")) {
            ok = nmvirt_xml_parse_protocol(child, def, error);
        } else if (nmvirt_xml_node_is(child, "start")) {
            ok = nmvirt_xml_parse_start(child, def, error);
        } else if (nmvirt_xml_node_is(child, "mtu")) {
            ok = nmvirt_xml_parse_mtu(child, def, error);
        } else if (nmvirt_xml_node_is(child, "link")) {
            ok = nmvirt_xml_parse_link(child, def, error);
        } else if (nmvirt_xml_node_is(child, "mac")) {
            ok = nmvirt_xml_parse_mac(child, def, error);
        } else if (nmvirt_xml_node_is(child, "bridge")) {
            has_payload = TRUE;
            ok = nmvirt_xml_parse_bridge(child, def, error);
        } else if (nmvirt_xml_node_is(child, "bond")) {
            has_payload = TRUE;
            ok = nmvirt_xml_parse_bond(child, def, error);
        } else if (nmvirt_xml_node_is(child, "vlan")) {
            has_payload = TRUE;
            ok = nmvirt_xml_parse_vlan(child, def, parent_name, error);
        } else {
            /* nmvirt_xml_check_child() lets nothing else through */
            nmvirt_xml_set_error(error, NMVIRT_ERROR_INTERNAL, child, iface, NULL,
                                 _("element accepted by the checks but not parsed"));
            ok = FALSE;
        }
        if (!ok)
            return NULL;
    }
    if (!nmvirt_xml_check_payload(type, has_payload, node, def->name, error))
        return NULL;

    if (def->name == NULL) {
        /* netcf's rule for a top-level vlan without a name */
        def->name = g_strdup_printf("%s.%u", def->vlan_parent, def->vlan_tag);
        if (!nmvirt_xml_check_name(def->name, node, NULL, error))
            return NULL;
    }
    return g_steal_pointer(&def);
}

/* ---- entry points ------------------------------------------------------- */

/* libxml2's RelaxNG messages are often vague about interleaved content
 * ("Extra element protocol in interleave" for a bad address inside it).
 * The walker knows every element and value rule, so when the schema says
 * no, let the walker look first: its message names the exact attribute and
 * what was expected. libxml2's first message often points elsewhere
 * ("Expecting an element interface, got nothing" for a bad stp value), so
 * it only goes to the debug log then. If the walker finds nothing (say, an
 * unknown attribute), the schema's error stands. */
static void
nmvirt_xml_diagnose(xmlNode *root, const char *detail, GError **schema_error)
{
    g_autoptr(GError) walk_error = NULL;
    g_autoptr(NmvirtIfaceDef) probe = NULL;

    probe = nmvirt_xml_parse_interface(root, NMVIRT_IFACE_TYPE_LAST, NULL, &walk_error);
    if (probe != NULL || detail == NULL || walk_error->code != NMVIRT_ERROR_INVALID_XML)
        return;
    g_debug("schema: %s", detail);
    g_clear_error(schema_error);
    g_propagate_error(schema_error, g_steal_pointer(&walk_error));
}

/* The one parser behind every entry point. */
static NmvirtIfaceDef *
nmvirt_xml_parse(const char *xml, gsize len, GError **error)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(NmvirtIfaceDef) def = NULL;
    g_autoptr(GError) schema_error = NULL;
    g_autofree char *detail = NULL;
    xmlNode *root;

    doc = nmvirt_xml_read(xml, len, error);
    if (doc == NULL)
        return NULL;
    root = xmlDocGetRootElement(doc);
    if (root == NULL) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML,
                    _("the document is empty; expected an <interface> element"));
        return NULL;
    }
    if (!nmvirt_xml_node_is(root, "interface")) {
        nmvirt_xml_set_error(error, NMVIRT_ERROR_INVALID_XML, root, NULL, NULL,
                             _("unexpected root element <%s>; expected <interface>"),
                             (const char *)root->name);
        return NULL;
    }
    if (!nmvirt_xml_schema_validate(doc, &detail, &schema_error)) {
        if (schema_error->code == NMVIRT_ERROR_INVALID_XML)
            nmvirt_xml_diagnose(root, detail, &schema_error);
        g_propagate_error(error, g_steal_pointer(&schema_error));
        return NULL;
    }
    def = nmvirt_xml_parse_interface(root, NMVIRT_IFACE_TYPE_LAST, NULL, error);
    if (def == NULL)
        return NULL;
    if (!nmvirt_xml_check_document(def, root, error))
        return NULL;
    return g_steal_pointer(&def);
}

NmvirtIfaceDef *
nmvirt_xml_parse_string(const char *xml, gssize len, const char *source, GError **error)
{
    NmvirtIfaceDef *def;

    g_return_val_if_fail(xml != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    def = nmvirt_xml_parse(xml, len < 0 ? strlen(xml) : (gsize)len, error);
    if (def == NULL && source != NULL)
        g_prefix_error(error, "%s: ", source);
    return def;
}

/* Reads at most NMVIRT_XML_MAX_SIZE + 1 bytes, whatever @path is: enough
 * for nmvirt_xml_read() to refuse a larger document, and the end of it for
 * a huge file, a pipe that never closes or /dev/zero. (transfer full) */
static char *
nmvirt_xml_read_file(const char *path, gsize *len, GError **error)
{
    g_autoptr(GFile) file = g_file_new_for_path(path);
    g_autoptr(GFileInputStream) stream = NULL;
    g_autofree char *contents = NULL;
    g_autoptr(GError) error_local = NULL;
    gsize limit = NMVIRT_XML_MAX_SIZE + 1;

    stream = g_file_read(file, NULL, &error_local);
    if (stream != NULL) {
        contents = g_malloc(limit + 1);
        if (!g_input_stream_read_all(G_INPUT_STREAM(stream), contents, limit, len, NULL,
                                     &error_local))
            g_clear_pointer(&contents, g_free);
    }
    if (contents == NULL) {
        nmvirt_error_convert(&error_local);
        g_propagate_error(error, g_steal_pointer(&error_local));
        return NULL;
    }
    contents[*len] = '\0';
    return g_steal_pointer(&contents);
}

NmvirtIfaceDef *
nmvirt_xml_parse_file(const char *path, GError **error)
{
    g_autofree char *contents = NULL;
    gsize len = 0;

    g_return_val_if_fail(path != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    contents = nmvirt_xml_read_file(path, &len, error);
    if (contents == NULL)
        return NULL;
    return nmvirt_xml_parse_string(contents, (gssize)len, path, error);
}
