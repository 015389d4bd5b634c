# SPDX-License-Identifier: GPL-2.0-only
# dom0-lib.sh - the dom0 side of the full-host test: sourced (bash) before
# every scenario file the agent runs (lib.sh's xh_step puts it in front).
#
#   ok WHAT / fail WHAT / skip WHAT   one check's result (the test counts them)
#   check WHAT CMD...                 ok if CMD succeeds, else fail
#   figure NAME VALUE                 a figure, printed with the results
#   wait_for SECONDS CMD...           until CMD succeeds (0) or SECONDS pass (1)
#   xenstore_ready NAME               the stream of guest NAME's qemu-dm log
#                                     is state ready in xenstore (prints its path)
#   new_guest NAME CFGFUNC [ARGS]     write /etc/xen/NAME.cfg (guests.sh's
#                                     emitters) and `xl create` it, as typed
# and everything of tests/xen-system/guests.sh (xs_*).
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
XH=/host/xen-host
XH_STATE=/var/lib/xen-host           # kept across boots (the root disk)
export XS_ASSETS=$XH_STATE/assets XS_WORK=$XH_STATE/work
mkdir -p "$XH_STATE" "$XS_WORK"
# the guests' kernel, initramfs and boot sectors, on the root disk so that
# xendomains can start a guest at boot
if [ ! -e "$XS_ASSETS/.done" ] && [ -d /host/assets ]; then
    mkdir -p "$XS_ASSETS"
    cp /host/assets/* "$XS_ASSETS/"
    touch "$XS_ASSETS/.done"
fi
. "$XH/guests.sh"
XH_FAILS=0

ok() { echo "ok: $XH_NAME: $*"; }
fail() { echo "FAIL: $XH_NAME: $*"; XH_FAILS=$((XH_FAILS + 1)); }
skip() { echo "skip: $XH_NAME: $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
figure() { echo "FIGURE $1 $2"; }

wait_for() {
    local end=$(( $(date +%s) + $1 )); shift
    while ! "$@"; do
        [ "$(date +%s)" -lt "$end" ] || return 1
        sleep 0.5
    done
}

xh_begin() { XH_NAME=$1; XH_T0=$(date +%s); echo "== $1 (boot $(cut -c1-8 /proc/sys/kernel/random/boot_id))"; }
xh_end() {
    echo "== $XH_NAME: $(( $(date +%s) - XH_T0 )) s, $XH_FAILS failed"
    [ "$XH_FAILS" = 0 ]
    exit
}

# domid NAME: the domain id of guest NAME (empty if none)
domid() { xl domid "$1" 2>/dev/null; }

# stream_of NAME FILE: the xenstore path of the stream of DOMID whose file is FILE
stream_of() {
    local d=$1 f=$2 id
    for id in $(xenstore-list "/libxl/$d/logging" 2>/dev/null); do
        [ "$(xenstore-read "/libxl/$d/logging/$id/file" 2>/dev/null)" = "/var/log/xen/$f" ] &&
            { echo "/libxl/$d/logging/$id"; return 0; }
    done
    return 1
}

# xenstore_ready NAME: qemu-dm-NAME.log is a ready stream; prints its path
xenstore_ready() {
    local d p
    d=$(domid "$1") || return 1
    p=$(stream_of "$d" "qemu-dm-$1.log") || return 1
    [ "$(xenstore-read "$p/state" 2>/dev/null)" = ready ] || return 1
    echo "$p"
}

new_guest() { xs_create "$@" > /dev/null; }

# qemu_pid NAME: the pid of guest NAME's device model
qemu_pid() {
    local d
    d=$(domid "$1") || return 1
    xenstore-read "/local/domain/$d/image/device-model-pid" 2>/dev/null ||
        xs_pgrep "xen-qemu-system-i386.*-xen-domid $d( |\$)" | head -n 1
}

# xh_plain_log_with_output NAME: qemu-dm-NAME.log is a regular file, QEMU's
# stdout is that very file, and it has output (stock libxl)
xh_plain_log_with_output() {
    local f=/var/log/xen/qemu-dm-$1.log p
    [ -f "$f" ] && [ -s "$f" ] || return 1
    p=$(qemu_pid "$1") || return 1
    [ "$(readlink "/proc/$p/fd/1")" = "$f" ]
}

# xh_stream_fed NAME: QEMU's stdout is the FIFO of a ready stream whose file
# is qemu-dm-NAME.log, and the file has output
xh_stream_fed() {
    local s p
    s=$(xenstore_ready "$1") || return 1
    p=$(qemu_pid "$1") || return 1
    [ "$(readlink "/proc/$p/fd/1")" = "$(readlink -f "$(xenstore-read "$s/pipe")")" ] || return 1
    [ -s "/var/log/xen/qemu-dm-$1.log" ]
}

# xh_file_list: every file of the system outside logs, state and the test's
# own files, sorted (what the package may add and must take away again);
# libvirt's config and state are libvirtd's own (libvirt.sh runs it)
xh_file_list() {
    find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /run -o -path /tmp \
        -o -path /host -o -path /var/log -o -path /var/tmp -o -path /var/cache \
        -o -path /var/lib/xen-host -o -path /var/lib/xen -o -path /var/lib/systemd \
        -o -path /var/lib/apt -o -path /root -o -path /etc/xen/auto -o -path '/etc/xen/*.cfg' \
        -o -path /etc/libvirt -o -path /var/lib/libvirt \
        -o -path /var/lib/dpkg/status -o -path /var/lib/dpkg/status-old \
        -o -path /var/lib/dpkg/available -o -path /var/lib/dpkg/triggers \
        -o -path /var/lib/dpkg/lock -o -path /var/lib/dpkg/lock-frontend \) -prune -o -print |
        LC_ALL=C sort
}

# xh_enable: turn xenlogd on as the README's "Install on a Xen host" says:
# the service enabled and started, the drop-in on (/etc/default/xenlogd)
xh_enable() {
    systemctl enable --now xenlogd.service
    [ ! -e /etc/default/xenlogd ] ||
        sed -i 's/^XENLOG_DROPIN_DISABLE=.*/XENLOG_DROPIN_DISABLE=0/' /etc/default/xenlogd
}

# xh_last_line BASE: the number of the last whole flood line in BASE (or in
# BASE.1 when BASE has just been rotated and holds no whole line yet); 0: none
xh_last_line() {
    local n
    n=$(cat "$1.1" "$1" 2>/dev/null | tail -c 400 | grep -a -o 'flood line [0-9]\{10\}$' |
        tail -n 1 | sed 's/.* 0*//')
    echo "${n:-0}"
}
# xh_line_past FILE N: FILE's last whole flood line is past N
xh_line_past() { [ "$(xh_last_line "$1")" -gt "$2" ] 2>/dev/null; }

# xh_kept_copy BASE COPIES OUT: BASE.COPIES .. BASE.1 BASE into OUT, oldest
# first, taken with no rotation in between (same inodes before and after)
xh_kept_copy() {
    local base=$1 copies=$2 out=$3 try i before after
    for try in 1 2 3 4 5 6 7 8 9 10; do
        before=$(for i in $(seq "$copies" -1 1) ""; do stat -c %i "$base${i:+.$i}" 2>/dev/null; done)
        : > "$out"
        for i in $(seq "$copies" -1 1) ""; do
            [ ! -e "$base${i:+.$i}" ] || cat "$base${i:+.$i}" >> "$out"
        done
        after=$(for i in $(seq "$copies" -1 1) ""; do stat -c %i "$base${i:+.$i}" 2>/dev/null; done)
        [ "$before" != "$after" ] || return 0
        sleep 0.2
    done
    return 1
}

# xh_numbered FILE: "FIRST LAST LOST" of the numbered flood lines in FILE
# (a partial line at either end is not counted)
xh_numbered() {
    tr -d '\r' < "$1" | grep -a -o 'flood line [0-9]\{10\}$' | sed 's/.* 0*//' |
        awk 'NR == 1 { first = $1 } NR > 1 && $1 != last + 1 { lost += ($1 > last ? $1 - last - 1 : 1) }
             { last = $1 } END { print first + 0, last + 0, lost + 0 }'
}

# xh_no_gap BASE COPIES LAST0 EVENT: the kept lines of BASE reach back past
# line LAST0 (the last before EVENT: restart, upgrade) and count up without
# a gap; figures EVENT_window and EVENT_lost_lines
xh_no_gap() {
    local first lastn lost
    xh_kept_copy "$1" "$2" "/tmp/kept-$4" || { fail "no consistent copy of the kept files"; return; }
    read -r first lastn lost < <(xh_numbered "/tmp/kept-$4")
    figure "$4_window" "$first..$lastn"
    figure "$4_lost_lines" "$lost"
    check "the kept lines reach back past the $4 ($first <= $3)" [ "${first:-0}" -le "$3" ]
    check "0 lines lost across the $4" [ "$lost" = 0 ]
}

# xh_ends_whole BASE COPIES LINES FIG: after a guest's end, the kept lines of
# BASE are consecutive, end with line LINES or later, and are followed by
# QEMU's last words; figure FIG_kept_window
xh_ends_whole() {
    local first lastn lost lines=$3 kept=/tmp/kept-$4
    xh_kept_copy "$1" "$2" "$kept" ||
        { fail "the kept files could not be read without a rotation in between"; return; }
    read -r first lastn lost < <(xh_numbered "$kept")
    figure "$4_kept_window" "$first..$lastn"
    check "kept lines consecutive ($lost lost), ending with the newest ($lastn >= $lines)" \
        eval '[ "$lost" = 0 ] && [ "${lastn:-0}" -ge "$lines" ]'
    check "the newest line is followed by QEMU's last words" \
        eval 'tail -c 200 "$kept" | grep -q "terminating on signal"'
}

# xh_kept_files_ok BASE LIMIT COPIES: no file over LIMIT, no BASE.(COPIES+1)
xh_kept_files_ok() {
    local f
    [ ! -e "$1.$(($3 + 1))" ] || return 1
    for f in "$1" "$1".*; do
        [ ! -e "$f" ] || [ "$(stat -c %s "$f")" -le "$2" ] || { echo "  $f: $(stat -c %s "$f") bytes"; return 1; }
    done
}

# xh_disable: turn xenlogd off as the README says (stock libxl files again)
xh_disable() {
    sed -i 's/^XENLOG_DROPIN_DISABLE=.*/XENLOG_DROPIN_DISABLE=1/' /etc/default/xenlogd
}

# xh_limits NAME: "LIMIT COPIES" in force for qemu-dm-NAME.log's stream: as
# the daemon logged it when it opened the stream (after the host's policy),
# else the stream's xenstore nodes
xh_limits() {
    local d s m
    d=$(domid "$1") || return 1
    s=$(stream_of "$d" "qemu-dm-$1.log") || return 1
    m=$(journalctl -b "_SYSTEMD_UNIT=xenlogd.service" -o cat --no-pager 2>/dev/null |
        grep "stream $d/${s##*/}: " | sed -n 's/.*(limit \([0-9]*\), copies \([0-9]*\).*/\1 \2/p' | tail -n 1)
    [ -n "$m" ] || m="$(xenstore-read "$s/limit" 2>/dev/null) $(xenstore-read "$s/copies" 2>/dev/null)"
    echo "$m"
}
