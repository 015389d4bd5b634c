/* SPDX-License-Identifier: GPL-2.0-only */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../common/exitcode.h"
#include "config.h"
#include "log.h"
#include "sandbox.h"
#include "seccomp.h"

#define FS_V1 ((LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1)
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif

static int add_rule(int ruleset, int dirfd, const char *path, uint64_t access)
{
    struct landlock_path_beneath_attr pb = { .allowed_access = access };
    int fd = dirfd >= 0 ? dirfd : open(path, O_PATH | O_CLOEXEC);
    int r;

    if (fd < 0)
        return 0;   /* an absent optional path needs no rule */
    pb.parent_fd = fd;
    r = (int)syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
    if (dirfd < 0)
        close(fd);
    return r;
}

/* The Landlock ABI in force, or -1. */
static int landlock_enter(int run_dirfd, int log_dirfd, int conf_dirfd)
{
    struct landlock_ruleset_attr attr = { 0 };
    uint64_t rw = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE;
    uint64_t dir = rw | LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE;
    int abi, ruleset, r = 0;

    abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    if (abi < 1) {
        log_warn("Landlock unavailable (%s): running without a file system sandbox",
                 strerror(errno));
        return -EOPNOTSUPP;
    }
    /* File system rights only: no LANDLOCK_ACCESS_NET_* and no scope, so
     * that forwarding (forward.c) can still connect to a TCP collector and
     * send to the journal's socket, /run/systemd/journal/socket. */
    attr.handled_access_fs = FS_V1;
    if (abi >= 2)
        attr.handled_access_fs |= LANDLOCK_ACCESS_FS_REFER;
    if (abi >= 3) {
        attr.handled_access_fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
        rw |= LANDLOCK_ACCESS_FS_TRUNCATE;
        dir |= LANDLOCK_ACCESS_FS_TRUNCATE;
    }
    /* libxenstore's xs_close() cancels its reader thread, and glibc loads
     * libgcc_s for that on first use: load it while we still may. */
    if (!dlopen("libgcc_s.so.1", RTLD_NOW | RTLD_NODELETE))
        log_warn("cannot preload libgcc_s.so.1: %s", dlerror());
    ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
    if (ruleset < 0) {
        r = -errno;
        log_err(-r, "landlock_create_ruleset");
        return r;
    }
    r |= add_rule(ruleset, run_dirfd, NULL, dir | LANDLOCK_ACCESS_FS_MAKE_SOCK);
    r |= add_rule(ruleset, log_dirfd, NULL, dir | LANDLOCK_ACCESS_FS_MAKE_REG);
    /* Read only: the config file's directory, for SIGHUP (main.c). */
    if (conf_dirfd >= 0)
        r |= add_rule(ruleset, conf_dirfd, NULL, LANDLOCK_ACCESS_FS_READ_FILE);
    r |= add_rule(ruleset, -1, "/dev/xen", rw);
    r |= add_rule(ruleset, -1, "/proc/xen", rw);
#if defined(__SANITIZE_ADDRESS__)
    /* LeakSanitizer reads /proc/self at exit. */
    r |= add_rule(ruleset, -1, "/proc", LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR);
#endif
    if (r || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
        syscall(SYS_landlock_restrict_self, ruleset, 0) < 0) {
        r = errno ? -errno : -EINVAL;
        log_err(-r, "cannot enter the Landlock sandbox");
        close(ruleset);
        return r;
    }
    close(ruleset);
    log_debug("Landlock ABI %d: file system access confined to the run and log dirs", abi);
    return abi;
}

/* For t-daemon-seccomp: XENLOGD_LANDLOCK_SELFTEST=PATH, a file outside the
 * daemon's dirs, which Landlock must keep it from reading and from making a
 * file beside; says which, and exits (0 only if both were refused). */
static _Noreturn void landlock_selftest(const char *path)
{
    char made[4096];
    int rd = open(path, O_RDONLY | O_CLOEXEC), rd_errno = errno, wr, wr_errno;

    snprintf(made, sizeof(made), "%s.made", path);
    wr = open(made, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    wr_errno = errno;
    if (rd < 0 && rd_errno == EACCES && wr < 0 && wr_errno == EACCES) {
        log_info("landlock selftest: reading %s and making %s refused (EACCES)", path, made);
        _exit(XL_EXIT_OK);
    }
    log_err(-1, "landlock selftest: read %s: %s; make %s: %s", path,
            rd >= 0 ? "allowed" : strerror(rd_errno), made, wr >= 0 ? "allowed" : strerror(wr_errno));
    _exit(XL_EXIT_FAILURE);
}

int sandbox_enter(int run_dirfd, int log_dirfd, int conf_dirfd)
{
    const char *selftest = getenv("XENLOGD_LANDLOCK_SELFTEST");
    int abi, sc;

    /* Neither Landlock (/etc/hosts, resolv.conf) nor seccomp (UDP sockets)
     * lets a host name be looked up from here on. */
    config_lookups_end();
    abi = landlock_enter(run_dirfd, log_dirfd, conf_dirfd);
    sc = seccomp_enter();

    if (abi > 0)
        log_info("sandbox: landlock ABI %d, seccomp %s", abi, sc == 0 ? "on" : "off");
    else
        log_info("sandbox: landlock off, seccomp %s", sc == 0 ? "on" : "off");
    if (sc == 0 && seccomp_selftest_wanted())
        seccomp_selftest();
    if (abi > 0 && selftest && *selftest)
        landlock_selftest(selftest);
    return abi < 0 ? abi : sc;
}
