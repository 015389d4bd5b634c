/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The store, the loop's side: its requests go to the store thread through a
 * queue, the answers come back through another (store.h, store-int.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "store-int.h"
#include "util.h"

#define STOP_WAIT_S 2

static void on_events(struct loop_fd *lf, uint32_t events);

/* ---- the loop's side ---- */

struct store *store_new(struct xld *d, const char *control_path,
                        const struct store_events *ev)
{
    struct store *st = calloc(1, sizeof(*st));

    if (!st)
        return NULL;
    st->d = d;
    st->on = ev;
    st->control_path = control_path ? strdup(control_path) : NULL;
    st->lf.fd = st->req_fd = -1;
    st->lf.fn = on_events;
    storeq_init(&st->req);
    storeq_init(&st->ev);
    pthread_mutex_init(&st->mu, NULL);
    pthread_cond_init(&st->cond, NULL);
    return st;
}

void store_request_spec(struct store *st, unsigned domid, unsigned id, bool rewritten)
{
    struct msg *m = store_msg_new(M_READ, domid, id);

    if (!m)
        return;
    m->rewritten = rewritten;
    store_post(st, &st->req, st->req_fd, m);
}

void store_set_state(struct store *st, unsigned domid, unsigned id, const char *state,
                     const char *error)
{
    struct msg *m = store_msg_new(M_STATE, domid, id);

    if (!m)
        return;
    m->state = strdup(state);
    m->error = error ? strdup(error) : NULL;
    if (!m->state || (error && !m->error)) {
        store_msg_free(m);
        return;
    }
    store_post(st, &st->req, st->req_fd, m);
}

static void on_path(struct store *st, const struct store_path *p)
{
    switch (p->kind) {
    case SP_ALL:
        st->on->check_gone(st->d, true, 0);
        break;
    case SP_DOMAIN:
        st->on->check_gone(st->d, false, p->domid);
        break;
    case SP_STREAM:
        if (p->own && st->on->known(st->d, p->domid, p->id))
            break;      /* our own writes */
        st->on->changed(st->d, p->domid, p->id, p->node);
        break;
    default:
        break;
    }
}

static void on_events(struct loop_fd *lf, uint32_t events)
{
    struct store *st = container_of(lf, struct store, lf);
    uint64_t n;
    struct msg *m;

    (void)events;
    if (read(lf->fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
        log_warn("store: eventfd: %s", strerror(errno));
    while ((m = storeq_pop(st, &st->ev)) != NULL) {
        if (m->kind == M_PATH) {
            on_path(st, &m->path);
        } else if (m->kind == M_SPEC) {
            st->on->spec_read(st->d, m->domid, m->id, m->r, &m->sp, m->state, m->rewritten);
            m->state = NULL;    /* both handed over */
            memset(&m->sp, 0, sizeof(m->sp));
        }
        store_msg_free(m);
    }
}

void store_tick(struct store *st, uint64_t now)
{
    (void)st;
    (void)now;
}

/* Waits (at most STOP_WAIT_S) for *flag, under the lock. */
static bool wait_for(struct store *st, const bool *flag)
{
    struct timespec until;
    bool ok;

    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += STOP_WAIT_S;
    pthread_mutex_lock(&st->mu);
    while (!*flag && pthread_cond_timedwait(&st->cond, &st->mu, &until) == 0)
        ;
    ok = *flag;
    pthread_mutex_unlock(&st->mu);
    return ok;
}

void store_unadvertise(struct store *st)
{
    struct msg *m;

    if (!st->started) {
        store_unadvertise_now(st);
        return;
    }
    if (!(m = store_msg_new(M_UNADVERTISE, 0, 0)))
        return;
    store_post(st, &st->req, st->req_fd, m);
    if (!wait_for(st, &st->unadvertised)) {
        log_warn("xenstore does not answer: " ADVERT " left in place");
        st->hung = true;
    }
}

void store_free(struct store *st)
{
    if (!st)
        return;
    if (st->started) {
        pthread_mutex_lock(&st->mu);
        st->stop = true;
        pthread_mutex_unlock(&st->mu);
        store_wake(st->req_fd);
        /* At most STOP_WAIT_S in all: once is enough to know it is hung. */
        if (st->hung || !wait_for(st, &st->exited)) {
            /* Blocked in a call to a hung xenstored: leave it (we exit). */
            log_warn("xenstore does not answer: not waiting for it");
            pthread_detach(st->thread);
            return;
        }
        pthread_join(st->thread, NULL);
    }
    if (st->lf.fd >= 0) {
        loop_del(st->d->loop, &st->lf);
        close(st->lf.fd);
    }
    if (st->req_fd >= 0)
        close(st->req_fd);
    store_names_free(st);
    store_errset_clear(&st->errs);
    free(st->control_path);
    store_conn_close(st);
    storeq_clear(&st->req);
    storeq_clear(&st->ev);
    pthread_cond_destroy(&st->cond);
    pthread_mutex_destroy(&st->mu);
    free(st);
}

int store_connect(struct store *st)
{
    int err;

    /* The eventfds first: once advertised, the daemon holds all it holds
     * when idle (tests count its descriptors from then on). */
    st->req_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    st->lf.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (st->req_fd < 0 || st->lf.fd < 0) {
        log_err(errno, "store: eventfd");
        return -EIO;
    }
    if ((err = store_conn_open(st)) < 0)
        return err;
    if (loop_add(st->d->loop, &st->lf, EPOLLIN) < 0) {
        log_err(errno, "store: eventfd");
        return -EIO;
    }
    /* Signals stay blocked in the new thread: they go to main's signalfd. */
    err = pthread_create(&st->thread, NULL, store_thread_main, st);
    if (err) {
        log_err(err, "store: cannot start its thread");
        return -err;
    }
    st->started = true;
    return 0;
}
