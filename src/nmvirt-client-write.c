/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Running the plan of a define or undefine (nmvirt-client-define.c): all
 * writes go out at once on the client's D-Bus connection, in order, and
 * once every one has been answered, any failure has the journal put back
 * what was written; around that, the client's cache is brought up to date.
 *
 * Writes are not cancellable: once a request is on the bus NetworkManager
 * may carry it out whatever we do, and only an answer tells us it did. The
 * cancellable is checked once, before the first write.
 *
 * Test hook: when the environment variable NMVIRT_TEST_FAIL_AFTER_WRITES is
 * a number N, a define or undefine sends only its first N writes and then
 * fails (NMVIRT_ERROR_INTERNAL), as if write N+1 had been refused; the
 * journal then restores. The integration tests use it to check the
 * restore; nothing else should set it.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "nmvirt-client-private.h"
#include "nmvirt-error.h"
#include "nmvirt-journal.h"

#define NMVIRT_CLIENT_WRITE_TEST_HOOK "NMVIRT_TEST_FAIL_AFTER_WRITES"

/* Running a plan ------------------------------------------------------- */

static void nmvirt_client_write_plan_written(GTask *task);

typedef struct {
    GTask *task;
    NmvirtClientWrite *write;
} NmvirtClientWriteCall;

/* Records the outcome of one write; a failure names the profile. */
static void
nmvirt_client_write_plan_write_done(NmvirtClientWriteCall *call, GError *write_error)
{
    g_autoptr(GTask) task = call->task;
    NmvirtClientPlan *plan = g_task_get_task_data(task);
    NmvirtClientWrite *write = call->write;
    NMConnection *connection =
        write->settings != NULL ? write->settings : NM_CONNECTION(write->profile);

    g_free(call);
    if (write_error != NULL) {
        /* D-Bus trouble (NetworkManager gone, say) is the daemon's. */
        if (write_error->domain == G_DBUS_ERROR || write_error->domain == G_IO_ERROR) {
            write_error->domain = NMVIRT_ERROR;
            write_error->code = NMVIRT_ERROR_DAEMON;
        }
        nmvirt_error_convert(&write_error);
        if (write->kind == NMVIRT_CLIENT_WRITE_DELETE)
            g_prefix_error(&write_error,
                           _("interface '%1$s': NetworkManager did not delete profile '%2$s' "
                             "(%3$s): "),
                           plan->name, nm_connection_get_id(connection),
                           nm_connection_get_uuid(connection));
        else
            g_prefix_error(&write_error,
                           _("interface '%1$s': NetworkManager did not save profile '%2$s' "
                             "(%3$s): "),
                           plan->name, nm_connection_get_id(connection),
                           nm_connection_get_uuid(connection));
        if (plan->error == NULL)
            plan->error = g_steal_pointer(&write_error);
        g_clear_error(&write_error);
    }
    if (--plan->pending == 0)
        nmvirt_client_write_plan_written(task);
}

static void
nmvirt_client_write_plan_add_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    NmvirtClientWriteCall *call = user_data;
    NmvirtClientPlan *plan = g_task_get_task_data(call->task);
    GError *error = NULL;
    g_autoptr(NMRemoteConnection) profile =
        nm_client_add_connection2_finish(NM_CLIENT(source), result, NULL, &error);

    if (profile != NULL)
        nmvirt_journal_add_created(plan->journal, profile);
    nmvirt_client_write_plan_write_done(call, error);
}

static void
nmvirt_client_write_plan_update_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    NmvirtClientWriteCall *call = user_data;
    NmvirtClientPlan *plan = g_task_get_task_data(call->task);
    NMRemoteConnection *profile = NM_REMOTE_CONNECTION(source);
    GError *error = NULL;
    g_autoptr(GVariant) out = nm_remote_connection_update2_finish(profile, result, &error);

    if (out != NULL)
        nmvirt_journal_mark_updated(plan->journal, nm_connection_get_uuid(NM_CONNECTION(profile)),
                                    (call->write->flags & NM_SETTINGS_UPDATE2_FLAG_TO_DISK) != 0
                                        ? NMVIRT_JOURNAL_STORAGE_DISK
                                        : NMVIRT_JOURNAL_STORAGE_MEMORY);
    nmvirt_client_write_plan_write_done(call, error);
}

static void
nmvirt_client_write_plan_delete_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    NmvirtClientWriteCall *call = user_data;
    NmvirtClientPlan *plan = g_task_get_task_data(call->task);
    NMRemoteConnection *profile = NM_REMOTE_CONNECTION(source);
    GError *error = NULL;

    if (nm_remote_connection_delete_finish(profile, result, &error))
        nmvirt_journal_mark_deleted(plan->journal, nm_connection_get_uuid(NM_CONNECTION(profile)));
    nmvirt_client_write_plan_write_done(call, error);
}

static void
nmvirt_client_write_plan_send(NmvirtClient *self, GTask *task, NmvirtClientWrite *write)
{
    NmvirtClientPlan *plan = g_task_get_task_data(task);
    NmvirtClientWriteCall *call = g_new0(NmvirtClientWriteCall, 1);

    call->task = g_object_ref(task);
    call->write = write;
    plan->pending++;
    switch (write->kind) {
    case NMVIRT_CLIENT_WRITE_ADD:
        g_debug("%s: adding %s", plan->name, nm_connection_get_uuid(write->settings));
        nm_client_add_connection2(
            nmvirt_client_get_nm_client(self),
            nm_connection_to_dbus(write->settings, NM_CONNECTION_SERIALIZE_ALL), write->flags, NULL,
            TRUE, NULL, nmvirt_client_write_plan_add_cb, call);
        break;
    case NMVIRT_CLIENT_WRITE_UPDATE:
        g_debug("%s: updating %s", plan->name, nm_connection_get_uuid(write->settings));
        nm_remote_connection_update2(
            write->profile, nm_connection_to_dbus(write->settings, NM_CONNECTION_SERIALIZE_ALL),
            write->flags, NULL, NULL, nmvirt_client_write_plan_update_cb, call);
        break;
    case NMVIRT_CLIENT_WRITE_DELETE:
        g_debug("%s: deleting %s", plan->name,
                nm_connection_get_uuid(NM_CONNECTION(write->profile)));
        nm_remote_connection_delete_async(write->profile, NULL, nmvirt_client_write_plan_delete_cb,
                                          call);
        break;
    }
}

/* The test hook (see the top of this file): how many writes to send, or
 * G_MAXUINT. */
static guint
nmvirt_client_write_plan_test_limit(void)
{
    const char *value = g_getenv(NMVIRT_CLIENT_WRITE_TEST_HOOK);
    guint64 limit = 0;

    if (value == NULL || !g_ascii_string_to_unsigned(value, 10, 0, G_MAXUINT - 1, &limit, NULL))
        return G_MAXUINT;
    return (guint)limit;
}

void
nmvirt_client_write_plan_run(NmvirtClient *self, GTask *task)
{
    NmvirtClientPlan *plan = g_task_get_task_data(task);
    guint limit = nmvirt_client_write_plan_test_limit();
    guint sent = 0;

    if (g_task_return_error_if_cancelled(task))
        return;
    /* one count of our own, so that no answer completes the plan while
     * requests are still going out */
    plan->pending = 1;
    for (guint i = 0; i < plan->writes->len; i++) {
        NmvirtClientWrite *write = g_ptr_array_index(plan->writes, i);

        if (write->kind == NMVIRT_CLIENT_WRITE_UPDATE && write->settings == NULL)
            continue; /* unchanged */
        if (sent == limit) {
            plan->error = g_error_new(NMVIRT_ERROR, NMVIRT_ERROR_INTERNAL,
                                      "interface '%s': failing after %u writes (test hook %s)",
                                      plan->name, limit, NMVIRT_CLIENT_WRITE_TEST_HOOK);
            break;
        }
        nmvirt_client_write_plan_send(self, task, write);
        sent++;
    }
    if (--plan->pending == 0)
        nmvirt_client_write_plan_written(task);
}

/* Catching up ------------------------------------------------------------ */

/*
 * libnm's cache lags behind NetworkManager: a profile changed by somebody
 * else (nmcli, a moment ago) gets its new settings only when the client has
 * seen the "Updated" signal and then fetched them (GetSettings). Merging
 * into the old settings would silently undo that change, so define and
 * undefine first bring the cache up to date, and do so again after writing,
 * so that a query right after define sees the new settings.
 *
 * Two round trips to NetworkManager do it. NetworkManager answers method
 * calls in order with everything else, after the signals it sent before:
 * when the first answer arrives, the client has seen those signals and
 * asked for the settings (each step waits for an idle of low priority, so
 * libnm's own pending work runs first). GetSettings is answered at once, so
 * when the second answer arrives those fetches are done too.
 *
 * The call is a Properties.Get of the Settings object's CanModify, which
 * NetworkManager's main loop answers like any other method (not GDBus's
 * worker thread, as it would Peer.Ping) with one boolean: ListConnections
 * did the same job with every profile's path, which made N defines in
 * flight cost O(N^2) in bus traffic.
 */
typedef struct {
    GTask *task;
    NmvirtClientNext next;
    guint round;
} NmvirtClientCatchUp;

static void nmvirt_client_write_catch_up_round(NmvirtClientCatchUp *catch_up);

static gboolean
nmvirt_client_write_catch_up_idle_cb(gpointer user_data)
{
    NmvirtClientCatchUp *catch_up = user_data;

    if (catch_up->round < 2) {
        nmvirt_client_write_catch_up_round(catch_up);
    } else {
        g_autoptr(GTask) task = catch_up->task;

        catch_up->next(task);
        g_free(catch_up);
    }
    return G_SOURCE_REMOVE;
}

static void
nmvirt_client_write_catch_up_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    NmvirtClientCatchUp *catch_up = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) reply =
        g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
    g_autoptr(GSource) idle = g_idle_source_new();

    /* NetworkManager gone: the writes will say so */
    if (reply == NULL)
        g_debug("catching up: %s", error->message);
    g_source_set_priority(idle, G_PRIORITY_LOW);
    g_source_set_callback(idle, nmvirt_client_write_catch_up_idle_cb, catch_up, NULL);
    g_source_attach(idle, g_task_get_context(catch_up->task));
}

static void
nmvirt_client_write_catch_up_round(NmvirtClientCatchUp *catch_up)
{
    NmvirtClient *self = g_task_get_source_object(catch_up->task);
    NMClient *nm_client = nmvirt_client_get_nm_client(self);

    catch_up->round++;
    g_dbus_connection_call(nm_client_get_dbus_connection(nm_client), NM_DBUS_SERVICE,
                           NM_DBUS_PATH_SETTINGS, "org.freedesktop.DBus.Properties", "Get",
                           g_variant_new("(ss)", NM_DBUS_INTERFACE_SETTINGS, "CanModify"),
                           G_VARIANT_TYPE("(v)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, NULL,
                           nmvirt_client_write_catch_up_cb, catch_up);
}

/* Brings the client's cache up to date, then calls @next with @task. */
void
nmvirt_client_write_catch_up(GTask *task, NmvirtClientNext next)
{
    NmvirtClientCatchUp *catch_up = g_new0(NmvirtClientCatchUp, 1);

    catch_up->task = g_object_ref(task);
    catch_up->next = next;
    nmvirt_client_write_catch_up_round(catch_up);
}

static void
nmvirt_client_catch_up_done(GTask *task)
{
    if (!g_task_return_error_if_cancelled(task))
        g_task_return_boolean(task, TRUE);
}

/**
 * nmvirt_client_catch_up_async:
 * @self: a #NmvirtClient
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @callback: (scope async): called when the cache is up to date
 * @user_data: (closure): data for @callback
 *
 * Brings the client's view of NetworkManager up to date: when @callback
 * runs, the client has seen every change NetworkManager made before this
 * call, also those other programs made a moment ago (a profile that nmcli
 * has just modified). The client follows NetworkManager's signals by
 * itself, but the signal of such a change may still be on its way; a
 * long-lived client calls this before it answers a request that came
 * after the change. nmvirt_client_define_async() and the other calls that
 * write do it themselves.
 *
 * Since: 0.1
 */
void
nmvirt_client_catch_up_async(NmvirtClient *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = NULL;

    g_return_if_fail(NMVIRT_IS_CLIENT(self));
    g_return_if_fail(cancellable == NULL || G_IS_CANCELLABLE(cancellable));

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, nmvirt_client_catch_up_async);
    nmvirt_client_write_catch_up(task, nmvirt_client_catch_up_done);
}

/**
 * nmvirt_client_catch_up_finish:
 * @self: a #NmvirtClient
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError, or %NULL
 *
 * Finishes nmvirt_client_catch_up_async(). A NetworkManager that is not
 * running or does not answer is no error here: the next call that needs it
 * says so.
 *
 * Returns: %TRUE, or %FALSE with @error set when cancelled
 *
 * Since: 0.1
 */
gboolean
nmvirt_client_catch_up_finish(NmvirtClient *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);

    return g_task_propagate_boolean(G_TASK(result), error);
}

static void
nmvirt_client_write_plan_return(GTask *task)
{
    NmvirtClientPlan *plan = g_task_get_task_data(task);

    if (plan->error != NULL)
        g_task_return_error(task, g_steal_pointer(&plan->error));
    else
        g_task_return_boolean(task, TRUE);
}

static void
nmvirt_client_write_plan_restore_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    NmvirtClientPlan *plan = g_task_get_task_data(task);
    g_autoptr(GError) restore_error = NULL;

    if (!nmvirt_journal_restore_finish(result, &restore_error)) {
        g_autofree char *message = g_strdup(plan->error->message);

        g_warning("%s: restoring the profiles failed: %s", plan->name, restore_error->message);
        g_clear_pointer(&plan->error->message, g_free);
        plan->error->message =
            g_strdup_printf(_("%1$s; putting the previous profiles back failed too: %2$s"), message,
                            restore_error->message);
    }
    nmvirt_client_write_catch_up(task, nmvirt_client_write_plan_return);
}

/* Every write has been answered. */
static void
nmvirt_client_write_plan_written(GTask *task)
{
    NmvirtClient *self = g_task_get_source_object(task);
    NmvirtClientPlan *plan = g_task_get_task_data(task);

    if (plan->error == NULL || nmvirt_journal_get_n_changes(plan->journal) == 0) {
        nmvirt_client_write_catch_up(task, nmvirt_client_write_plan_return);
        return;
    }
    g_debug("%s: %s; restoring %u profiles", plan->name, plan->error->message,
            nmvirt_journal_get_n_changes(plan->journal));
    nmvirt_journal_restore_async(plan->journal, nmvirt_client_get_nm_client(self),
                                 nmvirt_client_write_plan_restore_cb, g_object_ref(task));
}
