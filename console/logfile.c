/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The write side of a stream (logfile.h). Data goes FIFO -> file with
 * splice(2), so that it leaves the FIFO only in the system call that puts
 * it in the file: a daemon killed at any moment loses nothing and repeats
 * nothing. Every splice goes to the file's real end, read just before it
 * (at_end()), which is what O_APPEND would give had splice(2) not refused
 * O_APPEND files: an outside truncation (logrotate's copytruncate) leaves
 * no hole. Near the limit a look (peek.h) finds the last newline.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "beneath.h"
#include "compress.h"
#include "log.h"
#include "logfile.h"
#include "loop.h"
#include "peek.h"
#include "rotate.h"
#include "stamp.h"

#define WINDOW (64 * 1024)          /* how far back we look for a newline */
#define CHECK_MS 1000               /* moved-file check, while data flows */
#define TAIL_CHUNK 32768
#define OUT_CAP (512 * 1024)        /* a stamped batch: a look and its stamps */

static bool ends_in_newline(const struct logfile *lf)
{
    char last;

    return lf->size == 0 ||
           (pread(lf->fd, &last, 1, (off_t)lf->size - 1) == 1 && last == '\n');
}

static int fail_open(struct logfile *lf, int r)
{
    if (lf->own_dfd && lf->dfd >= 0)
        close(lf->dfd);
    lf->dfd = -1;
    return r;
}

/* Compressed copies: the history takes what is in the directory. */
static int open_history(struct logfile *lf)
{
    const struct zhist_params zp = {
        .limit = lf->limit, .copies = lf->copies, .max_copies = lf->max_copies,
        .uid = lf->uid, .compress = true,
    };

    lf->zh = NULL;
    return lf->zw ? zhist_open(lf->zw, lf->dfd, lf->base, &zp, &lf->zh) : 0;
}

/* The copies shift (f -> f.1 ...): by rename, or through the history. */
static int shift(struct logfile *lf, uint64_t fsize)
{
    return lf->zh ? zhist_rotate(lf->zh, fsize) : copies_shift(lf->dfd, lf->base, lf->copies);
}

/* A new stream: an old f goes the way of old copies, then a new f. */
static int start_fresh(struct logfile *lf, bool exists, const char **why)
{
    struct stat st;
    int r = 0;

    if (exists && fstatat(lf->dfd, lf->base, &st, AT_SYMLINK_NOFOLLOW) == 0)
        r = shift(lf, (uint64_t)st.st_size);
    if (r < 0) {
        *why = strerror(-r);
        return r;
    }
    return file_create(lf->dfd, lf->base, lf->uid, why);
}

int logfile_open(struct logfile *lf, int dfd, bool own_dfd, bool adopt, const char **why)
{
    off_t size = 0;
    bool exists = false;
    int fd;

    assert(lf->base && dfd >= 0);
    lf->dfd = dfd;
    lf->own_dfd = own_dfd;
    lf->fd = -1;
    if ((*why = file_check(dfd, lf->base, lf->uid, &exists)))
        return fail_open(lf, -EPERM);
    if ((fd = open_history(lf)) < 0) {
        *why = strerror(-fd);
        return fail_open(lf, fd);
    }
    if (adopt)
        fd = file_append(dfd, lf->base, lf->uid, &size, why);
    else
        fd = start_fresh(lf, exists, why);
    if (fd < 0) {
        logfile_close(lf);
        return fd;
    }
    lf->fd = fd;
    lf->size = (uint64_t)size;
    lf->at_start = ends_in_newline(lf);
    lf->state = LOGFILE_WRITABLE;
    lf->err = 0;
    lf->unreported = 0;
    memset(&lf->fig, 0, sizeof(lf->fig));
    if (lf->lru) {
        uint64_t now = now_ms();

        logfile_used(lf, now);
        logfile_pressure(lf->lru, fd, now);
    }
    return 0;
}

void logfile_close(struct logfile *lf)
{
    if (lf->state != LOGFILE_WRITABLE && lf->unreported)
        log_warn("stream %u/%u: closed after dropping %llu bytes", lf->domid, lf->id,
                 (unsigned long long)lf->unreported);
    if (lf->zh)
        zhist_close(lf->zh);
    lf->zh = NULL;
    if (lf->lru)
        logfile_unlink(lf);
    lf->parked = false;
    if (lf->fd >= 0)
        close(lf->fd);
    if (lf->own_dfd && lf->dfd >= 0)
        close(lf->dfd);
    lf->fd = lf->dfd = -1;
}

/* f -> f.1 ..., a new empty f. */
static int logfile_rotate(struct logfile *lf)
{
    const char *why;
    int r = shift(lf, lf->size);

    if (r < 0)
        return r;
    if (lf->fd >= 0)
        close(lf->fd);
    lf->size = 0;
    lf->fig.rotations++;
    lf->fd = file_create(lf->dfd, lf->base, lf->uid, &why);
    if (lf->fd >= 0)
        return 0;
    r = lf->fd;
    lf->fd = -1;
    lf->state = LOGFILE_NOFILE;
    return r;
}

/*
 * The file's real end becomes lf->size: an outside truncation gives the
 * file its room back, and the next write goes there, leaving no hole. A
 * truncation in the microseconds between this and the write can still
 * leave one (docs/protocol.md).
 */
static int at_end(struct logfile *lf)
{
    struct stat st;

    if (fstat(lf->fd, &st) < 0)
        return -errno;
    lf->size = (uint64_t)st.st_size;
    return 0;
}


/* What to write when the next room (<= WINDOW) bytes do not all fit:
 * up to the last newline among them (*cut), what was seen if that was
 * less (the rest of the line may come: write, look again), or, for a line
 * longer than the window, room bytes (*cut). 0 with *cut and nothing
 * written: no line fits but f already ends one, so f rotates first. */
static ssize_t cut_point(struct logfile *lf, struct peek *pk, int fifo, uint64_t room,
                         bool *cut)
{
    ssize_t got = peek_fifo(pk, fifo, (size_t)room);
    const char *nl;

    if (got <= 0)
        return got;
    *cut = true;
    if ((nl = memrchr(pk->buf, '\n', (size_t)got)))
        return nl - pk->buf + 1;
    if ((uint64_t)got < room) {
        *cut = false;
        return got;
    }
    if (lf->size > 0 && ends_in_newline(lf))
        return 0;
    return (ssize_t)room;
}

ssize_t logfile_plan(struct logfile *lf, struct peek *pk, int fifo, size_t avail, bool *cut)
{
    uint64_t room;
    ssize_t n;
    int r;

    assert(lf->state == LOGFILE_WRITABLE);
    *cut = false;
    if ((r = at_end(lf)) < 0)
        return r;
    if (lf->size >= lf->limit && (r = logfile_rotate(lf)) < 0)
        return r;
    room = lf->limit - lf->size;
    if (avail <= room)
        return (ssize_t)avail;
    if (room > WINDOW)
        return (ssize_t)(room - WINDOW);
    n = cut_point(lf, pk, fifo, room, cut);
    if (n == 0 && *cut) {
        if ((r = logfile_rotate(lf)) < 0)
            return r;
        return logfile_plan(lf, pk, fifo, avail, cut);
    }
    return n;
}

bool logfile_fits(const struct logfile *lf, size_t n)
{
    return lf->state == LOGFILE_WRITABLE && lf->size + n + WINDOW < lf->limit;
}

ssize_t logfile_splice(struct logfile *lf, int fifo, size_t len, bool cut)
{
    loff_t off = (loff_t)lf->size;
    ssize_t n = splice(fifo, NULL, lf->fd, &off, len, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);

    if (n < 0)
        return errno == EAGAIN ? 0 : -errno;
    lf->size += (uint64_t)n;
    lf->fig.written += (uint64_t)n;
    /* A failed rotation shows at the next plan (f full, or NOFILE). */
    if (cut && (size_t)n == len)
        logfile_rotate(lf);
    return n;
}

/* A stamped batch: output out[0..olen) for the next `in` input bytes. */
struct batch {
    char out[OUT_CAP];
    size_t olen, in;
    bool at_start;            /* after the batch */
};

static int write_batch(struct logfile *lf, struct batch *b, logfile_out_fn *fn, void *arg)
{
    ssize_t n = pwrite(lf->fd, b->out, b->olen, (off_t)lf->size);

    if (n < 0)
        return -errno;
    lf->size += (uint64_t)n;
    lf->fig.written += (uint64_t)n;
    if ((size_t)n < b->olen)
        return -ENOSPC;       /* the input stays in the FIFO: it is written again */
    fn(arg, b->out, b->olen);
    lf->at_start = b->at_start;
    b->olen = 0;
    return 0;
}

/* How much of a segment of len bytes fits the batch and the file: 0 if
 * nothing. *by_file: the file's room, not the batch's, is what limits. */
static size_t fits(const struct logfile *lf, const struct batch *b, size_t len, bool stamp,
                   bool *by_file)
{
    uint64_t used = lf->size + b->olen;
    uint64_t room = used < lf->limit ? lf->limit - used : 0;
    size_t cap = OUT_CAP - b->olen, head = stamp ? STAMP_LEN : 0;
    uint64_t most = room < cap ? room : cap;

    *by_file = room < len + head && room <= cap;
    if (most <= head)
        return 0;
    return len + head <= most ? len : (size_t)(most - head);
}

static size_t append(struct batch *b, const char *seg, size_t take, bool stamp,
                     const char *stmp, bool ends_line)
{
    if (stamp) {
        memcpy(b->out + b->olen, stmp, STAMP_LEN);
        b->olen += STAMP_LEN;
    }
    memcpy(b->out + b->olen, seg, take);
    b->olen += take;
    b->in += take;
    b->at_start = ends_line;
    return take;
}

/*
 * One segment (a line or its part) into the batch; or the batch out; or a
 * rotation. A line goes whole into one file when it fits one: it is cut
 * only if no file holds it, or it was cut already (it came in parts).
 * Input bytes taken into the batch, 0 if it made room, or -errno.
 */
static ssize_t stamped_step(struct logfile *lf, struct batch *b, const char *seg, size_t len,
                            bool nl, const char *stamp, logfile_out_fn *fn, void *arg)
{
    bool start = b->olen ? b->at_start : lf->at_start, by_file;
    size_t take = fits(lf, b, len, start, &by_file);
    int r;

    if (take == len)
        return (ssize_t)append(b, seg, take, start, stamp, nl);
    if (b->olen)
        return (r = write_batch(lf, b, fn, arg)) < 0 ? r : 0;
    if (take > 0 && (!by_file || !start || lf->size == 0))
        return (ssize_t)append(b, seg, take, start, stamp, false);
    /* It does not fit, and f is full or ends a line: the next file. */
    return (r = logfile_rotate(lf)) < 0 ? r : 0;
}

ssize_t logfile_write_stamped(struct logfile *lf, const char *in, size_t n, const char *stamp,
                              logfile_out_fn *fn, void *arg)
{
    static struct batch b;
    size_t done = 0, pos = 0;
    int w;

    assert(lf->state == LOGFILE_WRITABLE);
    if ((w = at_end(lf)) < 0)
        return w;
    b.olen = b.in = 0;
    while (pos < n) {
        bool nl;
        size_t len = stamp_segment(in + pos, n - pos, &nl);
        ssize_t r;

        if ((r = stamped_step(lf, &b, in + pos, len, nl, stamp, fn, arg)) < 0)
            return done ? (ssize_t)done : r;
        if (b.olen == 0) {
            done += b.in;
            b.in = 0;
        }
        pos += (size_t)r;
    }
    if (b.olen && (w = write_batch(lf, &b, fn, arg)) < 0)
        return done ? (ssize_t)done : w;
    return (ssize_t)(done + b.in);
}

/* Disk full: the stream's own oldest copy goes to make room. */
static bool reclaim(struct logfile *lf)
{
    unsigned i;

    if (lf->zh) {
        if (zhist_drop_oldest(lf->zh) <= 0)
            return false;
        log_warn("stream %u/%u: disk full: removed its oldest copy", lf->domid, lf->id);
        return true;
    }

    for (i = lf->copies; i > 0; i--) {
        if (copy_remove(lf->dfd, lf->base, i) == 0) {
            log_warn("stream %u/%u: disk full: removed its oldest copy %s.%u", lf->domid,
                     lf->id, lf->base, i);
            return true;
        }
    }
    return false;
}

int logfile_failed(struct logfile *lf, int err, uint64_t now)
{
    assert(err > 0);
    if ((err == ENOSPC || err == EDQUOT) && reclaim(lf))
        return 1;
    if (!lf->err)
        log_err(err, "stream %u/%u: cannot write %s; discarding what cannot be written",
                lf->domid, lf->id, lf->path);
    if (lf->fd >= 0)
        lf->state = LOGFILE_DISCARDING;
    lf->err = err;
    lf->retry_at = now + LOGFILE_RETRY_MS;
    return 0;
}

void logfile_dropped(struct logfile *lf, size_t n)
{
    lf->fig.dropped += n;
    lf->unreported += n;
}

int logfile_note(struct logfile *lf, const char *text)
{
    char line[LOGFILE_NOTE_MAX + 2];
    ssize_t n;
    int len, r;

    if ((r = logfile_unpark(lf, now_ms())) < 0)
        return r;
    assert(lf->fd >= 0);
    if ((r = at_end(lf)) < 0)
        return r;
    len = snprintf(line, sizeof(line), "%s%s\n", ends_in_newline(lf) ? "" : "\n", text);
    if (len >= (int)sizeof(line))
        return -EINVAL;
    if (lf->size + (uint64_t)len > lf->limit && (r = logfile_rotate(lf)) < 0)
        return r;
    if (line[0] == '\n' && lf->size == 0)
        memmove(line, line + 1, (size_t)len--);
    n = pwrite(lf->fd, line, (size_t)len, (off_t)lf->size);
    if (n > 0) {
        lf->size += (uint64_t)n;
        lf->fig.written += (uint64_t)n;
    }
    if (n < 0)
        return -errno;
    if (n != len)
        return -ENOSPC;
    lf->at_start = true;
    return 0;
}

/* The marker line after drops, on a line of its own. */
static bool write_marker(struct logfile *lf)
{
    char marker[LOGFILE_NOTE_MAX];

    snprintf(marker, sizeof(marker), "xenlogd: dropped %llu bytes (%s)",
             (unsigned long long)lf->unreported, strerror(lf->err ? lf->err : EIO));
    return logfile_note(lf, marker) == 0;
}

bool logfile_recover(struct logfile *lf, uint64_t now)
{
    const char *why;

    if (lf->parked && logfile_unpark(lf, now) < 0)
        return false;
    if (lf->state == LOGFILE_WRITABLE) {
        logfile_used(lf, now);
        return true;
    }
    lf->retry_at = now + LOGFILE_RETRY_MS;
    if (lf->fd < 0) {
        int fd = file_create(lf->dfd, lf->base, lf->uid, &why);

        if (fd < 0)
            return false;
        lf->fd = fd;
        lf->size = 0;
    }
    if (lf->unreported && !write_marker(lf))
        return false;
    if (lf->unreported)
        log_info("stream %u/%u: writing again after dropping %llu bytes", lf->domid, lf->id,
                 (unsigned long long)lf->unreported);
    lf->unreported = 0;
    lf->err = 0;
    lf->state = LOGFILE_WRITABLE;
    return true;
}

void logfile_retry(struct logfile *lf, uint64_t now)
{
    if (lf->state != LOGFILE_WRITABLE && now >= lf->retry_at)
        logfile_recover(lf, now);
}

/* Parked: f by name is checked (and made if gone), then closed again. */
static int reopen_parked(struct logfile *lf, const char *why)
{
    const char *bad = NULL;
    off_t size;
    struct stat st;
    int fd = file_reopen(lf->dfd, lf->base, lf->uid, &size, &bad);

    if (fd < 0) {
        log_warn("stream %u/%u: cannot reopen %s (%s): %s", lf->domid, lf->id, lf->path, why,
                 bad ? bad : strerror(-fd));
        return fd;
    }
    if (fstat(fd, &st) == 0) {
        lf->parked_dev = (uint64_t)st.st_dev;
        lf->parked_ino = (uint64_t)st.st_ino;
    }
    close(fd);
    log_info("stream %u/%u: reopened %s (%s)", lf->domid, lf->id, lf->path, why);
    return 1;
}

int logfile_reopen(struct logfile *lf, const char *why)
{
    const char *bad = NULL;
    off_t size = 0;
    int fd;

    if (lf->parked && lf->dfd >= 0)
        return reopen_parked(lf, why);
    if (lf->fd < 0 || lf->dfd < 0)
        return 0;       /* a file that could not be written is retried anyway */
    fd = file_reopen(lf->dfd, lf->base, lf->uid, &size, &bad);
    if (fd < 0) {
        if (!lf->reopen_failed)
            log_warn("stream %u/%u: cannot reopen %s (%s): %s; writing on to the open file",
                     lf->domid, lf->id, lf->path, why, bad ? bad : strerror(-fd));
        lf->reopen_failed = true;
        return fd;
    }
    close(lf->fd);
    lf->fd = fd;
    lf->size = (uint64_t)size;
    lf->reopen_failed = false;
    log_info("stream %u/%u: reopened %s (%s)", lf->domid, lf->id, lf->path, why);
    return 1;
}

/* Does f's name still lead to the open file? */
static bool moved(const struct logfile *lf)
{
    struct stat open_st, name_st;

    if (fstat(lf->fd, &open_st) < 0)
        return false;
    if (fstatat(lf->dfd, lf->base, &name_st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT;
    return name_st.st_dev != open_st.st_dev || name_st.st_ino != open_st.st_ino;
}

int logfile_check(struct logfile *lf, uint64_t now)
{
    if (now < lf->check_at || lf->fd < 0)
        return 0;
    lf->check_at = now + CHECK_MS;
    return moved(lf) ? logfile_reopen(lf, "moved or removed") : 0;
}

/* Up to `want` bytes from the end of fd (size bytes) to fn. */
static void tail_of(int fd, uint64_t size, uint64_t want,
                    void (*fn)(void *arg, const char *buf, size_t n), void *arg)
{
    char buf[TAIL_CHUNK];
    uint64_t pos = size > want ? size - want : 0;

    while (pos < size) {
        size_t len = size - pos < sizeof(buf) ? (size_t)(size - pos) : sizeof(buf);
        ssize_t n = pread(fd, buf, len, (off_t)pos);

        if (n <= 0)
            break;
        fn(arg, buf, (size_t)n);
        pos += (uint64_t)n;
    }
}

/* Uncompressed: f.1 then f (ffd, its first cur bytes). */
static void tail_plain(const struct logfile *lf, uint64_t want, int ffd, uint64_t cur,
                       void (*fn)(void *arg, const char *buf, size_t n), void *arg)
{
    struct stat st;
    int fd;

    if (want > cur && lf->copies > 0 && lf->dfd >= 0 &&
        (fd = copy_open(lf->dfd, lf->base, 1, lf->uid)) >= 0) {
        if (fstat(fd, &st) == 0)
            tail_of(fd, (uint64_t)st.st_size, want - cur, fn, arg);
        close(fd);
    }
    if (cur)
        tail_of(ffd, cur, want, fn, arg);
}

/*
 * Single-threaded: everything before this moment is in the files,
 * everything after goes to the caller's sink live; nothing twice, nothing
 * missed.
 */
void logfile_tail(const struct logfile *lf, uint64_t want,
                  void (*fn)(void *arg, const char *buf, size_t n), void *arg)
{
    int ffd = lf->fd;
    uint64_t cur = ffd >= 0 ? lf->size : 0;
    struct stat st;

    if (lf->parked && lf->dfd >= 0 && (ffd = file_open_ro(lf->dfd, lf->base, lf->uid)) >= 0)
        cur = fstat(ffd, &st) == 0 ? (uint64_t)st.st_size : 0;
    if (lf->zh) {
        zhist_tail(lf->zh, want, ffd, cur, fn, arg);
    } else {
        tail_plain(lf, want, ffd, cur, fn, arg);
    }
    if (lf->parked && ffd >= 0)
        close(ffd);
}
