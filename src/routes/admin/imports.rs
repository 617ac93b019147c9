//! Imports in the dashboard (admins): upload a file, map its columns from a preview of its first rows,
//! start it (or a dry run), and follow its progress on a page that refreshes itself (no JavaScript).
//! The node that received the file runs the job (`imports::worker`); its error report downloads as CSV.

use super::{private, see_other};
use crate::db::models::agreements::Agreement;
use crate::db::models::jobs::{self, Job, JobRow, JobStatus};
use crate::domain::Actor;
use crate::i18n::Lang;
use crate::imports::map::{self, Target};
use crate::imports::read::Format;
use crate::imports::{Counts, KIND, Params, actions};
use crate::routes::edge::AppState;
use crate::routes::edge::Staff;
use crate::routes::edge::error::{PageError, html};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use futures_core::Stream;
use std::io::Write;
use std::pin::Pin;

/// The largest file the dashboard takes (the command line has no limit).
pub const MAX_UPLOAD: u64 = 8 << 30;
/// How long an upload may go without sending a byte.
const IDLE: std::time::Duration = std::time::Duration::from_secs(30);
/// Rows shown in a mapping preview, and refused rows shown on a job's page.
const PREVIEW: usize = 5;
const SHOWN_ROWS: i64 = 20;

#[derive(Template)]
#[template(path = "admin/imports.html")]
struct ListPage {
    staff: Staff,
    jobs: Vec<JobView>,
    error: Option<String>,
}

/// A job as the pages show it.
struct JobView {
    id: i64,
    status: JobStatus,
    done: i64,
    total: Option<i64>,
    counts: Counts,
    /// Rows per second over the run so far.
    rate: Option<i64>,
    error: Option<String>,
    created_by: String,
    created_at: chrono::NaiveDateTime,
    finished_at: Option<chrono::NaiveDateTime>,
    params: Option<Params>,
}

impl JobView {
    fn of(job: Job) -> JobView {
        let params = serde_json::from_str::<Params>(&job.params).ok();
        let rate = job.started_at.and_then(|s| {
            let end = job.finished_at.unwrap_or(job.updated_at);
            let ms = (end - s).num_milliseconds();
            (ms > 0 && job.done > 0).then(|| job.done * 1000 / ms)
        });
        JobView {
            id: job.id,
            status: job.status,
            done: job.done,
            total: job.total,
            counts: Counts::parse(&job.counts),
            rate,
            error: job.error,
            created_by: job.created_by,
            created_at: job.created_at,
            finished_at: job.finished_at,
            params,
        }
    }

    fn name(&self) -> &str {
        self.params.as_ref().map_or("", |p| p.name.as_str())
    }

    fn format(&self) -> &'static str {
        self.params.as_ref().map_or("?", |p| p.format.as_str())
    }

    fn dry_run(&self) -> bool {
        self.params.as_ref().is_some_and(|p| p.dry_run)
    }

    fn running(&self) -> bool {
        self.status.is_open()
    }

    fn is_draft(&self) -> bool {
        self.status == JobStatus::Draft
    }

    /// Percent done, when the total is known.
    fn percent(&self) -> i64 {
        match self.total {
            Some(t) if t > 0 => self.done * 100 / t,
            Some(_) => 100,
            None => 0,
        }
    }
}

pub async fn list(staff: Staff, state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    Ok(private(html(
        StatusCode::OK,
        &list_page(&state, staff, None).await?,
    )))
}

async fn list_page(
    state: &AppState,
    staff: Staff,
    error: Option<String>,
) -> Result<ListPage, PageError> {
    let jobs = state.db(|c| Ok(jobs::recent(c, KIND, 50)?)).await?;
    Ok(ListPage {
        staff,
        jobs: jobs.into_iter().map(JobView::of).collect(),
        error,
    })
}

/// The next item of a stream.
async fn next<S: Stream + Unpin>(s: &mut S) -> Option<S::Item> {
    std::future::poll_fn(|cx| Pin::new(&mut *s).poll_next(cx)).await
}

/// A small text field of the upload form, read whole.
async fn small_field(field: &mut actix_multipart::Field, t: &Lang) -> Result<String, PageError> {
    let mut text = Vec::new();
    while let Some(chunk) = next(field).await {
        let chunk = chunk.map_err(|e| broke_off(t, e))?;
        text.extend_from_slice(&chunk);
        if text.len() > 1024 {
            return Err(PageError::BadRequest(t.t("import-field-too-long")));
        }
    }
    String::from_utf8(text).map_err(|_| PageError::BadRequest(t.t("import-field-not-utf8")))
}

fn broke_off(t: &Lang, e: impl std::fmt::Display) -> PageError {
    PageError::BadRequest(t.with("import-broke-off", &[("error", &e.to_string())]))
}

/// What the upload form sent: its format and delimiter choices, and the file, saved in the data folder
/// as (path, the name it had, bytes).
struct Upload {
    format: String,
    delimiter: String,
    /// The tool the file was exported from (empty: none).
    from: String,
    saved: Option<(std::path::PathBuf, String, u64)>,
}

/// Reads the upload form: its CSRF token first (nothing else is read without it), the small fields, and
/// the one file, streamed to `data_dir/imports`.
async fn receive(
    req: &HttpRequest,
    payload: web::Payload,
    staff: &Staff,
    data_dir: &std::path::Path,
) -> Result<Upload, PageError> {
    let mut form = actix_multipart::Multipart::new(req.headers(), payload);
    let (mut csrf_ok, mut format, mut delimiter, mut from) =
        (false, String::new(), String::new(), String::new());
    let mut saved: Option<(std::path::PathBuf, String, u64)> = None;
    let (t, refuse) = (&staff.lang, |m: String| PageError::BadRequest(m));
    while let Some(field) = next(&mut form).await {
        let mut field =
            field.map_err(|e| refuse(t.with("import-not-a-form", &[("error", &e.to_string())])))?;
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "csrf_token" => {
                staff.check_csrf(&small_field(&mut field, t).await?)?;
                csrf_ok = true;
            }
            _ if !csrf_ok => return Err(crate::routes::edge::staff::csrf_refused(&staff.lang)),
            "format" => format = small_field(&mut field, t).await?,
            "delimiter" => delimiter = small_field(&mut field, t).await?,
            "from" => from = small_field(&mut field, t).await?,
            "file" if saved.is_some() => {
                if let Some((path, _, _)) = &saved {
                    let _ = std::fs::remove_file(path);
                }
                return Err(refuse(t.t("import-one-file")));
            }
            "file" => {
                let original = field
                    .content_disposition()
                    .and_then(|d| d.get_filename())
                    .map(|n| {
                        n.rsplit(['/', '\\'])
                            .next()
                            .unwrap_or(n)
                            .chars()
                            .take(200)
                            .collect::<String>()
                    })
                    .filter(|n| !n.trim().is_empty())
                    .ok_or_else(|| refuse(t.t("import-choose-file")))?;
                let dir = data_dir.join("imports");
                std::fs::create_dir_all(&dir).map_err(|e| {
                    PageError::Unexpected(anyhow::anyhow!("cannot create {}: {e}", dir.display()))
                })?;
                let path = dir.join(format!(
                    "upload-{}.{}",
                    crate::domain::token::new_token(),
                    Format::of_name(&original).map_or("csv", |f| f.as_str())
                ));
                let result = save(&mut field, &path, t).await;
                match result {
                    Ok(size) => saved = Some((path, original, size)),
                    Err(e) => {
                        let _ = std::fs::remove_file(&path);
                        return Err(e);
                    }
                }
            }
            _ => {
                small_field(&mut field, t).await?;
            }
        }
    }
    if !csrf_ok {
        return Err(crate::routes::edge::staff::csrf_refused(&staff.lang));
    }
    Ok(Upload {
        format,
        delimiter,
        from,
        saved,
    })
}

/// The upload: the form's CSRF token (sent before the file), the format and delimiter, then the file,
/// streamed to the data folder. Makes a draft job and shows its mapping page.
pub async fn upload(
    req: HttpRequest,
    payload: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let Upload {
        format,
        delimiter,
        from,
        saved,
    } = receive(&req, payload, &staff, &state.data_dir).await?;
    let Some((path, name, size)) = saved else {
        let error = staff.t("import-choose-file");
        return Ok(private(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            &list_page(&state, staff, Some(error)).await?,
        )));
    };
    let chosen = match format.as_str() {
        "" | "auto" => Format::of_name(&name)
            .ok_or_else(|| staff.lang.with("import-unknown-format", &[("name", &name)])),
        f => Format::parse(f),
    };
    let delimiter = match delimiter.as_str() {
        "" | "auto" => Ok(None),
        d => crate::imports::delimiter(d).map(Some),
    };
    let from = match from.as_str() {
        "" => Ok(None),
        f => crate::imports::preset::Preset::parse(f).map(Some),
    };
    let (format, delimiter, from) = match (chosen, delimiter, from) {
        (Ok(f), Ok(d), Ok(p)) => (f, d, p),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            let _ = std::fs::remove_file(&path);
            return Ok(private(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                &list_page(&state, staff, Some(e)).await?,
            )));
        }
    };
    let params = Params {
        path: path.clone(),
        name: name.clone(),
        format,
        delimiter,
        mapping: Vec::new(),
        consented_at: None,
        dry_run: false,
        size,
        modified: None,
        owned: true,
        from,
        agreement: None,
        set: Vec::new(),
        unmapped: None,
        timezone: None,
        split_name: false,
        phone_region: state.phone_region.map(|r| r.code.to_string()),
    };
    // A file that cannot be read at all is refused now, not after a mapping.
    let p = params.clone();
    if let Err(e) = web::block(move || crate::imports::preview(&p, 1))
        .await
        .map_err(|e| PageError::Unexpected(e.into()))?
    {
        let _ = std::fs::remove_file(&path);
        return Ok(private(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            &list_page(&state, staff, Some(format!("{name}: {e}"))).await?,
        )));
    }
    let (node, email, by) = (
        state.node.name.clone(),
        staff.user.email.clone(),
        Actor::from(&staff),
    );
    let id = state
        .db(move |c| Ok(actions::draft(c, &params, &node, &email, &by)?))
        .await?;
    tracing::info!(job = id, bytes = size, "import file uploaded");
    Ok(see_other(format!("/admin/imports/{id}")))
}

/// Streams one file field to `path`, within the size limit and without long silences.
async fn save(
    field: &mut actix_multipart::Field,
    path: &std::path::Path,
    t: &Lang,
) -> Result<u64, PageError> {
    let file = std::fs::File::create(path).map_err(|e| {
        PageError::Unexpected(anyhow::anyhow!("cannot write {}: {e}", path.display()))
    })?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    let mut size = 0u64;
    loop {
        let chunk = match tokio::time::timeout(IDLE, next(field)).await {
            Err(_) => return Err(PageError::TooSlow(IDLE)),
            Ok(None) => break,
            Ok(Some(Err(e))) => return Err(broke_off(t, e)),
            Ok(Some(Ok(chunk))) => chunk,
        };
        size += chunk.len() as u64;
        if size > MAX_UPLOAD {
            return Err(PageError::TooLarge(MAX_UPLOAD as usize));
        }
        // Into the page cache: a short write, fine on the executor.
        out.write_all(&chunk).map_err(|e| {
            PageError::Unexpected(anyhow::anyhow!("cannot write {}: {e}", path.display()))
        })?;
    }
    out.flush().map_err(|e| {
        PageError::Unexpected(anyhow::anyhow!("cannot write {}: {e}", path.display()))
    })?;
    Ok(size)
}

#[derive(Template)]
#[template(path = "admin/import.html")]
struct JobPage {
    staff: Staff,
    job: JobView,
    /// Draft: the columns with their chosen target and the choices, and the first rows.
    columns: Vec<Column>,
    preview: Vec<Vec<String>>,
    /// The kind of file a preset took it for ("Mailchimp subscribed members"), in the staff member's
    /// language.
    kind: Option<String>,
    consented_at: String,
    /// The zone of the file's times, as typed or stored.
    timezone: String,
    error: Option<String>,
    /// Done or failed: the first reported rows.
    rows: Vec<JobRow>,
}

impl JobPage {
    /// A refused row's outcome in words (the report's CSV keeps the stored word).
    fn outcome(&self, outcome: &str) -> String {
        match outcome {
            "rejected" | "stale" => self.staff.t(&format!("import-outcome-{outcome}")),
            other => other.to_string(),
        }
    }
}

struct Column {
    name: String,
    chosen: String,
    choices: Vec<(String, String)>,
}

/// The targets a column may be given, as (value, label).
fn choices(column: &str, catalog: &[Agreement], t: &Lang) -> Vec<(String, String)> {
    let mut c = vec![("-".to_string(), t.t("import-leave-out"))];
    for f in map::FIELDS {
        c.push((f.into(), f.into()));
    }
    for a in catalog.iter().filter(|a| a.active()) {
        c.push((
            a.key.clone(),
            t.with(
                "import-choice-consent",
                &[("title", &a.title), ("key", &a.key)],
            ),
        ));
    }
    c.push((
        format!("attributes.{column}"),
        t.with("import-choice-attribute", &[("column", column)]),
    ));
    if column == "agreements" || column == "attributes" {
        c.push((
            column.to_string(),
            t.with("import-choice-json", &[("column", column)]),
        ));
    }
    c
}

fn cell(v: &serde_json::Value) -> String {
    let s = match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    s.chars().take(60).collect()
}

async fn job_page(
    state: &AppState,
    staff: Staff,
    id: i64,
    mapping: Option<Vec<(String, String)>>,
    (consented_at, timezone): (String, Option<String>),
    error: Option<String>,
) -> Result<JobPage, PageError> {
    let (job, rows) = state
        .db(move |c| {
            let job = jobs::find(c, id)?;
            let rows = match &job {
                Some(j) if j.status != JobStatus::Draft => jobs::rows(c, id, 0, SHOWN_ROWS)?,
                _ => Vec::new(),
            };
            Ok((job, rows))
        })
        .await?;
    let job = job
        .filter(|j| j.kind == KIND)
        .ok_or_else(|| PageError::NotFound(staff.t("import-none-with-number")))?;
    let job = JobView::of(job);
    let timezone = timezone
        .or_else(|| job.params.as_ref().and_then(|p| p.timezone.clone()))
        .unwrap_or_default();
    let (mut columns, mut preview, mut kind) = (Vec::new(), Vec::new(), None);
    if job.status == JobStatus::Draft
        && let Some(params) = job.params.clone()
    {
        let catalog = state.catalog.get().await?;
        let all = catalog.to_vec();
        // The preset's mapping (a file exported from another tool), to start from.
        let (names, records, planned) = web::block(move || {
            let (names, records) = crate::imports::preview(&params, PREVIEW)?;
            let planned = match params.from {
                None => None,
                Some(_) => {
                    let (mapper, plan) = crate::imports::mapper(&params, &all)?;
                    Some((mapper.describe(&names, &all), plan.map(|p| p.id)))
                }
            };
            Ok::<_, String>((names, records, planned))
        })
        .await
        .map_err(|e| PageError::Unexpected(e.into()))?
        .map_err(PageError::BadRequest)?;
        let (preset, planned_kind) = planned.unwrap_or_default();
        kind = planned_kind.map(|id| staff.t(&format!("import-kind-{id}")));
        for name in &names {
            let chosen = mapping
                .as_ref()
                .and_then(|m| m.iter().find(|(s, _)| s == name).map(|(_, t)| t.clone()))
                .or_else(|| {
                    preset
                        .iter()
                        .find(|(s, _)| s == name)
                        .map(|(_, t)| t.clone())
                })
                .or_else(|| map::guess(name, &catalog).map(|t| t.name()))
                .unwrap_or_else(|| Target::Attribute(name.clone()).name());
            let mut choices = choices(name, &catalog, &staff.lang);
            if !choices.iter().any(|(v, _)| *v == chosen) {
                choices.push((chosen.clone(), chosen.clone()));
            }
            columns.push(Column {
                name: name.clone(),
                chosen,
                choices,
            });
        }
        preview = records
            .iter()
            .map(|r| {
                names
                    .iter()
                    .map(|n| {
                        r.iter()
                            .find(|(k, _)| k == n)
                            .map_or(String::new(), |(_, v)| cell(v))
                    })
                    .collect()
            })
            .collect();
    }
    Ok(JobPage {
        staff,
        job,
        columns,
        preview,
        kind,
        consented_at,
        timezone,
        error,
        rows,
    })
}

pub async fn show(
    id: web::Path<i64>,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let page = job_page(
        &state,
        staff,
        id.into_inner(),
        None,
        (String::new(), None),
        None,
    )
    .await?;
    Ok(private(html(StatusCode::OK, &page)))
}

/// The mapping page's form: `col_0`/`map_0`, `col_1`/`map_1`, … in the file's column order.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct MappingFields {
    consented_at: String,
    timezone: String,
    dry_run: Option<String>,
    #[serde(flatten)]
    columns: std::collections::HashMap<String, String>,
}

impl crate::routes::edge::Fields for MappingFields {}

impl MappingFields {
    /// Each column with the field it maps to (`-`: left out), in order.
    fn mapping(&self) -> Vec<(String, String)> {
        (0..)
            .map_while(|i| {
                let column = self.columns.get(&format!("col_{i}"))?;
                let to = self.columns.get(&format!("map_{i}"));
                Some((column.clone(), to.map_or("-", String::as_str).to_string()))
            })
            .collect()
    }
}

/// Starts a draft with the mapping chosen on its page (or a dry run of it).
pub async fn start(
    req: HttpRequest,
    id: web::Path<i64>,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let form: MappingFields = staff.fields(&req, body).await?;
    let id = id.into_inner();
    let job = state.db(move |c| Ok(jobs::find(c, id)?)).await?;
    let Some(job) = job.filter(|j| j.kind == KIND && j.status == JobStatus::Draft) else {
        return Err(PageError::NotFound(staff.t("import-none-waiting")));
    };
    let mut params: Params = serde_json::from_str(&job.params).map_err(|e| {
        PageError::Unexpected(anyhow::anyhow!("job {id} has unreadable parameters: {e}"))
    })?;
    let mapping = form.mapping();
    let consented_at = form.consented_at.trim().to_string();
    params.mapping = mapping.clone();
    params.dry_run = form.dry_run.is_some();
    let zone = form.timezone.trim();
    params.timezone = (!zone.is_empty() && zone != "UTC").then(|| zone.to_string());
    let problem = match consented_at.as_str() {
        _ if !zone.is_empty() && map::time_zone(zone).is_err() => Some(
            staff
                .lang
                .with("import-timezone-unknown", &[("zone", zone)]),
        ),
        "" => None,
        t => match map::time_value(t) {
            Ok(at) => {
                params.consented_at = Some(at);
                None
            }
            Err(e) => Some(staff.lang.with("import-consent-time", &[("error", &e)])),
        },
    };
    let catalog = state.catalog.get().await?;
    let p = params.clone();
    let problem = match problem {
        Some(p) => Some(p),
        None => web::block(move || crate::imports::check(&p, &catalog))
            .await
            .map_err(|e| PageError::Unexpected(e.into()))?
            .err(),
    };
    if let Some(e) = problem {
        let page = job_page(
            &state,
            staff,
            id,
            Some(mapping),
            (consented_at, Some(zone.to_string())),
            Some(e),
        )
        .await?;
        return Ok(private(html(StatusCode::UNPROCESSABLE_ENTITY, &page)));
    }
    let by = Actor::from(&staff);
    let started = state
        .db(move |c| Ok(actions::start(c, id, &params, &by)?))
        .await?;
    if !started {
        return Err(PageError::NotFound(staff.t("import-already-started")));
    }
    Ok(see_other(format!("/admin/imports/{id}")))
}

pub async fn cancel(
    req: HttpRequest,
    id: web::Path<i64>,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    staff.form(&req, body).await?;
    let id = id.into_inner();
    let by = Actor::from(&staff);
    let cancelled = state.db(move |c| Ok(actions::cancel(c, id, &by)?)).await?;
    if !cancelled {
        return Err(PageError::NotFound(staff.t("import-none-open")));
    }
    Ok(see_other(format!("/admin/imports/{id}")))
}

/// The job's report: every refused or stale row, as CSV.
pub async fn errors_csv(
    id: web::Path<i64>,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let cells = state.csv;
    let csv = state
        .db(move |c| {
            if jobs::find(c, id)?.filter(|j| j.kind == KIND).is_none() {
                return Ok(None);
            }
            let mut out = String::from("row,outcome,message\n");
            let mut after = 0;
            loop {
                let rows = jobs::rows(c, id, after, 5000)?;
                let Some(last) = rows.last() else { break };
                after = last.row_number;
                for r in &rows {
                    out.push_str(&format!(
                        "{},{},{}\n",
                        r.row_number,
                        r.outcome,
                        cells.field(&r.message)
                    ));
                }
            }
            Ok(Some(out))
        })
        .await?
        .ok_or_else(|| PageError::NotFound(staff.t("import-none-with-number")))?;
    Ok(private(
        HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                "Content-Disposition",
                format!("attachment; filename=\"import-{id}-errors.csv\""),
            ))
            .body(csv),
    ))
}

#[cfg(test)]
mod i18n_tests {
    use crate::db::models::jobs::JobStatus;
    use crate::i18n::Lang;

    #[test]
    fn the_data_pages_catalogues_parse_in_every_language() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/locales");
        for lang in Lang::all() {
            let path = dir.join(lang.code()).join("dashboard-data.ftl");
            let text = std::fs::read_to_string(&path).unwrap();
            if let Err((_, errors)) = fluent_templates::fluent_bundle::FluentResource::try_new(text)
            {
                panic!("{}: {errors:?}", path.display());
            }
        }
    }

    #[test]
    fn fragments_are_escaped_and_counts_grouped_as_each_language_writes_them() {
        let (en, pl, de) = (
            Lang::default(),
            Lang::find("pl").unwrap(),
            Lang::find("de").unwrap(),
        );
        assert_eq!(
            en.marked("sendfiles-host-key", &[("key", "code", "<b>k</b>")]),
            "host key <code>&lt;b&gt;k&lt;/b&gt;</code>"
        );
        assert_eq!(
            de.marked(
                "webhook-oldest-error",
                &[("time", "", "t"), ("error", "error", "x & y")]
            ),
            "Älteste wartende Nachricht: erstellt am t, letzter Fehler: <span class=\"error-text\">x &amp; y</span>."
        );
        assert_eq!(
            en.count("import-progress-counting", 12_345),
            "12,345 rows (counting…)"
        );
        assert_eq!(pl.count("import-progress-rows", 5), "5 wierszy");
        assert_eq!(
            pl.count("webhook-replayed", 1_234),
            "1\u{a0}234 zmiany zgód ponownie czekają w kolejce."
        );
        assert_eq!(de.count("sendfiles-failures", 1), "1 Fehlschlag");
        assert_eq!(en.word("imports-job", JobStatus::Done.as_str()), "done");
        assert_eq!(
            pl.word("imports-job", JobStatus::Cancelled.as_str()),
            "anulowano"
        );
    }
}
