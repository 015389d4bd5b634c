# SPDX-License-Identifier: GPL-2.0-only
# streams (scenario 2): the guest xendomains started at boot (/etc/xen/auto)
# and a guest created by a plain `xl create` (no environment, no wrapper
# typed) both have qemu-dm-NAME.log as a ready stream that QEMU writes into.
check "xendomains.service active" systemctl -q is-active xendomains.service
check "guest auto1 running, started at boot by xendomains" \
    eval 'journalctl -b -u xendomains.service --no-pager | grep -q auto1 && [ -n "$(domid auto1)" ]'
check "auto1 (xendomains): qemu-dm-auto1.log is a ready stream QEMU writes into" \
    wait_for 120 xh_stream_fed auto1
figure streams_auto1_stream "$(xenstore_ready auto1)"

t=$(date +%s)
xs_cfg_pv_qdisk plain1 > /etc/xen/plain1.cfg
env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    xl create /etc/xen/plain1.cfg > /tmp/create-plain1.log 2>&1 ||
    { fail "xl create plain1"; cat /tmp/create-plain1.log; }
check "plain xl create: qemu-dm-plain1.log is a ready stream QEMU writes into" \
    wait_for 120 xh_stream_fed plain1
figure streams_plain1_create_to_output_s $(( $(date +%s) - t ))
figure streams_plain1_limit_copies "$(xh_limits plain1 | tr ' ' /)"
# Boot markers are on by default (xenlogd.conf(5)): the new stream's file
# starts with one naming the domain libxl gave it and its name.
check "qemu-dm-plain1.log starts with a boot marker naming domain $(domid plain1) (plain1)" \
    eval 'head -n 1 /var/log/xen/qemu-dm-plain1.log |
          grep -qE "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{12}Z xenlogd: start of domain $(domid plain1) \(plain1\), stream [0-9]+ \(qemu-dm-plain1.log\)\$"'
figure streams_plain1_boot_marker "$(head -n 1 /var/log/xen/qemu-dm-plain1.log)"
check "xl destroy plain1" timeout 120 xl destroy plain1
