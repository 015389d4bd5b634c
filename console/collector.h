/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One TCP connection to a syslog collector (forward_syslog), shared by the
 * streams that send there. Never blocks: messages go into a bounded send
 * buffer, written as the socket takes them. Connects without waiting,
 * and connects again by itself with a backoff (collector_tick(), from the
 * daemon's one timer) after a failure or a loss of the link; while it is
 * down, messages are refused (the caller counts them), and what was queued
 * when the link went is counted lost.
 *
 *   DOWN --(retry time)--> CONNECTING --(connected)--> UP
 *     ^----(failure, time-out 5 s)------/               |
 *     ^------------(EOF, error, reset)------------------/
 */
#ifndef XENLOGD_COLLECTOR_H
#define XENLOGD_COLLECTOR_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "loop.h"

#define COLLECTOR_BUF (256 * 1024)  /* bytes queued at most, per collector */
#define COLLECTOR_FRAMES 4096       /* messages queued at most */
#define COLLECTOR_FRAME_MAX 65535

struct collector_figures {
    uint64_t sent;                  /* messages wholly written to the socket */
    uint64_t lost;                  /* queued, then lost with the link */
    uint64_t connects, connect_failures, disconnects;
};

struct collector;

/* Starts connecting at once. NULL on ENOMEM. fig: where to count. */
struct collector *collector_new(struct loop *loop, const struct fwd_target *t,
                                struct collector_figures *fig);
void collector_free(struct collector *c);
/* Same address? */
bool collector_is(const struct collector *c, const struct fwd_target *t);
/* Queues one framed message: 0, -ENOTCONN (down), -ENOBUFS (buffer full). */
int collector_send(struct collector *c, const char *msg, size_t len);
/* Reconnects when it is time; gives up a connection attempt after 5 s. */
void collector_tick(struct collector *c, uint64_t now);
bool collector_up(const struct collector *c);
/* Nothing left to write (or no link to write it on). */
bool collector_idle(const struct collector *c);

#endif
