#!/bin/bash
# Descriptors short (xenlogd(8), "Descriptors"): under a limit too low for
# every stream's FIFO and file, the files of the streams idle longest are
# closed and opened again by name when their stream writes. Every stream is
# ready, every line reaches its own file even with all writing at once, a
# file moved while closed is followed, SIGHUP still makes a removed file
# anew, a symlink put in its place is not followed, and removal gives every
# descriptor back.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_store
LIM=160
N=100       # 100 FIFOs and 100 files: more than 160
XENLOGD_WRAP="prlimit --nofile=$LIM:$LIM ${XENLOGD_WRAP:-}" xld_start
base_fds=$(fd_count "$XLD_PID")
ls -l "/proc/$XLD_PID/fd" | sed "s/.*[0-9] //" >"$T/fds.before"

say "$N streams under a limit of $LIM descriptors"
args=()
for ((i = 1; i <= N; i++)); do
    mkfifo -m 0600 "$RUN/p.$i"
    args+=("/libxl/1/logging/$i/pipe" "$RUN/p.$i" "/libxl/1/logging/$i/file" "$LOG/p.$i.log"
           "/libxl/1/logging/$i/limit" 65536 "/libxl/1/logging/$i/copies" 2)
done
xenstore-write "${args[@]}"
nready() { xenstore-ls /libxl/1/logging | grep -c 'state = "ready"'; }
all_ready() { [ "$(nready)" -eq "$N" ]; }
retry 60 all_ready || fail "only $(nready) of $N ready"
fds=$(fd_count "$XLD_PID")
echo "descriptors: $base_fds before, $fds with $N streams (limit $LIM)"
[ "$fds" -lt "$LIM" ] || fail "$fds descriptors"
grep -q "descriptors short: closed the files of" "$T/xenlogd.log" || fail "parking not logged"

# open_file I: does the daemon hold stream I's file open?
open_file() { ls -l "/proc/$XLD_PID/fd" | grep -q " $LOG/p.$1.log\$"; }
# line I TEXT: one line into stream I, and it reaches the stream's file.
line() {
    echo "$2" 1<>"$RUN/p.$1"
    retry 10 grep -qx "$2" "$LOG/p.$1.log" || fail "stream $1: '$2' not in its file"
}

say "a line to every stream in turn: each in its own file"
for ((i = 1; i <= N; i++)); do line "$i" "first $i"; done
for ((i = 1; i <= N; i++)); do
    [ "$(cat "$LOG/p.$i.log")" = "first $i" ] || fail "p.$i.log: $(head -c 200 "$LOG/p.$i.log")"
done

say "all $N at once, 3000 lines each (each a 64 KiB limit, 2 copies)"
pids=()
for ((i = 1; i <= N; i++)); do
    linegen "$i" 3000 0 0 1<>"$RUN/p.$i" 2>"$T/gen.$i" & pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a writer failed"; done
for ((i = 1; i <= N; i++)); do
    last=$(awk '{print $2}' "$T/gen.$i")
    f=$LOG/p.$i.log
    retry 20 sh -c "tail -n 1 '$f' | grep -q 'N0*$last '" || fail "$f lacks line $last"
    joined "$f" 2 | grep -v '^first ' | linecheck "$i" >"$T/check" || fail "$f: $(cat "$T/check")"
done
fds=$(fd_count "$XLD_PID")
echo "descriptors after the flood: $fds"
[ "$fds" -lt "$LIM" ] || fail "$fds descriptors"

say "streams 1-3 idle longest, then the others write: 1-3 are closed"
for i in 1 2 3; do line "$i" "before $i"; done
sleep 1.2       # the idle time parking waits for (logpark.c: 1 s)
for ((i = 4; i <= N; i++)); do line "$i" "again $i"; done
for i in 1 2 3; do open_file "$i" && fail "stream $i's file still open"; done

say "moved while closed: the next line goes to a new file, the old one keeps its lines"
r0=$(daemon_stat reopens)
mv "$LOG/p.1.log" "$LOG/p.1.moved"
line 1 "after move"
grep -qx "after move" "$LOG/p.1.moved" && fail "a line went to the moved file"
grep -qx "before 1" "$LOG/p.1.moved" || fail "the moved file lost its line"
retry 10 grep -q "stream 1/1: reopened $LOG/p.1.log (moved or removed)" "$T/xenlogd.log" ||
    fail "the move was not logged"
[ "$(daemon_stat reopens)" = $((r0 + 1)) ] || fail "STATS reopens $(daemon_stat reopens), want $((r0 + 1))"

say "removed while closed, then SIGHUP: made anew"
rm "$LOG/p.2.log"
kill -HUP "$XLD_PID"
retry 10 test -f "$LOG/p.2.log" || fail "no new file after SIGHUP"
retry 10 grep -q "stream 1/2: reopened $LOG/p.2.log (SIGHUP)" "$T/xenlogd.log" || fail "not logged"
line 2 "after hup"

say "a symlink in its place while closed: not followed; writing again once it is gone"
mv "$LOG/p.3.log" "$LOG/p.3.away"
ln -s "$T/elsewhere" "$LOG/p.3.log"
echo "lost line" 1<>"$RUN/p.3"
retry 10 grep -q "stream 1/3: cannot open $LOG/p.3.log again" "$T/xenlogd.log" ||
    fail "the refusal was not logged"
[ ! -e "$T/elsewhere" ] || fail "followed a symlink"
rm "$LOG/p.3.log"
echo "back" 1<>"$RUN/p.3"
retry 10 grep -qx "back" "$LOG/p.3.log" || fail "not written again after the symlink went"
grep -q "^xenlogd: dropped 10 bytes" "$LOG/p.3.log" || fail "no marker for the dropped line: $(cat "$LOG/p.3.log")"
grep -qx "lost line" "$LOG/p.3.away" && fail "the line went to the moved file"

say "removal: every descriptor back"
xenstore-rm /libxl/1
gone() { [ "$(grep -c ': finished' "$T/xenlogd.log")" -eq "$N" ]; }
retry 60 gone || fail "only $(grep -c ': finished' "$T/xenlogd.log") streams finished"
after=$(fds_after "$XLD_PID" "$base_fds")
echo "descriptors after removal: $after (before: $base_fds)"
[ "$after" -le "$base_fds" ] || fail "fd leak: $base_fds before, $after after: $(ls -l "/proc/$XLD_PID/fd" |
    sed "s/.*[0-9] //" | diff "$T/fds.before" - | tr '\n' ' ')"
xld_stop
