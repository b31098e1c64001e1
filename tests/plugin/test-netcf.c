/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnetcf.so.1 against a real NetworkManager: every ncf_* function and
 * the semantics libvirt depends on (spec §2.3, §2.4, quirks 1–3, 17, 18),
 * its error paths, NetworkManager going away and coming back, and calls
 * from several threads. Only netcf.h is used, as libvirt would; checks go
 * through netcf and, independently, through nmcli, ip, sysfs and the
 * keyfiles. Runs INSIDE nmvirt-sandbox (see meson.build here):
 *
 *   nmvirt-sandbox --ns --nics 4 -- build/tests/plugin/test-netcf
 *
 * Every test starts and ends with no interface defined.
 */
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "netcf.h"

/* The header: values and the self-referencing macros libvirt tests. */
#if !defined(NETCF_EINVALIDOP) || !defined(NETCF_NOERROR) || !defined(NETCF_ENETLINK)
#error "netcf.h must define each error code as a macro of its own name"
#endif
G_STATIC_ASSERT(NETCF_NOERROR == 0 && NETCF_EINTERNAL == 1 && NETCF_EOTHER == 2);
G_STATIC_ASSERT(NETCF_ENOMEM == 3 && NETCF_EXMLPARSER == 4 && NETCF_EXMLINVALID == 5);
G_STATIC_ASSERT(NETCF_ENOENT == 6 && NETCF_EEXEC == 7 && NETCF_EINUSE == 8);
G_STATIC_ASSERT(NETCF_EXSLTFAILED == 9 && NETCF_EFILE == 10 && NETCF_EIOCTL == 11);
G_STATIC_ASSERT(NETCF_ENETLINK == 12 && NETCF_EINVALIDOP == 13);
G_STATIC_ASSERT(NETCF_IFACE_INACTIVE == 1 && NETCF_IFACE_ACTIVE == 2);

#define ALL (NETCF_IFACE_ACTIVE | NETCF_IFACE_INACTIVE)

static const char eth1_xml[] = "<interface type='ethernet' name='eth1'>"
                               "<start mode='none'/></interface>";
static const char eth3_xml[] = "<interface type='ethernet' name='eth3'>"
                               "<start mode='none'/></interface>";
static const char eth0_xml[] = "<interface type='ethernet' name='eth0'>"
                               "<start mode='onboot'/>"
                               "<protocol family='ipv4'><ip address='198.51.100.7' prefix='24'/>"
                               "</protocol></interface>";
/* br0 over eth0, with an address: the usual libvirt host bridge */
static const char br0_xml[] = "<interface type='bridge' name='br0'>"
                              "<start mode='none'/>"
                              "<protocol family='ipv4'><ip address='192.0.2.1' prefix='24'/>"
                              "</protocol>"
                              "<bridge stp='off'><interface type='ethernet' name='eth0'/></bridge>"
                              "</interface>";
/* the same bridge with eth1 instead of eth0 */
static const char br0_eth1_xml[] = "<interface type='bridge' name='br0'>"
                                   "<start mode='none'/>"
                                   "<bridge stp='off'><interface type='ethernet' name='eth1'/>"
                                   "</bridge></interface>";

typedef struct {
    struct netcf *ncf;
} Fixture;

/* Helpers ---------------------------------------------------------------- */

/* Runs a command line (fixed strings of this file, no user input); asserts
 * exit 0 unless @may_fail. Returns stdout. */
static char *
run_full(const char *command, gboolean may_fail)
{
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GError) error = NULL;
    int status = 0;

    if (!g_spawn_command_line_sync(command, &out, &err, &status, &error))
        g_error("cannot run %s: %s", command, error->message);
    if (!may_fail && !g_spawn_check_wait_status(status, NULL))
        g_error("%s failed: %s%s", command, out, err);
    return g_steal_pointer(&out);
}

static char *
run(const char *command)
{
    return run_full(command, FALSE);
}

static char *
sysfs_mac(const char *device)
{
    g_autofree char *path = g_strdup_printf("/sys/class/net/%s/address", device);
    g_autofree char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    return g_strdup(g_strstrip(text));
}

/* ncf_error() says NETCF_NOERROR, with no details. */
static void
assert_no_error(struct netcf *ncf)
{
    const char *errmsg = NULL;
    const char *details = "unset";
    int code = ncf_error(ncf, &errmsg, &details);

    if (code != NETCF_NOERROR)
        g_error("unexpected netcf error %d: %s - %s", code, errmsg, details);
    g_assert_cmpstr(errmsg, ==, "no error");
    g_assert_null(details);
}

/* ncf_error() says @code, with the fixed text of the code and details
 * containing @details (nmvirt's message). */
static void
assert_error(struct netcf *ncf, int code, const char *errmsg_expected, const char *details_part)
{
    const char *errmsg = NULL;
    const char *details = NULL;
    int actual = ncf_error(ncf, &errmsg, &details);

    g_test_message("netcf error %d: %s - %s", actual, errmsg, details);
    g_assert_cmpint(actual, ==, code);
    g_assert_cmpstr(errmsg, ==, errmsg_expected);
    g_assert_nonnull(details);
    g_assert_nonnull(strstr(details, details_part));
}

static struct netcf_if *
define(struct netcf *ncf, const char *xml)
{
    struct netcf_if *nif = ncf_define(ncf, xml);

    if (nif == NULL) {
        const char *errmsg = NULL;
        const char *details = NULL;

        ncf_error(ncf, &errmsg, &details);
        g_error("define failed: %s - %s", errmsg, details);
    }
    assert_no_error(ncf);
    return nif;
}

static struct netcf_if *
lookup(struct netcf *ncf, const char *name)
{
    struct netcf_if *nif = ncf_lookup_by_name(ncf, name);

    assert_no_error(ncf);
    g_assert_nonnull(nif);
    g_assert_cmpstr(ncf_if_name(nif), ==, name);
    return nif;
}

/* Lookup of something that is not a top-level interface: NULL, no error. */
static void
assert_not_found(struct netcf *ncf, const char *name)
{
    g_assert_null(ncf_lookup_by_name(ncf, name));
    assert_no_error(ncf);
}

/* num and list with @flags; asserts they agree; "a,b,c". */
static char *
list(struct netcf *ncf, unsigned int flags)
{
    int count = ncf_num_of_interfaces(ncf, flags);
    g_autofree char **names = NULL;
    g_autoptr(GString) joined = g_string_new(NULL);
    int listed = 0;

    assert_no_error(ncf);
    g_assert_cmpint(count, >=, 0);
    names = g_new0(char *, count + 1);
    listed = ncf_list_interfaces(ncf, count, names, flags);
    assert_no_error(ncf);
    g_assert_cmpint(listed, ==, count);
    for (int i = 0; i < listed; i++) {
        g_string_append_printf(joined, "%s%s", i > 0 ? "," : "", names[i]);
        free(names[i]);
    }
    return g_string_free(g_steal_pointer(&joined), FALSE);
}

static void
assert_list(struct netcf *ncf, unsigned int flags, const char *expected)
{
    g_autofree char *names = list(ncf, flags);

    g_assert_cmpstr(names, ==, expected);
}

static unsigned int
status(struct netcf_if *nif)
{
    unsigned int flags = 0xff;

    g_assert_cmpint(ncf_if_status(nif, &flags), ==, 0);
    g_assert_true(flags == NETCF_IFACE_ACTIVE || flags == NETCF_IFACE_INACTIVE);
    return flags;
}

static char *
xml_desc(struct netcf_if *nif)
{
    char *xml = ncf_if_xml_desc(nif);

    g_assert_nonnull(xml);
    return xml;
}

static int
compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Everything NetworkManager stores: every keyfile's name and content, in
 * /etc and /run. Activation must not change a byte of it. */
static char *
stored_config(void)
{
    const char *dirs[] = { g_getenv("NMVIRT_SANDBOX_KEYFILE_DIR"),
                           g_getenv("NMVIRT_SANDBOX_RUN_KEYFILE_DIR") };
    g_autoptr(GString) all = g_string_new(NULL);

    for (guint d = 0; d < G_N_ELEMENTS(dirs); d++) {
        g_autoptr(GDir) dir = g_dir_open(dirs[d], 0, NULL);
        g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
        const char *name = NULL;

        while (dir != NULL && (name = g_dir_read_name(dir)) != NULL)
            g_ptr_array_add(names, g_strdup(name));
        g_ptr_array_sort(names, compare_names);
        for (guint i = 0; i < names->len; i++) {
            g_autofree char *path = g_build_filename(dirs[d], names->pdata[i], NULL);
            g_autofree char *text = NULL;

            g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
            g_string_append_printf(all, "== %s\n%s", path, text);
        }
    }
    return g_string_free(g_steal_pointer(&all), FALSE);
}

/* The profiles NetworkManager has for interface name @device, as nmcli
 * sees them: "id" for a standalone one, "id>controller" for a port; ","
 * between several, "" for none. */
static char *
profiles_of(const char *device)
{
    g_autofree char *list_out = run("nmcli -g UUID connection show");
    g_auto(GStrv) uuids = g_strsplit(g_strstrip(list_out), "\n", -1);
    g_autoptr(GString) found = g_string_new(NULL);

    for (guint i = 0; uuids[i] != NULL && *uuids[i] != '\0'; i++) {
        g_autofree char *command = g_strdup_printf(
            "nmcli -g connection.interface-name,connection.id,connection.master connection show %s",
            uuids[i]);
        g_autofree char *fields = run(command);
        g_auto(GStrv) lines = NULL;

        if (g_str_has_suffix(fields, "\n"))
            fields[strlen(fields) - 1] = '\0';
        lines = g_strsplit(fields, "\n", -1);
        g_assert_cmpuint(g_strv_length(lines), ==, 3);
        if (g_strcmp0(lines[0], device) != 0)
            continue;
        g_string_append_printf(found, "%s%s%s%s", found->len > 0 ? "," : "", lines[1],
                               *lines[2] != '\0' ? ">" : "", lines[2]);
    }
    return g_string_free(g_steal_pointer(&found), FALSE);
}

static void
set_peer_carrier(guint nic, gboolean up)
{
    g_autofree char *command =
        g_strdup_printf("ip -n %s link set peer%u %s", g_getenv("NMVIRT_SANDBOX_PEER_NETNS"), nic,
                        up ? "up" : "down");

    g_free(run(command));
}

static void
nm_ctl(const char *verb)
{
    g_autofree char *command = g_strdup_printf("nmvirt-sandbox-nm %s", verb);

    g_free(run(command));
}

/* Takes down and undefines every interface, through netcf. */
static void
undefine_all(struct netcf *ncf)
{
    int count = ncf_num_of_interfaces(ncf, ALL);
    g_autofree char **names = NULL;
    int listed;

    g_assert_cmpint(count, >=, 0);
    names = g_new0(char *, count + 1);
    listed = ncf_list_interfaces(ncf, count, names, ALL);
    g_assert_cmpint(listed, ==, count);
    for (int i = 0; i < listed; i++) {
        struct netcf_if *nif = ncf_lookup_by_name(ncf, names[i]);

        g_assert_nonnull(nif);
        g_assert_cmpint(ncf_if_down(nif), ==, 0);
        g_assert_cmpint(ncf_if_undefine(nif), ==, 0);
        ncf_if_free(nif);
        free(names[i]);
    }
}

static void
fixture_setup(Fixture *fixture, gconstpointer data)
{
    g_assert_cmpint(ncf_init(&fixture->ncf, NULL), ==, 0);
    g_assert_nonnull(fixture->ncf);
    undefine_all(fixture->ncf);
}

static void
fixture_teardown(Fixture *fixture, gconstpointer data)
{
    undefine_all(fixture->ncf);
    assert_list(fixture->ncf, ALL, "");
    g_assert_cmpint(ncf_close(fixture->ncf), ==, 0);
}

/* init and close --------------------------------------------------------- */

static void
test_init_close(void)
{
    struct netcf *ncf = NULL;
    const char *errmsg = NULL;
    const char *details = NULL;

    g_assert_cmpint(ncf_init(&ncf, NULL), ==, 0);
    assert_no_error(ncf);
    g_assert_cmpint(ncf_close(ncf), ==, 0);
    g_assert_cmpint(ncf_init(&ncf, "/"), ==, 0);
    g_assert_cmpint(ncf_close(ncf), ==, 0);
    g_assert_cmpint(ncf_close(NULL), ==, 0);
    g_assert_cmpint(ncf_init(NULL, NULL), ==, -2);

    /* another root would act on the real system: refused, handle kept */
    ncf = NULL;
    g_assert_cmpint(ncf_init(&ncf, "/tmp/netcf-root"), ==, -1);
    g_assert_nonnull(ncf);
    assert_error(ncf, NETCF_EFILE, "File operation failed", "/tmp/netcf-root");
    g_assert_cmpint(ncf_error(ncf, NULL, NULL), ==, NETCF_EFILE);
    g_assert_cmpint(ncf_close(ncf), ==, 0);

    g_assert_cmpint(ncf_error(NULL, &errmsg, &details), ==, NETCF_EINTERNAL);
    g_assert_cmpstr(errmsg, ==, "internal error");
    g_assert_null(details);
}

/* Without a system bus (nothing of NetworkManager reachable) init
 * succeeds all the same; calls fail until the bus is there, then work on
 * the same handle. Runs before anything else of this process holds a
 * connection to the system bus, which GDBus shares. */
static void
test_init_no_bus(void)
{
    struct netcf *ncf = NULL;
    g_autofree char *address = g_strdup(g_getenv("DBUS_SYSTEM_BUS_ADDRESS"));
    g_autofree char *missing = g_build_filename(g_get_tmp_dir(), "no-such-bus", NULL);
    g_autofree char *bogus = g_strdup_printf("unix:path=%s", missing);
    guint retries = 0;

    g_setenv("DBUS_SYSTEM_BUS_ADDRESS", bogus, TRUE);
    g_assert_cmpint(ncf_init(&ncf, NULL), ==, 0);
    assert_no_error(ncf);
    g_assert_cmpint(ncf_num_of_interfaces(ncf, ALL), ==, -1);
    assert_error(ncf, NETCF_EOTHER, "unspecified error", "system bus is not available");
    if (address != NULL)
        g_setenv("DBUS_SYSTEM_BUS_ADDRESS", address, TRUE);
    else
        g_unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
    /* GDBus may hand out its failed shared connection for a moment more */
    for (retries = 0; retries < 50 && ncf_num_of_interfaces(ncf, ALL) < 0; retries++)
        g_usleep(100 * 1000);
    g_test_message("the bus was back after %u retries", retries);
    assert_list(ncf, ALL, "");
    g_assert_cmpint(ncf_close(ncf), ==, 0);
}

/* ncf_close refuses while an interface handle is alive; the handle and
 * the netcf stay usable. */
static void
test_close_in_use(Fixture *fixture, gconstpointer data)
{
    struct netcf *ncf = NULL;
    struct netcf_if *nif = NULL;

    g_assert_cmpint(ncf_init(&ncf, NULL), ==, 0);
    nif = define(ncf, eth1_xml);
    g_assert_cmpint(ncf_close(ncf), ==, -1);
    assert_error(ncf, NETCF_EINUSE, "instance still in use", "1 interface handle");
    g_assert_cmpstr(ncf_if_name(nif), ==, "eth1");
    assert_no_error(ncf);
    assert_list(ncf, ALL, "eth1");
    ncf_if_free(nif);
    ncf_if_free(NULL);
    g_assert_cmpint(ncf_close(ncf), ==, 0);
}

/* define ----------------------------------------------------------------- */

/* Define creates the configuration and activates nothing. */
static void
test_define_create(Fixture *fixture, gconstpointer data)
{
    struct netcf *ncf = fixture->ncf;
    struct netcf_if *nif = define(ncf, eth1_xml);
    g_autofree char *xml = xml_desc(nif);
    g_autofree char *profiles = profiles_of("eth1");
    g_autofree char *device = run("nmcli -g GENERAL.STATE device show eth1");

    g_assert_cmpstr(ncf_if_name(nif), ==, "eth1");
    g_assert_nonnull(strstr(xml, "name='eth1'"));
    g_assert_nonnull(strstr(xml, "<start mode='none'/>"));
    g_assert_cmpstr(profiles, ==, "eth1");
    g_assert_cmpuint(status(nif), ==, NETCF_IFACE_INACTIVE);
    g_assert_cmpstr(g_strstrip(device), ==, "30 (disconnected)");
    assert_list(ncf, NETCF_IFACE_INACTIVE, "eth1");
    assert_list(ncf, NETCF_IFACE_ACTIVE, "");
    ncf_if_free(nif);
}

/* Define replaces, and takes over what the document names (as netcf did,
 * and as virsh iface-bridge needs): eth0's own configuration becomes the
 * bridge's port; a redefine without eth0 drops it. */
static void
test_define_replace(Fixture *fixture, gconstpointer data)
{
    struct netcf *ncf = fixture->ncf;
    struct netcf_if *eth0 = define(ncf, eth0_xml);
    struct netcf_if *br0 = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *profiles = NULL;
    g_autofree char *active = NULL;

    assert_list(ncf, ALL, "eth0");
    br0 = define(ncf, br0_xml);
    g_assert_cmpstr(ncf_if_name(br0), ==, "br0");
    assert_list(ncf, ALL, "br0");
    assert_not_found(ncf, "eth0");
    /* eth0's own profile, converted in place into the port */
    profiles = profiles_of("eth0");
    g_assert_cmpstr(profiles, ==, "eth0>br0");
    xml = xml_desc(br0);
    g_assert_nonnull(strstr(xml, "<interface type='ethernet' name='eth0'"));
    g_assert_null(strstr(xml, "198.51.100.7"));
    /* the stale handle of eth0: no such interface any more */
    g_assert_null(ncf_if_xml_desc(eth0));
    assert_error(ncf, NETCF_ENOENT, "required entry missing", "eth0");

    /* replace: eth1 in, eth0 out */
    ncf_if_free(br0);
    br0 = define(ncf, br0_eth1_xml);
    g_clear_pointer(&xml, g_free);
    xml = xml_desc(br0);
    g_assert_nonnull(strstr(xml, "name='eth1'"));
    g_assert_null(strstr(xml, "name='eth0'"));
    g_assert_null(strstr(xml, "192.0.2.1"));
    g_clear_pointer(&profiles, g_free);
    profiles = profiles_of("eth0");
    g_assert_cmpstr(profiles, ==, "");
    assert_list(ncf, ALL, "br0");
    assert_not_found(ncf, "eth1");

    /* nothing of it was activated */
    active = run("nmcli -g NAME connection show --active");
    g_assert_null(strstr(active, "br0"));
    g_assert_cmpuint(status(br0), ==, NETCF_IFACE_INACTIVE);
    ncf_if_free(eth0);
    ncf_if_free(br0);
}

static void
test_define_invalid(Fixture *fixture, gconstpointer data)
{
    struct netcf *ncf = fixture->ncf;
    g_autofree char *before = stored_config();
    g_autofree char *after = NULL;

    g_assert_null(ncf_define(ncf, "<interface type='ethernet' name='eth1'>"));
    assert_error(ncf, NETCF_EXMLINVALID, "XML invalid", "line");
    g_assert_null(ncf_define(ncf, "<interface type='token-ring' name='tr0'/>"));
    assert_error(ncf, NETCF_EXMLINVALID, "XML invalid", "type");
    g_assert_null(ncf_define(ncf, "<interface type='ethernet' name='this-name-is-too-long'/>"));
    assert_error(ncf, NETCF_EXMLINVALID, "XML invalid", "this-name-is-too-long");
    g_assert_null(ncf_define(ncf, NULL));
    assert_error(ncf, NETCF_EXMLPARSER, "XML parser failed", "no XML");
    /* a valid document NetworkManager cannot hold */
    g_assert_null(ncf_define(ncf, "<interface type='bond' name='bond0'><bond mode='802.3ad'>"
                                  "<arpmon interval='100' target='192.0.2.9'/>"
                                  "<interface type='ethernet' name='eth2'/></bond></interface>"));
    assert_error(ncf, NETCF_EOTHER, "unspecified error", "802.3ad");

    after = stored_config();
    g_assert_cmpstr(after, ==, before);
    assert_list(ncf, ALL, "");
}

/* lookups ---------------------------------------------------------------- */

static void
test_lookup_name(Fixture *fixture, gconstpointer data)
{
    struct netcf *ncf = fixture->ncf;
    struct netcf_if *br0 = define(ncf, br0_xml);
    struct netcf_if *again = NULL;

    assert_not_found(ncf, "nothere");
    /* a bridge port is no interface of its own */
    assert_not_found(ncf, "eth0");
    /* a NIC without configuration neither */
    assert_not_found(ncf, "eth2");
    again = lookup(ncf, "br0");

    /* a failed call, then a NULL lookup: the error is reset */
    g_assert_null(ncf_lookup_by_name(ncf, NULL));
    assert_error(ncf, NETCF_EOTHER, "unspecified error", "no name");
    assert_not_found(ncf, "nothere");

    ncf_if_free(again);
    ncf_if_free(br0);
}

static void
test_lookup_mac(Fixture *fixture, gconstpointer data)
{
    struct netcf *ncf = fixture->ncf;
    g_autofree char *mac = sysfs_mac("eth2");
    g_autofree char *upper = g_ascii_strup(mac, -1);
    g_autofree char *xml = g_strdup_printf("<interface type='ethernet' name='eth2'>"
                                           "<start mode='none'/><mac address='%s'/></interface>",
                                           upper);
    struct netcf_if *eth2 = define(ncf, xml);
    struct netcf_if *ifaces[3] = { NULL, NULL, (struct netcf_if *)&ifaces };
    g_autofree char *eth0_mac = sysfs_mac("eth0");

    g_assert_cmpint(ncf_lookup_by_mac_string(ncf, upper, 2, ifaces), ==, 1);
    assert_no_error(ncf);
    g_assert_nonnull(ifaces[0]);
    g_assert_cmpstr(ncf_if_name(ifaces[0]), ==, "eth2");
    g_assert_null(ifaces[1]);
    /* only maxifaces entries are written */
    g_assert_true(ifaces[2] == (struct netcf_if *)&ifaces);
    g_assert_cmpstr(ncf_if_mac_string(ifaces[0]), ==, mac);
    ncf_if_free(ifaces[0]);

    /* the count without handles */
    g_assert_cmpint(ncf_lookup_by_mac_string(ncf, mac, 0, NULL), ==, 1);
    /* a port's MAC (eth0 in br0): no top-level interface has it */
    ncf_if_free(define(ncf, br0_xml));
    g_assert_cmpint(ncf_lookup_by_mac_string(ncf, eth0_mac, 1, ifaces), ==, 0);
    g_assert_null(ifaces[0]);
    g_assert_cmpint(ncf_lookup_by_mac_string(ncf, "02:00:00:00:00:99", 1, ifaces), ==, 0);
    assert_no_error(ncf);

    g_assert_cmpint(ncf_lookup_by_mac_string(ncf, NULL, 1, ifaces), ==, -1);
    assert_error(ncf, NETCF_EOTHER, "unspecified error", "MAC");
    g_assert_cmpint(ncf_lookup_by_mac_string(ncf, mac, -1, ifaces), ==, -1);
    assert_error(ncf, NETCF_EOTHER, "unspecified error", "MAC");
    ncf_if_free(eth2);
}

/* list and num ----------------------------------------------------------- */

static void
test_list(Fixture *fixture, gconstpointer data)
{
    struct netcf *ncf = fixture->ncf;
    char *names[4] = { NULL, NULL, NULL, (char *)"sentinel" };
    struct netcf_if *eth1 = NULL;

    /* defined out of order; eth0 is br0's port */
    ncf_if_free(define(ncf, eth3_xml));
    ncf_if_free(define(ncf, br0_xml));
    eth1 = define(ncf, eth1_xml);

    assert_list(ncf, ALL, "br0,eth1,eth3");
    assert_list(ncf, NETCF_IFACE_INACTIVE, "br0,eth1,eth3");
    assert_list(ncf, NETCF_IFACE_ACTIVE, "");
    /* flags 0 match nothing */
    g_assert_cmpint(ncf_num_of_interfaces(ncf, 0), ==, 0);
    g_assert_cmpint(ncf_list_interfaces(ncf, 3, names, 0), ==, 0);
    g_assert_null(names[0]);

    /* fewer slots than names: the first ones, sorted; nothing beyond */
    g_assert_cmpint(ncf_list_interfaces(ncf, 2, names, ALL), ==, 2);
    g_assert_cmpstr(names[0], ==, "br0");
    g_assert_cmpstr(names[1], ==, "eth1");
    g_assert_cmpstr(names[3], ==, "sentinel");
    free(names[0]);
    free(names[1]);
    g_assert_cmpint(ncf_list_interfaces(ncf, 0, NULL, ALL), ==, 0);
    g_assert_cmpint(ncf_list_interfaces(ncf, -1, names, ALL), ==, -1);
    assert_error(ncf, NETCF_EOTHER, "unspecified error", "no room");

    /* active and inactive */
    g_assert_cmpint(ncf_if_up(eth1), ==, 0);
    assert_list(ncf, NETCF_IFACE_ACTIVE, "eth1");
    assert_list(ncf, NETCF_IFACE_INACTIVE, "br0,eth3");
    assert_list(ncf, ALL, "br0,eth1,eth3");
    g_assert_cmpint(ncf_if_down(eth1), ==, 0);
    assert_list(ncf, NETCF_IFACE_ACTIVE, "");
    ncf_if_free(eth1);
}

/* MAC -------------------------------------------------------------------- */

static void
test_mac(Fixture *fixture, gconstpointer data)
{
    struct netcf *ncf = fixture->ncf;
    struct netcf_if *br0 = define(ncf, br0_xml);
    struct netcf_if *eth1 = define(ncf, eth1_xml);
    g_autofree char *eth1_mac = sysfs_mac("eth1");
    g_autofree char *br0_mac = NULL;
    struct netcf_if *stale = NULL;

    /* a bridge never started has no device: NULL, and no error */
    g_assert_null(sysfs_mac("br0"));
    g_assert_null(ncf_if_mac_string(br0));
    assert_no_error(ncf);
    g_assert_cmpstr(ncf_if_mac_string(eth1), ==, eth1_mac);

    g_assert_cmpint(ncf_if_up(br0), ==, 0);
    br0_mac = sysfs_mac("br0");
    g_assert_nonnull(br0_mac);
    g_assert_cmpstr(ncf_if_mac_string(br0), ==, br0_mac);
    g_assert_cmpint(ncf_if_down(br0), ==, 0);

    /* an interface undefined through another handle */
    stale = lookup(ncf, "eth1");
    g_assert_cmpint(ncf_if_undefine(eth1), ==, 0);
    g_assert_null(ncf_if_mac_string(stale));
    assert_error(ncf, NETCF_ENOENT, "required entry missing", "eth1");
    ncf_if_free(stale);
    ncf_if_free(eth1);
    ncf_if_free(br0);
}

/* up, down, status, live XML -------------------------------------------- */

static void
test_up_down(Fixture *fixture, gconstpointer data)
{
    struct netcf *ncf = fixture->ncf;
    struct netcf_if *br0 = define(ncf, br0_xml);
    g_autofree char *config = stored_config();
    g_autofree char *desc = xml_desc(br0);
    g_autofree char *state = NULL;
    g_autofree char *addresses = NULL;
    g_autofree char *now = NULL;
    g_autofree char *desc_now = NULL;

    g_assert_cmpuint(status(br0), ==, NETCF_IFACE_INACTIVE);
    g_assert_cmpint(ncf_if_up(br0), ==, 0);
    assert_no_error(ncf);
    g_assert_cmpuint(status(br0), ==, NETCF_IFACE_ACTIVE);
    addresses = run("ip -4 -br address show dev br0");
    g_assert_nonnull(strstr(addresses, "192.0.2.1/24"));
    state = ncf_if_xml_state(br0);
    g_assert_nonnull(state);
    /* the live document: the kernel's ports and addresses, no <start> */
    g_assert_nonnull(strstr(state, "name='eth0'"));
    g_assert_nonnull(strstr(state, "192.0.2.1"));
    g_assert_null(strstr(state, "<start"));
    /* up on an active interface: still up, no error (netcf has no check) */
    g_assert_cmpint(ncf_if_up(br0), ==, 0);
    now = stored_config();
    g_assert_cmpstr(now, ==, config);

    g_assert_cmpint(ncf_if_down(br0), ==, 0);
    g_assert_cmpuint(status(br0), ==, NETCF_IFACE_INACTIVE);
    g_clear_pointer(&addresses, g_free);
    addresses = run_full("ip -4 -br address show dev br0", TRUE);
    g_assert_null(strstr(addresses, "192.0.2.1"));
    /* down on an inactive interface: nothing to do, no error */
    g_assert_cmpint(ncf_if_down(br0), ==, 0);
    assert_no_error(ncf);

    g_clear_pointer(&now, g_free);
    now = stored_config();
    g_assert_cmpstr(now, ==, config);
    desc_now = xml_desc(br0);
    g_assert_cmpstr(desc_now, ==, desc);
    /* inactive: the configuration */
    g_clear_pointer(&state, free);
    state = ncf_if_xml_state(br0);
    g_assert_cmpstr(state, ==, desc);
    ncf_if_free(br0);
}

/* A NIC without carrier never becomes active: up fails (after the time
 * NMVIRT_NETCF_UP_TIMEOUT allows) and leaves it down and its
 * configuration as it was. */
static void
test_up_fails(Fixture *fixture, gconstpointer data)
{
    struct netcf *ncf = NULL;
    struct netcf_if *eth3 = NULL;
    g_autofree char *config = NULL;
    g_autofree char *now = NULL;
    unsigned int flags = 0;
    gint64 start = 0;

    g_setenv("NMVIRT_NETCF_UP_TIMEOUT", "3", TRUE);
    g_assert_cmpint(ncf_init(&ncf, NULL), ==, 0);
    g_unsetenv("NMVIRT_NETCF_UP_TIMEOUT");
    set_peer_carrier(3, FALSE);
    eth3 = define(ncf, eth3_xml);
    config = stored_config();

    start = g_get_monotonic_time();
    g_assert_cmpint(ncf_if_up(eth3), ==, -1);
    g_test_message("up failed after %.1f s", (g_get_monotonic_time() - start) / 1e6);
    assert_error(ncf, NETCF_EOTHER, "unspecified error", "carrier");
    g_assert_cmpint(ncf_if_status(eth3, &flags), ==, 0);
    g_assert_cmpuint(flags, ==, NETCF_IFACE_INACTIVE);
    now = stored_config();
    g_assert_cmpstr(now, ==, config);

    /* with a carrier it comes up */
    set_peer_carrier(3, TRUE);
    g_assert_cmpint(ncf_if_up(eth3), ==, 0);
    g_assert_cmpuint(status(eth3), ==, NETCF_IFACE_ACTIVE);
    g_assert_cmpint(ncf_if_down(eth3), ==, 0);
    ncf_if_free(eth3);
    undefine_all(ncf);
    g_assert_cmpint(ncf_close(ncf), ==, 0);
}

static void
test_status_errors(Fixture *fixture, gconstpointer data)
{
    struct netcf *ncf = fixture->ncf;
    struct netcf_if *eth1 = define(ncf, eth1_xml);
    struct netcf_if *stale = lookup(ncf, "eth1");
    unsigned int flags = 0;

    g_assert_cmpint(ncf_if_status(eth1, NULL), ==, -1);
    assert_error(ncf, NETCF_EOTHER, "unspecified error", "flags");
    g_assert_cmpint(ncf_if_undefine(eth1), ==, 0);
    assert_no_error(ncf);

    /* every call on the undefined interface fails with a code and details */
    g_assert_cmpint(ncf_if_status(stale, &flags), ==, -1);
    assert_error(ncf, NETCF_ENOENT, "required entry missing", "eth1");
    g_assert_null(ncf_if_xml_desc(stale));
    assert_error(ncf, NETCF_ENOENT, "required entry missing", "eth1");
    g_assert_null(ncf_if_xml_state(stale));
    assert_error(ncf, NETCF_ENOENT, "required entry missing", "eth1");
    g_assert_cmpint(ncf_if_up(stale), ==, -1);
    assert_error(ncf, NETCF_ENOENT, "required entry missing", "eth1");
    g_assert_cmpint(ncf_if_down(stale), ==, -1);
    assert_error(ncf, NETCF_ENOENT, "required entry missing", "eth1");
    g_assert_cmpint(ncf_if_undefine(stale), ==, -1);
    assert_error(ncf, NETCF_ENOENT, "required entry missing", "eth1");
    /* the name stays; a successful call clears the error */
    g_assert_cmpstr(ncf_if_name(stale), ==, "eth1");
    assert_no_error(ncf);
    ncf_if_free(stale);
    ncf_if_free(eth1);
}

/* undefine --------------------------------------------------------------- */

static void
test_undefine(Fixture *fixture, gconstpointer data)
{
    struct netcf *ncf = fixture->ncf;
    struct netcf_if *br0 = define(ncf, br0_xml);
    g_autofree char *profiles = profiles_of("eth0");
    g_autofree char *device = NULL;

    g_assert_cmpstr(profiles, ==, "br0-port-eth0>br0");
    g_assert_cmpint(ncf_if_undefine(br0), ==, 0);
    assert_no_error(ncf);
    assert_not_found(ncf, "br0");
    assert_list(ncf, ALL, "");
    /* the port went with it */
    g_clear_pointer(&profiles, g_free);
    profiles = profiles_of("eth0");
    g_assert_cmpstr(profiles, ==, "");
    profiles = (g_free(profiles), profiles_of("br0"));
    g_assert_cmpstr(profiles, ==, "");
    g_assert_cmpstr(ncf_if_name(br0), ==, "br0");
    ncf_if_free(br0);

    /* undefine does not start or stop anything: an inactive eth1 stays so */
    br0 = define(ncf, eth1_xml);
    g_assert_cmpint(ncf_if_undefine(br0), ==, 0);
    device = run("nmcli -g GENERAL.STATE device show eth1");
    g_assert_cmpstr(g_strstrip(device), ==, "30 (disconnected)");
    ncf_if_free(br0);
}

/* transactions ------------------------------------------------------------ */

static const char eth1_onboot_xml[] = "<interface type='ethernet' name='eth1'>"
                                      "<start mode='onboot'/></interface>";

static void
test_change(Fixture *fixture, gconstpointer data)
{
    struct netcf *ncf = fixture->ncf;
    struct netcf *other = NULL;
    struct netcf_if *eth1 = define(ncf, eth1_xml);
    g_autofree char *desc = xml_desc(eth1);
    g_autofree char *desc_now = NULL;

    /* nothing open */
    g_assert_cmpint(ncf_change_commit(ncf, 0), ==, -1);
    assert_error(ncf, NETCF_EINVALIDOP, "Operation invalid in this state", "transaction");
    g_assert_cmpint(ncf_change_rollback(ncf, 0), ==, -1);
    assert_error(ncf, NETCF_EINVALIDOP, "Operation invalid in this state", "transaction");
    g_assert_cmpint(ncf_change_begin(ncf, 1), ==, -1);
    assert_error(ncf, NETCF_EOTHER, "unspecified error", "flags");

    /* begin, change, roll back */
    g_assert_cmpint(ncf_change_begin(ncf, 0), ==, 0);
    assert_no_error(ncf);
    g_assert_cmpint(ncf_change_begin(ncf, 0), ==, -1);
    assert_error(ncf, NETCF_EINVALIDOP, "Operation invalid in this state", "transaction");
    /* host-wide: another handle sees it open */
    g_assert_cmpint(ncf_init(&other, NULL), ==, 0);
    g_assert_cmpint(ncf_change_begin(other, 0), ==, -1);
    assert_error(other, NETCF_EINVALIDOP, "Operation invalid in this state", "transaction");
    ncf_if_free(define(ncf, eth3_xml));
    ncf_if_free(define(ncf, eth1_onboot_xml));
    assert_list(ncf, ALL, "eth1,eth3");
    g_assert_cmpint(ncf_change_rollback(ncf, 0), ==, 0);
    assert_no_error(ncf);
    assert_list(ncf, ALL, "eth1");
    desc_now = xml_desc(eth1);
    g_assert_cmpstr(desc_now, ==, desc);
    g_assert_cmpint(ncf_change_rollback(ncf, 0), ==, -1);
    assert_error(ncf, NETCF_EINVALIDOP, "Operation invalid in this state", "transaction");

    /* begin in one handle, commit from another (the transaction outlives
     * the handle, as libvirt needs across daemon restarts) */
    g_assert_cmpint(ncf_change_begin(other, 0), ==, 0);
    g_assert_cmpint(ncf_close(other), ==, 0);
    ncf_if_free(define(ncf, eth3_xml));
    g_assert_cmpint(ncf_change_commit(ncf, 0), ==, 0);
    assert_no_error(ncf);
    assert_list(ncf, ALL, "eth1,eth3");
    g_assert_cmpint(ncf_change_commit(ncf, 0), ==, -1);
    assert_error(ncf, NETCF_EINVALIDOP, "Operation invalid in this state", "transaction");
    ncf_if_free(eth1);
}

/* NetworkManager away and back ------------------------------------------- */

static void
assert_daemon_down(struct netcf *ncf, gint64 start)
{
    assert_error(ncf, NETCF_EOTHER, "unspecified error", "NetworkManager is not running");
    g_assert_cmpint(g_get_monotonic_time() - start, <, 5 * G_USEC_PER_SEC);
}

static void
test_daemon(Fixture *fixture, gconstpointer data)
{
    struct netcf *before = fixture->ncf;
    struct netcf *during = NULL;
    struct netcf_if *eth1 = define(before, eth1_xml);
    struct netcf_if *nif = NULL;
    unsigned int flags = 0;
    gint64 start = 0;

    nm_ctl("stop");
    /* init succeeds (libvirtd would exit otherwise) */
    g_assert_cmpint(ncf_init(&during, NULL), ==, 0);

    start = g_get_monotonic_time();
    g_assert_cmpint(ncf_num_of_interfaces(during, ALL), ==, -1);
    assert_daemon_down(during, start);
    start = g_get_monotonic_time();
    g_assert_cmpint(ncf_num_of_interfaces(before, ALL), ==, -1);
    assert_daemon_down(before, start);
    /* a lookup fails with an error: not "no such interface" */
    g_assert_null(ncf_lookup_by_name(before, "eth1"));
    assert_daemon_down(before, start);
    g_assert_null(ncf_define(during, eth3_xml));
    assert_daemon_down(during, start);
    g_assert_cmpint(ncf_if_status(eth1, &flags), ==, -1);
    assert_daemon_down(before, start);
    g_assert_cmpint(ncf_if_up(eth1), ==, -1);
    assert_daemon_down(before, start);
    g_assert_null(ncf_if_mac_string(eth1));
    assert_daemon_down(before, start);

    nm_ctl("start");
    /* both handles work again, and see every profile at once */
    assert_list(before, ALL, "eth1");
    assert_list(during, ALL, "eth1");
    nif = lookup(during, "eth1");
    g_assert_cmpuint(status(nif), ==, NETCF_IFACE_INACTIVE);
    ncf_if_free(nif);
    g_assert_cmpuint(status(eth1), ==, NETCF_IFACE_INACTIVE);

    /* a restart between two calls; the first call after it a transaction */
    nm_ctl("restart");
    g_assert_cmpint(ncf_change_begin(before, 0), ==, 0);
    ncf_if_free(define(before, eth3_xml));
    g_assert_cmpint(ncf_change_rollback(before, 0), ==, 0);
    assert_list(before, ALL, "eth1");
    ncf_if_free(eth1);
    g_assert_cmpint(ncf_close(during), ==, 0);
}

/* threads ---------------------------------------------------------------- */

#define THREADS    4
#define ITERATIONS 25

typedef struct {
    struct netcf *ncf;
    guint index;
    guint failures;
} Worker;

static gpointer
worker_run(gpointer data)
{
    Worker *worker = data;
    struct netcf *ncf = worker->ncf;
    static const char *const names[] = { "br0", "eth1", "eth3" };

    for (guint i = 0; i < ITERATIONS; i++) {
        const char *name = names[(i + worker->index) % G_N_ELEMENTS(names)];
        struct netcf_if *nif = NULL;
        char *xml = NULL;
        char *listed[3] = { NULL, NULL, NULL };
        unsigned int flags = 0;

        /* the count never changes; the states do (the last worker starts
         * and stops eth1 meanwhile) */
        if (ncf_num_of_interfaces(ncf, ALL) != 3 || ncf_list_interfaces(ncf, 3, listed, ALL) != 3)
            worker->failures++;
        for (guint k = 0; k < 3; k++)
            free(listed[k]);
        nif = ncf_lookup_by_name(ncf, name);
        if (nif == NULL) {
            worker->failures++;
            continue;
        }
        if (ncf_if_status(nif, &flags) != 0)
            worker->failures++;
        xml = ncf_if_xml_desc(nif);
        if (xml == NULL || strstr(xml, name) == NULL)
            worker->failures++;
        free(xml);
        (void)ncf_if_mac_string(nif);
        if (worker->index == THREADS - 1 && g_str_equal(name, "eth1") &&
            (ncf_if_up(nif) != 0 || ncf_if_down(nif) != 0))
            worker->failures++;
        ncf_if_free(nif);
    }
    return NULL;
}

static void
test_threads(Fixture *fixture, gconstpointer data)
{
    struct netcf *ncf = fixture->ncf;
    Worker workers[THREADS];
    GThread *threads[THREADS];

    ncf_if_free(define(ncf, br0_xml));
    ncf_if_free(define(ncf, eth1_xml));
    ncf_if_free(define(ncf, eth3_xml));
    for (guint i = 0; i < THREADS; i++) {
        workers[i] = (Worker){ ncf, i, 0 };
        threads[i] = g_thread_new("netcf-worker", worker_run, &workers[i]);
    }
    for (guint i = 0; i < THREADS; i++) {
        g_thread_join(threads[i]);
        g_assert_cmpuint(workers[i].failures, ==, 0);
    }
    assert_list(ncf, ALL, "br0,eth1,eth3");
    assert_list(ncf, NETCF_IFACE_ACTIVE, "");
}

/* libvirtd keeps its handle: a profile nmcli changes, adds or deletes a
 * moment before a call is seen by that call, every time */
static void
test_nmcli_edits(Fixture *fixture, gconstpointer data)
{
    struct netcf_if *nif = define(fixture->ncf, "<interface type='bridge' name='br5'>"
                                                "<start mode='none'/><bridge stp='off'/>"
                                                "</interface>");
    g_autofree char *after_delete = NULL;

    for (guint i = 1; i <= 20; i++) {
        g_autofree char *command = g_strdup_printf(
            "nmcli connection modify br5 ipv4.method manual ipv4.addresses 198.51.100.%u/24", i);
        g_autofree char *expected = g_strdup_printf("address='198.51.100.%u'", i);
        g_autofree char *out = run(command);
        g_autofree char *xml = xml_desc(nif);

        g_assert_nonnull(strstr(xml, expected));
    }
    ncf_if_free(nif);
    g_free(run("nmcli connection add type bridge con-name br6 ifname br6 autoconnect no "
               "ipv4.method disabled ipv6.method ignore"));
    nif = lookup(fixture->ncf, "br6");
    ncf_if_free(nif);
    g_free(run("nmcli connection delete br6"));
    assert_not_found(fixture->ncf, "br6");
    after_delete = list(fixture->ncf, ALL);
    g_assert_null(strstr(after_delete, "br6"));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    /* never against the host's NetworkManager */
    if (g_getenv("NMVIRT_SANDBOX") == NULL || g_getenv("NMVIRT_SANDBOX_KEYFILE_DIR") == NULL)
        g_error("run me inside nmvirt-sandbox (see tests/plugin/meson.build)");

#define ADD(path, func) g_test_add(path, Fixture, NULL, fixture_setup, func, fixture_teardown)
    g_test_add_func("/netcf/init-no-bus", test_init_no_bus);
    g_test_add_func("/netcf/init-close", test_init_close);
    ADD("/netcf/close-in-use", test_close_in_use);
    ADD("/netcf/define/create", test_define_create);
    ADD("/netcf/define/replace", test_define_replace);
    ADD("/netcf/define/invalid", test_define_invalid);
    ADD("/netcf/lookup/name", test_lookup_name);
    ADD("/netcf/lookup/mac", test_lookup_mac);
    ADD("/netcf/list", test_list);
    ADD("/netcf/mac", test_mac);
    ADD("/netcf/up-down", test_up_down);
    ADD("/netcf/up-fails", test_up_fails);
    ADD("/netcf/status-errors", test_status_errors);
    ADD("/netcf/undefine", test_undefine);
    ADD("/netcf/change", test_change);
    ADD("/netcf/daemon", test_daemon);
    ADD("/netcf/threads", test_threads);
    ADD("/netcf/nmcli-edits", test_nmcli_edits);
#undef ADD
    return g_test_run();
}
