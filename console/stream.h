/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One log stream: FIFO -> file, with the size bound and rotation; a console
 * stream also has an input FIFO (input.c) and at most one console client.
 *
 *   PENDING --(all four nodes valid, FIFO and file open)--> ACTIVE
 *      |  \--(invalid, or set-up timeout)--> ERROR --(a node rewritten)--> PENDING
 *   ACTIVE --(path removed)--> drained, closed, freed
 */
#ifndef XENLOGD_STREAM_H
#define XENLOGD_STREAM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "loop.h"
#include "validate.h"
#include "xenlogd.h"

struct client;
struct input;

enum stream_state { STREAM_PENDING, STREAM_ERROR, STREAM_ACTIVE };

struct stream_stats {
    uint64_t bytes_in;        /* read from the FIFO */
    uint64_t bytes_written;   /* written to the files */
    uint64_t rotations;
    uint64_t dropped;         /* discarded because the file could not be written */
    uint64_t since_ms;        /* when the stream became active (CLOCK_REALTIME) */
};

struct stream {
    struct loop_fd lf;        /* the FIFO; lf.fd < 0 unless ACTIVE */
    struct xld *d;
    unsigned domid, id;
    enum stream_state state;
    struct spec spec;         /* the nodes as last read */
    struct params p;
    int dfd;                  /* the log file's directory (O_PATH) */
    int fd;                   /* the log file, or -1 after a failed rotation */
    dev_t fifo_dev;
    ino_t fifo_ino;
    uint64_t size;            /* bytes in the current file */
    uint64_t first_seen;      /* PENDING: start of the set-up timeout */
    int io_err;               /* non-zero while the file cannot be written */
    uint64_t retry_at;
    uint64_t dropped_unreported;
    bool reopen_failed;       /* reopen.c: said once, until it works again */
    struct stream_stats st;
    struct client *readers;   /* attached through the control socket */
    unsigned nreaders;
    struct input *in;         /* the input FIFO of a console stream, or NULL */
    struct client *console;   /* the one client whose INPUT goes there */
    struct stream *next;      /* hash chain in struct xld */
};

/* Opens FIFO, input FIFO (if any) and file for valid s->p; adopt: append,
 * else rotate an old file. On failure returns the reason and sets *node to
 * "pipe", "input" or "file". */
const char *stream_open(struct stream *s, bool adopt, const char **node);
/* Moves what the FIFO holds into the file (bounded work per call). */
void stream_pump(struct stream *s);
/* Writes what is left in the FIFO, then closes FIFO and file. */
void stream_drain_close(struct stream *s);
/* Closes without draining (daemon exit: the data waits for the next daemon). */
void stream_close(struct stream *s);
/* Retries a file that could not be written. */
void stream_retry(struct stream *s, uint64_t now);

#endif
