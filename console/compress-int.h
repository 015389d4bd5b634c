/* SPDX-License-Identifier: GPL-2.0-only */
/* Inside the compressed history: shared by compress.c and compress-tail.c. */
#ifndef XENLOGD_COMPRESS_INT_H
#define XENLOGD_COMPRESS_INT_H

#include <pthread.h>

#include "compress.h"
#include "validate.h"

#define ZRAW_UNKNOWN UINT64_MAX

/* The seek table at the end of a .zst (zstd's seekable format, a skippable
 * frame that zstdcat passes over): per frame its compressed and raw sizes,
 * so that a reader goes straight to the frame where a tail starts. */
#define ZSEEK_SKIPPABLE 0x184D2A5Eu
#define ZSEEK_MAGIC 0x8F92EAB1u
#define ZSEEK_FOOTER 9u
#define ZNAME_LEN (NAME_MAX_LEN + 16)

/* One old copy; h->v[0] is f.1, the newest. */
struct zcopy {
    uint64_t id;            /* never reused within a zhist */
    uint64_t disk;          /* its st_size */
    uint64_t raw;           /* the log bytes it holds, or ZRAW_UNKNOWN */
    bool zst;               /* f.k.zst, else f.k */
    bool busy;              /* the worker compresses it */
    bool skip;              /* compression did not pay or failed: stays raw */
};

struct zhist {
    pthread_mutex_t mu;     /* guards everything below but the constants */
    struct zworker *w;
    int dfd;                /* O_PATH, owned */
    char base[NAME_MAX_LEN + 1];
    struct zhist_params p;
    uint64_t budget;        /* L * N: copies + .tmp */
    struct zcopy *v;
    unsigned n, cap;
    uint64_t next_id;
    uint64_t held;          /* sum of v[].disk + tmp */
    uint64_t tmp;           /* bytes reserved for (>= written to) f.zst.tmp */
    bool closing;
    /* Under w's mutex: */
    unsigned refs;
    bool queued;
    struct zhist *qnext;
};

/* "f.k" or "f.k.zst" (k >= 1), "f.zst.tmp" for k = 0. */
void zname(const struct zhist *h, char *buf, unsigned k, bool zst);

/* Opens copy k (1-based) for reading, checked; h->mu held. fd or -errno. */
int zcopy_open(struct zhist *h, unsigned k);

/* Removes the oldest copies (h->mu held), never copy index `keep` or a
 * newer one (keep < 0: any), until `more` bytes fit in the budget and at
 * most `count` copies are left. true if then they do. */
bool zhist_make_room(struct zhist *h, uint64_t more, unsigned count, long keep);

/* The index of copy `id` in h->v, or -1 if it is gone (h->mu held). */
long zhist_find(const struct zhist *h, uint64_t id);

/* A raw copy waits for the worker (h->mu held). */
bool zhist_wants_work(const struct zhist *h);

/* Queues h for the worker (unless already queued), taking a reference. */
void zworker_enqueue(struct zhist *h);

/* Drops a reference; the last frees h. */
void zhist_unref(struct zhist *h);

/* The raw bytes in a .zst file (walking its frames' headers). */
int64_t zst_content(int fd);

#endif
