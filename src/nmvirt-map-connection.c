/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The "connection" setting of a profile (type, name, identity, autoconnect,
 * controller and port) and nmvirt's user data tags.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "nmvirt-error.h"
#include "nmvirt-map-private.h"

/* Namespace of nmvirt's version 5 UUIDs; never change it, or every
 * document would get new profiles. */
static const guint8 nmvirt_map_connection_uuid_namespace[16] = {
    0x6d, 0xf6, 0x3a, 0x80, 0x85, 0x2a, 0x45, 0x50, 0x84, 0x6a, 0x3d, 0x00, 0x0a, 0xe9, 0x32, 0xf5,
};

char *
nmvirt_map_connection_uuid(NmvirtIfaceType type, const char *name)
{
    g_autoptr(GChecksum) checksum = g_checksum_new(G_CHECKSUM_SHA1);
    g_autofree char *seed = g_strdup_printf("%s/%s", nmvirt_iface_type_to_string(type), name);
    guint8 digest[20];
    gsize digest_len = sizeof(digest);

    g_checksum_update(checksum, nmvirt_map_connection_uuid_namespace,
                      sizeof(nmvirt_map_connection_uuid_namespace));
    g_checksum_update(checksum, (const guchar *)seed, strlen(seed));
    g_checksum_get_digest(checksum, digest, &digest_len);

    /* RFC 4122 §4.3: version 5 in the high nibble of byte 6, variant 10 in byte 8. */
    digest[6] = (digest[6] & 0x0f) | 0x50;
    digest[8] = (digest[8] & 0x3f) | 0x80;
    return g_strdup_printf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                           digest[0], digest[1], digest[2], digest[3], digest[4], digest[5],
                           digest[6], digest[7], digest[8], digest[9], digest[10], digest[11],
                           digest[12], digest[13], digest[14], digest[15]);
}

char *
nmvirt_map_connection_id(const NmvirtIfaceDef *def, const NmvirtMapPlace *place)
{
    g_autofree char *name = nmvirt_map_def_name(def);
    g_autofree char *controller = NULL;

    if (NMVIRT_MAP_PLACE_IS_TOP(place))
        return g_steal_pointer(&name);
    controller = nmvirt_map_def_name(place->controller);
    return g_strdup_printf("%s-port-%s", controller, name);
}

static NMSettingConnection *
nmvirt_map_connection_ensure_setting(NMConnection *connection)
{
    NMSettingConnection *s_con = nm_connection_get_setting_connection(connection);

    if (s_con == NULL) {
        s_con = NM_SETTING_CONNECTION(nm_setting_connection_new());
        nm_connection_add_setting(connection, NM_SETTING(s_con));
    }
    return s_con;
}

void
nmvirt_map_connection_set_identity(NMConnection *connection, const NmvirtIfaceDef *def,
                                   const NmvirtMapPlace *place)
{
    NMSettingConnection *s_con = nmvirt_map_connection_ensure_setting(connection);
    g_autofree char *name = nmvirt_map_def_name(def);
    g_autofree char *id = nmvirt_map_connection_id(def, place);
    g_autofree char *uuid = nmvirt_map_connection_uuid(def->type, name);

    g_object_set(s_con, NM_SETTING_CONNECTION_ID, id, NM_SETTING_CONNECTION_UUID, uuid, NULL);
}

static const char *
nmvirt_map_connection_type_name(NmvirtIfaceType type)
{
    switch (type) {
    case NMVIRT_IFACE_TYPE_ETHERNET:
        return NM_SETTING_WIRED_SETTING_NAME;
    case NMVIRT_IFACE_TYPE_BRIDGE:
        return NM_SETTING_BRIDGE_SETTING_NAME;
    case NMVIRT_IFACE_TYPE_BOND:
        return NM_SETTING_BOND_SETTING_NAME;
    case NMVIRT_IFACE_TYPE_VLAN:
        return NM_SETTING_VLAN_SETTING_NAME;
    case NMVIRT_IFACE_TYPE_LAST:
        break;
    }
    return NULL;
}

gboolean
nmvirt_map_connection_type_from_nm(NMConnection *connection, NmvirtIfaceType *type, GError **error)
{
    NMSettingConnection *s_con = nm_connection_get_setting_connection(connection);
    const char *type_name = s_con != NULL ? nm_setting_connection_get_connection_type(s_con) : NULL;
    g_autofree char *profile = NULL;

    if (s_con == NULL) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_PROFILE,
                    _("a profile has no 'connection' setting"));
        return FALSE;
    }
    for (guint i = 0; i < NMVIRT_IFACE_TYPE_LAST; i++) {
        if (g_strcmp0(type_name, nmvirt_map_connection_type_name(i)) == 0) {
            *type = i;
            return TRUE;
        }
    }
    profile = nmvirt_map_profile_name(connection);
    if (type_name == NULL) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_PROFILE,
                    _("profile %s has no connection.type"), profile);
        return FALSE;
    }
    g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_UNSUPPORTED,
                _("profile %1$s: connection.type '%2$s' cannot be described in interface XML; "
                  "expected 802-3-ethernet, bridge, bond or vlan"),
                profile, type_name);
    return FALSE;
}

char *
nmvirt_map_connection_name_from_nm(NMConnection *connection, GPtrArray *profiles, GError **error)
{
    const char *name = nm_connection_get_interface_name(connection);
    NmvirtIfaceType type = NMVIRT_IFACE_TYPE_ETHERNET;
    g_autofree char *profile = NULL;

    if (name != NULL)
        return g_strdup(name);
    if (!nmvirt_map_connection_type_from_nm(connection, &type, error))
        return NULL;
    /* NetworkManager names such a vlan device <parent>.<id> itself. */
    if (type == NMVIRT_IFACE_TYPE_VLAN) {
        NMSettingVlan *s_vlan = nm_connection_get_setting_vlan(connection);
        g_autofree char *parent = nmvirt_map_vlan_parent_from_nm(connection, profiles, error);

        if (parent == NULL)
            return NULL;
        return g_strdup_printf("%s.%u", parent, nm_setting_vlan_get_id(s_vlan));
    }
    profile = nmvirt_map_profile_name(connection);
    if (type == NMVIRT_IFACE_TYPE_ETHERNET) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_PROFILE,
                    _("profile %s has no connection.interface-name; interface XML needs a name, "
                      "and a profile bound by MAC address only has none"),
                    profile);
        return NULL;
    }
    g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_PROFILE,
                _("profile %s has no connection.interface-name"), profile);
    return NULL;
}

const char *
nmvirt_map_user_data_get(NMConnection *connection, const char *key)
{
    NMSettingUser *s_user =
        NM_SETTING_USER(nm_connection_get_setting(connection, NM_TYPE_SETTING_USER));

    if (s_user == NULL)
        return NULL;
    return nm_setting_user_get_data(s_user, key);
}

gboolean
nmvirt_map_user_data_set(NMConnection *connection, const char *key, const char *value,
                         GError **error)
{
    NMSettingUser *s_user =
        NM_SETTING_USER(nm_connection_get_setting(connection, NM_TYPE_SETTING_USER));
    g_autoptr(GError) local_error = NULL;

    if (s_user == NULL) {
        /* Removing from a profile without user data: nothing to do, and no
         * empty setting left behind. */
        if (value == NULL)
            return TRUE;
        s_user = NM_SETTING_USER(nm_setting_user_new());
        nm_connection_add_setting(connection, NM_SETTING(s_user));
    }
    if (!nm_setting_user_set_data(s_user, key, value, &local_error)) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INTERNAL,
                    _("cannot store user data '%1$s': %2$s"), key, local_error->message);
        return FALSE;
    }
    return TRUE;
}

/* Settings a port must not have, and settings every other profile needs
 * so that nm_connection_normalize() has nothing to add. */
static void
nmvirt_map_connection_apply_settings(NMConnection *connection, const NmvirtMapPlace *place)
{
    gboolean bridge_port =
        !NMVIRT_MAP_PLACE_IS_TOP(place) && place->controller->type == NMVIRT_IFACE_TYPE_BRIDGE;

    if (NMVIRT_MAP_PLACE_IS_TOP(place)) {
        if (nm_connection_get_setting_proxy(connection) == NULL)
            nm_connection_add_setting(connection, nm_setting_proxy_new());
    } else {
        nm_connection_remove_setting(connection, NM_TYPE_SETTING_IP4_CONFIG);
        nm_connection_remove_setting(connection, NM_TYPE_SETTING_IP6_CONFIG);
        nm_connection_remove_setting(connection, NM_TYPE_SETTING_PROXY);
    }
    if (!bridge_port)
        nm_connection_remove_setting(connection, NM_TYPE_SETTING_BRIDGE_PORT);
    else if (nm_connection_get_setting_bridge_port(connection) == NULL)
        nm_connection_add_setting(connection, nm_setting_bridge_port_new());
}

gboolean
nmvirt_map_connection_apply(NMConnection *connection, const NmvirtIfaceDef *def,
                            const NmvirtMapPlace *place, GError **error)
{
    NMSettingConnection *s_con = nmvirt_map_connection_ensure_setting(connection);
    g_autofree char *name = nmvirt_map_def_name(def);
    g_autofree char *top_name = nmvirt_map_def_name(place->top);
    g_autofree char *master = NULL;
    g_autofree char *order = NULL;
    const char *slave_type = NULL;
    NmvirtStartMode start_mode = place->top->start_mode;

    if (!NMVIRT_MAP_PLACE_IS_TOP(place)) {
        master = nmvirt_map_def_name(place->controller);
        slave_type = place->controller->type == NMVIRT_IFACE_TYPE_BRIDGE
                         ? NM_SETTING_BRIDGE_SETTING_NAME
                         : NM_SETTING_BOND_SETTING_NAME;
        order = g_strdup_printf("%u", place->port_order);
    }
    /* Ports copy the top-level start mode: a port that autoconnects would
     * bring its controller up (netcf copied ONBOOT the same way). */
    g_object_set(s_con, NM_SETTING_CONNECTION_TYPE, nmvirt_map_connection_type_name(def->type),
                 NM_SETTING_CONNECTION_INTERFACE_NAME, name, NM_SETTING_CONNECTION_AUTOCONNECT,
                 start_mode != NMVIRT_START_MODE_NONE, NM_SETTING_CONNECTION_MASTER, master,
                 NM_SETTING_CONNECTION_SLAVE_TYPE, slave_type, NULL);
    if (def->type == NMVIRT_IFACE_TYPE_BRIDGE || def->type == NMVIRT_IFACE_TYPE_BOND) {
        g_object_set(s_con, NM_SETTING_CONNECTION_AUTOCONNECT_SLAVES,
                     NM_SETTING_CONNECTION_AUTOCONNECT_SLAVES_YES, NULL);
    }
    nmvirt_map_connection_apply_settings(connection, place);

    if (!nmvirt_map_user_data_set(connection, NMVIRT_MAP_USER_INTERFACE, top_name, error))
        return FALSE;
    if (!nmvirt_map_user_data_set(connection, NMVIRT_MAP_USER_PORT_ORDER, order, error))
        return FALSE;
    if (!NMVIRT_MAP_PLACE_IS_TOP(place))
        return TRUE;
    /* NetworkManager has no hotplug-only mode and no "unset": both autoconnect. */
    if (start_mode == NMVIRT_START_MODE_HOTPLUG || start_mode == NMVIRT_START_MODE_UNSET) {
        const char *xml_value = start_mode == NMVIRT_START_MODE_HOTPLUG
                                    ? nmvirt_start_mode_to_string(start_mode)
                                    : NMVIRT_MAP_HINT_UNSET;

        if (!nmvirt_map_hint_set(connection, NMVIRT_MAP_HINT_START, xml_value,
                                 NMVIRT_MAP_BOOL_TEXT(TRUE), error))
            return FALSE;
    }
    return TRUE;
}

void
nmvirt_map_connection_from_nm(NMConnection *connection, NmvirtIfaceDef *def)
{
    NMSettingConnection *s_con = nm_connection_get_setting_connection(connection);
    gboolean autoconnect = nm_setting_connection_get_autoconnect(s_con);
    const char *hint =
        nmvirt_map_hint_get(connection, NMVIRT_MAP_HINT_START, NMVIRT_MAP_BOOL_TEXT(autoconnect));

    if (!autoconnect)
        def->start_mode = NMVIRT_START_MODE_NONE;
    else if (g_strcmp0(hint, nmvirt_start_mode_to_string(NMVIRT_START_MODE_HOTPLUG)) == 0)
        def->start_mode = NMVIRT_START_MODE_HOTPLUG;
    else if (g_strcmp0(hint, NMVIRT_MAP_HINT_UNSET) == 0)
        def->start_mode = NMVIRT_START_MODE_UNSET;
    else
        def->start_mode = NMVIRT_START_MODE_ONBOOT;
}
