# SPDX-License-Identifier: GPL-2.0-only
# restart (scenario 3): `systemctl restart xenlogd` while the debugcon guest
# floods: the guest and its QEMU live on, the new daemon adopts the stream,
# and the kept lines reach back past the restart and count up without a gap.
f=/var/log/xen/qemu-dm-flood.log
read -r limit copies s < "$XH_STATE/flood-stream" || { fail "no flood stream (streams.sh)"; xh_end; }
sleep "${RESTART_AFTER:-30}"        # let the flood run (and rotate) first
qpid=$(qemu_pid flood); old=$(systemctl show -P MainPID xenlogd.service)
last0=$(xh_last_line "$f")
t=$(date +%s)
systemctl restart xenlogd.service || fail "systemctl restart xenlogd failed"
new=$(systemctl show -P MainPID xenlogd.service)
figure restart_last_line_before "$last0"
check "a new daemon ($old -> $new), active, advertised" \
    eval '[ "$new" != "$old" ] && systemctl -q is-active xenlogd.service && [ "$(xenstore-read /tool/xenlogd/pid)" = "$new" ]'
check "the stream stays ready" [ "$(xenstore-read "$s/state")" = ready ]
check "new data after the restart" wait_for 120 xh_line_past "$f" $((last0 + 10))
figure restart_to_new_data_s $(( $(date +%s) - t ))
check "the guest lives on" [ -n "$(domid flood)" ]
check "its QEMU lives on (pid $qpid)" kill -0 "$qpid"
xh_no_gap "$f" "$copies" "$last0" restart
