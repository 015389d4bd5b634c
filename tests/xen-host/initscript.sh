# SPDX-License-Identifier: GPL-2.0-only
# initscript: /etc/init.d/xenlogd run for real in dom0, as on a host without
# systemd, while xenlogd.service is stopped. Debian's
# /lib/lsb/init-functions.d/40-systemd sends an init script typed by hand to
# systemctl unless SYSTEMCTL_SKIP_REDIRECT is set: set here. start, status,
# reload, restart and stop with their LSB exit codes, the pid file, the
# advertisement in xenstore, a plain `xl create` guest's stream across the
# restart; then xenlogd.service started again, as the host was.
I=/etc/init.d/xenlogd
P=/run/xenlogd.pid
C=/etc/xen/xenlogd.conf
# initd ACTION: the init script itself, its output indented; its status
initd() {
    SYSTEMCTL_SKIP_REDIRECT=1 "$I" "$1" > /tmp/initd.out 2>&1
    local rc=$?
    sed "s/^/  initd $1: /" /tmp/initd.out
    return $rc
}
# daemons: the pids of every xenlogd running
daemons() { pgrep -x xenlogd; }
# fed_by PID NAME: NAME's qemu-dm stream is ready and daemon PID holds its FIFO
fed_by() {
    local s f fd
    s=$(xenstore_ready "$2") || return 1
    f=$(readlink -f "$(xenstore-read "$s/pipe")") || return 1
    for fd in /proc/"$1"/fd/*; do [ "$(readlink "$fd")" = "$f" ] && return 0; done
    return 1
}
# logged PID TEXT: the daemon PID's syslog messages (in the journal) have TEXT
logged() { journalctl -b -t xenlogd "_PID=$1" -o cat --no-pager 2>/dev/null | grep -q -- "$2"; }

check "real Xen: /sys/hypervisor/type is xen" [ "$(cat /sys/hypervisor/type 2>/dev/null)" = xen ]
check "without SYSTEMCTL_SKIP_REDIRECT the script goes to systemctl (40-systemd)" \
    eval '"$I" status 2>&1 | grep -q "xenlogd.service"'
systemctl stop xenlogd.service || fail "systemctl stop xenlogd"
check "xenlogd.service stopped, no xenlogd running" \
    eval '! systemctl -q is-active xenlogd.service && [ -z "$(daemons)" ]'

# a config the daemon refuses: start fails with LSB's 6 and nothing runs
if [ -e "$C" ]; then
    cp "$C" /tmp/xenlogd.conf.before
    echo "xh_no_such_key = 1" >> "$C"
    initd start; rc=$?
    cat /tmp/xenlogd.conf.before > "$C"
    check "start with a refused $C: exit 6 (not configured; got $rc), nothing runs" \
        eval '[ "$rc" = 6 ] && [ -z "$(daemons)" ]'
else
    skip "no $C to break"
fi

check "start: exit 0" initd start
pid=$(cat "$P" 2>/dev/null)
check "start: $P holds a live xenlogd ($pid)" \
    eval '[ -n "$pid" ] && [ "$(readlink "/proc/$pid/exe")" = /usr/sbin/xenlogd ]'
check "start: open files limit 524288, as the unit's LimitNOFILE=" \
    eval 'grep -Eq "^Max open files +524288 +524288 " "/proc/$pid/limits"'
check "start: /tool/xenlogd/pid is that daemon" [ "$(xenstore-read /tool/xenlogd/pid 2>/dev/null)" = "$pid" ]
check "start: its messages reach the journal through syslog ($(readlink /dev/log))" \
    wait_for 30 logged "$pid" "^serving: "
new_guest init1 xs_cfg_pv_qdisk || fail "xl create init1"
check "plain xl create: qemu-dm-init1.log is a ready stream QEMU writes into, fed by $pid" \
    eval 'wait_for 120 xh_stream_fed init1 && fed_by "$pid" init1'
check "start again while running: exit 0" initd start
check "start again: the same daemon, alone ($pid)" \
    eval '[ "$(cat "$P")" = "$pid" ] && [ "$(daemons)" = "$pid" ]'
check "status while running: exit 0" initd status

check "reload: exit 0" initd reload
check "reload: SIGHUP, the config re-read (journal: 'SIGHUP: ... reopening the log files')" \
    wait_for 30 logged "$pid" "^SIGHUP: .*reopening the log files"
check "reload: the same daemon ($pid)" eval '[ "$(cat "$P")" = "$pid" ] && [ "$(daemons)" = "$pid" ]'

q=$(qemu_pid init1)
check "restart: exit 0" initd restart
new=$(cat "$P" 2>/dev/null)
check "restart: a new daemon ($pid -> $new), alone, advertised" \
    eval '[ -n "$new" ] && [ "$new" != "$pid" ] && [ "$(daemons)" = "$new" ] &&
          [ "$(xenstore-read /tool/xenlogd/pid 2>/dev/null)" = "$new" ]'
check "restart: init1's stream ready, fed by the new daemon" wait_for 60 fed_by "$new" init1
check "restart: init1 and its QEMU live on (pid $q)" eval '[ -n "$(domid init1)" ] && kill -0 "$q"'

check "stop: exit 0" initd stop
check "stop: no xenlogd running" [ -z "$(daemons)" ]
initd status; rc=$?
check "status after stop: exit 3 (LSB: not running; got $rc)" [ "$rc" = 3 ]
check "stop again: exit 0" initd stop
initd reload; rc=$?
check "reload while stopped: exit 7 (LSB: not running; got $rc), nothing started" \
    eval '[ "$rc" = 7 ] && [ -z "$(daemons)" ]'

# the host as it was
for p in $(daemons); do fail "xenlogd $p left running: killed"; kill "$p"; sleep 1; done
check "systemctl start xenlogd: active again, advertised" \
    eval 'systemctl start xenlogd.service && systemctl -q is-active xenlogd.service &&
          [ "$(xenstore-read /tool/xenlogd/pid 2>/dev/null)" = "$(systemctl show -P MainPID xenlogd.service)" ]'
check "xl destroy init1" timeout 120 xl destroy init1
