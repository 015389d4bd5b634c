#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# boot.sh - boot Xen + dom0 under QEMU (TCG, no KVM needed), run a script in
# dom0, exit with its exit status.
#
# usage: boot.sh [options] SCRIPT
#   SCRIPT            run in dom0 (as /host/run-in-dom0.sh; bash and busybox
#                     are there; `. /usr/share/xen-system/guests.sh` for guests)
#   --share DIR       host dir mounted in dom0 at /host (9p); default: a new
#                     temporary dir.  Put project binaries there.  Results:
#                     DIR/out/ (rc, console.log, dom0-script.log, whatever the
#                     script writes to /host/out)
#   --timeout SECONDS whole run, default $XEN_SYSTEM_TIMEOUT or 600
#   -e NAME=VALUE     environment for SCRIPT (repeatable)
#   --extra DIR       files to add to dom0's root (appended initramfs overlay)
#   --libs-of FILE    add the shared libraries FILE needs (host ldd) to the
#                     overlay, for project binaries needing more than the base
#                     image has (repeatable)
#   --verbose         copy the console to stderr as it comes
#   --no-setup        don't run setup.sh first (it takes ~1 s when up to date)
# exit status: SCRIPT's; 124 on timeout; 125 when Xen/dom0 did not come up or
# the run broke before SCRIPT finished.  On failure the console tail is printed.
set -eu -o pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${XEN_SYSTEM_CACHE:-/var/cache/xenlogd-xen-system}
TIMEOUT=${XEN_SYSTEM_TIMEOUT:-600}
BOOT_TIMEOUT=${XEN_SYSTEM_BOOT_TIMEOUT:-240}   # until dom0's /init says "dom0 up"
QEMU_MEM=${XEN_SYSTEM_QEMU_MEM:-3072}
# sched=credit: with Xen 4.17's default credit2 the machine hangs for good
# after a while with HVM guests running under TCG (all pCPUs idle, dom0's vCPU
# runnable with negative credit, never picked again).
XEN_CMDLINE=${XEN_SYSTEM_XEN_CMDLINE:-"dom0_mem=1024M,max:1024M dom0_max_vcpus=1 sched=credit console=com1 com1=115200,8n1 noreboot"}
DOM0_CMDLINE=${XEN_SYSTEM_DOM0_CMDLINE:-"console=hvc0 earlyprintk=xen rdinit=/init"}

die() { echo "boot.sh: ERROR: $*" >&2; exit 125; }
usage() { sed -n '4,27p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

SHARE= SCRIPT= VERBOSE= SETUP=1
ENVS=() EXTRAS=() LIBSOF=()
while [ $# -gt 0 ]; do
    case $1 in
        --share) SHARE=$2; shift 2 ;;
        --timeout) TIMEOUT=$2; shift 2 ;;
        -e) ENVS+=("$2"); shift 2 ;;
        --extra) EXTRAS+=("$2"); shift 2 ;;
        --libs-of) LIBSOF+=("$2"); shift 2 ;;
        --verbose) VERBOSE=1; shift ;;
        --no-setup) SETUP=; shift ;;
        -h|--help) usage ;;
        -*) echo "boot.sh: unknown option $1" >&2; usage ;;
        *) [ -z "$SCRIPT" ] || usage; SCRIPT=$1; shift ;;
    esac
done
[ -n "$SCRIPT" ] || usage
[ -f "$SCRIPT" ] || die "no script $SCRIPT"

if [ -n "$SETUP" ]; then
    "$HERE/setup.sh" || die "setup.sh failed"
fi
OUTS="$CACHE/out"
for f in xen vmlinuz dom0.cpio.gz; do
    [ -s "$OUTS/$f" ] || die "$OUTS/$f missing: run setup.sh"
done

[ -n "$SHARE" ] || SHARE=$(mktemp -d /tmp/xen-system.XXXXXX)
mkdir -p "$SHARE"
SHARE=$(cd "$SHARE" && pwd)
OUT="$SHARE/out"
rm -rf "$OUT"
mkdir -p "$OUT"
if [ "$(readlink -f "$SCRIPT")" != "$SHARE/run-in-dom0.sh" ]; then
    install -m 755 "$SCRIPT" "$SHARE/run-in-dom0.sh"
fi
: > "$SHARE/env.sh"
for e in ${ENVS[@]+"${ENVS[@]}"}; do
    case $e in *=*) ;; *) die "-e wants NAME=VALUE, got $e" ;; esac
    printf '%s=%q\n' "${e%%=*}" "${e#*=}" >> "$SHARE/env.sh"
done

# The initramfs: the base one, plus an overlay cpio when asked for.
WORK=$(mktemp -d /tmp/xen-system-boot.XXXXXX)
QPID=
cleanup() {
    [ -z "$QPID" ] || kill "$QPID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
INITRD="$OUTS/dom0.cpio.gz"
if [ ${#EXTRAS[@]} -gt 0 ] || [ ${#LIBSOF[@]} -gt 0 ]; then
    O="$WORK/overlay"
    mkdir -p "$O"
    for d in ${EXTRAS[@]+"${EXTRAS[@]}"}; do cp -a "$d/." "$O/"; done
    for f in ${LIBSOF[@]+"${LIBSOF[@]}"}; do
        ldd "$f" | grep -q 'not found' && { ldd "$f" >&2; die "$f: libraries missing on the host"; }
        for lib in $(ldd "$f" | awk '/=>/ && $3 ~ /^\// {print $3}'); do
            dst=/usr/lib/x86_64-linux-gnu/$(basename "$lib")
            mkdir -p "$O/usr/lib/x86_64-linux-gnu"
            [ -e "$O$dst" ] || cp -L "$lib" "$O$dst"
        done
    done
    (cd "$O" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
        gzip -1 > "$WORK/overlay.cpio.gz"
    cat "$OUTS/dom0.cpio.gz" "$WORK/overlay.cpio.gz" > "$WORK/dom0.cpio.gz"
    INITRD="$WORK/dom0.cpio.gz"
fi
for p in "$OUTS/vmlinuz" "$INITRD"; do
    case $p in *[,\ ]*) die "path with a comma or space cannot go to qemu -initrd: $p" ;; esac
done

CONSOLE="$OUT/console.log"
# Unix sockets for a live look: serial.sock is Xen's console (Ctrl-A three
# times switches input to Xen: debug keys, e.g. 'q' 'r' 'd'), monitor.sock
# QEMU's monitor ("info cpus", "info registers").  Removed at exit.
SOCKS=$WORK
: > "$CONSOLE"
START=$(date +%s)
echo "boot.sh: serial console socket $SOCKS/serial.sock, QEMU monitor $SOCKS/monitor.sock" >&2
echo "boot.sh: booting Xen ($(sed -n 's/^XEN_VERSION=//p' "$OUTS/manifest")) + dom0, share $SHARE, timeout ${TIMEOUT}s" >&2
# -cpu: qemu64 + npt gives Xen SVM with nested paging under TCG (HVM guests);
# "-cpu max" crashes dom0.
qemu-system-x86_64 -accel tcg -cpu qemu64,+npt -m "$QEMU_MEM" -smp 2 \
    -nodefaults -no-user-config -display none -vga none -no-reboot \
    -chardev socket,id=con,path="$SOCKS/serial.sock",server=on,wait=off,logfile="$CONSOLE" \
    -serial chardev:con \
    -chardev socket,id=mon,path="$SOCKS/monitor.sock",server=on,wait=off -mon chardev=mon,mode=readline \
    -kernel "$OUTS/xen" -append "$XEN_CMDLINE" \
    -initrd "$OUTS/vmlinuz $DOM0_CMDLINE,$INITRD" \
    -virtfs local,path="$SHARE",mount_tag=host,security_model=none,id=host \
    > "$OUT/qemu.log" 2>&1 &
QPID=$!
if [ -n "$VERBOSE" ]; then
    tail -n +1 -f --pid="$QPID" "$CONSOLE" | tr -d '\r' >&2 &
fi

since() { echo $(( $(date +%s) - START )); }
seen() { grep -q "$1" "$CONSOLE"; }
T_INIT= T_UP= T_DONE= WHY=
while kill -0 "$QPID" 2>/dev/null; do
    sleep 0.5
    [ -n "$T_INIT" ] || ! seen 'XEN-SYSTEM: dom0 init start' || T_INIT=$(since)
    [ -n "$T_UP" ] || ! seen 'XEN-SYSTEM: dom0 up' || T_UP=$(since)
    if [ -z "$T_DONE" ] && seen 'XEN-SYSTEM: powering off'; then T_DONE=$(since); fi
    if seen 'XEN-SYSTEM: FATAL\|Panic on CPU\|Kernel panic\|Dom0 crashed'; then
        sleep 2; WHY="crash/fatal error on the console"; break
    fi
    if [ -z "$T_UP" ] && [ "$(since)" -ge "$BOOT_TIMEOUT" ]; then
        WHY="Xen/dom0 did not come up within ${BOOT_TIMEOUT}s"; break
    fi
    if [ "$(since)" -ge "$TIMEOUT" ]; then WHY=timeout; break; fi
    # Xen may halt instead of powering the machine off: don't wait for ever
    if [ -n "$T_DONE" ] && [ $(( $(since) - T_DONE )) -ge 20 ]; then break; fi
done
kill "$QPID" 2>/dev/null || true
wait "$QPID" 2>/dev/null || true
QPID=

echo "boot.sh: dom0 /init after ${T_INIT:--}s, dom0 up after ${T_UP:--}s, finished after ${T_DONE:--}s, QEMU gone after $(since)s" >&2
tail_console() {
    echo "boot.sh: ---- console tail ($CONSOLE) ----" >&2
    tail -n "${XEN_SYSTEM_TAIL:-60}" "$CONSOLE" | tr -d '\r' >&2
    if [ -s "$OUT/qemu.log" ]; then
        echo "boot.sh: ---- qemu output ----" >&2; tail -n 20 "$OUT/qemu.log" >&2
    fi
    echo "boot.sh: ---- end ----" >&2
}
if [ -z "$T_INIT" ]; then
    tail_console; die "${WHY:-QEMU exited}: dom0 /init never ran (Xen or dom0 kernel failed)"
fi
if [ -z "$T_UP" ]; then
    tail_console; die "${WHY:-QEMU exited}: dom0 did not come up (toolstack start failed)"
fi
if [ ! -s "$OUT/rc" ]; then
    tail_console
    if [ "$WHY" = timeout ]; then
        echo "boot.sh: ERROR: timeout after ${TIMEOUT}s" >&2; exit 124
    fi
    die "${WHY:-QEMU exited}: the script did not finish (no $OUT/rc)"
fi
RC=$(cat "$OUT/rc")
if [ "$RC" != 0 ]; then
    echo "boot.sh: ---- tail of the script's output ($OUT/dom0-script.log) ----" >&2
    tail -n "${XEN_SYSTEM_TAIL:-60}" "$OUT/dom0-script.log" | tr -d '\r' >&2
    echo "boot.sh: ---- end (whole console: $CONSOLE) ----" >&2
    echo "boot.sh: script exit status $RC" >&2
fi
exit "$RC"
