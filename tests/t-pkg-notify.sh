#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xenlogd under systemd, without systemd:
#  - readiness (console/notify.c): with $NOTIFY_SOCKET (a path, or "@name"
#    for an abstract socket) the daemon sends READY=1 only once it has
#    advertised itself in xenstore, and after entering its own sandbox
#    (Landlock and seccomp on: the socket was made before); STOPPING=1 on
#    SIGTERM. A $NOTIFY_SOCKET nobody listens on costs a warning only.
#  - diagnostics to the journal (console/log.c): when stderr is the stream
#    $JOURNAL_STREAM names (device:inode), each line starts with its
#    priority as "<N>" and carries no date; otherwise the usual dated lines.
. "$TOP_SRCDIR/tests/lib/common.sh"
command -v python3 >/dev/null || skip "no python3"
t_store

# listen ADDR OUT: a notify socket; each message is written to OUT with
# /tool/xenlogd/pid as xenstore had it when the message arrived.
listen() {
    python3 - "$1" "$2" <<'PY' &
import socket, subprocess, sys
addr, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\0" + addr[1:] if addr.startswith("@") else addr)
open(out + ".up", "w").close()
while True:
    m = s.recv(4096).decode()
    r = subprocess.run(["xenstore-read", "/tool/xenlogd/pid"], capture_output=True, text=True)
    with open(out, "a") as f:
        f.write("%s advertised=%s\n" % (m.replace("\n", ";"), r.stdout.strip() or "-"))
    if "STOPPING=1" in m:
        break
PY
    T_PIDS+=($!)
    retry 10 test -f "$2.up" || fail "listener on $1 did not start"
}

# readiness ADDR: start, READY=1 after the advertisement, stop, STOPPING=1.
readiness() {
    local out=$T/msgs.$2
    listen "$1" "$out"
    NOTIFY_SOCKET=$1 xld_start
    retry 20 grep -q '^READY=1 ' "$out" || fail "$1: no READY=1"
    grep -qx "READY=1 advertised=$XLD_PID" "$out" ||
        fail "$1: READY=1 before the advertisement: $(cat "$out")"
    grep -q "sandbox: landlock ABI [0-9]*, seccomp on" "$T/xenlogd.log" ||
        fail "sandbox not on: $(grep sandbox "$T/xenlogd.log")"
    xld_stop
    retry 10 grep -q '^STOPPING=1 ' "$out" || fail "$1: no STOPPING=1"
    [ "$(wc -l <"$out")" = 2 ] || fail "$1: messages: $(cat "$out")"
    sed "s/^/   $2: /" "$out"
}

say "READY=1 once advertised, STOPPING=1 at exit: a socket path"
readiness "$T/notify" path
say "the same, an abstract socket"
readiness "@xenlogd-test-$$" abstract

say "a NOTIFY_SOCKET nobody listens on: a warning, the daemon serves"
: >"$T/xenlogd.log"
NOTIFY_SOCKET=$T/nobody xld_start
grep -q 'cannot reach \$NOTIFY_SOCKET' "$T/xenlogd.log" || fail "no warning"
xld_stop

say "stderr is the journal's stream: <N> priorities, no date"
J=$T/journal
: >"$J"
JS="$(stat -c %d "$J"):$(stat -c %i "$J")"
JOURNAL_STREAM=$JS NOTIFY_SOCKET=$T/nobody "$XENLOGD" --foreground --run-dir "$RUN" \
    --log-dir "$LOG" 2>>"$J" &
XLD_PID=$!
retry 60 advertised "$XLD_PID" || fail "daemon did not advertise itself"
stream 0 1 "../outside.log" 4096 1                  # refused: a warning or an error
retry 10 state_is 0 1 error || fail "stream not refused"
xld_stop
sed 's/^/   /' "$J"
grep -q '^<4>cannot reach \$NOTIFY_SOCKET: ' "$J" || fail "warning not at <4>"
grep -q '^<6>serving: run dir ' "$J" || fail "info not at <6>"
grep -q '^<[34]>.*stream 0/1' "$J" || fail "the refusal not at <3> or <4>"
grep -v '^<[0-7]>' "$J" && fail "lines without a priority"
grep -Eq '[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}' "$J" && fail "dates in journal lines"

say "JOURNAL_STREAM of another file: the usual dated lines"
: >"$J.other"
JOURNAL_STREAM=$JS "$XENLOGD" --foreground --run-dir "$RUN" --log-dir "$LOG" 2>>"$J.other" &
XLD_PID=$!
retry 60 advertised "$XLD_PID" || fail "daemon did not advertise itself"
xld_stop
grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2} .*serving' "$J.other" || fail "not dated: $(cat "$J.other")"
grep -q '^<' "$J.other" && fail "priority prefix on a non-journal stderr"
say "ok"
