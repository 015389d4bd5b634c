/* SPDX-License-Identifier: GPL-2.0-only */
/* A connection to the control socket: its queue and its sending (client.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "client.h"
#include "ctlproto.h"
#include "stream.h"

/*
 * What the loop watches on a client. A paused console (its input waits for
 * room in the FIFO) is not read: its socket fills and its sender blocks.
 * Edge-triggered while paused, so that a peer that hangs up meanwhile is
 * reported once, not in a loop; its last INPUTs are still read on resume.
 */
int set_events(struct client *c)
{
    uint32_t ev = c->paused ? EPOLLET | EPOLLRDHUP : EPOLLIN;

    if (c->want_out)
        ev |= EPOLLOUT;
    return loop_mod(c->ctl->d->loop, &c->lf, ev);
}

void pause_input(struct client *c, bool paused)
{
    if (c->paused == paused)
        return;
    c->paused = paused;
    set_events(c);
}

void detach(struct client *c)
{
    if (!c->s)
        return;
    if (c->console) {
        input_release(stream_input(c->s), &c->typist);
        c->console = false;
        pause_input(c, false);
    }
    stream_detach(c->s, &c->sink);
    c->s = NULL;
    pipe_close(c);
}

void client_free(struct client *c)
{
    struct control *ctl = c->ctl;

    detach(c);
    loop_del(ctl->d->loop, &c->lf);
    close(c->lf.fd);
    if (c->prev)
        c->prev->next = c->next;
    else
        ctl->clients = c->next;
    if (c->next)
        c->next->prev = c->prev;
    ctl->nclients--;
    if (c->refused)
        ctl->nrefused--;
    if (c->pipe_rd >= 0)
        close(c->pipe_rd);
    free(c->q);
    free(c);
}

static size_t queued(const struct client *c)
{
    return c->qlen - c->qoff;
}

size_t client_queued(const struct client *c)
{
    return queued(c);
}

/* Appends one message; false if the queue has no room for it. */
bool enqueue(struct client *c, uint16_t type, const void *a, size_t alen,
                    const void *b, size_t blen)
{
    struct xlc_hdr h = { .type = type, .len = (uint32_t)(alen + blen) };
    size_t need = sizeof(h) + alen + blen;

    if (queued(c) + need > QUEUE_CAP)
        return false;
    if (!c->q && !(c->q = malloc(QUEUE_CAP)))
        return false;
    if (c->qlen + need > QUEUE_CAP) {
        memmove(c->q, c->q + c->qoff, queued(c));
        c->qlen -= c->qoff;
        c->qoff = 0;
    }
    memcpy(c->q + c->qlen, &h, sizeof(h));
    if (alen)
        memcpy(c->q + c->qlen + sizeof(h), a, alen);
    if (blen)
        memcpy(c->q + c->qlen + sizeof(h) + alen, b, blen);
    c->qlen += need;
    return true;
}

/* One queued message of len bytes (header included). LIVE to a pipe
 * reader carries the pipe's read end, which is then the peer's alone. */
static ssize_t send_one(struct client *c, const struct xlc_hdr *h, size_t len)
{
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } u;
    struct iovec iov = { c->q + c->qoff, len };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
    struct cmsghdr *cm;
    ssize_t n;

    if (h->type != XLC_LIVE || c->pipe_rd < 0)
        return send(c->lf.fd, c->q + c->qoff, len, MSG_DONTWAIT | MSG_NOSIGNAL);
    memset(&u, 0, sizeof(u));
    mh.msg_control = u.buf;
    mh.msg_controllen = sizeof(u.buf);
    cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &c->pipe_rd, sizeof(int));
    n = sendmsg(c->lf.fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n >= 0) {
        close(c->pipe_rd);
        c->pipe_rd = -1;
    }
    return n;
}

/* Sends what is queued: 0 all sent, -EAGAIN the rest waits for EPOLLOUT,
 * or -errno (the peer is gone). Never frees the client. */
static int send_queued(struct client *c)
{
    while (queued(c)) {
        struct xlc_hdr h;
        ssize_t n;

        memcpy(&h, c->q + c->qoff, sizeof(h));
        n = send_one(c, &h, sizeof(h) + h.len);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            if (!c->want_out) {
                c->want_out = true;
                if (set_events(c) < 0)
                    c->want_out = false;
            }
            return -EAGAIN;
        }
        if (n < 0)
            return -errno;
        c->qoff += sizeof(h) + h.len;
    }
    c->qoff = c->qlen = 0;
    if (c->want_out) {
        c->want_out = false;
        if (set_events(c) < 0)
            c->want_out = true;
    }
    return 0;
}

/* After send_queued() returned r: is the connection over? */
static bool over(const struct client *c, int r)
{
    return (r < 0 && r != -EAGAIN) || (r == 0 && c->closing);
}

/* Sends what is queued; frees the client once it is over. */
void flush(struct client *c)
{
    if (over(c, send_queued(c)))
        client_free(c);
}

void send_error(struct client *c, const char *why)
{
    enqueue(c, XLC_ERROR, why, strlen(why), NULL, 0);
    c->closing = true;
}

bool send_now(struct client *c, uint16_t type, const void *buf, size_t len)
{
    struct xlc_hdr h = { .type = type, .len = (uint32_t)len };
    struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)buf, len } };
    struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };

    if (queued(c) || c->closing)
        return false;
    return sendmsg(c->lf.fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0;
}

/* The bytes of the stream a reader may see; skip ahead if it is too slow.
 * DATA goes straight to the socket while nothing waits in the queue: a
 * copy less per byte for a reader that keeps up. */
void queue_data(struct client *c, const char *buf, size_t n)
{
    size_t off, len;

    if (c->skipped) {
        /* Resume only once half the queue has gone: no flapping. */
        if (queued(c) > QUEUE_CAP / 2 ||
            !enqueue(c, XLC_SKIPPED, &c->skipped, sizeof(c->skipped), NULL, 0)) {
            c->skipped += n;
            return;
        }
        c->skipped = 0;
    }
    for (off = 0; off < n; off += len) {
        len = n - off < DATA_CHUNK ? n - off : DATA_CHUNK;
        if (send_now(c, XLC_DATA, buf + off, len))
            continue;
        if (!enqueue(c, XLC_DATA, buf + off, len, NULL, 0)) {
            c->skipped += n - off;
            return;
        }
    }
}
