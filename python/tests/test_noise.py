# SPDX-License-Identifier: GPL-2.0
"""pmhs.noise: NoiseHandShake over the module, derive_psk, key files.

Handshake tests need the pmhs module (they run in the VM as root); the
key-file and PSK tests need only libpmhs.
"""
import errno
import json
import os
import re
import stat
import time

import pytest

from pmhs import _lib
from pmhs import noise
from pmhs.noise import (KK_PSK0, XX_PSK2, NoiseHandShake, NoiseHandshakeError,
                        NoiseInvalidMessage, derive_psk)

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(HERE, "..", "..", "selftests", "vectors", "noise-v1.json")


def _module_loaded():
    try:
        h = _lib.Handle()
    except OSError:
        return False
    h.close()
    return True


needs_module = pytest.mark.skipif(not _module_loaded() and not os.environ.get("PMHS_NEED_MODULE"),
                                  reason="the pmhs module is not loaded (runs in the VM)")

PSK = bytes(range(32))
OTHER_PSK = bytes(range(1, 33))


@pytest.fixture(scope="module")
def vectors():
    with open(VECTORS) as f:
        return json.load(f)


def handshake(i, r, payloads=(b"", b"", b"")):
    """Run i <-> r to the end; returns the payloads each side read, in order."""
    got = []
    msg = i.write_message(payloads[0])
    got.append(r.read_message(msg))
    msg = r.write_message(payloads[1])
    got.append(i.read_message(msg))
    if b"XX" in i.protocol_name:
        msg = i.write_message(payloads[2])
        got.append(r.read_message(msg))
    return got


def two_keys(tmp_path):
    """Two key files, so that each side's static key is known in advance (KK)."""
    ka, kb = str(tmp_path / "a.key"), str(tmp_path / "b.key")
    pa = NoiseHandShake(True, path=ka, psk=PSK).pubkey_bytes
    pb = NoiseHandShake(True, path=kb, psk=PSK).pubkey_bytes
    return ka, pa, kb, pb


def check_transport(i, r):
    for n in range(3):
        ct = i.encrypt(b"to responder %d" % n)
        assert ct != b"to responder %d" % n
        assert len(ct) == len(b"to responder %d" % n) + 16
        assert r.decrypt(ct) == b"to responder %d" % n
        ct = r.encrypt(b"to initiator %d" % n)
        assert i.decrypt(ct) == b"to initiator %d" % n


# ---- round trips ----

@needs_module
@pytest.mark.parametrize("node_id", [None, "tcp4://hub.local:5678"])
def test_xx_round_trip_password(node_id):
    i = NoiseHandShake(True, password="a shared site password", node_id=node_id)
    r = NoiseHandShake(False, password="a shared site password", node_id=node_id)
    assert i.protocol_name == XX_PSK2 and r.protocol_name == XX_PSK2
    assert i.remote_pubkey is None and r.remote_pubkey is None
    got = handshake(i, r, (b"hello", b"", b"\x00" * 100))
    assert got == [b"hello", b"", b"\x00" * 100]
    assert i.handshake_finished and r.handshake_finished and i.complete and r.complete
    assert i.handshake_hash == r.handshake_hash and len(i.handshake_hash) == 32
    # XX learns the static keys
    assert i.remote_pubkey == r.pubkey_bytes
    assert r.remote_pubkey == i.pubkey_bytes
    assert i.secret_serial > 0 and r.secret_serial > 0
    assert i.secret == r.secret and len(i.secret) == 32
    check_transport(i, r)
    i.close()
    r.close()


@needs_module
@pytest.mark.parametrize("node_id", [None, "node-7"])
def test_kk_round_trip_password(tmp_path, node_id):
    ka, pa, kb, pb = two_keys(tmp_path)
    i = NoiseHandShake(True, path=ka, password="kk password", node_id=node_id, remote_pubkey=pb)
    # the peer's key as hex works too
    r = NoiseHandShake(False, path=kb, password="kk password", node_id=node_id,
                       remote_pubkey=pa.hex())
    assert i.protocol_name == KK_PSK0 and r.protocol_name == KK_PSK0
    got = handshake(i, r, (b"first", b"second", b""))
    assert got == [b"first", b"second"]
    assert i.handshake_finished and r.handshake_finished
    assert i.handshake_hash == r.handshake_hash
    assert i.remote_pubkey == pb and r.remote_pubkey == pa
    assert i.secret == r.secret
    check_transport(i, r)


@needs_module
def test_kk_default_pattern_and_key_files(tmp_path):
    ka, pa, kb, pb = two_keys(tmp_path)
    i = NoiseHandShake(True, path=ka, psk=PSK, remote_pubkey=pb)
    r = NoiseHandShake(False, path=kb, psk=PSK, remote_pubkey=pa)
    assert i.protocol_name == KK_PSK0 and i.pubkey_bytes == pa
    handshake(i, r)
    assert i.handshake_hash == r.handshake_hash
    check_transport(i, r)


@needs_module
def test_prologue_and_explicit_pattern():
    i = NoiseHandShake(True, psk=PSK, prologue=b"hivemind-v3", pattern=XX_PSK2)
    r = NoiseHandShake(False, psk=PSK, prologue=b"hivemind-v3", pattern="XXpsk2")
    handshake(i, r)
    assert i.handshake_hash == r.handshake_hash


@needs_module
@pytest.mark.parametrize("pattern", ["Noise_XXpsk2_25519_AESGCM_SHA256",
                                     "Noise_KKpsk0_25519_AESGCM_SHA256"])
def test_aesgcm_suite(tmp_path, pattern):
    ka, pa, kb, pb = two_keys(tmp_path)
    kk = "KK" in pattern
    i = NoiseHandShake(True, path=ka, psk=PSK, pattern=pattern, remote_pubkey=pb if kk else None)
    r = NoiseHandShake(False, path=kb, psk=PSK, pattern=pattern, remote_pubkey=pa if kk else None)
    handshake(i, r)
    assert i.handshake_hash == r.handshake_hash
    check_transport(i, r)


# ---- failures ----

def run_expect_failure(i, r):
    """Run the handshake; returns (side, message number) of the refusal."""
    n = 0
    writer, reader = i, r
    while True:
        n += 1
        msg = writer.write_message(b"")
        try:
            reader.read_message(msg)
        except NoiseInvalidMessage:
            assert not reader.handshake_finished and reader.handshake_hash is None
            assert reader.secret_serial is None
            return ("initiator" if reader is i else "responder", n)
        if reader.handshake_finished:
            pytest.fail("the handshake completed")
        writer, reader = reader, writer


@needs_module
def test_xx_wrong_psk():
    side = run_expect_failure(NoiseHandShake(True, psk=PSK), NoiseHandShake(False, psk=OTHER_PSK))
    assert side == ("initiator", 2)


@needs_module
def test_xx_wrong_password_node_id():
    i = NoiseHandShake(True, password="pw", node_id="node-a")
    r = NoiseHandShake(False, password="pw", node_id="node-b")
    assert run_expect_failure(i, r) == ("initiator", 2)


@needs_module
def test_kk_wrong_psk(tmp_path):
    ka, pa, kb, pb = two_keys(tmp_path)
    i = NoiseHandShake(True, path=ka, psk=PSK, remote_pubkey=pb)
    r = NoiseHandShake(False, path=kb, psk=OTHER_PSK, remote_pubkey=pa)
    assert run_expect_failure(i, r) == ("responder", 1)


@needs_module
def test_xx_wrong_prologue():
    i = NoiseHandShake(True, psk=PSK, prologue=b"one")
    r = NoiseHandShake(False, psk=PSK, prologue=b"two")
    # as noise-v1.json's wrong_prologue: with a psk modifier, e keys message 1's payload
    assert run_expect_failure(i, r) == ("responder", 1)


@needs_module
def test_kk_wrong_prologue(tmp_path):
    ka, pa, kb, pb = two_keys(tmp_path)
    i = NoiseHandShake(True, path=ka, psk=PSK, remote_pubkey=pb, prologue=b"one")
    r = NoiseHandShake(False, path=kb, psk=PSK, remote_pubkey=pa, prologue=b"two")
    assert run_expect_failure(i, r) == ("responder", 1)


@needs_module
@pytest.mark.parametrize("who", ["responder expects another", "initiator expects another"])
def test_kk_wrong_remote_static(tmp_path, who):
    ka, pa, kb, pb = two_keys(tmp_path)
    stranger = NoiseHandShake(True, psk=PSK).pubkey_bytes
    i = NoiseHandShake(True, path=ka, psk=PSK,
                       remote_pubkey=stranger if who.startswith("initiator") else pb)
    r = NoiseHandShake(False, path=kb, psk=PSK,
                       remote_pubkey=stranger if who.startswith("responder") else pa)
    assert run_expect_failure(i, r) == ("responder", 1)


@needs_module
def test_failed_session_is_dead():
    i, r = NoiseHandShake(True, psk=PSK), NoiseHandShake(False, psk=OTHER_PSK)
    run_expect_failure(i, r)
    with pytest.raises(NoiseHandshakeError):
        i.write_message(b"")
    with pytest.raises(NoiseHandshakeError):
        i.encrypt(b"x")


@needs_module
def test_out_of_turn():
    i, r = NoiseHandShake(True, psk=PSK), NoiseHandShake(False, psk=PSK)
    with pytest.raises(NoiseHandshakeError):
        r.write_message(b"")
    with pytest.raises(NoiseHandshakeError):
        i.read_message(b"\x00" * 48)
    m1 = i.write_message(b"")
    with pytest.raises(NoiseHandshakeError):
        i.write_message(b"")
    r.read_message(m1)
    with pytest.raises(NoiseHandshakeError):
        r.read_message(m1)
    with pytest.raises(NoiseHandshakeError):
        r.encrypt(b"too early")
    with pytest.raises(NoiseHandshakeError):
        r.split()


@needs_module
def test_truncated_message():
    i, r = NoiseHandShake(True, psk=PSK), NoiseHandShake(False, psk=PSK)
    m1 = i.write_message(b"")
    with pytest.raises(NoiseInvalidMessage):
        r.read_message(m1[:20])


# ---- transport ----

def finished_pair():
    i, r = NoiseHandShake(True, psk=PSK), NoiseHandShake(False, psk=PSK)
    handshake(i, r)
    return i, r


@needs_module
def test_transport_replay_rejected():
    i, r = finished_pair()
    ct = i.encrypt(b"once")
    assert r.decrypt(ct) == b"once"
    with pytest.raises(NoiseInvalidMessage):
        r.decrypt(ct)
    # the session is gone for good after a refusal
    with pytest.raises(NoiseHandshakeError):
        r.decrypt(i.encrypt(b"later"))


@needs_module
@pytest.mark.parametrize("where", [0, 5, -1])
def test_transport_tampering_rejected(where):
    i, r = finished_pair()
    ct = bytearray(i.encrypt(b"do not touch"))
    ct[where] ^= 0x01
    with pytest.raises(NoiseInvalidMessage):
        r.decrypt(bytes(ct))


@needs_module
def test_transport_out_of_order_rejected():
    i, r = finished_pair()
    c0, c1 = i.encrypt(b"0"), i.encrypt(b"1")
    with pytest.raises(NoiseInvalidMessage):
        r.decrypt(c1)
    del c0


@needs_module
def test_split_cipherstates():
    i, r = finished_pair()
    i_send, i_recv = i.split()[0], i.split()[1]
    r_recv, r_send = r.split()
    # Split() order: (initiator->responder, responder->initiator) on both sides
    ct = i_send.encrypt_with_ad(b"ad", b"payload")
    assert r_recv.decrypt_with_ad(b"ad", ct) == b"payload"
    ct = r_send.encrypt_with_ad(b"", b"back")
    assert i_recv.decrypt_with_ad(b"", ct) == b"back"
    assert i_send.n == 1 and r_recv.n == 1
    with pytest.raises(NoiseHandshakeError):
        i_recv.encrypt_with_ad(b"", b"wrong direction")
    ct = i_send.encrypt_with_ad(b"ad", b"x")
    with pytest.raises(NoiseInvalidMessage):
        r_recv.decrypt_with_ad(b"other ad", ct)


@needs_module
def test_rekey_both_sides():
    i, r = finished_pair()
    i_send, _ = i.split()
    r_recv, _ = r.split()
    i_send.rekey()
    r_recv.rekey()
    assert r_recv.decrypt_with_ad(b"", i_send.encrypt_with_ad(b"", b"after rekey")) == b"after rekey"


@needs_module
def test_logon_secret():
    i = NoiseHandShake(True, psk=PSK, logon=True)
    r = NoiseHandShake(False, psk=PSK)
    handshake(i, r)
    assert i.secret_serial > 0
    with pytest.raises(_lib.PmhsError) as e:   # the same error as pmhs.poorman's
        i.secret
    assert e.value.errno == errno.EOPNOTSUPP and "secret_serial" in str(e.value)
    assert len(r.secret) == 32


@needs_module
@pytest.mark.parametrize("pattern", [None, "Noise_XXpsk2_25519_AESGCM_SHA256"])
def test_ktls_from_noise(pattern):
    import socket
    i = NoiseHandShake(True, psk=PSK, pattern=pattern, logon=True)
    r = NoiseHandShake(False, psk=PSK, pattern=pattern, logon=True)
    with pytest.raises(NoiseHandshakeError):    # nothing to key from yet
        i.ktls(socket.socket())
    handshake(i, r)
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    cli = socket.create_connection(srv.getsockname())
    acc, _ = srv.accept()
    try:
        i.ktls(cli)     # role and cipher follow the handshake
        r.ktls(acc)
        cli.sendall(b"noise keyed this kTLS socket")
        assert acc.recv(100) == b"noise keyed this kTLS socket"
        acc.sendall(b"and back")
        assert cli.recv(100) == b"and back"
        with pytest.raises(OSError):            # the secret keys one socket only
            i.ktls(socket.socket())
        # transport messages still work after the export secret is used
        assert r.decrypt(i.encrypt(b"still here")) == b"still here"
    finally:
        for so in (cli, acc, srv):
            so.close()


_IPSEC_SIDE = r"""
import sys
from pmhs.noise import NoiseHandShake
initiator = sys.argv[1] == "i"
hs = NoiseHandShake(initiator, psk=bytes(range(32)), logon=True)
if initiator:
    print(hs.write_message().hex(), flush=True)
for line in sys.stdin:
    hs.read_message(bytes.fromhex(line.strip()))
    if hs.handshake_finished:
        break
    print(hs.write_message().hex(), flush=True)
    if hs.handshake_finished:
        break
local, remote = sys.argv[2], sys.argv[3]
print("spi %d %d" % hs.ipsec(local, remote), flush=True)
sys.stdin.readline()        # hold the process (and the SAs' owner) until told
"""


@needs_module
def test_ipsec_from_noise_ping():
    """Two namespaces on a veth pair: each side keys its SA pair from its
    end of an XXpsk2 handshake, and a ping goes through ESP."""
    import subprocess
    import sys
    sh = os.path.join(HERE, "..", "..", "selftests", "lib", "netns.sh")
    subprocess.run(["bash", "-c", '. "$0" && veth_pair py_a py_b pya pyb 10.78.1', sh],
                   check=True)
    procs = []
    try:
        for ns, role, local, remote in (("py_a", "i", "10.78.1.1", "10.78.1.2"),
                                        ("py_b", "r", "10.78.1.2", "10.78.1.1")):
            procs.append(subprocess.Popen(
                ["ip", "netns", "exec", ns, sys.executable, "-c", _IPSEC_SIDE,
                 role, local, remote],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))
        a, b = procs
        b.stdin.write(a.stdout.readline())      # -> e, psk... (message 1)
        b.stdin.flush()
        a.stdin.write(b.stdout.readline())      # <- message 2
        a.stdin.flush()
        b.stdin.write(a.stdout.readline())      # -> message 3
        b.stdin.flush()
        spi_a, spi_b = a.stdout.readline().split(), b.stdout.readline().split()
        assert spi_a[0] == "spi" and spi_a == spi_b     # both sides agree on the SPIs
        states = subprocess.run(["ip", "-n", "py_a", "xfrm", "state"], check=True,
                                capture_output=True, text=True).stdout
        assert states.count("proto esp") == 2 and "rfc7539esp" in states
        ping = subprocess.run(["ip", "netns", "exec", "py_a", "ping", "-c", "2", "-W", "5",
                               "10.78.1.2"], capture_output=True, text=True)
        assert ping.returncode == 0, ping.stdout + ping.stderr
        stats = subprocess.run(["ip", "-n", "py_a", "-s", "xfrm", "state"], check=True,
                               capture_output=True, text=True).stdout.splitlines()
        # "lifetime current:" is followed by "N(bytes), M(packets)"
        packets = sum(int(re.search(r"(\d+)\(packets\)", stats[n + 1]).group(1))
                      for n, line in enumerate(stats) if "lifetime current:" in line)
        assert packets >= 4, "the SAs carried %d packets: the ping did not go through ESP" % packets
    finally:
        for pr in procs:
            try:
                pr.stdin.close()
            except OSError:
                pass
            pr.wait(timeout=60)
        subprocess.run(["ip", "netns", "del", "py_a"])
        subprocess.run(["ip", "netns", "del", "py_b"])


@needs_module
def test_no_sessions_left():
    import gc
    # Objects of earlier tests hold sessions until collected; a collection
    # that runs finalisers can free more on the next one: repeat to the end.
    for _ in range(10):
        if not gc.collect():
            break
    h = _lib.Handle()
    gc.disable()        # nothing of earlier tests may be freed inside the window
    try:
        v = _lib.ffi.new("struct pmhs_version *")
        v.size = _lib.ffi.sizeof("struct pmhs_version")
        assert _lib.lib.pmhs_get_version(h.h, v) == 0
        before = (v.live_sessions, v.live_identities)
        objs = [finished_pair() for _ in range(3)]
        assert _lib.lib.pmhs_get_version(h.h, v) == 0
        assert v.live_sessions == before[0] + 6     # the counter does count ours
        for i, r in objs:
            i.close()
            r.close()
        bad = NoiseHandShake(True, psk=PSK), NoiseHandShake(False, psk=OTHER_PSK)
        run_expect_failure(*bad)
        for o in bad:
            o.close()
        # Sessions are freed after an RCU grace period: the counters follow.
        for _ in range(100):
            assert _lib.lib.pmhs_get_version(h.h, v) == 0
            if (v.live_sessions, v.live_identities) == before:
                break
            time.sleep(0.1)
        assert (v.live_sessions, v.live_identities) == before
    finally:
        gc.enable()
        h.close()


# ---- constructor checks (no module needed) ----

def test_constructor_refusals():
    with pytest.raises(ValueError):
        NoiseHandShake(True)                       # no PSK
    with pytest.raises(ValueError):
        NoiseHandShake(True, psk=b"short")
    with pytest.raises(ValueError):
        NoiseHandShake(True, psk=PSK, password="x")
    with pytest.raises(ValueError):
        NoiseHandShake(True, psk=PSK, pattern=KK_PSK0)  # KK without the peer's key
    with pytest.raises(ValueError):
        NoiseHandShake(True, psk=PSK, remote_pubkey=b"\x01" * 31)
    with pytest.raises(ValueError):
        NoiseHandShake(True, psk=PSK, pattern="Noise_NN_25519_ChaChaPoly_SHA256")


def test_pubkey_forms():
    h = NoiseHandShake(True, psk=PSK)
    assert len(h.pubkey_bytes) == 32
    assert h.pubkey == h.pubkey_bytes.hex()
    assert h.handshake_hash is None and not h.handshake_finished and not h.complete
    k = NoiseHandShake(False, psk=PSK, remote_pubkey=h.pubkey)
    assert k.remote_pubkey == h.pubkey_bytes and k.protocol_name == KK_PSK0


# ---- key files ----

def test_key_file_created_and_reloaded(tmp_path):
    path = str(tmp_path / "noise.key")
    a = NoiseHandShake(True, path=path, psk=PSK)
    st = os.stat(path)
    assert stat.S_IMODE(st.st_mode) == 0o600
    with open(path) as f:
        text = f.read().strip()
    assert len(text) == 64 and int(text, 16) >= 0
    b = NoiseHandShake(False, path=path, psk=PSK)
    assert b.pubkey == a.pubkey
    c = NoiseHandShake(True, psk=PSK)
    assert c.pubkey != a.pubkey
    c.load_private(path)
    assert c.pubkey == a.pubkey


def test_key_file_known_key(tmp_path, vectors):
    hs = vectors["handshakes"][0]
    path = tmp_path / "known.key"
    path.write_text(hs["initiator"]["static_private"] + "\n")
    os.chmod(path, 0o600)
    h = NoiseHandShake(True, path=str(path), psk=PSK)
    assert h.pubkey == hs["initiator"]["static_public"]


def test_export_private_key(tmp_path):
    a = NoiseHandShake(True, psk=PSK)
    out = str(tmp_path / "exported.key")
    a.export_private_key(out)
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    b = NoiseHandShake(True, psk=PSK, path=out)
    assert b.pubkey == a.pubkey
    # export replaces a file asked for by name
    c = NoiseHandShake(True, psk=PSK)
    c.export_private_key(out)
    assert NoiseHandShake(True, psk=PSK, path=out).pubkey == c.pubkey


def test_key_file_refused(tmp_path):
    bad = tmp_path / "bad.key"
    bad.write_text("zz" * 32 + "\n")
    os.chmod(bad, 0o600)
    with pytest.raises(OSError):
        NoiseHandShake(True, path=str(bad), psk=PSK)
    loose = tmp_path / "loose.key"
    loose.write_text("11" * 32 + "\n")
    os.chmod(loose, 0o644)
    with pytest.raises(OSError) as e:
        NoiseHandShake(True, path=str(loose), psk=PSK)
    assert "loose.key" in str(e.value)


# ---- PSK derivation against noise-v1.json ----

def test_derive_psk_argon2id_vectors(vectors):
    for v in vectors["psk_argon2id"]:
        assert derive_psk(v["password"], v["node_id"]).hex() == v["psk"]
        # the salt the vector names, given explicitly
        assert derive_psk(v["password"], salt=bytes.fromhex(v["salt"])).hex() == v["psk"]


def test_derive_psk_pbkdf2_vectors(vectors):
    for v in vectors["psk_pbkdf2"]:
        got = derive_psk(v["password"], v["node_id"], kdf="pbkdf2", iterations=v["iterations"])
        assert got.hex() == v["psk"]


def test_derive_psk_types_and_refusals():
    assert derive_psk("pw") == derive_psk(b"pw")
    assert derive_psk("pw", "n") == derive_psk("pw", b"n") != derive_psk("pw")
    with pytest.raises(ValueError):
        derive_psk("pw", "n", salt=b"12345678")
    with pytest.raises(ValueError):
        derive_psk("pw", kdf="pbkdf2", iterations=1000)
    with pytest.raises(ValueError):
        derive_psk("pw", "n", kdf="scrypt")
    with pytest.raises(TypeError):
        derive_psk(1234)


def test_exports():
    for name in ("NoiseHandShake", "NoiseInvalidMessage", "derive_psk", "XX_PSK2", "KK_PSK0"):
        assert hasattr(noise, name)
    assert issubclass(NoiseInvalidMessage, noise.NoiseError)


@needs_module
def test_xx_remote_pubkey_given(tmp_path):
    ka, pa, kb, pb = two_keys(tmp_path)
    # XX with the peer's key known: checked when the handshake names it
    i = NoiseHandShake(True, path=ka, psk=PSK, remote_pubkey=pb, pattern=XX_PSK2)
    r = NoiseHandShake(False, path=kb, psk=PSK)
    handshake(i, r)
    assert i.remote_pubkey == pb
    stranger = NoiseHandShake(True, psk=PSK).pubkey_bytes
    i = NoiseHandShake(True, path=ka, psk=PSK, remote_pubkey=stranger, pattern=XX_PSK2)
    r = NoiseHandShake(False, path=kb, psk=PSK)
    r.read_message(i.write_message(b""))
    with pytest.raises(NoiseInvalidMessage):
        # the initiator learns the key writing message 3: refused before it leaves
        i.read_message(r.write_message(b""))
        i.write_message(b"")
    assert not i.handshake_finished and i.secret_serial is None


@needs_module
def test_threads():
    import threading
    errors = []

    def worker(n):
        try:
            for _ in range(3):
                i, r = NoiseHandShake(True, psk=PSK), NoiseHandShake(False, psk=PSK)
                handshake(i, r, (b"t%d" % n, b"", b""))
                assert i.handshake_hash == r.handshake_hash
                assert r.decrypt(i.encrypt(b"x%d" % n)) == b"x%d" % n
                i.close()
                r.close()
        except Exception as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


@needs_module
def test_payload_limit_and_big_transport():
    i, r = NoiseHandShake(True, psk=PSK), NoiseHandShake(False, psk=PSK)
    with pytest.raises(ValueError):
        i.write_message(b"x" * 16001)
    got = handshake(i, r, (b"a" * 16000, b"b" * 16000, b""))
    assert got[0] == b"a" * 16000 and got[1] == b"b" * 16000
    big = os.urandom(65515)
    assert r.decrypt(i.encrypt(big)) == big
