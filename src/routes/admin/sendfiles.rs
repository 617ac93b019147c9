//! Send-files (admins): schedule the export CSV to an HTTP endpoint or SFTP server (the same rules as `assent sendfile
//! add`), run one now, see each run with its rows, bytes, duration and error, and forget a pinned SFTP
//! host key.

use super::{private, see_other};
use crate::db::models::agreements::{self, Agreement};
use crate::db::models::audiences::{self, Audience};
use crate::db::models::jobs::{self, Job};
use crate::db::models::sendfiles::{self, Sendfile};
use crate::domain::Actor;
use crate::routes::edge::AppState;
use crate::routes::edge::Staff;
use crate::routes::edge::error::{PageError, html};
use crate::sendfile::{self, Draft, Schedule};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

/// A run as the page lists it.
struct Run {
    job: Job,
    /// None: the send-file was deleted since.
    name: Option<String>,
    sent: Result<crate::sendfile::worker::Sent, String>,
}

/// The add form, as typed (each value trimmed and bounded by `tidy`).
#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct SendFileFields {
    name: String,
    target: String,
    method: String,
    agreement: String,
    status: String,
    audience: String,
    every: String,
    at: String,
    #[serde(deserialize_with = "crate::routes::edge::form::ticked")]
    changed_only: bool,
    key: String,
}

impl crate::routes::edge::Fields for SendFileFields {}

impl SendFileFields {
    fn tidy(mut self) -> SendFileFields {
        for f in [
            &mut self.name,
            &mut self.target,
            &mut self.method,
            &mut self.agreement,
            &mut self.status,
            &mut self.audience,
            &mut self.every,
            &mut self.at,
            &mut self.key,
        ] {
            *f = f.trim().chars().take(2000).collect();
        }
        self
    }
}

/// `?started=NAME`, `?name=NAME&done=WHAT` or `?forgot=NAME`: what the last form did.
#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct ListQuery {
    started: Option<String>,
    name: Option<String>,
    done: Option<String>,
    forgot: Option<String>,
}

impl crate::routes::edge::Fields for ListQuery {}

#[derive(Template)]
#[template(path = "admin/sendfiles.html")]
struct Page {
    staff: Staff,
    sendfiles: Vec<(Sendfile, String)>,
    runs: Vec<Run>,
    agreements: Vec<Agreement>,
    audiences: Vec<Audience>,
    fields: SendFileFields,
    error: Option<String>,
    notice: Option<String>,
}

impl Page {
    /// Which profiles a send-file sends, in words.
    fn profiles(&self, s: &Sendfile) -> String {
        let t = &self.staff.lang;
        let mut text = match (&s.audience, &s.agreement) {
            (Some(a), _) => t.with("sendfiles-audience", &[("name", a)]),
            (None, Some(a)) => {
                let status = match s.status.as_deref() {
                    Some("disabled") => t.t("sendfiles-disabled"),
                    Some(other) if other != "enabled" => other.to_string(),
                    _ => t.t("sendfiles-enabled"),
                };
                t.with(
                    "sendfiles-agreement-status",
                    &[("agreement", a), ("status", &status)],
                )
            }
            (None, None) => t.t("sendfiles-everyone"),
        };
        if s.changed_only {
            text.push_str(", ");
            text.push_str(&t.t("sendfiles-changed-only"));
        }
        text
    }
}

async fn page(state: &AppState, staff: Staff) -> Result<Page, PageError> {
    let (list, recent, agreements, audiences) = state
        .db(|c| {
            Ok((
                sendfiles::all(c)?,
                jobs::recent(c, sendfile::KIND, 20)?,
                agreements::all(c)?,
                audiences::all(c)?,
            ))
        })
        .await?;
    let names: std::collections::HashMap<i64, String> =
        list.iter().map(|s| (s.id, s.name.clone())).collect();
    let runs = recent
        .into_iter()
        .map(|job| {
            let id = serde_json::from_str::<sendfile::Params>(&job.params)
                .map(|p| p.sendfile_id)
                .unwrap_or_default();
            Run {
                name: names.get(&id).cloned(),
                sent: crate::sendfile::worker::outcome(&job),
                job,
            }
        })
        .collect();
    let sendfiles = list
        .into_iter()
        .map(|s| {
            let schedule = Schedule::from(&s).words(&staff.lang);
            (s, schedule)
        })
        .collect();
    Ok(Page {
        staff,
        sendfiles,
        runs,
        agreements,
        audiences,
        fields: SendFileFields {
            method: "POST".into(),
            every: "1d".into(),
            at: "02:00".into(),
            ..SendFileFields::default()
        },
        error: None,
        notice: None,
    })
}

pub async fn list(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let q: ListQuery = crate::routes::edge::Form::query(&req)?;
    let t = &staff.lang;
    let notice = q
        .started
        .map(|name| t.with("sendfiles-starting", &[("name", &name)]))
        .or_else(|| {
            let (name, act) = (q.name?, q.done?);
            let id = match act.as_str() {
                "paused" => "sendfiles-done-paused",
                "resumed" => "sendfiles-done-resumed",
                "deleted" => "sendfiles-done-deleted",
                _ => return None,
            };
            Some(t.with(id, &[("name", &name)]))
        })
        .or_else(|| {
            q.forgot
                .map(|name| t.with("sendfiles-forgot", &[("name", &name)]))
        });
    let mut p = page(&state, staff).await?;
    p.notice = notice;
    Ok(private(html(StatusCode::OK, &p)))
}

/// `POST /admin/sendfiles`: adds a send-file.
pub async fn create(
    req: HttpRequest,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let fields = staff.fields::<SendFileFields>(&req, body).await?.tidy();
    let opt = |s: &str| Some(s.to_string()).filter(|s| !s.is_empty());
    let draft = Draft {
        name: fields.name.clone(),
        target: fields.target.clone(),
        method: fields.method.clone(),
        agreement: opt(&fields.agreement),
        status: opt(&fields.agreement).and(opt(&fields.status)),
        audience: opt(&fields.audience),
        every: opt(&fields.every),
        at: opt(&fields.at),
        changed_only: fields.changed_only,
        key: opt(&fields.key),
    };
    let (allow, by) = (state.allow_private_targets, Actor::from(&staff));
    let added = state
        .db(move |c| sendfile::add(c, &draft, allow, &by))
        .await?;
    if let Err(e) = added {
        let mut p = page(&state, staff).await?;
        p.fields = fields;
        p.error = Some(e);
        return Ok(private(html(StatusCode::UNPROCESSABLE_ENTITY, &p)));
    }
    Ok(see_other("/admin/sendfiles"))
}

/// `POST /admin/sendfiles/{name}/run`: starts a run now (the server's runner picks it up at once).
pub async fn run_now(
    req: HttpRequest,
    name: web::Path<String>,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    staff.form(&req, body).await?;
    let name = name.into_inner();
    let (n, by) = (name.clone(), Actor::from(&staff));
    let started = state
        .db(move |c| Ok(sendfile::run_now(c, &n, &by)?))
        .await?;
    match started {
        None => Err(PageError::NotFound(staff.t("sendfiles-no-such"))),
        Some(Err(open)) => {
            let e = staff
                .lang
                .with("sendfiles-run-open", &[("run", &open.0.to_string())]);
            let mut p = page(&state, staff).await?;
            p.error = Some(e);
            Ok(private(html(StatusCode::CONFLICT, &p)))
        }
        Some(Ok(_)) => Ok(see_other(format!("/admin/sendfiles?started={name}"))),
    }
}

/// `POST /admin/sendfiles/{name}/forget-host-key`: after an SFTP server's key was replaced on purpose.
pub async fn forget_host_key(
    req: HttpRequest,
    name: web::Path<String>,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    staff.form(&req, body).await?;
    let name = name.into_inner();
    let (n, by) = (name.clone(), Actor::from(&staff));
    match state
        .db(move |c| Ok(sendfile::forget_host_key(c, &n, &by)?))
        .await?
    {
        // The one refusal: no send-file of that name.
        Err(_) => Err(PageError::NotFound(
            staff.lang.with("sendfiles-none-named", &[("name", &name)]),
        )),
        Ok(_) => Ok(see_other(format!("/admin/sendfiles?forgot={name}"))),
    }
}

/// `POST /admin/sendfiles/{name}/pause|resume|delete`.
pub async fn act(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    staff.form(&req, body).await?;
    let (name, act) = path.into_inner();
    let Some(act) = sendfile::Act::parse(&act) else {
        return Err(PageError::NotFound(staff.t("sendfiles-no-such-action")));
    };
    let (n, by) = (name.clone(), Actor::from(&staff));
    if !state
        .db(move |c| Ok(sendfile::act(c, &n, act, &by)?))
        .await?
    {
        return Err(PageError::NotFound(staff.t("sendfiles-no-such")));
    }
    let done = match act {
        sendfile::Act::Pause => "paused",
        sendfile::Act::Resume => "resumed",
        sendfile::Act::Delete => "deleted",
    };
    Ok(see_other(format!(
        "/admin/sendfiles?name={name}&done={done}"
    )))
}

#[cfg(test)]
mod i18n_tests {
    use crate::i18n::Lang;
    use crate::sendfile::Schedule;

    #[test]
    fn a_schedule_is_said_as_each_language_says_it() {
        let (pl, de) = (Lang::find("pl").unwrap(), Lang::find("de").unwrap());
        let words = |lang: &Lang, every_minutes, at_minute| {
            Schedule {
                every_minutes,
                at_minute,
            }
            .words(lang)
        };
        assert_eq!(words(&pl, 360, Some(75)), "co 6 godz. o 01:15 UTC");
        assert_eq!(words(&pl, 60, None), "co godzinę");
        assert_eq!(words(&de, 24 * 60, Some(150)), "täglich um 02:30 UTC");
        assert_eq!(words(&de, 15, None), "alle 15 Min.");
    }
}
