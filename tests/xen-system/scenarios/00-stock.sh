# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash  # sourced by dom0-run.sh after dom0-lib.sh
# 0. Stock Xen, no xenlogd: an HVM guest floods COM1 into
# serial="file:/var/log/xen/stock-serial.log", another an isa-debugcon on
# QEMU's stdout (qemu-dm-stock-dbg.log), for FLOOD_SECONDS: how much the
# files grow; both hold every line.
# Hands over: ser_limit, dbg_limit (1/8 of each flood's stock output over
# FLOOD_SECONDS, at least 1024, unless SER_LIMIT / DBG_LIMIT are set).
step "0. stock Xen, no xenlogd: serial flood into a file, debugcon flood into qemu-dm-stock-dbg.log, ${FLOOD}s"
STOCK_SER=$LOG/stock-serial.log
STOCK_DBG=$(xs_qemu_log stock-dbg)
xs_create stock-serial xs_cfg_hvm_serial "file:$STOCK_SER" "${HVM_EXTRA[@]}" >"$W/create-stock.log" 2>&1 ||
    fatal "xl create stock-serial: $(cat "$W/create-stock.log")"
xs_create stock-dbg xs_cfg_hvm_debugcon "${HVM_EXTRA[@]}" >>"$W/create-stock.log" 2>&1 ||
    fatal "xl create stock-dbg: $(cat "$W/create-stock.log")"
t=$(now)
xs_wait_grep "$STOCK_SER" 'serial-flood line' 180 || fatal "stock serial flood does not start"
xs_wait_grep "$STOCK_DBG" 'debugcon-flood line' 180 || fatal "stock debugcon flood does not start"
fig hvm_floods_start_s "$(secs "$t" "$(now)")"
s0=$(xs_size "$STOCK_SER"); d0=$(xs_size "$STOCK_DBG"); t0=$(now)
sleep "$FLOOD"
s1=$(xs_size "$STOCK_SER"); d1=$(xs_size "$STOCK_DBG"); t1=$(now)
el=$(secs "$t0" "$t1")
fig stock_serial_growth_bytes $((s1 - s0))
fig stock_serial_bytes_per_min "$(per_min $((s1 - s0)) "$el")"
fig stock_serial_MB_per_min "$(mb_per_min $((s1 - s0)) "$el")"
fig stock_debugcon_growth_bytes $((d1 - d0))
fig stock_debugcon_bytes_per_min "$(per_min $((d1 - d0)) "$el")"
fig stock_debugcon_MB_per_min "$(mb_per_min $((d1 - d0)) "$el")"
timeout 120 xl destroy stock-serial || bad "xl destroy stock-serial"
timeout 120 xl destroy stock-dbg || bad "xl destroy stock-dbg"
fig stock_serial_file_bytes "$(xs_size "$STOCK_SER")"
fig stock_debugcon_file_bytes "$(xs_size "$STOCK_DBG")"
for f in "$STOCK_SER" "$STOCK_DBG"; do
    r=$(flood_check "$f" 2>&1 | tail -n 1)
    echo "  $(basename "$f"): $r"
    check "stock: $(basename "$f") holds every line (the guest and QEMU lose nothing)" \
        [ "$(field "$r" gaps)" = 0 -a "$(field "$r" torn)" = 0 -a "$(field "$r" lines)" -gt 0 ]
done
check "stock: the serial file grew without bound ($s0 -> $s1 bytes in $el s)" [ $((s1 - s0)) -gt 0 ]
check "stock: qemu-dm-stock-dbg.log grew without bound ($d0 -> $d1 bytes in $el s)" [ $((d1 - d0)) -gt 0 ]

auto_limit() { awk -v b="$1" -v s="$2" -v f="$FLOOD" 'BEGIN { if (s <= 0) s = 1e9; l = int(b / s * f / 8); if (l < 1024) l = 1024; print l }'; }
put ser_limit "${SER_LIMIT:-$(auto_limit $((s1 - s0)) "$el")}"
put dbg_limit "${DBG_LIMIT:-$(auto_limit $((d1 - d0)) "$el")}"
fig serial_limit "$(get ser_limit)"
fig debugcon_limit "$(get dbg_limit)"
