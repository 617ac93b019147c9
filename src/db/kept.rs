//! Hand-written statements that stay prepared. diesel never keeps a `sql_query` prepared (it cannot
//! know that the text is fixed), and prepares its own single-row insert anew whenever a column is NULL,
//! so a statement run for every row was parsed and planned each time: on SQLite that was a tenth of a
//! sign-up's work. A `kept` statement has a fixed text with `?` for each value, bound in order; diesel
//! keeps it prepared on each connection, keyed by that text.

use diesel::QueryResult;
use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::query_dsl::RunQueryDsl;
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, Untyped};
use std::marker::PhantomData;

/// A statement with a fixed text, before its values are bound.
pub struct Kept {
    sql: &'static str,
    /// The end of the text before the first `?`.
    end: usize,
}

/// `sql` kept prepared: bind a value for each `?` in order (written as `$n` for PostgreSQL), then run
/// it with `execute`, `load` or `get_result` (rows by `QueryableByName`).
pub fn kept(sql: &'static str) -> Kept {
    Kept {
        sql,
        end: next_placeholder(sql, 0),
    }
}

/// Where the first `?` at or after `from` is (the text's end if there is none).
fn next_placeholder(sql: &str, from: usize) -> usize {
    sql.as_bytes()[from..]
        .iter()
        .position(|&b| b == b'?')
        .map_or(sql.len(), |i| from + i)
}

/// A kept statement with one more value bound.
pub struct Bound<Q, U, ST> {
    query: Q,
    value: U,
    sql: &'static str,
    /// The text between this value's `?` and the next one's.
    start: usize,
    end: usize,
    _type: PhantomData<ST>,
}

/// A kept statement with some of its values bound.
pub trait Binds: Sized {
    #[doc(hidden)]
    fn text(&self) -> (&'static str, usize);

    /// Binds the value for the next `?`, as SQL type `ST`.
    fn bind<ST, U>(self, value: U) -> Bound<Self, U, ST> {
        let (sql, end) = self.text();
        let start = (end + 1).min(sql.len());
        let end = next_placeholder(sql, start);
        Bound {
            query: self,
            value,
            sql,
            start,
            end,
            _type: PhantomData,
        }
    }
}

/// A kept PostgreSQL statement, with or without some values bound: what a function that binds part of
/// a statement (one table's arrays, say) takes and returns.
pub trait PgBinds:
    Binds
    + QueryFragment<diesel::pg::Pg>
    + QueryId
    + Query<SqlType = Untyped>
    + RunQueryDsl<diesel::PgConnection>
{
}

impl<T> PgBinds for T where
    T: Binds
        + QueryFragment<diesel::pg::Pg>
        + QueryId
        + Query<SqlType = Untyped>
        + RunQueryDsl<diesel::PgConnection>
{
}

impl Binds for Kept {
    fn text(&self) -> (&'static str, usize) {
        (self.sql, self.end)
    }
}

impl<Q, U, ST> Binds for Bound<Q, U, ST> {
    fn text(&self) -> (&'static str, usize) {
        (self.sql, self.end)
    }
}

impl<DB: Backend> QueryFragment<DB> for Kept {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(&self.sql[..self.end]);
        Ok(())
    }
}

impl<Q, U, ST, DB> QueryFragment<DB> for Bound<Q, U, ST>
where
    DB: Backend + HasSqlType<ST>,
    Q: QueryFragment<DB>,
    U: ToSql<ST, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.query.walk_ast(out.reborrow())?;
        out.push_bind_param::<ST, U>(&self.value)?;
        out.push_sql(&self.sql[self.start..self.end]);
        Ok(())
    }
}

impl QueryId for Kept {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q, U, ST> QueryId for Bound<Q, U, ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for Kept {
    type SqlType = Untyped;
}

impl<Q, U, ST> Query for Bound<Q, U, ST> {
    type SqlType = Untyped;
}

impl<Conn> RunQueryDsl<Conn> for Kept {}

impl<Q, U, ST, Conn> RunQueryDsl<Conn> for Bound<Q, U, ST> {}

/// A row of a multi-row insert: binds its values in column order.
pub trait Row<DB: Backend> {
    fn bind<'b>(&'b self, values: &mut Values<'_, '_, 'b, DB>) -> QueryResult<()>;
}

/// The values of one row as they are bound.
pub struct Values<'p, 'a, 'b, DB: Backend> {
    out: &'p mut AstPass<'a, 'b, DB>,
    first: bool,
}

impl<'b, DB: Backend> Values<'_, '_, 'b, DB> {
    /// The next column's value, as SQL type `ST`.
    pub fn value<ST, U: ?Sized>(&mut self, value: &'b U) -> QueryResult<&mut Self>
    where
        DB: HasSqlType<ST>,
        U: ToSql<ST, DB>,
    {
        if !std::mem::take(&mut self.first) {
            self.out.push_sql(", ");
        }
        self.out.push_bind_param::<ST, U>(value)?;
        Ok(self)
    }
}

/// `INSERT … VALUES (…), (…) …` of a chunk of rows: `head` names the table and columns, `tail` (may be
/// empty) says what happens on conflict and what is returned. Kept prepared for each number of rows, so `chunks`
/// splits a batch into a few sizes.
pub struct Insert<'r, R> {
    head: &'static str,
    rows: &'r [R],
    tail: &'static str,
}

/// Most rows in one insert: a power of two, far below both engines' bind limits for any table here.
pub const MOST_ROWS: usize = 64;

/// `rows` in chunks whose sizes are powers of two up to `MOST_ROWS` (a batch of 37 is 32 + 4 + 1), so
/// few statement shapes are ever prepared.
pub fn chunks<R>(mut rows: &[R]) -> impl Iterator<Item = &[R]> {
    std::iter::from_fn(move || {
        if rows.is_empty() {
            return None;
        }
        let n = MOST_ROWS.min(1 << rows.len().ilog2());
        let (chunk, rest) = rows.split_at(n);
        rows = rest;
        Some(chunk)
    })
}

/// An insert of `rows` (one chunk of `chunks`).
pub fn insert<'r, R>(head: &'static str, rows: &'r [R], tail: &'static str) -> Insert<'r, R> {
    Insert { head, rows, tail }
}

impl<R, DB> QueryFragment<DB> for Insert<'_, R>
where
    DB: Backend,
    R: Row<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(self.head);
        out.push_sql(" VALUES ");
        for (i, row) in self.rows.iter().enumerate() {
            out.push_sql(if i == 0 { "(" } else { ", (" });
            row.bind(&mut Values {
                out: &mut out,
                first: true,
            })?;
            out.push_sql(")");
        }
        if !self.tail.is_empty() {
            out.push_sql(" ");
            out.push_sql(self.tail);
        }
        Ok(())
    }
}

impl<R> QueryId for Insert<'_, R> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<R> Query for Insert<'_, R> {
    type SqlType = Untyped;
}

impl<R, Conn> RunQueryDsl<Conn> for Insert<'_, R> {}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::prelude::*;
    use diesel::sql_types::{Integer, Nullable, Text};

    fn multi(n: usize) -> String {
        format!(
            "INSERT INTO t (a, b) VALUES {} RETURNING a, b",
            vec!["(?, ?)"; n].join(", ")
        )
    }

    #[test]
    fn values_go_to_their_places_and_the_statement_is_prepared_once() {
        use diesel::connection::InstrumentationEvent;
        use std::sync::{Arc, Mutex};
        let mut c = SqliteConnection::establish(":memory:").unwrap();
        diesel::sql_query("CREATE TABLE t (a INTEGER, b TEXT, c TEXT)")
            .execute(&mut c)
            .unwrap();
        // Each statement diesel prepares and keeps is announced once, as it is kept.
        let kept_texts: Arc<Mutex<Vec<String>>> = Arc::default();
        let seen = kept_texts.clone();
        c.set_instrumentation(move |e: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::CacheQuery { sql, .. } = e {
                seen.lock().unwrap().push(sql.to_string());
            }
        });
        #[derive(QueryableByName, Debug, PartialEq)]
        struct Row {
            #[diesel(sql_type = Integer)]
            a: i32,
            #[diesel(sql_type = Nullable<Text>)]
            b: Option<String>,
        }
        let insert = |c: &mut SqliteConnection, a: i32, b: Option<&str>| {
            kept("INSERT INTO t (a, b, c) VALUES (?, ?, 'x') RETURNING a, b")
                .bind::<Integer, _>(a)
                .bind::<Nullable<Text>, _>(b)
                .get_result::<Row>(c)
                .unwrap()
        };
        let one = Row {
            a: 1,
            b: Some("one".into()),
        };
        assert_eq!(insert(&mut c, 1, Some("one")), one);
        assert_eq!(insert(&mut c, 2, None), Row { a: 2, b: None });
        // `execute` takes the statement by reference, where diesel asks again whether to keep it.
        for a in [2, 3] {
            let n = kept("DELETE FROM t WHERE a = ? AND c = 'x'")
                .bind::<Integer, _>(a)
                .execute(&mut c)
                .unwrap();
            assert_eq!(n, usize::from(a == 2));
        }
        let rows: Vec<Row> = diesel::sql_query("SELECT a, b FROM t")
            .load(&mut c)
            .unwrap();
        assert_eq!(rows, [one]);

        // A batch of 37 rows goes in as 32 + 4 + 1, each shape prepared once however often it is used.
        struct Pair(i32, Option<String>);
        impl super::Row<diesel::sqlite::Sqlite> for Pair {
            fn bind<'b>(
                &'b self,
                v: &mut Values<'_, '_, 'b, diesel::sqlite::Sqlite>,
            ) -> QueryResult<()> {
                v.value::<Integer, _>(&self.0)?
                    .value::<Nullable<Text>, _>(&self.1)?;
                Ok(())
            }
        }
        let sizes: Vec<usize> = chunks(&[(); 37]).map(<[()]>::len).collect();
        assert_eq!(sizes, [32, 4, 1]);
        assert_eq!(
            chunks(&[(); 200]).map(<[()]>::len).collect::<Vec<_>>(),
            [64, 64, 64, 8]
        );
        for round in 0..2 {
            let batch: Vec<Pair> = (0..37).map(|i| Pair(100 * round + i, None)).collect();
            let mut back: Vec<Row> = Vec::new();
            for chunk in chunks(&batch) {
                back.extend(
                    super::insert("INSERT INTO t (a, b)", chunk, "RETURNING a, b")
                        .load::<Row>(&mut c)
                        .unwrap(),
                );
            }
            let got: Vec<i32> = back.iter().map(|r| r.a).collect();
            assert_eq!(got, (100 * round..100 * round + 37).collect::<Vec<_>>());
        }
        assert_eq!(
            *kept_texts.lock().unwrap(),
            [
                "INSERT INTO t (a, b, c) VALUES (?, ?, 'x') RETURNING a, b".to_string(),
                "DELETE FROM t WHERE a = ? AND c = 'x'".to_string(),
                multi(32),
                multi(4),
                multi(1),
            ]
        );
    }
}
