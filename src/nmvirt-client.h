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

/**
 * NmvirtInterfaceEvent:
 * @NMVIRT_INTERFACE_EVENT_DEFINED: a new interface: its identity profile
 *   appeared
 * @NMVIRT_INTERFACE_EVENT_UNDEFINED: the interface is gone: it has no
 *   identity profile any more (the XML is %NULL)
 * @NMVIRT_INTERFACE_EVENT_ACTIVATED: the interface became active
 * @NMVIRT_INTERFACE_EVENT_DEACTIVATED: the interface is no longer active
 * @NMVIRT_INTERFACE_EVENT_CHANGED: the interface stayed active (or
 *   inactive) but its XML changed: a port or member came or went, a link
 *   went up or down, an address was added or removed, or (inactive) the
 *   configuration was redefined
 *
 * What happened to an interface, in #NmvirtClient::interface-changed.
 *
 * Since: 0.1
 */
typedef enum {
    NMVIRT_INTERFACE_EVENT_DEFINED,
    NMVIRT_INTERFACE_EVENT_UNDEFINED,
    NMVIRT_INTERFACE_EVENT_ACTIVATED,
    NMVIRT_INTERFACE_EVENT_DEACTIVATED,
    NMVIRT_INTERFACE_EVENT_CHANGED,
} NmvirtInterfaceEvent;

/**
 * NmvirtBridgeFlags:
 * @NMVIRT_BRIDGE_FLAGS_NONE: no flag: STP on, and the interface started
 *   afterwards
 * @NMVIRT_BRIDGE_FLAGS_NO_STP: nmvirt_client_bridge_async() only: the new
 *   bridge has STP off (`virsh iface-bridge --no-stp`)
 * @NMVIRT_BRIDGE_FLAGS_NO_START: define only: start nothing afterwards
 *   (`--no-start` of `virsh iface-bridge` and `iface-unbridge`)
 *
 * Options of nmvirt_client_bridge_async() and nmvirt_client_unbridge_async().
 *
 * Since: 0.1
 */
typedef enum /*< flags >*/ {
    NMVIRT_BRIDGE_FLAGS_NONE = 0,
    NMVIRT_BRIDGE_FLAGS_NO_STP = 1 << 0,
    NMVIRT_BRIDGE_FLAGS_NO_START = 1 << 1,
} NmvirtBridgeFlags;

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
void nmvirt_client_catch_up_async(NmvirtClient *self, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean nmvirt_client_catch_up_finish(NmvirtClient *self, GAsyncResult *result, GError **error);
gboolean nmvirt_client_catch_up(NmvirtClient *self, GCancellable *cancellable, GError **error);

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

/* bridge and unbridge (nmvirt-client-bridge.c), as virsh iface-bridge and
 * iface-unbridge; @delay: seconds, negative for the default */
void nmvirt_client_bridge_async(NmvirtClient *self, const char *iface, const char *bridge,
                                NmvirtBridgeFlags flags, double delay, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
gboolean nmvirt_client_bridge_finish(NmvirtClient *self, GAsyncResult *result, GError **error);
void nmvirt_client_unbridge_async(NmvirtClient *self, const char *bridge, NmvirtBridgeFlags flags,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
G_GNUC_WARN_UNUSED_RESULT
char *nmvirt_client_unbridge_finish(NmvirtClient *self, GAsyncResult *result, GError **error);

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
gboolean nmvirt_client_bridge(NmvirtClient *self, const char *iface, const char *bridge,
                              NmvirtBridgeFlags flags, double delay, GCancellable *cancellable,
                              GError **error);
G_GNUC_WARN_UNUSED_RESULT
char *nmvirt_client_unbridge(NmvirtClient *self, const char *bridge, NmvirtBridgeFlags flags,
                             GCancellable *cancellable, GError **error);

/* timeout_s 0 = none */
gboolean nmvirt_client_change_begin(NmvirtClient *self, guint timeout_s, GCancellable *cancellable,
                                    GError **error);
gboolean nmvirt_client_change_commit(NmvirtClient *self, GCancellable *cancellable, GError **error);
gboolean nmvirt_client_change_rollback(NmvirtClient *self, GCancellable *cancellable,
                                       GError **error);

/* monitoring (nmvirt-client-monitor.c): the "interface-changed" signal */
gboolean nmvirt_client_monitor_start(NmvirtClient *self, GError **error);
void nmvirt_client_monitor_stop(NmvirtClient *self);

G_END_DECLS
