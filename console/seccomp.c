/*
 * The seccomp allowlist, written by name with libseccomp, which turns it into
 * BPF for the architecture the daemon runs on (amd64, arm64, armhf, ...):
 *
 *   another architecture's calls (i386 via int 0x80, x32)   -> trap
 *   a call on the list, with its argument checked if it has a check -> allow
 *   anything else                                            -> trap
 *
 * Names that do not exist on an architecture (open on arm64, mmap2 on
 * amd64) are skipped there by libseccomp. The list comes from strace of the
 * daemon under the whole test suite, after start-up; see docs/xenlogd.8,
 * SANDBOX.
 */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>
#ifdef HAVE_VALGRIND_VALGRIND_H
#include <valgrind/valgrind.h>
#endif

#include "../common/exitcode.h"
#include "log.h"
#include "seccomp.h"
#include "util.h"

/* The sanitizer runtime (LeakSanitizer at exit) stops the world with a
 * helper that lists /proc/self/task and ptraces every thread. */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZER 1
#endif
#endif

enum check {
    ANY,        /* allowed whatever the arguments */
    ONE_OF,     /* argument `arg` is one of v[] (compared as 32-bit ints) */
    NO_FLAG,    /* argument `arg` lacks bit v[0] */
    OWN_PID,    /* argument `arg` is our process id */
    TCP_OF,     /* argument 0 is one of v[], argument 1 a SOCK_STREAM type */
};

struct rule {
    const char *name;
    enum check check;
    uint8_t arg, nv;
    uint32_t v[8];
};

#define R(name) { #name, ANY, 0, 0, { 0 } }
#define R_ONE_OF(name, a, ...) { #name, ONE_OF, a, \
    sizeof((uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t), { __VA_ARGS__ } }
#define FCNTL_OPS F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_DUPFD_CLOEXEC, F_SETPIPE_SZ, F_GETPIPE_SZ

static const struct rule rules[] = {
    /* The data path and the event loop (stream.c, loop.c, control.c). */
    R(read), R(write), R(readv), R(writev), R(pread64), R(pwrite64), R(lseek), R(_llseek),
    R(close),
    R(splice), R(tee), R(epoll_ctl), R(epoll_pwait), R(epoll_wait),
    /* Files beneath the run and log dirs (beneath.c, rotate.c); Landlock
     * confines where. unlink: the control socket at exit. */
    R(openat), R(openat2), R(newfstatat), R(fstatat64), R(fstat), R(fstat64), R(statx),
    R(renameat2), R(unlinkat),
    /* The compression worker (compress-worker.c): a .zst is on disk before
     * its raw copy goes. */
    R(fdatasync),
    R(open), R(stat), R(lstat), R(stat64), R(lstat64), R(renameat), R(unlink),
    /* fcntl: close-on-exec and status flags, pipe sizes, dup; no locks,
     * leases, owners or notifications. ioctl: FIONREAD (stream.c); TCGETS
     * (isatty(3) of stdio). */
    R_ONE_OF(fcntl, 1, FCNTL_OPS),
    R_ONE_OF(fcntl64, 1, FCNTL_OPS),
    R_ONE_OF(ioctl, 1, FIONREAD, TCGETS),
    R(pipe2), R(dup), R(dup3), R(pipe), R(dup2),
    /* Unix sockets only: clients of the control socket, xenstored's socket
     * (libxenstore reconnects), /dev/log (syslog(3) reconnects). No bind,
     * no listen: no new place to be reached at. */
    R_ONE_OF(socket, 0, AF_UNIX),
    /* TCP to a syslog collector (forward_syslog, collector.c): stream
     * sockets only, never bound or listening; no UDP, no raw socket. */
    { "socket", TCP_OF, 0, 2, { AF_INET, AF_INET6 } },
    R(connect), R(accept4), R(getsockopt), R(sendto), R(sendmsg), R(recvfrom),
    R(recvmsg), R(shutdown), R(send), R(recv),
    /* kill(pid, 0) only: is the advertised daemon alive (store.c)?
     * tgkill: ourselves only (raise, abort, pthread_cancel). */
    R_ONE_OF(kill, 1, 0),
    { "tgkill", OWN_PID, 0, 0, { 0 } },
    R(getpid), R(gettid), R(geteuid), R(getuid), R(geteuid32), R(getuid32),
    R(clock_gettime), R(clock_getres), R(gettimeofday), R(clock_nanosleep),
    R(clock_gettime64), R(clock_getres_time64), R(clock_nanosleep_time64),
    R(nanosleep), R(time),
    /* Memory, never executable. */
    R(brk), R(munmap), R(mremap), R(madvise),
    { "mmap", NO_FLAG, 2, 1, { PROT_EXEC } },
    { "mmap2", NO_FLAG, 2, 1, { PROT_EXEC } },
    { "mprotect", NO_FLAG, 2, 1, { PROT_EXEC } },
    /* libxenstore's reader thread, made again at each reconnection, and
     * cancelled by xs_close(); the store thread (store.c). A filter cannot
     * read clone3's flags, so fork is not refused; a child could not exec
     * and stays under this filter. */
    R(clone), R(clone3),
    R(set_robust_list), R(rseq), R(futex), R(futex_time64), R(sched_yield), R(exit),
    R(exit_group), R(getrandom),
    /* The store thread's queues (eventfds) and its poll. */
    R(eventfd2), R(ppoll), R(ppoll_time64), R(poll),
    /* Retention of old files (policy): a directory scan, xattrs on the
     * files it manages. */
    R(getdents64), R(fgetxattr), R(fsetxattr), R(fremovexattr), R(flistxattr),
    R(rt_sigaction), R(rt_sigprocmask), R(rt_sigreturn), R(sigreturn), R(sigaltstack),
    R(restart_syscall),
#ifdef SANITIZER
    /* AddressSanitizer reports, LeakSanitizer at exit. Sanitizer builds
     * only: they are for tests. */
    R(ptrace), R(wait4), R(prctl), R(prlimit64), R(readlinkat), R(readlink), R(getdents),
    R(sched_getaffinity), R(getppid),
#endif
};

static int add_rule(scmp_filter_ctx ctx, const struct rule *r, int nr)
{
    unsigned i;
    int e = 0;

    switch (r->check) {
    case ANY:
        return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
    case ONE_OF:
        for (i = 0; i < r->nv && e == 0; i++)
            e = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
                                 SCMP_CMP(r->arg, SCMP_CMP_MASKED_EQ, 0xffffffffu, r->v[i]));
        return e;
    case NO_FLAG:
        return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
                                SCMP_CMP(r->arg, SCMP_CMP_MASKED_EQ, r->v[0], 0));
    case OWN_PID:
        return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
                                SCMP_CMP(r->arg, SCMP_CMP_EQ, (scmp_datum_t)getpid()));
    case TCP_OF:
        /* The type's low bits; SOCK_NONBLOCK and SOCK_CLOEXEC above them. */
        for (i = 0; i < r->nv && e == 0; i++)
            e = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 2,
                                 SCMP_CMP(0, SCMP_CMP_MASKED_EQ, 0xffffffffu, r->v[i]),
                                 SCMP_CMP(1, SCMP_CMP_MASKED_EQ, 0xfu, SOCK_STREAM));
        return e;
    }
    return -EINVAL;
}

/* The filter for this architecture; NULL on failure (logged). */
static scmp_filter_ctx build(unsigned *nrules)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
    size_t i;
    int e;

    *nrules = 0;
    if (!ctx) {
        log_err(-1, "seccomp: cannot make a filter");
        return NULL;
    }
    /* Every thread (libxenstore's reader too); the kernel logs refusals;
     * another architecture's calls trap as well. */
    if ((e = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1)) < 0 ||
        (e = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_TRAP)) < 0) {
        log_err(-e, "seccomp: filter attributes");
        seccomp_release(ctx);
        return NULL;
    }
    if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1) < 0)
        log_debug("seccomp: the kernel will not log refused calls");
    for (i = 0; i < ARRAY_SIZE(rules); i++) {
        int nr = seccomp_syscall_resolve_name(rules[i].name);

        if (nr == __NR_SCMP_ERROR)
            continue;       /* unknown to this libseccomp */
        if ((e = add_rule(ctx, &rules[i], nr)) < 0) {
            log_err(-e, "seccomp: rule for %s", rules[i].name);
            seccomp_release(ctx);
            return NULL;
        }
        (*nrules)++;
    }
    return ctx;
}

/* Async-signal-safe: say which call, then die of SIGSYS (SA_RESETHAND made
 * the action the default one; the signal is delivered when we return). */
static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
    static const char pre[] = "xenlogd: seccomp: system call ";
    static const char post[] = " refused (not on the allowlist); dying of SIGSYS\n";
    char msg[sizeof(pre) + 10 + sizeof(post)], num[10];
    unsigned v = (unsigned)si->si_syscall, n = 0, len = sizeof(pre) - 1;

    (void)uc;
    do {
        num[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v && n < sizeof(num));
    memcpy(msg, pre, len);
    while (n)
        msg[len++] = num[--n];
    memcpy(msg + len, post, sizeof(post) - 1);
    if (write(2, msg, len + sizeof(post) - 1) < 0)
        (void)0;    /* nowhere else to say it; the kernel logs it too */
    raise(sig);
}

static bool under_valgrind(void)
{
#ifdef RUNNING_ON_VALGRIND
    return RUNNING_ON_VALGRIND != 0;
#else
    return false;
#endif
}

int seccomp_enter(void)
{
    struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO | SA_RESETHAND };
    scmp_filter_ctx ctx;
    unsigned n;
    int e;

    /* Its own system calls would be filtered too, and it has no seccomp. */
    if (under_valgrind()) {
        log_warn("seccomp: off under valgrind");
        return -EOPNOTSUPP;
    }
    if (!(ctx = build(&n)))
        return -ENOMEM;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSYS, &sa, NULL) < 0) {
        e = -errno;
        log_err(-e, "seccomp: cannot prepare");
        seccomp_release(ctx);
        return e;
    }
    /* Sets no_new_privs, then the filter in every thread. */
    e = seccomp_load(ctx);
    seccomp_release(ctx);
    if (e < 0) {
        log_err(-e, "seccomp: cannot install the filter");
        return e;
    }
    log_debug("seccomp: %u rules (libseccomp %u.%u.%u)", n, seccomp_version()->major,
              seccomp_version()->minor, seccomp_version()->micro);
    return 0;
}

bool seccomp_selftest_wanted(void)
{
    const char *v = getenv("XENLOGD_SECCOMP_SELFTEST");

    return v && strcmp(v, "1") == 0;
}

_Noreturn void seccomp_selftest(void)
{
    int fd;

    log_warn("seccomp selftest: calling socket(AF_INET), which must be refused");
    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    log_err(-1, "seccomp selftest: socket(AF_INET) was not refused (%d)", fd);
    _exit(XL_EXIT_FAILURE);
}
