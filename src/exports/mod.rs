//! The profiles CSV (CONTRACT.md, "CSV export"), written a chunk at a time by keyset pagination so memory
//! stays flat however many rows: the same rows for the dashboard download, the API and `assent export`.

use crate::audiences::{Match, Rule};
use crate::db::DbConn;
use crate::db::models::agreements::Agreement;
use crate::db::models::profiles::Profile;
use crate::db::schema::profiles;
use crate::domain::{ConsentValue, LinkKind, Signer};
use diesel::prelude::*;

/// Rows per chunk (one query for the profiles, one for their values).
pub const CHUNK: i64 = 1000;

/// Which profiles to export: all, those with an agreement at a value (never set counts as disabled), or
/// a saved audience; each is a test on the profile's consent mask.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub rule: Option<Rule>,
}

impl Filter {
    /// From `agreement=KEY&status=enabled|disabled`; the error says what to fix.
    pub fn parse(
        catalog: &[Agreement],
        agreement: Option<&str>,
        status: Option<&str>,
    ) -> Result<Filter, String> {
        // An empty `agreement=` (the dashboard form's "all profiles") means no filter at all.
        if agreement == Some("") {
            return Ok(Filter::default());
        }
        let status = status.filter(|s| !s.is_empty());
        match (agreement, status) {
            (None, None) => Ok(Filter::default()),
            (None, Some(_)) => {
                Err("status needs an agreement: agreement=KEY&status=enabled".into())
            }
            (Some(key), status) => {
                let how = match ConsentValue::parse(status.unwrap_or("enabled"))? {
                    ConsentValue::Enabled => Match::All,
                    ConsentValue::Disabled => Match::None,
                };
                Ok(Filter {
                    rule: Some(Rule::new(how, &[key], catalog)?),
                })
            }
        }
    }

    /// The filter of a request or command: `agreement`/`status`, or the saved audience named `audience`
    /// (not both). The inner error says what the caller should fix; the outer one is the database's.
    pub fn choose(
        conn: &mut DbConn,
        catalog: &[Agreement],
        agreement: Option<&str>,
        status: Option<&str>,
        audience: Option<&str>,
    ) -> QueryResult<Result<Filter, String>> {
        let Some(name) = audience.filter(|a| !a.is_empty()) else {
            return Ok(Filter::parse(catalog, agreement, status));
        };
        if agreement.is_some_and(|a| !a.is_empty()) || status.is_some_and(|s| !s.is_empty()) {
            return Ok(Err(
                "Give either an audience or agreement/status, not both.".into(),
            ));
        }
        let Some(saved) = crate::db::models::audiences::find_by_name(conn, name)? else {
            return Ok(Err(format!(
                "There is no saved audience {:?}.",
                name.chars().take(80).collect::<String>()
            )));
        };
        Ok(saved.rule(catalog).map(|rule| Filter { rule: Some(rule) }))
    }
}

/// Everything a chunk needs besides the database.
pub struct Export {
    pub catalog: Vec<Agreement>,
    pub filter: Filter,
    pub signer: Signer,
    pub base_url: String,
}

/// A field as RFC 4180 wants it: quoted when it holds a comma, a quote or a line break.
fn field(out: &mut String, v: &str) {
    if v.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&v.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(v);
    }
}

/// RFC 3339 UTC to the second, written straight into the row (chrono's formatter is slow per row).
fn rfc3339(out: &mut String, t: chrono::NaiveDateTime) {
    use chrono::{Datelike, Timelike};
    use std::fmt::Write;
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
}

impl Export {
    pub fn header(&self) -> String {
        let mut cols = vec![
            "email",
            "customId",
            "phone",
            "firstName",
            "lastName",
            "emailConfirmed",
        ];
        cols.extend(self.catalog.iter().map(|a| a.key.as_str()));
        cols.extend(["createdAt", "updatedAt", "unsubscribeUrl", "preferencesUrl"]);
        cols.join(",") + "\r\n"
    }

    /// The rows of up to `CHUNK` profiles after profile id `after`, how many, and the last id written
    /// (`None`: done).
    pub fn chunk(&self, conn: &mut DbConn, after: i64) -> QueryResult<(String, u64, Option<i64>)> {
        let mut q = profiles::table
            .filter(profiles::id.gt(after))
            .filter(profiles::erased_at.is_null())
            .order(profiles::id)
            .limit(CHUNK)
            .select(Profile::as_select())
            .into_boxed();
        if let Some(rule) = self.filter.rule {
            q = q.filter(rule.sql());
        }
        let rows = q.load(conn)?;
        let Some(last) = rows.last().map(|p| p.id) else {
            return Ok((String::new(), 0, None));
        };
        let mut out = String::with_capacity(rows.len() * 400);
        for p in &rows {
            for v in [
                &p.email,
                &p.custom_id,
                &p.phone,
                &p.first_name,
                &p.last_name,
            ] {
                field(&mut out, v.as_deref().unwrap_or(""));
                out.push(',');
            }
            out.push_str(if p.email_confirmed_at.is_some() {
                "true"
            } else {
                "false"
            });
            for a in &self.catalog {
                // The mask is written with the values in the same transaction (consent::apply).
                let yes = p.consent_mask & a.bit() != 0;
                out.push(',');
                out.push_str(if yes { "enabled" } else { "disabled" });
            }
            out.push(',');
            rfc3339(&mut out, p.created_at);
            out.push(',');
            rfc3339(&mut out, p.updated_at);
            out.push(',');
            out.push_str(&self.base_url);
            out.push_str("/unsubscribe/");
            out.push_str(&self.signer.link(LinkKind::Unsubscribe, p.id, &[]));
            out.push(',');
            out.push_str(&self.base_url);
            out.push_str("/preferences/");
            out.push_str(&self.signer.link(LinkKind::Preferences, p.id, &[]));
            out.push_str("\r\n");
        }
        Ok((out, rows.len() as u64, Some(last)))
    }

    /// Writes the whole CSV to `w`, a chunk at a time; returns the number of rows.
    pub fn write_all(&self, conn: &mut DbConn, w: &mut impl std::io::Write) -> anyhow::Result<u64> {
        w.write_all(self.header().as_bytes())?;
        let (mut after, mut rows) = (0, 0u64);
        loop {
            let (text, n, last) = self.chunk(conn, after)?;
            let Some(last) = last else { return Ok(rows) };
            rows += n;
            w.write_all(text.as_bytes())?;
            after = last;
        }
    }
}

/// Streams the CSV as an HTTP body: a blocking task writes chunks into a channel of two, so a slow client
/// holds at most two chunks in memory and no database connection, and a client that leaves stops the
/// export.
pub fn stream(pool: crate::db::Pool, export: Export) -> actix_web::HttpResponse {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<actix_web::web::Bytes, std::io::Error>>(2);
    tokio::task::spawn_blocking(move || {
        let run = || -> anyhow::Result<()> {
            if tx.blocking_send(Ok(export.header().into())).is_err() {
                return Ok(());
            }
            let mut after = 0;
            // A pooled connection only while a chunk is read: a slow client must not hold one (the
            // keyset cursor needs nothing from the connection between chunks).
            let next = |after| -> anyhow::Result<_> {
                let mut conn = pool.get()?;
                Ok(export.chunk(&mut conn, after)?)
            };
            while let (text, _, Some(last)) = next(after)? {
                if tx.blocking_send(Ok(text.into())).is_err() {
                    return Ok(()); // the client left
                }
                after = last;
            }
            Ok(())
        };
        if let Err(e) = run() {
            tracing::error!(error = %e, "CSV export failed part-way; the download is cut short");
            let _ = tx.blocking_send(Err(std::io::Error::other("export failed")));
        }
    });
    actix_web::HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"profiles.csv\"",
        ))
        .insert_header(("Cache-Control", "no-store"))
        .streaming(Receiver(rx))
}

struct Receiver(tokio::sync::mpsc::Receiver<Result<actix_web::web::Bytes, std::io::Error>>);

impl futures_core::Stream for Receiver {
    type Item = Result<actix_web::web::Bytes, std::io::Error>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}
