/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Hints: XML values NetworkManager cannot hold, kept in user data next to
 * the NetworkManager value they produced. A hint counts only while that
 * value is unchanged, so an edit made with nmcli always shows in the XML.
 */
#include "config.h"

#include "nmvirt-map-private.h"

static char *
nmvirt_map_hint_key(const char *what)
{
    return g_strconcat(NMVIRT_MAP_USER_HINT_PREFIX, what, NULL);
}

static char *
nmvirt_map_hint_nm_key(const char *what)
{
    return g_strconcat(NMVIRT_MAP_USER_HINT_PREFIX, what, ".nm", NULL);
}

gboolean
nmvirt_map_hint_set(NMConnection *connection, const char *what, const char *xml_value,
                    const char *nm_value, GError **error)
{
    g_autofree char *key = nmvirt_map_hint_key(what);
    g_autofree char *nm_key = nmvirt_map_hint_nm_key(what);

    if (!nmvirt_map_user_data_set(connection, key, xml_value, error))
        return FALSE;
    return nmvirt_map_user_data_set(connection, nm_key, nm_value, error);
}

const char *
nmvirt_map_hint_get(NMConnection *connection, const char *what, const char *nm_value_now)
{
    g_autofree char *key = nmvirt_map_hint_key(what);
    g_autofree char *nm_key = nmvirt_map_hint_nm_key(what);
    const char *nm_value = nmvirt_map_user_data_get(connection, nm_key);

    if (nm_value == NULL || g_strcmp0(nm_value, nm_value_now) != 0)
        return NULL;
    return nmvirt_map_user_data_get(connection, key);
}

void
nmvirt_map_hint_clear_all(NMConnection *connection)
{
    NMSettingUser *s_user =
        NM_SETTING_USER(nm_connection_get_setting(connection, NM_TYPE_SETTING_USER));
    g_autoptr(GPtrArray) hint_keys = g_ptr_array_new_with_free_func(g_free);
    const char *const *keys;
    guint n_keys = 0;

    if (s_user == NULL)
        return;
    /* Copy first: removing a key invalidates the array libnm returned. */
    keys = nm_setting_user_get_keys(s_user, &n_keys);
    for (guint i = 0; i < n_keys; i++) {
        if (g_str_has_prefix(keys[i], NMVIRT_MAP_USER_HINT_PREFIX))
            g_ptr_array_add(hint_keys, g_strdup(keys[i]));
    }
    for (guint i = 0; i < hint_keys->len; i++) {
        /* Removing an existing key cannot fail. */
        nm_setting_user_set_data(s_user, g_ptr_array_index(hint_keys, i), NULL, NULL);
    }
}
