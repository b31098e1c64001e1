/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Living beside nmcli, and the bridge/unbridge verbs, against a real
 * NetworkManager. Runs INSIDE nmvirt-sandbox (see meson.build here):
 *
 *   nmvirt-sandbox --ns --dhcp --nics 4 -- build/tests/integration/test-bridge
 *
 * NMVIRT names the nmvirt command: the CLI cases run it as a user would.
 * Profiles "from another tool" are made with plain nmcli. Checks go
 * through nmcli, ip, the keyfiles and a fresh libnm client, never only
 * through nmvirt itself. Every test starts and ends with no profiles but
 * NetworkManager's generated ones.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "nmvirt-error.h"
#include "nmvirt-test-daemon.h"
#include "nmvirt-test-util.h"

#define run           nmvirt_test_run
#define snapshot      nmvirt_test_daemon_snapshot
#define profile_dump  nmvirt_test_daemon_profile_dump
#define nmcli_field   nmvirt_test_daemon_nmcli_field
#define uuid_of       nmvirt_test_daemon_uuid_of
#define user_data     nmvirt_test_daemon_user_data
#define client_new    nmvirt_test_daemon_client_new
#define get_profile   nmvirt_test_daemon_get_profile
#define set_user_data nmvirt_test_daemon_set_user_data

/* Helpers ---------------------------------------------------------------- */

/* Runs nmvirt with the arguments; asserts exit 0 and returns stdout. */
#define cli(...) run(g_getenv("NMVIRT"), __VA_ARGS__)

/* Runs nmvirt; asserts exit 1, nothing on stdout and @fragment on stderr. */
static void
cli_fails_argv(const char *fragment, const char *const *args)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status = 0;

    g_ptr_array_add(argv, (gpointer)g_getenv("NMVIRT"));
    for (guint i = 0; args[i] != NULL; i++)
        g_ptr_array_add(argv, (gpointer)args[i]);
    g_ptr_array_add(argv, NULL);
    out = nmvirt_test_daemon_run_argv((const char *const *)argv->pdata, TRUE, &status, &err);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 1);
    g_assert_cmpstr(out, ==, "");
    if (strstr(err, fragment) == NULL)
        g_error("stderr '%s' lacks '%s'", err, fragment);
}
#define cli_fails(fragment, ...)                                                                   \
    cli_fails_argv((fragment), (const char *const[]){ __VA_ARGS__, NULL })

/* The command fails (a device or profile that is not there). */
#define assert_fails(...) g_assert_false(nmvirt_test_run_ok(__VA_ARGS__))

static void
assert_contains(const char *text, const char *fragment)
{
    if (strstr(text, fragment) == NULL)
        g_error("'%s' lacks '%s'", text, fragment);
}

static void
assert_field(const char *profile, const char *field, const char *expected)
{
    g_autofree char *value = nmcli_field(field, profile);

    if (g_strcmp0(value, expected) != 0)
        g_error("%s of %s is '%s', expected '%s'", field, profile, value, expected);
}

/* Writes @xml to a file in the sandbox's TMPDIR; returns its path. */
static char *
write_doc(const char *name, const char *xml)
{
    g_autofree char *path = g_build_filename(g_get_tmp_dir(), name, NULL);
    g_autoptr(GError) error = NULL;

    g_assert_true(g_file_set_contents(path, xml, -1, &error));
    g_assert_no_error(error);
    return g_steal_pointer(&path);
}

static void
assert_dumpxml(const char *iface, const char *expected)
{
    g_autofree char *xml = cli("dumpxml", "--inactive", iface);

    nmvirt_test_assert_xml_equal(expected, xml);
}

static char *
keyfile_of(const char *uuid)
{
    g_autoptr(NmvirtClient) client = client_new();
    NMRemoteConnection *profile =
        nm_client_get_connection_by_uuid(nmvirt_client_get_nm_client(client), uuid);
    g_autofree char *contents = NULL;

    g_assert_nonnull(profile);
    g_assert_true(
        g_file_get_contents(nm_remote_connection_get_filename(profile), &contents, NULL, NULL));
    return g_steal_pointer(&contents);
}

/* The 802.1X password of profile @uuid as nmcli -s shows it, and the
 * keyfile's: both must be @expected. Right after a profile is added,
 * NetworkManager has (under load, with the keyfile already written)
 * answered nmcli's secrets request with nothing: nmcli gets up to 5 s. */
static void
assert_password(const char *uuid, const char *expected)
{
    const char *const argv[] = { "nmcli",      "-s",   "-g", "802-1x.password",
                                 "connection", "show", uuid, NULL };
    g_autofree char *err = NULL;
    g_autofree char *out = NULL;
    g_autofree char *line = g_strdup_printf("password=%s\n", expected);
    g_autofree char *keyfile = keyfile_of(uuid);

    for (int i = 0; i < 50; i++) {
        g_clear_pointer(&err, g_free);
        g_free(out);
        out = nmvirt_test_daemon_run_argv(argv, FALSE, NULL, &err);
        if (g_strcmp0(g_strstrip(out), expected) == 0)
            break;
        g_usleep(100 * 1000);
    }

    if (strstr(keyfile, line) == NULL || g_strcmp0(g_strstrip(out), expected) != 0)
        g_error("802-1x.password of %s: nmcli says '%s' (stderr '%s'), the keyfile:\n%s", uuid, out,
                err, keyfile);
}

/* The number of profiles with connection.interface-name @iface. */
static guint
count_profiles_of(const char *iface)
{
    g_autofree char *all = run("nmcli", "-g", "UUID", "connection", "show");
    g_auto(GStrv) uuids = g_strsplit(g_strstrip(all), "\n", -1);
    guint count = 0;

    for (guint i = 0; uuids[i] != NULL; i++) {
        g_autofree char *name = nmcli_field("connection.interface-name", uuids[i]);

        count += g_strcmp0(name, iface) == 0;
    }
    return count;
}

/* Waits up to 10 s for a command to succeed (NetworkManager removing a
 * device, or DAD finishing, happens a moment after the verb returns). */
static gboolean
eventually(const char *const *argv, const char *fragment)
{
    for (guint i = 0; i < 100; i++) {
        int status = 0;
        g_autofree char *out = nmvirt_test_daemon_run_argv(argv, TRUE, &status, NULL);

        if (g_spawn_check_wait_status(status, NULL) == (fragment != NULL) &&
            (fragment == NULL || strstr(out, fragment) != NULL))
            return TRUE;
        g_usleep(100 * 1000);
    }
    return FALSE;
}

/* Coexistence ------------------------------------------------------------ */

/* A profile made with nmcli, with settings the XML has no words for,
 * redefined through nmvirt with another address: it keeps its UUID, its
 * 802.1X settings (secret included), DNS search, firewall zone and another
 * tool's user data. */
static void
test_coexist_redefine(gpointer *fixture, gconstpointer data)
{
    const char *xml = "<interface type='ethernet' name='eth0'>\n"
                      "  <start mode='onboot'/>\n"
                      "  <protocol family='ipv4'>\n"
                      "    <ip address='192.0.2.6' prefix='24'/>\n"
                      "  </protocol>\n"
                      "</interface>\n";
    g_autofree char *path = write_doc("eth0.xml", xml);
    g_autofree char *uuid = NULL;
    g_autofree char *keyfile = NULL;
    g_autofree char *tag = NULL;
    g_autofree char *out = NULL;

    g_free(run("nmcli", "connection", "add", "type", "ethernet", "ifname", "eth0", "con-name",
               "office", "802-1x.eap", "peap", "802-1x.identity", "alice", "802-1x.password",
               "s3cret", "802-1x.phase2-auth", "mschapv2", "ipv4.method", "manual",
               "ipv4.addresses", "192.0.2.5/24", "ipv4.dns-search", "example.com",
               "connection.zone", "work"));
    uuid = uuid_of("office");
    set_user_data(uuid, "org.example.tool.tag", "kept");
    /* the preconditions hold before nmvirt comes in */
    assert_password(uuid, "s3cret");

    out = cli("define", path);
    assert_contains(out, "Interface eth0 defined");

    /* one profile for eth0, the same one */
    g_assert_cmpuint(count_profiles_of("eth0"), ==, 1);
    assert_field("office", "connection.uuid", uuid);
    assert_field(uuid, "ipv4.addresses", "192.0.2.6/24");
    assert_field(uuid, "802-1x.eap", "peap");
    assert_field(uuid, "802-1x.identity", "alice");
    assert_field(uuid, "802-1x.phase2-auth", "mschapv2");
    assert_field(uuid, "ipv4.dns-search", "example.com");
    assert_field(uuid, "connection.zone", "work");
    assert_password(uuid, "s3cret");
    tag = user_data(uuid, "org.example.tool.tag");
    g_assert_cmpstr(tag, ==, "kept");
    /* and on disk */
    keyfile = keyfile_of(uuid);
    assert_contains(keyfile, "[802-1x]\n");
    assert_contains(keyfile, "eap=peap;\n");
    assert_contains(keyfile, "dns-search=example.com;\n");
    assert_contains(keyfile, "zone=work\n");
    assert_contains(keyfile, "org.example.tool.tag=kept\n");
    assert_contains(keyfile, "address1=192.0.2.6/24\n");
    assert_dumpxml("eth0", xml);
}

/* A hint stands for the XML's value only while NetworkManager's value is
 * the one it was recorded with: an edit in nmcli wins. */
static void
test_coexist_nmcli_edit(gpointer *fixture, gconstpointer data)
{
    const char *xml = "<interface type='bridge' name='br0'>\n"
                      "  <start mode='hotplug'/>\n"
                      "  <bridge stp='off' delay='0.01'>\n"
                      "    <interface type='ethernet' name='eth2'/>\n"
                      "  </bridge>\n"
                      "</interface>\n";
    const char *edited = "<interface type='bridge' name='br0'>\n"
                         "  <start mode='hotplug'/>\n"
                         "  <bridge stp='off' delay='10'>\n"
                         "    <interface type='ethernet' name='eth2'/>\n"
                         "  </bridge>\n"
                         "</interface>\n";
    const char *edited_again = "<interface type='bridge' name='br0'>\n"
                               "  <start mode='none'/>\n"
                               "  <bridge stp='off' delay='10'>\n"
                               "    <interface type='ethernet' name='eth2'/>\n"
                               "  </bridge>\n"
                               "</interface>\n";
    g_autofree char *path = write_doc("br0.xml", xml);
    g_autofree char *uuid = NULL;
    g_autofree char *hint = NULL;

    g_free(cli("define", path));
    uuid = uuid_of("br0");
    assert_dumpxml("br0", xml);
    hint = user_data(uuid, "nmvirt.hint.bridge-delay");
    g_assert_cmpstr(hint, ==, "0.01");

    g_free(run("nmcli", "connection", "modify", "br0", "bridge.forward-delay", "10"));
    assert_dumpxml("br0", edited);
    g_free(run("nmcli", "connection", "modify", "br0", "connection.autoconnect", "no"));
    assert_dumpxml("br0", edited_again);
}

/* nmvirt changes no profile that is not bound to a device the document
 * names: define, start, stop, undefine, bridge and unbridge leave every
 * other profile as it was, byte for byte (settings, storage, keyfile), a
 * VLAN on a named NIC included. */
static void
test_coexist_others_untouched(gpointer *fixture, gconstpointer data)
{
    const char *xml = "<interface type='bridge' name='br0'>\n"
                      "  <start mode='none'/>\n"
                      "  <protocol family='ipv4'>\n"
                      "    <ip address='192.0.2.1' prefix='24'/>\n"
                      "  </protocol>\n"
                      "  <bridge stp='off'>\n"
                      "    <interface type='ethernet' name='eth0'/>\n"
                      "    <interface type='ethernet' name='eth1'/>\n"
                      "  </bridge>\n"
                      "</interface>\n";
    g_autofree char *path = write_doc("br0.xml", xml);
    g_autofree char *eth2_mac = g_strstrip(run("cat", "/sys/class/net/eth2/address"));
    const char *const others[] = {
        "eth2-static",   "eth3-8021x", "wifi-home", "br9",
        "br9-port-eth3", "vlan100",    "by-mac",    "eth2-temp",
    };
    g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *eth0_own = NULL;
    g_autofree char *eth1_other = NULL;
    g_autofree char *suspended = NULL;

    /* other devices, other types, in memory only */
    g_free(run("nmcli", "connection", "add", "type", "ethernet", "ifname", "eth2", "con-name",
               "eth2-static", "ipv4.method", "manual", "ipv4.addresses", "198.51.100.2/24",
               "ipv4.dns-search", "lab.example"));
    g_free(run("nmcli", "connection", "add", "type", "ethernet", "ifname", "eth3", "con-name",
               "eth3-8021x", "802-1x.eap", "md5", "802-1x.identity", "bob", "802-1x.password", "pw",
               "connection.zone", "public"));
    g_free(run("nmcli", "connection", "add", "type", "wifi", "ifname", "wlan0", "con-name",
               "wifi-home", "ssid", "home"));
    g_free(run("nmcli", "connection", "add", "type", "bridge", "ifname", "br9", "con-name", "br9",
               "ipv4.method", "disabled", "ipv6.method", "ignore"));
    g_free(run("nmcli", "connection", "add", "type", "ethernet", "ifname", "eth3", "con-name",
               "br9-port-eth3", "master", "br9", "slave-type", "bridge"));
    g_free(run("nmcli", "connection", "add", "type", "vlan", "dev", "eth0", "id", "100", "con-name",
               "vlan100", "ipv4.method", "disabled", "ipv6.method", "ignore"));
    g_free(run("nmcli", "connection", "add", "type", "ethernet", "mac", eth2_mac, "con-name",
               "by-mac"));
    g_free(run("nmcli", "connection", "add", "save", "no", "type", "ethernet", "ifname", "eth2",
               "con-name", "eth2-temp"));
    /* and profiles of the devices the document names */
    g_free(run("nmcli", "connection", "add", "type", "ethernet", "ifname", "eth0", "con-name",
               "eth0-own"));
    g_free(run("nmcli", "connection", "add", "type", "ethernet", "ifname", "eth1", "con-name",
               "eth1-other", "connection.autoconnect-priority", "-5"));
    g_free(run("nmcli", "connection", "add", "type", "ethernet", "ifname", "eth1", "con-name",
               "eth1-own", "connection.autoconnect-priority", "5"));
    for (guint i = 0; i < G_N_ELEMENTS(others); i++) {
        g_ptr_array_add(uuids, uuid_of(others[i]));
        g_ptr_array_add(before, profile_dump(g_ptr_array_index(uuids, i), FALSE));
        g_assert_cmpstr(g_ptr_array_index(before, i), !=, "");
    }
    /* eth2-temp lives in /run only, and stays there */
    assert_contains(g_ptr_array_index(before, G_N_ELEMENTS(others) - 1), "unsaved=1");
    eth0_own = uuid_of("eth0-own");
    eth1_other = uuid_of("eth1-other");

    g_free(cli("define", path));
    /* the named devices' profiles did change: taken over, or suspended */
    assert_field(eth0_own, "connection.master", "br0");
    assert_field(eth1_other, "connection.autoconnect", "no");
    suspended = user_data(eth1_other, "nmvirt.suspended-by");
    g_assert_cmpstr(suspended, ==, "br0");
    g_free(cli("start", "br0"));
    g_free(cli("stop", "br0"));
    g_free(cli("undefine", "br0"));
    assert_field(eth1_other, "connection.autoconnect", "yes");
    /* bridge and unbridge too, started */
    g_free(run("nmcli", "connection", "add", "type", "ethernet", "ifname", "eth0", "con-name",
               "eth0-again", "ipv4.method", "manual", "ipv4.addresses", "192.0.2.40/24"));
    g_free(cli("bridge", "eth0", "br5"));
    g_free(cli("unbridge", "br5"));

    for (guint i = 0; i < G_N_ELEMENTS(others); i++) {
        g_autofree char *after = profile_dump(g_ptr_array_index(uuids, i), FALSE);

        g_test_message("%s unchanged", others[i]);
        nmvirt_test_daemon_assert_same(g_ptr_array_index(before, i), after);
    }
}

/* bridge and unbridge ----------------------------------------------------- */

static const char br1_expected[] = "<interface type='bridge' name='br1'>\n"
                                   "  <start mode='onboot'/>\n"
                                   "  <protocol family='ipv4'>\n"
                                   "    <ip address='192.0.2.10' prefix='24'/>\n"
                                   "    <ip address='192.0.2.11' prefix='24'/>\n"
                                   "    <route gateway='192.0.2.1'/>\n"
                                   "  </protocol>\n"
                                   "  <protocol family='ipv6'>\n"
                                   "    <ip address='2001:db8:5::10' prefix='64'/>\n"
                                   "  </protocol>\n"
                                   "  <bridge stp='on' delay='0'>\n"
                                   "    <interface type='ethernet' name='eth1'/>\n"
                                   "  </bridge>\n"
                                   "</interface>\n";

/* eth1 as another tool configures it: static addresses, gateway, DNS,
 * search domain, a route, IPv6, a firewall zone. Returns its UUID. */
static char *
add_eth1_static(void)
{
    g_free(run("nmcli", "connection", "add", "type", "ethernet", "ifname", "eth1", "con-name",
               "eth1", "ipv4.method", "manual", "ipv4.addresses", "192.0.2.10/24,192.0.2.11/24",
               "ipv4.gateway", "192.0.2.1", "ipv4.dns", "192.0.2.53", "ipv4.dns-search",
               "example.com", "ipv4.routes", "198.51.100.0/24 192.0.2.254", "ipv6.method", "manual",
               "ipv6.addresses", "2001:db8:5::10/64", "connection.zone", "work"));
    return uuid_of("eth1");
}

static void
assert_same_profile(NMConnection *before, const char *uuid)
{
    g_autoptr(NMConnection) after = get_profile(uuid);
    g_autoptr(GHashTable) diffs = NULL;

    g_assert_nonnull(after);
    if (!nm_connection_diff(
            before, after, NM_SETTING_COMPARE_FLAG_EXACT | NM_SETTING_COMPARE_FLAG_IGNORE_TIMESTAMP,
            &diffs)) {
        GHashTableIter iter;
        const char *setting = NULL;

        g_hash_table_iter_init(&iter, diffs);
        while (g_hash_table_iter_next(&iter, (gpointer *)&setting, NULL))
            g_test_message("setting %s differs", setting);
        nm_connection_dump(before);
        nm_connection_dump(after);
        g_error("profile %s differs after the round trip", uuid);
    }
}

/* The case, through the command line, with everything started:
 * bridge eth1 br1 moves eth1's IP configuration onto br1 and makes eth1's
 * profile its port; unbridge br1 gives back eth1's profile unchanged. */
static void
test_bridge_round_trip(gpointer *fixture, gconstpointer data)
{
    g_autofree char *uuid = add_eth1_static();
    g_autoptr(NMConnection) before = NULL;
    g_autofree char *before_dump = NULL;
    g_autofree char *after_dump = NULL;
    g_autofree char *out = NULL;
    g_autofree char *br1 = NULL;
    g_autofree char *list = NULL;

    g_free(run("nmcli", "connection", "up", "eth1"));
    before = get_profile(uuid);
    before_dump = profile_dump(uuid, TRUE);

    out = cli("bridge", "eth1", "br1");
    assert_contains(out, "Created bridge br1 with attached device eth1");
    assert_contains(out, "Bridge interface br1 started");

    /* nmcli: eth1's profile is br1's port, br1 carries the IP configuration */
    assert_field(uuid, "connection.id", "eth1");
    assert_field(uuid, "connection.master", "br1");
    assert_field(uuid, "connection.slave-type", "bridge");
    br1 = uuid_of("br1");
    assert_field(br1, "connection.type", "bridge");
    assert_field(br1, "ipv4.method", "manual");
    assert_field(br1, "ipv4.addresses", "192.0.2.10/24, 192.0.2.11/24");
    assert_field(br1, "ipv4.gateway", "192.0.2.1");
    assert_field(br1, "ipv4.dns", "192.0.2.53");
    assert_field(br1, "ipv4.dns-search", "example.com");
    assert_field(br1, "ipv4.routes", "198.51.100.0/24 192.0.2.254");
    /* nmcli -g escapes the colons */
    assert_field(br1, "ipv6.addresses", "2001\\:db8\\:5\\:\\:10/64");
    assert_field(br1, "connection.zone", "work");
    assert_field(br1, "bridge.stp", "yes");
    {
        g_autofree char *keyfile = keyfile_of(uuid);

        g_assert_null(strstr(keyfile, "[ipv4]"));
    }
    /* the kernel: eth1 in br1, the addresses and the route on br1 */
    g_assert_true(eventually(
        (const char *const[]){ "ip", "-o", "link", "show", "master", "br1", NULL }, "eth1"));
    g_assert_true(eventually(
        (const char *const[]){ "ip", "-br", "addr", "show", "dev", "br1", NULL }, "192.0.2.11/24"));
    g_clear_pointer(&out, g_free);
    out = run("ip", "-br", "addr", "show", "dev", "br1");
    assert_contains(out, "192.0.2.10/24");
    assert_contains(out, "2001:db8:5::10/64");
    g_clear_pointer(&out, g_free);
    out = run("ip", "-br", "addr", "show", "dev", "eth1");
    g_assert_null(strstr(out, "192.0.2.10"));
    g_clear_pointer(&out, g_free);
    out = run("ip", "route", "show", "dev", "br1");
    assert_contains(out, "198.51.100.0/24 via 192.0.2.254");
    assert_contains(out, "default via 192.0.2.1");
    /* nmvirt: br1 is an active interface, eth1 no longer one */
    list = cli("list", "--name-only");
    g_assert_cmpstr(list, ==, "br1\n");
    assert_dumpxml("br1", br1_expected);

    g_clear_pointer(&out, g_free);
    out = cli("unbridge", "br1");
    assert_contains(out, "Device eth1 un-attached from bridge br1");
    assert_contains(out, "Interface eth1 started");

    /* the same profile, equal settings, the same keyfile */
    assert_same_profile(before, uuid);
    after_dump = profile_dump(uuid, TRUE);
    nmvirt_test_daemon_assert_same(before_dump, after_dump);
    assert_fails("nmcli", "connection", "show", br1);
    g_assert_true(
        eventually((const char *const[]){ "ip", "link", "show", "dev", "br1", NULL }, NULL));
    g_clear_pointer(&out, g_free);
    out = run("ip", "-br", "addr", "show", "dev", "eth1");
    assert_contains(out, "192.0.2.10/24");
    g_clear_pointer(&list, g_free);
    list = cli("list", "--name-only");
    g_assert_cmpstr(list, ==, "eth1\n");
}

/* A profile nmvirt made (with hints: hotplug, an address without prefix,
 * IPv6 autoconf with DHCP), with foreign settings too, through the library
 * and without starting: the bridge reads back with the same hints, and
 * unbridge gives the very same profile back, user data included. */
static void
test_bridge_hints(gpointer *fixture, gconstpointer data)
{
    const char *xml = "<interface type='ethernet' name='eth2'>\n"
                      "  <start mode='hotplug'/>\n"
                      "  <mtu size='1400'/>\n"
                      "  <protocol family='ipv4'>\n"
                      "    <ip address='10.1.2.3'/>\n"
                      "  </protocol>\n"
                      "  <protocol family='ipv6'>\n"
                      "    <autoconf/>\n"
                      "    <dhcp/>\n"
                      "  </protocol>\n"
                      "</interface>\n";
    const char *bridged = "<interface type='bridge' name='br2'>\n"
                          "  <start mode='hotplug'/>\n"
                          "  <mtu size='1400'/>\n"
                          "  <protocol family='ipv4'>\n"
                          "    <ip address='10.1.2.3'/>\n"
                          "  </protocol>\n"
                          "  <protocol family='ipv6'>\n"
                          "    <autoconf/>\n"
                          "    <dhcp/>\n"
                          "  </protocol>\n"
                          "  <bridge stp='off' delay='5.5'>\n"
                          "    <interface type='ethernet' name='eth2'/>\n"
                          "  </bridge>\n"
                          "</interface>\n";
    g_autoptr(NmvirtClient) client = client_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *name = NULL;
    g_autofree char *uuid = NULL;
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    g_autofree char *saved = NULL;
    g_autofree char *saved_hint = NULL;
    g_autofree char *interface = NULL;
    g_autoptr(NMConnection) profile = NULL;

    name = nmvirt_client_define(client, xml, NULL, &error);
    g_assert_no_error(error);
    uuid = uuid_of("eth2");
    g_free(run("nmcli", "connection", "modify", uuid, "ipv4.dns-search", "lab.example",
               "connection.zone", "internal"));
    set_user_data(uuid, "org.example.tool.tag", "kept");
    before = profile_dump(uuid, FALSE);
    profile = get_profile(uuid);

    g_assert_true(nmvirt_client_bridge(client, "eth2", "br2",
                                       NMVIRT_BRIDGE_FLAGS_NO_STP | NMVIRT_BRIDGE_FLAGS_NO_START,
                                       5.5, NULL, &error));
    g_assert_no_error(error);
    assert_dumpxml("br2", bridged);
    assert_field("br2", "ipv4.dns-search", "lab.example");
    assert_field("br2", "connection.zone", "internal");
    assert_field("br2", "bridge.forward-delay", "6");
    /* nothing started */
    assert_fails("ip", "link", "show", "dev", "br2");
    /* the port remembers its own nmvirt user data */
    saved = user_data(uuid, "nmvirt.unbridge");
    g_assert_cmpstr(saved, ==, "br2");
    saved_hint = user_data(uuid, "nmvirt.unbridge.hint.start");
    g_assert_cmpstr(saved_hint, ==, "hotplug");
    interface = user_data(uuid, "nmvirt.interface");
    g_assert_cmpstr(interface, ==, "br2");

    g_clear_pointer(&name, g_free);
    name = nmvirt_client_unbridge(client, "br2", NMVIRT_BRIDGE_FLAGS_NO_START, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(name, ==, "eth2");
    after = profile_dump(uuid, FALSE);
    nmvirt_test_daemon_assert_same(before, after);
    assert_same_profile(profile, uuid);
    assert_dumpxml("eth2", xml);
    assert_fails("nmcli", "connection", "show", "br2");
}

/* A bond as the port: its members follow, and come back as they were. */
static void
test_bridge_bond(gpointer *fixture, gconstpointer data)
{
    const char *xml = "<interface type='bond' name='bond0'>\n"
                      "  <start mode='none'/>\n"
                      "  <protocol family='ipv4'>\n"
                      "    <ip address='192.0.2.20' prefix='24'/>\n"
                      "  </protocol>\n"
                      "  <bond mode='active-backup'>\n"
                      "    <miimon freq='100'/>\n"
                      "    <interface type='ethernet' name='eth2'/>\n"
                      "    <interface type='ethernet' name='eth3'/>\n"
                      "  </bond>\n"
                      "</interface>\n";
    const char *bridged = "<interface type='bridge' name='br3'>\n"
                          "  <start mode='none'/>\n"
                          "  <protocol family='ipv4'>\n"
                          "    <ip address='192.0.2.20' prefix='24'/>\n"
                          "  </protocol>\n"
                          "  <bridge stp='on' delay='4'>\n"
                          "    <interface type='bond' name='bond0'>\n"
                          "      <bond mode='active-backup'>\n"
                          "        <miimon freq='100'/>\n"
                          "        <interface type='ethernet' name='eth2'/>\n"
                          "        <interface type='ethernet' name='eth3'/>\n"
                          "      </bond>\n"
                          "    </interface>\n"
                          "  </bridge>\n"
                          "</interface>\n";
    g_autoptr(NmvirtClient) client = client_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *name = NULL;
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;

    name = nmvirt_client_define(client, xml, NULL, &error);
    g_assert_no_error(error);
    before = snapshot(FALSE);
    g_assert_true(nmvirt_client_bridge(client, "bond0", "br3", NMVIRT_BRIDGE_FLAGS_NO_START, 4,
                                       NULL, &error));
    g_assert_no_error(error);
    assert_dumpxml("br3", bridged);
    assert_field("bond0", "connection.master", "br3");
    g_clear_pointer(&name, g_free);
    name = nmvirt_client_unbridge(client, "br3", NMVIRT_BRIDGE_FLAGS_NO_START, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(name, ==, "bond0");
    after = snapshot(FALSE);
    nmvirt_test_daemon_assert_same(before, after);
}

static void
assert_bridge_fails(NmvirtClient *client, const char *iface, const char *bridge, int code,
                    const char *fragment)
{
    g_autofree char *before = snapshot(FALSE);
    g_autofree char *after = NULL;
    g_autoptr(GError) error = NULL;

    g_assert_false(
        nmvirt_client_bridge(client, iface, bridge, NMVIRT_BRIDGE_FLAGS_NONE, -1, NULL, &error));
    g_assert_error(error, NMVIRT_ERROR, code);
    assert_contains(error->message, fragment);
    after = snapshot(FALSE);
    nmvirt_test_daemon_assert_same(before, after);
}

static void
assert_unbridge_fails(NmvirtClient *client, const char *bridge, int code, const char *fragment)
{
    g_autofree char *before = snapshot(FALSE);
    g_autofree char *after = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *name =
        nmvirt_client_unbridge(client, bridge, NMVIRT_BRIDGE_FLAGS_NONE, NULL, &error);

    g_assert_null(name);
    g_assert_error(error, NMVIRT_ERROR, code);
    assert_contains(error->message, fragment);
    after = snapshot(FALSE);
    nmvirt_test_daemon_assert_same(before, after);
}

/* virsh's preconditions, each a clear error that changes nothing. */
static void
test_bridge_errors(gpointer *fixture, gconstpointer data)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autoptr(GError) error = NULL;

    g_free(nmvirt_client_define(client,
                                "<interface type='bridge' name='br0'><bridge stp='off'>"
                                "<interface type='ethernet' name='eth0'/>"
                                "<interface type='ethernet' name='eth1'/>"
                                "</bridge></interface>",
                                NULL, &error));
    g_assert_no_error(error);
    g_free(nmvirt_client_define(client,
                                "<interface type='ethernet' name='eth2'><protocol family='ipv4'>"
                                "<ip address='192.0.2.30' prefix='24'/></protocol></interface>",
                                NULL, &error));
    g_assert_no_error(error);

    assert_bridge_fails(client, "eth0", "br7", NMVIRT_ERROR_CONFLICT,
                        "interface 'eth0' is a port of 'br0'");
    assert_bridge_fails(client, "eth2", "br0", NMVIRT_ERROR_EXISTS,
                        "interface 'br0' exists already");
    assert_bridge_fails(client, "eth2", "eth3", NMVIRT_ERROR_EXISTS,
                        "a network device named 'eth3' exists already");
    assert_bridge_fails(client, "br0", "br7", NMVIRT_ERROR_UNSUPPORTED,
                        "interface 'br0' is a bridge already");
    assert_bridge_fails(client, "eth9", "br7", NMVIRT_ERROR_NOT_FOUND, "no interface named 'eth9'");
    assert_bridge_fails(client, "eth2", "br/7", NMVIRT_ERROR_INVALID_XML, "'br/7'");
    assert_unbridge_fails(client, "eth2", NMVIRT_ERROR_UNSUPPORTED,
                          "interface 'eth2' is not a bridge");
    assert_unbridge_fails(client, "br0", NMVIRT_ERROR_CONFLICT,
                          "bridge 'br0' has 2 ports (eth0, eth1); unbridge needs exactly one");
    assert_unbridge_fails(client, "nothere", NMVIRT_ERROR_NOT_FOUND,
                          "no interface named 'nothere'");
    /* a leftover port profile already names the new bridge as controller */
    g_free(run("nmcli", "connection", "add", "type", "ethernet", "ifname", "eth3", "con-name",
               "stale", "master", "br7", "slave-type", "bridge"));
    assert_bridge_fails(client, "eth2", "br7", NMVIRT_ERROR_EXISTS, "is a port of 'br7' already");

    /* the command line says the same, with exit code 1 */
    cli_fails("interface 'eth0' is a port of 'br0'", "bridge", "eth0", "br7");
    cli_fails("interface 'br0' exists already", "bridge", "eth2", "br0");
    cli_fails("interface 'eth2' is not a bridge", "unbridge", "eth2");
    cli_fails("has 2 ports", "unbridge", "br0");
    cli_fails("--delay needs a number of seconds", "bridge", "--delay", "-3", "eth2", "br7");

    /* a cancelled bridge writes nothing */
    {
        g_autoptr(GCancellable) cancellable = g_cancellable_new();
        g_autofree char *before = snapshot(FALSE);
        g_autofree char *after = NULL;

        g_cancellable_cancel(cancellable);
        g_assert_false(nmvirt_client_bridge(client, "eth2", "br7", NMVIRT_BRIDGE_FLAGS_NO_START, -1,
                                            cancellable, &error));
        g_assert_error(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
        g_clear_error(&error);
        after = snapshot(FALSE);
        nmvirt_test_daemon_assert_same(before, after);
    }
}

/* NMVIRT_TEST_FAIL_AFTER_WRITES=N: for every N, a failed bridge or
 * unbridge puts every profile back; an unbridge that stopped the bridge
 * starts it again. */
static void
test_bridge_restore(gpointer *fixture, gconstpointer data)
{
    g_autoptr(NmvirtClient) client = client_new();
    g_autofree char *uuid = add_eth1_static();
    g_autofree char *other = NULL;
    g_autofree char *before = NULL;
    g_autofree char *out = NULL;
    g_autofree char *suspended = NULL;
    guint n;

    /* a second profile of eth1: bridge suspends it, unbridge hands it over */
    g_free(run("nmcli", "connection", "add", "type", "ethernet", "ifname", "eth1", "con-name",
               "eth1-dhcp", "connection.autoconnect-priority", "-10"));
    other = uuid_of("eth1-dhcp");
    /* the journal's restore writes NetworkManager's timestamp into the
     * keyfile; nothing else may differ */
    before = snapshot(TRUE);
    for (n = 0;; n++) {
        g_autofree char *value = g_strdup_printf("%u", n);
        g_autoptr(GError) error = NULL;
        g_autofree char *after = NULL;

        g_setenv("NMVIRT_TEST_FAIL_AFTER_WRITES", value, TRUE);
        if (nmvirt_client_bridge(client, "eth1", "br1", NMVIRT_BRIDGE_FLAGS_NO_START, -1, NULL,
                                 &error))
            break;
        g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INTERNAL);
        assert_contains(error->message, "test hook");
        after = snapshot(TRUE);
        nmvirt_test_daemon_assert_same(before, after);
    }
    g_unsetenv("NMVIRT_TEST_FAIL_AFTER_WRITES");
    /* add br1, eth1 becomes the port, eth1-dhcp suspended */
    g_assert_cmpuint(n, ==, 3);
    suspended = user_data(other, "nmvirt.suspended-by");
    g_assert_cmpstr(suspended, ==, "br1");
    assert_field(uuid, "connection.master", "br1");

    /* unbridge of a running bridge that fails while writing */
    g_free(cli("start", "br1"));
    g_clear_pointer(&before, g_free);
    before = snapshot(TRUE);
    for (n = 0;; n++) {
        g_autofree char *value = g_strdup_printf("%u", n);
        g_autoptr(GError) error = NULL;
        g_autofree char *after = NULL;
        g_autofree char *name = NULL;
        gboolean active = FALSE;

        g_setenv("NMVIRT_TEST_FAIL_AFTER_WRITES", value, TRUE);
        name = nmvirt_client_unbridge(client, "br1", NMVIRT_BRIDGE_FLAGS_NO_START, NULL, &error);
        if (name != NULL)
            break;
        g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INTERNAL);
        g_clear_error(&error);
        after = snapshot(TRUE);
        nmvirt_test_daemon_assert_same(before, after);
        /* started again */
        g_assert_true(nmvirt_client_is_active(client, "br1", &active, &error));
        g_assert_true(active);
    }
    g_unsetenv("NMVIRT_TEST_FAIL_AFTER_WRITES");
    /* eth1 detached, eth1-dhcp now suspended for eth1, br1 deleted */
    g_assert_cmpuint(n, ==, 3);
    g_clear_pointer(&suspended, g_free);
    suspended = user_data(other, "nmvirt.suspended-by");
    g_assert_cmpstr(suspended, ==, "eth1");
    assert_field(uuid, "connection.master", "");
    /* --no-start: eth1 is not brought up */
    out = run("nmcli", "-g", "GENERAL.STATE", "device", "show", "eth1");
    g_assert_null(strstr(out, "(connected)"));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    nmvirt_test_daemon_require_sandbox();
    if (g_getenv("NMVIRT") == NULL)
        g_error("NMVIRT must name the nmvirt command (see tests/integration/meson.build)");

#define ADD(path, func) nmvirt_test_daemon_add_clean(path, func)
    ADD("/nmvirt/daemon/coexist/redefine-keeps-foreign", test_coexist_redefine);
    ADD("/nmvirt/daemon/coexist/nmcli-edit-beats-hint", test_coexist_nmcli_edit);
    ADD("/nmvirt/daemon/coexist/others-untouched", test_coexist_others_untouched);
    ADD("/nmvirt/daemon/bridge/round-trip", test_bridge_round_trip);
    ADD("/nmvirt/daemon/bridge/hints", test_bridge_hints);
    ADD("/nmvirt/daemon/bridge/bond", test_bridge_bond);
    ADD("/nmvirt/daemon/bridge/errors", test_bridge_errors);
    ADD("/nmvirt/daemon/bridge/restore", test_bridge_restore);
#undef ADD
    return g_test_run();
}
