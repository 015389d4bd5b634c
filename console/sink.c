/* SPDX-License-Identifier: GPL-2.0-only */
#include <assert.h>

#include "sink.h"

void sinks_add(struct sinks *l, struct sink *k)
{
    assert(k->ops && k->ops->feed && k->ops->end);
    assert(!k->ops->tee_next || (k->ops->tee && k->ops->moved));
    k->ahead = 0;
    k->next = l->head;
    l->head = k;
    l->n++;
    l->nbuf += !k->ops->tee;
    l->nnext += !!k->ops->tee_next;
}

void sinks_del(struct sinks *l, struct sink *k)
{
    struct sink **pp;

    for (pp = &l->head; *pp; pp = &(*pp)->next) {
        if (*pp == k) {
            *pp = k->next;
            k->next = NULL;
            l->n--;
            l->nbuf -= !k->ops->tee;
            l->nnext -= !!k->ops->tee_next;
            return;
        }
    }
}

void sinks_feed(struct sinks *l, const char *buf, size_t n)
{
    struct sink *k, *next;

    for (k = l->head; k; k = next) {
        next = k->next;
        k->ops->feed(k, buf, n);
    }
}

void sinks_tee(struct sinks *l, int from, size_t n)
{
    struct sink *k, *next;

    for (k = l->head; k; k = next) {
        next = k->next;
        if (k->ops->tee)
            k->ops->tee(k, from, n);
    }
}

void sinks_feed_buf(struct sinks *l, const char *buf, size_t n)
{
    struct sink *k, *next;

    for (k = l->head; k; k = next) {
        next = k->next;
        if (!k->ops->tee)
            k->ops->feed(k, buf, n);
    }
}

void sinks_tee_next(struct sinks *l, int fifo, size_t n)
{
    struct sink *k, *next;

    for (k = l->head; k; k = next) {
        next = k->next;
        k->ops->tee_next(k, fifo, n);
    }
}

void sinks_moved(struct sinks *l, size_t n)
{
    struct sink *k, *next;

    for (k = l->head; k; k = next) {
        next = k->next;
        k->ops->moved(k, n);
    }
}

uint64_t sinks_ahead(const struct sinks *l)
{
    const struct sink *k;
    uint64_t least = 0;

    for (k = l->head; k; k = k->next)
        if (k->ahead && (!least || k->ahead < least))
            least = k->ahead;
    return least;
}

unsigned sinks_count(const struct sinks *l, const struct sink_ops *ops)
{
    const struct sink *k;
    unsigned n = 0;

    for (k = l->head; k; k = k->next)
        n += k->ops == ops;
    return n;
}

void sinks_end(struct sinks *l)
{
    struct sink *k;

    while ((k = l->head) != NULL) {
        sinks_del(l, k);
        k->ops->end(k);
    }
}
