/* SPDX-License-Identifier: LGPL-2.1-only */
/* glue.h - internals of libxenlog shared by ctx.c and stream.c. */
#ifndef XENLOG_GLUE_H
#define XENLOG_GLUE_H

#include <stdbool.h>
#include <stdint.h>
#include <xenstore.h>

#include "xenlog.h"

#define GLUE_PATH_MAX 4096

struct xenlog_ctx {
    xentoollog_logger *lg;          /* may be NULL */
    struct xs_handle *xsh;
    unsigned flags;
    unsigned timeout_ms;
    unsigned watch_seq;             /* makes watch tokens unique */
    char *run_dir_override, *log_dir_override;
    char *run_dir, *log_dir;        /* in use (last xenlog_get_dirs) */
    char errbuf[512];
};

struct xenlog_stream {
    uint32_t domid, id;
    int fd;                         /* -1 once taken */
    bool made_logging, made_domdir, made_root; /* parents it created */
    char *pipe, *file;
    char *input;                    /* console streams: the input FIFO */
    char *console;                  /* console streams: PATH for QEMU */
};

/* 1: the daemon advertises /tool/xenlogd/policy (the host's defaults apply
 * to a stream without limit or copies nodes); 0: it does not. */
bool glue_daemon_has_policy(xenlog_ctx *ctx);

/* Log at XTL_ERROR, remember the message as the last error, return rc.
 * errnoval -1: no errno. */
int glue_fail(xenlog_ctx *ctx, int rc, int errnoval, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void glue_log(xenlog_ctx *ctx, xentoollog_level level, int errnoval,
              const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* xs_read as a NUL-terminated string, NULL (errno set) if absent. */
char *glue_read(xenlog_ctx *ctx, xs_transaction_t t, const char *path);

/* Strict decimal: digits only, no leading zero unless "0", <= max. */
bool glue_parse_u64(const char *s, uint64_t max, uint64_t *v);

/* Make sure fd (and, for a pipe, its other end) is close-on-exec. */
void glue_cloexec_pipe(int fd);

/* "xenlog.$DOMID.$ID.fifo" */
void glue_fifo_name(char *buf, size_t len, uint32_t domid, uint32_t id);
/* A console stream: "xenlog.$DOMID.$ID" and suffix ("", ".out", ".in"). */
void glue_console_name(char *buf, size_t len, uint32_t domid, uint32_t id,
                       const char *suffix);
/* Parse a FIFO name made by glue_fifo_name() or glue_console_name() with
 * ".out" or ".in". */
bool glue_parse_fifo_name(const char *name, uint32_t *domid, uint32_t *id);

/* Directory listing of a path, NULL with *n 0 if absent. */
char **glue_directory(xenlog_ctx *ctx, xs_transaction_t t, const char *path,
                      unsigned *n, bool *absent);

/* xenlogd must be advertised and alive; then ctx->run_dir and ctx->log_dir
 * are set (overrides or advertisement).  0 or a XENLOG_E_* code. */
int glue_serving_dirs(xenlog_ctx *ctx);

/* Unlink stale FIFOs in run_dir (see xenlog_gc()). */
int glue_gc_dir(xenlog_ctx *ctx, const char *run_dir, int64_t domid,
                unsigned min_age, unsigned *removed_r);

#endif
