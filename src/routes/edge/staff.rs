//! Who a dashboard request is made by. `signed_in` (middleware on the whole `/admin` scope but the login
//! page) loads the staff member from the session, or sends the visitor to sign in; `admins_only`
//! (middleware on admin scopes) refuses marketers with 403. Handlers take `Staff` as an extractor.

use crate::db::models::admin_users::{self, AdminUser};
use crate::domain::Role;
use crate::domain::token::{new_token, same};
use crate::i18n::Lang;
use crate::routes::edge::error::PageError;
use crate::routes::edge::{AppState, Fields, Form};
use actix_session::{Session, SessionExt};
use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use chrono::NaiveDateTime;
use std::future::{Ready, ready};

/// A session lasts at most this long after sign-in, however active (idle expiry is the session TTL).
pub const ABSOLUTE: chrono::TimeDelta = chrono::TimeDelta::hours(12);
/// Idle expiry: a session unused this long is gone.
pub const IDLE: chrono::TimeDelta = chrono::TimeDelta::minutes(30);

/// The signed-in staff member of a request.
#[derive(Clone, Debug)]
pub struct Staff {
    /// The account, its role read from the database with it.
    pub user: AdminUser,
    /// The session's CSRF token: every form of the dashboard carries it.
    pub csrf: String,
    /// The client's IP address, for the audit log.
    pub ip: Option<String>,
    /// The dashboard's language for them: the one they chose, else their browser's, else English.
    pub lang: Lang,
    /// The path asked for, so the navigation can mark the current page.
    pub path: String,
}

impl Staff {
    pub fn is_admin(&self) -> bool {
        self.user.role == Role::Admin
    }

    /// A dashboard message in their language.
    pub fn t(&self, id: &str) -> String {
        self.lang.t(id)
    }

    /// Their role's name in their language.
    pub fn role_name(&self) -> String {
        self.lang.word("dash-role", self.user.role.as_str())
    }

    /// Whether the navigation link `href` is the page they are on, or the section holding it (the
    /// overview only itself).
    pub fn here(&self, href: &str) -> bool {
        let path = self.path.trim_end_matches('/');
        path == href || (href != "/admin" && path.starts_with(&format!("{href}/")))
    }

    /// Who this is in the audit log and in consent sources: `admin:<email>`.
    pub fn actor(&self) -> String {
        crate::domain::Source::Admin(self.user.email.clone()).to_string()
    }

    /// A submitted dashboard form, only if it carries this session's CSRF token (else 403).
    pub async fn form(&self, req: &HttpRequest, payload: web::Payload) -> Result<Form, PageError> {
        let form = Form::read_at_most(req, payload, crate::routes::edge::MAX_STAFF_FORM).await?;
        self.check_csrf(form.get("csrf_token").unwrap_or(""))?;
        Ok(form)
    }

    /// A submitted dashboard form read into its typed fields, only if it carries this session's CSRF
    /// token (else 403).
    pub async fn fields<T: Fields>(
        &self,
        req: &HttpRequest,
        payload: web::Payload,
    ) -> Result<T, PageError> {
        Ok(self.form(req, payload).await?.decode()?)
    }

    /// The session's CSRF token must be `token` (else 403): for a form read another way (a file upload
    /// streamed to disk sends its token first).
    pub fn check_csrf(&self, token: &str) -> Result<(), PageError> {
        if same(token, &self.csrf) {
            Ok(())
        } else {
            Err(csrf_refused(&self.lang))
        }
    }
}

/// A dashboard form without this session's CSRF token (403), said in `lang`.
pub fn csrf_refused(lang: &Lang) -> PageError {
    PageError::Forbidden(lang.t("dash-error-csrf"))
}

fn micros(t: NaiveDateTime) -> String {
    t.and_utc().timestamp_micros().to_string()
}

/// Starts the session of a user who just proved their password: a new session id (so one planted
/// before sign-in is useless) holding who they are, when they signed in and a fresh CSRF token.
pub fn begin(session: &Session, user: &AdminUser) -> Result<(), PageError> {
    start(session, user, crate::db::now())
}

/// After the user changed their own password: a new session id and CSRF token, with the new password's
/// time, but the sign-in time kept, so the 12-hour limit is not restarted.
pub fn renew(session: &Session, user: &AdminUser) -> Result<(), PageError> {
    let since = session
        .get::<String>("since")
        .ok()
        .flatten()
        .and_then(|s| s.parse::<i64>().ok())
        .and_then(chrono::DateTime::from_timestamp_micros)
        .map_or_else(crate::db::now, |t| t.naive_utc());
    start(session, user, since)
}

fn start(session: &Session, user: &AdminUser, since: NaiveDateTime) -> Result<(), PageError> {
    session.renew();
    let put = |k: &str, v: String| {
        session
            .insert(k, v)
            .map_err(|e| PageError::Unexpected(anyhow::anyhow!("session: {e}")))
    };
    put("uid", user.id.to_string())?;
    put("since", micros(since))?;
    put("pwd", micros(user.password_changed_at))?;
    put("csrf", new_token())?;
    Ok(())
}

/// The staff member a session belongs to, if it still holds: the user exists and is not disabled, the
/// password did not change since sign-in, and the sign-in is less than `ABSOLUTE` old.
async fn load(
    session: &Session,
    state: &AppState,
    req: &HttpRequest,
) -> Result<Option<Staff>, PageError> {
    let get = |k: &str| session.get::<String>(k).ok().flatten();
    let (Some(uid), Some(since), Some(pwd), Some(csrf)) =
        (get("uid"), get("since"), get("pwd"), get("csrf"))
    else {
        return Ok(None);
    };
    let (Ok(uid), Ok(since)) = (uid.parse::<i64>(), since.parse::<i64>()) else {
        return Ok(None);
    };
    if crate::db::now().and_utc().timestamp_micros() - since
        > ABSOLUTE.num_microseconds().unwrap_or(0)
    {
        session.purge();
        return Ok(None);
    }
    let user = state.db(move |c| Ok(admin_users::find(c, uid)?)).await?;
    let Some(user) =
        user.filter(|u| u.disabled_at.is_none() && micros(u.password_changed_at) == pwd)
    else {
        session.purge();
        return Ok(None);
    };
    let lang = crate::i18n::negotiate(
        None,
        user.language.as_deref(),
        crate::i18n::accept_language(req),
    );
    Ok(Some(Staff {
        user,
        csrf,
        ip: crate::routes::edge::client_meta(req).0,
        lang,
        path: req.path().to_string(),
    }))
}

/// Middleware: a signed-in staff member, or 303 to the sign-in page. The redirect is an answer, not an
/// error, so that a session `load` purged (expired, user disabled, password changed) is deleted from the
/// store on the way out instead of lingering until its idle expiry.
pub async fn signed_in(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| PageError::Unexpected(anyhow::anyhow!("no app state")))?;
    match load(&req.get_session(), &state, req.request()).await? {
        Some(staff) => {
            req.extensions_mut().insert(staff);
            Ok(next.call(req).await?.map_into_left_body())
        }
        None => {
            use actix_web::ResponseError;
            let to_sign_in = PageError::SignIn.error_response();
            Ok(req.into_response(to_sign_in).map_into_right_body())
        }
    }
}

/// Middleware: only admins (a marketer gets 403, in their language). The refusal is an answer, not an
/// error, so that `localize_errors` still sees who asked.
pub async fn admins_only(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let refused = match req.extensions().get::<Staff>() {
        Some(staff) if staff.is_admin() => None,
        staff => Some(staff.map_or_else(Lang::default, |s| s.lang.clone())),
    };
    if let Some(lang) = refused {
        let refusal = PageError::Forbidden(lang.t("dash-error-admins-only"));
        return Ok(req.error_response(refusal).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// Middleware on the whole `/admin` scope: its error pages in the staff member's language, else (signed
/// out, on the sign-in page) the browser's. Handlers word their own messages in that language; the
/// titles, the links and the generic messages are the catalogue's. The answer keeps its status and
/// headers (the session's cookie among them); only the page is written again.
pub async fn localize_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    use actix_web::ResponseError;
    use askama::Template;
    // Read before: an error of an inner middleware comes back without its request.
    let browser = crate::i18n::negotiate(None, None, crate::i18n::accept_language(req.request()));
    let res = match next.call(req).await {
        Ok(res) => res,
        Err(e) => {
            let page = e
                .as_error::<PageError>()
                .filter(|_| browser != Lang::default())
                .and_then(|pe| {
                    Some((
                        pe.status_code(),
                        pe.dashboard_page(&browser)?.render().ok()?,
                    ))
                });
            return match page {
                Some((status, body)) => {
                    // The error's own answer is dropped, but its cause is logged as always.
                    let _ = e.error_response();
                    Err(Rendered { status, body }.into())
                }
                None => Err(e),
            };
        }
    };
    let lang = res
        .request()
        .extensions()
        .get::<Staff>()
        .map_or(browser, |s| s.lang.clone());
    let body = Some(&lang)
        .filter(|l| **l != Lang::default())
        .and_then(|l| {
            let page = res.response().error()?.as_error::<PageError>()?;
            page.dashboard_page(l)?.render().ok()
        });
    Ok(match body {
        Some(body) => res.map_body(|_, _| BoxBody::new(body)),
        None => res.map_into_boxed_body(),
    })
}

/// A dashboard error page already written in its language, for an error that has no request left to
/// answer with.
#[derive(Debug)]
struct Rendered {
    status: actix_web::http::StatusCode,
    body: String,
}

impl std::fmt::Display for Rendered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "dashboard error page ({})", self.status)
    }
}

impl actix_web::ResponseError for Rendered {
    fn status_code(&self) -> actix_web::http::StatusCode {
        self.status
    }

    fn error_response(&self) -> actix_web::HttpResponse {
        actix_web::HttpResponse::build(self.status)
            .content_type("text/html; charset=utf-8")
            .insert_header(("Cache-Control", "no-store"))
            .body(self.body.clone())
    }
}

impl FromRequest for Staff {
    type Error = PageError;
    type Future = Ready<Result<Staff, PageError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<Staff>()
                .cloned()
                .ok_or(PageError::SignIn),
        )
    }
}

impl From<&Staff> for crate::domain::Actor {
    fn from(staff: &Staff) -> crate::domain::Actor {
        crate::domain::Actor {
            name: staff.actor(),
            ip: staff.ip.clone(),
        }
    }
}
