/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Interface XML <-> NmvirtIfaceDef. No libnm here.
 */
#pragma once

#include <glib.h>

#include "nmvirt-iface-def.h"

G_BEGIN_DECLS

/*
 * Parses one <interface> document: well-formedness (libxml2 with
 * XML_PARSE_NONET, no entity substitution, no DTD loading), RelaxNG
 * validation against data/interface.rng (compiled in as a GResource), then
 * the semantic rules the schema cannot express. @source names the document
 * in messages (a file name), or is NULL. Errors are NMVIRT_ERROR_INVALID_XML
 * (or NMVIRT_ERROR_UNSUPPORTED for valid XML NetworkManager cannot hold),
 * with interface name, element, attribute and line in the message.
 */
NmvirtIfaceDef *nmvirt_xml_parse_string(const char *xml, gssize len, const char *source,
                                        GError **error);
NmvirtIfaceDef *nmvirt_xml_parse_file(const char *path, GError **error);

/* Formats through the libxml2 tree, in libvirt's element order, single
 * quotes, two-space indent, trailing newline. Writes only what is set
 * (a <link> only when link_state or link_speed is set). */
char *nmvirt_xml_format(const NmvirtIfaceDef *def);

G_END_DECLS
