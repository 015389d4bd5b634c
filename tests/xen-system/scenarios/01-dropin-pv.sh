# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash  # sourced by dom0-run.sh after dom0-lib.sh
# 1. xenlogd (--foreground --run-dir /var/run/xen --log-dir /var/log/xen)
# starts under Landlock and seccomp; `xl create` with the drop-in preloaded
# of a PV guest with a qdisk disk: libxl's QEMU (-trace enable=xen_*) gets a
# stream (state ready), its fds 1 and 2 are the FIFO, O_RDWR, and it holds
# no other descriptor of the glue; xl-pvq.log stays libxl's plain file; its
# output reaches qemu-dm-pvq.log.  `xl destroy`: xenlogd finishes the
# stream, /libxl/$DOMID is gone, the log stays, the FIFO stays until gc.
# Hands over: pvq_fifo (gone after `xenlog gc`, scenario 9).
step "1. xenlogd starts; a PV guest with a qdisk disk: libxl's QEMU logs through a stream (drop-in)"
start_xenlogd || fatal "xenlogd did not start/advertise: $(tail -n 5 "$W/xenlogd.log")"
ok "xenlogd runs (pid $XLD) and advertises itself"
grep 'sandbox:' "$W/xenlogd.log" | sed 's/^/  /'
check "xenlogd on Xen's dom0 kernel: Landlock and seccomp in force" grep -q 'sandbox: landlock ABI [0-9]*, seccomp on' "$W/xenlogd.log"
check "every thread of xenlogd is filtered (Seccomp: 2, NoNewPrivs: 1)" sandboxed

xs_cfg_pv_qdisk pvq >/etc/xen/pvq.cfg
LD_PRELOAD=$DROPIN XENLOG_DROPIN_DEBUG=1 timeout 180 xl create /etc/xen/pvq.cfg >"$W/create-pvq.log" 2>&1 ||
    fatal "xl create pvq: $(cat "$W/create-pvq.log")"
cat "$W/create-pvq.log"
PVQ=$(xl domid pvq) || fatal "no domain pvq"
PVQLOG=$(xs_qemu_log pvq)
check "drop-in took qemu-dm-pvq" grep -q "xenlog-dropin: qemu-dm-pvq: stream $PVQ/" "$W/create-pvq.log"
PVQID=$(stream_of "$PVQ" "$PVQLOG")
[ -n "$PVQID" ] || fatal "no stream of domain $PVQ writes $PVQLOG: $(xenstore-ls /libxl 2>&1)"
S=/libxl/$PVQ/logging/$PVQID
xenstore-ls "/libxl/$PVQ/logging" | sed 's/^/  /'
check "stream $PVQ/$PVQID: state ready" [ "$(xenstore-read $S/state)" = ready ]
PVQ_FIFO=$(xenstore-read $S/pipe)
put pvq_fifo "$PVQ_FIFO"
check "stream $PVQ/$PVQID: FIFO $PVQ_FIFO exists" [ -p "$PVQ_FIFO" ]
qp=$(dm_pid "$PVQ")
check "pvq's QEMU (pid $qp) has the FIFO as stdout and stderr, O_RDWR" qemu_fds_rdwr "$qp" "$PVQ_FIFO"
n=$(glue_fds "$qp")
check "pvq's QEMU holds no other descriptor of the glue ($n of stream FIFOs, 2 expected)" [ "$n" = 2 ]
check "xl's own log xl-pvq.log stays libxl's plain file" [ -f "$LOG/xl-pvq.log" -a ! -p "$LOG/xl-pvq.log" ]
check "pvq boots and reads its qdisk disk" xs_wait_grep "$(xs_console_log pvq)" "pv-guest pvq xvda ok" 240
check "QEMU's output (xen_* trace) reaches $PVQLOG" xs_wait_grep "$PVQLOG" 'xen_' 60
check "$PVQLOG is a regular file" [ -f "$PVQLOG" ]
"$B/xenlog" list "$PVQ" | sed 's/^/  /'
fig pvq_qemu_log_bytes "$(xs_size "$PVQLOG")"
timeout 120 xl destroy pvq || bad "xl destroy pvq"
check "xl destroy: xenlogd finished stream $PVQ/$PVQID" wait_log "stream $PVQ/$PVQID: finished" 20
check "xl destroy: /libxl/$PVQ is gone" not node_exists "/libxl/$PVQ"
check "xl destroy: the log $PVQLOG stays, with QEMU's output" grep -q 'xen_' "$PVQLOG"
check "xl destroy: the FIFO stays until gc" [ -p "$PVQ_FIFO" ]
