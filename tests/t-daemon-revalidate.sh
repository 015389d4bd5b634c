#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A stream in error is validated again when one of its parameter nodes is
# written, even with the same value (issue 11.3, docs/protocol.md): the
# toolstack that made the missing FIFO writes the same `pipe` again.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_store
xld_start
xenstore-write /libxl/0/logging/1/pipe "$RUN/late.fifo" /libxl/0/logging/1/file "$LOG/late.log" \
    /libxl/0/logging/1/limit 65536 /libxl/0/logging/1/copies 1
wait_state 0 1 error
xenstore-read /libxl/0/logging/1/error
say "the FIFO is made; nothing is written: still in error"
mkfifo -m 0600 "$RUN/late.fifo"
sleep 1     # a negative check: nothing should happen in this second
state_is 0 1 error || fail "state changed without a write"
say "the same value written again: ready"
xenstore-write /libxl/0/logging/1/pipe "$RUN/late.fifo"
wait_state 0 1 ready
echo hello 1<>"$RUN/late.fifo"
retry 10 grep -q hello "$LOG/late.log" || fail "no data"
xld_stop
