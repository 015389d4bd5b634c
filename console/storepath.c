/* SPDX-License-Identifier: GPL-2.0-only */
#include <string.h>

#include "storepath.h"
#include "validate.h"

/*
 * /libxl/D/logging/I[/node]: that stream changed (node: which one).
 * /libxl, /libxl/D, /libxl/D/logging: streams below may have gone.
 */
void store_path_parse(const char *path, struct store_path *out)
{
    char comp[4][16];
    int n = 0;
    const char *p = path + strlen(STORE_ROOT);

    memset(out, 0, sizeof(*out));
    if (strncmp(path, STORE_ROOT, strlen(STORE_ROOT)) != 0)
        return;
    while (*p == '/' && n < 4) {
        size_t len = strcspn(p + 1, "/");

        if (len >= sizeof(comp[0]))
            return;
        memcpy(comp[n], p + 1, len);
        comp[n][len] = '\0';
        n++;
        p += 1 + len;
    }
    if (*p && *p != '/')
        return;
    if (n == 0) {
        out->kind = SP_ALL;
        return;
    }
    if (!parse_id(comp[0], &out->domid))
        return;
    if (n == 1 || (n == 2 && strcmp(comp[1], "logging") == 0)) {
        out->kind = SP_DOMAIN;
        return;
    }
    if (strcmp(comp[1], "logging") != 0 || !parse_id(comp[2], &out->id))
        return;
    out->kind = SP_STREAM;
    out->node = n == 4;
    out->own = n == 4 && (strcmp(comp[3], "state") == 0 || strcmp(comp[3], "error") == 0);
}
