# SPDX-License-Identifier: GPL-2.0-only
# upgrade (boot 3): `apt install` of the next version (this build repacked by
# run.sh as VERSION+upgrade1) while a guest floods, as an admin upgrades a
# live host: no question asked (stdin closed), the admin's conffile edit
# kept, xl still diverted to the wrapper, the daemon restarted by the
# package (dh_installsystemd), which adopts the stream: the guest and QEMU
# live on, the kept lines count up past the upgrade without a gap, and the
# next `xl create` gets a stream from the new daemon.
f=/var/log/xen/qemu-dm-upg.log
next=$(ls /host/debs/next/xenlogd_*.deb 2>/dev/null)
[ -n "$next" ] || { skip "no repacked next version in /host/debs/next (run.sh)"; xh_end; }
to=$(dpkg-deb -f "$next" Version)

xs_cfg_hvm_debugcon upg 'cpus = "1"' > /etc/xen/upg.cfg
# 1 MiB per file (the drop-in's XENLOG_LIMIT; the policy scenario left an
# 8K default): the kept lines must reach back past the upgrade, however long
# apt takes under TCG
XENLOG_LIMIT=1048576 xl create /etc/xen/upg.cfg > /tmp/create-upg.log 2>&1 ||
    { fail "xl create upg"; cat /tmp/create-upg.log; }
check "the flood guest's qemu-dm-upg.log is a ready stream" wait_for 120 xenstore_ready upg
s=$(xenstore_ready upg)
read -r limit copies < <(xh_limits upg)
check "the guest writes" wait_for 180 grep -q 'flood line' "$f"
sleep "${UPGRADE_AFTER:-15}"         # let it rotate first

echo "# kept across upgrades: an admin's note" >> /etc/xen/xenlogd.conf
from=$(dpkg-query -W -f='${Version}' xenlogd)
qpid=$(qemu_pid upg); old=$(systemctl show -P MainPID xenlogd.service)
last0=$(xh_last_line "$f")
t=$(date +%s)
if DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        /host/debs/next/xenlogd_*.deb /host/debs/next/libxenlog0_*.deb \
        < /dev/null > /host/out/apt-upgrade.log 2>&1; then
    ok "apt install of $to over $from, no question asked"
else
    fail "apt install of $to over $from"; tail -n 30 /host/out/apt-upgrade.log
fi
figure upgrade_s $(( $(date +%s) - t ))
figure upgrade_last_line_before "$last0"
check "xenlogd and libxenlog0 are at $to" \
    eval '[ "$(dpkg-query -W -f="\${Version}\n" xenlogd libxenlog0 | sort -u)" = "$to" ]'
check "xl still diverted to xl.distrib by xenlogd" \
    eval 'dpkg-divert --list /usr/sbin/xl | grep -q "to /usr/sbin/xl.distrib by xenlogd" && [ -x /usr/sbin/xl.distrib ]'
check "xl is the wrapper" [ "$(readlink -f /usr/sbin/xl)" = /usr/libexec/xenlogd/xl ]
check "the admin's edit of xenlogd.conf kept, no .dpkg-* beside it" \
    eval 'grep -q "an admin.s note" /etc/xen/xenlogd.conf && ! ls /etc/xen/xenlogd.conf.dpkg-* /etc/default/xenlogd.dpkg-* 2>/dev/null | grep -q .'
new=$(systemctl show -P MainPID xenlogd.service)
check "the package restarted the daemon ($old -> $new), active, advertised" \
    eval '[ "$new" != "$old" ] && [ "$new" != 0 ] && systemctl -q is-active xenlogd.service && [ "$(xenstore-read /tool/xenlogd/pid)" = "$new" ]'
check "the stream stays ready" [ "$(xenstore-read "$s/state" 2>/dev/null)" = ready ]
check "new data after the upgrade" wait_for 120 xh_line_past "$f" $((last0 + 10))
check "the guest lives on" [ -n "$(domid upg)" ]
check "its QEMU lives on (pid $qpid)" kill -0 "$qpid"
xh_no_gap "$f" "$copies" "$last0" upgrade
check "no file over the limit, at most $copies copies" xh_kept_files_ok "$f" "$limit" "$copies"
check "xl destroy upg" timeout 120 xl destroy upg
new_guest upg2 xs_cfg_pv_qdisk || fail "xl create upg2 after the upgrade"
check "after the upgrade: qemu-dm-upg2.log is a ready stream QEMU writes into" \
    wait_for 120 xh_stream_fed upg2
check "xl destroy upg2" timeout 120 xl destroy upg2
sed -i '/an admin.s note/d' /etc/xen/xenlogd.conf
