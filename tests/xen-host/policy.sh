# SPDX-License-Identifier: GPL-2.0-only
# policy (scenario 4): the host's policy in /etc/xen/xenlogd.conf is in
# force.  A changed default for qemu-dm logs, after `systemctl reload
# xenlogd`, applies to the next guest; the files of a destroyed guest go when
# retention's age says so (after a reload, which runs a pass), and when the
# total cap does; libxl's own plain files and live streams' files stay.
# Leaves the qemu-dm default at 8K x 3 copies for the flood that follows.
C=/etc/xen/xenlogd.conf
L=/var/log/xen
[ -e "$C" ] || { skip "no $C: the package installs no policy file"; xh_end; }
grep -q 'max_total_size' "$C" ||
    { skip "the installed $C names no retention settings: the policy part of issue 9 is not in these packages"; xh_end; }
cp -n "$C" "$XH_STATE/xenlogd.conf.shipped"
# conf AGE TOTAL: the test's policy (the shipped file stays in the backup)
conf() {
    printf 'max_age_days = %s\nmax_total_size = %s\n[qemu-dm]\nlimit = 8K\ncopies = 3\n' "$1" "$2" > "$C"
}
pid=$(systemctl show -P MainPID xenlogd.service)
reload() {
    systemctl reload xenlogd.service || fail "systemctl reload xenlogd"
    sleep 2
}
conf 1 0
reload
check "reload: same daemon ($pid), still active" \
    eval '[ "$(systemctl show -P MainPID xenlogd.service)" = "$pid" ] && systemctl -q is-active xenlogd.service'
new_guest pol1 xs_cfg_pv_qdisk || fail "xl create pol1"
wait_for 120 xh_stream_fed pol1 || fail "pol1: no ready stream"
d=$(domid pol1)
msg=$(journalctl -b "_SYSTEMD_UNIT=xenlogd.service" -o cat --no-pager | grep "stream $d/" | grep qemu-dm | tail -n 1)
figure policy_pol1_stream "\"$msg\""
check "the changed default applies to the next guest (limit 8192, copies 3)" \
    eval 'echo "$msg" | grep -q "limit 8192, copies 3"'

# retention by age
timeout 120 xl destroy pol1 || fail "xl destroy pol1"
wait_for 60 eval '[ -z "$(xenstore-list /libxl/$d/logging 2>/dev/null)" ]'
check "a finished stream's fresh file stays (age 0 < 1 day)" wait_for 10 [ -e "$L/qemu-dm-pol1.log" ]
touch -d '3 days ago' "$L"/qemu-dm-pol1.log* "$L/qemu-dm-stock1.log"
reload
check "age: the destroyed guest's 3-day-old files are removed (max_age_days = 1)" \
    wait_for 60 eval '! ls "$L"/qemu-dm-pol1.log* >/dev/null 2>&1'
check "age: libxl's own plain file (stock1, 3 days old) is not touched" [ -e "$L/qemu-dm-stock1.log" ]

# retention by the total cap
before=$(ls "$L"/qemu-dm-plain1.log* 2>/dev/null | wc -l)
figure policy_plain1_files_before "$before"
conf 0 4K
reload
check "total: the destroyed guest plain1's files go over the cap (4K)" \
    wait_for 60 eval '[ "$before" -gt 0 ] && ! ls "$L"/qemu-dm-plain1.log* >/dev/null 2>&1'
check "total: the live stream's file (auto1) stays" [ -e "$L/qemu-dm-auto1.log" ]
check "total: libxl's own plain file stays" [ -e "$L/qemu-dm-stock1.log" ]
xenlog stats 2>/dev/null | grep -i 'retention\|removed\|managed' | sed 's/^/  stats: /'
conf 0 0
reload
