/* SPDX-License-Identifier: GPL-2.0-only */
/* DOMAIN on xenlog's command line: an id or a name, as xl(1) takes it. */
#ifndef XENLOG_DOMAIN_H
#define XENLOG_DOMAIN_H

#include <stdint.h>

/*
 * All digits: that domain id, looked up nowhere (the streams of a destroyed
 * domain are still under /libxl/ID). Anything else: the one domain whose
 * /local/domain/N/name is DOMAIN. 0, or -1 with the reason on stderr
 * (no such name, several domains of that name, xenstore unreachable).
 */
int domain_resolve(const char *arg, uint32_t *domid);

/* /local/domain/DOMID/name (malloc'd), or NULL if there is none (or xenstore
 * cannot be read). */
char *domain_name(uint32_t domid);

#endif
