/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Keyfile reading: profiles other tools wrote, and keyfiles that lack what
 * is needed.
 */
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>

#include "nmvirt-test-util.h"
#include "nmvirt-translate.h"

static char *
test_keyfile_write_tmp(const char *dir, const char *name, const char *text)
{
    char *path = g_build_filename(dir, name, NULL);

    g_assert_true(g_file_set_contents(path, text, -1, NULL));
    g_assert_cmpint(g_chmod(path, 0600), ==, 0);
    return path;
}

/* A bridge with a port as `nmcli connection add` writes them: the port
 * names its master by UUID, no nmvirt user data. */
static void
test_keyfile_foreign_bridge(void)
{
    g_autofree char *dir = g_dir_make_tmp("nmvirt-kf-XXXXXX", NULL);
    g_autofree char *bridge = test_keyfile_write_tmp(
        dir, "bridge-br7.nmconnection",
        "[connection]\nid=bridge-br7\nuuid=0b6d42a4-5b1f-4c53-9a4c-2c31c8c1a111\ntype=bridge\n"
        "interface-name=br7\n\n[ethernet]\n\n[bridge]\nstp=false\n\n"
        "[ipv4]\naddress1=192.0.2.7/24,192.0.2.1\nmethod=manual\n\n[ipv6]\naddr-gen-mode=default\n"
        "method=disabled\n\n[proxy]\n");
    g_autofree char *port = test_keyfile_write_tmp(
        dir, "bridge-slave-eth7.nmconnection",
        "[connection]\nid=bridge-slave-eth7\nuuid=6f1f3a43-7c0e-4a57-8f0a-9f1c2f3b4222\n"
        "type=ethernet\ninterface-name=eth7\nmaster=0b6d42a4-5b1f-4c53-9a4c-2c31c8c1a111\n"
        "slave-type=bridge\n\n[ethernet]\n\n[bridge-port]\n");
    g_autoptr(GPtrArray) profiles = g_ptr_array_new_with_free_func(g_object_unref);
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;

    g_ptr_array_add(profiles, nmvirt_keyfile_read(port, &error));
    g_assert_no_error(error);
    g_ptr_array_add(profiles, nmvirt_keyfile_read(bridge, &error));
    g_assert_no_error(error);
    xml = nmvirt_connections_to_xml(profiles, NULL, &error);
    g_assert_no_error(error);
    nmvirt_test_assert_xml_equal("<interface type='bridge' name='br7'>"
                                 "<start mode='onboot'/>"
                                 "<protocol family='ipv4'>"
                                 "<ip address='192.0.2.7' prefix='24'/>"
                                 "<route gateway='192.0.2.1'/></protocol>"
                                 "<bridge stp='off' delay='15'>"
                                 "<interface type='ethernet' name='eth7'/>"
                                 "</bridge></interface>",
                                 xml);
    g_unlink(bridge);
    g_unlink(port);
    g_rmdir(dir);
}

static void
test_keyfile_missing_uuid(void)
{
    g_autofree char *dir = g_dir_make_tmp("nmvirt-kf-XXXXXX", NULL);
    g_autofree char *path = test_keyfile_write_tmp(
        dir, "eth0.nmconnection",
        "[connection]\nid=eth0\ntype=ethernet\ninterface-name=eth0\n\n[ipv4]\nmethod=auto\n");
    g_autoptr(GError) error = NULL;
    g_autoptr(NMConnection) connection = nmvirt_keyfile_read(path, &error);

    g_assert_null(connection);
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_PROFILE);
    g_assert_nonnull(strstr(error->message, "connection.uuid"));
    g_assert_nonnull(strstr(error->message, path));
    g_unlink(path);
    g_rmdir(dir);
}

static void
test_keyfile_not_a_profile(void)
{
    g_autofree char *dir = g_dir_make_tmp("nmvirt-kf-XXXXXX", NULL);
    g_autofree char *garbage = test_keyfile_write_tmp(dir, "a.nmconnection", "not = [a keyfile");
    g_autofree char *nogroup =
        test_keyfile_write_tmp(dir, "b.nmconnection", "[ipv4]\nmethod=auto\n");
    g_autofree char *missing = g_build_filename(dir, "none.nmconnection", NULL);
    g_autoptr(GError) error = NULL;

    g_assert_null(nmvirt_keyfile_read(garbage, &error));
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_PROFILE);
    g_clear_error(&error);
    g_assert_null(nmvirt_keyfile_read(nogroup, &error));
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_PROFILE);
    g_assert_nonnull(strstr(error->message, "[connection]"));
    g_clear_error(&error);
    g_assert_null(nmvirt_keyfile_read(missing, &error));
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_NOT_FOUND);
    g_unlink(garbage);
    g_unlink(nogroup);
    g_rmdir(dir);
}

static void
test_keyfile_two_top_levels(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) a =
        nmvirt_xml_to_connections("<interface type='ethernet' name='eth0'/>", &error);
    g_autoptr(GPtrArray) b = NULL;
    g_autoptr(GPtrArray) both = g_ptr_array_new();
    g_autofree char *xml = NULL;

    g_assert_no_error(error);
    b = nmvirt_xml_to_connections("<interface type='ethernet' name='eth1'/>", &error);
    g_assert_no_error(error);
    g_ptr_array_add(both, g_ptr_array_index(a, 0));
    g_ptr_array_add(both, g_ptr_array_index(b, 0));
    xml = nmvirt_connections_to_xml(both, NULL, &error);
    g_assert_null(xml);
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_PROFILE);
    g_clear_error(&error);
    xml = nmvirt_connections_to_xml(both, "eth1", &error);
    g_assert_no_error(error);
    g_assert_nonnull(strstr(xml, "name='eth1'"));
}

/* A write that fails half way (here at the file size limit) leaves the
 * old keyfile whole and names the file; a good write gives mode 0600. */
static void
test_keyfile_write_failure_keeps_old(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *path = NULL;
    g_autofree char *old = NULL;
    g_autofree char *after = NULL;
    g_autoptr(GPtrArray) small = NULL;
    g_autoptr(GPtrArray) large = NULL;
    g_autoptr(GError) error = NULL;
    struct rlimit limit = { 0 };
    rlim_t saved;
    GStatBuf st;
    gsize old_len = 0;

    if (!g_test_subprocess()) {
        g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
        g_test_trap_assert_passed();
        return;
    }
    dir = g_dir_make_tmp("nmvirt-kf-XXXXXX", &error);
    g_assert_no_error(error);
    small = nmvirt_xml_to_connections("<interface type='ethernet' name='eth0'/>", &error);
    g_assert_no_error(error);
    large = nmvirt_xml_to_connections("<interface type='ethernet' name='eth0'>"
                                      "<mtu size='9000'/><mac address='52:54:00:12:34:56'/>"
                                      "<protocol family='ipv4'><ip address='192.0.2.10' "
                                      "prefix='24'/><route gateway='192.0.2.1'/></protocol>"
                                      "</interface>",
                                      &error);
    g_assert_no_error(error);

    path = nmvirt_keyfile_write(g_ptr_array_index(small, 0), dir, &error);
    g_assert_no_error(error);
    g_assert_cmpint(g_stat(path, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0600);
    g_assert_true(g_file_get_contents(path, &old, &old_len, NULL));

    /* no file may grow beyond the old keyfile's size */
    signal(SIGXFSZ, SIG_IGN);
    g_assert_cmpint(getrlimit(RLIMIT_FSIZE, &limit), ==, 0);
    saved = limit.rlim_cur;
    limit.rlim_cur = old_len;
    g_assert_cmpint(setrlimit(RLIMIT_FSIZE, &limit), ==, 0);
    g_assert_null(nmvirt_keyfile_write(g_ptr_array_index(large, 0), dir, &error));
    limit.rlim_cur = saved;
    g_assert_cmpint(setrlimit(RLIMIT_FSIZE, &limit), ==, 0);
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_IO);
    g_assert_nonnull(strstr(error->message, path));

    g_assert_true(g_file_get_contents(path, &after, NULL, NULL));
    g_assert_cmpstr(after, ==, old);
    g_assert_cmpint(g_unlink(path), ==, 0);
    /* nothing else is left behind (no temporary file) */
    g_assert_cmpint(g_rmdir(dir), ==, 0);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/nmvirt/keyfile/read/foreign-bridge", test_keyfile_foreign_bridge);
    g_test_add_func("/nmvirt/keyfile/read/missing-uuid", test_keyfile_missing_uuid);
    g_test_add_func("/nmvirt/keyfile/read/not-a-profile", test_keyfile_not_a_profile);
    g_test_add_func("/nmvirt/keyfile/to-xml/two-top-levels", test_keyfile_two_top_levels);
    g_test_add_func("/nmvirt/keyfile/write/failure-keeps-old",
                    test_keyfile_write_failure_keeps_old);
    return g_test_run();
}
