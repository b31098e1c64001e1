/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nmvirt-test-util.h"

static NmvirtIfaceDef *
parse_ok(const char *xml)
{
    g_autoptr(GError) error = NULL;
    NmvirtIfaceDef *def = nmvirt_xml_parse_string(xml, -1, NULL, &error);

    g_assert_no_error(error);
    g_assert_nonnull(def);
    return def;
}

static void
assert_ip(const NmvirtProtoDef *proto, guint index, const char *address, gboolean has_prefix,
          guint prefix)
{
    const NmvirtIpDef *ip;

    g_assert_cmpuint(index, <, proto->ips->len);
    ip = g_ptr_array_index(proto->ips, index);
    g_assert_cmpstr(ip->address, ==, address);
    g_assert_cmpint(ip->has_prefix, ==, has_prefix);
    g_assert_cmpuint(ip->prefix, ==, prefix);
}

static NmvirtIfaceDef *
member(const NmvirtIfaceDef *def, guint index)
{
    g_assert_cmpuint(index, <, def->members->len);
    return g_ptr_array_index(def->members, index);
}

static void
test_parse_ethernet(void)
{
    g_autoptr(NmvirtIfaceDef) def = parse_ok("<interface type='ethernet' name='enp3s0'>\n"
                                             "  <start mode='onboot'/>\n"
                                             "  <mtu size='9000'/>\n"
                                             "  <protocol family='ipv4'>\n"
                                             "    <ip address='198.51.100.20' prefix='26'/>\n"
                                             "    <ip address='198.51.100.21'/>\n"
                                             "    <route gateway='198.51.100.1'/>\n"
                                             "  </protocol>\n"
                                             "  <protocol family='ipv6'>\n"
                                             "    <autoconf/>\n"
                                             "    <ip address='2001:DB8:10:0:0::20' prefix='64'/>\n"
                                             "  </protocol>\n"
                                             "  <link speed='1000' state='up'/>\n"
                                             "  <mac address='52:54:00:0A:0B:0C'/>\n"
                                             "</interface>\n");

    g_assert_cmpint(def->type, ==, NMVIRT_IFACE_TYPE_ETHERNET);
    g_assert_cmpstr(def->name, ==, "enp3s0");
    g_assert_cmpuint(def->line, ==, 1);
    g_assert_cmpint(def->start_mode, ==, NMVIRT_START_MODE_ONBOOT);
    g_assert_cmpuint(def->mtu, ==, 9000);
    /* MACs are stored in lower case */
    g_assert_cmpstr(def->mac, ==, "52:54:00:0a:0b:0c");
    g_assert_cmpint(def->link_state, ==, NMVIRT_LINK_STATE_UP);
    g_assert_cmpuint(def->link_speed, ==, 1000);

    g_assert_nonnull(def->ipv4);
    g_assert_cmpint(def->ipv4->family, ==, NMVIRT_IP_FAMILY_IPV4);
    g_assert_false(def->ipv4->dhcp);
    g_assert_false(def->ipv4->autoconf);
    g_assert_cmpuint(def->ipv4->ips->len, ==, 2);
    assert_ip(def->ipv4, 0, "198.51.100.20", TRUE, 26);
    assert_ip(def->ipv4, 1, "198.51.100.21", FALSE, 0);
    g_assert_cmpstr(def->ipv4->gateway, ==, "198.51.100.1");

    g_assert_nonnull(def->ipv6);
    g_assert_true(def->ipv6->autoconf);
    g_assert_false(def->ipv6->dhcp);
    /* addresses are stored in canonical text form */
    assert_ip(def->ipv6, 0, "2001:db8:10::20", TRUE, 64);
    g_assert_null(def->ipv6->gateway);
    g_assert_cmpuint(def->members->len, ==, 0);
}

static void
test_parse_ethernet_minimal(void)
{
    g_autoptr(NmvirtIfaceDef) def = parse_ok("<interface type='ethernet' name='eth0'/>");

    g_assert_cmpstr(def->name, ==, "eth0");
    g_assert_cmpint(def->start_mode, ==, NMVIRT_START_MODE_UNSET);
    g_assert_cmpuint(def->mtu, ==, 0);
    g_assert_null(def->ipv4);
    g_assert_null(def->ipv6);
    g_assert_null(def->mac);
    g_assert_cmpint(def->link_state, ==, NMVIRT_LINK_STATE_UNSET);
    g_assert_cmpuint(def->link_speed, ==, 0);
    g_assert_cmpint(def->stp, ==, NMVIRT_TRISTATE_UNSET);
    g_assert_null(def->delay);
}

static void
test_parse_dhcp(void)
{
    g_autoptr(NmvirtIfaceDef) def = parse_ok(
        "<interface type='ethernet' name='eth0'>\n"
        "  <protocol family='ipv6'><dhcp peerdns='yes'/><route gateway='2001:db8::1'/></protocol>\n"
        "  <protocol family='ipv4'><dhcp peerdns='no'/><ip address='192.0.2.5' "
        "prefix='24'/></protocol>\n"
        "</interface>\n");

    g_assert_true(def->ipv4->dhcp);
    g_assert_cmpint(def->ipv4->peerdns, ==, NMVIRT_TRISTATE_NO);
    assert_ip(def->ipv4, 0, "192.0.2.5", TRUE, 24);
    g_assert_true(def->ipv6->dhcp);
    g_assert_cmpint(def->ipv6->peerdns, ==, NMVIRT_TRISTATE_YES);
    g_assert_false(def->ipv6->autoconf);
    g_assert_cmpuint(def->ipv6->ips->len, ==, 0);
    g_assert_cmpstr(def->ipv6->gateway, ==, "2001:db8::1");
}

static void
test_parse_ipv6_empty(void)
{
    g_autoptr(NmvirtIfaceDef) def =
        parse_ok("<interface type='ethernet' name='eth0'><protocol family='ipv6'/></interface>");

    g_assert_null(def->ipv4);
    g_assert_nonnull(def->ipv6);
    g_assert_false(def->ipv6->dhcp);
    g_assert_cmpint(def->ipv6->peerdns, ==, NMVIRT_TRISTATE_UNSET);
    g_assert_false(def->ipv6->autoconf);
    g_assert_cmpuint(def->ipv6->ips->len, ==, 0);
}

static void
test_parse_bridge(void)
{
    g_autoptr(NmvirtIfaceDef) def =
        parse_ok("<interface type='bridge' name='br0'>\n"
                 "  <start mode='hotplug'/>\n"
                 "  <bridge stp='on' delay='0.50'>\n"
                 "    <interface type='ethernet' name='eth0'>\n"
                 "      <mac address='52:54:00:00:00:01'/>\n"
                 "    </interface>\n"
                 "    <interface type='vlan' name='eth1.30'>\n"
                 "      <link state='down'/>\n"
                 "      <vlan tag='30'><interface name='eth1'/></vlan>\n"
                 "    </interface>\n"
                 "    <interface type='bond' name='bond0'>\n"
                 "      <bond mode='active-backup'>\n"
                 "        <interface type='ethernet' name='eth2'/>\n"
                 "        <interface type='ethernet' name='eth3'/>\n"
                 "      </bond>\n"
                 "    </interface>\n"
                 "  </bridge>\n"
                 "</interface>\n");
    NmvirtIfaceDef *port;

    g_assert_cmpint(def->type, ==, NMVIRT_IFACE_TYPE_BRIDGE);
    g_assert_cmpint(def->start_mode, ==, NMVIRT_START_MODE_HOTPLUG);
    g_assert_cmpint(def->stp, ==, NMVIRT_TRISTATE_YES);
    /* the delay text is kept as written */
    g_assert_cmpstr(def->delay, ==, "0.50");
    g_assert_cmpuint(def->members->len, ==, 3);

    port = member(def, 0);
    g_assert_cmpint(port->type, ==, NMVIRT_IFACE_TYPE_ETHERNET);
    g_assert_cmpstr(port->name, ==, "eth0");
    g_assert_cmpstr(port->mac, ==, "52:54:00:00:00:01");
    g_assert_cmpuint(port->line, ==, 4);

    port = member(def, 1);
    g_assert_cmpint(port->type, ==, NMVIRT_IFACE_TYPE_VLAN);
    g_assert_cmpstr(port->name, ==, "eth1.30");
    g_assert_cmpuint(port->vlan_tag, ==, 30);
    g_assert_cmpstr(port->vlan_parent, ==, "eth1");
    g_assert_cmpint(port->link_state, ==, NMVIRT_LINK_STATE_DOWN);
    g_assert_cmpuint(port->members->len, ==, 0);

    port = member(def, 2);
    g_assert_cmpint(port->type, ==, NMVIRT_IFACE_TYPE_BOND);
    g_assert_cmpint(port->bond.mode, ==, NMVIRT_BOND_MODE_ACTIVE_BACKUP);
    g_assert_cmpint(port->bond.monitor, ==, NMVIRT_BOND_MONITOR_NONE);
    g_assert_cmpuint(port->members->len, ==, 2);
    g_assert_cmpstr(member(port, 0)->name, ==, "eth2");
    g_assert_cmpstr(member(port, 1)->name, ==, "eth3");
    g_assert_cmpuint(member(port, 1)->line, ==, 14);
}

static void
test_parse_bridge_empty(void)
{
    g_autoptr(NmvirtIfaceDef) def =
        parse_ok("<interface type='bridge' name='br1'><bridge stp='off'/></interface>");

    g_assert_cmpint(def->stp, ==, NMVIRT_TRISTATE_NO);
    g_assert_null(def->delay);
    g_assert_cmpuint(def->members->len, ==, 0);
}

static void
test_parse_bond_miimon(void)
{
    g_autoptr(NmvirtIfaceDef) def =
        parse_ok("<interface type='bond' name='bond1'>\n"
                 "  <protocol family='ipv4'><ip address='10.20.0.5' prefix='16'/></protocol>\n"
                 "  <bond mode='802.3ad'>\n"
                 "    <miimon freq='100' downdelay='200' updelay='0' carrier='ioctl'/>\n"
                 "    <interface type='ethernet' name='ens1f0'/>\n"
                 "    <interface type='ethernet' name='ens1f1'/>\n"
                 "  </bond>\n"
                 "</interface>\n");

    g_assert_cmpint(def->bond.mode, ==, NMVIRT_BOND_MODE_802_3AD);
    g_assert_cmpint(def->bond.monitor, ==, NMVIRT_BOND_MONITOR_MIIMON);
    g_assert_cmpuint(def->bond.miimon_freq, ==, 100);
    g_assert_cmpuint(def->bond.downdelay, ==, 200);
    /* updelay='0' counts as absent */
    g_assert_cmpuint(def->bond.updelay, ==, 0);
    g_assert_cmpint(def->bond.carrier, ==, NMVIRT_BOND_CARRIER_IOCTL);
    g_assert_null(def->bond.arp_target);
    g_assert_cmpuint(def->members->len, ==, 2);
}

static void
test_parse_bond_arpmon(void)
{
    g_autoptr(NmvirtIfaceDef) def =
        parse_ok("<interface type='bond' name='bond0'>\n"
                 "  <bond mode='active-backup'>\n"
                 "    <interface type='ethernet' name='eth0'/>\n"
                 "    <arpmon interval='1000' target='192.0.2.1' validate='backup'/>\n"
                 "  </bond>\n"
                 "</interface>\n");

    g_assert_cmpint(def->bond.monitor, ==, NMVIRT_BOND_MONITOR_ARPMON);
    g_assert_cmpuint(def->bond.arp_interval, ==, 1000);
    g_assert_cmpstr(def->bond.arp_target, ==, "192.0.2.1");
    g_assert_cmpint(def->bond.arp_validate, ==, NMVIRT_ARP_VALIDATE_BACKUP);
    g_assert_cmpuint(def->bond.miimon_freq, ==, 0);
}

static void
test_parse_bond_no_mode(void)
{
    g_autoptr(NmvirtIfaceDef) def =
        parse_ok("<interface type='bond' name='bond2'><bond/></interface>");

    g_assert_cmpint(def->bond.mode, ==, NMVIRT_BOND_MODE_UNSET);
    g_assert_cmpint(def->bond.monitor, ==, NMVIRT_BOND_MONITOR_NONE);
    g_assert_cmpuint(def->members->len, ==, 0);
}

static void
test_parse_vlan(void)
{
    g_autoptr(NmvirtIfaceDef) def = parse_ok("<interface type='vlan' name='bond1.30'>\n"
                                             "  <start mode='none'/>\n"
                                             "  <vlan tag='4094'><interface name='bond1'/></vlan>\n"
                                             "</interface>\n");

    g_assert_cmpint(def->type, ==, NMVIRT_IFACE_TYPE_VLAN);
    g_assert_cmpstr(def->name, ==, "bond1.30");
    g_assert_cmpint(def->start_mode, ==, NMVIRT_START_MODE_NONE);
    g_assert_cmpuint(def->vlan_tag, ==, 4094);
    g_assert_cmpstr(def->vlan_parent, ==, "bond1");
    /* the parent is a reference, not a member */
    g_assert_cmpuint(def->members->len, ==, 0);
}

static void
test_parse_vlan_unnamed(void)
{
    g_autoptr(NmvirtIfaceDef) def = parse_ok(
        "<interface type='vlan'><vlan tag='0'><interface name='eth0'/></vlan></interface>");

    /* netcf's rule: <parent>.<tag> */
    g_assert_cmpstr(def->name, ==, "eth0.0");
    g_assert_cmpuint(def->vlan_tag, ==, 0);
    g_assert_cmpstr(def->vlan_parent, ==, "eth0");
}

/* The values libvirt treats as "not given". */
static void
test_parse_zero_is_absent(void)
{
    g_autoptr(NmvirtIfaceDef) def =
        parse_ok("<interface type='ethernet' name='eth0'>\n"
                 "  <mtu size='0'/>\n"
                 "  <protocol family='ipv4'><ip address='192.0.2.1' prefix='0'/></protocol>\n"
                 "  <protocol family='ipv6'><ip address='::1' prefix='0'/></protocol>\n"
                 "  <link speed='0'/>\n"
                 "</interface>\n");

    g_assert_cmpuint(def->mtu, ==, 0);
    assert_ip(def->ipv4, 0, "192.0.2.1", FALSE, 0);
    assert_ip(def->ipv6, 0, "::1", FALSE, 0);
    g_assert_cmpuint(def->link_speed, ==, 0);
    g_assert_cmpint(def->link_state, ==, NMVIRT_LINK_STATE_UNSET);
}

/* Children are interleaved in the schema: any order gives the same model. */
static void
test_parse_any_order(void)
{
    g_autoptr(NmvirtIfaceDef) def =
        parse_ok("<interface name=\"eth0\" type=\"ethernet\">\n"
                 "  <mac address=\"52:54:00:aa:bb:cc\"/>\n"
                 "  <protocol family=\"ipv4\"><route gateway=\"192.0.2.1\"/><dhcp/></protocol>\n"
                 "  <mtu size=\"1500\"/>\n"
                 "  <!-- comments are ignored -->\n"
                 "  <start mode=\"onboot\"/>\n"
                 "</interface>\n");

    g_assert_cmpstr(def->mac, ==, "52:54:00:aa:bb:cc");
    g_assert_cmpuint(def->mtu, ==, 1500);
    g_assert_cmpint(def->start_mode, ==, NMVIRT_START_MODE_ONBOOT);
    g_assert_true(def->ipv4->dhcp);
    g_assert_cmpstr(def->ipv4->gateway, ==, "192.0.2.1");
}

static void
test_parse_xml_declaration(void)
{
    g_autoptr(NmvirtIfaceDef) def =
        parse_ok("<?xml version='1.0' encoding='ISO-8859-1'?>\n"
                 "<interface type='ethernet' name='eth0'><start mode='none'/></interface>\n");

    g_assert_cmpint(def->start_mode, ==, NMVIRT_START_MODE_NONE);
    g_assert_cmpuint(def->line, ==, 2);
}

/* @len bounds the document: whatever follows is not read. */
static void
test_parse_length(void)
{
    const char *xml = "<interface type='ethernet' name='eth0'/>garbage";
    g_autoptr(GError) error = NULL;
    g_autoptr(NmvirtIfaceDef) def = NULL;

    def = nmvirt_xml_parse_string(xml, strlen(xml) - strlen("garbage"), NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(def->name, ==, "eth0");

    g_clear_pointer(&def, nmvirt_iface_def_free);
    def = nmvirt_xml_parse_string(xml, -1, NULL, &error);
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML);
    g_assert_null(def);
}

static void
test_parse_empty(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NmvirtIfaceDef) def = nmvirt_xml_parse_string(" \n\t", -1, NULL, &error);

    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML);
    g_assert_nonnull(strstr(error->message, "the document is empty"));
    g_assert_null(def);
}

static void
test_parse_too_large(void)
{
    g_autoptr(GString) xml = g_string_new("<interface type='ethernet' name='eth0'>");
    g_autoptr(GError) error = NULL;
    g_autoptr(NmvirtIfaceDef) def = NULL;

    while (xml->len <= 1024 * 1024)
        g_string_append(xml, "<!-- padding padding padding padding padding padding -->\n");
    g_string_append(xml, "</interface>\n");
    def = nmvirt_xml_parse_string(xml->str, (gssize)xml->len, NULL, &error);
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML);
    g_assert_nonnull(strstr(error->message, "larger than 1048576 bytes"));
    g_assert_null(def);
}

static void
test_parse_source(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NmvirtIfaceDef) def =
        nmvirt_xml_parse_string("<interface type='ethernet' name='a:b'/>", -1, "eth.xml", &error);

    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML);
    g_assert_true(g_str_has_prefix(error->message, "eth.xml: line 1, <interface name>: "));
    g_assert_null(def);
}

static void
test_parse_file(void)
{
    g_autofree char *path =
        g_test_build_filename(G_TEST_DIST, "data", "valid", "bridge-bond-port.xml", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(NmvirtIfaceDef) def = nmvirt_xml_parse_file(path, &error);

    g_assert_no_error(error);
    g_assert_cmpint(def->type, ==, NMVIRT_IFACE_TYPE_BRIDGE);
    g_assert_cmpuint(def->members->len, >, 0);

    g_clear_pointer(&def, nmvirt_iface_def_free);
    def = nmvirt_xml_parse_file("/nonexistent/nmvirt/iface.xml", &error);
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_NOT_FOUND);
    g_assert_null(def);
}

/* Writes 2 MiB of blanks into the FIFO @data and keeps it open for ever:
 * the reader never sees an end of file. */
static gpointer
test_parse_fifo_writer_cb(gpointer data)
{
    int fd = g_open(data, O_WRONLY, 0);
    g_autofree char *chunk = g_strnfill(64 * 1024, ' ');

    g_assert_cmpint(fd, >=, 0);
    /* EPIPE once the reader has had enough (SIGPIPE is ignored) */
    for (gsize total = 0; total < 2 * 1024 * 1024;) {
        gssize written = write(fd, chunk, 64 * 1024);

        if (written <= 0)
            break;
        total += (gsize)written;
    }
    for (;;)
        g_usleep(G_USEC_PER_SEC);
    return NULL;
}

/* A file that never ends (a pipe, /dev/zero) is read only up to the size
 * limit, not to its end: the parse fails at once instead of hanging or
 * filling memory. */
static void
test_parse_file_unbounded(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *path = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(NmvirtIfaceDef) def = NULL;

    if (!g_test_subprocess()) {
        g_test_trap_subprocess(NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
        g_test_trap_assert_passed();
        return;
    }
    signal(SIGPIPE, SIG_IGN);
    dir = g_dir_make_tmp("nmvirt-parse-XXXXXX", &error);
    g_assert_no_error(error);
    path = g_build_filename(dir, "endless.xml", NULL);
    g_assert_cmpint(mkfifo(path, 0600), ==, 0);
    g_thread_unref(g_thread_new("writer", test_parse_fifo_writer_cb, path));

    def = nmvirt_xml_parse_file(path, &error);
    g_assert_null(def);
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML);
    g_assert_true(g_str_has_prefix(error->message, path));
    g_assert_nonnull(strstr(error->message, "larger than"));
    g_assert_cmpint(g_unlink(path), ==, 0);
    g_assert_cmpint(g_rmdir(dir), ==, 0);

    /* and a device without end */
    g_clear_error(&error);
    def = nmvirt_xml_parse_file("/dev/zero", &error);
    g_assert_null(def);
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML);
    g_assert_nonnull(strstr(error->message, "larger than"));
}

/* A caller's own libxml2 error handler (libvirt installs one) must neither
 * receive our errors nor be replaced. */
static guint caller_handler_calls;

static void
caller_error_cb(void *user_data, xmlError *error)
{
    caller_handler_calls++;
}

static void
test_parse_error_handlers(void)
{
    const char *broken[] = {
        "<interface type='ethernet' name='eth0'>",
        "<interface type='ethernet' name='eth0'><bogus/></interface>",
        "<interface type='wifi' name='wlan0'/>",
    };

    xmlSetStructuredErrorFunc(NULL, caller_error_cb);
    for (guint i = 0; i < G_N_ELEMENTS(broken); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(NmvirtIfaceDef) def = nmvirt_xml_parse_string(broken[i], -1, NULL, &error);
        g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML);
    }
    g_assert_cmpuint(caller_handler_calls, ==, 0);
    g_assert_true(xmlStructuredError == caller_error_cb);
    xmlSetStructuredErrorFunc(NULL, NULL);
}

/* The schema is compiled once and shared; every call has its own parser
 * and validation context and its own error collection. */
typedef struct {
    const char *xml;
    const char *fragment; /* NULL when valid */
} ThreadCase;

static const ThreadCase thread_cases[] = {
    { "<interface type='ethernet' name='eth0'><mtu size='1500'/></interface>", NULL },
    { "<interface type='bond' name='bond0'><bond mode='balance-rr'><interface type='ethernet' "
      "name='eth1'/></bond></interface>",
      NULL },
    { "<interface type='ethernet' name='eth0'><mtu size='x'/></interface>", "<mtu size>" },
    { "<interface type='vlan' name='v'><vlan tag='4095'><interface "
      "name='eth0'/></vlan></interface>",
      "expected a VLAN tag from 0 to 4094" },
    { "<interface type='ethernet' name='eth0'>", "Premature end of data" },
};

static gpointer
parse_thread_cb(gpointer data)
{
    guint seed = GPOINTER_TO_UINT(data);

    for (guint i = 0; i < 60; i++) {
        const ThreadCase *tc = &thread_cases[(seed + i) % G_N_ELEMENTS(thread_cases)];
        g_autoptr(GError) error = NULL;
        g_autoptr(NmvirtIfaceDef) def = nmvirt_xml_parse_string(tc->xml, -1, NULL, &error);

        if (tc->fragment == NULL) {
            g_assert_no_error(error);
            g_assert_nonnull(def);
        } else {
            g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML);
            g_assert_nonnull(strstr(error->message, tc->fragment));
        }
    }
    return NULL;
}

static void
test_parse_threads(void)
{
    GThread *threads[8];

    for (guint i = 0; i < G_N_ELEMENTS(threads); i++)
        threads[i] = g_thread_new("parse", parse_thread_cb, GUINT_TO_POINTER(i));
    for (guint i = 0; i < G_N_ELEMENTS(threads); i++)
        g_thread_join(threads[i]);
}

/* The same from a fresh process, so that the threads race for the first
 * libxml2 initialisation and the first schema compilation. */
static void
test_parse_threads_cold(void)
{
    if (g_test_subprocess()) {
        test_parse_threads();
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
    g_test_trap_assert_passed();
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/nmvirt/xml/parse/ethernet", test_parse_ethernet);
    g_test_add_func("/nmvirt/xml/parse/ethernet-minimal", test_parse_ethernet_minimal);
    g_test_add_func("/nmvirt/xml/parse/dhcp", test_parse_dhcp);
    g_test_add_func("/nmvirt/xml/parse/ipv6-empty", test_parse_ipv6_empty);
    g_test_add_func("/nmvirt/xml/parse/bridge", test_parse_bridge);
    g_test_add_func("/nmvirt/xml/parse/bridge-empty", test_parse_bridge_empty);
    g_test_add_func("/nmvirt/xml/parse/bond-miimon", test_parse_bond_miimon);
    g_test_add_func("/nmvirt/xml/parse/bond-arpmon", test_parse_bond_arpmon);
    g_test_add_func("/nmvirt/xml/parse/bond-no-mode", test_parse_bond_no_mode);
    g_test_add_func("/nmvirt/xml/parse/vlan", test_parse_vlan);
    g_test_add_func("/nmvirt/xml/parse/vlan-unnamed", test_parse_vlan_unnamed);
    g_test_add_func("/nmvirt/xml/parse/zero-is-absent", test_parse_zero_is_absent);
    g_test_add_func("/nmvirt/xml/parse/any-order", test_parse_any_order);
    g_test_add_func("/nmvirt/xml/parse/xml-declaration", test_parse_xml_declaration);
    g_test_add_func("/nmvirt/xml/parse/length", test_parse_length);
    g_test_add_func("/nmvirt/xml/parse/empty", test_parse_empty);
    g_test_add_func("/nmvirt/xml/parse/too-large", test_parse_too_large);
    g_test_add_func("/nmvirt/xml/parse/source", test_parse_source);
    g_test_add_func("/nmvirt/xml/parse/file", test_parse_file);
    g_test_add_func("/nmvirt/xml/parse/file-unbounded", test_parse_file_unbounded);
    g_test_add_func("/nmvirt/xml/parse/error-handlers", test_parse_error_handlers);
    g_test_add_func("/nmvirt/xml/parse/threads", test_parse_threads);
    g_test_add_func("/nmvirt/xml/parse/threads-cold", test_parse_threads_cold);
    return g_test_run();
}
