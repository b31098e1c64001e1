/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Our own documents (tests/data/valid) through the whole translator chain,
 * with the NetworkManager settings pinned by golden keyfiles in
 * tests/data/keyfiles/<document>/.
 */
#include "nmvirt-test-util.h"

static void
test_roundtrip_document(gconstpointer data)
{
    const char *path = data;
    g_autofree char *base = g_path_get_basename(path);
    g_autofree char *name = g_strndup(base, strlen(base) - 4);
    g_autofree char *golden_dir =
        g_test_build_filename(G_TEST_DIST, "data", "keyfiles", name, NULL);

    nmvirt_test_check_document(path, golden_dir);
}

int
main(int argc, char **argv)
{
    g_autofree char *dir = NULL;
    guint count;

    g_test_init(&argc, &argv, NULL);
    dir = g_test_build_filename(G_TEST_DIST, "data", "valid", NULL);
    count = nmvirt_test_add_xml_files("/nmvirt/roundtrip", dir, test_roundtrip_document);
    /* an empty or missing directory must fail, not pass with no tests */
    g_assert_cmpuint(count, >=, 30);
    return g_test_run();
}
