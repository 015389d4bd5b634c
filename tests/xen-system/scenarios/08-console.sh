# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash  # sourced by dom0-run.sh after dom0-lib.sh
# 8. An interactive serial console and its log at once: `xenlog serial 0
# hvm-echo` makes a console stream (PATH.out is its pipe, PATH.in its
# input); an HVM guest whose boot sector (tests/console/echo.s, as in
# t-console) answers every line on COM1 gets serial="pipe:PATH" (QEMU reads
# PATH.in, writes PATH.out).  `xenlog console` types two lines: the guest's
# answers are on the console, in the log and at a second `xenlog attach`
# reader; `xenlog close` removes both FIFOs.
step "8. interactive serial console and its log at once: an HVM guest that echoes on COM1"
if "$B/xenlog" serial 0 hvm-echo --limit 65536 --copies 2 >"$W/serial.txt" 2>&1 &&
   read -r CONID CONPATH <"$W/serial.txt" && [ -p "$CONPATH.in" ] && [ -p "$CONPATH.out" ]; then
    ok "xenlog serial: console stream 0/$CONID, $CONPATH.in and $CONPATH.out"
else
    bad "xenlog serial: $(cat "$W/serial.txt")"
    return 0
fi
CONLOG=$LOG/hvm-echo.log
{ _xs_cfg_hvm hvm-echo "$B/echo.img"; echo "serial = \"pipe:$CONPATH\""
  for l in "${HVM_EXTRA[@]}"; do echo "$l"; done; } >/etc/xen/hvm-echo.cfg
timeout 180 xl create /etc/xen/hvm-echo.cfg >"$W/create-echo.log" 2>&1 ||
    bad "xl create hvm-echo: $(cat "$W/create-echo.log")"
check "the echo guest's banner reaches the log $CONLOG" xs_wait_grep "$CONLOG" "xenlog-echo: ready" 180
"$B/xenlog" attach --bytes 0 0 "$CONID" >"$W/echo-reader.txt" 2>&1 &
RD=$!
# once xenlogd counts the reader (busybox dom0: no JSON parser, the form of xenlog(1))
attached() { "$B/xenlog" stats --json 0 2>/dev/null | grep -q "\"id\": $CONID,.*\"readers\": 1[,}]"; }
i=0; while ! attached && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
printf 'hello from dom0\nsecond line\n' |
    timeout 120 "$B/xenlog" console --idle 5000 0 "$CONID" >"$W/echo-console.txt" 2>&1
r=$?
check "xenlog console exits 0 after its input ($r)" [ $r = 0 ]
check "the guest's answer is on the console" grep -q "echo: SECOND LINE" "$W/echo-console.txt"
check "the guest's answer is in the log" grep -q "echo: HELLO FROM DOM0" "$CONLOG"
check "a second reader saw it too" xs_wait_grep "$W/echo-reader.txt" "echo: SECOND LINE" 10
sed 's/^/  console: /' "$W/echo-console.txt" | tr -d '\r' | tail -n 4
kill "$RD" 2>/dev/null; wait "$RD" 2>/dev/null
timeout 120 xl destroy hvm-echo || bad "xl destroy hvm-echo"
"$B/xenlog" close 0 "$CONID" || bad "xenlog close 0 $CONID"
check "xenlog close: both FIFOs of the console stream are gone" [ ! -e "$CONPATH.in" -a ! -e "$CONPATH.out" ]
