/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The live document of an interface (spec §1.6, quirk 5): what the kernel
 * really has, not what the profiles say.
 *
 * - type from the kernel: /proc/net/vlan/<name> (or NetworkManager's VLAN
 *   device when procfs has no entry) → vlan, …/bridge → bridge,
 *   …/bonding → bond, else ethernet (also for a missing device);
 * - no start, mtu, dhcp, autoconf, route, stp, delay or bond mode/monitor;
 * - <protocol> per family that has addresses, one <ip address prefix> per
 *   address currently on the device (link-local included), from an
 *   rtnetlink dump;
 * - <link state speed> on every non-bridge interface at every level: state
 *   is sysfs operstate, speed only while the link is up and known;
 * - <mac> (the current hardware address) on every ethernet interface;
 * - bridge ports are the kernel's brif/ entries in port-number order, VM
 *   taps (vnetN) included as ethernet; a bond port lists its members, a
 *   VLAN port its tag and parent;
 * - bond members are bonding/slaves in the kernel's order, an active-backup
 *   bond's primary first;
 * - a VLAN has its tag and parent (a reference: name only).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "nmvirt-client-private.h"
#include "nmvirt-error.h"
#include "nmvirt-client-live-private.h"

/* ---- the kernel: sysfs, procfs, rtnetlink ---------------------------------- */

#define NMVIRT_CLIENT_LIVE_SYSFS_NET "/sys/class/net"
#define NMVIRT_CLIENT_LIVE_PROC_VLAN "/proc/net/vlan"

/* A file descriptor closed on scope exit (g_autofd arrives in GLib 2.76). */
typedef int NmvirtClientLiveFd;
static void
nmvirt_client_live_fd_close(NmvirtClientLiveFd fd)
{
    close(fd);
}
G_DEFINE_AUTO_CLEANUP_FREE_FUNC(NmvirtClientLiveFd, nmvirt_client_live_fd_close, -1)

/* A name that stays inside /sys/class/net. */
static gboolean
nmvirt_client_live_name_is_safe(const char *ifname)
{
    return ifname != NULL && ifname[0] != '\0' && strchr(ifname, '/') == NULL &&
           strcmp(ifname, ".") != 0 && strcmp(ifname, "..") != 0;
}

/* The contents of /sys/class/net/@ifname/@attribute without surrounding
 * white space, or NULL when it cannot be read. */
static char *
nmvirt_client_live_read_attribute(const char *ifname, const char *attribute)
{
    g_autofree char *path = NULL;
    g_autofree char *contents = NULL;

    if (!nmvirt_client_live_name_is_safe(ifname))
        return NULL;
    path = g_build_filename(NMVIRT_CLIENT_LIVE_SYSFS_NET, ifname, attribute, NULL);
    if (!g_file_get_contents(path, &contents, NULL, NULL))
        return NULL;
    return g_strdup(g_strstrip(contents));
}

/* Parses a sysfs number (decimal, or hex with 0x); FALSE when it is none. */
static gboolean
nmvirt_client_live_parse_int(const char *text, gint64 *value)
{
    char *end = NULL;

    if (text == NULL || text[0] == '\0')
        return FALSE;
    errno = 0;
    *value = g_ascii_strtoll(text, &end, 0);
    return errno == 0 && end != text && *end == '\0';
}

gboolean
nmvirt_client_live_link_exists(const char *ifname)
{
    g_autofree char *path = NULL;

    if (!nmvirt_client_live_name_is_safe(ifname))
        return FALSE;
    path = g_build_filename(NMVIRT_CLIENT_LIVE_SYSFS_NET, ifname, NULL);
    return g_file_test(path, G_FILE_TEST_IS_DIR);
}

guint
nmvirt_client_live_link_get_flags(const char *ifname)
{
    g_autofree char *text = nmvirt_client_live_read_attribute(ifname, "flags");
    gint64 flags = 0;

    if (!nmvirt_client_live_parse_int(text, &flags) || flags < 0 || flags > G_MAXUINT)
        return 0;
    return (guint)flags;
}

static gboolean
nmvirt_client_live_link_has_carrier(const char *ifname)
{
    g_autofree char *text = nmvirt_client_live_read_attribute(ifname, "carrier");

    return g_strcmp0(text, "1") == 0;
}

static NmvirtLinkState
nmvirt_client_live_link_get_operstate(const char *ifname)
{
    g_autofree char *text = nmvirt_client_live_read_attribute(ifname, "operstate");
    int state;

    if (text == NULL)
        return NMVIRT_LINK_STATE_UNSET;
    state = nmvirt_link_state_from_string(text);
    /* the kernel's names are the XML's; anything new counts as unknown */
    if (state < 0 || state == NMVIRT_LINK_STATE_UNSET)
        return NMVIRT_LINK_STATE_UNKNOWN;
    return (NmvirtLinkState)state;
}

static guint
nmvirt_client_live_link_get_speed(const char *ifname)
{
    g_autofree char *text = nmvirt_client_live_read_attribute(ifname, "speed");
    gint64 speed = 0;

    /* the driver says -1 (SPEED_UNKNOWN) or the read fails when unknown */
    if (!nmvirt_client_live_parse_int(text, &speed) || speed <= 0 || speed > G_MAXUINT)
        return 0;
    return (guint)speed;
}

static char *
nmvirt_client_live_link_get_mac(const char *ifname)
{
    g_autofree char *text = nmvirt_client_live_read_attribute(ifname, "address");

    if (text == NULL || text[0] == '\0')
        return NULL;
    return g_ascii_strdown(text, -1);
}

static NmvirtIfaceType
nmvirt_client_live_link_get_type(const char *ifname)
{
    g_autofree char *vlan_path = NULL;
    g_autofree char *bridge_path = NULL;
    g_autofree char *bond_path = NULL;

    if (!nmvirt_client_live_name_is_safe(ifname))
        return NMVIRT_IFACE_TYPE_ETHERNET;
    vlan_path = g_build_filename(NMVIRT_CLIENT_LIVE_PROC_VLAN, ifname, NULL);
    if (g_file_test(vlan_path, G_FILE_TEST_IS_REGULAR))
        return NMVIRT_IFACE_TYPE_VLAN;
    bridge_path = g_build_filename(NMVIRT_CLIENT_LIVE_SYSFS_NET, ifname, "bridge", NULL);
    if (g_file_test(bridge_path, G_FILE_TEST_IS_DIR))
        return NMVIRT_IFACE_TYPE_BRIDGE;
    bond_path = g_build_filename(NMVIRT_CLIENT_LIVE_SYSFS_NET, ifname, "bonding", NULL);
    if (g_file_test(bond_path, G_FILE_TEST_IS_DIR))
        return NMVIRT_IFACE_TYPE_BOND;
    return NMVIRT_IFACE_TYPE_ETHERNET;
}

gboolean
nmvirt_client_live_link_is_running(const char *ifname)
{
    NmvirtLinkState operstate;

    if (!nmvirt_client_live_link_exists(ifname))
        return FALSE;
    if ((nmvirt_client_live_link_get_flags(ifname) & IFF_UP) == 0)
        return FALSE;
    /* a bridge counts as running when it is up, with or without ports */
    if (nmvirt_client_live_link_get_type(ifname) == NMVIRT_IFACE_TYPE_BRIDGE)
        return TRUE;
    if (!nmvirt_client_live_link_has_carrier(ifname))
        return FALSE;
    /* IFF_RUNNING is netif_oper_up(): operstate up, or unknown for drivers
     * that do not report one */
    operstate = nmvirt_client_live_link_get_operstate(ifname);
    return operstate == NMVIRT_LINK_STATE_UP || operstate == NMVIRT_LINK_STATE_UNKNOWN;
}

gboolean
nmvirt_client_live_link_state_is_known(const char *ifname)
{
    if (nmvirt_client_live_link_get_type(ifname) == NMVIRT_IFACE_TYPE_BRIDGE)
        return TRUE;
    return nmvirt_client_live_link_get_operstate(ifname) != NMVIRT_LINK_STATE_UNKNOWN;
}

typedef struct {
    char *name;
    gint64 port_no;
} NmvirtClientLivePort;

static gint
nmvirt_client_live_port_compare(gconstpointer a, gconstpointer b)
{
    const NmvirtClientLivePort *port_a = a;
    const NmvirtClientLivePort *port_b = b;

    if (port_a->port_no != port_b->port_no)
        return port_a->port_no < port_b->port_no ? -1 : 1;
    return strcmp(port_a->name, port_b->name);
}

static void
nmvirt_client_live_port_clear(gpointer data)
{
    NmvirtClientLivePort *port = data;

    g_free(port->name);
}

static GStrv
nmvirt_client_live_bridge_get_ports(const char *bridge)
{
    g_autoptr(GArray) ports = g_array_new(FALSE, TRUE, sizeof(NmvirtClientLivePort));
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new();
    g_autofree char *brif = NULL;
    g_autoptr(GDir) dir = NULL;
    const char *entry;

    g_array_set_clear_func(ports, nmvirt_client_live_port_clear);
    if (nmvirt_client_live_name_is_safe(bridge)) {
        brif = g_build_filename(NMVIRT_CLIENT_LIVE_SYSFS_NET, bridge, "brif", NULL);
        dir = g_dir_open(brif, 0, NULL);
    }
    while (dir != NULL && (entry = g_dir_read_name(dir)) != NULL) {
        g_autofree char *attribute = g_build_filename("brport", "port_no", NULL);
        g_autofree char *text = nmvirt_client_live_read_attribute(entry, attribute);
        NmvirtClientLivePort port = { g_strdup(entry), G_MAXINT64 };

        if (!nmvirt_client_live_parse_int(text, &port.port_no))
            port.port_no = G_MAXINT64;
        g_array_append_val(ports, port);
    }
    g_array_sort(ports, nmvirt_client_live_port_compare);
    for (guint i = 0; i < ports->len; i++)
        g_strv_builder_add(builder, g_array_index(ports, NmvirtClientLivePort, i).name);
    return g_strv_builder_end(builder);
}

static GStrv
nmvirt_client_live_bond_get_members(const char *bond)
{
    g_autofree char *attribute = g_build_filename("bonding", "slaves", NULL);
    g_autofree char *text = nmvirt_client_live_read_attribute(bond, attribute);
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new();
    g_auto(GStrv) words = NULL;

    if (text == NULL)
        return g_strv_builder_end(builder);
    words = g_strsplit_set(text, " \t\n", -1);
    for (guint i = 0; words[i] != NULL; i++) {
        if (words[i][0] != '\0')
            g_strv_builder_add(builder, words[i]);
    }
    return g_strv_builder_end(builder);
}

static char *
nmvirt_client_live_bond_get_primary(const char *bond)
{
    g_autofree char *mode_attribute = g_build_filename("bonding", "mode", NULL);
    g_autofree char *primary_attribute = g_build_filename("bonding", "primary", NULL);
    g_autofree char *mode = nmvirt_client_live_read_attribute(bond, mode_attribute);
    g_autofree char *primary = NULL;

    /* "active-backup 1" */
    if (mode == NULL || !g_str_has_prefix(mode, "active-backup"))
        return NULL;
    primary = nmvirt_client_live_read_attribute(bond, primary_attribute);
    if (primary == NULL || primary[0] == '\0')
        return NULL;
    return g_steal_pointer(&primary);
}

static gboolean
nmvirt_client_live_vlan_get_info(const char *vlan, guint *tag, char **parent)
{
    g_autofree char *path = NULL;
    g_autofree char *contents = NULL;
    g_auto(GStrv) lines = NULL;
    gint64 vid = -1;
    g_autofree char *device = NULL;

    if (!nmvirt_client_live_name_is_safe(vlan))
        return FALSE;
    path = g_build_filename(NMVIRT_CLIENT_LIVE_PROC_VLAN, vlan, NULL);
    if (!g_file_get_contents(path, &contents, NULL, NULL))
        return FALSE;
    /* "eth0.42  VID: 42\t REORDER_HDR: 1 …", later "Device: eth0" */
    lines = g_strsplit(contents, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++) {
        const char *vid_text = strstr(lines[i], "VID:");
        const char *line = lines[i];

        while (g_ascii_isspace(*line))
            line++;
        if (vid < 0 && vid_text != NULL) {
            g_auto(GStrv) words = g_strsplit_set(vid_text + strlen("VID:"), " \t", -1);

            for (guint w = 0; words[w] != NULL; w++) {
                if (words[w][0] == '\0')
                    continue;
                if (!nmvirt_client_live_parse_int(words[w], &vid))
                    vid = -1;
                break;
            }
        } else if (device == NULL && g_str_has_prefix(line, "Device:")) {
            device = g_strstrip(g_strdup(line + strlen("Device:")));
        }
    }
    if (vid < 0 || vid > NMVIRT_VLAN_TAG_MAX || device == NULL || device[0] == '\0')
        return FALSE;
    if (tag != NULL)
        *tag = (guint)vid;
    if (parent != NULL)
        *parent = g_steal_pointer(&device);
    return TRUE;
}

/* Adds the address of one RTM_NEWADDR message of interface @ifindex. */
static void
nmvirt_client_live_add_address(const struct nlmsghdr *header, int ifindex, NmvirtProtoDef **ipv4,
                               NmvirtProtoDef **ipv6)
{
    const struct ifaddrmsg *message = NLMSG_DATA(header);
    const struct rtattr *attribute = IFA_RTA(message);
    int length = IFA_PAYLOAD(header);
    const void *address = NULL;
    const void *local = NULL;
    char text[INET6_ADDRSTRLEN] = { 0 };
    NmvirtProtoDef **proto;

    if ((int)message->ifa_index != ifindex)
        return;
    if (message->ifa_family != AF_INET && message->ifa_family != AF_INET6)
        return;
    for (; RTA_OK(attribute, length); attribute = RTA_NEXT(attribute, length)) {
        if (attribute->rta_type == IFA_ADDRESS)
            address = RTA_DATA(attribute);
        else if (attribute->rta_type == IFA_LOCAL)
            local = RTA_DATA(attribute);
    }
    /* IPv4: IFA_LOCAL is the address, IFA_ADDRESS the peer on a
     * point-to-point link; IPv6 has IFA_LOCAL only on such links */
    if (local != NULL && (message->ifa_family == AF_INET || address == NULL))
        address = local;
    if (address == NULL || inet_ntop(message->ifa_family, address, text, sizeof(text)) == NULL)
        return;
    proto = message->ifa_family == AF_INET ? ipv4 : ipv6;
    if (*proto == NULL)
        *proto = nmvirt_proto_def_new(message->ifa_family == AF_INET ? NMVIRT_IP_FAMILY_IPV4
                                                                     : NMVIRT_IP_FAMILY_IPV6);
    /* a /0 prefix reads as absent, as libvirt treats prefix='0' */
    nmvirt_proto_def_add_ip(*proto, text, message->ifa_prefixlen > 0, message->ifa_prefixlen);
}

/* Reads the whole dump; TRUE at NLMSG_DONE. */
static gboolean
nmvirt_client_live_read_dump(int fd, guint32 sequence, int ifindex, NmvirtProtoDef **ipv4,
                             NmvirtProtoDef **ipv6, GError **error)
{
    /* aligned for struct nlmsghdr */
    static const gsize buffer_size = 32768;
    g_autofree guint32 *buffer = g_new(guint32, buffer_size / sizeof(guint32));

    for (;;) {
        ssize_t received = recv(fd, buffer, buffer_size, 0);
        int length;

        if (received < 0 && errno == EINTR)
            continue;
        if (received <= 0) {
            int saved_errno = received < 0 ? errno : EPIPE;

            g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_IO,
                        _("cannot read the kernel's addresses: %s"), g_strerror(saved_errno));
            return FALSE;
        }
        length = (int)received;
        for (const struct nlmsghdr *header = (const struct nlmsghdr *)buffer;
             NLMSG_OK(header, length); header = NLMSG_NEXT(header, length)) {
            if (header->nlmsg_seq != sequence)
                continue;
            if (header->nlmsg_type == NLMSG_DONE)
                return TRUE;
            if (header->nlmsg_type == NLMSG_ERROR) {
                const struct nlmsgerr *failure = NLMSG_DATA(header);

                if (failure->error == 0)
                    continue;
                g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_IO,
                            _("cannot read the kernel's addresses: %s"),
                            g_strerror(-failure->error));
                return FALSE;
            }
            if (header->nlmsg_type == RTM_NEWADDR)
                nmvirt_client_live_add_address(header, ifindex, ipv4, ipv6);
        }
    }
}

static gboolean
nmvirt_client_live_link_get_addresses(const char *ifname, NmvirtProtoDef **ipv4,
                                      NmvirtProtoDef **ipv6, GError **error)
{
    g_autoptr(NmvirtProtoDef) found_ipv4 = NULL;
    g_autoptr(NmvirtProtoDef) found_ipv6 = NULL;
    struct {
        struct nlmsghdr header;
        struct ifaddrmsg message;
    } request = { 0 };
    struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
    g_auto(NmvirtClientLiveFd) fd = -1;
    unsigned int ifindex;

    g_return_val_if_fail(ipv4 != NULL && ipv6 != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    *ipv4 = NULL;
    *ipv6 = NULL;
    ifindex = nmvirt_client_live_name_is_safe(ifname) ? if_nametoindex(ifname) : 0;
    if (ifindex == 0 || ifindex > G_MAXINT)
        return TRUE;

    fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) {
        int saved_errno = errno;

        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_IO,
                    _("cannot read the kernel's addresses: %s"), g_strerror(saved_errno));
        return FALSE;
    }
    request.header.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
    request.header.nlmsg_type = RTM_GETADDR;
    request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    request.header.nlmsg_seq = 1;
    request.message.ifa_family = AF_UNSPEC;
    if (sendto(fd, &request, request.header.nlmsg_len, 0, (struct sockaddr *)&kernel,
               sizeof(kernel)) < 0) {
        int saved_errno = errno;

        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_IO,
                    _("cannot read the kernel's addresses: %s"), g_strerror(saved_errno));
        return FALSE;
    }
    if (!nmvirt_client_live_read_dump(fd, request.header.nlmsg_seq, (int)ifindex, &found_ipv4,
                                      &found_ipv6, error))
        return FALSE;
    *ipv4 = g_steal_pointer(&found_ipv4);
    *ipv6 = g_steal_pointer(&found_ipv6);
    return TRUE;
}

/* ---- the live model ---------------------------------------------------------- */

/* The kernel type of @name; a VLAN that procfs does not show (8021q's
 * procfs may be missing) is recognised through NetworkManager's device. */
static NmvirtIfaceType
nmvirt_client_live_get_type(NmvirtClient *self, const char *name)
{
    NmvirtIfaceType type = nmvirt_client_live_link_get_type(name);
    NMDevice *device;

    if (type != NMVIRT_IFACE_TYPE_ETHERNET)
        return type;
    device = nmvirt_client_find_device(self, name);
    if (device != NULL && NM_IS_DEVICE_VLAN(device) && nm_device_is_real(device) &&
        nmvirt_client_live_link_exists(name))
        return NMVIRT_IFACE_TYPE_VLAN;
    return type;
}

/* <link state speed>: never on a bridge; speed only while up. */
static void
nmvirt_client_live_set_link(NmvirtIfaceDef *def)
{
    if (def->type == NMVIRT_IFACE_TYPE_BRIDGE)
        return;
    def->link_state = nmvirt_client_live_link_get_operstate(def->name);
    if (def->link_state == NMVIRT_LINK_STATE_UP)
        def->link_speed = nmvirt_client_live_link_get_speed(def->name);
}

/* Tag and parent from procfs, else from NetworkManager's device, else from
 * @profile (the identity profile, when it is this VLAN's). */
static void
nmvirt_client_live_set_vlan(NmvirtClient *self, NmvirtIfaceDef *def, NMConnection *profile)
{
    NMDevice *device;
    NMSettingVlan *setting;
    guint tag = 0;
    char *parent = NULL;

    if (nmvirt_client_live_vlan_get_info(def->name, &tag, &parent)) {
        def->vlan_tag = tag;
        def->vlan_parent = parent;
        return;
    }
    device = nmvirt_client_find_device(self, def->name);
    if (device != NULL && NM_IS_DEVICE_VLAN(device)) {
        NMDevice *parent_device = nm_device_vlan_get_parent(NM_DEVICE_VLAN(device));

        def->vlan_tag = nm_device_vlan_get_vlan_id(NM_DEVICE_VLAN(device));
        if (parent_device != NULL) {
            def->vlan_parent = g_strdup(nm_device_get_iface(parent_device));
            return;
        }
    }
    setting = profile != NULL ? nm_connection_get_setting_vlan(profile) : NULL;
    if (setting != NULL && g_strcmp0(nm_connection_get_interface_name(profile), def->name) == 0) {
        def->vlan_tag = nm_setting_vlan_get_id(setting);
        /* a parent given by UUID says nothing about the kernel: leave it out */
        if (def->vlan_parent == NULL && nm_setting_vlan_get_parent(setting) != NULL &&
            !g_uuid_string_is_valid(nm_setting_vlan_get_parent(setting)))
            def->vlan_parent = g_strdup(nm_setting_vlan_get_parent(setting));
    }
}

/* The primary of an active-backup bond: the kernel's, else the profile's
 * bond option (when @profile is this bond's). */
static const char *
nmvirt_client_live_bond_primary(const char *bond, NMConnection *profile, char **owned)
{
    NMSettingBond *setting;
    const char *mode;

    *owned = nmvirt_client_live_bond_get_primary(bond);
    if (*owned != NULL)
        return *owned;
    setting = profile != NULL ? nm_connection_get_setting_bond(profile) : NULL;
    if (setting == NULL || g_strcmp0(nm_connection_get_interface_name(profile), bond) != 0)
        return NULL;
    mode = nm_setting_bond_get_option_by_name(setting, NM_SETTING_BOND_OPTION_MODE);
    if (g_strcmp0(mode, "active-backup") != 0 && g_strcmp0(mode, "1") != 0)
        return NULL;
    return nm_setting_bond_get_option_by_name(setting, NM_SETTING_BOND_OPTION_PRIMARY);
}

/* An ethernet member or port: name, mac, link. */
static NmvirtIfaceDef *
nmvirt_client_live_ethernet(const char *name)
{
    NmvirtIfaceDef *def = nmvirt_iface_def_new(NMVIRT_IFACE_TYPE_ETHERNET, name);

    def->mac = nmvirt_client_live_link_get_mac(name);
    nmvirt_client_live_set_link(def);
    return def;
}

static void
nmvirt_client_live_add_bond_members(NmvirtIfaceDef *def, NMConnection *profile)
{
    g_auto(GStrv) members = nmvirt_client_live_bond_get_members(def->name);
    g_autofree char *owned = NULL;
    const char *primary = nmvirt_client_live_bond_primary(def->name, profile, &owned);

    /* members of a bond are ethernet in the XML, whatever the kernel has */
    if (primary != NULL && g_strv_contains((const char *const *)members, primary))
        nmvirt_iface_def_add_member(def, nmvirt_client_live_ethernet(primary));
    for (guint i = 0; members[i] != NULL; i++) {
        if (g_strcmp0(members[i], primary) != 0)
            nmvirt_iface_def_add_member(def, nmvirt_client_live_ethernet(members[i]));
    }
}

/* One interface of the tree below the top level: a bridge port (ethernet,
 * bond or vlan). */
static NmvirtIfaceDef *
nmvirt_client_live_port(NmvirtClient *self, const char *name)
{
    NmvirtIfaceType type = nmvirt_client_live_get_type(self, name);
    NmvirtIfaceDef *def;

    /* a bridge cannot be a port; should the kernel say otherwise, show an
     * ethernet port rather than a document libvirt refuses */
    if (type == NMVIRT_IFACE_TYPE_ETHERNET || type == NMVIRT_IFACE_TYPE_BRIDGE)
        return nmvirt_client_live_ethernet(name);
    def = nmvirt_iface_def_new(type, name);
    nmvirt_client_live_set_link(def);
    if (type == NMVIRT_IFACE_TYPE_BOND)
        nmvirt_client_live_add_bond_members(def, NULL);
    else
        nmvirt_client_live_set_vlan(self, def, NULL);
    return def;
}

NmvirtIfaceDef *
nmvirt_client_live_def(NmvirtClient *self, const char *name, NMRemoteConnection *profile,
                       GError **error)
{
    g_autoptr(NmvirtIfaceDef) def = NULL;
    NMConnection *connection = profile != NULL ? NM_CONNECTION(profile) : NULL;
    NmvirtIfaceType type;

    g_return_val_if_fail(NMVIRT_IS_CLIENT(self), NULL);
    g_return_val_if_fail(name != NULL, NULL);
    g_return_val_if_fail(profile == NULL || NM_IS_REMOTE_CONNECTION(profile), NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    type = nmvirt_client_live_get_type(self, name);
    def = nmvirt_iface_def_new(type, name);
    nmvirt_client_live_set_link(def);
    switch (type) {
    case NMVIRT_IFACE_TYPE_ETHERNET:
        def->mac = nmvirt_client_live_link_get_mac(name);
        break;
    case NMVIRT_IFACE_TYPE_BRIDGE: {
        g_auto(GStrv) ports = nmvirt_client_live_bridge_get_ports(name);

        for (guint i = 0; ports[i] != NULL; i++)
            nmvirt_iface_def_add_member(def, nmvirt_client_live_port(self, ports[i]));
        break;
    }
    case NMVIRT_IFACE_TYPE_BOND:
        nmvirt_client_live_add_bond_members(def, connection);
        break;
    case NMVIRT_IFACE_TYPE_VLAN:
        nmvirt_client_live_set_vlan(self, def, connection);
        break;
    case NMVIRT_IFACE_TYPE_LAST:
        g_return_val_if_reached(NULL);
    }
    if (!nmvirt_client_live_link_get_addresses(name, &def->ipv4, &def->ipv6, error)) {
        g_prefix_error(error, _("interface '%s': "), name);
        return NULL;
    }
    return g_steal_pointer(&def);
}
