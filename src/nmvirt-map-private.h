/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internals shared by the nmvirt-map-*.c files (and by nmvirt-merge.c).
 *
 * Writing a profile (to_nm) is split into "apply" functions: each takes an
 * NMConnection that is either brand new or a clone of an existing profile,
 * and sets exactly the properties the README "Mapping" table lists for its
 * part, resetting those the document does not set (a MAC that is gone, an
 * MTU of 0, a route that is gone). Every other setting and property of the
 * connection is left alone, so merge = clone the existing profile, call
 * nmvirt_map_apply(), verify. A new profile is nmvirt_map_new_connection():
 * an empty connection, nmvirt_map_connection_set_identity(), then
 * nmvirt_map_apply(). The connection's type must already be the one of the
 * interface (or the connection is new): apply does not remove settings of
 * another type.
 *
 * Reading (from_nm) is split the same way: each nmvirt_map_<part>_from_nm()
 * fills its fields of an NmvirtIfaceDef from one profile; nmvirt-map.c finds
 * ports and members and recurses.
 *
 * Error messages name the interface (to_nm) or the profile and property
 * (from_nm); see nmvirt_map_profile_name().
 */
#pragma once

#include <NetworkManager.h>

#include "nmvirt-iface-def.h"

G_BEGIN_DECLS

/* libnm 1.42's nm-autoptr.h covers GObject types only, not these boxed ones. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NMIPAddress, nm_ip_address_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NMIPRoute, nm_ip_route_unref)

/* Where an interface sits in the document. */
typedef struct {
    const NmvirtIfaceDef *top;        /* the top-level interface: start mode, MTU, user data */
    const NmvirtIfaceDef *controller; /* the bridge or bond this one is a port of; NULL at top */
    guint port_order;                 /* index in controller->members; 0 at top */
} NmvirtMapPlace;

#define NMVIRT_MAP_PLACE_IS_TOP(place) ((place)->controller == NULL)

/* User-data keys (NMSettingUser). */
#define NMVIRT_MAP_USER_INTERFACE   "nmvirt.interface"
#define NMVIRT_MAP_USER_PORT_ORDER  "nmvirt.port-order"
#define NMVIRT_MAP_USER_HINT_PREFIX "nmvirt.hint."

/* Hints: nmvirt.hint.<what> = the XML value, nmvirt.hint.<what>.nm = the
 * NetworkManager value (as text) it produced; README "Mapping", "Hints".
 *
 *   <what>          XML value             NetworkManager value
 *   start           "hotplug" | "unset"   connection.autoconnect ("yes")
 *   bridge-stp      "unset"               bridge.stp ("no")
 *   bridge-delay    XML text | "unset"    bridge.forward-delay ("15")
 *   bond-mode       "unset"               bond.options mode ("balance-rr")
 *   ipv4-peerdns    "yes"                 ipv4.ignore-auto-dns ("no")
 *   ipv6-peerdns    "yes"                 ipv6.ignore-auto-dns ("no")
 *   ipv4-no-prefix  "a/p,a/p" (those      ipv4.addresses, all of them
 *                   without a prefix)     ("a/p,a/p")
 *   ipv6-no-prefix  as for ipv4           ipv6.addresses
 *   ipv6-dhcp       "yes"                 ipv6.method ("auto")
 */
#define NMVIRT_MAP_HINT_START          "start"
#define NMVIRT_MAP_HINT_BRIDGE_STP     "bridge-stp"
#define NMVIRT_MAP_HINT_BRIDGE_DELAY   "bridge-delay"
#define NMVIRT_MAP_HINT_BOND_MODE      "bond-mode"
#define NMVIRT_MAP_HINT_IPV4_PEERDNS   "ipv4-peerdns"
#define NMVIRT_MAP_HINT_IPV6_PEERDNS   "ipv6-peerdns"
#define NMVIRT_MAP_HINT_IPV4_NO_PREFIX "ipv4-no-prefix"
#define NMVIRT_MAP_HINT_IPV6_NO_PREFIX "ipv6-no-prefix"
#define NMVIRT_MAP_HINT_IPV6_DHCP      "ipv6-dhcp"
#define NMVIRT_MAP_HINT_UNSET          "unset"

/* Boolean properties as hint text. */
#define NMVIRT_MAP_BOOL_TEXT(value) ((value) ? "yes" : "no")

/* nmvirt-map.c ----------------------------------------------------------- */

/* Applies everything the README table says about @def at @place to
 * @connection (see the top of this file). Clears all nmvirt.hint.* keys
 * first, so only the hints of this document remain. */
gboolean nmvirt_map_apply(NMConnection *connection, const NmvirtIfaceDef *def,
                          const NmvirtMapPlace *place, GError **error);

/* A new profile for @def at @place: identity (id, UUID) plus
 * nmvirt_map_apply(). Does not verify. */
NMConnection *nmvirt_map_new_connection(const NmvirtIfaceDef *def, const NmvirtMapPlace *place,
                                        GError **error);

/* The interface name of @def: its name, or "<parent>.<tag>" for a vlan
 * without one (netcf's rule). (transfer full) */
char *nmvirt_map_def_name(const NmvirtIfaceDef *def);

/* "'<id>' (<uuid>)" for messages; works on incomplete profiles. */
char *nmvirt_map_profile_name(NMConnection *connection);

/* A readable dump of the model (every field except line and <link>), one
 * item per line, for debug messages and tests. (transfer full) */
char *nmvirt_map_def_to_string(const NmvirtIfaceDef *def);

/* nmvirt-map-connection.c ------------------------------------------------ */

/* The version 5 UUID nmvirt gives a new profile: SHA-1 over a fixed
 * namespace UUID and "<xml type>/<interface name>". (transfer full) */
char *nmvirt_map_connection_uuid(NmvirtIfaceType type, const char *name);

/* connection.id of a new profile: the name at top level,
 * "<controller>-port-<name>" for a port or member. (transfer full) */
char *nmvirt_map_connection_id(const NmvirtIfaceDef *def, const NmvirtMapPlace *place);

/* Sets connection.id and connection.uuid (adding the connection setting);
 * merge skips this to keep an existing profile's identity. */
void nmvirt_map_connection_set_identity(NMConnection *connection, const NmvirtIfaceDef *def,
                                        const NmvirtMapPlace *place);

/* The connection setting (type, interface-name, autoconnect,
 * autoconnect-slaves on controllers, master and slave-type on ports), the
 * start hint, user data nmvirt.interface / nmvirt.port-order, and which
 * settings exist: ports lose ipv4, ipv6 and proxy; other profiles get an
 * empty proxy setting when they have none; bridge ports get a bridge-port
 * setting (an existing one is kept), others lose it. */
gboolean nmvirt_map_connection_apply(NMConnection *connection, const NmvirtIfaceDef *def,
                                     const NmvirtMapPlace *place, GError **error);

/* connection.type as the model's type; NMVIRT_ERROR_UNSUPPORTED for types
 * interface XML has no words for, NMVIRT_ERROR_INVALID_PROFILE when the
 * connection setting is missing. */
gboolean nmvirt_map_connection_type_from_nm(NMConnection *connection, NmvirtIfaceType *type,
                                            GError **error);

/* The interface name of a profile: connection.interface-name, or
 * "<parent>.<id>" for a vlan without one (@profiles resolve a parent given
 * by UUID); NMVIRT_ERROR_INVALID_PROFILE otherwise. (transfer full) */
char *nmvirt_map_connection_name_from_nm(NMConnection *connection, GPtrArray *profiles,
                                         GError **error);

/* <start mode> of the top-level profile (connection.autoconnect + hint). */
void nmvirt_map_connection_from_nm(NMConnection *connection, NmvirtIfaceDef *def);

/* User data: get (NULL when absent) and set (NULL @value removes). Set adds
 * the user setting when needed; it fails only on a key or value libnm
 * refuses. */
const char *nmvirt_map_user_data_get(NMConnection *connection, const char *key);
gboolean nmvirt_map_user_data_set(NMConnection *connection, const char *key, const char *value,
                                  GError **error);

/* nmvirt-map-hint.c ------------------------------------------------------ */

/* Records hint @what: the XML said @xml_value where NetworkManager got
 * @nm_value. */
gboolean nmvirt_map_hint_set(NMConnection *connection, const char *what, const char *xml_value,
                             const char *nm_value, GError **error);

/* The XML value of hint @what, or NULL when there is none or when its
 * recorded NetworkManager value is not @nm_value_now (someone changed the
 * property since: the hint no longer applies). */
const char *nmvirt_map_hint_get(NMConnection *connection, const char *what,
                                const char *nm_value_now);

/* Removes every nmvirt.hint.* key; other user data stays. */
void nmvirt_map_hint_clear_all(NMConnection *connection);

/* nmvirt-map-ethernet.c -------------------------------------------------- */

/* 802-3-ethernet: the top-level MTU (on every profile of the document) and,
 * for ethernet, the MAC address. Bridge, vlan and ethernet profiles always
 * have the setting; a bond gets one only when there is an MTU to hold (an
 * existing one gets mtu 0 otherwise). */
gboolean nmvirt_map_ethernet_apply(NMConnection *connection, const NmvirtIfaceDef *def,
                                   const NmvirtMapPlace *place, GError **error);

/* <mac> of an ethernet profile (lower case). */
void nmvirt_map_ethernet_from_nm(NMConnection *connection, NmvirtIfaceDef *def);

/* <mtu> of the top-level profile; NMVIRT_ERROR_UNSUPPORTED above
 * NMVIRT_MTU_MAX. */
gboolean nmvirt_map_ethernet_mtu_from_nm(NMConnection *connection, NmvirtIfaceDef *def,
                                         GError **error);

/* nmvirt-map-bridge.c ---------------------------------------------------- */

/* bridge.stp, bridge.forward-delay and their hints. */
gboolean nmvirt_map_bridge_apply(NMConnection *connection, const NmvirtIfaceDef *def,
                                 GError **error);
gboolean nmvirt_map_bridge_from_nm(NMConnection *connection, NmvirtIfaceDef *def, GError **error);

/* The forward delay NetworkManager gets for <bridge delay=@delay> (NULL:
 * absent): rounded, clamped to 2-30, 0 kept with STP off. FALSE when
 * @delay is not a number of seconds. */
gboolean nmvirt_map_bridge_forward_delay(const char *delay, gboolean stp, guint *forward_delay);

/* nmvirt-map-bond.c ------------------------------------------------------ */

/* The bond options nmvirt owns (mode, primary, miimon, downdelay, updelay,
 * use_carrier, arp_interval, arp_ip_target, arp_validate), NULL-terminated.
 * Apply replaces exactly these; other options are kept. */
extern const char *const nmvirt_map_bond_owned_options[];

gboolean nmvirt_map_bond_apply(NMConnection *connection, const NmvirtIfaceDef *def, GError **error);
gboolean nmvirt_map_bond_from_nm(NMConnection *connection, NmvirtIfaceDef *def, GError **error);

/* The name of the primary member of an active-backup bond profile (the
 * "primary" option), or NULL. */
const char *nmvirt_map_bond_primary(NMConnection *connection);

/* nmvirt-map-vlan.c ------------------------------------------------------ */

/* vlan.id, vlan.parent, vlan.flags. */
gboolean nmvirt_map_vlan_apply(NMConnection *connection, const NmvirtIfaceDef *def, GError **error);

/* The parent's interface name: vlan.parent, or the interface name of the
 * profile in @profiles (may be NULL) when vlan.parent is a UUID.
 * (transfer full) */
char *nmvirt_map_vlan_parent_from_nm(NMConnection *connection, GPtrArray *profiles, GError **error);

/* vlan.id and the parent (see above). */
gboolean nmvirt_map_vlan_from_nm(NMConnection *connection, GPtrArray *profiles, NmvirtIfaceDef *def,
                                 GError **error);

/* nmvirt-map-ip.c -------------------------------------------------------- */

/* ipv4 and ipv6 of a top-level profile: method, addresses, gateway or
 * default route, ignore-auto-dns (only with <dhcp>: otherwise the XML has
 * no words for it and it is kept) and their hints. Removes the route
 * nmvirt_map_ip_route_is_owned() names (that is what <route> becomes)
 * before adding the document's; other routes stay. Do not call for ports. */
gboolean nmvirt_map_ip_apply(NMConnection *connection, const NmvirtIfaceDef *def, GError **error);

/* NMVIRT_ERROR_UNSUPPORTED naming the property for what interface XML
 * cannot hold: other methods (shared...), a gateway without an address,
 * two default routes nmvirt would own, the same address twice. */
gboolean nmvirt_map_ip_from_nm(NMConnection *connection, NmvirtIfaceDef *def, GError **error);

/* Whether @route of @s_ip is exactly the route nmvirt writes for <route
 * gateway> without an address, and so the one from_nm reads as <route>
 * and a merge removes or replaces: a default route (0.0.0.0/0 or ::/0) with
 * a next hop, no metric of its own (-1) and no attributes (table, type,
 * ...), in a setting without addresses (with an address the gateway is
 * ipvX.gateway). Every other route belongs to somebody else: it is never
 * read, changed or removed. The one predicate of to_nm, from_nm and merge. */
gboolean nmvirt_map_ip_route_is_owned(NMSettingIPConfig *s_ip, NMIPRoute *route);

/* Whether an existing ipv6 setting @s_ip keeps its method "disabled" when
 * the document sets @method: no ipv6 protocol gives "ignore", and both mean
 * that nmvirt does not configure IPv6 (both read back as absent), so an
 * existing "disabled" stays rather than turning IPv6 back on. */
gboolean nmvirt_map_ip_keeps_disabled(NMSettingIPConfig *s_ip, const char *method);

/* Whether @s_ip of @connection stands for a <dhcp/> of its family: ipv4
 * method auto, ipv6 method dhcp, or ipv6 method auto with the ipv6-dhcp
 * hint. Only then is ipvX.ignore-auto-dns the XML's (<dhcp peerdns>). */
gboolean nmvirt_map_ip_has_dhcp(NMConnection *connection, NMSettingIPConfig *s_ip);

/* The classful prefix of an IPv4 address (/8, /16, /24; /24 for class D
 * and E), as initscripts derived it. */
guint nmvirt_map_ip_classful_prefix(const char *address);

G_END_DECLS
