#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Many streams in one daemon (20 domains of 100 by default: SCALE_DOMS, SCALE_PER): all become
# ready, data still flows on each, at most 2 descriptors per stream, and
# removing them all gives every descriptor back. Not timed: the time to ready
# is a figure of `make bench`, not a pass/fail.
. "$TOP_SRCDIR/tests/lib/common.sh"
DOMS=${SCALE_DOMS:-20}
PER=${SCALE_PER:-100}
N=$((DOMS * PER))
hard=$(ulimit -Hn)
[ "$hard" = unlimited ] || [ "$hard" -ge $((N * 3 + 100)) ] ||
    skip "descriptor limit $hard is too low for $N streams"
t_store
xld_start
base_fds=$(fd_count "$XLD_PID")

say "$N streams: $DOMS domains of $PER, one transaction each"
xsmany add 1 "$DOMS" "$PER" "$RUN" "$LOG" 65536 2 600 >"$T/add" ||
    fail "not all ready: $(cat "$T/add")"
cat "$T/add"
[ "$(xsmany count 1 "$DOMS" "$PER")" = "$N" ] || fail "the store does not say ready for all $N"
fds=$(fd_count "$XLD_PID")
echo "descriptors: $base_fds idle, $fds with $N streams"

say "a line through the first, a middle and the last stream"
some=("1.1" "$((DOMS / 2 + 1)).$((PER / 2 + 1))" "$DOMS.$PER")
for s in "${some[@]}"; do echo "hello stream $s" 1<>"$RUN/m.$s"; done
for s in "${some[@]}"; do
    retry 10 grep -qx "hello stream $s" "$LOG/m.$s.log" || fail "stream $s: line not in its file"
done

say "removal of all"
xsmany rm 1 "$DOMS" "$PER"
gone() { [ "$(grep -c ': finished' "$T/xenlogd.log")" -ge "$N" ]; }
retry 120 gone || fail "only $(grep -c ': finished' "$T/xenlogd.log") of $N streams finished"
after=$(fds_after "$XLD_PID" "$base_fds")
echo "descriptors after removal: $after"
[ "$after" -eq "$base_fds" ] || fail "descriptors not given back: $base_fds before, $after after"
xld_stop

# Issue 14: at most 2 descriptors per stream (FIFO and file; before the
# data-path refactor a stream also held its directory as an O_PATH fd), so
# that 10,000 streams fit in 20,000 + a few.
per=$(( (fds - base_fds) * 100 / N ))
echo "descriptors per stream: $((per / 100)).$(printf %02d $((per % 100)))"
[ "$per" -le 200 ] ||
    fail "$((fds - base_fds)) descriptors for $N streams: more than 2 per stream (issue 14)"
