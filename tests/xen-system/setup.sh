#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# setup.sh - prepare everything the Xen system test needs, from a bare Debian 12.
#
#  * installs the host packages (qemu-system-x86 to run the machine,
#    qemu-system-xen whose libxen* libraries and device model go into dom0,
#    cpio, kmod, binutils)
#  * downloads (apt-get download) and unpacks (dpkg -x) into the cache the
#    packages that must NOT be installed on the host: the Xen hypervisor,
#    xen-utils, xenstore-utils, the Debian 6.1 kernel, busybox-static
#  * builds, in $CACHE/out:
#      xen             plain multiboot hypervisor image (for qemu -kernel)
#      vmlinuz         dom0 kernel (also the PV guests' kernel)
#      dom0.cpio.gz    dom0 initramfs: busybox, bash, Xen tools, QEMU for Xen,
#                      hvmloader, SeaBIOS, modules, /init, guest assets
#      guest.cpio.gz   tiny busybox initramfs for the PV guests
#      serial-flood.img, debugcon-flood.img   HVM boot disks
#      manifest        versions used (sourceable)
#
# Idempotent: downloads are kept, and the images are rebuilt only when an input
# (these scripts, a package version) changed.  Cache dir: $XEN_SYSTEM_CACHE,
# default /var/cache/xenlogd-xen-system.  XEN_SYSTEM_REFRESH=1 re-resolves the
# kernel version from apt (otherwise the cached kernel is kept).
set -eu -o pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${XEN_SYSTEM_CACHE:-/var/cache/xenlogd-xen-system}
XEN_SERIES=4.17
ARCH_TRIPLET=x86_64-linux-gnu

HOST_PACKAGES="qemu-system-x86 qemu-system-xen seabios cpio kmod binutils gzip"

log() { echo "setup.sh: $*" >&2; }
die() { echo "setup.sh: ERROR: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (apt-get, dpkg -x with owners)"
mkdir -p "$CACHE"
exec 9> "$CACHE/.lock"
flock 9          # one setup.sh at a time per cache

# ---------------------------------------------------------------- host packages
APT_UPDATED=
apt_update_once() {
    [ -n "$APT_UPDATED" ] && return 0
    log "apt-get update"
    apt-get update -qq >/dev/null
    APT_UPDATED=1
}

missing=
for p in $HOST_PACKAGES; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' \
        || missing="$missing $p"
done
if [ -n "$missing" ]; then
    apt_update_once
    log "installing host packages:$missing"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# ------------------------------------------------------------- package download
mkdir -p "$CACHE/debs" "$CACHE/unpack" "$CACHE/out"

# Xen tools must match the libxen* libraries installed on the host (pulled in
# by qemu-system-xen): they are copied into dom0 from the host.
XEN_VERSION=$(dpkg-query -W -f='${Version}' "libxenmisc$XEN_SERIES")

# cached PKG [VERSION]: the cached .deb of PKG (at VERSION), or nothing
cached() {
    local d
    for d in "$CACHE/debs/${1}_"*.deb; do
        [ -e "$d" ] || continue
        [ -z "${2:-}" ] || [ "$(dpkg-deb -f "$d" Version)" = "$2" ] || continue
        echo "$d"
    done | sort -V | tail -n1
}

# fetch PKG VERSION: make sure $CACHE/debs has PKG at VERSION, print its path
fetch() {
    local pkg=$1 ver=$2 f
    f=$(cached "$pkg" "$ver")
    if [ -z "$f" ]; then
        log "downloading $pkg=$ver"
        (cd "$CACHE/debs" && apt-get download -qq "$pkg=$ver" >/dev/null 2>&1) || {
            apt_update_once
            (cd "$CACHE/debs" && apt-get download -qq "$pkg=$ver" >/dev/null) ||
                die "apt-get download $pkg=$ver failed"
        }
        f=$(cached "$pkg" "$ver")
    fi
    [ -n "$f" ] || die "no .deb for $pkg=$ver"
    echo "$f"
}

candidate() {
    apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p' | grep -v '(none)' || true
}
candidate_or_update() {
    local v
    v=$(candidate "$1")
    if [ -z "$v" ]; then apt_update_once; v=$(candidate "$1"); fi
    [ -n "$v" ] || die "apt knows no package $1"
    echo "$v"
}

# Kernel: the one the linux-image-amd64 metapackage points at; once cached keep it.
KPKG=
if [ -z "${XEN_SYSTEM_REFRESH:-}" ]; then
    KPKG=$(cached 'linux-image-6.1.0-*-amd64')
    KPKG=$(basename "${KPKG%%_*}")
fi
if [ -z "$KPKG" ]; then
    [ -n "$(candidate linux-image-amd64)" ] || apt_update_once
    KPKG=$(apt-cache depends linux-image-amd64 | sed -n 's/^ *Depends: \(linux-image-6\.1\.0-[0-9]*-amd64\)$/\1/p' | head -n1)
    [ -n "$KPKG" ] || die "cannot resolve the kernel package from linux-image-amd64"
fi
KVER=${KPKG#linux-image-}
KDEB=$(cached "$KPKG")
[ -n "$KDEB" ] || KDEB=$(fetch "$KPKG" "$(candidate_or_update "$KPKG")")
BBDEB=$(cached busybox-static)
[ -n "$BBDEB" ] || BBDEB=$(fetch busybox-static "$(candidate_or_update busybox-static)")
HVDEB=$(fetch "xen-hypervisor-$XEN_SERIES-amd64" "$XEN_VERSION")
UTDEB=$(fetch "xen-utils-$XEN_SERIES" "$XEN_VERSION")
UCDEB=$(fetch xen-utils-common "$XEN_VERSION")
XSDEB=$(fetch xenstore-utils "$XEN_VERSION")

# unpack DEB: dpkg -x into $CACHE/unpack/<basename> once; print the dir
unpack() {
    local d="$CACHE/unpack/$(basename "$1" .deb)"
    if [ ! -e "$d/.done" ]; then
        rm -rf "$d"; mkdir -p "$d"
        dpkg -x "$1" "$d"
        touch "$d/.done"
    fi
    echo "$d"
}
KROOT=$(unpack "$KDEB")
BBROOT=$(unpack "$BBDEB")
HVROOT=$(unpack "$HVDEB")
UTROOT=$(unpack "$UTDEB")
UCROOT=$(unpack "$UCDEB")
XSROOT=$(unpack "$XSDEB")
[ -e "$KROOT/lib/modules/$KVER/modules.dep" ] || depmod -b "$KROOT" "$KVER"

# ---------------------------------------------------------------- cache check
QEMU_XEN=/usr/libexec/xen-qemu-system-i386
INPUTS="setup.sh dom0-init.sh guest-init.sh guests.sh flood.s"
STAMP=$( {
    for f in $INPUTS; do sha256sum "$HERE/$f"; done
    basename "$KDEB"; basename "$BBDEB"; basename "$HVDEB"; basename "$UTDEB"
    basename "$UCDEB"; basename "$XSDEB"
    dpkg-query -W qemu-system-xen seabios libc6 bash "libxenmisc$XEN_SERIES"
    } | sha256sum | cut -d' ' -f1)
OUTPUTS="xen vmlinuz dom0.cpio.gz guest.cpio.gz serial-flood.img debugcon-flood.img manifest"
uptodate=1
[ "$(cat "$CACHE/out/stamp" 2>/dev/null)" = "$STAMP" ] || uptodate=
for f in $OUTPUTS; do [ -s "$CACHE/out/$f" ] || uptodate=; done
if [ -n "$uptodate" ]; then
    log "up to date ($CACHE/out)"
    exit 0
fi
rm -f "$CACHE/out/stamp"

# ------------------------------------------------------------- build helpers
BUILD="$CACHE/build"
rm -rf "$BUILD"; mkdir -p "$BUILD"

# new_root DIR: usrmerged skeleton with busybox applets
new_root() {
    local r=$1 a
    mkdir -p "$r"/usr/bin "$r"/usr/sbin "$r/usr/lib/$ARCH_TRIPLET" "$r"/usr/lib64 \
             "$r"/etc "$r"/proc "$r"/sys "$r"/dev "$r"/run "$r"/tmp "$r"/root \
             "$r"/var/log "$r"/var/lib "$r"/mnt
    ln -s usr/bin "$r/bin"; ln -s usr/sbin "$r/sbin"
    ln -s usr/lib "$r/lib"; ln -s usr/lib64 "$r/lib64"
    ln -s ../run "$r/var/run"; ln -s ../run/lock "$r/var/lock"
    chmod 1777 "$r/tmp"
    install -m 755 "$BBROOT/bin/busybox" "$r/usr/bin/busybox"
    for a in $("$BBROOT/bin/busybox" --list-full); do
        a=${a#usr/}
        [ -e "$r/usr/$a" ] || [ -L "$r/usr/$a" ] || ln -s /usr/bin/busybox "$r/usr/$a"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\n' > "$r/etc/passwd"
    printf 'root:x:0:\n' > "$r/etc/group"
}

# add_file ROOT SRC [DEST]: copy SRC (dereferenced) to ROOT/DEST (default: same path)
add_file() {
    local r=$1 src=$2 dst=${3:-$2}
    case $dst in /lib/*|/bin/*|/sbin/*|/lib64/*) dst=/usr$dst ;; esac
    mkdir -p "$r$(dirname "$dst")"
    cp -L --preserve=mode "$src" "$r$dst"
}

# add_lib ROOT LIB: copy a library, keeping a symlinked name a symlink
add_lib() {
    local r=$1 lib=$2 real dir
    dir=$(dirname "$lib")
    case $dir in /lib|/lib/*|/lib64) dir=/usr$dir ;; esac
    real=$(readlink -f "$lib")
    if [ "$(basename "$real")" != "$(basename "$lib")" ] && [ "$(dirname "$real")" = "$(readlink -f "$(dirname "$lib")")" ]; then
        [ -e "$r$dir/$(basename "$real")" ] || add_file "$r" "$real" "$dir/$(basename "$real")"
        ln -sfn "$(basename "$real")" "$r$dir/$(basename "$lib")"
    else
        add_file "$r" "$lib" "$dir/$(basename "$lib")"
    fi
}

# add_libs ROOT FILE...: the shared libraries FILEs need (ldd on the host)
add_libs() {
    local r=$1 f out lib; shift
    for f; do
        out=$(ldd "$f" 2>&1) || continue        # static, or not a program
        if echo "$out" | grep -q 'not found'; then
            echo "$out" >&2; die "$f: libraries missing on the host"
        fi
        for lib in $(echo "$out" | awk '/=>/ && $3 ~ /^\// {print $3} /^[[:space:]]*\/[^ ]*ld-linux/ {print $1}'); do
            [ -e "$r$lib" ] || [ -e "$r/usr$lib" ] || add_lib "$r" "$lib"
        done
    done
}

# add_modules ROOT LISTFILE MOD...: modules with deps, in load order, into LISTFILE
add_modules() {
    local r=$1 list=$2 m path kind rel; shift 2
    mkdir -p "$r$(dirname "$list")"
    for m; do
        modprobe -d "$KROOT" -S "$KVER" --show-depends "$m" | while read -r kind path _; do
            [ "$kind" = insmod ] || continue
            rel=${path#"$KROOT"}
            case $rel in /lib/*) rel=/usr$rel ;; esac
            grep -qxF "$rel" "$r$list" 2>/dev/null && continue
            mkdir -p "$r$(dirname "$rel")"
            cp "$path" "$r$rel"
            echo "$rel" >> "$r$list"
        done
    done
    [ -s "$r$list" ] || die "no modules found"
}

ld_cache() {
    printf '/usr/local/lib\n/usr/lib/%s\n/usr/lib/xen-%s/lib/%s\n' \
        "$ARCH_TRIPLET" "$XEN_SERIES" "$ARCH_TRIPLET" > "$1/etc/ld.so.conf"
    ldconfig -r "$1"
}

cpio_gz() {  # cpio_gz DIR OUT
    (cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -6 > "$2.tmp"
    mv "$2.tmp" "$2"
}

# ----------------------------------------------------------------- hypervisor
log "building images in $CACHE/out (Xen $XEN_VERSION, kernel $KVER)"
zcat "$HVROOT/boot/xen-$XEN_SERIES-amd64.gz" > "$CACHE/out/xen.tmp"
mv "$CACHE/out/xen.tmp" "$CACHE/out/xen"
cp "$KROOT/boot/vmlinuz-$KVER" "$CACHE/out/vmlinuz"

# --------------------------------------------------------------- guest images
for u in 1 0; do
    name=$([ $u = 1 ] && echo serial-flood || echo debugcon-flood)
    as --32 --defsym UART=$u -o "$BUILD/$name.o" "$HERE/flood.s"
    ld -m elf_i386 -Ttext 0x7c00 --oformat binary -e _start -o "$BUILD/$name.bin" "$BUILD/$name.o"
    [ "$(stat -c %s "$BUILD/$name.bin")" = 512 ] || die "$name boot sector is not 512 bytes"
    cp "$BUILD/$name.bin" "$CACHE/out/$name.img"
    truncate -s 1M "$CACHE/out/$name.img"   # a plausible disk size for SeaBIOS
done

G="$BUILD/guest"
new_root "$G"
install -m 755 "$HERE/guest-init.sh" "$G/init"
add_modules "$G" /etc/modules xen-blkfront
cpio_gz "$G" "$CACHE/out/guest.cpio.gz"

# ----------------------------------------------------------------- dom0 image
R="$BUILD/dom0"
new_root "$R"
install -m 755 "$HERE/dom0-init.sh" "$R/init"
XB=/usr/lib/xen-$XEN_SERIES
# xen-utils: every ELF program of the version dir, plus hvmloader
for f in "$UTROOT$XB"/bin/*; do
    head -c4 "$f" | grep -q ELF || continue
    add_file "$R" "$f" "$XB/bin/$(basename "$f")"
    ln -sf "$XB/bin/$(basename "$f")" "$R/usr/sbin/$(basename "$f")"
done
add_file "$R" "$UTROOT$XB/boot/hvmloader" "$XB/boot/hvmloader"
for f in "$XSROOT"/usr/bin/xenstore*; do
    [ -L "$f" ] && continue     # the wrapper script; xenstore-control is in $XB/bin
    add_file "$R" "$f" "/usr/bin/$(basename "$f")"
done
mkdir -p "$R/etc/xen"
cp -a "$UCROOT/etc/xen/scripts" "$R/etc/xen/" 2>/dev/null || true
cat > "$R/etc/xen/xl.conf" <<'EOF'
# xl.conf of the xen-system test dom0
autoballoon="off"
lockfile="/run/lock/xl"
EOF
# the libxenlight the project links against, and every other libxen*
for f in /usr/lib/$ARCH_TRIPLET/libxen*.so.* /usr/lib/$ARCH_TRIPLET/libxlutil.so.*; do
    add_lib "$R" "$f"
done
# QEMU for Xen (libxl's device model) and what it reads
add_file "$R" "$QEMU_XEN"
mkdir -p "$R/usr/share/qemu"
cp -a /usr/share/qemu/keymaps "$R/usr/share/qemu/"
for f in vgabios-stdvga.bin vgabios-cirrus.bin; do
    [ -e "/usr/share/qemu/$f" ] && add_file "$R" "/usr/share/qemu/$f"
done
add_file "$R" /usr/share/seabios/bios-256k.bin
# bash (for the test scripts and /etc/xen/scripts)
add_file "$R" /usr/bin/bash
ln -sf bash "$R/usr/bin/sh.bash"
# libraries of everything dynamic in the image
find "$R/usr" -type f \( -perm -u+x -o -name '*.so*' \) -print | while read -r f; do
    head -c4 "$f" | grep -q ELF && echo "$f"
done > "$BUILD/elves"
# shellcheck disable=SC2046
add_libs "$R" $(cat "$BUILD/elves")
# and of the newly added libraries (transitive closure is what ldd prints already)
add_modules "$R" /etc/xen-system/modules \
    xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs xen-blkback \
    9p 9pnet_virtio virtio_pci
ld_cache "$R"
# the guests' assets and the helper functions for in-dom0 scripts
A="$R/usr/share/xen-system"
mkdir -p "$A"
cp "$CACHE/out/vmlinuz" "$CACHE/out/guest.cpio.gz" "$CACHE/out/serial-flood.img" \
   "$CACHE/out/debugcon-flood.img" "$A/"
install -m 644 "$HERE/guests.sh" "$A/guests.sh"
cat > "$BUILD/manifest" <<EOF
XEN_VERSION=$XEN_VERSION
KERNEL_VERSION=$KVER
BUSYBOX_DEB=$(basename "$BBDEB")
QEMU_XEN_VERSION=$(dpkg-query -W -f='${Version}' qemu-system-xen)
EOF
cp "$BUILD/manifest" "$A/manifest"
cp "$BUILD/manifest" "$CACHE/out/manifest"
cpio_gz "$R" "$CACHE/out/dom0.cpio.gz"

echo "$STAMP" > "$CACHE/out/stamp"
rm -rf "$BUILD"
log "done: $(du -sh "$CACHE/out/dom0.cpio.gz" | cut -f1) dom0 initramfs, kernel $KVER, Xen $XEN_VERSION"
