/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Stop of NmvirtClient.
 *
 * Stop deactivates the identity profile's active connection and those of
 * its ports and members (recursively: a bond in a bridge), so that each one
 * is blocked from autoconnecting as a user's deactivation is, and waits
 * until they are gone. Stopping an interface that has no activation at all
 * fails with NMVIRT_ERROR_NOT_FOUND ("not active").
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "nmvirt-client-private.h"
#include "nmvirt-error.h"

/* How long stop waits for NetworkManager to deactivate. */
#define NMVIRT_CLIENT_STOP_TIMEOUT_MS 30000

typedef struct {
    NMClient *nm; /* (owned) */
    char *name;
    GPtrArray *actives; /* (element-type NMActiveConnection): what we deactivate */
    guint pending;      /* deactivation requests not answered yet */
    GError *error;      /* the first request that failed */
    gulong removed_handler;
    GSource *deadline;
    GSource *poll;
    GSource *cancel;
    gboolean done;
} NmvirtStopData;

static void
nmvirt_client_stop_data_disconnect(NmvirtStopData *data)
{
    if (data->removed_handler != 0)
        g_clear_signal_handler(&data->removed_handler, data->nm);
    nmvirt_client_clear_source(&data->deadline);
    nmvirt_client_clear_source(&data->poll);
    nmvirt_client_clear_source(&data->cancel);
}

static void
nmvirt_client_stop_data_free(NmvirtStopData *data)
{
    nmvirt_client_stop_data_disconnect(data);
    g_clear_pointer(&data->actives, g_ptr_array_unref);
    g_clear_error(&data->error);
    g_clear_object(&data->nm);
    g_free(data->name);
    g_free(data);
}

static void
nmvirt_client_stop_return(GTask *task, GError *error)
{
    g_autoptr(GTask) hold = g_object_ref(task);
    NmvirtStopData *data = g_task_get_task_data(task);

    if (data->done) {
        g_clear_error(&error);
        return;
    }
    data->done = TRUE;
    nmvirt_client_stop_data_disconnect(data);
    if (error != NULL)
        g_task_return_error(task, error);
    else
        g_task_return_boolean(task, TRUE);
}

/* An active connection is gone once it is deactivated or NetworkManager
 * dropped it. */
static gboolean
nmvirt_client_stop_is_gone(NmvirtStopData *data, NMActiveConnection *active)
{
    const GPtrArray *actives = nm_client_get_active_connections(data->nm);

    if (nm_active_connection_get_state(active) >= NM_ACTIVE_CONNECTION_STATE_DEACTIVATED)
        return TRUE;
    return !g_ptr_array_find((GPtrArray *)actives, active, NULL);
}

static void
nmvirt_client_stop_check(GTask *task)
{
    NmvirtStopData *data = g_task_get_task_data(task);

    if (data->done || data->pending > 0)
        return;
    if (data->error != NULL) {
        nmvirt_client_stop_return(task, g_steal_pointer(&data->error));
        return;
    }
    for (guint i = 0; i < data->actives->len; i++) {
        if (!nmvirt_client_stop_is_gone(data, g_ptr_array_index(data->actives, i)))
            return;
    }
    nmvirt_client_stop_return(task, NULL);
}

static void
nmvirt_client_stop_removed_cb(NMClient *nm, NMActiveConnection *active, gpointer user_data)
{
    nmvirt_client_stop_check(user_data);
}

static gboolean
nmvirt_client_stop_poll_cb(gpointer user_data)
{
    nmvirt_client_stop_check(user_data);
    return G_SOURCE_CONTINUE;
}

static gboolean
nmvirt_client_stop_deadline_cb(gpointer user_data)
{
    GTask *task = user_data;
    NmvirtStopData *data = g_task_get_task_data(task);
    g_autofree char *seconds = nmvirt_client_format_seconds(NMVIRT_CLIENT_STOP_TIMEOUT_MS);

    nmvirt_client_stop_return(task, g_error_new(NMVIRT_ERROR, NMVIRT_ERROR_TIMEOUT,
                                                _("interface '%1$s': still not deactivated "
                                                  "after %2$s s"),
                                                data->name, seconds));
    return G_SOURCE_REMOVE;
}

static gboolean
nmvirt_client_stop_cancelled_cb(GCancellable *cancellable, gpointer user_data)
{
    GError *error = NULL;

    g_cancellable_set_error_if_cancelled(cancellable, &error);
    nmvirt_client_stop_return(user_data, error);
    return G_SOURCE_REMOVE;
}

static void
nmvirt_client_stop_deactivate_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    NmvirtStopData *data = g_task_get_task_data(task);
    g_autoptr(GError) error = NULL;

    data->pending--;
    if (!nm_client_deactivate_connection_finish(NM_CLIENT(source), result, &error) && !data->done) {
        /* a port goes down with its controller before its own request
         * arrives: that is what we wanted */
        if (g_error_matches(error, NM_MANAGER_ERROR, NM_MANAGER_ERROR_CONNECTION_NOT_ACTIVE)) {
            g_debug("interface '%s': %s", data->name, error->message);
        } else if (data->error == NULL) {
            g_autoptr(GError) converted = nmvirt_client_request_error(error);

            if (converted->domain == NMVIRT_ERROR &&
                converted->code == NMVIRT_ERROR_ACTIVATION_FAILED)
                data->error = g_error_new(NMVIRT_ERROR, NMVIRT_ERROR_ACTIVATION_FAILED,
                                          _("interface '%1$s': deactivation failed: %2$s"),
                                          data->name, converted->message);
            else
                data->error = g_steal_pointer(&converted);
        }
    }
    nmvirt_client_stop_check(task);
}

/**
 * nmvirt_client_stop_async:
 * @self: a #NmvirtClient
 * @name: the name of a top-level interface
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the interface is stopped
 * @user_data: (closure): data for @callback
 *
 * Stops interface @name, as `virsh iface-destroy` does: NetworkManager
 * deactivates its profile and those of its ports and members (each one is
 * then kept from autoconnecting, as after `nmcli connection down`); waits
 * up to 30 s until they are deactivated.
 *
 * Errors: %NMVIRT_ERROR_NOT_FOUND (no such interface, or nothing of it is
 * active), %NMVIRT_ERROR_TIMEOUT, %NMVIRT_ERROR_ACTIVATION_FAILED
 * (NetworkManager refused), %NMVIRT_ERROR_DAEMON,
 * %NMVIRT_ERROR_PERMISSION_DENIED.
 *
 * Since: 0.1
 */
void
nmvirt_client_stop_async(NmvirtClient *self, const char *name, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) ports = NULL;
    NmvirtStopData *data;
    NMRemoteConnection *profile;
    NMActiveConnection *active;
    NMClient *nm;

    g_return_if_fail(NMVIRT_IS_CLIENT(self));
    g_return_if_fail(name != NULL);
    g_return_if_fail(cancellable == NULL || G_IS_CANCELLABLE(cancellable));

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, nmvirt_client_stop_async);
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

    nm = nmvirt_client_get_nm_client(self);
    data = g_new0(NmvirtStopData, 1);
    data->nm = g_object_ref(nm);
    data->name = g_strdup(name);
    data->actives = g_ptr_array_new_with_free_func(g_object_unref);
    g_task_set_task_data(task, data, (GDestroyNotify)nmvirt_client_stop_data_free);

    /* ports first, so that each is deactivated by request (and blocked from
     * autoconnecting, which would bring the controller back) */
    ports = nmvirt_client_get_ports(self, profile);
    for (guint i = ports->len; i > 0; i--) {
        active = nmvirt_client_find_active(
            nm, nm_connection_get_uuid(NM_CONNECTION(g_ptr_array_index(ports, i - 1))));
        if (active != NULL &&
            nm_active_connection_get_state(active) < NM_ACTIVE_CONNECTION_STATE_DEACTIVATED)
            g_ptr_array_add(data->actives, g_object_ref(active));
    }
    active = nmvirt_client_find_active(nm, nm_connection_get_uuid(NM_CONNECTION(profile)));
    if (active != NULL &&
        nm_active_connection_get_state(active) < NM_ACTIVE_CONNECTION_STATE_DEACTIVATED)
        g_ptr_array_add(data->actives, g_object_ref(active));
    if (data->actives->len == 0) {
        g_task_return_new_error(task, NMVIRT_ERROR, NMVIRT_ERROR_NOT_FOUND,
                                _("interface '%s' is not active"), name);
        return;
    }

    data->removed_handler = g_signal_connect(nm, NM_CLIENT_ACTIVE_CONNECTION_REMOVED,
                                             G_CALLBACK(nmvirt_client_stop_removed_cb), task);
    data->deadline =
        nmvirt_client_attach_source(nm, g_timeout_source_new(NMVIRT_CLIENT_STOP_TIMEOUT_MS),
                                    nmvirt_client_stop_deadline_cb, task);
    data->poll = nmvirt_client_attach_source(nm, g_timeout_source_new(NMVIRT_CLIENT_POLL_MS),
                                             nmvirt_client_stop_poll_cb, task);
    if (cancellable != NULL)
        data->cancel =
            nmvirt_client_attach_source(nm, g_cancellable_source_new(cancellable),
                                        G_SOURCE_FUNC(nmvirt_client_stop_cancelled_cb), task);
    for (guint i = 0; i < data->actives->len; i++) {
        active = g_ptr_array_index(data->actives, i);
        g_debug("interface '%s': deactivating %s", name, nm_active_connection_get_id(active));
        data->pending++;
        nm_client_deactivate_connection_async(nm, active, NULL, nmvirt_client_stop_deactivate_cb,
                                              g_object_ref(task));
    }
}

/**
 * nmvirt_client_stop_finish:
 * @self: a #NmvirtClient
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError, or %NULL
 *
 * Returns: %TRUE when the interface was stopped
 *
 * Since: 0.1
 */
gboolean
nmvirt_client_stop_finish(NmvirtClient *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(NMVIRT_IS_CLIENT(self), FALSE);
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    g_return_val_if_fail(g_async_result_is_tagged(result, nmvirt_client_stop_async), FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    return g_task_propagate_boolean(G_TASK(result), error);
}
