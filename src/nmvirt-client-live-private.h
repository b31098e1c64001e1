/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The kernel's side of the "active" rule, shared by the live layer
 * (nmvirt-client-live.c, where it is implemented with the other readers of
 * sysfs, /proc/net/vlan and rtnetlink) and start/stop
 * (nmvirt-client-activate.c). NetworkManager is not asked: the rule and the
 * live document describe what the kernel really has (spec §1.6, quirks 4
 * and 5). A name that could leave /sys/class/net ("", ".", "..", or one
 * with a '/') is a device that does not exist.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE when the kernel has a network device named @ifname. */
gboolean nmvirt_client_live_link_exists(const char *ifname);

/* The administrative flags of /sys/class/net/@ifname/flags (IFF_UP, …; the
 * kernel adds IFF_RUNNING and IFF_LOWER_UP only for netlink, so they never
 * appear here), or 0 when there is no device. */
guint nmvirt_client_live_link_get_flags(const char *ifname);

/*
 * The kernel side of the "active" rule (spec quirk 4): the device exists,
 * is IFF_UP and, except for a bridge, has IFF_LOWER_UP (sysfs carrier 1)
 * and IFF_RUNNING (operstate up, or unknown for drivers that report none).
 */
gboolean nmvirt_client_live_link_is_running(const char *ifname);

/*
 * Whether the kernel has settled the operational state the live document
 * shows as <link state>: TRUE for a bridge (it has no <link>) and for any
 * state but "unknown". Right after a VLAN or bond comes up the kernel
 * reports "unknown" for up to a second (linkwatch runs delayed), although
 * it already counts as running.
 */
gboolean nmvirt_client_live_link_state_is_known(const char *ifname);

G_END_DECLS
