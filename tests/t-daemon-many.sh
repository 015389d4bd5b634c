#!/bin/bash
# 1000 concurrent streams with writers, then their removal: every file is
# right, and the daemon holds no descriptor more than before.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_store
xld_start
N=${MANY_STREAMS:-1000}
DOMS=10
per=$((N / DOMS))
base_fds=$(fd_count "$XLD_PID")

say "$N streams"
for ((d = 1; d <= DOMS; d++)); do
    args=()
    for ((i = 1; i <= per; i++)); do
        mkfifo -m 0600 "$RUN/m.$d.$i"
        args+=("/libxl/$d/logging/$i/pipe" "$RUN/m.$d.$i" "/libxl/$d/logging/$i/file" "$LOG/m.$d.$i.log"
               "/libxl/$d/logging/$i/limit" 4096 "/libxl/$d/logging/$i/copies" 2)
    done
    xenstore-write "${args[@]}"
done
ready() { [ "$(xenstore-ls /libxl | grep -c 'state = "ready"')" -eq "$N" ]; }
retry 120 ready || fail "only $(xenstore-ls /libxl | grep -c 'state = "ready"') of $N ready"
fds=$(fd_count "$XLD_PID")
echo "descriptors: $base_fds idle, $fds with $N streams"

say "a writer on every stream at once"
pids=()
for ((d = 1; d <= DOMS; d++)); do
    for ((i = 1; i <= per; i++)); do
        linegen $((d * 1000 + i)) 20000 0 0 1<>"$RUN/m.$d.$i" 2>"$T/gen.$d.$i" &
        pids+=($!)
    done
done
for p in "${pids[@]}"; do wait "$p" || fail "a writer failed"; done

say "every stream's files end with its last line, intact"
for ((d = 1; d <= DOMS; d++)); do
    for ((i = 1; i <= per; i++)); do
        last=$(awk '{print $2}' "$T/gen.$d.$i")
        f=$LOG/m.$d.$i.log
        retry 10 sh -c "tail -n 1 '$f' | grep -q 'N0*$last '" || fail "$f lacks line $last"
        joined "$f" 2 | linecheck $((d * 1000 + i)) >"$T/check" || fail "$f: $(cat "$T/check")"
        [ ! -e "$f.3" ] || fail "$f.3 exists"
    done
done

say "removal of every domain"
for ((d = 1; d <= DOMS; d++)); do xenstore-rm "/libxl/$d"; done
gone() { [ "$(grep -c ': finished' "$T/xenlogd.log")" -eq "$N" ]; }
retry 60 gone || fail "only $(grep -c ': finished' "$T/xenlogd.log") streams finished"
after=$(fds_after "$XLD_PID" "$base_fds")
echo "descriptors after removal: $after"
[ "$after" -eq "$base_fds" ] || fail "fd leak: $base_fds before, $after after"
xld_stop
