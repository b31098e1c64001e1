/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * nmvirtd's NmvirtClient and how current its cache is.
 *
 * libnm keeps NMClient's cache current from NetworkManager's signals, but
 * a request on our socket does not wait for them: nmcli may change a
 * profile and exit, and our request arrive before the "Updated" signal of
 * that change is handled here. Before each verb the client catches up
 * (nmvirt_client_catch_up(): two round trips to NetworkManager on the
 * client's own connection, after which it has handled every signal sent
 * before the request and fetched the settings they announced).
 *
 * When NetworkManager restarts, libnm refills its cache profile by profile;
 * a new client is made instead, and requests wait until it is loaded.
 */
#include "config.h"

#include "nmvirtd-client.h"

#include "cli/nmvirt-cli.h"
#include "nmvirt-client-private.h"
#include "nmvirt-error.h"

/* how long a request waits for the client being loaded */
#define NMVIRTD_CLIENT_LOAD_WAIT_S 20
/* how long after a failed load (no system bus) it tries again */
#define NMVIRTD_CLIENT_RETRY_S 5

static NmvirtClient *nmvirtd_client;
static GCancellable *nmvirtd_client_cancellable;
/* the NetworkManager the client was loaded from */
static char *nmvirtd_client_owner;
static gulong nmvirtd_client_owner_handler;
static gboolean nmvirtd_client_loading;

static void nmvirtd_client_load(void);

static void
nmvirtd_client_drop(void)
{
    if (nmvirtd_client != NULL) {
        g_clear_signal_handler(&nmvirtd_client_owner_handler,
                               nmvirt_client_get_nm_client(nmvirtd_client));
        nmvirt_cli_client_set_shared(NULL);
        g_clear_object(&nmvirtd_client);
    }
    g_clear_pointer(&nmvirtd_client_owner, g_free);
}

static gboolean
nmvirtd_client_reload_cb(gpointer user_data)
{
    nmvirtd_client_drop();
    nmvirtd_client_load();
    return G_SOURCE_REMOVE;
}

static void
nmvirtd_client_owner_changed_cb(GObject *object, GParamSpec *pspec, gpointer user_data)
{
    const char *owner = nm_client_get_dbus_name_owner(NM_CLIENT(object));

    if (g_strcmp0(owner, nmvirtd_client_owner) == 0)
        return;
    g_message("NetworkManager %s; reloading", owner != NULL ? "restarted" : "stopped");
    /* not from inside libnm's own notification */
    g_idle_add(nmvirtd_client_reload_cb, NULL);
}

static void
nmvirtd_client_loaded_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GError) error = NULL;
    NmvirtClient *client = nmvirt_client_new_finish(result, &error);
    NMClient *nm_client;

    if (client == NULL) {
        if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
            g_warning("cannot reach NetworkManager: %s; trying again in %d s", error->message,
                      NMVIRTD_CLIENT_RETRY_S);
            nmvirtd_client_loading = FALSE;
            g_clear_object(&nmvirtd_client_cancellable);
            g_timeout_add_seconds(NMVIRTD_CLIENT_RETRY_S, nmvirtd_client_reload_cb, NULL);
        }
        return;
    }
    g_clear_object(&nmvirtd_client_cancellable);
    nmvirtd_client_loading = FALSE;
    nmvirtd_client = client;
    nm_client = nmvirt_client_get_nm_client(client);
    nmvirtd_client_owner = g_strdup(nm_client_get_dbus_name_owner(nm_client));
    /* a restart, or NetworkManager starting after us */
    nmvirtd_client_owner_handler =
        g_signal_connect(nm_client, "notify::" NM_CLIENT_DBUS_NAME_OWNER,
                         G_CALLBACK(nmvirtd_client_owner_changed_cb), NULL);
    if (nmvirtd_client_owner != NULL)
        nmvirt_cli_client_set_shared(client);
    g_message("NetworkManager %s", nmvirtd_client_owner != NULL ? "loaded" : "not running");
}

static void
nmvirtd_client_load(void)
{
    g_cancellable_cancel(nmvirtd_client_cancellable);
    g_clear_object(&nmvirtd_client_cancellable);
    nmvirtd_client_cancellable = g_cancellable_new();
    nmvirtd_client_loading = TRUE;
    nmvirt_client_new_async(nmvirtd_client_cancellable, nmvirtd_client_loaded_cb, NULL);
}

void
nmvirtd_client_start(void)
{
    nmvirtd_client_load();
}

void
nmvirtd_client_stop(void)
{
    g_cancellable_cancel(nmvirtd_client_cancellable);
    g_clear_object(&nmvirtd_client_cancellable);
    nmvirtd_client_loading = FALSE;
    nmvirtd_client_drop();
}

static void
nmvirtd_client_expire_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    gboolean *done = user_data;
    g_autoptr(GError) error = NULL;

    if (!nmvirt_client_transaction_expire_finish(NMVIRT_CLIENT(source), result, &error) &&
        !g_error_matches(error, NMVIRT_ERROR, NMVIRT_ERROR_PERMISSION_DENIED))
        g_warning("rolling back a transaction whose timeout passed: %s", error->message);
    *done = TRUE;
}

static gboolean
nmvirtd_client_flag_cb(gpointer user_data)
{
    *(gboolean *)user_data = TRUE;
    return G_SOURCE_REMOVE;
}

NmvirtClient *
nmvirtd_client_get_current(const char **why)
{
    g_autoptr(NmvirtClient) client = NULL;
    gboolean expired_done = FALSE;
    NMClient *nm_client;

    /* started by the first command (socket activation), or after a
     * restart: the command would load as much itself, so wait */
    if (nmvirtd_client_loading) {
        gboolean timed_out = FALSE;
        guint wake =
            g_timeout_add_seconds(NMVIRTD_CLIENT_LOAD_WAIT_S, nmvirtd_client_flag_cb, &timed_out);

        while (nmvirtd_client_loading && !timed_out)
            g_main_context_iteration(NULL, TRUE);
        if (!timed_out)
            g_source_remove(wake);
    }
    if (nmvirtd_client == NULL || nmvirtd_client_owner == NULL) {
        *why = "NetworkManager not loaded";
        return NULL;
    }
    client = g_object_ref(nmvirtd_client);
    nm_client = nmvirt_client_get_nm_client(client);
    nmvirt_client_catch_up(client, NULL, NULL);
    /* a restart noticed meanwhile drops the client (from an idle) */
    if (client != nmvirtd_client || !nm_client_get_nm_running(nm_client) ||
        g_strcmp0(nm_client_get_dbus_name_owner(nm_client), nmvirtd_client_owner) != 0) {
        *why = "NetworkManager restarted or did not answer";
        return NULL;
    }
    /* as every command does when it makes its client: a transaction whose
     * timeout passed (and whose timer is gone) is rolled back first */
    nmvirt_client_transaction_expire_async(client, NULL, FALSE, nmvirtd_client_expire_cb,
                                           &expired_done);
    while (!expired_done)
        g_main_context_iteration(NULL, TRUE);
    return g_steal_pointer(&client);
}
