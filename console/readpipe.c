/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A pipe reader (client.h, docs/control.md): the live bytes of its stream
 * go into a pipe of its own by tee(2), straight from the FIFO before they
 * move to the file when every sink of the stream can (tee_next, then
 * moved), else from the scratch pipe where the data path put them; never
 * through the daemon's memory. Bytes in memory already (stamps, dropped
 * bytes) go by write(2). A reader that got more from the FIFO than then
 * moved (a short write to the file) is `ahead` by the rest: it skips that
 * many of the stream's next bytes, whichever way they come. The daemon
 * holds the write end (non-blocking) and never waits for the reader: what
 * does not fit is counted, and once the reader has emptied half its pipe
 * it is told with SKIPPED how many bytes it missed and after which byte of
 * the pipe the gap is.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "client.h"
#include "ctlproto.h"
#include "log.h"

int pipe_open(struct client *c)
{
    int p[2], r;

    if (pipe2(p, O_CLOEXEC) < 0)
        return -errno;
    if (fcntl(p[1], F_SETFL, O_NONBLOCK) < 0) {
        r = -errno;
        close(p[0]);
        close(p[1]);
        return r;
    }
    /* Best effort: past pipe-max-size or pipe-user-pages-soft the kernel
     * refuses (EPERM) or gives less; the pipe keeps its default size. */
    if ((r = fcntl(p[1], F_SETPIPE_SZ, (int)PIPE_SIZE)) < 0)
        r = fcntl(p[1], F_GETPIPE_SZ);
    c->pipe_cap = r > 0 ? (unsigned)r : 65536;
    c->pipe_rd = p[0];
    c->pipe_wr = p[1];
    c->pipe_off = 0;
    c->early = -1;
    return 0;
}

void pipe_close(struct client *c)
{
    if (c->pipe_wr >= 0)
        close(c->pipe_wr);
    c->pipe_wr = -1;
}

/*
 * A reader that skipped resumes once its pipe is half empty and nothing
 * waits in its socket's queue: SKIPPED must reach the socket before any
 * byte after the gap reaches the pipe, so that the reader, which looks at
 * its socket after each read of the pipe, knows of the gap in time.
 */
static bool resume(struct client *c)
{
    struct xlc_skipped sk = { .bytes = c->skipped, .offset = c->gap_off };
    int held = 0;

    if (client_queued(c))
        return false;
    if (ioctl(c->pipe_wr, FIONREAD, &held) < 0 || (unsigned)held > c->pipe_cap / 2)
        return false;
    if (!send_now(c, XLC_SKIPPED, &sk, sizeof(sk)))
        return false;
    c->skipped = 0;
    return true;
}

/* n bytes the reader will not see: a gap, or a longer one. */
static void gap(struct client *c, size_t n)
{
    if (!n)
        return;
    if (!c->skipped)
        c->gap_off = c->pipe_off;
    c->skipped += n;
}

/* Of the next n bytes, those the reader holds already (ahead); n less them. */
static size_t take_held(struct client *c, size_t n)
{
    size_t a = c->sink.ahead < n ? (size_t)c->sink.ahead : n;

    c->sink.ahead -= a;
    return a;
}

/* r bytes went into the pipe (r < 0: -1 with errno). false: the reader is
 * gone (EPIPE: it closed its end). */
static bool put(struct client *c, ssize_t *r)
{
    if (*r < 0 && errno != EAGAIN && errno != EINTR) {
        log_debug("control: reader of stream %u/%u: its pipe: %s", c->domid, c->id,
                  strerror(errno));
        client_free(c);
        return false;
    }
    if (*r < 0)
        *r = 0;
    c->pipe_off += (uint64_t)*r;
    return true;
}

/* The reader is skipping and stays so: its pipe is too full yet. */
static bool still_skipping(struct client *c)
{
    return c->skipped && !resume(c);
}

void pipe_tee(struct client *c, int from, size_t n)
{
    ssize_t r;

    /* Ahead, it holds all n (move() takes no more than it holds); take_held()
     * of fewer would leave the head of `from` to skip, which tee cannot. */
    if (c->sink.ahead) {
        gap(c, n - take_held(c, n));
        return;
    }
    if (still_skipping(c)) {
        gap(c, n);
        return;
    }
    r = tee(from, c->pipe_wr, n, SPLICE_F_NONBLOCK);
    if (put(c, &r))
        gap(c, n - (size_t)r);
}

void pipe_feed(struct client *c, const char *buf, size_t n)
{
    size_t skip = take_held(c, n);
    ssize_t r;

    buf += skip;
    n -= skip;
    if (!n)
        return;
    if (still_skipping(c)) {
        gap(c, n);
        return;
    }
    r = write(c->pipe_wr, buf, n);
    if (put(c, &r))
        gap(c, n - (size_t)r);
}

void pipe_tee_next(struct client *c, int fifo, size_t n)
{
    ssize_t r;

    c->early = -1;
    if (c->sink.ahead || still_skipping(c))
        return;
    r = tee(fifo, c->pipe_wr, n, SPLICE_F_NONBLOCK);
    if (put(c, &r))
        c->early = r;
}

void pipe_moved(struct client *c, size_t n)
{
    ssize_t t = c->early;

    c->early = -1;
    if (t < 0) {                /* took none: it held them, or skips */
        gap(c, n - take_held(c, n));
        return;
    }
    if ((size_t)t >= n)
        c->sink.ahead = (size_t)t - n;
    else
        gap(c, n - (size_t)t);
}
