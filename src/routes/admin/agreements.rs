//! Agreements: list, create, edit (a changed text is a new version), archive. Marketers and admins.

use super::{private, see_other};
use crate::audiences::Histogram;
use crate::consent::catalog;
use crate::db::models::agreements::{self, Agreement, Version};
use crate::db::models::optin_requests;
use crate::domain::{Actor, AgreementKey, Channel};
use crate::i18n::Lang;
use crate::routes::edge::Staff;
use crate::routes::edge::error::{PageError, html};
use crate::routes::edge::{AppState, Fields};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use std::collections::HashMap;

const MAX_TEXT: usize = 5000;

/// What the add and edit forms send (the key, channel and language only when adding).
#[derive(Deserialize, Default)]
#[serde(default)]
struct AgreementFields {
    key: String,
    title: String,
    text: String,
    channel: String,
    language: Option<String>,
    /// The "a GPC signal means no" checkbox: `on` when ticked, absent when not.
    gpc: Option<String>,
    /// `title_LANG` and `text_LANG` of each translation (and whatever else the form sends).
    #[serde(flatten)]
    translations: HashMap<String, String>,
}

impl Fields for AgreementFields {}

impl AgreementFields {
    fn translation(&self, field: &str, code: &str) -> &str {
        self.translations
            .get(&format!("{field}_{code}"))
            .map_or("", String::as_str)
    }
}

/// `direction=up|down` of the move buttons.
#[derive(Deserialize, Default)]
#[serde(default)]
struct MoveFields {
    direction: String,
}

impl Fields for MoveFields {}

#[derive(Template)]
#[template(path = "admin/agreements.html")]
struct ListPage {
    staff: Staff,
    /// (agreement, profiles with it enabled, profiles waiting to confirm it)
    agreements: Vec<(Agreement, i64, i64)>,
}

#[derive(Template)]
#[template(path = "admin/agreement_form.html")]
struct FormPage {
    staff: Staff,
    form: AgreementForm,
}

/// The page reads the form's fields as its own.
impl std::ops::Deref for FormPage {
    type Target = AgreementForm;
    fn deref(&self) -> &AgreementForm {
        &self.form
    }
}

impl std::ops::DerefMut for FormPage {
    fn deref_mut(&mut self) -> &mut AgreementForm {
        &mut self.form
    }
}

/// The agreement form's fields and their errors.
#[derive(Default)]
struct AgreementForm {
    /// `None`: a new agreement; else the key of the one being edited.
    editing: Option<String>,
    /// The stored title of the agreement being edited (the `title` field may hold a rejected one).
    heading: String,
    archived: bool,
    key: String,
    title: String,
    channel: String,
    /// The language of the agreement's own text.
    language: String,
    text: String,
    version: i32,
    /// "A GPC signal means no".
    gpc: bool,
    /// The text in each other language (editing only).
    translations: Vec<Translation>,
    versions: Vec<Version>,
    saved: bool,
    key_error: Option<String>,
    title_error: Option<String>,
    channel_error: Option<String>,
    language_error: Option<String>,
    text_error: Option<String>,
    gpc_error: Option<String>,
}

/// A field for the consent text in one more language.
#[derive(Default)]
struct Translation {
    code: String,
    name: String,
    /// Its own title; empty: the agreement's.
    title: String,
    text: String,
    /// The current version, when there is a text in this language.
    version: Option<i32>,
    error: Option<String>,
}

impl FormPage {
    fn csrf(&self) -> &str {
        &self.staff.csrf
    }

    /// The key field's hint, with its example as code.
    fn key_help(&self) -> String {
        self.staff.lang.html(
            "agreement-key-help",
            "example",
            "<code>alcohol_agreement</code>",
        )
    }

    /// Title and text from a submitted form, checked whole; errors land next to their fields, in the
    /// staff member's language.
    fn take(&mut self, form: &AgreementFields) {
        let lang = self.staff.lang.clone();
        self.form.take(form, &lang);
    }
}

impl AgreementForm {
    fn has_errors(&self) -> bool {
        self.key_error.is_some()
            || self.title_error.is_some()
            || self.channel_error.is_some()
            || self.language_error.is_some()
            || self.text_error.is_some()
            || self.gpc_error.is_some()
            || self.translations.iter().any(|t| t.error.is_some())
    }

    /// The choice of language for a new agreement's text.
    fn languages(&self) -> Vec<(String, String)> {
        crate::i18n::Lang::choices()
    }

    /// The name of the own text's language.
    fn language_name(&self) -> String {
        crate::i18n::Lang::find(&self.language).map_or_else(|| self.language.clone(), |l| l.name())
    }

    fn channels(&self) -> &'static [&'static str] {
        &Channel::NAMES
    }

    /// Title and text from a submitted form, checked whole; errors land next to their fields.
    fn take(&mut self, form: &AgreementFields, lang: &Lang) {
        let title = form.title.as_str();
        match super::profiles::one_line(lang, "agreement-title", title, 120) {
            Ok(Some(t)) => self.title = t,
            Ok(None) => self.title_error = Some(lang.t("agreement-title-missing")),
            Err(e) => self.title_error = Some(e),
        }
        let text;
        (text, self.text_error) = consent_text(lang, &form.text);
        if text.is_empty() {
            self.text_error = Some(lang.t("agreement-text-missing"));
        }
        self.text = text;
        for t in &mut self.translations {
            (t.text, t.error) = consent_text(lang, form.translation("text", &t.code));
            let title = form.translation("title", &t.code);
            match super::profiles::one_line(lang, "agreement-title", title, 120) {
                Ok(Some(own)) if t.text.is_empty() => {
                    t.title = own;
                    t.error =
                        Some(lang.with("agreement-translation-missing", &[("language", &t.name)]));
                }
                Ok(own) => t.title = own.unwrap_or_default(),
                Err(e) => {
                    t.title = title.chars().take(200).collect();
                    t.error = Some(e);
                }
            }
        }
        if self.title.is_empty() {
            self.title = title.chars().take(200).collect();
        }
        // A checkbox sends `on` when ticked and nothing when not; the words a script might send are
        // read too, anything else is refused rather than guessed.
        match form.gpc.as_deref().map(str::trim) {
            None | Some("" | "off" | "false" | "0" | "no") => self.gpc = false,
            Some("on" | "true" | "1" | "yes") => self.gpc = true,
            Some(_) => self.gpc_error = Some(lang.t("agreement-gpc-invalid")),
        }
    }
}

/// A consent text from a form field, kept (cut to a sane length) for showing again, and what is wrong
/// with it (in the staff member's language). An empty text is not wrong here: only the agreement's own
/// text must be given.
fn consent_text(lang: &Lang, raw: &str) -> (String, Option<String>) {
    let text = raw.trim().replace("\r\n", "\n");
    let error = if text.chars().count() > MAX_TEXT {
        Some(lang.with(
            "agreement-text-too-long",
            &[("max", &lang.number(MAX_TEXT))],
        ))
    } else if text.chars().any(|c| c.is_control() && c != '\n') {
        Some(lang.t("agreement-text-control"))
    } else {
        None
    };
    // Shown again without control characters, which HTML cannot carry.
    let shown = text
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .take(MAX_TEXT + 100);
    (shown.collect(), error)
}

pub async fn list(staff: Staff, state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let (all, histogram, pending) = state
        .db(|c| {
            let all = agreements::all(c)?;
            let pending = optin_requests::pending_counts(c, &all, crate::db::now())?;
            Ok((all, Histogram::load(c)?, pending))
        })
        .await?;
    let agreements = all
        .into_iter()
        .map(|a| {
            let (on, waiting) = (histogram.enabled(&a), pending.get(&a.id).copied());
            (a, on, waiting.unwrap_or(0))
        })
        .collect();
    Ok(private(html(
        StatusCode::OK,
        &ListPage { staff, agreements },
    )))
}

pub async fn new(staff: Staff) -> HttpResponse {
    let page = FormPage {
        staff,
        form: AgreementForm {
            channel: "email".into(),
            language: "en".into(),
            ..Default::default()
        },
    };
    private(html(StatusCode::OK, &page))
}

pub async fn create(
    req: HttpRequest,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let form: AgreementFields = staff.fields(&req, body).await?;
    let mut page = FormPage {
        staff,
        form: AgreementForm::default(),
    };
    page.take(&form);
    let raw_key = form.key.trim();
    page.key = raw_key.chars().take(70).collect();
    let t = page.staff.lang.clone();
    let key = AgreementKey::parse(raw_key)
        .map_err(|_| page.key_error = Some(t.t("agreement-key-invalid")))
        .ok();
    if AgreementKey::is_reserved(raw_key) {
        page.key_error = Some(t.t("agreement-key-reserved"));
    }
    let channel = form.channel.as_str();
    page.channel = channel.chars().take(20).collect();
    let channel = Channel::parse(channel);
    if channel.is_none() {
        page.channel_error = Some(t.t("agreement-channel-invalid"));
    }
    // Exactly a language with a catalogue: the ledger records this tag with every consent to the text.
    let language = form.language.as_deref().unwrap_or("en");
    page.language = language.chars().take(20).collect();
    if !crate::i18n::Lang::find(language).is_some_and(|l| l.code() == language) {
        page.language_error = Some(t.t("agreement-language-invalid"));
    }
    let (Some(key), Some(channel)) = (key.filter(|_| !page.has_errors()), channel) else {
        return Ok(private(html(StatusCode::UNPROCESSABLE_ENTITY, &page)));
    };
    let (title, language, text) = (page.title.clone(), page.language.clone(), page.text.clone());
    let gpc = page.gpc;
    let (k, by) = (key.clone(), Actor::from(&page.staff));
    let created = state
        .db(move |c| {
            let new = catalog::NewAgreement {
                key: &k,
                title: &title,
                channel,
                language: &language,
                text: &text,
                gpc,
            };
            Ok(catalog::create(c, &new, &by)?)
        })
        .await?;
    match created {
        agreements::Created::Id(_) => {}
        agreements::Created::KeyTaken => {
            page.key_error = Some(t.with("agreement-key-taken", &[("key", &key.to_string())]));
            return Ok(private(html(StatusCode::UNPROCESSABLE_ENTITY, &page)));
        }
        agreements::Created::Full => {
            page.key_error = Some(t.with(
                "agreement-full",
                &[("max", &t.number(agreements::MAX_AGREEMENTS))],
            ));
            return Ok(private(html(StatusCode::UNPROCESSABLE_ENTITY, &page)));
        }
    }
    state.catalog.invalidate();
    tracing::info!(agreement = %key, "agreement created");
    Ok(see_other(format!("/admin/agreements/{key}?saved=1")))
}

/// The agreement with this key, or the 404 page (in the staff member's language).
async fn find(
    state: &AppState,
    lang: &Lang,
    key: &str,
) -> Result<(Agreement, Vec<Version>), PageError> {
    let key = key.to_string();
    state
        .db(move |c| {
            let found = agreements::all(c)?.into_iter().find(|a| a.key == key);
            Ok(match found {
                Some(a) => {
                    let v = agreements::versions(c, a.id)?;
                    Some((a, v))
                }
                None => None,
            })
        })
        .await?
        .ok_or_else(|| PageError::NotFound(lang.t("agreement-not-found")))
}

fn edit_page(staff: Staff, a: Agreement, versions: Vec<Version>) -> FormPage {
    let translations = crate::i18n::Lang::all()
        .into_iter()
        .filter(|l| l.code() != a.language)
        .map(|l| {
            let current = a.translations.iter().find(|w| w.language == l.code());
            Translation {
                code: l.code().to_string(),
                name: l.name(),
                title: current.and_then(|w| w.title.clone()).unwrap_or_default(),
                text: current.map(|w| w.text.clone()).unwrap_or_default(),
                version: current.map(|w| w.version),
                error: None,
            }
        })
        .collect();
    let form = AgreementForm {
        language: a.language.clone(),
        translations,
        editing: Some(a.key.clone()),
        heading: a.title.clone(),
        archived: !a.active(),
        key: a.key,
        title: a.title,
        channel: a.channel,
        text: a.text,
        version: a.version,
        gpc: a.gpc,
        versions,
        ..Default::default()
    };
    FormPage { staff, form }
}

pub async fn show(
    req: HttpRequest,
    key: web::Path<String>,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let (a, versions) = find(&state, &staff.lang, &key).await?;
    let mut page = edit_page(staff, a, versions);
    page.saved = req.query_string().contains("saved=1");
    Ok(private(html(StatusCode::OK, &page)))
}

pub async fn update(
    req: HttpRequest,
    key: web::Path<String>,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let form: AgreementFields = staff.fields(&req, body).await?;
    let (a, versions) = find(&state, &staff.lang, &key).await?;
    let id = a.id;
    let mut page = edit_page(staff, a, versions);
    page.take(&form);
    if page.has_errors() {
        return Ok(private(html(StatusCode::UNPROCESSABLE_ENTITY, &page)));
    }
    let title = page.title.clone();
    // Its own text first, then each translation (empty: taken away).
    let texts: Vec<(String, String, String)> =
        std::iter::once((page.language.clone(), String::new(), page.text.clone()))
            .chain(
                page.translations
                    .iter()
                    .map(|t| (t.code.clone(), t.title.clone(), t.text.clone())),
            )
            .collect();
    let (by, k, gpc) = (Actor::from(&page.staff), key.to_string(), page.gpc);
    let detail = state
        .db(move |c| {
            let texts: Vec<agreements::TextIn> = texts
                .iter()
                .map(|(l, title, text)| (l.as_str(), title.as_str(), text.as_str()))
                .collect();
            Ok(catalog::edit(c, id, &k, &title, &texts, gpc, &by)?)
        })
        .await?;
    state.catalog.invalidate();
    tracing::info!(agreement = %key, %detail, "agreement edited");
    Ok(see_other(format!("/admin/agreements/{key}?saved=1")))
}

/// `POST /admin/agreements/{key}/move` with `direction=up|down`: one place earlier or later on forms,
/// in lists and among the CSV's columns.
pub async fn reorder(
    req: HttpRequest,
    key: web::Path<String>,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let form: MoveFields = staff.fields(&req, body).await?;
    let up = match form.direction.as_str() {
        "up" => true,
        "down" => false,
        _ => {
            return Err(PageError::BadRequest(staff.t("agreement-bad-direction")));
        }
    };
    let (a, _) = find(&state, &staff.lang, &key).await?;
    let (id, k, by) = (a.id, key.to_string(), Actor::from(&staff));
    state
        .db(move |c| Ok(catalog::reorder(c, id, &k, up, &by)?))
        .await?;
    state.catalog.invalidate();
    Ok(see_other(format!("/admin/agreements#agreement-{key}")))
}

pub async fn archive(
    req: HttpRequest,
    key: web::Path<String>,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    staff.form(&req, body).await?;
    let (a, _) = find(&state, &staff.lang, &key).await?;
    let (id, k, by) = (a.id, key.to_string(), Actor::from(&staff));
    state
        .db(move |c| Ok(catalog::archive(c, id, &k, &by)?))
        .await?;
    state.catalog.invalidate();
    tracing::info!(agreement = %key, "agreement archived");
    Ok(see_other(format!("/admin/agreements/{key}?saved=1")))
}
