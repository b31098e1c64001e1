/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "nmvirt-client.h"

G_BEGIN_DECLS

/* nmvirtd's one NmvirtClient, on the default main context (the verbs'). */

/* Starts loading it; it reloads by itself when NetworkManager restarts. */
void nmvirtd_client_start(void);

/* The client, once its cache is known to hold everything NetworkManager
 * did before this call (the caller's request came after nmcli's change,
 * say), and a transaction whose timeout passed rolled back, as every
 * command's new client does; waits for a client being loaded; iterates the
 * default context meanwhile. NULL with *@why set (static text) when
 * NetworkManager is not running or the check failed: the command then
 * runs the verb itself. */
NmvirtClient *nmvirtd_client_get_current(const char **why);

void nmvirtd_client_stop(void);

G_END_DECLS
