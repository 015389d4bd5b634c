/* SPDX-License-Identifier: GPL-2.0-only */
#include <string.h>

#include "ctlproto.h"

static int bad(const char **why, const char *reason)
{
    *why = reason;
    return -1;
}

int xlc_parse_request(const void *msg, size_t len, struct xlc_request *req,
                      const char **why)
{
    struct xlc_hdr h;
    const unsigned char *body = (const unsigned char *)msg + sizeof(h);

    memset(req, 0, sizeof(*req));
    if (len < sizeof(h))
        return bad(why, "short message");
    if (len > XLC_MAX_MSG)
        return bad(why, "message too long");
    memcpy(&h, msg, sizeof(h));
    if (h.flags != 0)
        return bad(why, "unknown flags");
    if (h.len != len - sizeof(h))
        return bad(why, "length does not match the message");
    switch (h.type) {
    case XLC_LIST:
        if (h.len != sizeof(uint32_t))
            return bad(why, "LIST: body must be 4 bytes");
        memcpy(&req->domid, body, sizeof(uint32_t));
        break;
    case XLC_ATTACH:
        if (h.len != sizeof(struct xlc_attach))
            return bad(why, "ATTACH: body must be 16 bytes");
        memcpy(&req->attach, body, sizeof(req->attach));
        if (req->attach.backlog > XLC_MAX_BACKLOG)
            return bad(why, "ATTACH: backlog too large");
        if (req->attach.flags & ~XLC_FOLLOW)
            return bad(why, "ATTACH: unknown flags");
        req->domid = req->attach.domid;
        break;
    case XLC_CONSOLE:
        if (h.len != sizeof(struct xlc_attach))
            return bad(why, "CONSOLE: body must be 16 bytes");
        memcpy(&req->attach, body, sizeof(req->attach));
        if (req->attach.backlog > XLC_MAX_BACKLOG)
            return bad(why, "CONSOLE: backlog too large");
        if (req->attach.flags != XLC_FOLLOW)
            return bad(why, "CONSOLE: flags must be follow");
        req->domid = req->attach.domid;
        break;
    case XLC_INPUT:
        if (h.len == 0)
            return bad(why, "INPUT: empty");
        if (h.len > XLC_MAX_INPUT)
            return bad(why, "INPUT: more than 4096 bytes");
        req->input = body;
        req->input_len = h.len;
        break;
    case XLC_STATS:
        if (h.len != 0)
            return bad(why, "STATS: body must be empty");
        break;
    default:
        return bad(why, "unknown request");
    }
    req->type = (enum xlc_type)h.type;
    return 0;
}
