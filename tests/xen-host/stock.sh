# SPDX-License-Identifier: GPL-2.0-only
# stock: the host as Debian makes it, before xenlogd's packages: it came up
# with systemd, the store and xenconsoled started by Debian's xen service,
# and a plain `xl create` writes libxl's own qemu-dm-NAME.log as stock Xen
# does.  Also notes every file of the system, for the purge check.
figure host_kernel "$(uname -r)"
figure host_xen "$(xl info | awk '/^xen_version/ { print $3 }')"
figure host_state "$(systemctl is-system-running)"
check "xen.service active (Debian's init script: xenstored, xenconsoled)" \
    systemctl -q is-active xen.service
check "xenstored answers" eval "xenstore-read /local/domain/0/name > /dev/null"
figure boot_userspace "\"$(systemd-analyze time | sed -n "s/.*+ \(.*\) (userspace).*/\1/p")\""
systemd-analyze blame 2>/dev/null | head -n 5 | sed 's/^ */  blame: /'

# the file list the purge must come back to
xh_file_list > "$XH_STATE/files-before-install"
figure files_before_install "$(wc -l < "$XH_STATE/files-before-install")"
sha256sum /usr/sbin/xl | cut -d' ' -f1 > "$XH_STATE/xl-before-install"

t=$(date +%s)
new_guest stock1 xs_cfg_pv_qdisk
d=$(domid stock1)
check "xl create: guest stock1 runs (domain ${d:-none})" [ -n "$d" ]
check "qemu-dm-stock1.log is libxl's plain file with QEMU's output" \
    wait_for 120 xh_plain_log_with_output stock1
figure stock_create_to_log_s $(( $(date +%s) - t ))
check "no stream in xenstore for stock1" [ -z "$(xenstore-list "/libxl/$d/logging" 2>/dev/null)" ]
check "xl destroy stock1" timeout 120 xl destroy stock1
