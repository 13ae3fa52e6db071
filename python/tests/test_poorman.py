# SPDX-License-Identifier: GPL-2.0
"""pmhs.poorman against poorman_handshake's documented behaviour and the v1 vectors.

Needs the pmhs module (run in the VM as root); see conftest.py.
"""

import gc
import os
import stat
import threading

import pytest

from conftest import live_counts
from pmhs import poorman
from pmhs.poorman import (HalfHandShake, HandShake, InvalidSignatureError,
                          PasswordHandShake, WeakPasswordError)

PW = "Super Secret Pass Phrase"


def keys_ok(vec, *names):
    """1024-bit keys need the module's allow-rsa1024: vectors with erin are skipped."""
    return all(vec["keys"][n]["bits"] >= 2048 for n in names)


# ------------------------------------------------------------ the seed's Quick Start
# Unchanged except for the import lines.

def test_quickstart_password():
    from pmhs.poorman import PasswordHandShake
    from secrets import compare_digest

    password = "Super Secret Pass Phrase"
    bob = PasswordHandShake(password)
    alice = PasswordHandShake(password)

    # Generate handshake messages (exchange these over any insecure channel)
    alice_shake = alice.generate_handshake()
    bob_shake = bob.generate_handshake()

    # Receive and verify each other's handshake
    if not alice.receive_and_verify(bob_shake):
        raise ValueError("Failed to verify handshake")
    if not bob.receive_and_verify(alice_shake):
        raise ValueError("Failed to verify handshake")

    # Both now hold the same symmetric key
    assert compare_digest(alice.secret, bob.secret)


def test_quickstart_rsa(capsys):
    from pmhs.poorman import HandShake
    from secrets import compare_digest

    bob = HandShake()
    alice = HandShake()

    # Exchange public keys out-of-band (e.g., over a secure channel or pre-distributed)
    bob.load_public(alice.pubkey)
    alice.load_public(bob.pubkey)

    # Generate signed, encrypted handshake messages
    alice_shake = alice.generate_handshake()
    bob_shake = bob.generate_handshake()

    # Receive, verify, and decrypt each other's handshakes
    bob.receive_and_verify(alice_shake)
    alice.receive_and_verify(bob_shake)

    # Both now hold an identical shared secret
    assert compare_digest(bob.secret, alice.secret)
    print(f"Shared secret: {alice.secret.hex()}")
    assert capsys.readouterr().out == "Shared secret: %s\n" % bob.secret.hex()


def test_quickstart_half():
    from pmhs.poorman import HalfHandShake
    from secrets import compare_digest

    sender = HalfHandShake()
    receiver = HalfHandShake()

    # The receiver holds the sender's public key (exchanged securely beforehand)
    receiver.load_public(sender.pubkey)

    # The sender encrypts its secret with the receiver's public key
    sender_shake = sender.generate_handshake(receiver.pubkey)

    # The receiver verifies the sender's signature and decrypts the secret
    receiver.receive_and_verify(sender_shake)

    # Both hold the same key (chosen by the sender)
    assert compare_digest(receiver.secret, sender.secret)


# ------------------------------------------------------------ PasswordHandShake

def pw_pair(password=PW, **kw):
    a, b = PasswordHandShake(password, **kw), PasswordHandShake(password, **kw)
    return a, b, a.generate_handshake(), b.generate_handshake()


def test_password_round_trip_and_attributes():
    a, b, sa, sb = pw_pair()
    assert isinstance(sa, str) and len(sa) == 48
    assert a.iv == bytes.fromhex(sa[:16]) and len(a.iv) == 8
    assert a.salt is None and a.secret is None
    assert a.receive_and_verify(sb) and b.receive_and_verify(sa)
    assert a.salt == b.salt == bytes(x ^ y for x, y in zip(a.iv, b.iv))
    assert a.salt != bytes(8)
    assert len(a.secret) == 32 and a.secret == b.secret
    assert a.secret_serial and a.secret_serial != b.secret_serial


def test_password_wrong_password():
    a = PasswordHandShake(PW)
    b = PasswordHandShake("Another Quite Different Phrase")
    sa, sb = a.generate_handshake(), b.generate_handshake()
    assert not a.verify(sb)
    assert not a.receive_and_verify(sb)
    assert a.salt is None and a.secret is None
    with pytest.raises(ValueError):
        b.receive_handshake(sa)		# the module checks even without verify()
    assert b.salt is None and b.secret is None


def test_password_reflection_refused():
    a = PasswordHandShake(PW)
    own = a.generate_handshake()
    assert not a.verify(own)
    assert not a.receive_and_verify(own)
    assert a.salt is None
    a.generate_handshake()
    longer = poorman.create_hsub(PW, a.iv, 80)
    assert not a.verify(longer)
    with pytest.raises(ValueError):
        a.receive_handshake(longer)
    assert a.salt is None and a.secret is None


def test_password_verify_without_own_envelope():
    sender = PasswordHandShake(PW)
    verifier = PasswordHandShake(PW)
    assert verifier.verify(sender.generate_handshake())


def test_password_new_handshake_replaces_secret():
    a, b, sa, sb = pw_pair()
    assert a.receive_and_verify(sb) and b.receive_and_verify(sa)
    first, old_serial = a.secret, a.secret_serial
    sa, sb = a.generate_handshake(), b.generate_handshake()
    assert a.secret == first		# unchanged until the new one completes
    assert a.receive_and_verify(sb) and b.receive_and_verify(sa)
    assert a.secret == b.secret != first
    assert a.secret_serial != old_serial


def test_password_weak_refused():
    for weak in ("Password123!", "correct_password", "Tr0ub4dour&3", ""):
        with pytest.raises(WeakPasswordError):
            PasswordHandShake(weak)
    assert issubclass(WeakPasswordError, ValueError)
    PasswordHandShake("x", min_bits=0)
    a, b, sa, sb = pw_pair("x", min_bits=0)
    assert a.receive_and_verify(sb) and b.receive_and_verify(sa)
    assert a.secret == b.secret


def test_password_logon():
    a, b = PasswordHandShake(PW, logon=True), PasswordHandShake(PW, logon=True)
    sa, sb = a.generate_handshake(), b.generate_handshake()
    assert a.receive_and_verify(sb) and b.receive_and_verify(sa)
    assert isinstance(a.secret_serial, int) and a.secret_serial > 0
    with pytest.raises(OSError):
        a.secret


def test_password_vectors(poorman_vectors):
    for v in poorman_vectors["password"]["valid"]:
        iv_a, iv_b = bytes.fromhex(v["iv_a"]), bytes.fromhex(v["iv_b"])
        n = v["hsub_len"]
        assert poorman.create_hsub(v["password"], iv_a, n) == v["hsub_a"]
        assert poorman.create_hsub(v["password"], iv_b, n) == v["hsub_b"]
        assert poorman.match_hsub(v["hsub_b"], v["password"])
        assert poorman.iv_from_hsub(v["hsub_a"]) == iv_a
        if n != 48:
            continue		# generate_handshake() makes the default 48 digits
        a = PasswordHandShake(v["password"], min_bits=0)
        a._next_iv = iv_a
        assert a.generate_handshake() == v["hsub_a"]
        assert a.receive_and_verify(v["hsub_b"])
        assert a.salt.hex() == v["salt"]
        assert a.secret.hex() == v["secret"]
    for v in poorman_vectors["password"]["invalid"]:
        a = PasswordHandShake(v["password"], min_bits=0)
        a.generate_handshake()
        assert not a.receive_and_verify(v["hsub"]), v["why"]
        assert a.salt is None and a.secret is None


def test_symmetric_helpers():
    iv = poorman.generate_iv()
    assert isinstance(iv, bytes) and len(iv) == 8 and iv != poorman.generate_iv()
    assert len(poorman.generate_iv(16)) == 16
    h = poorman.create_hsub(PW)
    assert len(h) == 48 and poorman.match_hsub(h, PW)
    assert not poorman.match_hsub(h, PW + "!")
    assert not poorman.match_hsub("zz" + h[2:], PW)
    assert not poorman.match_hsub(h[:40], PW)
    assert poorman.iv_from_hsub(h, 8) == bytes.fromhex(h[:8])
    assert len(poorman.create_hsub(PW, iv, 64)) == 64


# ------------------------------------------------------------ HandShake / HalfHandShake

@pytest.fixture
def alice(key_files):
    return HandShake(key_files["alice"])


@pytest.fixture
def bob(key_files):
    return HandShake(key_files["bob"])


def test_rsa_round_trip(alice, bob):
    alice.load_public(bob.pubkey)
    bob.load_public(alice.pubkey)
    assert alice.secret is None
    sa, sb = alice.generate_handshake(), bob.generate_handshake()
    assert isinstance(sa, str) and len(sa) == 2 * (256 + 256)
    assert bob.verify(sa, alice.pubkey) and not bob.verify(sa, bob.pubkey)
    bob.receive_and_verify(sa)
    alice.receive_and_verify(sb)
    assert len(alice.secret) == 32 and alice.secret == bob.secret


def test_rsa_pub_argument_forms(alice, bob):
    # pub as PEM str, bytes, or a key object
    sa = alice.generate_handshake(bob.private_key.public_key())
    sb = bob.generate_handshake(alice.pubkey.encode())
    bob.receive_and_verify(sa, alice.pubkey)
    alice.receive_and_verify(sb, bob.private_key.public_key())
    assert alice.secret == bob.secret


def test_rsa_bad_signature_secret_unchanged(alice, bob, key_files):
    mallory = HandShake(key_files["carol"])
    alice.load_public(bob.pubkey)
    bob.load_public(alice.pubkey)
    sa, sb = alice.generate_handshake(), bob.generate_handshake()
    forged = mallory.generate_handshake(bob.pubkey)	# signed by the wrong key
    before = bob.secret
    with pytest.raises(InvalidSignatureError):
        bob.receive_and_verify(forged)
    assert issubclass(InvalidSignatureError, ValueError)
    assert bob.secret == before
    # the session survives a forgery: the genuine message still completes it
    bob.receive_and_verify(sa)
    alice.receive_and_verify(sb)
    assert alice.secret == bob.secret
    # a later forgery changes nothing
    kept = bob.secret
    bob.generate_handshake()
    with pytest.raises(InvalidSignatureError):
        bob.receive_and_verify(forged)
    assert bob.secret == kept


@pytest.mark.parametrize("where", ["signature", "ciphertext"])
def test_rsa_tampered(alice, bob, where):
    alice.load_public(bob.pubkey)
    bob.load_public(alice.pubkey)
    sa = bytearray(bytes.fromhex(alice.generate_handshake()))
    bob.generate_handshake()
    sa[10 if where == "signature" else 300] ^= 1
    with pytest.raises(InvalidSignatureError):
        bob.receive_and_verify(sa.hex())
    assert bob.secret is None
    # without the separate check the module refuses it too
    with pytest.raises(ValueError):
        bob.receive_handshake(sa.hex())
    assert bob.secret is None
    with pytest.raises(ValueError):
        bob.receive_and_verify("not hex")


def test_rsa_receive_before_generate(alice, bob):
    bob.load_public(alice.pubkey)
    with pytest.raises(ValueError):
        bob.receive_and_verify(alice.generate_handshake(bob.pubkey))


def test_rsa_mixed_key_sizes(key_files):
    a = HandShake(key_files["alice"])		# 2048
    c = HandShake(key_files["carol"])		# 3072
    d = HandShake(key_files["dave"])		# 4096
    for x, y in ((a, c), (c, d), (d, a)):
        x.load_public(y.pubkey)
        y.load_public(x.pubkey)
        sx, sy = x.generate_handshake(), y.generate_handshake()
        y.receive_and_verify(sx)
        x.receive_and_verify(sy)
        assert x.secret == y.secret and len(x.secret) == 32
    s, r = HalfHandShake(key_files["dave"]), HalfHandShake(key_files["alice"])
    r.load_public(s.pubkey)
    r.receive_and_verify(s.generate_handshake(r.pubkey))
    assert r.secret == s.secret


def test_generated_key_sizes():
    h = HandShake(key_size=3072)
    assert h.private_key.size_in_bits() == 3072
    with pytest.raises(ValueError):
        HandShake(key_size=1000)


def test_half_handshake(key_files):
    sender, receiver = HalfHandShake(key_files["alice"]), HalfHandShake(key_files["bob"])
    receiver.load_public(sender.pubkey)
    shake = sender.generate_handshake(receiver.pubkey)
    assert len(sender.secret) == 32		# known as soon as it is sent
    receiver.receive_and_verify(shake)
    assert receiver.secret == sender.secret
    # a forged half handshake leaves the receiver's secret alone
    other = HalfHandShake(key_files["carol"])
    forged = other.generate_handshake(receiver.pubkey)
    kept = receiver.secret
    with pytest.raises(InvalidSignatureError):
        receiver.receive_and_verify(forged)
    assert receiver.secret == kept


def test_half_vectors(poorman_vectors, key_files):
    keys = poorman_vectors["keys"]
    ran = 0
    for v in poorman_vectors["half"]["valid"]:
        if not keys_ok(poorman_vectors, v["sender"], v["receiver"]):
            continue
        r = HalfHandShake(key_files[v["receiver"]])
        r.load_public(keys[v["sender"]]["public_pem"])
        assert r.verify(v["shake"], keys[v["sender"]]["public_pem"])
        r.receive_and_verify(v["shake"])
        assert r.secret.hex() == v["secret"]
        ran += 1
    assert ran >= 3
    for v in poorman_vectors["half"]["invalid"]:
        if not keys_ok(poorman_vectors, v["sender"], v["receiver"]):
            continue
        r = HalfHandShake(key_files[v["receiver"]])
        r.load_public(keys[v["sender"]]["public_pem"])
        with pytest.raises(ValueError):
            r.receive_and_verify(v["shake"])
        assert r.secret is None, v["why"]


def test_mutual_vectors(poorman_vectors, key_files):
    keys = poorman_vectors["keys"]
    for v in poorman_vectors["mutual"]["valid"]:
        a, b = v["a"], v["b"]
        ka, kb = keys[a], keys[b]
        h = HandShake(key_files[b])
        assert h.verify(v["shake_a"], ka["public_pem"])
        assert not h.verify(v["shake_a"], kb["public_pem"])
        # the contribution inside decrypts to the reference's
        raw = bytes.fromhex(v["shake_a"])
        sig_len = poorman.load_RSA_key(key_files[a]).size_in_bytes()
        got = poorman.decrypt_RSA(poorman.load_RSA_key(key_files[b]), raw[sig_len:])
        assert got.hex() == v["contribution_a"]
        ca, cb = bytes.fromhex(v["contribution_a"]), bytes.fromhex(v["contribution_b"])
        assert bytes(x ^ y for x, y in zip(ca, cb)).hex() == v["secret"]


# ------------------------------------------------------------ key files and key objects

def test_key_object_interface(poorman_vectors, key_files):
    for name in ("alice", "carol"):
        vk = poorman_vectors["keys"][name]
        k = poorman.load_RSA_key(key_files[name])
        assert k.has_private() and k.size_in_bits() == vk["bits"]
        assert k.size_in_bytes() == vk["bits"] // 8
        assert k.e == 65537 and k.n.bit_length() == vk["bits"]
        assert k.export_key().decode() == vk["private_pem_pkcs1"].strip()
        assert k.export_key(pkcs=8).decode() == vk["private_pem_pkcs8"].strip()
        assert k.export_key(format="DER") == poorman._unpem(vk["private_pem_pkcs1"])[1]
        pub = k.public_key()
        assert not pub.has_private() and pub.n == k.n
        assert pub.export_key().decode().strip() == vk["public_pem"].strip()
        assert HandShake(key_files[name]).pubkey.strip() == vk["public_pem"].strip()


def test_pkcs8_key_file_loads(tmp_path, poorman_vectors):
    vk = poorman_vectors["keys"]["bob"]
    p = tmp_path / "bob8.pem"
    p.write_text(vk["private_pem_pkcs8"])
    h = HandShake(str(p))
    assert h.pubkey.strip() == vk["public_pem"].strip()
    assert p.read_text() == vk["private_pem_pkcs8"]	# a good file is left alone


def test_key_file_persistence(tmp_path):
    path = str(tmp_path / "sub" / "key.pem")
    h1 = HandShake(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    text = open(path).read()
    assert text.startswith("-----BEGIN RSA PRIVATE KEY-----")
    h2 = HandShake(path)
    assert h2.pubkey == h1.pubkey
    k = poorman.load_RSA_key(path)
    assert poorman.load_RSA_key(path) is k		# memoised
    other = poorman.create_RSA_key()[1]
    poorman.export_RSA_key(other, path)		# rewritten: reloads
    k2 = poorman.load_RSA_key(path)
    assert k2 is not k and k2.export_key().decode() == other
    h3 = HandShake(str(tmp_path / "x.pem"))
    h3.export_private_key(str(tmp_path / "copy.pem"))
    h4 = HandShake(key_size=2048)
    h4.load_private(str(tmp_path / "copy.pem"))
    assert h4.pubkey == h3.pubkey


def test_bak_recovery(tmp_path):
    path = tmp_path / "key.pem"
    path.write_text("this is not a key\n")
    h = HandShake(str(path))
    assert (tmp_path / "key.pem.bak").read_text() == "this is not a key\n"
    assert poorman.load_RSA_key(str(path)).has_private()
    assert HandShake(str(path)).pubkey == h.pubkey
    # a damaged PEM too
    good = path.read_text()
    path.write_text(good[:200] + "AAAA" + good[204:])
    h2 = HandShake(str(path))
    assert h2.pubkey != h.pubkey
    assert (tmp_path / "key.pem.bak").read_text() != good


def test_create_and_export(tmp_path):
    pub, priv = poorman.create_RSA_key()
    assert isinstance(pub, str) and pub.startswith("-----BEGIN PUBLIC KEY-----")
    assert priv.startswith("-----BEGIN RSA PRIVATE KEY-----")
    poorman.export_RSA_key(pub, str(tmp_path / "pub.pem"))
    k = poorman.load_RSA_key(str(tmp_path / "pub.pem"))
    assert not k.has_private()
    assert stat.S_IMODE(os.stat(tmp_path / "pub.pem").st_mode) == 0o644
    with pytest.raises(ValueError):
        poorman.load_RSA_key(__file__)


# ------------------------------------------------------------ RSA helpers

def test_rsa_helpers(key_files):
    k = poorman.load_RSA_key(key_files["alice"])
    pub = k.public_key().export_key()
    ct = poorman.encrypt_RSA(pub, "attack at dawn")
    assert len(ct) == 256
    assert poorman.decrypt_RSA(k, ct) == b"attack at dawn"
    assert poorman.decrypt_RSA(k.export_key(), ct) == b"attack at dawn"
    bad = bytearray(ct)
    bad[5] ^= 1
    with pytest.raises(ValueError):
        poorman.decrypt_RSA(k, bytes(bad))
    with pytest.raises(TypeError):
        poorman.decrypt_RSA(pub, ct)
    sig = poorman.sign_RSA(k, ct)
    assert poorman.verify_RSA(pub, ct, sig)
    assert not poorman.verify_RSA(pub, ct + b"x", sig)
    assert not poorman.verify_RSA(pub, ct, sig[:-1] + bytes([sig[-1] ^ 1]))
    assert not poorman.verify_RSA(pub, ct, b"short")
    assert not poorman.verify_RSA(pub, ct, b"")
    with pytest.raises(ValueError):
        poorman.encrypt_RSA(pub, b"x" * 300)


def test_hybrid(key_files):
    k = poorman.load_RSA_key(key_files["carol"])
    for pt in (b"", b"x", os.urandom(100000), "text"):
        ct = poorman.hybrid_encrypt_RSA(k.public_key(), pt)
        assert int.from_bytes(ct[:2], "big") == 384
        want = pt.encode() if isinstance(pt, str) else pt
        assert poorman.hybrid_decrypt_RSA(k, ct) == want
        bad = bytearray(ct)
        bad[-1 if pt else 2 + 384 + 20] ^= 1
        with pytest.raises(ValueError):
            poorman.hybrid_decrypt_RSA(k, bytes(bad))


def test_helper_vectors(poorman_vectors, key_files):
    keys = poorman_vectors["keys"]
    for v in poorman_vectors["oaep_sha1"]:
        if keys_ok(poorman_vectors, v["key"]):
            k = poorman.load_RSA_key(key_files[v["key"]])
            assert poorman.decrypt_RSA(k, bytes.fromhex(v["ciphertext"])).hex() == \
                v["plaintext"]
    for v in poorman_vectors["pss_sha256"]:
        got = poorman.verify_RSA(keys[v["key"]]["public_pem"], bytes.fromhex(v["message"]),
                                 bytes.fromhex(v["signature"]))
        assert got == v["valid"]
    for v in poorman_vectors["hybrid"]["valid"]:
        if keys_ok(poorman_vectors, v["key"]):
            k = poorman.load_RSA_key(key_files[v["key"]])
            assert poorman.hybrid_decrypt_RSA(k, bytes.fromhex(v["ciphertext"])).hex() == \
                v["plaintext"]
    for v in poorman_vectors["hybrid"]["invalid"]:
        if keys_ok(poorman_vectors, v["key"]):
            k = poorman.load_RSA_key(key_files[v["key"]])
            with pytest.raises(ValueError):
                poorman.hybrid_decrypt_RSA(k, bytes.fromhex(v["ciphertext"]))


def test_logon_rsa(alice, key_files):
    b = HandShake(key_files["bob"], logon=True)
    alice.load_public(b.pubkey)
    b.load_public(alice.pubkey)
    sa, sb = alice.generate_handshake(), b.generate_handshake()
    b.receive_and_verify(sa)
    alice.receive_and_verify(sb)
    assert b.secret_serial > 0
    with pytest.raises(OSError):
        b.secret
    assert len(alice.secret) == 32


# ------------------------------------------------------------ concurrency, no leaks

def test_threads_no_leak(key_files):
    poorman._RSA_KEY_CACHE.clear()
    base = live_counts()
    errors = []

    def worker(i):
        try:
            a = HandShake(key_files["alice"])
            b = HandShake(key_files["bob"] if i % 2 else key_files["carol"])
            for _ in range(2):
                a.load_public(b.pubkey)
                b.load_public(a.pubkey)
                sa, sb = a.generate_handshake(), b.generate_handshake()
                b.receive_and_verify(sa)
                a.receive_and_verify(sb)
                assert a.secret == b.secret
            s, r = HalfHandShake(key_files["bob"]), HalfHandShake(key_files["alice"])
            r.load_public(s.pubkey)
            r.receive_and_verify(s.generate_handshake(r.pubkey))
            assert r.secret == s.secret
            p, q = PasswordHandShake(PW), PasswordHandShake(PW)
            sp, sq = p.generate_handshake(), q.generate_handshake()
            assert p.receive_and_verify(sq) and q.receive_and_verify(sp)
            assert p.secret == q.secret
            # an abandoned session must not leak either
            PasswordHandShake(PW).generate_handshake()
        except Exception as e:		# reported below, with the thread's number
            errors.append((i, repr(e)))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    poorman._RSA_KEY_CACHE.clear()
    gc.collect()
    assert live_counts(expect=base) == base
    assert base == (0, 0) or os.environ.get("PMHS_TEST_SHARED_MODULE")


# ------------------------------------------------------------ kTLS from the published secret

def test_ktls_password_secret():
    import socket
    a, b, sa, sb = pw_pair()
    assert a.receive_and_verify(sb) and b.receive_and_verify(sa)
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    cli = socket.create_connection(srv.getsockname())
    acc, _ = srv.accept()
    try:
        na, nb = os.urandom(32), os.urandom(32)
        a.ktls(cli, na, nb, initiator=True)
        b.ktls(acc, nb, na, initiator=False)
        cli.sendall(b"hello through kTLS")
        assert acc.recv(100) == b"hello through kTLS"
        acc.sendall(b"and back")
        assert cli.recv(100) == b"and back"
        with pytest.raises(OSError):		# a secret keys one thing only
            a.ktls(socket.socket(), na, nb)
    finally:
        for s in (cli, acc, srv):
            s.close()


def test_secret_reset(alice, bob):
    alice.load_public(bob.pubkey)
    bob.load_public(alice.pubkey)
    sa, sb = alice.generate_handshake(), bob.generate_handshake()
    bob.receive_and_verify(sa)
    alice.receive_and_verify(sb)
    alice.secret = None
    assert alice.secret is None and alice.secret_serial is None
    with pytest.raises(AttributeError):
        alice.secret = b"x" * 32
