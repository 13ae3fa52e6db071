# SPDX-License-Identifier: GPL-2.0
"""OPAQUE-3DH (RFC 9807) run by the pmhs kernel module, with opaque-ke-py's API.

The functions and the message flow are opaque-ke-py's: ``server_setup()``,
``client_registration_start(password)`` ... ``server_login_finish(state,
finalization)``, with ``get_message()``, ``get_state()``,
``get_session_key()``, ``get_export_key()`` and ``get_password_file()`` on
the results, ``ValueError`` on authentication failure, the suite
opaque-ke-py uses (ristretto255, 3DH, SHA-512, Argon2id) and the RFC's
messages (bytes) on the wire. What differs (docs/python.md):

- States are handles to kernel sessions, not bytes: they cannot be
  saved or sent to another process (the messages can). Each is single-use.
- The client's password goes to the module at ``*_start`` and is held
  there until the session ends; the password given again to ``*_finish``
  is accepted for compatibility and not used.
- Keys are keyring keys: ``get_session_key()``/``get_export_key()`` read
  them (bytes) unless the flow was started with ``logon=True``, which
  makes them logon keys and returns a ``Key`` handle whose reading raises.
- The KSF is an argument (``ksf=``): opaque-ke's Argon2id default unless
  given; ``Argon2id(m_kib, t, p)`` or ``Identity()`` (RFC test vectors).
- The server setup is a module identity; ``ServerSetup`` deletes it on
  ``close()``.

No cryptography is done in Python: the module runs the protocol, libpmhs
the KSF, the setup files and base64url.
"""
import errno
import hmac
import os
import secrets as _secrets
import threading

from . import _lib
from ._lib import ffi, lib

__all__ = [
    "server_setup", "ServerSetup", "ServerSetupData",
    "client_registration_start", "server_registration_start",
    "client_registration_finish", "server_registration_finish",
    "client_login_start", "server_login_start",
    "client_login_finish", "server_login_finish",
    "Argon2id", "Identity", "Key", "AuthenticationError", "TooManyAttempts",
    "constant_time_compare", "b64url_encode", "b64url_decode",
]

_REGISTER, _LOGIN = lib.PMHS_MODE_OPAQUE_REGISTER, lib.PMHS_MODE_OPAQUE_LOGIN
_CLIENT, _SERVER = lib.PMHS_ROLE_INITIATOR, lib.PMHS_ROLE_RESPONDER
_KEY_TYPE_LOGON = lib.PMHS_KEY_TYPE_LOGON
_STEP_DONE = lib.PMHS_STEP_DONE
_WRITE_REPLACE = lib.PMHS_WRITE_REPLACE
_SETUP_LEN = lib.PMHS_OPAQUE_SETUP_LEN
_CRED_ID_MAX = lib.PMHS_OPAQUE_CRED_ID_MAX
_ID_MAX = lib.PMHS_OPAQUE_ID_MAX
_PASSWORD_MAX = lib.PMHS_PASSWORD_MAX
_KEY_SPEC_PROCESS_KEYRING = -2		# <keyutils.h>

# The RFC's serializations (docs/protocol.md, "OPAQUE modes").
REGISTRATION_REQUEST_LEN = 32
REGISTRATION_RESPONSE_LEN = 64
REGISTRATION_UPLOAD_LEN = PASSWORD_FILE_LEN = lib.PMHS_OPAQUE_RECORD_LEN
KE1_LEN, KE2_LEN, KE3_LEN = 96, 320, 64
KEY_LEN = 64

# ristretto255's generator (RFC 9496 A.1): a valid registration request
# for the module's record check in a session of our own.
_R255_BASE = bytes.fromhex("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76")


class AuthenticationError(ValueError):
    """The login or registration failed to authenticate (the module said EBADMSG).

    A wrong password, an unknown user or a tampered message; the module
    does not say which. A ``ValueError``, as opaque-ke-py raises.
    ``errno`` and ``kernel_message`` say what the module reported.
    """

    def __init__(self, msg, errno=None, kernel_message=""):
        super().__init__(msg)
        self.errno = errno
        self.kernel_message = kernel_message


class TooManyAttempts(_lib.PmhsError):
    """The module's login limiter refused the attempt (EAGAIN): try again later.

    Not a ``ValueError``: it is no authentication failure (nothing was
    tried), and a server should tell the user to wait, not that the
    password is wrong.
    """


# ---- arguments ----

def _b(v, what):
    if isinstance(v, str):
        return v.encode("utf-8")
    if isinstance(v, (bytes, bytearray, memoryview)):
        return bytes(v)
    raise TypeError(f"{what} must be bytes (or str), not {type(v).__name__}")


def _msg(v, what, n):
    """A protocol message: bytes of exactly @n bytes, else ValueError."""
    if not isinstance(v, (bytes, bytearray, memoryview)):
        raise TypeError(f"{what} must be bytes, not {type(v).__name__} "
                        "(b64url_decode() turns base64url text into bytes)")
    v = bytes(v)
    if len(v) != n:
        raise ValueError(f"Invalid message format: {what} is {n} bytes, not {len(v)}")
    return v


def _opt(v, what, n_max):
    if v is None:
        return None
    v = _b(v, what)
    if len(v) > n_max:
        raise ValueError(f"{what}: at most {n_max} bytes")
    return v


def _username(v):
    v = _b(v, "username")
    if not 1 <= len(v) <= _CRED_ID_MAX:
        raise ValueError(f"username: 1 to {_CRED_ID_MAX} bytes, not {len(v)}")
    return v


class Argon2id:
    """The Argon2id KSF (v1.3, salt 16 zero bytes, as opaque-ke's Argon2).

    The defaults are opaque-ke 4's ``Argon2::default()``: m_kib=19456, t=2,
    p=1. Registration and every login of a user must use the same.
    """

    def __init__(self, m_kib=lib.PMHS_OPAQUE_KSF_M_KIB, t=lib.PMHS_OPAQUE_KSF_T,
                 p=lib.PMHS_OPAQUE_KSF_P):
        for name, v in (("m_kib", m_kib), ("t", t), ("p", p)):
            if not isinstance(v, int) or isinstance(v, bool):
                raise TypeError(f"Argon2id {name} must be an int")
        if not 1 <= p <= lib.PMHS_OPAQUE_KSF_P_MAX:
            raise ValueError(f"Argon2id p: 1 to {lib.PMHS_OPAQUE_KSF_P_MAX}, not {p}")
        if not 1 <= t <= lib.PMHS_OPAQUE_KSF_T_MAX:
            raise ValueError(f"Argon2id t: 1 to {lib.PMHS_OPAQUE_KSF_T_MAX}, not {t}")
        if not 8 * p <= m_kib <= lib.PMHS_OPAQUE_KSF_M_KIB_MAX:
            raise ValueError(f"Argon2id m_kib: 8*p to {lib.PMHS_OPAQUE_KSF_M_KIB_MAX}, "
                             f"not {m_kib}")
        self.m_kib, self.t, self.p = m_kib, t, p

    def _c(self):
        k = _lib.new_struct("struct pmhs_opaque_ksf")
        k.m_kib, k.t, k.p = self.m_kib, self.t, self.p
        return k

    def __eq__(self, other):
        return (isinstance(other, Argon2id) and
                (self.m_kib, self.t, self.p) == (other.m_kib, other.t, other.p))

    def __hash__(self):
        return hash((self.m_kib, self.t, self.p))

    def __repr__(self):
        return f"Argon2id(m_kib={self.m_kib}, t={self.t}, p={self.p})"


class Identity:
    """The Identity KSF (no stretching), as RFC 9807's test vectors use.

    Only for tests and for peers configured without a KSF: it leaves a
    stolen record open to fast offline guessing.
    """

    def _c(self):
        k = _lib.new_struct("struct pmhs_opaque_ksf")
        k.flags = lib.PMHS_OPAQUE_KSF_F_IDENTITY
        return k

    def __eq__(self, other):
        return isinstance(other, Identity)

    def __hash__(self):
        return hash(Identity)

    def __repr__(self):
        return "Identity()"


def _ksf_arg(ksf):
    if ksf is None or isinstance(ksf, (Argon2id, Identity)):
        return ksf
    raise TypeError("ksf must be None (Argon2id defaults), Argon2id(...) or Identity(), "
                    f"not {type(ksf).__name__}")


def constant_time_compare(a, b):
    """Compare two byte strings in time independent of where they differ."""
    return hmac.compare_digest(_b(a, "a"), _b(b, "b"))


def b64url_encode(data):
    """base64url without padding (str), as opaque-ke based tools carry messages."""
    data = _b(data, "data")
    n = (len(data) * 4 + 2) // 3
    out = ffi.new("char[]", n + 1)
    r = lib.pmhs_b64url_encode(data, len(data), out, n + 1)
    if r < 0:
        raise _lib.PmhsError(-r, "pmhs_b64url_encode")
    return ffi.string(out, r).decode("ascii")


def b64url_decode(text):
    """The bytes of base64url text (padding optional); ValueError if malformed."""
    t = text.encode("ascii", "replace") if isinstance(text, str) else _b(text, "text")
    out = ffi.new("uint8_t[]", max(len(t) * 3 // 4 + 3, 1))
    err = _lib.errbuf(256)
    r = lib.pmhs_b64url_decode(t, len(t), out, len(out), err, 256)
    if r < 0:
        raise ValueError("not base64url: " + ffi.string(err).decode("utf-8", "replace"))
    return bytes(ffi.buffer(out, r))


# ---- keys ----

class Key(_lib.Closing):
    """A 64-byte key the module published in this process's keyring.

    ``serial`` names it (for keyctl, or kTLS/IPsec once they take 64-byte
    keys); ``read()`` (or ``bytes(key)``) returns it unless it is a logon
    key, which raises ``PmhsError`` (EOPNOTSUPP). ``close()`` invalidates
    the key; so does garbage collection.
    """

    def __init__(self, serial, logon, what):
        self._serial = serial
        self.logon = logon
        self.what = what

    @property
    def serial(self):
        if self._serial is None:
            raise ValueError(f"the {self.what} was closed")
        return self._serial

    def read(self):
        if self.logon:
            raise _lib.PmhsError(errno.EOPNOTSUPP, self.what,
                                 "a logon key (logon=True) cannot be read: use its serial")
        return _lib.key_read(self.serial)

    def __bytes__(self):
        return self.read()

    def __repr__(self):
        return f"<pmhs.opaque.Key {self.what} serial={self._serial} logon={self.logon}>"

    def close(self):
        if getattr(self, "_serial", None) is not None:
            _lib.key_invalidate(self._serial)
            self._serial = None


def _key(serial, logon, what):
    return Key(serial, logon, what) if serial > 0 else None


# ---- sessions ----

def _new_name(kind):
    # identity names: at most PMHS_NAME_MAX (32) characters
    return "py%s%d-%s" % (kind, os.getpid() % 100000, _secrets.token_hex(6))


class _Session(_lib.Closing):
    """One OPAQUE session in the module, on a netlink handle of its own.

    The flow's state: single-use (the module deletes a session that fails;
    a format error found here leaves it usable), deleted once finished.
    """

    def __init__(self, mode, role, logon=False, ksf=None):
        self.mode, self.role, self.logon, self.ksf = mode, role, bool(logon), ksf
        self._lock = threading.RLock()
        self._id = None
        self._used = False
        self._h = _lib.Handle()

    def __repr__(self):
        kind = "registration" if self.mode == _REGISTER else "login"
        side = "client" if self.role == _CLIENT else "server"
        return f"<pmhs.opaque {side} {kind} state, session {self._id}>"

    def _publish(self):
        pub = _lib.new_struct("struct pmhs_publish")
        # the process keyring: the keys die with the process at the latest
        pub.keyring = _KEY_SPEC_PROCESS_KEYRING
        if self.logon:
            pub.key_type = _KEY_TYPE_LOGON
        else:
            # the module's default for the server's session key is logon:
            # opaque-ke-py's get_session_key() returns bytes on both sides
            pub.flags = lib.PMHS_PUBLISH_USER_KEY
        return pub

    def _error(self, r, what):
        msg = self._h.errmsg() if self._h is not None else ""
        e = -r
        if e == errno.EBADMSG:
            self._id = None		# the module deleted the session
            return AuthenticationError("Authentication failed: " + what +
                                       (f" ({msg})" if msg else ""), e, msg)
        if e == errno.EAGAIN:
            return TooManyAttempts(e, what, msg or "too many failed logins: try again later")
        return _lib.PmhsError(e, what, msg)

    def start(self, what, password=None, identity=None, cred_id=None, record=None,
              context=None, client_identity=None, server_identity=None):
        """session-new; returns the client's first message (b"" for the server)."""
        # the module looks the target keyring up at every step, even one
        # that publishes nothing: a server process must make it too
        _lib.process_keyring()
        p = _lib.new_struct("struct pmhs_opaque_params")
        p.role = self.role
        keep = []

        def put(field, data):
            buf = ffi.new("uint8_t[]", max(len(data), 1))
            ffi.memmove(buf, data, len(data))
            keep.append(buf)
            setattr(p, field, buf)
            setattr(p, field + "_len", len(data))
            return buf

        pw = None
        if password is not None:
            pw = put("password", password)
        if identity is not None:
            name = ffi.new("char[]", identity.encode())
            keep.append(name)
            p.identity = name
        if cred_id is not None:
            put("cred_id", cred_id)
        if record is not None:
            rec = ffi.new("uint8_t[]", record)
            keep.append(rec)
            p.record = rec
        for field, v in (("context", context), ("client_identity", client_identity),
                         ("server_identity", server_identity)):
            if v is not None:
                put(field, v)
        st = _lib.new_struct("struct pmhs_opaque_step")
        try:
            with self._lock:
                r = lib.pmhs_opaque_start(self._h.h, self.mode, p, self._publish(), st)
                if r < 0:
                    self._used = True
                    raise self._error(r, what)
                self._id = st.id
        finally:
            if pw is not None:
                _lib.wipe(pw)
        return bytes(ffi.buffer(st.msg, st.msg_len))

    def step(self, what, msg):
        """session-recv of the peer's message (the client's KSF included);
        returns the step. A failure ends the session."""
        with self._lock:
            if self._id is None:
                raise ValueError(f"{what}: this state was used already or failed "
                                 "(states are single-use: start again)")
            ksf = self.ksf._c() if self.ksf is not None else ffi.NULL
            st = _lib.new_struct("struct pmhs_opaque_step")
            r = lib.pmhs_opaque_next(self._h.h, self._id, ksf, msg, len(msg),
                                     self._publish(), st)
            if r < 0:
                err = self._error(r, what)
                self.close()
                raise err
            return st

    def take(self, what):
        """The state for the flow's last step: no one may use it again."""
        with self._lock:
            if self._used or self._id is None:
                raise ValueError(f"{what}: this state was used already or failed "
                                 "(states are single-use: start again)")
            self._used = True

    def close(self):
        with getattr(self, "_lock", threading.RLock()):
            if getattr(self, "_h", None) is not None:
                if self._id is not None:
                    lib.pmhs_session_delete(self._h.h, self._id)
                    self._id = None
                self._h.close()
                self._h = None


def _state_arg(state, mode, role, what):
    """The _Session behind a state (or the start result that holds it)."""
    s = getattr(state, "_state", state)
    if not isinstance(s, _Session):
        raise TypeError(f"{what}: the state must be the get_state() of the matching start "
                        "(pmhs states are handles to kernel sessions, not bytes), not "
                        f"{type(state).__name__}")
    if s.mode != mode or s.role != role:
        raise TypeError(f"{what}: {s!r} is not the state this step takes")
    return s


# ---- server setup ----

def _call(name, *args):
    """One identity call on a handle of its own (never a socket inherited
    over fork)."""
    with _lib.Handle() as h:
        return h.call(name, *args)


class ServerSetup(_lib.Closing):
    """The server's OPAQUE setup, held by the module as an identity.

    128 bytes of seeds (oprf_seed, AKE key seed, fake-record key seed);
    the module derives the key pairs and never gives them out. This
    object keeps a copy of the seeds (wiped on close) so that ``save`` and
    ``to_bytes`` work, and deletes the identity on ``close()`` (or when
    collected, or at ``with`` exit). A process that dies first leaves the
    identity in the module: ``pmhs-ctl identity del NAME``.
    """

    def __init__(self, setup=None, name=None):
        self._setup = ffi.new("uint8_t[]", _SETUP_LEN)
        self._owned = False
        self.name = None
        if setup is None:
            r = lib.pmhs_opaque_setup_generate(self._setup)
            if r < 0:
                raise _lib.PmhsError(-r, "generating an OPAQUE server setup")
        else:
            if not isinstance(setup, ffi.CData) and len(setup) != _SETUP_LEN:
                raise ValueError(f"an OPAQUE server setup is {_SETUP_LEN} bytes, "
                                 f"not {len(setup)}")
            ffi.memmove(self._setup, setup, _SETUP_LEN)
        self._import(name or _new_name("opq"))

    def _import(self, name):
        ident = _lib.new_struct("struct pmhs_identity")
        try:
            _call("pmhs_identity_import_opaque", name.encode(), self._setup, ident)
        except Exception:
            _lib.wipe(self._setup)
            raise
        self.name = name
        self._owned = True

    @classmethod
    def generate(cls, name=None):
        """A fresh random setup (what ``server_setup()`` returns)."""
        return cls(None, name)

    @classmethod
    def load(cls, path, name=None):
        """The setup in file @path (256 hex digits, mode 0600, as ``save`` and
        ``pmhs-ctl opaque setup`` write it), imported as identity @name."""
        buf = ffi.new("uint8_t[]", _SETUP_LEN)
        err = _lib.errbuf(512)
        try:
            r = lib.pmhs_opaque_setup_load_file(os.fsencode(path), buf, err, 512)
            _lib.check_err(r, f"loading the OPAQUE setup file {path}", err)
            return cls(buf, name)
        finally:
            _lib.wipe(buf)

    @classmethod
    def from_bytes(cls, data, name=None):
        """pmhs's 128-byte setup (``to_bytes``); not opaque-ke's serialization."""
        data = _b(data, "setup")
        if len(data) != _SETUP_LEN:
            raise ValueError(f"an OPAQUE server setup is {_SETUP_LEN} bytes, not {len(data)}")
        return cls(data, name)

    @classmethod
    def from_identity(cls, name):
        """Use an opaque-server identity already in the module (e.g. imported
        with pmhs-ctl). It is not ours: ``close`` leaves it, ``save`` cannot."""
        ident = _lib.new_struct("struct pmhs_identity")
        _call("pmhs_identity_get", name.encode(), ident)
        if ident.cred_type != lib.PMHS_CRED_TYPE_OPAQUE_SERVER:
            raise ValueError(f"identity {name!r} is not an OPAQUE server setup")
        self = cls.__new__(cls)
        self._setup = None
        self._owned = False
        self.name = name
        return self

    def _need(self):
        if self.name is None:
            raise ValueError("the server setup was closed")

    @property
    def public_key(self):
        """The server's ristretto255 public key (32 bytes)."""
        self._need()
        out = ffi.new("uint8_t[64]")
        n = ffi.new("size_t *")
        _call("pmhs_identity_pubkey", self.name.encode(), out, 64, n)
        return bytes(ffi.buffer(out, n[0]))

    def to_bytes(self):
        """The 128 secret bytes (pmhs's format). Guard them as the private key."""
        self._need()
        if self._setup is None:
            raise ValueError("this setup came from an identity: the module keeps its seeds")
        return bytes(ffi.buffer(self._setup, _SETUP_LEN))

    def save(self, path, replace=False):
        """Write the setup to @path (mode 0600, atomically); an existing file
        is replaced only with replace=True (a new setup voids every record)."""
        self._need()
        if self._setup is None:
            raise ValueError("this setup came from an identity: the module keeps its seeds")
        err = _lib.errbuf(512)
        r = lib.pmhs_opaque_setup_write_file(os.fsencode(path), self._setup,
                                             _WRITE_REPLACE if replace else 0, err, 512)
        _lib.check_err(r, f"writing the OPAQUE setup file {path}", err)

    def __repr__(self):
        return f"<pmhs.opaque.ServerSetup identity {self.name!r}>"

    def close(self):
        if getattr(self, "_owned", False) and self.name is not None:
            try:
                _call("pmhs_identity_delete", self.name.encode())
            except OSError:
                pass
        self._owned = False
        self.name = None
        if getattr(self, "_setup", None) is not None:
            _lib.wipe(self._setup)
            self._setup = None


ServerSetupData = ServerSetup


def server_setup(name=None):
    """A new server setup, imported into the module as identity @name
    (default: a fresh name). Keep it (``save``) and reuse it: a new setup
    voids every registration made with the old."""
    return ServerSetup(None, name)


def _setup_arg(setup):
    if isinstance(setup, ServerSetup):
        setup._need()
        return setup.name
    if isinstance(setup, str):
        return setup
    raise TypeError("server_setup must be a ServerSetup (or an identity name), not "
                    f"{type(setup).__name__}")


# ---- results ----

class _Result:
    _message = b""
    _state = None

    def get_message(self):
        """The message to send to the peer (bytes)."""
        return self._message

    def get_state(self):
        """The state to keep for the next step: a handle, not bytes."""
        if self._state is None:
            raise ValueError("this step leaves no state")
        return self._state


class ClientRegistrationStartData(_Result):
    pass


class ServerRegistrationStartData(_Result):
    pass


class ClientLoginStartData(_Result):
    pass


class ServerLoginStartData(_Result):
    pass


class ClientRegistrationFinishData(_Result):
    export_key = None

    def get_export_key(self):
        """The export key: bytes, or a ``Key`` handle with logon=True."""
        return _key_out(self.export_key)

    @property
    def export_key_serial(self):
        return self.export_key.serial


class ServerRegistrationFinishData(_Result):
    _password_file = b""

    def get_password_file(self):
        """The registration record (192 bytes) to store for the user."""
        return self._password_file


class _Traffic:
    """kTLS and IPsec keyed from the login's session key (as pmhs.poorman's)."""
    _initiator = True

    def ktls(self, sock, nonce=None, peer_nonce=None, initiator=None,
             cipher=lib.PMHS_TLS_CIPHER_AES_GCM_256):
        """Key kTLS on connected TCP socket ``sock`` from the session key.

        Both ends call it; ``initiator`` defaults to the client side. No
        nonces are needed (both sides put randomness into the login). The
        traffic keys go from the keyring to the socket inside the kernel,
        and the session key is consumed.
        """
        with _lib.Handle() as h:
            _lib.ktls_install(h, self.session_key.serial, sock, nonce, peer_nonce,
                              self._initiator if initiator is None else initiator, cipher)

    def ipsec(self, local, remote, nonce=None, peer_nonce=None, initiator=None,
              alg=lib.PMHS_ESP_ALG_AES_GCM_256, reqid=None):
        """Install an ESP SA pair keyed from the session key; (spi_i2r, spi_r2i)."""
        with _lib.Handle() as h:
            return _lib.ipsec_up(h, self.session_key.serial, local, remote, nonce,
                                 peer_nonce, self._initiator if initiator is None else initiator,
                                 alg, reqid)

    ipsec_up = ipsec


class ClientLoginFinishData(_Traffic, _Result):
    session_key = None
    export_key = None

    def get_session_key(self):
        """The session key: bytes, or a ``Key`` handle with logon=True."""
        return _key_out(self.session_key)

    def get_export_key(self):
        """The export key (the registration's): bytes, or a ``Key`` with logon=True."""
        return _key_out(self.export_key)

    @property
    def session_key_serial(self):
        return self.session_key.serial

    @property
    def export_key_serial(self):
        return self.export_key.serial


class ServerLoginFinishData(_Traffic, _Result):
    session_key = None
    _initiator = False

    def get_session_key(self):
        """The session key: bytes, or a ``Key`` handle with logon=True."""
        return _key_out(self.session_key)

    @property
    def session_key_serial(self):
        return self.session_key.serial


def _key_out(k):
    if k is None:
        raise ValueError("no key was published")
    return k if k.logon else k.read()


# ---- the flow ----

def _client_start(mode, out, what, password, ksf, logon, context, client_identity,
                  server_identity):
    """The client's first step of either flow: @out gets the message and the state."""
    pw = _b(password, "password")
    if len(pw) > _PASSWORD_MAX:
        raise ValueError(f"password: at most {_PASSWORD_MAX} bytes")
    s = _Session(mode, _CLIENT, logon, _ksf_arg(ksf))
    try:
        out._message = s.start(what, password=pw,
                               context=_opt(context, "context", _ID_MAX),
                               client_identity=_opt(client_identity, "client_identity",
                                                    _ID_MAX),
                               server_identity=_opt(server_identity, "server_identity",
                                                    _ID_MAX))
    except BaseException:
        s.close()
        raise
    out._state = s
    return out

def client_registration_start(password, *, ksf=None, logon=False, context=None,
                              client_identity=None, server_identity=None):
    """Client, registration step 1: the request for the server.

    The password goes to the module now (and is wiped here); ``ksf``
    (default Argon2id's opaque-ke defaults) runs at the finish; ``logon``
    makes the export key unreadable from userspace.
    """
    return _client_start(_REGISTER, ClientRegistrationStartData(),
                         "starting the client's registration", password, ksf, logon,
                         context, client_identity, server_identity)


def server_registration_start(server_setup, registration_request, username, *,
                              context=None, client_identity=None, server_identity=None):
    """Server, registration step 2: the response to the client's request.

    ``get_state()`` holds the session for ``server_registration_finish``'s
    ``state=`` (the module checks the record in it).
    """
    name = _setup_arg(server_setup)
    req = _msg(registration_request, "registration_request", REGISTRATION_REQUEST_LEN)
    s = _Session(_REGISTER, _SERVER)
    try:
        s.start("starting the server's registration", identity=name,
                cred_id=_username(username), context=_opt(context, "context", _ID_MAX),
                client_identity=_opt(client_identity, "client_identity", _ID_MAX),
                server_identity=_opt(server_identity, "server_identity", _ID_MAX))
        st = s.step("reading the registration request", req)
    except BaseException:
        s.close()
        raise
    out = ServerRegistrationStartData()
    out._message = bytes(ffi.buffer(st.msg, st.msg_len))
    out._state = s
    return out


def client_registration_finish(password, client_state, registration_response, *, ksf=None):
    """Client, registration step 3: the upload (record) for the server.

    ``password`` is accepted for opaque-ke-py's signature and not used:
    the module holds the one given to ``client_registration_start``.
    ``ksf``, if given, replaces the one given at the start.
    """
    _b(password, "password")
    s = _state_arg(client_state, _REGISTER, _CLIENT, "client_registration_finish")
    resp = _msg(registration_response, "registration_response", REGISTRATION_RESPONSE_LEN)
    s.take("client_registration_finish")
    if ksf is not None:
        s.ksf = _ksf_arg(ksf)
    try:
        st = s.step("finishing the client's registration", resp)
        out = ClientRegistrationFinishData()
        out._message = bytes(ffi.buffer(st.msg, st.msg_len))
        out.export_key = _key(st.export_serial, s.logon, "export key")
    finally:
        s.close()
    return out


def _check_record(upload):
    """The module's record check in a throwaway registration session: a
    fresh setup, ristretto255's generator as the request, then the record."""
    with ServerSetup() as tmp:
        s = _Session(_REGISTER, _SERVER)
        try:
            s.start("checking the registration upload", identity=tmp.name, cred_id=b"check")
            s.step("checking the registration upload", _R255_BASE)
            s.step("checking the registration upload", upload)
        finally:
            s.close()


def server_registration_finish(registration_upload, state=None):
    """Server, registration step 4: the password file (the record) to store.

    With ``state`` (``server_registration_start(...).get_state()``, or the
    start result itself) the module checks the record in the registration's
    session. Without it (opaque-ke-py's signature) the module checks it in
    a throwaway session of its own: the same check (the client's public
    key must decode), not bound to the registration.
    Raises ``ValueError`` if the upload is not a valid record.
    """
    up = _msg(registration_upload, "registration_upload", REGISTRATION_UPLOAD_LEN)
    if state is None:
        _check_record(up)
    else:
        s = _state_arg(state, _REGISTER, _SERVER, "server_registration_finish")
        s.take("server_registration_finish")
        try:
            s.step("checking the registration upload", up)
        finally:
            s.close()
    out = ServerRegistrationFinishData()
    out._password_file = up
    return out


def client_login_start(password, *, ksf=None, logon=False, context=None,
                       client_identity=None, server_identity=None):
    """Client, login step 1: KE1 for the server.

    As ``client_registration_start``; ``ksf`` must be the registration's,
    ``logon`` makes the session and export keys unreadable from userspace.
    """
    return _client_start(_LOGIN, ClientLoginStartData(), "starting the client's login",
                         password, ksf, logon, context, client_identity, server_identity)


def server_login_start(server_setup, password_file, credential_request, username, *,
                       logon=False, context=None, client_identity=None,
                       server_identity=None):
    """Server, login step 2: KE2 for the client.

    ``password_file`` None is a user the server does not know: the module
    answers from a fake record, and the login fails as a wrong password
    does (RFC 9807 section 10.9). ``logon`` makes the session key
    unreadable from userspace. Raises ``TooManyAttempts`` when the
    module's login limiter refuses the user.
    """
    name = _setup_arg(server_setup)
    rec = None
    if password_file is not None:
        rec = _msg(password_file, "password_file", PASSWORD_FILE_LEN)
    ke1 = _msg(credential_request, "credential_request", KE1_LEN)
    s = _Session(_LOGIN, _SERVER, logon)
    try:
        s.start("starting the server's login", identity=name, cred_id=_username(username),
                record=rec, context=_opt(context, "context", _ID_MAX),
                client_identity=_opt(client_identity, "client_identity", _ID_MAX),
                server_identity=_opt(server_identity, "server_identity", _ID_MAX))
        st = s.step("reading KE1", ke1)
    except BaseException:
        s.close()
        raise
    out = ServerLoginStartData()
    out._message = bytes(ffi.buffer(st.msg, st.msg_len))
    out._state = s
    return out


def client_login_finish(password, client_state, credential_response, *, ksf=None):
    """Client, login step 3: KE3 for the server, and the keys.

    Raises ``AuthenticationError`` (a ``ValueError``) for a wrong password,
    an unknown user or a tampered KE2. ``password`` is not used (see
    ``client_registration_finish``).
    """
    _b(password, "password")
    s = _state_arg(client_state, _LOGIN, _CLIENT, "client_login_finish")
    ke2 = _msg(credential_response, "credential_response", KE2_LEN)
    s.take("client_login_finish")
    if ksf is not None:
        s.ksf = _ksf_arg(ksf)
    try:
        st = s.step("finishing the client's login", ke2)
        out = ClientLoginFinishData()
        out._message = bytes(ffi.buffer(st.msg, st.msg_len))
        out.session_key = _key(st.key_serial, s.logon, "session key")
        out.export_key = _key(st.export_serial, s.logon, "export key")
    finally:
        s.close()
    return out


def server_login_finish(server_state, credential_finalization):
    """Server, login step 4: the session key.

    Raises ``AuthenticationError`` (a ``ValueError``) if KE3 does not
    authenticate the client.
    """
    s = _state_arg(server_state, _LOGIN, _SERVER, "server_login_finish")
    ke3 = _msg(credential_finalization, "credential_finalization", KE3_LEN)
    s.take("server_login_finish")
    try:
        st = s.step("finishing the server's login", ke3)
        out = ServerLoginFinishData()
        out.session_key = _key(st.key_serial, s.logon, "session key")
    finally:
        s.close()
    return out
