/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "nmvirt-error.h"
#include "nmvirt-iface-def.h"

NmvirtIfaceDef *
nmvirt_iface_def_new(NmvirtIfaceType type, const char *name)
{
    NmvirtIfaceDef *def = g_new0(NmvirtIfaceDef, 1);

    def->type = type;
    def->name = g_strdup(name);
    def->members = g_ptr_array_new_with_free_func((GDestroyNotify)nmvirt_iface_def_free);
    return def;
}

void
nmvirt_iface_def_free(NmvirtIfaceDef *def)
{
    if (def == NULL)
        return;
    g_free(def->name);
    g_free(def->mac);
    g_free(def->delay);
    g_free(def->bond.arp_target);
    g_free(def->vlan_parent);
    nmvirt_proto_def_free(def->ipv4);
    nmvirt_proto_def_free(def->ipv6);
    g_ptr_array_unref(def->members);
    g_free(def);
}

void
nmvirt_iface_def_add_member(NmvirtIfaceDef *def, NmvirtIfaceDef *member)
{
    g_ptr_array_add(def->members, member);
}

/* Depth-first search of the tree (the vlan parent is a reference, not a node). */
NmvirtIfaceDef *
nmvirt_iface_def_find(NmvirtIfaceDef *def, const char *name)
{
    if (g_strcmp0(def->name, name) == 0)
        return def;
    for (guint i = 0; i < def->members->len; i++) {
        NmvirtIfaceDef *found = nmvirt_iface_def_find(g_ptr_array_index(def->members, i), name);
        if (found != NULL)
            return found;
    }
    return NULL;
}

NmvirtProtoDef *
nmvirt_proto_def_new(NmvirtIpFamily family)
{
    NmvirtProtoDef *proto = g_new0(NmvirtProtoDef, 1);

    proto->family = family;
    proto->ips = g_ptr_array_new_with_free_func((GDestroyNotify)nmvirt_ip_def_free);
    return proto;
}

void
nmvirt_proto_def_free(NmvirtProtoDef *proto)
{
    if (proto == NULL)
        return;
    g_ptr_array_unref(proto->ips);
    g_free(proto->gateway);
    g_free(proto);
}

void
nmvirt_proto_def_add_ip(NmvirtProtoDef *proto, const char *address, gboolean has_prefix,
                        guint prefix)
{
    g_ptr_array_add(proto->ips, nmvirt_ip_def_new(address, has_prefix, prefix));
}

NmvirtIpDef *
nmvirt_ip_def_new(const char *address, gboolean has_prefix, guint prefix)
{
    NmvirtIpDef *ip = g_new0(NmvirtIpDef, 1);

    ip->address = g_strdup(address);
    ip->has_prefix = has_prefix;
    ip->prefix = has_prefix ? prefix : 0;
    return ip;
}

void
nmvirt_ip_def_free(NmvirtIpDef *ip)
{
    if (ip == NULL)
        return;
    g_free(ip->address);
    g_free(ip);
}

/* One table per enum; index = enum value, NULL = no XML spelling (UNSET). */
static const char *const nmvirt_iface_type_names[] = { "ethernet", "bridge", "bond", "vlan" };
static const char *const nmvirt_start_mode_names[] = { NULL, "onboot", "none", "hotplug" };
static const char *const nmvirt_link_state_names[] = {
    NULL, "unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up",
};
static const char *const nmvirt_bond_mode_names[] = {
    NULL,        "balance-rr", "active-backup", "balance-xor",
    "broadcast", "802.3ad",    "balance-tlb",   "balance-alb",
};
static const char *const nmvirt_bond_carrier_names[] = { NULL, "ioctl", "netif" };
static const char *const nmvirt_arp_validate_names[] = { NULL, "none", "active", "backup", "all" };

G_STATIC_ASSERT(G_N_ELEMENTS(nmvirt_iface_type_names) == NMVIRT_IFACE_TYPE_LAST);
G_STATIC_ASSERT(G_N_ELEMENTS(nmvirt_start_mode_names) == NMVIRT_START_MODE_LAST);
G_STATIC_ASSERT(G_N_ELEMENTS(nmvirt_link_state_names) == NMVIRT_LINK_STATE_LAST);
G_STATIC_ASSERT(G_N_ELEMENTS(nmvirt_bond_mode_names) == NMVIRT_BOND_MODE_LAST);
G_STATIC_ASSERT(G_N_ELEMENTS(nmvirt_bond_carrier_names) == NMVIRT_BOND_CARRIER_LAST);
G_STATIC_ASSERT(G_N_ELEMENTS(nmvirt_arp_validate_names) == NMVIRT_ARP_VALIDATE_LAST);

static const char *
nmvirt_enum_to_string(const char *const *names, guint n_names, guint value)
{
    return value < n_names ? names[value] : NULL;
}

static int
nmvirt_enum_from_string(const char *const *names, guint n_names, const char *str)
{
    if (str == NULL)
        return -1;
    for (guint i = 0; i < n_names; i++) {
        if (names[i] != NULL && g_str_equal(names[i], str))
            return (int)i;
    }
    return -1;
}

#define NMVIRT_ENUM_IMPL(func, type, table)                                                        \
    const char *func##_to_string(type value)                                                       \
    {                                                                                              \
        return nmvirt_enum_to_string(table, G_N_ELEMENTS(table), value);                           \
    }                                                                                              \
    int func##_from_string(const char *str)                                                        \
    {                                                                                              \
        return nmvirt_enum_from_string(table, G_N_ELEMENTS(table), str);                           \
    }

NMVIRT_ENUM_IMPL(nmvirt_iface_type, NmvirtIfaceType, nmvirt_iface_type_names)
NMVIRT_ENUM_IMPL(nmvirt_start_mode, NmvirtStartMode, nmvirt_start_mode_names)
NMVIRT_ENUM_IMPL(nmvirt_link_state, NmvirtLinkState, nmvirt_link_state_names)
NMVIRT_ENUM_IMPL(nmvirt_bond_mode, NmvirtBondMode, nmvirt_bond_mode_names)
NMVIRT_ENUM_IMPL(nmvirt_bond_carrier, NmvirtBondCarrier, nmvirt_bond_carrier_names)
NMVIRT_ENUM_IMPL(nmvirt_arp_validate, NmvirtArpValidate, nmvirt_arp_validate_names)

gboolean
nmvirt_iface_name_check(const char *name, GError **error)
{
    gsize len = name != NULL ? strlen(name) : 0;

    if (len == 0) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML,
                    _("interface name is empty; a kernel interface name is 1 to %d bytes"),
                    NMVIRT_IFNAME_MAX);
        return FALSE;
    }
    if (len > NMVIRT_IFNAME_MAX) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML,
                    _("interface name '%1$s' is %2$u bytes long; the kernel allows at most %3$d"),
                    name, (guint)len, NMVIRT_IFNAME_MAX);
        return FALSE;
    }
    if (g_str_equal(name, ".") || g_str_equal(name, "..")) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML,
                    _("interface name '%s' is not allowed by the kernel"), name);
        return FALSE;
    }
    for (const char *p = name; *p != '\0'; p++) {
        if (*p == '/' || *p == ':' || g_ascii_isspace(*p) || !g_ascii_isprint(*p)) {
            g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML,
                        _("interface name '%1$s' contains '%2$c'; kernel interface names "
                          "cannot contain '/', ':', white space or control characters"),
                        name, g_ascii_isprint(*p) ? *p : '?');
            return FALSE;
        }
    }
    return TRUE;
}
