/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <libxml/parser.h>
#include <string.h>

#include "nmvirt-test-util.h"

/* Every tests/data/valid/<file>.xml is in canonical form: parse + format gives the
 * file back byte for byte. */
static void
test_format_file(gconstpointer data)
{
    const char *path = data;
    g_autoptr(GError) error = NULL;
    g_autofree char *expected = NULL;
    g_autofree char *actual = NULL;
    g_autoptr(NmvirtIfaceDef) def = NULL;

    g_assert_true(g_file_get_contents(path, &expected, NULL, &error));
    g_assert_no_error(error);
    def = nmvirt_xml_parse_file(path, &error);
    g_assert_no_error(error);
    g_assert_nonnull(def);
    actual = nmvirt_xml_format(def);
    g_assert_cmpstr(actual, ==, expected);
}

static NmvirtIfaceDef *
ethernet_new(const char *name, const char *mac)
{
    NmvirtIfaceDef *def = nmvirt_iface_def_new(NMVIRT_IFACE_TYPE_ETHERNET, name);

    def->mac = g_strdup(mac);
    return def;
}

/* A model built in code, with every kind of element. */
static void
test_format_model(void)
{
    g_autoptr(NmvirtIfaceDef) def = nmvirt_iface_def_new(NMVIRT_IFACE_TYPE_BRIDGE, "br0");
    NmvirtIfaceDef *bond = nmvirt_iface_def_new(NMVIRT_IFACE_TYPE_BOND, "bond0");
    NmvirtIfaceDef *vlan = nmvirt_iface_def_new(NMVIRT_IFACE_TYPE_VLAN, "eth2.7");
    NmvirtIfaceDef *slave = ethernet_new("eth0", "52:54:00:00:00:01");
    g_autofree char *xml = NULL;
    g_autofree char *again = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(NmvirtIfaceDef) reparsed = NULL;
    const char *expected = "<interface type='bridge' name='br0'>\n"
                           "  <start mode='onboot'/>\n"
                           "  <mtu size='9000'/>\n"
                           "  <protocol family='ipv4'>\n"
                           "    <dhcp peerdns='no'/>\n"
                           "    <ip address='192.0.2.10' prefix='24'/>\n"
                           "    <ip address='192.0.2.11'/>\n"
                           "    <route gateway='192.0.2.1'/>\n"
                           "  </protocol>\n"
                           "  <protocol family='ipv6'>\n"
                           "    <autoconf/>\n"
                           "    <dhcp/>\n"
                           "  </protocol>\n"
                           "  <bridge stp='off' delay='0.01'>\n"
                           "    <interface type='bond' name='bond0'>\n"
                           "      <link speed='1000' state='up'/>\n"
                           "      <bond mode='active-backup'>\n"
                           "        <miimon freq='100' updelay='200' carrier='netif'/>\n"
                           "        <interface type='ethernet' name='eth0'>\n"
                           "          <mac address='52:54:00:00:00:01'/>\n"
                           "        </interface>\n"
                           "        <interface type='ethernet' name='eth1'/>\n"
                           "      </bond>\n"
                           "    </interface>\n"
                           "    <interface type='vlan' name='eth2.7'>\n"
                           "      <vlan tag='7'>\n"
                           "        <interface name='eth2'/>\n"
                           "      </vlan>\n"
                           "    </interface>\n"
                           "  </bridge>\n"
                           "</interface>\n";

    def->start_mode = NMVIRT_START_MODE_ONBOOT;
    def->mtu = 9000;
    def->ipv4 = nmvirt_proto_def_new(NMVIRT_IP_FAMILY_IPV4);
    def->ipv4->dhcp = TRUE;
    def->ipv4->peerdns = NMVIRT_TRISTATE_NO;
    nmvirt_proto_def_add_ip(def->ipv4, "192.0.2.10", TRUE, 24);
    nmvirt_proto_def_add_ip(def->ipv4, "192.0.2.11", FALSE, 0);
    def->ipv4->gateway = g_strdup("192.0.2.1");
    def->ipv6 = nmvirt_proto_def_new(NMVIRT_IP_FAMILY_IPV6);
    def->ipv6->autoconf = TRUE;
    def->ipv6->dhcp = TRUE;
    def->stp = NMVIRT_TRISTATE_NO;
    def->delay = g_strdup("0.01");

    bond->link_state = NMVIRT_LINK_STATE_UP;
    bond->link_speed = 1000;
    bond->bond.mode = NMVIRT_BOND_MODE_ACTIVE_BACKUP;
    bond->bond.monitor = NMVIRT_BOND_MONITOR_MIIMON;
    bond->bond.miimon_freq = 100;
    bond->bond.updelay = 200;
    bond->bond.carrier = NMVIRT_BOND_CARRIER_NETIF;
    nmvirt_iface_def_add_member(bond, slave);
    nmvirt_iface_def_add_member(bond, ethernet_new("eth1", NULL));
    nmvirt_iface_def_add_member(def, bond);

    vlan->vlan_tag = 7;
    vlan->vlan_parent = g_strdup("eth2");
    nmvirt_iface_def_add_member(def, vlan);

    /* only the root writes start, mtu and protocol */
    slave->mtu = 1500;
    slave->start_mode = NMVIRT_START_MODE_NONE;
    slave->ipv4 = nmvirt_proto_def_new(NMVIRT_IP_FAMILY_IPV4);

    xml = nmvirt_xml_format(def);
    g_assert_cmpstr(xml, ==, expected);

    /* and what we write, we read */
    reparsed = nmvirt_xml_parse_string(xml, -1, NULL, &error);
    g_assert_no_error(error);
    again = nmvirt_xml_format(reparsed);
    g_assert_cmpstr(again, ==, expected);
}

static void
test_format_minimal(void)
{
    g_autoptr(NmvirtIfaceDef) def = nmvirt_iface_def_new(NMVIRT_IFACE_TYPE_ETHERNET, "eth0");
    g_autofree char *xml = nmvirt_xml_format(def);

    g_assert_cmpstr(xml, ==, "<interface type='ethernet' name='eth0'/>\n");
}

static void
test_format_arpmon(void)
{
    g_autoptr(NmvirtIfaceDef) def = nmvirt_iface_def_new(NMVIRT_IFACE_TYPE_BOND, "bond0");
    g_autofree char *xml = NULL;

    def->bond.monitor = NMVIRT_BOND_MONITOR_ARPMON;
    def->bond.arp_interval = 500;
    def->bond.arp_target = g_strdup("198.51.100.7");
    def->bond.arp_validate = NMVIRT_ARP_VALIDATE_ALL;
    xml = nmvirt_xml_format(def);
    g_assert_cmpstr(xml, ==,
                    "<interface type='bond' name='bond0'>\n"
                    "  <bond>\n"
                    "    <arpmon interval='500' target='198.51.100.7' validate='all'/>\n"
                    "  </bond>\n"
                    "</interface>\n");
}

/* What the model says is absent is not written: link on a bridge, mac on a
 * non-ethernet interface, zero prefixes, zero delays. */
static void
test_format_absent(void)
{
    g_autoptr(NmvirtIfaceDef) def = nmvirt_iface_def_new(NMVIRT_IFACE_TYPE_BRIDGE, "br0");
    NmvirtIfaceDef *bond = nmvirt_iface_def_new(NMVIRT_IFACE_TYPE_BOND, "bond0");
    g_autofree char *xml = NULL;

    def->link_state = NMVIRT_LINK_STATE_UP;
    def->mac = g_strdup("52:54:00:00:00:01");
    def->ipv6 = nmvirt_proto_def_new(NMVIRT_IP_FAMILY_IPV6);
    nmvirt_proto_def_add_ip(def->ipv6, "2001:db8::1", FALSE, 0);
    bond->mac = g_strdup("52:54:00:00:00:02");
    bond->bond.monitor = NMVIRT_BOND_MONITOR_MIIMON;
    bond->bond.miimon_freq = 0;
    nmvirt_iface_def_add_member(def, bond);
    xml = nmvirt_xml_format(def);
    g_assert_cmpstr(xml, ==,
                    "<interface type='bridge' name='br0'>\n"
                    "  <protocol family='ipv6'>\n"
                    "    <ip address='2001:db8::1'/>\n"
                    "  </protocol>\n"
                    "  <bridge>\n"
                    "    <interface type='bond' name='bond0'>\n"
                    "      <bond>\n"
                    "        <miimon freq='0'/>\n"
                    "      </bond>\n"
                    "    </interface>\n"
                    "  </bridge>\n"
                    "</interface>\n");
}

/* Values are written through the tree and escaped for single quotes; a
 * conforming parser must read back exactly what the model held. */
static void
test_format_escape(void)
{
    g_autoptr(NmvirtIfaceDef) def = nmvirt_iface_def_new(NMVIRT_IFACE_TYPE_BRIDGE, "b'r&0");
    const char *delay = "1' x='<&>\"\t\n";
    g_autofree char *xml = NULL;
    xmlDoc *doc;
    xmlNode *root;
    xmlChar *value;

    def->delay = g_strdup(delay);
    xml = nmvirt_xml_format(def);
    g_assert_cmpstr(xml, ==,
                    "<interface type='bridge' name='b&apos;r&amp;0'>\n"
                    "  <bridge delay='1&apos; x=&apos;&lt;&amp;&gt;\"&#9;&#10;'/>\n"
                    "</interface>\n");

    doc = xmlReadMemory(xml, (int)strlen(xml), NULL, NULL, XML_PARSE_NONET);
    g_assert_nonnull(doc);
    root = xmlDocGetRootElement(doc);
    value = xmlGetProp(root, (const xmlChar *)"name");
    g_assert_cmpstr((const char *)value, ==, "b'r&0");
    xmlFree(value);
    value = xmlGetProp(xmlFirstElementChild(root), (const xmlChar *)"delay");
    g_assert_cmpstr((const char *)value, ==, delay);
    xmlFree(value);
    xmlFreeDoc(doc);
}

/* Input in any legal spelling comes out canonical. */
static void
test_format_normalize(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NmvirtIfaceDef) def = nmvirt_xml_parse_string(
        "<?xml version=\"1.0\"?>\n"
        "<interface type=\"vlan\">\n"
        "  <vlan tag=\"42\"><interface name=\"eth0\"/></vlan>\n"
        "  <protocol family=\"ipv6\"><ip prefix=\"64\" address=\"2001:DB8:0:0::1\"/></protocol>\n"
        "  <protocol family=\"ipv4\"><ip address=\"192.0.2.1\" prefix=\"0\"/><dhcp/></protocol>\n"
        "  <mtu size=\"0\"/>\n"
        "  <start mode=\"onboot\"/>\n"
        "</interface>\n",
        -1, NULL, &error);
    g_autofree char *xml = NULL;

    g_assert_no_error(error);
    xml = nmvirt_xml_format(def);
    g_assert_cmpstr(xml, ==,
                    "<interface type='vlan' name='eth0.42'>\n"
                    "  <start mode='onboot'/>\n"
                    "  <protocol family='ipv4'>\n"
                    "    <dhcp/>\n"
                    "    <ip address='192.0.2.1'/>\n"
                    "  </protocol>\n"
                    "  <protocol family='ipv6'>\n"
                    "    <ip address='2001:db8::1' prefix='64'/>\n"
                    "  </protocol>\n"
                    "  <vlan tag='42'>\n"
                    "    <interface name='eth0'/>\n"
                    "  </vlan>\n"
                    "</interface>\n");
}

int
main(int argc, char **argv)
{
    g_autofree char *dir = NULL;
    guint n_files;

    g_test_init(&argc, &argv, NULL);

    dir = g_test_build_filename(G_TEST_DIST, "data", "valid", NULL);
    n_files = nmvirt_test_add_xml_files("/nmvirt/xml/format", dir, test_format_file);
    /* an empty or misplaced directory must fail, not pass vacuously */
    g_assert_cmpuint(n_files, >=, 20);

    g_test_add_func("/nmvirt/xml/format/model", test_format_model);
    g_test_add_func("/nmvirt/xml/format/minimal", test_format_minimal);
    g_test_add_func("/nmvirt/xml/format/arpmon", test_format_arpmon);
    g_test_add_func("/nmvirt/xml/format/absent", test_format_absent);
    g_test_add_func("/nmvirt/xml/format/escape", test_format_escape);
    g_test_add_func("/nmvirt/xml/format/normalize", test_format_normalize);
    return g_test_run();
}
