#!/bin/bash
# tail --follow=name on the log file across many rotations sees every line.
# GNU tail 9.1 reopens by name about once a second (-s), so when rotations
# come faster than it looks it can miss whole files; we rotate at a rate it
# can follow (about 4 a second) and check every line.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_store
xld_start
LIMIT=4096 COPIES=2
stream 0 1 "$LOG/t.log" $LIMIT $COPIES
wait_state 0 1 ready
tail -n +1 -s 0.05 --follow=name --retry "$LOG/t.log" >"$T/seen" 2>"$T/tail.err" &
tp=$!; T_PIDS+=($tp)
following() { [ "$(readlink "/proc/$tp/fd/"* 2>/dev/null | grep -c "^$LOG/t.log$")" -ge 1 ]; }
retry 10 following || fail "tail did not open $LOG/t.log"
# ~100-byte lines at 150 a second: a rotation about every 0.3 s, 40 in all.
linegen 9 160000 150 0 1<>"$RUN/s.0.1.fifo" 2>"$T/gen.err" || fail "linegen"
last=$(awk '{print $2}' "$T/gen.err")
retry 20 sh -c "grep -q 'N0*$last ' '$T/seen'" || fail "tail never saw line $last"
kill $tp; wait $tp 2>/dev/null || true
linecheck 9 <"$T/seen" >"$T/check" || fail "tail missed lines: $(cat "$T/check")"
cat "$T/check"
grep -q "^first 0 last $last " "$T/check" || fail "not all lines: $(cat "$T/check")"
rot=$(stat_of 0 1 rotations)
echo "tail followed $rot rotations (it noticed $(grep -c 'has been replaced' "$T/tail.err" || true))"
[ "$rot" -ge 10 ] || fail "only $rot rotations"
xld_stop
