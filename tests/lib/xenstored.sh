# SPDX-License-Identifier: GPL-2.0-only
# Sourced by tests: private instances of Debian's C xenstored, dom0 only,
# running without Xen thanks to tests/shim/xsd-shim.so (see its README).
#
#   xs_start DIR [XENSTORED-ARGS...]
#       Starts xenstored (a child of this shell) with its socket, ring files
#       and log (xenstored.log) in DIR (created if missing), waits until
#       `xenstore-ls /` answers, and exports XENSTORED_PATH=DIR/socket and
#       XENSTORED_RUNDIR=DIR so that xenstore-* and xs_open() in any child
#       process use it.  Sets XS_PID and XS_DIR.  On failure prints the log
#       and returns non-zero.  Several stores may run at once; the last one
#       started (or chosen with xs_use) is the one exported.
#   xs_use DIR      exports the store of DIR (started by this shell).
#   xs_alive [DIR]  true if that store (default: the current one) still runs.
#   xs_stop [DIR]   stops the store of DIR, or all of this shell's stores;
#                   returns non-zero (and prints the log) if one had died.
#
# Environment: XSD_SHIM (the shim; default: $TOP_BUILDDIR/tests/shim/ or
# tests/shim/ next to this file), XSD_XENSTORED (the daemon; default:
# Debian's), XS_START_TIMEOUT (seconds, default 10).
# The exported variables are left pointing at a stopped store on purpose:
# clients then fail instead of falling back to a system xenstored.

# shellcheck disable=SC2034 # XS_PID and XS_DIR are for the caller
declare -gA _XS_PIDS=()
XS_PID=
XS_DIR=
_XS_LIBDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

_xs_shim() {
    local f
    if [ -n "${XSD_SHIM:-}" ]; then
        echo "$XSD_SHIM"
        return
    fi
    for f in ${TOP_BUILDDIR:+"$TOP_BUILDDIR/tests/shim/xsd-shim.so"} \
        "$_XS_LIBDIR/../shim/xsd-shim.so"; do
        [ ! -f "$f" ] || { echo "$f"; return; }
    done
    echo "$_XS_LIBDIR/../shim/xsd-shim.so"
}

# _xs_running PID: the process exists and is not a zombie.
_xs_running() {
    local state _x
    { read -r _x _x state _x </proc/"$1"/stat; } 2>/dev/null || return 1
    [ "$state" != Z ]
}

_xs_log() {
    echo "xenstored in $1 (log $1/xenstored.log):" >&2
    tail -n 30 "$1/xenstored.log" >&2 2>/dev/null || true
}

xs_use() {
    local dir
    dir=$(cd "$1" && pwd) || return 1
    [ -n "${_XS_PIDS[$dir]:-}" ] || { echo "xs_use: no store in $dir" >&2; return 1; }
    XS_DIR=$dir
    XS_PID=${_XS_PIDS[$dir]}
    export XENSTORED_PATH=$dir/socket XENSTORED_RUNDIR=$dir
}

xs_start() {
    local dir shim xsd pid n me=$BASHPID
    [ $# -ge 1 ] || { echo "usage: xs_start DIR [XENSTORED-ARGS...]" >&2; return 2; }
    mkdir -p "$1" && dir=$(cd "$1" && pwd) || return 1
    shift
    shim=$(_xs_shim)
    xsd=${XSD_XENSTORED:-/usr/lib/xen-4.17/bin/xenstored}
    [ -f "$shim" ] || { echo "xs_start: no shim $shim (run make)" >&2; return 1; }
    [ -x "$xsd" ] || { echo "xs_start: no xenstored $xsd" >&2; return 1; }
    [ ${#dir} -le 100 ] || { echo "xs_start: $dir too long for a socket path" >&2; return 1; }
    [ -z "${_XS_PIDS[$dir]:-}" ] || { echo "xs_start: a store runs in $dir" >&2; return 1; }
    rm -f "$dir/socket"

    env LD_PRELOAD="$shim" XSD_SHIM_DIR="$dir" XSD_SHIM_PARENT="$me" \
        XENSTORED_RUNDIR="$dir" XENSTORED_ROOTDIR="$dir" XENSTORED_PATH="$dir/socket" \
        "$xsd" -N "$@" </dev/null >"$dir/xenstored.log" 2>&1 &
    pid=$!
    _XS_PIDS[$dir]=$pid
    xs_use "$dir"

    n=$(( ${XS_START_TIMEOUT:-10} * 200 ))
    until [ -S "$dir/socket" ] && xenstore-ls / >/dev/null 2>&1; do
        if ! _xs_running "$pid" || [ $((n -= 1)) -le 0 ]; then
            echo "xs_start: xenstored did not come up" >&2
            kill -KILL "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
            unset "_XS_PIDS[$dir]"
            _xs_log "$dir"
            return 1
        fi
        sleep 0.005
    done
}

xs_alive() {
    local dir=${1:-$XS_DIR}
    [ -z "${1:-}" ] || dir=$(cd "$1" && pwd) || return 1
    [ -n "$dir" ] && [ -n "${_XS_PIDS[$dir]:-}" ] && _xs_running "${_XS_PIDS[$dir]}"
}

xs_stop() {
    local dir pid rc=0 st dirs
    if [ $# -gt 0 ]; then
        dirs=("$(cd "$1" && pwd)") || return 1
    else
        dirs=("${!_XS_PIDS[@]}")
    fi
    for dir in "${dirs[@]}"; do
        pid=${_XS_PIDS[$dir]:-}
        [ -n "$pid" ] || continue
        unset "_XS_PIDS[$dir]"
        if _xs_running "$pid"; then
            kill -KILL "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        else
            st=0
            wait "$pid" 2>/dev/null || st=$?
            echo "xs_stop: xenstored had died (status $st)" >&2
            _xs_log "$dir"
            rc=1
        fi
        [ "$dir" != "$XS_DIR" ] || XS_PID=
    done
    return $rc
}
