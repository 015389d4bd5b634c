/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Retention: which files the daemon manages (its record), and removing
 * those of finished streams by age and by total size. See retention.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "beneath.h"
#include "log.h"
#include "loop.h"
#include "retention.h"
#include "stream.h"

#define RECORD_NEW RECORD_NAME ".new"
#define RECORD_MAX_SIZE (16u << 20)
#define MAX_ENTRIES 200000u
#define HASH_SIZE 8192u

/* What identifies a file the daemon wrote: an inode number alone may be
 * reused for a file made after ours was removed; its birth time is not. */
struct fid {
    uint64_t dev, ino, btime;   /* btime: ns since the epoch; 0 if unknown */
};

/* What a pass needs of a file. */
struct look {
    struct fid id;
    bool ours;
    uint64_t size;
    int64_t mtime;
};

struct entry {
    char *rel;              /* beneath the log dir; NULL: a freed slot */
    struct fid id;
    uint64_t live_pass;     /* the pass that saw it as a live stream's file */
    int next;               /* hash chain, -1 at the end */
};

struct retention {
    struct xld *d;
    struct entry *e;
    unsigned n, cap, used;
    int hash[HASH_SIZE];
    bool dirty, soon, full_warned;
    uint64_t pass, next_run;
};

/* A finished file found by a pass. */
struct found {
    unsigned idx;
    uint64_t size;
    int64_t mtime;
};

static unsigned hash_of(const char *s)
{
    unsigned h = 2166136261u;

    while (*s)
        h = (h ^ (unsigned char)*s++) * 16777619u;
    return h % HASH_SIZE;
}

static int lookup(const struct retention *r, const char *rel)
{
    int i;

    for (i = r->hash[hash_of(rel)]; i >= 0; i = r->e[i].next)
        if (r->e[i].rel && strcmp(r->e[i].rel, rel) == 0)
            return i;
    return -1;
}

static void rehash(struct retention *r)
{
    unsigned i;

    for (i = 0; i < HASH_SIZE; i++)
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

/* The record gains or updates rel; returns its index or -1. */
static bool same(const struct fid *a, const struct fid *b)
{
    return a->dev == b->dev && a->ino == b->ino && a->btime == b->btime;
}

static int upsert(struct retention *r, const char *rel, const struct fid *id)
{
    int i = lookup(r, rel);
    unsigned h;

    if (i >= 0) {
        if (!same(&r->e[i].id, id)) {
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
        return -1;
    }
    if (r->n == r->cap) {
        unsigned cap = r->cap ? r->cap * 2 : 256;
        struct entry *e = realloc(r->e, cap * sizeof(*e));

        if (!e)
            return -1;
        r->e = e;
        r->cap = cap;
    }
    if (!(r->e[r->n].rel = strdup(rel)))
        return -1;
    h = hash_of(rel);
    r->e[r->n].id = *id;
    r->e[r->n].live_pass = 0;
    r->e[r->n].next = r->hash[h];
    r->hash[h] = (int)r->n;
    r->used++;
    r->dirty = true;
    return (int)r->n++;
}

static void drop(struct retention *r, unsigned i)
{
    free(r->e[i].rel);
    r->e[i].rel = NULL;     /* stays in its chain until the next compaction */
    r->used--;
    r->dirty = true;
}

/* "dir/name" or "name" for the log dir itself. */
static int rel_of(char *buf, size_t len, const char *dir, const char *name)
{
    int n = strcmp(dir, ".") == 0 ? snprintf(buf, len, "%s", name)
                                  : snprintf(buf, len, "%s/%s", dir, name);

    return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* The daemon's own kind of file: regular, its uid, one link (a hard link
 * elsewhere would make removing it remove nothing, or something not ours). */
static bool ours(const struct xld *d, const struct stat *st)
{
    return S_ISREG(st->st_mode) && st->st_uid == d->uid && st->st_nlink == 1;
}

/* name in dfd, not followed if a symlink. 0 or -errno. */
static int look_at(const struct xld *d, int dfd, const char *name, struct look *l)
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

static void parse_record(struct retention *r, char *text)
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
        upsert(r, rel, &id);
    }
    if (bad)
        log_warn("retention: %u bad lines in %s/" RECORD_NAME " ignored", bad, r->d->log_dir);
    r->dirty = bad > 0;
}

static void load(struct retention *r)
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

/* Writes the record anew (temporary file, then rename over the old). */
static void save(struct retention *r)
{
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    unsigned i;
    int fd;

    if (!buf)
        return;
    for (i = 0; i < r->n; i++) {
        size_t need;

        if (!r->e[i].rel)
            continue;
        need = strlen(r->e[i].rel) + 72;
        if (len + need > cap) {
            char *nb = realloc(buf, (cap = (cap + need) * 2));

            if (!nb) {
                free(buf);
                return;
            }
            buf = nb;
        }
        len += (size_t)snprintf(buf + len, cap - len, "%llu %llu %llu %s\n",
                                (unsigned long long)r->e[i].id.dev,
                                (unsigned long long)r->e[i].id.ino,
                                (unsigned long long)r->e[i].id.btime, r->e[i].rel);
    }
    fd = openat(r->d->log_dirfd, RECORD_NEW,
                O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0640);
    if (fd < 0 || write(fd, buf, len) != (ssize_t)len ||
        renameat(r->d->log_dirfd, RECORD_NEW, r->d->log_dirfd, RECORD_NAME) < 0) {
        log_err(errno, "retention: cannot write %s/" RECORD_NAME, r->d->log_dir);
        if (fd >= 0)
            unlinkat(r->d->log_dirfd, RECORD_NEW, 0);
    } else {
        r->dirty = false;
    }
    if (fd >= 0)
        close(fd);
    free(buf);
}

/* Drops freed slots so that the array does not grow without end. */
static void compact(struct retention *r)
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

struct retention *retention_new(struct xld *d)
{
    struct retention *r = calloc(1, sizeof(*r));

    if (!r)
        return NULL;
    r->d = d;
    rehash(r);
    load(r);
    r->soon = true;     /* a pass at start */
    return r;
}

void retention_free(struct retention *r)
{
    unsigned i;

    if (!r)
        return;
    if (r->dirty)
        save(r);
    for (i = 0; i < r->n; i++)
        free(r->e[i].rel);
    free(r->e);
    free(r);
}

static void copy_name(char *buf, size_t len, const char *base, unsigned i)
{
    if (i == 0)
        snprintf(buf, len, "%s", base);
    else
        snprintf(buf, len, "%s.%u", base, i);
}

/* The files of s that are the daemon's go into the record; their bytes. */
static uint64_t note(struct retention *r, const struct stream *s, int dfd)
{
    char name[NAME_MAX_LEN + 16], rel[PATH_MAX];
    uint64_t bytes = 0;
    struct look l;
    unsigned i;
    int idx;

    for (i = 0; i <= s->p.copies; i++) {
        copy_name(name, sizeof(name), s->p.file_base, i);
        if (look_at(r->d, dfd, name, &l) < 0 || !l.ours ||
            rel_of(rel, sizeof(rel), s->p.file_dir, name) < 0)
            continue;
        idx = upsert(r, rel, &l.id);
        if (idx >= 0)
            r->e[idx].live_pass = r->pass;
        bytes += l.size;
    }
    return bytes;
}

void retention_note_stream(struct retention *r, const struct stream *s)
{
    int dfd = -1;

    if (!r || logdir_open(r->d->log_dirfd, s->p.file_dir, &dfd))
        return;
    note(r, s, dfd);
    close(dfd);
}

void retention_soon(struct retention *r)
{
    if (r)
        r->soon = true;
}

/* The live streams' files: noted as live in this pass; their bytes. */
static uint64_t note_live(struct retention *r)
{
    struct xld *d = r->d;
    uint64_t bytes = 0;
    unsigned b;
    const struct stream *s;

    for (b = 0; b < STREAM_BUCKETS; b++)
        for (s = d->buckets[b]; s; s = s->next)
            if (s->state == STREAM_ACTIVE && s->dfd >= 0)
                bytes += note(r, s, s->dfd);
    return bytes;
}

void retention_note_live(struct retention *r)
{
    if (r)
        note_live(r);
}

/* Opens the directory of rel; *name: its last component. fd or -errno. */
static int dir_of(const struct retention *r, const char *rel, const char **name)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(rel, '/');
    int dfd = -1;

    *name = slash ? slash + 1 : rel;
    if (!slash)
        return r->d->log_dirfd;
    snprintf(dir, sizeof(dir), "%.*s", (int)(slash - rel), rel);
    return logdir_open(r->d->log_dirfd, dir, &dfd) ? -ENOENT : dfd;
}

/* Still the file the record names, and the daemon's? What it is in *l. */
static bool still_ours(const struct retention *r, unsigned i, int dfd, const char *name,
                       struct look *l)
{
    return look_at(r->d, dfd, name, l) == 0 && l->ours && same(&l->id, &r->e[i].id);
}

static bool remove_file(struct retention *r, const struct found *f, const char *why)
{
    struct look l;
    const char *name;
    int dfd = dir_of(r, r->e[f->idx].rel, &name);
    bool done = false;

    if (dfd < 0)
        return false;
    /* Checked again just before: the object, not the name of a while ago. */
    if (still_ours(r, f->idx, dfd, name, &l) && unlinkat(dfd, name, 0) == 0) {
        log_info("retention: removed %s/%s (%llu bytes, %s)", r->d->log_dir, r->e[f->idx].rel,
                 (unsigned long long)l.size, why);
        r->d->figures.files_removed++;
        r->d->figures.bytes_removed += l.size;
        done = true;
    }
    if (dfd != r->d->log_dirfd)
        close(dfd);
    drop(r, f->idx);
    return done;
}

/* The finished files of the record that are still the daemon's. */
static struct found *finished(struct retention *r, unsigned *nf, uint64_t *bytes)
{
    struct found *f = malloc((r->n ? r->n : 1) * sizeof(*f));
    unsigned i;

    *nf = 0;
    *bytes = 0;
    for (i = 0; f && i < r->n; i++) {
        struct look l;
        const char *name;
        int dfd;

        if (!r->e[i].rel || r->e[i].live_pass == r->pass)
            continue;
        dfd = dir_of(r, r->e[i].rel, &name);
        if (dfd >= 0 && still_ours(r, i, dfd, name, &l)) {
            f[*nf].idx = i;
            f[*nf].size = l.size;
            f[*nf].mtime = l.mtime;
            *bytes += f[(*nf)++].size;
        } else {
            drop(r, i);     /* gone, or no longer ours: forgotten, untouched */
        }
        if (dfd >= 0 && dfd != r->d->log_dirfd)
            close(dfd);
    }
    return f;
}

static bool older(const struct found *x, const struct found *y)
{
    return x->mtime < y->mtime || (x->mtime == y->mtime && x->idx < y->idx);
}

static void sift_down(struct found *f, unsigned root, unsigned n)
{
    for (;;) {
        unsigned c = 2 * root + 1;
        struct found t;

        if (c >= n)
            return;
        if (c + 1 < n && older(&f[c], &f[c + 1]))
            c++;
        if (!older(&f[root], &f[c]))
            return;
        t = f[root];
        f[root] = f[c];
        f[c] = t;
        root = c;
    }
}

/* Oldest first. Heapsort, not qsort(3): glibc's qsort asks the kernel for
 * the memory size (sysinfo), which the seccomp allowlist refuses. */
static void sort_by_mtime(struct found *f, unsigned n)
{
    unsigned i;

    for (i = n / 2; i-- > 0;)
        sift_down(f, i, n);
    for (i = n; i-- > 1;) {
        struct found t = f[0];

        f[0] = f[i];
        f[i] = t;
        sift_down(f, 0, i);
    }
}

void retention_run(struct retention *r)
{
    const struct policy *p = &r->d->policy;
    struct xld_figures *fig = &r->d->figures;
    uint64_t live, done_bytes, total;
    int64_t cutoff = (int64_t)time(NULL) - (int64_t)p->max_age_days * 86400;
    struct found *f;
    unsigned nf, i, nfiles;

    r->pass++;
    r->soon = false;
    live = note_live(r);
    if (!(f = finished(r, &nf, &done_bytes)))
        return;
    sort_by_mtime(f, nf);
    total = live + done_bytes;
    nfiles = nf;
    for (i = 0; i < nf; i++) {
        const char *why = NULL;

        if (p->max_age_days && f[i].mtime < cutoff)
            why = "older than max_age_days";
        else if (p->max_total_size && total > p->max_total_size)
            why = "over max_total_size";
        else
            continue;
        if (remove_file(r, &f[i], why)) {
            total -= f[i].size;
            nfiles--;
        }
    }
    free(f);
    compact(r);
    fig->retention_runs++;
    fig->last_retention_ms = (uint64_t)time(NULL) * 1000;
    fig->bytes_live = live;
    fig->bytes_managed = total;
    fig->files_managed = nfiles;
    for (i = 0; i < r->n; i++)
        if (r->e[i].live_pass == r->pass)
            fig->files_managed++;
    if (p->max_total_size && total > p->max_total_size)
        log_warn("retention: %llu bytes managed, above max_total_size %llu: the live "
                 "streams' files alone (%llu bytes) are never removed",
                 (unsigned long long)total, (unsigned long long)p->max_total_size,
                 (unsigned long long)live);
    if (r->dirty)
        save(r);
}

void retention_tick(struct retention *r, uint64_t now)
{
    if (!r)
        return;
    if (r->soon || now >= r->next_run) {
        r->next_run = now + (uint64_t)r->d->policy.retention_interval * 1000;
        retention_run(r);
    } else if (r->dirty) {
        save(r);
    }
}
