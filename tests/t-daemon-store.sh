#!/bin/bash
# xenstored and the daemon: a second daemon on the same store refuses to
# start; when xenstored dies the streams go on copying; the daemon notices
# (libxenstore does not wake a watcher), reconnects to a new store,
# advertises itself again and finishes the streams the new store lacks.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_store
xld_start
stream 0 1 "$LOG/s.log" 1048576 1
wait_state 0 1 ready
exec 3<>"$RUN/s.0.1.fifo"

say "a second daemon on the same xenstore refuses to start"
mkdir -p "$T/run2" "$T/log2"
r=0
timeout 20 "$XENLOGD" --foreground --run-dir "$T/run2" --log-dir "$T/log2" 2>"$T/second.err" || r=$?
[ $r != 0 ] && [ $r != 124 ] || fail "second daemon: exit $r"
grep -q "another xenlogd (pid $XLD_PID)" "$T/second.err" || fail "$(cat "$T/second.err")"
advertised "$XLD_PID" || fail "the first daemon's advertisement was changed"

say "xenstored dies: the stream goes on"
kill -KILL "$XS_PID"; wait "$XS_PID" 2>/dev/null || true
unset "_XS_PIDS[$XS_DIR]"
echo "written while xenstored is dead" >&3
retry 10 grep -q "while xenstored is dead" "$LOG/s.log" || fail "stream stopped with xenstored"
retry 10 grep -q "connection lost" "$T/xenlogd.log" || fail "daemon did not notice"
kill -0 "$XLD_PID" || fail "daemon died"

say "a new xenstored: the daemon reconnects, advertises, finishes what is gone"
xs_start "$T/xs"
retry 20 advertised "$XLD_PID" || fail "not advertised again"
retry 10 grep -q "stream 0/1: finished" "$T/xenlogd.log" || fail "stream 0/1 not finished"
stream 0 2 "$LOG/new.log" 4096 1
wait_state 0 2 ready
exec 4<>"$RUN/s.0.2.fifo"
echo "after the new store" >&4
retry 10 grep -q "after the new store" "$LOG/new.log" || fail "new stream"
xld_stop
