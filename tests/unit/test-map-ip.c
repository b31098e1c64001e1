/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>
#include <string.h>

#include "nmvirt-map-private.h"
#include "nmvirt-test-map.h"
/* IP ------------------------------------------------------------------------ */

static NmvirtIfaceDef *
test_map_ip_ethernet_new(void)
{
    NmvirtIfaceDef *def = nmvirt_iface_def_new(NMVIRT_IFACE_TYPE_ETHERNET, "eth0");

    def->start_mode = NMVIRT_START_MODE_ONBOOT;
    return def;
}

static NmvirtProtoDef *
test_map_ip_proto_new(NmvirtIfaceDef *def, NmvirtIpFamily family)
{
    NmvirtProtoDef *proto = nmvirt_proto_def_new(family);

    if (family == NMVIRT_IP_FAMILY_IPV4)
        def->ipv4 = proto;
    else
        def->ipv6 = proto;
    return proto;
}

static NMSettingIPConfig *
test_map_ip_ip4(GPtrArray *profiles)
{
    return NM_SETTING_IP_CONFIG(
        nm_connection_get_setting_ip4_config(g_ptr_array_index(profiles, 0)));
}

static NMSettingIPConfig *
test_map_ip_ip6(GPtrArray *profiles)
{
    return NM_SETTING_IP_CONFIG(
        nm_connection_get_setting_ip6_config(g_ptr_array_index(profiles, 0)));
}

static const char *
test_map_ip_user(GPtrArray *profiles, const char *key)
{
    return nmvirt_map_user_data_get(g_ptr_array_index(profiles, 0), key);
}

static void
test_map_ip_assert_address(NMSettingIPConfig *s_ip, guint index, const char *address, guint prefix)
{
    NMIPAddress *nm_address = nm_setting_ip_config_get_address(s_ip, index);

    g_assert_cmpstr(nm_ip_address_get_address(nm_address), ==, address);
    g_assert_cmpuint(nm_ip_address_get_prefix(nm_address), ==, prefix);
}

static void
test_map_ip_assert_default_route(NMSettingIPConfig *s_ip, const char *destination,
                                 const char *next_hop)
{
    NMIPRoute *route;

    g_assert_cmpuint(nm_setting_ip_config_get_num_routes(s_ip), ==, 1);
    route = nm_setting_ip_config_get_route(s_ip, 0);
    g_assert_cmpstr(nm_ip_route_get_dest(route), ==, destination);
    g_assert_cmpuint(nm_ip_route_get_prefix(route), ==, 0);
    g_assert_cmpstr(nm_ip_route_get_next_hop(route), ==, next_hop);
    g_assert_cmpint(nm_ip_route_get_metric(route), ==, -1);
    g_assert_null(nm_setting_ip_config_get_gateway(s_ip));
}

static void
test_map_ip_to_nm_ipv4_empty(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_ip_ethernet_new();
    g_autoptr(NmvirtIfaceDef) expected = test_map_ip_ethernet_new();
    g_autoptr(GPtrArray) profiles = NULL;

    test_map_ip_proto_new(def, NMVIRT_IP_FAMILY_IPV4);
    profiles = nmvirt_test_map_to_nm(def);
    g_assert_cmpstr(nm_setting_ip_config_get_method(test_map_ip_ip4(profiles)), ==, "disabled");
    /* It says nothing, and reads back as absent (netcf did the same). */
    nmvirt_test_map_assert_from_nm(profiles, expected);
}

static void
test_map_ip_to_nm_ipv4_dhcp(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_ip_ethernet_new();
    g_autoptr(GPtrArray) profiles = NULL;

    test_map_ip_proto_new(def, NMVIRT_IP_FAMILY_IPV4)->dhcp = TRUE;
    profiles = nmvirt_test_map_to_nm(def);
    g_assert_cmpstr(nm_setting_ip_config_get_method(test_map_ip_ip4(profiles)), ==, "auto");
    g_assert_cmpuint(nm_setting_ip_config_get_num_addresses(test_map_ip_ip4(profiles)), ==, 0);
    g_assert_false(nm_setting_ip_config_get_ignore_auto_dns(test_map_ip_ip4(profiles)));
    g_assert_null(test_map_ip_user(profiles, "nmvirt.hint.ipv4-peerdns"));
    nmvirt_test_map_assert_from_nm(profiles, def);
}

static void
test_map_ip_to_nm_ipv4_peerdns_no(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_ip_ethernet_new();
    g_autoptr(GPtrArray) profiles = NULL;
    NmvirtProtoDef *proto = test_map_ip_proto_new(def, NMVIRT_IP_FAMILY_IPV4);

    proto->dhcp = TRUE;
    proto->peerdns = NMVIRT_TRISTATE_NO;
    profiles = nmvirt_test_map_to_nm(def);
    g_assert_true(nm_setting_ip_config_get_ignore_auto_dns(test_map_ip_ip4(profiles)));
    g_assert_null(test_map_ip_user(profiles, "nmvirt.hint.ipv4-peerdns"));
    nmvirt_test_map_assert_from_nm(profiles, def);
}

static void
test_map_ip_to_nm_ipv4_peerdns_yes(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_ip_ethernet_new();
    g_autoptr(GPtrArray) profiles = NULL;
    NmvirtProtoDef *proto = test_map_ip_proto_new(def, NMVIRT_IP_FAMILY_IPV4);

    proto->dhcp = TRUE;
    proto->peerdns = NMVIRT_TRISTATE_YES;
    profiles = nmvirt_test_map_to_nm(def);
    g_assert_false(nm_setting_ip_config_get_ignore_auto_dns(test_map_ip_ip4(profiles)));
    g_assert_cmpstr(test_map_ip_user(profiles, "nmvirt.hint.ipv4-peerdns"), ==, "yes");
    g_assert_cmpstr(test_map_ip_user(profiles, "nmvirt.hint.ipv4-peerdns.nm"), ==, "no");
    nmvirt_test_map_assert_from_nm(profiles, def);

    /* nmcli connection modify eth0 ipv4.ignore-auto-dns yes */
    g_object_set(test_map_ip_ip4(profiles), NM_SETTING_IP_CONFIG_IGNORE_AUTO_DNS, TRUE, NULL);
    proto->peerdns = NMVIRT_TRISTATE_NO;
    nmvirt_test_map_assert_from_nm(profiles, def);
}

static void
test_map_ip_to_nm_ipv4_static(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_ip_ethernet_new();
    g_autoptr(GPtrArray) profiles = NULL;
    NmvirtProtoDef *proto = test_map_ip_proto_new(def, NMVIRT_IP_FAMILY_IPV4);

    nmvirt_proto_def_add_ip(proto, "198.51.100.20", TRUE, 26);
    nmvirt_proto_def_add_ip(proto, "192.0.2.5", TRUE, 24);
    proto->gateway = g_strdup("198.51.100.1");
    profiles = nmvirt_test_map_to_nm(def);
    g_assert_cmpstr(nm_setting_ip_config_get_method(test_map_ip_ip4(profiles)), ==, "manual");
    g_assert_cmpuint(nm_setting_ip_config_get_num_addresses(test_map_ip_ip4(profiles)), ==, 2);
    test_map_ip_assert_address(test_map_ip_ip4(profiles), 0, "198.51.100.20", 26);
    test_map_ip_assert_address(test_map_ip_ip4(profiles), 1, "192.0.2.5", 24);
    g_assert_cmpstr(nm_setting_ip_config_get_gateway(test_map_ip_ip4(profiles)), ==,
                    "198.51.100.1");
    g_assert_cmpuint(nm_setting_ip_config_get_num_routes(test_map_ip_ip4(profiles)), ==, 0);
    nmvirt_test_map_assert_from_nm(profiles, def);
}

static void
test_map_ip_to_nm_ipv4_dhcp_static(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_ip_ethernet_new();
    g_autoptr(GPtrArray) profiles = NULL;
    NmvirtProtoDef *proto = test_map_ip_proto_new(def, NMVIRT_IP_FAMILY_IPV4);

    proto->dhcp = TRUE;
    nmvirt_proto_def_add_ip(proto, "192.0.2.5", TRUE, 24);
    profiles = nmvirt_test_map_to_nm(def);
    g_assert_cmpstr(nm_setting_ip_config_get_method(test_map_ip_ip4(profiles)), ==, "auto");
    test_map_ip_assert_address(test_map_ip_ip4(profiles), 0, "192.0.2.5", 24);
    nmvirt_test_map_assert_from_nm(profiles, def);
}

static void
test_map_ip_to_nm_ipv4_no_prefix(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_ip_ethernet_new();
    g_autoptr(NmvirtIfaceDef) expected = test_map_ip_ethernet_new();
    g_autoptr(GPtrArray) profiles = NULL;
    g_autoptr(NMIPAddress) extra = nm_ip_address_new(AF_INET, "203.0.113.9", 24, NULL);
    NmvirtProtoDef *proto = test_map_ip_proto_new(def, NMVIRT_IP_FAMILY_IPV4);
    NmvirtProtoDef *expected_proto = test_map_ip_proto_new(expected, NMVIRT_IP_FAMILY_IPV4);

    nmvirt_proto_def_add_ip(proto, "10.1.2.3", FALSE, 0);
    nmvirt_proto_def_add_ip(proto, "198.51.100.7", TRUE, 25);
    nmvirt_proto_def_add_ip(proto, "172.16.0.1", FALSE, 0);
    nmvirt_proto_def_add_ip(proto, "192.168.1.1", FALSE, 0);
    profiles = nmvirt_test_map_to_nm(def);
    test_map_ip_assert_address(test_map_ip_ip4(profiles), 0, "10.1.2.3", 8);
    test_map_ip_assert_address(test_map_ip_ip4(profiles), 1, "198.51.100.7", 25);
    test_map_ip_assert_address(test_map_ip_ip4(profiles), 2, "172.16.0.1", 16);
    test_map_ip_assert_address(test_map_ip_ip4(profiles), 3, "192.168.1.1", 24);
    g_assert_cmpstr(test_map_ip_user(profiles, "nmvirt.hint.ipv4-no-prefix"), ==,
                    "10.1.2.3/8,172.16.0.1/16,192.168.1.1/24");
    g_assert_cmpstr(test_map_ip_user(profiles, "nmvirt.hint.ipv4-no-prefix.nm"), ==,
                    "10.1.2.3/8,198.51.100.7/25,172.16.0.1/16,192.168.1.1/24");
    nmvirt_test_map_assert_from_nm(profiles, def);

    /* nmcli connection modify eth0 +ipv4.addresses 203.0.113.9/24: the
     * hint is stale, every address reads back with its prefix. */
    nm_setting_ip_config_add_address(test_map_ip_ip4(profiles), extra);
    nmvirt_proto_def_add_ip(expected_proto, "10.1.2.3", TRUE, 8);
    nmvirt_proto_def_add_ip(expected_proto, "198.51.100.7", TRUE, 25);
    nmvirt_proto_def_add_ip(expected_proto, "172.16.0.1", TRUE, 16);
    nmvirt_proto_def_add_ip(expected_proto, "192.168.1.1", TRUE, 24);
    nmvirt_proto_def_add_ip(expected_proto, "203.0.113.9", TRUE, 24);
    nmvirt_test_map_assert_from_nm(profiles, expected);
}

static void
test_map_ip_to_nm_ipv4_classful(void)
{
    g_assert_cmpuint(nmvirt_map_ip_classful_prefix("10.0.0.1"), ==, 8);
    g_assert_cmpuint(nmvirt_map_ip_classful_prefix("127.255.0.1"), ==, 8);
    g_assert_cmpuint(nmvirt_map_ip_classful_prefix("128.0.0.1"), ==, 16);
    g_assert_cmpuint(nmvirt_map_ip_classful_prefix("191.255.255.1"), ==, 16);
    g_assert_cmpuint(nmvirt_map_ip_classful_prefix("192.0.0.1"), ==, 24);
    g_assert_cmpuint(nmvirt_map_ip_classful_prefix("223.1.1.1"), ==, 24);
    g_assert_cmpuint(nmvirt_map_ip_classful_prefix("224.0.0.5"), ==, 24);
    g_assert_cmpuint(nmvirt_map_ip_classful_prefix("240.0.0.1"), ==, 24);
}

static void
test_map_ip_to_nm_ipv4_dhcp_route(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_ip_ethernet_new();
    g_autoptr(GPtrArray) profiles = NULL;
    NmvirtProtoDef *proto = test_map_ip_proto_new(def, NMVIRT_IP_FAMILY_IPV4);

    proto->dhcp = TRUE;
    proto->gateway = g_strdup("192.0.2.1");
    profiles = nmvirt_test_map_to_nm(def);
    test_map_ip_assert_default_route(test_map_ip_ip4(profiles), "0.0.0.0", "192.0.2.1");
    nmvirt_test_map_assert_from_nm(profiles, def);
}

static void
test_map_ip_to_nm_route_without_address(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_ip_ethernet_new();
    g_autoptr(GPtrArray) profiles = NULL;
    g_autoptr(GError) error = NULL;

    test_map_ip_proto_new(def, NMVIRT_IP_FAMILY_IPV4)->gateway = g_strdup("192.0.2.1");
    profiles = nmvirt_map_to_nm(def, &error);
    g_assert_null(profiles);
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_UNSUPPORTED);
    g_assert_nonnull(strstr(error->message, "'eth0'"));
    g_assert_nonnull(strstr(error->message, "<protocol family='ipv4'><route>"));
    g_clear_error(&error);

    /* An empty ipv6 <protocol/> is link-local only: the same. */
    g_clear_pointer(&def->ipv4, nmvirt_proto_def_free);
    test_map_ip_proto_new(def, NMVIRT_IP_FAMILY_IPV6)->gateway = g_strdup("fe80::1");
    profiles = nmvirt_map_to_nm(def, &error);
    g_assert_null(profiles);
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_UNSUPPORTED);
    g_assert_nonnull(strstr(error->message, "<protocol family='ipv6'><route>"));
}

static void
test_map_ip_to_nm_ipv6_absent(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_ip_ethernet_new();
    g_autoptr(GPtrArray) profiles = nmvirt_test_map_to_nm(def);

    g_assert_cmpstr(nm_setting_ip_config_get_method(test_map_ip_ip6(profiles)), ==, "ignore");
    nmvirt_test_map_assert_from_nm(profiles, def);
}

static void
test_map_ip_to_nm_ipv6_empty(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_ip_ethernet_new();
    g_autoptr(GPtrArray) profiles = NULL;

    test_map_ip_proto_new(def, NMVIRT_IP_FAMILY_IPV6);
    profiles = nmvirt_test_map_to_nm(def);
    g_assert_cmpstr(nm_setting_ip_config_get_method(test_map_ip_ip6(profiles)), ==, "link-local");
    nmvirt_test_map_assert_from_nm(profiles, def);
}

static void
test_map_ip_to_nm_ipv6_autoconf(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_ip_ethernet_new();
    g_autoptr(GPtrArray) profiles = NULL;

    test_map_ip_proto_new(def, NMVIRT_IP_FAMILY_IPV6)->autoconf = TRUE;
    profiles = nmvirt_test_map_to_nm(def);
    g_assert_cmpstr(nm_setting_ip_config_get_method(test_map_ip_ip6(profiles)), ==, "auto");
    g_assert_null(test_map_ip_user(profiles, "nmvirt.hint.ipv6-dhcp"));
    nmvirt_test_map_assert_from_nm(profiles, def);
}

static void
test_map_ip_to_nm_ipv6_dhcp(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_ip_ethernet_new();
    g_autoptr(GPtrArray) profiles = NULL;

    test_map_ip_proto_new(def, NMVIRT_IP_FAMILY_IPV6)->dhcp = TRUE;
    profiles = nmvirt_test_map_to_nm(def);
    g_assert_cmpstr(nm_setting_ip_config_get_method(test_map_ip_ip6(profiles)), ==, "dhcp");
    nmvirt_test_map_assert_from_nm(profiles, def);
}

static void
test_map_ip_to_nm_ipv6_autoconf_dhcp(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_ip_ethernet_new();
    g_autoptr(NmvirtIfaceDef) expected = test_map_ip_ethernet_new();
    g_autoptr(GPtrArray) profiles = NULL;
    NmvirtProtoDef *proto = test_map_ip_proto_new(def, NMVIRT_IP_FAMILY_IPV6);

    proto->autoconf = TRUE;
    proto->dhcp = TRUE;
    profiles = nmvirt_test_map_to_nm(def);
    g_assert_cmpstr(nm_setting_ip_config_get_method(test_map_ip_ip6(profiles)), ==, "auto");
    g_assert_cmpstr(test_map_ip_user(profiles, "nmvirt.hint.ipv6-dhcp"), ==, "yes");
    g_assert_cmpstr(test_map_ip_user(profiles, "nmvirt.hint.ipv6-dhcp.nm"), ==, "auto");
    nmvirt_test_map_assert_from_nm(profiles, def);

    /* nmcli connection modify eth0 ipv6.method dhcp */
    g_object_set(test_map_ip_ip6(profiles), NM_SETTING_IP_CONFIG_METHOD, "dhcp", NULL);
    test_map_ip_proto_new(expected, NMVIRT_IP_FAMILY_IPV6)->dhcp = TRUE;
    nmvirt_test_map_assert_from_nm(profiles, expected);
}

static void
test_map_ip_to_nm_ipv6_static(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_ip_ethernet_new();
    g_autoptr(GPtrArray) profiles = NULL;
    NmvirtProtoDef *proto = test_map_ip_proto_new(def, NMVIRT_IP_FAMILY_IPV6);

    nmvirt_proto_def_add_ip(proto, "2001:db8:10::20", TRUE, 64);
    nmvirt_proto_def_add_ip(proto, "2001:db8:20::1", TRUE, 48);
    proto->gateway = g_strdup("2001:db8:10::1");
    profiles = nmvirt_test_map_to_nm(def);
    g_assert_cmpstr(nm_setting_ip_config_get_method(test_map_ip_ip6(profiles)), ==, "manual");
    test_map_ip_assert_address(test_map_ip_ip6(profiles), 0, "2001:db8:10::20", 64);
    test_map_ip_assert_address(test_map_ip_ip6(profiles), 1, "2001:db8:20::1", 48);
    g_assert_cmpstr(nm_setting_ip_config_get_gateway(test_map_ip_ip6(profiles)), ==,
                    "2001:db8:10::1");
    nmvirt_test_map_assert_from_nm(profiles, def);
}

static void
test_map_ip_to_nm_ipv6_autoconf_static(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_ip_ethernet_new();
    g_autoptr(GPtrArray) profiles = NULL;
    NmvirtProtoDef *proto = test_map_ip_proto_new(def, NMVIRT_IP_FAMILY_IPV6);

    proto->autoconf = TRUE;
    nmvirt_proto_def_add_ip(proto, "2001:db8:10::20", TRUE, 64);
    profiles = nmvirt_test_map_to_nm(def);
    g_assert_cmpstr(nm_setting_ip_config_get_method(test_map_ip_ip6(profiles)), ==, "auto");
    test_map_ip_assert_address(test_map_ip_ip6(profiles), 0, "2001:db8:10::20", 64);
    nmvirt_test_map_assert_from_nm(profiles, def);
}

static void
test_map_ip_to_nm_ipv6_no_prefix(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_ip_ethernet_new();
    g_autoptr(GPtrArray) profiles = NULL;
    NmvirtProtoDef *proto = test_map_ip_proto_new(def, NMVIRT_IP_FAMILY_IPV6);

    nmvirt_proto_def_add_ip(proto, "2001:db8::5", FALSE, 0);
    nmvirt_proto_def_add_ip(proto, "2001:db8:1::5", TRUE, 56);
    profiles = nmvirt_test_map_to_nm(def);
    test_map_ip_assert_address(test_map_ip_ip6(profiles), 0, "2001:db8::5", 64);
    g_assert_cmpstr(test_map_ip_user(profiles, "nmvirt.hint.ipv6-no-prefix"), ==, "2001:db8::5/64");
    g_assert_cmpstr(test_map_ip_user(profiles, "nmvirt.hint.ipv6-no-prefix.nm"), ==,
                    "2001:db8::5/64,2001:db8:1::5/56");
    nmvirt_test_map_assert_from_nm(profiles, def);
}

static void
test_map_ip_to_nm_ipv6_peerdns(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_ip_ethernet_new();
    g_autoptr(GPtrArray) profiles = NULL;
    NmvirtProtoDef *proto = test_map_ip_proto_new(def, NMVIRT_IP_FAMILY_IPV6);

    proto->dhcp = TRUE;
    proto->peerdns = NMVIRT_TRISTATE_NO;
    profiles = nmvirt_test_map_to_nm(def);
    g_assert_true(nm_setting_ip_config_get_ignore_auto_dns(test_map_ip_ip6(profiles)));
    nmvirt_test_map_assert_from_nm(profiles, def);
    g_clear_pointer(&profiles, g_ptr_array_unref);

    proto->peerdns = NMVIRT_TRISTATE_YES;
    profiles = nmvirt_test_map_to_nm(def);
    g_assert_false(nm_setting_ip_config_get_ignore_auto_dns(test_map_ip_ip6(profiles)));
    g_assert_cmpstr(test_map_ip_user(profiles, "nmvirt.hint.ipv6-peerdns"), ==, "yes");
    g_assert_cmpstr(test_map_ip_user(profiles, "nmvirt.hint.ipv6-peerdns.nm"), ==, "no");
    nmvirt_test_map_assert_from_nm(profiles, def);
}

static void
test_map_ip_to_nm_ipv6_autoconf_route(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_ip_ethernet_new();
    g_autoptr(GPtrArray) profiles = NULL;
    NmvirtProtoDef *proto = test_map_ip_proto_new(def, NMVIRT_IP_FAMILY_IPV6);

    proto->autoconf = TRUE;
    proto->gateway = g_strdup("fe80::1");
    profiles = nmvirt_test_map_to_nm(def);
    test_map_ip_assert_default_route(test_map_ip_ip6(profiles), "::", "fe80::1");
    nmvirt_test_map_assert_from_nm(profiles, def);
}

static void
test_map_ip_to_nm_both_families(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_ip_ethernet_new();
    g_autoptr(GPtrArray) profiles = NULL;
    NmvirtProtoDef *ipv4 = test_map_ip_proto_new(def, NMVIRT_IP_FAMILY_IPV4);
    NmvirtProtoDef *ipv6 = test_map_ip_proto_new(def, NMVIRT_IP_FAMILY_IPV6);

    ipv4->dhcp = TRUE;
    ipv4->peerdns = NMVIRT_TRISTATE_NO;
    nmvirt_proto_def_add_ip(ipv4, "192.0.2.5", FALSE, 0);
    ipv4->gateway = g_strdup("192.0.2.1");
    ipv6->autoconf = TRUE;
    ipv6->dhcp = TRUE;
    nmvirt_proto_def_add_ip(ipv6, "2001:db8::5", FALSE, 0);
    ipv6->gateway = g_strdup("2001:db8::1");
    profiles = nmvirt_test_map_to_nm(def);
    nmvirt_test_map_assert_from_nm(profiles, def);
}

/* Applying a document to an existing profile replaces the default route
 * (what <route> becomes) and keeps other routes and DNS. */
static void
test_map_ip_to_nm_apply_keeps_routes(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_ip_ethernet_new();
    g_autoptr(GPtrArray) profiles = NULL;
    g_autoptr(NMIPRoute) route = nm_ip_route_new(AF_INET, "10.0.0.0", 8, "192.0.2.254", 10, NULL);
    g_autoptr(GError) error = NULL;
    NmvirtMapPlace place = { def, NULL, 0 };
    NmvirtProtoDef *proto = test_map_ip_proto_new(def, NMVIRT_IP_FAMILY_IPV4);
    NMConnection *connection;
    NMSettingIPConfig *s_ip4;

    proto->dhcp = TRUE;
    proto->gateway = g_strdup("192.0.2.1");
    profiles = nmvirt_test_map_to_nm(def);
    connection = g_ptr_array_index(profiles, 0);
    s_ip4 = test_map_ip_ip4(profiles);
    nm_setting_ip_config_add_route(s_ip4, route);
    nm_setting_ip_config_add_dns(s_ip4, "192.0.2.53");

    g_clear_pointer(&proto->gateway, g_free);
    g_assert_true(nmvirt_map_apply(connection, def, &place, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(nm_setting_ip_config_get_num_routes(s_ip4), ==, 1);
    g_assert_cmpstr(nm_ip_route_get_dest(nm_setting_ip_config_get_route(s_ip4, 0)), ==, "10.0.0.0");
    g_assert_cmpuint(nm_setting_ip_config_get_num_dns(s_ip4), ==, 1);
    nmvirt_test_assert_profiles_normalized(profiles);
    nmvirt_test_map_assert_from_nm(profiles, def);
}

static GPtrArray *
test_map_ip_foreign_profiles(const char *method4, const char *method6)
{
    NMConnection *connection =
        nmvirt_test_profile_new("802-3-ethernet", "Wired connection 1", "eth0");

    nm_connection_add_setting(connection, nm_setting_wired_new());
    nmvirt_test_profile_add_ip(connection, method4, method6);
    return nmvirt_test_profile_array_new(connection, NULL);
}

static void
test_map_ip_from_nm_ipv4_shared(void)
{
    g_autoptr(GPtrArray) profiles = test_map_ip_foreign_profiles("shared", "ignore");

    nmvirt_test_map_assert_from_nm_error(profiles, NMVIRT_ERROR_UNSUPPORTED,
                                         "ipv4.method 'shared'");
}

static void
test_map_ip_from_nm_ipv4_link_local(void)
{
    g_autoptr(GPtrArray) profiles = test_map_ip_foreign_profiles("link-local", "ignore");

    nmvirt_test_map_assert_from_nm_error(profiles, NMVIRT_ERROR_UNSUPPORTED,
                                         "ipv4.method 'link-local'");
}

static void
test_map_ip_from_nm_ipv6_shared(void)
{
    g_autoptr(GPtrArray) profiles = test_map_ip_foreign_profiles("auto", "shared");

    nmvirt_test_map_assert_from_nm_error(profiles, NMVIRT_ERROR_UNSUPPORTED,
                                         "ipv6.method 'shared'");
}

static void
test_map_ip_from_nm_ipv6_disabled(void)
{
    g_autoptr(GPtrArray) profiles = test_map_ip_foreign_profiles("disabled", "disabled");
    g_autoptr(NmvirtIfaceDef) expected = test_map_ip_ethernet_new();

    nmvirt_test_map_assert_from_nm(profiles, expected);
}

/* ipv6.method=disabled reads as no ipv6 protocol, like "ignore"; applying
 * that document again keeps "disabled" (it does not turn IPv6 back on),
 * while a new profile gets "ignore". */
static void
test_map_ip_apply_ipv6_disabled_kept(void)
{
    g_autoptr(GPtrArray) profiles = test_map_ip_foreign_profiles("auto", "disabled");
    g_autoptr(NmvirtIfaceDef) def = NULL;
    g_autoptr(GPtrArray) fresh = NULL;
    g_autoptr(GError) error = NULL;
    NMConnection *connection = g_ptr_array_index(profiles, 0);
    NmvirtMapPlace place = { NULL, NULL, 0 };

    def = nmvirt_map_from_nm(connection, profiles, &error);
    g_assert_no_error(error);
    g_assert_null(def->ipv6);
    place.top = def;
    g_assert_true(nmvirt_map_apply(connection, def, &place, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(nm_setting_ip_config_get_method(test_map_ip_ip6(profiles)), ==, "disabled");
    nmvirt_test_assert_profiles_normalized(profiles);

    fresh = nmvirt_test_map_to_nm(def);
    g_assert_cmpstr(nm_setting_ip_config_get_method(test_map_ip_ip6(fresh)), ==, "ignore");
}

/* ignore-auto-dns belongs to <dhcp peerdns>: with <autoconf/> only, or a
 * static address, the XML has no words for it and applying keeps it. */
static void
test_map_ip_apply_ignore_auto_dns_kept(void)
{
    g_autoptr(GPtrArray) profiles = test_map_ip_foreign_profiles("manual", "auto");
    g_autoptr(NMIPAddress) address = nm_ip_address_new(AF_INET, "192.0.2.10", 24, NULL);
    g_autoptr(NmvirtIfaceDef) def = NULL;
    g_autoptr(GError) error = NULL;
    NMConnection *connection = g_ptr_array_index(profiles, 0);
    NmvirtMapPlace place = { NULL, NULL, 0 };

    nm_setting_ip_config_add_address(test_map_ip_ip4(profiles), address);
    g_object_set(test_map_ip_ip4(profiles), NM_SETTING_IP_CONFIG_IGNORE_AUTO_DNS, TRUE, NULL);
    g_object_set(test_map_ip_ip6(profiles), NM_SETTING_IP_CONFIG_IGNORE_AUTO_DNS, TRUE, NULL);
    def = nmvirt_map_from_nm(connection, profiles, &error);
    g_assert_no_error(error);
    g_assert_true(def->ipv6->autoconf);
    g_assert_false(def->ipv6->dhcp);
    place.top = def;
    g_assert_true(nmvirt_map_apply(connection, def, &place, &error));
    g_assert_no_error(error);
    g_assert_true(nm_setting_ip_config_get_ignore_auto_dns(test_map_ip_ip4(profiles)));
    g_assert_true(nm_setting_ip_config_get_ignore_auto_dns(test_map_ip_ip6(profiles)));

    /* with <dhcp> it is the XML's again: peerdns unset is "no" */
    def->ipv6->dhcp = TRUE;
    g_assert_true(nmvirt_map_apply(connection, def, &place, &error));
    g_assert_no_error(error);
    g_assert_false(nm_setting_ip_config_get_ignore_auto_dns(test_map_ip_ip6(profiles)));
    g_assert_true(nm_setting_ip_config_get_ignore_auto_dns(test_map_ip_ip4(profiles)));
}

static NMIPRoute *
test_map_ip_route_new(const char *dest, guint prefix, const char *next_hop, gint64 metric,
                      const char *table, const char *type)
{
    g_autoptr(GError) error = NULL;
    NMIPRoute *route = nm_ip_route_new(AF_INET, dest, prefix, next_hop, metric, &error);

    g_assert_no_error(error);
    if (table != NULL)
        nm_ip_route_set_attribute(route, NM_IP_ROUTE_ATTRIBUTE_TABLE,
                                  g_variant_new_uint32(atoi(table)));
    if (type != NULL)
        nm_ip_route_set_attribute(route, NM_IP_ROUTE_ATTRIBUTE_TYPE, g_variant_new_string(type));
    return route;
}

/* Exactly the route nmvirt writes for <route gateway> (0.0.0.0/0 with a
 * next hop, no metric, no attributes, no address) is the XML's <route>;
 * other routes have no XML words and are left alone. */
static void
test_map_ip_from_nm_default_route(void)
{
    g_autoptr(GPtrArray) profiles = test_map_ip_foreign_profiles("auto", "ignore");
    g_autoptr(NmvirtIfaceDef) expected = test_map_ip_ethernet_new();
    g_autoptr(NMIPRoute) other =
        test_map_ip_route_new("10.0.0.0", 8, "192.0.2.254", -1, NULL, NULL);
    g_autoptr(NMIPRoute) metric = test_map_ip_route_new("0.0.0.0", 0, "192.0.2.7", 100, NULL, NULL);
    g_autoptr(NMIPRoute) table =
        test_map_ip_route_new("0.0.0.0", 0, "198.51.100.1", -1, "100", NULL);
    g_autoptr(NMIPRoute) route = test_map_ip_route_new("0.0.0.0", 0, "192.0.2.1", -1, NULL, NULL);
    NmvirtProtoDef *proto = test_map_ip_proto_new(expected, NMVIRT_IP_FAMILY_IPV4);

    nm_setting_ip_config_add_route(test_map_ip_ip4(profiles), other);
    nm_setting_ip_config_add_route(test_map_ip_ip4(profiles), metric);
    nm_setting_ip_config_add_route(test_map_ip_ip4(profiles), table);
    nm_setting_ip_config_add_route(test_map_ip_ip4(profiles), route);
    g_assert_true(nm_connection_verify(g_ptr_array_index(profiles, 0), NULL));
    proto->dhcp = TRUE;
    proto->gateway = g_strdup("192.0.2.1");
    nmvirt_test_map_assert_from_nm(profiles, expected);
}

/* Default routes in another table, of another type, with a metric, or in a
 * profile with an address are somebody else's: not read as <route>, and
 * applying the document leaves every one of them alone. */
static void
test_map_ip_from_nm_foreign_default_routes(void)
{
    g_autoptr(GPtrArray) profiles = test_map_ip_foreign_profiles("manual", "ignore");
    g_autoptr(NmvirtIfaceDef) expected = test_map_ip_ethernet_new();
    g_autoptr(NmvirtIfaceDef) def = NULL;
    g_autoptr(NMIPAddress) address = nm_ip_address_new(AF_INET, "192.0.2.10", 24, NULL);
    g_autoptr(GError) error = NULL;
    NMIPRoute *routes[] = {
        test_map_ip_route_new("0.0.0.0", 0, "198.51.100.1", -1, "100", NULL),
        test_map_ip_route_new("0.0.0.0", 0, NULL, -1, "200", "blackhole"),
        test_map_ip_route_new("0.0.0.0", 0, "192.0.2.7", 300, NULL, NULL),
        test_map_ip_route_new("0.0.0.0", 0, "192.0.2.8", -1, NULL, NULL),
        test_map_ip_route_new("10.0.0.0", 8, NULL, -1, NULL, NULL),
    };
    NMSettingIPConfig *s_ip4 = test_map_ip_ip4(profiles);
    NMConnection *connection = g_ptr_array_index(profiles, 0);
    NmvirtMapPlace place = { NULL, NULL, 0 };
    NmvirtProtoDef *proto = test_map_ip_proto_new(expected, NMVIRT_IP_FAMILY_IPV4);

    nm_setting_ip_config_add_address(s_ip4, address);
    g_object_set(s_ip4, NM_SETTING_IP_CONFIG_GATEWAY, "192.0.2.1", NULL);
    for (guint i = 0; i < G_N_ELEMENTS(routes); i++) {
        nm_setting_ip_config_add_route(s_ip4, routes[i]);
        g_assert_false(nmvirt_map_ip_route_is_owned(s_ip4, routes[i]));
    }
    g_assert_true(nm_connection_verify(connection, NULL));
    nmvirt_proto_def_add_ip(proto, "192.0.2.10", TRUE, 24);
    proto->gateway = g_strdup("192.0.2.1");
    nmvirt_test_map_assert_from_nm(profiles, expected);

    def = nmvirt_map_from_nm(connection, profiles, &error);
    g_assert_no_error(error);
    place.top = def;
    g_assert_true(nmvirt_map_apply(connection, def, &place, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(nm_setting_ip_config_get_num_routes(s_ip4), ==, G_N_ELEMENTS(routes));
    for (guint i = 0; i < G_N_ELEMENTS(routes); i++) {
        g_assert_true(nm_ip_route_equal(nm_setting_ip_config_get_route(s_ip4, i), routes[i]));
        nm_ip_route_unref(routes[i]);
    }
}

/* Two routes of nmvirt's shape cannot both be the one <route>. */
static void
test_map_ip_from_nm_two_default_routes(void)
{
    g_autoptr(GPtrArray) profiles = test_map_ip_foreign_profiles("auto", "ignore");
    g_autoptr(NMIPRoute) first = test_map_ip_route_new("0.0.0.0", 0, "192.0.2.1", -1, NULL, NULL);
    g_autoptr(NMIPRoute) second = test_map_ip_route_new("0.0.0.0", 0, "192.0.2.2", -1, NULL, NULL);

    nm_setting_ip_config_add_route(test_map_ip_ip4(profiles), first);
    nm_setting_ip_config_add_route(test_map_ip_ip4(profiles), second);
    nmvirt_test_map_assert_from_nm_error(profiles, NMVIRT_ERROR_UNSUPPORTED,
                                         "ipv4.routes '0.0.0.0/0 192.0.2.2'");
}

/* libnm holds one address with two prefixes; interface XML cannot. */
static void
test_map_ip_from_nm_same_address_twice(void)
{
    g_autoptr(GPtrArray) profiles = test_map_ip_foreign_profiles("manual", "ignore");
    g_autoptr(NMIPAddress) first = nm_ip_address_new(AF_INET, "192.0.2.10", 24, NULL);
    g_autoptr(NMIPAddress) second = nm_ip_address_new(AF_INET, "192.0.2.10", 16, NULL);

    g_assert_true(nm_setting_ip_config_add_address(test_map_ip_ip4(profiles), first));
    g_assert_true(nm_setting_ip_config_add_address(test_map_ip_ip4(profiles), second));
    nmvirt_test_map_assert_from_nm_error(profiles, NMVIRT_ERROR_UNSUPPORTED,
                                         "ipv4.addresses '192.0.2.10/16'");
}

/* A model built in code with the same address twice: libnm would keep one. */
static void
test_map_ip_to_nm_same_address_twice(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_ip_ethernet_new();
    g_autoptr(GPtrArray) profiles = NULL;
    g_autoptr(GError) error = NULL;
    NmvirtProtoDef *proto = test_map_ip_proto_new(def, NMVIRT_IP_FAMILY_IPV6);

    nmvirt_proto_def_add_ip(proto, "2001:db8::5", TRUE, 64);
    nmvirt_proto_def_add_ip(proto, "2001:db8::5", TRUE, 64);
    profiles = nmvirt_map_to_nm(def, &error);
    g_assert_null(profiles);
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML);
    g_assert_nonnull(strstr(error->message, "'2001:db8::5' is given twice"));
}

static void
test_map_ip_to_nm_xml_example(void)
{
    g_autoptr(GPtrArray) profiles =
        nmvirt_test_map_xml_round_trip("<interface type='ethernet' name='eth0'>\n"
                                       "  <start mode='onboot'/>\n"
                                       "  <protocol family='ipv4'>\n"
                                       "    <dhcp peerdns='yes'/>\n"
                                       "    <ip address='10.0.0.5'/>\n"
                                       "    <route gateway='10.0.0.1'/>\n"
                                       "  </protocol>\n"
                                       "  <protocol family='ipv6'>\n"
                                       "    <autoconf/>\n"
                                       "    <dhcp peerdns='no'/>\n"
                                       "    <ip address='2001:db8::5'/>\n"
                                       "  </protocol>\n"
                                       "</interface>\n");

    test_map_ip_assert_address(test_map_ip_ip4(profiles), 0, "10.0.0.5", 8);
    test_map_ip_assert_address(test_map_ip_ip6(profiles), 0, "2001:db8::5", 64);
    g_assert_true(nm_setting_ip_config_get_ignore_auto_dns(test_map_ip_ip6(profiles)));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/nmvirt/map/to-nm/ip/ipv4-empty", test_map_ip_to_nm_ipv4_empty);
    g_test_add_func("/nmvirt/map/to-nm/ip/ipv4-dhcp", test_map_ip_to_nm_ipv4_dhcp);
    g_test_add_func("/nmvirt/map/to-nm/ip/ipv4-peerdns-no", test_map_ip_to_nm_ipv4_peerdns_no);
    g_test_add_func("/nmvirt/map/to-nm/ip/ipv4-peerdns-yes", test_map_ip_to_nm_ipv4_peerdns_yes);
    g_test_add_func("/nmvirt/map/to-nm/ip/ipv4-static", test_map_ip_to_nm_ipv4_static);
    g_test_add_func("/nmvirt/map/to-nm/ip/ipv4-dhcp-static", test_map_ip_to_nm_ipv4_dhcp_static);
    g_test_add_func("/nmvirt/map/to-nm/ip/ipv4-no-prefix", test_map_ip_to_nm_ipv4_no_prefix);
    g_test_add_func("/nmvirt/map/to-nm/ip/ipv4-classful", test_map_ip_to_nm_ipv4_classful);
    g_test_add_func("/nmvirt/map/to-nm/ip/ipv4-dhcp-route", test_map_ip_to_nm_ipv4_dhcp_route);
    g_test_add_func("/nmvirt/map/to-nm/ip/route-without-address",
                    test_map_ip_to_nm_route_without_address);
    g_test_add_func("/nmvirt/map/to-nm/ip/ipv6-absent", test_map_ip_to_nm_ipv6_absent);
    g_test_add_func("/nmvirt/map/to-nm/ip/ipv6-empty", test_map_ip_to_nm_ipv6_empty);
    g_test_add_func("/nmvirt/map/to-nm/ip/ipv6-autoconf", test_map_ip_to_nm_ipv6_autoconf);
    g_test_add_func("/nmvirt/map/to-nm/ip/ipv6-dhcp", test_map_ip_to_nm_ipv6_dhcp);
    g_test_add_func("/nmvirt/map/to-nm/ip/ipv6-autoconf-dhcp",
                    test_map_ip_to_nm_ipv6_autoconf_dhcp);
    g_test_add_func("/nmvirt/map/to-nm/ip/ipv6-static", test_map_ip_to_nm_ipv6_static);
    g_test_add_func("/nmvirt/map/to-nm/ip/ipv6-autoconf-static",
                    test_map_ip_to_nm_ipv6_autoconf_static);
    g_test_add_func("/nmvirt/map/to-nm/ip/ipv6-no-prefix", test_map_ip_to_nm_ipv6_no_prefix);
    g_test_add_func("/nmvirt/map/to-nm/ip/ipv6-peerdns", test_map_ip_to_nm_ipv6_peerdns);
    g_test_add_func("/nmvirt/map/to-nm/ip/ipv6-autoconf-route",
                    test_map_ip_to_nm_ipv6_autoconf_route);
    g_test_add_func("/nmvirt/map/to-nm/ip/both-families", test_map_ip_to_nm_both_families);
    g_test_add_func("/nmvirt/map/to-nm/ip/apply-keeps-routes",
                    test_map_ip_to_nm_apply_keeps_routes);
    g_test_add_func("/nmvirt/map/from-nm/ip/ipv4-shared", test_map_ip_from_nm_ipv4_shared);
    g_test_add_func("/nmvirt/map/from-nm/ip/ipv4-link-local", test_map_ip_from_nm_ipv4_link_local);
    g_test_add_func("/nmvirt/map/from-nm/ip/ipv6-shared", test_map_ip_from_nm_ipv6_shared);
    g_test_add_func("/nmvirt/map/from-nm/ip/ipv6-disabled", test_map_ip_from_nm_ipv6_disabled);
    g_test_add_func("/nmvirt/map/from-nm/ip/default-route", test_map_ip_from_nm_default_route);
    g_test_add_func("/nmvirt/map/from-nm/ip/foreign-default-routes",
                    test_map_ip_from_nm_foreign_default_routes);
    g_test_add_func("/nmvirt/map/from-nm/ip/two-default-routes",
                    test_map_ip_from_nm_two_default_routes);
    g_test_add_func("/nmvirt/map/from-nm/ip/same-address-twice",
                    test_map_ip_from_nm_same_address_twice);
    g_test_add_func("/nmvirt/map/to-nm/ip/same-address-twice",
                    test_map_ip_to_nm_same_address_twice);
    g_test_add_func("/nmvirt/map/apply/ip/ipv6-disabled-kept",
                    test_map_ip_apply_ipv6_disabled_kept);
    g_test_add_func("/nmvirt/map/apply/ip/ignore-auto-dns-kept",
                    test_map_ip_apply_ignore_auto_dns_kept);
    g_test_add_func("/nmvirt/map/to-nm/ip/xml-example", test_map_ip_to_nm_xml_example);
    return g_test_run();
}
