# SPDX-License-Identifier: GPL-2.0-only
# Sourced by every tests/t-*.sh: a private xenstored, the daemon, streams.
# Everything started here is a child of the test and is reaped on exit.
set -eu
: "${TEST_TMP:?run tests through tests/run.sh}"
. "$TOP_SRCDIR/tests/lib/xenstored.sh"

T=$TEST_TMP
RUN=$T/run
LOG=$T/log
mkdir -p "$RUN" "$LOG"
XLD_PID=
T_PIDS=()

say() { echo "== $*"; }
fail() { echo "FAIL: $*" >&2; [ -f "$T/xenlogd.log" ] && tail -n 20 "$T/xenlogd.log" >&2; exit 1; }
skip() { echo "skipped: $*"; exit 77; }
# skip_part REASON: a part of the test cannot run here; tests/run.sh counts
# the line as one skipped (the rest of the test goes on).
skip_part() { echo "SKIP: $*"; }

t_cleanup() {
    local p
    for p in "${T_PIDS[@]}" $XLD_PID; do
        { kill -KILL "$p" && wait "$p"; } 2>/dev/null || true
    done
    xs_stop >/dev/null 2>&1 || true
}
trap 'rc=$?; t_cleanup; exit $rc' EXIT

# Start a private xenstored for this test; exports XENSTORED_PATH.
t_store() { xs_start "$T/xs"; }

# Poll until a command succeeds: retry SECONDS CMD...
retry() {
    local n=$(( $1 * 20 )); shift
    while ! "$@" 2>/dev/null; do
        n=$((n - 1)); [ $n -gt 0 ] || return 1
        sleep 0.05
    done
}

# size_is FILE BYTES: FILE holds BYTES bytes now (for retry: a "$(...)" in
# retry's arguments is read once, before the first try).
size_is() { [ "$(stat -c %s "$1" 2>/dev/null)" = "$2" ]; }

advertised() { [ "$(xenstore-read /tool/xenlogd/pid 2>/dev/null)" = "$1" ]; }

# xld_start [ARGS...]: the daemon in the foreground, under $XENLOGD_WRAP if set.
# Its config is $T/xenlogd.conf, never the host's. A test that writes none
# gets one line, `boot_marker = no`: its checks count exactly the bytes it
# wrote (boot markers, on by default, are t-daemon-markers' and the host
# tests'). XLD_NO_CONFIG=1: no file at all, the built-in policy.
xld_start() {
    [ -n "${XLD_NO_CONFIG:-}" ] || [ -e "$T/xenlogd.conf" ] ||
        echo "boot_marker = no" >"$T/xenlogd.conf"
    ${XENLOGD_WRAP:-} "$XENLOGD" --foreground --verbose --run-dir "$RUN" --log-dir "$LOG" \
        --config "$T/xenlogd.conf" "$@" >>"$T/xenlogd.log" 2>&1 &
    XLD_PID=$!
    retry 60 advertised "$XLD_PID" || fail "daemon did not advertise itself"
}

# xld_stop: SIGTERM, and the daemon must exit 0 (sanitizers and valgrind
# make it exit non-zero on an error or a leak).
xld_stop() {
    local rc=0
    kill -TERM "$XLD_PID"
    wait "$XLD_PID" || rc=$?
    XLD_PID=
    [ $rc -eq 0 ] || fail "daemon exited $rc"
}

xld_kill() { kill -KILL "$XLD_PID"; wait "$XLD_PID" 2>/dev/null || true; XLD_PID=; }

# stream DOMID ID FILE LIMIT COPIES [FIFO]: a FIFO and the four nodes, in one
# transaction (xenstore-write writes all its pairs in one).
stream() {
    local d=$1 i=$2 f=$3 lim=$4 cp=$5 fifo=${6:-$RUN/s.$1.$2.fifo}
    [ -p "$fifo" ] || mkfifo -m 0600 "$fifo"
    xenstore-write -- "/libxl/$d/logging/$i/pipe" "$fifo" "/libxl/$d/logging/$i/file" "$f" \
        "/libxl/$d/logging/$i/limit" "$lim" "/libxl/$d/logging/$i/copies" "$cp"
}

state_is() { [ "$(xenstore-read "/libxl/$1/logging/$2/state" 2>/dev/null)" = "$3" ]; }

# wait_state DOMID ID STATE [SECONDS]
wait_state() {
    retry "${4:-20}" state_is "$1" "$2" "$3" ||
        fail "stream $1/$2: state is '$(xenstore-read "/libxl/$1/logging/$2/state" 2>&1)', want $3"
}

# The files of a stream joined oldest first: joined FILE COPIES
joined() {
    local f=$1 n=$2 i
    for ((i = n; i >= 1; i--)); do [ ! -f "$f.$i" ] || cat "$f.$i"; done
    [ ! -f "$f" ] || cat "$f"
}

fd_count() { ls "/proc/$1/fd" | wc -l; }
# fds_after PID BASE: PID's descriptor count once it is back to BASE or 10 s
# passed (a stream's last descriptors, and the retention pass that follows
# removals, close a moment after the line that says a stream finished).
fds_after() {
    local i
    for ((i = 0; i < 100; i++)); do
        [ "$(fd_count "$1")" -gt "$2" ] || break
        sleep 0.1
    done
    fd_count "$1"
}

# A guest for real QEMU: boot_sector SRC OUT [AS-ARGS...] assembles a 512-byte
# x86 boot sector (tests/console/echo.s, tests/xen-system/flood.s) into OUT.
# Skips the test without QEMU or binutils.
boot_sector() {
    local src=$1 out=$2; shift 2
    command -v "${QEMU:-qemu-system-x86_64}" >/dev/null || skip "no ${QEMU:-qemu-system-x86_64}"
    command -v as >/dev/null && command -v ld >/dev/null || skip "no binutils (as, ld)"
    as --32 "$@" -o "$out.o" "$src" || fail "assembling $src"
    ld -m elf_i386 -Ttext 0x7c00 --oformat binary -e _start -o "$out" "$out.o" || fail "linking $src"
    [ "$(stat -c %s "$out")" = 512 ] || fail "$out is not a 512-byte boot sector"
}

# stat_of DOMID ID FIELD: FIELD of stream DOMID/ID from `xenlog stats --json`
# (JSON form: 12, true, "ready"); status 1 if xenlogd does not serve it.
stat_of() {
    "$XENLOG" stats --json "$1" | python3 -c '
import json, sys
for s in json.load(sys.stdin)["streams"]:
    if s["domid"] == int(sys.argv[1]) and s["id"] == int(sys.argv[2]):
        print(json.dumps(s[sys.argv[3]]))
        sys.exit(0)
sys.exit(1)' "$1" "$2" "$3"
}
served() { stat_of "$1" "$2" id >/dev/null; }
# fifo_queued FIFO: how many bytes wait in FIFO (FIONREAD); fifo_empty FIFO:
# none, so every byte written to it has been taken.
fifo_queued() {
    python3 -c 'import fcntl, os, struct, sys, termios
fd = os.open(sys.argv[1], os.O_RDWR | os.O_NONBLOCK)
print(struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0" * 4))[0])' "$1"
}
fifo_empty() { [ "$(fifo_queued "$1")" = 0 ]; }
# daemon_stat FIELD: a daemon-level figure from the control socket (STATS).
daemon_stat() { ctlraw "$RUN/xenlogd.sock" stats | tr ' ' '\n' | sed -n "s/^$1=//p"; }
# readers_are DOMID ID N: stream DOMID/ID has N readers attached.
readers_are() { [ "$(stat_of "$1" "$2" readers)" = "$3" ]; }
# taken DOMID ID BYTES: xenlogd has read BYTES bytes in all from the stream's
# FIFO (waits up to 20 s).
bytes_in_is() { [ "$(stat_of "$1" "$2" bytes_in)" = "$3" ]; }
taken() {
    retry 20 bytes_in_is "$@" ||
        fail "stream $1/$2: $(stat_of "$1" "$2" bytes_in) bytes taken from the FIFO, want $3"
}

# kv KEY FILE: the value after the word KEY on the last line of FILE that
# has it (the "key value ..." lines of tests/tools/linecheck, linegen and
# boundwatch).
kv() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) v = $(i + 1) } END { print v }' "$2"; }
