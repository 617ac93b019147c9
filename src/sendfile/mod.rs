//! Scheduled send-files: the export CSV (docs/reference.md, "Send-files") for a filter or saved audience, sent on a schedule
//! to an HTTP endpoint or an SFTP server, optionally only the profiles changed since the last successful run.
//!
//! Each run is a job (`jobs.kind = 'sendfile'`), so the jobs machinery that runs imports runs these: one
//! process holds a run under a lease. A due schedule is moved to its next time by a compare-and-set
//! before its run is created, so two nodes never start the same run; a run is counted a success only
//! once the receiver answered 2xx to the whole file, and only then does "changed since" move on.

pub mod sftp;
pub mod worker;

use crate::db::DbConn;
use crate::db::models::jobs::{self, JobStatus, NewJob};
use crate::db::models::sendfiles::{self, NewSendfile, Sendfile};
use crate::domain::Actor;
use chrono::{NaiveDateTime, TimeDelta, Timelike};
use diesel::QueryResult;

pub const KIND: &str = "sendfile";

/// When a send-file runs, in UTC: every `every_minutes`, on the grid through `at_minute` after midnight
/// (none: counted from when it was added).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub every_minutes: i32,
    pub at_minute: Option<i32>,
}

impl Schedule {
    /// From `--every 15m|6h|1d` and `--at HH:MM`; neither means daily at midnight UTC.
    pub fn parse(every: Option<&str>, at: Option<&str>) -> Result<Schedule, String> {
        let every_minutes = match every.map(str::trim).filter(|e| !e.is_empty()) {
            None => 24 * 60,
            Some(e) => {
                let (n, unit) = e.split_at(e.len() - 1);
                let n: i32 = n
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("{e:?} is not an interval like 15m, 6h or 1d"))?;
                let minutes = match unit {
                    "m" => n,
                    "h" => n.saturating_mul(60),
                    "d" => n.saturating_mul(24 * 60),
                    _ => return Err(format!("{e:?} is not an interval like 15m, 6h or 1d")),
                };
                if !(5..=7 * 24 * 60).contains(&minutes) {
                    return Err("the interval must be between 5 minutes and 7 days".into());
                }
                minutes
            }
        };
        let at_minute = match at.map(str::trim).filter(|a| !a.is_empty()) {
            None if every.is_none() => Some(0),
            None => None,
            Some(a) => {
                let t = chrono::NaiveTime::parse_from_str(a, "%H:%M")
                    .map_err(|_| format!("{a:?} is not a time like 02:30 (UTC)"))?;
                Some((t.hour() * 60 + t.minute()) as i32)
            }
        };
        Ok(Schedule {
            every_minutes,
            at_minute,
        })
    }

    /// The first run time after `t` (`t` itself never).
    pub fn next_after(&self, t: NaiveDateTime, created: NaiveDateTime) -> NaiveDateTime {
        let step = TimeDelta::minutes(i64::from(self.every_minutes));
        let anchor = match self.at_minute {
            Some(m) => {
                t.date().and_hms_opt(0, 0, 0).expect("midnight") + TimeDelta::minutes(i64::from(m))
            }
            None => created,
        };
        let behind = (t - anchor).num_seconds().div_euclid(step.num_seconds());
        let mut next = anchor + step * (behind as i32);
        while next <= t {
            next += step;
        }
        next
    }

    /// The schedule in words, as the command line says it.
    pub fn describe(&self) -> String {
        self.words(&crate::i18n::Lang::default())
    }

    /// The schedule in words in `lang` (the dashboard's catalogue says it).
    pub fn words(&self, lang: &crate::i18n::Lang) -> String {
        const DAY: i32 = 24 * 60;
        let every = match self.every_minutes {
            DAY => lang.t("sendfiles-daily"),
            m if m % DAY == 0 => lang.count("sendfiles-every-days", m / DAY),
            m if m % 60 == 0 => lang.count("sendfiles-every-hours", m / 60),
            m => lang.count("sendfiles-every-minutes", m),
        };
        match self.at_minute {
            Some(m) => lang.with(
                "sendfiles-schedule-at",
                &[
                    ("every", &every),
                    ("time", &format!("{:02}:{:02}", m / 60, m % 60)),
                ],
            ),
            None => every,
        }
    }
}

impl From<&Sendfile> for Schedule {
    fn from(s: &Sendfile) -> Schedule {
        Schedule {
            every_minutes: s.every_minutes,
            at_minute: s.at_minute,
        }
    }
}

/// A send-file as given on the command line or in the dashboard.
pub struct Draft {
    pub name: String,
    pub target: String,
    pub method: String,
    pub agreement: Option<String>,
    pub status: Option<String>,
    pub audience: Option<String>,
    pub every: Option<String>,
    pub at: Option<String>,
    pub changed_only: bool,
    /// SFTP: the private key file (read at each run).
    pub key: Option<String>,
}

/// Where a send-file goes.
pub enum Target {
    Http(reqwest::Url),
    Sftp(sftp::Target),
}

/// Checks a target: an `https://`, `http://` or `sftp://` address that is not inside this network (unless
/// allowed). Resolves the host now (blocking).
pub fn check_target(raw: &str, allow_private: bool) -> Result<Target, String> {
    if raw.trim_start().to_ascii_lowercase().starts_with("sftp://") {
        let t = sftp::Target::parse(raw)?;
        crate::outgoing::check_host(&t.host, t.port, allow_private)?;
        return Ok(Target::Sftp(t));
    }
    let url = crate::outgoing::parse_url(raw).map_err(|e| {
        if e.contains("is not supported") {
            format!("{e}, or an sftp://USER@HOST[:PORT]/PATH address")
        } else {
            e
        }
    })?;
    crate::outgoing::check_target(&url, allow_private)?;
    Ok(Target::Http(url))
}

/// The environment variable that holds a send-file's secret (`TOKEN`, `BASIC`, `PASSWORD` or
/// `PASSPHRASE`) for `name`.
pub fn secret_var(kind: &str, name: &str) -> String {
    let n: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("ASSENT_SENDFILE_{kind}_{n}")
}

/// Checks and stores a send-file (audited); its id, or what to fix.
pub fn add(
    conn: &mut DbConn,
    d: &Draft,
    allow_private: bool,
    by: &Actor,
) -> anyhow::Result<Result<i64, String>> {
    let name = match crate::domain::name::integration(d.name.trim()) {
        Ok(n) => n.to_string(),
        Err(e) => return Ok(Err(e)),
    };
    let target = match check_target(&d.target, allow_private) {
        Ok(t) => t,
        Err(e) => return Ok(Err(e)),
    };
    let key = d.key.as_deref().map(str::trim).filter(|k| !k.is_empty());
    let (target, ssh_key) = match (target, key) {
        (Target::Http(_), Some(_)) => {
            return Ok(Err(
                "a key file is for sftp:// targets; an HTTP target takes ASSENT_SENDFILE_TOKEN_<NAME> or ASSENT_SENDFILE_BASIC_<NAME>".into(),
            ));
        }
        (Target::Http(url), None) => (url.to_string(), None),
        (Target::Sftp(_), Some(k)) => {
            let passphrase = std::env::var(secret_var("PASSPHRASE", &name)).ok();
            if let Err(e) = sftp::load_key(k, passphrase.as_deref()) {
                return Ok(Err(e));
            }
            // Stored absolute: the runs happen in the server, whatever folder this was said in.
            let k = std::fs::canonicalize(k).map_or(k.to_string(), |p| p.display().to_string());
            (d.target.trim().to_string(), Some(k))
        }
        (Target::Sftp(_), None) if std::env::var(secret_var("PASSWORD", &name)).is_err() => {
            return Ok(Err(format!(
                "an sftp:// target needs a key file (--key FILE) or a password in {}",
                secret_var("PASSWORD", &name)
            )));
        }
        (Target::Sftp(_), None) => (d.target.trim().to_string(), None),
    };
    let method = d.method.trim().to_ascii_uppercase();
    if !matches!(method.as_str(), "POST" | "PUT") {
        return Ok(Err(format!("{method:?} is not POST or PUT")));
    }
    let schedule = match Schedule::parse(d.every.as_deref(), d.at.as_deref()) {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let catalog = crate::db::models::agreements::all(conn)?;
    if let Err(e) = crate::exports::Filter::choose(
        conn,
        &catalog,
        d.agreement.as_deref(),
        d.status.as_deref(),
        d.audience.as_deref(),
    )? {
        return Ok(Err(e));
    }
    let now = crate::db::now();
    let new = NewSendfile {
        name,
        target,
        method,
        agreement: d.agreement.clone().filter(|a| !a.is_empty()),
        status: d.status.clone().filter(|s| !s.is_empty()),
        audience: d.audience.clone().filter(|a| !a.is_empty()),
        every_minutes: schedule.every_minutes,
        at_minute: schedule.at_minute,
        changed_only: d.changed_only,
        next_run_at: schedule.next_after(now, now),
        created_at: now,
        ssh_key,
    };
    Ok(crate::db::write_tx(
        conn,
        |c| -> QueryResult<Result<i64, String>> {
            let Some(id) = sendfiles::insert(c, &new)? else {
                return Ok(Err(format!(
                    "a send-file named {} already exists",
                    new.name
                )));
            };
            crate::db::models::audit_log::record(
                c,
                by,
                "sendfile.add",
                &new.name,
                Some(&new.target),
            )?;
            Ok(Ok(id))
        },
    )?)
}

/// A send-file by name, locked for the rest of the transaction and read again under the lock, so a
/// change that committed while this one waited (another admin's delete, say) is seen.
fn locked_by_name(c: &mut DbConn, name: &str) -> QueryResult<Option<Sendfile>> {
    let Some(s) = sendfiles::find_by_name(c, name)? else {
        return Ok(None);
    };
    sendfiles::lock(c, s.id)?;
    sendfiles::find(c, s.id)
}

/// What an admin does to a send-file besides running it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Act {
    Pause,
    Resume,
    Delete,
}

impl Act {
    pub fn parse(s: &str) -> Option<Act> {
        match s {
            "pause" => Some(Act::Pause),
            "resume" => Some(Act::Resume),
            "delete" => Some(Act::Delete),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Act::Pause => "pause",
            Act::Resume => "resume",
            Act::Delete => "delete",
        }
    }
}

/// Pauses, resumes or deletes a send-file (audited). A paused one runs only when asked ("run now");
/// resuming schedules its next run from now on; deleting keeps its past runs in the jobs list. Pausing a
/// paused one or resuming a running one changes nothing and is not audited again. `false`: no such
/// send-file.
pub fn act(conn: &mut DbConn, name: &str, act: Act, by: &Actor) -> QueryResult<bool> {
    crate::db::write_tx(conn, |c| {
        let Some(s) = locked_by_name(c, name)? else {
            return Ok(false);
        };
        let now = crate::db::now();
        match act {
            Act::Pause if s.paused_at.is_some() => return Ok(true),
            Act::Resume if s.paused_at.is_none() => return Ok(true),
            Act::Pause => sendfiles::set_paused(c, s.id, Some(now), s.next_run_at)?,
            Act::Resume => {
                let next = Schedule::from(&s).next_after(now, s.created_at);
                sendfiles::set_paused(c, s.id, None, next)?
            }
            Act::Delete => sendfiles::delete(c, s.id)?,
        }
        crate::db::models::audit_log::record(
            c,
            by,
            &format!("sendfile.{}", act.name()),
            &s.name,
            None,
        )?;
        Ok(true)
    })
}

/// Forgets a send-file's pinned host key (audited): the key it had, or what to fix.
pub fn forget_host_key(
    conn: &mut DbConn,
    name: &str,
    by: &Actor,
) -> QueryResult<Result<Option<String>, String>> {
    crate::db::write_tx(conn, |c| {
        let Some(s) = locked_by_name(c, name)? else {
            return Ok(Err(format!("there is no send-file named {name}")));
        };
        if let Some(k) = &s.host_key {
            sendfiles::unpin_host_key(c, s.id)?;
            crate::db::models::audit_log::record(
                c,
                by,
                "sendfile.forget_host_key",
                &s.name,
                Some(k),
            )?;
        }
        Ok(Ok(s.host_key))
    })
}

#[derive(serde::Serialize, serde::Deserialize)]
pub struct Params {
    pub sendfile_id: i64,
    /// `schedule` or `manual`.
    pub trigger: String,
}

/// The open run of a send-file, if any.
pub fn open_run(conn: &mut DbConn, sendfile_id: i64) -> QueryResult<Option<i64>> {
    Ok(jobs::open(conn, KIND)?.into_iter().find_map(|j| {
        let p: Params = serde_json::from_str(&j.params).ok()?;
        (p.sendfile_id == sendfile_id).then_some(j.id)
    }))
}

/// Starts a run of the send-file `name` now, audited: `None` when there is no such send-file, the
/// inner error when a run of it has not finished yet.
pub fn run_now(
    conn: &mut DbConn,
    name: &str,
    by: &Actor,
) -> QueryResult<Option<Result<i64, StillRunning>>> {
    crate::db::write_tx(conn, |c| {
        let Some(s) = sendfiles::find_by_name(c, name)? else {
            return Ok(None);
        };
        let run = create_run(c, s.id, "manual", &by.name)?;
        if run.is_ok() {
            crate::db::models::audit_log::record(c, by, "sendfile.run", name, None)?;
        }
        Ok(Some(run))
    })
}

/// A send-file's run that has not finished yet (its job id): no second one starts beside it.
#[derive(Debug, Clone, Copy)]
pub struct StillRunning(pub i64);

impl std::fmt::Display for StillRunning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "run {} of this send-file has not finished yet", self.0)
    }
}

/// Creates a run of a send-file (in the caller's write transaction) unless one is open already.
pub fn create_run(
    conn: &mut DbConn,
    sendfile_id: i64,
    trigger: &str,
    by: &str,
) -> QueryResult<Result<i64, StillRunning>> {
    sendfiles::lock(conn, sendfile_id)?;
    if let Some(open) = open_run(conn, sendfile_id)? {
        return Ok(Err(StillRunning(open)));
    }
    let params = serde_json::to_string(&Params {
        sendfile_id,
        trigger: trigger.into(),
    })
    .expect("plain JSON");
    let now = crate::db::now();
    Ok(Ok(jobs::create(
        conn,
        &NewJob {
            kind: KIND,
            params: &params,
            status: JobStatus::Queued,
            node: None,
            created_by: by,
            created_at: now,
            updated_at: now,
        },
    )?))
}

/// Starts a run of every due send-file whose schedule this process moved on first; returns how many.
pub fn start_due(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
    let mut started = 0;
    for s in sendfiles::due(conn, now)? {
        let next = Schedule::from(&s).next_after(now, s.created_at);
        let mine = crate::db::write_tx(conn, |c| -> QueryResult<bool> {
            if !sendfiles::advance(c, s.id, s.next_run_at, next)? {
                return Ok(false);
            }
            Ok(create_run(c, s.id, "schedule", "schedule")?.is_ok())
        })?;
        started += usize::from(mine);
    }
    Ok(started)
}

/// The wait before trying a failed send-file again: 1, 5, 15, 60 minutes, then every 2 hours (never past
/// its next scheduled run).
pub fn backoff(failures: i32) -> TimeDelta {
    TimeDelta::minutes(match failures {
        0 => 1,
        1 => 5,
        2 => 15,
        3 => 60,
        _ => 120,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn schedules_parse_and_step_on_their_grid() {
        let daily = Schedule::parse(None, None).unwrap();
        assert_eq!(daily.describe(), "daily at 00:00 UTC");
        let words = |every_minutes, at_minute| {
            Schedule {
                every_minutes,
                at_minute,
            }
            .describe()
        };
        assert_eq!(words(360, Some(75)), "every 6 h at 01:15 UTC");
        assert_eq!(words(3 * 24 * 60, None), "every 3 days");
        let c = at("2026-01-01 00:00");
        assert_eq!(
            daily.next_after(at("2026-03-04 10:00"), c),
            at("2026-03-05 00:00")
        );
        let six = Schedule::parse(Some("6h"), Some("00:30")).unwrap();
        assert_eq!(
            six.next_after(at("2026-03-04 10:00"), c),
            at("2026-03-04 12:30")
        );
        assert_eq!(
            six.next_after(at("2026-03-04 00:10"), c),
            at("2026-03-04 00:30")
        );
        let q = Schedule::parse(Some("15m"), None).unwrap();
        assert_eq!(
            q.next_after(at("2026-03-04 10:07"), at("2026-03-04 10:00")),
            at("2026-03-04 10:15")
        );
        assert_eq!(q.describe(), "every 15 min");
        for bad in ["0m", "15", "3w", "1m", "8d", "x"] {
            assert!(Schedule::parse(Some(bad), None).is_err(), "{bad}");
        }
        assert!(Schedule::parse(None, Some("25:00")).is_err());
    }

    #[test]
    fn secret_variables_are_named_after_the_send_file() {
        assert_eq!(
            secret_var("TOKEN", "crm-nightly"),
            "ASSENT_SENDFILE_TOKEN_CRM_NIGHTLY"
        );
    }
}
