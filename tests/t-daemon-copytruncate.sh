#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Log files are O_APPEND (issue 9): logrotate's copytruncate, i.e.
# `truncate -s 0` on a live file while it is written, leaves no hole of NUL
# bytes; what is written after the truncation is at the start of the file,
# and the file has room again (no early rotation).
# A truncation that falls between the daemon's fstat and the splice after it
# may still leave a hole (docs/protocol.md): a race a test cannot aim at
# (valgrind's slow daemon once hit it), so each truncation here comes between
# two writes, once the FIFO is drained; a daemon writing where it last left
# off, not at the file's real end, leaves a hole at every one.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_store
xld_start
stream 0 1 "$LOG/ct.log" 104857600 1
wait_state 0 1 ready
say "four batches of lines, the file truncated between them"
last=-1
for k in 1 2 3 4; do
    [ $k = 1 ] || truncate -s 0 "$LOG/ct.log"
    from=$((last + 1))
    linegen 5 100000 0 $from 1<>"$RUN/s.0.1.fifo" 2>"$T/gen.err" || fail "writer"
    last=$(kv last "$T/gen.err")
    retry 20 fifo_empty "$RUN/s.0.1.fifo" || fail "batch $k: the daemon did not drain the FIFO"
done
nuls=$(tr -cd '\000' <"$LOG/ct.log" | wc -c)
size=$(stat -c %s "$LOG/ct.log")
echo "file: $size bytes, NUL bytes: $nuls, lines $from..$last"
[ "$nuls" = 0 ] || fail "$nuls NUL bytes: a hole after the truncation"
# Exactly the last batch, from the file's first byte: whole lines, in order.
head -n 1 "$LOG/ct.log" | grep -q "N0*$from " || fail "first line: $(head -c 80 "$LOG/ct.log")"
tail -n 1 "$LOG/ct.log" | grep -q "N0*$last " || fail "last line: $(tail -n 1 "$LOG/ct.log" | head -c 80)"
linecheck 5 <"$LOG/ct.log" || fail "the last batch's lines"

say "a file truncated from outside has room again: no early rotation"
stream 0 2 "$LOG/small.log" 8192 1
wait_state 0 2 ready
head -c 6000 /dev/zero | tr '\0' 'a' | fold -w 99 >"$T/6k"
cat "$T/6k" 1<>"$RUN/s.0.2.fifo"
retry 10 size_is "$LOG/small.log" "$(stat -c %s "$T/6k")" || fail "first 6 KB"
truncate -s 0 "$LOG/small.log"
cat "$T/6k" 1<>"$RUN/s.0.2.fifo"
retry 10 size_is "$LOG/small.log" "$(stat -c %s "$T/6k")" ||
    fail "after the truncation: $(stat -c %s "$LOG/small.log") bytes"
[ ! -e "$LOG/small.log.1" ] || fail "rotated although the file had room"
xld_stop
