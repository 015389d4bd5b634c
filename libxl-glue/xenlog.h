/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * xenlog.h - libxenlog, the toolstack side of xenlogd.
 *
 * A toolstack (libxl, xl, a script through the `xenlog` command) uses this
 * library to hand the output of a component (QEMU, a bootloader, ...) to
 * xenlogd, which writes it into a size-bounded, rotated log file.  The
 * xenstore protocol behind it is docs/protocol.md; this header is the C
 * interface.
 *
 * A stream is opened in five steps (all done by xenlog_stream_open()):
 *   1. the run and log dirs are read from /tool/xenlogd/{run-dir,log-dir}
 *      (the caller may override them, xenlog_ctx_set_dirs());
 *   2. a FIFO $RUN_DIR/xenlog.$DOMID.$ID.fifo is created 0600, exclusively;
 *   3. in one xenstore transaction (retried on EAGAIN) the id is chosen and
 *      /libxl/$DOMID/logging/$ID/{pipe,file,limit,copies} are written;
 *   4. the library watches .../state until xenlogd writes `ready` or
 *      `error`, or until the timeout;
 *   5. the caller gets a descriptor for the FIFO opened O_RDWR|O_CLOEXEC.
 *      Because it is open for reading too, a writer blocks (back-pressure)
 *      instead of getting SIGPIPE while xenlogd restarts.
 * On any failure everything made in steps 2 and 3 is removed again.
 *
 * Errors are reported the libxl way: every function returns 0 or a negative
 * XENLOG_E_* code, and logs one message through the xentoollog logger given
 * to xenlog_ctx_alloc() (context "xenlog").  The text of the last error,
 * including xenlogd's own reason when it refused a stream, is also kept in
 * the context (xenlog_last_error()).  The library never prints, never calls
 * exit() and never installs signal handlers.
 *
 * Threads: a context holds its own xenstore connection and no function uses
 * global state, so separate contexts may be used from separate threads at the
 * same time.  One context must not be used by two threads at once.
 *
 * File descriptors: every descriptor the library opens is O_CLOEXEC (libxl
 * does not close inherited descriptors when it starts QEMU).
 */
#ifndef XENLOG_H
#define XENLOG_H

#include <stdint.h>
#include <stddef.h>
#include <xentoollog.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- error codes ------------------------------------------------------- */

enum {
    XENLOG_OK          =  0,
    XENLOG_E_FAIL      = -1,  /* a system call failed (errno is logged) */
    XENLOG_E_INVAL     = -2,  /* an argument is out of range or malformed */
    XENLOG_E_NOMEM     = -3,
    XENLOG_E_STORE     = -4,  /* xenstore unreachable or an operation failed */
    XENLOG_E_NODAEMON  = -5,  /* no xenlogd advertised, or its pid is dead */
    XENLOG_E_REFUSED   = -6,  /* xenlogd set state=error; see last_error */
    XENLOG_E_TIMEOUT   = -7,  /* no state from xenlogd within the timeout */
    XENLOG_E_NOTFOUND  = -8,  /* no such stream or domain */
};

/* A short constant description of a XENLOG_E_* code ("timed out"). */
const char *xenlog_strerror(int rc);

/* ---- defaults ---------------------------------------------------------- */

/* Bytes per file.  With the default copies a stream takes at most
 * 2 MiB * (4 + 1) = 10 MiB of disk, whatever the guest does. */
#define XENLOG_DEFAULT_LIMIT   (2u * 1024u * 1024u)
#define XENLOG_DEFAULT_COPIES  4
/* How long xenlog_stream_open() waits for xenlogd's answer. */
#define XENLOG_DEFAULT_TIMEOUT_MS 5000u

/* Bounds enforced here and by xenlogd (docs/protocol.md). */
#define XENLOG_MIN_LIMIT   1024ull
#define XENLOG_MAX_LIMIT   1099511627776ull  /* 1 TiB */
#define XENLOG_MAX_COPIES  99
#define XENLOG_MAX_ID      2147483647u        /* also the largest domid */

/* ---- context ----------------------------------------------------------- */

typedef struct xenlog_ctx xenlog_ctx;

/* Flags for xenlog_ctx_alloc(). */
#define XENLOG_CTX_NO_PID_CHECK 1u  /* trust /tool/xenlogd without checking
                                     * that its pid is alive (xenlogd runs in
                                     * another pid namespace or domain) */

/*
 * Allocate a context and connect to xenstore (xs_open(0): the socket named by
 * XENSTORED_PATH or the default one, else the xenbus device, as xl does).
 * lg may be NULL: then nothing is logged, but xenlog_last_error() still
 * works.  lg must outlive the context.
 * Returns 0, XENLOG_E_NOMEM or XENLOG_E_STORE; *ctx_r is NULL on error.
 */
int xenlog_ctx_alloc(xenlog_ctx **ctx_r, xentoollog_logger *lg,
                     unsigned flags);
void xenlog_ctx_free(xenlog_ctx *ctx);        /* NULL is ok */

/*
 * Override the directories xenlogd advertises.  NULL keeps (or returns to)
 * the advertised one.  They must be absolute; they must match xenlogd's own
 * (xenlogd refuses FIFOs and files outside its dirs), so this is for tests
 * and for a host where the advertisement cannot be read.
 */
int xenlog_ctx_set_dirs(xenlog_ctx *ctx, const char *run_dir,
                        const char *log_dir);

/* Timeout for xenlog_stream_open(); 0 means XENLOG_DEFAULT_TIMEOUT_MS. */
void xenlog_ctx_set_timeout(xenlog_ctx *ctx, unsigned timeout_ms);

/* The message of the last error logged on ctx ("" if none).  Valid until the
 * next call on ctx. */
const char *xenlog_last_error(const xenlog_ctx *ctx);

/*
 * The run and log dirs in use: the overrides, else what xenlogd advertises.
 * Returns XENLOG_E_NODAEMON if a dir has no override and is not advertised
 * (the advertised pid is not checked here).  The strings belong to ctx and
 * stay valid until the next call on ctx.
 */
int xenlog_get_dirs(xenlog_ctx *ctx, const char **run_dir_r,
                    const char **log_dir_r);

/* The domid of the domain called name (/local/domain/$DOMID/name).
 * XENLOG_E_NOTFOUND if there is none; if several, the largest domid. */
int xenlog_domid_by_name(xenlog_ctx *ctx, const char *name,
                         uint32_t *domid_r);

/* ---- streams ----------------------------------------------------------- */

typedef struct xenlog_stream xenlog_stream;

/*
 * Open a stream for domid (0 for host components that are not guests).
 *
 * name: either a plain name, which gives the file $LOG_DIR/name.log exactly
 *   as libxl_create_logfile() names it ("qemu-dm-guest1" ->
 *   /var/log/xen/qemu-dm-guest1.log); at most 195 bytes, no '/', no control
 *   characters, not "." or ".."; or an absolute path, used as it is (it must
 *   lie under xenlogd's log dir).
 * limit: bytes per file, XENLOG_MIN_LIMIT .. XENLOG_MAX_LIMIT; 0 means the
 *   host's default for the kind of log (xenlogd.conf(5): no limit node is
 *   written), or XENLOG_DEFAULT_LIMIT with a daemon that has no host policy
 *   (no /tool/xenlogd/policy).  The host's caps may lower it (clamped).
 * copies: old files kept, 0 .. XENLOG_MAX_COPIES; negative means the host's
 *   default, or XENLOG_DEFAULT_COPIES likewise.
 *
 * Before it starts, it unlinks stale FIFOs of domid (see xenlog_gc()).
 * On success *stream_r is a stream in state `ready` whose descriptor
 * (xenlog_stream_fd()) is open O_RDWR|O_CLOEXEC on the FIFO.
 * On error nothing it created remains (no FIFO, no xenstore node) and the
 * reason is logged; XENLOG_E_REFUSED carries xenlogd's reason, e.g.
 * "xenlogd refused stream 3/1: file: outside the log dir".
 */
int xenlog_stream_open(xenlog_ctx *ctx, uint32_t domid, const char *name,
                       uint64_t limit, int copies, xenlog_stream **stream_r);

/*
 * Open a console stream: a stream as above whose component also takes
 * input, for an interactive serial console that is logged at the same time
 * (`xenlog console`, docs/control.md).  It creates two FIFOs, 0600,
 * exclusively: $RUN_DIR/xenlog.$DOMID.$ID.out (the component's output; the
 * `pipe` node) and $RUN_DIR/xenlog.$DOMID.$ID.in (its input; the `input`
 * node, written in the same transaction as the others).
 *
 * Hand QEMU xenlog_stream_console_path(s), $RUN_DIR/xenlog.$DOMID.$ID: its
 * pipe chardev opens PATH.in and PATH.out itself, both O_RDWR:
 *     -serial pipe:PATH     or     -chardev pipe,id=ser0,path=PATH
 * The stream's own descriptor (xenlog_stream_fd) is the .out FIFO opened
 * O_RDWR|O_CLOEXEC, as for any stream; the caller may close it.
 * Closing the stream (xenlog_stream_close, xenlog_close_id, ...) unlinks
 * both FIFOs.  Arguments, errors and clean-up as xenlog_stream_open().
 */
int xenlog_console_open(xenlog_ctx *ctx, uint32_t domid, const char *name,
                        uint64_t limit, int copies, xenlog_stream **stream_r);
/* PATH for QEMU's pipe chardev; NULL for a stream without input. */
const char *xenlog_stream_console_path(const xenlog_stream *s);
/* The input FIFO ($RUN_DIR/xenlog.$DOMID.$ID.in); NULL without input. */
const char *xenlog_stream_input(const xenlog_stream *s);

uint32_t xenlog_stream_domid(const xenlog_stream *s);
uint32_t xenlog_stream_id(const xenlog_stream *s);
const char *xenlog_stream_pipe(const xenlog_stream *s);   /* FIFO path */
const char *xenlog_stream_file(const xenlog_stream *s);   /* log file path */

/* The write descriptor, still owned by the stream (-1 once taken). */
int xenlog_stream_fd(const xenlog_stream *s);
/* Take ownership of the write descriptor (O_RDWR|O_CLOEXEC); the caller
 * closes it.  Returns -1 if it was already taken. */
int xenlog_stream_take_fd(xenlog_stream *s);

/*
 * Finish the stream: remove /libxl/$DOMID/logging/$ID (xenlogd then drains
 * what is left in the FIFO into the file and closes it), unlink the FIFO,
 * close the descriptor if the stream still owns it, and free s.  Parent
 * nodes this stream created (/libxl/$DOMID/logging, /libxl/$DOMID, /libxl)
 * are removed too if they are then empty.  s is freed even on error.
 */
int xenlog_stream_close(xenlog_ctx *ctx, xenlog_stream *s);

/*
 * Forget s without finishing the stream: close the descriptor if still
 * owned and free the memory.  The stream lives on until its nodes are
 * removed (xenlog_close_id(), xenlog_domain_cleanup(), or libxl removing
 * /libxl/$DOMID when the domain is destroyed).  NULL is ok.
 */
void xenlog_stream_free(xenlog_stream *s);

/* Finish the stream domid/id (remove its nodes, unlink its FIFO).
 * XENLOG_E_NOTFOUND if it does not exist. */
int xenlog_close_id(xenlog_ctx *ctx, uint32_t domid, uint32_t id);

/* Finish every stream of domid: remove /libxl/$DOMID/logging and unlink
 * its FIFOs.  0 if there were none. */
int xenlog_domain_cleanup(xenlog_ctx *ctx, uint32_t domid);

/*
 * Unlink stale FIFOs: every $RUN_DIR/xenlog.$DOMID.$ID.fifo (and .in, .out
 * of console streams) whose stream /libxl/$DOMID/logging/$ID no longer
 * names it (as pipe or input), and which is older than
 * XENLOG_GC_MIN_AGE seconds (a younger one may belong to a stream being
 * opened right now).  Stock libxl removes /libxl/$DOMID when it destroys a
 * domain but knows nothing of FIFOs; this reclaims them.  domid < 0: all
 * domains.  If no run dir is known the configured default is used.
 * *removed_r (may be NULL) gets the number of FIFOs unlinked.
 */
#define XENLOG_GC_MIN_AGE 10
int xenlog_gc(xenlog_ctx *ctx, int64_t domid, unsigned *removed_r);

/* ---- listing ----------------------------------------------------------- */

typedef struct xenlog_stream_info {
    uint32_t domid;
    uint32_t id;
    char *state;       /* "ready", "error", or "" while being set up */
    char *pipe;        /* node contents, "" if absent */
    char *file;
    char *error;       /* xenlogd's reason, "" if none */
    uint64_t limit;    /* 0 if absent or malformed */
    int copies;        /* -1 if absent or malformed */
} xenlog_stream_info;

/* Every stream of domid (domid < 0: of all domains), sorted by domid, id.
 * Free with xenlog_list_free().  An empty list is *info_r NULL, *n_r 0. */
int xenlog_list(xenlog_ctx *ctx, int64_t domid, xenlog_stream_info **info_r,
                size_t *n_r);
void xenlog_list_free(xenlog_stream_info *info, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* XENLOG_H */
