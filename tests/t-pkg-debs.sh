#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The Debian packages: dpkg-buildpackage -us -uc -b in a copy of the tree
# (tests/lib/build-debs.sh, packages left in $TOP_BUILDDIR/debs), lintian
# with 0 errors and 0 warnings, and what each package holds: files,
# conffiles, the library's soname and exported symbols (exactly the
# functions of xenlog.h), xenlog.pc (Requires: xentoollog) used to build a
# program, and the maintainer scripts diverting /usr/sbin/xl and giving it
# back (run on a scratch root, DPKG_ROOT).
. "$TOP_SRCDIR/tests/lib/common.sh"
# Independent of the build being tested: once, in the plain run, not again
# under the sanitizers.
grep -q '^SAN_CFLAGS = -fsanitize' "$TOP_BUILDDIR/Makefile" 2>/dev/null &&
    skip "packages are checked in the run without sanitizers"
for c in dpkg-buildpackage dh lintian dpkg-divert readelf nm pkg-config cc; do
    command -v $c >/dev/null || skip "no $c (tests/install-deps.sh)"
done

say "build"
DEBS=$TOP_BUILDDIR/debs
"$TOP_SRCDIR/tests/lib/build-debs.sh" "$DEBS" || fail "dpkg-buildpackage failed"
deb() { ls "$DEBS"/"$1"_*.deb | grep -v dbgsym | head -n 1; }
for p in xenlogd libxenlog0 libxenlog-dev; do
    [ -f "$(deb $p)" ] || fail "no package $p in $DEBS"
done

say "lintian"
lintian --fail-on none --show-overrides "$DEBS"/xenlogd_*.changes >"$T/lintian" 2>"$T/lintian.err" ||
    fail "lintian did not run: $(cat "$T/lintian.err")"
cat "$T/lintian"
ne=$(grep -c '^E: ' "$T/lintian" || true)
nw=$(grep -c '^W: ' "$T/lintian" || true)
ni=$(grep -c '^I: ' "$T/lintian" || true)
no=$(grep -c '^O: ' "$T/lintian" || true)
echo "lintian: $ne errors, $nw warnings, $ni info, $no overridden"
[ "$ne" = 0 ] && [ "$nw" = 0 ] || fail "lintian: $ne errors, $nw warnings"

X=$T/x
for p in xenlogd libxenlog0 libxenlog-dev; do
    mkdir -p "$X/$p"
    dpkg-deb -x "$(deb $p)" "$X/$p"
    dpkg-deb -e "$(deb $p)" "$X/$p/DEBIAN"
done
MA=$(dpkg-architecture -qDEB_HOST_MULTIARCH)

say "xenlogd: files"
for f in usr/sbin/xenlogd usr/bin/xenlog "usr/lib/$MA/xenlogd/xenlog-libxl-dropin.so" \
         usr/libexec/xenlogd/xl lib/systemd/system/xenlogd.service \
         lib/systemd/system/libvirtd.service.d/xenlogd.conf \
         lib/systemd/system/virtxend.service.d/xenlogd.conf \
         etc/init.d/xenlogd etc/xen/xenlogd.conf etc/default/xenlogd \
         usr/share/man/man8/xenlogd.8.gz usr/share/man/man1/xenlog.1.gz \
         usr/share/man/man5/xenlogd.conf.5.gz usr/share/doc/xenlogd/install.md.gz; do
    [ -e "$X/xenlogd/$f" ] || fail "xenlogd lacks /$f"
done
[ "$(readlink "$X/xenlogd/usr/sbin/xl")" = ../libexec/xenlogd/xl ] || fail "/usr/sbin/xl is not the wrapper"
[ "$(readlink "$X/xenlogd/usr/libexec/xenlogd/stock/xl")" = ../../../sbin/xl.distrib ] ||
    fail "stock xl link: $(readlink "$X/xenlogd/usr/libexec/xenlogd/stock/xl")"
grep -qx "dropin='/usr/lib/$MA/xenlogd/xenlog-libxl-dropin.so'" "$X/xenlogd/usr/libexec/xenlogd/xl" ||
    fail "the wrapper does not preload the packaged drop-in"
grep -q "^Environment=LD_PRELOAD=/usr/lib/$MA/xenlogd/xenlog-libxl-dropin.so$" \
    "$X/xenlogd/lib/systemd/system/libvirtd.service.d/xenlogd.conf" || fail "libvirtd drop-in"
for f in /etc/xen/xenlogd.conf /etc/default/xenlogd /etc/init.d/xenlogd; do
    grep -qx "$f" "$X/xenlogd/DEBIAN/conffiles" || fail "$f is not a conffile"
done
nm -D --defined-only --just-symbols "$X/xenlogd/usr/lib/$MA/xenlogd/xenlog-libxl-dropin.so" |
    sort >"$T/dropin.syms"
[ "$(tr '\n' ' ' <"$T/dropin.syms")" = "fopen fopen64 libxl_create_logfile open open64 " ] ||
    fail "the drop-in exports: $(tr '\n' ' ' <"$T/dropin.syms")"
grep -q '^Depends:.*libxenlog0' "$X/xenlogd/DEBIAN/control" || fail "xenlogd does not depend on libxenlog0"

say "libxenlog0: soname and exported symbols"
lib=$X/libxenlog0/usr/lib/$MA
[ "$(readlink "$lib/libxenlog.so.0")" = libxenlog.so.0.0.0 ] || fail "libxenlog.so.0 link"
soname=$(readelf -d "$lib/libxenlog.so.0.0.0" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
echo "soname $soname"
[ "$soname" = libxenlog.so.0 ] || fail "soname '$soname'"
nm -D --defined-only --just-symbols "$lib/libxenlog.so.0.0.0" | sort -u >"$T/exported"
grep -o '\bxenlog_[a-z_0-9]*[[:space:]]*(' "$X/libxenlog-dev/usr/include/xenlog.h" |
    sed 's/[[:space:]]*($//' | sort -u >"$T/api"
echo "exported: $(wc -l <"$T/exported"), declared in xenlog.h: $(wc -l <"$T/api")"
diff "$T/api" "$T/exported" || fail "exported symbols differ from xenlog.h's functions"
[ "$(find "$X/libxenlog0" -type f -path '*/usr/lib/*' | wc -l)" = 1 ] || fail "libxenlog0 holds more than the library"

say "libxenlog-dev: header, .so, xenlog.pc"
dev=$X/libxenlog-dev
[ -f "$dev/usr/include/xenlog.h" ] || fail "no xenlog.h"
[ "$(readlink "$dev/usr/lib/$MA/libxenlog.so")" = libxenlog.so.0.0.0 ] || fail "libxenlog.so link"
grep -q '^Depends:.*libxen-dev' "$dev/DEBIAN/control" || fail "libxenlog-dev does not depend on libxen-dev"
# Both packages unpacked into one root, as installed.
S=$X/sys
mkdir -p "$S"
dpkg-deb -x "$(deb libxenlog0)" "$S"
dpkg-deb -x "$(deb libxenlog-dev)" "$S"
export PKG_CONFIG_PATH=$S/usr/lib/$MA/pkgconfig PKG_CONFIG_SYSROOT_DIR=$S
pkg-config --exists xenlog || fail "pkg-config --exists xenlog"
pkg-config --print-requires xenlog | grep -qw xentoollog || fail "xenlog.pc: no Requires: xentoollog"
echo "pkg-config: xenlog $(pkg-config --modversion xenlog), requires $(pkg-config --print-requires xenlog | tr '\n' ' ')"
cat >"$T/use.c" <<'C'
#include <stdio.h>
#include <xenlog.h>
int main(void)
{
    puts(xenlog_strerror(XENLOG_E_NODAEMON));
    return 0;
}
C
# shellcheck disable=SC2046
cc -o "$T/use" "$T/use.c" $(pkg-config --cflags --libs xenlog) ||
    fail "cannot build against libxenlog-dev with pkg-config"
LD_LIBRARY_PATH=$S/usr/lib/$MA "$T/use" | grep -q . || fail "the program built against the package does not run"
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR

say "maintainer scripts: /usr/sbin/xl diverted on install, given back on removal"
R=$T/root
mkdir -p "$R/usr/sbin" "$R/usr/lib/xen-common/bin" "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates"
: >"$R/var/lib/dpkg/status"
printf '#!/bin/sh\necho stock xl\n' >"$R/usr/lib/xen-common/bin/xen-utils-wrapper"
ln -s ../lib/xen-common/bin/xen-utils-wrapper "$R/usr/sbin/xl"     # as xen-utils-common
# Stand-ins for the init-system helpers the debhelper parts call: nothing of
# this host's init system may change.
mkdir "$T/stub"
for c in deb-systemd-helper deb-systemd-invoke update-rc.d invoke-rc.d systemctl; do
    printf '#!/bin/sh\necho "%s $*" >>"%s/stub.calls"\n' "$c" "$T" >"$T/stub/$c"
    chmod +x "$T/stub/$c"
done
script() {  # script NAME ARGS...: a maintainer script of xenlogd on the scratch root
    local s=$1; shift
    PATH=$T/stub:$PATH DPKG_ROOT=$R DPKG_ADMINDIR=$R/var/lib/dpkg \
        sh -e "$X/xenlogd/DEBIAN/$s" "$@" || fail "$s $* failed"
}
diversions() { DPKG_ROOT=$R DPKG_ADMINDIR=$R/var/lib/dpkg dpkg-divert --list '/usr/sbin/xl'; }
script preinst install
diversions | grep -q 'diversion of /usr/sbin/xl to /usr/sbin/xl.distrib by xenlogd' ||
    fail "no diversion after preinst: $(diversions)"
[ "$(readlink "$R/usr/sbin/xl.distrib")" = ../lib/xen-common/bin/xen-utils-wrapper ] ||
    fail "the stock xl was not renamed to xl.distrib"
[ ! -e "$R/usr/sbin/xl" ] || fail "/usr/sbin/xl still there after the diversion"
(cd "$X/xenlogd" && tar -cf - usr/sbin/xl usr/libexec) | tar -xf - -C "$R"   # unpack
[ "$(readlink -f "$R/usr/libexec/xenlogd/stock/xl")" = "$R/usr/lib/xen-common/bin/xen-utils-wrapper" ] ||
    fail "the wrapper's stock xl does not reach Xen's xl"
script preinst upgrade 0.1.0
[ "$(diversions | wc -l)" = 1 ] || fail "upgrade: $(diversions)"
rm -rf "$R/usr/sbin/xl" "$R/usr/libexec"                                      # remove
script postrm remove
[ -z "$(diversions)" ] || fail "diversion left after removal: $(diversions)"
[ "$(readlink "$R/usr/sbin/xl")" = ../lib/xen-common/bin/xen-utils-wrapper ] ||
    fail "the stock xl is not back at /usr/sbin/xl"
[ ! -e "$R/usr/sbin/xl.distrib" ] || fail "xl.distrib left"
script postrm purge
script preinst install                                                       # and abort
script postrm abort-install
[ -z "$(diversions)" ] && [ -L "$R/usr/sbin/xl" ] || fail "abort-install left a diversion"
echo "helpers called (stand-ins): $(cut -d' ' -f1,2 "$T/stub.calls" 2>/dev/null | sort -u | tr '\n' ';')"
say "ok"
