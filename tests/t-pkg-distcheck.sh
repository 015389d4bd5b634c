#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make distcheck passes, from a copy of the tree in TEST_TMP (a git checkout
# of it, with build products lying around that must stay out of the
# tarball): the tarball builds out of tree, its `make check` runs the suite
# (here only XENLOGD_TESTS, the whole suite being run anyway), install,
# uninstall and distclean leave nothing behind, and a tarball made from the
# tarball is complete too.
. "$TOP_SRCDIR/tests/lib/common.sh"
# Independent of the build being tested: once, in the plain run, not again
# under the sanitizers.
grep -q '^SAN_CFLAGS = -fsanitize' "$TOP_BUILDDIR/Makefile" 2>/dev/null &&
    skip "distcheck are checked in the run without sanitizers"
for c in autoreconf git make; do command -v $c >/dev/null || skip "no $c"; done
S=$T/src
mkdir -p "$S"
(cd "$TOP_SRCDIR" &&
 if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
     git ls-files -co --exclude-standard
 else
     find . -type f ! -path './build*' ! -path '*/.libs/*' ! -name '*.o' ! -name '*.so' | sed 's|^\./||'
 fi | while read -r f; do [ -f "$f" ] && echo "$f"; done | tar -cf - -T -) | tar -xf - -C "$S"
cd "$S"
git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm tree
# Build products in the source tree (an in-tree build), ignored by git.
mkdir -p tests/.libs tests/out
touch tests/glue/glue-client.o tests/shim/xsd-shim.so tests/.libs/x.so tests/out/t-x.log
./autogen.sh >"$T/autogen.log" 2>&1 || fail "autogen: $(tail "$T/autogen.log")"
mkdir b && cd b
../configure -q >"$T/configure.log" 2>&1 || fail "configure: $(tail "$T/configure.log")"

say "make dist: the tree as in git, no build products"
make -s dist >"$T/dist.log" 2>&1 || fail "make dist: $(tail "$T/dist.log")"
tar -tzf xenlogd-*.tar.gz | sed 's|^[^/]*/||' | sort >"$T/tarball"
(cd .. && git ls-files docs tests debian init etc) | sort >"$T/tracked"
missing=$(comm -13 "$T/tarball" "$T/tracked")
[ -z "$missing" ] || fail "not in the tarball: $missing"
grep -E '\.(o|so|la|lo)$|/\.libs/|^tests/out' "$T/tarball" && fail "build products in the tarball"
echo "   $(wc -l <"$T/tarball") entries"

say "make distcheck (XENLOGD_TESTS=daemon-basic)"
start=$(date +%s)
make -s -j2 distcheck XENLOGD_TESTS=daemon-basic >"$T/distcheck.log" 2>&1 ||
    fail "make distcheck: $(grep -v '^  ' "$T/distcheck.log" | tail -n 30)"
grep -q '^PASS t-daemon-basic' "$T/distcheck.log" || fail "the tarball's make check did not run the test"
grep -A2 'archives ready for distribution' "$T/distcheck.log" | sed 's/^/   /'
echo "   distcheck took $(( $(date +%s) - start )) s"
say "ok"
