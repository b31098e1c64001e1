/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * begin, commit and rollback, as virsh's iface-begin, iface-commit and
 * iface-rollback (netcf's ncf_change_*): one host-wide transaction, which
 * any process may close. begin --timeout S is a "confirm or revert" safety
 * net; rollback --if-open is what the boot-time unit runs.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nmvirt-cli.h"
#include "nmvirt-client-private.h"
#include "nmvirt-client.h"
#include "nmvirt-error.h"

/* No argument after the options; prints a usage error otherwise. */
static gboolean
nmvirt_cli_transaction_no_arguments(const char *verb, int argc, char **argv)
{
    if (argc <= 1)
        return TRUE;
    /* TRANSLATORS: %1$s is a verb, %2$s the first argument too many */
    g_printerr(_("nmvirt %1$s: unexpected argument '%2$s' (see 'nmvirt %1$s --help')\n"), verb,
               argv[1]);
    return FALSE;
}

/* Waits for @result and reports its error, if any. */
static int
nmvirt_cli_transaction_finish(NmvirtClient *client, GAsyncResult **result,
                              gboolean (*finish)(NmvirtClient *, GAsyncResult *, GError **))
{
    g_autoptr(GError) error = NULL;

    nmvirt_cli_client_wait(result);
    if (!finish(client, *result, &error)) {
        nmvirt_cli_print_error(NULL, error);
        return NMVIRT_CLI_EXIT_ERROR;
    }
    return NMVIRT_CLI_EXIT_OK;
}

/* nmvirt begin [--timeout S] */
int
nmvirt_cli_begin(int argc, char **argv)
{
    int timeout_s = 0;
    const GOptionEntry entries[] = {
        { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_s,
          N_("Roll back by itself unless committed within S seconds"), N_("S") },
        { NULL },
    };
    g_autoptr(NmvirtClient) client = NULL;
    g_autoptr(GAsyncResult) result = NULL;

    if (!nmvirt_cli_parse_options(
            "begin", NULL,
            _("Open a transaction: every NetworkManager profile and the state of every device "
              "are recorded, so that 'nmvirt rollback' can put them back. 'nmvirt commit' keeps "
              "the changes. With --timeout, the transaction is rolled back by itself unless it "
              "is committed in time. One transaction at a time, for the whole host."),
            entries, &argc, &argv))
        return NMVIRT_CLI_EXIT_ERROR;
    if (timeout_s < 0) {
        g_printerr(_("nmvirt %1$s: --timeout needs a positive number of seconds, not "
                     "%2$d (see 'nmvirt %1$s --help')\n"),
                   "begin", timeout_s);
        return NMVIRT_CLI_EXIT_ERROR;
    }
    if (!nmvirt_cli_transaction_no_arguments("begin", argc, argv))
        return NMVIRT_CLI_EXIT_ERROR;
    client = nmvirt_cli_client_new();
    if (client == NULL)
        return NMVIRT_CLI_EXIT_ERROR;

    nmvirt_client_change_begin_async(client, (guint)timeout_s, NULL, nmvirt_cli_client_result_cb,
                                     &result);
    if (nmvirt_cli_transaction_finish(client, &result, nmvirt_client_change_begin_finish) !=
        NMVIRT_CLI_EXIT_OK)
        return NMVIRT_CLI_EXIT_ERROR;
    if (timeout_s > 0)
        /* TRANSLATORS: %d is a number of seconds */
        g_print(_("Transaction begun; it is rolled back unless 'nmvirt commit' comes within "
                  "%d s\n"),
                timeout_s);
    else
        g_print(_("Transaction begun\n"));
    return NMVIRT_CLI_EXIT_OK;
}

/* nmvirt commit */
int
nmvirt_cli_commit(int argc, char **argv)
{
    g_autoptr(NmvirtClient) client = NULL;
    g_autoptr(GAsyncResult) result = NULL;

    if (!nmvirt_cli_parse_options("commit", NULL,
                                  _("Close the open transaction and keep every change made "
                                    "since 'nmvirt begin'."),
                                  NULL, &argc, &argv) ||
        !nmvirt_cli_transaction_no_arguments("commit", argc, argv))
        return NMVIRT_CLI_EXIT_ERROR;
    client = nmvirt_cli_client_new();
    if (client == NULL)
        return NMVIRT_CLI_EXIT_ERROR;

    nmvirt_client_change_commit_async(client, NULL, nmvirt_cli_client_result_cb, &result);
    if (nmvirt_cli_transaction_finish(client, &result, nmvirt_client_change_commit_finish) !=
        NMVIRT_CLI_EXIT_OK)
        return NMVIRT_CLI_EXIT_ERROR;
    g_print(_("Transaction committed\n"));
    return NMVIRT_CLI_EXIT_OK;
}

/* nmvirt rollback [--if-open] */
int
nmvirt_cli_rollback(int argc, char **argv)
{
    gboolean if_open = FALSE;
    const GOptionEntry entries[] = {
        { "if-open", 0, 0, G_OPTION_ARG_NONE, &if_open,
          N_("Succeed without doing anything when no transaction is open"), NULL },
        { NULL },
    };
    g_autoptr(NmvirtClient) client = NULL;
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;
    gboolean was_open = FALSE;

    if (!nmvirt_cli_parse_options(
            "rollback", NULL,
            _("Close the open transaction and undo every change made since 'nmvirt begin': "
              "the profiles are put back as they were, profiles nmvirt made since are deleted, "
              "and NetworkManager puts the devices back in the state they had."),
            entries, &argc, &argv) ||
        !nmvirt_cli_transaction_no_arguments("rollback", argc, argv))
        return NMVIRT_CLI_EXIT_ERROR;
    client = nmvirt_cli_client_new();
    if (client == NULL)
        return NMVIRT_CLI_EXIT_ERROR;

    nmvirt_client_change_rollback_full_async(client,
                                             if_open ? NMVIRT_CLIENT_TRANSACTION_FLAGS_IF_OPEN : 0,
                                             NULL, nmvirt_cli_client_result_cb, &result);
    nmvirt_cli_client_wait(&result);
    if (!nmvirt_client_change_rollback_full_finish(client, result, &was_open, &error)) {
        nmvirt_cli_print_error(NULL, error);
        return NMVIRT_CLI_EXIT_ERROR;
    }
    if (was_open)
        g_print(_("Transaction rolled back\n"));
    else
        g_print(_("No transaction is open\n"));
    return NMVIRT_CLI_EXIT_OK;
}
