/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * nmvirt: virsh iface-* style verbs for NetworkManager. main() only finds
 * the verb (nmvirt-cli-verbs.c lists them) and offers it to nmvirtd first
 * (nmvirt-cli-forward.c); each verb group lives in its own file: nmvirt-cli-iface.c
 * (list, dumpxml, mac, name), nmvirt-cli-define.c (define, undefine, edit),
 * nmvirt-cli-start.c (start, stop), nmvirt-cli-bridge.c (bridge, unbridge),
 * nmvirt-cli-monitor.c (monitor), nmvirt-cli-transaction.c (begin, commit,
 * rollback), the offline validate and convert.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <glib/gi18n.h>

#include "nmvirt-cli.h"

int
main(int argc, char **argv)
{
    const NmvirtCliVerb *verb;
    int status;

    setlocale(LC_ALL, "");
    bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);

    if (argc < 2) {
        nmvirt_cli_usage(stderr);
        return NMVIRT_CLI_EXIT_ERROR;
    }
    if (g_str_equal(argv[1], "--help") || g_str_equal(argv[1], "-h") ||
        g_str_equal(argv[1], "help")) {
        nmvirt_cli_usage(stdout);
        return NMVIRT_CLI_EXIT_OK;
    }
    if (g_str_equal(argv[1], "--version")) {
        g_print("nmvirt %s\n", PACKAGE_VERSION);
        return NMVIRT_CLI_EXIT_OK;
    }
    verb = nmvirt_cli_verb_find(argv[1]);
    if (verb != NULL) {
        /* a running nmvirtd answers without loading NetworkManager's
         * whole state again; without one, or when it declines, the verb
         * runs here */
        if (verb->forward && nmvirt_cli_forward(argc - 1, argv + 1, &status))
            return status;
        return verb->run(argc - 1, argv + 1);
    }
    g_printerr(_("nmvirt: unknown verb '%s'\n"), argv[1]);
    nmvirt_cli_usage(stderr);
    return NMVIRT_CLI_EXIT_ERROR;
}
