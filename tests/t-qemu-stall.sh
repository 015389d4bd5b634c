#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Backpressure with real QEMU as the writer: a guest floods numbered lines
# (tests/xen-system/flood.s, the boot sector of the Xen system test) through
# Debian's qemu-system-x86_64 (TCG) into a stream, once through COM1 with
# -serial file:FIFO (as Xen's serial="file:FIFO") and once through an
# isa-debugcon on QEMU's stdout (as Xen's qemu-dm-NAME.log).  xenlogd is
# stopped (SIGSTOP) until the FIFO is full: QEMU stops writing (its wchar
# stands still), the guest waits, QEMU lives; after SIGCONT the flood goes on
# and every line from the first to the last is in the file: nothing was lost
# while the reader stalled.
. "$TOP_SRCDIR/tests/lib/common.sh"
QEMU=${QEMU:-qemu-system-x86_64}
for u in 1 0; do    # 1: COM1, 0: isa-debugcon
    boot_sector "$TOP_SRCDIR/tests/xen-system/flood.s" "$T/flood$u.img" --defsym UART=$u
done
t_store
xld_start
QARGS=(-nographic -no-reboot -nodefaults -display none -machine accel=tcg -m 16)

wchar() { awk '/^wchar/ { print $2 }' "/proc/$1/io" 2>/dev/null; }
last_no() {   # the last whole flood line number of FILE
    tail -c 4096 "$1" 2>/dev/null | tr -d '\r' |
        awk '/flood line [0-9]+$/ && length($NF) == 10 { n = $NF + 0 } END { print n + 0 }'
}
# check_lines FILE PREFIX: whole lines "PREFIX line N", N = 1, 2, 3, ...;
# only the very last may be cut short (QEMU was stopped mid-line).  QEMU's
# "terminating on signal" on its stderr (the same stream) is taken out first:
# it can land in the middle of a line of the guest's; the
# firmware's lines before the first are skipped.
# Prints "lines N" or what is wrong.
check_lines() {
    tr -d '\r' <"$1" | perl -0pe 's/qemu-system-\w+: terminating on signal[^\n]*\n?//' |
        awk -v p="$2" '
        function whole(l) { return l ~ ("^" p " line [0-9]+$") && length(l) == length(p) + 16 }
        !started && index($0, p " line ") == 0 { pre++; next }   # SeaBIOS
        !started { $0 = substr($0, index($0, p " line ")); started = 1 }  # "Booting from...serial-flood line 1"
        NR > pre + 1 {
            if (!whole(prev)) { print "bad line " n + 1 ": " prev; bad = 1; exit 1 }
            n++
            if (substr(prev, length(p) + 7) + 0 != n) { print "gap: line " n " is " prev; bad = 1; exit 1 }
        }
        { prev = $0 }
        END {
            if (bad) exit 1
            if (started && whole(prev)) n++
            else if (started && prev !~ ("^" p " line [0-9]*$") && index(p " line ", prev) != 1) { print "bad last line: " prev; exit 1 }
            print "lines " n
        }'
}

# stall NAME FILE QEMU-PID: SIGSTOP the daemon until QEMU stops writing,
# then SIGCONT; the flood must go on.
stall() {
    local name=$1 f=$2 q=$3 w0 w1 i n0
    retry 60 grep -q 'flood line' "$f" || fail "$name: no flood reaches $f"
    sleep 1
    kill -STOP "$XLD_PID"
    n0=$(last_no "$f")
    w0=$(wchar "$q")
    for i in $(seq 120); do          # the FIFO fills: QEMU's wchar stops
        sleep 1
        w1=$(wchar "$q")
        [ "$w1" != "$w0" ] || break
        w0=$w1
    done
    [ "$w1" = "$w0" ] || { kill -CONT "$XLD_PID"; fail "$name: QEMU kept writing for 120 s with the daemon stopped"; }
    sleep 2
    w1=$(wchar "$q")
    kill -0 "$q" || fail "$name: QEMU died while the reader stalled"
    kill -CONT "$XLD_PID"
    [ "$w1" = "$w0" ] || fail "$name: QEMU wrote $((w1 - w0)) bytes into a full FIFO"
    echo "   $name: QEMU blocked after $w0 bytes written (daemon stopped at line $n0); it waited 3 s"
    retry 30 eval "[ \$(last_no $f) -gt $((n0 + 100)) ]" ||
        fail "$name: the flood does not go on after SIGCONT (at line $(last_no "$f"))"
    [ "$(wchar "$q")" -gt "$w0" ] || fail "$name: QEMU did not write again"
}

say "COM1 -> serial=file:FIFO (a stream held open by xenlog run), daemon stopped until the FIFO is full"
"$XENLOG" run 0 serial --limit 1G --copies 1 -- sleep 100000 2>"$T/holder.err" &
holder=$!; T_PIDS+=($holder)
wait_state 0 1 ready
FIFO=$(xenstore-read /libxl/0/logging/1/pipe)
"$QEMU" "${QARGS[@]}" -drive "file=$T/flood1.img,format=raw,if=floppy" \
    -serial "file:$FIFO" 2>"$T/qemu1.err" &
q=$!; T_PIDS+=($q)
stall serial "$LOG/serial.log" $q
kill -TERM $q; wait $q 2>/dev/null || true
kill -TERM $holder; wait $holder 2>/dev/null || true
retry 20 grep -q "stream 0/1: finished" "$T/xenlogd.log" || fail "serial stream not finished"
r=$(check_lines "$LOG/serial.log" serial-flood) || fail "serial: $r"
echo "   serial: $r, every one from the first, no gap"
[ "$(echo "$r" | awk '{ print $2 }')" -gt 1000 ] || fail "serial: only $r"

say "isa-debugcon -> QEMU's stdout (xenlog run), daemon stopped until the FIFO is full"
"$XENLOG" run 0 debugcon --limit 1G --copies 1 -- \
    "$QEMU" "${QARGS[@]}" -drive "file=$T/flood0.img,format=raw,if=floppy" \
    -chardev stdio,id=dbg,signal=off -device isa-debugcon,iobase=0x402,chardev=dbg \
    </dev/null 2>"$T/qemu0.err" &
run=$!; T_PIDS+=($run)
id_of() {   # the id of the ready stream of domain 0 writing FILE
    local i
    for i in $(xenstore-list /libxl/0/logging 2>/dev/null); do
        [ "$(xenstore-read "/libxl/0/logging/$i/file" 2>/dev/null)" = "$1" ] &&
            state_is 0 "$i" ready && { echo "$i"; return 0; }
    done
    return 1
}
retry 20 id_of "$LOG/debugcon.log" >/dev/null || fail "no ready debugcon stream"
id=$(id_of "$LOG/debugcon.log")
q=
for _ in $(seq 100); do
    q=$(cat "/proc/$run/task/$run/children" 2>/dev/null | awk '{ print $1 }')
    [ -z "$q" ] || break
    sleep 0.1
done
[ -n "$q" ] || fail "no QEMU under xenlog run"
T_PIDS+=("$q")     # killed on failure too (xenlog run's SIGKILL would orphan it)
stall debugcon "$LOG/debugcon.log" "$q"
kill -TERM "$q"
wait $run 2>/dev/null || true
finished() { [ "$(grep -c ': finished (' "$T/xenlogd.log")" -ge "$1" ]; }
retry 20 finished 2 || fail "debugcon stream 0/$id not finished"
r=$(check_lines "$LOG/debugcon.log" debugcon-flood) || fail "debugcon: $r"
echo "   debugcon: $r, every one from the first, no gap"
[ "$(echo "$r" | awk '{ print $2 }')" -gt 1000 ] || fail "debugcon: only $r"
xld_stop
echo ok
