/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * glue.h - internals of libxenlog shared by its files (ctx.c, stream.c,
 * close.c, list.c) and dropin.c.
 *
 * The error convention of libxenlog, the one place it is written down:
 *   - a function that can fail returns 0 or a negative XENLOG_E_* code
 *     (xenlog.h), the public ones and the internal int ones alike; it has
 *     then logged exactly one message through glue_fail() (XTL_ERROR, kept
 *     in ctx->errbuf for xenlog_last_error()), so a caller passes the code
 *     on without a message of its own;
 *   - the errno of a failed system or xenstore call goes into that message
 *     (glue_fail's errnoval; -1 when there is none), never to the caller;
 *   - a predicate or a lookup that cannot fail in an interesting way returns
 *     bool, or a pointer that is NULL with errno set (glue_read);
 *   - inside a xenstore transaction (xs_txn_retry(), common/xstxn.h) the
 *     work of an attempt returns 0 to commit, -errno for a xenstore failure
 *     (the caller logs it), or a positive value of its own after it has
 *     logged the failure and kept the XENLOG_E_* code in its argument;
 *   - preconditions (the context, the out-pointers a caller must pass) are
 *     assert()ed at the public entry points, as in the daemon.
 * Internal names start with glue_ where the files share them;
 * everything else is static.
 */
#ifndef XENLOG_GLUE_H
#define XENLOG_GLUE_H

#include <stdbool.h>
#include <stdint.h>
#include <xenstore.h>

#include "xenlog.h"

#define GLUE_PATH_MAX 4096
#define GLUE_TXN_TRIES 100      /* transaction conflicts before giving up */

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

/* Log at XTL_ERROR, remember the message as the last error, return rc
 * (a XENLOG_E_* code).  errnoval -1: no errno. */
int glue_fail(xenlog_ctx *ctx, int rc, int errnoval, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void glue_log(xenlog_ctx *ctx, xentoollog_level level, int errnoval,
              const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* xs_read as a NUL-terminated string, NULL (errno set) if absent. */
char *glue_read(xenlog_ctx *ctx, xs_transaction_t t, const char *path);

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

/* /libxl/$DOMID/logging, and /libxl/$DOMID/logging/$ID[/leaf] (leaf NULL: none). */
void glue_logging_path(char *b, size_t n, uint32_t domid);
void glue_stream_path(char *b, size_t n, uint32_t domid, uint32_t id, const char *leaf);
/* Is there no node at path (in t)? */
bool glue_is_absent(xenlog_ctx *ctx, xs_transaction_t t, const char *path);
/* Unlink path if it is a FIFO of ours called xenlog.$domid.$id.fifo (or, of a
 * console stream, xenlog.$domid.$id.out or .in). */
void glue_unlink_fifo(uint32_t domid, uint32_t id, const char *path);

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
