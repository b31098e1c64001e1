# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the sandbox tests: TAP helpers and leftover checks.
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; [ -n "${2:-}" ] && sed 's/^/# /' <<<"$2"; return 0; }
# expect DESCRIPTION COMMAND...: ok when COMMAND succeeds
expect() { local desc=$1 out; shift; if out=$("$@" 2>&1); then ok "$desc"; else not_ok "$desc" "$out"; fi; }
finish() { echo "1..$n"; [ "$failed" -eq 0 ]; }

# Live (non-zombie) processes a sandbox may start, QEMU included.
sandbox_processes() {
    ps -eo stat=,comm= | awk '$1 !~ /^Z/ && $2 ~ /^(NetworkManager|dbus-daemon|dnsmasq|qemu-system-x86|unshare|setpriv|sandbox-inside|sandbox-vm)/' | wc -l
}
sandbox_mounts() { grep -c 'nmvirt' /proc/mounts || true; }
# What must be the same before and after: host links and addresses, the
# host's NetworkManager processes and profiles, our temporary files.
host_state() {
    ip -br link | awk '{print $1, $3}'
    ip -br addr | awk '{$2=""; print}'
    pgrep -a NetworkManager | grep -v -- '--no-daemon' || true
    ls -la /etc/NetworkManager/system-connections 2>/dev/null | awk '{print $1, $NF}'
    ls -d /tmp/nmvirt-* 2>/dev/null || true
}
now() { date +%s.%N; }
seconds_since() { echo "$(now) $1" | awk '{printf "%.2f", $1 - $2}'; }
