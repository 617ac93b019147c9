//! The customer's language for public pages: catalogues in `templates/locales/<tag>/assent.ftl`
//! (Fluent), compiled in; adding a language is adding a folder. The page's language is the first of:
//! `?lang=` (or the form's `lang` field), the profile's saved language, `Accept-Language`, English.

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, PoisonError, RwLock};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./templates/locales",
        fallback_language: "en",
        // No Unicode isolation marks around values: pages and emails are left-to-right text.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// A language's catalogue, and the messages already formatted from it.
struct Catalogue {
    code: String,
    id: LanguageIdentifier,
    /// Messages formatted without values (`t`) and templates with a marker for one value (`html`),
    /// by id: formatting the same message anew for every page was a tenth of a sign-up's work. It only
    /// holds messages the catalogue has, so it is bounded by the catalogue, whatever ids are asked for.
    formatted: RwLock<HashMap<String, Arc<str>>>,
}

/// The languages with a catalogue, by primary tag, sorted.
static AVAILABLE: LazyLock<Vec<Catalogue>> = LazyLock::new(|| {
    let mut all: Vec<Catalogue> = LOCALES
        .locales()
        .map(|l| Catalogue {
            code: l.to_string().to_ascii_lowercase(),
            id: l.clone(),
            formatted: RwLock::default(),
        })
        .collect();
    all.sort_by(|a, b| a.code.cmp(&b.code));
    all
});

/// A language Assent has a catalogue for.
#[derive(Clone, Copy)]
pub struct Lang(&'static Catalogue);

impl PartialEq for Lang {
    fn eq(&self, other: &Lang) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

impl Eq for Lang {}

impl std::fmt::Debug for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Lang").field(&self.0.code).finish()
    }
}

impl Default for Lang {
    fn default() -> Lang {
        Lang::find("en").expect("the English catalogue")
    }
}

impl Lang {
    /// The catalogue for a language tag: exact (`pt-br`), else by its primary tag (`de-CH` → `de`).
    pub fn find(tag: &str) -> Option<Lang> {
        let tag = tag.trim();
        if tag.is_empty() || tag.len() > 35 {
            return None;
        }
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        AVAILABLE
            .iter()
            .find(|c| c.code.eq_ignore_ascii_case(tag))
            .or_else(|| {
                AVAILABLE
                    .iter()
                    .find(|c| c.code.eq_ignore_ascii_case(primary))
            })
            .map(Lang)
    }

    /// Every language with a catalogue, by tag.
    pub fn all() -> Vec<Lang> {
        AVAILABLE.iter().map(Lang).collect()
    }

    /// Every language with a catalogue as (tag, own name), for a choice of language in the dashboard.
    pub fn choices() -> Vec<(String, String)> {
        Lang::all()
            .into_iter()
            .map(|l| (l.code().to_string(), l.name()))
            .collect()
    }

    /// The tag for `<html lang>` and links.
    pub fn code(&self) -> &'static str {
        &self.0.code
    }

    /// The language's own name ("Deutsch"), from its catalogue.
    pub fn name(&self) -> String {
        self.t("language-name")
    }

    /// A message.
    pub fn t(&self, id: &str) -> String {
        self.formatted(id, || LOCALES.try_lookup(&self.0.id, id))
            .map_or_else(|| LOCALES.lookup(&self.0.id, id), |m| m.to_string())
    }

    /// `id`'s entry in the cache of formatted messages, made by `format` (`None`: no such message, which
    /// is not kept).
    fn formatted(&self, id: &str, format: impl FnOnce() -> Option<String>) -> Option<Arc<str>> {
        let cache = &self.0.formatted;
        if let Some(m) = cache.read().unwrap_or_else(PoisonError::into_inner).get(id) {
            return Some(m.clone());
        }
        let m: Arc<str> = format()?.into();
        cache
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id.to_string(), m.clone());
        Some(m)
    }

    /// A message with a number (for plurals).
    pub fn count(&self, id: &str, n: impl Whole) -> String {
        let n = n.whole();
        let args = HashMap::from([(Cow::Borrowed("count"), FluentValue::from(n))]);
        let text = LOCALES.lookup_with_args(&self.0.id, id, &args);
        if n.unsigned_abs() < 1000 {
            return text;
        }
        // Fluent writes `$count` without grouping; write it as the language writes numbers.
        text.replace(&n.to_string(), &self.number(n))
    }

    /// The message `{prefix}-{word}`: a stored word (a job's status, say) in the language.
    pub fn word(&self, prefix: &str, word: &str) -> String {
        self.t(&format!("{prefix}-{word}"))
    }

    /// A whole number grouped by thousands as the language writes it (`format-group`: 1,234 / 1 234 / 1.234).
    pub fn number(&self, n: impl Whole) -> String {
        let n = n.whole();
        let digits = n.unsigned_abs().to_string();
        let group = self.t("format-group");
        let mut out = String::with_capacity(digits.len() + 8);
        if n < 0 {
            out.push('-');
        }
        for (i, d) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(&group);
            }
            out.push(d);
        }
        out
    }

    /// A number with one decimal place, in the language's decimal mark (`format-decimal`).
    pub fn decimal(&self, x: f64) -> String {
        let tenths = (x * 10.0).round() as i64;
        format!(
            "{}{}{}",
            self.number(tenths / 10),
            self.t("format-decimal"),
            (tenths % 10).abs()
        )
    }

    /// A size in bytes as the language writes it, in decimal units (kB, MB, GB).
    pub fn bytes(&self, n: impl Whole) -> String {
        let n = n.whole();
        const UNITS: [(f64, &str); 3] = [(1e9, "GB"), (1e6, "MB"), (1e3, "kB")];
        let x = n as f64;
        UNITS.iter().find(|(size, _)| x >= *size).map_or_else(
            || format!("{} B", self.number(n)),
            |(size, unit)| format!("{} {unit}", self.decimal(x / size)),
        )
    }

    /// A duration in the largest whole unit that fits (seconds, minutes, hours, days).
    pub fn duration(&self, seconds: impl Whole) -> String {
        let seconds = seconds.whole();
        let (n, unit) = match seconds {
            ..120 => (seconds, "duration-seconds"),
            ..7200 => (seconds / 60, "duration-minutes"),
            ..172_800 => (seconds / 3600, "duration-hours"),
            _ => (seconds / 86_400, "duration-days"),
        };
        self.count(unit, n.max(0))
    }

    /// A time (stored in UTC) as the language writes it (`format-datetime`, a chrono pattern).
    pub fn datetime(&self, t: impl Moment) -> String {
        t.moment().format(&self.t("format-datetime")).to_string()
    }

    /// A day as the language writes it (`format-date`).
    pub fn date(&self, d: impl Day) -> String {
        d.day().format(&self.t("format-date")).to_string()
    }

    /// A message with plain-text values.
    pub fn with(&self, id: &str, values: &[(&'static str, &str)]) -> String {
        LOCALES.lookup_with_args(&self.0.id, id, &args(values))
    }

    /// A message as HTML (for `|safe`), its text escaped, with `$name` as `<strong>value</strong>`.
    pub fn strong(&self, id: &str, name: &'static str, value: &str) -> String {
        self.html(id, name, &format!("<strong>{}</strong>", escape(value)))
    }

    /// A message as HTML, its text escaped, with `$link` as a link to `href` saying `text`.
    pub fn link(&self, id: &str, href: &str, text: &str) -> String {
        self.html(
            id,
            "link",
            &format!(r#"<a href="{}">{}</a>"#, escape(href), escape(text)),
        )
    }

    /// The message with `$name` as a marker, escaped as a whole, then the marker replaced by `fragment`
    /// (already safe HTML): the translation cannot inject markup, the value cannot either.
    pub fn html(&self, id: &str, name: &'static str, fragment: &str) -> String {
        const MARK: &str = "\u{E000}";
        // Kept under a key no message id can have (ids are letters, digits and hyphens).
        let escaped = self.formatted(&format!("{id} {name}"), || {
            LOCALES
                .try_lookup_with_args(&self.0.id, id, &args(&[(name, MARK)]))
                .map(|m| escape(&m))
        });
        match escaped {
            Some(m) => m.replace(MARK, fragment),
            None => escape(&self.with(id, &[(name, MARK)])).replace(MARK, fragment),
        }
    }

    /// A message as HTML (for `|safe`), its text escaped, each `(name, kind, value)` filled in escaped:
    /// as `<code>` (kind `code`), `<strong>` (`strong`), an error (`error`) or plain text (any other).
    pub fn marked(&self, id: &str, values: &[(&'static str, &str, &str)]) -> String {
        // Markers from the private use area stand in for the values while the message is escaped.
        let marks: Vec<String> = (0..values.len())
            .map(|i| char::from_u32(0xE000 + i as u32).map_or_else(String::new, String::from))
            .collect();
        let args: Vec<(&'static str, &str)> = values
            .iter()
            .zip(&marks)
            .map(|((name, _, _), mark)| (*name, mark.as_str()))
            .collect();
        let mut out = escape(&self.with(id, &args));
        for ((_, kind, value), mark) in values.iter().zip(&marks) {
            let value = escape(value);
            let fragment = match *kind {
                "code" => format!("<code>{value}</code>"),
                "strong" => format!("<strong>{value}</strong>"),
                "error" => format!(r#"<span class="error-text">{value}</span>"#),
                _ => value,
            };
            out = out.replace(mark.as_str(), &fragment);
        }
        out
    }
}

/// Plain-text values for a message.
fn args(values: &[(&'static str, &str)]) -> HashMap<Cow<'static, str>, FluentValue<'static>> {
    values
        .iter()
        .map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.to_string())))
        .collect()
}

/// A whole number, however a template holds it (by value or behind references).
pub trait Whole {
    fn whole(&self) -> i64;
}

macro_rules! whole {
    ($($t:ty),*) => {$(impl Whole for $t {
        fn whole(&self) -> i64 {
            i64::try_from(*self).unwrap_or(i64::MAX)
        }
    })*};
}
whole!(i64, i32, u32, u64, usize);

impl<T: Whole + ?Sized> Whole for &T {
    fn whole(&self) -> i64 {
        (**self).whole()
    }
}

/// A time stored in UTC, however a template holds it.
pub trait Moment {
    fn moment(&self) -> chrono::NaiveDateTime;
}

impl Moment for chrono::NaiveDateTime {
    fn moment(&self) -> chrono::NaiveDateTime {
        *self
    }
}

impl Moment for chrono::DateTime<chrono::Utc> {
    fn moment(&self) -> chrono::NaiveDateTime {
        self.naive_utc()
    }
}

impl<T: Moment + ?Sized> Moment for &T {
    fn moment(&self) -> chrono::NaiveDateTime {
        (**self).moment()
    }
}

/// A calendar day, however a template holds it.
pub trait Day {
    fn day(&self) -> chrono::NaiveDate;
}

impl Day for chrono::NaiveDate {
    fn day(&self) -> chrono::NaiveDate {
        *self
    }
}

impl<T: Day + ?Sized> Day for &T {
    fn day(&self) -> chrono::NaiveDate {
        (**self).day()
    }
}

/// Text made safe for HTML (and SVG) content and attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let mut plain = 0;
    // The five characters are ASCII, so every byte index found is a character boundary.
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[plain..i]);
        out.push_str(entity);
        plain = i + 1;
    }
    out.push_str(&s[plain..]);
    out
}

/// Why an email address was refused, in the page's language.
pub fn email_error(t: &Lang, raw: &str) -> String {
    let s = raw.trim();
    if s.is_empty() {
        t.t("error-email-missing")
    } else if s.len() > crate::domain::email::MAX_LEN {
        t.with(
            "error-email-too-long",
            &[("max", &crate::domain::email::MAX_LEN.to_string())],
        )
    } else {
        t.with(
            "error-email-invalid",
            &[("value", &crate::domain::email::shorten(s))],
        )
    }
}

/// The page's language: the first of the explicit choice, the saved one, `Accept-Language`, English.
pub fn negotiate(explicit: Option<&str>, saved: Option<&str>, accept: Option<&str>) -> Lang {
    explicit
        .and_then(Lang::find)
        .or_else(|| saved.and_then(Lang::find))
        .or_else(|| accept.and_then(from_accept_language))
        .unwrap_or_default()
}

/// The most wanted language of an `Accept-Language` header that has a catalogue.
fn from_accept_language(header: &str) -> Option<Lang> {
    let mut wanted: Vec<(f32, usize, &str)> = header
        .split(',')
        .take(20)
        .enumerate()
        .filter_map(|(i, part)| {
            let mut bits = part.split(';');
            let tag = bits.next()?.trim();
            let q = bits
                .find_map(|b| b.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            (q > 0.0 && tag != "*").then_some((q, i, tag))
        })
        .collect();
    // Highest weight first; equal weights in the order given.
    wanted.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    wanted.into_iter().find_map(|(_, _, tag)| Lang::find(tag))
}

/// The `Accept-Language` header of a request.
pub fn accept_language(req: &actix_web::HttpRequest) -> Option<&str> {
    req.headers()
        .get(actix_web::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_explicit_choice_beats_the_saved_one_beats_the_browser_beats_english() {
        let code = |e, s, a| negotiate(e, s, a).code().to_string();
        assert_eq!(code(Some("pl"), Some("de"), Some("de")), "pl");
        assert_eq!(code(Some("xx"), Some("de"), Some("pl")), "de");
        assert_eq!(code(None, None, Some("fr-FR, de-CH;q=0.8, pl;q=0.9")), "pl");
        assert_eq!(code(None, None, Some("de-AT")), "de");
        assert_eq!(code(None, None, Some("fr, *;q=0.5")), "en");
        assert_eq!(code(None, None, Some("pl;q=0, de;q=abc")), "en");
        assert_eq!(code(None, None, None), "en");
        let codes: Vec<String> = Lang::all().iter().map(|l| l.code().to_string()).collect();
        assert_eq!(codes, ["de", "en", "pl"]);
    }

    #[test]
    fn messages_are_translated_and_values_cannot_inject_markup() {
        let de = Lang::find("de").unwrap();
        assert_eq!(de.t("subscribe-button"), "Anmelden");
        assert_eq!(
            de.strong("subscribed-sent", "email", "<b>x</b>@example.com"),
            "Wir haben eine E-Mail an <strong>&lt;b&gt;x&lt;/b&gt;@example.com</strong> gesendet. Öffnen Sie den Link darin und drücken Sie zur Bestätigung auf die Schaltfläche."
        );
        let pl = Lang::find("pl").unwrap();
        assert_eq!(
            pl.count("prefs-saved", &0),
            "Zapisano. Nic nie trzeba było zmieniać."
        );
        assert_eq!(pl.count("prefs-saved", &3), "Zapisano. Zapisano 3 zmiany.");
        assert_eq!(pl.count("prefs-saved", &5), "Zapisano. Zapisano 5 zmian.");
        let en = Lang::default();
        assert_eq!(en.count("prefs-saved", &1), "Saved. 1 change recorded.");
        assert_eq!(
            en.link("footer", "/preferences", "your preferences"),
            "Your choices are recorded with the exact wording you agreed to. You can change them at any time in <a href=\"/preferences\">your preferences</a>."
        );
    }

    #[test]
    fn every_catalogue_has_every_message_of_the_english_one_and_no_other() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/locales");
        let ids = |tag: &str, file: &str| -> std::collections::BTreeSet<String> {
            std::fs::read_to_string(dir.join(tag).join(file))
                .unwrap()
                .lines()
                .filter(|l| !l.starts_with([' ', '#', '*', '[', '}']))
                .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_string()))
                .collect()
        };
        // The public pages and emails (assent.ftl), and the dashboard (dashboard*.ftl).
        let files: Vec<String> = std::fs::read_dir(dir.join("en"))
            .unwrap()
            .map(|f| f.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(files.iter().any(|f| f == "dashboard.ftl"), "{files:?}");
        for file in &files {
            let english = ids("en", file);
            assert!(english.len() > 20, "{file}");
            for lang in Lang::all() {
                assert_eq!(ids(lang.code(), file), english, "{} {file}", lang.code());
            }
            // No message id is defined in two files (the later would silently win).
            for other in files.iter().filter(|o| *o != file) {
                let twice: Vec<_> = ids("en", other).intersection(&english).cloned().collect();
                assert!(twice.is_empty(), "{file} and {other} both define {twice:?}");
            }
        }
    }

    #[test]
    fn numbers_times_and_sizes_are_written_as_each_language_writes_them() {
        let (en, pl, de) = (
            Lang::default(),
            Lang::find("pl").unwrap(),
            Lang::find("de").unwrap(),
        );
        assert_eq!(en.number(1_234_567), "1,234,567");
        assert_eq!(pl.number(1_234_567), "1\u{a0}234\u{a0}567");
        assert_eq!(de.number(-1_234), "-1.234");
        assert_eq!(en.number(999), "999");
        assert_eq!(de.bytes(12_345_678), "12,3 MB");
        assert_eq!(en.bytes(512), "512 B");
        let t = chrono::NaiveDate::from_ymd_opt(2026, 12, 4)
            .unwrap()
            .and_hms_opt(9, 5, 0)
            .unwrap();
        assert_eq!(en.datetime(t), "2026-12-04 09:05 UTC");
        assert_eq!(de.datetime(t), "04.12.2026 09:05 UTC");
        assert_eq!(pl.duration(300), "5 minut");
        assert_eq!(pl.duration(180), "3 minuty");
        assert_eq!(de.duration(90_000), "25 Stunden");
    }
}
