/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <gio/gio.h>

#include "nmvirt-test-util.h"

static void
test_error_names(void)
{
    for (int code = 0; code < NMVIRT_ERROR_LAST; code++)
        g_assert_nonnull(nmvirt_error_to_string(code));
    g_assert_cmpstr(nmvirt_error_to_string(NMVIRT_ERROR_INVALID_XML), ==, "invalid-xml");
    g_assert_cmpstr(nmvirt_error_to_string(NMVIRT_ERROR_CONFLICT), ==, "conflict");
    g_assert_null(nmvirt_error_to_string(NMVIRT_ERROR_LAST));
}

static void
test_error_convert(void)
{
    g_autoptr(GError) io = g_error_new_literal(G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "nope");
    g_autoptr(GError) nm =
        g_error_new_literal(NM_CONNECTION_ERROR, NM_CONNECTION_ERROR_INVALID_PROPERTY, "bad");
    g_autoptr(GError) other = g_error_new_literal(G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "x");
    g_autoptr(GError) ours = g_error_new_literal(NMVIRT_ERROR, NMVIRT_ERROR_TIMEOUT, "late");
    GError *none = NULL;

    nmvirt_error_convert(&io);
    g_assert_error(io, NMVIRT_ERROR, NMVIRT_ERROR_PERMISSION_DENIED);
    g_assert_cmpstr(io->message, ==, "nope");
    nmvirt_error_convert(&nm);
    g_assert_error(nm, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_PROFILE);
    nmvirt_error_convert(&other);
    g_assert_error(other, NMVIRT_ERROR, NMVIRT_ERROR_INTERNAL);
    nmvirt_error_convert(&ours);
    g_assert_error(ours, NMVIRT_ERROR, NMVIRT_ERROR_TIMEOUT);
    nmvirt_error_convert(&none);
    g_assert_null(none);
    nmvirt_error_convert(NULL);
}

static void
test_error_iface_name(void)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(nmvirt_iface_name_check("eth0.42", NULL));
    g_assert_true(nmvirt_iface_name_check("abcdefghijklmno", NULL));
    g_assert_false(nmvirt_iface_name_check("abcdefghijklmnop", &error));
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML);
    g_assert_nonnull(strstr(error->message, "at most 15"));
    g_clear_error(&error);
    g_assert_false(nmvirt_iface_name_check("eth0:1", &error));
    g_assert_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML);
    g_clear_error(&error);
    g_assert_false(nmvirt_iface_name_check("a/b", &error));
    g_clear_error(&error);
    g_assert_false(nmvirt_iface_name_check("a b", &error));
    g_clear_error(&error);
    g_assert_false(nmvirt_iface_name_check("..", &error));
    g_clear_error(&error);
    g_assert_false(nmvirt_iface_name_check("", &error));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/nmvirt/error/names", test_error_names);
    g_test_add_func("/nmvirt/error/convert", test_error_convert);
    g_test_add_func("/nmvirt/error/iface-name", test_error_iface_name);
    return g_test_run();
}
