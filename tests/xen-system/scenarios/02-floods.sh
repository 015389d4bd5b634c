# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash  # sourced by dom0-run.sh after dom0-lib.sh
# 2. The two floods of scenario 0, through xenlogd: `xenlog run 0
# hvm-serial-serial --limit L --copies 3 -- sleep 100000` opens a stream and
# keeps it (domain 0: the FIFO path must be in the guest's config before the
# guest has a domid) and the guest gets serial="file:FIFO"; the drop-in gives
# the debugcon guest's QEMU the stream qemu-dm-hvm-dbg.log (XENLOG_LIMIT,
# XENLOG_COPIES=3).  boundwatch samples each stream every 20 ms from before
# the first byte until scenario 4 ends it.
# Uses: ser_limit, dbg_limit.  Hands over (to 3, 4, 9): serid, ser_fifo,
# serdom, serq, dbgdom, dbgid, dbg_fifo, dbgq, t0, ns0, nd0; still running:
# the guests hvm-serial and hvm-dbg, holder-hvm-serial-serial, bw-serial,
# bw-debugcon.
SER=$LOG/hvm-serial-serial.log
DBG=$(xs_qemu_log hvm-dbg)
SER_LIMIT=$(get ser_limit) DBG_LIMIT=$(get dbg_limit)
step "2. floods through xenlogd: COM1 into a stream (serial=$SERIAL_CHARDEV:FIFO), debugcon via the drop-in"
# (no process substitution: dom0 has no /dev/fd)
hold_stream hvm-serial-serial "$SER_LIMIT" "$SER_COPIES" >"$W/held-serial"
read -r SERID SER_FIFO <"$W/held-serial"
[ -n "${SER_FIFO:-}" ] ||
    fatal "xenlog run did not open the stream hvm-serial-serial: $(cat "$W/holder-hvm-serial-serial.log")"
put serid "$SERID"; put ser_fifo "$SER_FIFO"
echo "  serial stream 0/$SERID: $SER_FIFO -> $SER (limit $SER_LIMIT, copies $SER_COPIES)"
bw_start serial hvm-serial-serial.log "$SER_LIMIT" "$SER_COPIES"
xs_cfg_hvm_serial hvm-serial "$SERIAL_CHARDEV:$SER_FIFO" "${HVM_EXTRA[@]}" >/etc/xen/hvm-serial.cfg
xs_cfg_hvm_debugcon hvm-dbg "${HVM_EXTRA[@]}" >/etc/xen/hvm-dbg.cfg
t=$(now)
LD_PRELOAD=$DROPIN XENLOG_DROPIN_DEBUG=1 XENLOG_LIMIT=$DBG_LIMIT XENLOG_COPIES=$DBG_COPIES \
    timeout 180 xl create /etc/xen/hvm-serial.cfg >"$W/create-hvm.log" 2>&1 ||
    fatal "xl create hvm-serial: $(cat "$W/create-hvm.log")"
LD_PRELOAD=$DROPIN XENLOG_DROPIN_DEBUG=1 XENLOG_LIMIT=$DBG_LIMIT XENLOG_COPIES=$DBG_COPIES \
    timeout 180 xl create /etc/xen/hvm-dbg.cfg >>"$W/create-hvm.log" 2>&1 ||
    fatal "xl create hvm-dbg: $(cat "$W/create-hvm.log")"
cat "$W/create-hvm.log"
bw_start debugcon "$(basename "$DBG")" "$DBG_LIMIT" "$DBG_COPIES"
xs_wait_grep "$SER" 'serial-flood line' 180 || fatal "serial flood does not reach $SER"
xs_wait_grep "$DBG" 'debugcon-flood line' 180 || fatal "debugcon flood does not reach $DBG"
ok "both floods reach their streams' files"
fig hvm_floods_start_xenlogd_s "$(secs "$t" "$(now)")"
xl list | sed 's/^/  /'
# (domids now: a guest that rebooted while booting has a new one)
SERDOM=$(xl domid hvm-serial) DBGDOM=$(xl domid hvm-dbg)
DBGID=$(stream_of "$DBGDOM" "$DBG")
[ -n "$DBGID" ] || fatal "no stream of domain $DBGDOM writes $DBG"
DBG_FIFO=$(xenstore-read "/libxl/$DBGDOM/logging/$DBGID/pipe")
echo "  debugcon stream $DBGDOM/$DBGID: $DBG_FIFO -> $DBG (limit $DBG_LIMIT, copies $DBG_COPIES)"
SERQ=$(dm_pid "$SERDOM") DBGQ=$(dm_pid "$DBGDOM")
put serdom "$SERDOM"; put serq "$SERQ"
put dbgdom "$DBGDOM"; put dbgid "$DBGID"; put dbg_fifo "$DBG_FIFO"; put dbgq "$DBGQ"
check "hvm-dbg's QEMU (pid $DBGQ) has the stream FIFO as stdout and stderr, O_RDWR" qemu_fds_rdwr "$DBGQ" "$DBG_FIFO"
fd=$(fd_to "$SERQ" "$SER_FIFO")
check "hvm-serial's QEMU (pid $SERQ) writes COM1 into the serial stream's FIFO (fd ${fd:--})" [ -n "$fd" ]
[ -z "$fd" ] || echo "  its flags: $(fd_flags "$SERQ" "$fd") (01 O_WRONLY, 02 O_RDWR)"
put t0 "$(now)"; put ns0 "$(last_no "$SER")"; put nd0 "$(last_no "$DBG")"
