#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Seed the fuzz corpora from the test vectors."""
import json
import os
import struct
import sys

out = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
v = json.load(open(os.path.join(here, "../../selftests/vectors/poorman-v1.json")))
for i, (name, k) in enumerate(v["keys"].items()):
    for kind in ("private_pem_pkcs1", "private_pem_pkcs8", "public_pem"):
        open(f"{out}/pem/{name}-{kind}", "w").write(k[kind])
for i, h in enumerate(v["half"]["valid"]):
    open(f"{out}/hex/half{i}", "w").write(h["shake"][:600])
    payload = bytes.fromhex(h["shake"])
    # PMHS | version | mode | flags | type | u32be length | payload
    open(f"{out}/frame/half{i}", "wb").write(
        b"PMHS" + bytes([1, 2, 0, 2]) + struct.pack(">I", len(payload)) + payload)
