/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The names live streams hold (their FIFOs and files), so that a second
 * stream cannot take one: found in constant time, whatever the number of
 * streams (a scan of every stream per start made 10,000 starts quadratic).
 */
#ifndef XENLOGD_NAMES_H
#define XENLOGD_NAMES_H

#include <stddef.h>

struct name;

struct names {
    struct name **bucket;
    size_t nbuckets, n;
};

/* Empty; 0 or -ENOMEM. */
int names_init(struct names *t);
void names_fini(struct names *t);
/* key (copied) held by owner: 0, -EEXIST (*other: its owner), -ENOMEM. */
int names_add(struct names *t, const char *key, void *owner, void **other);
/* Drops key if owner holds it. */
void names_del(struct names *t, const char *key, const void *owner);

#endif
