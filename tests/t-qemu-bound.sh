#!/bin/bash
# Real QEMU as the producer: Debian's qemu-system-x86_64 (TCG, no disk)
# writes its execution trace (-d in_asm,exec,nochain: tens of MB/s, driven
# by what the guest firmware executes) to stderr, under `xenlog run` with a
# small limit.  At every sample the files stay within limit*(copies+1) and no
# file exceeds limit; afterwards they hold QEMU's real output, up to its
# last line.
. "$TOP_SRCDIR/tests/lib/common.sh"
QEMU=${QEMU:-qemu-system-x86_64}
command -v "$QEMU" >/dev/null || skip "no $QEMU"
SECS=${QEMU_SECS:-8}
LIMIT=262144 COPIES=3
t_store
xld_start

say "QEMU traces for $SECS s into a stream of limit $LIMIT, copies $COPIES"
boundwatch "$LOG" qemu-trace.log $LIMIT $COPIES 2 >"$T/bound" 2>&1 &
bw=$!; T_PIDS+=($bw)
r=0
"$XENLOG" run 0 qemu-trace --limit $LIMIT --copies $COPIES -- \
    timeout -s TERM "$SECS" "$QEMU" -nographic -no-reboot -nodefaults -display none \
    -machine accel=tcg -m 32 -d in_asm,exec,nochain 2>"$T/run.err" || r=$?
# timeout(1) exits 124 when it had to stop QEMU.
[ $r = 124 ] || fail "xenlog run exited $r: $(cat "$T/run.err")"
retry 10 grep -q "stream 0/1: finished" "$T/xenlogd.log" || fail "stream not finished"
kill -TERM $bw; wait $bw || fail "bound violated: $(cat "$T/bound")"
cat "$T/bound"
samples=$(kv samples "$T/bound")
[ "$samples" -gt 100 ] || fail "too few samples: $(cat "$T/bound")"

say "how much QEMU wrote (xenlogd's count), and that it rotated"
fin=$(grep "stream 0/1: finished" "$T/xenlogd.log")
echo "   $fin"
bytes=$(sed -n 's/.*finished (\([0-9]*\) bytes, \([0-9]*\) rotations).*/\1/p' <<<"$fin")
rots=$(sed -n 's/.*finished (\([0-9]*\) bytes, \([0-9]*\) rotations).*/\2/p' <<<"$fin")
echo "   $((bytes / 1048576)) MiB in $SECS s, $rots rotations"
[ "$bytes" -gt $((8 * 1048576)) ] || fail "QEMU wrote only $bytes bytes"
[ "$rots" -gt 10 ] || fail "only $rots rotations"

say "the files: each <= limit, total <= limit*(copies+1), no copy beyond $COPIES"
total=0
for f in "$LOG"/qemu-trace.log*; do
    s=$(stat -c %s "$f"); total=$((total + s))
    [ "$s" -le $LIMIT ] || fail "$f has $s bytes"
done
[ $total -le $((LIMIT * (COPIES + 1))) ] || fail "$total bytes on disk"
[ $total -gt $((LIMIT * COPIES)) ] || fail "only $total bytes kept"
[ ! -e "$LOG/qemu-trace.log.$((COPIES + 1))" ] || fail "too many copies"

say "they hold QEMU's own output, whole lines, ending with its last words"
joined "$LOG/qemu-trace.log" $COPIES >"$T/joined"
grep -q '^Trace 0: 0x' "$T/joined" || fail "no QEMU exec trace lines"
# (in_asm "IN:" blocks only appear while new code is translated: early on)
# QEMU's vCPU thread may trace a line or two after the main thread's last
# words ("Stopped execution of TB chain ..."): they are among the last lines.
tail -n 5 "$LOG/qemu-trace.log" | grep -q "terminating on signal 15" ||
    fail "QEMU's last words not at the end: $(tail -n 5 "$LOG/qemu-trace.log")"
# Where a rotated file ends (docs/protocol.md, "Where it cuts"): after a
# newline, or, when no newline fits (a line longer than the 64 KiB window,
# or a writer that left half a line in the file just before the limit),
# filled to exactly the limit, the line going on in the next file.
for f in "$LOG"/qemu-trace.log.*; do
    s=$(stat -c %s "$f")
    [ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" = '\n' ] || [ "$s" = $LIMIT ] ||
        fail "$f ends mid-line at $s bytes, short of the limit $LIMIT"
done
# Every line is one of QEMU's forms; only the first (its start rotated out of
# the oldest file) may be a piece.
bad=$(tail -n +2 "$T/joined" |
    grep -cvE '^(Trace [0-9]+: 0x|IN: |0x[0-9a-f]+: |-+$|$|qemu-system-x86_64: |.*\[)' || true)
echo "   $(wc -l <"$T/joined") lines kept; $bad not of a known QEMU form"
[ "$bad" = 0 ] || fail "$bad lines not of QEMU's forms (torn or mixed lines?)"
[ -z "$(ls "$RUN" | grep '^xenlog\.' || true)" ] || fail "FIFO left"
xld_stop
echo ok
