#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `xenlog stats --prometheus` is valid text exposition, read by the real
# parser of python3-prometheus-client (tests/lib/promcheck.py): families
# grouped, HELP and TYPE once each, one label set per family, counters
# _total, daemon-wide figures too; and every family and sample is exactly
# what `xenlog stats --json` and the plain `xenlog stats` of the same daemon say.
. "$TOP_SRCDIR/tests/lib/common.sh"
# Debian's python3 (the package's), not one a user put first in PATH.
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
"$PY" -c 'import prometheus_client.parser' 2>/dev/null ||
    skip "no python3-prometheus-client (tests/install-deps.sh installs it)"
t_store

# plain_check JSON PLAIN: `xenlog stats --bytes` (PLAIN) says what the JSON says.
plain_check() {
    "$PY" - "$1" "$2" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
lines = open(sys.argv[2]).read().splitlines()
rows = {}
for l in lines[1:]:
    w = l.split()
    if len(w) >= 9 and w[0].isdigit():   # a stream row: fields by header name
        rows[(int(w[0]), int(w[1]))] = dict(zip(lines[0].split(), w))
bad = []
for s in doc["streams"]:
    r = rows.pop((s["domid"], s["id"]), None)
    if r is None:
        bad.append("no row for %d/%d" % (s["domid"], s["id"]))
        continue
    for col, key in (("STATE", "state"), ("BYTES-IN", "bytes_in"), ("WRITTEN", "bytes_written"),
                     ("ROTATIONS", "rotations"), ("DROPPED", "dropped_bytes"), ("READERS", "readers")):
        if r[col] != str(s[key]):
            bad.append("%d/%d %s: %s, JSON %s" % (s["domid"], s["id"], col, r[col], s[key]))
if rows:
    bad.append("rows not in the JSON: %s" % sorted(rows))
figs = {l.split()[0]: l.split()[1] for l in lines if l.startswith("  ")}
for k, v in doc["daemon"].items():
    if k not in figs or float(figs[k]) != float(v):
        bad.append("daemon figure %s: %s, JSON %s" % (k, figs.get(k), v))
if len(figs) != len(doc["daemon"]):
    bad.append("%d daemon figures, the JSON has %d" % (len(figs), len(doc["daemon"])))
print("\n".join(bad) or "plain output: %d streams, %d daemon figures as in the JSON"
      % (len(doc["streams"]), len(doc["daemon"])))
sys.exit(1 if bad else 0)
PY
}

xld_start

# Streams of every kind, then nothing moves while the three snapshots are taken.
stream 0 1 "$LOG/plain.log" 4096 2
stream 0 2 "$LOG/outside/../../x.log" 4096 1        # error
stream 7 1 "$LOG/q\"uote\\\\back.log" 65536 3         # a label that needs escaping
wait_state 0 1 ready; wait_state 0 2 error; wait_state 7 1 ready
xenstore-write /local/domain/7/name guest-seven
read -r cid cpath < <("$XENLOG" serial guest-seven console-s --limit 8K --copies 1) ||
    fail "serial"
linegen 1 200000 >"$RUN/s.0.1.fifo"                  # 200000 bytes: rotations
echo one >"$RUN/s.7.1.fifo"
settled() {
    "$XENLOG" stats --json --bytes >"$T/a.json" && sleep 0.3 &&
        "$XENLOG" stats --json >"$T/b.json" && cmp -s "$T/a.json" "$T/b.json" &&
        grep -q '"id": 1, "state": "ready", "file": "[^"]*plain.log".*"rotations": [1-9]' "$T/a.json"
}
retry 30 settled || fail "the figures do not settle: $(cat "$T/a.json")"

say "the three outputs of one daemon"
"$XENLOG" stats --prometheus >"$T/prom" || fail "stats --prometheus"
"$XENLOG" stats --json >"$T/json" || fail "stats --json"
"$XENLOG" stats --bytes >"$T/plain" || fail "stats --bytes"
cmp -s "$T/json" "$T/a.json" || fail "something moved during the snapshots"
cat "$T/prom"

say "a real parser reads it, and it agrees with the JSON"
"$PY" "$TOP_SRCDIR/tests/lib/promcheck.py" "$T/prom" "$T/json" || fail "Prometheus output"

say "the checker fails what issue 9 saw: a sample away from its family, a second TYPE"
first=$(grep -m1 '^xenlogd_stream_' "$T/prom")
{ grep -vxF "$first" "$T/prom"; echo "$first"; } >"$T/bad1"
! "$PY" "$TOP_SRCDIR/tests/lib/promcheck.py" "$T/bad1" "$T/json" >"$T/bad1.out" ||
    fail "an interleaved family passed"
grep -q "read 2 times" "$T/bad1.out" || fail "$(cat "$T/bad1.out")"
sed '0,/^# TYPE xenlogd_stream_copies gauge$/s//&\n&/' "$T/prom" >"$T/bad2"
! "$PY" "$TOP_SRCDIR/tests/lib/promcheck.py" "$T/bad2" "$T/json" >"$T/bad2.out" ||
    fail "a second TYPE line passed"

say "the families a monitoring rule would use, with their types"
for f in "counter xenlogd_stream_bytes_in_total" "counter xenlogd_stream_bytes_written_total" \
    "counter xenlogd_stream_rotations_total" "counter xenlogd_stream_dropped_bytes_total" \
    "counter xenlogd_stream_input_bytes_total" "gauge xenlogd_stream_readers" \
    "gauge xenlogd_stream_ready" "gauge xenlogd_stream_limit_bytes"; do
    grep -qx "# TYPE ${f#* } ${f%% *}" "$T/prom" || fail "no '# TYPE ${f#* } ${f%% *}'"
done
# The daemon's own figures come with STATS (docs/control.md); a daemon
# without it gets none, and the tool says nothing (checked with fakectl below).
if grep -q '^{"daemon": {"streams"' "$T/json"; then
    grep -q '^xenlogd_streams 4$' "$T/prom" || fail "xenlogd_streams is not 4"
else
    echo "   this xenlogd sends no daemon figures (no STATS): none printed"
    ! grep -q '^xenlogd_[a-z_]* ' "$T/prom" || fail "daemon figures from nowhere"
fi
grep -qF 'file="'"$LOG"'/q\"uote\\back.log"' "$T/prom" || fail "label not escaped"
grep -q "^xenlogd_stream_console{domid=\"7\",id=\"$cid\"" "$T/prom" ||
    fail "the console stream has no console sample"
[ "$(grep -c '^xenlogd_stream_console{' "$T/prom")" = 1 ] ||
    fail "console samples for streams that are not console streams"

say "the plain output says the same (stream rows and daemon figures)"
cat "$T/plain"
plain_check "$T/json" "$T/plain" || fail "plain output differs from the JSON"

say "stats DOMAIN (a name): that domain's streams, the daemon's figures"
"$XENLOG" stats --prometheus guest-seven >"$T/prom7" || fail "stats --prometheus guest-seven"
"$XENLOG" stats --json 7 >"$T/json7" || fail "stats --json 7"
"$PY" "$TOP_SRCDIR/tests/lib/promcheck.py" "$T/prom7" "$T/json7" || fail "stats of domain 7"
! grep -q 'domid="0"' "$T/prom7" || fail "domain 0 in the stats of domain 7"

say "no stream at all: the daemon's figures only, still valid"
"$XENLOG" close 7 "$cid" && xenstore-rm /libxl
retry 20 sh -c '"$XENLOG" stats --json | grep -q "\"streams\": \[\]"' || fail "streams left"
# The retention pass after the removals moves the daemon's figures a moment
# later: the two snapshots count once the JSON before and after them agree.
still() {
    "$XENLOG" stats --json >"$T/json0" && "$XENLOG" stats --prometheus >"$T/prom0" &&
        "$XENLOG" stats --json >"$T/json0b" && cmp -s "$T/json0" "$T/json0b"
}
retry 20 still || fail "the daemon's figures do not settle: $(diff "$T/json0" "$T/json0b")"
"$PY" "$TOP_SRCDIR/tests/lib/promcheck.py" "$T/prom0" "$T/json0" || fail "no streams"
xld_stop

say "the daemon's figures (STATS) of a daemon that has them: tests/lib/fakectl.py"
mkdir -p "$T/fake"
"$PY" "$TOP_SRCDIR/tests/lib/fakectl.py" "$T/fake" & T_PIDS+=($!)
retry 20 test -S "$T/fake/xenlogd.sock" || fail "fakectl did not start"
F="$XENLOG --run-dir $T/fake"
$F stats --prometheus >"$T/fprom" && $F stats --json >"$T/fjson" && $F stats --bytes >"$T/fplain" &&
    $F stats >"$T/fhuman" || fail "stats from fakectl"
cat "$T/fhuman"
"$PY" "$TOP_SRCDIR/tests/lib/promcheck.py" "$T/fprom" "$T/fjson" || fail "fake daemon: Prometheus"
plain_check "$T/fjson" "$T/fplain" || fail "fake daemon: plain output"
for l in "xenlogd_streams 2" "xenlogd_start_time_seconds 1700000000.500" \
    "xenlogd_managed_bytes 123456789" "xenlogd_retention_removed_files_total 7" \
    "xenlogd_retention_removed_bytes_total 3145728" "xenlogd_config_errors_total 1" \
    "xenlogd_policy_max_total_bytes 1073741824" "xenlogd_policy_max_age_seconds 2592000" \
    "# TYPE xenlogd_retention_runs_total counter" "# TYPE xenlogd_managed_bytes gauge" \
    'xenlogd_stream_input_bytes_total{domid="3",id="2",file="/var/log/xen/serial-a.log"} 12'; do
    grep -qxF "$l" "$T/fprom" || fail "fake daemon: no line '$l'"
done
grep -Eq "^  managed_bytes +117.7MiB$" "$T/fhuman" && grep -Eq "^  policy_max_total_bytes +1GiB$" "$T/fhuman" ||
    fail "fake daemon: sizes not for a person"

say "an older daemon's shorter DAEMON body: the figures it holds, no more"
kill "${T_PIDS[-1]}"; wait "${T_PIDS[-1]}" 2>/dev/null || true
rm -f "$T/fake/xenlogd.sock"
"$PY" "$TOP_SRCDIR/tests/lib/fakectl.py" "$T/fake" 24 & T_PIDS+=($!)
retry 20 test -S "$T/fake/xenlogd.sock" || fail "fakectl did not start"
$F stats --prometheus >"$T/fprom" && $F stats --json >"$T/fjson" || fail "stats from fakectl"
"$PY" "$TOP_SRCDIR/tests/lib/promcheck.py" "$T/fprom" "$T/fjson" || fail "older daemon: Prometheus"
[ "$(grep -c '^xenlogd_[a-z_]* ' "$T/fprom")" = 4 ] || fail "older daemon: $(grep '^xenlogd_[a-z_]* ' "$T/fprom")"
echo ok
