//! The agreements people consent to, as staff manage them: created, reworded (a new version per language
//! whose text changed), reordered and archived. Each action changes the catalogue and writes its audit
//! row in one transaction; nothing here ever rewrites a recorded consent.

use crate::db::DbConn;
use crate::db::models::agreements::{self, Created, Reworded};
use crate::db::models::audit_log;
use crate::db::write_tx;
use crate::domain::{Actor, AgreementKey, Channel};
use diesel::QueryResult;

/// A new agreement, its text in `language`.
pub struct NewAgreement<'a> {
    pub key: &'a AgreementKey,
    pub title: &'a str,
    pub channel: Channel,
    pub language: &'a str,
    pub text: &'a str,
    /// "A GPC signal means no".
    pub gpc: bool,
}

pub fn create(conn: &mut DbConn, new: &NewAgreement, by: &Actor) -> QueryResult<Created> {
    write_tx(conn, |c| {
        let (key, language) = (new.key.as_str(), new.language);
        let created = agreements::create(
            c,
            key,
            new.title,
            new.channel.as_str(),
            (language, new.text),
            new.gpc,
            crate::db::now(),
        )?;
        if let Created::Id(_) = created {
            let mut detail = format!("{:?}, text in {language}", new.title);
            if new.gpc {
                detail += ", a GPC signal means no";
            }
            audit_log::record(c, by, "agreement.create", key, Some(&detail))?;
        }
        Ok(created)
    })
}

/// Retitles the agreement `id`, sets its texts and whether a GPC signal means no: `texts` are (language,
/// title, text), its own language first; an empty text takes that translation away. Returns the audit's
/// account of what changed.
pub fn edit(
    conn: &mut DbConn,
    id: i64,
    key: &str,
    title: &str,
    texts: &[agreements::TextIn],
    gpc: bool,
    by: &Actor,
) -> QueryResult<String> {
    write_tx(conn, |c| {
        let now = crate::db::now();
        let outcome = agreements::edit(c, id, title, texts, now)?;
        let mut detail = format!("title {title:?}");
        if agreements::set_gpc(c, id, gpc, now)? {
            detail += if gpc {
                ", a GPC signal means no"
            } else {
                ", GPC signals ignored"
            };
        }
        for (language, done) in outcome {
            match done {
                Reworded::Unchanged => {}
                Reworded::Retitled => detail += &format!(", {language} title"),
                Reworded::Version(v) => detail += &format!(", {language} version {v}"),
                Reworded::Removed => detail += &format!(", {language} text removed"),
            }
        }
        audit_log::record(c, by, "agreement.edit", key, Some(&detail))?;
        Ok(detail)
    })
}

/// One place earlier (`up`) or later on forms, in lists and among the CSV's columns. Already first (or
/// last): nothing moves and nothing is audited.
pub fn reorder(conn: &mut DbConn, id: i64, key: &str, up: bool, by: &Actor) -> QueryResult<()> {
    write_tx(conn, |c| {
        if agreements::move_one(c, id, up)? {
            audit_log::record(
                c,
                by,
                "agreement.move",
                key,
                Some(if up { "up" } else { "down" }),
            )?;
        }
        Ok(())
    })
}

/// Archives the agreement: off every form, its consents and ledger kept. Twice is harmless and
/// audited once.
pub fn archive(conn: &mut DbConn, id: i64, key: &str, by: &Actor) -> QueryResult<()> {
    write_tx(conn, |c| {
        if agreements::archive(c, id, crate::db::now())? {
            audit_log::record(c, by, "agreement.archive", key, None)?;
        }
        Ok(())
    })
}
