//! Outgoing webhooks (admins): add, edit, pause, resume, delete and rotate endpoints (the same rules as
//! `assent webhook`), and per endpoint its delivery log: recent deliveries with status, attempts, the
//! receiver's answer and latency, dead letters to redeliver, a test event, a replay of every consent
//! change since a time, and the last day's success rate.

use super::{private, see_other};
use crate::db::models::agreements::{self, Agreement};
use crate::db::models::integrations::{self, Integration};
use crate::db::models::outbox::{self, Lane, Listed, Shelf, Summary};
use crate::db::models::webhook_endpoints::{self, Endpoint};
use crate::domain::Actor;
use crate::routes::edge::Staff;
use crate::routes::edge::error::{PageError, html};
use crate::routes::edge::{AppState, Form};
use crate::webhooks::{self as hooks, Action, Draft};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

const PAGE: i64 = 50;

fn no_webhook(staff: &Staff) -> PageError {
    PageError::NotFound(staff.t("webhook-none-with-id"))
}

/// What the add or edit form holds (`event` and `agreement` repeated).
#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct WebhookFields {
    url: String,
    #[serde(rename = "event")]
    events: Vec<String>,
    #[serde(rename = "agreement")]
    agreements: Vec<String>,
    exclude_sources: String,
    integration: String,
}

impl crate::routes::edge::Fields for WebhookFields {
    const LISTS: &'static [&'static str] = &["event", "agreement"];
}

/// `?status=queued|sent|dead&before=ID`, and after a form `done=WHAT` (with `n=COUNT`).
#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct ShowQuery {
    status: Option<String>,
    #[serde(flatten)]
    before: super::Before,
    done: String,
    n: Option<String>,
}

impl crate::routes::edge::Fields for ShowQuery {}

/// The replay form's `since` and the redeliver form's `row` (none: every dead letter).
#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct ReplayFields {
    since: String,
    row: Option<String>,
}

impl crate::routes::edge::Fields for ReplayFields {}

impl WebhookFields {
    fn of(e: &Endpoint, linked: Option<&str>) -> WebhookFields {
        let split = |s: &str| {
            s.split(',')
                .filter(|x| !x.is_empty())
                .map(String::from)
                .collect()
        };
        WebhookFields {
            url: e.url.clone(),
            events: split(&e.events),
            agreements: split(&e.agreements),
            exclude_sources: e.exclude_sources.replace(',', ", "),
            integration: linked.unwrap_or_default().to_string(),
        }
    }

    /// As typed, bounded.
    fn tidy(mut self) -> WebhookFields {
        self.url = self.url.trim().chars().take(2000).collect();
        self.exclude_sources = self.exclude_sources.chars().take(2000).collect();
        self
    }

    fn draft(&self) -> Draft {
        Draft {
            url: self.url.clone(),
            events: self.events.clone(),
            agreements: self.agreements.clone(),
            exclude_sources: vec![self.exclude_sources.clone()],
            integration: Some(self.integration.clone()),
        }
    }

    fn has_event(&self, e: &&str) -> bool {
        self.events.iter().any(|x| x == e)
    }

    fn has_agreement(&self, key: &str) -> bool {
        self.agreements.iter().any(|x| x == key)
    }
}

/// The choices the form offers.
struct Choices {
    agreements: Vec<Agreement>,
    integrations: Vec<Integration>,
}

fn choices(c: &mut crate::db::DbConn) -> diesel::QueryResult<Choices> {
    Ok(Choices {
        agreements: agreements::all(c)?,
        integrations: integrations::all(c)?,
    })
}

struct Row {
    endpoint: Endpoint,
    summary: Summary,
}

#[derive(Template)]
#[template(path = "admin/webhooks.html")]
struct ListPage {
    staff: Staff,
    rows: Vec<Row>,
    choices: Choices,
    fields: WebhookFields,
    events: &'static [&'static str],
    error: Option<String>,
    /// The endpoint just added and its secret: shown this once.
    created: Option<(i64, String)>,
}

impl ListPage {
    fn href(&self, id: &i64) -> String {
        format!("/admin/webhooks/{id}")
    }
}

async fn list_page(state: &AppState, staff: Staff) -> Result<ListPage, PageError> {
    let now = crate::db::now();
    let (rows, choices) = state
        .db(move |c| {
            let mut rows = Vec::new();
            for endpoint in webhook_endpoints::all(c)? {
                let summary = outbox::summary(c, Lane::Webhook(endpoint.id), now)?;
                rows.push(Row { endpoint, summary });
            }
            Ok((rows, choices(c)?))
        })
        .await?;
    Ok(ListPage {
        staff,
        rows,
        choices,
        fields: WebhookFields {
            events: hooks::PROFILE_EVENTS
                .iter()
                .map(|e| e.to_string())
                .collect(),
            ..WebhookFields::default()
        },
        events: &hooks::EVENTS,
        error: None,
        created: None,
    })
}

pub async fn list(staff: Staff, state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    Ok(private(html(
        StatusCode::OK,
        &list_page(&state, staff).await?,
    )))
}

/// Checks a submitted form: the settings, or the page to show again with the reason.
async fn checked(
    state: &AppState,
    fields: &WebhookFields,
) -> Result<Result<webhook_endpoints::Settings, String>, PageError> {
    let draft = fields.draft();
    let allow = state.allow_private_targets;
    Ok(state.db(move |c| hooks::check(c, &draft, allow)).await?)
}

/// `POST /admin/webhooks`: adds an endpoint and shows its secret once.
pub async fn create(
    req: HttpRequest,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let fields = staff.fields::<WebhookFields>(&req, body).await?.tidy();
    let settings = match checked(&state, &fields).await? {
        Ok(s) => s,
        Err(e) => {
            let mut p = list_page(&state, staff).await?;
            p.fields = fields;
            p.error = Some(e);
            return Ok(private(html(StatusCode::UNPROCESSABLE_ENTITY, &p)));
        }
    };
    let by = Actor::from(&staff);
    let (id, secret) = state
        .db({
            let sealer = state.sealer.clone();
            move |c| Ok(hooks::add(c, &settings, &by, &sealer, None)?)
        })
        .await?;
    tracing::info!(webhook = id, "webhook endpoint added in the dashboard");
    let mut p = list_page(&state, staff).await?;
    // Shown in this answer only (never cached, no redirect).
    p.created = Some((id, secret));
    Ok(private(html(StatusCode::OK, &p)))
}

#[derive(Template)]
#[template(path = "admin/webhook.html")]
struct ShowPage {
    staff: Staff,
    endpoint: Endpoint,
    summary: Summary,
    shelf: Shelf,
    rows: Vec<Listed>,
    next: Option<String>,
    choices: Choices,
    fields: WebhookFields,
    events: &'static [&'static str],
    notice: Option<String>,
    error: Option<String>,
    /// A secret made by rotation just now: shown this once.
    rotated: Option<String>,
    now: chrono::NaiveDateTime,
}

impl ShowPage {
    fn shelves(&self) -> [(Shelf, String, i64); 3] {
        let t = |id| self.staff.t(id);
        [
            (
                Shelf::Queued,
                t("webhook-shelf-queued"),
                self.summary.queued,
            ),
            (Shelf::Dead, t("webhook-shelf-dead"), self.summary.dead),
            (Shelf::Sent, t("webhook-shelf-sent"), -1),
        ]
    }

    /// Whether it sends, in words (why it stopped is the receiver's answer, as recorded).
    fn status(&self) -> String {
        let lang = &self.staff.lang;
        match (&self.endpoint.paused_at, &self.endpoint.disabled_reason) {
            (Some(_), Some(why)) => lang.with("webhook-state-stopped", &[("reason", why)]),
            (Some(t), None) => lang.with("webhook-state-paused", &[("time", &lang.datetime(t))]),
            _ => lang.t("webhook-state-active"),
        }
    }
}

async fn show_page(
    state: &AppState,
    staff: Staff,
    id: i64,
    shelf: Shelf,
    before: Option<i64>,
) -> Result<ShowPage, PageError> {
    let now = crate::db::now();
    let found = state
        .db(move |c| {
            let Some(endpoint) = webhook_endpoints::find(c, id)? else {
                return Ok(None);
            };
            let lane = Lane::Webhook(id);
            let linked = match endpoint.integration_id {
                Some(i) => integrations::all(c)?
                    .into_iter()
                    .find(|x| x.id == i)
                    .map(|x| x.name),
                None => None,
            };
            Ok(Some((
                outbox::summary(c, lane, now)?,
                outbox::list(c, lane, shelf, before, PAGE + 1)?,
                choices(c)?,
                WebhookFields::of(&endpoint, linked.as_deref()),
                endpoint,
            )))
        })
        .await?;
    let Some((summary, mut rows, choices, fields, endpoint)) = found else {
        return Err(no_webhook(&staff));
    };
    let base = format!("/admin/webhooks/{id}?status={}&", shelf.as_str());
    let next = super::next_page(&mut rows, PAGE, |r| r.id, &base);
    Ok(ShowPage {
        staff,
        endpoint,
        summary,
        shelf,
        rows,
        next,
        choices,
        fields,
        events: &hooks::EVENTS,
        notice: None,
        error: None,
        rotated: None,
        now,
    })
}

pub async fn show(
    req: HttpRequest,
    id: web::Path<i64>,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let q: ShowQuery = Form::query(&req)?;
    let shelf = match q.status.as_deref() {
        None => Shelf::Sent,
        Some(raw) => Shelf::parse(raw).ok_or_else(|| {
            PageError::BadRequest(
                staff
                    .lang
                    .with("webhook-no-such-shelf", &[("value", &format!("{raw:?}"))]),
            )
        })?,
    };
    let before = q.before.id();
    let mut p = show_page(&state, staff, id.into_inner(), shelf, before).await?;
    let n = q.n.as_deref().and_then(|n| n.parse::<i64>().ok());
    let t = |id| Some(p.staff.t(id));
    p.notice = match q.done.as_str() {
        "saved" => t("webhook-saved"),
        "paused" => t("webhook-paused-notice"),
        "resumed" => t("webhook-resumed-notice"),
        "test" => t("webhook-test-queued"),
        "replayed" => n.map(|n| p.staff.lang.count("webhook-replayed", n)),
        "redelivered" => n.map(|n| p.staff.lang.count("webhook-redelivered", n)),
        _ => None,
    };
    Ok(private(html(StatusCode::OK, &p)))
}

/// `POST /admin/webhooks/{id}`: saves edited settings.
pub async fn update(
    req: HttpRequest,
    id: web::Path<i64>,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let fields = staff.fields::<WebhookFields>(&req, body).await?.tidy();
    let settings = match checked(&state, &fields).await? {
        Ok(s) => s,
        Err(e) => {
            let mut p = show_page(&state, staff, id, Shelf::Sent, None).await?;
            p.fields = fields;
            p.error = Some(e);
            return Ok(private(html(StatusCode::UNPROCESSABLE_ENTITY, &p)));
        }
    };
    let by = Actor::from(&staff);
    let done = state
        .db(move |c| Ok(hooks::edit(c, id, &settings, &by)?))
        .await?;
    if !done {
        return Err(no_webhook(&staff));
    }
    Ok(see_other(format!("/admin/webhooks/{id}?done=saved")))
}

/// `POST /admin/webhooks/{id}/{pause|resume|delete}`.
pub async fn act(
    req: HttpRequest,
    path: web::Path<(i64, String)>,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let (id, verb) = path.into_inner();
    let action = match verb.as_str() {
        "pause" => Action::Pause,
        "resume" => Action::Resume,
        "delete" => Action::Delete,
        _ => return Err(PageError::NotFound(staff.t("webhook-no-such-action"))),
    };
    staff.form(&req, body).await?;
    let by = Actor::from(&staff);
    let done = state
        .db(move |c| Ok(hooks::act(c, id, action, &by)?))
        .await?;
    if !done {
        return Err(no_webhook(&staff));
    }
    Ok(see_other(match action {
        Action::Pause => format!("/admin/webhooks/{id}?done=paused"),
        Action::Resume => format!("/admin/webhooks/{id}?done=resumed"),
        Action::Delete => "/admin/webhooks".to_string(),
    }))
}

/// `POST /admin/webhooks/{id}/rotate`: a new secret, shown once; the old one signs alongside for a day.
pub async fn rotate(
    req: HttpRequest,
    id: web::Path<i64>,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    staff.form(&req, body).await?;
    let by = Actor::from(&staff);
    let sealer = state.sealer.clone();
    let Some(secret) = state
        .db(move |c| Ok(hooks::rotate(c, id, &by, &sealer)?))
        .await?
    else {
        return Err(no_webhook(&staff));
    };
    let mut p = show_page(&state, staff, id, Shelf::Sent, None).await?;
    p.rotated = Some(secret);
    Ok(private(html(StatusCode::OK, &p)))
}

/// `POST /admin/webhooks/{id}/test`: queues a `webhook.test` event.
pub async fn test(
    req: HttpRequest,
    id: web::Path<i64>,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    staff.form(&req, body).await?;
    let found = state
        .db(move |c| {
            if webhook_endpoints::find(c, id)?.is_none() {
                return Ok(false);
            }
            hooks::send_test(c, id)?;
            Ok(true)
        })
        .await?;
    if !found {
        return Err(no_webhook(&staff));
    }
    Ok(see_other(format!(
        "/admin/webhooks/{id}?status=queued&done=test"
    )))
}

/// A time from the replay form: `datetime-local` (taken as UTC) or RFC 3339.
fn since(raw: &str) -> Option<chrono::NaiveDateTime> {
    let raw = raw.trim();
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(raw, f).ok())
        .or_else(|| crate::imports::map::time_value(raw).ok())
}

/// `POST /admin/webhooks/{id}/replay`: queues again every consent change recorded since a time.
pub async fn replay(
    req: HttpRequest,
    id: web::Path<i64>,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let form: ReplayFields = staff.fields(&req, body).await?;
    let Some(from) = since(&form.since) else {
        let mut p = show_page(&state, staff, id, Shelf::Sent, None).await?;
        p.error = Some(p.staff.t("webhook-replay-time"));
        return Ok(private(html(StatusCode::UNPROCESSABLE_ENTITY, &p)));
    };
    let by = Actor::from(&staff);
    let n = state
        .db(move |c| Ok(hooks::replay(c, id, from, &by)?))
        .await?;
    Ok(see_other(format!(
        "/admin/webhooks/{id}?status=queued&done=replayed&n={n}"
    )))
}

/// `POST /admin/webhooks/{id}/redeliver` (every dead letter, or the one named by `row`).
pub async fn redeliver(
    req: HttpRequest,
    id: web::Path<i64>,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let form: ReplayFields = staff.fields(&req, body).await?;
    let row = form.row.and_then(|r| r.parse::<i64>().ok());
    let by = Actor::from(&staff);
    let n = state
        .db(move |c| Ok(hooks::redeliver(c, id, row, &by)?))
        .await?;
    Ok(see_other(format!(
        "/admin/webhooks/{id}?status=queued&done=redelivered&n={n}"
    )))
}
