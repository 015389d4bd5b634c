/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"

#define FIRST_BUCKETS 1024

struct name {
    struct name *next;
    void *owner;
    char key[];
};

static size_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;   /* FNV-1a */

    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
    return (size_t)h;
}

int names_init(struct names *t)
{
    t->n = 0;
    t->nbuckets = FIRST_BUCKETS;
    t->bucket = calloc(t->nbuckets, sizeof(*t->bucket));
    return t->bucket ? 0 : -ENOMEM;
}

void names_fini(struct names *t)
{
    size_t i;

    for (i = 0; t->bucket && i < t->nbuckets; i++)
        while (t->bucket[i]) {
            struct name *e = t->bucket[i];

            t->bucket[i] = e->next;
            free(e);
        }
    free(t->bucket);
    t->bucket = NULL;
    t->n = 0;
}

/* Twice the buckets once they hold two names each on average. */
static void grow(struct names *t)
{
    size_t nb = t->nbuckets * 2, i;
    struct name **b = calloc(nb, sizeof(*b));

    if (!b)
        return;     /* longer chains, still correct */
    for (i = 0; i < t->nbuckets; i++)
        while (t->bucket[i]) {
            struct name *e = t->bucket[i];

            t->bucket[i] = e->next;
            e->next = b[hash(e->key) % nb];
            b[hash(e->key) % nb] = e;
        }
    free(t->bucket);
    t->bucket = b;
    t->nbuckets = nb;
}

int names_add(struct names *t, const char *key, void *owner, void **other)
{
    size_t len = strlen(key), h = hash(key) % t->nbuckets;
    struct name *e;

    for (e = t->bucket[h]; e; e = e->next)
        if (strcmp(e->key, key) == 0) {
            *other = e->owner;
            return -EEXIST;
        }
    if (!(e = malloc(sizeof(*e) + len + 1)))
        return -ENOMEM;
    memcpy(e->key, key, len + 1);
    e->owner = owner;
    e->next = t->bucket[h];
    t->bucket[h] = e;
    if (++t->n > 2 * t->nbuckets)
        grow(t);
    return 0;
}

void names_del(struct names *t, const char *key, const void *owner)
{
    struct name **pp, *e;

    for (pp = &t->bucket[hash(key) % t->nbuckets]; (e = *pp); pp = &e->next)
        if (e->owner == owner && strcmp(e->key, key) == 0) {
            *pp = e->next;
            free(e);
            t->n--;
            return;
        }
}
