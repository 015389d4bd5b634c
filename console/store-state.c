/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Writing streams' states, on the store thread: the states waiting in the
 * queue (a burst of streams becoming ready) go in one transaction, with one
 * listing of each domain's streams in it rather than one of each stream's
 * directory: the listing is part of the transaction, so a stream removed
 * before the commit makes it conflict and start again, and a state is never
 * written into a removed stream's directory (store-int.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store-int.h"
#include "xstxn.h"

#define STATE_BATCH 128     /* states written in one transaction, at most */

/* ---- which streams have an `error` node ---- */

static unsigned errset_bucket(unsigned domid, unsigned id)
{
    return ((domid * 2654435761u) ^ (id * 40503u)) % ERRSET_BUCKETS;
}

static struct errset_entry **errset_find(struct errset *s, unsigned domid, unsigned id)
{
    struct errset_entry **pp = &s->b[errset_bucket(domid, id)];

    while (*pp && ((*pp)->domid != domid || (*pp)->id != id))
        pp = &(*pp)->next;
    return pp;
}

void store_errset_note(struct errset *s, unsigned domid, unsigned id, bool has)
{
    struct errset_entry **pp = errset_find(s, domid, id), *e = *pp;

    if (has && !e && (e = calloc(1, sizeof(*e))) != NULL) {
        e->domid = domid;
        e->id = id;
        *pp = e;
    } else if (!has && e) {
        *pp = e->next;
        free(e);
    }
}

void store_errset_clear(struct errset *s)
{
    unsigned b;
    struct errset_entry *e;

    for (b = 0; b < ERRSET_BUCKETS; b++)
        while ((e = s->b[b]) != NULL) {
            s->b[b] = e->next;
            free(e);
        }
}

/* ---- one transaction ---- */

/* The streams of one domain, listed in the transaction. */
struct dom_list {
    bool valid;
    unsigned domid, n;
    char **ids;
};

/* Is DOMID/ID a stream, in transaction t? 1 yes, 0 no, -errno. */
static int stream_exists(struct xs_handle *xsh, xs_transaction_t t, struct dom_list *l,
                         unsigned domid, unsigned id)
{
    char name[16];
    unsigned i;

    if (!l->valid || l->domid != domid) {
        char path[64];

        free(l->ids);
        snprintf(path, sizeof(path), STORE_ROOT "/%u/logging", domid);
        l->ids = xs_directory(xsh, t, path, &l->n);
        if (!l->ids && errno != ENOENT)
            return -(errno ? errno : EIO);
        l->n = l->ids ? l->n : 0;
        l->domid = domid;
        l->valid = true;
    }
    snprintf(name, sizeof(name), "%u", id);
    for (i = 0; i < l->n; i++)
        if (strcmp(l->ids[i], name) == 0)
            return 1;
    return 0;
}

/* m's state (error first, if any; a stale error removed) in transaction t. */
static int put_state(struct store *st, xs_transaction_t t, const struct msg *m)
{
    char path[96];
    bool ok = true;
    int n;

    n = snprintf(path, sizeof(path), STORE_ROOT "/%u/logging/%u/error", m->domid, m->id);
    if (m->error)
        ok = xs_write(st->xsh, t, path, m->error, (unsigned)strlen(m->error));
    else if (*errset_find(&st->errs, m->domid, m->id))
        xs_rm(st->xsh, t, path);    /* a reason from an earlier try */
    memcpy(path + n - strlen("error"), "state", sizeof("state"));
    ok = ok && xs_write(st->xsh, t, path, m->state, (unsigned)strlen(m->state));
    return ok ? 0 : -(errno ? errno : EIO);
}

/* The states of n streams in one transaction: r[i] 1 written, 0 gone. */
struct states {
    struct store *st;
    struct msg **ms;
    size_t n;
    int *r;
};

static int put_states(struct xs_handle *xsh, xs_transaction_t t, void *arg)
{
    const struct states *a = arg;
    struct dom_list l = { .valid = false };
    size_t i;
    int r = 0;

    for (i = 0; i < a->n; i++) {
        int e = stream_exists(xsh, t, &l, a->ms[i]->domid, a->ms[i]->id);

        if (e > 0)
            e = put_state(a->st, t, a->ms[i]) < 0 ? -EIO : 1;
        if (e < 0) {
            r = -EIO;
            break;
        }
        a->r[i] = e;
    }
    free(l.ids);
    return r;
}

/* The batch by domain (one listing each), in place. Insertion: the batch is
 * short and nearly in order already; and glibc's qsort() may call
 * sysinfo(2), which the sandbox refuses. */
static void sort_by_domain(struct msg **ms, size_t n)
{
    size_t i, j;

    for (i = 1; i < n; i++) {
        struct msg *m = ms[i];

        for (j = i; j > 0 && ms[j - 1]->domid > m->domid; j--)
            ms[j] = ms[j - 1];
        ms[j] = m;
    }
}

/* ---- the batch ---- */

/* After the commit: what is known of `error`; a stream found gone goes back
 * to the loop as M_SPEC r = 0 (the loop finishes it). */
static void states_done(struct store *st, struct msg **ms, const int *r, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        struct msg *m = ms[i];

        if (r[i]) {
            store_errset_note(&st->errs, m->domid, m->id, m->error != NULL);
            store_msg_free(m);
            continue;
        }
        store_errset_note(&st->errs, m->domid, m->id, false);
        free(m->state);
        free(m->error);
        m->state = m->error = NULL;
        m->kind = M_SPEC;
        m->r = 0;
        store_post(st, &st->ev, st->lf.fd, m);
    }
}

void store_serve_states(struct store *st, struct msg *first)
{
    struct msg *ms[STATE_BATCH];
    int r[STATE_BATCH];
    struct states a = { .st = st, .ms = ms, .r = r };
    size_t n = 0;

    ms[n++] = first;
    while (n < STATE_BATCH && (ms[n] = storeq_pop_kind(st, &st->req, M_STATE)) != NULL)
        n++;
    a.n = n;
    /* One listing per domain: the domain's streams together. */
    sort_by_domain(ms, n);
    if (!st->xsh || xs_txn_retry(st->xsh, put_states, &a, TXN_TRIES) < 0) {
        for (size_t i = 0; i < n; i++) {
            log_warn("stream %u/%u: could not write state %s", ms[i]->domid, ms[i]->id,
                     ms[i]->state);
            store_msg_free(ms[i]);
        }
        return;
    }
    states_done(st, ms, r, n);
}
