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
#include <sys/un.h>

#include "input.h"
#include "loop.h"
#include "sink.h"
#include "xenlogd.h"

#define QUEUE_CAP (2u << 20)          /* per reader: backlog + live bytes */
#define DATA_CHUNK 32768u

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

/* requests.c: a request (or a console's INPUT) is readable on c. */
void client_request(struct client *c);

#endif
