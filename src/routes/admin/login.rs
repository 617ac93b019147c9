use super::{Cookies, private};
use crate::auth::{password, throttle};
use crate::db::models::admin_users;
use crate::domain::token::{new_token, same};
use crate::routes::edge::error::{PageError, html};
use crate::routes::edge::staff::{self, Staff, csrf_refused};
use crate::routes::edge::{AppState, Fields, Form, client_meta};
use actix_session::Session;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "admin/login.html")]
struct LoginPage {
    /// Nobody is signed in yet: the browser's language.
    lang: crate::i18n::Lang,
    csrf_token: String,
    /// The least number of characters of a password, for the first-run notice.
    min_len: String,
    email: String,
    error: Option<String>,
    /// No dashboard user exists yet: the page says how to create the first.
    first_run: bool,
}

/// The sign-in form, with a CSRF token bound to a random value in a cookie of its own (no session is
/// stored for visitors who are not signed in). A visitor keeps their value, so two open sign-in tabs
/// both work.
fn form(
    req: &HttpRequest,
    state: &AppState,
    cookies: &Cookies,
    status: StatusCode,
    email: String,
    error: Option<String>,
    first_run: bool,
) -> HttpResponse {
    let nonce = nonce(req, cookies).unwrap_or_else(new_token);
    let page = LoginPage {
        lang: lang(req),
        csrf_token: state.signer.login_csrf(&nonce),
        min_len: password::MIN_LEN.to_string(),
        email,
        error,
        first_run,
    };
    let mut res = private(html(status, &page));
    let cookie = Cookie::build(cookies.login_name(), nonce)
        .path("/")
        .http_only(true)
        .secure(cookies.secure)
        .same_site(SameSite::Strict)
        .finish();
    let _ = res.add_cookie(&cookie);
    res
}

/// The sign-in page's language: the browser's (nobody is signed in).
fn lang(req: &HttpRequest) -> crate::i18n::Lang {
    crate::i18n::negotiate(None, None, crate::i18n::accept_language(req))
}

/// The visitor's sign-in nonce, from their cookie.
fn nonce(req: &HttpRequest, cookies: &Cookies) -> Option<String> {
    req.cookie(cookies.login_name())
        .map(|c| c.value().to_string())
        .filter(|v| !v.is_empty())
}

pub async fn page(
    req: HttpRequest,
    state: web::Data<AppState>,
    cookies: web::Data<Cookies>,
) -> Result<HttpResponse, PageError> {
    let first_run = first_run(&state).await?;
    Ok(form(
        &req,
        &state,
        &cookies,
        StatusCode::OK,
        String::new(),
        None,
        first_run,
    ))
}

/// No dashboard user exists yet (a fresh install).
async fn first_run(state: &AppState) -> Result<bool, PageError> {
    Ok(state.db(|c| Ok(!admin_users::any(c)?)).await?)
}

/// The sign-in form.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct SignInFields {
    email: String,
    password: String,
    csrf_token: String,
}

impl Fields for SignInFields {}

pub async fn submit(
    req: HttpRequest,
    body: web::Payload,
    session: Session,
    state: web::Data<AppState>,
    cookies: web::Data<Cookies>,
) -> Result<HttpResponse, PageError> {
    let f: SignInFields = Form::read(&req, body).await?.decode()?;
    let nonce = nonce(&req, &cookies).unwrap_or_default();
    if nonce.is_empty() || !same(&f.csrf_token, &state.signer.login_csrf(&nonce)) {
        return Err(csrf_refused(&lang(&req)));
    }
    let email = f.email.trim().to_string();
    let given = f.password;
    let (ip, _) = client_meta(&req);
    let limits = throttle::limits(&email, ip.as_deref());
    // Stored as `assent admin create` stored it (the domain lower-cased).
    let lookup = crate::domain::Email::parse(&email)
        .map(|e| e.as_str().to_string())
        .unwrap_or_else(|_| email.clone());
    let (attempt, user) = state
        .db(move |c| {
            let Some(attempt) = throttle::begin(c, &limits, crate::db::now())? else {
                return Ok((None, None));
            };
            Ok((Some(attempt), admin_users::find_by_email(c, &lookup)?))
        })
        .await?;
    let Some(attempt) = attempt else {
        return Err(PageError::TooManyAttempts);
    };
    // Checked even for an unknown email (against a dummy hash), so timing reveals nothing; off the
    // database connection, which argon2's ~50 ms would otherwise hold.
    let user = web::block(move || {
        let ok = password::verify(&given, user.as_ref().map(|u| u.password_hash.as_str()));
        user.filter(|u| ok && u.disabled_at.is_none())
    })
    .await
    .map_err(|e| PageError::Unexpected(e.into()))?;
    if user.is_some() {
        state
            .db(move |c| Ok(throttle::succeeded(c, attempt)?))
            .await?;
    }
    let Some(user) = user else {
        tracing::info!("dashboard sign-in refused");
        let first_run = first_run(&state).await?;
        return Ok(form(
            &req,
            &state,
            &cookies,
            StatusCode::UNAUTHORIZED,
            email.chars().take(254).collect(),
            Some(lang(&req).t("login-refused")),
            first_run,
        ));
    };
    staff::begin(&session, &user)?;
    tracing::info!(user_id = user.id, "dashboard sign-in");
    Ok(super::see_other("/admin"))
}

pub async fn logout(
    req: HttpRequest,
    body: web::Payload,
    staff: Staff,
    session: Session,
) -> Result<HttpResponse, PageError> {
    staff.form(&req, body).await?;
    session.purge();
    Ok(super::see_other("/admin/login"))
}
