#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The nmvirt command line through its binary ($NMVIRT), TAP output.
# Needs: NMVIRT, XML_EQUAL, TEST_DATA; optional NMVIRT_CORPUS_DIR.
set -u
n=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; sed 's/^/# /' "$tmp/out" "$tmp/err" 2>/dev/null; }
# check DESCRIPTION EXPECTED_RC COMMAND...: runs COMMAND, output in $tmp/out and $tmp/err
check() {
    local desc=$1 want=$2; shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ "$rc" -eq "$want" ]; then ok "$desc"; else echo "# exit $rc, expected $want"; not_ok "$desc"; fi
}

verbs=(list define undefine start stop bridge unbridge dumpxml edit monitor mac name begin commit rollback validate convert)
for verb in "${verbs[@]}"; do
    check "$verb --help exits 0" 0 "$NMVIRT" "$verb" --help
    # the verb's own usage line, not just any help text
    grep -qE "^  nmvirt $verb \[OPTION(…|\.\.\.|\?)\]" "$tmp/out" && ok "$verb --help prints usage" || not_ok "$verb --help prints usage"
done
check "--help lists the verbs" 0 "$NMVIRT" --help
missing=$(for verb in "${verbs[@]}"; do grep -q "^  $verb " "$tmp/out" || echo "$verb"; done)
[ -z "$missing" ] && ok "all verbs listed" || { echo "# not listed: $missing"; not_ok "all verbs listed"; }
check "unknown verb fails" 1 "$NMVIRT" frobnicate
grep -q "unknown verb 'frobnicate'" "$tmp/err" && ok "unknown verb named on stderr" || not_ok "unknown verb named on stderr"
check "no verb fails" 1 "$NMVIRT"
check "validate without files fails" 1 "$NMVIRT" validate
check "convert without mode fails" 1 "$NMVIRT" convert "$(ls "$TEST_DATA"/valid/*.xml | head -n 1)"

valid=("$TEST_DATA"/valid/*.xml)
check "validate all valid documents" 0 "$NMVIRT" validate "${valid[@]}"
[ "$(grep -c ': ok$' "$tmp/out")" -eq "${#valid[@]}" ] && ok "one 'FILE: ok' line per document" || not_ok "one 'FILE: ok' line per document"

# usage errors of the live verbs, found before NetworkManager is asked
for verb in undefine start stop dumpxml edit mac name define bridge unbridge; do
    check "$verb without an argument fails" 1 "$NMVIRT" "$verb"
done
check "bridge with one argument fails" 1 "$NMVIRT" bridge eth0
grep -q "an interface and the name of the new bridge" "$tmp/err" && ok "bridge says what it needs" || not_ok "bridge says what it needs"
check "bridge with three arguments fails" 1 "$NMVIRT" bridge eth0 br0 br1
grep -q "unexpected argument 'br1'" "$tmp/err" && ok "bridge names the extra argument" || not_ok "bridge names the extra argument"
check "bridge --delay -1 fails" 1 "$NMVIRT" bridge --delay -1 eth0 br0
grep -q -- "--delay needs a number of seconds" "$tmp/err" && ok "bridge says what --delay takes" || not_ok "bridge says what --delay takes"
for bad in x nan inf 1e999 2s; do
    check "bridge --delay $bad fails" 1 "$NMVIRT" bridge --delay "$bad" eth0 br0
done
check "unbridge with two bridges fails" 1 "$NMVIRT" unbridge br0 br1
check "start with two interfaces fails" 1 "$NMVIRT" start eth0 eth1
grep -q "unexpected argument 'eth1'" "$tmp/err" && ok "the extra argument is named" || not_ok "the extra argument is named"
check "start --timeout 0 fails" 1 "$NMVIRT" start --timeout 0 eth0
check "list with an argument fails" 1 "$NMVIRT" list eth0
check "monitor with two interfaces fails" 1 "$NMVIRT" monitor eth0 eth1
grep -q "unexpected argument 'eth1'" "$tmp/err" && ok "monitor names the extra argument" || not_ok "monitor names the extra argument"
check "name with something that is not a MAC fails" 1 "$NMVIRT" name eth0
grep -q "'eth0' is not a MAC address" "$tmp/err" && ok "name says it wants a MAC" || not_ok "name says it wants a MAC"
check "define of a missing file fails" 1 "$NMVIRT" define "$tmp/does-not-exist.xml"
for verb in begin commit rollback; do
    check "$verb with an argument fails" 1 "$NMVIRT" "$verb" eth0
    grep -q "unexpected argument 'eth0'" "$tmp/err" && ok "$verb names the extra argument" || not_ok "$verb names the extra argument"
done
check "begin --timeout -1 fails" 1 "$NMVIRT" begin --timeout -1
grep -q "positive number of seconds" "$tmp/err" && ok "begin says what --timeout needs" || not_ok "begin says what --timeout needs"

# Without NetworkManager every live verb fails within 5 s and says so:
# first without a system bus at all, then (when dbus-run-session exists)
# with a private bus on which NetworkManager does not run.
live_verbs() {
    local prefix=("$@")
    local doc
    doc=$(ls "$TEST_DATA"/valid/*.xml | head -n 1)
    for args in "list" "list --all" "define $doc" "undefine eth0" "start eth0" "stop eth0" "bridge eth0 br9" "unbridge br9" \
        "dumpxml eth0" "edit eth0" "monitor" "monitor eth0" "mac eth0" "name 52:54:00:0a:0b:0c" "start 52:54:00:0a:0b:0c" \
        "begin" "begin --timeout 5" "commit" "rollback" "rollback --if-open"; do
        local desc="${prefix[0]}: nmvirt ${args/"$doc"/FILE}"
        # shellcheck disable=SC2086 # $args holds the verb and its words
        check "$desc fails within 5 s" 1 env EDITOR=false timeout 5 "${prefix[@]:1}" "$NMVIRT" $args
        if grep -q "NetworkManager is not running" "$tmp/err" && [ ! -s "$tmp/out" ]; then
            ok "$desc says NetworkManager is not running"
        else
            not_ok "$desc says NetworkManager is not running"
        fi
    done
}
live_verbs "no system bus" env DBUS_SYSTEM_BUS_ADDRESS="unix:path=$tmp/no-bus"
if command -v dbus-run-session >/dev/null; then
    # shellcheck disable=SC2016 # expanded by the inner shell
    live_verbs "bus without NetworkManager" dbus-run-session -- \
        sh -c 'DBUS_SYSTEM_BUS_ADDRESS=$DBUS_SESSION_BUS_ADDRESS exec "$@"' sh
else
    echo "# dbus-run-session missing: the bus without NetworkManager is not tried"
fi

invalid=$(ls "$TEST_DATA"/invalid/*.xml | head -n 1)
check "validate reports an invalid document" 1 "$NMVIRT" validate "${valid[0]}" "$invalid" "${valid[1]}"
grep -q "^$invalid: " "$tmp/err" && ok "error names the file on stderr" || not_ok "error names the file on stderr"
[ "$(grep -c ': ok$' "$tmp/out")" -eq 2 ] && ok "validation goes on after an error" || not_ok "validation goes on after an error"
check "validate a missing file fails" 1 "$NMVIRT" validate "$tmp/does-not-exist.xml"

# every document: to keyfiles (mode 0600) and back to equal XML
docs=("${valid[@]}")
if [ -n "${NMVIRT_CORPUS_DIR:-}" ]; then
    docs+=("$NMVIRT_CORPUS_DIR"/netcf/*.xml "$NMVIRT_CORPUS_DIR"/libvirt/*.xml)
fi
for doc in "${docs[@]}"; do
    name=$(basename "$(dirname "$doc")")-$(basename "$doc" .xml)
    dir="$tmp/kf-$name"
    if ! "$NMVIRT" convert --to-keyfile "$dir" "$doc" >"$tmp/out" 2>"$tmp/err"; then
        not_ok "convert --to-keyfile $name"; continue
    fi
    mapfile -t files <"$tmp/out"
    bad_mode=$(for f in "${files[@]}"; do stat -c %a "$f"; done | grep -vc '^600$')
    if [ "${#files[@]}" -ge 1 ] && [ "$bad_mode" -eq 0 ]; then
        ok "convert --to-keyfile $name: ${#files[@]} keyfiles, mode 0600"
    else
        not_ok "convert --to-keyfile $name: keyfiles with mode 0600"
    fi
    if "$NMVIRT" convert --from-keyfile "${files[@]}" >"$tmp/back.xml" 2>"$tmp/err" &&
        "$XML_EQUAL" "$doc" "$tmp/back.xml" 2>>"$tmp/err"; then
        ok "convert --from-keyfile $name gives equal XML"
    else
        cp "$tmp/back.xml" "$tmp/out"; not_ok "convert --from-keyfile $name gives equal XML"
    fi
done

printf '[connection]\nid=x\ntype=ethernet\ninterface-name=eth0\n' >"$tmp/nouuid.nmconnection"
chmod 600 "$tmp/nouuid.nmconnection"
check "from-keyfile without uuid fails" 1 "$NMVIRT" convert --from-keyfile "$tmp/nouuid.nmconnection"
grep -q "connection.uuid" "$tmp/err" && ok "missing uuid is named" || not_ok "missing uuid is named"

echo "1..$n"
[ "$failed" -eq 0 ]
