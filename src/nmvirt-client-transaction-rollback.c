/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Rollback (see nmvirt-client-transaction.c): every journaled profile that
 * differs is put back, deleted ones are added again, nmvirt's new ones are
 * deleted (nmvirt-journal.c does the writes); then NetworkManager's
 * checkpoint rolls the devices back, and what it could not bring back is
 * activated here.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "nmvirt-client-transaction-private.h"
#include "nmvirt-error.h"
#include "nmvirt-map-private.h"

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

static gboolean
nmvirt_client_transaction_is_nmvirt(NMConnection *profile)
{
    NMSettingUser *s_user =
        NM_SETTING_USER(nm_connection_get_setting(profile, NM_TYPE_SETTING_USER));

    return s_user != NULL && nm_setting_user_get_data(s_user, NMVIRT_MAP_USER_INTERFACE) != NULL;
}

/* Whether @current is @saved: the same settings (the timestamp aside) in
 * the same storage. The cache has no secrets to compare: a profile
 * journaled with secrets is always restored (a changed password too). */
static gboolean
nmvirt_client_transaction_unchanged(NmvirtTransactionProfile *saved, NMRemoteConnection *current)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NMConnection) before = nm_simple_connection_new_from_dbus(saved->settings, &error);
    g_autoptr(NMConnection) without_secrets = NULL;

    if (before == NULL) {
        g_debug("transaction: saved %s does not parse (%s): restoring it", saved->uuid,
                error->message);
        return FALSE;
    }
    without_secrets = nm_simple_connection_new_clone(before);
    nm_connection_clear_secrets(without_secrets);
    if (!nm_connection_compare(before, without_secrets, NM_SETTING_COMPARE_FLAG_EXACT))
        return FALSE;
    return saved->storage == nmvirt_journal_storage_of(current) &&
           nm_connection_compare(before, NM_CONNECTION(current),
                                 NM_SETTING_COMPARE_FLAG_IGNORE_SECRETS |
                                     NM_SETTING_COMPARE_FLAG_IGNORE_TIMESTAMP);
}

/* A profile that may need activating after the device rollback. */
typedef struct {
    NMRemoteConnection *profile;
    char *iface;   /* the device it was active on at begin (NULL: any) */
    char *ac_path; /* restored while active: its active connection then */
} NmvirtTransactionActivation;

static void
nmvirt_client_transaction_activation_free(NmvirtTransactionActivation *activation)
{
    g_clear_object(&activation->profile);
    g_free(activation->iface);
    g_free(activation->ac_path);
    g_free(activation);
}

static void
nmvirt_client_transaction_add_activation(GPtrArray *activations, NMRemoteConnection *profile,
                                         const char *iface, const char *ac_path)
{
    NmvirtTransactionActivation *activation = g_new0(NmvirtTransactionActivation, 1);

    activation->profile = g_object_ref(profile);
    activation->iface = g_strdup(iface != NULL && *iface != '\0' ? iface : NULL);
    activation->ac_path = g_strdup(ac_path);
    g_ptr_array_add(activations, activation);
}

/* The changes a rollback undoes, as a journal: journaled profiles that
 * differ or are gone, and profiles nmvirt created since. Profiles restored
 * while active go to op->activations with their active connection. */
static NmvirtJournal *
nmvirt_client_transaction_plan(NmvirtClient *self, NmvirtTransactionOp *op, gboolean other_boot)
{
    NMClient *nm = nmvirt_client_get_nm_client(self);
    g_autoptr(NmvirtJournal) journal = nmvirt_journal_new();
    g_autoptr(GHashTable) known = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GPtrArray) profiles = nmvirt_client_get_profiles(self);

    for (guint i = 0; i < op->record->profiles->len; i++) {
        NmvirtTransactionProfile *saved = g_ptr_array_index(op->record->profiles, i);
        NMRemoteConnection *current = NULL;
        NMActiveConnection *active = NULL;

        /* after a reboot a profile of /run would be gone anyway */
        if (other_boot && saved->storage == NMVIRT_JOURNAL_STORAGE_MEMORY)
            continue;
        g_hash_table_add(known, saved->uuid);
        current = nm_client_get_connection_by_uuid(nm, saved->uuid);
        if (current != NULL && nmvirt_client_transaction_unchanged(saved, current))
            continue;
        nmvirt_journal_add_saved(journal, saved->uuid, saved->id, g_variant_ref(saved->settings),
                                 saved->storage, current);
        active = current != NULL ? nmvirt_client_transaction_find_active(nm, saved->uuid) : NULL;
        if (active != NULL)
            nmvirt_client_transaction_add_activation(op->activations, current, NULL,
                                                     nm_object_get_path(NM_OBJECT(active)));
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
nmvirt_client_transaction_activate_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    NmvirtTransactionOp *op = g_task_get_task_data(task);
    g_autoptr(GError) error = NULL;
    g_autoptr(NMActiveConnection) active =
        nm_client_activate_connection_finish(NM_CLIENT(source), result, &error);

    /* the profiles are back; a device that does not come up with them is
     * NetworkManager's to report, not a failed rollback */
    if (active == NULL)
        g_warning("transaction: activating a restored profile failed: %s", error->message);
    if (--op->pending == 0)
        nmvirt_client_transaction_rollback_done(task);
}

/* Whether @port's controller is among @activations (it brings its ports). */
static gboolean
nmvirt_client_transaction_controller_listed(GPtrArray *activations, NMConnection *port)
{
    NMSettingConnection *s_con = nm_connection_get_setting_connection(port);
    const char *master = s_con != NULL ? nm_setting_connection_get_master(s_con) : NULL;

    for (guint i = 0; master != NULL && i < activations->len; i++) {
        NmvirtTransactionActivation *activation = g_ptr_array_index(activations, i);
        NMConnection *profile = NM_CONNECTION(activation->profile);

        if (g_strcmp0(nm_connection_get_uuid(profile), master) == 0 ||
            g_strcmp0(nm_connection_get_interface_name(profile), master) == 0)
            return TRUE;
    }
    return FALSE;
}

/* Which activations are still needed once the devices are rolled back:
 * a profile restored while active whose active connection is still the
 * one from before (its device runs the old settings: no checkpoint, or
 * NetworkManager left it), and, unless NetworkManager restarted, a profile
 * active at begin that is not active now (NetworkManager 1.42 does not
 * bring back a software device deleted meanwhile whose profile exists). */
static GPtrArray *
nmvirt_client_transaction_pending_activations(NmvirtTransactionOp *op, gboolean stale)
{
    GPtrArray *needed =
        g_ptr_array_new_with_free_func((GDestroyNotify)nmvirt_client_transaction_activation_free);

    for (guint i = 0; i < op->activations->len; i++) {
        NmvirtTransactionActivation *restored = g_ptr_array_index(op->activations, i);
        NMActiveConnection *active = nmvirt_client_transaction_find_active(
            op->nm, nm_connection_get_uuid(NM_CONNECTION(restored->profile)));

        if (active != NULL &&
            g_strcmp0(nm_object_get_path(NM_OBJECT(active)), restored->ac_path) == 0)
            nmvirt_client_transaction_add_activation(needed, restored->profile, NULL, NULL);
    }
    for (guint i = 0; !stale && i < op->record->active->len; i++) {
        NmvirtTransactionActive *was = g_ptr_array_index(op->record->active, i);
        NMRemoteConnection *profile = nm_client_get_connection_by_uuid(op->nm, was->uuid);

        if (profile != NULL && nmvirt_client_transaction_find_active(op->nm, was->uuid) == NULL)
            nmvirt_client_transaction_add_activation(needed, profile, was->iface, NULL);
    }
    return needed;
}

static void
nmvirt_client_transaction_activate_one(GTask *task, NmvirtTransactionActivation *activation)
{
    NmvirtTransactionOp *op = g_task_get_task_data(task);
    NMConnection *profile = NM_CONNECTION(activation->profile);
    NMActiveConnection *active =
        nmvirt_client_transaction_find_active(op->nm, nm_connection_get_uuid(profile));
    const GPtrArray *devices = active != NULL ? nm_active_connection_get_devices(active) : NULL;
    NMDevice *device = NULL;

    /* where it runs now, else where it ran at begin; a software device
     * that is gone is made by the activation */
    if (devices != NULL && devices->len > 0)
        device = g_ptr_array_index(devices, 0);
    else if (activation->iface != NULL)
        device = nm_client_get_device_by_iface(op->nm, activation->iface);
    if (device != NULL && !nm_device_is_real(device))
        device = NULL;
    g_debug("transaction: activating %s (%s)", nm_connection_get_uuid(profile),
            device != NULL ? nm_device_get_iface(device) : "no device yet");
    op->pending++;
    nm_client_activate_connection_async(op->nm, profile, device, NULL, NULL,
                                        nmvirt_client_transaction_activate_cb, g_object_ref(task));
}

/* The devices are rolled back as far as NetworkManager could: activate
 * what is still needed, controllers before ports, all requests in order
 * on one connection (NetworkManager then takes them in that order). */
static void
nmvirt_client_transaction_activate(GTask *task)
{
    NmvirtTransactionOp *op = g_task_get_task_data(task);
    g_autoptr(GPtrArray) needed = nmvirt_client_transaction_pending_activations(
        op, nmvirt_client_transaction_stale(op->nm, op->record));

    op->pending = 1;
    for (guint round = 0; round < 2; round++) {
        for (guint i = 0; i < needed->len; i++) {
            NmvirtTransactionActivation *activation = g_ptr_array_index(needed, i);
            NMSettingConnection *s_con =
                nm_connection_get_setting_connection(NM_CONNECTION(activation->profile));
            gboolean is_port = s_con != NULL && nm_setting_connection_get_master(s_con) != NULL;

            if (is_port != (round == 1) ||
                (is_port && nmvirt_client_transaction_controller_listed(
                                needed, NM_CONNECTION(activation->profile))))
                continue;
            nmvirt_client_transaction_activate_one(task, activation);
        }
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
    /* failures are taken care of by what follows (activations) */
    g_hash_table_iter_init(&iter, results);
    while (g_hash_table_iter_next(&iter, &path, &value))
        g_debug("transaction: device %s: rollback result %u", (char *)path,
                GPOINTER_TO_UINT(value));
    nmvirt_client_write_catch_up(task, nmvirt_client_transaction_activate);
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
    /* NetworkManager restarted, or its own timeout rolled the devices back
     * (and destroyed the checkpoint), or there never was one */
    g_debug("transaction: checkpoint %s is gone",
            op->record->checkpoint != NULL ? op->record->checkpoint : "(none)");
    nmvirt_client_transaction_activate(task);
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

    g_clear_pointer(&op->activations, g_ptr_array_unref);
    op->activations =
        g_ptr_array_new_with_free_func((GDestroyNotify)nmvirt_client_transaction_activation_free);
    g_clear_pointer(&op->journal, nmvirt_journal_free);
    op->journal = nmvirt_client_transaction_plan(self, op, other_boot);
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
void
nmvirt_client_transaction_rollback(GTask *task, void (*next)(GTask *task))
{
    NmvirtTransactionOp *op = g_task_get_task_data(task);

    op->after_rollback = next;
    nmvirt_client_write_catch_up(task, nmvirt_client_transaction_restore);
}
