/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Merge: applies a document to the profiles that exist now (what a redefine
 * does). Each interface's identity profile is updated in place: same UUID,
 * same id, and only the properties of README's mapping table (the "owned"
 * properties below) change; every other setting and property is kept.
 * Interfaces without an identity profile get the profile nmvirt_map_to_nm()
 * makes (with a random UUID when an unrelated existing profile already has
 * the derived one). Never rebuild a profile from scratch (style.md, "Merge,
 * never rebuild"): that would lose 802.1X, DNS search, firewall zones, other
 * tools' user data and bond options the XML has no words for.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "nmvirt-error.h"
#include "nmvirt-map-private.h"
#include "nmvirt-map.h"

/* Merges the owned part of a setting whose other parts are kept (bond
 * options, ip settings, user data). @fresh is NULL when the fresh profile
 * lacks the setting: then the owned part is removed from @merged.
 * @fresh_connection is the whole fresh profile (for its hints). */
typedef gboolean (*NmvirtMergePartFunc)(NMSetting *merged, NMSetting *fresh,
                                        NMConnection *fresh_connection, GError **error);

typedef struct {
    const char *setting_name;
    /* copied whole from the fresh setting; NULL-terminated */
    const char *properties[8];
    /* the owned part of properties that are only partly ours, or NULL */
    NmvirtMergePartFunc merge_part;
    /* the properties merge_part changes (for messages); NULL-terminated */
    const char *part_properties[8];
} NmvirtMergeOwned;

/* The prefix of every user-data key nmvirt writes (tag and hints). */
#define NMVIRT_MERGE_USER_PREFIX "nmvirt."

/* A bond mode as its name ("1" is "active-backup"). */
static const char *
nmvirt_merge_bond_mode(NMSettingBond *s_bond)
{
    const char *mode = s_bond != NULL
                           ? nm_setting_bond_get_option_by_name(s_bond, NM_SETTING_BOND_OPTION_MODE)
                           : NULL;
    static const char *const numbers[] = { "balance-rr", "active-backup", "balance-xor",
                                           "broadcast",  "802.3ad",       "balance-tlb",
                                           "balance-alb" };
    guint64 number = 0;

    if (mode != NULL &&
        g_ascii_string_to_unsigned(mode, 10, 0, G_N_ELEMENTS(numbers) - 1, &number, NULL))
        return numbers[number];
    return mode;
}

/*
 * The options of nmvirt_map_bond_owned_options are replaced; every other
 * option (xmit_hash_policy, lacp_rate, ...) is the user's and is kept.
 * "primary" is the XML's only in active-backup mode, where from_nm reads it
 * as the first member: it is replaced when the profile was or becomes
 * active-backup, and kept otherwise (balance-tlb and balance-alb have a
 * primary the XML cannot show).
 */
static gboolean
nmvirt_merge_bond_options(NMSetting *merged, NMSetting *fresh, NMConnection *fresh_connection,
                          GError **error)
{
    NMSettingBond *s_merged = NM_SETTING_BOND(merged);
    NMSettingBond *s_fresh = fresh != NULL ? NM_SETTING_BOND(fresh) : NULL;
    gboolean own_primary = g_strcmp0(nmvirt_merge_bond_mode(s_merged), "active-backup") == 0 ||
                           g_strcmp0(nmvirt_merge_bond_mode(s_fresh), "active-backup") == 0;

    for (guint i = 0; nmvirt_map_bond_owned_options[i] != NULL; i++) {
        const char *option = nmvirt_map_bond_owned_options[i];

        if (own_primary || !g_str_equal(option, NM_SETTING_BOND_OPTION_PRIMARY))
            nm_setting_bond_remove_option(s_merged, option);
    }
    if (s_fresh == NULL)
        return TRUE;
    for (guint i = 0; nmvirt_map_bond_owned_options[i] != NULL; i++) {
        const char *option = nmvirt_map_bond_owned_options[i];
        const char *value = nm_setting_bond_get_option_by_name(s_fresh, option);

        if (value == NULL)
            continue;
        if (!nm_setting_bond_add_option(s_merged, option, value)) {
            g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INTERNAL,
                        "bond.options: cannot set %s=%s", option, value);
            return FALSE;
        }
    }
    return TRUE;
}

/* Copies one property whole, through its GValue, from @fresh to @merged;
 * with @fresh NULL, resets it to its default (the XML does not say it). */
static gboolean
nmvirt_merge_property(NMSetting *merged, NMSetting *fresh, const char *property, GError **error)
{
    GParamSpec *pspec = g_object_class_find_property(G_OBJECT_GET_CLASS(merged), property);
    g_auto(GValue) value = G_VALUE_INIT;

    if (pspec == NULL) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INTERNAL, "merge: no property %s.%s",
                    nm_setting_get_name(merged), property);
        return FALSE;
    }
    g_value_init(&value, G_PARAM_SPEC_VALUE_TYPE(pspec));
    if (fresh != NULL)
        g_object_get_property(G_OBJECT(fresh), property, &value);
    else
        g_param_value_set_default(pspec, &value);
    g_object_set_property(G_OBJECT(merged), property, &value);
    return TRUE;
}

/*
 * ipv4 and ipv6, with the same rules as nmvirt_map_ip_apply():
 * - method, addresses and gateway are the XML's; an existing ipv6 method
 *   "disabled" stays when the document has no ipv6 protocol ("ignore");
 * - ignore-auto-dns is the XML's only with <dhcp> (peerdns), kept otherwise;
 * - of the routes, only the one nmvirt_map_ip_route_is_owned() names is the
 *   XML's (judged before the addresses change); every other is kept.
 */
static gboolean
nmvirt_merge_ip(NMSetting *merged, NMSetting *fresh, NMConnection *fresh_connection, GError **error)
{
    static const char *const properties[] = {
        NM_SETTING_IP_CONFIG_METHOD,
        NM_SETTING_IP_CONFIG_ADDRESSES,
        NM_SETTING_IP_CONFIG_GATEWAY,
    };
    NMSettingIPConfig *s_merged = NM_SETTING_IP_CONFIG(merged);
    NMSettingIPConfig *s_fresh = fresh != NULL ? NM_SETTING_IP_CONFIG(fresh) : NULL;
    gboolean keep_disabled =
        s_fresh != NULL &&
        nmvirt_map_ip_keeps_disabled(s_merged, nm_setting_ip_config_get_method(s_fresh));

    for (guint i = nm_setting_ip_config_get_num_routes(s_merged); i > 0; i--) {
        if (nmvirt_map_ip_route_is_owned(s_merged, nm_setting_ip_config_get_route(s_merged, i - 1)))
            nm_setting_ip_config_remove_route(s_merged, i - 1);
    }
    for (guint i = 0; i < G_N_ELEMENTS(properties); i++) {
        if (keep_disabled && g_str_equal(properties[i], NM_SETTING_IP_CONFIG_METHOD))
            continue;
        if (!nmvirt_merge_property(merged, fresh, properties[i], error))
            return FALSE;
    }
    if (s_fresh == NULL)
        return TRUE;
    if (nmvirt_map_ip_has_dhcp(fresh_connection, s_fresh) &&
        !nmvirt_merge_property(merged, fresh, NM_SETTING_IP_CONFIG_IGNORE_AUTO_DNS, error))
        return FALSE;
    for (guint i = 0; i < nm_setting_ip_config_get_num_routes(s_fresh); i++) {
        NMIPRoute *route = nm_setting_ip_config_get_route(s_fresh, i);

        if (nmvirt_map_ip_route_is_owned(s_fresh, route))
            nm_setting_ip_config_add_route(s_merged, route);
    }
    return TRUE;
}

/* libnm's user-data errors are in its own domain. */
static gboolean
nmvirt_merge_user_data_set(NMSettingUser *s_user, const char *key, const char *value,
                           GError **error)
{
    g_autoptr(GError) local_error = NULL;

    if (nm_setting_user_set_data(s_user, key, value, &local_error))
        return TRUE;
    nmvirt_error_convert(&local_error);
    g_propagate_prefixed_error(error, g_steal_pointer(&local_error), "user data '%s': ", key);
    return FALSE;
}

static gboolean
nmvirt_merge_user_data(NMSetting *merged, NMSetting *fresh, NMConnection *fresh_connection,
                       GError **error)
{
    NMSettingUser *s_merged = NM_SETTING_USER(merged);
    g_auto(GStrv) keys = g_strdupv((char **)nm_setting_user_get_keys(s_merged, NULL));
    const char *const *fresh_keys = NULL;

    for (guint i = 0; keys[i] != NULL; i++) {
        if (!g_str_has_prefix(keys[i], NMVIRT_MERGE_USER_PREFIX))
            continue;
        if (!nmvirt_merge_user_data_set(s_merged, keys[i], NULL, error))
            return FALSE;
    }
    if (fresh == NULL)
        return TRUE;
    fresh_keys = nm_setting_user_get_keys(NM_SETTING_USER(fresh), NULL);
    for (guint i = 0; fresh_keys[i] != NULL; i++) {
        const char *value = nm_setting_user_get_data(NM_SETTING_USER(fresh), fresh_keys[i]);

        if (!g_str_has_prefix(fresh_keys[i], NMVIRT_MERGE_USER_PREFIX))
            continue;
        if (!nmvirt_merge_user_data_set(s_merged, fresh_keys[i], value, error))
            return FALSE;
    }
    return TRUE;
}

/* README's mapping table, as NetworkManager properties. connection.id and
 * connection.uuid are not owned: an existing profile keeps both, so nmcli
 * and GNOME Settings keep showing the same profile. vlan.flags is not owned
 * either: a new profile gets reorder-headers, an existing one keeps its
 * flags. */
static const NmvirtMergeOwned nmvirt_merge_owned[] = {
    { NM_SETTING_CONNECTION_SETTING_NAME,
      { NM_SETTING_CONNECTION_TYPE, NM_SETTING_CONNECTION_INTERFACE_NAME,
        NM_SETTING_CONNECTION_AUTOCONNECT, NM_SETTING_CONNECTION_MASTER,
        NM_SETTING_CONNECTION_SLAVE_TYPE, NM_SETTING_CONNECTION_AUTOCONNECT_SLAVES, NULL },
      NULL,
      { NULL } },
    { NM_SETTING_WIRED_SETTING_NAME,
      { NM_SETTING_WIRED_MTU, NM_SETTING_WIRED_MAC_ADDRESS, NULL },
      NULL,
      { NULL } },
    { NM_SETTING_BRIDGE_SETTING_NAME,
      { NM_SETTING_BRIDGE_STP, NM_SETTING_BRIDGE_FORWARD_DELAY, NULL },
      NULL,
      { NULL } },
    { NM_SETTING_BOND_SETTING_NAME,
      { NULL },
      nmvirt_merge_bond_options,
      { NM_SETTING_BOND_OPTIONS, NULL } },
    { NM_SETTING_VLAN_SETTING_NAME,
      { NM_SETTING_VLAN_ID, NM_SETTING_VLAN_PARENT, NULL },
      NULL,
      { NULL } },
    { NM_SETTING_IP4_CONFIG_SETTING_NAME,
      { NULL },
      nmvirt_merge_ip,
      { NM_SETTING_IP_CONFIG_METHOD, NM_SETTING_IP_CONFIG_ADDRESSES, NM_SETTING_IP_CONFIG_GATEWAY,
        NM_SETTING_IP_CONFIG_IGNORE_AUTO_DNS, NM_SETTING_IP_CONFIG_ROUTES, NULL } },
    { NM_SETTING_IP6_CONFIG_SETTING_NAME,
      { NULL },
      nmvirt_merge_ip,
      { NM_SETTING_IP_CONFIG_METHOD, NM_SETTING_IP_CONFIG_ADDRESSES, NM_SETTING_IP_CONFIG_GATEWAY,
        NM_SETTING_IP_CONFIG_IGNORE_AUTO_DNS, NM_SETTING_IP_CONFIG_ROUTES, NULL } },
    { NM_SETTING_USER_SETTING_NAME,
      { NULL },
      nmvirt_merge_user_data,
      { NM_SETTING_USER_DATA, NULL } },
};

/* A port-type setting belongs to one kind of port only: NetworkManager
 * rejects a bridge-port setting on a bond member. Each is kept while the
 * profile stays that kind of port (so nmcli's bond-port queue-id survives a
 * redefine) and dropped when it stops being one. */
static const struct {
    const char *setting_name;
    const char *slave_type;
} nmvirt_merge_port_settings[] = {
    { NM_SETTING_BRIDGE_PORT_SETTING_NAME, NM_SETTING_BRIDGE_SETTING_NAME },
    { NM_SETTING_BOND_PORT_SETTING_NAME, NM_SETTING_BOND_SETTING_NAME },
    { NM_SETTING_TEAM_PORT_SETTING_NAME, NM_SETTING_TEAM_SETTING_NAME },
};

/* Settings a port cannot have: a port has no IP configuration in
 * NetworkManager (its controller has it), and proxy settings hang off the
 * IP configuration. */
static const char *const nmvirt_merge_port_forbidden[] = {
    NM_SETTING_IP4_CONFIG_SETTING_NAME,
    NM_SETTING_IP6_CONFIG_SETTING_NAME,
    NM_SETTING_PROXY_SETTING_NAME,
};

static void
nmvirt_merge_remove_setting(NMConnection *merged, const char *setting_name)
{
    GType type = nm_setting_lookup_type(setting_name);

    if (type != G_TYPE_INVALID && nm_connection_get_setting(merged, type) != NULL) {
        g_debug("merge: %s: dropping setting %s", nm_connection_get_uuid(merged), setting_name);
        nm_connection_remove_setting(merged, type);
    }
}

/*
 * Removes the settings the new shape forbids, before the owned properties
 * are copied:
 * - the old type's setting when the type changes (an ethernet profile that
 *   becomes a bond loses 802-3-ethernet; a bridge that becomes an ethernet
 *   loses bridge), except when the fresh profile has that setting too
 *   (bridge and vlan profiles use 802-3-ethernet as well);
 * - ipv4, ipv6 and proxy when the profile is (or becomes) a port: a port has
 *   no IP configuration in NetworkManager;
 * - port-type settings of another kind of port, and all of them when the
 *   profile stops being a port (it then gains the fresh ipv4, ipv6 and proxy
 *   settings through the ordinary merge, since it has none).
 * Everything else is kept; what NetworkManager rejects afterwards is a
 * conflict reported to the caller, never a silent drop.
 */
static void
nmvirt_merge_drop_forbidden(NMConnection *merged, NMConnection *existing, NMConnection *fresh)
{
    const char *old_type = nm_connection_get_connection_type(existing);
    const char *new_type = nm_connection_get_connection_type(fresh);
    NMSettingConnection *s_fresh = nm_connection_get_setting_connection(fresh);
    const char *slave_type = nm_setting_connection_get_slave_type(s_fresh);

    if (old_type != NULL && g_strcmp0(old_type, new_type) != 0 &&
        nm_connection_get_setting_by_name(fresh, old_type) == NULL)
        nmvirt_merge_remove_setting(merged, old_type);

    if (nm_setting_connection_get_master(s_fresh) != NULL) {
        for (guint i = 0; i < G_N_ELEMENTS(nmvirt_merge_port_forbidden); i++)
            nmvirt_merge_remove_setting(merged, nmvirt_merge_port_forbidden[i]);
    }

    for (guint i = 0; i < G_N_ELEMENTS(nmvirt_merge_port_settings); i++) {
        if (g_strcmp0(slave_type, nmvirt_merge_port_settings[i].slave_type) != 0)
            nmvirt_merge_remove_setting(merged, nmvirt_merge_port_settings[i].setting_name);
    }
}

static gboolean
nmvirt_merge_owned_props(const NmvirtMergeOwned *owned, NMSetting *merged, NMSetting *fresh,
                         NMConnection *fresh_connection, GError **error)
{
    for (guint i = 0; owned->properties[i] != NULL; i++) {
        if (!nmvirt_merge_property(merged, fresh, owned->properties[i], error))
            return FALSE;
    }
    if (owned->merge_part != NULL)
        return owned->merge_part(merged, fresh, fresh_connection, error);
    return TRUE;
}

static const NmvirtMergeOwned *
nmvirt_merge_owned_find(const char *setting_name)
{
    for (guint i = 0; i < G_N_ELEMENTS(nmvirt_merge_owned); i++) {
        if (strcmp(nmvirt_merge_owned[i].setting_name, setting_name) == 0)
            return &nmvirt_merge_owned[i];
    }
    return NULL;
}

/* NetworkManager prefixes its verify() messages with "setting.property: ".
 * Returns that name, or NULL when the message has none. */
static char *
nmvirt_merge_error_property(const char *message, const char **reason)
{
    const char *colon = strstr(message, ": ");
    g_autofree char *name = NULL;

    *reason = message;
    if (colon == NULL)
        return NULL;
    name = g_strndup(message, colon - message);
    if (strchr(name, '.') == NULL || strpbrk(name, " \t'\"") != NULL)
        return NULL;
    *reason = colon + 2;
    return g_steal_pointer(&name);
}

/* Whether "setting.property" is one the document sets, wholly or in part:
 * then NetworkManager's message does not say which side conflicts. */
static gboolean
nmvirt_merge_property_is_owned(const char *name)
{
    const char *dot = strchr(name, '.');
    g_autofree char *setting_name = NULL;
    const NmvirtMergeOwned *owned = NULL;

    if (dot == NULL)
        return FALSE;
    setting_name = g_strndup(name, dot - name);
    owned = nmvirt_merge_owned_find(setting_name);
    if (owned == NULL)
        return FALSE;
    for (guint i = 0; owned->properties[i] != NULL; i++) {
        if (g_str_equal(owned->properties[i], dot + 1))
            return TRUE;
    }
    for (guint i = 0; owned->part_properties[i] != NULL; i++) {
        if (g_str_equal(owned->part_properties[i], dot + 1))
            return TRUE;
    }
    return FALSE;
}

/*
 * What fails to verify after a merge comes from a kept setting, since the
 * fresh profile verifies. When NetworkManager names a property nmvirt does
 * not set, that one is kept and conflicts; when it names one the document
 * sets (ipv4.gateway against a kept never-default, say), the kept culprit
 * is another property: the message then quotes NetworkManager and blames
 * no particular one.
 */
static void
nmvirt_merge_set_conflict(GError **error, const char *iface, NMConnection *merged,
                          const GError *verify_error)
{
    const char *id = nm_connection_get_id(merged);
    const char *uuid = nm_connection_get_uuid(merged);
    const char *reason = NULL;
    g_autofree char *property = nmvirt_merge_error_property(verify_error->message, &reason);
    const char *family = NULL;

    /* The XML's protocol families have NetworkManager's setting names. */
    if (property != NULL && g_str_has_prefix(property, NM_SETTING_IP4_CONFIG_SETTING_NAME "."))
        family = NM_SETTING_IP4_CONFIG_SETTING_NAME;
    else if (property != NULL && g_str_has_prefix(property, NM_SETTING_IP6_CONFIG_SETTING_NAME "."))
        family = NM_SETTING_IP6_CONFIG_SETTING_NAME;

    if (property == NULL || nmvirt_merge_property_is_owned(property)) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_CONFLICT,
                    _("interface '%1$s': the existing profile '%2$s' (%3$s) keeps a setting the "
                      "document does not describe that conflicts with the new document; "
                      "NetworkManager says: %4$s; change that setting in the profile first"),
                    iface, id, uuid, verify_error->message);
    } else if (family != NULL) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_CONFLICT,
                    _("interface '%1$s': the existing profile '%2$s' (%3$s) keeps %4$s, which "
                      "NetworkManager rejects with the new document: %5$s; clear %4$s in that "
                      "profile first, or keep <protocol family='%6$s'> in the document"),
                    iface, id, uuid, property, reason, family);
    } else {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_CONFLICT,
                    _("interface '%1$s': the existing profile '%2$s' (%3$s) keeps %4$s, which "
                      "NetworkManager rejects with the new document: %5$s; change or remove %4$s "
                      "in that profile first"),
                    iface, id, uuid, property, reason);
    }
}

/* Updates a clone of @existing with the owned properties of @fresh. */
static NMConnection *
nmvirt_merge_profile(NMConnection *existing, NMConnection *fresh, GError **error)
{
    g_autoptr(NMConnection) merged = nm_simple_connection_new_clone(existing);
    g_autofree NMSetting **fresh_settings = nm_connection_get_settings(fresh, NULL);
    g_autoptr(GError) verify_error = NULL;
    gboolean modified = FALSE;

    nmvirt_merge_drop_forbidden(merged, existing, fresh);

    for (guint i = 0; fresh_settings != NULL && fresh_settings[i] != NULL; i++) {
        const char *name = nm_setting_get_name(fresh_settings[i]);
        NMSetting *setting = nm_connection_get_setting_by_name(merged, name);
        const NmvirtMergeOwned *owned = nmvirt_merge_owned_find(name);

        if (setting == NULL)
            nm_connection_add_setting(merged, nm_setting_duplicate(fresh_settings[i]));
        else if (owned != NULL &&
                 !nmvirt_merge_owned_props(owned, setting, fresh_settings[i], fresh, error))
            return NULL;
    }

    /* A kept setting the fresh profile lacks (802-3-ethernet on a bond
     * without <mtu>) still holds owned properties: the document says they
     * are absent, so they go back to NetworkManager's defaults. */
    for (guint i = 0; i < G_N_ELEMENTS(nmvirt_merge_owned); i++) {
        const char *name = nmvirt_merge_owned[i].setting_name;
        NMSetting *setting = nm_connection_get_setting_by_name(merged, name);

        if (setting == NULL || nm_connection_get_setting_by_name(fresh, name) != NULL)
            continue;
        if (!nmvirt_merge_owned_props(&nmvirt_merge_owned[i], setting, NULL, fresh, error))
            return NULL;
    }

    /* The fresh profile verifies by contract, so what fails here comes from
     * a kept setting. nm_connection_verify() accepts what normalize() can
     * fix without changing meaning (a missing proxy setting, say), which is
     * why normalize() runs afterwards. */
    if (!nm_connection_verify(merged, &verify_error)) {
        nmvirt_merge_set_conflict(error, nm_connection_get_interface_name(fresh), merged,
                                  verify_error);
        return NULL;
    }
    if (!nm_connection_normalize(merged, NULL, &modified, &verify_error)) {
        nmvirt_merge_set_conflict(error, nm_connection_get_interface_name(fresh), merged,
                                  verify_error);
        return NULL;
    }
    if (modified)
        g_debug("merge: %s: normalized after merging", nm_connection_get_uuid(merged));
    return g_steal_pointer(&merged);
}

/* @profiles without those already claimed by an earlier interface of the
 * document, optionally only the ports of @controller (its interface name,
 * or the UUID of its profile in the result). */
static GPtrArray *
nmvirt_merge_candidates(GPtrArray *profiles, GHashTable *claimed, const char *controller,
                        const char *controller_uuid)
{
    GPtrArray *candidates = g_ptr_array_new();

    for (guint i = 0; i < profiles->len; i++) {
        NMConnection *profile = g_ptr_array_index(profiles, i);
        NMSettingConnection *s_con = nm_connection_get_setting_connection(profile);
        const char *master = NULL;

        if (g_hash_table_contains(claimed, profile) || s_con == NULL)
            continue;
        master = nm_setting_connection_get_master(s_con);
        if (controller != NULL && g_strcmp0(master, controller) != 0 &&
            (controller_uuid == NULL || g_strcmp0(master, controller_uuid) != 0))
            continue;
        g_ptr_array_add(candidates, profile);
    }
    return candidates;
}

/*
 * The existing profile that @fresh updates, or NULL for a new interface.
 *
 * A port or member, in this order: a profile that is already a port of the
 * same controller (a redefine); else the interface's standalone profile,
 * which is taken over (eth0's own profile becomes the bridge port, keeping
 * its UUID and its 802.1X); else a port of another controller, which moves.
 *
 * The top level: its standalone profile (the identity rule); else a profile
 * that is currently a port of something else, which is taken over and
 * detached (it loses master, slave-type and its port setting and gains IP
 * settings). That is what netcf did (a define rewrote ifcfg-eth0 whatever
 * BRIDGE= said) and what virsh iface-unbridge needs, and it is better than
 * the alternative: a second profile for eth0 beside the port profile, both
 * autoconnecting, with NetworkManager picking one at random. The old
 * controller simply has one port less.
 *
 * A profile is used for one interface of the document only.
 */
static NMConnection *
nmvirt_merge_find_existing(GPtrArray *existing, GHashTable *claimed, GHashTable *result_uuids,
                           NMConnection *fresh)
{
    NMSettingConnection *s_fresh = nm_connection_get_setting_connection(fresh);
    const char *name = nm_setting_connection_get_interface_name(s_fresh);
    const char *controller = nm_setting_connection_get_master(s_fresh);
    const char *mac = NULL;
    g_autoptr(GPtrArray) candidates = nmvirt_merge_candidates(existing, claimed, NULL, NULL);
    NMConnection *found = NULL;

    if (g_strcmp0(nm_connection_get_connection_type(fresh), NM_SETTING_WIRED_SETTING_NAME) == 0 &&
        nm_connection_get_setting_wired(fresh) != NULL)
        mac = nm_setting_wired_get_mac_address(nm_connection_get_setting_wired(fresh));

    if (controller != NULL) {
        g_autoptr(GPtrArray) ports = nmvirt_merge_candidates(
            existing, claimed, controller, g_hash_table_lookup(result_uuids, controller));

        found = nmvirt_identity_find(ports, name, mac, TRUE);
        if (found != NULL)
            return found;
    }
    found = nmvirt_identity_find(candidates, name, mac, FALSE);
    if (found != NULL)
        return found;
    return nmvirt_identity_find(candidates, name, mac, TRUE);
}

/* Whether a profile of @existing has @uuid. */
static gboolean
nmvirt_merge_uuid_taken(GPtrArray *existing, const char *uuid)
{
    for (guint i = 0; i < existing->len; i++) {
        if (g_strcmp0(nm_connection_get_uuid(g_ptr_array_index(existing, i)), uuid) == 0)
            return TRUE;
    }
    return FALSE;
}

/*
 * A new profile's UUID is derived from type and name, so a redefine finds
 * the same one. But the profile that has it now is not this interface's
 * (else nmvirt_merge_find_existing() had found it): the user renamed its
 * connection.interface-name, say. Writing the derived UUID would overwrite
 * that unrelated profile, so the new one gets a random UUID instead. Ports
 * and vlans in the result name their controller or parent by interface
 * name (to_nm and the merged connection.master), and @result_uuids is
 * filled after this, so nothing refers to the derived UUID.
 */
static void
nmvirt_merge_new_uuid_if_taken(NMConnection *profile, GPtrArray *existing)
{
    g_autofree char *uuid = NULL;

    if (!nmvirt_merge_uuid_taken(existing, nm_connection_get_uuid(profile)))
        return;
    uuid = nm_utils_uuid_generate();
    g_debug("merge: %s: UUID %s belongs to another profile, using %s",
            nm_connection_get_interface_name(profile), nm_connection_get_uuid(profile), uuid);
    g_object_set(nm_connection_get_setting_connection(profile), NM_SETTING_CONNECTION_UUID, uuid,
                 NULL);
}

GPtrArray *
nmvirt_map_merge(const NmvirtIfaceDef *def, GPtrArray *existing, GError **error)
{
    g_autoptr(GPtrArray) fresh = NULL;
    g_autoptr(GPtrArray) result = NULL;
    g_autoptr(GHashTable) claimed = NULL;
    g_autoptr(GHashTable) result_uuids = NULL;

    g_return_val_if_fail(def != NULL, NULL);
    g_return_val_if_fail(existing != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    fresh = nmvirt_map_to_nm(def, error);
    if (fresh == NULL)
        return NULL;

    result = g_ptr_array_new_with_free_func(g_object_unref);
    claimed = g_hash_table_new(NULL, NULL);
    /* interface name -> UUID of its profile in @result, so that a port can
     * be recognised by a master given as its controller's UUID */
    result_uuids = g_hash_table_new(g_str_hash, g_str_equal);

    /* to_nm's order puts every controller before its ports and members. */
    for (guint i = 0; i < fresh->len; i++) {
        NMConnection *profile = g_ptr_array_index(fresh, i);
        NMConnection *found = NULL;
        g_autoptr(NMConnection) merged = NULL;

        if (nm_connection_get_setting_connection(profile) == NULL ||
            nm_connection_get_interface_name(profile) == NULL) {
            g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INTERNAL,
                        "merge: profile %u of the document has no interface name", i);
            return NULL;
        }
        found = nmvirt_merge_find_existing(existing, claimed, result_uuids, profile);
        if (found == NULL) {
            merged = g_object_ref(profile);
            nmvirt_merge_new_uuid_if_taken(merged, existing);
        } else {
            g_hash_table_add(claimed, found);
            merged = nmvirt_merge_profile(found, profile, error);
            if (merged == NULL)
                return NULL;
        }
        g_hash_table_insert(result_uuids, (gpointer)nm_connection_get_interface_name(merged),
                            (gpointer)nm_connection_get_uuid(merged));
        g_ptr_array_add(result, g_steal_pointer(&merged));
    }
    return g_steal_pointer(&result);
}
