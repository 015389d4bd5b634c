/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Least privilege: once set up, the daemon confines its file system access
 * to the run and log dirs with Landlock (and /dev/xen, /proc/xen for
 * xenstore over xenbus). A kernel without Landlock: a warning, no sandbox.
 */
#ifndef XENLOGD_SANDBOX_H
#define XENLOGD_SANDBOX_H

/* Both are O_PATH descriptors of the directories. 0, or -1 if not applied. */
int sandbox_enter(int run_dirfd, int log_dirfd);

#endif
