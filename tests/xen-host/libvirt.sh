# SPDX-License-Identifier: GPL-2.0-only
# libvirt (scenario 7): guests defined and started through libvirt's libxl
# driver get their qemu-dm-NAME.log as a xenlogd stream, as docs/install.md
# promises: Debian 12's libvirtd (monolithic; bookworm ships no virtxend)
# runs with the package's drop-in (LD_PRELOAD of the libxl drop-in, ordered
# after xenlogd.service); an HVM guest of `virsh define` + `virsh start`
# floods QEMU's stdout through an isa-debugcon (<xen:commandline>, libxl's
# device_model_args); its stream is fed, bounded, and keeps QEMU's last words
# after `virsh destroy`; turned off (XENLOG_DROPIN_DISABLE=1, libvirtd
# restarted) the next guest gets libxl's plain file, on again a stream.
# libvirtd.service has Conflicts=xendomains.service: starting it stops
# xendomains (the image keeps libvirtd disabled so that boots use xendomains).
V="virsh -q -c xen:///system"
command -v virsh > /dev/null || { skip "no virsh in the image (image.sh installs libvirt-clients)"; xh_end; }
systemctl cat libvirtd.service > /dev/null 2>&1 ||
    { skip "no libvirtd.service in the image (libvirt-daemon-system)"; xh_end; }
DROPIN=$(dpkg -L xenlogd 2>/dev/null | grep '/xenlog-libxl-dropin\.so$' | head -n 1)
check "the package ships the libxl drop-in ($DROPIN)" eval '[ -n "$DROPIN" ] && [ -r "$DROPIN" ]'
figure libvirt_version "$(dpkg-query -W -f='${Version}' libvirt-daemon-driver-xen 2>/dev/null)"
figure libvirt_virtxend_unit "$(systemctl cat virtxend.service > /dev/null 2>&1 && echo present || echo absent)"

# ---------------------------------------------------------------- the unit
check "libvirtd.service's DropInPaths name xenlogd.conf" \
    eval 'systemctl show -P DropInPaths libvirtd.service | grep -q "libvirtd.service.d/xenlogd.conf"'
check "libvirtd.service's Environment has LD_PRELOAD=$DROPIN" \
    eval 'systemctl show -P Environment libvirtd.service | tr " " "\n" | grep -qx "LD_PRELOAD=$DROPIN"'
check "libvirtd.service reads /etc/default/xenlogd (EnvironmentFiles)" \
    eval 'systemctl show -P EnvironmentFiles libvirtd.service | grep -q "^/etc/default/xenlogd "'
check "libvirtd.service is ordered after xenlogd.service" \
    eval 'systemctl show -P After libvirtd.service | tr " " "\n" | grep -qx xenlogd.service'
check "xenlogd.service is ordered before libvirtd.service" \
    eval 'systemctl show -P Before xenlogd.service | tr " " "\n" | grep -qx libvirtd.service'

# the guests of earlier scenarios out of the way (xendomains, stopped by
# libvirtd's Conflicts=, would otherwise shut them down one by one)
for d in $(xl list | awk 'NR > 2 { print $1 }'); do timeout 120 xl destroy "$d"; done

# lv_pid: libvirtd's main pid (empty: not running)
lv_pid() { local p; p=$(systemctl show -P MainPID libvirtd.service); [ "${p:-0}" != 0 ] && echo "$p"; }
# lv_env PID VAR: VAR's value in PID's environment
lv_env() { tr '\0' '\n' < "/proc/$1/environ" | sed -n "s/^$2=//p"; }
# lv_start_daemon WHAT: (re)start libvirtd and wait until virsh reaches it
lv_start_daemon() {
    systemctl "$1" libvirtd.service || { fail "systemctl $1 libvirtd.service"; journalctl -b -u libvirtd --no-pager | tail -n 20; return 1; }
    wait_for 60 eval "$V version > /dev/null 2>&1" || { fail "virsh does not reach libvirtd after $1"; return 1; }
}
# lv_xml NAME: a domain XML of the debugcon flood guest of
# tests/xen-system/guests.sh (xs_cfg_hvm_debugcon), for libvirt's libxl driver
lv_xml() {
    cat <<EOF
<domain type='xen' xmlns:xen='http://libvirt.org/schemas/domain/xen/1.0'>
  <name>$1</name>
  <memory unit='MiB'>$XS_HVM_MEMORY</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='xenfv'>hvm</type><boot dev='hd'/></os>
  <features><acpi/><apic/><pae/></features>
  <on_crash>preserve</on_crash>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='$(xs_disk "$1" "$XS_ASSETS/debugcon-flood.img")'/>
      <target dev='hda' bus='ide'/>
    </disk>
  </devices>
  <xen:commandline>
    <xen:arg value='-chardev'/>
    <xen:arg value='stdio,id=dbg'/>
    <xen:arg value='-device'/>
    <xen:arg value='isa-debugcon,iobase=0x402,chardev=dbg'/>
  </xen:commandline>
</domain>
EOF
}
# lv_guest NAME: define and start guest NAME through libvirt, as an admin does
lv_guest() {
    mkdir -p "$XH_STATE/libvirt"
    lv_xml "$1" > "$XH_STATE/libvirt/$1.xml"
    $V define "$XH_STATE/libvirt/$1.xml" > "/tmp/lv-define-$1.log" 2>&1 &&
        $V start "$1" > "/tmp/lv-start-$1.log" 2>&1 && return 0
    cat "/tmp/lv-define-$1.log" "/tmp/lv-start-$1.log" 2>/dev/null | sed 's/^/  virsh: /'
    tail -n 20 "/var/log/libvirt/libxl/$1.log" 2>/dev/null | sed 's/^/  libxl: /'
    return 1
}
# lv_gone NAME: virsh destroy and undefine NAME
lv_gone() { timeout 120 $V destroy "$1" > /dev/null 2>&1; $V undefine "$1" > /dev/null 2>&1; }
# fd_rdwr PID FD: FD of PID is open O_RDWR (the drop-in's open in libvirtd)
fd_rdwr() { [ $(( 0$(sed -n 's/^flags:[[:space:]]*//p' "/proc/$1/fdinfo/$2") & 3 )) = 2 ]; }

# AppArmor (Debian's kernel recommends it, so a Debian host has it): Debian
# 12's profile of libvirtd lets it execute nothing under /usr/libexec but
# Xen's own tools, so libxl in libvirtd cannot start QEMU
# (/usr/libexec/xen-qemu-system-i386: Permission denied), with or without
# xenlogd.  The admin's local rule of docs/install.md allows it.
AA_LOCAL=/etc/apparmor.d/local/usr.sbin.libvirtd
if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] &&
        grep -q '^libvirtd (enforce)' /sys/kernel/security/apparmor/profiles 2>/dev/null; then
    if ! grep -qs 'xen-qemu-system-i386' /etc/apparmor.d/usr.sbin.libvirtd "$AA_LOCAL"; then
        echo '/usr/libexec/xen-qemu-system-i386 PUx,' >> "$AA_LOCAL"
        check "AppArmor: the local rule for QEMU in $AA_LOCAL loads (apparmor_parser -r)" \
            apparmor_parser -r /etc/apparmor.d/usr.sbin.libvirtd
    fi
    AA=1
else
    AA=
fi

t=$(date +%s)
xh_enable
lv_start_daemon start || xh_end
pid=$(lv_pid)
figure libvirt_daemon_start_s $(( $(date +%s) - t ))
check "libvirtd active (pid ${pid:-none})" eval '[ -n "$pid" ] && systemctl -q is-active libvirtd.service'
figure libvirt_xendomains_after_start "$(systemctl is-active xendomains.service)"
check "libvirtd's environment: LD_PRELOAD=$DROPIN" eval '[ "$(lv_env "$pid" LD_PRELOAD)" = "$DROPIN" ]'
check "libvirtd's environment: XENLOG_DROPIN_DISABLE=0 (/etc/default/xenlogd)" \
    eval '[ "$(lv_env "$pid" XENLOG_DROPIN_DISABLE)" = 0 ]'
check "libvirtd has the drop-in mapped" grep -q "$DROPIN" "/proc/$pid/maps"
figure libvirt_daemon_apparmor "\"$(cat "/proc/$pid/attr/current" 2>/dev/null)\""
if [ -n "$AA" ]; then
    check "libvirtd runs confined by Debian's AppArmor profile (enforce), the drop-in in it" \
        eval '[ "$(cat "/proc/$pid/attr/current")" = "libvirtd (enforce)" ]'
else
    skip "AppArmor: no libvirtd profile in enforce mode on this host, libvirtd runs unconfined"
fi
check "the libxl driver answers (virsh -c xen:///system)" eval '$V list --all > /dev/null'

# ------------------------------------------------- a flooding HVM guest
f=/var/log/xen/qemu-dm-lv1.log
t=$(date +%s)
if lv_guest lv1; then ok "virsh define + virsh start lv1 (HVM, debugcon on QEMU's stdout)"
else fail "virsh define + virsh start lv1"; fi
figure libvirt_lv1_domid "$(domid lv1)"
check "lv1 (libvirt): qemu-dm-lv1.log is a ready stream QEMU writes into" wait_for 180 xh_stream_fed lv1
s=$(xenstore_ready lv1); q=$(qemu_pid lv1)
figure libvirt_lv1_stream "$s"
check "QEMU's stderr (fd 2) is the stream's FIFO too" \
    eval '[ -n "$q" ] && [ "$(readlink "/proc/$q/fd/2")" = "$(readlink -f "$(xenstore-read "$s/pipe")")" ]'
check "QEMU's stdout is open O_RDWR (the drop-in's open, in libvirtd)" eval '[ -n "$q" ] && fd_rdwr "$q" 1'
check "QEMU was started by libvirtd (in libvirtd.service's cgroup)" \
    eval '[ -n "$q" ] && grep -q "/libvirtd.service\$" "/proc/$q/cgroup"'
check "lv1: the guest's flood reaches the file" wait_for 180 grep -q 'flood line' "$f"
figure libvirt_lv1_start_to_first_line_s $(( $(date +%s) - t ))
check "libxl's messages for lv1 go to libvirt's own plain log (/var/log/libvirt/libxl/lv1.log)" \
    [ -f /var/log/libvirt/libxl/lv1.log ]
figure libvirt_lv1_libxl_log_bytes "$(xs_size /var/log/libvirt/libxl/lv1.log)"
read -r limit copies < <(xh_limits lv1)
figure libvirt_lv1_limit_copies "$limit/$copies"
if [ -n "$limit" ] && [ -n "$copies" ]; then
    /host/bin/boundwatch /var/log/xen qemu-dm-lv1.log "$limit" "$copies" \
        "${BW_INTERVAL_MS:-20}" > /tmp/lv-boundwatch.txt 2>&1 &
    bw=$!
    sleep "${LIBVIRT_FLOOD_S:-60}"
    lines=$(xh_last_line "$f")
    figure libvirt_lv1_last_line "$lines"
    check "virsh destroy lv1" timeout 120 $V destroy lv1
    check "the stream is finished (gone from xenstore)" wait_for 60 eval '! xenstore-read "$s/state" >/dev/null 2>&1'
    check "QEMU's last output is in the file" wait_for 60 grep -q 'terminating on signal' "$f"
    kill -TERM "$bw" 2>/dev/null; wait "$bw" 2>/dev/null
    res=$(tail -n 1 /tmp/lv-boundwatch.txt)
    figure libvirt_lv1_bound_bytes $((limit * (copies + 1)))
    figure libvirt_lv1_boundwatch "\"$res\""
    check "bound holds at every sample ($res)" eval 'echo "$res" | grep -q "violations 0$" && ! echo "$res" | grep -q "samples 0 "'
    figure libvirt_lv1_rotated "$(ls "$f".* 2>/dev/null | wc -l)"
    check "no file over the limit, at most $copies copies" xh_kept_files_ok "$f" "$limit" "$copies"
    xh_ends_whole "$f" "$copies" "$lines" libvirt_lv1
else
    fail "lv1: no limit and copies for its stream"
fi
lv_gone lv1

# ------------------------------------------------------- off, then on again
xh_disable
lv_start_daemon restart || xh_end
pid=$(lv_pid)
check "off: libvirtd restarted with XENLOG_DROPIN_DISABLE=1" eval '[ "$(lv_env "$pid" XENLOG_DROPIN_DISABLE)" = 1 ]'
lv_guest lvoff || fail "virsh define + start lvoff (turned off)"
check "off: qemu-dm-lvoff.log is libxl's plain file with QEMU's output" \
    wait_for 180 xh_plain_log_with_output lvoff
check "off: no stream for lvoff (domain $(domid lvoff))" \
    eval '[ -n "$(domid lvoff)" ] && [ -z "$(xenstore-list "/libxl/$(domid lvoff)/logging" 2>/dev/null)" ]'
check "off: virsh destroy lvoff" timeout 120 $V destroy lvoff
lv_gone lvoff
xh_enable
lv_start_daemon restart || xh_end
pid=$(lv_pid)
check "on again: libvirtd restarted with XENLOG_DROPIN_DISABLE=0" eval '[ "$(lv_env "$pid" XENLOG_DROPIN_DISABLE)" = 0 ]'
lv_guest lvon || fail "virsh define + start lvon (on again)"
check "on again: qemu-dm-lvon.log is a ready stream QEMU writes into" wait_for 180 xh_stream_fed lvon
check "on again: virsh destroy lvon" timeout 120 $V destroy lvon
lv_gone lvon
check "AppArmor: no denial for libvirtd or what it started" \
    eval '! journalctl -b -k --no-pager | grep "apparmor=\"DENIED\"" | grep -q "profile=\"libvirtd"'
journalctl -b -u libvirtd.service --no-pager -o cat | grep -i 'xenlog' | head -n 10 | sed 's/^/  libvirtd: /'
systemctl stop libvirtd.service
