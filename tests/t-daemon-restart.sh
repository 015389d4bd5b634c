#!/bin/bash
# SIGKILL the daemon three times while a writer floods its stream, start it
# again each time: it re-adopts the stream and nothing is lost or repeated
# (data leaves the FIFO only in the splice(2) that puts it in the file;
# linecheck counts a repeated line as a gap).
. "$TOP_SRCDIR/tests/lib/common.sh"
t_store
xld_start
LIMIT=33554432 COPIES=3    # room for all 64 MiB: any gap is a loss
stream 0 1 "$LOG/r.log" $LIMIT $COPIES
wait_state 0 1 ready
# The writer holds the FIFO O_RDWR (1<>): it blocks while no daemon reads.
linegen 5 67108864 0 0 1<>"$RUN/s.0.1.fifo" 2>"$T/gen.err" &
gen=$!; T_PIDS+=($gen)
for i in 1 2 3; do
    sleep 0.3
    xld_kill
    say "killed the daemon ($i); the writer waits"
    sleep 0.2
    xld_start
done
wait $gen || fail "writer failed (EPIPE?)"
last=$(awk '{print $2}' "$T/gen.err")
retry 30 sh -c "tail -n 1 '$LOG/r.log' | grep -q 'N0*$last '" ||
    fail "last line $last never arrived; daemon $(kill -0 "$XLD_PID" 2>/dev/null && echo alive || echo gone);" \
        "files: $(ls -l "$LOG" | tr '\n' ' '); last line: $(tail -c 100 "$LOG/r.log");" \
        "stats: $("$XENLOG" stats --json 0 2>&1 | tr -d '\n' | head -c 600)"
joined "$LOG/r.log" $COPIES | linecheck 5 --allow-gaps >"$T/check" || true
cat "$T/check"
lost=$(kv lost "$T/check")
echo "lost across 3 SIGKILLs: $lost lines"
grep -q "^first 0 last $last lines $((last + 1)) gaps 0 lost 0 bad 0" "$T/check" ||
    fail "lost, repeated or damaged data: $(cat "$T/check")"
[ "$(xenstore-read /libxl/0/logging/1/state)" = ready ] || fail "state"
xld_stop
