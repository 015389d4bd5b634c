/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef XENLOGD_UTIL_H
#define XENLOGD_UTIL_H

#include <stddef.h>

#define container_of(ptr, type, member) \
    ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
