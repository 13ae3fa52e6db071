// SPDX-License-Identifier: GPL-2.0
/*
 * Sealed memfds as hybrid-encrypt/decrypt's input and output. The handler
 * runs with genetlink's cb_lock held: kernel_read() on a FUSE or NFS file,
 * a pipe or a socket could wait forever and with it every genetlink family.
 * A memfd's pages are shmem page cache: taking them waits for no daemon
 * and takes no inode lock (which a write() faulting on FUSE could hold).
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/netlink.h>
#include <linux/sched/signal.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/vmalloc.h>

#include <linux/fcntl.h>

#include "memfd.h"
#include "netlink.h"

#define PMHS_SEALS_SIZE	(F_SEAL_SHRINK | F_SEAL_GROW)
#define PMHS_SEALS_RO	(F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)

/* Drop the file, with @why (a string literal) as the extack. */
static int pmhs_memfd_refuse(struct pmhs_memfd *m, int err,
			     struct netlink_ext_ack *extack, const char *why)
{
	pmhs_extack(extack, NULL, why);
	fput(m->file);
	m->file = NULL;
	return err;
}

int pmhs_memfd_get(struct pmhs_memfd *m, int fd, bool out, loff_t max,
		   struct netlink_ext_ack *extack)
{
	struct inode *inode;
	unsigned int seals;

	memset(m, 0, sizeof(*m));
	m->out = out;
	m->file = fget(fd);
	if (!m->file) {
		pmhs_extack(extack, NULL, out ? "out-fd is not an open file descriptor" :
						"in-fd is not an open file descriptor");
		return -EBADF;
	}
	if (!(m->file->f_mode & (out ? FMODE_WRITE : FMODE_READ)))
		return pmhs_memfd_refuse(m, -EBADF, extack,
					 out ? "out-fd is not open for writing" :
					       "in-fd is not open for reading");
	inode = file_inode(m->file);
	/* Every tmpfs inode is a shmem inode; only memfds take seals. */
	if (!S_ISREG(inode->i_mode) || inode->i_sb->s_magic != TMPFS_MAGIC)
		return pmhs_memfd_refuse(m, -EINVAL, extack, out ?
			"out-fd must be a memfd (MFD_ALLOW_SEALING), not a file, pipe or socket" :
			"in-fd must be a memfd (MFD_ALLOW_SEALING), not a file, pipe or socket");
	/* Seals are only ever added: once seen, they hold. */
	seals = READ_ONCE(SHMEM_I(inode)->seals);
	if (!out && (seals & (PMHS_SEALS_SIZE | F_SEAL_WRITE)) !=
		    (PMHS_SEALS_SIZE | F_SEAL_WRITE)) {
		return pmhs_memfd_refuse(m, -EINVAL, extack,
			"in-fd must be sealed with F_SEAL_WRITE, F_SEAL_SHRINK and F_SEAL_GROW");
	}
	if (out && (seals & PMHS_SEALS_SIZE) != PMHS_SEALS_SIZE) {
		return pmhs_memfd_refuse(m, -EINVAL, extack,
			"out-fd must be sealed with F_SEAL_SHRINK and F_SEAL_GROW");
	}
	if (out && (seals & PMHS_SEALS_RO)) {
		return pmhs_memfd_refuse(m, -EPERM, extack,
					 "out-fd is sealed against writing");
	}
	m->size = i_size_read(inode);
	if (!out && m->size > max) {
		return pmhs_memfd_refuse(m, -EFBIG, extack,
					 "input larger than 64 MiB (and a header, to decrypt)");
	}
	return 0;
}

static int __pmhs_memfd_map(struct pmhs_memfd *m, size_t len)
{
	struct address_space *mapping = m->file->f_mapping;
	unsigned int i, n = DIV_ROUND_UP(len, PAGE_SIZE);
	struct page *page;

	if (WARN_ON_ONCE(len > m->size || m->pages))
		return -EINVAL;
	if (!n)
		return 0;
	m->pages = kvmalloc_array(n, sizeof(*m->pages), GFP_KERNEL_ACCOUNT);
	if (!m->pages)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (fatal_signal_pending(current))
			return -EINTR;
		/* Charged to the memfd's owner if it has to be swapped in. */
		page = shmem_read_mapping_page(mapping, i);
		if (IS_ERR(page))
			return PTR_ERR(page);
		m->pages[m->npages++] = page;
		cond_resched();
	}
	m->map = vmap(m->pages, n, VM_MAP, m->out ? PAGE_KERNEL : PAGE_KERNEL_RO);
	return m->map ? 0 : -ENOMEM;
}

int pmhs_memfd_map(struct pmhs_memfd *m, size_t len,
		   struct netlink_ext_ack *extack)
{
	int ret = __pmhs_memfd_map(m, len);

	if (ret == -EINTR)
		NL_SET_ERR_MSG(extack, "interrupted");
	else if (ret && m->out)
		NL_SET_ERR_MSG(extack, "cannot map out-fd");
	else if (ret)
		NL_SET_ERR_MSG(extack, "cannot map in-fd");
	return ret;
}

int pmhs_memfd_map_out(struct pmhs_memfd *out, size_t len,
		       struct netlink_ext_ack *extack)
{
	if (out->size < len) {
		NL_SET_ERR_MSG(extack, "out-fd is smaller than the output: ftruncate it first");
		return -ENOSPC;
	}
	return pmhs_memfd_map(out, len, extack);
}

void pmhs_memfd_put(struct pmhs_memfd *m)
{
	unsigned int i;

	if (m->map)
		vunmap(m->map);
	for (i = 0; i < m->npages; i++) {
		if (m->out)
			set_page_dirty(m->pages[i]);
		mark_page_accessed(m->pages[i]);
		put_page(m->pages[i]);
	}
	kvfree(m->pages);
	if (m->file)
		fput(m->file);
	memset(m, 0, sizeof(*m));
}
