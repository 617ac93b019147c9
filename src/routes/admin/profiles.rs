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
use crate::i18n::Lang;
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
    // A whole phone number, as written anywhere, is found as it is stored.
    let phone = crate::domain::phone::normalise(&q, state.phone_region).ok();
    let mut found = state
        .db(move |c| {
            Ok(profiles::search(
                c,
                search.as_deref(),
                phone.as_deref(),
                before,
                PAGE + 1,
            )?)
        })
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
    /// `None` when the chain verifies; else the first event that does not, and what is wrong with it.
    broken: Option<(i64, String)>,
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
    /// The standard fields given (city, tags, …), each labelled in the staff member's language.
    fn details(&self) -> Vec<(String, String)> {
        let d = crate::domain::details::Details::stored(self.profile.details.as_deref());
        crate::domain::details::FIELDS
            .iter()
            .map(|f| (*f, d.cell(f)))
            .filter(|(_, v)| !v.is_empty())
            .map(|(f, v)| (self.staff.lang.with("profile-detail", &[("field", f)]), v))
            .collect()
    }

    fn value(s: &AgreementState) -> &'static str {
        if s.enabled { "enabled" } else { "disabled" }
    }

    /// A consent value of the ledger (`enabled`, `disabled`) in the staff member's words.
    fn value_name(&self, value: &str) -> String {
        self.staff.lang.with("profile-value", &[("value", value)])
    }

    /// When a ledger event happened, to the second (UTC), as the language writes it.
    fn when(&self, t: &chrono::NaiveDateTime) -> String {
        t.format(&self.staff.t("profile-when-format")).to_string()
    }

    /// "imported from Mailchimp": the tool an event came from, by its own name.
    fn imported_from(&self, origin: &str) -> String {
        let tool = crate::imports::preset::Preset::parse(origin).map_or(origin, |p| p.title());
        self.staff.lang.with("profile-origin", &[("tool", tool)])
    }

    /// The reason field's hint, naming the source the ledger will record (as code).
    fn reason_help(&self) -> String {
        self.staff.lang.html(
            "profile-reason-help",
            "source",
            &format!("<code>{}</code>", escape(&self.staff.actor())),
        )
    }
}

/// `single_line`'s check of a dashboard field, refused in the staff member's language: the messages
/// `{field}-one-line`, `{field}-control` and `{field}-too-long` (with `$max`) of the field.
pub(super) fn one_line(
    lang: &Lang,
    field: &str,
    raw: &str,
    max_chars: usize,
) -> Result<Option<String>, String> {
    single_line(field, raw, max_chars).map_err(|_| {
        let v = raw.trim();
        if v.contains(['\r', '\n']) {
            lang.t(&format!("{field}-one-line"))
        } else if v.chars().any(char::is_control) {
            lang.t(&format!("{field}-control"))
        } else {
            lang.with(
                &format!("{field}-too-long"),
                &[("max", &lang.number(max_chars))],
            )
        }
    })
}

pub(super) use crate::i18n::escape;

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
                } => Some((event_id, reason)),
            };
            Ok(Some((profile, standing, events, broken)))
        })
        .await?;
    let Some((profile, standing, events, broken)) = found else {
        return Err(PageError::NotFound(staff.t("profile-not-found")));
    };
    let erase_reason = staff.t("profile-erase-default-reason");
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
        erase_reason,
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
        "saved" => Some(page.staff.t("profile-saved")),
        "unchanged" => Some(page.staff.t("profile-unchanged")),
        "erased" => Some(page.staff.t("profile-erased")),
        _ => None,
    };
    Ok(private(html(StatusCode::OK, &page)))
}

/// The person's signed consent receipt, for a staff member to hand over; audited (who took whose
/// record). None for an erased profile.
pub async fn receipt(
    id: web::Path<i64>,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let all = state.catalog.get().await?;
    let (sealer, by) = (state.sealer.clone(), crate::domain::Actor::from(&staff));
    let signed = state
        .db(move |c| {
            Ok(crate::consent::receipt::issue_for_staff(
                c, &sealer, id, &all, &by,
            )?)
        })
        .await?;
    let Some(token) = signed else {
        return Err(PageError::NotFound(staff.t("profile-not-found")));
    };
    Ok(private(
        HttpResponse::Ok()
            .content_type("application/jose")
            .insert_header((
                actix_web::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"consent-record-profile-{id}.jws\""),
            ))
            .body(token),
    ))
}

fn back_to(id: i64, done: &str) -> HttpResponse {
    super::see_other(format!("/admin/profiles/{id}?done={done}"))
}

/// The reason a form gives for a change, checked whole; what is wrong with it in the staff member's
/// language.
fn reason_of(lang: &Lang, typed: &str) -> Result<String, String> {
    match one_line(lang, "profile-reason", typed, MAX_REASON) {
        Ok(Some(r)) => Ok(r),
        Ok(None) => Err(lang.t("profile-reason-missing")),
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
            return Err(PageError::BadRequest(
                staff.lang.with("profile-bad-form", &[("value", was)]),
            ));
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
    let reason = match reason_of(&staff.lang, &form.reason) {
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
        Changed::Gone => Err(PageError::NotFound(staff.t("profile-gone"))),
        Changed::Conflict(moved) => {
            let alert = staff.lang.with(
                if moved.len() == 1 {
                    "profile-conflict-one"
                } else {
                    "profile-conflict-many"
                },
                &[("titles", &moved.join(", "))],
            );
            let mut page = load(&state, staff, id).await?;
            page.alert = Some(alert);
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
    let reason = match (reason_of(&staff.lang, &form.reason), confirmed) {
        (Ok(reason), true) => reason,
        (reason, _) => {
            let mut page = load(&state, staff, id).await?;
            page.erase_reason = typed_reason(&form.reason);
            page.erase_reason_error = reason.err();
            if !confirmed {
                page.erase_confirm_error = Some(page.staff.t("profile-erase-unconfirmed"));
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
        Erased::NoProfile => Err(PageError::NotFound(staff.t("profile-not-found"))),
    }
}

#[cfg(test)]
mod i18n_tests {
    use super::*;

    /// Every message of the People and Consent pages resolves in every language (no value left unfilled,
    /// no selector without its variant), and the refusals say in English what `single_line` says.
    #[test]
    fn the_people_and_consent_pages_are_worded_by_their_catalogue() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/locales/en");
        let english = std::fs::read_to_string(dir.join("dashboard-people.ftl")).unwrap();
        let ids: Vec<&str> = english
            .lines()
            .filter(|l| !l.starts_with([' ', '#', '*', '[', '}']))
            .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim()))
            .collect();
        assert!(ids.len() > 150, "{}", ids.len());
        let names = [
            "count", "value", "link", "first", "last", "ins", "outs", "peak", "day", "month",
            "query", "id", "time", "source", "event", "reason", "max", "titles", "rule", "name",
            "channel", "version", "language", "example", "code", "key", "title", "path", "button",
            "tool", "field",
        ];
        for lang in Lang::all() {
            for id in &ids {
                let args: Vec<(&'static str, &str)> = names.iter().map(|n| (*n, "3")).collect();
                let text = lang.with(id, &args);
                assert!(
                    !text.is_empty() && !text.contains('{') && !text.contains(id),
                    "{} {id}: {text}",
                    lang.code()
                );
            }
            for n in [0, 1, 2, 5, 22, 1234] {
                for id in [
                    "chart-opt-ins",
                    "profile-chain-intact",
                    "audiences-result-none",
                ] {
                    let text = lang.count(id, n);
                    assert!(!text.contains('{'), "{} {id} {n}: {text}", lang.code());
                }
            }
            for m in 1..=12u32 {
                assert!(!lang.count("chart-month", m).contains('{'));
            }
            for field in [
                "profile-reason",
                "audiences-name",
                "agreement-title",
                "forms-button",
            ] {
                for raw in ["a\nb", "a\u{7}b", &"x".repeat(600)] {
                    let refused = one_line(&lang, field, raw, 500).unwrap_err();
                    assert!(!refused.contains('{'), "{field}: {refused}");
                }
            }
        }
        let en = Lang::default();
        for (field, label) in [
            ("profile-reason", "The reason"),
            ("audiences-name", "The name"),
            ("agreement-title", "The title"),
            ("forms-button", "Button text"),
        ] {
            for raw in ["a\r\nb", "a\u{7}b", "abcdef"] {
                assert_eq!(
                    one_line(&en, field, raw, 5),
                    single_line(label, raw, 5),
                    "{field} {raw:?}"
                );
            }
        }
        assert_eq!(en.count("chart-month", 3u32), "Mar");
        assert_eq!(
            en.with("audiences-reads", &[("rule", "any"), ("titles", "A, B")]),
            "any of A, B"
        );
        let pl = Lang::find("pl").unwrap();
        assert_eq!(pl.count("chart-opt-outs", 22), "22 wycofane zgody");
        assert_eq!(pl.count("chart-opt-outs", 25), "25 wycofanych zgód");
        assert_eq!(
            pl.with("profile-value", &[("value", "enabled")]),
            "włączona"
        );
        assert_eq!(
            pl.html("agreement-key-help", "example", "<code>a_b</code>"),
            "Nazwa atrybutu widoczna dla innych systemów, np. <code>a_b</code>. Nie można jej później zmienić."
        );
        let de = Lang::find("de").unwrap();
        assert_eq!(
            de.with(
                "chart-axis-day",
                &[("day", "5"), ("month", &de.count("chart-month", 3u32))]
            ),
            "5. März"
        );
    }
}
