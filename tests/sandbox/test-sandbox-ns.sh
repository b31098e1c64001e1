#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# nmvirt-sandbox in namespace mode, on the running kernel: a real
# NetworkManager, veth NICs, DHCP, NetworkManager stop/start, teardown.
set -u
here=$(dirname "$(readlink -f "$0")")
. "$here/sandbox-lib.sh"
sandbox=${NMVIRT_SANDBOX_BIN:-$here/../../src/sandbox/nmvirt-sandbox}
host_before=$(host_state)

# -- a bridge with two veth ports activates
out=$("$sandbox" --ns --nics 2 -- sh -ec '
    nmcli con add type bridge ifname br0 con-name br0 bridge.stp no ipv4.method manual \
        ipv4.addresses 192.0.2.1/24 ipv4.dns 192.0.2.53 ipv6.method ignore >/dev/null
    nmcli con add type ethernet ifname eth0 con-name br0-p0 master br0 slave-type bridge >/dev/null
    nmcli con add type ethernet ifname eth1 con-name br0-p1 master br0 slave-type bridge >/dev/null
    nmcli --wait 20 con up br0 >/dev/null
    for i in $(seq 50); do
        [ "$(ip -o link show master br0 | wc -l)" = 2 ] && break; sleep 0.1
    done
    echo "state=$(nmcli -g GENERAL.STATE con show br0)"
    ip -d -o link show br0 | grep -o "bridge forward_delay [0-9]*"
    ip -o link show master br0 | awk -F": " "{print \"port=\" \$2}"
    ip -br addr show br0
    ls "$NMVIRT_SANDBOX_KEYFILE_DIR"
    sed "s/^/resolv: /" /run/NetworkManager/resolv.conf' 2>&1)
grep -q '^state=activated$' <<<"$out" && ok "ns: bridge profile activated" || not_ok "ns: bridge profile activated" "$out"
grep -q '^port=eth0@' <<<"$out" && grep -q '^port=eth1@' <<<"$out" && ok "ns: eth0 and eth1 are ports of br0 in the kernel" || not_ok "ns: eth0 and eth1 are ports of br0 in the kernel" "$out"
grep -q '192.0.2.1/24' <<<"$out" && ok "ns: br0 has its static address" || not_ok "ns: br0 has its static address" "$out"
grep -q 'br0.nmconnection' <<<"$out" && ok "ns: keyfiles in NMVIRT_SANDBOX_KEYFILE_DIR" || not_ok "ns: keyfiles in NMVIRT_SANDBOX_KEYFILE_DIR" "$out"
# DNS is handled inside (the host's /etc/resolv.conf is checked at the end)
grep -q '^resolv: nameserver 192.0.2.53' <<<"$out" && ok "ns: DNS goes to the sandbox's /run/NetworkManager/resolv.conf" ||
    not_ok "ns: DNS goes to the sandbox's resolv.conf" "$out"

# -- DHCPv4 lease and an IPv6 address from the router advertisement within 15 s
out=$("$sandbox" --ns --dhcp --nics 1 -- sh -c '
    start=$(date +%s.%N)
    nmcli con add type ethernet ifname eth0 con-name dhcp0 ipv4.method auto ipv6.method auto >/dev/null
    nmcli con up dhcp0 >/dev/null &
    for i in $(seq 150); do
        v4=$(ip -4 -o addr show eth0 | grep -o "198\.18\.0\.[0-9]*/24")
        v6=$(ip -6 -o addr show eth0 scope global | grep -o "2001:db8:1:0:[0-9a-f:]*/64")
        [ -n "$v4" ] && [ -n "$v6" ] && break
        sleep 0.1
    done
    echo "v4=$v4 v6=$v6 after=$(echo "$(date +%s.%N) $start" | awk "{printf \"%.1f\", \$1 - \$2}")"' 2>&1)
if [[ $out =~ v4=198\.18\.0\.[0-9]+/24\ v6=2001:db8:1:0:[0-9a-f:]+/64 ]]; then
    ok "ns: DHCPv4 lease and SLAAC address within 15 s (${out##*after=} s)"
else
    not_ok "ns: DHCPv4 lease and SLAAC address within 15 s" "$out"
fi

# -- NetworkManager stop, start, restart: profiles come back from the keyfiles
out=$("$sandbox" --ns --nics 1 -- sh -c '
    nmcli con add type ethernet ifname eth0 con-name keep0 ipv4.method disabled ipv6.method ignore >/dev/null
    nmvirt-sandbox-nm stop && echo stopped
    nmvirt-sandbox-nm status; echo "status-rc=$?"
    timeout 10 nmcli general status >/dev/null 2>&1; echo "nmcli-down-rc=$?"
    nmvirt-sandbox-nm start && echo started
    nmcli -t -f NAME con show | grep -x keep0 && echo keep0-back
    nmvirt-sandbox-nm restart && nmcli -t -f NAME con show | grep -qx keep0 && echo restarted-ok' 2>&1)
grep -q '^stopped$' <<<"$out" && grep -q '^status-rc=3$' <<<"$out" && ok "ns: nmvirt-sandbox-nm stop" || not_ok "ns: nmvirt-sandbox-nm stop" "$out"
grep -q '^nmcli-down-rc=[1-9]' <<<"$out" && ok "ns: nmcli general status fails while NetworkManager is down" || not_ok "ns: nmcli general status fails while NetworkManager is down" "$out"
grep -q '^keep0-back$' <<<"$out" && ok "ns: start restores the profile from its keyfile" || not_ok "ns: start restores the profile from its keyfile" "$out"
grep -q '^restarted-ok$' <<<"$out" && ok "ns: restart" || not_ok "ns: restart" "$out"

# -- --mac binds a NIC's MAC; bad options are refused before anything starts
out=$("$sandbox" --ns --nics 2 --mac eth1=52:54:00:AB:cd:01 -- cat /sys/class/net/eth1/address 2>&1)
[ "$out" = 52:54:00:ab:cd:01 ] && ok "ns: --mac eth1=MAC sets eth1's address" || not_ok "ns: --mac sets the address" "$out"
for bad in "--mac eth2=52:54:00:00:00:01" "--mac eth01=52:54:00:00:00:01" "--mac eth0=52:54:00:00:00" "--nics 0" "--nics 17" "--frobnicate"; do
    out=$("$sandbox" --ns --nics 2 $bad -- true 2>&1)
    rc=$?
    [ $rc = 125 ] && grep -q '^nmvirt-sandbox: ' <<<"$out" && ok "ns: '$bad' refused with a message (exit 125)" ||
        not_ok "ns: '$bad' refused" "rc=$rc $out"
done

# -- exit codes and teardown
"$sandbox" --ns -- sh -c 'exit 7'
[ $? = 7 ] && ok "ns: CMD's exit code is returned" || not_ok "ns: CMD's exit code is returned"
"$sandbox" --ns --dhcp -- sh -c 'sleep 2; kill -SEGV $$' 2>/dev/null &
pid=$!
watch_sandbox $pid 5
during=$(wc -w <<<"$watched_pids")
wait $pid
rc=$?
sleep 0.2
left=$(watched_alive)
[ $rc = 139 ] && [ "$during" -ge 5 ] && [ "$left" = 0 ] && [ "$(sandbox_mounts)" = 0 ] &&
    ok "ns: CMD crash (SIGSEGV): exit 139; $during processes before, none and no mount after" ||
    not_ok "ns: CMD crash: exit 139, nothing left" "rc=$rc during=$during left=$left"
for sig in KILL TERM; do
    "$sandbox" --ns --dhcp -- sleep 300 &
    pid=$!
    watch_sandbox $pid 6
    during=$(wc -w <<<"$watched_pids")
    kill -$sig $pid
    wait $pid 2>/dev/null
    sleep 0.2
    left=$(watched_alive)
    [ "$during" -ge 6 ] && [ "$left" = 0 ] && [ "$(sandbox_mounts)" = 0 ] &&
        ok "ns: kill -$sig of the sandbox: $during processes before, none and no mount after" ||
        not_ok "ns: kill -$sig of the sandbox leaves nothing" "during=$during left=$left mounts=$(sandbox_mounts)"
done

# -- timing (information, no assertion)
t0=$(now)
out=$("$sandbox" --ns --nics 4 -- sh -c 'echo "ready=$NMVIRT_SANDBOX_READY_SECONDS end=$(date +%s.%N)"')
t1=$(now)
ready=$(sed -n 's/.*ready=\([0-9.]*\).*/\1/p' <<<"$out")
end=$(sed -n 's/.*end=\([0-9.]*\).*/\1/p' <<<"$out")
echo "# timing ns: start to ready ${ready} s, teardown $(echo "$t1 $end" | awk '{printf "%.2f", $1 - $2}') s, total $(echo "$t1 $t0" | awk '{printf "%.2f", $1 - $2}') s"

# -- the host is untouched
host_after=$(host_state)
[ "$host_before" = "$host_after" ] && ok "host links, addresses, NetworkManager and /tmp unchanged" ||
    not_ok "host links, addresses, NetworkManager and /tmp unchanged" "$(diff <(echo "$host_before") <(echo "$host_after"))"
finish
