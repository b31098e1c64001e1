/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Seams between the parts of NmvirtClient: nmvirt-client.c (object,
 * queries, identity over NetworkManager's profiles), nmvirt-client-define.c
 * (define/undefine planning), nmvirt-client-bridge.c (bridge and unbridge:
 * define plans with the IP configuration moved verbatim),
 * nmvirt-client-write.c (running a plan with a journal, cache catch-up),
 * nmvirt-client-activate.c (start, the "active" rule),
 * nmvirt-client-stop.c (stop), nmvirt-client-reason.c (words for
 * NetworkManager's states and reasons), nmvirt-client-live.c (live state as
 * a model), nmvirt-client-transaction*.c (begin, commit, rollback),
 * nmvirt-client-sync.c (sync wrappers).
 */
#pragma once

#include "nmvirt-client.h"
#include "nmvirt-iface-def.h"
#include "nmvirt-journal.h"

G_BEGIN_DECLS

/* nmvirt-client.c ---------------------------------------------------------- */

/* The profiles nmvirt deals with: every profile NetworkManager has except
 * the ones it generated for devices it does not manage (flags EXTERNAL,
 * VOLATILE or NM_GENERATED: virbr0, vnetN, docker0 …).
 * Returns (element-type NMRemoteConnection) (transfer container). */
GPtrArray *nmvirt_client_get_profiles(NmvirtClient *self);

/* The identity profile of top-level interface @name (README "Merge":
 * interface-name, not a port; the active one first, then priority,
 * timestamp, UUID), or NULL. (transfer none) */
NMRemoteConnection *nmvirt_client_find_profile(NmvirtClient *self, const char *name);

/* The NetworkManager device named @name (realized or not), or NULL. (transfer none) */
NMDevice *nmvirt_client_find_device(NmvirtClient *self, const char *name);

/* Iterates the client's main context until *@done is TRUE. */
void nmvirt_client_iterate_until(NmvirtClient *self, const gboolean *done);

/* NMVIRT_ERROR_DAEMON "NetworkManager is not running" when it is not. */
gboolean nmvirt_client_check_running(NmvirtClient *self, GError **error);

/* nmvirt-client-activate.c ----------------------------------------------------- */

/* The one "active" rule (design.md): @profile is applied on @device, the
 * device is NM_DEVICE_STATE_ACTIVATED, and the kernel shows it UP (and
 * LOWER_UP, except for bridges). */
gboolean nmvirt_client_profile_is_active(NmvirtClient *self, NMRemoteConnection *profile);

/* Carrier changes reach us through no signal: sysfs is read this often. */
#define NMVIRT_CLIENT_POLL_MS 100

/* The active connection of the profile with @uuid not yet deactivated (else any), or NULL. */
NMActiveConnection *nmvirt_client_find_active(NMClient *nm, const char *uuid);

/* The port and member profiles of @profile, recursively. (element-type NMRemoteConnection) */
GPtrArray *nmvirt_client_get_ports(NmvirtClient *self, NMRemoteConnection *profile);

/* An error of an activation or deactivation request as ours (transfer full). */
GError *nmvirt_client_request_error(const GError *error);

/* Destroys and releases *@source (if any) and sets it to NULL. */
void nmvirt_client_clear_source(GSource **source);

/* Attaches @source to @nm's context, holding a reference on @task until it is destroyed. */
GSource *nmvirt_client_attach_source(NMClient *nm, GSource *source, GSourceFunc func, GTask *task);

/* nmvirt-client-reason.c ------------------------------------------------------- */

/* Words for an active connection's state reason (always some). (transfer full) */
char *nmvirt_client_active_reason_to_string(NMActiveConnectionStateReason reason);

/* Words for a device's state reason, or NULL for those that explain nothing. (transfer full) */
char *nmvirt_client_device_reason_to_string(NMDeviceStateReason reason);

/* Words for a device state. (transfer none) */
const char *nmvirt_client_device_state_to_string(NMDeviceState state);

/* Words for an active connection's state. (transfer none) */
const char *nmvirt_client_active_state_to_string(NMActiveConnectionState state);

/* "90", "1.5": @ms as seconds for messages. (transfer full) */
char *nmvirt_client_format_seconds(guint ms);

/* nmvirt-client-define.c, nmvirt-client-write.c --------------------------------- */

/* What one write of a plan does. */
typedef enum {
    NMVIRT_CLIENT_WRITE_ADD,
    NMVIRT_CLIENT_WRITE_UPDATE,
    NMVIRT_CLIENT_WRITE_DELETE,
} NmvirtClientWriteKind;

/* One write of a plan. */
typedef struct {
    NmvirtClientWriteKind kind;
    NMRemoteConnection *profile; /* UPDATE, DELETE */
    NMConnection *settings;      /* ADD, UPDATE: the new settings */
    guint32 flags;               /* NMSettingsAddConnection2Flags / NMSettingsUpdate2Flags */
} NmvirtClientWrite;

/* The plan of a define or undefine: the task data of both. */
typedef struct {
    char *name;          /* the top-level interface */
    NmvirtIfaceDef *def; /* define: the document; NULL for undefine */
    GPtrArray *writes;   /* (element-type NmvirtClientWrite), in order */
    NmvirtJournal *journal;
    /* define: profiles the merge must not take for an interface of the
     * document (NMConnection set; NULL: none), so that bridge and unbridge
     * keep the UUID of the profile they move */
    GHashTable *merge_skip;
    guint pending;
    GError *error; /* the first failure */
} NmvirtClientPlan;

/* A new, empty plan for interface @name, and its end. */
NmvirtClientPlan *nmvirt_client_define_plan_new(const char *name);
void nmvirt_client_define_plan_free(NmvirtClientPlan *plan);

/* Appends a write; @profile (UPDATE, DELETE) is recorded in the journal. */
void nmvirt_client_define_plan_add(NmvirtClientPlan *plan, NmvirtClientWriteKind kind,
                                   NMRemoteConnection *profile, NMConnection *settings,
                                   guint32 flags);

/* Define's plan for plan->def, from the profiles as the client sees them:
 * checks (managed devices), merge (minus plan->merge_skip), the writes of
 * the document's profiles, dropped ports, takeover. The first writes are
 * the document's profiles, one per interface in nmvirt_map_to_nm() order
 * (an UPDATE without settings for a profile that does not change). */
gboolean nmvirt_client_define_prepare(NmvirtClient *self, NmvirtClientPlan *plan, GError **error);

/* Appends the resumption of every profile suspended for interface @name
 * (user data nmvirt.suspended-by) that @plan does not touch yet. */
gboolean nmvirt_client_define_prepare_resume(NmvirtClientPlan *plan, GPtrArray *profiles,
                                             const char *name, GError **error);

/* What runs next with the task, once the cache is up to date. */
typedef void (*NmvirtClientNext)(GTask *task);

/* Sends every write of the plan (the task data of @task), then restores on failure and returns. */
void nmvirt_client_write_plan_run(NmvirtClient *self, GTask *task);

/* Brings the client's cache up to date, then calls @next with @task. */
void nmvirt_client_write_catch_up(GTask *task, NmvirtClientNext next);

/* nmvirt-client-live.c ------------------------------------------------------------ */

/* The live model of top-level interface @name whose identity profile is
 * @profile: type and tree from the kernel and NetworkManager's devices,
 * MAC, <link state speed> on every non-bridge interface, the addresses
 * really assigned (link-local included), bridge ports as the kernel lists
 * them (VM taps too), bond members with their live state. */
NmvirtIfaceDef *nmvirt_client_live_def(NmvirtClient *self, const char *name,
                                       NMRemoteConnection *profile, GError **error);

/* What nmvirt_client_get_xml() formats for @profile, interface @name: the
 * live model when @live, else the configuration read from the profiles. */
NmvirtIfaceDef *nmvirt_client_interface_def(NmvirtClient *self, const char *name,
                                            NMRemoteConnection *profile, gboolean live,
                                            GError **error);

/* nmvirt-client-transaction.c ------------------------------------------------------ */

typedef enum {
    NMVIRT_CLIENT_TRANSACTION_FLAGS_NONE = 0,
    /* rollback: no error when no transaction is open (the boot-time unit) */
    NMVIRT_CLIENT_TRANSACTION_FLAGS_IF_OPEN = 1 << 0,
} NmvirtClientTransactionFlags;

/* nmvirt_client_change_rollback_async() with @flags; the result is also
 * for nmvirt_client_change_rollback_finish(). *@was_open: whether there
 * was a transaction to roll back (FALSE only with IF_OPEN). */
void nmvirt_client_change_rollback_full_async(NmvirtClient *self,
                                              NmvirtClientTransactionFlags flags,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
gboolean nmvirt_client_change_rollback_full_finish(NmvirtClient *self, GAsyncResult *result,
                                                   gboolean *was_open, GError **error);

/* Rolls back the open transaction when its timeout has passed (only the
 * one with @id, when not NULL); nothing to do is success. @wait: wait for
 * another process's lock, else a busy lock means nothing to do now. Costs
 * one stat() when no transaction is open; does nothing while
 * NetworkManager is not running. */
void nmvirt_client_transaction_expire_async(NmvirtClient *self, const char *id, gboolean wait,
                                            GAsyncReadyCallback callback, gpointer user_data);
gboolean nmvirt_client_transaction_expire_finish(NmvirtClient *self, GAsyncResult *result,
                                                 GError **error);

/* nmvirt-client-sync.c: the sync forms of the two above */
gboolean nmvirt_client_change_rollback_full(NmvirtClient *self, NmvirtClientTransactionFlags flags,
                                            gboolean *was_open, GCancellable *cancellable,
                                            GError **error);
gboolean nmvirt_client_transaction_expire(NmvirtClient *self, const char *id, gboolean wait,
                                          GError **error);

G_END_DECLS
