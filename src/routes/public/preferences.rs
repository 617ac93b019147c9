use super::forms::{AskFields, PreferenceFields};
use super::{Gpc, apply, honour_gpc, linked_profile, page_lang, private};
use crate::consent::{Meta, optin, read};
use crate::db::models::agreements::Agreement;
use crate::domain::{Email, LinkKind, Source};
use crate::i18n::{Lang, email_error};
use crate::routes::edge::error::{PageError, html};
use crate::routes::edge::{AppState, Form, client_meta, sends_gpc};
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
    gpc: Gpc,
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
    gpc: Gpc,
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
        gpc,
    };
    Ok(private(html(status, &page)))
}

/// The preference centre: every active agreement, ticked when enabled. A browser sending Global
/// Privacy Control first has the agreements flagged for it withdrawn.
pub async fn page(
    req: HttpRequest,
    token: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let (_, profile, saved) = linked_profile(&req, &state, LinkKind::Preferences, &token).await?;
    let t = page_lang(&req, None, saved.as_deref());
    let gpc = honour_gpc(&req, &state, profile.id, &t).await?;
    render(
        &state,
        t,
        &token,
        profile.id,
        profile.email.unwrap_or_default(),
        StatusCode::OK,
        None,
        None,
        gpc,
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
    let fields: PreferenceFields = Form::read(&req, body).await?.decode()?;
    let (_, profile, saved) = linked_profile(&req, &state, LinkKind::Preferences, &token).await?;
    let t = page_lang(&req, fields.lang.as_deref(), saved.as_deref());
    let email = profile.email.clone().unwrap_or_default();
    let all = state.catalog.get().await?;
    let changes = match fields.choice.preferences(&all, &t) {
        Ok(changes) => changes,
        Err(msg) => {
            return render(
                &state,
                t,
                &token,
                profile.id,
                email,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(msg),
                Gpc::of(&req),
            )
            .await;
        }
    };
    let meta = Meta::now(Source::Preferences, client_meta(&req)).with_gpc(sends_gpc(&req));
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
        Gpc::of(&req),
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
    let fields: AskFields = Form::read(&req, body).await?.decode()?;
    let raw = fields.email.as_str();
    let t = page_lang(&req, fields.lang.as_deref(), None);
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
