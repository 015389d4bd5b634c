#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""fakectl.py DIR [DAEMON_BYTES]: a stand-in for xenlogd's control socket
(docs/control.md) at DIR/xenlogd.sock, with fixed figures, for testing how
xenlog prints them: LIST gets two streams (one a console stream), STATS gets a
DAEMON body of version 1 (128 bytes; or its first DAEMON_BYTES, as an older
daemon would send) with the values below; anything else gets ERROR. Serves
one request per connection until killed."""
import os
import socket
import struct
import sys

HDR = "=HHI"
LIST, STATS = 1, 5
STREAM, END, ERROR, DAEMON = 0x81, 0x84, 0x85, 0x87

STREAMS = [  # domid id state copies limit in written rot dropped since input console readers file
    (3, 1, 2, 4, 2097152, 5000, 4990, 2, 10, 1700000000123, 0, 0, 1, b"/var/log/xen/qemu-dm-a.log"),
    (3, 2, 2, 1, 65536, 77, 77, 0, 0, 1700000001000, 12, 3, 2, b"/var/log/xen/serial-a.log"),
]
# version streams ready errored | started_ms bytes_managed files_managed bytes_live
# files_removed bytes_removed retention_runs last_retention_ms config_loads config_errors
# reopens clamped max_total_size | max_age_days pad
DAEMON_INFO = struct.pack("=4I13QII", 1, 2, 2, 0, 1700000000500, 123456789, 17, 5000000,
                          7, 3145728, 42, 1700000600250, 3, 1, 5, 2, 1073741824, 30, 0)


def msg(kind, body=b""):
    return struct.pack(HDR, kind, 0, len(body)) + body


def main():
    path = os.path.join(sys.argv[1], "xenlogd.sock")
    size = int(sys.argv[2]) if len(sys.argv) > 2 else len(DAEMON_INFO)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    srv.bind(path)
    srv.listen(8)
    while True:
        c, _ = srv.accept()
        req = c.recv(65536)
        kind = struct.unpack_from(HDR, req)[0] if len(req) >= 8 else 0
        if kind == LIST:
            domid = struct.unpack_from("=I", req, 8)[0]
            for s in STREAMS:
                if domid in (s[0], 0xFFFFFFFF):
                    c.send(msg(STREAM, struct.pack("=4I7Q4I", *s[:13], len(s[13]), 0) + s[13]))
            c.send(msg(END))
        elif kind == STATS:
            c.send(msg(DAEMON, DAEMON_INFO[:size]))
            c.send(msg(END))
        else:
            c.send(msg(ERROR, b"unknown request"))
        c.close()


main()
