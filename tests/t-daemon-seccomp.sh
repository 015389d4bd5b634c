#!/bin/bash
# The seccomp filter: in force in every thread of the daemon (libxenstore's
# reader too, and the one made again after xenstored restarts) while it does
# its whole job; a forbidden call kills it with SIGSYS and says which;
# Landlock refuses a file outside its dirs (read or made); --no-sandbox
# turns them off. Under valgrind seccomp is off (and said to be).
. "$TOP_SRCDIR/tests/lib/common.sh"
t_store

field() { awk -v k="$2:" '$1 == k { print $2 }' "$1"; }

# Every thread of PID: Seccomp 2 (filter), NoNewPrivs 1.
all_filtered() {
    local s n=0
    for s in /proc/"$1"/task/*/status; do
        [ "$(field "$s" Seccomp)" = 2 ] || { echo "$s: Seccomp $(field "$s" Seccomp)"; return 1; }
        [ "$(field "$s" NoNewPrivs)" = 1 ] || { echo "$s: NoNewPrivs $(field "$s" NoNewPrivs)"; return 1; }
        n=$((n + 1))
    done
    echo "$n threads filtered"
    [ $n -ge 2 ]    # the main thread and libxenstore's reader
}

case ${XENLOGD_WRAP:-} in *valgrind*)
    xld_start
    retry 10 grep -q "sandbox: .*seccomp off" "$T/xenlogd.log" || fail "no 'seccomp off' under valgrind"
    grep -q "seccomp: off under valgrind" "$T/xenlogd.log" || fail "reason not given"
    [ "$(field "/proc/$XLD_PID/status" Seccomp)" = 0 ] || fail "a filter under valgrind"
    xld_stop
    skip "seccomp is off under valgrind (checked that it says so)";;
esac

say "the log says what is in force"
xld_start
grep -Eq "sandbox: landlock (ABI [0-9]+|off), seccomp on" "$T/xenlogd.log" ||
    fail "no 'seccomp on': $(grep sandbox "$T/xenlogd.log")"

say "a stream copies and rotates under the filter, in every thread"
stream 0 1 "$LOG/s.log" 4096 2
wait_state 0 1 ready
exec 3<>"$RUN/s.0.1.fifo"
linegen 3 60000 0 0 >&3 2>"$T/gen.err"
last=$(awk '{print $2}' "$T/gen.err")
retry 10 sh -c "tail -n 1 '$LOG/s.log' | grep -q 'N0*$last '" || fail "last line not in file"
[ -f "$LOG/s.log.2" ] || fail "no rotation"
joined "$LOG/s.log" 2 | linecheck 3 >"$T/check" || fail "joined: $(cat "$T/check")"
all_filtered "$XLD_PID" || fail "not every thread is filtered"
kill -0 "$XLD_PID" || fail "daemon died"

say "a reader attaches through the control socket"
"$XENLOG" attach --lines 2 --no-follow 0 1 >"$T/att" || fail "attach"
[ "$(cat "$T/att")" = "$(tail -n 2 "$LOG/s.log")" ] || fail "attach: wrong lines"

say "xenstored restarts: the daemon reconnects (socket, connect, a new thread)"
kill -KILL "$XS_PID"; wait "$XS_PID" 2>/dev/null || true
unset "_XS_PIDS[$XS_DIR]"
retry 10 grep -q "connection lost" "$T/xenlogd.log" || fail "daemon did not notice"
xs_start "$T/xs"
retry 20 advertised "$XLD_PID" || fail "not advertised again"
stream 0 2 "$LOG/n.log" 4096 1
wait_state 0 2 ready
exec 4<>"$RUN/s.0.2.fifo"
echo "after the new store" >&4
retry 10 grep -q "after the new store" "$LOG/n.log" || fail "stream on the new store"
all_filtered "$XLD_PID" || fail "not every thread is filtered after reconnecting"

say "restart: a new daemon adopts the streams"
xld_stop
echo "while no daemon runs" >&4
xld_start
retry 10 grep -q "while no daemon runs" "$LOG/n.log" || fail "not adopted"
all_filtered "$XLD_PID" || fail "not every thread is filtered"
xld_stop

say "daemonized (syslog, stdio on /dev/null): filtered too"
timeout 30 "$XENLOGD" --run-dir "$RUN" --log-dir "$LOG" --pid-file "$T/pid" >"$T/daemon.out" 2>&1 ||
    fail "daemonizing failed: $(cat "$T/daemon.out")"
dpid=$(cat "$T/pid")
retry 20 advertised "$dpid" || fail "daemonized: not advertised"
[ "$(readlink "/proc/$dpid/fd/1")" = /dev/null ] || fail "stdout: $(readlink "/proc/$dpid/fd/1")"
all_filtered "$dpid" || fail "daemonized: not every thread is filtered"
echo "to the daemonized one" >&4
retry 10 grep -q "to the daemonized one" "$LOG/n.log" || fail "daemonized: no copy"
kill -TERM "$dpid"
retry 20 sh -c "! kill -0 $dpid" || fail "daemonized: did not exit"

say "a forbidden call: SIGSYS, and the log says which"
rc=0
XENLOGD_SECCOMP_SELFTEST=1 timeout 30 ${XENLOGD_WRAP:-} "$XENLOGD" --foreground --verbose \
    --run-dir "$RUN" --log-dir "$LOG" >"$T/selftest.log" 2>&1 || rc=$?
cat "$T/selftest.log"
[ $rc = $((128 + 31)) ] || fail "selftest: exit $rc, want death by SIGSYS (159)"
grep -q "seccomp: system call [0-9]* refused" "$T/selftest.log" || fail "selftest: call not named"
! grep -q "was not refused" "$T/selftest.log" || fail "selftest: socket(AF_INET) went through"

say "Landlock: a file outside the dirs can be neither read nor made"
if grep -q "sandbox: landlock off" "$T/xenlogd.log"; then
    skip_part "Landlock is off on this kernel (the log says so)"
else
    echo secret >"$T/outside"
    rc=0
    XENLOGD_LANDLOCK_SELFTEST=$T/outside timeout 30 ${XENLOGD_WRAP:-} "$XENLOGD" --foreground \
        --run-dir "$RUN" --log-dir "$LOG" >"$T/llself.log" 2>&1 || rc=$?
    cat "$T/llself.log"
    [ $rc = 0 ] || fail "landlock selftest: exit $rc"
    grep -q "landlock selftest: reading $T/outside and making $T/outside.made refused (EACCES)" \
        "$T/llself.log" || fail "landlock selftest: not refused"
    [ ! -e "$T/outside.made" ] || fail "landlock selftest: a file was made outside the dirs"
fi

say "--no-sandbox: no filter"
n=$(grep -c "sandbox:" "$T/xenlogd.log")
xld_start --no-sandbox
[ "$(field "/proc/$XLD_PID/status" Seccomp)" = 0 ] || fail "--no-sandbox: a filter"
[ "$(grep -c "sandbox:" "$T/xenlogd.log")" = "$n" ] || fail "--no-sandbox: a sandbox line"
xld_stop
echo ok
