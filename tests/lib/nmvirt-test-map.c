/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "nmvirt-map-private.h"
#include "nmvirt-test-map.h"

GPtrArray *
nmvirt_test_map_to_nm(const NmvirtIfaceDef *def)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) profiles = nmvirt_map_to_nm(def, &error);

    g_assert_no_error(error);
    g_assert_nonnull(profiles);
    nmvirt_test_assert_profiles_normalized(profiles);
    return g_steal_pointer(&profiles);
}

void
nmvirt_test_map_assert_from_nm(GPtrArray *profiles, const NmvirtIfaceDef *expected)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NmvirtIfaceDef) def =
        nmvirt_map_from_nm(g_ptr_array_index(profiles, 0), profiles, &error);
    g_autofree char *want_xml = nmvirt_xml_format(expected);
    g_autofree char *want = nmvirt_map_def_to_string(expected);
    g_autofree char *got_xml = NULL;
    g_autofree char *got = NULL;

    g_assert_no_error(error);
    got_xml = nmvirt_xml_format(def);
    g_assert_cmpstr(got_xml, ==, want_xml);
    got = nmvirt_map_def_to_string(def);
    g_assert_cmpstr(got, ==, want);
}

GPtrArray *
nmvirt_test_map_xml_round_trip(const char *xml)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NmvirtIfaceDef) def = nmvirt_xml_parse_string(xml, -1, "test.xml", &error);
    g_autoptr(GPtrArray) profiles = NULL;

    g_assert_no_error(error);
    profiles = nmvirt_test_map_to_nm(def);
    nmvirt_test_map_assert_from_nm(profiles, def);
    return g_steal_pointer(&profiles);
}

void
nmvirt_test_map_assert_from_nm_error(GPtrArray *profiles, int code, const char *fragment)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NmvirtIfaceDef) def =
        nmvirt_map_from_nm(g_ptr_array_index(profiles, 0), profiles, &error);

    g_assert_null(def);
    g_assert_error(error, NMVIRT_ERROR, code);
    if (strstr(error->message, fragment) == NULL)
        g_error("message '%s' lacks '%s'", error->message, fragment);
}

NMConnection *
nmvirt_test_profile_new(const char *type, const char *id, const char *ifname)
{
    NMConnection *connection = nm_simple_connection_new();
    NMSetting *s_con = nm_setting_connection_new();
    g_autofree char *uuid = g_uuid_string_random();

    g_object_set(s_con, NM_SETTING_CONNECTION_ID, id, NM_SETTING_CONNECTION_UUID, uuid,
                 NM_SETTING_CONNECTION_TYPE, type, NM_SETTING_CONNECTION_INTERFACE_NAME, ifname,
                 NULL);
    nm_connection_add_setting(connection, s_con);
    return connection;
}

void
nmvirt_test_profile_add_ip(NMConnection *connection, const char *method4, const char *method6)
{
    NMSetting *s_ip4 = nm_setting_ip4_config_new();
    NMSetting *s_ip6 = nm_setting_ip6_config_new();

    g_object_set(s_ip4, NM_SETTING_IP_CONFIG_METHOD, method4, NULL);
    g_object_set(s_ip6, NM_SETTING_IP_CONFIG_METHOD, method6, NULL);
    nm_connection_add_setting(connection, s_ip4);
    nm_connection_add_setting(connection, s_ip6);
}

GPtrArray *
nmvirt_test_profile_array_new(NMConnection *first, ...)
{
    GPtrArray *profiles = g_ptr_array_new_with_free_func(g_object_unref);
    va_list args;

    va_start(args, first);
    for (NMConnection *connection = first; connection != NULL;
         connection = va_arg(args, NMConnection *))
        g_ptr_array_add(profiles, connection);
    va_end(args);
    return profiles;
}
