/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "nmvirt-test-util.h"

/* ---- semantic XML comparison ------------------------------------------ */

static gboolean
nmvirt_test_is_element(xmlNode *node, const char *name)
{
    return node->type == XML_ELEMENT_NODE && g_str_equal((const char *)node->name, name);
}

static char *
nmvirt_test_prop(xmlNode *node, const char *name)
{
    xmlChar *value = xmlGetProp(node, (const xmlChar *)name);
    char *result = g_strdup((const char *)value);

    xmlFree(value);
    return result;
}

/* Canonical spelling of one attribute value, or NULL to drop the attribute. */
static char *
nmvirt_test_normalize_attr(xmlNode *element, const char *name, const char *value)
{
    const char *element_name = (const char *)element->name;

    if (g_str_equal(name, "address") || g_str_equal(name, "gateway") ||
        g_str_equal(name, "target")) {
        g_autoptr(GInetAddress) inet = g_inet_address_new_from_string(value);
        if (inet != NULL)
            return g_inet_address_to_string(inet);
        return g_ascii_strdown(value, -1); /* a MAC */
    }
    if (g_str_equal(element_name, "ip") && g_str_equal(name, "prefix") &&
        g_ascii_strtoull(value, NULL, 10) == 0)
        return NULL;
    if (g_str_equal(element_name, "miimon") &&
        (g_str_equal(name, "updelay") || g_str_equal(name, "downdelay")) &&
        g_ascii_strtoull(value, NULL, 10) == 0)
        return NULL;
    return g_strdup(value);
}

/* Drops what carries no meaning (see the header), in place. */
static void
nmvirt_test_normalize_tree(xmlNode *element, gboolean top_level)
{
    xmlNode *child = element->children;

    if (top_level && nmvirt_test_is_element(element, "interface") &&
        !xmlHasProp(element, (const xmlChar *)"name")) {
        for (xmlNode *vlan = element->children; vlan != NULL; vlan = vlan->next) {
            if (!nmvirt_test_is_element(vlan, "vlan"))
                continue;
            for (xmlNode *parent = vlan->children; parent != NULL; parent = parent->next) {
                if (nmvirt_test_is_element(parent, "interface")) {
                    g_autofree char *tag = nmvirt_test_prop(vlan, "tag");
                    g_autofree char *pname = nmvirt_test_prop(parent, "name");
                    g_autofree char *name = g_strdup_printf("%s.%s", pname, tag);
                    xmlSetProp(element, (const xmlChar *)"name", (const xmlChar *)name);
                }
            }
        }
    }
    while (child != NULL) {
        xmlNode *next = child->next;
        gboolean drop = FALSE;

        if (child->type != XML_ELEMENT_NODE) {
            drop = TRUE;
        } else if (nmvirt_test_is_element(child, "link")) {
            drop = TRUE;
        } else if (nmvirt_test_is_element(child, "mtu")) {
            g_autofree char *size = nmvirt_test_prop(child, "size");
            drop = size != NULL && g_ascii_strtoull(size, NULL, 10) == 0;
        } else if (nmvirt_test_is_element(child, "protocol")) {
            g_autofree char *family = nmvirt_test_prop(child, "family");
            gboolean empty = TRUE;
            for (xmlNode *c = child->children; c != NULL; c = c->next)
                empty = empty && c->type != XML_ELEMENT_NODE;
            drop = empty && g_strcmp0(family, "ipv4") == 0;
        }
        if (drop) {
            xmlUnlinkNode(child);
            xmlFreeNode(child);
        } else {
            nmvirt_test_normalize_tree(child, FALSE);
        }
        child = next;
    }
}

static GHashTable *
nmvirt_test_attrs(xmlNode *element)
{
    GHashTable *attrs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

    for (xmlAttr *attr = element->properties; attr != NULL; attr = attr->next) {
        g_autofree char *value = nmvirt_test_prop(element, (const char *)attr->name);
        char *normalized = nmvirt_test_normalize_attr(element, (const char *)attr->name, value);
        if (normalized != NULL)
            g_hash_table_insert(attrs, g_strdup((const char *)attr->name), normalized);
    }
    return attrs;
}

static char *nmvirt_test_element_diff(xmlNode *expected, xmlNode *actual, const char *path);

/* Children grouped by element name; order kept within a group. */
static char *
nmvirt_test_children_diff(xmlNode *expected, xmlNode *actual, const char *path)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new();

    for (xmlNode *c = expected->children; c != NULL; c = c->next)
        if (!g_ptr_array_find_with_equal_func(names, c->name, g_str_equal, NULL))
            g_ptr_array_add(names, (gpointer)c->name);
    for (xmlNode *c = actual->children; c != NULL; c = c->next)
        if (!g_ptr_array_find_with_equal_func(names, c->name, g_str_equal, NULL))
            g_ptr_array_add(names, (gpointer)c->name);

    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        xmlNode *e = expected->children, *a = actual->children;
        guint index = 0;

        for (;;) {
            g_autofree char *child_path = NULL;
            char *diff;

            while (e != NULL && !nmvirt_test_is_element(e, name))
                e = e->next;
            while (a != NULL && !nmvirt_test_is_element(a, name))
                a = a->next;
            if (e == NULL && a == NULL)
                break;
            child_path = g_strdup_printf("%s/%s[%u]", path, name, index + 1);
            if (e == NULL || a == NULL)
                return g_strdup_printf("%s: %s", child_path,
                                       e == NULL ? "unexpected element" : "missing element");
            diff = nmvirt_test_element_diff(e, a, child_path);
            if (diff != NULL)
                return diff;
            e = e->next;
            a = a->next;
            index++;
        }
    }
    return NULL;
}

static char *
nmvirt_test_element_diff(xmlNode *expected, xmlNode *actual, const char *path)
{
    g_autoptr(GHashTable) expected_attrs = nmvirt_test_attrs(expected);
    g_autoptr(GHashTable) actual_attrs = nmvirt_test_attrs(actual);
    GHashTableIter iter;
    gpointer key, value;

    if (!g_str_equal((const char *)expected->name, (const char *)actual->name))
        return g_strdup_printf("%s: element <%s> instead of <%s>", path, actual->name,
                               expected->name);
    g_hash_table_iter_init(&iter, expected_attrs);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        const char *other = g_hash_table_lookup(actual_attrs, key);
        if (g_strcmp0(other, value) != 0)
            return g_strdup_printf("%s@%s: '%s' instead of '%s'", path, (char *)key,
                                   other ? other : "(absent)", (char *)value);
    }
    g_hash_table_iter_init(&iter, actual_attrs);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        if (!g_hash_table_contains(expected_attrs, key))
            return g_strdup_printf("%s@%s: unexpected '%s'", path, (char *)key, (char *)value);
    }
    return nmvirt_test_children_diff(expected, actual, path);
}

static xmlDoc *
nmvirt_test_read_xml(const char *xml)
{
    xmlDoc *doc = xmlReadMemory(xml, strlen(xml), NULL, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
                                    XML_PARSE_NOWARNING);
    if (doc != NULL)
        nmvirt_test_normalize_tree(xmlDocGetRootElement(doc), TRUE);
    return doc;
}

char *
nmvirt_test_xml_diff(const char *expected, const char *actual)
{
    xmlDoc *expected_doc = nmvirt_test_read_xml(expected);
    xmlDoc *actual_doc = nmvirt_test_read_xml(actual);
    char *diff;

    if (expected_doc == NULL || actual_doc == NULL)
        diff = g_strdup(expected_doc == NULL ? "expected document is not well-formed"
                                             : "actual document is not well-formed");
    else
        diff = nmvirt_test_element_diff(xmlDocGetRootElement(expected_doc),
                                        xmlDocGetRootElement(actual_doc), "");
    xmlFreeDoc(expected_doc);
    xmlFreeDoc(actual_doc);
    return diff;
}

/* ---- profile checks ---------------------------------------------------- */

NmvirtIfaceDef *
nmvirt_test_parse(const char *xml, const char *source)
{
    g_autoptr(GError) error = NULL;
    NmvirtIfaceDef *def = nmvirt_xml_parse_string(xml, -1, source, &error);

    g_assert_no_error(error);
    g_assert_nonnull(def);
    return def;
}

void
nmvirt_test_assert_profiles_normalized(GPtrArray *profiles)
{
    for (guint i = 0; i < profiles->len; i++) {
        NMConnection *connection = g_ptr_array_index(profiles, i);
        g_autoptr(NMConnection) copy = nm_simple_connection_new_clone(connection);
        g_autoptr(GError) error = NULL;
        gboolean modified = TRUE;

        if (!nm_connection_verify(connection, &error))
            g_error("profile '%s' does not verify: %s", nm_connection_get_id(connection),
                    error->message);
        g_assert_true(nm_connection_normalize(copy, NULL, &modified, &error));
        g_assert_no_error(error);
        if (modified)
            g_error("nm_connection_normalize() changes profile '%s'",
                    nm_connection_get_id(connection));
    }
}

static void
nmvirt_test_check_golden(GPtrArray *profiles, const char *golden_dir)
{
    gboolean update = g_strcmp0(g_getenv("NMVIRT_UPDATE_GOLDEN"), "1") == 0;

    if (update)
        g_assert_cmpint(g_mkdir_with_parents(golden_dir, 0755), ==, 0);
    for (guint i = 0; i < profiles->len; i++) {
        NMConnection *connection = g_ptr_array_index(profiles, i);
        g_autoptr(GError) error = NULL;
        g_autofree char *data = nmvirt_keyfile_to_data(connection, &error);
        g_autofree char *file =
            g_strconcat(nm_connection_get_id(connection), ".nmconnection", NULL);
        g_autofree char *path = g_build_filename(golden_dir, file, NULL);
        g_autofree char *golden = NULL;

        g_assert_no_error(error);
        if (update) {
            g_assert_true(g_file_set_contents(path, data, -1, &error));
            continue;
        }
        if (!g_file_get_contents(path, &golden, NULL, &error))
            g_error("golden keyfile missing: %s (%s); NMVIRT_UPDATE_GOLDEN=1 writes it", path,
                    error->message);
        g_assert_cmpstr(data, ==, golden);
    }
    if (!update) {
        /* No stale golden files: exactly one per profile. */
        g_autoptr(GDir) dir = g_dir_open(golden_dir, 0, NULL);
        guint count = 0;
        g_assert_nonnull(dir);
        while (g_dir_read_name(dir) != NULL)
            count++;
        g_assert_cmpuint(count, ==, profiles->len);
    }
}

static void
nmvirt_test_check_keyfile_roundtrip(GPtrArray *profiles, const char *input)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("nmvirt-test-XXXXXX", &error);
    g_autoptr(GPtrArray) read_back = g_ptr_array_new_with_free_func(g_object_unref);
    g_autoptr(NmvirtIfaceDef) def = NULL;
    g_autofree char *xml = NULL;

    g_assert_no_error(error);
    for (guint i = 0; i < profiles->len; i++) {
        g_autofree char *path = nmvirt_keyfile_write(g_ptr_array_index(profiles, i), dir, &error);
        NMConnection *connection;
        GStatBuf st;

        g_assert_no_error(error);
        g_assert_cmpint(g_stat(path, &st), ==, 0);
        g_assert_cmpint(st.st_mode & 0777, ==, 0600);
        connection = nmvirt_keyfile_read(path, &error);
        g_assert_no_error(error);
        g_ptr_array_add(read_back, connection);
        g_assert_true(nm_connection_compare(connection, g_ptr_array_index(profiles, i),
                                            NM_SETTING_COMPARE_FLAG_EXACT));
        g_assert_cmpint(g_unlink(path), ==, 0);
    }
    g_assert_cmpint(g_rmdir(dir), ==, 0);
    def = nmvirt_map_from_nm(g_ptr_array_index(read_back, 0), read_back, &error);
    g_assert_no_error(error);
    xml = nmvirt_xml_format(def);
    nmvirt_test_assert_xml_equal(input, xml);
}

void
nmvirt_test_check_document(const char *path, const char *golden_dir)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *input = NULL;
    g_autoptr(NmvirtIfaceDef) def = NULL;
    g_autoptr(NmvirtIfaceDef) back = NULL;
    g_autoptr(GPtrArray) profiles = NULL;
    g_autoptr(GPtrArray) shuffled = NULL;
    g_autofree char *xml = NULL;
    guint n_interfaces = 0;

    g_assert_true(g_file_get_contents(path, &input, NULL, &error));
    def = nmvirt_xml_parse_string(input, -1, path, &error);
    g_assert_no_error(error);

    profiles = nmvirt_map_to_nm(def, &error);
    g_assert_no_error(error);
    /* one profile per interface in the tree */
    {
        g_autoptr(GPtrArray) stack = g_ptr_array_new();
        g_ptr_array_add(stack, def);
        while (stack->len > 0) {
            NmvirtIfaceDef *node = g_ptr_array_steal_index(stack, stack->len - 1);
            n_interfaces++;
            for (guint i = 0; i < node->members->len; i++)
                g_ptr_array_add(stack, g_ptr_array_index(node->members, i));
        }
    }
    g_assert_cmpuint(profiles->len, ==, n_interfaces);
    nmvirt_test_assert_profiles_normalized(profiles);
    if (golden_dir != NULL)
        nmvirt_test_check_golden(profiles, golden_dir);

    /* from_nm must not depend on the order profiles come in */
    shuffled = g_ptr_array_new();
    for (guint i = profiles->len; i > 0; i--)
        g_ptr_array_add(shuffled, g_ptr_array_index(profiles, i - 1));
    back = nmvirt_map_from_nm(g_ptr_array_index(profiles, 0), shuffled, &error);
    g_assert_no_error(error);
    xml = nmvirt_xml_format(back);
    nmvirt_test_assert_xml_equal(input, xml);

    nmvirt_test_check_keyfile_roundtrip(profiles, input);
}

static int
nmvirt_test_strcmp_p(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(char *const *)a, *(char *const *)b);
}

guint
nmvirt_test_add_xml_files(const char *prefix, const char *dir, GTestDataFunc func)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDir) handle = g_dir_open(dir, 0, &error);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    g_assert_no_error(error);
    while ((name = g_dir_read_name(handle)) != NULL) {
        if (g_str_has_suffix(name, ".xml"))
            g_ptr_array_add(names, g_strdup(name));
    }
    g_ptr_array_sort(names, nmvirt_test_strcmp_p);
    for (guint i = 0; i < names->len; i++) {
        const char *file = g_ptr_array_index(names, i);
        g_autofree char *base = g_strndup(file, strlen(file) - 4);
        g_autofree char *test_path = g_strdup_printf("%s/%s", prefix, base);
        /* the path string lives as long as the test program */
        char *full = g_build_filename(dir, file, NULL);
        g_test_add_data_func_full(test_path, full, func, g_free);
    }
    return names->len;
}
