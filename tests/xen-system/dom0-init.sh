#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of the xen-system test dom0 (busybox ash).  Brings up the Xen
# toolstack, mounts the host's 9p share on /host, runs /host/run-in-dom0.sh
# (env from /host/env.sh), stores its exit status in /host/out/rc, powers off.
# Lines starting "XEN-SYSTEM:" are markers boot.sh looks for on the console.
export PATH=/usr/sbin:/usr/bin:/usr/lib/xen-4.17/bin
export HOME=/root TERM=dumb LANG=C

say() { echo "XEN-SYSTEM: $*"; }
halt_now() {
    sync
    say "powering off"
    poweroff -f
    sleep 60
}
fatal() { say "FATAL: $*"; halt_now; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620 devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
say "dom0 init start, uptime $(cut -d' ' -f1 /proc/uptime) s"

while read -r m; do
    insmod "$m" || say "insmod $m failed"
done < /etc/xen-system/modules
mount -t xenfs xenfs /proc/xen || fatal "cannot mount xenfs"
grep -q control_d /proc/xen/capabilities 2>/dev/null || fatal "not running as Xen dom0"

mkdir -p /run/xen /run/xenstored /run/lock /var/log/xen/console /var/lib/xen \
         /var/lib/xenstored /var/lib/xen-system
hostname dom0
xenstored --pid-file=/run/xenstored.pid || fatal "xenstored failed"
i=0
until xenstore-exists / 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 100 ] || fatal "xenstored does not answer"; sleep 0.1
done
xen-init-dom0 || fatal "xen-init-dom0 failed"
xenconsoled --pid-file=/run/xenconsoled.pid --log=guest --log-dir=/var/log/xen/console ||
    fatal "xenconsoled failed"

mkdir -p /host
mount -t 9p -o trans=virtio,version=9p2000.L,msize=524288 host /host ||
    fatal "cannot mount the 9p share"
say "dom0 up, uptime $(cut -d' ' -f1 /proc/uptime) s"

if [ -f /host/run-in-dom0.sh ]; then
    mkdir -p /host/out
    rm -f /host/out/rc
    if [ -f /host/env.sh ]; then set -a; . /host/env.sh; set +a; fi
    chmod +x /host/run-in-dom0.sh 2>/dev/null || true
    say "running run-in-dom0.sh"
    # Output to the console and /host/out/dom0-script.log through a FIFO, not
    # a pipe: daemons the script leaves running (xenlogd...) may keep it open,
    # so don't wait for tee's EOF, only a little for it to catch up.
    mkfifo /tmp/script.out
    tee /host/out/dom0-script.log < /tmp/script.out &
    tee_pid=$!
    (cd /tmp && exec /host/run-in-dom0.sh) > /tmp/script.out 2>&1 < /dev/null
    rc=$?
    i=0
    while kill -0 "$tee_pid" 2>/dev/null && [ $i -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
    kill "$tee_pid" 2>/dev/null
    echo "$rc" > /host/out/rc
    say "script exit status $rc"
else
    say "no /host/run-in-dom0.sh"
fi
if [ -f /host/keep-running ]; then
    say "keep-running: shell on hvc0"
    setsid cttyhack sh
fi
sync
umount /host 2>/dev/null || true
halt_now
