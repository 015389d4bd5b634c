/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A seccomp allowlist, built by hand as classic BPF. The program:
 *
 *   wrong architecture (e.g. i386 via int 0x80) or x32 call  -> trap
 *   for each rule: is it this call? check its argument, allow or trap
 *   anything else                                            -> trap
 *
 * The list comes from strace of the daemon under the whole test suite,
 * after start-up; see docs/xenlogd.8, SANDBOX. Each rule is two to a dozen
 * instructions ending in a return, so no jump is longer than a rule.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>
#ifdef HAVE_VALGRIND_VALGRIND_H
#include <valgrind/valgrind.h>
#endif

#include "log.h"
#include "seccomp.h"
#include "util.h"

#if defined(__x86_64__)
#define ARCH_NR AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH_NR AUDIT_ARCH_AARCH64
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#else
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i) + 4)
#endif

/* The sanitizer runtime (LeakSanitizer at exit) stops the world with a
 * helper that lists /proc/self/task and ptraces every thread. */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZER 1
#endif
#endif

#define DENY SECCOMP_RET_TRAP
#define MAX_INSNS 512

enum check {
    ANY,        /* allowed whatever the arguments */
    ONE_OF,     /* argument `arg` is one of v[] (its low 32 bits: ints) */
    NO_FLAG,    /* argument `arg` lacks bit v[0] */
    OWN_PID,    /* argument `arg` is our process id */
};

struct rule {
    long nr;
    enum check check;
    uint8_t arg, nv;
    uint32_t v[8];
};

#define R(name) { SYS_##name, ANY, 0, 0, { 0 } }
#define R_ONE_OF(name, a, ...) { SYS_##name, ONE_OF, a, \
    sizeof((uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t), { __VA_ARGS__ } }

static const struct rule rules[] = {
    /* The data path and the event loop (stream.c, loop.c, control.c). */
    R(read), R(write), R(readv), R(writev), R(pread64), R(lseek), R(close),
    R(splice), R(tee), R(epoll_ctl), R(epoll_pwait),
#ifdef SYS_epoll_wait
    R(epoll_wait),
#endif
    /* Files beneath the run and log dirs (beneath.c, rotate.c); Landlock
     * confines where. unlink: the control socket at exit. */
    R(openat), R(openat2), R(newfstatat), R(fstat), R(statx), R(renameat2),
    R(unlinkat),
#ifdef SYS_open
    R(open), R(stat), R(lstat), R(renameat), R(unlink),
#endif
    /* fcntl: close-on-exec and status flags, pipe sizes, dup; no locks,
     * leases, owners or notifications. ioctl: FIONREAD (stream.c); TCGETS
     * (isatty(3) of stdio). */
    R_ONE_OF(fcntl, 1, F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_DUPFD_CLOEXEC,
             F_SETPIPE_SZ, F_GETPIPE_SZ),
    R_ONE_OF(ioctl, 1, FIONREAD, TCGETS),
    R(pipe2), R(dup), R(dup3),
#ifdef SYS_pipe
    R(pipe), R(dup2),
#endif
    /* Unix sockets only: clients of the control socket, xenstored's socket
     * (libxenstore reconnects), /dev/log (syslog(3) reconnects). No bind,
     * no listen: no new place to be reached at. */
    R_ONE_OF(socket, 0, AF_UNIX),
    R(connect), R(accept4), R(getsockopt), R(sendto), R(sendmsg), R(recvfrom),
    R(recvmsg), R(shutdown),
    /* kill(pid, 0) only: is the advertised daemon alive (store.c)?
     * tgkill: ourselves only (raise, abort, pthread_cancel). */
    R_ONE_OF(kill, 1, 0),
    { SYS_tgkill, OWN_PID, 0, 0, { 0 } },
    R(getpid), R(gettid), R(geteuid), R(getuid),
    R(clock_gettime), R(clock_getres), R(gettimeofday), R(clock_nanosleep),
    R(nanosleep),
#ifdef SYS_time
    R(time),
#endif
    /* Memory, never executable. */
    R(brk), R(munmap), R(mremap), R(madvise),
    { SYS_mmap, NO_FLAG, 2, 1, { PROT_EXEC } },
    { SYS_mprotect, NO_FLAG, 2, 1, { PROT_EXEC } },
    /* libxenstore's reader thread, made again at each reconnection, and
     * cancelled by xs_close(). A filter cannot read clone3's flags, so fork
     * is not refused; a child could not exec and stays under this filter. */
    R(clone), R(clone3),
    /* The store thread (store.c): its queues' eventfds, its poll. */
    R(eventfd2), R(ppoll),
#ifdef SYS_poll
    R(poll),
#endif
    /* Retention of old files (policy): a directory scan, xattrs on the
     * files it manages. */
    R(getdents64), R(fgetxattr), R(fsetxattr), R(fremovexattr), R(flistxattr),
    R(set_robust_list), R(rseq), R(futex), R(sched_yield), R(exit), R(exit_group),
    R(getrandom),
    R(rt_sigaction), R(rt_sigprocmask), R(rt_sigreturn), R(sigaltstack),
    R(restart_syscall),
#ifdef SANITIZER
    /* AddressSanitizer reports, LeakSanitizer at exit. Sanitizer builds
     * only: they are for tests. */
    R(ptrace), R(wait4), R(getdents64), R(prctl), R(prlimit64), R(readlinkat),
    R(sched_getaffinity), R(getppid),
#ifdef SYS_readlink
    R(readlink), R(getdents),
#endif
#endif
};

struct prog {
    struct sock_filter f[MAX_INSNS];
    unsigned n;
};

static void put(struct prog *p, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
    if (p->n < MAX_INSNS)
        p->f[p->n] = (struct sock_filter){ .code = code, .jt = jt, .jf = jf, .k = k };
    p->n++;
}

static void ret(struct prog *p, uint32_t action)
{
    put(p, BPF_RET | BPF_K, action, 0, 0);
}

/* "Is it this call?", then the rule's block, which ends in a return. */
static void put_rule(struct prog *p, const struct rule *r, uint32_t pid)
{
    unsigned len, i;

    switch (r->check) {
    case ANY: len = 1; break;
    case ONE_OF: len = 2 + 2 * r->nv; break;
    default: len = 4; break;
    }
    put(p, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)r->nr, 0, (uint8_t)len);
    switch (r->check) {
    case ANY:
        ret(p, SECCOMP_RET_ALLOW);
        break;
    case ONE_OF:
    case OWN_PID:
        put(p, BPF_LD | BPF_W | BPF_ABS, ARG_LO(r->arg), 0, 0);
        for (i = 0; i < (r->check == OWN_PID ? 1 : r->nv); i++) {
            put(p, BPF_JMP | BPF_JEQ | BPF_K, r->check == OWN_PID ? pid : r->v[i], 0, 1);
            ret(p, SECCOMP_RET_ALLOW);
        }
        ret(p, DENY);
        break;
    case NO_FLAG:
        put(p, BPF_LD | BPF_W | BPF_ABS, ARG_LO(r->arg), 0, 0);
        put(p, BPF_JMP | BPF_JSET | BPF_K, r->v[0], 1, 0);
        ret(p, SECCOMP_RET_ALLOW);
        ret(p, DENY);
        break;
    }
}

static int build(struct prog *p)
{
    size_t i;

    p->n = 0;
    put(p, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch), 0, 0);
    put(p, BPF_JMP | BPF_JEQ | BPF_K, ARCH_NR, 1, 0);
    ret(p, DENY);
    put(p, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr), 0, 0);
#ifdef __X32_SYSCALL_BIT
    put(p, BPF_JMP | BPF_JGE | BPF_K, __X32_SYSCALL_BIT, 0, 1);
    ret(p, DENY);
#endif
    for (i = 0; i < ARRAY_SIZE(rules); i++)
        put_rule(p, &rules[i], (uint32_t)getpid());
    ret(p, DENY);
    return p->n <= MAX_INSNS ? 0 : -1;
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
#ifdef ARCH_NR
    static struct prog p;
    struct sock_fprog fprog = { .filter = p.f };
    struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO | SA_RESETHAND };
    long r;

    /* Its own system calls would be filtered too, and it has no seccomp. */
    if (under_valgrind()) {
        log_warn("seccomp: off under valgrind");
        return -1;
    }
    if (build(&p) < 0) {
        log_err(-1, "seccomp: filter too long (%u instructions)", p.n);
        return -1;
    }
    fprog.len = (unsigned short)p.n;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSYS, &sa, NULL) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
        log_err(errno, "seccomp: cannot prepare");
        return -1;
    }
    /* Every thread (libxenstore's reader too); the kernel logs violations. */
    r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG, &fprog);
    if (r < 0 && errno == EINVAL)
        r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &fprog);
    if (r != 0) {
        log_err(r > 0 ? -1 : errno, "seccomp: cannot install the filter%s",
                r > 0 ? " in every thread" : "");
        return -1;
    }
    log_debug("seccomp: %u rules, %u instructions", (unsigned)ARRAY_SIZE(rules), p.n);
    return 0;
#else
    log_warn("seccomp: no filter for this architecture");
    return -1;
#endif
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
    _exit(111);
}
