/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A stream's data path: how much the FIFO holds, how much of it goes
 * (logfile_plan()), then logfile_splice(). With sinks attached that all
 * take a pipe, each tees what will move straight from the FIFO first, and
 * is told how many moved (sink.h). With others among them, what will move
 * is first duplicated into the scratch pipe (tee), and exactly what
 * reached the file goes to them from there: by tee again (zero copy) to
 * sinks that take a pipe, read into memory only for the others. Bytes
 * already in memory (stamped streams; what cannot be written, read, fed
 * and counted) are fed as they are.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "beneath.h"
#include "clock.h"
#include "compress.h"
#include "input.h"
#include "log.h"
#include "peek.h"
#include "stamp.h"
#include "stream.h"
#include "util.h"

#define BUDGET (4 * 1024 * 1024)    /* bytes per wake-up, for fairness */

static void on_fifo(struct loop_fd *lf, uint32_t events);

/* The file's directory: the log dir itself is shared, not opened again. */
static int open_dir(struct stream *s, int *dfd, bool *own, const char **why)
{
    *own = strcmp(s->p.file_dir, ".") != 0;
    if (!*own) {
        *dfd = s->d->log_dirfd;
        return 0;
    }
    if ((*why = logdir_open(s->d->log_dirfd, s->p.file_dir, dfd)))
        return -ENOENT;
    return 0;
}

/* Compressed: as many copies as the budget holds, counting 16 KiB at
 * least for each (a compressed copy of a small limit), within
 * ZHIST_MAX_COPIES, never fewer than asked. */
static unsigned max_copies(uint64_t limit, unsigned copies)
{
    uint64_t n = limit * (copies + 1ULL) / (16 * 1024);

    if (n > ZHIST_MAX_COPIES)
        n = ZHIST_MAX_COPIES;
    return n > copies ? (unsigned)n : copies;
}

static int open_log(struct stream *s, bool adopt, const char **why)
{
    struct logfile *lf = &s->log;
    bool own;
    int dfd, r;

    memset(lf, 0, sizeof(*lf));
    lf->fd = lf->dfd = -1;
    lf->base = s->p.file_base;
    lf->path = s->spec.file;
    lf->uid = s->d->uid;
    lf->limit = s->p.limit;
    lf->copies = s->p.copies;
    lf->lru = &s->d->files;
    if (s->p.compress > 0 && s->d->zw) {
        lf->zw = s->d->zw;
        lf->max_copies = max_copies(lf->limit, lf->copies);
    }
    lf->domid = s->domid;
    lf->id = s->id;
    if ((r = open_dir(s, &dfd, &own, why)) < 0)
        return r;
    return logfile_open(lf, dfd, own, adopt, why);
}

/* The domain's name as a marker may show it: printable, short. */
static void safe_name(char *out, size_t len, const char *name)
{
    size_t i;

    for (i = 0; name && name[i] && i + 1 < len; i++)
        out[i] = name[i] > 0x20 && name[i] < 0x7f ? name[i] : '?';
    out[i] = '\0';
}

/* A new stream (not an adopted one): the line that tells this start from
 * the previous one's in f.1 (docs/protocol.md, "Boot markers"). */
static void boot_marker(struct stream *s)
{
    char stamp[STAMP_LEN + 1], name[65], text[LOGFILE_NOTE_MAX];
    int r;

    stamp_format(stamp, clock_wall_ms());
    safe_name(name, sizeof(name), s->spec.domain);
    snprintf(text, sizeof(text), "%sxenlogd: start of domain %u (%s), stream %u (%s)", stamp,
             s->domid, name[0] ? name : "-", s->id, s->p.file_base);
    if ((r = logfile_note(&s->log, text)) < 0)
        log_warn("stream %u/%u: cannot write the boot marker: %s", s->domid, s->id,
                 strerror(-r));
}

/* Best effort: above /proc/sys/fs/pipe-max-size it needs CAP_SYS_RESOURCE,
 * and past pipe-user-pages-soft the kernel gives less. */
static void size_fifo(struct stream *s)
{
    int r = fcntl(s->lf.fd, F_SETPIPE_SZ, (int)s->d->fifo_size);

    if (r < 0) {
        log_debug("stream %u/%u: FIFO size %u: %s", s->domid, s->id, s->d->fifo_size,
                  strerror(errno));
        r = fcntl(s->lf.fd, F_GETPIPE_SZ);
    }
    s->fifo_cap = r > 0 ? (unsigned)r : 65536;
}

int stream_open(struct stream *s, bool adopt, const char **why, const char **node)
{
    struct xld *d = s->d;
    int fifo = -1, r;

    *node = "pipe";
    if ((*why = fifo_open(d->run_dirfd, s->p.pipe_rel, d->uid, &fifo, &s->fifo_dev,
                          &s->fifo_ino)))
        return -EPERM;
    *node = "input";
    if ((*why = input_open(&s->in, &(struct input_spec){
                               .loop = d->loop, .run_dirfd = d->run_dirfd,
                               .rel = s->p.input_rel, .uid = d->uid, .pipe_dev = s->fifo_dev,
                               .pipe_ino = s->fifo_ino, .domid = s->domid, .id = s->id }))) {
        close(fifo);
        return -EPERM;
    }
    *node = "file";
    s->lf.fd = fifo;
    s->lf.fn = on_fifo;
    if ((r = open_log(s, adopt, why)) < 0) {
        stream_close(s);
        return r;
    }
    if ((r = loop_add(d->loop, &s->lf, EPOLLIN)) < 0) {
        *why = strerror(-r);
        stream_close(s);
        return r;
    }
    size_fifo(s);
    if (!adopt && s->p.boot_marker)
        boot_marker(s);
    s->stamped = s->p.timestamp > 0;
    s->bytes_in = 0;
    s->since_ms = clock_wall_ms();
    return 0;
}

static int fifo_avail(int fd)
{
    int n = 0;

    if (ioctl(fd, FIONREAD, &n) < 0)
        return -errno;
    return n;
}

/* The n bytes that reached the file are the first n of the scratch pipe:
 * sinks that can take them from a pipe do (tee), the others get a copy. */
static void feed_moved(struct stream *s, struct peek *pk, size_t n)
{
    size_t off, len;

    sinks_tee(&s->sinks, pk->pipe[0], n);
    for (off = 0; off < n && sinks_want_buf(&s->sinks); off += len) {
        len = n - off < PEEK_SIZE ? n - off : PEEK_SIZE;
        if (peek_read(pk, len) < 0)
            return;
        sinks_feed_buf(&s->sinks, pk->buf, len);
    }
}

/* Every sink takes from the FIFO itself (sink.h, tee_next): no scratch
 * pipe. The FIFO's exact content first, so that a sink that took fewer
 * than moved was short of room (a gap), not of bytes a writer added since. */
static ssize_t move_direct(struct stream *s, size_t len, bool cut, bool *empty)
{
    int avail = fifo_avail(s->lf.fd);
    ssize_t n;

    if (avail <= 0) {
        *empty = true;
        return avail;
    }
    *empty = (size_t)avail < len;
    if (*empty) {
        len = (size_t)avail;
        cut = false;
    }
    sinks_tee_next(&s->sinks, s->lf.fd, len);
    n = logfile_splice(&s->log, s->lf.fd, len, cut);
    sinks_moved(&s->sinks, n > 0 ? (size_t)n : 0);
    *empty = *empty || n < (ssize_t)len;
    return n;
}

/* len bytes (or fewer) FIFO -> file; with sinks, first duplicated into the
 * scratch pipe (tee: no copy), and exactly what reached the file is fed.
 * cut: the file rotates once all len are in it. *empty if fewer moved than
 * the FIFO was asked for (it had no more). */
static ssize_t move(struct stream *s, size_t len, bool cut, bool *empty)
{
    struct peek *pk = &s->d->peek;
    uint64_t ahead;
    ssize_t got, n;

    if (sinks_empty(&s->sinks)) {
        n = logfile_splice(&s->log, s->lf.fd, len, cut);
        *empty = n < (ssize_t)len;
        return n;
    }
    /* No more than a sink that is ahead holds: it skips all of them. */
    if ((ahead = sinks_ahead(&s->sinks)) != 0 && ahead < len) {
        len = (size_t)ahead;
        cut = false;
    }
    if (sinks_direct(&s->sinks))
        return move_direct(s, len, cut, empty);
    if ((got = peek_tee(pk, s->lf.fd, len)) <= 0) {
        *empty = true;
        return got;
    }
    *empty = (size_t)got < (len < pk->tee_max ? len : pk->tee_max);
    cut = cut && (size_t)got == len;
    n = logfile_splice(&s->log, s->lf.fd, (size_t)got, cut);
    if (n > 0)
        feed_moved(s, pk, (size_t)n);
    *empty = *empty || n < got;
    peek_clear(pk);
    return n;
}

static void feed_sinks(void *arg, const char *buf, size_t n)
{
    struct stream *s = arg;

    sinks_feed(&s->sinks, buf, n);
}

/* A stamped stream: looked at, written with stamps, then taken (a daemon
 * killed in between writes that part again on restart: nothing is lost). */
static ssize_t step_stamped(struct stream *s, size_t avail, bool *empty)
{
    struct peek *pk = &s->d->peek;
    char stamp[STAMP_LEN + 1];
    ssize_t got = peek_fifo(pk, s->lf.fd, avail), n;
    int r;

    if (got <= 0)
        return got;
    *empty = (size_t)got < (avail < PEEK_SIZE ? avail : PEEK_SIZE);
    stamp_format(stamp, clock_wall_ms());
    n = logfile_write_stamped(&s->log, pk->buf, (size_t)got, stamp, feed_sinks, s);
    if (n > 0 && (r = peek_skip(pk, s->lf.fd, (size_t)n)) < 0)
        return r;
    return n;
}

/* Not writable: what the FIFO holds is read, fed and counted as dropped. */
static ssize_t discard(struct stream *s, size_t avail)
{
    struct peek *pk = &s->d->peek;
    ssize_t n = peek_take(pk, s->lf.fd, avail);

    if (n > 0) {
        logfile_dropped(&s->log, (size_t)n);
        sinks_feed(&s->sinks, pk->buf, (size_t)n);
    }
    return n;
}

/* One step: how much goes, then it goes. Bytes, 0 if none, or -errno;
 * *empty if fewer than planned moved (the FIFO had no more). */
static ssize_t step(struct stream *s, size_t avail, bool *empty)
{
    bool cut;
    ssize_t len = logfile_plan(&s->log, &s->d->peek, s->lf.fd, avail, &cut);

    if (len <= 0)
        return len;
    return move(s, (size_t)len, cut, empty);
}

/* Every read tries the file first: only what cannot be written now is
 * dropped. Bytes moved or dropped, or 0. */
static ssize_t take(struct stream *s, size_t avail, uint64_t now, bool *empty)
{
    for (;;) {
        ssize_t n;

        if (!logfile_recover(&s->log, now))
            return discard(s, avail);
        n = s->stamped ? step_stamped(s, avail, empty) : step(s, avail, empty);
        if (n >= 0)
            return n;
        if (n == -EINTR || n == -EAGAIN)
            return 0;
        if (logfile_failed(&s->log, (int)-n, now) == 0)
            return discard(s, avail);
        /* Room was made (the stream's oldest copy went): again. */
    }
}

/* How much the FIFO holds: far from the limit no exact figure is needed
 * (as much as it can hold: a short splice means it is empty). */
static int how_much(const struct stream *s)
{
    if (logfile_fits(&s->log, s->fifo_cap))
        return (int)s->fifo_cap;
    return fifo_avail(s->lf.fd);
}

/* Moves up to `budget` bytes; returns how many were moved (or dropped). */
static uint64_t pump(struct stream *s, uint64_t budget)
{
    uint64_t moved = 0, now = now_ms();
    bool empty = false;
    int avail;

    if (logfile_check(&s->log, now) > 0)
        s->d->figures.reopens++;
    while (!empty && moved < budget && (avail = how_much(s)) > 0) {
        ssize_t n = take(s, (size_t)avail, now, &empty);

        if (n <= 0)
            break;
        s->bytes_in += (uint64_t)n;
        moved += (uint64_t)n;
    }
    return moved;
}

void stream_pump(struct stream *s)
{
    pump(s, BUDGET);
    if (s->log.state != LOGFILE_WRITABLE)
        stream_tick_on(s);
}

void stream_tick_on(struct stream *s)
{
    struct xld *d = s->d;

    if (s->on_tick)
        return;
    s->on_tick = true;
    s->tick_prev = NULL;
    s->tick_next = d->ticking;
    if (d->ticking)
        d->ticking->tick_prev = s;
    d->ticking = s;
}

void stream_tick_off(struct stream *s)
{
    if (!s->on_tick)
        return;
    if (s->tick_prev)
        s->tick_prev->tick_next = s->tick_next;
    else
        s->d->ticking = s->tick_next;
    if (s->tick_next)
        s->tick_next->tick_prev = s->tick_prev;
    s->on_tick = false;
    s->tick_next = s->tick_prev = NULL;
}

static void on_fifo(struct loop_fd *lf, uint32_t events)
{
    (void)events;
    stream_pump(container_of(lf, struct stream, lf));
}

void stream_close(struct stream *s)
{
    input_close(&s->in);
    if (s->lf.fd >= 0) {
        loop_del(s->d->loop, &s->lf);
        close(s->lf.fd);
    }
    s->lf.fd = -1;
    logfile_close(&s->log);
}

void stream_drain_close(struct stream *s)
{
    int avail;

    if (s->lf.fd >= 0 && (avail = fifo_avail(s->lf.fd)) > 0) {
        /* What is there now; a writer still writing does not keep us here. */
        uint64_t moved = pump(s, (uint64_t)avail);

        log_debug("stream %u/%u: drained %llu bytes", s->domid, s->id,
                  (unsigned long long)moved);
    }
    sinks_end(&s->sinks);
    stream_close(s);
}

int stream_reopen(struct stream *s, const char *why)
{
    int r = s->state == STREAM_ACTIVE ? logfile_reopen(&s->log, why) : 0;

    if (r > 0)
        s->d->figures.reopens++;
    return r;
}

bool stream_ready(const struct stream *s)
{
    return s->state == STREAM_ACTIVE;
}

void stream_figures(const struct stream *s, struct stream_figures *f)
{
    f->state = s->state;
    f->file = s->spec.file ? s->spec.file : "";
    f->file_dir = s->p.file_dir;
    f->file_base = s->p.file_base;
    f->limit = s->p.limit;
    f->copies = s->p.copies;
    f->bytes_in = s->bytes_in;
    f->bytes_written = s->log.fig.written;
    f->rotations = s->log.fig.rotations;
    f->dropped = s->log.fig.dropped;
    f->since_ms = s->since_ms;
}

struct input *stream_input(const struct stream *s)
{
    return s->in;
}

void stream_attach(struct stream *s, struct sink *k)
{
    sinks_add(&s->sinks, k);
}

void stream_detach(struct stream *s, struct sink *k)
{
    sinks_del(&s->sinks, k);
}

unsigned stream_count_sinks(const struct stream *s, const struct sink_ops *ops)
{
    return sinks_count(&s->sinks, ops);
}

void stream_backlog(const struct stream *s, uint64_t want,
                    void (*fn)(void *arg, const char *buf, size_t n), void *arg)
{
    logfile_tail(&s->log, want, fn, arg);
}
