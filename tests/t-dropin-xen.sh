#!/bin/bash
# The drop-in on real Xen: boots Xen + a Debian dom0 under QEMU
# (tests/xen-system/boot.sh) and runs tests/glue/xen-dropin-dom0.sh there:
# `xl create` with xenlog-libxl-dropin.so preloaded gives QEMU (the device
# model of an HVM guest that floods QEMU's stdout) a xenlogd stream, O_RDWR;
# the bound holds while the guest floods; xl's own log stays a plain file;
# `xl destroy` finishes the stream; `xenlog gc` unlinks the FIFO; without
# xenlogd, xl create falls back to plain files.
# Takes minutes: runs only with XEN_SYSTEM_TESTS=1.
. "$TOP_SRCDIR/tests/lib/common.sh"
[ "${XEN_SYSTEM_TESTS:-0}" = 1 ] || skip "set XEN_SYSTEM_TESTS=1 to boot Xen under QEMU (minutes)"
BOOT=$TOP_SRCDIR/tests/xen-system/boot.sh
[ -x "$BOOT" ] || skip "no $BOOT"

bin() {  # the real binary behind a libtool wrapper
    local d f
    d=$(dirname "$1"); f=$(basename "$1")
    if [ -x "$d/.libs/$f" ]; then echo "$d/.libs/$f"; else echo "$1"; fi
}
SHARE=$T/share
mkdir -p "$SHARE/bin" "$SHARE/lib"
cp "$(bin "$XENLOGD")" "$SHARE/bin/xenlogd"
cp "$(bin "$XENLOG")" "$SHARE/bin/xenlog"
cp "$XENLOG_DROPIN" "$SHARE/bin/"
cp -L "$TOP_BUILDDIR"/libxl-glue/.libs/libxenlog.so.0 "$SHARE/lib/"
libs=()
for f in "$SHARE"/bin/* "$SHARE"/lib/*; do libs+=(--libs-of "$f"); done

say "booting Xen; the dom0 script's log follows"
r=0
LD_LIBRARY_PATH=$SHARE/lib "$BOOT" --share "$SHARE" "${libs[@]}" --timeout "${XEN_SYSTEM_TIMEOUT:-1200}" \
    -e FLOOD_SECONDS="${FLOOD_SECONDS:-60}" "$TOP_SRCDIR/tests/glue/xen-dropin-dom0.sh" || r=$?
cat "$SHARE/out/dom0-script.log" 2>/dev/null || true
[ $r != 125 ] || fail "Xen or dom0 did not come up under QEMU (boot.sh 125)"
[ $r = 0 ] || fail "dom0 script failed ($r)"
echo ok
