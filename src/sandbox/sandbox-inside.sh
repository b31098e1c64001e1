#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The inside of nmvirt-sandbox, PID 1 of its namespaces (or run by the VM's
# init): private file systems, a system bus, veth NICs, optionally dnsmasq,
# then NetworkManager; runs CMD and exits with its code. Everything it
# starts dies with it: the kernel ends a PID namespace's processes when its
# PID 1 ends, and the mounts and NICs belong to namespaces nobody else uses.
# Configuration comes from nmvirt-sandbox: NMVIRT_SANDBOX_NICS, _MACS,
# _DHCP, _MODE, _VERBOSE, _T0.
set -euo pipefail
[ "${1:-}" = "--" ] && shift

mode=${NMVIRT_SANDBOX_MODE:-ns}
nics=${NMVIRT_SANDBOX_NICS:-4}
dhcp=${NMVIRT_SANDBOX_DHCP:-0}
verbose=${NMVIRT_SANDBOX_VERBOSE:-0}
state=/run/nmvirt-sandbox
peer_netns=nmvirt-peer
here=$(dirname "$(readlink -f "$0")")

say() { [ "$verbose" = 1 ] && echo "nmvirt-sandbox: $*" >&2 || true; }
die() { echo "nmvirt-sandbox: $*" >&2; exit 125; }
elapsed() { echo "$(date +%s.%N) ${NMVIRT_SANDBOX_T0:-$(date +%s.%N)}" | awk '{printf "%.2f", $1 - $2}'; }

# PID 1 gets no default signal actions: leave on TERM/INT/HUP, which ends
# the whole namespace.
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP
# A failed setup step is the sandbox's failure (125), never CMD's exit code.
trap 'echo "nmvirt-sandbox: setup failed (line $LINENO)" >&2; exit 125' ERR

# ---- file systems --------------------------------------------------------
mount -t tmpfs -o mode=0755,size=256m nmvirt-run /run
mkdir -p /run/dbus /run/NetworkManager /run/netns "$state/tmp" "$state/bin"
mount -t tmpfs -o mode=0755,size=16m nmvirt-etc /etc/NetworkManager
mount -t tmpfs -o mode=0755,size=64m nmvirt-lib /var/lib/NetworkManager
mkdir -p /etc/NetworkManager/system-connections /etc/NetworkManager/conf.d
# nmvirt's transaction journal: NMVIRT_STATE_DIR (below) points into the
# sandbox's /run; the host's /var/lib/nmvirt, when it exists, is hidden too,
# so that nothing in here can touch an open transaction of the host.
if [ -d /var/lib/nmvirt ]; then
    mount -t tmpfs -o mode=0700,size=16m nmvirt-state /var/lib/nmvirt
fi
# Read-only sysfs: NetworkManager then does not wait for udev (which does
# not run here) and manages the NICs.
mount -t sysfs -o ro,nosuid,nodev,noexec nmvirt-sys /sys

if [ "$mode" = vm ]; then
    modprobe -a bonding 8021q bridge veth tun 2>/dev/null || die "cannot load bonding/8021q/bridge/veth/tun"
fi

# The rest of /etc is the host's: NetworkManager must not write
# /etc/resolv.conf (rc-manager=unmanaged keeps its own copy in
# /run/NetworkManager/resolv.conf) nor set the hostname.
cat >/etc/NetworkManager/NetworkManager.conf <<CONF
# nmvirt-sandbox: keyfiles only, no automatic profiles for the NICs,
# nothing written outside the sandbox's tmpfs
[main]
plugins=keyfile
no-auto-default=*
dhcp=internal
rc-manager=unmanaged
hostname-mode=none

[logging]
level=INFO
CONF

# ---- system bus ------------------------------------------------------------
# The system bus configuration without activatable services: nothing but
# what we start runs here (ModemManager would otherwise be started on
# demand by NetworkManager's queries, costing seconds in the VM).
sed -e '/<standard_system_servicedirs\/>/d' \
    -e 's|<includedir>system.d</includedir>|<includedir>/usr/share/dbus-1/system.d</includedir>|' \
    /usr/share/dbus-1/system.conf >"$state/dbus-system.conf"
dbus-daemon --config-file="$state/dbus-system.conf" --fork --nopidfile || die "dbus-daemon failed"

# ---- NICs: ethK here, peerK in the peer namespace ----------------------------
ip link set lo up
ip netns add "$peer_netns"
ip -n "$peer_netns" link set lo up
for ((k = 0; k < nics; k++)); do
    ip link add "eth$k" type veth peer name "peer$k"
    ip link set "peer$k" netns "$peer_netns"
    ip -n "$peer_netns" link set "peer$k" up
done
for spec in ${NMVIRT_SANDBOX_MACS:-}; do
    ip link set "${spec%%=*}" address "${spec#*=}"
done

# ---- DHCPv4, RA and DHCPv6 on every NIC ---------------------------------------
# Addresses from the benchmarking range 198.18.0.0/15 and the documentation
# prefix 2001:db8::/32, one subnet per NIC; no DNS service (port 0).
if [ "$dhcp" = 1 ]; then
    ranges=()
    for ((k = 0; k < nics; k++)); do
        ip -n "$peer_netns" addr add "198.18.$k.1/24" dev "peer$k"
        ip -n "$peer_netns" addr add "2001:db8:$((k + 1))::1/64" dev "peer$k" nodad
        ranges+=("--interface=peer$k"
            "--dhcp-range=198.18.$k.100,198.18.$k.199,255.255.255.0,1h"
            "--dhcp-range=2001:db8:$((k + 1))::100,2001:db8:$((k + 1))::1ff,slaac,64,1h")
    done
    ip netns exec "$peer_netns" dnsmasq --conf-file=/dev/null --no-resolv --no-hosts \
        --port=0 --bind-interfaces --enable-ra --dhcp-rapid-commit --user=root \
        --pid-file="$state/dnsmasq.pid" --dhcp-leasefile="$state/dnsmasq.leases" \
        --log-facility="$state/dnsmasq.log" --log-dhcp "${ranges[@]}" ||
        die "dnsmasq failed: $(tail -n 3 "$state/dnsmasq.log" 2>/dev/null)"
fi

# ---- NetworkManager -------------------------------------------------------------
export NMVIRT_SANDBOX_STATE=$state
install -m 0755 "$here/sandbox-nm-ctl.sh" "$state/bin/nmvirt-sandbox-nm"
"$state/bin/nmvirt-sandbox-nm" start || exit 125
say "$mode sandbox ready after $(elapsed) s"

export NMVIRT_SANDBOX=$mode
export NMVIRT_SANDBOX_KEYFILE_DIR=/etc/NetworkManager/system-connections
export NMVIRT_SANDBOX_RUN_KEYFILE_DIR=/run/NetworkManager/system-connections
export NMVIRT_SANDBOX_NM_LOG=$state/NetworkManager.log
export NMVIRT_SANDBOX_PEER_NETNS=$peer_netns
export NMVIRT_STATE_DIR=$state/nmvirt-state
export NMVIRT_SANDBOX_READY_SECONDS
NMVIRT_SANDBOX_READY_SECONDS=$(elapsed)
export TMPDIR=$state/tmp
export PATH=$state/bin:$PATH

trap - ERR
set +e
"$@"
rc=$?
set -e
say "command exited with $rc after $(elapsed) s"
exit "$rc"
