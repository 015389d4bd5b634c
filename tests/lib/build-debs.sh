#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/lib/build-debs.sh [OUTDIR]: builds the Debian packages
# (dpkg-buildpackage -us -uc -b) from a copy of the source tree and leaves
# them in OUTDIR (default $TOP_BUILDDIR/debs): xenlogd_*.deb,
# libxenlog0_*.deb, libxenlog-dev_*.deb, the .changes and the build log.
# Nothing is written into the source tree. The packages are built again
# only when a source file changed since the last build (OUTDIR/.source-sum).
# Used by t-pkg-debs and by the Xen host test (tests/xen-host/).
set -eu
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
out=${1:-$TOP_BUILDDIR/debs}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# The files of the tree: git's (tracked and new, without ignored ones) or,
# outside git, everything but build products.
tree_files() {
    cd "$TOP_SRCDIR"
    if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        git ls-files -co --exclude-standard | while read -r f; do [ -f "$f" ] && echo "$f"; done
    else
        find . -type f ! -path './build*' ! -path '*/.libs/*' ! -path '*/.deps/*' \
            ! -name '*.o' ! -name '*.lo' ! -name '*.la' ! -name '*.so' | sed 's|^\./||'
    fi
}

# Tests and documents that go into no package do not call for a new build.
sum=$(tree_files | grep -Ev '^tests/(t-[^/]*\.sh|xen-system/|xen-host/)' | (cd "$TOP_SRCDIR" && LC_ALL=C sort | xargs -d '\n' sha256sum) | sha256sum | cut -d' ' -f1)
if [ -f "$out/.source-sum" ] && [ "$(cat "$out/.source-sum")" = "$sum" ] &&
   ls "$out"/xenlogd_*.deb >/dev/null 2>&1; then
    echo "build-debs: packages in $out are up to date"
    exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/xenlogd-debs.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/src"
tree_files | (cd "$TOP_SRCDIR" && tar -cf - -T -) | tar -xf - -C "$work/src"
rm -f "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo "$out/.source-sum"
echo "build-debs: dpkg-buildpackage -us -uc -b in $work/src"
start=$(date +%s)
if ! (cd "$work/src" && dpkg-buildpackage -us -uc -b -j2) >"$out/build.log" 2>&1; then
    tail -n 40 "$out/build.log" >&2
    echo "build-debs: dpkg-buildpackage failed; log: $out/build.log" >&2
    exit 1
fi
cp "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$out"/
echo "$sum" >"$out/.source-sum"
echo "build-debs: built in $(( $(date +%s) - start )) s: $(cd "$out" && ls *.deb | tr '\n' ' ')"
