/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The short way to an interface's XML (nmvirt-settings-scan.c, what
 * 'nmvirt dumpxml' asks first) against NmvirtClient's answer, on a real
 * NetworkManager. Runs INSIDE nmvirt-sandbox (see meson.build here):
 *
 *   nmvirt-sandbox --ns --nics 4 -- build/tests/integration/test-settings-scan
 *
 * Where the scan answers, its XML must be exactly NmvirtClient's; where the
 * answer depends on what it does not read (an active profile, one that
 * NetworkManager generated, no profile named so), it must decline. Every
 * test checks that the scan did answer where it should, so a scan that
 * always declined would fail.
 */
#include "config.h"

#include "nmvirt-client-private.h"
#include "nmvirt-error.h"
#include "nmvirt-settings-scan.h"
#include "nmvirt-test-util.h"

/* other profiles around the interfaces under test: ports with masters, a
 * bond member, a standalone NIC profile */
static const char background[] = "<interface type='bridge' name='bg0'>\n"
                                 "  <start mode='none'/>\n"
                                 "  <bridge stp='off'>\n"
                                 "    <interface type='bond' name='bgbond0'>\n"
                                 "      <bond mode='active-backup'>\n"
                                 "        <miimon freq='100'/>\n"
                                 "        <interface type='ethernet' name='eth9'/>\n"
                                 "      </bond>\n"
                                 "    </interface>\n"
                                 "    <interface type='vlan' name='eth0.42'>\n"
                                 "      <vlan tag='42'><interface name='eth0'/></vlan>\n"
                                 "    </interface>\n"
                                 "  </bridge>\n"
                                 "</interface>\n";

/* Helpers ------------------------------------------------------------------ */

static char *
run_argv(const char *const *argv, gboolean may_fail)
{
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GError) error = NULL;
    int status = 0;
    g_autofree char *command = g_strjoinv(" ", (char **)argv);

    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                      &status, &error))
        g_error("cannot run %s: %s", command, error->message);
    if (!may_fail && !g_spawn_check_wait_status(status, NULL))
        g_error("%s failed (%d): %s%s", command, status, out, err);
    return g_strstrip(g_steal_pointer(&out));
}

#define run(...)       run_argv((const char *const[]){ __VA_ARGS__, NULL }, FALSE)
#define run_quiet(...) g_free(run_argv((const char *const[]){ __VA_ARGS__, NULL }, TRUE))

/* A client of its own for every question: its cache has everything done
 * before, nmcli's changes included. */
static NmvirtClient *
client_new(void)
{
    g_autoptr(GError) error = NULL;
    NmvirtClient *client = nmvirt_client_new(NULL, &error);

    g_assert_no_error(error);
    return client;
}

static char *
define(const char *xml)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autoptr(GError) error = NULL;
    char *name = nmvirt_client_define(client, xml, NULL, &error);

    g_assert_no_error(error);
    return name;
}

static void
delete_all_profiles(void)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autoptr(GPtrArray) profiles = nmvirt_client_get_profiles(client);

    for (guint i = 0; i < profiles->len; i++)
        run_quiet("nmcli", "connection", "delete",
                  nm_connection_get_uuid(g_ptr_array_index(profiles, i)));
}

static char *
uuid_of(const char *id)
{
    return run("nmcli", "-g", "connection.uuid", "connection", "show", id);
}

/* The scan answers, with exactly NmvirtClient's XML, with and without
 * --inactive. */
static void
assert_scan_equal(const char *name)
{
    g_autoptr(NmvirtClient) client = client_new();
    const NmvirtXmlFlags all_flags[] = { NMVIRT_XML_FLAGS_NONE, NMVIRT_XML_FLAGS_INACTIVE };

    for (guint i = 0; i < G_N_ELEMENTS(all_flags); i++) {
        g_autoptr(GError) error = NULL;
        g_autofree char *expected = nmvirt_client_get_xml(client, name, all_flags[i], &error);
        g_autofree char *got = NULL;

        g_assert_no_error(error);
        if (!nmvirt_settings_scan_get_xml(name, all_flags[i], &got))
            g_error("the scan declined interface '%s' (flags %u), whose XML is\n%s", name,
                    all_flags[i], expected);
        g_assert_cmpstr(got, ==, expected);
    }
}

static void
assert_scan_declines(const char *name)
{
    g_autofree char *got = NULL;

    g_assert_false(nmvirt_settings_scan_get_xml(name, NMVIRT_XML_FLAGS_NONE, &got));
    g_assert_null(got);
    g_assert_false(nmvirt_settings_scan_get_xml(name, NMVIRT_XML_FLAGS_INACTIVE, &got));
    g_assert_null(got);
}

static void
fixture_setup(gpointer *fixture, gconstpointer data)
{
    delete_all_profiles();
    g_free(define(background));
}

static void
fixture_teardown(gpointer *fixture, gconstpointer data)
{
    delete_all_profiles();
}

/* Tests -------------------------------------------------------------------- */

/* Every valid document of tests/data, defined beside the background. */
static void
test_documents(gpointer *fixture, gconstpointer data)
{
    g_autofree char *dir = g_test_build_filename(G_TEST_DIST, "data", "valid", NULL);
    g_autoptr(GDir) handle = g_dir_open(dir, 0, NULL);
    const char *file = NULL;
    guint checked = 0;

    g_assert_nonnull(handle);
    while ((file = g_dir_read_name(handle)) != NULL) {
        g_autofree char *path = g_build_filename(dir, file, NULL);
        g_autofree char *xml = NULL;
        g_autofree char *name = NULL;
        g_autoptr(NmvirtClient) client = NULL;
        g_autoptr(GError) error = NULL;

        if (!g_str_has_suffix(file, ".xml"))
            continue;
        g_assert_true(g_file_get_contents(path, &xml, NULL, NULL));
        g_test_message("%s", file);
        name = define(xml);
        assert_scan_equal(name);
        client = client_new();
        g_assert_true(nmvirt_client_undefine(client, name, NULL, &error));
        g_assert_no_error(error);
        checked++;
    }
    g_assert_cmpuint(checked, >=, 30);
    /* the background is read by the scan as well */
    assert_scan_equal("bg0");
}

/* An active interface's XML is the live one: NmvirtClient's. */
static void
test_active(gpointer *fixture, gconstpointer data)
{
    g_autofree char *name = define("<interface type='bridge' name='brs0'>\n"
                                   "  <start mode='none'/>\n"
                                   "  <bridge stp='off'/>\n"
                                   "</interface>\n");
    g_autoptr(NmvirtClient) client = client_new();
    g_autoptr(GError) error = NULL;

    assert_scan_equal(name);
    g_assert_true(nmvirt_client_start(client, name, 0, NULL, &error));
    g_assert_no_error(error);
    assert_scan_declines(name);
    g_assert_true(nmvirt_client_stop(client, name, NULL, &error));
    g_assert_no_error(error);
    assert_scan_equal(name);
}

/* Another profile for the same interface, made with nmcli: the identity
 * rule picks by autoconnect-priority, and the scan with it. */
static void
test_competing(gpointer *fixture, gconstpointer data)
{
    g_autofree char *name = define("<interface type='bridge' name='br5'>\n"
                                   "  <start mode='none'/>\n"
                                   "  <bridge stp='on' delay='3'/>\n"
                                   "</interface>\n");
    g_autofree char *xml = NULL;

    run_quiet("nmcli", "connection", "add", "type", "bridge", "con-name", "other-br5", "ifname",
              "br5", "autoconnect", "no", "bridge.stp", "no", "ipv4.method", "disabled",
              "ipv6.method", "ignore", "connection.autoconnect-priority", "10");
    assert_scan_equal(name);
    g_assert_true(nmvirt_settings_scan_get_xml(name, NMVIRT_XML_FLAGS_NONE, &xml));
    /* nmcli's profile (no STP) won */
    g_assert_nonnull(strstr(xml, "stp='off'"));
    run_quiet("nmcli", "connection", "modify", "other-br5", "connection.autoconnect-priority",
              "-10");
    assert_scan_equal(name);
}

/* A profile bound by MAC only: the identity rule compares it with the
 * device's address, which the scan reads from NetworkManager's device. */
static void
test_mac_bound(gpointer *fixture, gconstpointer data)
{
    g_autofree char *name = define("<interface type='ethernet' name='eth1'>\n"
                                   "  <start mode='none'/>\n"
                                   "  <protocol family='ipv4'><ip address='192.0.2.5' "
                                   "prefix='24'/></protocol>\n"
                                   "</interface>\n");
    g_autofree char *mac_text = NULL;
    g_autofree char *bound_ifname = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;

    g_assert_true(g_file_get_contents("/sys/class/net/eth1/address", &mac_text, NULL, NULL));
    g_strstrip(mac_text);
    run_quiet("nmcli", "connection", "add", "type", "ethernet", "con-name", "macbound", "ifname",
              "*", "ethernet.mac-address", mac_text, "autoconnect", "no",
              "connection.autoconnect-priority", "-10");
    bound_ifname =
        run("nmcli", "-g", "connection.interface-name", "connection", "show", "macbound");
    g_assert_cmpstr(bound_ifname, ==, "");
    assert_scan_equal(name);

    /* now the MAC-bound profile is the interface; it has no name, which the
     * XML needs: NmvirtClient says so, the scan leaves it to say */
    run_quiet("nmcli", "connection", "modify", "macbound", "connection.autoconnect-priority", "10");
    {
        g_autoptr(NmvirtClient) client = client_new();

        xml = nmvirt_client_get_xml(client, name, NMVIRT_XML_FLAGS_NONE, &error);
        g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_PROFILE);
        g_assert_null(xml);
    }
    assert_scan_declines(name);
}

/* Ports and parents named by UUID, as nmcli writes them. */
static void
test_uuid_references(gpointer *fixture, gconstpointer data)
{
    g_autofree char *bridge = define("<interface type='bridge' name='bru0'>\n"
                                     "  <start mode='none'/>\n"
                                     "  <bridge stp='off'/>\n"
                                     "</interface>\n");
    g_autofree char *nic = define("<interface type='ethernet' name='eth3'>\n"
                                  "  <start mode='none'/>\n"
                                  "</interface>\n");
    g_autofree char *bridge_uuid = uuid_of("bru0");
    g_autofree char *nic_uuid = uuid_of("eth3");
    g_autofree char *master = NULL;
    g_autofree char *parent = NULL;

    run_quiet("nmcli", "connection", "add", "type", "ethernet", "con-name", "port-eth2", "ifname",
              "eth2", "master", bridge_uuid, "slave-type", "bridge", "autoconnect", "no");
    run_quiet("nmcli", "connection", "add", "type", "vlan", "con-name", "vl7", "ifname", "vl7",
              "dev", nic_uuid, "id", "7", "autoconnect", "no", "ipv4.method", "disabled",
              "ipv6.method", "ignore");
    master = run("nmcli", "-g", "connection.master", "connection", "show", "port-eth2");
    parent = run("nmcli", "-g", "vlan.parent", "connection", "show", "vl7");
    g_assert_cmpstr(master, ==, bridge_uuid);
    g_assert_cmpstr(parent, ==, nic_uuid);
    assert_scan_equal(bridge);
    assert_scan_equal("vl7");
    assert_scan_equal(nic);
}

/* NetworkManager generates a profile for the loopback, which NmvirtClient
 * does not count as an interface; a missing one is none either. */
static void
test_declines(gpointer *fixture, gconstpointer data)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *generated =
        run("nmcli", "-g", "connection.interface-name", "connection", "show", "lo");

    g_assert_cmpstr(generated, ==, "lo");
    assert_scan_declines("lo");
    xml = nmvirt_client_get_xml(client, "lo", NMVIRT_XML_FLAGS_NONE, &error);
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_NOT_FOUND);
    assert_scan_declines("nosuch0");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (g_getenv("NMVIRT_SANDBOX") == NULL) {
        g_printerr("test-settings-scan: run me inside nmvirt-sandbox\n");
        return 1;
    }
#define ADD(path, func) g_test_add(path, gpointer, NULL, fixture_setup, func, fixture_teardown)
    ADD("/nmvirt/settings-scan/documents", test_documents);
    ADD("/nmvirt/settings-scan/active", test_active);
    ADD("/nmvirt/settings-scan/competing", test_competing);
    ADD("/nmvirt/settings-scan/mac-bound", test_mac_bound);
    ADD("/nmvirt/settings-scan/uuid-references", test_uuid_references);
    ADD("/nmvirt/settings-scan/declines", test_declines);
    return g_test_run();
}
