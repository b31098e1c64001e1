/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The kernel's notifications about network links and their addresses
 * (rtnetlink multicast groups), for the monitor of NmvirtClient: carrier,
 * operational state, a port joining or leaving a bridge or bond, and
 * addresses change without NetworkManager necessarily saying so.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _NmvirtLinkWatch NmvirtLinkWatch;

/*
 * Called from the watch's main context with the names of the links that
 * one burst of notifications was about: each link itself and, for a link
 * that is a port, its controller (bridge or bond). @names is %NULL when
 * notifications were lost (the socket's buffer overflowed): anything may
 * have changed. Names of links that are gone (a deleted address whose link
 * was deleted too) are left out; the link's own notification names them.
 */
typedef void (*NmvirtLinkWatchFunc)(const char *const *names, gpointer user_data);

/* Listens in the current network namespace; @func runs in @context.
 * NMVIRT_ERROR_IO when the socket cannot be made. */
NmvirtLinkWatch *nmvirt_link_watch_new(GMainContext *context, NmvirtLinkWatchFunc func,
                                       gpointer user_data, GError **error);
void nmvirt_link_watch_free(NmvirtLinkWatch *watch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(NmvirtLinkWatch, nmvirt_link_watch_free)

G_END_DECLS
