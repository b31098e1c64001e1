/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the verbs that talk to NetworkManager share: one client on the
 * default main context, so a verb can run an async call and draw progress
 * from the same loop, and the resolution of an interface argument that may
 * be a name or a MAC address, as in virsh.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "nmvirt-cli.h"
#include "nmvirt-client.h"
#include "nmvirt-error.h"

void
nmvirt_cli_client_result_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GAsyncResult **out = user_data;

    *out = g_object_ref(result);
}

void
nmvirt_cli_client_wait(GAsyncResult **result)
{
    while (*result == NULL)
        g_main_context_iteration(NULL, TRUE);
}

/* nmvirtd's client, which every verb it runs shares */
static NmvirtClient *nmvirt_cli_shared_client;

void
nmvirt_cli_client_set_shared(NmvirtClient *client)
{
    g_set_object(&nmvirt_cli_shared_client, client);
}

gboolean
nmvirt_cli_client_is_shared(void)
{
    return nmvirt_cli_shared_client != NULL;
}

NmvirtClient *
nmvirt_cli_client_new(void)
{
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(NmvirtClient) client = NULL;
    NMClient *nm_client;

    if (nmvirt_cli_shared_client != NULL)
        return g_object_ref(nmvirt_cli_shared_client);
    /* created on the default context: the verbs iterate that context while
     * they wait, and start draws its progress from it */
    nmvirt_client_new_async(NULL, nmvirt_cli_client_result_cb, &result);
    nmvirt_cli_client_wait(&result);
    client = nmvirt_client_new_finish(result, &error);
    if (client == NULL) {
        /* no system bus, or a bus that refuses us: for the user this is
         * the same as a NetworkManager that is not there */
        /* TRANSLATORS: %s is the reason, e.g. that the system bus is absent */
        g_printerr(_("error: NetworkManager is not running: %s\n"), error->message);
        return NULL;
    }
    /* without NetworkManager every call would fail with the same message:
     * say it once, at once, instead of after a timeout */
    nm_client = nmvirt_client_get_nm_client(client);
    if (nm_client == NULL || !nm_client_get_nm_running(nm_client)) {
        g_printerr(_("error: NetworkManager is not running\n"));
        return NULL;
    }
    return g_steal_pointer(&client);
}

gboolean
nmvirt_cli_is_mac(const char *text)
{
    /* an interface name never holds ':', so anything with one that parses
     * as a MAC is meant as a MAC */
    return strchr(text, ':') != NULL && nm_utils_hwaddr_valid(text, 6);
}

static int
nmvirt_cli_client_compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void
nmvirt_cli_sort_names(GStrv names)
{
    qsort(names, g_strv_length(names), sizeof(char *), nmvirt_cli_client_compare_names);
}

char *
nmvirt_cli_client_lookup_mac(NmvirtClient *client, const char *mac, GError **error)
{
    g_auto(GStrv) names = nmvirt_client_lookup_by_mac(client, mac, error);
    guint n_names;

    if (names == NULL)
        return NULL;
    n_names = g_strv_length(names);
    if (n_names == 0) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_NOT_FOUND,
                    _("no interface has the MAC address %s"), mac);
        return NULL;
    }
    if (n_names > 1) {
        g_autofree char *list = NULL;

        nmvirt_cli_sort_names(names);
        list = g_strjoinv(", ", names);
        /* TRANSLATORS: %1$s is a MAC address, %2$s a list of interface names */
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_CONFLICT,
                    _("MAC %1$s matches several interfaces: %2$s"), mac, list);
        return NULL;
    }
    return g_strdup(names[0]);
}

char *
nmvirt_cli_client_resolve(NmvirtClient *client, const char *iface, GError **error)
{
    if (nmvirt_cli_is_mac(iface))
        return nmvirt_cli_client_lookup_mac(client, iface, error);
    return g_strdup(iface);
}

const char *
nmvirt_cli_one_argument(const char *verb, const char *what, int argc, char **argv)
{
    if (argc == 2)
        return argv[1];
    if (argc < 2)
        /* TRANSLATORS: %1$s is a verb, %2$s what it needs, e.g. "an interface" */
        g_printerr(_("nmvirt %1$s: %2$s is needed (see 'nmvirt %1$s --help')\n"), verb, what);
    else
        /* TRANSLATORS: %1$s is a verb, %2$s the first argument too many */
        g_printerr(_("nmvirt %1$s: unexpected argument '%2$s' (see 'nmvirt %1$s --help')\n"), verb,
                   argv[2]);
    return NULL;
}

char *
nmvirt_cli_client_open(const char *verb, int argc, char **argv, NmvirtClient **client)
{
    g_autoptr(GError) error = NULL;
    const char *iface = nmvirt_cli_one_argument(verb, _("an interface"), argc, argv);
    char *name;

    if (iface == NULL)
        return NULL;
    *client = nmvirt_cli_client_new();
    if (*client == NULL)
        return NULL;
    name = nmvirt_cli_client_resolve(*client, iface, &error);
    if (name == NULL)
        nmvirt_cli_print_error(NULL, error);
    return name;
}
