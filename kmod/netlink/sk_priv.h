/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMHS_SK_PRIV_H
#define _PMHS_SK_PRIV_H

#include <linux/types.h>
#include <net/sock.h>

/*
 * Private memory per netlink socket, freed when the socket is released:
 * what genl_sk_priv_get() does, which modules cannot use (not exported in
 * 6.12, absent in 6.1). @init and @destroy run in process context;
 * @destroy may sleep.
 */
void pmhs_sk_priv_setup(size_t size, void (*init)(void *priv),
			void (*destroy)(void *priv));
/* @sk's memory, made on first use; @sk must be bound to @portid and alive. */
void *pmhs_sk_priv_get(struct sock *sk, u32 portid);
int pmhs_sk_priv_register(void);
/* Once no request can come any more: frees what is left. */
void pmhs_sk_priv_unregister(void);

#endif /* _PMHS_SK_PRIV_H */
