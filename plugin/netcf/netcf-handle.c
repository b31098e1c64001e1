/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * ncf_init, ncf_close, interface handles, and the call scope: the lock,
 * the error reset, and the client's main context owned by the calling
 * thread.
 */
#include <glib/gi18n-lib.h>

#include "netcf-private.h"

/* Makes the client. Without NetworkManager it is made all the same (calls
 * then fail at once and work again when it is back); only a missing system
 * bus fails, and then the next call tries again. */
static gboolean
ncf_client_ensure(struct netcf *ncf, GError **error)
{
    NmvirtClient *client = NULL;

    if (ncf->client != NULL)
        return TRUE;
    client = nmvirt_client_new(NULL, error);
    if (client == NULL)
        return FALSE;
    ncf->context =
        g_main_context_ref(nm_client_get_main_context(nmvirt_client_get_nm_client(client)));
    ncf->client = client;
    return TRUE;
}

static void
ncf_client_release(struct netcf *ncf)
{
    if (ncf->client == NULL)
        return;
    /* disposing iterates the context until libnm is done with it */
    g_main_context_push_thread_default(ncf->context);
    g_clear_object(&ncf->client);
    g_main_context_pop_thread_default(ncf->context);
    g_clear_pointer(&ncf->context, g_main_context_unref);
}

void
ncf_call_begin(NcfCall *call, struct netcf *ncf)
{
    call->ncf = ncf;
    call->pushed = FALSE;
    g_mutex_lock(&ncf->lock);
    ncf_clear_error(ncf);
}

void
ncf_call_end(NcfCall *call)
{
    if (call->ncf == NULL)
        return;
    if (call->pushed) {
        g_main_context_pop_thread_default(call->ncf->context);
        g_main_context_release(call->ncf->context);
    }
    g_mutex_unlock(&call->ncf->lock);
    call->ncf = NULL;
}

NmvirtClient *
ncf_call_writer(NcfCall *call)
{
    struct netcf *ncf = call->ncf;
    g_autoptr(GError) error = NULL;

    if (call->pushed)
        return ncf->client;
    if (!ncf_client_ensure(ncf, &error)) {
        ncf_set_gerror(ncf, error);
        return NULL;
    }
    /* nobody else owns it: every user holds the lock */
    if (!g_main_context_acquire(ncf->context)) {
        ncf_set_error(ncf, NETCF_EINTERNAL,
                      _("the NetworkManager client's main context is owned by another thread"));
        return NULL;
    }
    g_main_context_push_thread_default(ncf->context);
    call->pushed = TRUE;
    return ncf->client;
}

NmvirtClient *
ncf_call_client(NcfCall *call)
{
    gboolean first = !call->pushed;
    NmvirtClient *client = ncf_call_writer(call);

    /* libvirtd keeps the handle for its lifetime: a profile nmcli changed a
     * moment ago must show in this call's answer (nmvirtd does the same);
     * once per call */
    if (client != NULL && first)
        nmvirt_client_catch_up(client, NULL, NULL);
    return client;
}

static guint
ncf_up_timeout_ms(void)
{
    const char *value = g_getenv(NCF_UP_TIMEOUT_ENV);
    guint64 seconds = 0;

    if (value == NULL)
        return NMVIRT_CLIENT_START_TIMEOUT_MS;
    if (!g_ascii_string_to_unsigned(value, 10, 1, 3600, &seconds, NULL)) {
        g_warning("%s=%s: not a number of seconds from 1 to 3600; using %u s", NCF_UP_TIMEOUT_ENV,
                  value, NMVIRT_CLIENT_START_TIMEOUT_MS / 1000);
        return NMVIRT_CLIENT_START_TIMEOUT_MS;
    }
    return (guint)seconds * 1000;
}

int
ncf_init(struct netcf **netcf, const char *root)
{
    struct netcf *ncf = NULL;
    g_autoptr(GError) error = NULL;

    if (netcf == NULL)
        return -2;
    ncf = g_try_new0(struct netcf, 1);
    *netcf = ncf;
    if (ncf == NULL)
        return -2;
    g_mutex_init(&ncf->lock);
    ncf->up_timeout_ms = ncf_up_timeout_ms();

    /* netcf's root let it edit config files below another directory;
     * nmvirt talks to the running NetworkManager, so any other root would
     * silently act on the real system */
    if (root != NULL && *root != '\0' && g_strcmp0(root, "/") != 0) {
        g_autofree char *message =
            g_strdup_printf(_("root directory '%s' is not supported: nmvirt configures the "
                              "running NetworkManager; use NULL or '/'"),
                            root);

        ncf_set_error(ncf, NETCF_EFILE, message);
        return -1;
    }
    if (!ncf_client_ensure(ncf, &error))
        g_debug("netcf: no client yet: %s", error->message);
    return 0;
}

int
ncf_close(struct netcf *ncf)
{
    if (ncf == NULL)
        return 0;
    g_mutex_lock(&ncf->lock);
    ncf_clear_error(ncf);
    if (ncf->n_handles > 0) {
        g_autofree char *message =
            g_strdup_printf(g_dngettext(GETTEXT_PACKAGE, "%u interface handle is still in use",
                                        "%u interface handles are still in use", ncf->n_handles),
                            ncf->n_handles);

        ncf_set_error(ncf, NETCF_EINUSE, message);
        g_mutex_unlock(&ncf->lock);
        return -1;
    }
    g_mutex_unlock(&ncf->lock);

    ncf_client_release(ncf);
    ncf_clear_error(ncf);
    g_mutex_clear(&ncf->lock);
    g_free(ncf);
    return 0;
}

struct netcf_if *
ncf_if_new(struct netcf *ncf, const char *name)
{
    struct netcf_if *nif = g_new0(struct netcf_if, 1);

    nif->ncf = ncf;
    nif->name = g_strdup(name);
    ncf->n_handles++;
    return nif;
}

void
ncf_if_free(struct netcf_if *nif)
{
    if (nif == NULL)
        return;
    g_mutex_lock(&nif->ncf->lock);
    nif->ncf->n_handles--;
    g_mutex_unlock(&nif->ncf->lock);
    g_free(nif->name);
    g_free(nif->mac);
    g_free(nif);
}
