# SPDX-License-Identifier: GPL-2.0-only
# flood (scenario 2): the debugcon guest of tests/xen-system floods QEMU's
# stdout, i.e. its qemu-dm-flood.log stream (the policy's qemu-dm default:
# it rotates); boundwatch samples the stream from the first byte until
# bound.sh stops it.
# the flood: boundwatch runs until bound.sh stops it
t=$(date +%s)
xs_cfg_hvm_debugcon flood 'cpus = "1"' > /etc/xen/flood.cfg
xl create /etc/xen/flood.cfg > /tmp/create-flood.log 2>&1 ||
    { fail "xl create flood"; cat /tmp/create-flood.log; }
if wait_for 120 xenstore_ready flood > /dev/null; then
    s=$(xenstore_ready flood)
    read -r limit copies < <(xh_limits flood)
    echo "$limit $copies $s" > "$XH_STATE/flood-stream"
    figure flood_limit "$limit"; figure flood_copies "$copies"
    nohup /host/bin/boundwatch /var/log/xen qemu-dm-flood.log "$limit" "$copies" \
        "${BW_INTERVAL_MS:-20}" > "$XH_STATE/boundwatch.txt" 2>&1 &
    echo $! > "$XH_STATE/boundwatch.pid"
    ok "flood: qemu-dm-flood.log is a ready stream (limit $limit, copies $copies)"
else
    fail "flood: no ready stream for qemu-dm-flood.log"
fi
check "flood: the guest writes (first line in the file)" \
    wait_for 180 grep -q 'flood line' /var/log/xen/qemu-dm-flood.log
figure flood_create_to_first_line_s $(( $(date +%s) - t ))
