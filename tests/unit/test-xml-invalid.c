/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "nmvirt-test-util.h"

#define EXPECT_PREFIX "<!-- expect: "
#define EXPECT_SUFFIX " -->"

/*
 * Each tests/data/invalid/<file>.xml starts with one line
 *
 *   <!-- expect: CODE: FRAGMENT -->
 *
 * where CODE is an nmvirt_error_to_string() name and FRAGMENT a substring
 * the error message must contain. The comment is part of the document
 * (even of the malformed ones), so line numbers in messages count it.
 */
static void
read_expectation(const char *contents, NmvirtError *code, char **fragment)
{
    const char *end = strchr(contents, '\n');
    g_autofree char *line = NULL;
    g_autofree char *code_name = NULL;
    const char *rest;
    const char *colon;
    gboolean found = FALSE;

    g_assert_nonnull(end);
    line = g_strndup(contents, end - contents);
    g_assert_true(g_str_has_prefix(line, EXPECT_PREFIX));
    g_assert_true(g_str_has_suffix(line, EXPECT_SUFFIX));
    line[strlen(line) - strlen(EXPECT_SUFFIX)] = '\0';
    rest = line + strlen(EXPECT_PREFIX);
    colon = strstr(rest, ": ");
    g_assert_nonnull(colon);
    code_name = g_strndup(rest, colon - rest);
    for (int i = 0; i < NMVIRT_ERROR_LAST; i++) {
        if (g_strcmp0(nmvirt_error_to_string(i), code_name) == 0) {
            *code = i;
            found = TRUE;
        }
    }
    if (!found)
        g_error("unknown error code '%s' in expectation line", code_name);
    *fragment = g_strdup(colon + 2);
    g_assert_cmpstr(*fragment, !=, "");
}

static void
test_invalid_file(gconstpointer data)
{
    const char *path = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) error_string = NULL;
    g_autoptr(NmvirtIfaceDef) def = NULL;
    g_autofree char *contents = NULL;
    g_autofree char *fragment = NULL;
    gsize len = 0;
    NmvirtError code = NMVIRT_ERROR_INTERNAL;

    g_assert_true(g_file_get_contents(path, &contents, &len, &error));
    g_assert_no_error(error);
    read_expectation(contents, &code, &fragment);

    def = nmvirt_xml_parse_file(path, &error);
    g_assert_null(def);
    g_assert_error(error, NMVIRT_ERROR, (gint)code);
    if (strstr(error->message, fragment) == NULL)
        g_test_fail_printf("message \"%s\" lacks \"%s\"", error->message, fragment);
    /* the file name leads the message */
    g_assert_true(g_str_has_prefix(error->message, path));

    /* the same from a string without a source name: no prefix */
    def = nmvirt_xml_parse_string(contents, (gssize)len, NULL, &error_string);
    g_assert_null(def);
    g_assert_error(error_string, NMVIRT_ERROR, (gint)code);
    g_assert_cmpstr(error->message + strlen(path) + strlen(": "), ==, error_string->message);
}

int
main(int argc, char **argv)
{
    g_autofree char *dir = NULL;
    guint n_files;

    g_test_init(&argc, &argv, NULL);

    dir = g_test_build_filename(G_TEST_DIST, "data", "invalid", NULL);
    n_files = nmvirt_test_add_xml_files("/nmvirt/xml/invalid", dir, test_invalid_file);
    /* an empty or misplaced directory must fail, not pass vacuously */
    g_assert_cmpuint(n_files, >=, 40);
    return g_test_run();
}
