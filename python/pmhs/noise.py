# SPDX-License-Identifier: GPL-2.0
"""Noise handshakes (HiveMind protocol v3) run by the pmhs kernel module.

A drop-in for poorman_handshake's ``NoiseHandShake``: the same
constructor, methods and properties, wire-compatible with the
``noiseprotocol`` library underneath upstream's class. The difference is
where things live: the static private key is handed to the module as an
X25519 identity, the ephemeral keys, chaining key and both transport
CipherStates never leave the kernel, and ``encrypt``/``decrypt`` are
kernel calls. The handshake's export secret is published as a keyring
key (``secret_serial``; ``secret`` reads it, unless ``logon=True``).

Copies of secrets in this process: the static private key (kept, as
upstream does, so that ``export_private_key`` works) and the PSK until the
session is made; both live in cffi buffers that are wiped when done.
"""
import errno
import os
import secrets as _secrets
import threading

from . import _lib
from ._lib import ffi, lib

__all__ = [
    "NoiseHandShake", "NoiseError", "NoiseHandshakeError", "NoiseInvalidMessage",
    "NoiseCipherState", "derive_psk", "XX_PSK2", "KK_PSK0",
    "XX_PSK2_AESGCM", "KK_PSK0_AESGCM",
]

# upstream names are noiseprotocol's protocol names (bytes, as NoiseConnection.from_name takes)
XX_PSK2 = b"Noise_XXpsk2_25519_ChaChaPoly_SHA256"
KK_PSK0 = b"Noise_KKpsk0_25519_ChaChaPoly_SHA256"
# the module also runs the AES-GCM suite (not in upstream)
XX_PSK2_AESGCM = b"Noise_XXpsk2_25519_AESGCM_SHA256"
KK_PSK0_AESGCM = b"Noise_KKpsk0_25519_AESGCM_SHA256"
_PROTOCOLS = (XX_PSK2, KK_PSK0, XX_PSK2_AESGCM, KK_PSK0_AESGCM)

# <linux/pmhs.h>
# From the C headers (python/pmhs/_cdef.py), not copied by hand.
_MODE_NOISE = lib.PMHS_MODE_NOISE
_ROLE_INITIATOR, _ROLE_RESPONDER = lib.PMHS_ROLE_INITIATOR, lib.PMHS_ROLE_RESPONDER
_KEY_TYPE_USER, _KEY_TYPE_LOGON = lib.PMHS_KEY_TYPE_USER, lib.PMHS_KEY_TYPE_LOGON
_DIR_ENCRYPT = lib.PMHS_AEAD_DIRECTION_ENCRYPT
_DIR_DECRYPT = lib.PMHS_AEAD_DIRECTION_DECRYPT
_MESSAGE_MAX = lib.PMHS_MESSAGE_MAX
_PAYLOAD_MAX = lib.PMHS_NOISE_PAYLOAD_MAX
_STEP_DONE, _STEP_OUR_TURN = lib.PMHS_STEP_DONE, lib.PMHS_STEP_OUR_TURN
_STEP_PEER_STATIC = lib.PMHS_STEP_PEER_STATIC
_STEP_WRITE = lib.PMHS_STEP_WRITE
_WRITE_REPLACE = lib.PMHS_WRITE_REPLACE
_KEY_SPEC_PROCESS_KEYRING = -2		# <keyutils.h>
_EBADMSG, _EPROTO, _EKEYREJECTED = errno.EBADMSG, errno.EPROTO, errno.EKEYREJECTED

_PSK_SALT = b"poorman_handshake:noise:psk:v1"
_ARGON2_T, _ARGON2_M, _ARGON2_P = 3, 65536, 1


class NoiseError(Exception):
    """Base of the Noise errors (as noiseprotocol's noise.exceptions.NoiseError)."""


class NoiseHandshakeError(NoiseError):
    """The handshake was used out of order: not our turn, not started, finished."""


class NoiseInvalidMessage(NoiseError):
    """A handshake or transport message failed to authenticate or decrypt.

    The name HiveMind catches from noiseprotocol. The session is then dead
    for good (the module deletes it): start a new handshake.
    ``errno`` and ``kernel_message`` say what the module reported.
    """

    def __init__(self, msg, errno=None, kernel_message=""):
        super().__init__(msg)
        self.errno = errno
        self.kernel_message = kernel_message


def _b(v, what):
    if isinstance(v, str):
        return v.encode("utf-8")
    if isinstance(v, (bytes, bytearray, memoryview)):
        return bytes(v)
    raise TypeError(f"{what} must be str or bytes, not {type(v).__name__}")


def _wipe(buf):
    if buf is not None:
        _lib.wipe(buf)


def _raise_lib(r, what):
    raise _lib.PmhsError(-r, what)


_A2 = None
_A2_LOCK = threading.Lock()


def _argon2():
    """libargon2, only for an explicit salt, which libpmhs does not take:
    the library libpmhs itself uses, never a Python reimplementation."""
    global _A2
    with _A2_LOCK:
        if _A2 is None:
            affi = type(ffi)()
            affi.cdef("int argon2id_hash_raw(const uint32_t t_cost, const uint32_t m_cost,"
                      " const uint32_t parallelism, const void *pwd, const size_t pwdlen,"
                      " const void *salt, const size_t saltlen, void *hash,"
                      " const size_t hashlen);")
            try:
                _A2 = (affi, affi.dlopen("libargon2.so.1"))
            except OSError as e:
                raise ImportError(f"cannot load libargon2.so.1 ({e}): install libargon2-1") from e
        return _A2


def derive_psk(password, node_id=None, salt=None, *, kdf="argon2id", iterations=None):
    """HiveMind's PSK from a password: 32 bytes.

    argon2id(t=3, m=64 MiB, p=1) with salt SHA-256(node_id), or the constant
    ``poorman_handshake:noise:psk:v1`` without a node id; an explicit ``salt``
    (bytes) is used as is. ``kdf="pbkdf2"`` (a pmhs extension) gives
    PBKDF2-HMAC-SHA256 with salt SHA-256(node_id) and ``iterations``.
    """
    pw = _b(password, "password")
    node = _b(node_id, "node_id") if node_id is not None else None
    out = ffi.new("uint8_t[32]")
    pwbuf = ffi.new("uint8_t[]", max(len(pw), 1))
    ffi.memmove(pwbuf, pw, len(pw))
    try:
        if kdf == "argon2id" and salt is not None:
            if node is not None:
                raise ValueError("give node_id or salt, not both")
            s = _b(salt, "salt")
            if len(s) < 8:
                raise ValueError("argon2id needs a salt of at least 8 bytes")
            affi, a2 = _argon2()
            r = a2.argon2id_hash_raw(_ARGON2_T, _ARGON2_M, _ARGON2_P, affi.cast("void *", pwbuf),
                                     len(pw), s, len(s), affi.cast("void *", out), 32)
            if r != 0:
                raise _lib.PmhsError(errno.EINVAL, "argon2id_hash_raw", f"libargon2 error {r}")
        elif kdf == "argon2id":
            r = lib.pmhs_noise_psk_argon2id(pwbuf, len(pw), node if node else ffi.NULL,
                                            len(node) if node else 0, out)
            if r < 0:
                _raise_lib(r, "argon2id PSK derivation")
        elif kdf == "pbkdf2":
            if salt is not None:
                raise ValueError("pbkdf2: the salt is SHA-256(node_id); give node_id, not salt")
            if node is None:
                raise ValueError("pbkdf2 needs node_id (its salt is SHA-256(node_id))")
            if not iterations or iterations <= 0:
                raise ValueError("pbkdf2 needs iterations > 0")
            r = lib.pmhs_noise_psk_pbkdf2(pwbuf, len(pw), node, len(node), iterations, out)
            if r < 0:
                _raise_lib(r, "PBKDF2 PSK derivation")
        else:
            raise ValueError(f"unknown kdf {kdf!r}: argon2id or pbkdf2")
        return bytes(ffi.buffer(out, 32))
    finally:
        _wipe(out)
        _wipe(pwbuf)


def _pubkey_arg(v):
    """A 32-byte X25519 public key, given raw or as 64 hex characters."""
    if isinstance(v, str):
        try:
            raw = bytes.fromhex(v)
        except ValueError:
            raise ValueError("remote_pubkey: not hex") from None
    else:
        raw = _b(v, "remote_pubkey")
        if len(raw) == 64:
            try:
                raw = bytes.fromhex(raw.decode("ascii"))
            except (UnicodeDecodeError, ValueError):
                pass
    if len(raw) != 32:
        raise ValueError(f"remote_pubkey must be 32 bytes (or 64 hex characters), got {len(raw)}")
    return raw


def _protocol_arg(pattern, remote):
    if pattern is None:
        return KK_PSK0 if remote is not None else XX_PSK2
    p = _b(pattern, "pattern")
    short = {b"XXpsk2": XX_PSK2, b"KKpsk0": KK_PSK0, b"XX_PSK2": XX_PSK2, b"KK_PSK0": KK_PSK0}
    p = short.get(p, p)
    if p not in _PROTOCOLS:
        raise ValueError(f"unsupported Noise protocol {p.decode(errors='replace')!r}: "
                         "Noise_XXpsk2_25519_ChaChaPoly_SHA256 or Noise_KKpsk0_25519_ChaChaPoly_SHA256 "
                         "(or their _AESGCM_ variants)")
    return p


class NoiseCipherState:
    """One direction of a finished handshake, as Split() gives it.

    Backed by the kernel session: ``encrypt_with_ad`` works on the direction
    we send, ``decrypt_with_ad`` on the one the peer sends.
    """

    def __init__(self, hs, direction):
        self._hs = hs
        self._dir = direction
        self.n = 0

    def has_key(self):
        return True

    def encrypt_with_ad(self, ad, plaintext):
        if self._dir != _DIR_ENCRYPT:
            raise NoiseHandshakeError("this CipherState is the peer's direction: it only decrypts")
        ct, n = self._hs._transport(_DIR_ENCRYPT, ad, plaintext)
        self.n = n + 1
        return ct

    def decrypt_with_ad(self, ad, ciphertext):
        if self._dir != _DIR_DECRYPT:
            raise NoiseHandshakeError("this CipherState is our direction: it only encrypts")
        pt, n = self._hs._transport(_DIR_DECRYPT, ad, ciphertext)
        self.n = n + 1
        return pt

    def rekey(self):
        self._hs._rekey(self._dir)


class NoiseHandShake(_lib.Closing):
    """A Noise XXpsk2 (default) or KKpsk0 handshake in the pmhs module.

    initiator: True for the side that writes the first message.
    path: X25519 key file (64 hex characters, mode 0600), created if missing;
        None: a fresh key for this object.
    password / node_id: derive the PSK as HiveMind does (derive_psk); or psk:
        the 32 bytes themselves.
    remote_pubkey: the peer's static key (32 bytes or hex), selects KKpsk0.
    prologue: bytes both sides give alike.
    pattern: a protocol name (XX_PSK2, KK_PSK0, ...).
    logon: publish the secret as a logon key (``secret`` raises then).
    """

    def __init__(self, initiator, path=None, password=None, node_id=None, psk=None,
                 remote_pubkey=None, prologue=b"", pattern=None, *, logon=False):
        self.initiator = bool(initiator)
        self.logon = bool(logon)
        self._lock = threading.RLock()
        self._h = None
        self._id = None
        self._done = False
        self._failed = False
        self._started = False
        self._our_turn = self.initiator
        self._hash = None
        self._key_serial = None
        self._priv = ffi.new("uint8_t[32]")
        self._pub = b""
        self._psk = None
        self._remote = _pubkey_arg(remote_pubkey) if remote_pubkey is not None else None
        self.protocol_name = _protocol_arg(pattern, self._remote)
        self.prologue = _b(prologue or b"", "prologue")
        if len(self.prologue) > 16384:
            raise ValueError("prologue: at most 16384 bytes")
        if b"KK" in self.protocol_name and self._remote is None:
            raise ValueError("KKpsk0 needs remote_pubkey: the peer's static public key")
        if psk is not None and password is not None:
            raise ValueError("give psk or password, not both")
        if psk is not None:
            k = _b(psk, "psk")
            if len(k) != 32:
                raise ValueError(f"psk must be 32 bytes, got {len(k)}")
        elif password is not None:
            k = derive_psk(password, node_id)
        else:
            raise ValueError("a PSK is needed: give password (and node_id) or psk")
        self._psk = ffi.new("uint8_t[32]", k)
        self.path = path
        if path is not None and os.path.exists(path):
            self.load_private(path)
        else:
            r = lib.pmhs_x25519_generate(self._priv)
            if r < 0:
                _raise_lib(r, "X25519 key generation")
            self._set_public()
            if path is not None:
                self.export_private_key(path, replace=False)

    # ---- keys ----

    def _set_public(self):
        pub = ffi.new("uint8_t[32]")
        r = lib.pmhs_x25519_public(self._priv, pub)
        if r < 0:
            _raise_lib(r, "X25519 public key")
        self._pub = bytes(ffi.buffer(pub, 32))

    def load_private(self, path):
        """Use the X25519 key in @path (64 hex characters, mode 0600)."""
        with self._lock:
            if self._started:
                raise NoiseHandshakeError("the handshake has started: the static key is fixed")
            err = ffi.new("char[256]")
            r = lib.pmhs_x25519_load_file(os.fsencode(path), self._priv, err, 256)
            if r < 0:
                _lib.check_err(r, f"loading the Noise key file {path}", err)
            self._set_public()

    def export_private_key(self, path, replace=True):
        """Write our X25519 private key to @path (64 hex characters, mode 0600)."""
        err = ffi.new("char[256]")
        r = lib.pmhs_x25519_write_file(os.fsencode(path), self._priv,
                                       _WRITE_REPLACE if replace else 0, err, 256)
        if r < 0:
            _lib.check_err(r, f"writing the Noise key file {path}", err)

    @property
    def pubkey_bytes(self):
        """Our static public key, 32 raw bytes."""
        return self._pub

    @property
    def pubkey(self):
        """Our static public key, 64 lowercase hex characters."""
        return self._pub.hex()

    @property
    def remote_pubkey(self):
        """The peer's static public key (32 bytes): given (KK) or learned (XX), else None."""
        return self._remote

    @property
    def fingerprint(self):
        """SHA-256 of our key's SPKI, as pmhs identities and pins name it."""
        return self._fp(self._pub)

    @staticmethod
    def _fp(pub):
        spki = ffi.new("uint8_t[44]")
        fp = ffi.new("uint8_t[32]")
        lib.pmhs_x25519_spki(pub, spki)
        lib.pmhs_fingerprint(spki, 44, fp)
        return bytes(ffi.buffer(fp, 32))

    # ---- the handshake ----

    @property
    def handshake_finished(self):
        return self._done

    @property
    def complete(self):
        return self._done

    @property
    def handshake_hash(self):
        """h at the end of the handshake (32 bytes), None before."""
        return self._hash

    def _error(self, r, what):
        """The exception for a failed call on our handle (errno -r)."""
        msg = self._h.errmsg()
        text = f"{what}: {os.strerror(-r)}" + (f" ({msg})" if msg else "")
        if -r in (_EBADMSG, _EKEYREJECTED):
            self._failed = True
            self._forget_session()
            return NoiseInvalidMessage(text, -r, msg)
        if -r == _EPROTO:
            return NoiseHandshakeError(text)
        return _lib.PmhsError(-r, what, msg)

    def _forget_session(self):
        # the module has deleted a failed noise session already
        self._id = None

    def _publish(self):
        pub = ffi.new("struct pmhs_publish *")
        pub.size = ffi.sizeof("struct pmhs_publish")
        # the process keyring: the key dies with the process at the latest
        pub.keyring = _KEY_SPEC_PROCESS_KEYRING
        pub.key_type = _KEY_TYPE_LOGON if self.logon else _KEY_TYPE_USER
        return pub

    def _new_step(self, msgbuf, paybuf):
        st = ffi.new("struct pmhs_step *")
        st.size = ffi.sizeof("struct pmhs_step")
        # libpmhs refuses a size with a NULL buffer
        st.msg = msgbuf
        st.msg_max = _MESSAGE_MAX if msgbuf != ffi.NULL else 0
        st.payload = paybuf
        st.payload_max = _PAYLOAD_MAX if paybuf != ffi.NULL else 0
        return st

    def _check_usable(self):
        if self._failed:
            raise NoiseHandshakeError("the handshake failed: start a new NoiseHandShake")
        if self._done:
            raise NoiseHandshakeError("the handshake is complete: use encrypt/decrypt")

    def _start(self, payload):
        """session-new; the initiator's gives message 1."""
        if self._h is None:
            self._h = _lib.Handle()
        _lib.process_keyring()
        name = ("py%d-%s" % (os.getpid() % 100000, _secrets.token_hex(8))).encode()
        ident = ffi.new("struct pmhs_identity *")
        ident.size = ffi.sizeof("struct pmhs_identity")
        r = lib.pmhs_identity_import_x25519(self._h.h, name, self._priv, ident)
        if r < 0:
            raise self._error(r, "importing the X25519 key into the module")
        msgbuf = ffi.new("uint8_t[]", _MESSAGE_MAX)
        st = self._new_step(msgbuf, ffi.NULL)
        p = ffi.new("struct pmhs_session_params *")
        p.size = ffi.sizeof("struct pmhs_session_params")
        p.mode = _MODE_NOISE
        cname = ffi.new("char[]", name)
        p.identity = cname
        p.oaep_hash = -1
        keep = [cname]
        pub = self._publish()
        p.publish = pub
        proto = ffi.new("char[]", self.protocol_name)
        p.noise_protocol = proto
        p.role = _ROLE_INITIATOR if self.initiator else _ROLE_RESPONDER
        if self.prologue:
            pro = ffi.new("uint8_t[]", self.prologue)
            keep.append(pro)
            p.prologue = pro
            p.prologue_len = len(self.prologue)
        if self._remote is not None and b"KK" in self.protocol_name:
            # XX learns it in the handshake: _took() compares
            rs = ffi.new("uint8_t[32]", self._remote)
            keep.append(rs)
            p.remote_static = rs
        p.psk = self._psk
        if payload is not None:
            pl = ffi.new("uint8_t[]", max(len(payload), 1))
            ffi.memmove(pl, payload, len(payload))
            keep.append(pl)
            p.payload = pl
            p.payload_len = len(payload)
        try:
            r = lib.pmhs_session_new(self._h.h, p, st)
            if r < 0:
                # the PSK is wiped below: no second try with this object
                self._failed = True
                raise self._error(r, "starting the Noise session")
        finally:
            # the session holds its own reference to the identity
            lib.pmhs_identity_delete(self._h.h, name)
            _wipe(self._psk)
            self._psk = None
        self._id = st.id
        self._started = True
        self._our_turn = False
        self._took(st)
        return bytes(ffi.buffer(msgbuf, st.msg_len))

    def _took(self, st):
        if st.flags & _STEP_PEER_STATIC:
            peer = bytes(ffi.buffer(st.peer_static))
            if self._remote is not None and peer != self._remote:
                # XX with remote_pubkey given: the module does not check it, we do
                self._failed = True
                self._done = False
                if self._key_serial is None and st.key_serial > 0:
                    _lib.key_invalidate(st.key_serial)
                lib.pmhs_session_delete(self._h.h, self._id)
                self._id = None
                raise NoiseInvalidMessage("the peer's static key is not the remote_pubkey given")
            self._remote = peer
        if st.flags & _STEP_DONE:
            self._done = True
            self._hash = bytes(ffi.buffer(st.handshake_hash))
            if st.key_serial > 0:
                self._key_serial = st.key_serial
        self._our_turn = bool(st.flags & _STEP_OUR_TURN)

    def write_message(self, payload=b""):
        """Our next handshake message carrying @payload (bytes)."""
        payload = _b(payload, "payload")
        if len(payload) > _PAYLOAD_MAX:
            raise ValueError(f"payload: at most {_PAYLOAD_MAX} bytes")
        with self._lock:
            self._check_usable()
            if not self._started:
                if not self.initiator:
                    raise NoiseHandshakeError("the responder reads the first message")
                return self._start(payload)
            if not self._our_turn:
                raise NoiseHandshakeError("not our turn: read the peer's message first")
            msgbuf = ffi.new("uint8_t[]", _MESSAGE_MAX)
            st = self._new_step(msgbuf, ffi.NULL)
            pl = ffi.new("uint8_t[]", max(len(payload), 1))
            ffi.memmove(pl, payload, len(payload))
            r = lib.pmhs_session_step_payload(self._h.h, self._id, ffi.NULL, 0, pl,
                                              len(payload), _STEP_WRITE, self._publish(), st)
            if r < 0:
                raise self._error(r, "writing the handshake message")
            self._took(st)
            return bytes(ffi.buffer(msgbuf, st.msg_len))

    def read_message(self, message):
        """Read the peer's handshake message; returns its payload (bytes)."""
        message = _b(message, "message")
        if not message:
            raise NoiseInvalidMessage("empty handshake message")
        if len(message) > _MESSAGE_MAX:
            raise NoiseInvalidMessage(f"handshake message longer than {_MESSAGE_MAX} bytes")
        with self._lock:
            self._check_usable()
            if not self._started:
                if self.initiator:
                    raise NoiseHandshakeError("the initiator writes the first message")
                self._start(None)
            elif self._our_turn:
                raise NoiseHandshakeError("our turn: write our message first")
            paybuf = ffi.new("uint8_t[]", _PAYLOAD_MAX)
            st = self._new_step(ffi.NULL, paybuf)
            r = lib.pmhs_session_step_payload(self._h.h, self._id, message, len(message),
                                              ffi.NULL, 0, 0, self._publish(), st)
            if r < 0:
                raise self._error(r, "reading the peer's handshake message")
            self._took(st)
            return bytes(ffi.buffer(paybuf, st.payload_len))

    # ---- after the handshake ----

    def _need_done(self):
        if self._failed or self._id is None:
            raise NoiseHandshakeError("no session: the handshake failed or the object was closed")
        if not self._done:
            raise NoiseHandshakeError("the handshake is not complete")

    def _transport(self, direction, ad, data):
        ad = _b(ad or b"", "ad")
        data = _b(data, "data")
        with self._lock:
            self._need_done()
            out_max = len(data) + 16
            out = ffi.new("uint8_t[]", max(out_max, 1))
            out_len = ffi.new("size_t *")
            nonce = ffi.new("uint64_t *")
            fn = lib.pmhs_session_encrypt if direction == _DIR_ENCRYPT else lib.pmhs_session_decrypt
            r = fn(self._h.h, self._id, ad, len(ad), data, len(data), out, out_max,
                   out_len, nonce)
            if r < 0:
                raise self._error(r, "encrypting" if direction == _DIR_ENCRYPT
                                  else "decrypting the peer's message")
            res = bytes(ffi.buffer(out, out_len[0]))
            if direction == _DIR_DECRYPT:
                _wipe(out)
            return res, nonce[0]

    def _rekey(self, direction):
        with self._lock:
            self._need_done()
            r = lib.pmhs_session_rekey(self._h.h, self._id, direction)
            if r < 0:
                raise self._error(r, "rekey")

    def encrypt(self, data, ad=b""):
        """A transport message (ciphertext || tag) for the peer."""
        return self._transport(_DIR_ENCRYPT, ad, data)[0]

    def decrypt(self, data, ad=b""):
        """The plaintext of the peer's transport message; NoiseInvalidMessage if refused."""
        return self._transport(_DIR_DECRYPT, ad, data)[0]

    def split(self):
        """(initiator->responder, responder->initiator) CipherStates, as Split() orders them."""
        with self._lock:
            self._need_done()
        ours = NoiseCipherState(self, _DIR_ENCRYPT)
        theirs = NoiseCipherState(self, _DIR_DECRYPT)
        return (ours, theirs) if self.initiator else (theirs, ours)

    @property
    def secret_serial(self):
        """Serial of the published export secret (a keyring key), None before."""
        return self._key_serial

    @property
    def secret(self):
        """The export secret's bytes, read from the keyring (not with logon=True)."""
        if self._key_serial is None:
            return None
        if self.logon:
            raise _lib.PmhsError(errno.EOPNOTSUPP, "secret",
                                 "the secret is a logon key (logon=True): use secret_serial")
        return _lib.key_read(self._key_serial)

    def _suite_is_chacha(self):
        return self.protocol_name.endswith(b"_ChaChaPoly_SHA256")

    def ktls(self, sock, nonce=None, peer_nonce=None, initiator=None, cipher=None):
        """Key kTLS on connected TCP socket ``sock`` from the export secret.

        Both sides call it after the handshake; the key goes from the
        keyring to the socket inside the kernel and is consumed. The cipher
        follows the suite unless given (both sides must name the same);
        ``initiator`` defaults to this side's handshake role.
        """
        self._need_done()
        if cipher is None:
            cipher = (lib.PMHS_TLS_CIPHER_CHACHA20_POLY1305 if self._suite_is_chacha()
                      else lib.PMHS_TLS_CIPHER_AES_GCM_256)
        _lib.ktls_install(self._h, self._key_serial, sock, nonce, peer_nonce,
                          self.initiator if initiator is None else initiator, cipher)

    def ipsec(self, local, remote, nonce=None, peer_nonce=None, initiator=None,
              alg=None, reqid=None):
        """Install an ESP SA pair keyed from the export secret; (spi_i2r, spi_r2i).

        The algorithm follows the suite unless given (rfc7539esp for
        ChaChaPoly, rfc4106 AES-GCM-256 for AESGCM).
        """
        self._need_done()
        if alg is None:
            alg = (lib.PMHS_ESP_ALG_CHACHA20_POLY1305 if self._suite_is_chacha()
                   else lib.PMHS_ESP_ALG_AES_GCM_256)
        return _lib.ipsec_up(self._h, self._key_serial, local, remote, nonce, peer_nonce,
                             self.initiator if initiator is None else initiator, alg, reqid)

    def close(self):
        """Delete the session and drop the published secret key.

        Take the secret (secret, or secret_serial for ktls/ipsec, which
        consume the key) before closing: a long-lived process would
        otherwise fill its key quota with one key per handshake.
        """
        with self._lock:
            if self._key_serial is not None:
                _lib.key_invalidate(self._key_serial)
                self._key_serial = None
            if self._h is not None:
                if self._id is not None:
                    lib.pmhs_session_delete(self._h.h, self._id)
                    self._id = None
                self._h.close()
                self._h = None
            _wipe(self._psk)
            self._psk = None

    def __del__(self):
        super().__del__()
        _wipe(getattr(self, "_priv", None))    # __init__ may have failed first

