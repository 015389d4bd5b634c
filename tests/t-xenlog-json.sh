#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xenlog attach --json: one JSON object per line of the stream, backlog
# included, each field checked with python3's json module: the time (the
# line's own RFC 3339 stamp, else null for the backlog and the time of
# receipt for live lines), domid, domain (name from xenstore, or null),
# stream (the file's name without .log), line (quotes, backslash, control
# characters escaped; invalid UTF-8 as U+FFFD); a final partial line is
# printed when the stream ends; lines longer than 64 KiB are cut; the
# stamps of a stream with timestamp = 1 are the times.
. "$TOP_SRCDIR/tests/lib/common.sh"
command -v python3 >/dev/null || skip "no python3"
t_store
xld_start
xenstore-write /local/domain/3/name guest-json

say "a stream of domain 3 (guest-json) with a backlog"
stream 3 1 "$LOG/qemu-dm-guest-json.log" 1048576 2
wait_state 3 1 ready
exec 3<>"$RUN/s.3.1.fifo"
printf 'backlog one\n2026-11-30T18:57:42.123Z stamped backlog\nbacklog three\n' >&3
retry 10 grep -q "backlog three" "$LOG/qemu-dm-guest-json.log" || fail "backlog not logged"

say "attach --json: backlog, then live lines, then the end of the stream"
"$XENLOG" attach --json --lines 3 3 1 >"$T/out" 2>"$T/err" &
rd=$!; T_PIDS+=($rd)
reader() { "$XENLOG" stats --json 3 | grep -q '"id": 1,.*"readers": 1,'; }
retry 20 reader || fail "the reader did not attach: $(cat "$T/err")"
before=$(date +%s)
printf 'live plain\n' >&3
printf 'q "quoted" b\\ack t\tab c\001 e\033[0m d\177 cr\r\n' >&3
printf 'bad \377\376 utf8 caf\303\251 \342\202\254 \360\237\230\200 \355\240\200 \300\257\n' >&3
printf '2026-11-30T18:57:43.456Z stamped live\n' >&3
printf '2026-11-30T18:57:4x.456Z not a stamp\n' >&3
printf '\n' >&3
head -c 70000 /dev/zero | tr '\0' x >&3
printf '\nthe last, partial' >&3
retry 10 grep -q "the last, partial" "$LOG/qemu-dm-guest-json.log" || fail "live lines not logged"
xenstore-rm /libxl/3/logging/1
wait $rd || fail "attach --json: exit $?: $(cat "$T/err")"
after=$(date +%s)
grep -q "ended" "$T/err" || fail "no end: $(cat "$T/err")"

# check.py OUT BEFORE AFTER DOMID DOMAIN STREAM EXPECTED...: every object, field by
# field; EXPECTED is TIME|LINE per object, TIME "null", "now" (received between
# BEFORE and AFTER) or a stamp; LINE a Python string expression.
cat >"$T/check.py" <<'PY'
import datetime, json, re, sys
out, before, after, domid, domain, stream = sys.argv[1:7]
want = [w.split('|', 1) for w in sys.argv[7:]]
raw = open(out, 'rb').read()
assert raw.endswith(b'\n'), 'output does not end with a newline'
objs = [json.loads(l) for l in raw.decode('utf-8').split('\n')[:-1]]
assert len(objs) == len(want), 'got %d objects, want %d: %r' % (len(objs), len(want), objs)
for i, (o, (t, line)) in enumerate(zip(objs, want)):
    where = 'object %d %r' % (i, o)
    assert list(o) == ['time', 'domid', 'domain', 'stream', 'line'], where + ': keys'
    assert o['domid'] == int(domid), where + ': domid'
    assert o['domain'] == (None if domain == 'null' else domain), where + ': domain'
    assert o['stream'] == stream, where + ': stream'
    assert o['line'] == eval(line, {'__builtins__': {}}), where + ': line'
    if t == 'null':
        assert o['time'] is None, where + ': time should be null'
    elif t == 'now':
        assert re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z', o['time']), where + ': time form'
        ts = datetime.datetime.strptime(o['time'], '%Y-%m-%dT%H:%M:%S.%fZ')
        ts = ts.replace(tzinfo=datetime.timezone.utc).timestamp()
        assert int(before) - 1 <= ts <= int(after) + 1, where + ': time not of receipt'
    else:
        assert o['time'] == t, where + ': time should be the stamp'
print('%d objects checked' % len(objs))
PY

python3 "$T/check.py" "$T/out" "$before" "$after" 3 guest-json qemu-dm-guest-json \
    "null|'backlog one'" "2026-11-30T18:57:42.123Z|'stamped backlog'" "null|'backlog three'" \
    "now|'live plain'" \
    "now|'q \"quoted\" b\\\\ack t\\tab c\\x01 e\\x1b[0m d\\x7f cr\\r'" \
    "now|'bad \\ufffd\\ufffd utf8 caf\\u00e9 \\u20ac \\U0001f600 \\ufffd\\ufffd\\ufffd \\ufffd\\ufffd'" \
    "2026-11-30T18:57:43.456Z|'stamped live'" "now|'2026-11-30T18:57:4x.456Z not a stamp'" \
    "now|''" "now|'x' * 65536" "now|'x' * 4464" "now|'the last, partial'" ||
    fail "attach --json output: $(head -c 2000 "$T/out")"
# The escapes as written: JSON's short forms, \u00XX for the other control
# characters and DEL, \ufffd for each invalid byte.
for e in '\"quoted\"' 'b\\ack' 't\tab' 'c\u0001' 'e\u001b[0m' 'd\u007f' 'cr\r"' 'bad \ufffd\ufffd utf8'; do
    grep -qF -- "$e" "$T/out" || fail "escape $e not in the output"
done

say "attach --json --no-follow by name, a domain without a name: the backlog, its partial line"
stream 4 1 "$LOG/other.log" 65536 1
wait_state 4 1 ready
printf 'x1\nx2\npartial' >"$RUN/s.4.1.fifo"
retry 10 grep -q "partial" "$LOG/other.log" || fail "not logged"
"$XENLOG" attach --json --no-follow --bytes 1000 4 other >"$T/out2" 2>"$T/err2" ||
    fail "attach --json --no-follow: $(cat "$T/err2")"
python3 "$T/check.py" "$T/out2" 0 0 4 null other "null|'x1'" "null|'x2'" "null|'partial'" ||
    fail "attach --json --no-follow output: $(cat "$T/out2")"
[ ! -s "$T/err2" ] || fail "stderr: $(cat "$T/err2")"

say "a stream the daemon stamps (timestamp = 1): the time is the daemon's stamp, live and backlog"
mkfifo -m 0600 "$RUN/s.5.1.fifo"
xenstore-write /libxl/5/logging/1/pipe "$RUN/s.5.1.fifo" /libxl/5/logging/1/file "$LOG/st.log" \
    /libxl/5/logging/1/limit 65536 /libxl/5/logging/1/copies 1 /libxl/5/logging/1/timestamp 1
wait_state 5 1 ready
exec 5<>"$RUN/s.5.1.fifo"
printf 'stamped backlog\n' >&5
retry 10 grep -q "stamped backlog" "$LOG/st.log" || fail "not logged"
"$XENLOG" attach --json --bytes 1000 5 1 >"$T/out3" 2>"$T/err3" &
rd=$!; T_PIDS+=($rd)
reader5() { "$XENLOG" stats --json 5 | grep -q '"id": 1,.*"readers": 1,'; }
retry 20 reader5 || fail "the reader did not attach: $(cat "$T/err3")"
printf 'stamped live\n' >&5
retry 10 grep -q "stamped live" "$LOG/st.log" || fail "not logged"
xenstore-rm /libxl/5/logging/1
wait $rd || fail "attach --json: $(cat "$T/err3")"
s1=$(sed -n 1p "$LOG/st.log" | cut -d' ' -f1)
s2=$(sed -n 2p "$LOG/st.log" | cut -d' ' -f1)
python3 "$T/check.py" "$T/out3" 0 0 5 null st "$s1|'stamped backlog'" "$s2|'stamped live'" ||
    fail "stamped stream: $(cat "$T/out3"); file: $(cat "$LOG/st.log")"
xld_stop
