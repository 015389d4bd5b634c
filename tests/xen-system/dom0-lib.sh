# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash disable=SC2034  # the settings are used by the scenario files
# dom0-lib.sh - the harness of the xenlogd system test, in the xen-system
# dom0 (real Xen 4.17, Debian's libxl/xl/QEMU): sourced (bash) by dom0-run.sh
# and before every scenario file (scenarios/NN-NAME.sh), each of which runs
# as its own process.  See SYSTEM-TEST.md.
#
#   ok WHAT / bad WHAT          one check's result (counted in $W/results)
#   check WHAT CMD...           ok if CMD succeeds, else bad
#   fatal WHY                   bad, diagnostics, and no further scenario
#   fig NAME VALUE              a figure ("FIGURE NAME VALUE")
#   put NAME VALUE / get NAME   a value one scenario hands to a later one
#                               ($W/state/NAME: every hand-over is explicit)
#   spawn NAME CMD...           CMD in the background, beyond the scenario's
#                               process: its pid in $W/proc/NAME.pid, its exit
#                               status in NAME.rc once it ends
#   pid_of NAME / reap NAME [S] its pid / wait up to S s (60) for its exit
#                               status (124: still running)
#   start_xenlogd [OPTS] / stop_xenlogd / kill_xenlogd   the daemon (XLD: pid)
# and the helpers below, and everything of guests.sh (xs_*).
set -u
. /usr/share/xen-system/guests.sh

OUT=/host/out RUN=/run/xen LOG=/var/log/xen
W=/tmp/system-test
B=$W/bin
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
mkdir -p "$W/state" "$W/proc" "$RUN" "$LOG" "$OUT"

# ------------------------------------------------------------------ results
now() { cut -d' ' -f1 /proc/uptime; }
T_START=$(cat "$W/state/t_start" 2>/dev/null || now)
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
step() { echo; echo "== $(secs "$T_START" "$(now)") s: $*"; }
ok() { echo "ok: $*"; echo ok >>"$W/results"; }
bad() { echo "FAIL: $*"; echo FAIL >>"$W/results"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
not() { ! "$@"; }
fig() { xs_figure "$1" "$2"; }
# fatal: this scenario cannot go on, and no later one can either
fatal() { bad "$*"; xs_diag 2>&1 | tail -n 60; touch "$W/state/fatal"; exit 2; }
put() { printf '%s\n' "$2" >"$W/state/$1"; }
get() { cat "$W/state/$1" 2>/dev/null || fatal "no value $1 from an earlier scenario"; }

# ------------------------------------------------------ background processes
spawn() {
    local name=$1; shift
    rm -f "$W/proc/$name.pid" "$W/proc/$name.rc"
    # the watching subshell keeps no descriptor of the scenario's output
    ( "$@" & echo $! >"$W/proc/$name.pid.new"; mv "$W/proc/$name.pid.new" "$W/proc/$name.pid"
      wait $!; echo $? >"$W/proc/$name.rc" ) </dev/null >/dev/null 2>&1 &
    local i
    for i in $(seq 100); do [ -s "$W/proc/$name.pid" ] && return 0; sleep 0.05; done
    return 1
}
pid_of() { cat "$W/proc/$1.pid" 2>/dev/null; }
running() { [ -s "$W/proc/$1.pid" ] && [ ! -e "$W/proc/$1.rc" ]; }
reap() {
    local i
    for i in $(seq $((${2:-60} * 10))); do
        [ -s "$W/proc/$1.rc" ] && { rm -f "$W/proc/$1.pid"; return "$(cat "$W/proc/$1.rc")"; }
        sleep 0.1
    done
    return 124
}
# signal NAME SIG: to a spawned process that still runs
signal() { ! running "$1" || kill "-$2" "$(pid_of "$1")" 2>/dev/null; }

# ------------------------------------------------------------------ xenlogd
XLD=$(pid_of xenlogd)
start_xenlogd() {   # [OPTIONS...]
    spawn xenlogd sh -c 'exec "$0" "$@" >>"'"$W"'/xenlogd.log" 2>&1' \
        "$B/xenlogd" --foreground --verbose --run-dir "$RUN" --log-dir "$LOG" "$@" || return 1
    XLD=$(pid_of xenlogd)
    local i
    for i in $(seq 300); do
        [ "$(xenstore-read /tool/xenlogd/pid 2>/dev/null)" = "$XLD" ] && return 0
        running xenlogd || break
        sleep 0.1
    done
    return 1
}
stop_xenlogd() { signal xenlogd TERM; reap xenlogd 60; }     # its exit status
kill_xenlogd() { signal xenlogd KILL; reap xenlogd 60; true; }
wait_log() {  # wait_log PATTERN SECONDS: wait for PATTERN in xenlogd's log
    local i
    for i in $(seq $(($2 * 10))); do grep -q "$1" "$W/xenlogd.log" && return 0; sleep 0.1; done
    return 1
}
not_logged() { ! grep -q "$1" "$W/xenlogd.log"; }
sandboxed() {   # every thread of xenlogd under seccomp (2) with no_new_privs
    local t
    for t in /proc/"$XLD"/task/*; do
        grep -q '^Seccomp:[[:space:]]*2$' "$t/status" && grep -q '^NoNewPrivs:[[:space:]]*1$' "$t/status" || return 1
    done
}
advertised() { xenstore-read /tool/xenlogd/pid >/dev/null 2>&1; }

# ------------------------------------------------------------------ streams
# stream_of DOMID FILE: the id of DOMID's stream writing FILE (empty if none)
stream_of() {
    local id
    for id in $(xenstore-list "/libxl/$1/logging" 2>/dev/null); do
        [ "$(xenstore-read "/libxl/$1/logging/$id/file" 2>/dev/null)" = "$2" ] && { echo "$id"; return; }
    done
}
node_exists() { xenstore-read "$1" >/dev/null 2>&1; }
# hold_stream NAME LIMIT COPIES: a stream of domain 0 writing $LOG/NAME.log,
# held open by `xenlog run ... -- sleep` (spawned as holder-NAME) until
# release_stream NAME; prints "ID FIFO", nothing if it did not open (the
# FIFO goes into a guest's config before the guest has a domid, hence
# domain 0)
hold_stream() {
    local i id=
    spawn "holder-$1" sh -c 'exec "$0" "$@" >"'"$W"'/holder-'"$1"'.log" 2>&1' \
        "$B/xenlog" run 0 "$1" --limit "$2" --copies "$3" -- sleep 100000
    for i in $(seq 100); do
        id=$(stream_of 0 "$LOG/$1.log")
        [ -n "$id" ] && [ "$(xenstore-read "/libxl/0/logging/$id/state" 2>/dev/null)" = ready ] && break
        sleep 0.1
    done
    [ -z "$id" ] || echo "$id $(xenstore-read "/libxl/0/logging/$id/pipe")"
}
# release_stream NAME: the holder of hold_stream NAME closes its stream
release_stream() { signal "holder-$1" TERM; reap "holder-$1" 30; true; }
# the device model of DOMID (libxl writes its pid into xenstore)
dm_pid() {
    local p
    p=$(xenstore-read "/local/domain/$1/image/device-model-pid" 2>/dev/null) ||
        p=$(xs_pgrep "xen-qemu-system-i386.*-xen-domid $1( |\$)" | head -n 1)
    echo "$p"
}
# fd_flags PID FD: the flags of PID's descriptor FD (octal, /proc/PID/fdinfo)
fd_flags() { sed -n 's/^flags:[[:space:]]*//p' "/proc/$1/fdinfo/$2"; }
# qemu_fds_rdwr PID FIFO: QEMU's fds 1 and 2 are FIFO, opened O_RDWR
qemu_fds_rdwr() {
    local fd fl
    for fd in 1 2; do
        [ "$(readlink "/proc/$1/fd/$fd")" = "$2" ] || { echo "  fd $fd is $(readlink "/proc/$1/fd/$fd")"; return 1; }
        fl=$(fd_flags "$1" "$fd")
        [ $((8#$fl & 3)) = 2 ] || { echo "  fd $fd flags $fl"; return 1; }
    done
}
# fd_to PID PATH: the first descriptor of PID open on PATH (empty if none)
fd_to() {
    local f
    for f in /proc/"$1"/fd/*; do
        [ "$(readlink "$f")" = "$2" ] && { basename "$f"; return; }
    done
}
# glue_fds PID: how many of PID's descriptors are stream FIFOs of the glue
glue_fds() {
    local f n=0
    for f in /proc/"$1"/fd/*; do
        case $(readlink "$f") in */xenlog.[0-9]*.[0-9]*.fifo) n=$((n + 1)) ;; esac
    done
    echo $n
}

# ---------------------------------------------------------------- the files
per_min() { awk -v b="$1" -v s="$2" 'BEGIN { if (s <= 0) s = 1e9; printf "%d", b * 60 / s }'; }
mb_per_min() { awk -v b="$1" -v s="$2" 'BEGIN { if (s <= 0) s = 1e9; printf "%.4f", b * 60 / s / 1048576 }'; }
# total bytes of a stream's files f, f.1 .. f.N
sizes() { local t=0 f; for f in "$1" "$1".*; do t=$((t + $(xs_size "$f"))); done; echo $t; }
# the files of a stream joined oldest first
joined() { local i; for ((i = $2; i >= 1; i--)); do [ ! -f "$1.$i" ] || cat "$1.$i"; done; cat "$1" 2>/dev/null; }
# snapshot BASE COPIES OUT: the stream's files joined into OUT, taken again
# until no rename happened while copying (same inode under every name)
snapshot() {
    local i a b
    for _ in $(seq 50); do
        a=$(for ((i = 0; i <= $2; i++)); do stat -c %i "$1$([ $i = 0 ] || echo .$i)" 2>/dev/null || echo -; done)
        joined "$1" "$2" > "$3"
        b=$(for ((i = 0; i <= $2; i++)); do stat -c %i "$1$([ $i = 0 ] || echo .$i)" 2>/dev/null || echo -; done)
        [ "$a" != "$b" ] || return 0
    done
    return 1
}
# last complete flood number in FILE (0 if none)
last_no_in() {
    tail -c 4096 "$1" 2>/dev/null | tr -d '\r' |
        awk '/flood line [0-9]+$/ && length($NF) == 10 { s = $NF; sub(/^0+/, "", s); n = s + 0 }
             END { print n + 0 }'
}
# last_no FILE: the last whole flood line's number in FILE, or in FILE.1
# when FILE holds none yet (it has just rotated); 0 if neither has one.
last_no() {
    local n
    n=$(last_no_in "$1")
    [ "$n" -gt 0 ] || n=$(last_no_in "$1.1")
    echo "$n"
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
# field "KEY VALUE ..." KEY: the value after KEY (flood_check, linecheck, boundwatch)
field() { echo "$1" | awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }'; }
# whole_flood RESULT: flood_check's RESULT has no gap and no torn line
whole_flood() { [ "$(field "$1" gaps)" = 0 ] && [ "$(field "$1" torn)" = 0 ]; }
# kept_files_ok BASE LIMIT COPIES: no file over LIMIT, no BASE.(COPIES+1)
kept_files_ok() {
    local f
    [ ! -e "$1.$(($3 + 1))" ] || { echo "  $1.$(($3 + 1)) exists"; return 1; }
    for f in "$1" "$1".*; do
        [ ! -e "$f" ] || [ "$(xs_size "$f")" -le "$2" ] || { echo "  $f: $(xs_size "$f") bytes"; return 1; }
    done
}

# ------------------------------------------------------------- boundwatch
bw_start() {  # bw_start TAG BASE LIMIT COPIES: boundwatch in the background
    spawn "bw-$1" sh -c 'exec "$0" "$@" >"'"$W"'/bw-'"$1"'.txt" 2>&1' \
        boundwatch "$LOG" "$2" "$3" "$4" "${BW_INTERVAL_MS:-20}"
}
bw_stop() {   # bw_stop TAG: stop it, check, print FIGUREs
    local r=0 res
    signal "bw-$1" TERM
    reap "bw-$1" 30 || r=$?
    res=$(tail -n 1 "$W/bw-$1.txt")
    echo "  boundwatch $1: $res"
    [ $r = 0 ] || sed 's/^/  /' "$W/bw-$1.txt" | head -n 6
    fig "$1_bound_samples" "$(field "$res" samples)"
    fig "$1_bound_max_total_bytes" "$(field "$res" max_total)"
    fig "$1_bound_violations" "$(field "$res" violations)"
    check "$1: bound holds at every sample ($res)" [ $r = 0 ]
}
