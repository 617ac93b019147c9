//! What the customer pages' forms send, read once into typed fields, and what those fields mean: a
//! sign-up request, a choice of agreements with the wordings shown, an address. A handler holds either
//! a valid request or the errors to show beside the fields, nothing in between.

use crate::consent::{Change, wording};
use crate::db::models::agreements::{Agreement, Wording};
use crate::domain::{AgreementId, ConsentValue, Email, single_line};
use crate::i18n::{Lang, email_error};
use crate::routes::edge::Fields;
use serde::Deserialize;

/// The agreements a form ticked (`agreement=KEY`, repeated) and the wording it showed for each
/// (`shown=KEY:VERSION:LANG`, repeated).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Choice {
    #[serde(rename = "agreement")]
    pub ticked: Vec<String>,
    shown: Vec<Shown>,
}

const CHOICE_LISTS: &[&str] = &["agreement", "shown"];

/// One `shown=KEY:VERSION:LANG` field (`KEY:VERSION`: the agreement's own language). A field whose
/// version is not a number says nothing: the page's current wording counts, as when none was sent.
#[derive(Deserialize)]
#[serde(from = "String")]
struct Shown {
    key: String,
    version: Option<i32>,
    language: Option<String>,
}

impl From<String> for Shown {
    fn from(field: String) -> Shown {
        let mut parts = field.splitn(3, ':');
        Shown {
            key: parts.next().unwrap_or_default().to_string(),
            version: parts.next().and_then(|v| v.parse().ok()),
            language: parts.next().map(String::from),
        }
    }
}

impl Choice {
    pub fn is_ticked(&self, key: &str) -> bool {
        self.ticked.iter().any(|k| k == key)
    }

    /// The wording of `a` the form showed; without a `shown` field for it, the current wording in the
    /// page's language. A wording that is no longer current in its language is an error: the person
    /// would have agreed to words that are not shown any more, so they are shown the new ones instead.
    pub fn wording(&self, a: &Agreement, t: &Lang) -> Result<Wording, String> {
        let shown = self.shown.iter().find_map(|s| {
            (s.key == a.key).then_some(())?;
            Some((s.version?, s.language.as_deref().unwrap_or(&a.language)))
        });
        wording::as_shown(a, shown, t.code())
            .ok_or_else(|| t.with("error-wording-changed", &[("title", a.title_in(t.code()))]))
    }

    /// The first ticked agreement whose shown wording changed since the form was shown.
    pub fn stale(&self, all: &[Agreement], t: &Lang) -> Option<String> {
        all.iter()
            .filter(|a| self.is_ticked(&a.key))
            .find_map(|a| self.wording(a, t).err())
    }

    /// The preference centre's rule: every active agreement ticked becomes enabled, every other one
    /// disabled, each to the wording shown (an unticked one to the words now shown). A ticked key that
    /// is not an active agreement, or a ticked wording that changed, refuses the whole form.
    pub fn preferences(&self, all: &[Agreement], t: &Lang) -> Result<Vec<Change>, String> {
        if let Some(bad) = self
            .ticked
            .iter()
            .find(|k| !all.iter().any(|a| a.active() && &a.key == *k))
        {
            return Err(format!(
                "\u{201c}{}\u{201d} is not an agreement you can choose here. Nothing was changed.",
                bad.chars().take(70).collect::<String>()
            ));
        }
        if let Some(stale) = self.stale(all, t) {
            return Err(stale);
        }
        Ok(all
            .iter()
            .filter(|a| a.active())
            .map(|a| {
                let w = self
                    .wording(a, t)
                    .unwrap_or_else(|_| a.wording_in(t.code()));
                Change {
                    agreement_id: AgreementId(a.id),
                    value: if self.is_ticked(&a.key) {
                        ConsentValue::Enabled
                    } else {
                        ConsentValue::Disabled
                    },
                    version: Some(w.version),
                    language: Some(w.language),
                }
            })
            .collect())
    }
}

/// The sign-up form (`POST /subscribe`).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SignupFields {
    pub email: String,
    pub name: String,
    pub lang: Option<String>,
    /// The `agreements=K1,K2` list the form was opened with, kept so a re-rendered form shows the same set.
    pub agreements: String,
    #[serde(flatten)]
    pub choice: Choice,
}

impl Fields for SignupFields {
    const LISTS: &'static [&'static str] = CHOICE_LISTS;
}

/// A sign-up that may be recorded: a valid address, a one-line name, and at least one active agreement,
/// each with the (agreement id, version, language) of the wording the form showed.
pub struct SignupRequest {
    pub email: Email,
    pub name: Option<String>,
    pub agreements: Vec<(i64, i32, String)>,
}

/// What is wrong with a sign-up form, field by field, in the page's language.
#[derive(Default)]
pub struct SignupErrors {
    pub email: Option<String>,
    pub name: Option<String>,
    pub agreement: Option<String>,
}

impl SignupFields {
    /// The whole submitted values are checked, never a cut-off copy: junk after an address or a header
    /// line after a name is refused, not silently dropped.
    pub fn check(&self, all: &[Agreement], t: &Lang) -> Result<SignupRequest, SignupErrors> {
        let mut errors = SignupErrors::default();
        let email = Email::parse(&self.email)
            .map_err(|_| errors.email = Some(email_error(t, &self.email)))
            .ok();
        let name = single_line("Your name", &self.name, 200)
            .map_err(|_| errors.name = Some(t.t("error-name")))
            .ok()
            .flatten();
        let mut chosen: Vec<(i64, i32, String)> = Vec::new();
        for key in &self.choice.ticked {
            match all.iter().find(|a| &a.key == key && a.active()) {
                Some(a) if !chosen.iter().any(|(id, _, _)| *id == a.id) => {
                    // A changed wording is reported below, for all ticked agreements at once.
                    if let Ok(w) = self.choice.wording(a, t) {
                        chosen.push((a.id, w.version, w.language));
                    }
                }
                Some(_) => {}
                None => {
                    let key: String = key.chars().take(70).collect();
                    errors.agreement = Some(t.with("error-agreement-unknown", &[("value", &key)]));
                }
            }
        }
        if let Some(stale) = self.choice.stale(all, t) {
            errors.agreement = Some(stale);
        }
        if chosen.is_empty() && errors.agreement.is_none() {
            errors.agreement = Some(t.t("error-agreement-none"));
        }
        match email {
            Some(email)
                if errors.email.is_none()
                    && errors.name.is_none()
                    && errors.agreement.is_none() =>
            {
                Ok(SignupRequest {
                    email,
                    name,
                    agreements: chosen,
                })
            }
            _ => Err(errors),
        }
    }
}

/// The preference centre's form (`POST /preferences/{token}`).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PreferenceFields {
    pub lang: Option<String>,
    #[serde(flatten)]
    pub choice: Choice,
}

impl Fields for PreferenceFields {
    const LISTS: &'static [&'static str] = CHOICE_LISTS;
}

/// "Email me a link" (`POST /preferences`).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AskFields {
    pub email: String,
    pub lang: Option<String>,
}

impl Fields for AskFields {}

/// The resignation page's form, or an RFC 8058 one-click POST (`List-Unsubscribe=One-Click`).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UnsubscribeFields {
    pub lang: Option<String>,
    #[serde(rename = "List-Unsubscribe")]
    list_unsubscribe: Option<String>,
}

impl Fields for UnsubscribeFields {}

impl UnsubscribeFields {
    pub fn one_click(&self) -> bool {
        self.list_unsubscribe.as_deref() == Some("One-Click")
    }
}
