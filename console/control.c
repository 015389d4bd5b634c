/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "client.h"
#include "control.h"
#include "ctlproto.h"
#include "input.h"
#include "log.h"
#include "loop.h"
#include "stream.h"
#include "streams.h"
#include "util.h"


#define MAX_CLIENTS 1024
#define MAX_REFUSED 16                /* peers of another uid at once */
#define IDLE_MS 5000                  /* from accept to a whole request */
#define BACKOFF_MS 200                /* accept4 failing: the listener rests */


static void on_client(struct loop_fd *lf, uint32_t events)
{
    struct client *c = container_of(lf, struct client, lf);

    if (c->paused) {        /* see set_events() */
        if (events & (EPOLLHUP | EPOLLRDHUP | EPOLLERR))
            c->hung_up = true;
        if (events & EPOLLOUT)
            flush(c);
        return;
    }
    /* Each path ends in flush(), or leaves output for the next EPOLLOUT
     * (level-triggered: it comes again while output waits). */
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
        client_request(c);
    else if (events & EPOLLOUT)
        flush(c);
}

/* The oldest client that has not made its request; NULL if none. */
static struct client *oldest_idle(struct control *ctl)
{
    struct client *c, *found = NULL;

    for (c = ctl->clients; c; c = c->next)
        if (!c->s && !c->closing)
            found = c;
    return found;
}

/* Stops watching the listener for a while (see control_tick). */
static void listener_rest(struct control *ctl, int err)
{
    log_warn("control: cannot accept a connection: %s; trying again in %d ms",
             strerror(err), BACKOFF_MS);
    ctl->listen_again = now_ms() + BACKOFF_MS;
    loop_mod(ctl->d->loop, &ctl->lf, 0);
}

/*
 * No descriptor left: make room by closing the oldest idle client; if there
 * is none, take the connection with the spare descriptor and close it at
 * once, so that the listener does not stay readable. false: rest instead.
 */
static bool out_of_fds(struct control *ctl)
{
    struct client *idle = oldest_idle(ctl);
    int fd;

    if (idle) {
        log_warn("control: out of descriptors: closed the oldest idle connection");
        client_free(idle);
        return true;
    }
    if (ctl->reserve < 0)
        return false;
    close(ctl->reserve);
    fd = accept4(ctl->lf.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
        static const char why[] = "daemon out of descriptors";
        struct xlc_hdr h = { .type = XLC_ERROR, .len = sizeof(why) - 1 };
        char msg[sizeof(h) + sizeof(why) - 1];

        memcpy(msg, &h, sizeof(h));
        memcpy(msg + sizeof(h), why, sizeof(why) - 1);
        send(fd, msg, sizeof(msg), MSG_DONTWAIT | MSG_NOSIGNAL);
        close(fd);
        log_warn("control: out of descriptors: refused a connection");
    }
    ctl->reserve = fcntl(ctl->lf.fd, F_DUPFD_CLOEXEC, 0);
    return fd >= 0;
}

/* A peer of another uid: served only to be told no, and only a few at once. */
static bool refuse(struct control *ctl, struct client *c, const struct ucred *cred)
{
    if (ctl->nrefused >= MAX_REFUSED)
        return false;
    log_warn("control: refused a peer of uid %d", (int)cred->uid);
    c->refused = true;
    ctl->nrefused++;
    return true;
}

static void add_client(struct control *ctl, int fd)
{
    struct ucred cred;
    socklen_t clen = sizeof(cred);
    struct client *c, *idle;
    bool other;

    other = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0 ||
            cred.uid != ctl->d->uid;
    if (other && ctl->nrefused >= MAX_REFUSED) {
        close(fd);
        return;
    }
    /* A full table makes room: the oldest connection still without a request goes. */
    if (ctl->nclients >= MAX_CLIENTS && (idle = oldest_idle(ctl)))
        client_free(idle);
    if (ctl->nclients >= MAX_CLIENTS || !(c = calloc(1, sizeof(*c)))) {
        log_warn("control: too many clients");
        close(fd);
        return;
    }
    c->ctl = ctl;
    c->pipe_wr = c->pipe_rd = -1;
    c->lf.fd = fd;
    c->lf.fn = on_client;
    c->last = now_ms();
    if (loop_add(ctl->d->loop, &c->lf, EPOLLIN) < 0) {
        close(fd);
        free(c);
        return;
    }
    c->next = ctl->clients;
    if (c->next)
        c->next->prev = c;
    ctl->clients = c;
    ctl->nclients++;
    if (other)
        refuse(ctl, c, &cred);
}

static void on_accept(struct loop_fd *lf, uint32_t events)
{
    struct control *ctl = container_of(lf, struct control, lf);
    int n;

    (void)events;
    for (n = 0; n < 256; n++) {
        int fd = accept4(lf->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

        if (fd >= 0) {
            add_client(ctl, fd);
            continue;
        }
        if (errno == EAGAIN || errno == EINTR)
            return;
        if (errno == ECONNABORTED || errno == EPROTO)
            continue;
        /* accept4 says EMFILE before it looks for a connection: after one
         * taken the last descriptor, none may be waiting. If one is, the
         * listener stays readable and comes back; the connection just
         * taken is not the oldest idle one to close for it. */
        if (errno == EMFILE && n > 0)
            return;
        if (errno == EMFILE && out_of_fds(ctl))
            continue;
        listener_rest(ctl, errno);
        return;
    }
}

void control_tick(struct control *ctl, uint64_t now)
{
    struct client *c, *next;

    if (!ctl)
        return;
    if (ctl->listen_again && now >= ctl->listen_again) {
        ctl->listen_again = 0;
        if (ctl->reserve < 0)
            ctl->reserve = fcntl(ctl->lf.fd, F_DUPFD_CLOEXEC, 0);
        loop_mod(ctl->d->loop, &ctl->lf, EPOLLIN);
    }
    for (c = ctl->clients; c; c = next) {
        next = c->next;
        /* Before its request only: a reader may be slow (or stopped) as long as
         * it likes; what it has not taken waits in its bounded queue. */
        if (!c->s && !c->closing && now - c->last > IDLE_MS) {
            log_debug("control: closed a connection idle for %llu ms",
                      (unsigned long long)(now - c->last));
            client_free(c);
        }
    }
}

struct control *control_open(struct xld *d)
{
    struct control *ctl = calloc(1, sizeof(*ctl));
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    mode_t old;
    int fd, r;

    if (!ctl)
        return NULL;
    ctl->d = d;
    if (snprintf(ctl->path, sizeof(ctl->path), "%s/%s", d->run_dir, XLC_SOCKET) >=
        (int)sizeof(ctl->path)) {
        log_warn("control: run dir too long for a socket path");
        free(ctl);
        return NULL;
    }
    memcpy(sa.sun_path, ctl->path, sizeof(ctl->path));
    fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        free(ctl);
        return NULL;
    }
    unlink(ctl->path);      /* a socket left by a killed daemon */
    old = umask(077);
    r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
    umask(old);
    ctl->lf.fd = fd;
    ctl->lf.fn = on_accept;
    ctl->reserve = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (r < 0 || listen(fd, 64) < 0 || loop_add(d->loop, &ctl->lf, EPOLLIN) < 0) {
        log_err(errno, "control: cannot listen on %s", ctl->path);
        if (ctl->reserve >= 0)
            close(ctl->reserve);
        close(fd);
        free(ctl);
        return NULL;
    }
    return ctl;
}

void control_close(struct control *ctl)
{
    if (!ctl)
        return;
    while (ctl->clients)
        client_free(ctl->clients);
    loop_del(ctl->d->loop, &ctl->lf);
    close(ctl->lf.fd);
    if (ctl->reserve >= 0)
        close(ctl->reserve);
    unlink(ctl->path);
    free(ctl);
}

const char *control_path(const struct control *ctl)
{
    return ctl ? ctl->path : NULL;
}

