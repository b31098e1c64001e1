/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Offline conversion between profiles and NetworkManager keyfiles, through
 * libnm's own keyfile reader and writer.
 */
#pragma once

#include <NetworkManager.h>

G_BEGIN_DECLS

/* The keyfile text NetworkManager would store for @connection. */
char *nmvirt_keyfile_to_data(NMConnection *connection, GError **error);

/* Writes @connection as DIR/<id>.nmconnection with mode 0600 and returns the path. */
char *nmvirt_keyfile_write(NMConnection *connection, const char *dir, GError **error);

/* Reads and normalizes one keyfile; a clear error when it lacks what is needed. */
NMConnection *nmvirt_keyfile_read(const char *path, GError **error);

G_END_DECLS
