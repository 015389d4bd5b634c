#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# build-debs.sh SRC OUTDIR - build xenlogd's Debian packages from the source
# tree SRC (its tracked files as they are now, copied to a temporary dir) with
# `dpkg-buildpackage -us -uc -b`, installing the build dependencies debian/control
# names; the .debs go to OUTDIR.  On failure the last line says why.
set -u
SRC=$1 OUT=$2
say() { echo "build-debs: $*"; }
[ -f "$SRC/debian/control" ] || { say "no debian/ in $SRC: the packaging (issue 9) is not in this tree"; exit 1; }
T=$(mktemp -d /var/tmp/xenlogd-debs.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/src"
if git -C "$SRC" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
    (cd "$SRC" && git ls-files -z | tar --null -T - -cf -) | tar -xf - -C "$T/src"
else
    (cd "$SRC" && tar --exclude='./build*' --exclude='./tests/out-*' -cf - .) | tar -xf - -C "$T/src"
fi
cd "$T/src" || exit 1
if ! dpkg-checkbuilddeps > /dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 build-dep -y -q ./ > "$T/build-dep.log" 2>&1 ||
        { tail -n 20 "$T/build-dep.log"; say "apt-get build-dep failed"; exit 1; }
fi
t=$(date +%s)
dpkg-buildpackage -us -uc -b > "$T/build.log" 2>&1 ||
    { tail -n 40 "$T/build.log"; say "dpkg-buildpackage -us -uc -b failed"; exit 1; }
say "dpkg-buildpackage: $(( $(date +%s) - t )) s"
mkdir -p "$OUT"
cp "$T"/*.deb "$OUT/" || { say "no .deb produced"; exit 1; }
ls -l "$OUT"
