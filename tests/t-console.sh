#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# An interactive serial console and its log at the same time, with a real
# QEMU (TCG) booting tests/console/echo.s, a guest that answers every line
# it reads on COM1 with "echo: LINE" upper-cased. `xenlog serial` makes the
# console stream, QEMU gets -serial pipe:PATH, `xenlog console` types into
# it: the echo comes back on the console, lands in the log and reaches a
# plain `xenlog attach` reader. One console at a time; input waits (never
# dropped) while its FIFO is full; bad input nodes are refused with a
# reason; a restarted daemon adopts the stream with its input.
. "$TOP_SRCDIR/tests/lib/common.sh"
QEMU=${QEMU:-qemu-system-x86_64}
boot_sector "$TOP_SRCDIR/tests/console/echo.s" "$T/echo.bin"
t_store
xld_start

has() { grep -q -- "$2" "$1"; }
alive() { kill -0 "$1" 2>/dev/null; }
running() { grep -q '^State:[[:space:]]*[^Z[:space:]]' "/proc/$1/status" 2>/dev/null; }
gone() { ! running "$1"; }
# wait_pid PID SECONDS: its exit status; fails if it still runs after SECONDS
wait_pid() { retry "$2" gone "$1" || fail "pid $1 still runs after $2 s"; wait "$1"; }

say "xenlog serial: a console stream, two FIFOs 0600, input written with the rest"
"$XENLOG" serial 0 guest-serial --limit 65536 --copies 2 >"$T/serial" || fail "xenlog serial"
read -r id path <"$T/serial"
[ "$path" = "$RUN/xenlog.0.$id" ] || fail "console path: '$(cat "$T/serial")'"
for f in "$path.in" "$path.out"; do
    [ -p "$f" ] || fail "$f is not a FIFO"
    [ "$(stat -c %a "$f")" = 600 ] || fail "$f has mode $(stat -c %a "$f")"
done
[ "$(xenstore-read /libxl/0/logging/$id/input)" = "$path.in" ] || fail "input node"
[ "$(xenstore-read /libxl/0/logging/$id/pipe)" = "$path.out" ] || fail "pipe node"
state_is 0 "$id" ready || fail "stream not ready"
has "$T/xenlogd.log" "stream 0/$id: ready .*, input $path.in" || fail "daemon did not open the input"

say "QEMU boots the echo guest with -serial pipe:PATH; its banner is logged"
"$QEMU" -accel tcg -display none -nodefaults -no-reboot -m 16 \
    -drive "file=$T/echo.bin,format=raw,if=ide,snapshot=on" -serial "pipe:$path" \
    >"$T/qemu.out" 2>&1 &
qemu=$!; T_PIDS+=($qemu)
retry 180 has "$LOG/guest-serial.log" "xenlog-echo: ready" ||
    fail "no banner in the log: $(cat "$T/qemu.out")"

say "a plain reader, then a console typing from a pipe"
"$XENLOG" attach --bytes 0 0 "$id" >"$T/reader" 2>"$T/reader.err" &
rd=$!; T_PIDS+=($rd)
retry 30 readers_are 0 "$id" 1 || fail "reader not attached"
"$XENLOG" list 0 | grep -E "^0 +$id .*guest-serial.log  \[console\]$" >/dev/null ||
    fail "list: no [console]: $("$XENLOG" list 0)"
mkfifo "$T/con.in"
"$XENLOG" console --idle 300 0 "$id" <"$T/con.in" >"$T/con.out" 2>"$T/con.err" &
con=$!; T_PIDS+=($con)
exec 4>"$T/con.in"
retry 30 readers_are 0 "$id" 2 || fail "console not attached: $(cat "$T/con.err")"
[ "$(stat_of 0 "$id" console)" = true ] ||
    fail "stats: no console: $("$XENLOG" stats --json 0)"
"$XENLOG" list 0 | grep -E "^0 +$id .*\[console, attached\]$" >/dev/null ||
    fail "list: no [console, attached]: $("$XENLOG" list 0)"
printf 'hello console\n' >&4
retry 60 has "$T/con.out" "echo: HELLO CONSOLE" || fail "no echo on the console: $(cat -A "$T/con.out")"
retry 20 has "$LOG/guest-serial.log" "echo: HELLO CONSOLE" || fail "echo not in the log"
retry 20 has "$T/reader" "echo: HELLO CONSOLE" || fail "the reader did not see the echo"
has "$T/con.out" "xenlog-echo: ready" || fail "the console's backlog lacks the banner"

say "a second console is refused while the first is attached; readers are not"
if "$XENLOG" console 0 "$id" </dev/null >/dev/null 2>"$T/busy.err"; then
    fail "a second console was accepted"
fi
has "$T/busy.err" "console busy" || fail "second console: $(cat "$T/busy.err")"
"$XENLOG" attach --bytes 100 --no-follow 0 "$id" >/dev/null || fail "a reader was refused"

say "200 lines typed at once: every echo, in order, on the console and in the log"
for i in $(seq -w 1 200); do printf 'line %s\n' "$i"; done >"$T/lines"
cat "$T/lines" >&4
retry 120 has "$T/con.out" "echo: LINE 200" || fail "echo of line 200 missing: $(tail -n 3 "$T/con.out")"
seq -w 1 200 | sed 's/^/echo: LINE /' >"$T/want"
grep -a -o 'echo: LINE [0-9]*' "$T/con.out" | cmp - "$T/want" || fail "console: echoes missing or out of order"
retry 20 has "$LOG/guest-serial.log" "echo: LINE 200" || fail "log lacks line 200"
joined "$LOG/guest-serial.log" 2 | grep -a -o 'echo: LINE [0-9]*' | cmp - "$T/want" ||
    fail "log: echoes missing or out of order"
retry 20 has "$T/reader" "echo: LINE 200" || fail "reader lacks line 200"
grep -a -o 'echo: LINE [0-9]*' "$T/reader" | cmp - "$T/want" || fail "reader: echoes differ"

say "end of stdin: the console leaves by itself (0); then a new console may attach"
exec 4>&-
wait_pid $con 60 || fail "console exited $?: $(cat "$T/con.err")"
printf 'second\n' | timeout 60 "$XENLOG" console --idle 300 0 "$id" >"$T/con2.out" 2>"$T/con2.err" ||
    fail "console after the first left: $(cat "$T/con2.err")"
retry 30 has "$LOG/guest-serial.log" "echo: SECOND" || fail "echo of the second console"

say "the protocol's error paths (raw messages); each error frees the console"
S=$RUN/xenlogd.sock
raw_is() {  # raw_is WANT MSG...: the last reply to MSG... is WANT
    local got
    got=$(ctlraw "$S" "${@:2}" | tail -n 1)
    [ "$got" = "$1" ] || fail "ctlraw ${*:2}: '$got', want '$1'"
}
raw_is "ERROR INPUT before CONSOLE" input:abc
raw_is "ERROR CONSOLE: flags must be follow" "console:0,$id,0,0"
raw_is "ERROR INPUT: more than 4096 bytes" "console:0,$id,0,1" inputn:4097
raw_is "ERROR INPUT: empty" "console:0,$id,0,1" type:4,0
raw_is "ERROR only INPUT after CONSOLE" "console:0,$id,0,1" "attach:0,$id,0,1"
raw_is "ERROR no such stream" "console:7,1,0,1"
ctlraw "$S" "console:0,$id,0,1" $'input:raw line\n' >"$T/raw.out"
retry 30 has "$LOG/guest-serial.log" "echo: RAW LINE" || fail "INPUT sent raw did not reach the guest"
alive "$XLD_PID" || fail "daemon died"

say "on a terminal (a pty from script(1)): raw mode, Ctrl-] leaves, the terminal is restored"
if command -v script >/dev/null && script -qec true /dev/null </dev/null >/dev/null 2>&1; then
    mkfifo "$T/tty.in"
    # The pty's modes after xenlog left, as the shell on it would find them.
    script -qfec "stty -a >'$T/stty.before'; '$XENLOG' console --run-dir '$RUN' 0 $id;
        echo \"rc=\$?\" >'$T/tty.rc'; stty -a >'$T/stty.after'" /dev/null \
        <"$T/tty.in" >"$T/tty.out" 2>&1 &
    tty=$!; T_PIDS+=($tty)
    exec 6>"$T/tty.in"
    retry 30 has "$T/tty.out" "escape character is ^]" || fail "no console on the pty: $(cat "$T/tty.out")"
    printf 'on a tty\r' >&6        # raw mode: Enter is \r, as a real terminal sends it
    retry 60 has "$T/tty.out" "echo: ON A TTY" || fail "no echo on the pty: $(cat -A "$T/tty.out")"
    printf '\035' >&6              # Ctrl-]
    retry 30 test -s "$T/stty.after" || fail "Ctrl-] did not end the console"
    exec 6>&-
    wait_pid $tty 60 || true
    [ "$(cat "$T/tty.rc")" = rc=0 ] || fail "console on a pty: $(cat "$T/tty.rc")"
    grep -q -- ' icanon' "$T/stty.after" && grep -q -- ' echo ' "$T/stty.after" ||
        fail "terminal left in raw mode: $(cat "$T/stty.after")"
    cmp -s <(tr ' ' '\n' <"$T/stty.before" | sort) <(tr ' ' '\n' <"$T/stty.after" | sort) ||
        fail "terminal modes differ after the console: $(diff "$T/stty.before" "$T/stty.after")"
    retry 20 readers_are 0 "$id" 1 || fail "the pty console is still attached"
else
    skip_part "no script(1) or no pty here: the console on a terminal not tried"
fi

say "no input node: CONSOLE is refused, ATTACH works"
stream 0 50 "$LOG/plain.log" 4096 1
wait_state 0 50 ready
if "$XENLOG" console 0 50 </dev/null 2>"$T/noin.err"; then fail "console on a plain stream"; fi
has "$T/noin.err" "stream has no input" || fail "$(cat "$T/noin.err")"

say "bad input nodes: state=error with a reason, the daemon goes on"
bad_input() {   # bad_input ID INPUT REASON
    mkfifo -m 0600 "$RUN/bad.$1.out"
    xenstore-write "/libxl/0/logging/$1/input" "$2" "/libxl/0/logging/$1/pipe" "$RUN/bad.$1.out" \
        "/libxl/0/logging/$1/file" "$LOG/bad$1.log" "/libxl/0/logging/$1/limit" 4096 \
        "/libxl/0/logging/$1/copies" 1
    wait_state 0 "$1" error
    local why
    why=$(xenstore-read "/libxl/0/logging/$1/error")
    [ "$why" = "$3" ] || fail "stream 0/$1: error '$why', want '$3'"
    [ ! -e "$LOG/bad$1.log" ] || fail "stream 0/$1: a log file was made"
    echo "   $2: $why"
}
mkfifo -m 0600 "$T/outside.in" "$RUN/target.in"
bad_input 60 "$T/outside.in" "input: outside its directory"
ln -s "$RUN/target.in" "$RUN/link.in"
bad_input 61 "$RUN/link.in" "input: symlink in path"
: >"$RUN/regular.in"; chmod 0600 "$RUN/regular.in"
bad_input 62 "$RUN/regular.in" "input: not a FIFO"
mkfifo -m 0644 "$RUN/open.in"
bad_input 63 "$RUN/open.in" "input: mode is not 0600"
bad_input 64 "$RUN/../run/target.in" "input: '.' or '..' component"
bad_input 65 "$RUN/bad.65.out" "input: same FIFO as pipe"
bad_input 66 "$path.in" "input: in use by stream 0/$id"
alive "$XLD_PID" || fail "daemon died"
say "a stream in error is taken again once its input node is fixed"
xenstore-write /libxl/0/logging/62/input "$RUN/target.in"
wait_state 0 62 ready

say "backpressure: 1 MiB typed with nobody reading the input FIFO waits, none is lost"
"$XENLOG" serial 0 nobody-reads >"$T/serial2" || fail "xenlog serial (2)"
read -r id2 path2 <"$T/serial2"
fulls() { grep -c "stream 0/$id2: input FIFO full; the console waits" "$T/xenlogd.log" || true; }
# 100 KiB: 64 KiB fill the FIFO, the rest waits in the daemon and in the
# console's socket. The console has sent it all and leaves by itself; what
# it sent is still written, once somebody reads.
head -c 102400 /dev/urandom >"$T/typed0"
timeout 60 "$XENLOG" console --idle 300 0 "$id2" <"$T/typed0" >/dev/null 2>"$T/bp0.err" ||
    fail "console (100 KiB) exited $?: $(cat "$T/bp0.err")"
[ "$(fulls)" -ge 1 ] || fail "the input FIFO did not fill with 100 KiB"
timeout 60 head -c 102400 "$path2.in" >"$T/got0" || fail "input FIFO: not all 102400 bytes came (input lost?)"
cmp "$T/typed0" "$T/got0" || fail "input of a console that left differs ($(stat -c %s "$T/got0") read)"
n0=$(fulls)
head -c 1048576 /dev/urandom >"$T/typed"
"$XENLOG" console --idle 300 0 "$id2" <"$T/typed" >/dev/null 2>"$T/bp.err" &
bp=$!; T_PIDS+=($bp)
fuller() { [ "$(fulls)" -gt "$n0" ]; }
retry 60 fuller || fail "the input FIFO never filled"
"$XENLOG" stats 0 >/dev/null || fail "the daemon does not answer while a console waits"
alive $bp || fail "the console left with its input not taken: $(cat "$T/bp.err")"
timeout 120 head -c 1048576 "$path2.in" >"$T/got" || fail "input FIFO: not all 1048576 bytes came (input lost?)"
cmp "$T/typed" "$T/got" || fail "input bytes differ ($(stat -c %s "$T/got") read)"
wait_pid $bp 60 || fail "console exited $?: $(cat "$T/bp.err")"
# xenlogd's count: every byte typed, written to the FIFO once
input_is() {
    [ "$(stat_of 0 "$id2" console)" = false ] &&
        [ "$(stat_of 0 "$id2" input_bytes)" = $((102400 + 1048576)) ]
}
retry 10 input_is || fail "stats: $("$XENLOG" stats --json 0 | grep "\"id\": $id2,")"
"$XENLOG" close 0 "$id2" || fail "close"
[ ! -e "$path2.in" ] && [ ! -e "$path2.out" ] || fail "close left a FIFO of the console stream"

say "daemon restart: the console stream is adopted with its input; typing still echoes"
xld_stop
xld_start
retry 20 has "$T/xenlogd.log" "stream 0/$id: adopted .*, input $path.in" || fail "not adopted with input"
mkfifo "$T/con3.in"
"$XENLOG" console --lines 300 --idle 300 0 "$id" <"$T/con3.in" >"$T/con3.out" 2>"$T/con3.err" &
con3=$!; T_PIDS+=($con3)
exec 5>"$T/con3.in"
printf 'after restart\n' >&5
retry 60 has "$T/con3.out" "echo: AFTER RESTART" || fail "no echo after the restart: $(cat "$T/con3.err")"
has "$T/con3.out" "echo: LINE 200" || fail "the backlog after the restart lacks earlier lines"
retry 20 has "$LOG/guest-serial.log" "echo: AFTER RESTART" || fail "echo after restart not logged"
exec 5>&-
wait_pid $con3 60 || fail "console 3 exited $?"

say "closing the stream ends its readers and unlinks both FIFOs"
"$XENLOG" attach --bytes 0 0 "$id" >/dev/null 2>"$T/end.err" &
rd2=$!; T_PIDS+=($rd2)
retry 30 readers_are 0 "$id" 1 || fail "reader not attached after restart"
"$XENLOG" close 0 "$id" || fail "close"
wait_pid $rd2 60 || fail "reader did not end cleanly"
has "$T/end.err" "ended" || fail "$(cat "$T/end.err")"
[ ! -e "$path.in" ] && [ ! -e "$path.out" ] || fail "close left a FIFO"
kill -TERM $qemu; wait $qemu 2>/dev/null || true
xld_stop
echo ok
