/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlog - open, list and close xenlogd streams from the command line.
 * The manual is docs/xenlog.1; the library behind it is libxl-glue/xenlog.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xenlog.h"
#include "ctlclient.h"

/* Exit codes (docs/xenlog.1). */
#define EXIT_USAGE    2
#define EXIT_RUNFAIL  125   /* `run`: xenlog itself failed */
#define EXIT_NOEXEC   126   /* `run`: COMMAND found but not executable */
#define EXIT_NOTFOUND 127   /* `run`: COMMAND not found */

static const char usage_main[] =
"Usage: xenlog [OPTIONS] COMMAND [ARGS]\n"
"\n"
"Manage xenlogd log streams (size-bounded, rotated logs of Xen components).\n"
"\n"
"Commands:\n"
"  run DOMAIN NAME [--limit N] [--copies N] [--timeout MS] -- CMD [ARG...]\n"
"                   run CMD with stdout and stderr in a new stream\n"
"  serial DOMAIN NAME [--limit N] [--copies N] [--timeout MS]\n"
"                   open a console stream (output logged, input from\n"
"                   `xenlog console`); prints its id and the PATH for\n"
"                   QEMU's -serial pipe:PATH\n"
"  list [DOMAIN]    list streams: state, limit, copies, file\n"
"  close DOMAIN ID  finish one stream (remove its nodes, unlink its FIFO)\n"
"  cleanup DOMAIN   finish every stream of a domain\n"
"  gc [DOMAIN]      unlink FIFOs of streams that no longer exist\n"
"  attach DOMID ID|NAME [--lines N|--bytes N] [--no-follow]\n"
"                   print the end of a stream's log, then follow it live\n"
"  console DOMID ID|NAME [--lines N|--bytes N] [--idle MS]\n"
"                   interactive console on a console stream (Ctrl-] leaves)\n"
"  stats [--json|--prometheus] [DOMID]\n"
"                   live figures of every stream, from xenlogd\n"
"  help [COMMAND]   this text, or the help of one command\n"
"\n"
"Options (also accepted after the command):\n"
"  --run-dir DIR    FIFO directory (default: what xenlogd advertises)\n"
"  --log-dir DIR    log directory (default: what xenlogd advertises)\n"
"  -v, --verbose    log what the library does\n"
"  -V, --version    print the version\n"
"\n"
"DOMAIN is a domain id or a domain name. See xenlog(1).\n";

static const char usage_run[] =
"Usage: xenlog run DOMAIN NAME [--limit N] [--copies N] [--timeout MS]\n"
"                  -- CMD [ARG...]\n"
"\n"
"Open a stream for DOMAIN (0 for a host component) writing to\n"
"LOG_DIR/NAME.log (or to NAME if it is an absolute path), run CMD with its\n"
"stdout and stderr in the stream, close the stream when CMD exits and exit\n"
"with CMD's status (128+N if killed by signal N).  SIGHUP, SIGINT, SIGTERM,\n"
"SIGUSR1 and SIGUSR2 are passed on to CMD.\n"
"\n"
"  --limit N     bytes per file, 1024..1T, suffix K, M, G or T\n"
"                (default 2M)\n"
"  --copies N    old files kept, 0..99 (default 4)\n"
"  --timeout MS  wait at most MS milliseconds for xenlogd (default 5000)\n"
"\n"
"Exits 125 if the stream cannot be opened, 126 if CMD cannot be run,\n"
"127 if CMD is not found.\n";

static const char usage_serial[] =
"Usage: xenlog serial DOMAIN NAME [--limit N] [--copies N] [--timeout MS]\n"
"\n"
"Open a console stream for DOMAIN writing to LOG_DIR/NAME.log (or to NAME if\n"
"it is an absolute path): two FIFOs, RUN_DIR/xenlog.DOMID.ID.out (what the\n"
"component writes; logged) and RUN_DIR/xenlog.DOMID.ID.in (what it reads;\n"
"fed by `xenlog console`).  Prints one line, \"ID PATH\", and exits; the\n"
"stream lives on.  Give QEMU `-serial pipe:PATH` (or `-chardev\n"
"pipe,id=ID,path=PATH`): it opens PATH.in and PATH.out itself.  Finish the\n"
"stream with `xenlog close DOMAIN ID` (that unlinks both FIFOs).\n"
"\n"
"  --limit N     bytes per file, 1024..1T, suffix K, M, G or T\n"
"                (default 2M)\n"
"  --copies N    old files kept, 0..99 (default 4)\n"
"  --timeout MS  wait at most MS milliseconds for xenlogd (default 5000)\n";

static const char usage_list[] =
"Usage: xenlog list [DOMAIN]\n"
"\n"
"List the streams of DOMAIN, or of every domain: domain id, stream id,\n"
"state (ready, error, or - while being set up), limit, copies, the live\n"
"figures from xenlogd (bytes written, rotations, bytes dropped, readers;\n"
"- if xenlogd cannot be asked) and file; for a stream in error, xenlogd's\n"
"reason.\n";

static const char usage_close[] =
"Usage: xenlog close DOMAIN ID\n"
"\n"
"Finish stream ID of DOMAIN: remove /libxl/DOMID/logging/ID (xenlogd drains\n"
"the FIFO into the file and closes it) and unlink the FIFO (both FIFOs of a\n"
"console stream).\n";

static const char usage_cleanup[] =
"Usage: xenlog cleanup DOMAIN\n"
"\n"
"Finish every stream of DOMAIN (remove /libxl/DOMID/logging, unlink the\n"
"FIFOs).  Use it after destroying a domain with a toolstack that does not\n"
"remove /libxl/DOMID.\n";

static const char usage_gc[] =
"Usage: xenlog gc [DOMAIN]\n"
"\n"
"Unlink the FIFOs in the run dir whose streams no longer exist (stock libxl\n"
"removes /libxl/DOMID when it destroys a domain, but not the FIFOs).  FIFOs\n"
"younger than 10 seconds are left alone.  Prints how many were removed.\n";

static const struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *usage;
} *find_command(const char *name);

static const char *progname = "xenlog";
static const char *opt_run_dir, *opt_log_dir;
static int opt_verbose;
static xentoollog_logger_stdiostream *logger;

static void usage_error(const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void usage_error(const char *usage, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", progname);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n\n%s", usage);
    exit(EXIT_USAGE);
}

/* ---- common parts ------------------------------------------------------- */

/* Options every command takes. */
static const struct option common_opts[] = {
    { "run-dir", required_argument, NULL, 'r' },
    { "log-dir", required_argument, NULL, 'l' },
    { "verbose", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

static void common_option(int c, const char *usage)
{
    switch (c) {
    case 'r': opt_run_dir = optarg; break;
    case 'l': opt_log_dir = optarg; break;
    case 'v': opt_verbose++; break;
    case 'h': fputs(usage, stdout); exit(EXIT_SUCCESS);
    default: usage_error(usage, "bad option");
    }
}

static xenlog_ctx *open_ctx(void)
{
    xenlog_ctx *ctx;

    logger = xtl_createlogger_stdiostream(stderr,
                                          opt_verbose ? XTL_DEBUG : XTL_ERROR,
                                          XTL_STDIOSTREAM_HIDE_PROGRESS);
    if (xenlog_ctx_alloc(&ctx, (xentoollog_logger *)logger, 0))
        return NULL;            /* the library said why */
    if (xenlog_ctx_set_dirs(ctx, opt_run_dir, opt_log_dir)) {
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

static bool parse_u64(const char *s, uint64_t max, uint64_t *v)
{
    char *end;
    if (!s || *s < '0' || *s > '9')
        return false;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (errno || *end || x > max)
        return false;
    *v = x;
    return true;
}

/* A size with an optional binary suffix: 1024, 64K, 2M, 1G, 1T. */
static bool parse_size(const char *s, uint64_t *v)
{
    char *end;
    uint64_t mul = 1;
    if (!s || *s < '0' || *s > '9')
        return false;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (errno)
        return false;
    switch (*end) {
    case 0: break;
    case 'k': case 'K': mul = 1ull << 10; break;
    case 'm': case 'M': mul = 1ull << 20; break;
    case 'g': case 'G': mul = 1ull << 30; break;
    case 't': case 'T': mul = 1ull << 40; break;
    default: return false;
    }
    if (*end && end[1] && strcmp(end + 1, "iB") && strcmp(end + 1, "B"))
        return false;
    if (x > UINT64_MAX / mul)
        return false;
    *v = x * mul;
    return true;
}

/* DOMAIN: a domid, or a name looked up in /local/domain/N/name. */
static int resolve_domain(xenlog_ctx *ctx, const char *s, uint32_t *domid)
{
    uint64_t v;
    if (parse_u64(s, XENLOG_MAX_ID, &v)) {
        *domid = (uint32_t)v;
        return 0;
    }
    return xenlog_domid_by_name(ctx, s, domid) ? -1 : 0;
}

/* ---- run ---------------------------------------------------------------- */

static volatile sig_atomic_t child_pid;

static void forward_signal(int sig)
{
    if (child_pid > 0)
        kill((pid_t)child_pid, sig);
}

/* The options of the commands that open a stream (run, serial). */
enum { O_LIMIT = 256, O_COPIES, O_TIMEOUT };
static const struct option stream_opts[] = {
    { "run-dir", required_argument, NULL, 'r' },
    { "log-dir", required_argument, NULL, 'l' },
    { "verbose", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { "limit", required_argument, NULL, O_LIMIT },
    { "copies", required_argument, NULL, O_COPIES },
    { "timeout", required_argument, NULL, O_TIMEOUT },
    { NULL, 0, NULL, 0 },
};

struct stream_args {
    uint64_t limit, timeout;    /* 0: the library's default */
    int copies;                 /* -1: the library's default */
};

/* One option C of stream_opts (exits on a bad one). */
static void stream_option(int c, const char *usage, struct stream_args *a)
{
    uint64_t v;

    switch (c) {
    case O_LIMIT:
        if (!parse_size(optarg, &a->limit) || a->limit < XENLOG_MIN_LIMIT ||
            a->limit > XENLOG_MAX_LIMIT)
            usage_error(usage, "bad --limit '%s' (1024..1T)", optarg);
        break;
    case O_COPIES:
        if (!parse_u64(optarg, XENLOG_MAX_COPIES, &v))
            usage_error(usage, "bad --copies '%s' (0..99)", optarg);
        a->copies = (int)v;
        break;
    case O_TIMEOUT:
        if (!parse_u64(optarg, 86400000, &a->timeout) || !a->timeout)
            usage_error(usage, "bad --timeout '%s'", optarg);
        break;
    default:
        common_option(c, usage);
    }
}

static const int forwarded[] = { SIGHUP, SIGINT, SIGTERM, SIGUSR1, SIGUSR2 };

static int cmd_run(int argc, char **argv)
{
    struct stream_args a = { 0, 0, -1 };
    int nops = 0;
    const char *ops[2] = { NULL, NULL };

    /* xenlog run DOMAIN NAME [options] [--] CMD...: options may come before
     * or after the two operands; '+' stops at each operand, which is taken
     * here, and at CMD, whose options are its own. */
    optind = 0;
    for (;;) {
        int c = getopt_long(argc, argv, "+vh", stream_opts, NULL);
        if (c == -1) {
            if (optind > 1 && !strcmp(argv[optind - 1], "--"))
                break;                      /* "--": CMD follows */
            if (nops < 2 && optind < argc) {
                ops[nops++] = argv[optind++];
                continue;
            }
            break;
        }
        stream_option(c, usage_run, &a);
    }
    if (nops < 2)
        usage_error(usage_run, "run needs DOMAIN, NAME and a command");
    if (optind >= argc)
        usage_error(usage_run, "run needs a command");
    const char *dom = ops[0], *name = ops[1];
    char **cmd = argv + optind;

    xenlog_ctx *ctx = open_ctx();
    if (!ctx)
        return EXIT_RUNFAIL;
    uint32_t domid;
    xenlog_stream *s;
    if (resolve_domain(ctx, dom, &domid)) {
        close_ctx(ctx);
        return EXIT_RUNFAIL;
    }
    xenlog_ctx_set_timeout(ctx, (unsigned)a.timeout);
    if (xenlog_stream_open(ctx, domid, name, a.limit, a.copies, &s)) {
        close_ctx(ctx);
        return EXIT_RUNFAIL;
    }

    /* The child reports a failed exec through a close-on-exec pipe. */
    int errpipe[2];
    if (pipe2(errpipe, O_CLOEXEC)) {
        fprintf(stderr, "%s: pipe: %s\n", progname, strerror(errno));
        xenlog_stream_close(ctx, s);
        close_ctx(ctx);
        return EXIT_RUNFAIL;
    }
    sigset_t block, old;
    sigemptyset(&block);
    for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
        sigaddset(&block, forwarded[i]);
    sigprocmask(SIG_BLOCK, &block, &old);

    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "%s: fork: %s\n", progname, strerror(errno));
        sigprocmask(SIG_SETMASK, &old, NULL);
        xenlog_stream_close(ctx, s);
        close_ctx(ctx);
        return EXIT_RUNFAIL;
    }
    if (pid == 0) {
        int fd = xenlog_stream_fd(s);
        close(errpipe[0]);
        sigprocmask(SIG_SETMASK, &old, NULL);
        if (dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0) {
            int e = errno;
            (void)!write(errpipe[1], &e, sizeof(e));
            _exit(EXIT_RUNFAIL);
        }
        execvp(cmd[0], cmd);
        int e = errno;
        (void)!write(errpipe[1], &e, sizeof(e));
        _exit(e == ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC);
    }
    child_pid = pid;
    close(errpipe[1]);
    /* Only the child writes into the stream. */
    close(xenlog_stream_take_fd(s));

    struct sigaction sa = { .sa_handler = forward_signal };
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
        sigaction(forwarded[i], &sa, NULL);
    sigprocmask(SIG_SETMASK, &old, NULL);

    int exec_errno = 0;
    ssize_t n;
    while ((n = read(errpipe[0], &exec_errno, sizeof(exec_errno))) < 0 &&
           errno == EINTR)
        ;
    close(errpipe[0]);
    if (n == (ssize_t)sizeof(exec_errno))
        fprintf(stderr, "%s: cannot run %s: %s\n", progname, cmd[0],
                strerror(exec_errno));

    int status, rc;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "%s: waitpid: %s\n", progname, strerror(errno));
            status = EXIT_RUNFAIL << 8;
            break;
        }
    }
    child_pid = 0;
    if (WIFEXITED(status))
        rc = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        rc = 128 + WTERMSIG(status);
    else
        rc = EXIT_RUNFAIL;
    if (xenlog_stream_close(ctx, s) && rc == 0)
        rc = EXIT_RUNFAIL;
    close_ctx(ctx);
    return rc;
}

/* ---- serial ------------------------------------------------------------- */

static int cmd_serial(int argc, char **argv)
{
    struct stream_args a = { 0, 0, -1 };
    int c;

    optind = 0;
    while ((c = getopt_long(argc, argv, "vh", stream_opts, NULL)) != -1)
        stream_option(c, usage_serial, &a);
    if (argc - optind != 2)
        usage_error(usage_serial, "serial needs DOMAIN and NAME");

    xenlog_ctx *ctx = open_ctx();
    if (!ctx)
        return EXIT_FAILURE;
    uint32_t domid;
    xenlog_stream *s;
    if (resolve_domain(ctx, argv[optind], &domid)) {
        close_ctx(ctx);
        return EXIT_FAILURE;
    }
    xenlog_ctx_set_timeout(ctx, (unsigned)a.timeout);
    if (xenlog_console_open(ctx, domid, argv[optind + 1], a.limit, a.copies, &s)) {
        close_ctx(ctx);
        return EXIT_FAILURE;
    }
    printf("%u %s\n", (unsigned)xenlog_stream_id(s), xenlog_stream_console_path(s));
    int rc = fflush(stdout) ? EXIT_FAILURE : EXIT_SUCCESS;
    if (rc)
        xenlog_stream_close(ctx, s);    /* nobody learnt of it */
    else
        xenlog_stream_free(s);          /* the stream lives on */
    close_ctx(ctx);
    return rc;
}

/* ---- list, close, cleanup, gc ------------------------------------------- */

static int operands(int argc, char **argv, const char *usage, int min,
                    int max)
{
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "vh", common_opts, NULL)) != -1)
        common_option(c, usage);
    int n = argc - optind;
    if (n < min || n > max)
        usage_error(usage, "wrong number of arguments");
    return optind;
}

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

static int cmd_list(int argc, char **argv)
{
    struct figures figs = { 0 };
    int i = operands(argc, argv, usage_list, 0, 1);
    int64_t domid = -1;
    xenlog_stream_info *info;
    size_t n;

    xenlog_ctx *ctx = open_ctx();
    if (!ctx)
        return EXIT_FAILURE;
    if (i < argc) {
        uint32_t d;
        if (resolve_domain(ctx, argv[i], &d)) {
            close_ctx(ctx);
            return EXIT_FAILURE;
        }
        domid = d;
    }
    if (xenlog_list(ctx, domid, &info, &n)) {
        close_ctx(ctx);
        return EXIT_FAILURE;
    }
    /* Figures only from a daemon that is there; quietly none otherwise. */
    if (n) {
        int err = dup(2), null = open("/dev/null", O_WRONLY | O_CLOEXEC);

        if (null >= 0)
            dup2(null, 2);
        ctl_list(ctl_default_run_dir(opt_run_dir), domid < 0 ? XLC_ALL : (uint32_t)domid,
                 add_figures, &figs);
        if (err >= 0) {
            dup2(err, 2);
            close(err);
        }
        if (null >= 0)
            close(null);
    }
    printf("%-6s %4s %-6s %13s %6s %14s %9s %10s %7s  %s\n", "Domain", "Id", "State",
           "Limit", "Copies", "Written", "Rotations", "Dropped", "Readers", "File");
    for (size_t k = 0; k < n; k++) {
        const xenlog_stream_info *e = &info[k];
        const struct xlc_stream_info *f = find_figures(&figs, e->domid, e->id);
        char copies[16], w[24] = "-", r[24] = "-", dr[24] = "-", rd[16] = "-";
        uint64_t limit = e->limit;
        int ncopies = e->copies;
        if (f && f->state == XLC_READY) {
            /* What the stream got: the host's default or cap may differ
             * from the nodes (xenlogd.conf(5)). */
            limit = f->limit;
            ncopies = (int)f->copies;
        }
        snprintf(copies, sizeof(copies), "%d", ncopies);
        if (f && f->state == XLC_READY) {
            snprintf(w, sizeof(w), "%" PRIu64, f->bytes_written);
            snprintf(r, sizeof(r), "%" PRIu64, f->rotations);
            snprintf(dr, sizeof(dr), "%" PRIu64, f->dropped);
            snprintf(rd, sizeof(rd), "%u", f->readers);
        }
        printf("%-6u %4u %-6s %13" PRIu64 " %6s %14s %9s %10s %7s  %s", (unsigned)e->domid,
               (unsigned)e->id, *e->state ? e->state : "-", limit,
               ncopies < 0 ? "-" : copies, w, r, dr, rd, *e->file ? e->file : "-");
        if (f && (f->console & XLC_HAS_INPUT))
            printf("  [console%s]", f->console & XLC_CONSOLE_ON ? ", attached" : "");
        if (*e->error)
            printf("  (%s)", e->error);
        putchar('\n');
    }
    xenlog_list_free(info, n);
    free(figs.v);
    close_ctx(ctx);
    return fflush(stdout) ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int cmd_close(int argc, char **argv)
{
    int i = operands(argc, argv, usage_close, 2, 2);
    uint64_t id;
    uint32_t domid;

    if (!parse_u64(argv[i + 1], XENLOG_MAX_ID, &id))
        usage_error(usage_close, "bad stream id '%s'", argv[i + 1]);
    xenlog_ctx *ctx = open_ctx();
    if (!ctx)
        return EXIT_FAILURE;
    int rc = resolve_domain(ctx, argv[i], &domid) ||
        xenlog_close_id(ctx, domid, (uint32_t)id);
    close_ctx(ctx);
    return rc ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int cmd_cleanup(int argc, char **argv)
{
    int i = operands(argc, argv, usage_cleanup, 1, 1);
    uint32_t domid;

    xenlog_ctx *ctx = open_ctx();
    if (!ctx)
        return EXIT_FAILURE;
    int rc = resolve_domain(ctx, argv[i], &domid) ||
        xenlog_domain_cleanup(ctx, domid);
    close_ctx(ctx);
    return rc ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int cmd_gc(int argc, char **argv)
{
    int i = operands(argc, argv, usage_gc, 0, 1);
    int64_t domid = -1;
    unsigned removed = 0;
    int rc = 0;

    xenlog_ctx *ctx = open_ctx();
    if (!ctx)
        return EXIT_FAILURE;
    if (i < argc) {
        uint64_t v;
        uint32_t d;
        if (parse_u64(argv[i], XENLOG_MAX_ID, &v))
            domid = (int64_t)v;
        else if (!(rc = resolve_domain(ctx, argv[i], &d)))
            domid = d;
    }
    if (!rc)
        rc = xenlog_gc(ctx, domid, &removed);
    close_ctx(ctx);
    if (rc)
        return EXIT_FAILURE;
    printf("%u stale FIFO%s removed\n", removed, removed == 1 ? "" : "s");
    return EXIT_SUCCESS;
}

static int cmd_help(int argc, char **argv)
{
    if (argc > 2)
        usage_error(usage_main, "help takes at most one command");
    if (argc == 2) {
        const struct command *c = find_command(argv[1]);
        if (!c)
            usage_error(usage_main, "unknown command '%s'", argv[1]);
        fputs(c->usage, stdout);
    } else {
        fputs(usage_main, stdout);
    }
    return fflush(stdout) ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* attach and stats (tools/attach.c, tools/stats.c) take --run-dir given
 * before the command too. */
static int cmd_attach_g(int argc, char **argv)
{
    ctl_set_run_dir(opt_run_dir);
    return cmd_attach(argc, argv);
}

static int cmd_console_g(int argc, char **argv)
{
    ctl_set_run_dir(opt_run_dir);
    return cmd_console(argc, argv);
}

static int cmd_stats_g(int argc, char **argv)
{
    ctl_set_run_dir(opt_run_dir);
    return cmd_stats(argc, argv);
}

static const struct command commands[] = {
    { "run", cmd_run, usage_run },
    { "serial", cmd_serial, usage_serial },
    { "list", cmd_list, usage_list },
    { "close", cmd_close, usage_close },
    { "cleanup", cmd_cleanup, usage_cleanup },
    { "gc", cmd_gc, usage_gc },
    { "attach", cmd_attach_g, usage_attach },
    { "console", cmd_console_g, usage_console },
    { "stats", cmd_stats_g, usage_stats },
    { "help", cmd_help, usage_main },
};

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "run-dir", required_argument, NULL, 'r' },
        { "log-dir", required_argument, NULL, 'l' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    argv[0] = (char *)progname;     /* getopt's messages say "xenlog: " */
    /* Global options stop at the command name ('+'). */
    while ((c = getopt_long(argc, argv, "+vhV", opts, NULL)) != -1) {
        if (c == 'V') {
            printf("xenlog %s\n", PACKAGE_VERSION);
            return EXIT_SUCCESS;
        }
        common_option(c, usage_main);
    }
    if (optind >= argc)
        usage_error(usage_main, "no command given");
    const struct command *cmd = find_command(argv[optind]);
    if (!cmd)
        usage_error(usage_main, "unknown command '%s'", argv[optind]);
    argc -= optind;
    argv += optind;
    return cmd->fn(argc, argv);
}
