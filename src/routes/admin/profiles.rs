//! Profiles: search, and one profile with its current values, pending requests and full ledger.

use super::private;
use crate::auth::Staff;
use crate::consent::ledger::{self, Verdict};
use crate::consent::read::{self, AgreementState};
use crate::db::models::consent_events::{self, ConsentEvent};
use crate::db::models::profiles::{self, Profile};
use crate::error::{PageError, html};
use crate::routes::{AppState, Form};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

const PAGE: i64 = 50;

#[derive(Template)]
#[template(path = "admin/profiles.html")]
struct ListPage {
    staff: Staff,
    q: String,
    profiles: Vec<Profile>,
    /// The link to the next page, when there is one.
    next: Option<String>,
}

pub async fn list(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let query = Form::parse(req.query_string().as_bytes());
    let q: String = query
        .get("q")
        .unwrap_or("")
        .trim()
        .chars()
        .take(254)
        .collect();
    let before = query.get("before").and_then(|b| b.parse::<i64>().ok());
    let search = (!q.is_empty()).then(|| q.clone());
    let mut found = state
        .db(move |c| Ok(profiles::search(c, search.as_deref(), before, PAGE + 1)?))
        .await?;
    let q_url: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
    let next = super::next_page(
        &mut found,
        PAGE,
        |p| p.id,
        &format!("/admin/profiles?q={q_url}&"),
    );
    Ok(private(html(
        StatusCode::OK,
        &ListPage {
            staff,
            q,
            profiles: found,
            next,
        },
    )))
}

/// One ledger event as the profile page shows it, with the exact wording that was shown.
pub struct Row {
    pub event: ConsentEvent,
    pub text: String,
}

#[derive(Template)]
#[template(path = "admin/profile.html")]
struct ProfilePage {
    staff: Staff,
    profile: Profile,
    standing: Vec<AgreementState>,
    events: Vec<Row>,
    /// `None` when the chain verifies; else what is wrong.
    broken: Option<String>,
}

pub async fn show(
    id: web::Path<i64>,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let all = state.catalog.get().await?;
    let found = state
        .db(move |c| {
            let Some(profile) = profiles::find(c, id)? else {
                return Ok(None);
            };
            let standing = read::standing(c, &all, id, crate::db::now())?;
            let mut events = Vec::new();
            for event in consent_events::for_profile(c, id)? {
                let text = match all.iter().find(|a| a.id == event.event.agreement_id) {
                    Some(a) => a.wording(c, event.event.version)?.0,
                    None => String::new(),
                };
                events.push(Row { event, text });
            }
            let broken = match ledger::verify_profile(c, id)? {
                Verdict::Intact { .. } => None,
                Verdict::Broken {
                    event_id, reason, ..
                } => Some(format!("event {event_id}: {reason}")),
            };
            Ok(Some((profile, standing, events, broken)))
        })
        .await?;
    let Some((profile, standing, events, broken)) = found else {
        return Err(PageError::NotFound(
            "There is no profile with this id.".into(),
        ));
    };
    Ok(private(html(
        StatusCode::OK,
        &ProfilePage {
            staff,
            profile,
            standing,
            events,
            broken,
        },
    )))
}
