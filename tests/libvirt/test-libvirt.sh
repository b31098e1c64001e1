#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# libvirt end to end, TAP output: Debian's libvirtd loads the interface
# driver module that nmvirt-libvirt-module built, linked to nmvirt's
# libnetcf.so.1, and virsh drives it. Runs INSIDE one nmvirt-sandbox in
# namespace mode (see meson.build here: --ns --dhcp --nics 4 and the MACs
# live-expectations.txt asks for):
#
#   nmvirt-sandbox --ns --dhcp --nics 4 --mac ... -- tests/libvirt/test-libvirt.sh
#
# Needs NMVIRT_LIBVIRT_MODULE_DIR (what 'nmvirt-libvirt-module build' left),
# NMVIRT_LIBVIRT_MODULE (that tool, for 'check'), NMVIRT_NETCF_LIBDIR (the
# directory of nmvirt's libnetcf.so.1), XML_EQUAL, TEST_DATA,
# NMVIRT_DOCINFO and NMVIRT_LIVE_EXPECTATIONS (tests/integration's
# live-docinfo.py and live-expectations.txt); optional NMVIRT_CORPUS_DIR.
# Without the module or libvirt this test is skipped, except under CI=true,
# where it fails.
#
# libvirtd runs with its own configuration, sockets, PID file and log in a
# temporary directory, and LIBVIRT_DRIVER_DIR holding only the rebuilt
# module, so it loads no other driver. Steps:
#  1. libvirtd has loaded the module from that directory and our libnetcf;
#  2. every valid document (tests/data/valid, the corpus): iface-define (or
#     libvirt's own rejection, libvirt-rejects.txt), nmcli shows a profile
#     under each interface name, iface-list --all, iface-dumpxml --inactive
#     equals the document; where live-expectations.txt says it starts and
#     its NICs exist (no bond or VLAN: ns mode has no bonding/8021q):
#     iface-start, nmcli's device state, the live XML (link state, addresses),
#     iface-destroy; then iface-undefine and no profile left;
#  3. a VLAN without a name: libvirt's parser refuses it;
#  4. eth0: start, live XML, already running, iface-mac, iface-name, destroy;
#  5. iface-bridge eth1 br1, iface-unbridge br1;
#  6. iface-begin + define + iface-rollback leaves no trace, iface-begin +
#     define + iface-commit keeps it;
#  7. NetworkManager stopped: a clear error while libvirtd keeps running;
#     restarted: iface-list works again;
#  8. libvirtd stops cleanly and left nothing on the host.
set -u
: "${NMVIRT_SANDBOX_KEYFILE_DIR:?run me inside nmvirt-sandbox}"
RUNKF=${NMVIRT_SANDBOX_RUN_KEYFILE_DIR:-/run/NetworkManager/system-connections}
here=$(dirname "$(readlink -f "$0")")
PYTHON=python3
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3

# ---- TAP ------------------------------------------------------------------
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# unavailable REASON: skip the whole test, but fail it in CI
unavailable() {
    if [ "${CI:-}" = true ]; then
        echo "Bail out! $1 (CI needs it: .ci/setup builds the module)"
        exit 1
    fi
    echo "1..0 # SKIP $1"
    exit 0
}

# ---- prerequisites ------------------------------------------------------------
LIBVIRTD=/usr/sbin/libvirtd
{ [ -x "$LIBVIRTD" ] && command -v virsh >/dev/null; } || unavailable "libvirtd or virsh is not installed (apt-get install libvirt-daemon libvirt-clients)"
MODDIR=${NMVIRT_LIBVIRT_MODULE_DIR:-}
{ [ -n "$MODDIR" ] && [ -f "$MODDIR/libvirt_driver_interface.so" ]; } ||
    unavailable "no interface driver module in '${MODDIR:-(NMVIRT_LIBVIRT_MODULE_DIR unset)}': build it with nmvirt-libvirt-module build DIR"
if ! msg=$("$NMVIRT_LIBVIRT_MODULE" check "$MODDIR" 2>&1); then
    unavailable "$msg"
fi
: "${NMVIRT_NETCF_LIBDIR:?}" "${XML_EQUAL:?}" "${TEST_DATA:?}" "${NMVIRT_DOCINFO:?}" "${NMVIRT_LIVE_EXPECTATIONS:?}"
[ -f "$NMVIRT_NETCF_LIBDIR/libnetcf.so.1" ] || unavailable "no libnetcf.so.1 in $NMVIRT_NETCF_LIBDIR"

T=$(mktemp -d "${TMPDIR:-/tmp}/test-libvirt.XXXXXX")
libvirtd_pid=
cleanup() {
    [ -n "$libvirtd_pid" ] && kill -TERM "$libvirtd_pid" 2>/dev/null && wait "$libvirtd_pid" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT

# ---- running things -------------------------------------------------------------
slurp() { IFS= read -r -d '' "$1" <"$2" || true; }
now() { REPLY=${EPOCHREALTIME/[.,]/}; }
since() { local start=$1; now; local t=$(((REPLY - start) / 100000)); REPLY="$((t / 10)).$((t % 10))"; }
# run CMD...: rc, out, err (trailing newline removed), secs
run() {
    local t0
    now; t0=$REPLY
    "$@" >"$T/out" 2>"$T/err" </dev/null
    rc=$?
    since "$t0"; secs=$REPLY
    slurp out "$T/out"
    slurp err "$T/err"
    # virsh ends its output with an empty line
    while [[ $out == *$'\n' ]]; do out=${out%$'\n'}; done
    while [[ $err == *$'\n' ]]; do err=${err%$'\n'}; done
}
said() { printf 'command: %s\nexit %s after %s s\nstdout: %s\nstderr: %s' "$1" "$rc" "$secs" "$out" "$err"; }
SOCK=$T/sock/libvirt-sock
URI="interface:///system?socket=$SOCK"
# virsh ARGS: through our libvirtd only; nothing of the caller's home
vsh() { HOME=$T/home XDG_CACHE_HOME=$T/home/cache XDG_CONFIG_HOME=$T/home/config virsh -c "$URI" "$@"; }
# destroyed NAME: the iface-destroy just run succeeded. virsh 9.0's
# cmdInterfaceDestroy returns false after a successful destroy (exit 1
# below its "Interface NAME destroyed"), so the exit code says nothing here:
# a failure prints "error: Failed to destroy interface" on stderr instead.
destroyed() { [ -z "$err" ] && [ "$out" = "Interface $1 destroyed" ]; }
has_line() { [[ $'\n'$1$'\n' == *$'\n'$2$'\n'* ]]; }

# ---- NetworkManager's profiles, by interface name -------------------------------
# nm_profiles: "IFACE-NAME:ID:MASTER" lines of every profile but loopback and
# the ones NetworkManager generates for devices it did not configure, in
# $nm (sorted); nm_names: their interface names, space-separated
nm_profiles() {
    local lines=() l uuid type file c keep=() name id master
    nm='' nm_names=' '
    mapfile -t lines < <(nmcli -t -f UUID,TYPE,FILENAME connection show 2>&1)
    for l in "${lines[@]}"; do
        IFS=: read -r uuid type file <<<"$l"
        [ "$type" = loopback ] && continue
        if [[ $file == "$RUNKF"/* ]] && [ -f "$file" ]; then
            slurp c "$file"
            [[ $c == *$'\n'nm-generated=true$'\n'* ]] && continue
        fi
        keep+=("$uuid")
    done
    [ ${#keep[@]} -gt 0 ] || return 0
    mapfile -t lines < <(nmcli -t -f connection.interface-name,connection.id,connection.master \
        connection show "${keep[@]}" 2>&1)
    for l in "${lines[@]}"; do
        case $l in
        connection.interface-name:*) name=${l#*:} ;;
        connection.id:*) id=${l#*:} ;;
        connection.master:*)
            master=${l#*:}
            nm+="$name:$id:$master"$'\n'
            nm_names+="$name "
            ;;
        esac
    done
    nm=$(sort <<<"${nm%$'\n'}")
}
# device_state DEV: nmcli's GENERAL.STATE and GENERAL.CONNECTION of DEV (in REPLY)
device_state() { REPLY=$(nmcli -g GENERAL.STATE,GENERAL.CONNECTION device show "$1" 2>&1 | tr '\n' ' '); }
# list_all: virsh iface-list --all as "NAME STATE MAC" lines in $listing
list_all() {
    local l name state mac
    listing=
    run vsh iface-list --all
    while read -r name state mac; do
        [[ -z $name || $name == Name || $name == -* ]] && continue
        listing+="$name $state${mac:+ $mac}"$'\n'
    done <<<"$out"
}
# listed NAME [STATE]: iface-list --all (just run by list_all) shows NAME (in STATE)
listed() {
    local l
    while read -r l; do
        [ -n "$l" ] || continue
        read -r -a w <<<"$l"
        [ "${w[0]}" = "$1" ] && { [ -z "${2:-}" ] || [ "${w[1]}" = "$2" ]; } && return 0
    done <<<"$listing"
    return 1
}

# ---- 1. libvirtd with the rebuilt module ------------------------------------------
mkdir -p "$T/sock" "$T/home" "$T/drivers"
# only our module: libvirtd loads no other driver
cp "$MODDIR/libvirt_driver_interface.so" "$T/drivers/"
cat >"$T/libvirtd.conf" <<EOF
unix_sock_dir = "$T/sock"
unix_sock_admin_perms = "0700"
auth_unix_ro = "none"
auth_unix_rw = "none"
log_outputs = "3:file:$T/libvirtd.log"
EOF
# what a libvirtd could leave on the host (the sandbox's /run is its own)
host_paths=(/etc/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt /var/local/run /root/.cache/libvirt /root/.config/libvirt)
host_before=$(ls -la --time-style=+%s "${host_paths[@]}" 2>&1)

now; t0=$REPLY
LIBVIRT_DRIVER_DIR=$T/drivers LD_LIBRARY_PATH=$NMVIRT_NETCF_LIBDIR \
    "$LIBVIRTD" --config "$T/libvirtd.conf" --pid-file "$T/libvirtd.pid" </dev/null >"$T/libvirtd.out" 2>&1 &
libvirtd_pid=$!
for _ in $(seq 100); do
    [ -S "$SOCK" ] && break
    kill -0 "$libvirtd_pid" 2>/dev/null || break
    sleep 0.1
done
since "$t0"
if [ -S "$SOCK" ]; then
    ok "libvirtd listens on $SOCK after $REPLY s"
else
    echo "Bail out! libvirtd did not start: $(cat "$T/libvirtd.out" "$T/libvirtd.log" 2>&1)"
    exit 1
fi
maps=$(cat "/proc/$libvirtd_pid/maps" 2>&1)
tap "$([[ $maps == *" $T/drivers/libvirt_driver_interface.so"* && $maps == *" $(readlink -f "$NMVIRT_NETCF_LIBDIR/libnetcf.so.1")"* ]]; echo $?)" \
    "libvirtd has loaded the rebuilt module and nmvirt's libnetcf.so.1" \
    "$(grep -E 'interface|netcf' <<<"$maps")"

nm_profiles
baseline=$nm
tap "$([ -z "$baseline" ]; echo $?)" "NetworkManager starts without profiles" "$baseline"
list_all
tap "$([ "$rc" = 0 ] && [ -z "$listing" ]; echo $?)" "iface-list --all through libvirtd: nothing defined" "$(said 'virsh iface-list --all')"

# ---- 2. every valid document ----------------------------------------------------------
docs=()
declare -A docpath
add_docs() { # LABEL DIR
    local f
    for f in "$2"/*.xml; do
        [ -f "$f" ] || continue
        docs+=("$1/${f##*/}")
        docpath[$1/${f##*/}]=$f
    done
}
add_docs valid "$TEST_DATA/valid"
if [ -n "${NMVIRT_CORPUS_DIR:-}" ]; then
    add_docs netcf "$NMVIRT_CORPUS_DIR/netcf"
    add_docs libvirt "$NMVIRT_CORPUS_DIR/libvirt"
elif [ "${CI:-}" = true ]; then
    not_ok "CI needs the corpus (NMVIRT_CORPUS_DIR)"
fi

# what each document holds, read independently of nmvirt and libvirt
declare -A d_top d_ifaces d_types d_addrs d_dhcp4 d_auto6 d_macs
info_args=()
for rel in "${docs[@]}"; do info_args+=("$rel=${docpath[$rel]}"); done
mapfile -t info < <("$PYTHON" "$NMVIRT_DOCINFO" "${info_args[@]}" 2>&1)
cur=
for line in "${info[@]}"; do
    read -r -a w <<<"$line"
    case ${w[0]} in
    doc) cur=${w[1]} ;;
    top) d_top[$cur]=${w[1]} ;;
    iface) d_ifaces[$cur]+="${w[1]} "; d_types[$cur]+="${w[2]} " ;;
    addr) d_addrs[$cur]+="${w[1]} " ;;
    dhcp4) d_dhcp4[$cur]=1 ;;
    auto6) d_auto6[$cur]=1 ;;
    mac) d_macs[$cur]+="${w[1]}=${w[2]} " ;;
    esac
done
tap "$([ ${#docs[@]} -gt 0 ] && [ ${#d_top[@]} -eq ${#docs[@]} ]; echo $?)" \
    "read ${#docs[@]} documents" "$(printf '%s\n' "${info[@]}" | head -n 20)"

# libvirt-rejects.txt: REL MESSAGE (what libvirt's parser says)
declare -A reject
while IFS= read -r line; do
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    reject[${line%% *}]=${line#* }
done <"$here/libvirt-rejects.txt"
# live-expectations.txt: the documents that start in the sandbox ('start'),
# and the MACs they need (--mac ethK=MAC)
declare -A e_start e_macs
while IFS= read -r line; do
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    read -r -a w <<<"$line"
    [ "${w[1]:-}" = start ] || continue
    macs='' with=
    for ((i = 2; i < ${#w[@]}; i++)); do
        case ${w[i]} in
        --mac) macs+="${w[i + 1]:-} "; i=$((i + 1)) ;;
        --with) with=1 ;;
        esac
    done
    [ -n "$with" ] || e_start[${w[0]}]=1
    e_macs[${w[0]}]=$macs
done <"$NMVIRT_LIVE_EXPECTATIONS"

# startable REL: the document starts here (live-expectations.txt), its NICs
# have the MACs it needs, and it has no bond or VLAN (reason in REPLY)
startable() {
    local rel=$1 spec nic mac
    REPLY=
    [ -n "${e_start[$rel]:-}" ] || { REPLY="does not start in the sandbox (live-expectations.txt)"; return 1; }
    [[ " ${d_types[$rel]} " == *" bond "* || " ${d_types[$rel]} " == *" vlan "* ]] &&
        { REPLY="a bond or VLAN: no bonding/8021q in ns mode"; return 1; }
    for spec in ${e_macs[$rel]:-}; do
        nic=${spec%%=*}
        mac=$(cat "/sys/class/net/$nic/address" 2>/dev/null)
        [ "$mac" = "${spec#*=}" ] || { REPLY="$nic has MAC '$mac', not ${spec#*=}"; return 1; }
    done
    return 0
}

# check_profiles LABEL NAME...: nmcli shows one profile under each NAME
check_profiles() {
    local label=$1 name missing=
    shift
    nm_profiles
    for name in "$@"; do [[ $nm_names == *" $name "* ]] || missing+="$name "; done
    tap "$([ -z "$missing" ]; echo $?)" "$label: nmcli shows profiles under $*" "missing: $missing"$'\n'"$nm"
}
# check_no_profiles LABEL: nmcli shows the baseline again
check_no_profiles() {
    nm_profiles
    tap "$([ "$nm" = "$baseline" ]; echo $?)" "$1: no profile left (nmcli)" "$nm"
}

# check_live REL TOP XML: the live XML shows the link up (not for a bridge)
# and the document's addresses, a DHCPv4 lease, an IPv6 autoconf address
check_live() {
    local rel=$1 top=$2 xml=$3 a problems=
    if [[ $xml != *"<interface type='bridge'"* ]] && ! [[ $xml =~ \<link\ [^\>]*state=\'up\' ]]; then
        problems+="no <link state='up'>; "
    fi
    for a in ${d_addrs[$rel]:-}; do
        [[ $xml == *"address='$a'"* ]] || problems+="no address $a; "
    done
    [ -z "${d_dhcp4[$rel]:-}" ] || [[ $xml == *"address='198.18."* ]] || problems+="no DHCPv4 lease (198.18.x); "
    [ -z "${d_auto6[$rel]:-}" ] || [[ $xml == *"address='2001:db8:"* ]] || problems+="no IPv6 address from RA/DHCPv6 (2001:db8:); "
    tap "$([ -z "$problems" ]; echo $?)" "$rel: live iface-dumpxml $top shows the link state and addresses" "$problems"$'\n'"$xml"
}

for rel in "${docs[@]}"; do
    doc=${docpath[$rel]}
    top=${d_top[$rel]:-}
    read -r -a names <<<"${d_ifaces[$rel]:-}"
    run vsh iface-define "$doc"
    if [ -n "${reject[$rel]:-}" ]; then
        tap "$([ "$rc" != 0 ] && [[ $err == *"${reject[$rel]}"* ]]; echo $?)" \
            "$rel: iface-define fails with libvirt's '${reject[$rel]}'" "$(said "virsh iface-define $doc")"
        check_no_profiles "$rel"
        continue
    fi
    tap "$([ "$rc" = 0 ] && [[ $out == "Interface $top defined from $doc" ]]; echo $?)" \
        "$rel: iface-define" "$(said "virsh iface-define $doc")"
    [ "$rc" = 0 ] || continue
    check_profiles "$rel" "${names[@]}"
    list_all
    tap "$(listed "$top"; echo $?)" "$rel: iface-list --all shows $top" "$(said 'virsh iface-list --all')"
    run vsh iface-dumpxml --inactive "$top"
    echo "$out" >"$T/dump.xml"
    if [ "$rc" = 0 ] && eq=$("$XML_EQUAL" "$doc" "$T/dump.xml" 2>&1); then
        ok "$rel: iface-dumpxml --inactive equals the document"
    else
        not_ok "$rel: iface-dumpxml --inactive equals the document" "${eq:-}"$'\n'"$(said "virsh iface-dumpxml --inactive $top")"
    fi

    if startable "$rel"; then
        run vsh iface-start "$top"
        tap "$([ "$rc" = 0 ]; echo $?)" "$rel: iface-start $top (${secs} s)" "$(said "virsh iface-start $top")"
        device_state "$top"
        tap "$([[ $REPLY == "100 (connected) $top "* ]]; echo $?)" "$rel: nmcli shows $top connected with its profile" "$REPLY"
        list_all
        tap "$(listed "$top" active; echo $?)" "$rel: iface-list --all shows $top active" "$(said 'virsh iface-list --all')"
        run vsh iface-dumpxml "$top"
        check_live "$rel" "$top" "$out"
        run vsh iface-destroy "$top"
        tap "$(destroyed "$top"; echo $?)" "$rel: iface-destroy $top" "$(said "virsh iface-destroy $top")"
        device_state "$top"
        tap "$([[ $REPLY != "100 (connected)"* ]]; echo $?)" "$rel: nmcli shows $top no longer connected" "$REPLY"
    else
        note "$rel: not started: $REPLY"
    fi

    run vsh iface-undefine "$top"
    tap "$([ "$rc" = 0 ] && [[ $out == "Interface $top undefined" ]]; echo $?)" \
        "$rel: iface-undefine $top" "$(said "virsh iface-undefine $top")"
    check_no_profiles "$rel"
done

# ---- 3. libvirt's parser comes first ------------------------------------------------
cat >"$T/vlan-noname.xml" <<'EOF'
<interface type='vlan'>
  <vlan tag='42'>
    <interface name='eth0'/>
  </vlan>
</interface>
EOF
run vsh iface-define "$T/vlan-noname.xml"
tap "$([ "$rc" != 0 ] && [[ $err == *"XML error: interface has no name"* ]]; echo $?)" \
    "a VLAN without a name: virsh fails with libvirt's 'interface has no name'" "$(said 'virsh iface-define vlan-noname.xml')"
check_no_profiles "vlan without a name"

# ---- 4. start, live XML, mac and name on eth0 ------------------------------------------
cat >"$T/eth0.xml" <<'EOF'
<interface type='ethernet' name='eth0'>
  <start mode='none'/>
  <protocol family='ipv4'>
    <dhcp/>
  </protocol>
</interface>
EOF
run vsh iface-define "$T/eth0.xml"
tap "$([ "$rc" = 0 ]; echo $?)" "eth0: iface-define" "$(said 'virsh iface-define eth0.xml')"
check_profiles "eth0" eth0
run vsh iface-start eth0
tap "$([ "$rc" = 0 ] && [[ $out == "Interface eth0 started" ]]; echo $?)" "eth0: iface-start (${secs} s)" "$(said 'virsh iface-start eth0')"
device_state eth0
tap "$([[ $REPLY == "100 (connected) eth0 "* ]]; echo $?)" "eth0: nmcli shows it connected with its profile" "$REPLY"
run vsh iface-dumpxml eth0
live=$out
tap "$([[ $live =~ \<link\ [^\>]*state=\'up\' && $live == *"address='198.18.0."* ]]; echo $?)" \
    "eth0: the live iface-dumpxml shows the link up and the DHCP lease" "$live"
run vsh iface-dumpxml --inactive eth0
echo "$out" >"$T/dump.xml"
eq=$("$XML_EQUAL" "$T/eth0.xml" "$T/dump.xml" 2>&1)
tap "$?" "eth0: while active, iface-dumpxml --inactive still equals the document" "$eq"
run vsh iface-start eth0
tap "$([ "$rc" != 0 ] && [[ $err == *"already running"* ]]; echo $?)" "eth0: a second iface-start fails: already running" "$(said 'virsh iface-start eth0')"
read -r sysmac </sys/class/net/eth0/address
run vsh iface-mac eth0
tap "$([ "$rc" = 0 ] && [ "$out" = "$sysmac" ]; echo $?)" "eth0: iface-mac gives the NIC's MAC $sysmac" "$(said 'virsh iface-mac eth0')"
run vsh iface-name "$sysmac"
tap "$([ "$rc" = 0 ] && [ "$out" = eth0 ]; echo $?)" "eth0: iface-name $sysmac gives eth0" "$(said "virsh iface-name $sysmac")"
run vsh iface-destroy eth0
tap "$(destroyed eth0; echo $?)" "eth0: iface-destroy" "$(said 'virsh iface-destroy eth0')"
list_all
tap "$(listed eth0 inactive; echo $?)" "eth0: iface-list --all shows it inactive" "$listing"
run vsh iface-destroy eth0
tap "$([ "$rc" != 0 ] && [[ $err == *"not running"* ]]; echo $?)" "eth0: a second iface-destroy fails: not running" "$(said 'virsh iface-destroy eth0')"
run vsh iface-undefine eth0
tap "$([ "$rc" = 0 ]; echo $?)" "eth0: iface-undefine" "$(said 'virsh iface-undefine eth0')"
check_no_profiles "eth0"

# ---- 5. iface-bridge and iface-unbridge ------------------------------------------------------
sed 's/eth0/eth1/' "$T/eth0.xml" >"$T/eth1.xml"
run vsh iface-define "$T/eth1.xml"
tap "$([ "$rc" = 0 ]; echo $?)" "eth1: iface-define" "$(said 'virsh iface-define eth1.xml')"
run vsh iface-bridge eth1 br1
tap "$([ "$rc" = 0 ] && [[ $out == *"Created bridge br1 with attached device eth1"* && $out == *"Bridge interface br1 started"* ]]; echo $?)" \
    "iface-bridge eth1 br1 (${secs} s)" "$(said 'virsh iface-bridge eth1 br1')"
nm_profiles
tap "$([[ $'\n'$nm$'\n' == *$'\n'br1:br1:$'\n'* && $'\n'$nm$'\n' == *$'\n'eth1:*:br1$'\n'* && $'\n'$nm$'\n' != *$'\n'eth1:*:$'\n'* ]]; echo $?)" \
    "iface-bridge: nmcli shows br1 and eth1 as its port, no standalone eth1" "$nm"
device_state br1
tap "$([[ $REPLY == "100 (connected) br1 "* ]]; echo $?)" "iface-bridge: nmcli shows br1 connected" "$REPLY"
list_all
tap "$(listed br1 active && ! listed eth1; echo $?)" "iface-bridge: iface-list --all shows br1 active and no eth1 (a port)" "$listing"
run vsh iface-dumpxml br1
tap "$([[ $out == *"<interface type='ethernet' name='eth1'>"* ]]; echo $?)" "iface-bridge: the live XML of br1 shows port eth1" "$out"
run vsh iface-unbridge br1
tap "$([ "$rc" = 0 ] && [[ $out == *"Device eth1 un-attached from bridge br1"* && $out == *"Interface eth1 started"* ]]; echo $?)" \
    "iface-unbridge br1 (${secs} s)" "$(said 'virsh iface-unbridge br1')"
nm_profiles
tap "$([[ $nm == "eth1:eth1:" ]]; echo $?)" "iface-unbridge: nmcli shows eth1 standalone and no br1" "$nm"
device_state eth1
tap "$([[ $REPLY == "100 (connected) eth1 "* ]]; echo $?)" "iface-unbridge: nmcli shows eth1 connected" "$REPLY"
list_all
tap "$(listed eth1 active && ! listed br1; echo $?)" "iface-unbridge: iface-list --all shows eth1 active and no br1" "$listing"
run vsh iface-destroy eth1
tap "$(destroyed eth1; echo $?)" "eth1: iface-destroy" "$(said 'virsh iface-destroy eth1')"
run vsh iface-undefine eth1
tap "$([ "$rc" = 0 ]; echo $?)" "eth1: iface-undefine" "$(said 'virsh iface-undefine eth1')"
check_no_profiles "eth1"

# ---- 6. transactions ------------------------------------------------------------------------
sed 's/eth0/eth2/' "$T/eth0.xml" >"$T/eth2.xml"
keyfiles() { find "$NMVIRT_SANDBOX_KEYFILE_DIR" -mindepth 1 -printf '%M %s %T@ %p\n' 2>&1 | sort; }
before_files=$(keyfiles)
run vsh iface-begin
tap "$([ "$rc" = 0 ]; echo $?)" "iface-begin" "$(said 'virsh iface-begin')"
run vsh iface-define "$T/eth2.xml"
tap "$([ "$rc" = 0 ]; echo $?)" "in a transaction: iface-define eth2" "$(said 'virsh iface-define eth2.xml')"
check_profiles "in a transaction" eth2
run vsh iface-rollback
tap "$([ "$rc" = 0 ]; echo $?)" "iface-rollback" "$(said 'virsh iface-rollback')"
check_no_profiles "after iface-rollback"
list_all
tap "$([ -z "$listing" ]; echo $?)" "after iface-rollback: iface-list --all is empty" "$listing"
tap "$([ "$(keyfiles)" = "$before_files" ]; echo $?)" "after iface-rollback: the keyfile directory is as before" \
    "before: $before_files"$'\n'"after: $(keyfiles)"
run vsh iface-rollback
tap "$([ "$rc" != 0 ] && [[ $err == *"Requested operation is not valid"* ]]; echo $?)" \
    "iface-rollback without a transaction fails" "$(said 'virsh iface-rollback')"
run vsh iface-begin
tap "$([ "$rc" = 0 ]; echo $?)" "iface-begin again" "$(said 'virsh iface-begin')"
run vsh iface-define "$T/eth2.xml"
tap "$([ "$rc" = 0 ]; echo $?)" "in a transaction: iface-define eth2" "$(said 'virsh iface-define eth2.xml')"
run vsh iface-commit
tap "$([ "$rc" = 0 ]; echo $?)" "iface-commit" "$(said 'virsh iface-commit')"
check_profiles "after iface-commit" eth2
list_all
tap "$(listed eth2; echo $?)" "after iface-commit: iface-list --all shows eth2" "$listing"
run vsh iface-commit
tap "$([ "$rc" != 0 ] && [[ $err == *"Requested operation is not valid"* ]]; echo $?)" \
    "iface-commit without a transaction fails" "$(said 'virsh iface-commit')"

# ---- 7. NetworkManager stops and comes back ---------------------------------------------------
run nmvirt-sandbox-nm stop
tap "$rc" "NetworkManager stopped" "$(said 'nmvirt-sandbox-nm stop')"
run vsh iface-list --all
tap "$([ "$rc" != 0 ] && [[ $err == *NetworkManager* ]]; echo $?)" \
    "NetworkManager down: iface-list fails naming NetworkManager (${secs} s)" "$(said 'virsh iface-list --all')"
note "virsh says: ${err//$'\n'/ | }"
run vsh iface-dumpxml eth2
tap "$([ "$rc" != 0 ] && [[ $err == *NetworkManager* ]]; echo $?)" \
    "NetworkManager down: iface-dumpxml fails naming NetworkManager (${secs} s)" "$(said 'virsh iface-dumpxml eth2')"
tap "$(kill -0 "$libvirtd_pid" 2>/dev/null; echo $?)" "NetworkManager down: libvirtd keeps running"
run nmvirt-sandbox-nm start
tap "$rc" "NetworkManager started again" "$(said 'nmvirt-sandbox-nm start')"
list_all
tap "$([ "$rc" = 0 ] && listed eth2; echo $?)" "NetworkManager back: iface-list --all works and shows eth2" "$(said 'virsh iface-list --all')"
run vsh iface-undefine eth2
tap "$([ "$rc" = 0 ]; echo $?)" "eth2: iface-undefine" "$(said 'virsh iface-undefine eth2')"
check_no_profiles "eth2"

# ---- 8. libvirtd stops; nothing left on the host ------------------------------------------------
kill -TERM "$libvirtd_pid"
wait "$libvirtd_pid"
rc=$?
libvirtd_pid=
log=$(cat "$T/libvirtd.log" 2>&1)
tap "$([ "$rc" = 0 ]; echo $?)" "libvirtd stops cleanly on SIGTERM" "exit $rc"$'\n'"$log"
host_after=$(ls -la --time-style=+%s "${host_paths[@]}" 2>&1)
tap "$([ "$host_after" = "$host_before" ]; echo $?)" "libvirtd left nothing in /etc, /var or the home directory" \
    "$(diff <(echo "$host_before") <(echo "$host_after"))"

echo "1..$n"
[ "$failed" -eq 0 ]
