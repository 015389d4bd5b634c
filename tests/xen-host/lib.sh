# SPDX-License-Identifier: GPL-2.0-only
# lib.sh - the host side of the full-host test (sourced by run.sh).
#
#   xh_boot LABEL          boot the image (through $XH_OVERLAY) with Xen under
#                          QEMU/TCG and wait until the agent in dom0 is up;
#                          on failure print the serial console's tail, return 1
#   xh_step NAME [TIMEOUT] run the scenario file NAME.sh in dom0 (through the
#                          agent), append its output to the log; returns its
#                          exit status (124: no answer within TIMEOUT)
#   xh_poweroff            destroy the guests, power the host off, wait for QEMU
#   xh_skip NAME REASON    count a scenario as skipped without running it
#   xh_repack_next DIR     DIR/next/: DIR's xenlogd and libxenlog0 .debs as
#                          version VERSION+upgrade1 (the upgrade scenario)
#
# Set before use: XH_SHARE (the 9p share: cmd/, results), XH_OVERLAY (qcow2),
# XH_CACHE (image.sh's outputs), XH_LOG (all scenario output).  The boot is
# tests/xen-system/boot.sh's: -cpu qemu64,+npt, sched=credit, dom0 1 GB and
# one vCPU, Xen's console on COM1, dom0's on hvc0.

XH_QEMU_MEM=${XEN_SYSTEM_QEMU_MEM:-3072}
XH_XEN_CMDLINE=${XEN_HOST_XEN_CMDLINE:-"dom0_mem=1024M,max:1024M dom0_max_vcpus=1 sched=credit console=com1 com1=115200,8n1 noreboot"}
XH_DOM0_CMDLINE=${XEN_HOST_DOM0_CMDLINE:-"root=/dev/vda rw console=hvc0 earlyprintk=xen"}
XH_BOOT_TIMEOUT=${XEN_HOST_BOOT_TIMEOUT:-600}
XH_QPID=
XH_STEP=0

xh_say() { echo "xen-host: $*"; }

xh_console_tail() {
    echo "xen-host: ---- serial console tail ($XH_CONSOLE) ----"
    tail -n "${XEN_HOST_TAIL:-80}" "$XH_CONSOLE" | tr -d '\r'
    if [ -s "$XH_SHARE/qemu.log" ]; then
        echo "xen-host: ---- qemu output ----"; tail -n 20 "$XH_SHARE/qemu.log"
    fi
    echo "xen-host: ---- end ----"
}

xh_kill_qemu() {
    [ -n "$XH_QPID" ] || return 0
    kill "$XH_QPID" 2>/dev/null
    wait "$XH_QPID" 2>/dev/null
    XH_QPID=
}

xh_boot() {
    local label=$1 start t
    rm -rf "$XH_SHARE/cmd"
    mkdir -p "$XH_SHARE/cmd"
    XH_STEP=0
    XH_CONSOLE=$XH_SHARE/console-$label.log
    : > "$XH_CONSOLE"
    start=$(date +%s)
    qemu-system-x86_64 -accel tcg -cpu qemu64,+npt -m "$XH_QEMU_MEM" -smp 2 \
        -nodefaults -no-user-config -display none -vga none -no-reboot \
        -chardev socket,id=con,path="$XH_SHARE/serial.sock",server=on,wait=off,logfile="$XH_CONSOLE" \
        -serial chardev:con \
        -chardev socket,id=mon,path="$XH_SHARE/monitor.sock",server=on,wait=off \
        -mon chardev=mon,mode=readline \
        -kernel "$XH_CACHE/xen" -append "$XH_XEN_CMDLINE" \
        -initrd "$XH_CACHE/vmlinuz $XH_DOM0_CMDLINE,$XH_CACHE/initrd.img" \
        -drive file="$XH_OVERLAY",if=virtio,format=qcow2,cache=unsafe \
        -virtfs local,path="$XH_SHARE",mount_tag=host,security_model=none,id=host \
        > "$XH_SHARE/qemu.log" 2>&1 &
    XH_QPID=$!
    xh_say "boot $label: QEMU $XH_QPID, console $XH_CONSOLE (socket $XH_SHARE/serial.sock)"
    while [ ! -e "$XH_SHARE/cmd/up" ]; do
        t=$(( $(date +%s) - start ))
        if ! kill -0 "$XH_QPID" 2>/dev/null; then
            xh_console_tail; xh_say "ERROR: boot $label: QEMU exited before the host came up"
            XH_QPID=; return 1
        fi
        if grep -q 'Panic on CPU\|Kernel panic\|Dom0 crashed\|XEN-HOST: FATAL\|emergency mode' "$XH_CONSOLE"; then
            sleep 2; xh_console_tail; xh_say "ERROR: boot $label: crash or emergency shell on the console"
            xh_kill_qemu; return 1
        fi
        if [ "$t" -ge "$XH_BOOT_TIMEOUT" ]; then
            xh_console_tail; xh_say "ERROR: boot $label: the host did not come up within ${XH_BOOT_TIMEOUT} s"
            xh_kill_qemu; return 1
        fi
        sleep 1
    done
    t=$(( $(date +%s) - start ))
    echo "FIGURE boot_${label}_s $t" >> "$XH_LOG"
    xh_say "boot $label: host up after $t s ($(sed -n 's/^Startup finished in //p' "$XH_SHARE/cmd/up"))"
    sed -n 's/^Startup finished in /systemd: /p' "$XH_SHARE/cmd/up" | sed "s/^/FIGURE boot_${label}_/; s/: / /" >> "$XH_LOG"
}

xh_step() {
    local name=$1 timeout=${2:-900} n start t rc
    XH_STEP=$((XH_STEP + 1)); n=$XH_STEP
    {
        echo "# step: $name"
        echo ". /host/xen-host/dom0-lib.sh"
        echo "xh_begin $name"
        cat "$XH_SHARE/xen-host/$name.sh"
        echo "xh_end"
    } > "$XH_SHARE/cmd/.$n.sh"
    mv "$XH_SHARE/cmd/.$n.sh" "$XH_SHARE/cmd/$n.sh"
    start=$(date +%s)
    xh_say "step $name ..."
    while [ ! -e "$XH_SHARE/cmd/$n.rc" ]; do
        t=$(( $(date +%s) - start ))
        if ! kill -0 "$XH_QPID" 2>/dev/null; then
            xh_console_tail; echo "FAIL: $name: the host went away (QEMU exited)" >> "$XH_LOG"
            XH_QPID=; return 125
        fi
        if [ "$t" -ge "$timeout" ]; then
            xh_console_tail; echo "FAIL: $name: no answer within $timeout s" >> "$XH_LOG"
            cat "$XH_SHARE/cmd/$n.out" >> "$XH_LOG" 2>/dev/null
            return 124
        fi
        sleep 1
    done
    rc=$(cat "$XH_SHARE/cmd/$n.rc")
    cat "$XH_SHARE/cmd/$n.out" >> "$XH_LOG"
    echo "FIGURE step_${name}_s $(( $(date +%s) - start ))" >> "$XH_LOG"
    if [ "$rc" != 0 ] && ! grep -q '^FAIL: ' "$XH_SHARE/cmd/$n.out"; then
        echo "FAIL: $name: exit status $rc" >> "$XH_LOG"
    fi
    xh_say "step $name: exit status $rc after $(( $(date +%s) - start )) s"
    sed -n 's/^\(ok\|FAIL\|skip\): /  \1: /p' "$XH_SHARE/cmd/$n.out"
    return "$rc"
}

xh_skip() {
    echo "skip: $1: $2" >> "$XH_LOG"
    xh_say "skip $1: $2"
}

xh_poweroff() {
    local i
    [ -n "$XH_QPID" ] || return 0
    xh_step poweroff 300 || true
    for i in $(seq 1 "${XEN_HOST_POWEROFF_TIMEOUT:-240}"); do
        kill -0 "$XH_QPID" 2>/dev/null || break
        sleep 1
    done
    if kill -0 "$XH_QPID" 2>/dev/null; then
        xh_say "the host did not power off: QEMU killed"
    fi
    xh_kill_qemu
}

# xh_repack_next DIR: the .debs of DIR again, as the next version
# (VERSION+upgrade1, in DIR/next): the same files, so that the upgrade
# scenario tests what dpkg, the maintainer scripts and the unit do.
xh_repack_next() {
    local d=$1 p deb v x
    rm -rf "$d/next" "$d/repack"
    mkdir -p "$d/next" "$d/repack" || return 1
    for p in xenlogd libxenlog0; do
        deb=$(ls "$d"/${p}_*.deb 2>/dev/null | head -n 1)
        [ -n "$deb" ] || return 1
        v=$(dpkg-deb -f "$deb" Version) || return 1
        x="$d/repack/$p"
        dpkg-deb -R "$deb" "$x" || return 1
        sed -i "s/^Version: .*/Version: $v+upgrade1/" "$x/DEBIAN/control" || return 1
        dpkg-deb -b "$x" "$d/next/${p}_$v+upgrade1_$(dpkg-deb -f "$deb" Architecture).deb" \
            > /dev/null || return 1
    done
    rm -rf "$d/repack"
}
