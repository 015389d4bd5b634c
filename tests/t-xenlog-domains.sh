#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# DOMAIN as a name or an id in every xenlog command (run, serial, list, close,
# cleanup, gc, attach, console, stats), against the real xenstored: the same
# result both ways; a name no domain has, or several have, is an error (exit 1,
# run 125) that says so, and does nothing; digits are an id even if a domain
# is called that.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_store

rc() { local r=0; "$@" >"$T/out" 2>"$T/err" || r=$?; echo $r; }
# same A B: commands A and B (as strings of words) print the same and exit 0.
same() {
    local a b
    a=$(rc $1) && cp "$T/out" "$T/out.a"
    b=$(rc $2)
    [ "$a" = 0 ] && [ "$b" = 0 ] || fail "'$1' exited $a, '$2' exited $b: $(cat "$T/err")"
    cmp -s "$T/out.a" "$T/out" || fail "'$1' and '$2' differ: $(diff "$T/out.a" "$T/out")"
}

xenstore-write /local/domain/5/name alpha /local/domain/9/name twin /local/domain/10/name twin \
    /local/domain/77/name 123
xld_start
X=$XENLOG

say "run: by name and by id, into /libxl/5"
for d in alpha 5; do
    r=$(rc $X run $d "run-$d" -- sh -c 'xenstore-ls /libxl/5/logging; echo done')
    [ "$r" = 0 ] || fail "run $d exited $r: $(cat "$T/err")"
    retry 10 grep -q done "$LOG/run-$d.log" || fail "run $d: no output"
    grep -q "pipe = \"$RUN/xenlog.5.1.fifo\"" "$LOG/run-$d.log" || fail "run $d: not domain 5"
done

say "serial: by name and by id, in domain 5"
read -r s1 p1 < <($X serial alpha ser-a --limit 4K) || fail "serial alpha"
read -r s2 p2 < <($X serial 5 ser-b --limit 4K) || fail "serial 5"
[ "$p1" = "$RUN/xenlog.5.$s1" ] && [ "$p2" = "$RUN/xenlog.5.$s2" ] || fail "serial: $p1 $p2"
wait_state 5 "$s1" ready; wait_state 5 "$s2" ready
echo "hello from ser-a" >"$p1.out"
retry 10 grep -q "hello from ser-a" "$LOG/ser-a.log" || fail "ser-a: no data"

say "list, stats (plain, --json, --prometheus): the same by name and by id"
same "$X list alpha" "$X list 5"
[ "$(grep -c '^5 ' "$T/out")" = 2 ] && [ "$(wc -l <"$T/out")" = 3 ] || fail "list 5: $(cat "$T/out")"
for f in "" --json --prometheus --bytes; do
    same "$X stats $f alpha" "$X stats $f 5"
done
$X stats --json alpha | grep -q "\"domid\": 5, \"id\": $s1," || fail "stats --json alpha"
! $X stats --json alpha | grep -q '"domid": [^5]' || fail "stats alpha: other domains"

say "attach: by name and by id (stream by id and by name too)"
same "$X attach --no-follow alpha $s1" "$X attach --no-follow 5 ser-a"
grep -qx "hello from ser-a" "$T/out" || fail "attach: $(cat "$T/out")"

say "console: by name and by id; what it sends reaches the stream's input"
printf ab | $X console --idle 200 alpha "$s1" >"$T/c1" 2>"$T/c1.err" || fail "console alpha: $(cat "$T/c1.err")"
printf cd | $X console --idle 200 5 ser-a >"$T/c2" 2>"$T/c2.err" || fail "console 5: $(cat "$T/c2.err")"
input4() { $X stats --json 5 | grep -q "\"id\": $s1,.*\"input_bytes\": 4}"; }
retry 10 input4 || fail "console input: $($X stats --json 5)"
grep -q "hello from ser-a" "$T/c1" && grep -q "hello from ser-a" "$T/c2" || fail "console output"

say "close: by name and by id"
[ "$(rc $X close alpha "$s1")" = 0 ] || fail "close alpha: $(cat "$T/err")"
[ "$(rc $X close 5 "$s2")" = 0 ] || fail "close 5: $(cat "$T/err")"
[ ! -e "$p1.out" ] && [ ! -e "$p2.out" ] || fail "FIFOs left after close"

say "cleanup and gc: by name and by id"
read -r s3 _ < <($X serial alpha ser-c) || fail "serial"
[ "$(rc $X cleanup alpha)" = 0 ] || fail "cleanup alpha: $(cat "$T/err")"
! xenstore-read /libxl/5/logging >/dev/null 2>&1 || fail "cleanup alpha left nodes"
read -r s4 _ < <($X serial 5 ser-d) || fail "serial"
[ "$(rc $X cleanup 5)" = 0 ] || fail "cleanup 5: $(cat "$T/err")"
! xenstore-read /libxl/5/logging >/dev/null 2>&1 || fail "cleanup 5 left nodes"
for d in alpha 5; do
    [ "$(rc $X gc $d)" = 0 ] || fail "gc $d: $(cat "$T/err")"
    grep -q "stale FIFOs* removed" "$T/out" || fail "gc $d: $(cat "$T/out")"
done

say "digits are an id: '123' is domain 123, not domain 77 called 123"
read -r s77 _ < <($X serial 77 ser-77) || fail "serial 77"
wait_state 77 "$s77" ready
[ "$(rc $X list 123)" = 0 ] && [ "$(wc -l <"$T/out")" = 1 ] || fail "list 123: $(cat "$T/out")"
[ "$(rc $X stats --json 123)" = 0 ] && grep -q '"streams": \[\]' "$T/out" || fail "stats 123"
[ "$(rc $X list 77)" = 0 ] && [ "$(wc -l <"$T/out")" = 2 ] || fail "list 77: $(cat "$T/out")"

say "a name no domain has, or two domains have: exit 1 (run: 125), a message, nothing done"
before=$(xenstore-ls /libxl 2>/dev/null | md5sum)
for cmd in "run % x -- true" "serial % x" "list %" "close % 1" "cleanup %" "gc %" \
    "attach % 1" "console % 1" "stats %" "stats --prometheus %"; do
    want=1; [ "${cmd%% *}" = run ] && want=125
    for d in no-such-guest twin 99999999999; do
        r=$(rc $X ${cmd//%/$d} </dev/null)
        [ "$r" = $want ] || fail "'xenlog ${cmd//%/$d}' exited $r, want $want: $(cat "$T/err")"
        case $d in
        no-such-guest) grep -qx "xenlog: no domain called no-such-guest" "$T/err";;
        twin) grep -qx "xenlog: domain name twin is ambiguous: domains 10, 9" "$T/err" ||
              grep -qx "xenlog: domain name twin is ambiguous: domains 9, 10" "$T/err";;
        *) grep -q "xenlog: domain id 99999999999 out of range" "$T/err";;
        esac || fail "'xenlog ${cmd//%/$d}': $(cat "$T/err")"
    done
done
[ "$(xenstore-ls /libxl 2>/dev/null | md5sum)" = "$before" ] || fail "an error changed /libxl"
echo "   e.g. $(head -n 1 "$T/err")"
xld_stop
echo ok
