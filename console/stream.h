/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One log stream: FIFO -> log file (logfile.h), feeding its sinks (readers,
 * forwarding: sink.h); a console stream also has an input FIFO (input.h).
 *
 *   PENDING --(all nodes valid, FIFO and file open)--> ACTIVE
 *      |  \--(invalid, or set-up timeout)--> ERROR --(a node rewritten)--> PENDING
 *   ACTIVE --(path removed)--> drained, closed, freed
 *
 * streams.c owns streams; other files use the functions below and leave
 * the fields to stream.c and streams.c.
 */
#ifndef XENLOGD_STREAM_H
#define XENLOGD_STREAM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "logfile.h"
#include "loop.h"
#include "sink.h"
#include "validate.h"
#include "xenlogd.h"

struct input;

enum stream_state { STREAM_PENDING, STREAM_ERROR, STREAM_ACTIVE };

struct stream {
    struct loop_fd lf;        /* the FIFO; lf.fd < 0 unless ACTIVE */
    struct xld *d;
    unsigned domid, id;
    enum stream_state state;
    struct spec spec;         /* the nodes as last read */
    struct params p;
    dev_t fifo_dev;
    ino_t fifo_ino;
    unsigned fifo_cap;        /* what the FIFO holds at most */
    bool stamped;             /* lines get a timestamp (stamp.h) */
    uint64_t first_seen;      /* PENDING: start of the set-up timeout */
    uint64_t bytes_in;        /* read from the FIFO */
    uint64_t since_ms;        /* when the stream became active (CLOCK_REALTIME) */
    struct logfile log;
    struct sinks sinks;
    struct input *in;         /* the input FIFO of a console stream, or NULL */
    struct stream *next;      /* hash chain in struct xld */
    struct stream *tick_next, *tick_prev;  /* in d->ticking, if on_tick */
    bool on_tick;
};

/* Visits streams (streams.h: streams_each). */
typedef void streams_fn(void *arg, struct stream *s, unsigned domid, unsigned id);
typedef void streams_each_fn(struct xld *d, streams_fn *fn, void *arg);

/* What the control socket shows of a stream. */
struct stream_figures {
    enum stream_state state;
    const char *file;         /* the file node, "" if none */
    const char *file_dir, *file_base;   /* beneath the log dir (valid once ACTIVE) */
    uint64_t limit;
    unsigned copies;
    uint64_t bytes_in, bytes_written, rotations, dropped, since_ms;
};

/* Opens FIFO, input FIFO (if any) and file for valid s->p; adopt: append,
 * else rotate an old file. 0, or -errno with *why the reason and *node
 * "pipe", "input" or "file". */
int stream_open(struct stream *s, bool adopt, const char **why, const char **node);
/* Moves what the FIFO holds into the file (bounded work per call). */
void stream_pump(struct stream *s);
/* Writes what is left in the FIFO, ends the sinks, closes FIFO and file. */
void stream_drain_close(struct stream *s);
/* Closes without draining (daemon exit: the data waits for the next daemon). */
void stream_close(struct stream *s);
/* Reopens the file by name (SIGHUP). As logfile_reopen(). */
int stream_reopen(struct stream *s, const char *why);

/* The tick looks only at streams that need it: PENDING ones (the set-up
 * timeout) and ones whose file cannot be written (retries). An idle
 * stream costs nothing. */
void stream_tick_on(struct stream *s);
void stream_tick_off(struct stream *s);

bool stream_ready(const struct stream *s);
void stream_figures(const struct stream *s, struct stream_figures *f);
struct input *stream_input(const struct stream *s);
/* Sinks: fed every byte from now on, until detached or the stream ends. */
void stream_attach(struct stream *s, struct sink *k);
void stream_detach(struct stream *s, struct sink *k);
unsigned stream_count_sinks(const struct stream *s, const struct sink_ops *ops);
/* The last `want` bytes written (across f.1), to fn; what comes after goes
 * to sinks attached right after this call. */
void stream_backlog(const struct stream *s, uint64_t want,
                    void (*fn)(void *arg, const char *buf, size_t n), void *arg);

#endif
