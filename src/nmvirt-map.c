/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * NmvirtIfaceDef <-> NetworkManager profiles: the walk over the tree. Each
 * part of a profile is mapped by its own file (nmvirt-map-<part>.c); this
 * file checks the nesting, finds ports and members, and orders them.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "nmvirt-error.h"
#include "nmvirt-map-private.h"
#include "nmvirt-map.h"

char *
nmvirt_map_def_name(const NmvirtIfaceDef *def)
{
    if (def->name == NULL && def->type == NMVIRT_IFACE_TYPE_VLAN && def->vlan_parent != NULL)
        return g_strdup_printf("%s.%u", def->vlan_parent, def->vlan_tag);
    return g_strdup(def->name);
}

char *
nmvirt_map_profile_name(NMConnection *connection)
{
    const char *id = nm_connection_get_id(connection);
    const char *uuid = nm_connection_get_uuid(connection);

    if (id != NULL && uuid != NULL)
        return g_strdup_printf("'%s' (%s)", id, uuid);
    if (id != NULL || uuid != NULL)
        return g_strdup_printf("'%s'", id != NULL ? id : uuid);
    /* TRANSLATORS: stands for a profile's name in messages */
    return g_strdup(_("without id or UUID"));
}

gboolean
nmvirt_map_apply(NMConnection *connection, const NmvirtIfaceDef *def, const NmvirtMapPlace *place,
                 GError **error)
{
    nmvirt_map_hint_clear_all(connection);
    if (!nmvirt_map_connection_apply(connection, def, place, error) ||
        !nmvirt_map_ethernet_apply(connection, def, place, error))
        return FALSE;
    switch (def->type) {
    case NMVIRT_IFACE_TYPE_BRIDGE:
        if (!nmvirt_map_bridge_apply(connection, def, error))
            return FALSE;
        break;
    case NMVIRT_IFACE_TYPE_BOND:
        if (!nmvirt_map_bond_apply(connection, def, error))
            return FALSE;
        break;
    case NMVIRT_IFACE_TYPE_VLAN:
        if (!nmvirt_map_vlan_apply(connection, def, error))
            return FALSE;
        break;
    case NMVIRT_IFACE_TYPE_ETHERNET:
    case NMVIRT_IFACE_TYPE_LAST:
        break;
    }
    if (!NMVIRT_MAP_PLACE_IS_TOP(place))
        return TRUE;
    return nmvirt_map_ip_apply(connection, def, error);
}

NMConnection *
nmvirt_map_new_connection(const NmvirtIfaceDef *def, const NmvirtMapPlace *place, GError **error)
{
    g_autoptr(NMConnection) connection = nm_simple_connection_new();

    nmvirt_map_connection_set_identity(connection, def, place);
    if (!nmvirt_map_apply(connection, def, place, error))
        return NULL;
    return g_steal_pointer(&connection);
}

/* The rules of interface XML a model built in code has not been checked
 * against: every interface has a name; ports of a bridge are ethernet,
 * bond or vlan, members of a bond are ethernet, nothing else has ports. */
static gboolean
nmvirt_map_to_nm_check_structure(const NmvirtIfaceDef *def, const NmvirtMapPlace *place,
                                 GError **error)
{
    const NmvirtIfaceDef *controller = place->controller;
    g_autofree char *name = nmvirt_map_def_name(def);

    if (def->type >= NMVIRT_IFACE_TYPE_LAST) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INTERNAL,
                    _("interface '%1$s' has an unknown type (%2$d)"), name != NULL ? name : "",
                    (int)def->type);
        return FALSE;
    }
    if (name == NULL) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML,
                    _("an interface of type %s has no name"),
                    nmvirt_iface_type_to_string(def->type));
        return FALSE;
    }
    if (def->members->len > 0 && def->type != NMVIRT_IFACE_TYPE_BRIDGE &&
        def->type != NMVIRT_IFACE_TYPE_BOND) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML,
                    _("interface '%1$s': a %2$s interface has no ports or members"), name,
                    nmvirt_iface_type_to_string(def->type));
        return FALSE;
    }
    if (controller == NULL)
        return TRUE;
    if ((controller->type == NMVIRT_IFACE_TYPE_BRIDGE && def->type == NMVIRT_IFACE_TYPE_BRIDGE) ||
        (controller->type == NMVIRT_IFACE_TYPE_BOND && def->type != NMVIRT_IFACE_TYPE_ETHERNET)) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML,
                    _("interface '%1$s': a %2$s interface cannot be a port of %3$s '%4$s'"), name,
                    nmvirt_iface_type_to_string(def->type),
                    nmvirt_iface_type_to_string(controller->type), controller->name);
        return FALSE;
    }
    return TRUE;
}

/* The last line of defence: whatever NetworkManager refuses that the
 * checks above did not catch is something the two cannot agree on. */
static gboolean
nmvirt_map_to_nm_verify(NMConnection *connection, const NmvirtIfaceDef *def, GError **error)
{
    g_autoptr(GError) local_error = NULL;
    g_autofree char *name = NULL;

    if (nm_connection_verify(connection, &local_error))
        return TRUE;
    name = nmvirt_map_def_name(def);
    g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_UNSUPPORTED,
                _("interface '%1$s': NetworkManager rejects the profile: %2$s"), name,
                local_error->message);
    return FALSE;
}

static gboolean
nmvirt_map_to_nm_tree(const NmvirtIfaceDef *def, const NmvirtMapPlace *place, GPtrArray *profiles,
                      GError **error)
{
    g_autoptr(NMConnection) connection = NULL;

    if (!nmvirt_map_to_nm_check_structure(def, place, error))
        return FALSE;
    connection = nmvirt_map_new_connection(def, place, error);
    if (connection == NULL || !nmvirt_map_to_nm_verify(connection, def, error))
        return FALSE;
    g_ptr_array_add(profiles, g_steal_pointer(&connection));
    for (guint i = 0; i < def->members->len; i++) {
        NmvirtMapPlace member_place = { place->top, def, i };

        if (!nmvirt_map_to_nm_tree(g_ptr_array_index(def->members, i), &member_place, profiles,
                                   error))
            return FALSE;
    }
    return TRUE;
}

GPtrArray *
nmvirt_map_to_nm(const NmvirtIfaceDef *def, GError **error)
{
    g_autoptr(GPtrArray) profiles = g_ptr_array_new_with_free_func(g_object_unref);
    NmvirtMapPlace place = { def, NULL, 0 };

    g_return_val_if_fail(def != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (!nmvirt_map_to_nm_tree(def, &place, profiles, error))
        return NULL;
    return g_steal_pointer(&profiles);
}

/* from_nm ---------------------------------------------------------------- */

/* A port or member of a controller, and the profile chosen for it. */
typedef struct {
    char *name;
    GPtrArray *candidates;    /* every profile for this port (element-type NMConnection) */
    NMConnection *connection; /* the chosen one (transfer none) */
    gboolean has_order;
    guint order; /* nmvirt.port-order */
} NmvirtMapPort;

static void
nmvirt_map_port_free(NmvirtMapPort *port)
{
    g_free(port->name);
    g_ptr_array_unref(port->candidates);
    g_free(port);
}

static int
nmvirt_map_port_compare(gconstpointer a, gconstpointer b)
{
    const NmvirtMapPort *port_a = *(NmvirtMapPort *const *)a;
    const NmvirtMapPort *port_b = *(NmvirtMapPort *const *)b;

    /* Ports nmvirt numbered come first, in document order; the others
     * (added with nmcli, say) follow by name. */
    if (port_a->has_order != port_b->has_order)
        return port_a->has_order ? -1 : 1;
    if (port_a->has_order && port_a->order != port_b->order)
        return port_a->order < port_b->order ? -1 : 1;
    return g_strcmp0(port_a->name, port_b->name);
}

static gboolean
nmvirt_map_port_matches(NMConnection *candidate, NMConnection *controller, const char *name,
                        const char *slave_type)
{
    NMSettingConnection *s_con = nm_connection_get_setting_connection(candidate);
    const char *master = s_con != NULL ? nm_setting_connection_get_master(s_con) : NULL;
    const char *uuid = nm_connection_get_uuid(controller);

    if (candidate == controller || master == NULL ||
        g_strcmp0(nm_setting_connection_get_slave_type(s_con), slave_type) != 0)
        return FALSE;
    /* nmcli names the controller by UUID, nmvirt by interface name. */
    return g_str_equal(master, name) || (uuid != NULL && g_str_equal(master, uuid));
}

/* The ports or members of @controller (interface @def), one profile per
 * interface, in XML order. (element-type NmvirtMapPort) */
static GPtrArray *
nmvirt_map_from_nm_find_ports(NMConnection *controller, const NmvirtIfaceDef *def,
                              GPtrArray *profiles, GError **error)
{
    g_autoptr(GPtrArray) ports =
        g_ptr_array_new_with_free_func((GDestroyNotify)nmvirt_map_port_free);
    g_autoptr(GHashTable) by_name = g_hash_table_new(g_str_hash, g_str_equal);
    const char *slave_type = def->type == NMVIRT_IFACE_TYPE_BRIDGE ? NM_SETTING_BRIDGE_SETTING_NAME
                                                                   : NM_SETTING_BOND_SETTING_NAME;
    const char *primary = NULL;

    for (guint i = 0; profiles != NULL && i < profiles->len; i++) {
        NMConnection *candidate = g_ptr_array_index(profiles, i);
        g_autofree char *name = NULL;
        NmvirtMapPort *port;

        if (!nmvirt_map_port_matches(candidate, controller, def->name, slave_type))
            continue;
        name = nmvirt_map_connection_name_from_nm(candidate, profiles, error);
        if (name == NULL)
            return NULL;
        port = g_hash_table_lookup(by_name, name);
        if (port == NULL) {
            port = g_new0(NmvirtMapPort, 1);
            port->name = g_steal_pointer(&name);
            port->candidates = g_ptr_array_new();
            g_ptr_array_add(ports, port);
            g_hash_table_insert(by_name, port->name, port);
        }
        g_ptr_array_add(port->candidates, candidate);
    }
    for (guint i = 0; i < ports->len; i++) {
        NmvirtMapPort *port = g_ptr_array_index(ports, i);
        const char *order;
        guint64 number = 0;

        /* Several profiles for one port: the identity rule picks one. It
         * matches by interface name, so a vlan named only by parent and id
         * falls back to the first. */
        port->connection = nmvirt_identity_find(port->candidates, port->name, NULL, TRUE);
        if (port->connection == NULL)
            port->connection = g_ptr_array_index(port->candidates, 0);
        order = nmvirt_map_user_data_get(port->connection, NMVIRT_MAP_USER_PORT_ORDER);

        if (order != NULL && g_ascii_string_to_unsigned(order, 10, 0, G_MAXUINT, &number, NULL)) {
            port->has_order = TRUE;
            port->order = (guint)number;
        }
    }
    g_ptr_array_sort(ports, nmvirt_map_port_compare);

    /* An active-backup bond lists its primary first: that is what makes it
     * the primary when the XML is applied again. */
    if (def->type == NMVIRT_IFACE_TYPE_BOND && def->bond.mode == NMVIRT_BOND_MODE_ACTIVE_BACKUP)
        primary = nmvirt_map_bond_primary(controller);
    for (guint i = 1; primary != NULL && i < ports->len; i++) {
        NmvirtMapPort *port = g_ptr_array_index(ports, i);

        if (g_str_equal(port->name, primary)) {
            g_ptr_array_insert(ports, 0, g_ptr_array_steal_index(ports, i));
            break;
        }
    }
    return g_steal_pointer(&ports);
}

/* XML nests only ethernet, bond and vlan in a bridge, only ethernet in a bond. */
static gboolean
nmvirt_map_from_nm_check_nesting(NMConnection *connection, NmvirtIfaceType type,
                                 const NmvirtIfaceDef *controller, GError **error)
{
    g_autofree char *profile = NULL;

    if (controller == NULL)
        return TRUE;
    if (controller->type == NMVIRT_IFACE_TYPE_BRIDGE && type != NMVIRT_IFACE_TYPE_BRIDGE)
        return TRUE;
    if (controller->type == NMVIRT_IFACE_TYPE_BOND && type == NMVIRT_IFACE_TYPE_ETHERNET)
        return TRUE;
    profile = nmvirt_map_profile_name(connection);
    g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_UNSUPPORTED,
                _("profile %1$s: a %2$s cannot be a port of %3$s '%4$s' (connection.master) in "
                  "interface XML; a bridge takes ethernet, bond and vlan ports, a bond takes "
                  "ethernet members"),
                profile, nmvirt_iface_type_to_string(type),
                nmvirt_iface_type_to_string(controller->type), controller->name);
    return FALSE;
}

static gboolean
nmvirt_map_from_nm_type(NMConnection *connection, GPtrArray *profiles, NmvirtIfaceDef *def,
                        GError **error)
{
    switch (def->type) {
    case NMVIRT_IFACE_TYPE_ETHERNET:
        nmvirt_map_ethernet_from_nm(connection, def);
        return TRUE;
    case NMVIRT_IFACE_TYPE_BRIDGE:
        return nmvirt_map_bridge_from_nm(connection, def, error);
    case NMVIRT_IFACE_TYPE_BOND:
        return nmvirt_map_bond_from_nm(connection, def, error);
    case NMVIRT_IFACE_TYPE_VLAN:
        return nmvirt_map_vlan_from_nm(connection, profiles, def, error);
    case NMVIRT_IFACE_TYPE_LAST:
        break;
    }
    g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INTERNAL, _("unknown interface type %d"),
                (int)def->type);
    return FALSE;
}

/* One interface and, recursively, its ports or members. */
static NmvirtIfaceDef *
nmvirt_map_from_nm_tree(NMConnection *connection, GPtrArray *profiles,
                        const NmvirtIfaceDef *controller, GError **error)
{
    g_autoptr(NmvirtIfaceDef) def = NULL;
    g_autoptr(GPtrArray) ports = NULL;
    g_autoptr(GError) name_error = NULL;
    g_autofree char *name = NULL;
    NmvirtIfaceType type = NMVIRT_IFACE_TYPE_ETHERNET;

    if (!nmvirt_map_connection_type_from_nm(connection, &type, error) ||
        !nmvirt_map_from_nm_check_nesting(connection, type, controller, error))
        return NULL;
    name = nmvirt_map_connection_name_from_nm(connection, profiles, error);
    if (name == NULL)
        return NULL;
    /* NetworkManager allows names (with ':', say) the XML rules refuse. */
    if (!nmvirt_iface_name_check(name, &name_error)) {
        g_autofree char *profile = nmvirt_map_profile_name(connection);

        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_UNSUPPORTED,
                    _("profile %1$s: connection.interface-name: %2$s"), profile,
                    name_error->message);
        return NULL;
    }
    def = nmvirt_iface_def_new(type, name);
    if (!nmvirt_map_from_nm_type(connection, profiles, def, error))
        return NULL;
    if (type != NMVIRT_IFACE_TYPE_BRIDGE && type != NMVIRT_IFACE_TYPE_BOND)
        return g_steal_pointer(&def);

    ports = nmvirt_map_from_nm_find_ports(connection, def, profiles, error);
    if (ports == NULL)
        return NULL;
    for (guint i = 0; i < ports->len; i++) {
        NmvirtMapPort *port = g_ptr_array_index(ports, i);
        NmvirtIfaceDef *member = nmvirt_map_from_nm_tree(port->connection, profiles, def, error);

        if (member == NULL)
            return NULL;
        nmvirt_iface_def_add_member(def, member);
    }
    return g_steal_pointer(&def);
}

NmvirtIfaceDef *
nmvirt_map_from_nm(NMConnection *top, GPtrArray *profiles, GError **error)
{
    g_autoptr(NmvirtIfaceDef) def = NULL;

    g_return_val_if_fail(NM_IS_CONNECTION(top), NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    def = nmvirt_map_from_nm_tree(top, profiles, NULL, error);
    if (def == NULL)
        return NULL;
    /* start, mtu and protocols exist only at top level in the XML. */
    nmvirt_map_connection_from_nm(top, def);
    if (!nmvirt_map_ethernet_mtu_from_nm(top, def, error) ||
        !nmvirt_map_ip_from_nm(top, def, error))
        return NULL;
    return g_steal_pointer(&def);
}

/* Debug dump ------------------------------------------------------------- */

static void
nmvirt_map_proto_to_string(GString *out, const char *indent, const NmvirtProtoDef *proto)
{
    static const char *const tristate[] = { "unset", "yes", "no" };

    g_string_append_printf(out, "%s  %s: dhcp=%d peerdns=%s autoconf=%d gateway=%s\n", indent,
                           proto->family == NMVIRT_IP_FAMILY_IPV4 ? "ipv4" : "ipv6", proto->dhcp,
                           tristate[proto->peerdns], proto->autoconf,
                           proto->gateway != NULL ? proto->gateway : "-");
    for (guint i = 0; i < proto->ips->len; i++) {
        const NmvirtIpDef *ip = g_ptr_array_index(proto->ips, i);

        if (ip->has_prefix)
            g_string_append_printf(out, "%s    ip %s/%u\n", indent, ip->address, ip->prefix);
        else
            g_string_append_printf(out, "%s    ip %s (no prefix)\n", indent, ip->address);
    }
}

static const char *
nmvirt_map_or_dash(const char *text)
{
    return text != NULL ? text : "-";
}

static void
nmvirt_map_def_to_string_indent(GString *out, const NmvirtIfaceDef *def, guint depth)
{
    static const char *const tristate[] = { "unset", "yes", "no" };
    static const char *const monitor[] = { "none", "miimon", "arpmon" };
    g_autofree char *indent = g_strnfill(depth * 2, ' ');

    g_string_append_printf(out, "%s%s %s\n", indent, nmvirt_iface_type_to_string(def->type),
                           nmvirt_map_or_dash(def->name));
    g_string_append_printf(out, "%s  start=%s mtu=%u mac=%s\n", indent,
                           nmvirt_map_or_dash(nmvirt_start_mode_to_string(def->start_mode)),
                           def->mtu, nmvirt_map_or_dash(def->mac));
    if (def->ipv4 != NULL)
        nmvirt_map_proto_to_string(out, indent, def->ipv4);
    if (def->ipv6 != NULL)
        nmvirt_map_proto_to_string(out, indent, def->ipv6);
    if (def->type == NMVIRT_IFACE_TYPE_BRIDGE) {
        g_string_append_printf(out, "%s  stp=%s delay=%s\n", indent, tristate[def->stp],
                               nmvirt_map_or_dash(def->delay));
    }
    if (def->type == NMVIRT_IFACE_TYPE_BOND) {
        g_string_append_printf(
            out,
            "%s  mode=%s monitor=%s freq=%u downdelay=%u updelay=%u carrier=%s "
            "arp_interval=%u target=%s validate=%s\n",
            indent, nmvirt_map_or_dash(nmvirt_bond_mode_to_string(def->bond.mode)),
            monitor[def->bond.monitor], def->bond.miimon_freq, def->bond.downdelay,
            def->bond.updelay, nmvirt_map_or_dash(nmvirt_bond_carrier_to_string(def->bond.carrier)),
            def->bond.arp_interval, nmvirt_map_or_dash(def->bond.arp_target),
            nmvirt_map_or_dash(nmvirt_arp_validate_to_string(def->bond.arp_validate)));
    }
    if (def->type == NMVIRT_IFACE_TYPE_VLAN) {
        g_string_append_printf(out, "%s  tag=%u parent=%s\n", indent, def->vlan_tag,
                               nmvirt_map_or_dash(def->vlan_parent));
    }
    for (guint i = 0; i < def->members->len; i++)
        nmvirt_map_def_to_string_indent(out, g_ptr_array_index(def->members, i), depth + 1);
}

char *
nmvirt_map_def_to_string(const NmvirtIfaceDef *def)
{
    g_autoptr(GString) out = g_string_new(NULL);

    nmvirt_map_def_to_string_indent(out, def, 0);
    return g_string_free(g_steal_pointer(&out), FALSE);
}
