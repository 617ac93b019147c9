//! Phone numbers, stored in E.164 (`+` and up to 15 digits) so one person's number is one value however
//! it was written: `+48 601 234 567`, `0048601234567`, `tel:+48-601-234-567`, or `601 234 567` with
//! `ASSENT_DEFAULT_PHONE_REGION=PL`. Checked against libphonenumber's calling codes and the lengths a
//! national number may have under each (`phone_table`, generated), not against every numbering plan:
//! a number of a possible length is accepted even if its operator does not exist yet.

use super::phone_table::{LENGTHS, REGIONS};

/// A country whose numbers may be written without `+` (`ASSENT_DEFAULT_PHONE_REGION`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    pub code: &'static str,
    calling: u16,
    trunk: &'static str,
    international: &'static str,
}

impl Region {
    /// An ISO 3166-1 alpha-2 code, any case.
    pub fn parse(s: &str) -> Result<Region, String> {
        let upper = s.trim().to_ascii_uppercase();
        REGIONS
            .iter()
            .find(|r| r.0 == upper)
            .map(|&(code, calling, trunk, international)| Region {
                code,
                calling,
                trunk,
                international,
            })
            .ok_or_else(|| {
                format!("{s:?} is not a country code that has phone numbers; give an ISO 3166-1 alpha-2 code such as PL, GB or US")
            })
    }
}

/// Lengths a national number may have under `calling`, as a bit set (bit n: n digits).
fn lengths(calling: u16) -> Option<u32> {
    LENGTHS.iter().find(|l| l.0 == calling).map(|l| l.1)
}

/// The number in E.164, or what is wrong with it (for a message that names the field).
pub fn normalise(input: &str, region: Option<Region>) -> Result<String, String> {
    let s = input.trim();
    let s = s
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("tel:"))
        .map_or(s, |_| &s[4..]);
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_digit() || " +-().\u{a0}/".contains(*c)))
    {
        return Err(format!(
            "{input:?} is not a phone number: {c:?} is neither a digit nor + - ( ) . / or a space"
        ));
    }
    let plus = s.starts_with('+');
    if s.char_indices().any(|(i, c)| c == '+' && i > 0) {
        return Err(format!("{input:?}: + may only start a phone number"));
    }
    // "+44 (0)20 …": the trunk prefix written in brackets is not dialled from abroad.
    let s = s.replace("(0)", "");
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return Err(format!("{input:?} has no digits"));
    }
    let international = if plus {
        Some(digits.as_str())
    } else if let Some(rest) = digits.strip_prefix("00") {
        Some(rest)
    } else if let Some(r) = region.filter(|r| !r.international.is_empty()) {
        digits.strip_prefix(r.international)
    } else {
        None
    };
    let (calling, national) = match international {
        Some(rest) => {
            let found = (1..=3.min(rest.len())).find_map(|n| {
                let code: u16 = rest[..n].parse().ok()?;
                lengths(code).map(|_| (code, &rest[n..]))
            });
            found.ok_or_else(|| {
                format!(
                    "{input:?} does not start with a country's calling code (such as +48 or +44)"
                )
            })?
        }
        None => {
            let r = region.ok_or_else(|| {
                format!("{input:?} has no country code: write it as +<country code> <number> (or set ASSENT_DEFAULT_PHONE_REGION for numbers written without one)")
            })?;
            let possible = lengths(r.calling).unwrap_or(0);
            // The trunk prefix ("0" in most of Europe, "1" in North America) is not part of the
            // number; dropped only when what is left has a possible length.
            let national = match digits.strip_prefix(r.trunk) {
                Some(rest) if !r.trunk.is_empty() && fits(possible, rest) => rest,
                _ => digits.as_str(),
            };
            (r.calling, national)
        }
    };
    let possible = lengths(calling).unwrap_or(0);
    if !fits(possible, national) {
        let allowed: Vec<String> = (1..=17)
            .filter(|n| possible & (1 << n) != 0)
            .map(|n| n.to_string())
            .collect();
        return Err(format!(
            "{input:?}: a number under +{calling} has {} digits after the country code, this one has {}",
            or_list(&allowed),
            national.len()
        ));
    }
    Ok(format!("+{calling}{national}"))
}

fn fits(possible: u32, national: &str) -> bool {
    let n = national.len();
    n > 0 && n < 32 && possible & (1 << n) != 0
}

fn or_list(items: &[String]) -> String {
    match items {
        [] => "no".into(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Numbers as people write them, with the E.164 form Google's libphonenumber gives (Python
    /// `phonenumbers` 9.0.43: `phonenumbers.format_number(phonenumbers.parse(raw, region), E164)`).
    #[test]
    fn numbers_as_written_agree_with_libphonenumber() {
        let pl = Region::parse("pl").unwrap();
        let gb = Region::parse("GB").unwrap();
        let us = Region::parse("US").unwrap();
        let de = Region::parse("de").unwrap();
        let it = Region::parse("IT").unwrap();
        let cases: &[(&str, Option<Region>, &str)] = &[
            ("+48 601 234 567", None, "+48601234567"),
            ("0048 601-234-567", None, "+48601234567"),
            ("tel:+48-601-234-567", None, "+48601234567"),
            ("601 234 567", Some(pl), "+48601234567"),
            ("+44 (0)20 7946 0958", None, "+442079460958"),
            ("020 7946 0958", Some(gb), "+442079460958"),
            ("07700 900123", Some(gb), "+447700900123"),
            ("(212) 555-0123", Some(us), "+12125550123"),
            ("1 212 555 0123", Some(us), "+12125550123"),
            ("011 48 601 234 567", Some(us), "+48601234567"),
            ("+1.212.555.0123", Some(pl), "+12125550123"),
            ("030 901820", Some(de), "+4930901820"),
            ("06 6982 1234", Some(it), "+390669821234"),
            ("+7 912 345-67-89", None, "+79123456789"),
        ];
        for (raw, region, want) in cases {
            assert_eq!(normalise(raw, *region).as_deref(), Ok(*want), "{raw}");
        }
    }

    #[test]
    fn what_cannot_be_a_number_is_refused_with_the_reason() {
        let pl = Region::parse("PL").ok();
        for (raw, region, says) in [
            ("601 234 567", None, "no country code"),
            (
                "+44 207 946 09",
                None,
                "7, 9 or 10 digits after the country code, this one has 8",
            ),
            ("+999 123 456", None, "calling code"),
            ("call me", None, "neither a digit"),
            ("+48 601+234", None, "+ may only start"),
            ("12+34", pl, "+ may only start"),
            ("+", None, "no digits"),
            ("+48 601 234 567 ext 9", None, "neither a digit"),
        ] {
            let e = normalise(raw, region).unwrap_err();
            assert!(e.contains(says), "{raw}: {e}");
        }
        assert!(Region::parse("XX").unwrap_err().contains("ISO 3166-1"));
    }
}
