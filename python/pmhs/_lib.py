# SPDX-License-Identifier: GPL-2.0
"""cffi (ABI mode) binding of libpmhs.so.0, errors as exceptions, a handle.

Everything here is a thin layer over include/pmhs/pmhs.h: no cryptography
is done in Python. Set PMHS_LIBPMHS to the path of a libpmhs.so.0 (the
build tree's, for tests); otherwise the system's is used.
"""

import errno as _errno
import os
import threading

from cffi import FFI

from . import _cdef

ffi = FFI()

# The declarations come from the C headers (python/pmhs/_cdef.py, made by
# tools/gen-python-cdef.py; make gen-check fails when it is stale), plus
# the one libc call used to wipe buffers that held secrets.
ffi.cdef(_cdef.CDEF + "void explicit_bzero(void *s, size_t n);")

# The keyctl calls the compatible `secret` property needs (libkeyutils).
_KEYCTL_CDEF = r"""
typedef int32_t key_serial_t;
long keyctl_read(key_serial_t id, char *buffer, size_t buflen);
long keyctl_invalidate(key_serial_t id);
long keyctl_revoke(key_serial_t id);
long keyctl_describe(key_serial_t id, char *buffer, size_t buflen);
key_serial_t keyctl_get_keyring_ID(key_serial_t id, int create);
"""
kffi = FFI()
kffi.cdef(_KEYCTL_CDEF)

LIBNAME = "libpmhs.so.0"


def _load():
    path = os.environ.get("PMHS_LIBPMHS") or LIBNAME
    try:
        return ffi.dlopen(path)
    except OSError as e:
        raise ImportError(
            "cannot load %s (%s): install libpmhs0, or point PMHS_LIBPMHS "
            "at a built userspace/lib/libpmhs.so.0" % (path, e)) from e


lib = _load()
C = ffi.dlopen(None)		# libc: explicit_bzero
_keyutils = None
_keyutils_lock = threading.Lock()


def keyutils():
    """libkeyutils.so.1, loaded on first use (only `secret` needs it)."""
    global _keyutils
    with _keyutils_lock:
        if _keyutils is None:
            try:
                _keyutils = kffi.dlopen("libkeyutils.so.1")
            except OSError as e:
                raise ImportError("cannot load libkeyutils.so.1 (%s): install "
                                  "libkeyutils1" % e) from e
        return _keyutils


class PmhsError(OSError):
    """A libpmhs call failed: .errno, .strerror and the kernel's reason (.kmsg)."""

    def __init__(self, err, what, kmsg=""):
        msg = "%s: %s" % (what, os.strerror(err))
        if kmsg:
            msg += " (%s)" % kmsg
        super().__init__(err, msg)
        self.kmsg = kmsg
        self.what = what


def errbuf(n=512):
    return ffi.new("char[]", n)


def check_err(rc, what, err=None):
    """For the calls that report in a caller's err buffer (no handle)."""
    if rc < 0:
        kmsg = ffi.string(err).decode("utf-8", "replace") if err is not None else ""
        raise PmhsError(-rc, what, kmsg)
    return rc


def wipe(cbuf, n=None):
    """explicit_bzero a cffi buffer that held a secret."""
    if cbuf is None or cbuf == ffi.NULL:
        return
    if n is None:
        n = ffi.sizeof(cbuf)
    if n:
        C.explicit_bzero(cbuf, n)


def new_struct(ctype):
    """A zeroed struct with its size member set (PMHS_INIT)."""
    s = ffi.new(ctype + " *")
    s.size = ffi.sizeof(ctype)
    return s


class Closing:
    """``with obj:`` closes it; so does garbage collection, quietly."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass


class Handle(Closing):
    """One libpmhs handle (one netlink socket).

    libpmhs serialises calls on a handle; the lock here also keeps a
    failed call and the copy of its kernel message together, so threads
    may share a Handle. Sessions die with the handle (close()).
    """

    def __init__(self, port=0):
        hp = ffi.new("struct pmhs **")
        rc = lib.pmhs_open_port(hp, port) if port else lib.pmhs_open(hp)
        if rc < 0:
            if rc == -_errno.ENOENT:
                raise PmhsError(-rc, "pmhs_open",
                                "the pmhs module is not loaded and cannot be loaded")
            if rc == -_errno.EPROTONOSUPPORT:
                raise PmhsError(-rc, "pmhs_open",
                                "the loaded pmhs module speaks another netlink "
                                "version: install matching module and library")
            raise PmhsError(-rc, "pmhs_open")
        self._h = hp[0]
        self._lock = threading.RLock()

    @property
    def h(self):
        if self._h is None:
            raise ValueError("pmhs handle is closed")
        return self._h

    def call(self, name, *args):
        """lib.<name>(h, *args); raise PmhsError with the kernel's message on failure."""
        with self._lock:
            fn = getattr(lib, name)
            rc = fn(self.h, *args)
            if rc < 0:
                buf = ffi.new("char[]", 1024)
                lib.pmhs_errmsg_copy(self._h, buf, 1024)
                raise PmhsError(-rc, name, ffi.string(buf).decode("utf-8", "replace"))
            return rc

    def errmsg(self):
        with self._lock:
            buf = ffi.new("char[]", 1024)
            lib.pmhs_errmsg_copy(self.h, buf, 1024)
            return ffi.string(buf).decode("utf-8", "replace")

    def version(self):
        v = new_struct("struct pmhs_version")
        self.call("pmhs_get_version", v)
        return v

    def close(self):
        with self._lock:
            if self._h is not None:
                lib.pmhs_close(self._h)
                self._h = None



_default = None
_default_lock = threading.Lock()


def default_handle():
    """A process-wide handle for single-shot calls (RSA helpers)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Handle()
        return _default


def key_read(serial):
    """The payload of a user key we possess (the published secret)."""
    ku = keyutils()
    n = 256
    while True:
        buf = kffi.new("char[]", n)
        got = ku.keyctl_read(serial, buf, n)
        if got < 0:
            e = kffi.errno
            raise PmhsError(e, "keyctl_read(%d)" % serial,
                            "a logon key cannot be read; use secret_serial"
                            if e == _errno.EOPNOTSUPP else "")
        if got <= n:
            out = bytes(kffi.buffer(buf, got))
            C.explicit_bzero(ffi.from_buffer(kffi.buffer(buf)), n)
            return out
        C.explicit_bzero(ffi.from_buffer(kffi.buffer(buf)), n)
        n = got


KEY_SPEC_PROCESS_KEYRING = -2
_proc_keyring = (None, 0)


def process_keyring():
    """Serial of this process's keyring, created if need be.

    The module looks target keyrings up without creating them, so a
    process that publishes into its own keyring makes it first.
    """
    global _proc_keyring
    pid = os.getpid()
    with _keyutils_lock:
        if _proc_keyring[0] == pid:
            return _proc_keyring[1]
    serial = keyutils().keyctl_get_keyring_ID(KEY_SPEC_PROCESS_KEYRING, 1)
    if serial < 0:
        raise PmhsError(kffi.errno, "creating the process keyring")
    with _keyutils_lock:
        _proc_keyring = (pid, serial)
    return serial


def key_invalidate(serial):
    """Drop a published key; ignore keys already gone."""
    try:
        keyutils().keyctl_invalidate(serial)
    except ImportError:
        pass


def _nonces(p, nonce, peer_nonce):
    """Set the two nonces of a kTLS/IPsec parameter block; returns the buffers
    to keep alive until the call."""
    if nonce is None and peer_nonce is None:
        return []
    if nonce is None or peer_nonce is None:
        raise ValueError("nonce and peer_nonce go together: pass both or neither")
    keep = [ffi.from_buffer(bytes(nonce)), ffi.from_buffer(bytes(peer_nonce))]
    p.nonce, p.peer_nonce = keep
    p.nonce_len, p.peer_nonce_len = len(nonce), len(peer_nonce)
    return keep


def ktls_install(h, serial, sock, nonce, peer_nonce, initiator, cipher):
    """Key kTLS on a connected TCP socket from keyring key ``serial``."""
    if not serial:
        raise ValueError("no secret: finish the handshake first")
    p = new_struct("struct pmhs_ktls_params")
    p.fd = sock if isinstance(sock, int) else sock.fileno()
    p.key_serial = serial
    p.role = lib.PMHS_ROLE_INITIATOR if initiator else lib.PMHS_ROLE_RESPONDER
    p.cipher = cipher
    keep = _nonces(p, nonce, peer_nonce)
    h.call("pmhs_ktls_install", p)
    del keep    # the nonce buffers had to live until the call


def ipsec_up(h, serial, local, remote, nonce, peer_nonce, initiator, alg, reqid):
    """Install an ESP SA pair keyed from key ``serial``; (spi_i2r, spi_r2i)."""
    import ipaddress
    import struct
    if not serial:
        raise ValueError("no secret: finish the handshake first")
    p = new_struct("struct pmhs_ipsec_params")
    p.key_serial = serial
    p.role = lib.PMHS_ROLE_INITIATOR if initiator else lib.PMHS_ROLE_RESPONDER
    p.local = struct.unpack("=I", ipaddress.IPv4Address(local).packed)[0]
    p.remote = struct.unpack("=I", ipaddress.IPv4Address(remote).packed)[0]
    p.alg = alg
    if reqid is not None:
        p.flags = lib.PMHS_IPSEC_REQID
        p.reqid = reqid
    keep = _nonces(p, nonce, peer_nonce)
    h.call("pmhs_ipsec_up", p)
    del keep
    return p.spi_i2r, p.spi_r2i
