//! Which wording of an agreement a person agreed to. A form carries the version and language of each
//! wording it showed; consent is recorded to exactly that wording, and only while it is still the
//! current one in its language: a person must never be recorded as agreeing to words no longer shown.

use crate::db::models::agreements::{Agreement, Wording};

/// The wording of `a` that a form showed: `shown` is its (version, language) as the form gave them;
/// without them, the current wording in the page's language. `None` when the wording shown is no longer
/// the current one in its language (the person must be shown the new words instead).
pub fn as_shown(a: &Agreement, shown: Option<(i32, &str)>, page_language: &str) -> Option<Wording> {
    let Some((version, language)) = shown else {
        return Some(a.wording_in(page_language));
    };
    let current = if language == a.language {
        Some(a.version)
    } else {
        a.translations
            .iter()
            .find(|w| w.language == language)
            .map(|w| w.version)
    };
    (current == Some(version)).then(|| a.wording_in(language))
}
