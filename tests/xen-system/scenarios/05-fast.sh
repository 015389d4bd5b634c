# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash  # sourced by dom0-run.sh after dom0-lib.sh
# 5. A fast writer in dom0: `xenlog run 0 fast --limit 1M --copies 3 --
# linegen` of FAST_BYTES (64 MiB): boundwatch all along, then linecheck on
# the kept files (whole, consecutive lines ending with linegen's last).
step "5. fast writer in dom0: $FAST_BYTES bytes of linegen through a stream, limit $FAST_LIMIT x $FAST_COPIES"
FAST=$LOG/fast.log
bw_start fast fast.log "$FAST_LIMIT" "$FAST_COPIES"
t=$(now)
"$B/xenlog" run 0 fast --limit "$FAST_LIMIT" --copies "$FAST_COPIES" -- \
    sh -c "exec linegen 4242 $FAST_BYTES 2>$W/linegen.err"
r=$?
el=$(secs "$t" "$(now)")
check "xenlog run linegen exits 0 ($r)" [ $r = 0 ]
bw_stop fast
check "fast: no file over $FAST_LIMIT, at most $FAST_COPIES copies" kept_files_ok "$FAST" "$FAST_LIMIT" "$FAST_COPIES"
glast=$(field "$(cat "$W/linegen.err")" last)
r=$(joined "$FAST" "$FAST_COPIES" | linecheck 4242 2>"$W/linecheck.err")
rc=$?
echo "  linecheck: $r"; sed 's/^/  /' "$W/linecheck.err" | head -n 5
check "fast: the kept lines are whole, consecutive and end with linegen's last ($glast)" \
    [ $rc = 0 -a "$(field "$r" last)" = "$glast" ]
fst=$(grep "stream 0/[0-9]*: finished" "$W/xenlogd.log" | tail -n 1)
echo "  $fst"
fig fast_bytes "$FAST_BYTES"
fig fast_seconds "$el"
fig fast_MB_per_s "$(awk -v b="$FAST_BYTES" -v s="$el" 'BEGIN { if (s <= 0) s = 1e9; printf "%.1f", b / s / 1048576 }')"
fig fast_rotations "$(echo "$fst" | sed -n 's/.*bytes, \([0-9]*\) rotations.*/\1/p')"
fig fast_on_disk_bytes "$(sizes "$FAST")"
