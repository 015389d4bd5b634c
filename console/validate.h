/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pure checks of a stream's parameters as read from xenstore (untrusted).
 * Nothing here touches the file system; see beneath.c for that.
 */
#ifndef XENLOGD_VALIDATE_H
#define XENLOGD_VALIDATE_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "decimal.h"     /* parse_decimal(), common/ */

#define LIMIT_MIN 1024ULL
#define LIMIT_MAX (1ULL << 40)
#define COPIES_MAX 99ULL
#define NAME_MAX_LEN 200
#define ID_MAX 2147483647ULL
/* File names the daemon keeps for itself (its record, retention.h). */
#define RESERVED_PREFIX ".xenlogd."

/* The nodes the toolstack writes; NULL where a node is missing. pipe and
 * file are required; limit and copies are optional (the host's policy gives
 * the default, config.h), and so is input (a console stream's input FIFO). */
struct spec {
    char *pipe;
    char *file;
    char *limit;
    char *copies;
    char *input;
    char *timestamp;          /* "1" or "0" */
    char *compress;           /* "zstd" or "none" */
    char *domain;             /* not a node: /local/domain/DOMID/name; NULL if none */
};

/* What a valid spec means, relative to the run and log dirs. */
struct params {
    /* All four point into strs, one allocation sized to them (a stream
     * keeps its params for life: 10,000 streams, 10,000 of these). */
    const char *pipe_rel;     /* beneath the run dir */
    const char *input_rel;    /* beneath the run dir; "" if no input node */
    const char *file_dir;     /* beneath the log dir; "." for the log dir */
    const char *file_base;
    char *strs;
    uint64_t limit;           /* 0 if the node is absent */
    unsigned copies;
    bool copies_set;          /* false if the node is absent */
    int timestamp;            /* 1 on, 0 off, -1 the node is absent */
    int compress;             /* 1 zstd, 0 none, -1 the node is absent */
    bool boot_marker;         /* the host's policy: a line when a new stream starts */
};

/* A $DOMID or $ID path component. */
bool parse_id(const char *s, unsigned *out);

/*
 * path must be absolute, strictly beneath dir (itself absolute, no trailing
 * slash), with no empty, "." or ".." component and no control character.
 * On success *rel points at the part after "dir/".
 */
const char *path_beneath(const char *dir, const char *path, const char **rel);

/* Validates pipe and file, and limit, copies and input if present; on
 * failure writes "node: reason" to err. out's strings are made anew (an
 * older out is freed first: out must be zeroed or valid). */
bool spec_validate(const struct spec *sp, const char *run_dir, const char *log_dir,
                   struct params *out, char *err, size_t errlen);
/* Frees out's strings (zeroed or valid). */
void params_free(struct params *out);

#endif
