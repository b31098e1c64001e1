/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "nmvirt-error.h"
#include "nmvirt-map.h"
#include "nmvirt-translate.h"
#include "nmvirt-xml.h"

/**
 * SECTION:nmvirt-translate
 * @short_description: interface XML to NetworkManager profiles and back
 *
 * The offline translator: no daemon is involved. Every function parses and
 * validates the document first, so invalid input never produces a profile.
 */

/**
 * nmvirt_xml_validate:
 * @xml: an interface XML document
 * @error: return location for a #GError, or %NULL
 *
 * Checks @xml against the schema and the rules the schema cannot express.
 *
 * Returns: %TRUE when @xml is a valid interface document
 *
 * Since: 0.1
 */
gboolean
nmvirt_xml_validate(const char *xml, GError **error)
{
    g_autoptr(NmvirtIfaceDef) def = NULL;

    g_return_val_if_fail(xml != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    def = nmvirt_xml_parse_string(xml, -1, NULL, error);
    return def != NULL;
}

/**
 * nmvirt_xml_normalize:
 * @xml: an interface XML document
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full): @xml validated and formatted the way nmvirt
 *   and libvirt write it, or %NULL on error
 *
 * Since: 0.1
 */
char *
nmvirt_xml_normalize(const char *xml, GError **error)
{
    g_autoptr(NmvirtIfaceDef) def = NULL;

    g_return_val_if_fail(xml != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    def = nmvirt_xml_parse_string(xml, -1, NULL, error);
    if (def == NULL)
        return NULL;
    return nmvirt_xml_format(def);
}

/**
 * nmvirt_xml_to_connections:
 * @xml: an interface XML document
 * @error: return location for a #GError, or %NULL
 *
 * Translates @xml into new NetworkManager profiles: one per interface in the
 * document, the top-level interface first, then its ports and members.
 *
 * Returns: (transfer container) (element-type NMConnection): the profiles,
 *   or %NULL on error
 *
 * Since: 0.1
 */
GPtrArray *
nmvirt_xml_to_connections(const char *xml, GError **error)
{
    g_autoptr(NmvirtIfaceDef) def = NULL;

    g_return_val_if_fail(xml != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    def = nmvirt_xml_parse_string(xml, -1, NULL, error);
    if (def == NULL)
        return NULL;
    return nmvirt_map_to_nm(def, error);
}

/**
 * nmvirt_xml_merge_connections:
 * @xml: an interface XML document
 * @existing: (element-type NMConnection): the profiles that exist now
 * @error: return location for a #GError, or %NULL
 *
 * Applies @xml to @existing: profiles of the interfaces @xml names are
 * updated in place (same UUID and id, settings the XML cannot express are
 * kept); interfaces without a profile get a new one. @existing is not
 * changed.
 *
 * Returns: (transfer container) (element-type NMConnection): the profiles to
 *   write, in the order of nmvirt_xml_to_connections(), or %NULL on error
 *   (%NMVIRT_ERROR_CONFLICT when a kept setting cannot stay)
 *
 * Since: 0.1
 */
GPtrArray *
nmvirt_xml_merge_connections(const char *xml, GPtrArray *existing, GError **error)
{
    g_autoptr(NmvirtIfaceDef) def = NULL;

    g_return_val_if_fail(xml != NULL, NULL);
    g_return_val_if_fail(existing != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    def = nmvirt_xml_parse_string(xml, -1, NULL, error);
    if (def == NULL)
        return NULL;
    return nmvirt_map_merge(def, existing, error);
}

/* The profiles that are not ports of another profile. */
static GPtrArray *
nmvirt_translate_top_levels(GPtrArray *connections)
{
    GPtrArray *tops = g_ptr_array_new();

    for (guint i = 0; i < connections->len; i++) {
        NMConnection *connection = g_ptr_array_index(connections, i);
        NMSettingConnection *s_con = nm_connection_get_setting_connection(connection);

        if (s_con != NULL && nm_setting_connection_get_master(s_con) == NULL)
            g_ptr_array_add(tops, connection);
    }
    return tops;
}

/**
 * nmvirt_connections_to_xml:
 * @connections: (element-type NMConnection): profiles
 * @iface_name: (nullable): the top-level interface to describe, or %NULL
 *   when @connections hold exactly one profile that is not a port
 * @error: return location for a #GError, or %NULL
 *
 * Translates profiles back into interface XML (the configuration, not the
 * live state).
 *
 * Returns: (transfer full): the XML document, or %NULL on error
 *
 * Since: 0.1
 */
char *
nmvirt_connections_to_xml(GPtrArray *connections, const char *iface_name, GError **error)
{
    g_autoptr(GPtrArray) tops = NULL;
    g_autoptr(NmvirtIfaceDef) def = NULL;
    NMConnection *top = NULL;

    g_return_val_if_fail(connections != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (iface_name != NULL) {
        top = nmvirt_identity_find(connections, iface_name, NULL, FALSE);
        if (top == NULL) {
            g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_NOT_FOUND,
                        _("no profile describes a top-level interface named '%s'"), iface_name);
            return NULL;
        }
    } else {
        tops = nmvirt_translate_top_levels(connections);
        if (tops->len != 1) {
            g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_PROFILE,
                        _("the profiles describe %u top-level interfaces; expected exactly one "
                          "profile that is not a port of another"),
                        tops->len);
            return NULL;
        }
        top = g_ptr_array_index(tops, 0);
    }
    def = nmvirt_map_from_nm(top, connections, error);
    if (def == NULL)
        return NULL;
    return nmvirt_xml_format(def);
}
