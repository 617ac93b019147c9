//! Rows for SQLite as one JSON array of arrays, read back by `json_each`: what an `UPDATE … FROM` of
//! many rows joins with. Inserts use `kept::insert` instead: SQLite takes JSON apart again at a cost
//! of several times the binding of the same values (callgrind).

use chrono::NaiveDateTime;

pub struct JsonRows {
    buf: Vec<u8>,
    fields: usize,
}

impl Default for JsonRows {
    fn default() -> Self {
        JsonRows {
            buf: b"[".to_vec(),
            fields: 0,
        }
    }
}

impl JsonRows {
    /// Starts the next row.
    pub fn row(&mut self) -> &mut Self {
        if self.buf.len() > 1 {
            self.buf.extend_from_slice(b"],");
        }
        self.buf.push(b'[');
        self.fields = 0;
        self
    }

    fn sep(&mut self) {
        if self.fields > 0 {
            self.buf.push(b',');
        }
        self.fields += 1;
    }

    pub fn int(&mut self, v: i64) -> &mut Self {
        self.sep();
        self.buf.extend_from_slice(v.to_string().as_bytes());
        self
    }

    pub fn text(&mut self, v: &str) -> &mut Self {
        self.sep();
        // Writing JSON into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut self.buf, v);
        self
    }

    pub fn opt(&mut self, v: Option<&str>) -> &mut Self {
        match v {
            Some(v) => self.text(v),
            None => {
                self.sep();
                self.buf.extend_from_slice(b"null");
                self
            }
        }
    }

    /// A time as diesel stores it in SQLite.
    pub fn time(&mut self, t: NaiveDateTime) -> &mut Self {
        self.sep();
        let mut s = String::with_capacity(29);
        s.push('"');
        crate::domain::time::write_sqlite(&mut s, t);
        s.push('"');
        self.buf.extend_from_slice(s.as_bytes());
        self
    }

    pub fn opt_time(&mut self, t: Option<NaiveDateTime>) -> &mut Self {
        match t {
            Some(t) => self.time(t),
            None => {
                self.sep();
                self.buf.extend_from_slice(b"null");
                self
            }
        }
    }

    pub fn finish(mut self) -> String {
        if self.buf.len() > 1 {
            self.buf.push(b']');
        }
        self.buf.push(b']');
        // Only JSON text went in.
        String::from_utf8(self.buf).unwrap_or_default()
    }
}
