/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Looking at what a FIFO holds without taking it: tee(2) into a scratch
 * pipe, read from there. One per daemon (the main thread's), made once at
 * start-up with a scratch pipe that holds a whole look.
 */
#ifndef XENLOGD_PEEK_H
#define XENLOGD_PEEK_H

#include <stddef.h>
#include <sys/types.h>

#define PEEK_SIZE (256 * 1024)
#define PEEK_TEE_SIZE (1024 * 1024)   /* the scratch pipe, if the kernel lets us */

struct peek {
    int pipe[2];
    char *buf;            /* PEEK_SIZE bytes */
    int null;             /* /dev/null, where looked-at bytes go (peek_skip) */
    size_t held;          /* bytes peek_tee() left in the scratch pipe */
    size_t tee_max;       /* what the scratch pipe holds (>= PEEK_SIZE) */
};

/* 0, or -errno (no memory, no pipe, or a pipe that cannot hold PEEK_SIZE). */
int peek_init(struct peek *pk);
void peek_fini(struct peek *pk);
/* Up to len bytes (at most PEEK_SIZE) at the head of fifo, left in it,
 * copied to pk->buf. Bytes, 0 if empty, or -errno. */
ssize_t peek_fifo(struct peek *pk, int fifo, size_t len);
/* Exactly len bytes the caller looked at leave fifo (no copy). 0 or -errno. */
int peek_skip(struct peek *pk, int fifo, size_t len);
/* Up to len bytes (at most PEEK_SIZE) taken from fifo into pk->buf. */
ssize_t peek_take(struct peek *pk, int fifo, size_t len);

/* Zero copy: up to len bytes (at most tee_max) at the head of fifo, left
 * in it, into the scratch pipe pk->pipe[0] only (others take them from
 * there with tee). Bytes, 0 if empty, or -errno. The scratch pipe must be
 * empty: peek_clear() after each use. */
ssize_t peek_tee(struct peek *pk, int fifo, size_t len);
/* The next n bytes (<= PEEK_SIZE) of what peek_tee() put in the scratch
 * pipe, into pk->buf (taken from the pipe). 0 or -errno. */
int peek_read(struct peek *pk, size_t n);
/* Whatever peek_tee() left in the scratch pipe goes (no copy). */
void peek_clear(struct peek *pk);

#endif
