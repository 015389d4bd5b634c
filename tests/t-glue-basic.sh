#!/bin/bash
# libxl-glue: a stream opened through libxenlog is ready, its FIFO is 0600
# under the run dir, its descriptor O_RDWR|O_CLOEXEC; data reaches the file;
# closing removes the nodes, the FIFO and the parents it made; the writer
# never sees EPIPE while xenlogd restarts.
. "$TOP_SRCDIR/tests/lib/common.sh"
GC=$TOP_BUILDDIR/tests/glue/glue-client
t_store
xld_start

field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$2" | head -n 1; }
rd() { xenstore-read "$1" 2>/dev/null; }

say "open: id 1, nodes as in the protocol, FIFO 0600, descriptor O_RDWR|O_CLOEXEC"
out=$("$GC" --fdinfo --keep --write "hello from glue" open 7 qemu-dm-basic 4096 2 2>"$T/gc.err") ||
    fail "open: $out $(cat "$T/gc.err")"
echo "$out"
[ "$(field id "$out")" = 1 ] || fail "id is not 1"
fifo=$RUN/xenlog.7.1.fifo
[ -p "$fifo" ] || fail "no FIFO $fifo"
[ "$(stat -c %a "$fifo")" = 600 ] || fail "FIFO mode $(stat -c %a "$fifo")"
[ "$(rd /libxl/7/logging/1/pipe)" = "$fifo" ] || fail "pipe node"
[ "$(rd /libxl/7/logging/1/file)" = "$LOG/qemu-dm-basic.log" ] || fail "file node"
[ "$(rd /libxl/7/logging/1/limit)" = 4096 ] || fail "limit node"
[ "$(rd /libxl/7/logging/1/copies)" = 2 ] || fail "copies node"
[ "$(rd /libxl/7/logging/1/state)" = ready ] || fail "state node"
[ "$(field rdwr "$out")" = 1 ] || fail "descriptor not O_RDWR"
[ "$(field cloexec "$out")" = 1 ] || fail "descriptor not O_CLOEXEC"
[ "$(field leaky "$out")" = 0 ] || fail "the library left descriptors without O_CLOEXEC"
retry 10 grep -q "hello from glue" "$LOG/qemu-dm-basic.log" || fail "data not in the file"

say "defaults: file LOG_DIR/NAME.log; no limit, no copies node: the host's policy decides"
[ "$(rd /tool/xenlogd/policy)" = 1 ] || fail "the daemon does not advertise its policy"
out=$("$GC" --keep open 7 defaults 2>>"$T/gc.err") || fail "$out"
[ "$(field id "$out")" = 2 ] || fail "second stream is not id 2"
[ "$(rd /libxl/7/logging/2/file)" = "$LOG/defaults.log" ] || fail "default file"
rd /libxl/7/logging/2/limit >/dev/null 2>&1 && fail "a limit node was written"
rd /libxl/7/logging/2/copies >/dev/null 2>&1 && fail "a copies node was written"
retry 10 grep -q "stream 7/2: ready $LOG/defaults.log (limit 2097152, copies 4, other)" \
    "$T/xenlogd.log" || fail "not the built-in policy of kind other"


say "an absolute file name is used as it is"
mkdir -p "$LOG/sub"
out=$("$GC" --keep open 7 "$LOG/sub/abs.log" 8192 0 2>>"$T/gc.err") || fail "$out"
[ "$(rd /libxl/7/logging/3/file)" = "$LOG/sub/abs.log" ] || fail "absolute file"
[ -f "$LOG/sub/abs.log" ] || fail "absolute file not created by xenlogd"

say "close by id: nodes and FIFO gone, xenlogd finishes the stream"
"$GC" close 7 1 2>>"$T/gc.err" || fail "close 7 1"
xenstore-read /libxl/7/logging/1/pipe >/dev/null 2>&1 && fail "nodes of 7/1 left"
[ ! -e "$fifo" ] || fail "FIFO of 7/1 left"
retry 10 grep -q "stream 7/1: finished" "$T/xenlogd.log" || fail "xenlogd did not finish 7/1"
out=$("$GC" close 7 1 2>/dev/null) && fail "closing twice succeeded"
grep -q "error=NOTFOUND" <<<"$out" || fail "closing twice: $out"

say "cleanup of a domain: every stream and FIFO of it, no other"
"$GC" --keep open 8 other >/dev/null 2>>"$T/gc.err" || fail "open 8"
"$GC" cleanup 7 2>>"$T/gc.err" || fail "cleanup 7"
xenstore-read /libxl/7/logging >/dev/null 2>&1 && fail "/libxl/7/logging left"
ls "$RUN" | grep -q '^xenlog\.7\.' && fail "FIFOs of domain 7 left: $(ls "$RUN")"
[ -p "$RUN/xenlog.8.1.fifo" ] || fail "FIFO of domain 8 removed"
retry 10 grep -q "stream 7/3: finished" "$T/xenlogd.log" || fail "7/3 not finished"
"$GC" cleanup 8 2>>"$T/gc.err" || fail "cleanup 8"

say "a stream closed by its opener leaves nothing: parents it made are removed"
xenstore-rm /libxl 2>/dev/null || true
out=$("$GC" --write "once" open 9 once 2>>"$T/gc.err") || fail "$out"
xenstore-read /libxl >/dev/null 2>&1 && fail "/libxl left: $(xenstore-ls /libxl 2>&1)"
[ -z "$(ls "$RUN" | grep '^xenlog\.' || true)" ] || fail "FIFOs left: $(ls "$RUN")"
retry 10 grep -q once "$LOG/once.log" || fail "data of a closed stream lost"

say "existing parents are kept"
xenstore-write /libxl/9/type pvh
"$GC" --write "twice" open 9 once >/dev/null 2>>"$T/gc.err" || fail "open 9 again"
[ "$(rd /libxl/9/type)" = pvh ] || fail "/libxl/9 removed"
xenstore-read /libxl/9/logging >/dev/null 2>&1 && fail "/libxl/9/logging left"

say "the writer blocks, never gets EPIPE, while xenlogd is down; nothing is lost"
mkfifo "$T/in"
"$GC" --hold open 6 restart <"$T/in" >"$T/hold.out" 2>>"$T/gc.err" &
holder=$!; T_PIDS+=($holder)
exec 7>"$T/in"
echo "before the restart" >&7
retry 10 grep -q "before the restart" "$LOG/restart.log" || fail "before"
xld_kill
# the holder has passed it on to the FIFO once its write count moved
wchar() { sed -n 's/^wchar: //p' "/proc/$holder/io"; }
w0=$(wchar)
echo "while xenlogd is down" >&7
moved() { [ "$(wchar)" -gt "$w0" ]; }
retry 10 moved || fail "the holder did not write while xenlogd was down"
# The new daemon inherits fd 7, so the holder sees end of file only once the
# daemon has stopped too.
xld_start
echo "after the restart" >&7
exec 7>&-
retry 10 grep -q "after the restart" "$LOG/restart.log" || fail "after"
grep -q "while xenlogd is down" "$LOG/restart.log" || fail "data written while down lost"
xld_stop
wait $holder || fail "writer failed: $(cat "$T/hold.out")"
xenstore-read /libxl/6 >/dev/null 2>&1 && fail "nodes of 6 left"
[ -z "$(ls "$RUN" | grep '^xenlog\.' || true)" ] || fail "FIFOs left: $(ls "$RUN")"

say "a daemon without a host policy: the library's defaults, 2 MiB and 4 copies"
xld_start
xenstore-rm /tool/xenlogd/policy
out=$("$GC" --keep open 8 defaults-old 2>>"$T/gc.err") || fail "$out"
id=$(field id "$out")
[ "$(rd "/libxl/8/logging/$id/limit")" = 2097152 ] || fail "default limit"
[ "$(rd "/libxl/8/logging/$id/copies")" = 4 ] || fail "default copies"
xld_stop
echo ok
