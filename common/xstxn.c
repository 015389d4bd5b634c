/* SPDX-License-Identifier: LGPL-2.1-only */
#include <assert.h>
#include <errno.h>
#include <stdbool.h>

#include "xstxn.h"

int xs_txn_retry(struct xs_handle *xsh, xs_txn_fn *fn, void *arg, unsigned max_tries)
{
    unsigned try;

    assert(xsh && fn && max_tries > 0);
    for (try = 0; try < max_tries; try++) {
        xs_transaction_t t = xs_transaction_start(xsh);
        int r;

        if (t == XBT_NULL)
            return -(errno ? errno : EIO);
        r = fn(xsh, t, arg);
        if (r != 0) {
            int e = errno;

            (void)xs_transaction_end(xsh, t, true);
            errno = e;
            return r;
        }
        if (xs_transaction_end(xsh, t, false))
            return 0;
        if (errno != EAGAIN)
            return -(errno ? errno : EIO);
    }
    errno = EAGAIN;
    return -EAGAIN;
}
