/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The record of the files the daemon manages (LOG_DIR/.xenlogd.files): for
 * each, its path beneath the log dir and what identifies it. See record.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "record.h"
#include "validate.h"

#define RECORD_NEW RECORD_NAME ".new"
#define RECORD_MAX_SIZE (16u << 20)
#define MAX_ENTRIES 200000u

static unsigned hash_of(const char *s)
{
    unsigned h = 2166136261u;

    while (*s)
        h = (h ^ (unsigned char)*s++) * 16777619u;
    return h % RECORD_HASH;
}

static int lookup(const struct record *r, const char *rel)
{
    int i;

    for (i = r->hash[hash_of(rel)]; i >= 0; i = r->e[i].next)
        if (r->e[i].rel && strcmp(r->e[i].rel, rel) == 0)
            return i;
    return -1;
}

static void rehash(struct record *r)
{
    unsigned i;

    for (i = 0; i < RECORD_HASH; i++)
        r->hash[i] = -1;
    for (i = 0; i < r->n; i++) {
        unsigned h;

        if (!r->e[i].rel)
            continue;
        h = hash_of(r->e[i].rel);
        r->e[i].next = r->hash[h];
        r->hash[h] = (int)i;
    }
}

bool fid_same(const struct fid *a, const struct fid *b)
{
    return a->dev == b->dev && a->ino == b->ino && a->btime == b->btime;
}

/* The record gains or updates rel; returns its index or -1. */
int record_upsert(struct record *r, const char *rel, const struct fid *id)
{
    int i = lookup(r, rel);
    unsigned h;

    if (i >= 0) {
        if (!fid_same(&r->e[i].id, id)) {
            r->e[i].id = *id;
            r->dirty = true;
        }
        return i;
    }
    if (r->used >= MAX_ENTRIES) {
        if (!r->full_warned)
            log_warn("retention: record full (%u files); new files are not managed",
                     MAX_ENTRIES);
        r->full_warned = true;
        return -ENOSPC;
    }
    if (r->n == r->cap) {
        unsigned cap = r->cap ? r->cap * 2 : 256;
        struct entry *e = realloc(r->e, cap * sizeof(*e));

        if (!e)
            return -ENOMEM;
        r->e = e;
        r->cap = cap;
    }
    if (!(r->e[r->n].rel = strdup(rel)))
        return -ENOMEM;
    h = hash_of(rel);
    r->e[r->n].id = *id;
    r->e[r->n].live_pass = 0;
    r->e[r->n].next = r->hash[h];
    r->hash[h] = (int)r->n;
    r->used++;
    r->dirty = true;
    return (int)r->n++;
}

static bool pooled(const struct record *r, const char *rel)
{
    return r->pool && rel >= r->pool && rel < r->pool + r->pool_len;
}

static void free_rel(struct record *r, char *rel)
{
    if (!pooled(r, rel))
        free(rel);
}

void record_drop(struct record *r, unsigned i)
{
    free_rel(r, r->e[i].rel);
    r->e[i].rel = NULL;     /* stays in its chain until the next compaction */
    r->used--;
    r->dirty = true;
}

/* The daemon's own kind of file: regular, its uid, one link (a hard link
 * elsewhere would make removing it remove nothing, or something not ours). */
static bool ours(const struct xld *d, const struct stat *st)
{
    return S_ISREG(st->st_mode) && st->st_uid == d->uid && st->st_nlink == 1;
}

/* name in dfd, not followed if a symlink. 0 or -errno. */
int file_look(const struct xld *d, int dfd, const char *name, struct look *l)
{
    struct statx sx;

    if (statx(dfd, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT,
              STATX_BASIC_STATS | STATX_BTIME, &sx) < 0)
        return -errno;
    l->id.dev = ((uint64_t)sx.stx_dev_major << 32) | sx.stx_dev_minor;
    l->id.ino = sx.stx_ino;
    l->id.btime = (sx.stx_mask & STATX_BTIME) ?
        (uint64_t)sx.stx_btime.tv_sec * 1000000000u + sx.stx_btime.tv_nsec : 0;
    l->ours = S_ISREG(sx.stx_mode) && sx.stx_uid == d->uid && sx.stx_nlink == 1;
    l->size = sx.stx_size;
    l->mtime = sx.stx_mtime.tv_sec;
    return 0;
}

static void parse_record(struct record *r, char *text)
{
    char *line, *pos = NULL, path[PATH_MAX];
    const char *rel;
    unsigned bad = 0;

    for (line = strtok_r(text, "\n", &pos); line; line = strtok_r(NULL, "\n", &pos)) {
        unsigned long long dev, ino, btime;
        struct fid id;
        int off = 0;

        if (sscanf(line, "%llu %llu %llu %n", &dev, &ino, &btime, &off) != 3 || off == 0 ||
            snprintf(path, sizeof(path), "%s/%s", r->d->log_dir, line + off) >=
                (int)sizeof(path) ||
            path_beneath(r->d->log_dir, path, &rel) != NULL || lookup(r, rel) >= 0) {
            bad++;
            continue;
        }
        id.dev = dev;
        id.ino = ino;
        id.btime = btime;
        record_upsert(r, rel, &id);
    }
    if (bad)
        log_warn("retention: %u bad lines in %s/" RECORD_NAME " ignored", bad, r->d->log_dir);
    r->dirty = bad > 0;
}

static void load(struct record *r)
{
    struct stat st;
    char *text;
    ssize_t n;
    int fd = openat(r->d->log_dirfd, RECORD_NAME, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);

    if (fd < 0) {
        if (errno != ENOENT)
            log_err(errno, "retention: cannot read %s/" RECORD_NAME, r->d->log_dir);
        return;
    }
    if (fstat(fd, &st) < 0 || !ours(r->d, &st) || st.st_size > RECORD_MAX_SIZE ||
        !(text = malloc((size_t)st.st_size + 1))) {
        log_warn("retention: %s/" RECORD_NAME " is not the daemon's record; ignored",
                 r->d->log_dir);
        close(fd);
        return;
    }
    n = read(fd, text, (size_t)st.st_size);
    close(fd);
    if (n >= 0) {
        text[n] = '\0';
        parse_record(r, text);
    }
    free(text);
}

/* The record as text, one line per file: its length, or -ENOMEM. */
static ssize_t format(const struct record *r, char **out)
{
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    unsigned i;

    for (i = 0; buf && i < r->n; i++) {
        size_t need;

        if (!r->e[i].rel)
            continue;
        need = strlen(r->e[i].rel) + 72;
        if (len + need > cap) {
            char *nb = realloc(buf, (cap = (cap + need) * 2));

            if (!nb)
                free(buf);
            buf = nb;
            if (!buf)
                break;
        }
        len += (size_t)snprintf(buf + len, cap - len, "%llu %llu %llu %s\n",
                                (unsigned long long)r->e[i].id.dev,
                                (unsigned long long)r->e[i].id.ino,
                                (unsigned long long)r->e[i].id.btime, r->e[i].rel);
    }
    *out = buf;
    return buf ? (ssize_t)len : -ENOMEM;
}

/* The temporary file is opened before the text is made: a daemon out of
 * descriptors pays a failed open, not the formatting of every line. */
static int save(struct record *r)
{
    int dfd = r->d->log_dirfd, fd, err = 0;
    char *buf = NULL;
    ssize_t len;

    fd = openat(dfd, RECORD_NEW, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK,
                0640);
    if (fd < 0)
        return -errno;
    if ((len = format(r, &buf)) < 0)
        err = (int)len;
    else if (write(fd, buf, (size_t)len) != len)
        err = errno ? -errno : -EIO;
    else if (renameat(dfd, RECORD_NEW, dfd, RECORD_NAME) < 0)
        err = -errno;
    if (err)
        unlinkat(dfd, RECORD_NEW, 0);
    close(fd);
    free(buf);
    return err;
}

/* Writes the record anew (temporary file, then rename over the old); says
 * a failure once, and when it works again. */
int record_save(struct record *r)
{
    int err;

    errno = 0;
    if ((err = save(r)) < 0) {
        if (!r->save_failed)
            log_err(-err, "retention: cannot write %s/" RECORD_NAME "; trying again later",
                    r->d->log_dir);
        r->save_failed = true;
        return err;
    }
    if (r->save_failed)
        log_info("retention: %s/" RECORD_NAME " written again", r->d->log_dir);
    r->save_failed = false;
    r->dirty = false;
    return 0;
}

/* Drops freed slots so that the array does not grow without end. */
void record_compact(struct record *r)
{
    unsigned i, j = 0;

    if (r->used == r->n)
        return;
    for (i = 0; i < r->n; i++)
        if (r->e[i].rel)
            r->e[j++] = r->e[i];
    r->n = j;
    rehash(r);
}

/*
 * Every name into one block. A name is allocated when a stream starts, among
 * the stream's own allocations; once the streams are gone, names scattered
 * over the heap would keep each of its pages in use (10,000 streams: 5 MiB
 * held for 0.3 MiB of names). Packed, the pages go back (malloc_trim()).
 */
void record_repack(struct record *r)
{
    size_t len = 0, off = 0;
    unsigned i;
    char *pool;

    for (i = 0; i < r->n; i++)
        if (r->e[i].rel)
            len += strlen(r->e[i].rel) + 1;
    if (len == 0 || !(pool = malloc(len)))
        return;
    for (i = 0; i < r->n; i++) {
        size_t n;

        if (!r->e[i].rel)
            continue;
        n = strlen(r->e[i].rel) + 1;
        memcpy(pool + off, r->e[i].rel, n);
        free_rel(r, r->e[i].rel);
        r->e[i].rel = pool + off;
        off += n;
    }
    free(r->pool);
    r->pool = pool;
    r->pool_len = len;
}

void record_init(struct record *r, const struct xld *d)
{
    memset(r, 0, sizeof(*r));
    r->d = d;
    rehash(r);
    load(r);
}

void record_fini(struct record *r)
{
    unsigned i;

    if (r->dirty)
        record_save(r);
    for (i = 0; i < r->n; i++)
        free_rel(r, r->e[i].rel);
    free(r->pool);
    free(r->e);
    memset(r, 0, sizeof(*r));
}
