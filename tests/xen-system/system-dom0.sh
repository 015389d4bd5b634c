#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# system-dom0.sh - the xenlogd system test, run inside the xen-system dom0
# (real Xen 4.17, Debian's libxl/xl/QEMU) by tests/xen-system/run.sh through
# boot.sh.  /host/bin (copied to /tmp first) holds xenlogd, xenlog, the libxl drop-in and the test
# tools (linegen, linecheck, boundwatch); /host/lib holds libxenlog.so.0.
# See SYSTEM-TEST.md.  Prints "ok: ..." / "FAIL: ..." per check and
# "FIGURE NAME VALUE" lines; exits 0 only if no check failed.
#
#  0. stock Xen, no xenlogd: two HVM guests flood COM1 into serial="file:..."
#     and an isa-debugcon into QEMU's stdout (qemu-dm-NAME.log) for
#     FLOOD_SECONDS: how much the files grow.
#  1. xenlogd runs, xl has the drop-in: a PV guest with a qdisk disk; its
#     QEMU's stdout/stderr is a stream; the log gets QEMU's output; xl destroy
#     finishes the stream, the log stays, xenlog gc unlinks the FIFO (at the end).
#  2. the same two floods through xenlogd: COM1 into a stream opened with
#     `xenlog run 0 ... -- sleep` (serial="pipe:FIFO"), the debugcon via the
#     drop-in; boundwatch samples the bound all along.
#  3. mid-flood xenlogd gets SIGKILL and is started again: guests and QEMU
#     live on, the streams are adopted, the numbered lines kept have no gap.
#  5. a fast writer in dom0 (linegen, FAST_BYTES) through a stream with a
#     small limit: bound and rotation under load, linecheck on what is kept;
#     then backpressure: xenlogd is stopped for 3 s, the writer blocks, no
#     line is lost; then (5c) xenlogd --fifo-size 4096 is stopped under a
#     flooding HVM guest long enough to overflow the FIFO three times: the
#     guest waits, no line is lost.
#  6. an interactive serial console and its log at once: an HVM guest that
#     echoes on COM1 (serial="pipe:PATH" of `xenlog serial`), typed into
#     with `xenlog console`, seen by another reader.
#  7. xenlogd stopped: xl create with the drop-in falls back to libxl's own
#     plain files, silently.
set -u
. /usr/share/xen-system/guests.sh

OUT=/host/out RUN=/run/xen LOG=/var/log/xen
W=/tmp/system-test
B=$W/bin
# Run from dom0's own memory, not from the 9p share: with the share first in
# PATH and LD_LIBRARY_PATH every command and library lookup is a 9p request,
# and dom0 was seen to hang for good with the HVM floods running.
mkdir -p "$W"
cp -a /host/bin /host/lib "$W/" || { echo "FAIL: cannot copy /host/bin, /host/lib"; exit 1; }
export LD_LIBRARY_PATH=$W/lib PATH=$PATH:$B
DROPIN=$B/xenlog-libxl-dropin.so
FLOOD=${FLOOD_SECONDS:-60}
OUTAGE=${OUTAGE_SECONDS:-2}
KILL_BEFORE_END=${KILL_BEFORE_END:-20}    # SIGKILL this many s before the flood ends
# The floods' limits (SER_LIMIT, DBG_LIMIT) default to 1/8 of what the flood
# wrote in the stock phase (at least 1024): through xenlogd a TCG guest
# floods at 0.4 to 1.5 times the stock rate (every byte QEMU writes is one
# more wake-up and splice in dom0; the host's load can change between the
# phases), so the stream still outgrows its bound, and the 3 full copies
# kept (22 s of stock-rate output) still reach back past the SIGKILL when
# checked just after the restart (outage plus restart, 4-8 s), on a slow
# machine as on a fast one.
SER_COPIES=${SER_COPIES:-3} DBG_COPIES=${DBG_COPIES:-3}
FAST_BYTES=${FAST_BYTES:-67108864} FAST_LIMIT=${FAST_LIMIT:-1048576} FAST_COPIES=${FAST_COPIES:-3}
# serial="file:FIFO": QEMU's file chardev only writes (opened O_WRONLY, made
# O_RDWR by the drop-in that QEMU inherits from xl).  "pipe:FIFO" opens the
# FIFO O_RDWR and also READS it as COM1's input: QEMU takes back bytes of its
# own output (SERIAL_CHARDEV=pipe shows it).
SERIAL_CHARDEV=${SERIAL_CHARDEV:-file}
# The HVM guests' vCPUs are pinned to one physical CPU (HVM_CPUS, "" = not
# pinned): with Xen's default credit2 and the two flooding HVM guests free to
# move between the two CPUs of the TCG machine, the machine hung within
# seconds in 6 of 7 runs (see README.md, "credit2 hang"; boot.sh now
# uses sched=credit).  Pinned, it never hung, with either scheduler, and the
# floods are as fast (dom0's one vCPU is the bottleneck).
HVM_CPUS=${HVM_CPUS-1}
HVM_EXTRA=()
[ -z "$HVM_CPUS" ] || HVM_EXTRA=("cpus = \"$HVM_CPUS\"")
SER_LINE=30     # "serial-flood line 0000000001\r\n"
DBG_LINE=31     # "debugcon-flood line 0000000001\n"
mkdir -p "$W" "$RUN" "$LOG" "$OUT"

PASSED=0 FAILED=0 XLD= HOLDER= BWS=
now() { cut -d' ' -f1 /proc/uptime; }
T_START=$(now)
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
step() { echo; echo "== $(secs "$T_START" "$(now)") s: $*"; }
ok() { echo "ok: $*"; PASSED=$((PASSED + 1)); }
bad() { echo "FAIL: $*"; FAILED=$((FAILED + 1)); }
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
fig() { xs_figure "$1" "$2"; }
per_min() { awk -v b="$1" -v s="$2" 'BEGIN { if (s <= 0) s = 1e9; printf "%d", b * 60 / s }'; }
mb_per_min() { awk -v b="$1" -v s="$2" 'BEGIN { if (s <= 0) s = 1e9; printf "%.4f", b * 60 / s / 1048576 }'; }
# total bytes of a stream's files f, f.1 .. f.N
sizes() { local t=0 f; for f in "$1" "$1".*; do t=$((t + $(xs_size "$f"))); done; echo $t; }
# the files of a stream joined oldest first
joined() { local i; for ((i = $2; i >= 1; i--)); do [ ! -f "$1.$i" ] || cat "$1.$i"; done; cat "$1" 2>/dev/null; }
# snapshot BASE COPIES OUT: the stream's files joined into OUT, taken again
# until no rename happened while copying (same inode under every name)
snapshot() {
    local i try a b
    for try in $(seq 50); do
        a=$(for ((i = 0; i <= $2; i++)); do stat -c %i "$1$([ $i = 0 ] || echo .$i)" 2>/dev/null || echo -; done)
        joined "$1" "$2" > "$3"
        b=$(for ((i = 0; i <= $2; i++)); do stat -c %i "$1$([ $i = 0 ] || echo .$i)" 2>/dev/null || echo -; done)
        [ "$a" != "$b" ] || return 0
    done
    return 1
}
# last complete flood number in FILE (0 if none)
last_no() {
    tail -c 4096 "$1" 2>/dev/null | tr -d '\r' |
        awk '/flood line [0-9]+$/ && length($NF) == 10 { s = $NF; sub(/^0+/, "", s); n = s + 0 }
             END { print n + 0 }'
}
# flood_check FILE: the flood lines of FILE (joined stream) must count up by
# one.  Prints "first F last L lines C gaps G lost X torn T"; torn = lines
# with "flood line" that are not whole flood lines, except before the first
# whole one (the rest of a line whose start rotated out: a writer that writes
# byte by byte, like QEMU's chardevs, gets its lines cut at the limit) and
# after the last (the guest was destroyed mid-line, and QEMU's "terminating
# on signal" message may follow on the same line).
flood_check() {
    local drop=0
    [ ! -s "$1" ] || [ "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" = '\n' ] || drop=1
    tr -d '\r' < "$1" | { if [ $drop = 1 ]; then sed '$d'; else cat; fi; } | awk '
        /flood line/ {
            if ($0 ~ /^(serial|debugcon)-flood line [0-9]+$/ && length($NF) == 10) {
                s = $NF; sub(/^0+/, "", s); n = s + 0
                if (c && n != last + 1) {
                    gaps++; if (n > last) lost += n - last - 1
                    if (gaps <= 5) printf "  gap: %d after %d\n", n, last > "/dev/stderr"
                }
                if (!c) first = n
                c++; last = n; tail = 0
            } else {
                if (c) { torn++; tail++ }
                if (torn <= 5) printf "  torn line after %d: %s\n", last, $0 > "/dev/stderr"
            }
        }
        END { printf "first %d last %d lines %d gaps %d lost %d torn %d\n", first, last, c, gaps, lost, torn - tail }'
}
field() { echo "$1" | awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }'; }

start_xenlogd() {   # [OPTIONS...]
    "$B/xenlogd" --foreground --verbose --run-dir "$RUN" --log-dir "$LOG" "$@" >>"$W/xenlogd.log" 2>&1 &
    XLD=$!
    local i
    for i in $(seq 300); do
        [ "$(xenstore-read /tool/xenlogd/pid 2>/dev/null)" = "$XLD" ] && return 0
        kill -0 "$XLD" 2>/dev/null || break
        sleep 0.1
    done
    return 1
}
# stream_of DOMID FILE: the id of DOMID's stream writing FILE (empty if none)
stream_of() {
    local id
    for id in $(xenstore-list "/libxl/$1/logging" 2>/dev/null); do
        [ "$(xenstore-read "/libxl/$1/logging/$id/file" 2>/dev/null)" = "$2" ] && { echo "$id"; return; }
    done
}
wait_log() {  # wait_log PATTERN SECONDS: wait for PATTERN in xenlogd's log
    local i
    for i in $(seq $(($2 * 10))); do grep -q "$1" "$W/xenlogd.log" && return 0; sleep 0.1; done
    return 1
}
# hold_stream NAME LIMIT COPIES: a stream of domain 0 writing $LOG/NAME.log,
# held open by `xenlog run ... -- sleep` (HOLDER) until killed; sets
# HELD_ID and HELD_FIFO (the FIFO goes into a guest's config before the
# guest has a domid, hence domain 0)
hold_stream() {
    local i
    "$B/xenlog" run 0 "$1" --limit "$2" --copies "$3" -- sleep 100000 >"$W/holder-$1.log" 2>&1 &
    HOLDER=$!
    for i in $(seq 100); do
        HELD_ID=$(stream_of 0 "$LOG/$1.log")
        [ -n "$HELD_ID" ] && [ "$(xenstore-read "/libxl/0/logging/$HELD_ID/state" 2>/dev/null)" = ready ] && break
        sleep 0.1
    done
    [ -n "$HELD_ID" ] || fatal "xenlog run did not open the stream $1: $(cat "$W/holder-$1.log")"
    HELD_FIFO=$(xenstore-read "/libxl/0/logging/$HELD_ID/pipe")
}
# the device model of DOMID (libxl writes its pid into xenstore)
dm_pid() {
    local p
    p=$(xenstore-read "/local/domain/$1/image/device-model-pid" 2>/dev/null) ||
        p=$(xs_pgrep "xen-qemu-system-i386.*-xen-domid $1( |\$)" | head -n 1)
    echo "$p"
}
# qemu_fds_rdwr PID FIFO: QEMU's fds 1 and 2 are FIFO, opened O_RDWR
qemu_fds_rdwr() {
    local fd fl
    for fd in 1 2; do
        [ "$(readlink "/proc/$1/fd/$fd")" = "$2" ] || { echo "  fd $fd is $(readlink "/proc/$1/fd/$fd")"; return 1; }
        fl=$(awk '/^flags:/ { print $2 }' "/proc/$1/fdinfo/$fd")
        [ $((8#$fl & 3)) = 2 ] || { echo "  fd $fd flags $fl"; return 1; }
    done
}
bw_start() {  # bw_start TAG BASE LIMIT COPIES: boundwatch in the background
    boundwatch "$LOG" "$2" "$3" "$4" "${BW_INTERVAL_MS:-20}" >"$W/bw-$1.txt" 2>&1 &
    eval "BW_$1=\$!"
    BWS="$BWS $!"
}
bw_stop() {   # bw_stop TAG: stop it, check, print FIGUREs
    local pid r=0
    eval "pid=\$BW_$1"
    kill -TERM "$pid" 2>/dev/null
    wait "$pid" || r=$?
    local p rest=
    for p in $BWS; do [ "$p" = "$pid" ] || rest="$rest $p"; done
    BWS=$rest
    local res; res=$(tail -n 1 "$W/bw-$1.txt")
    echo "  boundwatch $1: $res"
    [ $r = 0 ] || sed 's/^/  /' "$W/bw-$1.txt" | head -n 6
    fig "$1_bound_samples" "$(field "$res" samples)"
    fig "$1_bound_max_total_bytes" "$(field "$res" max_total)"
    fig "$1_bound_violations" "$(field "$res" violations)"
    check "$1: bound holds at every sample ($res)" [ $r = 0 ]
}
# kept_files_ok BASE LIMIT COPIES: no file over LIMIT, no BASE.(COPIES+1)
kept_files_ok() {
    local f
    [ ! -e "$1.$(($3 + 1))" ] || { echo "  $1.$(($3 + 1)) exists"; return 1; }
    for f in "$1" "$1".*; do
        [ ! -e "$f" ] || [ "$(xs_size "$f")" -le "$2" ] || { echo "  $f: $(xs_size "$f") bytes"; return 1; }
    done
}

finish() {
    step "end: collecting logs into $OUT"
    local p
    for p in $BWS; do kill "$p" 2>/dev/null; done
    [ -z "$HOLDER" ] || kill "$HOLDER" 2>/dev/null
    timeout 60 xl list 2>/dev/null | awk 'NR > 2 { print $1 }' | while read -r d; do
        timeout 60 xl destroy "$d" 2>/dev/null
    done
    mkdir -p "$OUT/logs"
    cp "$W"/*.log "$W"/*.txt "$OUT/" 2>/dev/null
    for p in "$LOG"/*.log* "$LOG"/console/*.log /etc/xen/*.cfg; do
        [ -f "$p" ] && tail -c 65536 "$p" > "$OUT/logs/$(basename "$p")"
    done
    ls -l "$LOG" "$LOG/console" "$RUN" > "$OUT/logs/ls.txt" 2>&1
    fig system_test_dom0_seconds "$(secs "$T_START" "$(now)")"
    echo "dom0: $PASSED passed, $FAILED failed"
    [ "$FAILED" = 0 ]
    exit
}
fatal() { bad "$*"; xs_diag 2>&1 | tail -n 60; finish; }
trap 'fatal "interrupted"' INT TERM

for f in xenlogd xenlog xenlog-libxl-dropin.so linegen linecheck boundwatch echo.img; do
    [ -e "$B/$f" ] || fatal "/host/bin/$f missing"
done
echo "Xen $(xl info 2>/dev/null | awk '/^xen_version/ { print $3 }'), dom0 $(uname -r), $(nproc) vCPU"
fig flood_seconds "$FLOOD"

# ------------------------------------------------------------------ stock Xen
step "0. stock Xen, no xenlogd: serial flood into a file, debugcon flood into qemu-dm-stock-dbg.log, ${FLOOD}s"
STOCK_SER=$LOG/stock-serial.log
STOCK_DBG=$(xs_qemu_log stock-dbg)
xs_create stock-serial xs_cfg_hvm_serial "file:$STOCK_SER" "${HVM_EXTRA[@]}" >"$W/create-stock.log" 2>&1 ||
    fatal "xl create stock-serial: $(cat "$W/create-stock.log")"
xs_create stock-dbg xs_cfg_hvm_debugcon "${HVM_EXTRA[@]}" >>"$W/create-stock.log" 2>&1 ||
    fatal "xl create stock-dbg: $(cat "$W/create-stock.log")"
t=$(now)
xs_wait_grep "$STOCK_SER" 'serial-flood line' 180 || fatal "stock serial flood does not start"
xs_wait_grep "$STOCK_DBG" 'debugcon-flood line' 180 || fatal "stock debugcon flood does not start"
fig hvm_floods_start_s "$(secs "$t" "$(now)")"
s0=$(xs_size "$STOCK_SER"); d0=$(xs_size "$STOCK_DBG"); t0=$(now)
sleep "$FLOOD"
s1=$(xs_size "$STOCK_SER"); d1=$(xs_size "$STOCK_DBG"); t1=$(now)
el=$(secs "$t0" "$t1")
fig stock_serial_growth_bytes $((s1 - s0))
fig stock_serial_bytes_per_min "$(per_min $((s1 - s0)) "$el")"
fig stock_serial_MB_per_min "$(mb_per_min $((s1 - s0)) "$el")"
fig stock_debugcon_growth_bytes $((d1 - d0))
fig stock_debugcon_bytes_per_min "$(per_min $((d1 - d0)) "$el")"
fig stock_debugcon_MB_per_min "$(mb_per_min $((d1 - d0)) "$el")"
timeout 120 xl destroy stock-serial || bad "xl destroy stock-serial"
timeout 120 xl destroy stock-dbg || bad "xl destroy stock-dbg"
fig stock_serial_file_bytes "$(xs_size "$STOCK_SER")"
fig stock_debugcon_file_bytes "$(xs_size "$STOCK_DBG")"
for f in "$STOCK_SER" "$STOCK_DBG"; do
    r=$(flood_check "$f" 2>&1 | tail -n 1)
    echo "  $(basename "$f"): $r"
    check "stock: $(basename "$f") holds every line (the guest and QEMU lose nothing)" \
        [ "$(field "$r" gaps)" = 0 -a "$(field "$r" torn)" = 0 -a "$(field "$r" lines)" -gt 0 ]
done
check "stock: the serial file grew without bound ($s0 -> $s1 bytes in $el s)" [ $((s1 - s0)) -gt 0 ]
check "stock: qemu-dm-stock-dbg.log grew without bound ($d0 -> $d1 bytes in $el s)" [ $((d1 - d0)) -gt 0 ]

# --------------------------------------------------------- xenlogd, PV qdisk
auto_limit() { awk -v b="$1" -v s="$2" -v f="$FLOOD" 'BEGIN { if (s <= 0) s = 1e9; l = int(b / s * f / 8); if (l < 1024) l = 1024; print l }'; }
SER_LIMIT=${SER_LIMIT:-$(auto_limit $((s1 - s0)) "$el")}
DBG_LIMIT=${DBG_LIMIT:-$(auto_limit $((d1 - d0)) "$el")}
fig serial_limit "$SER_LIMIT"
fig debugcon_limit "$DBG_LIMIT"

step "xenlogd starts"
start_xenlogd || fatal "xenlogd did not start/advertise: $(tail -n 5 "$W/xenlogd.log")"
ok "xenlogd runs (pid $XLD) and advertises itself"
sandboxed() {   # every thread of xenlogd under seccomp (2) with no_new_privs
    local t
    for t in /proc/"$XLD"/task/*; do
        grep -q '^Seccomp:[[:space:]]*2$' "$t/status" && grep -q '^NoNewPrivs:[[:space:]]*1$' "$t/status" || return 1
    done
}
grep 'sandbox:' "$W/xenlogd.log" | sed 's/^/  /'
check "xenlogd on Xen's dom0 kernel: Landlock and seccomp in force" grep -q 'sandbox: landlock ABI [0-9]*, seccomp on' "$W/xenlogd.log"
check "every thread of xenlogd is filtered (Seccomp: 2, NoNewPrivs: 1)" sandboxed

step "1. PV guest with a qdisk disk: libxl's QEMU logs through a stream (drop-in)"
xs_cfg_pv_qdisk pvq >/etc/xen/pvq.cfg
LD_PRELOAD=$DROPIN XENLOG_DROPIN_DEBUG=1 timeout 180 xl create /etc/xen/pvq.cfg >"$W/create-pvq.log" 2>&1 ||
    fatal "xl create pvq: $(cat "$W/create-pvq.log")"
cat "$W/create-pvq.log"
PVQ=$(xl domid pvq) || fatal "no domain pvq"
PVQLOG=$(xs_qemu_log pvq)
check "drop-in took qemu-dm-pvq" grep -q "xenlog-dropin: qemu-dm-pvq: stream $PVQ/" "$W/create-pvq.log"
PVQID=$(stream_of "$PVQ" "$PVQLOG")
[ -n "$PVQID" ] || fatal "no stream of domain $PVQ writes $PVQLOG: $(xenstore-ls /libxl 2>&1)"
S=/libxl/$PVQ/logging/$PVQID
xenstore-ls "/libxl/$PVQ/logging" | sed 's/^/  /'
check "stream $PVQ/$PVQID: state ready" [ "$(xenstore-read $S/state)" = ready ]
PVQ_FIFO=$(xenstore-read $S/pipe)
check "stream $PVQ/$PVQID: FIFO $PVQ_FIFO exists" [ -p "$PVQ_FIFO" ]
qp=$(dm_pid "$PVQ")
check "pvq's QEMU (pid $qp) has the FIFO as stdout and stderr, O_RDWR" qemu_fds_rdwr "$qp" "$PVQ_FIFO"
n=$(ls -l "/proc/$qp/fd" 2>/dev/null | grep -c 'xenlog\.[0-9]*\.[0-9]*\.fifo')
check "pvq's QEMU holds no other descriptor of the glue ($n of stream FIFOs, 2 expected)" [ "$n" = 2 ]
check "xl's own log xl-pvq.log stays libxl's plain file" [ -f "$LOG/xl-pvq.log" -a ! -p "$LOG/xl-pvq.log" ]
check "pvq boots and reads its qdisk disk" xs_wait_grep "$(xs_console_log pvq)" "pv-guest pvq xvda ok" 240
check "QEMU's output (xen_* trace) reaches $PVQLOG" xs_wait_grep "$PVQLOG" 'xen_' 60
check "$PVQLOG is a regular file" [ -f "$PVQLOG" ]
"$B/xenlog" list "$PVQ" | sed 's/^/  /'
fig pvq_qemu_log_bytes "$(xs_size "$PVQLOG")"
timeout 120 xl destroy pvq || bad "xl destroy pvq"
check "xl destroy: xenlogd finished stream $PVQ/$PVQID" wait_log "stream $PVQ/$PVQID: finished" 20
check "xl destroy: /libxl/$PVQ is gone" eval "! xenstore-read /libxl/$PVQ >/dev/null 2>&1"
check "xl destroy: the log $PVQLOG stays, with QEMU's output" grep -q 'xen_' "$PVQLOG"
check "xl destroy: the FIFO stays until gc" [ -p "$PVQ_FIFO" ]

# ------------------------------------------------------------ xenlogd floods
step "2+3. floods through xenlogd: COM1 into a stream (serial=file:FIFO), debugcon via the drop-in"
SER=$LOG/hvm-serial-serial.log
DBG=$(xs_qemu_log hvm-dbg)
hold_stream hvm-serial-serial "$SER_LIMIT" "$SER_COPIES"
SERID=$HELD_ID SER_FIFO=$HELD_FIFO
echo "  serial stream 0/$SERID: $SER_FIFO -> $SER (limit $SER_LIMIT, copies $SER_COPIES)"
bw_start serial hvm-serial-serial.log "$SER_LIMIT" "$SER_COPIES"
xs_cfg_hvm_serial hvm-serial "$SERIAL_CHARDEV:$SER_FIFO" "${HVM_EXTRA[@]}" >/etc/xen/hvm-serial.cfg
xs_cfg_hvm_debugcon hvm-dbg "${HVM_EXTRA[@]}" >/etc/xen/hvm-dbg.cfg
t=$(now)
LD_PRELOAD=$DROPIN XENLOG_DROPIN_DEBUG=1 XENLOG_LIMIT=$DBG_LIMIT XENLOG_COPIES=$DBG_COPIES \
    timeout 180 xl create /etc/xen/hvm-serial.cfg >"$W/create-hvm.log" 2>&1 ||
    fatal "xl create hvm-serial: $(cat "$W/create-hvm.log")"
LD_PRELOAD=$DROPIN XENLOG_DROPIN_DEBUG=1 XENLOG_LIMIT=$DBG_LIMIT XENLOG_COPIES=$DBG_COPIES \
    timeout 180 xl create /etc/xen/hvm-dbg.cfg >>"$W/create-hvm.log" 2>&1 ||
    fatal "xl create hvm-dbg: $(cat "$W/create-hvm.log")"
cat "$W/create-hvm.log"
bw_start debugcon "$(basename "$DBG")" "$DBG_LIMIT" "$DBG_COPIES"
xs_wait_grep "$SER" 'serial-flood line' 180 || fatal "serial flood does not reach $SER"
xs_wait_grep "$DBG" 'debugcon-flood line' 180 || fatal "debugcon flood does not reach $DBG"
ok "both floods reach their streams' files"
fig hvm_floods_start_xenlogd_s "$(secs "$t" "$(now)")"
xl list | sed 's/^/  /'
# (domids now: a guest that rebooted while booting has a new one)
SERDOM=$(xl domid hvm-serial) DBGDOM=$(xl domid hvm-dbg)
DBGID=$(stream_of "$DBGDOM" "$DBG")
[ -n "$DBGID" ] || fatal "no stream of domain $DBGDOM writes $DBG"
DBG_FIFO=$(xenstore-read "/libxl/$DBGDOM/logging/$DBGID/pipe")
echo "  debugcon stream $DBGDOM/$DBGID: $DBG_FIFO -> $DBG (limit $DBG_LIMIT, copies $DBG_COPIES)"
SERQ=$(dm_pid "$SERDOM") DBGQ=$(dm_pid "$DBGDOM")
check "hvm-dbg's QEMU (pid $DBGQ) has the stream FIFO as stdout and stderr, O_RDWR" qemu_fds_rdwr "$DBGQ" "$DBG_FIFO"
fd=$(ls -l "/proc/$SERQ/fd" 2>/dev/null | awk -v f="$SER_FIFO" '$NF == f { print $(NF - 2); exit }')
check "hvm-serial's QEMU (pid $SERQ) writes COM1 into the serial stream's FIFO (fd ${fd:--})" [ -n "$fd" ]
[ -z "$fd" ] || echo "  its flags: $(awk '/^flags:/ { print $2 }' "/proc/$SERQ/fdinfo/$fd") (01 O_WRONLY, 02 O_RDWR)"

T0=$(now) NS0=$(last_no "$SER") ND0=$(last_no "$DBG")
sleep $((FLOOD - KILL_BEFORE_END))

step "4. SIGKILL xenlogd mid-flood, ${OUTAGE}s without it, start it again"
"$B/xenlog" stats | sed 's/^/  /'
kill -KILL "$XLD"; wait "$XLD" 2>/dev/null
tk=$(now)
KS=$(last_no "$SER") KD=$(last_no "$DBG")    # the files do not change now
zs=$(sizes "$SER") zd=$(sizes "$DBG")
echo "  killed at serial line $KS, debugcon line $KD"
sleep "$OUTAGE"
# (xenstore, not xl list: xl takes seconds under TCG, and the files'
# window must still reach back past the kill when data arrives again)
check "without xenlogd: both guests still run (their domains in xenstore)" \
    [ "$(xenstore-read "/local/domain/$SERDOM/name" 2>/dev/null)" = hvm-serial -a \
      "$(xenstore-read "/local/domain/$DBGDOM/name" 2>/dev/null)" = hvm-dbg ]
check "without xenlogd: both QEMUs still run" kill -0 "$SERQ" "$DBGQ"
check "without xenlogd: nothing else writes the files" \
    [ "$(sizes "$SER")" = "$zs" -a "$(sizes "$DBG")" = "$zd" ]
start_xenlogd || fatal "xenlogd did not start again: $(tail -n 5 "$W/xenlogd.log")"
tr=$(now)
fig restart_outage_s "$(secs "$tk" "$tr")"
check "the new xenlogd adopts the serial stream 0/$SERID" wait_log "stream 0/$SERID: adopted" 10
check "the new xenlogd adopts the debugcon stream $DBGDOM/$DBGID" wait_log "stream $DBGDOM/$DBGID: adopted" 10
check "both streams still ready" \
    [ "$(xenstore-read "/libxl/0/logging/$SERID/state")" = ready -a \
      "$(xenstore-read "/libxl/$DBGDOM/logging/$DBGID/state")" = ready ]
ga=0 gb=0
for i in $(seq 150); do
    [ "$(last_no "$SER")" -gt "$KS" ] && ga=1
    [ "$(last_no "$DBG")" -gt "$KD" ] && gb=1
    [ $ga = 1 ] && [ $gb = 1 ] && break
    sleep 0.1
done
fig restart_data_again_s "$(secs "$tr" "$(now)")"
check "serial data arrives again after the restart" [ $ga = 1 ]
check "debugcon data arrives again after the restart" [ $gb = 1 ]
# What the outage could have lost is checked right away, while the stream's
# kept window still reaches back past the SIGKILL (the bytes written since the
# kill must fit in 3 copies), and again at the end.
for k in serial debugcon; do
    if [ $k = serial ]; then f=$SER c=$SER_COPIES kill_no=$KS ll=$SER_LINE
    else f=$DBG c=$DBG_COPIES kill_no=$KD ll=$DBG_LINE; fi
    snapshot "$f" "$c" "$W/restart-$k" || bad "$k: no consistent copy of the files"
    r=$(flood_check "$W/restart-$k")
    echo "  $k after the restart: $r"
    first=$(field "$r" first) last=$(field "$r" last) lost=$(field "$r" lost)
    fig "restart_lost_lines_$k" "$lost"
    fig "restart_lost_bytes_$k" $((lost * ll))
    check "$k: the files reach back past the SIGKILL (lines $first..$last, killed at $kill_no)" \
        [ "$first" -gt 0 -a "$first" -le "$kill_no" -a "$last" -gt "$kill_no" ]
    check "$k: no line lost or torn across the SIGKILL and restart ($r)" \
        [ "$(field "$r" gaps)" = 0 -a "$(field "$r" torn)" = 0 ]
done

rest=$(awk -v t0="$T0" -v n="$(now)" -v f="$FLOOD" 'BEGIN { r = t0 + f - n; if (r < 0) r = 0; printf "%d", r + 0.5 }')
sleep "$rest"
T1=$(now) NS1=$(last_no "$SER") ND1=$(last_no "$DBG")
el=$(secs "$T0" "$T1")
xl list | sed 's/^/  /'
"$B/xenlog" stats | sed 's/^/  /'
check "after the flood: guests and QEMUs alive" \
    eval "xl list hvm-serial >/dev/null && xl list hvm-dbg >/dev/null && kill -0 $SERQ $DBGQ"
check "the guests did not reboot during the flood (domids $SERDOM $DBGDOM)" \
    [ "$(xl domid hvm-serial)" = "$SERDOM" -a "$(xl domid hvm-dbg)" = "$DBGDOM" ]
fig xenlogd_flood_seconds "$el"
SER_RATE=$(awk -v b=$(((NS1 - NS0) * SER_LINE)) -v s="$el" 'BEGIN { r = (s > 0) ? b / s : 0; if (r < 50) r = 50; printf "%d", r }')
fig xenlogd_serial_bytes $(((NS1 - NS0) * SER_LINE))
fig xenlogd_serial_bytes_per_min "$(per_min $(((NS1 - NS0) * SER_LINE)) "$el")"
fig xenlogd_serial_MB_per_min "$(mb_per_min $(((NS1 - NS0) * SER_LINE)) "$el")"
fig xenlogd_debugcon_bytes $(((ND1 - ND0) * DBG_LINE))
fig xenlogd_debugcon_bytes_per_min "$(per_min $(((ND1 - ND0) * DBG_LINE)) "$el")"
fig xenlogd_debugcon_MB_per_min "$(mb_per_min $(((ND1 - ND0) * DBG_LINE)) "$el")"

step "guests destroyed: the streams drain and finish"
timeout 120 xl destroy hvm-serial || bad "xl destroy hvm-serial"
timeout 120 xl destroy hvm-dbg || bad "xl destroy hvm-dbg"
check "xl destroy: xenlogd finished the debugcon stream $DBGDOM/$DBGID" wait_log "stream $DBGDOM/$DBGID: finished" 20
kill -TERM "$HOLDER"; wait "$HOLDER" 2>/dev/null; HOLDER=
check "xenlog run closed the serial stream 0/$SERID" wait_log "stream 0/$SERID: finished" 20
check "the serial stream's FIFO is unlinked by xenlog" [ ! -e "$SER_FIFO" ]
bw_stop serial
bw_stop debugcon
check "serial: no file over $SER_LIMIT, at most $SER_COPIES copies" kept_files_ok "$SER" "$SER_LIMIT" "$SER_COPIES"
check "debugcon: no file over $DBG_LIMIT, at most $DBG_COPIES copies" kept_files_ok "$DBG" "$DBG_LIMIT" "$DBG_COPIES"
ls -l "$LOG" | sed 's/^/  /'
fig xenlogd_serial_on_disk_bytes "$(sizes "$SER")"
fig xenlogd_debugcon_on_disk_bytes "$(sizes "$DBG")"
fig xenlogd_serial_bound_bytes $((SER_LIMIT * (SER_COPIES + 1)))
fig xenlogd_debugcon_bound_bytes $((DBG_LIMIT * (DBG_COPIES + 1)))
fig xenlogd_serial_files "$(ls "$SER" "$SER".* 2>/dev/null | wc -l)"
fig xenlogd_debugcon_files "$(ls "$DBG" "$DBG".* 2>/dev/null | wc -l)"
check "serial: rotated" [ -f "$SER.1" ]
check "debugcon: rotated" [ -f "$DBG.1" ]

for k in serial debugcon; do
    if [ $k = serial ]; then f=$SER c=$SER_COPIES end_no=$NS1
    else f=$DBG c=$DBG_COPIES end_no=$ND1; fi
    joined "$f" "$c" > "$W/joined-$k"
    r=$(flood_check "$W/joined-$k")
    echo "  $k kept: $r"
    first=$(field "$r" first) last=$(field "$r" last) gaps=$(field "$r" gaps)
    lost=$(field "$r" lost) torn=$(field "$r" torn)
    fig "${k}_kept_first_line" "$first"
    fig "${k}_kept_last_line" "$last"
    fig "${k}_kept_lines_lost" "$lost"
    fig "${k}_kept_torn_lines" "$torn"
    check "$k: the kept lines are whole and consecutive (gaps $gaps, lost $lost, torn $torn)" \
        [ "$first" -gt 0 -a "$gaps" = 0 -a "$torn" = 0 ]
    check "$k: the files hold the guest's latest output (last kept $last >= $end_no seen at the end)" \
        [ "$last" -ge "$end_no" ]
done

# ---------------------------------------------------------------- fast writer
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
glast=$(awk '/^last/ { print $2 }' "$W/linegen.err")
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

# --------------------------------------------------------------- backpressure
step "5b. backpressure: xenlogd stopped (SIGSTOP) for 3 s under a fast writer"
# The FIFO fills and the writer blocks in write(2); nothing is dropped: the
# kept lines are consecutive and end with the writer's last.
BP=$LOG/backpressure.log BP_BYTES=$((128 * 1048576))
"$B/xenlog" run 0 backpressure --limit "$FAST_LIMIT" --copies "$FAST_COPIES" -- \
    sh -c "exec linegen 4343 $BP_BYTES 2>$W/linegen-bp.err" &
BPRUN=$!
wchar() { awk '/^wchar/ { print $2 }' "/proc/$1/io" 2>/dev/null; }
lg=
for i in $(seq 200); do
    # xenlog run's child execs linegen (sh -c exec)
    lg=$(cat "/proc/$BPRUN/task/$BPRUN/children" 2>/dev/null | awk '{ print $1 }')
    [ -n "$lg" ] || lg=$(xs_pgrep "^linegen 4343 " | head -n 1)
    [ -n "$lg" ] && [ "$(wchar "$lg" || echo 0)" -gt 0 ] && break
    sleep 0.05
done
if [ -n "$lg" ] && kill -STOP "$XLD"; then
    sleep 2
    w1=$(wchar "$lg"); sleep 1; w2=$(wchar "$lg")
    kill -CONT "$XLD"
    echo "  writer $lg while xenlogd is stopped: wrote $w1 -> $w2 bytes"
    check "backpressure: with xenlogd stopped the writer blocks (nothing written in 1 s)" \
        [ -n "$w1" -a "$w1" = "$w2" ]
    fig backpressure_blocked_at_bytes "${w1:-0}"
else
    kill -CONT "$XLD" 2>/dev/null
    bad "backpressure: no writer to watch (did it finish before xenlogd was stopped?)"
fi
wait "$BPRUN"
r=$?
check "backpressure: xenlog run linegen exits 0 ($r)" [ $r = 0 ]
glast=$(awk '/^last/ { print $2 }' "$W/linegen-bp.err")
r=$(joined "$BP" "$FAST_COPIES" | linecheck 4343 2>"$W/linecheck-bp.err")
rc=$?
echo "  linecheck: $r"; sed 's/^/  /' "$W/linecheck-bp.err" | head -n 5
check "backpressure: the kept lines are whole, consecutive and end with the writer's last ($glast)" \
    [ $rc = 0 -a "$(field "$r" last)" = "$glast" ]
check "backpressure: no file over $FAST_LIMIT, at most $FAST_COPIES copies" kept_files_ok "$BP" "$FAST_LIMIT" "$FAST_COPIES"

# ------------------------------------------------------ a guest waits, on Xen
step "5c. the reader stalls under a flooding guest: the guest waits, nothing is lost"
# xenlogd again with the smallest FIFO (--fifo-size 4096), so that a TCG
# guest fills it within seconds; the serial flood into a stream big enough to
# keep every line; xenlogd SIGSTOPped for long enough to write the FIFO's
# room 2.5 times.  The FIFO must be full when xenlogd comes back (the guest
# had more to say), and if QEMU had dropped what did not fit the numbered
# lines would have a gap; they must not.
kill -TERM "$XLD"; wait "$XLD"
start_xenlogd --fifo-size 4096 || fatal "xenlogd --fifo-size 4096 did not start: $(tail -n 5 "$W/xenlogd.log")"
STALL=$LOG/hvm-stall-serial.log
hold_stream hvm-stall-serial 16777216 1
STID=$HELD_ID STFIFO=$HELD_FIFO
xs_cfg_hvm_serial hvm-stall "file:$STFIFO" "${HVM_EXTRA[@]}" >/etc/xen/hvm-stall.cfg
timeout 180 xl create /etc/xen/hvm-stall.cfg >"$W/create-stall.log" 2>&1 ||
    fatal "xl create hvm-stall: $(cat "$W/create-stall.log")"
xs_wait_grep "$STALL" 'serial-flood line' 180 || fatal "the flood does not reach $STALL"
STDOM=$(xl domid hvm-stall)
# long enough to write the FIFO's room 2.5 times at this flood's rate through xenlogd
hold=$(awk -v r="$SER_RATE" 'BEGIN { h = int(2.5 * 4096 / r) + 1; if (h < 10) h = 10; if (h > 75) h = 75; print h }')
sleep 2
n0=$(last_no "$STALL")
kill -STOP "$XLD"
sz0=$(xs_size "$STALL")
sleep "$hold"
alive_dom=$([ "$(xenstore-read "/local/domain/$STDOM/name" 2>/dev/null)" = hvm-stall ] && echo 1)
sz1=$(xs_size "$STALL")
kill -CONT "$XLD"
sleep 1
sz2=$(xs_size "$STALL")
echo "  xenlogd stopped $hold s at serial line $n0 (the flood ran at $SER_RATE B/s through xenlogd; FIFO 4096 B)"
echo "  the FIFO gave $((sz2 - sz1)) B at once after SIGCONT"
check "nothing reached the file while xenlogd was stopped" [ "$sz0" = "$sz1" ]
check "the FIFO was full when xenlogd came back ($((sz2 - sz1)) B in the first second, >= 4000)" \
    [ $((sz2 - sz1)) -ge 4000 ]
fig stall_seconds "$hold"
check "the guest lives through the stall" [ -n "$alive_dom" ]
for i in $(seq 150); do [ "$(last_no "$STALL")" -gt $((n0 + 150)) ] && break; sleep 0.2; done
n1=$(last_no "$STALL")
check "the flood goes on after the stall (line $n0 -> $n1)" [ "$n1" -gt $((n0 + 150)) ]
timeout 120 xl destroy hvm-stall || bad "xl destroy hvm-stall"
kill -TERM "$HOLDER"; wait "$HOLDER" 2>/dev/null; HOLDER=
wait_log "stream 0/$STID: finished" 20 || bad "the stall stream did not finish"
r=$(flood_check "$STALL")
echo "  kept: $r"
fig stall_lost_lines "$(field "$r" lost)"
check "every line from the first on is there, none torn ($r)" \
    [ "$(field "$r" first)" -le 2 -a "$(field "$r" gaps)" = 0 -a "$(field "$r" torn)" = 0 -a "$(field "$r" last)" -ge "$n1" ]

# -------------------------------------------------------------------- console
step "6. interactive serial console and its log at once: an HVM guest that echoes on COM1"
# xenlog serial makes a console stream (PATH.out logged, PATH.in its input);
# the guest gets serial="pipe:PATH": QEMU reads PATH.in, writes PATH.out.
CON_OK=
if "$B/xenlog" serial 0 hvm-echo --limit 65536 --copies 2 >"$W/serial.txt" 2>&1 &&
   read -r CONID CONPATH <"$W/serial.txt" && [ -p "$CONPATH.in" ] && [ -p "$CONPATH.out" ]; then
    ok "xenlog serial: console stream 0/$CONID, $CONPATH.in and $CONPATH.out"
    CON_OK=1
else
    bad "xenlog serial: $(cat "$W/serial.txt")"
fi
if [ -n "$CON_OK" ]; then
    CONLOG=$LOG/hvm-echo.log
    { _xs_cfg_hvm hvm-echo "$B/echo.img"; echo "serial = \"pipe:$CONPATH\""
      for l in "${HVM_EXTRA[@]}"; do echo "$l"; done; } >/etc/xen/hvm-echo.cfg
    timeout 180 xl create /etc/xen/hvm-echo.cfg >"$W/create-echo.log" 2>&1 ||
        bad "xl create hvm-echo: $(cat "$W/create-echo.log")"
    check "the echo guest's banner reaches the log $CONLOG" xs_wait_grep "$CONLOG" "xenlog-echo: ready" 180
    "$B/xenlog" attach --bytes 0 0 "$CONID" >"$W/echo-reader.txt" 2>&1 &
    RD=$!
    sleep 1
    printf 'hello from dom0\nsecond line\n' |
        timeout 120 "$B/xenlog" console --idle 5000 0 "$CONID" >"$W/echo-console.txt" 2>&1
    r=$?
    check "xenlog console exits 0 after its input ($r)" [ $r = 0 ]
    check "the guest's answer is on the console" grep -q "echo: SECOND LINE" "$W/echo-console.txt"
    check "the guest's answer is in the log" grep -q "echo: HELLO FROM DOM0" "$CONLOG"
    check "a second reader saw it too" grep -q "echo: SECOND LINE" "$W/echo-reader.txt"
    sed 's/^/  console: /' "$W/echo-console.txt" | tr -d '\r' | tail -n 4
    kill "$RD" 2>/dev/null; wait "$RD" 2>/dev/null
    timeout 120 xl destroy hvm-echo || bad "xl destroy hvm-echo"
    "$B/xenlog" close 0 "$CONID" || bad "xenlog close 0 $CONID"
    check "xenlog close: both FIFOs of the console stream are gone" [ ! -e "$CONPATH.in" -a ! -e "$CONPATH.out" ]
fi

# ------------------------------------------------------------------- gc, stop
check "after every scenario, xenlogd (the restarted one) is alive and filtered" sandboxed
check "the seccomp filter refused nothing (no SIGSYS message in its log)" eval "! grep -q 'seccomp: system call' $W/xenlogd.log"

step "xenlog gc: FIFOs of the destroyed domains go once 10 s old"
for i in $(seq 30); do
    "$B/xenlog" gc >"$W/gc.txt" 2>&1
    [ -e "$PVQ_FIFO" ] || [ -e "$DBG_FIFO" ] || break
    sleep 1
done
cat "$W/gc.txt" | sed 's/^/  /'
check "xenlog gc unlinked pvq's FIFO $PVQ_FIFO" [ ! -e "$PVQ_FIFO" ]
check "xenlog gc unlinked hvm-dbg's FIFO $DBG_FIFO" [ ! -e "$DBG_FIFO" ]
left=$(ls "$RUN"/xenlog.*.fifo 2>/dev/null | wc -l)
check "no stream FIFO left in $RUN ($left)" [ "$left" = 0 ]
check "no device model left" [ -z "$(xs_pgrep '^/usr/libexec/xen-qemu-system-i386')" ]
kill -TERM "$XLD"; wait "$XLD"; r=$?
check "xenlogd exits cleanly on SIGTERM ($r)" [ $r = 0 ]
check "xenlogd removed /tool/xenlogd" eval "! xenstore-read /tool/xenlogd/pid >/dev/null 2>&1"
XLD=

# ------------------------------------------------------------- no xenlogd
step "7. xenlogd stopped: xl create with the drop-in falls back to libxl's own file"
xs_cfg_pv_qdisk pvf >/etc/xen/pvf.cfg
LD_PRELOAD=$DROPIN timeout 180 xl create /etc/xen/pvf.cfg >"$W/create-pvf.log" 2>&1
r=$?
cat "$W/create-pvf.log"
check "xl create without xenlogd succeeds ($r)" [ $r = 0 ]
check "the drop-in stays silent without XENLOG_DROPIN_DEBUG" eval "! grep -q xenlog-dropin $W/create-pvf.log"
check "pvf boots and reads its qdisk disk" xs_wait_grep "$(xs_console_log pvf)" "pv-guest pvf xvda ok" 240
PVFLOG=$(xs_qemu_log pvf)
check "qemu-dm-pvf.log is libxl's plain file" [ -f "$PVFLOG" -a ! -p "$PVFLOG" ]
PVF=$(xl domid pvf 2>/dev/null)
check "no stream made without a daemon" eval "! xenstore-read /libxl/${PVF:-x}/logging >/dev/null 2>&1"
check "no stream FIFO made without a daemon" [ "$(ls "$RUN"/xenlog.*.fifo 2>/dev/null | wc -l)" = 0 ]
timeout 120 xl destroy pvf || bad "xl destroy pvf"
finish
