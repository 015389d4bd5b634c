#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xenlog: options before or after the operands, the same way in every command
# (and "--"); one exit-status convention for xenlog and xenlogd (0 success,
# 1 failure, 2 usage; run: 125/126/127); sizes in KiB/MiB/GiB, raw with --bytes.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_store

rc() { local r=0; "$@" >"$T/out" 2>"$T/err" || r=$?; echo $r; }
X=$XENLOG
xld_start

say "run: options before, between and after DOMAIN and NAME, --opt=value; CMD's options are its own"
i=0
for form in "--limit 4K --copies 1 0 ro%" "0 --limit 4K ro% --copies=1" "0 ro% --limit=4K --copies 1" \
    "-v 0 ro% --limit 4K --copies 1"; do
    i=$((i + 1)); args=${form//%/$i}
    r=$(rc $X run $args -- sh -c 'xenstore-read /libxl/0/logging/1/limit /libxl/0/logging/1/copies')
    [ "$r" = 0 ] || fail "run $args: exit $r: $(cat "$T/err")"
    retry 10 grep -qx 1 "$LOG/ro$i.log" || fail "run $args: $(cat "$LOG/ro$i.log")"
    grep -qx 4096 "$LOG/ro$i.log" || fail "run $args: limit: $(cat "$LOG/ro$i.log")"
done
# Without "--" CMD starts at the first word after NAME that is not an option:
# -v, --help and -h (options of xenlog too) are CMD's.
r=$(rc $X run 0 rov sh -c 'echo "args: $*"' sh -v --help -h)
[ "$r" = 0 ] || fail "run without --: $r $(cat "$T/err")"
retry 10 grep -qx "args: -v --help -h" "$LOG/rov.log" || fail "CMD's options: $(cat "$LOG/rov.log")"
[ ! -s "$T/err" ] || fail "xenlog took -v: $(cat "$T/err")"

say "serial: the same"
for form in "--copies 1 0 so1" "0 --copies=1 so2" "0 so3 --copies 1" "--run-dir $RUN 0 so4 --copies 1"; do
    read -r id _ < <($X serial $form) || fail "serial $form"
    [ "$(xenstore-read "/libxl/0/logging/$id/copies")" = 1 ] || fail "serial $form: copies"
    wait_state 0 "$id" ready
done
echo "some output" >"$RUN/xenlog.0.$id.out"
retry 10 grep -q "some output" "$LOG/so4.log" || fail "so4: no data"

say "attach, console, list, stats: every order prints the same"
# same A B...: every command line prints what the first does, and exits 0.
same() {
    local first=1 c r
    for c in "$@"; do
        r=$(rc $X $c </dev/null)
        [ "$r" = 0 ] || fail "xenlog $c: exit $r: $(cat "$T/err")"
        if [ $first = 1 ]; then cp "$T/out" "$T/ref"; first=0
        else cmp -s "$T/ref" "$T/out" || fail "xenlog $c differs: $(diff "$T/ref" "$T/out")"; fi
    done
}
same "attach --no-follow --lines 1 0 $id" "attach 0 --no-follow $id -n 1" \
    "attach 0 $id --lines=1 --no-follow" "--run-dir $RUN attach -n1 0 so4 --no-follow" \
    "attach --no-follow 0 $id --run-dir=$RUN -c 12"
grep -qx "some output" "$T/out" || fail "attach: $(cat "$T/out")"
same "console --idle 100 -n 1 0 $id" "console 0 --idle=100 $id --lines 1" "console 0 $id -n1 --idle 100"
same "list --bytes 0" "list 0 --bytes" "--run-dir $RUN list --bytes 0" "list -v 0 --bytes" "list --bytes -- 0"
same "stats --json 0" "stats 0 --json" "--run-dir $RUN stats --json 0" "stats 0 --run-dir=$RUN --json"
same "stats --prometheus 0" "stats 0 --prometheus"
same "help list" "list --help" "list -h" "list 0 --help" "-v help list"
same "help" "--help" "-h"
same "--version" "list -V" "stats 0 --version"
grep -q "^xenlog [0-9]" "$T/out" || fail "--version: $(cat "$T/out")"

say "close, cleanup, gc: options anywhere"
[ "$(rc $X close -v 0 1)" = 0 ] && [ "$(rc $X close 0 --run-dir "$RUN" 2)" = 0 ] &&
    [ "$(rc $X close 0 3 --log-dir="$LOG")" = 0 ] || fail "close: $(cat "$T/err")"
[ "$(rc $X cleanup 0 -v)" = 0 ] || fail "cleanup: $(cat "$T/err")"
! xenstore-read /libxl/0/logging >/dev/null 2>&1 || fail "cleanup left nodes"
[ "$(rc $X gc 0 --run-dir "$RUN")" = 0 ] && [ "$(rc $X gc -v -- 0)" = 0 ] || fail "gc: $(cat "$T/err")"

say "'--' ends the options: a domain whose name starts with '-'"
xenstore-write -- /local/domain/4/name -odd
read -r id _ < <($X serial -- -odd odd) || fail "serial -- -odd"
[ "$(rc $X list -- -odd)" = 0 ] && grep -q "^4 " "$T/out" || fail "list -- -odd: $(cat "$T/out")"
[ "$(rc $X list -odd)" = 2 ] || fail "list -odd is not a usage error"
[ "$(rc $X close -- -odd "$id")" = 0 ] || fail "close -- -odd: $(cat "$T/err")"

say "xenlog exit statuses: 2 for every usage error of every command, 1 for a failure"
for c in run serial list close cleanup gc attach console stats help; do
    for bad in "--frobnicate" "-Z" "--limit" "a b c d e"; do
        [ "$c $bad" != "run a b c d e" ] || continue          # a command to run
        r=$(rc $X $c $bad)
        [ "$r" = 2 ] || fail "'xenlog $c $bad' exited $r"
        grep -q "^xenlog: $c: " "$T/err" || fail "'xenlog $c $bad': $(cat "$T/err")"
        grep -q "^Try 'xenlog help $c'" "$T/err" || fail "'xenlog $c $bad': no hint"
        [ ! -s "$T/out" ] || fail "'xenlog $c $bad' printed on stdout"
    done
done
for args in "" frobnicate "--frobnicate list" "list --limit 4K" "run 0" "run 0 x" "close 0" \
    "attach 0" "attach --lines x 0 1" "attach --bytes 2000000 0 1" "console --idle x 0 1" \
    "run --limit 10 0 x -- true" "run --copies 100 0 x -- true" "close 0 x" "stats --json=1"; do
    r=$(rc $X $args)
    [ "$r" = 2 ] || fail "'xenlog $args' exited $r"
    grep -q "^xenlog: " "$T/err" || fail "'xenlog $args': no message"
done
for args in "close 0 99" "attach --no-follow 0 99" "console 0 99" "serial 0 /etc/x" \
    "--run-dir $T/none stats"; do
    r=$(rc $X $args </dev/null)
    [ "$r" = 1 ] || fail "'xenlog $args' exited $r, want 1"
    grep -q "^xenlog: " "$T/err" || fail "'xenlog $args': no message"
done
[ "$(rc $X run 0 x -- /nonexistent)" = 127 ] && [ "$(rc $X run 0 x -- "$LOG")" = 126 ] &&
    [ "$(rc $X run 0 x -- sh -c 'exit 7')" = 7 ] || fail "run's own statuses"

say "sizes: KiB, MiB, GiB for a person; bytes with --bytes"
i=10
for lim in 1024:1KiB 1536:1.5KiB 1048575:1.0MiB 1572864:1.5MiB 1073741824:1GiB \
    1000000000:953.7MiB 805306368:768MiB; do           # at most 1 GiB: the default cap
    i=$((i + 1))
    stream 0 $i "$LOG/size$i.log" "${lim%%:*}" 1
    wait_state 0 $i ready
done
printf '%1000s\n' x >"$RUN/s.0.11.fifo"                # 1001 bytes
head -c 2048 /dev/zero >"$RUN/s.0.12.fifo"            # 2048 bytes
written() { $X stats --json 0 | grep -q "\"id\": $1,.*\"bytes_written\": $2,"; }
retry 10 written 11 1001 && retry 10 written 12 2048 || fail "data not written: $($X stats 0)"
[ "$(rc $X list 0)" = 0 ] && cp "$T/out" "$T/list" || fail "list"
[ "$(rc $X list --bytes 0)" = 0 ] && cp "$T/out" "$T/listb" || fail "list --bytes"
[ "$(rc $X stats 0)" = 0 ] && cp "$T/out" "$T/stats" || fail "stats"
[ "$(rc $X stats --bytes 0)" = 0 ] && cp "$T/out" "$T/statsb" || fail "stats --bytes"
cat "$T/list" "$T/stats"
# cell FILE DOMID ID COLUMN: a cell of a table by its header's name (no
# column numbers: a new column moves nothing here).
cell() {
    awk -v d="$2" -v i="$3" -v h="$4" '
        NR == 1 { for (k = 1; k <= NF; k++) n[toupper($k)] = k
                  dc = n["DOMAIN"] ? n["DOMAIN"] : n["DOMID"]; next }
        $dc == d && $n["ID"] == i { print $n[toupper(h)] }' "$1"
}
check() { [ "$(cell "$1" "$2" "$3" "$4")" = "$5" ] || fail "$1: $2/$3 $4 is '$(cell "$1" "$2" "$3" "$4")', want $5"; }
i=10
for lim in 1024:1KiB 1536:1.5KiB 1048575:1.0MiB 1572864:1.5MiB 1073741824:1GiB \
    1000000000:953.7MiB 805306368:768MiB; do           # at most 1 GiB: the default cap
    i=$((i + 1))
    check "$T/list" 0 $i Limit "${lim#*:}"
    check "$T/listb" 0 $i Limit "${lim%%:*}"
done
check "$T/list" 0 11 Written 1001B;     check "$T/listb" 0 11 Written 1001
check "$T/list" 0 12 Written 2KiB;      check "$T/listb" 0 12 Written 2048
check "$T/list" 0 12 Dropped 0B;        check "$T/listb" 0 12 Dropped 0
check "$T/stats" 0 11 BYTES-IN 1001B;   check "$T/statsb" 0 11 BYTES-IN 1001
check "$T/stats" 0 12 WRITTEN 2KiB;     check "$T/statsb" 0 12 WRITTEN 2048
check "$T/stats" 0 12 DROPPED 0B;       check "$T/statsb" 0 12 DROPPED 0
check "$T/stats" 0 12 ROTATIONS 1
$X stats --json 0 | grep -q '"id": 16,.*"limit_bytes": 1000000000,' || fail "JSON: sizes not in bytes"
$X stats --prometheus 0 | grep -q '^xenlogd_stream_limit_bytes{domid="0",id="16",.*} 1000000000$' ||
    fail "Prometheus: sizes not in bytes"
xld_stop

say "xenlogd exit statuses: 2 usage, 1 failure, 0 clean exit"
for args in "--frobnicate" "-Z" "--run-dir relative" "--setup-timeout 0" "--fifo-size 1" \
    "--foreground operand"; do
    r=0; "$XENLOGD" --foreground --run-dir "$RUN" --log-dir "$LOG" $args >"$T/d.out" 2>&1 || r=$?
    [ $r = 2 ] || fail "xenlogd $args: exit $r, want 2: $(cat "$T/d.out")"
    [ -s "$T/d.out" ] || fail "xenlogd $args: no message"
done
[ "$(rc "$XENLOGD" --version)" = 0 ] && grep -q "^xenlogd " "$T/out" || fail "xenlogd --version"
[ "$(rc "$XENLOGD" -V)" = 0 ] && [ "$(rc "$XENLOGD" -h)" = 0 ] || fail "xenlogd -V, -h"
exec 9>"$T/pid"; flock 9                                 # the pid file is held: failure
r=0; timeout 60 "$XENLOGD" -f -r "$RUN" -l "$LOG" -p "$T/pid" >"$T/d.out" 2>&1 || r=$?
[ $r = 1 ] || fail "xenlogd with its pid file held: exit $r: $(cat "$T/d.out")"
exec 9>&-
xld_start                                               # a second daemon: failure
r=0; timeout 60 "$XENLOGD" --foreground --run-dir "$T/run2" --log-dir "$T/log2" >"$T/d.out" 2>&1 || r=$?
[ $r = 1 ] || fail "a second xenlogd: exit $r: $(cat "$T/d.out")"
r=0; timeout 60 "$XENLOGD" --run-dir "$T/run2" --log-dir "$T/log2" >"$T/d.out" 2>&1 || r=$?
[ $r = 1 ] || fail "a second xenlogd, daemonized: the parent exited $r: $(cat "$T/d.out")"
xld_stop                                                # exits 0 (checked there)
echo ok
