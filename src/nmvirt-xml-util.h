/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Typed attribute getters and the one error shape of the XML layer:
 *
 *   interface 'NAME', line N, <ELEMENT ATTR>: WHAT; expected WHAT INSTEAD
 *
 * The interface part is left out when no interface name is known yet, the
 * attribute when the problem is the element itself.
 */
#pragma once

#include <glib.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "nmvirt-error.h"
#include "nmvirt-iface-def.h"

G_BEGIN_DECLS

/* Initialises libxml2 once per process (thread-safe); every entry point of
 * the XML layer calls it first. */
void nmvirt_xml_init(void);

/* An enum of the model with its XML spellings (the tables of
 * nmvirt-iface-def.c), for nmvirt_xml_prop_enum(). */
typedef struct {
    int (*from_string)(const char *str);
    const char *(*to_string)(guint value);
    guint n_values;
} NmvirtXmlEnum;

extern const NmvirtXmlEnum nmvirt_xml_enum_iface_type;
extern const NmvirtXmlEnum nmvirt_xml_enum_start_mode;
extern const NmvirtXmlEnum nmvirt_xml_enum_link_state;
extern const NmvirtXmlEnum nmvirt_xml_enum_bond_mode;
extern const NmvirtXmlEnum nmvirt_xml_enum_bond_carrier;
extern const NmvirtXmlEnum nmvirt_xml_enum_arp_validate;
extern const NmvirtXmlEnum nmvirt_xml_enum_ip_family;

/* <protocol family=>: "ipv4" / "ipv6" (the model has no table for it). */
const char *nmvirt_xml_ip_family_to_string(NmvirtIpFamily family);
int nmvirt_xml_ip_family_from_string(const char *str);

/* Errors. @iface, @element and @attr may be NULL; @line 0 means unknown.
 * @format is the translated "what; expected" part. */
void nmvirt_xml_set_error_at(GError **error, NmvirtError code, const char *iface, guint line,
                             const char *element, const char *attr, const char *format, ...)
    G_GNUC_PRINTF(7, 8);
void nmvirt_xml_set_error(GError **error, NmvirtError code, xmlNode *node, const char *iface,
                          const char *attr, const char *format, ...) G_GNUC_PRINTF(6, 7);

/* Converts one libxml2 error (parser or RelaxNG) into NMVIRT_ERROR_INVALID_XML
 * with its line (and column, or element and interface) and libxml2's text. */
void nmvirt_xml_set_error_from_libxml(GError **error, const xmlError *xml_error);
/* The same from parts: @node (may be NULL) wins over @line and @column. */
void nmvirt_xml_set_libxml_error(GError **error, xmlNode *node, int line, int column,
                                 const char *message);

/* Tree helpers: only element children count; text and comments are skipped. */
guint nmvirt_xml_node_line(xmlNode *node);
gboolean nmvirt_xml_node_is(xmlNode *node, const char *name);
xmlNode *nmvirt_xml_first_element(xmlNode *parent);
xmlNode *nmvirt_xml_next_element(xmlNode *node);

/* Getters. Each returns 1 when the attribute is present and valid, 0 when it
 * is absent (the output is left alone), -1 with @error set when it is
 * invalid. The _required variants return TRUE/FALSE and treat absence as
 * an error. @expected is a translated noun phrase for the message
 * ("a whole number of milliseconds"). */
char *nmvirt_xml_prop_string(xmlNode *node, const char *attr);
gboolean nmvirt_xml_prop_string_required(xmlNode *node, const char *iface, const char *attr,
                                         const char *expected, char **value, GError **error);
int nmvirt_xml_prop_uint(xmlNode *node, const char *iface, const char *attr, guint min, guint max,
                         const char *expected, guint *value, GError **error);
gboolean nmvirt_xml_prop_uint_required(xmlNode *node, const char *iface, const char *attr,
                                       guint min, guint max, const char *expected, guint *value,
                                       GError **error);
int nmvirt_xml_prop_enum(xmlNode *node, const char *iface, const char *attr,
                         const NmvirtXmlEnum *table, int *value, GError **error);
gboolean nmvirt_xml_prop_enum_required(xmlNode *node, const char *iface, const char *attr,
                                       const NmvirtXmlEnum *table, int *value, GError **error);
int nmvirt_xml_prop_yes_no(xmlNode *node, const char *iface, const char *attr,
                           NmvirtTristate *value, GError **error);
int nmvirt_xml_prop_on_off(xmlNode *node, const char *iface, const char *attr,
                           NmvirtTristate *value, GError **error);

G_END_DECLS
