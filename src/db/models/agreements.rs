use crate::db::DbConn;
use crate::db::schema::{agreement_versions, agreements};
use diesel::prelude::*;

/// An agreement with the wording of its current version: what forms show and what a consent refers to.
#[derive(Clone, Debug, Queryable)]
pub struct Agreement {
    pub id: i64,
    pub key: String,
    pub title: String,
    pub channel: String,
    pub position: i32,
    pub version: i32,
    pub archived: bool,
    pub text: String,
}

impl Agreement {
    pub fn active(&self) -> bool {
        !self.archived
    }
}

/// Every agreement, archived ones included, in display order.
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Agreement>> {
    let rows: Vec<(
        i64,
        String,
        String,
        String,
        i32,
        i32,
        Option<chrono::NaiveDateTime>,
        String,
    )> = agreements::table
        .inner_join(
            agreement_versions::table.on(agreement_versions::agreement_id
                .eq(agreements::id)
                .and(agreement_versions::version.eq(agreements::current_version))),
        )
        .order((agreements::position, agreements::id))
        .select((
            agreements::id,
            agreements::key,
            agreements::title,
            agreements::channel,
            agreements::position,
            agreements::current_version,
            agreements::archived_at,
            agreement_versions::text,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, key, title, channel, position, version, archived_at, text)| Agreement {
                id,
                key,
                title,
                channel,
                position,
                version,
                archived: archived_at.is_some(),
                text,
            },
        )
        .collect())
}

/// The exact wording of one version, as the ledger refers to it.
pub fn version_text(conn: &mut DbConn, agreement_id: i64, version: i32) -> QueryResult<String> {
    agreement_versions::table
        .find((agreement_id, version))
        .select(agreement_versions::text)
        .first(conn)
}

/// All version texts, keyed by (agreement, version), for the ledger check.
pub fn all_version_texts(conn: &mut DbConn) -> QueryResult<Vec<(i64, i32, String)>> {
    agreement_versions::table
        .select((
            agreement_versions::agreement_id,
            agreement_versions::version,
            agreement_versions::text,
        ))
        .load(conn)
}
