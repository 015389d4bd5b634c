#!/bin/bash
# Per-line timestamps (node `timestamp` = 1, docs/protocol.md "Timestamps"):
# every line of the files starts with an RFC 3339 UTC stamp with
# milliseconds; stripped of them, the lines are exactly what was written;
# a line that came in two writes has one stamp; stamps count toward the
# bound, which holds at every sampled moment; a bad value is refused.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_store
xld_start
STAMP='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z '
LIMIT=65536 COPIES=3
# stamped DOMID ID FILE LIMIT COPIES VALUE: stream() with `timestamp`, all
# nodes in one transaction.
stamped() {
    local fifo=$RUN/s.$1.$2.fifo
    [ -p "$fifo" ] || mkfifo -m 0600 "$fifo"
    xenstore-write -- "/libxl/$1/logging/$2/pipe" "$fifo" "/libxl/$1/logging/$2/file" "$3" \
        "/libxl/$1/logging/$2/limit" "$4" "/libxl/$1/logging/$2/copies" "$5" \
        "/libxl/$1/logging/$2/timestamp" "$6"
}

say "a flood through a stamped stream with a small limit"
stamped 0 1 "$LOG/st.log" $LIMIT $COPIES 1
wait_state 0 1 ready
boundwatch "$LOG" st.log $LIMIT $COPIES 2 >"$T/bound" 2>&1 &
bw=$!; T_PIDS+=($bw)
t0=$(date -u +%s)
linegen 7 $((8 << 20)) 0 0 1<>"$RUN/s.0.1.fifo" 2>"$T/gen.err" || fail "linegen failed"
last=$(awk '{print $2}' "$T/gen.err")
retry 30 sh -c "tail -n 1 '$LOG/st.log' | grep -q 'N0*$last '" || fail "last line never arrived"
t1=$(( $(date -u +%s) + 1 ))
kill -TERM $bw; wait $bw || fail "bound violated with stamps: $(cat "$T/bound")"
cat "$T/bound"
joined "$LOG/st.log" $COPIES >"$T/all"
lines=$(wc -l <"$T/all")
unstamped=$(grep -cEv "$STAMP" "$T/all" || true)
[ "$unstamped" = 0 ] || fail "$unstamped of $lines lines have no stamp: $(grep -Ev "$STAMP" "$T/all" | head -n 2)"
sed -E "s/$STAMP//" "$T/all" | linecheck 7 >"$T/check" || fail "stripped lines: $(cat "$T/check")"
cat "$T/check"
grep -q " last $last " "$T/check" || fail "files do not end with line $last"
# The stamps lie between the start and the end of the flood, in order.
cut -c1-23 "$T/all" | python3 -c '
import sys, datetime
t0, t1 = int(sys.argv[1]), int(sys.argv[2])
prev = None
for n, s in enumerate(sys.stdin):
    t = datetime.datetime.strptime(s.strip(), "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc).timestamp()
    if not (t0 - 1 <= t <= t1):
        sys.exit(f"line {n}: stamp {s.strip()} outside {t0}..{t1}")
    if prev is not None and t < prev:
        sys.exit(f"line {n}: stamp {s.strip()} goes back")
    prev = t
' "$t0" "$t1" || fail "stamps out of range or order"
total=$(joined "$LOG/st.log" $COPIES | wc -c)
[ "$total" -le $((LIMIT * (COPIES + 1))) ] || fail "$total bytes on disk, bound $((LIMIT * (COPIES + 1)))"
echo "stamped lines: $lines, bytes kept $total (bound $((LIMIT * (COPIES + 1))))"

say "a line written in two parts has one stamp"
stamped 0 2 "$LOG/two.log" $LIMIT $COPIES 1
wait_state 0 2 ready
exec 7<>"$RUN/s.0.2.fifo"
printf 'first half, ' >&7
retry 10 sh -c "[ \$(stat -c %s '$LOG/two.log') -gt 0 ]" || fail "first part never written"
printf 'second half\nnext line\n' >&7
retry 10 sh -c "grep -q 'next line' '$LOG/two.log'" || fail "second part never written"
exec 7>&-
[ "$(wc -l <"$LOG/two.log")" = 2 ] || fail "want 2 lines: $(cat -A "$LOG/two.log")"
grep -qE "${STAMP}first half, second half\$" "$LOG/two.log" || fail "split line: $(cat -A "$LOG/two.log")"
[ "$(grep -cE "$STAMP" "$LOG/two.log")" = 2 ] || fail "stamps: $(cat -A "$LOG/two.log")"

say "without the node, no stamps"
stream 0 3 "$LOG/plain.log" $LIMIT $COPIES
wait_state 0 3 ready
printf 'plain line\n' 1<>"$RUN/s.0.3.fifo"
retry 10 sh -c "grep -qx 'plain line' '$LOG/plain.log'" || fail "plain stream: $(cat -A "$LOG/plain.log")"

say "a line longer than the limit is cut, the rest goes on without a stamp"
stamped 0 4 "$LOG/long.log" 4096 2 1
wait_state 0 4 ready
python3 -c 'import sys; sys.stdout.write("x" * 10000 + "\nshort\n")' 1<>"$RUN/s.0.4.fifo"
retry 10 sh -c "grep -q short '$LOG/long.log'" || fail "short line never arrived"
for f in "$LOG/long.log" "$LOG/long.log.1" "$LOG/long.log.2"; do
    [ ! -f "$f" ] || [ "$(stat -c %s "$f")" -le 4096 ] || fail "$f over the limit"
done
tail -n 1 "$LOG/long.log" | grep -qE "${STAMP}short\$" || fail "short line: $(tail -c 80 "$LOG/long.log")"

say "a bad value is refused with a reason"
stamped 0 5 "$LOG/bad.log" $LIMIT $COPIES yes
wait_state 0 5 error
xenstore-read /libxl/0/logging/5/error | grep -q 'timestamp: not 0 or 1' ||
    fail "bad timestamp value: error is '$(xenstore-read /libxl/0/logging/5/error 2>&1)'"
xld_stop
