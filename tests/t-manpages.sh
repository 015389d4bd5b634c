#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Each program's options against its man page, both ways (tests/lib/manopts.py):
# xenlogd's getopt table and --help against xenlogd.8 (OPTIONS and SYNOPSIS,
# short options too); xenlog's usage of every command (made from its option
# tables) against that command's entry in xenlog.1, the options of every
# command against OPTIONS, and every table in tools/*.c against the usages.
# A new option without its documentation fails here (shown with a copy of the
# sources with one more option).
. "$TOP_SRCDIR/tests/lib/common.sh"
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
M=$TOP_SRCDIR/tests/lib/manopts.py
D=$TOP_SRCDIR/docs

# xenlog's usages: the main one and one per command it lists.
usages() {
    local dir=$1 c
    mkdir -p "$dir"
    "$XENLOG" help >"$dir/main.txt" || fail "xenlog help"
    for c in $(sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p' "$dir/main.txt"); do
        "$XENLOG" help "$c" >"$dir/$c.txt" || fail "xenlog help $c"
    done
    [ "$(ls "$dir" | wc -l)" -ge 10 ] || fail "xenlog help lists $(ls "$dir" | wc -l) commands"
}

say "xenlogd: its options and xenlogd.8"
"$XENLOGD" --help >"$T/xenlogd.help" || fail "xenlogd --help"
"$PY" "$M" daemon "$D/xenlogd.8" "$T/xenlogd.help" "$TOP_SRCDIR/console" || fail "xenlogd.8"

say "xenlog: every command's options and xenlog.1"
usages "$T/help"
"$PY" "$M" commands "$D/xenlog.1" "$T/help" "$TOP_SRCDIR/tools" || fail "xenlog.1"

say "the check fails an option the page lacks, and one the page has too many"
mkdir -p "$T/src"
cp "$TOP_SRCDIR"/console/*.c "$T/src/"
sed -i 's/^\( *\){ "help", no_argument, NULL, .h. },/\1{ "frobnicate", required_argument, NULL, 1 },\n&/' \
    "$T/src/main.c"
grep -q '"frobnicate"' "$T/src/main.c" || fail "could not add --frobnicate to a copy of main.c"
! "$PY" "$M" daemon "$D/xenlogd.8" "$T/xenlogd.help" "$T/src" >"$T/o1" || fail "--frobnicate passed"
grep -q "option frobnicate of the program is not in the man page" "$T/o1" || fail "$(cat "$T/o1")"
grep -v '^\.BI* .*fifo\\-size' "$D/xenlogd.8" >"$T/xenlogd.8"
! "$PY" "$M" daemon "$T/xenlogd.8" "$T/xenlogd.help" "$TOP_SRCDIR/console" >"$T/o2" ||
    fail "a page without --fifo-size passed"
grep -q "option fifo-size of the program is not in the man page" "$T/o2" || fail "$(cat "$T/o2")"
sed 's/^\.BR \\-f ", " \\-\\-foreground$/.B \\-\\-foreground/' "$D/xenlogd.8" >"$T/xenlogd-f.8"
! "$PY" "$M" daemon "$T/xenlogd-f.8" "$T/xenlogd.help" "$TOP_SRCDIR/console" >"$T/o3" ||
    fail "a page without -f passed"
grep -q "foreground: short option -f in the program" "$T/o3" || fail "$(cat "$T/o3")"

grep -v '^\.B \\-\\-no\\-follow$' "$D/xenlog.1" >"$T/xenlog.1"
! "$PY" "$M" commands "$T/xenlog.1" "$T/help" "$TOP_SRCDIR/tools" >"$T/o4" ||
    fail "a page without attach --no-follow passed"
grep -q "command attach: option no-follow of the program is not in the man page" "$T/o4" ||
    fail "$(cat "$T/o4")"
cp -r "$T/help" "$T/help2"
sed -i 's/^Options:$/&\n      --frobnicate       new/' "$T/help2/stats.txt"
! "$PY" "$M" commands "$D/xenlog.1" "$T/help2" "$TOP_SRCDIR/tools" >"$T/o5" ||
    fail "an undocumented stats option passed"
grep -q "command stats: option frobnicate" "$T/o5" || fail "$(cat "$T/o5")"
mkdir -p "$T/tsrc" && cp "$TOP_SRCDIR"/tools/*.c "$T/tsrc/"
sed -i 's/^\( *\){ "no-follow", 0, NULL, .N., "print the backlog and exit" },/&\n\1{ "rewind", '"'w'"', NULL, 1, "x" },/' \
    "$T/tsrc/attach.c"
grep -q '"rewind"' "$T/tsrc/attach.c" || fail "could not add --rewind to a copy of attach.c"
! "$PY" "$M" commands "$D/xenlog.1" "$T/help" "$T/tsrc" >"$T/o6" || fail "--rewind passed"
grep -q "option --rewind (-w) of the source is in no command's usage" "$T/o6" || fail "$(cat "$T/o6")"
echo ok
