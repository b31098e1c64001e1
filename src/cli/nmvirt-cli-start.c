/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * start and stop, as virsh's iface-start and iface-destroy: both check the
 * state first, as libvirt does, and refuse what would change nothing.
 */
#include "config.h"

#include <stdio.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "nmvirt-cli.h"
#include "nmvirt-client.h"
#include "nmvirt-error.h"

/* The progress line on a terminal while start waits. */
typedef struct {
    const char *name;
    gint64 started_us;
    guint frame;
} NmvirtCliStartProgress;

static gboolean
nmvirt_cli_start_progress_cb(gpointer user_data)
{
    static const char frames[] = "|/-\\";
    NmvirtCliStartProgress *progress = user_data;
    gint64 elapsed_s = (g_get_monotonic_time() - progress->started_us) / G_USEC_PER_SEC;

    /* \r and "erase line": the line is redrawn in place */
    g_printerr("\r\033[K%c ", frames[progress->frame++ % 4]);
    /* TRANSLATORS: progress while waiting; %1$s is an interface name,
     * %2$d the seconds waited so far */
    g_printerr(_("Starting interface %1$s… %2$d s"), progress->name, (int)elapsed_s);
    return G_SOURCE_CONTINUE;
}

/* nmvirt start [--timeout S] IFACE */
int
nmvirt_cli_start(int argc, char **argv)
{
    int timeout_s = -1;
    const GOptionEntry entries[] = {
        { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_s,
          N_("Wait at most S seconds for the activation (default 90)"), N_("S") },
        { NULL },
    };
    g_autoptr(NmvirtClient) client = NULL;
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *name = NULL;
    NmvirtCliStartProgress progress = { 0 };
    guint timeout_ms = NMVIRT_CLIENT_START_TIMEOUT_MS;
    guint progress_id = 0;

    if (!nmvirt_cli_parse_options(
            "start", _("IFACE"),
            _("Activate IFACE (a name or a MAC address) with its ports and members, and wait "
              "until NetworkManager reports it activated or failed."),
            entries, &argc, &argv))
        return NMVIRT_CLI_EXIT_ERROR;
    if (timeout_s != -1) {
        if (timeout_s <= 0 || (guint)timeout_s > G_MAXUINT / 1000) {
            g_printerr(_("nmvirt %1$s: --timeout needs a positive number of seconds, not "
                         "%2$d (see 'nmvirt %1$s --help')\n"),
                       "start", timeout_s);
            return NMVIRT_CLI_EXIT_ERROR;
        }
        timeout_ms = (guint)timeout_s * 1000;
    }
    name = nmvirt_cli_client_open("start", argc, argv, &client);
    if (name == NULL)
        return NMVIRT_CLI_EXIT_ERROR;

    nmvirt_client_start_async(client, name, timeout_ms, NULL, nmvirt_cli_client_result_cb, &result);
    /* progress only for a person watching: never into a pipe or a log */
    if (isatty(STDERR_FILENO)) {
        progress.name = name;
        progress.started_us = g_get_monotonic_time();
        nmvirt_cli_start_progress_cb(&progress);
        progress_id = g_timeout_add(200, nmvirt_cli_start_progress_cb, &progress);
    }
    nmvirt_cli_client_wait(&result);
    if (progress_id != 0) {
        g_source_remove(progress_id);
        g_printerr("\r\033[K");
    }
    if (!nmvirt_client_start_finish(client, result, &error)) {
        nmvirt_cli_print_error(NULL, error);
        return NMVIRT_CLI_EXIT_ERROR;
    }
    /* TRANSLATORS: %s is an interface name */
    g_print(_("Interface %s started\n"), name);
    return NMVIRT_CLI_EXIT_OK;
}

/* nmvirt stop IFACE */
int
nmvirt_cli_stop(int argc, char **argv)
{
    g_autoptr(NmvirtClient) client = NULL;
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *name = NULL;

    if (!nmvirt_cli_parse_options("stop", _("IFACE"),
                                  _("Deactivate IFACE (a name or a MAC address) and its ports "
                                    "and members, as virsh iface-destroy does. The profiles "
                                    "stay defined."),
                                  NULL, &argc, &argv))
        return NMVIRT_CLI_EXIT_ERROR;
    name = nmvirt_cli_client_open("stop", argc, argv, &client);
    if (name == NULL)
        return NMVIRT_CLI_EXIT_ERROR;
    /* no check of the "active" rule here: a bond whose members lost their
     * carrier is inactive by that rule, yet NetworkManager still holds it
     * and stop must release it; the library refuses only when nothing of
     * the interface is activated at all */

    nmvirt_client_stop_async(client, name, NULL, nmvirt_cli_client_result_cb, &result);
    nmvirt_cli_client_wait(&result);
    if (!nmvirt_client_stop_finish(client, result, &error)) {
        nmvirt_cli_print_error(NULL, error);
        return NMVIRT_CLI_EXIT_ERROR;
    }
    /* TRANSLATORS: %s is an interface name */
    g_print(_("Interface %s stopped\n"), name);
    return NMVIRT_CLI_EXIT_OK;
}
