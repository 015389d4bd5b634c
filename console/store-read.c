/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading from xenstore, on the store thread: a stream's nodes (and its
 * domain's name), and the scan of every stream under /libxl (store-int.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store-int.h"

static void post_path(struct store *st, enum store_path_kind kind, unsigned domid,
                      unsigned id)
{
    struct msg *m = store_msg_new(M_PATH, domid, id);

    if (!m)
        return;
    m->path.kind = kind;
    m->path.domid = domid;
    m->path.id = id;
    store_post(st, &st->ev, st->lf.fd, m);
}

void store_scan(struct store *st)
{
    unsigned nd = 0, ni, i, j, domid, id;
    char **doms = st->xsh ? xs_directory(st->xsh, XBT_NULL, STORE_ROOT, &nd) : NULL;
    char path[64];

    for (i = 0; doms && i < nd; i++) {
        char **ids;

        if (!parse_id(doms[i], &domid))
            continue;
        snprintf(path, sizeof(path), STORE_ROOT "/%u/logging", domid);
        ids = xs_directory(st->xsh, XBT_NULL, path, &ni);
        for (j = 0; ids && j < ni; j++)
            if (parse_id(ids[j], &id))
                post_path(st, SP_STREAM, domid, id);
        free(ids);
    }
    free(doms);
    post_path(st, SP_ALL, 0, 0);
}

static char *read_node(struct store *st, const char *dir, const char *node, int *err)
{
    char path[96];
    unsigned len;
    char *v;

    snprintf(path, sizeof(path), "%s/%s", dir, node);
    v = xs_read(st->xsh, XBT_NULL, path, &len);
    if (!v && errno != ENOENT)
        *err = errno ? errno : EIO;
    if (v && strlen(v) != len) {    /* embedded NUL: not a string */
        free(v);
        v = strdup("");
    }
    return v;
}

static bool listed(char **ls, unsigned n, const char *name)
{
    unsigned i;

    for (i = 0; i < n; i++)
        if (strcmp(ls[i], name) == 0)
            return true;
    return false;
}

static char *fetch_domain_name(struct store *st, unsigned domid)
{
    char path[64];
    unsigned len;
    char *v;

    snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
    v = xs_read(st->xsh, XBT_NULL, path, &len);
    if (v && strlen(v) != len) {
        free(v);
        v = NULL;
    }
    return v;
}

/* The domain's name (boot markers, forwarding), a copy; NULL if it has none. */
static char *read_domain_name(struct store *st, unsigned domid)
{
    struct name_cache *c = &st->names[domid % NAME_CACHE];
    uint64_t now = now_ms();

    if (!c->at || c->domid != domid || now - c->at >= NAME_TTL_MS) {
        free(c->name);
        c->name = fetch_domain_name(st, domid);
        c->domid = domid;
        c->at = now;
    }
    return c->name ? strdup(c->name) : NULL;
}

void store_names_free(struct store *st)
{
    unsigned i;

    for (i = 0; i < NAME_CACHE; i++) {
        free(st->names[i].name);
        st->names[i].name = NULL;
        st->names[i].at = 0;
    }
}

/* The nodes ls lists, each read (an absent one costs no round trip; a node
 * written after the listing fires the watch, and all is read again). */
static int read_listed(struct store *st, const char *dir, char **ls, unsigned n,
                       struct spec *sp, char **state)
{
    struct { const char *node; char **to; } want[] = {
        { "pipe", &sp->pipe }, { "file", &sp->file }, { "limit", &sp->limit },
        { "copies", &sp->copies }, { "input", &sp->input },
        { "timestamp", &sp->timestamp }, { "compress", &sp->compress },
        { "state", state },
    };
    size_t i;
    int err = 0;

    for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        if (listed(ls, n, want[i].node))
            *want[i].to = read_node(st, dir, want[i].node, &err);
    return -err;
}

int store_read_spec(struct store *st, unsigned domid, unsigned id, struct spec *sp,
                    char **state)
{
    char dir[64];
    unsigned n;
    char **ls;
    int r;

    memset(sp, 0, sizeof(*sp));
    *state = NULL;
    if (!st->xsh)
        return -ENOTCONN;
    snprintf(dir, sizeof(dir), STORE_ROOT "/%u/logging/%u", domid, id);
    ls = xs_directory(st->xsh, XBT_NULL, dir, &n);
    if (!ls) {
        if (errno == ENOENT)
            store_errset_note(&st->errs, domid, id, false);
        return errno == ENOENT ? 0 : -(errno ? errno : EIO);
    }
    r = read_listed(st, dir, ls, n, sp, state);
    if (r == 0)
        store_errset_note(&st->errs, domid, id, listed(ls, n, "error"));
    free(ls);
    sp->domain = read_domain_name(st, domid);
    if (r < 0) {
        spec_free(sp);
        free(*state);
        *state = NULL;
        return r;
    }
    return 1;
}
