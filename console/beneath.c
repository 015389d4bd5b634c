/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "beneath.h"

int open_beneath(int dirfd, const char *rel, int flags, mode_t mode)
{
    struct open_how how;
    long fd;

    memset(&how, 0, sizeof(how));
    how.flags = (uint64_t)(flags | O_CLOEXEC);  /* RESOLVE_NO_SYMLINKS covers the last component */
    how.mode = (flags & O_CREAT) ? mode : 0;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    do
        fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
    while (fd < 0 && errno == EAGAIN);
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
    case ENOSYS: return "kernel lacks openat2";
    default: return strerror(err);
    }
}

const char *fifo_open(int run_dirfd, const char *rel, uid_t uid, int *fd,
                      dev_t *dev, ino_t *ino)
{
    struct stat st, st2;
    int pfd, rfd;

    /* Look before opening: opening a device node could have effects. */
    pfd = open_beneath(run_dirfd, rel, O_PATH, 0);
    if (pfd < 0)
        return resolve_error(-pfd);
    if (fstat(pfd, &st) < 0) {
        close(pfd);
        return strerror(errno);
    }
    close(pfd);
    if (S_ISLNK(st.st_mode))
        return "symlink in path";
    if (!S_ISFIFO(st.st_mode))
        return "not a FIFO";
    if (st.st_uid != uid)
        return "wrong owner";
    if ((st.st_mode & 07777) != 0600)
        return "mode is not 0600";
    rfd = open_beneath(run_dirfd, rel, O_RDWR | O_NONBLOCK, 0);
    if (rfd < 0)
        return resolve_error(-rfd);
    if (fstat(rfd, &st2) < 0 || st2.st_dev != st.st_dev || st2.st_ino != st.st_ino) {
        close(rfd);
        return "replaced while opening";
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

const char *logfile_check(int dfd, const char *base, uid_t uid, bool *exists)
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
