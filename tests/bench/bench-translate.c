/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Translation speed over a set of documents (the conformance corpus, or our
 * own tests/data/valid): documents per second for parse+validate+to_nm and
 * for from_nm+format, each also as a ratio to a baseline measured in the
 * same run (a bare libxml2 parse of the same documents). Prints numbers;
 * asserts nothing about time.
 *
 *   bench-translate [DIR...] [-n ROUNDS]
 */
#include <libxml/parser.h>

#include "nmvirt-test-util.h"

typedef struct {
    GPtrArray *texts;    /* the documents */
    GPtrArray *profiles; /* per document: (element-type NMConnection) */
} BenchSet;

static void
bench_load_dir(GPtrArray *texts, const char *dir)
{
    g_autoptr(GDir) handle = g_dir_open(dir, 0, NULL);
    const char *name;

    if (handle == NULL)
        return;
    while ((name = g_dir_read_name(handle)) != NULL) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        char *text = NULL;
        if (g_str_has_suffix(name, ".xml") && g_file_get_contents(path, &text, NULL, NULL))
            g_ptr_array_add(texts, text);
    }
}

static double
bench_seconds(gint64 start)
{
    return (g_get_monotonic_time() - start) / 1e6;
}

int
main(int argc, char **argv)
{
    g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) defs =
        g_ptr_array_new_with_free_func((GDestroyNotify)nmvirt_iface_def_free);
    g_autoptr(GPtrArray) profile_sets =
        g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    guint rounds = 200;
    double t_base, t_to, t_from;
    guint n_docs;
    gint64 start;

    for (int i = 1; i < argc; i++) {
        if (g_str_equal(argv[i], "-n") && i + 1 < argc)
            rounds = (guint)g_ascii_strtoull(argv[++i], NULL, 10);
        else
            bench_load_dir(texts, argv[i]);
    }
    if (texts->len == 0) {
        g_printerr("bench-translate: no documents found\n");
        return 1;
    }
    n_docs = texts->len * rounds;

    /* warm-up: compiles the schema once, and checks every document works */
    for (guint i = 0; i < texts->len; i++) {
        g_autoptr(GError) error = NULL;
        NmvirtIfaceDef *def =
            nmvirt_xml_parse_string(g_ptr_array_index(texts, i), -1, NULL, &error);
        GPtrArray *profiles;
        if (def == NULL) {
            g_printerr("bench-translate: %s\n", error->message);
            return 1;
        }
        profiles = nmvirt_map_to_nm(def, &error);
        g_assert_no_error(error);
        g_ptr_array_add(defs, def);
        g_ptr_array_add(profile_sets, profiles);
    }

    start = g_get_monotonic_time();
    for (guint r = 0; r < rounds; r++) {
        for (guint i = 0; i < texts->len; i++) {
            const char *text = g_ptr_array_index(texts, i);
            xmlDoc *doc = xmlReadMemory(text, strlen(text), NULL, NULL, XML_PARSE_NONET);
            xmlFreeDoc(doc);
        }
    }
    t_base = bench_seconds(start);

    start = g_get_monotonic_time();
    for (guint r = 0; r < rounds; r++) {
        for (guint i = 0; i < texts->len; i++) {
            g_autoptr(NmvirtIfaceDef) def =
                nmvirt_xml_parse_string(g_ptr_array_index(texts, i), -1, NULL, NULL);
            g_autoptr(GPtrArray) profiles = nmvirt_map_to_nm(def, NULL);
            g_assert_nonnull(profiles);
        }
    }
    t_to = bench_seconds(start);

    start = g_get_monotonic_time();
    for (guint r = 0; r < rounds; r++) {
        for (guint i = 0; i < texts->len; i++) {
            GPtrArray *profiles = g_ptr_array_index(profile_sets, i);
            g_autoptr(NmvirtIfaceDef) def =
                nmvirt_map_from_nm(g_ptr_array_index(profiles, 0), profiles, NULL);
            g_autofree char *xml = nmvirt_xml_format(def);
            g_assert_nonnull(xml);
        }
    }
    t_from = bench_seconds(start);

    g_print("documents: %u, rounds: %u\n", texts->len, rounds);
    g_print("baseline libxml2 parse:        %10.0f docs/s\n", n_docs / t_base);
    g_print("parse+validate+to_nm:          %10.0f docs/s  (%.1fx the baseline's time)\n",
            n_docs / t_to, t_to / t_base);
    g_print("from_nm+format:                %10.0f docs/s  (%.1fx the baseline's time)\n",
            n_docs / t_from, t_from / t_base);
    return 0;
}
