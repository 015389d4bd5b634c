/* SPDX-License-Identifier: GPL-2.0-only */
/* libFuzzer target: the control socket's request parser (LIST, ATTACH,
 * CONSOLE, INPUT, STATS). What it accepts must be within the limits of
 * docs/control.md, and INPUT's bytes must lie inside the message. */
#include <stdint.h>
#include <stddef.h>

#include "ctlproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xlc_request req;
    const char *why = NULL;

    if (xlc_parse_request(data, size, &req, &why) == 0) {
        volatile unsigned sum = 0;
        size_t i;

        switch (req.type) {
        case XLC_LIST:
            if (req.input || size != sizeof(struct xlc_hdr) + 4)
                __builtin_trap();
            break;
        case XLC_STATS:
            if (req.input || size != sizeof(struct xlc_hdr))
                __builtin_trap();
            break;
        case XLC_ATTACH:
        case XLC_CONSOLE:
            if (req.attach.backlog > XLC_MAX_BACKLOG || req.input ||
                req.domid != req.attach.domid)
                __builtin_trap();
            if (req.type == XLC_CONSOLE && req.attach.flags != XLC_FOLLOW)
                __builtin_trap();
            break;
        case XLC_INPUT:
            if (!req.input || req.input_len == 0 || req.input_len > XLC_MAX_INPUT ||
                req.input != data + sizeof(struct xlc_hdr) ||
                req.input + req.input_len != data + size)
                __builtin_trap();
            for (i = 0; i < req.input_len; i++)     /* ASan: inside the message */
                sum += req.input[i];
            (void)sum;
            break;
        default:
            __builtin_trap();
        }
    } else if (!why) {
        __builtin_trap();
    }
    return 0;
}
