#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The private xenstored of tests/lib/xenstored.sh: Debian's xenstored with
# tests/shim/xsd-shim.so serves reads, writes, transactions, watches and
# permissions to dom0, and two stores run side by side.  Runs alone too:
#   bash tests/t-store-smoke.sh   (after `make`, or with XSD_SHIM=...)
set -eu
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/lib/xenstored.sh
. "${TOP_SRCDIR:-$here/..}/tests/lib/xenstored.sh"

tmp=$(mktemp -d "${TEST_TMP:-${TMPDIR:-/tmp}}/store.XXXXXX")
trap 'xs_stop >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT

say() { echo "== $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
ms() { echo $(( $(date +%s%N) / 1000000 )); }

say "a store starts and answers"
t0=$(ms)
xs_start "$tmp/a"
echo "started in $(( $(ms) - t0 )) ms, pid $XS_PID, socket $XENSTORED_PATH"
[ "$XENSTORED_PATH" = "$tmp/a/socket" ] || fail "XENSTORED_PATH=$XENSTORED_PATH"
xs_alive || fail "not alive"

say "write, read, list, rm, relative paths"
xenstore-write /x/a hello
[ "$(xenstore-read /x/a)" = hello ] || fail "read /x/a"
xenstore-write name Domain-0
[ "$(xenstore-read /local/domain/0/name)" = Domain-0 ] || fail "implicit path"
xenstore-write /x/b ""
[ "$(xenstore-list /x | tr '\n' ' ')" = "a b " ] || fail "list: $(xenstore-list /x)"
xenstore-rm /x/b
! xenstore-exists /x/b || fail "/x/b still exists"

say "a transaction (xenstore-write writes all its pairs in one)"
xenstore-write /t/1 one /t/2 two /t/3 three
[ "$(xenstore-read /t/1 /t/2 /t/3 | tr '\n' ' ')" = "one two three " ] || fail "transaction write"

say "a watch fires on registration and on a write below it"
timeout 10 xenstore-watch -n 2 /x >"$tmp/watch.out" &
w=$!
n=200
until grep -qx /x "$tmp/watch.out"; do
    [ $((n -= 1)) -gt 0 ] || fail "watch did not register"
    sleep 0.01
done
xenstore-write /x/c fired
wait "$w" || fail "xenstore-watch exited $?"
[ "$(tr '\n' ' ' <"$tmp/watch.out")" = "/x /x/c " ] || fail "watch saw: $(cat "$tmp/watch.out")"

say "permissions: dom0 sets them and is not bound by them"
xenstore-write /p/q v
xenstore-chmod /p/q n0 r3
xenstore-ls -p /p | grep -q '(n0,r3)' || fail "perms: $(xenstore-ls -p /p)"
xenstore-chmod /p/q b0
xenstore-write /p/q w
[ "$(xenstore-read /p/q)" = w ] || fail "dom0 could not write a b0 node"
# Only dom0 exists: a node cannot be given to another domain.
! xenstore-chmod /p/q n3 2>/dev/null || fail "chown to absent domain 3 worked"

say "two stores at once, each with its own contents"
t0=$(ms)
xs_start "$tmp/b"
echo "second started in $(( $(ms) - t0 )) ms"
[ "$XENSTORED_PATH" = "$tmp/b/socket" ] || fail "second store not exported"
! xenstore-exists /x/a || fail "/x/a leaked into the second store"
xenstore-write /only-b yes
xs_use "$tmp/a"
[ "$(xenstore-read /x/a)" = hello ] || fail "first store lost /x/a"
! xenstore-exists /only-b || fail "/only-b leaked into the first store"
xs_stop "$tmp/a"
! xs_alive "$tmp/a" || fail "first store survived xs_stop"
xs_use "$tmp/b"
[ "$(xenstore-read /only-b)" = yes ] || fail "second store died with the first"

say "a store that dies is reported by xs_stop"
pid=$XS_PID
kill -KILL "$pid"
n=200
while xs_alive; do
    [ $((n -= 1)) -gt 0 ] || fail "store did not die"
    sleep 0.01
done
! xenstore-read /only-b 2>/dev/null || fail "dead store answered"
rc=0
xs_stop 2>/dev/null || rc=$?
[ $rc -ne 0 ] || fail "xs_stop did not report the dead store"
! kill -0 "$pid" 2>/dev/null || fail "dead store not reaped"
echo "ok"
