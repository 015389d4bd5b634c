#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Signals and neighbours (xenlogd(8) SIGNALS): SIGHUP reopens the log files
# (logrotate's `create` habit); a file moved away behind the daemon's back is
# noticed once data flows (at most a second later) and made anew; no signal an admin might send kills the daemon; a
# second daemon (another run dir, or the same one) touches nothing of a live
# daemon's and the live one still answers.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_store

has() { grep -q "$2" "$1" 2>/dev/null; }

xld_start
stream 0 1 "$LOG/s.log" 1048576 2
wait_state 0 1 ready
exec 3<>"$RUN/s.0.1.fifo"

say "SIGHUP reopens: mv the live file, SIGHUP, the next line goes to a new file"
echo "line A" >&3
retry 10 has "$LOG/s.log" "line A" || fail "line A not written"
mv "$LOG/s.log" "$LOG/s.log.rotated"
kill -HUP "$XLD_PID"
retry 10 test -f "$LOG/s.log" || fail "no new file after SIGHUP"
echo "line B" >&3
retry 10 has "$LOG/s.log" "line B" || fail "line B not in the new file"
has "$LOG/s.log.rotated" "line B" && fail "line B went to the moved file"
has "$LOG/s.log.rotated" "line A" || fail "line A lost"
retry 10 grep -q "stream 0/1: reopened $LOG/s.log (SIGHUP)" "$T/xenlogd.log" || fail "not logged"

say "an external mv with no signal is noticed once data flows; so is a removal"
# feed TAG FILE: lines TAG0, TAG1, ... (one each 0.1 s, the writer's pace)
# until one of them reaches FILE; prints how many were written.
feed() {
    local i=0
    while [ $i -lt 100 ]; do
        echo "$1$i" >&3
        i=$((i + 1))
        has "$2" "^$1$((i - 1))\$" && { echo $i; return 0; }
        sleep 0.1
    done
    return 1
}
# all_kept TAG N FILES...: lines TAG0..TAG(N-1) each in exactly one of FILES.
all_kept() {
    local tag=$1 n=$2 i; shift 2
    for ((i = 0; i < n; i++)); do
        [ "$(cat "$@" 2>/dev/null | grep -cx "$tag$i")" = 1 ] || return 1
    done
}
idle_before=$(daemon_stat reopens)
mv "$LOG/s.log" "$LOG/s.log.moved"
n=$(feed C "$LOG/s.log") || fail "the moved file was not noticed while data flowed"
all_kept C "$n" "$LOG/s.log" "$LOG/s.log.moved" || fail "a line C lost or doubled"
echo "line C$n reached the new file"
# "at most a second later" (README): the lines are 0.1 s apart, give or take
[ "$n" -le 15 ] || fail "the move was noticed after $n lines 0.1 s apart: over a second"
echo "line C-after" >&3
retry 10 has "$LOG/s.log" "line C-after" || fail "a line after the reopen not in the new file"
has "$LOG/s.log.moved" "line C-after" && fail "a line after the reopen went to the moved file"
rm "$LOG/s.log"
n=$(feed D "$LOG/s.log") || fail "the removed file was not noticed while data flowed"
[ "$(daemon_stat reopens)" -ge $((idle_before + 2)) ] || fail "reopens $(daemon_stat reopens), want +2"
echo "reopens: $(daemon_stat reopens)"

say "a symlink put in its place is not followed: the open file is kept"
mv "$LOG/s.log" "$LOG/s.log.away"
ln -s "$T/elsewhere" "$LOG/s.log"
i=0
until grep -q "cannot reopen $LOG/s.log (moved or removed)" "$T/xenlogd.log"; do
    echo "line E$i" >&3
    i=$((i + 1))
    [ $i -lt 100 ] || fail "refusal not logged"
    sleep 0.1
done
all_kept "line E" "$i" "$LOG/s.log.away" || fail "a line E lost: $(grep -c 'line E' "$LOG/s.log.away") of $i"
[ ! -e "$T/elsewhere" ] || fail "followed a symlink"
rm "$LOG/s.log"
n=$(feed G "$LOG/s.log") || fail "not made anew once the symlink went"

say "no signal an admin might send kills it"
for sig in USR1 USR2 ALRM PIPE XFSZ VTALRM PROF IO PWR STKFLT RTMIN RTMIN+5 RTMAX; do
    kill -s "$sig" "$XLD_PID" || fail "kill -s $sig"
done
stream 0 2 "$LOG/after-signals.log" 4096 1
wait_state 0 2 ready
kill -0 "$XLD_PID" || fail "the daemon died of a signal"
retry 10 grep -q "signal 10 (from pid [0-9]*) ignored" "$T/xenlogd.log" || fail "USR1 not logged"
echo "line F" >&3
retry 10 has "$LOG/s.log" "line F" || fail "line F lost after the signals"
exec 3>&-

say "a second daemon with another run dir, same xenstore: refused, touches nothing"
RUN2=$T/run2
mkdir -p "$RUN2"
sock_ino=$(stat -c %i "$RUN/xenlogd.sock")
rc=0
timeout 20 "$XENLOGD" --foreground --run-dir "$RUN2" --log-dir "$LOG" --config "$T/none" \
    2>"$T/second.err" || rc=$?
cat "$T/second.err"
[ $rc -ne 0 ] && [ $rc -ne 124 ] || fail "second daemon: exit $rc"
grep -q "another xenlogd (pid $XLD_PID) serves this xenstore" "$T/second.err" || fail "reason"
[ ! -e "$RUN2/xenlogd.sock" ] || fail "second daemon made a socket"
[ "$(stat -c %i "$RUN/xenlogd.sock")" = "$sock_ino" ] || fail "the live socket was replaced"
[ "$(xenstore-read /tool/xenlogd/pid)" = "$XLD_PID" ] || fail "advertisement changed"

say "the same run dir: refused, the live socket stays"
rc=0
timeout 20 "$XENLOGD" --foreground --run-dir "$RUN" --log-dir "$LOG" --config "$T/none" \
    2>"$T/second.err" || rc=$?
[ $rc -ne 0 ] && [ $rc -ne 124 ] || fail "second daemon (same run dir): exit $rc"
[ "$(stat -c %i "$RUN/xenlogd.sock")" = "$sock_ino" ] || fail "the live socket was replaced"

say "another xenstore, the same run dir: refused by the live socket"
xs_start "$T/xs2"
rc=0
timeout 20 "$XENLOGD" --foreground --run-dir "$RUN" --log-dir "$T" --config "$T/none" \
    2>"$T/third.err" || rc=$?
cat "$T/third.err"
[ $rc -ne 0 ] && [ $rc -ne 124 ] || fail "daemon on another store: exit $rc"
grep -q "another xenlogd listens on $RUN/xenlogd.sock" "$T/third.err" || fail "reason"
xenstore-read /tool/xenlogd/pid 2>/dev/null && fail "advertised in the second store"
xs_stop "$T/xs2"
xs_use "$T/xs"
[ "$(stat -c %i "$RUN/xenlogd.sock")" = "$sock_ino" ] || fail "the live socket was replaced"

say "the live daemon still answers: list and stats"
"$XENLOG" list >"$T/list" 2>&1 || fail "xenlog list: $(cat "$T/list")"
cat "$T/list"
grep -q "s.log" "$T/list" || fail "xenlog list lacks the stream"
ctlraw "$RUN/xenlogd.sock" stats | tee "$T/stats"
grep -q "^DAEMON version=2 streams=2 ready=2" "$T/stats" || fail "stats"
ctlraw "$RUN/xenlogd.sock" attach:0,1,64,0 | grep -q "^OK" || fail "attach refused"

say "SIGINT: as SIGTERM, exit 0, the advertisement removed, the streams stay ready"
kill -INT "$XLD_PID"
rc=0; wait "$XLD_PID" || rc=$?
XLD_PID=
[ $rc = 0 ] || fail "exit $rc after SIGINT"
xenstore-read /tool/xenlogd/pid 2>/dev/null && fail "the advertisement left after SIGINT"
state_is 0 1 ready || fail "stream 0/1 not ready after SIGINT"
