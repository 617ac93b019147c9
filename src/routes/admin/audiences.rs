//! Audiences (marketers and admins): count the profiles with all of, any of or none of chosen agreements,
//! save the combination under a name, export it (admins) and delete it. Every count comes from one
//! histogram of consent masks, so the page costs the same at any number of profiles.

use super::private;
use crate::audiences::{Histogram, Match, Rule, saved};
use crate::db::models::agreements::Agreement;
use crate::db::models::audiences::{self, Audience};
use crate::domain::Actor;
use crate::i18n::Lang;
use crate::routes::edge::Staff;
use crate::routes::edge::error::{PageError, html};
use crate::routes::edge::{AppState, Fields, Form};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "admin/audiences.html")]
struct AudiencesPage {
    staff: Staff,
    agreements: Vec<Agreement>,
    /// (saved audience, its count, how it reads)
    saved: Vec<(Audience, i64, String)>,
    /// The combination being built: rule and keys.
    how: Match,
    chosen: Vec<String>,
    /// Its count, once asked for.
    count: Option<i64>,
    name: String,
    name_error: Option<String>,
    choice_error: Option<String>,
    notice: Option<String>,
}

impl AudiencesPage {
    fn rules(&self) -> [Match; 3] {
        [Match::All, Match::Any, Match::None]
    }

    fn is_chosen(&self, key: &str) -> bool {
        self.chosen.iter().any(|k| k == key)
    }

    /// The sentence after the count ("profiles have all of the chosen agreements enabled.").
    fn result_message(&self) -> &'static str {
        match self.how {
            Match::All => "audiences-result-all",
            Match::Any => "audiences-result-any",
            Match::None => "audiences-result-none",
        }
    }
}

/// The rule of an audience (`all`, `any` or `none` of these agreement keys), or why there is none, in
/// the staff member's language.
fn rule_of(lang: &Lang, how: &str, keys: &[&str], catalog: &[Agreement]) -> Result<Rule, String> {
    let how = Match::parse(how).map_err(|_| {
        lang.with(
            "audiences-no-rule",
            &[("value", &how.chars().take(20).collect::<String>())],
        )
    })?;
    if keys.is_empty() {
        return Err(lang.t("audiences-choose-agreement"));
    }
    if let Some(unknown) = keys
        .iter()
        .find(|k| Agreement::bit_of(catalog, k).is_none())
    {
        return Err(lang.with(
            "audiences-no-agreement",
            &[("value", &unknown.chars().take(70).collect::<String>())],
        ));
    }
    Rule::new(how, keys, |k| Agreement::bit_of(catalog, k))
}

/// "all of Newsletter, SMS", with the agreements' titles, in the staff member's language.
fn reads(lang: &Lang, how: Match, keys: &[&str], catalog: &[Agreement]) -> String {
    let titles: Vec<&str> = keys
        .iter()
        .map(|k| {
            catalog
                .iter()
                .find(|a| a.key == *k)
                .map_or(*k, |a| a.title.as_str())
        })
        .collect();
    lang.with(
        "audiences-reads",
        &[("rule", how.as_str()), ("titles", &titles.join(", "))],
    )
}

/// The audience builder (a page's query, or the save form): the agreements chosen, how they combine
/// (`rule=all|any|none`) and, to save it, a name.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct AudienceFields {
    agreement: Vec<String>,
    rule: Option<String>,
    name: String,
    done: String,
}

impl Fields for AudienceFields {
    const LISTS: &'static [&'static str] = &["agreement"];
}

async fn build(
    state: &AppState,
    staff: Staff,
    form: &AudienceFields,
) -> Result<(AudiencesPage, Option<Rule>), PageError> {
    let catalog = state.catalog.get().await?.to_vec();
    let (histogram, saved) = state
        .db(|c| Ok((Histogram::load(c)?, audiences::all(c)?)))
        .await?;
    let lang = &staff.lang;
    let saved = saved
        .into_iter()
        .map(|a| {
            let (n, words) = match rule_of(lang, &a.rule, &a.keys(), &catalog) {
                Ok(rule) => (
                    histogram.count(&rule),
                    reads(lang, rule.how, &a.keys(), &catalog),
                ),
                Err(e) => (0, e),
            };
            (a, n, words)
        })
        .collect();
    let mut page = AudiencesPage {
        staff,
        agreements: catalog.iter().filter(|a| a.active()).cloned().collect(),
        saved,
        how: Match::All,
        chosen: form.agreement.clone(),
        count: None,
        name: form.name.chars().take(100).collect(),
        name_error: None,
        choice_error: None,
        notice: None,
    };
    let mut rule = None;
    if let Some(raw) = form.rule.as_deref() {
        let keys: Vec<&str> = page.chosen.iter().map(String::as_str).collect();
        match rule_of(&page.staff.lang, raw, &keys, &catalog) {
            Ok(r) => {
                page.how = r.how;
                page.count = Some(histogram.count(&r));
                rule = Some(r);
            }
            Err(e) => {
                if let Ok(how) = Match::parse(raw) {
                    page.how = how;
                }
                page.choice_error = Some(e);
            }
        }
    }
    Ok((page, rule))
}

pub async fn list(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let query: AudienceFields = Form::query(&req)?;
    let (mut page, _) = build(&state, staff, &query).await?;
    page.notice = match query.done.as_str() {
        "saved" => Some(page.staff.t("audiences-saved")),
        "deleted" => Some(page.staff.t("audiences-deleted")),
        _ => None,
    };
    let status = if page.choice_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(private(html(status, &page)))
}

pub async fn save(
    req: HttpRequest,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let form: AudienceFields = staff.fields(&req, body).await?;
    let (mut page, rule) = build(&state, staff.clone(), &form).await?;
    if rule.is_none() && page.choice_error.is_none() {
        page.choice_error = Some(staff.t("audiences-choose-rule"));
    }
    let name = match super::profiles::one_line(&staff.lang, "audiences-name", &form.name, 80) {
        Ok(Some(n)) => Some(n),
        Ok(None) => {
            page.name_error = Some(staff.t("audiences-name-missing"));
            None
        }
        Err(e) => {
            page.name_error = Some(e);
            None
        }
    };
    let (Some(name), Some(_), None) = (name, rule, &page.choice_error) else {
        return Ok(private(html(StatusCode::UNPROCESSABLE_ENTITY, &page)));
    };
    let (how, keys) = (page.how, page.chosen.clone());
    let (n, by) = (name.clone(), Actor::from(&staff));
    let saved = state
        .db(move |c| {
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            Ok(saved::save(c, &n, how, &keys, &by)?)
        })
        .await?;
    if saved.is_none() {
        page.name_error = Some(staff.lang.with("audiences-name-taken", &[("name", &name)]));
        return Ok(private(html(StatusCode::UNPROCESSABLE_ENTITY, &page)));
    }
    Ok(super::see_other("/admin/audiences?done=saved"))
}

pub async fn delete(
    req: HttpRequest,
    id: web::Path<i64>,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    staff.form(&req, body).await?;
    let id = id.into_inner();
    let by = Actor::from(&staff);
    let gone = state.db(move |c| Ok(saved::delete(c, id, &by)?)).await?;
    if !gone {
        return Err(PageError::NotFound(staff.t("audiences-not-found")));
    }
    Ok(super::see_other("/admin/audiences?done=deleted"))
}
