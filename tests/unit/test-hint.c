/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <sys/socket.h>

#include "nmvirt-map-private.h"
#include "nmvirt-test-map.h"

/* The user-data mechanism ---------------------------------------------------- */

static void
test_hint_set_get(void)
{
    g_autoptr(NMConnection) connection = nm_simple_connection_new();
    g_autoptr(GError) error = NULL;
    NMSettingUser *s_user;

    g_assert_true(nmvirt_map_hint_set(connection, "bridge-delay", "0.01", "0", &error));
    g_assert_no_error(error);
    s_user = NM_SETTING_USER(nm_connection_get_setting(connection, NM_TYPE_SETTING_USER));
    g_assert_nonnull(s_user);
    g_assert_cmpstr(nm_setting_user_get_data(s_user, "nmvirt.hint.bridge-delay"), ==, "0.01");
    g_assert_cmpstr(nm_setting_user_get_data(s_user, "nmvirt.hint.bridge-delay.nm"), ==, "0");

    g_assert_cmpstr(nmvirt_map_hint_get(connection, "bridge-delay", "0"), ==, "0.01");
    /* The NetworkManager value changed since: the hint no longer applies. */
    g_assert_null(nmvirt_map_hint_get(connection, "bridge-delay", "10"));
    g_assert_null(nmvirt_map_hint_get(connection, "bridge-stp", "no"));
}

/* A hint without its recorded NetworkManager value never applies. */
static void
test_hint_without_nm_value(void)
{
    g_autoptr(NMConnection) connection = nm_simple_connection_new();
    g_autoptr(GError) error = NULL;

    g_assert_true(nmvirt_map_user_data_set(connection, "nmvirt.hint.start", "hotplug", &error));
    g_assert_no_error(error);
    g_assert_null(nmvirt_map_hint_get(connection, "start", "yes"));
    g_assert_null(nmvirt_map_hint_get(connection, "start", NULL));
}

static void
test_hint_clear_all(void)
{
    g_autoptr(NMConnection) connection = nm_simple_connection_new();
    g_autoptr(GError) error = NULL;
    NMSettingUser *s_user;
    guint n_keys = 0;

    g_assert_true(nmvirt_map_hint_set(connection, "start", "unset", "yes", &error));
    g_assert_true(nmvirt_map_hint_set(connection, "bond-mode", "unset", "balance-rr", &error));
    g_assert_true(nmvirt_map_user_data_set(connection, "nmvirt.interface", "br0", &error));
    g_assert_true(nmvirt_map_user_data_set(connection, "other.hint.start", "kept", &error));
    g_assert_no_error(error);
    nmvirt_map_hint_clear_all(connection);

    s_user = NM_SETTING_USER(nm_connection_get_setting(connection, NM_TYPE_SETTING_USER));
    nm_setting_user_get_keys(s_user, &n_keys);
    g_assert_cmpuint(n_keys, ==, 2);
    g_assert_cmpstr(nm_setting_user_get_data(s_user, "nmvirt.interface"), ==, "br0");
    g_assert_cmpstr(nm_setting_user_get_data(s_user, "other.hint.start"), ==, "kept");
}

/* Removing user data never adds an empty user setting. */
static void
test_hint_remove_without_setting(void)
{
    g_autoptr(NMConnection) connection = nm_simple_connection_new();
    g_autoptr(GError) error = NULL;

    g_assert_true(nmvirt_map_user_data_set(connection, "nmvirt.port-order", NULL, &error));
    g_assert_no_error(error);
    g_assert_null(nm_connection_get_setting(connection, NM_TYPE_SETTING_USER));
    nmvirt_map_hint_clear_all(connection);
    g_assert_null(nm_connection_get_setting(connection, NM_TYPE_SETTING_USER));
}

/* Every hint of the README table ----------------------------------------------
 *
 * Each case builds three models: the document (TEST_HINT_XML), which must
 * read back as itself; what the same NetworkManager values read as without
 * the hint (TEST_HINT_PLAIN); and what the profile reads as after `mutate`
 * changed the real NetworkManager property the way nmcli would
 * (TEST_HINT_MUTATED): the hint no longer describes the profile and must
 * not be used. */

typedef enum {
    TEST_HINT_XML,
    TEST_HINT_PLAIN,
    TEST_HINT_MUTATED,
} TestHintStage;

typedef struct {
    const char *name;
    const char *key; /* the hint written */
    NmvirtIfaceDef *(*build)(TestHintStage stage);
    void (*mutate)(NMConnection *connection);
} TestHintCase;

static NmvirtIfaceDef *
test_hint_ethernet_new(void)
{
    NmvirtIfaceDef *def = nmvirt_iface_def_new(NMVIRT_IFACE_TYPE_ETHERNET, "eth0");

    def->start_mode = NMVIRT_START_MODE_ONBOOT;
    return def;
}

static NmvirtIfaceDef *
test_hint_build_start(TestHintStage stage, NmvirtStartMode mode)
{
    NmvirtIfaceDef *def = test_hint_ethernet_new();

    if (stage == TEST_HINT_XML)
        def->start_mode = mode;
    else if (stage == TEST_HINT_MUTATED)
        def->start_mode = NMVIRT_START_MODE_NONE;
    return def;
}

static NmvirtIfaceDef *
test_hint_build_start_hotplug(TestHintStage stage)
{
    return test_hint_build_start(stage, NMVIRT_START_MODE_HOTPLUG);
}

static NmvirtIfaceDef *
test_hint_build_start_unset(TestHintStage stage)
{
    return test_hint_build_start(stage, NMVIRT_START_MODE_UNSET);
}

static void
test_hint_mutate_autoconnect(NMConnection *connection)
{
    g_object_set(nm_connection_get_setting_connection(connection),
                 NM_SETTING_CONNECTION_AUTOCONNECT, FALSE, NULL);
}

static NmvirtIfaceDef *
test_hint_bridge_new(NmvirtTristate stp, const char *delay)
{
    NmvirtIfaceDef *def = nmvirt_iface_def_new(NMVIRT_IFACE_TYPE_BRIDGE, "br0");
    NmvirtIfaceDef *port = nmvirt_iface_def_new(NMVIRT_IFACE_TYPE_ETHERNET, "eth0");

    def->start_mode = NMVIRT_START_MODE_ONBOOT;
    def->stp = stp;
    def->delay = g_strdup(delay);
    nmvirt_iface_def_add_member(def, port);
    return def;
}

static NmvirtIfaceDef *
test_hint_build_bridge_stp(TestHintStage stage)
{
    if (stage == TEST_HINT_MUTATED)
        return test_hint_bridge_new(NMVIRT_TRISTATE_YES, "15");
    return test_hint_bridge_new(stage == TEST_HINT_XML ? NMVIRT_TRISTATE_UNSET : NMVIRT_TRISTATE_NO,
                                "15");
}

static void
test_hint_mutate_stp_on(NMConnection *connection)
{
    g_object_set(nm_connection_get_setting_bridge(connection), NM_SETTING_BRIDGE_STP, TRUE, NULL);
}

static void
test_hint_mutate_stp_off(NMConnection *connection)
{
    g_object_set(nm_connection_get_setting_bridge(connection), NM_SETTING_BRIDGE_STP, FALSE, NULL);
}

static void
test_hint_mutate_forward_delay(NMConnection *connection)
{
    g_object_set(nm_connection_get_setting_bridge(connection), NM_SETTING_BRIDGE_FORWARD_DELAY, 10,
                 NULL);
}

static NmvirtIfaceDef *
test_hint_build_bridge_delay(TestHintStage stage)
{
    const char *delay[] = { "0.01", "0", "10" };

    return test_hint_bridge_new(NMVIRT_TRISTATE_NO, delay[stage]);
}

static NmvirtIfaceDef *
test_hint_build_bridge_delay_unset(TestHintStage stage)
{
    const char *delay[] = { NULL, "15", "10" };

    return test_hint_bridge_new(NMVIRT_TRISTATE_NO, delay[stage]);
}

/* stp='on' delay='0' stores 2; with STP turned off in nmcli, re-applying 0
 * would give 0, not the stored 2: the delay reads back as 2. */
static NmvirtIfaceDef *
test_hint_build_bridge_stp_on_delay_zero(TestHintStage stage)
{
    if (stage == TEST_HINT_MUTATED)
        return test_hint_bridge_new(NMVIRT_TRISTATE_NO, "2");
    return test_hint_bridge_new(NMVIRT_TRISTATE_YES, stage == TEST_HINT_XML ? "0" : "2");
}

/* The same for a fraction: 0.4 with STP on stores 2, 0.4 without gives 0. */
static NmvirtIfaceDef *
test_hint_build_bridge_stp_on_delay_fraction(TestHintStage stage)
{
    if (stage == TEST_HINT_MUTATED)
        return test_hint_bridge_new(NMVIRT_TRISTATE_NO, "2");
    return test_hint_bridge_new(NMVIRT_TRISTATE_YES, stage == TEST_HINT_XML ? "0.4" : "2");
}

static NmvirtIfaceDef *
test_hint_build_bond_mode(TestHintStage stage)
{
    NmvirtIfaceDef *def = nmvirt_iface_def_new(NMVIRT_IFACE_TYPE_BOND, "bond0");
    const NmvirtBondMode mode[] = { NMVIRT_BOND_MODE_UNSET, NMVIRT_BOND_MODE_BALANCE_RR,
                                    NMVIRT_BOND_MODE_BALANCE_XOR };

    def->start_mode = NMVIRT_START_MODE_ONBOOT;
    def->bond.mode = mode[stage];
    nmvirt_iface_def_add_member(def, nmvirt_iface_def_new(NMVIRT_IFACE_TYPE_ETHERNET, "eth0"));
    return def;
}

static void
test_hint_mutate_bond_mode(NMConnection *connection)
{
    g_assert_true(nm_setting_bond_add_option(nm_connection_get_setting_bond(connection),
                                             NM_SETTING_BOND_OPTION_MODE, "balance-xor"));
}

static NmvirtIfaceDef *
test_hint_build_peerdns(NmvirtIpFamily family, TestHintStage stage)
{
    NmvirtIfaceDef *def = test_hint_ethernet_new();
    NmvirtProtoDef *proto = nmvirt_proto_def_new(family);
    const NmvirtTristate peerdns[] = { NMVIRT_TRISTATE_YES, NMVIRT_TRISTATE_UNSET,
                                       NMVIRT_TRISTATE_NO };

    proto->dhcp = TRUE;
    proto->peerdns = peerdns[stage];
    if (family == NMVIRT_IP_FAMILY_IPV4)
        def->ipv4 = proto;
    else
        def->ipv6 = proto;
    return def;
}

static NmvirtIfaceDef *
test_hint_build_ipv4_peerdns(TestHintStage stage)
{
    return test_hint_build_peerdns(NMVIRT_IP_FAMILY_IPV4, stage);
}

static NmvirtIfaceDef *
test_hint_build_ipv6_peerdns(TestHintStage stage)
{
    return test_hint_build_peerdns(NMVIRT_IP_FAMILY_IPV6, stage);
}

static void
test_hint_mutate_ipv4_ignore_auto_dns(NMConnection *connection)
{
    g_object_set(nm_connection_get_setting_ip4_config(connection),
                 NM_SETTING_IP_CONFIG_IGNORE_AUTO_DNS, TRUE, NULL);
}

static void
test_hint_mutate_ipv6_ignore_auto_dns(NMConnection *connection)
{
    g_object_set(nm_connection_get_setting_ip6_config(connection),
                 NM_SETTING_IP_CONFIG_IGNORE_AUTO_DNS, TRUE, NULL);
}

static NmvirtIfaceDef *
test_hint_build_ipv4_no_prefix(TestHintStage stage)
{
    NmvirtIfaceDef *def = test_hint_ethernet_new();

    def->ipv4 = nmvirt_proto_def_new(NMVIRT_IP_FAMILY_IPV4);
    nmvirt_proto_def_add_ip(def->ipv4, "192.0.2.5", stage != TEST_HINT_XML,
                            stage == TEST_HINT_MUTATED ? 16 : 24);
    return def;
}

static NmvirtIfaceDef *
test_hint_build_ipv6_no_prefix(TestHintStage stage)
{
    NmvirtIfaceDef *def = test_hint_ethernet_new();

    def->ipv6 = nmvirt_proto_def_new(NMVIRT_IP_FAMILY_IPV6);
    nmvirt_proto_def_add_ip(def->ipv6, "2001:db8::5", stage != TEST_HINT_XML,
                            stage == TEST_HINT_MUTATED ? 48 : 64);
    return def;
}

/* `nmcli connection modify eth0 ipvX.addresses ADDRESS/PREFIX` */
static void
test_hint_mutate_address(NMConnection *connection, NMSettingIPConfig *s_ip, int family,
                         const char *address, guint prefix)
{
    g_autoptr(NMIPAddress) nm_address = nm_ip_address_new(family, address, prefix, NULL);

    nm_setting_ip_config_clear_addresses(s_ip);
    g_assert_true(nm_setting_ip_config_add_address(s_ip, nm_address));
}

static void
test_hint_mutate_ipv4_address(NMConnection *connection)
{
    test_hint_mutate_address(connection,
                             NM_SETTING_IP_CONFIG(nm_connection_get_setting_ip4_config(connection)),
                             AF_INET, "192.0.2.5", 16);
}

static void
test_hint_mutate_ipv6_address(NMConnection *connection)
{
    test_hint_mutate_address(connection,
                             NM_SETTING_IP_CONFIG(nm_connection_get_setting_ip6_config(connection)),
                             AF_INET6, "2001:db8::5", 48);
}

static NmvirtIfaceDef *
test_hint_build_ipv6_dhcp(TestHintStage stage)
{
    NmvirtIfaceDef *def = test_hint_ethernet_new();

    def->ipv6 = nmvirt_proto_def_new(NMVIRT_IP_FAMILY_IPV6);
    def->ipv6->autoconf = stage != TEST_HINT_MUTATED;
    def->ipv6->dhcp = stage != TEST_HINT_PLAIN;
    return def;
}

static void
test_hint_mutate_ipv6_method(NMConnection *connection)
{
    g_object_set(nm_connection_get_setting_ip6_config(connection), NM_SETTING_IP_CONFIG_METHOD,
                 NM_SETTING_IP6_CONFIG_METHOD_DHCP, NULL);
}

static const TestHintCase test_hint_cases[] = {
    { "start-hotplug", "nmvirt.hint.start", test_hint_build_start_hotplug,
      test_hint_mutate_autoconnect },
    { "start-unset", "nmvirt.hint.start", test_hint_build_start_unset,
      test_hint_mutate_autoconnect },
    { "bridge-stp-unset", "nmvirt.hint.bridge-stp", test_hint_build_bridge_stp,
      test_hint_mutate_stp_on },
    { "bridge-delay-fraction", "nmvirt.hint.bridge-delay", test_hint_build_bridge_delay,
      test_hint_mutate_forward_delay },
    { "bridge-delay-unset", "nmvirt.hint.bridge-delay", test_hint_build_bridge_delay_unset,
      test_hint_mutate_forward_delay },
    { "bridge-stp-on-delay-zero", "nmvirt.hint.bridge-delay",
      test_hint_build_bridge_stp_on_delay_zero, test_hint_mutate_stp_off },
    { "bridge-stp-on-delay-fraction", "nmvirt.hint.bridge-delay",
      test_hint_build_bridge_stp_on_delay_fraction, test_hint_mutate_stp_off },
    { "bond-mode-unset", "nmvirt.hint.bond-mode", test_hint_build_bond_mode,
      test_hint_mutate_bond_mode },
    { "ipv4-peerdns-yes", "nmvirt.hint.ipv4-peerdns", test_hint_build_ipv4_peerdns,
      test_hint_mutate_ipv4_ignore_auto_dns },
    { "ipv6-peerdns-yes", "nmvirt.hint.ipv6-peerdns", test_hint_build_ipv6_peerdns,
      test_hint_mutate_ipv6_ignore_auto_dns },
    { "ipv4-no-prefix", "nmvirt.hint.ipv4-no-prefix", test_hint_build_ipv4_no_prefix,
      test_hint_mutate_ipv4_address },
    { "ipv6-no-prefix", "nmvirt.hint.ipv6-no-prefix", test_hint_build_ipv6_no_prefix,
      test_hint_mutate_ipv6_address },
    { "ipv6-autoconf-dhcp", "nmvirt.hint.ipv6-dhcp", test_hint_build_ipv6_dhcp,
      test_hint_mutate_ipv6_method },
};

static void
test_hint_case(gconstpointer data)
{
    const TestHintCase *test_hint_case = data;
    g_autoptr(NmvirtIfaceDef) def = test_hint_case->build(TEST_HINT_XML);
    g_autoptr(NmvirtIfaceDef) plain = test_hint_case->build(TEST_HINT_PLAIN);
    g_autoptr(NmvirtIfaceDef) mutated = test_hint_case->build(TEST_HINT_MUTATED);
    g_autoptr(GPtrArray) profiles = nmvirt_test_map_to_nm(def);
    g_autoptr(GPtrArray) plain_profiles = nmvirt_test_map_to_nm(plain);
    g_autofree char *nm_key = g_strconcat(test_hint_case->key, ".nm", NULL);
    NMConnection *connection = g_ptr_array_index(profiles, 0);

    /* The hint and its NetworkManager value, on the top-level profile only. */
    g_assert_nonnull(nmvirt_map_user_data_get(connection, test_hint_case->key));
    g_assert_nonnull(nmvirt_map_user_data_get(connection, nm_key));
    for (guint i = 1; i < profiles->len; i++) {
        g_assert_null(
            nmvirt_map_user_data_get(g_ptr_array_index(profiles, i), test_hint_case->key));
    }
    nmvirt_test_map_assert_from_nm(profiles, def);

    /* The same NetworkManager values without the hint... */
    g_assert_null(
        nmvirt_map_user_data_get(g_ptr_array_index(plain_profiles, 0), test_hint_case->key));
    nmvirt_test_map_assert_from_nm(plain_profiles, plain);

    /* ...and once the real property changed (the hint is still there, as
     * after an nmcli edit), it is ignored: the profile reads as it is. */
    test_hint_case->mutate(connection);
    g_assert_true(nm_connection_verify(connection, NULL));
    g_assert_nonnull(nmvirt_map_user_data_get(connection, test_hint_case->key));
    nmvirt_test_map_assert_from_nm(profiles, mutated);
}

/* Hints whose recorded NetworkManager value matches, but which re-applied
 * would not give the profile (written by hand, or by another version):
 * ignored. ------------------------------------------------------------------ */

static void
test_hint_forge(NMConnection *connection, const char *what, const char *xml_value,
                const char *nm_value)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(nmvirt_map_hint_set(connection, what, xml_value, nm_value, &error));
    g_assert_no_error(error);
}

/* A delay the parser refuses: "1e1" would be 10 to strtod. */
static void
test_hint_forged_bridge_delay(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_hint_bridge_new(NMVIRT_TRISTATE_NO, "10");
    g_autoptr(GPtrArray) profiles = nmvirt_test_map_to_nm(def);
    NMConnection *connection = g_ptr_array_index(profiles, 0);

    test_hint_forge(connection, "bridge-delay", "1e1", "10");
    nmvirt_test_map_assert_from_nm(profiles, def);
    /* and a valid delay that gives another value */
    test_hint_forge(connection, "bridge-delay", "3", "10");
    nmvirt_test_map_assert_from_nm(profiles, def);
}

static void
test_hint_forged_bridge_stp(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_hint_bridge_new(NMVIRT_TRISTATE_YES, "15");
    g_autoptr(GPtrArray) profiles = nmvirt_test_map_to_nm(def);

    test_hint_forge(g_ptr_array_index(profiles, 0), "bridge-stp", "unset", "yes");
    nmvirt_test_map_assert_from_nm(profiles, def);
}

static void
test_hint_forged_bond_mode(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_hint_build_bond_mode(TEST_HINT_MUTATED);
    g_autoptr(GPtrArray) profiles = nmvirt_test_map_to_nm(def);

    test_hint_forge(g_ptr_array_index(profiles, 0), "bond-mode", "unset", "balance-xor");
    nmvirt_test_map_assert_from_nm(profiles, def);
}

/* 10.0.0.5 without a prefix is /8; a hint calling 10.0.0.5/16 prefix-less
 * would make a redefine store /8. */
static void
test_hint_forged_no_prefix(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_hint_ethernet_new();
    g_autoptr(GPtrArray) profiles = NULL;

    def->ipv4 = nmvirt_proto_def_new(NMVIRT_IP_FAMILY_IPV4);
    nmvirt_proto_def_add_ip(def->ipv4, "10.0.0.5", TRUE, 16);
    profiles = nmvirt_test_map_to_nm(def);
    test_hint_forge(g_ptr_array_index(profiles, 0), "ipv4-no-prefix", "10.0.0.5/16", "10.0.0.5/16");
    nmvirt_test_map_assert_from_nm(profiles, def);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/nmvirt/hint/set-get", test_hint_set_get);
    g_test_add_func("/nmvirt/hint/without-nm-value", test_hint_without_nm_value);
    g_test_add_func("/nmvirt/hint/clear-all", test_hint_clear_all);
    g_test_add_func("/nmvirt/hint/remove-without-setting", test_hint_remove_without_setting);
    g_test_add_func("/nmvirt/hint/forged/bridge-delay", test_hint_forged_bridge_delay);
    g_test_add_func("/nmvirt/hint/forged/bridge-stp", test_hint_forged_bridge_stp);
    g_test_add_func("/nmvirt/hint/forged/bond-mode", test_hint_forged_bond_mode);
    g_test_add_func("/nmvirt/hint/forged/no-prefix", test_hint_forged_no_prefix);
    for (guint i = 0; i < G_N_ELEMENTS(test_hint_cases); i++) {
        g_autofree char *path = g_strdup_printf("/nmvirt/hint/%s", test_hint_cases[i].name);

        g_test_add_data_func(path, &test_hint_cases[i], test_hint_case);
    }
    return g_test_run();
}
