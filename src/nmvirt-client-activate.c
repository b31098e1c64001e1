/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Start and the one "active" rule of NmvirtClient; stop is in
 * nmvirt-client-stop.c, the words for NetworkManager's states and reasons in
 * nmvirt-client-reason.c.
 *
 * Active (design.md, spec quirk 4): the identity profile is applied on a
 * device (an active connection of that profile, with a device whose own
 * active connection it is) in NM_DEVICE_STATE_ACTIVATED, and the kernel
 * shows that device IFF_UP and, except for a bridge, IFF_LOWER_UP and
 * IFF_RUNNING. A device that does not exist is inactive; so is a NIC that
 * NetworkManager configured but that has no carrier.
 *
 * Start activates the identity profile and nothing else: NetworkManager
 * picks the device by interface name and brings the ports and members along
 * through connection.autoconnect-slaves (activating them ourselves in
 * parallel fails with "A dependency of the connection failed"). It then
 * waits until the profile is active by the rule above and no port whose
 * activation NetworkManager started is still activating, so that the live
 * document shows them; and it gives the kernel up to 1.5 s to settle the
 * link's operational state, which reads "unknown" (and already counts as
 * running) for a moment after a VLAN or bond comes up. A NIC that a port
 * or member names, or a VLAN's parent, that does not exist makes start fail
 * at once naming it, as netcf's ifup did; a port whose activation fails
 * does not: the interface itself is up, as with netcf, which only checks
 * the top-level device. Starting an active
 * interface fails with NMVIRT_ERROR_EXISTS. A failed activation reports
 * NetworkManager's reason in words (NMVIRT_ERROR_ACTIVATION_FAILED); the
 * timeout reports the state reached (NMVIRT_ERROR_TIMEOUT). After a timeout
 * or a cancellation the activation is withdrawn, so a start that fails
 * leaves the interface stopped.
 */
#include "config.h"

#include <net/if.h>

#include <glib/gi18n-lib.h>

#include "nmvirt-client-private.h"
#include "nmvirt-error.h"
#include "nmvirt-client-live-private.h"

/* How long a failed start waits for its activation to be withdrawn. */
#define NMVIRT_CLIENT_ROLLBACK_TIMEOUT_MS 5000
/* How long start waits, once active, for the kernel to settle the link's
 * operational state (see nmvirt_client_live_link_state_is_known()). */
#define NMVIRT_CLIENT_SETTLE_MS 1500
/* bridge → bond → ethernet */
#define NMVIRT_CLIENT_PORT_DEPTH_MAX 2

/* ---- the "active" rule ------------------------------------------------------ */

/* The active connection of the profile with @uuid that is not yet
 * deactivated (else any), or NULL. (transfer none) */
NMActiveConnection *
nmvirt_client_find_active(NMClient *nm, const char *uuid)
{
    const GPtrArray *actives = nm_client_get_active_connections(nm);
    NMActiveConnection *found = NULL;

    for (guint i = 0; uuid != NULL && i < actives->len; i++) {
        NMActiveConnection *active = g_ptr_array_index(actives, i);

        if (g_strcmp0(nm_active_connection_get_uuid(active), uuid) != 0)
            continue;
        if (nm_active_connection_get_state(active) < NM_ACTIVE_CONNECTION_STATE_DEACTIVATED)
            return active;
        found = active;
    }
    return found;
}

/*
 * The one "active" rule (see the top of this file): @profile is applied on
 * a device (an active connection of @profile whose device has it as its own
 * active connection), that device is NM_DEVICE_STATE_ACTIVATED, and the
 * kernel shows it IFF_UP and, except for a bridge, IFF_LOWER_UP and
 * IFF_RUNNING. A device that does not exist is inactive. Internal: callers
 * outside the library use nmvirt_client_is_active().
 */
gboolean
nmvirt_client_profile_is_active(NmvirtClient *self, NMRemoteConnection *profile)
{
    NMClient *nm;
    const GPtrArray *actives;
    const char *uuid;

    g_return_val_if_fail(NMVIRT_IS_CLIENT(self), FALSE);
    g_return_val_if_fail(NM_IS_REMOTE_CONNECTION(profile), FALSE);

    nm = nmvirt_client_get_nm_client(self);
    uuid = nm_connection_get_uuid(NM_CONNECTION(profile));
    if (nm == NULL || uuid == NULL)
        return FALSE;
    actives = nm_client_get_active_connections(nm);
    for (guint i = 0; i < actives->len; i++) {
        NMActiveConnection *active = g_ptr_array_index(actives, i);
        const GPtrArray *devices;

        if (g_strcmp0(nm_active_connection_get_uuid(active), uuid) != 0)
            continue;
        devices = nm_active_connection_get_devices(active);
        for (guint d = 0; d < devices->len; d++) {
            NMDevice *device = g_ptr_array_index(devices, d);

            if (nm_device_get_state(device) != NM_DEVICE_STATE_ACTIVATED)
                continue;
            if (nm_device_get_active_connection(device) != active)
                continue;
            if (nmvirt_client_live_link_is_running(nm_device_get_iface(device)))
                return TRUE;
        }
    }
    return FALSE;
}

/* ---- ports and members ------------------------------------------------------ */

/* Whether @port names @controller as its controller (by interface name or
 * UUID, as NetworkManager 1.42 accepts both). */
static gboolean
nmvirt_client_is_port_of(NMConnection *port, NMConnection *controller)
{
    NMSettingConnection *setting = nm_connection_get_setting_connection(port);
    const char *master;

    if (setting == NULL || nm_setting_connection_get_slave_type(setting) == NULL)
        return FALSE;
    master = nm_setting_connection_get_master(setting);
    if (master == NULL || port == controller)
        return FALSE;
    return g_strcmp0(master, nm_connection_get_interface_name(controller)) == 0 ||
           g_strcmp0(master, nm_connection_get_uuid(controller)) == 0;
}

/* Appends the port and member profiles of @controller, recursively, to
 * @ports (element-type NMRemoteConnection). */
static void
nmvirt_client_collect_ports(GPtrArray *profiles, NMConnection *controller, GPtrArray *ports,
                            guint depth)
{
    if (depth >= NMVIRT_CLIENT_PORT_DEPTH_MAX)
        return;
    for (guint i = 0; i < profiles->len; i++) {
        NMConnection *candidate = g_ptr_array_index(profiles, i);

        if (!nmvirt_client_is_port_of(candidate, controller))
            continue;
        if (g_ptr_array_find(ports, candidate, NULL))
            continue;
        g_ptr_array_add(ports, g_object_ref(candidate));
        nmvirt_client_collect_ports(profiles, candidate, ports, depth + 1);
    }
}

GPtrArray *
nmvirt_client_get_ports(NmvirtClient *self, NMRemoteConnection *profile)
{
    g_autoptr(GPtrArray) profiles = nmvirt_client_get_profiles(self);
    GPtrArray *ports = g_ptr_array_new_with_free_func(g_object_unref);

    nmvirt_client_collect_ports(profiles, NM_CONNECTION(profile), ports, 0);
    return ports;
}

/* ---- the devices a start needs ------------------------------------------------ */

/* The interface name that @parent (a VLAN's parent: an interface name or a
 * profile UUID, as NetworkManager accepts both) stands for. */
static const char *
nmvirt_client_parent_iface(GPtrArray *profiles, const char *parent)
{
    for (guint i = 0; parent != NULL && i < profiles->len; i++) {
        NMConnection *candidate = g_ptr_array_index(profiles, i);

        if (g_strcmp0(nm_connection_get_uuid(candidate), parent) == 0)
            return nm_connection_get_interface_name(candidate);
    }
    return parent;
}

/*
 * Checks, in the order of the profiles, that every device the interface
 * needs from the kernel exists: each ethernet port or member (NetworkManager
 * creates bridges, bonds and VLANs, never NICs) and each VLAN's parent. A
 * start without them would report success on a bridge without its ports,
 * or fail with NetworkManager's "Failed to find a compatible device" that
 * names no device; netcf's ifup failed naming the missing one, and so do
 * we. A port bound by MAC only is left to NetworkManager.
 */
static gboolean
nmvirt_client_start_check_devices(GPtrArray *profiles, const char *top, NMConnection *profile,
                                  NMConnection *controller, guint depth, GError **error)
{
    const char *name = nm_connection_get_interface_name(profile);
    const char *controller_name =
        controller != NULL ? nm_connection_get_interface_name(controller) : NULL;

    if (nm_connection_is_type(profile, NM_SETTING_VLAN_SETTING_NAME)) {
        NMSettingVlan *vlan = nm_connection_get_setting_vlan(profile);
        const char *parent = nmvirt_client_parent_iface(
            profiles, vlan != NULL ? nm_setting_vlan_get_parent(vlan) : NULL);

        if (parent != NULL && !nmvirt_client_live_link_exists(parent)) {
            g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_ACTIVATION_FAILED,
                        _("interface '%1$s': cannot start: device '%2$s', the parent of VLAN "
                          "'%3$s', does not exist (start or create it first)"),
                        top, parent, name);
            return FALSE;
        }
    } else if (controller != NULL &&
               nm_connection_is_type(profile, NM_SETTING_WIRED_SETTING_NAME) && name != NULL &&
               !nmvirt_client_live_link_exists(name)) {
        if (nm_connection_is_type(controller, NM_SETTING_BOND_SETTING_NAME))
            g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_ACTIVATION_FAILED,
                        _("interface '%1$s': cannot start: there is no device '%2$s', a member of "
                          "bond '%3$s'"),
                        top, name, controller_name);
        else
            g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_ACTIVATION_FAILED,
                        _("interface '%1$s': cannot start: there is no device '%2$s', a port of "
                          "bridge '%3$s'"),
                        top, name, controller_name);
        return FALSE;
    }
    if (depth >= NMVIRT_CLIENT_PORT_DEPTH_MAX)
        return TRUE;
    for (guint i = 0; i < profiles->len; i++) {
        NMConnection *port = g_ptr_array_index(profiles, i);

        if (nmvirt_client_is_port_of(port, profile) &&
            !nmvirt_client_start_check_devices(profiles, top, port, profile, depth + 1, error))
            return FALSE;
    }
    return TRUE;
}

/* Converts an error of an activation or deactivation request into ours:
 * NetworkManager refusing it is an activation failure (except for
 * permissions); a missing daemon stays DAEMON. */
GError *
nmvirt_client_request_error(const GError *error)
{
    GError *converted = g_error_copy(error);

    if (g_error_matches(converted, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return converted;
    g_dbus_error_strip_remote_error(converted);
    if (converted->domain == NM_MANAGER_ERROR &&
        converted->code != NM_MANAGER_ERROR_PERMISSION_DENIED) {
        converted->domain = NMVIRT_ERROR;
        converted->code = NMVIRT_ERROR_ACTIVATION_FAILED;
        return converted;
    }
    nmvirt_error_convert(&converted);
    return converted;
}

/* ---- start ----------------------------------------------------------------- */

typedef struct {
    NmvirtClient *self; /* (unowned): the task's source object */
    NMClient *nm;       /* (owned) */
    NMRemoteConnection *profile;
    GPtrArray *ports; /* (element-type NMRemoteConnection) */
    char *name;
    guint timeout_ms;
    NMActiveConnection *active; /* our activation, once NetworkManager answered */
    NMDevice *device;           /* its device, once known */
    gulong active_handler;
    gulong device_handler;
    GSource *deadline;
    GSource *poll;
    GSource *cancel;
    NMDeviceStateReason device_reason; /* the last telling reason of the device */
    GError *rollback_error;            /* returned once the activation is withdrawn */
    gint64 settle_since;               /* when the interface was first seen active */
    gboolean done;
} NmvirtStartData;

static void
nmvirt_client_start_data_disconnect(NmvirtStartData *data)
{
    if (data->active_handler != 0)
        g_clear_signal_handler(&data->active_handler, data->active);
    if (data->device_handler != 0)
        g_clear_signal_handler(&data->device_handler, data->device);
    nmvirt_client_clear_source(&data->deadline);
    nmvirt_client_clear_source(&data->poll);
    nmvirt_client_clear_source(&data->cancel);
}

static void
nmvirt_client_start_data_free(NmvirtStartData *data)
{
    nmvirt_client_start_data_disconnect(data);
    g_clear_object(&data->device);
    g_clear_object(&data->active);
    g_clear_object(&data->profile);
    g_clear_pointer(&data->ports, g_ptr_array_unref);
    g_clear_object(&data->nm);
    g_clear_error(&data->rollback_error);
    g_free(data->name);
    g_free(data);
}

/* Attaches @source to the client's context, holding a reference on @task
 * until the source is destroyed. */
void
nmvirt_client_clear_source(GSource **source)
{
    if (*source == NULL)
        return;
    g_source_destroy(*source);
    g_clear_pointer(source, g_source_unref);
}

GSource *
nmvirt_client_attach_source(NMClient *nm, GSource *source, GSourceFunc func, GTask *task)
{
    g_source_set_callback(source, func, g_object_ref(task), g_object_unref);
    g_source_attach(source, nm_client_get_main_context(nm));
    return source;
}

static void
nmvirt_client_deactivate_quiet_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GError) error = NULL;

    if (!nm_client_deactivate_connection_finish(NM_CLIENT(source), result, &error))
        g_debug("withdrawing an activation: %s", error->message);
}

/* Completes the start with @error (transfer full), or success when NULL. */
static void
nmvirt_client_start_return(GTask *task, GError *error)
{
    g_autoptr(GTask) hold = g_object_ref(task);
    NmvirtStartData *data = g_task_get_task_data(task);

    if (data->done) {
        g_clear_error(&error);
        return;
    }
    data->done = TRUE;
    nmvirt_client_start_data_disconnect(data);
    if (error != NULL)
        g_task_return_error(task, error);
    else
        g_task_return_boolean(task, TRUE);
}

static gboolean nmvirt_client_start_rollback_expired_cb(gpointer user_data);

/* After a timeout or a cancellation: withdraw our activation, then return
 * @error (transfer full) once it is gone (or after a short wait). */
static void
nmvirt_client_start_rollback(GTask *task, GError *error)
{
    NmvirtStartData *data = g_task_get_task_data(task);

    if (data->done || data->rollback_error != NULL) {
        g_clear_error(&error);
        return;
    }
    if (data->active != NULL &&
        nm_active_connection_get_state(data->active) >= NM_ACTIVE_CONNECTION_STATE_DEACTIVATED) {
        nmvirt_client_start_return(task, error);
        return;
    }
    data->rollback_error = error;
    nmvirt_client_clear_source(&data->deadline);
    nmvirt_client_clear_source(&data->cancel);
    data->deadline = nmvirt_client_attach_source(
        data->nm, g_timeout_source_new(NMVIRT_CLIENT_ROLLBACK_TIMEOUT_MS),
        nmvirt_client_start_rollback_expired_cb, task);
    /* without an answer to the request yet, nmvirt_client_start_activate_cb()
     * withdraws the activation when it comes */
    if (data->active != NULL)
        nm_client_deactivate_connection_async(data->nm, data->active, NULL,
                                              nmvirt_client_deactivate_quiet_cb, NULL);
}

static gboolean
nmvirt_client_start_rollback_expired_cb(gpointer user_data)
{
    GTask *task = user_data;
    NmvirtStartData *data = g_task_get_task_data(task);

    g_debug("interface '%s': the withdrawn activation is not gone yet", data->name);
    nmvirt_client_start_return(task, g_steal_pointer(&data->rollback_error));
    return G_SOURCE_REMOVE;
}

/* TRUE while a port or member activation NetworkManager started is still
 * on its way. */
static gboolean
nmvirt_client_start_ports_pending(NmvirtStartData *data)
{
    for (guint i = 0; i < data->ports->len; i++) {
        NMConnection *port = g_ptr_array_index(data->ports, i);
        NMActiveConnection *active =
            nmvirt_client_find_active(data->nm, nm_connection_get_uuid(port));

        if (active != NULL &&
            nm_active_connection_get_state(active) == NM_ACTIVE_CONNECTION_STATE_ACTIVATING)
            return TRUE;
    }
    return FALSE;
}

/* TRUE once the kernel shows a settled link state for the live document,
 * or after NMVIRT_CLIENT_SETTLE_MS of waiting for one (a driver may never
 * report any). */
static gboolean
nmvirt_client_start_link_settled(NmvirtStartData *data)
{
    const char *iface = data->device != NULL ? nm_device_get_iface(data->device) : data->name;
    gint64 now = g_get_monotonic_time();

    if (nmvirt_client_live_link_state_is_known(iface))
        return TRUE;
    if (data->settle_since == 0)
        data->settle_since = now;
    return now - data->settle_since >= NMVIRT_CLIENT_SETTLE_MS * G_TIME_SPAN_MILLISECOND;
}

static void nmvirt_client_start_check(GTask *task);

static void
nmvirt_client_start_device_state_cb(NMDevice *device, guint new_state, guint old_state,
                                    guint reason, gpointer user_data)
{
    GTask *task = user_data;
    NmvirtStartData *data = g_task_get_task_data(task);

    if (reason != NM_DEVICE_STATE_REASON_NONE && reason != NM_DEVICE_STATE_REASON_UNKNOWN)
        data->device_reason = reason;
    nmvirt_client_start_check(task);
}

static void
nmvirt_client_start_active_state_cb(NMActiveConnection *active, guint state, guint reason,
                                    gpointer user_data)
{
    nmvirt_client_start_check(user_data);
}

/* Follows the device of our activation once NetworkManager names it. */
static void
nmvirt_client_start_track_device(GTask *task)
{
    NmvirtStartData *data = g_task_get_task_data(task);
    const GPtrArray *devices;

    if (data->device != NULL || data->active == NULL)
        return;
    devices = nm_active_connection_get_devices(data->active);
    if (devices->len == 0)
        return;
    data->device = g_object_ref(g_ptr_array_index(devices, 0));
    data->device_handler = g_signal_connect(data->device, "state-changed",
                                            G_CALLBACK(nmvirt_client_start_device_state_cb), task);
}

static GError *
nmvirt_client_start_failure(NmvirtStartData *data)
{
    NMActiveConnectionStateReason active_reason =
        nm_active_connection_get_state_reason(data->active);
    g_autofree char *reason = nmvirt_client_active_reason_to_string(active_reason);
    g_autofree char *device_reason = nmvirt_client_device_reason_to_string(data->device_reason);

    if (data->device == NULL || device_reason == NULL)
        return g_error_new(NMVIRT_ERROR, NMVIRT_ERROR_ACTIVATION_FAILED,
                           _("interface '%1$s': activation failed: %2$s"), data->name, reason);
    /* "its device was disconnected" says less than why the device did */
    if (active_reason == NM_ACTIVE_CONNECTION_STATE_REASON_DEVICE_DISCONNECTED ||
        active_reason == NM_ACTIVE_CONNECTION_STATE_REASON_UNKNOWN ||
        active_reason == NM_ACTIVE_CONNECTION_STATE_REASON_NONE)
        return g_error_new(NMVIRT_ERROR, NMVIRT_ERROR_ACTIVATION_FAILED,
                           _("interface '%1$s': activation failed on device '%2$s': %3$s"),
                           data->name, nm_device_get_iface(data->device), device_reason);
    return g_error_new(NMVIRT_ERROR, NMVIRT_ERROR_ACTIVATION_FAILED,
                       _("interface '%1$s': activation failed: %2$s; device '%3$s': %4$s"),
                       data->name, reason, nm_device_get_iface(data->device), device_reason);
}

static void
nmvirt_client_start_check(GTask *task)
{
    NmvirtStartData *data = g_task_get_task_data(task);
    NMActiveConnectionState state;

    if (data->done || data->active == NULL)
        return;
    state = nm_active_connection_get_state(data->active);
    if (data->rollback_error != NULL) {
        if (state >= NM_ACTIVE_CONNECTION_STATE_DEACTIVATED ||
            nmvirt_client_find_active(data->nm, nm_active_connection_get_uuid(data->active)) ==
                NULL)
            nmvirt_client_start_return(task, g_steal_pointer(&data->rollback_error));
        return;
    }
    nmvirt_client_start_track_device(task);
    if (state >= NM_ACTIVE_CONNECTION_STATE_DEACTIVATED) {
        nmvirt_client_start_return(task, nmvirt_client_start_failure(data));
        return;
    }
    if (state != NM_ACTIVE_CONNECTION_STATE_ACTIVATED)
        return;
    if (!nmvirt_client_profile_is_active(data->self, data->profile))
        return;
    if (nmvirt_client_start_ports_pending(data))
        return;
    if (!nmvirt_client_start_link_settled(data))
        return;
    nmvirt_client_start_return(task, NULL);
}

static gboolean
nmvirt_client_start_poll_cb(gpointer user_data)
{
    nmvirt_client_start_check(user_data);
    return G_SOURCE_CONTINUE;
}

/* Words for the state reached, for the timeout message; sets *@reason to a
 * telling reason when there is one. */
static char *
nmvirt_client_start_describe(NmvirtStartData *data, char **reason)
{
    NMActiveConnectionState state = nm_active_connection_get_state(data->active);
    const char *iface = data->device != NULL ? nm_device_get_iface(data->device) : NULL;

    *reason = nmvirt_client_device_reason_to_string(data->device_reason);
    if (state == NM_ACTIVE_CONNECTION_STATE_ACTIVATED && iface != NULL &&
        nm_device_get_state(data->device) == NM_DEVICE_STATE_ACTIVATED) {
        g_clear_pointer(reason, g_free);
        if (!nmvirt_client_live_link_exists(iface)) {
            *reason = g_strdup_printf(_("the kernel has no device '%s'"), iface);
            return g_strdup(_("activated, but the device is missing"));
        }
        if ((nmvirt_client_live_link_get_flags(iface) & IFF_UP) == 0) {
            *reason = g_strdup_printf(_("the kernel shows device '%s' down"), iface);
            return g_strdup(_("activated, but down"));
        }
        *reason = g_strdup_printf(_("the kernel shows no carrier on device '%s'"), iface);
        return g_strdup(_("activated, but without carrier"));
    }
    if (data->device != NULL) {
        NMDeviceState device_state = nm_device_get_state(data->device);

        if (*reason == NULL && device_state == NM_DEVICE_STATE_IP_CONFIG)
            *reason = g_strdup(_("no DHCP lease, router advertisement or address yet"));
        return g_strdup(nmvirt_client_device_state_to_string(device_state));
    }
    return g_strdup(nmvirt_client_active_state_to_string(state));
}

static gboolean
nmvirt_client_start_deadline_cb(gpointer user_data)
{
    GTask *task = user_data;
    NmvirtStartData *data = g_task_get_task_data(task);
    g_autofree char *seconds = nmvirt_client_format_seconds(data->timeout_ms);
    g_autofree char *state = NULL;
    g_autofree char *reason = NULL;
    GError *error;

    if (data->active == NULL) {
        error = g_error_new(NMVIRT_ERROR, NMVIRT_ERROR_TIMEOUT,
                            _("interface '%1$s': NetworkManager did not answer the activation "
                              "request within %2$s s"),
                            data->name, seconds);
        nmvirt_client_start_rollback(task, error);
        return G_SOURCE_REMOVE;
    }
    nmvirt_client_start_track_device(task);
    if (nm_active_connection_get_state(data->active) == NM_ACTIVE_CONNECTION_STATE_ACTIVATED &&
        nmvirt_client_profile_is_active(data->self, data->profile)) {
        /* the interface is up; ports still on their way do not fail it */
        g_debug("interface '%s': active, some ports still activating after %s s", data->name,
                seconds);
        nmvirt_client_start_return(task, NULL);
        return G_SOURCE_REMOVE;
    }
    state = nmvirt_client_start_describe(data, &reason);
    if (reason != NULL)
        error = g_error_new(NMVIRT_ERROR, NMVIRT_ERROR_TIMEOUT,
                            _("interface '%1$s': still '%2$s' after %3$s s: %4$s"), data->name,
                            state, seconds, reason);
    else
        error = g_error_new(NMVIRT_ERROR, NMVIRT_ERROR_TIMEOUT,
                            _("interface '%1$s': still '%2$s' after %3$s s"), data->name, state,
                            seconds);
    /* the source is destroyed by the rollback; keep it alive until we return */
    nmvirt_client_start_rollback(task, error);
    return G_SOURCE_REMOVE;
}

static gboolean
nmvirt_client_start_cancelled_cb(GCancellable *cancellable, gpointer user_data)
{
    GTask *task = user_data;
    GError *error = NULL;

    g_cancellable_set_error_if_cancelled(cancellable, &error);
    nmvirt_client_start_rollback(task, error);
    return G_SOURCE_REMOVE;
}

static void
nmvirt_client_start_activate_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    NmvirtStartData *data = g_task_get_task_data(task);
    g_autoptr(GError) error = NULL;
    g_autoptr(NMActiveConnection) active =
        nm_client_activate_connection_finish(NM_CLIENT(source), result, &error);

    if (data->done) {
        /* the withdrawal waited for this answer long enough */
        if (active != NULL)
            nm_client_deactivate_connection_async(data->nm, active, NULL,
                                                  nmvirt_client_deactivate_quiet_cb, NULL);
        return;
    }
    if (active == NULL && data->rollback_error != NULL) {
        nmvirt_client_start_return(task, g_steal_pointer(&data->rollback_error));
        return;
    }
    if (active == NULL) {
        g_autoptr(GError) converted = nmvirt_client_request_error(error);

        if (converted->domain == NMVIRT_ERROR &&
            converted->code == NMVIRT_ERROR_ACTIVATION_FAILED) {
            nmvirt_client_start_return(task,
                                       g_error_new(NMVIRT_ERROR, NMVIRT_ERROR_ACTIVATION_FAILED,
                                                   _("interface '%1$s': activation failed: %2$s"),
                                                   data->name, converted->message));
            return;
        }
        nmvirt_client_start_return(task, g_steal_pointer(&converted));
        return;
    }
    data->active = g_steal_pointer(&active);
    data->active_handler = g_signal_connect(data->active, "state-changed",
                                            G_CALLBACK(nmvirt_client_start_active_state_cb), task);
    data->poll = nmvirt_client_attach_source(data->nm, g_timeout_source_new(NMVIRT_CLIENT_POLL_MS),
                                             nmvirt_client_start_poll_cb, task);
    /* timed out or cancelled while the request was on its way */
    if (data->rollback_error != NULL)
        nm_client_deactivate_connection_async(data->nm, data->active, NULL,
                                              nmvirt_client_deactivate_quiet_cb, NULL);
    nmvirt_client_start_check(task);
}

/**
 * nmvirt_client_start_async:
 * @self: a #NmvirtClient
 * @name: the name of a top-level interface
 * @timeout_ms: how long to wait for the interface to become active, in
 *   milliseconds; 0 means %NMVIRT_CLIENT_START_TIMEOUT_MS
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the interface is active or the
 *   start failed
 * @user_data: (closure): data for @callback
 *
 * Starts interface @name, as `virsh iface-start` does: NetworkManager
 * activates its profile and, through `connection.autoconnect-slaves`, its
 * ports and members. The start succeeds once the interface is active (see
 * nmvirt_client_is_active()) and no port activation is still on its way.
 * It fails at once, naming the device, when a NIC that a port or member
 * names, or a VLAN's parent, does not exist.
 *
 * Errors: %NMVIRT_ERROR_NOT_FOUND (no such interface),
 * %NMVIRT_ERROR_EXISTS (already active), %NMVIRT_ERROR_ACTIVATION_FAILED
 * (with NetworkManager's reason in words), %NMVIRT_ERROR_TIMEOUT (naming the
 * state reached), %NMVIRT_ERROR_DAEMON, %NMVIRT_ERROR_PERMISSION_DENIED.
 * After a timeout or a cancellation the activation is withdrawn.
 *
 * Since: 0.1
 */
void
nmvirt_client_start_async(NmvirtClient *self, const char *name, guint timeout_ms,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    g_autoptr(GError) error = NULL;
    NmvirtStartData *data;
    NMRemoteConnection *profile;
    NMClient *nm;

    g_return_if_fail(NMVIRT_IS_CLIENT(self));
    g_return_if_fail(name != NULL);
    g_return_if_fail(cancellable == NULL || G_IS_CANCELLABLE(cancellable));

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, nmvirt_client_start_async);
    if (!nmvirt_client_check_running(self, &error)) {
        g_task_return_error(task, g_steal_pointer(&error));
        return;
    }
    profile = nmvirt_client_find_profile(self, name);
    if (profile == NULL) {
        g_task_return_new_error(task, NMVIRT_ERROR, NMVIRT_ERROR_NOT_FOUND,
                                _("no interface named '%s'"), name);
        return;
    }
    if (nmvirt_client_profile_is_active(self, profile)) {
        g_task_return_new_error(task, NMVIRT_ERROR, NMVIRT_ERROR_EXISTS,
                                _("interface '%s' is already active"), name);
        return;
    }
    /* NetworkManager would answer with a misleading "no suitable device
     * (device eth0 … mismatching interface name)" */
    if (nm_connection_is_type(NM_CONNECTION(profile), NM_SETTING_WIRED_SETTING_NAME) &&
        nmvirt_client_find_device(self, name) == NULL && !nmvirt_client_live_link_exists(name)) {
        g_task_return_new_error(task, NMVIRT_ERROR, NMVIRT_ERROR_ACTIVATION_FAILED,
                                _("interface '%s': activation failed: there is no such device"),
                                name);
        return;
    }

    {
        g_autoptr(GPtrArray) profiles = nmvirt_client_get_profiles(self);

        if (!nmvirt_client_start_check_devices(profiles, name, NM_CONNECTION(profile), NULL, 0,
                                               &error)) {
            g_task_return_error(task, g_steal_pointer(&error));
            return;
        }
    }

    nm = nmvirt_client_get_nm_client(self);
    data = g_new0(NmvirtStartData, 1);
    data->self = self;
    data->nm = g_object_ref(nm);
    data->profile = g_object_ref(profile);
    data->ports = nmvirt_client_get_ports(self, profile);
    data->name = g_strdup(name);
    data->timeout_ms = timeout_ms != 0 ? timeout_ms : NMVIRT_CLIENT_START_TIMEOUT_MS;
    g_task_set_task_data(task, data, (GDestroyNotify)nmvirt_client_start_data_free);

    data->deadline = nmvirt_client_attach_source(nm, g_timeout_source_new(data->timeout_ms),
                                                 nmvirt_client_start_deadline_cb, task);
    if (cancellable != NULL)
        data->cancel =
            nmvirt_client_attach_source(nm, g_cancellable_source_new(cancellable),
                                        G_SOURCE_FUNC(nmvirt_client_start_cancelled_cb), task);
    g_debug("interface '%s': activating profile %s", name,
            nm_connection_get_uuid(NM_CONNECTION(profile)));
    /* no cancellable here: NetworkManager acts on a request it received
     * whatever we do, and we need its answer to withdraw the activation */
    nm_client_activate_connection_async(nm, NM_CONNECTION(profile), NULL, NULL, NULL,
                                        nmvirt_client_start_activate_cb, g_object_ref(task));
}

/**
 * nmvirt_client_start_finish:
 * @self: a #NmvirtClient
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError, or %NULL
 *
 * Returns: %TRUE when the interface was started and is active
 *
 * Since: 0.1
 */
gboolean
nmvirt_client_start_finish(NmvirtClient *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(NMVIRT_IS_CLIENT(self), FALSE);
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    g_return_val_if_fail(g_async_result_is_tagged(result, nmvirt_client_start_async), FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    return g_task_propagate_boolean(G_TASK(result), error);
}
