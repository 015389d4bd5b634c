/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Retention: removing the files of finished streams by age and by total
 * size, only those the record (record.c) says the daemon wrote. See
 * retention.h.
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
#include "compress.h"
#include "log.h"
#include "loop.h"
#include "record.h"
#include "retention.h"
#include "rotate.h"
#include "stream.h"

struct retention {
    struct xld *d;
    streams_each_fn *each;      /* the live streams */
    struct record rec;
    bool soon;
    uint64_t pass, next_run;
    uint64_t save_at;           /* a failed save: not again before */
};

/* A finished file found by a pass. */
struct found {
    unsigned idx;
    uint64_t size;
    int64_t mtime;
};

/* "dir/name" or "name" for the log dir itself. */
static int rel_of(char *buf, size_t len, const char *dir, const char *name)
{
    int n = strcmp(dir, ".") == 0 ? snprintf(buf, len, "%s", name)
                                  : snprintf(buf, len, "%s/%s", dir, name);

    return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

struct retention *retention_new(struct xld *d, streams_each_fn *each)
{
    struct retention *r = calloc(1, sizeof(*r));

    if (!r)
        return NULL;
    r->d = d;
    r->each = each;
    record_init(&r->rec, d);
    r->soon = true;     /* a pass at start */
    return r;
}

void retention_free(struct retention *r)
{
    if (!r)
        return;
    record_fini(&r->rec);
    free(r);
}

/* One file of a stream, if it is the daemon's, into the record: its bytes;
 * -ENOENT if there is no such file. */
static int64_t note_one_file(struct retention *r, const struct stream_figures *f, int dfd,
                             const char *name)
{
    char rel[PATH_MAX];
    struct look l;
    int idx;

    if (file_look(r->d, dfd, name, &l) < 0)
        return -ENOENT;
    if (!l.ours || rel_of(rel, sizeof(rel), f->file_dir, name) < 0)
        return 0;
    idx = record_upsert(&r->rec, rel, &l.id);
    if (idx >= 0)
        r->rec.e[idx].live_pass = r->pass;
    return (int64_t)l.size;
}

/* The files of a stream that are the daemon's go into the record; their
 * bytes. Its copies: f.1 .. f.copies, and beyond while there are more (a
 * compressed history keeps more, f.K.zst: compress.h). */
static uint64_t note(struct retention *r, const struct stream_figures *f, int dfd)
{
    char name[NAME_MAX_LEN + 16];
    uint64_t bytes = 0;
    unsigned i;

    for (i = 0; i <= ZHIST_MAX_COPIES; i++) {
        int64_t raw, zst;

        copy_name(name, sizeof(name), f->file_base, i);
        raw = note_one_file(r, f, dfd, name);
        zst = -ENOENT;
        if (i > 0) {
            strncat(name, ".zst", sizeof(name) - strlen(name) - 1);
            zst = note_one_file(r, f, dfd, name);
        }
        bytes += (uint64_t)(raw > 0 ? raw : 0) + (uint64_t)(zst > 0 ? zst : 0);
        if (i >= f->copies && raw < 0 && zst < 0)
            break;
    }
    return bytes;
}

static uint64_t note_figures(struct retention *r, const struct stream_figures *f)
{
    uint64_t bytes = 0;
    int dfd = -1;

    if (!logdir_open(r->d->log_dirfd, f->file_dir, &dfd)) {
        bytes = note(r, f, dfd);
        close(dfd);
    }
    return bytes;
}

void retention_note_stream(struct retention *r, const struct stream *s)
{
    struct stream_figures f;

    if (!r)
        return;
    stream_figures(s, &f);
    note_figures(r, &f);
}

void retention_soon(struct retention *r)
{
    if (r)
        r->soon = true;
}

struct live_arg {
    struct retention *r;
    uint64_t bytes;
};

static void note_one(void *arg, struct stream *s, unsigned domid, unsigned id)
{
    struct live_arg *la = arg;
    struct stream_figures f;

    (void)domid;
    (void)id;
    stream_figures(s, &f);
    if (f.state == STREAM_ACTIVE)
        la->bytes += note_figures(la->r, &f);
}

/* The live streams' files: noted as live in this pass; their bytes. */
static uint64_t note_live(struct retention *r)
{
    struct live_arg la = { .r = r, .bytes = 0 };

    r->each(r->d, note_one, &la);
    return la.bytes;
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
    return file_look(r->d, dfd, name, l) == 0 && l->ours && fid_same(&l->id, &r->rec.e[i].id);
}

static bool remove_file(struct retention *r, const struct found *f, const char *why)
{
    struct look l;
    const char *name;
    int dfd = dir_of(r, r->rec.e[f->idx].rel, &name);
    bool done = false;

    if (dfd < 0)
        return false;
    /* Checked again just before: the object, not the name of a while ago. */
    if (still_ours(r, f->idx, dfd, name, &l) && unlinkat(dfd, name, 0) == 0) {
        log_info("retention: removed %s/%s (%llu bytes, %s)", r->d->log_dir, r->rec.e[f->idx].rel,
                 (unsigned long long)l.size, why);
        r->d->figures.files_removed++;
        r->d->figures.bytes_removed += l.size;
        done = true;
    }
    if (dfd != r->d->log_dirfd)
        close(dfd);
    record_drop(&r->rec, f->idx);
    return done;
}

/* The finished files of the record that are still the daemon's. */
static struct found *finished(struct retention *r, unsigned *nf, uint64_t *bytes)
{
    struct found *f = malloc((r->rec.n ? r->rec.n : 1) * sizeof(*f));
    unsigned i;

    *nf = 0;
    *bytes = 0;
    for (i = 0; f && i < r->rec.n; i++) {
        struct look l;
        const char *name;
        int dfd;

        if (!r->rec.e[i].rel || r->rec.e[i].live_pass == r->pass)
            continue;
        dfd = dir_of(r, r->rec.e[i].rel, &name);
        if (dfd >= 0 && still_ours(r, i, dfd, name, &l)) {
            f[*nf].idx = i;
            f[*nf].size = l.size;
            f[*nf].mtime = l.mtime;
            *bytes += f[(*nf)++].size;
        } else {
            record_drop(&r->rec, i);     /* gone, or no longer ours: forgotten, untouched */
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

#define SAVE_RETRY_MS 30000

/* The record, if it changed; after a failure, not again for a while. */
static void save_if_dirty(struct retention *r, uint64_t now)
{
    if (!r->rec.dirty || now < r->save_at)
        return;
    if (record_save(&r->rec) < 0)
        r->save_at = now + SAVE_RETRY_MS;
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
    record_compact(&r->rec);
    fig->retention_runs++;
    fig->last_retention_ms = (uint64_t)time(NULL) * 1000;
    fig->bytes_live = live;
    fig->bytes_managed = total;
    fig->files_managed = nfiles;
    for (i = 0; i < r->rec.n; i++)
        if (r->rec.e[i].live_pass == r->pass)
            fig->files_managed++;
    if (p->max_total_size && total > p->max_total_size)
        log_warn("retention: %llu bytes managed, above max_total_size %llu: the live "
                 "streams' files alone (%llu bytes) are never removed",
                 (unsigned long long)total, (unsigned long long)p->max_total_size,
                 (unsigned long long)live);
    save_if_dirty(r, now_ms());
}

void retention_repack(struct retention *r)
{
    if (r)
        record_repack(&r->rec);
}

void retention_tick(struct retention *r, uint64_t now)
{
    if (!r)
        return;
    if (r->soon || now >= r->next_run) {
        r->next_run = now + (uint64_t)r->d->policy.retention_interval * 1000;
        retention_run(r);
    } else {
        save_if_dirty(r, now);
    }
}
