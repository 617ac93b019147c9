//! Audiences (marketers and admins): count the profiles with all of, any of or none of chosen agreements,
//! save the combination under a name, export it (admins) and delete it. Every count comes from one
//! histogram of consent masks, so the page costs the same at any number of profiles.

use super::private;
use crate::audiences::{Histogram, Match, Rule, saved};
use crate::db::models::agreements::Agreement;
use crate::db::models::audiences::{self, Audience};
use crate::domain::{Actor, single_line};
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
}

/// "all of Newsletter, SMS", with the agreements' titles.
fn reads(how: Match, keys: &[&str], catalog: &[Agreement]) -> String {
    let titles: Vec<&str> = keys
        .iter()
        .map(|k| {
            catalog
                .iter()
                .find(|a| a.key == *k)
                .map_or(*k, |a| a.title.as_str())
        })
        .collect();
    format!("{} {}", how.words(), titles.join(", "))
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
    let saved = saved
        .into_iter()
        .map(|a| {
            let (n, words) = match a.rule(&catalog) {
                Ok(rule) => (histogram.count(&rule), reads(rule.how, &a.keys(), &catalog)),
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
        match Match::parse(raw) {
            Ok(how) => page.how = how,
            Err(e) => page.choice_error = Some(e),
        }
        if page.choice_error.is_none() {
            let keys: Vec<&str> = page.chosen.iter().map(String::as_str).collect();
            match Rule::new(page.how, &keys, |k| Agreement::bit_of(&catalog, k)) {
                Ok(r) => {
                    page.count = Some(histogram.count(&r));
                    rule = Some(r);
                }
                Err(e) => page.choice_error = Some(e),
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
        "saved" => Some("Saved.".into()),
        "deleted" => Some("Deleted.".into()),
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
        page.choice_error = Some("Choose all, any or none.".into());
    }
    let name = match single_line("The name", &form.name, 80) {
        Ok(Some(n)) => Some(n),
        Ok(None) => {
            page.name_error =
                Some("Give the audience a name, e.g. \u{201c}Newsletter and SMS\u{201d}.".into());
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
        page.name_error = Some(format!(
            "An audience named \u{201c}{name}\u{201d} already exists; choose another name."
        ));
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
        return Err(PageError::NotFound(
            "There is no saved audience with this id.".into(),
        ));
    }
    Ok(super::see_other("/admin/audiences?done=deleted"))
}
