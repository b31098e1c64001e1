/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "nmvirt-map-private.h"
#include "nmvirt-test-map.h"
/* VLAN --------------------------------------------------------------------- */

static NmvirtIfaceDef *
test_map_vlan_new(const char *name, guint tag, const char *parent)
{
    NmvirtIfaceDef *def = nmvirt_iface_def_new(NMVIRT_IFACE_TYPE_VLAN, name);

    def->start_mode = NMVIRT_START_MODE_ONBOOT;
    def->vlan_tag = tag;
    def->vlan_parent = g_strdup(parent);
    return def;
}

static void
test_map_vlan_to_nm_basic(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_vlan_new("bond1.30", 30, "bond1");
    g_autoptr(GPtrArray) profiles = NULL;
    NMConnection *connection;
    NMSettingVlan *s_vlan;

    def->mtu = 1496;
    def->ipv6 = nmvirt_proto_def_new(NMVIRT_IP_FAMILY_IPV6);
    def->ipv6->dhcp = TRUE;
    profiles = nmvirt_test_map_to_nm(def);
    g_assert_cmpuint(profiles->len, ==, 1);
    connection = g_ptr_array_index(profiles, 0);
    g_assert_cmpstr(nm_connection_get_connection_type(connection), ==, "vlan");
    g_assert_cmpstr(nm_connection_get_interface_name(connection), ==, "bond1.30");
    g_assert_cmpstr(nm_connection_get_id(connection), ==, "bond1.30");
    s_vlan = nm_connection_get_setting_vlan(connection);
    g_assert_cmpuint(nm_setting_vlan_get_id(s_vlan), ==, 30);
    g_assert_cmpstr(nm_setting_vlan_get_parent(s_vlan), ==, "bond1");
    g_assert_cmpuint(nm_setting_vlan_get_flags(s_vlan), ==, NM_VLAN_FLAG_REORDER_HEADERS);
    g_assert_cmpuint(nm_setting_wired_get_mtu(nm_connection_get_setting_wired(connection)), ==,
                     1496);
    nmvirt_test_map_assert_from_nm(profiles, def);
}

static void
test_map_vlan_to_nm_tags(void)
{
    static const guint tags[] = { 0, 1, 4094 };

    for (guint i = 0; i < G_N_ELEMENTS(tags); i++) {
        g_autofree char *name = g_strdup_printf("vlan%u", tags[i]);
        g_autoptr(NmvirtIfaceDef) def = test_map_vlan_new(name, tags[i], "eth0");
        g_autoptr(GPtrArray) profiles = nmvirt_test_map_to_nm(def);

        g_assert_cmpuint(
            nm_setting_vlan_get_id(nm_connection_get_setting_vlan(g_ptr_array_index(profiles, 0))),
            ==, tags[i]);
        nmvirt_test_map_assert_from_nm(profiles, def);
    }
}

/* netcf's rule: a top-level vlan without a name is <parent>.<tag>. */
static void
test_map_vlan_to_nm_unnamed(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_vlan_new(NULL, 42, "eth0");
    g_autoptr(NmvirtIfaceDef) expected = test_map_vlan_new("eth0.42", 42, "eth0");
    g_autoptr(GPtrArray) profiles = nmvirt_test_map_to_nm(def);
    NMConnection *connection = g_ptr_array_index(profiles, 0);

    g_assert_cmpstr(nm_connection_get_interface_name(connection), ==, "eth0.42");
    g_assert_cmpstr(nm_connection_get_id(connection), ==, "eth0.42");
    g_assert_cmpstr(nm_connection_get_uuid(connection), ==, "ef6f049d-e1a3-5d81-9462-a3366343bc97");
    g_assert_cmpstr(nmvirt_map_user_data_get(connection, "nmvirt.interface"), ==, "eth0.42");
    nmvirt_test_map_assert_from_nm(profiles, expected);
}

static void
test_map_vlan_to_nm_bad_tag(void)
{
    g_autoptr(NmvirtIfaceDef) def = test_map_vlan_new("eth0.4095", 4095, "eth0");
    g_autoptr(GPtrArray) profiles = NULL;
    g_autoptr(GError) error = NULL;

    profiles = nmvirt_map_to_nm(def, &error);
    g_assert_null(profiles);
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML);
}

static NMConnection *
test_map_vlan_foreign_vlan_new(const char *ifname, const char *parent, guint id)
{
    NMConnection *connection = nmvirt_test_profile_new("vlan", "vlan-foreign", ifname);
    NMSetting *s_vlan = nm_setting_vlan_new();

    g_object_set(s_vlan, NM_SETTING_VLAN_ID, id, NM_SETTING_VLAN_PARENT, parent, NULL);
    nm_connection_add_setting(connection, s_vlan);
    nmvirt_test_profile_add_ip(connection, "disabled", "ignore");
    return connection;
}

/* nmcli lets vlan.parent name the parent profile by UUID. */
static void
test_map_vlan_from_nm_parent_uuid(void)
{
    NMConnection *parent =
        nmvirt_test_profile_new("802-3-ethernet", "Wired connection 1", "enp3s0");
    g_autoptr(GPtrArray) profiles = NULL;
    g_autoptr(NmvirtIfaceDef) expected = test_map_vlan_new("enp3s0.30", 30, "enp3s0");

    nm_connection_add_setting(parent, nm_setting_wired_new());
    profiles = nmvirt_test_profile_array_new(
        test_map_vlan_foreign_vlan_new("enp3s0.30", nm_connection_get_uuid(parent), 30), parent,
        NULL);
    nmvirt_test_map_assert_from_nm(profiles, expected);
}

/* NetworkManager names a vlan without interface-name <parent>.<id> too. */
static void
test_map_vlan_from_nm_no_name(void)
{
    g_autoptr(GPtrArray) profiles =
        nmvirt_test_profile_array_new(test_map_vlan_foreign_vlan_new(NULL, "eth1", 7), NULL);
    g_autoptr(NmvirtIfaceDef) expected = test_map_vlan_new("eth1.7", 7, "eth1");

    g_assert_true(nm_connection_verify(g_ptr_array_index(profiles, 0), NULL));
    nmvirt_test_map_assert_from_nm(profiles, expected);
}

static void
test_map_vlan_from_nm_unknown_parent_uuid(void)
{
    g_autoptr(GPtrArray) profiles = nmvirt_test_profile_array_new(
        test_map_vlan_foreign_vlan_new("v30", "0b9c3e6a-61ad-4bf0-9d4f-7c3f5e1a2b3c", 30), NULL);

    nmvirt_test_map_assert_from_nm_error(profiles, NMVIRT_ERROR_UNSUPPORTED, "vlan.parent");
}

/* A vlan as a bridge port: the port carries the bridge's start and MTU. */
static void
test_map_vlan_to_nm_bridge_port(void)
{
    g_autoptr(NmvirtIfaceDef) def = nmvirt_iface_def_new(NMVIRT_IFACE_TYPE_BRIDGE, "br30");
    g_autoptr(GPtrArray) profiles = NULL;
    NmvirtIfaceDef *port_def;
    NMConnection *port;

    def->start_mode = NMVIRT_START_MODE_ONBOOT;
    def->stp = NMVIRT_TRISTATE_YES;
    def->delay = g_strdup("4");
    port_def = test_map_vlan_new("enp3s0.30", 30, "enp3s0");
    /* Nested interfaces have no <start>. */
    port_def->start_mode = NMVIRT_START_MODE_UNSET;
    nmvirt_iface_def_add_member(def, port_def);
    profiles = nmvirt_test_map_to_nm(def);
    g_assert_cmpuint(profiles->len, ==, 2);
    port = g_ptr_array_index(profiles, 1);
    g_assert_cmpstr(nm_connection_get_id(port), ==, "br30-port-enp3s0.30");
    g_assert_cmpstr(nm_setting_connection_get_master(nm_connection_get_setting_connection(port)),
                    ==, "br30");
    g_assert_nonnull(nm_connection_get_setting_bridge_port(port));
    g_assert_nonnull(nm_connection_get_setting_wired(port));
    g_assert_null(nm_connection_get_setting_ip4_config(port));
    g_assert_cmpuint(nm_setting_vlan_get_flags(nm_connection_get_setting_vlan(port)), ==,
                     NM_VLAN_FLAG_REORDER_HEADERS);
    nmvirt_test_map_assert_from_nm(profiles, def);
}

/* Examples D and E of the spec: a vlan on a bond, DHCPv6 only; a bridge
 * whose only port is a vlan. */
static void
test_map_vlan_to_nm_xml_example(void)
{
    g_autoptr(GPtrArray) vlan =
        nmvirt_test_map_xml_round_trip("<interface type='vlan' name='bond1.30'>\n"
                                       "  <start mode='onboot'/>\n"
                                       "  <protocol family='ipv6'>\n"
                                       "    <dhcp/>\n"
                                       "  </protocol>\n"
                                       "  <vlan tag='30'>\n"
                                       "    <interface name='bond1'/>\n"
                                       "  </vlan>\n"
                                       "</interface>\n");
    g_autoptr(GPtrArray) bridge =
        nmvirt_test_map_xml_round_trip("<interface type='bridge' name='br30'>\n"
                                       "  <start mode='onboot'/>\n"
                                       "  <bridge stp='on' delay='4'>\n"
                                       "    <interface type='vlan' name='enp3s0.30'>\n"
                                       "      <vlan tag='30'>\n"
                                       "        <interface name='enp3s0'/>\n"
                                       "      </vlan>\n"
                                       "    </interface>\n"
                                       "  </bridge>\n"
                                       "</interface>\n");

    g_assert_cmpuint(vlan->len, ==, 1);
    g_assert_cmpuint(bridge->len, ==, 2);
    g_assert_cmpstr(
        nm_setting_vlan_get_parent(nm_connection_get_setting_vlan(g_ptr_array_index(bridge, 1))),
        ==, "enp3s0");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/nmvirt/map/to-nm/vlan/basic", test_map_vlan_to_nm_basic);
    g_test_add_func("/nmvirt/map/to-nm/vlan/tags", test_map_vlan_to_nm_tags);
    g_test_add_func("/nmvirt/map/to-nm/vlan/unnamed", test_map_vlan_to_nm_unnamed);
    g_test_add_func("/nmvirt/map/to-nm/vlan/bad-tag", test_map_vlan_to_nm_bad_tag);
    g_test_add_func("/nmvirt/map/to-nm/vlan/bridge-port", test_map_vlan_to_nm_bridge_port);
    g_test_add_func("/nmvirt/map/from-nm/vlan/parent-uuid", test_map_vlan_from_nm_parent_uuid);
    g_test_add_func("/nmvirt/map/from-nm/vlan/no-name", test_map_vlan_from_nm_no_name);
    g_test_add_func("/nmvirt/map/from-nm/vlan/unknown-parent-uuid",
                    test_map_vlan_from_nm_unknown_parent_uuid);
    g_test_add_func("/nmvirt/map/to-nm/vlan/xml-example", test_map_vlan_to_nm_xml_example);
    return g_test_run();
}
