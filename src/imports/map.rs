//! Column mapping: which field of a file's records becomes which part of a profile, and the record
//! turned into a batch item (`consent::batch::parse` checks it exactly as it checks the batch API's).

use crate::consent::batch::{self, Item};
use crate::db::models::agreements::Agreement;
use crate::domain::phone::Region;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Where a source field goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// `email`, `customId`, `uuid`, `phone`, `firstName`, `lastName`, `consentedAt`, the standard fields
    /// (`city`, `tags`, …); and what the ledger event
    /// records: `withdrawnAt` (the time of a row whose changes are all withdrawals), `ip`, `reason`.
    Field(&'static str),
    /// `listmonkStatus`: `blocklisted` withdraws every email-channel agreement.
    ListmonkStatus,
    /// An agreement key: the field holds a consent value.
    Agreement(String),
    /// `attributes.NAME`: stored as a profile attribute.
    Attribute(String),
    /// `agreements` or `attributes` as whole JSON objects (JSON and JSON Lines records).
    Object(&'static str),
    /// `-`: left out.
    Skip,
}

/// The targets besides the standard fields of `domain::details::FIELDS`.
pub const FIELDS: [&str; 11] = [
    "email",
    "customId",
    "uuid",
    "phone",
    "firstName",
    "lastName",
    "fullName",
    "consentedAt",
    "withdrawnAt",
    "ip",
    "reason",
];

/// What becomes of columns the mapping does not name and that are not named like a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unmapped {
    /// Kept as `attributes.<column>`.
    Attributes,
    /// Left out.
    Ignore,
}

impl Unmapped {
    pub fn parse(s: &str) -> Result<Unmapped, String> {
        match s.trim() {
            "attributes" => Ok(Unmapped::Attributes),
            "ignore" => Ok(Unmapped::Ignore),
            other => Err(format!(
                "--unmapped {other:?}: give attributes (keep such columns as attributes) or ignore (leave them out)"
            )),
        }
    }
}

impl Target {
    /// The target a name stands for (as written after `=` in a mapping, or as a field's own name).
    pub fn parse(name: &str, catalog: &[Agreement]) -> Result<Target, String> {
        let name = name.trim();
        if name == "-" {
            return Ok(Target::Skip);
        }
        if let Some(f) = FIELDS.iter().find(|f| f.eq_ignore_ascii_case(name)) {
            return Ok(Target::Field(f));
        }
        // The standard fields by their exact names only: another tool's `Address` or `TAGS` column
        // holds its own notation, and stays an attribute unless mapped.
        if let Some(f) = crate::domain::details::FIELDS.iter().find(|f| **f == name) {
            return Ok(Target::Field(f));
        }
        if name == "listmonkStatus" {
            return Ok(Target::ListmonkStatus);
        }
        if name == "agreements" || name == "attributes" {
            return Ok(Target::Object(if name == "agreements" {
                "agreements"
            } else {
                "attributes"
            }));
        }
        if let Some(attr) = name.strip_prefix("attributes.") {
            if attr.is_empty() || attr.chars().count() > 64 {
                return Err(format!("{name:?}: attribute names have 1 to 64 characters"));
            }
            return Ok(Target::Attribute(attr.to_string()));
        }
        if catalog.iter().any(|a| a.key == name) {
            return Ok(Target::Agreement(name.to_string()));
        }
        Err(format!(
            "{name:?} is not a target: give email, customId, uuid, phone, firstName, lastName, fullName, consentedAt, withdrawnAt, ip, reason, a standard field ({}), an agreement key ({}), attributes.NAME, or - to leave the column out",
            crate::domain::details::FIELDS.join(", "),
            catalog
                .iter()
                .map(|a| a.key.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }

    pub fn name(&self) -> String {
        match self {
            Target::Field(f) | Target::Object(f) => f.to_string(),
            Target::Agreement(k) => k.clone(),
            Target::Attribute(a) => format!("attributes.{a}"),
            Target::ListmonkStatus => "listmonkStatus".into(),
            Target::Skip => "-".into(),
        }
    }
}

/// `SOURCE=TARGET` pairs, as given on the command line or in the dashboard.
pub fn parse_pairs(pairs: &[String]) -> Result<Vec<(String, String)>, String> {
    pairs
        .iter()
        .map(|p| {
            p.split_once('=')
                .map(|(s, t)| (s.trim().to_string(), t.trim().to_string()))
                .filter(|(s, t)| !s.is_empty() && !t.is_empty())
                .ok_or_else(|| {
                    format!("{p:?} is not a mapping: write SOURCE=TARGET, e.g. E-mail=email")
                })
        })
        .collect()
}

/// What the header names that nobody mapped, guessed: `E-mail` is surely `email`.
pub fn guess(source: &str, catalog: &[Agreement]) -> Option<Target> {
    if let Ok(t) = Target::parse(source, catalog) {
        return Some(t);
    }
    let plain: String = source
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    let field = match plain.as_str() {
        "email" | "emailaddress" | "mail" => "email",
        "customid" | "id" | "externalid" | "crmid" | "clientid" => "customId",
        "phone" | "phonenumber" | "mobile" | "tel" => "phone",
        "firstname" | "givenname" | "name" => "firstName",
        "lastname" | "surname" | "familyname" => "lastName",
        "consentedat" | "consentdate" | "optindate" | "date" | "timestamp" => "consentedAt",
        _ => return None,
    };
    Some(Target::Field(FIELDS.iter().find(|f| **f == field)?))
}

/// The mapping of one file: given pairs first, then each field's own name, then the `unmapped` rule.
pub struct Mapper {
    given: HashMap<String, Target>,
    /// Values every row gets before its own fields.
    set: Vec<(Target, Value)>,
    unmapped: Option<Unmapped>,
    /// The zone of times written without an offset (else UTC).
    zone: Option<chrono_tz::Tz>,
    /// The country of phone numbers written without `+`.
    region: Option<Region>,
}

impl Mapper {
    /// A field neither mapped nor named like a target refuses its row (a CSV's columns are checked up
    /// front, so there it refuses the file before anything is written).
    pub fn new(pairs: &[(String, String)], catalog: &[Agreement]) -> Result<Mapper, String> {
        let mut given = HashMap::new();
        for (source, target) in pairs {
            given.insert(source.clone(), Target::parse(target, catalog)?);
        }
        Ok(Mapper {
            given,
            set: Vec::new(),
            unmapped: None,
            zone: None,
            region: None,
        })
    }

    /// This mapping reading phone numbers written without `+` as numbers of `region` (ISO 3166-1).
    pub fn phones_of(mut self, region: Option<&str>) -> Result<Mapper, String> {
        self.region = region
            .map(Region::parse)
            .transpose()
            .map_err(|e| format!("--phone-region: {e}"))?;
        Ok(self)
    }

    /// This mapping with `TARGET=VALUE` pairs every row shares, a rule for unnamed columns and the time
    /// zone of times without an offset.
    pub fn with(
        mut self,
        set: &[(String, String)],
        unmapped: Option<Unmapped>,
        zone: Option<&str>,
        catalog: &[Agreement],
    ) -> Result<Mapper, String> {
        for (target, value) in set {
            let t = Target::parse(target, catalog).map_err(|e| format!("--set: {e}"))?;
            if matches!(t, Target::Skip | Target::Object(_)) {
                return Err(format!(
                    "--set {target}=…: give a field, an agreement key or attributes.NAME"
                ));
            }
            let value = match value.trim() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => Value::String(value.clone()),
            };
            self.set.push((t, value));
        }
        self.unmapped = unmapped;
        self.zone = zone.map(time_zone).transpose()?;
        Ok(self)
    }

    /// The target of a source field: the mapping's, the one its own name stands for, or the `unmapped`
    /// rule's.
    pub fn target(&self, source: &str, catalog: &[Agreement]) -> Result<Target, String> {
        if let Some(t) = self.given.get(source) {
            return Ok(t.clone());
        }
        if let Ok(t) = Target::parse(source, catalog) {
            return Ok(t);
        }
        match self.unmapped {
            Some(Unmapped::Ignore) => return Ok(Target::Skip),
            Some(Unmapped::Attributes) if (1..=64).contains(&source.chars().count()) => {
                return Ok(Target::Attribute(source.to_string()));
            }
            _ => {}
        }
        Target::parse(source, catalog).map_err(|_| {
            format!(
                "the field {source:?} is not mapped: add --map '{source}=TARGET' (email, customId, uuid, phone, firstName, lastName, consentedAt, a standard field such as city, an agreement key, attributes.{source}) or --map '{source}=-' to leave it out"
            )
        })
    }

    /// What each of these columns becomes (`-` for left out), and the values every row gets: for people
    /// to check a mapping before it runs.
    pub fn describe(&self, columns: &[String], catalog: &[Agreement]) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = columns
            .iter()
            .map(|c| {
                let target = self.target(c, catalog).map_or_else(|e| e, |t| t.name());
                (c.clone(), target)
            })
            .collect();
        for (t, v) in &self.set {
            let v = v.as_str().map_or_else(|| v.to_string(), String::from);
            out.push((format!("(every row) {v}"), t.name()));
        }
        out
    }

    /// Checks a header up front: every column has a target.
    pub fn check_columns(&self, columns: &[String], catalog: &[Agreement]) -> Result<(), String> {
        for c in columns {
            self.target(c, catalog)?;
        }
        if let Some((s, _)) = self.given.iter().find(|(s, _)| !columns.contains(s)) {
            return Err(format!(
                "the mapping names the column {s:?}, which the file does not have (its columns: {})",
                columns.join(", ")
            ));
        }
        Ok(())
    }
}

/// A consent value as files write it: 1/0, yes/no, true/false, y/n, enabled/disabled (any case).
/// `None` for an empty field, which changes nothing.
pub fn consent_value(v: &Value) -> Result<Option<bool>, String> {
    let text = match v {
        Value::Null => return Ok(None),
        Value::Bool(b) => return Ok(Some(*b)),
        Value::Number(n) if n.as_i64() == Some(1) => return Ok(Some(true)),
        Value::Number(n) if n.as_i64() == Some(0) => return Ok(Some(false)),
        Value::String(s) => s.trim(),
        _ => "?",
    };
    match text.to_ascii_lowercase().as_str() {
        "" => Ok(None),
        "1" | "yes" | "y" | "true" | "t" | "enabled" | "on" => Ok(Some(true)),
        "0" | "no" | "n" | "false" | "f" | "disabled" | "off" => Ok(Some(false)),
        _ => Err(format!(
            "{v} is not a consent value: use 1/0, yes/no, true/false, y/n or enabled/disabled"
        )),
    }
}

/// A time zone by its IANA name (`Europe/Warsaw`).
pub fn time_zone(name: &str) -> Result<chrono_tz::Tz, String> {
    name.trim().parse().map_err(|_| {
        format!(
            "--timezone {name:?} is not a time zone: give an IANA name such as Europe/Warsaw or UTC"
        )
    })
}

/// A time as files write it: RFC 3339, or `YYYY-MM-DD HH:MM[:SS]` or `YYYY-MM-DD`, taken as UTC.
pub fn time_value(text: &str) -> Result<NaiveDateTime, String> {
    time_in(text, None)
}

/// A time as files write it, one without an offset read in `zone` (else UTC); in UTC.
pub fn time_in(text: &str, zone: Option<chrono_tz::Tz>) -> Result<NaiveDateTime, String> {
    let local = naive_time(text)?;
    let Some(zone) = zone else { return Ok(local) };
    if chrono::DateTime::parse_from_rfc3339(text.trim()).is_ok() {
        return Ok(local);
    }
    use chrono::TimeZone;
    // A time that a clock change skipped is refused; one it repeated is the earlier.
    zone.from_local_datetime(&local)
        .earliest()
        .map(|t| t.naive_utc())
        .ok_or_else(|| {
            format!(
                "{:?} does not exist in {zone} (the clocks skipped it)",
                text.trim()
            )
        })
}

fn naive_time(text: &str) -> Result<NaiveDateTime, String> {
    let t = text.trim();
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(t) {
        return Ok(at.naive_utc());
    }
    for f in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(at) = NaiveDateTime::parse_from_str(t, f) {
            return Ok(at);
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Ok(d.and_time(chrono::NaiveTime::MIN));
    }
    Err(format!(
        "{t:?} is not a time: use RFC 3339 (2026-05-01T12:00:00Z), 2026-05-01 12:00:00 (UTC) or 2026-05-01"
    ))
}

/// A record turned into a checked batch item. `fixed_time` is the file's consent time when records
/// carry none.
pub fn to_item(
    record: crate::imports::read::Record,
    mapper: &Mapper,
    catalog: &[Agreement],
    fixed_time: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Result<Item, String> {
    let mut obj = Map::new();
    let mut attributes = Map::new();
    let mut consented_at = fixed_time;
    let (mut withdrawn_at, mut ip, mut reason, mut blocklisted) = (None, None, None, false);
    let shared = mapper
        .set
        .iter()
        .map(|(t, v)| (t.name(), t.clone(), v.clone()));
    let own = record.into_iter().map(|(source, value)| {
        let target = mapper.target(&source, catalog);
        (source, target, value)
    });
    let fields = shared.map(|(s, t, v)| (s, Ok(t), v)).chain(own);
    // Where two fields give the same target, the later one that is filled wins.
    for (source, target, value) in fields {
        let text = |v: &Value| match v {
            Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            Value::Null => None,
            other => Some(other.to_string()),
        };
        let time = |t: &str| time_in(t, mapper.zone).map_err(|e| format!("{source}: {e}"));
        match target? {
            Target::Skip => {}
            Target::Field("consentedAt") => {
                if let Some(t) = text(&value) {
                    consented_at = Some(time(&t)?);
                }
            }
            Target::Field("withdrawnAt") => {
                if let Some(t) = text(&value) {
                    withdrawn_at = Some(time(&t)?);
                }
            }
            Target::Field("ip") => {
                if let Some(t) = text(&value) {
                    let addr: std::net::IpAddr = t
                        .parse()
                        .map_err(|_| format!("{source}: {t:?} is not an IP address"))?;
                    ip = Some(addr.to_string());
                }
            }
            Target::Field("reason") => {
                if let Some(t) = text(&value) {
                    reason = crate::domain::single_line(&source, &t, 500)?;
                }
            }
            Target::ListmonkStatus => {
                blocklisted |= text(&value).is_some_and(|s| s.eq_ignore_ascii_case("blocklisted"));
            }
            Target::Field("fullName") => {
                // The last word is the last name; a single word is a first name.
                if let Some(t) = text(&value) {
                    let (first, last) = match t.rsplit_once(char::is_whitespace) {
                        Some((first, last)) => (first.trim(), Some(last)),
                        None => (t.as_str(), None),
                    };
                    obj.insert("firstName".into(), Value::String(first.to_string()));
                    if let Some(last) = last {
                        obj.insert("lastName".into(), Value::String(last.to_string()));
                    }
                }
            }
            // A JSON record's list of tags and yes/no stay what they are; a CSV cell is read as text.
            Target::Field(f @ ("tags" | "anonymous"))
                if matches!(value, Value::Array(_) | Value::Bool(_)) =>
            {
                obj.insert(f.to_string(), value);
            }
            Target::Field(f) => {
                if let Some(t) = text(&value) {
                    obj.insert(f.to_string(), Value::String(t));
                }
            }
            Target::Agreement(key) => {
                if let Some(on) = consent_value(&value).map_err(|e| format!("{source}: {e}"))? {
                    attributes.insert(key, Value::Bool(on));
                }
            }
            Target::Attribute(name) => {
                // Text columns keep their text; JSON keeps its values. An empty text cell sets nothing.
                match value {
                    Value::String(s) if s.trim().is_empty() => {}
                    v => {
                        attributes.insert(name, v);
                    }
                }
            }
            Target::Object(name) => {
                // A CSV cell holds the object as JSON text (listmonk's attributes column).
                let value = match value {
                    Value::String(s) if s.trim().is_empty() => continue,
                    Value::String(s) => serde_json::from_str(&s).map_err(|_| {
                        format!("{source}: the cell is not a JSON object such as {{\"city\": \"Gdańsk\"}}")
                    })?,
                    v => v,
                };
                if name == "attributes"
                    && let Value::Object(m) = value
                {
                    for (k, v) in m {
                        attributes.entry(k).or_insert(v);
                    }
                } else {
                    obj.insert(name.to_string(), value);
                }
            }
        }
    }
    if blocklisted {
        // Every email agreement withdrawn, whatever else the row or --set says.
        for a in catalog
            .iter()
            .filter(|a| a.channel == "email" && a.active())
        {
            attributes.insert(a.key.clone(), Value::Bool(false));
        }
    }
    // A row that only withdraws is dated by its withdrawal time, when it gives one; its time and
    // address columns then tell of the opt-in before, so the address is not the withdrawal's.
    let changes: Vec<&Value> = catalog
        .iter()
        .filter_map(|a| attributes.get(&a.key))
        .collect();
    if !changes.is_empty()
        && changes.iter().all(|v| **v == Value::Bool(false))
        && withdrawn_at.is_some()
    {
        consented_at = withdrawn_at;
        ip = None;
    }
    if !attributes.is_empty() {
        obj.insert("attributes".into(), Value::Object(attributes));
    }
    if let Some(at) = consented_at {
        obj.insert(
            "consentedAt".into(),
            Value::String(at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()),
        );
    }
    let mut item = batch::parse(&Value::Object(obj), catalog, now, mapper.region)?;
    if ip.is_some() || reason.is_some() {
        item.reported = Some(Box::new(batch::Reported { ip, reason }));
    }
    Ok(item)
}
