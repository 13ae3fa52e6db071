# SPDX-License-Identifier: GPL-2.0
"""poorman_handshake's RSA and password API, every handshake run by the pmhs module.

Switch an application by changing one import line::

    from poorman_handshake import HandShake, PasswordHandShake   # before
    from pmhs.poorman import HandShake, PasswordHandShake        # after

The classes, constructor signatures, methods, properties and exceptions
are poorman_handshake's. What runs where:

- Handshakes are module sessions (libpmhs): the random contributions, the
  OAEP/PSS operations, the hsub hashing and PBKDF2 all happen in the
  kernel. The shared secret is published as a key in the process keyring;
  ``secret`` reads it from there on every access, so the bytes it returns
  are the only copy in Python. With ``logon=True`` the key is a ``logon``
  key: ``secret`` raises and ``secret_serial`` gives the key for kTLS or
  IPsec (``ktls()``, ``ipsec()``) without the secret entering Python.
- RSA private keys are imported into the module as identities; the key
  objects keep the PKCS#1 DER only so that ``export_key()`` and key files
  work as the reference's do.
- Python itself only encodes (hex, PEM armour, DER of public keys) and
  draws nothing secret. docs/python.md lists every behaviour that differs
  from the reference.
"""

import base64
import errno
import hmac
import itertools
import logging
import os
import shutil
import tempfile
import threading
import weakref

from pmhs import _lib
from pmhs._lib import PmhsError, ffi, lib

__all__ = [
    "PasswordHandShake", "HandShake", "HalfHandShake", "RsaKey",
    "InvalidSignatureError", "WeakPasswordError", "DEFAULT_MIN_BITS",
    "check_password_strength", "password_bits",
    "encrypt_RSA", "decrypt_RSA", "sign_RSA", "verify_RSA",
    "hybrid_encrypt_RSA", "hybrid_decrypt_RSA", "load_RSA_key",
    "export_RSA_key", "create_RSA_key", "generate_iv", "create_hsub",
    "match_hsub", "iv_from_hsub", "PmhsError",
]

LOG = logging.getLogger("pmhs.poorman")

# The reference's choices: OAEP with SHA-1 (pycryptodome's default).
_OAEP = lib.PMHS_OAEP_HASH_SHA1
# Published secrets go to the process keyring (_lib.process_keyring()):
# they die with the process.
_ERRLEN = 512


class InvalidSignatureError(ValueError):
    """A handshake's signature did not verify; ``secret`` is unchanged."""


class WeakPasswordError(ValueError):
    """Raised when a password is too weak/guessable for the password handshake."""


#: Minimum estimated guess resistance (bits) PasswordHandShake asks for.
DEFAULT_MIN_BITS = 40.0


# ---------------------------------------------------------------- strength

_zx = None
_zx_lock = threading.Lock()


def _zxcvbn():
    """libzxcvbn.so.0 (zxcvbn-c, as pmhs-ctl uses), loaded on first use."""
    global _zx
    with _zx_lock:
        if _zx is None:
            zffi = _lib.FFI()
            zffi.cdef("double ZxcvbnMatch(const char *Passwd, const char *UserDict[], "
                      "void **Info);")
            try:
                _zx = (zffi, zffi.dlopen("libzxcvbn.so.0"))
            except OSError as e:
                raise ImportError("cannot load libzxcvbn.so.0 (%s): install libzxcvbn0"
                                  % e) from e
        return _zx


def password_bits(password):
    """Estimated guess resistance of ``password`` in bits (zxcvbn-c, as pmhs-ctl)."""
    if isinstance(password, str):
        password = password.encode("utf-8")
    zffi, z = _zxcvbn()
    buf = zffi.new("char[]", password)
    try:
        return float(z.ZxcvbnMatch(buf, zffi.NULL, zffi.NULL))
    finally:
        _lib.C.explicit_bzero(ffi.from_buffer(zffi.buffer(buf)), len(password))


def check_password_strength(password, min_bits=DEFAULT_MIN_BITS):
    """Raise WeakPasswordError if ``password`` is weaker than ``min_bits`` (<= 0: no check)."""
    if min_bits <= 0:
        return
    if not password:
        raise WeakPasswordError("password must be a non-empty string")
    bits = password_bits(password)
    if bits < min_bits:
        raise WeakPasswordError(
            "password is too guessable (~%.0f bits of resistance; %.0f required). "
            "Use a longer passphrase, or NoiseHandShake with a high-entropy secret. "
            "Pass min_bits=0 to bypass this check (not recommended)." % (bits, min_bits))


# ---------------------------------------------------------------- DER/PEM codecs
# Encoding only: no key material is computed here.

def _der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def _der(tag, body):
    return bytes([tag]) + _der_len(len(body)) + body


def _der_read(buf, pos):
    """(tag, body start, body end) of the TLV at ``pos``."""
    tag = buf[pos]
    n = buf[pos + 1]
    pos += 2
    if n & 0x80:
        k = n & 0x7f
        n = int.from_bytes(buf[pos:pos + k], "big")
        pos += k
    if pos + n > len(buf):
        raise ValueError("truncated DER")
    return tag, pos, pos + n


def _spki_n_e(spki):
    """Modulus and exponent of an RSA SubjectPublicKeyInfo (DER decoding only)."""
    _, s, _ = _der_read(spki, 0)			# SubjectPublicKeyInfo
    _, a, a_end = _der_read(spki, s)		# AlgorithmIdentifier
    tag, b, b_end = _der_read(spki, a_end)		# BIT STRING
    if tag != 0x03:
        raise ValueError("not an RSA public key")
    rsa = spki[b + 1:b_end]			# skip the unused-bits byte
    _, r, _ = _der_read(rsa, 0)
    _, ns, ne = _der_read(rsa, r)
    _, es, ee = _der_read(rsa, ne)
    return int.from_bytes(rsa[ns:ne], "big"), int.from_bytes(rsa[es:ee], "big")


_RSA_ALG_ID = bytes.fromhex("300d06092a864886f70d0101010500")


def _pkcs1_pub_to_spki(der):
    return _der(0x30, _RSA_ALG_ID + _der(0x03, b"\x00" + der))


def _pem(label, der):
    b64 = base64.b64encode(der).decode("ascii")
    lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
    # As pycryptodome writes it: no newline after the last line.
    return "-----BEGIN %s-----\n%s\n-----END %s-----" % (label, "\n".join(lines), label)


def _unpem(text):
    """(label, DER) of the first PEM block of ``text``, or (None, text) if not PEM."""
    if isinstance(text, (bytes, bytearray)):
        if b"-----BEGIN " not in text:
            return None, bytes(text)
        text = bytes(text).decode("ascii", "replace")
    start = text.find("-----BEGIN ")
    if start < 0:
        raise ValueError("RSA key format is not supported")
    eol = text.find("-----", start + 11)
    label = text[start + 11:eol]
    end = text.find("-----END %s-----" % label, eol)
    if end < 0:
        raise ValueError("RSA key format is not supported")
    body = "".join(text[eol + 5:end].split())
    try:
        return label, base64.b64decode(body, validate=True)
    except ValueError:
        raise ValueError("RSA key format is not supported") from None


# ---------------------------------------------------------------- keys

_ident_counter = itertools.count(1)
# One module identity per private key, shared by every RsaKey object that
# holds it (the module allows 64 identities per user): spki -> [name, refs].
_IDENTS = {}
_IDENTS_LOCK = threading.Lock()


def _release_identity(spki):
    with _IDENTS_LOCK:
        ent = _IDENTS.get(spki)
        if ent is None:
            return
        ent[1] -= 1
        if ent[1]:
            return
        del _IDENTS[spki]
    try:
        _lib.default_handle().call("pmhs_identity_delete", ent[0].encode())
    except Exception:
        pass


class RsaKey:
    """An RSA key with the interface of pycryptodome's ``RsaKey``.

    Public keys are their SPKI DER. Private keys also hold the PKCS#1 DER
    (for ``export_key()`` and key files) and are imported into the module
    as an identity the first time a private-key operation needs them; the
    identity is deleted when the object goes away.
    """

    def __init__(self, spki, bits, der=None):
        self._spki = bytes(spki)
        self._bits = bits
        self._der = bytearray(der) if der is not None else None
        self._n, self._e = _spki_n_e(self._spki)
        self._ident = None
        self._ident_lock = threading.Lock()
        self._finalizer = None

    # pycryptodome's interface
    @property
    def n(self):
        return self._n

    @property
    def e(self):
        return self._e

    @property
    def d(self):
        raise AttributeError("the private exponent stays in the pmhs module")

    def has_private(self):
        return self._der is not None

    def size_in_bits(self):
        return self._bits

    def size_in_bytes(self):
        return (self._bits - 1) // 8 + 1

    def can_encrypt(self):
        return True

    def can_sign(self):
        return True

    def public_key(self):
        return RsaKey(self._spki, self._bits)

    publickey = public_key

    def export_key(self, format="PEM", **kwargs):
        """PEM or DER: the private key as PKCS#1, the public key as SPKI."""
        if kwargs.get("passphrase"):
            raise ValueError("encrypted key export is not supported by pmhs")
        if format not in ("PEM", "DER"):
            raise ValueError("unknown format %r (pmhs exports PEM or DER)" % format)
        if self._der is not None:
            der = bytes(self._der)
            label = "RSA PRIVATE KEY"
            if kwargs.get("pkcs", 1) == 8:
                # PrivateKeyInfo around the PKCS#1 key: DER encoding only.
                der = _der(0x30, b"\x02\x01\x00" + _RSA_ALG_ID + _der(0x04, der))
                label = "PRIVATE KEY"
        else:
            der = self._spki
            label = "PUBLIC KEY"
        if format == "DER":
            return der
        return _pem(label, der).encode("ascii")

    exportKey = export_key

    def __eq__(self, other):
        if not isinstance(other, RsaKey):
            return NotImplemented
        return (self._spki == other._spki and self.has_private() == other.has_private())

    def __hash__(self):
        return hash(self._spki)

    def __repr__(self):
        return "RsaKey(n=%d bits, e=%d%s)" % (self._bits, self._e,
                                              ", private" if self.has_private() else "")

    # pmhs
    @property
    def spki(self):
        """The public key as SubjectPublicKeyInfo DER."""
        return self._spki

    def identity(self):
        """Name of the module identity holding this private key (imported once)."""
        if self._der is None:
            raise TypeError("This is not a private key")
        with self._ident_lock:
            if self._ident is not None:
                return self._ident
            with _IDENTS_LOCK:
                ent = _IDENTS.get(self._spki)
                if ent is None:
                    name = "py%d-%d" % (os.getpid(), next(_ident_counter))
                    der = ffi.from_buffer(self._der)
                    _lib.default_handle().call("pmhs_identity_import_der", name.encode(),
                                               der, len(self._der), ffi.NULL)
                    ent = _IDENTS[self._spki] = [name, 0]
                ent[1] += 1
            self._ident = ent[0]
            self._finalizer = weakref.finalize(self, _release_identity, self._spki)
            return self._ident

    def _wipe(self):
        if self._der is not None:
            _lib.C.explicit_bzero(ffi.from_buffer(self._der), len(self._der))


def _key_from_struct(k):
    spki = bytes(ffi.buffer(k.spki, k.spki_len))
    der = None
    if k.der != ffi.NULL and k.flags & lib.PMHS_KEY_F_PRIVATE:
        der = bytearray(ffi.buffer(k.der, k.der_len))
    return RsaKey(spki, k.bits, der)


def _load_key_file(path, private_only=False):
    """Load a key file through libpmhs; ValueError for anything that is not a usable key."""
    k = _lib.new_struct("struct pmhs_key")
    err = _lib.errbuf(_ERRLEN)
    p = os.fsencode(path)
    rc = lib.pmhs_key_load_private(p, k, err, _ERRLEN)
    if rc == -errno.EOPNOTSUPP and not private_only:
        lib.pmhs_key_free(k)
        k = _lib.new_struct("struct pmhs_key")
        rc = lib.pmhs_key_load_public(p, k, err, _ERRLEN)
    try:
        if rc < 0:
            msg = ffi.string(err).decode("utf-8", "replace")
            if rc in (-errno.ENOENT, -errno.EACCES, -errno.EPERM, -errno.EISDIR):
                raise PmhsError(-rc, "loading %s" % path, msg)
            # pycryptodome raises ValueError for keys it cannot use.
            raise ValueError("RSA key format is not supported: %s" % msg)
        return _key_from_struct(k)
    finally:
        lib.pmhs_key_free(k)


def _import_key(data):
    """An RsaKey from PEM or DER text or bytes (what RSA.import_key takes)."""
    if isinstance(data, RsaKey):
        return data
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("expected a PEM/DER key (str or bytes) or an RsaKey, not %s"
                        % type(data).__name__)
    data = bytes(data)
    label, der = _unpem(data)
    if label in ("PUBLIC KEY", None) and der[:1] == b"\x30":
        k = _lib.new_struct("struct pmhs_key")
        if lib.pmhs_key_from_spki(der, len(der), k, ffi.NULL, 0) == 0:
            try:
                return _key_from_struct(k)
            finally:
                lib.pmhs_key_free(k)
    if label == "RSA PUBLIC KEY":
        spki = _pkcs1_pub_to_spki(der)
        k = _lib.new_struct("struct pmhs_key")
        err = _lib.errbuf(_ERRLEN)
        rc = lib.pmhs_key_from_spki(spki, len(spki), k, err, _ERRLEN)
        if rc < 0:
            raise ValueError("RSA key format is not supported: %s"
                             % ffi.string(err).decode("utf-8", "replace"))
        try:
            return _key_from_struct(k)
        finally:
            lib.pmhs_key_free(k)
    # Private keys (and anything else): libpmhs reads files, so hand it a
    # memfd; the key never touches a disk.
    fd = os.memfd_create("pmhs-key", os.MFD_CLOEXEC)
    try:
        os.write(fd, data)
        return _load_key_file("/proc/self/fd/%d" % fd)
    finally:
        os.ftruncate(fd, 0)
        os.close(fd)


def _pub(key):
    if key is None:
        raise ValueError("no public key: call load_public() or pass pub")
    return _import_key(key)


def _priv(key):
    k = _import_key(key)
    if not k.has_private():
        raise TypeError("This is not a private key")
    return k


# ---------------------------------------------------------------- RSA helpers

def encrypt_RSA(public_key, plaintext):
    """RSA-OAEP (SHA-1, as pycryptodome's default) encryption, in the module."""
    key = _pub(public_key)
    if isinstance(plaintext, str):
        plaintext = plaintext.encode("utf-8")
    out = ffi.new("uint8_t[]", 1024)
    n = ffi.new("size_t *")
    try:
        _lib.default_handle().call("pmhs_rsa_encrypt", key.spki, len(key.spki), _OAEP,
                                   plaintext, len(plaintext), out, 1024, n)
    except PmhsError as e:
        if e.errno in (errno.EMSGSIZE, errno.EINVAL, errno.ERANGE, errno.EOVERFLOW):
            raise ValueError("Plaintext is too long. (%s)" % e.kmsg) from None
        raise
    return bytes(ffi.buffer(out, n[0]))


def decrypt_RSA(secret_key, ciphertext):
    """RSA-OAEP (SHA-1) decryption with the key's module identity."""
    key = _priv(secret_key)
    if isinstance(ciphertext, str):
        ciphertext = ciphertext.encode("utf-8")
    out = ffi.new("uint8_t[]", 1024)
    n = ffi.new("size_t *")
    try:
        _lib.default_handle().call("pmhs_rsa_decrypt", key.identity().encode(), _OAEP,
                                   ciphertext, len(ciphertext), out, 1024, n)
    except PmhsError as e:
        if e.errno in (errno.EBADMSG, errno.EINVAL, errno.EKEYREJECTED):
            raise ValueError("Incorrect decryption.") from None
        raise
    res = bytes(ffi.buffer(out, n[0]))
    _lib.wipe(out)
    return res


def sign_RSA(secret_key, message):
    """RSA-PSS (SHA-256, MGF1-SHA-256, salt 32) signature, in the module."""
    key = _priv(secret_key)
    if isinstance(message, str):
        message = message.encode("utf-8")
    sig = ffi.new("uint8_t[]", 1024)
    n = ffi.new("size_t *")
    _lib.default_handle().call("pmhs_rsa_sign", key.identity().encode(), message,
                               len(message), sig, 1024, n)
    return bytes(ffi.buffer(sig, n[0]))


def verify_RSA(public_key, message, signature):
    """True if ``signature`` is a valid RSA-PSS signature of ``message``."""
    key = _pub(public_key)
    if isinstance(message, str):
        message = message.encode("utf-8")
    try:
        signature = bytes(signature)
    except TypeError:
        return False
    try:
        _lib.default_handle().call("pmhs_rsa_verify", key.spki, len(key.spki), message,
                                   len(message), signature, len(signature))
    except PmhsError as e:
        # ERANGE: a signature of the wrong length (empty, truncated).
        if e.errno in (errno.EBADMSG, errno.EKEYREJECTED, errno.EINVAL, errno.ERANGE):
            return False
        raise
    return True


def _memfd_in(data):
    fd = os.memfd_create("pmhs-in", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    import fcntl
    fcntl.fcntl(fd, fcntl.F_ADD_SEALS,
                fcntl.F_SEAL_WRITE | fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW)
    return fd


def _memfd_out(size):
    import fcntl
    fd = os.memfd_create("pmhs-out", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
    os.ftruncate(fd, size)
    fcntl.fcntl(fd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW)
    return fd


def _read_fd(fd, n):
    return os.pread(fd, n, 0) if n else b""


def hybrid_encrypt_RSA(public_key, plaintext):
    """RSA-OAEP + AES-256-GCM (the reference's format), in the module.

    ``u16be(k) || RSA-OAEP(key) || nonce(16) || tag(16) || ciphertext``.
    """
    key = _pub(public_key)
    if isinstance(plaintext, str):
        plaintext = plaintext.encode("utf-8")
    size = 2 + key.size_in_bytes() + 32 + len(plaintext)
    fin = _memfd_in(plaintext)
    fout = _memfd_out(size)
    try:
        n = ffi.new("uint64_t *")
        _lib.default_handle().call("pmhs_hybrid_encrypt", key.spki, len(key.spki), _OAEP,
                                   fin, fout, n)
        return _read_fd(fout, n[0])
    finally:
        os.close(fin)
        os.close(fout)


def hybrid_decrypt_RSA(secret_key, ciphertext):
    """Decrypt hybrid_encrypt_RSA's output; ValueError if it was tampered with."""
    key = _priv(secret_key)
    ciphertext = bytes(ciphertext)
    fin = _memfd_in(ciphertext)
    fout = _memfd_out(max(len(ciphertext), 1))
    try:
        n = ffi.new("uint64_t *")
        try:
            _lib.default_handle().call("pmhs_hybrid_decrypt", key.identity().encode(),
                                       _OAEP, fin, fout, n)
        except PmhsError as e:
            if e.errno in (errno.EBADMSG, errno.EINVAL, errno.EKEYREJECTED):
                raise ValueError("MAC check failed (%s)" % e.kmsg) from None
            raise
        return _read_fd(fout, n[0])
    finally:
        os.close(fin)
        os.close(fout)


# (realpath) -> ((mtime_ns, size, ino), RsaKey), as the reference memoises.
_RSA_KEY_CACHE = {}
_RSA_KEY_CACHE_LOCK = threading.Lock()


def load_RSA_key(path):
    """Load an RSA key file (PEM or DER, private or public).

    An unchanged file (same mtime, size and inode) returns the same object;
    a rewritten one is read again.
    """
    real = os.path.realpath(path)
    st = os.stat(real)
    sig = (st.st_mtime_ns, st.st_size, st.st_ino)
    with _RSA_KEY_CACHE_LOCK:
        cached = _RSA_KEY_CACHE.get(real)
        if cached is not None and cached[0] == sig:
            return cached[1]
    key = _load_key_file(real)
    with _RSA_KEY_CACHE_LOCK:
        _RSA_KEY_CACHE[real] = (sig, key)
    return key


def export_RSA_key(key, path):
    """Write a key (RsaKey, PEM str or bytes) to ``path``, replacing it atomically.

    Private keys are written mode 0600, public keys 0644.
    """
    base = os.path.dirname(path)
    if base:
        os.makedirs(base, exist_ok=True)
    private = False
    if isinstance(key, RsaKey):
        private = key.has_private()
        key = key.export_key(format="PEM")
    if isinstance(key, str):
        key = key.encode("utf-8")
    key = bytes(key)
    if b"PRIVATE KEY" in key:
        private = True
    err = _lib.errbuf(_ERRLEN)
    rc = lib.pmhs_write_atomic(os.fsencode(path), key, len(key), 0o600 if private else 0o644,
                               lib.PMHS_WRITE_REPLACE, err, _ERRLEN)
    _lib.check_err(rc, "writing %s" % path, err)


def _generate(key_size):
    """A new private RsaKey made by libpmhs (2048, 3072 or 4096 bits)."""
    if key_size not in (2048, 3072, 4096):
        raise ValueError("pmhs generates RSA keys of 2048, 3072 or 4096 bits, not %r"
                         % (key_size,))
    # libpmhs writes new keys to a file: keep it in memory (tmpfs) where we can.
    shm = "/dev/shm" if os.access("/dev/shm", os.W_OK | os.X_OK) else None
    d = tempfile.mkdtemp(prefix="pmhs-key-", dir=shm)
    path = os.path.join(d, "key.pem")
    k = _lib.new_struct("struct pmhs_key")
    err = _lib.errbuf(_ERRLEN)
    try:
        rc = lib.pmhs_key_generate(os.fsencode(path), key_size, 0, k, err, _ERRLEN)
        _lib.check_err(rc, "generating an RSA key", err)
        return _key_from_struct(k)
    finally:
        lib.pmhs_key_free(k)
        try:
            with open(path, "r+b") as f:
                f.write(b"\0" * os.fstat(f.fileno()).st_size)
            os.unlink(path)
        except OSError:
            pass
        shutil.rmtree(d, ignore_errors=True)


def create_RSA_key(key_size=2048):
    """A new key pair as ``(public_pem, private_pem)`` strings."""
    k = _generate(key_size)
    try:
        return (k.public_key().export_key().decode("ascii"),
                k.export_key().decode("ascii"))
    finally:
        k._wipe()


# ---------------------------------------------------------------- symmetric helpers

def generate_iv(key_length=8):
    """Random IV bytes from the kernel's CSPRNG (os.urandom); public data."""
    return os.urandom(key_length)


def iv_from_hsub(hsub, digits=16):
    """The IV at the front of an hsub (hex decoding of public data)."""
    return bytes.fromhex(hsub[:digits])


def create_hsub(text, iv=None, hsublen=48):
    """``hex(iv || SHA-256(iv || text))[:hsublen]``, computed by the module.

    A password session with this IV makes the hsub; the password is hashed
    in the kernel, never in Python. iv: 8 bytes; hsublen: 48 to 80.
    """
    iv = generate_iv() if iv is None else bytes(iv)
    if isinstance(text, str):
        text = text.encode("utf-8")
    if len(iv) != 8:
        raise ValueError("pmhs hsubs take an 8-byte IV, not %d bytes" % len(iv))
    if not lib.PMHS_HSUB_LEN_MIN <= hsublen <= lib.PMHS_HSUB_LEN_MAX:
        raise ValueError("hsublen must be %d to %d" % (lib.PMHS_HSUB_LEN_MIN,
                                                        lib.PMHS_HSUB_LEN_MAX))
    h = _lib.default_handle()
    sid, msg, _ = _session_new(h, lib.PMHS_MODE_PASSWORD, password=text, iv=iv,
                               hsub_len=hsublen)
    _session_del(h, sid)
    return msg.decode("ascii")


def match_hsub(hsub, subject):
    """True if ``hsub`` was made from ``subject`` (the hash runs in the module)."""
    if isinstance(hsub, bytes):
        hsub = hsub.decode("ascii", "replace")
    if not isinstance(hsub, str) or not lib.PMHS_HSUB_LEN_MIN <= len(hsub) <= \
            lib.PMHS_HSUB_LEN_MAX:
        return False
    try:
        iv = iv_from_hsub(hsub)
    except ValueError:
        return False
    return hmac.compare_digest(create_hsub(subject, iv, len(hsub)), hsub)


# ---------------------------------------------------------------- sessions

def _session_new(h, mode, identity=None, peer=None, password=None, iv=None,
                 hsub_len=0, key_type=lib.PMHS_KEY_TYPE_USER):
    """Start a session on handle ``h``: (id, our message, key serial or 0)."""
    keep = []
    p = _lib.new_struct("struct pmhs_session_params")
    p.mode = mode
    p.oaep_hash = _OAEP
    if identity is not None:
        keep.append(ffi.new("char[]", identity.encode()))
        p.identity = keep[-1]
    if peer is not None:
        keep.append(ffi.from_buffer(peer.spki))
        p.peer_pubkey = keep[-1]
        p.peer_pubkey_len = len(peer.spki)
    pwbuf = None
    if password is not None:
        pwbuf = ffi.new("uint8_t[]", password)
        p.password = pwbuf
        p.password_len = len(password)
    if iv is not None:
        keep.append(ffi.from_buffer(iv))
        p.iv = keep[-1]
        p.iv_len = len(iv)
    p.hsub_len = hsub_len
    pub = _lib.new_struct("struct pmhs_publish")
    pub.keyring = _lib.process_keyring()
    pub.key_type = key_type
    p.publish = pub
    st = _lib.new_struct("struct pmhs_step")
    msg = ffi.new("uint8_t[]", lib.PMHS_MESSAGE_MAX)
    st.msg = msg
    st.msg_max = lib.PMHS_MESSAGE_MAX
    try:
        h.call("pmhs_session_new", p, st)
    finally:
        if pwbuf is not None:
            _lib.wipe(pwbuf, len(password))
    return st.id, bytes(ffi.buffer(msg, st.msg_len)), st.key_serial


def _session_step(h, sid, message, key_type=lib.PMHS_KEY_TYPE_USER):
    pub = _lib.new_struct("struct pmhs_publish")
    pub.keyring = _lib.process_keyring()
    pub.key_type = key_type
    st = _lib.new_struct("struct pmhs_step")
    msg = ffi.new("uint8_t[]", lib.PMHS_MESSAGE_MAX)
    st.msg = msg
    st.msg_max = lib.PMHS_MESSAGE_MAX
    h.call("pmhs_session_step", sid, message, len(message), pub, st)
    return st.key_serial


def _session_del(h, sid):
    try:
        h.call("pmhs_session_delete", sid)
    except (PmhsError, ValueError):
        pass


def _cleanup(state):
    """Finaliser: end the session, drop the published key, close the socket."""
    h, sid, serial = state.get("h"), state.get("sid"), state.get("serial")
    if h is not None and sid:
        _session_del(h, sid)
    if serial:
        _lib.key_invalidate(serial)
    if h is not None:
        h.close()


class _Published(_lib.Closing):
    """The published-secret part every class shares (secret, logon, kTLS, IPsec)."""

    def _init_published(self, logon):
        self.logon = bool(logon)
        # Mutable so the finaliser sees the current session and key.
        self._state = {"h": None, "sid": 0, "serial": 0}
        self._finalizer = weakref.finalize(self, _cleanup, self._state)
        self._lock = threading.RLock()

    @property
    def _key_type(self):
        return lib.PMHS_KEY_TYPE_LOGON if self.logon else lib.PMHS_KEY_TYPE_USER

    def _handle(self):
        if self._state["h"] is None:
            self._state["h"] = _lib.Handle()
        return self._state["h"]

    def _new_session(self, *args, **kw):
        """Replace the current unfinished session (if any) with a new one."""
        h = self._handle()
        if self._state["sid"]:
            _session_del(h, self._state["sid"])
            self._state["sid"] = 0
        sid, msg, serial = _session_new(h, *args, key_type=self._key_type, **kw)
        self._state["sid"] = sid
        if serial:
            self._publish(serial)
        return msg

    def _step(self, message):
        h = self._handle()
        sid = self._state["sid"]
        try:
            serial = _session_step(h, sid, message, key_type=self._key_type)
        finally:
            # Done or failed for good: either way the session is over.
            _session_del(h, sid)
            self._state["sid"] = 0
        self._publish(serial)

    def _publish(self, serial):
        old = self._state["serial"]
        self._state["serial"] = serial
        if old and old != serial:
            _lib.key_invalidate(old)

    @property
    def secret_serial(self):
        """Keyring serial of the published secret (None before a handshake)."""
        return self._state["serial"] or None

    def _set_secret(self, value):
        # The reference's secret is a plain attribute; only resetting it
        # makes sense when the module holds it.
        if value is not None:
            raise AttributeError("secret is published by the pmhs module and "
                                 "cannot be set; only `secret = None` (forget it)")
        old, self._state["serial"] = self._state["serial"], 0
        if old:
            _lib.key_invalidate(old)

    def _secret(self):
        serial = self._state["serial"]
        if not serial:
            return None
        if self.logon:
            raise PmhsError(errno.EOPNOTSUPP, "secret",
                            "the secret is a logon key (logon=True): use secret_serial")
        return _lib.key_read(serial)

    def ktls(self, sock, nonce=None, peer_nonce=None, initiator=True,
             cipher=lib.PMHS_TLS_CIPHER_AES_GCM_256):
        """Key kTLS on connected TCP socket ``sock`` from the secret (consumes it).

        ``nonce``/``peer_nonce``: 32 fresh bytes each, exchanged when the
        connection is set up (required for secrets only one side chose).
        """
        _lib.ktls_install(self._handle(), self._state["serial"], sock, nonce,
                          peer_nonce, initiator, cipher)

    def ipsec(self, local, remote, nonce=None, peer_nonce=None, initiator=True,
              alg=lib.PMHS_ESP_ALG_AES_GCM_256, reqid=None):
        """Install an ESP SA pair keyed from the secret; returns (spi_i2r, spi_r2i)."""
        return _lib.ipsec_up(self._handle(), self._state["serial"], local, remote,
                             nonce, peer_nonce, initiator, alg, reqid)

    ipsec_up = ipsec

    secret = property(lambda self: self._secret(), lambda self, v: self._set_secret(v),
                      doc="The shared key (bytes), read from the keyring; None before a handshake.")

    def close(self):
        """End the session, drop the published key and close the socket."""
        self._finalizer()


# ---------------------------------------------------------------- PasswordHandShake

class PasswordHandShake(_Published):
    """Password-based key agreement, run by the module.

    Refuses passwords weaker than ``min_bits`` (zxcvbn estimate; 0 disables).
    ``secret`` is PBKDF2-HMAC-SHA256(password, iv_a XOR iv_b, 100000, 32),
    computed in the kernel and read from the keyring.
    """

    def __init__(self, password, min_bits=DEFAULT_MIN_BITS, logon=False):
        check_password_strength(password, min_bits)
        self.password = password
        self.iv = None
        self.salt = None
        self._next_iv = None		# known-answer tests only: fixes the IV
        self._init_published(logon)

    def _pw(self):
        pw = self.password
        return pw.encode("utf-8") if isinstance(pw, str) else bytes(pw)

    def generate_handshake(self):
        """Our hsub (hex str); the module draws the IV."""
        with self._lock:
            msg = self._new_session(lib.PMHS_MODE_PASSWORD, password=self._pw(),
                                    iv=self._next_iv)
            hsub = msg.decode("ascii")
            self.iv = iv_from_hsub(hsub)
            return hsub

    def verify(self, shake):
        """True if ``shake`` was made with our password (and is not our own hsub)."""
        if isinstance(shake, bytes):
            shake = shake.decode("ascii", "replace")
        if self.iv is not None and shake[:16] == self.iv.hex():
            return False
        return match_hsub(shake, self.password)

    def receive_handshake(self, shake):
        """Hand the peer's hsub to the module, which checks it and publishes the secret.

        Raises ValueError if the module refuses it (wrong password, our own
        hsub reflected, malformed); ``salt`` and ``secret`` are then unchanged.
        """
        if isinstance(shake, bytes):
            shake = shake.decode("ascii", "replace")
        with self._lock:
            if not self._state["sid"]:
                raise ValueError("call generate_handshake() before receive_handshake()")
            try:
                self._step(shake.encode("ascii", "replace"))
            except PmhsError as e:
                if e.errno in (errno.EBADMSG, errno.EKEYREJECTED, errno.EINVAL):
                    raise ValueError("handshake refused: %s" % (e.kmsg or e.strerror)) \
                        from None
                raise
            self.salt = bytes(a ^ b for a, b in zip(self.iv, iv_from_hsub(shake)))

    def receive_and_verify(self, shake):
        """Verify, then receive: True on success, False if the hsub does not verify."""
        if not self.verify(shake):
            return False
        try:
            self.receive_handshake(shake)
        except ValueError:
            return False
        return True



# ---------------------------------------------------------------- RSA handshakes

def _bak_recover(path):
    bak = path + ".bak"
    shutil.copy2(path, bak)
    os.remove(path)
    LOG.warning("Invalid RSA key format in '%s'. Created backup at '%s' and will "
                "generate new key.", path, bak)


class HandShake(_Published):
    """Mutual RSA key agreement (both sides contribute 32 random bytes), in the module.

    ``path``: the private key file, loaded if it exists (an unreadable key
    is moved to ``path + ".bak"`` and a new one generated), else created.
    """

    _send_mode = lib.PMHS_MODE_RSA_MUTUAL

    def __init__(self, path=None, key_size=2048, logon=False):
        self._init_published(logon)
        self.private_key = None
        self.path = path
        self.key_size = key_size
        if path and os.path.isfile(path):
            try:
                self.load_private(path)
            except ValueError:
                try:
                    _bak_recover(path)
                except Exception as e:
                    raise ValueError("Failed to handle invalid key file: %s" % e)
        if not self.private_key:
            self.private_key = _generate(key_size)
            if path:
                self.export_private_key(path)
        self.target_key = None
        self._peer = None		# the key our current session talks to

    def load_private(self, path):
        self.private_key = load_RSA_key(path)
        if not self.private_key.has_private():
            self.private_key = None
            raise ValueError("%s holds a public key, not a private one" % path)

    def export_private_key(self, path):
        export_RSA_key(self.private_key.export_key(format="PEM"), path)

    @property
    def pubkey(self):
        """Our public key, PEM (as pycryptodome writes it)."""
        if not self.private_key:
            return None
        return self.private_key.public_key().export_key(format="PEM").decode("utf-8")

    def load_public(self, pub):
        self.target_key = _import_key(pub).public_key()

    def generate_handshake(self, pub=None):
        """Our message (hex of signature || ciphertext) to ``pub`` or the loaded key."""
        peer = _pub(pub or self.target_key)
        with self._lock:
            msg = self._new_session(self._send_mode, identity=self.private_key.identity(),
                                    peer=peer)
            self._peer = peer
            return msg.hex()

    def verify(self, shake, pub):
        """True if the message's signature verifies with ``pub`` (in the module)."""
        key = _pub(pub)
        try:
            raw = bytes.fromhex(shake) if isinstance(shake, str) else \
                bytes.fromhex(shake.decode("ascii"))
        except (ValueError, UnicodeDecodeError):
            return False
        k = key.size_in_bytes()
        if len(raw) <= k:
            return False
        return verify_RSA(key, raw[k:], raw[:k])

    def _receive_session(self, pub):
        """Mutual: the session generate_handshake() started."""
        if not self._state["sid"]:
            raise ValueError("call generate_handshake() before receive_handshake()")
        if pub is not None and _pub(pub).spki != self._peer.spki:
            raise ValueError("the handshake was generated for another public key")

    def receive_handshake(self, shake, _peer_pub=None):
        """Give the peer's message to the module: it verifies, decrypts and publishes.

        Raises InvalidSignatureError (bad signature) or ValueError
        (malformed, not for us); the secret is then unchanged.
        """
        try:
            raw = bytes.fromhex(shake) if isinstance(shake, str) else \
                bytes.fromhex(bytes(shake).decode("ascii"))
        except (ValueError, UnicodeDecodeError):
            raise ValueError("handshake is not hex") from None
        with self._lock:
            self._receive_session(_peer_pub)
            try:
                self._step(raw)
            except PmhsError as e:
                if e.errno == errno.EKEYREJECTED:
                    raise InvalidSignatureError("handshake signature did not verify: %s"
                                                % (e.kmsg or e.strerror)) from None
                if e.errno in (errno.EBADMSG, errno.EINVAL):
                    raise ValueError("handshake refused: %s" % (e.kmsg or e.strerror)) \
                        from None
                raise

    def receive_and_verify(self, shake, pub=None):
        """Verify the signature, then receive; InvalidSignatureError if it does not verify.

        The signature is checked first on its own, so a forged message
        leaves the session (and ``secret``) as they were.
        """
        key = pub or self._peer or self.target_key
        if not self.verify(shake, key):
            raise InvalidSignatureError("handshake signature did not verify")
        self.receive_handshake(shake, _peer_pub=key)



class HalfHandShake(HandShake):
    """One-way key agreement: the sender's secret, encrypted to the receiver.

    The sender's secret is published as soon as generate_handshake()
    returns; the receiver gets it from receive_and_verify().
    """

    _send_mode = lib.PMHS_MODE_RSA_HALF_SEND

    def _receive_session(self, pub):
        # The receiver sends nothing: its session starts here.
        sender = _pub(pub or self.target_key)
        self._new_session(lib.PMHS_MODE_RSA_HALF_RECEIVE,
                          identity=self.private_key.identity(), peer=sender)
        self._peer = sender

    def receive_and_verify(self, shake, pub=None):
        key = pub or self.target_key
        if not self.verify(shake, key):
            raise InvalidSignatureError("handshake signature did not verify")
        self.receive_handshake(shake, _peer_pub=key)
