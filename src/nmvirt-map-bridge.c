/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * <bridge stp delay> <-> bridge.stp, bridge.forward-delay. Ports are found
 * and written by nmvirt-map.c.
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "nmvirt-error.h"
#include "nmvirt-map-private.h"

/* NetworkManager's range for bridge.forward-delay (0 only with STP off),
 * and the kernel default used when the XML has no delay. */
#define NMVIRT_MAP_BRIDGE_DELAY_MIN     2
#define NMVIRT_MAP_BRIDGE_DELAY_MAX     30
#define NMVIRT_MAP_BRIDGE_DELAY_DEFAULT 15

/* The grammar nmvirt_xml_check_delay() accepts: plain decimal notation,
 * digits with an optional fraction (no sign, exponent, white space, inf or
 * nan), and a finite value. A hint must pass it like a document does. */
static gboolean
nmvirt_map_bridge_delay_valid(const char *delay)
{
    const char *p = delay;
    guint digits = 0;

    while (g_ascii_isdigit(*p)) {
        p++;
        digits++;
    }
    if (*p == '.') {
        p++;
        while (g_ascii_isdigit(*p)) {
            p++;
            digits++;
        }
    }
    return *p == '\0' && digits > 0 && isfinite(g_ascii_strtod(delay, NULL));
}

gboolean
nmvirt_map_bridge_forward_delay(const char *delay, gboolean stp, guint *forward_delay)
{
    guint rounded = NMVIRT_MAP_BRIDGE_DELAY_DEFAULT;
    double seconds;

    if (delay != NULL) {
        if (!nmvirt_map_bridge_delay_valid(delay))
            return FALSE;
        seconds = g_ascii_strtod(delay, NULL);
        /* Cap before converting so huge values cannot overflow; half rounds up. */
        rounded = (guint)(MIN(seconds, 1000.0) + 0.5);
    }
    /* 0 turns the forward delay off, which NetworkManager allows without STP. */
    if (rounded == 0 && !stp)
        *forward_delay = 0;
    else
        *forward_delay = CLAMP(rounded, NMVIRT_MAP_BRIDGE_DELAY_MIN, NMVIRT_MAP_BRIDGE_DELAY_MAX);
    return TRUE;
}

gboolean
nmvirt_map_bridge_apply(NMConnection *connection, const NmvirtIfaceDef *def, GError **error)
{
    NMSettingBridge *s_bridge = nm_connection_get_setting_bridge(connection);
    gboolean stp = def->stp == NMVIRT_TRISTATE_YES;
    guint forward_delay = 0;
    g_autofree char *forward_delay_text = NULL;

    if (!nmvirt_map_bridge_forward_delay(def->delay, stp, &forward_delay)) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML,
                    _("interface '%1$s', <bridge delay>: invalid value '%2$s'; expected a "
                      "number of seconds"),
                    def->name, def->delay);
        return FALSE;
    }
    if (s_bridge == NULL) {
        s_bridge = NM_SETTING_BRIDGE(nm_setting_bridge_new());
        nm_connection_add_setting(connection, NM_SETTING(s_bridge));
    }
    /* The kernel's default is STP off; NetworkManager's would be on. */
    g_object_set(s_bridge, NM_SETTING_BRIDGE_STP, stp, NM_SETTING_BRIDGE_FORWARD_DELAY,
                 forward_delay, NULL);
    if (def->stp == NMVIRT_TRISTATE_UNSET &&
        !nmvirt_map_hint_set(connection, NMVIRT_MAP_HINT_BRIDGE_STP, NMVIRT_MAP_HINT_UNSET,
                             NMVIRT_MAP_BOOL_TEXT(stp), error))
        return FALSE;

    /* Keep the XML text whenever the stored number does not say the same. */
    forward_delay_text = g_strdup_printf("%u", forward_delay);
    if (def->delay == NULL) {
        return nmvirt_map_hint_set(connection, NMVIRT_MAP_HINT_BRIDGE_DELAY, NMVIRT_MAP_HINT_UNSET,
                                   forward_delay_text, error);
    }
    if (!g_str_equal(def->delay, forward_delay_text)) {
        return nmvirt_map_hint_set(connection, NMVIRT_MAP_HINT_BRIDGE_DELAY, def->delay,
                                   forward_delay_text, error);
    }
    return TRUE;
}

/*
 * A delay hint holds only while re-applying it reproduces the profile: it
 * must be a delay the parser accepts (or "unset") and give, with the
 * CURRENT stp, the current forward-delay. <bridge stp='on' delay='0.4'>
 * stores 2; after `nmcli connection modify br0 bridge.stp no`, 0.4 would
 * give 0, so the hint no longer describes the profile and the delay reads
 * back as the stored 2.
 */
static gboolean
nmvirt_map_bridge_delay_hint_holds(const char *hint, gboolean stp, NMSettingBridge *s_bridge)
{
    guint forward_delay = 0;

    if (!nmvirt_map_bridge_forward_delay(g_str_equal(hint, NMVIRT_MAP_HINT_UNSET) ? NULL : hint,
                                         stp, &forward_delay))
        return FALSE;
    return forward_delay == nm_setting_bridge_get_forward_delay(s_bridge);
}

gboolean
nmvirt_map_bridge_from_nm(NMConnection *connection, NmvirtIfaceDef *def, GError **error)
{
    NMSettingBridge *s_bridge = nm_connection_get_setting_bridge(connection);
    g_autofree char *forward_delay_text = NULL;
    const char *hint;
    gboolean stp;

    if (s_bridge == NULL) {
        g_autofree char *profile = nmvirt_map_profile_name(connection);

        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_PROFILE,
                    _("profile %s is of type bridge but has no 'bridge' setting"), profile);
        return FALSE;
    }
    stp = nm_setting_bridge_get_stp(s_bridge);
    hint = nmvirt_map_hint_get(connection, NMVIRT_MAP_HINT_BRIDGE_STP, NMVIRT_MAP_BOOL_TEXT(stp));
    /* an absent stp gives "no": only then can the hint be right */
    if (g_strcmp0(hint, NMVIRT_MAP_HINT_UNSET) == 0 && !stp)
        def->stp = NMVIRT_TRISTATE_UNSET;
    else
        def->stp = stp ? NMVIRT_TRISTATE_YES : NMVIRT_TRISTATE_NO;

    forward_delay_text = g_strdup_printf("%u", nm_setting_bridge_get_forward_delay(s_bridge));
    hint = nmvirt_map_hint_get(connection, NMVIRT_MAP_HINT_BRIDGE_DELAY, forward_delay_text);
    if (hint != NULL && !nmvirt_map_bridge_delay_hint_holds(hint, stp, s_bridge))
        hint = NULL;
    g_clear_pointer(&def->delay, g_free);
    if (hint == NULL)
        def->delay = g_steal_pointer(&forward_delay_text);
    else if (!g_str_equal(hint, NMVIRT_MAP_HINT_UNSET))
        def->delay = g_strdup(hint);
    return TRUE;
}
