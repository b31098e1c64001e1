/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "nmvirt-cli.h"
#include "nmvirt-iface-def.h"
#include "nmvirt-keyfile.h"
#include "nmvirt-map.h"
#include "nmvirt-translate.h"
#include "nmvirt-xml.h"

static int
nmvirt_cli_convert_to_keyfile(const char *dir, const char *file)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NmvirtIfaceDef) def = nmvirt_xml_parse_file(file, &error);
    g_autoptr(GPtrArray) profiles = NULL;

    if (def == NULL) {
        nmvirt_cli_print_error(file, error);
        return NMVIRT_CLI_EXIT_ERROR;
    }
    profiles = nmvirt_map_to_nm(def, &error);
    if (profiles == NULL) {
        nmvirt_cli_print_error(file, error);
        return NMVIRT_CLI_EXIT_ERROR;
    }
    if (g_mkdir_with_parents(dir, 0700) != 0) {
        int saved_errno = errno;
        g_printerr(_("nmvirt convert: cannot create directory '%1$s': %2$s\n"), dir,
                   g_strerror(saved_errno));
        return NMVIRT_CLI_EXIT_ERROR;
    }
    for (guint i = 0; i < profiles->len; i++) {
        g_autofree char *path = nmvirt_keyfile_write(g_ptr_array_index(profiles, i), dir, &error);
        if (path == NULL) {
            nmvirt_cli_print_error(file, error);
            return NMVIRT_CLI_EXIT_ERROR;
        }
        g_print("%s\n", path);
    }
    return NMVIRT_CLI_EXIT_OK;
}

static int
nmvirt_cli_convert_from_keyfile(char **files)
{
    g_autoptr(GPtrArray) profiles = g_ptr_array_new_with_free_func(g_object_unref);
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;

    for (guint i = 0; files[i] != NULL; i++) {
        NMConnection *connection = nmvirt_keyfile_read(files[i], &error);
        if (connection == NULL) {
            nmvirt_cli_print_error(files[i], error);
            return NMVIRT_CLI_EXIT_ERROR;
        }
        g_ptr_array_add(profiles, connection);
    }
    xml = nmvirt_connections_to_xml(profiles, NULL, &error);
    if (xml == NULL) {
        nmvirt_cli_print_error(NULL, error);
        return NMVIRT_CLI_EXIT_ERROR;
    }
    g_print("%s", xml);
    return NMVIRT_CLI_EXIT_OK;
}

/* nmvirt convert --to-keyfile DIR FILE | --from-keyfile KEYFILE... */
int
nmvirt_cli_convert(int argc, char **argv)
{
    g_autofree char *to_dir = NULL;
    gboolean from = FALSE;
    const GOptionEntry entries[] = {
        { "to-keyfile", 0, 0, G_OPTION_ARG_FILENAME, &to_dir,
          N_("Write one NetworkManager keyfile per profile of FILE into DIR"), N_("DIR") },
        { "from-keyfile", 0, 0, G_OPTION_ARG_NONE, &from,
          N_("Read the KEYFILEs of one interface and print its interface XML"), NULL },
        { NULL },
    };

    if (!nmvirt_cli_parse_options("convert", _("--to-keyfile DIR FILE | --from-keyfile KEYFILE…"),
                                  _("Convert offline, without NetworkManager, between interface "
                                    "XML and NetworkManager keyfiles."),
                                  entries, &argc, &argv))
        return NMVIRT_CLI_EXIT_ERROR;
    if ((to_dir != NULL) == from) {
        g_printerr(_("nmvirt convert: give exactly one of --to-keyfile DIR or --from-keyfile "
                     "(see 'nmvirt convert --help')\n"));
        return NMVIRT_CLI_EXIT_ERROR;
    }
    if (to_dir != NULL) {
        if (argc != 2) {
            g_printerr(_("nmvirt convert --to-keyfile: expected exactly one XML file\n"));
            return NMVIRT_CLI_EXIT_ERROR;
        }
        return nmvirt_cli_convert_to_keyfile(to_dir, argv[1]);
    }
    if (argc < 2) {
        g_printerr(_("nmvirt convert --from-keyfile: no keyfile given\n"));
        return NMVIRT_CLI_EXIT_ERROR;
    }
    return nmvirt_cli_convert_from_keyfile(argv + 1);
}
