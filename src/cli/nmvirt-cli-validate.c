/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "nmvirt-cli.h"
#include "nmvirt-iface-def.h"
#include "nmvirt-xml.h"

/* nmvirt validate FILE...: every file is checked, even after a failure. */
int
nmvirt_cli_validate(int argc, char **argv)
{
    int rc = NMVIRT_CLI_EXIT_OK;

    if (!nmvirt_cli_parse_options("validate", _("FILE…"),
                                  _("Check interface XML documents against the schema and the "
                                    "rules NetworkManager needs. Prints 'FILE: ok' or the error."),
                                  NULL, &argc, &argv))
        return NMVIRT_CLI_EXIT_ERROR;
    if (argc < 2) {
        g_printerr(_("nmvirt validate: no file given (see 'nmvirt validate --help')\n"));
        return NMVIRT_CLI_EXIT_ERROR;
    }
    for (int i = 1; i < argc; i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(NmvirtIfaceDef) def = nmvirt_xml_parse_file(argv[i], &error);

        if (def == NULL) {
            nmvirt_cli_print_error(argv[i], error);
            rc = NMVIRT_CLI_EXIT_ERROR;
            continue;
        }
        /* TRANSLATORS: %s is a file name */
        g_print(_("%s: ok\n"), argv[i]);
    }
    return rc;
}
