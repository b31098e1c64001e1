/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The read-only verbs: list, dumpxml, mac and name, as virsh's iface-list,
 * iface-dumpxml, iface-mac and iface-name.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "nmvirt-cli.h"
#include "nmvirt-client.h"
#include "nmvirt-error.h"
#include "nmvirt-settings-scan.h"

/* Cells of a table printed the way virsh's vshTable does: every cell after
 * one space, columns two spaces apart beyond the widest cell, and under the
 * header a line of dashes three longer than each column. */
static void
nmvirt_cli_iface_print_table(GPtrArray *rows, guint n_columns)
{
    g_autofree gsize *widths = g_new0(gsize, n_columns);
    g_autoptr(GString) out = g_string_new(NULL);

    for (guint i = 0; i < rows->len; i++) {
        char **row = g_ptr_array_index(rows, i);
        for (guint j = 0; j < n_columns; j++)
            widths[j] = MAX(widths[j], (gsize)g_utf8_strlen(row[j], -1));
    }
    for (guint i = 0; i < rows->len; i++) {
        char **row = g_ptr_array_index(rows, i);

        for (guint j = 0; j < n_columns; j++) {
            g_string_append_printf(out, " %s", row[j]);
            if (j + 1 < n_columns) {
                for (gsize k = g_utf8_strlen(row[j], -1); k < widths[j] + 2; k++)
                    g_string_append_c(out, ' ');
            }
        }
        g_string_append_c(out, '\n');
        if (i == 0) {
            for (guint j = 0; j < n_columns; j++) {
                for (gsize k = 0; k < widths[j] + 3; k++)
                    g_string_append_c(out, '-');
            }
            g_string_append_c(out, '\n');
        }
    }
    fputs(out->str, stdout);
}

static int
nmvirt_cli_iface_compare_names(gconstpointer a, gconstpointer b)
{
    const char *name_a = *(const char *const *)a;
    const char *name_b = *(const char *const *)b;
    int cmp = g_ascii_strcasecmp(name_a, name_b);

    /* virsh sorts without regard to case; ties stay deterministic */
    return cmp != 0 ? cmp : strcmp(name_a, name_b);
}

/* nmvirt list [--all|--inactive] [--name-only] */
int
nmvirt_cli_list(int argc, char **argv)
{
    gboolean all = FALSE;
    gboolean inactive = FALSE;
    gboolean name_only = FALSE;
    const GOptionEntry entries[] = {
        { "all", 0, 0, G_OPTION_ARG_NONE, &all, N_("List active and inactive interfaces"), NULL },
        { "inactive", 0, 0, G_OPTION_ARG_NONE, &inactive, N_("List inactive interfaces only"),
          NULL },
        { "name-only", 0, 0, G_OPTION_ARG_NONE, &name_only,
          N_("Print only the names, one per line"), NULL },
        { NULL },
    };
    g_autoptr(NmvirtClient) client = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) rows = NULL;
    g_auto(GStrv) names = NULL;
    /* TRANSLATORS: the column headers of 'nmvirt list', as in virsh iface-list */
    char *header[] = { _("Name"), _("State"), _("MAC Address"), NULL };
    NmvirtListFlags flags;

    if (!nmvirt_cli_parse_options(
            "list", NULL,
            _("List the interfaces NetworkManager has profiles for, sorted by name: "
              "by default the active ones, as virsh iface-list does."),
            entries, &argc, &argv))
        return NMVIRT_CLI_EXIT_ERROR;
    if (argc > 1) {
        g_printerr(_("nmvirt %1$s: unexpected argument '%2$s' (see 'nmvirt %1$s --help')\n"),
                   "list", argv[1]);
        return NMVIRT_CLI_EXIT_ERROR;
    }
    /* as virsh: --all wins over --inactive */
    if (all)
        flags = NMVIRT_LIST_FLAGS_ACTIVE | NMVIRT_LIST_FLAGS_INACTIVE;
    else if (inactive)
        flags = NMVIRT_LIST_FLAGS_INACTIVE;
    else
        flags = NMVIRT_LIST_FLAGS_ACTIVE;

    client = nmvirt_cli_client_new();
    if (client == NULL)
        return NMVIRT_CLI_EXIT_ERROR;
    names = nmvirt_client_list(client, flags, &error);
    if (names == NULL) {
        nmvirt_cli_print_error(NULL, error);
        return NMVIRT_CLI_EXIT_ERROR;
    }
    qsort(names, g_strv_length(names), sizeof(char *), nmvirt_cli_iface_compare_names);

    if (name_only) {
        for (guint i = 0; names[i] != NULL; i++)
            g_print("%s\n", names[i]);
        return NMVIRT_CLI_EXIT_OK;
    }

    rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    g_ptr_array_add(rows, g_strdupv(header));
    for (guint i = 0; names[i] != NULL; i++) {
        g_autofree char *mac = NULL;
        gboolean active = flags == NMVIRT_LIST_FLAGS_ACTIVE;

        if (flags == (NMVIRT_LIST_FLAGS_ACTIVE | NMVIRT_LIST_FLAGS_INACTIVE) &&
            !nmvirt_client_is_active(client, names[i], &active, &error)) {
            /* gone since the list was made: as virsh, leave it out */
            if (g_error_matches(error, NMVIRT_ERROR, NMVIRT_ERROR_NOT_FOUND)) {
                g_clear_error(&error);
                continue;
            }
            nmvirt_cli_print_error(NULL, error);
            return NMVIRT_CLI_EXIT_ERROR;
        }
        mac = nmvirt_client_get_mac(client, names[i], &error);
        if (mac == NULL && g_error_matches(error, NMVIRT_ERROR, NMVIRT_ERROR_DAEMON)) {
            nmvirt_cli_print_error(NULL, error);
            return NMVIRT_CLI_EXIT_ERROR;
        }
        /* a bridge or bond that is down may have no MAC yet: an empty cell */
        g_clear_error(&error);
        g_ptr_array_add(rows, g_strdupv((char *[]){ names[i], active ? _("active") : _("inactive"),
                                                    mac != NULL ? mac : "", NULL }));
    }
    nmvirt_cli_iface_print_table(rows, 3);
    return NMVIRT_CLI_EXIT_OK;
}

/* nmvirt dumpxml [--inactive] IFACE */
int
nmvirt_cli_dumpxml(int argc, char **argv)
{
    gboolean inactive = FALSE;
    const GOptionEntry entries[] = {
        { "inactive", 0, 0, G_OPTION_ARG_NONE, &inactive,
          N_("Print the configuration, not the live state"), NULL },
        { NULL },
    };
    g_autoptr(NmvirtClient) client = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *name = NULL;
    g_autofree char *xml = NULL;
    const char *iface;

    if (!nmvirt_cli_parse_options(
            "dumpxml", _("IFACE"),
            _("Print the interface XML of IFACE (a name or a MAC address): the live state "
              "when it is active, else its configuration."),
            entries, &argc, &argv))
        return NMVIRT_CLI_EXIT_ERROR;
    iface = nmvirt_cli_one_argument("dumpxml", _("an interface"), argc, argv);
    if (iface == NULL)
        return NMVIRT_CLI_EXIT_ERROR;
    /* an inactive interface's XML from the profiles alone, without the
     * cost of NMClient's cache (nmvirt-settings-scan.h); else the client */
    /* (nmvirtd has the cache already) */
    if (!nmvirt_cli_client_is_shared() && !nmvirt_cli_is_mac(iface) &&
        nmvirt_settings_scan_get_xml(
            iface, inactive ? NMVIRT_XML_FLAGS_INACTIVE : NMVIRT_XML_FLAGS_NONE, &xml)) {
        g_print("%s%s", xml, g_str_has_suffix(xml, "\n") ? "" : "\n");
        return NMVIRT_CLI_EXIT_OK;
    }
    client = nmvirt_cli_client_new();
    if (client == NULL)
        return NMVIRT_CLI_EXIT_ERROR;
    name = nmvirt_cli_client_resolve(client, iface, &error);
    if (name != NULL)
        xml = nmvirt_client_get_xml(
            client, name, inactive ? NMVIRT_XML_FLAGS_INACTIVE : NMVIRT_XML_FLAGS_NONE, &error);
    if (xml == NULL) {
        nmvirt_cli_print_error(NULL, error);
        return NMVIRT_CLI_EXIT_ERROR;
    }
    g_print("%s%s", xml, g_str_has_suffix(xml, "\n") ? "" : "\n");
    return NMVIRT_CLI_EXIT_OK;
}

/* nmvirt mac NAME */
int
nmvirt_cli_mac(int argc, char **argv)
{
    g_autoptr(NmvirtClient) client = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *mac = NULL;
    const char *name;

    if (!nmvirt_cli_parse_options("mac", _("NAME"),
                                  _("Print the MAC address of interface NAME, as virsh "
                                    "iface-mac does."),
                                  NULL, &argc, &argv))
        return NMVIRT_CLI_EXIT_ERROR;
    name = nmvirt_cli_one_argument("mac", _("an interface name"), argc, argv);
    if (name == NULL)
        return NMVIRT_CLI_EXIT_ERROR;
    client = nmvirt_cli_client_new();
    if (client == NULL)
        return NMVIRT_CLI_EXIT_ERROR;
    mac = nmvirt_client_get_mac(client, name, &error);
    if (mac == NULL) {
        if (error == NULL)
            g_set_error(&error, NMVIRT_ERROR, NMVIRT_ERROR_NOT_FOUND,
                        _("interface %s has no MAC address"), name);
        nmvirt_cli_print_error(NULL, error);
        return NMVIRT_CLI_EXIT_ERROR;
    }
    g_print("%s\n", mac);
    return NMVIRT_CLI_EXIT_OK;
}

/* nmvirt name MAC */
int
nmvirt_cli_name(int argc, char **argv)
{
    g_autoptr(NmvirtClient) client = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *name = NULL;
    const char *mac;

    if (!nmvirt_cli_parse_options("name", _("MAC"),
                                  _("Print the name of the interface with MAC address MAC, as "
                                    "virsh iface-name does; fails when several have it."),
                                  NULL, &argc, &argv))
        return NMVIRT_CLI_EXIT_ERROR;
    mac = nmvirt_cli_one_argument("name", _("a MAC address"), argc, argv);
    if (mac == NULL)
        return NMVIRT_CLI_EXIT_ERROR;
    if (!nmvirt_cli_is_mac(mac)) {
        g_printerr(_("error: '%s' is not a MAC address\n"), mac);
        return NMVIRT_CLI_EXIT_ERROR;
    }
    client = nmvirt_cli_client_new();
    if (client == NULL)
        return NMVIRT_CLI_EXIT_ERROR;
    name = nmvirt_cli_client_lookup_mac(client, mac, &error);
    if (name == NULL) {
        nmvirt_cli_print_error(NULL, error);
        return NMVIRT_CLI_EXIT_ERROR;
    }
    g_print("%s\n", name);
    return NMVIRT_CLI_EXIT_OK;
}
