#!/bin/bash
# Compressed history through the daemon (node `compress` = zstd,
# docs/protocol.md "Compressed history"): a flood through a stream with a
# small limit; the old copies become f.K.zst in the background; the files'
# st_size sum stays within limit * (copies + 1) at every counted sample
# (.zst.tmp included); `zstdcat f.K.zst .. f.1.zst; cat f` is the tail of
# what was written (whole, consecutive lines ending with the last), more of
# it than the same bound holds uncompressed; `xenlog attach` reads its
# backlog across the compressed copies byte for byte.
. "$TOP_SRCDIR/tests/lib/common.sh"
command -v zstdcat >/dev/null || skip "no zstdcat (package zstd)"
t_store
xld_start
LIMIT=131072 COPIES=4 BOUND=$((131072 * 5))
fifo=$RUN/s.0.1.fifo
mkfifo -m 0600 "$fifo"
xenstore-write -- /libxl/0/logging/1/pipe "$fifo" /libxl/0/logging/1/file "$LOG/z.log" \
    /libxl/0/logging/1/limit $LIMIT /libxl/0/logging/1/copies $COPIES \
    /libxl/0/logging/1/compress zstd
wait_state 0 1 ready

# The watcher: every name of the stream (z.log*), st_size summed; a sample
# counts only if the names and inodes are the same before and after it.
python3 - "$LOG" z.log $BOUND "$T" >"$T/watch" 2>&1 <<'PY' &
import os, sys, signal
d, base, bound = sys.argv[1], sys.argv[2], int(sys.argv[3])
stop = False
def on_term(*_):
    global stop
    stop = True
signal.signal(signal.SIGTERM, on_term)
open(os.path.join(sys.argv[4], "watch.ready"), "w").close()
def names():
    return {e.name: e.inode() for e in os.scandir(d) if e.name.startswith(base)}
samples = skipped = worst = bad = 0
while not stop:
    a = names()
    total = 0
    for n in a:
        try:
            total += os.stat(os.path.join(d, n), follow_symlinks=False).st_size
        except FileNotFoundError:
            pass
    if names() != a:
        skipped += 1
        continue
    samples += 1
    worst = max(worst, total)
    if total > bound:
        bad += 1
        print("over", total, sorted(a), file=sys.stderr)
print(f"samples {samples} skipped {skipped} max_total {worst} violations {bad}")
sys.exit(1 if bad or samples == 0 else 0)
PY
wp=$!; T_PIDS+=($wp)
retry 20 test -e "$T/watch.ready" || fail "the watcher did not start"

# Console-like text (compressible, as QEMU's and a serial console's output
# are), numbered lines, paced at about 8 MB/s so that the worker keeps up (a
# writer faster than it gets raw copies, which push compressed ones out:
# compress.h, and less history).
say "12 MiB of console text through limit $LIMIT x $COPIES copies"
python3 - 12582912 2>"$T/gen.err" 1<>"$fifo" <<'PY' || fail "writer failed"
import sys, time, os
total, n, out = int(sys.argv[1]), 0, 0
while out < total:
    chunk = "".join(f"[{i:09d}] xen-console: vcpu {i % 4} serial output, "
                    f"the guest kernel says hello again\n" for i in range(n, n + 1000))
    os.write(1, chunk.encode())
    out += len(chunk)
    n += 1000
    time.sleep(0.01)
print(n - 1, file=sys.stderr)
PY
last=$(cat "$T/gen.err")
retry 60 sh -c "tail -n 1 '$LOG/z.log' | grep -q '^\[0*$last\]'" || fail "last line never arrived"
# The worker catches up: no .tmp, no raw copy left.
done_compressing() {
    [ ! -e "$LOG/z.log.zst.tmp" ] && ! ls "$LOG" | grep -qE '^z\.log\.[0-9]+$'
}
retry 120 done_compressing || fail "copies not compressed: $(ls "$LOG")"
kill -TERM $wp; wait $wp || fail "bound violated: $(cat "$T/watch")"
cat "$T/watch"

say "the copies joined in order are the tail of the data"
ncopies=$(ls "$LOG" | grep -cE '^z\.log\.[0-9]+\.zst$')
for ((k = ncopies; k >= 1; k--)); do
    [ -f "$LOG/z.log.$k.zst" ] || fail "z.log.$k.zst missing among $ncopies"
done
{ for ((k = ncopies; k >= 1; k--)); do zstdcat -q "$LOG/z.log.$k.zst"; done; cat "$LOG/z.log"; } \
    >"$T/history" || fail "zstdcat failed"
# Whole lines, consecutive, ending with the last written.
python3 - "$T/history" "$last" >"$T/check" <<'PY' || fail "history: $(cat "$T/check") (want last $last)"
import re, sys
line = re.compile(rb"\[(\d{9})\] xen-console: vcpu [0-3] serial output, the guest kernel says hello again\n")
first = prev = None
n = gaps = bad = 0
for l in open(sys.argv[1], "rb"):
    m = line.fullmatch(l)
    if not m:
        bad += 1
        continue
    v = int(m.group(1))
    if prev is not None and v != prev + 1:
        gaps += 1
    first = v if first is None else first
    prev = v
    n += 1
print(f"first {first} last {prev} lines {n} gaps {gaps} bad {bad}")
sys.exit(1 if bad or gaps or prev != int(sys.argv[2]) else 0)
PY
cat "$T/check"
held=$(stat -c %s "$T/history")
disk=$(cat "$LOG"/z.log* | wc -c)
[ "$disk" -le $BOUND ] || fail "$disk bytes on disk, bound $BOUND"
echo "history: $held bytes in $ncopies copies + f; on disk $disk of the $BOUND bound;" \
    "$(awk "BEGIN{printf \"%.2f\", $held / $BOUND}") bytes of history per byte of bound"
[ "$ncopies" -gt "$COPIES" ] || fail "only $ncopies compressed copies: no more history than raw"
[ "$held" -gt $((2 * BOUND)) ] || fail "compressed history ($held) not twice the bound ($BOUND)"

zc=$("$XENLOG" --run-dir "$RUN" stats --json | python3 -c 'import json, sys; d = json.load(sys.stdin)["daemon"]; print(d["compress_copies"], d["compress_in_bytes"], d["compress_out_bytes"])')
read -r zcopies zin zout <<<"$zc"
[ "$zcopies" -ge "$ncopies" ] && [ "$zin" -gt "$zout" ] || fail "stats: compress $zc"
echo "stats: $zcopies copies compressed, $zin -> $zout bytes"

say "attach reads its backlog across the compressed copies"
want=$((LIMIT * 3))
"$XENLOG" --run-dir "$RUN" attach --no-follow --bytes $want 0 1 >"$T/backlog" 2>"$T/attach.err" ||
    fail "attach: $(cat "$T/attach.err")"
tail -c $want "$T/history" | cmp - "$T/backlog" || fail "backlog differs from the history's tail"
echo "backlog of $want bytes across $(( want / LIMIT + 1 )) files: byte-exact"
xld_stop
