/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "nmvirt-client-monitor-private.h"
#include "nmvirt-client-private.h"
#include "nmvirt-error.h"
#include "nmvirt-map-private.h"
#include "nmvirt-map.h"
#include "nmvirt-xml.h"

/**
 * SECTION:nmvirt-client
 * @short_description: interface XML on a running NetworkManager
 *
 * #NmvirtClient reads and writes NetworkManager's profiles in terms of
 * libvirt's interface XML: list, lookup by name or MAC, XML of the
 * configuration or of the live state, define, undefine, start and stop.
 *
 * An interface is its name. The profile that *is* interface `X` (its
 * identity profile) is the profile whose `connection.interface-name` is `X`
 * (for ethernet also: which is bound to the device's MAC address) and which
 * is not a port of another profile; where several match, the one active on
 * a device wins, then the highest `connection.autoconnect-priority`, then
 * the most recently used (`connection.timestamp`), then the lowest UUID.
 * Profiles NetworkManager generates for devices it does not manage
 * (external or volatile ones such as `virbr0`, `vnetN`, `docker0`) are not
 * interfaces of nmvirt.
 *
 * The client lives in the thread-default #GMainContext of the caller of
 * nmvirt_client_new_async(), or in a private one made by nmvirt_client_new().
 * Queries answer from NetworkManager's state as the client has received it;
 * a client with a private context first takes in what has arrived since the
 * last call. Every call that needs NetworkManager fails at once with
 * %NMVIRT_ERROR_DAEMON when it is not running.
 */

struct _NmvirtClient {
    GObject parent_instance;
    NMClient *nm_client;
    GMainContext *context;
    gboolean own_context; /* made by nmvirt_client_new(): nobody else iterates it */
    char *name_owner;     /* NetworkManager's D-Bus name owner when nm_client loaded, or NULL */
};

G_DEFINE_FINAL_TYPE(NmvirtClient, nmvirt_client, G_TYPE_OBJECT)

/* Connection types interface XML can describe at top level. */
static const char *const nmvirt_client_types[] = {
    NM_SETTING_WIRED_SETTING_NAME,
    NM_SETTING_BRIDGE_SETTING_NAME,
    NM_SETTING_BOND_SETTING_NAME,
    NM_SETTING_VLAN_SETTING_NAME,
};

static void
nmvirt_client_busy_watcher_gone_cb(gpointer data, GObject *where_the_object_was)
{
    gboolean *gone = data;

    *gone = TRUE;
}

/* Drops the libnm client. libnm keeps sources in the context after the
 * NMClient is gone; the busy watcher lives until the last of them is done.
 * Iterating until then releases everything (no leak for ASan/LSan, nothing
 * left behind in a caller's context). */
static void
nmvirt_client_release_nm_client(NmvirtClient *self)
{
    g_autoptr(GObject) watcher = NULL;
    gboolean gone = FALSE;

    if (self->nm_client == NULL)
        return;
    watcher = g_object_ref(nm_client_get_context_busy_watcher(self->nm_client));
    g_object_weak_ref(watcher, nmvirt_client_busy_watcher_gone_cb, &gone);
    g_clear_object(&self->nm_client);
    g_clear_object(&watcher);
    nmvirt_client_iterate_until(self, &gone);
}

static void
nmvirt_client_dispose(GObject *object)
{
    NmvirtClient *self = NMVIRT_CLIENT(object);

    nmvirt_client_monitor_dispose(self);
    nmvirt_client_release_nm_client(self);
    G_OBJECT_CLASS(nmvirt_client_parent_class)->dispose(object);
}

static void
nmvirt_client_finalize(GObject *object)
{
    NmvirtClient *self = NMVIRT_CLIENT(object);

    g_clear_pointer(&self->context, g_main_context_unref);
    g_clear_pointer(&self->name_owner, g_free);
    G_OBJECT_CLASS(nmvirt_client_parent_class)->finalize(object);
}

static void
nmvirt_client_class_init(NmvirtClientClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);

    object_class->dispose = nmvirt_client_dispose;
    object_class->finalize = nmvirt_client_finalize;
    nmvirt_client_monitor_class_init(object_class);
}

static void
nmvirt_client_init(NmvirtClient *self)
{
}

/* Construction ----------------------------------------------------------- */

static void
nmvirt_client_new_expired_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    g_autoptr(GError) error = NULL;

    /* the client is fine; the transaction stays for the next call */
    if (!nmvirt_client_transaction_expire_finish(NMVIRT_CLIENT(source), result, &error)) {
        if (g_error_matches(error, NMVIRT_ERROR, NMVIRT_ERROR_PERMISSION_DENIED))
            g_debug("client: cannot look at the transaction: %s", error->message);
        else
            g_warning("rolling back a transaction whose timeout passed: %s", error->message);
    }
    g_task_return_pointer(task, g_object_ref(source), g_object_unref);
}

static void
nmvirt_client_new_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(NMClient) nm_client = nm_client_new_finish(result, &error);
    g_autoptr(NmvirtClient) self = NULL;

    if (nm_client == NULL) {
        /* NetworkManager not running is no error here (later calls say
         * so); this is the system bus itself missing or refusing us. */
        g_task_return_new_error(task, NMVIRT_ERROR, NMVIRT_ERROR_DAEMON,
                                _("cannot connect to NetworkManager: the D-Bus system bus is not "
                                  "available (%s)"),
                                error->message);
        return;
    }
    self = g_object_new(NMVIRT_TYPE_CLIENT, NULL);
    self->context = g_main_context_ref(nm_client_get_main_context(nm_client));
    self->nm_client = g_steal_pointer(&nm_client);
    self->name_owner = g_strdup(nm_client_get_dbus_name_owner(self->nm_client));
    if (!nm_client_get_nm_running(self->nm_client))
        g_debug("client: NetworkManager is not running");
    /* a transaction whose timeout passed is rolled back by the next nmvirt
     * call, whichever it is (nmvirt-client-transaction.c) */
    nmvirt_client_transaction_expire_async(self, NULL, FALSE, nmvirt_client_new_expired_cb,
                                           g_steal_pointer(&task));
}

/**
 * nmvirt_client_new_async:
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @callback: (scope async): called when the client is ready
 * @user_data: (closure): data for @callback
 *
 * Connects to NetworkManager on the system bus. The client lives in the
 * thread-default main context of the caller, which must be iterated for
 * the client to see changes. Construction succeeds when NetworkManager is
 * not running; calls that need it then fail with %NMVIRT_ERROR_DAEMON.
 *
 * When a transaction is open whose timeout has passed (see
 * nmvirt_client_change_begin_async()) and no other process is working on
 * it, it is rolled back before the client is returned.
 *
 * Since: 0.1
 */
void
nmvirt_client_new_async(GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = NULL;

    g_return_if_fail(cancellable == NULL || G_IS_CANCELLABLE(cancellable));

    task = g_task_new(NULL, cancellable, callback, user_data);
    g_task_set_source_tag(task, nmvirt_client_new_async);
    nm_client_new_async(cancellable, nmvirt_client_new_cb, g_steal_pointer(&task));
}

/**
 * nmvirt_client_new_finish:
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full): a new client, or %NULL with @error set
 *   (%NMVIRT_ERROR_DAEMON when the system bus is not available)
 *
 * Since: 0.1
 */
NmvirtClient *
nmvirt_client_new_finish(GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, NULL), NULL);
    g_return_val_if_fail(g_task_get_source_tag(G_TASK(result)) == nmvirt_client_new_async, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    return g_task_propagate_pointer(G_TASK(result), error);
}

typedef struct {
    gboolean done;
    GAsyncResult *result;
} NmvirtClientNewData;

static void
nmvirt_client_new_sync_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    NmvirtClientNewData *data = user_data;

    data->result = g_object_ref(result);
    data->done = TRUE;
}

/**
 * nmvirt_client_new:
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @error: return location for a #GError, or %NULL
 *
 * Connects to NetworkManager, synchronously. The client gets a private
 * main context of its own, which the synchronous calls (nmvirt_client_define()
 * and the others) iterate; it never touches the caller's context. This is
 * what a synchronous API such as netcf's needs.
 *
 * Returns: (transfer full): a new client, or %NULL with @error set
 *
 * Since: 0.1
 */
NmvirtClient *
nmvirt_client_new(GCancellable *cancellable, GError **error)
{
    g_autoptr(GMainContext) context = g_main_context_new();
    NmvirtClientNewData data = { FALSE, NULL };
    NmvirtClient *self = NULL;

    g_return_val_if_fail(cancellable == NULL || G_IS_CANCELLABLE(cancellable), NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    g_main_context_push_thread_default(context);
    nmvirt_client_new_async(cancellable, nmvirt_client_new_sync_cb, &data);
    while (!data.done)
        g_main_context_iteration(context, TRUE);
    g_main_context_pop_thread_default(context);

    self = nmvirt_client_new_finish(data.result, error);
    g_object_unref(data.result);
    if (self != NULL)
        self->own_context = TRUE;
    return self;
}

/**
 * nmvirt_client_get_nm_client:
 * @self: a #NmvirtClient
 *
 * The libnm client underneath. A client made by nmvirt_client_new()
 * replaces it with a fresh one when it finds that NetworkManager has
 * restarted since the last call, so do not keep it across calls.
 *
 * Returns: (transfer none): the libnm client underneath
 *
 * Since: 0.1
 */
NMClient *
nmvirt_client_get_nm_client(NmvirtClient *self)
{
    g_return_val_if_fail(NMVIRT_IS_CLIENT(self), NULL);
    return self->nm_client;
}

void
nmvirt_client_iterate_until(NmvirtClient *self, const gboolean *done)
{
    gboolean acquired = FALSE;

    g_return_if_fail(NMVIRT_IS_CLIENT(self));
    g_return_if_fail(done != NULL);

    /* Acquiring fails only when another thread owns the context: a misuse
     * (the client belongs to the thread that iterates its context). */
    acquired = g_main_context_acquire(self->context);
    g_return_if_fail(acquired);
    while (!*done)
        g_main_context_iteration(self->context, TRUE);
    g_main_context_release(self->context);
}

/* A client with a private context sees nothing between two calls, since
 * nobody iterates it: take in what has arrived (signals already queued by
 * GDBus's worker thread) without blocking. */
static void
nmvirt_client_dispatch_pending(NmvirtClient *self)
{
    if (!self->own_context || !g_main_context_acquire(self->context))
        return;
    while (g_main_context_iteration(self->context, FALSE))
        ;
    g_main_context_release(self->context);
}

/* NetworkManager appeared, or restarted, since @self's libnm client loaded
 * its cache. That client reloads on its own, but piece by piece (the object
 * list first, then each profile's settings), and a client with a private
 * context only moves on while one of our calls iterates it: a query
 * right after the restart would see no profiles at all, or only some. A
 * new libnm client is complete once made (its initialization waits for
 * every object), so take one. */
static gboolean
nmvirt_client_reload(NmvirtClient *self, GError **error)
{
    NmvirtClientNewData data = { FALSE, NULL };
    g_autoptr(GError) local_error = NULL;
    NMClient *nm_client = NULL;

    g_debug("client: NetworkManager (re)started; reloading");
    g_main_context_push_thread_default(self->context);
    nm_client_new_async(NULL, nmvirt_client_new_sync_cb, &data);
    nmvirt_client_iterate_until(self, &data.done);
    g_main_context_pop_thread_default(self->context);
    nm_client = nm_client_new_finish(data.result, &local_error);
    g_object_unref(data.result);
    if (nm_client == NULL) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_DAEMON,
                    _("cannot connect to NetworkManager: the D-Bus system bus is not "
                      "available (%s)"),
                    local_error->message);
        return FALSE;
    }
    nmvirt_client_release_nm_client(self);
    self->nm_client = nm_client;
    g_free(self->name_owner);
    self->name_owner = g_strdup(nm_client_get_dbus_name_owner(nm_client));
    return TRUE;
}

gboolean
nmvirt_client_check_running(NmvirtClient *self, GError **error)
{
    nmvirt_client_dispatch_pending(self);
    if (self->own_context) {
        const char *owner = nm_client_get_dbus_name_owner(self->nm_client);

        if (owner != NULL && g_strcmp0(owner, self->name_owner) != 0 &&
            !nmvirt_client_reload(self, error))
            return FALSE;
    }
    if (nm_client_get_nm_running(self->nm_client))
        return TRUE;
    g_set_error_literal(error, NMVIRT_ERROR, NMVIRT_ERROR_DAEMON,
                        _("NetworkManager is not running"));
    return FALSE;
}

/* Profiles and devices --------------------------------------------------- */

GPtrArray *
nmvirt_client_get_profiles(NmvirtClient *self)
{
    const GPtrArray *all = nm_client_get_connections(self->nm_client);
    GPtrArray *profiles = g_ptr_array_new();
    const NMSettingsConnectionFlags generated = NM_SETTINGS_CONNECTION_FLAG_EXTERNAL |
                                                NM_SETTINGS_CONNECTION_FLAG_VOLATILE |
                                                NM_SETTINGS_CONNECTION_FLAG_NM_GENERATED;

    for (guint i = 0; i < all->len; i++) {
        NMRemoteConnection *profile = g_ptr_array_index(all, i);

        if ((nm_remote_connection_get_flags(profile) & generated) != 0)
            continue;
        g_ptr_array_add(profiles, profile);
    }
    return profiles;
}

NMDevice *
nmvirt_client_find_device(NmvirtClient *self, const char *name)
{
    const GPtrArray *devices = nm_client_get_all_devices(self->nm_client);
    NMDevice *found = NULL;

    for (guint i = 0; i < devices->len; i++) {
        NMDevice *device = g_ptr_array_index(devices, i);

        if (g_strcmp0(nm_device_get_iface(device), name) != 0)
            continue;
        /* a realized device over a placeholder for a profile */
        if (found == NULL || (!nm_device_is_real(found) && nm_device_is_real(device)))
            found = device;
    }
    return found;
}

/* The MAC address a profile would bind to for @device: the permanent one
 * of an ethernet device (NetworkManager matches 802-3-ethernet.mac-address
 * against it), else the current one. */
static const char *
nmvirt_client_device_mac(NMDevice *device)
{
    const char *mac = NULL;

    if (device == NULL || !nm_device_is_real(device))
        return NULL;
    if (NM_IS_DEVICE_ETHERNET(device))
        mac = nm_device_ethernet_get_permanent_hw_address(NM_DEVICE_ETHERNET(device));
    if (mac == NULL || *mac == '\0')
        mac = nm_device_get_hw_address(device);
    if (mac == NULL || *mac == '\0')
        return NULL;
    return mac;
}

/* The profiles of @profiles applied on a device right now. */
static GPtrArray *
nmvirt_client_active_profiles(NmvirtClient *self, GPtrArray *profiles)
{
    const GPtrArray *actives = nm_client_get_active_connections(self->nm_client);
    GPtrArray *result = g_ptr_array_new();

    for (guint i = 0; i < actives->len; i++) {
        NMActiveConnection *active = g_ptr_array_index(actives, i);
        NMRemoteConnection *profile = nm_active_connection_get_connection(active);
        const GPtrArray *devices = nm_active_connection_get_devices(active);

        if (profile == NULL || devices == NULL || devices->len == 0)
            continue;
        if (g_ptr_array_find(profiles, profile, NULL))
            g_ptr_array_add(result, profile);
    }
    return result;
}

/* A vlan profile without interface-name is named <parent>.<id> by
 * NetworkManager; the identity rule (interface-name) cannot see it. */
static NMRemoteConnection *
nmvirt_client_find_unnamed_vlan(GPtrArray *candidates, GPtrArray *profiles, const char *name)
{
    NMRemoteConnection *found = NULL;

    for (guint i = 0; i < candidates->len; i++) {
        NMConnection *profile = g_ptr_array_index(candidates, i);
        g_autofree char *profile_name = NULL;

        if (nm_connection_get_interface_name(profile) != NULL ||
            !nm_connection_is_type(profile, NM_SETTING_VLAN_SETTING_NAME) ||
            nm_setting_connection_get_master(nm_connection_get_setting_connection(profile)) != NULL)
            continue;
        profile_name = nmvirt_map_connection_name_from_nm(profile, profiles, NULL);
        if (g_strcmp0(profile_name, name) != 0)
            continue;
        if (found == NULL || g_strcmp0(nm_connection_get_uuid(profile),
                                       nm_connection_get_uuid(NM_CONNECTION(found))) < 0)
            found = NM_REMOTE_CONNECTION(profile);
    }
    return found;
}

NMRemoteConnection *
nmvirt_client_find_profile(NmvirtClient *self, const char *name)
{
    g_autoptr(GPtrArray) profiles = nmvirt_client_get_profiles(self);
    g_autoptr(GPtrArray) active = nmvirt_client_active_profiles(self, profiles);
    const char *mac = nmvirt_client_device_mac(nmvirt_client_find_device(self, name));
    NMConnection *found = NULL;

    /* design.md: the profile active on the device first. */
    found = nmvirt_identity_find(active, name, mac, FALSE);
    if (found != NULL)
        return NM_REMOTE_CONNECTION(found);
    found = nmvirt_identity_find(profiles, name, mac, FALSE);
    if (found != NULL)
        return NM_REMOTE_CONNECTION(found);
    found = NM_CONNECTION(nmvirt_client_find_unnamed_vlan(active, profiles, name));
    if (found != NULL)
        return NM_REMOTE_CONNECTION(found);
    return nmvirt_client_find_unnamed_vlan(profiles, profiles, name);
}

static NMRemoteConnection *
nmvirt_client_find_profile_or_error(NmvirtClient *self, const char *name, GError **error)
{
    NMRemoteConnection *profile = nmvirt_client_find_profile(self, name);

    if (profile == NULL)
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_NOT_FOUND, _("no interface named '%s'"),
                    name);
    return profile;
}

/* The name of the top-level interface @profile stands for, or NULL: its
 * interface-name, <parent>.<id> for a vlan without one, or the device
 * bound by MAC address for an ethernet profile without one. */
static char *
nmvirt_client_profile_iface(NmvirtClient *self, NMConnection *profile, GPtrArray *profiles)
{
    NMSettingWired *s_wired = nm_connection_get_setting_wired(profile);
    const char *mac = s_wired != NULL ? nm_setting_wired_get_mac_address(s_wired) : NULL;
    const GPtrArray *devices = NULL;

    if (nm_connection_get_interface_name(profile) != NULL ||
        nm_connection_is_type(profile, NM_SETTING_VLAN_SETTING_NAME))
        return nmvirt_map_connection_name_from_nm(profile, profiles, NULL);
    if (!nm_connection_is_type(profile, NM_SETTING_WIRED_SETTING_NAME) || mac == NULL)
        return NULL;
    devices = nm_client_get_devices(self->nm_client);
    for (guint i = 0; i < devices->len; i++) {
        NMDevice *device = g_ptr_array_index(devices, i);
        const char *device_mac = nmvirt_client_device_mac(device);

        if (device_mac != NULL && nm_utils_hwaddr_matches(device_mac, -1, mac, -1))
            return g_strdup(nm_device_get_iface(device));
    }
    return NULL;
}

static gboolean
nmvirt_client_type_supported(NMConnection *profile)
{
    for (guint i = 0; i < G_N_ELEMENTS(nmvirt_client_types); i++) {
        if (nm_connection_is_type(profile, nmvirt_client_types[i]))
            return TRUE;
    }
    return FALSE;
}

/* The names of every top-level interface, unsorted. (transfer full) */
static GPtrArray *
nmvirt_client_names(NmvirtClient *self)
{
    g_autoptr(GPtrArray) profiles = nmvirt_client_get_profiles(self);
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);

    for (guint i = 0; i < profiles->len; i++) {
        NMConnection *profile = g_ptr_array_index(profiles, i);
        NMSettingConnection *s_con = nm_connection_get_setting_connection(profile);
        g_autofree char *name = NULL;

        /* A port belongs to its controller's interface; types the XML has
         * no words for (Wi-Fi, VPN ...) are not interfaces of ours. */
        if (s_con == NULL || nm_setting_connection_get_master(s_con) != NULL ||
            !nmvirt_client_type_supported(profile))
            continue;
        name = nmvirt_client_profile_iface(self, profile, profiles);
        if (name == NULL || g_hash_table_contains(seen, name))
            continue;
        g_hash_table_add(seen, name);
        g_ptr_array_add(names, g_steal_pointer(&name));
    }
    return g_steal_pointer(&names);
}

static int
nmvirt_client_compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted, NULL-terminated; takes @names. */
static GStrv
nmvirt_client_names_to_strv(GPtrArray *names)
{
    g_ptr_array_sort(names, nmvirt_client_compare_names);
    g_ptr_array_set_free_func(names, NULL);
    g_ptr_array_add(names, NULL);
    return (GStrv)g_ptr_array_free(names, FALSE);
}

/* Queries ---------------------------------------------------------------- */

/**
 * nmvirt_client_list:
 * @self: a #NmvirtClient
 * @flags: which interfaces: active, inactive, or both (%NMVIRT_LIST_FLAGS_NONE)
 * @error: return location for a #GError, or %NULL
 *
 * Lists the top-level interfaces: the names of the identity profiles that
 * are not ports of another profile, of the types interface XML describes
 * (ethernet, bridge, bond, vlan). NetworkManager's generated profiles for
 * devices it does not manage are not listed. "Active" is the one rule of
 * nmvirt_client_is_active().
 *
 * Returns: (transfer full) (array zero-terminated=1): the sorted names, or
 *   %NULL with @error set
 *
 * Since: 0.1
 */
GStrv
nmvirt_client_list(NmvirtClient *self, NmvirtListFlags flags, GError **error)
{
    g_autoptr(GPtrArray) names = NULL;
    g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func(g_free);
    gboolean want_active = (flags & NMVIRT_LIST_FLAGS_ACTIVE) != 0;
    gboolean want_inactive = (flags & NMVIRT_LIST_FLAGS_INACTIVE) != 0;

    g_return_val_if_fail(NMVIRT_IS_CLIENT(self), NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (!nmvirt_client_check_running(self, error))
        return NULL;
    if (!want_active && !want_inactive)
        want_active = want_inactive = TRUE;

    names = nmvirt_client_names(self);
    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        NMRemoteConnection *profile = nmvirt_client_find_profile(self, name);
        gboolean active = FALSE;

        if (profile == NULL)
            continue;
        if (!(want_active && want_inactive))
            active = nmvirt_client_profile_is_active(self, profile);
        if ((active && !want_active) || (!active && !want_inactive))
            continue;
        g_ptr_array_add(result, g_strdup(name));
    }
    return nmvirt_client_names_to_strv(g_steal_pointer(&result));
}

/**
 * nmvirt_client_has_interface:
 * @self: a #NmvirtClient
 * @name: an interface name
 *
 * Returns: %TRUE when @name is a top-level interface (it has an identity
 *   profile); %FALSE otherwise, also when NetworkManager is not running
 *
 * Since: 0.1
 */
gboolean
nmvirt_client_has_interface(NmvirtClient *self, const char *name)
{
    g_return_val_if_fail(NMVIRT_IS_CLIENT(self), FALSE);
    g_return_val_if_fail(name != NULL, FALSE);

    if (!nmvirt_client_check_running(self, NULL))
        return FALSE;
    return nmvirt_client_find_profile(self, name) != NULL;
}

/**
 * nmvirt_client_lookup:
 * @self: a #NmvirtClient
 * @name: an interface name
 * @error: return location for a #GError, or %NULL
 *
 * Whether @name is a top-level interface, as nmvirt_client_has_interface()
 * says, but telling "no such interface" apart from a failure. A bridge
 * port or bond member is not a top-level interface (netcf and libvirt do
 * not see it either); nor is a device without a profile.
 *
 * Returns: %TRUE when @name is a top-level interface; %FALSE with @error
 *   set: %NMVIRT_ERROR_NOT_FOUND when it is not, %NMVIRT_ERROR_DAEMON when
 *   NetworkManager is not running
 *
 * Since: 0.1
 */
gboolean
nmvirt_client_lookup(NmvirtClient *self, const char *name, GError **error)
{
    g_return_val_if_fail(NMVIRT_IS_CLIENT(self), FALSE);
    g_return_val_if_fail(name != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (!nmvirt_client_check_running(self, error))
        return FALSE;
    return nmvirt_client_find_profile_or_error(self, name, error) != NULL;
}

/* A MAC address of the profile: 802-3-ethernet.mac-address, else a
 * cloned-mac-address that is an address (not "preserve", "random" ...). */
static const char *
nmvirt_client_profile_mac(NMConnection *profile)
{
    NMSettingWired *s_wired = nm_connection_get_setting_wired(profile);
    const char *mac = NULL;

    if (s_wired == NULL)
        return NULL;
    mac = nm_setting_wired_get_mac_address(s_wired);
    if (mac != NULL)
        return mac;
    mac = nm_setting_wired_get_cloned_mac_address(s_wired);
    if (mac != NULL && nm_utils_hwaddr_valid(mac, ETH_ALEN))
        return mac;
    return NULL;
}

/* The interface's MAC address (see nmvirt_client_get_mac()), not copied. */
static const char *
nmvirt_client_iface_mac(NmvirtClient *self, const char *name, NMRemoteConnection *profile)
{
    NMDevice *device = nmvirt_client_find_device(self, name);
    const char *mac = NULL;

    if (device != NULL && nm_device_is_real(device)) {
        mac = nm_device_get_hw_address(device);
        if (mac != NULL && *mac != '\0')
            return mac;
    }
    return nmvirt_client_profile_mac(NM_CONNECTION(profile));
}

/**
 * nmvirt_client_get_mac:
 * @self: a #NmvirtClient
 * @name: an interface name
 * @error: return location for a #GError, or %NULL
 *
 * The MAC address of interface @name: its device's current address when
 * the device exists, else the address its profile binds to or sets
 * (`802-3-ethernet.mac-address`, else `cloned-mac-address`), in lower case.
 * An interface without a device and without an address in its profile (a
 * bridge that is not up, say) has none: %NULL without an error, as libvirt
 * and netcf expect.
 *
 * Returns: (transfer full) (nullable): the address, or %NULL; on
 *   %NULL, @error is set only when @name is not an interface
 *   (%NMVIRT_ERROR_NOT_FOUND) or NetworkManager is not running
 *
 * Since: 0.1
 */
char *
nmvirt_client_get_mac(NmvirtClient *self, const char *name, GError **error)
{
    NMRemoteConnection *profile = NULL;
    const char *mac = NULL;

    g_return_val_if_fail(NMVIRT_IS_CLIENT(self), NULL);
    g_return_val_if_fail(name != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (!nmvirt_client_check_running(self, error))
        return NULL;
    profile = nmvirt_client_find_profile_or_error(self, name, error);
    if (profile == NULL)
        return NULL;
    mac = nmvirt_client_iface_mac(self, name, profile);
    return mac != NULL ? g_ascii_strdown(mac, -1) : NULL;
}

/**
 * nmvirt_client_lookup_by_mac:
 * @self: a #NmvirtClient
 * @mac: a MAC address (any case)
 * @error: return location for a #GError, or %NULL
 *
 * Finds the top-level interfaces whose MAC address (see
 * nmvirt_client_get_mac()) is @mac. A bridge takes its ports' address, so
 * several names may come back.
 *
 * Returns: (transfer full) (array zero-terminated=1): the sorted names,
 *   empty when none has @mac; %NULL with @error set on failure
 *
 * Since: 0.1
 */
GStrv
nmvirt_client_lookup_by_mac(NmvirtClient *self, const char *mac, GError **error)
{
    g_autoptr(GPtrArray) names = NULL;
    g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func(g_free);

    g_return_val_if_fail(NMVIRT_IS_CLIENT(self), NULL);
    g_return_val_if_fail(mac != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (!nmvirt_client_check_running(self, error))
        return NULL;
    names = nmvirt_client_names(self);
    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        NMRemoteConnection *profile = nmvirt_client_find_profile(self, name);
        const char *iface_mac = NULL;

        if (profile == NULL)
            continue;
        iface_mac = nmvirt_client_iface_mac(self, name, profile);
        /* compares bytes: case and leading zeros do not matter */
        if (iface_mac != NULL && nm_utils_hwaddr_matches(iface_mac, -1, mac, -1))
            g_ptr_array_add(result, g_strdup(name));
    }
    return nmvirt_client_names_to_strv(g_steal_pointer(&result));
}

/**
 * nmvirt_client_is_active:
 * @self: a #NmvirtClient
 * @name: an interface name
 * @active: (out): whether the interface is active
 * @error: return location for a #GError, or %NULL
 *
 * Whether interface @name is active: its identity profile is applied on a
 * device that NetworkManager has in state ACTIVATED and that the kernel
 * shows UP (and LOWER_UP, except for bridges).
 *
 * Returns: %TRUE on success; %FALSE with @error set
 *   (%NMVIRT_ERROR_NOT_FOUND when @name is not an interface)
 *
 * Since: 0.1
 */
gboolean
nmvirt_client_is_active(NmvirtClient *self, const char *name, gboolean *active, GError **error)
{
    NMRemoteConnection *profile = NULL;

    g_return_val_if_fail(NMVIRT_IS_CLIENT(self), FALSE);
    g_return_val_if_fail(name != NULL, FALSE);
    g_return_val_if_fail(active != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (!nmvirt_client_check_running(self, error))
        return FALSE;
    profile = nmvirt_client_find_profile_or_error(self, name, error);
    if (profile == NULL)
        return FALSE;
    *active = nmvirt_client_profile_is_active(self, profile);
    return TRUE;
}

NmvirtIfaceDef *
nmvirt_client_interface_def(NmvirtClient *self, const char *name, NMRemoteConnection *profile,
                            gboolean live, GError **error)
{
    g_autoptr(GPtrArray) profiles = NULL;

    if (live)
        return nmvirt_client_live_def(self, name, profile, error);
    profiles = nmvirt_client_get_profiles(self);
    return nmvirt_map_from_nm(NM_CONNECTION(profile), profiles, error);
}

/**
 * nmvirt_client_get_xml:
 * @self: a #NmvirtClient
 * @name: an interface name
 * @flags: %NMVIRT_XML_FLAGS_INACTIVE for the configuration even when the
 *   interface is active
 * @error: return location for a #GError, or %NULL
 *
 * The interface XML of @name. Without %NMVIRT_XML_FLAGS_INACTIVE and when
 * the interface is active, the live state: MAC, `<link state speed>` on
 * every non-bridge interface, the addresses really assigned, a bridge's
 * ports as the kernel lists them. Otherwise the configuration, read back
 * from the profiles.
 *
 * Returns: (transfer full): the document, or %NULL with @error set
 *
 * Since: 0.1
 */
char *
nmvirt_client_get_xml(NmvirtClient *self, const char *name, NmvirtXmlFlags flags, GError **error)
{
    NMRemoteConnection *profile = NULL;
    g_autoptr(NmvirtIfaceDef) def = NULL;

    g_return_val_if_fail(NMVIRT_IS_CLIENT(self), NULL);
    g_return_val_if_fail(name != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (!nmvirt_client_check_running(self, error))
        return NULL;
    profile = nmvirt_client_find_profile_or_error(self, name, error);
    if (profile == NULL)
        return NULL;
    def = nmvirt_client_interface_def(self, name, profile,
                                      (flags & NMVIRT_XML_FLAGS_INACTIVE) == 0 &&
                                          nmvirt_client_profile_is_active(self, profile),
                                      error);
    if (def == NULL)
        return NULL;
    return nmvirt_xml_format(def);
}
