/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Monitoring: the NmvirtClient::interface-changed signal.
 *
 * The monitor keeps, per top-level interface, what a caller of
 * nmvirt_client_is_active() and nmvirt_client_get_xml() (no flags) would
 * see: whether it is active and its XML (live while active, else the
 * configuration), and the names of the kernel links that XML depends on
 * (the interface, its ports and members as the kernel lists them, and the
 * interfaces its port profiles name). A change of any source marks
 * interfaces "dirty"; 200 ms after the first mark the dirty ones are read
 * again and compared, and a signal is emitted per interface whose state or
 * XML really changed. NetworkManager sends many notifications per
 * transition, and the kernel several per link; this window turns them into
 * one comparison.
 *
 * Sources:
 * - NetworkManager (libnm's cache): profiles added, removed or changed,
 *   devices added or removed, active connections added or removed, and
 *   NetworkManager starting: every interface is dirty; a device's state
 *   change: the interfaces that depend on that device's link;
 * - the kernel (nmvirt-link-watch.c): a link's flags, carrier, operational
 *   state, controller, and addresses: the interfaces that depend on that
 *   link or on its controller.
 *
 * A port's or member's change is a change of the top-level interface: the
 * signal names the bridge or bond, never eth1 (a port is no interface of
 * its own in libvirt's sense). While NetworkManager is not running nothing
 * is compared, so a restart reports only what differs afterwards.
 *
 * Monitoring is opt-in and counted: nothing of this runs before
 * nmvirt_client_monitor_start(), and everything goes with the last
 * nmvirt_client_monitor_stop() or the client's disposal.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "nmvirt-client-monitor-private.h"
#include "nmvirt-client-private.h"
#include "nmvirt-enum-types.h"
#include "nmvirt-error.h"
#include "nmvirt-link-watch.h"
#include "nmvirt-map.h"
#include "nmvirt-xml.h"

/* How long changes are gathered before interfaces are compared. */
#define NMVIRT_CLIENT_MONITOR_SETTLE_MS 200
/* After NetworkManager (re)starts, libnm fills its cache profile by
 * profile: an interface whose profile has not arrived yet is not gone.
 * Nothing is compared for this long after NetworkManager is back. */
#define NMVIRT_CLIENT_MONITOR_RESTART_GRACE_MS 3000

static guint nmvirt_client_monitor_signal;

/* Where the monitor of a client hangs (object data). */
static GQuark
nmvirt_client_monitor_quark(void)
{
    return g_quark_from_static_string("nmvirt-client-monitor");
}

/* What the monitor last saw of one interface. */
typedef struct {
    gboolean active;
    char *xml;
    GStrv links; /* kernel link names the XML depends on */
} NmvirtClientMonitorState;

typedef struct {
    char *name;
    NmvirtInterfaceEvent event;
    char *xml;
} NmvirtClientMonitorEvent;

/* Reference-counted (g_rc_box): an emission holds a reference, so a
 * handler may stop the monitor or dispose of the client. */
typedef struct {
    NmvirtClient *self; /* (unowned): the monitor goes before the client */
    NMClient *nm;       /* (owned) until stopped */
    GMainContext *context;
    guint use_count;
    gboolean stopped;
    GHashTable *states; /* name → NmvirtClientMonitorState */
    GHashTable *dirty;  /* names to compare again */
    gboolean all_dirty;
    gint64 back_since; /* when NetworkManager came back (monotonic µs), or 0 */
    GSource *settle;
    NmvirtLinkWatch *link_watch;
    GHashTable *watched; /* devices and profiles whose signals we hold (owned) */
} NmvirtClientMonitor;

static void
nmvirt_client_monitor_state_free(gpointer data)
{
    NmvirtClientMonitorState *state = data;

    g_free(state->xml);
    g_strfreev(state->links);
    g_free(state);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(NmvirtClientMonitorState, nmvirt_client_monitor_state_free)

static void
nmvirt_client_monitor_event_free(gpointer data)
{
    NmvirtClientMonitorEvent *event = data;

    g_free(event->name);
    g_free(event->xml);
    g_free(event);
}

/* For debug messages. */
static const char *
nmvirt_client_monitor_event_nick(NmvirtInterfaceEvent event)
{
    g_autoptr(GEnumClass) klass = g_type_class_ref(NMVIRT_TYPE_INTERFACE_EVENT);
    const GEnumValue *value = g_enum_get_value(klass, event);

    /* the class stays: GLib never frees static enum classes */
    return value != NULL ? value->value_nick : "?";
}

static NmvirtClientMonitor *
nmvirt_client_monitor_get(NmvirtClient *self)
{
    return g_object_get_qdata(G_OBJECT(self), nmvirt_client_monitor_quark());
}

/* ---- reading one interface --------------------------------------------------- */

static void
nmvirt_client_monitor_add_links(GStrvBuilder *links, const NmvirtIfaceDef *def)
{
    if (def->name != NULL)
        g_strv_builder_add(links, def->name);
    for (guint i = 0; def->members != NULL && i < def->members->len; i++)
        nmvirt_client_monitor_add_links(links, g_ptr_array_index(def->members, i));
}

/* The state of interface @name, or NULL with @error set. */
static NmvirtClientMonitorState *
nmvirt_client_monitor_read(NmvirtClient *self, const char *name, GError **error)
{
    NMRemoteConnection *profile = nmvirt_client_find_profile(self, name);
    g_autoptr(NmvirtClientMonitorState) state = g_new0(NmvirtClientMonitorState, 1);
    g_autoptr(NmvirtIfaceDef) def = NULL;
    g_autoptr(GStrvBuilder) links = g_strv_builder_new();
    g_autoptr(GPtrArray) ports = NULL;

    if (profile == NULL) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_NOT_FOUND, _("no interface named '%s'"),
                    name);
        return NULL;
    }
    /* as nmvirt_client_get_xml() without flags */
    state->active = nmvirt_client_profile_is_active(self, profile);
    def = nmvirt_client_interface_def(self, name, profile, state->active, error);
    if (def == NULL)
        return NULL;
    state->xml = nmvirt_xml_format(def);
    nmvirt_client_monitor_add_links(links, def);
    /* configured ports not (yet) in the kernel's list: their device
     * appearing or changing state concerns this interface too */
    ports = nmvirt_client_get_ports(self, profile);
    for (guint i = 0; i < ports->len; i++) {
        const char *port = nm_connection_get_interface_name(g_ptr_array_index(ports, i));

        if (port != NULL)
            g_strv_builder_add(links, port);
    }
    state->links = g_strv_builder_end(links);
    return g_steal_pointer(&state);
}

/* ---- comparing ------------------------------------------------------------------ */

static void
nmvirt_client_monitor_add_event(GPtrArray *events, const char *name, NmvirtInterfaceEvent event,
                                const char *xml)
{
    NmvirtClientMonitorEvent *entry = g_new0(NmvirtClientMonitorEvent, 1);

    entry->name = g_strdup(name);
    entry->event = event;
    entry->xml = g_strdup(xml);
    g_ptr_array_add(events, entry);
}

static int
nmvirt_client_monitor_compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The names to compare now, sorted: every interface known or listed when
 * everything is dirty, else the dirty ones. (transfer container) */
static GPtrArray *
nmvirt_client_monitor_take_dirty(NmvirtClientMonitor *monitor, GStrv listed)
{
    g_autoptr(GHashTable) set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    GHashTableIter iter;
    gpointer key;

    if (monitor->all_dirty) {
        for (guint i = 0; listed[i] != NULL; i++)
            g_hash_table_add(set, g_strdup(listed[i]));
        g_hash_table_iter_init(&iter, monitor->states);
        while (g_hash_table_iter_next(&iter, &key, NULL))
            g_hash_table_add(set, g_strdup(key));
    } else {
        g_hash_table_iter_init(&iter, monitor->dirty);
        while (g_hash_table_iter_next(&iter, &key, NULL))
            g_hash_table_add(set, g_strdup(key));
    }
    monitor->all_dirty = FALSE;
    g_hash_table_remove_all(monitor->dirty);

    g_hash_table_iter_init(&iter, set);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        g_hash_table_iter_steal(&iter);
        g_ptr_array_add(names, key);
    }
    g_ptr_array_sort(names, nmvirt_client_monitor_compare_names);
    return names;
}

static void nmvirt_client_monitor_schedule(NmvirtClientMonitor *monitor);

/* Compares the dirty interfaces with what was seen last, remembers what
 * is seen now, and returns the events. (element-type NmvirtClientMonitorEvent) */
static GPtrArray *
nmvirt_client_monitor_update(NmvirtClientMonitor *monitor)
{
    GPtrArray *events = g_ptr_array_new_with_free_func(nmvirt_client_monitor_event_free);
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) listed = NULL;
    g_autoptr(GPtrArray) names = NULL;

    /* NetworkManager away: keep what was seen; its return marks everything */
    if (!nm_client_get_nm_running(monitor->nm)) {
        monitor->all_dirty = FALSE;
        g_hash_table_remove_all(monitor->dirty);
        return events;
    }
    /* just back: compare once libnm has had time to load every profile
     * (seen: a restart reported as 'undefined' then 'defined') */
    if (monitor->back_since != 0 &&
        g_get_monotonic_time() - monitor->back_since <
            NMVIRT_CLIENT_MONITOR_RESTART_GRACE_MS * G_TIME_SPAN_MILLISECOND) {
        nmvirt_client_monitor_schedule(monitor);
        return events;
    }
    monitor->back_since = 0;
    listed = nmvirt_client_list(monitor->self, NMVIRT_LIST_FLAGS_NONE, &error);
    if (listed == NULL) {
        g_debug("monitor: %s", error->message);
        return events;
    }
    names = nmvirt_client_monitor_take_dirty(monitor, listed);
    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        NmvirtClientMonitorState *old = g_hash_table_lookup(monitor->states, name);
        NmvirtClientMonitorState *state = NULL;

        if (!g_strv_contains((const char *const *)listed, name)) {
            if (old != NULL) {
                g_hash_table_remove(monitor->states, name);
                nmvirt_client_monitor_add_event(events, name, NMVIRT_INTERFACE_EVENT_UNDEFINED,
                                                NULL);
            }
            continue;
        }
        state = nmvirt_client_monitor_read(monitor->self, name, &error);
        if (state == NULL) {
            /* a profile nmvirt cannot read: reported once it can be */
            g_debug("monitor: interface '%s': %s", name, error->message);
            g_clear_error(&error);
            continue;
        }
        if (old == NULL) {
            nmvirt_client_monitor_add_event(events, name, NMVIRT_INTERFACE_EVENT_DEFINED,
                                            state->xml);
            if (state->active)
                nmvirt_client_monitor_add_event(events, name, NMVIRT_INTERFACE_EVENT_ACTIVATED,
                                                state->xml);
        } else if (old->active != state->active) {
            nmvirt_client_monitor_add_event(events, name,
                                            state->active ? NMVIRT_INTERFACE_EVENT_ACTIVATED
                                                          : NMVIRT_INTERFACE_EVENT_DEACTIVATED,
                                            state->xml);
        } else if (g_strcmp0(old->xml, state->xml) != 0) {
            nmvirt_client_monitor_add_event(events, name, NMVIRT_INTERFACE_EVENT_CHANGED,
                                            state->xml);
        }
        g_hash_table_replace(monitor->states, g_strdup(name), state);
    }
    return events;
}

/* ---- marking and the settle window --------------------------------------------- */

static void nmvirt_client_monitor_release(NmvirtClientMonitor *monitor);

static gboolean
nmvirt_client_monitor_settle_cb(gpointer user_data)
{
    NmvirtClientMonitor *monitor = g_rc_box_acquire((NmvirtClientMonitor *)user_data);
    g_autoptr(NmvirtClient) self = g_object_ref(monitor->self);
    g_autoptr(GPtrArray) events = NULL;

    g_clear_pointer(&monitor->settle, g_source_unref);
    events = nmvirt_client_monitor_update(monitor);
    for (guint i = 0; i < events->len && !monitor->stopped; i++) {
        NmvirtClientMonitorEvent *event = g_ptr_array_index(events, i);

        g_debug("monitor: interface '%s': %s", event->name,
                nmvirt_client_monitor_event_nick(event->event));
        g_signal_emit(self, nmvirt_client_monitor_signal, 0, event->name, event->event, event->xml);
    }
    nmvirt_client_monitor_release(monitor);
    return G_SOURCE_REMOVE;
}

static void
nmvirt_client_monitor_schedule(NmvirtClientMonitor *monitor)
{
    /* a fixed window from the first change: a link that keeps flapping
     * still gets compared every 200 ms */
    if (monitor->settle != NULL || monitor->stopped)
        return;
    monitor->settle = g_timeout_source_new(NMVIRT_CLIENT_MONITOR_SETTLE_MS);
    g_source_set_callback(monitor->settle, nmvirt_client_monitor_settle_cb, monitor, NULL);
    g_source_set_static_name(monitor->settle, "nmvirt monitor settle");
    g_source_attach(monitor->settle, monitor->context);
}

static void
nmvirt_client_monitor_mark_all(NmvirtClientMonitor *monitor)
{
    monitor->all_dirty = TRUE;
    nmvirt_client_monitor_schedule(monitor);
}

/* Marks the interfaces whose XML depends on link @link. */
static void
nmvirt_client_monitor_mark_link(NmvirtClientMonitor *monitor, const char *link)
{
    GHashTableIter iter;
    gpointer key;
    gpointer value;
    gboolean marked = FALSE;

    if (link == NULL)
        return;
    g_hash_table_iter_init(&iter, monitor->states);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        NmvirtClientMonitorState *state = value;

        if (g_strv_contains((const char *const *)state->links, link)) {
            g_hash_table_add(monitor->dirty, g_strdup(key));
            marked = TRUE;
        }
    }
    if (marked)
        nmvirt_client_monitor_schedule(monitor);
}

static void
nmvirt_client_monitor_links_cb(const char *const *links, gpointer user_data)
{
    NmvirtClientMonitor *monitor = user_data;

    /* notifications lost: anything may have changed */
    if (links == NULL) {
        nmvirt_client_monitor_mark_all(monitor);
        return;
    }
    for (guint i = 0; links[i] != NULL; i++)
        nmvirt_client_monitor_mark_link(monitor, links[i]);
}

/* ---- NetworkManager's signals ------------------------------------------------------- */

static void
nmvirt_client_monitor_device_state_cb(NMDevice *device, guint new_state, guint old_state,
                                      guint reason, gpointer user_data)
{
    nmvirt_client_monitor_mark_link(user_data, nm_device_get_iface(device));
}

static void
nmvirt_client_monitor_changed_cb(gpointer object, gpointer user_data)
{
    nmvirt_client_monitor_mark_all(user_data);
}

static void
nmvirt_client_monitor_watch(NmvirtClientMonitor *monitor, GObject *object)
{
    if (g_hash_table_contains(monitor->watched, object))
        return;
    if (NM_IS_DEVICE(object))
        g_signal_connect(object, "state-changed", G_CALLBACK(nmvirt_client_monitor_device_state_cb),
                         monitor);
    else
        g_signal_connect(object, NM_CONNECTION_CHANGED,
                         G_CALLBACK(nmvirt_client_monitor_changed_cb), monitor);
    g_hash_table_add(monitor->watched, g_object_ref(object));
}

static void
nmvirt_client_monitor_unwatch(NmvirtClientMonitor *monitor, GObject *object)
{
    if (!g_hash_table_contains(monitor->watched, object))
        return;
    g_signal_handlers_disconnect_by_data(object, monitor);
    g_hash_table_remove(monitor->watched, object);
}

static void
nmvirt_client_monitor_added_cb(NMClient *nm, GObject *object, gpointer user_data)
{
    NmvirtClientMonitor *monitor = user_data;

    nmvirt_client_monitor_watch(monitor, object);
    nmvirt_client_monitor_mark_all(monitor);
}

static void
nmvirt_client_monitor_removed_cb(NMClient *nm, GObject *object, gpointer user_data)
{
    NmvirtClientMonitor *monitor = user_data;

    nmvirt_client_monitor_unwatch(monitor, object);
    nmvirt_client_monitor_mark_all(monitor);
}

static void
nmvirt_client_monitor_active_cb(NMClient *nm, GObject *active, gpointer user_data)
{
    nmvirt_client_monitor_mark_all(user_data);
}

static void
nmvirt_client_monitor_running_cb(GObject *nm, GParamSpec *pspec, gpointer user_data)
{
    NmvirtClientMonitor *monitor = user_data;

    monitor->back_since = nm_client_get_nm_running(NM_CLIENT(nm)) ? g_get_monotonic_time() : 0;
    nmvirt_client_monitor_mark_all(monitor);
}

static void
nmvirt_client_monitor_connect(NmvirtClientMonitor *monitor)
{
    const GPtrArray *devices = nm_client_get_all_devices(monitor->nm);
    const GPtrArray *profiles = nm_client_get_connections(monitor->nm);

    g_signal_connect(monitor->nm, "notify::" NM_CLIENT_NM_RUNNING,
                     G_CALLBACK(nmvirt_client_monitor_running_cb), monitor);
    g_signal_connect(monitor->nm, NM_CLIENT_ANY_DEVICE_ADDED,
                     G_CALLBACK(nmvirt_client_monitor_added_cb), monitor);
    g_signal_connect(monitor->nm, NM_CLIENT_ANY_DEVICE_REMOVED,
                     G_CALLBACK(nmvirt_client_monitor_removed_cb), monitor);
    g_signal_connect(monitor->nm, NM_CLIENT_CONNECTION_ADDED,
                     G_CALLBACK(nmvirt_client_monitor_added_cb), monitor);
    g_signal_connect(monitor->nm, NM_CLIENT_CONNECTION_REMOVED,
                     G_CALLBACK(nmvirt_client_monitor_removed_cb), monitor);
    g_signal_connect(monitor->nm, NM_CLIENT_ACTIVE_CONNECTION_ADDED,
                     G_CALLBACK(nmvirt_client_monitor_active_cb), monitor);
    g_signal_connect(monitor->nm, NM_CLIENT_ACTIVE_CONNECTION_REMOVED,
                     G_CALLBACK(nmvirt_client_monitor_active_cb), monitor);
    for (guint i = 0; i < devices->len; i++)
        nmvirt_client_monitor_watch(monitor, g_ptr_array_index(devices, i));
    for (guint i = 0; i < profiles->len; i++)
        nmvirt_client_monitor_watch(monitor, g_ptr_array_index(profiles, i));
}

/* ---- life cycle --------------------------------------------------------------------- */

static void
nmvirt_client_monitor_clear(gpointer data)
{
    NmvirtClientMonitor *monitor = data;

    g_clear_pointer(&monitor->states, g_hash_table_unref);
    g_clear_pointer(&monitor->dirty, g_hash_table_unref);
    g_clear_pointer(&monitor->watched, g_hash_table_unref);
    g_clear_pointer(&monitor->context, g_main_context_unref);
}

static void
nmvirt_client_monitor_release(NmvirtClientMonitor *monitor)
{
    g_rc_box_release_full(monitor, nmvirt_client_monitor_clear);
}

/* Ends monitoring at once, whatever the use count. */
static void
nmvirt_client_monitor_shutdown(NmvirtClient *self, NmvirtClientMonitor *monitor)
{
    GHashTableIter iter;
    gpointer object;

    monitor->stopped = TRUE;
    g_object_set_qdata(G_OBJECT(self), nmvirt_client_monitor_quark(), NULL);
    g_hash_table_iter_init(&iter, monitor->watched);
    while (g_hash_table_iter_next(&iter, &object, NULL))
        g_signal_handlers_disconnect_by_data(object, monitor);
    g_hash_table_remove_all(monitor->watched);
    g_clear_pointer(&monitor->link_watch, nmvirt_link_watch_free);
    nmvirt_client_clear_source(&monitor->settle);
    if (monitor->nm != NULL)
        g_signal_handlers_disconnect_by_data(monitor->nm, monitor);
    /* now: the client's dispose waits for libnm's last reference to go */
    g_clear_object(&monitor->nm);
    nmvirt_client_monitor_release(monitor);
}

void
nmvirt_client_monitor_dispose(NmvirtClient *self)
{
    NmvirtClientMonitor *monitor = nmvirt_client_monitor_get(self);

    if (monitor != NULL)
        nmvirt_client_monitor_shutdown(self, monitor);
}

void
nmvirt_client_monitor_class_init(GObjectClass *object_class)
{
    /**
     * NmvirtClient::interface-changed:
     * @client: the client
     * @name: the top-level interface
     * @event: what happened
     * @xml: (nullable): the interface's XML as nmvirt_client_get_xml()
     *   without flags gives it now: the live state while the interface is
     *   active, else its configuration; %NULL for
     *   %NMVIRT_INTERFACE_EVENT_UNDEFINED
     *
     * Emitted, while monitoring runs (see nmvirt_client_monitor_start()),
     * when an interface is defined or undefined, becomes active or
     * inactive, or its XML changes: a port or member joins or leaves, a
     * link's state changes (carrier, up or down), an address comes or goes,
     * the configuration of an inactive interface is redefined.
     *
     * A change of a port or member (a bond member losing its carrier) is a
     * change of the top-level interface it belongs to: the signal names the
     * bridge or bond, and @xml shows that member's new `<link state>`.
     * Changes are gathered for 200 ms and the signal is emitted only when
     * the state or the XML differs from what the last emission (or the
     * start of monitoring) showed: one transition of NetworkManager may
     * still give several signals (%NMVIRT_INTERFACE_EVENT_ACTIVATED, then
     * %NMVIRT_INTERFACE_EVENT_CHANGED as the ports join). An interface
     * defined already active gives %NMVIRT_INTERFACE_EVENT_DEFINED then
     * %NMVIRT_INTERFACE_EVENT_ACTIVATED. The signal is emitted in the
     * client's main context.
     *
     * Since: 0.1
     */
    nmvirt_client_monitor_signal = g_signal_new(
        "interface-changed", G_TYPE_FROM_CLASS(object_class), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
        NULL, G_TYPE_NONE, 3, G_TYPE_STRING, NMVIRT_TYPE_INTERFACE_EVENT, G_TYPE_STRING);
}

/**
 * nmvirt_client_monitor_start:
 * @self: a #NmvirtClient
 * @error: return location for a #GError, or %NULL
 *
 * Starts emitting #NmvirtClient::interface-changed. What is there now is
 * the reference: the first signals are about what changes afterwards.
 * Monitoring costs nothing before this call; it listens to NetworkManager
 * and to the kernel's link notifications until the matching
 * nmvirt_client_monitor_stop(). Calls are counted: each start needs a stop.
 *
 * The signal is emitted in the client's main context, which the caller
 * must iterate: this needs a client made by nmvirt_client_new_async() in
 * the caller's thread-default main context (a client of nmvirt_client_new()
 * has a private context nobody iterates, and gets %NMVIRT_ERROR_UNSUPPORTED).
 * Monitoring goes on while NetworkManager restarts; what differs after its
 * return is reported.
 *
 * Returns: %TRUE on success; %FALSE with @error set (%NMVIRT_ERROR_DAEMON
 *   when NetworkManager is not running, %NMVIRT_ERROR_IO when the kernel's
 *   notifications cannot be received)
 *
 * Since: 0.1
 */
gboolean
nmvirt_client_monitor_start(NmvirtClient *self, GError **error)
{
    NmvirtClientMonitor *monitor = NULL;
    g_autoptr(GMainContext) caller_context = NULL;
    g_autoptr(GPtrArray) initial = NULL;
    NMClient *nm;

    g_return_val_if_fail(NMVIRT_IS_CLIENT(self), FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    monitor = nmvirt_client_monitor_get(self);
    if (monitor != NULL) {
        monitor->use_count++;
        return TRUE;
    }
    if (!nmvirt_client_check_running(self, error))
        return FALSE;
    nm = nmvirt_client_get_nm_client(self);
    caller_context = g_main_context_ref_thread_default();
    if (nm_client_get_main_context(nm) != caller_context) {
        g_set_error_literal(error, NMVIRT_ERROR, NMVIRT_ERROR_UNSUPPORTED,
                            _("cannot monitor: the client's main context is not the caller's "
                              "(make the client with nmvirt_client_new_async() in the context "
                              "that will be iterated)"));
        return FALSE;
    }

    monitor = g_rc_box_new0(NmvirtClientMonitor);
    monitor->self = self;
    monitor->nm = g_object_ref(nm);
    monitor->context = g_main_context_ref(caller_context);
    monitor->use_count = 1;
    monitor->states =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, nmvirt_client_monitor_state_free);
    monitor->dirty = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    monitor->watched = g_hash_table_new_full(NULL, NULL, g_object_unref, NULL);
    monitor->link_watch =
        nmvirt_link_watch_new(monitor->context, nmvirt_client_monitor_links_cb, monitor, error);
    if (monitor->link_watch == NULL) {
        g_clear_object(&monitor->nm);
        nmvirt_client_monitor_release(monitor);
        return FALSE;
    }
    nmvirt_client_monitor_connect(monitor);
    /* the reference state: nothing is reported about it */
    monitor->all_dirty = TRUE;
    initial = nmvirt_client_monitor_update(monitor);
    g_object_set_qdata(G_OBJECT(self), nmvirt_client_monitor_quark(), monitor);
    return TRUE;
}

/**
 * nmvirt_client_monitor_stop:
 * @self: a #NmvirtClient
 *
 * Undoes one nmvirt_client_monitor_start(). After the last one no signal
 * is emitted any more, not even for changes already gathered, and nothing
 * listens to NetworkManager or the kernel on the monitor's behalf.
 *
 * Since: 0.1
 */
void
nmvirt_client_monitor_stop(NmvirtClient *self)
{
    NmvirtClientMonitor *monitor = NULL;

    g_return_if_fail(NMVIRT_IS_CLIENT(self));
    monitor = nmvirt_client_monitor_get(self);
    g_return_if_fail(monitor != NULL);

    if (--monitor->use_count > 0)
        return;
    nmvirt_client_monitor_shutdown(self, monitor);
}
