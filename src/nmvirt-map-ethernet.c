/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The 802-3-ethernet setting: <mac> of ethernet interfaces and the
 * top-level <mtu>, which every profile of the document carries.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "nmvirt-error.h"
#include "nmvirt-map-private.h"

gboolean
nmvirt_map_ethernet_apply(NMConnection *connection, const NmvirtIfaceDef *def,
                          const NmvirtMapPlace *place, GError **error)
{
    NMSettingWired *s_wired = nm_connection_get_setting_wired(connection);
    guint mtu = place->top->mtu;

    /* Bridge and vlan profiles get the setting from normalize anyway; a bond
     * needs it only to carry an MTU. */
    if (s_wired == NULL && (def->type != NMVIRT_IFACE_TYPE_BOND || mtu != 0)) {
        s_wired = NM_SETTING_WIRED(nm_setting_wired_new());
        nm_connection_add_setting(connection, NM_SETTING(s_wired));
    }
    if (s_wired == NULL)
        return TRUE;
    g_object_set(s_wired, NM_SETTING_WIRED_MTU, mtu, NULL);
    if (def->type == NMVIRT_IFACE_TYPE_ETHERNET) {
        if (def->mac != NULL && !nm_utils_hwaddr_valid(def->mac, ETH_ALEN)) {
            g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML,
                        _("interface '%1$s', <mac address>: invalid value '%2$s'; expected "
                          "xx:xx:xx:xx:xx:xx"),
                        def->name, def->mac);
            return FALSE;
        }
        g_object_set(s_wired, NM_SETTING_WIRED_MAC_ADDRESS, def->mac, NULL);
    }
    return TRUE;
}

void
nmvirt_map_ethernet_from_nm(NMConnection *connection, NmvirtIfaceDef *def)
{
    NMSettingWired *s_wired = nm_connection_get_setting_wired(connection);
    const char *mac = s_wired != NULL ? nm_setting_wired_get_mac_address(s_wired) : NULL;

    g_clear_pointer(&def->mac, g_free);
    if (mac != NULL)
        def->mac = g_ascii_strdown(mac, -1);
}

gboolean
nmvirt_map_ethernet_mtu_from_nm(NMConnection *connection, NmvirtIfaceDef *def, GError **error)
{
    NMSettingWired *s_wired = nm_connection_get_setting_wired(connection);
    guint mtu = s_wired != NULL ? nm_setting_wired_get_mtu(s_wired) : 0;

    if (mtu > NMVIRT_MTU_MAX) {
        g_autofree char *profile = nmvirt_map_profile_name(connection);

        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_UNSUPPORTED,
                    _("profile %1$s: 802-3-ethernet.mtu %2$u is above %3$u, the largest MTU "
                      "interface XML allows"),
                    profile, mtu, (guint)NMVIRT_MTU_MAX);
        return FALSE;
    }
    def->mtu = mtu;
    return TRUE;
}
