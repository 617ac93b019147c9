use crate::db::DbConn;
use crate::db::schema::{agreement_versions, agreements};
use diesel::prelude::*;

/// An agreement with the current wording of its own text and of each translation: what forms show and
/// what a consent refers to.
#[derive(Clone, Debug)]
pub struct Agreement {
    pub id: i64,
    pub key: String,
    pub title: String,
    pub channel: String,
    pub position: i32,
    /// The current version of its own text.
    pub version: i32,
    pub archived_at: Option<chrono::NaiveDateTime>,
    pub text: String,
    /// The language of its own text: the one pages in a language without a translation show.
    pub language: String,
    pub mask_bit: i32,
    /// The current text in each other language that has one, by language.
    pub translations: Vec<Wording>,
    /// "A GPC signal means no": a browser sending Global Privacy Control withdraws it where the person
    /// is known, and the sign-up form shows it with a note.
    pub gpc: bool,
    /// When `gpc` was last switched (for `/.well-known/gpc.json`).
    pub gpc_changed_at: Option<chrono::NaiveDateTime>,
    pub created_at: chrono::NaiveDateTime,
}

/// One version of an agreement's wording in one language: what a consent refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wording {
    pub language: String,
    pub version: i32,
    pub text: String,
    /// A translation's own title (`None`: the agreement's title).
    pub title: Option<String>,
}

/// Agreements ever created, archived ones included: one bit each in `profiles.consent_mask`.
pub const MAX_AGREEMENTS: i32 = 63;

impl Agreement {
    /// This agreement's bit in `profiles.consent_mask`.
    pub fn bit(&self) -> i64 {
        1i64 << self.mask_bit
    }

    /// The bit of the agreement `key` in `catalog`, for audience rules (`Rule::new`).
    pub fn bit_of(catalog: &[Agreement], key: &str) -> Option<i64> {
        catalog.iter().find(|a| a.key == key).map(Agreement::bit)
    }

    pub fn active(&self) -> bool {
        self.archived_at.is_none()
    }

    /// The wording a page in `language` shows: its translation into that language, else its own text.
    pub fn wording_in(&self, language: &str) -> Wording {
        self.translations
            .iter()
            .find(|w| w.language == language)
            .cloned()
            .unwrap_or_else(|| Wording {
                language: self.language.clone(),
                version: self.version,
                text: self.text.clone(),
                title: None,
            })
    }

    /// The title a page in `language` shows: its translation's, else the agreement's own.
    pub fn title_in(&self, language: &str) -> &str {
        self.translations
            .iter()
            .find(|w| w.language == language)
            .and_then(|w| w.title.as_deref())
            .unwrap_or(&self.title)
    }

    /// The text of one version in one language (`None`: its own language), as a consent refers to it.
    pub fn wording(
        &self,
        conn: &mut DbConn,
        version: i32,
        language: Option<&str>,
    ) -> QueryResult<String> {
        let language = language.unwrap_or(&self.language);
        if language == self.language && version == self.version {
            return Ok(self.text.clone());
        }
        if let Some(w) = self
            .translations
            .iter()
            .find(|w| w.language == language && w.version == version)
        {
            return Ok(w.text.clone());
        }
        agreement_versions::table
            .find((self.id, language, version))
            .select(agreement_versions::text)
            .first(conn)
    }
}

/// On PostgreSQL, makes changes to the catalog's shape (creation, order) wait for each other until the
/// transaction ends; SQLite's write transactions are one at a time anyway.
fn take_turns(conn: &mut DbConn) -> QueryResult<()> {
    if let DbConn::Pg(c) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(7270001)").execute(c)?;
    }
    Ok(())
}

/// Moves an agreement one place earlier (`up`) or later in the display order (the order of forms and
/// of the CSV's columns), and numbers every position afresh from 1. `false` when it is already first
/// (or last). Call in a write transaction.
pub fn move_one(conn: &mut DbConn, id: i64, up: bool) -> QueryResult<bool> {
    take_turns(conn)?;
    let mut order: Vec<(i64, i32)> = agreements::table
        .order((agreements::position, agreements::id))
        .select((agreements::id, agreements::position))
        .load(conn)?;
    let Some(at) = order.iter().position(|(i, _)| *i == id) else {
        return Ok(false);
    };
    let to = if up { at.checked_sub(1) } else { Some(at + 1) };
    let Some(to) = to.filter(|t| *t < order.len()) else {
        return Ok(false);
    };
    order.swap(at, to);
    for (n, (id, was)) in order.iter().enumerate() {
        let now = n as i32 + 1;
        if *was != now {
            diesel::update(agreements::table.find(id))
                .set(agreements::position.eq(now))
                .execute(conn)?;
        }
    }
    Ok(true)
}

/// Every agreement, archived ones included, in display order, with its current texts (one query).
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Agreement>> {
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        (
            i64,
            String,
            String,
            String,
            i32,
            Option<chrono::NaiveDateTime>,
            String,
            i32,
            (bool, Option<chrono::NaiveDateTime>, chrono::NaiveDateTime),
        ),
        (String, i32, String, Option<String>),
    )> = agreements::table
        .inner_join(
            agreement_versions::table.on(agreement_versions::agreement_id
                .eq(agreements::id)
                .and(agreement_versions::is_current)),
        )
        .order((
            agreements::position,
            agreements::id,
            agreement_versions::language,
        ))
        .select((
            (
                agreements::id,
                agreements::key,
                agreements::title,
                agreements::channel,
                agreements::position,
                agreements::archived_at,
                agreements::language,
                agreements::mask_bit,
                (
                    agreements::gpc,
                    agreements::gpc_changed_at,
                    agreements::created_at,
                ),
            ),
            (
                agreement_versions::language,
                agreement_versions::version,
                agreement_versions::text,
                agreement_versions::title,
            ),
        ))
        .load(conn)?;
    // One row per current wording; the agreement's own language's gives its version and text.
    let mut out: Vec<Agreement> = Vec::new();
    for ((id, key, title, channel, position, archived_at, language, mask_bit, flag), w) in rows {
        if out.last().is_none_or(|a| a.id != id) {
            out.push(Agreement {
                id,
                key,
                title,
                channel,
                position,
                version: 0,
                archived_at,
                text: String::new(),
                language,
                mask_bit,
                translations: Vec::new(),
                gpc: flag.0,
                gpc_changed_at: flag.1,
                created_at: flag.2,
            });
        }
        let a = out.last_mut().expect("pushed above");
        let (language, version, text, title) = w;
        if language == a.language {
            a.version = version;
            a.text = text;
        } else {
            a.translations.push(Wording {
                language,
                version,
                text,
                title,
            });
        }
    }
    Ok(out)
}

/// Every version's text, keyed by (agreement, language, version), for the ledger check.
pub fn all_version_texts(conn: &mut DbConn) -> QueryResult<Vec<(i64, String, i32, String)>> {
    agreement_versions::table
        .select((
            agreement_versions::agreement_id,
            agreement_versions::language,
            agreement_versions::version,
            agreement_versions::text,
        ))
        .load(conn)
}

/// A version of an agreement's wording: (version, language, text, created_at, is current).
pub type Version = (i32, String, String, chrono::NaiveDateTime, bool);

/// Every version of one agreement in every language, newest first.
pub fn versions(conn: &mut DbConn, agreement_id: i64) -> QueryResult<Vec<Version>> {
    agreement_versions::table
        .filter(agreement_versions::agreement_id.eq(agreement_id))
        .order((
            agreement_versions::created_at.desc(),
            agreement_versions::language,
            agreement_versions::version.desc(),
        ))
        .select((
            agreement_versions::version,
            agreement_versions::language,
            agreement_versions::text,
            agreement_versions::created_at,
            agreement_versions::is_current,
        ))
        .load(conn)
}

/// Whether a key was ever used, archived agreements included (a key never gets a second meaning).
pub fn key_taken(conn: &mut DbConn, key: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        agreements::table.filter(agreements::key.eq(key)),
    ))
    .get_result(conn)
}

#[derive(Debug, PartialEq, Eq)]
pub enum Created {
    Id(i64),
    /// The key is or was in use (archived agreements keep theirs).
    KeyTaken,
    /// Every bit of the consent mask is given out.
    Full,
}

/// Creates an agreement with version 1 of its wording, last in display order, with the next free bit.
pub fn create(
    conn: &mut DbConn,
    key: &str,
    title: &str,
    channel: &str,
    (language, text): (&str, &str),
    gpc: bool,
    now: chrono::NaiveDateTime,
) -> QueryResult<Created> {
    // Creations take turns (SQLite write transactions do anyway), so two at once never pick the same
    // key, position or bit.
    take_turns(conn)?;
    if key_taken(conn, key)? {
        return Ok(Created::KeyTaken);
    }
    let (last, bits): (Option<i32>, Option<i32>) = agreements::table
        .select((
            diesel::dsl::max(agreements::position),
            diesel::dsl::max(agreements::mask_bit),
        ))
        .first(conn)?;
    let bit = bits.map_or(0, |b| b + 1);
    if bit >= MAX_AGREEMENTS {
        return Ok(Created::Full);
    }
    let id = diesel::insert_into(agreements::table)
        .values((
            agreements::key.eq(key),
            agreements::title.eq(title),
            agreements::channel.eq(channel),
            agreements::position.eq(last.unwrap_or(0) + 1),
            agreements::created_at.eq(now),
            agreements::mask_bit.eq(bit),
            agreements::language.eq(language),
            agreements::gpc.eq(gpc),
            agreements::gpc_changed_at.eq(gpc.then_some(now)),
        ))
        .returning(agreements::id)
        .get_result(conn)?;
    add_version(conn, id, language, 1, (None, text), now)?;
    Ok(Created::Id(id))
}

/// Switches "a GPC signal means no"; `true` when that changed it.
pub fn set_gpc(
    conn: &mut DbConn,
    id: i64,
    gpc: bool,
    now: chrono::NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(agreements::table.find(id).filter(agreements::gpc.ne(gpc)))
        .set((
            agreements::gpc.eq(gpc),
            agreements::gpc_changed_at.eq(Some(now)),
        ))
        .execute(conn)?;
    Ok(changed > 0)
}

/// Makes `text` the current version `version` of the agreement's wording in `language`.
fn add_version(
    conn: &mut DbConn,
    id: i64,
    language: &str,
    version: i32,
    (title, text): (Option<&str>, &str),
    now: chrono::NaiveDateTime,
) -> QueryResult<()> {
    retire(conn, id, language)?;
    diesel::insert_into(agreement_versions::table)
        .values((
            agreement_versions::agreement_id.eq(id),
            agreement_versions::language.eq(language),
            agreement_versions::version.eq(version),
            agreement_versions::text.eq(text),
            agreement_versions::created_at.eq(now),
            agreement_versions::is_current.eq(true),
            agreement_versions::title.eq(title),
        ))
        .execute(conn)?;
    Ok(())
}

/// Leaves the agreement without a current text in `language`.
fn retire(conn: &mut DbConn, id: i64, language: &str) -> QueryResult<usize> {
    diesel::update(
        agreement_versions::table
            .filter(agreement_versions::agreement_id.eq(id))
            .filter(agreement_versions::language.eq(language))
            .filter(agreement_versions::is_current),
    )
    .set(agreement_versions::is_current.eq(false))
    .execute(conn)
}

/// What an edit did to the wording in one language.
#[derive(Debug, PartialEq, Eq)]
pub enum Reworded {
    Unchanged,
    /// Only a translation's title changed (titles are not versioned).
    Retitled,
    /// The new text is this version.
    Version(i32),
    /// The translation was taken away: pages in its language show the agreement's own text again.
    Removed,
}

/// One language's wording as an editor gives it: (language, title, text). The title of the agreement's own
/// language is `agreements.title` and ignored here; an empty one is none.
pub type TextIn<'a> = (&'a str, &'a str, &'a str);

/// Renames an agreement and rewords it: `texts` gives the text in its own language and in any other
/// language (an empty translation takes that translation away). A changed text becomes the next version of
/// its language; consents already given keep the version they were given under. Returns what happened
/// per language, in the order given.
pub fn edit(
    conn: &mut DbConn,
    id: i64,
    title: &str,
    texts: &[TextIn],
    now: chrono::NaiveDateTime,
) -> QueryResult<Vec<(String, Reworded)>> {
    // The agreement's row lock first: two editors at once make two versions in turn, never a clash.
    diesel::update(agreements::table.find(id))
        .set(agreements::title.eq(title))
        .execute(conn)?;
    let own: String = agreements::table
        .find(id)
        .select(agreements::language)
        .first(conn)?;
    let mut out = Vec::new();
    for (language, own_title, text) in texts {
        let own_title = Some(*own_title).filter(|t| !t.is_empty() && *language != own);
        let current: Option<(i32, String, Option<String>)> = agreement_versions::table
            .filter(agreement_versions::agreement_id.eq(id))
            .filter(agreement_versions::language.eq(language))
            .filter(agreement_versions::is_current)
            .select((
                agreement_versions::version,
                agreement_versions::text,
                agreement_versions::title,
            ))
            .first(conn)
            .optional()?;
        let outcome = match current {
            Some((_, was, was_title)) if was == *text && was_title.as_deref() == own_title => {
                Reworded::Unchanged
            }
            Some((version, was, _)) if was == *text => {
                diesel::update(agreement_versions::table.find((id, *language, version)))
                    .set(agreement_versions::title.eq(own_title))
                    .execute(conn)?;
                Reworded::Retitled
            }
            None if text.is_empty() => Reworded::Unchanged,
            Some(_) if text.is_empty() && *language != own => {
                retire(conn, id, language)?;
                Reworded::Removed
            }
            _ => {
                // Numbered on from the language's last version, even one taken away since.
                let last: Option<i32> = agreement_versions::table
                    .filter(agreement_versions::agreement_id.eq(id))
                    .filter(agreement_versions::language.eq(language))
                    .select(diesel::dsl::max(agreement_versions::version))
                    .first(conn)?;
                let version = last.unwrap_or(0) + 1;
                add_version(conn, id, language, version, (own_title, text), now)?;
                Reworded::Version(version)
            }
        };
        out.push((language.to_string(), outcome));
    }
    Ok(out)
}

/// Takes an agreement off every form; its history and consents stay. Returns false when it was already
/// archived.
pub fn archive(conn: &mut DbConn, id: i64, now: chrono::NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        agreements::table
            .find(id)
            .filter(agreements::archived_at.is_null()),
    )
    .set(agreements::archived_at.eq(now))
    .execute(conn)?;
    Ok(n == 1)
}
