//! `assent import`: one file, with a progress bar on a terminal and a summary at the end. An import
//! of the same file with the same options that was interrupted (killed, crashed) is resumed.

use crate::config::Settings;
use crate::db::{self, Schema};
use crate::imports::{self, Counts, JobRef, Params, Status, map, read::Format};
use crate::node::Node;
use std::io::{IsTerminal, Write};

/// The command line's options, as given.
pub use crate::cli::ImportArgs as Options;

impl Options {
    /// The import's parameters; `region` is `ASSENT_DEFAULT_PHONE_REGION`, for numbers without `+`.
    pub fn params(&self, region: Option<crate::domain::phone::Region>) -> Result<Params, String> {
        let mut p = Params::of_file(&self.file)?;
        if let Some(f) = &self.format {
            p.format = Format::parse(f)?;
        } else if Format::of_name(&p.name).is_none() {
            return Err(format!(
                "cannot tell the format of {} from its name: give --format csv, json, jsonl or xml",
                p.name
            ));
        }
        p.delimiter = self
            .delimiter
            .as_deref()
            .map(imports::delimiter)
            .transpose()?;
        p.mapping = map::parse_pairs(&self.map)?;
        p.consented_at = self
            .consented_at
            .as_deref()
            .map(|t| map::time_value(t).map_err(|e| format!("--consented-at: {e}")))
            .transpose()?;
        p.dry_run = self.dry_run;
        p.from = self
            .from
            .as_deref()
            .map(imports::preset::Preset::parse)
            .transpose()?;
        p.agreement = self.agreement.clone();
        p.split_name = self.split_name;
        p.set = map::parse_pairs(&self.set).map_err(|e| {
            e.replace(
                "SOURCE=TARGET, e.g. E-mail=email",
                "TARGET=VALUE, e.g. newsletter_agreement=enabled",
            )
        })?;
        p.unmapped = self
            .unmapped
            .as_deref()
            .map(map::Unmapped::parse)
            .transpose()?;
        if let Some(zone) = &self.timezone {
            map::time_zone(zone)?;
        }
        p.timezone = self.timezone.clone();
        p.phone_region = match &self.phone_region {
            Some(r) => Some(
                crate::domain::phone::Region::parse(r)
                    .map_err(|e| format!("--phone-region: {e}"))?
                    .code
                    .to_string(),
            ),
            None => region.map(|r| r.code.to_string()),
        };
        Ok(p)
    }
}

pub fn import(settings: &Settings, options: Options) -> anyhow::Result<()> {
    let params = options
        .params(settings.phone_region)
        .map_err(anyhow::Error::msg)?;
    let pool = db::connect(&settings.database, 1, Schema::Require)?;
    {
        let mut conn = pool.get()?;
        let catalog = crate::db::models::agreements::all(&mut conn)?;
        imports::check(&params, &catalog).map_err(anyhow::Error::msg)?;
        if params.from.is_some() || params.dry_run {
            show_plan(&params, &catalog).map_err(anyhow::Error::msg)?;
        }
    }
    let node = Node::cli();
    let started = std::time::Instant::now();

    // The job: the interrupted import of this same file and options, or a new one.
    let job = if params.dry_run {
        None
    } else {
        let taken = imports::claim_for_cli(&mut *pool.get()?, &params, &node)?;
        if taken.done > 0 {
            eprintln!(
                "Resuming import job {} of {} after row {} (the rows before it are already applied).",
                taken.id, params.name, taken.done
            );
        }
        Some(taken)
    };
    let job_ref = job.as_ref().map(|j| JobRef {
        id: j.id,
        claim_id: &node.claim_id,
        done: j.done as u64,
        total: j.total.map(|t| t as u64),
        counts: Counts::parse(&j.counts),
    });

    let mut errors = match &options.errors {
        Some(path) => {
            let mut f = std::io::BufWriter::new(
                std::fs::File::create(path)
                    .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?,
            );
            writeln!(f, "row,outcome,message")?;
            Some(f)
        }
        None => None,
    };
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} rows  {per_sec}  {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let summary = imports::run(
        &pool,
        &params,
        job_ref,
        settings.import_chunk,
        &mut |status: &Status, outcome| {
            if let Some(bar) = &bar {
                bar.set_length(status.total.unwrap_or(status.done));
                bar.set_position(status.done);
                bar.set_message(format!(
                    "{} rejected, {} stale",
                    status.counts.rejected, status.counts.stale
                ));
            }
            if let Some(f) = errors.as_mut() {
                for r in imports::reported_rows(0, outcome) {
                    let _ = writeln!(
                        f,
                        "{},{},{}",
                        r.row_number,
                        r.outcome,
                        settings.csv.field(&r.message)
                    );
                }
            }
        },
    )?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if let Some(mut f) = errors {
        f.flush()?;
    }
    print_summary(
        &params,
        &summary,
        job.as_ref().map(|j| j.id),
        started.elapsed(),
    );
    if let Some(e) = summary.error {
        anyhow::bail!("the import stopped: {e}");
    }
    Ok(())
}

/// How the file will be read: its kind (with a preset), the zone of its times, what each column becomes,
/// and (dry run) the first rows as they would be stored.
fn show_plan(
    params: &imports::Params,
    catalog: &[crate::db::models::agreements::Agreement],
) -> Result<(), String> {
    let (mapper, plan) = imports::mapper(params, catalog)?;
    let zone = params.timezone.as_deref().unwrap_or("UTC");
    match &plan {
        Some(plan) => println!(
            "Reading {} as {} (times without an offset in {zone}).",
            params.name, plan.kind
        ),
        None => println!(
            "Reading {} (times without an offset in {zone}).",
            params.name
        ),
    }
    let (columns, rows) = imports::preview(params, 3)?;
    let width = columns
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(0)
        .min(30);
    for (column, target) in mapper.describe(&columns, catalog) {
        println!("  {column:width$} -> {target}");
    }
    if !params.dry_run {
        return Ok(());
    }
    println!("The first rows as they would be stored:");
    let now = crate::db::now();
    for (n, record) in rows.into_iter().enumerate() {
        let row = n + 1;
        match map::to_item(record, &mapper, catalog, params.consented_at, now) {
            Err(why) => println!("  row {row}: refused: {why}"),
            Ok(item) => {
                let who = item
                    .email
                    .as_ref()
                    .map(|e| e.to_string())
                    .or(item.custom_id.clone())
                    .unwrap_or_default();
                let changes: Vec<String> = item
                    .consents
                    .iter()
                    .map(|(_, key, value)| format!("{key} {}", value.as_str()))
                    .collect();
                let when = item.consented_at.map_or_else(
                    || "now".to_string(),
                    |t| crate::domain::time::rfc3339(t, crate::domain::time::Precision::Seconds),
                );
                let mut line = format!(
                    "  row {row}: {who}: {} at {when}",
                    if changes.is_empty() {
                        "no consent change".into()
                    } else {
                        changes.join(", ")
                    }
                );
                let reported = item.reported.as_deref().cloned().unwrap_or_default();
                if let Some(ip) = &reported.ip {
                    line.push_str(&format!(" from {ip}"));
                }
                if let Some(reason) = &reported.reason {
                    line.push_str(&format!(" ({reason})"));
                }
                if !item.attributes.is_empty() {
                    line.push_str(&format!(
                        "; attributes {}",
                        serde_json::Value::Object(item.attributes.clone())
                    ));
                }
                println!("{line}");
            }
        }
    }
    Ok(())
}

/// What the import did: its rate, its counts, and the first rejected rows.
fn print_summary(
    params: &imports::Params,
    summary: &imports::Summary,
    job: Option<i64>,
    took: std::time::Duration,
) {
    let s = &summary.status;
    let c = &s.counts;
    let secs = took.as_secs_f64();
    println!(
        "{} {} rows of {}{} in {:.1} s ({:.0} rows/s){}:",
        if params.dry_run {
            "Checked"
        } else {
            "Imported"
        },
        s.done,
        params.name,
        if params.dry_run {
            " (dry run: nothing was written)"
        } else {
            ""
        },
        secs,
        s.done as f64 / secs.max(0.001),
        job.map(|id| format!(" as job {id}")).unwrap_or_default(),
    );
    println!(
        "  created {}, updated {}, unchanged {}, stale {}, rejected {}",
        c.created, c.updated, c.unchanged, c.stale, c.rejected
    );
    for (row, why) in &summary.rejected {
        println!("  row {row}: {why}");
    }
    if c.rejected as usize > summary.rejected.len() {
        println!(
            "  … and {} more rejected rows: see --errors FILE, or the job's report in the dashboard (Imports)",
            c.rejected as usize - summary.rejected.len()
        );
    }
}
