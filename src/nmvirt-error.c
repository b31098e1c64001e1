/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <gio/gio.h>
#include <NetworkManager.h>

#include "nmvirt-error.h"

/**
 * SECTION:nmvirt-error
 * @short_description: the nmvirt error domain
 *
 * Every #GError nmvirt returns is in #NMVIRT_ERROR. Foreign errors are
 * converted once, where they enter the library, by nmvirt_error_convert().
 */

/**
 * nmvirt_error_quark:
 *
 * Returns: the #GQuark of #NMVIRT_ERROR, named `nmvirt-error-quark`
 *
 * Since: 0.1
 */
GQuark
nmvirt_error_quark(void)
{
    /* spelled out rather than G_DEFINE_QUARK(nmvirt-error-quark, …):
     * clang-format puts spaces around the '-' there, which the macro then
     * stringifies into the domain name */
    return g_quark_from_static_string("nmvirt-error-quark");
}

/**
 * nmvirt_error_to_string:
 * @error: an #NmvirtError
 *
 * Returns: (transfer none) (nullable): a stable identifier for @error, e.g.
 *   `invalid-xml`, or %NULL for a code that is not an #NmvirtError
 *
 * Since: 0.1
 */
const char *
nmvirt_error_to_string(NmvirtError error)
{
    static const char *const names[] = {
        [NMVIRT_ERROR_INTERNAL] = "internal",
        [NMVIRT_ERROR_INVALID_XML] = "invalid-xml",
        [NMVIRT_ERROR_UNSUPPORTED] = "unsupported",
        [NMVIRT_ERROR_NOT_FOUND] = "not-found",
        [NMVIRT_ERROR_EXISTS] = "exists",
        [NMVIRT_ERROR_CONFLICT] = "conflict",
        [NMVIRT_ERROR_INVALID_PROFILE] = "invalid-profile",
        [NMVIRT_ERROR_DAEMON] = "daemon",
        [NMVIRT_ERROR_PERMISSION_DENIED] = "permission-denied",
        [NMVIRT_ERROR_ACTIVATION_FAILED] = "activation-failed",
        [NMVIRT_ERROR_TIMEOUT] = "timeout",
        [NMVIRT_ERROR_TRANSACTION] = "transaction",
        [NMVIRT_ERROR_IO] = "io",
    };
    if ((guint)error >= G_N_ELEMENTS(names))
        return NULL;
    return names[error];
}

/* One table from foreign domains into ours. */
typedef struct {
    GQuark (*domain)(void);
    int code; /* -1 matches every code of the domain */
    NmvirtError nmvirt_code;
} NmvirtErrorMap;

/**
 * nmvirt_error_convert:
 * @perror: (inout) (nullable): a #GError, or %NULL
 *
 * Converts an error of GIO, libnm or GLib's file and key-file domains into
 * #NMVIRT_ERROR, keeping its message. Errors already in #NMVIRT_ERROR are
 * left alone; unknown ones become %NMVIRT_ERROR_INTERNAL.
 *
 * Since: 0.1
 */
void
nmvirt_error_convert(GError **perror)
{
    static const NmvirtErrorMap map[] = {
        { g_io_error_quark, G_IO_ERROR_NOT_FOUND, NMVIRT_ERROR_NOT_FOUND },
        { g_io_error_quark, G_IO_ERROR_EXISTS, NMVIRT_ERROR_EXISTS },
        { g_io_error_quark, G_IO_ERROR_PERMISSION_DENIED, NMVIRT_ERROR_PERMISSION_DENIED },
        { g_io_error_quark, G_IO_ERROR_TIMED_OUT, NMVIRT_ERROR_TIMEOUT },
        { g_io_error_quark, G_IO_ERROR_NOT_SUPPORTED, NMVIRT_ERROR_UNSUPPORTED },
        { g_io_error_quark, -1, NMVIRT_ERROR_IO },
        { g_file_error_quark, G_FILE_ERROR_NOENT, NMVIRT_ERROR_NOT_FOUND },
        { g_file_error_quark, G_FILE_ERROR_ACCES, NMVIRT_ERROR_PERMISSION_DENIED },
        { g_file_error_quark, -1, NMVIRT_ERROR_IO },
        { g_key_file_error_quark, -1, NMVIRT_ERROR_INVALID_PROFILE },
        { nm_connection_error_quark, -1, NMVIRT_ERROR_INVALID_PROFILE },
        { nm_client_error_quark, -1, NMVIRT_ERROR_DAEMON },
        { nm_manager_error_quark, NM_MANAGER_ERROR_PERMISSION_DENIED,
          NMVIRT_ERROR_PERMISSION_DENIED },
        { nm_manager_error_quark, -1, NMVIRT_ERROR_DAEMON },
        { nm_settings_error_quark, NM_SETTINGS_ERROR_PERMISSION_DENIED,
          NMVIRT_ERROR_PERMISSION_DENIED },
        { nm_settings_error_quark, NM_SETTINGS_ERROR_INVALID_CONNECTION,
          NMVIRT_ERROR_INVALID_PROFILE },
        { nm_settings_error_quark, -1, NMVIRT_ERROR_DAEMON },
    };
    GError *error;

    if (perror == NULL || *perror == NULL)
        return;
    error = *perror;
    if (error->domain == NMVIRT_ERROR)
        return;
    for (guint i = 0; i < G_N_ELEMENTS(map); i++) {
        if (error->domain != map[i].domain())
            continue;
        if (map[i].code != -1 && error->code != map[i].code)
            continue;
        error->domain = NMVIRT_ERROR;
        error->code = map[i].nmvirt_code;
        return;
    }
    error->domain = NMVIRT_ERROR;
    error->code = NMVIRT_ERROR_INTERNAL;
}
