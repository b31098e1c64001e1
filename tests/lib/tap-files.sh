# shellcheck shell=bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# TAP for the shell tests that keep their evidence in files (sourced):
# tap.sh's, with a not_ok that shows files, the background processes
# killed at exit, and waiting for a line in a log. The caller sets T (its
# temporary directory, removed at exit) before sourcing.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
pids=()
# shellcheck disable=SC2317 # runs from the trap
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT

# not_ok DESCRIPTION [FILE...]: the files as '# ' lines (instead of tap.sh's text)
not_ok() {
    n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift
    local f
    for f in "$@"; do [ -f "$f" ] && sed "s|^|# ${f##*/}: |" "$f"; done
    return 0
}
# wait_for FILE REGEX [SECONDS]: until a line of FILE matches (default 20 s)
wait_for() {
    local deadline=$((SECONDS + ${3:-20}))
    until grep -qE "$2" "$1" 2>/dev/null; do
        [ $SECONDS -ge $deadline ] && return 1
        sleep 0.1
    done
}
