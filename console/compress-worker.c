/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The compression worker: one thread for the daemon, a queue of streams
 * that have a raw copy waiting. A job takes a stream's newest raw copy
 * (open fd), compresses it frame by frame (ZHIST_FRAME raw bytes each, the
 * content size in every frame header) into f.zst.tmp, reserving every
 * piece in the stream's budget before writing it, then renames the .tmp to
 * the copy's position at that moment and removes the raw copy.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include "beneath.h"
#include "compress-int.h"
#include "log.h"
#include "rotate.h"

#define LOG_MODE 0640

struct zworker {
    pthread_mutex_t mu;       /* guards the queue, the flags, the stats, zhist refs */
    pthread_cond_t work;      /* something queued, or stop */
    pthread_cond_t idle;      /* nothing queued and no job running */
    pthread_t thread;
    struct zhist *head, *tail;
    bool running, stop;
    struct zworker_stats st;
    /* The worker's own: */
    ZSTD_CCtx *cctx;
    char *in, *out;
    size_t out_cap;
};

struct job {
    struct zhist *h;
    uint64_t id;
    int src, tmp;
    uint64_t in, out, sync_ns;
    uint32_t *seek;         /* per frame: compressed size, raw size */
    size_t nframes, cap;
};

static uint64_t ns_of(clockid_t clk)
{
    struct timespec ts;

    clock_gettime(clk, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void zworker_enqueue(struct zhist *h)
{
    struct zworker *w = h->w;

    pthread_mutex_lock(&w->mu);
    if (!h->queued) {
        h->queued = true;
        h->refs++;
        h->qnext = NULL;
        if (w->tail)
            w->tail->qnext = h;
        else
            w->head = h;
        w->tail = h;
        pthread_cond_signal(&w->work);
    }
    pthread_mutex_unlock(&w->mu);
}

void zhist_unref(struct zhist *h)
{
    bool last;

    pthread_mutex_lock(&h->w->mu);
    last = --h->refs == 0;
    pthread_mutex_unlock(&h->w->mu);
    if (!last)
        return;
    close(h->dfd);
    free(h->v);
    pthread_mutex_destroy(&h->mu);
    free(h);
}

/* The .tmp, created anew and checked on the descriptor. fd or -errno. */
static int create_tmp(struct zhist *h)
{
    const struct want wt = { .type = S_IFREG, .uid = h->p.uid, .perm = (mode_t)-1,
                             .one_link = true };
    const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY;
    char name[ZNAME_LEN];
    struct stat st;
    int fd;

    zname(h, name, 0, false);
    fd = openat(h->dfd, name, flags, LOG_MODE);
    if (fd < 0 && errno == EEXIST && unlinkat(h->dfd, name, 0) == 0)
        fd = openat(h->dfd, name, flags, LOG_MODE);
    if (fd < 0)
        return -errno;
    if (fstat(fd, &st) < 0 || want_check(&st, &wt)) {
        close(fd);
        unlinkat(h->dfd, name, 0);
        return -EPERM;
    }
    return fd;
}

/* Picks the newest raw copy and opens it and the .tmp. 0 or -errno. */
static int job_start(struct job *j)
{
    struct zhist *h = j->h;
    unsigned i;
    int r = -ENOENT;

    pthread_mutex_lock(&h->mu);
    for (i = 0; !h->closing && i < h->n; i++) {
        struct zcopy *c = &h->v[i];

        if (c->zst || c->busy || c->skip)
            continue;
        j->id = c->id;
        r = j->src = zcopy_open(h, i + 1);
        if (r >= 0)
            r = j->tmp = create_tmp(h);
        if (r < 0) {
            if (j->src >= 0)
                close(j->src);
            j->src = j->tmp = -1;
            c->skip = true;
            log_warnx(-r, "%s: cannot compress copy %u; it stays raw", h->base, i + 1);
        } else {
            c->busy = true;
            r = 0;
        }
        break;
    }
    pthread_mutex_unlock(&h->mu);
    return r;
}

/* Room for len more bytes of .tmp: 0, or -ECANCELED (the copy went, the
 * stream closed) or -EFBIG (no room, or compression does not pay). */
static int reserve(struct job *j, size_t len)
{
    struct zhist *h = j->h;
    uint64_t cap = h->p.copies ? h->p.limit * (h->p.copies - 1) : 0;
    long i;
    int r = 0;

    pthread_mutex_lock(&h->mu);
    i = zhist_find(h, j->id);
    if (h->closing || i < 0)
        r = -ECANCELED;
    else if (h->tmp + len > cap || h->tmp + len >= h->v[i].raw ||
             !zhist_make_room(h, len, h->p.max_copies, i))
        r = -EFBIG;
    if (r == 0) {
        h->held += len;
        h->tmp += len;
    }
    pthread_mutex_unlock(&h->mu);
    return r;
}

static int put(struct job *j, const char *buf, size_t len)
{
    int r = reserve(j, len);

    while (r == 0 && len > 0) {
        ssize_t n = write(j->tmp, buf, len);

        if (n < 0 && errno != EINTR)
            return -errno;
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
            j->out += (uint64_t)n;
        }
    }
    return r;
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static int seek_add(struct job *j, uint64_t csize, size_t n)
{
    if (j->nframes == j->cap) {
        size_t cap = j->cap ? j->cap * 2 : 64;
        uint32_t *v = realloc(j->seek, cap * 2 * sizeof(*v));

        if (!v)
            return -ENOMEM;
        j->seek = v;
        j->cap = cap;
    }
    j->seek[2 * j->nframes] = (uint32_t)csize;
    j->seek[2 * j->nframes + 1] = (uint32_t)n;
    j->nframes++;
    return 0;
}

/* The seek table after the frames. */
static int seek_put(struct job *j)
{
    size_t tsize = j->nframes * 8 + ZSEEK_FOOTER, i;
    unsigned char *b = malloc(8 + tsize);
    int r;

    if (!b)
        return -ENOMEM;
    put32(b, ZSEEK_SKIPPABLE);
    put32(b + 4, (uint32_t)tsize);
    for (i = 0; i < 2 * j->nframes; i++)
        put32(b + 8 + 4 * i, j->seek[i]);
    put32(b + 8 + 8 * j->nframes, (uint32_t)j->nframes);
    b[12 + 8 * j->nframes] = 0;     /* no checksums: the frames have theirs */
    put32(b + 13 + 8 * j->nframes, ZSEEK_MAGIC);
    r = put(j, (const char *)b, 8 + tsize);
    free(b);
    return r;
}

/* One frame of n raw bytes from w->in. */
static int frame(struct zworker *w, struct job *j, size_t n)
{
    ZSTD_inBuffer in = { w->in, n, 0 };
    uint64_t before = j->out;
    size_t rem;

    if (ZSTD_isError(ZSTD_CCtx_setPledgedSrcSize(w->cctx, n)))
        return -EIO;
    do {
        ZSTD_outBuffer out = { w->out, w->out_cap, 0 };

        rem = ZSTD_compressStream2(w->cctx, &out, &in, ZSTD_e_end);
        if (ZSTD_isError(rem))
            return -EIO;
        if (out.pos > 0) {
            int r = put(j, w->out, out.pos);

            if (r < 0)
                return r;
        }
    } while (rem != 0);
    return seek_add(j, j->out - before, n);
}

/* Up to ZHIST_FRAME bytes of the raw copy at off into w->in. */
static ssize_t fill(struct zworker *w, struct job *j, uint64_t off)
{
    size_t got = 0;

    while (got < ZHIST_FRAME) {
        ssize_t n = pread(j->src, w->in + got, ZHIST_FRAME - got, (off_t)(off + got));

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

static int compress_copy(struct zworker *w, struct job *j)
{
    ssize_t n;
    int r;

    ZSTD_CCtx_reset(w->cctx, ZSTD_reset_session_only);
    while ((n = fill(w, j, j->in)) > 0) {
        if ((r = frame(w, j, (size_t)n)) < 0)
            return r;
        j->in += (uint64_t)n;
    }
    if (n < 0 || (r = seek_put(j)) < 0)
        return n < 0 ? (int)n : r;
    /* The .zst must be whole on disk before the raw copy goes. */
    j->sync_ns = ns_of(CLOCK_MONOTONIC);
    r = fdatasync(j->tmp) < 0 ? -errno : 0;
    j->sync_ns = ns_of(CLOCK_MONOTONIC) - j->sync_ns;
    return r;
}

/* The .tmp becomes f.k.zst for the copy's position k now, and f.k goes
 * (h->mu held). 0 or -errno. */
static int install(struct zhist *h, long i)
{
    char tmp[ZNAME_LEN], zst[ZNAME_LEN], raw[ZNAME_LEN];
    struct zcopy *c = &h->v[i];

    zname(h, tmp, 0, false);
    zname(h, zst, (unsigned)i + 1, true);
    zname(h, raw, (unsigned)i + 1, false);
    if (renameat2(h->dfd, tmp, h->dfd, zst, RENAME_NOREPLACE) < 0)
        return -errno;
    if (unlinkat(h->dfd, raw, 0) < 0) {
        int e = -errno;

        renameat(h->dfd, zst, h->dfd, tmp);
        return e;
    }
    h->held -= c->disk;
    c->disk = h->tmp;
    c->zst = true;
    h->tmp = 0;
    return 0;
}

static void job_end(struct job *j, int r)
{
    struct zhist *h = j->h;
    long i;

    pthread_mutex_lock(&h->mu);
    i = zhist_find(h, j->id);
    if (r == 0)
        r = h->closing || i < 0 ? -ECANCELED : install(h, i);
    if (r < 0) {
        char tmp[ZNAME_LEN];

        zname(h, tmp, 0, false);
        unlinkat(h->dfd, tmp, 0);
        h->held -= h->tmp;
        h->tmp = 0;
        if (i >= 0 && r != -ECANCELED)
            h->v[i].skip = true;
        if (r != -ECANCELED && r != -EFBIG)
            log_warnx(-r, "%s: cannot compress a copy; it stays raw", h->base);
    }
    if (i >= 0)
        h->v[i].busy = false;
    pthread_mutex_unlock(&h->mu);
    close(j->src);
    close(j->tmp);
    free(j->seek);
}

/* One job on h; true if h has more. */
static bool run_job(struct zworker *w, struct zhist *h)
{
    struct job j = { .h = h, .src = -1, .tmp = -1 };
    uint64_t cpu = ns_of(CLOCK_THREAD_CPUTIME_ID), wall = ns_of(CLOCK_MONOTONIC);
    bool more;
    int r = job_start(&j);

    if (r == 0) {
        r = compress_copy(w, &j);
        job_end(&j, r);
    }
    pthread_mutex_lock(&h->mu);
    more = !h->closing && zhist_wants_work(h);
    pthread_mutex_unlock(&h->mu);
    pthread_mutex_lock(&w->mu);
    w->st.in += j.in;
    w->st.out += j.out;
    w->st.cpu_ns += ns_of(CLOCK_THREAD_CPUTIME_ID) - cpu;
    w->st.busy_ns += ns_of(CLOCK_MONOTONIC) - wall;
    w->st.sync_ns += j.sync_ns;
    w->st.done += j.src >= 0 && r == 0;
    w->st.aborted += j.src >= 0 && r < 0;
    pthread_mutex_unlock(&w->mu);
    return more;
}

static void *worker_main(void *arg)
{
    struct zworker *w = arg;

    pthread_mutex_lock(&w->mu);
    for (;;) {
        struct zhist *h;

        while (!w->head && !w->stop)
            pthread_cond_wait(&w->work, &w->mu);
        if (!(h = w->head))
            break;
        if (!(w->head = h->qnext))
            w->tail = NULL;
        h->queued = false;
        w->running = true;
        pthread_mutex_unlock(&w->mu);
        if (run_job(w, h))
            zworker_enqueue(h);
        zhist_unref(h);
        pthread_mutex_lock(&w->mu);
        w->running = false;
        if (!w->head)
            pthread_cond_broadcast(&w->idle);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

static void worker_free(struct zworker *w)
{
    ZSTD_freeCCtx(w->cctx);
    free(w->in);
    free(w->out);
    pthread_cond_destroy(&w->work);
    pthread_cond_destroy(&w->idle);
    pthread_mutex_destroy(&w->mu);
    free(w);
}

struct zworker *zworker_start(int level)
{
    struct zworker *w = calloc(1, sizeof(*w));
    sigset_t all, old;
    int e;

    if (!w)
        return NULL;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->work, NULL);
    pthread_cond_init(&w->idle, NULL);
    w->out_cap = ZSTD_CStreamOutSize();
    w->in = malloc(ZHIST_FRAME);
    w->out = malloc(w->out_cap);
    w->cctx = ZSTD_createCCtx();
    if (!w->in || !w->out || !w->cctx ||
        ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel,
                                                  level > 0 ? level : 1)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_checksumFlag, 1))) {
        worker_free(w);
        errno = ENOMEM;
        return NULL;
    }
    /* The signals meant for the process go to main's signalfd; those
     * raised by the worker's own faults (a refused call: SIGSYS) stay. */
    sigfillset(&all);
    sigdelset(&all, SIGSYS);
    sigdelset(&all, SIGSEGV);
    sigdelset(&all, SIGBUS);
    sigdelset(&all, SIGFPE);
    sigdelset(&all, SIGILL);
    sigdelset(&all, SIGABRT);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    e = pthread_create(&w->thread, NULL, worker_main, w);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (e) {
        worker_free(w);
        errno = e;
        return NULL;
    }
    return w;
}

void zworker_stop(struct zworker *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->stop = true;
    pthread_cond_signal(&w->work);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    worker_free(w);
}

void zworker_stats(struct zworker *w, struct zworker_stats *st)
{
    pthread_mutex_lock(&w->mu);
    *st = w->st;
    pthread_mutex_unlock(&w->mu);
}

void zworker_drain(struct zworker *w)
{
    pthread_mutex_lock(&w->mu);
    while (w->head || w->running)
        pthread_cond_wait(&w->idle, &w->mu);
    pthread_mutex_unlock(&w->mu);
}
