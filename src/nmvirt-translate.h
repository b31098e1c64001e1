/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__NMVIRT_H_INSIDE__) && !defined(NMVIRT_COMPILATION)
#error "Only <nmvirt.h> can be included directly."
#endif

#include <NetworkManager.h>

G_BEGIN_DECLS

G_GNUC_WARN_UNUSED_RESULT
gboolean nmvirt_xml_validate(const char *xml, GError **error);
G_GNUC_WARN_UNUSED_RESULT
char *nmvirt_xml_normalize(const char *xml, GError **error);
G_GNUC_WARN_UNUSED_RESULT
GPtrArray *nmvirt_xml_to_connections(const char *xml, GError **error);
G_GNUC_WARN_UNUSED_RESULT
GPtrArray *nmvirt_xml_merge_connections(const char *xml, GPtrArray *existing, GError **error);
G_GNUC_WARN_UNUSED_RESULT
char *nmvirt_connections_to_xml(GPtrArray *connections, const char *iface_name, GError **error);

G_END_DECLS
