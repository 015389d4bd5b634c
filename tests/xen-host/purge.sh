# SPDX-License-Identifier: GPL-2.0-only
# purge (scenario 5, last): `apt purge xenlogd libxenlog0` leaves nothing of
# the packages (the file list is the one before install, xl is the stock one
# again), and a plain `xl create` still works, with libxl's plain files.
for d in $(xl list | awk 'NR > 2 { print $1 }'); do timeout 120 xl destroy "$d"; done
t=$(date +%s)
DEBIAN_FRONTEND=noninteractive apt-get purge -y xenlogd libxenlog0 > /tmp/purge.log 2>&1 ||
    { fail "apt purge xenlogd libxenlog0"; tail -n 20 /tmp/purge.log; }
figure purge_s $(( $(date +%s) - t ))
check "no xenlogd package left" eval '! dpkg-query -W -f="\${Status}\n" xenlogd libxenlog0 2>/dev/null | grep -q "installed\|config-files"'
check "no dpkg diversion left" eval '! dpkg-divert --list | grep -qi xenlog'
check "xl is the stock one again" [ "$(sha256sum /usr/sbin/xl | cut -d' ' -f1)" = "$(cat "$XH_STATE/xl-before-install")" ]
check "xenlogd.service gone" eval '! systemctl cat xenlogd.service >/dev/null 2>&1'
xh_file_list > /tmp/files-after-purge
comm -13 "$XH_STATE/files-before-install" /tmp/files-after-purge > /tmp/files-added
comm -23 "$XH_STATE/files-before-install" /tmp/files-after-purge > /tmp/files-removed
figure purge_files_added "$(wc -l < /tmp/files-added)"
figure purge_files_removed "$(wc -l < /tmp/files-removed)"
sed 's/^/  added: /' /tmp/files-added | head -n 20
sed 's/^/  removed: /' /tmp/files-removed | head -n 20
check "the file list is the one before install (nothing added, nothing removed)" \
    eval '[ ! -s /tmp/files-added ] && [ ! -s /tmp/files-removed ]'
check "no xenlogd process" eval '[ -z "$(xs_pgrep "/xenlogd( |\$)")" ]'
new_guest gone1 xs_cfg_pv_qdisk || fail "xl create gone1 after purge"
check "after purge: xl create works, qemu-dm-gone1.log is libxl's plain file" \
    wait_for 120 xh_plain_log_with_output gone1
check "after purge: xl destroy gone1" timeout 120 xl destroy gone1
