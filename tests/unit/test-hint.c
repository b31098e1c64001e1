/* SPDX-License-Identifier: LGPL-2.1-or-later */
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
 * Each case builds the document (stale = FALSE), which must read back as
 * itself, and what the profile reads as once the hint is stale (stale =
 * TRUE): the plain NetworkManager value. */

typedef struct {
    const char *name;
    const char *key; /* the hint written */
    NmvirtIfaceDef *(*build)(gboolean stale);
} TestHintCase;

static NmvirtIfaceDef *
test_hint_ethernet_new(void)
{
    NmvirtIfaceDef *def = nmvirt_iface_def_new(NMVIRT_IFACE_TYPE_ETHERNET, "eth0");

    def->start_mode = NMVIRT_START_MODE_ONBOOT;
    return def;
}

static NmvirtIfaceDef *
test_hint_build_start_hotplug(gboolean stale)
{
    NmvirtIfaceDef *def = test_hint_ethernet_new();

    def->start_mode = stale ? NMVIRT_START_MODE_ONBOOT : NMVIRT_START_MODE_HOTPLUG;
    return def;
}

static NmvirtIfaceDef *
test_hint_build_start_unset(gboolean stale)
{
    NmvirtIfaceDef *def = test_hint_ethernet_new();

    def->start_mode = stale ? NMVIRT_START_MODE_ONBOOT : NMVIRT_START_MODE_UNSET;
    return def;
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
test_hint_build_bridge_stp(gboolean stale)
{
    return test_hint_bridge_new(stale ? NMVIRT_TRISTATE_NO : NMVIRT_TRISTATE_UNSET, "15");
}

static NmvirtIfaceDef *
test_hint_build_bridge_delay(gboolean stale)
{
    return test_hint_bridge_new(NMVIRT_TRISTATE_NO, stale ? "0" : "0.01");
}

static NmvirtIfaceDef *
test_hint_build_bridge_delay_unset(gboolean stale)
{
    return test_hint_bridge_new(NMVIRT_TRISTATE_NO, stale ? "15" : NULL);
}

static NmvirtIfaceDef *
test_hint_build_bridge_stp_on_delay_zero(gboolean stale)
{
    return test_hint_bridge_new(NMVIRT_TRISTATE_YES, stale ? "2" : "0");
}

static NmvirtIfaceDef *
test_hint_build_bond_mode(gboolean stale)
{
    NmvirtIfaceDef *def = nmvirt_iface_def_new(NMVIRT_IFACE_TYPE_BOND, "bond0");

    def->start_mode = NMVIRT_START_MODE_ONBOOT;
    def->bond.mode = stale ? NMVIRT_BOND_MODE_BALANCE_RR : NMVIRT_BOND_MODE_UNSET;
    nmvirt_iface_def_add_member(def, nmvirt_iface_def_new(NMVIRT_IFACE_TYPE_ETHERNET, "eth0"));
    return def;
}

static NmvirtIfaceDef *
test_hint_build_peerdns(NmvirtIpFamily family, gboolean stale)
{
    NmvirtIfaceDef *def = test_hint_ethernet_new();
    NmvirtProtoDef *proto = nmvirt_proto_def_new(family);

    proto->dhcp = TRUE;
    proto->peerdns = stale ? NMVIRT_TRISTATE_UNSET : NMVIRT_TRISTATE_YES;
    if (family == NMVIRT_IP_FAMILY_IPV4)
        def->ipv4 = proto;
    else
        def->ipv6 = proto;
    return def;
}

static NmvirtIfaceDef *
test_hint_build_ipv4_peerdns(gboolean stale)
{
    return test_hint_build_peerdns(NMVIRT_IP_FAMILY_IPV4, stale);
}

static NmvirtIfaceDef *
test_hint_build_ipv6_peerdns(gboolean stale)
{
    return test_hint_build_peerdns(NMVIRT_IP_FAMILY_IPV6, stale);
}

static NmvirtIfaceDef *
test_hint_build_ipv4_no_prefix(gboolean stale)
{
    NmvirtIfaceDef *def = test_hint_ethernet_new();

    def->ipv4 = nmvirt_proto_def_new(NMVIRT_IP_FAMILY_IPV4);
    nmvirt_proto_def_add_ip(def->ipv4, "192.0.2.5", stale, 24);
    return def;
}

static NmvirtIfaceDef *
test_hint_build_ipv6_no_prefix(gboolean stale)
{
    NmvirtIfaceDef *def = test_hint_ethernet_new();

    def->ipv6 = nmvirt_proto_def_new(NMVIRT_IP_FAMILY_IPV6);
    nmvirt_proto_def_add_ip(def->ipv6, "2001:db8::5", stale, 64);
    return def;
}

static NmvirtIfaceDef *
test_hint_build_ipv6_dhcp(gboolean stale)
{
    NmvirtIfaceDef *def = test_hint_ethernet_new();

    def->ipv6 = nmvirt_proto_def_new(NMVIRT_IP_FAMILY_IPV6);
    def->ipv6->autoconf = TRUE;
    def->ipv6->dhcp = !stale;
    return def;
}

static const TestHintCase test_hint_cases[] = {
    { "start-hotplug", "nmvirt.hint.start", test_hint_build_start_hotplug },
    { "start-unset", "nmvirt.hint.start", test_hint_build_start_unset },
    { "bridge-stp-unset", "nmvirt.hint.bridge-stp", test_hint_build_bridge_stp },
    { "bridge-delay-fraction", "nmvirt.hint.bridge-delay", test_hint_build_bridge_delay },
    { "bridge-delay-unset", "nmvirt.hint.bridge-delay", test_hint_build_bridge_delay_unset },
    { "bridge-stp-on-delay-zero", "nmvirt.hint.bridge-delay",
      test_hint_build_bridge_stp_on_delay_zero },
    { "bond-mode-unset", "nmvirt.hint.bond-mode", test_hint_build_bond_mode },
    { "ipv4-peerdns-yes", "nmvirt.hint.ipv4-peerdns", test_hint_build_ipv4_peerdns },
    { "ipv6-peerdns-yes", "nmvirt.hint.ipv6-peerdns", test_hint_build_ipv6_peerdns },
    { "ipv4-no-prefix", "nmvirt.hint.ipv4-no-prefix", test_hint_build_ipv4_no_prefix },
    { "ipv6-no-prefix", "nmvirt.hint.ipv6-no-prefix", test_hint_build_ipv6_no_prefix },
    { "ipv6-autoconf-dhcp", "nmvirt.hint.ipv6-dhcp", test_hint_build_ipv6_dhcp },
};

static void
test_hint_case(gconstpointer data)
{
    const TestHintCase *test_hint_case = data;
    g_autoptr(NmvirtIfaceDef) def = test_hint_case->build(FALSE);
    g_autoptr(NmvirtIfaceDef) stale = test_hint_case->build(TRUE);
    g_autoptr(GPtrArray) profiles = nmvirt_test_map_to_nm(def);
    g_autoptr(GPtrArray) plain_profiles = nmvirt_test_map_to_nm(stale);
    g_autofree char *nm_key = g_strconcat(test_hint_case->key, ".nm", NULL);
    NMConnection *connection = g_ptr_array_index(profiles, 0);
    g_autoptr(GError) error = NULL;

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
    nmvirt_test_map_assert_from_nm(plain_profiles, stale);

    /* ...and a hint whose NetworkManager value no longer matches is ignored. */
    g_assert_true(nmvirt_map_user_data_set(connection, nm_key, "changed", &error));
    g_assert_no_error(error);
    nmvirt_test_map_assert_from_nm(profiles, stale);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/nmvirt/hint/set-get", test_hint_set_get);
    g_test_add_func("/nmvirt/hint/without-nm-value", test_hint_without_nm_value);
    g_test_add_func("/nmvirt/hint/clear-all", test_hint_clear_all);
    g_test_add_func("/nmvirt/hint/remove-without-setting", test_hint_remove_without_setting);
    for (guint i = 0; i < G_N_ELEMENTS(test_hint_cases); i++) {
        g_autofree char *path = g_strdup_printf("/nmvirt/hint/%s", test_hint_cases[i].name);

        g_test_add_data_func(path, &test_hint_cases[i], test_hint_case);
    }
    return g_test_run();
}
