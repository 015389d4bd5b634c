/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Forwarding of a stream's lines to the local journal (journal.c) and to a
 * syslog collector over TCP (rfc5424.c), per log kind (xenlogd.conf(5)).
 * A stream's forwarder is a sink (sink.h): it splits what the stream feeds
 * into lines, rate-limits them, and queues them without ever blocking; what
 * cannot go is dropped and counted, and the file path never waits for it.
 *
 * One struct forward per daemon: the journal socket, the connections to the
 * collectors (shared by the streams that send to the same address), and the
 * reconnection timer, driven by forward_tick(). See docs/forwarding.md.
 */
#ifndef XENLOGD_FORWARD_H
#define XENLOGD_FORWARD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "config.h"
#include "sink.h"

struct loop;
struct forward;
struct fwd_sink;

#define FWD_LINE_MAX 8192           /* a longer line goes in pieces of this size */

/* Who a stream is. The strings are copied by forward_attach(). */
struct fwd_meta {
    unsigned domid, id;
    enum log_kind kind;
    const char *domain;             /* /local/domain/DOMID/name; NULL: unknown */
    const char *file;               /* the log file's base name */
};

/* One line to send, as journal.c and rfc5424.c format it. */
struct fwd_line {
    const struct fwd_meta *m;
    const char *ident;              /* SYSLOG_IDENTIFIER, APP-NAME */
    const char *hostname;           /* RFC 5424 HOSTNAME */
    uint64_t time_us;               /* CLOCK_REALTIME, when it was read */
    const char *msg;
    size_t len;                     /* no newline in msg[0..len) */
};

/* Where journal.c and rfc5424.c write: what does not fit is only measured. */
struct fwd_out {
    char *p;
    size_t len, size;
};

static inline void fwd_put(struct fwd_out *o, const void *s, size_t n)
{
    if (o->p && o->len + n <= o->size)
        memcpy(o->p + o->len, s, n);
    o->len += n;
}

/* A stream's figures (counted in lines). */
struct fwd_counters {
    uint64_t lines, bytes;          /* lines taken (after the rate limit) */
    uint64_t rate_dropped;          /* lines over forward_rate_lines/_bytes */
    uint64_t cut;                   /* lines longer than FWD_LINE_MAX, cut */
    uint64_t journal_sent, journal_unsent;  /* the journal took it, or not */
    uint64_t syslog_queued, syslog_unsent;  /* queued for the collector, or not */
};

/* The daemon's figures: every stream's, ended ones too, and the links. */
struct fwd_figures {
    struct fwd_counters total;
    uint64_t syslog_sent;           /* messages wholly written to a collector */
    uint64_t syslog_lost;           /* queued, then lost when the link went */
    uint64_t connects, connect_failures, disconnects;
    unsigned collectors, collectors_up;
};

/* NULL on ENOMEM. Call before the sandbox (it reads the host's name). */
struct forward *forward_new(struct loop *loop);
/* Closes everything; every sink must have ended (sinks_end()) before. */
void forward_free(struct forward *f);
/* Reconnections (with backoff), links that are no longer used. */
void forward_tick(struct forward *f, uint64_t now);

/*
 * Attaches a forwarder for a stream of kind m->kind to l, if policy p says
 * that kind forwards: the settings in force now stay the stream's. Returns
 * it (its figures: forward_counters()), or NULL if the kind does not forward
 * or memory ran out (logged). It frees itself when the stream ends.
 */
struct fwd_sink *forward_attach(struct forward *f, struct sinks *l, const struct policy *p,
                                const struct fwd_meta *m);
const struct fwd_counters *forward_counters(const struct fwd_sink *s);
/* The figures of the forwarder among a stream's sinks; NULL if it has none. */
const struct fwd_counters *forward_counters_of(const struct sinks *l);
void forward_figures(const struct forward *f, struct fwd_figures *out);

#endif
