/* SPDX-License-Identifier: GPL-2.0-only */
/* libFuzzer target: the control socket's request parser. */
#include <stdint.h>
#include <stddef.h>

#include "ctlproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xlc_request req;
    const char *why = NULL;

    if (xlc_parse_request(data, size, &req, &why) == 0) {
        if (req.type != XLC_LIST && req.type != XLC_ATTACH)
            __builtin_trap();
        if (req.type == XLC_ATTACH && req.attach.backlog > XLC_MAX_BACKLOG)
            __builtin_trap();
    } else if (!why) {
        __builtin_trap();
    }
    return 0;
}
