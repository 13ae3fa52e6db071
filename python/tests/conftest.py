# SPDX-License-Identifier: GPL-2.0
"""Shared fixtures: the vectors, the module's live object counters.

Run in the VM (module loaded) as root:
  PYTHONPATH=python PMHS_LIBPMHS=$PWD/userspace/lib/libpmhs.so.0 \
      python3 -m pytest -q python/tests
"""

import gc
import json
import os

import pytest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VECTORS = os.path.join(TOP, "selftests", "vectors")


def load_vectors(name):
    with open(os.path.join(VECTORS, name)) as f:
        return json.load(f)


@pytest.fixture(scope="session")
def poorman_vectors():
    return load_vectors("poorman-v1.json")


@pytest.fixture(scope="session")
def noise_vectors():
    return load_vectors("noise-v1.json")


def live_counts(expect=None):
    """(live sessions, live identities) of the module, after a garbage collection.

    With ``expect``, wait up to 10 s for the counters to reach it: the
    module frees sessions after an RCU grace period, so they lag a close().
    """
    import time
    from pmhs import _lib
    for _ in range(10):     # finalisers may free more on the next collection
        if not gc.collect():
            break
    with _lib.Handle() as h:
        for _ in range(100):
            v = h.version()
            got = (v.live_sessions, v.live_identities)
            if expect is None or got == expect:
                break
            time.sleep(0.1)
        return got


@pytest.fixture
def key_files(tmp_path, poorman_vectors):
    """The vector keys as PKCS#1 PEM files written by the reference: name -> path."""
    out = {}
    for name, k in poorman_vectors["keys"].items():
        p = tmp_path / ("%s.pem" % name)
        p.write_text(k["private_pem_pkcs1"])
        p.chmod(0o600)
        out[name] = str(p)
    return out
