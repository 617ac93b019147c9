#!/usr/bin/env python3
"""Checks an Assent consent receipt with implementations independent of Assent: the signature with
PyJWT (EdDSA through the `cryptography` package) against the published JWK set, and the content with
`jsonschema` against docs/receipt.schema.json, and an anchor proof, where the receipt carries one, by
walking its path with hashlib (tests/rfc6962.py) to the root it names. Prints the receipt's content as
JSON; exits 1 naming what failed, and 3 when its libraries are not installed.

    python3 tests/receipt_check.py RECEIPT.jws KEYS.json docs/receipt.schema.json
"""
import json
import sys

from rfc6962 import head_leaf, root_from_path

try:
    import jsonschema
    import jwt
    import cryptography  # noqa: F401 - PyJWT's EdDSA needs it
except ImportError as e:
    print(f"missing: {e} (pip install pyjwt cryptography jsonschema)")
    sys.exit(3)

token = open(sys.argv[1]).read().strip()
keys = json.load(open(sys.argv[2]))
schema = json.load(open(sys.argv[3]))
try:
    header = jwt.get_unverified_header(token)
    jwk = next((k for k in keys["keys"] if k["kid"] == header.get("kid")), None)
    if jwk is None:
        raise ValueError(f"no published key has the kid {header.get('kid')!r}")
    receipt = jwt.decode(token, key=jwt.PyJWK(jwk), algorithms=["EdDSA"])
    jsonschema.validate(receipt, schema, cls=jsonschema.Draft202012Validator)
    proof = receipt.get("assent:anchor")
    if proof is not None:
        leaf = proof["assent:leaf"]
        got = root_from_path(
            head_leaf(leaf["profileId"], leaf["eventId"], leaf["hash"]),
            proof["assent:leafIndex"],
            proof["assent:treeSize"],
            [bytes.fromhex(h) for h in proof["assent:path"]],
        )
        if got is None or got.hex() != proof["assent:root"]:
            raise ValueError("the anchor proof's path does not lead to its root")
        events = [e for r in receipt["dpv:hasConsentRecord"] for e in r["assent:events"]]
        if not any(e["assent:eventId"] == leaf["eventId"] and e["assent:ledgerHash"] == leaf["hash"] for e in events):
            raise ValueError("the anchored chain head is not one of the receipt's events")
except Exception as e:  # noqa: BLE001 - every failure is reported the same way
    print(f"{type(e).__name__}: {e}")
    sys.exit(1)
print(json.dumps({"typ": header.get("typ"), "kid": header["kid"], "receipt": receipt}))
