//! Timestamps on SQLite, written and read by hand. SQLite keeps a timestamp as text, and diesel writes
//! it with chrono's format string `%F %T%.f`, which interprets the pattern every time (about 4,000
//! instructions a value, a twelfth of a sign-up's work), and reads it by trying up to eighteen such
//! patterns. `TimeText` writes the very same text directly, and reads that text directly (anything
//! else as diesel does).

use chrono::{Datelike, NaiveDateTime, Timelike};
use diesel::deserialize::FromSql;
use diesel::serialize::{IsNull, Output, ToSql};
use diesel::sql_types::{Nullable, Timestamp};
use diesel::sqlite::{Sqlite, SqliteValue};

/// A timestamp bound as SQLite text (`TimeText::of(&row.created_at)`), or read as one (a field of type
/// `TimeText` with `sql_type = Timestamp`).
#[derive(Debug)]
#[repr(transparent)]
pub struct TimeText(pub NaiveDateTime);

impl TimeText {
    /// The value to bind for `t`, borrowed for as long as `t` is (a bound value must outlive the query).
    pub fn of(t: &NaiveDateTime) -> &TimeText {
        // SAFETY: `TimeText` is `repr(transparent)` over `NaiveDateTime`, so both have one layout.
        unsafe { &*(t as *const NaiveDateTime).cast::<TimeText>() }
    }
}

impl ToSql<Timestamp, Sqlite> for TimeText {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> diesel::serialize::Result {
        out.set_value(text(&self.0));
        Ok(IsNull::No)
    }
}

/// A timestamp or NULL bound as SQLite text: `MaybeTimeText::of(&row.form_mail_window)`.
#[derive(Debug)]
#[repr(transparent)]
pub struct MaybeTimeText(Option<NaiveDateTime>);

impl MaybeTimeText {
    pub fn of(t: &Option<NaiveDateTime>) -> &MaybeTimeText {
        // SAFETY: `MaybeTimeText` is `repr(transparent)` over `Option<NaiveDateTime>`.
        unsafe { &*(t as *const Option<NaiveDateTime>).cast::<MaybeTimeText>() }
    }
}

impl ToSql<Nullable<Timestamp>, Sqlite> for MaybeTimeText {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> diesel::serialize::Result {
        match &self.0 {
            Some(t) => {
                out.set_value(text(t));
                Ok(IsNull::No)
            }
            None => Ok(IsNull::Yes),
        }
    }
}

impl FromSql<Timestamp, Sqlite> for TimeText {
    fn from_sql(mut value: SqliteValue<'_, '_, '_>) -> diesel::deserialize::Result<Self> {
        match parse(value.read_text()) {
            Some(t) => Ok(TimeText(t)),
            None => <NaiveDateTime as FromSql<Timestamp, Sqlite>>::from_sql(value).map(TimeText),
        }
    }
}

/// `YYYY-MM-DD HH:MM:SS` with an optional fraction of 1 to 9 digits (what `text` writes), or `None`.
fn parse(s: &str) -> Option<NaiveDateTime> {
    let b = s.as_bytes();
    let number = |from: usize, to: usize| -> Option<u32> {
        b.get(from..to)?.iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let separators = [(4, b'-'), (7, b'-'), (10, b' '), (13, b':'), (16, b':')];
    if b.len() < 19 || separators.iter().any(|&(i, c)| b[i] != c) {
        return None;
    }
    let nano = match b.len() {
        19 => 0,
        20 => return None,
        n if n <= 29 && b[19] == b'.' => number(20, n)? * 10u32.pow((29 - n) as u32),
        _ => return None,
    };
    let second = number(17, 19)?;
    // A leap second (60) is chrono's to read.
    (second < 60).then_some(())?;
    chrono::NaiveDate::from_ymd_opt(number(0, 4)? as i32, number(5, 7)?, number(8, 10)?)?
        .and_hms_nano_opt(number(11, 13)?, number(14, 16)?, second, nano)
}

/// `t` as chrono's `%F %T%.f` writes it: `2026-12-06 07:15:02.123456`, the fraction as 0, 3, 6 or 9
/// digits, whichever shows it exactly. Years outside 0–9999 and leap seconds go through chrono.
fn text(t: &NaiveDateTime) -> String {
    let (year, nano) = (t.year(), t.nanosecond());
    if !(0..=9999).contains(&year) || nano >= 1_000_000_000 {
        return t.format("%F %T%.f").to_string();
    }
    let mut b = *b"0000-00-00 00:00:00.000000000";
    digits(&mut b[0..4], year as u32);
    digits(&mut b[5..7], t.month());
    digits(&mut b[8..10], t.day());
    digits(&mut b[11..13], t.hour());
    digits(&mut b[14..16], t.minute());
    digits(&mut b[17..19], t.second());
    let (fraction, width) = match nano {
        0 => (0, 0),
        n if n % 1_000_000 == 0 => (n / 1_000_000, 3),
        n if n % 1_000 == 0 => (n / 1_000, 6),
        n => (n, 9),
    };
    digits(&mut b[20..20 + width], fraction);
    let len = if width == 0 { 19 } else { 20 + width };
    std::str::from_utf8(&b[..len])
        .expect("ASCII digits and separators")
        .to_owned()
}

/// Writes `n` into `to` as decimal digits, zero-padded to its length.
fn digits(to: &mut [u8], mut n: u32) {
    for d in to.iter_mut().rev() {
        *d = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn writes_what_chrono_writes() {
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let mut cases = vec![
            day(2026, 12, 6).and_hms_opt(0, 0, 0).unwrap(),
            day(2026, 1, 9).and_hms_milli_opt(7, 5, 3, 120).unwrap(),
            day(999, 10, 31).and_hms_micro_opt(23, 59, 59, 1).unwrap(),
            day(9999, 12, 31)
                .and_hms_nano_opt(23, 59, 59, 999_999_999)
                .unwrap(),
            day(0, 1, 1).and_hms_nano_opt(0, 0, 0, 1).unwrap(),
            day(10000, 1, 1).and_hms_opt(0, 0, 0).unwrap(),
            day(-1, 1, 1).and_hms_opt(0, 0, 0).unwrap(),
            day(2016, 12, 31)
                .and_hms_milli_opt(23, 59, 59, 1_500)
                .unwrap(),
        ];
        let mut rng = rand::rng();
        for _ in 0..10_000 {
            let secs = rng.random_range(-100_000_000_000i64..300_000_000_000);
            let nano = match rng.random_range(0..4) {
                0 => 0,
                1 => rng.random_range(0..1_000) * 1_000_000,
                2 => rng.random_range(0..1_000_000) * 1_000,
                _ => rng.random_range(0..1_000_000_000),
            };
            cases.push(
                chrono::DateTime::from_timestamp(secs, nano)
                    .unwrap()
                    .naive_utc(),
            );
        }
        for t in cases {
            let written = t.format("%F %T%.f").to_string();
            assert_eq!(text(&t), written, "{t:?}");
            if (0..=9999).contains(&t.year()) && t.nanosecond() < 1_000_000_000 {
                assert_eq!(parse(&written), Some(t), "{written}");
            }
        }
    }

    #[test]
    fn reads_only_its_own_text_and_leaves_the_rest_to_diesel() {
        let t = |s| chrono::NaiveDateTime::parse_from_str(s, "%F %T%.f").unwrap();
        assert_eq!(
            parse("2026-12-06 07:15:02.5"),
            Some(t("2026-12-06 07:15:02.500"))
        );
        assert_eq!(
            parse("2026-12-06 07:15:02.123456789"),
            Some(t("2026-12-06 07:15:02.123456789"))
        );
        for other in [
            "2026-12-06T07:15:02",
            "2026-12-06 07:15:02.",
            "2026-12-06 07:15:02.1234567890",
            "2026-02-30 07:15:02",
            "2026-12-06 24:00:00",
            "2016-12-31 23:59:60",
            "2026-12-06 07:15",
            "+2026-12-06 07:15:02",
            "2461015.5",
            "2026-12-06 07:15:02Z",
        ] {
            assert_eq!(parse(other), None, "{other}");
        }
    }
}
