# SPDX-License-Identifier: GPL-2.0-only
# Sourced by tests/t-fwd-*.sh: Debian's real rsyslogd as a syslog collector,
# in the foreground, with everything of its own under DIR.
#
#   rs_start DIR [PORT]
#       Starts rsyslogd (a child of this shell) listening on 127.0.0.1:PORT
#       (a free port if none; RS_PORT says which) for RFC 6587 TCP, and waits
#       until the port answers. Each message it receives is parsed (RFC 5424,
#       its structured data by mmpstrucdata) and written as one JSON object
#       a line to DIR/out.json: hostname, app, msgid, timestamp, msg, sd
#       (the parsed structured data). Skips the test (77) without rsyslogd.
#       With an IPv6 loopback, also on [::1]:PORT (RS_V6=1).
#   rs_stop         SIGTERM, and waits for it.
#   rs_count        lines in DIR/out.json so far.
RS_PID=
RS_DIR=
RS_PORT=
RS_V6=
python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null && RS_V6=1

rs_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

rs_answers() { (exec 9<>"/dev/tcp/127.0.0.1/$RS_PORT") 2>/dev/null; }

rs_start() {
    RS_DIR=$1
    RS_PORT=${2:-${RS_PORT:-$(rs_free_port)}}
    command -v rsyslogd >/dev/null || skip "no rsyslogd (Debian's rsyslog package)"
    mkdir -p "$RS_DIR/work"
    cat >"$RS_DIR/rsyslog.conf" <<CONF
global(workDirectory="$RS_DIR/work" maxMessageSize="64k")
module(load="imtcp")
module(load="mmpstrucdata")
input(type="imtcp" port="$RS_PORT" address="127.0.0.1" ruleset="fwd")
${RS_V6:+input(type=\"imtcp\" port=\"$RS_PORT\" address=\"::1\" ruleset=\"fwd\")}
template(name="json" type="list" option.jsonf="on") {
    property(outname="hostname" name="hostname" format="jsonf")
    property(outname="app" name="app-name" format="jsonf")
    property(outname="msgid" name="msgid" format="jsonf")
    property(outname="timestamp" name="timereported" dateFormat="rfc3339" format="jsonf")
    property(outname="msg" name="msg" format="jsonf")
    property(outname="sd" name="\$!rfc5424-sd" format="jsonf")
}
ruleset(name="fwd") {
    action(type="mmpstrucdata")
    action(type="omfile" file="$RS_DIR/out.json" template="json")
}
CONF
    rsyslogd -n -f "$RS_DIR/rsyslog.conf" -i "$RS_DIR/rsyslogd.pid" >>"$RS_DIR/rsyslogd.log" 2>&1 &
    RS_PID=$!
    T_PIDS+=("$RS_PID")
    retry 20 rs_answers || { cat "$RS_DIR/rsyslogd.log"; fail "rsyslogd does not listen on $RS_PORT"; }
}

rs_stop() {
    kill -TERM "$RS_PID"
    wait "$RS_PID" 2>/dev/null || true
    RS_PID=
}

rs_count() { if [ -f "$RS_DIR/out.json" ]; then wc -l <"$RS_DIR/out.json"; else echo 0; fi; }
