/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a stream feeds besides its file: readers on the control socket
 * (control.c), forwarding to the journal or a collector (forward.c). A
 * stream knows only this interface; whoever attaches a sink owns it and
 * detaches it before freeing it. Bytes come in the order they reached the
 * file (or were dropped), in chunks that need not end lines: in memory
 * (feed), or, where the data path is zero copy, at the head of a pipe
 * (tee, for sinks that have it; the others get feed). Where every sink
 * can, the stream goes further: each takes the next bytes straight from
 * the FIFO before they move to the file (tee_next), and is told how many
 * did (moved). A sink that took more than moved is `ahead`: it already
 * holds the stream's next bytes, and takes none of them again.
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
    /* Optional, with tee: the next n bytes are at the head of the FIFO
     * `fifo`, not moved yet; the sink tees what it can now (never reads
     * or splices `fifo`), then moved() says how many of the n moved. A
     * sink with ahead > 0 takes nothing here (n <= ahead: move() sees to
     * it). Same rules as feed; a sink that detaches itself gets no moved(). */
    void (*tee_next)(struct sink *k, int fifo, size_t n);
    void (*moved)(struct sink *k, size_t n);
    /* The stream ends: the sink is already detached; it may free itself. */
    void (*end)(struct sink *k);
};

struct sink {
    const struct sink_ops *ops;
    struct sink *next;
    uint64_t ahead;         /* the stream's next bytes it holds already */
};

struct sinks {
    struct sink *head;
    unsigned n;
    unsigned nbuf;          /* of those, sinks without tee() */
    unsigned nnext;         /* of those, sinks with tee_next() */
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
/* Before and after a move where every sink has tee_next (sinks_direct()). */
void sinks_tee_next(struct sinks *l, int fifo, size_t n);
void sinks_moved(struct sinks *l, size_t n);
/* The least `ahead` among sinks that are (0 if none is): no move may take
 * more, so that each ahead sink skips exactly what it holds. */
uint64_t sinks_ahead(const struct sinks *l);
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

static inline int sinks_direct(const struct sinks *l)
{
    return l->n > 0 && l->nnext == l->n;
}

#endif
