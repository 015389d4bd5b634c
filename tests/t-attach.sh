#!/bin/bash
# xenlog attach: backlog then live, byte-exact; many readers; a reader that
# stops (a DATA reader, --no-pipe, as every console) is skipped ahead, slows
# nobody and costs the daemon no more than its 2 MiB queue; errors; another
# uid is refused.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_store
xld_start
BYTES=${ATTACH_BYTES:-268435456}
stream 0 1 "$LOG/a.log" 4096 2
wait_state 0 1 ready
exec 3<>"$RUN/s.0.1.fifo"
written() { [ "$(stat_of 0 "$1" bytes_written)" = "$2" ]; }

say "no-follow: exactly the last lines"
linegen 11 3000 0 0 >&3 2>"$T/g11"
retry 10 sh -c "tail -n 1 '$LOG/a.log' | grep -q 'N0*$(kv last "$T/g11") '" || fail "file lacks the last line"
"$XENLOG" attach --lines 3 --no-follow 0 1 >"$T/b3" || fail "attach --no-follow"
[ "$(cat "$T/b3")" = "$(tail -n 3 "$LOG/a.log")" ] || fail "backlog is not the last 3 lines"

say "the backlog reads back across the rotation boundary into f.1"
linegen 12 20000 0 0 >&3 2>"$T/g12"
retry 10 sh -c "tail -n 1 '$LOG/a.log' | grep -q 'N0*$(kv last "$T/g12") '" || fail "file lacks the last line"
size=$(stat -c %s "$LOG/a.log")
want=$((size + 1000))
"$XENLOG" attach --bytes $want --no-follow 0 1 >"$T/bb" || fail "attach --bytes"
cat "$LOG/a.log.1" "$LOG/a.log" | tail -c $want | cmp - "$T/bb" || fail "backlog across rotation differs"

say "backlog then live: consecutive lines, none twice, none missed"
before=$(stat_of 0 1 bytes_written)
linegen 13 400000 2000 0 >&3 2>"$T/g13" &
gen=$!; T_PIDS+=($gen)
# attach once the writer is under way (the backlog holds some of its lines)
started() { [ "$(stat_of 0 1 bytes_written)" -gt $((before + 10000)) ]; }
retry 20 started || fail "the writer did not start"
"$XENLOG" attach --lines 5 0 1 >"$T/live" 2>"$T/live.err" &
rd=$!; T_PIDS+=($rd)
wait $gen
last=$(kv last "$T/g13")
retry 10 sh -c "grep -q 'N0*$last ' '$T/live'" || fail "reader never saw line $last"
kill $rd; wait $rd 2>/dev/null || true
linecheck 13 <"$T/live" >"$T/check" || fail "reader output: $(cat "$T/check")"
grep -q " last $last " "$T/check" || fail "$(cat "$T/check")"
cat "$T/check"

say "16 readers while a writer floods $BYTES bytes; a 17th that never reads"
stream 0 2 "$LOG/flood.log" 1048576 3
wait_state 0 2 ready
rds=()
for i in $(seq 1 16); do
    "$XENLOG" attach --bytes 0 0 2 >"$T/r$i" 2>"$T/r$i.err" &
    rds+=($!); T_PIDS+=($!)
done
# the 17th takes DATA messages (--no-pipe, as every `xenlog console`): the
# daemon queues at most 2 MiB for it (docs/control.md), then skips it ahead
"$XENLOG" attach --no-pipe --bytes 0 0 2 >"$T/r17" 2>"$T/r17.err" &
r17=$!; T_PIDS+=($r17)
retry 20 readers_are 0 2 17 || fail "17 readers not attached: $("$XENLOG" stats 0)"
kill -STOP $r17
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$XLD_PID/status"; }
rss0=$(rss)
linegen 21 "$BYTES" 0 0 1<>"$RUN/s.0.2.fifo" 2>"$T/g21" || fail "writer"
rss1=$(rss)
echo "daemon RSS $rss0 KiB before the flood, $rss1 KiB after it, the 17th reader stopped"
# Under valgrind the figure is valgrind's own.
[ -n "${XENLOGD_WRAP:-}" ] || [ $((rss1 - rss0)) -le 6144 ] ||
    fail "the stopped DATA reader grew the daemon by $((rss1 - rss0)) KiB (its queue is 2 MiB)"
last=$(kv last "$T/g21")
retry 60 sh -c "tail -n 1 '$LOG/flood.log' | grep -q 'N0*$last '" || fail "file lacks the last line"
joined "$LOG/flood.log" 3 | linecheck 21 >"$T/fcheck" || fail "files: $(cat "$T/fcheck")"
xenstore-rm /libxl/0/logging/2          # the readers get the end of the stream
linegen 21 "$BYTES" 0 0 >"$T/want" 2>/dev/null
written=$(stat -c %s "$T/want")
exact=0
for i in $(seq 1 16); do
    wait ${rds[$((i - 1))]} || fail "reader $i: $(cat "$T/r$i.err")"
    got=$(stat -c %s "$T/r$i")
    skipped=$(sed -n 's/.*too slow, \([0-9]*\) bytes skipped.*/\1/p' "$T/r$i.err" |
        awk '{n += $1} END {print n + 0}')
    # Nothing is lost silently: what a reader got and what it was told it
    # missed add up to what was written.
    [ $((got + skipped)) -eq "$written" ] ||
        fail "reader $i: got $got + skipped $skipped != written $written"
    if [ "$skipped" = 0 ]; then
        # A reader that kept up saw exactly the bytes.
        cmp "$T/want" "$T/r$i" || fail "reader $i: bytes differ"
        exact=$((exact + 1))
    else
        # One that fell behind got runs of the stream, in order, cut only
        # where it was told of a skip (a cut line at each).
        linecheck 21 --allow-gaps <"$T/r$i" >"$T/c$i" 2>/dev/null || true
        nskip=$(grep -c 'too slow' "$T/r$i.err")
        gaps=$(kv gaps "$T/c$i") bad=$(kv bad "$T/c$i")
        [ "$bad" -le $((nskip + 1)) ] && [ "$gaps" -le "$nskip" ] ||
            fail "reader $i: $bad damaged lines, $gaps gaps for $nskip skips"
    fi
done
echo "16 readers: $exact kept up and saw every byte exactly; the rest were told what they missed"
kill -CONT $r17
wait $r17 || true
grep -q "reader too slow, [0-9]* bytes skipped" "$T/r17.err" || fail "17th reader: $(cat "$T/r17.err")"
echo "17th reader: $(head -n 1 "$T/r17.err")"

say "16 readers of a writer they can keep up with: every one sees exactly the bytes"
stream 0 4 "$LOG/paced.log" 65536 2
wait_state 0 4 ready
rds=()
for i in $(seq 1 16); do
    "$XENLOG" attach --bytes 0 0 4 >"$T/p$i" 2>"$T/p$i.err" &
    rds+=($!); T_PIDS+=($!)
done
retry 20 readers_are 0 4 16 || fail "16 readers not attached"
linegen 22 3000000 20000 0 1<>"$RUN/s.0.4.fifo" 2>/dev/null || fail "paced writer"
linegen 22 3000000 0 0 >"$T/p.want" 2>/dev/null
retry 20 written 4 "$(stat -c %s "$T/p.want")" || fail "stream 4: not all written"
xenstore-rm /libxl/0/logging/4
for i in $(seq 1 16); do
    wait ${rds[$((i - 1))]} || fail "reader $i"
    grep -q "too slow" "$T/p$i.err" && fail "reader $i: $(cat "$T/p$i.err")"
    cmp "$T/p.want" "$T/p$i" || fail "reader $i: not the exact bytes"
done
echo "16 paced readers: exact"

say "errors: no such stream; a stream removed while attached"
if "$XENLOG" attach --no-follow 0 99 2>"$T/e1"; then fail "attach to a missing stream succeeded"; fi
grep -q "no such stream" "$T/e1" || fail "$(cat "$T/e1")"
"$XENLOG" attach --bytes 0 0 1 >/dev/null 2>"$T/e2" &
rd=$!
retry 20 readers_are 0 1 1 || fail "the reader of stream 1 did not attach"
xenstore-rm /libxl/0/logging/1
wait $rd || fail "attach did not end cleanly when the stream went"
grep -q "ended" "$T/e2" || fail "$(cat "$T/e2")"

say "another uid is refused"
if ! command -v setpriv >/dev/null; then
    skip_part "no setpriv(1): another uid not tried"
elif [ "$(id -u)" != 0 ]; then
    skip_part "not root: another uid not tried"
else
    stream 0 3 "$LOG/u.log" 4096 1
    wait_state 0 3 ready
    if setpriv --reuid=65534 --regid=65534 --clear-groups "$XENLOG" attach --run-dir "$RUN" \
        --no-follow 0 3 2>"$T/u1"; then fail "uid 65534 attached"; fi
    cat "$T/u1"
    chmod 0777 "$RUN" "$T"; chmod 0666 "$RUN/xenlogd.sock"   # past the file mode: SO_PEERCRED
    if setpriv --reuid=65534 --regid=65534 --clear-groups "$XENLOG" attach --run-dir "$RUN" \
        --no-follow 0 3 2>"$T/u2"; then fail "uid 65534 attached"; fi
    grep -q "permission denied" "$T/u2" || fail "$(cat "$T/u2")"
fi
xld_stop
