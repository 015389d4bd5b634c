/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlogd: bounded, rotated log files for Xen, fed through FIFOs named in
 * xenstore. See docs/protocol.md and docs/xenlogd.8.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "compress.h"
#include "config.h"
#include "control.h"
#include "forward.h"
#include "ctlproto.h"
#include "log.h"
#include "loop.h"
#include "retention.h"
#include "notify.h"
#include "sandbox.h"
#include "store.h"
#include "streams.h"
#include "xenlogd.h"
#include "../common/exitcode.h"

#define TICK_MS 250
#define FD_RESERVE_MIN 48
#define EXIT_USAGE XL_EXIT_USAGE        /* xenlogd(8), EXIT STATUS */
#define EXIT_SYSTEM XL_EXIT_FAILURE
#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define DEFAULT_CONFIG SYSCONFDIR "/xen/xenlogd.conf"

static const char usage[] =
    "usage: xenlogd [--foreground] [--run-dir DIR] [--log-dir DIR] [--pid-file FILE]\n"
    "               [--config FILE] [--setup-timeout MS] [--fifo-size BYTES]\n"
    "               [--no-sandbox] [--verbose] [--version] [--help]\n";

struct opts {
    bool foreground, verbose, no_sandbox;
    char run_dir[PATH_MAX], log_dir[PATH_MAX];
    const char *pid_file, *config;
    unsigned setup_timeout_ms, fifo_size;
};

static struct loop_fd sig_lf;
static struct xld *the_daemon;

/* Read through the signalfd; the default action of each would kill. */
static const int handled[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGALRM };
/* Ignored outright: SIGPIPE (a reader gone: send() says so), SIGXFSZ (a
 * write past RLIMIT_FSIZE fails with EFBIG: the disk-full path), and others
 * whose default is to terminate. SIGQUIT keeps its default (core dump). */
static const int ignored[] = { SIGPIPE, SIGXFSZ, SIGVTALRM, SIGPROF, SIGIO, SIGPWR,
                               SIGSTKFLT };

/* SIGHUP: the config again (the old policy stays on an error), the files. */
static void reload(struct xld *d)
{
    struct policy p;
    char err[512];
    int r = config_load(d->config_path, &p, err, sizeof(err));

    if (r < 0) {
        d->figures.config_errors++;
        log_err(-1, "SIGHUP: %s; the policy in force is kept", err);
    } else {
        d->policy = p;
        d->figures.config_loads++;
        policy_warn_unresolved(&p);
        log_info("SIGHUP: %s %s; reopening the log files",
                 r == 1 ? "no config file, built-in policy:" : "policy re-read from",
                 d->config_path);
    }
    streams_reopen_all(d);
    retention_soon(d->retention);
}

static void on_signal(struct loop_fd *lf, uint32_t events)
{
    struct signalfd_siginfo si;

    (void)events;
    while (read(lf->fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
            log_info("signal %u: exiting; streams stay ready for the next daemon",
                     si.ssi_signo);
            loop_stop(the_daemon->loop);
        } else if (si.ssi_signo == SIGHUP) {
            reload(the_daemon);
        } else {
            log_info("signal %u (from pid %u) ignored", si.ssi_signo, si.ssi_pid);
        }
    }
}

static void on_tick(void *data, uint64_t now)
{
    struct xld *d = data;

    store_tick(d->store, now);
    streams_tick(d, now);
    retention_tick(d->retention, now);
    forward_tick(d->forward, now);
    control_tick(d->control, now);
}

/* An absolute directory name, without trailing slashes. */
static int set_dir(char *dst, const char *src, const char *what)
{
    size_t len = strlen(src);

    while (len > 1 && src[len - 1] == '/')
        len--;
    if (src[0] != '/' || len >= PATH_MAX) {
        fprintf(stderr, "xenlogd: %s must be an absolute path\n", what);
        return -EINVAL;
    }
    memcpy(dst, src, len);
    dst[len] = '\0';
    return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
    static const struct option lopts[] = {
        { "foreground", no_argument, NULL, 'f' },
        { "run-dir", required_argument, NULL, 'r' },
        { "log-dir", required_argument, NULL, 'l' },
        { "pid-file", required_argument, NULL, 'p' },
        { "config", required_argument, NULL, 'c' },
        { "setup-timeout", required_argument, NULL, 't' },
        { "fifo-size", required_argument, NULL, 'F' },
        { "verbose", no_argument, NULL, 'v' },
        { "no-sandbox", no_argument, NULL, 'S' },
        { "version", no_argument, NULL, 'V' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    uint64_t v;
    int c;

    memset(o, 0, sizeof(*o));
    snprintf(o->run_dir, sizeof(o->run_dir), "%s", XEN_RUN_DIR);
    snprintf(o->log_dir, sizeof(o->log_dir), "%s", XEN_LOG_DIR);
    o->setup_timeout_ms = 5000;
    o->fifo_size = 1024 * 1024;
    o->config = DEFAULT_CONFIG;
    while ((c = getopt_long(argc, argv, "fr:l:p:c:t:vVh", lopts, NULL)) != -1) {
        switch (c) {
        case 'f': o->foreground = true; break;
        case 'r': if (set_dir(o->run_dir, optarg, "--run-dir")) return -EINVAL; break;
        case 'l': if (set_dir(o->log_dir, optarg, "--log-dir")) return -EINVAL; break;
        case 'p': o->pid_file = optarg; break;
        case 'c': o->config = optarg; break;
        case 't':
            if (parse_decimal(optarg, 1, 3600000, &v)) {
                fprintf(stderr, "xenlogd: --setup-timeout: 1 to 3600000 ms\n");
                return -EINVAL;
            }
            o->setup_timeout_ms = (unsigned)v;
            break;
        case 'F':
            if (parse_decimal(optarg, 4096, 16 * 1024 * 1024, &v)) {
                fprintf(stderr, "xenlogd: --fifo-size: 4096 to 16777216 bytes\n");
                return -EINVAL;
            }
            o->fifo_size = (unsigned)v;
            break;
        case 'v': o->verbose = true; break;
        case 'S': o->no_sandbox = true; break;
        case 'V': printf("xenlogd %s\n", PACKAGE_VERSION); exit(0);
        case 'h': fputs(usage, stdout); exit(0);
        default: fputs(usage, stderr); return -EINVAL;
        }
    }
    if (optind != argc) {
        fputs(usage, stderr);
        return -EINVAL;
    }
    return 0;
}

static int open_dir(const char *path)
{
    int fd;

    if (mkdir(path, 0755) < 0 && errno != EEXIST) {
        fd = -errno;
        log_err(-fd, "cannot create %s", path);
        return fd;
    }
    fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        fd = -errno;
        log_err(-fd, "cannot open %s", path);
    }
    return fd;
}

/* The pid file is locked for as long as we live: a second daemon fails. */
static int write_pid_file(const char *path)
{
    char buf[32];
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    int len;

    if (fd < 0) {
        fd = -errno;
        log_err(-fd, "cannot open pid file %s", path);
        return fd;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        log_err(errno, "another xenlogd holds %s", path);
        close(fd);
        return -EBUSY;
    }
    len = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
    if (ftruncate(fd, 0) < 0 || write(fd, buf, (size_t)len) != len) {
        log_err(errno, "cannot write pid file %s", path);
        close(fd);
        return -EIO;
    }
    return fd;  /* kept open, and so locked, until exit */
}

/* As many descriptors as allowed; near the limit (a reserve kept for the
 * control socket, retention and the store), idle streams' files are
 * parked (logpark.c). */
static void raise_fd_limit(struct xld *d)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        return;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
            getrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < INT_MAX)
        d->files.fd_high = (int)(rl.rlim_cur - FD_RESERVE_MIN - rl.rlim_cur / 32);
    if (d->files.fd_high < FD_RESERVE_MIN)
        d->files.fd_high = FD_RESERVE_MIN;
}

/* Fork; the parent exits once the child says it serves (s6-style readiness). */
static int daemonize(int *ready_fd)
{
    int p[2];
    pid_t pid;
    char c;

    if (pipe2(p, O_CLOEXEC) < 0)
        return -errno;
    pid = fork();
    if (pid < 0)
        return -errno;
    if (pid > 0) {
        close(p[1]);
        _exit(read(p[0], &c, 1) == 1 ? 0 : EXIT_SYSTEM);
    }
    close(p[0]);
    setsid();
    *ready_fd = p[1];
    return 0;
}

/* fd: /dev/null, opened before the sandbox (Landlock would refuse it). */
static void detach_stdio(int fd)
{
    if (fd < 0)
        return;
    dup2(fd, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
}

static int setup_signals(struct xld *d)
{
    sigset_t set;
    size_t i;

    sigemptyset(&set);
    for (i = 0; i < sizeof(handled) / sizeof(handled[0]); i++)
        sigaddset(&set, handled[i]);
    sigprocmask(SIG_BLOCK, &set, NULL);
    for (i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
        signal(ignored[i], SIG_IGN);
    /* Real-time signals from SIGRTMIN (glibc keeps those below for itself). */
    for (i = (size_t)SIGRTMIN; i <= (size_t)SIGRTMAX; i++)
        signal((int)i, SIG_IGN);
    sig_lf.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    sig_lf.fn = on_signal;
    if (sig_lf.fd < 0 || loop_add(d->loop, &sig_lf, EPOLLIN) < 0) {
        log_err(errno, "signalfd");
        return -EIO;
    }
    return 0;
}

/* Does a daemon listen on the control socket of this run dir? */
static bool socket_answers(const char *run_dir)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd, r;

    if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", run_dir, XLC_SOCKET) >=
        (int)sizeof(sa.sun_path))
        return false;
    fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
    close(fd);
    return r == 0;
}

/* Another daemon serving this store, or listening in this run dir: stop
 * before touching anything that could be its (the control socket). */
static int check_alone(const struct xld *d)
{
    int other = store_other_daemon();

    if (other < 0)
        log_err(-other, "cannot connect to xenstore");
    else if (other > 0)
        log_err(-1, "another xenlogd (pid %d) serves this xenstore", other);
    else if (socket_answers(d->run_dir))
        log_err(-1, "another xenlogd listens on %s/%s", d->run_dir, XLC_SOCKET);
    else
        return 0;
    return -EEXIST;
}

/* The directory of the config file, for the sandbox: SIGHUP reads it. */
static int open_config_dir(const char *path)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');

    int fd;

    if (!slash)
        snprintf(dir, sizeof(dir), ".");
    else if (slash == path)
        snprintf(dir, sizeof(dir), "/");
    else
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
    fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

static int setup(struct xld *d, const struct opts *o)
{
    int r;

    d->run_dir = o->run_dir;
    d->log_dir = o->log_dir;
    d->uid = geteuid();
    d->setup_timeout_ms = o->setup_timeout_ms;
    d->fifo_size = o->fifo_size;
    d->run_dirfd = open_dir(o->run_dir);
    d->log_dirfd = open_dir(o->log_dir);
    if (d->run_dirfd < 0 || d->log_dirfd < 0)
        return d->run_dirfd < 0 ? d->run_dirfd : d->log_dirfd;
    if ((r = names_init(&d->names)) < 0)
        return r;
    if ((r = peek_init(&d->peek)) < 0) {
        log_err(-r, "cannot make the scratch pipe of %u bytes", PEEK_SIZE);
        return r;
    }
    if (!(d->loop = loop_new(TICK_MS, on_tick, d)))
        return -ENOMEM;
    if ((r = setup_signals(d)) < 0 || (r = check_alone(d)) < 0)
        return r;
    d->control = control_open(d);
    static const struct store_events on_store = {
        .changed = streams_changed, .spec_read = streams_spec_read,
        .check_gone = streams_check_gone, .known = streams_known,
    };

    d->store = store_new(d, control_path(d->control), &on_store);
    d->retention = retention_new(d, streams_each);
    d->forward = forward_new(d->loop);      /* reads the host's name: before the sandbox */
    if (!d->forward)
        return -ENOMEM;
    if (!d->store || !d->retention)
        return -ENOMEM;
    /* Before store_connect(): Landlock binds only the calling thread and
     * the threads it makes later, and xs_watch() makes libxenstore's reader. */
    if (!o->no_sandbox) {
        int conf_dirfd = open_config_dir(d->config_path);

        sandbox_enter(d->run_dirfd, d->log_dirfd, conf_dirfd);
        if (conf_dirfd >= 0)
            close(conf_dirfd);
    }
    /* After the sandbox, which binds the threads made later. */
    if (!(d->zw = zworker_start(0)))
        log_err(errno, "no compression thread: old copies stay uncompressed");
    if ((r = store_connect(d->store)) < 0) {
        log_err(-r, "cannot connect to xenstore");
        return r;
    }
    return 0;
}

static void teardown(struct xld *d)
{
    control_close(d->control);
    retention_note_live(d->retention);
    retention_free(d->retention);
    streams_close_all(d);
    if (d->zw)
        zworker_stop(d->zw);
    forward_free(d->forward);
    if (d->store) {
        store_unadvertise(d->store);
        store_free(d->store);
    }
    if (sig_lf.fd >= 0)
        close(sig_lf.fd);
    loop_free(d->loop);
    peek_fini(&d->peek);
    names_fini(&d->names);
    if (d->run_dirfd >= 0)
        close(d->run_dirfd);
    if (d->log_dirfd >= 0)
        close(d->log_dirfd);
}

/* At start-up a config that cannot be used is an error: nothing runs. */
static int load_config(struct xld *d, const char *path)
{
    char err[512];
    int r = config_load(path, &d->policy, err, sizeof(err));

    d->config_path = path;
    if (r < 0) {
        fprintf(stderr, "xenlogd: %s\n", err);
        return r;
    }
    d->figures.config_loads = 1;
    d->config_missing = r == 1;
    return 0;
}

int main(int argc, char **argv)
{
    static struct xld d;
    struct opts o;
    int ready_fd = -1, pid_fd = -1, null_fd = -1, rc = EXIT_SYSTEM;

    d.run_dirfd = d.log_dirfd = d.peek.pipe[0] = d.peek.pipe[1] = d.peek.null = sig_lf.fd = -1;
    the_daemon = &d;
    if (parse_opts(argc, argv, &o) < 0)
        return EXIT_USAGE;
    if (load_config(&d, o.config) < 0)
        return EXIT_USAGE;
    if (!o.foreground && daemonize(&ready_fd) < 0) {
        perror("xenlogd: fork");
        return EXIT_SYSTEM;
    }
    if (log_init(!o.foreground, o.verbose) < 0)
        return EXIT_SYSTEM;
    raise_fd_limit(&d);
    policy_warn_unresolved(&d.policy);
    int nr = notify_open();         /* before the sandbox: no socket after */
    if (nr < 0)
        log_warnx(-nr, "cannot reach $NOTIFY_SOCKET");
    if (ready_fd >= 0)
        null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    umask(027);
    if (o.pid_file && (pid_fd = write_pid_file(o.pid_file)) < 0)
        goto out;
    if (setup(&d, &o) < 0)
        goto out;
    d.figures.started_ms = (uint64_t)time(NULL) * 1000;
    log_info("serving: run dir %s, log dir %s, policy %s %s%s", d.run_dir, d.log_dir,
             d.config_missing ? "built in (no" : "from", d.config_path,
             d.config_missing ? ")" : "");
    notify_send("READY=1");         /* advertised in xenstore by setup() */
    if (ready_fd >= 0) {
        detach_stdio(null_fd);
        null_fd = -1;
        if (write(ready_fd, "", 1) != 1)
            log_warn("cannot tell the parent we serve");
        close(ready_fd);
        ready_fd = -1;
    }
    rc = loop_run(d.loop) == 0 ? 0 : EXIT_SYSTEM;
out:
    notify_send("STOPPING=1");
    notify_close();
    teardown(&d);
    if (null_fd >= 0)
        close(null_fd);
    if (pid_fd >= 0)
        close(pid_fd);     /* the lock goes; the file may stay (sandbox) */
    log_fini();
    return rc;
}
