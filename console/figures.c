/* SPDX-License-Identifier: GPL-2.0-only */
#include <string.h>

#include "ctlproto.h"
#include "figures.h"

static uint64_t streams(const struct xld *d)
{
    return d->nstreams;
}

static uint64_t fifo_size(const struct xld *d)
{
    return d->fifo_size;
}

/* Name ([a-z][a-z0-9_]*, base units, no _total), kind, help, value. */
static const struct figure {
    const char *name;
    enum xlc_kind kind;
    const char *help;
    uint64_t (*get)(const struct xld *d);
} table[] = {
    { "streams", XLC_GAUGE, "Streams the daemon knows, in every state.", streams },
    { "fifo_size_bytes", XLC_GAUGE,
      "Pipe buffer asked for on every stream's FIFO (--fifo-size).", fifo_size },
};

size_t figure_encode(const struct xld *d, size_t i, char *buf, size_t cap)
{
    struct xlc_figure f;
    size_t nl, hl;

    if (i >= sizeof(table) / sizeof(table[0]))
        return 0;
    nl = strlen(table[i].name);
    hl = strlen(table[i].help);
    if (sizeof(f) + nl + hl > cap)
        return 0;
    f = (struct xlc_figure){ .value = table[i].get(d), .kind = (uint32_t)table[i].kind,
                             .name_len = (uint16_t)nl, .help_len = (uint16_t)hl };
    memcpy(buf, &f, sizeof(f));
    memcpy(buf + sizeof(f), table[i].name, nl);
    memcpy(buf + sizeof(f) + nl, table[i].help, hl);
    return sizeof(f) + nl + hl;
}
