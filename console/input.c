/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "beneath.h"
#include "ctlproto.h"
#include "input.h"
#include "log.h"
#include "loop.h"
#include "util.h"

struct input {
    struct loop_fd lf;        /* the input FIFO; in the loop only while waiting */
    struct loop *loop;
    unsigned domid, id;
    bool waiting;             /* for EPOLLOUT */
    struct typist *typist;
    size_t off, len;          /* pend[off..len): accepted, not yet written */
    uint64_t written;
    char pend[XLC_MAX_INPUT];
};

static void on_writable(struct loop_fd *lf, uint32_t events);

const char *input_open(struct input **inp, const struct input_spec *sp)
{
    struct input *in;
    const char *why;
    dev_t dev;
    ino_t ino;
    int fd;

    *inp = NULL;
    if (!sp->rel[0])
        return NULL;
    if ((why = fifo_open(sp->run_dirfd, sp->rel, sp->uid, &fd, &dev, &ino)))
        return why;
    if (dev == sp->pipe_dev && ino == sp->pipe_ino) {
        close(fd);
        return "same FIFO as pipe";
    }
    if (!(in = calloc(1, sizeof(*in)))) {
        close(fd);
        return strerror(ENOMEM);
    }
    in->lf.fd = fd;
    in->lf.fn = on_writable;
    in->loop = sp->loop;
    in->domid = sp->domid;
    in->id = sp->id;
    *inp = in;
    return NULL;
}

void input_close(struct input **inp)
{
    struct input *in = *inp;

    if (!in)
        return;
    if (in->waiting)
        loop_del(in->loop, &in->lf);
    if (in->len > in->off)
        log_warn("stream %u/%u: closed with %zu bytes of input not taken by the FIFO",
                 in->domid, in->id, in->len - in->off);
    log_debug("stream %u/%u: %llu bytes of input written", in->domid, in->id,
              (unsigned long long)in->written);
    close(in->lf.fd);
    free(in);
    *inp = NULL;
}

int input_claim(struct input *in, struct typist *t)
{
    if (in->typist)
        return -EBUSY;
    in->typist = t;
    return 0;
}

void input_release(struct input *in, const struct typist *t)
{
    if (in && in->typist == t)
        in->typist = NULL;
}

struct typist *input_typist(const struct input *in)
{
    return in ? in->typist : NULL;
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
                    in->domid, in->id, in->len - in->off);
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
    if (loop_add(in->loop, &in->lf, EPOLLOUT) == 0) {
        in->waiting = true;
        log_debug("stream %u/%u: input FIFO full; the console waits", in->domid,
                  in->id);
        return;
    }
    log_err(errno, "stream %u/%u: cannot wait for the input FIFO; %zu bytes lost",
            in->domid, in->id, in->len - in->off);
    in->off = in->len = 0;
}

static void on_writable(struct loop_fd *lf, uint32_t events)
{
    struct input *in = container_of(lf, struct input, lf);

    (void)events;
    if (!push(in))
        return;
    loop_del(in->loop, &in->lf);
    in->waiting = false;
    if (in->typist)
        in->typist->resume(in->typist);
}
