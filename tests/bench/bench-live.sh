#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The live benchmark: nmvirt against bare libnm and nmcli on a real
# NetworkManager. Runs INSIDE nmvirt-sandbox; prints figures and ratios and
# asserts nothing about time (it fails only when a job fails, e.g. a pair
# that does not come up). See tests/bench/meson.build:
#
#   nmvirt-sandbox --vm --nics 4 -- tests/bench/bench-live.sh scale
#   nmvirt-sandbox --ns --nics 4 -- tests/bench/bench-live.sh latency
#
# scale: for N in NMVIRT_BENCH_SIZES (10 100 500), define and start N
#   bridges, each with one VLAN port on a sandbox NIC (one interface XML
#   document per pair), three ways, each from the same state (every profile
#   deleted, then a fresh NetworkManager, whose device list would otherwise
#   keep the deleted VLANs for a minute):
#     floor   one libnm program: 2N AddConnection2 in flight, then N
#             activations in flight, until all 2N are activated (but see
#             NMVIRT_BENCH_WINDOW)
#     nmvirt  one NmvirtClient: N defines in flight, then N starts in flight
#             (idem)
#     nmcli   one 'nmcli connection add' per profile, one 'nmcli connection
#             up' per bridge, until all 2N are activated (N <= 100 only)
#   Wall time (define, start, total, per pair) and CPU time of the client
#   side and of NetworkManager plus the bus daemon. The kernel here has no
#   8021q, so this part runs in the VM sandbox (TCG: everything is several
#   times slower than on hardware; the ratios are what matter).
#   NMVIRT_BENCH_SHAPE=bare: bridges without a port, which the namespace
#   sandbox can start (the same code paths at native speed, as a diagnostic).
#   NMVIRT_BENCH_WINDOW (32): at most that many defines, and starts, in
#   flight (for the floor: pairs being added, pairs activating), the others
#   wait: libnm gives up on a call after 25 s, which a request queued behind
#   hundreds in the VM exceeds; 0 puts all in flight.
#   NMVIRT_BENCH_ROUNDS (1) repetitions, the median is shown;
#   NMVIRT_BENCH_NO_START=1 measures the define part only (then the namespace
#   sandbox will do). NMVIRT_BENCH_LIVE_BEFORE=PATH: a bench-live built from
#   an earlier nmvirt, run as method 'before' in the same rounds, so that a
#   change is measured under the same load.
#
# latency: a user's single command as a whole process, with 0, 100 and 500
#   other profiles (bridge+VLAN pairs, inactive) present: 'nmvirt define' of
#   one new bridge against 'nmcli connection add' of the same bridge, and
#   'nmvirt dumpxml' of that bridge against 'nmcli connection show' of it.
#   nmvirt is timed twice: handing the verb to an nmvirtd this script starts
#   (its log must show that it ran every timed command, else the run fails:
#   a figure of the fallback is not the daemon's), and "cold", without
#   nmvirtd (NMVIRT_SOCKET=), loading NMClient's cache itself. Beside them
#   two lower bounds: a minimal libnm program adding one bridge (what
#   anything built on NMClient pays without a daemon), and a program reading
#   every profile with targeted Settings calls but no NMClient (what an
#   exact answer without NMClient's cache pays: the identity rule needs every
#   profile's interface name, MAC and controller). The goal: nmvirt (with
#   nmvirtd) / nmcli <= 0.2 for both verbs at 500 profiles; the run prints
#   whether it is met, and fails only when a command fails or was not run
#   by nmvirtd.
#   NMVIRT_BENCH_LATENCY_ROUNDS (7) repetitions, the median is shown;
#   NMVIRT_BENCH_OTHERS (0 100 500) the numbers of other profiles;
#   NMVIRT_BENCH_NMVIRT_BEFORE=PATH: an earlier nmvirt command, timed in the
#   same rounds without nmvirtd (beside "cold").
#
# Needs NMVIRT_BENCH_LIVE (the bench-live worker) and NMVIRT (the nmvirt
# command); latency also NMVIRTD (the nmvirtd daemon).
set -euo pipefail
: "${NMVIRT_BENCH_LIVE:?}" "${NMVIRT:?}" "${NMVIRT_SANDBOX_STATE:?run me inside nmvirt-sandbox}"
BENCH=$NMVIRT_BENCH_LIVE
BEFORE=${NMVIRT_BENCH_LIVE_BEFORE:-}
METHODS="floor nmvirt${BEFORE:+ before} nmcli"
NICS=${NMVIRT_SANDBOX_NICS:-4}
TICK=$(getconf CLK_TCK)
T=$(mktemp -d "${TMPDIR:-/tmp}/bench-live.XXXXXX")
trap 'stop_nmvirtd; rm -rf "$T"' EXIT
trap 'exit 143' TERM INT HUP

die() { echo "bench-live: $*" >&2; exit 1; }
now_ms() { local t=${EPOCHREALTIME/,/.}; echo "${t%.*}${t#*.}" | awk '{ printf "%.1f", $1 / 1000 }'; }

# CPU time (user+system, ms) of NetworkManager and the sandbox's bus daemon.
daemon_cpu_ms() {
    local total=0 pid fields
    for pid in $(cat "$NMVIRT_SANDBOX_STATE/NetworkManager.pid") $(pidof dbus-daemon); do
        read -r -a fields <"/proc/$pid/stat"
        # utime and stime are fields 14 and 15; the comm field (2) has no spaces here
        total=$((total + fields[13] + fields[14]))
    done
    echo $((total * 1000 / TICK))
}

# Every profile gone, the devices NetworkManager made gone, and a fresh
# NetworkManager. Deleting hundreds of active profiles over D-Bus takes
# minutes in the VM (and runs into libnm's 25 s call timeout), so the
# profiles are removed while NetworkManager is stopped, and the links it
# leaves up are deleted in one 'ip -batch'.
reset() {
    nmvirt-sandbox-nm stop >/dev/null || die "cannot stop NetworkManager"
    rm -f "$NMVIRT_SANDBOX_KEYFILE_DIR"/* "${NMVIRT_SANDBOX_RUN_KEYFILE_DIR:?}"/* /run/NetworkManager/devices/*
    ip -o link show | awk -F': ' '$2 ~ /^(br[0-9]|[bc]?lat[0-9]|nlat[0-9]|llat[0-9]|eth[0-9]+\.)/ { sub(/@.*/, "", $2); print "link delete " $2 }' >"$T/links"
    [ -s "$T/links" ] && { ip -batch "$T/links" || die "cannot delete the links"; }
    nmvirt-sandbox-nm start >/dev/null || die "cannot start NetworkManager"
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
field() { # KEY LINE
    local re="(^| )$1=([^ ]*)"
    [[ $2 =~ $re ]] && echo "${BASH_REMATCH[2]}"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a != "-" && b != "-") printf "%.2f", a / b; else print "-" }'; }

# ---- scale --------------------------------------------------------------------------
scale() {
    local sizes=${NMVIRT_BENCH_SIZES:-10 100 500} rounds=${NMVIRT_BENCH_ROUNDS:-1}
    local nmcli_max=${NMVIRT_BENCH_NMCLI_MAX:-100} no_start=()
    [ "${NMVIRT_BENCH_NO_START:-0}" = 1 ] && no_start=(--no-start)
    "$BENCH" check >/dev/null || die "the floor's profiles are not nmvirt's"
    echo "# scale: sandbox $NMVIRT_SANDBOX, NICs $NICS, rounds $rounds, shape ${NMVIRT_BENCH_SHAPE:-vlan}${no_start:+, define only}"
    for n in $sizes; do
        # rounds interleave the methods, so that a change in the machine's
        # load hits all of them alike
        for ((r = 0; r < rounds; r++)); do
            for method in $METHODS; do
                [ "$method" = nmcli ] && [ "$n" -gt "$nmcli_max" ] && continue
                reset
                local cpu0 line cpu1
                cpu0=$(daemon_cpu_ms)
                if [ "$method" = before ]; then
                    line=$("$BEFORE" nmvirt "$n" "$NICS" "${no_start[@]}") || die "$method N=$n failed"
                else
                    line=$("$BENCH" "$method" "$n" "$NICS" "${no_start[@]}") || die "$method N=$n failed"
                fi
                cpu1=$(daemon_cpu_ms)
                "$BENCH" verify "$n" "$NICS" "${no_start[@]}" >/dev/null || die "$method N=$n: not all pairs are up"
                echo "# $method N=$n round $r: $line daemon_cpu_ms=$((cpu1 - cpu0))"
                for key in define_ms start_ms total_ms cpu_ms; do
                    field "$key" "$line" >>"$T/$method.$n.$key"
                done
                echo $((cpu1 - cpu0)) >>"$T/$method.$n.daemon_cpu_ms"
            done
        done
    done
    reset

    printf '\n%-7s %5s %11s %11s %11s %9s %11s %11s\n' method N define_ms start_ms total_ms ms/pair client_cpu daemon_cpu
    for n in $sizes; do
        for method in $METHODS; do
            [ -e "$T/$method.$n.total_ms" ] || continue
            local d s t c dc
            d=$(median <"$T/$method.$n.define_ms")
            s=$(median <"$T/$method.$n.start_ms")
            t=$(median <"$T/$method.$n.total_ms")
            c=$(median <"$T/$method.$n.cpu_ms")
            dc=$(median <"$T/$method.$n.daemon_cpu_ms")
            echo "$t" >"$T/$method.$n.median"
            printf '%-7s %5s %11s %11s %11s %9s %11s %11s\n' "$method" "$n" "$d" "$s" "$t" \
                "$(awk -v t="$t" -v n="$n" 'BEGIN { printf "%.1f", t / n }')" "$c" "$dc"
        done
    done
    printf '\n%5s %13s %13s%s\n' N nmvirt/floor nmcli/nmvirt "${BEFORE:+  before/floor}"
    local first="" last=""
    for n in $sizes; do
        local f v c r b=""
        f=$(cat "$T/floor.$n.median") v=$(cat "$T/nmvirt.$n.median")
        c=$(cat "$T/nmcli.$n.median" 2>/dev/null || echo -)
        [ -n "$BEFORE" ] && b=$(printf '%14s' "$(ratio "$(cat "$T/before.$n.median")" "$f")")
        r=$(ratio "$v" "$f")
        [ -n "$first" ] || first=$r
        printf '%5s %13s %13s%s\n' "$n" "$r" "$(ratio "$c" "$v")" "$b"
        last=$r
    done
    echo "nmvirt/floor at the largest N over the smallest: $(ratio "$last" "$first")"
}

# ---- latency --------------------------------------------------------------------------
# Runs "$@" once and prints its wall time in ms; fails when it fails. Its
# stderr is shown only then: with G_MESSAGES_DEBUG=nmvirtd, GLib 2.74 also
# shows domain "nmvirt"'s debug (it matches a substring), which nmvirtd's
# verbs write to the command's stderr.
time_ms() {
    local t0 t1
    t0=$(now_ms)
    "$@" >/dev/null 2>"$T/stderr" || { cat "$T/stderr" >&2; die "failed: $*"; }
    t1=$(now_ms)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", b - a }'
}

# The nmvirtd this script started (killed by this PID alone, at the end or
# on any exit), and its log (G_MESSAGES_DEBUG: one line per request).
NMVIRTD_PID=
stop_nmvirtd() {
    [ -n "$NMVIRTD_PID" ] || return 0
    kill -TERM "$NMVIRTD_PID" 2>/dev/null || true
    wait "$NMVIRTD_PID" 2>/dev/null || true
    NMVIRTD_PID=
}
# lines of nmvirtd's log matching the regex $1
nmvirtd_count() { grep -c -- "$1" "$T/nmvirtd.log" || true; }
nmvirtd_alive() {
    kill -0 "$NMVIRTD_PID" 2>/dev/null || { tail -n 20 "$T/nmvirtd.log" >&2; die "nmvirtd exited"; }
}

start_nmvirtd() {
    G_MESSAGES_DEBUG=nmvirtd "$NMVIRTD" --timeout 0 </dev/null >"$T/nmvirtd.log" 2>&1 &
    NMVIRTD_PID=$!
}

# Waits until nmvirtd logged more than $1 "NetworkManager loaded" lines
# (NetworkManager restarts in every reset; nmvirtd then reloads by itself
# and declines requests meanwhile) and listens, then makes one untimed
# 'nmvirt list' until nmvirtd, not the fallback, ran it.
nmvirtd_ready() {
    local deadline=$((SECONDS + 120)) ran
    until [ "$(nmvirtd_count 'NetworkManager loaded')" -gt "$1" ] && [ -S "$NMVIRT_SOCKET" ]; do
        nmvirtd_alive
        [ $SECONDS -lt $deadline ] || { tail -n 20 "$T/nmvirtd.log" >&2; die "nmvirtd did not load NetworkManager"; }
        sleep 0.1
    done
    while :; do
        ran=$(nmvirtd_count "ran 'list' of process [0-9]*: exit status 0")
        "$NMVIRT" list >/dev/null || die "nmvirt list failed"
        [ "$(nmvirtd_count "ran 'list' of process [0-9]*: exit status 0")" -gt "$ran" ] && return 0
        nmvirtd_alive
        [ $SECONDS -lt $deadline ] || { tail -n 20 "$T/nmvirtd.log" >&2; die "nmvirtd declines 'nmvirt list'"; }
        sleep 0.2
    done
}

latency() {
    : "${NMVIRTD:?the nmvirtd daemon to time the nmvirt command against}"
    local rounds=${NMVIRT_BENCH_LATENCY_ROUNDS:-7} others before=${NMVIRT_BENCH_NMVIRT_BEFORE:-}
    local sizes=${NMVIRT_BENCH_OTHERS:-0 100 500} goal=0.2
    # the sandbox's /run is its own
    export NMVIRT_SOCKET=${NMVIRT_SOCKET:-/run/nmvirt/nmvirtd.sock}
    echo "# latency: sandbox $NMVIRT_SANDBOX, rounds $rounds (median), nmvirtd on $NMVIRT_SOCKET;" \
        "goal: nmvirt/nmcli <= $goal for define and dumpxml at 500 profiles"
    start_nmvirtd
    for others in $sizes; do
        local loaded f
        loaded=$(nmvirtd_count 'NetworkManager loaded')
        reset
        [ "$others" -gt 0 ] && { "$BENCH" populate $((others / 2)) "$NICS" || die "populate failed"; }
        nmvirtd_ready "$loaded"
        for f in def cdef add one dump cdump show scan bdef bdump; do : >"$T/$f"; done
        local ran0 def0 dump0 declined0
        ran0=$(nmvirtd_count "ran '")
        def0=$(nmvirtd_count "ran 'define' of process [0-9]*: exit status 0")
        dump0=$(nmvirtd_count "ran 'dumpxml' of process [0-9]*: exit status 0")
        declined0=$(nmvirtd_count "declined '")
        for ((r = 0; r < rounds; r++)); do
            for f in lat clat blat; do
                printf "<interface type='bridge' name='%s%s'>\n  <start mode='none'/>\n  <bridge stp='off'/>\n</interface>\n" \
                    "$f" "$r" >"$T/$f$r.xml"
            done
            # nmvirt through nmvirtd, then without it (NMVIRT_SOCKET= : the
            # command loads NMClient's cache itself), then nmcli
            time_ms "$NMVIRT" define "$T/lat$r.xml" >>"$T/def"
            NMVIRT_SOCKET='' time_ms "$NMVIRT" define "$T/clat$r.xml" >>"$T/cdef"
            time_ms nmcli connection add type bridge con-name "nlat$r" ifname "nlat$r" autoconnect no \
                bridge.stp no ipv4.method disabled ipv6.method ignore >>"$T/add"
            time_ms "$BENCH" add-one "llat$r" >>"$T/one"
            [ -z "$before" ] || NMVIRT_SOCKET='' time_ms "$before" define "$T/blat$r.xml" >>"$T/bdef"
            time_ms "$NMVIRT" dumpxml "lat$r" >>"$T/dump"
            NMVIRT_SOCKET='' time_ms "$NMVIRT" dumpxml "clat$r" >>"$T/cdump"
            time_ms nmcli connection show "nlat$r" >>"$T/show"
            time_ms "$BENCH" scan >>"$T/scan"
            [ -z "$before" ] || NMVIRT_SOCKET='' time_ms "$before" dumpxml "blat$r" >>"$T/bdump"
        done
        # every 'nmvirt' figure is nmvirtd's: each timed command ran there
        # (a declined one runs in the command, as the cold one does), and
        # nothing else did
        local ran def dump declined
        ran=$(($(nmvirtd_count "ran '") - ran0))
        def=$(($(nmvirtd_count "ran 'define' of process [0-9]*: exit status 0") - def0))
        dump=$(($(nmvirtd_count "ran 'dumpxml' of process [0-9]*: exit status 0") - dump0))
        declined=$(($(nmvirtd_count "declined '") - declined0))
        if [ "$def" -ne "$rounds" ] || [ "$dump" -ne "$rounds" ] || [ "$ran" -ne $((2 * rounds)) ] ||
            [ "$declined" -ne 0 ]; then
            die "$others profiles: nmvirtd ran $def of $rounds defines, $dump of $rounds dumpxmls," \
                "$ran requests in all (not $((2 * rounds))), declined $declined; see its log: $(tail -n 5 "$T/nmvirtd.log")"
        fi
        echo "# $others profiles: nmvirtd ran all $((2 * rounds)) timed nmvirt commands, declined none"
        for f in def cdef add one dump cdump show scan bdef bdump; do
            median <"$T/$f" >"$T/median.$others.$f"
        done
    done
    reset
    stop_nmvirtd

    m() { cat "$T/median.$1.$2"; }
    # table TITLE NMCLI-HEADER LOWER-HEADER NMVIRT COLD NMCLI LOWER BEFORE: one verb's
    # figures (the last five: the files of the medians)
    table() {
        printf '\n%s\n%8s %8s %8s %10s %10s %13s %11s' "$1" profiles nmvirt cold "$2" "$3" \
            nmvirt/nmcli cold/nmcli
        [ -z "$before" ] || printf ' %8s' before
        printf '\n'
        for others in $sizes; do
            printf '%8s %8s %8s %10s %10s %13s %11s' "$others" "$(m "$others" "$4")" \
                "$(m "$others" "$5")" "$(m "$others" "$6")" "$(m "$others" "$7")" \
                "$(ratio "$(m "$others" "$4")" "$(m "$others" "$6")")" \
                "$(ratio "$(m "$others" "$5")" "$(m "$others" "$6")")"
            [ -z "$before" ] || printf ' %8s' "$(m "$others" "$8")"
            printf '\n'
        done
    }
    table "define one new bridge" "nmcli add" "libnm add" def cdef add one bdef
    table "dumpxml of it" "nmcli show" scan dump cdump show scan bdump
    echo
    echo "(median wall ms of whole processes; nmvirt: the command handing the verb to nmvirtd, every"
    echo " one checked in nmvirtd's log; cold: the same command without nmvirtd (NMVIRT_SOCKET=), which"
    echo " loads NMClient's cache itself; 'libnm add': a minimal libnm program adding one bridge"
    echo " (NMClient's cache, then AddConnection2); 'scan': reading every profile without NMClient"
    echo " (ListConnections, GetSettings of each, NMConnections of them))"
    [ -z "$before" ] || echo "(before: $before without nmvirtd, timed in the same rounds)"
    if [ -e "$T/median.500.def" ]; then
        local rd ru verdict
        rd=$(ratio "$(m 500 def)" "$(m 500 add)") ru=$(ratio "$(m 500 dump)" "$(m 500 show)")
        verdict=$(awk -v a="$rd" -v b="$ru" -v g="$goal" 'BEGIN { print (a != "-" && b != "-" && a <= g && b <= g) ? "met" : "NOT met" }')
        echo "goal nmvirt/nmcli <= $goal at 500 profiles: define $rd, dumpxml $ru: $verdict"
    fi
    return 0
}

case ${1:-} in
scale) scale ;;
latency) latency ;;
*) die "usage: bench-live.sh scale|latency" ;;
esac
