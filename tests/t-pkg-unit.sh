#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xenlogd.service as built (init/xenlogd.service.in):
#  - systemd-analyze verify passes (its programs and man pages found);
#  - ordered after the store (xen.service, xenstored.service) and before what
#    creates domains; Type=notify; Restart=on-failure;
#  - systemd-analyze security --offline=yes: exposure printed, at most 1.0;
#  - every system call the daemon makes (strace of a run: start with
#    NOTIFY_SOCKET, its own Landlock and seccomp, streams, rotation, stop) is
#    allowed by the unit's SystemCallFilter=, so systemd's filter and the
#    daemon's own sandbox hold together;
#  - the init script: sh -n, LSB header ordered after xen, before xendomains.
# No systemd runs as PID 1 here, nor Xen: the start under systemd itself, and
# the init script run for real in a dom0, are the Xen host test's
# (tests/xen-host/, service.sh and initscript.sh).
. "$TOP_SRCDIR/tests/lib/common.sh"
command -v systemd-analyze >/dev/null || skip "no systemd-analyze (tests/install-deps.sh)"
U=$TOP_BUILDDIR/init/xenlogd.service
[ -f "$U" ] || fail "no $U (make builds it)"

say "systemd-analyze verify"
mkdir -p "$T/units" "$T/man/man1" "$T/man/man5" "$T/man/man8"
sed "s|^ExecStart=[^ ]*/xenlogd |ExecStart=$XENLOGD |" "$U" >"$T/units/xenlogd.service"
grep -q "^ExecStart=$XENLOGD --foreground$" "$T/units/xenlogd.service" || fail "ExecStart not found"
cp "$TOP_SRCDIR/docs/xenlog.1" "$T/man/man1/"
cp "$TOP_SRCDIR/docs/xenlogd.conf.5" "$T/man/man5/"
cp "$TOP_SRCDIR/docs/xenlogd.8" "$T/man/man8/"
(cd "$T/units" && MANPATH=$T/man systemd-analyze verify --man=yes xenlogd.service) >"$T/verify" 2>&1 ||
    fail "systemd-analyze verify: $(cat "$T/verify")"
[ ! -s "$T/verify" ] || fail "systemd-analyze verify says: $(cat "$T/verify")"
echo "   verify: clean"

say "ordering, type, restart"
val() { sed -n "s/^$1=//p" "$U" | tr '\n' ' '; }
for u in xen.service xenstored.service; do
    [[ " $(val After) " == *" $u "* ]] || fail "not After=$u"
done
for u in xendomains.service libvirtd.service virtxend.service xen-qemu-dom0-disk-backend.service; do
    [[ " $(val Before) " == *" $u "* ]] || fail "not Before=$u"
done
[ "$(val Type)" = "notify " ] || fail "Type=$(val Type)"
[ "$(val Restart)" = "on-failure " ] || fail "Restart=$(val Restart)"
echo "   After=$(val After)"
echo "   Before=$(val Before)"

say "systemd-analyze security --offline=yes"
systemd-analyze security --offline=yes "$T/units/xenlogd.service" >"$T/security" 2>&1 || true
grep '✗' "$T/security" | sed 's/^/   /'
exposure=$(sed -n 's/.*Overall exposure level for xenlogd.service: \([0-9.]*\).*/\1/p' "$T/security")
[ -n "$exposure" ] || fail "no exposure in: $(tail -n 3 "$T/security")"
echo "exposure: $exposure"
awk -v e="$exposure" 'BEGIN { exit !(e <= 1.0) }' || fail "exposure $exposure > 1.0 (docs/install.md)"

say "every system call of a daemon run is allowed by SystemCallFilter="
command -v strace >/dev/null || fail "no strace (tests/install-deps.sh)"
command -v python3 >/dev/null || fail "no python3"
# The allowed set: the unit's allow list minus its deny list, groups expanded.
systemd-analyze syscall-filter >"$T/groups" 2>/dev/null
grep '^SystemCallFilter=' "$U" >"$T/filter"
python3 - "$T/groups" "$T/filter" >"$T/allowed" <<'PY' || fail "cannot expand SystemCallFilter="
import sys
groups, cur = {}, None
for line in open(sys.argv[1]):
    w = line.split('#')[0].split()
    if line.startswith('@'):
        cur = groups.setdefault(w[0], [])
    elif cur is not None and w:
        cur.append(w[0])
def expand(names, seen=()):
    out = set()
    for n in names:
        if n.startswith('@'):
            if n in seen:
                continue
            out |= expand(groups[n], seen + (n,))
        else:
            out.add(n)
    return out
allow, deny = set(), set()
for line in open(sys.argv[2]):
    v = line.strip().split('=', 1)[1].split()
    if v and v[0].startswith('~'):
        deny |= expand([v[0][1:]] + v[1:])
    else:
        allow |= expand(v)
print('\n'.join(sorted(allow - deny)))
PY
grep -qx landlock_restrict_self "$T/allowed" && grep -qx seccomp "$T/allowed" ||
    fail "the unit does not allow landlock_* and seccomp"
t_store
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1])
while True:
    m = s.recv(4096).decode()
    open(sys.argv[2], "a").write(m + "\n")
    if "STOPPING=1" in m: break
' "$T/notify.sock" "$T/notify.msgs" &
T_PIDS+=($!)
retry 10 test -S "$T/notify.sock" || fail "no notify socket"
# LeakSanitizer cannot run under ptrace (sanitized builds only).
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 NOTIFY_SOCKET=$T/notify.sock strace -f -qq -o "$T/strace" "$XENLOGD" --foreground --verbose \
    --run-dir "$RUN" --log-dir "$LOG" >>"$T/xenlogd.log" 2>&1 &
XLD_PID=$!
retry 60 sh -c "xenstore-read /tool/xenlogd/pid >/dev/null" || fail "daemon did not advertise itself"
retry 20 grep -qx READY=1 "$T/notify.msgs" || fail "no READY=1"
grep -q "sandbox: landlock ABI [0-9]*, seccomp on" "$T/xenlogd.log" ||
    fail "the daemon's own sandbox is not on: $(grep sandbox "$T/xenlogd.log")"
stream 0 1 "$LOG/sc.log" 4096 2
wait_state 0 1 ready
exec 3<>"$RUN/s.0.1.fifo"
linegen 1 100000 0 0 >&3 2>/dev/null
retry 20 test -f "$LOG/sc.log.2" || fail "no rotation"
exec 3>&-
xenstore-rm /libxl/0/logging/1
retry 10 grep -q "stream 0/1: finished" "$T/xenlogd.log" || true
dpid=$(xenstore-read /tool/xenlogd/pid)
kill -TERM "$dpid"                       # the daemon; strace ends with it
rc=0; wait "$XLD_PID" || rc=$?
XLD_PID=
[ $rc = 0 ] || fail "daemon (under strace) exited $rc"
retry 10 grep -qx STOPPING=1 "$T/notify.msgs" || fail "no STOPPING=1"
# Calls made after execve (the filter is in force from there on).
sed -n '/execve(/,$p' "$T/strace" | sed -n 's/^[0-9]* *\([a-z_0-9]*\)(.*/\1/p' | sort -u >"$T/used"
grep -qx landlock_restrict_self "$T/used" || fail "strace saw no landlock_restrict_self"
grep -Eqx 'seccomp|prctl' "$T/used" || fail "strace saw no seccomp"
comm -23 "$T/used" "$T/allowed" >"$T/denied"
echo "   $(wc -l <"$T/used") distinct system calls, all in the unit's filter: $(tr '\n' ' ' <"$T/used")"
[ ! -s "$T/denied" ] || fail "used but not allowed by SystemCallFilter=: $(tr '\n' ' ' <"$T/denied")"

say "the init script"
I=$TOP_SRCDIR/debian/xenlogd.init
sh -n "$I" || fail "syntax"
grep -q '^# Required-Start:.* xen\b' "$I" || fail "Required-Start lacks xen"
grep -q '^# X-Start-Before:.*xendomains' "$I" || fail "X-Start-Before lacks xendomains"
for a in start stop restart force-reload status; do
    grep -q "^$a[|)]\|[|]$a)" "$I" || fail "no $a action"
done
if [ "$(cat /sys/hypervisor/type 2>/dev/null)" != xen ] && [ -r /lib/lsb/init-functions ]; then
    # Outside a Xen dom0, start does nothing (exit 0), status says "not running"
    # (3). SYSTEMCTL_SKIP_REDIRECT: run the script itself, not systemctl.
    export SYSTEMCTL_SKIP_REDIRECT=1
    sed -e "s|^DAEMON=.*|DAEMON=$TOP_BUILDDIR/console/xenlogd|" -e "s|^PIDFILE=.*|PIDFILE=$T/none.pid|" \
        "$I" >"$T/init"
    rc=0; sh "$T/init" start >"$T/init.out" 2>&1 || rc=$?
    [ $rc = 0 ] || fail "start outside a Xen dom0: exit $rc, want 0: $(cat "$T/init.out")"
    rc=0; sh "$T/init" status >"$T/init.out" 2>&1 || rc=$?
    [ $rc = 3 ] || fail "status outside a Xen dom0: exit $rc, want 3 (LSB: not running)"
    echo "   outside a Xen dom0: start exits 0 and does nothing, status 3"
else
    skip_part "the init script outside a Xen dom0: this is one (or no /lib/lsb/init-functions)"
fi
say "ok"
