/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <NetworkManager.h>

#include "nmvirt-error.h"
#include "nmvirt-iface-def.h"
#include "nmvirt-keyfile.h"
#include "nmvirt-map.h"
#include "nmvirt-xml.h"

G_BEGIN_DECLS

/*
 * Semantic comparison of two interface XML documents, independent of
 * nmvirt's own parser. Normalised before comparing (the documented
 * defaults, README "Mapping"): comments, white space, attribute order and
 * quoting; <link> elements (live state only); prefix='0', updelay='0',
 * downdelay='0' and <mtu size='0'/> (all mean absent); an empty ipv4
 * <protocol/>; address spelling (canonical IP text, lower-case MACs); a
 * top-level vlan without a name (named parent.tag). Children of one element
 * may come in any order across element names, but elements of the same name
 * (ip addresses, ports, members) keep their order.
 * Returns NULL when equal, else a description of the first difference.
 */
char *nmvirt_test_xml_diff(const char *expected, const char *actual);
#define nmvirt_test_assert_xml_equal(expected, actual)                                             \
    G_STMT_START                                                                                   \
    {                                                                                              \
        g_autofree char *nmvirt_diff_ = nmvirt_test_xml_diff((expected), (actual));                \
        if (nmvirt_diff_ != NULL)                                                                  \
            g_error("XML differs: %s\n--- expected\n%s--- actual\n%s", nmvirt_diff_, (expected),   \
                    (actual));                                                                     \
    }                                                                                              \
    G_STMT_END

/* nmvirt_xml_parse_string() of @xml (@source names it in errors)
 * succeeds; returns the definition. */
NmvirtIfaceDef *nmvirt_test_parse(const char *xml, const char *source);

/* Every profile verifies and nm_connection_normalize() changes nothing. */
void nmvirt_test_assert_profiles_normalized(GPtrArray *profiles);

/*
 * The whole translator chain on one document: parse, to_nm, verify and
 * normalize-unchanged, from_nm back to XML semantically equal to the input,
 * and the same through keyfiles written and read with libnm. When
 * @golden_dir is not NULL, each profile's keyfile text must equal
 * @golden_dir/<id>.nmconnection (NMVIRT_UPDATE_GOLDEN=1 rewrites them).
 */
void nmvirt_test_check_document(const char *path, const char *golden_dir);

/* Registers @func once per *.xml file of @dir (sorted) under @prefix/<file
 * name without .xml>; returns how many it registered. */
guint nmvirt_test_add_xml_files(const char *prefix, const char *dir, GTestDataFunc func);

G_END_DECLS
