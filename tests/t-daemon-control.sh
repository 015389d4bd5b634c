#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The control socket under load (issue 11.2, 11.4, 11.6; docs/control.md):
# 1,100 idle connections do not lock the admin out and are closed after the
# idle timeout; out of descriptors, the daemon does not spin; a console that
# hangs up while its input waits frees its slot.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_store
S=$RUN/xenlogd.sock
# utime + stime: fields 14 and 15 of proc(5), counted after the ") " that
# ends the command name (which may hold spaces).
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
hz=$(getconf CLK_TCK)

say "1,100 idle connections: xenlog list still works; all are closed after 5 s"
xld_start
# Sockets only: the connections are what must be gone (under valgrind, the
# tool itself opens files of its own meanwhile).
sockets() { find "/proc/$XLD_PID/fd" -lname "socket:*" | wc -l; }
sockets_at_most() { [ "$(sockets)" -le "$1" ]; }
base=$(sockets)
ctlhold "$S" 1100 8 >"$T/hold" & hold=$!; T_PIDS+=($hold)
retry 30 grep -q "^open" "$T/hold" || fail "ctlhold did not connect"
cat "$T/hold"
timeout 10 "$XENLOG" list >"$T/list" 2>&1 || fail "xenlog list refused: $(cat "$T/list")"
wait $hold || fail "ctlhold"
cat "$T/hold"
open=$(awk '/^open/ {print $2}' "$T/hold")
closed=$(awk '/^closed/ {print $2}' "$T/hold")
[ "$open" = 1100 ] || fail "only $open connections made"
[ "$closed" = "$open" ] || fail "$closed of $open idle connections closed after 8 s"
retry 10 sockets_at_most "$base" || fail "sockets: $(sockets), were $base"
xld_stop

say "descriptor limit 64 and 100 clients waiting: no busy loop, the admin gets in"
XENLOGD_WRAP="prlimit --nofile=64:64" xld_start
ctlhold "$S" 100 6 >"$T/hold64" & hold=$!; T_PIDS+=($hold)
retry 30 grep -q "^open" "$T/hold64" || fail "ctlhold did not connect"
t0=$(cpu_ticks "$XLD_PID")
sleep 3
t1=$(cpu_ticks "$XLD_PID")
cpu_ms=$(( (t1 - t0) * 1000 / hz ))
echo "daemon CPU over 3 s with its descriptors exhausted: $cpu_ms ms"
[ "$cpu_ms" -lt 600 ] || fail "the daemon spins: $cpu_ms ms of CPU in 3 s"
timeout 10 "$XENLOG" list >"$T/list" 2>&1 || fail "xenlog list at the descriptor limit: $(cat "$T/list")"
wait $hold || true
kill -0 "$XLD_PID" || fail "daemon died"
xld_stop

say "a console that hangs up while the guest does not read frees the slot"
xld_start
"$XENLOG" serial 0 noreader >"$T/serial" || fail "xenlog serial"
read -r id path <"$T/serial"
msgs=()
for ((i = 0; i < 24; i++)); do msgs+=(inputn:4096); done  # 96 KiB: the FIFO holds 64
timeout 20 ctlraw "$S" "console:0,$id,0,1" "${msgs[@]}" >"$T/c1" || true
head -n 1 "$T/c1" | grep -q "^OK" || fail "first console: $(cat "$T/c1")"
grep -q "stream 0/$id: input FIFO full" "$T/xenlogd.log" || fail "the input FIFO did not fill"
timeout 20 ctlraw "$S" "console:0,$id,0,1" >"$T/c2" || true
head -n 1 "$T/c2" | grep -q "^OK" || fail "second console after the first hung up: $(cat "$T/c2")"
xld_stop
