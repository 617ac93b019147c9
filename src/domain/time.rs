//! Times written as RFC 3339 UTC byte by byte: chrono's formatter parses its format string on every
//! call, which costs more than the rest of a ledger hash or an export row.

use chrono::{Datelike, NaiveDateTime, Timelike};

/// Appends `t` as `YYYY-MM-DDTHH:MM:SSZ`, or with `micros` as `YYYY-MM-DDTHH:MM:SS.ffffffZ` (the
/// same text as chrono's `%Y-%m-%dT%H:%M:%S%.6fZ` for years 0 to 9999).
pub fn write_rfc3339(out: &mut String, t: NaiveDateTime, micros: bool) {
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
    if micros {
        out.push('.');
        digits(out, t.nanosecond() % 1_000_000_000 / 1000, 6);
    }
    out.push('Z');
}

/// Appends `t` as diesel stores it in SQLite (`%F %T%.f`: no fraction, or 3, 6 or 9 digits, whichever
/// is exact), so rows written as JSON compare with rows written by diesel.
pub fn write_sqlite(out: &mut String, t: NaiveDateTime) {
    let mut iso = String::with_capacity(27);
    write_rfc3339(&mut iso, t, false);
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
            let (mut fast, mut whole) = (String::new(), String::new());
            write_rfc3339(&mut fast, t, true);
            write_rfc3339(&mut whole, t, false);
            assert_eq!(fast, t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string());
            assert_eq!(whole, t.format("%Y-%m-%dT%H:%M:%SZ").to_string());
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
