/* SPDX-License-Identifier: LGPL-2.1-only */
/* stream.c - open and close one xenlogd stream (the five steps of xenlog.h). */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "decimal.h"
#include "glue.h"
#include "xstxn.h"

#define MAX_ID_PROBES 1000     /* ids skipped because their FIFO exists */
#define MAX_NAME_LEN  195      /* + ".log" = 199 < xenlogd's 200 */

static bool has_ctl(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

static void domdir_path(char *b, size_t n, uint32_t domid)
{
    snprintf(b, n, "/libxl/%u", (unsigned)domid);
}

void glue_logging_path(char *b, size_t n, uint32_t domid)
{
    snprintf(b, n, "/libxl/%u/logging", (unsigned)domid);
}

void glue_stream_path(char *b, size_t n, uint32_t domid, uint32_t id, const char *leaf)
{
    snprintf(b, n, "/libxl/%u/logging/%u%s%s", (unsigned)domid, (unsigned)id,
             leaf ? "/" : "", leaf ? leaf : "");
}

/* The log file for name: an absolute path as it is, else $LOG_DIR/name.log. */
static int file_for(xenlog_ctx *ctx, const char *name, char **file_r)
{
    size_t len = name ? strlen(name) : 0;

    if (!len)
        return glue_fail(ctx, XENLOG_E_INVAL, -1, "empty log name");
    if (has_ctl(name))
        return glue_fail(ctx, XENLOG_E_INVAL, -1,
                         "log name has a control character");
    if (name[0] == '/') {
        if (len >= GLUE_PATH_MAX)
            return glue_fail(ctx, XENLOG_E_INVAL, -1, "log file path too long");
        *file_r = strdup(name);
    } else {
        if (len > MAX_NAME_LEN || strchr(name, '/') || !strcmp(name, ".") ||
            !strcmp(name, ".."))
            return glue_fail(ctx, XENLOG_E_INVAL, -1,
                             "bad log name \"%s\" (at most %d bytes, no '/')",
                             name, MAX_NAME_LEN);
        if (asprintf(file_r, "%s/%s.log", ctx->log_dir, name) < 0)
            *file_r = NULL;
    }
    if (!*file_r)
        return glue_fail(ctx, XENLOG_E_NOMEM, ENOMEM, "out of memory");
    return 0;
}

static bool write_node(xenlog_ctx *ctx, xs_transaction_t t, uint32_t domid,
                       uint32_t id, const char *leaf, const char *val)
{
    char p[96];

    glue_stream_path(p, sizeof(p), domid, id, leaf);
    return xs_write(ctx->xsh, t, p, val, (unsigned)strlen(val));
}

/* Is the directory at path present and empty (in t)? */
static bool is_empty_dir(xenlog_ctx *ctx, xs_transaction_t t, const char *p)
{
    unsigned n;
    bool absent;
    char **d = glue_directory(ctx, t, p, &n, &absent);
    bool empty = d && n == 0;

    free(d);
    return empty;
}

bool glue_is_absent(xenlog_ctx *ctx, xs_transaction_t t, const char *p)
{
    unsigned n;
    bool absent;

    free(glue_directory(ctx, t, p, &n, &absent));
    return absent;
}

struct remove {
    xenlog_ctx *ctx;
    const xenlog_stream *s;
};

/* An xs_txn_fn: removes the stream's nodes and the (now empty) parents it
 * created.  -errno if the stream's node cannot be removed. */
static int remove_attempt(struct xs_handle *xsh, xs_transaction_t t, void *arg)
{
    const struct remove *rm = arg;
    const xenlog_stream *s = rm->s;
    xenlog_ctx *ctx = rm->ctx;
    char sp[96], lp[64], dp[64];

    glue_stream_path(sp, sizeof(sp), s->domid, s->id, NULL);
    glue_logging_path(lp, sizeof(lp), s->domid);
    domdir_path(dp, sizeof(dp), s->domid);
    if (!xs_rm(xsh, t, sp) && errno != ENOENT)
        return -errno;
    if (!s->made_logging || !is_empty_dir(ctx, t, lp))
        return 0;
    (void)xs_rm(xsh, t, lp);
    if (!s->made_domdir || !is_empty_dir(ctx, t, dp))
        return 0;
    (void)xs_rm(xsh, t, dp);
    if (s->made_root && is_empty_dir(ctx, t, "/libxl"))
        (void)xs_rm(xsh, t, "/libxl");
    return 0;
}

/* Remove the stream's nodes and the (now empty) parents it created. */
static int remove_nodes(xenlog_ctx *ctx, const xenlog_stream *s)
{
    struct remove rm = { ctx, s };
    char sp[96];
    int r = xs_txn_retry(ctx->xsh, remove_attempt, &rm, GLUE_TXN_TRIES);

    if (r == 0)
        return 0;
    glue_stream_path(sp, sizeof(sp), s->domid, s->id, NULL);
    return glue_fail(ctx, XENLOG_E_STORE, -r, "cannot remove %s", sp);
}

void glue_unlink_fifo(uint32_t domid, uint32_t id, const char *path)
{
    struct stat st;
    uint32_t d, i;
    const char *base = path ? strrchr(path, '/') : NULL;

    if (!base || path[0] != '/' || !glue_parse_fifo_name(base + 1, &d, &i) ||
        d != domid || i != id)
        return;
    if (lstat(path, &st) || !S_ISFIFO(st.st_mode) || st.st_uid != geteuid())
        return;
    (void)unlink(path);
}

static void stream_destroy(xenlog_stream *s)
{
    if (s->fd >= 0)
        close(s->fd);
    free(s->pipe);
    free(s->file);
    free(s->input);
    free(s->console);
    free(s);
}

/* A console stream's FIFOs: .out is made (exclusively) as the id's probe;
 * then .in, exclusively too. 0, or -1 with errno (EEXIST: try the next id). */
static int make_console_fifos(int dirfd, uint32_t domid, uint32_t id)
{
    char out[64], in[64];
    int e;

    glue_console_name(out, sizeof(out), domid, id, ".out");
    glue_console_name(in, sizeof(in), domid, id, ".in");
    if (mkfifoat(dirfd, out, 0600))
        return -1;
    /* xenlogd wants exactly 0600 whatever the umask; .out is fixed below. */
    if (mkfifoat(dirfd, in, 0600) == 0 && fchmodat(dirfd, in, 0600, 0) == 0)
        return 0;
    e = errno;
    if (e != EEXIST)
        unlinkat(dirfd, in, 0);
    unlinkat(dirfd, out, 0);
    errno = e;
    return -1;
}

/* ---- steps 2 and 3: the FIFO and the nodes, in one transaction ----------- */

/* One opening of a stream: what every attempt of the transaction shares. */
struct create {
    xenlog_ctx *ctx;
    xenlog_stream *s;
    int dirfd;                      /* the run dir */
    bool console;
    char fname[64], iname[64];      /* this attempt's FIFOs ("" before) */
    char limit[32], copies[16];     /* node values; "": no node */
    char lp[64];                    /* /libxl/$DOMID/logging */
    int rc;                         /* a failure inside the transaction */
};

/* Undoes an attempt's FIFOs: closes the descriptor, unlinks them. */
static void undo_fifos(struct create *c)
{
    if (c->s->fd >= 0)
        close(c->s->fd);
    c->s->fd = -1;
    if (c->fname[0])
        unlinkat(c->dirfd, c->fname, 0);
    if (c->iname[0])
        unlinkat(c->dirfd, c->iname, 0);
    c->fname[0] = c->iname[0] = '\0';
}

/* Inside the transaction: fails with rc (glue_fail's), aborting it. */
#define CREATE_FAILED 1

/* The largest id in /libxl/$DOMID/logging, and which parents are missing. */
static int largest_id(struct create *c, xs_transaction_t t, uint64_t *max)
{
    char dp[64];
    unsigned n;
    bool absent;
    char **d = glue_directory(c->ctx, t, c->lp, &n, &absent);

    if (!d && !absent) {
        c->rc = glue_fail(c->ctx, XENLOG_E_STORE, errno, "cannot list %s", c->lp);
        return CREATE_FAILED;
    }
    *max = 0;
    for (unsigned i = 0; i < n; i++) {
        uint64_t v;

        if (!parse_decimal(d[i], 0, XENLOG_MAX_ID, &v) && v > *max)
            *max = v;
    }
    free(d);
    c->s->made_logging = absent;
    c->s->made_domdir = c->s->made_root = false;
    domdir_path(dp, sizeof(dp), c->s->domid);
    if (c->s->made_logging)
        c->s->made_domdir = glue_is_absent(c->ctx, t, dp);
    if (c->s->made_domdir)
        c->s->made_root = glue_is_absent(c->ctx, t, "/libxl");
    return 0;
}

/* The FIFO(s) of one id, made exclusively: 0, or -1 with errno (EEXIST: the
 * id is taken, by a concurrent opener or a stale file). */
static int make_fifos_of(struct create *c, uint32_t id)
{
    if (c->console) {
        glue_console_name(c->fname, sizeof(c->fname), c->s->domid, id, ".out");
        glue_console_name(c->iname, sizeof(c->iname), c->s->domid, id, ".in");
        if (make_console_fifos(c->dirfd, c->s->domid, id) == 0)
            return 0;
    } else {
        glue_fifo_name(c->fname, sizeof(c->fname), c->s->domid, id);
        if (mkfifoat(c->dirfd, c->fname, 0600) == 0)
            return 0;
    }
    c->fname[0] = c->iname[0] = '\0';
    return -1;
}

/* mkfifo with exclusive create from id first on: an existing file is never
 * reused, its id is skipped.  Sets s->id. */
static int make_fifos(struct create *c, uint64_t first)
{
    uint64_t id = first;
    char name[64];

    for (int probes = 0; probes < MAX_ID_PROBES && id <= XENLOG_MAX_ID; probes++, id++) {
        if (make_fifos_of(c, (uint32_t)id) == 0) {
            c->s->id = (uint32_t)id;
            return 0;
        }
        if (errno != EEXIST) {
            int e = errno;

            if (c->console)
                glue_console_name(name, sizeof(name), c->s->domid, (uint32_t)id, ".out");
            else
                glue_fifo_name(name, sizeof(name), c->s->domid, (uint32_t)id);
            c->rc = glue_fail(c->ctx, XENLOG_E_FAIL, e, "cannot create FIFO %s/%s",
                              c->ctx->run_dir, name);
            return CREATE_FAILED;
        }
    }
    c->rc = glue_fail(c->ctx, XENLOG_E_FAIL, -1, "no free stream id for domain %u",
                      (unsigned)c->s->domid);
    return CREATE_FAILED;
}

/* O_RDWR: never blocks on a FIFO, and keeps it from ever reporting EPIPE to
 * the writer.  Checks it is the FIFO we made, and makes it 0600. */
static int open_fifo(struct create *c)
{
    struct stat st;
    int e;

    c->s->fd = openat(c->dirfd, c->fname, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    if (c->s->fd >= 0 && !fstat(c->s->fd, &st) && S_ISFIFO(st.st_mode) &&
        st.st_uid == geteuid() && !fchmod(c->s->fd, 0600))
        return 0;
    e = c->s->fd < 0 ? errno : EPERM;
    c->rc = glue_fail(c->ctx, XENLOG_E_FAIL, e, "cannot open FIFO %s/%s", c->ctx->run_dir,
                      c->fname);
    undo_fifos(c);
    return CREATE_FAILED;
}

/* s->pipe, and of a console stream s->input and s->console: false if out
 * of memory. */
static bool set_paths(struct create *c)
{
    xenlog_stream *s = c->s;

    free(s->pipe);
    free(s->input);
    free(s->console);
    s->pipe = s->input = s->console = NULL;
    if (asprintf(&s->pipe, "%s/%s", c->ctx->run_dir, c->fname) < 0)
        s->pipe = NULL;
    if (!c->console)
        return s->pipe;
    if (asprintf(&s->input, "%s/%s", c->ctx->run_dir, c->iname) < 0)
        s->input = NULL;
    if (s->pipe)        /* QEMU's pipe chardev adds .in/.out */
        s->console = strndup(s->pipe, strlen(s->pipe) - strlen(".out"));
    return s->pipe && s->input && s->console;
}

/* The nodes.  input goes in the same transaction: xenlogd reads it with the
 * other four (a later input node would be ignored). */
static int write_nodes(struct create *c, xs_transaction_t t)
{
    xenlog_stream *s = c->s;
    bool paths = set_paths(c);
    bool ok = paths &&
        (!c->console || write_node(c->ctx, t, s->domid, s->id, "input", s->input)) &&
        write_node(c->ctx, t, s->domid, s->id, "pipe", s->pipe) &&
        write_node(c->ctx, t, s->domid, s->id, "file", s->file) &&
        (!c->limit[0] || write_node(c->ctx, t, s->domid, s->id, "limit", c->limit)) &&
        (!c->copies[0] || write_node(c->ctx, t, s->domid, s->id, "copies", c->copies));

    if (ok)
        return 0;
    c->rc = glue_fail(c->ctx, s->pipe ? XENLOG_E_STORE : XENLOG_E_NOMEM,
                      paths ? errno : ENOMEM, "cannot write stream %u/%u",
                      (unsigned)s->domid, (unsigned)s->id);
    undo_fifos(c);
    return CREATE_FAILED;
}

/* One attempt (an xs_txn_fn): choose the id, make the FIFO, write the nodes. */
static int create_attempt(struct xs_handle *xsh, xs_transaction_t t, void *arg)
{
    struct create *c = arg;
    uint64_t max;
    int r;

    (void)xsh;
    if (c->s->fd >= 0) {
        /* The last attempt met a conflict: somebody else changed the
         * directory; choose again. */
        glue_log(c->ctx, XTL_DEBUG, -1, "stream %u/%u: transaction conflict, choosing again",
                 (unsigned)c->s->domid, (unsigned)c->s->id);
        undo_fifos(c);
    }
    if ((r = largest_id(c, t, &max)) || (r = make_fifos(c, max + 1)) || (r = open_fifo(c)))
        return r;
    return write_nodes(c, t);
}

/* Steps 2 and 3: FIFO and nodes.  On success s->id, s->fd, s->pipe are set
 * and the nodes are committed.  limit 0, copies < 0: no node (the host's
 * policy gives the value). */
static int create_stream(xenlog_ctx *ctx, xenlog_stream *s, int dirfd, uint64_t limit,
                         int copies, bool console)
{
    struct create c = { .ctx = ctx, .s = s, .dirfd = dirfd, .console = console };
    int r;

    glue_logging_path(c.lp, sizeof(c.lp), s->domid);
    if (limit)
        snprintf(c.limit, sizeof(c.limit), "%" PRIu64, limit);
    if (copies >= 0)
        snprintf(c.copies, sizeof(c.copies), "%d", copies);
    r = xs_txn_retry(ctx->xsh, create_attempt, &c, GLUE_TXN_TRIES);
    if (r == 0)
        return 0;
    if (r == CREATE_FAILED)
        return c.rc;
    undo_fifos(&c);
    if (r == -EAGAIN)
        return glue_fail(ctx, XENLOG_E_STORE, EAGAIN, "too many transaction conflicts on %s",
                         c.lp);
    return glue_fail(ctx, XENLOG_E_STORE, -r, "cannot write stream %u/%u",
                     (unsigned)s->domid, (unsigned)s->id);
}

/* ---- step 4: xenlogd's answer -------------------------------------------- */

/* The stream's state as xenlogd set it: 0 ready, 1 not yet, or the error
 * (XENLOG_E_REFUSED, with xenlogd's reason). */
static int check_state(xenlog_ctx *ctx, const xenlog_stream *s)
{
    char sp[96], ep[96];
    char *st, *why;
    int rc = 1;

    glue_stream_path(sp, sizeof(sp), s->domid, s->id, "state");
    st = glue_read(ctx, XBT_NULL, sp);
    if (st && !strcmp(st, "ready")) {
        rc = 0;
    } else if (st && !strcmp(st, "error")) {
        glue_stream_path(ep, sizeof(ep), s->domid, s->id, "error");
        why = glue_read(ctx, XBT_NULL, ep);
        rc = glue_fail(ctx, XENLOG_E_REFUSED, -1, "xenlogd refused stream %u/%u: %s",
                       (unsigned)s->domid, (unsigned)s->id, why ? why : "(no reason given)");
        free(why);
    }
    free(st);
    return rc;
}

/* Reads the state whenever the watch fires, until an answer or the timeout. */
static int await_state(xenlog_ctx *ctx, const xenlog_stream *s, int wfd)
{
    uint64_t deadline = clock_mono_ms() + ctx->timeout_ms;

    for (;;) {
        struct pollfd pfd = { .fd = wfd, .events = POLLIN };
        char **ev;
        uint64_t now;
        int rc;

        while ((ev = xs_check_watch(ctx->xsh)))
            free(ev);
        if ((rc = check_state(ctx, s)) <= 0)
            return rc;
        now = clock_mono_ms();
        if (now >= deadline)
            return glue_fail(ctx, XENLOG_E_TIMEOUT, -1,
                             "xenlogd did not answer for stream %u/%u within %u ms",
                             (unsigned)s->domid, (unsigned)s->id, ctx->timeout_ms);
        if (poll(&pfd, 1, (int)(deadline - now)) < 0 && errno != EINTR)
            return glue_fail(ctx, XENLOG_E_FAIL, errno, "poll");
    }
}

/* Step 4: watch state until ready or error, or the timeout. */
static int wait_ready(xenlog_ctx *ctx, const xenlog_stream *s)
{
    char sp[96], token[64];
    int wfd, rc;

    glue_stream_path(sp, sizeof(sp), s->domid, s->id, "state");
    snprintf(token, sizeof(token), "xenlog-%p-%u", (void *)ctx, ++ctx->watch_seq);
    if (!xs_watch(ctx->xsh, sp, token))
        return glue_fail(ctx, XENLOG_E_STORE, errno, "cannot watch %s", sp);
    wfd = xs_fileno(ctx->xsh);
    if (wfd < 0) {
        rc = glue_fail(ctx, XENLOG_E_STORE, errno, "cannot wait for xenstore events");
    } else {
        glue_cloexec_pipe(wfd);
        rc = await_state(ctx, s, wfd);
    }
    (void)xs_unwatch(ctx->xsh, sp, token);
    return rc;
}

/* ---- opening ------------------------------------------------------------- */

/* The arguments of an open, and the defaults where the daemon has no policy
 * (else they are left to the host's policy, xenlogd.conf(5)). */
static int check_open_args(xenlog_ctx *ctx, uint32_t domid, uint64_t *limit, int *copies)
{
    if (domid > XENLOG_MAX_ID)
        return glue_fail(ctx, XENLOG_E_INVAL, -1, "bad domid %u", (unsigned)domid);
    if (*limit && (*limit < XENLOG_MIN_LIMIT || *limit > XENLOG_MAX_LIMIT))
        return glue_fail(ctx, XENLOG_E_INVAL, -1, "limit %" PRIu64 " out of range %llu..%llu",
                         *limit, XENLOG_MIN_LIMIT, XENLOG_MAX_LIMIT);
    if (*copies > XENLOG_MAX_COPIES)
        return glue_fail(ctx, XENLOG_E_INVAL, -1, "copies %d out of range 0..%d", *copies,
                         XENLOG_MAX_COPIES);
    return 0;
}

/* Undoes a stream that xenlogd did not take, keeping the message of the real
 * failure, not of the clean-up. */
static void abandon(xenlog_ctx *ctx, xenlog_stream *s)
{
    char keep[sizeof(ctx->errbuf)];

    memcpy(keep, ctx->errbuf, sizeof(keep));
    (void)remove_nodes(ctx, s);
    close(s->fd);
    s->fd = -1;
    glue_unlink_fifo(s->domid, s->id, s->pipe);
    glue_unlink_fifo(s->domid, s->id, s->input);
    memcpy(ctx->errbuf, keep, sizeof(keep));
}

/* Steps 2 to 4 for a new stream s (file set). */
static int set_up(xenlog_ctx *ctx, xenlog_stream *s, uint64_t limit, int copies, bool console)
{
    int rc, dirfd;

    /* Reclaim FIFOs of this domain's dead streams (best effort). */
    (void)glue_gc_dir(ctx, ctx->run_dir, s->domid, XENLOG_GC_MIN_AGE, NULL);
    dirfd = open(ctx->run_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return glue_fail(ctx, XENLOG_E_FAIL, errno, "cannot open run dir %s", ctx->run_dir);
    rc = create_stream(ctx, s, dirfd, limit, copies, console);
    close(dirfd);
    if (rc)
        return rc;
    rc = wait_ready(ctx, s);
    if (rc)
        abandon(ctx, s);
    return rc;
}

static int open_stream(xenlog_ctx *ctx, uint32_t domid, const char *name, uint64_t limit,
                       int copies, bool console, xenlog_stream **stream_r)
{
    xenlog_stream *s;
    int rc;

    assert(ctx);

    *stream_r = NULL;
    ctx->errbuf[0] = 0;
    if ((rc = check_open_args(ctx, domid, &limit, &copies)) || (rc = glue_serving_dirs(ctx)))
        return rc;
    if (!glue_daemon_has_policy(ctx)) {
        if (!limit)
            limit = XENLOG_DEFAULT_LIMIT;
        if (copies < 0)
            copies = XENLOG_DEFAULT_COPIES;
    }
    if (!(s = calloc(1, sizeof(*s))))
        return glue_fail(ctx, XENLOG_E_NOMEM, errno, "out of memory");
    s->fd = -1;
    s->domid = domid;
    if ((rc = file_for(ctx, name, &s->file)) || (rc = set_up(ctx, s, limit, copies, console))) {
        stream_destroy(s);
        return rc;
    }
    glue_log(ctx, XTL_DEBUG, -1, "stream %u/%u ready: %s -> %s%s%s", (unsigned)s->domid,
             (unsigned)s->id, s->pipe, s->file, console ? ", input " : "",
             console ? s->input : "");
    *stream_r = s;
    return 0;
}

int xenlog_stream_open(xenlog_ctx *ctx, uint32_t domid, const char *name,
                       uint64_t limit, int copies, xenlog_stream **stream_r)
{
    return open_stream(ctx, domid, name, limit, copies, false, stream_r);
}

int xenlog_console_open(xenlog_ctx *ctx, uint32_t domid, const char *name,
                        uint64_t limit, int copies, xenlog_stream **stream_r)
{
    return open_stream(ctx, domid, name, limit, copies, true, stream_r);
}

const char *xenlog_stream_console_path(const xenlog_stream *s)
{
    return s->console;
}

const char *xenlog_stream_input(const xenlog_stream *s)
{
    return s->input;
}

uint32_t xenlog_stream_domid(const xenlog_stream *s) { return s->domid; }
uint32_t xenlog_stream_id(const xenlog_stream *s) { return s->id; }
const char *xenlog_stream_pipe(const xenlog_stream *s) { return s->pipe; }
const char *xenlog_stream_file(const xenlog_stream *s) { return s->file; }
int xenlog_stream_fd(const xenlog_stream *s) { return s->fd; }

int xenlog_stream_take_fd(xenlog_stream *s)
{
    int fd = s->fd;
    s->fd = -1;
    return fd;
}

int xenlog_stream_close(xenlog_ctx *ctx, xenlog_stream *s)
{
    int rc;

    if (!s)
        return 0;
    assert(ctx);
    ctx->errbuf[0] = 0;
    rc = remove_nodes(ctx, s);
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
    glue_unlink_fifo(s->domid, s->id, s->pipe);
    glue_unlink_fifo(s->domid, s->id, s->input);
    stream_destroy(s);
    return rc;
}

void xenlog_stream_free(xenlog_stream *s)
{
    if (s)
        stream_destroy(s);
}
