#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Generate kmod/crypto/rsa_kat.h, the RSA known-answer tests run at module load.

    tools/gen-rsa-kat.py [--full] [TOP] > kmod/crypto/rsa_kat.h

--full emits every usable vector instead of the load-time selection
(all poorman OAEP/PSS, all Wycheproof OAEP SHA-1/SHA-256 and PSS
2048/3072/4096 cases): a one-off, slow check, never committed.

Reads selftests/vectors/poorman-v1.json and the Wycheproof OAEP-SHA256
file; PEM and PKCS#8 are turned into the DER the kernel parsers take.
Standard library only, so it runs anywhere python3 does.
"""
import base64
import hashlib
import json
import os
import sys

ARGS = [a for a in sys.argv[1:] if a != "--full"]
FULL = len(ARGS) != len(sys.argv) - 1
TOP = ARGS[0] if ARGS else os.path.join(os.path.dirname(__file__), "..")
VEC = os.path.join(TOP, "selftests", "vectors")


def pem_der(pem):
    body = [l for l in pem.strip().splitlines() if not l.startswith("-----")]
    return base64.b64decode("".join(body))


def tlv(buf, off=0):
    """(tag, value start, value end) of the DER TLV at off."""
    tag, l = buf[off], buf[off + 1]
    off += 2
    if l & 0x80:
        n = l & 0x7F
        l = int.from_bytes(buf[off:off + n], "big")
        off += n
    return tag, off, off + l


def pkcs8_to_pkcs1(der):
    """PrivateKeyInfo -> the RSAPrivateKey in its OCTET STRING."""
    tag, s, e = tlv(der)
    assert tag == 0x30 and e == len(der)
    off = s
    for want in (0x02, 0x30):          # version, AlgorithmIdentifier
        tag, vs, ve = tlv(der, off)
        assert tag == want
        off = ve
    tag, vs, ve = tlv(der, off)
    assert tag == 0x04
    return der[vs:ve]


def der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def der(tag, val):
    return bytes([tag]) + der_len(len(val)) + val


def der_uint(x):
    b = x.to_bytes(max(1, (x.bit_length() + 8) // 8), "big")
    return der(0x02, b)


RSA_ALG = bytes.fromhex("300d06092a864886f70d0101010500")


def spki(n, e, alg=RSA_ALG):
    return der(0x30, alg + der(0x03, b"\0" + der(0x30, der_uint(n) + der_uint(e))))


def c_bytes(name, data):
    out = ["static const u8 %s[] = {" % name]
    for i in range(0, len(data), 12):
        out.append("\t" + " ".join("0x%02x," % b for b in data[i:i + 12]))
    out.append("};")
    return "\n".join(out)


def main():
    pm = json.load(open(os.path.join(VEC, "poorman-v1.json")))
    wp = json.load(open(os.path.join(VEC, "wycheproof", "rsa_oaep_2048_sha256_mgf1sha256_test.json")))
    keys = pm["keys"]
    arrays, oaep, pss, spkis, bad = [], [], [], [], []

    def arr(name, data):
        """Emit a byte array; return 'name, sizeof(name)' for an initializer."""
        arrays.append(c_bytes(name, data))
        return name

    def entry(**fields):
        """A designated initializer, one field per line."""
        lines = ["\t{"]
        for k, v in fields.items():
            lines.append("\t\t.%s = %s," % (k, v))
        lines.append("\t},")
        return "\n".join(lines)

    def blob(field, name, data):
        if not data:                   # C has no empty arrays
            return {field: '(const u8 *)""', field + "_len": "0"}
        a = arr(name, data)
        return {field: a, field + "_len": "sizeof(%s)" % a}

    def cstr(x):
        return '"%s"' % x

    # Private keys (PKCS#1 DER) whose private operations are tested.
    priv = {}
    for k in ("alice", "carol", "dave", "erin") if FULL else ("alice", "carol"):
        d = pem_der(keys[k]["private_pem_pkcs1"])
        assert d[0] == 0x30
        priv[k] = blob("key", "kat_%s_priv" % k, d)
    grp = wp["testGroups"][0]
    assert grp["sha"] == "SHA-256" and grp["mgfSha"] == "SHA-256"
    priv["wycheproof"] = blob("key", "kat_wycheproof_priv",
                              pkcs8_to_pkcs1(bytes.fromhex(grp["privateKeyPkcs8"])))

    # Public keys: SPKI as the reference package exports them.
    spki_names = ["alice", "carol", "dave", "erin"]
    assert not FULL or "wycheproof" in priv
    for k in spki_names:
        d = pem_der(keys[k]["public_pem"])
        spkis.append(entry(name=cstr(k), bits=keys[k]["bits"],
                           **blob("der", "kat_%s_spki" % k, d),
                           fpr=arr("kat_%s_fpr" % k, hashlib.sha256(d).digest())))

    if FULL:
        for f in ("rsa_pss_2048_sha256_mgf1_32_test.json",
                  "rsa_pss_3072_sha256_mgf1_32_test.json",
                  "rsa_pss_4096_sha256_mgf1_32_test.json"):
            g = json.load(open(os.path.join(VEC, "wycheproof", f)))["testGroups"]
            assert len(g) == 1 and int(g[0]["sLen"]) == 32
            k = "wycheproof_pss_%s" % g[0]["keySize"]
            d = bytes.fromhex(g[0]["publicKeyDer"])
            spki_names.append(k)
            spkis.append(entry(name=cstr(k), bits=int(g[0]["keySize"]),
                               **blob("der", "kat_%s_spki" % k, d),
                               fpr=arr("kat_%s_fpr" % k, hashlib.sha256(d).digest())))
            for t in g[0]["tests"]:
                assert t["result"] in ("valid", "invalid")
                pss.append(entry(name=cstr("%s tc%d" % (k, t["tcId"])),
                                 spki=len(spki_names) - 1,
                                 **blob("msg", "kat_%s_%d_msg" % (k, t["tcId"]), bytes.fromhex(t["msg"])),
                                 **blob("sig", "kat_%s_%d_sig" % (k, t["tcId"]), bytes.fromhex(t["sig"])),
                                 expect="0" if t["result"] == "valid" else "-EKEYREJECTED"))

    # OAEP-SHA1 from the reference package: the longest 2048 message and 3072.
    picks = [x for x in pm["oaep_sha1"] if x["key"] == "alice"]
    picks = [max(picks, key=lambda x: len(x["plaintext"]))]
    picks += [x for x in pm["oaep_sha1"] if x["key"] == "carol"][:1]
    if FULL:
        picks = pm["oaep_sha1"]
    for i, x in enumerate(picks):
        oaep.append(entry(name=cstr("poorman %s sha1" % x["key"]), **priv[x["key"]],
                          hash="PMHS_HASH_SHA1",
                          **blob("ct", "kat_oaep_sha1_%d_ct" % i, bytes.fromhex(x["ciphertext"])),
                          **blob("pt", "kat_oaep_sha1_%d_pt" % i, bytes.fromhex(x["plaintext"])),
                          expect=0))

    # Wycheproof OAEP-SHA256: the longest valid message, and failures that
    # reach the padding check (lHash, first byte) or stop before it.
    tests = {t["tcId"]: t for t in grp["tests"]}
    sel = [(tc, tests[tc], "SHA256", priv["wycheproof"]) for tc in (11, 13, 23, 28, 30)]
    if FULL:
        sel = [(t["tcId"], t, "SHA256", priv["wycheproof"]) for t in grp["tests"]]
        g1 = json.load(open(os.path.join(VEC, "wycheproof", "rsa_oaep_2048_sha1_mgf1sha1_test.json")))
        g1 = g1["testGroups"][0]
        p1 = blob("key", "kat_wycheproof_sha1_priv", pkcs8_to_pkcs1(bytes.fromhex(g1["privateKeyPkcs8"])))
        sel += [(1000 + t["tcId"], t, "SHA1", p1) for t in g1["tests"]]
    for tc, t, hname, pk in sel:
        # pmhs only does the empty label: a labelled ciphertext must fail
        ok = t["result"] == "valid" and t["label"] == ""
        f = dict(name=cstr("wycheproof %s tc%d (%s)" % (hname, tc % 1000, t["comment"] or "valid")),
                 **pk, hash="PMHS_HASH_" + hname,
                 **blob("ct", "kat_wycheproof_%d_ct" % tc, bytes.fromhex(t["ct"])))
        if ok:
            f.update(blob("pt", "kat_wycheproof_%d_pt" % tc, bytes.fromhex(t["msg"])))
        f["expect"] = "0" if ok else "-EBADMSG"
        oaep.append(entry(**f))

    # PSS: one valid reference signature per key not imported privately
    # (public operations only: 1024, 2048, 4096), plus the invalid ones.
    seen = set()
    for i, x in enumerate(pm["pss_sha256"]):
        if not FULL and x["valid"] and (x["key"] in seen or x["key"] == "carol"):
            continue
        seen.add(x["key"])
        pss.append(entry(name=cstr("poorman %s #%d" % (x["key"], i)),
                         spki=spki_names.index(x["key"]),
                         **blob("msg", "kat_pss_%d_msg" % i, bytes.fromhex(x["message"])),
                         **blob("sig", "kat_pss_%d_sig" % i, bytes.fromhex(x["signature"])),
                         expect="0" if x["valid"] else "-EKEYREJECTED"))

    # Malformed or out-of-policy SubjectPublicKeyInfo, all -EINVAL.
    good = pem_der(keys["erin"]["public_pem"])
    n1024 = int.from_bytes(good[good.index(b"\x02\x81\x81\x00") + 4:][:128], "big")
    n512 = (1 << 511) | 0x1F
    body = good[2:] if good[1] < 0x80 else good[2 + (good[1] & 0x7F):]

    def rpk(n_der, e_der):
        return der(0x30, RSA_ALG + der(0x03, b"\0" + der(0x30, n_der + e_der)))

    cases = [
        ("trailing garbage", good + b"\0"),
        ("truncated", good[:-1]),
        ("indefinite length", bytes([0x30, 0x80]) + body + b"\0\0"),
        ("non-minimal length", bytes([0x30, 0x82, 0x00, len(body)]) + body),
        ("wrong OID", spki(n1024, 65537, bytes.fromhex("300d06092a864886f70d0101050500"))),
        ("no RSAPublicKey", der(0x30, RSA_ALG + der(0x03, b"\0"))),
        ("unused bits", der(0x30, RSA_ALG + der(0x03, b"\1" + der(0x30, der_uint(n1024) + der_uint(65537))))),
        ("512-bit modulus", spki(n512, 65537)),
        ("4097-bit modulus", spki((1 << 4096) | 1, 65537)),
        ("even modulus", spki(n1024 + 1, 65537)),
        ("e = 1", spki(n1024, 1)),
        ("even e", spki(n1024, 65536)),
        ("negative e", rpk(der_uint(n1024), der(0x02, b"\x81"))),
        ("padded integer", rpk(der_uint(n1024), der(0x02, b"\0\x03"))),
    ]
    for i, (what, d) in enumerate(cases):
        bad.append(entry(name=cstr(what), **blob("der", "kat_bad_spki_%d" % i, d)))

    print("""/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RSA known-answer tests. Generated by tools/gen-rsa-kat.py from
 * selftests/vectors (poorman-v1.json, Wycheproof OAEP-SHA256); do not edit.
 */
#ifndef _PMHS_RSA_KAT_H
#define _PMHS_RSA_KAT_H

struct pmhs_kat_spki {
	const char *name;
	unsigned int bits;
	const u8 *der;
	size_t der_len;
	const u8 *fpr;
};

struct pmhs_kat_oaep {
	const char *name;
	const u8 *key;		/* PKCS#1 RSAPrivateKey */
	size_t key_len;
	enum pmhs_hash hash;
	const u8 *ct;
	size_t ct_len;
	const u8 *pt;
	size_t pt_len;
	int expect;
};

struct pmhs_kat_pss {
	const char *name;
	unsigned int spki;	/* index into pmhs_kat_spkis */
	const u8 *msg;
	size_t msg_len;
	const u8 *sig;
	size_t sig_len;
	int expect;
};

struct pmhs_kat_bad {
	const char *name;
	const u8 *der;
	size_t der_len;
};
""")
    print("\n\n".join(arrays))
    print("\n/* alice is first: its private key is used for the round trips */")
    print("static const struct pmhs_kat_spki pmhs_kat_spkis[] = {\n%s\n};\n" % "\n".join(spkis))
    print("static const struct pmhs_kat_oaep pmhs_kat_oaeps[] = {\n%s\n};\n" % "\n".join(oaep))
    print("static const struct pmhs_kat_pss pmhs_kat_psss[] = {\n%s\n};\n" % "\n".join(pss))
    print("static const struct pmhs_kat_bad pmhs_kat_bad_spkis[] = {\n%s\n};\n" % "\n".join(bad))
    print("#endif /* _PMHS_RSA_KAT_H */")


main()
