#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# nmvirtd and the nmvirt command handing verbs to it, TAP output. Runs
# INSIDE one nmvirt-sandbox session in namespace mode (see meson.build):
#
#   nmvirt-sandbox --ns --nics 4 -- tests/integration/test-nmvirtd.sh
#
# Needs NMVIRT (the command) and NMVIRTD (the daemon). Every document of
# tests/data/valid and data/examples is defined, dumped, listed and
# undefined through the daemon and the same answers come from the command
# alone (NMVIRT_SOCKET=); changes made meanwhile by nmcli and by the command
# alone show in the daemon's very next answer; the daemon's debug log
# proves which commands it ran and which it declined. Then: errors and exit
# statuses as the command's own, relative file names, --help, another
# environment, another user, a verb running when a second command comes,
# the daemon killed in the middle of a verb or the command killed, a
# NetworkManager restart and a stopped NetworkManager, a stale socket, a
# second daemon, the idle timeout, and systemd's socket activation.
# (the checks are strings for eval: their variables expand when they run)
# shellcheck disable=SC2016,SC2034
set -u
: "${NMVIRT:?}" "${NMVIRTD:?}" "${NMVIRT_SANDBOX_KEYFILE_DIR:?run me inside nmvirt-sandbox}"
SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/test-nmvirtd.XXXXXX")
SOCK=/run/nmvirt/nmvirtd.sock
LOG=$T/nmvirtd.log
# shellcheck source=tests/lib/tap-files.sh
. "$(dirname "$0")/../lib/tap-files.sh"
check() { # check DESCRIPTION CMD...: passes when CMD exits 0
    local desc=$1; shift
    if "$@"; then ok "$desc"; else not_ok "$desc" "$LOG"; fi
}
# count REGEX: lines of the daemon's log that match
count() { grep -cE "$1" "$LOG"; }
# wait_loaded N: until the log says "NetworkManager loaded" more than N times
wait_loaded() {
    local deadline=$((SECONDS + 30))
    until [ "$(count 'NetworkManager loaded')" -gt "$1" ]; do
        [ $SECONDS -ge $deadline ] && return 1
        sleep 0.2
    done
}
# via KEY CMD...: the command with the daemon; out, err and status in $T/KEY.*
via() {
    local key=$1; shift
    "$NMVIRT" "$@" >"$T/$key.out" 2>"$T/$key.err"
    echo $? >"$T/$key.rc"
}
# alone KEY CMD...: the same without it
alone() {
    local key=$1; shift
    NMVIRT_SOCKET='' "$NMVIRT" "$@" >"$T/$key.out" 2>"$T/$key.err"
    echo $? >"$T/$key.rc"
}
# same A B: the two runs printed the same and exited the same
same() { cmp -s "$T/$1.out" "$T/$2.out" && cmp -s "$T/$1.err" "$T/$2.err" && cmp -s "$T/$1.rc" "$T/$2.rc"; }
rc() { cat "$T/$1.rc"; }
start_daemon() { # start_daemon [ARGS...]: the daemon, logging to $LOG
    G_MESSAGES_DEBUG=nmvirtd "$NMVIRTD" "$@" >>"$LOG" 2>&1 &
    daemon=$!
    pids+=("$daemon")
}

# ---- start ----------------------------------------------------------------------------
start_daemon --timeout 0
if wait_for "$LOG" 'NetworkManager loaded' 20 && [ -S "$SOCK" ]; then
    ok "nmvirtd listens on $SOCK and has loaded NetworkManager's state"
else
    not_ok "nmvirtd listens on $SOCK and has loaded NetworkManager's state" "$LOG"
fi
# shellcheck disable=SC2012 # one known file
mode=$(stat -c '%A %U' "$SOCK" 2>/dev/null)
check "the socket is its user's alone ($mode)" test "$mode" = "srw------- root"

# ---- every valid document, through the daemon and without it --------------------------
/usr/bin/python3 - "$SRCDIR"/tests/data/valid/*.xml "$SRCDIR"/data/examples/*.xml >"$T/docs" <<'EOF'
import sys
import xml.etree.ElementTree as ET
for path in sys.argv[1:]:
    print(path, ET.parse(path).getroot().get('name'))
EOF
ran0=$(count "ran '")
docs=0
bad=()
while read -r doc name; do
    docs=$((docs + 1))
    via def define "$doc"
    via dump dumpxml --inactive "$name"
    alone dump0 dumpxml --inactive "$name"
    via list list --all
    alone list0 list --all
    via undef undefine "$name"
    alone gone0 dumpxml --inactive "$name"
    # changes made by a process without the daemon show in its next answer
    alone def0 define "$doc"
    via dump1 dumpxml --inactive "$name"
    alone undef0 undefine "$name"
    via gone dumpxml --inactive "$name"
    if [ "$(rc def)" = 0 ] && [ "$(rc dump)" = 0 ] && same dump dump0 && same list list0 &&
        grep -q "^ $name " "$T/list.out" && [ "$(rc undef)" = 0 ] && [ "$(rc gone0)" = 1 ] &&
        [ "$(rc def0)" = 0 ] && same dump1 dump0 && [ "$(rc undef0)" = 0 ] && same gone gone0 &&
        cmp -s "$T/def.out" "$T/def0.out"; then
        :
    else
        bad+=("${doc#"$SRCDIR"/}")
        for f in def dump dump0 list list0 undef gone0 def0 dump1 gone; do
            sed "s|^|# $f: |" "$T/$f.out" "$T/$f.err"
        done
    fi
done <"$T/docs"
if [ "${#bad[@]}" = 0 ] && [ "$docs" -ge 50 ]; then
    ok "$docs documents: define, dumpxml, list --all and undefine through nmvirtd answer as the command alone, and see its changes at once"
else
    not_ok "documents answered differently through nmvirtd: ${bad[*]:-none} (of $docs)"
fi
ran=$(($(count "ran '") - ran0))
check "nmvirtd ran all $((docs * 6)) of those commands itself ($ran)" test "$ran" = $((docs * 6))

# ---- what a user sees -------------------------------------------------------------------
cat >"$T/br5.xml" <<'EOF'
<interface type='bridge' name='br5'>
  <start mode='none'/>
  <protocol family='ipv4'>
    <ip address='192.0.2.5' prefix='24'/>
  </protocol>
  <bridge stp='off'>
    <interface type='ethernet' name='eth1'/>
  </bridge>
</interface>
EOF
invalid=("$SRCDIR"/tests/data/invalid/*.xml)
cp "${invalid[0]}" "$T/bad.xml"
via nosuch dumpxml nosuch
alone nosuch0 dumpxml nosuch
check "an unknown interface: the same error and exit status 1 through nmvirtd" \
    eval 'same nosuch nosuch0 && [ "$(rc nosuch)" = 1 ] && grep -q nosuch "$T/nosuch.err"'
via bad define "$T/bad.xml"
alone bad0 define "$T/bad.xml"
check "an invalid document: the same error and status through nmvirtd" \
    eval 'same bad bad0 && [ "$(rc bad)" = 1 ] && [ -s "$T/bad.err" ]'
before=$(count "ran 'define'")
(cd "$T" && "$NMVIRT" define br5.xml >"$T/rel.out" 2>"$T/rel.err")
check "a relative file name is the command's: define br5.xml from its directory" \
    eval '[ "$(count "ran '"'define'"'")" = $((before + 1)) ] && nmcli -g connection.id connection show br5 >/dev/null 2>&1'
lines=$(wc -l <"$LOG")
"$NMVIRT" dumpxml --help >"$T/help.out" 2>&1
check "--help is printed by the command, not the daemon" \
    eval 'grep -q "nmvirt dumpxml" "$T/help.out" && [ "$(wc -l <"$LOG")" = "$lines" ] && kill -0 $daemon'
NMVIRT_STATE_DIR=$T/elsewhere "$NMVIRT" dumpxml --inactive br5 >"$T/env.out" 2>&1
check "another NMVIRT_STATE_DIR: nmvirtd declines and the command answers itself" \
    eval 'tail -n1 "$LOG" | grep -q "declined .dumpxml.*NMVIRT_STATE_DIR" && grep -q "192.0.2.5" "$T/env.out"'
LC_ALL=C.UTF-8 LANGUAGE=de "$NMVIRT" dumpxml nosuch >"$T/loc.out" 2>&1
LC_ALL=C.UTF-8 LANGUAGE=de NMVIRT_SOCKET='' "$NMVIRT" dumpxml nosuch >"$T/loc0.out" 2>&1
check "the command's locale variables: the same message as without the daemon" \
    eval 'cmp -s "$T/loc.out" "$T/loc0.out" && tail -n1 "$LOG" | grep -q "ran .dumpxml"'
lines=$(wc -l <"$LOG")
setpriv --reuid=65534 --regid=65534 --clear-groups "$NMVIRT" list --all >"$T/nobody.out" 2>&1
echo $? >"$T/nobody.rc"
check "another user cannot reach the daemon (its socket is root's): the command runs alone" \
    eval '[ "$(wc -l <"$LOG")" = "$lines" ] && [ "$(rc nobody)" = 0 ] && grep -q br5 "$T/nobody.out"'

lines=$(wc -l <"$LOG")
"$NMVIRT" dumpxml -hx br5 >"$T/hx.out" 2>&1
echo $? >"$T/hx.rc"
check "a short-option group with h (-hx) is help too: printed by the command, the daemon untouched" \
    eval '[ "$(rc hx)" = 0 ] && grep -q "nmvirt dumpxml" "$T/hx.out" && [ "$(wc -l <"$LOG")" = "$lines" ] && kill -0 $daemon'
"$NMVIRT" define "$T/caf$(printf '\351').xml" >"$T/latin1.out" 2>&1
echo $? >"$T/latin1.rc"
check "an argument that is not UTF-8: the command runs the verb itself (exit 1: no such file)" \
    eval '[ "$(rc latin1)" = 1 ] && [ "$(wc -l <"$LOG")" = "$lines" ]'
"$NMVIRT" list --all >&- 2>/dev/null
check "stdout closed: the command runs the verb itself" eval '[ "$(wc -l <"$LOG")" = "$lines" ]'
DBUS_SYSTEM_BUS_ADDRESS=unix:path=$T/no-bus "$NMVIRT" list --all >"$T/nobus.out" 2>&1
echo $? >"$T/nobus.rc"
check "another system bus: declined, and the command's own error" \
    eval '[ "$(rc nobus)" = 1 ] && tail -n1 "$LOG" | grep -q "declined .list.*DBUS_SYSTEM_BUS_ADDRESS" && grep -q "NetworkManager is not running" "$T/nobus.out"'
unshare -n "$NMVIRT" list --all >"$T/netns.out" 2>&1
echo $? >"$T/netns.rc"
check "another network namespace: declined, the command answers itself" \
    eval '[ "$(rc netns)" = 0 ] && tail -n1 "$LOG" | grep -q "declined .list.*another network or mount namespace" && grep -q br5 "$T/netns.out"'
mkfifo "$T/fifo"
(sleep 1; "$NMVIRT" dumpxml --inactive br5 >"$T/fifo") &
writer=$!
"$NMVIRT" define "$T/fifo" >"$T/fifo.out" 2>&1
echo $? >"$T/fifo.rc"
wait "$writer"
check "define from a pipe another nmvirt command fills: not handed over (no deadlock), defined" \
    eval '[ "$(rc fifo)" = 0 ] && tail -n1 "$LOG" | grep -q "ran .dumpxml"'
# a daemon that cannot answer (stopped): the command waits 3 s, then runs
# the verb itself, and the daemon, continued, does not run it a second time
# (it finds the command gone: no GO, or no process to look at)
undefs=$(count "ran 'undefine'")
kill -STOP "$daemon"
t0=$SECONDS
via stopped undefine br5
took=$((SECONDS - t0))
kill -CONT "$daemon"
"$NMVIRT" list --all >/dev/null 2>&1
check "a daemon that does not answer: the command runs undefine itself after 3 s ($took s), the continued daemon does not" \
    eval '[ "$(rc stopped)" = 0 ] && [ $took -ge 3 ] && grep -qE "did not wait for .undefine|declined .undefine" "$LOG" &&
        [ "$(count "ran '"'undefine'"'")" = "$undefs" ] && ! nmcli -g connection.id connection show br5 >/dev/null 2>&1'
"$NMVIRT" define "$T/br5.xml" >/dev/null 2>&1

# ---- nmcli's changes show in the next answer --------------------------------------------
fresh=0
before=$(count "ran 'dumpxml'")
for i in $(seq 1 20); do
    nmcli connection modify br5 ipv4.addresses "198.51.100.$i/24" >/dev/null 2>&1
    "$NMVIRT" dumpxml --inactive br5 | grep -q "address='198.51.100.$i'" && fresh=$((fresh + 1))
done
check "20 nmcli modifications, each in nmvirtd's very next dumpxml ($fresh)" \
    eval '[ $fresh = 20 ] && [ "$(count "ran '"'dumpxml'"'")" = $((before + 20)) ]'
nmcli connection add type bridge con-name br6 ifname br6 autoconnect no ipv4.method disabled \
    ipv6.method ignore >/dev/null 2>&1
"$NMVIRT" list --all --name-only >"$T/added.out" 2>&1
nmcli connection delete br6 >/dev/null 2>&1
via deleted dumpxml br6
check "a profile nmcli adds, then deletes, shows and is gone in the next answers" \
    eval 'grep -qx br6 "$T/added.out" && [ "$(rc deleted)" = 1 ]'

# the daemon logs its debug messages (G_MESSAGES_DEBUG=nmvirtd, which GLib
# also takes for the library's domain 'nmvirt'): the command, without it,
# gets none of the library's on its stderr, as when it runs alone
via st start br5
via sp stop br5
check "start and stop through nmvirtd: the command's debug setting, not the daemon's" \
    eval '[ "$(rc st)" = 0 ] && [ "$(rc sp)" = 0 ] && ! grep -q DEBUG "$T/st.err" "$T/sp.err" && grep -q "ran .start" "$LOG"'

# ---- bridge, unbridge, mac and name through nmvirtd ---------------------------------
cat >"$T/eth3.xml" <<'EOF2'
<interface type='ethernet' name='eth3'>
  <start mode='none'/>
  <protocol family='ipv4'>
    <ip address='203.0.113.3' prefix='24'/>
  </protocol>
</interface>
EOF2
"$NMVIRT" define "$T/eth3.xml" >/dev/null 2>&1
uuid0=$(nmcli -g connection.uuid connection show eth3 2>/dev/null)
alone eth3a dumpxml --inactive eth3
via br bridge --no-start eth3 br9
via br9 dumpxml --inactive br9
via unbr unbridge --no-start br9
alone eth3b dumpxml --inactive eth3
check "bridge and unbridge through nmvirtd: eth3's address on br9 and back, same UUID" \
    eval '[ "$(rc br)" = 0 ] && grep -q "203.0.113.3" "$T/br9.out" && grep -q "name=.eth3" "$T/br9.out" &&
        [ "$(rc unbr)" = 0 ] && same eth3a eth3b &&
        [ "$(nmcli -g connection.uuid connection show eth3 2>/dev/null)" = "$uuid0" ] &&
        grep -q "ran .bridge" "$LOG" && grep -q "ran .unbridge" "$LOG"'
mac=$(cat /sys/class/net/eth3/address)
via mac mac eth3
alone mac0 mac eth3
via name name "$mac"
alone name0 name "$mac"
check "mac and name through nmvirtd: as the command alone" \
    eval 'same mac mac0 && same name name0 && grep -qx "$mac" "$T/mac.out" && grep -qx eth3 "$T/name.out"'
"$NMVIRT" undefine eth3 >/dev/null 2>&1

# ---- a verb running when another command comes; the daemon or the command killed ------
cat >"$T/eth2.xml" <<'EOF'
<interface type='ethernet' name='eth2'>
  <start mode='none'/>
  <protocol family='ipv4'>
    <dhcp/>
  </protocol>
</interface>
EOF
"$NMVIRT" define "$T/eth2.xml" >/dev/null 2>&1
# no DHCP server here: start waits for a lease until its timeout
"$NMVIRT" start --timeout 60 eth2 >"$T/wait.out" 2>"$T/wait.err" &
waiter=$!
pids+=("$waiter")
sleep 2
"$NMVIRT" dumpxml --inactive br5 >"$T/busy.out" 2>&1
check "a second command while a verb runs: declined, answered by the command itself" \
    eval 'grep -q "declined .dumpxml.*busy" "$LOG" && grep -q "198.51.100.20" "$T/busy.out"'
kill -9 "$daemon"
wait "$waiter"
echo $? >"$T/wait.rc"
check "the daemon killed in the middle of start: the command says so and exits 1" \
    eval '[ "$(rc wait)" = 1 ] && grep -q "nmvirtd ended before the command finished" "$T/wait.err"'
"$NMVIRT" stop eth2 >/dev/null 2>&1
via stale list --all
check "a stale socket left by the killed daemon: the command runs alone" \
    eval '[ "$(rc stale)" = 0 ] && grep -q br5 "$T/stale.out" && [ -S "$SOCK" ]'
: >"$LOG"
start_daemon --timeout 0
wait_for "$LOG" 'NetworkManager loaded' 20
"$NMVIRTD" --timeout 0 >"$T/second.out" 2>&1
echo $? >"$T/second.rc"
check "a new daemon replaces the stale socket; a second one refuses to start" \
    eval '[ "$(rc second)" = 1 ] && grep -q "another nmvirtd is listening" "$T/second.out" && kill -0 $daemon'
"$NMVIRT" start --timeout 5 eth2 >/dev/null 2>&1 &
waiter=$!
sleep 2
kill -9 "$waiter"
wait "$waiter" 2>/dev/null
# the verb goes on to its timeout, its output to nobody
wait_for "$LOG" "ran 'start'" 20 >/dev/null
via after list --all
check "the command killed in the middle of start: the daemon finishes the verb and goes on serving" \
    eval 'kill -0 $daemon && [ "$(rc after)" = 0 ] && tail -n1 "$LOG" | grep -q "ran .list"'
"$NMVIRT" stop eth2 >/dev/null 2>&1
"$NMVIRT" undefine eth2 >/dev/null 2>&1

# ---- NetworkManager restarted, stopped ---------------------------------------------------
loaded=$(count 'NetworkManager loaded')
nmvirt-sandbox-nm restart >/dev/null 2>&1
via restart dumpxml --inactive br5
check "right after a NetworkManager restart the answer is right (from the daemon or not)" \
    eval '[ "$(rc restart)" = 0 ] && grep -q "198.51.100.20" "$T/restart.out"'
wait_loaded "$loaded"
via reloaded dumpxml --inactive br5
check "nmvirtd reloads after the restart and serves again" \
    eval '[ "$(count "NetworkManager loaded")" -gt $loaded ] && tail -n1 "$LOG" | grep -q "ran .dumpxml" && grep -q "198.51.100.20" "$T/reloaded.out"'
loaded=$(count 'NetworkManager loaded')
nmvirt-sandbox-nm stop >/dev/null 2>&1
via down list --all
alone down0 list --all
check "NetworkManager stopped: the command's own error, exit status 1" \
    eval 'same down down0 && [ "$(rc down)" = 1 ] && grep -q "NetworkManager is not running" "$T/down.err"'
nmvirt-sandbox-nm start >/dev/null 2>&1
wait_loaded "$loaded"
"$NMVIRT" undefine br5 >/dev/null 2>&1

# ---- idle timeout, SIGTERM, socket activation --------------------------------------------
"$NMVIRTD" --socket "$T/idle.sock" --timeout 2 >"$T/idle.out" 2>&1 &
idle=$!
pids+=("$idle")
t0=$SECONDS
deadline=$((SECONDS + 15))
while kill -0 "$idle" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
wait "$idle" 2>/dev/null
echo $? >"$T/idle.rc"
check "--timeout 2: exits 0 after 2 s without a request and removes its socket ($((SECONDS - t0)) s)" \
    eval '[ "$(rc idle)" = 0 ] && [ ! -e "$T/idle.sock" ] && grep -q "no request for 2 s" "$T/idle.out"'
kill -TERM "$daemon"
wait "$daemon" 2>/dev/null
echo $? >"$T/term.rc"
check "SIGTERM: exits 0 and removes its socket" eval '[ "$(rc term)" = 0 ] && [ ! -e "$SOCK" ]'
# systemd's socket activation: a listening socket as descriptor 3, LISTEN_PID/LISTEN_FDS
/usr/bin/python3 - "$NMVIRTD" "$T/act.sock" "$T/act.out" <<'EOF' &
import os, socket, sys
sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sock.bind(sys.argv[2])
os.chmod(sys.argv[2], 0o600)
sock.listen(16)
out = os.open(sys.argv[3], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
os.dup2(out, 1)
os.dup2(out, 2)
os.dup2(sock.fileno(), 3)
os.set_inheritable(3, True)
os.environ.update(LISTEN_PID=str(os.getpid()), LISTEN_FDS='1', G_MESSAGES_DEBUG='nmvirtd')
os.execv(sys.argv[1], [sys.argv[1], '--timeout', '0'])
EOF
act=$!
pids+=("$act")
# the first command, as systemd starts the daemon for it: it waits for the load
deadline=$((SECONDS + 10))
until [ -S "$T/act.sock" ] || [ $SECONDS -ge $deadline ]; do sleep 0.05; done
NMVIRT_SOCKET=$T/act.sock "$NMVIRT" list --all >"$T/act-list.out" 2>&1
check "started by socket activation: the first command waits for the load and is served" \
    eval 'grep -q "listening on systemd" "$T/act.out" && grep -q "ran .list" "$T/act.out" && ! grep -q declined "$T/act.out"'
kill -TERM "$act"
wait "$act" 2>/dev/null
check "socket activation: the socket stays for systemd" test -S "$T/act.sock"

echo "1..$n"
[ "$failed" = 0 ]
