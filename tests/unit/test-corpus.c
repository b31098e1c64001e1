/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Conformance: every document of the third-party corpus (netcf's and
 * libvirt's own test documents, kept outside this project in
 * $NMVIRT_CORPUS_DIR) must validate, translate into profiles that verify
 * and are normalized, and translate back into semantically equal XML, also
 * through keyfiles.
 */
#include "nmvirt-test-util.h"

/* netcf: 21 documents, libvirt: 1; fewer means the corpus was not found whole. */
#define NMVIRT_CORPUS_MIN_FILES 22

static void
test_corpus_document(gconstpointer data)
{
    nmvirt_test_check_document(data, NULL);
}

int
main(int argc, char **argv)
{
    const char *corpus = g_getenv("NMVIRT_CORPUS_DIR");
    const char *const subdirs[] = { "netcf", "libvirt" };
    guint count = 0;

    g_test_init(&argc, &argv, NULL);
    g_assert_nonnull(corpus);
    for (guint i = 0; i < G_N_ELEMENTS(subdirs); i++) {
        g_autofree char *dir = g_build_filename(corpus, subdirs[i], NULL);
        g_autofree char *prefix = g_strdup_printf("/nmvirt/corpus/%s", subdirs[i]);
        count += nmvirt_test_add_xml_files(prefix, dir, test_corpus_document);
    }
    g_assert_cmpuint(count, >=, NMVIRT_CORPUS_MIN_FILES);
    return g_test_run();
}
