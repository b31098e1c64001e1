/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Seams between the parts of the transactions: nmvirt-client-transaction.c
 * (the lock, the journal's state, commit, the API),
 * nmvirt-client-transaction-begin.c (begin: journal, checkpoint, timer),
 * nmvirt-client-transaction-rollback.c (rollback: profiles, devices).
 * Every operation is a GTask whose task data is an NmvirtTransactionOp.
 */
#pragma once

#include "nmvirt-client-private.h"
#include "nmvirt-journal.h"
#include "nmvirt-transaction-file.h"

G_BEGIN_DECLS

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
    GPtrArray *activations;          /* rollback: (element-type NmvirtTransactionActivation) */
    void (*after_rollback)(GTask *task);
    gboolean none_open;    /* rollback IF_OPEN: there was nothing to roll back */
    char *expired_created; /* an expired transaction was rolled back: when it began */
    guint expired_timeout_s;
    guint pending;
} NmvirtTransactionOp;

/* nmvirt-client-transaction.c */

/* Completes @task with @error (transfer full), or success when NULL;
 * releases the lock at once. */
void nmvirt_client_transaction_return(GTask *task, GError *error);
/* nmvirt_client_transaction_return(@task, NULL) */
void nmvirt_client_transaction_return_ok(GTask *task);
/* @error in our domain: D-Bus trouble is the daemon's. (transfer full) */
GError *nmvirt_client_transaction_convert(GError *error);
/* NetworkManager restarted (or the machine rebooted) since @record began. */
gboolean nmvirt_client_transaction_stale(NMClient *nm, NmvirtTransactionRecord *record);
/* The active connection of @uuid unless it is deactivating or gone. */
NMActiveConnection *nmvirt_client_transaction_find_active(NMClient *nm, const char *uuid);

/* nmvirt-client-transaction-begin.c: with the lock held and no
 * transaction open, opens one (op->timeout_s) and completes the task. */
void nmvirt_client_transaction_begin(GTask *task);

/* nmvirt-client-transaction-rollback.c: with the lock held, rolls
 * op->record back, removes the journal and calls @next; completes the task
 * with the error when something fails. */
void nmvirt_client_transaction_rollback(GTask *task, void (*next)(GTask *task));

G_END_DECLS
