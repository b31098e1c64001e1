#!/bin/bash
# nmvirt-sandbox, VM mode: PID 1 inside the VM, after switch_root.
#
# The root filesystem is the host's own root over 9p, read-only.  The
# initramfs (vm-initramfs-init) has loaded the modules (virtio, 9p, bonding,
# 8021q, veth, bridge, dummy) and mounted /proc, /sys, /dev (+pts, shm),
# tmpfs on /run, the results share (9p "nmvirt-results") at
# /run/nmvirt-vm and the writable shares (the caller's cwd, /tmp, /var/tmp, extra
# directories) at their own paths.  This script
#  - reads what sandbox-vm.sh left on the results share: "ctl" (cwd and
#    command) and "env" (the caller's environment, filtered);
#  - runs sandbox-inside.sh -- CMD... in fresh mount and PID namespaces (as in
#    the namespace mode), its stdout and stderr relayed to the virtio-serial
#    ports "nmvirt.stdout" and "nmvirt.stderr", which QEMU hands to the
#    caller's stdout and stderr;
#  - writes the exit code to the results share ("status") and powers off.
# PID 1 must never exit (the kernel would panic): every path ends in poweroff.

PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
umask 022

R=/run/nmvirt-vm            # the results share
IO=/run/nmvirt-vm-io        # guest-local fifos

poweroff_now() {
	# QEMU runs with -no-reboot: a reboot ends it as well as a power-off,
	# and works without ACPI
	sync
	echo 1 >/proc/sys/kernel/sysrq 2>/dev/null
	if [ -d /sys/firmware/acpi ]; then
		echo o >/proc/sysrq-trigger 2>/dev/null
	else
		echo b >/proc/sysrq-trigger 2>/dev/null
	fi
	while :; do sleep 60; done
}

trace() { # progress on the kernel console (NMVIRT_SANDBOX_VM_CONSOLE=1; shown on failure)
	local up
	read -r up _ </proc/uptime
	echo "nmvirt-sandbox (vm init) $up: $*" >/dev/console
}

die() {
	echo "nmvirt-sandbox (vm init): $*" >&2
	[ -d "$R" ] && [ -w "$R" ] && echo "$*" >"$R/error" 2>/dev/null
	poweroff_now
}

# The initramfs normally did all of this already (busybox from RAM is much
# faster than the host's tools over 9p); these are fallbacks.
[ -e /proc/self ] || mount -t proc -o nosuid,nodev,noexec proc /proc || die "cannot mount /proc"
[ -e /sys/kernel ] || mount -t sysfs -o nosuid,nodev,noexec sysfs /sys || die "cannot mount /sys"
if [ ! -e /dev/pts/ptmx ]; then
	mkdir -p /dev/pts
	mount -t devpts -o nosuid,noexec,gid=5,mode=620,ptmxmode=666 devpts /dev/pts
fi
[ -e /dev/fd ] || ln -sfn /proc/self/fd /dev/fd
[ -e /dev/stdin ] || ln -sfn /proc/self/fd/0 /dev/stdin
[ -e /dev/stdout ] || ln -sfn /proc/self/fd/1 /dev/stdout
[ -e /dev/stderr ] || ln -sfn /proc/self/fd/2 /dev/stderr
if [ ! -e "$R/ctl" ]; then
	mount -t tmpfs -o nosuid,nodev,mode=755 tmpfs /run || die "cannot mount /run"
	mkdir -p "$R"
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=none \
		nmvirt-results "$R" || die "cannot mount the results share"
fi
[ -d "$IO" ] || mkdir -p "$IO"
: >"$R/booted"       # its mtime (host clock) times the boot
g0=${EPOCHREALTIME/[.,]/}
trace "booted"

# The guest clock came from the emulated RTC, in whole seconds: set it to the
# host's clock, read from the mtime QEMU gave that file, so timings taken on
# both sides (NMVIRT_SANDBOX_T0) agree to a few milliseconds.  In the
# background: it takes two programs over 9p (~0.2 s under TCG).
(
	h=$(stat -c %.6Y "$R/booted" 2>/dev/null) && [[ $h =~ ^[0-9]+\.[0-9]{6}$ ]] || exit
	us=$(( ${h/./} + ${EPOCHREALTIME/[.,]/} - g0 + 2000 ))   # +2 ms: date's own start
	date -s "@$((us / 1000000)).$(printf %06d $((us % 1000000)))" >/dev/null
) </dev/null >/dev/null 2>&1 &

# shellcheck source=/dev/null disable=SC2153
. "$R/ctl" || die "cannot read $R/ctl"
# ctl defines: NMVIRT_VM_CWD (physical), NMVIRT_VM_PWD (logical),
# NMVIRT_VM_INSIDE, NMVIRT_VM_CMD (array)

# Modules: the initramfs loaded bonding (max_bonds=0: no automatic bond0, as
# systemd's modprobe.d says), 8021q, veth, bridge and dummy; the kernel loads
# others on demand through the host's /sbin/modprobe and /lib/modules.

# The output ports.  A virtio-serial port can be opened only once at a time
# (EBUSY), so CMD gets pipes (which `>/dev/stderr` may reopen) and one cat
# per stream copies them to the port.
port_out='' port_err=''
for n in /sys/class/virtio-ports/*/name; do
	[ -r "$n" ] || continue
	read -r name <"$n" || continue
	case $name in
	nmvirt.stdout) port_out=/dev/${n#/sys/class/virtio-ports/} port_out=${port_out%/name} ;;
	nmvirt.stderr) port_err=/dev/${n#/sys/class/virtio-ports/} port_err=${port_err%/name} ;;
	esac
done
[ -c "$port_out" ] && [ -c "$port_err" ] || die "no virtio-serial ports nmvirt.stdout/nmvirt.stderr"
[ -p "$IO/out" ] && [ -p "$IO/err" ] || mkfifo "$IO/out" "$IO/err" || die "cannot create fifos"
cat "$IO/out" >"$port_out" &
relay_out=$!
cat "$IO/err" >"$port_err" &
relay_err=$!
# from here on, this script's own messages go to the caller's stderr
exec 2>"$IO/err"

: >"$R/cmd-start"
trace "starting $NMVIRT_VM_INSIDE"
(
	# the caller's environment, nothing of PID 1's
	for v in $(compgen -e); do unset "$v"; done
	# shellcheck source=/dev/null
	. "$R/env"
	[ -n "${PATH:-}" ] || export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	if [ -n "$NMVIRT_VM_PWD" ] && [ "$NMVIRT_VM_PWD" -ef "$NMVIRT_VM_CWD" ]; then
		cd "$NMVIRT_VM_PWD"
	else
		cd "$NMVIRT_VM_CWD"
	fi || exit 125
	# the same namespaces as the namespace mode; the network namespace is
	# needed too: a read-only sysfs (sandbox-inside.sh) cannot be mounted in
	# the network namespace whose sysfs is already mounted read-write (EBUSY)
	exec unshare -m -n -p -u -i --fork --kill-child=SIGKILL --mount-proc --propagation private \
		-- "$NMVIRT_VM_INSIDE" -- "${NMVIRT_VM_CMD[@]}"
) </dev/null >"$IO/out" 2>"$IO/err"
rc=$?
: >"$R/cmd-end"
trace "exit status $rc"

# all writers of the fifos are gone with the PID namespace; let the relays
# drain (each write to a port returns once QEMU has passed it on)
exec 2>/dev/console
( sleep 10; kill "$relay_out" "$relay_err" 2>/dev/null ) &
watchdog=$!
wait "$relay_out" "$relay_err"
kill "$watchdog" 2>/dev/null

echo "$rc" >"$R/status"
poweroff_now
