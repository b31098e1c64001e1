/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "nmvirt-map-private.h"
#include "nmvirt-test-map.h"
/* Ethernet ----------------------------------------------------------------- */

static NmvirtIfaceDef *
test_map_ethernet_new(const char *name, NmvirtStartMode start_mode)
{
    NmvirtIfaceDef *def = nmvirt_iface_def_new(NMVIRT_IFACE_TYPE_ETHERNET, name);

    def->start_mode = start_mode;
    return def;
}

static void
test_map_ethernet_to_nm_basic(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_ethernet_new("eth0", NMVIRT_START_MODE_ONBOOT);
    g_autoptr(GPtrArray) profiles = NULL;
    NMConnection *connection;
    NMSettingConnection *s_con;
    NMSettingWired *s_wired;
    NMSettingUser *s_user;
    guint n_keys = 0;

    def->mtu = 9000;
    def->mac = g_strdup("52:54:00:0a:0b:0c");
    profiles = nmvirt_test_map_to_nm(def);
    g_assert_cmpuint(profiles->len, ==, 1);
    connection = g_ptr_array_index(profiles, 0);
    s_con = nm_connection_get_setting_connection(connection);
    g_assert_cmpstr(nm_setting_connection_get_connection_type(s_con), ==, "802-3-ethernet");
    g_assert_cmpstr(nm_setting_connection_get_id(s_con), ==, "eth0");
    /* uuid5(6df63a80-852a-4550-846a-3d000ae932f5, "ethernet/eth0"), checked with Python. */
    g_assert_cmpstr(nm_setting_connection_get_uuid(s_con), ==,
                    "2222801c-fc37-531a-b4e4-85b2d53fbe72");
    g_assert_cmpstr(nm_setting_connection_get_interface_name(s_con), ==, "eth0");
    g_assert_true(nm_setting_connection_get_autoconnect(s_con));
    g_assert_null(nm_setting_connection_get_master(s_con));
    g_assert_null(nm_setting_connection_get_slave_type(s_con));
    g_assert_cmpint(nm_setting_connection_get_autoconnect_slaves(s_con), ==,
                    NM_SETTING_CONNECTION_AUTOCONNECT_SLAVES_DEFAULT);

    s_wired = nm_connection_get_setting_wired(connection);
    g_assert_nonnull(s_wired);
    g_assert_cmpuint(nm_setting_wired_get_mtu(s_wired), ==, 9000);
    g_assert_true(nm_utils_hwaddr_matches(nm_setting_wired_get_mac_address(s_wired), -1,
                                          "52:54:00:0a:0b:0c", -1));
    g_assert_cmpstr(nm_setting_ip_config_get_method(
                        NM_SETTING_IP_CONFIG(nm_connection_get_setting_ip4_config(connection))),
                    ==, "disabled");
    g_assert_cmpstr(nm_setting_ip_config_get_method(
                        NM_SETTING_IP_CONFIG(nm_connection_get_setting_ip6_config(connection))),
                    ==, "ignore");
    g_assert_nonnull(nm_connection_get_setting_proxy(connection));
    g_assert_null(nm_connection_get_setting_bridge_port(connection));

    /* Exactly one user-data key: no hints for an onboot ethernet. */
    s_user = NM_SETTING_USER(nm_connection_get_setting(connection, NM_TYPE_SETTING_USER));
    g_assert_nonnull(s_user);
    nm_setting_user_get_keys(s_user, &n_keys);
    g_assert_cmpuint(n_keys, ==, 1);
    g_assert_cmpstr(nm_setting_user_get_data(s_user, "nmvirt.interface"), ==, "eth0");

    nmvirt_test_map_assert_from_nm(profiles, def);
}

static void
test_map_ethernet_to_nm_start_none(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_ethernet_new("eth0", NMVIRT_START_MODE_NONE);
    g_autoptr(GPtrArray) profiles = nmvirt_test_map_to_nm(def);
    NMConnection *connection = g_ptr_array_index(profiles, 0);

    g_assert_false(
        nm_setting_connection_get_autoconnect(nm_connection_get_setting_connection(connection)));
    g_assert_null(nmvirt_map_user_data_get(connection, "nmvirt.hint.start"));
    nmvirt_test_map_assert_from_nm(profiles, def);
}

static void
test_map_ethernet_to_nm_start_hotplug(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_ethernet_new("eth0", NMVIRT_START_MODE_HOTPLUG);
    g_autoptr(NmvirtIfaceDef) expected = test_map_ethernet_new("eth0", NMVIRT_START_MODE_NONE);
    g_autoptr(GPtrArray) profiles = nmvirt_test_map_to_nm(def);
    NMConnection *connection = g_ptr_array_index(profiles, 0);
    NMSettingConnection *s_con = nm_connection_get_setting_connection(connection);

    g_assert_true(nm_setting_connection_get_autoconnect(s_con));
    g_assert_cmpstr(nmvirt_map_user_data_get(connection, "nmvirt.hint.start"), ==, "hotplug");
    g_assert_cmpstr(nmvirt_map_user_data_get(connection, "nmvirt.hint.start.nm"), ==, "yes");
    nmvirt_test_map_assert_from_nm(profiles, def);

    /* nmcli connection modify eth0 connection.autoconnect no */
    g_object_set(s_con, NM_SETTING_CONNECTION_AUTOCONNECT, FALSE, NULL);
    nmvirt_test_map_assert_from_nm(profiles, expected);
}

static void
test_map_ethernet_to_nm_start_unset(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_ethernet_new("eth0", NMVIRT_START_MODE_UNSET);
    g_autoptr(GPtrArray) profiles = nmvirt_test_map_to_nm(def);
    NMConnection *connection = g_ptr_array_index(profiles, 0);

    g_assert_true(
        nm_setting_connection_get_autoconnect(nm_connection_get_setting_connection(connection)));
    g_assert_cmpstr(nmvirt_map_user_data_get(connection, "nmvirt.hint.start"), ==, "unset");
    g_assert_cmpstr(nmvirt_map_user_data_get(connection, "nmvirt.hint.start.nm"), ==, "yes");
    nmvirt_test_map_assert_from_nm(profiles, def);
}

static void
test_map_ethernet_to_nm_no_mac_no_mtu(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_ethernet_new("enp3s0", NMVIRT_START_MODE_ONBOOT);
    g_autoptr(GPtrArray) profiles = nmvirt_test_map_to_nm(def);
    NMSettingWired *s_wired = nm_connection_get_setting_wired(g_ptr_array_index(profiles, 0));

    g_assert_cmpuint(nm_setting_wired_get_mtu(s_wired), ==, 0);
    g_assert_null(nm_setting_wired_get_mac_address(s_wired));
    nmvirt_test_map_assert_from_nm(profiles, def);
}

static void
test_map_ethernet_to_nm_uuid_stable(void)
{
    g_autofree char *a = nmvirt_map_connection_uuid(NMVIRT_IFACE_TYPE_ETHERNET, "eth0");
    g_autofree char *b = nmvirt_map_connection_uuid(NMVIRT_IFACE_TYPE_ETHERNET, "eth0");
    g_autofree char *c = nmvirt_map_connection_uuid(NMVIRT_IFACE_TYPE_BOND, "eth0");
    g_autofree char *d = nmvirt_map_connection_uuid(NMVIRT_IFACE_TYPE_BRIDGE, "br0");

    g_assert_cmpstr(a, ==, b);
    g_assert_cmpstr(a, !=, c);
    g_assert_true(g_uuid_string_is_valid(c));
    g_assert_cmpstr(d, ==, "aa29b418-52a9-5ca9-b383-cb228d43e478");
}

/* Applying to an existing profile (what merge does) changes only what the
 * README table lists. */
static void
test_map_ethernet_to_nm_apply_keeps_other_settings(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_ethernet_new("eth0", NMVIRT_START_MODE_NONE);
    g_autoptr(GPtrArray) profiles = NULL;
    g_autoptr(NMConnection) connection = NULL;
    g_autoptr(GError) error = NULL;
    NmvirtMapPlace place = { def, NULL, 0 };
    NMSettingIPConfig *s_ip4;
    NMSettingConnection *s_con;

    def->mac = g_strdup("52:54:00:0a:0b:0c");
    def->mtu = 1500;
    profiles = nmvirt_test_map_to_nm(def);
    connection = nm_simple_connection_new_clone(g_ptr_array_index(profiles, 0));
    s_con = nm_connection_get_setting_connection(connection);
    g_object_set(s_con, NM_SETTING_CONNECTION_ID, "Wired connection 1", NM_SETTING_CONNECTION_ZONE,
                 "trusted", NULL);
    g_assert_true(nmvirt_map_user_data_set(connection, "other.tool", "kept", &error));
    g_assert_no_error(error);
    g_assert_true(nmvirt_map_hint_set(connection, "stale", "x", "y", &error));
    g_assert_no_error(error);

    /* The new document: no MAC, no MTU, DHCP. */
    g_clear_pointer(&def->mac, g_free);
    def->mtu = 0;
    def->ipv4 = nmvirt_proto_def_new(NMVIRT_IP_FAMILY_IPV4);
    def->ipv4->dhcp = TRUE;
    g_assert_true(nmvirt_map_apply(connection, def, &place, &error));
    g_assert_no_error(error);

    g_assert_cmpstr(nm_setting_connection_get_id(s_con), ==, "Wired connection 1");
    g_assert_cmpstr(nm_setting_connection_get_zone(s_con), ==, "trusted");
    g_assert_cmpstr(nmvirt_map_user_data_get(connection, "other.tool"), ==, "kept");
    g_assert_null(nmvirt_map_user_data_get(connection, "nmvirt.hint.stale"));
    g_assert_null(nmvirt_map_user_data_get(connection, "nmvirt.hint.stale.nm"));
    g_assert_null(nm_setting_wired_get_mac_address(nm_connection_get_setting_wired(connection)));
    g_assert_cmpuint(nm_setting_wired_get_mtu(nm_connection_get_setting_wired(connection)), ==, 0);
    s_ip4 = NM_SETTING_IP_CONFIG(nm_connection_get_setting_ip4_config(connection));
    g_assert_cmpstr(nm_setting_ip_config_get_method(s_ip4), ==, "auto");
    g_assert_true(nm_connection_verify(connection, &error));
    g_assert_no_error(error);
}

/* A profile made with nmcli: static IPv4 with gateway, SLAAC, MAC binding. */
static void
test_map_ethernet_from_nm_foreign_gateway(void)
{
    NMConnection *connection =
        nmvirt_test_profile_new("802-3-ethernet", "Wired connection 1", "eno1");
    g_autoptr(GPtrArray) profiles = nmvirt_test_profile_array_new(connection, NULL);
    g_autoptr(NmvirtIfaceDef) expected = test_map_ethernet_new("eno1", NMVIRT_START_MODE_ONBOOT);
    g_autoptr(NMIPAddress) address = nm_ip_address_new(AF_INET, "198.51.100.20", 26, NULL);
    NMSetting *s_wired = nm_setting_wired_new();
    NMSettingIPConfig *s_ip4;

    g_object_set(s_wired, NM_SETTING_WIRED_MAC_ADDRESS, "52:54:00:0A:0B:0C", NULL);
    nm_connection_add_setting(connection, s_wired);
    nmvirt_test_profile_add_ip(connection, "manual", "auto");
    s_ip4 = NM_SETTING_IP_CONFIG(nm_connection_get_setting_ip4_config(connection));
    nm_setting_ip_config_add_address(s_ip4, address);
    g_object_set(s_ip4, NM_SETTING_IP_CONFIG_GATEWAY, "198.51.100.1", NULL);
    g_assert_true(nm_connection_verify(connection, NULL));

    expected->mac = g_strdup("52:54:00:0a:0b:0c");
    expected->ipv4 = nmvirt_proto_def_new(NMVIRT_IP_FAMILY_IPV4);
    nmvirt_proto_def_add_ip(expected->ipv4, "198.51.100.20", TRUE, 26);
    expected->ipv4->gateway = g_strdup("198.51.100.1");
    expected->ipv6 = nmvirt_proto_def_new(NMVIRT_IP_FAMILY_IPV6);
    expected->ipv6->autoconf = TRUE;
    nmvirt_test_map_assert_from_nm(profiles, expected);
}

static void
test_map_ethernet_from_nm_mac_only(void)
{
    NMConnection *connection = nmvirt_test_profile_new("802-3-ethernet", "lan", NULL);
    g_autoptr(GPtrArray) profiles = nmvirt_test_profile_array_new(connection, NULL);
    NMSetting *s_wired = nm_setting_wired_new();

    g_object_set(s_wired, NM_SETTING_WIRED_MAC_ADDRESS, "52:54:00:0a:0b:0c", NULL);
    nm_connection_add_setting(connection, s_wired);
    nmvirt_test_profile_add_ip(connection, "auto", "auto");
    g_assert_true(nm_connection_verify(connection, NULL));
    nmvirt_test_map_assert_from_nm_error(profiles, NMVIRT_ERROR_INVALID_PROFILE, "'lan'");
}

static void
test_map_ethernet_from_nm_wifi(void)
{
    NMConnection *connection = nmvirt_test_profile_new("802-11-wireless", "home", "wlan0");
    g_autoptr(GPtrArray) profiles = nmvirt_test_profile_array_new(connection, NULL);

    nmvirt_test_map_assert_from_nm_error(profiles, NMVIRT_ERROR_UNSUPPORTED,
                                         "connection.type '802-11-wireless'");
}

static void
test_map_ethernet_from_nm_no_connection_setting(void)
{
    NMConnection *connection = nm_simple_connection_new();
    g_autoptr(GPtrArray) profiles = nmvirt_test_profile_array_new(connection, NULL);

    nm_connection_add_setting(connection, nm_setting_wired_new());
    nmvirt_test_map_assert_from_nm_error(profiles, NMVIRT_ERROR_INVALID_PROFILE,
                                         "'connection' setting");
}

static void
test_map_ethernet_from_nm_bad_name(void)
{
    NMConnection *connection = nmvirt_test_profile_new("802-3-ethernet", "alias", "eth0:1");
    g_autoptr(GPtrArray) profiles = nmvirt_test_profile_array_new(connection, NULL);

    nm_connection_add_setting(connection, nm_setting_wired_new());
    nmvirt_test_profile_add_ip(connection, "auto", "auto");
    nmvirt_test_map_assert_from_nm_error(profiles, NMVIRT_ERROR_UNSUPPORTED,
                                         "connection.interface-name");
}

static void
test_map_ethernet_from_nm_mtu_too_big(void)
{
    NMConnection *connection = nmvirt_test_profile_new("802-3-ethernet", "big", "eth0");
    g_autoptr(GPtrArray) profiles = nmvirt_test_profile_array_new(connection, NULL);
    NMSetting *s_wired = nm_setting_wired_new();

    g_object_set(s_wired, NM_SETTING_WIRED_MTU, 200000, NULL);
    nm_connection_add_setting(connection, s_wired);
    nmvirt_test_profile_add_ip(connection, "auto", "auto");
    nmvirt_test_map_assert_from_nm_error(profiles, NMVIRT_ERROR_UNSUPPORTED, "802-3-ethernet.mtu");
}

/* Example A of the spec: jumbo MTU, static IPv4 with gateway, SLAAC plus a
 * static IPv6 address. */
static void
test_map_ethernet_to_nm_xml_example(void)
{
    g_autoptr(GPtrArray) profiles =
        nmvirt_test_map_xml_round_trip("<interface type='ethernet' name='enp3s0'>\n"
                                       "  <start mode='onboot'/>\n"
                                       "  <mtu size='9000'/>\n"
                                       "  <protocol family='ipv4'>\n"
                                       "    <ip address='198.51.100.20' prefix='26'/>\n"
                                       "    <route gateway='198.51.100.1'/>\n"
                                       "  </protocol>\n"
                                       "  <protocol family='ipv6'>\n"
                                       "    <autoconf/>\n"
                                       "    <ip address='2001:db8:10::20' prefix='64'/>\n"
                                       "  </protocol>\n"
                                       "  <mac address='52:54:00:0a:0b:0c'/>\n"
                                       "</interface>\n");
    NMConnection *connection = g_ptr_array_index(profiles, 0);
    NMSettingIPConfig *s_ip4 =
        NM_SETTING_IP_CONFIG(nm_connection_get_setting_ip4_config(connection));
    NMSettingIPConfig *s_ip6 =
        NM_SETTING_IP_CONFIG(nm_connection_get_setting_ip6_config(connection));

    g_assert_cmpuint(nm_setting_wired_get_mtu(nm_connection_get_setting_wired(connection)), ==,
                     9000);
    g_assert_cmpstr(nm_setting_ip_config_get_method(s_ip4), ==, "manual");
    g_assert_cmpstr(nm_setting_ip_config_get_gateway(s_ip4), ==, "198.51.100.1");
    g_assert_cmpstr(nm_setting_ip_config_get_method(s_ip6), ==, "auto");
    g_assert_cmpuint(nm_setting_ip_config_get_num_addresses(s_ip6), ==, 1);
}

/* <link> is live state: accepted on input, never stored, never read back. */
static void
test_map_ethernet_to_nm_xml_link(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NmvirtIfaceDef) def =
        nmvirt_xml_parse_string("<interface type='ethernet' name='eth0'>\n"
                                "  <start mode='onboot'/>\n"
                                "  <link speed='1000' state='up'/>\n"
                                "</interface>\n",
                                -1, "test.xml", &error);
    g_autoptr(GPtrArray) profiles = NULL;

    g_assert_no_error(error);
    profiles = nmvirt_test_map_to_nm(def);
    def->link_state = NMVIRT_LINK_STATE_UNSET;
    def->link_speed = 0;
    nmvirt_test_map_assert_from_nm(profiles, def);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/nmvirt/map/to-nm/ethernet/basic", test_map_ethernet_to_nm_basic);
    g_test_add_func("/nmvirt/map/to-nm/ethernet/start-none", test_map_ethernet_to_nm_start_none);
    g_test_add_func("/nmvirt/map/to-nm/ethernet/start-hotplug",
                    test_map_ethernet_to_nm_start_hotplug);
    g_test_add_func("/nmvirt/map/to-nm/ethernet/start-unset", test_map_ethernet_to_nm_start_unset);
    g_test_add_func("/nmvirt/map/to-nm/ethernet/no-mac-no-mtu",
                    test_map_ethernet_to_nm_no_mac_no_mtu);
    g_test_add_func("/nmvirt/map/to-nm/ethernet/uuid-stable", test_map_ethernet_to_nm_uuid_stable);
    g_test_add_func("/nmvirt/map/to-nm/ethernet/apply-keeps-other-settings",
                    test_map_ethernet_to_nm_apply_keeps_other_settings);
    g_test_add_func("/nmvirt/map/from-nm/ethernet/foreign-gateway",
                    test_map_ethernet_from_nm_foreign_gateway);
    g_test_add_func("/nmvirt/map/from-nm/ethernet/mac-only", test_map_ethernet_from_nm_mac_only);
    g_test_add_func("/nmvirt/map/from-nm/ethernet/wifi", test_map_ethernet_from_nm_wifi);
    g_test_add_func("/nmvirt/map/from-nm/ethernet/no-connection-setting",
                    test_map_ethernet_from_nm_no_connection_setting);
    g_test_add_func("/nmvirt/map/from-nm/ethernet/bad-name", test_map_ethernet_from_nm_bad_name);
    g_test_add_func("/nmvirt/map/from-nm/ethernet/mtu-too-big",
                    test_map_ethernet_from_nm_mtu_too_big);
    g_test_add_func("/nmvirt/map/to-nm/ethernet/xml-example", test_map_ethernet_to_nm_xml_example);
    g_test_add_func("/nmvirt/map/to-nm/ethernet/xml-link", test_map_ethernet_to_nm_xml_link);
    return g_test_run();
}
