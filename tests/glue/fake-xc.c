/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * fake-xc.so - test-only LD_PRELOAD: lets Debian's real libxl_ctx_alloc()
 * succeed on a host without a hypervisor.
 *
 * libxl_ctx_alloc() opens a libxc handle (xc_interface_open, which needs
 * /dev/xen/privcmd) before it connects to xenstore.  Nothing on the
 * libxl_create_logfile() path uses that handle, so a dummy one is enough;
 * any other libxc call would still go to the real library and fail.
 */
#include <stdlib.h>

struct xc_interface_core;

struct xc_interface_core *xc_interface_open(void *logger, void *dombuild_logger,
                                            unsigned open_flags);
int xc_interface_close(struct xc_interface_core *xch);

struct xc_interface_core *xc_interface_open(void *logger, void *dombuild_logger,
                                            unsigned open_flags)
{
    (void)logger;
    (void)dombuild_logger;
    (void)open_flags;
    return calloc(1, 4096);     /* never dereferenced by our callers */
}

int xc_interface_close(struct xc_interface_core *xch)
{
    free(xch);
    return 0;
}
