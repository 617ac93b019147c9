#!/usr/bin/env python3
"""Checks an Assent ledger anchor with implementations independent of Assent: its signature with PyJWT
(EdDSA through `cryptography`) against the published JWK set, that its readable part is what was
signed, and its Merkle root recomputed with hashlib (tests/rfc6962.py) from the chain heads as read
straight from the database (a JSON list of [profileId, eventId, hash], in profile order). Prints
{"root", "profiles"}; exits 1 naming what failed, 3 when its libraries are not installed.

    python3 tests/anchor_check.py ANCHOR.json KEYS.json HEADS.json
"""
import json
import sys

from rfc6962 import head_leaf, mth

try:
    import jwt
    import cryptography  # noqa: F401 - PyJWT's EdDSA needs it
except ImportError as e:
    print(f"missing: {e} (pip install pyjwt cryptography)")
    sys.exit(3)

doc = json.load(open(sys.argv[1]))
keys = json.load(open(sys.argv[2]))
heads = json.load(open(sys.argv[3]))
try:
    token = doc["signature"]
    header = jwt.get_unverified_header(token)
    if header.get("typ") != "assent-anchor+jwt":
        raise ValueError(f"typ is {header.get('typ')!r}")
    jwk = next((k for k in keys["keys"] if k["kid"] == header.get("kid")), None)
    if jwk is None:
        raise ValueError(f"no published key has the kid {header.get('kid')!r}")
    signed = jwt.decode(token, key=jwt.PyJWK(jwk), algorithms=["EdDSA"])
    if signed != doc["anchor"]:
        raise ValueError("the readable anchor differs from the signed one")
    root = mth([head_leaf(p, e, h) for p, e, h in heads]).hex()
    if root != signed["root"]:
        raise ValueError(f"the root of the heads is {root}, the anchor says {signed['root']}")
    if len(heads) != signed["profiles"]:
        raise ValueError(f"{len(heads)} heads, the anchor says {signed['profiles']} profiles")
except Exception as e:  # noqa: BLE001 - every failure is reported the same way
    print(f"{type(e).__name__}: {e}")
    sys.exit(1)
print(json.dumps({"root": root, "profiles": len(heads)}))
