#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# run.sh [BUILD_DIR] - the full-host test: a Debian 12 Xen host with systemd
# (image.sh, cached), booted under QEMU (TCG) with Xen 4.17 as
# tests/xen-system does, running xenlogd from the packages this tree builds.
# See README.md.
#
#   boot 1  stock     the host as Debian makes it; plain xl create; file list
#           install   apt install ./xenlogd_*.deb ./libxenlog0_*.deb, turned
#                     on as the README says, a guest in /etc/xen/auto
#   boot 2  service (1) streams (2) policy (4) flood (2) restart (3)
#           bound (2) security (6) onoff (5) libvirt (7: libvirtd with the
#           package's drop-in, guests of virsh define + virsh start)
#   boot 3  service (1, the second boot) upgrade (apt install of this build
#           repacked as the next version, mid-flood) initscript
#           (/etc/init.d/xenlogd with systemd's redirect bypassed, then the
#           unit again) purge (5)
# Each scenario is a file of this directory run in dom0 (over dom0-lib.sh) by
# the agent; its checks print ok:/FAIL:/skip: and FIGURE lines.  Ends with
# "N passed, N failed, N skipped"; a scenario the packages cannot run yet is
# skipped with the reason, never passed.
#
# Environment: XEN_HOST_DEBS (a dir with the .debs: skip building them),
# XEN_HOST_CACHE (image.sh's cache), XEN_HOST_SHARE (the 9p share and results,
# default BUILD_DIR/tests/out-xen-host), XEN_HOST_BOOT_TIMEOUT (600 s per boot),
# FLOOD's RESTART_AFTER (30 s) and FLOOD_REST (30 s), BW_INTERVAL_MS (20).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
START=$(date +%s)
XH_LOG=/dev/null

result() {
    local p f s
    p=$(grep -c '^ok: ' "$XH_LOG" 2>/dev/null) || p=0
    f=$(grep -c '^FAIL: ' "$XH_LOG" 2>/dev/null) || f=0
    s=$(grep -c '^skip: ' "$XH_LOG" 2>/dev/null) || s=0
    [ "$XH_LOG" != /dev/null ] || f=1
    echo "xen-host: ---- figures ----"
    grep '^FIGURE ' "$XH_LOG" 2>/dev/null | sed 's/^/xen-host: /'
    echo "xen-host: ---- failed and skipped ----"
    grep '^FAIL: \|^skip: ' "$XH_LOG" 2>/dev/null | sed 's/^/xen-host: /'
    echo "xen-host: $(( $(date +%s) - START )) s in all"
    echo "$p passed, $f failed, $s skipped"
    [ "$f" = 0 ]
    exit
}
die() { echo "xen-host: ERROR: $*"; echo "FAIL: run: $*" >> "$XH_LOG"; result; }

[ "$(id -u)" = 0 ] || { XH_LOG=/dev/null; echo "xen-host: must run as root"; result; }
BUILD=$(cd "${1:-$SRC}" && pwd) || die "no build dir ${1:-}"
XH_SHARE=${XEN_HOST_SHARE:-$BUILD/tests/out-xen-host}
case $XH_SHARE in *[,\ ]*) echo "xen-host: share path with a comma or space"; result ;; esac
rm -rf "$XH_SHARE"
mkdir -p "$XH_SHARE"/{xen-host,assets,bin,debs,out} || exit 1
XH_SHARE=$(cd "$XH_SHARE" && pwd)
XH_LOG=$XH_SHARE/results.txt
: > "$XH_LOG"
XH_CACHE=${XEN_HOST_CACHE:-/var/cache/xenlogd-xen-host}
XH_OVERLAY=$XH_SHARE.qcow2
. "$HERE/lib.sh"
trap 'xh_kill_qemu' EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- set-up
t=$(date +%s)
"$SRC/tests/xen-system/setup.sh" >&2 || die "tests/xen-system/setup.sh failed (guest assets)"
XEN_HOST_CACHE=$XH_CACHE "$HERE/image.sh" >&2 || die "image.sh failed (the host image)"
echo "FIGURE setup_s $(( $(date +%s) - t ))" >> "$XH_LOG"
XS_OUT=${XEN_SYSTEM_CACHE:-/var/cache/xenlogd-xen-system}/out
cp "$XS_OUT"/{vmlinuz,guest.cpio.gz,debugcon-flood.img,serial-flood.img} "$XH_SHARE/assets/"
cp "$HERE"/*.sh "$SRC/tests/xen-system/guests.sh" "$XH_SHARE/xen-host/"
# the test helpers are check_PROGRAMS: not made by a plain `make`
[ ! -f "$BUILD/Makefile" ] || make -C "$BUILD" -s check-programs >&2 || die "make check-programs in $BUILD"
for f in boundwatch linecheck; do
    [ -x "$BUILD/tests/tools/$f" ] || die "$BUILD/tests/tools/$f missing: build first"
    cp "$BUILD/tests/tools/$f" "$XH_SHARE/bin/"
done
sed 's/^/xen-host: image: /' "$XH_CACHE/manifest"

# ---------------------------------------------------------------- packages
NOPKG=
t=$(date +%s)
if [ -n "${XEN_HOST_DEBS:-}" ]; then
    cp "$XEN_HOST_DEBS"/*.deb "$XH_SHARE/debs/" || NOPKG="no .deb in XEN_HOST_DEBS=$XEN_HOST_DEBS"
else
    # The one package build of the test command (t-pkg-debs made them already
    # when nothing changed since; tests/lib/build-debs.sh says so and stops).
    if TOP_BUILDDIR=$BUILD "$SRC/tests/lib/build-debs.sh" > "$XH_SHARE/out/build-debs.log" 2>&1; then
        cp "$BUILD"/debs/*.deb "$XH_SHARE/debs/" || NOPKG="no .deb in $BUILD/debs"
    else
        NOPKG=$(tail -n 1 "$XH_SHARE/out/build-debs.log")
    fi
fi
if [ -z "$NOPKG" ]; then
    ls "$XH_SHARE"/debs/xenlogd_*.deb "$XH_SHARE"/debs/libxenlog0_*.deb > /dev/null 2>&1 ||
        NOPKG="no xenlogd_*.deb and libxenlog0_*.deb built"
fi
echo "FIGURE build_debs_s $(( $(date +%s) - t ))" >> "$XH_LOG"
[ -n "$NOPKG" ] || xh_repack_next "$XH_SHARE/debs" || {
    rm -rf "$XH_SHARE/debs/next"
    xh_say "the next version could not be repacked: the upgrade scenario skips"
}
[ -z "$NOPKG" ] && xh_say "packages: $(cd "$XH_SHARE/debs" && echo *.deb)" ||
    xh_say "no packages: $NOPKG"

BOOT2="service streams policy flood restart bound security onoff libvirt"
BOOT3="service upgrade initscript purge"
skip_rest() {   # skip_rest REASON SCENARIO...: those not run (nor skipped) yet, skipped
    local s why=$1; shift
    for s; do
        grep -q "^== $s \|^skip: $s: " "$XH_LOG" || xh_skip "$s" "$why"
    done
}

# ---------------------------------------------------------------- boot 1
rm -f "$XH_OVERLAY"
qemu-img create -q -f qcow2 -b "$XH_CACHE/root.ext4" -F raw "$XH_OVERLAY" || die "qemu-img create failed"
xh_boot 1 || die "boot 1: the host did not come up (console tail above)"
xh_step stock 600 || true
installed=
if [ -n "$NOPKG" ]; then
    xh_skip install "$NOPKG"
elif xh_step install 900; then
    installed=1
fi
xh_poweroff
if [ -z "$installed" ]; then
    skip_rest "${NOPKG:-the packages did not install (boot 1)}" $BOOT2 $BOOT3
    result
fi

# run_boot N SCENARIO...: boots the host (the Nth time) and runs the scenarios
# until one finds the host gone; then powers it off.
run_boot() {
    local n=$1 s
    shift
    if ! xh_boot "$n"; then
        echo "FAIL: boot $n: the host did not come up with xenlogd installed" >> "$XH_LOG"
        return
    fi
    for s in "$@"; do
        xh_step "$s" 900
        case $? in 124|125) break ;; esac     # no answer, or the host went away
    done
    xh_poweroff
}

# ---------------------------------------------------------------- boot 2
# shellcheck disable=SC2086  # word lists
run_boot 2 $BOOT2
skip_rest "not reached: boot 2 broke off" $BOOT2

# ---------------------------------------------------------------- boot 3
# shellcheck disable=SC2086
run_boot 3 $BOOT3
skip_rest "not reached: boot 3 broke off" $BOOT3
rm -f "$XH_OVERLAY"
result
