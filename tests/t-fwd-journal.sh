#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Forwarding to the local journal (xenlogd.conf(5) forward_journal,
# docs/forwarding.md), checked against Debian's real systemd-journald run in
# a private mount namespace: each line an entry with XEN_DOMID, XEN_DOMAIN
# (binary-safe when it holds a newline), XEN_STREAM, ..., read back with
# journalctl. A kind that does not forward sends nothing; with journald
# stopped the file goes on and the lines are counted unsent; it comes back
# without the daemon doing anything. With journald stalled (SIGSTOP, its
# socket full) the daemon never waits: the file takes every line at once.
. "$TOP_SRCDIR/tests/lib/journald.sh"
jd_namespace "$@"
. "$TOP_SRCDIR/tests/lib/common.sh"
t_store
jd_start "$T/journal"
logged() { grep -qE "$1" "$T/xenlogd.log"; }
lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }
at_least() { [ "$("${@:2}")" -ge "$1" ]; }
entries() { jd_json "XEN_DOMID=7" "$@" | wc -l; }

cat >"$T/xenlogd.conf" <<'EOF'
boot_marker = no
[qemu-dm]
forward_journal = yes
forward_rate_lines = 1000000
forward_rate_bytes = 1G
EOF
xld_start
DOMAIN=$'g7 "quoted"\nsecond line'
xenstore-write -R /local/domain/7/name "$DOMAIN"
stream 7 1 "$LOG/qemu-dm-g7.log" 1048576 2
stream 7 2 "$LOG/xl-g7.log" 1048576 2
wait_state 7 1 ready
wait_state 7 2 ready

say "lines in the journal, field by field"
exec 3<>"$RUN/s.7.1.fifo" 4<>"$RUN/s.7.2.fifo"
printf 'hello journal\nspecial "q" \\b = \303\251\r\n' >&3
echo "not forwarded" >&4
retry 20 at_least 2 entries || fail "journal has $(entries) entries of domain 7"
jd_json XEN_DOMID=7 >"$T/entries.json"
python3 - "$T/entries.json" "$DOMAIN" <<'PY' || fail "fields"
import json, sys
got = [json.loads(l) for l in open(sys.argv[1], encoding='utf-8')]
assert [g['MESSAGE'] for g in got] == ['hello journal', 'special "q" \\b = \u00e9'], got
for g in got:
    want = {'PRIORITY': '6', 'SYSLOG_FACILITY': '3', 'SYSLOG_IDENTIFIER': 'qemu-dm-g7',
            'XEN_DOMID': '7', 'XEN_DOMAIN': sys.argv[2], 'XEN_STREAM': 'qemu-dm-g7.log',
            'XEN_STREAM_ID': '1', 'XEN_LOG_KIND': 'qemu-dm', '_TRANSPORT': 'journal'}
    bad = {k: (g.get(k), v) for k, v in want.items() if g.get(k) != v}
    assert not bad, bad
print("2 entries: MESSAGE, PRIORITY, SYSLOG_FACILITY, SYSLOG_IDENTIFIER, XEN_DOMID, "
      "XEN_DOMAIN (with a newline), XEN_STREAM, XEN_STREAM_ID, XEN_LOG_KIND as sent")
PY
[ "$(entries XEN_STREAM=xl-g7.log)" = 0 ] || fail "a kind without forward_journal was forwarded"
retry 10 grep -q "^not forwarded" "$LOG/xl-g7.log" || fail "xl-g7.log"

say "journald stops: the file goes on, the lines are counted unsent"
jd_stop
for i in $(seq 1 20); do echo "while down $i"; done >&3
retry 10 at_least 22 lines "$LOG/qemu-dm-g7.log" || fail "file: $(lines "$LOG/qemu-dm-g7.log") lines"

say "journald is back: lines go again"
jd_start "$T/journal"
echo "after" >&3
retry 20 sh -c "journalctl -D '$JD_DIR/run/journal' -o cat XEN_DOMID=7 | grep -qx after" ||
    fail "no entry after journald came back"
exec 3>&- 4>&-
xenstore-rm /libxl/7/logging/1
retry 10 logged "stream 7/1: forwarded" || fail "no figures"
grep "stream 7/1: forwarded" "$T/xenlogd.log"
logged "stream 7/1: forwarded 23 lines .* journal 3 sent, 20 unsent;" || fail "figures"
! jd_json XEN_DOMID=7 | grep -q "while down" || fail "a line sent while down arrived"

say "journald stalled (SIGSTOP): sends never wait, the file takes every line"
stream 7 3 "$LOG/qemu-dm-g7b.log" 33554432 1
wait_state 7 3 ready
kill -STOP "$JD_PID"
t0=$(date +%s%N)
yes "$(printf 'stalled %0100d' 0)" | head -n 200000 1<>"$RUN/s.7.3.fifo"
retry 30 at_least 200000 lines "$LOG/qemu-dm-g7b.log" ||
    fail "file: $(lines "$LOG/qemu-dm-g7b.log") of 200000 lines with journald stopped"
echo "200000 lines (21.8 MB) into the file in $(( ($(date +%s%N) - t0) / 1000000 )) ms with journald stopped"
kill -CONT "$JD_PID"
xenstore-rm /libxl/7/logging/3
retry 10 logged "stream 7/3: forwarded" || fail "no figures for 7/3"
grep "stream 7/3: forwarded" "$T/xenlogd.log"
logged "stream 7/3: forwarded 200000 lines .* journal [0-9]+ sent, [1-9][0-9]* unsent;" ||
    fail "7/3: not counted unsent while journald was stopped"
xld_stop
jd_stop
