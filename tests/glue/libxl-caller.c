/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * libxl-caller NAME [TEXT [fopen]]: does what libxl does with a log file.
 *
 * Allocates a real libxl context (Debian's libxenlight), calls
 * libxl_create_logfile(ctx, NAME, &path) and opens the path as
 * libxl__create_qemu_logfile() does, open(O_WRONLY|O_CREAT|O_APPEND, 0644),
 * or with "fopen" as libxl's bootloader code does, fopen(path, "a"); then
 * writes TEXT (default: a line naming NAME) and closes.
 * Without a hypervisor libxl_ctx_alloc() needs tests/glue/fake-xc.so
 * preloaded.
 * Prints: "path=PATH", "rdwr=0|1" (the descriptor's access mode is O_RDWR),
 * "cloexec=0|1", "fifo=0|1".  Exit 0 on success, 1 on failure.
 * Built with -DLIBXL_CALLER_MODULE it is tests/glue/libxl-module.so, whose
 * libxl_caller_main() tests/glue/dl-caller runs after a dlopen().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libxl.h>
#include <libxl_utils.h>

#ifdef LIBXL_CALLER_MODULE
#define main libxl_caller_main
int libxl_caller_main(int argc, char **argv);
#endif

int main(int argc, char **argv)
{
    libxl_ctx *ctx = NULL;
    char *path = NULL;
    char line[512];

    if (argc < 2) {
        fprintf(stderr, "usage: libxl-caller NAME [TEXT]\n");
        return 2;
    }
    xentoollog_logger_stdiostream *lg =
        xtl_createlogger_stdiostream(stderr, XTL_ERROR, 0);
    int rc = libxl_ctx_alloc(&ctx, LIBXL_VERSION, 0, (xentoollog_logger *)lg);
    if (rc) {
        fprintf(stderr, "libxl_ctx_alloc: %d\n", rc);
        return 1;
    }
    rc = libxl_create_logfile(ctx, argv[1], &path);
    if (rc) {
        fprintf(stderr, "libxl_create_logfile: %d\n", rc);
        return 1;
    }
    printf("path=%s\n", path);
    FILE *f = NULL;
    int fd;
    if (argc > 3 && !strcmp(argv[3], "fopen")) {
        f = fopen(path, "a");
        fd = f ? fileno(f) : -1;
    } else {
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    }
    if (fd < 0) {
        fprintf(stderr, "open %s: %s\n", path, strerror(errno));
        return 1;
    }
    struct stat st;
    int fl = fcntl(fd, F_GETFL), fdfl = fcntl(fd, F_GETFD);
    printf("rdwr=%d\n", (fl & O_ACCMODE) == O_RDWR);
    printf("cloexec=%d\n", !!(fdfl & FD_CLOEXEC));
    printf("fifo=%d\n", fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode));
    if (argc > 2 && *argv[2])
        snprintf(line, sizeof(line), "%s\n", argv[2]);
    else
        snprintf(line, sizeof(line), "libxl-caller wrote to %s\n", argv[1]);
    if (write(fd, line, strlen(line)) != (ssize_t)strlen(line)) {
        fprintf(stderr, "write: %s\n", strerror(errno));
        return 1;
    }
    if (f)
        fclose(f);
    else
        close(fd);
    free(path);
    libxl_ctx_free(ctx);
    xtl_logger_destroy((xentoollog_logger *)lg);
    return 0;
}
