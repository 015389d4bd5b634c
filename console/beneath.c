/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "beneath.h"

/* ELOOP if name in dirfd is a symlink, else err. */
static int why_not(int dirfd, const char *name, int err)
{
    struct stat st;

    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
        return -ELOOP;
    return -err;
}

/*
 * Where openat2 is missing (old kernels, valgrind): one component at a time,
 * each with O_NOFOLLOW; "." and ".." were refused before (validate.c) and
 * are refused again here.
 */
static int walk_beneath(int dirfd, const char *rel, int flags, mode_t mode)
{
    char buf[PATH_MAX], *comp, *slash;
    int cur = dirfd, fd;

    if (snprintf(buf, sizeof(buf), "%s", rel) >= (int)sizeof(buf))
        return -ENAMETOOLONG;
    for (comp = buf; (slash = strchr(comp, '/')) != NULL; comp = slash + 1) {
        *slash = '\0';
        if (!*comp || strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0)
            fd = -EXDEV;
        else if ((fd = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
            fd = why_not(cur, comp, errno);
        if (cur != dirfd)
            close(cur);
        if (fd < 0)
            return fd;
        cur = fd;
    }
    if (!*comp || strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0)
        fd = -EXDEV;
    else if ((fd = openat(cur, comp, flags | O_NOFOLLOW | O_CLOEXEC, mode)) < 0)
        fd = why_not(cur, comp, errno);
    if (fd >= 0 && (flags & O_PATH)) {
        struct stat st;

        /* O_PATH|O_NOFOLLOW opens a symlink itself: refuse it. */
        if (fstat(fd, &st) < 0 || S_ISLNK(st.st_mode)) {
            close(fd);
            fd = -ELOOP;
        }
    }
    if (cur != dirfd)
        close(cur);
    return fd;
}

int open_beneath(int dirfd, const char *rel, int flags, mode_t mode)
{
    static bool no_openat2;
    struct open_how how;
    long fd;

    if (no_openat2)
        return walk_beneath(dirfd, rel, flags, mode);
    memset(&how, 0, sizeof(how));
    how.flags = (uint64_t)(flags | O_CLOEXEC);  /* RESOLVE_NO_SYMLINKS covers the last component */
    how.mode = (flags & O_CREAT) ? mode : 0;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    do
        fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
    while (fd < 0 && errno == EAGAIN);
    if (fd < 0 && errno == ENOSYS) {
        no_openat2 = true;
        return walk_beneath(dirfd, rel, flags, mode);
    }
    return fd < 0 ? -errno : (int)fd;
}

static const char *resolve_error(int err)
{
    switch (err) {
    case ENOENT: return "does not exist";
    case ELOOP: return "symlink in path";
    case EXDEV: return "escapes its directory";
    case ENOTDIR: return "not a directory in path";
    case EACCES: return "permission denied";
    default: return strerror(err);
    }
}

/* What the object must be; NULL or the reason it is not. */
const char *want_check(const struct stat *st, const struct want *w)
{
    if (S_ISLNK(st->st_mode))
        return "symlink in path";
    if ((st->st_mode & S_IFMT) != w->type)
        return w->type == S_IFIFO ? "not a FIFO" : "not a regular file";
    if (st->st_uid != w->uid)
        return "wrong owner";
    if (w->perm != (mode_t)-1 && (st->st_mode & 07777) != w->perm)
        return w->perm == 0600 ? "mode is not 0600" : "wrong mode";
    if (w->one_link && st->st_nlink != 1)
        return "has other hard links";
    return NULL;
}

/*
 * The very object behind the O_PATH descriptor pfd, opened with flags: through
 * /proc/self/fd, so that nothing swapped in at the name meanwhile is opened.
 * Without /proc, by name again (the caller compares device and inode).
 */
static int reopen(int pfd, int dirfd, const char *rel, int flags)
{
    char path[40];
    int fd;

    snprintf(path, sizeof(path), "/proc/self/fd/%d", pfd);
    fd = open(path, flags | O_CLOEXEC | O_NOCTTY);
    if (fd >= 0)
        return fd;
    if (errno != ENOENT)
        return -errno;
    return open_beneath(dirfd, rel, flags | O_NOCTTY, 0);
}

int open_checked(int dirfd, const char *rel, int flags, const struct want *w,
                 const char **why)
{
    struct stat st, st2;
    int pfd, fd;

    pfd = open_beneath(dirfd, rel, O_PATH, 0);
    if (pfd < 0) {
        *why = resolve_error(-pfd);
        return pfd;
    }
    if (fstat(pfd, &st) < 0) {
        fd = -errno;
        *why = strerror(errno);
        close(pfd);
        return fd;
    }
    if ((*why = want_check(&st, w))) {
        close(pfd);
        return -EPERM;
    }
    fd = reopen(pfd, dirfd, rel, flags);
    close(pfd);
    if (fd < 0) {
        *why = resolve_error(-fd);
        return fd;
    }
    if (fstat(fd, &st2) < 0 || st2.st_dev != st.st_dev || st2.st_ino != st.st_ino)
        *why = "replaced while opening";
    else
        *why = want_check(&st2, w);
    if (*why) {
        close(fd);
        return -EPERM;
    }
    return fd;
}

const char *fifo_open(int run_dirfd, const char *rel, uid_t uid, int *fd,
                      dev_t *dev, ino_t *ino)
{
    const struct want w = { .type = S_IFIFO, .uid = uid, .perm = 0600, .one_link = true };
    const char *why;
    struct stat st;
    int rfd;

    /* Looked at before it is opened: opening a device node could have effects. */
    rfd = open_checked(run_dirfd, rel, O_RDWR | O_NONBLOCK, &w, &why);
    if (rfd < 0)
        return why;
    if (fstat(rfd, &st) < 0) {
        close(rfd);
        return strerror(errno);
    }
    *fd = rfd;
    *dev = st.st_dev;
    *ino = st.st_ino;
    return NULL;
}

const char *logdir_open(int log_dirfd, const char *dir, int *dfd)
{
    int fd;

    if (strcmp(dir, ".") == 0)
        fd = fcntl(log_dirfd, F_DUPFD_CLOEXEC, 0);
    else
        fd = open_beneath(log_dirfd, dir, O_PATH | O_DIRECTORY, 0);
    if (fd < 0)
        return resolve_error(fd == -1 ? errno : -fd);
    *dfd = fd;
    return NULL;
}

const char *file_check(int dfd, const char *base, uid_t uid, bool *exists)
{
    struct stat st;

    if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno != ENOENT)
            return strerror(errno);
        *exists = false;
        return NULL;
    }
    *exists = true;
    if (S_ISLNK(st.st_mode))
        return "is a symlink";
    if (!S_ISREG(st.st_mode))
        return "not a regular file";
    if (st.st_uid != uid)
        return "wrong owner";
    if (st.st_nlink != 1)
        return "has other hard links";
    return NULL;
}
