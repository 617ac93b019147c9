//! The standard fields a profile has besides its identifiers and names: Synerise's profile shape
//! (`displayName`, `company`, `address`, `city`, `province`, `zipCode`, `countryCode`, `birthDate`,
//! `sex`, `avatarUrl`, `anonymous`, `tags`), each checked as it comes in. Stored together as one JSON
//! object (`profiles.details`, only the fields ever given), so the profile writers carry one column,
//! not twelve.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The fields, under the names the batch API, the profile API, webhooks and CSV columns use.
pub const FIELDS: [&str; 12] = [
    "displayName",
    "company",
    "address",
    "city",
    "province",
    "zipCode",
    "countryCode",
    "birthDate",
    "sex",
    "avatarUrl",
    "anonymous",
    "tags",
];

/// The values of `sex`, as Synerise writes them.
pub const SEXES: [&str; 4] = ["FEMALE", "MALE", "NOT_SPECIFIED", "OTHER"];

/// Most tags a profile keeps, and their longest.
pub const MAX_TAGS: usize = 100;
const MAX_TAG: usize = 64;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Details {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip_code: Option<String>,
    /// ISO 3166-1 alpha-2, upper case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    /// One of `SEXES`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sex: Option<String>,
    /// An http or https URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anonymous: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

impl Details {
    /// The fields `obj` gives (`null` counts as not given), checked; the error names the field and what
    /// is wrong. `today` bounds a birth date. `None` when it gives none.
    pub fn parse(
        obj: &Map<String, Value>,
        today: chrono::NaiveDate,
    ) -> Result<Option<Details>, String> {
        let mut d = Details::default();
        for (name, value) in obj {
            if value.is_null() || !FIELDS.contains(&name.as_str()) {
                continue;
            }
            d.set(name, value, today)?;
        }
        Ok((!d.is_empty()).then_some(d))
    }

    fn set(&mut self, name: &str, value: &Value, today: chrono::NaiveDate) -> Result<(), String> {
        // An empty text (an empty CSV cell) is not given, as for names.
        if let Value::String(s) = value
            && s.trim().is_empty()
        {
            return Ok(());
        }
        let text = |max: usize| -> Result<String, String> {
            let Value::String(s) = value else {
                return Err(format!("{name} must be a string"));
            };
            Ok(super::single_line(name, s, max)?.unwrap_or_default())
        };
        match name {
            "displayName" => self.display_name = Some(text(200)?),
            "company" => self.company = Some(text(200)?),
            "address" => self.address = Some(text(300)?),
            "city" => self.city = Some(text(100)?),
            "province" => self.province = Some(text(100)?),
            "zipCode" => self.zip_code = Some(text(20)?),
            "countryCode" => {
                let code = text(2)
                    .map_err(|_| country_error(value))?
                    .to_ascii_uppercase();
                if super::countries::ALPHA2
                    .binary_search(&code.as_str())
                    .is_err()
                {
                    return Err(country_error(value));
                }
                self.country_code = Some(code);
            }
            "birthDate" => self.birth_date = Some(birth_date(&text(10)?, today)?),
            "sex" => {
                let given = text(20)?;
                let sex = SEXES
                    .iter()
                    .find(|s| s.eq_ignore_ascii_case(&given))
                    .ok_or_else(|| format!("sex {given:?} is not one of {}", SEXES.join(", ")))?;
                self.sex = Some(sex.to_string());
            }
            "avatarUrl" => {
                let given = text(2000)?;
                match url::Url::parse(&given) {
                    Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {}
                    _ => {
                        return Err(format!(
                            "avatarUrl {:?} is not an http or https address",
                            given.chars().take(80).collect::<String>()
                        ));
                    }
                }
                self.avatar_url = Some(given);
            }
            "anonymous" => {
                self.anonymous = Some(match value {
                    Value::Bool(b) => *b,
                    // A CSV column holds the word.
                    Value::String(s) if s.trim().eq_ignore_ascii_case("true") => true,
                    Value::String(s) if s.trim().eq_ignore_ascii_case("false") => false,
                    _ => return Err("anonymous must be true or false".into()),
                })
            }
            "tags" => self.tags = Some(tags(value)?),
            _ => unreachable!("only FIELDS are set"),
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        *self == Details::default()
    }

    /// The stored JSON (`None`, or text that is not such an object, reads as no details).
    pub fn stored(json: Option<&str>) -> Details {
        json.and_then(|j| serde_json::from_str(j).ok())
            .unwrap_or_default()
    }

    /// As stored: `None` when there are none.
    pub fn to_stored(&self) -> Option<String> {
        (!self.is_empty()).then(|| serde_json::to_string(self).expect("details serialise"))
    }

    /// `self` with each field `over` gives laid over it (a field it leaves out stays).
    pub fn overlay(&mut self, over: &Details) {
        fn put<T: Clone>(to: &mut Option<T>, from: &Option<T>) {
            if from.is_some() {
                to.clone_from(from);
            }
        }
        put(&mut self.display_name, &over.display_name);
        put(&mut self.company, &over.company);
        put(&mut self.address, &over.address);
        put(&mut self.city, &over.city);
        put(&mut self.province, &over.province);
        put(&mut self.zip_code, &over.zip_code);
        put(&mut self.country_code, &over.country_code);
        put(&mut self.birth_date, &over.birth_date);
        put(&mut self.sex, &over.sex);
        put(&mut self.avatar_url, &over.avatar_url);
        put(&mut self.anonymous, &over.anonymous);
        put(&mut self.tags, &over.tags);
    }

    /// Every field under its name, `null` where not given (the profile API's and webhooks' shape).
    pub fn to_object(&self) -> Map<String, Value> {
        let given = match serde_json::to_value(self) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        };
        FIELDS
            .iter()
            .map(|f| (f.to_string(), given.get(*f).cloned().unwrap_or(Value::Null)))
            .collect()
    }

    /// A field as a CSV cell shows it (tags joined by `|`); empty where not given.
    pub fn cell(&self, field: &str) -> String {
        match self.to_object().get(field) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Bool(b)) => b.to_string(),
            Some(Value::Array(tags)) => tags
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("|"),
            _ => String::new(),
        }
    }
}

fn country_error(value: &Value) -> String {
    format!(
        "countryCode {} is not an ISO 3166-1 alpha-2 country code such as PL or DE",
        value.to_string().chars().take(40).collect::<String>()
    )
}

/// `YYYY-MM-DD`, a real day, from 1900 to today.
fn birth_date(given: &str, today: chrono::NaiveDate) -> Result<String, String> {
    let day = chrono::NaiveDate::parse_from_str(given, "%Y-%m-%d")
        .ok()
        .filter(|_| given.len() == 10)
        .ok_or_else(|| format!("birthDate {given:?} is not a date written YYYY-MM-DD"))?;
    if day > today {
        return Err(format!("birthDate {given} lies in the future"));
    }
    if day < chrono::NaiveDate::from_ymd_opt(1900, 1, 1).expect("a date") {
        return Err(format!("birthDate {given} lies before 1900"));
    }
    Ok(given.to_string())
}

/// A list of short strings; a CSV column gives them separated by `|` or `,`. Duplicates are dropped,
/// the first kept.
fn tags(value: &Value) -> Result<Vec<String>, String> {
    let given: Vec<String> = match value {
        Value::Array(items) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| "tags must be a list of strings".to_string())
            })
            .collect::<Result<_, _>>()?,
        Value::String(s) => s
            .split(['|', ','])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect(),
        _ => return Err("tags must be a list of strings such as [\"vip\", \"b2b\"]".into()),
    };
    let mut out: Vec<String> = Vec::with_capacity(given.len());
    for t in given {
        let t = super::single_line("a tag", &t, MAX_TAG)?
            .ok_or("a tag is empty: leave it out of the list")?;
        if !out.contains(&t) {
            out.push(t);
        }
    }
    if out.len() > MAX_TAGS {
        return Err(format!(
            "{} tags: a profile keeps at most {MAX_TAGS}",
            out.len()
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn today() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 5).unwrap()
    }

    fn parse(v: Value) -> Result<Option<Details>, String> {
        Details::parse(v.as_object().unwrap(), today())
    }

    #[test]
    fn every_field_is_read_checked_and_normalised() {
        let d = parse(json!({
            "displayName": "Ann K.", "company": "Shop", "address": "Main St 1", "city": "Kraków",
            "province": "małopolskie", "zipCode": "30-001", "countryCode": "pl",
            "birthDate": "1990-02-28", "sex": "female", "avatarUrl": "https://cdn.example/a.png",
            "anonymous": "false", "tags": "vip| b2b,vip", "email": "ignored@example.com"
        }))
        .unwrap()
        .unwrap();
        assert_eq!(d.country_code.as_deref(), Some("PL"));
        assert_eq!(d.sex.as_deref(), Some("FEMALE"));
        assert_eq!(d.anonymous, Some(false));
        assert_eq!(d.tags, Some(vec!["vip".into(), "b2b".into()]));
        assert_eq!(d.cell("tags"), "vip|b2b");
        let back = Details::stored(d.to_stored().as_deref());
        assert_eq!(back, d);
        assert_eq!(
            parse(json!({"email": "a@b.c", "city": null})).unwrap(),
            None
        );
    }

    #[test]
    fn bad_values_are_refused_naming_the_field() {
        for (v, says) in [
            (
                json!({"countryCode": "XX"}),
                "countryCode \"XX\" is not an ISO 3166-1",
            ),
            (json!({"countryCode": "POL"}), "countryCode \"POL\""),
            (
                json!({"birthDate": "1990-02-30"}),
                "not a date written YYYY-MM-DD",
            ),
            (json!({"birthDate": "2027-01-01"}), "lies in the future"),
            (json!({"birthDate": "1990-2-3"}), "not a date"),
            (json!({"sex": "F"}), "sex \"F\" is not one of FEMALE, MALE"),
            (
                json!({"avatarUrl": "javascript:alert(1)"}),
                "not an http or https",
            ),
            (
                json!({"anonymous": "maybe"}),
                "anonymous must be true or false",
            ),
            (json!({"tags": [1]}), "tags must be a list of strings"),
            (json!({"tags": ["x".repeat(65)]}), "a tag"),
            (json!({"city": "Kra\nków"}), "city"),
            (json!({"zipCode": 30001}), "zipCode must be a string"),
        ] {
            let err = parse(v.clone()).unwrap_err();
            assert!(err.contains(says), "{v}: {err}");
        }
        let many: Vec<String> = (0..101).map(|i| format!("t{i}")).collect();
        assert!(
            parse(json!({ "tags": many }))
                .unwrap_err()
                .contains("at most 100")
        );
    }

    #[test]
    fn an_overlay_keeps_what_it_does_not_give() {
        let mut held = parse(json!({"city": "Kraków", "tags": ["a"]}))
            .unwrap()
            .unwrap();
        held.overlay(
            &parse(json!({"tags": ["b"], "sex": "OTHER"}))
                .unwrap()
                .unwrap(),
        );
        assert_eq!(held.city.as_deref(), Some("Kraków"));
        assert_eq!(held.tags, Some(vec!["b".into()]));
        assert_eq!(held.to_object()["company"], Value::Null);
        assert_eq!(held.to_object().len(), FIELDS.len());
    }

    #[test]
    fn the_country_table_is_sorted_for_binary_search() {
        assert!(
            super::super::countries::ALPHA2
                .windows(2)
                .all(|w| w[0] < w[1])
        );
    }
}
