#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A hung xenstored (SIGSTOP, as a wedged store is) never stops copying
# (issue 11.5, docs/protocol.md): no xenstore call is made on the copying
# thread. Two streams are written throughout an 8 s stop (four pings); the
# data keeps reaching the files at the writer's rate; the writers never block;
# the control socket answers.
# Once the store runs again, a new stream is set up as usual. SIGTERM with
# the store stopped: the daemon exits 0 within the 2 s it gives the store,
# and the next daemon adopts the streams.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_store
xld_start
stream 0 1 "$LOG/a.log" 104857600 1
stream 0 2 "$LOG/b.log" 104857600 1
wait_state 0 1 ready
wait_state 0 2 ready
T_PIDS+=("$XS_PID")
cont() { kill -CONT "$XS_PID" 2>/dev/null || true; }
trap 'rc=$?; cont; t_cleanup; exit $rc' EXIT

say "stop xenstored; write 2 x 8 s at 2,000 lines/s"
kill -STOP "$XS_PID"
stopped() { grep -q '^State:[[:space:]]*T' "/proc/$XS_PID/status"; }
retry 10 stopped || fail "xenstored did not stop"
linegen 7 2000000 2000 0 1<>"$RUN/s.0.1.fifo" 2>"$T/g1.err" & g1=$!
linegen 8 2000000 2000 0 1<>"$RUN/s.0.2.fifo" 2>"$T/g2.err" & g2=$!
T_PIDS+=($g1 $g2)
t0=$(date +%s.%N)
s0=$(( $(stat -c %s "$LOG/a.log") + $(stat -c %s "$LOG/b.log") ))
samples=()
for k in 1 2 3 4; do
    sleep 2
    samples+=($(( $(stat -c %s "$LOG/a.log") + $(stat -c %s "$LOG/b.log") )))
done
t1=$(date +%s.%N)
echo "bytes in the files every 2 s with the store stopped: ${samples[*]} (start $s0)"
prev=$s0
for v in "${samples[@]}"; do
    [ "$v" -gt "$prev" ] || fail "copying stopped while xenstored was stopped ($prev -> $v)"
    prev=$v
done
timeout 10 ctlraw "$RUN/xenlogd.sock" attach:0,1,100,0 >"$T/att" || fail "control socket: no answer"
head -n 1 "$T/att" | grep -q "^OK" || fail "control socket while the store is stopped: $(cat "$T/att")"
rate=$(awk -v b=$((prev - s0)) -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.0f", b / (t1 - t0) }')
echo "copying rate while the store was stopped: $rate B/s"
kill -0 "$XLD_PID" || fail "daemon died"
cont
wait $g1 || fail "writer 1"
wait $g2 || fail "writer 2"
for i in 1 2; do
    last=$(awk '{print $2}' "$T/g$i.err")
    retry 20 sh -c "tail -n 1 '$LOG/$( [ $i = 1 ] && echo a || echo b).log' | grep -q 'N0*$last '" ||
        fail "stream $i: last line missing"
done
linecheck 7 <"$LOG/a.log" || fail "stream 1 lost lines"
linecheck 8 <"$LOG/b.log" || fail "stream 2 lost lines"

say "the store runs again: a new stream gets ready"
stream 0 3 "$LOG/c.log" 65536 1
wait_state 0 3 ready 30

say "SIGTERM with the store stopped: the daemon exits 0 at once; the next one adopts"
kill -STOP "$XS_PID"
retry 10 stopped || fail "xenstored did not stop"
gone() { ! grep -q '^State:[[:space:]]*[^Z]' "/proc/$XLD_PID/status" 2>/dev/null; }
t0=$(date +%s%N)
kill -TERM "$XLD_PID"
retry 20 gone || fail "the daemon did not exit within 20 s of SIGTERM with the store stopped"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
rc=0; wait "$XLD_PID" || rc=$?
XLD_PID=
[ $rc = 0 ] || fail "the daemon exited $rc"
echo "exit after SIGTERM with the store stopped: $ms ms"
# At most 2 s for the store (docs/protocol.md); valgrind is slower.
[ -n "${XENLOGD_WRAP:-}" ] || [ "$ms" -le 3500 ] || fail "exit took $ms ms"
cont
xld_start
wait_state 0 1 ready
echo "after the store hung: adopted" 1<>"$RUN/s.0.1.fifo"
retry 10 grep -q "after the store hung: adopted" "$LOG/a.log" || fail "the next daemon did not adopt stream 1"
xld_stop
