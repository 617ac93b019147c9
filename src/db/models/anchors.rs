use crate::db::DbConn;
use crate::db::schema::{anchor_blocks, anchors};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// An anchor as stored: what it covers and the signed copy (a compact JWS).
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = anchors)]
pub struct Anchor {
    pub id: i64,
    pub created_at: NaiveDateTime,
    pub last_event_id: i64,
    pub profiles: i64,
    pub events: i64,
    pub root: String,
    pub kid: String,
    pub signed: String,
}

#[derive(Insertable)]
#[diesel(table_name = anchors)]
pub struct NewAnchor<'a> {
    pub created_at: NaiveDateTime,
    pub last_event_id: i64,
    pub profiles: i64,
    pub events: i64,
    pub root: &'a str,
    pub kid: &'a str,
    pub signed: &'a str,
}

/// A block of an anchor's chain heads.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = anchor_blocks)]
pub struct Block {
    pub anchor_id: i64,
    pub block: i32,
    pub first_profile_id: i64,
    pub root: String,
    pub heads: Vec<u8>,
}

pub fn insert(conn: &mut DbConn, a: &NewAnchor<'_>) -> QueryResult<i64> {
    diesel::insert_into(anchors::table)
        .values(a)
        .returning(anchors::id)
        .get_result(conn)
}

#[derive(Insertable)]
#[diesel(table_name = anchor_blocks)]
pub struct NewBlock<'a> {
    pub anchor_id: i64,
    pub block: i32,
    pub first_profile_id: i64,
    pub root: String,
    pub heads: &'a [u8],
}

pub fn insert_blocks(conn: &mut DbConn, blocks: &[NewBlock<'_>]) -> QueryResult<()> {
    // One per statement: each is up to 196 KB.
    for b in blocks {
        diesel::insert_into(anchor_blocks::table)
            .values(b)
            .execute(conn)?;
    }
    Ok(())
}

/// Every anchor, oldest first.
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Anchor>> {
    anchors::table
        .order(anchors::id)
        .select(Anchor::as_select())
        .load(conn)
}

pub fn newest(conn: &mut DbConn) -> QueryResult<Option<Anchor>> {
    anchors::table
        .order(anchors::id.desc())
        .select(Anchor::as_select())
        .first(conn)
        .optional()
}

/// The newest anchor that still keeps its chain heads.
pub fn newest_with_blocks(conn: &mut DbConn) -> QueryResult<Option<Anchor>> {
    anchors::table
        .filter(diesel::dsl::exists(
            anchor_blocks::table.filter(anchor_blocks::anchor_id.eq(anchors::id)),
        ))
        .order(anchors::id.desc())
        .select(Anchor::as_select())
        .first(conn)
        .optional()
}

/// The stored anchor with this root and last event, if any.
pub fn find_signed(
    conn: &mut DbConn,
    root: &str,
    last_event_id: i64,
) -> QueryResult<Option<Anchor>> {
    anchors::table
        .filter(anchors::root.eq(root))
        .filter(anchors::last_event_id.eq(last_event_id))
        .order(anchors::id.desc())
        .select(Anchor::as_select())
        .first(conn)
        .optional()
}

/// An anchor's blocks' roots, in order: (block, first profile id, root).
pub fn block_roots(conn: &mut DbConn, anchor_id: i64) -> QueryResult<Vec<(i32, i64, String)>> {
    anchor_blocks::table
        .filter(anchor_blocks::anchor_id.eq(anchor_id))
        .order(anchor_blocks::block)
        .select((
            anchor_blocks::block,
            anchor_blocks::first_profile_id,
            anchor_blocks::root,
        ))
        .load(conn)
}

pub fn block(conn: &mut DbConn, anchor_id: i64, block: i32) -> QueryResult<Option<Block>> {
    anchor_blocks::table
        .find((anchor_id, block))
        .select(Block::as_select())
        .first(conn)
        .optional()
}

/// Forgets the chain heads of all but the newest `keep` anchors (the anchors themselves stay).
pub fn prune_blocks(conn: &mut DbConn, keep: i64) -> QueryResult<usize> {
    let kept: Vec<i64> = anchors::table
        .order(anchors::id.desc())
        .limit(keep)
        .select(anchors::id)
        .load(conn)?;
    diesel::delete(
        anchor_blocks::table.filter(diesel::dsl::not(anchor_blocks::anchor_id.eq_any(kept))),
    )
    .execute(conn)
}
