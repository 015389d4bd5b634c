# SPDX-License-Identifier: GPL-2.0-only
# Sourced by tests/t-fwd-journal.sh: Debian's real systemd-journald, run
# outside systemd in a private mount namespace, so that the socket it binds
# (/run/systemd/journal/socket) and the files it writes are the test's own.
#
#   jd_namespace ARGS...
#       Re-executes the test (once) in a private mount namespace, or skips
#       it (77) with the reason: no unshare, no journald, no namespace.
#       Source this and call it before tests/lib/common.sh.
#   jd_start DIR
#       Mounts a tmpfs over /run/systemd and binds DIR/run over /run/log and
#       DIR/var over /var/log/journal (in the namespace only), starts
#       systemd-journald (a child of this shell) and waits for its socket.
#   jd_stop         SIGTERM, and waits for it.
#   jd_json ARGS... journalctl -D (the journal's dir) -o json ARGS...
JD_BIN=${JD_BIN:-/lib/systemd/systemd-journald}
JD_PID=
JD_DIR=
JD_MOUNTED=

jd_namespace() {
    [ -z "${XLD_JD_NS:-}" ] || return 0
    local why=
    if ! command -v unshare >/dev/null; then why="no unshare(1)"
    elif [ ! -x "$JD_BIN" ]; then why="no $JD_BIN (Debian's systemd package)"
    elif ! command -v journalctl >/dev/null; then why="no journalctl"
    elif [ ! -d /run/systemd ] || [ ! -d /run/log ]; then why="no /run/systemd or /run/log to mount over"
    elif ! unshare -m --propagation private true 2>/dev/null; then why="cannot make a mount namespace (not root?)"
    fi
    if [ -n "$why" ]; then
        echo "skipped: $why"
        exit 77
    fi
    XLD_JD_NS=1 exec unshare -m --propagation private bash "$0" "$@"
}

jd_start() {
    JD_DIR=$1
    mkdir -p "$JD_DIR/run" "$JD_DIR/var"
    if [ -z "$JD_MOUNTED" ]; then
        mount -t tmpfs -o mode=0755 xenlogd-test /run/systemd || fail "cannot mount over /run/systemd"
        mkdir -p /run/systemd/journal
        mount --bind "$JD_DIR/run" /run/log || fail "cannot bind over /run/log"
        [ ! -d /var/log/journal ] || mount --bind "$JD_DIR/var" /var/log/journal ||
            fail "cannot bind over /var/log/journal"
        JD_MOUNTED=1
    fi
    rm -f /run/systemd/journal/socket     # the last one's, in our tmpfs
    "$JD_BIN" >>"$JD_DIR/journald.log" 2>&1 &
    JD_PID=$!
    T_PIDS+=("$JD_PID")
    retry 20 test -S /run/systemd/journal/socket ||
        { cat "$JD_DIR/journald.log"; skip "systemd-journald did not bind its socket outside systemd"; }
}

jd_stop() {
    kill -TERM "$JD_PID"
    wait "$JD_PID" 2>/dev/null || true
    JD_PID=
}

jd_json() { journalctl -D "$JD_DIR/run/journal" -o json "$@" 2>/dev/null; }
