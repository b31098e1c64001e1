/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Seams between the parts of NmvirtClient: nmvirt-client.c (object,
 * queries, identity over NetworkManager's profiles), nmvirt-client-define.c
 * (define/undefine with a journal), nmvirt-client-activate.c (start, stop,
 * the "active" rule), nmvirt-client-live.c (live state as a model),
 * nmvirt-client-sync.c (sync wrappers).
 */
#pragma once

#include "nmvirt-client.h"
#include "nmvirt-iface-def.h"

G_BEGIN_DECLS

/* nmvirt-client.c ---------------------------------------------------------- */

/* The profiles nmvirt deals with: every profile NetworkManager has except
 * the ones it generated for devices it does not manage (flags EXTERNAL,
 * VOLATILE or NM_GENERATED: virbr0, vnetN, docker0 …).
 * Returns (element-type NMRemoteConnection) (transfer container). */
GPtrArray *nmvirt_client_get_profiles(NmvirtClient *self);

/* The identity profile of top-level interface @name (README "Merge":
 * interface-name, not a port; the active one first, then priority,
 * timestamp, UUID), or NULL. (transfer none) */
NMRemoteConnection *nmvirt_client_find_profile(NmvirtClient *self, const char *name);

/* The NetworkManager device named @name (realized or not), or NULL. (transfer none) */
NMDevice *nmvirt_client_find_device(NmvirtClient *self, const char *name);

/* Iterates the client's main context until *@done is TRUE. */
void nmvirt_client_iterate_until(NmvirtClient *self, const gboolean *done);

/* NMVIRT_ERROR_DAEMON "NetworkManager is not running" when it is not. */
gboolean nmvirt_client_check_running(NmvirtClient *self, GError **error);

/* nmvirt-client-activate.c ----------------------------------------------------- */

/* The one "active" rule (design.md): @profile is applied on @device, the
 * device is NM_DEVICE_STATE_ACTIVATED, and the kernel shows it UP (and
 * LOWER_UP, except for bridges). */
gboolean nmvirt_client_profile_is_active(NmvirtClient *self, NMRemoteConnection *profile);

/* nmvirt-client-live.c ------------------------------------------------------------ */

/* The live model of top-level interface @name whose identity profile is
 * @profile: type and tree from the kernel and NetworkManager's devices,
 * MAC, <link state speed> on every non-bridge interface, the addresses
 * really assigned (link-local included), bridge ports as the kernel lists
 * them (VM taps too), bond members with their live state. */
NmvirtIfaceDef *nmvirt_client_live_def(NmvirtClient *self, const char *name,
                                       NMRemoteConnection *profile, GError **error);

G_END_DECLS
