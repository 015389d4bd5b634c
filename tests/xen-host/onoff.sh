# SPDX-License-Identifier: GPL-2.0-only
# onoff (scenario 5): turned off as the README says, the next `xl create`
# writes libxl's plain qemu-dm-NAME.log as stock Xen does, and the guest
# works; turned on again, the next guest's log is a stream again.
xh_disable
new_guest off1 xs_cfg_pv_qdisk || fail "xl create off1 (turned off)"
check "off: qemu-dm-off1.log is libxl's plain file with QEMU's output" \
    wait_for 120 xh_plain_log_with_output off1
check "off: no stream for off1" [ -z "$(xenstore-list "/libxl/$(domid off1)/logging" 2>/dev/null)" ]
check "off: xl destroy off1" timeout 120 xl destroy off1
xh_enable
new_guest on1 xs_cfg_pv_qdisk || fail "xl create on1 (on again)"
check "on again: qemu-dm-on1.log is a ready stream QEMU writes into" \
    wait_for 120 xh_stream_fed on1
check "on again: xl destroy on1" timeout 120 xl destroy on1
