/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The store thread: the only one that calls xenstore once the loop runs. It
 * serves the loop's requests, turns the watch's events into paths for the
 * loop, and pings (store-int.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "store-int.h"

#define PING_MS 2000

/* A request, on the store thread. */
static void serve(struct store *st, struct msg *m)
{
    switch (m->kind) {
    case M_READ:
        m->kind = M_SPEC;
        m->r = store_read_spec(st, m->domid, m->id, &m->sp, &m->state);
        if (m->r < 0)
            break;      /* the store failed: the rescan on reconnect decides */
        store_post(st, &st->ev, st->lf.fd, m);
        return;
    case M_STATE:
        store_serve_states(st, m);
        return;
    case M_UNADVERTISE:
        store_unadvertise_now(st);
        pthread_mutex_lock(&st->mu);
        st->unadvertised = true;
        pthread_cond_broadcast(&st->cond);
        pthread_mutex_unlock(&st->mu);
        break;
    default:
        break;
    }
    store_msg_free(m);
}

/* The same stream as the previous event: one look at it serves both. */
static bool merge(struct msg *last, const struct store_path *p)
{
    if (!last || p->kind != SP_STREAM || last->path.kind != SP_STREAM ||
        last->path.domid != p->domid || last->path.id != p->id)
        return false;
    last->path.node = last->path.node || p->node;
    last->path.own = last->path.own && p->own;
    return true;
}

/*
 * Every event queued, as one batch. A writer's transaction fires one event
 * per node (pipe, file, limit, copies: four in a row for one stream); those
 * in a row for the same stream become one, so it is read once, not four
 * times.
 */
static void on_watch(struct store *st)
{
    struct queue batch;
    struct msg *last = NULL;
    struct store_path p;
    char **vec;

    storeq_init(&batch);
    while (st->xw && (vec = xs_check_watch(st->xw)) != NULL) {
        store_path_parse(vec[XS_WATCH_PATH], &p);
        free(vec);
        if (p.kind == SP_NONE || merge(last, &p))
            continue;
        if (!(last = store_msg_new(M_PATH, p.domid, p.id)))
            continue;
        last->path = p;
        *batch.tail = last;
        batch.tail = &last->next;
    }
    store_post_batch(st, &batch);
}

static bool stopping(struct store *st)
{
    bool stop;

    pthread_mutex_lock(&st->mu);
    stop = st->stop;
    pthread_mutex_unlock(&st->mu);
    return stop;
}

/* Waits for a request, an event or the next ping; serves what came. */
static void round_once(struct store *st, uint64_t *next)
{
    struct pollfd p[2] = {
        { .fd = st->req_fd, .events = POLLIN },
        { .fd = st->xw ? xs_fileno(st->xw) : -1, .events = POLLIN },
    };
    uint64_t cnt, now = now_ms();
    struct msg *m;

    poll(p, 2, *next > now ? (int)(*next - now) : 0);
    if (p[0].revents && read(st->req_fd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
        log_warn("store: eventfd: %s", strerror(errno));
    while (!stopping(st) && (m = storeq_pop(st, &st->req)) != NULL)
        serve(st, m);
    if (p[1].revents)
        on_watch(st);
    store_keepalive(st, now_ms(), next);
}

void *store_thread_main(void *arg)
{
    struct store *st = arg;
    uint64_t next = now_ms() + PING_MS;

    store_scan(st);
    while (!stopping(st))
        round_once(st, &next);
    pthread_mutex_lock(&st->mu);
    st->exited = true;
    pthread_cond_broadcast(&st->cond);
    pthread_mutex_unlock(&st->mu);
    return NULL;
}
