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
    pub archived_at: Option<chrono::NaiveDateTime>,
    pub text: String,
    pub language: String,
}

impl Agreement {
    pub fn active(&self) -> bool {
        self.archived_at.is_none()
    }

    /// The exact wording (text, language) of one of its versions, as a consent refers to it.
    pub fn wording(&self, conn: &mut DbConn, version: i32) -> QueryResult<(String, String)> {
        if version == self.version {
            return Ok((self.text.clone(), self.language.clone()));
        }
        agreement_versions::table
            .find((self.id, version))
            .select((agreement_versions::text, agreement_versions::language))
            .first(conn)
    }
}

/// Every agreement, archived ones included, in display order.
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Agreement>> {
    agreements::table
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
            agreement_versions::language,
        ))
        .load(conn)
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
