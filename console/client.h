/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A connection to the control socket (control.c accepts them, requests.c
 * answers them): what it is attached to, its queue of messages, sending.
 * Private to the control socket's files.
 */
#ifndef XENLOGD_CLIENT_H
#define XENLOGD_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/un.h>

#include "input.h"
#include "loop.h"
#include "sink.h"
#include "xenlogd.h"

#define QUEUE_CAP (2u << 20)          /* per reader: backlog + live bytes */
#define DATA_CHUNK 32768u
#define PIPE_SIZE (1u << 20)          /* a pipe reader's pipe, if the kernel lets us */

struct client {
    struct loop_fd lf;
    struct control *ctl;
    struct stream *s;                 /* attached to, or NULL */
    struct sink sink;                 /* fed by s */
    struct typist typist;             /* the console's: its INPUT goes to s's input */
    unsigned domid, id;               /* of s */
    struct client *prev, *next;       /* in ctl->clients */
    char *q;                          /* queued messages, q[qoff..qlen) */
    size_t qoff, qlen;
    uint64_t skipped;                 /* not queued: the reader was too slow */
    int pipe_wr;                      /* a pipe reader: its pipe's write end, or -1 */
    int pipe_rd;                      /* ... its read end until LIVE carries it, or -1 */
    unsigned pipe_cap;                /* what the pipe holds */
    uint64_t pipe_off;                /* bytes put into the pipe */
    uint64_t gap_off;                 /* skipped: pipe_off when the gap began */
    ssize_t early;                    /* teed by pipe_tee_next, or -1 */
    bool closing;                     /* close once the queue is sent */
    bool refused;                     /* a peer of another uid */
    bool want_out;
    bool console;                     /* the typist of s's input */
    bool paused;                      /* input FIFO full: its socket is not read */
    bool hung_up;                     /* a paused console whose peer left */
    uint64_t last;                    /* accepted, or request read (ms) */
};

struct control {
    struct xld *d;
    struct loop_fd lf;
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    struct client *clients;           /* newest first */
    unsigned nclients, nrefused;
    int reserve;                      /* a spare descriptor for EMFILE */
    uint64_t listen_again;            /* non-zero: the listener rests until then */
};

/* The events the loop watches on c (paused: see client.c). 0 or -errno. */
int set_events(struct client *c);
/* A console whose input waits for room in the FIFO is not read. */
void pause_input(struct client *c, bool paused);
/* No longer attached to its stream (nor its console). */
void detach(struct client *c);
/* The one destructor: detaches, closes, unlinks, frees. */
void client_free(struct client *c);
/* Appends one message (a and b joined); false if the queue has no room. */
bool enqueue(struct client *c, uint16_t type, const void *a, size_t alen,
             const void *b, size_t blen);
/* Sends what is queued; frees the client once it is over (it may be gone
 * on return: the caller does not touch it again). */
void flush(struct client *c);
/* An ERROR message, then the connection closes. */
void send_error(struct client *c, const char *why);
/* The bytes of the stream a reader may see; skips ahead if it is too slow. */
void queue_data(struct client *c, const char *buf, size_t n);
/* One message straight to the socket, if nothing is queued before it (a
 * SEQPACKET socket takes it whole or not at all). true if it went. */
bool send_now(struct client *c, uint16_t type, const void *buf, size_t len);
/* Bytes queued for the socket, not sent yet. */
size_t client_queued(const struct client *c);

/* readpipe.c: a pipe reader (docs/control.md, XLC_PIPE). Its live bytes go
 * into a pipe of its own, whose read end LIVE carries to it (send_queued).
 * pipe_open: 0 or -errno. pipe_tee takes the first n bytes of pipe `from`
 * (zero copy), pipe_feed n bytes in memory; pipe_tee_next the next n of
 * the FIFO before they move, pipe_moved how many did (sink.h). All skip
 * ahead when the pipe is full (SKIPPED with the gap's offset once it
 * drained). pipe_close: the write end closes (the reader sees the end
 * after the last byte). */
int pipe_open(struct client *c);
void pipe_tee(struct client *c, int from, size_t n);
void pipe_feed(struct client *c, const char *buf, size_t n);
void pipe_tee_next(struct client *c, int fifo, size_t n);
void pipe_moved(struct client *c, size_t n);
void pipe_close(struct client *c);

/* requests.c: a request (or a console's INPUT) is readable on c. */
void client_request(struct client *c);

#endif
