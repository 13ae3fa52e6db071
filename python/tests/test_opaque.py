# SPDX-License-Identifier: GPL-2.0
"""pmhs.opaque: opaque-ke-py's API over the module's OPAQUE sessions.

Needs the pmhs module (runs in the VM as root). Every test uses its own
usernames: the module's login limiter counts failures per user.
"""
import errno
import gc
import os
import secrets
import stat
import subprocess
import sys
import textwrap

import pytest

from conftest import live_counts
from pmhs import _lib
from pmhs import opaque
from pmhs.opaque import Argon2id, AuthenticationError, Identity, ServerSetup

# Cheap enough for many flows in a small VM; the default runs once
# (test_readme_flow).
FAST = Argon2id(m_kib=64, t=1, p=1)
PW = b"correct-horse-battery-staple"


def _module_loaded():
    try:
        h = _lib.Handle()
    except OSError:
        return False
    h.close()
    return True


pytestmark = pytest.mark.skipif(not _module_loaded() and not os.environ.get("PMHS_NEED_MODULE"),
                                 reason="the pmhs module is not loaded (runs in the VM)")


def user():
    return b"u-" + secrets.token_hex(6).encode()


@pytest.fixture(autouse=True, scope="module")
def no_backoff():
    """Failures back to back: the limiter's backoff off while these run.

    Each test has its own users, so the per-user counts never reach a
    limit; only the backoff (1 s after a failure) would get in the way.
    """
    path = "/sys/module/pmhs/parameters/opaque_delay_ms"
    try:
        with open(path) as f:
            old = f.read().strip()
        with open(path, "w") as f:
            f.write("0")
    except OSError:
        old = None
    yield
    if old is not None:
        with open(path, "w") as f:
            f.write(old)


@pytest.fixture
def setup():
    s = opaque.server_setup()
    yield s
    s.close()


def keyring_serials():
    """The keys linked into this process's keyring, where the flows publish."""
    import struct
    raw = _lib.key_read(_lib.process_keyring())
    return set(struct.unpack("=%di" % (len(raw) // 4), raw))


def register(setup, username, password=PW, ksf=FAST, logon=False):
    c = opaque.client_registration_start(password, ksf=ksf, logon=logon)
    s = opaque.server_registration_start(setup, c.get_message(), username)
    f = opaque.client_registration_finish(password, c.get_state(), s.get_message())
    rec = opaque.server_registration_finish(f.get_message(), state=s.get_state())
    return rec.get_password_file(), f


def login_to_ke2(setup, record, username, password=PW, ksf=FAST, logon=False):
    c = opaque.client_login_start(password, ksf=ksf, logon=logon)
    s = opaque.server_login_start(setup, record, c.get_message(), username, logon=logon)
    return c, s


def test_readme_flow():
    """opaque-ke-py's README Quick Start, its import line changed (default KSF)."""
    import pmhs.opaque as opaque_ke_py
    base = live_counts()

    server_setup = opaque_ke_py.server_setup()
    username = b"alice-" + secrets.token_hex(4).encode()
    password = b"correct-horse-battery-staple"

    client_reg_start = opaque_ke_py.client_registration_start(password)
    registration_request = client_reg_start.get_message()
    client_reg_state = client_reg_start.get_state()
    server_reg_start = opaque_ke_py.server_registration_start(
        server_setup, registration_request, username)
    registration_response = server_reg_start.get_message()
    client_reg_finish = opaque_ke_py.client_registration_finish(
        password, client_reg_state, registration_response)
    registration_upload = client_reg_finish.get_message()
    server_reg_finish = opaque_ke_py.server_registration_finish(registration_upload)
    password_file = server_reg_finish.get_password_file()

    client_login_start = opaque_ke_py.client_login_start(password)
    credential_request = client_login_start.get_message()
    client_login_state = client_login_start.get_state()
    server_login_start = opaque_ke_py.server_login_start(
        server_setup, password_file, credential_request, username)
    credential_response = server_login_start.get_message()
    server_login_state = server_login_start.get_state()
    client_login_finish = opaque_ke_py.client_login_finish(
        password, client_login_state, credential_response)
    credential_finalization = client_login_finish.get_message()
    client_session_key = client_login_finish.get_session_key()
    server_login_finish = opaque_ke_py.server_login_finish(
        server_login_state, credential_finalization)
    server_session_key = server_login_finish.get_session_key()

    assert client_session_key == server_session_key
    assert opaque_ke_py.constant_time_compare(client_session_key, server_session_key)
    # the RFC's sizes
    assert [len(m) for m in (registration_request, registration_response,
                             registration_upload, password_file, credential_request,
                             credential_response, credential_finalization)] == \
        [32, 64, 192, 192, 96, 320, 64]
    assert password_file == registration_upload
    assert len(client_session_key) == 64
    # the export key: the same at registration and at login
    reg_export = client_reg_finish.get_export_key()
    assert len(reg_export) == 64
    assert reg_export == client_login_finish.get_export_key()
    assert reg_export != client_session_key

    # a second login gives a fresh session key
    c2, s2 = login_to_ke2(server_setup, password_file, username, ksf=None)
    f2 = opaque_ke_py.client_login_finish(password, c2.get_state(), s2.get_message())
    sf2 = opaque_ke_py.server_login_finish(s2.get_state(), f2.get_message())
    assert f2.get_session_key() == sf2.get_session_key() != client_session_key

    server_setup.close()
    del server_reg_start, server_login_start, client_login_start, client_reg_start
    del c2, s2
    assert live_counts(expect=base) == base


def test_wrong_password(setup):
    u = user()
    rec, _ = register(setup, u)
    c, s = login_to_ke2(setup, rec, u, password=b"not the password")
    before = keyring_serials()
    with pytest.raises(ValueError) as ei:
        opaque.client_login_finish(b"not the password", c.get_state(), s.get_message())
    assert isinstance(ei.value, AuthenticationError)
    assert ei.value.errno == errno.EBADMSG
    assert "authentication failed" in ei.value.kernel_message
    assert keyring_serials() - before == set()     # nothing published
    # the client has no KE3 to send: the server's state is never finished
    with pytest.raises(ValueError):
        opaque.client_login_finish(PW, c.get_state(), s.get_message())


def test_password_at_finish_is_the_start_one(setup):
    """pmhs uses the password given at *_start (the module holds it)."""
    u = user()
    c = opaque.client_registration_start(PW, ksf=FAST)
    s = opaque.server_registration_start(setup, c.get_message(), u)
    f = opaque.client_registration_finish(b"ignored", c.get_state(), s.get_message())
    rec = opaque.server_registration_finish(f.get_message(), state=s).get_password_file()
    c, s = login_to_ke2(setup, rec, u)
    cf = opaque.client_login_finish(b"also ignored", c.get_state(), s.get_message())
    sf = opaque.server_login_finish(s.get_state(), cf.get_message())
    assert cf.get_session_key() == sf.get_session_key()


def test_unknown_user(setup):
    """No record: the module answers from a fake record, the client fails as
    for a wrong password, and a KE3 for the fake record fails too."""
    u = user()
    c, s = login_to_ke2(setup, None, u)
    assert len(s.get_message()) == 320
    with pytest.raises(AuthenticationError):
        opaque.client_login_finish(PW, c.get_state(), s.get_message())
    with pytest.raises(AuthenticationError):
        opaque.server_login_finish(s.get_state(), bytes(64))


def test_tampered_ke2(setup):
    u = user()
    rec, _ = register(setup, u)
    for pos in (0, 100, 319):
        c, s = login_to_ke2(setup, rec, u)
        ke2 = bytearray(s.get_message())
        ke2[pos] ^= 1
        with pytest.raises(ValueError):
            opaque.client_login_finish(PW, c.get_state(), bytes(ke2))


def test_tampered_ke3(setup):
    u = user()
    rec, _ = register(setup, u)
    c, s = login_to_ke2(setup, rec, u)
    cf = opaque.client_login_finish(PW, c.get_state(), s.get_message())
    ke3 = bytearray(cf.get_message())
    ke3[5] ^= 0x80
    before = keyring_serials()
    with pytest.raises(AuthenticationError) as ei:
        opaque.server_login_finish(s.get_state(), bytes(ke3))
    assert ei.value.errno == errno.EBADMSG
    assert keyring_serials() - before == set()     # nothing published
    # single-use: the failed state cannot be retried with the good KE3
    with pytest.raises(ValueError):
        opaque.server_login_finish(s.get_state(), cf.get_message())


def test_record_of_another_user_fails(setup):
    """The username is bound into the record's use: alice's file for bob fails."""
    a, b = user(), user()
    rec, _ = register(setup, a)
    c, s = login_to_ke2(setup, rec, b)
    with pytest.raises(AuthenticationError):
        opaque.client_login_finish(PW, c.get_state(), s.get_message())


def test_logon_keys_unreadable(setup):
    u = user()
    rec, reg = register(setup, u, logon=True)
    ek = reg.get_export_key()
    assert isinstance(ek, opaque.Key) and ek.serial > 0
    c, s = login_to_ke2(setup, rec, u, logon=True)
    cf = opaque.client_login_finish(PW, c.get_state(), s.get_message())
    sf = opaque.server_login_finish(s.get_state(), cf.get_message())
    for k in (cf.get_session_key(), sf.get_session_key(), cf.get_export_key(), ek):
        assert isinstance(k, opaque.Key)
        assert k.serial > 0
        with pytest.raises(_lib.PmhsError) as ei:
            k.read()
        assert ei.value.errno == errno.EOPNOTSUPP
        # the kernel refuses too, not only this class
        with pytest.raises(_lib.PmhsError) as ei:
            _lib.key_read(k.serial)
        assert ei.value.errno == errno.EOPNOTSUPP
    assert cf.session_key_serial == cf.get_session_key().serial
    assert sf.session_key_serial != cf.session_key_serial


@pytest.mark.parametrize("logon", [False, True])
def test_ktls(setup, logon):
    """Both session keys key kTLS (no nonces), once each."""
    import socket
    u = user()
    rec, _ = register(setup, u)
    c, s = login_to_ke2(setup, rec, u, logon=logon)
    cf = opaque.client_login_finish(PW, c.get_state(), s.get_message())
    sf = opaque.server_login_finish(s.get_state(), cf.get_message())
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    cli = socket.create_connection(srv.getsockname())
    acc, _ = srv.accept()
    try:
        cf.ktls(cli)
        sf.ktls(acc)
        cli.sendall(b"hello through kTLS")
        assert acc.recv(100) == b"hello through kTLS"
        acc.sendall(b"and back")
        assert cli.recv(100) == b"and back"
        with pytest.raises(OSError):		# a key keys one thing only
            cf.ktls(socket.socket())
    finally:
        for x in (cli, acc, srv):
            x.close()


def test_keys_invalidated_on_close(setup):
    u = user()
    rec, _ = register(setup, u)
    c, s = login_to_ke2(setup, rec, u)
    cf = opaque.client_login_finish(PW, c.get_state(), s.get_message())
    serial = cf.session_key_serial
    assert len(_lib.key_read(serial)) == 64
    assert {serial, cf.export_key_serial} <= keyring_serials()
    cf.session_key.close()
    with pytest.raises(_lib.PmhsError):
        _lib.key_read(serial)
    with pytest.raises(ValueError):
        cf.get_session_key()


def test_setup_save_load(tmp_path):
    base = live_counts()
    path = str(tmp_path / "setup")
    u = user()
    with opaque.server_setup() as s1:
        s1.save(path)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        pub = s1.public_key
        assert len(pub) == 32
        raw = s1.to_bytes()
        rec, _ = register(s1, u)
        # no silent replacement of a setup file
        with pytest.raises(_lib.PmhsError) as ei:
            s1.save(path)
        assert ei.value.errno == errno.EEXIST
    assert live_counts(expect=base) == base
    with ServerSetup.load(path, name="py-opq-loaded") as s2:
        assert s2.name == "py-opq-loaded"
        assert s2.public_key == pub
        assert s2.to_bytes() == raw
        c, s = login_to_ke2(s2, rec, u)
        cf = opaque.client_login_finish(PW, c.get_state(), s.get_message())
        sf = opaque.server_login_finish(s.get_state(), cf.get_message())
        assert cf.get_session_key() == sf.get_session_key()
        # the module refuses a second identity of the same name
        with pytest.raises(_lib.PmhsError):
            ServerSetup.load(path, name="py-opq-loaded")
        # an identity someone else imported: usable, not ours to delete
        s3 = ServerSetup.from_identity("py-opq-loaded")
        assert s3.public_key == pub
        s3.close()
        assert s2.public_key == pub
    with ServerSetup.from_bytes(raw) as s4:
        assert s4.public_key == pub
    # another setup: the record is useless there
    with opaque.server_setup() as other:
        assert other.public_key != pub
        c, s = login_to_ke2(other, rec, u)
        with pytest.raises(AuthenticationError):
            opaque.client_login_finish(PW, c.get_state(), s.get_message())
    del c, s, cf, sf
    assert live_counts(expect=base) == base


def test_setup_file_refused(tmp_path):
    path = str(tmp_path / "setup")
    with opaque.server_setup() as s1:
        s1.save(path)
    os.chmod(path, 0o644)
    with pytest.raises(_lib.PmhsError) as ei:
        ServerSetup.load(path)
    assert ei.value.errno == errno.EACCES
    with pytest.raises(ValueError):
        ServerSetup.from_bytes(bytes(127))
    with pytest.raises(ValueError):
        ServerSetup(bytes(10))      # never reads past the bytes given
    with pytest.raises(ValueError):
        opaque.server_registration_start(s1, bytes(32), user())    # closed setup


def test_ksf_mismatch_and_identity(setup):
    u = user()
    rec, _ = register(setup, u, ksf=FAST)
    c, s = login_to_ke2(setup, rec, u, ksf=Argon2id(m_kib=64, t=2, p=1))
    with pytest.raises(AuthenticationError):
        opaque.client_login_finish(PW, c.get_state(), s.get_message())
    # the finish's ksf= replaces the start's
    c, s = login_to_ke2(setup, rec, u, ksf=Identity())
    cf = opaque.client_login_finish(PW, c.get_state(), s.get_message(), ksf=FAST)
    opaque.server_login_finish(s.get_state(), cf.get_message())
    # the Identity KSF end to end
    u2 = user()
    rec2, reg = register(setup, u2, ksf=Identity())
    c, s = login_to_ke2(setup, rec2, u2, ksf=Identity())
    cf = opaque.client_login_finish(PW, c.get_state(), s.get_message())
    assert cf.get_export_key() == reg.get_export_key()
    c, s = login_to_ke2(setup, rec2, u2, ksf=FAST)
    with pytest.raises(AuthenticationError):
        opaque.client_login_finish(PW, c.get_state(), s.get_message())


def test_ksf_arguments():
    assert Argon2id() == Argon2id(19456, 2, 1)
    for bad in ((0, 1, 1), (64, 0, 1), (64, 1, 0), (7, 1, 1), (64, 1001, 1),
                (4194305, 1, 1), (512, 1, 65)):
        with pytest.raises(ValueError):
            Argon2id(*bad)
    with pytest.raises(TypeError):
        Argon2id("64", 1, 1)
    with pytest.raises(TypeError):
        opaque.client_login_start(PW, ksf="argon2")


def test_bad_upload(setup):
    """The module checks the record, with the registration's state or without."""
    for with_state in (True, False):
        c = opaque.client_registration_start(PW, ksf=FAST)
        s = opaque.server_registration_start(setup, c.get_message(), user())
        up = bytearray(opaque.client_registration_finish(PW, c.get_state(),
                                                         s.get_message()).get_message())
        up[:32] = b"\xff" * 32		# the client's public key: not canonical
        state = s.get_state() if with_state else None
        with pytest.raises(ValueError) as ei:
            opaque.server_registration_finish(bytes(up), state=state)
        assert "public key" in str(ei.value)
        with pytest.raises(ValueError):
            opaque.server_registration_finish(bytes(up[:191]), state=state)


def test_message_and_state_errors(setup):
    u = user()
    with pytest.raises(ValueError, match="Invalid message format"):
        opaque.server_registration_start(setup, bytes(31), u)
    c = opaque.client_login_start(PW, ksf=FAST)
    with pytest.raises(ValueError, match="Invalid message format"):
        opaque.server_login_start(setup, None, c.get_message()[:95], u)
    with pytest.raises(ValueError, match="Invalid message format"):
        opaque.server_login_start(setup, bytes(191), c.get_message(), u)
    with pytest.raises(TypeError):
        opaque.server_login_start(setup, None, c.get_message().hex(), u)
    with pytest.raises(ValueError):
        opaque.server_login_start(setup, None, c.get_message(), b"")
    with pytest.raises(TypeError, match="not bytes"):
        opaque.client_login_finish(PW, b"state bytes", bytes(320))
    # a registration state is not a login state
    r = opaque.client_registration_start(PW, ksf=FAST)
    with pytest.raises(TypeError):
        opaque.client_login_finish(PW, r.get_state(), bytes(320))
    # a KE2 that is no KE2 fails in the module, ends the state
    with pytest.raises(AuthenticationError):
        opaque.client_login_finish(PW, c.get_state(), bytes(320))
    with pytest.raises(ValueError, match="single-use"):
        opaque.client_login_finish(PW, c.get_state(), bytes(320))


def test_states_single_use(setup):
    u = user()
    rec, _ = register(setup, u)
    c, s = login_to_ke2(setup, rec, u)
    cf = opaque.client_login_finish(PW, c.get_state(), s.get_message())
    with pytest.raises(ValueError, match="single-use"):
        opaque.client_login_finish(PW, c.get_state(), s.get_message())
    sf = opaque.server_login_finish(s, cf.get_message())	# the start result works too
    with pytest.raises(ValueError, match="single-use"):
        opaque.server_login_finish(s.get_state(), cf.get_message())
    assert sf.get_session_key() == cf.get_session_key()


def test_context_and_identities(setup):
    """Context and identities bind the login: both sides must give the same."""
    u = user()
    kw = dict(context=b"app-v1", client_identity=b"alice@example", server_identity=b"srv")
    c = opaque.client_registration_start(PW, ksf=FAST, **kw)
    s = opaque.server_registration_start(setup, c.get_message(), u, **kw)
    f = opaque.client_registration_finish(PW, c.get_state(), s.get_message())
    rec = opaque.server_registration_finish(f.get_message(), s).get_password_file()
    c = opaque.client_login_start(PW, ksf=FAST, **kw)
    s = opaque.server_login_start(setup, rec, c.get_message(), u, **kw)
    cf = opaque.client_login_finish(PW, c.get_state(), s.get_message())
    sf = opaque.server_login_finish(s.get_state(), cf.get_message())
    assert cf.get_session_key() == sf.get_session_key()
    c = opaque.client_login_start(PW, ksf=FAST, **kw)
    s = opaque.server_login_start(setup, rec, c.get_message(), u, **dict(kw, context=b"v2"))
    with pytest.raises(AuthenticationError):
        opaque.client_login_finish(PW, c.get_state(), s.get_message())


def test_eagain_is_too_many_attempts():
    """The login limiter's EAGAIN: a PmhsError of its own, not a ValueError."""
    s = opaque._Session(opaque._LOGIN, opaque._SERVER)
    try:
        e = s._error(-errno.EAGAIN, "starting the server's login")
    finally:
        s.close()
    assert isinstance(e, opaque.TooManyAttempts)
    assert isinstance(e, _lib.PmhsError) and e.errno == errno.EAGAIN
    assert not isinstance(e, ValueError)
    assert "try again later" in str(e)


def test_limiter_raises_too_many_attempts(setup):
    """The module's login limiter (lowered to one failure): TooManyAttempts."""
    params = "/sys/module/pmhs/parameters/"
    saved = {}
    for name, value in (("opaque_peer_failures", "1"), ("opaque_delay_ms", "0")):
        with open(params + name) as f:
            saved[name] = f.read().strip()
        with open(params + name, "w") as f:
            f.write(value)
    try:
        u = user()
        rec, _ = register(setup, u)
        c, s = login_to_ke2(setup, rec, u, password=b"not the password")
        with pytest.raises(AuthenticationError):
            opaque.client_login_finish(b"not the password", c.get_state(), s.get_message())
        c = opaque.client_login_start(PW, ksf=FAST)
        with pytest.raises(opaque.TooManyAttempts) as ei:
            opaque.server_login_start(setup, rec, c.get_message(), u)
        assert not isinstance(ei.value, ValueError)
        assert "too many failed logins" in ei.value.kmsg
        # another user is not locked
        v = user()
        rec2, _ = register(setup, v)
        c, s = login_to_ke2(setup, rec2, v)
        f = opaque.client_login_finish(PW, c.get_state(), s.get_message())
        opaque.server_login_finish(s.get_state(), f.get_message())
    finally:
        for name, value in saved.items():
            with open(params + name, "w") as f:
                f.write(value)


def test_b64url():
    for n in range(0, 40):
        data = secrets.token_bytes(n)
        t = opaque.b64url_encode(data)
        assert "=" not in t and "+" not in t and "/" not in t
        assert opaque.b64url_decode(t) == data
    assert opaque.b64url_encode(b"\xfb\xff") == "-_8"
    for bad in ("a+b/", "ab c", "a", "ab\n"):
        with pytest.raises(ValueError):
            opaque.b64url_decode(bad)


_SERVER_SCRIPT = textwrap.dedent("""
    import sys
    from pmhs import opaque
    setup = opaque.ServerSetup.load(sys.argv[1])
    user = sys.argv[2].encode()
    rd = lambda: opaque.b64url_decode(sys.stdin.readline().strip())
    def wr(b):
        print(opaque.b64url_encode(b), flush=True)
    s = opaque.server_registration_start(setup, rd(), user)
    wr(s.get_message())
    rec = opaque.server_registration_finish(rd(), state=s.get_state()).get_password_file()
    s = opaque.server_login_start(setup, rec, rd(), user)
    wr(s.get_message())
    wr(opaque.server_login_finish(s.get_state(), rd()).get_session_key())
    setup.close()
""")


def test_across_processes(tmp_path):
    """Server in another process; only messages (base64url lines) cross."""
    base = live_counts()
    path = str(tmp_path / "setup")
    with opaque.server_setup() as s:
        s.save(path)
    u = user()
    p = subprocess.Popen([sys.executable, "-c", _SERVER_SCRIPT, path, u.decode()],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        def send(b):
            p.stdin.write(opaque.b64url_encode(b) + "\n")
            p.stdin.flush()

        def recv():
            return opaque.b64url_decode(p.stdout.readline().strip())

        c = opaque.client_registration_start(PW, ksf=FAST)
        send(c.get_message())
        f = opaque.client_registration_finish(PW, c.get_state(), recv())
        send(f.get_message())
        c = opaque.client_login_start(PW, ksf=FAST)
        send(c.get_message())
        cf = opaque.client_login_finish(PW, c.get_state(), recv())
        send(cf.get_message())
        assert recv() == cf.get_session_key()
        assert len(cf.get_session_key()) == 64
        assert cf.get_export_key() == f.get_export_key()
    finally:
        p.stdin.close()
        assert p.wait(timeout=60) == 0
        p.stdout.close()
    del c, f, cf
    gc.collect()
    assert live_counts(expect=base) == base
