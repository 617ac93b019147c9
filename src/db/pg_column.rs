//! A column of values bound as one PostgreSQL array (`unnest` inserts), written in one pass. diesel
//! writes an array element by element, each through a fresh `Output` and several small writes: about
//! 600 instructions an element, and a batch of sign-ups binds some thirty arrays. `Column` writes
//! PostgreSQL's binary array format (the same bytes) into one buffer.

use chrono::NaiveDateTime;
use diesel::pg::Pg;
use diesel::serialize::{IsNull, Output, ToSql};
use diesel::sql_types::{Array, BigInt, Bool, HasSqlType, Integer, Nullable, Text, Timestamp};
use std::io::Write;

/// What writing an element gives, with diesel's serialisation error.
type Put<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// `values` bound as an array of SQL type `ST`: `.bind::<Array<Text>, _>(Column(names))`.
#[derive(Debug)]
pub struct Column<T>(pub Vec<T>);

/// A value as an element of an array of `ST`.
pub trait Element<ST> {
    /// Appends the value in PostgreSQL's binary form; false for NULL (nothing appended).
    fn put(&self, buf: &mut Vec<u8>) -> Put<bool>;
}

impl<ST, T> ToSql<Array<ST>, Pg> for Column<T>
where
    Pg: HasSqlType<ST>,
    T: Element<ST> + std::fmt::Debug,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> diesel::serialize::Result {
        let oid = <Pg as HasSqlType<ST>>::metadata(out.metadata_lookup()).oid()?;
        out.write_all(&array(oid, &self.0)?)?;
        Ok(IsNull::No)
    }
}

/// PostgreSQL's binary form of a one-dimensional array of `values` whose element type is `oid`.
fn array<ST, T: Element<ST>>(oid: u32, values: &[T]) -> Put<Vec<u8>> {
    let mut buf = Vec::with_capacity(20 + 24 * values.len());
    // Dimensions, the has-NULLs flag (PostgreSQL works it out itself, as with diesel's 0), the element
    // type, the length and the lower bound.
    for field in [1, 0, oid as i32, i32::try_from(values.len())?, 1] {
        buf.extend_from_slice(&field.to_be_bytes());
    }
    for value in values {
        let at = buf.len();
        buf.extend_from_slice(&[0; 4]);
        let len = match value.put(&mut buf)? {
            true => i32::try_from(buf.len() - at - 4)?,
            false => -1,
        };
        buf[at..at + 4].copy_from_slice(&len.to_be_bytes());
    }
    Ok(buf)
}

impl Element<Text> for str {
    fn put(&self, buf: &mut Vec<u8>) -> Put<bool> {
        buf.extend_from_slice(self.as_bytes());
        Ok(true)
    }
}

impl<ST, T: Element<ST> + ?Sized> Element<ST> for &T {
    fn put(&self, buf: &mut Vec<u8>) -> Put<bool> {
        (**self).put(buf)
    }
}

impl<T: Element<ST>, ST> Element<Nullable<ST>> for Option<T> {
    fn put(&self, buf: &mut Vec<u8>) -> Put<bool> {
        match self {
            Some(v) => v.put(buf),
            None => Ok(false),
        }
    }
}

impl Element<BigInt> for i64 {
    fn put(&self, buf: &mut Vec<u8>) -> Put<bool> {
        buf.extend_from_slice(&self.to_be_bytes());
        Ok(true)
    }
}

impl Element<Integer> for i32 {
    fn put(&self, buf: &mut Vec<u8>) -> Put<bool> {
        buf.extend_from_slice(&self.to_be_bytes());
        Ok(true)
    }
}

impl Element<Bool> for bool {
    fn put(&self, buf: &mut Vec<u8>) -> Put<bool> {
        buf.push(u8::from(*self));
        Ok(true)
    }
}

impl Element<Timestamp> for NaiveDateTime {
    /// Microseconds since 2000-01-01, as diesel writes them.
    fn put(&self, buf: &mut Vec<u8>) -> Put<bool> {
        let epoch = chrono::NaiveDate::from_ymd_opt(2000, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .expect("a valid date");
        let micros = self
            .signed_duration_since(epoch)
            .num_microseconds()
            .ok_or_else(|| format!("{self:?} as microseconds is too large to fit in an i64"))?;
        buf.extend_from_slice(&micros.to_be_bytes());
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes written by hand from PostgreSQL's binary formats (`array_recv`, `int8send`,
    /// `timestamp_send`), which diesel's own array binding also writes.
    #[test]
    fn writes_postgresqls_binary_array_format() {
        let head = |oid: u8, n: u8| [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, oid, 0, 0, 0, n, 0, 0, 0, 1];
        let texts: &[Option<&str>] = &[Some("ab"), None, Some("")];
        let mut want = head(25, 3).to_vec();
        want.extend([0, 0, 0, 2, b'a', b'b', 255, 255, 255, 255, 0, 0, 0, 0]);
        assert_eq!(array::<Nullable<Text>, _>(25, texts).unwrap(), want);

        let mut want = head(20, 2).to_vec();
        want.extend([
            0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 8, 255, 255, 255, 255, 255, 255, 255, 255,
        ]);
        assert_eq!(array::<BigInt, _>(20, &[256i64, -1]).unwrap(), want);

        assert_eq!(array::<Integer, i32>(23, &[]).unwrap(), head(23, 0));

        let mut want = head(16, 2).to_vec();
        want.extend([0, 0, 0, 1, 1, 0, 0, 0, 1, 0]);
        assert_eq!(array::<Bool, _>(16, &[true, false]).unwrap(), want);

        // 2000-01-01 00:00:01.5 is 1,500,000 microseconds after PostgreSQL's epoch; before it, negative.
        let t = |s| chrono::NaiveDateTime::parse_from_str(s, "%F %T%.f").unwrap();
        let mut want = head(90, 2).to_vec();
        want.extend([0, 0, 0, 8, 0, 0, 0, 0, 0, 0x16, 0xe3, 0x60]);
        want.extend([0, 0, 0, 8, 255, 255, 255, 255, 255, 255, 255, 255]);
        let times = [t("2000-01-01 00:00:01.5"), t("1999-12-31 23:59:59.999999")];
        assert_eq!(array::<Timestamp, _>(90, &times).unwrap(), want);
    }
}
