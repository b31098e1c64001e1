# shellcheck shell=bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# TAP for the shell tests (sourced): ok, not_ok with its diagnostics as
# '# ' lines, tap for a condition's result, note. The caller prints
# "1..$n" at the end and fails when $failed is not 0.
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
# not_ok DESCRIPTION [DIAGNOSTICS]: the diagnostics as '# ' lines
not_ok() {
    n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
    [ -n "${2:-}" ] && while IFS= read -r line; do echo "# $line"; done <<<"$2"
    return 0
}
# tap CONDITION-RESULT DESCRIPTION [DIAGNOSTICS]: ok when the result is 0
tap() { if [ "$1" = 0 ]; then ok "$2"; else not_ok "$2" "${3:-}"; fi; }
note() { echo "# $*"; }
