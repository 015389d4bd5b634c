/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host-wide policy: defaults and caps of limit/copies per log kind,
 * retention of the files of finished streams; read from xenlogd.conf(5).
 * Pure: parsing touches nothing but the one file it reads.
 */
#ifndef XENLOGD_CONFIG_H
#define XENLOGD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "validate.h"

/* The kind of a stream's log, by the name of its file (xenlogd.conf(5)). */
enum log_kind { KIND_QEMU_DM, KIND_QDISK, KIND_BOOTLOADER, KIND_SERIAL, KIND_OTHER, KIND_COUNT };

struct kind_policy {
    uint64_t limit, max_limit;      /* default and cap of `limit` */
    unsigned copies, max_copies;    /* default and cap of `copies` */
};

struct policy {
    struct kind_policy kind[KIND_COUNT];
    unsigned max_age_days;          /* 0: files of finished streams never age out */
    uint64_t max_total_size;        /* 0: no cap on all the files managed */
    unsigned retention_interval;    /* seconds between retention passes */
};

/* The built-in policy: what a host without a config file gets. */
void policy_defaults(struct policy *p);

/*
 * Reads path into *p (starting from the built-in defaults). 0: read; 1: the
 * file does not exist (*p = the defaults); negative errno: an error, with
 * "path:line: what is wrong" (or "path: why") in err, and *p untouched.
 */
int config_load(const char *path, struct policy *p, char *err, size_t errlen);

/* Parses a whole config text (for config_load and tests); as above. */
int config_parse(const char *name, const char *text, struct policy *p, char *err,
                 size_t errlen);

/* Absent limit/copies of a valid stream take its kind's defaults; values
 * above the kind's caps are lowered to them. Returns POLICY_CLAMPED_* bits. */
#define POLICY_CLAMPED_LIMIT 1u
#define POLICY_CLAMPED_COPIES 2u
unsigned policy_apply(const struct policy *p, enum log_kind k, struct params *pr);

/* The kind of a file (its last path component) and its section name. */
enum log_kind kind_of(const char *base, bool has_input);
const char *kind_name(enum log_kind k);

#endif
