#!/bin/bash
# FIFOs of dead streams: stock libxl removes /libxl/$DOMID when it destroys a
# domain, which finishes the streams in xenlogd, but the FIFOs stay.  They
# are unlinked by `xenlog gc` and, for one domain, by the next open of a
# stream of that domain - once older than 10 s, so that a FIFO of a stream
# being opened right now is never taken.  Live streams are never touched.
. "$TOP_SRCDIR/tests/lib/common.sh"
GC=$TOP_BUILDDIR/tests/glue/glue-client
t_store
xld_start

fifos() { ls "$RUN" | grep '^xenlog\.' | tr '\n' ' ' || true; }

say "streams of domains 5, 6 and 7; 5 and 7 are destroyed (libxl removes /libxl/\$DOMID)"
for s in "5 a" "5 b" "6 c" "7 d" "7 e"; do
    "$GC" --keep open $s >/dev/null 2>>"$T/gc.err" || fail "open $s"
done
# Console streams (two FIFOs each, .out and .in): 8 is destroyed, 9 lives.
"$XENLOG" serial 8 con-a >/dev/null || fail "serial 8"
"$XENLOG" serial 9 con-b >/dev/null || fail "serial 9"
xenstore-rm /libxl/5
xenstore-rm /libxl/7
xenstore-rm /libxl/8
retry 10 grep -q "stream 8/1: finished" "$T/xenlogd.log" || fail "8/1 not finished"
retry 10 grep -q "stream 5/2: finished" "$T/xenlogd.log" || fail "5/2 not finished"
retry 10 grep -q "stream 7/2: finished" "$T/xenlogd.log" || fail "7/2 not finished"
echo "   FIFOs: $(fifos)"
[ -p "$RUN/xenlog.5.1.fifo" ] && [ -p "$RUN/xenlog.7.2.fifo" ] || fail "FIFOs already gone"

say "a young stale FIFO is left alone (it could be a stream being opened)"
out=$("$XENLOG" gc) || fail "xenlog gc: $out"
echo "   $out"
[ "$out" = "0 stale FIFOs removed" ] || fail "removed young FIFOs: $out"

# The age is XENLOG_GC_MIN_AGE of the public header; the rule is gc's own:
# seconds since the later of the FIFO's mtime and ctime.
AGE=$(sed -n 's/^#define XENLOG_GC_MIN_AGE \([0-9]*\)$/\1/p' "$TOP_SRCDIR/libxl-glue/xenlog.h")
[ -n "$AGE" ] || fail "no XENLOG_GC_MIN_AGE in xenlog.h"
aged() {
    local f t
    for f in "$@"; do
        t=$(stat -c '%Y %Z' "$f" | tr ' ' '\n' | sort -n | tail -n 1)
        [ $(( $(date +%s) - t )) -ge "$AGE" ] || return 1
    done
}
say "(waiting for the stale FIFOs to be $AGE s old)"
retry $((AGE + 10)) aged "$RUN"/xenlog.[578].* || fail "FIFOs not $AGE s old"

say "opening a stream of domain 7 unlinks domain 7's stale FIFOs, and only those"
out=$("$GC" --keep open 7 new 2>>"$T/gc.err") || fail "$out"
echo "   $out; FIFOs: $(fifos)"
grep -q "^id=1 " <<<"$out" || fail "new stream of 7 is not id 1"
[ -p "$RUN/xenlog.7.1.fifo" ] || fail "new FIFO missing"
[ ! -e "$RUN/xenlog.7.2.fifo" ] || fail "stale FIFO 7/2 left"
[ -p "$RUN/xenlog.5.1.fifo" ] || fail "FIFO of domain 5 removed by an open for 7"

say "xenlog gc DOMID only looks at that domain"
out=$("$XENLOG" gc 6) || fail "$out"
[ "$out" = "0 stale FIFOs removed" ] || fail "gc 6: $out"

say "xenlog gc unlinks every stale FIFO (both of a console stream) and keeps the live ones"
out=$("$XENLOG" gc) || fail "$out"
echo "   $out; FIFOs: $(fifos)"
[ "$out" = "4 stale FIFOs removed" ] || fail "gc: $out"
[ "$(fifos)" = "xenlog.6.1.fifo xenlog.7.1.fifo xenlog.9.1.in xenlog.9.1.out " ] ||
    fail "left: $(fifos)"
[ "$(xenstore-read /libxl/9/logging/1/state)" = ready ] || fail "9/1 disturbed"
[ "$(xenstore-read /libxl/6/logging/1/state)" = ready ] || fail "6/1 disturbed"

say "a FIFO whose node names another path is stale too"
xenstore-write /libxl/6/logging/1/pipe "$RUN/elsewhere.fifo"
out=$("$XENLOG" gc 6) || fail "$out"
[ "$out" = "1 stale FIFO removed" ] || fail "gc 6: $out"
say "xenlog cleanup of a domain with a console stream unlinks both its FIFOs"
"$XENLOG" cleanup 9 || fail "cleanup 9"
[ ! -e "$RUN/xenlog.9.1.in" ] && [ ! -e "$RUN/xenlog.9.1.out" ] || fail "left: $(fifos)"
xld_stop
echo ok
