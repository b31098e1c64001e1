/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * NmvirtClient::interface-changed against a real NetworkManager. Runs
 * INSIDE nmvirt-sandbox (see meson.build here):
 *
 *   nmvirt-sandbox --ns --nics 4 -- test-monitor -s /nmvirt/monitor/bond-carrier
 *   nmvirt-sandbox --vm --nics 2 -- test-monitor -p /nmvirt/monitor/bond-carrier
 *
 * The bond case needs the bonding driver, hence the VM. The client is made
 * with nmvirt_client_new_async() on the default main context, which the
 * test iterates (the synchronous calls iterate it too), so signals arrive
 * the way an application sees them. Each recorded event is checked for
 * order and kind, and its XML is parsed back and compared with the
 * kernel's state. In the bond case `nmvirt monitor bond0` ($NMVIRT) runs
 * beside, and its output is checked too (the VM boots once for both).
 * Outside a sandbox the program fails: it never skips.
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <NetworkManager.h>

#include "nmvirt-client.h"
#include "nmvirt-enum-types.h"
#include "nmvirt-error.h"
#include "nmvirt-iface-def.h"
#include "nmvirt-test-daemon.h"
#include "nmvirt-test-util.h"
#include "nmvirt-xml.h"

/* Waits for one expected event; the window is 200 ms, NetworkManager
 * needs a few seconds for an activation in the VM. */
#define TEST_EVENT_TIMEOUT_MS 30000

typedef struct {
    char *name;
    NmvirtInterfaceEvent event;
    char *xml;
} TestEvent;

static NmvirtClient *test_client;
static GPtrArray *test_events; /* (element-type TestEvent) */
static guint test_cursor;      /* events before it are checked */

/* ---- helpers ---------------------------------------------------------------- */

#define test_sysfs          nmvirt_test_daemon_sysfs
#define test_parse(xml)     nmvirt_test_parse((xml), "event")
#define test_define(xml)    g_free(nmvirt_test_daemon_define(test_client, (xml)))
#define test_undefine(name) nmvirt_test_daemon_undefine(test_client, (name))

static void
test_event_free(gpointer data)
{
    TestEvent *event = data;

    g_free(event->name);
    g_free(event->xml);
    g_free(event);
}

static const char *
test_event_word(NmvirtInterfaceEvent event)
{
    g_autoptr(GEnumClass) klass = g_type_class_ref(NMVIRT_TYPE_INTERFACE_EVENT);
    GEnumValue *value = g_enum_get_value(klass, event);

    return value != NULL ? value->value_nick : "?";
}

static void
test_changed_cb(NmvirtClient *client, const char *name, NmvirtInterfaceEvent event, const char *xml,
                gpointer user_data)
{
    TestEvent *entry = g_new0(TestEvent, 1);

    g_assert_true(client == test_client);
    g_assert_nonnull(name);
    /* only an undefined interface has no XML */
    g_assert_true((xml == NULL) == (event == NMVIRT_INTERFACE_EVENT_UNDEFINED));
    entry->name = g_strdup(name);
    entry->event = event;
    entry->xml = g_strdup(xml);
    g_test_message("event %u: %s %s\n%s", test_events->len, name, test_event_word(event),
                   xml != NULL ? xml : "");
    g_ptr_array_add(test_events, entry);
}

static gboolean
test_timeout_cb(gpointer user_data)
{
    gboolean *expired = user_data;

    *expired = TRUE;
    return G_SOURCE_REMOVE;
}

/* Iterates the default context for @ms. */
static void
test_iterate(guint ms)
{
    gboolean expired = FALSE;
    g_timeout_add(ms, test_timeout_cb, &expired);
    while (!expired)
        g_main_context_iteration(NULL, TRUE);
}

/* Sets the peer of NIC ethK (peerK in the sandbox's peer namespace) up or
 * down: ethK's carrier follows. */
static void
test_peer_set(guint nic, gboolean up)
{
    const char *netns = g_getenv("NMVIRT_SANDBOX_PEER_NETNS");
    g_autofree char *peer = g_strdup_printf("peer%u", nic);

    g_assert_nonnull(netns);
    g_free(nmvirt_test_run("ip", "-n", netns, "link", "set", peer, up ? "up" : "down"));
}

/* A check of an event's XML (parsed). */
typedef gboolean (*TestCheck)(const NmvirtIfaceDef *def);

/*
 * Waits until an event @kind for @name arrives whose XML passes @check
 * (when given), and moves the cursor past it. Every event before it since
 * the cursor must be for @name and of a kind in @allowed (a bit mask of
 * 1 << NmvirtInterfaceEvent). Returns the event.
 */
static const TestEvent *
test_expect(const char *name, NmvirtInterfaceEvent kind, guint allowed, TestCheck check)
{
    gint64 deadline = g_get_monotonic_time() + TEST_EVENT_TIMEOUT_MS * 1000;

    for (;;) {
        while (test_cursor < test_events->len) {
            const TestEvent *event = g_ptr_array_index(test_events, test_cursor++);
            g_autoptr(NmvirtIfaceDef) def = NULL;

            g_assert_cmpstr(event->name, ==, name);
            if (event->event == kind) {
                if (event->xml != NULL)
                    def = test_parse(event->xml);
                if (check == NULL || check(def))
                    return event;
            }
            if ((allowed & (1u << event->event)) == 0)
                g_error("event %u: %s %s, expected %s", test_cursor - 1, event->name,
                        test_event_word(event->event), test_event_word(kind));
        }
        if (g_get_monotonic_time() > deadline)
            g_error("no event %s %s within %u ms", name, test_event_word(kind),
                    TEST_EVENT_TIMEOUT_MS);
        test_iterate(50);
    }
}

/* Nothing is emitted for @ms. */
static void
test_expect_quiet(guint ms)
{
    test_iterate(ms);
    if (test_cursor < test_events->len) {
        const TestEvent *event = g_ptr_array_index(test_events, test_cursor);

        g_error("unexpected event %s %s", event->name, test_event_word(event->event));
    }
}

static char *
test_config_xml(const char *name)
{
    g_autoptr(GError) error = NULL;
    char *xml = nmvirt_client_get_xml(test_client, name, NMVIRT_XML_FLAGS_INACTIVE, &error);

    g_assert_no_error(error);
    return xml;
}

/* A member of the live document: a MAC (not compared with the kernel's,
 * which a bond changes while the member is its own and gives back later),
 * and a <link state> that is up exactly when @up, a speed only then. */
static gboolean
test_member_is(const NmvirtIfaceDef *def, const char *member, gboolean up)
{
    NmvirtIfaceDef *port = nmvirt_iface_def_find((NmvirtIfaceDef *)def, member);

    if (port == NULL || port == def)
        return FALSE;
    g_assert_nonnull(port->mac);
    g_assert_true(nm_utils_hwaddr_valid(port->mac, ETH_ALEN));
    if (up)
        return port->link_state == NMVIRT_LINK_STATE_UP && port->link_speed > 0;
    return port->link_state != NMVIRT_LINK_STATE_UP &&
           port->link_state != NMVIRT_LINK_STATE_UNSET && port->link_speed == 0;
}

/* ---- fixture ---------------------------------------------------------------- */

typedef struct {
    gulong handler;
} TestFixture;

static void
test_setup(TestFixture *fixture, gconstpointer user_data)
{
    g_ptr_array_set_size(test_events, 0);
    test_cursor = 0;
    fixture->handler =
        g_signal_connect(test_client, "interface-changed", G_CALLBACK(test_changed_cb), NULL);
}

static void
test_teardown(TestFixture *fixture, gconstpointer user_data)
{
    g_signal_handler_disconnect(test_client, fixture->handler);
}

#define TEST_ADD(path, func) g_test_add(path, TestFixture, NULL, test_setup, func, test_teardown)

/* ---- the cases ---------------------------------------------------------------- */

static const char test_eth3[] = "<interface type='ethernet' name='eth3'>"
                                "  <start mode='none'/>"
                                "  <protocol family='ipv4'>"
                                "    <ip address='192.0.2.30' prefix='24'/>"
                                "  </protocol>"
                                "</interface>";

/* Nothing is emitted before nmvirt_client_monitor_start() nor after the
 * last nmvirt_client_monitor_stop(); starts are counted. */
static void
test_opt_in(TestFixture *fixture, gconstpointer user_data)
{
    g_autoptr(GError) error = NULL;
    const TestEvent *event;

    test_define(test_eth3);
    test_undefine("eth3");
    test_expect_quiet(1000);
    g_assert_cmpuint(test_events->len, ==, 0);

    g_assert_true(nmvirt_client_monitor_start(test_client, &error));
    g_assert_no_error(error);
    g_assert_true(nmvirt_client_monitor_start(test_client, &error));
    g_assert_no_error(error);
    test_expect_quiet(500);
    test_define(test_eth3);
    event = test_expect("eth3", NMVIRT_INTERFACE_EVENT_DEFINED, 0, NULL);
    {
        g_autofree char *config = test_config_xml("eth3");

        g_assert_cmpstr(event->xml, ==, config);
    }
    /* one stop of two: still monitoring */
    nmvirt_client_monitor_stop(test_client);
    test_undefine("eth3");
    test_expect("eth3", NMVIRT_INTERFACE_EVENT_UNDEFINED, 0, NULL);
    nmvirt_client_monitor_stop(test_client);
    test_define(test_eth3);
    test_undefine("eth3");
    test_expect_quiet(1000);
}

/* A redefine of an inactive interface changes its XML (the
 * configuration): an event with the new document. */
static void
test_redefine(TestFixture *fixture, gconstpointer user_data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *config = NULL;
    g_autofree char *changed = NULL;
    const TestEvent *event;

    g_assert_true(nmvirt_client_monitor_start(test_client, &error));
    g_assert_no_error(error);
    test_define(test_eth3);
    test_expect("eth3", NMVIRT_INTERFACE_EVENT_DEFINED, 0, NULL);
    changed = g_strdup(test_eth3);
    g_assert_nonnull(strstr(changed, "192.0.2.30"));
    memcpy(strstr(changed, "192.0.2.30"), "192.0.2.31", strlen("192.0.2.31"));
    test_define(changed);
    event = test_expect("eth3", NMVIRT_INTERFACE_EVENT_CHANGED, 0, NULL);
    config = test_config_xml("eth3");
    g_assert_cmpstr(event->xml, ==, config);
    g_assert_nonnull(strstr(event->xml, "192.0.2.31"));
    /* the same document again: nothing changes, nothing is emitted */
    test_define(changed);
    test_expect_quiet(1000);
    test_undefine("eth3");
    test_expect("eth3", NMVIRT_INTERFACE_EVENT_UNDEFINED, 0, NULL);
    nmvirt_client_monitor_stop(test_client);
}

/* A client of nmvirt_client_new() has a context nobody iterates. */
static void
test_private_context(TestFixture *fixture, gconstpointer user_data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NmvirtClient) client = nmvirt_client_new(NULL, &error);

    g_assert_no_error(error);
    g_assert_false(nmvirt_client_monitor_start(client, &error));
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_UNSUPPORTED);
}

static guint
test_count_fds(void)
{
    g_autoptr(GDir) dir = g_dir_open("/proc/self/fd", 0, NULL);
    guint n = 0;

    g_assert_nonnull(dir);
    while (g_dir_read_name(dir) != NULL)
        n++;
    return n;
}

static void
test_dispose_cb(NmvirtClient *client, const char *name, NmvirtInterfaceEvent event, const char *xml,
                gpointer user_data)
{
    NmvirtClient **owner = user_data;

    /* the last reference goes during an emission */
    g_clear_object(owner);
}

/* The client's last reference dropped by a handler, while it monitors:
 * monitoring ends with the client, and nothing stays open (the kernel
 * socket included). */
static void
test_dispose(TestFixture *fixture, gconstpointer user_data)
{
    g_autoptr(GError) error = NULL;
    guint fds = test_count_fds();
    NmvirtClient *client = nmvirt_test_daemon_client_new_async();
    gint64 deadline = g_get_monotonic_time() + TEST_EVENT_TIMEOUT_MS * 1000;

    g_assert_true(nmvirt_client_monitor_start(client, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(test_count_fds(), >, fds);
    g_signal_connect(client, "interface-changed", G_CALLBACK(test_dispose_cb), &client);
    test_define(test_eth3);
    while (client != NULL && g_get_monotonic_time() < deadline)
        test_iterate(50);
    g_assert_null(client);
    g_assert_cmpuint(test_count_fds(), ==, fds);
    test_undefine("eth3");
    /* the test's own client does not monitor */
    test_expect_quiet(500);
}

static const char test_br0[] = "<interface type='bridge' name='br0'>"
                               "  <start mode='none'/>"
                               "  <protocol family='ipv4'>"
                               "    <ip address='192.0.2.1' prefix='24'/>"
                               "  </protocol>"
                               "  <bridge stp='off'>"
                               "    <interface type='ethernet' name='eth1'/>"
                               "    <interface type='ethernet' name='eth2'/>"
                               "  </bridge>"
                               "</interface>";

/* A bridge leaves its ports' MACs alone: the document's are the kernel's. */
static void
test_br0_assert_macs(const NmvirtIfaceDef *def)
{
    for (guint i = 0; i < def->members->len; i++) {
        const NmvirtIfaceDef *port = g_ptr_array_index(def->members, i);
        g_autofree char *mac = test_sysfs(port->name, "address");

        g_assert_cmpstr(port->mac, ==, mac);
    }
}

static gboolean
test_br0_ports_up(const NmvirtIfaceDef *def)
{
    g_assert_cmpint(def->type, ==, NMVIRT_IFACE_TYPE_BRIDGE);
    test_br0_assert_macs(def);
    return def->members->len == 2 && test_member_is(def, "eth1", TRUE) &&
           test_member_is(def, "eth2", TRUE);
}

static gboolean
test_br0_eth2_down(const NmvirtIfaceDef *def)
{
    return def->members->len == 2 && test_member_is(def, "eth1", TRUE) &&
           test_member_is(def, "eth2", FALSE);
}

/* A bridge with two ports: defined, active (the ports with their links
 * up, as the kernel has them), quiet while nothing changes, a port losing
 * its carrier and getting it back, inactive (the configuration again),
 * undefined. The ports are never reported on their own. */
static void
test_bridge(TestFixture *fixture, gconstpointer user_data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NmvirtIfaceDef) live = NULL;
    g_autofree char *config = NULL;
    const guint changed = 1u << NMVIRT_INTERFACE_EVENT_CHANGED;
    const TestEvent *event;

    g_assert_true(nmvirt_client_monitor_start(test_client, &error));
    g_assert_no_error(error);

    test_define(test_br0);
    event = test_expect("br0", NMVIRT_INTERFACE_EVENT_DEFINED, 0, NULL);
    config = test_config_xml("br0");
    /* a define writes one profile after the other: a monitor may see the
     * ports come in a second step */
    while (g_strcmp0(event->xml, config) != 0)
        event = test_expect("br0", NMVIRT_INTERFACE_EVENT_CHANGED, changed, NULL);
    g_assert_cmpstr(event->xml, ==, config);
    test_expect_quiet(1000);

    g_assert_true(nmvirt_client_start(test_client, "br0", 0, NULL, &error));
    g_assert_no_error(error);
    event = test_expect("br0", NMVIRT_INTERFACE_EVENT_ACTIVATED, changed, NULL);
    /* the live document: no configuration in it */
    g_assert_null(strstr(event->xml, "<start"));
    g_assert_null(strstr(event->xml, "stp="));
    live = test_parse(event->xml);
    if (!test_br0_ports_up(live))
        test_expect("br0", NMVIRT_INTERFACE_EVENT_CHANGED, changed, test_br0_ports_up);
    /* the link-local address's DAD ends without changing the XML; only
     * changes of br0 come while the ports settle */
    test_iterate(2000);
    while (test_cursor < test_events->len) {
        event = g_ptr_array_index(test_events, test_cursor++);
        g_assert_cmpstr(event->name, ==, "br0");
        g_assert_cmpint(event->event, ==, NMVIRT_INTERFACE_EVENT_CHANGED);
    }
    /* a kernel notification about a port that changes nothing in the XML
     * (an alias, an address on the port) gives no signal */
    g_free(nmvirt_test_run("ip", "link", "set", "dev", "eth1", "alias", "monitor-test"));
    g_free(nmvirt_test_run("ip", "addr", "add", "198.51.100.9/32", "dev", "eth1"));
    g_free(nmvirt_test_run("ip", "addr", "del", "198.51.100.9/32", "dev", "eth1"));
    test_expect_quiet(2000);

    test_peer_set(2, FALSE);
    test_expect("br0", NMVIRT_INTERFACE_EVENT_CHANGED, changed, test_br0_eth2_down);
    test_peer_set(2, TRUE);
    test_expect("br0", NMVIRT_INTERFACE_EVENT_CHANGED, changed, test_br0_ports_up);

    g_assert_true(nmvirt_client_stop(test_client, "br0", NULL, &error));
    g_assert_no_error(error);
    event = test_expect("br0", NMVIRT_INTERFACE_EVENT_DEACTIVATED, changed, NULL);
    g_assert_cmpstr(event->xml, ==, config);

    test_undefine("br0");
    test_expect("br0", NMVIRT_INTERFACE_EVENT_UNDEFINED, changed, NULL);
    test_expect_quiet(1000);
    nmvirt_client_monitor_stop(test_client);
}

static const char test_bond0[] = "<interface type='bond' name='bond0'>"
                                 "  <start mode='none'/>"
                                 "  <protocol family='ipv4'>"
                                 "    <ip address='192.0.2.20' prefix='24'/>"
                                 "  </protocol>"
                                 "  <bond mode='active-backup'>"
                                 "    <miimon freq='100'/>"
                                 "    <interface type='ethernet' name='eth0'/>"
                                 "    <interface type='ethernet' name='eth1'/>"
                                 "  </bond>"
                                 "</interface>";

static gboolean
test_bond0_members_up(const NmvirtIfaceDef *def)
{
    g_assert_cmpint(def->type, ==, NMVIRT_IFACE_TYPE_BOND);
    return def->link_state == NMVIRT_LINK_STATE_UP && def->members->len == 2 &&
           test_member_is(def, "eth0", TRUE) && test_member_is(def, "eth1", TRUE);
}

/* eth1 still a member, with its link down; the bond itself still up */
static gboolean
test_bond0_eth1_down(const NmvirtIfaceDef *def)
{
    return def->link_state == NMVIRT_LINK_STATE_UP && test_member_is(def, "eth0", TRUE) &&
           test_member_is(def, "eth1", FALSE);
}

/* `nmvirt monitor IFACE` ($NMVIRT) in the background, its output in files
 * under @dir; returns once it says on stderr that it monitors. */
static GSubprocess *
test_cli_monitor_start(const char *dir, const char *iface)
{
    const char *nmvirt = g_getenv("NMVIRT");
    g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDIN_INHERIT);
    g_autofree char *out = g_build_filename(dir, "monitor.out", NULL);
    g_autofree char *err = g_build_filename(dir, "monitor.err", NULL);
    g_autoptr(GError) error = NULL;
    GSubprocess *process;
    gint64 deadline = g_get_monotonic_time() + TEST_EVENT_TIMEOUT_MS * 1000;

    g_assert_nonnull(nmvirt);
    g_subprocess_launcher_set_stdout_file_path(launcher, out);
    g_subprocess_launcher_set_stderr_file_path(launcher, err);
    process = g_subprocess_launcher_spawn(launcher, &error, nmvirt, "monitor", iface, NULL);
    g_assert_no_error(error);
    for (;;) {
        g_autofree char *said = NULL;

        if (g_file_get_contents(err, &said, NULL, NULL) &&
            strstr(said, "Monitoring interface ") != NULL)
            return process;
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(100000);
    }
}

/* Interrupts the monitor (SIGINT: exit 0) and returns what it printed. */
static char *
test_cli_monitor_stop(GSubprocess *process, const char *dir)
{
    g_autofree char *out = g_build_filename(dir, "monitor.out", NULL);
    g_autoptr(GError) error = NULL;
    char *printed = NULL;

    g_subprocess_send_signal(process, SIGINT);
    g_assert_true(g_subprocess_wait(process, NULL, &error));
    g_assert_no_error(error);
    g_assert_true(g_subprocess_get_if_exited(process));
    g_assert_cmpint(g_subprocess_get_exit_status(process), ==, 0);
    g_assert_true(g_file_get_contents(out, &printed, NULL, &error));
    g_assert_no_error(error);
    g_test_message("nmvirt monitor printed:\n%s", printed);
    g_assert_cmpint(g_unlink(out), ==, 0);
    g_clear_pointer(&out, g_free);
    out = g_build_filename(dir, "monitor.err", NULL);
    g_assert_cmpint(g_unlink(out), ==, 0);
    g_assert_cmpint(g_rmdir(dir), ==, 0);
    return printed;
}

/* Waits up to 20 s until `nmvirt monitor` (writing to @dir/monitor.out)
 * has printed @fragment: its 200 ms windows start at other moments than
 * ours, so a change undone at once could fall into one of its windows and
 * rightly give no event; the test undoes a change only once both saw it. */
static void
test_cli_monitor_wait_for(const char *dir, const char *fragment)
{
    g_autofree char *out = g_build_filename(dir, "monitor.out", NULL);

    for (int i = 0; i < 200; i++) {
        g_autofree char *printed = NULL;

        if (g_file_get_contents(out, &printed, NULL, NULL) && strstr(printed, fragment) != NULL)
            return;
        g_usleep(100 * 1000);
    }
    g_error("nmvirt monitor did not print '%s' within 20 s", fragment);
}

/* The CLI saw the bond: defined, active, eth1's link down (a 'changed'
 * whose document passes test_bond0_eth1_down()), inactive, undefined. */
static void
test_cli_monitor_check_bond(const char *printed)
{
    g_auto(GStrv) blocks = g_strsplit(printed, "event: ", -1);
    g_autoptr(GString) words = g_string_new(NULL);
    gboolean eth1_down = FALSE;

    /* nothing before the first event line */
    g_assert_cmpstr(blocks[0], ==, "");
    for (guint i = 1; blocks[i] != NULL; i++) {
        const char *newline = strchr(blocks[i], '\n');
        g_autofree char *head = NULL;

        g_assert_nonnull(newline);
        head = g_strndup(blocks[i], newline - blocks[i]);
        g_assert_true(g_str_has_prefix(head, "bond0 "));
        g_string_append_printf(words, "%s ", head + strlen("bond0 "));
        if (g_str_equal(head, "bond0 changed")) {
            g_autoptr(NmvirtIfaceDef) def = test_parse(newline + 1);

            eth1_down = eth1_down || test_bond0_eth1_down(def);
        }
    }
    g_test_message("nmvirt monitor bond0: %s", words->str);
    g_assert_true(g_regex_match_simple(
        "^defined (changed )*active (changed )*inactive (changed )*undefined $", words->str, 0, 0));
    g_assert_true(eth1_down);
}

/* A bond of two members (VM): a member's carrier lost (its veth peer set
 * down) is an event of the bond, whose XML shows that member's link down;
 * `nmvirt monitor bond0` prints it too. */
static void
test_bond_carrier(TestFixture *fixture, gconstpointer user_data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NmvirtIfaceDef) live = NULL;
    g_autofree char *dir = g_dir_make_tmp("test-monitor-XXXXXX", &error);
    g_autoptr(GSubprocess) cli = NULL;
    g_autofree char *printed = NULL;
    const guint changed = 1u << NMVIRT_INTERFACE_EVENT_CHANGED;
    const TestEvent *event;

    g_assert_no_error(error);
    cli = test_cli_monitor_start(dir, "bond0");
    g_assert_true(nmvirt_client_monitor_start(test_client, &error));
    g_assert_no_error(error);
    test_define(test_bond0);
    test_expect("bond0", NMVIRT_INTERFACE_EVENT_DEFINED, 0, NULL);
    g_assert_true(nmvirt_client_start(test_client, "bond0", 0, NULL, &error));
    g_assert_no_error(error);
    event = test_expect("bond0", NMVIRT_INTERFACE_EVENT_ACTIVATED, changed, NULL);
    live = test_parse(event->xml);
    if (!test_bond0_members_up(live))
        test_expect("bond0", NMVIRT_INTERFACE_EVENT_CHANGED, changed, test_bond0_members_up);

    test_peer_set(1, FALSE);
    event = test_expect("bond0", NMVIRT_INTERFACE_EVENT_CHANGED, changed, test_bond0_eth1_down);
    g_assert_nonnull(strstr(event->xml, "<interface type='ethernet' name='eth1'>"));
    test_cli_monitor_wait_for(dir, "lowerlayerdown");
    /* NetworkManager may release the member a few seconds later; with its
     * carrier back it is a member with its link up again */
    test_peer_set(1, TRUE);
    test_expect("bond0", NMVIRT_INTERFACE_EVENT_CHANGED, changed, test_bond0_members_up);

    g_assert_true(nmvirt_client_stop(test_client, "bond0", NULL, &error));
    g_assert_no_error(error);
    test_expect("bond0", NMVIRT_INTERFACE_EVENT_DEACTIVATED, changed, NULL);
    test_undefine("bond0");
    test_expect("bond0", NMVIRT_INTERFACE_EVENT_UNDEFINED, changed, NULL);
    nmvirt_client_monitor_stop(test_client);

    /* the CLI reported the same changes (its 200 ms windows start at other
     * moments, so the number of 'changed' lines may differ) */
    test_iterate(1000);
    printed = test_cli_monitor_stop(cli, dir);
    test_cli_monitor_check_bond(printed);
}

int
main(int argc, char **argv)
{
    int status;

    g_test_init(&argc, &argv, NULL);
    nmvirt_test_daemon_require_sandbox();
    /* on the default context (no other is pushed), which the test iterates */
    test_client = nmvirt_test_daemon_client_new_async();
    test_events = g_ptr_array_new_with_free_func(test_event_free);

    TEST_ADD("/nmvirt/monitor/opt-in", test_opt_in);
    TEST_ADD("/nmvirt/monitor/redefine", test_redefine);
    TEST_ADD("/nmvirt/monitor/private-context", test_private_context);
    TEST_ADD("/nmvirt/monitor/dispose", test_dispose);
    TEST_ADD("/nmvirt/monitor/bridge", test_bridge);
    TEST_ADD("/nmvirt/monitor/bond-carrier", test_bond_carrier);

    status = g_test_run();
    g_clear_object(&test_client);
    g_clear_pointer(&test_events, g_ptr_array_unref);
    return status;
}
