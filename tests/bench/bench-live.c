/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The workers of the live benchmark (tests/bench/bench-live.sh, which runs
 * inside nmvirt-sandbox and says what is measured). Each subcommand does
 * one job against the sandbox's NetworkManager and prints one line of
 * key=value figures; the script adds NetworkManager's own CPU time and
 * prints the tables. Nothing here asserts anything about time; a worker
 * fails (exit 1) only when NetworkManager or nmvirt fails the job.
 *
 *   bench-live nmvirt N NICS [--no-start]  define N bridge+VLAN documents
 *                                          through one NmvirtClient, all in
 *                                          flight, then start the N bridges,
 *                                          all in flight
 *   bench-live floor N NICS [--no-start]   the same profiles through bare
 *                                          libnm: 2N AddConnection2 in
 *                                          flight, then N activations
 *   bench-live nmcli N NICS [--no-start]   one 'nmcli connection add' per
 *                                          profile, one 'nmcli connection up'
 *                                          per bridge
 *   bench-live verify N NICS [--no-start]  the 2N profiles exist (and the
 *                                          kernel shows every bridge up with
 *                                          its VLAN port)
 *   bench-live populate PAIRS NICS         adds PAIRS bridge+VLAN pairs,
 *                                          inactive (untimed set-up)
 *   bench-live add-one NAME                what any libnm program pays to
 *                                          add one bridge profile: NMClient's
 *                                          cache, then AddConnection2
 *   bench-live scan                        what reading every profile
 *                                          costs without NMClient:
 *                                          ListConnections, GetSettings of
 *                                          each (all in flight), and
 *                                          NMConnections made of them
 *   bench-live check                       the floor's profiles equal what
 *                                          nmvirt makes of the document
 *
 * Pair i (1..N) is bridge "br<i>" with one port, VLAN "eth<k>.<i>" of tag i
 * on sandbox NIC eth<k>, k = i mod NICS: one interface XML document per
 * pair, libvirt's bridge-with-vlan-port form. Start mode none (autoconnect
 * off) and no IP configuration, so activation is NetworkManager's and the
 * kernel's work only. With NMVIRT_BENCH_SHAPE=bare the bridges have no
 * port (one profile each): the same paths at native speed on a kernel
 * without 8021q.
 */
#include <net/if.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "nmvirt-client.h"
#include "nmvirt-test-util.h"

/* FALSE for NMVIRT_BENCH_SHAPE=bare: bridges without a port */
static gboolean bench_with_port = TRUE;
/* NMVIRT_BENCH_WINDOW: at most this many defines, and starts, in flight (for
 * the floor: pairs added, pairs activating); 0 is all. libnm gives up on a
 * call after 25 s, and a request queued behind hundreds of others in a slow
 * VM waits longer than that. */
static guint bench_window = 32;

typedef struct {
    guint pending;
    guint failures;
    GPtrArray *remotes; /* floor: NMRemoteConnection per profile, in order */
} BenchWait;

static double
bench_ms_since(gint64 start)
{
    return (g_get_monotonic_time() - start) / 1000.0;
}

/* CPU time of this process and its waited-for children, in ms. */
static double
bench_cpu_ms(void)
{
    struct rusage self, children;

    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    return (self.ru_utime.tv_sec + self.ru_stime.tv_sec + children.ru_utime.tv_sec +
            children.ru_stime.tv_sec) *
               1000.0 +
           (self.ru_utime.tv_usec + self.ru_stime.tv_usec + children.ru_utime.tv_usec +
            children.ru_stime.tv_usec) /
               1000.0;
}

static void
bench_iterate_until_done(BenchWait *wait)
{
    while (wait->pending > 0)
        g_main_context_iteration(NULL, TRUE);
}

/* Waits until fewer than @limit requests (the window) are in flight. */
static void
bench_iterate_until_below(BenchWait *wait, guint limit)
{
    while (limit > 0 && wait->pending >= limit)
        g_main_context_iteration(NULL, TRUE);
}

/* ---- the pairs --------------------------------------------------------------- */

static char *
bench_bridge_name(guint i)
{
    return g_strdup_printf("br%u", i);
}

static char *
bench_parent_name(guint i, guint nics)
{
    return g_strdup_printf("eth%u", i % nics);
}

static char *
bench_vlan_name(guint i, guint nics)
{
    return g_strdup_printf("eth%u.%u", i % nics, i);
}

static char *
bench_document(guint i, guint nics)
{
    g_autofree char *bridge = bench_bridge_name(i);
    g_autofree char *vlan = bench_vlan_name(i, nics);
    g_autofree char *parent = bench_parent_name(i, nics);

    if (!bench_with_port)
        return g_strdup_printf("<interface type='bridge' name='%s'>\n"
                               "  <start mode='none'/>\n"
                               "  <bridge stp='off' delay='0'/>\n"
                               "</interface>\n",
                               bridge);
    return g_strdup_printf("<interface type='bridge' name='%s'>\n"
                           "  <start mode='none'/>\n"
                           "  <bridge stp='off' delay='0'>\n"
                           "    <interface type='vlan' name='%s'>\n"
                           "      <vlan tag='%u'>\n"
                           "        <interface name='%s'/>\n"
                           "      </vlan>\n"
                           "    </interface>\n"
                           "  </bridge>\n"
                           "</interface>\n",
                           bridge, vlan, i, parent);
}

static void
bench_add_user_tag(NMConnection *connection, const char *bridge, gboolean port)
{
    NMSettingUser *s_user = NM_SETTING_USER(nm_setting_user_new());

    nm_setting_user_set_data(s_user, "nmvirt.interface", bridge, NULL);
    if (port)
        nm_setting_user_set_data(s_user, "nmvirt.port-order", "0", NULL);
    nm_connection_add_setting(connection, NM_SETTING(s_user));
}

/* The profiles nmvirt makes of bench_document(i), written with libnm
 * directly: what a minimal program would send. */
static void
bench_floor_profiles(guint i, guint nics, NMConnection **bridge_out, NMConnection **vlan_out)
{
    g_autofree char *bridge = bench_bridge_name(i);
    g_autofree char *vlan = bench_vlan_name(i, nics);
    g_autofree char *parent = bench_parent_name(i, nics);
    g_autofree char *port_id = g_strdup_printf("%s-port-%s", bridge, vlan);
    g_autofree char *bridge_uuid = nm_utils_uuid_generate();
    g_autofree char *vlan_uuid = nm_utils_uuid_generate();
    NMConnection *br = nm_simple_connection_new();
    NMConnection *vl = nm_simple_connection_new();
    NMSetting *s;

    s = nm_setting_connection_new();
    g_object_set(s, NM_SETTING_CONNECTION_ID, bridge, NM_SETTING_CONNECTION_UUID, bridge_uuid,
                 NM_SETTING_CONNECTION_TYPE, NM_SETTING_BRIDGE_SETTING_NAME,
                 NM_SETTING_CONNECTION_INTERFACE_NAME, bridge, NM_SETTING_CONNECTION_AUTOCONNECT,
                 FALSE, NM_SETTING_CONNECTION_AUTOCONNECT_SLAVES,
                 NM_SETTING_CONNECTION_AUTOCONNECT_SLAVES_YES, NULL);
    nm_connection_add_setting(br, s);
    nm_connection_add_setting(br, nm_setting_wired_new());
    s = nm_setting_bridge_new();
    g_object_set(s, NM_SETTING_BRIDGE_STP, FALSE, NM_SETTING_BRIDGE_FORWARD_DELAY, 0, NULL);
    nm_connection_add_setting(br, s);
    s = nm_setting_ip4_config_new();
    g_object_set(s, NM_SETTING_IP_CONFIG_METHOD, NM_SETTING_IP4_CONFIG_METHOD_DISABLED, NULL);
    nm_connection_add_setting(br, s);
    s = nm_setting_ip6_config_new();
    g_object_set(s, NM_SETTING_IP_CONFIG_METHOD, NM_SETTING_IP6_CONFIG_METHOD_IGNORE,
                 NM_SETTING_IP6_CONFIG_ADDR_GEN_MODE, NM_SETTING_IP6_CONFIG_ADDR_GEN_MODE_DEFAULT,
                 NULL);
    nm_connection_add_setting(br, s);
    nm_connection_add_setting(br, nm_setting_proxy_new());
    bench_add_user_tag(br, bridge, FALSE);

    s = nm_setting_connection_new();
    g_object_set(s, NM_SETTING_CONNECTION_ID, port_id, NM_SETTING_CONNECTION_UUID, vlan_uuid,
                 NM_SETTING_CONNECTION_TYPE, NM_SETTING_VLAN_SETTING_NAME,
                 NM_SETTING_CONNECTION_INTERFACE_NAME, vlan, NM_SETTING_CONNECTION_AUTOCONNECT,
                 FALSE, NM_SETTING_CONNECTION_MASTER, bridge, NM_SETTING_CONNECTION_SLAVE_TYPE,
                 NM_SETTING_BRIDGE_SETTING_NAME, NULL);
    nm_connection_add_setting(vl, s);
    nm_connection_add_setting(vl, nm_setting_wired_new());
    s = nm_setting_vlan_new();
    g_object_set(s, NM_SETTING_VLAN_ID, i, NM_SETTING_VLAN_PARENT, parent, NM_SETTING_VLAN_FLAGS,
                 NM_VLAN_FLAG_REORDER_HEADERS, NULL);
    nm_connection_add_setting(vl, s);
    nm_connection_add_setting(vl, nm_setting_bridge_port_new());
    bench_add_user_tag(vl, bridge, TRUE);

    *bridge_out = br;
    *vlan_out = vl;
}

/* ---- NetworkManager's state ---------------------------------------------------- */

static NMClient *
bench_nm_client(void)
{
    g_autoptr(GError) error = NULL;
    NMClient *client = nm_client_new(NULL, &error);

    if (client == NULL || !nm_client_get_nm_running(client))
        g_error("bench-live: NetworkManager: %s", error != NULL ? error->message : "not running");
    return client;
}

static GHashTable *
bench_all_names(guint n, guint nics)
{
    GHashTable *names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    for (guint i = 1; i <= n; i++) {
        g_hash_table_add(names, bench_bridge_name(i));
        if (bench_with_port)
            g_hash_table_add(names, bench_vlan_name(i, nics));
    }
    return names;
}

/* The pairs' profiles that NetworkManager reports activated, counted as it
 * says so ("state-changed" of each active connection): counting over every
 * active connection after each message would cost the floor O(N^2), which
 * in the VM took more CPU than NetworkManager. */
typedef struct {
    NMClient *client;
    GHashTable *uuids;     /* the pairs' profiles */
    GHashTable *activated; /* those seen activated */
    GPtrArray *watched;    /* (element-type NMActiveConnection) */
} BenchTracker;

static void
bench_tracker_check(BenchTracker *tracker, NMActiveConnection *active)
{
    const char *uuid = nm_active_connection_get_uuid(active);

    if (uuid != NULL && g_hash_table_contains(tracker->uuids, uuid) &&
        nm_active_connection_get_state(active) == NM_ACTIVE_CONNECTION_STATE_ACTIVATED)
        g_hash_table_add(tracker->activated, g_strdup(uuid));
}

static void
bench_tracker_state_cb(NMActiveConnection *active, guint state, guint reason, gpointer user_data)
{
    bench_tracker_check(user_data, active);
}

static void
bench_tracker_watch(BenchTracker *tracker, NMActiveConnection *active)
{
    if (g_ptr_array_find(tracker->watched, active, NULL))
        return;
    g_signal_connect(active, "state-changed", G_CALLBACK(bench_tracker_state_cb), tracker);
    g_ptr_array_add(tracker->watched, g_object_ref(active));
    bench_tracker_check(tracker, active);
}

static void
bench_tracker_added_cb(NMClient *client, NMActiveConnection *active, gpointer user_data)
{
    bench_tracker_watch(user_data, active);
}

/* The UUIDs of the pairs' profiles in @client's cache. */
static GHashTable *
bench_pair_uuids(NMClient *client, GHashTable *names)
{
    const GPtrArray *profiles = nm_client_get_connections(client);
    GHashTable *uuids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    for (guint i = 0; i < profiles->len; i++) {
        NMConnection *profile = g_ptr_array_index(profiles, i);
        const char *ifname = nm_connection_get_interface_name(profile);

        if (ifname != NULL && g_hash_table_contains(names, ifname))
            g_hash_table_add(uuids, g_strdup(nm_connection_get_uuid(profile)));
    }
    return uuids;
}

static gboolean
bench_wake_cb(gpointer user_data)
{
    return G_SOURCE_CONTINUE;
}

static void
bench_tracker_init(BenchTracker *tracker, NMClient *client, guint n, guint nics)
{
    g_autoptr(GHashTable) names = bench_all_names(n, nics);
    const GPtrArray *actives = NULL;
    guint timer = g_timeout_add(100, bench_wake_cb, NULL);

    /* profiles other processes added (nmcli) reach the cache as it is iterated */
    tracker->uuids = bench_pair_uuids(client, names);
    while (g_hash_table_size(tracker->uuids) < g_hash_table_size(names)) {
        g_main_context_iteration(NULL, TRUE);
        g_hash_table_unref(tracker->uuids);
        tracker->uuids = bench_pair_uuids(client, names);
    }
    g_source_remove(timer);
    tracker->client = client;
    tracker->activated = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    tracker->watched = g_ptr_array_new();
    actives = nm_client_get_active_connections(client);
    g_signal_connect(client, "active-connection-added", G_CALLBACK(bench_tracker_added_cb),
                     tracker);
    for (guint i = 0; i < actives->len; i++)
        bench_tracker_watch(tracker, g_ptr_array_index(actives, i));
}

static void
bench_tracker_clear(BenchTracker *tracker)
{
    g_signal_handlers_disconnect_by_data(tracker->client, tracker);
    for (guint i = 0; i < tracker->watched->len; i++) {
        g_signal_handlers_disconnect_by_data(g_ptr_array_index(tracker->watched, i), tracker);
        g_object_unref(g_ptr_array_index(tracker->watched, i));
    }
    g_ptr_array_unref(tracker->watched);
    g_hash_table_unref(tracker->uuids);
    g_hash_table_unref(tracker->activated);
}

/* Activates pair @i (from 0). */
typedef void (*BenchActivateFunc)(guint i, gpointer user_data);

/* Calls @activate for the N pairs (NULL: they are on their way already),
 * with at most bench_window pairs not yet activated at a time, and iterates
 * until every bridge and port is activated. */
static void
bench_activate_all(NMClient *client, guint n, guint nics, BenchActivateFunc activate,
                   gpointer user_data, BenchWait *wait)
{
    BenchTracker tracker = { 0 };
    guint per_pair = bench_with_port ? 2 : 1;
    gint64 deadline = g_get_monotonic_time() + 3600 * G_TIME_SPAN_SECOND;
    guint timer = g_timeout_add_seconds(1, bench_wake_cb, NULL);
    guint issued = activate != NULL ? 0 : n;

    bench_tracker_init(&tracker, client, n, nics);
    while (g_hash_table_size(tracker.activated) < n * per_pair) {
        guint done = g_hash_table_size(tracker.activated);

        while (issued < n && wait->failures == 0 &&
               (bench_window == 0 || issued < done / per_pair + bench_window))
            activate(issued++, user_data);
        if (wait->failures > 0)
            break;
        if (g_get_monotonic_time() > deadline)
            g_error("bench-live: only %u of %u profiles activated after an hour", done,
                    n * per_pair);
        g_main_context_iteration(NULL, TRUE);
    }
    g_source_remove(timer);
    bench_tracker_clear(&tracker);
    bench_iterate_until_done(wait);
}

/* ---- nmvirt ------------------------------------------------------------------------ */

static void
bench_nmvirt_new_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GAsyncResult **out = user_data;

    *out = g_object_ref(result);
}

static void
bench_nmvirt_define_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    BenchWait *wait = user_data;
    g_autoptr(GError) error = NULL;
    g_autofree char *name = nmvirt_client_define_finish(NMVIRT_CLIENT(source), result, &error);

    if (name == NULL) {
        g_printerr("bench-live: define: %s\n", error->message);
        wait->failures++;
    }
    wait->pending--;
}

static void
bench_nmvirt_start_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    BenchWait *wait = user_data;
    g_autoptr(GError) error = NULL;

    if (!nmvirt_client_start_finish(NMVIRT_CLIENT(source), result, &error)) {
        g_printerr("bench-live: start: %s\n", error->message);
        wait->failures++;
    }
    wait->pending--;
}

static int
bench_nmvirt(guint n, guint nics, gboolean start)
{
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(NmvirtClient) client = NULL;
    g_autoptr(GPtrArray) docs = g_ptr_array_new_with_free_func(g_free);
    BenchWait wait = { 0 };
    double define_ms, start_ms = 0, cpu0;
    gint64 t0;

    for (guint i = 1; i <= n; i++)
        g_ptr_array_add(docs, bench_document(i, nics));
    t0 = g_get_monotonic_time();
    nmvirt_client_new_async(NULL, bench_nmvirt_new_cb, &result);
    while (result == NULL)
        g_main_context_iteration(NULL, TRUE);
    client = nmvirt_client_new_finish(result, &error);
    g_assert_no_error(error);
    g_print("client_ms=%.1f ", bench_ms_since(t0));

    cpu0 = bench_cpu_ms();
    t0 = g_get_monotonic_time();
    for (guint i = 0; i < n; i++) {
        bench_iterate_until_below(&wait, bench_window);
        wait.pending++;
        nmvirt_client_define_async(client, g_ptr_array_index(docs, i), NULL, bench_nmvirt_define_cb,
                                   &wait);
    }
    bench_iterate_until_done(&wait);
    define_ms = bench_ms_since(t0);
    if (wait.failures == 0 && start) {
        t0 = g_get_monotonic_time();
        for (guint i = 1; i <= n; i++) {
            g_autofree char *bridge = bench_bridge_name(i);

            bench_iterate_until_below(&wait, bench_window);
            wait.pending++;
            nmvirt_client_start_async(client, bridge, 3600000, NULL, bench_nmvirt_start_cb, &wait);
        }
        bench_iterate_until_done(&wait);
        start_ms = bench_ms_since(t0);
    }
    g_print("define_ms=%.1f start_ms=%.1f total_ms=%.1f cpu_ms=%.1f\n", define_ms, start_ms,
            define_ms + start_ms, bench_cpu_ms() - cpu0);
    return wait.failures == 0 ? 0 : 1;
}

/* ---- the floor: bare libnm ------------------------------------------------------------- */

typedef struct {
    BenchWait *wait;
    guint index;
} BenchCall;

static void
bench_floor_add_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autofree BenchCall *call = user_data;
    g_autoptr(GError) error = NULL;
    NMRemoteConnection *remote =
        nm_client_add_connection2_finish(NM_CLIENT(source), result, NULL, &error);

    if (remote == NULL) {
        g_printerr("bench-live: AddConnection2: %s\n", error->message);
        call->wait->failures++;
    } else {
        g_ptr_array_index(call->wait->remotes, call->index) = remote;
    }
    call->wait->pending--;
}

static void
bench_floor_activate_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    BenchWait *wait = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(NMActiveConnection) active =
        nm_client_activate_connection_finish(NM_CLIENT(source), result, &error);

    if (active == NULL) {
        g_printerr("bench-live: ActivateConnection: %s\n", error->message);
        wait->failures++;
    }
    wait->pending--;
}

/* Adds the 2N profiles, all requests in flight at once; returns the remote
 * profiles in pair order (bridge, port, bridge, port ...). */
static GPtrArray *
bench_floor_add(NMClient *client, guint first, guint n, guint nics, BenchWait *wait)
{
    g_autoptr(GPtrArray) settings = g_ptr_array_new_with_free_func(g_object_unref);

    for (guint i = first; i < first + n; i++) {
        NMConnection *bridge, *vlan;

        bench_floor_profiles(i, nics, &bridge, &vlan);
        g_ptr_array_add(settings, bridge);
        if (bench_with_port)
            g_ptr_array_add(settings, vlan);
        else
            g_object_unref(vlan);
    }
    wait->remotes = g_ptr_array_new_with_free_func(g_object_unref);
    g_ptr_array_set_size(wait->remotes, settings->len);
    for (guint k = 0; k < settings->len; k++) {
        BenchCall *call = g_new0(BenchCall, 1);

        /* a pair's two profiles count as one define */
        bench_iterate_until_below(wait, bench_window * (bench_with_port ? 2 : 1));
        call->wait = wait;
        call->index = k;
        wait->pending++;
        nm_client_add_connection2(
            client,
            nm_connection_to_dbus(g_ptr_array_index(settings, k), NM_CONNECTION_SERIALIZE_ALL),
            NM_SETTINGS_ADD_CONNECTION2_FLAG_TO_DISK |
                NM_SETTINGS_ADD_CONNECTION2_FLAG_BLOCK_AUTOCONNECT,
            NULL, TRUE, NULL, bench_floor_add_cb, call);
    }
    bench_iterate_until_done(wait);
    return g_steal_pointer(&wait->remotes);
}

typedef struct {
    NMClient *client;
    GPtrArray *remotes;
    BenchWait *wait;
} BenchFloorActivate;

static void
bench_floor_activate(guint i, gpointer user_data)
{
    BenchFloorActivate *data = user_data;

    data->wait->pending++;
    nm_client_activate_connection_async(
        data->client, g_ptr_array_index(data->remotes, i * (bench_with_port ? 2 : 1)), NULL, NULL,
        NULL, bench_floor_activate_cb, data->wait);
}

static int
bench_floor(guint n, guint nics, gboolean start)
{
    gint64 t0 = g_get_monotonic_time();
    g_autoptr(NMClient) client = bench_nm_client();
    g_autoptr(GPtrArray) remotes = NULL;
    BenchWait wait = { 0 };
    double define_ms, start_ms = 0, cpu0;

    g_print("client_ms=%.1f ", bench_ms_since(t0));
    cpu0 = bench_cpu_ms();
    t0 = g_get_monotonic_time();
    remotes = bench_floor_add(client, 1, n, nics, &wait);
    define_ms = bench_ms_since(t0);
    if (wait.failures == 0 && start) {
        BenchFloorActivate data = { client, remotes, &wait };

        t0 = g_get_monotonic_time();
        bench_activate_all(client, n, nics, bench_floor_activate, &data, &wait);
        start_ms = bench_ms_since(t0);
    }
    g_print("define_ms=%.1f start_ms=%.1f total_ms=%.1f cpu_ms=%.1f\n", define_ms, start_ms,
            define_ms + start_ms, bench_cpu_ms() - cpu0);
    return wait.failures == 0 ? 0 : 1;
}

/* ---- nmcli, one process per profile ------------------------------------------------------ */

static gboolean
bench_run(const char *const *argv)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *err = NULL;
    int status = 0;

    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                      NULL, NULL, NULL, &err, &status, &error)) {
        g_printerr("bench-live: %s: %s\n", argv[0], error->message);
        return FALSE;
    }
    if (!g_spawn_check_wait_status(status, &error)) {
        g_printerr("bench-live: %s %s %s: %s\n%s", argv[0], argv[1], argv[2], error->message, err);
        return FALSE;
    }
    return TRUE;
}

static int
bench_nmcli(guint n, guint nics, gboolean start)
{
    /* watches activation only; created before the clock starts */
    g_autoptr(NMClient) client = bench_nm_client();
    double define_ms, start_ms = 0, cpu0 = bench_cpu_ms();
    gint64 t0 = g_get_monotonic_time();
    guint failures = 0;

    for (guint i = 1; i <= n; i++) {
        g_autofree char *bridge = bench_bridge_name(i);
        g_autofree char *vlan = bench_vlan_name(i, nics);
        g_autofree char *parent = bench_parent_name(i, nics);
        g_autofree char *tag = g_strdup_printf("%u", i);
        g_autofree char *port_id = g_strdup_printf("%s-port-%s", bridge, vlan);
        const char *add_bridge[] = {
            "nmcli",  "connection",  "add",      "type",
            "bridge", "con-name",    bridge,     "ifname",
            bridge,   "autoconnect", "no",       "connection.autoconnect-slaves",
            "yes",    "bridge.stp",  "no",       "bridge.forward-delay",
            "0",      "ipv4.method", "disabled", "ipv6.method",
            "ignore", NULL
        };
        const char *add_vlan[] = { "nmcli",    "connection", "add",        "type",        "vlan",
                                   "con-name", port_id,      "ifname",     vlan,          "dev",
                                   parent,     "id",         tag,          "autoconnect", "no",
                                   "master",   bridge,       "slave-type", "bridge",      NULL };

        if (!bench_run(add_bridge) || (bench_with_port && !bench_run(add_vlan)))
            failures++;
    }
    define_ms = bench_ms_since(t0);
    if (failures == 0 && start) {
        t0 = g_get_monotonic_time();
        for (guint i = 1; i <= n; i++) {
            g_autofree char *bridge = bench_bridge_name(i);
            const char *up[] = { "nmcli", "connection", "up", bridge, NULL };

            if (!bench_run(up))
                failures++;
        }
        if (failures == 0) {
            BenchWait wait = { 0 };

            bench_activate_all(client, n, nics, NULL, NULL, &wait);
        }
        start_ms = bench_ms_since(t0);
    }
    g_print("define_ms=%.1f start_ms=%.1f total_ms=%.1f cpu_ms=%.1f\n", define_ms, start_ms,
            define_ms + start_ms, bench_cpu_ms() - cpu0);
    return failures == 0 ? 0 : 1;
}

/* ---- set-up, checks, clean-up ------------------------------------------------------------ */

static char *
bench_sysfs_read(const char *ifname, const char *attribute)
{
    g_autofree char *path = g_build_filename("/sys/class/net", ifname, attribute, NULL);
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    return g_strstrip(text);
}

static int
bench_verify(guint n, guint nics, gboolean start)
{
    g_autoptr(NMClient) client = bench_nm_client();
    g_autoptr(GHashTable) names = bench_all_names(n, nics);
    const GPtrArray *profiles = nm_client_get_connections(client);
    guint found = 0, bad = 0;

    for (guint i = 0; i < profiles->len; i++) {
        const char *ifname = nm_connection_get_interface_name(g_ptr_array_index(profiles, i));

        if (ifname != NULL && g_hash_table_contains(names, ifname))
            found++;
    }
    if (found != g_hash_table_size(names)) {
        g_printerr("bench-live: verify: %u profiles of %u\n", found, g_hash_table_size(names));
        return 1;
    }
    for (guint i = 1; start && i <= n; i++) {
        g_autofree char *bridge = bench_bridge_name(i);
        g_autofree char *vlan = bench_vlan_name(i, nics);
        g_autofree char *flags = bench_sysfs_read(bridge, "flags");
        g_autofree char *master_path = g_strdup_printf("/sys/class/net/%s/master", vlan);
        g_autofree char *master = g_file_read_link(master_path, NULL);
        g_autofree char *vlan_proc = g_strdup_printf("/proc/net/vlan/%s", vlan);
        g_autofree char *vlan_info = NULL;
        g_autofree char *vid = g_strdup_printf("VID: %u\t", i);

        gboolean up = flags != NULL && (g_ascii_strtoull(flags, NULL, 16) & IFF_UP) != 0;

        g_file_get_contents(vlan_proc, &vlan_info, NULL, NULL);
        if (!up || (bench_with_port && (master == NULL || !g_str_has_suffix(master, bridge) ||
                                        vlan_info == NULL || strstr(vlan_info, vid) == NULL))) {
            if (bad++ < 5)
                g_printerr("bench-live: verify: pair %u: bridge %s flags %s, %s master %s, "
                           "vlan info %s\n",
                           i, bridge, flags, vlan, master, vlan_info != NULL ? "present" : "none");
        }
    }
    if (bad > 0) {
        g_printerr("bench-live: verify: %u of %u pairs not up as expected\n", bad, n);
        return 1;
    }
    g_print("verify=ok\n");
    return 0;
}

static int
bench_add_one(const char *name)
{
    g_autoptr(NMClient) client = bench_nm_client();
    g_autoptr(NMConnection) bridge = NULL;
    g_autoptr(NMConnection) unused = NULL;
    g_autoptr(GPtrArray) remotes = NULL;
    BenchWait wait = { 0 };

    bench_floor_profiles(1, 1, &bridge, &unused);
    g_object_set(nm_connection_get_setting_connection(bridge), NM_SETTING_CONNECTION_ID, name,
                 NM_SETTING_CONNECTION_INTERFACE_NAME, name, NULL);
    wait.pending++;
    nm_client_add_connection2(client, nm_connection_to_dbus(bridge, NM_CONNECTION_SERIALIZE_ALL),
                              NM_SETTINGS_ADD_CONNECTION2_FLAG_TO_DISK |
                                  NM_SETTINGS_ADD_CONNECTION2_FLAG_BLOCK_AUTOCONNECT,
                              NULL, TRUE, NULL, bench_floor_add_cb,
                              g_memdup2(&(BenchCall){ &wait, 0 }, sizeof(BenchCall)));
    wait.remotes = g_ptr_array_new_with_free_func(g_object_unref);
    g_ptr_array_set_size(wait.remotes, 1);
    bench_iterate_until_done(&wait);
    remotes = g_steal_pointer(&wait.remotes);
    return wait.failures == 0 ? 0 : 1;
}

static void
bench_scan_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    BenchWait *wait = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) reply =
        g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
    g_autoptr(GVariant) settings = NULL;
    g_autoptr(NMConnection) connection = NULL;

    wait->pending--;
    if (reply == NULL) {
        g_printerr("bench-live: GetSettings: %s\n", error->message);
        wait->failures++;
        return;
    }
    settings = g_variant_get_child_value(reply, 0);
    connection = nm_simple_connection_new_from_dbus(settings, &error);
    if (connection == NULL) {
        g_printerr("bench-live: a profile: %s\n", error->message);
        wait->failures++;
    }
}

static int
bench_scan(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) bus = g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, &error);
    g_autoptr(GVariant) reply = NULL;
    g_autofree const char **paths = NULL;
    BenchWait wait = { 0 };

    g_assert_no_error(error);
    reply = g_dbus_connection_call_sync(
        bus, NM_DBUS_SERVICE, NM_DBUS_PATH_SETTINGS, NM_DBUS_INTERFACE_SETTINGS, "ListConnections",
        NULL, G_VARIANT_TYPE("(ao)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
    g_assert_no_error(error);
    g_variant_get(reply, "(^a&o)", &paths);
    for (guint i = 0; paths[i] != NULL; i++) {
        wait.pending++;
        g_dbus_connection_call(bus, NM_DBUS_SERVICE, paths[i],
                               NM_DBUS_INTERFACE_SETTINGS_CONNECTION, "GetSettings", NULL,
                               G_VARIANT_TYPE("(a{sa{sv}})"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                               bench_scan_cb, &wait);
    }
    bench_iterate_until_done(&wait);
    return wait.failures == 0 ? 0 : 1;
}

static int
bench_populate(guint pairs, guint nics)
{
    g_autoptr(NMClient) client = bench_nm_client();
    g_autoptr(GPtrArray) remotes = NULL;
    BenchWait wait = { 0 };

    /* tags and names from 1001 on: clear of the pairs the scale part uses */
    remotes = bench_floor_add(client, 1001, pairs, nics, &wait);
    return wait.failures == 0 ? 0 : 1;
}

/* The floor must send what nmvirt sends, or the comparison means nothing. */
static int
bench_check(void)
{
    for (guint i = 1; i <= 3; i++) {
        g_autofree char *doc = bench_document(i, 2);
        g_autoptr(GError) error = NULL;
        g_autoptr(NmvirtIfaceDef) def = nmvirt_xml_parse_string(doc, -1, NULL, &error);
        g_autoptr(GPtrArray) made = NULL;
        NMConnection *floor[2];

        g_assert_no_error(error);
        made = nmvirt_map_to_nm(def, &error);
        g_assert_no_error(error);
        g_assert_cmpuint(made->len, ==, bench_with_port ? 2 : 1);
        bench_floor_profiles(i, 2, &floor[0], &floor[1]);
        if (!bench_with_port)
            g_clear_object(&floor[1]);
        for (guint k = 0; k < made->len; k++) {
            NMConnection *ours = g_ptr_array_index(made, k);
            g_autoptr(NMConnection) theirs = floor[k];

            /* the UUID is nmvirt's own derivation; everything else must match */
            g_object_set(nm_connection_get_setting_connection(theirs), NM_SETTING_CONNECTION_UUID,
                         nm_connection_get_uuid(ours), NULL);
            if (!nm_connection_compare(ours, theirs, NM_SETTING_COMPARE_FLAG_EXACT)) {
                g_printerr("bench-live: the floor's profile differs from nmvirt's:\n");
                nm_connection_dump(ours);
                nm_connection_dump(theirs);
                return 1;
            }
        }
    }
    g_print("check=ok\n");
    return 0;
}

static guint
bench_number(const char *text)
{
    guint64 value = 0;

    if (text == NULL || !g_ascii_string_to_unsigned(text, 10, 0, 4000, &value, NULL))
        g_error("bench-live: not a number: %s", text != NULL ? text : "(none)");
    return (guint)value;
}

int
main(int argc, char **argv)
{
    const char *verb = argc > 1 ? argv[1] : "";
    gboolean start = !(argc > 4 && g_str_equal(argv[4], "--no-start"));

    bench_with_port = g_strcmp0(g_getenv("NMVIRT_BENCH_SHAPE"), "bare") != 0;
    if (g_getenv("NMVIRT_BENCH_WINDOW") != NULL)
        bench_window = bench_number(g_getenv("NMVIRT_BENCH_WINDOW"));

    if (g_str_equal(verb, "check"))
        return bench_check();
    if (g_str_equal(verb, "add-one") && argc == 3)
        return bench_add_one(argv[2]);
    if (g_str_equal(verb, "scan"))
        return bench_scan();
    if (g_str_equal(verb, "populate") && argc == 4)
        return bench_populate(bench_number(argv[2]), bench_number(argv[3]));
    if (argc < 4) {
        g_printerr("usage: bench-live nmvirt|floor|nmcli|verify N NICS [--no-start]\n"
                   "       bench-live populate PAIRS NICS | check\n");
        return 2;
    }
    if (g_str_equal(verb, "nmvirt"))
        return bench_nmvirt(bench_number(argv[2]), bench_number(argv[3]), start);
    if (g_str_equal(verb, "floor"))
        return bench_floor(bench_number(argv[2]), bench_number(argv[3]), start);
    if (g_str_equal(verb, "nmcli"))
        return bench_nmcli(bench_number(argv[2]), bench_number(argv[3]), start);
    if (g_str_equal(verb, "verify"))
        return bench_verify(bench_number(argv[2]), bench_number(argv[3]), start);
    g_printerr("bench-live: unknown verb '%s'\n", verb);
    return 2;
}
