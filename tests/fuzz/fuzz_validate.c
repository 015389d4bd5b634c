/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target: validation of a stream's nodes. The input is split
 * at NUL bytes into pipe, file, limit, copies and, if there is a fifth part,
 * input (a console stream's input FIFO). Whatever it accepts must be
 * beneath its directory with no "." or ".." component.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "validate.h"

#define RUN "/var/run/xen"
#define LOG "/var/log/xen"

static void check_rel(const char *rel)
{
    const char *p = rel;

    if (!*rel || rel[0] == '/')
        __builtin_trap();
    for (;;) {
        size_t len = strcspn(p, "/");

        if (len == 0 || (len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
            __builtin_trap();
        if (!p[len])
            break;
        p += len + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 5), *parts[5], *p;
    struct spec sp = { 0 };
    struct params *pr = calloc(1, sizeof(*pr));
    char err[256];
    int i;

    if (!buf || !pr)
        goto out;
    memcpy(buf, data, size);
    memset(buf + size, 0, 5);
    for (i = 0, p = buf; i < 5; i++) {
        parts[i] = p;
        p += strlen(p) + 1;
        if (p > buf + size + 4)
            p = buf + size + 4;
    }
    sp.pipe = parts[0];
    sp.file = parts[1];
    sp.limit = parts[2];
    sp.copies = parts[3];
    sp.input = parts[4] < buf + size ? parts[4] : NULL;   /* absent unless there */
    if (spec_validate(&sp, RUN, LOG, pr, err, sizeof(err))) {
        check_rel(pr->pipe_rel);
        if (strcmp(pr->file_dir, ".") != 0)
            check_rel(pr->file_dir);
        check_rel(pr->file_base);
        if (sp.input) {
            check_rel(pr->input_rel);
            if (strncmp(sp.input, RUN "/", sizeof(RUN)) != 0 ||
                strcmp(pr->input_rel, pr->pipe_rel) == 0)
                __builtin_trap();
        } else if (pr->input_rel[0]) {
            __builtin_trap();
        }
        if (pr->limit < LIMIT_MIN || pr->limit > LIMIT_MAX || pr->copies > COPIES_MAX)
            __builtin_trap();
        if (strncmp(sp.pipe, RUN "/", sizeof(RUN)) != 0 ||
            strncmp(sp.file, LOG "/", sizeof(LOG)) != 0)
            __builtin_trap();
    }
out:
    free(buf);
    if (pr)
        params_free(pr);
    free(pr);
    return 0;
}
