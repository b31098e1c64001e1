/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * NmvirtClient against a real NetworkManager: define, undefine, takeover,
 * the journal's restore, queries, NetworkManager down, an unmanaged device.
 * Runs INSIDE nmvirt-sandbox (see meson-client.txt here):
 *
 *   nmvirt-sandbox --ns --dhcp --nics 4 -- build/tests/integration/test-client
 *
 * Outside a sandbox it fails (it never touches the host's NetworkManager).
 * Every test starts and ends with no profiles but NetworkManager's own
 * generated ones. Checks go through the library and, independently,
 * through nmcli, ip and the keyfiles.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "nmvirt-client-private.h"
#include "nmvirt-error.h"
#include "nmvirt-map.h"
#include "nmvirt-test-util.h"
#include "nmvirt-xml.h"

static const char bridge_two_ports[] = "<interface type='bridge' name='br0'>\n"
                                       "  <start mode='onboot'/>\n"
                                       "  <protocol family='ipv4'>\n"
                                       "    <ip address='192.0.2.1' prefix='24'/>\n"
                                       "  </protocol>\n"
                                       "  <bridge stp='off'>\n"
                                       "    <interface type='ethernet' name='eth0'/>\n"
                                       "    <interface type='ethernet' name='eth1'/>\n"
                                       "  </bridge>\n"
                                       "</interface>\n";

static const char bridge_one_port[] = "<interface type='bridge' name='br0'>\n"
                                      "  <start mode='onboot'/>\n"
                                      "  <protocol family='ipv4'>\n"
                                      "    <ip address='192.0.2.1' prefix='24'/>\n"
                                      "  </protocol>\n"
                                      "  <bridge stp='on' delay='4'>\n"
                                      "    <interface type='ethernet' name='eth0'/>\n"
                                      "  </bridge>\n"
                                      "</interface>\n";

/* a bridge over a bond: ports of ports */
static const char bridge_bond[] = "<interface type='bridge' name='br1'>\n"
                                  "  <start mode='none'/>\n"
                                  "  <bridge stp='off'>\n"
                                  "    <interface type='bond' name='bond0'>\n"
                                  "      <bond mode='active-backup'>\n"
                                  "        <miimon freq='100'/>\n"
                                  "        <interface type='ethernet' name='eth2'/>\n"
                                  "        <interface type='ethernet' name='eth3'/>\n"
                                  "      </bond>\n"
                                  "    </interface>\n"
                                  "  </bridge>\n"
                                  "</interface>\n";

/* the same bridge with one member less and eth1 as a plain port */
static const char bridge_bond_changed[] = "<interface type='bridge' name='br1'>\n"
                                          "  <start mode='none'/>\n"
                                          "  <bridge stp='off'>\n"
                                          "    <interface type='bond' name='bond0'>\n"
                                          "      <bond mode='active-backup'>\n"
                                          "        <miimon freq='100'/>\n"
                                          "        <interface type='ethernet' name='eth2'/>\n"
                                          "      </bond>\n"
                                          "    </interface>\n"
                                          "    <interface type='ethernet' name='eth1'/>\n"
                                          "  </bridge>\n"
                                          "</interface>\n";

/* Helpers ---------------------------------------------------------------- */

/* Runs ARGV; asserts exit 0 unless @may_fail. Returns stdout. */
static char *
run_argv(const char *const *argv, gboolean may_fail, int *status)
{
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GError) error = NULL;
    int wait_status = 0;
    g_autofree char *command = g_strjoinv(" ", (char **)argv);

    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                      &wait_status, &error))
        g_error("cannot run %s: %s", command, error->message);
    if (status != NULL)
        *status = wait_status;
    if (!may_fail && !g_spawn_check_wait_status(wait_status, NULL))
        g_error("%s failed (%d): %s%s", command, wait_status, out, err);
    g_debug("%s: %s", command, out);
    return g_steal_pointer(&out);
}

#define run(...)            run_argv((const char *const[]){ __VA_ARGS__, NULL }, FALSE, NULL)
#define run_status(st, ...) run_argv((const char *const[]){ __VA_ARGS__, NULL }, TRUE, (st))

static char *
strip(char *text)
{
    return g_strstrip(text);
}

static NmvirtClient *
client_new(void)
{
    g_autoptr(GError) error = NULL;
    NmvirtClient *client = nmvirt_client_new(NULL, &error);

    g_assert_no_error(error);
    g_assert_nonnull(client);
    return client;
}

typedef struct {
    gboolean done;
    GAsyncResult *result;
} Wait;

static void
wait_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Wait *wait = user_data;

    wait->result = g_object_ref(result);
    wait->done = TRUE;
}

/* Deletes every profile but NetworkManager's generated ones. */
static void
delete_all_profiles(void)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autoptr(GPtrArray) profiles = nmvirt_client_get_profiles(client);
    GMainContext *context = nm_client_get_main_context(nmvirt_client_get_nm_client(client));

    g_main_context_push_thread_default(context);
    for (guint i = 0; i < profiles->len; i++) {
        NMRemoteConnection *profile = g_ptr_array_index(profiles, i);
        g_autoptr(GError) error = NULL;
        Wait wait = { FALSE, NULL };

        nm_remote_connection_delete_async(profile, NULL, wait_cb, &wait);
        nmvirt_client_iterate_until(client, &wait.done);
        nm_remote_connection_delete_finish(profile, wait.result, &error);
        g_assert_no_error(error);
        g_object_unref(wait.result);
    }
    g_main_context_pop_thread_default(context);
}

static int
compare_names(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

static void
append_dir(GString *out, const char *dir)
{
    g_autoptr(GDir) handle = g_dir_open(dir, 0, NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name = NULL;

    g_string_append_printf(out, "== %s\n", dir);
    if (handle == NULL)
        return;
    while ((name = g_dir_read_name(handle)) != NULL)
        g_ptr_array_add(names, g_strdup(name));
    g_ptr_array_sort(names, compare_names);
    for (guint i = 0; i < names->len; i++) {
        g_autofree char *path = g_build_filename(dir, g_ptr_array_index(names, i), NULL);
        g_autofree char *contents = NULL;

        g_assert_true(g_file_get_contents(path, &contents, NULL, NULL));
        g_string_append_printf(out, "-- %s\n%s", (char *)g_ptr_array_index(names, i), contents);
    }
}

static int
compare_uuid(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(nm_connection_get_uuid(NM_CONNECTION(*(NMConnection *const *)a)),
                     nm_connection_get_uuid(NM_CONNECTION(*(NMConnection *const *)b)));
}

/* Everything about the profiles, as a fresh client sees them (so the
 * cache of the client under test cannot hide anything), plus the keyfiles
 * in /etc and /run. */
static char *
snapshot(void)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autoptr(GPtrArray) profiles = nmvirt_client_get_profiles(client);
    GString *out = g_string_new(NULL);

    g_ptr_array_sort(profiles, compare_uuid);
    for (guint i = 0; i < profiles->len; i++) {
        NMRemoteConnection *profile = g_ptr_array_index(profiles, i);
        g_autoptr(GVariant) settings = g_variant_ref_sink(
            nm_connection_to_dbus(NM_CONNECTION(profile), NM_CONNECTION_SERIALIZE_ALL));
        g_autofree char *text = g_variant_print(settings, FALSE);

        g_string_append_printf(out, "%s unsaved=%d flags=%u file=%s\n  %s\n",
                               nm_connection_get_uuid(NM_CONNECTION(profile)),
                               nm_remote_connection_get_unsaved(profile),
                               (guint)nm_remote_connection_get_flags(profile),
                               nm_remote_connection_get_filename(profile), text);
    }
    append_dir(out, g_getenv("NMVIRT_SANDBOX_KEYFILE_DIR"));
    append_dir(out, g_getenv("NMVIRT_SANDBOX_RUN_KEYFILE_DIR"));
    return g_string_free(out, FALSE);
}

/* The runtime state of a device: NetworkManager's state and active
 * profile, and the kernel's link and addresses. */
static char *
device_state(const char *iface)
{
    g_autofree char *nm =
        run("nmcli", "-g", "GENERAL.STATE,GENERAL.CONNECTION", "device", "show", iface);
    g_autofree char *link = run("ip", "-br", "link", "show", "dev", iface);
    g_autofree char *addr = run("ip", "-br", "addr", "show", "dev", iface);

    return g_strdup_printf("%s%s%s", nm, link, addr);
}

/* Not active and no kernel device: for a software interface nobody started. */
static void
assert_no_kernel_device(const char *iface)
{
    int status = 0;
    g_autofree char *out = run_status(&status, "ip", "link", "show", "dev", iface);

    g_assert_false(g_spawn_check_wait_status(status, NULL));
}

static char *
nmcli_field(const char *field, const char *uuid)
{
    return strip(run("nmcli", "-g", field, "connection", "show", uuid));
}

/* User data @key of profile @uuid as a fresh client sees it, and as its
 * keyfile says (nmcli does not show user data). */
static char *
user_data(const char *uuid, const char *key)
{
    g_autoptr(NmvirtClient) client = client_new();
    NMRemoteConnection *profile =
        nm_client_get_connection_by_uuid(nmvirt_client_get_nm_client(client), uuid);
    NMSettingUser *s_user = NULL;
    g_autoptr(GKeyFile) keyfile = g_key_file_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *from_file = NULL;
    const char *value = NULL;

    g_assert_nonnull(profile);
    s_user =
        NM_SETTING_USER(nm_connection_get_setting(NM_CONNECTION(profile), NM_TYPE_SETTING_USER));
    value = s_user != NULL ? nm_setting_user_get_data(s_user, key) : NULL;
    g_assert_true(g_key_file_load_from_file(keyfile, nm_remote_connection_get_filename(profile),
                                            G_KEY_FILE_NONE, &error));
    g_assert_no_error(error);
    from_file = g_key_file_get_string(keyfile, "user", key, NULL);
    g_assert_cmpstr(from_file, ==, value);
    return g_strdup(value);
}

static char *
define(NmvirtClient *client, const char *xml)
{
    g_autoptr(GError) error = NULL;
    char *name = nmvirt_client_define(client, xml, NULL, &error);

    g_assert_no_error(error);
    g_assert_nonnull(name);
    return name;
}

static void
undefine(NmvirtClient *client, const char *name)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(nmvirt_client_undefine(client, name, NULL, &error));
    g_assert_no_error(error);
}

/* The profiles nmvirt_map_to_nm() makes for @xml: expected UUIDs and ids. */
static GPtrArray *
expected_profiles(const char *xml)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NmvirtIfaceDef) def = nmvirt_xml_parse_string(xml, -1, NULL, &error);
    GPtrArray *profiles = NULL;

    g_assert_no_error(error);
    profiles = nmvirt_map_to_nm(def, &error);
    g_assert_no_error(error);
    return profiles;
}

static void
assert_strv(GStrv actual, const char *const *expected)
{
    g_autofree char *a = g_strjoinv(",", actual);
    g_autofree char *e = g_strjoinv(",", (char **)expected);

    g_assert_cmpstr(a, ==, e);
}

static void
assert_list(NmvirtClient *client, NmvirtListFlags flags, const char *const *expected)
{
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) names = nmvirt_client_list(client, flags, &error);

    g_assert_no_error(error);
    assert_strv(names, expected);
}

/* Setup: nothing but generated profiles, every NIC disconnected. */
static void
fixture_setup(gpointer *fixture, gconstpointer data)
{
    delete_all_profiles();
}

static void
fixture_teardown(gpointer *fixture, gconstpointer data)
{
    g_unsetenv("NMVIRT_TEST_FAIL_AFTER_WRITES");
    delete_all_profiles();
}

/* Tests ------------------------------------------------------------------ */

static void
test_define_bridge(gpointer *fixture, gconstpointer data)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autoptr(GPtrArray) expected = expected_profiles(bridge_two_ports);
    g_autofree char *before0 = device_state("eth0");
    g_autofree char *before1 = device_state("eth1");
    g_autofree char *name = define(client, bridge_two_ports);
    g_autofree char *xml = NULL;
    g_autofree char *mac = NULL;
    g_autofree char *after0 = NULL;
    g_autofree char *after1 = NULL;
    g_autoptr(GError) error = NULL;
    gboolean active = TRUE;
    const char *const br0[] = { "br0", NULL };
    const char *const none[] = { NULL };

    g_assert_cmpstr(name, ==, "br0");
    g_assert_cmpuint(expected->len, ==, 3);
    for (guint i = 0; i < expected->len; i++) {
        NMConnection *profile = g_ptr_array_index(expected, i);
        const char *uuid = nm_connection_get_uuid(profile);
        g_autofree char *id = nmcli_field("connection.id", uuid);
        g_autofree char *master = nmcli_field("connection.master", uuid);
        NMRemoteConnection *remote =
            nm_client_get_connection_by_uuid(nmvirt_client_get_nm_client(client), uuid);
        const char *filename = remote != NULL ? nm_remote_connection_get_filename(remote) : NULL;

        g_assert_cmpstr(id, ==, nm_connection_get_id(profile));
        g_assert_cmpstr(master, ==, i == 0 ? "" : "br0");
        g_assert_nonnull(filename);
        g_assert_false(nm_remote_connection_get_unsaved(remote));
        g_assert_true(g_str_has_prefix(filename, g_getenv("NMVIRT_SANDBOX_KEYFILE_DIR")));
        g_assert_true(g_file_test(filename, G_FILE_TEST_IS_REGULAR));
    }
    g_assert_cmpstr(nm_connection_get_id(g_ptr_array_index(expected, 1)), ==, "br0-port-eth0");

    /* nothing activated */
    after0 = device_state("eth0");
    after1 = device_state("eth1");
    g_assert_cmpstr(after0, ==, before0);
    g_assert_cmpstr(after1, ==, before1);
    g_assert_true(g_str_has_prefix(after0, "30 (disconnected)"));
    assert_no_kernel_device("br0");

    /* queries, on the same client (its cache has caught up) */
    assert_list(client, NMVIRT_LIST_FLAGS_NONE, br0);
    assert_list(client, NMVIRT_LIST_FLAGS_INACTIVE, br0);
    assert_list(client, NMVIRT_LIST_FLAGS_ACTIVE, none);
    g_assert_true(nmvirt_client_has_interface(client, "br0"));
    /* a port is not a top-level interface */
    g_assert_false(nmvirt_client_has_interface(client, "eth0"));
    g_assert_true(nmvirt_client_is_active(client, "br0", &active, &error));
    g_assert_no_error(error);
    g_assert_false(active);
    xml = nmvirt_client_get_xml(client, "br0", NMVIRT_XML_FLAGS_NONE, &error);
    g_assert_no_error(error);
    nmvirt_test_assert_xml_equal(bridge_two_ports, xml);
    /* a bridge that is not up has no MAC: NULL without an error */
    mac = nmvirt_client_get_mac(client, "br0", &error);
    g_assert_no_error(error);
    g_assert_null(mac);
}

static void
test_define_redefine(gpointer *fixture, gconstpointer data)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autoptr(GPtrArray) first = expected_profiles(bridge_two_ports);
    const char *br0_uuid = nm_connection_get_uuid(g_ptr_array_index(first, 0));
    const char *eth0_uuid = nm_connection_get_uuid(g_ptr_array_index(first, 1));
    const char *eth1_uuid = nm_connection_get_uuid(g_ptr_array_index(first, 2));
    g_autofree char *name = define(client, bridge_two_ports);
    g_autofree char *name2 = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *zone = NULL;
    g_autofree char *stp = NULL;
    g_autofree char *out = NULL;
    g_autoptr(GError) error = NULL;
    int status = 0;

    /* a setting the XML has no words for, set with nmcli, survives */
    g_free(run("nmcli", "connection", "modify", br0_uuid, "connection.zone", "trusted"));
    name2 = define(client, bridge_one_port);
    g_assert_cmpstr(name2, ==, "br0");

    /* same UUIDs, dropped port deleted, others updated in place */
    g_free(nmcli_field("connection.id", br0_uuid));
    g_free(nmcli_field("connection.id", eth0_uuid));
    out = run_status(&status, "nmcli", "-g", "connection.id", "connection", "show", eth1_uuid);
    g_assert_false(g_spawn_check_wait_status(status, NULL));
    zone = nmcli_field("connection.zone", br0_uuid);
    g_assert_cmpstr(zone, ==, "trusted");
    stp = nmcli_field("bridge.stp", br0_uuid);
    g_assert_cmpstr(stp, ==, "yes");

    xml = nmvirt_client_get_xml(client, "br0", NMVIRT_XML_FLAGS_INACTIVE, &error);
    g_assert_no_error(error);
    nmvirt_test_assert_xml_equal(bridge_one_port, xml);
    assert_no_kernel_device("br0");

    /* a change made with nmcli just before a define is never lost (the
     * client's cache catches up before merging) */
    for (guint i = 0; i < 10; i++) {
        g_autofree char *wanted = g_strdup_printf("zone%u", i);
        g_autofree char *got = NULL;

        g_free(run("nmcli", "connection", "modify", br0_uuid, "connection.zone", wanted));
        g_free(define(client, i % 2 == 0 ? bridge_two_ports : bridge_one_port));
        got = nmcli_field("connection.zone", br0_uuid);
        g_assert_cmpstr(got, ==, wanted);
    }

    /* the same document again writes nothing: the keyfiles are untouched */
    {
        g_autofree char *before = snapshot();
        g_autofree char *again = define(client, bridge_one_port);
        g_autofree char *after = snapshot();

        g_assert_cmpstr(after, ==, before);
    }
}

/* A bridge over a bond: ports of ports are found, kept and deleted. */
static void
test_define_bond(gpointer *fixture, gconstpointer data)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autoptr(GPtrArray) first = expected_profiles(bridge_bond);
    g_autofree char *name = define(client, bridge_bond);
    g_autofree char *xml = NULL;
    g_autoptr(GError) error = NULL;
    int status = 0;

    g_assert_cmpuint(first->len, ==, 4);
    for (guint i = 0; i < first->len; i++)
        g_free(nmcli_field("connection.id", nm_connection_get_uuid(g_ptr_array_index(first, i))));
    xml = nmvirt_client_get_xml(client, "br1", NMVIRT_XML_FLAGS_NONE, &error);
    g_assert_no_error(error);
    nmvirt_test_assert_xml_equal(bridge_bond, xml);
    g_clear_pointer(&xml, g_free);

    g_free(define(client, bridge_bond_changed));
    /* eth3's member profile is gone, the others kept their UUIDs */
    for (guint i = 0; i < first->len; i++) {
        NMConnection *profile = g_ptr_array_index(first, i);
        g_autofree char *out = run_status(&status, "nmcli", "-g", "connection.id", "connection",
                                          "show", nm_connection_get_uuid(profile));

        g_assert_cmpint(g_spawn_check_wait_status(status, NULL), ==,
                        g_strcmp0(nm_connection_get_interface_name(profile), "eth3") != 0);
    }
    xml = nmvirt_client_get_xml(client, "br1", NMVIRT_XML_FLAGS_NONE, &error);
    g_assert_no_error(error);
    nmvirt_test_assert_xml_equal(bridge_bond_changed, xml);

    /* undefine removes the bond and its member too */
    undefine(client, "br1");
    {
        g_autofree char *left = snapshot();

        g_assert_null(strstr(left, "bond0"));
        g_assert_null(strstr(left, "eth2"));
        g_assert_null(strstr(left, "br1"));
    }
}

static void
assert_define_fails(NmvirtClient *client, const char *xml, int code, const char *fragment)
{
    g_autofree char *before = snapshot();
    g_autoptr(GError) error = NULL;
    g_autofree char *name = nmvirt_client_define(client, xml, NULL, &error);
    g_autofree char *after = NULL;

    g_assert_null(name);
    g_assert_error(error, NMVIRT_ERROR, code);
    if (fragment != NULL && strstr(error->message, fragment) == NULL)
        g_error("message '%s' lacks '%s'", error->message, fragment);
    after = snapshot();
    g_assert_cmpstr(after, ==, before);
}

static void
test_define_invalid(gpointer *fixture, gconstpointer data)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autofree char *dir = g_test_build_filename(G_TEST_DIST, "data", "invalid", NULL);
    g_autoptr(GDir) handle = g_dir_open(dir, 0, NULL);
    const char *file = NULL;
    guint count = 0;

    /* something to lose */
    g_free(define(client, bridge_two_ports));

    assert_define_fails(client, "<interface type='bridge' name='br0'", NMVIRT_ERROR_INVALID_XML,
                        NULL);
    assert_define_fails(client,
                        "<interface type='bridge' name='br0'><bridge stp='maybe'/></interface>",
                        NMVIRT_ERROR_INVALID_XML, "maybe");
    /* every invalid document of the unit tests */
    g_assert_nonnull(handle);
    while ((file = g_dir_read_name(handle)) != NULL) {
        g_autofree char *path = g_build_filename(dir, file, NULL);
        g_autofree char *xml = NULL;
        g_autofree char *before = NULL;
        g_autofree char *after = NULL;
        g_autoptr(GError) error = NULL;
        g_autofree char *name = NULL;

        if (!g_str_has_suffix(file, ".xml"))
            continue;
        g_assert_true(g_file_get_contents(path, &xml, NULL, NULL));
        before = snapshot();
        name = nmvirt_client_define(client, xml, NULL, &error);
        if (name != NULL)
            g_error("%s: define succeeded", file);
        g_assert_true(error->domain == NMVIRT_ERROR);
        after = snapshot();
        g_assert_cmpstr(after, ==, before);
        count++;
    }
    g_assert_cmpuint(count, >=, 30);
}

/* A setting kept from the existing profile that NetworkManager rejects in
 * the new shape: a conflict, and nothing changes. */
static void
test_define_conflict(gpointer *fixture, gconstpointer data)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autoptr(GPtrArray) profiles =
        expected_profiles("<interface type='ethernet' name='eth2'>"
                          "<protocol family='ipv4'><dhcp/></protocol></interface>");

    g_free(define(client, "<interface type='ethernet' name='eth2'>"
                          "<protocol family='ipv4'><dhcp/></protocol></interface>"));
    g_free(run("nmcli", "connection", "modify",
               nm_connection_get_uuid(g_ptr_array_index(profiles, 0)), "ipv4.dns-search",
               "example.com"));
    assert_define_fails(client, "<interface type='ethernet' name='eth2'/>", NMVIRT_ERROR_CONFLICT,
                        "ipv4.dns-search");
}

/* Adds a DHCP profile for @iface as another tool would (autoconnect=yes). */
static char *
add_dhcp_profile(NmvirtClient *client, const char *id, const char *iface)
{
    g_autoptr(NMConnection) connection = nm_simple_connection_new();
    NMSetting *s_con = nm_setting_connection_new();
    NMSetting *s_ip4 = nm_setting_ip4_config_new();
    NMSetting *s_ip6 = nm_setting_ip6_config_new();
    g_autofree char *uuid = nm_utils_uuid_generate();
    GMainContext *context = nm_client_get_main_context(nmvirt_client_get_nm_client(client));
    g_autoptr(GError) error = NULL;
    g_autoptr(NMRemoteConnection) remote = NULL;
    Wait wait = { FALSE, NULL };

    g_object_set(s_con, NM_SETTING_CONNECTION_ID, id, NM_SETTING_CONNECTION_UUID, uuid,
                 NM_SETTING_CONNECTION_TYPE, NM_SETTING_WIRED_SETTING_NAME,
                 NM_SETTING_CONNECTION_INTERFACE_NAME, iface, NM_SETTING_CONNECTION_AUTOCONNECT,
                 TRUE, NULL);
    g_object_set(s_ip4, NM_SETTING_IP_CONFIG_METHOD, NM_SETTING_IP4_CONFIG_METHOD_AUTO, NULL);
    g_object_set(s_ip6, NM_SETTING_IP_CONFIG_METHOD, NM_SETTING_IP6_CONFIG_METHOD_DISABLED, NULL);
    nm_connection_add_setting(connection, s_con);
    nm_connection_add_setting(connection, nm_setting_wired_new());
    nm_connection_add_setting(connection, s_ip4);
    nm_connection_add_setting(connection, s_ip6);
    g_assert_true(nm_connection_normalize(connection, NULL, NULL, &error));
    g_assert_no_error(error);

    g_main_context_push_thread_default(context);
    nm_client_add_connection2(nmvirt_client_get_nm_client(client),
                              nm_connection_to_dbus(connection, NM_CONNECTION_SERIALIZE_ALL),
                              NM_SETTINGS_ADD_CONNECTION2_FLAG_TO_DISK, NULL, TRUE, NULL, wait_cb,
                              &wait);
    nmvirt_client_iterate_until(client, &wait.done);
    g_main_context_pop_thread_default(context);
    remote = nm_client_add_connection2_finish(nmvirt_client_get_nm_client(client), wait.result,
                                              NULL, &error);
    g_object_unref(wait.result);
    g_assert_no_error(error);
    return g_steal_pointer(&uuid);
}

/* eth0's own active DHCP profile becomes br0's port in place (same UUID
 * and id), and eth0 stays as it was. */
static void
test_define_takeover_convert(gpointer *fixture, gconstpointer data)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autofree char *uuid = add_dhcp_profile(client, "eth0-own", "eth0");
    g_autofree char *up = run("nmcli", "--wait", "60", "connection", "up", uuid);
    g_autofree char *before = device_state("eth0");
    g_autofree char *after = NULL;
    g_autofree char *master = NULL;
    g_autofree char *id = NULL;
    g_autofree char *autoconnect = NULL;

    g_assert_true(g_str_has_prefix(before, "100 (connected)\neth0-own\n"));
    g_free(define(client, bridge_one_port));
    master = nmcli_field("connection.master", uuid);
    id = nmcli_field("connection.id", uuid);
    autoconnect = nmcli_field("connection.autoconnect", uuid);
    g_assert_cmpstr(master, ==, "br0");
    g_assert_cmpstr(id, ==, "eth0-own");
    g_assert_cmpstr(autoconnect, ==, "yes");
    after = device_state("eth0");
    g_assert_cmpstr(after, ==, before);
    assert_no_kernel_device("br0");
}

/* Another profile bound to a port's device is suspended and, on
 * undefine, resumed; eth0 stays as it was all along. */
static void
test_define_takeover_suspend(gpointer *fixture, gconstpointer data)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autofree char *uuid = NULL;
    g_autofree char *up = NULL;
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    g_autofree char *after_undefine = NULL;
    g_autofree char *autoconnect = NULL;
    g_autofree char *suspended_by = NULL;
    g_autofree char *profiles = NULL;

    /* br0 exists with its port profile for eth0; then somebody adds and
     * brings up a DHCP profile for eth0 */
    g_free(define(client, bridge_two_ports));
    uuid = add_dhcp_profile(client, "eth0-dhcp", "eth0");
    up = run("nmcli", "--wait", "60", "connection", "up", uuid);
    before = device_state("eth0");
    g_assert_true(g_str_has_prefix(before, "100 (connected)\neth0-dhcp\n"));

    g_free(define(client, bridge_one_port));
    autoconnect = nmcli_field("connection.autoconnect", uuid);
    g_assert_cmpstr(autoconnect, ==, "no");
    suspended_by = user_data(uuid, "nmvirt.suspended-by");
    g_assert_cmpstr(suspended_by, ==, "br0");
    after = device_state("eth0");
    g_assert_cmpstr(after, ==, before);

    /* the client sees it too */
    {
        NMRemoteConnection *profile =
            nm_client_get_connection_by_uuid(nmvirt_client_get_nm_client(client), uuid);
        NMSettingUser *s_user = NM_SETTING_USER(
            nm_connection_get_setting(NM_CONNECTION(profile), NM_TYPE_SETTING_USER));

        g_assert_nonnull(s_user);
        g_assert_cmpstr(nm_setting_user_get_data(s_user, "nmvirt.suspended-by"), ==, "br0");
    }

    undefine(client, "br0");
    g_clear_pointer(&autoconnect, g_free);
    autoconnect = nmcli_field("connection.autoconnect", uuid);
    g_assert_cmpstr(autoconnect, ==, "yes");
    profiles = user_data(uuid, "nmvirt.suspended-by");
    g_assert_null(profiles);
    g_assert_false(nmvirt_client_has_interface(client, "br0"));
    after_undefine = device_state("eth0");
    g_assert_cmpstr(after_undefine, ==, before);
}

/* NMVIRT_TEST_FAIL_AFTER_WRITES=N makes write N+1 fail: for every N, the
 * journal puts back exactly what was there. The define updates the bridge,
 * takes over eth2's own profile, adds a port, suspends another profile of
 * eth2 (kept in memory only), and deletes the port eth1. */
static void
test_define_restore(gpointer *fixture, gconstpointer data)
{
    g_autoptr(NmvirtClient) client = client_new();
    const char *xml = "<interface type='bridge' name='br0'>\n"
                      "  <bridge stp='on'>\n"
                      "    <interface type='ethernet' name='eth0'/>\n"
                      "    <interface type='ethernet' name='eth2'/>\n"
                      "    <interface type='ethernet' name='eth3'/>\n"
                      "  </bridge>\n"
                      "</interface>\n";
    g_autofree char *own = NULL;
    g_autofree char *other = NULL;
    g_autofree char *before = NULL;
    guint n = 0;

    g_free(define(client, bridge_two_ports));
    own = add_dhcp_profile(client, "eth2-own", "eth2");
    other = add_dhcp_profile(client, "eth2-other", "eth2");
    /* eth2-own is the identity profile: the higher priority */
    g_free(run("nmcli", "connection", "modify", own, "connection.autoconnect-priority", "10"));
    /* one profile kept in memory only (/run) */
    g_free(run("nmcli", "connection", "modify", "--temporary", other, "ipv4.dhcp-timeout", "30"));
    before = snapshot();
    g_assert_nonnull(strstr(before, "unsaved=1"));

    for (n = 0;; n++) {
        g_autofree char *value = g_strdup_printf("%u", n);
        g_autoptr(GError) error = NULL;
        g_autofree char *name = NULL;
        g_autofree char *after = NULL;

        g_setenv("NMVIRT_TEST_FAIL_AFTER_WRITES", value, TRUE);
        name = nmvirt_client_define(client, xml, NULL, &error);
        if (name != NULL)
            break;
        g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INTERNAL);
        g_assert_nonnull(strstr(error->message, "test hook"));
        g_clear_error(&error);
        after = snapshot();
        g_assert_cmpstr(after, ==, before);
        /* and the client under test sees the old state again */
        {
            g_autofree char *inactive =
                nmvirt_client_get_xml(client, "br0", NMVIRT_XML_FLAGS_INACTIVE, &error);

            g_assert_no_error(error);
            nmvirt_test_assert_xml_equal(bridge_two_ports, inactive);
        }
    }
    g_unsetenv("NMVIRT_TEST_FAIL_AFTER_WRITES");
    /* br0 (update), eth2-own (takeover), eth3 (add), br0-port-eth1
     * (delete), eth2-other (suspend): 5 writes; br0-port-eth0 does not
     * change */
    g_test_message("define succeeded after %u writes", n);
    g_assert_cmpuint(n, ==, 5);
    {
        g_autofree char *suspended = user_data(other, "nmvirt.suspended-by");
        g_autofree char *master = nmcli_field("connection.master", own);

        g_assert_cmpstr(suspended, ==, "br0");
        g_assert_cmpstr(master, ==, "br0");
    }

    /* undefine too: every partial undefine is undone */
    g_clear_pointer(&before, g_free);
    before = snapshot();
    for (n = 0;; n++) {
        g_autofree char *value = g_strdup_printf("%u", n);
        g_autoptr(GError) error = NULL;
        g_autofree char *after = NULL;

        g_setenv("NMVIRT_TEST_FAIL_AFTER_WRITES", value, TRUE);
        if (nmvirt_client_undefine(client, "br0", NULL, &error))
            break;
        g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INTERNAL);
        after = snapshot();
        g_assert_cmpstr(after, ==, before);
    }
    g_unsetenv("NMVIRT_TEST_FAIL_AFTER_WRITES");
    /* 4 deletes and one resume */
    g_assert_cmpuint(n, ==, 5);
}

static void
test_undefine_bridge(gpointer *fixture, gconstpointer data)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autofree char *before = snapshot();
    g_autofree char *after = NULL;
    g_autoptr(GError) error = NULL;
    const char *const none[] = { NULL };

    g_free(define(client, bridge_two_ports));
    undefine(client, "br0");
    after = snapshot();
    g_assert_cmpstr(after, ==, before);
    assert_list(client, NMVIRT_LIST_FLAGS_NONE, none);

    g_assert_false(nmvirt_client_undefine(client, "br0", NULL, &error));
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_NOT_FOUND);
    g_assert_nonnull(strstr(error->message, "no interface named 'br0'"));
}

static void
test_query_mac(gpointer *fixture, gconstpointer data)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autofree char *device_mac = strip(run("cat", "/sys/class/net/eth2/address"));
    g_autofree char *xml = g_strdup_printf("<interface type='ethernet' name='eth2'>"
                                           "<mac address='%s'/></interface>",
                                           device_mac);
    g_autofree char *upper = g_ascii_strup(device_mac, -1);
    g_autofree char *mac = NULL;
    g_auto(GStrv) names = NULL;
    g_autoptr(GError) error = NULL;
    const char *const eth2[] = { "eth2", NULL };
    const char *const both[] = { "br0", "eth2", NULL };

    g_free(define(client, xml));
    g_free(define(client, bridge_two_ports));
    assert_list(client, NMVIRT_LIST_FLAGS_NONE, both);

    mac = nmvirt_client_get_mac(client, "eth2", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(mac, ==, device_mac);
    names = nmvirt_client_lookup_by_mac(client, upper, &error);
    g_assert_no_error(error);
    assert_strv(names, eth2);
    g_clear_pointer(&names, g_strfreev);
    names = nmvirt_client_lookup_by_mac(client, "02:00:00:00:00:99", &error);
    g_assert_no_error(error);
    g_assert_cmpuint(g_strv_length(names), ==, 0);

    g_clear_pointer(&mac, g_free);
    mac = nmvirt_client_get_mac(client, "nothere", &error);
    g_assert_null(mac);
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_NOT_FOUND);
    g_clear_error(&error);
    g_assert_null(nmvirt_client_get_xml(client, "nothere", NMVIRT_XML_FLAGS_NONE, &error));
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_NOT_FOUND);
    g_clear_error(&error);
    g_assert_false(nmvirt_client_has_interface(client, "nothere"));

    /* lookup: a top-level interface, a port (not one), nothing */
    g_assert_true(nmvirt_client_lookup(client, "br0", &error));
    g_assert_no_error(error);
    g_assert_false(nmvirt_client_lookup(client, "eth0", &error));
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_NOT_FOUND);
    g_clear_error(&error);
    g_assert_false(nmvirt_client_lookup(client, "nothere", &error));
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_NOT_FOUND);
}

/* NetworkManager's generated profiles (lo here) are not interfaces. */
static void
test_query_generated(gpointer *fixture, gconstpointer data)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autofree char *all = run("nmcli", "-g", "NAME", "connection", "show");
    const char *const none[] = { NULL };

    g_assert_nonnull(strstr(all, "lo"));
    assert_list(client, NMVIRT_LIST_FLAGS_NONE, none);
    g_assert_false(nmvirt_client_has_interface(client, "lo"));
}

static void
async_done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Wait *wait = user_data;

    wait->result = g_object_ref(result);
    wait->done = TRUE;
}

static void
iterate(GMainContext *context, Wait *wait)
{
    while (!wait->done)
        g_main_context_iteration(context, TRUE);
}

/* The asynchronous API in a context of the caller's: the client lives
 * there, every callback comes there, and disposing of the client leaves
 * nothing behind in it. */
static void
test_define_async(gpointer *fixture, gconstpointer data)
{
    g_autoptr(GMainContext) context = g_main_context_new();
    g_autoptr(NmvirtClient) client = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *name = NULL;
    Wait wait = { FALSE, NULL };

    g_main_context_push_thread_default(context);
    nmvirt_client_new_async(NULL, async_done_cb, &wait);
    iterate(context, &wait);
    client = nmvirt_client_new_finish(wait.result, &error);
    g_assert_no_error(error);
    g_clear_object(&wait.result);
    g_assert_true(nm_client_get_main_context(nmvirt_client_get_nm_client(client)) == context);

    wait.done = FALSE;
    nmvirt_client_define_async(client, bridge_two_ports, NULL, async_done_cb, &wait);
    g_assert_false(wait.done);
    iterate(context, &wait);
    name = nmvirt_client_define_finish(client, wait.result, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(name, ==, "br0");
    g_clear_object(&wait.result);
    g_assert_true(nmvirt_client_has_interface(client, "br0"));

    /* an invalid document fails through the callback too */
    wait.done = FALSE;
    nmvirt_client_define_async(client, "<interface/>", NULL, async_done_cb, &wait);
    iterate(context, &wait);
    g_assert_null(nmvirt_client_define_finish(client, wait.result, &error));
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML);
    g_clear_error(&error);
    g_clear_object(&wait.result);

    wait.done = FALSE;
    nmvirt_client_undefine_async(client, "br0", NULL, async_done_cb, &wait);
    iterate(context, &wait);
    g_assert_true(nmvirt_client_undefine_finish(client, wait.result, &error));
    g_assert_no_error(error);
    g_clear_object(&wait.result);
    g_assert_false(nmvirt_client_has_interface(client, "br0"));

    /* a cancelled define writes nothing */
    {
        g_autoptr(GCancellable) cancellable = g_cancellable_new();
        g_autofree char *before = snapshot();
        g_autofree char *after = NULL;

        wait.done = FALSE;
        nmvirt_client_define_async(client, bridge_two_ports, cancellable, async_done_cb, &wait);
        g_cancellable_cancel(cancellable);
        iterate(context, &wait);
        g_assert_null(nmvirt_client_define_finish(client, wait.result, &error));
        g_assert_error(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
        g_clear_object(&wait.result);
        after = snapshot();
        g_assert_cmpstr(after, ==, before);
    }

    g_clear_object(&client);
    /* nothing of the client is left to dispatch */
    g_assert_false(g_main_context_pending(context));
    g_main_context_pop_thread_default(context);
}

static void
assert_daemon_error(const GError *error, gint64 start)
{
    gint64 elapsed = g_get_monotonic_time() - start;

    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_DAEMON);
    g_assert_nonnull(strstr(error->message, "NetworkManager is not running"));
    g_test_message("failed after %.3f s", elapsed / 1e6);
    g_assert_cmpint(elapsed, <, 5 * G_USEC_PER_SEC);
}

static void
test_daemon_down(gpointer *fixture, gconstpointer data)
{
    g_autoptr(NmvirtClient) old_client = client_new();
    g_autoptr(NmvirtClient) client = NULL;
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) names = NULL;
    g_autofree char *name = NULL;
    gint64 start = 0;

    g_free(run("nmvirt-sandbox-nm", "stop"));

    start = g_get_monotonic_time();
    client = nmvirt_client_new(NULL, &error);
    g_assert_no_error(error);
    names = nmvirt_client_list(client, NMVIRT_LIST_FLAGS_NONE, &error);
    g_assert_null(names);
    assert_daemon_error(error, start);
    g_clear_error(&error);

    start = g_get_monotonic_time();
    name = nmvirt_client_define(client, bridge_two_ports, NULL, &error);
    g_assert_null(name);
    assert_daemon_error(error, start);
    g_clear_error(&error);

    start = g_get_monotonic_time();
    g_assert_false(nmvirt_client_undefine(client, "br0", NULL, &error));
    assert_daemon_error(error, start);
    g_clear_error(&error);

    /* a client made while NetworkManager ran learns that it stopped */
    start = g_get_monotonic_time();
    names = nmvirt_client_list(old_client, NMVIRT_LIST_FLAGS_NONE, &error);
    g_assert_null(names);
    assert_daemon_error(error, start);
    g_clear_error(&error);

    g_free(run("nmvirt-sandbox-nm", "start"));
}

/* A client made by nmvirt_client_new() that saw NetworkManager stop, or
 * that was made while it was down, answers completely once it is back:
 * every profile, right at the first call. */
static void
test_daemon_back(gpointer *fixture, gconstpointer data)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autoptr(NmvirtClient) client_down = NULL;
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) names = NULL;
    gboolean active = TRUE;
    const char *const both[] = { "br1", "eth1", NULL };

    g_free(
        define(client, "<interface type='ethernet' name='eth1'><start mode='none'/></interface>"));
    g_free(define(client, bridge_bond));
    assert_list(client, NMVIRT_LIST_FLAGS_NONE, both);

    g_free(run("nmvirt-sandbox-nm", "stop"));
    client_down = client_new();
    g_assert_false(nmvirt_client_lookup(client, "eth1", &error));
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_DAEMON);
    g_clear_error(&error);
    g_free(run("nmvirt-sandbox-nm", "start"));

    assert_list(client, NMVIRT_LIST_FLAGS_NONE, both);
    assert_list(client_down, NMVIRT_LIST_FLAGS_NONE, both);
    g_assert_true(nmvirt_client_is_active(client_down, "br1", &active, &error));
    g_assert_no_error(error);
    g_assert_false(active);

    /* a restart between two calls, never seen down */
    g_free(run("nmvirt-sandbox-nm", "restart"));
    names = nmvirt_client_list(client, NMVIRT_LIST_FLAGS_INACTIVE, &error);
    g_assert_no_error(error);
    assert_strv(names, both);
    g_assert_true(nmvirt_client_undefine(client, "br1", NULL, &error));
    g_assert_no_error(error);
}

static void
nm_restart(const char *nics)
{
    const char *argv[] = { "nmvirt-sandbox-nm", "restart", NULL };
    g_auto(GStrv) env = g_get_environ();
    g_autoptr(GError) error = NULL;
    int status = 0;

    /* the sandbox waits until every NIC is managed; eth3 will not be */
    env = g_environ_setenv(env, "NMVIRT_SANDBOX_NICS", nics, TRUE);
    g_assert_true(g_spawn_sync(NULL, (char **)argv, env, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                               NULL, &status, &error));
    g_assert_no_error(error);
    g_assert_true(g_spawn_check_wait_status(status, NULL));
}

static void
test_define_unmanaged(gpointer *fixture, gconstpointer data)
{
    const char *conf = "/etc/NetworkManager/conf.d/90-nmvirt-test-unmanaged.conf";
    g_autoptr(NmvirtClient) client = NULL;
    g_autofree char *state = NULL;
    g_autoptr(GError) error = NULL;

    g_assert_true(g_file_set_contents(conf, "[keyfile]\nunmanaged-devices=interface-name:eth3\n",
                                      -1, &error));
    g_assert_no_error(error);
    nm_restart("3");
    state = strip(run("nmcli", "-g", "GENERAL.STATE", "device", "show", "eth3"));
    g_assert_cmpstr(state, ==, "10 (unmanaged)");

    client = client_new();
    assert_define_fails(client, "<interface type='ethernet' name='eth3'/>",
                        NMVIRT_ERROR_UNSUPPORTED, "does not manage device 'eth3'");
    assert_define_fails(client,
                        "<interface type='bridge' name='br0'><bridge>"
                        "<interface type='ethernet' name='eth3'/></bridge></interface>",
                        NMVIRT_ERROR_UNSUPPORTED, "nmcli device set eth3 managed yes");
    /* a software device that does not exist yet is fine */
    g_free(define(client, bridge_two_ports));

    g_clear_object(&client);
    g_assert_cmpint(g_unlink(conf), ==, 0);
    nm_restart("4");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    /* never against the host's NetworkManager */
    if (g_getenv("NMVIRT_SANDBOX") == NULL || g_getenv("NMVIRT_SANDBOX_KEYFILE_DIR") == NULL)
        g_error("run me inside nmvirt-sandbox (see tests/integration/meson-client.txt)");

#define ADD(path, func) g_test_add(path, gpointer, NULL, fixture_setup, func, fixture_teardown)
    ADD("/nmvirt/daemon/define/bridge", test_define_bridge);
    ADD("/nmvirt/daemon/define/redefine", test_define_redefine);
    ADD("/nmvirt/daemon/define/bridge-over-bond", test_define_bond);
    ADD("/nmvirt/daemon/define/invalid", test_define_invalid);
    ADD("/nmvirt/daemon/define/conflict", test_define_conflict);
    ADD("/nmvirt/daemon/define/takeover-convert", test_define_takeover_convert);
    ADD("/nmvirt/daemon/define/takeover-suspend", test_define_takeover_suspend);
    ADD("/nmvirt/daemon/define/restore", test_define_restore);
    ADD("/nmvirt/daemon/define/async", test_define_async);
    ADD("/nmvirt/daemon/define/unmanaged", test_define_unmanaged);
    ADD("/nmvirt/daemon/undefine/bridge", test_undefine_bridge);
    ADD("/nmvirt/daemon/query/mac", test_query_mac);
    ADD("/nmvirt/daemon/query/generated", test_query_generated);
    ADD("/nmvirt/daemon/down/calls", test_daemon_down);
    ADD("/nmvirt/daemon/down/back", test_daemon_back);
#undef ADD
    return g_test_run();
}
