//! The profiles CSV (docs/reference.md, "The profiles CSV"), written a chunk at a time by keyset pagination so memory
//! stays flat however many rows: the same rows for the dashboard download, the API and `assent export`.

use crate::audiences::{Match, Rule};
use crate::db::DbConn;
use crate::db::models::agreements::Agreement;
use crate::db::models::profiles::{self as db_profiles, ExportRow as Row, Stamp};
use crate::domain::{ConsentValue, LinkKind, Signer};
use diesel::prelude::*;

/// Profiles per chunk: one query each (on PostgreSQL, planning one costs as much as reading a thousand
/// rows, so chunks are large). A few chunks (at most 2 × `READERS` + 1) are in memory at once.
pub const CHUNK: i64 = 4000;
/// Chunks read at once, on their own connections and threads, while the caller's thread formats and
/// signs: reading (the engine's work and decoding its rows) is the larger half of an export.
const READERS: usize = 2;

/// Which profiles to export: all, those with an agreement at a value (never set counts as disabled), or
/// a saved audience; each is a test on the profile's consent mask.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub rule: Option<Rule>,
    /// Only profiles changed (consents or data) after this time (send-file's "changed only").
    pub changed_since: Option<chrono::NaiveDateTime>,
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
                    rule: Some(Rule::new(how, &[key], |k| Agreement::bit_of(catalog, k))?),
                    changed_since: None,
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
        Ok(saved.rule(catalog).map(|rule| Filter {
            rule: Some(rule),
            changed_since: None,
        }))
    }
}

/// Everything a chunk needs besides the database.
pub struct Export {
    pub catalog: Vec<Agreement>,
    pub filter: Filter,
    pub signer: Signer,
    pub base_url: String,
    /// How text fields are written (formulas neutralised unless `ASSENT_CSV_RAW`).
    pub cells: crate::domain::csv::Cells,
    /// Optional columns after the usual ones (`uuid`, the standard fields), in the order asked for.
    pub columns: Vec<&'static str>,
}

/// The optional columns an export may add (`--columns`, `?columns=`).
pub fn optional_columns() -> impl Iterator<Item = &'static str> {
    std::iter::once("uuid").chain(crate::domain::details::FIELDS)
}

/// `uuid,displayName,city` as optional columns; the error names the unknown one and the choices.
pub fn parse_columns(list: &str) -> Result<Vec<&'static str>, String> {
    let mut out: Vec<&'static str> = Vec::new();
    for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let Some(c) = optional_columns().find(|c| c.eq_ignore_ascii_case(name)) else {
            return Err(format!(
                "{:?} is not an optional column: choose from {}",
                name.chars().take(40).collect::<String>(),
                optional_columns().collect::<Vec<_>>().join(", ")
            ));
        };
        if !out.contains(&c) {
            out.push(c);
        }
    }
    Ok(out)
}

/// Writes a profile's time as the export shows it: RFC 3339 UTC to the second, byte by byte (parsing
/// and formatting a date per cell with chrono's formatter costs more than the rest of the row).
fn write_stamp(stamp: &Stamp, out: &mut String) {
    match stamp {
        Stamp::Stored(t) => match t.get(..19) {
            Some(t) if t.as_bytes()[10] == b' ' => {
                out.push_str(&t[..10]);
                out.push('T');
                out.push_str(&t[11..]);
                out.push('Z');
            }
            _ => out.push_str(t),
        },
        Stamp::At(t) => {
            crate::domain::time::write_rfc3339(out, *t, crate::domain::time::Precision::Seconds)
        }
    }
}

/// A chunk of rows as a reader sends it, with whether it is the last.
type Chunk = anyhow::Result<(Vec<Row>, bool)>;

/// Hands out an export's chunks in order, each to the reader whose turn it is (chunk `n` to reader
/// `n % READERS`), so that they can be written in order as they arrive.
#[derive(Default)]
struct Chunks {
    cursor: std::sync::Mutex<Cursor>,
    turn: std::sync::Condvar,
}

/// Chunk `n` (the next to hand out) starts after `after`; `done` once the last is handed out.
#[derive(Default)]
struct Cursor {
    n: usize,
    after: i64,
    done: bool,
}

impl Chunks {
    /// Waits for reader `k`'s turn and gives it the next chunk as (after, up to, last); `None` once the
    /// export is done. On an error the export ends: no reader takes another chunk.
    fn claim(&self, conn: &mut DbConn, k: usize) -> anyhow::Result<Option<(i64, i64, bool)>> {
        let mut c = self
            .turn
            .wait_while(self.cursor.lock().expect("export cursor"), |c| {
                !c.done && c.n % READERS != k
            })
            .expect("export cursor");
        if c.done {
            return Ok(None);
        }
        let after = c.after;
        let (upto, last) = match db_profiles::nth_id_after(conn, after, CHUNK) {
            Ok(Some(end)) => (end, false),
            Ok(None) => (i64::MAX, true),
            Err(e) => {
                c.done = true;
                self.turn.notify_all();
                return Err(e.into());
            }
        };
        (c.n, c.after, c.done) = (c.n + 1, upto, last);
        self.turn.notify_all();
        Ok(Some((after, upto, last)))
    }

    fn stop(&self) {
        self.cursor.lock().map(|mut c| c.done = true).ok();
        self.turn.notify_all();
    }
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
        cols.extend(&self.columns);
        cols.join(",") + "\r\n"
    }

    /// The profiles with ids in `(after, upto]`, in id order, with what the optional columns show.
    fn read(&self, conn: &mut DbConn, after: i64, upto: i64) -> QueryResult<Vec<Row>> {
        let mut rows = db_profiles::export_page(
            conn,
            after,
            upto,
            self.filter.rule,
            self.filter.changed_since,
        )?;
        if !self.columns.is_empty() {
            let mut extras = db_profiles::export_extras(conn, after, upto)?;
            for row in &mut rows {
                let (uuid, details) = extras.remove(&row.id).unwrap_or_default();
                let details = crate::domain::details::Details::stored(details.as_deref());
                row.extra = self
                    .columns
                    .iter()
                    .map(|c| match *c {
                        "uuid" => uuid.clone().unwrap_or_default(),
                        field => details.cell(field),
                    })
                    .collect();
            }
        }
        Ok(rows)
    }

    /// The CSV lines of `rows`.
    fn format(&self, rows: &[Row]) -> String {
        let mut out = String::with_capacity(rows.len() * 400);
        for row in rows {
            for v in &row.texts {
                self.cells.write(&mut out, v.as_deref().unwrap_or(""));
                out.push(',');
            }
            out.push_str(if row.confirmed { "true" } else { "false" });
            for a in &self.catalog {
                // The mask is written with the values in the same transaction (consent::apply).
                out.push_str(if row.mask & a.bit() != 0 {
                    ",enabled"
                } else {
                    ",disabled"
                });
            }
            out.push(',');
            write_stamp(&row.created, &mut out);
            out.push(',');
            write_stamp(&row.updated, &mut out);
            out.push(',');
            out.push_str(&self.base_url);
            out.push_str("/unsubscribe/");
            self.signer
                .link_into(&mut out, LinkKind::Unsubscribe, row.id);
            out.push(',');
            out.push_str(&self.base_url);
            out.push_str("/preferences/");
            self.signer
                .link_into(&mut out, LinkKind::Preferences, row.id);
            for v in &row.extra {
                out.push(',');
                self.cells.write(&mut out, v);
            }
            out.push_str("\r\n");
        }
        out
    }

    /// Runs the export: the header, then the rows a chunk at a time, as text handed to `sink` (which
    /// answers `false` to stop early, e.g. when a client left). `READERS` threads read chunks on pooled
    /// connections held only for that, while this thread formats and signs. Chunk `n` goes to reader
    /// `n % READERS`, which decides where it ends (the `CHUNK`th profile id after the previous chunk's
    /// end, from the primary key's index, so gaps in the ids cost nothing) when its turn comes, so
    /// taking from the readers in turn keeps id order and each reader holds at most two chunks.
    /// Profiles created after the export started may be left out. Returns the number of rows.
    pub fn run(
        &self,
        pool: &crate::db::Pool,
        mut sink: impl FnMut(String) -> bool,
    ) -> anyhow::Result<u64> {
        if !sink(self.header()) {
            return Ok(0);
        }
        let chunks = Chunks::default();
        std::thread::scope(|scope| {
            let readers: Vec<_> = (0..READERS)
                .map(|k| {
                    let (tx, rx) = std::sync::mpsc::sync_channel(1);
                    let chunks = &chunks;
                    (
                        rx,
                        scope.spawn(move || self.read_chunks(pool, chunks, k, tx)),
                    )
                })
                .collect();
            let outcome = self.take_in_order(&readers, &mut sink);
            // Stop the readers (they see the end of the cursor or of their channel), then make sure none
            // panicked: a failed reader fails the export, never ends it early as if complete.
            chunks.stop();
            let mut outcome = outcome;
            for (rx, handle) in readers {
                drop(rx);
                if handle.join().is_err() {
                    outcome = Err(anyhow::anyhow!(
                        "an export reader failed; the export is incomplete"
                    ));
                }
            }
            outcome
        })
    }

    /// Reader `k`: reads each chunk it is handed and sends it on, until the export ends or stops.
    fn read_chunks(
        &self,
        pool: &crate::db::Pool,
        chunks: &Chunks,
        k: usize,
        tx: std::sync::mpsc::SyncSender<Chunk>,
    ) {
        loop {
            let chunk = (|| -> anyhow::Result<Option<(Vec<Row>, bool)>> {
                let mut conn = pool.get()?;
                let Some((after, upto, last)) = chunks.claim(&mut conn, k)? else {
                    return Ok(None);
                };
                Ok(Some((self.read(&mut conn, after, upto)?, last)))
            })();
            let (stop, chunk) = match chunk {
                Ok(None) => return,
                Ok(Some((rows, last))) => (last, Ok((rows, last))),
                Err(e) => (true, Err(e)),
            };
            // The receiver is gone when the export stopped early.
            if tx.send(chunk).is_err() || stop {
                return;
            }
        }
    }

    /// Hands the readers' chunks to `sink` in order (chunk `n` from reader `n % READERS`); the rows
    /// written.
    fn take_in_order<H>(
        &self,
        readers: &[(std::sync::mpsc::Receiver<Chunk>, H)],
        sink: &mut impl FnMut(String) -> bool,
    ) -> anyhow::Result<u64> {
        let mut rows = 0u64;
        for n in 0.. {
            match readers[n % READERS].0.recv() {
                Ok(Ok((chunk, last))) => {
                    rows += chunk.len() as u64;
                    if (!chunk.is_empty() && !sink(self.format(&chunk))) || last {
                        break;
                    }
                }
                Ok(Err(e)) => return Err(e),
                // The reader ended without its chunk: it failed (a panic is reported by `run`).
                Err(_) => {
                    return Err(anyhow::anyhow!(
                        "an export reader stopped; the export is incomplete"
                    ));
                }
            }
        }
        Ok(rows)
    }

    /// Writes the whole CSV to `w`; returns the number of rows.
    pub fn write_all(
        &self,
        pool: &crate::db::Pool,
        w: &mut impl std::io::Write,
    ) -> anyhow::Result<u64> {
        let mut failed = None;
        let rows = self.run(pool, |text| match w.write_all(text.as_bytes()) {
            Ok(()) => true,
            Err(e) => {
                failed = Some(e);
                false
            }
        })?;
        match failed {
            Some(e) => Err(e.into()),
            None => Ok(rows),
        }
    }
}

/// Streams the CSV as an HTTP body: a blocking task writes chunks into a channel of two, so a slow client
/// holds at most two chunks in memory and no database connection, and a client that leaves stops the
/// export.
pub fn stream(pool: crate::db::Pool, export: Export) -> actix_web::HttpResponse {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<actix_web::web::Bytes, std::io::Error>>(2);
    tokio::task::spawn_blocking(move || {
        let sink = |text: String| tx.blocking_send(Ok(text.into())).is_ok();
        if let Err(e) = export.run(&pool, sink) {
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

/// Records in the audit log that `by` downloaded the export `subject` (its filter, as asked).
pub fn record_download(
    conn: &mut crate::db::DbConn,
    subject: &str,
    by: &crate::domain::Actor,
) -> QueryResult<()> {
    crate::db::models::audit_log::record(conn, by, "export.download", "profiles.csv", Some(subject))
}

#[cfg(test)]
mod tests {
    use super::Stamp;

    #[test]
    fn times_are_written_as_rfc3339_from_either_engine() {
        for raw in [
            "2026-01-01 00:00:00",
            "1999-12-31 23:59:59.999999",
            "0042-07-04 09:05:03.5",
        ] {
            let t = chrono::NaiveDateTime::parse_from_str(raw, "%Y-%m-%d %H:%M:%S%.f").unwrap();
            let expected = t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
            for stamp in [Stamp::Stored(raw.into()), Stamp::At(t)] {
                let mut out = String::new();
                super::write_stamp(&stamp, &mut out);
                assert_eq!(out, expected);
            }
        }
    }
}
