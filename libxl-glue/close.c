/* SPDX-License-Identifier: LGPL-2.1-only */
/* close.c - finish streams by id or by domain, and reclaim stale FIFOs. */
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "decimal.h"
#include "glue.h"
#include "xstxn.h"

/* ---- closing -------------------------------------------------------------- */

/* The FIFOs a transaction found, to unlink once it committed. */
struct fifo_list {
    char **path;
    uint32_t *id;
    unsigned n;
};

static void fifo_list_clear(struct fifo_list *l)
{
    for (unsigned i = 0; i < l->n; i++)
        free(l->path[i]);
    free(l->path);
    free(l->id);
    memset(l, 0, sizeof(*l));
}

/* Room for n FIFOs; false if out of memory. */
static bool fifo_list_alloc(struct fifo_list *l, unsigned n)
{
    fifo_list_clear(l);
    l->path = calloc(n ? n : 1, sizeof(*l->path));
    l->id = calloc(n ? n : 1, sizeof(*l->id));
    return l->path && l->id;
}

/* Adds the FIFO named by node (in t), if there is one. */
static void fifo_list_read(xenlog_ctx *ctx, xs_transaction_t t, struct fifo_list *l,
                           uint32_t id, const char *node)
{
    char *v = glue_read(ctx, t, node);

    if (v) {
        l->id[l->n] = id;
        l->path[l->n++] = v;
    }
}

/* Unlinks the FIFOs of domid, and empties the list. */
static void fifo_list_unlink(struct fifo_list *l, uint32_t domid)
{
    for (unsigned i = 0; i < l->n; i++)
        glue_unlink_fifo(domid, l->id[i], l->path[i]);
    fifo_list_clear(l);
}

/* What closing one stream, or every stream of a domain, shares. */
struct closing {
    xenlog_ctx *ctx;
    uint32_t domid, id;
    char path[96];                  /* the stream's node, or the domain's logging */
    struct fifo_list fifos;
    int rc;                         /* a failure inside the transaction */
};

#define CLOSE_FAILED 1
#define CLOSE_NOTHING 2             /* no node: nothing to remove */

/* An xs_txn_fn: removes one stream's node, noting its FIFOs. */
static int close_attempt(struct xs_handle *xsh, xs_transaction_t t, void *arg)
{
    struct closing *c = arg;
    char node[128];

    if (glue_is_absent(c->ctx, t, c->path)) {
        c->rc = glue_fail(c->ctx, XENLOG_E_NOTFOUND, -1, "no stream %u/%u",
                          (unsigned)c->domid, (unsigned)c->id);
        return CLOSE_FAILED;
    }
    if (!fifo_list_alloc(&c->fifos, 2))
        return -ENOMEM;
    snprintf(node, sizeof(node), "%s/pipe", c->path);
    fifo_list_read(c->ctx, t, &c->fifos, c->id, node);
    snprintf(node, sizeof(node), "%s/input", c->path);
    fifo_list_read(c->ctx, t, &c->fifos, c->id, node);
    return xs_rm(xsh, t, c->path) ? 0 : -errno;
}

int xenlog_close_id(xenlog_ctx *ctx, uint32_t domid, uint32_t id)
{
    struct closing c = { .ctx = ctx, .domid = domid, .id = id };
    int r;

    assert(ctx);

    ctx->errbuf[0] = 0;
    if (domid > XENLOG_MAX_ID || id > XENLOG_MAX_ID)
        return glue_fail(ctx, XENLOG_E_INVAL, -1, "bad stream %u/%u", (unsigned)domid,
                         (unsigned)id);
    glue_stream_path(c.path, sizeof(c.path), domid, id, NULL);
    r = xs_txn_retry(ctx->xsh, close_attempt, &c, GLUE_TXN_TRIES);
    if (r == 0)
        fifo_list_unlink(&c.fifos, domid);
    fifo_list_clear(&c.fifos);
    if (r == CLOSE_FAILED)
        return c.rc;
    return r ? glue_fail(ctx, XENLOG_E_STORE, -r, "cannot remove %s", c.path) : 0;
}

/* An xs_txn_fn: removes a domain's logging node, noting every FIFO of its
 * streams (pipe and, of a console stream, input). */
static int cleanup_attempt(struct xs_handle *xsh, xs_transaction_t t, void *arg)
{
    static const char *const leaves[] = { "pipe", "input" };
    struct closing *c = arg;
    char node[160];
    unsigned n;
    bool absent;
    char **d = glue_directory(c->ctx, t, c->path, &n, &absent);

    if (!d) {
        if (absent)
            return CLOSE_NOTHING;
        c->rc = glue_fail(c->ctx, XENLOG_E_STORE, errno, "cannot list %s", c->path);
        return CLOSE_FAILED;
    }
    if (!fifo_list_alloc(&c->fifos, 2 * n)) {
        free(d);
        return -ENOMEM;
    }
    for (unsigned i = 0; i < n; i++) {
        uint64_t id;

        if (parse_decimal(d[i], 0, XENLOG_MAX_ID, &id))
            continue;
        for (unsigned k = 0; k < 2; k++) {
            snprintf(node, sizeof(node), "%s/%s/%s", c->path, d[i], leaves[k]);
            fifo_list_read(c->ctx, t, &c->fifos, (uint32_t)id, node);
        }
    }
    free(d);
    return xs_rm(xsh, t, c->path) ? 0 : -errno;
}

int xenlog_domain_cleanup(xenlog_ctx *ctx, uint32_t domid)
{
    struct closing c = { .ctx = ctx, .domid = domid };
    const char *run_dir;
    int r;

    assert(ctx);

    ctx->errbuf[0] = 0;
    if (domid > XENLOG_MAX_ID)
        return glue_fail(ctx, XENLOG_E_INVAL, -1, "bad domid %u", (unsigned)domid);
    glue_logging_path(c.path, sizeof(c.path), domid);
    r = xs_txn_retry(ctx->xsh, cleanup_attempt, &c, GLUE_TXN_TRIES);
    if (r == 0)
        fifo_list_unlink(&c.fifos, domid);
    fifo_list_clear(&c.fifos);
    if (r == CLOSE_FAILED)
        return c.rc;
    if (r < 0)
        return glue_fail(ctx, XENLOG_E_STORE, -r, "cannot remove %s", c.path);
    /* FIFOs of this domain whose nodes were already gone. */
    if (xenlog_get_dirs(ctx, &run_dir, NULL) == 0)
        (void)glue_gc_dir(ctx, run_dir, domid, XENLOG_GC_MIN_AGE, NULL);
    ctx->errbuf[0] = 0;
    return 0;
}

/* ---- stale FIFOs ----------------------------------------------------------- */

/* Is the FIFO run_dir/name still named by its stream, as pipe or input?
 * true also when that cannot be told (it is kept). */
static bool fifo_is_live(xenlog_ctx *ctx, const char *run_dir, const char *name,
                         uint32_t domid, uint32_t id)
{
    char node[96];
    char *full = NULL;
    bool live = false;

    if (asprintf(&full, "%s/%s", run_dir, name) < 0)
        return true;
    for (unsigned k = 0; !live && k < 2; k++) {
        char *v;

        glue_stream_path(node, sizeof(node), domid, id, k ? "input" : "pipe");
        v = glue_read(ctx, XBT_NULL, node);
        if (!v && errno != ENOENT)
            live = true;
        else if (v && !strcmp(v, full))
            live = true;
        free(v);
    }
    free(full);
    return live;
}

/* Is the entry name of the run dir d a FIFO of ours, of domid (< 0: any),
 * older than min_age, that no stream names? */
static bool is_stale(xenlog_ctx *ctx, DIR *d, const char *run_dir, const char *name,
                     int64_t domid, unsigned min_age)
{
    uint32_t fd_domid, id;
    struct stat st;
    time_t changed;

    if (!glue_parse_fifo_name(name, &fd_domid, &id) ||
        (domid >= 0 && (int64_t)fd_domid != domid))
        return false;
    if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISFIFO(st.st_mode) ||
        st.st_uid != geteuid())
        return false;
    changed = st.st_ctime > st.st_mtime ? st.st_ctime : st.st_mtime;
    if (time(NULL) - changed < (time_t)min_age)
        return false;   /* may be a stream being opened right now */
    return !fifo_is_live(ctx, run_dir, name, fd_domid, id);
}

int glue_gc_dir(xenlog_ctx *ctx, const char *run_dir, int64_t domid, unsigned min_age,
                unsigned *removed_r)
{
    unsigned removed = 0;
    struct dirent *de;
    DIR *d = opendir(run_dir);

    if (removed_r)
        *removed_r = 0;
    if (!d)
        return glue_fail(ctx, XENLOG_E_FAIL, errno, "cannot open run dir %s", run_dir);
    while ((de = readdir(d))) {
        if (!is_stale(ctx, d, run_dir, de->d_name, domid, min_age) ||
            unlinkat(dirfd(d), de->d_name, 0))
            continue;
        removed++;
        glue_log(ctx, XTL_DEBUG, -1, "removed stale FIFO %s/%s", run_dir, de->d_name);
    }
    closedir(d);
    if (removed_r)
        *removed_r = removed;
    return 0;
}

int xenlog_gc(xenlog_ctx *ctx, int64_t domid, unsigned *removed_r)
{
    const char *run_dir;

    assert(ctx);
    run_dir = ctx->run_dir_override;

    ctx->errbuf[0] = 0;
    if (removed_r)
        *removed_r = 0;
    if (!run_dir) {
        if (xenlog_get_dirs(ctx, &run_dir, NULL))
            run_dir = XEN_RUN_DIR;
        ctx->errbuf[0] = 0;
    }
    return glue_gc_dir(ctx, run_dir, domid, XENLOG_GC_MIN_AGE, removed_r);
}
