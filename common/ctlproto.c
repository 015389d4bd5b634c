/* SPDX-License-Identifier: GPL-2.0-only */
#include <stdbool.h>
#include <string.h>

#include "ctlproto.h"

size_t xlc_encode(void *msg, size_t size, uint16_t type, const void *body, size_t len)
{
    struct xlc_hdr h = { .type = type, .len = (uint32_t)len };

    if (len > XLC_MAX_MSG - sizeof(h) || sizeof(h) + len > size)
        return 0;
    memcpy(msg, &h, sizeof(h));
    if (len)
        memcpy((char *)msg + sizeof(h), body, len);
    return sizeof(h) + len;
}

long xlc_decode(const void *msg, size_t n, struct xlc_hdr *h)
{
    if (n < sizeof(*h))
        return -1;
    memcpy(h, msg, sizeof(*h));
    if (h->len != n - sizeof(*h))
        return -1;
    return (long)h->len;
}

static int bad(const char **why, const char *reason)
{
    *why = reason;
    return -1;
}

/* ATTACH and CONSOLE: a struct xlc_attach. */
static int parse_attach(const struct xlc_hdr *h, const unsigned char *body,
                        struct xlc_request *req, const char **why)
{
    bool console = h->type == XLC_CONSOLE;

    if (h->len != sizeof(struct xlc_attach))
        return bad(why, console ? "CONSOLE: body must be 16 bytes"
                                : "ATTACH: body must be 16 bytes");
    memcpy(&req->attach, body, sizeof(req->attach));
    if (req->attach.backlog > XLC_MAX_BACKLOG)
        return bad(why, console ? "CONSOLE: backlog too large" : "ATTACH: backlog too large");
    if (console && req->attach.flags != XLC_FOLLOW)
        return bad(why, "CONSOLE: flags must be follow");
    if (req->attach.flags & ~(XLC_FOLLOW | XLC_PIPE))
        return bad(why, "ATTACH: unknown flags");
    req->domid = req->attach.domid;
    return 0;
}

/* The body of a request whose header is valid. */
static int parse_body(const struct xlc_hdr *h, const unsigned char *body,
                      struct xlc_request *req, const char **why)
{
    switch (h->type) {
    case XLC_LIST:
        if (h->len != sizeof(uint32_t))
            return bad(why, "LIST: body must be 4 bytes");
        memcpy(&req->domid, body, sizeof(uint32_t));
        return 0;
    case XLC_ATTACH:
    case XLC_CONSOLE:
        return parse_attach(h, body, req, why);
    case XLC_INPUT:
        if (h->len == 0)
            return bad(why, "INPUT: empty");
        if (h->len > XLC_MAX_INPUT)
            return bad(why, "INPUT: more than 4096 bytes");
        req->input = body;
        req->input_len = h->len;
        return 0;
    case XLC_STATS:
        return h->len != 0 ? bad(why, "STATS: body must be empty") : 0;
    default:
        return bad(why, "unknown request");
    }
}

int xlc_parse_request(const void *msg, size_t len, struct xlc_request *req,
                      const char **why)
{
    struct xlc_hdr h;

    memset(req, 0, sizeof(*req));
    if (len < sizeof(h))
        return bad(why, "short message");
    if (len > XLC_MAX_MSG)
        return bad(why, "message too long");
    memcpy(&h, msg, sizeof(h));
    if (h.flags != 0)
        return bad(why, "unknown flags");
    if (xlc_decode(msg, len, &h) < 0)
        return bad(why, "length does not match the message");
    if (parse_body(&h, (const unsigned char *)msg + sizeof(h), req, why) < 0)
        return -1;
    req->type = (enum xlc_type)h.type;
    return 0;
}
