/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * glue-client: drives libxenlog for the tests.
 *
 *   glue-client [OPTIONS] open DOMID NAME [LIMIT [COPIES]]
 *     --run-dir D --log-dir D --timeout MS   passed to the library
 *     --write TEXT   write TEXT and a newline into the stream
 *     --hold         then copy stdin into the stream until end of file
 *     --keep         do not close the stream at the end (xenlog_stream_free)
 *     --fdinfo       print the descriptor's flags (rdwr=, cloexec=) and
 *                    "leaky=N": how many descriptors the library left
 *                    open without close-on-exec (inherited ones do not count)
 *   glue-client [OPTIONS] cleanup DOMID | gc [DOMID] | close DOMID ID
 *   glue-client [OPTIONS] threads N DOMID
 *     N threads, each with its own context, open a stream of DOMID at once
 *     and keep it; prints "id=ID" per thread.
 *
 * Prints "id=ID pipe=PIPE file=FILE" after opening.  On error prints
 * "error=CODE: MESSAGE" (CODE is the XENLOG_E_* name) and exits 1.
 * Library messages go to stderr at the debug level.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xenlog.h"

static const char *code(int rc)
{
    switch (rc) {
    case XENLOG_E_FAIL: return "FAIL";
    case XENLOG_E_INVAL: return "INVAL";
    case XENLOG_E_NOMEM: return "NOMEM";
    case XENLOG_E_STORE: return "STORE";
    case XENLOG_E_NODAEMON: return "NODAEMON";
    case XENLOG_E_REFUSED: return "REFUSED";
    case XENLOG_E_TIMEOUT: return "TIMEOUT";
    case XENLOG_E_NOTFOUND: return "NOTFOUND";
    default: return "?";
    }
}

static int die(xenlog_ctx *ctx, int rc)
{
    printf("error=%s: %s\n", code(rc), ctx ? xenlog_last_error(ctx) : "");
    fflush(stdout);
    return 1;
}

static int leaky_fds(int report)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    struct dirent *de;
    if (!d)
        return -1;
    while ((de = readdir(d))) {
        int fd = atoi(de->d_name);
        if (de->d_name[0] == '.' || fd <= 2 || fd == dirfd(d))
            continue;
        if (!(fcntl(fd, F_GETFD) & FD_CLOEXEC)) {
            if (report)
                fprintf(stderr, "glue-client: fd %d is not close-on-exec\n",
                        fd);
            n++;
        }
    }
    closedir(d);
    return n;
}

static int write_all(int fd, const char *b, size_t n)
{
    while (n) {
        ssize_t w = write(fd, b, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

struct thread_arg {
    pthread_t tid;
    pthread_barrier_t *go;
    const char *run, *log;
    uint32_t domid;
    int n, rc;
    uint32_t id;
    char err[512];
};

static void *thread_main(void *p)
{
    struct thread_arg *a = p;
    xenlog_ctx *ctx;
    xenlog_stream *s;
    char name[64];

    snprintf(name, sizeof(name), "thread-%d", a->n);
    pthread_barrier_wait(a->go);
    if ((a->rc = xenlog_ctx_alloc(&ctx, NULL, 0)))
        return NULL;
    if (!(a->rc = xenlog_ctx_set_dirs(ctx, a->run, a->log)) &&
        !(a->rc = xenlog_stream_open(ctx, a->domid, name, 0, -1, &s))) {
        a->id = xenlog_stream_id(s);
        xenlog_stream_free(s);
    }
    snprintf(a->err, sizeof(a->err), "%s", xenlog_last_error(ctx));
    xenlog_ctx_free(ctx);
    return NULL;
}

static int run_threads(int n, uint32_t domid, const char *run, const char *log)
{
    struct thread_arg *a = calloc((size_t)n, sizeof(*a));
    pthread_barrier_t go;
    int bad = 0;

    if (!a || n < 1 || pthread_barrier_init(&go, NULL, (unsigned)n))
        return 2;
    for (int i = 0; i < n; i++) {
        a[i].go = &go;
        a[i].run = run;
        a[i].log = log;
        a[i].domid = domid;
        a[i].n = i;
        if (pthread_create(&a[i].tid, NULL, thread_main, &a[i]))
            return 2;
    }
    for (int i = 0; i < n; i++) {
        pthread_join(a[i].tid, NULL);
        if (a[i].rc) {
            printf("error=%s: %s\n", code(a[i].rc), a[i].err);
            bad = 1;
        } else {
            printf("id=%u\n", (unsigned)a[i].id);
        }
    }
    pthread_barrier_destroy(&go);
    free(a);
    return bad;
}

int main(int argc, char **argv)
{
    const char *run = NULL, *log = NULL, *text = NULL;
    unsigned timeout = 0;
    int hold = 0, keep = 0, fdinfo = 0, i, rc;
    int inherited = leaky_fds(0);
    xenlog_ctx *ctx;

    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--run-dir") && i + 1 < argc)
            run = argv[++i];
        else if (!strcmp(argv[i], "--log-dir") && i + 1 < argc)
            log = argv[++i];
        else if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
            timeout = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--write") && i + 1 < argc)
            text = argv[++i];
        else if (!strcmp(argv[i], "--hold"))
            hold = 1;
        else if (!strcmp(argv[i], "--keep"))
            keep = 1;
        else if (!strcmp(argv[i], "--fdinfo"))
            fdinfo = 1;
        else
            break;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: see tests/glue/glue-client.c\n");
        return 2;
    }
    xentoollog_logger_stdiostream *lg =
        xtl_createlogger_stdiostream(stderr, XTL_DEBUG, 0);
    if ((rc = xenlog_ctx_alloc(&ctx, (xentoollog_logger *)lg, 0)))
        return die(NULL, rc);
    if ((rc = xenlog_ctx_set_dirs(ctx, run, log)))
        return die(ctx, rc);
    xenlog_ctx_set_timeout(ctx, timeout);

    const char *cmd = argv[i++];
    if (!strcmp(cmd, "open") && i + 2 <= argc) {
        uint32_t domid = (uint32_t)strtoul(argv[i], NULL, 10);
        const char *name = argv[i + 1];
        uint64_t limit = i + 2 < argc ? strtoull(argv[i + 2], NULL, 10) : 0;
        int copies = i + 3 < argc ? atoi(argv[i + 3]) : -1;
        xenlog_stream *s;

        if ((rc = xenlog_stream_open(ctx, domid, name, limit, copies, &s)))
            return die(ctx, rc);
        printf("id=%u pipe=%s file=%s\n", (unsigned)xenlog_stream_id(s),
               xenlog_stream_pipe(s), xenlog_stream_file(s));
        int fd = xenlog_stream_fd(s);
        if (fdinfo)
            printf("rdwr=%d cloexec=%d leaky=%d\n",
                   (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR,
                   !!(fcntl(fd, F_GETFD) & FD_CLOEXEC),
                   leaky_fds(1) - inherited);
        fflush(stdout);
        if (text && (write_all(fd, text, strlen(text)) ||
                     write_all(fd, "\n", 1))) {
            perror("write");
            return 1;
        }
        if (hold) {
            char buf[65536];
            ssize_t n;
            while ((n = read(0, buf, sizeof(buf))) > 0)
                if (write_all(fd, buf, (size_t)n)) {
                    perror("write");
                    return 1;
                }
        }
        if (keep)
            xenlog_stream_free(s);
        else if ((rc = xenlog_stream_close(ctx, s)))
            return die(ctx, rc);
    } else if (!strcmp(cmd, "cleanup") && i + 1 <= argc) {
        if ((rc = xenlog_domain_cleanup(ctx, (uint32_t)strtoul(argv[i], NULL,
                                                                10))))
            return die(ctx, rc);
    } else if (!strcmp(cmd, "close") && i + 2 <= argc) {
        if ((rc = xenlog_close_id(ctx, (uint32_t)strtoul(argv[i], NULL, 10),
                                  (uint32_t)strtoul(argv[i + 1], NULL, 10))))
            return die(ctx, rc);
    } else if (!strcmp(cmd, "threads") && i + 2 <= argc) {
        xenlog_ctx_free(ctx);
        xtl_logger_destroy((xentoollog_logger *)lg);
        return run_threads(atoi(argv[i]), (uint32_t)strtoul(argv[i + 1], NULL,
                                                             10), run, log);
    } else if (!strcmp(cmd, "gc")) {
        unsigned n;
        if ((rc = xenlog_gc(ctx, i < argc ? strtoll(argv[i], NULL, 10) : -1,
                            &n)))
            return die(ctx, rc);
        printf("removed=%u\n", n);
    } else {
        fprintf(stderr, "usage: see tests/glue/glue-client.c\n");
        return 2;
    }
    xenlog_ctx_free(ctx);
    xtl_logger_destroy((xentoollog_logger *)lg);
    return 0;
}
