/* SPDX-License-Identifier: LGPL-2.1-only */
/* stream.c - open, close, clean up and list xenlogd streams. */
#include <dirent.h>
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

#include "glue.h"

#define MAX_TXN_ATTEMPTS 100   /* transaction conflicts before giving up */
#define MAX_ID_PROBES    1000  /* ids skipped because their FIFO exists */
#define MAX_NAME_LEN     195   /* + ".log" = 199 < xenlogd's 200 */

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

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

static void logging_path(char *b, size_t n, uint32_t domid)
{
    snprintf(b, n, "/libxl/%u/logging", (unsigned)domid);
}

static void stream_path(char *b, size_t n, uint32_t domid, uint32_t id,
                        const char *leaf)
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
    stream_path(p, sizeof(p), domid, id, leaf);
    return xs_write(ctx->xsh, t, p, val, (unsigned)strlen(val));
}

/* Is the directory at path present and empty (in t)? */
static bool is_empty_dir(xenlog_ctx *ctx, xs_transaction_t t, const char *p)
{
    unsigned n;
    bool absent;
    char **d = glue_directory(ctx, t, p, &n, &absent);
    free(d);
    return d && n == 0;
}

/* Remove the stream's nodes and the (now empty) parents it created. */
static int remove_nodes(xenlog_ctx *ctx, const xenlog_stream *s)
{
    char sp[96], lp[64], dp[64];

    stream_path(sp, sizeof(sp), s->domid, s->id, NULL);
    logging_path(lp, sizeof(lp), s->domid);
    domdir_path(dp, sizeof(dp), s->domid);
    for (int attempt = 0; attempt < MAX_TXN_ATTEMPTS; attempt++) {
        xs_transaction_t t = xs_transaction_start(ctx->xsh);
        if (t == XBT_NULL)
            return glue_fail(ctx, XENLOG_E_STORE, errno,
                             "cannot start a transaction to remove %s", sp);
        if (!xs_rm(ctx->xsh, t, sp) && errno != ENOENT) {
            int e = errno;
            xs_transaction_end(ctx->xsh, t, true);
            return glue_fail(ctx, XENLOG_E_STORE, e, "cannot remove %s", sp);
        }
        if (s->made_logging && is_empty_dir(ctx, t, lp)) {
            (void)xs_rm(ctx->xsh, t, lp);
            if (s->made_domdir && is_empty_dir(ctx, t, dp)) {
                (void)xs_rm(ctx->xsh, t, dp);
                if (s->made_root && is_empty_dir(ctx, t, "/libxl"))
                    (void)xs_rm(ctx->xsh, t, "/libxl");
            }
        }
        if (xs_transaction_end(ctx->xsh, t, false))
            return 0;
        if (errno != EAGAIN)
            return glue_fail(ctx, XENLOG_E_STORE, errno,
                             "cannot remove %s", sp);
    }
    return glue_fail(ctx, XENLOG_E_STORE, EAGAIN, "cannot remove %s", sp);
}

/* Unlink path if it is a FIFO of ours called xenlog.$domid.$id.fifo (or,
 * of a console stream, xenlog.$domid.$id.out or .in). */
static void unlink_fifo(uint32_t domid, uint32_t id, const char *path)
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

/* Steps 2 and 3: FIFO and nodes.  On success s->id, s->fd, s->pipe are set
 * and the nodes are committed.  limit 0, copies < 0: no node (the host's
 * policy gives the value). */
static int create_stream(xenlog_ctx *ctx, xenlog_stream *s, int dirfd,
                         uint64_t limit, int copies, bool console)
{
    char lp[64], dp[64], fname[64], iname[64], num[32], cnum[16];

    logging_path(lp, sizeof(lp), s->domid);
    domdir_path(dp, sizeof(dp), s->domid);
    snprintf(num, sizeof(num), "%" PRIu64, limit);
    snprintf(cnum, sizeof(cnum), "%d", copies);

    for (int attempt = 0; attempt < MAX_TXN_ATTEMPTS; attempt++) {
        unsigned n;
        bool absent;
        uint64_t max = 0;
        int e;

        xs_transaction_t t = xs_transaction_start(ctx->xsh);
        if (t == XBT_NULL)
            return glue_fail(ctx, XENLOG_E_STORE, errno,
                             "cannot start a transaction");
        char **d = glue_directory(ctx, t, lp, &n, &absent);
        if (!d && !absent) {
            e = errno;
            xs_transaction_end(ctx->xsh, t, true);
            return glue_fail(ctx, XENLOG_E_STORE, e, "cannot list %s", lp);
        }
        for (unsigned i = 0; i < n; i++) {
            uint64_t v;
            if (glue_parse_u64(d[i], XENLOG_MAX_ID, &v) && v > max)
                max = v;
        }
        free(d);
        s->made_logging = absent;
        s->made_domdir = s->made_root = false;
        if (absent) {
            char **dd = glue_directory(ctx, t, dp, &n, &absent);
            free(dd);
            s->made_domdir = absent;
        }
        if (s->made_domdir) {
            char **dd = glue_directory(ctx, t, "/libxl", &n, &absent);
            free(dd);
            s->made_root = absent;
        }

        /* mkfifo with exclusive create: an existing file is never reused,
         * its id is skipped (a concurrent opener holds it, or it is stale). */
        uint64_t id = max + 1;
        int probes;
        for (probes = 0; probes < MAX_ID_PROBES; probes++, id++) {
            if (id > XENLOG_MAX_ID)
                break;
            if (console) {
                glue_console_name(fname, sizeof(fname), s->domid,
                                  (uint32_t)id, ".out");
                glue_console_name(iname, sizeof(iname), s->domid,
                                  (uint32_t)id, ".in");
                if (make_console_fifos(dirfd, s->domid, (uint32_t)id) == 0)
                    break;
            } else {
                glue_fifo_name(fname, sizeof(fname), s->domid, (uint32_t)id);
                if (mkfifoat(dirfd, fname, 0600) == 0)
                    break;
            }
            if (errno != EEXIST) {
                e = errno;
                xs_transaction_end(ctx->xsh, t, true);
                return glue_fail(ctx, XENLOG_E_FAIL, e,
                                 "cannot create FIFO %s/%s", ctx->run_dir,
                                 fname);
            }
        }
        if (probes == MAX_ID_PROBES || id > XENLOG_MAX_ID) {
            xs_transaction_end(ctx->xsh, t, true);
            return glue_fail(ctx, XENLOG_E_FAIL, -1,
                             "no free stream id for domain %u",
                             (unsigned)s->domid);
        }
        s->id = (uint32_t)id;

        /* O_RDWR: never blocks on a FIFO, and keeps it from ever reporting
         * EPIPE to the writer.  Check it is the FIFO we made, 0600. */
        struct stat st;
        s->fd = openat(dirfd, fname, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
        if (s->fd < 0 || fstat(s->fd, &st) || !S_ISFIFO(st.st_mode) ||
            st.st_uid != geteuid() || fchmod(s->fd, 0600)) {
            e = s->fd < 0 ? errno : EPERM;
            if (s->fd >= 0)
                close(s->fd);
            s->fd = -1;
            unlinkat(dirfd, fname, 0);
            if (console)
                unlinkat(dirfd, iname, 0);
            xs_transaction_end(ctx->xsh, t, true);
            return glue_fail(ctx, XENLOG_E_FAIL, e, "cannot open FIFO %s/%s",
                             ctx->run_dir, fname);
        }
        free(s->pipe);
        if (asprintf(&s->pipe, "%s/%s", ctx->run_dir, fname) < 0)
            s->pipe = NULL;
        free(s->input);
        free(s->console);
        s->input = s->console = NULL;
        if (console && asprintf(&s->input, "%s/%s", ctx->run_dir, iname) < 0)
            s->input = NULL;
        if (console && s->pipe)     /* QEMU's pipe chardev adds .in/.out */
            s->console = strndup(s->pipe, strlen(s->pipe) - strlen(".out"));

        /* input goes in the same transaction: xenlogd reads it with the
         * other four (a later input node would be ignored). */
        bool ok = s->pipe && (!console || (s->input && s->console)) &&
            (!console || write_node(ctx, t, s->domid, s->id, "input",
                                    s->input)) &&
            write_node(ctx, t, s->domid, s->id, "pipe", s->pipe) &&
            write_node(ctx, t, s->domid, s->id, "file", s->file) &&
            (!limit || write_node(ctx, t, s->domid, s->id, "limit", num)) &&
            (copies < 0 || write_node(ctx, t, s->domid, s->id, "copies", cnum));
        e = errno;
        if (ok && xs_transaction_end(ctx->xsh, t, false))
            return 0;
        if (ok)
            e = errno;
        else
            xs_transaction_end(ctx->xsh, t, true);
        close(s->fd);
        s->fd = -1;
        unlinkat(dirfd, fname, 0);
        if (console)
            unlinkat(dirfd, iname, 0);
        if (!ok || e != EAGAIN)
            return glue_fail(ctx, s->pipe ? XENLOG_E_STORE : XENLOG_E_NOMEM,
                             e, "cannot write stream %u/%u",
                             (unsigned)s->domid, (unsigned)s->id);
        /* EAGAIN: somebody else changed the directory; choose again. */
        glue_log(ctx, XTL_DEBUG, -1,
                 "stream %u/%u: transaction conflict, choosing again",
                 (unsigned)s->domid, (unsigned)s->id);
    }
    return glue_fail(ctx, XENLOG_E_STORE, EAGAIN,
                     "too many transaction conflicts on %s", lp);
}

/* Step 4: watch state until ready or error, or the timeout. */
static int wait_ready(xenlog_ctx *ctx, const xenlog_stream *s)
{
    char sp[96], ep[96], token[64];
    int rc;

    stream_path(sp, sizeof(sp), s->domid, s->id, "state");
    stream_path(ep, sizeof(ep), s->domid, s->id, "error");
    snprintf(token, sizeof(token), "xenlog-%p-%u", (void *)ctx,
             ++ctx->watch_seq);
    if (!xs_watch(ctx->xsh, sp, token))
        return glue_fail(ctx, XENLOG_E_STORE, errno, "cannot watch %s", sp);
    int wfd = xs_fileno(ctx->xsh);
    if (wfd < 0) {
        rc = glue_fail(ctx, XENLOG_E_STORE, errno,
                       "cannot wait for xenstore events");
        goto out;
    }
    glue_cloexec_pipe(wfd);

    uint64_t deadline = now_ms() + ctx->timeout_ms;
    for (;;) {
        char **ev;
        while ((ev = xs_check_watch(ctx->xsh)))
            free(ev);

        char *st = glue_read(ctx, XBT_NULL, sp);
        if (st && !strcmp(st, "ready")) {
            free(st);
            rc = 0;
            goto out;
        }
        if (st && !strcmp(st, "error")) {
            char *why = glue_read(ctx, XBT_NULL, ep);
            rc = glue_fail(ctx, XENLOG_E_REFUSED, -1,
                           "xenlogd refused stream %u/%u: %s",
                           (unsigned)s->domid, (unsigned)s->id,
                           why ? why : "(no reason given)");
            free(why);
            free(st);
            goto out;
        }
        free(st);

        uint64_t now = now_ms();
        if (now >= deadline) {
            rc = glue_fail(ctx, XENLOG_E_TIMEOUT, -1,
                           "xenlogd did not answer for stream %u/%u within "
                           "%u ms", (unsigned)s->domid, (unsigned)s->id,
                           ctx->timeout_ms);
            goto out;
        }
        struct pollfd pfd = { .fd = wfd, .events = POLLIN };
        int left = (int)(deadline - now);
        if (poll(&pfd, 1, left) < 0 && errno != EINTR) {
            rc = glue_fail(ctx, XENLOG_E_FAIL, errno, "poll");
            goto out;
        }
    }
out:
    (void)xs_unwatch(ctx->xsh, sp, token);
    return rc;
}

static int open_stream(xenlog_ctx *ctx, uint32_t domid, const char *name,
                       uint64_t limit, int copies, bool console,
                       xenlog_stream **stream_r)
{
    int rc, dirfd;
    xenlog_stream *s;

    *stream_r = NULL;
    ctx->errbuf[0] = 0;
    if (domid > XENLOG_MAX_ID)
        return glue_fail(ctx, XENLOG_E_INVAL, -1, "bad domid %u",
                         (unsigned)domid);
    if (limit && (limit < XENLOG_MIN_LIMIT || limit > XENLOG_MAX_LIMIT))
        return glue_fail(ctx, XENLOG_E_INVAL, -1,
                         "limit %" PRIu64 " out of range %llu..%llu", limit,
                         XENLOG_MIN_LIMIT, XENLOG_MAX_LIMIT);
    if (copies > XENLOG_MAX_COPIES)
        return glue_fail(ctx, XENLOG_E_INVAL, -1,
                         "copies %d out of range 0..%d", copies,
                         XENLOG_MAX_COPIES);
    if ((rc = glue_serving_dirs(ctx)))
        return rc;
    /* Left to the host's policy where the daemon has one (xenlogd.conf(5)). */
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
    if ((rc = file_for(ctx, name, &s->file))) {
        stream_destroy(s);
        return rc;
    }

    /* Reclaim FIFOs of this domain's dead streams (best effort). */
    (void)glue_gc_dir(ctx, ctx->run_dir, domid, XENLOG_GC_MIN_AGE, NULL);

    dirfd = open(ctx->run_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) {
        rc = glue_fail(ctx, XENLOG_E_FAIL, errno, "cannot open run dir %s",
                       ctx->run_dir);
        stream_destroy(s);
        return rc;
    }
    rc = create_stream(ctx, s, dirfd, limit, copies, console);
    close(dirfd);
    if (rc) {
        stream_destroy(s);
        return rc;
    }
    rc = wait_ready(ctx, s);
    if (rc) {
        /* Keep the message of the real failure, not of the clean-up. */
        char keep[sizeof(ctx->errbuf)];
        memcpy(keep, ctx->errbuf, sizeof(keep));
        (void)remove_nodes(ctx, s);
        close(s->fd);
        s->fd = -1;
        unlink_fifo(s->domid, s->id, s->pipe);
        unlink_fifo(s->domid, s->id, s->input);
        memcpy(ctx->errbuf, keep, sizeof(keep));
        stream_destroy(s);
        return rc;
    }
    glue_log(ctx, XTL_DEBUG, -1, "stream %u/%u ready: %s -> %s%s%s",
             (unsigned)s->domid, (unsigned)s->id, s->pipe, s->file,
             console ? ", input " : "", console ? s->input : "");
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
    if (!s)
        return 0;
    ctx->errbuf[0] = 0;
    int rc = remove_nodes(ctx, s);
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
    unlink_fifo(s->domid, s->id, s->pipe);
    unlink_fifo(s->domid, s->id, s->input);
    stream_destroy(s);
    return rc;
}

void xenlog_stream_free(xenlog_stream *s)
{
    if (s)
        stream_destroy(s);
}

int xenlog_close_id(xenlog_ctx *ctx, uint32_t domid, uint32_t id)
{
    char sp[96], pp[96], ip[96];

    ctx->errbuf[0] = 0;
    if (domid > XENLOG_MAX_ID || id > XENLOG_MAX_ID)
        return glue_fail(ctx, XENLOG_E_INVAL, -1, "bad stream %u/%u",
                         (unsigned)domid, (unsigned)id);
    stream_path(sp, sizeof(sp), domid, id, NULL);
    stream_path(pp, sizeof(pp), domid, id, "pipe");
    stream_path(ip, sizeof(ip), domid, id, "input");
    for (int attempt = 0; attempt < MAX_TXN_ATTEMPTS; attempt++) {
        unsigned n;
        bool absent;
        xs_transaction_t t = xs_transaction_start(ctx->xsh);
        if (t == XBT_NULL)
            return glue_fail(ctx, XENLOG_E_STORE, errno,
                             "cannot start a transaction");
        char **d = glue_directory(ctx, t, sp, &n, &absent);
        free(d);
        if (absent) {
            xs_transaction_end(ctx->xsh, t, true);
            return glue_fail(ctx, XENLOG_E_NOTFOUND, -1,
                             "no stream %u/%u", (unsigned)domid,
                             (unsigned)id);
        }
        char *pipe = glue_read(ctx, t, pp);
        char *input = glue_read(ctx, t, ip);
        if (!xs_rm(ctx->xsh, t, sp)) {
            int e = errno;
            free(pipe);
            free(input);
            xs_transaction_end(ctx->xsh, t, true);
            return glue_fail(ctx, XENLOG_E_STORE, e, "cannot remove %s", sp);
        }
        if (xs_transaction_end(ctx->xsh, t, false)) {
            unlink_fifo(domid, id, pipe);
            unlink_fifo(domid, id, input);
            free(pipe);
            free(input);
            return 0;
        }
        int e = errno;
        free(pipe);
        free(input);
        if (e != EAGAIN)
            return glue_fail(ctx, XENLOG_E_STORE, e, "cannot remove %s", sp);
    }
    return glue_fail(ctx, XENLOG_E_STORE, EAGAIN, "cannot remove %s", sp);
}

int xenlog_domain_cleanup(xenlog_ctx *ctx, uint32_t domid)
{
    char lp[64], pp[128];
    char **pipes = NULL;
    uint32_t *ids = NULL;
    unsigned npipes = 0;
    int rc = 0;

    ctx->errbuf[0] = 0;
    if (domid > XENLOG_MAX_ID)
        return glue_fail(ctx, XENLOG_E_INVAL, -1, "bad domid %u",
                         (unsigned)domid);
    logging_path(lp, sizeof(lp), domid);
    for (int attempt = 0;; attempt++) {
        unsigned n;
        bool absent;
        if (attempt == MAX_TXN_ATTEMPTS)
            return glue_fail(ctx, XENLOG_E_STORE, EAGAIN,
                             "cannot remove %s", lp);
        xs_transaction_t t = xs_transaction_start(ctx->xsh);
        if (t == XBT_NULL)
            return glue_fail(ctx, XENLOG_E_STORE, errno,
                             "cannot start a transaction");
        char **d = glue_directory(ctx, t, lp, &n, &absent);
        if (!d) {
            int e = errno;
            xs_transaction_end(ctx->xsh, t, true);
            if (absent)
                break;
            return glue_fail(ctx, XENLOG_E_STORE, e, "cannot list %s", lp);
        }
        /* pipe and, of a console stream, input: two FIFOs a stream */
        pipes = calloc(n ? 2 * n : 1, sizeof(*pipes));
        ids = calloc(n ? 2 * n : 1, sizeof(*ids));
        npipes = 0;
        for (unsigned i = 0; pipes && ids && i < n; i++) {
            static const char *const leaves[] = { "pipe", "input" };
            uint64_t id;
            if (!glue_parse_u64(d[i], XENLOG_MAX_ID, &id))
                continue;
            for (unsigned k = 0; k < 2; k++) {
                snprintf(pp, sizeof(pp), "%s/%s/%s", lp, d[i], leaves[k]);
                char *v = glue_read(ctx, t, pp);
                if (v) {
                    ids[npipes] = (uint32_t)id;
                    pipes[npipes++] = v;
                }
            }
        }
        free(d);
        bool ok = pipes && ids && xs_rm(ctx->xsh, t, lp);
        int e = ok ? 0 : (pipes && ids ? errno : ENOMEM);
        if (ok && xs_transaction_end(ctx->xsh, t, false))
            break;
        if (ok)
            e = errno;
        else
            xs_transaction_end(ctx->xsh, t, true);
        for (unsigned i = 0; i < npipes; i++)
            free(pipes[i]);
        free(pipes);
        free(ids);
        pipes = NULL;
        ids = NULL;
        npipes = 0;
        if (e != EAGAIN)
            return glue_fail(ctx, XENLOG_E_STORE, e, "cannot remove %s", lp);
    }
    for (unsigned i = 0; i < npipes; i++) {
        unlink_fifo(domid, ids[i], pipes[i]);
        free(pipes[i]);
    }
    free(pipes);
    free(ids);

    /* FIFOs of this domain whose nodes were already gone. */
    const char *run_dir;
    if (xenlog_get_dirs(ctx, &run_dir, NULL) == 0)
        (void)glue_gc_dir(ctx, run_dir, domid, XENLOG_GC_MIN_AGE, NULL);
    ctx->errbuf[0] = 0;
    return rc;
}

int glue_gc_dir(xenlog_ctx *ctx, const char *run_dir, int64_t domid,
                unsigned min_age, unsigned *removed_r)
{
    unsigned removed = 0;
    struct dirent *de;
    time_t now = time(NULL);
    DIR *d = opendir(run_dir);

    if (removed_r)
        *removed_r = 0;
    if (!d)
        return glue_fail(ctx, XENLOG_E_FAIL, errno, "cannot open run dir %s",
                         run_dir);
    while ((de = readdir(d))) {
        uint32_t fd_domid, id;
        struct stat st;
        char pp[96];

        if (!glue_parse_fifo_name(de->d_name, &fd_domid, &id))
            continue;
        if (domid >= 0 && (int64_t)fd_domid != domid)
            continue;
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
            !S_ISFIFO(st.st_mode) || st.st_uid != geteuid())
            continue;
        time_t changed = st.st_ctime > st.st_mtime ? st.st_ctime : st.st_mtime;
        if (now - changed < (time_t)min_age)
            continue;   /* may be a stream being opened right now */

        /* Live while its stream names it, as pipe or as input. */
        char *full = NULL;
        bool live = false;
        if (asprintf(&full, "%s/%s", run_dir, de->d_name) < 0) {
            full = NULL;
            live = true;        /* cannot tell */
        }
        for (unsigned k = 0; !live && k < 2; k++) {
            stream_path(pp, sizeof(pp), fd_domid, id, k ? "input" : "pipe");
            char *v = glue_read(ctx, XBT_NULL, pp);
            if (!v && errno != ENOENT)
                live = true;    /* cannot tell: keep it */
            else if (v && !strcmp(v, full))
                live = true;
            free(v);
        }
        free(full);
        if (live)
            continue;
        if (unlinkat(dirfd(d), de->d_name, 0) == 0) {
            removed++;
            glue_log(ctx, XTL_DEBUG, -1, "removed stale FIFO %s/%s", run_dir,
                     de->d_name);
        }
    }
    closedir(d);
    if (removed_r)
        *removed_r = removed;
    return 0;
}

int xenlog_gc(xenlog_ctx *ctx, int64_t domid, unsigned *removed_r)
{
    const char *run_dir = ctx->run_dir_override;

    ctx->errbuf[0] = 0;
    if (removed_r)
        *removed_r = 0;
    if (!run_dir) {
        if (xenlog_get_dirs(ctx, &run_dir, NULL))
            run_dir = XEN_RUN_DIR;
        ctx->errbuf[0] = 0;
    }
    return glue_gc_dir(ctx, run_dir, domid, XENLOG_GC_MIN_AGE, removed_r);
}

/* ---- listing ------------------------------------------------------------ */

static int cmp_info(const void *a, const void *b)
{
    const xenlog_stream_info *x = a, *y = b;
    if (x->domid != y->domid)
        return x->domid < y->domid ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static char *read_or_empty(xenlog_ctx *ctx, const char *p)
{
    char *v = glue_read(ctx, XBT_NULL, p);
    return v ? v : strdup("");
}

void xenlog_list_free(xenlog_stream_info *info, size_t n)
{
    for (size_t i = 0; info && i < n; i++) {
        free(info[i].state);
        free(info[i].pipe);
        free(info[i].file);
        free(info[i].error);
    }
    free(info);
}

/* Append the streams of one domain. */
static int list_domain(xenlog_ctx *ctx, uint32_t domid,
                       xenlog_stream_info **info, size_t *n, size_t *cap)
{
    char lp[64], p[128];
    unsigned nd;
    bool absent;

    logging_path(lp, sizeof(lp), domid);
    char **d = glue_directory(ctx, XBT_NULL, lp, &nd, &absent);
    if (!d)
        return absent ? 0 : glue_fail(ctx, XENLOG_E_STORE, errno,
                                      "cannot list %s", lp);
    for (unsigned i = 0; i < nd; i++) {
        uint64_t id, v;
        if (!glue_parse_u64(d[i], XENLOG_MAX_ID, &id))
            continue;
        if (*n == *cap) {
            size_t nc = *cap ? *cap * 2 : 16;
            xenlog_stream_info *ni = realloc(*info, nc * sizeof(*ni));
            if (!ni) {
                free(d);
                return glue_fail(ctx, XENLOG_E_NOMEM, ENOMEM,
                                 "out of memory");
            }
            *info = ni;
            *cap = nc;
        }
        xenlog_stream_info *e = &(*info)[*n];
        memset(e, 0, sizeof(*e));
        e->domid = domid;
        e->id = (uint32_t)id;
        (*n)++;
        snprintf(p, sizeof(p), "%s/%s/state", lp, d[i]);
        e->state = read_or_empty(ctx, p);
        snprintf(p, sizeof(p), "%s/%s/pipe", lp, d[i]);
        e->pipe = read_or_empty(ctx, p);
        snprintf(p, sizeof(p), "%s/%s/file", lp, d[i]);
        e->file = read_or_empty(ctx, p);
        snprintf(p, sizeof(p), "%s/%s/error", lp, d[i]);
        e->error = read_or_empty(ctx, p);
        snprintf(p, sizeof(p), "%s/%s/limit", lp, d[i]);
        char *s = glue_read(ctx, XBT_NULL, p);
        e->limit = glue_parse_u64(s, XENLOG_MAX_LIMIT, &v) ? v : 0;
        free(s);
        snprintf(p, sizeof(p), "%s/%s/copies", lp, d[i]);
        s = glue_read(ctx, XBT_NULL, p);
        e->copies = glue_parse_u64(s, XENLOG_MAX_COPIES, &v) ? (int)v : -1;
        free(s);
        if (!e->state || !e->pipe || !e->file || !e->error) {
            free(d);
            return glue_fail(ctx, XENLOG_E_NOMEM, ENOMEM, "out of memory");
        }
    }
    free(d);
    return 0;
}

int xenlog_list(xenlog_ctx *ctx, int64_t domid, xenlog_stream_info **info_r,
                size_t *n_r)
{
    xenlog_stream_info *info = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;

    ctx->errbuf[0] = 0;
    *info_r = NULL;
    *n_r = 0;
    if (domid > (int64_t)XENLOG_MAX_ID)
        return glue_fail(ctx, XENLOG_E_INVAL, -1, "bad domid %" PRId64, domid);
    if (domid >= 0) {
        rc = list_domain(ctx, (uint32_t)domid, &info, &n, &cap);
    } else {
        unsigned nd;
        bool absent;
        char **d = glue_directory(ctx, XBT_NULL, "/libxl", &nd, &absent);
        if (!d && !absent)
            rc = glue_fail(ctx, XENLOG_E_STORE, errno, "cannot list /libxl");
        for (unsigned i = 0; !rc && i < nd; i++) {
            uint64_t v;
            if (glue_parse_u64(d[i], XENLOG_MAX_ID, &v))
                rc = list_domain(ctx, (uint32_t)v, &info, &n, &cap);
        }
        free(d);
    }
    if (rc) {
        xenlog_list_free(info, n);
        return rc;
    }
    if (n)
        qsort(info, n, sizeof(*info), cmp_info);
    *info_r = info;
    *n_r = n;
    return 0;
}
