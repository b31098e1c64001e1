/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The verbs of nmvirt, in the order 'nmvirt --help' lists them, and which
 * of them nmvirtd may run for the command (nmvirt-cli-forward.c): those
 * that ask NetworkManager one thing and end, not the interactive edit, the
 * endless monitor, the transaction verbs (their timer and lock belong to
 * the calling process) or the offline ones. Also what every verb uses to
 * parse its options and print errors.
 */
#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "nmvirt-cli.h"

static const NmvirtCliVerb nmvirt_cli_verbs[] = {
    { "list", N_("List interfaces with their state and MAC address"), nmvirt_cli_list, TRUE },
    { "define", N_("Define an interface from an XML file, without activating it"),
      nmvirt_cli_define, TRUE },
    { "undefine", N_("Delete the profiles of an interface"), nmvirt_cli_undefine, TRUE },
    { "start", N_("Activate an interface and wait until it is up"), nmvirt_cli_start, TRUE },
    { "stop", N_("Deactivate an interface"), nmvirt_cli_stop, TRUE },
    { "bridge", N_("Put an interface into a new bridge that takes over its IP configuration"),
      nmvirt_cli_bridge, TRUE },
    { "unbridge", N_("Give a bridge's only port its IP configuration back and delete the bridge"),
      nmvirt_cli_unbridge, TRUE },
    { "dumpxml", N_("Print the XML of an interface, live or configured"), nmvirt_cli_dumpxml,
      TRUE },
    { "edit", N_("Edit the XML configuration of an interface"), nmvirt_cli_edit, FALSE },
    { "monitor", N_("Print the changes of interfaces as they happen, with their XML"),
      nmvirt_cli_monitor, FALSE },
    { "mac", N_("Print the MAC address of an interface"), nmvirt_cli_mac, TRUE },
    { "name", N_("Print the name of the interface with a MAC address"), nmvirt_cli_name, TRUE },
    { "begin", N_("Open a transaction that commit keeps and rollback undoes"), nmvirt_cli_begin,
      FALSE },
    { "commit", N_("Keep the changes made since begin"), nmvirt_cli_commit, FALSE },
    { "rollback", N_("Undo the changes made since begin"), nmvirt_cli_rollback, FALSE },
    { "validate", N_("Check interface XML documents"), nmvirt_cli_validate, FALSE },
    { "convert", N_("Convert interface XML to NetworkManager keyfiles and back"),
      nmvirt_cli_convert, FALSE },
};

const NmvirtCliVerb *
nmvirt_cli_verb_find(const char *name)
{
    for (guint i = 0; i < G_N_ELEMENTS(nmvirt_cli_verbs); i++) {
        if (g_str_equal(name, nmvirt_cli_verbs[i].name))
            return &nmvirt_cli_verbs[i];
    }
    return NULL;
}

void
nmvirt_cli_usage(FILE *stream)
{
    fprintf(stream, "%s\n\n%s\n", _("Usage: nmvirt VERB [OPTION…] [ARGUMENT…]"), _("Verbs:"));
    for (guint i = 0; i < G_N_ELEMENTS(nmvirt_cli_verbs); i++)
        fprintf(stream, "  %-10s %s\n", nmvirt_cli_verbs[i].name, _(nmvirt_cli_verbs[i].summary));
    fprintf(stream, "\n%s\n", _("Run 'nmvirt VERB --help' for the options of a verb."));
}

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
    /* --help prints and exits the process: never nmvirtd's (the command
     * does not hand it over; this is the second guard) */
    if (nmvirt_cli_client_is_shared())
        g_option_context_set_help_enabled(context, FALSE);
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
