/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Start, stop, the "active" rule and the live document against a real
 * NetworkManager. Runs INSIDE nmvirt-sandbox (see meson.build here):
 *
 *   nmvirt-sandbox --ns --dhcp --nics 4 -- test-activate -s /nmvirt/daemon/live/bond-vlan
 *   nmvirt-sandbox --vm --nics 2 -- test-activate -p /nmvirt/daemon/live/bond-vlan
 *
 * The namespace sandbox runs everything but bonds and VLANs (the kernel
 * there may lack them); the bond/VLAN case runs in the VM. Outside a
 * sandbox the program fails: it never skips.
 *
 * Each case defines its interfaces through nmvirt_client_define(), and the
 * fixture's teardown deletes every profile and waits for the software
 * devices to go, so the cases do not depend on each other.
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <NetworkManager.h>

#include "nmvirt-client-private.h"
#include "nmvirt-error.h"
#include "nmvirt-test-daemon.h"
#include "nmvirt-test-util.h"
#include "nmvirt-xml.h"

static NmvirtClient *test_client;

/* ---- helpers ---------------------------------------------------------------- */

#define test_run         nmvirt_test_run
#define test_sysfs       nmvirt_test_daemon_sysfs
#define test_define(xml) g_free(nmvirt_test_daemon_define(test_client, (xml)))

static gboolean
test_link_exists(const char *ifname)
{
    g_autofree char *path = g_build_filename("/sys/class/net", ifname, NULL);

    return g_file_test(path, G_FILE_TEST_IS_DIR);
}

/* Starts @name, asserts success, reports how long it took. */
static void
test_start(const char *name, guint timeout_ms)
{
    g_autoptr(GError) error = NULL;
    gint64 t0 = g_get_monotonic_time();
    gboolean ok = nmvirt_client_start(test_client, name, timeout_ms, NULL, &error);

    g_assert_no_error(error);
    g_assert_true(ok);
    g_test_message("start %s: %.0f ms", name, (g_get_monotonic_time() - t0) / 1000.0);
}

static void
test_stop(const char *name)
{
    g_autoptr(GError) error = NULL;
    gint64 t0 = g_get_monotonic_time();
    gboolean ok = nmvirt_client_stop(test_client, name, NULL, &error);

    g_assert_no_error(error);
    g_assert_true(ok);
    g_test_message("stop %s: %.0f ms", name, (g_get_monotonic_time() - t0) / 1000.0);
}

static gboolean
test_is_active(const char *name)
{
    g_autoptr(GError) error = NULL;
    gboolean active = FALSE;

    g_assert_true(nmvirt_client_is_active(test_client, name, &active, &error));
    g_assert_no_error(error);
    return active;
}

/* The live document of @name, parsed back (which also checks it against
 * the schema). */
static NmvirtIfaceDef *
test_live(const char *name, char **xml_out)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = nmvirt_client_get_xml(test_client, name, NMVIRT_XML_FLAGS_NONE, &error);
    NmvirtIfaceDef *def;

    g_assert_no_error(error);
    g_assert_nonnull(xml);
    g_test_message("live XML of %s:\n%s", name, xml);
    def = nmvirt_test_parse(xml, "live");
    /* live state only: no configuration */
    g_assert_cmpint(def->start_mode, ==, NMVIRT_START_MODE_UNSET);
    g_assert_cmpuint(def->mtu, ==, 0);
    g_assert_null(strstr(xml, "<dhcp"));
    g_assert_null(strstr(xml, "<autoconf"));
    g_assert_null(strstr(xml, "<route"));
    g_assert_null(strstr(xml, "stp="));
    g_assert_null(strstr(xml, "mode="));
    if (xml_out != NULL)
        *xml_out = g_steal_pointer(&xml);
    return def;
}

static gboolean
test_proto_has(const NmvirtProtoDef *proto, const char *address, guint prefix)
{
    for (guint i = 0; proto != NULL && i < proto->ips->len; i++) {
        const NmvirtIpDef *ip = g_ptr_array_index(proto->ips, i);

        if (g_strcmp0(ip->address, address) == 0 && ip->has_prefix && ip->prefix == prefix)
            return TRUE;
    }
    return FALSE;
}

static gboolean
test_proto_has_prefix(const NmvirtProtoDef *proto, const char *start, guint prefix)
{
    for (guint i = 0; proto != NULL && i < proto->ips->len; i++) {
        const NmvirtIpDef *ip = g_ptr_array_index(proto->ips, i);

        if (g_str_has_prefix(ip->address, start) && ip->has_prefix && ip->prefix == prefix)
            return TRUE;
    }
    return FALSE;
}

/* An ethernet interface of the live document as the kernel has it: its
 * current MAC and <link state='up' speed> (veth says 10000 Mb/s). */
static void
test_assert_live_ethernet_up(const NmvirtIfaceDef *def)
{
    g_autofree char *mac = test_sysfs(def->name, "address");
    g_autofree char *speed = test_sysfs(def->name, "speed");

    g_assert_cmpint(def->type, ==, NMVIRT_IFACE_TYPE_ETHERNET);
    g_assert_cmpstr(def->mac, ==, mac);
    g_assert_cmpint(def->link_state, ==, NMVIRT_LINK_STATE_UP);
    g_assert_nonnull(speed);
    g_assert_cmpuint(def->link_speed, ==, g_ascii_strtoull(speed, NULL, 10));
}

static void
test_wait_gone(const char *ifname)
{
    for (guint i = 0; i < 100 && test_link_exists(ifname); i++)
        g_usleep(50000);
    g_assert_false(test_link_exists(ifname));
}

/* ---- fixture ----------------------------------------------------------------- */

typedef struct {
    int unused;
} TestFixture;

static void
test_setup(TestFixture *fixture, gconstpointer user_data)
{
    const char *keyfile_dir = g_getenv("NMVIRT_SANDBOX_KEYFILE_DIR");
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GError) error = NULL;

    /* every case starts without profiles of its own; NetworkManager may
     * have generated external ones in /run (the loopback, or a NIC that got
     * a SLAAC address from the sandbox's router advertisements after a
     * stop), which are no interfaces of ours */
    g_assert_nonnull(keyfile_dir);
    dir = g_dir_open(keyfile_dir, 0, &error);
    g_assert_no_error(error);
    g_assert_null(g_dir_read_name(dir));
}

static void
test_teardown(TestFixture *fixture, gconstpointer user_data)
{
    g_autofree char *profiles = test_run("nmcli", "-t", "-f", "UUID,TYPE", "connection", "show");
    g_auto(GStrv) lines = g_strsplit(profiles, "\n", -1);

    /* the tap that live/bridge-tap adds; no error when there is none */
    (void)nmvirt_test_run_ok("ip", "link", "del", "vnet0");
    for (guint i = 0; lines[i] != NULL; i++) {
        g_auto(GStrv) fields = g_strsplit(lines[i], ":", 2);

        if (g_strv_length(fields) != 2 || g_str_has_suffix(fields[1], "loopback"))
            continue;
        /* NetworkManager drops the generated profile of a tap deleted just
         * above on its own: gone before our request is as good */
        if (!nmvirt_test_run_ok("nmcli", "connection", "delete", "uuid", fields[0]))
            g_assert_false(nmvirt_test_run_ok("nmcli", "connection", "show", "uuid", fields[0]));
    }
    test_wait_gone("br0");
    test_wait_gone("bond0");
}

#define TEST_ADD(path, func) g_test_add(path, TestFixture, NULL, test_setup, func, test_teardown)

/* ---- start and the live document: ethernet ------------------------------------ */

static const char test_eth0_static[] = "<interface type='ethernet' name='eth0'>"
                                       "  <start mode='none'/>"
                                       "  <protocol family='ipv4'>"
                                       "    <ip address='192.0.2.10' prefix='24'/>"
                                       "  </protocol>"
                                       "  <protocol family='ipv6'>"
                                       "    <ip address='2001:db8:a::10' prefix='64'/>"
                                       "  </protocol>"
                                       "</interface>";

static void
test_start_ethernet_static(TestFixture *fixture, gconstpointer user_data)
{
    g_autoptr(NmvirtIfaceDef) live = NULL;
    g_autofree char *addresses = NULL;

    test_define(test_eth0_static);
    g_assert_false(test_is_active("eth0"));
    test_start("eth0", 0);
    g_assert_true(test_is_active("eth0"));
    addresses = test_run("ip", "-o", "addr", "show", "dev", "eth0");
    g_assert_nonnull(strstr(addresses, "192.0.2.10/24"));
    g_assert_nonnull(strstr(addresses, "2001:db8:a::10/64"));
    test_stop("eth0");
}

static void
test_live_ethernet(TestFixture *fixture, gconstpointer user_data)
{
    g_autoptr(NmvirtIfaceDef) live = NULL;
    g_autofree char *xml = NULL;

    test_define(test_eth0_static);
    test_start("eth0", 0);
    live = test_live("eth0", &xml);
    g_assert_cmpstr(live->name, ==, "eth0");
    test_assert_live_ethernet_up(live);
    g_assert_nonnull(strstr(xml, "<link speed='10000' state='up'/>"));
    g_assert_nonnull(live->ipv4);
    g_assert_true(test_proto_has(live->ipv4, "192.0.2.10", 24));
    g_assert_nonnull(live->ipv6);
    g_assert_true(test_proto_has(live->ipv6, "2001:db8:a::10", 64));
    /* link-local too: every address the kernel has */
    g_assert_true(test_proto_has_prefix(live->ipv6, "fe80:", 64));
    test_stop("eth0");
}

static void
test_start_already_active(TestFixture *fixture, gconstpointer user_data)
{
    g_autoptr(GError) error = NULL;

    test_define(test_eth0_static);
    test_start("eth0", 0);
    g_assert_false(nmvirt_client_start(test_client, "eth0", 0, NULL, &error));
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_EXISTS);
    g_assert_nonnull(strstr(error->message, "'eth0' is already active"));
    g_assert_true(test_is_active("eth0"));
    test_stop("eth0");
}

static void
test_start_not_found(TestFixture *fixture, gconstpointer user_data)
{
    g_autoptr(GError) error = NULL;

    g_assert_false(nmvirt_client_start(test_client, "nosuch0", 0, NULL, &error));
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_NOT_FOUND);
}

static void
test_start_dhcp(TestFixture *fixture, gconstpointer user_data)
{
    g_autoptr(NmvirtIfaceDef) live = NULL;
    gboolean leased = FALSE;

    test_define("<interface type='ethernet' name='eth1'>"
                "  <start mode='none'/>"
                "  <protocol family='ipv4'><dhcp/></protocol>"
                "</interface>");
    test_start("eth1", 0);
    g_assert_true(test_is_active("eth1"));
    live = test_live("eth1", NULL);
    test_assert_live_ethernet_up(live);
    /* the sandbox's dnsmasq leases 198.18.1.100-199 on eth1 */
    g_assert_nonnull(live->ipv4);
    for (guint i = 0; i < live->ipv4->ips->len; i++) {
        const NmvirtIpDef *ip = g_ptr_array_index(live->ipv4->ips, i);

        if (g_str_has_prefix(ip->address, "198.18.1.") && ip->prefix == 24)
            leased = TRUE;
    }
    g_assert_true(leased);
    test_stop("eth1");
}

/* NetworkManager answers the request at once with a misleading "no
 * suitable device (device eth0 …)"; nmvirt says what is wrong. */
static void
test_start_missing_device(TestFixture *fixture, gconstpointer user_data)
{
    g_autoptr(GError) error = NULL;

    test_define("<interface type='ethernet' name='eth9'>"
                "  <protocol family='ipv4'><ip address='192.0.2.90' prefix='24'/></protocol>"
                "</interface>");
    g_assert_false(nmvirt_client_start(test_client, "eth9", 5000, NULL, &error));
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_ACTIVATION_FAILED);
    g_test_message("%s", error->message);
    g_assert_nonnull(strstr(error->message, "interface 'eth9': activation failed"));
    g_assert_nonnull(strstr(error->message, "no such device"));
    g_assert_false(test_is_active("eth9"));
}

/* The sandbox's dnsmasq serves eth3 from peer3's addresses: without them
 * a DHCP client there gets no answer. */
static void
test_peer3_set_dhcp(gboolean serve)
{
    const char *netns = g_getenv("NMVIRT_SANDBOX_PEER_NETNS");

    g_assert_nonnull(netns);
    if (serve) {
        g_free(test_run("ip", "-n", netns, "addr", "replace", "198.18.3.1/24", "dev", "peer3"));
        g_free(test_run("ip", "-n", netns, "addr", "replace", "2001:db8:4::1/64", "dev", "peer3",
                        "nodad"));
    } else {
        g_free(test_run("ip", "-n", netns, "addr", "flush", "dev", "peer3"));
    }
}

static const char test_eth3_dhcp[] = "<interface type='ethernet' name='eth3'>"
                                     "  <start mode='none'/>"
                                     "  <protocol family='ipv4'><dhcp/></protocol>"
                                     "</interface>";

/* Nothing of a failed or withdrawn start is left behind: the profile is
 * not active in any state. (NetworkManager may show an external profile
 * of its own on the NIC, after router advertisements gave it an address.) */
static void
test_assert_nothing_active(const char *name)
{
    g_autofree char *active =
        test_run("nmcli", "-t", "-f", "UUID", "connection", "show", "--active");
    NMRemoteConnection *profile = nmvirt_client_find_profile(test_client, name);

    g_assert_false(test_is_active(name));
    g_assert_nonnull(profile);
    g_assert_null(strstr(active, nm_connection_get_uuid(NM_CONNECTION(profile))));
}

/* A DHCP client without a server: the 1 s timeout names the state reached,
 * and the activation is withdrawn. */
static void
test_start_timeout(TestFixture *fixture, gconstpointer user_data)
{
    g_autoptr(GError) error = NULL;
    gint64 t0;

    test_peer3_set_dhcp(FALSE);
    test_define(test_eth3_dhcp);
    t0 = g_get_monotonic_time();
    g_assert_false(nmvirt_client_start(test_client, "eth3", 1000, NULL, &error));
    g_test_message("%s (%.0f ms)", error->message, (g_get_monotonic_time() - t0) / 1000.0);
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_TIMEOUT);
    g_assert_nonnull(strstr(error->message, "interface 'eth3': still 'configuring IP' after 1 s"));
    g_assert_nonnull(strstr(error->message, "DHCP"));
    test_assert_nothing_active("eth3");
    test_peer3_set_dhcp(TRUE);
}

/* NetworkManager gives up (DHCP timeout of 2 s set with nmcli): the start
 * fails with its reason in words, long before nmvirt's own timeout. */
static void
test_start_failed(TestFixture *fixture, gconstpointer user_data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL;
    gint64 t0;

    test_peer3_set_dhcp(FALSE);
    test_define(test_eth3_dhcp);
    out = test_run("nmcli", "connection", "modify", "eth3", "ipv4.dhcp-timeout", "2");
    t0 = g_get_monotonic_time();
    g_assert_false(nmvirt_client_start(test_client, "eth3", 30000, NULL, &error));
    g_test_message("%s (%.0f ms)", error->message, (g_get_monotonic_time() - t0) / 1000.0);
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_ACTIVATION_FAILED);
    g_assert_nonnull(
        strstr(error->message, "interface 'eth3': activation failed on device 'eth3': "));
    g_assert_nonnull(strstr(error->message, "no IP configuration could be obtained"));
    g_assert_cmpint(g_get_monotonic_time() - t0, <, 20 * G_USEC_PER_SEC);
    test_assert_nothing_active("eth3");
    test_peer3_set_dhcp(TRUE);
}

static gboolean
test_cancel_cb(gpointer user_data)
{
    g_cancellable_cancel(user_data);
    return G_SOURCE_REMOVE;
}

/* Cancelling a start withdraws the activation. */
static void
test_start_cancel(TestFixture *fixture, gconstpointer user_data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GCancellable) cancellable = g_cancellable_new();
    g_autoptr(GSource) timer = g_timeout_source_new(300);

    test_peer3_set_dhcp(FALSE);
    test_define(test_eth3_dhcp);
    /* the synchronous call iterates the client's context: cancel from there */
    g_source_set_callback(timer, test_cancel_cb, cancellable, NULL);
    g_source_attach(timer, nm_client_get_main_context(nmvirt_client_get_nm_client(test_client)));
    g_assert_false(nmvirt_client_start(test_client, "eth3", 0, cancellable, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    test_assert_nothing_active("eth3");
    test_peer3_set_dhcp(TRUE);
}

/* ---- bridges ---------------------------------------------------------------------- */

static const char test_br0[] = "<interface type='bridge' name='br0'>"
                               "  <start mode='none'/>"
                               "  <protocol family='ipv4'>"
                               "    <ip address='192.0.2.1' prefix='24'/>"
                               "  </protocol>"
                               "  <bridge stp='off'>"
                               "    <interface type='ethernet' name='eth0'/>"
                               "    <interface type='ethernet' name='eth1'/>"
                               "  </bridge>"
                               "</interface>";

static void
test_start_bridge(TestFixture *fixture, gconstpointer user_data)
{
    g_autofree char *ports = NULL;

    test_define(test_br0);
    test_start("br0", 0);
    g_assert_true(test_is_active("br0"));
    /* the ports came along, and start waited for them */
    ports = test_run("ip", "-o", "link", "show", "master", "br0");
    g_assert_nonnull(strstr(ports, ": eth0"));
    g_assert_nonnull(strstr(ports, ": eth1"));
    test_stop("br0");
}

static void
test_live_bridge(TestFixture *fixture, gconstpointer user_data)
{
    g_autoptr(NmvirtIfaceDef) live = NULL;
    g_autofree char *xml = NULL;

    test_define(test_br0);
    test_start("br0", 0);
    live = test_live("br0", &xml);
    g_assert_cmpint(live->type, ==, NMVIRT_IFACE_TYPE_BRIDGE);
    /* never a <link> or <mac> on a bridge, and no stp/delay */
    g_assert_cmpint(live->link_state, ==, NMVIRT_LINK_STATE_UNSET);
    g_assert_null(live->mac);
    g_assert_cmpint(live->stp, ==, NMVIRT_TRISTATE_UNSET);
    g_assert_null(live->delay);
    g_assert_true(test_proto_has(live->ipv4, "192.0.2.1", 24));
    g_assert_cmpuint(live->members->len, ==, 2);
    for (guint i = 0; i < live->members->len; i++)
        test_assert_live_ethernet_up(g_ptr_array_index(live->members, i));
    g_assert_nonnull(nmvirt_iface_def_find(live, "eth0"));
    g_assert_nonnull(nmvirt_iface_def_find(live, "eth1"));
    test_stop("br0");
}

/* A VM's tap added behind NetworkManager's back is a port in the live
 * document, as libvirt expects. */
static void
test_live_bridge_tap(TestFixture *fixture, gconstpointer user_data)
{
    g_autoptr(NmvirtIfaceDef) live = NULL;
    g_autofree char *out = NULL;
    g_autofree char *mac = NULL;
    NmvirtIfaceDef *tap;

    test_define(test_br0);
    test_start("br0", 0);
    out = test_run("ip", "tuntap", "add", "dev", "vnet0", "mode", "tap");
    g_clear_pointer(&out, g_free);
    out = test_run("ip", "link", "set", "vnet0", "master", "br0", "up");
    live = test_live("br0", NULL);
    g_assert_cmpuint(live->members->len, ==, 3);
    tap = nmvirt_iface_def_find(live, "vnet0");
    g_assert_nonnull(tap);
    g_assert_cmpint(tap->type, ==, NMVIRT_IFACE_TYPE_ETHERNET);
    mac = test_sysfs("vnet0", "address");
    g_assert_cmpstr(tap->mac, ==, mac);
    /* no process holds the tap: no carrier, so no speed either */
    g_assert_cmpint(tap->link_state, ==, NMVIRT_LINK_STATE_DOWN);
    g_assert_cmpuint(tap->link_speed, ==, 0);
    /* the bridge is still active: a tap without carrier does not matter */
    g_assert_true(test_is_active("br0"));
    test_stop("br0");
}

/* A port whose NIC does not exist fails the start at once, naming it, as
 * netcf's ifup of the port did; nothing is activated. */
static void
test_start_bridge_missing_port(TestFixture *fixture, gconstpointer user_data)
{
    g_autoptr(GError) error = NULL;
    gint64 t0;

    test_define("<interface type='bridge' name='br0'>"
                "  <start mode='none'/>"
                "  <protocol family='ipv4'><ip address='192.0.2.1' prefix='24'/></protocol>"
                "  <bridge stp='off'>"
                "    <interface type='ethernet' name='eth2'/>"
                "    <interface type='ethernet' name='eth9'/>"
                "  </bridge>"
                "</interface>");
    t0 = g_get_monotonic_time();
    g_assert_false(nmvirt_client_start(test_client, "br0", 10000, NULL, &error));
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_ACTIVATION_FAILED);
    g_test_message("%s", error->message);
    g_assert_nonnull(strstr(error->message, "no device 'eth9', a port of bridge 'br0'"));
    g_assert_cmpint(g_get_monotonic_time() - t0, <, G_USEC_PER_SEC);
    test_assert_nothing_active("br0");
    g_assert_false(test_link_exists("br0"));
}

/* A bond member that does not exist, inside a bridge: named too. */
static void
test_start_bridge_bond_missing_member(TestFixture *fixture, gconstpointer user_data)
{
    g_autoptr(GError) error = NULL;

    test_define("<interface type='bridge' name='br0'>"
                "  <start mode='none'/>"
                "  <bridge stp='off'>"
                "    <interface type='bond' name='bond0'>"
                "      <bond mode='active-backup'>"
                "        <interface type='ethernet' name='eth1'/>"
                "        <interface type='ethernet' name='eth8'/>"
                "      </bond>"
                "    </interface>"
                "  </bridge>"
                "</interface>");
    g_assert_false(nmvirt_client_start(test_client, "br0", 10000, NULL, &error));
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_ACTIVATION_FAILED);
    g_test_message("%s", error->message);
    g_assert_nonnull(strstr(error->message, "no device 'eth8', a member of bond 'bond0'"));
    test_assert_nothing_active("br0");
}

/* NetworkManager would say "Failed to find a compatible device" without
 * naming the parent; nmvirt names it. */
static void
test_start_vlan_missing_parent(TestFixture *fixture, gconstpointer user_data)
{
    g_autoptr(GError) error = NULL;

    test_define("<interface type='vlan' name='eth7.42'>"
                "  <start mode='none'/>"
                "  <protocol family='ipv4'><ip address='192.0.2.42' prefix='24'/></protocol>"
                "  <vlan tag='42'><interface name='eth7'/></vlan>"
                "</interface>");
    g_assert_false(nmvirt_client_start(test_client, "eth7.42", 10000, NULL, &error));
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_ACTIVATION_FAILED);
    g_test_message("%s", error->message);
    g_assert_nonnull(strstr(error->message, "device 'eth7', the parent of VLAN 'eth7.42'"));
    test_assert_nothing_active("eth7.42");
}

/* ---- stop ----------------------------------------------------------------------------- */

static void
test_stop_ethernet(TestFixture *fixture, gconstpointer user_data)
{
    g_autofree char *addresses = NULL;
    g_autofree char *state = NULL;

    test_define(test_eth0_static);
    test_start("eth0", 0);
    test_stop("eth0");
    g_assert_false(test_is_active("eth0"));
    addresses = test_run("ip", "-o", "addr", "show", "dev", "eth0");
    g_assert_null(strstr(addresses, "192.0.2.10"));
    state = test_run("nmcli", "-g", "GENERAL.STATE", "device", "show", "eth0");
    g_assert_nonnull(strstr(state, "disconnected"));
    /* not active any more: the configuration is what dumpxml shows */
    {
        g_autoptr(GError) error = NULL;
        g_autofree char *xml =
            nmvirt_client_get_xml(test_client, "eth0", NMVIRT_XML_FLAGS_NONE, &error);

        g_assert_no_error(error);
        g_assert_nonnull(strstr(xml, "<start mode='none'/>"));
        g_assert_null(strstr(xml, "<link"));
    }
}

static void
test_stop_bridge(TestFixture *fixture, gconstpointer user_data)
{
    g_autofree char *active = NULL;
    g_autofree char *master0 = NULL;
    g_autofree char *master1 = NULL;

    test_define(test_br0);
    test_start("br0", 0);
    test_stop("br0");
    g_assert_false(test_is_active("br0"));
    /* NetworkManager removes the bridge it made; the ports are released */
    test_wait_gone("br0");
    master0 = test_sysfs("eth0", "master");
    g_assert_null(master0);
    master1 = test_sysfs("eth1", "master");
    g_assert_null(master1);
    active = test_run("nmcli", "-t", "-f", "NAME", "connection", "show", "--active");
    g_assert_null(strstr(active, "br0"));
    /* the ports stay down: their autoconnect is blocked like after a user's
     * deactivation, so they do not bring the bridge back */
    g_usleep(2 * G_USEC_PER_SEC);
    g_assert_false(test_link_exists("br0"));
}

static void
test_stop_not_active(TestFixture *fixture, gconstpointer user_data)
{
    g_autoptr(GError) error = NULL;

    test_define(test_eth0_static);
    g_assert_false(nmvirt_client_stop(test_client, "eth0", NULL, &error));
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_NOT_FOUND);
    g_assert_nonnull(strstr(error->message, "'eth0' is not active"));
}

/* ---- bond and VLAN (VM sandbox) -------------------------------------------------------- */

static void
test_live_bond_vlan(TestFixture *fixture, gconstpointer user_data)
{
    g_autoptr(NmvirtIfaceDef) bond = NULL;
    g_autoptr(NmvirtIfaceDef) vlan = NULL;
    g_autofree char *bond_xml = NULL;
    g_autofree char *slaves = NULL;
    g_autofree char *ip = NULL;
    NmvirtIfaceDef *member;

    /* active-backup: the first member (eth1) is the primary */
    test_define("<interface type='bond' name='bond0'>"
                "  <start mode='none'/>"
                "  <protocol family='ipv4'><ip address='192.0.2.20' prefix='24'/></protocol>"
                "  <bond mode='active-backup'>"
                "    <miimon freq='100'/>"
                "    <interface type='ethernet' name='eth1'/>"
                "    <interface type='ethernet' name='eth0'/>"
                "  </bond>"
                "</interface>");
    test_define("<interface type='vlan' name='bond0.42'>"
                "  <start mode='none'/>"
                "  <protocol family='ipv4'><ip address='198.51.100.42' prefix='24'/></protocol>"
                "  <vlan tag='42'><interface name='bond0'/></vlan>"
                "</interface>");
    test_start("bond0", 0);
    test_start("bond0.42", 0);
    g_assert_true(test_is_active("bond0"));
    g_assert_true(test_is_active("bond0.42"));

    slaves = test_sysfs("bond0", "bonding/slaves");
    g_test_message("kernel order of the members: %s", slaves);
    bond = test_live("bond0", &bond_xml);
    g_assert_cmpint(bond->type, ==, NMVIRT_IFACE_TYPE_BOND);
    g_assert_cmpint(bond->link_state, ==, NMVIRT_LINK_STATE_UP);
    g_assert_null(bond->mac);
    g_assert_cmpint(bond->bond.mode, ==, NMVIRT_BOND_MODE_UNSET);
    g_assert_cmpint(bond->bond.monitor, ==, NMVIRT_BOND_MONITOR_NONE);
    g_assert_true(test_proto_has(bond->ipv4, "192.0.2.20", 24));
    g_assert_cmpuint(bond->members->len, ==, 2);
    member = g_ptr_array_index(bond->members, 0);
    g_assert_cmpstr(member->name, ==, "eth1"); /* the primary first */
    test_assert_live_ethernet_up(member);
    member = g_ptr_array_index(bond->members, 1);
    g_assert_cmpstr(member->name, ==, "eth0");
    test_assert_live_ethernet_up(member);

    vlan = test_live("bond0.42", NULL);
    g_assert_cmpint(vlan->type, ==, NMVIRT_IFACE_TYPE_VLAN);
    g_assert_cmpuint(vlan->vlan_tag, ==, 42);
    g_assert_cmpstr(vlan->vlan_parent, ==, "bond0");
    g_assert_cmpint(vlan->link_state, ==, NMVIRT_LINK_STATE_UP);
    g_assert_true(test_proto_has(vlan->ipv4, "198.51.100.42", 24));
    ip = test_run("ip", "-d", "-o", "link", "show", "bond0.42");
    g_assert_nonnull(strstr(ip, "vlan protocol 802.1Q id 42"));

    test_stop("bond0.42");
    test_stop("bond0");
    g_assert_false(test_is_active("bond0"));
    g_assert_false(test_is_active("bond0.42"));
}

int
main(int argc, char **argv)
{
    int status;

    g_test_init(&argc, &argv, NULL);
    nmvirt_test_daemon_require_sandbox();
    test_client = nmvirt_test_daemon_client_new();

    TEST_ADD("/nmvirt/daemon/start/ethernet-static", test_start_ethernet_static);
    TEST_ADD("/nmvirt/daemon/start/already-active", test_start_already_active);
    TEST_ADD("/nmvirt/daemon/start/not-found", test_start_not_found);
    TEST_ADD("/nmvirt/daemon/start/dhcp", test_start_dhcp);
    TEST_ADD("/nmvirt/daemon/start/missing-device", test_start_missing_device);
    TEST_ADD("/nmvirt/daemon/start/bridge", test_start_bridge);
    TEST_ADD("/nmvirt/daemon/start/bridge-missing-port", test_start_bridge_missing_port);
    TEST_ADD("/nmvirt/daemon/start/bond-missing-member", test_start_bridge_bond_missing_member);
    TEST_ADD("/nmvirt/daemon/start/vlan-missing-parent", test_start_vlan_missing_parent);
    TEST_ADD("/nmvirt/daemon/start/timeout", test_start_timeout);
    TEST_ADD("/nmvirt/daemon/start/failed", test_start_failed);
    TEST_ADD("/nmvirt/daemon/start/cancel", test_start_cancel);
    TEST_ADD("/nmvirt/daemon/stop/ethernet", test_stop_ethernet);
    TEST_ADD("/nmvirt/daemon/stop/bridge", test_stop_bridge);
    TEST_ADD("/nmvirt/daemon/stop/not-active", test_stop_not_active);
    TEST_ADD("/nmvirt/daemon/live/ethernet", test_live_ethernet);
    TEST_ADD("/nmvirt/daemon/live/bridge", test_live_bridge);
    TEST_ADD("/nmvirt/daemon/live/bridge-tap", test_live_bridge_tap);
    TEST_ADD("/nmvirt/daemon/live/bond-vlan", test_live_bond_vlan);

    status = g_test_run();
    g_clear_object(&test_client);
    return status;
}
