/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Transactions: nmvirt_client_change_begin/commit/rollback (netcf's
 * ncf_change_begin/commit/rollback, libvirt's virInterfaceChangeBegin…).
 *
 * A NetworkManager checkpoint alone is not enough: it restores device
 * state, but not inactive profiles; it re-adds deleted profiles to disk
 * (also those that lived in /run); with DELETE_NEW_CONNECTIONS it deletes
 * anybody's new profiles (NetworkManager's generated ones for a VM's tap
 * too); and it vanishes when NetworkManager restarts. So begin journals
 * every profile itself (UUID, settings with the secrets NetworkManager
 * hands out, storage in /etc or /run, flags) in a file under the state
 * directory (nmvirt-transaction-file.c), and takes a checkpoint of every
 * device, with no flags, for device state only. Rollback puts back every
 * profile that differs from the journal (update2), adds the deleted ones
 * again with their UUID and storage, deletes the profiles nmvirt created
 * since (user data nmvirt.interface; other tools' new profiles and
 * NetworkManager's generated ones stay), and then rolls the checkpoint
 * back, which reactivates what was active at begin and disconnects devices
 * that were not (a bridge port NetworkManager did not add stays, so a VM's
 * tap keeps its bridge). Commit destroys the checkpoint and the journal.
 *
 * The journal on disk is the transaction: begin and commit may come from
 * different processes, and a lock (flock on a file beside it) keeps two
 * processes from working on it at once.
 *
 * Timeout: begin with a timeout writes a deadline into the journal, gives
 * the checkpoint the same timeout plus NMVIRT_TRANSACTION_CHECKPOINT_GRACE_S
 * (so NetworkManager rolls device state back by itself even when nothing
 * else runs), and starts nmvirt-rollback-timer, a small process of its own
 * session that rolls back at the deadline unless the transaction is closed
 * first (then it exits). Should it be gone (killed, its cgroup stopped),
 * the next nmvirt call does it: every client construction and every
 * change_* call first rolls back a transaction whose deadline has passed.
 *
 * A stale journal: when NetworkManager's D-Bus name is not the one it had
 * at begin, NetworkManager restarted (or the machine rebooted) and the
 * checkpoint is gone. Rollback then restores the profiles without
 * BLOCK_AUTOCONNECT (NetworkManager activates them as after any restart),
 * and reactivates the restored profiles that are active with other
 * settings. After a reboot, profiles that lived in /run are left alone
 * (they would be gone anyway, and /run now holds this boot's).
 *
 * Secrets: NetworkManager hands out system-owned secrets (to root); those
 * are journaled with the profile. Agent-owned and not-saved secrets live
 * outside NetworkManager and are not journaled (nor touched).
 */
#include "config.h"

#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "nmvirt-client-transaction-private.h"
#include "nmvirt-error.h"

/* How long a call waits for the lock another nmvirt process holds. */
#define NMVIRT_TRANSACTION_LOCK_WAIT_MS  30000
#define NMVIRT_TRANSACTION_LOCK_RETRY_MS 50

static void
nmvirt_client_transaction_op_free(NmvirtTransactionOp *op)
{
    nmvirt_client_clear_source(&op->retry);
    if (op->lock_fd >= 0)
        close(op->lock_fd); /* releases the lock */
    g_free(op->expire_id);
    g_clear_object(&op->nm);
    g_clear_pointer(&op->record, nmvirt_transaction_record_free);
    g_clear_pointer(&op->journal, nmvirt_journal_free);
    g_clear_pointer(&op->activations, g_ptr_array_unref);
    g_free(op->expired_created);
    g_free(op);
}

void
nmvirt_client_transaction_return(GTask *task, GError *error)
{
    NmvirtTransactionOp *op = g_task_get_task_data(task);

    /* the lock goes at once, not when the last reference on the task does */
    if (op->lock_fd >= 0) {
        close(op->lock_fd);
        op->lock_fd = -1;
    }
    if (error != NULL)
        g_task_return_error(task, error);
    else
        g_task_return_boolean(task, TRUE);
}

/* D-Bus trouble (NetworkManager gone, say) is the daemon's. (transfer full) */
GError *
nmvirt_client_transaction_convert(GError *error)
{
    if (error->domain == G_DBUS_ERROR || error->domain == G_IO_ERROR) {
        error->domain = NMVIRT_ERROR;
        error->code = NMVIRT_ERROR_DAEMON;
    }
    nmvirt_error_convert(&error);
    return error;
}

/* NetworkManager restarted (or the machine rebooted) since begin. */
gboolean
nmvirt_client_transaction_stale(NMClient *nm, NmvirtTransactionRecord *record)
{
    return g_strcmp0(record->nm_owner, nm_client_get_dbus_name_owner(nm)) != 0;
}

NMActiveConnection *
nmvirt_client_transaction_find_active(NMClient *nm, const char *uuid)
{
    NMActiveConnection *active = nmvirt_client_find_active(nm, uuid);

    if (active == NULL ||
        nm_active_connection_get_state(active) >= NM_ACTIVE_CONNECTION_STATE_DEACTIVATING)
        return NULL;
    return active;
}

void
nmvirt_client_transaction_return_ok(GTask *task)
{
    nmvirt_client_transaction_return(task, NULL);
}

/* Commit ----------------------------------------------------------------------- */

static void
nmvirt_client_transaction_commit_done(GTask *task)
{
    NmvirtTransactionOp *op = g_task_get_task_data(task);
    GError *error = NULL;

    if (!nmvirt_transaction_file_remove(&error)) {
        nmvirt_client_transaction_return(task, error);
        return;
    }
    g_debug("transaction %s: committed", op->record->id);
    nmvirt_client_transaction_return(task, NULL);
}

static void
nmvirt_client_transaction_destroy_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    g_autoptr(GError) error = NULL;

    /* gone already (NetworkManager's own timeout) is as good as destroyed */
    if (!nm_client_checkpoint_destroy_finish(NM_CLIENT(source), result, &error))
        g_debug("transaction: destroying the checkpoint: %s", error->message);
    nmvirt_client_transaction_commit_done(task);
}

static void
nmvirt_client_transaction_commit(GTask *task)
{
    NmvirtTransactionOp *op = g_task_get_task_data(task);

    if (op->record->checkpoint == NULL || nmvirt_client_transaction_stale(op->nm, op->record)) {
        nmvirt_client_transaction_commit_done(task);
        return;
    }
    nm_client_checkpoint_destroy(op->nm, op->record->checkpoint, NULL,
                                 nmvirt_client_transaction_destroy_cb, g_object_ref(task));
}

/* commit after an expired transaction was rolled back */
static void
nmvirt_client_transaction_commit_expired(GTask *task)
{
    NmvirtTransactionOp *op = g_task_get_task_data(task);

    nmvirt_client_transaction_return(
        task, g_error_new(NMVIRT_ERROR, NMVIRT_ERROR_TRANSACTION,
                          _("cannot commit: the transaction begun %1$s was not committed within "
                            "its timeout of %2$u s and has been rolled back"),
                          op->expired_created, op->expired_timeout_s));
}

/* The lock and the journal ---------------------------------------------------- */

static void nmvirt_client_transaction_locked(GTask *task);

static gboolean
nmvirt_client_transaction_lock_retry_cb(gpointer user_data)
{
    GTask *task = user_data;
    NmvirtTransactionOp *op = g_task_get_task_data(task);
    GError *error = NULL;

    op->lock_fd = nmvirt_transaction_file_lock(&error);
    if (op->lock_fd >= 0) {
        nmvirt_client_clear_source(&op->retry);
        nmvirt_client_transaction_locked(task);
        return G_SOURCE_REMOVE;
    }
    if (error == NULL && g_get_monotonic_time() < op->lock_deadline_us)
        return G_SOURCE_CONTINUE;
    if (error == NULL) {
        g_autofree char *dir = nmvirt_transaction_file_dir();

        error = g_error_new(NMVIRT_ERROR, NMVIRT_ERROR_TRANSACTION,
                            _("another nmvirt process has been working on the transaction in %s "
                              "for too long; try again later"),
                            dir);
    }
    nmvirt_client_clear_source(&op->retry);
    nmvirt_client_transaction_return(task, error);
    return G_SOURCE_REMOVE;
}

static void
nmvirt_client_transaction_lock(GTask *task)
{
    NmvirtTransactionOp *op = g_task_get_task_data(task);
    GError *error = NULL;

    op->lock_fd = nmvirt_transaction_file_lock(&error);
    if (op->lock_fd >= 0) {
        nmvirt_client_transaction_locked(task);
        return;
    }
    if (error != NULL) {
        nmvirt_client_transaction_return(task, error);
        return;
    }
    if (!op->wait) {
        g_debug("transaction: the lock is busy; not looking now");
        nmvirt_client_transaction_return(task, NULL);
        return;
    }
    op->lock_deadline_us =
        g_get_monotonic_time() + (gint64)NMVIRT_TRANSACTION_LOCK_WAIT_MS * G_TIME_SPAN_MILLISECOND;
    op->retry =
        nmvirt_client_attach_source(op->nm, g_timeout_source_new(NMVIRT_TRANSACTION_LOCK_RETRY_MS),
                                    nmvirt_client_transaction_lock_retry_cb, task);
}

/* An expired transaction was found by a call: remember it for messages. */
static void
nmvirt_client_transaction_note_expired(NmvirtTransactionOp *op)
{
    op->expired_created = nmvirt_transaction_record_format_created(op->record);
    op->expired_timeout_s = op->record->timeout_s;
    g_debug("transaction %s: its timeout passed; rolling back", op->record->id);
}

/* Holding the lock: read the journal and go on by kind. */
static void
nmvirt_client_transaction_locked(GTask *task)
{
    NmvirtTransactionOp *op = g_task_get_task_data(task);
    GError *error = NULL;
    gboolean expired = FALSE;

    op->record = nmvirt_transaction_file_load(&error);
    if (error != NULL) {
        nmvirt_client_transaction_return(task, error);
        return;
    }
    expired = op->record != NULL && nmvirt_transaction_record_expired(op->record);
    if (expired)
        nmvirt_client_transaction_note_expired(op);

    switch (op->kind) {
    case NMVIRT_TRANSACTION_OP_BEGIN:
        if (expired) {
            nmvirt_client_transaction_rollback(task, nmvirt_client_transaction_begin);
        } else if (op->record != NULL) {
            g_autofree char *created = nmvirt_transaction_record_format_created(op->record);

            nmvirt_client_transaction_return(
                task, g_error_new(NMVIRT_ERROR, NMVIRT_ERROR_TRANSACTION,
                                  _("cannot begin a transaction: one is already open (begun "
                                    "%1$s by process %2$u); commit or roll it back first"),
                                  created, op->record->pid));
        } else {
            nmvirt_client_transaction_begin(task);
        }
        break;
    case NMVIRT_TRANSACTION_OP_COMMIT:
        if (expired)
            nmvirt_client_transaction_rollback(task, nmvirt_client_transaction_commit_expired);
        else if (op->record == NULL)
            nmvirt_client_transaction_return(
                task, g_error_new_literal(NMVIRT_ERROR, NMVIRT_ERROR_TRANSACTION,
                                          _("cannot commit: no transaction is open")));
        else
            nmvirt_client_transaction_commit(task);
        break;
    case NMVIRT_TRANSACTION_OP_ROLLBACK:
        if (op->record != NULL)
            nmvirt_client_transaction_rollback(task, nmvirt_client_transaction_return_ok);
        else if ((op->flags & NMVIRT_CLIENT_TRANSACTION_FLAGS_IF_OPEN) != 0) {
            op->none_open = TRUE;
            nmvirt_client_transaction_return(task, NULL);
        } else
            nmvirt_client_transaction_return(
                task, g_error_new_literal(NMVIRT_ERROR, NMVIRT_ERROR_TRANSACTION,
                                          _("cannot roll back: no transaction is open")));
        break;
    case NMVIRT_TRANSACTION_OP_EXPIRE:
        if (expired && (op->expire_id == NULL || g_strcmp0(op->expire_id, op->record->id) == 0))
            nmvirt_client_transaction_rollback(task, nmvirt_client_transaction_return_ok);
        else
            nmvirt_client_transaction_return(task, NULL);
        break;
    }
}

/* Starts an operation: NetworkManager must run; then the lock. */
static void
nmvirt_client_transaction_start(NmvirtClient *self, NmvirtTransactionOp *op,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data, gpointer source_tag)
{
    g_autoptr(GTask) task = g_task_new(self, cancellable, callback, user_data);
    GError *error = NULL;

    g_task_set_source_tag(task, source_tag);
    op->lock_fd = -1;
    g_task_set_task_data(task, op, (GDestroyNotify)nmvirt_client_transaction_op_free);
    if (!nmvirt_client_check_running(self, &error)) {
        nmvirt_client_transaction_return(task, error);
        return;
    }
    /* only now: checking may replace the libnm client (NetworkManager
     * restarted), and waits until nobody holds the old one */
    op->nm = g_object_ref(nmvirt_client_get_nm_client(self));
    nmvirt_client_transaction_lock(task);
}

static gboolean
nmvirt_client_transaction_finish(NmvirtClient *self, GAsyncResult *result, gpointer source_tag,
                                 GError **error)
{
    g_return_val_if_fail(NMVIRT_IS_CLIENT(self), FALSE);
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    g_return_val_if_fail(g_task_get_source_tag(G_TASK(result)) == source_tag, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    return g_task_propagate_boolean(G_TASK(result), error);
}

/* Public API ------------------------------------------------------------------------ */

/**
 * nmvirt_client_change_begin_async:
 * @self: a #NmvirtClient
 * @timeout_s: roll back by itself unless committed within this many
 *   seconds; 0 for no timeout
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @callback: (scope async): called when the transaction is open
 * @user_data: (closure): data for @callback
 *
 * Opens a host-wide transaction, as netcf's ncf_change_begin() did: every
 * profile (settings, system-owned secrets, storage in /etc or /run, flags)
 * is journaled under the state directory (`/var/lib/nmvirt`), and
 * NetworkManager takes a checkpoint of every device's state.
 * nmvirt_client_change_rollback_async() puts the profiles and the devices
 * back; nmvirt_client_change_commit_async() keeps the changes. Begin,
 * commit and rollback may come from different processes.
 *
 * With a @timeout_s, the transaction is rolled back when it is not
 * committed in time: a small process (`nmvirt-rollback-timer`) does it at
 * the deadline, and failing that the next nmvirt call; NetworkManager rolls
 * the device state back by itself a few seconds later in any case.
 *
 * Fails with %NMVIRT_ERROR_TRANSACTION when a transaction is open already
 * (one whose timeout has passed is rolled back first, and then begin goes
 * on), %NMVIRT_ERROR_DAEMON when NetworkManager is not running or refuses
 * the checkpoint.
 *
 * Since: 0.1
 */
void
nmvirt_client_change_begin_async(NmvirtClient *self, guint timeout_s, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
    NmvirtTransactionOp *op = NULL;

    g_return_if_fail(NMVIRT_IS_CLIENT(self));
    g_return_if_fail(cancellable == NULL || G_IS_CANCELLABLE(cancellable));

    op = g_new0(NmvirtTransactionOp, 1);
    op->kind = NMVIRT_TRANSACTION_OP_BEGIN;
    op->timeout_s = timeout_s;
    op->wait = TRUE;
    nmvirt_client_transaction_start(self, op, cancellable, callback, user_data,
                                    nmvirt_client_change_begin_async);
}

/**
 * nmvirt_client_change_begin_finish:
 * @self: a #NmvirtClient
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError, or %NULL
 *
 * Returns: %TRUE when the transaction is open; %FALSE with @error set
 *
 * Since: 0.1
 */
gboolean
nmvirt_client_change_begin_finish(NmvirtClient *self, GAsyncResult *result, GError **error)
{
    return nmvirt_client_transaction_finish(self, result, nmvirt_client_change_begin_async, error);
}

/**
 * nmvirt_client_change_commit_async:
 * @self: a #NmvirtClient
 * @cancellable: (nullable): a #GCancellable, or %NULL
 * @callback: (scope async): called when the transaction is closed
 * @user_data: (closure): data for @callback
 *
 * Closes the open transaction and keeps every change made since it began:
 * the journal and NetworkManager's checkpoint are dropped.
 *
 * Fails with %NMVIRT_ERROR_TRANSACTION when no transaction is open, or when
 * its timeout has passed (it is then rolled back, as it would have been).
 *
 * Since: 0.1
 */
void
nmvirt_client_change_commit_async(NmvirtClient *self, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
    NmvirtTransactionOp *op = NULL;

    g_return_if_fail(NMVIRT_IS_CLIENT(self));
    g_return_if_fail(cancellable == NULL || G_IS_CANCELLABLE(cancellable));

    op = g_new0(NmvirtTransactionOp, 1);
    op->kind = NMVIRT_TRANSACTION_OP_COMMIT;
    op->wait = TRUE;
    nmvirt_client_transaction_start(self, op, cancellable, callback, user_data,
                                    nmvirt_client_change_commit_async);
}

/**
 * nmvirt_client_change_commit_finish:
 * @self: a #NmvirtClient
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError, or %NULL
 *
 * Returns: %TRUE when the changes are kept; %FALSE with @error set
 *
 * Since: 0.1
 */
gboolean
nmvirt_client_change_commit_finish(NmvirtClient *self, GAsyncResult *result, GError **error)
{
    return nmvirt_client_transaction_finish(self, result, nmvirt_client_change_commit_async, error);
}

void
nmvirt_client_change_rollback_full_async(NmvirtClient *self, NmvirtClientTransactionFlags flags,
                                         GCancellable *cancellable, GAsyncReadyCallback callback,
                                         gpointer user_data)
{
    NmvirtTransactionOp *op = NULL;

    g_return_if_fail(NMVIRT_IS_CLIENT(self));
    g_return_if_fail(cancellable == NULL || G_IS_CANCELLABLE(cancellable));

    op = g_new0(NmvirtTransactionOp, 1);
    op->kind = NMVIRT_TRANSACTION_OP_ROLLBACK;
    op->flags = flags;
    op->wait = TRUE;
    /* a rollback half done is worse than a late one: not cancellable */
    nmvirt_client_transaction_start(self, op, NULL, callback, user_data,
                                    nmvirt_client_change_rollback_async);
}

gboolean
nmvirt_client_change_rollback_full_finish(NmvirtClient *self, GAsyncResult *result,
                                          gboolean *was_open, GError **error)
{
    NmvirtTransactionOp *op = NULL;

    g_return_val_if_fail(G_IS_TASK(result), FALSE);
    op = g_task_get_task_data(G_TASK(result));
    if (was_open != NULL)
        *was_open = !op->none_open;
    return nmvirt_client_change_rollback_finish(self, result, error);
}

/**
 * nmvirt_client_change_rollback_async:
 * @self: a #NmvirtClient
 * @cancellable: (nullable): a #GCancellable, or %NULL; a rollback is not
 *   interrupted once it runs
 * @callback: (scope async): called when the transaction is rolled back
 * @user_data: (closure): data for @callback
 *
 * Closes the open transaction and undoes every change made since it began:
 * each journaled profile that differs is put back as it was (same UUID,
 * settings, secrets and storage), deleted ones are added again, profiles
 * nmvirt created since are deleted (other tools' new profiles and
 * NetworkManager's generated ones stay); then NetworkManager rolls its
 * checkpoint back, which reactivates what was active at begin and
 * disconnects devices that were not. Devices that appeared since (a VM's
 * tap) are left as they are.
 *
 * When NetworkManager restarted since begin (or the machine rebooted), its
 * checkpoint is gone: the profiles are still restored, without blocking
 * autoconnect, and restored profiles that are active are activated again.
 *
 * Fails with %NMVIRT_ERROR_TRANSACTION when no transaction is open. When a
 * profile cannot be restored, the transaction stays open (a second
 * rollback goes on where this one stopped).
 *
 * Since: 0.1
 */
void
nmvirt_client_change_rollback_async(NmvirtClient *self, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
    nmvirt_client_change_rollback_full_async(self, NMVIRT_CLIENT_TRANSACTION_FLAGS_NONE,
                                             cancellable, callback, user_data);
}

/**
 * nmvirt_client_change_rollback_finish:
 * @self: a #NmvirtClient
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError, or %NULL
 *
 * Returns: %TRUE when the changes are undone; %FALSE with @error set
 *
 * Since: 0.1
 */
gboolean
nmvirt_client_change_rollback_finish(NmvirtClient *self, GAsyncResult *result, GError **error)
{
    return nmvirt_client_transaction_finish(self, result, nmvirt_client_change_rollback_async,
                                            error);
}

void
nmvirt_client_transaction_expire_async(NmvirtClient *self, const char *id, gboolean wait,
                                       GAsyncReadyCallback callback, gpointer user_data)
{
    NmvirtTransactionOp *op = NULL;
    g_autofree char *path = nmvirt_transaction_file_path();

    g_return_if_fail(NMVIRT_IS_CLIENT(self));

    op = g_new0(NmvirtTransactionOp, 1);
    op->kind = NMVIRT_TRANSACTION_OP_EXPIRE;
    op->expire_id = g_strdup(id);
    op->wait = wait;
    /* the usual case costs one stat(); NetworkManager not running or no
     * transaction: nothing to do now */
    if (!g_file_test(path, G_FILE_TEST_EXISTS) ||
        !nm_client_get_nm_running(nmvirt_client_get_nm_client(self))) {
        g_autoptr(GTask) task = g_task_new(self, NULL, callback, user_data);

        g_task_set_source_tag(task, nmvirt_client_transaction_expire_async);
        op->lock_fd = -1;
        g_task_set_task_data(task, op, (GDestroyNotify)nmvirt_client_transaction_op_free);
        g_task_return_boolean(task, TRUE);
        return;
    }
    nmvirt_client_transaction_start(self, op, NULL, callback, user_data,
                                    nmvirt_client_transaction_expire_async);
}

gboolean
nmvirt_client_transaction_expire_finish(NmvirtClient *self, GAsyncResult *result, GError **error)
{
    return nmvirt_client_transaction_finish(self, result, nmvirt_client_transaction_expire_async,
                                            error);
}
