// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel TLS from a handshake secret, without the secret entering
 * userspace: the TLS ULP and its crypto_info are set on the caller's socket
 * from here, through kernel sockptr_t pointers. The traffic keys are not
 * hidden: getsockopt(SOL_TLS) gives them to the socket's holder. TLS 1.3 records, AES-GCM,
 * sequence numbers from 0, no rekeying (see docs/protocol.md).
 */
#include <linux/net.h>
#include <linux/string.h>
#include <linux/tcp.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include <uapi/linux/tls.h>

#include "compat.h"
#include "ktls.h"
#include "schedule.h"

/* Both crypto_info layouts share this shape; 256 is the larger. */
union pmhs_tls_info {
	struct tls12_crypto_info_aes_gcm_128 g128;
	struct tls12_crypto_info_aes_gcm_256 g256;
};

static int pmhs_ktls_info(union pmhs_tls_info *ci, const u8 secret[32],
			  const u8 *nonces, bool i2r, bool aes128)
{
	u8 iv[12];
	int ret;

	memset(ci, 0, sizeof(*ci));
	if (aes128) {
		ci->g128.info.version = TLS_1_3_VERSION;
		ci->g128.info.cipher_type = TLS_CIPHER_AES_GCM_128;
		ret = pmhs_traffic_key(secret, nonces, "tls aes-gcm-128",
				       i2r, ci->g128.key, sizeof(ci->g128.key),
				       iv, sizeof(iv));
		/* TLS 1.3 nonce = salt(4) || iv(8), XORed with the sequence. */
		memcpy(ci->g128.salt, iv, sizeof(ci->g128.salt));
		memcpy(ci->g128.iv, iv + 4, sizeof(ci->g128.iv));
	} else {
		ci->g256.info.version = TLS_1_3_VERSION;
		ci->g256.info.cipher_type = TLS_CIPHER_AES_GCM_256;
		ret = pmhs_traffic_key(secret, nonces, "tls aes-gcm-256",
				       i2r, ci->g256.key, sizeof(ci->g256.key),
				       iv, sizeof(iv));
		memcpy(ci->g256.salt, iv, sizeof(ci->g256.salt));
		memcpy(ci->g256.iv, iv + 4, sizeof(ci->g256.iv));
	}
	memzero_explicit(iv, sizeof(iv));
	return ret;
}

static int pmhs_ktls_set(struct socket *sock, int optname,
			 union pmhs_tls_info *ci, bool aes128)
{
	return sock->ops->setsockopt(sock, SOL_TLS, optname,
				     KERNEL_SOCKPTR(ci),
				     aes128 ? sizeof(ci->g128) : sizeof(ci->g256));
}

int pmhs_ktls_install(int fd, const u8 secret[32], const u8 *nonces,
		      bool initiator, bool aes128, bool *used,
		      struct netlink_ext_ack *extack)
{
	static const char ulp[] = "tls";
	union pmhs_tls_info ci;
	struct socket *sock;
	int ret;

	sock = sockfd_lookup(fd, &ret);
	if (!sock) {
		NL_SET_ERR_MSG(extack, "fd is not a socket");
		return ret;
	}
	if (sock->type != SOCK_STREAM || sock->sk->sk_protocol != IPPROTO_TCP) {
		NL_SET_ERR_MSG(extack, "kTLS needs a TCP socket");
		ret = -EPROTONOSUPPORT;
		goto out_put;
	}
	if (READ_ONCE(sock->sk->sk_state) != TCP_ESTABLISHED) {
		NL_SET_ERR_MSG(extack, "the TCP socket is not connected");
		ret = -ENOTCONN;
		goto out_put;
	}
	ret = sock->ops->setsockopt(sock, SOL_TCP, TCP_ULP,
				    KERNEL_SOCKPTR((void *)ulp), sizeof(ulp) - 1);
	if (ret) {
		if (ret == -ENOENT)
			NL_SET_ERR_MSG(extack, "the tls module is not available");
		else if (ret == -EEXIST)
			NL_SET_ERR_MSG(extack, "the socket already has an upper layer protocol");
		else
			NL_SET_ERR_MSG(extack, "cannot attach the TLS upper layer protocol");
		goto out_put;
	}
	/* The initiator sends with i2r keys and receives with r2i. */
	ret = pmhs_ktls_info(&ci, secret, nonces, initiator, aes128);
	if (!ret)
		ret = pmhs_ktls_set(sock, TLS_TX, &ci, aes128);
	if (ret) {
		NL_SET_ERR_MSG(extack, "cannot set the kTLS transmit keys");
		goto out_wipe;
	}
	*used = true;
	ret = pmhs_ktls_info(&ci, secret, nonces, !initiator, aes128);
	if (!ret)
		ret = pmhs_ktls_set(sock, TLS_RX, &ci, aes128);
	if (ret)
		NL_SET_ERR_MSG(extack, "cannot set the kTLS receive keys");
out_wipe:
	memzero_explicit(&ci, sizeof(ci));
out_put:
	sockfd_put(sock);
	return ret;
}
