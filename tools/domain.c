/* SPDX-License-Identifier: GPL-2.0-only */
/* xenlog's one resolver of DOMAIN (domain.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "decimal.h"
#include "domain.h"
#include "size.h"
#include "xenlog.h"

/* A domain id: digits, at most XENLOG_MAX_ID (leading zeros are fine). */
static bool parse_id(const char *s, uint32_t *id)
{
    uint64_t v;

    if (!parse_u64(s, XENLOG_MAX_ID, &v))
        return false;
    *id = (uint32_t)v;
    return true;
}

/* The ids of /local/domain/N whose name is `name`: how many, the first in *id,
 * every one in ids (for the message). -1 if xenstore cannot be read. */
static int lookup(struct xs_handle *xsh, const char *name, uint32_t *id, char *ids,
                  size_t idsz)
{
    unsigned n, len;
    char **d = xs_directory(xsh, XBT_NULL, "/local/domain", &n);
    int found = 0;

    if (!d)
        return errno == ENOENT ? 0 : -1;
    for (unsigned i = 0; i < n; i++) {
        char path[64];
        uint32_t v;

        if (!parse_id(d[i], &v))
            continue;
        snprintf(path, sizeof(path), "/local/domain/%s/name", d[i]);
        char *dn = xs_read(xsh, XBT_NULL, path, &len);
        if (dn && !strcmp(dn, name)) {
            size_t used = strlen(ids);

            if (!found++)
                *id = v;
            snprintf(ids + used, idsz - used, "%s%u", used ? ", " : "", v);
        }
        free(dn);
    }
    free(d);
    return found;
}

int domain_resolve(const char *arg, uint32_t *domid)
{
    char ids[256] = "";
    struct xs_handle *xsh;
    int n;

    if (all_digits(arg)) {
        if (parse_id(arg, domid))
            return 0;
        fprintf(stderr, "xenlog: domain id %s out of range (0..%u)\n", arg, XENLOG_MAX_ID);
        return -1;
    }
    if (!*arg) {
        fprintf(stderr, "xenlog: empty domain name\n");
        return -1;
    }
    xsh = xs_open(XS_OPEN_READONLY);
    if (!xsh) {
        fprintf(stderr, "xenlog: cannot look up domain %s: xenstore: %s\n", arg,
                strerror(errno));
        return -1;
    }
    n = lookup(xsh, arg, domid, ids, sizeof(ids));
    if (n < 0)
        fprintf(stderr, "xenlog: cannot look up domain %s: /local/domain: %s\n", arg,
                strerror(errno));
    xs_close(xsh);
    if (n == 0)
        fprintf(stderr, "xenlog: no domain called %s\n", arg);
    else if (n > 1)
        fprintf(stderr, "xenlog: domain name %s is ambiguous: domains %s\n", arg, ids);
    return n == 1 ? 0 : -1;
}

char *domain_name(uint32_t domid)
{
    struct xs_handle *xsh = xs_open(XS_OPEN_READONLY);
    char path[64], *name;
    unsigned len;

    if (!xsh)
        return NULL;
    snprintf(path, sizeof(path), "/local/domain/%u/name", (unsigned)domid);
    name = xs_read(xsh, XBT_NULL, path, &len);
    xs_close(xsh);
    if (name && strlen(name) != len) {      /* an embedded NUL: not a name */
        free(name);
        name = NULL;
    }
    return name;
}
