#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# dom0-run.sh - the xenlogd system test, run inside the xen-system dom0 by
# tests/xen-system/run.sh through boot.sh.  /host/bin (copied to dom0's
# memory first) holds xenlogd, xenlog, the libxl drop-in and the test tools
# (linegen, linecheck, boundwatch, echo.img); /host/lib holds libxenlog.so.0;
# /host/xen-system holds the harness (dom0-lib.sh) and the scenarios.
#
# Runs every scenarios/NN-NAME.sh in the order of NN, each as its own
# process over dom0-lib.sh (what one hands to a later one goes through
# put/get), then collects the logs.  A scenario that cannot go on (fatal)
# stops the run.  Prints "ok: ..." / "FAIL: ..." per check and
# "FIGURE NAME VALUE" lines; exits 0 only if no check failed.  See
# SYSTEM-TEST.md for what each scenario checks.
set -u
HERE=/host/xen-system
W=/tmp/system-test
rm -rf "$W"
mkdir -p "$W/state"
# Run from dom0's own memory, not from the 9p share: with the share first in
# PATH and LD_LIBRARY_PATH every command and library lookup is a 9p request,
# and dom0 was seen to hang for good with the HVM floods running.
cp -a /host/bin /host/lib "$W/" || { echo "FAIL: cannot copy /host/bin, /host/lib"; exit 1; }
cut -d' ' -f1 /proc/uptime >"$W/state/t_start"
. "$HERE/dom0-lib.sh"

finish() {
    step "end: collecting logs into $OUT"
    local f p
    for f in "$W"/proc/*.pid; do
        [ -e "$f" ] || continue
        p=$(basename "$f" .pid)
        [ "$p" = xenlogd ] || signal "$p" TERM
    done
    for d in $(xenstore-list /local/domain 2>/dev/null); do
        [ "$d" = 0 ] || timeout 60 xl destroy "$d" 2>/dev/null
    done
    mkdir -p "$OUT/logs"
    cp "$W"/*.log "$W"/*.txt "$OUT/" 2>/dev/null
    for p in "$LOG"/*.log* "$LOG"/console/*.log /etc/xen/*.cfg; do
        [ -f "$p" ] && tail -c 65536 "$p" > "$OUT/logs/$(basename "$p")"
    done
    ls -l "$LOG" "$LOG/console" "$RUN" > "$OUT/logs/ls.txt" 2>&1
    fig system_test_dom0_seconds "$(secs "$T_START" "$(now)")"
    local passed failed
    passed=$(grep -c '^ok$' "$W/results" 2>/dev/null) || passed=0
    failed=$(grep -c '^FAIL$' "$W/results" 2>/dev/null) || failed=0
    echo "dom0: $passed passed, $failed failed"
    [ "$failed" = 0 ]
    exit
}
trap 'bad "interrupted"; finish' INT TERM

for f in xenlogd xenlog xenlog-libxl-dropin.so linegen linecheck boundwatch echo.img; do
    [ -e "$B/$f" ] || { bad "/host/bin/$f missing"; finish; }
done
echo "Xen $(xl info 2>/dev/null | sed -n 's/^xen_version[[:space:]]*:[[:space:]]*//p'), dom0 $(uname -r), $(nproc) vCPU"
fig flood_seconds "$FLOOD"

for s in "$HERE"/scenarios/[0-9]*.sh; do
    # each scenario its own process; a status other than 0 is an exit of its own
    bash -c '. "$0"; . "$1"; exit 0' "$HERE/dom0-lib.sh" "$s"
    rc=$?
    if [ -e "$W/state/fatal" ]; then
        echo "== $(basename "$s" .sh) could not go on: the later scenarios are not run"
        break
    fi
    [ $rc = 0 ] || bad "$(basename "$s" .sh) ended with status $rc"
done
finish
