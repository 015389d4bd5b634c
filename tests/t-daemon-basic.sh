#!/bin/bash
# The protocol's main path: advertisement, ready, copy, rotation, the
# previous log becoming f.1, adoption after restart, drain on removal.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_store
xld_start

say "advertisement under /tool/xenlogd"
[ "$(xenstore-read /tool/xenlogd/run-dir)" = "$RUN" ] || fail "run-dir"
[ "$(xenstore-read /tool/xenlogd/log-dir)" = "$LOG" ] || fail "log-dir"
[ -n "$(xenstore-read /tool/xenlogd/version)" ] || fail "version"

say "a stream becomes ready and its file exists, mode 0640"
stream 0 1 "$LOG/basic.log" 4096 2
wait_state 0 1 ready
[ -f "$LOG/basic.log" ] || fail "no log file"
[ "$(stat -c %a "$LOG/basic.log")" = 640 ] || fail "mode $(stat -c %a "$LOG/basic.log")"

say "data reaches the file"
exec 3<>"$RUN/s.0.1.fifo"
echo "hello world" >&3
retry 10 grep -q "hello world" "$LOG/basic.log" || fail "data not copied"

say "rotation keeps limit*(copies+1) and the newest data, cut at newlines"
linegen 7 100000 0 0 >&3 2>"$T/gen.err"
last=$(awk '{print $2}' "$T/gen.err")
retry 10 sh -c "tail -n 1 '$LOG/basic.log' | grep -q 'N0*$last '" || fail "last line not in file"
for f in basic.log basic.log.1 basic.log.2; do
    s=$(stat -c %s "$LOG/$f")
    [ "$s" -le 4096 ] || fail "$f has $s bytes"
    [ "$(tail -c 1 "$LOG/$f" | od -An -c | tr -d ' ')" = '\n' ] || fail "$f does not end in a newline"
done
[ ! -e "$LOG/basic.log.3" ] || fail "basic.log.3 exists"
# hello world rotated out; the rest is consecutive lines ending with the last one.
joined "$LOG/basic.log" 2 | linecheck 7 >"$T/check" || fail "joined files: $(cat "$T/check")"
grep -q " last $last " "$T/check" || fail "last line: $(cat "$T/check")"

say "a new stream on an existing file rotates it first"
echo "previous boot" >"$LOG/old.log"
stream 0 2 "$LOG/old.log" 4096 3
wait_state 0 2 ready
grep -q "previous boot" "$LOG/old.log.1" || fail "old log not rotated to .1"
[ ! -s "$LOG/old.log" ] || fail "new file not empty"

say "a stream in a subdirectory of the log dir"
mkdir "$LOG/sub"
stream 5 1 "$LOG/sub/guest.log" 2048 1
wait_state 5 1 ready
exec 4<>"$RUN/s.5.1.fifo"
echo "in a subdirectory" >&4
retry 10 grep -q "in a subdirectory" "$LOG/sub/guest.log" || fail "subdir data"

say "removal drains the FIFO into the file"
# Stopped, the daemon sees the data and the removal in one wake-up.
kill -STOP "$XLD_PID"
echo "last words" >&4
xenstore-rm /libxl/5/logging/1
kill -CONT "$XLD_PID"
retry 10 grep -q "last words" "$LOG/sub/guest.log" || fail "not drained on removal"
[ "$(tail -n 1 "$LOG/sub/guest.log")" = "last words" ] || fail "the drained line is not the last"
retry 10 grep -q 'stream 5/1: finished' "$T/xenlogd.log" || fail "stream 5/1 not finished"
served 0 1 || fail "stream 0/1 not served any more"
! served 5 1 || fail "xenlogd still serves stream 5/1 after its removal"

say "after a restart a ready stream is adopted: appended, not rotated"
before=$(cat "$LOG/old.log.1")
xld_stop
exec 5<>"$RUN/s.0.2.fifo"
echo "while no daemon ran" >&5
xld_start
retry 10 grep -q "while no daemon ran" "$LOG/old.log" || fail "adopted stream lost data"
[ "$(cat "$LOG/old.log.1")" = "$before" ] || fail "adoption rotated"

say "clean exit removes the advertisement"
xld_stop
xenstore-read /tool/xenlogd/pid >/dev/null 2>&1 && fail "advertisement left behind"
[ "$(xenstore-read /libxl/0/logging/1/state)" = ready ] || fail "state changed on exit"
echo ok
