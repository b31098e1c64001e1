/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * NmvirtIfaceDef <-> NetworkManager profiles (NMConnection). Pure: no
 * daemon, no D-Bus. See README.md, "Mapping", for every rule.
 */
#pragma once

#include <NetworkManager.h>

#include "nmvirt-iface-def.h"

G_BEGIN_DECLS

/*
 * One new profile per interface in the tree: the top-level one first, then
 * its ports/members depth-first in document order. Each profile verifies and
 * is already normalized (nm_connection_normalize() changes nothing). UUIDs
 * are derived from type and name, so the same document gives the same
 * profiles. Returns (element-type NMConnection) (transfer full).
 */
GPtrArray *nmvirt_map_to_nm(const NmvirtIfaceDef *def, GError **error);

/*
 * Builds the model of the top-level interface @top from @profiles (all
 * profiles known, e.g. every profile of NetworkManager; @top may be in it).
 * Ports and members are the profiles whose connection.master names @top by
 * interface name or by UUID, recursively. Profiles written by other tools
 * are accepted. Hints (user data) are used only while the NetworkManager
 * value they were recorded with is unchanged.
 */
NmvirtIfaceDef *nmvirt_map_from_nm(NMConnection *top, GPtrArray *profiles, GError **error);

/*
 * Applies @def to @existing (all profiles known): for each interface in the
 * tree, its identity profile (see nmvirt_identity_find()) is updated in
 * place (same UUID and id; only the properties the XML speaks about are
 * changed, every other setting is kept); interfaces without one get a new
 * profile as nmvirt_map_to_nm() makes it. The results are new objects; the
 * inputs are not changed. A kept setting that makes the merged profile
 * invalid gives NMVIRT_ERROR_CONFLICT naming setting.property.
 * Returns (element-type NMConnection) (transfer full), in the same order as
 * nmvirt_map_to_nm().
 */
GPtrArray *nmvirt_map_merge(const NmvirtIfaceDef *def, GPtrArray *existing, GError **error);

/*
 * The identity rule (design.md): the profile that *is* interface @name is
 * the one whose connection.interface-name is @name (for ethernet also: whose
 * 802-3-ethernet.mac-address is @mac), that is not a port of another
 * profile (unless @as_port), preferring the highest autoconnect-priority,
 * then the most recent connection.timestamp, then the lowest UUID.
 * Returns (transfer none) or NULL.
 */
NMConnection *nmvirt_identity_find(GPtrArray *profiles, const char *name, const char *mac,
                                   gboolean as_port);

G_END_DECLS
