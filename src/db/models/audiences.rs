//! Saved audiences: a name for "profiles with all of / any of / none of these agreements enabled".

use crate::db::DbConn;
use crate::db::models::agreements::Agreement;
use crate::db::schema::audiences;
use crate::domain::audience::{Match, Rule};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = audiences)]
pub struct Audience {
    pub id: i64,
    pub name: String,
    /// `all`, `any` or `none`
    pub rule: String,
    /// Agreement keys, comma-separated (keys never change meaning, so the audience never does).
    pub agreements: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

impl Audience {
    pub fn keys(&self) -> Vec<&str> {
        self.agreements
            .split(',')
            .filter(|k| !k.is_empty())
            .collect()
    }

    pub fn rule(&self, catalog: &[Agreement]) -> Result<Rule, String> {
        Rule::new(Match::parse(&self.rule)?, &self.keys(), |k| {
            Agreement::bit_of(catalog, k)
        })
    }
}

pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Audience>> {
    audiences::table
        .order(audiences::name)
        .select(Audience::as_select())
        .load(conn)
}

pub fn find_by_name(conn: &mut DbConn, name: &str) -> QueryResult<Option<Audience>> {
    audiences::table
        .filter(audiences::name.eq(name))
        .select(Audience::as_select())
        .first(conn)
        .optional()
}

/// Saves an audience; `None` when the name is taken (also by a save at the same moment: the unique
/// index decides, so two staff members can never both be told "saved").
pub fn insert(
    conn: &mut DbConn,
    name: &str,
    how: Match,
    keys: &[&str],
    created_by: &str,
) -> QueryResult<Option<i64>> {
    let row = (
        audiences::name.eq(name),
        audiences::rule.eq(how.as_str()),
        audiences::agreements.eq(keys.join(",")),
        audiences::created_by.eq(created_by),
        audiences::created_at.eq(crate::db::now()),
    );
    let insert = diesel::insert_into(audiences::table).values(row);
    crate::on_backend!(conn, |c| insert
        .on_conflict_do_nothing()
        .returning(audiences::id)
        .get_result(c)
        .optional())
}

/// Deletes an audience; returns its name, or `None` if there was none with this id.
pub fn delete(conn: &mut DbConn, id: i64) -> QueryResult<Option<String>> {
    diesel::delete(audiences::table.find(id))
        .returning(audiences::name)
        .get_result(conn)
        .optional()
}
