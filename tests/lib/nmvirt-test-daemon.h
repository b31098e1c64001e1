/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "nmvirt-client.h"

G_BEGIN_DECLS

/*
 * Helpers for tests that run inside nmvirt-sandbox against its real
 * NetworkManager (tests/integration). Each one asserts on its own.
 */

/* Aborts unless running inside nmvirt-sandbox: never the host's daemon. */
void nmvirt_test_daemon_require_sandbox(void);

/* Runs @argv (searching PATH, no shell); asserts exit 0 unless @may_fail
 * (then *@status gets the wait status). Returns stdout; *@err, when not
 * NULL, gets stderr. */
char *nmvirt_test_daemon_run_argv(const char *const *argv, gboolean may_fail, int *status,
                                  char **err);
#define nmvirt_test_run(...)                                                                       \
    nmvirt_test_daemon_run_argv((const char *const[]){ __VA_ARGS__, NULL }, FALSE, NULL, NULL)

/* A client on a private context (nmvirt_client_new()). */
NmvirtClient *nmvirt_test_daemon_client_new(void);

/* Deletes every profile but NetworkManager's generated ones. */
void nmvirt_test_daemon_delete_all_profiles(void);

/* Everything about the profile with @uuid as a fresh client sees it (every
 * setting, unsaved flag, flags, file name) plus its keyfile; "" when there
 * is no such profile. @ignore_timestamp drops connection.timestamp. */
char *nmvirt_test_daemon_profile_dump(const char *uuid, gboolean ignore_timestamp);

/* nmvirt_test_daemon_profile_dump() of every profile, sorted by UUID, plus
 * the listing of the keyfile directories in /etc and /run. */
char *nmvirt_test_daemon_snapshot(gboolean ignore_timestamp);

/* Asserts @after equals @before (snapshots, dumps); on a difference
 * aborts naming the first line that differs, with its profile. */
void nmvirt_test_daemon_assert_same(const char *before, const char *after);

/* nmcli -g @field connection show @profile, stripped. */
char *nmvirt_test_daemon_nmcli_field(const char *field, const char *profile);

/* The UUID of the profile with connection.id @id (nmcli). */
char *nmvirt_test_daemon_uuid_of(const char *id);

/* User data @key of profile @uuid, as a fresh client sees it; asserts that
 * its keyfile says the same. NULL when absent. */
char *nmvirt_test_daemon_user_data(const char *uuid, const char *key);

/* Sets user data @key=@value on profile @uuid (update2, to disk), as a tool
 * that tags profiles would. */
void nmvirt_test_daemon_set_user_data(const char *uuid, const char *key, const char *value);

/* A copy of profile @uuid as a fresh client sees it, or NULL. */
NMConnection *nmvirt_test_daemon_get_profile(const char *uuid);

G_END_DECLS
