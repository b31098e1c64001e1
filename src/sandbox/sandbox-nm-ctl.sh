#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# nmvirt-sandbox-nm stop|start|restart|status: control the sandbox's
# NetworkManager (tests need "daemon down" and "daemon restarted"). Only
# the NetworkManager this sandbox started is ever signalled, by its PID.
set -euo pipefail
state=${NMVIRT_SANDBOX_STATE:-/run/nmvirt-sandbox}
pidfile=$state/NetworkManager.pid
log=$state/NetworkManager.log
nics=${NMVIRT_SANDBOX_NICS:-0}

running_pid() {
    local pid
    pid=$(cat "$pidfile" 2>/dev/null) || return 1
    [ -n "$pid" ] && [ -d "/proc/$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = NetworkManager ] &&
        echo "$pid"
}

# Whether the process we started is still there (a zombie is not): right
# after the fork it is still this script, not yet NetworkManager, so
# running_pid's name check would call a slow start an exit.
started_alive() {
    local pid stat
    pid=$(cat "$pidfile" 2>/dev/null) || return 1
    [ -n "$pid" ] && stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
    [[ ${stat##*) } != Z* ]]
}

# Ready: NetworkManager answers and manages every NIC.
wait_ready() {
    local deadline=$((SECONDS + ${NMVIRT_SANDBOX_NM_TIMEOUT:-60})) devices k
    while [ $SECONDS -lt $deadline ]; do
        if [ "$(nmcli -t -f RUNNING general 2>/dev/null)" = running ]; then
            # one nmcli call per round; matching in bash (process starts are
            # slow in the VM)
            devices=$'\n'$(nmcli -t -f DEVICE,STATE device 2>/dev/null || true)$'\n'
            for ((k = 0; k < nics; k++)); do
                [[ $devices == *$'\n'"eth$k:"* ]] || continue 2
                [[ $devices == *$'\n'"eth$k:unmanaged"* ]] && continue 2
            done
            return 0
        fi
        started_alive || { echo "nmvirt-sandbox-nm: NetworkManager exited; its log:" >&2; tail -n 20 "$log" >&2; return 1; }
        sleep 0.1
    done
    echo "nmvirt-sandbox-nm: NetworkManager not ready in time; its log:" >&2
    tail -n 20 "$log" >&2
    return 1
}

start() {
    if running_pid >/dev/null; then
        echo "nmvirt-sandbox-nm: NetworkManager is already running" >&2
        return 1
    fi
    NetworkManager --no-daemon >>"$log" 2>&1 </dev/null &
    echo $! >"$pidfile"
    wait_ready
}

stop() {
    local pid
    pid=$(running_pid) || { echo "nmvirt-sandbox-nm: NetworkManager is not running" >&2; return 1; }
    kill -TERM "$pid"
    for _ in $(seq 100); do
        [ -d "/proc/$pid" ] || { rm -f "$pidfile"; return 0; }
        sleep 0.1
    done
    kill -KILL "$pid"
    rm -f "$pidfile"
}

case ${1:-} in
start) start ;;
stop) stop ;;
restart) stop && start ;;
status) if pid=$(running_pid); then echo "running (pid $pid)"; else echo "stopped"; exit 3; fi ;;
*) echo "usage: nmvirt-sandbox-nm stop|start|restart|status" >&2; exit 2 ;;
esac
