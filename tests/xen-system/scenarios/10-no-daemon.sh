# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash  # sourced by dom0-run.sh after dom0-lib.sh
# 10. No daemon (after scenario 9's SIGTERM): `xl create` of a PV qdisk
# guest with the drop-in still preloaded falls back to libxl's own plain
# qemu-dm-NAME.log, silently; the guest boots; no stream, no FIFO.
step "10. xenlogd stopped: xl create with the drop-in falls back to libxl's own file"
xs_cfg_pv_qdisk pvf >/etc/xen/pvf.cfg
LD_PRELOAD=$DROPIN timeout 180 xl create /etc/xen/pvf.cfg >"$W/create-pvf.log" 2>&1
r=$?
cat "$W/create-pvf.log"
check "xl create without xenlogd succeeds ($r)" [ $r = 0 ]
check "the drop-in stays silent without XENLOG_DROPIN_DEBUG" not grep -q xenlog-dropin "$W/create-pvf.log"
check "pvf boots and reads its qdisk disk" xs_wait_grep "$(xs_console_log pvf)" "pv-guest pvf xvda ok" 240
PVFLOG=$(xs_qemu_log pvf)
check "qemu-dm-pvf.log is libxl's plain file" [ -f "$PVFLOG" -a ! -p "$PVFLOG" ]
PVF=$(xl domid pvf 2>/dev/null)
check "no stream made without a daemon" not node_exists "/libxl/${PVF:-x}/logging"
check "no stream FIFO made without a daemon" [ "$(ls "$RUN"/xenlog.*.fifo 2>/dev/null | wc -l)" = 0 ]
timeout 120 xl destroy pvf || bad "xl destroy pvf"
