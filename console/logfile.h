/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One stream's log: the file f and its old copies f.1 .. f.N in one
 * directory, written so that together they never hold more than
 * limit * (copies + 1) bytes at any moment, cut after a newline where one
 * fits, rotated by rename (rotate.c names and opens the files).
 *
 * The writer is in one of three states:
 *
 *   WRITABLE --(write fails)--> DISCARDING --(file writable again: the
 *      ^                            |          marker line is written)--> WRITABLE
 *      |                     (rotation lost f)
 *      +--(f created again)-- NOFILE
 *
 * While not WRITABLE, what the FIFO holds is read and counted as dropped,
 * and every try to write again (logfile_recover()) comes first.
 * Functions return 0 (or a byte count) or -errno.
 */
#ifndef XENLOGD_LOGFILE_H
#define XENLOGD_LOGFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct peek;
struct zhist;
struct zworker;

enum logfile_state { LOGFILE_WRITABLE, LOGFILE_DISCARDING, LOGFILE_NOFILE };

#define LOGFILE_RETRY_MS 1000     /* not WRITABLE: the next try */

/*
 * Descriptor pressure (logpark.c): the open files, most recently used
 * first. When an open returns a descriptor at or above fd_high (the limit
 * less a reserve), the files idle longest are closed ("parked") and opened
 * again by name when their stream next writes. With descriptors to spare,
 * nothing is parked.
 */
struct logfile_lru {
    struct logfile *head, *tail;
    int fd_high;              /* 0: never park */
    uint64_t parks, unparks;  /* figures */
    uint64_t moved;           /* files found moved or removed at unpark */
    bool said;                /* the first parking is logged */
};

struct logfile_figures {
    uint64_t written;         /* bytes written to the files, markers included */
    uint64_t rotations;
    uint64_t dropped;         /* discarded because the file could not be written */
};

struct logfile {
    int dfd;                  /* the directory (O_PATH); owned if own_dfd */
    int fd;                   /* f, or -1 (NOFILE) */
    bool own_dfd;
    bool reopen_failed;       /* said once, until a reopen works again */
    bool at_start;            /* stamped: the next byte starts a line */
    enum logfile_state state;
    int err;                  /* DISCARDING: why */
    const char *base;         /* f's name; the caller keeps it alive */
    const char *path;         /* f's full name, for messages; kept alive too */
    uid_t uid;                /* owner required of every file */
    unsigned domid, id;       /* for messages */
    unsigned copies;
    unsigned max_copies;      /* compressed: at most this many copies */
    struct zworker *zw;       /* set: old copies are compressed (compress.h) */
    struct zhist *zh;         /* the compressed history, while open */
    uint64_t limit;
    uint64_t size;            /* bytes in f */
    uint64_t unreported;      /* dropped since the last marker line */
    uint64_t retry_at;        /* DISCARDING/NOFILE: next try (ms) */
    uint64_t check_at;        /* next look at whether f was moved (ms) */
    struct logfile_figures fig;
    /* parking (logpark.c) */
    struct logfile_lru *lru;  /* set: f may be parked */
    struct logfile *lru_prev, *lru_next;
    bool linked;              /* in lru's list (f open) */
    bool parked;              /* f closed for want of descriptors */
    uint64_t used_at;         /* ms */
    uint64_t parked_dev, parked_ino;   /* what f was when parked */
};

/* Opens f in dfd (taken over if own_dfd, else borrowed): adopt appends to
 * what is there, else an old f rotates first. lf's base, uid, limit,
 * copies, domid and id must be set. 0, or -errno with *why the reason. */
int logfile_open(struct logfile *lf, int dfd, bool own_dfd, bool adopt, const char **why);
void logfile_close(struct logfile *lf);

/* How many of the avail bytes at the head of fifo go next: all that fit,
 * or up to the last newline before the limit (looked at with pk), then
 * *cut: rotate once they are written. Rotates first if f is full. */
ssize_t logfile_plan(struct logfile *lf, struct peek *pk, int fifo, size_t avail, bool *cut);
/* n bytes go without a look: far enough from the limit. */
bool logfile_fits(const struct logfile *lf, size_t n);
/* fifo -> f at f's real end, zero copy; 0 if the FIFO is empty. cut: f
 * rotates once all len bytes are in it (logfile_plan()'s *cut). */
ssize_t logfile_splice(struct logfile *lf, int fifo, size_t len, bool cut);

/* Stamped streams (stamp.h): in[0..n), already looked at, with a stamp
 * (STAMP_LEN chars) before each line start; lf->at_start carries across
 * calls. Rotates and cuts as the zero-copy path does. Each batch written
 * goes to out(). Input bytes written (the caller then takes them from the
 * FIFO), or -errno if none could be. */
typedef void logfile_out_fn(void *arg, const char *buf, size_t n);
ssize_t logfile_write_stamped(struct logfile *lf, const char *in, size_t n, const char *stamp,
                              logfile_out_fn *out, void *arg);

/* A line of the daemon's own (text without '\n', < LOGFILE_NOTE_MAX),
 * on a line of its own at f's end; rotates first if it does not fit. */
#define LOGFILE_NOTE_MAX 512
int logfile_note(struct logfile *lf, const char *text);

/* A write failed with -err: disk full takes the stream's own oldest copy
 * (1: try again), else DISCARDING (0). */
int logfile_failed(struct logfile *lf, int err, uint64_t now);
/* Bytes read and dropped while not WRITABLE. */
void logfile_dropped(struct logfile *lf, size_t n);
/* Not WRITABLE: f again if a rotation lost it, and the marker line with
 * the count of dropped bytes. true once WRITABLE. */
bool logfile_recover(struct logfile *lf, uint64_t now);
/* The same, at most once per retry interval (the tick). */
void logfile_retry(struct logfile *lf, uint64_t now);

/* Reopens f by name (SIGHUP; or f moved away, noticed by logfile_check()).
 * 1 reopened, 0 nothing to do, -errno. */
int logfile_reopen(struct logfile *lf, const char *why);
/* At most once a second while data flows: does f's name still lead to
 * the open file? Reopens if not. As logfile_reopen(). */
int logfile_check(struct logfile *lf, uint64_t now);

/* Parking (logpark.c). logfile_used(): f was just used (the pump, each
 * time); logfile_unpark(): f open again if parked, 0 or -errno (the stream
 * then discards, as for a failed write, and tries again); after an open
 * that gave fd, logfile_pressure() parks if descriptors are short;
 * logfile_relieve() parks the files idle for a second or more, least
 * recently used first (with none idle, a few all the same, never the most
 * recent): how many; logfile_unlink() before f closes. */
void logfile_used(struct logfile *lf, uint64_t now);
int logfile_unpark(struct logfile *lf, uint64_t now);
void logfile_pressure(struct logfile_lru *l, int fd, uint64_t now);
unsigned logfile_relieve(struct logfile_lru *l, uint64_t now);
void logfile_unlink(struct logfile *lf);

/* The last `want` bytes written, across f.1 and f, in order, to fn. */
void logfile_tail(const struct logfile *lf, uint64_t want,
                  void (*fn)(void *arg, const char *buf, size_t n), void *arg);

#endif
