/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "nmvirt-map-private.h"
#include "nmvirt-test-map.h"
/* Bond --------------------------------------------------------------------- */

static NmvirtIfaceDef *
test_map_bond_new(NmvirtBondMode mode)
{
    NmvirtIfaceDef *def = nmvirt_iface_def_new(NMVIRT_IFACE_TYPE_BOND, "bond0");

    def->start_mode = NMVIRT_START_MODE_ONBOOT;
    def->bond.mode = mode;
    return def;
}

static NmvirtIfaceDef *
test_map_bond_member_new(NmvirtIfaceDef *controller, const char *name)
{
    NmvirtIfaceDef *member = nmvirt_iface_def_new(NMVIRT_IFACE_TYPE_ETHERNET, name);

    nmvirt_iface_def_add_member(controller, member);
    return member;
}

static void
test_map_bond_set_miimon(NmvirtIfaceDef *def, guint freq)
{
    def->bond.monitor = NMVIRT_BOND_MONITOR_MIIMON;
    def->bond.miimon_freq = freq;
}

static void
test_map_bond_set_arpmon(NmvirtIfaceDef *def, guint interval, const char *target,
                         NmvirtArpValidate validate)
{
    def->bond.monitor = NMVIRT_BOND_MONITOR_ARPMON;
    def->bond.arp_interval = interval;
    def->bond.arp_target = g_strdup(target);
    def->bond.arp_validate = validate;
}

static NMSettingBond *
test_map_bond_setting(GPtrArray *profiles)
{
    return nm_connection_get_setting_bond(g_ptr_array_index(profiles, 0));
}

static int
test_map_bond_compare_strings(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

/* The bond's options, "name=value" sorted, joined by spaces. */
static char *
test_map_bond_options(GPtrArray *profiles)
{
    NMSettingBond *s_bond = test_map_bond_setting(profiles);
    g_autoptr(GPtrArray) options = g_ptr_array_new_with_free_func(g_free);

    for (guint i = 0; i < nm_setting_bond_get_num_options(s_bond); i++) {
        const char *name = NULL;
        const char *value = NULL;

        g_assert_true(nm_setting_bond_get_option(s_bond, i, &name, &value));
        g_ptr_array_add(options, g_strdup_printf("%s=%s", name, value));
    }
    g_ptr_array_sort(options, test_map_bond_compare_strings);
    g_ptr_array_add(options, NULL);
    return g_strjoinv(" ", (char **)options->pdata);
}

static void
test_map_bond_assert_options(GPtrArray *profiles, const char *expected)
{
    g_autofree char *options = test_map_bond_options(profiles);

    g_assert_cmpstr(options, ==, expected);
}

static void
test_map_bond_to_nm_active_backup(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_bond_new(NMVIRT_BOND_MODE_ACTIVE_BACKUP);
    g_autoptr(GPtrArray) profiles = NULL;
    NMConnection *bond;

    test_map_bond_set_miimon(def, 100);
    def->bond.downdelay = 200;
    def->bond.updelay = 300;
    def->bond.carrier = NMVIRT_BOND_CARRIER_NETIF;
    def->ipv4 = nmvirt_proto_def_new(NMVIRT_IP_FAMILY_IPV4);
    nmvirt_proto_def_add_ip(def->ipv4, "10.20.0.5", TRUE, 16);
    test_map_bond_member_new(def, "eth2")->mac = g_strdup("52:54:00:00:00:02");
    test_map_bond_member_new(def, "eth1");
    profiles = nmvirt_test_map_to_nm(def);
    g_assert_cmpuint(profiles->len, ==, 3);
    bond = g_ptr_array_index(profiles, 0);
    g_assert_cmpstr(nm_connection_get_connection_type(bond), ==, "bond");
    g_assert_cmpstr(nm_connection_get_uuid(bond), ==, "9227aaa2-937a-593a-87e9-18ef159477d8");
    g_assert_cmpint(
        nm_setting_connection_get_autoconnect_slaves(nm_connection_get_setting_connection(bond)),
        ==, NM_SETTING_CONNECTION_AUTOCONNECT_SLAVES_YES);
    /* No MTU: no 802-3-ethernet setting on the bond. */
    g_assert_null(nm_connection_get_setting_wired(bond));
    test_map_bond_assert_options(profiles,
                                 "downdelay=200 miimon=100 mode=active-backup primary=eth2 "
                                 "updelay=300 use_carrier=1");

    for (guint i = 1; i < profiles->len; i++) {
        NMConnection *member = g_ptr_array_index(profiles, i);
        NMSettingConnection *s_con = nm_connection_get_setting_connection(member);
        g_autofree char *order = g_strdup_printf("%u", i - 1);

        g_assert_cmpstr(nm_setting_connection_get_connection_type(s_con), ==, "802-3-ethernet");
        g_assert_cmpstr(nm_setting_connection_get_master(s_con), ==, "bond0");
        g_assert_cmpstr(nm_setting_connection_get_slave_type(s_con), ==, "bond");
        g_assert_true(nm_setting_connection_get_autoconnect(s_con));
        g_assert_cmpstr(nmvirt_map_user_data_get(member, "nmvirt.port-order"), ==, order);
        g_assert_cmpstr(nmvirt_map_user_data_get(member, "nmvirt.interface"), ==, "bond0");
        g_assert_null(nm_connection_get_setting_bridge_port(member));
        g_assert_null(nm_connection_get_setting_ip4_config(member));
        g_assert_null(nm_connection_get_setting_ip6_config(member));
        g_assert_null(nm_connection_get_setting_proxy(member));
    }
    g_assert_cmpstr(nm_connection_get_id(g_ptr_array_index(profiles, 1)), ==, "bond0-port-eth2");
    nmvirt_test_map_assert_from_nm(profiles, def);
}

static void
test_map_bond_to_nm_mode_unset(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_bond_new(NMVIRT_BOND_MODE_UNSET);
    g_autoptr(NmvirtIfaceDef) expected = test_map_bond_new(NMVIRT_BOND_MODE_BALANCE_XOR);
    g_autoptr(GPtrArray) profiles = NULL;
    NMConnection *bond;

    test_map_bond_set_miimon(def, 100);
    test_map_bond_set_miimon(expected, 100);
    test_map_bond_member_new(def, "eth0");
    test_map_bond_member_new(expected, "eth0");
    profiles = nmvirt_test_map_to_nm(def);
    bond = g_ptr_array_index(profiles, 0);
    test_map_bond_assert_options(profiles, "miimon=100 mode=balance-rr");
    g_assert_cmpstr(nmvirt_map_user_data_get(bond, "nmvirt.hint.bond-mode"), ==, "unset");
    g_assert_cmpstr(nmvirt_map_user_data_get(bond, "nmvirt.hint.bond-mode.nm"), ==, "balance-rr");
    nmvirt_test_map_assert_from_nm(profiles, def);

    /* nmcli connection modify bond0 bond.options mode=balance-xor,miimon=100 */
    g_assert_true(
        nm_setting_bond_add_option(test_map_bond_setting(profiles), "mode", "balance-xor"));
    nmvirt_test_map_assert_from_nm(profiles, expected);
}

static void
test_map_bond_to_nm_no_monitor(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_bond_new(NMVIRT_BOND_MODE_802_3AD);
    g_autoptr(GPtrArray) profiles = NULL;

    test_map_bond_member_new(def, "eth0");
    profiles = nmvirt_test_map_to_nm(def);
    /* The kernel default: no link monitoring (NetworkManager would use 100). */
    test_map_bond_assert_options(profiles, "miimon=0 mode=802.3ad");
    nmvirt_test_map_assert_from_nm(profiles, def);
}

static void
test_map_bond_to_nm_carrier_ioctl(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_bond_new(NMVIRT_BOND_MODE_BALANCE_XOR);
    g_autoptr(GPtrArray) profiles = NULL;

    test_map_bond_set_miimon(def, 50);
    def->bond.carrier = NMVIRT_BOND_CARRIER_IOCTL;
    test_map_bond_member_new(def, "eth0");
    profiles = nmvirt_test_map_to_nm(def);
    test_map_bond_assert_options(profiles, "miimon=50 mode=balance-xor use_carrier=0");
    nmvirt_test_map_assert_from_nm(profiles, def);
}

static void
test_map_bond_to_nm_arpmon(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_bond_new(NMVIRT_BOND_MODE_ACTIVE_BACKUP);
    g_autoptr(NmvirtIfaceDef) xor = test_map_bond_new(NMVIRT_BOND_MODE_BALANCE_XOR);
    g_autoptr(GPtrArray) profiles = NULL;

    test_map_bond_set_arpmon(def, 1000, "192.0.2.1", NMVIRT_ARP_VALIDATE_ALL);
    test_map_bond_member_new(def, "eth0");
    test_map_bond_member_new(def, "eth1");
    profiles = nmvirt_test_map_to_nm(def);
    test_map_bond_assert_options(profiles,
                                 "arp_interval=1000 arp_ip_target=192.0.2.1 arp_validate=all "
                                 "miimon=0 mode=active-backup primary=eth0");
    nmvirt_test_map_assert_from_nm(profiles, def);
    g_clear_pointer(&profiles, g_ptr_array_unref);

    test_map_bond_set_arpmon(xor, 500, "192.0.2.2", NMVIRT_ARP_VALIDATE_UNSET);
    test_map_bond_member_new(xor, "eth0");
    profiles = nmvirt_test_map_to_nm(xor);
    test_map_bond_assert_options(profiles, "arp_interval=500 arp_ip_target=192.0.2.2 miimon=0 "
                                           "mode=balance-xor");
    nmvirt_test_map_assert_from_nm(profiles, xor);
}

static void
test_map_bond_to_nm_arpmon_unsupported(void)
{
    static const NmvirtBondMode modes[] = {
        NMVIRT_BOND_MODE_802_3AD,
        NMVIRT_BOND_MODE_BALANCE_TLB,
        NMVIRT_BOND_MODE_BALANCE_ALB,
    };

    for (guint i = 0; i < G_N_ELEMENTS(modes); i++) {
        g_autoptr(NmvirtIfaceDef) def = test_map_bond_new(modes[i]);
        g_autoptr(GPtrArray) profiles = NULL;
        g_autoptr(GError) error = NULL;
        g_autofree char *mode = g_strdup_printf("'%s'", nmvirt_bond_mode_to_string(modes[i]));

        test_map_bond_set_arpmon(def, 1000, "192.0.2.1", NMVIRT_ARP_VALIDATE_UNSET);
        test_map_bond_member_new(def, "eth0");
        profiles = nmvirt_map_to_nm(def, &error);
        g_assert_null(profiles);
        g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_UNSUPPORTED);
        g_assert_nonnull(strstr(error->message, "'bond0'"));
        g_assert_nonnull(strstr(error->message, mode));
    }
}

static void
test_map_bond_to_nm_mtu(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_bond_new(NMVIRT_BOND_MODE_BALANCE_RR);
    g_autoptr(GPtrArray) profiles = NULL;

    test_map_bond_set_miimon(def, 100);
    def->mtu = 9000;
    test_map_bond_member_new(def, "eth0");
    profiles = nmvirt_test_map_to_nm(def);
    for (guint i = 0; i < profiles->len; i++) {
        NMSettingWired *s_wired = nm_connection_get_setting_wired(g_ptr_array_index(profiles, i));

        g_assert_nonnull(s_wired);
        g_assert_cmpuint(nm_setting_wired_get_mtu(s_wired), ==, 9000);
    }
    nmvirt_test_map_assert_from_nm(profiles, def);
}

/* Merge applies to an existing profile: options without XML words stay. */
static void
test_map_bond_to_nm_apply_keeps_options(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_bond_new(NMVIRT_BOND_MODE_BALANCE_XOR);
    g_autoptr(GPtrArray) profiles = NULL;
    g_autoptr(GError) error = NULL;
    NmvirtMapPlace place = { def, NULL, 0 };

    test_map_bond_set_arpmon(def, 1000, "192.0.2.1", NMVIRT_ARP_VALIDATE_UNSET);
    profiles = nmvirt_test_map_to_nm(def);
    g_assert_true(nm_setting_bond_add_option(test_map_bond_setting(profiles), "xmit_hash_policy",
                                             "layer3+4"));

    test_map_bond_set_miimon(def, 100);
    g_assert_true(nmvirt_map_apply(g_ptr_array_index(profiles, 0), def, &place, &error));
    g_assert_no_error(error);
    test_map_bond_assert_options(profiles, "miimon=100 mode=balance-xor xmit_hash_policy=layer3+4");
    nmvirt_test_assert_profiles_normalized(profiles);
}

static NMConnection *
test_map_bond_foreign_member_new(const char *ifname, const char *master)
{
    g_autofree char *id = g_strdup_printf("bond-slave-%s", ifname);
    NMConnection *connection = nmvirt_test_profile_new("802-3-ethernet", id, ifname);

    g_object_set(nm_connection_get_setting_connection(connection), NM_SETTING_CONNECTION_MASTER,
                 master, NM_SETTING_CONNECTION_SLAVE_TYPE, "bond", NULL);
    nm_connection_add_setting(connection, nm_setting_wired_new());
    return connection;
}

/* nmcli connection add type bond ifname bond0 bond.options mode=1,primary=eth1 */
static GPtrArray *
test_map_bond_foreign_bond_new(const char *mode)
{
    NMConnection *bond = nmvirt_test_profile_new("bond", "bond-bond0", "bond0");
    NMSettingBond *s_bond = NM_SETTING_BOND(nm_setting_bond_new());

    g_assert_true(nm_setting_bond_add_option(s_bond, "mode", mode));
    nm_connection_add_setting(bond, NM_SETTING(s_bond));
    nmvirt_test_profile_add_ip(bond, "auto", "ignore");
    return nmvirt_test_profile_array_new(
        bond, test_map_bond_foreign_member_new("eth0", "bond0"),
        test_map_bond_foreign_member_new("eth1", nm_connection_get_uuid(bond)), NULL);
}

static void
test_map_bond_from_nm_numeric_mode(void)
{
    g_autoptr(GPtrArray) profiles = test_map_bond_foreign_bond_new("1");
    g_autoptr(NmvirtIfaceDef) expected = test_map_bond_new(NMVIRT_BOND_MODE_ACTIVE_BACKUP);

    g_assert_true(nm_setting_bond_add_option(test_map_bond_setting(profiles), "primary", "eth1"));
    for (guint i = 0; i < profiles->len; i++)
        g_assert_true(nm_connection_verify(g_ptr_array_index(profiles, i), NULL));
    expected->ipv4 = nmvirt_proto_def_new(NMVIRT_IP_FAMILY_IPV4);
    expected->ipv4->dhcp = TRUE;
    /* No monitor option: NetworkManager applies miimon=100. */
    test_map_bond_set_miimon(expected, 100);
    /* The primary first, then by name. */
    test_map_bond_member_new(expected, "eth1");
    test_map_bond_member_new(expected, "eth0");
    nmvirt_test_map_assert_from_nm(profiles, expected);
}

static void
test_map_bond_from_nm_numeric_modes(void)
{
    for (guint i = 0; i <= 6; i++) {
        g_autofree char *mode = g_strdup_printf("%u", i);
        g_autoptr(GPtrArray) profiles = test_map_bond_foreign_bond_new(mode);
        g_autoptr(GError) error = NULL;
        g_autoptr(NmvirtIfaceDef) def =
            nmvirt_map_from_nm(g_ptr_array_index(profiles, 0), profiles, &error);

        g_assert_no_error(error);
        g_assert_cmpint(def->bond.mode, ==, NMVIRT_BOND_MODE_BALANCE_RR + i);
    }
}

static void
test_map_bond_from_nm_several_targets(void)
{
    g_autoptr(GPtrArray) profiles = test_map_bond_foreign_bond_new("active-backup");
    NMSettingBond *s_bond = test_map_bond_setting(profiles);

    g_assert_true(nm_setting_bond_add_option(s_bond, "arp_interval", "100"));
    g_assert_true(nm_setting_bond_add_option(s_bond, "arp_ip_target", "192.0.2.1,192.0.2.2"));
    g_assert_true(nm_connection_verify(g_ptr_array_index(profiles, 0), NULL));
    nmvirt_test_map_assert_from_nm_error(profiles, NMVIRT_ERROR_UNSUPPORTED, "arp_ip_target");
}

static void
test_map_bond_from_nm_arp_validate_filter(void)
{
    g_autoptr(GPtrArray) profiles = test_map_bond_foreign_bond_new("active-backup");
    NMSettingBond *s_bond = test_map_bond_setting(profiles);

    g_assert_true(nm_setting_bond_add_option(s_bond, "arp_interval", "100"));
    g_assert_true(nm_setting_bond_add_option(s_bond, "arp_ip_target", "192.0.2.1"));
    g_assert_true(nm_setting_bond_add_option(s_bond, "arp_validate", "filter"));
    nmvirt_test_map_assert_from_nm_error(profiles, NMVIRT_ERROR_UNSUPPORTED,
                                         "arp_validate='filter'");
}

static void
test_map_bond_from_nm_vlan_member(void)
{
    g_autoptr(GPtrArray) profiles = test_map_bond_foreign_bond_new("balance-rr");
    NMConnection *vlan = nmvirt_test_profile_new("vlan", "vlan-member", "eth0.5");
    NMSetting *s_vlan = nm_setting_vlan_new();

    g_object_set(s_vlan, NM_SETTING_VLAN_ID, 5, NM_SETTING_VLAN_PARENT, "eth0", NULL);
    nm_connection_add_setting(vlan, s_vlan);
    g_object_set(nm_connection_get_setting_connection(vlan), NM_SETTING_CONNECTION_MASTER, "bond0",
                 NM_SETTING_CONNECTION_SLAVE_TYPE, "bond", NULL);
    g_ptr_array_add(profiles, vlan);
    nmvirt_test_map_assert_from_nm_error(profiles, NMVIRT_ERROR_UNSUPPORTED, "'vlan-member'");
}

/* nmcli connection modify bond0 +bond.options primary=eth1: eth1 leads. */
static void
test_map_bond_from_nm_primary_changed(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_bond_new(NMVIRT_BOND_MODE_ACTIVE_BACKUP);
    g_autoptr(NmvirtIfaceDef) expected = test_map_bond_new(NMVIRT_BOND_MODE_ACTIVE_BACKUP);
    g_autoptr(GPtrArray) profiles = NULL;

    test_map_bond_set_miimon(def, 100);
    test_map_bond_set_miimon(expected, 100);
    test_map_bond_member_new(def, "eth0");
    test_map_bond_member_new(def, "eth1");
    test_map_bond_member_new(def, "eth2");
    test_map_bond_member_new(expected, "eth1");
    test_map_bond_member_new(expected, "eth0");
    test_map_bond_member_new(expected, "eth2");
    profiles = nmvirt_test_map_to_nm(def);
    g_assert_true(nm_setting_bond_add_option(test_map_bond_setting(profiles), "primary", "eth1"));
    nmvirt_test_map_assert_from_nm(profiles, expected);
}

/* Example C of the spec: an 802.3ad bond with the host address. */
static void
test_map_bond_to_nm_xml_example(void)
{
    g_autoptr(GPtrArray) profiles =
        nmvirt_test_map_xml_round_trip("<interface type='bond' name='bond1'>\n"
                                       "  <start mode='none'/>\n"
                                       "  <protocol family='ipv4'>\n"
                                       "    <ip address='10.20.0.5' prefix='16'/>\n"
                                       "  </protocol>\n"
                                       "  <protocol family='ipv6'/>\n"
                                       "  <bond mode='802.3ad'>\n"
                                       "    <miimon freq='100'/>\n"
                                       "    <interface type='ethernet' name='ens1f0'/>\n"
                                       "    <interface type='ethernet' name='ens1f1'/>\n"
                                       "  </bond>\n"
                                       "</interface>\n");

    g_assert_cmpuint(profiles->len, ==, 3);
    test_map_bond_assert_options(profiles, "miimon=100 mode=802.3ad");
}

static void
test_map_bond_to_nm_xml_arpmon(void)
{
    g_autoptr(GPtrArray) profiles = nmvirt_test_map_xml_round_trip(
        "<interface type='bond' name='bond0'>\n"
        "  <start mode='onboot'/>\n"
        "  <bond mode='active-backup'>\n"
        "    <arpmon interval='100' target='192.0.2.1' validate='backup'/>\n"
        "    <interface type='ethernet' name='eth1'/>\n"
        "    <interface type='ethernet' name='eth0'/>\n"
        "  </bond>\n"
        "</interface>\n");

    test_map_bond_assert_options(profiles,
                                 "arp_interval=100 arp_ip_target=192.0.2.1 arp_validate=backup "
                                 "miimon=0 mode=active-backup primary=eth1");
}

/* A monitor that runs every 0 ms is no monitor: it would read back without
 * <miimon> or <arpmon>, so a model built in code with it is refused. */
static void
test_map_bond_to_nm_monitor_zero(void)
{
    for (guint i = 0; i < 2; i++) {
        g_autoptr(NmvirtIfaceDef) def = test_map_bond_new(NMVIRT_BOND_MODE_ACTIVE_BACKUP);
        g_autoptr(GPtrArray) profiles = NULL;
        g_autoptr(GError) error = NULL;

        test_map_bond_member_new(def, "eth0");
        if (i == 0)
            test_map_bond_set_miimon(def, 0);
        else
            test_map_bond_set_arpmon(def, 0, "192.0.2.1", NMVIRT_ARP_VALIDATE_UNSET);
        profiles = nmvirt_map_to_nm(def, &error);
        g_assert_null(profiles);
        g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML);
        g_assert_nonnull(strstr(error->message, "expected a positive number of milliseconds"));
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/nmvirt/map/to-nm/bond/active-backup", test_map_bond_to_nm_active_backup);
    g_test_add_func("/nmvirt/map/to-nm/bond/mode-unset", test_map_bond_to_nm_mode_unset);
    g_test_add_func("/nmvirt/map/to-nm/bond/no-monitor", test_map_bond_to_nm_no_monitor);
    g_test_add_func("/nmvirt/map/to-nm/bond/carrier-ioctl", test_map_bond_to_nm_carrier_ioctl);
    g_test_add_func("/nmvirt/map/to-nm/bond/arpmon", test_map_bond_to_nm_arpmon);
    g_test_add_func("/nmvirt/map/to-nm/bond/arpmon-unsupported",
                    test_map_bond_to_nm_arpmon_unsupported);
    g_test_add_func("/nmvirt/map/to-nm/bond/mtu", test_map_bond_to_nm_mtu);
    g_test_add_func("/nmvirt/map/to-nm/bond/apply-keeps-options",
                    test_map_bond_to_nm_apply_keeps_options);
    g_test_add_func("/nmvirt/map/from-nm/bond/numeric-mode", test_map_bond_from_nm_numeric_mode);
    g_test_add_func("/nmvirt/map/from-nm/bond/numeric-modes", test_map_bond_from_nm_numeric_modes);
    g_test_add_func("/nmvirt/map/from-nm/bond/several-targets",
                    test_map_bond_from_nm_several_targets);
    g_test_add_func("/nmvirt/map/from-nm/bond/arp-validate-filter",
                    test_map_bond_from_nm_arp_validate_filter);
    g_test_add_func("/nmvirt/map/from-nm/bond/vlan-member", test_map_bond_from_nm_vlan_member);
    g_test_add_func("/nmvirt/map/from-nm/bond/primary-changed",
                    test_map_bond_from_nm_primary_changed);
    g_test_add_func("/nmvirt/map/to-nm/bond/monitor-zero", test_map_bond_to_nm_monitor_zero);
    g_test_add_func("/nmvirt/map/to-nm/bond/xml-example", test_map_bond_to_nm_xml_example);
    g_test_add_func("/nmvirt/map/to-nm/bond/xml-arpmon", test_map_bond_to_nm_xml_arpmon);
    return g_test_run();
}
