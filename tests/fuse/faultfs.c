/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * faultfs BACKING CONTROL MOUNTPOINT [FUSE OPTIONS]: a FUSE file system that
 * passes every operation through to the directory BACKING, except the ones
 * the word in the file CONTROL makes fail (read again at every operation):
 *   none     nothing fails
 *   eio      write fails with EIO          enospc  write fails with ENOSPC
 *   edquot   write fails with EDQUOT       short   write takes half (at least 1)
 *   rename   rename fails with EIO         open    open and create fail with EIO
 *   stall    write waits 20 ms, then every other one fails with EAGAIN
 *            and the others take half: a splice(2) into the file stops
 *            part-way, or moves nothing
 * For t-daemon-faults and t-daemon-ahead: real kernel errors on the daemon's
 * log files.
 */
#define _GNU_SOURCE
#define FUSE_USE_VERSION 31
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int back = -1;
static const char *control;

/* The fault in force: its name, or "none". */
static void fault(char *buf, size_t len)
{
    FILE *f = fopen(control, "r");

    snprintf(buf, len, "none");
    if (f) {
        if (fscanf(f, "%15s", buf) != 1)
            snprintf(buf, len, "none");
        fclose(f);
    }
}

static bool is(const char *name)
{
    char buf[16];

    fault(buf, sizeof(buf));
    return strcmp(buf, name) == 0;
}

/* "/a/b" -> "a/b" relative to the backing dir ("." for the root). */
static const char *rel(const char *path)
{
    return path[1] ? path + 1 : ".";
}

static int ff_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
    int r = fi ? fstat((int)fi->fh, st) : fstatat(back, rel(path), st, AT_SYMLINK_NOFOLLOW);

    return r < 0 ? -errno : 0;
}

static int ff_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
                      struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
    int fd = openat(back, rel(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d;
    struct dirent *e;

    (void)off; (void)fi; (void)flags;
    if (fd < 0 || !(d = fdopendir(fd))) {
        if (fd >= 0)
            close(fd);
        return -errno;
    }
    while ((e = readdir(d)) != NULL)
        fill(buf, e->d_name, NULL, 0, 0);
    closedir(d);
    return 0;
}

static int ff_open(const char *path, struct fuse_file_info *fi)
{
    int fd;

    if (is("open"))
        return -EIO;
    fd = openat(back, rel(path), fi->flags & ~O_NOFOLLOW, 0);
    if (fd < 0)
        return -errno;
    fi->fh = (uint64_t)fd;
    return 0;
}

static int ff_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
    int fd;

    if (is("open"))
        return -EIO;
    fd = openat(back, rel(path), fi->flags | O_CREAT, mode);
    if (fd < 0)
        return -errno;
    fi->fh = (uint64_t)fd;
    return 0;
}

static int ff_read(const char *path, char *buf, size_t size, off_t off,
                   struct fuse_file_info *fi)
{
    ssize_t n = pread((int)fi->fh, buf, size, off);

    (void)path;
    return n < 0 ? -errno : (int)n;
}

static int ff_write(const char *path, const char *buf, size_t size, off_t off,
                    struct fuse_file_info *fi)
{
    char f[16];
    ssize_t n;

    (void)path;
    fault(f, sizeof(f));
    if (strcmp(f, "eio") == 0)
        return -EIO;
    if (strcmp(f, "enospc") == 0)
        return -ENOSPC;
    if (strcmp(f, "edquot") == 0)
        return -EDQUOT;
    if (strcmp(f, "stall") == 0) {
        static unsigned calls;

        usleep(20000);
        if (__atomic_fetch_add(&calls, 1, __ATOMIC_RELAXED) % 2)
            return -EAGAIN;
    }
    if ((strcmp(f, "short") == 0 || strcmp(f, "stall") == 0) && size > 1)
        size /= 2;
    n = pwrite((int)fi->fh, buf, size, off);
    return n < 0 ? -errno : (int)n;
}

static int ff_release(const char *path, struct fuse_file_info *fi)
{
    (void)path;
    close((int)fi->fh);
    return 0;
}

static int ff_rename(const char *from, const char *to, unsigned int flags)
{
    if (is("rename"))
        return -EIO;
    if (flags)
        return -EINVAL;
    return renameat(back, rel(from), back, rel(to)) < 0 ? -errno : 0;
}

static int ff_unlink(const char *path)
{
    return unlinkat(back, rel(path), 0) < 0 ? -errno : 0;
}

static int ff_mkdir(const char *path, mode_t mode)
{
    return mkdirat(back, rel(path), mode) < 0 ? -errno : 0;
}

static int ff_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
    int r;

    if (fi)
        r = ftruncate((int)fi->fh, size);
    else {
        int fd = openat(back, rel(path), O_WRONLY | O_CLOEXEC);

        if (fd < 0)
            return -errno;
        r = ftruncate(fd, size);
        close(fd);
    }
    return r < 0 ? -errno : 0;
}

static const struct fuse_operations ops = {
    .getattr = ff_getattr, .readdir = ff_readdir, .open = ff_open, .create = ff_create,
    .read = ff_read, .write = ff_write, .release = ff_release, .rename = ff_rename,
    .unlink = ff_unlink, .mkdir = ff_mkdir, .truncate = ff_truncate,
};

int main(int argc, char **argv)
{
    char *fargv[16];
    int fargc = 0, i;

    if (argc < 4) {
        fprintf(stderr, "usage: faultfs BACKING CONTROL MOUNTPOINT [FUSE OPTIONS]\n");
        return 2;
    }
    back = open(argv[1], O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (back < 0) {
        perror(argv[1]);
        return 1;
    }
    control = argv[2];
    fargv[fargc++] = argv[0];
    fargv[fargc++] = argv[3];
    for (i = 4; i < argc && fargc < 15; i++)
        fargv[fargc++] = argv[i];
    fargv[fargc] = NULL;
    return fuse_main(fargc, fargv, &ops, NULL);
}
