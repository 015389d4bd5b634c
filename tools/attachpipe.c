/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlog attach, live through a pipe (docs/control.md, XLC_PIPE): the live
 * bytes come in the pipe whose read end LIVE carried, the socket brings only
 * SKIPPED (a gap: how many bytes, after which byte of the pipe) and END.
 *
 * The daemon sends a SKIPPED before any byte after its gap reaches the
 * pipe; so, after each read of the pipe, what the socket holds already
 * tells of every gap within the bytes read, and each note is printed at
 * its place. END comes after the daemon closed the pipe: the pipe is read
 * to its end first.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "exitcode.h"
#include "ctlclient.h"

#define CHUNK (1024 * 1024)        /* what the daemon asks its pipe to hold */

struct gap {
    uint64_t off, bytes;
};

struct piped {
    struct ctl_session *s;
    int sock, pipe;
    uint64_t got;               /* bytes of the pipe given to out_live */
    struct gap *gaps;           /* told of, not yet reached */
    size_t ngaps, cap;
    bool ended;                 /* END came */
    bool failed;
    bool no_splice;             /* stdout refused splice(2): read and write */
    char *msg;                  /* XLC_MAX_MSG */
    char *data;                 /* CHUNK */
};

static int add_gap(struct piped *p, const char *body, size_t n)
{
    struct xlc_skipped sk = { 0, 0 };

    memcpy(&sk, body, n < sizeof(sk) ? n : sizeof(sk));
    if (n < sizeof(sk))
        sk.offset = p->got;     /* no offset: at once */
    if (p->ngaps == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 8;
        struct gap *g = realloc(p->gaps, cap * sizeof(*g));

        if (!g)
            return -1;
        p->gaps = g;
        p->cap = cap;
    }
    p->gaps[p->ngaps++] = (struct gap){ sk.offset, sk.bytes };
    return 0;
}

/* The notes of the gaps reached (at p->got, or before: a daemon's error). */
static void notes(struct piped *p)
{
    size_t i = 0;

    while (i < p->ngaps && p->gaps[i].off <= p->got)
        ctl_skipped(p->s, p->gaps[i++].bytes);
    if (i == 0)
        return;
    memmove(p->gaps, p->gaps + i, (p->ngaps - i) * sizeof(*p->gaps));
    p->ngaps -= i;
}

/* One message from the socket: 1 go on, 0 none waiting, -1 the end of the
 * connection or a failure (said). */
static int on_message(struct piped *p, int flags)
{
    struct xlc_hdr h;
    int passed;
    long n = ctl_recv_fd(p->sock, &h, p->msg, flags, &passed);

    if (passed >= 0)
        close(passed);
    if (n < 0)
        return (flags & MSG_DONTWAIT) && (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
    if (h.type == XLC_SKIPPED)
        return add_gap(p, p->msg, (size_t)n) < 0 ? -1 : 1;
    if (h.type == XLC_END) {
        p->ended = true;
        return 1;
    }
    if (ctl_reply(p->s, &h, p->msg, (size_t)n) < 0) {
        p->failed = true;
        return -1;
    }
    return 1;
}

/* n bytes read from the pipe out, each note at its gap. 0 or -1. */
static int out(struct piped *p, const char *buf, size_t n)
{
    while (n > 0) {
        size_t take = n;

        notes(p);
        if (p->ngaps && p->gaps[0].off - p->got < take)
            take = (size_t)(p->gaps[0].off - p->got);
        if (p->s->out_live(p->s->arg, buf, take) < 0)
            return -1;
        p->got += take;
        buf += take;
        n -= take;
    }
    notes(p);
    return 0;
}

/* Raw output: pipe -> stdout by splice(2), no copy. Only what the pipe
 * held before the socket was read goes (the gaps within it are known
 * then), up to the next gap. 1 go on, -1 failure, 2 read instead (the pipe
 * looked empty: it may have ended; or stdout refused splice, a terminal or
 * an O_APPEND file: from now on). */
static int splice_out(struct piped *p)
{
    int avail = 0;
    size_t take;
    ssize_t n;

    if (ioctl(p->pipe, FIONREAD, &avail) < 0 || avail <= 0)
        return 2;
    while (!p->ended && on_message(p, MSG_DONTWAIT) > 0)
        ;
    if (p->failed)
        return -1;
    notes(p);
    take = (size_t)avail;
    if (p->ngaps && p->gaps[0].off - p->got < take)
        take = (size_t)(p->gaps[0].off - p->got);
    n = splice(p->pipe, NULL, 1, NULL, take, 0);
    if (n < 0 && errno == EINVAL) {
        p->no_splice = true;
        return 2;
    }
    if (n < 0)
        return errno == EINTR || errno == EAGAIN ? 1 : -1;
    p->got += (uint64_t)n;
    notes(p);
    return 1;
}

/* The pipe is readable: a chunk, then every message already waiting (the
 * gaps within the chunk are among them), then the chunk out. 1 go on, 0
 * the pipe ended, -1 failure. */
static int on_pipe(struct piped *p)
{
    ssize_t n;
    int r;

    if (p->s->splice_out && !p->no_splice && (r = splice_out(p)) != 2)
        return r;
    do
        n = read(p->pipe, p->data, CHUNK);
    while (n < 0 && errno == EINTR);
    if (n <= 0)
        return n == 0 || errno != EAGAIN ? 0 : 1;
    while (!p->ended && (r = on_message(p, MSG_DONTWAIT)) > 0)
        ;
    if (p->failed)
        return -1;
    return out(p, p->data, (size_t)n) < 0 ? -1 : 1;
}

/* Until the pipe ended and END came: 0 (the end), -1 (failure, said). */
static int run(struct piped *p)
{
    bool pipe_open = true;

    while (pipe_open || !p->ended) {
        struct pollfd pf[2] = { { p->sock, p->ended ? 0 : POLLIN, 0 },
                                { pipe_open ? p->pipe : -1, POLLIN, 0 } };
        int r;

        if (poll(pf, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (pf[1].revents && (r = on_pipe(p)) <= 0) {
            if (r < 0)
                return -1;
            pipe_open = false;
        }
        if (pf[0].revents && !p->ended && on_message(p, MSG_DONTWAIT) < 0) {
            if (!p->failed)
                ctl_say("connection to xenlogd lost");
            return -1;
        }
        notes(p);
    }
    notes(p);
    return 0;
}

int ctl_pipe_loop(int sock, int pipe, struct ctl_session *s)
{
    struct piped p = { .s = s, .sock = sock, .pipe = pipe };
    struct xlc_hdr end = { .type = XLC_END };
    int r = -1;

    p.msg = malloc(XLC_MAX_MSG);
    p.data = malloc(CHUNK);
    if (p.msg && p.data && run(&p) == 0)
        r = ctl_reply(s, &end, NULL, 0);
    free(p.msg);
    free(p.data);
    free(p.gaps);
    close(pipe);
    return r == 0 ? XL_EXIT_OK : XL_EXIT_FAILURE;
}
