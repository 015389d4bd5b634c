/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "beneath.h"
#include "control.h"
#include "ctlproto.h"
#include "input.h"
#include "log.h"
#include "stream.h"
#include "util.h"

struct input {
    struct loop_fd lf;        /* the input FIFO; in the loop only while waiting */
    struct stream *s;
    bool waiting;             /* for EPOLLOUT */
    size_t off, len;          /* pend[off..len): accepted, not yet written */
    uint64_t written;
    char pend[XLC_MAX_INPUT];
};

static void on_writable(struct loop_fd *lf, uint32_t events);

const char *input_open(struct stream *s)
{
    struct input *in;
    const char *why;
    dev_t dev;
    ino_t ino;
    int fd;

    s->in = NULL;
    if (!s->p.input_rel[0])
        return NULL;
    why = fifo_open(s->d->run_dirfd, s->p.input_rel, s->d->uid, &fd, &dev, &ino);
    if (why)
        return why;
    if (dev == s->fifo_dev && ino == s->fifo_ino) {
        close(fd);
        return "same FIFO as pipe";
    }
    if (!(in = calloc(1, sizeof(*in)))) {
        close(fd);
        return strerror(ENOMEM);
    }
    in->lf.fd = fd;
    in->lf.fn = on_writable;
    in->s = s;
    s->in = in;
    return NULL;
}

void input_close(struct stream *s)
{
    struct input *in = s->in;

    if (!in)
        return;
    if (in->waiting)
        loop_del(s->d->loop, &in->lf);
    if (in->len > in->off)
        log_warn("stream %u/%u: closed with %zu bytes of input not taken by the FIFO",
                 s->domid, s->id, in->len - in->off);
    log_debug("stream %u/%u: %llu bytes of input written", s->domid, s->id,
              (unsigned long long)in->written);
    close(in->lf.fd);
    free(in);
    s->in = NULL;
}

uint64_t input_bytes(const struct input *in)
{
    return in ? in->written : 0;
}

bool input_busy(const struct input *in)
{
    return in && in->len > in->off;
}

/* Writes what waits; true once nothing does. */
static bool push(struct input *in)
{
    while (in->off < in->len) {
        ssize_t n = write(in->lf.fd, in->pend + in->off, in->len - in->off);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return false;
        if (n < 0) {
            /* Not a full FIFO (we hold it O_RDWR: no EPIPE): say so. */
            log_err(errno, "stream %u/%u: cannot write input; %zu bytes lost",
                    in->s->domid, in->s->id, in->len - in->off);
            break;
        }
        in->off += (size_t)n;
        in->written += (uint64_t)n;
    }
    in->off = in->len = 0;
    return true;
}

void input_write(struct input *in, const void *buf, size_t n)
{
    if (!in || input_busy(in) || n > sizeof(in->pend))
        return;     /* callers check; never reached */
    memcpy(in->pend, buf, n);
    in->off = 0;
    in->len = n;
    if (push(in) || in->waiting)
        return;
    if (loop_add(in->s->d->loop, &in->lf, EPOLLOUT) == 0) {
        in->waiting = true;
        log_debug("stream %u/%u: input FIFO full; the console waits", in->s->domid,
                  in->s->id);
        return;
    }
    log_err(errno, "stream %u/%u: cannot wait for the input FIFO; %zu bytes lost",
            in->s->domid, in->s->id, in->len - in->off);
    in->off = in->len = 0;
}

static void on_writable(struct loop_fd *lf, uint32_t events)
{
    struct input *in = container_of(lf, struct input, lf);

    (void)events;
    if (!push(in))
        return;
    loop_del(in->s->d->loop, &in->lf);
    in->waiting = false;
    control_console_resume(in->s);
}
