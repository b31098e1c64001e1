/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "nmvirt-client-private.h"
#include "nmvirt-error.h"
#include "nmvirt-journal.h"
#include "nmvirt-map-private.h"
#include "nmvirt-map.h"
#include "nmvirt-xml.h"

/*
 * Define and undefine (design.md, "Define = create or update in place, and
 * take over").
 *
 * Both first compute a plan: every write (add, update, delete) in order,
 * from the profiles as the client sees them; nothing is written while the
 * plan is made, so an invalid document, a merge conflict or an unmanaged
 * device changes nothing. Then every profile the plan touches is recorded
 * in a journal, all writes go out at once on the client's D-Bus connection
 * (document order, controller first), and when every one has been
 * answered: on any failure the journal puts back what was written, so
 * NetworkManager ends as it was, and the original error is reported.
 *
 * Writes never change runtime state: BLOCK_AUTOCONNECT on adds and updates,
 * NO_REAPPLY on updates. Deleting a profile that is active does take its
 * device down in NetworkManager; undefine does that for an active
 * interface, as netcf's undefine removed the ifcfg files under a running
 * interface.
 *
 * Writes are not cancellable: once a request is on the bus NetworkManager
 * may carry it out whatever we do, and only an answer tells us it did. The
 * cancellable is checked once, before the first write.
 *
 * Test hook: when the environment variable NMVIRT_TEST_FAIL_AFTER_WRITES is
 * a number N, a define or undefine sends only its first N writes and then
 * fails (NMVIRT_ERROR_INTERNAL), as if write N+1 had been refused; the
 * journal then restores. The integration tests use it to check the
 * restore; nothing else should set it.
 */

#define NMVIRT_CLIENT_DEFINE_TEST_HOOK "NMVIRT_TEST_FAIL_AFTER_WRITES"

/* User data on a profile whose autoconnect nmvirt switched off because it
 * is bound to a device an interface of nmvirt took over: the top-level
 * interface's name. Its autoconnect was yes; undefine puts that back. */
#define NMVIRT_CLIENT_USER_SUSPENDED_BY "nmvirt.suspended-by"

typedef enum {
    NMVIRT_CLIENT_WRITE_ADD,
    NMVIRT_CLIENT_WRITE_UPDATE,
    NMVIRT_CLIENT_WRITE_DELETE,
} NmvirtClientWriteKind;

typedef struct {
    NmvirtClientWriteKind kind;
    NMRemoteConnection *profile; /* UPDATE, DELETE */
    NMConnection *settings;      /* ADD, UPDATE: the new settings */
    guint32 flags;               /* NMSettingsAddConnection2Flags / NMSettingsUpdate2Flags */
} NmvirtClientWrite;

typedef struct {
    char *name;          /* the top-level interface */
    NmvirtIfaceDef *def; /* define: the document; NULL for undefine */
    GPtrArray *writes;   /* (element-type NmvirtClientWrite), in order */
    NmvirtJournal *journal;
    guint pending;
    GError *error; /* the first failure */
} NmvirtClientPlan;

static void
nmvirt_client_define_write_free(NmvirtClientWrite *write)
{
    g_clear_object(&write->profile);
    g_clear_object(&write->settings);
    g_free(write);
}

static NmvirtClientPlan *
nmvirt_client_define_plan_new(const char *name)
{
    NmvirtClientPlan *plan = g_new0(NmvirtClientPlan, 1);

    plan->name = g_strdup(name);
    plan->writes = g_ptr_array_new_with_free_func((GDestroyNotify)nmvirt_client_define_write_free);
    plan->journal = nmvirt_journal_new();
    return plan;
}

static void
nmvirt_client_define_plan_free(NmvirtClientPlan *plan)
{
    if (plan == NULL)
        return;
    g_free(plan->name);
    g_clear_pointer(&plan->def, nmvirt_iface_def_free);
    g_ptr_array_unref(plan->writes);
    nmvirt_journal_free(plan->journal);
    g_clear_error(&plan->error);
    g_free(plan);
}

static void
nmvirt_client_define_plan_add(NmvirtClientPlan *plan, NmvirtClientWriteKind kind,
                              NMRemoteConnection *profile, NMConnection *settings, guint32 flags)
{
    NmvirtClientWrite *write = g_new0(NmvirtClientWrite, 1);

    write->kind = kind;
    write->profile = profile != NULL ? g_object_ref(profile) : NULL;
    write->settings = settings != NULL ? g_object_ref(settings) : NULL;
    write->flags = flags;
    if (profile != NULL)
        nmvirt_journal_record(plan->journal, profile);
    g_ptr_array_add(plan->writes, write);
}

static gboolean
nmvirt_client_define_plan_touches(NmvirtClientPlan *plan, NMConnection *profile)
{
    const char *uuid = nm_connection_get_uuid(profile);

    for (guint i = 0; i < plan->writes->len; i++) {
        NmvirtClientWrite *write = g_ptr_array_index(plan->writes, i);
        NMConnection *written =
            write->settings != NULL ? write->settings : NM_CONNECTION(write->profile);

        if (g_strcmp0(nm_connection_get_uuid(written), uuid) == 0)
            return TRUE;
    }
    return FALSE;
}

/* The update flags that keep @profile where it is stored (a profile of
 * somebody else that nmvirt only suspends or resumes stays in /run when it
 * is there). */
static guint32
nmvirt_client_define_keep_storage_flags(NMRemoteConnection *profile)
{
    NMSettingsUpdate2Flags flags =
        NM_SETTINGS_UPDATE2_FLAG_BLOCK_AUTOCONNECT | NM_SETTINGS_UPDATE2_FLAG_NO_REAPPLY;

    if (nmvirt_journal_storage_of(profile) == NMVIRT_JOURNAL_STORAGE_MEMORY)
        return flags | NM_SETTINGS_UPDATE2_FLAG_IN_MEMORY;
    return flags | NM_SETTINGS_UPDATE2_FLAG_TO_DISK;
}

/* Profiles --------------------------------------------------------------- */

static NMRemoteConnection *
nmvirt_client_define_by_uuid(GPtrArray *profiles, const char *uuid)
{
    for (guint i = 0; i < profiles->len; i++) {
        NMConnection *profile = g_ptr_array_index(profiles, i);

        if (g_strcmp0(nm_connection_get_uuid(profile), uuid) == 0)
            return NM_REMOTE_CONNECTION(profile);
    }
    return NULL;
}

static const char *
nmvirt_client_define_master(NMConnection *profile)
{
    NMSettingConnection *s_con = nm_connection_get_setting_connection(profile);

    return s_con != NULL ? nm_setting_connection_get_master(s_con) : NULL;
}

/* The ports and members of the interface @name whose profile has @uuid
 * (may be NULL), recursively: profiles whose connection.master is the
 * controller's interface name or UUID, and theirs (a bond's members under a
 * bridge). Depth-first order, each port before its own ports.
 * (element-type NMRemoteConnection) (transfer container) */
static GPtrArray *
nmvirt_client_define_ports(GPtrArray *profiles, const char *name, const char *uuid,
                           NMConnection *top)
{
    GPtrArray *ports = g_ptr_array_new();
    g_autoptr(GPtrArray) controllers = g_ptr_array_new_with_free_func(g_free);

    g_ptr_array_add(controllers, g_strdup(name));
    if (uuid != NULL)
        g_ptr_array_add(controllers, g_strdup(uuid));
    for (guint c = 0; c < controllers->len; c++) {
        const char *controller = g_ptr_array_index(controllers, c);

        for (guint i = 0; i < profiles->len; i++) {
            NMConnection *profile = g_ptr_array_index(profiles, i);

            if (profile == top || g_ptr_array_find(ports, profile, NULL) ||
                g_strcmp0(nmvirt_client_define_master(profile), controller) != 0)
                continue;
            g_ptr_array_add(ports, profile);
            if (nm_connection_get_interface_name(profile) != NULL)
                g_ptr_array_add(controllers, g_strdup(nm_connection_get_interface_name(profile)));
            g_ptr_array_add(controllers, g_strdup(nm_connection_get_uuid(profile)));
        }
    }
    return ports;
}

/* Define: checks -------------------------------------------------------- */

/* A device NetworkManager does not manage cannot be configured through it;
 * a placeholder for a software device that does not exist yet (not real)
 * is "unmanaged" too and is fine. */
static gboolean
nmvirt_client_define_check_managed(NmvirtClient *self, const NmvirtIfaceDef *def, const char *name,
                                   GError **error)
{
    NMDevice *device = nmvirt_client_find_device(self, name);

    if (device != NULL && nm_device_is_real(device) &&
        (!nm_device_get_managed(device) ||
         nm_device_get_state(device) == NM_DEVICE_STATE_UNMANAGED)) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_UNSUPPORTED,
                    _("NetworkManager does not manage device '%1$s', so nmvirt cannot configure "
                      "it. On Debian this is the default for interfaces listed in "
                      "/etc/network/interfaces ([ifupdown] managed=false); the device may also "
                      "match unmanaged-devices in NetworkManager.conf. To hand it to "
                      "NetworkManager, run 'nmcli device set %1$s managed yes' (until "
                      "NetworkManager restarts), or remove it from /etc/network/interfaces or "
                      "from unmanaged-devices in /etc/NetworkManager/NetworkManager.conf or "
                      "conf.d and restart NetworkManager"),
                    name);
        return FALSE;
    }
    for (guint i = 0; i < def->members->len; i++) {
        const NmvirtIfaceDef *member = g_ptr_array_index(def->members, i);
        g_autofree char *member_name = nmvirt_map_def_name(member);

        if (!nmvirt_client_define_check_managed(self, member, member_name, error))
            return FALSE;
    }
    return TRUE;
}

/* Define: takeover ------------------------------------------------------ */

/* The devices a document names: its interfaces (top, ports, members; not a
 * vlan's parent, which is only referred to) with the MAC addresses
 * profiles bind to them by: the document's <mac> and the device's. */
typedef struct {
    GHashTable *names; /* interface name */
    GPtrArray *macs;   /* (element-type utf8) */
} NmvirtClientNamed;

static void
nmvirt_client_define_named_clear(NmvirtClientNamed *named)
{
    g_clear_pointer(&named->names, g_hash_table_unref);
    g_clear_pointer(&named->macs, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(NmvirtClientNamed, nmvirt_client_define_named_clear)

static void
nmvirt_client_define_named_add_mac(NmvirtClientNamed *named, const char *mac)
{
    if (mac != NULL && *mac != '\0')
        g_ptr_array_add(named->macs, g_strdup(mac));
}

static void
nmvirt_client_define_named_collect(NmvirtClient *self, NmvirtClientNamed *named,
                                   const NmvirtIfaceDef *def, const char *name)
{
    NMDevice *device = nmvirt_client_find_device(self, name);

    g_hash_table_add(named->names, g_strdup(name));
    nmvirt_client_define_named_add_mac(named, def->mac);
    if (device != NULL && nm_device_is_real(device)) {
        if (NM_IS_DEVICE_ETHERNET(device))
            nmvirt_client_define_named_add_mac(
                named, nm_device_ethernet_get_permanent_hw_address(NM_DEVICE_ETHERNET(device)));
        nmvirt_client_define_named_add_mac(named, nm_device_get_hw_address(device));
    }
    for (guint i = 0; i < def->members->len; i++) {
        const NmvirtIfaceDef *member = g_ptr_array_index(def->members, i);
        g_autofree char *member_name = nmvirt_map_def_name(member);

        nmvirt_client_define_named_collect(self, named, member, member_name);
    }
}

/* Whether NetworkManager could apply @profile to a device the document
 * names: by interface name, or, without one, by the MAC it is bound to. */
static gboolean
nmvirt_client_define_named_binds(NmvirtClientNamed *named, NMConnection *profile)
{
    const char *ifname = nm_connection_get_interface_name(profile);
    NMSettingWired *s_wired = nm_connection_get_setting_wired(profile);
    const char *mac = s_wired != NULL ? nm_setting_wired_get_mac_address(s_wired) : NULL;

    if (ifname != NULL)
        return g_hash_table_contains(named->names, ifname);
    if (mac == NULL)
        return FALSE;
    for (guint i = 0; i < named->macs->len; i++) {
        if (nm_utils_hwaddr_matches(g_ptr_array_index(named->macs, i), -1, mac, -1))
            return TRUE;
    }
    return FALSE;
}

/* A copy of @profile with autoconnect and the suspended-by key set (NULL
 * @suspended_by removes the key). */
static NMConnection *
nmvirt_client_define_suspension(NMConnection *profile, gboolean autoconnect,
                                const char *suspended_by, GError **error)
{
    g_autoptr(NMConnection) copy = nm_simple_connection_new_clone(profile);

    g_object_set(nm_connection_get_setting_connection(copy), NM_SETTING_CONNECTION_AUTOCONNECT,
                 autoconnect, NULL);
    if (!nmvirt_map_user_data_set(copy, NMVIRT_CLIENT_USER_SUSPENDED_BY, suspended_by, error))
        return NULL;
    return g_steal_pointer(&copy);
}

/* Every other profile bound to a device the document names competes with
 * the interface: one that autoconnects is suspended (autoconnect=no plus
 * nmvirt.suspended-by=@name); one suspended by another interface is now
 * @name's. A profile @name suspended before whose device the document no
 * longer names is resumed. */
static gboolean
nmvirt_client_define_prepare_takeover(NmvirtClientPlan *plan, GPtrArray *profiles,
                                      NmvirtClientNamed *named, GError **error)
{
    for (guint i = 0; i < profiles->len; i++) {
        NMConnection *profile = g_ptr_array_index(profiles, i);
        NMSettingConnection *s_con = nm_connection_get_setting_connection(profile);
        const char *suspended_by =
            nmvirt_map_user_data_get(profile, NMVIRT_CLIENT_USER_SUSPENDED_BY);
        g_autoptr(NMConnection) settings = NULL;

        if (s_con == NULL || nmvirt_client_define_plan_touches(plan, profile))
            continue;
        if (nmvirt_client_define_named_binds(named, profile)) {
            if (nm_setting_connection_get_autoconnect(s_con))
                settings = nmvirt_client_define_suspension(profile, FALSE, plan->name, error);
            else if (suspended_by != NULL && g_strcmp0(suspended_by, plan->name) != 0)
                settings = nmvirt_client_define_suspension(profile, FALSE, plan->name, error);
            else
                continue;
        } else if (g_strcmp0(suspended_by, plan->name) == 0) {
            settings = nmvirt_client_define_suspension(profile, TRUE, NULL, error);
        } else {
            continue;
        }
        if (settings == NULL)
            return FALSE;
        g_debug(
            "define %s: %s profile %s", plan->name,
            nm_setting_connection_get_autoconnect(nm_connection_get_setting_connection(settings))
                ? "resuming"
                : "suspending",
            nm_connection_get_uuid(profile));
        nmvirt_client_define_plan_add(
            plan, NMVIRT_CLIENT_WRITE_UPDATE, NM_REMOTE_CONNECTION(profile), settings,
            nmvirt_client_define_keep_storage_flags(NM_REMOTE_CONNECTION(profile)));
    }
    return TRUE;
}

/* Define: the plan ------------------------------------------------------ */

static gboolean
nmvirt_client_define_prepare(NmvirtClient *self, NmvirtClientPlan *plan, GError **error)
{
    const NmvirtIfaceDef *def = plan->def;
    const char *name = plan->name;
    g_autoptr(GPtrArray) profiles = nmvirt_client_get_profiles(self);
    g_autoptr(GPtrArray) merged = NULL;
    NMRemoteConnection *old_top = nmvirt_client_find_profile(self, name);
    g_auto(NmvirtClientNamed) named = { NULL, NULL };

    if (!nmvirt_client_define_check_managed(self, def, name, error))
        return FALSE;
    merged = nmvirt_map_merge(def, profiles, error);
    if (merged == NULL)
        return FALSE;

    /* the document's profiles, controller first */
    for (guint i = 0; i < merged->len; i++) {
        NMConnection *profile = g_ptr_array_index(merged, i);
        NMRemoteConnection *existing =
            nmvirt_client_define_by_uuid(profiles, nm_connection_get_uuid(profile));

        if (existing == NULL) {
            nmvirt_client_define_plan_add(plan, NMVIRT_CLIENT_WRITE_ADD, NULL, profile,
                                          NM_SETTINGS_ADD_CONNECTION2_FLAG_TO_DISK |
                                              NM_SETTINGS_ADD_CONNECTION2_FLAG_BLOCK_AUTOCONNECT);
            continue;
        }
        /* the same document again: nothing to write */
        if (nmvirt_journal_storage_of(existing) == NMVIRT_JOURNAL_STORAGE_DISK &&
            nm_connection_compare(profile, NM_CONNECTION(existing),
                                  NM_SETTING_COMPARE_FLAG_EXACT)) {
            nmvirt_client_define_plan_add(plan, NMVIRT_CLIENT_WRITE_UPDATE, existing, NULL, 0);
            continue;
        }
        nmvirt_client_define_plan_add(plan, NMVIRT_CLIENT_WRITE_UPDATE, existing, profile,
                                      NM_SETTINGS_UPDATE2_FLAG_TO_DISK |
                                          NM_SETTINGS_UPDATE2_FLAG_BLOCK_AUTOCONNECT |
                                          NM_SETTINGS_UPDATE2_FLAG_NO_REAPPLY);
    }

    /* ports this interface had that the document no longer lists: of the
     * profile that was the interface (the active one first) and of the
     * profile that is it now, when merge chose another */
    for (guint pass = 0; pass < 2; pass++) {
        NMConnection *top = pass == 0 ? (NMConnection *)old_top : g_ptr_array_index(merged, 0);
        g_autoptr(GPtrArray) old_ports = NULL;

        if (pass == 1 && old_top != NULL &&
            g_strcmp0(nm_connection_get_uuid(top),
                      nm_connection_get_uuid(NM_CONNECTION(old_top))) == 0)
            break;
        old_ports = nmvirt_client_define_ports(
            profiles, name, top != NULL ? nm_connection_get_uuid(top) : NULL, top);
        for (guint i = 0; i < old_ports->len; i++) {
            NMConnection *port = g_ptr_array_index(old_ports, i);

            if (nmvirt_client_define_plan_touches(plan, port))
                continue;
            g_debug("define %s: deleting dropped port %s", name, nm_connection_get_uuid(port));
            nmvirt_client_define_plan_add(plan, NMVIRT_CLIENT_WRITE_DELETE,
                                          NM_REMOTE_CONNECTION(port), NULL, 0);
        }
    }

    named.names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    named.macs = g_ptr_array_new_with_free_func(g_free);
    nmvirt_client_define_named_collect(self, &named, def, name);
    if (!nmvirt_client_define_prepare_takeover(plan, profiles, &named, error))
        return FALSE;
    return TRUE;
}

/* Undefine: the plan ---------------------------------------------------- */

static gboolean
nmvirt_client_define_prepare_undefine(NmvirtClient *self, NmvirtClientPlan *plan, GError **error)
{
    const char *name = plan->name;
    g_autoptr(GPtrArray) profiles = nmvirt_client_get_profiles(self);
    g_autoptr(GPtrArray) ports = NULL;
    NMRemoteConnection *top = nmvirt_client_find_profile(self, name);

    if (top == NULL) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_NOT_FOUND, _("no interface named '%s'"),
                    name);
        return FALSE;
    }
    ports = nmvirt_client_define_ports(profiles, name, nm_connection_get_uuid(NM_CONNECTION(top)),
                                       NM_CONNECTION(top));
    /* the deepest ports first, the interface last */
    for (guint i = ports->len; i > 0; i--) {
        nmvirt_client_define_plan_add(plan, NMVIRT_CLIENT_WRITE_DELETE,
                                      NM_REMOTE_CONNECTION(g_ptr_array_index(ports, i - 1)), NULL,
                                      0);
    }
    nmvirt_client_define_plan_add(plan, NMVIRT_CLIENT_WRITE_DELETE, top, NULL, 0);

    for (guint i = 0; i < profiles->len; i++) {
        NMConnection *profile = g_ptr_array_index(profiles, i);
        g_autoptr(NMConnection) settings = NULL;

        if (g_strcmp0(nmvirt_map_user_data_get(profile, NMVIRT_CLIENT_USER_SUSPENDED_BY), name) !=
                0 ||
            nmvirt_client_define_plan_touches(plan, profile))
            continue;
        settings = nmvirt_client_define_suspension(profile, TRUE, NULL, error);
        if (settings == NULL)
            return FALSE;
        g_debug("undefine %s: resuming profile %s", name, nm_connection_get_uuid(profile));
        nmvirt_client_define_plan_add(
            plan, NMVIRT_CLIENT_WRITE_UPDATE, NM_REMOTE_CONNECTION(profile), settings,
            nmvirt_client_define_keep_storage_flags(NM_REMOTE_CONNECTION(profile)));
    }
    return TRUE;
}

/* Running a plan ------------------------------------------------------- */

static void nmvirt_client_define_plan_written(GTask *task);

typedef struct {
    GTask *task;
    NmvirtClientWrite *write;
} NmvirtClientWriteCall;

/* Records the outcome of one write; a failure names the profile. */
static void
nmvirt_client_define_plan_write_done(NmvirtClientWriteCall *call, GError *write_error)
{
    g_autoptr(GTask) task = call->task;
    NmvirtClientPlan *plan = g_task_get_task_data(task);
    NmvirtClientWrite *write = call->write;
    NMConnection *connection =
        write->settings != NULL ? write->settings : NM_CONNECTION(write->profile);

    g_free(call);
    if (write_error != NULL) {
        /* D-Bus trouble (NetworkManager gone, say) is the daemon's. */
        if (write_error->domain == G_DBUS_ERROR || write_error->domain == G_IO_ERROR) {
            write_error->domain = NMVIRT_ERROR;
            write_error->code = NMVIRT_ERROR_DAEMON;
        }
        nmvirt_error_convert(&write_error);
        if (write->kind == NMVIRT_CLIENT_WRITE_DELETE)
            g_prefix_error(&write_error,
                           _("interface '%1$s': NetworkManager did not delete profile '%2$s' "
                             "(%3$s): "),
                           plan->name, nm_connection_get_id(connection),
                           nm_connection_get_uuid(connection));
        else
            g_prefix_error(&write_error,
                           _("interface '%1$s': NetworkManager did not save profile '%2$s' "
                             "(%3$s): "),
                           plan->name, nm_connection_get_id(connection),
                           nm_connection_get_uuid(connection));
        if (plan->error == NULL)
            plan->error = g_steal_pointer(&write_error);
        g_clear_error(&write_error);
    }
    if (--plan->pending == 0)
        nmvirt_client_define_plan_written(task);
}

static void
nmvirt_client_define_plan_add_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    NmvirtClientWriteCall *call = user_data;
    NmvirtClientPlan *plan = g_task_get_task_data(call->task);
    GError *error = NULL;
    g_autoptr(NMRemoteConnection) profile =
        nm_client_add_connection2_finish(NM_CLIENT(source), result, NULL, &error);

    if (profile != NULL)
        nmvirt_journal_add_created(plan->journal, profile);
    nmvirt_client_define_plan_write_done(call, error);
}

static void
nmvirt_client_define_plan_update_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    NmvirtClientWriteCall *call = user_data;
    NmvirtClientPlan *plan = g_task_get_task_data(call->task);
    NMRemoteConnection *profile = NM_REMOTE_CONNECTION(source);
    GError *error = NULL;
    g_autoptr(GVariant) out = nm_remote_connection_update2_finish(profile, result, &error);

    if (out != NULL)
        nmvirt_journal_mark_updated(plan->journal, nm_connection_get_uuid(NM_CONNECTION(profile)),
                                    (call->write->flags & NM_SETTINGS_UPDATE2_FLAG_TO_DISK) != 0
                                        ? NMVIRT_JOURNAL_STORAGE_DISK
                                        : NMVIRT_JOURNAL_STORAGE_MEMORY);
    nmvirt_client_define_plan_write_done(call, error);
}

static void
nmvirt_client_define_plan_delete_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    NmvirtClientWriteCall *call = user_data;
    NmvirtClientPlan *plan = g_task_get_task_data(call->task);
    NMRemoteConnection *profile = NM_REMOTE_CONNECTION(source);
    GError *error = NULL;

    if (nm_remote_connection_delete_finish(profile, result, &error))
        nmvirt_journal_mark_deleted(plan->journal, nm_connection_get_uuid(NM_CONNECTION(profile)));
    nmvirt_client_define_plan_write_done(call, error);
}

static void
nmvirt_client_define_plan_send(NmvirtClient *self, GTask *task, NmvirtClientWrite *write)
{
    NmvirtClientPlan *plan = g_task_get_task_data(task);
    NmvirtClientWriteCall *call = g_new0(NmvirtClientWriteCall, 1);

    call->task = g_object_ref(task);
    call->write = write;
    plan->pending++;
    switch (write->kind) {
    case NMVIRT_CLIENT_WRITE_ADD:
        g_debug("%s: adding %s", plan->name, nm_connection_get_uuid(write->settings));
        nm_client_add_connection2(
            nmvirt_client_get_nm_client(self),
            nm_connection_to_dbus(write->settings, NM_CONNECTION_SERIALIZE_ALL), write->flags, NULL,
            TRUE, NULL, nmvirt_client_define_plan_add_cb, call);
        break;
    case NMVIRT_CLIENT_WRITE_UPDATE:
        g_debug("%s: updating %s", plan->name, nm_connection_get_uuid(write->settings));
        nm_remote_connection_update2(
            write->profile, nm_connection_to_dbus(write->settings, NM_CONNECTION_SERIALIZE_ALL),
            write->flags, NULL, NULL, nmvirt_client_define_plan_update_cb, call);
        break;
    case NMVIRT_CLIENT_WRITE_DELETE:
        g_debug("%s: deleting %s", plan->name,
                nm_connection_get_uuid(NM_CONNECTION(write->profile)));
        nm_remote_connection_delete_async(write->profile, NULL, nmvirt_client_define_plan_delete_cb,
                                          call);
        break;
    }
}

/* The test hook (see the top of this file): how many writes to send, or
 * G_MAXUINT. */
static guint
nmvirt_client_define_plan_test_limit(void)
{
    const char *value = g_getenv(NMVIRT_CLIENT_DEFINE_TEST_HOOK);
    guint64 limit = 0;

    if (value == NULL || !g_ascii_string_to_unsigned(value, 10, 0, G_MAXUINT - 1, &limit, NULL))
        return G_MAXUINT;
    return (guint)limit;
}

static void
nmvirt_client_define_plan_run(NmvirtClient *self, GTask *task)
{
    NmvirtClientPlan *plan = g_task_get_task_data(task);
    guint limit = nmvirt_client_define_plan_test_limit();
    guint sent = 0;

    if (g_task_return_error_if_cancelled(task))
        return;
    /* one count of our own, so that no answer completes the plan while
     * requests are still going out */
    plan->pending = 1;
    for (guint i = 0; i < plan->writes->len; i++) {
        NmvirtClientWrite *write = g_ptr_array_index(plan->writes, i);

        if (write->kind == NMVIRT_CLIENT_WRITE_UPDATE && write->settings == NULL)
            continue; /* unchanged */
        if (sent == limit) {
            plan->error = g_error_new(NMVIRT_ERROR, NMVIRT_ERROR_INTERNAL,
                                      "interface '%s': failing after %u writes (test hook %s)",
                                      plan->name, limit, NMVIRT_CLIENT_DEFINE_TEST_HOOK);
            break;
        }
        nmvirt_client_define_plan_send(self, task, write);
        sent++;
    }
    if (--plan->pending == 0)
        nmvirt_client_define_plan_written(task);
}

/* Catching up ------------------------------------------------------------ */

/*
 * libnm's cache lags behind NetworkManager: a profile changed by somebody
 * else (nmcli, a moment ago) gets its new settings only when the client has
 * seen the "Updated" signal and then fetched them (GetSettings). Merging
 * into the old settings would silently undo that change, so define and
 * undefine first bring the cache up to date, and do so again after writing,
 * so that a query right after define sees the new settings.
 *
 * Two round trips to NetworkManager do it. NetworkManager answers
 * ListConnections in order with everything else, after the signals it sent
 * before: when the first answer arrives, the client has seen those signals
 * and asked for the settings (each step waits for an idle of low priority,
 * so libnm's own pending work runs first). GetSettings is answered at once,
 * so when the second answer arrives those fetches are done too.
 */
typedef void (*NmvirtClientNext)(GTask *task);

typedef struct {
    GTask *task;
    NmvirtClientNext next;
    guint round;
} NmvirtClientCatchUp;

static void nmvirt_client_define_catch_up_round(NmvirtClientCatchUp *catch_up);

static gboolean
nmvirt_client_define_catch_up_idle_cb(gpointer user_data)
{
    NmvirtClientCatchUp *catch_up = user_data;

    if (catch_up->round < 2) {
        nmvirt_client_define_catch_up_round(catch_up);
    } else {
        g_autoptr(GTask) task = catch_up->task;

        catch_up->next(task);
        g_free(catch_up);
    }
    return G_SOURCE_REMOVE;
}

static void
nmvirt_client_define_catch_up_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    NmvirtClientCatchUp *catch_up = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) reply =
        g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
    g_autoptr(GSource) idle = g_idle_source_new();

    /* NetworkManager gone: the writes will say so */
    if (reply == NULL)
        g_debug("catching up: %s", error->message);
    g_source_set_priority(idle, G_PRIORITY_LOW);
    g_source_set_callback(idle, nmvirt_client_define_catch_up_idle_cb, catch_up, NULL);
    g_source_attach(idle, g_task_get_context(catch_up->task));
}

static void
nmvirt_client_define_catch_up_round(NmvirtClientCatchUp *catch_up)
{
    NmvirtClient *self = g_task_get_source_object(catch_up->task);
    NMClient *nm_client = nmvirt_client_get_nm_client(self);

    catch_up->round++;
    g_dbus_connection_call(nm_client_get_dbus_connection(nm_client), NM_DBUS_SERVICE,
                           NM_DBUS_PATH_SETTINGS, NM_DBUS_INTERFACE_SETTINGS, "ListConnections",
                           NULL, G_VARIANT_TYPE("(ao)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, NULL,
                           nmvirt_client_define_catch_up_cb, catch_up);
}

/* Brings the client's cache up to date, then calls @next with @task. */
static void
nmvirt_client_define_catch_up(GTask *task, NmvirtClientNext next)
{
    NmvirtClientCatchUp *catch_up = g_new0(NmvirtClientCatchUp, 1);

    catch_up->task = g_object_ref(task);
    catch_up->next = next;
    nmvirt_client_define_catch_up_round(catch_up);
}

static void
nmvirt_client_define_plan_return(GTask *task)
{
    NmvirtClientPlan *plan = g_task_get_task_data(task);

    if (plan->error != NULL)
        g_task_return_error(task, g_steal_pointer(&plan->error));
    else
        g_task_return_boolean(task, TRUE);
}

static void
nmvirt_client_define_plan_restore_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    NmvirtClientPlan *plan = g_task_get_task_data(task);
    g_autoptr(GError) restore_error = NULL;

    if (!nmvirt_journal_restore_finish(result, &restore_error)) {
        g_autofree char *message = g_strdup(plan->error->message);

        g_warning("%s: restoring the profiles failed: %s", plan->name, restore_error->message);
        g_clear_pointer(&plan->error->message, g_free);
        plan->error->message =
            g_strdup_printf(_("%1$s; putting the previous profiles back failed too: %2$s"), message,
                            restore_error->message);
    }
    nmvirt_client_define_catch_up(task, nmvirt_client_define_plan_return);
}

/* Every write has been answered. */
static void
nmvirt_client_define_plan_written(GTask *task)
{
    NmvirtClient *self = g_task_get_source_object(task);
    NmvirtClientPlan *plan = g_task_get_task_data(task);

    if (plan->error == NULL || nmvirt_journal_get_n_changes(plan->journal) == 0) {
        nmvirt_client_define_catch_up(task, nmvirt_client_define_plan_return);
        return;
    }
    g_debug("%s: %s; restoring %u profiles", plan->name, plan->error->message,
            nmvirt_journal_get_n_changes(plan->journal));
    nmvirt_journal_restore_async(plan->journal, nmvirt_client_get_nm_client(self),
                                 nmvirt_client_define_plan_restore_cb, g_object_ref(task));
}

/* Define and undefine ---------------------------------------------------- */

/* The cache is up to date: plan, then write. */
static void
nmvirt_client_define_start(GTask *task)
{
    NmvirtClient *self = g_task_get_source_object(task);
    g_autoptr(GError) error = NULL;

    if (!nmvirt_client_define_prepare(self, g_task_get_task_data(task), &error)) {
        g_task_return_error(task, g_steal_pointer(&error));
        return;
    }
    nmvirt_client_define_plan_run(self, task);
}

static void
nmvirt_client_define_undefine_start(GTask *task)
{
    NmvirtClient *self = g_task_get_source_object(task);
    g_autoptr(GError) error = NULL;

    if (!nmvirt_client_define_prepare_undefine(self, g_task_get_task_data(task), &error)) {
        g_task_return_error(task, g_steal_pointer(&error));
        return;
    }
    nmvirt_client_define_plan_run(self, task);
}

/**
 * nmvirt_client_define_async:
 * @self: a #NmvirtClient
 * @xml: an interface XML document
 * @cancellable: (nullable): a #GCancellable, or %NULL; checked before the
 *   first write only
 * @callback: (scope async): called when done
 * @user_data: (closure): data for @callback
 *
 * Creates interface @xml describes, or updates it in place: each interface
 * of the document (top level, ports, members) updates its identity profile
 * (same UUID, only what the XML speaks about changes) or gets a new one.
 * Other profiles bound to a device the document names that autoconnect are
 * suspended (`connection.autoconnect=no` and user data
 * `nmvirt.suspended-by=<name>`; nmvirt_client_undefine_async() resumes
 * them); ports the interface had and the document no longer lists are
 * deleted. Nothing is activated or deactivated.
 *
 * An invalid document, a setting kept from an existing profile that
 * conflicts with the document, or a device NetworkManager does not manage
 * (%NMVIRT_ERROR_UNSUPPORTED, saying why and how to change it) fails before
 * anything is written. A failure while writing puts every profile back as
 * it was before the error is reported.
 *
 * Since: 0.1
 */
void
nmvirt_client_define_async(NmvirtClient *self, const char *xml, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(NmvirtIfaceDef) def = NULL;
    g_autofree char *name = NULL;
    NmvirtClientPlan *plan = NULL;

    g_return_if_fail(NMVIRT_IS_CLIENT(self));
    g_return_if_fail(xml != NULL);
    g_return_if_fail(cancellable == NULL || G_IS_CANCELLABLE(cancellable));

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, nmvirt_client_define_async);

    def = nmvirt_xml_parse_string(xml, -1, NULL, &error);
    if (def == NULL || !nmvirt_client_check_running(self, &error)) {
        g_task_return_error(task, g_steal_pointer(&error));
        return;
    }
    name = nmvirt_map_def_name(def);
    plan = nmvirt_client_define_plan_new(name);
    plan->def = g_steal_pointer(&def);
    g_task_set_task_data(task, plan, (GDestroyNotify)nmvirt_client_define_plan_free);
    nmvirt_client_define_catch_up(task, nmvirt_client_define_start);
}

/**
 * nmvirt_client_define_finish:
 * @self: a #NmvirtClient
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full): the name of the interface defined, or %NULL
 *   with @error set
 *
 * Since: 0.1
 */
char *
nmvirt_client_define_finish(NmvirtClient *self, GAsyncResult *result, GError **error)
{
    NmvirtClientPlan *plan = NULL;

    g_return_val_if_fail(NMVIRT_IS_CLIENT(self), NULL);
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    g_return_val_if_fail(g_task_get_source_tag(G_TASK(result)) == nmvirt_client_define_async, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (!g_task_propagate_boolean(G_TASK(result), error))
        return NULL;
    plan = g_task_get_task_data(G_TASK(result));
    return g_strdup(plan->name);
}

/**
 * nmvirt_client_undefine_async:
 * @self: a #NmvirtClient
 * @name: the interface to remove
 * @cancellable: (nullable): a #GCancellable, or %NULL; checked before the
 *   first write only
 * @callback: (scope async): called when done
 * @user_data: (closure): data for @callback
 *
 * Deletes the identity profile of interface @name and the profiles of all
 * its ports and members, and resumes the profiles define suspended for it
 * (`connection.autoconnect=yes` again, `nmvirt.suspended-by` removed).
 * Undefine does not deactivate the interface first, as with netcf; but
 * NetworkManager takes a device down when the profile active on it is
 * deleted. A failure puts every profile back as it was.
 *
 * Since: 0.1
 */
void
nmvirt_client_undefine_async(NmvirtClient *self, const char *name, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    g_autoptr(GError) error = NULL;
    NmvirtClientPlan *plan = NULL;

    g_return_if_fail(NMVIRT_IS_CLIENT(self));
    g_return_if_fail(name != NULL);
    g_return_if_fail(cancellable == NULL || G_IS_CANCELLABLE(cancellable));

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, nmvirt_client_undefine_async);

    if (!nmvirt_client_check_running(self, &error)) {
        g_task_return_error(task, g_steal_pointer(&error));
        return;
    }
    plan = nmvirt_client_define_plan_new(name);
    g_task_set_task_data(task, plan, (GDestroyNotify)nmvirt_client_define_plan_free);
    nmvirt_client_define_catch_up(task, nmvirt_client_define_undefine_start);
}

/**
 * nmvirt_client_undefine_finish:
 * @self: a #NmvirtClient
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError, or %NULL
 *
 * Returns: %TRUE when the interface is gone; %FALSE with @error set
 *   (%NMVIRT_ERROR_NOT_FOUND when there was no such interface)
 *
 * Since: 0.1
 */
gboolean
nmvirt_client_undefine_finish(NmvirtClient *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(NMVIRT_IS_CLIENT(self), FALSE);
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    g_return_val_if_fail(g_task_get_source_tag(G_TASK(result)) == nmvirt_client_undefine_async,
                         FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    return g_task_propagate_boolean(G_TASK(result), error);
}
