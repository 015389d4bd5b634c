#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Disk full (issue 11.7, docs/protocol.md "Disk full and I/O errors"): only
# what cannot be written at the moment it is read is dropped; lines written
# right after room is made (no wait) all reach the file, after the marker.
# On ENOSPC the stream's own oldest copies go first, before any new data.
. "$TOP_SRCDIR/tests/lib/common.sh"
[ "$(id -u)" = 0 ] || skip "needs root to mount a tmpfs"
t_store
mkdir "$LOG/small" "$LOG/rec"
mount -t tmpfs -o size=256k,mode=0755 tmpfs "$LOG/small" || skip "cannot mount tmpfs"
mount -t tmpfs -o size=400k,mode=0755 tmpfs "$LOG/rec" || { umount "$LOG/small"; skip "cannot mount tmpfs"; }
trap 'umount -l "$LOG/small" "$LOG/rec" 2>/dev/null; t_cleanup' EXIT
xld_start
stream 0 1 "$LOG/small/x.log" 1048576 0
wait_state 0 1 ready

say "fill the disk, make room, write 200 lines at once: all of them are kept"
timeout 30 linegen 3 600000 0 0 1<>"$RUN/s.0.1.fifo" 2>/dev/null || fail "writer blocked or failed"
retry 10 grep -q "discarding" "$T/xenlogd.log" || fail "daemon did not notice"
mount -o remount,size=4m "$LOG/small"
lines=$(for ((i = 0; i < 200; i++)); do printf 'after room %03d\n' "$i"; done)
printf '%s\n' "$lines" 1<>"$RUN/s.0.1.fifo"
retry 10 grep -q "after room 199" "$LOG/small/x.log" || fail "the last line after room never arrived"
got=$(grep -ac "^after room " "$LOG/small/x.log")
echo "lines written after room was made: 200, in the file: $got"
[ "$got" = 200 ] || fail "$((200 - got)) lines written after room was made were lost"
grep -a -n '^xenlogd: dropped' "$LOG/small/x.log" | tail -n 1
m=$(grep -a -n '^xenlogd: dropped' "$LOG/small/x.log" | tail -n 1 | cut -d: -f1)
a=$(grep -a -n '^after room 000' "$LOG/small/x.log" | cut -d: -f1)
[ -n "$m" ] && [ "$m" -lt "$a" ] || fail "no marker before the new lines"

say "ENOSPC with old copies: the stream's oldest copies go first"
stream 0 2 "$LOG/rec/y.log" 131072 3          # 4 x 128 KiB > 400 KiB
wait_state 0 2 ready
timeout 60 linegen 6 1048576 20000 0 1<>"$RUN/s.0.2.fifo" 2>"$T/gen6.err" || fail "writer"
last=$(awk '{print $2}' "$T/gen6.err")
retry 20 sh -c "tail -n 1 '$LOG/rec/y.log' | grep -q 'N0*$last '" || fail "newest line not written"
grep -q "stream 0/2: disk full: removed its oldest copy" "$T/xenlogd.log" || fail "no copy reclaimed"
grep "stream 0/2: disk full" "$T/xenlogd.log" | head -n 3
ls -l "$LOG/rec"
kill -0 "$XLD_PID" || fail "daemon died"
xld_stop
