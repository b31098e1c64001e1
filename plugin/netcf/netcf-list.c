/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The calls on the whole configuration: count, list, lookups, define.
 */
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "netcf-private.h"

/* netcf's filter bits as nmvirt's (the values are libvirt's for both);
 * FALSE when @flags selects nothing: netcf matches no interface then,
 * while nmvirt's NONE means all. */
static gboolean
ncf_list_flags(unsigned int flags, NmvirtListFlags *list_flags)
{
    *list_flags = NMVIRT_LIST_FLAGS_NONE;
    if (flags & NETCF_IFACE_ACTIVE)
        *list_flags |= NMVIRT_LIST_FLAGS_ACTIVE;
    if (flags & NETCF_IFACE_INACTIVE)
        *list_flags |= NMVIRT_LIST_FLAGS_INACTIVE;
    return *list_flags != NMVIRT_LIST_FLAGS_NONE;
}

/* The sorted names of the top-level interfaces matching @flags (empty
 * when @flags matches nothing), or NULL with the error recorded. */
static GStrv
ncf_list_names(NcfCall *call, unsigned int flags)
{
    NmvirtListFlags list_flags;
    NmvirtClient *client = NULL;
    g_autoptr(GError) error = NULL;
    GStrv names = NULL;

    if (!ncf_list_flags(flags, &list_flags))
        return g_new0(char *, 1);
    client = ncf_call_client(call);
    if (client == NULL)
        return NULL;
    names = nmvirt_client_list(client, list_flags, &error);
    if (names == NULL)
        ncf_set_gerror(call->ncf, error);
    return names;
}

int
ncf_num_of_interfaces(struct netcf *ncf, unsigned int flags)
{
    g_auto(NcfCall) call = { NULL };
    g_auto(GStrv) names = NULL;

    if (ncf == NULL)
        return -1;
    ncf_call_begin(&call, ncf);
    names = ncf_list_names(&call, flags);
    if (names == NULL)
        return -1;
    return (int)g_strv_length(names);
}

int
ncf_list_interfaces(struct netcf *ncf, int maxnames, char **names, unsigned int flags)
{
    g_auto(NcfCall) call = { NULL };
    g_auto(GStrv) found = NULL;
    int stored = 0;

    if (ncf == NULL)
        return -1;
    ncf_call_begin(&call, ncf);
    if (maxnames < 0 || (maxnames > 0 && names == NULL)) {
        ncf_set_error(ncf, NETCF_EOTHER, _("list interfaces: no room for the names"));
        return -1;
    }
    if (maxnames > 0)
        memset(names, 0, sizeof(char *) * (size_t)maxnames);
    found = ncf_list_names(&call, flags);
    if (found == NULL)
        return -1;
    for (; stored < maxnames && found[stored] != NULL; stored++) {
        names[stored] = ncf_strdup(ncf, found[stored]);
        if (names[stored] == NULL) {
            for (int i = 0; i < stored; i++)
                g_clear_pointer(&names[i], free);
            return -1;
        }
    }
    return stored;
}

struct netcf_if *
ncf_lookup_by_name(struct netcf *ncf, const char *name)
{
    g_auto(NcfCall) call = { NULL };
    g_autoptr(GError) error = NULL;
    NmvirtClient *client = NULL;

    if (ncf == NULL)
        return NULL;
    ncf_call_begin(&call, ncf);
    if (name == NULL) {
        ncf_set_error(ncf, NETCF_EOTHER, _("look up an interface: no name given"));
        return NULL;
    }
    client = ncf_call_client(&call);
    if (client == NULL)
        return NULL;
    if (!nmvirt_client_lookup(client, name, &error)) {
        /* no such top-level interface is no error (libvirt relies on it) */
        if (!g_error_matches(error, NMVIRT_ERROR, NMVIRT_ERROR_NOT_FOUND))
            ncf_set_gerror(ncf, error);
        return NULL;
    }
    return ncf_if_new(ncf, name);
}

int
ncf_lookup_by_mac_string(struct netcf *ncf, const char *mac, int maxifaces,
                         struct netcf_if **ifaces)
{
    g_auto(NcfCall) call = { NULL };
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) found = NULL;
    NmvirtClient *client = NULL;
    guint count = 0;

    if (ncf == NULL)
        return -1;
    ncf_call_begin(&call, ncf);
    if (mac == NULL || maxifaces < 0 || (maxifaces > 0 && ifaces == NULL)) {
        ncf_set_error(ncf, NETCF_EOTHER, _("look up by MAC address: invalid arguments"));
        return -1;
    }
    if (maxifaces > 0)
        memset(ifaces, 0, sizeof(struct netcf_if *) * (size_t)maxifaces);
    client = ncf_call_client(&call);
    if (client == NULL)
        return -1;
    found = nmvirt_client_lookup_by_mac(client, mac, &error);
    if (found == NULL) {
        ncf_set_gerror(ncf, error);
        return -1;
    }
    count = g_strv_length(found);
    for (guint i = 0; i < count && i < (guint)maxifaces; i++)
        ifaces[i] = ncf_if_new(ncf, found[i]);
    return (int)count;
}

struct netcf_if *
ncf_define(struct netcf *ncf, const char *xml)
{
    g_auto(NcfCall) call = { NULL };
    g_autoptr(GError) error = NULL;
    g_autofree char *name = NULL;
    NmvirtClient *client = NULL;

    if (ncf == NULL)
        return NULL;
    ncf_call_begin(&call, ncf);
    if (xml == NULL) {
        ncf_set_error(ncf, NETCF_EXMLPARSER, _("define an interface: no XML given"));
        return NULL;
    }
    client = ncf_call_writer(&call);
    if (client == NULL)
        return NULL;
    name = nmvirt_client_define(client, xml, NULL, &error);
    if (name == NULL) {
        ncf_set_gerror(ncf, error);
        return NULL;
    }
    return ncf_if_new(ncf, name);
}
