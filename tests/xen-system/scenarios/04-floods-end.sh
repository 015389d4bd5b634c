# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash  # sourced by dom0-run.sh after dom0-lib.sh
# 4. The floods of scenario 2 run to their end (FLOOD_SECONDS from their
# start), the guests are destroyed, the streams drain and finish: at every
# sample of boundwatch and at the end every file is within the limit, at
# most 3 copies, both rotated, the kept lines are consecutive and end with
# the guest's latest output.
# Uses: ser_limit, dbg_limit, t0, ns0, nd0, serid, ser_fifo, serdom, serq,
# dbgdom, dbgid, dbgq.  Hands over: ser_rate (the serial flood's bytes/s
# through xenlogd, for scenario 7).
SER=$LOG/hvm-serial-serial.log
DBG=$(xs_qemu_log hvm-dbg)
SER_LIMIT=$(get ser_limit) DBG_LIMIT=$(get dbg_limit)
T0=$(get t0) NS0=$(get ns0) ND0=$(get nd0)
SERID=$(get serid) SER_FIFO=$(get ser_fifo) SERDOM=$(get serdom) SERQ=$(get serq)
DBGDOM=$(get dbgdom) DBGID=$(get dbgid) DBGQ=$(get dbgq)
step "4. the floods end: the guests are destroyed, the streams drain; bound and kept lines"
rest=$(awk -v t0="$T0" -v n="$(now)" -v f="$FLOOD" 'BEGIN { r = t0 + f - n; if (r < 0) r = 0; printf "%d", r + 0.5 }')
sleep "$rest"
T1=$(now) NS1=$(last_no "$SER") ND1=$(last_no "$DBG")
el=$(secs "$T0" "$T1")
xl list | sed 's/^/  /'
"$B/xenlog" stats | sed 's/^/  /'
guests_alive() { xl list hvm-serial >/dev/null && xl list hvm-dbg >/dev/null && kill -0 "$SERQ" "$DBGQ"; }
check "after the flood: guests and QEMUs alive" guests_alive
check "the guests did not reboot during the flood (domids $SERDOM $DBGDOM)" \
    [ "$(xl domid hvm-serial)" = "$SERDOM" -a "$(xl domid hvm-dbg)" = "$DBGDOM" ]
fig xenlogd_flood_seconds "$el"
put ser_rate "$(awk -v b=$(((NS1 - NS0) * SER_LINE)) -v s="$el" 'BEGIN { r = (s > 0) ? b / s : 0; if (r < 50) r = 50; printf "%d", r }')"
fig xenlogd_serial_bytes $(((NS1 - NS0) * SER_LINE))
fig xenlogd_serial_bytes_per_min "$(per_min $(((NS1 - NS0) * SER_LINE)) "$el")"
fig xenlogd_serial_MB_per_min "$(mb_per_min $(((NS1 - NS0) * SER_LINE)) "$el")"
fig xenlogd_debugcon_bytes $(((ND1 - ND0) * DBG_LINE))
fig xenlogd_debugcon_bytes_per_min "$(per_min $(((ND1 - ND0) * DBG_LINE)) "$el")"
fig xenlogd_debugcon_MB_per_min "$(mb_per_min $(((ND1 - ND0) * DBG_LINE)) "$el")"

step "4. guests destroyed: the streams drain and finish"
timeout 120 xl destroy hvm-serial || bad "xl destroy hvm-serial"
timeout 120 xl destroy hvm-dbg || bad "xl destroy hvm-dbg"
check "xl destroy: xenlogd finished the debugcon stream $DBGDOM/$DBGID" wait_log "stream $DBGDOM/$DBGID: finished" 20
release_stream hvm-serial-serial
check "xenlog run closed the serial stream 0/$SERID" wait_log "stream 0/$SERID: finished" 20
check "the serial stream's FIFO is unlinked by xenlog" [ ! -e "$SER_FIFO" ]
bw_stop serial
bw_stop debugcon
check "serial: no file over $SER_LIMIT, at most $SER_COPIES copies" kept_files_ok "$SER" "$SER_LIMIT" "$SER_COPIES"
check "debugcon: no file over $DBG_LIMIT, at most $DBG_COPIES copies" kept_files_ok "$DBG" "$DBG_LIMIT" "$DBG_COPIES"
ls -l "$LOG" | sed 's/^/  /'
fig xenlogd_serial_on_disk_bytes "$(sizes "$SER")"
fig xenlogd_debugcon_on_disk_bytes "$(sizes "$DBG")"
fig xenlogd_serial_bound_bytes $((SER_LIMIT * (SER_COPIES + 1)))
fig xenlogd_debugcon_bound_bytes $((DBG_LIMIT * (DBG_COPIES + 1)))
fig xenlogd_serial_files "$(ls "$SER" "$SER".* 2>/dev/null | wc -l)"
fig xenlogd_debugcon_files "$(ls "$DBG" "$DBG".* 2>/dev/null | wc -l)"
check "serial: rotated" [ -f "$SER.1" ]
check "debugcon: rotated" [ -f "$DBG.1" ]

for k in serial debugcon; do
    if [ $k = serial ]; then f=$SER c=$SER_COPIES end_no=$NS1
    else f=$DBG c=$DBG_COPIES end_no=$ND1; fi
    joined "$f" "$c" > "$W/joined-$k"
    r=$(flood_check "$W/joined-$k")
    echo "  $k kept: $r"
    first=$(field "$r" first) last=$(field "$r" last) gaps=$(field "$r" gaps)
    lost=$(field "$r" lost) torn=$(field "$r" torn)
    fig "${k}_kept_first_line" "$first"
    fig "${k}_kept_last_line" "$last"
    fig "${k}_kept_lines_lost" "$lost"
    fig "${k}_kept_torn_lines" "$torn"
    check "$k: the kept lines are whole and consecutive (gaps $gaps, lost $lost, torn $torn)" \
        [ "$first" -gt 0 -a "$gaps" = 0 -a "$torn" = 0 ]
    check "$k: the files hold the guest's latest output (last kept $last >= $end_no seen at the end)" \
        [ "$last" -ge "$end_no" ]
done
