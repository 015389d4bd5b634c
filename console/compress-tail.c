/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading the history back (an attach's backlog): the last bytes across
 * f.K(.zst) .. f.1(.zst) and f. A .zst copy is a row of zstd frames of at
 * most ZHIST_FRAME raw bytes, each with its content size in its header, and
 * a seek table at the end: only the frames that hold wanted bytes are read
 * and decompressed. Without a table (a file of another make), the file is
 * decompressed from its start.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "compress-int.h"

#define CHUNK ZHIST_EMIT_MAX

struct out {
    zhist_emit_fn emit;     /* NULL: count only */
    void *arg;
    uint64_t skip;          /* raw bytes still to pass over */
    uint64_t done;          /* bytes emitted */
    ZSTD_DCtx *dctx;
    char *frame;            /* ZHIST_FRAME bytes */
};

/* Passes n bytes (after o->skip) to emit, ZHIST_EMIT_MAX at a time. */
static void give(struct out *o, const char *buf, size_t n)
{
    size_t s = o->skip < n ? (size_t)o->skip : n;

    o->skip -= s;
    while (s < n) {
        size_t len = n - s < ZHIST_EMIT_MAX ? n - s : ZHIST_EMIT_MAX;

        o->emit(o->arg, buf + s, len);
        o->done += len;
        s += len;
    }
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

struct seek {
    uint32_t *e;            /* per frame: compressed size, raw size */
    uint32_t n;
};

/* Its entries, if they account for every byte before the table. */
static int seek_entries(int fd, struct seek *s, uint64_t at, uint64_t frames_size)
{
    size_t len = (size_t)s->n * 8, i;
    unsigned char *b = malloc(len ? len : 1);
    uint64_t sum = 0;
    bool ok;

    if (!b)
        return -ENOMEM;
    ok = pread(fd, b, len, (off_t)at) == (ssize_t)len;
    s->e = (uint32_t *)malloc(len ? len : 1);
    for (i = 0; ok && s->e && i < 2 * (size_t)s->n; i++)
        s->e[i] = get32(b + 4 * i);
    for (i = 0; ok && s->e && i < s->n; i++) {
        sum += s->e[2 * i];
        ok = s->e[2 * i + 1] <= ZHIST_FRAME && s->e[2 * i] <= ZSTD_compressBound(ZHIST_FRAME);
    }
    free(b);
    if (!s->e)
        return -ENOMEM;
    if (!ok || sum != frames_size) {
        free(s->e);
        s->e = NULL;
        return -ENOENT;
    }
    return 0;
}

/* The seek table of a .zst: 0, or -ENOENT (none, or not the file's: the
 * frames are walked instead), or -errno. */
static int seek_read(int fd, struct seek *s)
{
    unsigned char foot[ZSEEK_FOOTER], head[8];
    struct stat st;
    uint64_t size, tsize;

    if (fstat(fd, &st) < 0)
        return -errno;
    size = (uint64_t)st.st_size;
    if (size < 8 + ZSEEK_FOOTER ||
        pread(fd, foot, ZSEEK_FOOTER, (off_t)(size - ZSEEK_FOOTER)) != ZSEEK_FOOTER ||
        get32(foot + 5) != ZSEEK_MAGIC || foot[4] != 0)
        return -ENOENT;
    s->n = get32(foot);
    tsize = (uint64_t)s->n * 8 + ZSEEK_FOOTER;
    if (tsize + 8 > size || pread(fd, head, 8, (off_t)(size - tsize - 8)) != 8 ||
        get32(head) != ZSEEK_SKIPPABLE || get32(head + 4) != tsize)
        return -ENOENT;
    return seek_entries(fd, s, size - tsize, size - tsize - 8);
}

/* The frames through the seek table: only those with wanted bytes read. */
static int64_t seek_give(int fd, const struct seek *s, struct out *o)
{
    size_t cap = ZSTD_compressBound(ZHIST_FRAME);
    char *buf = NULL;
    uint64_t off = 0, total = 0;
    uint32_t i;
    int64_t r = 0;

    for (i = 0; i < s->n && r == 0; i++) {
        uint32_t c = s->e[2 * i], raw = s->e[2 * i + 1];

        total += raw;
        if (o->emit && o->skip < raw) {
            if (!buf && !(buf = malloc(cap)))
                r = -ENOMEM;
            else if (pread(fd, buf, c, (off_t)off) != (ssize_t)c ||
                     ZSTD_decompressDCtx(o->dctx, o->frame, ZHIST_FRAME, buf, c) != raw)
                r = -EBADMSG;
            else
                give(o, o->frame, raw);
        } else if (o->emit) {
            o->skip -= o->skip < raw ? o->skip : raw;
        }
        off += c;
    }
    free(buf);
    return r < 0 ? r : (int64_t)total;
}

/* A .zst without a seek table (of another make): decompressed as a
 * stream from its start. Its raw bytes or -errno. */
static int64_t stream_give(int fd, struct out *o)
{
    size_t cap = ZSTD_DStreamInSize();
    char *buf = malloc(cap);
    uint64_t off = 0, total = 0;
    int64_t r = 0;
    ssize_t n;

    if (!buf)
        return -ENOMEM;
    ZSTD_DCtx_reset(o->dctx, ZSTD_reset_session_only);
    while (r == 0 && (n = pread(fd, buf, cap, (off_t)off)) > 0) {
        ZSTD_inBuffer in = { buf, (size_t)n, 0 };

        off += (uint64_t)n;
        while (r == 0 && in.pos < in.size) {
            ZSTD_outBuffer out = { o->frame, ZHIST_FRAME, 0 };

            if (ZSTD_isError(ZSTD_decompressStream(o->dctx, &out, &in)))
                r = -EBADMSG;
            total += out.pos;
            if (o->emit && out.pos > 0)
                give(o, o->frame, out.pos);
        }
    }
    free(buf);
    return r < 0 ? r : (int64_t)total;
}

/* The raw bytes of a .zst file given; their count or -errno. */
static int64_t walk(int fd, struct out *o)
{
    struct seek s = { 0 };
    int e = seek_read(fd, &s);

    if (e == 0) {
        int64_t t = seek_give(fd, &s, o);

        free(s.e);
        return t;
    }
    if (e != -ENOENT)
        return e;
    return stream_give(fd, o);
}

int64_t zst_content(int fd)
{
    struct out o = { .dctx = ZSTD_createDCtx(), .frame = malloc(ZHIST_FRAME) };
    int64_t r = o.dctx && o.frame ? walk(fd, &o) : -ENOMEM;

    free(o.frame);
    ZSTD_freeDCtx(o.dctx);
    return r;
}

/* The first size bytes of a raw file. */
static int raw_give(int fd, uint64_t size, struct out *o)
{
    char *buf = o->frame;
    uint64_t pos = o->skip < size ? o->skip : size;

    o->skip -= pos;
    while (pos < size) {
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

    while (np-- > 0 && r >= 0) {
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
    if (parts && o.dctx && o.frame) {
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
