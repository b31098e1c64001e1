/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * nmvirt-rollback-timer TRANSACTION-ID: started by a begin with a timeout
 * (nmvirt-client-transaction.c) in a session of its own, so that the
 * transaction is rolled back at its deadline even when the process that
 * began it is gone. It looks at the journal twice a second: when the
 * transaction is closed (commit, rollback) or another one is open, it
 * exits at once; at the deadline it rolls back, waiting up to a minute for
 * NetworkManager when it is not running just then. Messages go to the
 * systemd journal when there is one, else to stderr.
 */
#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "nmvirt-client-private.h"
#include "nmvirt-error.h"
#include "nmvirt-transaction-file.h"

#define NMVIRT_ROLLBACK_TIMER_POLL_MS       500
#define NMVIRT_ROLLBACK_TIMER_DAEMON_WAIT_S 60

static GLogWriterOutput
nmvirt_rollback_timer_log_writer(GLogLevelFlags level, const GLogField *fields, gsize n_fields,
                                 gpointer user_data)
{
    if (g_log_writer_default_would_drop(level, G_LOG_DOMAIN))
        return G_LOG_WRITER_HANDLED;
    if (g_log_writer_journald(level, fields, n_fields, user_data) == G_LOG_WRITER_HANDLED)
        return G_LOG_WRITER_HANDLED;
    return g_log_writer_standard_streams(level, fields, n_fields, user_data);
}

/* Whether transaction @id is still open; its deadline in *@deadline_us. */
static gboolean
nmvirt_rollback_timer_open(const char *id, gint64 *deadline_us)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NmvirtTransactionRecord) record = nmvirt_transaction_file_load(&error);

    if (error != NULL) {
        g_warning("%s", error->message);
        return FALSE;
    }
    if (record == NULL || g_strcmp0(record->id, id) != 0 || record->deadline_us == 0)
        return FALSE;
    *deadline_us = record->deadline_us;
    return TRUE;
}

int
main(int argc, char **argv)
{
    const char *id = NULL;
    gint64 deadline_us = 0;
    gint64 give_up_us = 0;

    setlocale(LC_ALL, "");
    bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);
    g_log_set_writer_func(nmvirt_rollback_timer_log_writer, NULL, NULL);
    if (argc != 2) {
        g_printerr("usage: nmvirt-rollback-timer TRANSACTION-ID\n");
        return 2;
    }
    id = argv[1];

    while (nmvirt_rollback_timer_open(id, &deadline_us)) {
        gint64 left_us = deadline_us - g_get_real_time();

        if (left_us <= 0)
            break;
        g_usleep(MIN(left_us, (gint64)NMVIRT_ROLLBACK_TIMER_POLL_MS * G_TIME_SPAN_MILLISECOND));
    }
    if (deadline_us == 0 || g_get_real_time() < deadline_us)
        return 0; /* closed, or never ours */

    give_up_us = g_get_monotonic_time() + NMVIRT_ROLLBACK_TIMER_DAEMON_WAIT_S * G_USEC_PER_SEC;
    for (;;) {
        g_autoptr(GError) error = NULL;
        g_autoptr(NmvirtClient) client = nmvirt_client_new(NULL, &error);

        /* constructing a client already rolls back an expired transaction
         * when nobody holds the lock; this waits for the lock */
        if (client != NULL && nmvirt_client_transaction_expire(client, id, TRUE, &error)) {
            if (!nmvirt_rollback_timer_open(id, &deadline_us)) {
                g_message(_("transaction %s was not committed in time and has been rolled back"),
                          id);
                return 0;
            }
            /* still open: NetworkManager is not running (nothing done) */
        } else {
            g_warning(_("cannot roll back transaction %1$s: %2$s"), id, error->message);
            if (!g_error_matches(error, NMVIRT_ERROR, NMVIRT_ERROR_DAEMON))
                return 1;
        }
        if (g_get_monotonic_time() >= give_up_us) {
            g_warning(_("transaction %s is still open: NetworkManager did not come back; the "
                        "next nmvirt call rolls it back"),
                      id);
            return 1;
        }
        g_usleep(G_USEC_PER_SEC);
    }
}
