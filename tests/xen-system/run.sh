#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# run.sh [BUILD_DIR] - the xenlogd system test on a real Xen hypervisor.
#
# Boots Xen 4.17 + a Debian dom0 under QEMU (TCG; setup.sh prepares and
# caches everything, boot.sh boots) and runs dom0-run.sh there (the
# scenarios/NN-NAME.sh over dom0-lib.sh) with the project's binaries from BUILD_DIR (default: the source tree, an in-tree
# build; tests/all.sh passes its out-of-tree `build`).  See SYSTEM-TEST.md.
#
# Prints the dom0 script's log, its FIGURE lines again, and ends with the
# line "N passed, N failed"; exits non-zero on any failure (also when Xen or
# dom0 does not come up: boot.sh then prints the serial console's tail).
#
# Environment: FLOOD_SECONDS (60), FAST_BYTES (67108864), OUTAGE_SECONDS (2),
# SERIAL_CHARDEV (file) and the others of SYSTEM-TEST.md are passed to dom0;
# XEN_SYSTEM_TIMEOUT (whole boot, 900 s), XEN_SYSTEM_SHARE (the 9p share and
# results dir, default BUILD_DIR/tests/out-xen-system), XEN_SYSTEM_CACHE
# (setup.sh's cache), XEN_SYSTEM_VERBOSE=1 (console to stderr as it comes).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
START=$(date +%s)

result() {  # result PASSED FAILED: the closing line, and the exit status
    echo "xen-system: $(( $(date +%s) - START )) s"
    echo "$1 passed, $2 failed"
    [ "$2" = 0 ]
    exit
}
die() { echo "xen-system: ERROR: $*" >&2; result 0 1; }

[ "$(id -u)" = 0 ] || die "must run as root (setup.sh installs packages, QEMU boots Xen)"
BUILD=${1:-$SRC}
[ -d "$BUILD" ] || die "no build dir $BUILD"
BUILD=$(cd "$BUILD" && pwd)

# the real binary behind a libtool wrapper, if there is one
bin() {
    local d f
    d=$(dirname "$1"); f=$(basename "$1")
    if [ -x "$d/.libs/$f" ]; then echo "$d/.libs/$f"; else echo "$1"; fi
}
# the test helpers are check_PROGRAMS: not made by a plain `make`
[ ! -f "$BUILD/Makefile" ] || make -C "$BUILD" -s check-programs || die "make check-programs in $BUILD"
XENLOGD_BIN=$(bin "$BUILD/console/xenlogd")
XENLOG_BIN=$(bin "$BUILD/tools/xenlog")
DROPIN=$BUILD/libxl-glue/.libs/xenlog-libxl-dropin.so
LIBXENLOG=$BUILD/libxl-glue/.libs/libxenlog.so.0
for f in "$XENLOGD_BIN" "$XENLOG_BIN" "$DROPIN" "$LIBXENLOG" \
         "$BUILD/tests/tools/linegen" "$BUILD/tests/tools/linecheck" "$BUILD/tests/tools/boundwatch"; do
    [ -e "$f" ] || die "$f missing: build first (make in $BUILD)"
done
# an ELF, not a libtool wrapper script, must go into dom0
for f in "$XENLOGD_BIN" "$XENLOG_BIN"; do
    head -c 4 "$f" | grep -q ELF || die "$f is not an ELF program"
done

SHARE=${XEN_SYSTEM_SHARE:-$BUILD/tests/out-xen-system}
case $SHARE in *[,\ ]*) die "share path with a comma or space: $SHARE" ;; esac
rm -rf "$SHARE"
mkdir -p "$SHARE/bin" "$SHARE/lib" || die "cannot make $SHARE"
SHARE=$(cd "$SHARE" && pwd)
cp "$XENLOGD_BIN" "$SHARE/bin/xenlogd"
cp "$XENLOG_BIN" "$SHARE/bin/xenlog"
cp "$DROPIN" "$SHARE/bin/"
cp "$BUILD"/tests/tools/{linegen,linecheck,boundwatch} "$SHARE/bin/"
cp -L "$LIBXENLOG" "$SHARE/lib/"
# the harness and the scenarios (dom0-run.sh runs them from /host/xen-system)
mkdir -p "$SHARE/xen-system/scenarios"
cp "$HERE/dom0-lib.sh" "$SHARE/xen-system/"
cp "$HERE"/scenarios/[0-9]*.sh "$SHARE/xen-system/scenarios/"
# the echo guest of the console scenario (tests/console/echo.s, as t-console)
as --32 -o "$SHARE/echo.o" "$SRC/tests/console/echo.s" &&
    ld -m elf_i386 -Ttext 0x7c00 --oformat binary -e _start -o "$SHARE/bin/echo.img" "$SHARE/echo.o" ||
    die "cannot assemble tests/console/echo.s"
rm -f "$SHARE/echo.o"
truncate -s 1M "$SHARE/bin/echo.img"     # a plausible disk for SeaBIOS

echo "xen-system: build $BUILD, share $SHARE"
t=$(date +%s)
"$HERE/setup.sh" || die "setup.sh failed (packages or images)"
echo "xen-system: setup.sh took $(( $(date +%s) - t )) s"

libs=()
for f in "$SHARE"/bin/* "$SHARE"/lib/*; do libs+=(--libs-of "$f"); done
envs=()
for v in FLOOD_SECONDS FAST_BYTES OUTAGE_SECONDS KILL_BEFORE_END SER_LIMIT SER_COPIES \
         DBG_LIMIT DBG_COPIES HVM_CPUS SERIAL_CHARDEV FAST_LIMIT FAST_COPIES BW_INTERVAL_MS; do
    [ -z "${!v:-}" ] || envs+=(-e "$v=${!v}")
done
verbose=()
[ "${XEN_SYSTEM_VERBOSE:-0}" = 0 ] || verbose=(--verbose)

t=$(date +%s)
rc=0
LD_LIBRARY_PATH=$SHARE/lib "$HERE/boot.sh" --no-setup --share "$SHARE" "${libs[@]}" \
    --timeout "${XEN_SYSTEM_TIMEOUT:-900}" ${envs[@]+"${envs[@]}"} ${verbose[@]+"${verbose[@]}"} \
    "$HERE/dom0-run.sh" || rc=$?
echo "xen-system: boot.sh exit status $rc after $(( $(date +%s) - t )) s"

LOG=$SHARE/out/dom0-script.log
if [ -s "$LOG" ]; then
    echo "xen-system: ---- dom0 script log ($LOG) ----"
    cat "$LOG"
    echo "xen-system: ---- figures ----"
    grep '^FIGURE ' "$LOG" | sed 's/^/xen-system: /'
fi
case $rc in
125) echo "xen-system: ERROR: Xen or dom0 did not come up, or the run broke (console tail above)" ;;
124) echo "xen-system: ERROR: timeout" ;;
esac
passed=$(grep -c '^ok: ' "$LOG" 2>/dev/null) || passed=0
failed=$(grep -c '^FAIL: ' "$LOG" 2>/dev/null) || failed=0
# a run that broke without a FAIL line of its own still fails
[ "$rc" = 0 ] || [ "$failed" -gt 0 ] || failed=1
[ "$rc" != 0 ] || [ "$failed" = 0 ] || rc=1
result "$passed" "$failed"
