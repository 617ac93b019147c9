//! Anchors of the ledger (docs/anchor.md). The hash chains prove that no event of a chain was edited
//! or removed from its middle, but a database owner can still delete a whole profile, or cut the newest
//! events off a chain together with the current values, and the chains that remain verify. An anchor
//! closes that gap: one RFC 6962 Merkle root over every profile's chain head as of one event id, with
//! the counts, signed with the receipt key and sent out (`ledger.anchored`) where the owner cannot
//! rewrite it. Later the ledger must still hold every head the anchor covered, unchanged or extended.
//!
//! An anchor never covers half a transaction: on PostgreSQL the last event id is read under a brief
//! share lock (so every id up to it is committed), and the heads are read in a snapshot after it; on
//! SQLite one snapshot does both (its ids are given in commit order). Writers never wait for the pass.

use super::keys::{self, KeyError};
use crate::db::models::anchors::{self, Anchor, NewAnchor, NewBlock};
use crate::db::models::consent_events;
use crate::db::{DbConn, write_tx};
use crate::domain::merkle::{self, Builder, Hash};
use crate::domain::{Sealer, jws};
use chrono::NaiveDateTime;
use diesel::QueryResult;
use serde_json::{Value, json};

/// The JWS `typ` of an anchor.
pub const TYPE: &str = "assent-anchor+jwt";
/// The version of an anchor's shape (docs/anchor.md).
pub const SCHEMA: &str = "assent-anchor-1";
/// Chain heads per stored block: a power of two, so that each block is a complete subtree of the
/// anchor's tree and a receipt's path needs one block and the blocks' roots.
pub const BLOCK: usize = 4096;
/// A stored head: profile id and event id (8 bytes each, big-endian), the event's SHA-256 (32 bytes).
const HEAD_BYTES: usize = 48;
/// Profiles read per query while walking the heads.
const PAGE: i64 = 10_000;
/// At most this many profiles are named when an anchor is broken; the rest are counted.
const NAMED: usize = 1000;

#[derive(Debug, thiserror::Error)]
pub enum MakeError {
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
    #[error(
        "ledger event {0} has a malformed hash, so the ledger cannot be anchored; `assent ledger verify` says what is wrong"
    )]
    Malformed(i64),
}

impl crate::db::tx::Transient for MakeError {
    fn is_transient(&self) -> bool {
        match self {
            MakeError::Key(k) => k.is_transient(),
            MakeError::Db(e) => e.is_transient(),
            MakeError::Malformed(_) => false,
        }
    }
}

/// A chain head as an anchor covers it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Covered {
    profile_id: i64,
    event_id: i64,
    hash: Hash,
}

impl Covered {
    /// A profile's chain head: the last of its events (id, hash) up to an anchor.
    fn of(profile_id: i64, chain: &[(i64, String)]) -> Result<Covered, MakeError> {
        let (event_id, hash) = chain.last().expect("a chain has an event");
        Ok(Covered {
            profile_id,
            event_id: *event_id,
            hash: merkle::from_hex(hash).ok_or(MakeError::Malformed(*event_id))?,
        })
    }

    /// The leaf: `SHA-256(0x00 || "<profile id>:<event id>:<event hash in hex>")`.
    fn leaf(&self) -> Hash {
        let text = format!(
            "{}:{}:{}",
            self.profile_id,
            self.event_id,
            merkle::to_hex(&self.hash)
        );
        merkle::leaf(text.as_bytes())
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.profile_id.to_be_bytes());
        out.extend_from_slice(&self.event_id.to_be_bytes());
        out.extend_from_slice(&self.hash);
    }

    fn decode(b: &[u8]) -> Covered {
        let int =
            |r: std::ops::Range<usize>| i64::from_be_bytes(b[r].try_into().unwrap_or_default());
        Covered {
            profile_id: int(0..8),
            event_id: int(8..16),
            hash: b[16..48].try_into().unwrap_or_default(),
        }
    }
}

/// The heads of a stored block, or `None` when its bytes are not whole heads.
fn decode_block(bytes: &[u8]) -> Option<Vec<Covered>> {
    (bytes.len() % HEAD_BYTES == 0 && !bytes.is_empty())
        .then(|| bytes.chunks(HEAD_BYTES).map(Covered::decode).collect())
}

/// The tree over the chain heads, grown head by head, keeping each block's heads when asked.
struct Tree {
    top: Builder,
    block: Builder,
    first: i64,
    heads: Vec<u8>,
    keep: bool,
    blocks: Vec<(i64, Hash, Vec<u8>)>,
    events: i64,
}

impl Tree {
    fn new(keep: bool) -> Tree {
        Tree {
            top: Builder::default(),
            block: Builder::default(),
            first: 0,
            heads: Vec::new(),
            keep,
            blocks: Vec::new(),
            events: 0,
        }
    }

    fn add(&mut self, h: &Covered, events: i64) {
        if self.block.is_empty() {
            self.first = h.profile_id;
        }
        self.block.push(h.leaf());
        self.events += events;
        if self.keep {
            h.encode(&mut self.heads);
        }
        if self.block.len() == BLOCK as u64 {
            self.close_block();
        }
    }

    fn close_block(&mut self) {
        let block = std::mem::take(&mut self.block);
        let root = block.root();
        self.top.push_subtree(block.len(), root);
        if self.keep {
            let heads = std::mem::take(&mut self.heads);
            self.blocks.push((self.first, root, heads));
        }
    }

    fn finish(mut self) -> Tree {
        if !self.block.is_empty() {
            self.close_block();
        }
        self
    }

    fn profiles(&self) -> i64 {
        self.top.len() as i64
    }
}

/// Calls `f` with each profile's chain up to event `upto`, its events' (id, hash) oldest first, in
/// profile order: one walk of the (profile, id) index, a page at a time, whatever the planner knows.
fn each_chain(
    conn: &mut DbConn,
    upto: i64,
    mut f: impl FnMut(i64, &[(i64, String)]) -> Result<(), MakeError>,
) -> Result<(), MakeError> {
    let mut after = (i64::MIN, i64::MIN);
    let mut profile: Option<i64> = None;
    let mut chain: Vec<(i64, String)> = Vec::new();
    loop {
        let page = consent_events::links_after(conn, after, upto, PAGE)?;
        let Some(last) = page.last() else { break };
        after = (last.0, last.1);
        for (profile_id, event_id, hash) in page {
            if profile != Some(profile_id) {
                if let Some(p) = profile {
                    f(p, &chain)?;
                }
                profile = Some(profile_id);
                chain.clear();
            }
            chain.push((event_id, hash));
        }
    }
    match profile {
        Some(p) => f(p, &chain),
        None => Ok(()),
    }
}

/// The tree over the ledger's chain heads as of event `upto`, read in the current transaction.
fn grow(conn: &mut DbConn, upto: i64, keep: bool) -> Result<Tree, MakeError> {
    let mut tree = Tree::new(keep);
    each_chain(conn, upto, |p, chain| {
        tree.add(&Covered::of(p, chain)?, chain.len() as i64);
        Ok(())
    })?;
    Ok(tree.finish())
}

/// The last event id an anchor can cover now: on PostgreSQL read under a share lock, which waits for
/// the transactions writing events to end (and makes new ones wait a moment), so that every id up to it
/// is committed; `None` on SQLite, which reads it in its snapshot.
fn settled_last_id(conn: &mut DbConn) -> QueryResult<Option<i64>> {
    use diesel::{Connection, RunQueryDsl};
    if !matches!(conn, DbConn::Pg(_)) {
        return Ok(None);
    }
    conn.transaction(|c| {
        if let DbConn::Pg(pg) = c {
            diesel::sql_query("SET LOCAL lock_timeout = '10s'").execute(pg)?;
            diesel::sql_query("LOCK TABLE consent_events IN SHARE MODE").execute(pg)?;
        }
        // Read under the lock: a writer that takes an id after it is released takes a larger one.
        consent_events::last_id(c).map(Some)
    })
}

/// What an anchor says, as signed.
fn statement(t: &Tree, upto: i64, created: NaiveDateTime) -> Value {
    json!({
        "schema": SCHEMA,
        "issuer": crate::brand::name(),
        "created": crate::domain::time::rfc3339(created, crate::domain::time::Precision::Micros),
        "lastEventId": upto,
        "profiles": t.profiles(),
        "events": t.events,
        "tree": "RFC 6962 SHA-256 over (profileId:eventId:hash) of every profile's last event up to lastEventId, in profile order",
        "root": merkle::to_hex(&t.top.root()),
    })
}

/// The anchor as printed, stored and sent: its statement, readable, and the same signed.
fn document(statement: &Value, signed: &str) -> Value {
    json!({ "anchor": statement, "signature": signed })
}

/// A new anchor: its id and document.
pub struct Made {
    pub id: i64,
    pub document: Value,
}

/// Anchors the ledger as it is now, keeping the chain heads of the newest `keep` anchors; queues
/// `ledger.anchored` for the endpoints that subscribe to it.
pub fn make(conn: &mut DbConn, sealer: &Sealer, keep: i64) -> Result<Made, MakeError> {
    let ready = compute(conn, sealer)?;
    write_tx(conn, |c| {
        keys::take_turns(c)?;
        store(c, &ready, keep)
    })
}

/// The server's daily anchor: makes one when the newest is older than `every` and events were added
/// since. With several nodes, the first to store one wins; the others find it made and store nothing.
pub fn make_if_due(
    conn: &mut DbConn,
    sealer: &Sealer,
    every: chrono::Duration,
    keep: i64,
) -> Result<Option<Made>, MakeError> {
    let newest = anchors::newest(conn)?;
    let last = consent_events::last_id(conn)?;
    let due = match newest {
        None => last > 0,
        Some(a) => a.created_at <= crate::db::now() - every && last > a.last_event_id,
    };
    if !due {
        return Ok(None);
    }
    let ready = compute(conn, sealer)?;
    write_tx(conn, |c| {
        // Anchors are stored one at a time, so a node that computed one meanwhile is seen here.
        keys::take_turns(c)?;
        match anchors::newest(c)? {
            Some(a) if a.created_at > crate::db::now() - every => Ok(None),
            _ => store(c, &ready, keep).map(Some),
        }
    })
}

/// An anchor computed, not yet stored: the key to sign with, the last event covered, the tree.
struct Ready {
    key: ed25519_dalek::SigningKey,
    upto: i64,
    tree: Tree,
}

fn compute(conn: &mut DbConn, sealer: &Sealer) -> Result<Ready, MakeError> {
    let key = keys::signing_key(conn, sealer)?;
    let pinned = settled_last_id(conn)?;
    let (upto, tree) = crate::db::tx::read_snapshot(conn, |c| {
        let upto = match pinned {
            Some(m) => m,
            None => consent_events::last_id(c)?,
        };
        // A malformed hash ends the pass; it is reported after the snapshot closes.
        Ok((upto, grow(c, upto, true)))
    })?;
    Ok(Ready {
        key,
        upto,
        tree: tree?,
    })
}

/// Signs and stores a computed anchor with its heads, forgets the heads of older ones beyond `keep`,
/// and queues `ledger.anchored`; in the caller's write transaction, which has taken its turn.
fn store(c: &mut DbConn, ready: &Ready, keep: i64) -> Result<Made, MakeError> {
    let Ready { key, upto, tree } = ready;
    let created = crate::db::now();
    let said = statement(tree, *upto, created);
    let signed = jws::sign(key, TYPE, &said);
    let root = merkle::to_hex(&tree.top.root());
    let id = anchors::insert(
        c,
        &NewAnchor {
            created_at: created,
            last_event_id: *upto,
            profiles: tree.profiles(),
            events: tree.events,
            root: &root,
            kid: &jws::kid(&key.verifying_key()),
            signed: &signed,
        },
    )?;
    let blocks: Vec<NewBlock> = tree
        .blocks
        .iter()
        .enumerate()
        .map(|(i, (first, root, heads))| NewBlock {
            anchor_id: id,
            block: i as i32,
            first_profile_id: *first,
            root: merkle::to_hex(root),
            heads,
        })
        .collect();
    anchors::insert_blocks(c, &blocks)?;
    anchors::prune_blocks(c, keep.max(1))?;
    let doc = document(&said, &signed);
    let subscribers = crate::events::Subscribers::load(c)?;
    if !subscribers.is_empty() {
        let h = crate::events::Happened::anchored(doc.clone(), created);
        subscribers.queue(c, &[h])?;
    }
    Ok(Made { id, document: doc })
}

/// A profile that lost what an anchor covered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lost {
    /// No event of the profile up to the anchor is left; `profile_gone` when the profile row is too.
    Deleted {
        profile_id: i64,
        event_id: i64,
        profile_gone: bool,
    },
    /// The chain now ends at an earlier event: the newest were removed.
    Cut {
        profile_id: i64,
        event_id: i64,
        now: i64,
    },
    /// The covered event is there but with another hash: the chain was rewritten.
    Rewritten { profile_id: i64, event_id: i64 },
    /// A chain head up to the anchor's last event that the anchor did not cover: events were put in
    /// with old ids after it was made.
    Added { profile_id: i64, event_id: i64 },
}

impl std::fmt::Display for Lost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Lost::Deleted {
                profile_id,
                event_id,
                profile_gone,
            } => write!(
                f,
                "profile {profile_id}: its chain is gone ({}); the anchor covered it up to event {event_id}",
                if *profile_gone {
                    "the profile itself was deleted"
                } else {
                    "every event of it up to the anchor was deleted"
                }
            ),
            Lost::Cut {
                profile_id,
                event_id,
                now,
            } => write!(
                f,
                "profile {profile_id}: its chain was cut short; the anchor covered it up to event {event_id}, it now ends at event {now}"
            ),
            Lost::Rewritten {
                profile_id,
                event_id,
            } => write!(
                f,
                "profile {profile_id}: event {event_id} is there with another hash (the chain was rewritten)"
            ),
            Lost::Added {
                profile_id,
                event_id,
            } => write!(
                f,
                "profile {profile_id}: event {event_id} is older than the anchor but it did not cover it (put in afterwards)"
            ),
        }
    }
}

/// What an anchor says, read back from its signed statement.
#[derive(Clone, Debug)]
pub struct Claim {
    pub created: String,
    pub last_event_id: i64,
    pub profiles: i64,
    pub events: i64,
    pub root: String,
    pub kid: String,
}

impl std::fmt::Display for Claim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the anchor of {} (root {}…, {} profiles and {} events up to event {})",
            self.created,
            &self.root[..12.min(self.root.len())],
            self.profiles,
            self.events,
            self.last_event_id
        )
    }
}

/// How the ledger stands against an anchor.
#[derive(Debug)]
pub enum Standing {
    /// Every chain head it covered is there, unchanged or extended.
    Holds,
    /// These profiles lost what it covered (`more`: further ones not listed).
    Broken { lost: Vec<Lost>, more: usize },
    /// The ledger differs from it, but this database no longer keeps its heads untouched, so the
    /// profiles cannot be named; `now` is (profiles, events) up to its last event today.
    BrokenUnnamed { why: String, now: (i64, i64) },
}

/// An anchor file's claim, once its signature holds: accepts the document `assent ledger anchor`
/// prints, the `data` of a `ledger.anchored` webhook, the whole webhook body, or the bare JWS.
pub fn read(conn: &mut DbConn, text: &str) -> Result<Claim, String> {
    let text = text.trim();
    let (signed, readable) = if text.starts_with('{') {
        let v: Value = serde_json::from_str(text)
            .map_err(|e| format!("it is not JSON ({e}), nor a signed anchor (a JWS)"))?;
        let doc = if v.get("data").is_some() {
            &v["data"]
        } else {
            &v
        };
        let signed = doc["signature"]
            .as_str()
            .ok_or(
                "it has no \"signature\": it is not an anchor printed by `assent ledger anchor`",
            )?
            .to_string();
        (signed, doc.get("anchor").cloned())
    } else {
        (text.to_string(), None)
    };
    let keys = keys::public_keys(conn).map_err(|e| format!("cannot read the keys: {e}"))?;
    let verified = jws::verify(&signed, |kid| {
        keys.iter().find(|(k, _)| k == kid).map(|(_, v)| *v)
    })?;
    let said = verified.payload;
    if said["schema"] != SCHEMA {
        return Err(format!(
            "what is signed is not an Assent anchor (its schema is {})",
            said["schema"]
        ));
    }
    if let Some(readable) = readable
        && readable != said
    {
        let field = said
            .as_object()
            .and_then(|m| m.iter().find(|(k, v)| readable.get(k) != Some(v)))
            .map(|(k, _)| k.as_str())
            .unwrap_or("a field the signed copy lacks");
        return Err(format!(
            "its readable part differs from what is signed, at {field:?}: the file was edited after it was signed"
        ));
    }
    let int = |k: &str| said[k].as_i64().ok_or(format!("its {k:?} is not a number"));
    let root = said["root"]
        .as_str()
        .filter(|r| merkle::from_hex(r).is_some())
        .ok_or("its root is not a SHA-256 in hex")?;
    Ok(Claim {
        created: said["created"].as_str().unwrap_or_default().to_string(),
        last_event_id: int("lastEventId")?,
        profiles: int("profiles")?,
        events: int("events")?,
        root: root.to_string(),
        kid: verified.kid,
    })
}

/// The claim of a stored anchor, from its signed copy (a row edited without re-signing is refused).
pub fn stored_claim(conn: &mut DbConn, a: &Anchor) -> Result<Claim, String> {
    let c = read(conn, &a.signed)?;
    if c.root != a.root || c.last_event_id != a.last_event_id {
        return Err("its stored row differs from its signed copy".into());
    }
    Ok(c)
}

/// Names the profiles that lost what an anchor covered, once the one-pass check found it broken;
/// `counts` are the ledger's (profiles, events) up to the anchor's last event today.
fn name_lost(conn: &mut DbConn, claim: &Claim, counts: (i64, i64)) -> Result<Standing, MakeError> {
    let Some(anchored) = kept_heads(conn, claim)? else {
        return Ok(Standing::BrokenUnnamed {
            why: "this database no longer keeps the chain heads it covered (only the newest anchors keep them, ASSENT_LEDGER_ANCHOR_KEEP), or they were altered".into(),
            now: counts,
        });
    };
    // Both lists in profile order: walk them side by side.
    let mut lost = Vec::new();
    let mut more = 0;
    let mut note = |l: Lost| {
        if lost.len() < NAMED {
            lost.push(l);
        } else {
            more += 1;
        }
    };
    let mut theirs = anchored.into_iter().peekable();
    let mut gone = Vec::new();
    each_chain(conn, claim.last_event_id, |p, chain| {
        let mine = Covered::of(p, chain)?;
        while let Some(a) = theirs.next_if(|a| a.profile_id < mine.profile_id) {
            gone.push(a);
        }
        match theirs.next_if(|a| a.profile_id == mine.profile_id) {
            None => note(Lost::Added {
                profile_id: mine.profile_id,
                event_id: mine.event_id,
            }),
            Some(a) if a == mine => {}
            Some(a) if a.event_id == mine.event_id => note(Lost::Rewritten {
                profile_id: a.profile_id,
                event_id: a.event_id,
            }),
            Some(a) if mine.event_id < a.event_id => note(Lost::Cut {
                profile_id: a.profile_id,
                event_id: a.event_id,
                now: mine.event_id,
            }),
            Some(a) => note(Lost::Added {
                profile_id: a.profile_id,
                event_id: mine.event_id,
            }),
        }
        Ok(())
    })?;
    gone.extend(theirs);
    for a in gone {
        let profile_gone = !crate::db::models::profiles::exists(conn, a.profile_id)?;
        note(Lost::Deleted {
            profile_id: a.profile_id,
            event_id: a.event_id,
            profile_gone,
        });
    }
    // The heads are the signed ones and match the ledger's: then the one-pass check was wrong.
    debug_assert!(
        !lost.is_empty(),
        "check_all found {claim} broken, but no head differs"
    );
    lost.sort_by_key(|l| match l {
        Lost::Deleted { profile_id, .. }
        | Lost::Cut { profile_id, .. }
        | Lost::Rewritten { profile_id, .. }
        | Lost::Added { profile_id, .. } => *profile_id,
    });
    Ok(Standing::Broken { lost, more })
}

/// Checks the ledger against anchors in one snapshot and one pass over the events (a year of daily
/// anchors costs one read of the ledger, not one per anchor); an anchor that does not hold is then
/// walked on its own to name the profiles.
pub fn check_all(conn: &mut DbConn, claims: &[Claim]) -> Result<Vec<Standing>, MakeError> {
    crate::db::tx::read_snapshot(conn, |c| Ok(check_all_in(c, claims)))?
}

fn check_all_in(conn: &mut DbConn, claims: &[Claim]) -> Result<Vec<Standing>, MakeError> {
    let mut order: Vec<usize> = (0..claims.len()).collect();
    order.sort_by_key(|&i| claims[i].last_event_id);
    let upto = order.last().map_or(0, |&i| claims[i].last_event_id);
    // Per anchor, in `order`: the tree over its heads and the events it covers.
    let mut trees: Vec<(Builder, i64)> = order.iter().map(|_| (Builder::default(), 0)).collect();
    each_chain(conn, upto, |profile_id, chain| {
        let mut at = 0;
        let mut leaf: Option<(usize, Hash)> = None;
        for (k, &i) in order.iter().enumerate() {
            while at < chain.len() && chain[at].0 <= claims[i].last_event_id {
                at += 1;
            }
            if at == 0 {
                continue;
            }
            // Anchors made while the chain stood still share its head's leaf.
            let hash = match leaf {
                Some((n, h)) if n == at => h,
                _ => {
                    let h = Covered::of(profile_id, &chain[..at])?.leaf();
                    leaf = Some((at, h));
                    h
                }
            };
            trees[k].0.push(hash);
            trees[k].1 += at as i64;
        }
        Ok(())
    })?;
    let mut standing: Vec<Option<Standing>> = claims.iter().map(|_| None).collect();
    for (k, &i) in order.iter().enumerate() {
        let (tree, events) = &trees[k];
        let c = &claims[i];
        standing[i] = Some(
            if merkle::to_hex(&tree.root()) == c.root
                && tree.len() as i64 == c.profiles
                && *events == c.events
            {
                Standing::Holds
            } else {
                name_lost(conn, c, (tree.len() as i64, *events))?
            },
        );
    }
    Ok(standing.into_iter().flatten().collect())
}

/// The chain heads a stored anchor covered, when this database keeps them and they are the ones it
/// signed (its blocks' leaves lead to its blocks' roots, and those to its root).
fn kept_heads(conn: &mut DbConn, claim: &Claim) -> QueryResult<Option<Vec<Covered>>> {
    let Some(anchor) = anchors::find_signed(conn, &claim.root, claim.last_event_id)? else {
        return Ok(None);
    };
    let roots = anchors::block_roots(conn, anchor.id)?;
    if roots.is_empty() && claim.profiles > 0 {
        return Ok(None);
    }
    let mut top = Builder::default();
    let mut heads = Vec::with_capacity(claim.profiles.max(0) as usize);
    for (i, (block, _, root)) in roots.iter().enumerate() {
        let Some(stored) = anchors::block(conn, anchor.id, *block)? else {
            return Ok(None);
        };
        let Some(these) = decode_block(&stored.heads) else {
            return Ok(None);
        };
        let leaves: Vec<Hash> = these.iter().map(Covered::leaf).collect();
        let r = merkle::root(&leaves);
        let whole = i + 1 == roots.len() || these.len() == BLOCK;
        if *block != i as i32 || merkle::to_hex(&r) != *root || !whole {
            return Ok(None);
        }
        top.push_subtree(these.len() as u64, r);
        heads.extend(these);
    }
    Ok((merkle::to_hex(&top.root()) == claim.root).then_some(heads))
}

/// A receipt's proof that the person's chain head is in an anchor: the newest anchor that keeps its
/// heads and covered the profile, and the path from the head's leaf to its root (`None` if none).
pub fn proof_for(conn: &mut DbConn, profile_id: i64) -> QueryResult<Option<Value>> {
    let Some(anchor) = anchors::newest_with_blocks(conn)? else {
        return Ok(None);
    };
    let roots = anchors::block_roots(conn, anchor.id)?;
    let Some(at) = roots.iter().rposition(|(_, first, _)| *first <= profile_id) else {
        return Ok(None);
    };
    let Some(stored) = anchors::block(conn, anchor.id, roots[at].0)? else {
        return Ok(None);
    };
    let Some(heads) = decode_block(&stored.heads) else {
        return Ok(None);
    };
    let Some(i) = heads.iter().position(|h| h.profile_id == profile_id) else {
        return Ok(None);
    };
    let leaves: Vec<Hash> = heads.iter().map(Covered::leaf).collect();
    let block_roots: Vec<Hash> = roots
        .iter()
        .filter_map(|(_, _, r)| merkle::from_hex(r))
        .collect();
    let mut path = merkle::path(&leaves, i);
    path.extend(merkle::path(&block_roots, at));
    let index = at * BLOCK + i;
    let led_to = merkle::root_from_path(leaves[i], index as u64, anchor.profiles as u64, &path);
    if led_to.map(|r| merkle::to_hex(&r)) != Some(anchor.root.clone()) {
        tracing::warn!(
            anchor = anchor.id,
            "the stored chain heads of an anchor do not lead to its root; receipts carry no anchor proof until the next anchor (`assent ledger verify` checks it)"
        );
        return Ok(None);
    }
    let head = &heads[i];
    Ok(Some(json!({
        "assent:anchoredAt": crate::domain::time::rfc3339(anchor.created_at, crate::domain::time::Precision::Micros),
        "assent:root": anchor.root,
        "assent:lastEventId": anchor.last_event_id,
        "assent:treeSize": anchor.profiles,
        "assent:leafIndex": index,
        "assent:leaf": {
            "profileId": head.profile_id,
            "eventId": head.event_id,
            "hash": merkle::to_hex(&head.hash),
        },
        "assent:path": path.iter().map(merkle::to_hex).collect::<Vec<_>>(),
    })))
}

/// Checks a receipt's anchor proof: the path leads from its leaf to the root it names, the leaf is
/// one of the receipt's events, and this database has that anchor. `Ok` says which anchor.
pub fn check_proof(
    conn: &mut DbConn,
    proof: &Value,
    receipt_events: &[(i64, String)],
) -> Result<String, String> {
    let leaf = &proof["assent:leaf"];
    let (Some(profile_id), Some(event_id), Some(hash)) = (
        leaf["profileId"].as_i64(),
        leaf["eventId"].as_i64(),
        leaf["hash"].as_str().and_then(merkle::from_hex),
    ) else {
        return Err("its anchor proof has no whole leaf (profileId, eventId, hash)".into());
    };
    let path: Option<Vec<Hash>> = proof["assent:path"].as_array().and_then(|p| {
        p.iter()
            .map(|h| h.as_str().and_then(merkle::from_hex))
            .collect()
    });
    let (Some(path), Some(index), Some(size), Some(root), Some(upto)) = (
        path,
        proof["assent:leafIndex"].as_u64(),
        proof["assent:treeSize"].as_u64(),
        proof["assent:root"].as_str(),
        proof["assent:lastEventId"].as_i64(),
    ) else {
        return Err(
            "its anchor proof lacks its path (of SHA-256 hashes in hex), index, tree size, root or last event"
                .into(),
        );
    };
    let covered = Covered {
        profile_id,
        event_id,
        hash,
    };
    let led_to =
        merkle::root_from_path(covered.leaf(), index, size, &path).map(|r| merkle::to_hex(&r));
    if led_to.as_deref() != Some(root) {
        return Err("its anchor proof's path does not lead to the root it names".into());
    }
    if !receipt_events
        .iter()
        .any(|(id, h)| *id == event_id && *h == merkle::to_hex(&hash))
    {
        return Err(format!(
            "its anchor proof is for event {event_id}, which is not one of the receipt's events"
        ));
    }
    match anchors::find_signed(conn, root, upto) {
        Ok(Some(a)) => Ok(format!(
            "its chain head (event {event_id}) is in the anchor of {} (root {}…)",
            crate::domain::time::rfc3339(a.created_at, crate::domain::time::Precision::Seconds),
            &root[..12]
        )),
        Ok(None) => Err(format!(
            "the anchor its proof names (root {}…, up to event {upto}) is not in this database: it was removed",
            &root[..12]
        )),
        Err(e) => Err(format!("cannot read the anchors: {e}")),
    }
}
