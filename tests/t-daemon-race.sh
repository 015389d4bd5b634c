#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Swap races (issue 11.1): while streams are adopted (state already "ready"),
# their log files and FIFOs are exchanged (renameat2 RENAME_EXCHANGE, in a
# loop) with hard links to a file and a FIFO outside the dirs. The daemon
# never writes the outside file and never holds either outside object: every
# check is made on the object actually opened.
. "$TOP_SRCDIR/tests/lib/common.sh"
N=${RACE_TRIES:-150}
t_store
mkdir "$LOG/r" "$RUN/r" "$T/outside"
: >"$T/outside/secret"
mkfifo -m 0600 "$T/outside/fifo"
for ((i = 0; i < N; i++)); do mkfifo -m 0600 "$RUN/f$i"; done
: >"$LOG/r/a0"
ln "$T/outside/secret" "$LOG/r/b0"
mkfifo -m 0600 "$RUN/r/a0"
ln "$T/outside/fifo" "$RUN/r/b0"
xld_start
swaploop "$LOG/r" 1 300 >"$T/swaps.log" & T_PIDS+=($!); swap_log=$!
swaploop "$RUN/r" 1 300 >"$T/swaps.run" & T_PIDS+=($!); swap_run=$!

holds_outside() { ls -l "/proc/$XLD_PID/fd" 2>/dev/null | grep -q "$T/outside"; }
handled() { grep -qE "stream $1/$2: (adopted|pipe|file|input)" "$T/xenlogd.log"; }

say "$N streams adopted one after the other on a swapped file, $N on a swapped FIFO"
for ((i = 0; i < N; i++)); do
    xenstore-write "/libxl/1/logging/$i/pipe" "$RUN/f$i" "/libxl/1/logging/$i/file" "$LOG/r/a0" \
        "/libxl/1/logging/$i/limit" 4096 "/libxl/1/logging/$i/copies" 1 \
        "/libxl/1/logging/$i/state" ready \
        "/libxl/2/logging/$i/pipe" "$RUN/r/a0" "/libxl/2/logging/$i/file" "$LOG/g$i" \
        "/libxl/2/logging/$i/limit" 4096 "/libxl/2/logging/$i/copies" 1 \
        "/libxl/2/logging/$i/state" ready
    printf 'line %d\n' "$i" 1<>"$RUN/f$i"
    retry 20 handled 1 "$i" && retry 20 handled 2 "$i" || fail "stream $i not handled"
    ! holds_outside || fail "the daemon holds an object outside its dirs (try $i)"
    [ ! -s "$T/outside/secret" ] || fail "the outside file was written (try $i)"
    xenstore-rm "/libxl/1/logging/$i"
    xenstore-rm "/libxl/2/logging/$i"
done
# Watches are handled in order: once this one is ready, all were handled.
stream 9 1 "$LOG/sentinel.log" 4096 1
wait_state 9 1 ready 60
kill "$swap_log" "$swap_run"; wait "$swap_log" "$swap_run" 2>/dev/null || true
! holds_outside || fail "the daemon holds an object outside its dirs"
kill -0 "$XLD_PID" || fail "daemon died"

adopted=$(grep -c "adopted" "$T/xenlogd.log" || true)
refused=$(grep -cE "stream [12]/[0-9]+: (pipe|file): " "$T/xenlogd.log" || true)
echo "exchanges: $(cat "$T/swaps.log") (files), $(cat "$T/swaps.run") (FIFOs)"
echo "tries: $((2 * N)), adopted: $adopted, refused: $refused"
grep -oE "(pipe|file): [a-z ]+" "$T/xenlogd.log" | sort | uniq -c
[ "$adopted" -gt 0 ] && [ "$refused" -gt 0 ] || fail "the race did not happen (adopted $adopted, refused $refused)"
[ ! -s "$T/outside/secret" ] || { od -c "$T/outside/secret" | head; fail "the outside file was written"; }
xld_stop
