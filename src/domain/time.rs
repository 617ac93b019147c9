//! Times written as RFC 3339 UTC, the one way every part of Assent writes them (the precision is each
//! format's own: whole seconds in CSV, milliseconds in webhooks, microseconds in the ledger and the API).
//! Byte by byte: chrono's formatter parses its format string on every call, which costs more than the rest
//! of a ledger hash or an export row.

use chrono::{Datelike, NaiveDateTime, Timelike};

/// How many digits of a second a time is written with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    /// `YYYY-MM-DDTHH:MM:SSZ`
    Seconds,
    /// `YYYY-MM-DDTHH:MM:SS.fffZ`
    Millis,
    /// `YYYY-MM-DDTHH:MM:SS.ffffffZ`
    Micros,
}

/// `t` as RFC 3339 UTC with `precision`.
pub fn rfc3339(t: NaiveDateTime, precision: Precision) -> String {
    let mut out = String::with_capacity(27);
    write_rfc3339(&mut out, t, precision);
    out
}

/// Appends `t` as RFC 3339 UTC with `precision` (the same text as chrono's `to_rfc3339_opts` with
/// `use_z`, for years 0 to 9999).
pub fn write_rfc3339(out: &mut String, t: NaiveDateTime, precision: Precision) {
    let digits = |out: &mut String, n: u32, width: u32| {
        for i in (0..width).rev() {
            out.push(char::from(b'0' + (n / 10u32.pow(i) % 10) as u8));
        }
    };
    digits(out, t.year().clamp(0, 9999) as u32, 4);
    out.push('-');
    digits(out, t.month(), 2);
    out.push('-');
    digits(out, t.day(), 2);
    out.push('T');
    digits(out, t.hour(), 2);
    out.push(':');
    digits(out, t.minute(), 2);
    out.push(':');
    // A leap second (nanosecond ≥ 1e9) is written as :60, as chrono does.
    digits(out, t.second() + t.nanosecond() / 1_000_000_000, 2);
    let nanos = t.nanosecond() % 1_000_000_000;
    match precision {
        Precision::Seconds => {}
        Precision::Millis => {
            out.push('.');
            digits(out, nanos / 1_000_000, 3);
        }
        Precision::Micros => {
            out.push('.');
            digits(out, nanos / 1000, 6);
        }
    }
    out.push('Z');
}

/// Appends `t` as diesel stores it in SQLite (`%F %T%.f`: no fraction, or 3, 6 or 9 digits, whichever
/// is exact), so rows written as JSON compare with rows written by diesel.
pub fn write_sqlite(out: &mut String, t: NaiveDateTime) {
    let mut iso = String::with_capacity(27);
    write_rfc3339(&mut iso, t, Precision::Seconds);
    out.push_str(&iso[..10]);
    out.push(' ');
    out.push_str(&iso[11..19]);
    let nanos = t.nanosecond() % 1_000_000_000;
    let (value, width) = match nanos {
        0 => return,
        n if n % 1_000_000 == 0 => (n / 1_000_000, 3),
        n if n % 1000 == 0 => (n / 1000, 6),
        n => (n, 9),
    };
    out.push('.');
    for i in (0..width).rev() {
        out.push(char::from(b'0' + (value / 10u32.pow(i) % 10) as u8));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_what_chrono_writes() {
        let mut rng = rand::rng();
        for _ in 0..10_000 {
            let secs = rand::RngExt::random_range(&mut rng, -62_000_000_000i64..250_000_000_000);
            let nanos = rand::RngExt::random_range(&mut rng, 0..1_000_000_000u32);
            let t = chrono::DateTime::from_timestamp(secs, nanos)
                .unwrap()
                .naive_utc();
            let utc = t.and_utc();
            for (p, chrono_p) in [
                (Precision::Seconds, chrono::SecondsFormat::Secs),
                (Precision::Millis, chrono::SecondsFormat::Millis),
                (Precision::Micros, chrono::SecondsFormat::Micros),
            ] {
                if (0..=9999).contains(&t.year()) {
                    assert_eq!(rfc3339(t, p), utc.to_rfc3339_opts(chrono_p, true));
                }
            }
            assert_eq!(
                rfc3339(t, Precision::Micros),
                t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
            );
            for t in [
                t,
                crate::db::truncate(t),
                t.with_nanosecond(nanos / 1_000_000 * 1_000_000).unwrap(),
                t.with_nanosecond(0).unwrap(),
            ] {
                let mut stored = String::new();
                write_sqlite(&mut stored, t);
                assert_eq!(stored, t.format("%F %T%.f").to_string());
            }
        }
    }
}
