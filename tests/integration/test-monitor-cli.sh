#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# `nmvirt monitor` through the command line, TAP output. Runs INSIDE one
# nmvirt-sandbox session in namespace mode with 4 NICs (see meson.build):
#
#   nmvirt-sandbox --ns --nics 4 -- tests/integration/test-monitor-cli.sh
#
# Needs NMVIRT (the nmvirt binary). Two monitors run in the background, one
# for br0 only and one for everything; meanwhile nmvirt defines, starts,
# stops and undefines a bridge br0 over eth1 and eth2, and an ethernet
# interface eth3 is defined and undefined around a NetworkManager restart.
# Then: both monitors exit 0 on SIGINT and SIGTERM; br0's events come in
# order (defined, active, inactive, undefined, with only 'changed' between)
# with the right XML (live: both ports with their links up; inactive: the
# configuration); the filtered monitor shows nothing else; the restart
# gives no event; with NetworkManager stopped the verb fails within 5 s.
set -u
: "${NMVIRT:?}" "${NMVIRT_SANDBOX_KEYFILE_DIR:?run me inside nmvirt-sandbox}"
T=$(mktemp -d "${TMPDIR:-/tmp}/test-monitor-cli.XXXXXX")
# shellcheck source=tests/lib/tap-files.sh
. "$(dirname "$0")/../lib/tap-files.sh"
# run DESCRIPTION CMD...: must exit 0
run() {
    local desc=$1; shift
    if "$@" >"$T/run.out" 2>"$T/run.err"; then ok "$desc"; else not_ok "$desc" "$T/run.out" "$T/run.err"; fi
}
# events FILE [NAME]: the event lines, as "name word"
events() { sed -n "s/^event: \(${2:-[^ ]*}\) \([a-z]*\)$/\1 \2/p" "$1"; }
# block FILE N: the XML after the Nth event line (1-based)
block() { awk -v want="$2" '/^event: / { k++; next } k == want' "$1"; }

cat >"$T/br0.xml" <<'EOF'
<interface type='bridge' name='br0'>
  <start mode='none'/>
  <protocol family='ipv4'>
    <ip address='192.0.2.1' prefix='24'/>
  </protocol>
  <bridge stp='off'>
    <interface type='ethernet' name='eth1'/>
    <interface type='ethernet' name='eth2'/>
  </bridge>
</interface>
EOF
cat >"$T/eth3.xml" <<'EOF'
<interface type='ethernet' name='eth3'>
  <start mode='none'/>
</interface>
EOF

# ---- two monitors ---------------------------------------------------------
"$NMVIRT" monitor br0 >"$T/br0.out" 2>"$T/br0.err" &
mon_br0=$!
pids+=("$mon_br0")
"$NMVIRT" monitor >"$T/all.out" 2>"$T/all.err" &
mon_all=$!
pids+=("$mon_all")
# ready once they say so (on stderr): only then is the state they compare
# against taken
if wait_for "$T/br0.err" '^Monitoring interface br0; ' 10 &&
    wait_for "$T/all.err" '^Monitoring every interface; ' 10; then
    ok "both monitors say on stderr what they watch"
else
    not_ok "both monitors say on stderr what they watch" "$T/br0.err" "$T/all.err"
fi

# ---- br0: define, start, stop, undefine -------------------------------------
# expect FILE EVENT: the monitor printed "event: EVENT" (within 20 s)
expect() {
    if wait_for "$1" "^event: $2\$"; then ok "event: $2"; else not_ok "event: $2" "$1"; fi
}
run "define br0" "$NMVIRT" define "$T/br0.xml"
"$NMVIRT" dumpxml --inactive br0 >"$T/br0-config.xml" 2>&1
expect "$T/br0.out" "br0 defined"
run "start br0" "$NMVIRT" start br0
expect "$T/br0.out" "br0 active"
# the ports settle
sleep 2
run "stop br0" "$NMVIRT" stop br0
expect "$T/br0.out" "br0 inactive"
run "undefine br0" "$NMVIRT" undefine br0
expect "$T/br0.out" "br0 undefined"

# ---- eth3 across a NetworkManager restart -------------------------------------
run "define eth3" "$NMVIRT" define "$T/eth3.xml"
expect "$T/all.out" "eth3 defined"
before=$(grep -c '^event: ' "$T/all.out")
run "restart NetworkManager" nmvirt-sandbox-nm restart
# past the monitor's 3 s of grace after NetworkManager is back, and a window
sleep 5
after=$(grep -c '^event: ' "$T/all.out")
if [ "$after" -eq "$before" ]; then
    ok "a NetworkManager restart that changes nothing gives no event"
else
    not_ok "a NetworkManager restart that changes nothing gives no event" "$T/all.out"
fi
run "undefine eth3 after the restart" "$NMVIRT" undefine eth3
if wait_for "$T/all.out" '^event: eth3 undefined$'; then
    ok "the monitor goes on after the restart"
else
    not_ok "the monitor goes on after the restart" "$T/all.out" "$T/all.err"
fi

# ---- SIGINT and SIGTERM -------------------------------------------------------
kill -INT "$mon_br0"
wait "$mon_br0"
rc_br0=$?
kill -TERM "$mon_all"
wait "$mon_all"
rc_all=$?
pids=()
[ "$rc_br0" -eq 0 ] && ok "monitor br0 exits 0 on SIGINT" || not_ok "monitor br0 exits 0 on SIGINT (exit $rc_br0)" "$T/br0.err"
[ "$rc_all" -eq 0 ] && ok "monitor exits 0 on SIGTERM" || not_ok "monitor exits 0 on SIGTERM (exit $rc_all)" "$T/all.err"

# ---- what the filtered monitor printed ------------------------------------------
sequence=$(events "$T/br0.out" | awk '{ print $2 }' | tr '\n' ' ')
if [[ $sequence =~ ^defined\ (changed\ )*active\ (changed\ )*inactive\ (changed\ )*undefined\ $ ]]; then
    ok "br0: defined, active, inactive, undefined in order ($sequence)"
else
    not_ok "br0: defined, active, inactive, undefined in order (got: $sequence)" "$T/br0.out"
fi
others=$(events "$T/br0.out" | grep -v '^br0 ')
[ -z "$others" ] && ok "monitor br0 prints br0's events only" || not_ok "monitor br0 prints br0's events only" "$T/br0.out"
# every event line but 'undefined' is followed by a document
if [ "$(grep -c '^event: ' "$T/br0.out")" -eq "$(($(grep -c '^<interface ' "$T/br0.out") + 1))" ]; then
    ok "one XML document per event (none after 'undefined')"
else
    not_ok "one XML document per event (none after 'undefined')" "$T/br0.out"
fi

mapfile -t words < <(events "$T/br0.out" br0 | awk '{ print $2 }')
active=0
inactive=0
for i in "${!words[@]}"; do
    [ "${words[$i]}" = active ] && active=$((i + 1))
    [ "${words[$i]}" = inactive ] && inactive=$((i + 1))
done
# a define writes one profile after the other, so the ports may come in a
# 'changed' after 'defined': the last document before 'active' is complete
config_xml=$(cat "$T/br0-config.xml")
defined_xml=$(block "$T/br0.out" $((active - 1)))
[ "$defined_xml" = "$config_xml" ] && ok "defined: the configuration, as dumpxml --inactive" ||
    not_ok "defined: the configuration, as dumpxml --inactive" "$T/br0.out" "$T/br0-config.xml"
# the live documents (active, and the changes until inactive): none has
# configuration in it; once the ports have settled, both are there with
# their links up at 10000 Mb/s (veth), and the address
settled=0
configured=0
for ((k = active; k > 0 && k < inactive; k++)); do
    live_xml=$(block "$T/br0.out" "$k")
    [[ $live_xml == *"<start"* || $live_xml == *"stp="* ]] && configured=1
    [[ $live_xml == *"<interface type='ethernet' name='eth1'>"$'\n'"      <link speed='10000' state='up'/>"* ]] &&
        [[ $live_xml == *"<interface type='ethernet' name='eth2'>"$'\n'"      <link speed='10000' state='up'/>"* ]] &&
        [[ $live_xml == *"<ip address='192.0.2.1' prefix='24'/>"* ]] && settled=1
done
[ $settled = 1 ] && ok "a live document shows eth1 and eth2 with their links up, and the address" ||
    not_ok "a live document shows eth1 and eth2 with their links up, and the address" "$T/br0.out"
[ $active -gt 0 ] && [ $configured = 0 ] && ok "live documents hold no configuration" ||
    not_ok "live documents hold no configuration" "$T/br0.out"
inactive_xml=$(block "$T/br0.out" "${inactive:-1}")
[ "$inactive_xml" = "$config_xml" ] && ok "inactive: the configuration again" ||
    not_ok "inactive: the configuration again" "$T/br0.out"

# ---- what the unfiltered monitor printed ------------------------------------------
all=$(events "$T/all.out" | tr '\n' ',')
if [[ $all == *"br0 defined,"*"br0 undefined,"*"eth3 defined,"*"eth3 undefined,"* ]]; then
    ok "monitor without IFACE prints br0's and eth3's events"
else
    not_ok "monitor without IFACE prints br0's and eth3's events (got: $all)" "$T/all.out"
fi
ports=$(events "$T/all.out" | grep -E '^eth[12] ')
[ -z "$ports" ] && ok "ports are never reported on their own" || not_ok "ports are never reported on their own" "$T/all.out"

# ---- arguments and NetworkManager down ------------------------------------------------
"$NMVIRT" monitor 52:54:00:0a:0b:0c >"$T/out" 2>"$T/err"
rc=$?
if [ $rc -eq 1 ] && grep -q "no interface has the MAC address 52:54:00:0a:0b:0c" "$T/err"; then
    ok "monitor with a MAC nobody has fails"
else
    not_ok "monitor with a MAC nobody has fails (exit $rc)" "$T/err"
fi
run "stop NetworkManager" nmvirt-sandbox-nm stop
start_s=$SECONDS
timeout 5 "$NMVIRT" monitor >"$T/out" 2>"$T/err"
rc=$?
if [ $rc -eq 1 ] && grep -q "NetworkManager is not running" "$T/err" && [ ! -s "$T/out" ]; then
    ok "without NetworkManager monitor fails within 5 s ($((SECONDS - start_s)) s) and says so"
else
    not_ok "without NetworkManager monitor fails within 5 s and says so (exit $rc)" "$T/out" "$T/err"
fi
run "start NetworkManager" nmvirt-sandbox-nm start

echo "1..$n"
[ "$failed" -eq 0 ]
