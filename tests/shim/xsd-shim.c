/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xsd-shim.so: LD_PRELOAD'ed into Debian's C xenstored
 * (/usr/lib/xen-4.17/bin/xenstored -N) so that it runs on a host without
 * Xen, serving dom0 only over its unix socket.  Tests then use the real
 * daemon and the real libxenstore (xs_open, xenstore-read/-write/-ls...).
 *
 * What it stands in for, and why:
 *  - libxenctrl: xc_interface_open() must succeed (xenstored dies without
 *    a hypervisor), and xc_domain_getinfo() reports exactly one domain,
 *    dom0, running.  xenstored asks it whether a domain exists, so a node
 *    cannot be given to another domid (ENOENT) and ACL entries naming one
 *    are ignored.
 *  - libxenevtchn: one eventfd that nobody ever writes, so the fd xenstored
 *    polls never fires; binds hand out fresh local port numbers, notify,
 *    unmask and unbind do nothing.
 *  - libxengnttab: opens fine, but mapping a guest's ring fails (EINVAL),
 *    so XS_INTRODUCE of a domU fails cleanly.
 *  - /proc/xen/xsd_port and /proc/xen/xsd_kva, which xenstored open()s to
 *    set up dom0's ring: they are redirected to files of the same names in
 *    $XSD_SHIM_DIR, created fresh on each open (a port number; one zeroed
 *    page, which xenstored mmaps as dom0's ring and which stays idle).
 *
 * Environment:
 *  XSD_SHIM_DIR       where xsd_port and xsd_kva are created
 *                     (default: $XENSTORED_RUNDIR).
 *  XSD_SHIM_PARENT    if set, the pid of xenstored's parent: xenstored is
 *                     SIGKILLed when that process dies (no stray stores).
 *  xenstored itself reads XENSTORED_RUNDIR, XENSTORED_ROOTDIR and
 *  XENSTORED_PATH (the socket).
 *
 * At load time the shim also closes any fds >= 3 xenstored inherited.
 *
 * Run xenstored with -N and without -D: with -D it has no libxenctrl handle
 * and crashes on the first write.
 */
#define _GNU_SOURCE
#undef _FILE_OFFSET_BITS /* open must stay open, not become open64 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenevtchn.h>
#include <xengnttab.h>

#define XSD_PORT 1 /* dom0's "remote" xenstore port, any non-zero value */

struct xenevtchn_handle { int fd; };

static int dummy_handle; /* what xc_interface_open and xengnttab_open return */
static evtchn_port_t next_port = 10;

/* A private store: no inherited fds (pipes a caller may wait on), and
 * optionally tied to its parent's life. */
__attribute__((constructor)) static void private_store(void)
{
	const char *parent = getenv("XSD_SHIM_PARENT");

	closefrom(3);
	if (parent && (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 ||
		       getppid() != (pid_t)atol(parent)))
		raise(SIGKILL);
}

/* ---- /proc/xen/xsd_{port,kva} ---- */

typedef int open_fn(const char *, int, ...);

/* Opens $XSD_SHIM_DIR/NAME afresh, holding a port number or a zero page. */
static int open_fake(const char *name)
{
	const char *dir = getenv("XSD_SHIM_DIR");
	char path[4096];
	int fd, ok;

	if (!dir)
		dir = getenv("XENSTORED_RUNDIR");
	if (!dir) {
		errno = ENOENT;
		return -1;
	}
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = ((open_fn *)dlsym(RTLD_NEXT, "open"))(path,
			O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (strcmp(name, "xsd_port") == 0)
		ok = dprintf(fd, "%d", XSD_PORT) > 0 &&
		     lseek(fd, 0, SEEK_SET) == 0;
	else
		ok = ftruncate(fd, sysconf(_SC_PAGESIZE)) == 0;
	if (!ok) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* xenstored opens both with open() (not open64, openat or fopen). */
int open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	if (strcmp(path, "/proc/xen/xsd_port") == 0)
		return open_fake("xsd_port");
	if (strcmp(path, "/proc/xen/xsd_kva") == 0)
		return open_fake("xsd_kva");
	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list ap;

		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return ((open_fn *)dlsym(RTLD_NEXT, "open"))(path, flags, mode);
}

/* ---- libxenctrl ---- */

xc_interface *xc_interface_open(xentoollog_logger *logger,
				xentoollog_logger *dombuild_logger,
				unsigned open_flags)
{
	(void)logger;
	(void)dombuild_logger;
	(void)open_flags;
	return (xc_interface *)&dummy_handle;
}

int xc_interface_close(xc_interface *xch)
{
	(void)xch;
	return 0;
}

/* Domains with an id >= first_domid: dom0 or none. */
int xc_domain_getinfo(xc_interface *xch, uint32_t first_domid,
		      unsigned int max_doms, xc_dominfo_t *info)
{
	(void)xch;
	if (first_domid != 0 || max_doms < 1)
		return 0;
	memset(info, 0, sizeof(*info));
	info->running = 1;
	return 1;
}

/* ---- libxenevtchn ---- */

xenevtchn_handle *xenevtchn_fdopen(struct xentoollog_logger *logger, int fd,
				   unsigned open_flags)
{
	xenevtchn_handle *xce = malloc(sizeof(*xce));

	(void)logger;
	(void)open_flags;
	if (xce)
		xce->fd = fd;
	return xce;
}

xenevtchn_handle *xenevtchn_open(struct xentoollog_logger *logger,
				 unsigned int flags)
{
	xenevtchn_handle *xce;
	int fd = eventfd(0, EFD_NONBLOCK |
			 ((flags & XENEVTCHN_NO_CLOEXEC) ? 0 : EFD_CLOEXEC));

	if (fd < 0)
		return NULL;
	xce = xenevtchn_fdopen(logger, fd, 0);
	if (!xce)
		close(fd);
	return xce;
}

int xenevtchn_close(xenevtchn_handle *xce)
{
	if (xce) {
		close(xce->fd);
		free(xce);
	}
	return 0;
}

int xenevtchn_fd(xenevtchn_handle *xce)
{
	return xce->fd;
}

xenevtchn_port_or_error_t xenevtchn_bind_virq(xenevtchn_handle *xce,
					      unsigned int virq)
{
	(void)xce;
	(void)virq;
	return next_port++;
}

xenevtchn_port_or_error_t xenevtchn_bind_interdomain(xenevtchn_handle *xce,
						     uint32_t domid,
						     evtchn_port_t remote_port)
{
	(void)xce;
	(void)domid;
	(void)remote_port;
	return next_port++;
}

int xenevtchn_unbind(xenevtchn_handle *xce, evtchn_port_t port)
{
	(void)xce;
	(void)port;
	return 0;
}

int xenevtchn_notify(xenevtchn_handle *xce, evtchn_port_t port)
{
	(void)xce;
	(void)port;
	return 0;
}

/* Never called: the eventfd is never readable. */
xenevtchn_port_or_error_t xenevtchn_pending(xenevtchn_handle *xce)
{
	(void)xce;
	errno = EAGAIN;
	return -1;
}

int xenevtchn_unmask(xenevtchn_handle *xce, evtchn_port_t port)
{
	(void)xce;
	(void)port;
	return 0;
}

/* ---- libxengnttab ---- */

xengnttab_handle *xengnttab_open(struct xentoollog_logger *logger,
				 unsigned open_flags)
{
	(void)logger;
	(void)open_flags;
	return (xengnttab_handle *)&dummy_handle;
}

int xengnttab_close(xengnttab_handle *xgt)
{
	(void)xgt;
	return 0;
}

int xengnttab_set_max_grants(xengnttab_handle *xgt, uint32_t nr_grants)
{
	(void)xgt;
	(void)nr_grants;
	return 0;
}

void *xengnttab_map_grant_ref(xengnttab_handle *xgt, uint32_t domid,
			      uint32_t ref, int prot)
{
	(void)xgt;
	(void)domid;
	(void)ref;
	(void)prot;
	errno = EINVAL;
	return NULL;
}

int xengnttab_unmap(xengnttab_handle *xgt, void *start_address,
		    uint32_t count)
{
	(void)xgt;
	(void)start_address;
	(void)count;
	return 0;
}
