/* SPDX-License-Identifier: LGPL-2.1-only */
/* list.c - list the streams of a domain or of all. */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decimal.h"
#include "glue.h"

/* ---- listing ------------------------------------------------------------ */

static int cmp_info(const void *a, const void *b)
{
    const xenlog_stream_info *x = a, *y = b;
    if (x->domid != y->domid)
        return x->domid < y->domid ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static char *read_or_empty(xenlog_ctx *ctx, const char *p)
{
    char *v = glue_read(ctx, XBT_NULL, p);
    return v ? v : strdup("");
}

void xenlog_list_free(xenlog_stream_info *info, size_t n)
{
    for (size_t i = 0; info && i < n; i++) {
        free(info[i].state);
        free(info[i].pipe);
        free(info[i].file);
        free(info[i].error);
    }
    free(info);
}

/* One more entry at the end of *info, zeroed; NULL if out of memory. */
static xenlog_stream_info *list_grow(xenlog_stream_info **info, size_t *n, size_t *cap)
{
    xenlog_stream_info *e;

    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        xenlog_stream_info *ni = realloc(*info, nc * sizeof(*ni));

        if (!ni)
            return NULL;
        *info = ni;
        *cap = nc;
    }
    e = &(*info)[(*n)++];
    memset(e, 0, sizeof(*e));
    return e;
}

/* The nodes of the stream at dir into e; false if out of memory. */
static bool read_info(xenlog_ctx *ctx, const char *dir, xenlog_stream_info *e)
{
    char p[160];
    char *v;
    uint64_t x;

    snprintf(p, sizeof(p), "%s/state", dir);
    e->state = read_or_empty(ctx, p);
    snprintf(p, sizeof(p), "%s/pipe", dir);
    e->pipe = read_or_empty(ctx, p);
    snprintf(p, sizeof(p), "%s/file", dir);
    e->file = read_or_empty(ctx, p);
    snprintf(p, sizeof(p), "%s/error", dir);
    e->error = read_or_empty(ctx, p);
    snprintf(p, sizeof(p), "%s/limit", dir);
    v = glue_read(ctx, XBT_NULL, p);
    e->limit = !parse_decimal(v, 0, XENLOG_MAX_LIMIT, &x) ? x : 0;
    free(v);
    snprintf(p, sizeof(p), "%s/copies", dir);
    v = glue_read(ctx, XBT_NULL, p);
    e->copies = !parse_decimal(v, 0, XENLOG_MAX_COPIES, &x) ? (int)x : -1;
    free(v);
    return e->state && e->pipe && e->file && e->error;
}

/* Append the streams of one domain. */
static int list_domain(xenlog_ctx *ctx, uint32_t domid, xenlog_stream_info **info, size_t *n,
                       size_t *cap)
{
    char lp[64], dir[128];
    unsigned nd;
    bool absent, ok = true;
    char **d;

    glue_logging_path(lp, sizeof(lp), domid);
    d = glue_directory(ctx, XBT_NULL, lp, &nd, &absent);
    if (!d)
        return absent ? 0 : glue_fail(ctx, XENLOG_E_STORE, errno, "cannot list %s", lp);
    for (unsigned i = 0; ok && i < nd; i++) {
        xenlog_stream_info *e;
        uint64_t id;

        if (parse_decimal(d[i], 0, XENLOG_MAX_ID, &id))
            continue;
        e = list_grow(info, n, cap);
        if (!e) {
            ok = false;
            break;
        }
        e->domid = domid;
        e->id = (uint32_t)id;
        snprintf(dir, sizeof(dir), "%s/%s", lp, d[i]);
        ok = read_info(ctx, dir, e);
    }
    free(d);
    if (!ok)
        return glue_fail(ctx, XENLOG_E_NOMEM, ENOMEM, "out of memory");
    return 0;
}

int xenlog_list(xenlog_ctx *ctx, int64_t domid, xenlog_stream_info **info_r,
                size_t *n_r)
{
    xenlog_stream_info *info = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;

    assert(ctx);

    ctx->errbuf[0] = 0;
    *info_r = NULL;
    *n_r = 0;
    if (domid > (int64_t)XENLOG_MAX_ID)
        return glue_fail(ctx, XENLOG_E_INVAL, -1, "bad domid %" PRId64, domid);
    if (domid >= 0) {
        rc = list_domain(ctx, (uint32_t)domid, &info, &n, &cap);
    } else {
        unsigned nd;
        bool absent;
        char **d = glue_directory(ctx, XBT_NULL, "/libxl", &nd, &absent);
        if (!d && !absent)
            rc = glue_fail(ctx, XENLOG_E_STORE, errno, "cannot list /libxl");
        for (unsigned i = 0; !rc && i < nd; i++) {
            uint64_t v;
            if (!parse_decimal(d[i], 0, XENLOG_MAX_ID, &v))
                rc = list_domain(ctx, (uint32_t)v, &info, &n, &cap);
        }
        free(d);
    }
    if (rc) {
        xenlog_list_free(info, n);
        return rc;
    }
    if (n)
        qsort(info, n, sizeof(*info), cmp_info);
    *info_r = info;
    *n_r = n;
    return 0;
}
