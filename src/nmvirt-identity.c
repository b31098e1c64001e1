/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The identity rule: which existing profile *is* a given interface. Merge
 * (nmvirt-merge.c) updates that profile in place; reading back
 * (nmvirt-translate.c) starts from it. The rule is documented in README.md,
 * "Merge", and in design.md, "Identity".
 *
 * Offline there is no device state, so design.md's first preference (the
 * profile active on the device) cannot apply here; the live client narrows
 * @profiles to the active one before calling this when it knows it.
 */
#include "config.h"

#include <string.h>

#include "nmvirt-map.h"

/* A profile names the interface by its interface-name, or, for ethernet,
 * by the MAC address it is bound to. A profile bound to the MAC but to
 * another interface name is not the interface: NetworkManager would never
 * apply it to a device called @name. */
static gboolean
nmvirt_identity_matches(NMConnection *profile, const char *name, const char *mac)
{
    const char *ifname = nm_connection_get_interface_name(profile);
    NMSettingWired *s_wired = NULL;
    const char *profile_mac = NULL;

    if (g_strcmp0(ifname, name) == 0)
        return TRUE;
    if (mac == NULL || ifname != NULL)
        return FALSE;
    s_wired = nm_connection_get_setting_wired(profile);
    if (s_wired == NULL)
        return FALSE;
    profile_mac = nm_setting_wired_get_mac_address(s_wired);
    if (profile_mac == NULL)
        return FALSE;
    /* Compares the bytes, so case and leading zeros do not matter. */
    return nm_utils_hwaddr_matches(profile_mac, -1, mac, -1);
}

/* TRUE when @a is preferred over @b: the highest autoconnect-priority, then
 * the most recent timestamp, then the lowest UUID, so that the choice never
 * depends on the order of @profiles. A profile without a UUID (never stored
 * by NetworkManager) loses the last tie-break. */
static gboolean
nmvirt_identity_better(NMConnection *a, NMConnection *b)
{
    NMSettingConnection *s_a = nm_connection_get_setting_connection(a);
    NMSettingConnection *s_b = nm_connection_get_setting_connection(b);
    int priority_a = nm_setting_connection_get_autoconnect_priority(s_a);
    int priority_b = nm_setting_connection_get_autoconnect_priority(s_b);
    guint64 timestamp_a = nm_setting_connection_get_timestamp(s_a);
    guint64 timestamp_b = nm_setting_connection_get_timestamp(s_b);
    const char *uuid_a = nm_setting_connection_get_uuid(s_a);
    const char *uuid_b = nm_setting_connection_get_uuid(s_b);

    if (priority_a != priority_b)
        return priority_a > priority_b;
    if (timestamp_a != timestamp_b)
        return timestamp_a > timestamp_b;
    if (uuid_a == NULL || uuid_b == NULL)
        return uuid_a != NULL;
    return strcmp(uuid_a, uuid_b) < 0;
}

NMConnection *
nmvirt_identity_find(GPtrArray *profiles, const char *name, const char *mac, gboolean as_port)
{
    NMConnection *best = NULL;

    g_return_val_if_fail(profiles != NULL, NULL);
    g_return_val_if_fail(name != NULL, NULL);

    for (guint i = 0; i < profiles->len; i++) {
        NMConnection *profile = g_ptr_array_index(profiles, i);
        NMSettingConnection *s_con = nm_connection_get_setting_connection(profile);

        if (s_con == NULL)
            continue;
        /* A port's profile describes the port, not a top-level interface
         * (libvirt lists only the controller). */
        if (!as_port && nm_setting_connection_get_master(s_con) != NULL)
            continue;
        if (!nmvirt_identity_matches(profile, name, mac))
            continue;
        if (best == NULL || nmvirt_identity_better(profile, best))
            best = profile;
    }
    return best;
}
