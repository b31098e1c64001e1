/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "nmvirt-test-util.h"

/* A profile as NetworkManager stores it: only what the identity rule reads
 * is varied. @ifname, @mac and @master may be NULL. */
static NMConnection *
test_identity_profile(const char *uuid, const char *ifname, const char *mac, const char *master,
                      int priority, guint64 timestamp)
{
    NMConnection *profile = nm_simple_connection_new();
    NMSetting *s_con = nm_setting_connection_new();
    NMSetting *s_wired = nm_setting_wired_new();

    g_object_set(s_con, NM_SETTING_CONNECTION_ID, uuid, NM_SETTING_CONNECTION_UUID, uuid,
                 NM_SETTING_CONNECTION_TYPE, NM_SETTING_WIRED_SETTING_NAME,
                 NM_SETTING_CONNECTION_INTERFACE_NAME, ifname,
                 NM_SETTING_CONNECTION_AUTOCONNECT_PRIORITY, priority,
                 NM_SETTING_CONNECTION_TIMESTAMP, timestamp, NULL);
    if (master != NULL)
        g_object_set(s_con, NM_SETTING_CONNECTION_MASTER, master, NM_SETTING_CONNECTION_SLAVE_TYPE,
                     NM_SETTING_BRIDGE_SETTING_NAME, NULL);
    g_object_set(s_wired, NM_SETTING_WIRED_MAC_ADDRESS, mac, NULL);
    nm_connection_add_setting(profile, s_con);
    nm_connection_add_setting(profile, s_wired);
    return profile;
}

#define UUID_A "11111111-1111-4111-8111-111111111111"
#define UUID_B "22222222-2222-4222-8222-222222222222"
#define UUID_C "33333333-3333-4333-8333-333333333333"
#define UUID_D "44444444-4444-4444-8444-444444444444"

static GPtrArray *
test_identity_array(void)
{
    return g_ptr_array_new_with_free_func(g_object_unref);
}

static void
test_identity_assert_uuid(NMConnection *found, const char *uuid)
{
    g_assert_nonnull(found);
    g_assert_cmpstr(nm_connection_get_uuid(found), ==, uuid);
}

static void
test_identity_none(void)
{
    g_autoptr(GPtrArray) profiles = test_identity_array();

    g_assert_null(nmvirt_identity_find(profiles, "eth0", NULL, FALSE));
    g_ptr_array_add(profiles, test_identity_profile(UUID_A, "eth1", NULL, NULL, 0, 0));
    g_assert_null(nmvirt_identity_find(profiles, "eth0", NULL, FALSE));
    g_assert_null(nmvirt_identity_find(profiles, "eth0", NULL, TRUE));
    test_identity_assert_uuid(nmvirt_identity_find(profiles, "eth1", NULL, FALSE), UUID_A);
}

static void
test_identity_priority(void)
{
    g_autoptr(GPtrArray) profiles = test_identity_array();

    /* the higher priority wins over a more recent timestamp and a lower UUID */
    g_ptr_array_add(profiles, test_identity_profile(UUID_A, "eth0", NULL, NULL, 0, 2000));
    g_ptr_array_add(profiles, test_identity_profile(UUID_C, "eth0", NULL, NULL, 5, 1000));
    g_ptr_array_add(profiles, test_identity_profile(UUID_B, "eth0", NULL, NULL, -3, 3000));
    test_identity_assert_uuid(nmvirt_identity_find(profiles, "eth0", NULL, FALSE), UUID_C);
}

static void
test_identity_timestamp(void)
{
    g_autoptr(GPtrArray) profiles = test_identity_array();

    g_ptr_array_add(profiles, test_identity_profile(UUID_A, "eth0", NULL, NULL, 1, 1000));
    g_ptr_array_add(profiles, test_identity_profile(UUID_C, "eth0", NULL, NULL, 1, 1700000000));
    g_ptr_array_add(profiles, test_identity_profile(UUID_B, "eth0", NULL, NULL, 1, 0));
    test_identity_assert_uuid(nmvirt_identity_find(profiles, "eth0", NULL, FALSE), UUID_C);
}

static void
test_identity_uuid(void)
{
    g_autoptr(GPtrArray) profiles = test_identity_array();
    g_autoptr(GPtrArray) reversed = g_ptr_array_new();

    g_ptr_array_add(profiles, test_identity_profile(UUID_C, "eth0", NULL, NULL, 0, 10));
    g_ptr_array_add(profiles, test_identity_profile(UUID_B, "eth0", NULL, NULL, 0, 10));
    g_ptr_array_add(profiles, test_identity_profile(UUID_D, "eth0", NULL, NULL, 0, 10));
    test_identity_assert_uuid(nmvirt_identity_find(profiles, "eth0", NULL, FALSE), UUID_B);

    /* the order of the input does not matter */
    for (guint i = profiles->len; i > 0; i--)
        g_ptr_array_add(reversed, g_ptr_array_index(profiles, i - 1));
    test_identity_assert_uuid(nmvirt_identity_find(reversed, "eth0", NULL, FALSE), UUID_B);
}

static void
test_identity_mac(void)
{
    g_autoptr(GPtrArray) profiles = test_identity_array();

    /* bound to the NIC only, with upper-case MAC as some tools write it */
    g_ptr_array_add(profiles, test_identity_profile(UUID_B, NULL, "52:54:00:AB:CD:EF", NULL, 0, 0));
    /* same MAC but bound to another name: NetworkManager would never apply
     * it to eth0 */
    g_ptr_array_add(profiles,
                    test_identity_profile(UUID_A, "eth9", "52:54:00:ab:cd:ef", NULL, 0, 0));
    /* no interface name, another MAC */
    g_ptr_array_add(profiles, test_identity_profile(UUID_C, NULL, "52:54:00:00:00:01", NULL, 0, 0));

    test_identity_assert_uuid(nmvirt_identity_find(profiles, "eth0", "52:54:00:ab:cd:ef", FALSE),
                              UUID_B);
    g_assert_null(nmvirt_identity_find(profiles, "eth0", NULL, FALSE));
    g_assert_null(nmvirt_identity_find(profiles, "eth0", "52:54:00:00:00:02", FALSE));

    /* a profile with the name and a profile with the MAC compete by the
     * ordinary rule */
    g_ptr_array_add(profiles, test_identity_profile(UUID_D, "eth0", NULL, NULL, 0, 0));
    test_identity_assert_uuid(nmvirt_identity_find(profiles, "eth0", "52:54:00:ab:cd:ef", FALSE),
                              UUID_B);
    test_identity_assert_uuid(nmvirt_identity_find(profiles, "eth0", NULL, FALSE), UUID_D);
}

static void
test_identity_port(void)
{
    g_autoptr(GPtrArray) profiles = test_identity_array();

    /* the port profile has the higher priority, but it is not interface eth0
     * in the top-level sense */
    g_ptr_array_add(profiles, test_identity_profile(UUID_A, "eth0", NULL, "br0", 10, 5000));
    g_ptr_array_add(profiles, test_identity_profile(UUID_B, "eth0", NULL, NULL, 0, 0));

    test_identity_assert_uuid(nmvirt_identity_find(profiles, "eth0", NULL, FALSE), UUID_B);
    test_identity_assert_uuid(nmvirt_identity_find(profiles, "eth0", NULL, TRUE), UUID_A);

    g_ptr_array_remove_index(profiles, 1);
    g_assert_null(nmvirt_identity_find(profiles, "eth0", NULL, FALSE));
    test_identity_assert_uuid(nmvirt_identity_find(profiles, "eth0", NULL, TRUE), UUID_A);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/nmvirt/identity/none", test_identity_none);
    g_test_add_func("/nmvirt/identity/priority", test_identity_priority);
    g_test_add_func("/nmvirt/identity/timestamp", test_identity_timestamp);
    g_test_add_func("/nmvirt/identity/uuid", test_identity_uuid);
    g_test_add_func("/nmvirt/identity/mac", test_identity_mac);
    g_test_add_func("/nmvirt/identity/port", test_identity_port);
    return g_test_run();
}
