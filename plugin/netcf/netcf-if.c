/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The calls on one interface (struct netcf_if): name, MAC, up, down,
 * undefine, the XML documents, the status. Errors are recorded on the
 * struct netcf the handle came from.
 */
#include <glib/gi18n-lib.h>

#include "netcf-private.h"

const char *
ncf_if_name(struct netcf_if *nif)
{
    g_auto(NcfCall) call = { NULL };

    if (nif == NULL)
        return NULL;
    ncf_call_begin(&call, nif->ncf);
    return nif->name;
}

/* Begins a call on @nif and gives the client: NULL for no handle, or with
 * the error recorded. */
static NmvirtClient *
ncf_if_call_client(NcfCall *call, struct netcf_if *nif)
{
    if (nif == NULL)
        return NULL;
    ncf_call_begin(call, nif->ncf);
    return ncf_call_client(call);
}

const char *
ncf_if_mac_string(struct netcf_if *nif)
{
    g_auto(NcfCall) call = { NULL };
    g_autoptr(GError) error = NULL;
    NmvirtClient *client = NULL;

    client = ncf_if_call_client(&call, nif);
    if (client == NULL)
        return NULL;
    g_clear_pointer(&nif->mac, g_free);
    /* NULL without an error: the interface has no address (yet) */
    nif->mac = nmvirt_client_get_mac(client, nif->name, &error);
    if (error != NULL)
        ncf_set_gerror(nif->ncf, error);
    return nif->mac;
}

int
ncf_if_up(struct netcf_if *nif)
{
    g_auto(NcfCall) call = { NULL };
    g_autoptr(GError) error = NULL;
    NmvirtClient *client = NULL;

    client = ncf_if_call_client(&call, nif);
    if (client == NULL)
        return -1;
    if (nmvirt_client_start(client, nif->name, nif->ncf->up_timeout_ms, NULL, &error))
        return 0;
    /* netcf's up has no "already up" check: an active interface is what
     * up promises (libvirt checks the status before calling) */
    if (g_error_matches(error, NMVIRT_ERROR, NMVIRT_ERROR_EXISTS))
        return 0;
    ncf_set_gerror(nif->ncf, error);
    return -1;
}

int
ncf_if_down(struct netcf_if *nif)
{
    g_auto(NcfCall) call = { NULL };
    g_autoptr(GError) error = NULL;
    NmvirtClient *client = NULL;

    client = ncf_if_call_client(&call, nif);
    if (client == NULL)
        return -1;
    if (nmvirt_client_stop(client, nif->name, NULL, &error))
        return 0;
    /* nothing of it active: down already, as netcf's ifdown would leave it */
    if (g_error_matches(error, NMVIRT_ERROR, NMVIRT_ERROR_NOT_FOUND)) {
        g_autoptr(GError) lookup_error = NULL;

        if (nmvirt_client_lookup(client, nif->name, &lookup_error))
            return 0;
    }
    ncf_set_gerror(nif->ncf, error);
    return -1;
}

int
ncf_if_undefine(struct netcf_if *nif)
{
    g_auto(NcfCall) call = { NULL };
    g_autoptr(GError) error = NULL;
    NmvirtClient *client = NULL;

    if (nif == NULL)
        return -1;
    ncf_call_begin(&call, nif->ncf);
    client = ncf_call_writer(&call);
    if (client == NULL)
        return -1;
    if (nmvirt_client_undefine(client, nif->name, NULL, &error))
        return 0;
    ncf_set_gerror(nif->ncf, error);
    return -1;
}

static char *
ncf_if_xml(struct netcf_if *nif, NmvirtXmlFlags flags)
{
    g_auto(NcfCall) call = { NULL };
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;
    NmvirtClient *client = NULL;

    client = ncf_if_call_client(&call, nif);
    if (client == NULL)
        return NULL;
    xml = nmvirt_client_get_xml(client, nif->name, flags, &error);
    if (xml == NULL) {
        ncf_set_gerror(nif->ncf, error);
        return NULL;
    }
    return ncf_strdup(nif->ncf, xml);
}

char *
ncf_if_xml_desc(struct netcf_if *nif)
{
    return ncf_if_xml(nif, NMVIRT_XML_FLAGS_INACTIVE);
}

/* The live document while the interface is active; for an inactive one
 * (libvirt never asks) nmvirt gives the configuration. */
char *
ncf_if_xml_state(struct netcf_if *nif)
{
    return ncf_if_xml(nif, NMVIRT_XML_FLAGS_NONE);
}

int
ncf_if_status(struct netcf_if *nif, unsigned int *flags)
{
    g_auto(NcfCall) call = { NULL };
    g_autoptr(GError) error = NULL;
    NmvirtClient *client = NULL;
    gboolean active = FALSE;

    if (nif == NULL)
        return -1;
    ncf_call_begin(&call, nif->ncf);
    if (flags == NULL) {
        ncf_set_error(nif->ncf, NETCF_EOTHER, _("interface status: no place for the flags"));
        return -1;
    }
    client = ncf_call_client(&call);
    if (client == NULL)
        return -1;
    if (!nmvirt_client_is_active(client, nif->name, &active, &error)) {
        ncf_set_gerror(nif->ncf, error);
        return -1;
    }
    *flags = active ? NETCF_IFACE_ACTIVE : NETCF_IFACE_INACTIVE;
    return 0;
}
