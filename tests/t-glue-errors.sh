#!/bin/bash
# libxl-glue error paths: no daemon, a stale advertisement, no answer
# (timeout), a refusal (from a fake daemon and from xenlogd itself), bad
# arguments.  Each returns the right XENLOG_E_* code, carries the reason,
# and leaves no FIFO and no xenstore node behind.  A file already at a FIFO
# name is never trusted or touched.
. "$TOP_SRCDIR/tests/lib/common.sh"
GC=$TOP_BUILDDIR/tests/glue/glue-client
t_store

# expect CODE TEXT ARGS...: glue-client fails with CODE and TEXT in the message
expect() {
    local code=$1 text=$2 out
    shift 2
    out=$("$GC" "$@" 2>>"$T/gc.err") && fail "succeeded: $* -> $out"
    echo "   $out"
    grep -q "^error=$code: " <<<"$out" || fail "want $code: $out"
    grep -qF -- "$text" <<<"$out" || fail "want '$text' in: $out"
}

# nothing left: no /libxl node, no FIFO in the run dir
clean() {
    xenstore-read /libxl >/dev/null 2>&1 && fail "nodes left: $(xenstore-ls /libxl 2>&1)"
    [ -z "$(ls "$RUN" | grep '^xenlog\.' || true)" ] || fail "FIFOs left: $(ls -l "$RUN")"
}

advertise() {
    xenstore-write /tool/xenlogd/pid "$1" /tool/xenlogd/run-dir "$RUN" \
        /tool/xenlogd/log-dir "$LOG"
}

say "no xenlogd advertised: NODAEMON at once"
expect NODAEMON "xenlogd is not running" open 3 qemu-dm-x
clean

say "advertised pid is dead (xenlogd was killed): NODAEMON"
sh -c 'exit 0' & dead=$!; wait $dead
advertise $dead
expect NODAEMON "is gone" open 3 qemu-dm-x
clean

say "advertised but never answers: TIMEOUT after --timeout, nothing left"
sleep 600 & fake=$!; T_PIDS+=($fake)
advertise $fake
start=$(date +%s%N)
expect TIMEOUT "did not answer for stream 3/1 within 400 ms" --timeout 400 open 3 qemu-dm-x
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "   took $ms ms"
[ $ms -ge 400 ] && [ $ms -lt 3000 ] || fail "timeout took $ms ms"
clean

say "a daemon that answers error: REFUSED with its reason, nothing left"
( for _ in $(seq 200); do
      if xenstore-read /libxl/3/logging/1/copies >/dev/null 2>&1; then
          xenstore-write /libxl/3/logging/1/error "file: a reason from the fake daemon"
          xenstore-write /libxl/3/logging/1/state error
          exit 0
      fi
      sleep 0.02
  done; exit 1 ) &
answerer=$!; T_PIDS+=($answerer)
expect REFUSED "xenlogd refused stream 3/1: file: a reason from the fake daemon" \
    --timeout 5000 open 3 qemu-dm-x
wait $answerer || fail "the fake daemon never saw the stream"
clean
kill $fake; xenstore-rm /tool/xenlogd

xld_start
say "xenlogd refuses a file outside its log dir: its reason, nothing left"
expect REFUSED "xenlogd refused stream 3/1: file:" open 3 "$T/outside.log"
clean
[ ! -e "$T/outside.log" ] || fail "file outside the log dir created"

say "a log dir override that xenlogd does not serve is refused the same way"
mkdir -p "$T/elsewhere"
expect REFUSED "file:" --log-dir "$T/elsewhere" open 3 qemu-dm-x
clean

say "bad arguments: INVAL before anything is made"
expect INVAL "limit 100 out of range" open 3 x 100 1
expect INVAL "copies 100 out of range" open 3 x 4096 100
expect INVAL "bad log name" open 3 a/b
expect INVAL "bad log name" open 3 ..
expect INVAL "control character" open 3 $'a\tb'
expect INVAL "bad domid" open 4294967295 x
expect INVAL "absolute" --run-dir relative/dir open 3 x
clean

say "a file, symlink or FIFO at the next FIFO name is skipped, never reused"
echo keep >"$T/target"
ln -s "$T/target" "$RUN/xenlog.3.1.fifo"
mkfifo -m 0666 "$RUN/xenlog.3.2.fifo"
out=$("$GC" --keep open 3 skip 2>>"$T/gc.err") || fail "$out"
echo "   $out"
grep -q "^id=3 " <<<"$out" || fail "want id 3: $out"
[ "$(cat "$T/target")" = keep ] || fail "symlink target changed"
[ -L "$RUN/xenlog.3.1.fifo" ] || fail "symlink removed"
[ "$(stat -c %a "$RUN/xenlog.3.2.fifo")" = 666 ] || fail "foreign FIFO changed"
"$GC" cleanup 3 2>>"$T/gc.err" || fail "cleanup"
[ -L "$RUN/xenlog.3.1.fifo" ] || fail "cleanup removed a symlink"
xenstore-read /libxl/3/logging >/dev/null 2>&1 && fail "cleanup left /libxl/3/logging"
rm -f "$RUN/xenlog.3.1.fifo" "$RUN/xenlog.3.2.fifo"
xenstore-rm /libxl       # /libxl/$DOMID is the toolstack's: cleanup keeps it
clean

say "the store is gone: STORE error, no crash"
xld_stop
xs_stop
out=$("$GC" open 3 x 2>"$T/store.err") && fail "succeeded without a store"
echo "   $out; logged: $(cat "$T/store.err")"
grep -q "^error=STORE" <<<"$out" || fail "want STORE: $out"
grep -q "xenlog: error: cannot connect to xenstore" "$T/store.err" || fail "not logged"
echo ok
