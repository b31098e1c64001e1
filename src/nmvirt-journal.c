/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "nmvirt-error.h"
#include "nmvirt-journal.h"

typedef enum {
    NMVIRT_JOURNAL_CHANGE_NONE,
    NMVIRT_JOURNAL_CHANGE_UPDATED,
    NMVIRT_JOURNAL_CHANGE_DELETED,
    NMVIRT_JOURNAL_CHANGE_CREATED,
} NmvirtJournalChange;

typedef struct {
    char *uuid;
    char *id;
    NMRemoteConnection *profile; /* the object written to (kept alive for the restore) */
    GVariant *settings;          /* as before; NULL for a created profile */
    NmvirtJournalStorage storage;
    NmvirtJournalStorage written; /* where an update stored it */
    char *filename;
    NMSettingsConnectionFlags flags;
    NmvirtJournalChange change;
    guint sequence; /* order of the changes, from 1 */
} NmvirtJournalEntry;

struct _NmvirtJournal {
    GPtrArray *entries; /* (element-type NmvirtJournalEntry) in record order */
    guint n_changes;
    gboolean no_block_autoconnect;
};

static void
nmvirt_journal_entry_free(NmvirtJournalEntry *entry)
{
    g_free(entry->uuid);
    g_free(entry->id);
    g_clear_object(&entry->profile);
    g_clear_pointer(&entry->settings, g_variant_unref);
    g_free(entry->filename);
    g_free(entry);
}

NmvirtJournal *
nmvirt_journal_new(void)
{
    NmvirtJournal *journal = g_new0(NmvirtJournal, 1);

    journal->entries = g_ptr_array_new_with_free_func((GDestroyNotify)nmvirt_journal_entry_free);
    return journal;
}

void
nmvirt_journal_free(NmvirtJournal *journal)
{
    if (journal == NULL)
        return;
    g_ptr_array_unref(journal->entries);
    g_free(journal);
}

NmvirtJournalStorage
nmvirt_journal_storage_of(NMRemoteConnection *profile)
{
    if (nm_remote_connection_get_unsaved(profile) ||
        (nm_remote_connection_get_flags(profile) & NM_SETTINGS_CONNECTION_FLAG_UNSAVED) != 0)
        return NMVIRT_JOURNAL_STORAGE_MEMORY;
    return NMVIRT_JOURNAL_STORAGE_DISK;
}

static NmvirtJournalEntry *
nmvirt_journal_find(NmvirtJournal *journal, const char *uuid)
{
    for (guint i = 0; i < journal->entries->len; i++) {
        NmvirtJournalEntry *entry = g_ptr_array_index(journal->entries, i);

        if (g_strcmp0(entry->uuid, uuid) == 0)
            return entry;
    }
    return NULL;
}

void
nmvirt_journal_record(NmvirtJournal *journal, NMRemoteConnection *profile)
{
    NMConnection *connection = NM_CONNECTION(profile);
    NmvirtJournalEntry *entry = NULL;

    g_return_if_fail(journal != NULL);
    g_return_if_fail(NM_IS_REMOTE_CONNECTION(profile));

    if (nmvirt_journal_find(journal, nm_connection_get_uuid(connection)) != NULL)
        return;
    entry = g_new0(NmvirtJournalEntry, 1);
    entry->uuid = g_strdup(nm_connection_get_uuid(connection));
    entry->id = g_strdup(nm_connection_get_id(connection));
    entry->profile = g_object_ref(profile);
    entry->settings =
        g_variant_ref_sink(nm_connection_to_dbus(connection, NM_CONNECTION_SERIALIZE_ALL));
    entry->storage = nmvirt_journal_storage_of(profile);
    entry->filename = g_strdup(nm_remote_connection_get_filename(profile));
    entry->flags = nm_remote_connection_get_flags(profile);
    g_debug("journal: recorded %s '%s' (%s, %s)", entry->uuid, entry->id,
            entry->storage == NMVIRT_JOURNAL_STORAGE_DISK ? "disk" : "memory",
            entry->filename != NULL ? entry->filename : "no file");
    g_ptr_array_add(journal->entries, entry);
}

static NmvirtJournalEntry *
nmvirt_journal_mark(NmvirtJournal *journal, const char *uuid, NmvirtJournalChange change)
{
    NmvirtJournalEntry *entry = NULL;

    g_return_val_if_fail(journal != NULL, NULL);
    entry = nmvirt_journal_find(journal, uuid);
    g_return_val_if_fail(entry != NULL && entry->settings != NULL, NULL);
    /* An update after a delete cannot happen; the first change that needs
     * the most work to undo wins. */
    if (entry->change != NMVIRT_JOURNAL_CHANGE_DELETED)
        entry->change = change;
    if (entry->sequence == 0)
        entry->sequence = ++journal->n_changes;
    return entry;
}

gboolean
nmvirt_journal_mark_updated(NmvirtJournal *journal, const char *uuid, NmvirtJournalStorage written)
{
    NmvirtJournalEntry *entry = nmvirt_journal_mark(journal, uuid, NMVIRT_JOURNAL_CHANGE_UPDATED);

    if (entry == NULL)
        return FALSE;
    entry->written = written;
    return TRUE;
}

gboolean
nmvirt_journal_mark_deleted(NmvirtJournal *journal, const char *uuid)
{
    return nmvirt_journal_mark(journal, uuid, NMVIRT_JOURNAL_CHANGE_DELETED) != NULL;
}

void
nmvirt_journal_add_created(NmvirtJournal *journal, NMRemoteConnection *profile)
{
    NmvirtJournalEntry *entry = NULL;

    g_return_if_fail(journal != NULL);
    g_return_if_fail(NM_IS_REMOTE_CONNECTION(profile));

    entry = g_new0(NmvirtJournalEntry, 1);
    entry->uuid = g_strdup(nm_connection_get_uuid(NM_CONNECTION(profile)));
    entry->id = g_strdup(nm_connection_get_id(NM_CONNECTION(profile)));
    entry->profile = g_object_ref(profile);
    entry->change = NMVIRT_JOURNAL_CHANGE_CREATED;
    entry->sequence = ++journal->n_changes;
    g_debug("journal: created %s '%s'", entry->uuid, entry->id);
    g_ptr_array_add(journal->entries, entry);
}

void
nmvirt_journal_add_saved(NmvirtJournal *journal, const char *uuid, const char *id,
                         GVariant *settings, NmvirtJournalStorage storage,
                         NMRemoteConnection *current)
{
    NmvirtJournalEntry *entry = NULL;

    g_return_if_fail(journal != NULL);
    g_return_if_fail(uuid != NULL);
    g_return_if_fail(settings != NULL);
    g_return_if_fail(current == NULL || NM_IS_REMOTE_CONNECTION(current));
    g_return_if_fail(nmvirt_journal_find(journal, uuid) == NULL);

    entry = g_new0(NmvirtJournalEntry, 1);
    entry->uuid = g_strdup(uuid);
    entry->id = g_strdup(id);
    entry->settings = g_variant_ref_sink(settings);
    entry->storage = storage;
    if (current != NULL) {
        entry->profile = g_object_ref(current);
        entry->written = nmvirt_journal_storage_of(current);
        entry->filename = g_strdup(nm_remote_connection_get_filename(current));
        entry->flags = nm_remote_connection_get_flags(current);
        entry->change = NMVIRT_JOURNAL_CHANGE_UPDATED;
    } else {
        entry->change = NMVIRT_JOURNAL_CHANGE_DELETED;
    }
    entry->sequence = ++journal->n_changes;
    g_debug("journal: saved %s '%s' (%s), %s now", entry->uuid, entry->id,
            storage == NMVIRT_JOURNAL_STORAGE_DISK ? "disk" : "memory",
            current != NULL ? "changed" : "gone");
    g_ptr_array_add(journal->entries, entry);
}

void
nmvirt_journal_set_block_autoconnect(NmvirtJournal *journal, gboolean block)
{
    g_return_if_fail(journal != NULL);
    journal->no_block_autoconnect = !block;
}

guint
nmvirt_journal_get_n_changes(NmvirtJournal *journal)
{
    g_return_val_if_fail(journal != NULL, 0);
    return journal->n_changes;
}

GVariant *
nmvirt_journal_get_settings(NmvirtJournal *journal, const char *uuid)
{
    NmvirtJournalEntry *entry = NULL;

    g_return_val_if_fail(journal != NULL, NULL);
    entry = nmvirt_journal_find(journal, uuid);
    return entry != NULL ? entry->settings : NULL;
}

/* Restore ---------------------------------------------------------------- */

typedef struct {
    guint pending;
    GError *error; /* the first failure */
} NmvirtJournalRestoreData;

static void
nmvirt_journal_restore_data_free(NmvirtJournalRestoreData *data)
{
    g_clear_error(&data->error);
    g_free(data);
}

/* What a restore step reports: the profile, and the failure in our domain
 * (a D-Bus failure, NetworkManager gone say, is a daemon error). */
static void
nmvirt_journal_restore_step_done(GTask *task, const char *uuid, GError *step_error)
{
    NmvirtJournalRestoreData *data = g_task_get_task_data(task);

    if (step_error != NULL && data->error == NULL) {
        if (step_error->domain == G_DBUS_ERROR || step_error->domain == G_IO_ERROR) {
            step_error->domain = NMVIRT_ERROR;
            step_error->code = NMVIRT_ERROR_DAEMON;
        }
        nmvirt_error_convert(&step_error);
        g_prefix_error(&step_error, _("profile %s: "), uuid);
        data->error = g_steal_pointer(&step_error);
    }
    g_clear_error(&step_error);
    if (--data->pending > 0)
        return;
    if (data->error != NULL)
        g_task_return_error(task, g_steal_pointer(&data->error));
    else
        g_task_return_boolean(task, TRUE);
}

static void
nmvirt_journal_restore_update_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    NMRemoteConnection *profile = NM_REMOTE_CONNECTION(source);
    GError *error = NULL;
    g_autoptr(GVariant) out = nm_remote_connection_update2_finish(profile, result, &error);

    nmvirt_journal_restore_step_done(task, nm_connection_get_uuid(NM_CONNECTION(profile)), error);
}

static void
nmvirt_journal_restore_delete_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    NMRemoteConnection *profile = NM_REMOTE_CONNECTION(source);
    GError *error = NULL;

    nm_remote_connection_delete_finish(profile, result, &error);
    nmvirt_journal_restore_step_done(task, nm_connection_get_uuid(NM_CONNECTION(profile)), error);
}

typedef struct {
    GTask *task;
    char *uuid;
} NmvirtJournalAddData;

static void
nmvirt_journal_restore_add_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    NmvirtJournalAddData *add = user_data;
    g_autoptr(GTask) task = add->task;
    g_autofree char *uuid = add->uuid;
    GError *error = NULL;
    g_autoptr(NMRemoteConnection) profile =
        nm_client_add_connection2_finish(NM_CLIENT(source), result, NULL, &error);

    g_free(add);
    nmvirt_journal_restore_step_done(task, uuid, error);
}

static int
nmvirt_journal_compare_newest_first(gconstpointer a, gconstpointer b)
{
    const NmvirtJournalEntry *entry_a = *(NmvirtJournalEntry *const *)a;
    const NmvirtJournalEntry *entry_b = *(NmvirtJournalEntry *const *)b;

    return (entry_b->sequence > entry_a->sequence) - (entry_b->sequence < entry_a->sequence);
}

static void
nmvirt_journal_restore_entry(NmvirtJournal *journal, NmvirtJournalEntry *entry, NMClient *client,
                             GTask *task)
{
    NmvirtJournalRestoreData *data = g_task_get_task_data(task);
    gboolean disk = entry->storage == NMVIRT_JOURNAL_STORAGE_DISK;
    gboolean block = !journal->no_block_autoconnect;

    data->pending++;
    switch (entry->change) {
    case NMVIRT_JOURNAL_CHANGE_CREATED:
        g_debug("journal: deleting created %s", entry->uuid);
        nm_remote_connection_delete_async(entry->profile, NULL, nmvirt_journal_restore_delete_cb,
                                          g_object_ref(task));
        break;
    case NMVIRT_JOURNAL_CHANGE_UPDATED: {
        NMSettingsUpdate2Flags flags = NM_SETTINGS_UPDATE2_FLAG_NO_REAPPLY;

        if (block)
            flags |= NM_SETTINGS_UPDATE2_FLAG_BLOCK_AUTOCONNECT;
        if (disk)
            flags |= NM_SETTINGS_UPDATE2_FLAG_TO_DISK;
        else if (entry->written == NMVIRT_JOURNAL_STORAGE_DISK)
            /* it lived in /run (only, as far as anyone can tell now: a file
             * in /etc it shadowed was overwritten by the write); the file
             * the write made in /etc goes */
            flags |= NM_SETTINGS_UPDATE2_FLAG_IN_MEMORY_ONLY;
        else
            flags |= NM_SETTINGS_UPDATE2_FLAG_IN_MEMORY;

        g_debug("journal: restoring %s", entry->uuid);
        nm_remote_connection_update2(entry->profile, entry->settings, flags, NULL, NULL,
                                     nmvirt_journal_restore_update_cb, g_object_ref(task));
        break;
    }
    case NMVIRT_JOURNAL_CHANGE_DELETED: {
        NMSettingsAddConnection2Flags flags =
            (disk ? NM_SETTINGS_ADD_CONNECTION2_FLAG_TO_DISK
                  : NM_SETTINGS_ADD_CONNECTION2_FLAG_IN_MEMORY) |
            (block ? NM_SETTINGS_ADD_CONNECTION2_FLAG_BLOCK_AUTOCONNECT : 0);
        NmvirtJournalAddData *add = g_new0(NmvirtJournalAddData, 1);

        add->task = g_object_ref(task);
        add->uuid = g_strdup(entry->uuid);
        g_debug("journal: adding deleted %s again", entry->uuid);
        nm_client_add_connection2(client, entry->settings, flags, NULL, TRUE, NULL,
                                  nmvirt_journal_restore_add_cb, add);
        break;
    }
    case NMVIRT_JOURNAL_CHANGE_NONE:
        data->pending--;
        break;
    }
}

void
nmvirt_journal_restore_async(NmvirtJournal *journal, NMClient *client, GAsyncReadyCallback callback,
                             gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    g_autoptr(GPtrArray) entries = NULL;
    NmvirtJournalRestoreData *data = g_new0(NmvirtJournalRestoreData, 1);

    g_return_if_fail(journal != NULL);
    g_return_if_fail(NM_IS_CLIENT(client));

    task = g_task_new(NULL, NULL, callback, user_data);
    g_task_set_source_tag(task, nmvirt_journal_restore_async);
    g_task_set_task_data(task, data, (GDestroyNotify)nmvirt_journal_restore_data_free);

    /* the copy would free the entries: it keeps the free function */
    entries = g_ptr_array_copy(journal->entries, NULL, NULL);
    g_ptr_array_set_free_func(entries, NULL);
    g_ptr_array_sort(entries, nmvirt_journal_compare_newest_first);
    /* one extra count so that no callback completes the task while the
     * requests are still going out */
    data->pending = 1;
    for (guint i = 0; i < entries->len; i++)
        nmvirt_journal_restore_entry(journal, g_ptr_array_index(entries, i), client, task);
    nmvirt_journal_restore_step_done(task, NULL, NULL);
}

gboolean
nmvirt_journal_restore_finish(GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, NULL), FALSE);
    g_return_val_if_fail(g_task_get_source_tag(G_TASK(result)) == nmvirt_journal_restore_async,
                         FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}
