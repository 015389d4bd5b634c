#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# xenhost-agent - the test's hand in the booted Xen host (not part of xenlogd).
#
# Mounts the host's 9p share (tag "host") at /host and runs, in order, the
# scripts the test puts there: /host/cmd/1.sh, 2.sh, ... each with bash, its
# output in N.out, its exit status in N.rc (written last).  /host/cmd/up
# says the agent is up (with systemd's boot timing).  Started by
# xenhost-agent.service once multi-user.target is reached.
set -u
console() { echo "XEN-HOST: $*" > /dev/console 2>/dev/null || true; }
modprobe 9pnet_virtio 2>/dev/null
modprobe 9p 2>/dev/null
mkdir -p /host
if ! mountpoint -q /host; then
    mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 host /host ||
        { console "FATAL: cannot mount the 9p share"; exit 1; }
fi
C=/host/cmd
mkdir -p "$C"
{
    echo "boot_id $(cat /proc/sys/kernel/random/boot_id)"
    systemd-analyze time 2>&1 | head -n 1
} > "$C/up.tmp"
mv "$C/up.tmp" "$C/up"
console "agent up"
n=1
while :; do
    if [ -e "$C/$n.sh" ]; then
        console "running $n.sh ($(head -n 3 "$C/$n.sh" | sed -n 's/^# step: //p'))"
        (cd /tmp && exec bash "$C/$n.sh") > "$C/$n.out" 2>&1 < /dev/null
        echo $? > "$C/$n.rc.tmp"
        mv "$C/$n.rc.tmp" "$C/$n.rc"
        n=$((n + 1))
    else
        sleep 0.5
    fi
done
