/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bridge and unbridge, as virsh's iface-bridge and iface-unbridge (spec
 * §3.1): bridge puts an interface into a new bridge that takes over its IP
 * configuration; unbridge gives a bridge's only port its IP configuration
 * back and deletes the bridge.
 *
 * Both build the document virsh builds (the interface's or the bridge's
 * configuration with start, MTU and protocols moved up or down, mac, bond
 * and vlan staying with the port) and write it as one define: the plan of
 * nmvirt-client-define.c (merge, takeover, journal, restore on failure).
 * On top of that they move what the document cannot carry, so that nothing
 * is lost on the way and back:
 *
 * - The IP configuration moves verbatim, not through the XML: the ipv4,
 *   ipv6 and proxy settings (addresses, gateway, method, DNS servers and
 *   search domains, routes, everything else in them) and the connection
 *   properties that belong to it (firewall zone, mDNS, LLMNR, DNS over
 *   TLS, MPTCP flags). bridge copies them from the interface's profile to
 *   the new bridge profile; unbridge copies the bridge's back to the port,
 *   so edits made on the bridge meanwhile (nmcli, GNOME Settings) come
 *   along, as the XML's protocols would.
 * - Same UUIDs: the interface's own profile becomes the port (merge takes
 *   the standalone profile over) and becomes the interface again on
 *   unbridge (merge detaches it), never a copy. Other profiles that could
 *   stand for the interface are kept out of the merge (the plan's
 *   merge_skip) and, like on define, suspended.
 * - The port's own nmvirt user data: a define rewrites every nmvirt.* key
 *   of the profiles it writes (nmvirt.interface becomes the bridge). bridge
 *   saves the keys each profile it turns into a port (or into a member
 *   under it) had, as nmvirt.unbridge.<rest of the key>, with the marker
 *   nmvirt.unbridge=<bridge>; unbridge puts exactly those back (a profile
 *   made with nmcli gets no nmvirt key at all). A redefine of the bridge
 *   through XML drops the saved keys, as it drops every nmvirt.* key;
 *   unbridge then leaves the keys a define writes.
 *
 * So `bridge eth1 br1` then `unbridge br1` gives eth1's profile back with
 * the same UUID and equal settings (apart from NetworkManager's timestamp).
 *
 * Runtime, as virsh: bridge starts the new bridge unless NO_START
 * (NetworkManager then brings the interface in as a port, replacing its
 * standalone activation); unbridge stops the bridge when anything of it is
 * active, writes, then starts the interface unless NO_START. Unlike virsh,
 * unbridge does not fail on a bridge that is not active (virsh's Destroy
 * does). A failed start after a successful write leaves the new
 * configuration defined and says so; a failed write of unbridge starts the
 * bridge again when unbridge had stopped it.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "nmvirt-client-live-private.h"
#include "nmvirt-client-private.h"
#include "nmvirt-error.h"
#include "nmvirt-map-private.h"
#include "nmvirt-map.h"
#include "nmvirt-xml.h"

/* The user data bridge saves on each profile it turns into a port (see the
 * top of this file). */
#define NMVIRT_CLIENT_BRIDGE_USER_PREFIX       "nmvirt."
#define NMVIRT_CLIENT_BRIDGE_USER_SAVED        "nmvirt.unbridge"
#define NMVIRT_CLIENT_BRIDGE_USER_SAVED_PREFIX "nmvirt.unbridge."

/* The settings that are the IP configuration (a port has none of them). */
static const char *const nmvirt_client_bridge_ip_settings[] = {
    NM_SETTING_IP4_CONFIG_SETTING_NAME,
    NM_SETTING_IP6_CONFIG_SETTING_NAME,
    NM_SETTING_PROXY_SETTING_NAME,
};

/* Connection properties that belong to the IP configuration: they act on
 * the device that carries the addresses, which the bridge becomes. */
static const char *const nmvirt_client_bridge_ip_properties[] = {
    NM_SETTING_CONNECTION_ZONE,        NM_SETTING_CONNECTION_MDNS,
    NM_SETTING_CONNECTION_LLMNR,       NM_SETTING_CONNECTION_DNS_OVER_TLS,
    NM_SETTING_CONNECTION_MPTCP_FLAGS,
};

typedef struct {
    char *iface;  /* bridge: the interface bridged; unbridge: the port, once known */
    char *bridge; /* the bridge */
    NmvirtBridgeFlags flags;
    double delay;
    NmvirtClientPlan *plan; /* until the write runs it */
    gboolean stopped;       /* unbridge stopped the bridge */
    GError *error;          /* a failed write, kept while the bridge starts again */
} NmvirtBridgeData;

static void
nmvirt_client_bridge_data_free(NmvirtBridgeData *data)
{
    g_free(data->iface);
    g_free(data->bridge);
    nmvirt_client_define_plan_free(data->plan);
    g_clear_error(&data->error);
    g_free(data);
}

/* Moving what the XML cannot carry ----------------------------------------- */

/* Replaces @to's IP configuration (settings and connection properties) by
 * a copy of @from's. */
static void
nmvirt_client_bridge_copy_ip(NMConnection *to, NMConnection *from)
{
    NMSettingConnection *s_to = nm_connection_get_setting_connection(to);
    NMSettingConnection *s_from = nm_connection_get_setting_connection(from);

    for (guint i = 0; i < G_N_ELEMENTS(nmvirt_client_bridge_ip_settings); i++) {
        GType type = nm_setting_lookup_type(nmvirt_client_bridge_ip_settings[i]);
        NMSetting *setting = nm_connection_get_setting(from, type);

        nm_connection_remove_setting(to, type);
        if (setting != NULL)
            nm_connection_add_setting(to, nm_setting_duplicate(setting));
    }
    for (guint i = 0; i < G_N_ELEMENTS(nmvirt_client_bridge_ip_properties); i++) {
        const char *property = nmvirt_client_bridge_ip_properties[i];
        GParamSpec *pspec = g_object_class_find_property(G_OBJECT_GET_CLASS(s_from), property);
        g_auto(GValue) value = G_VALUE_INIT;

        if (pspec == NULL)
            continue; /* a libnm older than the one built against */
        g_value_init(&value, G_PARAM_SPEC_VALUE_TYPE(pspec));
        g_object_get_property(G_OBJECT(s_from), property, &value);
        g_object_set_property(G_OBJECT(s_to), property, &value);
    }
}

/* The profile @settings, changed by bridge or unbridge beyond what define
 * checked, must still be one NetworkManager takes. */
static gboolean
nmvirt_client_bridge_verify(NMConnection *settings, const char *iface, const char *from,
                            GError **error)
{
    g_autoptr(GError) verify_error = NULL;

    if (nm_connection_verify(settings, &verify_error) &&
        nm_connection_normalize(settings, NULL, NULL, &verify_error))
        return TRUE;
    g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_CONFLICT,
                _("interface '%1$s': NetworkManager rejects the IP configuration taken over "
                  "from '%2$s': %3$s"),
                iface, from, verify_error->message);
    return FALSE;
}

/* On @settings, which turns @original into a port of @bridge: the
 * nmvirt.* user data @original had, saved (see the top of this file). */
static gboolean
nmvirt_client_bridge_save_user_data(NMConnection *settings, NMConnection *original,
                                    const char *bridge, GError **error)
{
    NMSettingUser *s_user =
        NM_SETTING_USER(nm_connection_get_setting(original, NM_TYPE_SETTING_USER));
    const char *const *keys = s_user != NULL ? nm_setting_user_get_keys(s_user, NULL) : NULL;

    for (guint i = 0; keys != NULL && keys[i] != NULL; i++) {
        g_autofree char *saved = NULL;

        if (!g_str_has_prefix(keys[i], NMVIRT_CLIENT_BRIDGE_USER_PREFIX) ||
            g_str_has_prefix(keys[i], NMVIRT_CLIENT_BRIDGE_USER_SAVED_PREFIX) ||
            g_str_equal(keys[i], NMVIRT_CLIENT_BRIDGE_USER_SAVED))
            continue;
        saved = g_strconcat(NMVIRT_CLIENT_BRIDGE_USER_SAVED_PREFIX,
                            keys[i] + strlen(NMVIRT_CLIENT_BRIDGE_USER_PREFIX), NULL);
        if (!nmvirt_map_user_data_set(settings, saved, nm_setting_user_get_data(s_user, keys[i]),
                                      error))
            return FALSE;
    }
    return nmvirt_map_user_data_set(settings, NMVIRT_CLIENT_BRIDGE_USER_SAVED, bridge, error);
}

/* On @settings, which detaches @port: the nmvirt.* user data bridge saved
 * on @port in place of every nmvirt.* key, when it saved any. */
static gboolean
nmvirt_client_bridge_restore_user_data(NMConnection *settings, NMConnection *port, GError **error)
{
    NMSettingUser *s_port = NM_SETTING_USER(nm_connection_get_setting(port, NM_TYPE_SETTING_USER));
    NMSettingUser *s_user =
        NM_SETTING_USER(nm_connection_get_setting(settings, NM_TYPE_SETTING_USER));
    const char *const *port_keys = NULL;
    g_auto(GStrv) keys = NULL;

    if (s_port == NULL || nm_setting_user_get_data(s_port, NMVIRT_CLIENT_BRIDGE_USER_SAVED) == NULL)
        return TRUE;
    if (s_user != NULL) {
        keys = g_strdupv((char **)nm_setting_user_get_keys(s_user, NULL));
        for (guint i = 0; keys[i] != NULL; i++) {
            if (g_str_has_prefix(keys[i], NMVIRT_CLIENT_BRIDGE_USER_PREFIX) &&
                !nmvirt_map_user_data_set(settings, keys[i], NULL, error))
                return FALSE;
        }
    }
    port_keys = nm_setting_user_get_keys(s_port, NULL);
    for (guint i = 0; port_keys[i] != NULL; i++) {
        g_autofree char *key = NULL;

        if (!g_str_has_prefix(port_keys[i], NMVIRT_CLIENT_BRIDGE_USER_SAVED_PREFIX))
            continue;
        key = g_strconcat(NMVIRT_CLIENT_BRIDGE_USER_PREFIX,
                          port_keys[i] + strlen(NMVIRT_CLIENT_BRIDGE_USER_SAVED_PREFIX), NULL);
        if (!nmvirt_map_user_data_set(settings, key, nm_setting_user_get_data(s_port, port_keys[i]),
                                      error))
            return FALSE;
    }
    /* a profile that had no user data gets none back */
    s_user = NM_SETTING_USER(nm_connection_get_setting(settings, NM_TYPE_SETTING_USER));
    if (s_user != NULL && g_strv_length((char **)nm_setting_user_get_keys(s_user, NULL)) == 0)
        nm_connection_remove_setting(settings, NM_TYPE_SETTING_USER);
    return TRUE;
}

/* Checks ------------------------------------------------------------------ */

/* The number of interfaces in the tree of @def (itself, ports, members). */
static guint
nmvirt_client_bridge_count(const NmvirtIfaceDef *def)
{
    guint count = 1;

    for (guint i = 0; i < def->members->len; i++)
        count += nmvirt_client_bridge_count(g_ptr_array_index(def->members, i));
    return count;
}

/* The write of the document's interface @index (see
 * nmvirt_client_define_prepare()). */
static NmvirtClientWrite *
nmvirt_client_bridge_write(NmvirtClientPlan *plan, guint index)
{
    g_return_val_if_fail(index < plan->writes->len, NULL);
    return g_ptr_array_index(plan->writes, index);
}

/* @def through the XML parser, so that it is checked as any document is
 * (names, delay). */
static NmvirtIfaceDef *
nmvirt_client_bridge_reparse(const NmvirtIfaceDef *def, GError **error)
{
    g_autofree char *xml = nmvirt_xml_format(def);

    g_debug("bridge: document\n%s", xml);
    return nmvirt_xml_parse_string(xml, -1, NULL, error);
}

static const char *
nmvirt_client_bridge_master(NMConnection *profile)
{
    NMSettingConnection *s_con = nm_connection_get_setting_connection(profile);

    return s_con != NULL ? nm_setting_connection_get_master(s_con) : NULL;
}

/* Nothing may be called @bridge yet: no interface, no profile bound to the
 * name or naming it as controller, no device. */
static gboolean
nmvirt_client_bridge_check_free(NmvirtClient *self, GPtrArray *profiles, const char *bridge,
                                GError **error)
{
    NMDevice *device = nmvirt_client_find_device(self, bridge);

    if (!nmvirt_iface_name_check(bridge, error)) {
        g_prefix_error(error, _("the name of the new bridge is not valid: "));
        return FALSE;
    }
    for (guint i = 0; i < profiles->len; i++) {
        NMConnection *profile = g_ptr_array_index(profiles, i);
        g_autofree char *name = nmvirt_map_profile_name(profile);

        if (g_strcmp0(nm_connection_get_interface_name(profile), bridge) == 0) {
            g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_EXISTS,
                        _("interface '%1$s' exists already (profile %2$s); choose another name "
                          "for the bridge"),
                        bridge, name);
            return FALSE;
        }
        if (g_strcmp0(nmvirt_client_bridge_master(profile), bridge) == 0) {
            g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_EXISTS,
                        _("profile %1$s is a port of '%2$s' already; delete it or choose "
                          "another name for the bridge"),
                        name, bridge);
            return FALSE;
        }
    }
    if ((device != NULL && nm_device_is_real(device)) || nmvirt_client_live_link_exists(bridge)) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_EXISTS,
                    _("a network device named '%s' exists already; choose another name for "
                      "the bridge"),
                    bridge);
        return FALSE;
    }
    return TRUE;
}

/* The profiles other than @keep that merge could take for interface @name
 * (see nmvirt_identity_find()): kept out of it, so that @keep is taken. */
static GHashTable *
nmvirt_client_bridge_skip(GPtrArray *profiles, NMConnection *keep, const char *name,
                          const char *mac)
{
    GHashTable *skip = g_hash_table_new(NULL, NULL);

    for (guint i = 0; i < profiles->len; i++) {
        NMConnection *profile = g_ptr_array_index(profiles, i);
        g_autoptr(GPtrArray) one = g_ptr_array_new();

        if (profile == keep)
            continue;
        g_ptr_array_add(one, profile);
        if (nmvirt_identity_find(one, name, mac, TRUE) != NULL)
            g_hash_table_add(skip, profile);
    }
    return skip;
}

/* The delay as XML text: whole seconds as such, else decimals without an
 * exponent or trailing zeros. */
static char *
nmvirt_client_bridge_delay_text(double delay)
{
    char buffer[G_ASCII_DTOSTR_BUF_SIZE];
    char *text;
    gsize len;

    if (delay == floor(delay) && delay < 1e9)
        return g_strdup_printf("%u", (guint)delay);
    text = g_strdup(g_ascii_formatd(buffer, sizeof(buffer), "%.6f", delay));
    len = strlen(text);
    while (len > 0 && text[len - 1] == '0')
        text[--len] = '\0';
    if (len > 0 && text[len - 1] == '.')
        text[--len] = '\0';
    return text;
}

/* Bridge: the plan ----------------------------------------------------------- */

static NmvirtClientPlan *
nmvirt_client_bridge_prepare(NmvirtClient *self, NmvirtBridgeData *data, GError **error)
{
    g_autoptr(GPtrArray) profiles = nmvirt_client_get_profiles(self);
    NMRemoteConnection *profile = nmvirt_client_find_profile(self, data->iface);
    g_autoptr(NmvirtIfaceDef) port = NULL;
    g_autoptr(NmvirtIfaceDef) bridge = NULL;
    NmvirtClientPlan *plan = NULL;
    g_autoptr(GError) local_error = NULL;
    NmvirtClientWrite *write = NULL;
    guint count;

    if (profile == NULL) {
        NMConnection *as_port = nmvirt_identity_find(profiles, data->iface, NULL, TRUE);

        if (as_port != NULL) {
            g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_CONFLICT,
                        _("interface '%1$s' is a port of '%2$s'; only a top-level interface can "
                          "be bridged"),
                        data->iface, nmvirt_client_bridge_master(as_port));
            return NULL;
        }
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_NOT_FOUND, _("no interface named '%s'"),
                    data->iface);
        return NULL;
    }
    if (!nmvirt_client_bridge_check_free(self, profiles, data->bridge, error))
        return NULL;
    port = nmvirt_map_from_nm(NM_CONNECTION(profile), profiles, &local_error);
    if (port == NULL) {
        g_propagate_prefixed_error(
            error, g_steal_pointer(&local_error),
            _("interface '%s' cannot be bridged, its configuration has no interface XML: "),
            data->iface);
        return NULL;
    }
    if (port->type == NMVIRT_IFACE_TYPE_BRIDGE) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_UNSUPPORTED,
                    _("interface '%s' is a bridge already; a bridge cannot be a port of "
                      "another bridge"),
                    data->iface);
        return NULL;
    }

    /* virsh's document: start, MTU and protocols go up to the bridge; mac,
     * bond and vlan stay with the port */
    bridge = nmvirt_iface_def_new(NMVIRT_IFACE_TYPE_BRIDGE, data->bridge);
    bridge->start_mode = port->start_mode;
    bridge->mtu = port->mtu;
    bridge->ipv4 = g_steal_pointer(&port->ipv4);
    bridge->ipv6 = g_steal_pointer(&port->ipv6);
    port->start_mode = NMVIRT_START_MODE_UNSET;
    port->mtu = 0;
    if ((data->flags & NMVIRT_BRIDGE_FLAGS_NO_STP) != 0) {
        bridge->stp = NMVIRT_TRISTATE_NO;
        if (data->delay >= 0)
            bridge->delay = nmvirt_client_bridge_delay_text(data->delay);
    } else {
        /* virsh writes delay='0' unless told otherwise */
        bridge->stp = NMVIRT_TRISTATE_YES;
        bridge->delay = nmvirt_client_bridge_delay_text(MAX(data->delay, 0));
    }
    nmvirt_iface_def_add_member(bridge, g_steal_pointer(&port));

    plan = nmvirt_client_define_plan_new(data->bridge);
    plan->def = nmvirt_client_bridge_reparse(bridge, error);
    if (plan->def == NULL)
        goto fail;
    plan->merge_skip = nmvirt_client_bridge_skip(
        profiles, NM_CONNECTION(profile), data->iface,
        ((NmvirtIfaceDef *)g_ptr_array_index(plan->def->members, 0))->mac);
    if (!nmvirt_client_define_prepare(self, plan, error))
        goto fail;

    /* writes 0 (the new bridge) and 1 (the interface, now its port), then
     * the members of a bond port */
    count = nmvirt_client_bridge_count(plan->def);
    write = nmvirt_client_bridge_write(plan, 1);
    if (plan->writes->len < count ||
        nmvirt_client_bridge_write(plan, 0)->kind != NMVIRT_CLIENT_WRITE_ADD ||
        write->profile != profile || write->settings == NULL) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INTERNAL,
                    "bridge %s: the plan does not turn profile %s into the port", data->bridge,
                    nm_connection_get_uuid(NM_CONNECTION(profile)));
        goto fail;
    }
    write = nmvirt_client_bridge_write(plan, 0);
    nmvirt_client_bridge_copy_ip(write->settings, NM_CONNECTION(profile));
    if (!nmvirt_client_bridge_verify(write->settings, data->bridge, data->iface, error))
        goto fail;
    for (guint i = 1; i < count; i++) {
        write = nmvirt_client_bridge_write(plan, i);
        if (write->settings != NULL && write->profile != NULL &&
            !nmvirt_client_bridge_save_user_data(write->settings, NM_CONNECTION(write->profile),
                                                 data->bridge, error))
            goto fail;
    }
    return plan;

fail:
    nmvirt_client_define_plan_free(plan);
    return NULL;
}

/* Unbridge: the plan --------------------------------------------------------- */

/* The direct port of @bridge_profile (interface @bridge) named @name. */
static NMConnection *
nmvirt_client_unbridge_port(GPtrArray *profiles, NMConnection *bridge_profile, const char *bridge,
                            const char *name)
{
    g_autoptr(GPtrArray) ports = g_ptr_array_new();

    for (guint i = 0; i < profiles->len; i++) {
        NMConnection *profile = g_ptr_array_index(profiles, i);
        const char *master = nmvirt_client_bridge_master(profile);

        if (g_strcmp0(master, bridge) == 0 ||
            g_strcmp0(master, nm_connection_get_uuid(bridge_profile)) == 0)
            g_ptr_array_add(ports, profile);
    }
    return nmvirt_identity_find(ports, name, NULL, TRUE);
}

static NmvirtClientPlan *
nmvirt_client_unbridge_prepare(NmvirtClient *self, NmvirtBridgeData *data, GError **error)
{
    g_autoptr(GPtrArray) profiles = nmvirt_client_get_profiles(self);
    NMRemoteConnection *bridge_profile = nmvirt_client_find_profile(self, data->bridge);
    g_autoptr(NmvirtIfaceDef) bridge = NULL;
    g_autoptr(NmvirtIfaceDef) port = NULL;
    NMConnection *port_profile = NULL;
    NmvirtClientPlan *plan = NULL;
    NmvirtClientWrite *write = NULL;
    guint count;

    if (bridge_profile == NULL) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_NOT_FOUND, _("no interface named '%s'"),
                    data->bridge);
        return NULL;
    }
    if (!nm_connection_is_type(NM_CONNECTION(bridge_profile), NM_SETTING_BRIDGE_SETTING_NAME)) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_UNSUPPORTED,
                    _("interface '%s' is not a bridge; unbridge takes a bridge with one port"),
                    data->bridge);
        return NULL;
    }
    bridge = nmvirt_map_from_nm(NM_CONNECTION(bridge_profile), profiles, error);
    if (bridge == NULL)
        return NULL;
    if (bridge->members->len == 0) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_CONFLICT,
                    _("bridge '%s' has no port; unbridge needs exactly one"), data->bridge);
        return NULL;
    }
    if (bridge->members->len > 1) {
        g_autoptr(GPtrArray) names = g_ptr_array_new();
        g_autofree char *list = NULL;

        for (guint i = 0; i < bridge->members->len; i++)
            g_ptr_array_add(names, ((NmvirtIfaceDef *)g_ptr_array_index(bridge->members, i))->name);
        g_ptr_array_add(names, NULL);
        list = g_strjoinv(", ", (char **)names->pdata);
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_CONFLICT,
                    _("bridge '%1$s' has %2$u ports (%3$s); unbridge needs exactly one"),
                    data->bridge, bridge->members->len, list);
        return NULL;
    }

    /* virsh's document: the port gets the bridge's start, MTU and protocols */
    port = g_ptr_array_steal_index(bridge->members, 0);
    port->start_mode = bridge->start_mode;
    port->mtu = bridge->mtu;
    port->ipv4 = g_steal_pointer(&bridge->ipv4);
    port->ipv6 = g_steal_pointer(&bridge->ipv6);
    data->iface = nmvirt_map_def_name(port);
    port_profile = nmvirt_client_unbridge_port(profiles, NM_CONNECTION(bridge_profile),
                                               data->bridge, data->iface);
    if (port_profile == NULL) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INTERNAL,
                    "unbridge %s: no profile for its port %s", data->bridge, data->iface);
        return NULL;
    }

    plan = nmvirt_client_define_plan_new(data->iface);
    plan->def = nmvirt_client_bridge_reparse(port, error);
    if (plan->def == NULL)
        goto fail;
    plan->merge_skip = nmvirt_client_bridge_skip(profiles, port_profile, data->iface, NULL);
    if (!nmvirt_client_define_prepare(self, plan, error))
        goto fail;

    /* write 0 detaches the port, then the members of a bond port */
    count = nmvirt_client_bridge_count(plan->def);
    write = nmvirt_client_bridge_write(plan, 0);
    if (plan->writes->len < count || write->profile != NM_REMOTE_CONNECTION(port_profile) ||
        write->settings == NULL) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INTERNAL,
                    "unbridge %s: the plan does not detach profile %s", data->bridge,
                    nm_connection_get_uuid(port_profile));
        goto fail;
    }
    nmvirt_client_bridge_copy_ip(write->settings, NM_CONNECTION(bridge_profile));
    for (guint i = 0; i < count; i++) {
        write = nmvirt_client_bridge_write(plan, i);
        if (write->settings != NULL && write->profile != NULL &&
            !nmvirt_client_bridge_restore_user_data(write->settings, NM_CONNECTION(write->profile),
                                                    error))
            goto fail;
    }
    write = nmvirt_client_bridge_write(plan, 0);
    if (!nmvirt_client_bridge_verify(write->settings, data->iface, data->bridge, error))
        goto fail;

    /* the bridge goes, and what it suspended comes back */
    nmvirt_client_define_plan_add(plan, NMVIRT_CLIENT_WRITE_DELETE, bridge_profile, NULL, 0);
    if (!nmvirt_client_define_prepare_resume(plan, profiles, data->bridge, error))
        goto fail;
    return plan;

fail:
    nmvirt_client_define_plan_free(plan);
    return NULL;
}

/* Running ------------------------------------------------------------------ */

/* Sends the plan (kept in the task data until now) as a define; @callback
 * gets @task back as user data. */
static void
nmvirt_client_bridge_run_plan(GTask *task, GAsyncReadyCallback callback)
{
    NmvirtClient *self = g_task_get_source_object(task);
    NmvirtBridgeData *data = g_task_get_task_data(task);
    GTask *write = g_task_new(self, g_task_get_cancellable(task), callback, g_object_ref(task));

    g_task_set_task_data(write, g_steal_pointer(&data->plan),
                         (GDestroyNotify)nmvirt_client_define_plan_free);
    nmvirt_client_write_plan_run(self, write);
    g_object_unref(write);
}

static void
nmvirt_client_bridge_started_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    NmvirtBridgeData *data = g_task_get_task_data(task);
    g_autoptr(GError) error = NULL;

    if (!nmvirt_client_start_finish(NMVIRT_CLIENT(source), result, &error)) {
        g_task_return_new_error(task, error->domain, error->code,
                                _("bridge '%1$s' is defined with port '%2$s', but starting it "
                                  "failed: %3$s"),
                                data->bridge, data->iface, error->message);
        return;
    }
    g_task_return_boolean(task, TRUE);
}

static void
nmvirt_client_bridge_written_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    NmvirtBridgeData *data = g_task_get_task_data(task);
    GError *error = NULL;

    if (!g_task_propagate_boolean(G_TASK(result), &error)) {
        g_task_return_error(task, error);
        return;
    }
    if ((data->flags & NMVIRT_BRIDGE_FLAGS_NO_START) != 0) {
        g_task_return_boolean(task, TRUE);
        return;
    }
    nmvirt_client_start_async(NMVIRT_CLIENT(source), data->bridge, 0, g_task_get_cancellable(task),
                              nmvirt_client_bridge_started_cb, g_object_ref(task));
}

/* The cache is up to date: plan, then write. */
static void
nmvirt_client_bridge_start(GTask *task)
{
    NmvirtClient *self = g_task_get_source_object(task);
    NmvirtBridgeData *data = g_task_get_task_data(task);
    GError *error = NULL;

    data->plan = nmvirt_client_bridge_prepare(self, data, &error);
    if (data->plan == NULL) {
        g_task_return_error(task, error);
        return;
    }
    nmvirt_client_bridge_run_plan(task, nmvirt_client_bridge_written_cb);
}

static void
nmvirt_client_unbridge_started_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    NmvirtBridgeData *data = g_task_get_task_data(task);
    g_autoptr(GError) error = NULL;

    if (!nmvirt_client_start_finish(NMVIRT_CLIENT(source), result, &error)) {
        g_task_return_new_error(task, error->domain, error->code,
                                _("interface '%1$s' is defined without bridge '%2$s', but "
                                  "starting it failed: %3$s"),
                                data->iface, data->bridge, error->message);
        return;
    }
    g_task_return_boolean(task, TRUE);
}

/* After a failed write: the bridge unbridge stopped is up again (or not). */
static void
nmvirt_client_unbridge_restarted_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    NmvirtBridgeData *data = g_task_get_task_data(task);
    g_autoptr(GError) error = NULL;

    if (!nmvirt_client_start_finish(NMVIRT_CLIENT(source), result, &error)) {
        g_autofree char *message = g_strdup(data->error->message);

        g_clear_pointer(&data->error->message, g_free);
        data->error->message = g_strdup_printf(_("%1$s; starting bridge '%2$s' again failed "
                                                 "too: %3$s"),
                                               message, data->bridge, error->message);
    }
    g_task_return_error(task, g_steal_pointer(&data->error));
}

static void
nmvirt_client_unbridge_written_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    NmvirtBridgeData *data = g_task_get_task_data(task);
    GError *error = NULL;

    if (!g_task_propagate_boolean(G_TASK(result), &error)) {
        if (!data->stopped) {
            g_task_return_error(task, error);
            return;
        }
        data->error = error;
        nmvirt_client_start_async(NMVIRT_CLIENT(source), data->bridge, 0, NULL,
                                  nmvirt_client_unbridge_restarted_cb, g_object_ref(task));
        return;
    }
    if ((data->flags & NMVIRT_BRIDGE_FLAGS_NO_START) != 0) {
        g_task_return_boolean(task, TRUE);
        return;
    }
    nmvirt_client_start_async(NMVIRT_CLIENT(source), data->iface, 0, g_task_get_cancellable(task),
                              nmvirt_client_unbridge_started_cb, g_object_ref(task));
}

static void
nmvirt_client_unbridge_stopped_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    NmvirtBridgeData *data = g_task_get_task_data(task);
    g_autoptr(GError) error = NULL;

    if (!nmvirt_client_stop_finish(NMVIRT_CLIENT(source), result, &error)) {
        g_task_return_new_error(task, error->domain, error->code,
                                _("bridge '%1$s' could not be stopped, so nothing was changed: "
                                  "%2$s"),
                                data->bridge, error->message);
        return;
    }
    data->stopped = TRUE;
    nmvirt_client_bridge_run_plan(task, nmvirt_client_unbridge_written_cb);
}

/* Whether the profile with @uuid has an activation not yet gone. */
static gboolean
nmvirt_client_unbridge_has_activation(NmvirtClient *self, const char *uuid)
{
    NMActiveConnection *active = nmvirt_client_find_active(nmvirt_client_get_nm_client(self), uuid);

    return active != NULL &&
           nm_active_connection_get_state(active) < NM_ACTIVE_CONNECTION_STATE_DEACTIVATED;
}

/* The cache is up to date: plan, stop the bridge when it runs, write. */
static void
nmvirt_client_unbridge_start(GTask *task)
{
    NmvirtClient *self = g_task_get_source_object(task);
    NmvirtBridgeData *data = g_task_get_task_data(task);
    NMRemoteConnection *bridge_profile = NULL;
    g_autoptr(GPtrArray) ports = NULL;
    gboolean running = FALSE;
    GError *error = NULL;

    data->plan = nmvirt_client_unbridge_prepare(self, data, &error);
    if (data->plan == NULL) {
        g_task_return_error(task, error);
        return;
    }
    bridge_profile = nmvirt_client_find_profile(self, data->bridge);
    ports = nmvirt_client_get_ports(self, bridge_profile);
    running = nmvirt_client_unbridge_has_activation(
        self, nm_connection_get_uuid(NM_CONNECTION(bridge_profile)));
    for (guint i = 0; i < ports->len && !running; i++)
        running = nmvirt_client_unbridge_has_activation(
            self, nm_connection_get_uuid(NM_CONNECTION(g_ptr_array_index(ports, i))));
    if (!running) {
        nmvirt_client_bridge_run_plan(task, nmvirt_client_unbridge_written_cb);
        return;
    }
    g_debug("unbridge %s: stopping the bridge first", data->bridge);
    nmvirt_client_stop_async(self, data->bridge, g_task_get_cancellable(task),
                             nmvirt_client_unbridge_stopped_cb, g_object_ref(task));
}

/* Public API ----------------------------------------------------------------- */

/**
 * nmvirt_client_bridge_async:
 * @self: a #NmvirtClient
 * @iface: the top-level interface to put into the bridge
 * @bridge: the name of the new bridge
 * @flags: %NMVIRT_BRIDGE_FLAGS_NO_STP, %NMVIRT_BRIDGE_FLAGS_NO_START
 * @delay: the bridge's forward delay in seconds (may be fractional, as in
 *   the XML); negative for the default: 0 with STP (as virsh writes, which
 *   NetworkManager stores as 2), none without
 * @cancellable: (nullable): a #GCancellable, or %NULL; checked before the
 *   first write and while starting
 * @callback: (scope async): called when done
 * @user_data: (closure): data for @callback
 *
 * Creates bridge @bridge with @iface as its only port, as `virsh
 * iface-bridge` does, and starts it unless %NMVIRT_BRIDGE_FLAGS_NO_START.
 * The bridge takes over the interface's start mode, MTU and whole IP
 * configuration: the ipv4, ipv6 and proxy settings verbatim (addresses,
 * gateway, DNS servers and search domains, routes), and its firewall zone,
 * mDNS, LLMNR, DNS-over-TLS and MPTCP settings. The interface's own profile
 * becomes the port (same UUID; it keeps 802.1X and every setting a port can
 * have) and remembers its nmvirt user data, so that
 * nmvirt_client_unbridge_async() gives the same profile back.
 *
 * Written as one define (see nmvirt_client_define_async()): a failure while
 * writing puts every profile back. Starting the bridge makes NetworkManager
 * bring the interface in as a port, ending its standalone activation.
 *
 * Errors: %NMVIRT_ERROR_NOT_FOUND (no interface @iface),
 * %NMVIRT_ERROR_CONFLICT (@iface is a port), %NMVIRT_ERROR_UNSUPPORTED
 * (@iface is a bridge, or NetworkManager does not manage a device),
 * %NMVIRT_ERROR_EXISTS (@bridge names an interface, a profile or a device
 * already), %NMVIRT_ERROR_INVALID_XML (@bridge is not a kernel name, or
 * @delay is not a number), and those of define and start.
 *
 * Since: 0.1
 */
void
nmvirt_client_bridge_async(NmvirtClient *self, const char *iface, const char *bridge,
                           NmvirtBridgeFlags flags, double delay, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    g_autoptr(GError) error = NULL;
    NmvirtBridgeData *data = NULL;

    g_return_if_fail(NMVIRT_IS_CLIENT(self));
    g_return_if_fail(iface != NULL);
    g_return_if_fail(bridge != NULL);
    g_return_if_fail(cancellable == NULL || G_IS_CANCELLABLE(cancellable));

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, nmvirt_client_bridge_async);
    if (!isfinite(delay)) {
        g_task_return_new_error(task, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML,
                                _("bridge '%s': the forward delay must be a number of seconds"),
                                bridge);
        return;
    }
    if (!nmvirt_client_check_running(self, &error)) {
        g_task_return_error(task, g_steal_pointer(&error));
        return;
    }
    data = g_new0(NmvirtBridgeData, 1);
    data->iface = g_strdup(iface);
    data->bridge = g_strdup(bridge);
    data->flags = flags;
    data->delay = delay;
    g_task_set_task_data(task, data, (GDestroyNotify)nmvirt_client_bridge_data_free);
    nmvirt_client_write_catch_up(task, nmvirt_client_bridge_start);
}

/**
 * nmvirt_client_bridge_finish:
 * @self: a #NmvirtClient
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError, or %NULL
 *
 * Returns: %TRUE when the bridge is defined (and started, unless
 *   %NMVIRT_BRIDGE_FLAGS_NO_START); %FALSE with @error set
 *
 * Since: 0.1
 */
gboolean
nmvirt_client_bridge_finish(NmvirtClient *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(NMVIRT_IS_CLIENT(self), FALSE);
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    g_return_val_if_fail(g_async_result_is_tagged(result, nmvirt_client_bridge_async), FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    return g_task_propagate_boolean(G_TASK(result), error);
}

/**
 * nmvirt_client_unbridge_async:
 * @self: a #NmvirtClient
 * @bridge: a bridge with exactly one port
 * @flags: %NMVIRT_BRIDGE_FLAGS_NO_START (others are ignored)
 * @cancellable: (nullable): a #GCancellable, or %NULL; checked while
 *   stopping, before the first write and while starting
 * @callback: (scope async): called when done
 * @user_data: (closure): data for @callback
 *
 * Undoes nmvirt_client_bridge_async(), as `virsh iface-unbridge` does:
 * stops @bridge when anything of it is active, gives its only port the
 * bridge's start mode, MTU and IP configuration (verbatim, as bridge moved
 * it), deletes the bridge, and starts the port as a top-level interface
 * unless %NMVIRT_BRIDGE_FLAGS_NO_START. The port's profile stays the same
 * (same UUID); the nmvirt user data it had before bridge comes back. Unlike
 * virsh, a bridge that is not active is no error.
 *
 * Written as one define; a failure while writing puts every profile back
 * and starts the bridge again if unbridge had stopped it.
 *
 * Errors: %NMVIRT_ERROR_NOT_FOUND (no interface @bridge),
 * %NMVIRT_ERROR_UNSUPPORTED (@bridge is not a bridge),
 * %NMVIRT_ERROR_CONFLICT (@bridge has no port or several), and those of
 * stop, define and start.
 *
 * Since: 0.1
 */
void
nmvirt_client_unbridge_async(NmvirtClient *self, const char *bridge, NmvirtBridgeFlags flags,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    g_autoptr(GError) error = NULL;
    NmvirtBridgeData *data = NULL;

    g_return_if_fail(NMVIRT_IS_CLIENT(self));
    g_return_if_fail(bridge != NULL);
    g_return_if_fail(cancellable == NULL || G_IS_CANCELLABLE(cancellable));

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, nmvirt_client_unbridge_async);
    if (!nmvirt_client_check_running(self, &error)) {
        g_task_return_error(task, g_steal_pointer(&error));
        return;
    }
    data = g_new0(NmvirtBridgeData, 1);
    data->bridge = g_strdup(bridge);
    data->flags = flags;
    g_task_set_task_data(task, data, (GDestroyNotify)nmvirt_client_bridge_data_free);
    nmvirt_client_write_catch_up(task, nmvirt_client_unbridge_start);
}

/**
 * nmvirt_client_unbridge_finish:
 * @self: a #NmvirtClient
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full): the name of the former port, now a top-level
 *   interface; %NULL with @error set
 *
 * Since: 0.1
 */
char *
nmvirt_client_unbridge_finish(NmvirtClient *self, GAsyncResult *result, GError **error)
{
    NmvirtBridgeData *data = NULL;

    g_return_val_if_fail(NMVIRT_IS_CLIENT(self), NULL);
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    g_return_val_if_fail(g_async_result_is_tagged(result, nmvirt_client_unbridge_async), NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (!g_task_propagate_boolean(G_TASK(result), error))
        return NULL;
    data = g_task_get_task_data(G_TASK(result));
    return g_strdup(data->iface);
}
