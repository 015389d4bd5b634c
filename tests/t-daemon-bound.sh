#!/bin/bash
# 256 MiB of seeded numbered lines through one stream with a small limit:
# the files joined in order end with the last line written, with no gap, no
# duplicate and no torn line; the bound holds at every sampled moment. With
# copies 0 the file is removed and made anew at the limit, never an f.1.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_store
xld_start
BYTES=${BOUND_BYTES:-268435456}
LIMIT=1048576 COPIES=3
stream 0 1 "$LOG/flood.log" $LIMIT $COPIES
wait_state 0 1 ready

boundwatch "$LOG" flood.log $LIMIT $COPIES 2 >"$T/bound" 2>&1 &
bw=$!; T_PIDS+=($bw)
start=$(date +%s.%N)
linegen 42 "$BYTES" 0 0 1<>"$RUN/s.0.1.fifo" 2>"$T/gen.err" || fail "linegen failed"
last=$(awk '{print $2}' "$T/gen.err")
retry 30 sh -c "tail -n 1 '$LOG/flood.log' | grep -q 'N0*$last '" || fail "last line never arrived"
end=$(date +%s.%N)
kill -TERM $bw; wait $bw || fail "bound violated: $(cat "$T/bound")"
cat "$T/bound"
samples=$(kv samples "$T/bound")
[ "$samples" -ge 20 ] || fail "too few consistent samples: $(cat "$T/bound")"

joined "$LOG/flood.log" $COPIES | linecheck 42 >"$T/check" || fail "$(cat "$T/check")"
cat "$T/check"
grep -q " last $last " "$T/check" || fail "files do not end with line $last"
total=$(joined "$LOG/flood.log" $COPIES | wc -c)
[ "$total" -gt $((LIMIT * COPIES)) ] || fail "only $total bytes kept"
[ "$total" -le $((LIMIT * (COPIES + 1))) ] || fail "$total bytes on disk"
rot=$(( BYTES / LIMIT ))
echo "moved $BYTES bytes in $(awk "BEGIN{print $end - $start}") s, about $rot rotations; kept $total bytes"

say "copies 0: at the limit f is removed and made anew; there is never an f.1"
stream 0 2 "$LOG/zero.log" 4096 0
wait_state 0 2 ready
boundwatch "$LOG" zero.log 4096 0 1 >"$T/bound0" 2>&1 &
bw=$!; T_PIDS+=($bw)
( while :; do [ ! -e "$LOG/zero.log.1" ] || { echo "zero.log.1 seen"; exit 1; }; done ) &
nf1=$!; T_PIDS+=($nf1)
linegen 43 2000000 0 0 1<>"$RUN/s.0.2.fifo" 2>"$T/gen0.err" || fail "linegen failed"
last=$(awk '{print $2}' "$T/gen0.err")
retry 30 sh -c "tail -n 1 '$LOG/zero.log' | grep -q 'N0*$last '" || fail "last line never arrived"
kill -TERM $bw; wait $bw || fail "bound violated: $(cat "$T/bound0")"
kill -0 $nf1 2>/dev/null || fail "an f.1 appeared with copies 0"
kill $nf1; wait $nf1 2>/dev/null || true
[ ! -e "$LOG/zero.log.1" ] || fail "zero.log.1 exists"
linecheck 43 <"$LOG/zero.log" >"$T/check0" || fail "$(cat "$T/check0")"
grep -q " last $last .* gaps 0 " "$T/check0" || fail "zero.log: $(cat "$T/check0")"
rot=$(stat_of 0 2 rotations)
[ "$rot" -ge 400 ] || fail "only $rot rotations of 2000000 bytes at 4096"
echo "copies 0: $rot rotations, never an f.1; $(cat "$T/bound0"); the file: $(cat "$T/check0")"
xld_stop
