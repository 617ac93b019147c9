//! One error type for pages (rendered as HTML) and one for the JSON API. Internal causes are logged
//! with context and never shown to users.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

/// An error page of the dashboard (and of any page that is neither public nor the API), in a language:
/// the title and the link's label are message ids, the message is already in that language.
#[derive(Debug, Template)]
#[template(path = "admin/error.html")]
pub struct ErrorPage {
    pub status: u16,
    pub t: crate::i18n::Lang,
    pub title: &'static str,
    pub message: String,
    /// Optional link: (address, label id).
    pub link: Option<(&'static str, &'static str)>,
}

/// An error page of the public pages, in the customer's language: message ids of the catalogues.
#[derive(Debug, Template)]
#[template(path = "public/error.html")]
pub struct PublicError {
    pub status: u16,
    pub t: crate::i18n::Lang,
    pub title: &'static str,
    pub message: &'static str,
    /// A single-button form: (address, label id).
    pub action: Option<(String, &'static str)>,
    /// A link: (address, label id).
    pub link: Option<(String, &'static str)>,
    /// The `$value` of the message, if it has one.
    pub value: Option<String>,
}

impl PublicError {
    pub fn new(
        status: u16,
        t: &crate::i18n::Lang,
        title: &'static str,
        message: &'static str,
    ) -> Box<PublicError> {
        Box::new(PublicError {
            status,
            t: t.clone(),
            title,
            message,
            action: None,
            link: None,
            value: None,
        })
    }

    /// The message, with its value.
    fn message(&self) -> String {
        match &self.value {
            Some(v) => self.t.with(self.message, &[("value", v)]),
            None => self.t.t(self.message),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// A public page's error, in the customer's language.
    #[error("{}", .0.t.t(.0.message))]
    Public(Box<PublicError>),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("the request body is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the form data did not arrive within {} seconds", .0.as_secs())]
    TooSlow(std::time::Duration),
    /// A dashboard page without a valid session: 303 to the sign-in page.
    #[error("sign in first")]
    SignIn,
    #[error("{0}")]
    Forbidden(String),
    #[error("too many failed sign-ins")]
    TooManyAttempts,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl PageError {
    /// This error as a public page in the customer's language; `None` for the dashboard's own errors
    /// (sign-in, roles) and for pages already in a language.
    pub fn localized(&self, t: &crate::i18n::Lang) -> Option<Box<PublicError>> {
        let (status, title, message) = match self {
            PageError::NotFound(_) => (404, "err-not-found", "err-page-missing"),
            PageError::BadRequest(_) => (400, "err-bad-request-title", "err-bad-form"),
            PageError::TooLarge(_) => (413, "err-too-large-title", "err-too-large"),
            PageError::TooSlow(_) => (408, "err-too-slow-title", "err-too-slow"),
            PageError::Unexpected(_) => (503, "err-unavailable-title", "err-unavailable"),
            PageError::Public(_)
            | PageError::SignIn
            | PageError::Forbidden(_)
            | PageError::TooManyAttempts => return None,
        };
        let mut page = PublicError::new(status, t, title, message);
        if status == 404 {
            page.link = Some((format!("/subscribe?lang={}", t.code()), "err-to-signup"));
        }
        Some(page)
    }

    /// This error as the dashboard's page in `t`'s language; `None` for the redirect to sign in and for
    /// a public page's own error. Handlers word their messages (`NotFound`, `BadRequest`, `Forbidden`)
    /// in the staff member's language; the titles, links and the other messages are the catalogue's.
    pub fn dashboard_page(&self, t: &crate::i18n::Lang) -> Option<ErrorPage> {
        let (status, title, message, link) = match self {
            PageError::Public(_) | PageError::SignIn => return None,
            PageError::Forbidden(m) => (
                403,
                "dash-error-forbidden",
                m.clone(),
                Some(("/admin", "dash-error-to-dashboard")),
            ),
            PageError::TooManyAttempts => (
                429,
                "dash-error-throttled-title",
                t.t("dash-error-throttled"),
                Some(("/admin/login", "dash-error-to-sign-in")),
            ),
            PageError::NotFound(m) => (404, "dash-error-not-found", m.clone(), None),
            PageError::BadRequest(m) => (400, "dash-error-bad-request", m.clone(), None),
            PageError::TooLarge(max) => (
                413,
                "dash-error-too-large-title",
                t.with("dash-error-too-large", &[("max", &max.to_string())]),
                None,
            ),
            PageError::TooSlow(_) => (
                408,
                "dash-error-too-slow-title",
                t.t("dash-error-too-slow"),
                None,
            ),
            PageError::Unexpected(_) => (
                503,
                "dash-error-unavailable-title",
                t.t("dash-error-unavailable"),
                None,
            ),
        };
        Some(ErrorPage {
            status,
            t: t.clone(),
            title,
            message,
            link,
        })
    }
}

impl From<diesel::result::Error> for PageError {
    fn from(e: diesel::result::Error) -> Self {
        PageError::Unexpected(e.into())
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            PageError::Public(p) => {
                StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }
            PageError::NotFound(_) => StatusCode::NOT_FOUND,
            PageError::BadRequest(_) => StatusCode::BAD_REQUEST,
            PageError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            PageError::TooSlow(_) => StatusCode::REQUEST_TIMEOUT,
            PageError::SignIn => StatusCode::SEE_OTHER,
            PageError::Forbidden(_) => StatusCode::FORBIDDEN,
            PageError::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            PageError::Unexpected(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let PageError::Public(p) = self {
            return public_page(p);
        }
        if let PageError::Unexpected(e) = self {
            tracing::error!(error = ?e, "request failed");
        }
        // In English: an error cannot see its request. `staff::localize_errors` answers the dashboard's
        // in the staff member's language, `public::localize_errors` the public pages' in the customer's.
        match self.dashboard_page(&crate::i18n::Lang::default()) {
            Some(page) => no_store(html(self.status_code(), &page)),
            // `SignIn`: to the sign-in page.
            None => HttpResponse::SeeOther()
                .insert_header(("Location", "/admin/login"))
                .insert_header(("Cache-Control", "no-store"))
                .finish(),
        }
    }
}

/// A public error page.
pub fn public_page(p: &PublicError) -> HttpResponse {
    let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    no_store(html(status, p))
}

/// An error answers one request: never cached (on the dashboard nothing is).
fn no_store(mut res: HttpResponse) -> HttpResponse {
    res.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    res
}

/// Renders a page template with the given status.
pub fn html(status: StatusCode, page: &impl Template) -> HttpResponse {
    match page.render() {
        Ok(body) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(body),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("page could not be rendered")
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    Malformed(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    NotFound(String),
    #[error("the request body is larger than {0} bytes")]
    TooLarge(usize),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    WrongType(String),
    /// The request contradicts one made before (a message id reused with another body).
    #[error("{0}")]
    Conflict(String),
    /// Too many unverified bodies are arriving at once; the sender should retry shortly.
    #[error("{0}")]
    Busy(String),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        ApiError::Unexpected(e.into())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Malformed(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::WrongType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Busy(_) | ApiError::Unexpected(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let (error, message) = match self {
            ApiError::Malformed(m) => (ErrorCode::Malformed, m.clone()),
            ApiError::Unauthorized(m) => (ErrorCode::Unauthorized, m.clone()),
            ApiError::NotFound(m) => (ErrorCode::NotFound, m.clone()),
            ApiError::TooLarge(_) => (ErrorCode::TooLarge, self.to_string()),
            ApiError::Invalid(m) => (ErrorCode::Invalid, m.clone()),
            ApiError::WrongType(m) => (ErrorCode::UnsupportedMediaType, m.clone()),
            ApiError::Busy(m) => (ErrorCode::Busy, m.clone()),
            ApiError::Conflict(m) => (ErrorCode::Conflict, m.clone()),
            ApiError::Unexpected(e) => {
                tracing::error!(error = ?e, "API request failed");
                (
                    ErrorCode::Unavailable,
                    "The service could not complete the request; nothing was changed. Retry later."
                        .into(),
                )
            }
        };
        let mut res = HttpResponse::build(self.status_code());
        if matches!(self, ApiError::Unauthorized(_)) {
            res.insert_header(("WWW-Authenticate", "Bearer"));
        }
        if matches!(self, ApiError::Busy(_)) {
            res.insert_header(("Retry-After", "5"));
        }
        res.json(ErrorBody { error, message })
    }
}

/// The body of every API error: a code a program can act on and a message a person can.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorCode,
    pub message: String,
}

/// What kind of error an API answer is (each has one HTTP status).
#[derive(Debug, Clone, Copy, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: the body or a header cannot be read.
    Malformed,
    /// 401: no valid API key, token or signature.
    Unauthorized,
    /// 404
    NotFound,
    /// 413
    TooLarge,
    /// 422: readable, but refused; the message says what to fix.
    Invalid,
    /// 415: the body is not declared as JSON.
    UnsupportedMediaType,
    /// 409: a message id reused with another body.
    Conflict,
    /// 503, with `Retry-After`: too many unverified requests at once.
    Busy,
    /// 503: nothing was changed; retry later.
    Unavailable,
}

impl From<super::BodyError> for PageError {
    fn from(e: super::BodyError) -> Self {
        match e {
            super::BodyError::TooLarge(n) => PageError::TooLarge(n),
            super::BodyError::TooSlow(d) => PageError::TooSlow(d),
            super::BodyError::Broken(m) => PageError::BadRequest(format!(
                "The form data could not be read ({m}). Please submit the form again."
            )),
        }
    }
}
