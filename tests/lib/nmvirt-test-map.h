/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "nmvirt-test-util.h"

G_BEGIN_DECLS

/*
 * Helpers for the mapping tests (tests/unit/test-map-*.c, test-hint.c).
 * Each one asserts on its own: a failure aborts the test at once.
 */

/* nmvirt_map_to_nm() succeeds, and every profile verifies and is
 * normalized already (nmvirt_test_assert_profiles_normalized()). */
GPtrArray *nmvirt_test_map_to_nm(const NmvirtIfaceDef *def);

/* from_nm of the first of @profiles gives @expected: the same XML, and the
 * same model down to what the XML does not show. */
void nmvirt_test_map_assert_from_nm(GPtrArray *profiles, const NmvirtIfaceDef *expected);

/* Parse @xml, map it to profiles and back: the same document. Returns the
 * profiles. */
GPtrArray *nmvirt_test_map_xml_round_trip(const char *xml);

/* from_nm of the first of @profiles fails with NMVIRT_ERROR @code and a
 * message containing @fragment. */
void nmvirt_test_map_assert_from_nm_error(GPtrArray *profiles, int code, const char *fragment);

/* A bare profile as another tool would write it: random UUID, no nmvirt
 * user data. */
NMConnection *nmvirt_test_profile_new(const char *type, const char *id, const char *ifname);

/* Adds ipv4 and ipv6 settings with the given methods. */
void nmvirt_test_profile_add_ip(NMConnection *connection, const char *method4, const char *method6);

/* A new array owning the NULL-terminated list of profiles. */
GPtrArray *nmvirt_test_profile_array_new(NMConnection *first, ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
