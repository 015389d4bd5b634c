/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Least privilege: once set up, the daemon confines its file system access
 * to the run and log dirs with Landlock (and /dev/xen, /proc/xen for
 * xenstore over xenbus), and its system calls to an allowlist with seccomp
 * (seccomp.h). A kernel without either: a warning, and the daemon goes on
 * without it.
 */
#ifndef XENLOGD_SANDBOX_H
#define XENLOGD_SANDBOX_H

/* O_PATH descriptors of the directories; conf_dirfd (the config file's,
 * read only, or -1) is for SIGHUP. 0 if both are in force, -errno if not (the
 * log says which is). */
int sandbox_enter(int run_dirfd, int log_dirfd, int conf_dirfd);

#endif
