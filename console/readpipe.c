/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A pipe reader (client.h, docs/control.md): the live bytes of its stream
 * go into a pipe of its own, by tee(2) from the scratch pipe where the
 * data path put them (never through the daemon's memory), or by write(2)
 * where they are in memory already (stamps, dropped bytes). The daemon
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

/* r of n bytes went into the pipe (r < 0: -1 with errno); the rest is a gap. */
static void put(struct client *c, ssize_t r, size_t n)
{
    if (r < 0 && errno != EAGAIN && errno != EINTR) {
        /* EPIPE: the reader closed its end; it is gone. */
        log_debug("control: reader of stream %u/%u: its pipe: %s", c->domid, c->id,
                  strerror(errno));
        client_free(c);
        return;
    }
    if (r < 0)
        r = 0;
    c->pipe_off += (uint64_t)r;
    if ((size_t)r < n) {
        c->gap_off = c->pipe_off;
        c->skipped = n - (size_t)r;
    }
}

void pipe_tee(struct client *c, int from, size_t n)
{
    if (c->skipped && !resume(c)) {
        c->skipped += n;
        return;
    }
    put(c, tee(from, c->pipe_wr, n, SPLICE_F_NONBLOCK), n);
}

void pipe_feed(struct client *c, const char *buf, size_t n)
{
    if (c->skipped && !resume(c)) {
        c->skipped += n;
        return;
    }
    put(c, write(c->pipe_wr, buf, n), n);
}
