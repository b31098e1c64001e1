#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# nmvirt-libvirt-module install, check and restore, TAP output. Runs INSIDE
# nmvirt-sandbox --ns: in the sandbox's private mount namespace it mounts
# copies of /var/lib/dpkg, the libvirt module directory (with only the
# interface module, so libvirtd loads no other driver) and
# /etc/apt/apt.conf.d over the originals, so the diversion, the module and
# the apt hook never reach the host. Then:
#  1. usage errors, and install/restore refused to a non-root user;
#  2. check and restore before anything is installed;
#  3. install: dpkg knows the diversion, Debian's module is kept, ours is
#     in place with its stamp, the apt hook exists, check passes;
#  4. libvirtd from its default driver directory, without LD_LIBRARY_PATH,
#     loads the installed module and nmvirt's libnetcf.so.1 (the module's
#     RUNPATH) and virsh iface-list works; without that library, install
#     warns;
#  5. a libvirt upgrade (a newer version in the dpkg database copy): check
#     and the apt hook's command report it, install refuses the old build;
#  6. restore, also after libvirt-daemon was removed; Debian's module back
#     byte for byte, no diversion, no stamp, no hook; check says nmvirt's
#     module is not installed.
# Needs NMVIRT_LIBVIRT_MODULE, NMVIRT_LIBVIRT_MODULE_DIR, NMVIRT_NETCF_LIBDIR;
# skipped without the module or libvirt, except under CI=true (fails).
set -u
: "${NMVIRT_SANDBOX_KEYFILE_DIR:?run me inside nmvirt-sandbox}"
TOOL=${NMVIRT_LIBVIRT_MODULE:?}

# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
unavailable() {
    if [ "${CI:-}" = true ]; then
        echo "Bail out! $1 (CI needs it: .ci/setup builds the module)"
        exit 1
    fi
    echo "1..0 # SKIP $1"
    exit 0
}
T=$(mktemp -d "${TMPDIR:-/tmp}/test-module.XXXXXX")
libvirtd_pid=
cleanup() {
    [ -n "$libvirtd_pid" ] && kill -TERM "$libvirtd_pid" 2>/dev/null && wait "$libvirtd_pid" 2>/dev/null
    # the copies go with the sandbox's mount namespace; unmount anyway
    for m in "${mounted[@]}"; do umount "$m" 2>/dev/null; done
    rm -rf "$T"
}
mounted=()
trap cleanup EXIT
run() {
    "$@" >"$T/out" 2>"$T/err" </dev/null
    rc=$?
    out=$(<"$T/out")
    err=$(<"$T/err")
}
said() { printf 'command: %s\nexit %s\nstdout: %s\nstderr: %s' "$1" "$rc" "$out" "$err"; }

{ [ -x /usr/sbin/libvirtd ] && command -v virsh >/dev/null; } || unavailable "libvirtd or virsh is not installed"
MODDIR=${NMVIRT_LIBVIRT_MODULE_DIR:-}
{ [ -n "$MODDIR" ] && [ -f "$MODDIR/libvirt_driver_interface.so" ]; } ||
    unavailable "no interface driver module in '$MODDIR': build it with nmvirt-libvirt-module build DIR"
"$TOOL" check "$MODDIR" >/dev/null 2>&1 || unavailable "$("$TOOL" check "$MODDIR" 2>&1)"
: "${NMVIRT_NETCF_LIBDIR:?}"

target=$(dpkg-query -L libvirt-daemon | grep '/connection-driver/libvirt_driver_interface\.so$')
moddir=${target%/*}
original_sum=$(sha256sum <"$target")
cp -a "$target" "$T/original.so"

# ---- private copies of what install and restore change ----------------------------------
overlay() { # DIR [FILE...]: a copy of DIR (or of just FILEs of it) mounted over DIR
    local dir=$1 copy
    shift
    copy=$T/overlay$dir
    mkdir -p "$copy"
    if [ $# -eq 0 ]; then
        cp -a "$dir/." "$copy/"
    else
        for f in "$@"; do cp -a "$dir/$f" "$copy/"; done
    fi
    mount --bind "$copy" "$dir" && mounted+=("$dir")
}
if overlay /var/lib/dpkg && overlay "$moddir" libvirt_driver_interface.so && overlay /etc/apt/apt.conf.d; then
    ok "private copies of /var/lib/dpkg, $moddir (the interface module only) and /etc/apt/apt.conf.d"
else
    echo "Bail out! cannot mount the private copies"
    exit 1
fi
hook=/etc/apt/apt.conf.d/80nmvirt-libvirt-module

# ---- 1. usage and permissions -------------------------------------------------------------
run "$TOOL" --help
tap "$([ "$rc" = 0 ] && [[ $out == *"Usage: nmvirt-libvirt-module build DIR"* ]]; echo $?)" "--help" "$(said '--help')"
run "$TOOL"
tap "$([ "$rc" = 1 ] && [[ $err == *Usage:* ]]; echo $?)" "no command: usage on stderr, exit 1" "$(said '')"
run "$TOOL" frobnicate
tap "$([ "$rc" = 1 ] && [[ $err == *"unknown command 'frobnicate'"* ]]; echo $?)" "an unknown command" "$(said frobnicate)"
run "$TOOL" build
tap "$([ "$rc" = 1 ] && [[ $err == *"usage: nmvirt-libvirt-module build DIR"* ]]; echo $?)" "build without DIR" "$(said build)"
run "$TOOL" install "$T/empty"
tap "$([ "$rc" = 1 ] && [[ $err == *"$T/empty/libvirt_driver_interface.so or its stamp is missing"* ]]; echo $?)" \
    "install of a directory without a module" "$(said "install $T/empty")"
# a copy the user can read: the checkout may be in a directory only root
# can enter (a clone in a mktemp -d directory, say)
mkdir -m 0755 "$T/user"
install -m 0755 "$TOOL" "$T/user/nmvirt-libvirt-module"
chmod 0755 "$T"
for args in "install $MODDIR" restore; do
    verb=${args%% *}
    # shellcheck disable=SC2086 # two words: the verb and its directory
    run setpriv --reuid=65534 --regid=65534 --clear-groups "$T/user/nmvirt-libvirt-module" $args
    tap "$([ "$rc" = 1 ] && [[ $err == *"'$verb' changes system files: run it as root"* ]]; echo $?)" \
        "$verb as a user is refused" "$(said "$verb")"
done

# ---- 2. before install --------------------------------------------------------------------
run "$TOOL" check
tap "$([ "$rc" = 1 ] && [[ $err == *"is Debian's module"* ]]; echo $?)" "check: Debian's module is in place" "$(said check)"
run "$TOOL" check --quiet
tap "$([ "$rc" = 0 ] && [ -z "$out$err" ]; echo $?)" "check --quiet (the apt hook's call): silent without nmvirt's module" "$(said 'check --quiet')"
run "$TOOL" restore
tap "$([ "$rc" = 0 ] && [[ $out == *"nothing to restore"* ]] && [ "$(sha256sum <"$target")" = "$original_sum" ]; echo $?)" \
    "restore with nothing installed changes nothing" "$(said restore)"

# ---- 3. install ---------------------------------------------------------------------------
run "$TOOL" install "$MODDIR"
tap "$([ "$rc" = 0 ] && [[ $out == *"Restart libvirtd"* ]]; echo $?)" "install" "$(said "install $MODDIR")"
tap "$([[ $out == *"libvirtd will load libnetcf.so.1 from $NMVIRT_NETCF_LIBDIR/libnetcf.so.1."* && $err != *warning* ]]; echo $?)" \
    "install says that libvirtd will load the build's libnetcf.so.1 (the module's RUNPATH)" "$(said install)"
diversion=$(dpkg-query -S "$target" 2>&1)
tap "$([[ $diversion == *"diversion by nmvirt from: $target"* && $diversion == *"diversion by nmvirt to: $target.distrib"* ]]; echo $?)" \
    "dpkg knows the diversion of $target" "$diversion"
tap "$([ "$(sha256sum <"$target.distrib")" = "$original_sum" ]; echo $?)" "Debian's module is kept as $target.distrib"
tap "$(cmp -s "$target" "$MODDIR/libvirt_driver_interface.so"; echo $?)" "nmvirt's module is in place"
tap "$(cmp -s "$target.nmvirt-stamp" "$MODDIR/libvirt_driver_interface.so.nmvirt-stamp"; echo $?)" "with its stamp"
hooktext=$(cat "$hook" 2>&1)
tap "$([[ $hooktext == *"DPkg::Post-Invoke"*"$(readlink -f "$TOOL")' check --quiet"* ]]; echo $?)" \
    "the apt hook runs 'check --quiet' after dpkg" "$hooktext"
run "$TOOL" check
tap "$([ "$rc" = 0 ] && [[ $out == *"built for the installed libvirt"* ]]; echo $?)" "check: up to date" "$(said check)"
run "$TOOL" install "$MODDIR"
tap "$([ "$rc" = 0 ] && [ "$(dpkg-divert --list "$target" | wc -l)" = 1 ]; echo $?)" "install again: one diversion" "$(said install)"

# ---- 4. libvirtd loads it from its default directory -----------------------------------------
mkdir -p "$T/sock"
cat >"$T/libvirtd.conf" <<EOF
unix_sock_dir = "$T/sock"
auth_unix_ro = "none"
auth_unix_rw = "none"
log_outputs = "3:file:$T/libvirtd.log"
EOF
env -u LD_LIBRARY_PATH /usr/sbin/libvirtd --config "$T/libvirtd.conf" \
    --pid-file "$T/libvirtd.pid" </dev/null >"$T/libvirtd.out" 2>&1 &
libvirtd_pid=$!
for _ in $(seq 100); do
    [ -S "$T/sock/libvirt-sock" ] && break
    kill -0 "$libvirtd_pid" 2>/dev/null || break
    sleep 0.1
done
run env HOME="$T" virsh -c "interface:///system?socket=$T/sock/libvirt-sock" iface-list --all
maps=$(cat "/proc/$libvirtd_pid/maps" 2>&1)
tap "$([ "$rc" = 0 ] && [[ $maps == *" $target"* && $maps == *" $(readlink -f "$NMVIRT_NETCF_LIBDIR/libnetcf.so.1")"* ]]; echo $?)" \
    "libvirtd (no LD_LIBRARY_PATH) loads the installed module and nmvirt's libnetcf.so.1; virsh iface-list works" \
    "$(said 'virsh iface-list --all')"$'\n'"$(grep -E 'interface|netcf' <<<"$maps")"$'\n'"$(cat "$T/libvirtd.log" 2>&1)"
kill -TERM "$libvirtd_pid" 2>/dev/null
wait "$libvirtd_pid" 2>/dev/null
libvirtd_pid=

# without libnetcf.so.1 where the module looks (an empty directory over it)
if mount -t tmpfs -o size=1m nmvirt-empty "$NMVIRT_NETCF_LIBDIR"; then
    run "$TOOL" install "$MODDIR"
    umount "$NMVIRT_NETCF_LIBDIR"
    tap "$([ "$rc" = 0 ] && [[ $err == *"warning: libnetcf.so.1 is not installed where the module looks for it"* ]]; echo $?)" \
        "install warns when libnetcf.so.1 cannot be found" "$(said install)"
else
    not_ok "hide $NMVIRT_NETCF_LIBDIR"
fi

# ---- 5. a libvirt upgrade ---------------------------------------------------------------------
version=$(dpkg-query -W -f='${Version}' libvirt0)
newer=$version+nmvirttest1
cp /var/lib/dpkg/status "$T/status"
awk -v new="$newer" '
    /^Package: / { pkg = $2 }
    /^Version: / && (pkg == "libvirt0" || pkg == "libvirt-daemon") { print "Version: " new; next }
    { print }' "$T/status" >/var/lib/dpkg/status
run "$TOOL" check
tap "$([ "$rc" = 1 ] && [[ $err == *"built for libvirt $version, but libvirt $newer is installed: rebuild"* ]]; echo $?)" \
    "after a libvirt upgrade, check reports it" "$(said check)"
run "$TOOL" check --quiet
tap "$([ "$rc" = 1 ] && [[ $err == *"warning:"*"but libvirt $newer is installed"* ]]; echo $?)" \
    "and so does the apt hook's call" "$(said 'check --quiet')"
run "$TOOL" install "$MODDIR"
tap "$([ "$rc" = 1 ] && [[ $err == *"was built for libvirt $version, but libvirt $newer is installed"* ]]; echo $?)" \
    "install refuses a module built for the old libvirt" "$(said install)"
cp "$T/status" /var/lib/dpkg/status

# libvirt-daemon removed while nmvirt's module is installed: dpkg deletes
# the diverted Debian module, the diversion stays; restore still undoes it
awk '
    /^Package: / { pkg = $2 }
    /^Status: / && pkg == "libvirt-daemon" { print "Status: deinstall ok config-files"; next }
    { print }' "$T/status" >/var/lib/dpkg/status
rm -f "$target.distrib"
run "$TOOL" restore
tap "$([ "$rc" = 0 ] && [ -z "$(dpkg-divert --list "$target")" ] && [ ! -e "$target" ] && [ ! -e "$target.nmvirt-stamp" ]; echo $?)" \
    "with libvirt-daemon removed, restore removes nmvirt's module and the diversion" \
    "$(said restore)"$'\n'"$(dpkg-divert --list "$target"; ls -la "$moddir" 2>&1)"
# libvirt-daemon back, nmvirt's module installed again
cp "$T/status" /var/lib/dpkg/status
cp -a "$T/original.so" "$target"
run "$TOOL" install "$MODDIR"
tap "$rc" "install again" "$(said install)"

# ---- 6. restore ---------------------------------------------------------------------------------
run "$TOOL" restore
tap "$([ "$rc" = 0 ] && [[ $out == *"Restored Debian's $target"* && $out == *"Restart libvirtd"* ]]; echo $?)" "restore" "$(said restore)"
tap "$([ "$(sha256sum <"$target")" = "$original_sum" ]; echo $?)" "Debian's module is back, byte for byte"
tap "$([ -z "$(dpkg-divert --list "$target")" ] && [ ! -e "$target.distrib" ] && [ ! -e "$target.nmvirt-stamp" ] && [ ! -e "$hook" ]; echo $?)" \
    "no diversion, no stamp, no apt hook left" "$(dpkg-divert --list "$target"; ls -la "$moddir" "$hook" 2>&1)"
run "$TOOL" check
tap "$([ "$rc" = 1 ] && [[ $err == *"nmvirt's is not installed"* ]]; echo $?)" "check after restore" "$(said check)"

echo "1..$n"
[ "$failed" -eq 0 ]
