/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * nmvirt monitor [IFACE]: one line per change of an interface, then its XML
 * (see NmvirtClient::interface-changed), until SIGINT or SIGTERM.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <glib-unix.h>
#include <glib/gi18n.h>

#include "nmvirt-cli.h"
#include "nmvirt-client.h"
#include "nmvirt-error.h"

typedef struct {
    char *filter; /* the one interface to report, or NULL for all */
    gboolean done;
} NmvirtCliMonitor;

/* The words of the event line. Not translated: scripts read them. */
static const char *
nmvirt_cli_monitor_event_word(NmvirtInterfaceEvent event)
{
    switch (event) {
    case NMVIRT_INTERFACE_EVENT_DEFINED:
        return "defined";
    case NMVIRT_INTERFACE_EVENT_UNDEFINED:
        return "undefined";
    case NMVIRT_INTERFACE_EVENT_ACTIVATED:
        return "active";
    case NMVIRT_INTERFACE_EVENT_DEACTIVATED:
        return "inactive";
    case NMVIRT_INTERFACE_EVENT_CHANGED:
        return "changed";
    }
    return "changed";
}

static void
nmvirt_cli_monitor_changed_cb(NmvirtClient *client, const char *name, NmvirtInterfaceEvent event,
                              const char *xml, gpointer user_data)
{
    NmvirtCliMonitor *monitor = user_data;

    if (monitor->filter != NULL && strcmp(monitor->filter, name) != 0)
        return;
    g_print("event: %s %s\n", name, nmvirt_cli_monitor_event_word(event));
    if (xml != NULL)
        g_print("%s%s", xml, g_str_has_suffix(xml, "\n") ? "" : "\n");
    /* a reader at the other end of a pipe sees each event at once */
    fflush(stdout);
}

static gboolean
nmvirt_cli_monitor_quit_cb(gpointer user_data)
{
    NmvirtCliMonitor *monitor = user_data;

    monitor->done = TRUE;
    /* both handlers are removed when the loop ends */
    return G_SOURCE_CONTINUE;
}

/* nmvirt monitor [IFACE] */
int
nmvirt_cli_monitor(int argc, char **argv)
{
    g_autoptr(NmvirtClient) client = NULL;
    g_autoptr(GError) error = NULL;
    NmvirtCliMonitor monitor = { NULL, FALSE };
    guint sigint_id;
    guint sigterm_id;
    gulong handler;

    if (!nmvirt_cli_parse_options(
            "monitor", _("[IFACE]"),
            _("Print a line for each change of an interface (defined, undefined, active, "
              "inactive, changed), followed by its XML: the live state while it is active, "
              "else its configuration. A change of a port or member is reported for its "
              "bridge or bond. With IFACE (a name, or a MAC address of an existing "
              "interface) only that interface is reported. Runs until interrupted."),
            NULL, &argc, &argv))
        return NMVIRT_CLI_EXIT_ERROR;
    if (argc > 2) {
        g_printerr(_("nmvirt %1$s: unexpected argument '%2$s' (see 'nmvirt %1$s --help')\n"),
                   "monitor", argv[2]);
        return NMVIRT_CLI_EXIT_ERROR;
    }
    client = nmvirt_cli_client_new();
    if (client == NULL)
        return NMVIRT_CLI_EXIT_ERROR;
    /* a name need not exist yet: its definition is an event too */
    if (argc == 2) {
        monitor.filter = nmvirt_cli_client_resolve(client, argv[1], &error);
        if (monitor.filter == NULL) {
            nmvirt_cli_print_error(NULL, error);
            return NMVIRT_CLI_EXIT_ERROR;
        }
    }
    if (!nmvirt_client_monitor_start(client, &error)) {
        nmvirt_cli_print_error(NULL, error);
        g_free(monitor.filter);
        return NMVIRT_CLI_EXIT_ERROR;
    }
    handler = g_signal_connect(client, "interface-changed",
                               G_CALLBACK(nmvirt_cli_monitor_changed_cb), &monitor);
    sigint_id = g_unix_signal_add(SIGINT, nmvirt_cli_monitor_quit_cb, &monitor);
    sigterm_id = g_unix_signal_add(SIGTERM, nmvirt_cli_monitor_quit_cb, &monitor);
    /* on stderr, so that stdout holds events only; scripts wait for it */
    if (monitor.filter != NULL)
        /* TRANSLATORS: %s is an interface name */
        g_printerr(_("Monitoring interface %s; stop with Ctrl-C\n"), monitor.filter);
    else
        g_printerr(_("Monitoring every interface; stop with Ctrl-C\n"));

    while (!monitor.done)
        g_main_context_iteration(NULL, TRUE);

    g_source_remove(sigint_id);
    g_source_remove(sigterm_id);
    g_signal_handler_disconnect(client, handler);
    nmvirt_client_monitor_stop(client);
    g_free(monitor.filter);
    return NMVIRT_CLI_EXIT_OK;
}
