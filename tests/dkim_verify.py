#!/usr/bin/env python3
"""Verifies the DKIM signature of one email with dkimpy, an implementation independent of Assent's,
against a public key given on the command line instead of DNS.

    python3 tests/dkim_verify.py MESSAGE_FILE 'v=DKIM1; k=rsa; p=...'

Exit 0 and "pass" when the signature verifies; exit 1 and "fail" otherwise; exit 3 when dkimpy (or
PyNaCl, for Ed25519) is not installed: `python3 -m pip install dkimpy pynacl`.
"""
import sys

try:
    import dkim
    import nacl  # noqa: F401  (Ed25519 support in dkimpy)
except ImportError:
    print("dkimpy and pynacl are needed: python3 -m pip install dkimpy pynacl")
    sys.exit(3)

message = open(sys.argv[1], "rb").read()
record = sys.argv[2].encode()
ok = dkim.verify(message, dnsfunc=lambda name, timeout=5: record)
print("pass" if ok else "fail")
sys.exit(0 if ok else 1)
