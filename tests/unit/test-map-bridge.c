/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "nmvirt-map-private.h"
#include "nmvirt-test-map.h"
/* Bridge ------------------------------------------------------------------- */

static NmvirtIfaceDef *
test_map_bridge_new(NmvirtTristate stp, const char *delay)
{
    NmvirtIfaceDef *def = nmvirt_iface_def_new(NMVIRT_IFACE_TYPE_BRIDGE, "br0");

    def->start_mode = NMVIRT_START_MODE_ONBOOT;
    def->stp = stp;
    def->delay = g_strdup(delay);
    return def;
}

static NmvirtIfaceDef *
test_map_bridge_member_new(NmvirtIfaceDef *controller, NmvirtIfaceType type, const char *name)
{
    NmvirtIfaceDef *member = nmvirt_iface_def_new(type, name);

    nmvirt_iface_def_add_member(controller, member);
    return member;
}

/* eth9, bond0 (eth1, eth2), eth3.30, in that (non-alphabetical) order. */
static NmvirtIfaceDef *
test_map_bridge_with_ports_new(void)
{
    NmvirtIfaceDef *def = test_map_bridge_new(NMVIRT_TRISTATE_YES, "4");
    NmvirtIfaceDef *bond;
    NmvirtIfaceDef *vlan;

    def->start_mode = NMVIRT_START_MODE_NONE;
    def->mtu = 9000;
    def->ipv4 = nmvirt_proto_def_new(NMVIRT_IP_FAMILY_IPV4);
    def->ipv4->dhcp = TRUE;
    def->ipv4->peerdns = NMVIRT_TRISTATE_NO;
    test_map_bridge_member_new(def, NMVIRT_IFACE_TYPE_ETHERNET, "eth9")->mac =
        g_strdup("52:54:00:00:00:09");
    bond = test_map_bridge_member_new(def, NMVIRT_IFACE_TYPE_BOND, "bond0");
    bond->bond.mode = NMVIRT_BOND_MODE_ACTIVE_BACKUP;
    bond->bond.monitor = NMVIRT_BOND_MONITOR_MIIMON;
    bond->bond.miimon_freq = 100;
    bond->bond.updelay = 200;
    bond->bond.carrier = NMVIRT_BOND_CARRIER_NETIF;
    test_map_bridge_member_new(bond, NMVIRT_IFACE_TYPE_ETHERNET, "eth2");
    test_map_bridge_member_new(bond, NMVIRT_IFACE_TYPE_ETHERNET, "eth1");
    vlan = test_map_bridge_member_new(def, NMVIRT_IFACE_TYPE_VLAN, "eth3.30");
    vlan->vlan_tag = 30;
    vlan->vlan_parent = g_strdup("eth3");
    return def;
}

static void
test_map_bridge_assert_port(NMConnection *connection, const char *id, const char *master,
                            const char *slave_type, const char *order)
{
    NMSettingConnection *s_con = nm_connection_get_setting_connection(connection);

    g_assert_cmpstr(nm_setting_connection_get_id(s_con), ==, id);
    g_assert_cmpstr(nm_setting_connection_get_master(s_con), ==, master);
    g_assert_cmpstr(nm_setting_connection_get_slave_type(s_con), ==, slave_type);
    g_assert_cmpstr(nmvirt_map_user_data_get(connection, "nmvirt.port-order"), ==, order);
    g_assert_null(nm_connection_get_setting_ip4_config(connection));
    g_assert_null(nm_connection_get_setting_ip6_config(connection));
    g_assert_null(nm_connection_get_setting_proxy(connection));
    if (g_str_equal(slave_type, "bridge"))
        g_assert_nonnull(nm_connection_get_setting_bridge_port(connection));
    else
        g_assert_null(nm_connection_get_setting_bridge_port(connection));
}

static void
test_map_bridge_to_nm_ports(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_bridge_with_ports_new();
    g_autoptr(GPtrArray) profiles = nmvirt_test_map_to_nm(def);
    NMConnection *bridge = g_ptr_array_index(profiles, 0);
    NMConnection *bond = g_ptr_array_index(profiles, 2);
    NMSettingConnection *s_con = nm_connection_get_setting_connection(bridge);
    NMSettingBridge *s_bridge = nm_connection_get_setting_bridge(bridge);

    g_assert_cmpuint(profiles->len, ==, 6);
    g_assert_cmpstr(nm_setting_connection_get_connection_type(s_con), ==, "bridge");
    g_assert_cmpstr(nm_setting_connection_get_id(s_con), ==, "br0");
    g_assert_cmpstr(nm_setting_connection_get_uuid(s_con), ==,
                    "aa29b418-52a9-5ca9-b383-cb228d43e478");
    g_assert_cmpint(nm_setting_connection_get_autoconnect_slaves(s_con), ==,
                    NM_SETTING_CONNECTION_AUTOCONNECT_SLAVES_YES);
    g_assert_null(nmvirt_map_user_data_get(bridge, "nmvirt.port-order"));
    g_assert_nonnull(nm_connection_get_setting_proxy(bridge));
    g_assert_null(nm_connection_get_setting_bridge_port(bridge));
    g_assert_true(nm_setting_bridge_get_stp(s_bridge));
    g_assert_cmpuint(nm_setting_bridge_get_forward_delay(s_bridge), ==, 4);
    g_assert_null(nmvirt_map_user_data_get(bridge, "nmvirt.hint.bridge-stp"));
    g_assert_null(nmvirt_map_user_data_get(bridge, "nmvirt.hint.bridge-delay"));

    test_map_bridge_assert_port(g_ptr_array_index(profiles, 1), "br0-port-eth9", "br0", "bridge",
                                "0");
    test_map_bridge_assert_port(bond, "br0-port-bond0", "br0", "bridge", "1");
    test_map_bridge_assert_port(g_ptr_array_index(profiles, 3), "bond0-port-eth2", "bond0", "bond",
                                "0");
    test_map_bridge_assert_port(g_ptr_array_index(profiles, 4), "bond0-port-eth1", "bond0", "bond",
                                "1");
    test_map_bridge_assert_port(g_ptr_array_index(profiles, 5), "br0-port-eth3.30", "br0", "bridge",
                                "2");
    g_assert_cmpint(
        nm_setting_connection_get_autoconnect_slaves(nm_connection_get_setting_connection(bond)),
        ==, NM_SETTING_CONNECTION_AUTOCONNECT_SLAVES_YES);
    g_assert_cmpstr(
        nm_setting_bond_get_option_by_name(nm_connection_get_setting_bond(bond), "primary"), ==,
        "eth2");

    for (guint i = 0; i < profiles->len; i++) {
        NMConnection *connection = g_ptr_array_index(profiles, i);

        /* Start mode and MTU are copied to every port and member. */
        g_assert_false(nm_setting_connection_get_autoconnect(
            nm_connection_get_setting_connection(connection)));
        g_assert_cmpuint(nm_setting_wired_get_mtu(nm_connection_get_setting_wired(connection)), ==,
                         9000);
        g_assert_cmpstr(nmvirt_map_user_data_get(connection, "nmvirt.interface"), ==, "br0");
    }
    nmvirt_test_map_assert_from_nm(profiles, def);
}

static void
test_map_bridge_to_nm_stp_unset(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_bridge_new(NMVIRT_TRISTATE_UNSET, "15");
    g_autoptr(NmvirtIfaceDef) expected = test_map_bridge_new(NMVIRT_TRISTATE_YES, "15");
    g_autoptr(GPtrArray) profiles = nmvirt_test_map_to_nm(def);
    NMConnection *connection = g_ptr_array_index(profiles, 0);
    NMSettingBridge *s_bridge = nm_connection_get_setting_bridge(connection);

    g_assert_false(nm_setting_bridge_get_stp(s_bridge));
    g_assert_cmpstr(nmvirt_map_user_data_get(connection, "nmvirt.hint.bridge-stp"), ==, "unset");
    g_assert_cmpstr(nmvirt_map_user_data_get(connection, "nmvirt.hint.bridge-stp.nm"), ==, "no");
    g_assert_null(nmvirt_map_user_data_get(connection, "nmvirt.hint.bridge-delay"));
    nmvirt_test_map_assert_from_nm(profiles, def);

    /* nmcli connection modify br0 bridge.stp yes */
    g_object_set(s_bridge, NM_SETTING_BRIDGE_STP, TRUE, NULL);
    nmvirt_test_map_assert_from_nm(profiles, expected);
}

static void
test_map_bridge_to_nm_delay_fraction(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_bridge_new(NMVIRT_TRISTATE_NO, "0.01");
    g_autoptr(NmvirtIfaceDef) expected = test_map_bridge_new(NMVIRT_TRISTATE_NO, "10");
    g_autoptr(GPtrArray) profiles = nmvirt_test_map_to_nm(def);
    NMConnection *connection = g_ptr_array_index(profiles, 0);
    NMSettingBridge *s_bridge = nm_connection_get_setting_bridge(connection);

    g_assert_cmpuint(nm_setting_bridge_get_forward_delay(s_bridge), ==, 0);
    g_assert_cmpstr(nmvirt_map_user_data_get(connection, "nmvirt.hint.bridge-delay"), ==, "0.01");
    g_assert_cmpstr(nmvirt_map_user_data_get(connection, "nmvirt.hint.bridge-delay.nm"), ==, "0");
    nmvirt_test_map_assert_from_nm(profiles, def);

    /* nmcli connection modify br0 bridge.forward-delay 10 */
    g_object_set(s_bridge, NM_SETTING_BRIDGE_FORWARD_DELAY, 10, NULL);
    nmvirt_test_map_assert_from_nm(profiles, expected);
}

static void
test_map_bridge_to_nm_delay_unset(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_bridge_new(NMVIRT_TRISTATE_NO, NULL);
    g_autoptr(GPtrArray) profiles = nmvirt_test_map_to_nm(def);
    NMConnection *connection = g_ptr_array_index(profiles, 0);

    g_assert_cmpuint(
        nm_setting_bridge_get_forward_delay(nm_connection_get_setting_bridge(connection)), ==, 15);
    g_assert_cmpstr(nmvirt_map_user_data_get(connection, "nmvirt.hint.bridge-delay"), ==, "unset");
    g_assert_cmpstr(nmvirt_map_user_data_get(connection, "nmvirt.hint.bridge-delay.nm"), ==, "15");
    nmvirt_test_map_assert_from_nm(profiles, def);
}

/* What virsh iface-bridge writes by default. */
static void
test_map_bridge_to_nm_stp_on_delay_zero(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_bridge_new(NMVIRT_TRISTATE_YES, "0");
    g_autoptr(GPtrArray) profiles = nmvirt_test_map_to_nm(def);
    NMConnection *connection = g_ptr_array_index(profiles, 0);
    NMSettingBridge *s_bridge = nm_connection_get_setting_bridge(connection);

    g_assert_true(nm_setting_bridge_get_stp(s_bridge));
    g_assert_cmpuint(nm_setting_bridge_get_forward_delay(s_bridge), ==, 2);
    g_assert_cmpstr(nmvirt_map_user_data_get(connection, "nmvirt.hint.bridge-delay"), ==, "0");
    g_assert_cmpstr(nmvirt_map_user_data_get(connection, "nmvirt.hint.bridge-delay.nm"), ==, "2");
    nmvirt_test_map_assert_from_nm(profiles, def);
}

static void
test_map_bridge_to_nm_delay_clamped(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_bridge_new(NMVIRT_TRISTATE_NO, "45");
    g_autoptr(GPtrArray) profiles = nmvirt_test_map_to_nm(def);
    NMConnection *connection = g_ptr_array_index(profiles, 0);

    g_assert_cmpuint(
        nm_setting_bridge_get_forward_delay(nm_connection_get_setting_bridge(connection)), ==, 30);
    g_assert_cmpstr(nmvirt_map_user_data_get(connection, "nmvirt.hint.bridge-delay"), ==, "45");
    nmvirt_test_map_assert_from_nm(profiles, def);
}

static void
test_map_bridge_to_nm_forward_delay(void)
{
    static const struct {
        const char *delay;
        gboolean stp;
        gboolean ok;
        guint forward_delay;
    } cases[] = {
        { NULL, FALSE, TRUE, 15 },  { NULL, TRUE, TRUE, 15 },    { "0", FALSE, TRUE, 0 },
        { "0", TRUE, TRUE, 2 },     { "0.01", FALSE, TRUE, 0 },  { "0.49", TRUE, TRUE, 2 },
        { "0.5", FALSE, TRUE, 2 },  { "1", FALSE, TRUE, 2 },     { "2.5", FALSE, TRUE, 3 },
        { "4", TRUE, TRUE, 4 },     { "30.4", TRUE, TRUE, 30 },  { "1000000000", FALSE, TRUE, 30 },
        { "1e9", FALSE, FALSE, 0 }, { "0x10", FALSE, FALSE, 0 }, { " 5", FALSE, FALSE, 0 },
        { ".", FALSE, FALSE, 0 },   { "5.", FALSE, TRUE, 5 },    { ".5", TRUE, TRUE, 2 },
        { "abc", FALSE, FALSE, 0 }, { "-1", FALSE, FALSE, 0 },   { "inf", FALSE, FALSE, 0 },
        { "nan", FALSE, FALSE, 0 }, { "", FALSE, FALSE, 0 },     { "4s", FALSE, FALSE, 0 },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        guint forward_delay = 999;
        gboolean ok = nmvirt_map_bridge_forward_delay(cases[i].delay, cases[i].stp, &forward_delay);

        g_assert_cmpint(ok, ==, cases[i].ok);
        if (ok)
            g_assert_cmpuint(forward_delay, ==, cases[i].forward_delay);
    }
}

/* The delays the mapping accepts (also those read from a hint) are exactly
 * the delays the parser accepts. */
static void
test_map_bridge_delay_grammar(void)
{
    static const char *const delays[] = {
        "0",  "15", "0.5", "5.", ".5", "007", "1e9", "1E2", "0x10",  "-1",
        "+1", " 5", "5 ",  ".",  "",   "inf", "nan", "1,5", "1.2.3",
    };

    for (guint i = 0; i < G_N_ELEMENTS(delays); i++) {
        g_autofree char *xml = g_strdup_printf(
            "<interface type='bridge' name='br0'><bridge delay='%s'/></interface>", delays[i]);
        g_autoptr(GError) error = NULL;
        g_autoptr(NmvirtIfaceDef) def = nmvirt_xml_parse_string(xml, -1, NULL, &error);
        guint forward_delay = 0;

        g_test_message("delay '%s'", delays[i]);
        g_assert_cmpint(nmvirt_map_bridge_forward_delay(delays[i], FALSE, &forward_delay), ==,
                        def != NULL);
    }
}

static void
test_map_bridge_to_nm_bridge_in_bridge(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_bridge_new(NMVIRT_TRISTATE_NO, "0");
    g_autoptr(GPtrArray) profiles = NULL;
    g_autoptr(GError) error = NULL;

    test_map_bridge_member_new(def, NMVIRT_IFACE_TYPE_BRIDGE, "br1");
    profiles = nmvirt_map_to_nm(def, &error);
    g_assert_null(profiles);
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML);
    g_assert_nonnull(strstr(error->message, "'br1'"));
}

static NMConnection *
test_map_bridge_foreign_port_new(const char *ifname, const char *master, const char *slave_type)
{
    g_autofree char *id = g_strdup_printf("bridge-slave-%s", ifname != NULL ? ifname : "mac-only");
    NMConnection *connection = nmvirt_test_profile_new("802-3-ethernet", id, ifname);

    g_object_set(nm_connection_get_setting_connection(connection), NM_SETTING_CONNECTION_MASTER,
                 master, NM_SETTING_CONNECTION_SLAVE_TYPE, slave_type, NULL);
    nm_connection_add_setting(connection, nm_setting_wired_new());
    if (g_str_equal(slave_type, "bridge"))
        nm_connection_add_setting(connection, nm_setting_bridge_port_new());
    return connection;
}

/* nmcli connection add type bridge ifname br0; nmcli connection add type
 * ethernet ifname eth1 master br0 (stored by UUID) ... */
static GPtrArray *
test_map_bridge_foreign_bridge_new(void)
{
    NMConnection *bridge = nmvirt_test_profile_new("bridge", "bridge-br0", "br0");
    const char *uuid = nm_connection_get_uuid(bridge);

    nm_connection_add_setting(bridge, nm_setting_bridge_new());
    nmvirt_test_profile_add_ip(bridge, "auto", "auto");
    nm_connection_add_setting(bridge, nm_setting_proxy_new());
    return nmvirt_test_profile_array_new(
        bridge, test_map_bridge_foreign_port_new("eth1", uuid, "bridge"),
        test_map_bridge_foreign_port_new("eth0", "br0", "bridge"),
        /* not ours: another bridge, or the wrong slave type */
        test_map_bridge_foreign_port_new("eth2", "br1", "bridge"),
        test_map_bridge_foreign_port_new("eth3", "br0", "bond"), NULL);
}

static void
test_map_bridge_from_nm_foreign(void)
{
    g_autoptr(GPtrArray) profiles = test_map_bridge_foreign_bridge_new();
    g_autoptr(NmvirtIfaceDef) expected = test_map_bridge_new(NMVIRT_TRISTATE_YES, "15");

    for (guint i = 0; i < profiles->len; i++)
        g_assert_true(nm_connection_verify(g_ptr_array_index(profiles, i), NULL));
    expected->ipv4 = nmvirt_proto_def_new(NMVIRT_IP_FAMILY_IPV4);
    expected->ipv4->dhcp = TRUE;
    expected->ipv6 = nmvirt_proto_def_new(NMVIRT_IP_FAMILY_IPV6);
    expected->ipv6->autoconf = TRUE;
    /* Without nmvirt.port-order: sorted by name. */
    test_map_bridge_member_new(expected, NMVIRT_IFACE_TYPE_ETHERNET, "eth0");
    test_map_bridge_member_new(expected, NMVIRT_IFACE_TYPE_ETHERNET, "eth1");
    nmvirt_test_map_assert_from_nm(profiles, expected);
}

/* Two profiles for one port: the one NetworkManager would pick wins. */
static void
test_map_bridge_from_nm_port_choice(void)
{
    g_autoptr(GPtrArray) profiles = test_map_bridge_foreign_bridge_new();
    g_autoptr(NmvirtIfaceDef) expected = test_map_bridge_new(NMVIRT_TRISTATE_YES, "15");
    NMConnection *preferred = test_map_bridge_foreign_port_new("eth0", "br0", "bridge");

    g_object_set(nm_connection_get_setting_connection(preferred),
                 NM_SETTING_CONNECTION_AUTOCONNECT_PRIORITY, 10, NULL);
    g_object_set(nm_connection_get_setting_wired(preferred), NM_SETTING_WIRED_MAC_ADDRESS,
                 "52:54:00:00:00:01", NULL);
    g_ptr_array_add(profiles, preferred);
    expected->ipv4 = nmvirt_proto_def_new(NMVIRT_IP_FAMILY_IPV4);
    expected->ipv4->dhcp = TRUE;
    expected->ipv6 = nmvirt_proto_def_new(NMVIRT_IP_FAMILY_IPV6);
    expected->ipv6->autoconf = TRUE;
    test_map_bridge_member_new(expected, NMVIRT_IFACE_TYPE_ETHERNET, "eth0")->mac =
        g_strdup("52:54:00:00:00:01");
    test_map_bridge_member_new(expected, NMVIRT_IFACE_TYPE_ETHERNET, "eth1");
    nmvirt_test_map_assert_from_nm(profiles, expected);
}

static void
test_map_bridge_from_nm_bridge_in_bridge(void)
{
    g_autoptr(GPtrArray) profiles = test_map_bridge_foreign_bridge_new();
    NMConnection *inner = nmvirt_test_profile_new("bridge", "bridge-br1", "br1");

    g_object_set(nm_connection_get_setting_connection(inner), NM_SETTING_CONNECTION_MASTER, "br0",
                 NM_SETTING_CONNECTION_SLAVE_TYPE, "bridge", NULL);
    nm_connection_add_setting(inner, nm_setting_bridge_new());
    nm_connection_add_setting(inner, nm_setting_bridge_port_new());
    g_ptr_array_add(profiles, inner);
    nmvirt_test_map_assert_from_nm_error(profiles, NMVIRT_ERROR_UNSUPPORTED, "connection.master");
}

static void
test_map_bridge_from_nm_port_without_name(void)
{
    g_autoptr(GPtrArray) profiles = test_map_bridge_foreign_bridge_new();

    g_ptr_array_add(profiles, test_map_bridge_foreign_port_new(NULL, "br0", "bridge"));
    nmvirt_test_map_assert_from_nm_error(profiles, NMVIRT_ERROR_INVALID_PROFILE,
                                         "'bridge-slave-mac-only'");
}

/* Example B of the spec: a bridge over an active-backup bond. */
static void
test_map_bridge_to_nm_xml_example(void)
{
    g_autoptr(GPtrArray) profiles = nmvirt_test_map_xml_round_trip(
        "<interface type='bridge' name='brlan'>\n"
        "  <start mode='onboot'/>\n"
        "  <protocol family='ipv4'>\n"
        "    <dhcp peerdns='no'/>\n"
        "  </protocol>\n"
        "  <bridge stp='off' delay='0'>\n"
        "    <interface type='bond' name='bond0'>\n"
        "      <bond mode='active-backup'>\n"
        "        <miimon freq='100' updelay='200' carrier='netif'/>\n"
        "        <interface type='ethernet' name='eno2'/>\n"
        "        <interface type='ethernet' name='eno1'/>\n"
        "      </bond>\n"
        "    </interface>\n"
        "  </bridge>\n"
        "</interface>\n");
    NMConnection *bridge = g_ptr_array_index(profiles, 0);

    g_assert_cmpuint(profiles->len, ==, 4);
    g_assert_cmpuint(nm_setting_bridge_get_forward_delay(nm_connection_get_setting_bridge(bridge)),
                     ==, 0);
    g_assert_null(nmvirt_map_user_data_get(bridge, "nmvirt.hint.bridge-delay"));
    g_assert_cmpstr(nm_connection_get_id(g_ptr_array_index(profiles, 2)), ==, "bond0-port-eno2");
}

/* What virsh iface-bridge writes: STP on with a zero delay. */
static void
test_map_bridge_to_nm_xml_iface_bridge(void)
{
    g_autoptr(GPtrArray) profiles =
        nmvirt_test_map_xml_round_trip("<interface type='bridge' name='br0'>\n"
                                       "  <start mode='onboot'/>\n"
                                       "  <protocol family='ipv4'>\n"
                                       "    <dhcp/>\n"
                                       "  </protocol>\n"
                                       "  <bridge stp='on' delay='0'>\n"
                                       "    <interface type='ethernet' name='eth0'>\n"
                                       "      <mac address='52:54:00:0a:0b:0c'/>\n"
                                       "    </interface>\n"
                                       "  </bridge>\n"
                                       "</interface>\n");

    g_assert_cmpuint(nm_setting_bridge_get_forward_delay(
                         nm_connection_get_setting_bridge(g_ptr_array_index(profiles, 0))),
                     ==, 2);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/nmvirt/map/to-nm/bridge/ports", test_map_bridge_to_nm_ports);
    g_test_add_func("/nmvirt/map/to-nm/bridge/stp-unset", test_map_bridge_to_nm_stp_unset);
    g_test_add_func("/nmvirt/map/to-nm/bridge/delay-fraction",
                    test_map_bridge_to_nm_delay_fraction);
    g_test_add_func("/nmvirt/map/to-nm/bridge/delay-unset", test_map_bridge_to_nm_delay_unset);
    g_test_add_func("/nmvirt/map/to-nm/bridge/stp-on-delay-zero",
                    test_map_bridge_to_nm_stp_on_delay_zero);
    g_test_add_func("/nmvirt/map/to-nm/bridge/delay-clamped", test_map_bridge_to_nm_delay_clamped);
    g_test_add_func("/nmvirt/map/to-nm/bridge/forward-delay", test_map_bridge_to_nm_forward_delay);
    g_test_add_func("/nmvirt/map/to-nm/bridge/bridge-in-bridge",
                    test_map_bridge_to_nm_bridge_in_bridge);
    g_test_add_func("/nmvirt/map/from-nm/bridge/foreign", test_map_bridge_from_nm_foreign);
    g_test_add_func("/nmvirt/map/from-nm/bridge/port-choice", test_map_bridge_from_nm_port_choice);
    g_test_add_func("/nmvirt/map/from-nm/bridge/bridge-in-bridge",
                    test_map_bridge_from_nm_bridge_in_bridge);
    g_test_add_func("/nmvirt/map/from-nm/bridge/port-without-name",
                    test_map_bridge_from_nm_port_without_name);
    g_test_add_func("/nmvirt/map/to-nm/bridge/xml-example", test_map_bridge_to_nm_xml_example);
    g_test_add_func("/nmvirt/map/to-nm/bridge/xml-iface-bridge",
                    test_map_bridge_to_nm_xml_iface_bridge);
    g_test_add_func("/nmvirt/map/bridge/delay-grammar", test_map_bridge_delay_grammar);
    return g_test_run();
}
