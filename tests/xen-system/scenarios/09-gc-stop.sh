# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash  # sourced by dom0-run.sh after dom0-lib.sh
# 9. After every scenario: xenlogd (the one restarted in scenario 7) is
# alive and filtered and its seccomp filter refused nothing; `xenlog gc`
# unlinks the FIFOs of the destroyed domains once they are
# XENLOG_GC_MIN_AGE (10) s old; no stream FIFO and no device model is left;
# xenlogd exits cleanly on SIGTERM and removes /tool/xenlogd.
# Uses: pvq_fifo (scenario 1), dbg_fifo (scenario 2).
PVQ_FIFO=$(get pvq_fifo) DBG_FIFO=$(get dbg_fifo)
step "9. xenlogd still filtered; xenlog gc: FIFOs of the destroyed domains go once 10 s old; SIGTERM"
check "after every scenario, xenlogd (the restarted one) is alive and filtered" sandboxed
check "the seccomp filter refused nothing (no SIGSYS message in its log)" not_logged 'seccomp: system call'
for _ in $(seq 30); do
    "$B/xenlog" gc >"$W/gc.txt" 2>&1
    [ -e "$PVQ_FIFO" ] || [ -e "$DBG_FIFO" ] || break
    sleep 1
done
sed 's/^/  /' "$W/gc.txt"
check "xenlog gc unlinked pvq's FIFO $PVQ_FIFO" [ ! -e "$PVQ_FIFO" ]
check "xenlog gc unlinked hvm-dbg's FIFO $DBG_FIFO" [ ! -e "$DBG_FIFO" ]
left=$(ls "$RUN"/xenlog.*.fifo 2>/dev/null | wc -l)
check "no stream FIFO left in $RUN ($left)" [ "$left" = 0 ]
check "no device model left" [ -z "$(xs_pgrep '^/usr/libexec/xen-qemu-system-i386')" ]
stop_xenlogd; r=$?
check "xenlogd exits cleanly on SIGTERM ($r)" [ $r = 0 ]
check "xenlogd removed /tool/xenlogd" not advertised
