#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-only
# Runs inside the xen-system dom0 (tests/xen-system/boot.sh), started by
# tests/t-dropin-xen.sh: real Xen, real xl create, Debian's libxl with
# xenlog-libxl-dropin.so preloaded, xenlogd serving /run/xen and /var/log/xen.
# /host/bin holds xenlogd, xenlog and the drop-in; /host/lib libxenlog.
set -eu
. /usr/share/xen-system/guests.sh
B=/host/bin OUT=/host/out RUN=/run/xen LOG=/var/log/xen
DROPIN=$B/xenlog-libxl-dropin.so
LIMIT=2048 COPIES=2
FLOOD=${FLOOD_SECONDS:-60}
export LD_LIBRARY_PATH=/host/lib

say() { echo "== $(cut -d' ' -f1 /proc/uptime) $*"; }
fail() { echo "FAIL: $*"; tail -n 30 "$OUT/xenlogd.log" || true; xs_diag || true; exit 1; }
sizes() { local t=0 f s; for f in "$1" "$1".*; do s=$(xs_size "$f"); t=$((t + s)); done; echo $t; }
joined() { local i; for ((i = COPIES; i >= 1; i--)); do [ ! -f "$1.$i" ] || cat "$1.$i"; done; cat "$1"; }

mkdir -p "$RUN" "$LOG"
say "xenlogd starts"
"$B/xenlogd" --foreground --verbose --run-dir "$RUN" --log-dir "$LOG" >"$OUT/xenlogd.log" 2>&1 &
XLD=$!
for _ in $(seq 300); do
    [ "$(xenstore-read /tool/xenlogd/pid 2>/dev/null)" = $XLD ] && break
    sleep 0.1
done
[ "$(xenstore-read /tool/xenlogd/pid 2>/dev/null)" = $XLD ] || fail "xenlogd did not advertise"

say "xl create with the drop-in: HVM guest flooding QEMU's stdout (isa-debugcon)"
xs_cfg_hvm_debugcon hvmdc >/etc/xen/hvmdc.cfg
LD_PRELOAD=$DROPIN XENLOG_LIMIT=$LIMIT XENLOG_COPIES=$COPIES XENLOG_DROPIN_DEBUG=1 \
    xl create /etc/xen/hvmdc.cfg 2>&1 | tee "$OUT/create.log"
[ "${PIPESTATUS[0]}" = 0 ] || fail "xl create failed"
domid=$(xl domid hvmdc)
grep -q "xenlog-dropin: qemu-dm-hvmdc: stream $domid/" "$OUT/create.log" || fail "drop-in did not take qemu-dm-hvmdc"
xenstore-ls "/libxl/$domid/logging" | tee "$OUT/nodes.txt"
id=$(xenstore-list "/libxl/$domid/logging" | head -n 1)
S=/libxl/$domid/logging/$id
[ "$(xenstore-read $S/file)" = "$LOG/qemu-dm-hvmdc.log" ] || fail "file node"
[ "$(xenstore-read $S/state)" = ready ] || fail "state"
[ "$(xenstore-read $S/limit)" = $LIMIT ] || fail "limit"
FIFO=$(xenstore-read $S/pipe)
[ -p "$FIFO" ] || fail "no FIFO $FIFO"
[ -f "$LOG/xl-hvmdc.log" ] && [ ! -p "$LOG/xl-hvmdc.log" ] || fail "xl-hvmdc.log is not libxl's plain file"

say "QEMU's stdout and stderr are the FIFO, O_RDWR; nothing else of the glue leaked into it"
qpid=$(xenstore-read "/local/domain/$domid/image/device-model-pid")
for fd in 1 2; do
    [ "$(readlink /proc/$qpid/fd/$fd)" = "$FIFO" ] || fail "QEMU fd $fd is $(readlink /proc/$qpid/fd/$fd)"
    fl=$(awk '/^flags:/ {print $2}' /proc/$qpid/fdinfo/$fd)
    [ $((8#$fl & 3)) = 2 ] || fail "QEMU fd $fd flags $fl: not O_RDWR"
done
n=$(ls -l /proc/$qpid/fd | grep -c "xenlog\." || true)
[ "$n" = 2 ] || fail "QEMU holds $n descriptors of stream FIFOs"
ls -l /proc/$qpid/fd >"$OUT/qemu-fds.txt"

say "the guest floods for $FLOOD s: the bound holds at every sample"
max=0 samples=0
end=$(( $(cut -d. -f1 /proc/uptime) + FLOOD ))
while [ "$(cut -d. -f1 /proc/uptime)" -lt $end ]; do
    t=$(sizes "$LOG/qemu-dm-hvmdc.log")
    [ "$t" -le $((LIMIT * (COPIES + 1))) ] || fail "$t bytes on disk at a sample"
    [ "$t" -le $max ] || max=$t
    samples=$((samples + 1))
    sleep 0.2
done
ls -l "$LOG" | tee "$OUT/logdir.txt"
echo "samples $samples max_total $max"
[ -f "$LOG/qemu-dm-hvmdc.log.$COPIES" ] || fail "no rotation in $FLOOD s"
[ ! -e "$LOG/qemu-dm-hvmdc.log.$((COPIES + 1))" ] || fail "too many copies"
for f in "$LOG"/qemu-dm-hvmdc.log*; do
    [ "$(xs_size "$f")" -le $LIMIT ] || fail "$f exceeds the limit"
done

say "the kept lines are the guest's, consecutive"
joined "$LOG/qemu-dm-hvmdc.log" >/tmp/joined
range=$(xs_check_numbered /tmp/joined) || fail "flood lines have gaps"
echo "kept flood lines $range"
grep "stream $domid/$id" "$OUT/xenlogd.log" | tail -n 3

say "xl destroy: libxl removes /libxl/$domid, xenlogd finishes the stream"
xl destroy hvmdc
for _ in $(seq 100); do grep -q "stream $domid/$id: finished" "$OUT/xenlogd.log" && break; sleep 0.1; done
grep -q "stream $domid/$id: finished" "$OUT/xenlogd.log" || fail "stream not finished"
xenstore-read "/libxl/$domid" >/dev/null 2>&1 && fail "/libxl/$domid still there"
[ -p "$FIFO" ] || fail "FIFO gone already?"

say "xenlog gc reclaims the FIFO once it is 10 s old"
sleep 11
out=$("$B/xenlog" gc) || fail "xenlog gc: $out"
echo "$out"
[ ! -e "$FIFO" ] || fail "FIFO still there after gc"

say "xenlogd stopped: the drop-in falls back to libxl's own file; the guest starts"
kill -TERM $XLD; wait $XLD || true
xs_cfg_pv_qdisk pvq >/etc/xen/pvq.cfg
LD_PRELOAD=$DROPIN xl create /etc/xen/pvq.cfg 2>&1 | tee "$OUT/create-pvq.log"
[ "${PIPESTATUS[0]}" = 0 ] || fail "xl create without xenlogd failed"
[ ! -s "$OUT/create-pvq.log" ] || ! grep -q xenlog-dropin "$OUT/create-pvq.log" || fail "drop-in noise"
xs_wait_grep "$(xs_console_log pvq)" "pv-guest pvq xvda ok" 240 || fail "pvq did not boot"
[ -f "$LOG/qemu-dm-pvq.log" ] && [ ! -p "$LOG/qemu-dm-pvq.log" ] || fail "qemu-dm-pvq.log is not a plain file"
pvqid=$(xl domid pvq)
xenstore-read "/libxl/$pvqid/logging" >/dev/null 2>&1 && fail "streams made without a daemon"
xs_destroy_all 120 || fail "destroy"
echo ok
