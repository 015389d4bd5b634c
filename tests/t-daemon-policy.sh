#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The host's policy (xenlogd.conf(5)): limit/copies defaults per log kind
# for streams that leave the nodes out, caps that clamp, a bad config at
# start refused with file:line, SIGHUP re-reading it (new streams get the
# new policy; a bad file keeps the old one). The shipped etc/xenlogd.conf,
# every setting uncommented, is taken and gives each kind its built-in values.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_store
CONF=$T/xenlogd.conf

# logged PATTERN: the daemon said it (grep -E on its log).
logged() { grep -qE "$1" "$T/xenlogd.log"; }
# bare DOMID ID FILE [INPUT]: a stream with pipe and file only (and input).
bare() {
    local d=$1 i=$2 fifo=$RUN/s.$1.$2.fifo
    mkfifo -m 0600 "$fifo"
    if [ $# -ge 4 ]; then
        mkfifo -m 0600 "$4"
        xenstore-write "/libxl/$d/logging/$i/pipe" "$fifo" "/libxl/$d/logging/$i/file" "$3" \
            "/libxl/$d/logging/$i/input" "$4"
    else
        xenstore-write "/libxl/$d/logging/$i/pipe" "$fifo" "/libxl/$d/logging/$i/file" "$3"
    fi
}
# got DOMID ID LIMIT COPIES KIND [CLAMPED]: the daemon's line for the stream.
got() {
    local want="stream $1/$2: ready [^ ]+ \(limit $3, copies $4, $5${6:+, clamped: $6}\)"
    retry 10 logged "$want" || fail "want '$want'; got: $(grep "stream $1/$2:" "$T/xenlogd.log")"
}

say "a bad config at start: the daemon does not start, and says file:line"
printf '# comment\nlimit = 4K\n[qdisk]\ncopies = 3\nmax_age = 2\n' >"$CONF"
rc=0
"$XENLOGD" --foreground --run-dir "$RUN" --log-dir "$LOG" --config "$CONF" 2>"$T/bad.err" || rc=$?
cat "$T/bad.err"
[ $rc -ne 0 ] || fail "started with a bad config"
grep -qF "$CONF:5: unknown key 'max_age'" "$T/bad.err" || fail "no file:line reason"
[ ! -S "$RUN/xenlogd.sock" ] || fail "a refused daemon made its socket"
xenstore-read /tool/xenlogd/pid 2>/dev/null && fail "a refused daemon advertised itself"
for bad in "limit = 4Q" "copies = 100" "[nosuch]" "limit 4K" "[qdisk]\nlimit = 2G" \
    "[other]\nmax_total_size = 1G" "max_age_days = 1\nmax_age_days = 2" \
    "max_limit = 8K\n[serial]\nlimit = 16K"; do
    printf "$bad\n" >"$CONF"
    rc=0
    "$XENLOGD" --foreground --run-dir "$RUN" --log-dir "$LOG" --config "$CONF" 2>"$T/bad.err" ||
        rc=$?
    [ $rc -ne 0 ] || fail "started with '$bad'"
    grep -qF "$CONF:" "$T/bad.err" || fail "'$bad': $(cat "$T/bad.err")"
    echo "refused: $bad -> $(cat "$T/bad.err")"
done
grep -qF "$CONF:3: [serial] limit 16384 is above max_limit 8192" "$T/bad.err" ||
    fail "cap conflict: $(cat "$T/bad.err")"

say "defaults per log kind: limit and copies left out"
cat >"$CONF" <<'EOF'
# every kind its own defaults
limit = 5K              # other
copies = 1
max_limit = 64K
max_copies = 3
[qemu-dm]
limit = 6K
copies = 2
[qdisk]
limit = "7K"
copies = 3
[bootloader]
limit = 8K
copies = 0
[serial]
limit = 9K
max_limit = 12K
EOF
xld_start
retry 10 logged "policy from $CONF" || fail "config not said to be in force"
bare 1 1 "$LOG/qemu-dm-g1.log"
bare 1 2 "$LOG/qdisk-1.log"
bare 1 3 "$LOG/bootloader.1.log"
bare 1 4 "$LOG/console.log" "$RUN/in.1.4"
bare 1 5 "$LOG/xl-other.log"
got 1 1 6144 2 qemu-dm
got 1 2 7168 3 qdisk
got 1 3 8192 0 bootloader
got 1 4 9216 1 serial
got 1 5 5120 1 other
wait_state 1 5 ready
say "the default limit binds: 40 KiB into a 5 KiB x 1 stream"
exec 3<>"$RUN/s.1.5.fifo"
linegen 7 40960 0 0 >&3 2>/dev/null
exec 3>&-
taken 1 5 "$(linegen 7 40960 0 0 2>/dev/null | wc -c)"
[ -s "$LOG/xl-other.log.1" ] || fail "no rotation"
for f in "$LOG/xl-other.log" "$LOG/xl-other.log.1"; do
    [ "$(stat -c %s "$f")" -le 5120 ] || fail "$f: $(stat -c %s "$f") bytes > 5120"
done
[ ! -e "$LOG/xl-other.log.2" ] || fail "a second copy with copies = 1"

say "caps: a stream asking for more is clamped, and works on"
stream 2 1 "$LOG/big.log" 1099511627776 99
wait_state 2 1 ready
got 2 1 65536 3 other "limit copies"
stream 2 2 "$LOG/serial-big.log" 13000 2
got 2 2 12288 2 serial limit
stream 2 3 "$LOG/qemu-dm-fits.log" 65536 3
got 2 3 65536 3 qemu-dm
[ "$(daemon_stat clamped)" = 2 ] || fail "clamped: $(daemon_stat clamped), want 2"
exec 3<>"$RUN/s.2.1.fifo"
linegen 8 1048576 0 0 >&3 2>/dev/null
exec 3>&-
taken 2 1 "$(linegen 8 1048576 0 0 2>/dev/null | wc -c)"
[ -s "$LOG/big.log.3" ] || fail "no third copy"
for f in "$LOG"/big.log*; do
    [ "$(stat -c %s "$f")" -le 65536 ] || fail "$f: $(stat -c %s "$f") bytes > the cap 65536"
done
[ ! -e "$LOG/big.log.4" ] || fail "more copies than the cap"
echo "big.log: $(ls "$LOG"/big.log* | wc -l) files of at most 65536 bytes"

say "SIGHUP: a new default for the next stream; the live ones keep theirs"
sed -i 's/^limit = 5K .*/limit = 10K/' "$CONF"
kill -HUP "$XLD_PID"
retry 10 logged "SIGHUP: policy re-read from $CONF" || fail "no reload"
bare 3 1 "$LOG/after-hup.log"
got 3 1 10240 1 other
[ "$(daemon_stat config_loads)" = 2 ] || fail "config_loads $(daemon_stat config_loads), want 2"
before=$(stat_of 1 5 bytes_in)
exec 3<>"$RUN/s.1.5.fifo"
linegen 7 20480 0 0 >&3 2>/dev/null
exec 3>&-
taken 1 5 $((before + $(linegen 7 20480 0 0 2>/dev/null | wc -c)))
[ "$(stat -c %s "$LOG/xl-other.log")" -le 5120 ] || fail "a live stream took the new limit"

say "SIGHUP with a bad config: logged with file:line, the policy in force is kept"
printf 'limit = 20K\n[qemu-dm]\ncopies = many\n' >"$CONF"
kill -HUP "$XLD_PID"
retry 10 logged "SIGHUP: $CONF:3: copies: 'many': not a number; the policy in force is kept" ||
    fail "bad config on SIGHUP not reported: $(tail -n 3 "$T/xenlogd.log")"
bare 3 2 "$LOG/after-bad.log"
got 3 2 10240 1 other
[ "$(daemon_stat config_errors)" = 1 ] || fail "config_errors $(daemon_stat config_errors), want 1"

say "SIGHUP with no config file: the built-in policy"
rm "$CONF"
kill -HUP "$XLD_PID"
retry 10 logged "no config file, built-in policy" || fail "missing file on SIGHUP"
bare 3 3 "$LOG/qdisk-3.log"
got 3 3 1048576 2 qdisk
kill -0 "$XLD_PID" || fail "daemon died"
xld_stop

say "caps alone: built-in defaults above them are lowered to them"
printf 'max_limit = 8K\nmax_copies = 1\n' >"$CONF"
xld_start
bare 4 1 "$LOG/qemu-dm-capped.log"
got 4 1 8192 1 qemu-dm
xld_stop

say "the shipped etc/xenlogd.conf, every setting uncommented: taken, each kind as built in"
sed -e 's/^#\([a-z_]* =\)/\1/' -e 's/^#\(\[[a-z-]*\]\)$/\1/' -e '/^forward_/d' \
    "$TOP_SRCDIR/etc/xenlogd.conf" >"$CONF"
grep -c '^[a-z_]* =\|^\[' "$CONF" | sed 's/^/settings uncommented: /'
xld_start
logged "policy from $CONF" || fail "the uncommented shipped config not taken: $(tail -n 3 "$T/xenlogd.log")"
bare 5 1 "$LOG/qdisk-5.log"
got 5 1 1048576 2 qdisk
bare 5 2 "$LOG/bootloader.5.log"
got 5 2 1048576 1 bootloader
bare 5 3 "$LOG/qemu-dm-shipped.log"
got 5 3 2097152 4 qemu-dm
xld_stop
