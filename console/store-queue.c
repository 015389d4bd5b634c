/* SPDX-License-Identifier: GPL-2.0-only */
/* The messages between the loop and the store thread, and their two queues
 * (store-int.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "store-int.h"

void storeq_init(struct queue *q)
{
    q->head = NULL;
    q->tail = &q->head;
}

void spec_free(struct spec *sp)
{
    free(sp->pipe);
    free(sp->file);
    free(sp->limit);
    free(sp->copies);
    free(sp->input);
    free(sp->timestamp);
    free(sp->compress);
    free(sp->domain);
    memset(sp, 0, sizeof(*sp));
}

void store_msg_free(struct msg *m)
{
    spec_free(&m->sp);
    free(m->state);
    free(m->error);
    free(m);
}

void storeq_clear(struct queue *q)
{
    struct msg *m;

    while ((m = q->head) != NULL) {
        q->head = m->next;
        store_msg_free(m);
    }
    q->tail = &q->head;
}

struct msg *store_msg_new(enum msg_kind kind, unsigned domid, unsigned id)
{
    struct msg *m = calloc(1, sizeof(*m));

    if (!m) {
        log_err(ENOMEM, "store: stream %u/%u: request lost", domid, id);
        return NULL;
    }
    m->kind = kind;
    m->domid = domid;
    m->id = id;
    return m;
}

void store_wake(int fd)
{
    uint64_t one = 1;

    if (write(fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
        log_warn("store: eventfd: %s", strerror(errno));
}

void store_post(struct store *st, struct queue *q, int fd, struct msg *m)
{
    m->next = NULL;
    pthread_mutex_lock(&st->mu);
    *q->tail = m;
    q->tail = &m->next;
    pthread_mutex_unlock(&st->mu);
    store_wake(fd);
}

void store_post_batch(struct store *st, struct queue *batch)
{
    if (!batch->head)
        return;
    pthread_mutex_lock(&st->mu);
    *st->ev.tail = batch->head;
    st->ev.tail = batch->tail;
    pthread_mutex_unlock(&st->mu);
    store_wake(st->lf.fd);
}

/* Under the lock. */
static struct msg *pop_locked(struct queue *q)
{
    struct msg *m = q->head;

    if (m) {
        q->head = m->next;
        if (!q->head)
            q->tail = &q->head;
    }
    return m;
}

struct msg *storeq_pop(struct store *st, struct queue *q)
{
    struct msg *m;

    pthread_mutex_lock(&st->mu);
    m = pop_locked(q);
    pthread_mutex_unlock(&st->mu);
    return m;
}

struct msg *storeq_pop_kind(struct store *st, struct queue *q, enum msg_kind kind)
{
    struct msg *m = NULL;

    pthread_mutex_lock(&st->mu);
    if (q->head && q->head->kind == kind)
        m = pop_locked(q);
    pthread_mutex_unlock(&st->mu);
    return m;
}
