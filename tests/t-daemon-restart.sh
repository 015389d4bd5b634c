#!/bin/bash
# SIGKILL the daemon three times while a writer floods its stream, start it
# again each time: it re-adopts the stream and nothing is lost or repeated
# (data leaves the FIFO only in the splice(2) that puts it in the file;
# linecheck counts a repeated line as a gap). A stamped stream (lines looked
# at, written with stamps, then taken) loses nothing either and repeats at
# most 256 KiB per kill.
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

say "a stamped stream: lines are looked at, written with stamps, then taken"
# A kill between the write and the take writes those lines again under the
# next daemon (docs/protocol.md "Timestamps"): nothing lost, at most 256 KiB
# of input repeated per kill.
STAMP='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z '
mkfifo -m 0600 "$RUN/s.0.2.fifo"
xenstore-write /libxl/0/logging/2/pipe "$RUN/s.0.2.fifo" /libxl/0/logging/2/file "$LOG/st.log" \
    /libxl/0/logging/2/limit $LIMIT /libxl/0/logging/2/copies $COPIES /libxl/0/logging/2/timestamp 1
wait_state 0 2 ready
SBYTES=16777216             # at 50,000 lines/s: about 3 s, the kills fall inside
linegen 6 $SBYTES 50000 0 1<>"$RUN/s.0.2.fifo" 2>"$T/gen6.err" &
gen=$!; T_PIDS+=($gen)
inside=0
for i in 1 2 3; do
    sleep 0.3
    ! kill -0 $gen 2>/dev/null || inside=$((inside + 1))
    xld_kill
    sleep 0.2
    xld_start
done
# (under valgrind a daemon takes long to start: the flood may end before the last)
[ $inside -ge 1 ] || fail "stamped: no kill fell inside the flood"
wait $gen || fail "stamped writer failed"
last=$(awk '{print $2}' "$T/gen6.err")
retry 30 sh -c "tail -n 1 '$LOG/st.log' | grep -q 'N0*$last '" || fail "stamped: last line $last never arrived"
joined "$LOG/st.log" $COPIES >"$T/st.all"
[ "$(grep -cEv "$STAMP" "$T/st.all" || true)" = 0 ] || fail "stamped: a line without its stamp"
sed -E "s/$STAMP//" "$T/st.all" | linecheck 6 --allow-repeats >"$T/scheck" || fail "stamped: $(cat "$T/scheck")"
cat "$T/scheck"
grep -q "^first 0 last $last lines [0-9]* gaps 0 lost 0 bad 0" "$T/scheck" || fail "stamped: $(cat "$T/scheck")"
rep=$(kv repeated "$T/scheck")
rep_bytes=$(( rep * SBYTES / (last + 1) ))
echo "stamped, 3 SIGKILLs ($inside inside the flood): 0 lines lost, $rep repeated (about $rep_bytes bytes; at most 3 x 262144)"
[ "$rep_bytes" -le $((3 * 262144)) ] || fail "stamped: $rep_bytes bytes repeated"
xld_stop
