# SPDX-License-Identifier: GPL-2.0
"""pmhs: poorman_handshake's API with every handshake run by the pmhs kernel module.

Switch an application with one import line, e.g.
``from pmhs.poorman import HandShake`` instead of
``from poorman_handshake import HandShake``; OPAQUE logins with
opaque-ke-py's functions are in ``pmhs.opaque``. See docs/python.md.
"""

from pmhs._lib import PmhsError  # noqa: F401

__all__ = ["PmhsError"]
