/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * <vlan tag><interface name/></vlan> <-> vlan.id, vlan.parent. The parent
 * is a reference only: its own profile is never touched.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "nmvirt-error.h"
#include "nmvirt-map-private.h"

gboolean
nmvirt_map_vlan_apply(NMConnection *connection, const NmvirtIfaceDef *def, GError **error)
{
    NMSettingVlan *s_vlan = nm_connection_get_setting_vlan(connection);

    if (def->vlan_parent == NULL || def->vlan_tag > NMVIRT_VLAN_TAG_MAX) {
        g_autofree char *name = nmvirt_map_def_name(def);

        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML,
                    _("interface '%1$s', <vlan>: needs a parent <interface name> and a tag "
                      "from 0 to %2$d"),
                    name != NULL ? name : "", NMVIRT_VLAN_TAG_MAX);
        return FALSE;
    }
    if (s_vlan == NULL) {
        s_vlan = NM_SETTING_VLAN(nm_setting_vlan_new());
        nm_connection_add_setting(connection, NM_SETTING(s_vlan));
    }
    /* reorder-headers is the kernel's and ifcfg's default; D-Bus would
     * otherwise read an absent flags property as 0. */
    g_object_set(s_vlan, NM_SETTING_VLAN_ID, def->vlan_tag, NM_SETTING_VLAN_PARENT,
                 def->vlan_parent, NM_SETTING_VLAN_FLAGS, NM_VLAN_FLAG_REORDER_HEADERS, NULL);
    return TRUE;
}

char *
nmvirt_map_vlan_parent_from_nm(NMConnection *connection, GPtrArray *profiles, GError **error)
{
    NMSettingVlan *s_vlan = nm_connection_get_setting_vlan(connection);
    const char *parent = s_vlan != NULL ? nm_setting_vlan_get_parent(s_vlan) : NULL;
    g_autofree char *profile = NULL;

    if (parent != NULL && !g_uuid_string_is_valid(parent))
        return g_strdup(parent);
    /* A parent given by UUID: the XML needs the name of that profile's interface. */
    for (guint i = 0; parent != NULL && profiles != NULL && i < profiles->len; i++) {
        NMConnection *candidate = g_ptr_array_index(profiles, i);
        const char *name = nm_connection_get_interface_name(candidate);

        if (name != NULL && g_strcmp0(nm_connection_get_uuid(candidate), parent) == 0)
            return g_strdup(name);
    }
    profile = nmvirt_map_profile_name(connection);
    if (parent == NULL) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_UNSUPPORTED,
                    _("profile %s: vlan.parent is not set; interface XML names the parent "
                      "interface"),
                    profile);
    } else {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_UNSUPPORTED,
                    _("profile %1$s: vlan.parent '%2$s' is the UUID of no known profile with "
                      "an interface name; interface XML names the parent interface"),
                    profile, parent);
    }
    return NULL;
}

gboolean
nmvirt_map_vlan_from_nm(NMConnection *connection, GPtrArray *profiles, NmvirtIfaceDef *def,
                        GError **error)
{
    NMSettingVlan *s_vlan = nm_connection_get_setting_vlan(connection);
    g_autofree char *parent = NULL;

    if (s_vlan == NULL) {
        g_autofree char *profile = nmvirt_map_profile_name(connection);

        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_PROFILE,
                    _("profile %s is of type vlan but has no 'vlan' setting"), profile);
        return FALSE;
    }
    parent = nmvirt_map_vlan_parent_from_nm(connection, profiles, error);
    if (parent == NULL)
        return FALSE;
    def->vlan_tag = nm_setting_vlan_get_id(s_vlan);
    g_free(def->vlan_parent);
    def->vlan_parent = g_steal_pointer(&parent);
    return TRUE;
}
