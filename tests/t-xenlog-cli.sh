#!/bin/bash
# The xenlog command: help and usage errors, `run` (output into a stream,
# the stream closed afterwards, the command's exit status), `list`, `close`,
# `cleanup`, domains by name, --run-dir/--log-dir, exit codes.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_store

# rc CMD...: print the exit status of CMD (output to $T/out, $T/err)
rc() { local r=0; "$@" >"$T/out" 2>"$T/err" || r=$?; echo $r; }

say "help: usage on stdout, exit 0; help COMMAND; --version"
[ "$(rc "$XENLOG" help)" = 0 ] || fail "help"
grep -q "^Usage: xenlog \[OPTIONS\] COMMAND" "$T/out" || fail "help text"
for c in run list close cleanup gc; do
    [ "$(rc "$XENLOG" help $c)" = 0 ] || fail "help $c"
    grep -q "^Usage: xenlog $c" "$T/out" || fail "help $c text"
done
[ "$(rc "$XENLOG" run --help)" = 0 ] || fail "run --help"
[ "$(rc "$XENLOG" --version)" = 0 ] && grep -q "^xenlog [0-9]" "$T/out" || fail "--version"

say "usage errors: a message on stderr and exit 2"
for args in "" "frobnicate" "help nosuch" "run" "run 0" "run 0 x" "run 0 x --limit 10 -- true" \
    "run 0 x --copies 100 -- true" "run 0 x --limit 1Q -- true" "close 0" "close 0 x" \
    "list 1 2" "--bogus list"; do
    r=$(rc "$XENLOG" $args)
    [ "$r" = 2 ] || fail "'xenlog $args' exited $r"
    grep -q "^xenlog: " "$T/err" || fail "'xenlog $args': no message"
done
echo "   e.g. $(head -n 1 "$T/err")"

say "no xenlogd: run exits 125 with the reason; list still works"
[ "$(rc "$XENLOG" run 0 x -- true)" = 125 ] || fail "run without daemon"
grep -q "xenlogd is not running" "$T/err" || fail "reason: $(cat "$T/err")"
[ "$(rc "$XENLOG" list)" = 0 ] || fail "list without daemon"

xld_start
say "run: stdout and stderr into LOG_DIR/NAME.log, stream gone afterwards"
r=$(rc "$XENLOG" run 0 cli-run -- sh -c 'echo to-stdout; echo to-stderr >&2; exit 0')
[ "$r" = 0 ] || fail "run exited $r: $(cat "$T/err")"
[ ! -s "$T/out" ] || fail "output leaked to xenlog's stdout: $(cat "$T/out")"
retry 10 grep -q to-stderr "$LOG/cli-run.log" || fail "stderr not in the log"
grep -q to-stdout "$LOG/cli-run.log" || fail "stdout not in the log"
xenstore-read /libxl/0 >/dev/null 2>&1 && fail "stream nodes left after run"
[ -z "$(ls "$RUN" | grep '^xenlog\.' || true)" ] || fail "FIFO left after run"

say "run returns the command's status: 3, 128+signal, 127 not found, 126 not executable"
[ "$(rc "$XENLOG" run 0 cli-st -- sh -c 'exit 3')" = 3 ] || fail "exit 3"
[ "$(rc "$XENLOG" run 0 cli-st -- sh -c 'kill -TERM $$')" = 143 ] || fail "signal"
[ "$(rc "$XENLOG" run 0 cli-st -- /nonexistent/cmd)" = 127 ] || fail "not found"
grep -q "cannot run /nonexistent/cmd" "$T/err" || fail "not found message"
[ "$(rc "$XENLOG" run 0 cli-st -- "$LOG")" = 126 ] || fail "not executable"
[ -z "$(ls "$RUN" | grep '^xenlog\.' || true)" ] || fail "FIFO left"

say "run: options after NAME, without --, limit with a suffix, COMMAND's own options"
r=$(rc "$XENLOG" run 0 cli-opt --limit 4K --copies 1 ls -d /)
[ "$r" = 0 ] || fail "run exited $r: $(cat "$T/err")"
retry 10 grep -qx / "$LOG/cli-opt.log" || fail "ls output"

say "run passes SIGTERM on to the command"
"$XENLOG" run 0 cli-sig -- sh -c 'trap "echo got-term; exit 7" TERM; echo started; while :; do sleep 0.05; done' \
    >"$T/sig.out" 2>&1 &
p=$!
retry 10 grep -q started "$LOG/cli-sig.log" || fail "not started"
kill -TERM $p
r=0; wait $p || r=$?
[ $r = 7 ] || fail "exit status after SIGTERM: $r"
retry 10 grep -q got-term "$LOG/cli-sig.log" || fail "trap output lost"

say "a domain by name (as xl): /local/domain/N/name"
xenstore-write /local/domain/12/name guest-twelve
"$XENLOG" run guest-twelve cli-name -- sh -c 'xenstore-ls /libxl/12/logging; echo named' \
    >"$T/out" 2>"$T/err" || fail "run by name: $(cat "$T/err")"
retry 10 grep -q named "$LOG/cli-name.log" || fail "named"
grep -q "pipe = \"$RUN/xenlog.12.1.fifo\"" "$LOG/cli-name.log" || fail "not domain 12"
[ "$(rc "$XENLOG" run no-such-guest x -- true)" = 125 ] || fail "unknown name"
grep -q "no domain called no-such-guest" "$T/err" || fail "unknown name message"

say "list: every stream with state, limit, copies, file; list DOMID"
GC=$TOP_BUILDDIR/tests/glue/glue-client
"$GC" --keep open 3 list-a 4096 2 >/dev/null 2>&1 || fail "open 3"
"$GC" --keep open 12 list-b >/dev/null 2>&1 || fail "open 12"
stream 12 9 "$T/outside.log" 4096 1 "$RUN/bad.fifo"
wait_state 12 9 error
[ "$(rc "$XENLOG" list)" = 0 ] || fail "list"
cat "$T/out"
head -n 1 "$T/out" | grep -q "^Domain *Id *State *Limit *Copies *Written *Rotations *Dropped *Readers *File" || fail "header"
grep -Eq "^3 +1 +ready +4KiB +2 +0B +0 +0B +0  $LOG/list-a.log$" "$T/out" || fail "3/1 line"
grep -Eq "^12 +1 +ready +2MiB +4 +0B +0 +0B +0  $LOG/list-b.log$" "$T/out" || fail "12/1 line"
grep -Eq "^12 +9 +error +4KiB +1 +- +- +- +-  .*outside" "$T/out" || fail "12/9 line"
[ "$(rc "$XENLOG" list --bytes)" = 0 ] || fail "list --bytes"
grep -Eq "^3 +1 +ready +4096 +2 +0 +0 +0 +0  $LOG/list-a.log$" "$T/out" || fail "3/1 line, bytes"
grep -Eq "^12 +1 +ready +2097152 +4 +0 +0 +0 +0  $LOG/list-b.log$" "$T/out" || fail "12/1 line, bytes"
grep -Eq "^12 +9 +error .*\(file: .*\)$" "$T/out" || fail "12/9 line"
[ "$(rc "$XENLOG" list 12)" = 0 ] || fail "list 12"
[ "$(wc -l <"$T/out")" = 3 ] || fail "list 12: $(cat "$T/out")"
[ "$(rc "$XENLOG" list guest-twelve)" = 0 ] && [ "$(wc -l <"$T/out")" = 3 ] || fail "list by name"

say "close DOMID ID; closing again is an error (exit 1)"
[ "$(rc "$XENLOG" close 3 1)" = 0 ] || fail "close: $(cat "$T/err")"
[ ! -e "$RUN/xenlog.3.1.fifo" ] || fail "FIFO left"
[ "$(rc "$XENLOG" close 3 1)" = 1 ] || fail "close twice"
grep -q "no stream 3/1" "$T/err" || fail "message: $(cat "$T/err")"

say "cleanup DOMAIN"
[ "$(rc "$XENLOG" cleanup guest-twelve)" = 0 ] || fail "cleanup: $(cat "$T/err")"
xenstore-read /libxl/12/logging >/dev/null 2>&1 && fail "nodes left"
[ ! -e "$RUN/xenlog.12.1.fifo" ] || fail "FIFO left"

say "--run-dir/--log-dir override the advertisement (before or after the command)"
[ "$(rc "$XENLOG" --log-dir "$T/nowhere" run 0 x -- true)" = 125 ] || fail "override ignored"
grep -q "refused stream 0/1: file:" "$T/err" || fail "not refused: $(cat "$T/err")"
[ "$(rc "$XENLOG" run --run-dir "$RUN" --log-dir "$LOG" 0 cli-ovr -- echo same)" = 0 ] ||
    fail "explicit dirs: $(cat "$T/err")"
retry 10 grep -q same "$LOG/cli-ovr.log" || fail "explicit dirs: no data"
xld_stop
echo ok
