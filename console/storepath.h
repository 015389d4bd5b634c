/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a path the /libxl watch fires with means (untrusted: anyone who may
 * write under /libxl chooses it). Pure; fuzzed (tests/fuzz/fuzz_storepath.c).
 */
#ifndef XENLOGD_STOREPATH_H
#define XENLOGD_STOREPATH_H

#include <stdbool.h>

#define STORE_ROOT "/libxl"

enum store_path_kind {
    SP_NONE,        /* not ours: ignore */
    SP_ALL,         /* /libxl itself: every stream may be gone */
    SP_DOMAIN,      /* /libxl/D or /libxl/D/logging: D's streams may be gone */
    SP_STREAM,      /* /libxl/D/logging/I[/node]: that stream changed */
};

struct store_path {
    enum store_path_kind kind;
    unsigned domid, id;
    bool node;      /* SP_STREAM: a node below the stream's directory was written */
    bool own;       /* that node is `state` or `error` (written by the daemon) */
};

void store_path_parse(const char *path, struct store_path *out);

#endif
