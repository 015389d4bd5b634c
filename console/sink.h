/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a stream feeds besides its file: readers on the control socket
 * (control.c), forwarding to the journal or a collector (forward.c). A
 * stream knows only this interface; whoever attaches a sink owns it and
 * detaches it before freeing it. Bytes come in the order they reached the
 * file (or were dropped), in chunks that need not end lines: in memory
 * (feed), or, where the data path is zero copy, at the head of a pipe
 * (tee, for sinks that have it; the others get feed).
 */
#ifndef XENLOGD_SINK_H
#define XENLOGD_SINK_H

#include <stddef.h>
#include <stdint.h>

struct sink;

struct sink_ops {
    /* Bytes that just moved; a sink must not block and must not detach
     * another sink from within. It may detach itself. */
    void (*feed)(struct sink *k, const char *buf, size_t n);
    /* Optional: the n bytes that just moved are the first n of pipe `from`;
     * the sink takes them with tee(2) (never reads or splices `from`). Same
     * rules as feed. A sink without it gets feed(). */
    void (*tee)(struct sink *k, int from, size_t n);
    /* The stream ends: the sink is already detached; it may free itself. */
    void (*end)(struct sink *k);
};

struct sink {
    const struct sink_ops *ops;
    struct sink *next;
};

struct sinks {
    struct sink *head;
    unsigned n;
    unsigned nbuf;          /* of those, sinks without tee() */
};

void sinks_add(struct sinks *l, struct sink *k);
void sinks_del(struct sinks *l, struct sink *k);
/* Feeds every sink (a sink may detach itself while fed). */
void sinks_feed(struct sinks *l, const char *buf, size_t n);
/* Zero copy: the n bytes that moved are at the head of pipe `from`. Sinks
 * with tee() take them; sinks_want_buf() says whether any other needs them
 * in memory, then sinks_feed_buf() feeds only those. */
void sinks_tee(struct sinks *l, int from, size_t n);
void sinks_feed_buf(struct sinks *l, const char *buf, size_t n);
/* How many attached sinks have these ops. */
unsigned sinks_count(const struct sinks *l, const struct sink_ops *ops);
/* Detaches every sink and calls its end(). */
void sinks_end(struct sinks *l);

static inline int sinks_empty(const struct sinks *l)
{
    return l->head == NULL;
}

static inline int sinks_want_buf(const struct sinks *l)
{
    return l->nbuf > 0;
}

#endif
