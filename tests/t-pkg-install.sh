#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make install (into a DESTDIR) installs everything a package needs: the
# programs, the library with its header and xenlog.pc, the drop-in and the
# xl wrapper, the unit where pkg-config systemd says (and the libvirt
# drop-ins beside it), /etc/default/xenlogd, the config file and the man
# pages; pkg-config finds xenlog (Requires: xentoollog); make uninstall
# takes every file away again.
. "$TOP_SRCDIR/tests/lib/common.sh"
B=$TOP_BUILDDIR
[ -f "$B/Makefile" ] || fail "no $B/Makefile"
var() { printf 'print:\n\t@echo $(%s)\n' "$1" | make -s -C "$B" -f Makefile -f - print; }
D=$T/dest
make -s -C "$B" install DESTDIR="$D" >"$T/install.log" 2>&1 || fail "make install: $(tail "$T/install.log")"
(cd "$D" && find . ! -type d | sort | sed 's|^\.||') >"$T/files"
sed 's/^/   /' "$T/files"

unitdir=$(var systemdsystemunitdir)
pcdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || true)
if grep -q -- '--with-systemdsystemunitdir' "$B/config.log"; then
    echo "   (unit dir given to configure: $unitdir)"
else
    [ -n "$pcdir" ] || skip "pkg-config systemd has no systemdsystemunitdir (install systemd)"
    [ "$unitdir" = "$pcdir" ] || fail "units go to $unitdir, pkg-config systemd says $pcdir"
fi
libdir=$(var libdir) pkglibdir=$(var pkglibdir) pkglibexecdir=$(var pkglibexecdir)
sysconfdir=$(var sysconfdir) mandir=$(var mandir)
for f in "$(var sbindir)/xenlogd" "$(var bindir)/xenlog" "$(var includedir)/xenlog.h" \
         "$libdir/libxenlog.so" "$libdir/libxenlog.so.0" "$libdir/pkgconfig/xenlog.pc" \
         "$pkglibdir/xenlog-libxl-dropin.so" "$pkglibexecdir/xl" \
         "$unitdir/xenlogd.service" "$unitdir/libvirtd.service.d/xenlogd.conf" \
         "$unitdir/virtxend.service.d/xenlogd.conf" \
         "$sysconfdir/default/xenlogd" "$sysconfdir/xen/xenlogd.conf" \
         "$mandir/man8/xenlogd.8" "$mandir/man1/xenlog.1" "$mandir/man5/xenlogd.conf.5"; do
    grep -qx "$f" "$T/files" || fail "make install did not install $f"
done
grep -q "^ExecStart=$(var sbindir)/xenlogd --foreground$" "$D$unitdir/xenlogd.service" || fail "unit ExecStart"
grep -q "^dropin='$pkglibdir/xenlog-libxl-dropin.so'$" "$D$pkglibexecdir/xl" || fail "wrapper's drop-in path"
[ -x "$D$pkglibexecdir/xl" ] || fail "wrapper not executable"

say "pkg-config xenlog"
export PKG_CONFIG_PATH=$D$libdir/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D
pkg-config --exists xenlog || fail "pkg-config --exists xenlog"
[ "$(pkg-config --print-requires xenlog)" = xentoollog ] ||
    fail "Requires: $(pkg-config --print-requires xenlog)"
echo "   $(pkg-config --cflags --libs xenlog)"
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR

say "make uninstall removes every file"
make -s -C "$B" uninstall DESTDIR="$D" >"$T/uninstall.log" 2>&1 || fail "make uninstall"
left=$(cd "$D" && find . ! -type d)
[ -z "$left" ] || fail "left after uninstall: $left"
say "ok"
