//! The sign-up form builder (marketers and admins): copy-paste HTML of a form for chosen agreements that
//! posts to `/subscribe` with the `shown=KEY:VERSION` of each text, and a preview rendered by the server
//! from the very same markup. A GET form: building changes nothing.

use super::private;
use super::profiles::{escape, one_line};
use crate::db::models::agreements::Agreement;
use crate::i18n::Lang;
use crate::routes::edge::Staff;
use crate::routes::edge::error::{PageError, html};
use crate::routes::edge::{AppState, Form};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

/// The markup a website embeds.
#[derive(Template)]
#[template(path = "embed/signup_form.html")]
struct Snippet<'a> {
    base: &'a str,
    /// The form's language: its labels, the agreements' texts, and the `lang` it posts.
    t: &'a Lang,
    keys: String,
    agreements: Vec<&'a Agreement>,
    with_name: bool,
    button: &'a str,
    generated: String,
}

#[derive(Template)]
#[template(path = "admin/forms.html")]
struct BuilderPage {
    staff: Staff,
    active: Vec<Agreement>,
    chosen: Vec<String>,
    with_name: bool,
    /// The button text typed (empty: the form language's own).
    button: String,
    lang: Lang,
    snippet: Option<String>,
}

impl BuilderPage {
    fn is_chosen(&self, key: &str) -> bool {
        self.chosen.iter().any(|k| k == key)
    }

    /// The choice of the form's language.
    fn languages(&self) -> Vec<(String, String)> {
        Lang::choices()
    }

    /// What the builder makes, naming the address the form posts to (as code).
    fn intro(&self) -> String {
        self.staff
            .lang
            .html("forms-intro", "path", "<code>/subscribe</code>")
    }

    /// The button field's hint: the form language's own button text, quoted in that language.
    fn button_help(&self) -> String {
        let own = format!(
            r#"<q lang="{}">{}</q>"#,
            escape(self.lang.code()),
            escape(&self.lang.t("subscribe-button"))
        );
        self.staff.lang.html("forms-button-help", "button", &own)
    }
}

/// The builder's choices, sent back to the same page (`built` marks a submitted builder).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct BuilderQuery {
    built: Option<String>,
    agreement: Vec<String>,
    lang: Option<String>,
    button: String,
    with_name: Option<String>,
}

impl crate::routes::edge::Fields for BuilderQuery {
    const LISTS: &'static [&'static str] = &["agreement"];
}

pub async fn page(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let q: BuilderQuery = Form::query(&req)?;
    let catalog = state.catalog.get().await?;
    let active: Vec<Agreement> = catalog.iter().filter(|a| a.active()).cloned().collect();
    // The first visit shows a form for the first active agreement; after that, exactly what was ticked.
    let chosen: Vec<String> = if q.built.is_some() {
        q.agreement.clone()
    } else {
        active.iter().take(1).map(|a| a.key.clone()).collect()
    };
    if let Some(unknown) = chosen.iter().find(|k| !active.iter().any(|a| &a.key == *k)) {
        return Err(PageError::BadRequest(staff.lang.with(
            "forms-unknown-agreement",
            &[("value", &unknown.chars().take(70).collect::<String>())],
        )));
    }
    let lang = match q.lang.as_deref() {
        None => Lang::default(),
        Some(tag) => Lang::find(tag).filter(|l| l.code() == tag).ok_or_else(|| {
            PageError::BadRequest(staff.lang.with(
                "forms-unknown-language",
                &[("value", &tag.chars().take(20).collect::<String>())],
            ))
        })?,
    };
    let button = match Some(q.button.trim()).filter(|b| !b.is_empty()) {
        None => String::new(),
        Some(b) => one_line(&staff.lang, "forms-button", b, 40)
            .map_err(PageError::BadRequest)?
            .unwrap_or_default(),
    };
    let button_shown = if button.is_empty() {
        lang.t("subscribe-button")
    } else {
        button.clone()
    };
    let with_name = q.with_name.is_some() || q.built.is_none();
    // In the order of the agreements list, whatever order they were ticked in.
    let on_form: Vec<&Agreement> = active.iter().filter(|a| chosen.contains(&a.key)).collect();
    let snippet = if on_form.is_empty() {
        None
    } else {
        let s = Snippet {
            base: &state.composer.base_url,
            t: &lang,
            keys: on_form
                .iter()
                .map(|a| a.key.as_str())
                .collect::<Vec<_>>()
                .join(","),
            agreements: on_form,
            with_name,
            button: &button_shown,
            generated: crate::db::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        };
        Some(s.render().map_err(|e| PageError::Unexpected(e.into()))?)
    };
    Ok(private(html(
        StatusCode::OK,
        &BuilderPage {
            staff,
            active,
            chosen,
            with_name,
            button,
            lang,
            snippet,
        },
    )))
}
