/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "clock.h"
#include "loop.h"

#define MAX_EVENTS 256

struct loop {
    int epfd;
    bool stop;
    unsigned tick_ms;
    uint64_t next_tick;
    loop_tick_fn *tick;
    void *tick_data;
    /* Events of one epoll_wait round; loop_del() clears entries of the
     * fd it removes so that a callback never sees a freed loop_fd. */
    struct epoll_event ev[MAX_EVENTS];
    int nev;
};

uint64_t now_ms(void)
{
    return clock_mono_ms();
}

struct loop *loop_new(unsigned tick_ms, loop_tick_fn *tick, void *data)
{
    struct loop *l = calloc(1, sizeof(*l));

    if (!l)
        return NULL;
    l->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (l->epfd < 0) {
        free(l);
        return NULL;
    }
    l->tick_ms = tick_ms;
    l->tick = tick;
    l->tick_data = data;
    l->next_tick = now_ms() + tick_ms;
    return l;
}

void loop_free(struct loop *l)
{
    if (!l)
        return;
    close(l->epfd);
    free(l);
}

static int ctl(struct loop *l, int op, struct loop_fd *lf, uint32_t events)
{
    struct epoll_event ev = { .events = events, .data.ptr = lf };

    return epoll_ctl(l->epfd, op, lf->fd, &ev) < 0 ? -errno : 0;
}

int loop_add(struct loop *l, struct loop_fd *lf, uint32_t events)
{
    return ctl(l, EPOLL_CTL_ADD, lf, events);
}

int loop_mod(struct loop *l, struct loop_fd *lf, uint32_t events)
{
    return ctl(l, EPOLL_CTL_MOD, lf, events);
}

void loop_del(struct loop *l, struct loop_fd *lf)
{
    int i;

    epoll_ctl(l->epfd, EPOLL_CTL_DEL, lf->fd, NULL);
    for (i = 0; i < l->nev; i++)
        if (l->ev[i].data.ptr == lf)
            l->ev[i].data.ptr = NULL;
}

void loop_stop(struct loop *l)
{
    l->stop = true;
}

int loop_run(struct loop *l)
{
    while (!l->stop) {
        uint64_t now = now_ms();
        int timeout = 0, i;

        if (now >= l->next_tick) {
            l->next_tick = now + l->tick_ms;
            l->tick(l->tick_data, now);
            continue;
        }
        timeout = (int)(l->next_tick - now);
        l->nev = epoll_wait(l->epfd, l->ev, MAX_EVENTS, timeout);
        if (l->nev < 0) {
            int err = errno;

            l->nev = 0;
            if (err == EINTR)
                continue;
            log_err(err, "epoll_wait");
            return -err;
        }
        for (i = 0; i < l->nev && !l->stop; i++) {
            struct loop_fd *lf = l->ev[i].data.ptr;

            if (lf)
                lf->fn(lf, l->ev[i].events);
        }
        l->nev = 0;
    }
    return 0;
}
