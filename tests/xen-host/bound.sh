# SPDX-License-Identifier: GPL-2.0-only
# bound (scenario 2, the end of the flood): the stream stayed within
# limit x (copies + 1) at every boundwatch sample, across the restart; the
# guest's newest output is in the file: after `xl destroy`, QEMU's last words
# ("terminating on signal") are there, right after whole, consecutive lines.
f=/var/log/xen/qemu-dm-flood.log
read -r limit copies s < "$XH_STATE/flood-stream" || { fail "no flood stream (streams.sh)"; xh_end; }
sleep "${FLOOD_REST:-30}"
lines=$(xh_last_line "$f")
figure flood_last_line "$lines"
check "xl destroy flood" timeout 120 xl destroy flood
check "the stream is finished (gone from xenstore)" wait_for 60 eval '! xenstore-read "$s/state" >/dev/null 2>&1'
check "QEMU's last output is in the file" wait_for 60 grep -q 'terminating on signal' "$f"
kill -TERM "$(cat "$XH_STATE/boundwatch.pid")" 2>/dev/null
wait_for 10 eval '! kill -0 $(cat "$XH_STATE/boundwatch.pid") 2>/dev/null'
res=$(tail -n 1 "$XH_STATE/boundwatch.txt")
figure flood_bound_bytes $((limit * (copies + 1)))
figure flood_bound_samples "$(echo "$res" | sed -n 's/.*samples \([0-9]*\).*/\1/p')"
figure flood_bound_max_total_bytes "$(echo "$res" | sed -n 's/.*max_total \([0-9]*\).*/\1/p')"
figure flood_bound_violations "$(echo "$res" | sed -n 's/.*violations \([0-9]*\).*/\1/p')"
check "bound holds at every sample ($res)" eval 'echo "$res" | grep -q "violations 0$" && ! echo "$res" | grep -q "samples 0 "'
check "no file over the limit, at most $copies copies" xh_kept_files_ok "$f" "$limit" "$copies"
xh_ends_whole "$f" "$copies" "$lines" flood
