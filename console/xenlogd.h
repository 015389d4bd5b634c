/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's context: one per process, passed to everything that needs it.
 *
 * One error convention in the daemon: a function that can fail returns 0
 * (or a count, an fd, an index) on success and a negative errno on failure.
 * A reason string comes with it only where the reason goes to xenstore
 * (the stream's `error` node: validate.c, beneath.c, stream_open()).
 * Preconditions are assert()s. Each object has one destructor (x_close()
 * or x_free(), safe on a NULL or never-opened object).
 */
#ifndef XENLOGD_XENLOGD_H
#define XENLOGD_XENLOGD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "logfile.h"
#include "names.h"
#include "peek.h"

#define STREAM_BUCKETS 4096

struct loop;
struct store;
struct control;
struct stream;
struct retention;
struct forward;

/* Daemon-level figures (docs/control.md, STATS). */
struct xld_figures {
    uint64_t started_ms;            /* CLOCK_REALTIME */
    uint64_t config_loads;          /* policies put in force: start, good SIGHUPs */
    uint64_t config_errors;         /* SIGHUPs whose config was refused */
    uint64_t reopens;               /* log files reopened (SIGHUP, moved away) */
    uint64_t clamped;               /* streams whose limit or copies met a cap */
    uint64_t retention_runs;
    uint64_t last_retention_ms;     /* CLOCK_REALTIME; 0: never */
    uint64_t files_removed, bytes_removed;   /* by retention, since start */
    uint64_t files_managed, bytes_managed;   /* at the last retention pass */
    uint64_t bytes_live;            /* of those, the files of live streams */
};

struct xld {
    struct loop *loop;
    struct store *store;
    struct control *control;    /* NULL if the socket could not be made */
    const char *run_dir, *log_dir;
    int run_dirfd, log_dirfd;   /* O_PATH directories */
    uid_t uid;                  /* owner required of FIFOs and log files */
    unsigned setup_timeout_ms;
    unsigned fifo_size;         /* F_SETPIPE_SZ of every stream's FIFO */
    struct peek peek;           /* the main thread's look at FIFOs (stream.c) */
    struct logfile_lru files;   /* open log files, for parking (logpark.c) */
    struct zworker *zw;         /* compresses old copies (compress.h); NULL: none */
    struct stream *buckets[STREAM_BUCKETS];
    struct names names;         /* held by live streams (streams.c) */
    struct stream *ticking;     /* streams the tick must look at (stream.h) */
    unsigned nstreams;
    unsigned freed_since_trim;  /* streams freed since the last malloc_trim() */
    const char *config_path;
    bool config_missing;        /* at start: no file, the built-in policy */
    struct policy policy;       /* in force; SIGHUP re-reads it */
    struct retention *retention;
    struct forward *forward;    /* forwarding to the journal, collectors */
    struct xld_figures figures;
};

#endif
