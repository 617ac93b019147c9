//! Both engines' migrations give the tables and columns `src/db/schema.rs` describes. The SQLite run
//! and the PostgreSQL run of the suite each compare their engine with it, so together they prove the
//! two migration folders are in step.

use crate::helpers::*;
use diesel::RunQueryDsl;
use std::collections::BTreeSet;

/// (table, column, nullable) as `src/db/schema.rs` declares them.
fn declared() -> BTreeSet<(String, String, bool)> {
    let text = include_str!("../../src/db/schema.rs");
    let mut out = BTreeSet::new();
    let mut table = None;
    for line in text.lines().map(str::trim) {
        if let Some(head) = line.strip_suffix('{').filter(|h| h.contains('(')) {
            table = Some(head.split_whitespace().next().unwrap().to_string());
        } else if line == "}" {
            table = None;
        } else if let (Some(t), Some((col, ty))) = (&table, line.split_once("->")) {
            let col = col.trim().trim_start_matches("r#").to_string();
            out.insert((t.clone(), col, ty.contains("Nullable<")));
        }
    }
    out
}

#[derive(diesel::QueryableByName)]
struct Col {
    #[diesel(sql_type = diesel::sql_types::Text)]
    t: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    c: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    nullable: bool,
}

fn migrated(app: &TestApp) -> BTreeSet<(String, String, bool)> {
    let sql = if app.db.is_postgres() {
        "SELECT table_name::text AS t, column_name::text AS c, is_nullable = 'YES' AS nullable \
         FROM information_schema.columns WHERE table_schema = current_schema() \
         AND table_name NOT LIKE '\\_\\_diesel%'"
    } else {
        "SELECT m.name AS t, p.name AS c, (p.\"notnull\" = 0 AND p.pk = 0) AS nullable \
         FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
         AND m.name NOT LIKE '\\_\\_diesel%' ESCAPE '\\'"
    };
    diesel::sql_query(sql)
        .load::<Col>(&mut app.conn())
        .unwrap()
        .into_iter()
        .map(|r| (r.t, r.c, r.nullable))
        .collect()
}

#[tokio::test]
async fn the_migrated_schema_is_the_one_schema_rs_declares() {
    let app = TestApp::spawn().await;
    let (want, have) = (declared(), migrated(&app));
    assert!(want.len() > 50, "schema.rs was read: {want:?}");
    let missing: Vec<_> = want.difference(&have).collect();
    let extra: Vec<_> = have.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{} migrations differ from schema.rs (table, column, nullable):\n  declared, not migrated: {missing:?}\n  migrated, not declared: {extra:?}",
        if app.db.is_postgres() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
}
