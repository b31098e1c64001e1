/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__NMVIRT_H_INSIDE__) && !defined(NMVIRT_COMPILATION)
#error "Only <nmvirt.h> can be included directly."
#endif

#include <gio/gio.h>
#include <NetworkManager.h>

G_BEGIN_DECLS

#define NMVIRT_TYPE_CLIENT (nmvirt_client_get_type())
G_DECLARE_FINAL_TYPE(NmvirtClient, nmvirt_client, NMVIRT, CLIENT, GObject)

/**
 * NmvirtListFlags:
 * @NMVIRT_LIST_FLAGS_NONE: no flag; the same as both flags
 * @NMVIRT_LIST_FLAGS_INACTIVE: interfaces that are not active
 * @NMVIRT_LIST_FLAGS_ACTIVE: interfaces that are active
 *
 * Which interfaces nmvirt_client_list() returns. The values are libvirt's
 * `VIR_CONNECT_LIST_INTERFACES_INACTIVE` and `_ACTIVE`.
 *
 * Since: 0.1
 */
typedef enum /*< flags >*/ {
    NMVIRT_LIST_FLAGS_NONE = 0,
    NMVIRT_LIST_FLAGS_INACTIVE = 1 << 0,
    NMVIRT_LIST_FLAGS_ACTIVE = 1 << 1,
} NmvirtListFlags;

/**
 * NmvirtXmlFlags:
 * @NMVIRT_XML_FLAGS_NONE: the live state when the interface is active,
 *   else the configuration (as libvirt does)
 * @NMVIRT_XML_FLAGS_INACTIVE: always the configuration
 *
 * Since: 0.1
 */
typedef enum /*< flags >*/ {
    NMVIRT_XML_FLAGS_NONE = 0,
    NMVIRT_XML_FLAGS_INACTIVE = 1 << 0,
} NmvirtXmlFlags;

/* Default time nmvirt_client_start_async() waits for activation. */
#define NMVIRT_CLIENT_START_TIMEOUT_MS 90000

/* construction: the client lives in the thread-default main context of the
 * caller of _new_async(); nmvirt_client_new() makes a private one */
void nmvirt_client_new_async(GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data);
G_GNUC_WARN_UNUSED_RESULT
NmvirtClient *nmvirt_client_new_finish(GAsyncResult *result, GError **error);
G_GNUC_WARN_UNUSED_RESULT
NmvirtClient *nmvirt_client_new(GCancellable *cancellable, GError **error);

NMClient *nmvirt_client_get_nm_client(NmvirtClient *self);

/* queries: answered from NetworkManager's state as the client sees it */
G_GNUC_WARN_UNUSED_RESULT
GStrv nmvirt_client_list(NmvirtClient *self, NmvirtListFlags flags, GError **error);
gboolean nmvirt_client_has_interface(NmvirtClient *self, const char *name);
gboolean nmvirt_client_lookup(NmvirtClient *self, const char *name, GError **error);
G_GNUC_WARN_UNUSED_RESULT
char *nmvirt_client_get_mac(NmvirtClient *self, const char *name, GError **error);
G_GNUC_WARN_UNUSED_RESULT
GStrv nmvirt_client_lookup_by_mac(NmvirtClient *self, const char *mac, GError **error);
gboolean nmvirt_client_is_active(NmvirtClient *self, const char *name, gboolean *active,
                                 GError **error);
G_GNUC_WARN_UNUSED_RESULT
char *nmvirt_client_get_xml(NmvirtClient *self, const char *name, NmvirtXmlFlags flags,
                            GError **error);

/* actions */
void nmvirt_client_define_async(NmvirtClient *self, const char *xml, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
G_GNUC_WARN_UNUSED_RESULT
char *nmvirt_client_define_finish(NmvirtClient *self, GAsyncResult *result, GError **error);
void nmvirt_client_undefine_async(NmvirtClient *self, const char *name, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean nmvirt_client_undefine_finish(NmvirtClient *self, GAsyncResult *result, GError **error);
void nmvirt_client_start_async(NmvirtClient *self, const char *name, guint timeout_ms,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data);
gboolean nmvirt_client_start_finish(NmvirtClient *self, GAsyncResult *result, GError **error);
void nmvirt_client_stop_async(NmvirtClient *self, const char *name, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
gboolean nmvirt_client_stop_finish(NmvirtClient *self, GAsyncResult *result, GError **error);

/* transactions (nmvirt-client-transaction.c) */
void nmvirt_client_change_begin_async(NmvirtClient *self, guint timeout_s,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data);
gboolean nmvirt_client_change_begin_finish(NmvirtClient *self, GAsyncResult *result,
                                           GError **error);
void nmvirt_client_change_commit_async(NmvirtClient *self, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
gboolean nmvirt_client_change_commit_finish(NmvirtClient *self, GAsyncResult *result,
                                            GError **error);
void nmvirt_client_change_rollback_async(NmvirtClient *self, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
gboolean nmvirt_client_change_rollback_finish(NmvirtClient *self, GAsyncResult *result,
                                              GError **error);

/* synchronous wrappers (nmvirt-client-sync.c): each runs the async call and
 * iterates the client's main context until it is done */
G_GNUC_WARN_UNUSED_RESULT
char *nmvirt_client_define(NmvirtClient *self, const char *xml, GCancellable *cancellable,
                           GError **error);
gboolean nmvirt_client_undefine(NmvirtClient *self, const char *name, GCancellable *cancellable,
                                GError **error);
gboolean nmvirt_client_start(NmvirtClient *self, const char *name, guint timeout_ms,
                             GCancellable *cancellable, GError **error);
gboolean nmvirt_client_stop(NmvirtClient *self, const char *name, GCancellable *cancellable,
                            GError **error);
/* timeout_s 0 = none */
gboolean nmvirt_client_change_begin(NmvirtClient *self, guint timeout_s, GCancellable *cancellable,
                                    GError **error);
gboolean nmvirt_client_change_commit(NmvirtClient *self, GCancellable *cancellable, GError **error);
gboolean nmvirt_client_change_rollback(NmvirtClient *self, GCancellable *cancellable,
                                       GError **error);

G_END_DECLS
