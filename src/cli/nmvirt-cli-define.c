/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The verbs that write configuration: define, undefine and edit, as virsh's
 * iface-define, iface-undefine and iface-edit. None of them activates or
 * deactivates anything.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "nmvirt-cli.h"
#include "nmvirt-client.h"
#include "nmvirt-error.h"

/* Defines @xml; returns the name of the interface it describes. */
static char *
nmvirt_cli_define_xml(NmvirtClient *client, const char *xml, GError **error)
{
    g_autoptr(GAsyncResult) result = NULL;

    nmvirt_client_define_async(client, xml, NULL, nmvirt_cli_client_result_cb, &result);
    nmvirt_cli_client_wait(&result);
    return nmvirt_client_define_finish(client, result, error);
}

/* nmvirt define [--validate] FILE */
int
nmvirt_cli_define(int argc, char **argv)
{
    gboolean validate = FALSE;
    const GOptionEntry entries[] = {
        { "validate", 0, 0, G_OPTION_ARG_NONE, &validate,
          N_("Accepted for virsh compatibility: documents are always validated"), NULL },
        { NULL },
    };
    g_autoptr(NmvirtClient) client = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *name = NULL;
    const char *file;

    if (!nmvirt_cli_parse_options(
            "define", _("FILE"),
            _("Define the interface that the interface XML document FILE describes: create its "
              "NetworkManager profiles, or update them in place. Nothing is activated or "
              "deactivated."),
            entries, &argc, &argv))
        return NMVIRT_CLI_EXIT_ERROR;
    file = nmvirt_cli_one_argument("define", _("a file"), argc, argv);
    if (file == NULL)
        return NMVIRT_CLI_EXIT_ERROR;
    /* a missing file is an error whether NetworkManager runs or not */
    if (!g_file_get_contents(file, &xml, NULL, &error)) {
        nmvirt_cli_print_error(NULL, error);
        return NMVIRT_CLI_EXIT_ERROR;
    }
    client = nmvirt_cli_client_new();
    if (client == NULL)
        return NMVIRT_CLI_EXIT_ERROR;
    name = nmvirt_cli_define_xml(client, xml, &error);
    if (name == NULL) {
        /* TRANSLATORS: %1$s is a file name, %2$s the reason */
        g_printerr(_("error: %1$s: %2$s\n"), file, error->message);
        return NMVIRT_CLI_EXIT_ERROR;
    }
    /* TRANSLATORS: %1$s is an interface name, %2$s a file name */
    g_print(_("Interface %1$s defined from %2$s\n"), name, file);
    return NMVIRT_CLI_EXIT_OK;
}

/* nmvirt undefine IFACE */
int
nmvirt_cli_undefine(int argc, char **argv)
{
    g_autoptr(NmvirtClient) client = NULL;
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *name = NULL;

    if (!nmvirt_cli_parse_options(
            "undefine", _("IFACE"),
            _("Delete the NetworkManager profiles of IFACE (a name or a MAC address), its ports "
              "and members included, and give back autoconnect to the profiles its define "
              "suspended. An active interface stays up until it is stopped."),
            NULL, &argc, &argv))
        return NMVIRT_CLI_EXIT_ERROR;
    name = nmvirt_cli_client_open("undefine", argc, argv, &client);
    if (name == NULL)
        return NMVIRT_CLI_EXIT_ERROR;
    nmvirt_client_undefine_async(client, name, NULL, nmvirt_cli_client_result_cb, &result);
    nmvirt_cli_client_wait(&result);
    if (!nmvirt_client_undefine_finish(client, result, &error)) {
        nmvirt_cli_print_error(NULL, error);
        return NMVIRT_CLI_EXIT_ERROR;
    }
    /* TRANSLATORS: %s is an interface name */
    g_print(_("Interface %s undefined\n"), name);
    return NMVIRT_CLI_EXIT_OK;
}

/* Runs the user's editor on @path: $VISUAL, then $EDITOR, then vi. The
 * variable is split into words as a shell would (so EDITOR="emacs -nw"
 * works) but no shell runs, so nothing in it or in @path is expanded. */
static gboolean
nmvirt_cli_edit_run_editor(const char *path, GError **error)
{
    const char *editor = g_getenv("VISUAL");
    g_auto(GStrv) words = NULL;
    g_autoptr(GPtrArray) args = g_ptr_array_new();
    int wait_status = 0;
    int words_len = 0;

    if (editor == NULL || *editor == '\0')
        editor = g_getenv("EDITOR");
    if (editor == NULL || *editor == '\0')
        editor = "vi";
    if (!g_shell_parse_argv(editor, &words_len, &words, error)) {
        g_prefix_error(error, _("cannot parse the editor command '%s': "), editor);
        return FALSE;
    }
    for (int i = 0; i < words_len; i++)
        g_ptr_array_add(args, words[i]);
    g_ptr_array_add(args, (char *)path);
    g_ptr_array_add(args, NULL);
    /* the editor owns the terminal: stdin, stdout and stderr are ours */
    if (!g_spawn_sync(NULL, (char **)args->pdata, NULL,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL, NULL, NULL,
                      &wait_status, error) ||
        !g_spawn_check_wait_status(wait_status, error)) {
        g_prefix_error(error, _("editor '%s' failed: "), editor);
        return FALSE;
    }
    return TRUE;
}

/* On a terminal, after a failed define, as virsh: edit again? */
static gboolean
nmvirt_cli_edit_ask_again(void)
{
    char answer[16];

    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return FALSE;
    for (;;) {
        /* TRANSLATORS: the answers are y and n, not translated */
        g_print(_("Failed. Try again? [y,n]: "));
        fflush(stdout);
        if (fgets(answer, sizeof(answer), stdin) == NULL)
            return FALSE;
        if (answer[0] == 'y' || answer[0] == 'Y')
            return TRUE;
        if (answer[0] == 'n' || answer[0] == 'N')
            return FALSE;
    }
}

/* nmvirt edit IFACE */
int
nmvirt_cli_edit(int argc, char **argv)
{
    g_autoptr(NmvirtClient) client = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *name = NULL;
    g_autofree char *original = NULL;
    g_autofree char *path = NULL;
    const char *iface;
    int fd;
    int rc = NMVIRT_CLI_EXIT_ERROR;

    if (!nmvirt_cli_parse_options(
            "edit", _("IFACE"),
            _("Edit the configuration of IFACE (a name or a MAC address) in $VISUAL, $EDITOR "
              "or vi, then define the result, as virsh iface-edit does."),
            NULL, &argc, &argv))
        return NMVIRT_CLI_EXIT_ERROR;
    iface = nmvirt_cli_one_argument("edit", _("an interface"), argc, argv);
    if (iface == NULL)
        return NMVIRT_CLI_EXIT_ERROR;
    client = nmvirt_cli_client_new();
    if (client == NULL)
        return NMVIRT_CLI_EXIT_ERROR;
    name = nmvirt_cli_client_resolve(client, iface, &error);
    if (name != NULL)
        original = nmvirt_client_get_xml(client, name, NMVIRT_XML_FLAGS_INACTIVE, &error);
    if (original == NULL) {
        nmvirt_cli_print_error(NULL, error);
        return NMVIRT_CLI_EXIT_ERROR;
    }

    /* g_file_open_tmp() creates the file with mode 0600 */
    fd = g_file_open_tmp("nmvirt-XXXXXX.xml", &path, &error);
    if (fd < 0) {
        nmvirt_cli_print_error(NULL, error);
        return NMVIRT_CLI_EXIT_ERROR;
    }
    close(fd);
    if (!g_file_set_contents_full(path, original, -1, G_FILE_SET_CONTENTS_NONE, 0600, &error)) {
        nmvirt_cli_print_error(NULL, error);
        goto out;
    }

    for (;;) {
        g_autofree char *edited = NULL;
        g_autofree char *defined = NULL;

        if (!nmvirt_cli_edit_run_editor(path, &error) ||
            !g_file_get_contents(path, &edited, NULL, &error)) {
            nmvirt_cli_print_error(NULL, error);
            goto out;
        }
        if (g_str_equal(edited, original)) {
            /* TRANSLATORS: %s is an interface name */
            g_print(_("Interface %s XML configuration not changed.\n"), name);
            rc = NMVIRT_CLI_EXIT_OK;
            goto out;
        }
        defined = nmvirt_cli_define_xml(client, edited, &error);
        if (defined != NULL) {
            /* TRANSLATORS: %s is an interface name */
            g_print(_("Interface %s XML configuration edited.\n"), defined);
            rc = NMVIRT_CLI_EXIT_OK;
            goto out;
        }
        nmvirt_cli_print_error(NULL, error);
        g_clear_error(&error);
        if (!nmvirt_cli_edit_ask_again()) {
            /* TRANSLATORS: %s is a file name */
            g_printerr(_("error: the edited document is kept in %s\n"), path);
            g_clear_pointer(&path, g_free);
            return NMVIRT_CLI_EXIT_ERROR;
        }
    }
out:
    if (path != NULL)
        g_unlink(path);
    return rc;
}
