#!/usr/bin/env python3
"""Checks an Assent consent receipt with implementations independent of Assent: the signature with
PyJWT (EdDSA through the `cryptography` package) against the published JWK set, and the content with
`jsonschema` against docs/receipt.schema.json. Prints the receipt's content as JSON; exits 1 naming
what failed, and 3 when its libraries are not installed.

    python3 tests/receipt_check.py RECEIPT.jws KEYS.json docs/receipt.schema.json
"""
import json
import sys

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
except Exception as e:  # noqa: BLE001 - every failure is reported the same way
    print(f"{type(e).__name__}: {e}")
    sys.exit(1)
print(json.dumps({"typ": header.get("typ"), "kid": header["kid"], "receipt": receipt}))
