# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash  # sourced by dom0-run.sh after dom0-lib.sh
# 6. Backpressure: another `xenlog run` of 128 MiB of linegen; once it
# writes, xenlogd is stopped (SIGSTOP) for 3 s: the writer's wchar
# (/proc/PID/io) must not move for a whole second (it blocks in write(2) on
# the full FIFO, nothing is dropped), and after SIGCONT the kept lines are
# whole, consecutive and end with the writer's last.
step "6. backpressure: xenlogd stopped (SIGSTOP) for 3 s under a fast writer"
BP=$LOG/backpressure.log BP_BYTES=$((128 * 1048576))
"$B/xenlog" run 0 backpressure --limit "$FAST_LIMIT" --copies "$FAST_COPIES" -- \
    sh -c "exec linegen 4343 $BP_BYTES 2>$W/linegen-bp.err" &
BPRUN=$!
wchar() { sed -n 's/^wchar:[[:space:]]*//p' "/proc/$1/io" 2>/dev/null; }
lg=
for _ in $(seq 200); do
    # xenlog run's child execs linegen (sh -c exec): its child, found at
    # once; a scan of every process (xs_pgrep) only if not, since under TCG
    # one scan takes seconds and the writer is done in a few.
    lg=
    read -r lg _ < "/proc/$BPRUN/task/$BPRUN/children" 2>/dev/null || true
    [ -n "$lg" ] || lg=$(xs_pgrep "^linegen 4343 " | head -n 1)
    [ -n "$lg" ] && [ "$(wchar "$lg" || echo 0)" -gt 0 ] && break
    sleep 0.05
done
if [ -n "$lg" ] && kill -STOP "$XLD"; then
    sleep 2
    w1=$(wchar "$lg"); sleep 1; w2=$(wchar "$lg")
    kill -CONT "$XLD"
    echo "  writer $lg while xenlogd is stopped: wrote $w1 -> $w2 bytes"
    check "backpressure: with xenlogd stopped the writer blocks (nothing written in 1 s)" \
        [ -n "$w1" -a "$w1" = "$w2" ]
    fig backpressure_blocked_at_bytes "${w1:-0}"
else
    kill -CONT "$XLD" 2>/dev/null
    bad "backpressure: no writer to watch (did it finish before xenlogd was stopped?)"
fi
wait "$BPRUN"
r=$?
check "backpressure: xenlog run linegen exits 0 ($r)" [ $r = 0 ]
glast=$(field "$(cat "$W/linegen-bp.err")" last)
r=$(joined "$BP" "$FAST_COPIES" | linecheck 4343 2>"$W/linecheck-bp.err")
rc=$?
echo "  linecheck: $r"; sed 's/^/  /' "$W/linecheck-bp.err" | head -n 5
check "backpressure: the kept lines are whole, consecutive and end with the writer's last ($glast)" \
    [ $rc = 0 -a "$(field "$r" last)" = "$glast" ]
check "backpressure: no file over $FAST_LIMIT, at most $FAST_COPIES copies" kept_files_ok "$BP" "$FAST_LIMIT" "$FAST_COPIES"
