// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel TLS from a handshake secret, without the secret entering
 * userspace: the TLS ULP and its crypto_info are set on the caller's socket
 * from here, through kernel sockptr_t pointers. The traffic keys are not
 * hidden: getsockopt(SOL_TLS) gives them to the socket's holder. TLS 1.3
 * records, AES-GCM or ChaCha20-Poly1305, sequence numbers from 0, no
 * rekeying (see docs/protocol.md).
 */
#include <linux/net.h>
#include <linux/string.h>
#include <linux/tcp.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include <uapi/linux/pmhs.h>
#include <uapi/linux/tls.h>

#include "compat.h"
#include "ktls.h"
#include "schedule.h"

/* The crypto_info layouts pmhs sets; each starts with struct tls_crypto_info. */
union pmhs_tls_info {
	struct tls12_crypto_info_aes_gcm_128 g128;
	struct tls12_crypto_info_aes_gcm_256 g256;
	struct tls12_crypto_info_chacha20_poly1305 cc;
};

/*
 * Every suite derives a key and a 12-byte iv with the schedule: AES-GCM
 * splits the iv into the record layer's salt(4) || iv(8), ChaCha20-Poly1305
 * (no salt) takes all 12 as its iv. Either way the TLS 1.3 per-record
 * nonce is those 12 bytes XOR the sequence number.
 */
static int pmhs_ktls_info(union pmhs_tls_info *ci, unsigned int *size,
			  const u8 secret[32], const u8 *nonces, bool i2r,
			  u32 cipher)
{
	u8 iv[12];
	int ret;

	memset(ci, 0, sizeof(*ci));
	switch (cipher) {
	case PMHS_TLS_CIPHER_AES_GCM_128:
		ci->g128.info.version = TLS_1_3_VERSION;
		ci->g128.info.cipher_type = TLS_CIPHER_AES_GCM_128;
		ret = pmhs_traffic_key(secret, nonces, "tls aes-gcm-128",
				       i2r, ci->g128.key, sizeof(ci->g128.key),
				       iv, sizeof(iv));
		memcpy(ci->g128.salt, iv, sizeof(ci->g128.salt));
		memcpy(ci->g128.iv, iv + 4, sizeof(ci->g128.iv));
		*size = sizeof(ci->g128);
		break;
	case PMHS_TLS_CIPHER_AES_GCM_256:
		ci->g256.info.version = TLS_1_3_VERSION;
		ci->g256.info.cipher_type = TLS_CIPHER_AES_GCM_256;
		ret = pmhs_traffic_key(secret, nonces, "tls aes-gcm-256",
				       i2r, ci->g256.key, sizeof(ci->g256.key),
				       iv, sizeof(iv));
		memcpy(ci->g256.salt, iv, sizeof(ci->g256.salt));
		memcpy(ci->g256.iv, iv + 4, sizeof(ci->g256.iv));
		*size = sizeof(ci->g256);
		break;
	case PMHS_TLS_CIPHER_CHACHA20_POLY1305:
		BUILD_BUG_ON(sizeof(ci->cc.iv) != sizeof(iv));
		ci->cc.info.version = TLS_1_3_VERSION;
		ci->cc.info.cipher_type = TLS_CIPHER_CHACHA20_POLY1305;
		ret = pmhs_traffic_key(secret, nonces, "tls chacha20-poly1305",
				       i2r, ci->cc.key, sizeof(ci->cc.key),
				       ci->cc.iv, sizeof(ci->cc.iv));
		*size = sizeof(ci->cc);
		return ret;
	default:
		return -EINVAL;
	}
	memzero_explicit(iv, sizeof(iv));
	return ret;
}

static int pmhs_ktls_set(struct socket *sock, int optname,
			 union pmhs_tls_info *ci, unsigned int size)
{
	return sock->ops->setsockopt(sock, SOL_TLS, optname,
				     KERNEL_SOCKPTR(ci), size);
}

/* Why setting TLS_TX or TLS_RX failed, in words. */
static void pmhs_ktls_set_err(int ret, bool tx, u32 cipher,
			      struct netlink_ext_ack *extack)
{
	if (ret == -ENOENT && cipher == PMHS_TLS_CIPHER_CHACHA20_POLY1305)
		NL_SET_ERR_MSG(extack,
			       "the kernel has no chacha20-poly1305 AEAD: load chacha20poly1305");
	else if (ret == -ENOENT)
		NL_SET_ERR_MSG(extack, "the kernel has no AES-GCM AEAD: load gcm");
	else if (tx)
		NL_SET_ERR_MSG(extack, "cannot set the kTLS transmit keys");
	else
		NL_SET_ERR_MSG(extack, "cannot set the kTLS receive keys");
}

int pmhs_ktls_install(int fd, const u8 secret[32], const u8 *nonces,
		      bool initiator, u32 cipher, bool *used,
		      struct netlink_ext_ack *extack)
{
	static const char ulp[] = "tls";
	union pmhs_tls_info ci;
	unsigned int size;
	struct socket *sock;
	int ret;

	/* The netlink policy caps it; this keeps the socket untouched if not. */
	if (cipher >= __PMHS_TLS_CIPHER_MAX) {
		NL_SET_ERR_MSG(extack,
			       "unknown kTLS cipher (aes-gcm-256, aes-gcm-128, chacha20-poly1305)");
		return -EINVAL;
	}
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
	ret = pmhs_ktls_info(&ci, &size, secret, nonces, initiator, cipher);
	if (!ret)
		ret = pmhs_ktls_set(sock, TLS_TX, &ci, size);
	if (ret) {
		pmhs_ktls_set_err(ret, true, cipher, extack);
		goto out_wipe;
	}
	*used = true;
	ret = pmhs_ktls_info(&ci, &size, secret, nonces, !initiator, cipher);
	if (!ret)
		ret = pmhs_ktls_set(sock, TLS_RX, &ci, size);
	if (ret)
		pmhs_ktls_set_err(ret, false, cipher, extack);
out_wipe:
	memzero_explicit(&ci, sizeof(ci));
out_put:
	sockfd_put(sock);
	return ret;
}
