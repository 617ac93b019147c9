//! File imports: a file of profiles and consents read as a stream, each record mapped and checked like
//! a batch API item, and applied in chunks through the set-based batch writer. An import is a job: each
//! chunk commits with the job's progress and error rows, so a crash or restart resumes after the last
//! committed row and never applies a row twice. A dry run applies each chunk and rolls it back.

pub mod actions;
pub mod map;
pub mod preset;
pub mod read;
pub mod worker;

use crate::consent::batch::{self, Item, Outcome};
use crate::consent::{ApplyError, Meta};
use crate::db::Pool;
use crate::db::models::agreements::{self, Agreement};
use crate::db::models::jobs::{self, JobRow};
use crate::db::{tx::Transient, write_tx};
use crate::domain::Source;
use crate::node::Node;
use chrono::NaiveDateTime;
use read::Format;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::mpsc;

/// How long a job's holder may go without committing before another process may take the job over.
pub const LEASE: chrono::TimeDelta = chrono::TimeDelta::seconds(60);
/// The job kind of imports.
pub const KIND: &str = "import";

/// What an import reads and how.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Params {
    /// The file (an absolute path on the node that runs the job).
    pub path: PathBuf,
    /// Its name as people know it.
    pub name: String,
    pub format: Format,
    /// The CSV delimiter; detected from the header line when `None`.
    pub delimiter: Option<char>,
    /// `SOURCE=TARGET` pairs.
    pub mapping: Vec<(String, String)>,
    /// The consent time of rows that give none.
    pub consented_at: Option<NaiveDateTime>,
    pub dry_run: bool,
    /// The file's size and modification time when the job was made: a changed file is a new import.
    pub size: u64,
    pub modified: Option<i64>,
    /// The file was uploaded for this job and is deleted when it ends.
    #[serde(default)]
    pub owned: bool,
    /// The tool the file was exported from: its preset maps the file, and its events record it.
    #[serde(default)]
    pub from: Option<preset::Preset>,
    /// The agreement a subscriber list stands for (Mailchimp, listmonk); `newsletter_agreement` if none.
    #[serde(default)]
    pub agreement: Option<String>,
    /// `TARGET=VALUE` pairs every row gets.
    #[serde(default)]
    pub set: Vec<(String, String)>,
    /// What becomes of columns nothing names (else such a column refuses the file).
    #[serde(default)]
    pub unmapped: Option<map::Unmapped>,
    /// The IANA zone of times written without an offset (else UTC).
    #[serde(default)]
    pub timezone: Option<String>,
    /// listmonk's `name` split into first and last name.
    #[serde(default)]
    pub split_name: bool,
    /// The country (ISO 3166-1 alpha-2) of phone numbers written without `+`.
    #[serde(default)]
    pub phone_region: Option<String>,
}

impl Params {
    /// The parameters of an import of `path` as it is now.
    pub fn of_file(path: &std::path::Path) -> Result<Params, String> {
        let path = std::fs::canonicalize(path)
            .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        let meta =
            std::fs::metadata(&path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        if !meta.is_file() {
            return Err(format!("{} is not a file", path.display()));
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(Params {
            format: Format::of_name(&name).unwrap_or(Format::Csv),
            name,
            delimiter: None,
            mapping: Vec::new(),
            consented_at: None,
            dry_run: false,
            size: meta.len(),
            modified: meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_secs() as i64),
            owned: false,
            from: None,
            agreement: None,
            set: Vec::new(),
            unmapped: None,
            timezone: None,
            split_name: false,
            phone_region: None,
            path,
        })
    }

    fn delimiter_byte(&self) -> Result<Option<u8>, String> {
        match self.delimiter {
            None => Ok(None),
            Some(c) if c.is_ascii() && c != '"' && c != '\n' => Ok(Some(c as u8)),
            Some(c) => Err(format!("{c:?} cannot be a CSV delimiter: use , ; tab or |")),
        }
    }
}

/// The first `n` records of a file and the fields they name (in first-seen order), to show a mapping
/// against. An error says why the file cannot be read at all.
pub fn preview(params: &Params, n: usize) -> Result<(Vec<String>, Vec<read::Record>), String> {
    let file = std::fs::File::open(&params.path)
        .map_err(|e| format!("cannot open {}: {e}", params.name))?;
    let mut columns: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut rows = Vec::new();
    let mut problem = None;
    read::read(
        file,
        params.format,
        params.delimiter_byte()?,
        &mut |_, record| {
            match record {
                Ok(r) => {
                    for (c, _) in &r {
                        if seen.insert(c.clone()) {
                            columns.push(c.clone());
                        }
                    }
                    rows.push(r);
                }
                Err(e) => {
                    problem.get_or_insert(e);
                }
            }
            rows.len() < n
        },
    )?;
    if rows.is_empty()
        && let Some(e) = problem
    {
        return Err(format!("the first row cannot be read: {e}"));
    }
    Ok((columns, rows))
}

/// The mapping of an import: its preset's for the file's columns (if it names a tool), with the given
/// pairs and values over it; and the preset's plan, to show.
pub fn mapper(
    params: &Params,
    catalog: &[Agreement],
) -> Result<(map::Mapper, Option<preset::Plan>), String> {
    if let Some(key) = &params.agreement
        && !catalog.iter().any(|a| &a.key == key)
    {
        return Err(format!(
            "--agreement {key}: there is no such agreement ({})",
            catalog
                .iter()
                .map(|a| a.key.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let plan = match params.from {
        None => None,
        Some(p) => Some(p.plan(
            &preview(params, 1)?.0,
            params.agreement.as_deref(),
            params.split_name,
        )?),
    };
    // A preset's column for an agreement the organisation never made (Synerise's `agreements.wifi`, say)
    // is left to the `unmapped` rule rather than refusing the whole file.
    let made =
        |target: &str| !target.ends_with("_agreement") || catalog.iter().any(|a| a.key == target);
    let mut pairs: Vec<(String, String)> = plan.as_ref().map_or_else(Vec::new, |p| {
        p.pairs
            .iter()
            .filter(|(source, _)| !params.mapping.iter().any(|(s, _)| s == source))
            .filter(|(_, target)| made(target))
            .cloned()
            .collect()
    });
    pairs.extend(params.mapping.iter().cloned());
    let mut set = plan.as_ref().map_or_else(Vec::new, |p| p.set.clone());
    set.extend(params.set.iter().cloned());
    let unmapped = params.unmapped.or(plan.as_ref().map(|p| p.unmapped));
    let mapper = map::Mapper::new(&pairs, catalog)?
        .with(&set, unmapped, params.timezone.as_deref(), catalog)?
        .phones_of(params.phone_region.as_deref())?;
    Ok((mapper, plan))
}

/// Checks an import before it starts: the file can be read, and (CSV) every column has a target.
pub fn check(params: &Params, catalog: &[Agreement]) -> Result<(), String> {
    params.delimiter_byte()?;
    let (mapper, _) = mapper(params, catalog)?;
    let (columns, _) = preview(params, 1)?;
    if params.format == Format::Csv {
        mapper.check_columns(&columns, catalog)?;
    }
    Ok(())
}

/// Rows so far, by what became of them.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Counts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub stale: u64,
    pub rejected: u64,
}

impl Counts {
    fn add(&mut self, o: &Outcome) {
        self.created += o.created as u64;
        self.updated += o.updated as u64;
        self.unchanged += o.unchanged as u64;
        let mut stale_rows: Vec<usize> = o.stale.iter().map(|(r, _)| *r).collect();
        stale_rows.dedup();
        self.stale += stale_rows.len() as u64;
        self.rejected += o.rejected.len() as u64;
    }

    pub fn parse(json: &str) -> Counts {
        serde_json::from_str(json).unwrap_or_default()
    }
}

/// Where an import stands, after each committed chunk.
#[derive(Clone, Debug, Default)]
pub struct Status {
    pub done: u64,
    pub total: Option<u64>,
    pub counts: Counts,
}

/// How an import ended.
#[derive(Debug)]
pub struct Summary {
    pub status: Status,
    /// A problem that stopped reading the file (the rows before it are applied).
    pub error: Option<String>,
    /// Refused rows of this run (at most `KEEP_REJECTED`; all are in the job's report).
    pub rejected: Vec<(u64, String)>,
}

/// Refused rows kept in memory for the summary.
const KEEP_REJECTED: usize = 100;

/// The job an import runs as; `None` for a dry run from the command line, which records nothing.
pub struct JobRef<'a> {
    pub id: i64,
    pub claim_id: &'a str,
    /// Rows already committed by an earlier run (skipped on resume).
    pub done: u64,
    pub total: Option<u64>,
    pub counts: Counts,
}

enum Msg {
    Total(u64),
    Rows(Vec<(u64, Result<Item, String>)>),
    End(Result<(), String>),
}

/// Why a chunk's transaction did not commit.
#[derive(Debug, thiserror::Error)]
enum ChunkError {
    #[error(transparent)]
    Apply(#[from] ApplyError),
    #[error("another process took this import over (its lease lapsed) or it was cancelled")]
    Lost,
    #[error("dry run")]
    DryRun(Outcome),
}

impl From<diesel::result::Error> for ChunkError {
    fn from(e: diesel::result::Error) -> Self {
        ChunkError::Apply(ApplyError::Db(e))
    }
}

impl Transient for ChunkError {
    fn is_transient(&self) -> bool {
        matches!(self, ChunkError::Apply(e) if e.is_transient())
    }
}

/// Runs an import to its end (or to the first problem that stops the file), calling `progress` after
/// each committed chunk with what the chunk did. With a job, its progress and error rows are committed with each chunk and the
/// job is finished here; a job lost to another process stops the run with an error.
pub fn run(
    pool: &Pool,
    params: &Params,
    job: Option<JobRef>,
    chunk: usize,
    progress: &mut dyn FnMut(&Status, &Outcome),
) -> anyhow::Result<Summary> {
    let mut conn = pool.get()?;
    let catalog = agreements::all(&mut conn)?;
    let delimiter = params.delimiter_byte().map_err(anyhow::Error::msg)?;
    let (mapper, _) = mapper(params, &catalog).map_err(anyhow::Error::msg)?;
    let source = match &job {
        Some(j) => Source::Import(j.id.to_string()),
        None => Source::Import("dry-run".into()),
    };
    let meta = Meta {
        origin: params.from.map(|p| p.as_str().to_string()),
        ..Meta::now(source, (None, None))
    };
    let mut status = Status {
        done: job.as_ref().map_or(0, |j| j.done),
        total: job.as_ref().and_then(|j| j.total),
        counts: job.as_ref().map(|j| j.counts.clone()).unwrap_or_default(),
    };
    let skip = status.done;
    let mut rejected_kept = Vec::new();
    let (tx, rx) = mpsc::sync_channel::<Msg>(2);

    let counted = status.total.is_some();
    let (mapper, catalog) = (&mapper, &catalog);
    let ended = std::thread::scope(|scope| -> anyhow::Result<Result<(), String>> {
        let reader = scope
            .spawn(move || read_file(params, delimiter, mapper, catalog, skip, counted, chunk, tx));
        let mut end = Ok(());
        for msg in rx {
            match msg {
                Msg::Total(n) => status.total = Some(n),
                Msg::Rows(rows) => {
                    let n = rows.len() as u64;
                    let outcome =
                        apply_chunk(&mut conn, rows, &meta, &job, &status, params.dry_run)?;
                    status.done += n;

                    status.counts.add(&outcome);
                    progress(&status, &outcome);
                    for (row, why) in outcome.rejected {
                        if rejected_kept.len() < KEEP_REJECTED {
                            rejected_kept.push((row as u64, why));
                        }
                    }
                }
                Msg::End(result) => end = result,
            }
        }
        reader
            .join()
            .map_err(|_| anyhow::anyhow!("the file reader stopped unexpectedly"))?;
        Ok(end)
    })?;
    rejected_kept.sort_by_key(|(r, _)| *r);
    let error = ended.err();
    if let Some(j) = &job {
        let now = crate::db::now();
        let ended = write_tx(&mut conn, |c| -> Result<bool, ApplyError> {
            // A file with no rows still counts as counted.
            jobs::progress(
                c,
                j.id,
                j.claim_id,
                status.done as i64,
                status.total.map(|t| t as i64).or(Some(status.done as i64)),
                &serde_json::to_string(&status.counts).unwrap_or_default(),
                now,
                now + LEASE,
            )?;
            Ok(jobs::finish(c, j.id, j.claim_id, error.as_deref(), now)?)
        })?;
        if !ended {
            anyhow::bail!("{}", ChunkError::Lost);
        }
        if params.owned {
            let _ = std::fs::remove_file(&params.path);
        }
    }
    Ok(Summary {
        status,
        error,
        rejected: rejected_kept,
    })
}

/// The reader thread: counts the rows (once per job), then maps and checks each record past `skip`,
/// sending them in chunks. Checking here keeps it off the writer's core.
fn read_file(
    params: &Params,
    delimiter: Option<u8>,
    mapper: &map::Mapper,
    catalog: &[Agreement],
    skip: u64,
    counted: bool,
    size: usize,
    tx: mpsc::SyncSender<Msg>,
) {
    let open = || {
        std::fs::File::open(&params.path)
            .map_err(|e| format!("cannot open {}: {e}", params.path.display()))
    };
    let result = (|| -> Result<(), String> {
        if !counted {
            let n = read::count(open()?, params.format, delimiter)?;
            if tx.send(Msg::Total(n)).is_err() {
                return Ok(());
            }
        }
        let now = crate::db::now();
        let mut chunk = Vec::with_capacity(size);
        let mut header_checked = params.format != Format::Csv;
        let mut fatal = None;
        let read = read::read(open()?, params.format, delimiter, &mut |row, record| {
            if !header_checked {
                header_checked = true;
                if let Ok(r) = &record {
                    let columns: Vec<String> = r.iter().map(|(c, _)| c.clone()).collect();
                    if let Err(e) = mapper.check_columns(&columns, catalog) {
                        fatal = Some(e);
                        return false;
                    }
                }
            }
            if row <= skip {
                return true;
            }
            let item =
                record.and_then(|r| map::to_item(r, mapper, catalog, params.consented_at, now));
            chunk.push((row, item));
            if chunk.len() == size {
                let full = std::mem::replace(&mut chunk, Vec::with_capacity(size));
                return tx.send(Msg::Rows(full)).is_ok();
            }
            true
        });
        if let Some(e) = fatal {
            return Err(e);
        }
        // Rows read before a problem that stops the file are still applied.
        if !chunk.is_empty() {
            let _ = tx.send(Msg::Rows(chunk));
        }
        read
    })();
    let _ = tx.send(Msg::End(result));
}

/// Applies one chunk in a write transaction with the job's progress and error rows; a dry run rolls
/// it back.
fn apply_chunk(
    conn: &mut crate::db::DbConn,
    rows: Vec<(u64, Result<Item, String>)>,
    meta: &Meta,
    job: &Option<JobRef>,
    status: &Status,
    dry_run: bool,
) -> anyhow::Result<Outcome> {
    // Taken, not copied: a chunk's items are the import's largest allocation.
    let n = rows.len();
    let mut items = Vec::with_capacity(n);
    let mut refused = Vec::new();
    for (row, item) in rows {
        match item {
            Ok(item) => items.push((row as usize, item)),
            Err(why) => refused.push((row as usize, why)),
        }
    }
    let outcome = write_tx(conn, |c| -> Result<Outcome, ChunkError> {
        let mut outcome = Outcome {
            rejected: refused.clone(),
            ..Outcome::default()
        };
        batch::apply(c, &items, meta, &mut outcome)?;
        if dry_run {
            return Err(ChunkError::DryRun(outcome));
        }
        track(c, job, status, n, &outcome)?;
        Ok(outcome)
    });
    match outcome {
        Ok(o) => Ok(o),
        // Rolled back; a dry run's job still counts what the chunk would have done.
        Err(ChunkError::DryRun(o)) => {
            write_tx(conn, |c| track(c, job, status, n, &o)).map_err(|e| anyhow::anyhow!("{e}"))?;
            Ok(o)
        }
        Err(e) => Err(anyhow::anyhow!("{e}")),
    }
}

/// Commits a chunk's error rows and the job's progress with it.
fn track(
    c: &mut crate::db::DbConn,
    job: &Option<JobRef>,
    status: &Status,
    rows: usize,
    outcome: &Outcome,
) -> Result<(), ChunkError> {
    let Some(j) = job else {
        return Ok(());
    };
    record_rows(c, j, outcome)?;
    let mut counts = status.counts.clone();
    counts.add(outcome);
    let now = crate::db::now();
    let kept = jobs::progress(
        c,
        j.id,
        j.claim_id,
        (status.done + rows as u64) as i64,
        status.total.map(|t| t as i64),
        &serde_json::to_string(&counts).unwrap_or_default(),
        now,
        now + LEASE,
    )?;
    if kept { Ok(()) } else { Err(ChunkError::Lost) }
}

/// A chunk's refused and stale rows, for the job's error report.
fn record_rows(conn: &mut crate::db::DbConn, job: &JobRef, o: &Outcome) -> diesel::QueryResult<()> {
    jobs::add_rows(conn, &reported_rows(job.id, o))
}

/// The refused rows and the stale ones (one line per row) of a chunk, in row order.
pub fn reported_rows(job_id: i64, o: &Outcome) -> Vec<JobRow> {
    let mut rows: Vec<JobRow> = o
        .rejected
        .iter()
        .map(|(row, why)| JobRow {
            job_id,
            row_number: *row as i64,
            outcome: "rejected".into(),
            message: why.clone(),
        })
        .collect();
    let mut stale: std::collections::BTreeMap<usize, Vec<&str>> = Default::default();
    for (row, key) in &o.stale {
        stale.entry(*row).or_default().push(key);
    }
    rows.extend(stale.into_iter().map(|(row, keys)| JobRow {
        job_id,
        row_number: row as i64,
        outcome: "stale".into(),
        message: format!(
            "not applied, the profile holds a later change: {}",
            keys.join(", ")
        ),
    }));
    rows.sort_by_key(|r| r.row_number);
    rows
}

/// A delimiter as people type it: `,` `;` `|`, or a tab as `tab`, `\t` or the character itself.
pub fn delimiter(text: &str) -> Result<char, String> {
    match text {
        "," | ";" | "|" | "\t" => Ok(text.chars().next().unwrap_or(',')),
        "tab" | "\\t" => Ok('\t'),
        other => Err(format!("--delimiter {other:?}: give , ; | or tab")),
    }
}

/// The job of an import from the command line, claimed by `node`: the interrupted import of this same
/// file and options (to resume it), or a new one.
pub fn claim_for_cli(
    conn: &mut crate::db::DbConn,
    params: &Params,
    node: &Node,
) -> anyhow::Result<jobs::Job> {
    let now = crate::db::now();
    let open = jobs::open(conn, KIND)?
        .into_iter()
        .find(|j| serde_json::from_str::<Params>(&j.params).is_ok_and(|p| p == *params));
    let id = match open {
        Some(j) => j.id,
        None => jobs::create(
            conn,
            &jobs::NewJob {
                kind: KIND,
                params: &serde_json::to_string(params)?,
                status: jobs::JobStatus::Queued,
                node: Some(&node.name),
                created_by: "cli",
                created_at: now,
                updated_at: now,
            },
        )?,
    };
    claim(conn, id, node, now)?.map_err(anyhow::Error::msg)
}

/// Takes the import job `id` for `node` for a lease; the inner error says why not (another live process
/// holds it, or it has ended).
pub fn claim(
    conn: &mut crate::db::DbConn,
    id: i64,
    node: &Node,
    now: NaiveDateTime,
) -> Result<Result<jobs::Job, String>, ApplyError> {
    write_tx(conn, |c| -> Result<_, ApplyError> {
        Ok(jobs::claim(
            c,
            id,
            &node.claim_id,
            now,
            now + LEASE,
            &|h| node.holder_gone(h),
        )?)
    })
}
