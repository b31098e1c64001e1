/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "nmvirt-client-private.h"
#include "nmvirt-test-daemon.h"

void
nmvirt_test_daemon_require_sandbox(void)
{
    if (g_getenv("NMVIRT_SANDBOX") == NULL || g_getenv("NMVIRT_SANDBOX_KEYFILE_DIR") == NULL)
        g_error("run me inside nmvirt-sandbox (see tests/integration/meson.build)");
}

char *
nmvirt_test_daemon_run_argv(const char *const *argv, gboolean may_fail, int *status, char **err)
{
    g_autofree char *out = NULL;
    g_autofree char *errors = NULL;
    g_autoptr(GError) error = NULL;
    int wait_status = 0;
    g_autofree char *command = g_strjoinv(" ", (char **)argv);

    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &errors,
                      &wait_status, &error))
        g_error("cannot run %s: %s", command, error->message);
    if (status != NULL)
        *status = wait_status;
    if (!may_fail && !g_spawn_check_wait_status(wait_status, NULL))
        g_error("%s failed (%d): %s%s", command, wait_status, out, errors);
    g_debug("%s: %s%s", command, out, errors);
    if (err != NULL)
        *err = g_steal_pointer(&errors);
    return g_steal_pointer(&out);
}

NmvirtClient *
nmvirt_test_daemon_client_new(void)
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
} NmvirtTestWait;

static void
nmvirt_test_daemon_wait_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    NmvirtTestWait *wait = user_data;

    wait->result = g_object_ref(result);
    wait->done = TRUE;
}

void
nmvirt_test_daemon_delete_all_profiles(void)
{
    g_autoptr(NmvirtClient) client = nmvirt_test_daemon_client_new();
    g_autoptr(GPtrArray) profiles = nmvirt_client_get_profiles(client);
    GMainContext *context = nm_client_get_main_context(nmvirt_client_get_nm_client(client));

    g_main_context_push_thread_default(context);
    for (guint i = 0; i < profiles->len; i++) {
        NMRemoteConnection *profile = g_ptr_array_index(profiles, i);
        g_autoptr(GError) error = NULL;
        NmvirtTestWait wait = { FALSE, NULL };

        nm_remote_connection_delete_async(profile, NULL, nmvirt_test_daemon_wait_cb, &wait);
        nmvirt_client_iterate_until(client, &wait.done);
        nm_remote_connection_delete_finish(profile, wait.result, &error);
        g_assert_no_error(error);
        g_object_unref(wait.result);
    }
    g_main_context_pop_thread_default(context);
}

static char *
nmvirt_test_daemon_read(const char *path)
{
    g_autofree char *contents = NULL;

    if (path == NULL || !g_file_get_contents(path, &contents, NULL, NULL))
        return g_strdup("(no file)\n");
    return g_steal_pointer(&contents);
}

/* The lines of @text without those starting with @prefix. */
static char *
nmvirt_test_daemon_drop_lines(const char *text, const char *prefix)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    GString *out = g_string_new(NULL);

    for (guint i = 0; lines[i] != NULL; i++) {
        if (g_str_has_prefix(lines[i], prefix))
            continue;
        g_string_append(out, lines[i]);
        if (lines[i + 1] != NULL)
            g_string_append_c(out, '\n');
    }
    return g_string_free(out, FALSE);
}

static char *
nmvirt_test_daemon_dump(NMRemoteConnection *remote, gboolean ignore_timestamp)
{
    g_autoptr(NMConnection) copy = nm_simple_connection_new_clone(NM_CONNECTION(remote));
    g_autoptr(GVariant) settings = NULL;
    g_autofree char *text = NULL;
    g_autofree char *file = nmvirt_test_daemon_read(nm_remote_connection_get_filename(remote));

    if (ignore_timestamp) {
        g_autofree char *without = nmvirt_test_daemon_drop_lines(file, "timestamp=");

        g_free(file);
        file = g_steal_pointer(&without);
        g_object_set(nm_connection_get_setting_connection(copy), NM_SETTING_CONNECTION_TIMESTAMP,
                     (guint64)0, NULL);
    }
    settings = g_variant_ref_sink(nm_connection_to_dbus(copy, NM_CONNECTION_SERIALIZE_ALL));
    text = g_variant_print(settings, FALSE);
    return g_strdup_printf("%s unsaved=%d flags=%u file=%s\n  %s\n%s", nm_connection_get_uuid(copy),
                           nm_remote_connection_get_unsaved(remote),
                           (guint)nm_remote_connection_get_flags(remote),
                           nm_remote_connection_get_filename(remote), text, file);
}

char *
nmvirt_test_daemon_profile_dump(const char *uuid, gboolean ignore_timestamp)
{
    g_autoptr(NmvirtClient) client = nmvirt_test_daemon_client_new();
    NMRemoteConnection *remote =
        nm_client_get_connection_by_uuid(nmvirt_client_get_nm_client(client), uuid);

    if (remote == NULL)
        return g_strdup("");
    return nmvirt_test_daemon_dump(remote, ignore_timestamp);
}

static int
nmvirt_test_daemon_compare_uuid(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(nm_connection_get_uuid(*(NMConnection *const *)a),
                     nm_connection_get_uuid(*(NMConnection *const *)b));
}

static int
nmvirt_test_daemon_compare_names(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

static void
nmvirt_test_daemon_list_dir(GString *out, const char *dir)
{
    g_autoptr(GDir) handle = g_dir_open(dir, 0, NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name = NULL;

    g_string_append_printf(out, "== %s\n", dir);
    while (handle != NULL && (name = g_dir_read_name(handle)) != NULL)
        g_ptr_array_add(names, g_strdup(name));
    g_ptr_array_sort(names, nmvirt_test_daemon_compare_names);
    for (guint i = 0; i < names->len; i++)
        g_string_append_printf(out, "%s\n", (char *)g_ptr_array_index(names, i));
}

char *
nmvirt_test_daemon_snapshot(gboolean ignore_timestamp)
{
    g_autoptr(NmvirtClient) client = nmvirt_test_daemon_client_new();
    g_autoptr(GPtrArray) profiles = nmvirt_client_get_profiles(client);
    GString *out = g_string_new(NULL);

    g_ptr_array_sort(profiles, nmvirt_test_daemon_compare_uuid);
    for (guint i = 0; i < profiles->len; i++) {
        g_autofree char *dump =
            nmvirt_test_daemon_dump(g_ptr_array_index(profiles, i), ignore_timestamp);

        g_string_append(out, dump);
    }
    nmvirt_test_daemon_list_dir(out, g_getenv("NMVIRT_SANDBOX_KEYFILE_DIR"));
    nmvirt_test_daemon_list_dir(out, g_getenv("NMVIRT_SANDBOX_RUN_KEYFILE_DIR"));
    return g_string_free(out, FALSE);
}

void
nmvirt_test_daemon_assert_same(const char *before, const char *after)
{
    g_auto(GStrv) a = g_strsplit(before, "\n", -1);
    g_auto(GStrv) b = g_strsplit(after, "\n", -1);
    const char *profile = "";

    for (guint i = 0;; i++) {
        if (a[i] == NULL && b[i] == NULL)
            return;
        if (a[i] == NULL || b[i] == NULL || strcmp(a[i], b[i]) != 0)
            g_error("differs at line %u (after '%s'):\n- %s\n+ %s", i + 1, profile,
                    a[i] != NULL ? a[i] : "(end)", b[i] != NULL ? b[i] : "(end)");
        if (strstr(a[i], " unsaved=") != NULL)
            profile = a[i];
    }
}

char *
nmvirt_test_daemon_nmcli_field(const char *field, const char *profile)
{
    char *out = nmvirt_test_run("nmcli", "-g", field, "connection", "show", profile);

    return g_strstrip(out);
}

char *
nmvirt_test_daemon_uuid_of(const char *id)
{
    return nmvirt_test_daemon_nmcli_field("connection.uuid", id);
}

char *
nmvirt_test_daemon_user_data(const char *uuid, const char *key)
{
    g_autoptr(NmvirtClient) client = nmvirt_test_daemon_client_new();
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

void
nmvirt_test_daemon_set_user_data(const char *uuid, const char *key, const char *value)
{
    g_autoptr(NmvirtClient) client = nmvirt_test_daemon_client_new();
    NMClient *nm = nmvirt_client_get_nm_client(client);
    NMRemoteConnection *profile = nm_client_get_connection_by_uuid(nm, uuid);
    g_autoptr(NMConnection) copy = NULL;
    NMSettingUser *s_user = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) out = NULL;
    GMainContext *context = nm_client_get_main_context(nm);
    NmvirtTestWait wait = { FALSE, NULL };

    g_assert_nonnull(profile);
    copy = nm_simple_connection_new_clone(NM_CONNECTION(profile));
    s_user = NM_SETTING_USER(nm_connection_get_setting(copy, NM_TYPE_SETTING_USER));
    if (s_user == NULL) {
        s_user = NM_SETTING_USER(nm_setting_user_new());
        nm_connection_add_setting(copy, NM_SETTING(s_user));
    }
    g_assert_true(nm_setting_user_set_data(s_user, key, value, &error));
    g_main_context_push_thread_default(context);
    nm_remote_connection_update2(profile, nm_connection_to_dbus(copy, NM_CONNECTION_SERIALIZE_ALL),
                                 NM_SETTINGS_UPDATE2_FLAG_TO_DISK, NULL, NULL,
                                 nmvirt_test_daemon_wait_cb, &wait);
    nmvirt_client_iterate_until(client, &wait.done);
    g_main_context_pop_thread_default(context);
    out = nm_remote_connection_update2_finish(profile, wait.result, &error);
    g_object_unref(wait.result);
    g_assert_no_error(error);
}

NMConnection *
nmvirt_test_daemon_get_profile(const char *uuid)
{
    g_autoptr(NmvirtClient) client = nmvirt_test_daemon_client_new();
    NMRemoteConnection *profile =
        nm_client_get_connection_by_uuid(nmvirt_client_get_nm_client(client), uuid);

    return profile != NULL ? nm_simple_connection_new_clone(NM_CONNECTION(profile)) : NULL;
}
