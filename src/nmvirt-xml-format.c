/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * NmvirtIfaceDef -> interface XML.
 *
 * The document is built as a libxml2 tree (xmlNewChild/xmlSetProp), never
 * with printf, and then written by a small serializer of our own, because
 * libxml2's dumpers use double quotes and libvirt's format uses single
 * quotes. Output: no XML declaration, attributes in single quotes,
 * two-space indentation, one element per line, empty elements as <x/>,
 * and a trailing newline. Only what is set in the model is written.
 *
 * Order follows libvirt: start, mtu, protocol ipv4, protocol ipv6, link,
 * then mac | bridge | bond | vlan. The element formatters below are in the
 * same order as their parsers in nmvirt-xml-parse.c.
 */
#include "config.h"

#include "nmvirt-xml-private.h"
#include "nmvirt-xml-util.h"
#include "nmvirt-xml.h"

/* ---- tree helpers ------------------------------------------------------- */

static xmlNode *
nmvirt_xml_format_child(xmlNode *parent, const char *name)
{
    return xmlNewChild(parent, NULL, (const xmlChar *)name, NULL);
}

static void
nmvirt_xml_format_prop(xmlNode *node, const char *name, const char *value)
{
    if (value != NULL)
        xmlSetProp(node, (const xmlChar *)name, (const xmlChar *)value);
}

static void
nmvirt_xml_format_prop_uint(xmlNode *node, const char *name, guint value)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];

    g_snprintf(buf, sizeof(buf), "%u", value);
    nmvirt_xml_format_prop(node, name, buf);
}

/* ---- elements, in the order of nmvirt-xml-parse.c ----------------------- */

static void nmvirt_xml_format_interface(xmlNode *node, const NmvirtIfaceDef *def,
                                        gboolean top_level);

static void
nmvirt_xml_format_start(xmlNode *parent, const NmvirtIfaceDef *def)
{
    const char *mode = nmvirt_start_mode_to_string(def->start_mode);
    xmlNode *node;

    if (mode == NULL)
        return;
    node = nmvirt_xml_format_child(parent, "start");
    nmvirt_xml_format_prop(node, "mode", mode);
}

static void
nmvirt_xml_format_mtu(xmlNode *parent, const NmvirtIfaceDef *def)
{
    xmlNode *node;

    if (def->mtu == 0)
        return;
    node = nmvirt_xml_format_child(parent, "mtu");
    nmvirt_xml_format_prop_uint(node, "size", def->mtu);
}

static void
nmvirt_xml_format_dhcp(xmlNode *parent, const NmvirtProtoDef *proto)
{
    xmlNode *node;

    if (!proto->dhcp)
        return;
    node = nmvirt_xml_format_child(parent, "dhcp");
    if (proto->peerdns != NMVIRT_TRISTATE_UNSET)
        nmvirt_xml_format_prop(node, "peerdns",
                               proto->peerdns == NMVIRT_TRISTATE_YES ? "yes" : "no");
}

static void
nmvirt_xml_format_ip(xmlNode *parent, const NmvirtIpDef *ip)
{
    xmlNode *node = nmvirt_xml_format_child(parent, "ip");

    nmvirt_xml_format_prop(node, "address", ip->address);
    if (ip->has_prefix && ip->prefix > 0)
        nmvirt_xml_format_prop_uint(node, "prefix", ip->prefix);
}

static void
nmvirt_xml_format_route(xmlNode *parent, const NmvirtProtoDef *proto)
{
    xmlNode *node;

    if (proto->gateway == NULL)
        return;
    node = nmvirt_xml_format_child(parent, "route");
    nmvirt_xml_format_prop(node, "gateway", proto->gateway);
}

static void
nmvirt_xml_format_protocol(xmlNode *parent, const NmvirtProtoDef *proto)
{
    xmlNode *node;

    if (proto == NULL)
        return;
    node = nmvirt_xml_format_child(parent, "protocol");
    nmvirt_xml_format_prop(node, "family", nmvirt_xml_ip_family_to_string(proto->family));
    if (proto->autoconf && proto->family == NMVIRT_IP_FAMILY_IPV6)
        nmvirt_xml_format_child(node, "autoconf");
    nmvirt_xml_format_dhcp(node, proto);
    for (guint i = 0; i < proto->ips->len; i++)
        nmvirt_xml_format_ip(node, g_ptr_array_index(proto->ips, i));
    nmvirt_xml_format_route(node, proto);
}

static void
nmvirt_xml_format_link(xmlNode *parent, const NmvirtIfaceDef *def)
{
    const char *state = nmvirt_link_state_to_string(def->link_state);
    xmlNode *node;

    /* a bridge has no link state in the format */
    if ((state == NULL && def->link_speed == 0) || def->type == NMVIRT_IFACE_TYPE_BRIDGE)
        return;
    node = nmvirt_xml_format_child(parent, "link");
    if (def->link_speed > 0)
        nmvirt_xml_format_prop_uint(node, "speed", def->link_speed);
    nmvirt_xml_format_prop(node, "state", state);
}

static void
nmvirt_xml_format_mac(xmlNode *parent, const NmvirtIfaceDef *def)
{
    xmlNode *node;

    if (def->mac == NULL)
        return;
    node = nmvirt_xml_format_child(parent, "mac");
    nmvirt_xml_format_prop(node, "address", def->mac);
}

static void
nmvirt_xml_format_bridge(xmlNode *parent, const NmvirtIfaceDef *def)
{
    xmlNode *node = nmvirt_xml_format_child(parent, "bridge");

    if (def->stp != NMVIRT_TRISTATE_UNSET)
        nmvirt_xml_format_prop(node, "stp", def->stp == NMVIRT_TRISTATE_YES ? "on" : "off");
    nmvirt_xml_format_prop(node, "delay", def->delay);
    for (guint i = 0; i < def->members->len; i++) {
        xmlNode *port = nmvirt_xml_format_child(node, "interface");
        nmvirt_xml_format_interface(port, g_ptr_array_index(def->members, i), FALSE);
    }
}

static void
nmvirt_xml_format_miimon(xmlNode *parent, const NmvirtBondDef *bond)
{
    xmlNode *node = nmvirt_xml_format_child(parent, "miimon");

    nmvirt_xml_format_prop_uint(node, "freq", bond->miimon_freq);
    if (bond->downdelay > 0)
        nmvirt_xml_format_prop_uint(node, "downdelay", bond->downdelay);
    if (bond->updelay > 0)
        nmvirt_xml_format_prop_uint(node, "updelay", bond->updelay);
    nmvirt_xml_format_prop(node, "carrier", nmvirt_bond_carrier_to_string(bond->carrier));
}

static void
nmvirt_xml_format_arpmon(xmlNode *parent, const NmvirtBondDef *bond)
{
    xmlNode *node = nmvirt_xml_format_child(parent, "arpmon");

    nmvirt_xml_format_prop_uint(node, "interval", bond->arp_interval);
    nmvirt_xml_format_prop(node, "target", bond->arp_target);
    nmvirt_xml_format_prop(node, "validate", nmvirt_arp_validate_to_string(bond->arp_validate));
}

static void
nmvirt_xml_format_bond(xmlNode *parent, const NmvirtIfaceDef *def)
{
    xmlNode *node = nmvirt_xml_format_child(parent, "bond");

    nmvirt_xml_format_prop(node, "mode", nmvirt_bond_mode_to_string(def->bond.mode));
    if (def->bond.monitor == NMVIRT_BOND_MONITOR_MIIMON)
        nmvirt_xml_format_miimon(node, &def->bond);
    else if (def->bond.monitor == NMVIRT_BOND_MONITOR_ARPMON)
        nmvirt_xml_format_arpmon(node, &def->bond);
    for (guint i = 0; i < def->members->len; i++) {
        xmlNode *member = nmvirt_xml_format_child(node, "interface");
        nmvirt_xml_format_interface(member, g_ptr_array_index(def->members, i), FALSE);
    }
}

static void
nmvirt_xml_format_vlan_parent(xmlNode *parent, const NmvirtIfaceDef *def)
{
    xmlNode *node = nmvirt_xml_format_child(parent, "interface");

    nmvirt_xml_format_prop(node, "name", def->vlan_parent);
}

static void
nmvirt_xml_format_vlan(xmlNode *parent, const NmvirtIfaceDef *def)
{
    xmlNode *node = nmvirt_xml_format_child(parent, "vlan");

    nmvirt_xml_format_prop_uint(node, "tag", def->vlan_tag);
    nmvirt_xml_format_vlan_parent(node, def);
}

/* Fills @node (an <interface> element). Nested interfaces get only their
 * link, mac and payload: start, mtu and protocol belong to the root. */
static void
nmvirt_xml_format_interface(xmlNode *node, const NmvirtIfaceDef *def, gboolean top_level)
{
    nmvirt_xml_format_prop(node, "type", nmvirt_iface_type_to_string(def->type));
    nmvirt_xml_format_prop(node, "name", def->name);
    if (top_level) {
        nmvirt_xml_format_start(node, def);
        nmvirt_xml_format_mtu(node, def);
        nmvirt_xml_format_protocol(node, def->ipv4);
        nmvirt_xml_format_protocol(node, def->ipv6);
    }
    nmvirt_xml_format_link(node, def);
    switch (def->type) {
    case NMVIRT_IFACE_TYPE_ETHERNET:
        nmvirt_xml_format_mac(node, def);
        break;
    case NMVIRT_IFACE_TYPE_BRIDGE:
        nmvirt_xml_format_bridge(node, def);
        break;
    case NMVIRT_IFACE_TYPE_BOND:
        nmvirt_xml_format_bond(node, def);
        break;
    case NMVIRT_IFACE_TYPE_VLAN:
        nmvirt_xml_format_vlan(node, def);
        break;
    case NMVIRT_IFACE_TYPE_LAST:
    default:
        break;
    }
}

/* ---- serializer --------------------------------------------------------- */

/* Escapes for a single-quoted attribute value or for element text.
 * White space other than the blank is written as a character reference in
 * attributes, since a parser would normalise it to a blank. */
static void
nmvirt_xml_format_escape(GString *out, const char *text, gboolean attribute)
{
    for (const char *p = text; *p != '\0'; p++) {
        switch (*p) {
        case '&':
            g_string_append(out, "&amp;");
            break;
        case '<':
            g_string_append(out, "&lt;");
            break;
        case '>':
            g_string_append(out, "&gt;");
            break;
        case '\'':
            g_string_append(out, attribute ? "&apos;" : "'");
            break;
        case '\t':
        case '\n':
        case '\r':
            if (attribute)
                g_string_append_printf(out, "&#%d;", *p);
            else
                g_string_append_c(out, *p);
            break;
        default:
            g_string_append_c(out, *p);
            break;
        }
    }
}

static void
nmvirt_xml_format_write(GString *out, xmlNode *node, guint depth)
{
    xmlNode *first = nmvirt_xml_first_element(node);

    for (guint i = 0; i < depth; i++)
        g_string_append(out, "  ");
    g_string_append_printf(out, "<%s", (const char *)node->name);
    for (xmlAttr *attr = node->properties; attr != NULL; attr = attr->next) {
        g_autoptr(xmlChar) value = xmlNodeGetContent((xmlNode *)attr);

        g_string_append_printf(out, " %s='", (const char *)attr->name);
        nmvirt_xml_format_escape(out, value != NULL ? (const char *)value : "", TRUE);
        g_string_append_c(out, '\'');
    }
    if (first == NULL) {
        g_autoptr(xmlChar) text = xmlNodeGetContent(node);

        /* no element children: empty, or text only */
        if (text == NULL || text[0] == '\0') {
            g_string_append(out, "/>\n");
            return;
        }
        g_string_append_c(out, '>');
        nmvirt_xml_format_escape(out, (const char *)text, FALSE);
        g_string_append_printf(out, "</%s>\n", (const char *)node->name);
        return;
    }
    g_string_append(out, ">\n");
    for (xmlNode *child = first; child != NULL; child = nmvirt_xml_next_element(child))
        nmvirt_xml_format_write(out, child, depth + 1);
    for (guint i = 0; i < depth; i++)
        g_string_append(out, "  ");
    g_string_append_printf(out, "</%s>\n", (const char *)node->name);
}

char *
nmvirt_xml_format(const NmvirtIfaceDef *def)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(GString) out = g_string_new(NULL);
    xmlNode *root;

    g_return_val_if_fail(def != NULL, NULL);

    nmvirt_xml_init();
    doc = xmlNewDoc((const xmlChar *)"1.0");
    root = xmlNewDocNode(doc, NULL, (const xmlChar *)"interface", NULL);
    xmlDocSetRootElement(doc, root);
    nmvirt_xml_format_interface(root, def, TRUE);
    nmvirt_xml_format_write(out, root, 0);
    return g_string_free(g_steal_pointer(&out), FALSE);
}
