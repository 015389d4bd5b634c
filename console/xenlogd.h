/* SPDX-License-Identifier: GPL-2.0-only */
/* The daemon's context: one per process, passed to everything that needs it. */
#ifndef XENLOGD_XENLOGD_H
#define XENLOGD_XENLOGD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define STREAM_BUCKETS 4096
#define IO_BUF_SIZE (256 * 1024)

struct loop;
struct store;
struct control;
struct stream;

struct xld {
    struct loop *loop;
    struct store *store;
    struct control *control;    /* NULL if the socket could not be made */
    const char *run_dir, *log_dir;
    int run_dirfd, log_dirfd;   /* O_PATH directories */
    uid_t uid;                  /* owner required of FIFOs and log files */
    unsigned setup_timeout_ms;
    unsigned fifo_size;         /* F_SETPIPE_SZ of every stream's FIFO */
    int scratch[2];             /* a pipe to look at data before it moves */
    char *buf;                  /* IO_BUF_SIZE bytes, for looking and discarding */
    struct stream *buckets[STREAM_BUCKETS];
    unsigned nstreams;
};

#endif
