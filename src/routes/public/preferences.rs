use super::{apply, linked_profile, page_lang, private, stale_wording, wording_shown};
use crate::consent::{Change, Meta, optin, read};
use crate::db::models::agreements::Agreement;
use crate::domain::{ConsentValue, Email, LinkKind, Source};
use crate::i18n::{Lang, email_error};
use crate::routes::edge::error::{PageError, html};
use crate::routes::edge::{AppState, Form, client_meta};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "public/preferences.html")]
struct PreferencesPage {
    t: Lang,
    action: String,
    email: String,
    /// (agreement, enabled, waiting for confirmation)
    agreements: Vec<(Agreement, bool, bool)>,
    saved: Option<usize>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "public/preferences_ask.html")]
struct AskPage {
    t: Lang,
    email: String,
    error: Option<String>,
    sent: bool,
}

#[allow(clippy::too_many_arguments)]
async fn render(
    state: &AppState,
    t: Lang,
    token: &str,
    profile_id: i64,
    email: String,
    status: StatusCode,
    saved: Option<usize>,
    error: Option<String>,
) -> Result<HttpResponse, PageError> {
    let all = state.catalog.get().await?;
    let standing = state
        .db(move |c| Ok(read::standing(c, &all, profile_id, crate::db::now())?))
        .await?;
    let agreements = standing
        .into_iter()
        .filter(|s| s.agreement.active())
        .map(|s| (s.agreement, s.enabled, s.pending))
        .collect();
    let page = PreferencesPage {
        t,
        action: format!("/preferences/{token}"),
        email,
        agreements,
        saved,
        error,
    };
    Ok(private(html(status, &page)))
}

/// The preference centre: every active agreement, ticked when enabled.
pub async fn page(
    req: HttpRequest,
    token: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let (_, profile, saved) = linked_profile(&req, &state, LinkKind::Preferences, &token).await?;
    render(
        &state,
        page_lang(&req, None, saved.as_deref()),
        &token,
        profile.id,
        profile.email.unwrap_or_default(),
        StatusCode::OK,
        None,
        None,
    )
    .await
}

/// Ticked agreements become enabled, unticked ones disabled; only differences are recorded. The signed
/// link proves the person owns the address, so changes apply at once.
pub async fn submit(
    req: HttpRequest,
    token: web::Path<String>,
    body: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let form = Form::read(&req, body).await?;
    let (_, profile, saved) = linked_profile(&req, &state, LinkKind::Preferences, &token).await?;
    let t = page_lang(&req, Some(&form), saved.as_deref());
    let email = profile.email.clone().unwrap_or_default();
    let all = state.catalog.get().await?;
    let ticked = form.all("agreement");
    let unknown = ticked
        .iter()
        .find(|k| !all.iter().any(|a| a.active() && a.key == **k))
        .map(|bad| {
            format!(
                "\u{201c}{}\u{201d} is not an agreement you can choose here. Nothing was changed.",
                bad.chars().take(70).collect::<String>()
            )
        });
    if let Some(msg) = unknown.or_else(|| stale_wording(&form, &all, &t)) {
        return render(
            &state,
            t,
            &token,
            profile.id,
            email,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(msg),
        )
        .await;
    }
    let changes = all
        .iter()
        .filter(|a| a.active())
        .map(|a| {
            // Checked above for the ticked ones; an unticked one records the words now shown.
            let w = wording_shown(&form, a, &t).unwrap_or_else(|_| a.wording_in(t.code()));
            Change {
                agreement_id: crate::domain::AgreementId(a.id),
                value: if ticked.contains(&a.key.as_str()) {
                    ConsentValue::Enabled
                } else {
                    ConsentValue::Disabled
                },
                version: Some(w.version),
                language: Some(w.language),
            }
        })
        .collect();
    let meta = Meta::now(Source::Preferences, client_meta(&req));
    let recorded = apply(&state, profile.id, changes, meta).await?;
    render(
        &state,
        t,
        &token,
        profile.id,
        email,
        StatusCode::OK,
        Some(recorded.len()),
        None,
    )
    .await
}

pub async fn ask_form(req: HttpRequest) -> HttpResponse {
    html(
        StatusCode::OK,
        &AskPage {
            t: page_lang(&req, None, None),
            email: String::new(),
            error: None,
            sent: false,
        },
    )
}

/// "Email me a link": the same answer whether or not the address is known. The request is queued for
/// every valid address; the mail worker sends only to known ones, so timing reveals nothing either.
pub async fn ask_submit(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let form = Form::read(&req, body).await?;
    let raw = form.get("email").unwrap_or("");
    let t = page_lang(&req, Some(&form), None);
    let email = match Email::parse(raw) {
        Ok(e) => e,
        Err(_) => {
            return Ok(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                &AskPage {
                    error: Some(email_error(&t, raw)),
                    t,
                    email: raw.chars().take(300).collect(),
                    sent: false,
                },
            ));
        }
    };
    let recipient = email.to_string();
    state
        .db(move |c| {
            Ok(crate::db::write_tx(c, |c| {
                optin::queue_preference_link(c, &recipient)
            })?)
        })
        .await?;
    Ok(html(
        StatusCode::OK,
        &AskPage {
            t,
            email: email.to_string(),
            error: None,
            sent: true,
        },
    ))
}
