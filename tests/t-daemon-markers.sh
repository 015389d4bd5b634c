#!/bin/bash
# Boot markers (xenlogd.conf(5) boot_marker): a new stream's file starts with
# one line naming the time, the domain's id and name and the stream; the
# next boot's stream moves it to FILE.1 and starts FILE with its own; a
# stream the daemon adopts after a restart gets none; a kind with
# boot_marker = no gets none; a name with control characters is shown safe.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_store
MARK='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z xenlogd: start of domain'
cat >"$T/xenlogd.conf" <<CONF
[serial]
boot_marker = no
CONF
xenstore-write /local/domain/5/name guest1
xld_start

say "a new stream: the marker is its file's first line"
stream 5 1 "$LOG/qemu-dm-guest1.log" 65536 2
wait_state 5 1 ready
printf 'boot one\n' 1<>"$RUN/s.5.1.fifo"
retry 10 grep -q 'boot one' "$LOG/qemu-dm-guest1.log" || fail "line never written"
head -n 1 "$LOG/qemu-dm-guest1.log" |
    grep -qE "$MARK 5 \(guest1\), stream 1 \(qemu-dm-guest1.log\)\$" ||
    fail "first line: $(head -n 1 "$LOG/qemu-dm-guest1.log")"
[ "$(sed -n 2p "$LOG/qemu-dm-guest1.log")" = "boot one" ] || fail "second line not the data"

say "the next boot: the old file with its marker is .1, the new one has its own"
xenstore-rm /libxl/5/logging/1
retry 10 grep -q "stream 5/1: finished" "$T/xenlogd.log" || fail "stream not finished"
stream 5 1 "$LOG/qemu-dm-guest1.log" 65536 2
wait_state 5 1 ready
printf 'boot two\n' 1<>"$RUN/s.5.1.fifo"
retry 10 grep -q 'boot two' "$LOG/qemu-dm-guest1.log" || fail "second boot not written"
grep -cE "$MARK" "$LOG/qemu-dm-guest1.log.1" | grep -qx 1 || fail "f.1 lacks the first marker"
grep -q 'boot one' "$LOG/qemu-dm-guest1.log.1" || fail "f.1 lacks the first boot"
head -n 1 "$LOG/qemu-dm-guest1.log" | grep -qE "$MARK 5 \(guest1\)" || fail "no marker in f"

say "adopted after a daemon restart: no second marker"
xld_stop
xld_start
# `state` stays ready across the restart: wait for the adoption itself (a
# FIFO nobody holds open drops what is written to it).
retry 20 grep -q "stream 5/1: adopted" "$T/xenlogd.log" || fail "stream not adopted"
printf 'after restart\n' 1<>"$RUN/s.5.1.fifo"
retry 10 grep -q 'after restart' "$LOG/qemu-dm-guest1.log" || fail "not written after restart"
[ "$(grep -cE "$MARK" "$LOG/qemu-dm-guest1.log")" = 1 ] || fail "adopted stream got a marker"

say "boot_marker = no for a kind: none"
stream 5 2 "$LOG/serial-guest1.log" 65536 2
wait_state 5 2 ready
printf 'serial line\n' 1<>"$RUN/s.5.2.fifo"
retry 10 grep -q 'serial line' "$LOG/serial-guest1.log" || fail "serial line not written"
grep -qE "$MARK" "$LOG/serial-guest1.log" && fail "serial kind got a marker"

say "a domain without a name, and a name with control characters"
stream 6 1 "$LOG/noname.log" 65536 2
wait_state 6 1 ready
retry 10 grep -qE "$MARK 6 \(-\), stream 1 \(noname.log\)\$" "$LOG/noname.log" ||
    fail "nameless: $(head -n 1 "$LOG/noname.log")"
xenstore-write /local/domain/7/name "$(printf 'bad\tname\033[2J')"
stream 7 1 "$LOG/bad.log" 65536 2
wait_state 7 1 ready
retry 10 grep -qE "$MARK 7 \(bad\?name\?\[2J\)" "$LOG/bad.log" ||
    fail "control characters: $(head -n 1 "$LOG/bad.log" | cat -A)"
xld_stop
