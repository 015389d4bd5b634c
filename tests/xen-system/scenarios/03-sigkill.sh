# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash  # sourced by dom0-run.sh after dom0-lib.sh
# 3. SIGKILL of xenlogd KILL_BEFORE_END (20) s before the floods of scenario
# 2 end, OUTAGE_SECONDS (2) without a daemon: guests and QEMUs live on,
# nothing touches the files; a new xenlogd adopts both streams (its log says
# so), state stays ready, data arrives again.  As soon as it does, the files
# are copied (consistently: no rename during the copy) and the numbered
# lines must reach back past the kill point and count up without a gap.
# Uses: t0, serid, serdom, serq, dbgdom, dbgid, dbgq.
SER=$LOG/hvm-serial-serial.log
DBG=$(xs_qemu_log hvm-dbg)
SERID=$(get serid) SERDOM=$(get serdom) SERQ=$(get serq)
DBGDOM=$(get dbgdom) DBGID=$(get dbgid) DBGQ=$(get dbgq)
# the floods run until KILL_BEFORE_END s before their end
rest=$(awk -v t0="$(get t0)" -v n="$(now)" -v f="$FLOOD" -v k="$KILL_BEFORE_END" \
    'BEGIN { r = t0 + f - k - n; if (r < 0) r = 0; printf "%d", r + 0.5 }')
sleep "$rest"

step "3. SIGKILL xenlogd mid-flood, ${OUTAGE}s without it, start it again"
"$B/xenlog" stats | sed 's/^/  /'
kill_xenlogd
tk=$(now)
KS=$(last_no "$SER") KD=$(last_no "$DBG")    # the files do not change now
zs=$(sizes "$SER") zd=$(sizes "$DBG")
echo "  killed at serial line $KS, debugcon line $KD"
sleep "$OUTAGE"
# (xenstore, not xl list: xl takes seconds under TCG, and the files'
# window must still reach back past the kill when data arrives again)
check "without xenlogd: both guests still run (their domains in xenstore)" \
    [ "$(xenstore-read "/local/domain/$SERDOM/name" 2>/dev/null)" = hvm-serial -a \
      "$(xenstore-read "/local/domain/$DBGDOM/name" 2>/dev/null)" = hvm-dbg ]
check "without xenlogd: both QEMUs still run" kill -0 "$SERQ" "$DBGQ"
check "without xenlogd: nothing else writes the files" \
    [ "$(sizes "$SER")" = "$zs" -a "$(sizes "$DBG")" = "$zd" ]
start_xenlogd || fatal "xenlogd did not start again: $(tail -n 5 "$W/xenlogd.log")"
tr=$(now)
fig restart_outage_s "$(secs "$tk" "$tr")"
check "the new xenlogd adopts the serial stream 0/$SERID" wait_log "stream 0/$SERID: adopted" 10
check "the new xenlogd adopts the debugcon stream $DBGDOM/$DBGID" wait_log "stream $DBGDOM/$DBGID: adopted" 10
check "both streams still ready" \
    [ "$(xenstore-read "/libxl/0/logging/$SERID/state")" = ready -a \
      "$(xenstore-read "/libxl/$DBGDOM/logging/$DBGID/state")" = ready ]
ga=0 gb=0
for _ in $(seq 150); do
    [ "$(last_no "$SER")" -gt "$KS" ] && ga=1
    [ "$(last_no "$DBG")" -gt "$KD" ] && gb=1
    [ $ga = 1 ] && [ $gb = 1 ] && break
    sleep 0.1
done
fig restart_data_again_s "$(secs "$tr" "$(now)")"
check "serial data arrives again after the restart" [ $ga = 1 ]
check "debugcon data arrives again after the restart" [ $gb = 1 ]
# What the outage could have lost is checked right away, while the stream's
# kept window still reaches back past the SIGKILL (the bytes written since the
# kill must fit in 3 copies), and again at the end (scenario 4).
for k in serial debugcon; do
    if [ $k = serial ]; then f=$SER c=$SER_COPIES kill_no=$KS ll=$SER_LINE
    else f=$DBG c=$DBG_COPIES kill_no=$KD ll=$DBG_LINE; fi
    snapshot "$f" "$c" "$W/restart-$k" || bad "$k: no consistent copy of the files"
    r=$(flood_check "$W/restart-$k")
    echo "  $k after the restart: $r"
    first=$(field "$r" first) last=$(field "$r" last) lost=$(field "$r" lost)
    fig "restart_lost_lines_$k" "$lost"
    fig "restart_lost_bytes_$k" $((lost * ll))
    check "$k: the files reach back past the SIGKILL (lines $first..$last, killed at $kill_no)" \
        [ "$first" -gt 0 -a "$first" -le "$kill_no" -a "$last" -gt "$kill_no" ]
    check "$k: no line lost or torn across the SIGKILL and restart ($r)" whole_flood "$r"
done
