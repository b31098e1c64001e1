/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Begin (see nmvirt-client-transaction.c): every profile with the secrets
 * NetworkManager hands out, and the active ones, into the journal; then
 * NetworkManager's checkpoint of every device; then, with a timeout, the
 * timer process.
 */
#include "config.h"

#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "nmvirt-client-transaction-private.h"
#include "nmvirt-error.h"

/* NetworkManager's own rollback of device state comes this much after the
 * deadline, when nothing of nmvirt has rolled back by then. */
#define NMVIRT_TRANSACTION_CHECKPOINT_GRACE_S 10
/* The timer program; $NMVIRT_ROLLBACK_TIMER overrides (tests run it from
 * the build tree). */
#define NMVIRT_TRANSACTION_TIMER_ENV "NMVIRT_ROLLBACK_TIMER"

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
    /* no reaping: GLib then forks twice, so the timer is nobody's zombie;
     * none of our descriptors: whoever reads our output until its end
     * ($(nmvirt begin --timeout 30)) must not wait for the timer too (it
     * logs to the systemd journal) */
    if (!g_spawn_async(NULL, argv, NULL,
                       G_SPAWN_STDIN_FROM_DEV_NULL | G_SPAWN_STDOUT_TO_DEV_NULL |
                           G_SPAWN_STDERR_TO_DEV_NULL,
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

    for (guint i = 0; i < profiles->len; i++) {
        NMRemoteConnection *profile = g_ptr_array_index(profiles, i);
        const char *uuid = nm_connection_get_uuid(NM_CONNECTION(profile));
        NMActiveConnection *active = nmvirt_client_transaction_find_active(op->nm, uuid);
        const GPtrArray *devices = active != NULL ? nm_active_connection_get_devices(active) : NULL;

        if (active != NULL)
            nmvirt_transaction_record_add_active(
                record, uuid,
                devices != NULL && devices->len > 0
                    ? nm_device_get_iface(g_ptr_array_index(devices, 0))
                    : NULL);
    }

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

void
nmvirt_client_transaction_begin(GTask *task)
{
    GError *error = NULL;

    if (g_cancellable_set_error_if_cancelled(g_task_get_cancellable(task), &error)) {
        nmvirt_client_transaction_return(task, error);
        return;
    }
    nmvirt_client_write_catch_up(task, nmvirt_client_transaction_begin_collect);
}
