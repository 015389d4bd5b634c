#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# baseline.sh - stock Xen, no xenlogd: how do guest logs behave today?
#
# Runs in the xen-system dom0 (via boot.sh).  Started on the host it boots
# Xen itself:   tests/xen-system/baseline.sh     (FLOOD_SECONDS=60 by default)
#
# Creates a PV guest, a PV guest with a qdisk disk (libxl starts QEMU as its
# device model; its log must get output), an HVM guest flooding COM1 into
# serial="file:...", and an HVM guest flooding an isa-debugcon on QEMU's stdout
# (= libxl's qemu-dm-NAME.log).  After FLOOD_SECONDS it reports how much the
# serial file and the qemu-dm log grew, as "FIGURE name value" lines, checks
# the flood lines are numbered without gaps, and destroys the guests.
set -eu

if ! grep -qs control_d /proc/xen/capabilities; then
    here=$(cd "$(dirname "$0")" && pwd)
    exec "$here/boot.sh" -e "FLOOD_SECONDS=${FLOOD_SECONDS:-60}" \
        ${XEN_SYSTEM_SHARE:+--share "$XEN_SYSTEM_SHARE"} "$0"
fi

. /usr/share/xen-system/guests.sh
FLOOD_SECONDS=${FLOOD_SECONDS:-60}
SERIAL_FILE=$XS_LOGDIR/hvm-serial-serial.log
FAILED=0

now() { cut -d' ' -f1 /proc/uptime; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
step() { echo "== $(now) $*"; }
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; FAILED=1; }
trap 'echo "baseline.sh: error at line $LINENO" >&2' ERR

T0=$(now)
step "PV guest"
t=$(now)
xs_create pv xs_cfg_pv
if xs_wait_grep "$(xs_console_log pv)" "pv-guest pv line 1" 180; then
    ok "PV guest prints on its console"
    xs_figure pv_guest_first_line_s "$(secs "$t" "$(now)")"
else
    bad "PV guest silent"
fi

step "PV guest with a qdisk disk (QEMU device model)"
t=$(now)
xs_create pvq xs_cfg_pv_qdisk
if xs_wait_grep "$(xs_console_log pvq)" "pv-guest pvq xvda ok" 180; then
    ok "PV guest reads its qdisk disk"
    xs_figure pv_qdisk_disk_ok_s "$(secs "$t" "$(now)")"
else
    bad "PV guest has no working xvda"
fi
if [ -n "$(xs_pgrep 'xen-qemu-system-i386.*-xen-domid')" ]; then
    ok "libxl started the device model"
else
    bad "no device model process"
fi
QDLOG=$(xs_qemu_log pvq)
if grep -q 'xen_' "$QDLOG" 2>/dev/null; then
    ok "device model log $QDLOG has trace output"
else
    bad "device model log $QDLOG has no xen_* trace output"
fi
xs_figure pv_qdisk_qemu_dm_log_bytes "$(xs_size "$QDLOG")"

step "HVM guests: serial flood into a file, debugcon flood into qemu-dm log"
t=$(now)
xs_create hvm-serial xs_cfg_hvm_serial "file:$SERIAL_FILE"
xs_create hvm-dbg xs_cfg_hvm_debugcon
DBGLOG=$(xs_qemu_log hvm-dbg)
xs_wait_grep "$SERIAL_FILE" 'serial-flood line' 180 && ok "serial flood running" || bad "no serial flood"
xs_wait_grep "$DBGLOG" 'debugcon-flood line' 180 && ok "debugcon flood running" || bad "no debugcon flood"
xs_figure hvm_floods_running_s "$(secs "$t" "$(now)")"
xl list

step "flooding for ${FLOOD_SECONDS}s"
s0=$(xs_size "$SERIAL_FILE"); d0=$(xs_size "$DBGLOG"); t0=$(now)
sleep "$FLOOD_SECONDS"
s1=$(xs_size "$SERIAL_FILE"); d1=$(xs_size "$DBGLOG"); t1=$(now)
el=$(secs "$t0" "$t1")
per_min() { awk -v b="$1" -v s="$el" 'BEGIN { printf "%d", b * 60 / s }'; }
xs_figure flood_seconds "$el"
xs_figure serial_file_growth_bytes $((s1 - s0))
xs_figure serial_file_bytes_per_min "$(per_min $((s1 - s0)))"
xs_figure serial_file_total_bytes "$s1"
xs_figure qemu_dm_log_growth_bytes $((d1 - d0))
xs_figure qemu_dm_log_bytes_per_min "$(per_min $((d1 - d0)))"
xs_figure qemu_dm_log_total_bytes "$d1"
[ $((s1 - s0)) -gt 0 ] || bad "serial file did not grow"
[ $((d1 - d0)) -gt 0 ] || bad "qemu-dm log did not grow"

if r=$(xs_check_numbered "$SERIAL_FILE"); then
    ok "serial file lines numbered $r without gaps"
    xs_figure serial_file_lines "$(echo "$r" | awk '{ print $2 - $1 + 1 }')"
else
    bad "serial file lines not consecutive"
fi
if r=$(xs_check_numbered "$DBGLOG"); then
    ok "qemu-dm log lines numbered $r without gaps"
    xs_figure qemu_dm_log_lines "$(echo "$r" | awk '{ print $2 - $1 + 1 }')"
else
    bad "qemu-dm log lines not consecutive"
fi

step "collecting logs (tails) into /host/out/logs"
if [ -d /host/out ]; then
    mkdir -p /host/out/logs
    for f in "$XS_LOGDIR"/*.log "$XS_LOGDIR"/console/*.log /etc/xen/*.cfg; do
        [ -f "$f" ] && tail -c 65536 "$f" > "/host/out/logs/$(basename "$f")"
    done
    ls -l "$XS_LOGDIR" "$XS_LOGDIR/console" > /host/out/logs/ls.txt
fi

step "destroying the guests"
xs_destroy_all 120 || bad "xl destroy failed or hung"
sleep 2
left=$(xl list | awk 'NR > 2' | wc -l)
[ "$left" -eq 0 ] && ok "all guests gone" || bad "$left guests left"
[ -n "$(xs_pgrep '^/usr/libexec/xen-qemu-system-i386')" ] && bad "device models still running" || ok "device models gone"
xs_figure baseline_total_s "$(secs "$T0" "$(now)")"
[ "$FAILED" = 0 ] && echo "baseline: PASS" || echo "baseline: FAIL"
exit "$FAILED"
