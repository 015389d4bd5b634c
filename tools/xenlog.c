/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlog - open, list and close xenlogd streams from the command line.
 * The manual is docs/xenlog.1; the library behind it is libxl-glue/xenlog.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xenlog.h"
#include "exitcode.h"
#include "ctlclient.h"
#include "domain.h"
#include "opts.h"
#include "size.h"

static const char main_text[] =
"Manage xenlogd log streams (size-bounded, rotated logs of Xen components).\n"
"\n"
"Commands:\n"
"  run DOMAIN NAME [OPTIONS] [--] CMD [ARG...]\n"
"                   run CMD with stdout and stderr in a new stream\n"
"  serial DOMAIN NAME [OPTIONS]\n"
"                   open a console stream (output logged, input from\n"
"                   `xenlog console`); prints its id and the PATH for\n"
"                   QEMU's -serial pipe:PATH\n"
"  list [DOMAIN]    list streams: state, limit, copies, figures, file\n"
"  close DOMAIN ID  finish one stream (remove its nodes, unlink its FIFO)\n"
"  cleanup DOMAIN   finish every stream of a domain\n"
"  gc [DOMAIN]      unlink FIFOs of streams that no longer exist\n"
"  attach DOMAIN ID|NAME\n"
"                   print the end of a stream's log, then follow it live\n"
"  console DOMAIN ID|NAME\n"
"                   interactive console on a console stream (Ctrl-] leaves)\n"
"  stats [DOMAIN]   live figures of every stream and of xenlogd\n"
"  help [COMMAND]   this text, or the usage of one command\n"
"\n"
"DOMAIN is a domain id or a domain name, as with xl(1). Options may come\n"
"before or after the operands. See xenlog(1).\n";

static const struct cmd_spec spec_main = {
    NULL, "[OPTIONS] COMMAND [ARGS]", main_text, NULL, 0, 0, true,
};

/* The options of the commands that open a stream (run, serial). */
enum { O_LIMIT = 1, O_COPIES, O_TIMEOUT };
static const struct opt stream_opts[] = {
    { "limit", 0, "N", O_LIMIT, "bytes per file, 1024..1T, suffix K, M, G or T "
      "(default: the host's policy)" },
    { "copies", 0, "N", O_COPIES, "old files kept, 0..99 (default: the host's policy)" },
    { "timeout", 0, "MS", O_TIMEOUT, "wait at most MS milliseconds for xenlogd (default 5000)" },
    { 0 },
};

static const struct cmd_spec spec_run = {
    "run", "[OPTIONS] DOMAIN NAME [OPTIONS] [--] CMD [ARG...]",
    "Open a stream for DOMAIN (0 for a host component) writing to\n"
    "LOG_DIR/NAME.log (or to NAME if it is an absolute path), run CMD with its\n"
    "stdout and stderr in the stream, close the stream when CMD exits and exit\n"
    "with CMD's status (128+N if killed by signal N).  SIGHUP, SIGINT, SIGTERM,\n"
    "SIGUSR1 and SIGUSR2 are passed on to CMD.  CMD starts after \"--\", or at\n"
    "the first word after NAME that is not an option of xenlog.\n"
    "\n"
    "Exits 125 if the stream cannot be opened, 126 if CMD cannot be run,\n"
    "127 if CMD is not found.\n",
    stream_opts, 2, 2, true,
};

static const struct cmd_spec spec_serial = {
    "serial", "[OPTIONS] DOMAIN NAME",
    "Open a console stream for DOMAIN writing to LOG_DIR/NAME.log (or to NAME if\n"
    "it is an absolute path): two FIFOs, RUN_DIR/xenlog.DOMID.ID.out (what the\n"
    "component writes; logged) and RUN_DIR/xenlog.DOMID.ID.in (what it reads;\n"
    "fed by `xenlog console`).  Prints one line, \"ID PATH\", and exits; the\n"
    "stream lives on.  Give QEMU `-serial pipe:PATH` (or `-chardev\n"
    "pipe,id=ID,path=PATH`): it opens PATH.in and PATH.out itself.  Finish the\n"
    "stream with `xenlog close DOMAIN ID` (that unlinks both FIFOs).\n",
    stream_opts, 2, 2, false,
};

enum { O_BYTES = 1 };
static const struct opt list_opts[] = {
    { "bytes", 0, NULL, O_BYTES, "sizes in bytes, not KiB/MiB/GiB" },
    { 0 },
};

static const struct cmd_spec spec_list = {
    "list", "[OPTIONS] [DOMAIN]",
    "List the streams of DOMAIN, or of every domain: domain id, stream id,\n"
    "state (ready, error, or - while being set up), limit, copies, the live\n"
    "figures from xenlogd (bytes written, rotations, bytes dropped, readers;\n"
    "- if xenlogd cannot be asked) and file; for a stream in error, xenlogd's\n"
    "reason. Sizes are in KiB, MiB, GiB unless --bytes is given.\n",
    list_opts, 0, 1, false,
};

static const struct cmd_spec spec_close = {
    "close", "[OPTIONS] DOMAIN ID",
    "Finish stream ID of DOMAIN: remove /libxl/DOMID/logging/ID (xenlogd drains\n"
    "the FIFO into the file and closes it) and unlink the FIFO (both FIFOs of a\n"
    "console stream).\n",
    NULL, 2, 2, false,
};

static const struct cmd_spec spec_cleanup = {
    "cleanup", "[OPTIONS] DOMAIN",
    "Finish every stream of DOMAIN (remove /libxl/DOMID/logging, unlink the\n"
    "FIFOs).  Use it after destroying a domain with a toolstack that does not\n"
    "remove /libxl/DOMID.\n",
    NULL, 1, 1, false,
};

static const struct cmd_spec spec_gc = {
    "gc", "[OPTIONS] [DOMAIN]",
    "Unlink the FIFOs in the run dir whose streams no longer exist (stock libxl\n"
    "removes /libxl/DOMID when it destroys a domain, but not the FIFOs).  FIFOs\n"
    "younger than 10 seconds are left alone.  Prints how many were removed.\n",
    NULL, 0, 1, false,
};

static const struct cmd_spec spec_help = {
    "help", "[COMMAND]", "Print the usage of xenlog, or of one command.\n", NULL, 0, 1, false,
};

static const struct command {
    int (*fn)(int argc, char **argv);
    const struct cmd_spec *spec;
} *find_command(const char *name);

static const char *progname = "xenlog";
static xentoollog_logger_stdiostream *logger;

/* ---- common parts ------------------------------------------------------- */

static const char *no_option(int key, const char *arg, void *data)
{
    (void)key, (void)arg, (void)data;
    return "not an option of this command";
}

static xenlog_ctx *open_ctx(void)
{
    xenlog_ctx *ctx;

    logger = xtl_createlogger_stdiostream(stderr,
                                          common.verbose ? XTL_DEBUG : XTL_ERROR,
                                          XTL_STDIOSTREAM_HIDE_PROGRESS);
    if (xenlog_ctx_alloc(&ctx, (xentoollog_logger *)logger, 0))
        return NULL;            /* the library said why */
    if (xenlog_ctx_set_dirs(ctx, common.run_dir, common.log_dir)) {
        xenlog_ctx_free(ctx);
        return NULL;
    }
    return ctx;
}

static void close_ctx(xenlog_ctx *ctx)
{
    xenlog_ctx_free(ctx);
    xtl_logger_destroy((xentoollog_logger *)logger);
    logger = NULL;
}

/* ---- run, serial --------------------------------------------------------- */

struct stream_args {
    uint64_t limit, timeout;    /* 0: the library's default */
    int copies;                 /* -1: the library's default */
};

static const char *stream_option(int key, const char *arg, void *data)
{
    struct stream_args *a = data;
    uint64_t v;

    switch (key) {
    case O_LIMIT:
        if (!parse_size(arg, &a->limit) || a->limit < XENLOG_MIN_LIMIT ||
            a->limit > XENLOG_MAX_LIMIT)
            return "1024..1T, suffix K, M, G or T";
        return NULL;
    case O_COPIES:
        if (!parse_u64(arg, XENLOG_MAX_COPIES, &v))
            return "0..99";
        a->copies = (int)v;
        return NULL;
    default:
        if (!parse_u64(arg, 86400000, &a->timeout) || !a->timeout)
            return "1..86400000 milliseconds";
        return NULL;
    }
}

/* A context and DOMAIN for a command: NULL (with a message) on failure. */
static xenlog_ctx *ctx_for(const char *dom, uint32_t *domid)
{
    xenlog_ctx *ctx;

    if (dom && domain_resolve(dom, domid) < 0)
        return NULL;
    ctx = open_ctx();
    return ctx;
}

static volatile sig_atomic_t child_pid;

static void forward_signal(int sig)
{
    if (child_pid > 0)
        kill((pid_t)child_pid, sig);
}

static const int forwarded[] = { SIGHUP, SIGINT, SIGTERM, SIGUSR1, SIGUSR2 };
#define NFORWARDED (sizeof(forwarded) / sizeof(forwarded[0]))

/* In the child: the stream as stdout and stderr, then CMD. A failed exec
 * is reported through errfd (close-on-exec). */
static _Noreturn void exec_child(int fd, int errfd, const sigset_t *mask, char **cmd)
{
    int e;

    sigprocmask(SIG_SETMASK, mask, NULL);
    if (dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0) {
        e = errno;
        (void)!write(errfd, &e, sizeof(e));
        _exit(XL_EXIT_RUNFAIL);
    }
    execvp(cmd[0], cmd);
    e = errno;
    (void)!write(errfd, &e, sizeof(e));
    _exit(e == ENOENT ? XL_EXIT_NOTFOUND : XL_EXIT_NOEXEC);
}

/* In the parent: the child's exit status as run's (128+N for signal N). */
static int wait_child(pid_t pid, int errfd, const char *cmd)
{
    int exec_errno = 0, status;
    ssize_t n;

    while ((n = read(errfd, &exec_errno, sizeof(exec_errno))) < 0 && errno == EINTR)
        ;
    close(errfd);
    if (n == (ssize_t)sizeof(exec_errno))
        fprintf(stderr, "%s: cannot run %s: %s\n", progname, cmd, strerror(exec_errno));
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "%s: waitpid: %s\n", progname, strerror(errno));
            return XL_EXIT_RUNFAIL;
        }
    }
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : XL_EXIT_RUNFAIL;
}

/* Runs cmd with its output in s; its exit status. */
static int run_in(xenlog_stream *s, char **cmd)
{
    struct sigaction sa = { .sa_handler = forward_signal };
    sigset_t block, old;
    int errpipe[2], rc;
    pid_t pid;

    if (pipe2(errpipe, O_CLOEXEC)) {
        fprintf(stderr, "%s: pipe: %s\n", progname, strerror(errno));
        return XL_EXIT_RUNFAIL;
    }
    sigemptyset(&block);
    for (size_t i = 0; i < NFORWARDED; i++)
        sigaddset(&block, forwarded[i]);
    sigprocmask(SIG_BLOCK, &block, &old);
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        close(errpipe[0]);
        exec_child(xenlog_stream_fd(s), errpipe[1], &old, cmd);
    }
    close(errpipe[1]);
    if (pid < 0) {
        fprintf(stderr, "%s: fork: %s\n", progname, strerror(errno));
        sigprocmask(SIG_SETMASK, &old, NULL);
        close(errpipe[0]);
        return XL_EXIT_RUNFAIL;
    }
    child_pid = pid;
    close(xenlog_stream_take_fd(s));        /* only the child writes into the stream */
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < NFORWARDED; i++)
        sigaction(forwarded[i], &sa, NULL);
    sigprocmask(SIG_SETMASK, &old, NULL);
    rc = wait_child(pid, errpipe[0], cmd[0]);
    child_pid = 0;
    return rc;
}

static int cmd_run(int argc, char **argv)
{
    struct stream_args a = { 0, 0, -1 };
    const char *ops[2];
    int rest, rc;
    uint32_t domid;
    xenlog_stream *s;

    /* Options before or after DOMAIN and NAME; CMD after "--" or at the
     * first word that is not an option once both are given. */
    opts_parse(argc, argv, &spec_run, stream_option, &a, ops, &rest);
    if (rest >= argc)
        opts_usage_error(&spec_run, "no command to run");
    xenlog_ctx *ctx = ctx_for(ops[0], &domid);
    if (!ctx)
        return XL_EXIT_RUNFAIL;
    xenlog_ctx_set_timeout(ctx, (unsigned)a.timeout);
    if (xenlog_stream_open(ctx, domid, ops[1], a.limit, a.copies, &s)) {
        close_ctx(ctx);
        return XL_EXIT_RUNFAIL;
    }
    rc = run_in(s, argv + rest);
    if (xenlog_stream_close(ctx, s) && rc == 0)
        rc = XL_EXIT_RUNFAIL;
    close_ctx(ctx);
    return rc;
}

static int cmd_serial(int argc, char **argv)
{
    struct stream_args a = { 0, 0, -1 };
    const char *ops[2];
    uint32_t domid;
    xenlog_stream *s;

    opts_parse(argc, argv, &spec_serial, stream_option, &a, ops, NULL);
    xenlog_ctx *ctx = ctx_for(ops[0], &domid);
    if (!ctx)
        return XL_EXIT_FAILURE;
    xenlog_ctx_set_timeout(ctx, (unsigned)a.timeout);
    if (xenlog_console_open(ctx, domid, ops[1], a.limit, a.copies, &s)) {
        close_ctx(ctx);
        return XL_EXIT_FAILURE;
    }
    printf("%u %s\n", (unsigned)xenlog_stream_id(s), xenlog_stream_console_path(s));
    int rc = fflush(stdout) ? XL_EXIT_FAILURE : XL_EXIT_OK;
    if (rc)
        xenlog_stream_close(ctx, s);    /* nobody learnt of it */
    else
        xenlog_stream_free(s);          /* the stream lives on */
    close_ctx(ctx);
    return rc;
}

/* ---- list, close, cleanup, gc ------------------------------------------- */

struct figures {
    struct xlc_stream_info *v;
    size_t n, cap;
};

static void add_figures(const struct xlc_stream_info *in, const char *file, void *arg)
{
    struct figures *f = arg;

    (void)file;
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 64;
        struct xlc_stream_info *v = realloc(f->v, cap * sizeof(*v));

        if (!v)
            return;
        f->v = v;
        f->cap = cap;
    }
    f->v[f->n++] = *in;
}

static const struct xlc_stream_info *find_figures(const struct figures *f, uint32_t domid,
                                                  uint32_t id)
{
    for (size_t k = 0; k < f->n; k++)
        if (f->v[k].domid == domid && f->v[k].id == id)
            return &f->v[k];
    return NULL;
}

/* The live figures, only from a daemon that is there; quietly none otherwise. */
static void live_figures(int64_t domid, struct figures *figs)
{
    struct ctl_list_cb cb = { add_figures, figs };
    int err = dup(2), null = open("/dev/null", O_WRONLY | O_CLOEXEC);

    if (null >= 0)
        dup2(null, 2);
    ctl_list(common.run_dir, domid < 0 ? XLC_ALL : (uint32_t)domid, &cb);
    if (err >= 0) {
        dup2(err, 2);
        close(err);
    }
    if (null >= 0)
        close(null);
}

static void list_line(const xenlog_stream_info *e, const struct xlc_stream_info *f, bool raw)
{
    char copies[16] = "-", lim[SIZE_BUF] = "-", w[SIZE_BUF] = "-", r[24] = "-",
         dr[SIZE_BUF] = "-", rd[16] = "-";
    uint64_t limit = e->limit;
    int ncopies = e->copies;

    if (f && f->state == XLC_READY) {
        limit = f->limit;       /* in force: the host's policy may set or cap them */
        ncopies = (int)f->copies;
    }
    if (limit)
        size_str(limit, raw, lim);
    if (ncopies >= 0)
        snprintf(copies, sizeof(copies), "%d", ncopies);
    if (f && f->state == XLC_READY) {
        size_str(f->bytes_written, raw, w);
        snprintf(r, sizeof(r), "%" PRIu64, f->rotations);
        size_str(f->dropped, raw, dr);
        snprintf(rd, sizeof(rd), "%u", f->readers);
    }
    printf("%-6u %4u %-6s %10s %6s %10s %9s %10s %7s  %s", (unsigned)e->domid,
           (unsigned)e->id, *e->state ? e->state : "-", lim, copies, w, r, dr, rd,
           *e->file ? e->file : "-");
    if (f && (f->console & XLC_HAS_INPUT))
        printf("  [console%s]", f->console & XLC_CONSOLE_ON ? ", attached" : "");
    if (*e->error)
        printf("  (%s)", e->error);
    putchar('\n');
}

static const char *list_option(int key, const char *arg, void *data)
{
    (void)key, (void)arg;
    *(bool *)data = true;
    return NULL;
}

static int cmd_list(int argc, char **argv)
{
    struct figures figs = { 0 };
    const char *ops[1];
    bool raw = false;
    int64_t domid = -1;
    uint32_t d;
    xenlog_stream_info *info;
    size_t n;

    int nops = opts_parse(argc, argv, &spec_list, list_option, &raw, ops, NULL);
    xenlog_ctx *ctx = ctx_for(nops ? ops[0] : NULL, &d);
    if (!ctx)
        return XL_EXIT_FAILURE;
    if (nops)
        domid = d;
    if (xenlog_list(ctx, domid, &info, &n)) {
        close_ctx(ctx);
        return XL_EXIT_FAILURE;
    }
    if (n)
        live_figures(domid, &figs);
    printf("%-6s %4s %-6s %10s %6s %10s %9s %10s %7s  %s\n", "Domain", "Id", "State",
           "Limit", "Copies", "Written", "Rotations", "Dropped", "Readers", "File");
    for (size_t k = 0; k < n; k++)
        list_line(&info[k], find_figures(&figs, info[k].domid, info[k].id), raw);
    xenlog_list_free(info, n);
    free(figs.v);
    close_ctx(ctx);
    return fflush(stdout) ? XL_EXIT_FAILURE : XL_EXIT_OK;
}

static int cmd_close(int argc, char **argv)
{
    const char *ops[2];
    uint64_t id;
    uint32_t domid;

    opts_parse(argc, argv, &spec_close, no_option, NULL, ops, NULL);
    if (!parse_u64(ops[1], XENLOG_MAX_ID, &id))
        opts_usage_error(&spec_close, "bad stream id '%s'", ops[1]);
    xenlog_ctx *ctx = ctx_for(ops[0], &domid);
    if (!ctx)
        return XL_EXIT_FAILURE;
    int rc = xenlog_close_id(ctx, domid, (uint32_t)id);
    close_ctx(ctx);
    return rc ? XL_EXIT_FAILURE : XL_EXIT_OK;
}

static int cmd_cleanup(int argc, char **argv)
{
    const char *ops[1];
    uint32_t domid;

    opts_parse(argc, argv, &spec_cleanup, no_option, NULL, ops, NULL);
    xenlog_ctx *ctx = ctx_for(ops[0], &domid);
    if (!ctx)
        return XL_EXIT_FAILURE;
    int rc = xenlog_domain_cleanup(ctx, domid);
    close_ctx(ctx);
    return rc ? XL_EXIT_FAILURE : XL_EXIT_OK;
}

static int cmd_gc(int argc, char **argv)
{
    const char *ops[1];
    uint32_t d;
    unsigned removed = 0;

    int nops = opts_parse(argc, argv, &spec_gc, no_option, NULL, ops, NULL);
    xenlog_ctx *ctx = ctx_for(nops ? ops[0] : NULL, &d);
    if (!ctx)
        return XL_EXIT_FAILURE;
    int rc = xenlog_gc(ctx, nops ? (int64_t)d : -1, &removed);
    close_ctx(ctx);
    if (rc)
        return XL_EXIT_FAILURE;
    printf("%u stale FIFO%s removed\n", removed, removed == 1 ? "" : "s");
    return fflush(stdout) ? XL_EXIT_FAILURE : XL_EXIT_OK;
}

static int cmd_help(int argc, char **argv)
{
    const char *ops[1];

    if (opts_parse(argc, argv, &spec_help, no_option, NULL, ops, NULL) == 1) {
        const struct command *c = find_command(ops[0]);
        if (!c)
            opts_usage_error(&spec_help, "unknown command '%s'", ops[0]);
        opts_usage(stdout, c->spec);
    } else {
        opts_usage(stdout, &spec_main);
    }
    return fflush(stdout) ? XL_EXIT_FAILURE : XL_EXIT_OK;
}

static const struct command commands[] = {
    { cmd_run, &spec_run },
    { cmd_serial, &spec_serial },
    { cmd_list, &spec_list },
    { cmd_close, &spec_close },
    { cmd_cleanup, &spec_cleanup },
    { cmd_gc, &spec_gc },
    { cmd_attach, &spec_attach },
    { cmd_console, &spec_console },
    { cmd_stats, &spec_stats },
    { cmd_help, &spec_help },
};

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (!strcmp(commands[i].spec->name, name))
            return &commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    int cmd_at;

    argv[0] = (char *)progname;
    /* Options before the command; it and what follows are the command's. */
    opts_parse(argc, argv, &spec_main, no_option, NULL, NULL, &cmd_at);
    if (cmd_at >= argc)
        opts_usage_error(&spec_main, "no command given");
    const struct command *cmd = find_command(argv[cmd_at]);
    if (!cmd)
        opts_usage_error(&spec_main, "unknown command '%s'", argv[cmd_at]);
    return cmd->fn(argc - cmd_at, argv + cmd_at);
}
