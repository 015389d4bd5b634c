/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target: the watch paths the daemon reads from xenstore
 * (store_path_parse; the nodes' values are fuzz_validate's). What the
 * parser calls a stream must be /libxl/D/logging/I[/node] with D and I in
 * range; a domain, /libxl/D...; the root, /libxl.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storepath.h"
#include "validate.h"

static void check(const char *path)
{
    struct store_path sp;
    char want[64];

    store_path_parse(path, &sp);
    switch (sp.kind) {
    case SP_NONE:
        break;
    case SP_ALL:
        if (strncmp(path, STORE_ROOT, 6) != 0 || (path[6] && path[6] != '/'))
            __builtin_trap();
        break;
    case SP_DOMAIN:
        if (sp.domid > ID_MAX)
            __builtin_trap();
        snprintf(want, sizeof(want), STORE_ROOT "/%u", sp.domid);
        if (strncmp(path, want, strlen(want)) != 0)
            __builtin_trap();
        break;
    case SP_STREAM:
        if (sp.domid > ID_MAX || sp.id > ID_MAX || (sp.own && !sp.node))
            __builtin_trap();
        snprintf(want, sizeof(want), STORE_ROOT "/%u/logging/%u", sp.domid, sp.id);
        if (strncmp(path, want, strlen(want)) != 0 ||
            (path[strlen(want)] && path[strlen(want)] != '/'))
            __builtin_trap();
        if (sp.node != (path[strlen(want)] == '/'))
            __builtin_trap();
        break;
    default:
        __builtin_trap();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);

    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    check(buf);
    free(buf);
    return 0;
}
