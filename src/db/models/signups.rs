//! The sign-up writer's one statement on PostgreSQL: new profiles, their opt-in requests and their
//! emails in one round trip. Written as three statements (and a fourth asking for webhook endpoints),
//! a batch cost four round trips and four statement lookups: the writer threads used a fifth more CPU
//! a sign-up.

use crate::db::kept::kept;
use crate::db::models::optin_requests::{self, NewOptinRequest};
use crate::db::models::outbox::{self, Entry};
use crate::db::models::profiles::{self, NewProfile};
use diesel::prelude::*;

/// What `create` made.
pub struct Created {
    /// (position in `rows`, counted from 1; the new profile's id) of each profile created.
    pub ids: Vec<(i64, i64)>,
    /// Whether any webhook endpoint exists (so creations must be announced); false when nothing was
    /// created, as then nothing is to announce.
    pub hooks: bool,
}

/// Creates the profiles of `rows` whose address is not known yet and, for each one created, its opt-in
/// requests and emails. `rows` hold each address once, sorted by address (byte order), the order in
/// which every writer takes profiles by address. In `requests` and `mails`, `profile_id` is the
/// profile's position in `rows`, counted from 1, and becomes its id; those of a profile that existed
/// already are not written.
pub fn create(
    c: &mut diesel::PgConnection,
    rows: &[NewProfile],
    requests: &[NewOptinRequest],
    mails: &[Entry],
) -> QueryResult<Created> {
    #[derive(QueryableByName)]
    struct Made {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
        #[diesel(sql_type = diesel::sql_types::Bool)]
        hooks: bool,
    }
    outbox::wake_deliverers(mails);
    // Each `AS` list names the columns of the insert head it feeds, in that order.
    let q = kept(concat!(
        "WITH u AS (SELECT * FROM ",
        profiles::pg_unnest!(),
        " WITH ORDINALITY AS u(email, custom_id, phone, first_name, last_name, attributes, form_mails, \
         form_mail_window, created_at, updated_at, consent_mask, uuid, details, n)), \
         p AS (INSERT INTO profiles (",
        profiles::columns!(),
        ") SELECT email, custom_id, phone, first_name, last_name, attributes, form_mails, form_mail_window, \
         created_at, updated_at, consent_mask, uuid, details FROM u ORDER BY n \
         ON CONFLICT (email) DO NOTHING RETURNING id, email), \
         ids AS (SELECT u.n, p.id FROM p JOIN u USING (email)), \
         r AS (",
        optin_requests::insert_head!(),
        " SELECT ids.id, t.uid, t.token_hash, t.agreements, t.language, t.ip, t.user_agent, t.created_at, \
         t.expires_at, t.gpc FROM ",
        optin_requests::pg_unnest!(),
        " AS t(n, uid, token_hash, agreements, language, ip, user_agent, created_at, expires_at, gpc) \
         JOIN ids USING (n)), \
         m AS (",
        outbox::insert_head!(),
        " SELECT t.channel, t.kind, t.recipient, t.payload, t.endpoint_id, ids.id, t.created_at, \
         t.next_attempt_at, t.attempts FROM ",
        outbox::pg_unnest!(),
        " AS t(channel, kind, recipient, payload, endpoint_id, n, created_at, next_attempt_at, attempts) \
         JOIN ids USING (n)) \
         SELECT ids.n, ids.id, EXISTS (SELECT 1 FROM webhook_endpoints) AS hooks FROM ids"
    ));
    let q = profiles::bind_pg_arrays(q, rows);
    let q = optin_requests::bind_pg_arrays(q, requests);
    let made: Vec<Made> = outbox::bind_pg_arrays(q, mails).load(c)?;
    Ok(Created {
        hooks: made.first().is_some_and(|m| m.hooks),
        ids: made.into_iter().map(|m| (m.n, m.id)).collect(),
    })
}
