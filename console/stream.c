/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The data path: FIFO -> file with splice(2), so that data leaves the FIFO
 * only in the system call that puts it in the file; a daemon killed at any
 * moment loses nothing and repeats nothing. Every write goes to the file's
 * real end, read just before it (see at_end()), which is what O_APPEND
 * would give, had splice(2) not refused O_APPEND files: an outside
 * truncation (logrotate's copytruncate) leaves no hole. Near the limit,
 * tee(2) lets us look at the data to cut after a newline.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "beneath.h"
#include "control.h"
#include "input.h"
#include "log.h"
#include "rotate.h"
#include "stream.h"
#include "util.h"

#define WINDOW (64 * 1024)          /* how far back we look for a newline */
#define BUDGET (4 * 1024 * 1024)    /* bytes per wake-up, for fairness */
#define RETRY_MS 1000
#define FIFO_SIZE (1024 * 1024)      /* more than one move takes */

static void on_fifo(struct loop_fd *lf, uint32_t events);

static uint64_t wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

const char *stream_open(struct stream *s, bool adopt, const char **node)
{
    struct xld *d = s->d;
    const char *why;
    bool exists = false;
    off_t size = 0;
    int fifo = -1, dfd = -1, fd;

    *node = "pipe";
    why = fifo_open(d->run_dirfd, s->p.pipe_rel, d->uid, &fifo, &s->fifo_dev, &s->fifo_ino);
    if (why)
        return why;
    *node = "input";
    if ((why = input_open(s))) {
        close(fifo);
        return why;
    }
    *node = "file";
    why = logdir_open(d->log_dirfd, s->p.file_dir, &dfd);
    if (!why)
        why = logfile_check(dfd, s->p.file_base, d->uid, &exists);
    if (why) {
        close(fifo);
        input_close(s);
        if (dfd >= 0)
            close(dfd);
        return why;
    }
    if (adopt) {
        fd = logfile_append(dfd, s->p.file_base, d->uid, &size, &why);
    } else {
        fd = exists ? logfile_rotate(dfd, s->p.file_base, s->p.copies) : 0;
        if (fd < 0)
            why = strerror(-fd);
        else
            fd = logfile_create(dfd, s->p.file_base, d->uid, &why);
    }
    if (fd < 0) {
        close(fifo);
        input_close(s);
        close(dfd);
        return why;
    }
    /* Best effort: above /proc/sys/fs/pipe-max-size it needs
     * CAP_SYS_RESOURCE, and past pipe-user-pages-soft the kernel gives less. */
    if (fcntl(fifo, F_SETPIPE_SZ, (int)s->d->fifo_size) < 0)
        log_debug("stream %u/%u: FIFO size %u: %s", s->domid, s->id, s->d->fifo_size,
                  strerror(errno));
    s->lf.fd = fifo;
    s->lf.fn = on_fifo;
    s->dfd = dfd;
    s->fd = fd;
    s->size = (uint64_t)size;
    s->io_err = 0;
    memset(&s->st, 0, sizeof(s->st));
    s->st.since_ms = wall_ms();
    if (loop_add(d->loop, &s->lf, EPOLLIN) < 0) {
        why = strerror(errno);
        stream_close(s);
        return why;
    }
    return NULL;
}

static void io_failed(struct stream *s, int err)
{
    if (!s->io_err)
        log_err(err, "stream %u/%u: cannot write %s/%s; discarding what cannot be written",
                s->domid, s->id, s->p.file_dir, s->p.file_base);
    s->io_err = err;
    s->retry_at = now_ms() + RETRY_MS;
}

/* Disk full: the stream's own oldest copy goes to make room. true if one went. */
static bool reclaim(struct stream *s)
{
    char name[NAME_MAX_LEN + 16];
    unsigned i;

    for (i = s->p.copies; i > 0; i--) {
        snprintf(name, sizeof(name), "%s.%u", s->p.file_base, i);
        if (unlinkat(s->dfd, name, 0) == 0) {
            log_warn("stream %u/%u: disk full: removed its oldest copy %s", s->domid, s->id,
                     name);
            return true;
        }
    }
    return false;
}

static int rotate(struct stream *s)
{
    const char *why;
    int r, fd;

    r = logfile_rotate(s->dfd, s->p.file_base, s->p.copies);
    if (r < 0)
        return r;
    if (s->fd >= 0)
        close(s->fd);
    s->size = 0;
    s->st.rotations++;
    fd = logfile_create(s->dfd, s->p.file_base, s->d->uid, &why);
    s->fd = fd < 0 ? -1 : fd;
    return fd < 0 ? fd : 0;
}

/* Up to len bytes of the FIFO, still in it, into d->buf (tee). */
static ssize_t peek(struct stream *s, size_t len)
{
    struct xld *d = s->d;
    ssize_t t = tee(s->lf.fd, d->scratch[1], len < IO_BUF_SIZE ? len : IO_BUF_SIZE,
                    SPLICE_F_NONBLOCK);
    size_t got = 0;

    if (t <= 0)
        return t;
    while (got < (size_t)t) {
        ssize_t r = read(d->scratch[0], d->buf + got, (size_t)t - got);

        if (r <= 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/*
 * The file's real end becomes s->size: an outside truncation gives the file
 * its room back, and the next write goes there, leaving no hole. A
 * truncation in the microseconds between this and the write can still leave
 * one (docs/protocol.md).
 */
static int at_end(struct stream *s)
{
    struct stat st;

    if (fstat(s->fd, &st) < 0)
        return -1;
    if ((uint64_t)st.st_size != s->size)
        s->size = (uint64_t)st.st_size;
    return 0;
}

/*
 * FIFO -> file at s->size, zero copy. With readers attached, what will move
 * is looked at first (tee), then exactly that moves and is fed to them.
 */
static ssize_t move(struct stream *s, size_t len)
{
    loff_t off = (loff_t)s->size;
    ssize_t n;

    if (s->readers) {
        ssize_t got = peek(s, len);

        if (got <= 0)
            return got;
        len = (size_t)got;
    }
    n = splice(s->lf.fd, NULL, s->fd, &off, len, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
    if (n <= 0)
        return n;
    if (s->readers)
        readers_feed(s, s->d->buf, (size_t)n);
    s->size += (uint64_t)n;
    s->st.bytes_in += (uint64_t)n;
    s->st.bytes_written += (uint64_t)n;
    return n;
}

/*
 * How much of the next `room` bytes to write before rotating: up to the last
 * newline among them; 0 if there is none. *whole is false if tee saw less
 * than room (then write what it saw and look again).
 */
static size_t cut_point(struct stream *s, size_t room, bool *whole)
{
    ssize_t t = peek(s, room);
    size_t got = t > 0 ? (size_t)t : 0;
    const char *nl;

    *whole = true;
    if (got == 0)
        return 0;
    nl = memrchr(s->d->buf, '\n', got);
    if (nl)
        return (size_t)(nl - s->d->buf) + 1;
    if (got < room) {
        *whole = false;
        return got;
    }
    return 0;
}

static bool ends_in_newline(const struct stream *s)
{
    char last;

    return s->size == 0 ||
           (pread(s->fd, &last, 1, (off_t)s->size - 1) == 1 && last == '\n');
}

/* One step of the copy: >0 bytes moved, 0 nothing to do, -1 errno set. */
static ssize_t pump_once(struct stream *s, size_t avail)
{
    uint64_t room;
    size_t len;
    bool cut = false, whole = true;
    ssize_t n;
    int r;

    if (at_end(s) < 0)
        return -1;
    if (s->size >= s->p.limit && (r = rotate(s)) < 0) {
        errno = -r;
        return -1;
    }
    room = s->p.limit - s->size;
    if (avail <= room) {
        len = avail;
    } else if (room > WINDOW) {
        len = (size_t)(room - WINDOW);
    } else {
        /* It does not fit: cut after the last newline that does. */
        len = cut_point(s, (size_t)room, &whole);
        cut = whole;
        if (len == 0 && whole) {
            if (s->size > 0 && ends_in_newline(s)) {
                /* The file already ends a line: start the next file. */
                if ((r = rotate(s)) < 0) {
                    errno = -r;
                    return -1;
                }
                return pump_once(s, avail);
            }
            len = (size_t)room;     /* a line longer than the window: cut it */
        }
    }
    n = move(s, len);
    if (n > 0 && cut && (size_t)n == len && (r = rotate(s)) < 0) {
        errno = -r;
        return -1;
    }
    return n;
}

static int fifo_avail(int fd)
{
    int n = 0;

    if (ioctl(fd, FIONREAD, &n) < 0)
        return -1;
    return n;
}

static ssize_t discard(struct stream *s, size_t avail)
{
    size_t want = avail < IO_BUF_SIZE ? avail : IO_BUF_SIZE;
    ssize_t n = read(s->lf.fd, s->d->buf, want);

    if (n > 0) {
        s->st.bytes_in += (uint64_t)n;
        s->st.dropped += (uint64_t)n;
        s->dropped_unreported += (uint64_t)n;
        if (s->readers)
            readers_feed(s, s->d->buf, (size_t)n);
    }
    return n;
}

static bool write_marker(struct stream *s);

/* Moves up to `budget` bytes; returns how many were moved (or dropped). */
static uint64_t pump(struct stream *s, uint64_t budget)
{
    uint64_t moved = 0;

    while (moved < budget) {
        int avail;
        ssize_t n;

        /* Far from the limit no look is needed: move what is there. */
        if (!s->io_err && s->fd >= 0 && s->size + FIFO_SIZE + WINDOW < s->p.limit) {
            avail = FIFO_SIZE;
        } else if ((avail = fifo_avail(s->lf.fd)) <= 0) {
            break;
        }
        /* Every read tries the file: only what cannot be written now is dropped. */
        if ((s->io_err || s->fd < 0) && !write_marker(s))
            n = discard(s, (size_t)avail);
        else
            n = pump_once(s, (size_t)avail);
        if (n < 0) {
            int err = errno;

            if (err == EAGAIN || err == EINTR)
                break;
            if ((err == ENOSPC || err == EDQUOT) && reclaim(s))
                continue;
            io_failed(s, err);
            n = discard(s, (size_t)avail);
        }
        if (n < 0)
            break;
        if (n == 0)
            break;
        moved += (uint64_t)n;
    }
    return moved;
}

void stream_pump(struct stream *s)
{
    pump(s, BUDGET);
}

static void on_fifo(struct loop_fd *lf, uint32_t events)
{
    (void)events;
    stream_pump(container_of(lf, struct stream, lf));
}

/*
 * After drops: the file again (if a rotation lost it) and the marker line
 * with the count, on a line of its own. true once the file takes data again.
 */
static bool write_marker(struct stream *s)
{
    char marker[160], last;
    bool torn;
    int len;
    ssize_t n;

    if (s->fd < 0) {
        const char *why;
        int fd = logfile_create(s->dfd, s->p.file_base, s->d->uid, &why);

        if (fd < 0)
            return false;
        s->fd = fd;
        s->size = 0;
    }
    if (!s->io_err)
        return true;
    if (at_end(s) < 0)
        return false;
    torn = s->size > 0 && pread(s->fd, &last, 1, (off_t)s->size - 1) == 1 && last != '\n';
    len = snprintf(marker, sizeof(marker), "%sxenlogd: dropped %llu bytes (%s)\n",
                   torn ? "\n" : "", (unsigned long long)s->dropped_unreported,
                   strerror(s->io_err));
    if (s->size + (uint64_t)len > s->p.limit && rotate(s) < 0)
        return false;
    n = pwrite(s->fd, marker, (size_t)len, (off_t)s->size);
    if (n != len) {
        if (n > 0)
            s->size += (uint64_t)n;
        return false;
    }
    s->size += (uint64_t)len;
    s->st.bytes_written += (uint64_t)len;
    log_info("stream %u/%u: writing again after dropping %llu bytes", s->domid, s->id,
             (unsigned long long)s->dropped_unreported);
    s->dropped_unreported = 0;
    s->io_err = 0;
    return true;
}

void stream_retry(struct stream *s, uint64_t now)
{
    if ((!s->io_err && s->fd >= 0) || now < s->retry_at)
        return;
    s->retry_at = now + RETRY_MS;
    write_marker(s);
}

void stream_close(struct stream *s)
{
    input_close(s);
    if (s->lf.fd >= 0) {
        loop_del(s->d->loop, &s->lf);
        close(s->lf.fd);
    }
    if (s->fd >= 0)
        close(s->fd);
    if (s->dfd >= 0)
        close(s->dfd);
    s->lf.fd = s->fd = s->dfd = -1;
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
    if (s->io_err && s->dropped_unreported)
        log_warn("stream %u/%u: closed after dropping %llu bytes", s->domid, s->id,
                 (unsigned long long)s->dropped_unreported);
    readers_end(s);
    stream_close(s);
}
