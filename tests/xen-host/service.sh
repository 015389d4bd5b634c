# SPDX-License-Identifier: GPL-2.0-only
# service (scenario 1): after a boot, xenlogd.service is active, enabled,
# started after the store and ready before xendomains started (systemd's own
# timestamps), its messages are in the journal with their priorities, and
# /tool/xenlogd names its main process.
n=$(ls "$XH_STATE"/boot-seen-* 2>/dev/null | wc -l)
touch "$XH_STATE/boot-seen-$(cat /proc/sys/kernel/random/boot_id)"
figure service_boot_with_package "$((n + 1))"
check "xenlogd.service active" systemctl -q is-active xenlogd.service
check "xenlogd.service enabled" systemctl -q is-enabled xenlogd.service
check "xenlogd.service is Type=notify" [ "$(systemctl show -P Type xenlogd.service)" = notify ]

# mono UNIT PROPERTY: a monotonic timestamp (us) of this boot
mono() { systemctl show -P "$2" "$1"; }
# before A B: both happened (non-zero), A no later than B
before() { [ "${1:-0}" -gt 0 ] && [ "${2:-0}" -ge "$1" ]; }
store_up=$(mono xen.service ActiveEnterTimestampMonotonic)
ld_start=$(mono xenlogd.service InactiveExitTimestampMonotonic)
ld_ready=$(mono xenlogd.service ActiveEnterTimestampMonotonic)
xd_start=$(mono xendomains.service InactiveExitTimestampMonotonic)
figure service_store_up_ms $((store_up / 1000))
figure service_xenlogd_start_ms $((ld_start / 1000))
figure service_xenlogd_ready_ms $((ld_ready / 1000))
figure service_xendomains_start_ms $((xd_start / 1000))
check "xenlogd started after the store was up ($((store_up / 1000)) <= $((ld_start / 1000)) ms)" \
    before "$store_up" "$ld_start"
check "xenlogd ready before xendomains started ($((ld_ready / 1000)) <= $((xd_start / 1000)) ms)" \
    before "$ld_ready" "$xd_start"
check "started by systemd at boot, never by hand (NRestarts $(systemctl show -P NRestarts xenlogd.service))" \
    [ "$ld_start" -lt "$(mono xenhost-agent.service InactiveExitTimestampMonotonic)" ]

pid=$(systemctl show -P MainPID xenlogd.service)
check "/tool/xenlogd/pid is xenlogd.service's main process ($pid)" \
    [ "$(xenstore-read /tool/xenlogd/pid 2>/dev/null)" = "$pid" ]
xenstore-ls /tool/xenlogd 2>/dev/null | sed 's/^/  /'

# journal: the daemon's messages carry their priorities; provoke a warning
# with a stream the daemon must refuse (a file outside its log dir)
xenstore-write /libxl/0/logging/77/pipe /var/run/xen/xh-bad.fifo \
    /libxl/0/logging/77/file /etc/xh-bad.log /libxl/0/logging/77/limit 4096 \
    /libxl/0/logging/77/copies 1
wait_for 30 sh -c '[ "$(xenstore-read /libxl/0/logging/77/state 2>/dev/null)" = error ]'
figure service_refused_stream_error "\"$(xenstore-read /libxl/0/logging/77/error 2>/dev/null)\""
xenstore-rm /libxl/0/logging/77
# jprio RANGE: the daemon's own messages (not systemd's about it) at RANGE
jprio() { journalctl -b "_SYSTEMD_UNIT=xenlogd.service" -p "$1" -o cat --no-pager 2>/dev/null; }
for p in 0 1 2 3 4 5 6 7; do
    n=$(jprio "$p..$p" | wc -l)
    [ "$n" = 0 ] || figure "service_journal_priority_${p}_messages" "$n"
done
jprio 0..7 | tail -n 6 | sed 's/^/  journal: /'
check "journal: the daemon's messages at info/notice (start)" [ -n "$(jprio 5..6)" ]
check "journal: the refused stream at warning or worse" \
    eval 'jprio 0..4 | grep -q "77\|xh-bad\|log dir"'
