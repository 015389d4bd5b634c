#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of the PV test guests: says hello on hvc0, checks xvda if there is
# one, then prints a numbered line every XS_PERIOD (kernel arg xs_period=,
# default 5) seconds forever.  Name from the kernel arg xs_name=.
export PATH=/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
arg() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" /proc/cmdline; }
name=$(arg xs_name); name=${name:-guest}
period=$(arg xs_period); period=${period:-5}
while read -r m; do insmod "$m" 2>/dev/null; done < /etc/modules
echo "pv-guest $name up"
if [ -e /sys/bus/xen/devices/vbd-51712 ]; then
    i=0
    while [ ! -b /dev/xvda ] && [ $i -lt 30 ]; do sleep 1; i=$((i + 1)); done
    if dd if=/dev/xvda of=/dev/null bs=4096 count=1 2>/dev/null; then
        echo "pv-guest $name xvda ok, $(cat /sys/block/xvda/size) sectors"
    else
        echo "pv-guest $name xvda FAILED"
    fi
fi
i=0
while :; do
    i=$((i + 1))
    echo "pv-guest $name line $i"
    sleep "$period"
done
