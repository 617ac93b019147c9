//! Email delivery (admins): the outbox's queued, sent and dead-lettered emails with their last error,
//! a new round of attempts for dead letters, and the SMTP server's status with a live connection check.

use super::{private, see_other};
use crate::db::models::outbox::{self, Lane, Listed, Shelf, Summary};
use crate::domain::Actor;
use crate::mail::Mailer;
use crate::routes::edge::Staff;
use crate::routes::edge::error::{PageError, html};
use crate::routes::edge::{AppState, Form};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

const PAGE: i64 = 50;

#[derive(Template)]
#[template(path = "admin/email.html")]
struct EmailPage {
    staff: Staff,
    /// Where emails go: (`true` for an SMTP server, `false` for files in a folder; that server or folder).
    transport: (bool, String),
    summary: Summary,
    shelf: Shelf,
    rows: Vec<Listed>,
    next: Option<String>,
    notice: Option<String>,
    /// The outcome of "Check the connection": `Ok` or the error.
    checked: Option<Result<(), String>>,
    now: chrono::NaiveDateTime,
}

impl EmailPage {
    /// The lists of emails: (shelf, label id, how many or -1 for not counted).
    fn shelves(&self) -> [(Shelf, &'static str, i64); 3] {
        [
            (Shelf::Queued, "email-queued", self.summary.queued),
            (Shelf::Dead, "email-dead", self.summary.dead),
            (Shelf::Sent, "email-sent", -1),
        ]
    }

    /// A sentence about the transport: `{id}-smtp` with `$target` or `{id}-files` with `$dir`.
    fn transport_sentence(&self, id: &str) -> String {
        let (smtp, place) = &self.transport;
        let (kind, name) = if *smtp {
            ("smtp", "target")
        } else {
            ("files", "dir")
        };
        self.staff
            .lang
            .with(&format!("{id}-{kind}"), &[(name, place.as_str())])
    }

    /// When the last email was sent, in a sentence.
    fn last_sent(&self) -> String {
        let lang = &self.staff.lang;
        let when = self
            .summary
            .last_sent_at
            .map_or_else(|| lang.t("email-none-yet"), |t| lang.datetime(t));
        lang.with("email-last-sent", &[("when", &when)])
    }
}

/// Where emails go: the SMTP server (`true`) or the folder files are written to.
fn transport(mailer: &Mailer) -> (bool, String) {
    match mailer {
        Mailer::Smtp(_, target) => (true, target.clone()),
        Mailer::Files(_, dir) => (false, dir.display().to_string()),
    }
}

async fn email_page(
    state: &AppState,
    staff: Staff,
    shelf: Shelf,
    before: Option<i64>,
) -> Result<EmailPage, PageError> {
    let now = crate::db::now();
    let (summary, mut rows) = state
        .db(move |c| {
            Ok((
                outbox::summary(c, Lane::Email, now)?,
                outbox::list(c, Lane::Email, shelf, before, PAGE + 1)?,
            ))
        })
        .await?;
    let base = format!("/admin/email?status={}&", shelf.as_str());
    let next = super::next_page(&mut rows, PAGE, |r| r.id, &base);
    Ok(EmailPage {
        staff,
        transport: transport(&state.mailer),
        summary,
        shelf,
        rows,
        next,
        notice: None,
        checked: None,
        now,
    })
}

/// `?status=queued|sent|dead&before=ID`, and `retried=N` after a retry.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct EmailQuery {
    status: Option<String>,
    #[serde(flatten)]
    before: super::Before,
    retried: Option<String>,
}

impl crate::routes::edge::Fields for EmailQuery {}

pub async fn page(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let q: EmailQuery = Form::query(&req)?;
    let shelf = match q.status.as_deref() {
        None => Shelf::Queued,
        Some(raw) => Shelf::parse(raw).ok_or_else(|| {
            let value = format!("{raw:?}");
            PageError::BadRequest(staff.lang.with("email-no-such-shelf", &[("value", &value)]))
        })?,
    };
    let before = q.before.id();
    let mut p = email_page(&state, staff, shelf, before).await?;
    p.notice = q
        .retried
        .and_then(|n| n.parse::<u64>().ok())
        .map(|n| p.staff.lang.count("email-retried", n));
    Ok(private(html(StatusCode::OK, &p)))
}

/// `POST /admin/email/retry`: every dead letter.
pub async fn retry_all(
    req: HttpRequest,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    retry(req, None, body, staff, state).await
}

/// `POST /admin/email/{id}/retry`: one dead letter (a malformed id is the dashboard's 404).
pub async fn retry_one(
    req: HttpRequest,
    id: web::Path<i64>,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    retry(req, Some(id.into_inner()), body, staff, state).await
}

async fn retry(
    req: HttpRequest,
    id: Option<i64>,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    staff.form(&req, body).await?;
    let by = Actor::from(&staff);
    let n = state
        .db(move |c| Ok(crate::mail::dead::retry(c, id, &by)?))
        .await?;
    if n == 0 && id.is_some() {
        return Err(PageError::NotFound(staff.t("email-no-dead-letter")));
    }
    if n > 0 {
        tracing::info!(emails = n, "dead letters queued again from the dashboard");
    }
    Ok(see_other(format!("/admin/email?status=queued&retried={n}")))
}

/// `POST /admin/email/check`: connects to the SMTP server now and shows the outcome.
pub async fn check(
    req: HttpRequest,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    staff.form(&req, body).await?;
    let checked = state.mailer.check().await;
    if let Err(e) = &checked {
        tracing::warn!(error = %e, "SMTP connection check from the dashboard failed");
    }
    let mut p = email_page(&state, staff, Shelf::Queued, None).await?;
    p.checked = Some(checked);
    Ok(private(html(StatusCode::OK, &p)))
}
