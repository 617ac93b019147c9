//! Opt-ins and opt-outs per UTC day (by when Assent recorded them), for the overview chart.
//!
//! A day that is over (before yesterday) never changes again, since events are append-only and stamped
//! under the profile's lock just before commit: it is counted once into `consent_daily`, with a marker
//! row (agreement 0) saying the day is done, by housekeeping or by the first page that needs it. Only
//! yesterday and today are counted from the ledger on each view, over the index on `recorded_at`, so the
//! chart costs the same at a million profiles as at a hundred.

use crate::db::DbConn;
use crate::db::schema::{consent_daily, consent_events};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use std::collections::{HashMap, HashSet};

/// The chart's span.
pub const DAYS: i64 = 90;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Day {
    pub day: NaiveDate,
    pub ins: i64,
    pub outs: i64,
}

#[derive(Insertable)]
#[diesel(table_name = consent_daily)]
struct Row {
    day: String,
    agreement_id: i64,
    opt_ins: i64,
    opt_outs: i64,
}

fn midnight(d: NaiveDate) -> NaiveDateTime {
    d.and_hms_opt(0, 0, 0).expect("midnight exists")
}

/// (agreement, opt-ins, opt-outs) recorded on one day.
fn count_day(conn: &mut DbConn, day: NaiveDate) -> QueryResult<Vec<(i64, i64, i64)>> {
    let rows: Vec<(i64, String, i64)> = consent_events::table
        .filter(consent_events::recorded_at.ge(midnight(day)))
        .filter(consent_events::recorded_at.lt(midnight(day + chrono::Days::new(1))))
        .group_by((consent_events::agreement_id, consent_events::value))
        .select((
            consent_events::agreement_id,
            consent_events::value,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    let mut by: HashMap<i64, (i64, i64)> = HashMap::new();
    for (agreement, value, n) in rows {
        let e = by.entry(agreement).or_default();
        if value == "enabled" {
            e.0 += n;
        } else {
            e.1 += n;
        }
    }
    Ok(by.into_iter().map(|(a, (i, o))| (a, i, o)).collect())
}

/// Counts every closed day from `first` up to (not including) `open` that is not counted yet.
fn roll_up(conn: &mut DbConn, first: NaiveDate, open: NaiveDate) -> QueryResult<usize> {
    let done: HashSet<String> = consent_daily::table
        .filter(consent_daily::agreement_id.eq(0))
        .filter(consent_daily::day.ge(first.to_string()))
        .select(consent_daily::day)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let mut rolled = 0;
    for day in first.iter_days().take_while(|d| *d < open) {
        let key = day.to_string();
        if done.contains(&key) {
            continue;
        }
        let mut rows: Vec<Row> = count_day(conn, day)?
            .into_iter()
            .map(|(agreement_id, opt_ins, opt_outs)| Row {
                day: key.clone(),
                agreement_id,
                opt_ins,
                opt_outs,
            })
            .collect();
        rows.push(Row {
            day: key,
            agreement_id: 0,
            opt_ins: 0,
            opt_outs: 0,
        });
        // Two nodes may count the same day at once: they find the same numbers, the second is dropped.
        // A handful of rows a day (one per agreement), one statement each.
        for row in &rows {
            let insert = diesel::insert_into(consent_daily::table).values(row);
            crate::on_backend!(conn, |c| insert.on_conflict_do_nothing().execute(c))?;
        }
        rolled += 1;
    }
    Ok(rolled)
}

/// The chart's span ending `today`: its first day, and the first day still open (yesterday).
fn span(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    (
        today - chrono::Days::new(DAYS as u64 - 1),
        today - chrono::Days::new(1),
    )
}

/// Counts the span's closed days that are not counted yet (housekeeping runs this ahead of the page).
pub fn roll_up_span(conn: &mut DbConn, today: NaiveDate) -> QueryResult<usize> {
    let (first, open) = span(today);
    roll_up(conn, first, open)
}

/// The last `DAYS` days up to `today`, oldest first, for every agreement or one.
pub fn series(
    conn: &mut DbConn,
    today: NaiveDate,
    agreement: Option<i64>,
) -> QueryResult<Vec<Day>> {
    let (first, open) = span(today);
    roll_up(conn, first, open)?;
    let mut q = consent_daily::table
        .filter(consent_daily::day.ge(first.to_string()))
        .filter(consent_daily::day.lt(open.to_string()))
        .filter(consent_daily::agreement_id.ne(0))
        .select((
            consent_daily::day,
            consent_daily::agreement_id,
            consent_daily::opt_ins,
            consent_daily::opt_outs,
        ))
        .into_boxed();
    if let Some(a) = agreement {
        q = q.filter(consent_daily::agreement_id.eq(a));
    }
    let mut by_day: HashMap<NaiveDate, (i64, i64)> = HashMap::new();
    for (day, _, ins, outs) in q.load::<(String, i64, i64, i64)>(conn)? {
        if let Ok(d) = day.parse::<NaiveDate>() {
            let e = by_day.entry(d).or_default();
            e.0 += ins;
            e.1 += outs;
        }
    }
    for day in [open, today] {
        for (a, ins, outs) in count_day(conn, day)? {
            if agreement.is_none_or(|want| want == a) {
                let e = by_day.entry(day).or_default();
                e.0 += ins;
                e.1 += outs;
            }
        }
    }
    Ok(first
        .iter_days()
        .take(DAYS as usize)
        .map(|day| {
            let (ins, outs) = by_day.get(&day).copied().unwrap_or_default();
            Day { day, ins, outs }
        })
        .collect())
}
