/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * nmvirt-test-xml-equal EXPECTED ACTUAL: exit 0 when the two interface XML
 * files are semantically equal (see nmvirt_test_xml_diff), else print the
 * first difference and exit 1. Used by the CLI tests.
 */
#include "nmvirt-test-util.h"

int
main(int argc, char **argv)
{
    g_autofree char *expected = NULL;
    g_autofree char *actual = NULL;
    g_autofree char *diff = NULL;
    g_autoptr(GError) error = NULL;

    if (argc != 3) {
        g_printerr("usage: %s EXPECTED ACTUAL\n", argv[0]);
        return 2;
    }
    if (!g_file_get_contents(argv[1], &expected, NULL, &error) ||
        !g_file_get_contents(argv[2], &actual, NULL, &error)) {
        g_printerr("%s\n", error->message);
        return 2;
    }
    diff = nmvirt_test_xml_diff(expected, actual);
    if (diff != NULL) {
        g_printerr("%s: %s\n", argv[2], diff);
        return 1;
    }
    return 0;
}
