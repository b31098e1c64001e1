# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the sandbox tests: TAP helpers and leftover checks.
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; [ -n "${2:-}" ] && sed 's/^/# /' <<<"$2"; return 0; }
# expect DESCRIPTION COMMAND...: ok when COMMAND succeeds
expect() { local desc=$1 out; shift; if out=$("$@" 2>&1); then ok "$desc"; else not_ok "$desc" "$out"; fi; }
finish() { echo "1..$n"; [ "$failed" -eq 0 ]; }

# The processes of one sandbox: the tree below the sandbox's PID, and every
# process in the PID namespaces of that tree other than the test's own.
descendants() {
    local child
    echo "$1"
    for child in $(ps -o pid= --ppid "$1"); do descendants "$child"; done
}
# watch_sandbox PID MIN: waits (up to 60 s) until the sandbox has MIN
# processes, then records them in $watched_pids and $watched_ns.
watch_sandbox() {
    local self_ns i
    self_ns=$(readlink /proc/self/ns/pid)
    for i in $(seq 600); do
        watched_pids=$(descendants "$1" | tr '\n' ' ')
        [ "$(wc -w <<<"$watched_pids")" -ge "$2" ] && break
        sleep 0.1
    done
    watched_ns=$(for pid in $watched_pids; do readlink "/proc/$pid/ns/pid" 2>/dev/null; done |
        sort -u | grep -vxF "$self_ns" | tr '\n' ' ')
}
# How many of the watched processes, or of any process in the watched PID
# namespaces, are still alive (zombies do not count).
watched_alive() {
    local pid stat ns count=0
    for pid in $(ls /proc | grep -E '^[0-9]+$'); do
        stat=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || continue
        [ "$stat" = Z ] && continue
        ns=$(readlink "/proc/$pid/ns/pid" 2>/dev/null) || continue
        if [[ " $watched_pids " == *" $pid "* ]] || { [ -n "$watched_ns" ] && [[ " $watched_ns " == *" $ns "* ]]; }; then
            count=$((count + 1))
        fi
    done
    echo "$count"
}
sandbox_mounts() { grep -c 'nmvirt' /proc/mounts || true; }
# What must be the same before and after: host links and addresses, the
# host's NetworkManager processes and profiles, our temporary files.
host_state() {
    ip -br link | awk '{print $1, $3}'
    ip -br addr | awk '{$2=""; print}'
    # the host's own NetworkManager, if any: processes not in a sandbox's
    # PID namespace (same namespace as this test)
    for pid in $(pgrep -x NetworkManager); do
        [ "$(readlink /proc/$pid/ns/pid)" = "$(readlink /proc/self/ns/pid)" ] && echo "host NM $pid"
    done
    ls -la /etc/NetworkManager/system-connections 2>/dev/null | awk '{print $1, $NF}'
    md5sum /etc/resolv.conf /etc/hostname 2>/dev/null
    hostname
}
now() { date +%s.%N; }
seconds_since() { echo "$(now) $1" | awk '{printf "%.2f", $1 - $2}'; }
