#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# nmvirt-sandbox in VM mode (Debian's stock kernel under QEMU): bonding and
# VLANs, DHCP, NetworkManager stop/start, whether NetworkManager's options
# reach the kernel with sysfs read-only, and teardown. Two VM boots.
set -u
here=$(dirname "$(readlink -f "$0")")
. "$here/sandbox-lib.sh"
sandbox=${NMVIRT_SANDBOX_BIN:-$here/../../src/sandbox/nmvirt-sandbox}
host_before=$(host_state)
work=$(mktemp -d "${TMPDIR:-/tmp}/sandbox-vmtest.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

# Runs inside the VM; prints key=value lines the checks below read.
cat >scenario.sh <<'SCENARIO'
set -u
echo "ready=$NMVIRT_SANDBOX_READY_SECONDS"
echo "kernel=$(uname -r)"
q() { nmcli "$@" >/dev/null; }
# active-backup bond, primary eth1, over eth0/eth1, and VLAN 42 on it
q con add type bond ifname bond0 con-name bond0 \
    bond.options mode=active-backup,primary=eth1,miimon=100,updelay=200,downdelay=100 \
    ipv4.method manual ipv4.addresses 192.0.2.10/24 ipv6.method ignore
q con add type ethernet ifname eth0 con-name bond0-p0 master bond0 slave-type bond
q con add type ethernet ifname eth1 con-name bond0-p1 master bond0 slave-type bond
q con add type vlan ifname bond0.42 con-name bond0.42 vlan.parent bond0 vlan.id 42 \
    ipv4.method manual ipv4.addresses 198.51.100.42/24 ipv6.method ignore
q --wait 60 con up bond0
q --wait 60 con up bond0.42
for i in $(seq 100); do
    [ "$(grep -c 'MII Status: up' /proc/net/bonding/bond0)" -ge 3 ] && break; sleep 0.1
done
sed 's/^/bonding: /' /proc/net/bonding/bond0
echo "vlan: $(ip -d -o link show bond0.42)"
echo "bond0.42-state=$(nmcli -g GENERAL.STATE con show bond0.42)"
echo "bond0-addr: $(ip -br addr show bond0.42)"
for opt in mode miimon updelay downdelay primary; do
    echo "sysfs-bond0-$opt=$(cat /sys/class/net/bond0/bonding/$opt)"
done
# a balance-xor bond with the ARP monitor and a hash policy, on eth4
q con add type bond ifname bond1 con-name bond1 \
    bond.options mode=balance-xor,xmit_hash_policy=layer3+4,arp_interval=100,arp_ip_target=192.0.2.1,miimon=0 \
    ipv4.method disabled ipv6.method ignore
q con add type ethernet ifname eth4 con-name bond1-p0 master bond1 slave-type bond
q --wait 60 con up bond1
for opt in mode xmit_hash_policy arp_interval arp_ip_target; do
    echo "sysfs-bond1-$opt=$(cat /sys/class/net/bond1/bonding/$opt)"
done
# a bridge with options NetworkManager writes to the kernel
q con add type bridge ifname br1 con-name br1 bridge.stp yes bridge.forward-delay 4 \
    bridge.priority 4096 bridge.hello-time 3 bridge.max-age 12 bridge.ageing-time 100 \
    ipv4.method disabled ipv6.method ignore
q con add type ethernet ifname eth2 con-name br1-p master br1 slave-type bridge
q --wait 60 con up br1
# during an STP topology change the kernel ages entries after forward_delay
# instead of ageing_time, and shows that: read once the change is over
for i in $(seq 300); do
    [ "$(cat /sys/class/net/br1/bridge/topology_change)" = 0 ] &&
        [ "$(cat /sys/class/net/br1/bridge/topology_change_detected)" = 0 ] && break
    sleep 0.1
done
for opt in stp_state forward_delay priority hello_time max_age ageing_time; do
    echo "sysfs-br1-$opt=$(cat /sys/class/net/br1/bridge/$opt)"
done
# DHCPv4 and SLAAC on eth3
start=$(date +%s.%N)
q con add type ethernet ifname eth3 con-name dhcp3 ipv4.method auto ipv6.method auto
nmcli con up dhcp3 >/dev/null 2>&1 &
for i in $(seq 150); do
    v4=$(ip -4 -o addr show eth3 | grep -o "198\.18\.3\.[0-9]*/24")
    v6=$(ip -6 -o addr show eth3 scope global | grep -o "2001:db8:4:0:[0-9a-f:]*/64")
    [ -n "$v4" ] && [ -n "$v6" ] && break
    sleep 0.1
done
echo "dhcp: v4=$v4 v6=$v6 after=$(echo "$(date +%s.%N) $start" | awk '{printf "%.1f", $1 - $2}')"
# NetworkManager down and up again
nmvirt-sandbox-nm stop && echo "nm-stopped"
timeout 10 nmcli general status >/dev/null 2>&1; echo "nmcli-down-rc=$?"
nmvirt-sandbox-nm start && echo "nm-started"
echo "profiles-after-restart=$(nmcli -t -f NAME con show | sort | tr '\n' ' ')"
echo "end=$(date +%s.%N)"
SCENARIO

t0=$(now)
out=$("$sandbox" --vm --dhcp --nics 5 -- bash scenario.sh 2>&1)
rc=$?
t1=$(now)
[ $rc = 0 ] && ok "vm: scenario ran (exit 0)" || not_ok "vm: scenario ran (exit $rc)" "$out"
get() { sed -n "s/^$1=//p" <<<"$out" | tr -d '\r' | head -n 1; }

grep -q '^bonding: Bonding Mode: fault-tolerance (active-backup)' <<<"$out" &&
    ok "vm: bond0 is active-backup" || not_ok "vm: bond0 is active-backup" "$out"
grep -q '^bonding: Primary Slave: eth1' <<<"$out" &&
    ok "vm: /proc/net/bonding/bond0 shows Primary Slave: eth1" || not_ok "vm: Primary Slave: eth1" "$out"
[ "$(grep -A1 -E '^bonding: Slave Interface: eth[01]' <<<"$out" | grep -c 'MII Status: up')" = 2 ] &&
    ok "vm: both members' MII Status: up" || not_ok "vm: both members' MII Status: up" "$out"
grep -q '^vlan: .*vlan protocol 802.1Q id 42 ' <<<"$out" &&
    ok "vm: ip -d link shows VLAN id 42 on bond0.42" || not_ok "vm: ip -d link shows VLAN id 42" "$out"
[ "$(get bond0.42-state)" = activated ] && grep -q '198.51.100.42/24' <<<"$out" &&
    ok "vm: the VLAN profile is activated with its address" || not_ok "vm: VLAN activated with its address" "$out"

# What NetworkManager set must reach the kernel, sysfs read-only or not.
want="sysfs-bond0-mode=active-backup 1
sysfs-bond0-miimon=100
sysfs-bond0-updelay=200
sysfs-bond0-downdelay=100
sysfs-bond0-primary=eth1
sysfs-bond1-mode=balance-xor 2
sysfs-bond1-xmit_hash_policy=layer3+4 1
sysfs-bond1-arp_interval=100
sysfs-bond1-arp_ip_target=192.0.2.1
sysfs-br1-stp_state=1
sysfs-br1-forward_delay=400
sysfs-br1-priority=4096
sysfs-br1-hello_time=300
sysfs-br1-max_age=1200
sysfs-br1-ageing_time=10000"
while read -r line; do
    key=${line%%=*}
    got=$(get "$key")
    [ "$key=$got" = "$line" ] && ok "vm: kernel has $line" || not_ok "vm: kernel has $line (got '$got')"
done <<<"$want"

dhcp=$(grep '^dhcp: ' <<<"$out" | tr -d '\r')
[[ $dhcp =~ v4=198\.18\.3\.[0-9]+/24\ v6=2001:db8:4:0:[0-9a-f:]+/64 ]] &&
    ok "vm: DHCPv4 lease and SLAAC address within 15 s (${dhcp##*after=} s)" || not_ok "vm: DHCP within 15 s" "$dhcp"
grep -q '^nm-stopped' <<<"$out" && [ "$(get nmcli-down-rc)" != 0 ] &&
    ok "vm: nmcli general status fails while NetworkManager is stopped" || not_ok "vm: NetworkManager stop" "$out"
grep -q '^nm-started' <<<"$out" && grep -q 'profiles-after-restart=.*bond0.42' <<<"$out" &&
    ok "vm: NetworkManager started again with the profiles from the keyfiles" || not_ok "vm: NetworkManager start" "$out"
ready=$(get ready)
end=$(get end)
echo "# timing vm: start to ready ${ready:-?} s, teardown $(echo "$t1 ${end:-$t1}" | awk '{printf "%.2f", $1 - $2}') s, total $(echo "$t1 $t0" | awk '{printf "%.2f", $1 - $2}') s (guest clock vs host clock)"

# kill -9 of a running VM sandbox leaves no QEMU, process, mount or file
"$sandbox" --vm --nics 1 -- sh -c 'touch vm-is-up; sleep 600' >/dev/null 2>&1 &
pid=$!
for i in $(seq 1200); do [ -e vm-is-up ] && break; sleep 0.1; done
watch_sandbox $pid 4
during=$(wc -w <<<"$watched_pids")
qemu_during=$(for p in $watched_pids; do cat /proc/$p/comm 2>/dev/null; done | grep -c '^qemu-system')
kill -KILL $pid
wait $pid 2>/dev/null
for i in $(seq 50); do [ "$(watched_alive)" = 0 ] && break; sleep 0.1; done
left=$(watched_alive)
[ -e vm-is-up ] && [ "$qemu_during" -ge 1 ] && [ "$left" = 0 ] && [ "$(sandbox_mounts)" = 0 ] &&
    ok "vm: kill -9 of the sandbox: QEMU was running ($during processes), none left, no mount" ||
    not_ok "vm: kill -9 leaves nothing" "up=$([ -e vm-is-up ] && echo yes) qemu_during=$qemu_during left=$left mounts=$(sandbox_mounts)"

cd /
host_after=$(host_state)
[ "$host_before" = "$host_after" ] && ok "vm: host links, addresses, NetworkManager and /tmp unchanged" ||
    not_ok "vm: host unchanged" "$(diff <(echo "$host_before") <(echo "$host_after"))"
finish
