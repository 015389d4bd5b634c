/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Compressed history (opt-in per stream): the old copies of a log file f
 * become f.1.zst .. f.K.zst (1 the newest), compressed with zstd by one
 * worker thread for the whole daemon, so that no stream's copy waits for it.
 *
 * A stream's old copies are named by position, each raw (f.k) or compressed
 * (f.k.zst); the worker writes f.zst.tmp. The main thread shifts the names
 * at rotation; the worker renames its finished f.zst.tmp to the copy's
 * current position and removes the raw copy. Both hold the stream's mutex
 * only for those few renames/unlinks and the accounting: never during
 * compression, so the main thread never waits for it.
 *
 * The bound: for limit L and copies N, with f counted as L (it never
 * exceeds L), the copies (raw, compressed) plus the f.zst.tmp being written
 * hold at most L * N bytes (st_size) at every moment; so the files of the
 * stream hold at most L * (N + 1). As many copies as fit are kept, up to
 * max_copies, the oldest removed first. The .tmp never exceeds L * (N - 1),
 * so a rotation always finds room by removing copies, without the worker:
 * with N = 1 nothing is compressed (no room for a copy and its .zst).
 * What is counted is st_size of the names in the directory: a removed copy
 * the worker is reading, or the .tmp of a stream closed and opened again at
 * once, keep their blocks until the worker next looks (within one frame).
 *
 * Functions return 0 (or a count) or -errno.
 */
#ifndef XENLOGD_COMPRESS_H
#define XENLOGD_COMPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct zworker;     /* the daemon's one compression thread */
struct zhist;       /* one stream's old copies */

#define ZHIST_MAX_COPIES 1000     /* a hard cap on max_copies */
#define ZHIST_FRAME (1u << 20)    /* raw bytes per zstd frame (the unit of a seek) */

/* What the worker has done since it started. */
struct zworker_stats {
    uint64_t in, out;          /* raw bytes read, compressed bytes written */
    uint64_t cpu_ns, busy_ns;  /* its CPU time, its wall time on jobs */
    uint64_t sync_ns;          /* of which in fdatasync(2) of the .zst */
    uint64_t done, aborted;    /* copies compressed, jobs given up */
};

/* Starts the worker (zstd level 1..19; 0: the default, 1). Signals stay
 * blocked in it. NULL with errno set. After sandbox_enter(): Landlock
 * confines only the threads made after it (seccomp allows clone3). */
struct zworker *zworker_start(int level);

/* Stops and joins the worker; every zhist must be closed before. */
void zworker_stop(struct zworker *w);

void zworker_stats(struct zworker *w, struct zworker_stats *st);

/* Waits until the worker has nothing queued and no job running (tests). */
void zworker_drain(struct zworker *w);

struct zhist_params {
    uint64_t limit;            /* L: bytes per file */
    unsigned copies;           /* N: the budget is L * (N + 1) */
    unsigned max_copies;       /* at most this many copies kept (<= ZHIST_MAX_COPIES) */
    uid_t uid;                 /* owner of every file */
    bool compress;             /* false: copies stay raw (.zst ones left from a run
                                * with compression are kept, counted, shifted, and
                                * removed oldest first like the others) */
};

/*
 * A stream's history in dfd (its directory; duplicated, the caller keeps
 * its own), base the name of f (validated by the caller). Takes what is
 * there: f.k and f.k.zst for k = 1.. up to two missing positions in a row
 * (one missing position, left by a rotation that failed half way, is closed
 * by moving the older copies down), regular files of uid with one link; a
 * raw copy also present as .zst is removed, a leftover f.zst.tmp removed.
 * Removes the oldest beyond the budget or max_copies, and queues raw copies
 * for compression. f itself is not touched.
 */
int zhist_open(struct zworker *w, int dfd, const char *base, const struct zhist_params *p,
               struct zhist **out);

/*
 * The rotation (main thread): makes room (removes the oldest copies) for
 * f's fsize bytes, shifts f.k(.zst) -> f.(k+1)(.zst), renames f -> f.1 and
 * queues it for compression; if f cannot fit even alone (N = 0), f is
 * removed. No rename replaces a file. The caller then creates the new f.
 * -ENOENT: no f (nothing shifted); -EIO: an old copy could not be removed;
 * after a failed rename the copies are taken again from the directory and
 * -errno returned.
 */
int zhist_rotate(struct zhist *h, uint64_t fsize);

/* Disk full: removes the oldest copy. 1 if one went, 0 if none, -errno. */
int zhist_drop_oldest(struct zhist *h);

/* The stream ends: no more renames by the worker for it (a job running is
 * given up, its .tmp removed); raw copies not yet compressed stay raw. */
void zhist_close(struct zhist *h);

/* Called with the backlog in order, at most ZHIST_EMIT_MAX bytes at a
 * time (logfile_tail()'s callback). */
#define ZHIST_EMIT_MAX 32768u
typedef void (*zhist_emit_fn)(void *arg, const char *buf, size_t len);

/*
 * The last `want` bytes of the history: across the copies (decompressing
 * .zst ones, only from the frame where the wanted part starts) and f (ffd,
 * its first fsize bytes; ffd < 0: no f), passed to emit oldest first. Main
 * thread (what it reads of f is what it wrote). Bytes emitted, or -errno.
 */
int64_t zhist_tail(struct zhist *h, uint64_t want, int ffd, uint64_t fsize,
                   zhist_emit_fn emit, void *arg);

/* The name of each copy there now (f.1 or f.1.zst, ...), newest first,
 * to fn (retention's record; fn must not call into h). Their count. */
unsigned zhist_each(struct zhist *h, void (*fn)(void *arg, const char *name), void *arg);

struct zhist_stats {
    unsigned ncopies, nzst;    /* copies, of which compressed */
    uint64_t held;             /* bytes counted in the budget (copies + .tmp) */
    uint64_t tmp;              /* of which the .tmp */
};

void zhist_stats(struct zhist *h, struct zhist_stats *st);

#endif
