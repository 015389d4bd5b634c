/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading the history back (an attach's backlog): the last bytes across
 * f.K(.zst) .. f.1(.zst) and f. A .zst copy is a row of zstd frames of at
 * most ZHIST_FRAME raw bytes, each with its content size in its header, so
 * the frames before the wanted part are only walked, never decompressed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "compress-int.h"

#define CHUNK 65536

/* A window over a .zst file; every byte read once. */
struct win {
    int fd;
    char *buf;
    size_t cap, len;
    uint64_t lo;        /* file offset of buf[0] */
    bool eof;
};

/* buf starts at off and holds cap bytes, or up to the end. */
static int win_at(struct win *w, uint64_t off)
{
    if (off < w->lo || off > w->lo + w->len) {
        w->lo = off;
        w->len = 0;
        w->eof = false;
    } else if (off > w->lo) {
        size_t d = (size_t)(off - w->lo);

        memmove(w->buf, w->buf + d, w->len - d);
        w->len -= d;
        w->lo = off;
    }
    while (!w->eof && w->len < w->cap) {
        ssize_t n = pread(w->fd, w->buf + w->len, w->cap - w->len, (off_t)(w->lo + w->len));

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        w->eof = n == 0;
        w->len += (size_t)n;
    }
    return 0;
}

struct out {
    zhist_emit_fn emit;     /* NULL: count only */
    void *arg;
    uint64_t skip;          /* raw bytes still to pass over */
    uint64_t done;          /* bytes emitted */
    bool stopped;
    ZSTD_DCtx *dctx;
    char *frame;            /* ZHIST_FRAME bytes */
};

/* Passes n bytes (after o->skip) to emit. */
static void give(struct out *o, const char *buf, size_t n)
{
    size_t s = o->skip < n ? (size_t)o->skip : n;

    o->skip -= s;
    if (s < n && !o->stopped) {
        o->stopped = o->emit(o->arg, buf + s, n - s) != 0;
        o->done += n - s;
    }
}

/* One frame at w->buf: its raw bytes given (if wanted). Its size or -errno. */
static int64_t one_frame(struct win *w, struct out *o, uint64_t *content)
{
    size_t csize = ZSTD_findFrameCompressedSize(w->buf, w->len);
    unsigned long long c = ZSTD_getFrameContentSize(w->buf, w->len);

    if (ZSTD_isError(csize) || c == ZSTD_CONTENTSIZE_UNKNOWN ||
        c == ZSTD_CONTENTSIZE_ERROR || c > ZHIST_FRAME)
        return -EBADMSG;
    *content = c;
    if (!o->emit || o->stopped)
        return (int64_t)csize;
    if (o->skip >= c) {
        o->skip -= c;
        return (int64_t)csize;
    }
    if (ZSTD_decompressDCtx(o->dctx, o->frame, ZHIST_FRAME, w->buf, csize) != c)
        return -EBADMSG;
    give(o, o->frame, (size_t)c);
    return (int64_t)csize;
}

/* Walks the frames of a .zst file; its raw bytes or -errno. */
static int64_t walk(int fd, struct out *o)
{
    struct win w = { .fd = fd, .cap = ZSTD_compressBound(ZHIST_FRAME) + 64 };
    uint64_t off = 0, total = 0, content;
    int64_t n = 0;

    if (!(w.buf = malloc(w.cap)))
        return -ENOMEM;
    while ((n = win_at(&w, off)) == 0 && w.len > 0) {
        if ((n = one_frame(&w, o, &content)) < 0)
            break;
        off += (uint64_t)n;
        total += content;
    }
    free(w.buf);
    return n < 0 ? n : (int64_t)total;
}

int64_t zst_content(int fd)
{
    struct out o = { 0 };

    return walk(fd, &o);
}

/* The first size bytes of a raw file. */
static int raw_give(int fd, uint64_t size, struct out *o)
{
    char *buf = o->frame;
    uint64_t pos = o->skip < size ? o->skip : size;

    o->skip -= pos;
    while (pos < size && !o->stopped) {
        size_t len = size - pos < CHUNK ? (size_t)(size - pos) : CHUNK;
        ssize_t n = pread(fd, buf, len, (off_t)pos);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? -errno : -EIO;
        give(o, buf, (size_t)n);
        pos += (uint64_t)n;
    }
    return 0;
}

struct part {
    int fd;
    bool zst;
    uint64_t raw;
};

/* Opens the newest copies until, with `have` bytes, want is reached. */
static unsigned open_parts(struct zhist *h, struct part *parts, uint64_t want, uint64_t *have)
{
    unsigned i, np = 0;

    pthread_mutex_lock(&h->mu);
    for (i = 0; i < h->n && *have < want; i++) {
        struct zcopy *c = &h->v[i];
        int fd = zcopy_open(h, i + 1);

        if (fd >= 0 && c->zst && c->raw == ZRAW_UNKNOWN) {
            int64_t r = zst_content(fd);

            if (r >= 0)
                c->raw = (uint64_t)r;
        }
        if (fd < 0 || c->raw == ZRAW_UNKNOWN) {
            if (fd >= 0)
                close(fd);
            break;
        }
        parts[np++] = (struct part){ fd, c->zst, c->raw };
        *have += c->raw;
    }
    pthread_mutex_unlock(&h->mu);
    return np;
}

static int give_parts(struct part *parts, unsigned np, struct out *o)
{
    int r = 0;

    while (np-- > 0 && r >= 0 && !o->stopped) {
        if (o->skip >= parts[np].raw)
            o->skip -= parts[np].raw;
        else if (parts[np].zst)
            r = walk(parts[np].fd, o) < 0 ? -EBADMSG : 0;
        else
            r = raw_give(parts[np].fd, parts[np].raw, o);
    }
    return r;
}

int64_t zhist_tail(struct zhist *h, uint64_t want, int ffd, uint64_t fsize,
                   zhist_emit_fn emit, void *arg)
{
    struct out o = { .emit = emit, .arg = arg };
    uint64_t have = ffd >= 0 ? fsize : 0;
    struct part *parts = calloc(h->p.max_copies + 1, sizeof(*parts));
    unsigned np = 0, i;
    int r = -ENOMEM;

    o.dctx = ZSTD_createDCtx();
    o.frame = malloc(ZHIST_FRAME);
    if (parts && o.dctx && o.frame &&
        !ZSTD_isError(ZSTD_DCtx_setParameter(o.dctx, ZSTD_d_windowLogMax, 20))) {
        np = open_parts(h, parts, want, &have);
        o.skip = have > want ? have - want : 0;
        r = give_parts(parts, np, &o);
        if (r == 0 && ffd >= 0)
            r = raw_give(ffd, fsize, &o);
    }
    for (i = 0; i < np; i++)
        close(parts[i].fd);
    free(parts);
    free(o.frame);
    ZSTD_freeDCtx(o.dctx);
    return r < 0 ? r : (int64_t)o.done;
}
