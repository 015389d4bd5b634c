# SPDX-License-Identifier: GPL-2.0-only
# guests.sh - test guest definitions and helpers for scripts running in the
# xen-system dom0.  Source it (POSIX sh or bash):
#     . /usr/share/xen-system/guests.sh
# setup.sh bakes it into the dom0 initramfs next to the guest assets.
#
# xl config emitters (print a config on stdout; extra args are appended as
# extra config lines, so callers can add or override settings):
#   xs_cfg_pv NAME [LINE...]              PV busybox guest, line on hvc0 every 5 s
#   xs_cfg_pv_qdisk NAME [LINE...]        same + a qdisk disk: libxl starts QEMU
#                                         (xen-qemu-system-i386) as device model;
#                                         its log: /var/log/xen/qemu-dm-NAME.log
#   xs_cfg_hvm_serial NAME SERIAL [LINE...]  HVM guest whose boot sector writes
#                                         "serial-flood line 0000000001\r\n"... to
#                                         COM1 forever; SERIAL is xl's serial=
#                                         value: "file:/path", "pipe:/fifo", ...
#   xs_cfg_hvm_debugcon NAME [LINE...]    HVM guest whose boot sector writes
#                                         "debugcon-flood line 0000000001\n"... to
#                                         an isa-debugcon on QEMU's stdout, i.e.
#                                         into qemu-dm-NAME.log, forever
# Helpers:
#   xs_create NAME CFGFUNC [ARGS...]      write /etc/xen/NAME.cfg from CFGFUNC NAME
#                                         ARGS..., then xl create it
#   xs_size FILE                          size in bytes (0 if missing)
#   xs_wait_grep FILE PATTERN SECONDS     wait until FILE contains PATTERN
#   xs_wait_growth FILE SECONDS           wait until FILE is non-empty
#   xs_qemu_log NAME / xs_console_log NAME   log paths libxl / xenconsoled use
#   xs_figure NAME VALUE                  print "FIGURE NAME VALUE"
#   xs_check_numbered FILE                check the flood lines in FILE count up
#                                         without gaps; prints "FIRST LAST"
#   xs_pgrep PATTERN                      pids whose command line matches (ERE)
#   xs_destroy_all [SECONDS]              xl destroy every guest (with a timeout)
#   xs_diag                               processes, stacks, dmesg: for failures

XS_ASSETS=${XS_ASSETS:-/usr/share/xen-system}
XS_WORK=${XS_WORK:-/var/lib/xen-system}
XS_LOGDIR=${XS_LOGDIR:-/var/log/xen}
XS_PV_MEMORY=${XS_PV_MEMORY:-128}
XS_HVM_MEMORY=${XS_HVM_MEMORY:-32}
# QEMU for Xen prints next to nothing on its own; trace the xen_* events so
# the PV device model's log gets output.
XS_QDISK_DM_ARGS=${XS_QDISK_DM_ARGS-'"-trace", "enable=xen_*"'}

xs_cfg_pv() {
    _n=$1; shift
    cat <<EOF
name = "$_n"
type = "pv"
kernel = "$XS_ASSETS/vmlinuz"
ramdisk = "$XS_ASSETS/guest.cpio.gz"
extra = "console=hvc0 rdinit=/init quiet xs_name=$_n"
memory = $XS_PV_MEMORY
vcpus = 1
vif = []
on_crash = "preserve"
EOF
    for _l in "$@"; do echo "$_l"; done
}

# xs_disk NAME SRC: private copy of a disk image for guest NAME; prints the path
xs_disk() {
    mkdir -p "$XS_WORK"
    cp "$2" "$XS_WORK/$1.img"
    echo "$XS_WORK/$1.img"
}

xs_cfg_pv_qdisk() {
    _n=$1; shift
    _img=$XS_WORK/$_n.img
    mkdir -p "$XS_WORK"
    [ -e "$_img" ] || dd if=/dev/zero of="$_img" bs=1M count=4 2>/dev/null
    xs_cfg_pv "$_n"
    echo "disk = [ 'format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=$_img' ]"
    [ -z "$XS_QDISK_DM_ARGS" ] || echo "device_model_args_pv = [ $XS_QDISK_DM_ARGS ]"
    for _l in "$@"; do echo "$_l"; done
}

_xs_cfg_hvm() {  # NAME IMAGE
    cat <<EOF
name = "$1"
type = "hvm"
memory = $XS_HVM_MEMORY
vcpus = 1
disk = [ 'format=raw,vdev=hda,access=rw,backendtype=qdisk,target=$(xs_disk "$1" "$2")' ]
boot = "c"
vga = "none"
vnc = 0
sdl = 0
vif = []
on_crash = "preserve"
EOF
}

xs_cfg_hvm_serial() {
    _n=$1; _s=$2; shift 2
    _xs_cfg_hvm "$_n" "$XS_ASSETS/serial-flood.img"
    echo "serial = \"$_s\""
    for _l in "$@"; do echo "$_l"; done
}

xs_cfg_hvm_debugcon() {
    _n=$1; shift
    _xs_cfg_hvm "$_n" "$XS_ASSETS/debugcon-flood.img"
    echo 'device_model_args_hvm = [ "-chardev", "stdio,id=dbg", "-device", "isa-debugcon,iobase=0x402,chardev=dbg" ]'
    for _l in "$@"; do echo "$_l"; done
}

xs_create() {
    _n=$1; _f=$2; shift 2
    mkdir -p /etc/xen
    "$_f" "$_n" "$@" > "/etc/xen/$_n.cfg"
    xl create "/etc/xen/$_n.cfg"
}

xs_size() { stat -c %s "$1" 2>/dev/null || echo 0; }
xs_qemu_log() { echo "$XS_LOGDIR/qemu-dm-$1.log"; }
xs_console_log() { echo "$XS_LOGDIR/console/guest-$1.log"; }
xs_figure() { echo "FIGURE $1 $2"; }

xs_wait_grep() {
    _i=0
    while ! grep -q "$2" "$1" 2>/dev/null; do
        _i=$((_i + 1))
        [ "$_i" -le "$(($3 * 2))" ] || { echo "timeout: no '$2' in $1 after $3 s" >&2; return 1; }
        sleep 0.5
    done
}

xs_wait_growth() {
    _i=0
    while [ "$(xs_size "$1")" -eq 0 ]; do
        _i=$((_i + 1))
        [ "$_i" -le "$(($2 * 2))" ] || { echo "timeout: $1 still empty after $2 s" >&2; return 1; }
        sleep 0.5
    done
}

xs_check_numbered() {
    # (busybox awk reads "0000000010" as octal: strip the zeros first)
    tr -d '\r' < "$1" | awk '
        /flood line [0-9]+$/ && length($NF) == 10 {
            s = $NF; sub(/^0+/, "", s); n = s + 0
            if (seen && n != last + 1) {
                if (++gaps <= 10) printf "%s: gap after %d: %d\n", FILENAME, last, n > "/dev/stderr"
            }
            if (!seen) first = n
            seen = 1; last = n }
        END { if (!seen) { print "no flood lines" > "/dev/stderr"; exit 1 }
              if (gaps > 10) printf "... %d gaps in all\n", gaps > "/dev/stderr"
              print first, last; exit gaps > 0 }'
}

# xs_pgrep PATTERN: pids whose command line matches PATTERN (grep -E);
# busybox-static has no pgrep
xs_pgrep() {
    for _p in /proc/[0-9]*; do
        tr '\0' ' ' < "$_p/cmdline" 2>/dev/null | grep -Eq -- "$1" && echo "${_p#/proc/}"
    done
    return 0
}

# xs_destroy_all [SECONDS]: xl destroy every guest, each within SECONDS
# (default 120); on a hang print diagnostics and return 1
xs_destroy_all() {
    _rc=0
    for _d in $(xl list | awk 'NR > 2 { print $1 }'); do
        if ! timeout "${1:-120}" xl destroy "$_d"; then
            echo "xs_destroy_all: xl destroy $_d failed or hung" >&2
            xs_diag >&2
            _rc=1
        fi
    done
    return $_rc
}

# xs_diag: what is going on in dom0 (for failures)
xs_diag() {
    echo "--- xl list"; timeout 20 xl list
    echo "--- processes"; ps -o pid,stat,args 2>/dev/null || ps
    for _p in $(xs_pgrep 'xl |xen-qemu|xenstored|xenconsoled'); do
        echo "--- $_p: $(tr '\0' ' ' < /proc/$_p/cmdline 2>/dev/null)"
        echo "    wchan $(cat /proc/$_p/wchan 2>/dev/null) state $(awk '/^State/ { print $2 }' /proc/$_p/status 2>/dev/null)"
        cat /proc/$_p/stack 2>/dev/null | head -n 8 | sed 's/^/    /'
    done
    echo "--- dmesg tail"; dmesg | tail -n 20
    echo "--- xl dmesg tail"; timeout 20 xl dmesg | tail -n 20
}
