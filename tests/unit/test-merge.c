/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>
#include <sys/socket.h>

#include "nmvirt-test-map.h"

/*
 * "Existing" profiles are built the way nmcli and NetworkManager would
 * store them: random UUID, nmcli's ids, no nmvirt user data, normalized.
 * Documents are built as NmvirtIfaceDef trees, so these tests exercise only
 * the merge (and to_nm, which the merge calls).
 */

#define TEST_MERGE_FOREIGN_KEY "org.example.tag"

static void
test_merge_normalize(NMConnection *profile)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(nm_connection_normalize(profile, NULL, NULL, &error));
    g_assert_no_error(error);
}

/* `nmcli connection add type ethernet ifname eth0`, then 802.1X, a DNS
 * search domain, a firewall zone and another tool's user data. */
static NMConnection *
test_merge_nmcli_eth0(void)
{
    NMConnection *profile =
        nmvirt_test_profile_new(NM_SETTING_WIRED_SETTING_NAME, "Wired connection 1", "eth0");
    NMSetting *s_8021x = nm_setting_802_1x_new();
    NMSetting *s_ip4 = nm_setting_ip4_config_new();
    NMSetting *s_user = nm_setting_user_new();
    NMIPAddress *address = NULL;
    g_autoptr(GError) error = NULL;

    g_object_set(nm_connection_get_setting_connection(profile), NM_SETTING_CONNECTION_ZONE,
                 "trusted", NULL);
    nm_connection_add_setting(profile, nm_setting_wired_new());

    nm_setting_802_1x_add_eap_method(NM_SETTING_802_1X(s_8021x), "peap");
    g_object_set(s_8021x, NM_SETTING_802_1X_IDENTITY, "alice", NM_SETTING_802_1X_PHASE2_AUTH,
                 "mschapv2", NULL);
    nm_connection_add_setting(profile, s_8021x);

    address = nm_ip_address_new(AF_INET, "192.0.2.10", 24, &error);
    g_assert_no_error(error);
    g_object_set(s_ip4, NM_SETTING_IP_CONFIG_METHOD, NM_SETTING_IP4_CONFIG_METHOD_MANUAL,
                 NM_SETTING_IP_CONFIG_GATEWAY, "192.0.2.1", NULL);
    nm_setting_ip_config_add_address(NM_SETTING_IP_CONFIG(s_ip4), address);
    nm_ip_address_unref(address);
    nm_setting_ip_config_add_dns_search(NM_SETTING_IP_CONFIG(s_ip4), "example.com");
    nm_connection_add_setting(profile, s_ip4);

    g_assert_true(
        nm_setting_user_set_data(NM_SETTING_USER(s_user), TEST_MERGE_FOREIGN_KEY, "1", &error));
    g_assert_no_error(error);
    nm_connection_add_setting(profile, s_user);

    test_merge_normalize(profile);
    return profile;
}

/* `nmcli connection add type bridge ifname br0` */
static NMConnection *
test_merge_nmcli_bridge(const char *ifname)
{
    g_autofree char *id = g_strdup_printf("bridge-%s", ifname);
    NMConnection *profile = nmvirt_test_profile_new(NM_SETTING_BRIDGE_SETTING_NAME, id, ifname);
    NMSetting *s_bridge = nm_setting_bridge_new();

    g_object_set(s_bridge, NM_SETTING_BRIDGE_PRIORITY, 4096, NULL);
    nm_connection_add_setting(profile, s_bridge);
    test_merge_normalize(profile);
    return profile;
}

/* `nmcli connection add type bridge-slave ifname eth0 master <master>` */
static NMConnection *
test_merge_nmcli_bridge_port(const char *ifname, const char *master)
{
    g_autofree char *id = g_strdup_printf("bridge-slave-%s", ifname);
    NMConnection *profile = nmvirt_test_profile_new(NM_SETTING_WIRED_SETTING_NAME, id, ifname);

    g_object_set(nm_connection_get_setting_connection(profile), NM_SETTING_CONNECTION_MASTER,
                 master, NM_SETTING_CONNECTION_SLAVE_TYPE, NM_SETTING_BRIDGE_SETTING_NAME, NULL);
    nm_connection_add_setting(profile, nm_setting_wired_new());
    nm_connection_add_setting(profile, nm_setting_bridge_port_new());
    test_merge_normalize(profile);
    return profile;
}

/* `nmcli connection add type bond ifname bond0 bond.options
 * mode=802.3ad,miimon=100,xmit_hash_policy=layer3+4[,lacp_rate=fast]` */
static NMConnection *
test_merge_nmcli_bond(gboolean lacp_rate)
{
    NMConnection *profile =
        nmvirt_test_profile_new(NM_SETTING_BOND_SETTING_NAME, "bond-bond0", "bond0");
    NMSetting *s_bond = nm_setting_bond_new();

    g_assert_true(nm_setting_bond_add_option(NM_SETTING_BOND(s_bond), "mode", "802.3ad"));
    g_assert_true(nm_setting_bond_add_option(NM_SETTING_BOND(s_bond), "miimon", "100"));
    g_assert_true(
        nm_setting_bond_add_option(NM_SETTING_BOND(s_bond), "xmit_hash_policy", "layer3+4"));
    if (lacp_rate)
        g_assert_true(nm_setting_bond_add_option(NM_SETTING_BOND(s_bond), "lacp_rate", "fast"));
    nm_connection_add_setting(profile, s_bond);
    test_merge_normalize(profile);
    return profile;
}

/* `nmcli connection add type vlan ifname vlan10 dev eth0 id 10
 * vlan.flags 6` (GVRP and loose binding, without reorder-headers) */
static NMConnection *
test_merge_nmcli_vlan(void)
{
    NMConnection *profile =
        nmvirt_test_profile_new(NM_SETTING_VLAN_SETTING_NAME, "vlan-vlan10", "vlan10");
    NMSetting *s_vlan = nm_setting_vlan_new();

    g_object_set(s_vlan, NM_SETTING_VLAN_ID, 10, NM_SETTING_VLAN_PARENT, "eth0",
                 NM_SETTING_VLAN_FLAGS, NM_VLAN_FLAG_GVRP | NM_VLAN_FLAG_LOOSE_BINDING, NULL);
    nm_connection_add_setting(profile, s_vlan);
    test_merge_normalize(profile);
    return profile;
}

static GPtrArray *
test_merge_profiles_new(void)
{
    return g_ptr_array_new_with_free_func(g_object_unref);
}

/* The documents, parsed as a redefine would parse them. */
static const char test_merge_xml_eth0_static[] = "<interface type='ethernet' name='eth0'>\n"
                                                 "  <start mode='onboot'/>\n"
                                                 "  <protocol family='ipv4'>\n"
                                                 "    <ip address='192.0.2.20' prefix='24'/>\n"
                                                 "  </protocol>\n"
                                                 "</interface>\n";

/* no <protocol family='ipv4'>: ipv4.method=disabled */
static const char test_merge_xml_eth0_no_ipv4[] = "<interface type='ethernet' name='eth0'>\n"
                                                  "  <start mode='onboot'/>\n"
                                                  "</interface>\n";

static const char test_merge_xml_eth0_dhcp[] = "<interface type='ethernet' name='eth0'>\n"
                                               "  <start mode='onboot'/>\n"
                                               "  <protocol family='ipv4'>\n"
                                               "    <dhcp/>\n"
                                               "  </protocol>\n"
                                               "</interface>\n";

/* a gateway without an address: a default route in ipv4.routes */
static const char test_merge_xml_eth0_dhcp_gateway[] = "<interface type='ethernet' name='eth0'>\n"
                                                       "  <start mode='onboot'/>\n"
                                                       "  <protocol family='ipv4'>\n"
                                                       "    <dhcp/>\n"
                                                       "    <route gateway='192.0.2.99'/>\n"
                                                       "  </protocol>\n"
                                                       "</interface>\n";

static const char test_merge_xml_br0[] = "<interface type='bridge' name='br0'>\n"
                                         "  <start mode='onboot'/>\n"
                                         "  <protocol family='ipv4'>\n"
                                         "    <dhcp/>\n"
                                         "  </protocol>\n"
                                         "  <bridge stp='off' delay='0'>\n"
                                         "    <interface type='ethernet' name='eth0'/>\n"
                                         "  </bridge>\n"
                                         "</interface>\n";

static const char test_merge_xml_bond0[] = "<interface type='bond' name='bond0'>\n"
                                           "  <start mode='onboot'/>\n"
                                           "  <bond mode='balance-xor'>\n"
                                           "    <miimon freq='200'/>\n"
                                           "    <interface type='ethernet' name='eth1'/>\n"
                                           "    <interface type='ethernet' name='eth2'/>\n"
                                           "  </bond>\n"
                                           "</interface>\n";

static const char test_merge_xml_vlan10[] = "<interface type='vlan' name='vlan10'>\n"
                                            "  <start mode='onboot'/>\n"
                                            "  <vlan tag='10'>\n"
                                            "    <interface name='eth1'/>\n"
                                            "  </vlan>\n"
                                            "</interface>\n";

static NmvirtIfaceDef *
test_merge_parse(const char *xml)
{
    g_autoptr(GError) error = NULL;
    NmvirtIfaceDef *def = nmvirt_xml_parse_string(xml, -1, "test", &error);

    g_assert_no_error(error);
    g_assert_nonnull(def);
    return def;
}

static GPtrArray *
test_merge_run(const NmvirtIfaceDef *def, GPtrArray *existing)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) merged = nmvirt_map_merge(def, existing, &error);

    g_assert_no_error(error);
    g_assert_nonnull(merged);
    /* every result verifies and is normalized already */
    nmvirt_test_assert_profiles_normalized(merged);
    return g_steal_pointer(&merged);
}

static NMConnection *
test_merge_get(GPtrArray *profiles, guint index, const char *ifname)
{
    NMConnection *profile = NULL;

    g_assert_cmpuint(index, <, profiles->len);
    profile = g_ptr_array_index(profiles, index);
    g_assert_cmpstr(nm_connection_get_interface_name(profile), ==, ifname);
    return profile;
}

static void
test_merge_assert_8021x(NMConnection *profile)
{
    NMSetting8021x *s_8021x = nm_connection_get_setting_802_1x(profile);

    g_assert_nonnull(s_8021x);
    g_assert_cmpuint(nm_setting_802_1x_get_num_eap_methods(s_8021x), ==, 1);
    g_assert_cmpstr(nm_setting_802_1x_get_eap_method(s_8021x, 0), ==, "peap");
    g_assert_cmpstr(nm_setting_802_1x_get_identity(s_8021x), ==, "alice");
    g_assert_cmpstr(nm_setting_802_1x_get_phase2_auth(s_8021x), ==, "mschapv2");
}

static const char *
test_merge_user(NMConnection *profile, const char *key)
{
    NMSettingUser *s_user =
        NM_SETTING_USER(nm_connection_get_setting_by_name(profile, NM_SETTING_USER_SETTING_NAME));

    g_assert_nonnull(s_user);
    return nm_setting_user_get_data(s_user, key);
}

/* (1) a new static address: the profile is updated in place and keeps all
 * that the XML cannot say */
static void
test_merge_update_in_place(void)
{
    g_autoptr(GPtrArray) existing = test_merge_profiles_new();
    g_autoptr(NmvirtIfaceDef) def = test_merge_parse(test_merge_xml_eth0_static);
    g_autoptr(GPtrArray) merged = NULL;
    g_autofree char *uuid = NULL;
    NMConnection *profile = NULL;
    NMSettingConnection *s_con = NULL;
    NMSettingIPConfig *s_ip4 = NULL;
    NMIPAddress *address = NULL;

    g_ptr_array_add(existing, test_merge_nmcli_eth0());
    uuid = g_strdup(nm_connection_get_uuid(g_ptr_array_index(existing, 0)));

    merged = test_merge_run(def, existing);
    g_assert_cmpuint(merged->len, ==, 1);
    profile = test_merge_get(merged, 0, "eth0");
    s_con = nm_connection_get_setting_connection(profile);
    g_assert_cmpstr(nm_setting_connection_get_uuid(s_con), ==, uuid);
    g_assert_cmpstr(nm_setting_connection_get_id(s_con), ==, "Wired connection 1");
    g_assert_cmpstr(nm_setting_connection_get_zone(s_con), ==, "trusted");
    g_assert_true(nm_setting_connection_get_autoconnect(s_con));

    s_ip4 = nm_connection_get_setting_ip4_config(profile);
    g_assert_nonnull(s_ip4);
    g_assert_cmpstr(nm_setting_ip_config_get_method(s_ip4), ==,
                    NM_SETTING_IP4_CONFIG_METHOD_MANUAL);
    g_assert_cmpuint(nm_setting_ip_config_get_num_addresses(s_ip4), ==, 1);
    address = nm_setting_ip_config_get_address(s_ip4, 0);
    g_assert_cmpstr(nm_ip_address_get_address(address), ==, "192.0.2.20");
    g_assert_cmpuint(nm_ip_address_get_prefix(address), ==, 24);
    /* the document has no gateway: the old one goes, it is the XML's */
    g_assert_null(nm_setting_ip_config_get_gateway(s_ip4));
    g_assert_cmpuint(nm_setting_ip_config_get_num_dns_searches(s_ip4), ==, 1);
    g_assert_cmpstr(nm_setting_ip_config_get_dns_search(s_ip4, 0), ==, "example.com");

    test_merge_assert_8021x(profile);
    g_assert_cmpstr(test_merge_user(profile, TEST_MERGE_FOREIGN_KEY), ==, "1");
    g_assert_cmpstr(test_merge_user(profile, "nmvirt.interface"), ==, "eth0");
}

/* (2) the same profile without an IPv4 protocol: dns-search cannot stay
 * under method=disabled, and is not dropped silently */
static void
test_merge_conflict_dns_search(void)
{
    g_autoptr(GPtrArray) existing = test_merge_profiles_new();
    g_autoptr(NmvirtIfaceDef) def = test_merge_parse(test_merge_xml_eth0_no_ipv4);
    g_autoptr(GPtrArray) merged = NULL;
    g_autoptr(GError) error = NULL;
    NMConnection *eth0 = NULL;

    g_ptr_array_add(existing, test_merge_nmcli_eth0());
    eth0 = g_ptr_array_index(existing, 0);

    merged = nmvirt_map_merge(def, existing, &error);
    g_assert_null(merged);
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_CONFLICT);
    g_assert_nonnull(strstr(error->message, "ipv4.dns-search"));
    g_assert_nonnull(strstr(error->message, "'eth0'"));
    g_assert_nonnull(strstr(error->message, "Wired connection 1"));
    g_assert_nonnull(strstr(error->message, nm_connection_get_uuid(eth0)));
    g_assert_nonnull(strstr(error->message, "<protocol family='ipv4'>"));
}

/* (3) eth0's own profile becomes the port of a new bridge */
static void
test_merge_take_over_port(void)
{
    g_autoptr(GPtrArray) existing = test_merge_profiles_new();
    g_autoptr(NmvirtIfaceDef) def = test_merge_parse(test_merge_xml_br0);
    g_autoptr(GPtrArray) fresh = NULL;
    g_autoptr(GPtrArray) merged = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *uuid = NULL;
    NMConnection *br0 = NULL;
    NMConnection *port = NULL;
    NMSettingConnection *s_con = NULL;

    g_ptr_array_add(existing, test_merge_nmcli_eth0());
    uuid = g_strdup(nm_connection_get_uuid(g_ptr_array_index(existing, 0)));

    fresh = nmvirt_map_to_nm(def, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(fresh->len, ==, 2);

    merged = test_merge_run(def, existing);
    g_assert_cmpuint(merged->len, ==, 2);

    /* br0 is new: exactly what to_nm makes */
    br0 = test_merge_get(merged, 0, "br0");
    g_assert_cmpstr(nm_connection_get_uuid(br0), ==,
                    nm_connection_get_uuid(g_ptr_array_index(fresh, 0)));
    g_assert_true(
        nm_connection_compare(br0, g_ptr_array_index(fresh, 0), NM_SETTING_COMPARE_FLAG_EXACT));

    port = test_merge_get(merged, 1, "eth0");
    s_con = nm_connection_get_setting_connection(port);
    g_assert_cmpstr(nm_setting_connection_get_uuid(s_con), ==, uuid);
    g_assert_cmpstr(nm_setting_connection_get_id(s_con), ==, "Wired connection 1");
    g_assert_cmpstr(nm_setting_connection_get_master(s_con), ==, "br0");
    g_assert_cmpstr(nm_setting_connection_get_slave_type(s_con), ==,
                    NM_SETTING_BRIDGE_SETTING_NAME);
    g_assert_cmpstr(nm_setting_connection_get_zone(s_con), ==, "trusted");
    g_assert_null(nm_connection_get_setting_ip4_config(port));
    g_assert_null(nm_connection_get_setting_ip6_config(port));
    g_assert_null(nm_connection_get_setting_proxy(port));
    g_assert_nonnull(nm_connection_get_setting_bridge_port(port));
    test_merge_assert_8021x(port);
    g_assert_cmpstr(test_merge_user(port, TEST_MERGE_FOREIGN_KEY), ==, "1");
    g_assert_cmpstr(test_merge_user(port, "nmvirt.interface"), ==, "br0");
}

/* A redefine finds the port of this controller first, even when it names
 * the controller by UUID and eth0's standalone profile ranks higher. */
static void
test_merge_port_of_controller(void)
{
    g_autoptr(GPtrArray) existing = test_merge_profiles_new();
    g_autoptr(NmvirtIfaceDef) def = test_merge_parse(test_merge_xml_br0);
    g_autoptr(GPtrArray) merged = NULL;
    NMConnection *br0 = test_merge_nmcli_bridge("br0");
    NMConnection *port = test_merge_nmcli_bridge_port("eth0", nm_connection_get_uuid(br0));
    NMConnection *eth0 = test_merge_nmcli_eth0();
    NMConnection *result = NULL;
    NMSettingConnection *s_con = NULL;

    g_object_set(nm_connection_get_setting_connection(eth0),
                 NM_SETTING_CONNECTION_AUTOCONNECT_PRIORITY, 100, NULL);
    g_ptr_array_add(existing, eth0);
    g_ptr_array_add(existing, port);
    g_ptr_array_add(existing, br0);

    merged = test_merge_run(def, existing);
    g_assert_cmpuint(merged->len, ==, 2);

    result = test_merge_get(merged, 0, "br0");
    s_con = nm_connection_get_setting_connection(result);
    g_assert_cmpstr(nm_setting_connection_get_uuid(s_con), ==, nm_connection_get_uuid(br0));
    g_assert_cmpstr(nm_setting_connection_get_id(s_con), ==, "bridge-br0");
    g_assert_false(nm_setting_bridge_get_stp(nm_connection_get_setting_bridge(result)));
    g_assert_cmpuint(nm_setting_bridge_get_forward_delay(nm_connection_get_setting_bridge(result)),
                     ==, 0);
    /* not in the mapping table: kept */
    g_assert_cmpuint(nm_setting_bridge_get_priority(nm_connection_get_setting_bridge(result)), ==,
                     4096);

    result = test_merge_get(merged, 1, "eth0");
    s_con = nm_connection_get_setting_connection(result);
    g_assert_cmpstr(nm_setting_connection_get_uuid(s_con), ==, nm_connection_get_uuid(port));
    g_assert_cmpstr(nm_setting_connection_get_id(s_con), ==, "bridge-slave-eth0");
    g_assert_cmpstr(nm_setting_connection_get_master(s_con), ==, "br0");
}

/* The top level is currently a port of another bridge (virsh
 * iface-unbridge): its profile is taken over and stops being a port. */
static void
test_merge_unport(void)
{
    g_autoptr(GPtrArray) existing = test_merge_profiles_new();
    g_autoptr(NmvirtIfaceDef) def = test_merge_parse(test_merge_xml_eth0_dhcp);
    g_autoptr(GPtrArray) merged = NULL;
    NMConnection *port = test_merge_nmcli_bridge_port("eth0", "br0");
    NMConnection *result = NULL;
    NMSettingConnection *s_con = NULL;
    NMSettingIPConfig *s_ip4 = NULL;

    g_ptr_array_add(existing, test_merge_nmcli_bridge("br0"));
    g_ptr_array_add(existing, port);

    merged = test_merge_run(def, existing);
    g_assert_cmpuint(merged->len, ==, 1);
    result = test_merge_get(merged, 0, "eth0");
    s_con = nm_connection_get_setting_connection(result);
    g_assert_cmpstr(nm_setting_connection_get_uuid(s_con), ==, nm_connection_get_uuid(port));
    g_assert_cmpstr(nm_setting_connection_get_id(s_con), ==, "bridge-slave-eth0");
    g_assert_null(nm_setting_connection_get_master(s_con));
    g_assert_null(nm_setting_connection_get_slave_type(s_con));
    g_assert_null(nm_connection_get_setting_bridge_port(result));
    s_ip4 = nm_connection_get_setting_ip4_config(result);
    g_assert_nonnull(s_ip4);
    g_assert_cmpstr(nm_setting_ip_config_get_method(s_ip4), ==, NM_SETTING_IP4_CONFIG_METHOD_AUTO);
    g_assert_nonnull(nm_connection_get_setting_ip6_config(result));
}

static void
test_merge_assert_bond_option(NMSettingBond *s_bond, const char *key, const char *value)
{
    g_assert_cmpstr(nm_setting_bond_get_option_by_name(s_bond, key), ==, value);
}

/* (4) nmcli's xmit_hash_policy survives a new mode and a new miimon */
static void
test_merge_bond_options(void)
{
    g_autoptr(GPtrArray) existing = test_merge_profiles_new();
    g_autoptr(NmvirtIfaceDef) def = test_merge_parse(test_merge_xml_bond0);
    g_autoptr(GPtrArray) merged = NULL;
    g_autoptr(GPtrArray) fresh = NULL;
    g_autoptr(GError) error = NULL;
    NMConnection *bond0 = test_merge_nmcli_bond(FALSE);
    NMConnection *result = NULL;
    NMSettingBond *s_bond = NULL;

    g_ptr_array_add(existing, bond0);
    merged = test_merge_run(def, existing);
    g_assert_cmpuint(merged->len, ==, 3);

    result = test_merge_get(merged, 0, "bond0");
    g_assert_cmpstr(nm_connection_get_uuid(result), ==, nm_connection_get_uuid(bond0));
    g_assert_cmpstr(nm_connection_get_id(result), ==, "bond-bond0");
    s_bond = nm_connection_get_setting_bond(result);
    g_assert_nonnull(s_bond);
    test_merge_assert_bond_option(s_bond, "mode", "balance-xor");
    test_merge_assert_bond_option(s_bond, "miimon", "200");
    test_merge_assert_bond_option(s_bond, "xmit_hash_policy", "layer3+4");
    g_assert_null(nm_setting_bond_get_option_by_name(s_bond, "primary"));
    g_assert_null(nm_setting_bond_get_option_by_name(s_bond, "arp_interval"));

    /* the members are new */
    fresh = nmvirt_map_to_nm(def, &error);
    g_assert_no_error(error);
    for (guint i = 1; i < 3; i++) {
        NMConnection *member = g_ptr_array_index(merged, i);

        g_assert_true(nm_connection_compare(member, g_ptr_array_index(fresh, i),
                                            NM_SETTING_COMPARE_FLAG_EXACT));
        g_assert_cmpstr(
            nm_setting_connection_get_master(nm_connection_get_setting_connection(member)), ==,
            "bond0");
    }
}

/* lacp_rate is valid only with 802.3ad: kept, it makes the new mode
 * invalid, which is a conflict naming bond.options */
static void
test_merge_bond_conflict(void)
{
    g_autoptr(GPtrArray) existing = test_merge_profiles_new();
    g_autoptr(NmvirtIfaceDef) def = test_merge_parse(test_merge_xml_bond0);
    g_autoptr(GPtrArray) merged = NULL;
    g_autoptr(GError) error = NULL;

    g_ptr_array_add(existing, test_merge_nmcli_bond(TRUE));
    merged = nmvirt_map_merge(def, existing, &error);
    g_assert_null(merged);
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_CONFLICT);
    g_assert_nonnull(strstr(error->message, "bond.options"));
    g_assert_nonnull(strstr(error->message, "lacp_rate"));
    g_assert_nonnull(strstr(error->message, "'bond0'"));
}

/* (5) vlan.flags is the profile's: a redefine keeps it */
static void
test_merge_vlan_flags(void)
{
    g_autoptr(GPtrArray) existing = test_merge_profiles_new();
    g_autoptr(NmvirtIfaceDef) def = test_merge_parse(test_merge_xml_vlan10);
    g_autoptr(GPtrArray) merged = NULL;
    g_autoptr(GPtrArray) fresh = NULL;
    g_autoptr(GError) error = NULL;
    NMConnection *vlan = test_merge_nmcli_vlan();
    NMSettingVlan *s_vlan = NULL;

    g_ptr_array_add(existing, vlan);
    merged = test_merge_run(def, existing);
    g_assert_cmpuint(merged->len, ==, 1);
    g_assert_cmpstr(nm_connection_get_uuid(test_merge_get(merged, 0, "vlan10")), ==,
                    nm_connection_get_uuid(vlan));
    s_vlan = nm_connection_get_setting_vlan(g_ptr_array_index(merged, 0));
    g_assert_cmpuint(nm_setting_vlan_get_id(s_vlan), ==, 10);
    g_assert_cmpstr(nm_setting_vlan_get_parent(s_vlan), ==, "eth1");
    g_assert_cmpuint(nm_setting_vlan_get_flags(s_vlan), ==,
                     NM_VLAN_FLAG_GVRP | NM_VLAN_FLAG_LOOSE_BINDING);

    /* a new profile gets reorder-headers */
    fresh = nmvirt_map_to_nm(def, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(
        nm_setting_vlan_get_flags(nm_connection_get_setting_vlan(g_ptr_array_index(fresh, 0))), ==,
        NM_VLAN_FLAG_REORDER_HEADERS);
}

/* nmvirt.* user data is replaced as a whole (a stale hint goes); other
 * tools' keys stay */
static void
test_merge_user_data(void)
{
    g_autoptr(GPtrArray) existing = test_merge_profiles_new();
    g_autoptr(NmvirtIfaceDef) def = test_merge_parse(test_merge_xml_eth0_static);
    g_autoptr(GPtrArray) merged = NULL;
    g_autoptr(GError) error = NULL;
    NMConnection *eth0 = test_merge_nmcli_eth0();
    NMSettingUser *s_user =
        NM_SETTING_USER(nm_connection_get_setting_by_name(eth0, NM_SETTING_USER_SETTING_NAME));
    NMConnection *result = NULL;

    g_assert_true(nm_setting_user_set_data(s_user, "nmvirt.interface", "eth0", &error));
    g_assert_true(nm_setting_user_set_data(s_user, "nmvirt.hint.start", "hotplug", &error));
    g_assert_true(nm_setting_user_set_data(s_user, "nmvirt.hint.start.nm", "yes", &error));
    g_assert_no_error(error);
    g_ptr_array_add(existing, eth0);

    merged = test_merge_run(def, existing);
    result = test_merge_get(merged, 0, "eth0");
    g_assert_null(test_merge_user(result, "nmvirt.hint.start"));
    g_assert_null(test_merge_user(result, "nmvirt.hint.start.nm"));
    g_assert_cmpstr(test_merge_user(result, "nmvirt.interface"), ==, "eth0");
    g_assert_cmpstr(test_merge_user(result, TEST_MERGE_FOREIGN_KEY), ==, "1");
}

static void test_merge_add_route(NMSettingIPConfig *s_ip, int family, const char *dest,
                                 guint prefix, const char *next_hop, gint64 metric, guint32 table,
                                 const char *type);

static NMIPRoute *
test_merge_route(const char *dest, guint prefix, const char *next_hop, gint64 metric)
{
    g_autoptr(GError) error = NULL;
    NMIPRoute *route = nm_ip_route_new(AF_INET, dest, prefix, next_hop, metric, &error);

    g_assert_no_error(error);
    return route;
}

/* Only the default route is the XML's; other routes stay. */
static void
test_merge_routes(void)
{
    g_autoptr(GPtrArray) existing = test_merge_profiles_new();
    g_autoptr(NmvirtIfaceDef) def = test_merge_parse(test_merge_xml_eth0_dhcp_gateway);
    g_autoptr(GPtrArray) merged = NULL;
    NMIPRoute *subnet = test_merge_route("10.0.0.0", 8, "192.0.2.254", 50);
    NMIPRoute *old_default = test_merge_route("0.0.0.0", 0, "192.0.2.1", -1);
    NMConnection *eth0 = test_merge_nmcli_eth0();
    NMSettingIPConfig *s_ip4 = nm_connection_get_setting_ip4_config(eth0);
    NMIPRoute *route = NULL;

    /* a DHCP profile with a static extra route and a default route */
    nm_setting_ip_config_clear_addresses(s_ip4);
    g_object_set(s_ip4, NM_SETTING_IP_CONFIG_METHOD, NM_SETTING_IP4_CONFIG_METHOD_AUTO,
                 NM_SETTING_IP_CONFIG_GATEWAY, NULL, NULL);
    nm_setting_ip_config_add_route(s_ip4, old_default);
    nm_setting_ip_config_add_route(s_ip4, subnet);
    nm_ip_route_unref(old_default);
    /* default routes that are not the XML's: in a table, with a metric */
    test_merge_add_route(s_ip4, AF_INET, "0.0.0.0", 0, "198.51.100.1", -1, 100, NULL);
    test_merge_add_route(s_ip4, AF_INET, "0.0.0.0", 0, "192.0.2.7", 300, 0, NULL);
    g_ptr_array_add(existing, eth0);

    merged = test_merge_run(def, existing);
    s_ip4 = nm_connection_get_setting_ip4_config(test_merge_get(merged, 0, "eth0"));
    g_assert_cmpstr(nm_setting_ip_config_get_method(s_ip4), ==, NM_SETTING_IP4_CONFIG_METHOD_AUTO);
    g_assert_cmpuint(nm_setting_ip_config_get_num_routes(s_ip4), ==, 4);
    route = nm_setting_ip_config_get_route(s_ip4, 0);
    g_assert_true(nm_ip_route_equal(route, subnet));
    route = nm_setting_ip_config_get_route(s_ip4, 1);
    g_assert_cmpstr(nm_ip_route_get_next_hop(route), ==, "198.51.100.1");
    route = nm_setting_ip_config_get_route(s_ip4, 2);
    g_assert_cmpint(nm_ip_route_get_metric(route), ==, 300);
    route = nm_setting_ip_config_get_route(s_ip4, 3);
    g_assert_cmpstr(nm_ip_route_get_dest(route), ==, "0.0.0.0");
    g_assert_cmpuint(nm_ip_route_get_prefix(route), ==, 0);
    g_assert_cmpstr(nm_ip_route_get_next_hop(route), ==, "192.0.2.99");
    nm_ip_route_unref(subnet);
}

/* A bridge redefined as a bond: the bridge setting goes, the profile
 * stays. */
static void
test_merge_type_change(void)
{
    g_autoptr(GPtrArray) existing = test_merge_profiles_new();
    g_autoptr(NmvirtIfaceDef) def = test_merge_parse(test_merge_xml_bond0);
    g_autoptr(GPtrArray) merged = NULL;
    NMConnection *bridge = test_merge_nmcli_bridge("bond0");
    NMConnection *result = NULL;

    g_ptr_array_add(existing, bridge);
    merged = test_merge_run(def, existing);
    result = test_merge_get(merged, 0, "bond0");
    g_assert_cmpstr(nm_connection_get_uuid(result), ==, nm_connection_get_uuid(bridge));
    g_assert_cmpstr(nm_connection_get_connection_type(result), ==, NM_SETTING_BOND_SETTING_NAME);
    g_assert_null(nm_connection_get_setting_bridge(result));
    g_assert_nonnull(nm_connection_get_setting_bond(result));
    g_assert_cmpstr(
        nm_setting_bond_get_option_by_name(nm_connection_get_setting_bond(result), "mode"), ==,
        "balance-xor");
}

/* The UUID to_nm derives for br0 belongs to another profile (the user
 * renamed that bridge to br9 in nmcli): br0 gets a UUID of its own, br9 is
 * left alone, and br9's port, which names br9 by that UUID, is not taken
 * for a port of br0. */
static void
test_merge_uuid_taken(void)
{
    g_autoptr(GPtrArray) existing = test_merge_profiles_new();
    g_autoptr(NmvirtIfaceDef) def = test_merge_parse(test_merge_xml_br0);
    g_autoptr(GPtrArray) fresh = NULL;
    g_autoptr(GPtrArray) merged = NULL;
    g_autoptr(NMConnection) expected = NULL;
    g_autoptr(GError) error = NULL;
    NMConnection *br9 = test_merge_nmcli_bridge("br9");
    NMConnection *eth0 = test_merge_nmcli_eth0();
    NMConnection *br9_port = NULL;
    NMConnection *result = NULL;
    const char *derived = NULL;

    fresh = nmvirt_map_to_nm(def, &error);
    g_assert_no_error(error);
    derived = nm_connection_get_uuid(g_ptr_array_index(fresh, 0));
    g_object_set(nm_connection_get_setting_connection(br9), NM_SETTING_CONNECTION_UUID, derived,
                 NULL);
    br9_port = test_merge_nmcli_bridge_port("eth0", derived);
    g_ptr_array_add(existing, br9);
    g_ptr_array_add(existing, br9_port);
    g_ptr_array_add(existing, eth0);

    merged = test_merge_run(def, existing);
    g_assert_cmpuint(merged->len, ==, 2);

    result = test_merge_get(merged, 0, "br0");
    g_assert_true(g_uuid_string_is_valid(nm_connection_get_uuid(result)));
    for (guint i = 0; i < existing->len; i++)
        g_assert_cmpstr(nm_connection_get_uuid(result), !=,
                        nm_connection_get_uuid(g_ptr_array_index(existing, i)));
    /* otherwise exactly what to_nm makes */
    expected = nm_simple_connection_new_clone(g_ptr_array_index(fresh, 0));
    g_object_set(nm_connection_get_setting_connection(expected), NM_SETTING_CONNECTION_UUID,
                 nm_connection_get_uuid(result), NULL);
    g_assert_true(nm_connection_compare(result, expected, NM_SETTING_COMPARE_FLAG_EXACT));

    /* eth0's own profile becomes br0's port, by name */
    result = test_merge_get(merged, 1, "eth0");
    g_assert_cmpstr(nm_connection_get_uuid(result), ==, nm_connection_get_uuid(eth0));
    g_assert_cmpstr(nm_setting_connection_get_master(nm_connection_get_setting_connection(result)),
                    ==, "br0");

    /* br9 and its port are not among the results */
    for (guint i = 0; i < merged->len; i++) {
        result = g_ptr_array_index(merged, i);
        g_assert_cmpstr(nm_connection_get_uuid(result), !=, derived);
        g_assert_cmpstr(nm_connection_get_uuid(result), !=, nm_connection_get_uuid(br9_port));
        g_assert_cmpstr(nm_connection_get_interface_name(result), !=, "br9");
    }
}

/* A redefine of nmvirt's own profiles: each is its own identity profile,
 * so the derived UUIDs stay and nothing changes. */
static void
test_merge_redefine_own(void)
{
    g_autoptr(GPtrArray) existing = test_merge_profiles_new();
    g_autoptr(NmvirtIfaceDef) def = test_merge_parse(test_merge_xml_br0);
    g_autoptr(GPtrArray) fresh = NULL;
    g_autoptr(GPtrArray) merged = NULL;
    g_autoptr(GError) error = NULL;

    fresh = nmvirt_map_to_nm(def, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(fresh->len, ==, 2);
    for (guint i = 0; i < fresh->len; i++)
        g_ptr_array_add(existing, nm_simple_connection_new_clone(g_ptr_array_index(fresh, i)));

    merged = test_merge_run(def, existing);
    g_assert_cmpuint(merged->len, ==, fresh->len);
    for (guint i = 0; i < merged->len; i++) {
        g_assert_cmpstr(nm_connection_get_uuid(g_ptr_array_index(merged, i)), ==,
                        nm_connection_get_uuid(g_ptr_array_index(fresh, i)));
        g_assert_true(nm_connection_compare(g_ptr_array_index(merged, i),
                                            g_ptr_array_index(fresh, i),
                                            NM_SETTING_COMPARE_FLAG_EXACT));
    }
}

/* (6) the inputs are not changed, and the results are new objects */
static void
test_merge_inputs_unchanged(void)
{
    g_autoptr(GPtrArray) existing = test_merge_profiles_new();
    g_autoptr(GPtrArray) before = test_merge_profiles_new();
    g_autoptr(NmvirtIfaceDef) def = test_merge_parse(test_merge_xml_br0);
    g_autoptr(NmvirtIfaceDef) bond_def = test_merge_parse(test_merge_xml_bond0);
    g_autoptr(GPtrArray) merged = NULL;
    g_autoptr(GPtrArray) merged_bond = NULL;

    g_ptr_array_add(existing, test_merge_nmcli_eth0());
    g_ptr_array_add(existing, test_merge_nmcli_bridge("br0"));
    g_ptr_array_add(existing, test_merge_nmcli_bond(FALSE));
    g_ptr_array_add(existing, test_merge_nmcli_vlan());
    for (guint i = 0; i < existing->len; i++)
        g_ptr_array_add(before, nm_simple_connection_new_clone(g_ptr_array_index(existing, i)));

    merged = test_merge_run(def, existing);
    merged_bond = test_merge_run(bond_def, existing);

    g_assert_cmpuint(existing->len, ==, before->len);
    for (guint i = 0; i < existing->len; i++) {
        g_assert_true(nm_connection_compare(g_ptr_array_index(existing, i),
                                            g_ptr_array_index(before, i),
                                            NM_SETTING_COMPARE_FLAG_EXACT));
        for (guint j = 0; j < merged->len; j++)
            g_assert_true(g_ptr_array_index(existing, i) != g_ptr_array_index(merged, j));
        for (guint j = 0; j < merged_bond->len; j++)
            g_assert_true(g_ptr_array_index(existing, i) != g_ptr_array_index(merged_bond, j));
    }
    /* the document is not changed either */
    g_assert_cmpuint(def->members->len, ==, 1);
    g_assert_cmpuint(bond_def->members->len, ==, 2);
    g_assert_cmpuint(bond_def->bond.miimon_freq, ==, 200);
}

/* ---- define(dumpxml(P)) leaves a foreign profile P unchanged ------------ */

static void
test_merge_add_route(NMSettingIPConfig *s_ip, int family, const char *dest, guint prefix,
                     const char *next_hop, gint64 metric, guint32 table, const char *type)
{
    g_autoptr(GError) error = NULL;
    NMIPRoute *route = nm_ip_route_new(family, dest, prefix, next_hop, metric, &error);

    g_assert_no_error(error);
    if (table != 0)
        nm_ip_route_set_attribute(route, NM_IP_ROUTE_ATTRIBUTE_TABLE, g_variant_new_uint32(table));
    if (type != NULL)
        nm_ip_route_set_attribute(route, NM_IP_ROUTE_ATTRIBUTE_TYPE, g_variant_new_string(type));
    g_assert_true(nm_setting_ip_config_add_route(s_ip, route));
    nm_ip_route_unref(route);
}

static void
test_merge_add_address(NMSettingIPConfig *s_ip, int family, const char *address, guint prefix)
{
    g_autoptr(GError) error = NULL;
    NMIPAddress *nm_address = nm_ip_address_new(family, address, prefix, &error);

    g_assert_no_error(error);
    g_assert_true(nm_setting_ip_config_add_address(s_ip, nm_address));
    nm_ip_address_unref(nm_address);
}

static NMSettingIPConfig *
test_merge_add_ip(NMConnection *profile, int family, const char *method)
{
    NMSetting *s_ip = family == AF_INET ? nm_setting_ip4_config_new() : nm_setting_ip6_config_new();

    g_object_set(s_ip, NM_SETTING_IP_CONFIG_METHOD, method, NULL);
    nm_connection_add_setting(profile, s_ip);
    return NM_SETTING_IP_CONFIG(s_ip);
}

/* The reviewer's profile: a static address and gateway, plus default
 * routes in other tables (one a blackhole) and a subnet route; DNS; IPv6
 * by SLAAC without the router's DNS, with EUI-64 addresses. */
static GPtrArray *
test_merge_foreign_routes(void)
{
    NMConnection *profile =
        nmvirt_test_profile_new(NM_SETTING_WIRED_SETTING_NAME, "Wired connection 1", "eth0");
    NMSettingIPConfig *s_ip4 = NULL;
    NMSettingIPConfig *s_ip6 = NULL;

    nm_connection_add_setting(profile, nm_setting_wired_new());
    s_ip4 = test_merge_add_ip(profile, AF_INET, NM_SETTING_IP4_CONFIG_METHOD_MANUAL);
    test_merge_add_address(s_ip4, AF_INET, "192.0.2.10", 24);
    g_object_set(s_ip4, NM_SETTING_IP_CONFIG_GATEWAY, "192.0.2.1", NULL);
    test_merge_add_route(s_ip4, AF_INET, "0.0.0.0", 0, "198.51.100.1", -1, 100, NULL);
    test_merge_add_route(s_ip4, AF_INET, "0.0.0.0", 0, NULL, -1, 200, "blackhole");
    test_merge_add_route(s_ip4, AF_INET, "0.0.0.0", 0, "192.0.2.254", 500, 0, NULL);
    test_merge_add_route(s_ip4, AF_INET, "10.0.0.0", 8, NULL, -1, 0, NULL);
    nm_setting_ip_config_add_dns(s_ip4, "192.0.2.53");
    nm_setting_ip_config_add_dns_search(s_ip4, "example.com");
    s_ip6 = test_merge_add_ip(profile, AF_INET6, NM_SETTING_IP6_CONFIG_METHOD_AUTO);
    g_object_set(s_ip6, NM_SETTING_IP_CONFIG_IGNORE_AUTO_DNS, TRUE,
                 NM_SETTING_IP6_CONFIG_ADDR_GEN_MODE, NM_SETTING_IP6_CONFIG_ADDR_GEN_MODE_EUI64,
                 NULL);
    test_merge_add_route(s_ip6, AF_INET6, "::", 0, "2001:db8::fe", -1, 100, NULL);
    test_merge_normalize(profile);
    return nmvirt_test_profile_array_new(profile, NULL);
}

/* DHCP that never becomes the default route, IPv6 disabled, a MAC, an MTU. */
static GPtrArray *
test_merge_foreign_never_default(void)
{
    NMConnection *profile =
        nmvirt_test_profile_new(NM_SETTING_WIRED_SETTING_NAME, "uplink", "eth1");
    NMSetting *s_wired = nm_setting_wired_new();
    NMSettingIPConfig *s_ip4 = NULL;

    g_object_set(s_wired, NM_SETTING_WIRED_MAC_ADDRESS, "52:54:00:12:34:56", NM_SETTING_WIRED_MTU,
                 9000, NULL);
    nm_connection_add_setting(profile, s_wired);
    s_ip4 = test_merge_add_ip(profile, AF_INET, NM_SETTING_IP4_CONFIG_METHOD_AUTO);
    g_object_set(s_ip4, NM_SETTING_IP_CONFIG_NEVER_DEFAULT, TRUE, NM_SETTING_IP_CONFIG_ROUTE_METRIC,
                 (gint64)200, NM_SETTING_IP_CONFIG_DHCP_HOSTNAME, "host1", NULL);
    test_merge_add_ip(profile, AF_INET6, NM_SETTING_IP6_CONFIG_METHOD_DISABLED);
    g_object_set(nm_connection_get_setting_connection(profile), NM_SETTING_CONNECTION_AUTOCONNECT,
                 FALSE, NULL);
    test_merge_normalize(profile);
    return nmvirt_test_profile_array_new(profile, NULL);
}

/* Static IPv6 only, with the router's DNS ignored (no <dhcp> to say so)
 * and a default route of its own in the main table with a metric. */
static GPtrArray *
test_merge_foreign_ipv6_static(void)
{
    NMConnection *profile = nmvirt_test_profile_new(NM_SETTING_WIRED_SETTING_NAME, "v6", "eth2");
    NMSettingIPConfig *s_ip6 = NULL;
    NMSettingIPConfig *s_ip4 = NULL;

    nm_connection_add_setting(profile, nm_setting_wired_new());
    s_ip4 = test_merge_add_ip(profile, AF_INET, NM_SETTING_IP4_CONFIG_METHOD_DISABLED);
    g_object_set(s_ip4, NM_SETTING_IP_CONFIG_IGNORE_AUTO_DNS, TRUE, NULL);
    s_ip6 = test_merge_add_ip(profile, AF_INET6, NM_SETTING_IP6_CONFIG_METHOD_MANUAL);
    test_merge_add_address(s_ip6, AF_INET6, "2001:db8::5", 64);
    g_object_set(s_ip6, NM_SETTING_IP_CONFIG_GATEWAY, "2001:db8::1",
                 NM_SETTING_IP_CONFIG_IGNORE_AUTO_DNS, TRUE, NULL);
    test_merge_add_route(s_ip6, AF_INET6, "::", 0, "2001:db8::2", 1024, 0, NULL);
    test_merge_normalize(profile);
    return nmvirt_test_profile_array_new(profile, NULL);
}

static NMConnection *
test_merge_foreign_port(const char *ifname, const char *master, const char *slave_type)
{
    g_autofree char *id = g_strdup_printf("%s-slave-%s", slave_type, ifname);
    NMConnection *profile = nmvirt_test_profile_new(NM_SETTING_WIRED_SETTING_NAME, id, ifname);

    g_object_set(nm_connection_get_setting_connection(profile), NM_SETTING_CONNECTION_MASTER,
                 master, NM_SETTING_CONNECTION_SLAVE_TYPE, slave_type, NULL);
    nm_connection_add_setting(profile, nm_setting_wired_new());
    return profile;
}

/* nmvirt's table owns connection.autoconnect-slaves on controllers (README
 * "Mapping"): the foreign controllers below already have "yes". */
static NMConnection *
test_merge_foreign_controller(const char *type, const char *ifname)
{
    g_autofree char *id = g_strdup_printf("%s-%s", type, ifname);
    NMConnection *profile = nmvirt_test_profile_new(type, id, ifname);

    g_object_set(nm_connection_get_setting_connection(profile),
                 NM_SETTING_CONNECTION_AUTOCONNECT_SLAVES,
                 NM_SETTING_CONNECTION_AUTOCONNECT_SLAVES_YES, NULL);
    return profile;
}

/* balance-tlb with a primary (which interface XML cannot show) and a
 * transmit policy; the second member is the primary. */
static GPtrArray *
test_merge_foreign_bond_tlb(void)
{
    NMConnection *bond = test_merge_foreign_controller(NM_SETTING_BOND_SETTING_NAME, "bond0");
    NMConnection *eth3 = test_merge_foreign_port("eth3", "bond0", NM_SETTING_BOND_SETTING_NAME);
    NMConnection *eth4 = test_merge_foreign_port("eth4", "bond0", NM_SETTING_BOND_SETTING_NAME);
    NMSetting *s_bond = nm_setting_bond_new();
    NMSetting *s_bond_port = nm_setting_bond_port_new();

    g_assert_true(nm_setting_bond_add_option(NM_SETTING_BOND(s_bond), "mode", "balance-tlb"));
    g_assert_true(nm_setting_bond_add_option(NM_SETTING_BOND(s_bond), "miimon", "100"));
    g_assert_true(nm_setting_bond_add_option(NM_SETTING_BOND(s_bond), "primary", "eth4"));
    g_assert_true(
        nm_setting_bond_add_option(NM_SETTING_BOND(s_bond), "xmit_hash_policy", "layer3+4"));
    nm_connection_add_setting(bond, s_bond);
    test_merge_add_address(test_merge_add_ip(bond, AF_INET, NM_SETTING_IP4_CONFIG_METHOD_MANUAL),
                           AF_INET, "198.51.100.5", 24);
    g_object_set(s_bond_port, NM_SETTING_BOND_PORT_QUEUE_ID, 3, NULL);
    nm_connection_add_setting(eth4, s_bond_port);
    test_merge_normalize(bond);
    test_merge_normalize(eth3);
    test_merge_normalize(eth4);
    return nmvirt_test_profile_array_new(bond, eth3, eth4, NULL);
}

/* active-backup whose primary is not the first port in any other order */
static GPtrArray *
test_merge_foreign_bond_active_backup(void)
{
    NMConnection *bond = test_merge_foreign_controller(NM_SETTING_BOND_SETTING_NAME, "bond1");
    NMConnection *eth5 = test_merge_foreign_port("eth5", "bond1", NM_SETTING_BOND_SETTING_NAME);
    NMConnection *eth6 = test_merge_foreign_port("eth6", "bond1", NM_SETTING_BOND_SETTING_NAME);
    NMSetting *s_bond = nm_setting_bond_new();

    g_assert_true(nm_setting_bond_add_option(NM_SETTING_BOND(s_bond), "mode", "active-backup"));
    g_assert_true(nm_setting_bond_add_option(NM_SETTING_BOND(s_bond), "primary", "eth6"));
    g_assert_true(nm_setting_bond_add_option(NM_SETTING_BOND(s_bond), "miimon", "100"));
    g_assert_true(nm_setting_bond_add_option(NM_SETTING_BOND(s_bond), "updelay", "200"));
    g_assert_true(nm_setting_bond_add_option(NM_SETTING_BOND(s_bond), "fail_over_mac", "active"));
    nm_connection_add_setting(bond, s_bond);
    test_merge_add_ip(bond, AF_INET, NM_SETTING_IP4_CONFIG_METHOD_AUTO);
    test_merge_normalize(bond);
    test_merge_normalize(eth5);
    test_merge_normalize(eth6);
    return nmvirt_test_profile_array_new(bond, eth5, eth6, NULL);
}

/* 802.3ad with LACP options the XML has no words for */
static GPtrArray *
test_merge_foreign_bond_lacp(void)
{
    NMConnection *bond = test_merge_foreign_controller(NM_SETTING_BOND_SETTING_NAME, "bond2");
    NMConnection *eth7 = test_merge_foreign_port("eth7", "bond2", NM_SETTING_BOND_SETTING_NAME);
    NMSetting *s_bond = nm_setting_bond_new();

    g_assert_true(nm_setting_bond_add_option(NM_SETTING_BOND(s_bond), "mode", "802.3ad"));
    g_assert_true(nm_setting_bond_add_option(NM_SETTING_BOND(s_bond), "miimon", "100"));
    g_assert_true(nm_setting_bond_add_option(NM_SETTING_BOND(s_bond), "lacp_rate", "fast"));
    g_assert_true(nm_setting_bond_add_option(NM_SETTING_BOND(s_bond), "ad_select", "bandwidth"));
    g_assert_true(
        nm_setting_bond_add_option(NM_SETTING_BOND(s_bond), "xmit_hash_policy", "layer3+4"));
    nm_connection_add_setting(bond, s_bond);
    test_merge_add_ip(bond, AF_INET, NM_SETTING_IP4_CONFIG_METHOD_AUTO);
    test_merge_normalize(bond);
    test_merge_normalize(eth7);
    return nmvirt_test_profile_array_new(bond, eth7, NULL);
}

/* a bridge with bridge options and port settings the XML cannot say */
static GPtrArray *
test_merge_foreign_bridge(void)
{
    NMConnection *bridge = test_merge_foreign_controller(NM_SETTING_BRIDGE_SETTING_NAME, "br1");
    NMConnection *port = test_merge_foreign_port("eth8", "br1", NM_SETTING_BRIDGE_SETTING_NAME);
    NMSetting *s_bridge = nm_setting_bridge_new();
    NMSetting *s_port = nm_setting_bridge_port_new();

    g_object_set(s_bridge, NM_SETTING_BRIDGE_STP, FALSE, NM_SETTING_BRIDGE_FORWARD_DELAY, 4,
                 NM_SETTING_BRIDGE_PRIORITY, 4096, NM_SETTING_BRIDGE_VLAN_FILTERING, TRUE, NULL);
    nm_connection_add_setting(bridge, s_bridge);
    test_merge_add_ip(bridge, AF_INET, NM_SETTING_IP4_CONFIG_METHOD_AUTO);
    g_object_set(s_port, NM_SETTING_BRIDGE_PORT_PRIORITY, 16, NM_SETTING_BRIDGE_PORT_HAIRPIN_MODE,
                 TRUE, NULL);
    nm_connection_add_setting(port, s_port);
    test_merge_normalize(bridge);
    test_merge_normalize(port);
    return nmvirt_test_profile_array_new(bridge, port, NULL);
}

/* a vlan with nmcli's flags and IPv6 link-local only */
static GPtrArray *
test_merge_foreign_vlan(void)
{
    NMConnection *vlan = test_merge_nmcli_vlan();

    g_object_set(nm_connection_get_setting_ip6_config(vlan), NM_SETTING_IP_CONFIG_METHOD,
                 NM_SETTING_IP6_CONFIG_METHOD_LINK_LOCAL, NULL);
    test_merge_normalize(vlan);
    return nmvirt_test_profile_array_new(vlan, NULL);
}

/* nmcli's eth0 with 802.1X, a firewall zone and another tool's user data */
static GPtrArray *
test_merge_foreign_8021x(void)
{
    return nmvirt_test_profile_array_new(test_merge_nmcli_eth0(), NULL);
}

/* @profile without nmvirt.* user data (and without the user setting when
 * only those were there). */
static NMConnection *
test_merge_strip_nmvirt(NMConnection *profile, NMConnection *original)
{
    NMConnection *copy = nm_simple_connection_new_clone(profile);
    NMSettingUser *s_user =
        NM_SETTING_USER(nm_connection_get_setting_by_name(copy, NM_SETTING_USER_SETTING_NAME));
    g_auto(GStrv) keys = NULL;

    if (s_user == NULL)
        return copy;
    keys = g_strdupv((char **)nm_setting_user_get_keys(s_user, NULL));
    for (guint i = 0; keys[i] != NULL; i++) {
        if (g_str_has_prefix(keys[i], "nmvirt."))
            g_assert_true(nm_setting_user_set_data(s_user, keys[i], NULL, NULL));
    }
    if (nm_setting_user_get_keys(s_user, NULL)[0] == NULL &&
        nm_connection_get_setting_by_name(original, NM_SETTING_USER_SETTING_NAME) == NULL)
        nm_connection_remove_setting(copy, NM_TYPE_SETTING_USER);
    return copy;
}

static void
test_merge_assert_same_profile(NMConnection *result, NMConnection *original)
{
    g_autoptr(NMConnection) stripped = test_merge_strip_nmvirt(result, original);
    g_autoptr(GHashTable) diff = NULL;

    if (nm_connection_diff(stripped, original, NM_SETTING_COMPARE_FLAG_EXACT, &diff))
        return;
    nm_connection_dump(original);
    nm_connection_dump(stripped);
    g_error("profile %s changed by define(dumpxml())", nm_connection_get_id(original));
}

typedef GPtrArray *(*TestMergeForeignFunc)(void);

static void
test_merge_foreign_roundtrip_unchanged(void)
{
    static const TestMergeForeignFunc builders[] = {
        test_merge_foreign_routes,
        test_merge_foreign_never_default,
        test_merge_foreign_ipv6_static,
        test_merge_foreign_bond_tlb,
        test_merge_foreign_bond_active_backup,
        test_merge_foreign_bond_lacp,
        test_merge_foreign_bridge,
        test_merge_foreign_vlan,
        test_merge_foreign_8021x,
    };

    for (guint i = 0; i < G_N_ELEMENTS(builders); i++) {
        g_autoptr(GPtrArray) existing = builders[i]();
        NMConnection *top = g_ptr_array_index(existing, 0);
        g_autoptr(GError) error = NULL;
        g_autoptr(NmvirtIfaceDef) def = nmvirt_map_from_nm(top, existing, &error);
        g_autoptr(NmvirtIfaceDef) reparsed = NULL;
        g_autoptr(GPtrArray) merged = NULL;
        g_autofree char *xml = NULL;

        g_assert_no_error(error);
        xml = nmvirt_xml_format(def);
        g_test_message("%s:\n%s", nm_connection_get_id(top), xml);
        reparsed = test_merge_parse(xml);
        merged = test_merge_run(reparsed, existing);
        g_assert_cmpuint(merged->len, ==, existing->len);
        for (guint j = 0; j < merged->len; j++) {
            NMConnection *result = g_ptr_array_index(merged, j);
            NMConnection *original = NULL;

            for (guint k = 0; k < existing->len; k++) {
                if (g_strcmp0(nm_connection_get_uuid(g_ptr_array_index(existing, k)),
                              nm_connection_get_uuid(result)) == 0)
                    original = g_ptr_array_index(existing, k);
            }
            g_assert_nonnull(original);
            test_merge_assert_same_profile(result, original);
        }
    }
}

/* A kept never-default=yes against the document's gateway: NetworkManager
 * names ipv4.gateway, which is the document's, so the message must not
 * claim the profile keeps it; it quotes NetworkManager instead. */
static void
test_merge_conflict_owned_property(void)
{
    g_autoptr(GPtrArray) existing = test_merge_profiles_new();
    g_autoptr(NmvirtIfaceDef) def = NULL;
    g_autoptr(GPtrArray) merged = NULL;
    g_autoptr(GError) error = NULL;
    NMConnection *eth0 = test_merge_nmcli_eth0();

    g_object_set(nm_connection_get_setting_ip4_config(eth0), NM_SETTING_IP_CONFIG_GATEWAY, NULL,
                 NM_SETTING_IP_CONFIG_NEVER_DEFAULT, TRUE, NULL);
    g_ptr_array_add(existing, eth0);
    def = test_merge_parse("<interface type='ethernet' name='eth0'>\n"
                           "  <protocol family='ipv4'>\n"
                           "    <ip address='192.0.2.20' prefix='24'/>\n"
                           "    <route gateway='192.0.2.1'/>\n"
                           "  </protocol>\n"
                           "</interface>\n");
    merged = nmvirt_map_merge(def, existing, &error);
    g_assert_null(merged);
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_CONFLICT);
    g_assert_null(strstr(error->message, "keeps ipv4.gateway"));
    g_assert_nonnull(strstr(error->message, "ipv4.gateway: a gateway is incompatible with"));
    g_assert_nonnull(strstr(error->message, "keeps a setting"));
    g_assert_nonnull(strstr(error->message, "'eth0'"));
    g_assert_nonnull(strstr(error->message, nm_connection_get_uuid(eth0)));
}

/* An active-backup bond's primary is the XML's (its first member): a new
 * mode without a primary drops it, and active-backup replaces it. */
static void
test_merge_bond_primary(void)
{
    g_autoptr(GPtrArray) existing = test_merge_profiles_new();
    g_autoptr(NmvirtIfaceDef) def = test_merge_parse(test_merge_xml_bond0);
    g_autoptr(NmvirtIfaceDef) tlb = NULL;
    g_autoptr(GPtrArray) merged = NULL;
    NMConnection *bond0 = test_merge_nmcli_bond(FALSE);
    NMSettingBond *s_bond = nm_connection_get_setting_bond(bond0);
    NMSettingBond *s_result = NULL;

    g_assert_true(nm_setting_bond_add_option(s_bond, "mode", "1"));
    g_assert_true(nm_setting_bond_add_option(s_bond, "primary", "eth2"));
    nm_setting_bond_remove_option(s_bond, "xmit_hash_policy");
    g_ptr_array_add(existing, bond0);

    /* balance-xor: NetworkManager would refuse the old primary */
    merged = test_merge_run(def, existing);
    s_result = nm_connection_get_setting_bond(test_merge_get(merged, 0, "bond0"));
    g_assert_null(nm_setting_bond_get_option_by_name(s_result, "primary"));
    g_clear_pointer(&merged, g_ptr_array_unref);

    /* balance-tlb: the primary is the profile's, kept */
    g_assert_true(nm_setting_bond_add_option(s_bond, "mode", "balance-tlb"));
    tlb = test_merge_parse("<interface type='bond' name='bond0'>\n"
                           "  <bond mode='balance-tlb'>\n"
                           "    <miimon freq='100'/>\n"
                           "    <interface type='ethernet' name='eth1'/>\n"
                           "    <interface type='ethernet' name='eth2'/>\n"
                           "  </bond>\n"
                           "</interface>\n");
    merged = test_merge_run(tlb, existing);
    s_result = nm_connection_get_setting_bond(test_merge_get(merged, 0, "bond0"));
    g_assert_cmpstr(nm_setting_bond_get_option_by_name(s_result, "primary"), ==, "eth2");
    g_clear_pointer(&merged, g_ptr_array_unref);

    /* active-backup: the first member */
    g_assert_true(nm_setting_bond_add_option(s_bond, "mode", "active-backup"));
    tlb->bond.mode = NMVIRT_BOND_MODE_ACTIVE_BACKUP;
    merged = test_merge_run(tlb, existing);
    s_result = nm_connection_get_setting_bond(test_merge_get(merged, 0, "bond0"));
    g_assert_cmpstr(nm_setting_bond_get_option_by_name(s_result, "primary"), ==, "eth1");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/nmvirt/merge/update-in-place", test_merge_update_in_place);
    g_test_add_func("/nmvirt/merge/conflict-dns-search", test_merge_conflict_dns_search);
    g_test_add_func("/nmvirt/merge/take-over-port", test_merge_take_over_port);
    g_test_add_func("/nmvirt/merge/port-of-controller", test_merge_port_of_controller);
    g_test_add_func("/nmvirt/merge/unport", test_merge_unport);
    g_test_add_func("/nmvirt/merge/bond-options", test_merge_bond_options);
    g_test_add_func("/nmvirt/merge/bond-conflict", test_merge_bond_conflict);
    g_test_add_func("/nmvirt/merge/vlan-flags", test_merge_vlan_flags);
    g_test_add_func("/nmvirt/merge/user-data", test_merge_user_data);
    g_test_add_func("/nmvirt/merge/routes", test_merge_routes);
    g_test_add_func("/nmvirt/merge/type-change", test_merge_type_change);
    g_test_add_func("/nmvirt/merge/inputs-unchanged", test_merge_inputs_unchanged);
    g_test_add_func("/nmvirt/merge/uuid-taken", test_merge_uuid_taken);
    g_test_add_func("/nmvirt/merge/redefine-own", test_merge_redefine_own);
    g_test_add_func("/nmvirt/merge/conflict-owned-property", test_merge_conflict_owned_property);
    g_test_add_func("/nmvirt/merge/bond-primary", test_merge_bond_primary);
    g_test_add_func("/nmvirt/merge/foreign-roundtrip-unchanged",
                    test_merge_foreign_roundtrip_unchanged);
    return g_test_run();
}
