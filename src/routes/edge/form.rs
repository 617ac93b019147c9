//! Request bodies: forms (urlencoded or multipart) and raw bodies, each bounded in size and in time.

use super::AppState;
use actix_web::{HttpRequest, web};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::time::Duration;

/// Largest request body any API call accepts.
pub const MAX_BODY: usize = 64 * 1024;
/// Largest form a page accepts: a sign-up or preference form is a few hundred bytes; this leaves room
/// for a hundred agreements and keeps the memory a slow client can pin small.
pub const MAX_FORM: usize = 16 * 1024;
/// Dashboard forms (signed-in staff only) may be larger: a 5,000-character consent text in a non-Latin
/// script is up to 60 KB once percent-encoded.
pub const MAX_STAFF_FORM: usize = 128 * 1024;

/// Form fields in order, repeated names kept (`agreement=a&agreement=b`).
pub struct Form(pub Vec<(String, String)>);

impl Form {
    pub fn parse(body: &[u8]) -> Form {
        Form(form_urlencoded::parse(body).into_owned().collect())
    }

    /// A submitted form: `application/x-www-form-urlencoded`, or `multipart/form-data` (which RFC 8058
    /// asks mail clients to use for one-click unsubscribes).
    pub async fn read(req: &HttpRequest, payload: web::Payload) -> Result<Form, BodyError> {
        Form::read_at_most(req, payload, MAX_FORM).await
    }

    /// A form of at most `limit` bytes (each scope chooses its own).
    pub async fn read_at_most(
        req: &HttpRequest,
        payload: web::Payload,
        limit: usize,
    ) -> Result<Form, BodyError> {
        let body = read_body(req, payload, limit).await?;
        let content_type = req
            .headers()
            .get(actix_web::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        match content_type
            .split(';')
            .next()
            .map(|t| t.trim().to_ascii_lowercase())
            .as_deref()
        {
            Some("multipart/form-data") => multipart(content_type, &body)
                .map(Form)
                .ok_or_else(|| BodyError::Broken("the multipart form data is malformed".into())),
            _ => Ok(Form::parse(&body)),
        }
    }

    /// The form read into its typed fields, once: a name `T` lists as repeatable arrives as a list (even
    /// of one), any other as its first value (as browsers and `get` read it); names `T` does not know
    /// are left out.
    pub fn decode<T: Fields>(&self) -> Result<T, BodyError> {
        use serde_json::Value;
        let mut map = serde_json::Map::new();
        for (name, value) in &self.0 {
            let value = Value::String(value.clone());
            if T::LISTS.contains(&name.as_str()) {
                match map
                    .entry(name.clone())
                    .or_insert_with(|| Value::Array(Vec::new()))
                {
                    Value::Array(list) => list.push(value),
                    _ => unreachable!("a listed field is always a list"),
                }
            } else {
                map.entry(name.clone()).or_insert(value);
            }
        }
        serde_json::from_value(Value::Object(map)).map_err(|e| BodyError::Broken(e.to_string()))
    }

    /// A page's query string read into its typed fields, as `decode` reads a form.
    pub fn query<T: Fields>(req: &HttpRequest) -> Result<T, BodyError> {
        Form::parse(req.query_string().as_bytes()).decode()
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A form's fields as a struct (`#[serde(default)]`, so a missing field is empty rather than an error
/// the person cannot act on; each form checks what it requires and says so).
pub trait Fields: DeserializeOwned {
    /// The names a form may repeat (`agreement=a&agreement=b`), read as a list.
    const LISTS: &'static [&'static str] = &[];
}

/// A checkbox: ticked when the form sends it at all, whatever its value (`#[serde(deserialize_with)]`).
pub fn ticked<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    serde::de::IgnoredAny::deserialize(d).map(|_| true)
}

/// The text fields of a `multipart/form-data` body (file parts are read as text too; no form here has any).
fn multipart(content_type: &str, body: &[u8]) -> Option<Vec<(String, String)>> {
    let boundary = content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .next()?
        .trim_matches('"');
    if boundary.is_empty() {
        return None;
    }
    let body = String::from_utf8_lossy(body);
    let mut fields = Vec::new();
    for part in body.split(&format!("--{boundary}")).skip(1) {
        if part.starts_with("--") {
            break; // the closing delimiter
        }
        let (headers, value) = part.split_once("\r\n\r\n")?;
        let name = headers
            .split(';')
            .filter_map(|p| p.trim().strip_prefix("name="))
            .next()?
            .lines()
            .next()?
            .trim()
            .trim_matches('"');
        fields.push((
            name.to_string(),
            value.strip_suffix("\r\n").unwrap_or(value).to_string(),
        ));
    }
    Some(fields)
}

pub enum BodyError {
    TooLarge(usize),
    Broken(String),
    /// The client stopped sending before the whole body arrived.
    TooSlow(Duration),
}

/// Reads a body up to `limit` bytes, refusing larger ones before reading them where the length is declared,
/// and within the deadline: a client that sends part of a body and stalls is cut off, so it holds neither
/// a connection nor its buffers for long.
pub async fn read_body(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<web::Bytes, BodyError> {
    if declared_length(req).is_some_and(|n| n > limit) {
        return Err(BodyError::TooLarge(limit));
    }
    let deadline = deadline(req);
    match tokio::time::timeout(deadline, payload.to_bytes_limited(limit)).await {
        Ok(Ok(Ok(body))) => Ok(body),
        Ok(Ok(Err(e))) => Err(BodyError::Broken(e.to_string())),
        Ok(Err(_)) => Err(BodyError::TooLarge(limit)),
        Err(_) => Err(BodyError::TooSlow(deadline)),
    }
}

/// The body's length as its `Content-Length` declares it.
pub fn declared_length(req: &HttpRequest) -> Option<usize> {
    req.headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
}

/// How long a client may take to send a body once its headers are in.
pub fn deadline(req: &HttpRequest) -> Duration {
    req.app_data::<web::Data<AppState>>()
        .map_or(Duration::from_secs(10), |s| s.body_deadline)
}
