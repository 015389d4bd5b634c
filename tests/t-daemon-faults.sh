#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Real kernel errors on the log files (issue 11.7, docs/protocol.md "Disk full
# and I/O errors"): the log dir is on a FUSE file system (tests/fuse/faultfs.c)
# that fails chosen operations on command: write with EIO, ENOSPC, EDQUOT;
# short writes; rename; open/create. For each: no crash, the writer never
# blocks or gets EPIPE, the FIFO is held, each file within the limit, drops
# counted and marked, everything written after the fault clears is in the files.
# A pipe reader attached throughout sees every byte written, once, in order
# (kept or dropped: docs/control.md). A short write does not make a splice(2)
# short (the kernel writes the rest in the same call); a reader that took
# more than reached the file (sink.h, "ahead") is t-daemon-ahead's.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/lib/faultfs.sh"
t_store
faultfs_mount none
LIMIT=16384 COPIES=3
xld_start
stream 0 1 "$LOG/f/x.log" $LIMIT $COPIES
wait_state 0 1 ready
exec 3<>"$RUN/s.0.1.fifo"       # the writer: held O_RDWR throughout
fifo_pid=$XLD_PID
"$XENLOG" attach --bytes 0 0 1 >"$T/reader" 2>"$T/reader.err" &
reader=$!; T_PIDS+=($reader)
retry 20 readers_are 0 1 1 || fail "the reader did not attach"

lines() { local i; for ((i = 0; i < $2; i++)); do printf '%s %04d %s\n' "$1" "$i" "................................................"; done; }
count() { joined "$LOG/f/x.log" $COPIES | grep -ac "^$1 " || true; }
counted() { [ "$(count "$1")" = "$2" ]; }
bound_kept() {
    local f
    for f in "$LOG"/f/x.log*; do
        [ "$(stat -c %s "$f")" -le $LIMIT ] || { echo "$f: $(stat -c %s "$f") bytes"; return 1; }
    done
}

# phase FAULT REASON: REASON is the marker's, or "" when nothing may be dropped.
phase() {
    local f=$1 why=$2 during after
    say "fault: $f"
    echo "$f" >"$CTL"
    lines "during-$f" 600 >&3 || fail "$f: the writer got an error"
    lines "during-$f" 600 >>"$T/want"
    retry 30 fifo_empty "$RUN/s.0.1.fifo" || fail "$f: the daemon stopped reading the FIFO"
    echo none >"$CTL"
    lines "after-$f" 100 >&3 || fail "$f: the writer got an error"
    lines "after-$f" 100 >>"$T/want"
    retry 30 counted "after-$f" 100 ||
        fail "$f: $(count "after-$f") of 100 lines written after the fault cleared are in the files"
    kill -0 "$XLD_PID" || fail "$f: daemon died"
    [ "$XLD_PID" = "$fifo_pid" ] || fail "$f: another daemon"
    ls -l "/proc/$XLD_PID/fd" | grep -q "s.0.1.fifo" || fail "$f: the FIFO is not held"
    bound_kept || fail "$f: a file over the limit"
    during=$(count "during-$f")
    if [ -n "$why" ]; then
        joined "$LOG/f/x.log" $COPIES | grep -a "^xenlogd: dropped [0-9]* bytes ($why)" >"$T/marker" ||
            fail "$f: no marker line with the reason '$why'"
        echo "$f: $(tail -n 1 "$T/marker"); during the fault $during of 600 lines kept, after it 100 of 100"
    else
        [ "$during" = 600 ] || fail "$f: $during of 600 lines kept, nothing may be dropped"
        echo "$f: 600 of 600 lines kept during the fault, 100 of 100 after it"
    fi
}

phase eio "Input/output error"
phase short ""
phase rename "Input/output error"
phase open "Input/output error"
phase edquot "Disk quota exceeded"
phase enospc "No space left on device"
"$XENLOG" stats --json 0 >"$T/stats" || fail "stats"
grep -o '"dropped_bytes": [0-9]*' "$T/stats"
grep -q '"dropped_bytes": [1-9]' "$T/stats" || fail "drops not counted in the stats"
exec 3>&-

say "the reader saw every byte written, once, in order"
xenstore-rm /libxl/0/logging/1
wait "$reader" || fail "reader: $(cat "$T/reader.err")"
grep -q "too slow" "$T/reader.err" && fail "the reader skipped: $(cat "$T/reader.err")"
cmp "$T/want" "$T/reader" || fail "the reader's bytes are not those written"
echo "reader: $(wc -c <"$T/reader") bytes, exact"
xld_stop
