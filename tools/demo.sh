#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The demo (README): sets up what is needed on Debian 12, builds, starts a
# private real xenstored (dom0 only, tests/shim), xenlogd, and a real QEMU
# whose guest-driven trace output (megabytes a second) goes to stderr through
# `xenlog run` into a stream with limit 1 MiB and 3 copies. For DEMO_SECONDS
# (default 20) it shows the log files staying bounded, the live figures, and
# the last lines through `xenlog attach`; everything stops at the end.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
cd "$src"
SECS=${DEMO_SECONDS:-20}
LIMIT=1048576 COPIES=3

echo "== setting up (Debian packages, build)"
tests/install-deps.sh
[ -x configure ] || ./autogen.sh >/dev/null
mkdir -p build && cd build
[ -f Makefile ] || ../configure -q
make -j2 -s all check-programs   # the xenstored shim is a test program
cd "$src"
B=$src/build

export TEST_TMP; TEST_TMP=$(mktemp -d /tmp/xenlogd-demo.XXXXXX)
TOP_BUILDDIR=$B . tests/lib/env.sh
. tests/lib/common.sh
trap 'rc=$?; t_cleanup; echo "(files kept in $LOG)"; exit $rc' EXIT

echo "== a private xenstored (Debian's, dom0 only) and xenlogd"
t_store
xld_start
echo "   xenstore: $XENSTORED_PATH; xenlogd pid $XLD_PID; logs in $LOG"
xenstore-ls /tool/xenlogd | sed 's/^/   /'

echo "== QEMU (TCG, -d in_asm,exec,nochain) writes its stderr through a stream for $SECS s"
"$XENLOG" run 0 qemu-dm-demo --limit $LIMIT --copies $COPIES -- \
    timeout -s TERM "$SECS" qemu-system-x86_64 -nographic -no-reboot -nodefaults \
    -display none -machine accel=tcg -m 32 -d in_asm,exec,nochain &
qemu=$!
for ((i = 0; i + 6 < SECS; i += 4)); do
    sleep 4
    total=$(cat "$LOG"/qemu-dm-demo.log* 2>/dev/null | wc -c)
    echo "-- after $((i + 4)) s: $total bytes on disk (bound $((LIMIT * (COPIES + 1))))"
    ls -l "$LOG" | sed 's/^/   /'
    "$XENLOG" stats 0 | sed 's/^/   /'
done
echo "== while QEMU still runs: the last 5 lines, through xenlog attach"
"$XENLOG" attach --lines 5 --no-follow 0 qemu-dm-demo || true
wait $qemu || true
echo "== QEMU is gone; the stream was closed and the files remain:"
ls -l "$LOG" | sed 's/^/   /'
total=$(cat "$LOG"/qemu-dm-demo.log* | wc -c)
echo "   $total bytes on disk for a bound of $((LIMIT * (COPIES + 1)))"
[ "$total" -le $((LIMIT * (COPIES + 1))) ]
xld_stop
echo "demo done"
