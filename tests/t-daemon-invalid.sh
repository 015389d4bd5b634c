#!/bin/bash
# Every invalid parameter gets state=error and a reason, touches nothing on
# disk, and the daemon goes on serving the other streams. Two live streams
# never share a file or a FIFO; a ready stream ignores rewrites of its nodes.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_store
OUT=$T/outside
mkdir -p "$OUT/dir"
echo "precious" >"$OUT/target"
mkfifo -m 0600 "$OUT/out.fifo" "$RUN/good.fifo" "$RUN/ok1.fifo"
mkfifo -m 0644 "$RUN/mode.fifo"
touch "$RUN/regular"; chmod 600 "$RUN/regular"
ln -s "$RUN/ok1.fifo" "$RUN/link.fifo"
ln -s "$OUT/dir" "$RUN/linkdir"; mkfifo -m 0600 "$OUT/dir/x.fifo"
ln -s "$OUT/target" "$LOG/link.log"
ln -s "$OUT/dir" "$LOG/linkdir"
mkdir "$LOG/adir"
echo "hard" >"$LOG/hard.log"; ln "$LOG/hard.log" "$LOG/hard2.log"
xld_start --setup-timeout 500

n=0
# bad NODE VALUE REASON-PATTERN: a stream that is valid but for one node.
bad() {
    local node=$1 value=$2 want=$3 p f l c
    n=$((n + 1))
    p=$RUN/good.fifo f=$LOG/g$n.log l=4096 c=2
    case $node in pipe) p=$value;; file) f=$value;; limit) l=$value;; copies) c=$value;; esac
    xenstore-write -- "/libxl/3/logging/$n/pipe" "$p" "/libxl/3/logging/$n/file" "$f" \
        "/libxl/3/logging/$n/limit" "$l" "/libxl/3/logging/$n/copies" "$c"
    wait_state 3 $n error 10
    local why; why=$(xenstore-read "/libxl/3/logging/$n/error")
    case $why in $node:*$want*) echo "ok: $node=$value -> $why";;
        *) fail "$node=$value: reason '$why', want '$node: *$want*'";; esac
    [ ! -e "$LOG/g$n.log" ] || [ "$node" = file ] || fail "$node=$value created a log file"
}

bad pipe "$OUT/out.fifo" "outside"
bad pipe "$RUN/../run/good.fifo" "'..'"
bad pipe "$RUN/./good.fifo" "'.'"
bad pipe "$RUN//good.fifo" "empty"
bad pipe "good.fifo" "absolute"
bad pipe "$RUN" "outside"
bad pipe "$RUN/regular" "not a FIFO"
bad pipe "$RUN/mode.fifo" "0600"
bad pipe "$RUN/link.fifo" "symlink"
bad pipe "$RUN/linkdir/x.fifo" "symlink"
bad pipe "$RUN/missing.fifo" "does not exist"
bad pipe "" "absolute"
bad file "$OUT/evil.log" "outside"
bad file "$LOG/../outside/evil.log" "'..'"
bad file "$LOG/link.log" "symlink"
bad file "$LOG/linkdir/evil.log" "symlink"
bad file "$LOG/adir" "not a regular file"
bad file "$LOG/nodir/x.log" "does not exist"
bad file "$LOG/hard.log" "hard links"
bad file "$LOG/$(printf 'a%.0s' {1..201})" "too long"
bad file "$LOG/tab$(printf '\t')x.log" "control"
bad limit 0 "range"
bad limit 1023 "range"
bad limit -5 "decimal"
bad limit 99999999999999999999999 "range"
bad limit 1099511627777 "range"
bad limit abc "decimal"
bad limit 1e6 "decimal"
bad limit " 4096" "decimal"
bad limit 04096 "leading zero"
bad limit "" "empty"
bad copies 100 "range"
bad copies 4294967296 "range"
bad copies -1 "decimal"
bad copies x "decimal"

say "missing node: error after the set-up timeout (file; limit and copies are optional)"
xenstore-write /libxl/4/logging/1/pipe "$RUN/good.fifo" /libxl/4/logging/1/limit 4096 \
    /libxl/4/logging/1/copies 1
wait_state 4 1 error 10
[ "$(xenstore-read /libxl/4/logging/1/error)" = "file: missing" ] || fail "missing-node reason"
xenstore-rm /libxl/4/logging/1

say "a file name reserved for the daemon's record"
stream 4 5 "$LOG/.xenlogd.files" 4096 1 "$RUN/res.fifo"
wait_state 4 5 error
[ "$(xenstore-read /libxl/4/logging/5/error)" = "file: name reserved for the daemon's record" ] ||
    fail "reserved name: $(xenstore-read /libxl/4/logging/5/error)"
xenstore-rm /libxl/4/logging/5

say "nodes removed mid-setup: nothing written back, nothing created"
xenstore-write /libxl/4/logging/2/pipe "$RUN/good.fifo" /libxl/4/logging/2/limit 4096
xenstore-rm /libxl/4/logging/2
sleep 1
xenstore-read /libxl/4/logging/2/state 2>/dev/null && fail "state written into a removed stream"
[ ! -e "$LOG/mid.log" ] || fail "mid.log created"

say "the daemon still serves: a good stream; a second one on its file, one on its FIFO; its nodes rewritten"
stream 4 3 "$LOG/good.log" 4096 1 "$RUN/ok1.fifo"
wait_state 4 3 ready
exec 3<>"$RUN/ok1.fifo"
echo "served" >&3
retry 10 grep -q served "$LOG/good.log" || fail "good stream not served"
stream 4 4 "$LOG/good.log" 4096 1 "$RUN/good.fifo"
wait_state 4 4 error
case $(xenstore-read /libxl/4/logging/4/error) in "file: in use by stream 4/3") ;;
    *) fail "shared file: $(xenstore-read /libxl/4/logging/4/error)";; esac
stream 4 5 "$LOG/other.log" 4096 1 "$RUN/ok1.fifo"
wait_state 4 5 error
case $(xenstore-read /libxl/4/logging/5/error) in "pipe: in use by stream 4/3") ;;
    *) fail "shared pipe: $(xenstore-read /libxl/4/logging/5/error)";; esac
echo "still one" >&3
retry 10 grep -q "still one" "$LOG/good.log" || fail "the first stream lost its FIFO to the second"
[ ! -e "$LOG/other.log" ] || fail "other.log created for a stream on another's FIFO"
xenstore-rm /libxl/4/logging/5
xenstore-write /libxl/4/logging/3/file "$LOG/moved.log" /libxl/4/logging/3/limit 999999
echo "after a rewrite" >&3
retry 10 grep -q "after a rewrite" "$LOG/good.log" || fail "a ready stream followed a rewrite of its nodes"
state_is 4 3 ready || fail "a rewrite of a ready stream's nodes changed its state"
[ ! -e "$LOG/moved.log" ] || fail "a rewrite of a ready stream's file node was taken"

say "an errored stream is retried when a node is rewritten"
xenstore-write /libxl/4/logging/4/file "$LOG/fixed.log"
wait_state 4 4 ready
xenstore-read /libxl/4/logging/4/error 2>/dev/null && fail "stale error node"

say "nothing outside the log dir was created or changed"
[ "$(cat "$OUT/target")" = precious ] || fail "symlink target changed"
[ "$(find "$OUT" | sort | tr '\n' ' ')" = "$OUT $OUT/dir $OUT/dir/x.fifo $OUT/out.fifo $OUT/target " ] ||
    fail "outside dir changed: $(find "$OUT")"
[ ! -e "$T/evil.log" ] || fail "evil.log created"
[ "$(readlink "$LOG/link.log")" = "$OUT/target" ] || fail "symlink replaced"
extra=$(cd "$LOG" && ls | grep -v -x -e good.log -e fixed.log -e link.log -e linkdir -e adir \
        -e hard.log -e hard2.log || true)
[ -z "$extra" ] || fail "unexpected files in the log dir: $extra"
xld_stop
echo ok
