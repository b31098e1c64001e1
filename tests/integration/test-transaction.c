/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Transactions against a real NetworkManager: begin, commit, rollback
 * through the library and the nmvirt command, across processes, with a
 * timeout, after a NetworkManager restart, with secrets. Runs INSIDE
 * nmvirt-sandbox (see meson.build here):
 *
 *   nmvirt-sandbox --ns --nics 4 -- build/tests/integration/test-transaction
 *
 * NMVIRT_CLI names the nmvirt command, NMVIRT_ROLLBACK_TIMER the timer
 * program (both from the build tree); the journal lives in the sandbox's
 * NMVIRT_STATE_DIR. Every test starts and ends with no profiles but
 * NetworkManager's generated ones and no transaction open. Checks go
 * through the library and, independently, through nmcli, ip, /proc and
 * the journal directory.
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "nmvirt-client-private.h"
#include "nmvirt-error.h"
#include "nmvirt-transaction-file.h"

/* an inactive bridge with one port; redefined below with another port */
static const char bridge_a[] = "<interface type='bridge' name='brA'>\n"
                               "  <start mode='none'/>\n"
                               "  <protocol family='ipv4'>\n"
                               "    <ip address='192.0.2.1' prefix='24'/>\n"
                               "  </protocol>\n"
                               "  <bridge stp='off'>\n"
                               "    <interface type='ethernet' name='eth0'/>\n"
                               "  </bridge>\n"
                               "</interface>\n";

static const char bridge_a_changed[] = "<interface type='bridge' name='brA'>\n"
                                       "  <start mode='onboot'/>\n"
                                       "  <mtu size='1400'/>\n"
                                       "  <protocol family='ipv4'>\n"
                                       "    <ip address='198.51.100.1' prefix='25'/>\n"
                                       "  </protocol>\n"
                                       "  <bridge stp='on' delay='4'>\n"
                                       "    <interface type='ethernet' name='eth1'/>\n"
                                       "  </bridge>\n"
                                       "</interface>\n";

/* active from before begin: a VM's tap joins it meanwhile */
static const char bridge_k[] = "<interface type='bridge' name='brK'>\n"
                               "  <start mode='none'/>\n"
                               "  <protocol family='ipv4'>\n"
                               "    <ip address='192.0.2.10' prefix='24'/>\n"
                               "  </protocol>\n"
                               "  <bridge stp='off'/>\n"
                               "</interface>\n";

/* new within the transaction, and started */
static const char bridge_n[] = "<interface type='bridge' name='brN'>\n"
                               "  <start mode='none'/>\n"
                               "  <protocol family='ipv4'>\n"
                               "    <ip address='192.0.2.20' prefix='24'/>\n"
                               "  </protocol>\n"
                               "  <bridge stp='off'>\n"
                               "    <interface type='ethernet' name='eth2'/>\n"
                               "  </bridge>\n"
                               "</interface>\n";

static const char bridge_t[] = "<interface type='bridge' name='brT'>\n"
                               "  <start mode='none'/>\n"
                               "  <bridge stp='off'/>\n"
                               "</interface>\n";

/* Helpers ---------------------------------------------------------------- */

/* Runs ARGV; asserts exit 0 unless @may_fail. Returns stdout; stderr in *@err_out. */
static char *
run_argv(const char *const *argv, gboolean may_fail, int *status, char **err_out)
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
    {
        g_autofree char *said = g_strdup_printf("%s%s", out, err);

        /* one line: GTest marks only the first as a TAP comment */
        g_strdelimit(said, "\n", ' ');
        g_test_message("%s: %s", command, said);
    }
    if (err_out != NULL)
        *err_out = g_steal_pointer(&err);
    return g_steal_pointer(&out);
}

#define run(...) run_argv((const char *const[]){ __VA_ARGS__, NULL }, FALSE, NULL, NULL)
#define run_status(st, err, ...)                                                                   \
    run_argv((const char *const[]){ __VA_ARGS__, NULL }, TRUE, (st), (err))

static const char *
cli(void)
{
    return g_getenv("NMVIRT_CLI");
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

static void
define(NmvirtClient *client, const char *xml)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *name = nmvirt_client_define(client, xml, NULL, &error);

    g_assert_no_error(error);
    g_assert_nonnull(name);
}

static void
undefine(NmvirtClient *client, const char *name)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(nmvirt_client_undefine(client, name, NULL, &error));
    g_assert_no_error(error);
}

static void
start(NmvirtClient *client, const char *name)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(nmvirt_client_start(client, name, 30000, NULL, &error));
    g_assert_no_error(error);
}

static void
begin(NmvirtClient *client, guint timeout_s)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(nmvirt_client_change_begin(client, timeout_s, NULL, &error));
    g_assert_no_error(error);
}

static void
rollback(NmvirtClient *client)
{
    g_autoptr(GError) error = NULL;
    gint64 t0 = g_get_monotonic_time();

    g_assert_true(nmvirt_client_change_rollback(client, NULL, &error));
    g_assert_no_error(error);
    g_test_message("rollback: %.0f ms", (g_get_monotonic_time() - t0) / 1000.0);
}

static void
commit(NmvirtClient *client)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(nmvirt_client_change_commit(client, NULL, &error));
    g_assert_no_error(error);
}

static char *
journal_path(void)
{
    return g_build_filename(g_getenv("NMVIRT_STATE_DIR"), "transaction", NULL);
}

static gboolean
journal_exists(void)
{
    g_autofree char *path = journal_path();

    return g_file_test(path, G_FILE_TEST_EXISTS);
}

/* Whether a profile's interface-name is @iface, as a fresh client sees it. */
static gboolean
profile_exists(const char *iface)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autoptr(GPtrArray) profiles = nmvirt_client_get_profiles(client);

    for (guint i = 0; i < profiles->len; i++) {
        if (g_strcmp0(nm_connection_get_interface_name(g_ptr_array_index(profiles, i)), iface) == 0)
            return TRUE;
    }
    return FALSE;
}

static gboolean
kernel_device_exists(const char *iface)
{
    g_autofree char *path = g_build_filename("/sys/class/net", iface, NULL);

    return g_file_test(path, G_FILE_TEST_EXISTS);
}

static char *
device_field(const char *iface, const char *field)
{
    return g_strstrip(run("nmcli", "-g", field, "device", "show", iface));
}

/* Polls @check for up to @timeout_ms. */
static gboolean
wait_for(gboolean (*check)(gconstpointer), gconstpointer data, guint timeout_ms)
{
    gint64 until = g_get_monotonic_time() + (gint64)timeout_ms * 1000;

    while (!check(data)) {
        if (g_get_monotonic_time() > until)
            return FALSE;
        g_usleep(100000);
    }
    return TRUE;
}

static gboolean
check_kernel_device_gone(gconstpointer iface)
{
    return !kernel_device_exists(iface);
}

static gboolean
check_disconnected(gconstpointer iface)
{
    g_autofree char *state = device_field(iface, "GENERAL.STATE");

    return g_str_equal(state, "30 (disconnected)");
}

/* The PIDs of running nmvirt-rollback-timer processes (of this sandbox's
 * PID namespace: nothing else is visible). */
static GArray *
timer_pids(void)
{
    g_autoptr(GDir) proc = g_dir_open("/proc", 0, NULL);
    GArray *pids = g_array_new(FALSE, FALSE, sizeof(int));
    const char *name = NULL;

    g_assert_nonnull(proc);
    while ((name = g_dir_read_name(proc)) != NULL) {
        g_autofree char *path = g_build_filename("/proc", name, "cmdline", NULL);
        g_autofree char *cmdline = NULL;
        int pid = atoi(name);

        if (pid <= 0 || !g_file_get_contents(path, &cmdline, NULL, NULL))
            continue;
        if (g_str_has_suffix(cmdline, "nmvirt-rollback-timer"))
            g_array_append_val(pids, pid);
    }
    return pids;
}

static gboolean
check_no_timer(gconstpointer data)
{
    g_autoptr(GArray) pids = timer_pids();

    return pids->len == 0;
}

static void
delete_all_profiles(void)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autoptr(GPtrArray) profiles = nmvirt_client_get_profiles(client);

    for (guint i = 0; i < profiles->len; i++)
        g_free(run("nmcli", "connection", "delete", "uuid",
                   nm_connection_get_uuid(g_ptr_array_index(profiles, i))));
}

static void
nm_restart(void)
{
    g_free(run("nmvirt-sandbox-nm", "restart"));
}

/* One profile as a fresh client sees it. */
typedef struct {
    NMConnection *settings;
    gboolean in_memory;
    char *dir;
} Saved;

static void
saved_free(Saved *saved)
{
    g_clear_object(&saved->settings);
    g_free(saved->dir);
    g_free(saved);
}

/* Every profile but NetworkManager's generated ones: UUID -> Saved. */
static GHashTable *
snapshot(void)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autoptr(GPtrArray) profiles = nmvirt_client_get_profiles(client);
    GHashTable *table =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)saved_free);

    for (guint i = 0; i < profiles->len; i++) {
        NMRemoteConnection *profile = g_ptr_array_index(profiles, i);
        Saved *saved = g_new0(Saved, 1);

        saved->settings = nm_simple_connection_new_clone(NM_CONNECTION(profile));
        saved->in_memory = nmvirt_journal_storage_of(profile) == NMVIRT_JOURNAL_STORAGE_MEMORY;
        saved->dir = g_path_get_dirname(nm_remote_connection_get_filename(profile));
        g_hash_table_insert(table, g_strdup(nm_connection_get_uuid(NM_CONNECTION(profile))), saved);
    }
    return table;
}

/* The same UUIDs, settings equal by nm_connection_compare() (EXACT but
 * for the timestamp), in the same storage and directory. */
static void
assert_snapshots_equal(GHashTable *before, GHashTable *after)
{
    GHashTableIter iter;
    gpointer uuid = NULL;
    gpointer value = NULL;

    g_hash_table_iter_init(&iter, before);
    while (g_hash_table_iter_next(&iter, &uuid, &value)) {
        Saved *old = value;
        Saved *now = g_hash_table_lookup(after, uuid);

        g_test_message("profile %s '%s'", (char *)uuid, nm_connection_get_id(old->settings));
        g_assert_nonnull(now);
        if (!nm_connection_compare(old->settings, now->settings,
                                   NM_SETTING_COMPARE_FLAG_EXACT |
                                       NM_SETTING_COMPARE_FLAG_IGNORE_TIMESTAMP)) {
            g_autoptr(GVariant) a = g_variant_ref_sink(
                nm_connection_to_dbus(old->settings, NM_CONNECTION_SERIALIZE_ALL));
            g_autoptr(GVariant) b = g_variant_ref_sink(
                nm_connection_to_dbus(now->settings, NM_CONNECTION_SERIALIZE_ALL));
            g_autofree char *text_a = g_variant_print(a, FALSE);
            g_autofree char *text_b = g_variant_print(b, FALSE);

            g_error("profile %s differs:\nbefore %s\nafter  %s", (char *)uuid, text_a, text_b);
        }
        g_assert_cmpint(old->in_memory, ==, now->in_memory);
        g_assert_cmpstr(old->dir, ==, now->dir);
    }
    g_assert_cmpuint(g_hash_table_size(before), ==, g_hash_table_size(after));
}

static void
assert_transaction_error(const GError *error, const char *fragment)
{
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_TRANSACTION);
    if (strstr(error->message, fragment) == NULL)
        g_error("'%s' does not say '%s'", error->message, fragment);
}

/* A profile of /run that is not nmvirt's: NetworkManager's "save no". */
static void
add_run_profile(void)
{
    g_free(run("nmcli", "connection", "add", "save", "no", "type", "ethernet", "ifname", "eth3",
               "con-name", "eth3-run", "autoconnect", "no", "ipv4.method", "manual",
               "ipv4.addresses", "192.0.2.33/24"));
}

static void
fixture_setup(gpointer *fixture, gconstpointer data)
{
    g_assert_false(journal_exists());
    delete_all_profiles();
}

static void
fixture_teardown(gpointer *fixture, gconstpointer data)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autoptr(GError) error = NULL;
    int status = 0;

    /* a failed test must not leave its transaction to the next one */
    g_assert_true(nmvirt_client_change_rollback_full(
        client, NMVIRT_CLIENT_TRANSACTION_FLAGS_IF_OPEN, NULL, NULL, &error));
    g_assert_no_error(error);
    g_clear_object(&client);
    g_free(run_status(&status, NULL, "ip", "link", "delete", "tap0"));
    delete_all_profiles();
    g_assert_true(wait_for(check_no_timer, NULL, 5000));
}

/* Tests ------------------------------------------------------------------ */

/* begin -> redefine an inactive interface, undefine another (of /run),
 * define and start a new bridge, a tap appears, another tool adds a
 * profile -> rollback. */
static void
test_rollback(gpointer *fixture, gconstpointer data)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autoptr(GHashTable) before = NULL;
    g_autoptr(GHashTable) after = NULL;
    g_autofree char *eth2_before = NULL;
    g_autofree char *eth2_after = NULL;
    g_autofree char *tap = NULL;
    g_autofree char *other_uuid = NULL;
    g_autoptr(NmvirtClient) fresh = NULL;
    gboolean active = FALSE;
    g_autoptr(GError) error = NULL;
    struct stat st;
    g_autofree char *path = journal_path();

    define(client, bridge_a);
    define(client, bridge_k);
    start(client, "brK");
    add_run_profile();
    before = snapshot();
    g_assert_cmpuint(g_hash_table_size(before), ==, 4); /* brA, its port, brK, eth3-run */
    eth2_before = device_field("eth2", "GENERAL.STATE");
    g_assert_cmpstr(eth2_before, ==, "30 (disconnected)");

    begin(client, 0);
    /* the journal: only root reads it (profiles hold secrets) */
    g_assert_cmpint(g_stat(path, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0600);
    g_assert_cmpint(g_stat(g_getenv("NMVIRT_STATE_DIR"), &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0700);

    define(client, bridge_a_changed);
    undefine(client, "eth3");
    define(client, bridge_n);
    start(client, "brN");
    g_free(run("ip", "tuntap", "add", "dev", "tap0", "mode", "tap"));
    g_free(run("ip", "link", "set", "tap0", "master", "brK", "up"));
    g_free(run("nmcli", "connection", "add", "type", "ethernet", "ifname", "eth9", "con-name",
               "other", "autoconnect", "no"));
    other_uuid = g_strstrip(run("nmcli", "-g", "connection.uuid", "connection", "show", "other"));
    g_assert_true(kernel_device_exists("brN"));
    g_assert_false(profile_exists("eth3"));

    rollback(client);
    g_assert_false(journal_exists());

    /* the profiles: as they were, plus the other tool's new one */
    after = snapshot();
    g_assert_true(g_hash_table_remove(after, other_uuid));
    assert_snapshots_equal(before, after);
    /* the new bridge: profile and device gone, its port disconnected */
    g_assert_false(profile_exists("brN"));
    g_assert_true(wait_for(check_kernel_device_gone, "brN", 5000));
    g_assert_true(wait_for(check_disconnected, "eth2", 5000));
    /* the tap made after begin is still there, still in its bridge */
    g_assert_true(kernel_device_exists("tap0"));
    tap = run("ip", "-o", "link", "show", "dev", "tap0");
    g_assert_nonnull(strstr(tap, "master brK"));
    /* what was active is active, and NetworkManager's checkpoint is gone */
    fresh = client_new();
    g_assert_true(nmvirt_client_is_active(fresh, "brK", &active, &error));
    g_assert_no_error(error);
    g_assert_true(active);
    g_assert_cmpuint(nm_client_get_checkpoints(nmvirt_client_get_nm_client(fresh))->len, ==, 0);
    eth2_after = device_field("eth2", "GENERAL.STATE");
    g_assert_cmpstr(eth2_after, ==, eth2_before);
}

static const char bridge_k_changed[] = "<interface type='bridge' name='brK'>\n"
                                       "  <start mode='none'/>\n"
                                       "  <protocol family='ipv4'>\n"
                                       "    <ip address='198.51.100.10' prefix='24'/>\n"
                                       "  </protocol>\n"
                                       "  <bridge stp='off'/>\n"
                                       "</interface>\n";

static gboolean
check_address(gconstpointer expected)
{
    int status = 0;
    g_autofree char *addresses =
        run_status(&status, NULL, "ip", "-br", "-4", "addr", "show", "dev", "brK");

    return strstr(addresses, expected) != NULL;
}

/* An interface active at begin, redefined and restarted within the
 * transaction: rollback puts its profile back and NetworkManager's
 * checkpoint its device, with the old address. */
static void
test_rollback_active(gpointer *fixture, gconstpointer data)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autoptr(GHashTable) before = NULL;
    g_autoptr(GHashTable) after = NULL;
    g_autoptr(GError) error = NULL;

    define(client, bridge_k);
    start(client, "brK");
    g_assert_true(check_address("192.0.2.10/24"));
    before = snapshot();

    begin(client, 0);
    define(client, bridge_k_changed);
    g_assert_true(nmvirt_client_stop(client, "brK", NULL, &error));
    g_assert_no_error(error);
    start(client, "brK");
    g_assert_true(check_address("198.51.100.10/24"));

    rollback(client);
    after = snapshot();
    assert_snapshots_equal(before, after);
    g_assert_true(wait_for(check_address, "192.0.2.10/24", 10000));
    g_assert_false(check_address("198.51.100.10"));

    /* stopped within the transaction (its device is deleted): back up */
    begin(client, 0);
    g_assert_true(nmvirt_client_stop(client, "brK", NULL, &error));
    g_assert_no_error(error);
    g_assert_true(wait_for(check_kernel_device_gone, "brK", 5000));
    rollback(client);
    g_assert_true(wait_for(check_address, "192.0.2.10/24", 10000));
    g_clear_pointer(&after, g_hash_table_unref);
    after = snapshot();
    assert_snapshots_equal(before, after);
}

/* begin -> change -> commit keeps the change; the state is closed. */
static void
test_commit(gpointer *fixture, gconstpointer data)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autoptr(NmvirtClient) fresh = NULL;
    g_autoptr(GHashTable) changed = NULL;
    g_autoptr(GHashTable) after = NULL;

    define(client, bridge_a);
    begin(client, 0);
    define(client, bridge_a_changed);
    define(client, bridge_t);
    changed = snapshot();
    commit(client);
    g_assert_false(journal_exists());
    after = snapshot();
    assert_snapshots_equal(changed, after);
    g_assert_true(profile_exists("brT"));
    g_assert_true(profile_exists("eth1"));
    fresh = client_new();
    g_assert_cmpuint(nm_client_get_checkpoints(nmvirt_client_get_nm_client(fresh))->len, ==, 0);
}

/* Calls in the wrong state fail clearly and change nothing. */
static void
test_wrong_state(gpointer *fixture, gconstpointer data)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autoptr(NmvirtClient) other = client_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    g_autofree char *path = journal_path();

    g_assert_false(nmvirt_client_change_commit(client, NULL, &error));
    assert_transaction_error(error, "cannot commit: no transaction is open");
    g_clear_error(&error);
    g_assert_false(nmvirt_client_change_rollback(client, NULL, &error));
    assert_transaction_error(error, "cannot roll back: no transaction is open");
    g_clear_error(&error);
    g_assert_false(journal_exists());

    begin(client, 0);
    g_assert_true(g_file_get_contents(path, &before, NULL, NULL));
    /* a second begin, from this client or another */
    g_assert_false(nmvirt_client_change_begin(client, 0, NULL, &error));
    assert_transaction_error(error, "cannot begin a transaction: one is already open");
    g_clear_error(&error);
    g_assert_false(nmvirt_client_change_begin(other, 30, NULL, &error));
    assert_transaction_error(error, "commit or roll it back first");
    g_clear_error(&error);
    g_assert_true(g_file_get_contents(path, &after, NULL, NULL));
    g_assert_true(g_str_equal(before, after));
    g_assert_cmpuint(nm_client_get_checkpoints(nmvirt_client_get_nm_client(other))->len, ==, 1);
    /* no timer for a transaction without a timeout */
    g_assert_true(check_no_timer(NULL));

    commit(other);
    g_assert_false(nmvirt_client_change_commit(client, NULL, &error));
    assert_transaction_error(error, "no transaction is open");
    g_clear_error(&error);
}

/* begin and commit in different processes (the nmvirt command), a second
 * begin of the command fails, two begins at once: one wins. */
static void
test_processes(gpointer *fixture, gconstpointer data)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status = 0;
    int ok = 0;
    GPid pids[2];
    int outs[2];

    out = run(cli(), "begin");
    g_assert_cmpstr(out, ==, "Transaction begun\n");
    g_clear_pointer(&out, g_free);
    out = run_status(&status, &err, cli(), "begin");
    g_assert_false(g_spawn_check_wait_status(status, NULL));
    g_assert_cmpint(WEXITSTATUS(status), ==, 1);
    g_assert_nonnull(strstr(err, "one is already open"));
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);

    define(client, bridge_t);
    out = run(cli(), "commit");
    g_assert_cmpstr(out, ==, "Transaction committed\n");
    g_clear_pointer(&out, g_free);
    g_assert_true(profile_exists("brT"));
    g_assert_false(journal_exists());
    out = run_status(&status, &err, cli(), "commit");
    g_assert_cmpint(WEXITSTATUS(status), ==, 1);
    g_assert_nonnull(strstr(err, "no transaction is open"));
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);

    /* the boot-time unit's command with a transaction open */
    g_free(run(cli(), "begin"));
    undefine(client, "brT");
    out = run(cli(), "rollback", "--if-open");
    g_assert_cmpstr(out, ==, "Transaction rolled back\n");
    g_clear_pointer(&out, g_free);
    g_assert_true(profile_exists("brT"));

    /* begun by the command, rolled back by the library */
    g_free(run(cli(), "begin"));
    undefine(client, "brT");
    rollback(client);
    g_assert_true(profile_exists("brT"));
    out = run(cli(), "rollback", "--if-open");
    g_assert_cmpstr(out, ==, "No transaction is open\n");
    g_clear_pointer(&out, g_free);

    /* two processes begin at the same moment: the lock lets one through */
    for (guint i = 0; i < 2; i++) {
        const char *argv[] = { cli(), "begin", NULL };
        g_autoptr(GError) error = NULL;

        g_assert_true(g_spawn_async_with_pipes(
            NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
            NULL, &pids[i], NULL, NULL, &outs[i], &error));
        g_assert_no_error(error);
    }
    for (guint i = 0; i < 2; i++) {
        g_autofree char *text = NULL;
        g_autoptr(GIOChannel) channel = g_io_channel_unix_new(outs[i]);

        g_io_channel_set_close_on_unref(channel, TRUE);
        g_io_channel_read_to_end(channel, &text, NULL, NULL);
        g_assert_cmpint(waitpid(pids[i], &status, 0), ==, pids[i]);
        g_spawn_close_pid(pids[i]);
        g_test_message("begin %u: exit %d: %s", i, WEXITSTATUS(status), text);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
            ok++;
        else
            g_assert_nonnull(strstr(text, "one is already open"));
    }
    g_assert_cmpint(ok, ==, 1);
    out = run(cli(), "rollback");
    g_assert_cmpstr(out, ==, "Transaction rolled back\n");
}

static gboolean
check_rolled_back_t(gconstpointer data)
{
    return !journal_exists() && !profile_exists("brT");
}

/* nmvirt begin --timeout 5 and nothing else: rolled back within 10 s, by
 * the timer (the command has long exited), not before the deadline. */
static void
test_timeout(gpointer *fixture, gconstpointer data)
{
    g_autoptr(NmvirtClient) client = client_new();
    gint64 t0 = g_get_monotonic_time();
    g_autofree char *out = run(cli(), "begin", "--timeout", "5");
    g_autoptr(GArray) pids = timer_pids();
    double elapsed = 0;

    g_assert_nonnull(strstr(out, "within 5 s"));
    g_assert_cmpuint(pids->len, ==, 1);
    define(client, bridge_t);
    g_clear_object(&client);

    g_assert_true(wait_for(check_rolled_back_t, NULL, 10000));
    elapsed = (g_get_monotonic_time() - t0) / 1e6;
    g_test_message("rolled back %.2f s after begin", elapsed);
    g_assert_cmpfloat(elapsed, <, 10.0);
    g_assert_cmpfloat(elapsed, >=, 4.9);
    g_assert_true(wait_for(check_no_timer, NULL, 2000));

    /* a commit in time stops the timer at once */
    out = (g_free(out), run(cli(), "begin", "--timeout", "30"));
    g_assert_true(!check_no_timer(NULL));
    g_free(run(cli(), "commit"));
    g_assert_true(wait_for(check_no_timer, NULL, 2000));
}

static void
kill_timers(void)
{
    g_autoptr(GArray) pids = timer_pids();

    g_assert_cmpuint(pids->len, ==, 1);
    g_assert_cmpint(kill(g_array_index(pids, int, 0), SIGKILL), ==, 0);
    g_assert_true(wait_for(check_no_timer, NULL, 2000));
}

/* The timer is gone (killed): the next nmvirt call notices the expired
 * transaction and rolls it back, a client construction as well as a
 * commit (which then fails, saying so). */
static void
test_expired(gpointer *fixture, gconstpointer data)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autoptr(NmvirtClient) next = NULL;
    g_autoptr(GError) error = NULL;

    begin(client, 1);
    kill_timers();
    define(client, bridge_t);
    g_usleep(1200 * 1000);
    /* nobody has looked yet */
    g_assert_true(journal_exists());
    next = client_new();
    g_assert_false(journal_exists());
    g_assert_false(nmvirt_client_has_interface(next, "brT"));
    g_clear_object(&next);

    begin(client, 1);
    kill_timers();
    define(client, bridge_t);
    g_usleep(1200 * 1000);
    g_assert_false(nmvirt_client_change_commit(client, NULL, &error));
    assert_transaction_error(error, "was not committed within its timeout of 1 s");
    g_clear_error(&error);
    g_assert_false(journal_exists());
    next = client_new();
    g_assert_false(nmvirt_client_has_interface(next, "brT"));

    /* a begin rolls the expired one back, then opens its own */
    begin(client, 1);
    kill_timers();
    define(client, bridge_t);
    g_usleep(1200 * 1000);
    begin(client, 0);
    g_assert_true(journal_exists());
    g_assert_false(nmvirt_client_has_interface(client, "brT"));
    rollback(client);
}

/* begin, NetworkManager restarts (the checkpoint is gone with it),
 * rollback still restores the profiles. */
static void
test_nm_restart(gpointer *fixture, gconstpointer data)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autoptr(GHashTable) before = NULL;
    g_autoptr(GHashTable) after = NULL;
    g_autoptr(GError) error = NULL;

    define(client, bridge_a);
    define(client, bridge_k);
    start(client, "brK");
    add_run_profile();
    before = snapshot();
    begin(client, 0);
    define(client, bridge_a_changed);
    undefine(client, "eth3");
    define(client, bridge_t);
    /* active with other settings when NetworkManager restarts */
    define(client, bridge_k_changed);
    g_assert_true(nmvirt_client_stop(client, "brK", NULL, &error));
    g_assert_no_error(error);
    start(client, "brK");
    g_clear_object(&client);

    nm_restart();
    client = client_new();
    g_assert_cmpuint(nm_client_get_checkpoints(nmvirt_client_get_nm_client(client))->len, ==, 0);
    g_assert_true(check_address("198.51.100.10/24"));
    rollback(client);
    after = snapshot();
    assert_snapshots_equal(before, after);
    g_assert_false(profile_exists("brT"));
    g_assert_false(journal_exists());
    /* no checkpoint: the restored profile is activated again */
    g_assert_true(wait_for(check_address, "192.0.2.10/24", 10000));
}

/* What the boot-time unit runs (nmvirt rollback --if-open) on a journal
 * of an earlier boot (its boot id rewritten here: a reboot cannot be had
 * in the sandbox) after NetworkManager started again: the profiles of /etc
 * come back, those of /run are left alone (they would have gone with the
 * reboot), nmvirt's new ones go. */
static void
test_boot(gpointer *fixture, gconstpointer data)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autoptr(GHashTable) before = NULL;
    g_autoptr(GHashTable) after = NULL;
    g_autoptr(NmvirtTransactionRecord) record = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL;
    g_autofree char *run_uuid = NULL;

    define(client, bridge_a);
    add_run_profile();
    run_uuid = g_strstrip(run("nmcli", "-g", "connection.uuid", "connection", "show", "eth3-run"));
    before = snapshot();
    begin(client, 0);
    define(client, bridge_a_changed);
    undefine(client, "eth3");
    define(client, bridge_t);
    g_clear_object(&client);

    record = nmvirt_transaction_file_load(&error);
    g_assert_no_error(error);
    g_assert_nonnull(record);
    g_free(record->boot_id);
    record->boot_id = g_strdup("00000000-0000-4000-8000-000000000000");
    g_assert_true(nmvirt_transaction_file_save(record, &error));
    g_assert_no_error(error);
    nm_restart();

    out = run(cli(), "rollback", "--if-open");
    g_assert_cmpstr(out, ==, "Transaction rolled back\n");
    g_assert_false(journal_exists());
    after = snapshot();
    g_assert_true(g_hash_table_remove(before, run_uuid));
    assert_snapshots_equal(before, after);
    g_assert_false(profile_exists("brT"));
    g_assert_false(profile_exists("eth3"));
}

/* The 802.1X password of profile "sec" as nmcli shows it, waiting up to 5 s
 * for @expected: right after a profile is added, NetworkManager has once
 * (under heavy load) answered nmcli's secrets request with nothing. Only
 * the restore can make the password come back, so waiting weakens nothing. */
static char *
sec_password(const char *expected)
{
    char *password = NULL;

    for (int i = 0; i < 50; i++) {
        g_free(password);
        password =
            g_strstrip(run("nmcli", "-s", "-g", "802-1x.password", "connection", "show", "sec"));
        if (g_str_equal(password, expected))
            break;
        g_usleep(100 * 1000);
    }
    return password;
}

/* System-owned secrets are journaled: a deleted profile comes back with
 * them, a changed secret is put back. */
static void
test_secrets(gpointer *fixture, gconstpointer data)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autofree char *password = NULL;

    g_free(run("nmcli", "connection", "add", "type", "ethernet", "ifname", "eth3", "con-name",
               "sec", "autoconnect", "no", "802-1x.eap", "peap", "802-1x.identity", "alice",
               "802-1x.phase2-auth", "mschapv2", "802-1x.password", "s3cret"));
    begin(client, 0);
    g_free(run("nmcli", "connection", "delete", "sec"));
    rollback(client);
    password = sec_password("s3cret");
    g_assert_cmpstr(password, ==, "s3cret");
    g_clear_pointer(&password, g_free);

    begin(client, 0);
    g_free(run("nmcli", "connection", "modify", "sec", "802-1x.password", "changed"));
    rollback(client);
    password = sec_password("s3cret");
    g_assert_cmpstr(password, ==, "s3cret");
}

static void
assert_daemon_error(const GError *error, gint64 t0)
{
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_DAEMON);
    g_assert_nonnull(strstr(error->message, "NetworkManager is not running"));
    g_assert_cmpint(g_get_monotonic_time() - t0, <, 5 * G_USEC_PER_SEC);
}

/* NetworkManager down: every call fails at once and says why. */
static void
test_daemon_down(gpointer *fixture, gconstpointer data)
{
    g_autoptr(NmvirtClient) client = NULL;
    g_autoptr(GError) error = NULL;
    gint64 t0 = 0;

    g_free(run("nmvirt-sandbox-nm", "stop"));
    client = client_new();
    t0 = g_get_monotonic_time();
    g_assert_false(nmvirt_client_change_begin(client, 0, NULL, &error));
    assert_daemon_error(error, t0);
    g_clear_error(&error);
    g_assert_false(nmvirt_client_change_commit(client, NULL, &error));
    assert_daemon_error(error, t0);
    g_clear_error(&error);
    g_assert_false(nmvirt_client_change_rollback(client, NULL, &error));
    assert_daemon_error(error, t0);
    g_clear_error(&error);
    g_assert_false(journal_exists());
    g_clear_object(&client);
    g_free(run("nmvirt-sandbox-nm", "start"));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    /* never against the host's NetworkManager or /var/lib/nmvirt */
    if (g_getenv("NMVIRT_SANDBOX") == NULL || g_getenv("NMVIRT_STATE_DIR") == NULL ||
        g_getenv("NMVIRT_CLI") == NULL || g_getenv("NMVIRT_ROLLBACK_TIMER") == NULL)
        g_error("run me inside nmvirt-sandbox, with NMVIRT_CLI and NMVIRT_ROLLBACK_TIMER set "
                "(see tests/integration/meson.build)");

#define ADD(path, func) g_test_add(path, gpointer, NULL, fixture_setup, func, fixture_teardown)
    ADD("/nmvirt/daemon/transaction/rollback", test_rollback);
    ADD("/nmvirt/daemon/transaction/rollback-active", test_rollback_active);
    ADD("/nmvirt/daemon/transaction/commit", test_commit);
    ADD("/nmvirt/daemon/transaction/wrong-state", test_wrong_state);
    ADD("/nmvirt/daemon/transaction/processes", test_processes);
    ADD("/nmvirt/daemon/transaction/timeout", test_timeout);
    ADD("/nmvirt/daemon/transaction/expired", test_expired);
    ADD("/nmvirt/daemon/transaction/nm-restart", test_nm_restart);
    ADD("/nmvirt/daemon/transaction/boot", test_boot);
    ADD("/nmvirt/daemon/transaction/secrets", test_secrets);
    ADD("/nmvirt/daemon/transaction/daemon-down", test_daemon_down);
#undef ADD
    return g_test_run();
}
