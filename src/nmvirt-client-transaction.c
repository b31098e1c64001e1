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

#include "nmvirt-client-private.h"
#include "nmvirt-error.h"
#include "nmvirt-journal.h"
#include "nmvirt-map-private.h"
#include "nmvirt-transaction-file.h"

/* How long a call waits for the lock another nmvirt process holds. */
#define NMVIRT_TRANSACTION_LOCK_WAIT_MS  30000
#define NMVIRT_TRANSACTION_LOCK_RETRY_MS 50
/* NetworkManager's own rollback of device state comes this much after the
 * deadline, when nothing of nmvirt has rolled back by then. */
#define NMVIRT_TRANSACTION_CHECKPOINT_GRACE_S 10
/* The timer program; $NMVIRT_ROLLBACK_TIMER overrides (tests run it from
 * the build tree). */
#define NMVIRT_TRANSACTION_TIMER_ENV "NMVIRT_ROLLBACK_TIMER"

typedef enum {
    NMVIRT_TRANSACTION_OP_BEGIN,
    NMVIRT_TRANSACTION_OP_COMMIT,
    NMVIRT_TRANSACTION_OP_ROLLBACK,
    NMVIRT_TRANSACTION_OP_EXPIRE,
} NmvirtTransactionOpKind;

typedef struct {
    NmvirtTransactionOpKind kind;
    guint timeout_s;                    /* begin */
    NmvirtClientTransactionFlags flags; /* rollback */
    char *expire_id;                    /* expire: only this transaction */
    gboolean wait;                      /* wait for the lock (else a busy lock: nothing to do) */
    NMClient *nm;
    int lock_fd;
    gint64 lock_deadline_us;
    GSource *retry;
    NmvirtTransactionRecord *record; /* the open one, or the new one of begin */
    NmvirtJournal *journal;          /* rollback: the restore */
    GPtrArray *reactivate;           /* stale rollback: (element-type NMRemoteConnection) */
    void (*after_rollback)(GTask *task);
    gboolean none_open;    /* rollback IF_OPEN: there was nothing to roll back */
    char *expired_created; /* an expired transaction was rolled back: when it began */
    guint expired_timeout_s;
    guint pending;
    GError *error;
} NmvirtTransactionOp;

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
    g_clear_pointer(&op->reactivate, g_ptr_array_unref);
    g_free(op->expired_created);
    g_clear_error(&op->error);
    g_free(op);
}

static void
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
static GError *
nmvirt_client_transaction_convert(GError *error)
{
    if (error->domain == G_DBUS_ERROR || error->domain == G_IO_ERROR) {
        error->domain = NMVIRT_ERROR;
        error->code = NMVIRT_ERROR_DAEMON;
    }
    nmvirt_error_convert(&error);
    return error;
}

/* Whether the checkpoint of @record still lives: NetworkManager is the
 * same process (its unique D-Bus name) and lists it. */
static gboolean
nmvirt_client_transaction_checkpoint_alive(NMClient *nm, NmvirtTransactionRecord *record)
{
    const GPtrArray *checkpoints = NULL;

    if (record->checkpoint == NULL ||
        g_strcmp0(record->nm_owner, nm_client_get_dbus_name_owner(nm)) != 0)
        return FALSE;
    checkpoints = nm_client_get_checkpoints(nm);
    for (guint i = 0; checkpoints != NULL && i < checkpoints->len; i++) {
        NMObject *checkpoint = g_ptr_array_index(checkpoints, i);

        if (g_strcmp0(nm_object_get_path(checkpoint), record->checkpoint) == 0)
            return TRUE;
    }
    return FALSE;
}

/* NetworkManager restarted (or the machine rebooted) since begin. */
static gboolean
nmvirt_client_transaction_stale(NMClient *nm, NmvirtTransactionRecord *record)
{
    return g_strcmp0(record->nm_owner, nm_client_get_dbus_name_owner(nm)) != 0;
}

/* Rollback ---------------------------------------------------------------- */

static gboolean
nmvirt_client_transaction_is_nmvirt(NMConnection *profile)
{
    NMSettingUser *s_user =
        NM_SETTING_USER(nm_connection_get_setting(profile, NM_TYPE_SETTING_USER));

    return s_user != NULL && nm_setting_user_get_data(s_user, NMVIRT_MAP_USER_INTERFACE) != NULL;
}

/* Whether @current is @saved: the same settings (the timestamp and secrets
 * aside: the cache has no secrets) in the same storage. */
static gboolean
nmvirt_client_transaction_unchanged(NmvirtTransactionProfile *saved, NMRemoteConnection *current)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NMConnection) before = nm_simple_connection_new_from_dbus(saved->settings, &error);

    if (before == NULL) {
        g_debug("transaction: saved %s does not parse (%s): restoring it", saved->uuid,
                error->message);
        return FALSE;
    }
    return saved->storage == nmvirt_journal_storage_of(current) &&
           nm_connection_compare(before, NM_CONNECTION(current),
                                 NM_SETTING_COMPARE_FLAG_IGNORE_SECRETS |
                                     NM_SETTING_COMPARE_FLAG_IGNORE_TIMESTAMP);
}

/* The changes a rollback undoes, as a journal: journaled profiles that
 * differ or are gone, and profiles nmvirt created since. */
static NmvirtJournal *
nmvirt_client_transaction_plan(NmvirtClient *self, NmvirtTransactionRecord *record,
                               gboolean other_boot, GPtrArray *reactivate)
{
    NMClient *nm = nmvirt_client_get_nm_client(self);
    g_autoptr(NmvirtJournal) journal = nmvirt_journal_new();
    g_autoptr(GHashTable) known = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GPtrArray) profiles = nmvirt_client_get_profiles(self);

    for (guint i = 0; i < record->profiles->len; i++) {
        NmvirtTransactionProfile *saved = g_ptr_array_index(record->profiles, i);
        NMRemoteConnection *current = NULL;

        /* after a reboot a profile of /run would be gone anyway */
        if (other_boot && saved->storage == NMVIRT_JOURNAL_STORAGE_MEMORY)
            continue;
        g_hash_table_add(known, saved->uuid);
        current = nm_client_get_connection_by_uuid(nm, saved->uuid);
        if (current != NULL && nmvirt_client_transaction_unchanged(saved, current))
            continue;
        nmvirt_journal_add_saved(journal, saved->uuid, saved->id, g_variant_ref(saved->settings),
                                 saved->storage, current);
        if (current != NULL && reactivate != NULL &&
            nmvirt_client_find_active(nm, saved->uuid) != NULL)
            g_ptr_array_add(reactivate, g_object_ref(current));
    }
    for (guint i = 0; i < profiles->len; i++) {
        NMRemoteConnection *profile = g_ptr_array_index(profiles, i);

        if (g_hash_table_contains(known, nm_connection_get_uuid(NM_CONNECTION(profile))) ||
            !nmvirt_client_transaction_is_nmvirt(NM_CONNECTION(profile)))
            continue;
        if (other_boot && nmvirt_journal_storage_of(profile) == NMVIRT_JOURNAL_STORAGE_MEMORY)
            continue;
        nmvirt_journal_add_created(journal, profile);
    }
    return g_steal_pointer(&journal);
}

static void
nmvirt_client_transaction_rollback_done(GTask *task)
{
    NmvirtTransactionOp *op = g_task_get_task_data(task);
    GError *error = NULL;

    if (!nmvirt_transaction_file_remove(&error)) {
        nmvirt_client_transaction_return(task, error);
        return;
    }
    g_debug("transaction %s: rolled back", op->record->id);
    g_clear_pointer(&op->record, nmvirt_transaction_record_free);
    op->after_rollback(task);
}

static void
nmvirt_client_transaction_reactivate_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    NmvirtTransactionOp *op = g_task_get_task_data(task);
    g_autoptr(GError) error = NULL;
    g_autoptr(NMActiveConnection) active =
        nm_client_activate_connection_finish(NM_CLIENT(source), result, &error);

    /* the profiles are back; a device that does not come up with them is
     * NetworkManager's to report, not a failed rollback */
    if (active == NULL)
        g_warning("transaction: reactivating a restored profile failed: %s", error->message);
    if (--op->pending == 0)
        nmvirt_client_transaction_rollback_done(task);
}

/* A controller's port is reactivated through its controller. */
static gboolean
nmvirt_client_transaction_controller_listed(GPtrArray *profiles, NMConnection *port)
{
    NMSettingConnection *s_con = nm_connection_get_setting_connection(port);
    const char *master = s_con != NULL ? nm_setting_connection_get_master(s_con) : NULL;

    if (master == NULL)
        return FALSE;
    for (guint i = 0; i < profiles->len; i++) {
        NMConnection *profile = g_ptr_array_index(profiles, i);

        if (g_strcmp0(nm_connection_get_uuid(profile), master) == 0 ||
            g_strcmp0(nm_connection_get_interface_name(profile), master) == 0)
            return TRUE;
    }
    return FALSE;
}

/* Stale journal: no checkpoint to roll back; the restored profiles that
 * are active with other settings are activated again. */
static void
nmvirt_client_transaction_reactivate(GTask *task)
{
    NmvirtTransactionOp *op = g_task_get_task_data(task);

    op->pending = 1;
    for (guint i = 0; i < op->reactivate->len; i++) {
        NMRemoteConnection *profile = g_ptr_array_index(op->reactivate, i);
        NMActiveConnection *active =
            nmvirt_client_find_active(op->nm, nm_connection_get_uuid(NM_CONNECTION(profile)));
        const GPtrArray *devices = active != NULL ? nm_active_connection_get_devices(active) : NULL;

        if (devices == NULL || devices->len == 0 ||
            nmvirt_client_transaction_controller_listed(op->reactivate, NM_CONNECTION(profile)))
            continue;
        g_debug("transaction: reactivating %s", nm_connection_get_uuid(NM_CONNECTION(profile)));
        op->pending++;
        nm_client_activate_connection_async(
            op->nm, NM_CONNECTION(profile), g_ptr_array_index(devices, 0), NULL, NULL,
            nmvirt_client_transaction_reactivate_cb, g_object_ref(task));
    }
    if (--op->pending == 0)
        nmvirt_client_transaction_rollback_done(task);
}

static void
nmvirt_client_transaction_checkpoint_rollback_cb(GObject *source, GAsyncResult *result,
                                                 gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    NmvirtTransactionOp *op = g_task_get_task_data(task);
    GError *error = NULL;
    g_autoptr(GHashTable) results =
        nm_client_checkpoint_rollback_finish(NM_CLIENT(source), result, &error);
    GHashTableIter iter;
    gpointer path = NULL;
    gpointer value = NULL;

    if (results == NULL) {
        /* the profiles are back; a retry does the device state */
        error = nmvirt_client_transaction_convert(error);
        g_prefix_error(&error,
                       _("the profiles are restored, but NetworkManager did not roll back the "
                         "device state of checkpoint %s (run the rollback again): "),
                       op->record->checkpoint);
        nmvirt_client_transaction_return(task, error);
        return;
    }
    g_hash_table_iter_init(&iter, results);
    while (g_hash_table_iter_next(&iter, &path, &value)) {
        NMRollbackResult outcome = GPOINTER_TO_UINT(value);

        /* a device gone since begin (a deleted software device, an
         * unplugged NIC) has no state to get back */
        if (outcome == NM_ROLLBACK_RESULT_OK || outcome == NM_ROLLBACK_RESULT_ERR_NO_DEVICE)
            g_debug("transaction: device %s: rollback result %u", (char *)path, outcome);
        else
            g_warning("transaction: NetworkManager could not roll back device %s (result %u)",
                      (char *)path, outcome);
    }
    nmvirt_client_transaction_rollback_done(task);
}

static void
nmvirt_client_transaction_rollback_devices(GTask *task)
{
    NmvirtTransactionOp *op = g_task_get_task_data(task);

    if (nmvirt_client_transaction_checkpoint_alive(op->nm, op->record)) {
        g_debug("transaction: rolling back checkpoint %s", op->record->checkpoint);
        nm_client_checkpoint_rollback(op->nm, op->record->checkpoint, NULL,
                                      nmvirt_client_transaction_checkpoint_rollback_cb,
                                      g_object_ref(task));
        return;
    }
    if (op->reactivate != NULL) {
        nmvirt_client_transaction_reactivate(task);
        return;
    }
    /* NetworkManager's own timeout rolled the devices back (and destroyed
     * the checkpoint), or there never was one */
    g_debug("transaction: checkpoint %s is gone",
            op->record->checkpoint != NULL ? op->record->checkpoint : "(none)");
    nmvirt_client_transaction_rollback_done(task);
}

static void
nmvirt_client_transaction_restore_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    GError *error = NULL;

    if (!nmvirt_journal_restore_finish(result, &error)) {
        /* the journal stays: the transaction is still open, and a second
         * rollback restores what this one could not */
        g_prefix_error(&error, _("rollback incomplete, the transaction stays open: "));
        nmvirt_client_transaction_return(task, error);
        return;
    }
    nmvirt_client_write_catch_up(task, nmvirt_client_transaction_rollback_devices);
}

static void
nmvirt_client_transaction_restore(GTask *task)
{
    NmvirtClient *self = g_task_get_source_object(task);
    NmvirtTransactionOp *op = g_task_get_task_data(task);
    g_autofree char *boot_id = nmvirt_transaction_file_boot_id();
    gboolean other_boot = *op->record->boot_id != '\0' && *boot_id != '\0' &&
                          g_strcmp0(op->record->boot_id, boot_id) != 0;
    gboolean stale = nmvirt_client_transaction_stale(op->nm, op->record);

    if (stale)
        op->reactivate = g_ptr_array_new_with_free_func(g_object_unref);
    op->journal = nmvirt_client_transaction_plan(self, op->record, other_boot, op->reactivate);
    g_debug("transaction %s: restoring %u profiles%s%s", op->record->id,
            nmvirt_journal_get_n_changes(op->journal), stale ? " (NetworkManager restarted)" : "",
            other_boot ? " (begun before the last boot)" : "");
    /* without a checkpoint, NetworkManager activates restored profiles as
     * after any restart */
    nmvirt_journal_set_block_autoconnect(op->journal, !stale);
    nmvirt_journal_restore_async(op->journal, op->nm, nmvirt_client_transaction_restore_cb,
                                 g_object_ref(task));
}

/* Rolls back op->record, then calls @next (the lock is held throughout). */
static void
nmvirt_client_transaction_rollback(GTask *task, void (*next)(GTask *task))
{
    NmvirtTransactionOp *op = g_task_get_task_data(task);

    op->after_rollback = next;
    nmvirt_client_write_catch_up(task, nmvirt_client_transaction_restore);
}

static void
nmvirt_client_transaction_return_ok(GTask *task)
{
    nmvirt_client_transaction_return(task, NULL);
}

/* Begin --------------------------------------------------------------------- */

static void
nmvirt_client_transaction_begin_undo(NmvirtTransactionOp *op)
{
    g_autoptr(GError) error = NULL;

    if (op->record->checkpoint != NULL)
        nm_client_checkpoint_destroy(op->nm, op->record->checkpoint, NULL, NULL, NULL);
    if (!nmvirt_transaction_file_remove(&error))
        g_warning("transaction: %s", error->message);
}

static void
nmvirt_client_transaction_timer_setup(gpointer user_data)
{
    /* its own session: a terminal's hangup or ^C does not reach it */
    setsid();
}

/* Starts nmvirt-rollback-timer for the new transaction. */
static gboolean
nmvirt_client_transaction_start_timer(NmvirtTransactionRecord *record, GError **error)
{
    const char *helper = g_getenv(NMVIRT_TRANSACTION_TIMER_ENV);
    g_autoptr(GError) local_error = NULL;
    GPid pid = 0;
    char *argv[] = { NULL, record->id, NULL };

    argv[0] = (char *)(helper != NULL && *helper != '\0' ? helper : NMVIRT_ROLLBACK_TIMER);
    /* no reaping: GLib then forks twice, so the timer is nobody's zombie */
    if (!g_spawn_async(NULL, argv, NULL, G_SPAWN_STDIN_FROM_DEV_NULL | G_SPAWN_STDOUT_TO_DEV_NULL,
                       nmvirt_client_transaction_timer_setup, NULL, &pid, &local_error)) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INTERNAL,
                    _("cannot start %1$s, which rolls back when the timeout passes: %2$s"), argv[0],
                    local_error->message);
        return FALSE;
    }
    g_debug("transaction %s: timer %s started (pid %d)", record->id, argv[0], (int)pid);
    g_spawn_close_pid(pid);
    return TRUE;
}

static void
nmvirt_client_transaction_checkpoint_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    NmvirtTransactionOp *op = g_task_get_task_data(task);
    GError *error = NULL;
    g_autoptr(NMCheckpoint) checkpoint =
        nm_client_checkpoint_create_finish(NM_CLIENT(source), result, &error);

    if (checkpoint == NULL) {
        error = nmvirt_client_transaction_convert(error);
        g_prefix_error(&error,
                       _("cannot begin a transaction: NetworkManager refused a checkpoint of the "
                         "devices: "));
        nmvirt_client_transaction_begin_undo(op);
        nmvirt_client_transaction_return(task, error);
        return;
    }
    op->record->checkpoint = g_strdup(nm_object_get_path(NM_OBJECT(checkpoint)));
    if (!nmvirt_transaction_file_save(op->record, &error) ||
        (op->timeout_s > 0 && !nmvirt_client_transaction_start_timer(op->record, &error))) {
        g_prefix_error(&error, _("cannot begin a transaction: "));
        nmvirt_client_transaction_begin_undo(op);
        nmvirt_client_transaction_return(task, error);
        return;
    }
    g_debug("transaction %s: begun, %u profiles, checkpoint %s", op->record->id,
            op->record->profiles->len, op->record->checkpoint);
    nmvirt_client_transaction_return(task, NULL);
}

/* Every profile and its secrets are in op->record: journal it, then take
 * the checkpoint (in this order: a checkpoint nobody knows of would block
 * the next one until NetworkManager restarts). */
static void
nmvirt_client_transaction_begin_write(GTask *task)
{
    NmvirtTransactionOp *op = g_task_get_task_data(task);
    GError *error = NULL;
    guint32 rollback_timeout = 0;

    if (!nmvirt_transaction_file_save(op->record, &error)) {
        g_prefix_error(&error, _("cannot begin a transaction: "));
        nmvirt_client_transaction_return(task, error);
        return;
    }
    if (op->timeout_s > 0)
        rollback_timeout = (guint32)MIN(
            (guint64)op->timeout_s + NMVIRT_TRANSACTION_CHECKPOINT_GRACE_S, G_MAXUINT32);
    /* every device; no DELETE_NEW_CONNECTIONS (profiles are ours to
     * restore, and other tools' new ones stay) and no
     * DISCONNECT_NEW_DEVICES (a VM's tap started meanwhile stays up) */
    nm_client_checkpoint_create(op->nm, NULL, rollback_timeout, NM_CHECKPOINT_CREATE_FLAG_NONE,
                                NULL, nmvirt_client_transaction_checkpoint_cb, g_object_ref(task));
}

typedef struct {
    GTask *task;
    NmvirtTransactionProfile *saved;
    char *setting;
} NmvirtTransactionSecrets;

/* Whether @setting has properties NetworkManager treats as secrets. */
static gboolean
nmvirt_client_transaction_has_secrets(NMSetting *setting)
{
    guint n_specs = 0;
    g_autofree GParamSpec **specs =
        g_object_class_list_properties(G_OBJECT_GET_CLASS(setting), &n_specs);

    for (guint i = 0; i < n_specs; i++) {
        if ((specs[i]->flags & NM_SETTING_PARAM_SECRET) != 0)
            return TRUE;
    }
    return FALSE;
}

static void
nmvirt_client_transaction_secrets_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    NmvirtTransactionSecrets *call = user_data;
    g_autoptr(GTask) task = call->task;
    NmvirtTransactionOp *op = g_task_get_task_data(task);
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) secrets =
        nm_remote_connection_get_secrets_finish(NM_REMOTE_CONNECTION(source), result, &error);

    if (secrets == NULL) {
        g_debug("transaction: no secrets of %s.%s: %s", call->saved->uuid, call->setting,
                error->message);
    } else {
        g_autoptr(NMConnection) copy =
            nm_simple_connection_new_from_dbus(call->saved->settings, NULL);

        if (copy != NULL && nm_connection_update_secrets(copy, call->setting, secrets, &error)) {
            g_variant_unref(call->saved->settings);
            call->saved->settings =
                g_variant_ref_sink(nm_connection_to_dbus(copy, NM_CONNECTION_SERIALIZE_ALL));
        } else if (error != NULL) {
            g_debug("transaction: secrets of %s.%s: %s", call->saved->uuid, call->setting,
                    error->message);
        }
    }
    g_free(call->setting);
    g_free(call);
    if (--op->pending == 0)
        nmvirt_client_transaction_begin_write(task);
}

/* The cache is up to date: every profile into the record, with the
 * secrets NetworkManager gives us. */
static void
nmvirt_client_transaction_begin_collect(GTask *task)
{
    NmvirtClient *self = g_task_get_source_object(task);
    NmvirtTransactionOp *op = g_task_get_task_data(task);
    g_autoptr(GPtrArray) profiles = nmvirt_client_get_profiles(self);
    NmvirtTransactionRecord *record = nmvirt_transaction_record_new();
    const char *owner = nm_client_get_dbus_name_owner(op->nm);

    record->id = g_uuid_string_random();
    record->boot_id = nmvirt_transaction_file_boot_id();
    record->nm_owner = g_strdup(owner != NULL ? owner : "");
    record->created_us = g_get_real_time();
    record->timeout_s = op->timeout_s;
    if (op->timeout_s > 0)
        record->deadline_us = record->created_us + (gint64)op->timeout_s * G_USEC_PER_SEC;
    record->pid = (guint32)getpid();
    op->record = record;

    op->pending = 1;
    for (guint i = 0; i < profiles->len; i++) {
        NMRemoteConnection *profile = g_ptr_array_index(profiles, i);
        NmvirtTransactionProfile *saved = nmvirt_transaction_profile_new(
            profile, nm_connection_to_dbus(NM_CONNECTION(profile), NM_CONNECTION_SERIALIZE_ALL));
        guint n_settings = 0;
        g_autofree NMSetting **settings =
            nm_connection_get_settings(NM_CONNECTION(profile), &n_settings);

        g_ptr_array_add(record->profiles, saved);
        for (guint j = 0; j < n_settings; j++) {
            NmvirtTransactionSecrets *call = NULL;

            if (!nmvirt_client_transaction_has_secrets(settings[j]))
                continue;
            call = g_new0(NmvirtTransactionSecrets, 1);
            call->task = g_object_ref(task);
            call->saved = saved;
            call->setting = g_strdup(nm_setting_get_name(settings[j]));
            op->pending++;
            nm_remote_connection_get_secrets_async(profile, call->setting, NULL,
                                                   nmvirt_client_transaction_secrets_cb, call);
        }
    }
    if (--op->pending == 0)
        nmvirt_client_transaction_begin_write(task);
}

static void
nmvirt_client_transaction_begin(GTask *task)
{
    GError *error = NULL;

    if (g_cancellable_set_error_if_cancelled(g_task_get_cancellable(task), &error)) {
        nmvirt_client_transaction_return(task, error);
        return;
    }
    nmvirt_client_write_catch_up(task, nmvirt_client_transaction_begin_collect);
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
    op->nm = g_object_ref(nmvirt_client_get_nm_client(self));
    g_task_set_task_data(task, op, (GDestroyNotify)nmvirt_client_transaction_op_free);
    if (!nmvirt_client_check_running(self, &error)) {
        nmvirt_client_transaction_return(task, error);
        return;
    }
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
