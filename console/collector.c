/* SPDX-License-Identifier: GPL-2.0-only */
#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "collector.h"
#include "log.h"
#include "util.h"

#define BACKOFF_MIN_MS 500
#define BACKOFF_MAX_MS 10000
#define CONNECT_TIMEOUT_MS 5000

enum col_state { COL_DOWN, COL_CONNECTING, COL_UP };

struct collector {
    struct loop_fd lf;              /* fd -1 while DOWN */
    struct loop *loop;
    struct fwd_target t;
    char name[SYSLOG_HOST_MAX + 16];    /* HOST:PORT, for the log */
    enum col_state state;
    uint32_t events;                /* what the loop watches */
    char *buf;                      /* COLLECTOR_BUF bytes */
    size_t head, len;               /* unsent: buf[head, head + len) */
    uint16_t frames[COLLECTOR_FRAMES];  /* lengths of the messages queued */
    unsigned fhead, nframes;
    size_t fsent;                   /* bytes of the first one already sent */
    uint64_t retry_at;              /* DOWN: next attempt; CONNECTING: time-out */
    unsigned backoff_ms;
    bool said;                      /* a failure logged since the link was last up */
    struct collector_figures *fig;
};

static void on_event(struct loop_fd *lf, uint32_t events);

static void watch(struct collector *c, uint32_t events)
{
    if (c->events == events)
        return;
    if (loop_mod(c->loop, &c->lf, events) == 0)
        c->events = events;
}

/* Everything queued is lost with the link; the socket closed. */
static void down(struct collector *c, int err, const char *what)
{
    if (!c->said)
        log_warnx(err, "forward: collector %s: %s; its lines are dropped (and counted) "
                  "until it is back", c->name, what);
    c->said = true;
    c->fig->lost += c->nframes;
    c->head = c->len = c->fsent = 0;
    c->fhead = c->nframes = 0;
    if (c->lf.fd >= 0) {
        loop_del(c->loop, &c->lf);
        close(c->lf.fd);
        c->lf.fd = -1;
    }
    c->state = COL_DOWN;
    c->retry_at = now_ms() + c->backoff_ms;
    c->backoff_ms = c->backoff_ms * 2 < BACKOFF_MAX_MS ? c->backoff_ms * 2 : BACKOFF_MAX_MS;
}

static void written(struct collector *c, size_t n)
{
    c->head += n;
    c->len -= n;
    if (c->len == 0)
        c->head = 0;
    c->fsent += n;
    while (c->nframes && c->fsent >= c->frames[c->fhead]) {
        c->fsent -= c->frames[c->fhead];
        c->fhead = (c->fhead + 1) % COLLECTOR_FRAMES;
        c->nframes--;
        c->fig->sent++;
    }
}

/* Writes what the socket takes now. */
static void flush(struct collector *c)
{
    while (c->len > 0) {
        ssize_t n = send(c->lf.fd, c->buf + c->head, c->len, MSG_DONTWAIT | MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            break;
        if (n <= 0) {
            c->fig->disconnects++;
            down(c, n < 0 ? errno : EPIPE, "send");
            return;
        }
        written(c, (size_t)n);
    }
    watch(c, EPOLLIN | EPOLLRDHUP | (c->len ? EPOLLOUT : 0));
}

static void up(struct collector *c)
{
    c->state = COL_UP;
    c->backoff_ms = BACKOFF_MIN_MS;
    c->fig->connects++;
    log_info("forward: connected to collector %s", c->name);
    c->said = false;
    c->events = 0;
    flush(c);
}

static void connect_failed(struct collector *c, int err)
{
    c->fig->connect_failures++;
    down(c, err, "cannot connect");
}

static void start(struct collector *c)
{
    int fd;

    if (!c->t.addrlen) {        /* its name was not found at start (config.c) */
        char what[sizeof(c->t.why) + 64];

        snprintf(what, sizeof(what), "its name was not found at start (%s)", c->t.why);
        c->fig->connect_failures++;
        down(c, -1, what);
        return;
    }
    fd = socket(c->t.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        connect_failed(c, errno);
        return;
    }
    c->lf.fd = fd;
    c->lf.fn = on_event;
    c->events = EPOLLOUT;
    if (loop_add(c->loop, &c->lf, EPOLLOUT) < 0) {
        close(fd);
        c->lf.fd = -1;
        connect_failed(c, errno);
        return;
    }
    c->state = COL_CONNECTING;
    c->retry_at = now_ms() + CONNECT_TIMEOUT_MS;
    if (connect(fd, (const struct sockaddr *)&c->t.addr, c->t.addrlen) == 0)
        up(c);
    else if (errno != EINPROGRESS)
        connect_failed(c, errno);
}

/* A collector says nothing: EOF or an error is the end of the link. */
static bool link_gone(struct collector *c)
{
    char junk[512];
    ssize_t n;

    while ((n = recv(c->lf.fd, junk, sizeof(junk), MSG_DONTWAIT)) > 0)
        ;
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return false;
    c->fig->disconnects++;
    if (n == 0)
        down(c, -1, "the collector closed the link");
    else
        down(c, errno, "the link went");
    return true;
}

static void on_event(struct loop_fd *lf, uint32_t events)
{
    struct collector *c = container_of(lf, struct collector, lf);
    int err = 0;
    socklen_t len = sizeof(err);

    if (c->state == COL_CONNECTING) {
        if (getsockopt(lf->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
            err = errno;
        if (err)
            connect_failed(c, err);
        else
            up(c);
        return;
    }
    if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) && link_gone(c))
        return;
    if (events & EPOLLOUT)
        flush(c);
}

struct collector *collector_new(struct loop *loop, const struct fwd_target *t,
                                struct collector_figures *fig)
{
    struct collector *c = calloc(1, sizeof(*c));

    if (!c || !(c->buf = malloc(COLLECTOR_BUF))) {
        free(c);
        return NULL;
    }
    c->loop = loop;
    c->t = *t;
    c->fig = fig;
    c->lf.fd = -1;
    c->backoff_ms = BACKOFF_MIN_MS;
    snprintf(c->name, sizeof(c->name), t->addr.ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u",
             t->host, t->port);
    start(c);
    return c;
}

void collector_free(struct collector *c)
{
    if (!c)
        return;
    /* At exit: what the socket takes at once, without waiting. */
    if (c->state == COL_UP && c->len > 0 &&
        send(c->lf.fd, c->buf + c->head, c->len, MSG_DONTWAIT | MSG_NOSIGNAL) > 0)
        log_debug("forward: collector %s: last messages written at exit", c->name);
    if (c->lf.fd >= 0) {
        loop_del(c->loop, &c->lf);
        close(c->lf.fd);
    }
    free(c->buf);
    free(c);
}

bool collector_is(const struct collector *c, const struct fwd_target *t)
{
    if (!t->addrlen)            /* not found at start: one link per name */
        return !c->t.addrlen && c->t.port == t->port && strcmp(c->t.host, t->host) == 0;
    return c->t.addrlen == t->addrlen && memcmp(&c->t.addr, &t->addr, t->addrlen) == 0;
}

int collector_send(struct collector *c, const char *msg, size_t len)
{
    assert(len > 0 && len <= COLLECTOR_FRAME_MAX);
    if (c->state == COL_DOWN)
        return -ENOTCONN;
    if (c->nframes == COLLECTOR_FRAMES || c->len + len > COLLECTOR_BUF)
        return -ENOBUFS;
    if (c->head + c->len + len > COLLECTOR_BUF) {
        memmove(c->buf, c->buf + c->head, c->len);
        c->head = 0;
    }
    memcpy(c->buf + c->head + c->len, msg, len);
    c->len += len;
    c->frames[(c->fhead + c->nframes) % COLLECTOR_FRAMES] = (uint16_t)len;
    c->nframes++;
    if (c->state == COL_UP && c->len == len)
        flush(c);
    return 0;
}

void collector_tick(struct collector *c, uint64_t now)
{
    if (c->state == COL_DOWN && now >= c->retry_at)
        start(c);
    else if (c->state == COL_CONNECTING && now >= c->retry_at)
        connect_failed(c, ETIMEDOUT);
}

bool collector_up(const struct collector *c)
{
    return c->state == COL_UP;
}

bool collector_idle(const struct collector *c)
{
    return c->len == 0 || c->state == COL_DOWN;
}
