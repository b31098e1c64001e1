/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The error state of a struct netcf: ncf_error(), and nmvirt's error codes
 * as netcf's. netcf's codes name what failed inside netcf (an XSLT, an
 * ioctl, an external program); nmvirt's say what the caller can do. The
 * table keeps the ones libvirt treats apart (NETCF_EXMLINVALID becomes an
 * XML error, NETCF_EINVALIDOP an invalid operation, everything else an
 * internal error) and puts nmvirt's message in the details, where libvirt
 * shows it: "<what libvirt did>: <text of the code> - <details>".
 */
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "netcf-private.h"

/* Indexed by netcf_errcode_t. */
static const char *const ncf_error_texts[] = {
    [NETCF_NOERROR] = N_("no error"),
    [NETCF_EINTERNAL] = N_("internal error"),
    [NETCF_EOTHER] = N_("unspecified error"),
    [NETCF_ENOMEM] = N_("allocation failed"),
    [NETCF_EXMLPARSER] = N_("XML parser failed"),
    [NETCF_EXMLINVALID] = N_("XML invalid"),
    [NETCF_ENOENT] = N_("required entry missing"),
    [NETCF_EEXEC] = N_("failed to execute external program"),
    [NETCF_EINUSE] = N_("instance still in use"),
    [NETCF_EXSLTFAILED] = N_("XSLT transformation failed"),
    [NETCF_EFILE] = N_("File operation failed"),
    [NETCF_EIOCTL] = N_("ioctl operation failed"),
    [NETCF_ENETLINK] = N_("NETLINK socket operation failed"),
    [NETCF_EINVALIDOP] = N_("Operation invalid in this state"),
};

/* Indexed by NmvirtError. */
static const netcf_errcode_t ncf_error_codes[] = {
    [NMVIRT_ERROR_INTERNAL] = NETCF_EINTERNAL,
    [NMVIRT_ERROR_INVALID_XML] = NETCF_EXMLINVALID,
    /* valid XML that NetworkManager cannot hold, or a profile the XML
     * cannot describe: the details say which setting */
    [NMVIRT_ERROR_UNSUPPORTED] = NETCF_EOTHER,
    [NMVIRT_ERROR_NOT_FOUND] = NETCF_ENOENT,
    /* e.g. starting an interface that is active */
    [NMVIRT_ERROR_EXISTS] = NETCF_EINVALIDOP,
    [NMVIRT_ERROR_CONFLICT] = NETCF_EOTHER,
    [NMVIRT_ERROR_INVALID_PROFILE] = NETCF_EOTHER,
    /* NetworkManager not running, or failing a request */
    [NMVIRT_ERROR_DAEMON] = NETCF_EOTHER,
    [NMVIRT_ERROR_PERMISSION_DENIED] = NETCF_EOTHER,
    /* netcf's "failed to become active" was NETCF_EOTHER too */
    [NMVIRT_ERROR_ACTIVATION_FAILED] = NETCF_EOTHER,
    [NMVIRT_ERROR_TIMEOUT] = NETCF_EOTHER,
    [NMVIRT_ERROR_TRANSACTION] = NETCF_EINVALIDOP,
    [NMVIRT_ERROR_IO] = NETCF_EFILE,
};
G_STATIC_ASSERT(G_N_ELEMENTS(ncf_error_codes) == NMVIRT_ERROR_LAST);

void
ncf_clear_error(struct netcf *ncf)
{
    ncf->errcode = NETCF_NOERROR;
    g_clear_pointer(&ncf->details, g_free);
}

void
ncf_set_error(struct netcf *ncf, netcf_errcode_t code, const char *details)
{
    ncf->errcode = code;
    g_free(ncf->details);
    ncf->details = g_strdup(details);
}

void
ncf_set_gerror(struct netcf *ncf, const GError *error)
{
    g_autoptr(GError) converted = g_error_copy(error);

    nmvirt_error_convert(&converted);
    if ((guint)converted->code < G_N_ELEMENTS(ncf_error_codes))
        ncf_set_error(ncf, ncf_error_codes[converted->code], converted->message);
    else
        ncf_set_error(ncf, NETCF_EINTERNAL, converted->message);
}

char *
ncf_strdup(struct netcf *ncf, const char *text)
{
    char *copy = strdup(text);

    if (copy == NULL)
        ncf_set_error(ncf, NETCF_ENOMEM, NULL);
    return copy;
}

int
ncf_error(struct netcf *ncf, const char **errmsg, const char **details)
{
    netcf_errcode_t code;

    if (ncf == NULL) {
        if (errmsg != NULL)
            *errmsg = g_dgettext(GETTEXT_PACKAGE, ncf_error_texts[NETCF_EINTERNAL]);
        if (details != NULL)
            *details = NULL;
        return NETCF_EINTERNAL;
    }
    g_mutex_lock(&ncf->lock);
    code = ncf->errcode;
    if (errmsg != NULL)
        *errmsg = g_dgettext(GETTEXT_PACKAGE, ncf_error_texts[code]);
    if (details != NULL)
        *details = ncf->details;
    g_mutex_unlock(&ncf->lock);
    return code;
}
