"""RFC 6962 Merkle tree hashes (RFC 9162 section 2.1), written from the RFC's definitions with hashlib
alone, to check Assent's anchors and receipts' inclusion paths independently of its Rust code."""
import hashlib


def H(b):
    return hashlib.sha256(b).digest()


def leaf(data):
    return H(b"\x00" + data)


def node(left, right):
    return H(b"\x01" + left + right)


def _split(n):
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves):
    """The root over leaves already hashed with leaf()."""
    n = len(leaves)
    if n == 0:
        return H(b"")
    if n == 1:
        return leaves[0]
    k = _split(n)
    return node(mth(leaves[:k]), mth(leaves[k:]))


def path(m, leaves):
    n = len(leaves)
    if n <= 1:
        return []
    k = _split(n)
    if m < k:
        return path(m, leaves[:k]) + [mth(leaves[k:])]
    return path(m - k, leaves[k:]) + [mth(leaves[:k])]


def root_from_path(leaf_hash, index, size, proof):
    """RFC 9162 section 2.1.3.2; None when the path cannot belong to such a tree."""
    if index >= size:
        return None
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def head_leaf(profile_id, event_id, event_hash):
    """An anchor's leaf: a profile's chain head as "profileId:eventId:hash"."""
    return leaf(f"{profile_id}:{event_id}:{event_hash}".encode())
