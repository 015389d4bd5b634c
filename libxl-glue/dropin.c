/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * dropin.c - xenlog-libxl-dropin.so: xenlogd for stock, unmodified libxl.
 *
 * Loaded with LD_PRELOAD into xl (or libvirtd, or anything linking
 * libxenlight), it overrides libxl_create_logfile(), which libxl calls through
 * its PLT for the logs of the processes it starts (qemu-dm-NAME, qdisk-DOMID,
 * qmp-proxy-NAME, bootloader.DOMID, ...).  For a name it takes over it opens
 * a xenlogd stream and returns the stream's FIFO as the "log file"; libxl
 * then opens that path and gives the descriptor to QEMU.  Everything else,
 * and every failure (no xenlogd, no domain of that name, a refusal, a
 * timeout), goes to the real libxl_create_logfile(), so a host without
 * xenlogd still starts guests.
 *
 * It also interposes open(), open64(), fopen() and fopen64() for paths whose
 * last component is a stream FIFO (xenlog.$DOMID.$ID.fifo) opened write-only:
 * they are opened O_RDWR|O_CLOEXEC|O_NOFOLLOW instead, without O_CREAT, so
 * the writer never blocks in open() and never gets SIGPIPE while xenlogd
 * restarts.  This check is stateless (no lock), so it is safe in a child
 * after fork() and in signal handlers.
 *
 * Settings (environment):
 *   XENLOG_DROPIN_DISABLE=1     pass every call to libxl
 *   XENLOG_DROPIN_NAMES=a-,b-   log name prefixes taken over (default
 *                               qemu-dm-,qemu-probe-,qmp-proxy-,qdisk-,
 *                               qemu-xenpv-,bootloader.)
 *   XENLOG_DROPIN_DEBUG=1       say on stderr what happens to each name
 *   XENLOG_LIMIT, XENLOG_COPIES, XENLOG_TIMEOUT_MS   stream parameters
 *   XENLOG_RUN_DIR, XENLOG_LOG_DIR   override xenlogd's advertisement
 * See docs/libxl-glue.md.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decimal.h"
#include "glue.h"

/* From libxl.h / libxl_utils.h, declared here so the module does not need
 * libxl's headers or link against libxenlight. */
typedef struct libxl__ctx libxl_ctx;
#define LIBXL_ERROR_FAIL (-3)

#define EXPORT __attribute__((visibility("default")))

EXPORT int libxl_create_logfile(libxl_ctx *ctx, const char *name,
                                char **full_name);
EXPORT int open(const char *path, int flags, ...);
EXPORT int open64(const char *path, int flags, ...);
EXPORT FILE *fopen(const char *path, const char *mode);
EXPORT FILE *fopen64(const char *path, const char *mode);

typedef int create_logfile_fn(libxl_ctx *, const char *, char **);
typedef int open_fn(const char *, int, ...);
typedef FILE *fopen_fn(const char *, const char *);

static create_logfile_fn *real_create_logfile;   /* once found */
static open_fn *real_open, *real_open64;
static fopen_fn *real_fopen, *real_fopen64;
static pthread_once_t resolve_once = PTHREAD_ONCE_INIT;

static void resolve(void)
{
    real_open = (open_fn *)dlsym(RTLD_NEXT, "open");
    real_open64 = (open_fn *)dlsym(RTLD_NEXT, "open64");
    real_fopen = (fopen_fn *)dlsym(RTLD_NEXT, "fopen");
    real_fopen64 = (fopen_fn *)dlsym(RTLD_NEXT, "fopen64");
}

/* ---- the FIFO opens ----------------------------------------------------- */

/* Is path a stream FIFO (…/xenlog.$DOMID.$ID.fifo)? */
static bool is_stream_fifo(const char *path)
{
    uint32_t d, i;
    const char *b = path ? strrchr(path, '/') : NULL;

    return b && glue_parse_fifo_name(b + 1, &d, &i);
}

static int fifo_flags(int flags)
{
    return (flags & ~(O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC)) |
        O_RDWR | O_CLOEXEC | O_NOFOLLOW;
}

static int do_open(open_fn *fn, const char *path, int flags, mode_t mode)
{
    if ((flags & O_ACCMODE) == O_WRONLY && is_stream_fifo(path))
        flags = fifo_flags(flags);
    if (fn)
        return fn(path, flags, mode);
    return openat(AT_FDCWD, path, flags, mode);
}

static mode_t open_mode(int flags, va_list ap)
{
    if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
        return (mode_t)va_arg(ap, int);
    return 0;
}

int open(const char *path, int flags, ...)
{
    va_list ap;
    mode_t mode;

    va_start(ap, flags);
    mode = open_mode(flags, ap);
    va_end(ap);
    pthread_once(&resolve_once, resolve);
    return do_open(real_open, path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
    va_list ap;
    mode_t mode;

    va_start(ap, flags);
    mode = open_mode(flags, ap);
    va_end(ap);
    pthread_once(&resolve_once, resolve);
    return do_open(real_open64 ? real_open64 : real_open, path, flags, mode);
}

/* "a" or "w" (without '+') on a stream FIFO: open it O_RDWR ourselves. */
static FILE *do_fopen(fopen_fn *fn, const char *path, const char *mode)
{
    if (mode && (mode[0] == 'a' || mode[0] == 'w') && !strchr(mode, '+') &&
        is_stream_fifo(path)) {
        int fd = do_open(real_open, path, O_WRONLY, 0);
        FILE *f;

        if (fd < 0)
            return NULL;
        f = fdopen(fd, mode);
        if (!f) {
            int e = errno;
            close(fd);
            errno = e;
        }
        return f;
    }
    if (!fn) {
        errno = ENOSYS;
        return NULL;
    }
    return fn(path, mode);
}

FILE *fopen(const char *path, const char *mode)
{
    pthread_once(&resolve_once, resolve);
    return do_fopen(real_fopen, path, mode);
}

FILE *fopen64(const char *path, const char *mode)
{
    pthread_once(&resolve_once, resolve);
    return do_fopen(real_fopen64 ? real_fopen64 : real_fopen, path, mode);
}

/* ---- libxl_create_logfile ------------------------------------------------ */

/* libxl's own libxl_create_logfile, looked up when first needed and kept
 * once found: the next definition after ours (xl, linked with libxenlight),
 * else the one the calling object sees in its own scope.  libvirtd loads
 * libxenlight only later, with its libxl driver (dlopen), where RTLD_NEXT
 * may not reach, and opens files (so resolve()s) long before. */
static create_logfile_fn *real_create_logfile_for(const void *caller)
{
    create_logfile_fn *fn = __atomic_load_n(&real_create_logfile, __ATOMIC_ACQUIRE);
    Dl_info info;
    void *h;

    if (fn)
        return fn;
    fn = (create_logfile_fn *)dlsym(RTLD_NEXT, "libxl_create_logfile");
    if (!fn && dladdr(caller, &info) && info.dli_fname &&
        (h = dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD))) {
        fn = (create_logfile_fn *)dlsym(h, "libxl_create_logfile");
        dlclose(h);
    }
    if (fn == libxl_create_logfile)
        return NULL;
    if (fn)
        __atomic_store_n(&real_create_logfile, fn, __ATOMIC_RELEASE);
    return fn;
}

enum owner { BY_NAME, BY_DOMID };

static const struct {
    const char *prefix;
    enum owner owner;
} known[] = {
    { "qemu-dm-",    BY_NAME },   /* libxl__spawn_local_dm */
    { "qemu-probe-", BY_NAME },   /* later libxl: QEMU option probe */
    { "qmp-proxy-",  BY_NAME },   /* stub domain QMP proxy ("NAME-dm") */
    { "qdisk-",      BY_DOMID },  /* libxl__spawn_qdisk_backend */
    { "qemu-xenpv-", BY_DOMID },  /* its later name */
    { "bootloader.", BY_DOMID },  /* libxl_bootloader.c */
};
#define DEFAULT_NAMES \
    "qemu-dm-,qemu-probe-,qmp-proxy-,qdisk-,qemu-xenpv-,bootloader."

static bool debug_on(void)
{
    const char *d = getenv("XENLOG_DROPIN_DEBUG");

    return d && *d && strcmp(d, "0");
}

static void say(bool always, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Warnings always, the rest only with XENLOG_DROPIN_DEBUG: on xl's stderr,
 * where libxl's own messages go. */
static void say(bool always, const char *fmt, ...)
{
    char buf[768];
    va_list ap;

    if (!always && !debug_on())
        return;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    fprintf(stderr, "xenlog-dropin: %s\n", buf);
}

/* Does the drop-in take name over?  *rest is what follows the prefix. */
static bool takes_over(const char *name, enum owner *owner, const char **rest)
{
    const char *list = getenv("XENLOG_DROPIN_NAMES");

    if (!list)
        list = DEFAULT_NAMES;
    while (*list) {
        size_t len = strcspn(list, ",");

        if (len && !strncmp(name, list, len) && name[len]) {
            *rest = name + len;
            *owner = BY_NAME;
            for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
                if (strlen(known[i].prefix) == len &&
                    !strncmp(known[i].prefix, list, len))
                    *owner = known[i].owner;
            return true;
        }
        list += len;
        if (*list == ',')
            list++;
    }
    return false;
}

static uint64_t env_u64(const char *var, uint64_t dflt)
{
    uint64_t v;
    const char *s = getenv(var);

    return !parse_decimal(s, 0, UINT64_MAX - 1, &v) ? v : dflt;
}

/* The domain a log name is for: its domid after the prefix (rest), or the
 * domain called rest. 0 or a XENLOG_E_* code (said in debug mode). */
static int name_domid(xenlog_ctx *ctx, const char *name, enum owner owner, const char *rest,
                      uint32_t *domid)
{
    uint64_t v;

    if (owner == BY_NAME) {
        int rc = xenlog_domid_by_name(ctx, rest, domid);

        if (rc)
            say(false, "%s: %s, using a plain file", name, xenlog_last_error(ctx));
        return rc;
    }
    if (parse_decimal(rest, 0, XENLOG_MAX_ID, &v)) {
        say(false, "%s: \"%s\" is not a domid, using a plain file", name, rest);
        return XENLOG_E_NOTFOUND;
    }
    *domid = (uint32_t)v;
    return 0;
}

/* A stream for name of domid, with the parameters of the environment; on
 * success *path_r is the malloc'd FIFO path. */
static int open_for(xenlog_ctx *ctx, const char *name, uint32_t domid, char **path_r)
{
    uint64_t copies = env_u64("XENLOG_COPIES", UINT64_MAX);
    xenlog_stream *s = NULL;
    int rc;

    rc = xenlog_stream_open(ctx, domid, name, env_u64("XENLOG_LIMIT", 0),
                            copies > XENLOG_MAX_COPIES + 1u ? -1 : (int)copies, &s);
    if (rc) {
        /* No daemon is a normal configuration: only say so when asked. */
        say(rc != XENLOG_E_NODAEMON, "%s: %s; using a plain file", name,
            xenlog_last_error(ctx));
        return rc;
    }
    *path_r = strdup(xenlog_stream_pipe(s));
    if (!*path_r) {
        (void)xenlog_stream_close(ctx, s);
        return XENLOG_E_NOMEM;
    }
    say(false, "%s: stream %u/%u, %s -> %s", name, (unsigned)domid,
        (unsigned)xenlog_stream_id(s), *path_r, xenlog_stream_file(s));
    /* The stream lives until libxl removes /libxl/$DOMID. */
    xenlog_stream_free(s);
    return 0;
}

/* Open a stream for name; on success *path_r is the malloc'd FIFO path. */
static int dropin_open(const char *name, enum owner owner, const char *rest, char **path_r)
{
    xenlog_ctx *ctx;
    uint32_t domid = 0;
    int rc;

    if ((rc = xenlog_ctx_alloc(&ctx, NULL, 0))) {
        say(false, "%s: no xenstore, using a plain file", name);
        return rc;
    }
    rc = xenlog_ctx_set_dirs(ctx, getenv("XENLOG_RUN_DIR"), getenv("XENLOG_LOG_DIR"));
    if (!rc) {
        xenlog_ctx_set_timeout(ctx, (unsigned)env_u64("XENLOG_TIMEOUT_MS", 0));
        rc = name_domid(ctx, name, owner, rest, &domid);
    }
    if (!rc)
        rc = open_for(ctx, name, domid, path_r);
    xenlog_ctx_free(ctx);
    return rc;
}

int libxl_create_logfile(libxl_ctx *ctx, const char *name, char **full_name)
{
    const char *off = getenv("XENLOG_DROPIN_DISABLE");
    create_logfile_fn *real;
    const char *rest;
    enum owner owner;
    int saved = errno;

    pthread_once(&resolve_once, resolve);
    if (name && !(off && *off && strcmp(off, "0")) &&
        takes_over(name, &owner, &rest)) {
        char *path = NULL;

        if (dropin_open(name, owner, rest, &path) == 0) {
            *full_name = path;
            errno = saved;
            return 0;
        }
    }
    real = real_create_logfile_for(__builtin_return_address(0));
    errno = saved;
    if (!real) {
        say(true, "libxl_create_logfile not found (no libxenlight loaded?)");
        return LIBXL_ERROR_FAIL;
    }
    return real(ctx, name, full_name);
}
