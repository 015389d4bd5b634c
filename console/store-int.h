/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside the store (store.h): shared by its files, not by the rest of the
 * daemon. Who calls whom (no cycle):
 *
 *   store.c         the loop's side: requests, answers, start, stop
 *     -> store-thread.c   the store thread: serves requests, the watch
 *          -> store-conn.c    connecting, advertising, the keepalive
 *               -> store-read.c    reading a stream's nodes; the scan of /libxl
 *                    -> store-state.c   writing states, a batch per
 *                                       transaction; which have `error`
 *   every one -> store-queue.c  the messages (spec_free) and the two queues
 *
 * Functions return 0 or a negative errno unless said otherwise.
 */
#ifndef XENLOGD_STORE_INT_H
#define XENLOGD_STORE_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <xenstore.h>

#include "loop.h"
#include "store.h"
#include "storepath.h"

#define ADVERT "/tool/xenlogd"
#define TXN_TRIES 100       /* conflicts before a transaction is given up */

/* One request (loop -> store thread) or one answer (store thread -> loop). */
enum msg_kind { M_READ, M_STATE, M_UNADVERTISE, M_PATH, M_SPEC };
struct msg {
    struct msg *next;
    enum msg_kind kind;
    unsigned domid, id;
    bool rewritten;
    struct store_path path;   /* M_PATH */
    int r;                    /* M_SPEC: 1 found, 0 gone, -errno the store failed */
    struct spec sp;           /* M_SPEC */
    char *state, *error;      /* M_SPEC: state; M_STATE: state and error */
};

struct queue {
    struct msg *head, **tail;
};

/* Domains' names, read once for a burst of streams (a domain starts
 * several at once): an entry lives NAME_TTL_MS. Domain ids are not reused
 * that fast. */
#define NAME_CACHE 64
#define NAME_TTL_MS 1000
struct name_cache {
    unsigned domid;
    uint64_t at;              /* 0: empty */
    char *name;               /* NULL: the domain has none */
};

/* The streams whose `error` node exists, as last seen or written: a state
 * `ready` removes it without first listing the stream's directory. */
#define ERRSET_BUCKETS 1024
struct errset {
    struct errset_entry {
        struct errset_entry *next;
        unsigned domid, id;
    } *b[ERRSET_BUCKETS];
};

struct store {
    struct xld *d;
    const struct store_events *on;
    char *control_path;       /* a copy: the control socket may go first */
    /* The store thread's, once it runs. Two connections: libxenstore reads
     * every answer on a handle with a watch through a thread of its own (a
     * hand-off and two context switches per call); the requests go on xsh,
     * which has no watch and reads its answers itself. */
    struct xs_handle *xsh;    /* requests */
    struct xs_handle *xw;     /* the watch on STORE_ROOT */
    pthread_t thread;
    bool started;
    pthread_mutex_t mu;       /* guards the queues and the flags below */
    pthread_cond_t cond;
    struct queue req, ev;
    int req_fd;               /* eventfd: wakes the store thread */
    struct loop_fd lf;        /* eventfd: wakes the loop */
    bool stop, exited, unadvertised;
    bool hung;                      /* it did not answer at exit: wait no more */
    struct name_cache names[NAME_CACHE];  /* the store thread's */
    struct errset errs;                   /* the store thread's */
};

/* store-queue.c (both threads; the queues under st->mu) */
void storeq_init(struct queue *q);
void storeq_clear(struct queue *q);
struct msg *store_msg_new(enum msg_kind kind, unsigned domid, unsigned id);
void store_msg_free(struct msg *m);
void store_wake(int fd);
/* Appends m to q and wakes the other side on fd. */
void store_post(struct store *st, struct queue *q, int fd, struct msg *m);
/* Appends a batch to the loop's queue: one lock, one wake-up. */
void store_post_batch(struct store *st, struct queue *batch);
struct msg *storeq_pop(struct store *st, struct queue *q);
/* The head of q if it is of that kind, else NULL. */
struct msg *storeq_pop_kind(struct store *st, struct queue *q, enum msg_kind kind);

/* store-thread.c */
void *store_thread_main(void *arg);

/* store-conn.c (the first connection, then the store thread only) */
/* Opens, checks for another daemon (-EEXIST), watches, advertises. */
int store_conn_open(struct store *st);
void store_conn_close(struct store *st);
/* The ping every 2 s; reconnection (and a rescan) after a lost store. */
void store_keepalive(struct store *st, uint64_t now, uint64_t *next);
void store_unadvertise_now(struct store *st);

/* store-read.c (the store thread) */
/* 1: the stream's directory exists (nodes filled in, NULL if missing);
 * 0: it does not; -errno: the store failed. */
int store_read_spec(struct store *st, unsigned domid, unsigned id, struct spec *sp,
                    char **state);
/* Every stream in the store to the loop; then "check those you hold". */
void store_scan(struct store *st);
void store_names_free(struct store *st);

/* store-state.c (the store thread) */
/* M_STATE first and those right behind it in the queue, in one transaction. */
void store_serve_states(struct store *st, struct msg *first);
void store_errset_note(struct errset *s, unsigned domid, unsigned id, bool has);
void store_errset_clear(struct errset *s);

#endif
