/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small epoll event loop: file events and one periodic tick.
 * The owner of an fd embeds a struct loop_fd and keeps the fd; the loop only
 * watches it.
 */
#ifndef XENLOGD_LOOP_H
#define XENLOGD_LOOP_H

#include <stdint.h>

struct loop;
struct loop_fd;

typedef void loop_fd_fn(struct loop_fd *lf, uint32_t events);
typedef void loop_tick_fn(void *data, uint64_t now_ms);

struct loop_fd {
    int fd;
    loop_fd_fn *fn;
};

struct loop *loop_new(unsigned tick_ms, loop_tick_fn *tick, void *data);
void loop_free(struct loop *l);
int loop_add(struct loop *l, struct loop_fd *lf, uint32_t events);
int loop_mod(struct loop *l, struct loop_fd *lf, uint32_t events);
void loop_del(struct loop *l, struct loop_fd *lf);
/* loop_add/loop_mod: 0 or -errno. */
/* Runs until loop_stop(); returns 0, or -errno if epoll fails. */
int loop_run(struct loop *l);
void loop_stop(struct loop *l);

uint64_t now_ms(void);

#endif
