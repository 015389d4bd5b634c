#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Forwarding to a syslog collector (xenlogd.conf(5) forward_syslog,
# docs/forwarding.md), checked against Debian's real rsyslogd: each line an
# RFC 5424 message over TCP (octet counted) with the domain and stream in
# structured data, read back field by field as rsyslog parsed it. A stopped
# collector costs the file nothing (every line in the file), the lines it
# missed are counted, and forwarding resumes by itself when it is back. A
# burst over forward_rate_lines: counted drops, the file complete. A name
# not found at start (DNS not up yet at boot) does not keep the daemon down:
# that collector stays down, the files get every line.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/lib/rsyslog.sh"
t_store
CONF=$T/xenlogd.conf
logged() { grep -qE "$1" "$T/xenlogd.log"; }
nlogged() { grep -cE "$1" "$T/xenlogd.log" || true; }
lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }
at_least() { [ "$("${@:2}")" -ge "$1" ]; }

rs_start "$T/rs"
echo "rsyslogd $(rsyslogd -v | head -n 1 | cut -d, -f1) on 127.0.0.1:$RS_PORT${RS_V6:+ and [::1]:$RS_PORT}"
# The stalled collector's stream goes over IPv6 where there is an IPv6 loopback.
STALL_TO=127.0.0.1:$RS_PORT
[ -z "$RS_V6" ] || STALL_TO=[::1]:$RS_PORT

say "config: forward settings refused with file:line"
for bad in "forward_syslog = 127.0.0.1" "forward_syslog = ::1:514" "forward_syslog = [::1]:0" \
    "forward_syslog = 127.0.0.1:65536" "forward_syslog = bad_name!:514" \
    "[qdisk]\ntimestamp = maybe" \
    "compress = gzip" "boot_marker = 1" "forward_rate_lines = 0" "forward_rate_bytes = 1" \
    "[serial]\nsyslog_hostname = h" "syslog_hostname = a b" "forward_journal = yes\nforward_journal = no"; do
    printf "$bad\n" >"$CONF"
    rc=0
    "$XENLOGD" --foreground --run-dir "$RUN" --log-dir "$LOG" --config "$CONF" 2>"$T/bad.err" ||
        rc=$?
    [ $rc = 2 ] || fail "'$bad': exit $rc, want 2"
    grep -qF "$CONF:" "$T/bad.err" || fail "'$bad': $(cat "$T/bad.err")"
    echo "refused: $(cat "$T/bad.err")"
done

cat >"$CONF" <<EOF
syslog_hostname = xen-host-1.test
boot_marker = no
[qemu-dm]
forward_syslog = 127.0.0.1:$RS_PORT
[qdisk]
forward_syslog = 127.0.0.1:$RS_PORT
forward_rate_lines = 100
[other]
forward_syslog = $STALL_TO
forward_rate_lines = 1000000
forward_rate_bytes = 1G
EOF
xld_start

say "lines arrive in rsyslog, field by field"
DOMAIN='web"01]\x'
xenstore-write -R /local/domain/5/name "$DOMAIN"   # -R: no escapes
stream 5 1 "$LOG/qemu-dm-web.log" 1048576 2
wait_state 5 1 ready
retry 10 logged "connected to collector 127.0.0.1:$RS_PORT" || fail "no connection"
exec 3<>"$RUN/s.5.1.fifo"
printf 'hello one\nspecial "q" \\b ]x [y] = \303\251 {}\ncrlf line\r\n\npartial ' >&3
printf 'then ended\n' >&3
retry 20 at_least 4 rs_count || fail "rsyslog got $(rs_count) messages, want 4: $(cat "$T/rs/out.json" 2>&1)"
cat "$T/rs/out.json"
python3 - "$T/rs/out.json" "$DOMAIN" <<'PY' || fail "fields"
import json, sys, datetime
want = ['hello one', 'special "q" \\b ]x [y] = \u00e9 {}', 'crlf line', 'partial then ended']
got = [json.loads(l) for l in open(sys.argv[1], encoding='utf-8')]
assert [g['msg'] for g in got] == want, [g['msg'] for g in got]
for g in got:
    assert g['hostname'] == 'xen-host-1.test', g
    assert g['app'] == 'qemu-dm-web', g
    assert g['msgid'] == 'qemu-dm', g
    assert json.loads(g['sd']) == {'xen@32473': {'domid': '5', 'domain': sys.argv[2],
                                     'stream': 'qemu-dm-web.log', 'id': '1'}}, g['sd']
    t = datetime.datetime.fromisoformat(g['timestamp'])
    age = (datetime.datetime.now(datetime.timezone.utc) - t).total_seconds()
    assert -5 < age < 120, g['timestamp']
print("4 messages: msg, hostname, app-name, msgid, timestamp, sd (domid, domain, stream, id) as sent")
PY

say "a line of 20000 bytes goes in pieces of 8 KiB"
head -c 20000 /dev/zero | tr '\0' x >&3
echo >&3
retry 20 at_least 7 rs_count || fail "rsyslog got $(rs_count) messages, want 7"
python3 - "$T/rs/out.json" <<'PY' || fail "pieces"
import json, sys
got = [json.loads(l)['msg'] for l in open(sys.argv[1], encoding='utf-8')][4:]
assert [len(m) for m in got] == [8192, 8192, 3616] and set(''.join(got)) == {'x'}, \
    [len(m) for m in got]
print("pieces of", [len(m) for m in got], "bytes")
PY

say "the collector stops: the file goes on, the lines are counted unsent"
rs_stop
retry 10 logged "collector 127.0.0.1:$RS_PORT: the collector closed the link" || fail "the loss was not seen"
before=$(rs_count)
for i in $(seq 1 50); do echo "while down $i"; done >&3
retry 10 at_least 56 lines "$LOG/qemu-dm-web.log" || fail "file: $(lines "$LOG/qemu-dm-web.log") lines"
grep -q "^while down 50$" "$LOG/qemu-dm-web.log" || fail "the file lacks the last line"

say "the collector is back: forwarding resumes by itself"
rs_start "$T/rs" "$RS_PORT"
retry 30 sh -c "[ \$(grep -c 'connected to collector 127.0.0.1:$RS_PORT' '$T/xenlogd.log') -ge 2 ]" ||
    fail "no reconnection"
for i in 1 2 3; do echo "after $i"; done >&3
retry 20 at_least $((before + 3)) rs_count || fail "rsyslog got $(rs_count), want $((before + 3))"
tail -n 3 "$T/rs/out.json" | grep -c '"msg":"after [123]"' | grep -qx 3 || fail "not the lines after"
! grep -q 'while down' "$T/rs/out.json" || fail "a line sent while down arrived"

say "a burst over forward_rate_lines = 100: drops counted, the file complete"
stream 5 2 "$LOG/qdisk-5.log" 1048576 1
wait_state 5 2 ready
exec 4<>"$RUN/s.5.2.fifo"
seq -f 'burst %g' 1 1000 >&4
retry 10 at_least 1000 lines "$LOG/qdisk-5.log" || fail "file: $(lines "$LOG/qdisk-5.log") lines"
exec 3>&- 4>&-
xenstore-rm /libxl/5/logging/1
xenstore-rm /libxl/5/logging/2
retry 10 logged "stream 5/2: forwarded" || fail "no figures for 5/2"
grep -E "stream 5/[12]: forwarded" "$T/xenlogd.log"
fig() {
    sed -nE "s/.*stream 5\/$1: forwarded ([0-9]+) lines .*; ([0-9]+) over the rate, ([0-9]+) cut; .*collector ([0-9]+) queued, ([0-9]+) unsent/$2/p" \
        "$T/xenlogd.log"
}
[ "$(fig 1 '\5')" = 50 ] || fail "5/1 unsent $(fig 1 '\5'), want 50"
[ "$(fig 1 '\4')" = 10 ] || fail "5/1 queued $(fig 1 '\4'), want 10"
[ "$(fig 1 '\3')" = 2 ] || fail "5/1 cut $(fig 1 '\3'), want 2"
taken=$(fig 2 '\1') over=$(fig 2 '\2')
[ $((taken + over)) = 1000 ] && [ "$over" -gt 0 ] && [ "$taken" -ge 100 ] ||
    fail "5/2: $taken taken + $over over the rate"
got_qdisk() { grep -c '"msgid":"qdisk".*"msg":"burst ' "$T/rs/out.json"; }
retry 10 sh -c "[ \$(grep -c '\"msgid\":\"qdisk\".*\"msg\":\"burst ' '$T/rs/out.json') = $taken ]" ||
    fail "rsyslog got $(got_qdisk) of qdisk-5.log, want $taken"
echo "burst of 1000: $taken forwarded, $over over the rate; the file has $(lines "$LOG/qdisk-5.log")"
# The daemon's figures (xenlog stats) count the same, all streams together.
dfig() { "$XENLOG" --run-dir "$RUN" stats --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["daemon"][sys.argv[1]])' "$1"; }
[ "$(dfig forward_rate_dropped_lines)" = "$over" ] ||
    fail "stats: forward_rate_dropped_lines $(dfig forward_rate_dropped_lines), want $over"
[ "$(dfig forward_syslog_unsent)" -ge 50 ] || fail "stats: forward_syslog_unsent $(dfig forward_syslog_unsent)"
[ "$(dfig forward_cut_lines)" = 2 ] || fail "stats: forward_cut_lines $(dfig forward_cut_lines), want 2"
echo "stats: rate dropped $(dfig forward_rate_dropped_lines), unsent $(dfig forward_syslog_unsent), sent $(dfig forward_syslog_sent), connects $(dfig forward_connects)"

say "a stalled collector (SIGSTOP, at $STALL_TO): 20 MB at full speed, the file complete, the rest unsent"
stream 5 3 "$LOG/stall.log" 67108864 1
wait_state 5 3 ready
retry 10 logged "connected to collector $(printf %s "$STALL_TO" | sed 's/[][]/\\&/g')" ||
    fail "no connection to $STALL_TO"
kill -STOP "$RS_PID"
start=$(date +%s%N)
yes "$(printf '%0100d' 0)" | head -n 200000 >"$RUN/s.5.3.fifo"
retry 30 sh -c "[ \$(stat -c %s '$LOG/stall.log') = 20200000 ]" ||
    fail "stall.log: $(stat -c %s "$LOG/stall.log") bytes, want 20200000"
echo "20200000 bytes into the file in $(( ($(date +%s%N) - start) / 1000000 )) ms with the collector stopped"
kill -CONT "$RS_PID"
xenstore-rm /libxl/5/logging/3
retry 10 logged "stream 5/3: forwarded" || fail "no figures for 5/3"
grep "stream 5/3: forwarded" "$T/xenlogd.log"
queued=$(fig 3 '\4') unsent=$(fig 3 '\5')
[ "$unsent" -gt 0 ] && [ $((queued + unsent)) = 200000 ] || fail "5/3: $queued queued + $unsent unsent"
got_stall() { grep -c '"msgid":"other"' "$T/rs/out.json"; }
retry 20 sh -c "[ \$(grep -c '\"msgid\":\"other\"' '$T/rs/out.json') = $queued ]" ||
    fail "rsyslog got $(got_stall) of stall.log after SIGCONT, want $queued"
echo "stalled collector: $queued queued (all received after SIGCONT), $unsent unsent"

say "SIGHUP: a host name unseen at start is refused (the sandbox allows no lookup)"
printf 'boot_marker = no\n[other]\nforward_syslog = localhost:%s\n' "$RS_PORT" >"$CONF"
kill -HUP "$XLD_PID"
retry 10 logged "$CONF:3: forward_syslog: 'localhost:$RS_PORT': a name not seen at start" ||
    fail "not refused: $(tail -n 3 "$T/xenlogd.log")"
xld_stop

say "a name not found at start (no DNS yet at boot): the daemon starts, that collector down"
printf 'boot_marker = no\n[other]\nforward_syslog = no-such-host.invalid:514\n' >"$CONF"
xld_start
logged "forward_syslog no-such-host.invalid:514: .*not forwarded until xenlogd restarts" ||
    fail "no warning at start: $(tail -n 3 "$T/xenlogd.log")"
stream 6 1 "$LOG/nohost.log" 1048576 2
wait_state 6 1 ready
seq 1 1000 >"$RUN/s.6.1.fifo"
retry 10 at_least 1000 lines "$LOG/nohost.log" || fail "nohost.log: $(lines "$LOG/nohost.log") of 1000 lines"
retry 10 logged "collector no-such-host.invalid:514: .*dropped" || fail "the collector not said down"
[ "$(dfig forward_collectors_up)" = 0 ] && [ "$(dfig forward_connect_failures)" -ge 1 ] ||
    fail "stats: up $(dfig forward_collectors_up), connect failures $(dfig forward_connect_failures)"
taken=$(nlogged "SIGHUP: policy re-read") refused=$(nlogged "SIGHUP: .*the policy in force is kept")
kill -HUP "$XLD_PID"
retry 10 at_least $((taken + 1)) nlogged "SIGHUP: policy re-read" ||
    fail "SIGHUP with the same name not taken: $(tail -n 3 "$T/xenlogd.log")"
[ "$(nlogged "SIGHUP: .*the policy in force is kept")" = "$refused" ] ||
    fail "SIGHUP with the same name refused: $(tail -n 3 "$T/xenlogd.log")"
echo "no-such-host.invalid: started, 1000 lines in the file, collector down ($(dfig forward_connect_failures) connect failures), SIGHUP taken"
xld_stop
rs_stop
