//! Jobs: long work that survives a crash or restart (imports now; send-file runs later). One process
//! holds a job at a time, by a lease it renews in the same transaction that commits each piece of work
//! and its progress, so a piece is either done and counted or neither, and a job taken over after a
//! crash carries on where the last commit left it.

use crate::db::DbConn;
use crate::db::schema::{job_rows, jobs};
use chrono::NaiveDateTime;
use diesel::prelude::*;

crate::domain::column::words! {
    /// Where a job stands. Stored as its name in lower case.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub enum JobStatus ("a job status") {
        /// An uploaded import waiting for its mapping.
        Draft = "draft",
        Queued = "queued",
        Running = "running",
        Done = "done",
        Failed = "failed",
        Cancelled = "cancelled",
    }
}

impl JobStatus {
    /// Still to be run or finished (queued, or running under a lease that may have lapsed).
    pub fn is_open(self) -> bool {
        matches!(self, JobStatus::Queued | JobStatus::Running)
    }
}

crate::domain::column::stored_as_text!(JobStatus);

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = jobs)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub params: String,
    pub status: JobStatus,
    pub node: Option<String>,
    pub claimed_by: Option<String>,
    pub locked_until: Option<NaiveDateTime>,
    pub total: Option<i64>,
    pub done: i64,
    pub counts: String,
    pub error: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub started_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

impl Job {
    /// Still to be run or finished (queued, or running under a lease that may have lapsed).
    pub fn is_open(&self) -> bool {
        self.status.is_open()
    }

    pub fn is_done(&self) -> bool {
        self.status == JobStatus::Done
    }
}

#[derive(Insertable)]
#[diesel(table_name = jobs)]
pub struct NewJob<'a> {
    pub kind: &'a str,
    pub params: &'a str,
    pub status: JobStatus,
    pub node: Option<&'a str>,
    pub created_by: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn create(conn: &mut DbConn, job: &NewJob) -> QueryResult<i64> {
    crate::db::tx::wake_after_commit(crate::db::tx::Lane::Jobs);
    diesel::insert_into(jobs::table)
        .values(job)
        .returning(jobs::id)
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Job>> {
    jobs::table
        .find(id)
        .select(Job::as_select())
        .first(conn)
        .optional()
}

/// The latest jobs of a kind, newest first.
pub fn recent(conn: &mut DbConn, kind: &str, limit: i64) -> QueryResult<Vec<Job>> {
    jobs::table
        .filter(jobs::kind.eq(kind))
        .order(jobs::id.desc())
        .limit(limit)
        .select(Job::as_select())
        .load(conn)
}

/// Open jobs of a kind, oldest first.
pub fn open(conn: &mut DbConn, kind: &str) -> QueryResult<Vec<Job>> {
    jobs::table
        .filter(jobs::kind.eq(kind))
        .filter(jobs::status.eq_any([JobStatus::Queued, JobStatus::Running]))
        .order(jobs::id)
        .select(Job::as_select())
        .load(conn)
}

/// Takes an open job for `claim_id` until `until`, if nobody holds it: its lease lapsed, or
/// `holder_gone` says its holder is dead. Call in a write transaction. Returns the job as taken.
pub fn claim(
    conn: &mut DbConn,
    id: i64,
    claim_id: &str,
    now: NaiveDateTime,
    until: NaiveDateTime,
    holder_gone: &dyn Fn(&str) -> bool,
) -> QueryResult<Result<Job, String>> {
    if let DbConn::Pg(c) = conn {
        // Row lock: two processes claiming the same job take turns.
        jobs::table
            .find(id)
            .select(jobs::id)
            .for_update()
            .first::<i64>(c)?;
    }
    let Some(job) = find(conn, id)? else {
        return Ok(Err(format!("there is no job {id}")));
    };
    if !job.is_open() {
        return Ok(Err(format!("job {id} is {}", job.status)));
    }
    if let (Some(holder), Some(lease)) = (&job.claimed_by, job.locked_until)
        && holder != claim_id
        && lease > now
        && !holder_gone(holder)
    {
        return Ok(Err(format!(
            "job {id} is being run by {holder} (its lease runs to {} UTC)",
            lease.format("%H:%M:%S")
        )));
    }
    diesel::update(jobs::table.find(id))
        .set((
            jobs::status.eq(JobStatus::Running),
            jobs::claimed_by.eq(claim_id),
            jobs::locked_until.eq(until),
            jobs::started_at.eq(job.started_at.unwrap_or(now)),
            jobs::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(find(conn, id)?
        .ok_or(diesel::result::Error::NotFound)
        .map(Ok)?)
}

/// The job, if this holder is running it.
type Held<'a> = diesel::dsl::Filter<
    diesel::dsl::Filter<
        diesel::dsl::Find<jobs::table, i64>,
        diesel::dsl::Eq<jobs::claimed_by, &'a str>,
    >,
    diesel::dsl::Eq<jobs::status, JobStatus>,
>;

fn held(id: i64, claim_id: &str) -> Held<'_> {
    jobs::table
        .find(id)
        .filter(jobs::claimed_by.eq(claim_id))
        .filter(jobs::status.eq(JobStatus::Running))
}

/// Commits a job's progress and renews its lease, in the transaction of the work it counts. False when
/// the job is no longer this holder's (cancelled, or taken over after the lease lapsed): the caller
/// must then roll back.
#[allow(clippy::too_many_arguments)]
pub fn progress(
    conn: &mut DbConn,
    id: i64,
    claim_id: &str,
    done: i64,
    total: Option<i64>,
    counts: &str,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(held(id, claim_id))
        .set((
            jobs::done.eq(done),
            jobs::total.eq(total),
            jobs::counts.eq(counts),
            jobs::locked_until.eq(until),
            jobs::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Ends a job this holder runs: `done`, or `failed` with the reason.
pub fn finish(
    conn: &mut DbConn,
    id: i64,
    claim_id: &str,
    error: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(held(id, claim_id))
        .set((
            jobs::status.eq(if error.is_some() {
                JobStatus::Failed
            } else {
                JobStatus::Done
            }),
            jobs::error.eq(error),
            jobs::locked_until.eq(None::<NaiveDateTime>),
            jobs::updated_at.eq(now),
            jobs::finished_at.eq(now),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Moves a job from one status to another (draft → queued, open → cancelled); false when it was not
/// in `from`.
pub fn set_status(
    conn: &mut DbConn,
    id: i64,
    from: &[JobStatus],
    to: JobStatus,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    use JobStatus::*;
    let finished = matches!(to, Cancelled | Done | Failed).then_some(now);
    let n = diesel::update(
        jobs::table
            .find(id)
            .filter(jobs::status.eq_any(from.to_vec())),
    )
    .set((
        jobs::status.eq(to),
        jobs::updated_at.eq(now),
        jobs::finished_at.eq(finished),
    ))
    .execute(conn)?;
    if n == 1 && to == Queued {
        crate::db::tx::wake_after_commit(crate::db::tx::Lane::Jobs);
    }
    Ok(n == 1)
}

/// The drafts of `kind` made on `node` and last touched before `before`.
pub fn stale_drafts(
    conn: &mut DbConn,
    kind: &str,
    node: &str,
    before: NaiveDateTime,
) -> QueryResult<Vec<Job>> {
    jobs::table
        .filter(jobs::kind.eq(kind))
        .filter(jobs::node.eq(node))
        .filter(jobs::status.eq(JobStatus::Draft))
        .filter(jobs::updated_at.lt(before))
        .select(Job::as_select())
        .load(conn)
}

/// Deletes a job that is still a draft; false when it is not (any more).
pub fn delete_draft(conn: &mut DbConn, id: i64) -> QueryResult<bool> {
    let n = diesel::delete(
        jobs::table
            .find(id)
            .filter(jobs::status.eq(JobStatus::Draft)),
    )
    .execute(conn)?;
    Ok(n == 1)
}

/// Replaces a draft job's parameters.
pub fn set_params(
    conn: &mut DbConn,
    id: i64,
    params: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        jobs::table
            .find(id)
            .filter(jobs::status.eq(JobStatus::Draft)),
    )
    .set((jobs::params.eq(params), jobs::updated_at.eq(now)))
    .execute(conn)?;
    Ok(n == 1)
}

/// A row a job refused or found stale.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = job_rows)]
pub struct JobRow {
    pub job_id: i64,
    pub row_number: i64,
    pub outcome: String,
    pub message: String,
}

pub fn add_rows(conn: &mut DbConn, rows: &[JobRow]) -> QueryResult<()> {
    for row in rows {
        diesel::insert_into(job_rows::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// A job's reported rows in row order, after `after`.
pub fn rows(conn: &mut DbConn, job_id: i64, after: i64, limit: i64) -> QueryResult<Vec<JobRow>> {
    job_rows::table
        .filter(job_rows::job_id.eq(job_id))
        .filter(job_rows::row_number.gt(after))
        .order((job_rows::row_number, job_rows::outcome))
        .limit(limit)
        .select(JobRow::as_select())
        .load(conn)
}

/// The jobs running now, by kind: (kind, how many, the rows they have done).
pub fn running(conn: &mut DbConn) -> QueryResult<Vec<(String, i64, i64)>> {
    let rows: Vec<(String, i64)> = jobs::table
        .filter(jobs::status.eq(JobStatus::Running))
        .select((jobs::kind, jobs::done))
        .load(conn)?;
    let mut by_kind: Vec<(String, i64, i64)> = Vec::new();
    for (kind, done) in rows {
        match by_kind.iter_mut().find(|(k, _, _)| *k == kind) {
            Some((_, n, d)) => (*n, *d) = (*n + 1, *d + done),
            None => by_kind.push((kind, 1, done)),
        }
    }
    Ok(by_kind)
}
