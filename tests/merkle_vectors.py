#!/usr/bin/env python3
"""Prints the fixed vectors of src/domain/merkle.rs: RFC 6962 roots and paths over the leaves
"p:10p:sha256(p)" for p = 1..7, computed by tests/rfc6962.py (hashlib, from the RFC's definitions)."""
import hashlib

from rfc6962 import leaf, mth, path

D = [leaf(f"{p}:{p * 10}:{hashlib.sha256(str(p).encode()).hexdigest()}".encode()) for p in range(1, 8)]
for n in [0, 1, 2, 3, 4, 5, 7]:
    print(n, mth(D[:n]).hex())
print("path 5 of 7:", [h.hex() for h in path(5, D)])
print("path 2 of 3:", [h.hex() for h in path(2, D[:3])])
