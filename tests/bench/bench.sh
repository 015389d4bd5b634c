#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make bench: figures, not a pass/fail test.
#  1. throughput of one stream through the daemon (limit 16 MiB, 3 copies,
#     1 GiB of lines) as a ratio to a plain FIFO -> file splice(2) copy
#     measured in the same run;
#  2. the daemon's CPU seconds per GiB;
#  3. its peak RSS with 1000 streams;
#  4. repeatable: its instructions per MiB (callgrind), alone and with 4
#     readers attached.
# BENCH_BYTES and BENCH_STREAMS change the sizes.
set -eu
. "$(dirname "$0")/../lib/env.sh"
export TEST_TMP; TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/xenlogd-bench.XXXXXX")
. "$src/tests/lib/common.sh"
trap 't_cleanup; rm -rf "$TEST_TMP"' EXIT
BYTES=${BENCH_BYTES:-1073741824}
NSTREAMS=${BENCH_STREAMS:-1000}
HZ=$(getconf CLK_TCK)

secs() { awk "BEGIN{printf \"%.3f\", ($2 - $1) / 1e9}"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

t_store
REPS=${BENCH_REPS:-3}
best() { sort -g | head -n 1; }

say "baseline: FIFO -> file with splice(2), the file cut every 16 MiB (best of $REPS)"
mkfifo -m 0600 "$T/base.fifo"
size=$(blast "$BYTES" | wc -c)     # what blast really writes
for ((r = 0; r < REPS; r++)); do
    t0=$(date +%s%N)
    splicecopy "$T/base.fifo" "$T/base.out" "$size" 16777216 &
    sp=$!
    blast "$BYTES" 1<>"$T/base.fifo"
    wait $sp
    t1=$(date +%s%N)
    secs "$t0" "$t1"; echo
done >"$T/base.times"
rm -f "$T/base.out"
base=$(best <"$T/base.times")

say "xenlogd: one stream, limit 16 MiB, 3 copies (best of $REPS)"
xld_start
stream 0 1 "$LOG/bench.log" 16777216 3
wait_state 0 1 ready
# The end of each run: the daemon's figures say all bytes are written.
written() { "$XENLOG" stats --json 0 2>/dev/null | grep '"id": 1,' | grep -o '"bytes_written": [0-9]*' | awk '{print $2}'; }
# run_daemon LABEL: REPS runs of BYTES through stream 0/1, best time in $LABEL.times
run_daemon() {
    local r before t0 t1
    for ((r = 0; r < REPS; r++)); do
        before=$(written)
        t0=$(date +%s%N)
        blast "$BYTES" 1<>"$RUN/s.0.1.fifo"
        while [ "$(written)" -lt $((before + size)) ]; do sleep 0.01; done
        t1=$(date +%s%N)
        secs "$t0" "$t1"; echo
    done >"$T/$1.times"
}
c0=$(cpu_ticks "$XLD_PID")
run_daemon dae
c1=$(cpu_ticks "$XLD_PID")
dae=$(best <"$T/dae.times")

say "the same with a reader that never reads attached to ANOTHER stream"
stream 0 2 "$LOG/other.log" 16777216 3
wait_state 0 2 ready
"$XENLOG" attach --bytes 0 0 2 >/dev/null 2>&1 &
stalled=$!
sleep 0.3; kill -STOP $stalled
blast 67108864 1<>"$RUN/s.0.2.fifo"     # its queue fills; it skips ahead
run_daemon other
other=$(best <"$T/other.times")

say "the same with one reader that never reads on THIS stream"
"$XENLOG" attach --bytes 0 0 1 >/dev/null 2>&1 &
stalled1=$!
sleep 0.3; kill -STOP $stalled1
run_daemon stalled
stalled_s=$(best <"$T/stalled.times")
kill -KILL $stalled1

say "the same with 16 readers that read and one that never reads on THIS stream"
rdrs=()
for ((i = 0; i < 16; i++)); do
    "$XENLOG" attach --bytes 0 0 1 >/dev/null 2>&1 & rdrs+=($!)
done
"$XENLOG" attach --bytes 0 0 1 >/dev/null 2>&1 &
stalled2=$!
sleep 0.5; kill -STOP $stalled2
run_daemon readers
withr=$(best <"$T/readers.times")
kill -KILL $stalled $stalled2 "${rdrs[@]}" 2>/dev/null || true

say "$NSTREAMS streams"
for ((i = 1; i <= NSTREAMS; i++)); do
    mkfifo -m 0600 "$RUN/b.$i"
    echo "/libxl/9/logging/$i/pipe $RUN/b.$i /libxl/9/logging/$i/file $LOG/b.$i.log /libxl/9/logging/$i/limit 65536 /libxl/9/logging/$i/copies 1"
done | xargs -n 400 xenstore-write
ready() { [ "$(xenstore-ls /libxl/9 | grep -c 'state = "ready"')" -eq "$NSTREAMS" ]; }
retry 120 ready || fail "streams not ready"
for ((i = 1; i <= NSTREAMS; i++)); do blast 100000 1<>"$RUN/b.$i"; done
sleep 1
rss=$(awk '/VmHWM/{print $2}' "/proc/$XLD_PID/status")
xld_stop

# Repeatable, whatever else the machine does: the daemon's user-space
# instructions (valgrind's callgrind counts them, not seconds) for a stream
# of CG_SMALL and of CG_BIG bytes; the difference per MiB is the cost of the
# data path in the daemon itself (the copy is splice(2), in the kernel).
cg_run() {   # cg_run BYTES READERS: instructions of a daemon moving BYTES
    local out=$T/cg.$1.$2 i rd=()
    xenstore-rm /libxl 2>/dev/null || true    # the streams above would be adopted
    XENLOGD_WRAP="valgrind -q --tool=callgrind --callgrind-out-file=$out" xld_start
    stream 0 1 "$LOG/cg.log" 16777216 3
    wait_state 0 1 ready 60
    for ((i = 0; i < $2; i++)); do "$XENLOG" attach --bytes 0 0 1 >/dev/null 2>&1 & rd+=($!); done
    [ "$2" = 0 ] || retry 30 eval "[ \"\$("$XENLOG" stats --json 0 | grep -o '\"readers\": [0-9]*' | head -n 1 | awk '{ print \$2 }')\" = $2 ]"
    blast "$1" 1<>"$RUN/s.0.1.fifo"
    size1=$(blast "$1" | wc -c)
    retry 300 eval "[ \"\$(written)\" -ge $size1 ]" || fail "callgrind run: not all written"
    xenstore-rm /libxl/0/logging/1
    ${rd[@]+wait "${rd[@]}"} 2>/dev/null || true
    xld_stop
    rm -f "$LOG"/cg.log* "$RUN/s.0.1.fifo"
    awk '/^(summary|totals):/ { print $2; exit }' "$out"
}
CG_SMALL=${BENCH_CG_SMALL:-16777216} CG_BIG=${BENCH_CG_BIG:-268435456}
if command -v valgrind >/dev/null; then
    say "callgrind: the daemon's instructions for $CG_SMALL and $CG_BIG bytes, without and with 4 readers"
    i0=$(cg_run "$CG_SMALL" 0); i1=$(cg_run "$CG_BIG" 0)
    r0=$(cg_run "$CG_SMALL" 4); r1=$(cg_run "$CG_BIG" 4)
    cg_mib=$(awk "BEGIN{print ($CG_BIG - $CG_SMALL) / 1048576}")
fi

gib=$(awk "BEGIN{print $BYTES / 1073741824}")
echo "FIGURE bytes $BYTES"
echo "FIGURE runs_baseline_s $(tr '\n' ' ' <"$T/base.times")"
echo "FIGURE runs_xenlogd_s $(tr '\n' ' ' <"$T/dae.times")"
echo "FIGURE splice_baseline_s $base ($(awk "BEGIN{printf \"%.0f\", $BYTES / 1048576 / $base}") MiB/s)"
echo "FIGURE xenlogd_s $dae ($(awk "BEGIN{printf \"%.0f\", $BYTES / 1048576 / $dae}") MiB/s)"
echo "FIGURE throughput_ratio $(awk "BEGIN{printf \"%.2f\", $base / $dae}") (target >= 0.8)"
echo "FIGURE with_stalled_reader_on_other_stream_s $other (ratio to none $(awk "BEGIN{printf \"%.2f\", $dae / $other}"))"
echo "FIGURE with_stalled_reader_on_this_stream_s $stalled_s (ratio to none $(awk "BEGIN{printf \"%.2f\", $dae / $stalled_s}"))"
echo "FIGURE with_17_readers_one_stalled_s $withr (ratio to none $(awk "BEGIN{printf \"%.2f\", $dae / $withr}"))"
echo "FIGURE cpu_s_per_gib $(awk "BEGIN{printf \"%.3f\", ($c1 - $c0) / $HZ / $gib / $REPS}")"
echo "FIGURE peak_rss_kib_${NSTREAMS}_streams $rss"
if [ -n "${cg_mib:-}" ]; then
    echo "FIGURE instructions_per_mib_no_reader $(awk "BEGIN{printf \"%.0f\", ($i1 - $i0) / $cg_mib}") (callgrind; $i0 for $CG_SMALL B, $i1 for $CG_BIG B)"
    echo "FIGURE instructions_per_mib_4_readers $(awk "BEGIN{printf \"%.0f\", ($r1 - $r0) / $cg_mib}") (callgrind; $r0, $r1)"
fi
