#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A pipe reader `ahead` of the file when the daemon stops (sink.h: a short
# write left the file without bytes the reader holds already). The log dir is
# on tests/fuse/faultfs.c, whose writes stall (20 ms, then every other one
# fails with EAGAIN, the others take half): each splice(2) into the file
# stops part-way or moves nothing, and the daemon stops before it has
# drained the FIFO. The daemon is
# stopped (SIGTERM) with the reader ahead and the FIFO not yet drained; the
# next daemon adopts the stream. Nothing is lost or repeated in the files,
# the bytes the reader saw early reach the file under the next daemon, and
# what the reader saw is, byte for byte, the start of what the files hold
# (docs/protocol.md "Data path and loss", docs/control.md).
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/lib/faultfs.sh"
t_store
faultfs_mount stall
F=$LOG/f/x.log FIFO=$RUN/s.0.1.fifo
N=4000                      # lines of 61 bytes: 244000 bytes, within the FIFO
xld_start
stream 0 1 "$F" 16777216 0
wait_state 0 1 ready
exec 3<>"$FIFO"             # the writer: held O_RDWR throughout
"$XENLOG" attach --bytes 0 0 1 >"$T/reader" 2>"$T/reader.err" &
reader=$!; T_PIDS+=($reader)
retry 20 readers_are 0 1 1 || fail "the reader did not attach"

for ((i = 0; i < N; i++)); do printf 'line %06d %s\n' "$i" "................................................"; done >"$T/want"
say "$N lines at once, the writes to the file stalling; SIGTERM once some reached it"
cat "$T/want" >&3 || fail "the writer got an error"
retry 20 test -s "$F" || fail "nothing reached the file"
xld_stop
wait "$reader" 2>/dev/null || true     # the connection ends with the daemon
seen=$(wc -c <"$T/reader") kept=$(stat -c %s "$F") left=$(fifo_queued "$FIFO")
echo "at the stop: the reader had $seen bytes, the file $kept, the FIFO $left"
[ "$left" -gt 0 ] || fail "the FIFO was drained before the stop: nothing left for the next daemon"
[ "$seen" -gt "$kept" ] || fail "the reader was not ahead at the stop ($seen <= $kept bytes)"

say "the next daemon"
echo none >"$CTL"
xld_start
wait_state 0 1 ready
retry 30 fifo_empty "$FIFO" || fail "the next daemon did not drain the FIFO"
retry 20 size_is "$F" "$(wc -c <"$T/want")" ||
    fail "the file holds $(stat -c %s "$F") bytes of $(wc -c <"$T/want")"
cmp "$T/want" "$F" || fail "the file is not every line written, once, in order"
cmp -n "$seen" "$T/reader" "$F" || fail "the reader's bytes are not the start of the file"
echo "the file: $(wc -c <"$F") bytes, exact; the reader's $seen bytes its start"
exec 3>&-
xld_stop
