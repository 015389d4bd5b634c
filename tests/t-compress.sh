#!/bin/bash
# Compressed history (console/compress*.c), driven directly by zcheck: a
# writer rotates f as fast as it can (or paced by the worker) while the one
# worker thread compresses the copies into f.K.zst and a watcher thread
# samples the directory. At every counted sample the files' st_size sum is
# within limit*(copies+1); afterwards the history read back through
# zhist_tail() is the tail of what was written, lines consecutive, and
# `zstdcat f.K.zst .. f.1.zst; cat f` gives the same bytes. Prints the
# history held per byte of budget (uncompressed holds at most 1) and the
# worker's speed, for real QEMU trace output and a serial console's text.
. "$TOP_SRCDIR/tests/lib/common.sh"
ZCHECK=$TOP_BUILDDIR/tests/tools/zcheck
[ -x "$ZCHECK" ] || skip "zcheck not built (libzstd missing?)"
command -v zstdcat >/dev/null || skip "no zstdcat"
MIB=1048576

# The corpora. QEMU: its execution trace (as in t-qemu-bound). Serial: a
# Linux boot log (the kernel ring buffer) and system logs, as a serial
# console shows them.
qemu=$T/qemu.txt serial=$T/serial.txt
if command -v qemu-system-x86_64 >/dev/null; then
    timeout -s TERM 3 qemu-system-x86_64 -nographic -no-reboot -nodefaults -display none \
        -machine accel=tcg -m 32 -d in_asm,exec,nochain 2>&1 >/dev/null |
        head -c $((16 * MIB)) >"$qemu" || true
fi
{ dmesg 2>/dev/null || true; cat /var/log/dpkg.log /var/log/apt/history.log \
    /var/log/alternatives.log 2>/dev/null || true; } | head -c $((4 * MIB)) >"$serial"
[ -s "$serial" ] || find /usr/share/doc -name 'changelog*' ! -name '*.gz' -exec cat {} + |
    head -c $((4 * MIB)) >"$serial"
[ -s "$serial" ] || skip "no text to use as a serial console's output"

n=0
zrun() {    # zrun NAME ZCHECK-ARGS...: a fresh dir, zcheck, its output in $T/NAME.out
    local name=$1; shift
    n=$((n + 1))
    mkdir "$T/$name"
    say "$name: zcheck $*"
    "$ZCHECK" -o "$T/$name.dump" "$@" "$T/$name" >"$T/$name.out" 2>&1 ||
        fail "$name: $(cat "$T/$name.out")"
    grep -v '^tail_' "$T/$name.out"
    joined_z "$T/$name" | cmp -s - "$T/$name.dump" ||
        fail "$name: zstdcat of the copies then f differs from the history read back"
    [ "$(val "$name" counted)" -gt 20 ] || fail "$name: too few samples"
}
val() { sed -n "s/.* $2=\([^ ]*\).*/\1/p; s/^$2=\([^ ]*\).*/\1/p" "$T/$1.out" | head -n 1; }
joined_z() {    # the copies oldest first (each .zst checked by zstd -t), then f
    local d=$1 k
    k=$(ls "$d" | sed -n 's/^f\.\([0-9]*\)\(\.zst\)\{0,1\}$/\1/p' | sort -n | tail -n 1)
    for k in $(seq "${k:-0}" -1 1); do
        if [ -f "$d/f.$k.zst" ]; then
            zstd -q -t "$d/f.$k.zst" || fail "f.$k.zst is not a good zstd file"
            zstdcat -q "$d/f.$k.zst"
        else
            cat "$d/f.$k"
        fi
    done
    cat "$d/f"
    [ ! -e "$d/f.zst.tmp" ] || fail "a .tmp left after the worker was idle"
}

# A writer faster than the worker: raw copies shift while compressed, the
# bound removes some before the worker gets to them; the history is closed
# and taken again (a daemon's restart) every 7 rotations; every 3 rotations
# a backlog is read across f and the copies while the worker renames.
zrun race -l $MIB -n 4 -m 100 -b $((64 * MIB)) -c "$serial" -r 7 -t 3
# Under the daemon's seccomp filter, entered before the worker starts (as
# xenlogd does): every call the worker and the reader make is allowed.
zrun seccomp -S -l $((256 * 1024)) -n 4 -m 100 -b $((16 * MIB)) -c "$serial" -r 5
# Tiny files: thousands of rotations, a cap of 5 copies.
zrun tiny -l 1024 -n 3 -m 5 -b $((4 * MIB)) -c "$serial" -t 1
# Incompressible: copies stay raw (the .zst would not be smaller), the bound holds.
zrun random -l $((256 * 1024)) -n 3 -m 50 -b $((32 * MIB)) -c random
# One copy: no room for a copy and its .zst together: nothing compressed.
zrun one -l $((256 * 1024)) -n 1 -b $((8 * MIB)) -c "$serial" -p
[ "$(val one zst)" = 0 ] || fail "one: a copy was compressed with copies = 1"

# Compression switched off for the same directory: the .zst copies are
# taken over, counted and shifted out like raw ones (at most 4 kept).
zrun switch -l $((64 * 1024)) -n 4 -m 1000 -b $((4 * MIB)) -c "$serial" -p
"$ZCHECK" -R -l $((64 * 1024)) -n 4 -m 4 -b $MIB -c "$serial" "$T/switch" >"$T/switch2.out" ||
    fail "switch: compression off: $(cat "$T/switch2.out")"
ls "$T/switch" | grep -q 'zst' && fail "switch: .zst copies left: $(ls "$T/switch")"

# A .zst of another make (zstd(1): one frame, no seek table) among the
# copies: read back from its start, the same history.
zrun foreign -l $((64 * 1024)) -n 4 -m 1000 -b $((4 * MIB)) -c "$serial" -p
zstdcat -q "$T/foreign/f.3.zst" | zstd -q -3 -o "$T/foreign/f.3.new" && chmod 640 "$T/foreign/f.3.new"
mv "$T/foreign/f.3.new" "$T/foreign/f.3.zst"
"$ZCHECK" -A -l $((64 * 1024)) -n 4 -m 1000 -o "$T/foreign.dump2" -c "$serial" "$T/foreign" \
    >"$T/foreign2.out" || fail "foreign: $(cat "$T/foreign2.out")"
cmp -s "$T/foreign.dump" "$T/foreign.dump2" || fail "foreign: a different history read back"

# A rotation that failed half way (the copies from f.1 up shifted, f not
# renamed): a gap at f.1. Taken again, the gap is closed, the history whole.
zrun gap -l $((64 * 1024)) -n 4 -m 1000 -b $((2 * MIB)) -c "$serial" -p
top=$(ls "$T/gap" | sed -n 's/^f\.\([0-9]*\)\.zst$/\1/p' | sort -n | tail -n 1)
for k in $(seq "$top" -1 1); do mv "$T/gap/f.$k.zst" "$T/gap/f.$((k + 1)).zst"; done
"$ZCHECK" -A -l $((64 * 1024)) -n 4 -m 1000 -o "$T/gap.dump2" -c "$serial" "$T/gap" \
    >"$T/gap2.out" || fail "gap: $(cat "$T/gap2.out")"
cmp -s "$T/gap.dump" "$T/gap.dump2" || fail "gap: a different history read back"
[ -e "$T/gap/f.1.zst" ] && [ ! -e "$T/gap/f.$((top + 1)).zst" ] || fail "gap: not closed"

# The worker keeping up (the writer waits for it after each rotation): the
# history held per byte of budget; uncompressed it is at most 1.
figures=()
for c in serial qemu; do
    [ -s "$T/$c.txt" ] || { say "no $c corpus: its figure skipped"; continue; }
    zrun "paced-$c" -l $((512 * 1024)) -n 4 -m 1000 -b $((64 * MIB)) -c "$T/$c.txt" -p
    hpb=$(val "paced-$c" history_per_budget)
    awk -v h="$hpb" 'BEGIN { exit !(h > 1.5) }' ||
        fail "paced-$c: compression holds only $hpb of history per byte of budget"
    figures+=("$c: history per byte of budget $hpb (ratio $(val "paced-$c" ratio), worker\
 $(val "paced-$c" MBps_without_sync) MB/s without fdatasync, $(val "paced-$c" MBps) MB/s with\
 it, CPU $(val "paced-$c" cpu_s_per_GiB) s/GiB)")
done
printf '%s\n' "${figures[@]}"
say "$n runs: the bound held at every counted sample, the history read back right"
