#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Log files are O_APPEND (issue 9): logrotate's copytruncate, i.e.
# `truncate -s 0` on a live file while it is written, leaves no hole of NUL
# bytes; what is written after the truncation is at the start of the file,
# and the file has room again (no early rotation).
. "$TOP_SRCDIR/tests/lib/common.sh"
t_store
xld_start
stream 0 1 "$LOG/ct.log" 104857600 1
wait_state 0 1 ready
say "a slow writer, truncated three times while it writes"
linegen 5 300000 2000 1<>"$RUN/s.0.1.fifo" 2>"$T/gen.err" & gen=$!; T_PIDS+=($gen)
for k in 1 2 3; do
    retry 20 test -s "$LOG/ct.log" || fail "nothing written"
    truncate -s 0 "$LOG/ct.log"
    retry 20 test -s "$LOG/ct.log" || fail "nothing written after truncation $k"
done
wait $gen || fail "writer"
last=$(awk '{print $2}' "$T/gen.err")
retry 20 sh -c "tail -n 1 '$LOG/ct.log' | grep -q 'N0*$last '" || fail "last line not written"
nuls=$(tr -cd '\000' <"$LOG/ct.log" | wc -c)
size=$(stat -c %s "$LOG/ct.log")
echo "file: $size bytes, NUL bytes: $nuls"
[ "$nuls" = 0 ] || fail "$nuls NUL bytes: a hole after the truncation"
[ "$(head -c 1 "$LOG/ct.log")" != "" ] || fail "empty"
# What remains is whole lines with consecutive numbers (the cut may split the first).
tail -n +2 "$LOG/ct.log" | linecheck 5 || fail "lines after the last truncation"

say "a file truncated from outside has room again: no early rotation"
stream 0 2 "$LOG/small.log" 8192 1
wait_state 0 2 ready
head -c 6000 /dev/zero | tr '\0' 'a' | fold -w 99 >"$T/6k"
cat "$T/6k" 1<>"$RUN/s.0.2.fifo"
retry 10 test "$(stat -c %s "$LOG/small.log")" = "$(stat -c %s "$T/6k")" || fail "first 6 KB"
truncate -s 0 "$LOG/small.log"
cat "$T/6k" 1<>"$RUN/s.0.2.fifo"
retry 10 test "$(stat -c %s "$LOG/small.log")" = "$(stat -c %s "$T/6k")" ||
    fail "after the truncation: $(stat -c %s "$LOG/small.log") bytes"
[ ! -e "$LOG/small.log.1" ] || fail "rotated although the file had room"
xld_stop
