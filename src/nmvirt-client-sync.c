/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "nmvirt-client-private.h"

/*
 * Synchronous wrappers: each makes the client's main context the
 * thread-default one (so every callback of the operation lands there),
 * starts the asynchronous call, iterates that context until the callback
 * has run, and returns what _finish says. A client made by
 * nmvirt_client_new() has a private context that nothing else iterates, so
 * no other source of the caller runs meanwhile; netcf's synchronous API is
 * built on these.
 */

typedef struct {
    gboolean done;
    GAsyncResult *result;
    /* the context pushed: the client may change its NMClient meanwhile */
    GMainContext *context;
} NmvirtClientSyncData;

static void
nmvirt_client_sync_data_clear(NmvirtClientSyncData *data)
{
    g_clear_object(&data->result);
    g_clear_pointer(&data->context, g_main_context_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(NmvirtClientSyncData, nmvirt_client_sync_data_clear)

static void
nmvirt_client_sync_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    NmvirtClientSyncData *data = user_data;

    data->result = g_object_ref(result);
    data->done = TRUE;
}

/* Makes the client's context the thread-default one for the call to come. */
static void
nmvirt_client_sync_enter(NmvirtClient *self, NmvirtClientSyncData *data)
{
    data->context =
        g_main_context_ref(nm_client_get_main_context(nmvirt_client_get_nm_client(self)));
    g_main_context_push_thread_default(data->context);
}

/* Iterates that context until the call's callback has run, gives it back
 * and returns the call's result. */
static GAsyncResult *
nmvirt_client_sync_leave(NmvirtClient *self, NmvirtClientSyncData *data)
{
    nmvirt_client_iterate_until(self, &data->done);
    g_main_context_pop_thread_default(data->context);
    return data->result;
}

/**
 * nmvirt_client_define:
 * @self: a #NmvirtClient
 * @xml: an interface XML document
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @error: return location for a #GError, or %NULL
 *
 * The synchronous form of nmvirt_client_define_async().
 *
 * Returns: (transfer full): the name of the interface defined, or %NULL
 *   with @error set
 *
 * Since: 0.1
 */
char *
nmvirt_client_define(NmvirtClient *self, const char *xml, GCancellable *cancellable, GError **error)
{
    g_auto(NmvirtClientSyncData) data = { FALSE, NULL };

    g_return_val_if_fail(NMVIRT_IS_CLIENT(self), NULL);
    g_return_val_if_fail(xml != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    nmvirt_client_sync_enter(self, &data);
    nmvirt_client_define_async(self, xml, cancellable, nmvirt_client_sync_cb, &data);
    return nmvirt_client_define_finish(self, nmvirt_client_sync_leave(self, &data), error);
}

/**
 * nmvirt_client_undefine:
 * @self: a #NmvirtClient
 * @name: the interface to remove
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @error: return location for a #GError, or %NULL
 *
 * The synchronous form of nmvirt_client_undefine_async().
 *
 * Returns: %TRUE on success; %FALSE with @error set
 *
 * Since: 0.1
 */
gboolean
nmvirt_client_undefine(NmvirtClient *self, const char *name, GCancellable *cancellable,
                       GError **error)
{
    g_auto(NmvirtClientSyncData) data = { FALSE, NULL };

    g_return_val_if_fail(NMVIRT_IS_CLIENT(self), FALSE);
    g_return_val_if_fail(name != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    nmvirt_client_sync_enter(self, &data);
    nmvirt_client_undefine_async(self, name, cancellable, nmvirt_client_sync_cb, &data);
    return nmvirt_client_undefine_finish(self, nmvirt_client_sync_leave(self, &data), error);
}

/**
 * nmvirt_client_start:
 * @self: a #NmvirtClient
 * @name: the interface to activate
 * @timeout_ms: how long to wait for activation, in milliseconds
 *   (%NMVIRT_CLIENT_START_TIMEOUT_MS is the usual value)
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @error: return location for a #GError, or %NULL
 *
 * The synchronous form of nmvirt_client_start_async().
 *
 * Returns: %TRUE when the interface is active; %FALSE with @error set
 *
 * Since: 0.1
 */
gboolean
nmvirt_client_start(NmvirtClient *self, const char *name, guint timeout_ms,
                    GCancellable *cancellable, GError **error)
{
    g_auto(NmvirtClientSyncData) data = { FALSE, NULL };

    g_return_val_if_fail(NMVIRT_IS_CLIENT(self), FALSE);
    g_return_val_if_fail(name != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    nmvirt_client_sync_enter(self, &data);
    nmvirt_client_start_async(self, name, timeout_ms, cancellable, nmvirt_client_sync_cb, &data);
    return nmvirt_client_start_finish(self, nmvirt_client_sync_leave(self, &data), error);
}

/**
 * nmvirt_client_stop:
 * @self: a #NmvirtClient
 * @name: the interface to deactivate
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @error: return location for a #GError, or %NULL
 *
 * The synchronous form of nmvirt_client_stop_async().
 *
 * Returns: %TRUE when the interface is down; %FALSE with @error set
 *
 * Since: 0.1
 */
gboolean
nmvirt_client_stop(NmvirtClient *self, const char *name, GCancellable *cancellable, GError **error)
{
    g_auto(NmvirtClientSyncData) data = { FALSE, NULL };

    g_return_val_if_fail(NMVIRT_IS_CLIENT(self), FALSE);
    g_return_val_if_fail(name != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    nmvirt_client_sync_enter(self, &data);
    nmvirt_client_stop_async(self, name, cancellable, nmvirt_client_sync_cb, &data);
    return nmvirt_client_stop_finish(self, nmvirt_client_sync_leave(self, &data), error);
}

/**
 * nmvirt_client_bridge:
 * @self: a #NmvirtClient
 * @iface: the top-level interface to put into the bridge
 * @bridge: the name of the new bridge
 * @flags: %NMVIRT_BRIDGE_FLAGS_NO_STP, %NMVIRT_BRIDGE_FLAGS_NO_START
 * @delay: the forward delay in seconds; negative for the default
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @error: return location for a #GError, or %NULL
 *
 * The synchronous form of nmvirt_client_bridge_async().
 *
 * Returns: %TRUE on success; %FALSE with @error set
 *
 * Since: 0.1
 */
gboolean
nmvirt_client_bridge(NmvirtClient *self, const char *iface, const char *bridge,
                     NmvirtBridgeFlags flags, double delay, GCancellable *cancellable,
                     GError **error)
{
    g_auto(NmvirtClientSyncData) data = { FALSE, NULL };

    g_return_val_if_fail(NMVIRT_IS_CLIENT(self), FALSE);
    g_return_val_if_fail(iface != NULL, FALSE);
    g_return_val_if_fail(bridge != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    nmvirt_client_sync_enter(self, &data);
    nmvirt_client_bridge_async(self, iface, bridge, flags, delay, cancellable,
                               nmvirt_client_sync_cb, &data);
    return nmvirt_client_bridge_finish(self, nmvirt_client_sync_leave(self, &data), error);
}

/**
 * nmvirt_client_unbridge:
 * @self: a #NmvirtClient
 * @bridge: a bridge with exactly one port
 * @flags: %NMVIRT_BRIDGE_FLAGS_NO_START
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @error: return location for a #GError, or %NULL
 *
 * The synchronous form of nmvirt_client_unbridge_async().
 *
 * Returns: (transfer full): the name of the former port; %NULL with @error
 *   set
 *
 * Since: 0.1
 */
char *
nmvirt_client_unbridge(NmvirtClient *self, const char *bridge, NmvirtBridgeFlags flags,
                       GCancellable *cancellable, GError **error)
{
    g_auto(NmvirtClientSyncData) data = { FALSE, NULL };

    g_return_val_if_fail(NMVIRT_IS_CLIENT(self), NULL);
    g_return_val_if_fail(bridge != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    nmvirt_client_sync_enter(self, &data);
    nmvirt_client_unbridge_async(self, bridge, flags, cancellable, nmvirt_client_sync_cb, &data);
    return nmvirt_client_unbridge_finish(self, nmvirt_client_sync_leave(self, &data), error);
}

/**
 * nmvirt_client_change_begin:
 * @self: a #NmvirtClient
 * @timeout_s: roll back by itself unless committed within this many
 *   seconds; 0 for no timeout
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @error: return location for a #GError, or %NULL
 *
 * The synchronous form of nmvirt_client_change_begin_async().
 *
 * Returns: %TRUE when the transaction is open; %FALSE with @error set
 *
 * Since: 0.1
 */
gboolean
nmvirt_client_change_begin(NmvirtClient *self, guint timeout_s, GCancellable *cancellable,
                           GError **error)
{
    g_auto(NmvirtClientSyncData) data = { FALSE, NULL };

    g_return_val_if_fail(NMVIRT_IS_CLIENT(self), FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    nmvirt_client_sync_enter(self, &data);
    nmvirt_client_change_begin_async(self, timeout_s, cancellable, nmvirt_client_sync_cb, &data);
    return nmvirt_client_change_begin_finish(self, nmvirt_client_sync_leave(self, &data), error);
}

/**
 * nmvirt_client_change_commit:
 * @self: a #NmvirtClient
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @error: return location for a #GError, or %NULL
 *
 * The synchronous form of nmvirt_client_change_commit_async().
 *
 * Returns: %TRUE when the changes are kept; %FALSE with @error set
 *
 * Since: 0.1
 */
gboolean
nmvirt_client_change_commit(NmvirtClient *self, GCancellable *cancellable, GError **error)
{
    g_auto(NmvirtClientSyncData) data = { FALSE, NULL };

    g_return_val_if_fail(NMVIRT_IS_CLIENT(self), FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    nmvirt_client_sync_enter(self, &data);
    nmvirt_client_change_commit_async(self, cancellable, nmvirt_client_sync_cb, &data);
    return nmvirt_client_change_commit_finish(self, nmvirt_client_sync_leave(self, &data), error);
}

gboolean
nmvirt_client_change_rollback_full(NmvirtClient *self, NmvirtClientTransactionFlags flags,
                                   gboolean *was_open, GCancellable *cancellable, GError **error)
{
    g_auto(NmvirtClientSyncData) data = { FALSE, NULL };

    g_return_val_if_fail(NMVIRT_IS_CLIENT(self), FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    nmvirt_client_sync_enter(self, &data);
    nmvirt_client_change_rollback_full_async(self, flags, cancellable, nmvirt_client_sync_cb,
                                             &data);
    return nmvirt_client_change_rollback_full_finish(self, nmvirt_client_sync_leave(self, &data),
                                                     was_open, error);
}

/**
 * nmvirt_client_change_rollback:
 * @self: a #NmvirtClient
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @error: return location for a #GError, or %NULL
 *
 * The synchronous form of nmvirt_client_change_rollback_async().
 *
 * Returns: %TRUE when the changes are undone; %FALSE with @error set
 *
 * Since: 0.1
 */
gboolean
nmvirt_client_change_rollback(NmvirtClient *self, GCancellable *cancellable, GError **error)
{
    return nmvirt_client_change_rollback_full(self, NMVIRT_CLIENT_TRANSACTION_FLAGS_NONE, NULL,
                                              cancellable, error);
}

gboolean
nmvirt_client_transaction_expire(NmvirtClient *self, const char *id, gboolean wait, GError **error)
{
    g_auto(NmvirtClientSyncData) data = { FALSE, NULL };

    g_return_val_if_fail(NMVIRT_IS_CLIENT(self), FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    nmvirt_client_sync_enter(self, &data);
    nmvirt_client_transaction_expire_async(self, id, wait, nmvirt_client_sync_cb, &data);
    return nmvirt_client_transaction_expire_finish(self, nmvirt_client_sync_leave(self, &data),
                                                   error);
}

/**
 * nmvirt_client_catch_up:
 * @self: a #NmvirtClient
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @error: return location for a #GError, or %NULL
 *
 * The synchronous form of nmvirt_client_catch_up_async().
 *
 * Returns: %TRUE, or %FALSE with @error set when cancelled
 *
 * Since: 0.1
 */
gboolean
nmvirt_client_catch_up(NmvirtClient *self, GCancellable *cancellable, GError **error)
{
    g_auto(NmvirtClientSyncData) data = { FALSE, NULL };

    g_return_val_if_fail(NMVIRT_IS_CLIENT(self), FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    nmvirt_client_sync_enter(self, &data);
    nmvirt_client_catch_up_async(self, cancellable, nmvirt_client_sync_cb, &data);
    return nmvirt_client_catch_up_finish(self, nmvirt_client_sync_leave(self, &data), error);
}
