/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The on-disk side of a transaction (nmvirt-client-transaction.c): the
 * state directory, its lock, and the journal file that says a transaction
 * is open and holds every profile as it was at begin.
 *
 * The directory is NMVIRT_STATEDIR (meson option 'statedir', by default
 * /var/lib/nmvirt), or $NMVIRT_STATE_DIR when set (tests). It is made with
 * mode 0700; the journal is written atomically (a new file renamed over
 * the old) with mode 0600, since profiles hold secrets. Nothing but this
 * file knows the format: one GVariant in its serialized form, type
 * NMVIRT_TRANSACTION_FILE_TYPE, first field the format version.
 */
#pragma once

#include <NetworkManager.h>

#include "nmvirt-journal.h"

G_BEGIN_DECLS

/* One profile as it was at begin. */
typedef struct {
    char *uuid;
    char *id;
    GVariant *settings; /* a{sa{sv}}, with the secrets NetworkManager handed out */
    NmvirtJournalStorage storage;
    char *filename; /* where it was stored, for messages; may be "" */
    guint32 flags;  /* NMSettingsConnectionFlags */
} NmvirtTransactionProfile;

/* An open transaction. */
typedef struct {
    char *id;         /* random UUID */
    char *boot_id;    /* the kernel's boot id at begin */
    char *nm_owner;   /* NetworkManager's unique D-Bus name at begin */
    char *checkpoint; /* D-Bus path of the checkpoint, or NULL */
    gint64 created_us;
    gint64 deadline_us; /* wall clock; 0: no timeout */
    guint32 timeout_s;
    guint32 pid;         /* of the process that began it */
    GPtrArray *profiles; /* (element-type NmvirtTransactionProfile) */
} NmvirtTransactionRecord;

NmvirtTransactionProfile *nmvirt_transaction_profile_new(NMRemoteConnection *profile,
                                                         GVariant *settings);
void nmvirt_transaction_profile_free(NmvirtTransactionProfile *profile);

NmvirtTransactionRecord *nmvirt_transaction_record_new(void);
void nmvirt_transaction_record_free(NmvirtTransactionRecord *record);

/* The state directory. (transfer full) */
char *nmvirt_transaction_file_dir(void);
/* The journal's path. (transfer full) */
char *nmvirt_transaction_file_path(void);

/* Takes the lock of the state directory (made when missing) without
 * waiting: the file descriptor that holds it (close it to release), or -1:
 * with @error set on failure, or without when somebody else holds it. */
int nmvirt_transaction_file_lock(GError **error);

/* The open transaction: NULL without @error when none is open, NULL with
 * @error when the journal cannot be read. */
NmvirtTransactionRecord *nmvirt_transaction_file_load(GError **error);
/* Writes @record atomically (mode 0600, directory 0700). */
gboolean nmvirt_transaction_file_save(NmvirtTransactionRecord *record, GError **error);
/* Removes the journal (none is no error). */
gboolean nmvirt_transaction_file_remove(GError **error);

/* The kernel's boot id, or "" when it cannot be read. (transfer full) */
char *nmvirt_transaction_file_boot_id(void);

/* Whether @record's timeout has passed. */
gboolean nmvirt_transaction_record_expired(NmvirtTransactionRecord *record);

/* When @record began, as local time for messages. (transfer full) */
char *nmvirt_transaction_record_format_created(NmvirtTransactionRecord *record);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(NmvirtTransactionRecord, nmvirt_transaction_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NmvirtTransactionProfile, nmvirt_transaction_profile_free)

G_END_DECLS
