/* SPDX-License-Identifier: GPL-2.0-only */
#include <assert.h>

#include "sink.h"

void sinks_add(struct sinks *l, struct sink *k)
{
    assert(k->ops && k->ops->feed && k->ops->end);
    k->next = l->head;
    l->head = k;
    l->n++;
    l->nbuf += !k->ops->tee;
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
