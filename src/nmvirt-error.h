/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__NMVIRT_H_INSIDE__) && !defined(NMVIRT_COMPILATION)
#error "Only <nmvirt.h> can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

/**
 * NMVIRT_ERROR:
 *
 * The error domain of nmvirt. Every error the library reports is in this
 * domain; errors of libxml2, libnm and GIO are converted at the boundary.
 *
 * Since: 0.1
 */
#define NMVIRT_ERROR (nmvirt_error_quark())

/**
 * NmvirtError:
 * @NMVIRT_ERROR_INTERNAL: a bug in nmvirt; the message says what went wrong.
 * @NMVIRT_ERROR_INVALID_XML: the document is not well-formed, breaks the
 *   schema or a rule the schema cannot express (names, ranges, nesting).
 *   The message names the interface, element, attribute and line.
 * @NMVIRT_ERROR_UNSUPPORTED: a valid document, or a profile, that
 *   NetworkManager and the interface XML cannot agree on (for example
 *   `arpmon` with mode `802.3ad`).
 * @NMVIRT_ERROR_NOT_FOUND: no such interface or profile.
 * @NMVIRT_ERROR_EXISTS: the object exists already where that matters.
 * @NMVIRT_ERROR_CONFLICT: a setting kept from an existing profile is not
 *   valid together with the new document; the message names the setting.
 * @NMVIRT_ERROR_INVALID_PROFILE: a NetworkManager profile lacks what nmvirt
 *   needs to read it (for example its uuid or interface name).
 * @NMVIRT_ERROR_DAEMON: NetworkManager is not running or failed a request.
 * @NMVIRT_ERROR_PERMISSION_DENIED: NetworkManager refused the request.
 * @NMVIRT_ERROR_ACTIVATION_FAILED: an interface did not become active.
 * @NMVIRT_ERROR_TIMEOUT: an operation took longer than allowed.
 * @NMVIRT_ERROR_TRANSACTION: a transaction call in the wrong state.
 * @NMVIRT_ERROR_IO: reading or writing a file failed.
 *
 * Error codes of #NMVIRT_ERROR. They say what the caller can do.
 *
 * Since: 0.1
 */
typedef enum {
    NMVIRT_ERROR_INTERNAL,
    NMVIRT_ERROR_INVALID_XML,
    NMVIRT_ERROR_UNSUPPORTED,
    NMVIRT_ERROR_NOT_FOUND,
    NMVIRT_ERROR_EXISTS,
    NMVIRT_ERROR_CONFLICT,
    NMVIRT_ERROR_INVALID_PROFILE,
    NMVIRT_ERROR_DAEMON,
    NMVIRT_ERROR_PERMISSION_DENIED,
    NMVIRT_ERROR_ACTIVATION_FAILED,
    NMVIRT_ERROR_TIMEOUT,
    NMVIRT_ERROR_TRANSACTION,
    NMVIRT_ERROR_IO,
    /*< private >*/
    NMVIRT_ERROR_LAST,
} NmvirtError;

GQuark nmvirt_error_quark(void);
const char *nmvirt_error_to_string(NmvirtError error);
void nmvirt_error_convert(GError **perror);

G_END_DECLS
