/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMHS_MEMFD_H
#define _PMHS_MEMFD_H

#include <linux/types.h>

struct file;
struct page;
struct netlink_ext_ack;

/*
 * A caller's sealed memfd, reached through its pages (never read() or
 * write()): a request handler, under genetlink's cb_lock, must not wait
 * on a file system.
 */
struct pmhs_memfd {
	struct file *file;
	struct page **pages;
	unsigned int npages;
	bool out;
	loff_t size;	/* fixed: F_SEAL_SHRINK and F_SEAL_GROW */
	u8 *map;	/* the first npages pages, or NULL */
};

/*
 * in-fd: sealed F_SEAL_WRITE, F_SEAL_SHRINK and F_SEAL_GROW, so what was
 * authenticated is what gets decrypted. out-fd: sealed F_SEAL_SHRINK and
 * F_SEAL_GROW but writable, sized by the caller. An in-fd over @max
 * bytes is refused.
 */
int pmhs_memfd_get(struct pmhs_memfd *m, int fd, bool out, loff_t max,
		   struct netlink_ext_ack *extack);
/* Map the first @len bytes (<= m->size) at m->map. */
int pmhs_memfd_map(struct pmhs_memfd *m, size_t len,
		   struct netlink_ext_ack *extack);
/* Map @len bytes of out-fd, which the caller must have sized to hold them. */
int pmhs_memfd_map_out(struct pmhs_memfd *out, size_t len,
		       struct netlink_ext_ack *extack);
void pmhs_memfd_put(struct pmhs_memfd *m);

#endif /* _PMHS_MEMFD_H */
