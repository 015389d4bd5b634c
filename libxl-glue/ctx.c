/* SPDX-License-Identifier: LGPL-2.1-only */
/* ctx.c - libxenlog context: xenstore connection, errors, directories. */
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decimal.h"
#include "glue.h"

const char *xenlog_strerror(int rc)
{
    switch (rc) {
    case XENLOG_OK:         return "success";
    case XENLOG_E_FAIL:     return "system error";
    case XENLOG_E_INVAL:    return "invalid argument";
    case XENLOG_E_NOMEM:    return "out of memory";
    case XENLOG_E_STORE:    return "xenstore error";
    case XENLOG_E_NODAEMON: return "xenlogd is not running";
    case XENLOG_E_REFUSED:  return "refused by xenlogd";
    case XENLOG_E_TIMEOUT:  return "timed out waiting for xenlogd";
    case XENLOG_E_NOTFOUND: return "not found";
    default:                return "unknown error";
    }
}

static void glue_vlog(xenlog_ctx *ctx, xentoollog_level level, int errnoval,
                      const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static void glue_vlog(xenlog_ctx *ctx, xentoollog_level level, int errnoval,
                      const char *fmt, va_list ap)
{
    if (level >= XTL_ERROR) {
        va_list aq;
        int n;

        va_copy(aq, ap);
        n = vsnprintf(ctx->errbuf, sizeof(ctx->errbuf), fmt, aq);
        va_end(aq);
        if (n >= 0 && errnoval >= 0 && (size_t)n < sizeof(ctx->errbuf)) {
            char eb[128];

            snprintf(ctx->errbuf + n, sizeof(ctx->errbuf) - (size_t)n, ": %s",
                     strerror_r(errnoval, eb, sizeof(eb)));
        }
    }
    if (ctx->lg)
        xtl_logv(ctx->lg, level, errnoval, "xenlog", fmt, ap);
}

void glue_log(xenlog_ctx *ctx, xentoollog_level level, int errnoval,
              const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    glue_vlog(ctx, level, errnoval, fmt, ap);
    va_end(ap);
}

int glue_fail(xenlog_ctx *ctx, int rc, int errnoval, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    glue_vlog(ctx, XTL_ERROR, errnoval, fmt, ap);
    va_end(ap);
    return rc;
}

const char *xenlog_last_error(const xenlog_ctx *ctx)
{
    return ctx->errbuf;
}

char *glue_read(xenlog_ctx *ctx, xs_transaction_t t, const char *path)
{
    unsigned len;
    char *v = xs_read(ctx->xsh, t, path, &len);

    if (v && strlen(v) != len) {        /* embedded NUL: not a string */
        free(v);
        errno = EINVAL;
        return NULL;
    }
    return v;
}

char **glue_directory(xenlog_ctx *ctx, xs_transaction_t t, const char *path,
                      unsigned *n, bool *absent)
{
    char **d = xs_directory(ctx->xsh, t, path, n);

    *absent = false;
    if (!d) {
        *n = 0;
        if (errno == ENOENT)
            *absent = true;
    }
    return d;
}

void glue_fifo_name(char *buf, size_t len, uint32_t domid, uint32_t id)
{
    snprintf(buf, len, "xenlog.%u.%u.fifo", (unsigned)domid, (unsigned)id);
}

void glue_console_name(char *buf, size_t len, uint32_t domid, uint32_t id,
                       const char *suffix)
{
    snprintf(buf, len, "xenlog.%u.%u%s", (unsigned)domid, (unsigned)id,
             suffix);
}

bool glue_parse_fifo_name(const char *name, uint32_t *domid, uint32_t *id)
{
    char a[16], b[16];
    uint64_t d, i;
    const char *p, *q, *r;

    if (strncmp(name, "xenlog.", 7))
        return false;
    p = name + 7;
    q = strchr(p, '.');
    if (!q || q == p || (size_t)(q - p) >= sizeof(a))
        return false;
    r = strchr(q + 1, '.');
    if (!r || r == q + 1 || (size_t)(r - q - 1) >= sizeof(b) ||
        (strcmp(r, ".fifo") && strcmp(r, ".in") && strcmp(r, ".out")))
        return false;
    memcpy(a, p, (size_t)(q - p));
    a[q - p] = 0;
    memcpy(b, q + 1, (size_t)(r - q - 1));
    b[r - q - 1] = 0;
    if (parse_decimal(a, 0, XENLOG_MAX_ID, &d) ||
        parse_decimal(b, 0, XENLOG_MAX_ID, &i))
        return false;
    *domid = (uint32_t)d;
    *id = (uint32_t)i;
    return true;
}

/* Makes close-on-exec every other descriptor of this process on the pipe
 * whose inode st is (its other end). */
static void cloexec_other_end(int fd, const struct stat *st)
{
    struct stat st2;
    struct dirent *de;
    DIR *d = opendir("/proc/self/fd");
    int dfd, fl;

    if (!d)
        return;
    dfd = dirfd(d);
    while ((de = readdir(d))) {
        uint64_t o;

        if (parse_decimal(de->d_name, 0, 1u << 30, &o) || (int)o == fd || (int)o == dfd)
            continue;
        if (fstat((int)o, &st2) || st2.st_ino != st->st_ino || st2.st_dev != st->st_dev)
            continue;
        fl = fcntl((int)o, F_GETFD);
        if (fl >= 0 && !(fl & FD_CLOEXEC))
            (void)fcntl((int)o, F_SETFD, fl | FD_CLOEXEC);
    }
    closedir(d);
}

/* libxenstore creates its watch pipe with pipe(2) in some versions: make both
 * ends close-on-exec so that QEMU started by libxl does not inherit them.
 * The other end of a pipe is the fd whose inode is the same. */
void glue_cloexec_pipe(int fd)
{
    struct stat st;
    int fl = fcntl(fd, F_GETFD);

    /* Already set on the read end: libxenstore used pipe2(O_CLOEXEC), as
     * Debian's 4.17 does, so the write end has it too. */
    if (fl < 0 || (fl & FD_CLOEXEC))
        return;
    (void)fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
    if (fstat(fd, &st) || !S_ISFIFO(st.st_mode))
        return;
    cloexec_other_end(fd, &st);
}

int xenlog_ctx_alloc(xenlog_ctx **ctx_r, xentoollog_logger *lg,
                     unsigned flags)
{
    xenlog_ctx *ctx = calloc(1, sizeof(*ctx));

    *ctx_r = NULL;
    if (!ctx) {
        if (lg)
            xtl_log(lg, XTL_ERROR, errno, "xenlog", "cannot allocate context");
        return XENLOG_E_NOMEM;
    }
    ctx->lg = lg;
    ctx->flags = flags;
    ctx->timeout_ms = XENLOG_DEFAULT_TIMEOUT_MS;
    ctx->xsh = xs_open(0);
    if (!ctx->xsh) {
        int rc = glue_fail(ctx, XENLOG_E_STORE, errno,
                           "cannot connect to xenstore");
        free(ctx);
        return rc;
    }
    *ctx_r = ctx;
    return 0;
}

void xenlog_ctx_free(xenlog_ctx *ctx)
{
    if (!ctx)
        return;
    xs_close(ctx->xsh);
    free(ctx->run_dir_override);
    free(ctx->log_dir_override);
    free(ctx->run_dir);
    free(ctx->log_dir);
    free(ctx);
}

/* An absolute path without trailing slashes (but "/" stays). */
static char *clean_dir(const char *d)
{
    char *c = d && d[0] == '/' ? strdup(d) : NULL;
    size_t n = c ? strlen(c) : 0;

    while (n > 1 && c[n - 1] == '/')
        c[--n] = 0;
    return c;
}

int xenlog_ctx_set_dirs(xenlog_ctx *ctx, const char *run_dir,
                        const char *log_dir)
{
    char *r = NULL, *l = NULL;

    assert(ctx);

    if (run_dir && !(r = clean_dir(run_dir)))
        return glue_fail(ctx, XENLOG_E_INVAL, -1,
                         "run dir must be an absolute path: %s", run_dir);
    if (log_dir && !(l = clean_dir(log_dir))) {
        free(r);
        return glue_fail(ctx, XENLOG_E_INVAL, -1,
                         "log dir must be an absolute path: %s", log_dir);
    }
    free(ctx->run_dir_override);
    free(ctx->log_dir_override);
    ctx->run_dir_override = r;
    ctx->log_dir_override = l;
    return 0;
}

void xenlog_ctx_set_timeout(xenlog_ctx *ctx, unsigned timeout_ms)
{
    assert(ctx);
    ctx->timeout_ms = timeout_ms ? timeout_ms : XENLOG_DEFAULT_TIMEOUT_MS;
}

/* Is xenlogd advertised and alive?  0 or XENLOG_E_NODAEMON. */
static int check_daemon(xenlog_ctx *ctx)
{
    uint64_t pid;
    char *p = glue_read(ctx, XBT_NULL, "/tool/xenlogd/pid");
    bool ok;

    if (!p) {
        if (errno == ENOENT)
            return glue_fail(ctx, XENLOG_E_NODAEMON, -1,
                             "xenlogd is not running (no /tool/xenlogd/pid)");
        return glue_fail(ctx, XENLOG_E_STORE, errno,
                         "cannot read /tool/xenlogd/pid");
    }
    ok = !parse_decimal(p, 1, INT32_MAX, &pid);
    free(p);
    if (!ok)
        return glue_fail(ctx, XENLOG_E_NODAEMON, -1,
                         "xenlogd is not running (bad /tool/xenlogd/pid)");
    if (!(ctx->flags & XENLOG_CTX_NO_PID_CHECK) &&
        kill((pid_t)pid, 0) < 0 && errno == ESRCH)
        return glue_fail(ctx, XENLOG_E_NODAEMON, -1,
                         "xenlogd is not running (advertised pid %u is gone)",
                         (unsigned)pid);
    return 0;
}

static int advertised_dir(xenlog_ctx *ctx, const char *node, char **out)
{
    char path[64];
    char *v;

    snprintf(path, sizeof(path), "/tool/xenlogd/%s", node);
    v = glue_read(ctx, XBT_NULL, path);
    if (!v) {
        if (errno == ENOENT)
            return glue_fail(ctx, XENLOG_E_NODAEMON, -1,
                             "xenlogd is not running (no %s)", path);
        return glue_fail(ctx, XENLOG_E_STORE, errno, "cannot read %s", path);
    }
    *out = clean_dir(v);
    if (!*out) {
        int rc = glue_fail(ctx, XENLOG_E_NODAEMON, -1,
                           "%s is not an absolute path: %s", path, v);
        free(v);
        return rc;
    }
    free(v);
    return 0;
}

int xenlog_get_dirs(xenlog_ctx *ctx, const char **run_dir_r,
                    const char **log_dir_r)
{
    char *r = NULL, *l = NULL;
    int rc;

    assert(ctx);

    if (ctx->run_dir_override)
        r = strdup(ctx->run_dir_override);
    else if ((rc = advertised_dir(ctx, "run-dir", &r)))
        return rc;
    if (ctx->log_dir_override)
        l = strdup(ctx->log_dir_override);
    else if ((rc = advertised_dir(ctx, "log-dir", &l))) {
        free(r);
        return rc;
    }
    if (!r || !l) {
        free(r);
        free(l);
        return glue_fail(ctx, XENLOG_E_NOMEM, ENOMEM, "cannot copy dirs");
    }
    free(ctx->run_dir);
    free(ctx->log_dir);
    ctx->run_dir = r;
    ctx->log_dir = l;
    if (run_dir_r)
        *run_dir_r = r;
    if (log_dir_r)
        *log_dir_r = l;
    return 0;
}

int glue_serving_dirs(xenlog_ctx *ctx)
{
    int rc = check_daemon(ctx);

    return rc ? rc : xenlog_get_dirs(ctx, NULL, NULL);
}

bool glue_daemon_has_policy(xenlog_ctx *ctx)
{
    char *v = glue_read(ctx, XBT_NULL, "/tool/xenlogd/policy");
    bool yes = v && !strcmp(v, "1");

    free(v);
    return yes;
}

int xenlog_domid_by_name(xenlog_ctx *ctx, const char *name,
                         uint32_t *domid_r)
{
    unsigned n;
    bool absent, found = false;
    uint64_t best = 0;
    char **d;

    assert(ctx);

    if (!name || !*name)
        return glue_fail(ctx, XENLOG_E_INVAL, -1, "empty domain name");
    d = glue_directory(ctx, XBT_NULL, "/local/domain", &n, &absent);
    if (!d && !absent)
        return glue_fail(ctx, XENLOG_E_STORE, errno,
                         "cannot list /local/domain");
    for (unsigned i = 0; i < n; i++) {
        uint64_t id;
        char path[64], *v;

        if (parse_decimal(d[i], 0, XENLOG_MAX_ID, &id))
            continue;
        snprintf(path, sizeof(path), "/local/domain/%s/name", d[i]);
        v = glue_read(ctx, XBT_NULL, path);
        if (v && !strcmp(v, name) && (!found || id > best)) {
            best = id;
            found = true;
        }
        free(v);
    }
    free(d);
    if (!found)
        return glue_fail(ctx, XENLOG_E_NOTFOUND, -1,
                         "no domain called %s", name);
    *domid_r = (uint32_t)best;
    return 0;
}
