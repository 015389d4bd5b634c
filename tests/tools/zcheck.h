/* SPDX-License-Identifier: GPL-2.0-only */
/* zcheck's watcher (zwatch.c): samples a directory's bytes in a thread. */
#ifndef XENLOGD_TEST_ZCHECK_H
#define XENLOGD_TEST_ZCHECK_H

#include <stdint.h>

struct zwatch_result {
    uint64_t samples, counted;   /* taken; without a rename or unlink inside */
    uint64_t max_total;          /* largest counted sum of st_size */
    uint64_t violations;         /* counted samples above the budget */
    uint64_t max_blocks;         /* largest counted sum of st_blocks * 512 (for the record) */
};

struct zwatch;

/* Samples every file in dir (an O_RDONLY directory fd, kept) until stopped. */
struct zwatch *zwatch_start(int dirfd, uint64_t budget);
void zwatch_stop(struct zwatch *z, struct zwatch_result *res);

/* One stable sample, now (retried until one counts). */
void zwatch_once(int dirfd, struct zwatch_result *res);

#endif
