/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * dl-caller MODULE NAME [TEXT [fopen]]: libxl-caller as libvirtd runs libxl.
 *
 * libvirtd is not linked with libxenlight: it opens files first, then loads
 * its libxl driver, and libxenlight with it, by dlopen().  This program opens
 * a file, then dlopen()s MODULE (tests/glue/libxl-module.so: libxl-caller's
 * code in a module linked with libxenlight) RTLD_LOCAL and runs it with the
 * remaining arguments.  Prints and exits as libxl-caller.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

typedef int caller_main_fn(int argc, char **argv);

int main(int argc, char **argv)
{
    int fd = open("/dev/null", O_RDONLY);  /* before libxenlight is loaded */
    void *h;
    caller_main_fn *fn;

    if (argc < 3) {
        fprintf(stderr, "usage: dl-caller MODULE NAME [TEXT [fopen]]\n");
        return 2;
    }
    if (fd >= 0)
        close(fd);
    h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fprintf(stderr, "dlopen %s: %s\n", argv[1], dlerror());
        return 1;
    }
    fn = (caller_main_fn *)dlsym(h, "libxl_caller_main");
    if (!fn) {
        fprintf(stderr, "dlsym libxl_caller_main: %s\n", dlerror());
        return 1;
    }
    return fn(argc - 1, argv + 1);
}
