/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control socket's messages (docs/control.md). AF_UNIX SOCK_SEQPACKET:
 * one message per datagram, each a struct xlc_hdr and `len` bytes of body.
 * Host byte order: both ends are on one host.
 */
#ifndef XENLOG_COMMON_CTLPROTO_H
#define XENLOG_COMMON_CTLPROTO_H

#include <stddef.h>
#include <stdint.h>

#define XLC_MAX_MSG 65536u            /* header included */
#define XLC_MAX_BACKLOG (1u << 20)
#define XLC_MAX_INPUT 4096u           /* INPUT body; = PIPE_BUF: one atomic write */
#define XLC_ALL 0xffffffffu
#define XLC_SOCKET "xenlogd.sock"     /* in the run dir */

enum xlc_type {
    /* requests */
    XLC_LIST = 1,        /* body: u32 domid or XLC_ALL */
    XLC_ATTACH = 2,      /* body: struct xlc_attach */
    XLC_CONSOLE = 3,     /* body: struct xlc_attach (with XLC_FOLLOW): attach
                          * and become the stream's one console writer */
    XLC_INPUT = 4,       /* after CONSOLE: 1..XLC_MAX_INPUT bytes for the
                          * stream's input FIFO */
    XLC_STATS = 5,       /* no body: the daemon's own figures */
    /* replies */
    XLC_OK = 0x80,       /* attach (or console) accepted; DATA follows */
    XLC_STREAM = 0x81,   /* body: struct xlc_stream_info, then file_len bytes */
    XLC_DATA = 0x82,     /* body: stream bytes */
    XLC_SKIPPED = 0x83,  /* body: u64 bytes this reader missed (too slow); to a
                          * pipe reader struct xlc_skipped */
    XLC_END = 0x84,      /* end of a list, of a backlog without follow, of a stream */
    XLC_ERROR = 0x85,    /* body: a reason, not NUL-terminated */
    XLC_LIVE = 0x86,     /* the backlog is over; what follows is live (with
                          * XLC_PIPE: in the pipe whose read end it carries) */
    XLC_DAEMON = 0x87,   /* body: struct xlc_daemon_info (STATS), then END */
};

struct xlc_hdr {
    uint16_t type;
    uint16_t flags;      /* 0 */
    uint32_t len;        /* body bytes */
};

#define XLC_FOLLOW 1u
#define XLC_PIPE 2u      /* with XLC_FOLLOW: live bytes through a pipe whose read
                          * end LIVE carries (SCM_RIGHTS), not as DATA */

struct xlc_attach {
    uint32_t domid, id;
    uint32_t backlog;    /* bytes of the past to send first, <= XLC_MAX_BACKLOG */
    uint32_t flags;      /* XLC_FOLLOW, XLC_PIPE */
};

/* SKIPPED to a pipe reader: the gap is after `offset` bytes of the pipe
 * (counted from its first byte). Others get `bytes` alone (8 bytes). */
struct xlc_skipped {
    uint64_t bytes;
    uint64_t offset;
};

enum xlc_state { XLC_PENDING = 0, XLC_ERRORED = 1, XLC_READY = 2 };

#define XLC_HAS_INPUT 1u       /* xlc_stream_info.console: a console stream */
#define XLC_CONSOLE_ON 2u      /* ... and a console is attached */

struct xlc_stream_info {
    uint32_t domid, id, state, copies;
    uint64_t limit, bytes_in, bytes_written, rotations, dropped, since_ms;
    uint64_t input_bytes;      /* written to the input FIFO (console streams) */
    uint32_t console;          /* XLC_HAS_INPUT | XLC_CONSOLE_ON */
    uint32_t readers;
    uint32_t file_len;
    uint32_t pad;              /* 0 */
};

/* The daemon's figures. Later versions only append fields: a client reads
 * the fields its body holds (len) and ignores any more. */
struct xlc_daemon_info {
    uint32_t version;          /* 2 (version 1: the first 128 bytes) */
    uint32_t streams;          /* known: ready, pending and in error */
    uint32_t ready;
    uint32_t errored;
    uint64_t started_ms;       /* when the daemon started (Unix time, ms) */
    uint64_t bytes_managed;    /* all the files it manages, at the last retention pass */
    uint64_t files_managed;
    uint64_t bytes_live;       /* of bytes_managed: the files of live streams */
    uint64_t files_removed;    /* by retention, since the daemon started */
    uint64_t bytes_removed;
    uint64_t retention_runs;
    uint64_t last_retention_ms; /* Unix time, ms; 0: none yet */
    uint64_t config_loads;     /* config files read (start, SIGHUP) */
    uint64_t config_errors;    /* SIGHUPs whose config was refused (old policy kept) */
    uint64_t reopens;          /* log files reopened (SIGHUP, file moved away) */
    uint64_t clamped;          /* streams whose limit or copies was lowered to a cap */
    uint64_t max_total_size;   /* the policy in force; 0: none */
    uint32_t max_age_days;     /* 0: none */
    uint32_t pad;              /* 0 */
    /* Version 2 appends (a reader takes what its version knows, and a figure
     * beyond what an older daemon sent is absent): forwarding (docs/forwarding.md),
     * every stream's since the daemon started, ended ones too. */
    uint64_t fwd_lines, fwd_bytes;         /* taken, within the rate */
    uint64_t fwd_rate_dropped;             /* lines over forward_rate_lines/_bytes */
    uint64_t fwd_cut;                      /* lines longer than the cap, sent cut */
    uint64_t fwd_journal_sent, fwd_journal_unsent;
    uint64_t fwd_syslog_queued, fwd_syslog_unsent, fwd_syslog_sent, fwd_syslog_lost;
    uint64_t fwd_connects, fwd_connect_failures, fwd_disconnects;
    uint32_t fwd_collectors, fwd_collectors_up;
    /* Compressed history (the worker, compress.h). */
    uint64_t zstd_in, zstd_out;            /* raw bytes read, compressed bytes written */
    uint64_t zstd_copies;                  /* copies compressed */
};
_Static_assert(sizeof(struct xlc_daemon_info) == 264, "xlc_daemon_info: 264 bytes in version 2");

struct xlc_request {
    enum xlc_type type;
    uint32_t domid;              /* LIST, ATTACH, CONSOLE */
    struct xlc_attach attach;    /* ATTACH, CONSOLE */
    const unsigned char *input;  /* INPUT: the bytes, inside the message */
    size_t input_len;            /* INPUT: 1..XLC_MAX_INPUT */
};

/* One message, header and body, into msg (size bytes): its length, or 0 if
 * it does not fit (or len > XLC_MAX_MSG - header). */
size_t xlc_encode(void *msg, size_t size, uint16_t type, const void *body, size_t len);

/* One received message of n bytes: its header into *h and the length of its
 * body (which follows the header), or -1 if it is shorter than a header or
 * its length field does not match n. */
long xlc_decode(const void *msg, size_t n, struct xlc_hdr *h);

/* Checks one received request; 0 and *req filled, or -1 with a reason.
 * Pure: no state, no allocation; req->input points into msg. */
int xlc_parse_request(const void *msg, size_t len, struct xlc_request *req,
                      const char **why);

#endif
