#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# --fifo-size: the buffer xenlogd asks for on every stream's FIFO (what a
# writer can put ahead before it blocks).  Default 1 MiB; 65536 when asked;
# bad values are refused with a usage error.  The size is read back with
# F_GETPIPE_SZ on the FIFO itself; then a writer blocks after about that
# many bytes while the daemon is stopped, and nothing is lost.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_store

pipe_size() {   # the buffer size of FIFO $1
    python3 -c 'import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_NONBLOCK)
print(fcntl.fcntl(fd, 1032))   # F_GETPIPE_SZ' "$1"
}

say "bad --fifo-size values: usage error, no daemon"
for bad in 0 4095 16777217 1k -5 ""; do
    r=0; "$XENLOGD" --foreground --run-dir "$RUN" --log-dir "$LOG" --fifo-size "$bad" \
        >"$T/bad.out" 2>&1 || r=$?
    [ $r = 2 ] || fail "--fifo-size '$bad': exit $r: $(cat "$T/bad.out")"
    grep -q 'fifo-size' "$T/bad.out" || fail "--fifo-size '$bad': $(cat "$T/bad.out")"
done

say "default: 1 MiB"
xld_start
stream 0 1 "$LOG/a.log" 1048576 1
wait_state 0 1 ready
[ "$(pipe_size "$RUN/s.0.1.fifo")" = 1048576 ] || fail "default FIFO size $(pipe_size "$RUN/s.0.1.fifo")"
xld_stop

say "--fifo-size 65536: new and adopted streams get it"
xld_start --fifo-size 65536
retry 20 grep -q "stream 0/1: adopted" "$T/xenlogd.log" || fail "stream 0/1 not adopted"
stream 0 2 "$LOG/b.log" 4194304 1
wait_state 0 2 ready
[ "$(pipe_size "$RUN/s.0.2.fifo")" = 65536 ] || fail "new stream: FIFO size $(pipe_size "$RUN/s.0.2.fifo")"
[ "$(pipe_size "$RUN/s.0.1.fifo")" = 65536 ] || fail "adopted stream: FIFO size $(pipe_size "$RUN/s.0.1.fifo")"

say "the daemon stopped: the writer fills 64 KiB and waits, then loses nothing"
kill -STOP "$XLD_PID"
linegen 7 1048576 1<>"$RUN/s.0.2.fifo" 2>"$T/gen.err" &
gen=$!; T_PIDS+=($gen)
retry 20 eval '[ "$(fifo_queued "$RUN/s.0.2.fifo")" = 65536 ]' ||
    { kill -CONT "$XLD_PID"; fail "FIFO holds $(fifo_queued "$RUN/s.0.2.fifo") bytes, want 65536"; }
sleep 0.5
kill -0 $gen 2>/dev/null || { kill -CONT "$XLD_PID"; fail "the writer did not wait (it finished)"; }
[ "$(fifo_queued "$RUN/s.0.2.fifo")" = 65536 ] || fail "FIFO holds $(fifo_queued "$RUN/s.0.2.fifo") bytes"
echo "   64 KiB in the FIFO, the writer waits"
kill -CONT "$XLD_PID"
wait $gen || fail "linegen failed"
last=$(awk '/^last/ { print $2 }' "$T/gen.err")
check() { r=$(joined "$LOG/b.log" 1 | linecheck 7 2>&1) && [ "$(echo "$r" | awk '{ print $4 }')" = "$last" ]; }
retry 20 check || fail "not every line up to $last arrived: $r"
echo "   $r"
xld_stop
echo ok
