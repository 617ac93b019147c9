//! Values stored as text columns and read back typed: a type with `as_str` and `parse` gets diesel's
//! `ToSql`/`FromSql` for `Text` on both engines, so a row is parsed once, where it is loaded, and a row
//! holding anything unknown fails to load instead of being taken for something else.

/// Implements `ToSql<Text>` and `FromSql<Text>` for `$t` (which also derives `diesel::AsExpression` and
/// `diesel::FromSqlRow` with `#[diesel(sql_type = diesel::sql_types::Text)]`) from its `as_str` and
/// `parse`, and `Display` as its stored text.
macro_rules! stored_as_text {
    ($t:ty) => {
        impl<DB: diesel::backend::Backend> diesel::serialize::ToSql<diesel::sql_types::Text, DB>
            for $t
        where
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, DB>,
            ) -> diesel::serialize::Result {
                self.as_str().to_sql(out)
            }
        }

        impl<DB: diesel::backend::Backend> diesel::deserialize::FromSql<diesel::sql_types::Text, DB>
            for $t
        where
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                Ok(<$t>::parse(&String::from_sql(bytes)?)?)
            }
        }

        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use stored_as_text;

/// An enum of stored words: declares it with each variant's word, and gives it `ALL`, `as_str` and
/// `parse` (whose error says what the value is not, e.g. "a job status").
macro_rules! words {
    (
        $(#[$meta:meta])*
        $vis:vis enum $t:ident ($what:literal) {
            $($(#[$vmeta:meta])* $v:ident = $word:literal,)+
        }
    ) => {
        $(#[$meta])*
        $vis enum $t {
            $($(#[$vmeta])* $v,)+
        }

        impl $t {
            pub const ALL: &'static [$t] = &[$($t::$v,)+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($t::$v => $word,)+
                }
            }

            pub fn parse(raw: &str) -> Result<$t, String> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|k| k.as_str() == raw)
                    .ok_or_else(|| format!("{raw:?} is not {}", $what))
            }
        }
    };
}

pub(crate) use words;
