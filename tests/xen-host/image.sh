#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# image.sh - build (once) the Debian 12 Xen host the full-host test boots.
#
# A debootstrap'ed Debian 12 with systemd as PID 1, Debian's Xen 4.17
# (hypervisor, xen-utils, xen-utils-common, xenstore-utils), qemu-system-xen,
# the 6.1 kernel, AppArmor (the kernel package recommends it: a Debian host
# has it) and libvirt's libxl driver with its daemon (libvirtd, disabled:
# libvirt.sh starts it), as an ext4 image that dom0 mounts as its root over
# virtio-blk (root=/dev/vda), with an initramfs cut to the few modules that
# takes.  apt's lists are removed (apt install of a local .deb then reads no
# index).  Into $CACHE (default /var/cache/xenlogd-xen-host):
#     root.ext4   dom0's root file system (boot it through a qcow2 overlay)
#     xen         the hypervisor (multiboot image for qemu -kernel)
#     vmlinuz, initrd.img   dom0's kernel and its initramfs
#     manifest    what went into it (versions, sizes)
#     key         the cache key: this script, the agent, the package list and
#                 the versions apt resolves; a different key rebuilds
# Prints "image.sh: up to date" or the build time.  Needs root (debootstrap,
# chroot).  XEN_HOST_CACHE sets the cache dir, XEN_HOST_MIRROR the mirror.
set -eu -o pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${XEN_HOST_CACHE:-/var/cache/xenlogd-xen-host}
XS_CACHE=${XEN_SYSTEM_CACHE:-/var/cache/xenlogd-xen-system}
MIRROR=${XEN_HOST_MIRROR:-http://deb.debian.org/debian}
SECURITY=${XEN_HOST_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
SUITE=bookworm
IMAGE_MB=${XEN_HOST_IMAGE_MB:-3072}
HOST_PACKAGES="debootstrap qemu-utils qemu-system-x86 e2fsprogs"
# What dom0 has (beyond debootstrap's minbase).  No recommends: what the test
# needs is named here.
PACKAGES="systemd systemd-sysv udev kmod dbus procps less
    linux-image-amd64 initramfs-tools zstd
    xen-hypervisor-4.17-amd64 xen-utils-4.17 xen-utils-common xenstore-utils
    qemu-system-xen seabios
    apparmor libvirt-daemon-system libvirt-daemon-driver-xen libvirt-clients"
# Modules dom0 needs to reach its root; the rest loads from the root itself.
INITRD_MODULES="virtio_pci virtio_blk ext4"

log() { echo "image.sh: $*" >&2; }
die() { echo "image.sh: ERROR: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, chroot)"
mkdir -p "$CACHE"
exec 9> "$CACHE/.lock"
flock 9

missing=
for p in $HOST_PACKAGES; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    log "installing host packages:$missing"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq \
        --no-install-recommends $missing >/dev/null
fi

# ------------------------------------------------------------------ the key
# candidates: "package version" of what apt on this machine would install
candidates() {
    # shellcheck disable=SC2086
    apt-cache policy $PACKAGES 2>/dev/null | awk '/^[^ ]/ { p = $1 } /Candidate:/ { print p, $2 }'
}
CANDIDATES=$(candidates)
if echo "$CANDIDATES" | grep -q '(none)' || [ -z "$CANDIDATES" ]; then
    apt-get update -qq >/dev/null
    CANDIDATES=$(candidates)
fi
KEY=$( {
    cat "$HERE/image.sh" "$HERE/agent.sh" "$HERE/agent.service"   # contents, not where the tree is
    echo "$MIRROR $SECURITY $SUITE $IMAGE_MB $PACKAGES $INITRD_MODULES"
    echo "$CANDIDATES"
    } | sha256sum | cut -d' ' -f1)
OUTPUTS="root.ext4 xen vmlinuz initrd.img manifest"
uptodate=1
[ "$(cat "$CACHE/key" 2>/dev/null)" = "$KEY" ] || uptodate=
for f in $OUTPUTS; do [ -s "$CACHE/$f" ] || uptodate=; done
if [ -n "$uptodate" ]; then
    log "up to date ($CACHE)"
    exit 0
fi
rm -f "$CACHE/key"
START=$(date +%s)

# ---------------------------------------------------------------- the root
B=$CACHE/build
R=$B/root
umount_all() {
    local m
    for m in dev/pts dev proc sys; do
        mountpoint -q "$R/$m" 2>/dev/null && umount -l "$R/$m"
    done
    return 0
}
trap umount_all EXIT
umount_all
rm -rf "$B"
mkdir -p "$R"
log "debootstrap $SUITE (minbase) from $MIRROR"
debootstrap --variant=minbase "$SUITE" "$R" "$MIRROR" > "$B/debootstrap.log" 2>&1 ||
    { tail -n 30 "$B/debootstrap.log" >&2; die "debootstrap failed"; }
log "debootstrap done after $(( $(date +%s) - START )) s"

cat > "$R/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY $SUITE-security main
EOF
# No service starts inside the chroot.
printf '#!/bin/sh\nexit 101\n' > "$R/usr/sbin/policy-rc.d"
chmod 755 "$R/usr/sbin/policy-rc.d"
mount -t proc proc "$R/proc"
mount -t sysfs sys "$R/sys"
mount --bind /dev "$R/dev"
mount --bind /dev/pts "$R/dev/pts"
# Packages already downloaded by tests/xen-system/setup.sh: apt uses them when
# they are the versions it wants (it checks their hashes).
cp "$XS_CACHE"/debs/*.deb "$R/var/cache/apt/archives/" 2>/dev/null || true
# Only the modules named here in the initramfs.
mkdir -p "$R/etc/initramfs-tools/conf.d"
echo MODULES=list > "$R/etc/initramfs-tools/conf.d/xen-host.conf"
printf '%s\n' $INITRD_MODULES > "$R/etc/initramfs-tools/modules"
chr() { LC_ALL=C DEBIAN_FRONTEND=noninteractive chroot "$R" "$@"; }
chr apt-get update -qq > "$B/apt.log" 2>&1 || { cat "$B/apt.log" >&2; die "apt-get update failed"; }
# shellcheck disable=SC2086
chr apt-get install -y -q --no-install-recommends $PACKAGES >> "$B/apt.log" 2>&1 ||
    { tail -n 40 "$B/apt.log" >&2; die "apt-get install failed"; }
log "packages installed after $(( $(date +%s) - START )) s"

# --------------------------------------------------------------- configure
echo xenhost > "$R/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\txenhost\n' > "$R/etc/hosts"
printf '/dev/vda\t/\text4\terrors=remount-ro\t0\t0\n' > "$R/etc/fstab"
chr passwd -d root > /dev/null          # root logs in on hvc0 without a password
# systemd offers a getty on the console named on the kernel command line (hvc0).
# Boot faster: timers and jobs of a long-running host have no use here.
for u in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service \
         fstrim.timer dpkg-db-backup.timer systemd-timesyncd.service; do
    chr systemctl mask "$u" > /dev/null 2>&1 || true
done
# xendomains: no save at shutdown (the test destroys its guests), short waits.
D=$R/etc/default/xendomains
if [ -f "$D" ]; then
    sed -i 's/^XENDOMAINS_SAVE=.*/XENDOMAINS_SAVE=/; s/^XENDOMAINS_STOP_MAXWAIT=.*/XENDOMAINS_STOP_MAXWAIT=20/' "$D"
fi
mkdir -p "$R/etc/xen/auto"
# libvirtd.service has Conflicts=xendomains.service: enabled as Debian's
# package leaves it, it or xendomains would not start at boot (and
# libvirt-guests pulls it in).  The host boots with xendomains, as without
# libvirt; libvirt.sh starts libvirtd (which stops xendomains).
for u in libvirtd.service libvirtd.socket libvirtd-ro.socket libvirtd-admin.socket \
         libvirt-guests.service; do
    chr systemctl disable "$u" > /dev/null 2>&1 || true
done
# libvirt's libxl driver names the host CPU after the models of its cpu_map
# that Xen's feature words (xl info's hw_caps) fully contain; with none,
# libvirtd's Xen driver does not start ("Cannot find suitable CPU model for
# given data").  Real CPUs contain 486's fpu/pse/vme at least, but this
# emulated one has no vme (TCG lacks it) and, being AMD (qemu64), no sep (Xen
# clears it on AMD), which every other model needs.  One more model, the
# feature words of `-cpu qemu64,+npt` under Xen, names it: libvirt's data,
# not its code.
CPUMAP=$R/usr/share/libvirt/cpu_map
if [ -f "$CPUMAP/index.xml" ]; then
    {
        echo "<cpus>"
        echo "  <model name='xen-host-tcg'>"
        echo "    <decode host='on' guest='off'/>"
        for f in fpu de pse tsc msr pae mce cx8 apic mtrr pge mca cmov pat pse36 \
                 clflush mmx fxsr sse sse2; do
            echo "    <feature name='$f'/>"
        done
        echo "  </model>"
        echo "</cpus>"
    } > "$CPUMAP/x86_xen-host-tcg.xml"
    sed -i "s|^\( *\)<include filename='x86_486.xml'/>|&\n\1<include filename='x86_xen-host-tcg.xml'/>|" "$CPUMAP/index.xml"
    grep -q x86_xen-host-tcg.xml "$CPUMAP/index.xml" || die "cannot add the CPU model to libvirt's cpu_map"
fi
# The test agent: runs the scripts the host puts into the 9p share.
install -m 755 "$HERE/agent.sh" "$R/usr/local/sbin/xenhost-agent"
install -m 644 "$HERE/agent.service" "$R/etc/systemd/system/xenhost-agent.service"
chr systemctl enable xenhost-agent.service > /dev/null 2>&1
# Journal kept on disk: the second boot reads the first one's records.
mkdir -p "$R/var/log/journal"

KVER=$(basename "$(ls -d "$R"/lib/modules/6.1.* | sort -V | tail -n1)")
[ -n "$KVER" ] || die "no 6.1 kernel in the image"
chr update-initramfs -u -k "$KVER" >> "$B/apt.log" 2>&1 || { tail -n 20 "$B/apt.log" >&2; die "update-initramfs failed"; }
XENGZ=$(ls "$R"/boot/xen-4.17*-amd64.gz 2>/dev/null | head -n1)
[ -n "$XENGZ" ] || XENGZ=$(ls "$R"/boot/xen-4.17*.gz | head -n1)
zcat "$XENGZ" > "$B/xen"
cp "$R/boot/vmlinuz-$KVER" "$B/vmlinuz"
cp "$R/boot/initrd.img-$KVER" "$B/initrd.img"
{
    echo "KERNEL_VERSION=$KVER"
    echo "XEN_VERSION=$(chr dpkg-query -W -f='${Version}' xen-utils-4.17)"
    echo "QEMU_XEN_VERSION=$(chr dpkg-query -W -f='${Version}' qemu-system-xen)"
    echo "SYSTEMD_VERSION=$(chr dpkg-query -W -f='${Version}' systemd)"
    echo "LIBVIRT_VERSION=$(chr dpkg-query -W -f='${Version}' libvirt-daemon-driver-xen)"
    echo "APPARMOR_VERSION=$(chr dpkg-query -W -f='${Version}' apparmor)"
    echo "INITRD_BYTES=$(stat -c %s "$B/initrd.img")"
} > "$B/manifest"

# apt's cache and lists out: nothing to fetch in dom0 (no network), and
# `apt install ./x.deb` is then fast.
chr apt-get clean
rm -rf "$R"/var/lib/apt/lists/* "$R/usr/sbin/policy-rc.d"
umount_all
echo "ROOT_BYTES=$(du -sb "$R" | cut -f1)" >> "$B/manifest"

log "making the ext4 image (${IMAGE_MB} MB, sparse)"
rm -f "$B/root.ext4"
truncate -s "${IMAGE_MB}M" "$B/root.ext4"
mkfs.ext4 -q -F -L xenhost -d "$R" "$B/root.ext4" || die "mkfs.ext4 -d failed"
for f in $OUTPUTS; do mv "$B/$f" "$CACHE/$f"; done
echo "$KEY" > "$CACHE/key"
rm -rf "$B"
log "built in $(( $(date +%s) - START )) s: $(tr '\n' ' ' < "$CACHE/manifest")"
