/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The second half of the sandbox (see sandbox.h for the first): once set up,
 * the daemon may make only the system calls on an allowlist, in all its
 * threads, and a few only with harmless arguments (socket: AF_UNIX only;
 * no PROT_EXEC mappings; kill: signal 0 only). Anything else raises SIGSYS:
 * the daemon writes the call's number to stderr, the kernel logs it (audit,
 * type 1326), and the daemon dies of SIGSYS without making the call.
 * docs/xenlogd.8 (SANDBOX) lists the calls and why each is there.
 */
#ifndef XENLOGD_SECCOMP_H
#define XENLOGD_SECCOMP_H

#include <stdbool.h>

/* Sets no_new_privs and installs the filter in every thread. 0 if in force,
 * -errno if not (the reason is logged; the daemon goes on without it). */
int seccomp_enter(void);

/* XENLOGD_SECCOMP_SELFTEST=1 (tests only): after seccomp_enter(), make a
 * forbidden call, socket(AF_INET): the daemon must die of SIGSYS. If the
 * call goes through, it says so and exits 111. Never returns. */
bool seccomp_selftest_wanted(void);
_Noreturn void seccomp_selftest(void);

#endif
