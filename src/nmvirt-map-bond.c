/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * <bond mode>, <miimon>, <arpmon> <-> bond.options. Members are found and
 * written by nmvirt-map.c; this file only names the primary.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "nmvirt-error.h"
#include "nmvirt-map-private.h"

const char *const nmvirt_map_bond_owned_options[] = {
    NM_SETTING_BOND_OPTION_MODE,         NM_SETTING_BOND_OPTION_PRIMARY,
    NM_SETTING_BOND_OPTION_MIIMON,       NM_SETTING_BOND_OPTION_DOWNDELAY,
    NM_SETTING_BOND_OPTION_UPDELAY,      NM_SETTING_BOND_OPTION_USE_CARRIER,
    NM_SETTING_BOND_OPTION_ARP_INTERVAL, NM_SETTING_BOND_OPTION_ARP_IP_TARGET,
    NM_SETTING_BOND_OPTION_ARP_VALIDATE, NULL,
};

/* The kernel's numeric arp_validate values 0-3, in the model's order. */
static const char *const nmvirt_map_bond_arp_validate_names[] = { "none", "active", "backup",
                                                                  "all" };

static gboolean
nmvirt_map_bond_add_uint(NMSettingBond *s_bond, const char *option, guint value)
{
    g_autofree char *text = g_strdup_printf("%u", value);

    return nm_setting_bond_add_option(s_bond, option, text);
}

/* nm_setting_bond_add_option() refuses only option names libnm does not
 * know; ours are all known, so a refusal is a bug. */
static gboolean
nmvirt_map_bond_added(gboolean added, const char *option, GError **error)
{
    if (!added) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INTERNAL, _("libnm refused bond option '%s'"),
                    option);
    }
    return added;
}

static gboolean
nmvirt_map_bond_apply_monitor(NMSettingBond *s_bond, const NmvirtIfaceDef *def, GError **error)
{
    const NmvirtBondDef *bond = &def->bond;
    gboolean added = TRUE;

    switch (bond->monitor) {
    case NMVIRT_BOND_MONITOR_NONE:
        /* The kernel default; NetworkManager would otherwise apply miimon=100. */
        return nmvirt_map_bond_added(
            nm_setting_bond_add_option(s_bond, NM_SETTING_BOND_OPTION_MIIMON, "0"), "miimon",
            error);
    case NMVIRT_BOND_MONITOR_MIIMON:
        /* 0 is no monitor at all: it would read back without <miimon> */
        if (bond->miimon_freq == 0) {
            g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML,
                        _("interface '%s', <miimon freq>: invalid value '0'; expected a positive "
                          "number of milliseconds"),
                        def->name);
            return FALSE;
        }
        added = nmvirt_map_bond_add_uint(s_bond, NM_SETTING_BOND_OPTION_MIIMON, bond->miimon_freq);
        /* 0 delays mean absent, as in libvirt. */
        if (added && bond->downdelay != 0)
            added =
                nmvirt_map_bond_add_uint(s_bond, NM_SETTING_BOND_OPTION_DOWNDELAY, bond->downdelay);
        if (added && bond->updelay != 0)
            added = nmvirt_map_bond_add_uint(s_bond, NM_SETTING_BOND_OPTION_UPDELAY, bond->updelay);
        if (added && bond->carrier != NMVIRT_BOND_CARRIER_UNSET) {
            added =
                nm_setting_bond_add_option(s_bond, NM_SETTING_BOND_OPTION_USE_CARRIER,
                                           bond->carrier == NMVIRT_BOND_CARRIER_NETIF ? "1" : "0");
        }
        return nmvirt_map_bond_added(added, "miimon", error);
    case NMVIRT_BOND_MONITOR_ARPMON:
        break;
    }

    if (bond->mode == NMVIRT_BOND_MODE_802_3AD || bond->mode == NMVIRT_BOND_MODE_BALANCE_TLB ||
        bond->mode == NMVIRT_BOND_MODE_BALANCE_ALB) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_UNSUPPORTED,
                    _("interface '%1$s', <bond><arpmon>: the kernel has no ARP monitor in mode "
                      "'%2$s'; use <miimon>"),
                    def->name, nmvirt_bond_mode_to_string(bond->mode));
        return FALSE;
    }
    if (bond->arp_interval == 0) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML,
                    _("interface '%s', <arpmon interval>: invalid value '0'; expected a positive "
                      "number of milliseconds"),
                    def->name);
        return FALSE;
    }
    /* miimon=0 explicitly, so that only the ARP monitor runs. */
    added =
        nm_setting_bond_add_option(s_bond, NM_SETTING_BOND_OPTION_MIIMON, "0") &&
        nmvirt_map_bond_add_uint(s_bond, NM_SETTING_BOND_OPTION_ARP_INTERVAL, bond->arp_interval) &&
        nm_setting_bond_add_option(s_bond, NM_SETTING_BOND_OPTION_ARP_IP_TARGET, bond->arp_target);
    if (added && bond->arp_validate != NMVIRT_ARP_VALIDATE_UNSET) {
        added = nm_setting_bond_add_option(s_bond, NM_SETTING_BOND_OPTION_ARP_VALIDATE,
                                           nmvirt_arp_validate_to_string(bond->arp_validate));
    }
    return nmvirt_map_bond_added(added, "arp_interval", error);
}

gboolean
nmvirt_map_bond_apply(NMConnection *connection, const NmvirtIfaceDef *def, GError **error)
{
    NMSettingBond *s_bond = nm_connection_get_setting_bond(connection);
    NmvirtBondMode mode = def->bond.mode;

    if (s_bond == NULL) {
        s_bond = NM_SETTING_BOND(nm_setting_bond_new());
        nm_connection_add_setting(connection, NM_SETTING(s_bond));
    }
    /* Options the XML has no words for (xmit_hash_policy, lacp_rate…) stay. */
    for (guint i = 0; nmvirt_map_bond_owned_options[i] != NULL; i++)
        nm_setting_bond_remove_option(s_bond, nmvirt_map_bond_owned_options[i]);

    /* NetworkManager requires a mode; balance-rr is the kernel's default. */
    if (mode == NMVIRT_BOND_MODE_UNSET) {
        mode = NMVIRT_BOND_MODE_BALANCE_RR;
        if (!nmvirt_map_hint_set(connection, NMVIRT_MAP_HINT_BOND_MODE, NMVIRT_MAP_HINT_UNSET,
                                 nmvirt_bond_mode_to_string(mode), error))
            return FALSE;
    }
    if (!nmvirt_map_bond_added(nm_setting_bond_add_option(s_bond, NM_SETTING_BOND_OPTION_MODE,
                                                          nmvirt_bond_mode_to_string(mode)),
                               "mode", error))
        return FALSE;
    if (mode == NMVIRT_BOND_MODE_ACTIVE_BACKUP && def->members->len > 0) {
        g_autofree char *primary = nmvirt_map_def_name(g_ptr_array_index(def->members, 0));

        if (!nmvirt_map_bond_added(
                nm_setting_bond_add_option(s_bond, NM_SETTING_BOND_OPTION_PRIMARY, primary),
                "primary", error))
            return FALSE;
    }
    return nmvirt_map_bond_apply_monitor(s_bond, def, error);
}

static gboolean
nmvirt_map_bond_option_uint(NMConnection *connection, NMSettingBond *s_bond, const char *option,
                            guint *value, GError **error)
{
    const char *text = nm_setting_bond_get_option_by_name(s_bond, option);
    guint64 number = 0;

    *value = 0;
    if (text == NULL)
        return TRUE;
    if (!g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT, &number, NULL)) {
        g_autofree char *profile = nmvirt_map_profile_name(connection);

        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_PROFILE,
                    _("profile %1$s: bond.options %2$s='%3$s' is not a number"), profile, option,
                    text);
        return FALSE;
    }
    *value = (guint)number;
    return TRUE;
}

static gboolean
nmvirt_map_bond_unsupported(NMConnection *connection, const char *option, const char *value,
                            GError **error)
{
    g_autofree char *profile = nmvirt_map_profile_name(connection);

    g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_UNSUPPORTED,
                _("profile %1$s: bond.options %2$s='%3$s' cannot be described in interface XML"),
                profile, option, value);
    return FALSE;
}

static gboolean
nmvirt_map_bond_mode_from_nm(NMConnection *connection, NMSettingBond *s_bond, NmvirtIfaceDef *def,
                             GError **error)
{
    const char *text = nm_setting_bond_get_option_by_name(s_bond, NM_SETTING_BOND_OPTION_MODE);
    const char *mode_text = text != NULL ? text : "balance-rr";
    guint64 number = 0;
    int mode;

    /* The kernel's numbers 0-6 are the model's order after UNSET. */
    if (g_ascii_string_to_unsigned(mode_text, 10, 0, NMVIRT_BOND_MODE_LAST - 2, &number, NULL))
        mode = (int)number + NMVIRT_BOND_MODE_BALANCE_RR;
    else
        mode = nmvirt_bond_mode_from_string(mode_text);
    if (mode < 0)
        return nmvirt_map_bond_unsupported(connection, NM_SETTING_BOND_OPTION_MODE, mode_text,
                                           error);
    def->bond.mode = mode;
    /* an absent mode gives balance-rr: only then can the hint be right */
    if (text != NULL && mode == NMVIRT_BOND_MODE_BALANCE_RR &&
        g_strcmp0(nmvirt_map_hint_get(connection, NMVIRT_MAP_HINT_BOND_MODE, text),
                  NMVIRT_MAP_HINT_UNSET) == 0)
        def->bond.mode = NMVIRT_BOND_MODE_UNSET;
    return TRUE;
}

static gboolean
nmvirt_map_bond_miimon_from_nm(NMConnection *connection, NMSettingBond *s_bond, NmvirtIfaceDef *def,
                               guint miimon, GError **error)
{
    const char *carrier =
        nm_setting_bond_get_option_by_name(s_bond, NM_SETTING_BOND_OPTION_USE_CARRIER);

    def->bond.monitor = NMVIRT_BOND_MONITOR_MIIMON;
    def->bond.miimon_freq = miimon;
    if (!nmvirt_map_bond_option_uint(connection, s_bond, NM_SETTING_BOND_OPTION_DOWNDELAY,
                                     &def->bond.downdelay, error) ||
        !nmvirt_map_bond_option_uint(connection, s_bond, NM_SETTING_BOND_OPTION_UPDELAY,
                                     &def->bond.updelay, error))
        return FALSE;
    if (carrier == NULL)
        def->bond.carrier = NMVIRT_BOND_CARRIER_UNSET;
    else if (g_str_equal(carrier, "0"))
        def->bond.carrier = NMVIRT_BOND_CARRIER_IOCTL;
    else if (g_str_equal(carrier, "1"))
        def->bond.carrier = NMVIRT_BOND_CARRIER_NETIF;
    else
        return nmvirt_map_bond_unsupported(connection, NM_SETTING_BOND_OPTION_USE_CARRIER, carrier,
                                           error);
    return TRUE;
}

static gboolean
nmvirt_map_bond_arpmon_from_nm(NMConnection *connection, NMSettingBond *s_bond, NmvirtIfaceDef *def,
                               guint arp_interval, GError **error)
{
    const char *targets =
        nm_setting_bond_get_option_by_name(s_bond, NM_SETTING_BOND_OPTION_ARP_IP_TARGET);
    const char *validate =
        nm_setting_bond_get_option_by_name(s_bond, NM_SETTING_BOND_OPTION_ARP_VALIDATE);
    g_auto(GStrv) target_list = NULL;
    g_autoptr(GPtrArray) addresses = g_ptr_array_new();

    def->bond.monitor = NMVIRT_BOND_MONITOR_ARPMON;
    def->bond.arp_interval = arp_interval;
    target_list = g_strsplit_set(targets != NULL ? targets : "", ", ", -1);
    for (guint i = 0; target_list[i] != NULL; i++) {
        if (target_list[i][0] != '\0')
            g_ptr_array_add(addresses, target_list[i]);
    }
    /* <arpmon> has room for exactly one target. */
    if (addresses->len != 1) {
        return nmvirt_map_bond_unsupported(connection, NM_SETTING_BOND_OPTION_ARP_IP_TARGET,
                                           targets != NULL ? targets : "", error);
    }
    g_free(def->bond.arp_target);
    def->bond.arp_target = g_strdup(g_ptr_array_index(addresses, 0));

    def->bond.arp_validate = NMVIRT_ARP_VALIDATE_UNSET;
    if (validate == NULL)
        return TRUE;
    for (guint i = 0; i < G_N_ELEMENTS(nmvirt_map_bond_arp_validate_names); i++) {
        g_autofree char *number = g_strdup_printf("%u", i);

        if (g_str_equal(validate, nmvirt_map_bond_arp_validate_names[i]) ||
            g_str_equal(validate, number)) {
            def->bond.arp_validate =
                nmvirt_arp_validate_from_string(nmvirt_map_bond_arp_validate_names[i]);
            return TRUE;
        }
    }
    /* filter, filter_active, filter_backup: no XML spelling. */
    return nmvirt_map_bond_unsupported(connection, NM_SETTING_BOND_OPTION_ARP_VALIDATE, validate,
                                       error);
}

gboolean
nmvirt_map_bond_from_nm(NMConnection *connection, NmvirtIfaceDef *def, GError **error)
{
    NMSettingBond *s_bond = nm_connection_get_setting_bond(connection);
    const char *miimon_text;
    guint miimon = 0;
    guint arp_interval = 0;

    if (s_bond == NULL) {
        g_autofree char *profile = nmvirt_map_profile_name(connection);

        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_PROFILE,
                    _("profile %s is of type bond but has no 'bond' setting"), profile);
        return FALSE;
    }
    if (!nmvirt_map_bond_mode_from_nm(connection, s_bond, def, error))
        return FALSE;

    miimon_text = nm_setting_bond_get_option_by_name(s_bond, NM_SETTING_BOND_OPTION_MIIMON);
    if (!nmvirt_map_bond_option_uint(connection, s_bond, NM_SETTING_BOND_OPTION_MIIMON, &miimon,
                                     error) ||
        !nmvirt_map_bond_option_uint(connection, s_bond, NM_SETTING_BOND_OPTION_ARP_INTERVAL,
                                     &arp_interval, error))
        return FALSE;
    /* The kernel prefers the MII monitor when both are set, as libvirt does. */
    if (miimon > 0)
        return nmvirt_map_bond_miimon_from_nm(connection, s_bond, def, miimon, error);
    if (arp_interval > 0)
        return nmvirt_map_bond_arpmon_from_nm(connection, s_bond, def, arp_interval, error);
    if (miimon_text == NULL) {
        /* No monitor option at all: NetworkManager applies its default. */
        const char *fallback =
            nm_setting_bond_get_option_default(s_bond, NM_SETTING_BOND_OPTION_MIIMON);
        guint64 number = 0;

        if (fallback != NULL &&
            g_ascii_string_to_unsigned(fallback, 10, 1, G_MAXUINT, &number, NULL))
            return nmvirt_map_bond_miimon_from_nm(connection, s_bond, def, (guint)number, error);
    }
    def->bond.monitor = NMVIRT_BOND_MONITOR_NONE;
    return TRUE;
}

const char *
nmvirt_map_bond_primary(NMConnection *connection)
{
    NMSettingBond *s_bond = nm_connection_get_setting_bond(connection);

    if (s_bond == NULL)
        return NULL;
    return nm_setting_bond_get_option_by_name(s_bond, NM_SETTING_BOND_OPTION_PRIMARY);
}
