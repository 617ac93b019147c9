//! `assent import`: one file, with a progress bar on a terminal and a summary at the end. An import
//! of the same file with the same options that was interrupted (killed, crashed) is resumed.

use crate::config::Settings;
use crate::db::{self, Schema};
use crate::imports::{self, Counts, JobRef, Params, Status, map, read::Format};
use crate::node::Node;
use std::io::{IsTerminal, Write};

/// The command line's options, as given.
pub struct Options {
    pub file: std::path::PathBuf,
    pub format: Option<String>,
    pub delimiter: Option<String>,
    pub map: Vec<String>,
    pub dry_run: bool,
    pub consented_at: Option<String>,
    pub errors: Option<std::path::PathBuf>,
}

impl Options {
    pub fn params(&self) -> Result<Params, String> {
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
        Ok(p)
    }
}

pub fn import(settings: &Settings, options: Options) -> anyhow::Result<()> {
    let params = options.params().map_err(anyhow::Error::msg)?;
    let pool = db::connect(&settings.database, 1, Schema::Require)?;
    {
        let mut conn = pool.get()?;
        let catalog = crate::db::models::agreements::all(&mut conn)?;
        imports::check(&params, &catalog).map_err(anyhow::Error::msg)?;
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
