/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The record of the files the daemon manages, LOG_DIR/.xenlogd.files: one
 * line per file, "DEV INO BTIME PATH" (PATH beneath the log dir). A file is
 * the one recorded only if its device, inode and birth time all match: an
 * inode number alone may be reused by a file made after ours was removed.
 * Written anew (temporary file, rename) when it changed.
 */
#ifndef XENLOGD_RECORD_H
#define XENLOGD_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "xenlogd.h"

#define RECORD_NAME ".xenlogd.files"        /* reserved in the log dir */
#define RECORD_HASH 8192u

/* What identifies a file. */
struct fid {
    uint64_t dev, ino, btime;   /* btime: ns since the epoch; 0 if unknown */
};

/* What retention needs to know of a file. */
struct look {
    struct fid id;
    bool ours;                  /* regular, the daemon's uid, one link */
    uint64_t size;
    int64_t mtime;
};

struct entry {
    char *rel;                  /* beneath the log dir; NULL: a freed slot */
    struct fid id;
    uint64_t live_pass;         /* retention.c: the pass that saw it live */
    int next;                   /* hash chain, -1 at the end */
};

struct record {
    const struct xld *d;
    struct entry *e;
    unsigned n, cap, used;      /* slots, allocated, in use */
    int hash[RECORD_HASH];
    char *pool;                 /* names packed by record_repack() */
    size_t pool_len;
    bool dirty, full_warned, save_failed;
};

/* Loads the record of d's log dir (a missing one is empty). */
void record_init(struct record *r, const struct xld *d);
/* Saves it if it changed, and frees it. */
void record_fini(struct record *r);
/* 0, or -errno (said once per run of failures; dirty stays set). */
int record_save(struct record *r);

/* rel gains (or updates to) id: its index, or -ENOMEM, -ENOSPC (full). */
int record_upsert(struct record *r, const char *rel, const struct fid *id);
/* Forgets entry i (its slot is reused after record_compact()). */
void record_drop(struct record *r, unsigned i);
void record_compact(struct record *r);
/* The names into one block, so that freed memory around them can go back. */
void record_repack(struct record *r);

bool fid_same(const struct fid *a, const struct fid *b);
/* name in dfd (a symlink is not followed). 0 or -errno. */
int file_look(const struct xld *d, int dfd, const char *name, struct look *l);

#endif
