/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internals shared by the nmvirt-xml-*.c files: cleanup functions for the
 * libxml2 types we hold, the schema validator and the semantic checks.
 * Not installed; tests may include it.
 */
#pragma once

#include <glib.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>

#include "nmvirt-iface-def.h"

G_BEGIN_DECLS

/* libxml2 frees through a function pointer (xmlFree is a macro over
 * __xmlFree() in threaded builds), so wrap it in a real function. */
static inline void
nmvirt_xml_free_string(xmlChar *str)
{
    if (str != NULL)
        xmlFree(str);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlChar, nmvirt_xml_free_string)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlParserCtxt, xmlFreeParserCtxt)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlRelaxNGParserCtxt, xmlRelaxNGFreeParserCtxt)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlRelaxNGValidCtxt, xmlRelaxNGFreeValidCtxt)

/* Refuse documents larger than this before libxml2 sees them: an interface
 * document with hundreds of ports is a few tens of KiB. */
#define NMVIRT_XML_MAX_SIZE (1024 * 1024)

/* nmvirt-xml-validate.c: RelaxNG check of @doc against the compiled-in
 * data/interface.rng. The schema is compiled once per process. The first
 * error becomes NMVIRT_ERROR_INVALID_XML with its line number; @detail
 * (nullable) receives libxml2's text of it alone. */
gboolean nmvirt_xml_schema_validate(xmlDoc *doc, char **detail, GError **error);

/* nmvirt-xml-check.c: rules the schema cannot express.
 *
 * Where an element may appear: @parent_type is the type of the enclosing
 * interface, or NMVIRT_IFACE_TYPE_LAST for the root. Nested interfaces
 * call this with their parent's type, so every nesting rule is here. */
gboolean nmvirt_xml_check_nesting(NmvirtIfaceType parent_type, NmvirtIfaceType type, xmlNode *node,
                                  const char *parent_name, GError **error);
gboolean nmvirt_xml_check_child(NmvirtIfaceType type, gboolean top_level, xmlNode *child,
                                const char *iface, GError **error);
gboolean nmvirt_xml_check_once(xmlNode *child, const char *iface, GError **error);
void nmvirt_xml_set_unexpected_error(GError **error, xmlNode *child, const char *iface,
                                     const char *allowed);
gboolean nmvirt_xml_check_payload(NmvirtIfaceType type, gboolean found, xmlNode *node,
                                  const char *iface, GError **error);

/* Value checks; each reports against @node/@attr. */
gboolean nmvirt_xml_check_name(const char *name, xmlNode *node, const char *iface, GError **error);
gboolean nmvirt_xml_check_mac(const char *value, xmlNode *node, const char *iface, const char *attr,
                              char **canonical, GError **error);
gboolean nmvirt_xml_check_ip(const char *value, NmvirtIpFamily family, xmlNode *node,
                             const char *iface, const char *attr, char **canonical, GError **error);
gboolean nmvirt_xml_check_delay(const char *value, xmlNode *node, const char *iface,
                                GError **error);
/* @parent is the vlan's parent reference, @outer the interface the vlan is
 * a port of (or NULL): a vlan cannot sit on itself or on its own bridge. */
gboolean nmvirt_xml_check_vlan_parent(const char *parent, const char *vlan, const char *outer,
                                      xmlNode *node, GError **error);

/* Whole-document rules, run on the finished model @def of the tree under
 * @root: unique names, then the NMVIRT_ERROR_UNSUPPORTED combinations (last,
 * so that an invalid document is always reported as invalid). */
gboolean nmvirt_xml_check_document(const NmvirtIfaceDef *def, xmlNode *root, GError **error);

G_END_DECLS
