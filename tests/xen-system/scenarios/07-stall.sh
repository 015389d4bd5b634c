# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash  # sourced by dom0-run.sh after dom0-lib.sh
# 7. The reader stalls under a flooding guest: xenlogd is restarted with
# --fifo-size 4096 (the smallest FIFO, so that a TCG guest fills it in
# seconds); an HVM guest floods COM1 (serial="file:FIFO") into a stream large
# enough to keep every line; xenlogd is stopped (SIGSTOP) long enough for the
# guest to write the FIFO's room 2.5 times (from the flood's rate through
# xenlogd, 10-75 s).  Nothing reaches the file meanwhile; right after
# SIGCONT the FIFO gives at least 4000 bytes at once (it was full: the guest
# had more to say); the guest lives, the flood goes on, and every line from
# the first is in the file, consecutive: the guest waited on its UART, QEMU
# dropped nothing.
# Uses: ser_rate.
step "7. the reader stalls under a flooding guest: the guest waits, nothing is lost"
SER_RATE=$(get ser_rate)
stop_xenlogd
start_xenlogd --fifo-size 4096 || fatal "xenlogd --fifo-size 4096 did not start: $(tail -n 5 "$W/xenlogd.log")"
STALL=$LOG/hvm-stall-serial.log
hold_stream hvm-stall-serial 16777216 1 >"$W/held-stall"
read -r STID STFIFO <"$W/held-stall"
[ -n "${STFIFO:-}" ] ||
    fatal "xenlog run did not open the stream hvm-stall-serial: $(cat "$W/holder-hvm-stall-serial.log")"
xs_cfg_hvm_serial hvm-stall "file:$STFIFO" "${HVM_EXTRA[@]}" >/etc/xen/hvm-stall.cfg
timeout 180 xl create /etc/xen/hvm-stall.cfg >"$W/create-stall.log" 2>&1 ||
    fatal "xl create hvm-stall: $(cat "$W/create-stall.log")"
xs_wait_grep "$STALL" 'serial-flood line' 180 || fatal "the flood does not reach $STALL"
STDOM=$(xl domid hvm-stall)
# long enough to write the FIFO's room 2.5 times at this flood's rate through xenlogd
hold=$(awk -v r="$SER_RATE" 'BEGIN { h = int(2.5 * 4096 / r) + 1; if (h < 10) h = 10; if (h > 75) h = 75; print h }')
sleep 2
n0=$(last_no "$STALL")
kill -STOP "$XLD"
sz0=$(xs_size "$STALL")
sleep "$hold"
alive_dom=$([ "$(xenstore-read "/local/domain/$STDOM/name" 2>/dev/null)" = hvm-stall ] && echo 1)
sz1=$(xs_size "$STALL")
kill -CONT "$XLD"
sleep 1     # "at once": what the FIFO gives in the first second
sz2=$(xs_size "$STALL")
echo "  xenlogd stopped $hold s at serial line $n0 (the flood ran at $SER_RATE B/s through xenlogd; FIFO 4096 B)"
echo "  the FIFO gave $((sz2 - sz1)) B at once after SIGCONT"
check "nothing reached the file while xenlogd was stopped" [ "$sz0" = "$sz1" ]
check "the FIFO was full when xenlogd came back ($((sz2 - sz1)) B in the first second, >= 4000)" \
    [ $((sz2 - sz1)) -ge 4000 ]
fig stall_seconds "$hold"
check "the guest lives through the stall" [ -n "$alive_dom" ]
for _ in $(seq 150); do [ "$(last_no "$STALL")" -gt $((n0 + 150)) ] && break; sleep 0.2; done
n1=$(last_no "$STALL")
check "the flood goes on after the stall (line $n0 -> $n1)" [ "$n1" -gt $((n0 + 150)) ]
timeout 120 xl destroy hvm-stall || bad "xl destroy hvm-stall"
release_stream hvm-stall-serial
wait_log "stream 0/$STID: finished" 20 || bad "the stall stream did not finish"
r=$(flood_check "$STALL")
echo "  kept: $r"
fig stall_lost_lines "$(field "$r" lost)"
check "every line from the first on is there, none torn ($r)" \
    [ "$(field "$r" first)" -le 2 -a "$(field "$r" gaps)" = 0 -a "$(field "$r" torn)" = 0 -a "$(field "$r" last)" -ge "$n1" ]
