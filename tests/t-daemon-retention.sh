#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Retention (xenlogd.conf(5)): the files of finished streams go by age and
# by the total cap; never a live stream's file, never a file the daemon did
# not write (libxl's own logs, a file put in place of one of its files, a
# hard link, a symlink); at start, periodically, after a stream ends; the
# record survives a restart; compressed copies (.zst) go like the raw ones.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_store
CONF=$T/xenlogd.conf
OUT=$T/outside
mkdir -p "$OUT"
echo precious >"$OUT/precious"

# fill DOMID ID BYTES: lines into a live stream.
fill() {
    exec 3<>"$RUN/s.$1.$2.fifo"
    linegen "$1$2" "$3" 0 0 >&3 2>/dev/null
    exec 3>&-
}
# settled FILE BYTES: the file (and its copies) hold at least BYTES.
settled() { [ "$(cat "$1"* 2>/dev/null | wc -c)" -ge "$2" ]; }
# finish DOMID ID FILE: remove the stream; wait until the daemon said so.
finish() {
    xenstore-rm "/libxl/$1/logging/$2"
    retry 20 grep -q "stream $1/$2: finished" "$T/xenlogd.log" || fail "stream $1/$2 not finished"
}
old() { touch -h -d "$1" "${@:2}"; }
# passes N [BASE]: wait until N more retention passes ran (than BASE, or now).
passes() {
    local want=$(( ${2:-$(daemon_stat retention_runs)} + $1 ))
    retry 30 runs_reach "$want" || fail "no retention pass"
}
runs_reach() { [ "$(daemon_stat retention_runs)" -ge "$1" ]; }
must_exist() { local f; for f; do [ -e "$f" ] || [ -L "$f" ] || fail "$f was removed"; done; }
must_be_gone() { local f; for f; do [ ! -e "$f" ] && [ ! -L "$f" ] || fail "$f is still there"; done; }

say "by age, periodically: finished streams' old files go; live and foreign ones stay"
printf 'boot_marker = no\nmax_age_days = 30\nmax_total_size = 0\nretention_interval = 1\n' >"$CONF"
xld_start
stream 1 1 "$LOG/qdisk-1.log" 4096 2
stream 1 2 "$LOG/live.log" 4096 1
wait_state 1 1 ready
wait_state 1 2 ready
fill 1 1 10000
fill 1 2 6000
retry 20 settled "$LOG/qdisk-1.log" 8000 || fail "qdisk-1.log not written"
retry 20 settled "$LOG/live.log" 4000 || fail "live.log not written"
finish 1 1
echo "libxl's own" >"$LOG/xl-guest.log"
echo "never a stream" >"$LOG/qemu-dm-old.log"
ls "$LOG"/qdisk-1.log* "$LOG"/live.log* >/dev/null
old "40 days ago" "$LOG"/qdisk-1.log* "$LOG"/live.log* "$LOG/xl-guest.log" "$LOG/qemu-dm-old.log"
retry 20 sh -c "! ls '$LOG'/qdisk-1.log* >/dev/null 2>&1" || fail "old files of a finished stream stay"
must_exist "$LOG/live.log" "$LOG/live.log.1" "$LOG/xl-guest.log" "$LOG/qemu-dm-old.log"
[ "$(daemon_stat files_removed)" = 3 ] || fail "files_removed $(daemon_stat files_removed), want 3"
grep -q "retention: removed $LOG/qdisk-1.log.2 (.*older than max_age_days)" "$T/xenlogd.log" ||
    fail "removal not logged"
echo "removed: $(daemon_stat files_removed) files, $(daemon_stat bytes_removed) bytes"

say "only the daemon's objects: a replaced file, a hard link, a symlink stay"
stream 2 1 "$LOG/bootloader.2.log" 4096 2
wait_state 2 1 ready
fill 2 1 10000
retry 20 settled "$LOG/bootloader.2.log" 8000 || fail "bootloader.2.log not written"
finish 2 1
retry 10 grep -q "bootloader.2.log.2$" "$LOG/.xenlogd.files" || fail "finished files not recorded"
rm "$LOG/bootloader.2.log"; echo "someone else's" >"$LOG/bootloader.2.log"
ln "$LOG/bootloader.2.log.1" "$OUT/hardlink"
rm "$LOG/bootloader.2.log.2"; ln -s "$OUT/precious" "$LOG/bootloader.2.log.2"
old "40 days ago" "$LOG"/bootloader.2.log* "$OUT/precious"
passes 2
must_exist "$LOG/bootloader.2.log" "$LOG/bootloader.2.log.1" "$LOG/bootloader.2.log.2"
[ "$(cat "$OUT/precious")" = precious ] || fail "symlink target touched"
[ -L "$LOG/bootloader.2.log.2" ] || fail "symlink replaced"
! grep -q "bootloader" "$LOG/.xenlogd.files" || fail "files no longer the daemon's still recorded"
[ "$(daemon_stat files_removed)" = 3 ] || fail "files_removed $(daemon_stat files_removed), want still 3"
rm "$LOG"/bootloader.2.log*

say "by total, after a stream ends: the oldest finished files go first, never a live one"
printf 'boot_marker = no\nmax_age_days = 0\nmax_total_size = 40K\nretention_interval = 600\n' >"$CONF"
kill -HUP "$XLD_PID"
retry 10 grep -q "SIGHUP: policy re-read" "$T/xenlogd.log" || fail "no reload"
for i in 1 2 3; do
    stream 3 $i "$LOG/t$i.log" 8192 1
    wait_state 3 $i ready
    fill 3 $i 16000
    retry 20 settled "$LOG/t$i.log" 15900 || fail "t$i.log not written"
done
# Aged while live: only the end of the streams (no timer: 600 s) removes them.
old "3 days ago" "$LOG"/t1.log*
old "2 days ago" "$LOG"/t2.log*
old "1 day ago" "$LOG"/t3.log*
old "4 days ago" "$LOG"/live.log*
finish 3 1; finish 3 2; finish 3 3
retry 20 sh -c "! ls '$LOG'/t1.log* >/dev/null 2>&1" || fail "the oldest finished files stay"
must_exist "$LOG"/t2.log "$LOG"/t2.log.1 "$LOG"/t3.log "$LOG"/t3.log.1
must_exist "$LOG/live.log" "$LOG/live.log.1" "$LOG/xl-guest.log" "$LOG/qemu-dm-old.log"
managed=$(daemon_stat bytes_managed)
echo "bytes managed: $managed (live $(daemon_stat bytes_live)), cap 40960"
[ "$managed" -le 40960 ] || fail "bytes_managed $managed above the cap"
want=$(cat "$LOG"/t2.log* "$LOG"/t3.log* "$LOG"/live.log* | wc -c)
[ "$managed" = "$want" ] || fail "bytes_managed $managed, files hold $want"

say "a cap below the live streams' files: every finished file goes, the live ones stay"
printf 'boot_marker = no\nmax_total_size = 1K\n' >"$CONF"
kill -HUP "$XLD_PID"
retry 20 sh -c "! ls '$LOG'/t2.log* '$LOG'/t3.log* >/dev/null 2>&1" || fail "finished files stay"
must_exist "$LOG/live.log" "$LOG/live.log.1"
retry 10 grep -q "the live streams' files alone" "$T/xenlogd.log" || fail "no warning"

say "many finished streams at once: one pass, the oldest go first"
printf 'boot_marker = no\nmax_age_days = 0\nmax_total_size = 0\n' >"$CONF"
kill -HUP "$XLD_PID"
for i in $(seq 1 60); do stream 5 "$i" "$LOG/many.$i.log" 4096 0; done
for i in $(seq 1 60); do wait_state 5 "$i" ready; done
for i in $(seq 1 60); do printf '%099d\n' "$i" >"$RUN/s.5.$i.fifo"; done
for i in $(seq 1 60); do retry 10 settled "$LOG/many.$i.log" 100 || fail "many.$i.log"; done
for i in $(seq 1 60); do old "$((61 - i)) minutes ago" "$LOG/many.$i.log"; done
live=$(cat "$LOG"/live.log* | wc -c)
printf 'boot_marker = no\nmax_age_days = 0\nmax_total_size = %d\n' $((live + 3050)) >"$CONF"
runs=$(daemon_stat retention_runs)
kill -HUP "$XLD_PID"
passes 1 "$runs"
runs=$(daemon_stat retention_runs)
xenstore-rm /libxl/5
retry 30 sh -c "[ \$(grep -c 'stream 5/[0-9]*: finished' '$T/xenlogd.log') = 60 ]" ||
    fail "not all finished"
retry 20 sh -c "[ ! -e '$LOG/many.30.log' ]" || fail "the oldest stay"
kill -0 "$XLD_PID" || fail "the daemon died"
for i in $(seq 1 30); do must_be_gone "$LOG/many.$i.log"; done
for i in $(seq 31 60); do must_exist "$LOG/many.$i.log"; done
echo "60 finished streams: passes $runs -> $(daemon_stat retention_runs)"
[ $(( $(daemon_stat retention_runs) - runs )) -le 3 ] || fail "a pass per stream, not one"

say "the record survives a restart; a pass runs at start"
printf 'boot_marker = no\nmax_age_days = 30\nmax_total_size = 0\n' >"$CONF"
kill -HUP "$XLD_PID"
stream 4 1 "$LOG/bootloader.4.log" 4096 0
wait_state 4 1 ready
fill 4 1 1000
retry 20 settled "$LOG/bootloader.4.log" 1000 || fail "bootloader.4.log not written"
finish 4 1
xld_stop
grep -q " bootloader.4.log$" "$LOG/.xenlogd.files" || fail "not in the record at exit"
old "31 days ago" "$LOG/bootloader.4.log"
xld_start
retry 20 sh -c "[ ! -e '$LOG/bootloader.4.log' ]" || fail "not removed by the pass at start"
must_exist "$LOG/live.log" "$LOG/xl-guest.log" "$LOG/qemu-dm-old.log"

say "compressed copies (.zst) are the daemon's own: they go by age like the raw file"
printf 'boot_marker = no\nmax_age_days = 30\nmax_total_size = 0\nretention_interval = 1\n[qdisk]\ncompress = zstd\n' >"$CONF"
kill -HUP "$XLD_PID"
retry 10 sh -c "[ \$(grep -c 'SIGHUP: policy re-read' '$T/xenlogd.log') -ge 1 ]" || fail "no reload"
stream 6 1 "$LOG/qdisk-6.log" 4096 2
wait_state 6 1 ready
fill 6 1 30000
zst_made() { ls "$LOG"/qdisk-6.log.*.zst >/dev/null 2>&1; }
retry 30 zst_made || fail "no qdisk-6.log.*.zst: $(ls "$LOG" | grep qdisk-6)"
finish 6 1
zst=$(ls "$LOG"/qdisk-6.log.*.zst | wc -l) all=$(ls "$LOG"/qdisk-6.log* | wc -l)
removed=$(daemon_stat files_removed)
old "40 days ago" "$LOG"/qdisk-6.log*
retry 20 sh -c "! ls '$LOG'/qdisk-6.log* >/dev/null 2>&1" || fail "stay: $(ls "$LOG" | grep qdisk-6)"
[ "$(daemon_stat files_removed)" = $((removed + all)) ] ||
    fail "files_removed $(daemon_stat files_removed), want $((removed + all))"
echo "qdisk-6: its $all files, $zst of them .zst, removed by age"
must_exist "$LOG/live.log" "$LOG/xl-guest.log" "$LOG/qemu-dm-old.log"
xld_stop
