/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The model in the middle of nmvirt: one interface and its nested ports,
 * members and parent reference, as a plain C tree. Parse and format turn it
 * into interface XML and back; to_nm and from_nm turn it into
 * NetworkManager profiles and back.
 *
 * "Absent is not the default": every optional item has an explicit unset
 * marker so that the formatter writes exactly what was given.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Kernel interface names are at most IFNAMSIZ - 1 bytes. */
#define NMVIRT_IFNAME_MAX   15
#define NMVIRT_MTU_MAX      100000
#define NMVIRT_VLAN_TAG_MAX 4094

typedef enum {
    NMVIRT_IFACE_TYPE_ETHERNET,
    NMVIRT_IFACE_TYPE_BRIDGE,
    NMVIRT_IFACE_TYPE_BOND,
    NMVIRT_IFACE_TYPE_VLAN,
    /*< private >*/
    NMVIRT_IFACE_TYPE_LAST,
} NmvirtIfaceType;

typedef enum {
    NMVIRT_TRISTATE_UNSET,
    NMVIRT_TRISTATE_YES,
    NMVIRT_TRISTATE_NO,
} NmvirtTristate;

typedef enum {
    NMVIRT_START_MODE_UNSET,
    NMVIRT_START_MODE_ONBOOT,
    NMVIRT_START_MODE_NONE,
    NMVIRT_START_MODE_HOTPLUG,
    /*< private >*/
    NMVIRT_START_MODE_LAST,
} NmvirtStartMode;

/* Values of <link state=>; UNSET means the attribute is absent. */
typedef enum {
    NMVIRT_LINK_STATE_UNSET,
    NMVIRT_LINK_STATE_UNKNOWN,
    NMVIRT_LINK_STATE_NOTPRESENT,
    NMVIRT_LINK_STATE_DOWN,
    NMVIRT_LINK_STATE_LOWERLAYERDOWN,
    NMVIRT_LINK_STATE_TESTING,
    NMVIRT_LINK_STATE_DORMANT,
    NMVIRT_LINK_STATE_UP,
    /*< private >*/
    NMVIRT_LINK_STATE_LAST,
} NmvirtLinkState;

typedef enum {
    NMVIRT_BOND_MODE_UNSET,
    NMVIRT_BOND_MODE_BALANCE_RR,
    NMVIRT_BOND_MODE_ACTIVE_BACKUP,
    NMVIRT_BOND_MODE_BALANCE_XOR,
    NMVIRT_BOND_MODE_BROADCAST,
    NMVIRT_BOND_MODE_802_3AD,
    NMVIRT_BOND_MODE_BALANCE_TLB,
    NMVIRT_BOND_MODE_BALANCE_ALB,
    /*< private >*/
    NMVIRT_BOND_MODE_LAST,
} NmvirtBondMode;

typedef enum {
    NMVIRT_BOND_MONITOR_NONE,
    NMVIRT_BOND_MONITOR_MIIMON,
    NMVIRT_BOND_MONITOR_ARPMON,
} NmvirtBondMonitor;

typedef enum {
    NMVIRT_BOND_CARRIER_UNSET,
    NMVIRT_BOND_CARRIER_IOCTL,
    NMVIRT_BOND_CARRIER_NETIF,
    /*< private >*/
    NMVIRT_BOND_CARRIER_LAST,
} NmvirtBondCarrier;

typedef enum {
    NMVIRT_ARP_VALIDATE_UNSET,
    NMVIRT_ARP_VALIDATE_NONE,
    NMVIRT_ARP_VALIDATE_ACTIVE,
    NMVIRT_ARP_VALIDATE_BACKUP,
    NMVIRT_ARP_VALIDATE_ALL,
    /*< private >*/
    NMVIRT_ARP_VALIDATE_LAST,
} NmvirtArpValidate;

typedef enum {
    NMVIRT_IP_FAMILY_IPV4,
    NMVIRT_IP_FAMILY_IPV6,
} NmvirtIpFamily;

/* <ip address= prefix=/>; prefix 0 in the XML counts as absent, as in libvirt. */
typedef struct {
    char *address; /* canonical text form (inet_ntop of the parsed address) */
    guint prefix;  /* valid only when has_prefix */
    gboolean has_prefix;
} NmvirtIpDef;

/* <protocol family=...>. A NULL pointer in NmvirtIfaceDef means "absent". */
typedef struct {
    NmvirtIpFamily family;
    gboolean dhcp;          /* <dhcp/> present */
    NmvirtTristate peerdns; /* <dhcp peerdns=> */
    gboolean autoconf;      /* <autoconf/>, ipv6 only */
    GPtrArray *ips;         /* (element-type NmvirtIpDef), never NULL */
    char *gateway;          /* <route gateway=>, NULL when absent */
} NmvirtProtoDef;

typedef struct {
    NmvirtBondMode mode;
    NmvirtBondMonitor monitor;
    /* miimon */
    guint miimon_freq;
    guint downdelay; /* 0 = absent (libvirt omits 0) */
    guint updelay;   /* 0 = absent */
    NmvirtBondCarrier carrier;
    /* arpmon */
    guint arp_interval;
    char *arp_target;
    NmvirtArpValidate arp_validate;
} NmvirtBondDef;

typedef struct _NmvirtIfaceDef NmvirtIfaceDef;

struct _NmvirtIfaceDef {
    NmvirtIfaceType type;
    char *name;
    guint line; /* source line of the <interface> element, 0 when not from XML */

    /* top-level only */
    NmvirtStartMode start_mode;
    guint mtu; /* 0 = absent */
    NmvirtProtoDef *ipv4;
    NmvirtProtoDef *ipv6;

    /* ethernet (top-level or nested) */
    char *mac; /* lower case xx:xx:xx:xx:xx:xx, NULL when absent */

    /* live-only <link>; accepted on input, never stored in profiles */
    NmvirtLinkState link_state;
    guint link_speed; /* Mb/s, 0 = absent */

    /* bridge */
    NmvirtTristate stp;
    char *delay; /* the XML text of bridge/@delay (seconds), NULL when absent */

    /* bond */
    NmvirtBondDef bond;

    /* vlan */
    guint vlan_tag;
    char *vlan_parent;

    /* bridge ports or bond members, in document order (element-type NmvirtIfaceDef) */
    GPtrArray *members;
};

NmvirtIfaceDef *nmvirt_iface_def_new(NmvirtIfaceType type, const char *name);
void nmvirt_iface_def_free(NmvirtIfaceDef *def);
void nmvirt_iface_def_add_member(NmvirtIfaceDef *def, NmvirtIfaceDef *member);
NmvirtIfaceDef *nmvirt_iface_def_find(NmvirtIfaceDef *def, const char *name);

NmvirtProtoDef *nmvirt_proto_def_new(NmvirtIpFamily family);
void nmvirt_proto_def_free(NmvirtProtoDef *proto);
void nmvirt_proto_def_add_ip(NmvirtProtoDef *proto, const char *address, gboolean has_prefix,
                             guint prefix);

NmvirtIpDef *nmvirt_ip_def_new(const char *address, gboolean has_prefix, guint prefix);
void nmvirt_ip_def_free(NmvirtIpDef *ip);

/* Enum tables: the exact XML spellings. _from_string returns -1 when unknown. */
const char *nmvirt_iface_type_to_string(NmvirtIfaceType type);
int nmvirt_iface_type_from_string(const char *str);
const char *nmvirt_start_mode_to_string(NmvirtStartMode mode);
int nmvirt_start_mode_from_string(const char *str);
const char *nmvirt_link_state_to_string(NmvirtLinkState state);
int nmvirt_link_state_from_string(const char *str);
const char *nmvirt_bond_mode_to_string(NmvirtBondMode mode);
int nmvirt_bond_mode_from_string(const char *str);
const char *nmvirt_bond_carrier_to_string(NmvirtBondCarrier carrier);
int nmvirt_bond_carrier_from_string(const char *str);
const char *nmvirt_arp_validate_to_string(NmvirtArpValidate validate);
int nmvirt_arp_validate_from_string(const char *str);

/* Checks a kernel interface name: 1..15 bytes, no '/', ':' or whitespace,
 * not "." or "..". Sets NMVIRT_ERROR_INVALID_XML naming @what on failure. */
gboolean nmvirt_iface_name_check(const char *name, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(NmvirtIfaceDef, nmvirt_iface_def_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NmvirtProtoDef, nmvirt_proto_def_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NmvirtIpDef, nmvirt_ip_def_free)

G_END_DECLS
