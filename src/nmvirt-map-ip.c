/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * <protocol family='ipv4'|'ipv6'> <-> the ipv4 and ipv6 settings of a
 * top-level profile (ports have none).
 */
#include "config.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <glib/gi18n-lib.h>

#include "nmvirt-error.h"
#include "nmvirt-map-private.h"

/* What differs between the two families. */
typedef struct {
    int addr_family;
    const char *xml_family;    /* <protocol family=> */
    const char *default_route; /* destination of a default route */
    const char *hint_peerdns;
    const char *hint_no_prefix;
} NmvirtMapIpFamily;

static const NmvirtMapIpFamily nmvirt_map_ip_v4 = {
    AF_INET, "ipv4", "0.0.0.0", NMVIRT_MAP_HINT_IPV4_PEERDNS, NMVIRT_MAP_HINT_IPV4_NO_PREFIX,
};
static const NmvirtMapIpFamily nmvirt_map_ip_v6 = {
    AF_INET6, "ipv6", "::", NMVIRT_MAP_HINT_IPV6_PEERDNS, NMVIRT_MAP_HINT_IPV6_NO_PREFIX,
};

/* A prefix-less IPv6 address gets /64, as initscripts gave it. */
#define NMVIRT_MAP_IP_V6_DEFAULT_PREFIX 64

guint
nmvirt_map_ip_classful_prefix(const char *address)
{
    struct in_addr addr;
    guint8 first;

    if (inet_pton(AF_INET, address, &addr) != 1)
        return 24;
    first = ((const guint8 *)&addr.s_addr)[0];
    if (first < 128)
        return 8;
    if (first < 192)
        return 16;
    return 24;
}

/* "a/p,a/p": the text form of an address list in hints. */
static char *
nmvirt_map_ip_addresses_text(NMSettingIPConfig *s_ip)
{
    g_autoptr(GString) text = g_string_new(NULL);

    for (guint i = 0; i < nm_setting_ip_config_get_num_addresses(s_ip); i++) {
        NMIPAddress *address = nm_setting_ip_config_get_address(s_ip, i);

        g_string_append_printf(text, "%s%s/%u", i > 0 ? "," : "",
                               nm_ip_address_get_address(address),
                               nm_ip_address_get_prefix(address));
    }
    return g_string_free(g_steal_pointer(&text), FALSE);
}

gboolean
nmvirt_map_ip_route_is_owned(NMSettingIPConfig *s_ip, NMIPRoute *route)
{
    const NmvirtMapIpFamily *family =
        nm_ip_route_get_family(route) == AF_INET ? &nmvirt_map_ip_v4 : &nmvirt_map_ip_v6;
    g_auto(GStrv) attributes = NULL;

    if (nm_ip_route_get_prefix(route) != 0 || nm_ip_route_get_next_hop(route) == NULL ||
        nm_ip_route_get_metric(route) != -1 ||
        g_strcmp0(nm_ip_route_get_dest(route), family->default_route) != 0)
        return FALSE;
    /* with an address, <route gateway> is ipvX.gateway, never a route */
    if (nm_setting_ip_config_get_num_addresses(s_ip) > 0)
        return FALSE;
    attributes = nm_ip_route_get_attribute_names(route);
    return attributes == NULL || attributes[0] == NULL;
}

/* Removes the route nmvirt_map_ip_route_is_owned() names; call it before
 * the addresses change, since ownership depends on them. */
static void
nmvirt_map_ip_remove_owned_routes(NMSettingIPConfig *s_ip)
{
    for (guint i = nm_setting_ip_config_get_num_routes(s_ip); i > 0; i--) {
        if (nmvirt_map_ip_route_is_owned(s_ip, nm_setting_ip_config_get_route(s_ip, i - 1)))
            nm_setting_ip_config_remove_route(s_ip, i - 1);
    }
}

gboolean
nmvirt_map_ip_has_dhcp(NMConnection *connection, NMSettingIPConfig *s_ip)
{
    const char *method = nm_setting_ip_config_get_method(s_ip);

    /* A missing method is what normalize would make "auto". */
    if (method == NULL)
        method = NM_SETTING_IP4_CONFIG_METHOD_AUTO;
    if (NM_IS_SETTING_IP4_CONFIG(s_ip))
        return g_str_equal(method, NM_SETTING_IP4_CONFIG_METHOD_AUTO);
    if (g_str_equal(method, NM_SETTING_IP6_CONFIG_METHOD_DHCP))
        return TRUE;
    /* NetworkManager's "auto" runs DHCPv6 when the router asks for it; the
     * hint says the XML asked for it explicitly. */
    return g_str_equal(method, NM_SETTING_IP6_CONFIG_METHOD_AUTO) &&
           g_strcmp0(nmvirt_map_hint_get(connection, NMVIRT_MAP_HINT_IPV6_DHCP, method),
                     NMVIRT_MAP_BOOL_TEXT(TRUE)) == 0;
}

static gboolean
nmvirt_map_ip_apply_addresses(NMConnection *connection, NMSettingIPConfig *s_ip,
                              const NmvirtIfaceDef *def, const NmvirtMapIpFamily *family,
                              const NmvirtProtoDef *proto, GError **error)
{
    g_autoptr(GString) no_prefix = g_string_new(NULL);
    g_autofree char *addresses_text = NULL;

    nm_setting_ip_config_clear_addresses(s_ip);
    for (guint i = 0; proto != NULL && i < proto->ips->len; i++) {
        const NmvirtIpDef *ip = g_ptr_array_index(proto->ips, i);
        g_autoptr(GError) local_error = NULL;
        g_autoptr(NMIPAddress) address = NULL;
        guint prefix = ip->prefix;

        if (!ip->has_prefix) {
            prefix = family->addr_family == AF_INET ? nmvirt_map_ip_classful_prefix(ip->address)
                                                    : NMVIRT_MAP_IP_V6_DEFAULT_PREFIX;
        }
        address = nm_ip_address_new(family->addr_family, ip->address, prefix, &local_error);
        if (address == NULL) {
            g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML,
                        _("interface '%1$s', <protocol family='%2$s'><ip>: %3$s"), def->name,
                        family->xml_family, local_error->message);
            return FALSE;
        }
        /* libnm refuses an address it has already; the parser refuses the
         * same address twice, a model built in code may not. */
        if (!nm_setting_ip_config_add_address(s_ip, address)) {
            g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML,
                        _("interface '%1$s', <protocol family='%2$s'><ip address>: the address "
                          "'%3$s' is given twice; expected each address once"),
                        def->name, family->xml_family, ip->address);
            return FALSE;
        }
        if (!ip->has_prefix) {
            g_string_append_printf(no_prefix, "%s%s/%u", no_prefix->len > 0 ? "," : "",
                                   nm_ip_address_get_address(address), prefix);
        }
    }
    if (no_prefix->len == 0)
        return TRUE;
    /* The whole address list is the NetworkManager value: any change to it
     * drops the hint, and every address then reads back with its prefix. */
    addresses_text = nmvirt_map_ip_addresses_text(s_ip);
    return nmvirt_map_hint_set(connection, family->hint_no_prefix, no_prefix->str, addresses_text,
                               error);
}

/* <route gateway>: ipvX.gateway needs an address; without one the same
 * next hop becomes a default route. */
static gboolean
nmvirt_map_ip_apply_gateway(NMSettingIPConfig *s_ip, const NmvirtIfaceDef *def,
                            const NmvirtMapIpFamily *family, const NmvirtProtoDef *proto,
                            GError **error)
{
    const char *gateway = proto != NULL ? proto->gateway : NULL;
    gboolean has_addresses = proto != NULL && proto->ips->len > 0;
    g_autoptr(NMIPRoute) route = NULL;
    g_autoptr(GError) local_error = NULL;

    if (gateway != NULL && !has_addresses && !proto->dhcp && !proto->autoconf) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_UNSUPPORTED,
                    _("interface '%1$s', <protocol family='%2$s'><route>: a gateway needs "
                      "<dhcp/>, <autoconf/> or an <ip> address"),
                    def->name, family->xml_family);
        return FALSE;
    }
    if (gateway != NULL && !nm_utils_ipaddr_valid(family->addr_family, gateway)) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML,
                    _("interface '%1$s', <protocol family='%2$s'><route gateway>: invalid "
                      "address '%3$s'"),
                    def->name, family->xml_family, gateway);
        return FALSE;
    }
    g_object_set(s_ip, NM_SETTING_IP_CONFIG_GATEWAY, has_addresses ? gateway : NULL, NULL);
    if (gateway == NULL || has_addresses)
        return TRUE;
    route =
        nm_ip_route_new(family->addr_family, family->default_route, 0, gateway, -1, &local_error);
    if (route == NULL) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML,
                    _("interface '%1$s', <protocol family='%2$s'><route>: %3$s"), def->name,
                    family->xml_family, local_error->message);
        return FALSE;
    }
    nm_setting_ip_config_add_route(s_ip, route);
    return TRUE;
}

static const char *
nmvirt_map_ip_method(const NmvirtMapIpFamily *family, const NmvirtProtoDef *proto)
{
    if (family->addr_family == AF_INET) {
        /* An empty ipv4 <protocol/> says nothing, as netcf read it. */
        if (proto == NULL || (!proto->dhcp && proto->ips->len == 0))
            return NM_SETTING_IP4_CONFIG_METHOD_DISABLED;
        return proto->dhcp ? NM_SETTING_IP4_CONFIG_METHOD_AUTO
                           : NM_SETTING_IP4_CONFIG_METHOD_MANUAL;
    }
    if (proto == NULL)
        return NM_SETTING_IP6_CONFIG_METHOD_IGNORE;
    if (proto->autoconf)
        return NM_SETTING_IP6_CONFIG_METHOD_AUTO;
    if (proto->dhcp)
        return NM_SETTING_IP6_CONFIG_METHOD_DHCP;
    if (proto->ips->len > 0)
        return NM_SETTING_IP6_CONFIG_METHOD_MANUAL;
    return NM_SETTING_IP6_CONFIG_METHOD_LINK_LOCAL;
}

gboolean
nmvirt_map_ip_keeps_disabled(NMSettingIPConfig *s_ip, const char *method)
{
    return NM_IS_SETTING_IP6_CONFIG(s_ip) &&
           g_strcmp0(method, NM_SETTING_IP6_CONFIG_METHOD_IGNORE) == 0 &&
           g_strcmp0(nm_setting_ip_config_get_method(s_ip),
                     NM_SETTING_IP6_CONFIG_METHOD_DISABLED) == 0;
}

static gboolean
nmvirt_map_ip_apply_family(NMConnection *connection, const NmvirtIfaceDef *def,
                           const NmvirtMapIpFamily *family, const NmvirtProtoDef *proto,
                           GError **error)
{
    NMSettingIPConfig *s_ip =
        family->addr_family == AF_INET
            ? NM_SETTING_IP_CONFIG(nm_connection_get_setting_ip4_config(connection))
            : NM_SETTING_IP_CONFIG(nm_connection_get_setting_ip6_config(connection));
    const char *method = nmvirt_map_ip_method(family, proto);
    NmvirtTristate peerdns = proto != NULL ? proto->peerdns : NMVIRT_TRISTATE_UNSET;

    if (s_ip == NULL) {
        s_ip = NM_SETTING_IP_CONFIG(family->addr_family == AF_INET ? nm_setting_ip4_config_new()
                                                                   : nm_setting_ip6_config_new());
        nm_connection_add_setting(connection, NM_SETTING(s_ip));
    } else if (nmvirt_map_ip_keeps_disabled(s_ip, method)) {
        /* "disabled" and "ignore" both read as no ipv6 protocol */
        method = NM_SETTING_IP6_CONFIG_METHOD_DISABLED;
    }
    /* before the addresses change: which route is ours depends on them */
    nmvirt_map_ip_remove_owned_routes(s_ip);
    g_object_set(s_ip, NM_SETTING_IP_CONFIG_METHOD, method, NULL);
    /* peerdns is an attribute of <dhcp>: without it the XML says nothing
     * about ignore-auto-dns, which is then kept (a new setting has "no") */
    if (proto != NULL && proto->dhcp)
        g_object_set(s_ip, NM_SETTING_IP_CONFIG_IGNORE_AUTO_DNS, peerdns == NMVIRT_TRISTATE_NO,
                     NULL);
    if (!nmvirt_map_ip_apply_addresses(connection, s_ip, def, family, proto, error) ||
        !nmvirt_map_ip_apply_gateway(s_ip, def, family, proto, error))
        return FALSE;

    /* peerdns='yes' is what NetworkManager does anyway; keep the spelling. */
    if (peerdns == NMVIRT_TRISTATE_YES &&
        !nmvirt_map_hint_set(connection, family->hint_peerdns, NMVIRT_MAP_BOOL_TEXT(TRUE),
                             NMVIRT_MAP_BOOL_TEXT(FALSE), error))
        return FALSE;
    /* NetworkManager's "auto" runs DHCPv6 when the router asks for it; the
     * XML may have asked for it explicitly. */
    if (family->addr_family == AF_INET6 && proto != NULL && proto->autoconf && proto->dhcp &&
        !nmvirt_map_hint_set(connection, NMVIRT_MAP_HINT_IPV6_DHCP, NMVIRT_MAP_BOOL_TEXT(TRUE),
                             method, error))
        return FALSE;
    return TRUE;
}

gboolean
nmvirt_map_ip_apply(NMConnection *connection, const NmvirtIfaceDef *def, GError **error)
{
    return nmvirt_map_ip_apply_family(connection, def, &nmvirt_map_ip_v4, def->ipv4, error) &&
           nmvirt_map_ip_apply_family(connection, def, &nmvirt_map_ip_v6, def->ipv6, error);
}

static gboolean
nmvirt_map_ip_unsupported(NMConnection *connection, const NmvirtMapIpFamily *family,
                          const char *property, const char *value, GError **error)
{
    g_autofree char *profile = nmvirt_map_profile_name(connection);

    g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_UNSUPPORTED,
                _("profile %1$s: %2$s.%3$s '%4$s' cannot be described in interface XML"), profile,
                family->xml_family, property, value);
    return FALSE;
}

/* ipvX.gateway, else the next hop of the route nmvirt owns; two such
 * routes cannot both be <route>. */
static gboolean
nmvirt_map_ip_gateway_from_nm(NMConnection *connection, NMSettingIPConfig *s_ip,
                              const NmvirtMapIpFamily *family, const char **gateway, GError **error)
{
    *gateway = nm_setting_ip_config_get_gateway(s_ip);
    for (guint i = 0; i < nm_setting_ip_config_get_num_routes(s_ip); i++) {
        NMIPRoute *route = nm_setting_ip_config_get_route(s_ip, i);
        g_autofree char *text = NULL;

        if (!nmvirt_map_ip_route_is_owned(s_ip, route))
            continue;
        if (*gateway == NULL) {
            *gateway = nm_ip_route_get_next_hop(route);
            continue;
        }
        text = g_strdup_printf("%s/0 %s", family->default_route, nm_ip_route_get_next_hop(route));
        return nmvirt_map_ip_unsupported(connection, family, "routes", text, error);
    }
    return TRUE;
}

/* Whether @address, listed in the no-prefix hint, has the prefix the
 * parser gives an <ip> without one: the hint holds only while re-applying
 * it gives the same address list. */
static gboolean
nmvirt_map_ip_no_prefix_holds(const NmvirtMapIpFamily *family, NMIPAddress *address)
{
    guint prefix = family->addr_family == AF_INET
                       ? nmvirt_map_ip_classful_prefix(nm_ip_address_get_address(address))
                       : NMVIRT_MAP_IP_V6_DEFAULT_PREFIX;

    return nm_ip_address_get_prefix(address) == prefix;
}

static gboolean
nmvirt_map_ip_addresses_from_nm(NMConnection *connection, NMSettingIPConfig *s_ip,
                                const NmvirtMapIpFamily *family, NmvirtProtoDef *proto,
                                GError **error)
{
    g_autofree char *addresses_text = nmvirt_map_ip_addresses_text(s_ip);
    const char *hint = nmvirt_map_hint_get(connection, family->hint_no_prefix, addresses_text);
    g_auto(GStrv) no_prefix = g_strsplit(hint != NULL ? hint : "", ",", -1);

    for (guint i = 0; i < nm_setting_ip_config_get_num_addresses(s_ip); i++) {
        NMIPAddress *address = nm_setting_ip_config_get_address(s_ip, i);
        g_autofree char *text = g_strdup_printf("%s/%u", nm_ip_address_get_address(address),
                                                nm_ip_address_get_prefix(address));
        gboolean has_prefix = !g_strv_contains((const char *const *)no_prefix, text) ||
                              !nmvirt_map_ip_no_prefix_holds(family, address);

        /* libnm holds 192.0.2.5/24 and 192.0.2.5/16 side by side; interface
         * XML (and the kernel, for IPv6) has each address once. */
        for (guint j = 0; j < i; j++) {
            if (g_strcmp0(nm_ip_address_get_address(nm_setting_ip_config_get_address(s_ip, j)),
                          nm_ip_address_get_address(address)) == 0)
                return nmvirt_map_ip_unsupported(connection, family, "addresses", text, error);
        }
        nmvirt_proto_def_add_ip(proto, nm_ip_address_get_address(address), has_prefix,
                                nm_ip_address_get_prefix(address));
    }
    return TRUE;
}

static gboolean
nmvirt_map_ip_from_nm_family(NMConnection *connection, const NmvirtMapIpFamily *family,
                             NmvirtProtoDef **out_proto, GError **error)
{
    NMSettingIPConfig *s_ip =
        family->addr_family == AF_INET
            ? NM_SETTING_IP_CONFIG(nm_connection_get_setting_ip4_config(connection))
            : NM_SETTING_IP_CONFIG(nm_connection_get_setting_ip6_config(connection));
    g_autoptr(NmvirtProtoDef) proto = NULL;
    const char *method;
    const char *gateway = NULL;
    gboolean ignore_auto_dns;

    *out_proto = NULL;
    if (s_ip == NULL)
        return TRUE;
    method = nm_setting_ip_config_get_method(s_ip);
    /* A missing method is what normalize would make "auto". */
    if (method == NULL)
        method = NM_SETTING_IP4_CONFIG_METHOD_AUTO;
    /* ipv6 "disabled" reads as absent too: both say that nmvirt does not
     * configure IPv6, and a merge keeps "disabled" (README "Merge"). */
    if (g_str_equal(method, NM_SETTING_IP4_CONFIG_METHOD_DISABLED) ||
        g_str_equal(method, NM_SETTING_IP6_CONFIG_METHOD_IGNORE))
        return TRUE;

    proto = nmvirt_proto_def_new(family->addr_family == AF_INET ? NMVIRT_IP_FAMILY_IPV4
                                                                : NMVIRT_IP_FAMILY_IPV6);
    proto->dhcp = nmvirt_map_ip_has_dhcp(connection, s_ip);
    if (g_str_equal(method, NM_SETTING_IP4_CONFIG_METHOD_AUTO)) {
        proto->autoconf = family->addr_family == AF_INET6;
    } else if (!g_str_equal(method, NM_SETTING_IP4_CONFIG_METHOD_MANUAL) &&
               !(family->addr_family == AF_INET6 &&
                 (g_str_equal(method, NM_SETTING_IP6_CONFIG_METHOD_DHCP) ||
                  g_str_equal(method, NM_SETTING_IP6_CONFIG_METHOD_LINK_LOCAL)))) {
        /* shared, and link-local for ipv4 */
        return nmvirt_map_ip_unsupported(connection, family, "method", method, error);
    }

    if (!nmvirt_map_ip_addresses_from_nm(connection, s_ip, family, proto, error) ||
        !nmvirt_map_ip_gateway_from_nm(connection, s_ip, family, &gateway, error))
        return FALSE;
    if (gateway != NULL && !proto->dhcp && !proto->autoconf && proto->ips->len == 0)
        return nmvirt_map_ip_unsupported(connection, family, "gateway", gateway, error);
    proto->gateway = g_strdup(gateway);

    /* peerdns is an attribute of <dhcp>; without DHCP the XML cannot hold
     * it, and a merge keeps ignore-auto-dns then. */
    ignore_auto_dns = nm_setting_ip_config_get_ignore_auto_dns(s_ip);
    if (proto->dhcp && ignore_auto_dns)
        proto->peerdns = NMVIRT_TRISTATE_NO;
    else if (proto->dhcp && g_strcmp0(nmvirt_map_hint_get(connection, family->hint_peerdns,
                                                          NMVIRT_MAP_BOOL_TEXT(ignore_auto_dns)),
                                      NMVIRT_MAP_BOOL_TEXT(TRUE)) == 0)
        proto->peerdns = NMVIRT_TRISTATE_YES;
    *out_proto = g_steal_pointer(&proto);
    return TRUE;
}

gboolean
nmvirt_map_ip_from_nm(NMConnection *connection, NmvirtIfaceDef *def, GError **error)
{
    g_autoptr(NmvirtProtoDef) ipv4 = NULL;
    g_autoptr(NmvirtProtoDef) ipv6 = NULL;

    if (!nmvirt_map_ip_from_nm_family(connection, &nmvirt_map_ip_v4, &ipv4, error) ||
        !nmvirt_map_ip_from_nm_family(connection, &nmvirt_map_ip_v6, &ipv6, error))
        return FALSE;
    nmvirt_proto_def_free(def->ipv4);
    nmvirt_proto_def_free(def->ipv6);
    def->ipv4 = g_steal_pointer(&ipv4);
    def->ipv6 = g_steal_pointer(&ipv6);
    return TRUE;
}
