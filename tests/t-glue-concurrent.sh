#!/bin/bash
# libxl-glue: many clients opening streams for the same domain at the same
# moment all succeed with distinct ids (the id is chosen in a transaction
# that is retried on EAGAIN, and the FIFO is created exclusively).
. "$TOP_SRCDIR/tests/lib/common.sh"
GC=$TOP_BUILDDIR/tests/glue/glue-client
t_store
xld_start
N=${GLUE_CLIENTS:-16}

for round in 1 2 3; do
    say "round $round: $N clients open a stream of domain 4 at once"
    # All wait on the same FIFO (held open here: no open blocks, no line is
    # lost to a late reader), so they start together once all are ready.
    mkfifo "$T/go.$round"
    exec 8<>"$T/go.$round"
    pids=()
    for i in $(seq "$N"); do
        ( echo >>"$T/ready.$round"; read -r _ <&8; exec 8<&-
          exec "$GC" --keep open 4 "conc-$round-$i" >"$T/c.$round.$i" 2>"$T/e.$round.$i" ) &
        pids+=($!)
    done
    all_ready() { [ "$(wc -l <"$T/ready.$round" 2>/dev/null)" = "$N" ]; }
    retry 10 all_ready || fail "not all $N clients started"
    for i in $(seq "$N"); do echo go; done >&8
    for p in "${pids[@]}"; do wait "$p" || fail "a client failed: $(cat "$T"/c.$round.* "$T"/e.$round.* | grep -i error)"; done
    exec 8<&-
    ids=$(sed -n 's/^id=\([0-9]*\) .*/\1/p' "$T"/c.$round.* | sort -n)
    [ "$(wc -l <<<"$ids")" = "$N" ] || fail "not $N ids: $ids"
    [ "$(uniq <<<"$ids" | wc -l)" = "$N" ] || fail "duplicate ids: $(uniq -d <<<"$ids")"
    conflicts=$(cat "$T"/e.$round.* | grep -c "transaction conflict" || true)
    echo "   ids $(echo $ids | tr ' ' ,); $conflicts transaction conflicts retried"
done

say "every stream is ready, with its own FIFO and file"
total=$((N * 3))
[ "$(xenstore-list /libxl/4/logging | wc -l)" = $total ] || fail "not $total streams"
for id in $(xenstore-list /libxl/4/logging); do
    [ "$(xenstore-read /libxl/4/logging/$id/state)" = ready ] || fail "4/$id not ready"
    [ -p "$(xenstore-read /libxl/4/logging/$id/pipe)" ] || fail "4/$id has no FIFO"
done
[ "$(ls "$RUN" | grep -c '^xenlog\.4\.')" = $total ] || fail "FIFO count"

say "$N threads of one process, each with its own context: distinct ids"
"$GC" threads "$N" 5 >"$T/threads" 2>"$T/threads.err" || fail "threads: $(cat "$T/threads")"
ids=$(sed -n 's/^id=//p' "$T/threads" | sort -n)
[ "$(uniq <<<"$ids" | wc -l)" = "$N" ] || fail "thread ids: $(echo $ids)"
echo "   ids $(echo $ids | tr ' ' ,)"
"$GC" cleanup 5 2>/dev/null || fail "cleanup 5"

say "cleanup removes every stream and FIFO of the domain"
"$GC" cleanup 4 2>/dev/null || fail "cleanup"
xenstore-read /libxl/4/logging >/dev/null 2>&1 && fail "nodes left"
[ -z "$(ls "$RUN" | grep '^xenlog\.' || true)" ] || fail "FIFOs left"
xld_stop
echo ok
