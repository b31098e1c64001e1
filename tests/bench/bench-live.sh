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
#   'nmvirt dumpxml' of that bridge against 'nmcli connection show' of it;
#   beside them two lower bounds: a minimal libnm program adding one bridge
#   (what anything built on NMClient pays), and a program reading every
#   profile with targeted Settings calls but no NMClient (what an exact
#   answer without NMClient's cache pays: the identity rule needs every
#   profile's interface name, MAC and controller).
#   NMVIRT_BENCH_LATENCY_ROUNDS (7) repetitions, the median is shown;
#   NMVIRT_BENCH_OTHERS (0 100 500) the numbers of other profiles;
#   NMVIRT_BENCH_NMVIRT_BEFORE=PATH: an earlier nmvirt command, timed in the
#   same rounds.
#
# Needs NMVIRT_BENCH_LIVE (the bench-live worker) and NMVIRT (the nmvirt
# command).
set -euo pipefail
: "${NMVIRT_BENCH_LIVE:?}" "${NMVIRT:?}" "${NMVIRT_SANDBOX_STATE:?run me inside nmvirt-sandbox}"
BENCH=$NMVIRT_BENCH_LIVE
BEFORE=${NMVIRT_BENCH_LIVE_BEFORE:-}
METHODS="floor nmvirt${BEFORE:+ before} nmcli"
NICS=${NMVIRT_SANDBOX_NICS:-4}
TICK=$(getconf CLK_TCK)
T=$(mktemp -d "${TMPDIR:-/tmp}/bench-live.XXXXXX")
trap 'rm -rf "$T"' EXIT

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
    ip -o link show | awk -F': ' '$2 ~ /^(br[0-9]|b?lat[0-9]|nlat[0-9]|llat[0-9]|eth[0-9]+\.)/ { sub(/@.*/, "", $2); print "link delete " $2 }' >"$T/links"
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
# Runs "$@" once and prints its wall time in ms; fails when it fails.
time_ms() {
    local t0 t1
    t0=$(now_ms)
    "$@" >/dev/null || die "failed: $*"
    t1=$(now_ms)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", b - a }'
}

latency() {
    local rounds=${NMVIRT_BENCH_LATENCY_ROUNDS:-7} others before=${NMVIRT_BENCH_NMVIRT_BEFORE:-}
    echo "# latency: sandbox $NMVIRT_SANDBOX, rounds $rounds (median)"
    printf '\n%8s %13s %10s %11s %7s %15s %11s %8s %7s' profiles "nmvirt define" "nmcli add" \
        "libnm add" ratio "nmvirt dumpxml" "nmcli show" scan ratio
    [ -n "$before" ] && printf ' %14s %15s' "before define" "before dumpxml"
    printf '\n'
    for others in ${NMVIRT_BENCH_OTHERS:-0 100 500}; do
        reset
        [ "$others" -gt 0 ] && { "$BENCH" populate $((others / 2)) "$NICS" || die "populate failed"; }
        local f
        for f in def add one dump show scan bdef bdump; do : >"$T/$f"; done
        for ((r = 0; r < rounds; r++)); do
            printf "<interface type='bridge' name='lat%s'>\n  <start mode='none'/>\n  <bridge stp='off'/>\n</interface>\n" "$r" >"$T/lat$r.xml"
            printf "<interface type='bridge' name='blat%s'>\n  <start mode='none'/>\n  <bridge stp='off'/>\n</interface>\n" "$r" >"$T/blat$r.xml"
            time_ms "$NMVIRT" define "$T/lat$r.xml" >>"$T/def"
            time_ms nmcli connection add type bridge con-name "nlat$r" ifname "nlat$r" autoconnect no \
                bridge.stp no ipv4.method disabled ipv6.method ignore >>"$T/add"
            time_ms "$BENCH" add-one "llat$r" >>"$T/one"
            [ -n "$before" ] && time_ms "$before" define "$T/blat$r.xml" >>"$T/bdef"
            time_ms "$NMVIRT" dumpxml "lat$r" >>"$T/dump"
            time_ms nmcli connection show "nlat$r" >>"$T/show"
            time_ms "$BENCH" scan >>"$T/scan"
            [ -n "$before" ] && time_ms "$before" dumpxml "blat$r" >>"$T/bdump"
        done
        local d a o u w c
        d=$(median <"$T/def") a=$(median <"$T/add") o=$(median <"$T/one")
        u=$(median <"$T/dump") w=$(median <"$T/show") c=$(median <"$T/scan")
        printf '%8s %13s %10s %11s %7s %15s %11s %8s %7s' "$others" "$d" "$a" "$o" "$(ratio "$d" "$a")" \
            "$u" "$w" "$c" "$(ratio "$u" "$w")"
        [ -n "$before" ] && printf ' %14s %15s' "$(median <"$T/bdef")" "$(median <"$T/bdump")"
        printf '\n'
    done
    reset
    echo "(wall ms of whole processes; ratio = nmvirt / nmcli; 'libnm add': a minimal libnm"
    echo " program adding one bridge (NMClient's cache, then AddConnection2); 'scan': reading every"
    echo " profile without NMClient (ListConnections, GetSettings of each, NMConnections of them))"
    [ -n "$before" ] && echo "('before': $before, timed in the same rounds)"
    return 0
}

case ${1:-} in
scale) scale ;;
latency) latency ;;
*) die "usage: bench-live.sh scale|latency" ;;
esac
