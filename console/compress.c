/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Compressed history: a stream's old copies and the budget they share
 * (compress.h says what is promised). The accounting lives in one place,
 * struct zhist, under its mutex: `held` is what the copies and the .tmp
 * hold on disk, raised before a byte is written and lowered after a file is
 * removed, so that it is never below the truth; every step that raises it
 * first removes the oldest copies until held <= L * N.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "beneath.h"
#include "compress-int.h"
#include "log.h"
#include "rotate.h"

#define LOG_MODE 0640

void zname(const struct zhist *h, char *buf, unsigned k, bool zst)
{
    if (k == 0)
        snprintf(buf, ZNAME_LEN, "%s.zst.tmp", h->base);
    else
        snprintf(buf, ZNAME_LEN, "%s.%u%s", h->base, k, zst ? ".zst" : "");
}

int zcopy_open(struct zhist *h, unsigned k)
{
    char name[ZNAME_LEN];

    assert(k >= 1 && k <= h->n);
    zname(h, name, k, h->v[k - 1].zst);
    return file_open_ro(h->dfd, name, h->p.uid);
}

/* Removes the oldest copy (h->mu held). 0 or -errno. */
static int drop_oldest(struct zhist *h)
{
    struct zcopy *c = &h->v[h->n - 1];
    char name[ZNAME_LEN];

    assert(h->n > 0);
    zname(h, name, h->n, c->zst);
    if (unlinkat(h->dfd, name, 0) < 0 && errno != ENOENT)
        return -errno;
    h->held -= c->disk;
    h->n--;
    return 0;
}

bool zhist_make_room(struct zhist *h, uint64_t more, unsigned count, long keep)
{
    while ((h->held + more > h->budget || h->n > count) && (long)h->n - 1 > keep)
        if (drop_oldest(h) < 0)
            return false;
    return h->held + more <= h->budget && h->n <= count;
}

long zhist_find(const struct zhist *h, uint64_t id)
{
    unsigned i;

    for (i = 0; i < h->n; i++)
        if (h->v[i].id == id)
            return (long)i;
    return -1;
}

bool zhist_wants_work(const struct zhist *h)
{
    unsigned i;

    /* With one copy there is never room for it and its .zst. */
    for (i = 0; h->p.compress && h->p.copies >= 2 && i < h->n; i++)
        if (!h->v[i].zst && !h->v[i].busy && !h->v[i].skip)
            return true;
    return false;
}

static int grow(struct zhist *h, unsigned want)
{
    struct zcopy *v;
    unsigned cap = h->cap ? h->cap : 8;

    if (want <= h->cap)
        return 0;
    while (cap < want)
        cap *= 2;
    if (!(v = realloc(h->v, cap * sizeof(*v))))
        return -ENOMEM;
    h->v = v;
    h->cap = cap;
    return 0;
}

/* st (lstat) is a file of ours: regular, uid, one link. */
static bool ours(const struct zhist *h, const char *name, struct stat *st)
{
    const struct want w = { .type = S_IFREG, .uid = h->p.uid, .perm = (mode_t)-1,
                            .one_link = true };

    return fstatat(h->dfd, name, st, AT_SYMLINK_NOFOLLOW) == 0 && !want_check(st, &w);
}

/* Copy k as found on disk; false if there is none. */
static bool scan_one(struct zhist *h, unsigned k, struct zcopy *c)
{
    char raw[ZNAME_LEN], zst[ZNAME_LEN];
    struct stat sr, sz;
    bool has_raw, has_zst;

    zname(h, raw, k, false);
    zname(h, zst, k, true);
    has_raw = ours(h, raw, &sr);
    has_zst = ours(h, zst, &sz);
    if (has_raw && has_zst && unlinkat(h->dfd, raw, 0) == 0)
        has_raw = false;    /* the worker stopped between rename and unlink */
    if (has_raw && has_zst)
        return false;
    memset(c, 0, sizeof(*c));
    c->id = h->next_id++;
    c->zst = has_zst;
    c->disk = (uint64_t)(has_zst ? sz.st_size : sr.st_size);
    c->raw = has_zst ? ZRAW_UNKNOWN : c->disk;
    return has_raw || has_zst;
}

/* Copy k moves down to position n + 1 (closing a gap). */
static bool move_down(struct zhist *h, unsigned k, const struct zcopy *c)
{
    char from[ZNAME_LEN], to[ZNAME_LEN];

    zname(h, from, k, c->zst);
    zname(h, to, h->n + 1, c->zst);
    return renameat(h->dfd, from, h->dfd, to) == 0;
}

/*
 * Takes the copies as they are on disk (h->mu held, or h not yet shared);
 * h->tmp (the worker's) is kept and counted. Up to the first two missing
 * positions in a row: one missing position (a rotation that failed half
 * way) is closed by moving the older copies down.
 */
static int scan(struct zhist *h)
{
    unsigned k, missing = 0;
    struct zcopy c;

    h->n = 0;
    h->held = h->tmp;
    for (k = 1; k <= ZHIST_MAX_COPIES + 2 && missing < 2; k++) {
        int r;

        if (!scan_one(h, k, &c)) {
            missing++;
            continue;
        }
        missing = 0;
        if (k != h->n + 1 && !move_down(h, k, &c))
            break;
        if ((r = grow(h, h->n + 1)) < 0)
            return r;
        h->v[h->n++] = c;
        h->held += c.disk;
    }
    zhist_make_room(h, 0, h->p.max_copies, -1);
    return 0;
}

int zhist_open(struct zworker *w, int dfd, const char *base, const struct zhist_params *p,
               struct zhist **out)
{
    struct zhist *h = calloc(1, sizeof(*h));
    char tmp[ZNAME_LEN];
    struct stat st;
    int r;

    assert(p->max_copies >= 1 && p->max_copies <= ZHIST_MAX_COPIES);
    assert(strlen(base) <= NAME_MAX_LEN);
    if (!h)
        return -ENOMEM;
    h->dfd = fcntl(dfd, F_DUPFD_CLOEXEC, 0);
    if (h->dfd < 0) {
        free(h);
        return -errno;
    }
    pthread_mutex_init(&h->mu, NULL);
    h->w = w;
    h->p = *p;
    h->budget = p->limit * p->copies;
    h->refs = 1;
    snprintf(h->base, sizeof(h->base), "%s", base);
    /* A .tmp left by a daemon that stopped (or by this stream's previous
     * zhist, whose job gives up at its next piece). */
    zname(h, tmp, 0, false);
    if (ours(h, tmp, &st))
        unlinkat(h->dfd, tmp, 0);
    if ((r = scan(h)) < 0) {
        zhist_unref(h);
        return r;
    }
    if (zhist_wants_work(h))
        zworker_enqueue(h);
    *out = h;
    return 0;
}

/* Shifts every copy one position up (h->mu held). No rename replaces a
 * file (on ext4 that one would write the file out, synchronously). */
static int shift(struct zhist *h)
{
    char from[ZNAME_LEN], to[ZNAME_LEN];
    unsigned k;

    for (k = h->n; k >= 1; k--) {
        zname(h, from, k, h->v[k - 1].zst);
        zname(h, to, k + 1, h->v[k - 1].zst);
        if (renameat2(h->dfd, from, h->dfd, to, RENAME_NOREPLACE) < 0)
            return -errno;
    }
    return 0;
}

static int rotate_locked(struct zhist *h, uint64_t fsize)
{
    char f1[ZNAME_LEN];
    struct stat st;
    int r;

    if (fstatat(h->dfd, h->base, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return -errno;      /* nothing shifted for an f that is not there */
    if (!zhist_make_room(h, fsize, h->p.max_copies - 1, -1)) {
        if (h->n > 0)
            return -EIO;    /* an old copy could not be removed */
        /* No room for f even alone (copies = 0): it goes. */
        return unlinkat(h->dfd, h->base, 0) < 0 && errno != ENOENT ? -errno : 0;
    }
    if ((r = grow(h, h->n + 1)) < 0 || (r = shift(h)) < 0)
        return r;
    zname(h, f1, 1, false);
    if (renameat2(h->dfd, h->base, h->dfd, f1, RENAME_NOREPLACE) < 0)
        return -errno;
    memmove(&h->v[1], &h->v[0], h->n * sizeof(h->v[0]));
    memset(&h->v[0], 0, sizeof(h->v[0]));
    h->v[0].id = h->next_id++;
    h->v[0].disk = h->v[0].raw = fsize;
    h->n++;
    h->held += fsize;
    return 0;
}

int zhist_rotate(struct zhist *h, uint64_t fsize)
{
    bool work;
    int r;

    pthread_mutex_lock(&h->mu);
    r = rotate_locked(h, fsize);
    if (r < 0) {
        /* Where the names are now: the directory says. The .tmp stays
         * the worker's (it finds its copy gone or not). */
        log_warnx(-r, "%s: rotation failed; taking its copies again", h->base);
        scan(h);
    }
    work = zhist_wants_work(h);
    pthread_mutex_unlock(&h->mu);
    if (work)
        zworker_enqueue(h);
    return r;
}

int zhist_drop_oldest(struct zhist *h)
{
    int r = 0;

    pthread_mutex_lock(&h->mu);
    if (h->n > 0 && (r = drop_oldest(h)) == 0)
        r = 1;
    pthread_mutex_unlock(&h->mu);
    return r;
}

void zhist_close(struct zhist *h)
{
    if (!h)
        return;
    pthread_mutex_lock(&h->mu);
    h->closing = true;
    pthread_mutex_unlock(&h->mu);
    zhist_unref(h);
}

unsigned zhist_each(struct zhist *h, void (*fn)(void *arg, const char *name), void *arg)
{
    char name[ZNAME_LEN];
    unsigned k, n;

    pthread_mutex_lock(&h->mu);
    for (k = 1; k <= h->n; k++) {
        zname(h, name, k, h->v[k - 1].zst);
        fn(arg, name);
    }
    n = h->n;
    pthread_mutex_unlock(&h->mu);
    return n;
}

void zhist_stats(struct zhist *h, struct zhist_stats *st)
{
    unsigned i;

    pthread_mutex_lock(&h->mu);
    st->ncopies = h->n;
    st->nzst = 0;
    for (i = 0; i < h->n; i++)
        st->nzst += h->v[i].zst;
    st->held = h->held;
    st->tmp = h->tmp;
    pthread_mutex_unlock(&h->mu);
}
