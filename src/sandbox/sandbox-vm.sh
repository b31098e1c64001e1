#!/bin/bash
# nmvirt-sandbox, VM mode: run sandbox-inside.sh -- CMD ARGS... in a QEMU/TCG
# virtual machine that boots the host's Debian kernel (linux-image-amd64) with
# the host's root filesystem over 9p, read-only.
#
#   sandbox-vm.sh -- CMD ARGS...
#
# Called by nmvirt-sandbox as root, with NMVIRT_SANDBOX_* exported.  Exits
# with CMD's exit code; 124 when the VM ran into NMVIRT_SANDBOX_VM_TIMEOUT;
# 125 when the VM could not be started or stopped without reporting one.
#
# Inside the VM the root is read-only except: the caller's working directory
# /tmp and /var/tmp (the host's, writable 9p shares: a checkout may live
# there), /run, /dev/shm (tmpfs)
# and whatever sandbox-inside.sh mounts.
#
# Environment (besides the NMVIRT_SANDBOX_* of nmvirt-sandbox):
#   NMVIRT_SANDBOX_VM_TIMEOUT  wall-clock limit of the VM in seconds (1800)
#   NMVIRT_SANDBOX_VERBOSE=1   timings on stderr
#   NMVIRT_SANDBOX_VM_CONSOLE=1  the kernel console on stderr, as it comes,
#                              each line with the time since QEMU started
#   NMVIRT_SANDBOX_INSIDE      the script run inside (default: sandbox-inside.sh
#                              next to this file)
#   NMVIRT_SANDBOX_VM_KERNEL   the kernel image (default: the newest
#                              /boot/vmlinuz-* that has /lib/modules/VERSION)
#   NMVIRT_SANDBOX_VM_SHARE    more host directories to make writable in the
#                              VM (space-separated absolute paths)
#   NMVIRT_SANDBOX_VM_ENV      more environment variables to pass into the VM
#                              (space-separated names)
#   NMVIRT_SANDBOX_VM_MEMORY   guest memory in MiB (1024)
#   NMVIRT_SANDBOX_VM_CPUS     guest CPUs (2)
#   NMVIRT_SANDBOX_VM_APPEND   more kernel command line
#   NMVIRT_SANDBOX_VM_PVH=0    boot the bzImage instead of the unpacked vmlinux
#
# How the pieces travel:
#  - stdout/stderr: two virtio-serial ports; QEMU writes them to fifos on a
#    private tmpfs, from which one cat each copies to this script's stdout and
#    stderr (the caller's descriptors are never reopened).
#  - exit code, timings: a small writable 9p share ("nmvirt-results") on the
#    same tmpfs, which also carries the caller's environment and command in.
#  - the kernel console (ttyS0) goes to a log file, shown when the VM fails.
#
# Teardown: this script re-executes itself as PID 1 of new mount and PID
# namespaces (unshare --kill-child=SIGKILL), so killing the sandbox process,
# even with SIGKILL, kills QEMU and unmounts the tmpfs with every file.

set -u

me=$(readlink -f -- "$0") || exit 125
here=${me%/*}

say() { printf 'nmvirt-sandbox: %s\n' "$*" >&2; }
fail() { say "$*"; exit 125; }

[ "${1-}" = -- ] && shift
[ $# -ge 1 ] || fail "usage: sandbox-vm.sh -- CMD [ARGS...]"

# --- 1. private mount and PID namespaces ----------------------------------
if [ "${NMVIRT_SANDBOX_VM_INNER-}" != 1 ] || [ "$$" != 1 ]; then
	[ "$(id -u)" = 0 ] || fail "the VM sandbox must run as root"
	export NMVIRT_SANDBOX_VM_INNER=1
	export NMVIRT_SANDBOX_VM_T0=${EPOCHREALTIME/,/.}
	# shellcheck disable=SC2093  # fail only runs when exec itself fails
	exec unshare -m -p --fork --kill-child=SIGKILL --mount-proc \
		--propagation private -- "$me" -- "$@"
	fail "cannot run unshare"
fi
unset NMVIRT_SANDBOX_VM_INNER
t0=${NMVIRT_SANDBOX_VM_T0:-${EPOCHREALTIME/,/.}}
unset NMVIRT_SANDBOX_VM_T0

verbose=${NMVIRT_SANDBOX_VERBOSE:-0}
[ "$verbose" = 1 ] || verbose=0
timeout_s=${NMVIRT_SANDBOX_VM_TIMEOUT:-1800}
[[ $timeout_s =~ ^[0-9]+$ ]] && [ "$timeout_s" -gt 0 ] ||
	fail "NMVIRT_SANDBOX_VM_TIMEOUT must be a positive number of seconds"
mem=${NMVIRT_SANDBOX_VM_MEMORY:-1024}
# Boot time under TCG: no probing of hardware the VM does not have, no ACPI
# PCI interrupt links (~0.5 s), no crypto self-tests or kprobe trace events
# (~0.4 s).
cmdline_extra="pci=noacpi 8250.nr_uarts=1 i8042.noaux i8042.nokbd i8042.nopnp mitigations=off cryptomgr.notests initcall_blacklist=init_kprobe_trace"
cpus=${NMVIRT_SANDBOX_VM_CPUS:-2}
inside=${NMVIRT_SANDBOX_INSIDE:-$here/sandbox-inside.sh}
vm_init=$here/sandbox-vm-init.sh
initramfs_init=$here/vm-initramfs-init

vsay() { [ "$verbose" = 1 ] && say "$@"; return 0; }
elapsed() { # FROM [TO] -> seconds with one decimal
	local to=${2:-${EPOCHREALTIME/,/.}}
	awk -v a="$1" -v b="$to" 'BEGIN { printf "%.1f", b - a }'
}

case $inside in /*) ;; *) inside=$PWD/$inside ;; esac
[ -x "$inside" ] || fail "not executable: $inside"
[ -x "$vm_init" ] || fail "not executable: $vm_init"
[ -r "$initramfs_init" ] || fail "missing: $initramfs_init"
qemu=$(command -v qemu-system-x86_64) || fail "qemu-system-x86_64 not found (install qemu-system-x86)"
busybox=
for b in /bin/busybox /usr/bin/busybox; do
	[ -x "$b" ] && { busybox=$b; break; }
done
[ -n "$busybox" ] || fail "busybox not found (install busybox-static)"

# --- the kernel -------------------------------------------------------------
if [ -n "${NMVIRT_SANDBOX_VM_KERNEL:-}" ]; then
	kernel=$NMVIRT_SANDBOX_VM_KERNEL
	kver=${kernel##*/vmlinuz-}
else
	kernel='' kver=''
	while read -r k; do
		v=${k#/boot/vmlinuz-}
		[ -r "$k" ] && [ -e "/lib/modules/$v/modules.dep" ] && { kernel=$k kver=$v; }
	done < <(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V)
fi
[ -n "$kernel" ] && [ -r "$kernel" ] ||
	fail "no kernel with modules in /boot and /lib/modules (install linux-image-amd64)"
moddir=/lib/modules/$kver
[ -e "$moddir/modules.dep" ] || fail "no modules for kernel $kver in $moddir"

# --- the private tmpfs --------------------------------------------------------
# Mounted over /run of this mount namespace only: the VM hides /run under its
# own tmpfs anyway, and no directory is created on the host.
T=/run
mount -t tmpfs -o mode=0700,size=256m nmvirt-sandbox-vm "$T" ||
	fail "cannot mount a tmpfs"
mkdir -p "$T/initramfs" "$T/results" || fail "cannot populate the tmpfs"
chmod 0755 "$T/results"

# --- 2. the kernel image and the initramfs -----------------------------------
tb=${EPOCHREALTIME/,/.}

# Under TCG the bzImage's own xz decompression costs ~3 s of boot; the host
# unpacks the ELF vmlinux in ~0.8 s and QEMU boots it through its PVH entry.
vmlinux_pid=
if [ "${NMVIRT_SANDBOX_VM_PVH:-1}" = 1 ] && [ -z "${NMVIRT_SANDBOX_VM_KERNEL:-}" ] &&
	grep -qx 'CONFIG_PVH=y' "/boot/config-$kver" 2>/dev/null; then
	(
		off=$(LC_ALL=C grep -obUaP -m1 '\xfd7zXZ\x00' "$kernel" | head -n 1 | cut -d: -f1)
		[ -n "$off" ] || exit 1
		tail -c +$((off + 1)) "$kernel" | xz -dc --single-stream >"$T/vmlinux" 2>/dev/null || exit 1
		[ "$(head -c 4 "$T/vmlinux")" = $'\x7fELF' ] || exit 1
	) &
	vmlinux_pid=$!
fi

d=$T/initramfs
mkdir -p "$d/bin" "$d/dev" "$d/proc" "$d/newroot" "$d/etc" "$d/lib/modules"
cp "$busybox" "$d/bin/busybox" || fail "cannot copy $busybox"
for a in sh mount umount insmod mkdir mkfifo ln sleep switch_root cat echo hostname ip; do
	ln -s busybox "$d/bin/$a"
done
mknod -m 600 "$d/dev/console" c 5 1
cp "$initramfs_init" "$d/init" && chmod 0755 "$d/init" || fail "cannot copy $initramfs_init"

# the modules and their dependencies, in load order: virtio and 9p for the
# root, virtio_console for the output ports, and what NetworkManager needs
mods=()
declare -A seen=()
while read -r verb path _; do
	[ "$verb" = insmod ] || continue
	[ -z "${seen[$path]-}" ] || continue
	seen[$path]=1
	mods+=("$path")
done < <(modprobe --show-depends -S "$kver" -a virtio_pci 9pnet_virtio 9p virtio_console \
	bonding 8021q veth bridge dummy 2>/dev/null)
[ ${#mods[@]} -gt 0 ] || fail "cannot resolve the modules of kernel $kver"
for m in "${mods[@]}"; do
	base=${m##*/}
	name=${base%%.ko*}.ko
	case $base in
	*.ko.xz)  xz -dc "$m" >"$d/lib/modules/$name" 2>/dev/null ||
			"$busybox" unxz -c "$m" >"$d/lib/modules/$name" ;;
	*.ko.zst) zstd -qdc "$m" >"$d/lib/modules/$name" ;;
	*.ko.gz)  gzip -dc "$m" >"$d/lib/modules/$name" ;;
	*)        cp "$m" "$d/lib/modules/$name" ;;
	esac || fail "cannot unpack $m"
	case $name in
	bonding.ko) echo "$name max_bonds=0" ;;   # no automatic bond0
	dummy.ko)   echo "$name numdummies=0" ;;  # no automatic dummy0
	*)          echo "$name" ;;
	esac
done >"$d/etc/nmvirt-vm.modules"

sq() { # single-quote for any POSIX shell
	local s=${1//\'/\'\\\'\'}
	printf "'%s'" "$s"
}

# writable shares: [guest path]=path for QEMU
cwd_phys=$(pwd -P) || fail "cannot resolve the working directory"
declare -A share_src=()
share_src[/tmp]=/tmp
share_src[/var/tmp]=/var/tmp
if [ "$cwd_phys" != / ]; then
	share_src[$cwd_phys]=.    # QEMU's own cwd: immune to mounts over the path
else
	vsay "vm: the working directory is /, which stays read-only"
fi
for s in ${NMVIRT_SANDBOX_VM_SHARE-}; do
	s=$(readlink -f -- "$s") && [ -d "$s" ] || fail "NMVIRT_SANDBOX_VM_SHARE: not a directory: $s"
	[ "$s" != / ] || fail "NMVIRT_SANDBOX_VM_SHARE: / cannot be shared writable"
	share_src[$s]=$s
done
qemu_args=()
{
	printf 'NMVIRT_VM_INIT=%s\n' "$(sq "$vm_init")"
	printf 'NMVIRT_VM_HOSTNAME=%s\n' "$(sq "$(uname -n)")"
	printf 'nmvirt_vm_shares() {\n'
	i=0
	# parents before children
	while IFS= read -r p; do
		[ -n "$p" ] || continue
		tag=nmvirt-rw$i
		i=$((i + 1))
		src=${share_src[$p]}
		# shellcheck disable=SC2054
		qemu_args+=(-fsdev "local,id=$tag,path=${src//,/,,},security_model=none,multidevs=remap"
			-device "virtio-9p-pci,fsdev=$tag,mount_tag=$tag")
		t=$(sq "/newroot$p")
		printf '\t[ -d %s ] || mkdir -p %s || return 1\n' "$t" "$t"
		# shellcheck disable=SC2016  # $opts is the initramfs' variable
		printf '\tmount -t 9p -o "$opts,cache=mmap" %s %s || return 1\n' "$tag" "$t"
	done < <(printf '%s\n' "${!share_src[@]}" | LC_ALL=C sort)
	printf '\treturn 0\n}\n'
} >"$d/etc/nmvirt-vm.conf"

(cd "$d" && find . | "$busybox" cpio -o -H newc 2>/dev/null) >"$T/initramfs.cpio" ||
	fail "cannot pack the initramfs"
rm -rf "$d"

boot=(-kernel "$kernel")
if [ -n "$vmlinux_pid" ]; then
	if wait "$vmlinux_pid"; then
		boot=(-kernel "$T/vmlinux")
	else
		vsay "vm: cannot unpack $kernel, booting the bzImage"
		rm -f "$T/vmlinux"
	fi
fi
vsay "vm: kernel $kver, ${boot[1]##*/} and initramfs ready in $(elapsed "$tb") s"

# --- what vm-init needs: ctl and env on the results share --------------------
{
	printf 'NMVIRT_VM_CWD=%q\n' "$cwd_phys"
	printf 'NMVIRT_VM_PWD=%q\n' "${PWD-}"
	printf 'NMVIRT_VM_INSIDE=%q\n' "$inside"
	printf 'NMVIRT_VM_CMD=('; printf ' %q' "$@"; printf ' )\n'
} >"$T/results/ctl"

env_pass() { # NAME: is it passed into the VM?
	case $1 in
	PATH | HOME | TERM | LANG | LANGUAGE | LC_* | TZ | USER | LOGNAME | SHELL | TMPDIR) return 0 ;;
	CI | MESON_* | G_* | NMVIRT_* | ASAN_* | UBSAN_* | LSAN_* | MSAN_* | TSAN_*) return 0 ;;
	MALLOC_PERTURB_ | MALLOC_CHECK_ | LD_LIBRARY_PATH) return 0 ;;
	esac
	local x
	for x in ${NMVIRT_SANDBOX_VM_ENV-}; do [ "$1" = "$x" ] && return 0; done
	return 1
}
{
	while IFS= read -r v; do
		env_pass "$v" || continue
		printf 'export %s=%q\n' "$v" "${!v}"
	done < <(compgen -e)
	printf 'export NMVIRT_SANDBOX_MODE=vm\n'
} >"$T/results/env"

# --- 4. output: virtio-serial ports -> fifos -> our stdout/stderr ------------
mkfifo "$T/out" "$T/err" || fail "cannot create fifos"
cat "$T/out" &
relay_out=$!
cat "$T/err" >&2 &
relay_err=$!
console=${NMVIRT_SANDBOX_VM_CONSOLE:-0}
if [ "$console" = 1 ]; then
	mkfifo "$T/console"
	console_log() { # each console line with the host time since QEMU started
		local l us
		while IFS= read -r l; do
			us=$(( ${EPOCHREALTIME/[.,]/} - ${tq/./} ))
			printf 'nmvirt-sandbox: vm console: +%d.%03d %s\n' \
				$((us / 1000000)) $((us / 1000 % 1000)) "${l%$'\r'}" >&2
		done
	}
	tq=${EPOCHREALTIME/,/.}
	console_log <"$T/console" &
	console_relay=$!
	serial=file:$T/console
	quiet=
else
	console_relay=
	serial=file:$T/console.log
	quiet="quiet"
fi

# shellcheck disable=SC2054  # the commas belong to QEMU's options
qemu_args+=(
	-fsdev "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap"
	-device "virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot"
	-fsdev "local,id=results,path=$T/results,security_model=none,multidevs=remap"
	-device "virtio-9p-pci,fsdev=results,mount_tag=nmvirt-results"
	-device virtio-serial-pci,id=vser
	-chardev "file,id=out,path=$T/out"
	-device "virtserialport,bus=vser.0,chardev=out,name=nmvirt.stdout"
	-chardev "file,id=err,path=$T/err"
	-device "virtserialport,bus=vser.0,chardev=err,name=nmvirt.stderr"
)

# --- run QEMU under the wall-clock limit -------------------------------------
[ "$console" = 1 ] || tq=${EPOCHREALTIME/,/.}
booted_watch=''
if [ "$verbose" = 1 ]; then
	# say when the VM's init starts, as it happens
	(
		while [ ! -e "$T/results/booted" ]; do sleep 0.05; done
		say "vm booted in $(elapsed "$tq" "$(stat -c %.9Y "$T/results/booted")") s (QEMU start to init on the host's root)"
	) &
	booted_watch=$!
fi
timeout -k 10 "$timeout_s" \
	"$qemu" -nodefaults -no-user-config -machine pc -accel tcg -cpu max \
	-smp "$cpus" -m "$mem" -display none -vga none -monitor none \
	-serial "$serial" -no-reboot \
	"${boot[@]}" -initrd "$T/initramfs.cpio" \
	-append "console=ttyS0 $quiet panic=-1 $cmdline_extra ${NMVIRT_SANDBOX_VM_APPEND-}" \
	"${qemu_args[@]}" </dev/null >"$T/qemu.log" 2>&1
qrc=$?
tend=${EPOCHREALTIME/,/.}

# the relays end when QEMU has closed the fifos; if QEMU never opened them,
# a short-lived writer lets them finish
for f in "$T/out" "$T/err" ${console_relay:+"$T/console"}; do
	exec 9<>"$f"
	exec 9>&-
done
wait "$relay_out" "$relay_err" $console_relay
[ -z "$booted_watch" ] || kill "$booted_watch" 2>/dev/null

mtime() { stat -c %.9Y "$T/results/$1" 2>/dev/null; }
if [ "$verbose" = 1 ]; then
	tstart=$(mtime cmd-start) tcmd=$(mtime cmd-end)
	[ -n "$tstart" ] && [ -n "$tcmd" ] &&
		say "vm: sandbox-inside.sh and CMD ran $(elapsed "$tstart" "$tcmd") s"
	[ -n "$tcmd" ] && say "vm: power-off took $(elapsed "$tcmd" "$tend") s"
	say "vm: total $(elapsed "$t0" "$tend") s wall"
fi

status=$(cat "$T/results/status" 2>/dev/null)
if [[ $status =~ ^[0-9]+$ ]]; then
	exit "$status"
fi

if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	say "the VM did not finish within NMVIRT_SANDBOX_VM_TIMEOUT=$timeout_s s and was killed"
	rc=124
else
	say "the VM stopped without reporting CMD's exit code (QEMU exit status $qrc)"
	rc=125
fi
[ -s "$T/results/error" ] && say "vm init: $(cat "$T/results/error")"
if [ -s "$T/qemu.log" ]; then
	say "QEMU said:"
	tail -n 20 "$T/qemu.log" >&2
fi
if [ "$console" != 1 ] && [ -s "$T/console.log" ]; then
	say "last lines of the VM console:"
	tr -d '\r' <"$T/console.log" | tail -n 30 >&2
fi
exit "$rc"
