#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# nmvirt against a real NetworkManager, end to end through the command line,
# TAP output. Runs INSIDE one nmvirt-sandbox session (see meson.build here:
# --dhcp --nics 4 and the MACs live-expectations.txt asks for):
#
#   nmvirt-sandbox --dhcp --nics 4 --mac ... -- tests/integration/test-live.sh
#
# Needs NMVIRT (the nmvirt binary), XML_EQUAL (nmvirt-test-xml-equal),
# TEST_DATA (tests/data); optional NMVIRT_CORPUS_DIR (../shared/corpus) and
# NMVIRT_EXAMPLES_DIR (data/examples; found from TEST_DATA otherwise), and
# the sandbox's NMVIRT_SANDBOX_KEYFILE_DIR and nmvirt-sandbox-nm.
#
# Starting a process costs 0.2 to 1 s in the sandbox's VM (TCG, root over
# 9p), so the checks are done in bash wherever they can be: files are read
# with 'read', output is matched with [[ =~ ]], and each external program
# runs once per step.
#
# 1. every valid document (tests/data/valid, data/examples, the corpus):
#    define, nmcli lists its profiles, keyfiles, dumpxml --inactive equals it;
# 2. live-expectations.txt: start (kernel objects, live XML, stop) or fail
#    (with its message), then undefine and nothing left;
# 3. takeover of eth0's nmcli profiles (the active one converted into br0's
#    port, the other suspended), across a NetworkManager restart, and undone
#    by undefine; 5. a tap port in the live XML; the list filters;
# 4. a bridge made with plain nmcli: listed, dumped, redefined in place;
# 6. invalid documents change nothing; 7. a UUID held by another profile,
#    and defines/undefines failing after each of their writes (nmvirt's
#    NMVIRT_TEST_FAIL_AFTER_WRITES) leave everything as before;
# 8. an unmanaged device; 9. every daemon verb with NetworkManager stopped
#    (and before that: mac, name, an interface given by its MAC).
#
# The test adds DHCPv4 on VLAN 42 of eth0's peer, so that the corpus' VLAN
# documents with <dhcp/> can start. NMVIRT_LIVE_ONLY and NMVIRT_LIVE_SECTIONS
# (below) run a part of it.
set -u
here=$(dirname "$(readlink -f "$0")")
: "${NMVIRT:?}" "${XML_EQUAL:?}" "${TEST_DATA:?}" "${NMVIRT_SANDBOX_KEYFILE_DIR:?run me inside nmvirt-sandbox}"
KF=$NMVIRT_SANDBOX_KEYFILE_DIR
RUNKF=${NMVIRT_SANDBOX_RUN_KEYFILE_DIR:-/run/NetworkManager/system-connections}
EXAMPLES=${NMVIRT_EXAMPLES_DIR:-$TEST_DATA/../../data/examples}
EXPECTATIONS=${NMVIRT_LIVE_EXPECTATIONS:-$here/live-expectations.txt}
# NMVIRT_LIVE_ONLY=REGEX: only the documents whose path matches (debugging)
ONLY=${NMVIRT_LIVE_ONLY:-}
# NMVIRT_LIVE_SECTIONS: which parts run (default all): docs invalid uuid
# halfway nmcli takeover unmanaged down
SECTIONS=" ${NMVIRT_LIVE_SECTIONS:-docs invalid uuid halfway nmcli takeover unmanaged down} "
PYTHON=python3
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3
T=$(mktemp -d "${TMPDIR:-/tmp}/test-live.XXXXXX")
# NMVIRT_LIVE_NMVIRTD=PATH: the whole test with that nmvirtd running, as
# with nmvirtd.socket enabled on a host: the command hands it its verbs
NMVIRTD=${NMVIRT_LIVE_NMVIRTD:-}
nmvirtd_pid=
# shellcheck disable=SC2317 # runs from the trap
live_cleanup() {
    [ -n "$nmvirtd_pid" ] && kill "$nmvirtd_pid" 2>/dev/null
    rm -rf "$T"
}
trap live_cleanup EXIT

# ---- TAP ------------------------------------------------------------------
# shellcheck source=tests/lib/tap.sh
. "$here/../lib/tap.sh"
section() { [[ $SECTIONS == *" $1 "* ]]; }

# ---- running things -------------------------------------------------------
# slurp VAR FILE: the file's content, without starting a process
slurp() { IFS= read -r -d '' "$1" <"$2" || true; }
now() { REPLY=${EPOCHREALTIME/[.,]/}; }
# seconds since START (microseconds) with one decimal, in REPLY
since() { local start=$1; now; local t=$(((REPLY - start) / 100000)); REPLY="$((t / 10)).$((t % 10))"; }
# run CMD...: rc, out, err (trailing newline removed), secs (elapsed)
run() {
    local t0
    now; t0=$REPLY
    "$@" >"$T/out" 2>"$T/err" </dev/null
    rc=$?
    since "$t0"; secs=$REPLY
    slurp out "$T/out"; out=${out%$'\n'}
    slurp err "$T/err"; err=${err%$'\n'}
}
# spawn ID CMD...: run CMD in the background (many at once use both CPUs of
# the VM while each waits for NetworkManager); after 'wait', collect ID sets
# rc, out, err and secs as run does
spawn() {
    local id=$1
    shift
    (
        t0=${EPOCHREALTIME/[.,]/}
        "$@" >"$T/job-$id.out" 2>"$T/job-$id.err" </dev/null
        r=$?
        echo "$r $(((${EPOCHREALTIME/[.,]/} - t0) / 100000))" >"$T/job-$id.rc"
    ) &
}
collect() {
    local t
    read -r rc t <"$T/job-$1.rc"
    secs="$((t / 10)).$((t % 10))"
    slurp out "$T/job-$1.out"; out=${out%$'\n'}
    slurp err "$T/job-$1.err"; err=${err%$'\n'}
}
# what a failed run says
said() { printf 'command: %s\nexit %s after %s s\nstdout: %s\nstderr: %s' "$1" "$rc" "$secs" "$out" "$err"; }
nm() { "$NMVIRT" "$@"; }
# has_line TEXT LINE: TEXT has LINE as one of its lines
has_line() { [[ $'\n'$1$'\n' == *$'\n'$2$'\n'* ]]; }

# ---- NetworkManager's state -------------------------------------------------
# generated LINE: the nmcli line (FILENAME among its fields) is a profile
# NetworkManager generated for a device it did not configure (loopback, or a
# NIC with addresses from the kernel: a disconnected NIC whose IPv6 the
# kernel configures from router advertisements). Those are not nmvirt's.
generated() {
    local f c
    [[ $1 =~ :($RUNKF/[^:]*)(:|$) ]] || return 1
    f=${BASH_REMATCH[1]}
    [ -f "$f" ] || return 1
    slurp c "$f"
    [[ $c == *$'\n'nm-generated=true$'\n'* ]]
}
# profiles: nmcli's NAME:TYPE lines in $profiles (sorted), without the
# profiles NetworkManager generates
# (profiles_long: with UUID, file and device, for diagnostics)
profiles_now() {
    local lines=() l
    mapfile -t lines < <(nmcli -t -f NAME,TYPE,UUID,FILENAME,DEVICE connection show 2>&1 | sort)
    profiles='' profiles_long=''
    local name type rest
    for l in "${lines[@]}"; do
        IFS=: read -r name type rest <<<"$l"
        generated "$l" && continue
        profiles+=$name:$type$'\n'
        profiles_long+=$l$'\n'
    done
    profiles=${profiles%$'\n'}
}
# snapshot: profiles (NAME:UUID) and every keyfile with its size, time and
# content, in $snap; nothing about the generated loopback profile
snapshot() {
    local lines=() l f c
    snap=
    mapfile -t lines < <(nmcli -t -f NAME,UUID,TYPE,FILENAME connection show 2>&1 | sort)
    for l in "${lines[@]}"; do generated "$l" || snap+=$l$'\n'; done
    snap+=$(stat -c '%A %n' "$KF"/* 2>&1)$'\n'
    for f in "$KF"/* "$RUNKF"/*; do
        [ -f "$f" ] || continue
        slurp c "$f"
        [[ $c == *$'\n'nm-generated=true$'\n'* ]] && continue
        untimed "$c"
        snap+="== $f"$'\n'$REPLY
    done
}
# untimed KEYFILE-TEXT: without connection.timestamp, which NetworkManager
# itself keeps (the last activation) and writes along with any update
# (in REPLY; no subshell)
untimed() {
    local line
    REPLY=
    while IFS= read -r line; do [[ $line == timestamp=* ]] || REPLY+=$line$'\n'; done <<<"$1"
}
# files_snapshot: the keyfiles (both directories, generated ones left out)
# with their content in $fsnap, and whether any was written after the file
# $T/mark; no process is started
files_snapshot() {
    local f c
    fsnap=
    for f in "$KF"/* "$RUNKF"/*; do
        [ -f "$f" ] || continue
        slurp c "$f"
        [[ $c == *$'\n'nm-generated=true$'\n'* ]] && continue
        [ "$f" -nt "$T/mark" ] && fsnap+="written after the mark: $f"$'\n'
        untimed "$c"
        fsnap+="== $f"$'\n'$REPLY
    done
}
snap_diff() { diff <(echo "$1") <(echo "$2") | head -n 40; }
# keyfiles: ids of the keyfiles in $KF -> their content, in kf_content
declare -A kf_content
read_keyfiles() {
    local f c
    kf_content=()
    for f in "$KF"/*; do
        [ -f "$f" ] || continue
        slurp c "$f"
        [[ $c =~ (^|$'\n')id=([^$'\n']*) ]] && kf_content[${BASH_REMATCH[2]}]=$c
    done
}
# ip -d -o link, by interface name, in link[]
declare -A link
read_links() {
    local lines=() l
    link=()
    mapfile -t lines < <(ip -d -o link show 2>&1)
    for l in "${lines[@]}"; do
        [[ $l =~ ^[0-9]+:\ ([^:@ ]+)(@[^: ]+)?:\ (.*)$ ]] && link[${BASH_REMATCH[1]}]="${BASH_REMATCH[2]} ${BASH_REMATCH[3]} "
    done
}
# device states: nmcli device STATE by name, in devstate[]
declare -A devstate
read_devstates() {
    local lines=() l
    devstate=()
    mapfile -t lines < <(nmcli -t -f DEVICE,STATE device 2>&1)
    for l in "${lines[@]}"; do devstate[${l%%:*}]=${l#*:}; done
}
# live XML: the <link state> of each interface and the addresses, from our
# formatter's canonical output (one element per line, two-space indent)
declare -A xml_state
xml_addrs=
parse_xml() {
    local line indent name
    local -a stack=()
    xml_state=()
    xml_addrs=" "
    while IFS= read -r line; do
        if [[ $line =~ ^(\ *)\<interface\ .*name=\'([^\']*)\' ]]; then
            indent=${#BASH_REMATCH[1]}
            stack[indent]=${BASH_REMATCH[2]}
        elif [[ $line =~ ^(\ *)\<link\ .*state=\'([^\']*)\' ]]; then
            indent=${#BASH_REMATCH[1]}
            name=${stack[indent - 2]:-}
            [ -n "$name" ] && xml_state[$name]=${BASH_REMATCH[2]}
        elif [[ $line =~ \<ip\ address=\'([^\']*)\' ]]; then
            xml_addrs+="${BASH_REMATCH[1]} "
        fi
    done <<<"$1"
}

# ---- the documents and what the test knows about them ------------------------
docs=()
declare -A docpath
add_docs() { # ROOT-LABEL DIR
    local f
    for f in "$2"/*.xml; do
        [ -f "$f" ] || continue
        [ -n "$ONLY" ] && ! [[ $1/${f##*/} =~ $ONLY ]] && continue
        docs+=("$1/${f##*/}")
        docpath[$1/${f##*/}]=$f
    done
}
add_docs valid "$TEST_DATA/valid"
add_docs examples "$EXAMPLES"
if [ -n "${NMVIRT_CORPUS_DIR:-}" ]; then
    add_docs netcf "$NMVIRT_CORPUS_DIR/netcf"
    add_docs libvirt "$NMVIRT_CORPUS_DIR/libvirt"
fi

# live-docinfo.py reads every document once; its lines go into these tables
declare -A d_top d_profiles d_ifaces d_bridges d_bonds d_vlans d_mtu d_macs d_addrs d_dhcp4 d_auto6 d_error
declare -A if_type if_ctl
info_args=()
for rel in "${docs[@]}"; do info_args+=("$rel=${docpath[$rel]}"); done
mapfile -t info < <("$PYTHON" "$here/live-docinfo.py" "${info_args[@]}" 2>&1)
cur=
for line in "${info[@]}"; do
    read -r -a w <<<"$line"
    case ${w[0]} in
    doc) cur=${w[1]} ;;
    top) d_top[$cur]=${w[1]} ;;
    profile) d_profiles[$cur]+="${w[1]}:${w[2]}"$'\n' ;;
    iface) d_ifaces[$cur]+="${w[1]} "; if_type[$cur/${w[1]}]=${w[2]}; if_ctl[$cur/${w[1]}]=${w[3]} ;;
    bridge) d_bridges[$cur]+="${w[*]:1}"$'\n' ;;
    bond) d_bonds[$cur]+="${w[*]:1}"$'\n' ;;
    vlan) d_vlans[$cur]+="${w[*]:1}"$'\n' ;;
    mtu) d_mtu[$cur]=${w[1]} ;;
    mac) d_macs[$cur]+="${w[1]}=${w[2]} " ;;
    addr) d_addrs[$cur]+="${w[1]} " ;;
    dhcp4) d_dhcp4[$cur]=1 ;;
    auto6) d_auto6[$cur]=1 ;;
    arpmon) ;;
    error) d_error[$cur]="${w[*]:1}" ;;
    end) cur= ;;
    *) not_ok "live-docinfo.py: unexpected line" "$line" ;;
    esac
done
[ ${#docs[@]} -gt 0 ] && [ ${#d_top[@]} -eq ${#docs[@]} ] &&
    ok "read ${#docs[@]} documents (${#d_top[@]} with a top-level interface)" ||
    not_ok "read the documents" "$(printf '%s\n' "${info[@]}" | head -n 20)"

# live-expectations.txt: REL VERDICT [FRAGMENT...] [--mac ethK=MAC]... [--with REL] [--no-lease]
declare -A e_verdict e_frag e_macs e_with e_nolease
while IFS= read -r line; do
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    read -r -a w <<<"$line"
    rel=${w[0]} verdict=${w[1]:-} frag='' macs='' with='' nolease=''
    for ((i = 2; i < ${#w[@]}; i++)); do
        case ${w[i]} in
        --mac) macs+="${w[i + 1]:-} "; i=$((i + 1)) ;;
        --with) with=${w[i + 1]:-}; i=$((i + 1)) ;;
        --no-lease) nolease=1 ;;
        *) frag+="${frag:+ }${w[i]}" ;;
        esac
    done
    case $verdict in
    start | fail | skip-start) ;;
    *) not_ok "live-expectations.txt: '$rel': verdict '$verdict' is not start, fail or skip-start"; continue ;;
    esac
    e_verdict[$rel]=$verdict e_frag[$rel]=$frag e_macs[$rel]=$macs e_with[$rel]=$with e_nolease[$rel]=$nolease
done <"$EXPECTATIONS"
missing=
for rel in "${docs[@]}"; do [ -n "${e_verdict[$rel]:-}" ] || missing+="$rel "; done
tap "$([ -z "$missing" ]; echo $?)" "live-expectations.txt has a line for every document" "no line for: $missing"
if [ -z "$ONLY" ]; then
    stale=
    for rel in "${!e_verdict[@]}"; do
        case $rel in netcf/* | libvirt/*) [ -n "${NMVIRT_CORPUS_DIR:-}" ] || continue ;; esac
        [ -n "${docpath[$rel]:-}" ] || stale+="$rel "
    done
    tap "$([ -z "$stale" ]; echo $?)" "every line of live-expectations.txt names an existing document" "no such document: $stale"
fi

# NMVIRT_LIVE_STARTS: which documents are started. 'all' (the default) needs
# a kernel with bonding and 8021q; the namespace sandbox on a kernel without
# them runs 'plain' (a document that starts a bond or a VLAN, itself or
# through --with, is defined, listed, dumped and undefined only), and the
# sandbox's VM then runs 'bond-vlan' (only those documents, defined and
# started). Documents that must fail never reach the kernel: 'plain' runs them.
STARTS=${NMVIRT_LIVE_STARTS:-all}
needs_kernel() { # REL: 0 when starting it creates a bond or a VLAN
    local with=${e_with[$1]:-}
    [ -n "${d_bonds[$1]:-}${d_vlans[$1]:-}" ] && return 0
    [ -n "$with" ] && [ -n "${d_bonds[$with]:-}${d_vlans[$with]:-}" ]
}
case $STARTS in
all) ;;
plain | bond-vlan)
    kept=()
    for rel in "${docs[@]}"; do
        if [ "${e_verdict[$rel]:-}" = start ] && needs_kernel "$rel"; then
            [ "$STARTS" = plain ] && e_verdict[$rel]=skip-start
            kept+=("$rel")
        elif [ "$STARTS" = plain ]; then
            kept+=("$rel")
        fi
    done
    docs=("${kept[@]}")
    note "NMVIRT_LIVE_STARTS=$STARTS: ${#docs[@]} documents"
    ;;
*) not_ok "NMVIRT_LIVE_STARTS must be all, plain or bond-vlan, not '$STARTS'" ;;
esac

# the NICs have the MACs the expectations ask for
declare -A nic_mac
for k in 0 1 2 3 4 5 6 7; do
    [ -r /sys/class/net/eth$k/address ] && read -r nic_mac[eth$k] </sys/class/net/eth$k/address
done

# DHCPv4 on VLAN 42 of eth0 too (198.18.42.0/24), beside the sandbox's own
# untagged service, so that the corpus' VLAN documents with <dhcp/> start
# (not needed, and impossible without 8021q, when no VLAN is started)
if [ -n "${NMVIRT_SANDBOX_PEER_NETNS:-}" ] && [ "$STARTS" != plain ]; then
    P=$NMVIRT_SANDBOX_PEER_NETNS
    if ip -n "$P" link add link peer0 name peer0.42 type vlan id 42 2>"$T/err" &&
        ip -n "$P" addr add 198.18.42.1/24 dev peer0.42 && ip -n "$P" link set peer0.42 up &&
        ip netns exec "$P" dnsmasq --conf-file=/dev/null --no-resolv --no-hosts --port=0 \
            --bind-interfaces --interface=peer0.42 --dhcp-rapid-commit --user=root \
            --dhcp-range=198.18.42.100,198.18.42.199,255.255.255.0,1h \
            --pid-file="$T/dnsmasq42.pid" --dhcp-leasefile="$T/dnsmasq42.leases" \
            --log-facility="$T/dnsmasq42.log" 2>>"$T/err"; then
        ok "DHCP on VLAN 42 of eth0's peer"
    else
        slurp err "$T/err"
        not_ok "DHCP on VLAN 42 of eth0's peer" "$err"
    fi
fi

profiles_now
baseline=$profiles
tap "$([ -z "$baseline" ]; echo $?)" "NetworkManager starts without profiles of its own" "$baseline"

# ---- 1 and 2: every valid document ---------------------------------------------
# Documents go in batches whose interface names (vlan parents included) and
# MACs are disjoint, so they cannot touch each other: a batch is defined, its
# profiles listed once, each document dumped, the ones that must fail are
# started all at once (a failure may take the whole --timeout), the ones
# that start are started, checked and stopped one by one, and all are
# undefined and listed once more. One nmcli listing serves every document of
# a batch; starting nmcli costs about a second in the VM.
BATCH_MAX=${NMVIRT_LIVE_BATCH:-12}
declare -A d_keys
for rel in "${docs[@]}"; do
    keys=" ${d_ifaces[$rel]:-} "
    while read -r _ _ parent; do [ -n "$parent" ] && keys+="$parent "; done <<<"${d_vlans[$rel]:-}"
    for spec in ${d_macs[$rel]:-}; do keys+="${spec#*=} "; done
    for spec in ${e_macs[$rel]:-}; do keys+="${spec%%=*} ${spec#*=} "; done
    with=${e_with[$rel]:-}
    [ -n "$with" ] && keys+="${d_keys[$with]:-${d_ifaces[$with]:-}} "
    d_keys[$rel]=$keys
done
batches=()
declare -A batch_keys
for rel in "${docs[@]}"; do
    placed=
    for ((b = 0; b < ${#batches[@]}; b++)); do
        read -r -a members <<<"${batches[b]}"
        [ "${#members[@]}" -lt "$BATCH_MAX" ] || continue
        clash=
        for key in ${d_keys[$rel]}; do
            [[ ${batch_keys[$b]} == *" $key "* ]] && { clash=1; break; }
        done
        [ -z "$clash" ] || continue
        batches[b]+=" $rel"; batch_keys[$b]+="${d_keys[$rel]} "; placed=1; break
    done
    [ -n "$placed" ] || { batches+=("$rel"); batch_keys[$((${#batches[@]} - 1))]=" ${d_keys[$rel]} "; }
done

# verify_started REL: poll (20 s) until the kernel and the live XML show the
# document, then one TAP line per aspect
verify_started() {
    local rel=$1 top=${d_top[$1]} deadline t0 kernel_problems xml_problems
    local name b stp ports p mode members m first tag parent bonding a state
    now; t0=$REPLY; deadline=$((t0 + 20000000))
    while :; do
        kernel_problems='' xml_problems=''
        read_links
        for name in ${d_ifaces[$rel]}; do
            [ -n "${link[$name]:-}" ] || kernel_problems+="no kernel link $name"$'\n'
        done
        [[ ${link[$top]:-} =~ \<([^\>]*,)?UP[,\>] ]] || kernel_problems+="$top is not UP: ${link[$top]:-}"$'\n'
        while read -r b stp ports; do
            [ -n "$b" ] || continue
            [[ ${link[$b]:-} == *" bridge "* ]] || kernel_problems+="$b is not a bridge"$'\n'
            [ "$stp" = on ] && stp=1 || stp=0
            [[ ${link[$b]:-} == *" stp_state $stp "* ]] || kernel_problems+="$b: no stp_state $stp"$'\n'
            for p in $ports; do
                [[ ${link[$p]:-} == *" master $b "* ]] || kernel_problems+="$p has no 'master $b'"$'\n'
            done
        done <<<"${d_bridges[$rel]:-}"
        while read -r b mode members; do
            [ -n "$b" ] || continue
            [[ ${link[$b]:-} == *" bond mode $mode "* ]] || kernel_problems+="$b: no 'bond mode $mode'"$'\n'
            bonding=
            [ -r "/proc/net/bonding/$b" ] && slurp bonding "/proc/net/bonding/$b"
            first=
            for m in $members; do
                : "${first:=$m}"
                [[ ${link[$m]:-} == *" master $b "* ]] || kernel_problems+="$m has no 'master $b'"$'\n'
                [[ $bonding == *"Slave Interface: $m"$'\n'* ]] || kernel_problems+="/proc/net/bonding/$b has no 'Slave Interface: $m'"$'\n'
            done
            if [ "$mode" = active-backup ]; then
                [[ $bonding == *"Primary Slave: $first"[$' \n']* ]] || kernel_problems+="/proc/net/bonding/$b: no 'Primary Slave: $first'"$'\n'
            fi
        done <<<"${d_bonds[$rel]:-}"
        while read -r name tag parent; do
            [ -n "$name" ] || continue
            [[ ${link[$name]:-} == "@$parent "*" vlan protocol 802.1Q id $tag "* ]] ||
                kernel_problems+="$name: not 'vlan protocol 802.1Q id $tag' on $parent: ${link[$name]:-}"$'\n'
        done <<<"${d_vlans[$rel]:-}"
        if [ -n "${d_mtu[$rel]:-}" ]; then
            for name in ${d_ifaces[$rel]}; do
                [[ ${link[$name]:-} == *" mtu ${d_mtu[$rel]} "* ]] || kernel_problems+="$name: not 'mtu ${d_mtu[$rel]}'"$'\n'
            done
        fi
        run nm dumpxml "$top"
        if [ "$rc" != 0 ]; then
            xml_problems+="$(said "nmvirt dumpxml $top")"$'\n'
        else
            parse_xml "$out"
            for name in ${d_ifaces[$rel]}; do
                [ "${if_ctl[$rel/$name]}" = - ] && [ "${if_type[$rel/$name]}" = bridge ] && continue
                state=${xml_state[$name]:-none}
                [ "$state" = up ] || xml_problems+="$name: <link state='$state'>, not 'up'"$'\n'
            done
            for a in ${d_addrs[$rel]:-}; do
                [[ $xml_addrs == *" $a "* ]] || xml_problems+="no <ip address='$a'>"$'\n'
            done
            if [ -z "${e_nolease[$rel]}" ]; then
                [ -z "${d_dhcp4[$rel]:-}" ] || [[ $xml_addrs =~ \ 198\.18\.[0-9]+\.[0-9]+\  ]] ||
                    xml_problems+="no leased 198.18.x address (<dhcp/>)"$'\n'
                [ -z "${d_auto6[$rel]:-}" ] || [[ $xml_addrs =~ \ 2001:db8:[1-9a-f]:[0-9a-f:]*\  ]] ||
                    xml_problems+="no 2001:db8:K: address (<autoconf/> or <dhcp/>)"$'\n'
            fi
        fi
        [ -z "$kernel_problems$xml_problems" ] && break
        now; [ "$REPLY" -lt "$deadline" ] || break
        sleep 0.5
    done
    since "$t0"
    tap "$([ -z "$kernel_problems" ]; echo $?)" "$rel: the kernel shows $top as the document says (ip -d link, /proc/net/bonding; $REPLY s)" \
        "$kernel_problems$(for name in ${d_ifaces[$rel]}; do echo "$name:${link[$name]:-}"; done)"
    tap "$([ -z "$xml_problems" ]; echo $?)" "$rel: live dumpxml has <link state='up'> and the addresses" "$xml_problems$out"
}

# verify_stopped REL: NetworkManager has nothing of the document activated
verify_stopped() {
    local rel=$1 top=${d_top[$1]} problems name t0 deadline
    now; t0=$REPLY; deadline=$((t0 + 10000000))
    while :; do
        problems=
        read_devstates
        for name in ${d_ifaces[$rel]}; do
            # 'connected (externally)': NetworkManager's own generated
            # profile for a NIC the kernel gave IPv6 addresses (not ours)
            case ${devstate[$name]:-absent} in
            "connected (externally)") ;;
            connected* | connecting* | deactivating*) problems+="$name is ${devstate[$name]}"$'\n' ;;
            esac
        done
        [ -z "$problems" ] && break
        now; [ "$REPLY" -lt "$deadline" ] || break
        sleep 0.5
    done
    tap "$([ -z "$problems" ]; echo $?)" "$rel: after stop nothing of $top is activated (nmcli device)" "$problems"
}

# start_document REL: start, check, stop (and the --with document around it)
start_document() {
    local rel=$1 top=${d_top[$1]} with=${e_with[$1]:-} spec nic mac
    for spec in ${e_macs[$rel]}; do
        nic=${spec%%=*} mac=${spec#*=}
        [ "${nic_mac[$nic]:-}" = "${mac,,}" ] ||
            not_ok "$rel: NIC $nic has MAC $mac (run the sandbox with --mac $spec)" "it has ${nic_mac[$nic]:-no MAC}"
    done
    if [ -n "$with" ]; then
        run nm define "${docpath[$with]}"
        tap "$rc" "$rel: define $with first (--with)" "$(said "nmvirt define ${docpath[$with]}")"
        run nm start "${d_top[$with]}"
        if [ "$rc" != 0 ]; then
            # a prerequisite, whose own start its own line checks: under
            # heavy load its DHCP lease was once late; say so and try again
            note "$rel: start ${d_top[$with]} (--with) failed once; again: $err"
            run nm start "${d_top[$with]}"
        fi
        tap "$rc" "$rel: start ${d_top[$with]} first (--with; $secs s)" "$(said "nmvirt start ${d_top[$with]}")"
    fi
    run timeout 150 "$NMVIRT" start "$top"
    if [ "$rc" = 0 ] && [ "$out" = "Interface $top started" ]; then
        ok "$rel: start $top ($secs s)"
        verify_started "$rel"
        run nm stop "$top"
        tap "$rc" "$rel: stop $top ($secs s)" "$(said "nmvirt stop $top")"
        verify_stopped "$rel"
    else
        not_ok "$rel: start $top" "$(said "nmvirt start $top")"
        run nm stop "$top"
    fi
    if [ -n "$with" ]; then
        run nm stop "${d_top[$with]}"
        tap "$rc" "$rel: stop ${d_top[$with]} (--with)" "$(said "nmvirt stop ${d_top[$with]}")"
        run nm undefine "${d_top[$with]}"
        tap "$rc" "$rel: undefine ${d_top[$with]} (--with)" "$(said "nmvirt undefine ${d_top[$with]}")"
    fi
}

do_batch() {
    local -a members defined=() failing=()
    read -r -a members <<<"$1"
    local rel path top id missing want line c
    # define
    for rel in "${members[@]}"; do
        path=${docpath[$rel]} top=${d_top[$rel]:-}
        if [ -n "${d_error[$rel]:-}" ] || [ -z "$top" ]; then
            not_ok "$rel: cannot read the document" "${d_error[$rel]:-}"
            continue
        fi
        run nm define "$path"
        if [ "$rc" = 0 ] && [ "$out" = "Interface $top defined from $path" ]; then
            ok "$rel: define ($secs s)"
            defined+=("$rel")
        else
            not_ok "$rel: define" "$(said "nmvirt define $path")"
            run nm undefine "$top"
        fi
    done
    # the profiles in nmcli, the keyfiles, the inactive XML
    profiles_now
    read_keyfiles
    want=$baseline
    for rel in "${defined[@]}"; do
        spawn "dump-${d_top[$rel]}" "$NMVIRT" dumpxml --inactive "${d_top[$rel]}"
    done
    wait
    for rel in "${defined[@]}"; do
        top=${d_top[$rel]} missing=
        while IFS= read -r line; do
            [ -n "$line" ] || continue
            want+=${want:+$'\n'}$line
            has_line "$profiles" "$line" || missing+="nmcli does not list $line"$'\n'
        done <<<"${d_profiles[$rel]}"
        tap "$([ -z "$missing" ]; echo $?)" "$rel: nmcli lists the profiles $(printf '%s' "${d_profiles[$rel]}" | tr '\n' ' ')" "$missing$profiles"
        missing=
        while IFS=: read -r id _; do
            [ -n "$id" ] || continue
            if [ -z "${kf_content[$id]:-}" ]; then
                missing+="no keyfile with id=$id in $KF"$'\n'
            elif [[ ${kf_content[$id]} != *$'\n'"nmvirt.interface=$top"$'\n'* ]]; then
                missing+="keyfile of $id has no nmvirt.interface=$top"$'\n'
            fi
        done <<<"${d_profiles[$rel]}"
        tap "$([ -z "$missing" ]; echo $?)" "$rel: keyfiles in $KF, tagged nmvirt.interface=$top" "$missing${!kf_content[*]}"
        collect "dump-$top"
        slurp c "${docpath[$rel]}"
        if [ "$rc" = 0 ] && [ "$out"$'\n' = "$c" ]; then
            ok "$rel: dumpxml --inactive equals the document (byte for byte)"
        else
            printf '%s\n' "$out" >"$T/inactive.xml"
            if [ "$rc" = 0 ] && "$XML_EQUAL" "${docpath[$rel]}" "$T/inactive.xml" >"$T/eq" 2>&1; then
                ok "$rel: dumpxml --inactive equals the document"
            else
                not_ok "$rel: dumpxml --inactive equals the document" "$(said "nmvirt dumpxml --inactive $top")"$'\n'"$(cat "$T/eq")"
            fi
        fi
    done
    want=$(printf '%s' "$want" | sort)
    [ "$profiles" = "$want" ]
    tap $? "batch of ${#defined[@]}: nmcli lists no other profile" "$(snap_diff "$want" "$profiles")"$'\n'"$profiles_long"

    # the documents that must fail: all at once
    for rel in "${defined[@]}"; do
        [ "${e_verdict[$rel]:-}" = fail ] || continue
        failing+=("$rel")
        spawn "fail-${d_top[$rel]}" timeout 60 "$NMVIRT" start --timeout 20 "${d_top[$rel]}"
    done
    wait
    for rel in "${failing[@]}"; do
        collect "fail-${d_top[$rel]}"
        if [ "$rc" = 1 ] && [[ $err == error:* ]] && [[ $err == *"${e_frag[$rel]}"* ]]; then
            ok "$rel: start ${d_top[$rel]} fails saying '${e_frag[$rel]}' ($secs s)"
        else
            not_ok "$rel: start ${d_top[$rel]} fails saying '${e_frag[$rel]}'" "$(said "nmvirt start --timeout 20 ${d_top[$rel]}")"
        fi
    done
    # the documents that start: one by one
    for rel in "${defined[@]}"; do
        [ "${e_verdict[$rel]:-}" = start ] && start_document "$rel"
    done

    # undefine: nothing is left
    for rel in "${defined[@]}"; do
        run nm undefine "${d_top[$rel]}"
        [ "$rc" = 0 ] && [ "$out" = "Interface ${d_top[$rel]} undefined" ]
        tap $? "$rel: undefine ${d_top[$rel]}" "$(said "nmvirt undefine ${d_top[$rel]}")"
    done
    profiles_now
    read_keyfiles
    for rel in "${defined[@]}"; do
        missing=
        while IFS=: read -r id _; do
            [ -n "$id" ] || continue
            [[ $'\n'$profiles == *$'\n'"$id:"* ]] && missing+="nmcli still lists $id"$'\n'
            [ -n "${kf_content[$id]:-}" ] && missing+="keyfile of $id still there"$'\n'
        done <<<"${d_profiles[$rel]}"
        tap "$([ -z "$missing" ]; echo $?)" "$rel: after undefine its profiles and keyfiles are gone" "$missing"
    done
    [ "$profiles" = "$baseline" ] && [ ${#kf_content[@]} = 0 ]
    tap $? "batch: after undefine no profile and no keyfile is left" "$profiles_long"$'\n'"${!kf_content[*]}"
}

if [ -n "$NMVIRTD" ]; then
    # not a job of this shell: 'wait' (after spawn) must not wait for it
    (G_MESSAGES_DEBUG=nmvirtd "$NMVIRTD" --timeout 0 >"$T/nmvirtd.log" 2>&1 &
        echo $! >"$T/nmvirtd.pid")
    nmvirtd_pid=$(cat "$T/nmvirtd.pid")
    for _ in $(seq 200); do
        grep -q "NetworkManager loaded" "$T/nmvirtd.log" && break
        sleep 0.1
    done
    grep -q "NetworkManager loaded" "$T/nmvirtd.log"
    tap $? "nmvirtd started; the commands go to it" "$(cat "$T/nmvirtd.log")"
fi
now; t_all=$REPLY
if section docs; then
    note "${#docs[@]} documents in ${#batches[@]} batches"
    for ((bi = 0; bi < ${#batches[@]}; bi++)); do
        now; t0=$REPLY
        do_batch "${batches[bi]}"
        since "$t0"
        note "batch $((bi + 1)): $REPLY s:${batches[bi]}"
    done
    since "$t_all"
    note "timing: ${#docs[@]} documents in $REPLY s"
fi

# a document written here: name, then the XML
write_doc() { printf '%s\n' "$2" >"$T/$1.xml"; }

# ---- 6. invalid documents change nothing ----------------------------------------
if section invalid; then
    now; t0=$REPLY
    # something to change: a bridge over a bond, a VLAN, defined, not started
    for base in "$EXAMPLES/br0-over-bond0.xml" "$EXAMPLES/vlan42-static.xml"; do
        run nm define "$base"
        tap "$rc" "invalid: define ${base##*/} as the state to keep" "$(said "nmvirt define $base")"
    done
    snapshot
    before=$snap
    : >"$T/mark"
    sleep 0.01
    files_snapshot
    fbefore=$fsnap
    # eight at a time; the keyfiles are NetworkManager's state (in /etc or,
    # in memory, /run) and are compared after each group, nmcli once after
    # all documents
    invalid=()
    for f in "$TEST_DATA"/invalid/*.xml; do
        rel=invalid/${f##*/}
        [ -n "$ONLY" ] && ! [[ $rel =~ $ONLY ]] && continue
        invalid+=("$f")
    done
    for ((g = 0; g < ${#invalid[@]}; g += 8)); do
        group=("${invalid[@]:g:8}")
        for ((i = 0; i < ${#group[@]}; i++)); do spawn "invalid-$i" "$NMVIRT" define "${group[i]}"; done
        wait
        for ((i = 0; i < ${#group[@]}; i++)); do
            f=${group[i]} rel=invalid/${group[i]##*/}
            head=
            IFS= read -r head <"$f" || true
            want=
            [[ $head =~ ^\<!--\ expect:\ [a-z-]+:\ (.*)\ --\>$ ]] && want=${BASH_REMATCH[1]}
            collect "invalid-$i"
            [ "$rc" = 1 ] && [[ $err == error:* ]] && [[ $err == *"$want"* ]] && [ -z "$out" ]
            tap $? "$rel: define exits 1 saying '$want'" "$(said "nmvirt define $f")"
        done
        files_snapshot
        [ "$fsnap" = "$fbefore" ]
        tap $? "invalid documents $((g + 1))-$((g + ${#group[@]})): keyfiles unchanged" "$(snap_diff "$fbefore" "$fsnap")"
        fbefore=$fsnap
    done
    snapshot
    [ "$snap" = "$before" ]
    tap $? "invalid: after all invalid documents nmcli lists the same profiles, keyfiles unchanged" "$(snap_diff "$before" "$snap")"
    for base in br0 eth2.42; do
        run nm undefine "$base"
        tap "$rc" "invalid: undefine $base" "$(said "nmvirt undefine $base")"
    done
    since "$t0"; note "timing: invalid documents in $REPLY s"
fi

# ---- 7. a UUID nmvirt would use is held by another profile ----------------------
if section uuid; then
    now; t0=$REPLY
    write_doc br7 "<interface type='bridge' name='br7'>
  <start mode='none'/>
  <protocol family='ipv4'>
    <ip address='192.0.2.77' prefix='24'/>
  </protocol>
  <bridge stp='off'>
    <interface type='ethernet' name='eth1'/>
  </bridge>
</interface>"
    run nm convert --to-keyfile "$T/kf7" "$T/br7.xml"
    tap "$rc" "uuid: convert --to-keyfile br7.xml" "$(said "nmvirt convert --to-keyfile")"
    declare -A uuid7=()
    for f in "$T"/kf7/*; do
        slurp c "$f"
        [[ $c =~ (^|$'\n')id=([^$'\n']*) ]] && id=${BASH_REMATCH[2]}
        [[ $c =~ (^|$'\n')uuid=([^$'\n']*) ]] && uuid7[$id]=${BASH_REMATCH[2]}
    done
    for victim in br7-port-eth1 br7; do
        u=${uuid7[$victim]:-}
        if [ -z "$u" ]; then not_ok "uuid: convert gives the UUID of $victim" "${!uuid7[*]}"; continue; fi
        run nmcli connection add type ethernet ifname eth3 con-name squatter connection.uuid "$u" \
            connection.autoconnect no ipv4.method disabled ipv6.method ignore
        tap "$rc" "uuid: nmcli adds 'squatter' (eth3) with the UUID nmvirt derives for $victim" "$(said "nmcli connection add")"
        run nmcli -t connection show squatter
        squatter_before=$out
        snapshot
        before=$snap
        run nm define "$T/br7.xml"
        if [ "$rc" = 0 ]; then
            ok "uuid ($victim): define succeeds"
            run nmcli -t connection show squatter
            [ "$out" = "$squatter_before" ]
            tap $? "uuid ($victim): squatter unchanged" "$(snap_diff "$squatter_before" "$out")"
            run nmcli -g connection.uuid connection show "$victim"
            [ "$rc" = 0 ] && [ -n "$out" ] && [ "$out" != "$u" ]
            tap $? "uuid ($victim): $victim got another UUID" "$(said "nmcli -g connection.uuid connection show $victim")"
            run nm dumpxml --inactive br7
            printf '%s\n' "$out" >"$T/inactive.xml"
            "$XML_EQUAL" "$T/br7.xml" "$T/inactive.xml" >"$T/eq" 2>&1
            tap $? "uuid ($victim): dumpxml --inactive br7 equals the document" "$(cat "$T/eq" "$T/inactive.xml")"
            run nm undefine br7
            tap "$rc" "uuid ($victim): undefine br7" "$(said "nmvirt undefine br7")"
            snapshot
            [ "$snap" = "$before" ]
            tap $? "uuid ($victim): after undefine everything is as before, squatter included" "$(snap_diff "$before" "$snap")"
        else
            [ "$rc" = 1 ] && [[ $err == error:* ]]
            tap $? "uuid ($victim): define fails with an error" "$(said "nmvirt define br7.xml")"
            snapshot
            [ "$snap" = "$before" ]
            tap $? "uuid ($victim): the failed define left everything as before" "$(snap_diff "$before" "$snap")"
        fi
        run nmcli connection delete squatter
    done
    since "$t0"; note "timing: uuid in $REPLY s"
fi

# ---- 7. a define or undefine failing after N of its writes ---------------------------
# nmvirt's test hook NMVIRT_TEST_FAIL_AFTER_WRITES=N sends the first N writes
# and then fails as if write N+1 had been refused: the journal must put
# everything back. N = 0, 1, 2, ... until the define goes through.
# fail_after LABEL VERB ARG: runs it with N = 0, 1, ... ; rc of the last run
fail_after() {
    local label=$1 verb=$2 arg=$3 k bad=
    snapshot
    before=$snap
    for k in 0 1 2 3 4 5 6 7 8 9; do
        run env NMVIRT_TEST_FAIL_AFTER_WRITES=$k "$NMVIRT" "$verb" "$arg"
        [ "$rc" = 0 ] && break
        if [ "$rc" != 1 ] || [[ $err != *"test hook"* ]]; then
            bad+="after $k writes: $(said "$verb $arg")"$'\n'
            continue
        fi
        snapshot
        [ "$snap" = "$before" ] || bad+="after $k writes, not as before:"$'\n'"$(snap_diff "$before" "$snap")"$'\n'
    done
    tap "$([ -z "$bad" ] && [ "$k" -gt 0 ]; echo $?)" "halfway: $label failing after each of its first $k writes leaves everything as before" "$bad"
    tap "$rc" "halfway: $label with all its $k writes" "$(said "$verb $arg")"
}
if section halfway; then
    now; t0=$REPLY
    # eth1's identity profile, which define converts into a member, and
    # another one, which define suspends: writes of both kinds
    run nmcli connection add type ethernet ifname eth1 con-name wired1 ipv4.method disabled ipv6.method ignore
    tap "$rc" "halfway: nmcli adds wired1 (eth1, autoconnect) for define to convert" "$(said "nmcli connection add")"
    run nmcli connection add type ethernet ifname eth1 con-name wired1-alt connection.autoconnect-priority -10 \
        ipv4.method disabled ipv6.method ignore
    tap "$rc" "halfway: nmcli adds wired1-alt (eth1, autoconnect) for define to suspend" "$(said "nmcli connection add")"
    fail_after "define br0-over-bond0.xml" define "$EXAMPLES/br0-over-bond0.xml"
    # a redefine that updates, deletes a member and changes the bridge
    write_doc br0-changed "<interface type='bridge' name='br0'>
  <start mode='none'/>
  <mtu size='1500'/>
  <bridge stp='on' delay='4'>
    <interface type='bond' name='bond0'>
      <bond mode='balance-xor'>
        <interface type='ethernet' name='eth1'/>
      </bond>
    </interface>
  </bridge>
</interface>"
    fail_after "redefine br0 (bond0 loses eth0)" define "$T/br0-changed.xml"
    run nm dumpxml --inactive br0
    printf '%s\n' "$out" >"$T/inactive.xml"
    "$XML_EQUAL" "$T/br0-changed.xml" "$T/inactive.xml" >"$T/eq" 2>&1
    tap $? "halfway: dumpxml --inactive br0 equals the redefined document" "$(cat "$T/eq" "$T/inactive.xml")"
    fail_after "undefine br0" undefine br0
    run nmcli -g connection.autoconnect connection show wired1-alt
    tap "$([ "$out" = yes ]; echo $?)" "halfway: wired1-alt autoconnects again" "$(said "nmcli -g connection.autoconnect connection show wired1-alt")"
    run nmcli connection delete wired1-alt
    profiles_now
    [ "$profiles" = "$baseline" ]
    tap $? "halfway: nothing left" "$profiles_long"
    since "$t0"; note "timing: halfway in $REPLY s"
fi

# ---- 4. a bridge made with plain nmcli --------------------------------------------
if section nmcli; then
    now; t0=$REPLY
    run nmcli connection add type bridge ifname br5 con-name br5 bridge.stp no ipv4.method disabled ipv6.method ignore
    tap "$rc" "nmcli: add bridge br5" "$(said "nmcli connection add type bridge")"
    run nmcli -g connection.uuid connection show br5
    uuid5=$out
    run nmcli connection add type ethernet ifname eth2 con-name br5-eth2 master "$uuid5" slave-type bridge
    tap "$rc" "nmcli: add port eth2 with master=$uuid5 (the bridge's UUID)" "$(said "nmcli connection add type ethernet")"
    run nmcli -g connection.uuid connection show br5-eth2
    uuid5p=$out
    run nm list --all --name-only
    has_line "$out" br5 && ! has_line "$out" eth2
    tap $? "nmcli: list --all lists br5, not its port eth2" "$(said "nmvirt list --all --name-only")"
    run nm dumpxml --inactive br5
    xml5=$out
    [ "$rc" = 0 ] && [[ $out == *"<interface type='bridge' name='br5'>"* ]] &&
        [[ $out == *"<interface type='ethernet' name='eth2'"* ]]
    tap $? "nmcli: dumpxml --inactive br5 shows the bridge and its port eth2" "$(said "nmvirt dumpxml --inactive br5")"
    # the same with an address, defined through nmvirt
    if [[ $xml5 == *$'\n'"  <bridge"* ]]; then
        printf '%s\n' "${xml5/$'\n'  <bridge/$'\n'  <protocol family=\'ipv4\'>$'\n'    <ip address=\'192.0.2.55\' prefix=\'24\'/>$'\n'  </protocol>$'\n'  <bridge}" >"$T/br5.xml"
    else
        printf '%s\n' "$xml5" >"$T/br5.xml"
    fi
    run nm define "$T/br5.xml"
    tap "$rc" "nmcli: define the dumped XML with an address added" "$(said "nmvirt define br5.xml")"$'\n'"$(cat "$T/br5.xml")"
    run nmcli -g connection.uuid,connection.id,ipv4.addresses connection show br5
    [ "$out" = "$uuid5"$'\n'"br5"$'\n'"192.0.2.55/24" ]
    tap $? "nmcli: br5 keeps its UUID $uuid5 and id, and has the address" "$(said "nmcli -g connection.uuid,connection.id,ipv4.addresses")"
    run nmcli -g connection.uuid,connection.id connection show br5-eth2
    [ "$out" = "$uuid5p"$'\n'"br5-eth2" ]
    tap $? "nmcli: the port keeps its UUID and id br5-eth2" "$(said "nmcli -g connection.uuid,connection.id connection show br5-eth2")"
    run nm dumpxml --inactive br5
    printf '%s\n' "$out" >"$T/inactive.xml"
    "$XML_EQUAL" "$T/br5.xml" "$T/inactive.xml" >"$T/eq" 2>&1
    tap $? "nmcli: dumpxml --inactive br5 equals the redefined document" "$(cat "$T/eq" "$T/inactive.xml")"
    run nm undefine br5
    tap "$rc" "nmcli: undefine br5" "$(said "nmvirt undefine br5")"
    profiles_now
    [ "$profiles" = "$baseline" ]
    tap $? "nmcli: br5 and its port are gone" "$profiles_long"
    since "$t0"; note "timing: nmcli in $REPLY s"
fi

# ---- 3. takeover, NetworkManager restart; 5. a tap port ---------------------------
# eth0 has two autoconnecting profiles made with nmcli: wired0 (DHCP, up)
# and wired0-alt (lower autoconnect priority). Defining br0 with port eth0
# converts eth0's identity profile, wired0, in place into br0's port (same
# UUID, as virsh iface-bridge expects of define) and suspends the other one
# (autoconnect=no, nmvirt.suspended-by=br0); nothing changes at runtime.
# After start and a NetworkManager restart, the suspended profile must not
# win eth0; undefine deletes br0 and its port and resumes wired0-alt.
if section takeover; then
    now; t0=$REPLY
    # eth0_state: what NetworkManager says about eth0
    eth0_state() {
        run nmcli -g GENERAL.CONNECTION,GENERAL.CON-PATH,IP4.ADDRESS device show eth0
        eth0=$out
    }
    run nmcli connection add type ethernet ifname eth0 con-name wired0 ipv4.method auto ipv6.method ignore
    tap "$rc" "takeover: nmcli adds wired0 (DHCP on eth0, autoconnect)" "$(said "nmcli connection add")"
    run nmcli --wait 60 connection up wired0
    tap "$rc" "takeover: nmcli connection up wired0" "$(said "nmcli connection up wired0")"
    run nmcli connection add type ethernet ifname eth0 con-name wired0-alt connection.autoconnect-priority -10 \
        ipv4.method auto ipv6.method ignore
    tap "$rc" "takeover: nmcli adds wired0-alt (eth0, autoconnect, priority -10)" "$(said "nmcli connection add")"
    run nmcli -g connection.uuid connection show wired0
    uuid0=$out
    eth0_state
    before=$eth0
    [[ $before == wired0$'\n'*$'\n'198.18.0.* ]]
    tap $? "takeover: eth0 runs wired0 with a 198.18.0.x lease" "$before"
    write_doc br0-eth0 "<interface type='bridge' name='br0'>
  <start mode='onboot'/>
  <protocol family='ipv4'>
    <dhcp/>
  </protocol>
  <bridge stp='off' delay='0'>
    <interface type='ethernet' name='eth0'/>
  </bridge>
</interface>"
    run nm define "$T/br0-eth0.xml"
    tap "$rc" "takeover: define br0 with port eth0" "$(said "nmvirt define br0-eth0.xml")"
    eth0_state
    [ "$eth0" = "$before" ]
    tap $? "takeover: eth0 unchanged by the define (same active connection wired0, same path, same address)" "$(snap_diff "$before" "$eth0")"
    run nmcli -g connection.uuid,connection.slave-type,connection.autoconnect connection show wired0
    [ "$out" = "$uuid0"$'\n'bridge$'\n'yes ]
    tap $? "takeover: wired0 (eth0's identity profile) became br0's port in place, same UUID" "$(said "nmcli -g connection.uuid,connection.slave-type,connection.autoconnect connection show wired0")"
    run nmcli -g connection.autoconnect connection show wired0-alt
    read_keyfiles
    [ "$out" = no ] && [[ ${kf_content[wired0-alt]:-} == *$'\n'nmvirt.suspended-by=br0$'\n'* ]]
    tap $? "takeover: wired0-alt has autoconnect=no and nmvirt.suspended-by=br0" "autoconnect=$out"$'\n'"${kf_content[wired0-alt]:-no keyfile for wired0-alt}"
    run nm start br0
    tap "$rc" "takeover: start br0 ($secs s)" "$(said "nmvirt start br0")"
    run nm list --name-only
    has_line "$out" br0
    tap $? "list: br0 is listed as active" "$(said "nmvirt list --name-only")"
    run nm list --inactive --name-only
    [ "$rc" = 0 ] && ! has_line "$out" br0
    tap $? "list: br0 is not listed as inactive" "$(said "nmvirt list --inactive --name-only")"
    run nmvirt-sandbox-nm restart
    tap "$rc" "takeover: NetworkManager restarted ($secs s)" "$(said "nmvirt-sandbox-nm restart")"
    # NetworkManager takes the devices over again; wired0-alt must not win eth0
    now; t1=$REPLY
    for _ in $(seq 20); do
        read_links
        eth0_state
        [[ ${link[eth0]:-} == *" master br0 "* ]] && [[ $eth0 == wired0$'\n'* ]] && break
        sleep 0.5
    done
    since "$t1"
    [[ ${link[eth0]:-} == *" master br0 "* ]] && [[ $eth0 == wired0$'\n'* ]]
    tap $? "takeover: after the restart eth0 is still a port of br0 (master br0, profile wired0; $REPLY s)" "${link[eth0]:-}"$'\n'"$eth0"
    run nmcli -g connection.autoconnect connection show wired0-alt
    tap "$([ "$out" = no ]; echo $?)" "takeover: wired0-alt still has autoconnect=no after the restart" "$out"

    # 5. a tap device added to the running bridge is a port in the live XML
    ip tuntap add dev vnet7 mode tap && ip link set vnet7 master br0 && ip link set vnet7 up
    tap $? "tap: vnet7 added to br0"
    found=1
    for _ in 1 2 3 4 5 6; do
        run nm dumpxml br0
        [[ $out == *"<interface type='ethernet' name='vnet7'"* ]] && [[ $out == *"name='eth0'"* ]] && { found=0; break; }
        sleep 0.5
    done
    tap $found "tap: live dumpxml br0 lists vnet7 as a port (beside eth0)" "$(said "nmvirt dumpxml br0")"
    run nm dumpxml --inactive br0
    [ "$rc" = 0 ] && [[ $out != *vnet7* ]]
    tap $? "tap: dumpxml --inactive br0 does not (configuration only)" "$(said "nmvirt dumpxml --inactive br0")"
    run nm list --all --name-only
    [ "$rc" = 0 ] && ! has_line "$out" vnet7 && has_line "$out" br0
    tap $? "tap: list --all lists br0 but not vnet7" "$(said "nmvirt list --all --name-only")"
    ip link del vnet7

    run nm stop br0
    tap "$rc" "takeover: stop br0" "$(said "nmvirt stop br0")"
    run nm list --inactive --name-only
    has_line "$out" br0
    tap $? "list: after stop br0 is listed as inactive" "$(said "nmvirt list --inactive --name-only")"
    run nm undefine br0
    tap "$rc" "takeover: undefine br0" "$(said "nmvirt undefine br0")"
    run nmcli -g connection.autoconnect connection show wired0-alt
    read_keyfiles
    [ "$out" = yes ] && [ -n "${kf_content[wired0-alt]:-}" ] && [[ ${kf_content[wired0-alt]} != *nmvirt.suspended-by* ]]
    tap $? "takeover: after undefine wired0-alt has autoconnect=yes again, no nmvirt.suspended-by" "autoconnect=$out"$'\n'"${kf_content[wired0-alt]:-}"
    [ -z "${kf_content[wired0]:-}" ]
    tap $? "takeover: undefine deleted br0's port profile (wired0)" "${kf_content[wired0]:-}"
    run nmcli connection delete wired0-alt
    profiles_now
    [ "$profiles" = "$baseline" ]
    tap $? "takeover: nothing left" "$profiles_long"
    since "$t0"; note "timing: takeover and tap in $REPLY s"
fi

# ---- 8. a device NetworkManager does not manage ------------------------------------
if section unmanaged; then
    now; t0=$REPLY
    printf '[keyfile]\nunmanaged-devices=interface-name:eth3\n' >/etc/NetworkManager/conf.d/99-unmanaged.conf
    # nmvirt-sandbox-nm waits until every NIC is managed: not eth3 this time
    run env NMVIRT_SANDBOX_NICS=3 nmvirt-sandbox-nm restart
    tap "$rc" "unmanaged: NetworkManager restarted with unmanaged-devices=interface-name:eth3" "$(said "nmvirt-sandbox-nm restart")"
    read_devstates
    tap "$([ "${devstate[eth3]:-}" = unmanaged ]; echo $?)" "unmanaged: nmcli device shows eth3 unmanaged" "eth3: ${devstate[eth3]:-absent}"
    snapshot
    before=$snap
    write_doc eth3 "<interface type='ethernet' name='eth3'>
  <start mode='onboot'/>
  <protocol family='ipv4'>
    <dhcp/>
  </protocol>
</interface>"
    run nm define "$T/eth3.xml"
    [ "$rc" = 1 ] && [[ $err == error:* ]] && [[ $err == *eth3* ]] && [[ $err =~ (not\ manage|unmanaged) ]]
    tap $? "unmanaged: define eth3 exits 1 saying NetworkManager does not manage eth3" "$(said "nmvirt define eth3.xml")"
    [[ $err =~ (unmanaged-devices|NetworkManager\.conf|conf\.d|nmcli\ device\ set|managed\ yes) ]]
    tap $? "unmanaged: the message says how to change it" "$err"
    snapshot
    [ "$snap" = "$before" ]
    tap $? "unmanaged: nothing changed" "$(snap_diff "$before" "$snap")"
    rm -f /etc/NetworkManager/conf.d/99-unmanaged.conf
    run nmvirt-sandbox-nm restart
    tap "$rc" "unmanaged: NetworkManager restarted without it; eth3 managed again" "$(said "nmvirt-sandbox-nm restart")"
    since "$t0"; note "timing: unmanaged in $REPLY s"
fi

# ---- 9 (and 7). NetworkManager stopped ---------------------------------------------
if section down; then
    now; t0=$REPLY
    write_doc eth1 "<interface type='ethernet' name='eth1'>
  <start mode='none'/>
</interface>"
    run nm define "$T/eth1.xml"
    tap "$rc" "down: define eth1 (something for the verbs to name)" "$(said "nmvirt define eth1.xml")"
    write_doc br9 "<interface type='bridge' name='br9'>
  <bridge stp='off'>
    <interface type='ethernet' name='eth2'/>
  </bridge>
</interface>"
    mac1=${nic_mac[eth1]:-}
    run nm mac eth1
    [ "$rc" = 0 ] && [ "$out" = "$mac1" ]
    tap $? "mac: nmvirt mac eth1 prints eth1's MAC $mac1" "$(said "nmvirt mac eth1")"
    run nm name "${mac1^^}"
    [ "$rc" = 0 ] && [ "$out" = eth1 ]
    tap $? "name: nmvirt name ${mac1^^} prints eth1" "$(said "nmvirt name ${mac1^^}")"
    run nm dumpxml "$mac1"
    [ "$rc" = 0 ] && [[ $out == "<interface type='ethernet' name='eth1'>"* ]]
    tap $? "dumpxml: an interface may be given by its MAC" "$(said "nmvirt dumpxml $mac1")"
    snapshot
    before=$snap
    run nmvirt-sandbox-nm stop
    tap "$rc" "down: NetworkManager stopped" "$(said "nmvirt-sandbox-nm stop")"
    while IFS='|' read -r label args; do
        read -r -a argv <<<"$args"
        run timeout 30 "$NMVIRT" "${argv[@]}"
        [ "$rc" = 1 ] && [[ $err == *"NetworkManager is not running"* ]] && [[ $err == error:* ]]
        tap $? "down: nmvirt $label exits 1 saying NetworkManager is not running" "$(said "nmvirt $args")"
        secs10=${secs/./}
        tap "$([ "$secs10" -lt 50 ]; echo $?)" "down: nmvirt $label fails within 5 s ($secs s)"
    done <<EOF
list|list
list --all|list --all
define|define $T/br9.xml
undefine|undefine eth1
start|start eth1
stop|stop eth1
dumpxml|dumpxml eth1
dumpxml --inactive|dumpxml --inactive eth1
mac|mac eth1
name|name ${nic_mac[eth1]:-52:54:00:00:00:01}
undefine by MAC|undefine ${nic_mac[eth1]:-52:54:00:00:00:01}
EOF
    run nmvirt-sandbox-nm start
    tap "$rc" "down: NetworkManager started again" "$(said "nmvirt-sandbox-nm start")"
    snapshot
    [ "$snap" = "$before" ]
    tap $? "down: profiles and keyfiles as before" "$(snap_diff "$before" "$snap")"
    run nm undefine eth1
    tap "$rc" "down: undefine eth1" "$(said "nmvirt undefine eth1")"
    since "$t0"; note "timing: daemon down in $REPLY s"
fi

if [ -n "$NMVIRTD" ]; then
    # every command that could go to the daemon did, but those it must
    # decline: with NetworkManager stopped, another test hook setting, or
    # while it runs another's verb (the test runs dumpxml in parallel: how
    # many meet a busy daemon varies, about 125-140 of some 440 commands)
    ran=$(grep -c "ran '" "$T/nmvirtd.log")
    busy=$(grep -c "declined '.*busy with another command" "$T/nmvirtd.log")
    declined=$(grep "declined '" "$T/nmvirtd.log" |
        grep -vc "NetworkManager not loaded\|NMVIRT_TEST_FAIL_AFTER_WRITES\|busy with another command")
    kill -0 "$nmvirtd_pid" 2>/dev/null
    tap "$([ $? = 0 ] && [ "$ran" -ge 200 ] && [ "$declined" = 0 ]; echo $?)" \
        "nmvirtd ran $ran of the commands ($busy came while it was busy) and declined none it should have run" \
        "$(grep "declined '" "$T/nmvirtd.log" | grep -v "NetworkManager not loaded\|NMVIRT_TEST_FAIL_AFTER_WRITES\|busy with" | tail -n 20)"
fi
profiles_now
read_keyfiles
tap "$([ "$profiles" = "$baseline" ] && [ ${#kf_content[@]} = 0 ]; echo $?)" "at the end: no profile and no keyfile left" "$profiles_long"$'\n'"${!kf_content[*]}"
since "$t_all"
note "timing: all in $REPLY s"
echo "1..$n"
[ "$failed" -eq 0 ]
