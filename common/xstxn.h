/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * One xenstore transaction, retried on conflict a bounded number of times:
 * the one copy of the start / work / end / EAGAIN loop.
 */
#ifndef XENLOG_COMMON_XSTXN_H
#define XENLOG_COMMON_XSTXN_H

#include <xenstore.h>

/*
 * The work of one attempt, inside transaction t. Returns 0 to commit, or
 * anything else to abort the transaction and have xs_txn_retry() return that
 * value as it is (a negative errno for a failure, or a positive value of the
 * caller's meaning, e.g. "nothing to do"). It is called again from the start
 * on a conflict: it must not keep state from an earlier attempt (or must
 * reset it first).
 */
typedef int xs_txn_fn(struct xs_handle *xsh, xs_transaction_t t, void *arg);

/*
 * Runs fn in a transaction until one commits, at most max_tries (> 0) times.
 * Returns 0 once committed; what fn returned if not 0 (transaction aborted);
 * -EAGAIN if every try met a conflict; -errno if a transaction could not be
 * started or ended. errno is preserved from the failure.
 */
int xs_txn_retry(struct xs_handle *xsh, xs_txn_fn *fn, void *arg, unsigned max_tries);

#endif
