/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Transactions: ncf_change_begin/commit/rollback over NmvirtClient's. Like
 * netcf's, they are host-wide and outlive the process (libvirt may begin
 * in one daemon run and commit in the next); nmvirt's journal is the
 * transaction. A call in the wrong state (a second begin, a commit or
 * rollback with none open) is NMVIRT_ERROR_TRANSACTION, NETCF_EINVALIDOP.
 * netcf has no timeout: none is set.
 */
#include <glib/gi18n-lib.h>

#include "netcf-private.h"

typedef enum {
    NCF_CHANGE_BEGIN,
    NCF_CHANGE_COMMIT,
    NCF_CHANGE_ROLLBACK,
} NcfChange;

static int
ncf_change(struct netcf *ncf, unsigned int flags, NcfChange change)
{
    g_auto(NcfCall) call = { NULL };
    g_autoptr(GError) error = NULL;
    NmvirtClient *client = NULL;
    gboolean done = FALSE;

    if (ncf == NULL)
        return -1;
    ncf_call_begin(&call, ncf);
    if (flags != 0) {
        g_autofree char *message = g_strdup_printf(
            _("transaction: unsupported flags 0x%x (there are none; use 0)"), flags);

        ncf_set_error(ncf, NETCF_EOTHER, message);
        return -1;
    }
    client = ncf_call_writer(&call);
    if (client == NULL)
        return -1;
    switch (change) {
    case NCF_CHANGE_BEGIN:
        done = nmvirt_client_change_begin(client, 0, NULL, &error);
        break;
    case NCF_CHANGE_COMMIT:
        done = nmvirt_client_change_commit(client, NULL, &error);
        break;
    case NCF_CHANGE_ROLLBACK:
        done = nmvirt_client_change_rollback(client, NULL, &error);
        break;
    }
    if (done)
        return 0;
    ncf_set_gerror(ncf, error);
    return -1;
}

int
ncf_change_begin(struct netcf *ncf, unsigned int flags)
{
    return ncf_change(ncf, flags, NCF_CHANGE_BEGIN);
}

int
ncf_change_commit(struct netcf *ncf, unsigned int flags)
{
    return ncf_change(ncf, flags, NCF_CHANGE_COMMIT);
}

int
ncf_change_rollback(struct netcf *ncf, unsigned int flags)
{
    return ncf_change(ncf, flags, NCF_CHANGE_ROLLBACK);
}
