//! RFC 6962 (RFC 9162 §2.1) Merkle tree hashes, as the ledger's anchors use them: a leaf is
//! `SHA-256(0x00 || data)`, an inner node `SHA-256(0x01 || left || right)`, a tree of n leaves splits at
//! the largest power of two below n, and the empty tree's hash is `SHA-256("")`. Any RFC 6962 library
//! (Certificate Transparency's) recomputes the same roots and checks the same inclusion paths.

use sha2::{Digest, Sha256};

pub type Hash = [u8; 32];

/// A leaf's hash.
pub fn leaf(data: &[u8]) -> Hash {
    Sha256::new()
        .chain_update([0u8])
        .chain_update(data)
        .finalize()
        .into()
}

/// An inner node's hash.
pub fn node(left: &Hash, right: &Hash) -> Hash {
    Sha256::new()
        .chain_update([1u8])
        .chain_update(left)
        .chain_update(right)
        .finalize()
        .into()
}

/// The root of a tree built leaf by leaf, in O(log n) memory: complete subtrees are merged as soon as
/// two of a size meet, and the rest are folded from the right at the end, which is exactly RFC 6962's
/// split at the largest power of two.
#[derive(Default)]
pub struct Builder {
    /// Complete subtrees, largest first: (leaves, hash).
    stack: Vec<(u64, Hash)>,
    leaves: u64,
}

impl Builder {
    /// Adds the next leaf, given its leaf hash (or a complete subtree's root standing for `size` leaves,
    /// when `size` is a power of two no larger than the subtree before it).
    pub fn push_subtree(&mut self, size: u64, hash: Hash) {
        self.leaves += size;
        self.stack.push((size, hash));
        while let [.., (a, l), (b, r)] = self.stack[..]
            && a == b
        {
            self.stack.truncate(self.stack.len() - 2);
            self.stack.push((a + b, node(&l, &r)));
        }
    }

    pub fn push(&mut self, leaf_hash: Hash) {
        self.push_subtree(1, leaf_hash);
    }

    pub fn len(&self) -> u64 {
        self.leaves
    }

    pub fn is_empty(&self) -> bool {
        self.leaves == 0
    }

    pub fn root(&self) -> Hash {
        let mut nodes = self.stack.iter().rev().map(|(_, h)| *h);
        let Some(mut r) = nodes.next() else {
            return Sha256::digest(b"").into();
        };
        for l in nodes {
            r = node(&l, &r);
        }
        r
    }
}

/// The root over leaves already hashed.
pub fn root(leaves: &[Hash]) -> Hash {
    let mut b = Builder::default();
    for h in leaves {
        b.push(*h);
    }
    b.root()
}

/// The largest power of two below `n` (n ≥ 2).
fn split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// The inclusion path of leaf `m` (RFC 6962 `PATH(m, D[n])`): the siblings from the leaf up to the root.
pub fn path(leaves: &[Hash], m: usize) -> Vec<Hash> {
    if leaves.len() <= 1 {
        return Vec::new();
    }
    let k = split(leaves.len());
    let (mut p, sibling) = if m < k {
        (path(&leaves[..k], m), root(&leaves[k..]))
    } else {
        (path(&leaves[k..], m - k), root(&leaves[..k]))
    };
    p.push(sibling);
    p
}

/// The root an inclusion path leads to from leaf `index` of a tree of `size` leaves (RFC 9162
/// §2.1.3.2), or `None` when the path cannot belong to such a tree.
pub fn root_from_path(leaf_hash: Hash, index: u64, size: u64, path: &[Hash]) -> Option<Hash> {
    if index >= size {
        return None;
    }
    let (mut f, mut s, mut r) = (index, size - 1, leaf_hash);
    for p in path {
        if s == 0 {
            return None;
        }
        if f & 1 == 1 || f == s {
            r = node(p, &r);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            r = node(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    (s == 0).then_some(r)
}

/// Lower-case hex.
pub fn to_hex(h: &Hash) -> String {
    crate::domain::token::hex(h)
}

/// A hash from 64 hex digits.
pub fn from_hex(s: &str) -> Option<Hash> {
    if s.len() != 64 || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Leaves as the anchors make them, and roots and paths computed by `tests/merkle_vectors.py`
    /// (Python's hashlib, written from RFC 6962's recursive definitions).
    fn leaves() -> Vec<Hash> {
        (1..8)
            .map(|p: i64| {
                let h = crate::domain::sha256_hex(p.to_string().as_bytes());
                leaf(format!("{p}:{}:{h}", p * 10).as_bytes())
            })
            .collect()
    }

    #[test]
    fn roots_match_the_fixed_vectors() {
        let d = leaves();
        let want = [
            (
                0,
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            (
                1,
                "7d73d451fe8883accf9459ad5f6ed388b633954f90495846d7ad708b6a83adf9",
            ),
            (
                2,
                "a40757241893c81fd4ce6a402c210c3f4c0316f7be1287899f00a9e02470cb44",
            ),
            (
                3,
                "1be658be3e43654c79930d2293e2bf74f3584e16e519cffd5882f49d09481130",
            ),
            (
                4,
                "9befe363d9cb08de7209d3e455529e8ffe3a002d7e1586e6a86225518b35a258",
            ),
            (
                5,
                "5f0e8b75001da00111f8c0500321628cb6c270d693b53830136f0a39699daaf1",
            ),
            (
                7,
                "4c75d685dd7b43bd95dbffa1a7cf489fb5bc69656b0d9f202c79c12c8f941f85",
            ),
        ];
        for (n, hex) in want {
            assert_eq!(to_hex(&root(&d[..n])), hex, "root of {n} leaves");
        }
        let p: Vec<String> = path(&d, 5).iter().map(to_hex).collect();
        assert_eq!(
            p,
            [
                "3c06c46ea323073f834dc239ff222b90d94a1ec9196ed79f451912c76d740076",
                "d3ed0a8513048b9b2d0eabc6a61bd43a080dd9e7c8d4b684ca2f156f9b41781d",
                "9befe363d9cb08de7209d3e455529e8ffe3a002d7e1586e6a86225518b35a258",
            ]
        );
        assert_eq!(
            path(&d[..3], 2).iter().map(to_hex).collect::<Vec<_>>(),
            ["a40757241893c81fd4ce6a402c210c3f4c0316f7be1287899f00a9e02470cb44"]
        );
    }

    #[test]
    fn every_path_leads_to_the_root_and_no_other_index_does() {
        let d: Vec<Hash> = (0..37u32).map(|i| leaf(&i.to_be_bytes())).collect();
        for n in 1..=d.len() {
            let want = root(&d[..n]);
            for m in 0..n {
                let p = path(&d[..n], m);
                let got = root_from_path(d[m], m as u64, n as u64, &p);
                assert_eq!(got, Some(want), "leaf {m} of {n}");
                if n > 1 {
                    let other = (m + 1) % n;
                    assert_ne!(root_from_path(d[m], other as u64, n as u64, &p), Some(want));
                }
            }
        }
        assert_eq!(root_from_path(d[0], 3, 3, &[]), None);
    }

    /// A tree of aligned blocks is the tree over the blocks' roots: what lets the anchors keep one root
    /// per block of heads and build a path from a block's leaves and the blocks' roots.
    #[test]
    fn blocks_of_a_power_of_two_compose() {
        let d: Vec<Hash> = (0..23u32).map(|i| leaf(&i.to_be_bytes())).collect();
        let blocks: Vec<Hash> = d.chunks(4).map(root).collect();
        let mut b = Builder::default();
        for chunk in d.chunks(4) {
            b.push_subtree(chunk.len() as u64, root(chunk));
        }
        assert_eq!(b.root(), root(&d));
        assert_eq!(b.len(), 23);
        for m in 0..d.len() {
            let mut p = path(&d[m / 4 * 4..(m / 4 * 4 + 4).min(d.len())], m % 4);
            p.extend(path(&blocks, m / 4));
            assert_eq!(p, path(&d, m), "leaf {m}");
        }
    }

    #[test]
    fn hex_round_trips_and_refuses_junk() {
        let h = leaf(b"x");
        assert_eq!(from_hex(&to_hex(&h)), Some(h));
        assert_eq!(from_hex("zz"), None);
        assert_eq!(from_hex(&"g".repeat(64)), None);
        assert_eq!(from_hex(&"é".repeat(32)), None);
    }
}
