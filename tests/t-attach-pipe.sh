#!/bin/bash
# xenlog attach through a pipe (XLC_PIPE, docs/control.md): live bytes exact
# across rotations; a stopped reader is told what it missed, and where, while
# the file gets every byte and the writer is not held; the old DATA path for
# a client without the flag; the daemon's descriptors back once readers go;
# out of descriptors at pipe(): a clear error, nothing lost; the daemon
# killed under readers: they say so and exit, and do not spin.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_store
xld_start
written() { [ "$(stat_of 0 "$1" bytes_written)" = "$2" ]; }
# has_pipe PID: PID holds a pipe that this shell does not (not inherited).
pipes() { find "/proc/$1/fd" -lname 'pipe:*' -printf '%l\n' 2>/dev/null | sort -u; }
has_pipe() { comm -23 <(pipes "$1") <(pipes $$) | grep -q .; }
# check_gaps OUT WANT: OUT (stdout and stderr of one reader in one file) is
# WANT with gaps, each note exactly where its gap is and saying its size.
check_gaps() {
    python3 - "$1" "$2" <<'PY'
import re, sys
out = open(sys.argv[1], "rb").read()
want = open(sys.argv[2], "rb").read()
out = re.sub(rb"xenlog: stream 0/\d+ ended\n$", b"", out)
parts = re.split(rb"xenlog: reader too slow, (\d+) bytes skipped\n", out)
pos, gaps = 0, 0
for i, p in enumerate(parts):
    if i % 2:
        pos += int(p); gaps += 1
        continue
    if want[pos:pos + len(p)] != p:
        sys.exit(f"bytes differ in the run after {gaps} notes, at stream offset {pos}")
    pos += len(p)
if pos != len(want):
    sys.exit(f"runs and gaps add up to {pos}, written {len(want)}")
print(f"gaps {gaps} exact")
PY
}

say "live through the pipe, exact across rotations (64 KiB x2, 3 MB)"
stream 0 1 "$LOG/a.log" 65536 2
wait_state 0 1 ready
fd0=$(fd_count "$XLD_PID")
"$XENLOG" attach --bytes 0 0 1 >"$T/p1" 2>"$T/p1.err" &
rd=$!; T_PIDS+=($rd)
retry 20 readers_are 0 1 1 || fail "the reader did not attach"
retry 20 has_pipe $rd || fail "xenlog attach holds no pipe: $(ls -l /proc/$rd/fd)"
fd1=$(fd_count "$XLD_PID")
[ "$fd1" -eq $((fd0 + 2)) ] || fail "a pipe reader costs $((fd1 - fd0)) descriptors, not 2 (socket, pipe)"
linegen 31 3000000 20000 0 1<>"$RUN/s.0.1.fifo" 2>/dev/null || fail "writer"
linegen 31 3000000 0 0 >"$T/want1" 2>/dev/null
retry 20 written 1 "$(stat -c %s "$T/want1")" || fail "not all written"
rot=$(stat_of 0 1 rotations)
[ "$rot" -ge 10 ] || fail "only $rot rotations"
xenstore-rm /libxl/0/logging/1
wait $rd || fail "reader: $(cat "$T/p1.err")"
grep -q "too slow" "$T/p1.err" && fail "paced reader skipped: $(cat "$T/p1.err")"
cmp "$T/want1" "$T/p1" || fail "pipe reader: not the exact bytes"
grep -q "ended" "$T/p1.err" || fail "no end: $(cat "$T/p1.err")"
echo "pipe reader exact over $rot rotations"
retry 20 eval '[ "$(fd_count "$XLD_PID")" -le "$fd0" ]' ||
    fail "descriptors $(fd_count "$XLD_PID") after the reader, were $fd0"

say "the old path (--no-pipe: no XLC_PIPE flag): DATA messages, exact"
stream 0 2 "$LOG/b.log" 65536 2
wait_state 0 2 ready
fd0=$(fd_count "$XLD_PID")
"$XENLOG" attach --no-pipe --bytes 0 0 2 >"$T/d1" 2>"$T/d1.err" &
rd=$!; T_PIDS+=($rd)
retry 20 readers_are 0 2 1 || fail "the reader did not attach"
has_pipe $rd && fail "--no-pipe reader holds a pipe"
[ "$(fd_count "$XLD_PID")" -eq $((fd0 + 1)) ] || fail "a DATA reader costs more than its socket"
linegen 32 2000000 20000 0 1<>"$RUN/s.0.2.fifo" 2>/dev/null || fail "writer"
linegen 32 2000000 0 0 >"$T/want2" 2>/dev/null
retry 20 written 2 "$(stat -c %s "$T/want2")" || fail "not all written"
xenstore-rm /libxl/0/logging/2
wait $rd || fail "reader: $(cat "$T/d1.err")"
cmp "$T/want2" "$T/d1" || fail "DATA reader: not the exact bytes"
echo "DATA reader exact"
# A raw client with flags 1 sees DATA after LIVE, as before.
stream 0 3 "$LOG/c.log" 65536 2
wait_state 0 3 ready
( sleep 0.5; printf 'hello old client\n' >"$RUN/s.0.3.fifo" ) &
timeout 20 ctlraw "$RUN/xenlogd.sock" "attach:0,3,0,1" >"$T/raw" || true
sed -n 2,3p "$T/raw" | tr '\n' ' ' | grep -q "^LIVE DATA 17" || fail "old client: $(cat "$T/raw")"

say "a stopped reader: the file gets every byte, the writer is not held; the reader is told what it missed and where"
stream 0 4 "$LOG/s.log" 1048576 3
wait_state 0 4 ready
"$XENLOG" attach --bytes 0 0 4 >"$T/stop" 2>&1 &
rd=$!; T_PIDS+=($rd)
retry 20 readers_are 0 4 1 || fail "the reader did not attach"
kill -STOP $rd
timeout 60 linegen 41 8000000 0 0 1<>"$RUN/s.0.4.fifo" 2>"$T/g41a" ||
    fail "the writer was held by a stopped reader"
size=$(linegen 41 8000000 0 0 2>/dev/null | wc -c)
retry 20 written 4 "$size" || fail "file: $(stat_of 0 4 bytes_written) of $size bytes"
joined "$LOG/s.log" 3 | linecheck 41 >"$T/fcheck" || fail "files: $(cat "$T/fcheck")"
kill -CONT $rd
first=$(( $(kv last "$T/g41a") + 1 ))
linegen 41 2000000 20000 "$first" 1<>"$RUN/s.0.4.fifo" 2>/dev/null || fail "writer"
{ linegen 41 8000000 0 0; linegen 41 2000000 0 "$first"; } >"$T/want4" 2>/dev/null
retry 20 written 4 "$(stat -c %s "$T/want4")" || fail "not all written"
xenstore-rm /libxl/0/logging/4
wait $rd || fail "reader: $(tail -n 3 "$T/stop")"
grep -q "reader too slow, [0-9]* bytes skipped" "$T/stop" || fail "no SKIPPED note"
check_gaps "$T/stop" "$T/want4" || fail "the notes are not where the gaps are"

say "4 pipe readers: the daemon's descriptors back once they go"
stream 0 5 "$LOG/e.log" 65536 2
wait_state 0 5 ready
fd0=$(fd_count "$XLD_PID")
rds=()
for i in 1 2 3 4; do "$XENLOG" attach --bytes 0 0 5 >/dev/null 2>&1 & rds+=($!); T_PIDS+=($!); done
retry 20 readers_are 0 5 4 || fail "4 readers not attached"
linegen 51 500000 0 0 1<>"$RUN/s.0.5.fifo" 2>/dev/null
retry 20 eval '[ "$(fd_count "$XLD_PID")" -eq $((fd0 + 8)) ]' ||
    fail "4 pipe readers: $(fd_count "$XLD_PID") descriptors, $fd0 before"
kill "${rds[@]}"; wait "${rds[@]}" 2>/dev/null || true
retry 20 readers_are 0 5 0 || fail "readers did not go"
retry 20 eval '[ "$(fd_count "$XLD_PID")" -eq "$fd0" ]' ||
    fail "descriptors $(fd_count "$XLD_PID") after the readers went, were $fd0"
echo "descriptors: $fd0 -> $((fd0 + 8)) -> $fd0"
xld_stop

say "out of descriptors at pipe(): ERROR, the other readers lose nothing"
# Counted in /proc (a request to the daemon would take a descriptor too):
# readers attach while 3 are free; with 1 or 2 free, accept(2) works and
# pipe(2) cannot.
LIM=48
XENLOGD_WRAP="prlimit --nofile=$LIM:$LIM" xld_start
stream 0 6 "$LOG/f.log" 1048576 2
wait_state 0 6 ready
# Descriptors below the limit (one inherited from above it does not count).
fds_low() { ls "/proc/$XLD_PID/fd" | awk -v l=$LIM '$1 < l' | wc -l; }
fds_are() { [ "$(fds_low)" -eq "$1" ]; }
rds=()
while [ $((LIM - $(fds_low))) -ge 3 ]; do
    n=$(fds_low)
    "$XENLOG" attach --bytes 0 0 6 >"$T/r${#rds[@]}" 2>"$T/r${#rds[@]}.err" &
    rds+=($!); T_PIDS+=($!)
    retry 20 fds_are $((n + 2)) || fail "reader ${#rds[@]} did not attach: $(cat "$T/r$((${#rds[@]} - 1)).err")"
done
echo "${#rds[@]} readers, $(fds_low) of $LIM descriptors"
n=$(fds_low)
if timeout 20 "$XENLOG" attach --bytes 0 0 6 >/dev/null 2>"$T/refused.err"; then
    fail "a reader attached with $((LIM - n)) descriptors free"
fi
grep -q "daemon out of descriptors" "$T/refused.err" || fail "refused: $(cat "$T/refused.err")"
grep -q "cannot make a reader's pipe" "$T/xenlogd.log" || fail "not refused at pipe()"
retry 20 fds_are "$n" || fail "descriptors $(fds_low) after the refusal, $n before"
echo "refused: $(cat "$T/refused.err")"
linegen 61 1000000 20000 0 1<>"$RUN/s.0.6.fifo" 2>/dev/null || fail "writer"
linegen 61 1000000 0 0 >"$T/want6" 2>/dev/null
retry 20 written 6 "$(stat -c %s "$T/want6")" || fail "not all written"
kill "${rds[@]:1}"; wait "${rds[@]:1}" 2>/dev/null || true
retry 20 fds_are $((n - 2 * (${#rds[@]} - 1))) || fail "readers' descriptors not back"
"$XENLOG" attach --bytes 0 0 6 >/dev/null 2>"$T/again.err" &
again=$!; T_PIDS+=($again)
retry 20 readers_are 0 6 2 || fail "no reader attaches after the others went: $(cat "$T/again.err")"
xenstore-rm /libxl/0/logging/6
wait "${rds[0]}" || fail "first reader: $(cat "$T/r0.err")"
wait $again || fail "reader after: $(cat "$T/again.err")"
cmp "$T/want6" "$T/r0" || fail "the first reader lost bytes"
grep -q "too slow" "$T/r0.err" && fail "first reader skipped: $(cat "$T/r0.err")"
xld_stop

say "the daemon killed under readers: each says the connection is lost and exits non-zero"
xld_start
stream 0 7 "$LOG/k.log" 1048576 2
wait_state 0 7 ready
"$XENLOG" attach --bytes 0 0 7 >/dev/null 2>"$T/k1.err" &
k1=$!; T_PIDS+=($k1)
"$XENLOG" attach --no-pipe --bytes 0 0 7 >/dev/null 2>"$T/k2.err" &
k2=$!; T_PIDS+=($k2)
retry 20 readers_are 0 7 2 || fail "the readers did not attach"
echo "one line" 1<>"$RUN/s.0.7.fifo"
xld_kill
gone() { ! kill -0 "$1" 2>/dev/null; }
for k in "$k1 k1" "$k2 k2"; do
    retry 10 gone "${k% *}" || fail "${k#* }: still running 10 s after the daemon died" \
        "($(ps -o stat=,pcpu= -p "${k% *}"))"
    rc=0; wait "${k% *}" || rc=$?
    [ $rc -ne 0 ] || fail "${k#* }: exit 0 although the daemon died"
    grep -q "connection to xenlogd lost" "$T/${k#* }.err" || fail "${k#* }: $(cat "$T/${k#* }.err")"
    echo "${k#* }: exit $rc, $(cat "$T/${k#* }.err")"
done
