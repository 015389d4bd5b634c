/* SPDX-License-Identifier: GPL-2.0-only */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "peek.h"

int peek_init(struct peek *pk)
{
    int r;

    pk->pipe[0] = pk->pipe[1] = -1;
    if ((pk->null = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0)
        return -errno;
    if (!(pk->buf = malloc(PEEK_SIZE))) {
        peek_fini(pk);
        return -ENOMEM;
    }
    if (pipe2(pk->pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
        r = -errno;
        peek_fini(pk);
        return r;
    }
    /* A look must fit whole, else tee(2) would see less than asked. Larger
     * if it can: the zero-copy path moves what the pipe holds per step. */
    r = fcntl(pk->pipe[1], F_SETPIPE_SZ, PEEK_TEE_SIZE);
    if (r < PEEK_SIZE)
        r = fcntl(pk->pipe[1], F_SETPIPE_SZ, PEEK_SIZE);
    pk->tee_max = r > 0 ? (size_t)r : 0;
    if (r < PEEK_SIZE) {
        r = r < 0 ? -errno : -ENOBUFS;
        peek_fini(pk);
        return r;
    }
    return 0;
}

void peek_fini(struct peek *pk)
{
    if (pk->pipe[0] >= 0) {
        close(pk->pipe[0]);
        close(pk->pipe[1]);
    }
    pk->pipe[0] = pk->pipe[1] = -1;
    if (pk->null >= 0)
        close(pk->null);
    pk->null = -1;
    free(pk->buf);
    pk->buf = NULL;
}

static size_t clamp(size_t len)
{
    return len < PEEK_SIZE ? len : PEEK_SIZE;
}

ssize_t peek_fifo(struct peek *pk, int fifo, size_t len)
{
    ssize_t t = tee(fifo, pk->pipe[1], clamp(len), SPLICE_F_NONBLOCK);
    size_t got = 0;

    if (t < 0)
        return errno == EAGAIN ? 0 : -errno;
    /* The scratch pipe held nothing before: all of t is there. */
    while (got < (size_t)t) {
        ssize_t r = read(pk->pipe[0], pk->buf + got, (size_t)t - got);

        if (r <= 0)
            return r < 0 ? -errno : -EIO;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

int peek_skip(struct peek *pk, int fifo, size_t len)
{
    while (len > 0) {
        ssize_t n = splice(fifo, NULL, pk->null, NULL, len, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? -errno : -EIO;
        len -= (size_t)n;
    }
    return 0;
}

ssize_t peek_take(struct peek *pk, int fifo, size_t len)
{
    ssize_t n = read(fifo, pk->buf, clamp(len));

    if (n < 0)
        return errno == EAGAIN ? 0 : -errno;
    return n;
}

ssize_t peek_tee(struct peek *pk, int fifo, size_t len)
{
    ssize_t t = tee(fifo, pk->pipe[1], len < pk->tee_max ? len : pk->tee_max,
                    SPLICE_F_NONBLOCK);

    if (t < 0)
        return errno == EAGAIN ? 0 : -errno;
    pk->held = (size_t)t;
    return t;
}

/* Exactly n bytes out of the scratch pipe into pk->buf. */
static int read_scratch(struct peek *pk, size_t n)
{
    size_t got = 0;

    while (got < n) {
        ssize_t r = read(pk->pipe[0], pk->buf + got, n - got);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return r < 0 ? -errno : -EIO;
        got += (size_t)r;
    }
    return 0;
}

int peek_read(struct peek *pk, size_t n)
{
    int r;

    assert(n <= pk->held && n <= PEEK_SIZE);
    r = read_scratch(pk, n);
    pk->held -= r == 0 ? n : 0;
    return r;
}

void peek_clear(struct peek *pk)
{
    while (pk->held > 0) {
        ssize_t n = splice(pk->pipe[0], NULL, pk->null, NULL, pk->held, SPLICE_F_NONBLOCK);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        pk->held -= (size_t)n;
    }
    /* Never left behind (the next look would see old bytes): read out. */
    if (pk->held > 0)
        while (read(pk->pipe[0], pk->buf, PEEK_SIZE) > 0)
            ;
    pk->held = 0;
}
