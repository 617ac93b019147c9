//! Profiles: search, and one profile with its current values, pending requests and full ledger.

use super::private;
use crate::consent::Meta;
use crate::consent::erase::{self, Erased};
use crate::consent::ledger::{self, Verdict};
use crate::consent::read::{self, AgreementState};
use crate::consent::staff::{Changed, Seen, change_as_shown};
use crate::db::models::consent_events::{self, ConsentEvent};
use crate::db::models::profiles::{self, Profile};
use crate::domain::{Actor, AgreementId, ConsentValue, ProfileId, single_line};
use crate::routes::edge::Staff;
use crate::routes::edge::error::{PageError, html};
use crate::routes::edge::{AppState, Fields, Form};
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

/// `?q=TEXT&before=ID`: a search and where its page ends.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct SearchQuery {
    q: String,
    #[serde(flatten)]
    before: super::Before,
}

impl Fields for SearchQuery {}

/// The consents form: every active agreement as it was shown (`was=KEY:VALUE`), those ticked now
/// (`agreement=KEY`), and why.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ConsentFields {
    agreement: Vec<String>,
    was: Vec<String>,
    reason: String,
}

impl Fields for ConsentFields {
    const LISTS: &'static [&'static str] = &["agreement", "was"];
}

/// The erasure form: why, and the box that confirms it (`confirm=yes`).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct EraseFields {
    reason: String,
    confirm: String,
}

impl Fields for EraseFields {}

pub async fn list(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let query: SearchQuery = Form::query(&req)?;
    let q: String = query.q.trim().chars().take(254).collect();
    let before = query.before.id();
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

const MAX_REASON: usize = 500;

#[derive(Template)]
#[template(path = "admin/profile.html")]
struct ProfilePage {
    staff: Staff,
    profile: Profile,
    standing: Vec<AgreementState>,
    events: Vec<Row>,
    /// `None` when the chain verifies; else what is wrong.
    broken: Option<String>,
    /// What the last action did, for the status line.
    notice: Option<String>,
    /// Why nothing was saved (a conflict), for the alert line.
    alert: Option<String>,
    reason: String,
    reason_error: Option<String>,
    /// The erase form: its reason as typed, and what is wrong with each field.
    erase_reason: String,
    erase_reason_error: Option<String>,
    erase_confirm_error: Option<String>,
}

impl ProfilePage {
    fn value(s: &AgreementState) -> &'static str {
        if s.enabled { "enabled" } else { "disabled" }
    }
}

/// The profile page as it stands now, or the 404 page.
async fn load(state: &AppState, staff: Staff, id: i64) -> Result<ProfilePage, PageError> {
    let all = state.catalog.get().await?;
    let found = state
        .db(move |c| {
            let Some(profile) = profiles::find_any(c, id)? else {
                return Ok(None);
            };
            let standing = read::standing(c, &all, id, crate::db::now())?;
            // Each version's wording read once, however many events refer to it.
            let mut texts = std::collections::HashMap::new();
            let mut events = Vec::new();
            for event in consent_events::for_profile(c, id)? {
                let ev = &event.event;
                let version = (ev.agreement_id, ev.version, ev.language.clone());
                let text = match (texts.get(&version), all.iter().find(|a| a.id == version.0)) {
                    (Some(t), _) => String::clone(t),
                    (None, Some(a)) => a.wording(c, version.1, version.2.as_deref())?,
                    (None, None) => String::new(),
                };
                texts.insert(version, text.clone());
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
    Ok(ProfilePage {
        staff,
        profile,
        standing,
        events,
        broken,
        notice: None,
        alert: None,
        reason: String::new(),
        reason_error: None,
        erase_reason: "Right to erasure requested by the person".into(),
        erase_reason_error: None,
        erase_confirm_error: None,
    })
}

pub async fn show(
    req: HttpRequest,
    id: web::Path<i64>,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let mut page = load(&state, staff, id.into_inner()).await?;
    page.notice = match Form::query::<super::Done>(&req)?.done.as_str() {
        "saved" => Some("Saved: the changes are in the ledger below.".into()),
        "unchanged" => Some("Nothing to save: no value was changed.".into()),
        "erased" => Some(
            "Erased: the personal data is gone; the ledger keeps only digests, and the chain still verifies."
                .into(),
        ),
        _ => None,
    };
    Ok(private(html(StatusCode::OK, &page)))
}

fn back_to(id: i64, done: &str) -> HttpResponse {
    super::see_other(format!("/admin/profiles/{id}?done={done}"))
}

/// The reason a form gives for a change, checked whole.
fn reason_of(typed: &str) -> Result<String, String> {
    match single_line("The reason", typed, MAX_REASON) {
        Ok(Some(r)) => Ok(r),
        Ok(None) => Err(
            "Say why you are making this change (e.g. \u{201c}asked us by phone on 3 May\u{201d}): it is kept in the ledger."
                .into(),
        ),
        Err(e) => Err(e),
    }
}

/// The reason as typed, to show again on a refused form (bounded).
fn typed_reason(typed: &str) -> String {
    typed.chars().take(MAX_REASON + 50).collect()
}

/// A staff member sets agreements on or off. The form lists every active agreement with the value it
/// showed (`was=KEY:VALUE`); only those the staff member changed are applied, and only if the value is
/// still the one they saw, so a person's withdrawal made meanwhile is never overwritten unseen.
pub async fn change(
    req: HttpRequest,
    id: web::Path<i64>,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let form: ConsentFields = staff.fields(&req, body).await?;
    let id = id.into_inner();
    let all = state.catalog.get().await?;
    let mut wanted: Vec<Seen> = Vec::new();
    for was in &form.was {
        let (key, value) = was.split_once(':').unwrap_or((was, ""));
        let (Some(a), Ok(was)) = (
            all.iter().find(|a| a.key == key && a.active()),
            ConsentValue::parse(value),
        ) else {
            return Err(PageError::BadRequest(format!(
                "The form names an agreement or value that does not exist ({was}). Reload the profile and try again."
            )));
        };
        let now = if form.agreement.iter().any(|k| k == key) {
            ConsentValue::Enabled
        } else {
            ConsentValue::Disabled
        };
        if now != was {
            wanted.push(Seen {
                agreement_id: AgreementId(a.id),
                title: a.title.clone(),
                was,
                now,
            });
        }
    }
    if wanted.is_empty() {
        return Ok(back_to(id, "unchanged"));
    }
    let reason = match reason_of(&form.reason) {
        Ok(r) => r,
        Err(e) => {
            let mut page = load(&state, staff, id).await?;
            page.reason = typed_reason(&form.reason);
            page.reason_error = Some(e);
            return Ok(private(html(StatusCode::UNPROCESSABLE_ENTITY, &page)));
        }
    };
    let meta = Meta::staff(
        staff.user.email.clone(),
        crate::routes::edge::client_meta(&req),
        &reason,
    );
    let by = Actor::from(&staff);
    let outcome = state
        .db(move |c| Ok(change_as_shown(c, ProfileId(id), &wanted, &meta, &by)?))
        .await?;
    match outcome {
        Changed::Saved => {
            tracing::info!(profile = id, staff = %staff.user.email, "consents changed by staff");
            Ok(back_to(id, "saved"))
        }
        Changed::Gone => Err(PageError::NotFound(
            "There is no profile with this id (or it was erased).".into(),
        )),
        Changed::Conflict(moved) => {
            let mut page = load(&state, staff, id).await?;
            page.alert = Some(format!(
                "Nothing was saved: {} changed while you had this page open (the person or another staff member acted). The values below are current; review them and submit again.",
                moved.join(", ")
            ));
            page.reason = reason;
            Ok(private(html(StatusCode::CONFLICT, &page)))
        }
    }
}

/// Right to erasure (admins): the same as `assent profile erase`.
pub async fn erase(
    req: HttpRequest,
    id: web::Path<i64>,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let form: EraseFields = staff.fields(&req, body).await?;
    let id = id.into_inner();
    let confirmed = form.confirm == "yes";
    let reason = match (reason_of(&form.reason), confirmed) {
        (Ok(reason), true) => reason,
        (reason, _) => {
            let mut page = load(&state, staff, id).await?;
            page.erase_reason = typed_reason(&form.reason);
            page.erase_reason_error = reason.err();
            if !confirmed {
                page.erase_confirm_error =
                    Some("Tick the box to confirm: erasure cannot be undone.".into());
            }
            return Ok(private(html(StatusCode::UNPROCESSABLE_ENTITY, &page)));
        }
    };
    let meta = Meta::staff(
        staff.user.email.clone(),
        crate::routes::edge::client_meta(&req),
        &reason,
    );
    let by = Actor::from(&staff);
    let outcome = state
        .db(move |c| Ok(erase::erase_audited(c, id, &meta, &by)?))
        .await?;
    match outcome {
        Erased::Now { withdrawn } => {
            tracing::info!(profile = id, withdrawn, staff = %staff.user.email, "profile erased");
            Ok(back_to(id, "erased"))
        }
        Erased::Already => Ok(back_to(id, "erased")),
        Erased::NoProfile => Err(PageError::NotFound(
            "There is no profile with this id.".into(),
        )),
    }
}
