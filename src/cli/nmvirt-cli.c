/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * nmvirt: virsh iface-* style verbs for NetworkManager. main() only finds
 * the verb; each verb group lives in its own file: nmvirt-cli-iface.c
 * (list, dumpxml, mac, name), nmvirt-cli-define.c (define, undefine, edit),
 * nmvirt-cli-start.c (start, stop), nmvirt-cli-transaction.c (begin,
 * commit, rollback), the offline validate and convert.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <glib/gi18n.h>

#include "nmvirt-cli.h"

typedef struct {
    const char *name;
    const char *summary; /* N_() */
    int (*run)(int argc, char **argv);
} NmvirtCliVerb;

static const NmvirtCliVerb nmvirt_cli_verbs[] = {
    { "list", N_("List interfaces with their state and MAC address"), nmvirt_cli_list },
    { "define", N_("Define an interface from an XML file, without activating it"),
      nmvirt_cli_define },
    { "undefine", N_("Delete the profiles of an interface"), nmvirt_cli_undefine },
    { "start", N_("Activate an interface and wait until it is up"), nmvirt_cli_start },
    { "stop", N_("Deactivate an interface"), nmvirt_cli_stop },
    { "dumpxml", N_("Print the XML of an interface, live or configured"), nmvirt_cli_dumpxml },
    { "edit", N_("Edit the XML configuration of an interface"), nmvirt_cli_edit },
    { "mac", N_("Print the MAC address of an interface"), nmvirt_cli_mac },
    { "name", N_("Print the name of the interface with a MAC address"), nmvirt_cli_name },
    { "begin", N_("Open a transaction that commit keeps and rollback undoes"), nmvirt_cli_begin },
    { "commit", N_("Keep the changes made since begin"), nmvirt_cli_commit },
    { "rollback", N_("Undo the changes made since begin"), nmvirt_cli_rollback },
    { "validate", N_("Check interface XML documents"), nmvirt_cli_validate },
    { "convert", N_("Convert interface XML to NetworkManager keyfiles and back"),
      nmvirt_cli_convert },
};

gboolean
nmvirt_cli_parse_options(const char *verb, const char *parameters, const char *summary,
                         const GOptionEntry *entries, int *argc, char ***argv)
{
    g_autoptr(GOptionContext) context = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *prgname = g_strdup_printf("nmvirt %s", verb);

    /* --help then reads "Usage: nmvirt VERB [OPTION…] PARAMETERS" */
    g_set_prgname(prgname);
    context = g_option_context_new(parameters);
    g_option_context_set_summary(context, summary);
    g_option_context_set_translation_domain(context, GETTEXT_PACKAGE);
    if (entries != NULL)
        g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
    if (!g_option_context_parse(context, argc, argv, &error)) {
        /* TRANSLATORS: %1$s is the verb, %2$s the option parser's message */
        g_printerr(_("nmvirt %1$s: %2$s (see 'nmvirt %1$s --help')\n"), verb, error->message);
        return FALSE;
    }
    return TRUE;
}

void
nmvirt_cli_print_error(const char *context, const GError *error)
{
    /* messages about a file usually name it already */
    if (context != NULL && !g_str_has_prefix(error->message, context))
        g_printerr("%s: %s\n", context, error->message);
    else if (context != NULL)
        g_printerr("%s\n", error->message);
    else
        g_printerr(_("error: %s\n"), error->message);
}

static void
nmvirt_cli_usage(FILE *stream)
{
    fprintf(stream, "%s\n\n%s\n", _("Usage: nmvirt VERB [OPTION…] [ARGUMENT…]"), _("Verbs:"));
    for (guint i = 0; i < G_N_ELEMENTS(nmvirt_cli_verbs); i++)
        fprintf(stream, "  %-10s %s\n", nmvirt_cli_verbs[i].name, _(nmvirt_cli_verbs[i].summary));
    fprintf(stream, "\n%s\n", _("Run 'nmvirt VERB --help' for the options of a verb."));
}

int
main(int argc, char **argv)
{
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
    for (guint i = 0; i < G_N_ELEMENTS(nmvirt_cli_verbs); i++) {
        if (g_str_equal(argv[1], nmvirt_cli_verbs[i].name))
            return nmvirt_cli_verbs[i].run(argc - 1, argv + 1);
    }
    g_printerr(_("nmvirt: unknown verb '%s'\n"), argv[1]);
    nmvirt_cli_usage(stderr);
    return NMVIRT_CLI_EXIT_ERROR;
}
