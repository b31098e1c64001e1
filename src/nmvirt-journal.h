/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A journal of profiles about to change: enough to put NetworkManager back
 * exactly as it was (settings, storage in /etc or /run, flags), and to
 * delete the profiles a failed operation created.
 *
 * Use: record every profile an operation will update or delete before the
 * first write (nmvirt_journal_record()); as each write succeeds, say so
 * (nmvirt_journal_mark_updated(), _mark_deleted(), _add_created()); on a
 * failure, nmvirt_journal_restore_async() undoes exactly the writes that
 * happened, newest first. The journal lives in memory.
 *
 * Secrets are not recorded (libnm's profiles do not carry them): an update
 * restored without secrets keeps the secrets NetworkManager has, but a
 * deleted profile that is re-added loses its system-owned secrets.
 */
#pragma once

#include <NetworkManager.h>

G_BEGIN_DECLS

typedef struct _NmvirtJournal NmvirtJournal;

/* Where a profile is stored: /etc (persistent) or /run (in memory: flag
 * NM_SETTINGS_CONNECTION_FLAG_UNSAVED). */
typedef enum {
    NMVIRT_JOURNAL_STORAGE_DISK,
    NMVIRT_JOURNAL_STORAGE_MEMORY,
} NmvirtJournalStorage;

NmvirtJournal *nmvirt_journal_new(void);
void nmvirt_journal_free(NmvirtJournal *journal);

/* The storage @profile has now. */
NmvirtJournalStorage nmvirt_journal_storage_of(NMRemoteConnection *profile);

/* Records @profile as it is now (UUID, every setting as a GVariant,
 * storage, file name, flags), before it is updated or deleted. A profile
 * recorded before keeps its first record. */
void nmvirt_journal_record(NmvirtJournal *journal, NMRemoteConnection *profile);

/* The recorded profile @uuid has been updated, and stored in @written, /
 * deleted (NetworkManager said so). Returns FALSE when @uuid was not
 * recorded (a bug). */
gboolean nmvirt_journal_mark_updated(NmvirtJournal *journal, const char *uuid,
                                     NmvirtJournalStorage written);
gboolean nmvirt_journal_mark_deleted(NmvirtJournal *journal, const char *uuid);

/* @profile was created by the operation. */
void nmvirt_journal_add_created(NmvirtJournal *journal, NMRemoteConnection *profile);

/* A profile saved earlier, maybe by another process (a transaction's
 * journal on disk): @settings as they were in @storage. @current is the
 * profile with that UUID now, or NULL when it is gone: the entry counts as
 * updated (restored in place, from the storage @current has now) or as
 * deleted (added again). */
void nmvirt_journal_add_saved(NmvirtJournal *journal, const char *uuid, const char *id,
                              GVariant *settings, NmvirtJournalStorage storage,
                              NMRemoteConnection *current);

/* Whether restored profiles get BLOCK_AUTOCONNECT (the default: a restore
 * never changes runtime state). Without it NetworkManager may activate a
 * restored profile as it would after a restart. */
void nmvirt_journal_set_block_autoconnect(NmvirtJournal *journal, gboolean block);

/* How many writes happened (marked or created). */
guint nmvirt_journal_get_n_changes(NmvirtJournal *journal);

/* Recorded settings of @uuid (transfer none), or NULL. */
GVariant *nmvirt_journal_get_settings(NmvirtJournal *journal, const char *uuid);

/* Undoes every change marked in @journal, newest first: created profiles
 * are deleted, updated ones get their recorded settings back with their
 * recorded storage, deleted ones are added again (with their UUID). A
 * profile that lived in /run and was written to /etc goes back to /run
 * only (IN_MEMORY_ONLY: the file in /etc goes); one that stayed in /run is
 * updated there (IN_MEMORY: a file in /etc it shadows stays). All
 * requests go out at once on @client's D-Bus connection; the callback runs
 * when every one has been answered. Runtime state is not touched
 * (BLOCK_AUTOCONNECT unless switched off, NO_REAPPLY). Not cancellable: a restore half done is
 * worse than a late one. @journal must stay alive until the callback. */
void nmvirt_journal_restore_async(NmvirtJournal *journal, NMClient *client,
                                  GAsyncReadyCallback callback, gpointer user_data);
/* FALSE with the first failure (naming the profile) when some profile could
 * not be restored; the others were. */
gboolean nmvirt_journal_restore_finish(GAsyncResult *result, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(NmvirtJournal, nmvirt_journal_free)

G_END_DECLS
