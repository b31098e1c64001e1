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
 * NetworkManager ends as it was, and the original error is reported. The
 * running of a plan (and the cache catch-up around it) is in
 * nmvirt-client-write.c.
 *
 * Writes never change runtime state: BLOCK_AUTOCONNECT on adds and updates,
 * NO_REAPPLY on updates. Deleting a profile that is active does take its
 * device down in NetworkManager; undefine does that for an active
 * interface, as netcf's undefine removed the ifcfg files under a running
 * interface.
 */

/* User data on a profile whose autoconnect nmvirt switched off because it
 * is bound to a device an interface of nmvirt took over: the top-level
 * interface's name. Its autoconnect was yes; undefine puts that back. */
#define NMVIRT_CLIENT_USER_SUSPENDED_BY "nmvirt.suspended-by"

static void
nmvirt_client_define_write_free(NmvirtClientWrite *write)
{
    g_clear_object(&write->profile);
    g_clear_object(&write->settings);
    g_free(write);
}

NmvirtClientPlan *
nmvirt_client_define_plan_new(const char *name)
{
    NmvirtClientPlan *plan = g_new0(NmvirtClientPlan, 1);

    plan->name = g_strdup(name);
    plan->writes = g_ptr_array_new_with_free_func((GDestroyNotify)nmvirt_client_define_write_free);
    plan->journal = nmvirt_journal_new();
    return plan;
}

void
nmvirt_client_define_plan_free(NmvirtClientPlan *plan)
{
    if (plan == NULL)
        return;
    g_free(plan->name);
    g_clear_pointer(&plan->def, nmvirt_iface_def_free);
    g_clear_pointer(&plan->merge_skip, g_hash_table_unref);
    g_ptr_array_unref(plan->writes);
    nmvirt_journal_free(plan->journal);
    g_clear_error(&plan->error);
    g_free(plan);
}

void
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

gboolean
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
    if (plan->merge_skip != NULL) {
        g_autoptr(GPtrArray) candidates = g_ptr_array_new();

        for (guint i = 0; i < profiles->len; i++) {
            if (!g_hash_table_contains(plan->merge_skip, g_ptr_array_index(profiles, i)))
                g_ptr_array_add(candidates, g_ptr_array_index(profiles, i));
        }
        merged = nmvirt_map_merge(def, candidates, error);
    } else {
        merged = nmvirt_map_merge(def, profiles, error);
    }
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

/* Resuming ------------------------------------------------------------- */

gboolean
nmvirt_client_define_prepare_resume(NmvirtClientPlan *plan, GPtrArray *profiles, const char *name,
                                    GError **error)
{
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
        g_debug("%s: resuming profile %s", name, nm_connection_get_uuid(profile));
        nmvirt_client_define_plan_add(
            plan, NMVIRT_CLIENT_WRITE_UPDATE, NM_REMOTE_CONNECTION(profile), settings,
            nmvirt_client_define_keep_storage_flags(NM_REMOTE_CONNECTION(profile)));
    }
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
    return nmvirt_client_define_prepare_resume(plan, profiles, name, error);
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
    nmvirt_client_write_plan_run(self, task);
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
    nmvirt_client_write_plan_run(self, task);
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
    nmvirt_client_write_catch_up(task, nmvirt_client_define_start);
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
    nmvirt_client_write_catch_up(task, nmvirt_client_define_undefine_start);
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
