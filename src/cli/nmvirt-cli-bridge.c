/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bridge and unbridge, as virsh's iface-bridge and iface-unbridge. The
 * library decides everything (nmvirt-client-bridge.c); this file reads the
 * arguments and reports.
 */
#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "nmvirt-cli.h"
#include "nmvirt-client.h"
#include "nmvirt-error.h"

/* nmvirt bridge [--no-stp] [--delay S] [--no-start] IFACE BRIDGE */
int
nmvirt_cli_bridge(int argc, char **argv)
{
    gboolean no_stp = FALSE;
    gboolean no_start = FALSE;
    g_autofree char *delay_text = NULL;
    double delay = -1; /* the library's default */
    const GOptionEntry entries[] = {
        { "no-stp", 0, 0, G_OPTION_ARG_NONE, &no_stp,
          N_("Create the bridge with the spanning tree protocol off"), NULL },
        { "delay", 0, 0, G_OPTION_ARG_STRING, &delay_text,
          N_("Forward delay of the bridge in seconds (default 0 with STP, stored by "
             "NetworkManager as 2)"),
          N_("S") },
        { "no-start", 0, 0, G_OPTION_ARG_NONE, &no_start,
          N_("Define the bridge only; do not start it"), NULL },
        { NULL },
    };
    g_autoptr(NmvirtClient) client = NULL;
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *name = NULL;
    NmvirtBridgeFlags flags = NMVIRT_BRIDGE_FLAGS_NONE;

    if (!nmvirt_cli_parse_options(
            "bridge", _("IFACE BRIDGE"),
            _("Create bridge BRIDGE with IFACE (a name or a MAC address) as its port, as virsh "
              "iface-bridge does: the bridge takes over the start mode, the MTU and the whole IP "
              "configuration of IFACE (addresses, gateway, DNS, search domains, routes, "
              "firewall zone), and IFACE's profile becomes the port, keeping its UUID. Then the "
              "bridge is started, which brings IFACE in as its port."),
            entries, &argc, &argv))
        return NMVIRT_CLI_EXIT_ERROR;
    if (argc != 3) {
        if (argc < 3)
            g_printerr(_("nmvirt %1$s: %2$s is needed (see 'nmvirt %1$s --help')\n"), "bridge",
                       _("an interface and the name of the new bridge"));
        else
            g_printerr(_("nmvirt %1$s: unexpected argument '%2$s' (see 'nmvirt %1$s --help')\n"),
                       "bridge", argv[3]);
        return NMVIRT_CLI_EXIT_ERROR;
    }
    if (delay_text != NULL) {
        char *end = NULL;

        delay = g_ascii_strtod(delay_text, &end);
        if (end == delay_text || *end != '\0' || !isfinite(delay) || delay < 0) {
            g_printerr(_("nmvirt %1$s: --delay needs a number of seconds of 0 or more, not "
                         "'%2$s' (see 'nmvirt %1$s --help')\n"),
                       "bridge", delay_text);
            return NMVIRT_CLI_EXIT_ERROR;
        }
    }
    if (no_stp)
        flags |= NMVIRT_BRIDGE_FLAGS_NO_STP;
    if (no_start)
        flags |= NMVIRT_BRIDGE_FLAGS_NO_START;

    client = nmvirt_cli_client_new();
    if (client == NULL)
        return NMVIRT_CLI_EXIT_ERROR;
    name = nmvirt_cli_client_resolve(client, argv[1], &error);
    if (name == NULL) {
        nmvirt_cli_print_error(NULL, error);
        return NMVIRT_CLI_EXIT_ERROR;
    }
    nmvirt_client_bridge_async(client, name, argv[2], flags, delay, NULL,
                               nmvirt_cli_client_result_cb, &result);
    nmvirt_cli_client_wait(&result);
    if (!nmvirt_client_bridge_finish(client, result, &error)) {
        nmvirt_cli_print_error(NULL, error);
        return NMVIRT_CLI_EXIT_ERROR;
    }
    /* TRANSLATORS: %1$s is the new bridge, %2$s the interface now its port */
    g_print(_("Created bridge %1$s with attached device %2$s\n"), argv[2], name);
    if (!no_start)
        /* TRANSLATORS: %s is a bridge name */
        g_print(_("Bridge interface %s started\n"), argv[2]);
    return NMVIRT_CLI_EXIT_OK;
}

/* nmvirt unbridge [--no-start] BRIDGE */
int
nmvirt_cli_unbridge(int argc, char **argv)
{
    gboolean no_start = FALSE;
    const GOptionEntry entries[] = {
        { "no-start", 0, 0, G_OPTION_ARG_NONE, &no_start,
          N_("Do not start the interface afterwards"), NULL },
        { NULL },
    };
    g_autoptr(NmvirtClient) client = NULL;
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *port = NULL;
    g_autofree char *bridge = NULL;
    const char *argument;

    if (!nmvirt_cli_parse_options(
            "unbridge", _("BRIDGE"),
            _("Undo 'nmvirt bridge', as virsh iface-unbridge does: stop BRIDGE (a name or a MAC "
              "address), give its only "
              "port the bridge's start mode, MTU and IP configuration, delete the bridge, and "
              "start the port as an interface of its own. The port keeps its profile (and "
              "UUID)."),
            entries, &argc, &argv))
        return NMVIRT_CLI_EXIT_ERROR;
    argument = nmvirt_cli_one_argument("unbridge", _("a bridge"), argc, argv);
    if (argument == NULL)
        return NMVIRT_CLI_EXIT_ERROR;
    client = nmvirt_cli_client_new();
    if (client == NULL)
        return NMVIRT_CLI_EXIT_ERROR;
    bridge = nmvirt_cli_client_resolve(client, argument, &error);
    if (bridge == NULL) {
        nmvirt_cli_print_error(NULL, error);
        return NMVIRT_CLI_EXIT_ERROR;
    }
    nmvirt_client_unbridge_async(client, bridge,
                                 no_start ? NMVIRT_BRIDGE_FLAGS_NO_START : NMVIRT_BRIDGE_FLAGS_NONE,
                                 NULL, nmvirt_cli_client_result_cb, &result);
    nmvirt_cli_client_wait(&result);
    port = nmvirt_client_unbridge_finish(client, result, &error);
    if (port == NULL) {
        nmvirt_cli_print_error(NULL, error);
        return NMVIRT_CLI_EXIT_ERROR;
    }
    /* TRANSLATORS: %1$s is the former port, %2$s the bridge */
    g_print(_("Device %1$s un-attached from bridge %2$s\n"), port, bridge);
    if (!no_start)
        /* TRANSLATORS: %s is an interface name */
        g_print(_("Interface %s started\n"), port);
    return NMVIRT_CLI_EXIT_OK;
}
