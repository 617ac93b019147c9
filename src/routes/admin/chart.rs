//! The overview's chart of opt-ins and opt-outs per day, drawn on the server as SVG (no JavaScript):
//! opt-ins rise above the axis, opt-outs hang below it, and each day's bars carry a `<title>` that a
//! pointer or a screen reader can reach. The page also gives the same numbers as a table. Its words,
//! numbers and days are in the staff member's language.

use super::profiles::escape;
use crate::audiences::daily::Day;
use crate::i18n::Lang;
use chrono::Datelike;
use std::fmt::Write;

const W: f64 = 720.0;
const H: f64 = 220.0;
const LEFT: f64 = 44.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 24.0;

/// A plural message whose `$count` is written grouped as the language writes numbers (1,234).
fn counted(lang: &Lang, id: &str, n: i64) -> String {
    lang.count(id, n)
        .replacen(&n.to_string(), &lang.number(n), 1)
}

pub fn svg(days: &[Day], lang: &Lang) -> String {
    let peak = days
        .iter()
        .map(|d| d.ins.max(d.outs))
        .max()
        .unwrap_or(0)
        .max(1);
    let half = (H - TOP - BOTTOM) / 2.0;
    let axis = TOP + half;
    let step = (W - LEFT) / days.len().max(1) as f64;
    let bar = (step * 0.8).max(1.0);
    let scale = |n: i64| n as f64 / peak as f64 * half;
    let (ins, outs): (i64, i64) = days
        .iter()
        .fold((0, 0), |(i, o), d| (i + d.ins, o + d.outs));
    let mut s = String::with_capacity(16 * 1024);
    let first = days.first().map(|d| lang.date(d.day)).unwrap_or_default();
    let last = days.last().map(|d| lang.date(d.day)).unwrap_or_default();
    let desc = lang.with(
        "chart-desc",
        &[
            ("first", &first),
            ("last", &last),
            ("ins", &counted(lang, "chart-opt-ins", ins)),
            ("outs", &counted(lang, "chart-opt-outs", outs)),
            ("peak", &lang.number(peak)),
        ],
    );
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">"#
    );
    let _ = write!(
        s,
        r#"<title id="chart-title">{}</title><desc id="chart-desc">{}</desc>"#,
        escape(&lang.t("chart-title")),
        escape(&desc)
    );
    let _ = write!(
        s,
        r##"<line x1="{LEFT}" y1="{axis}" x2="{W}" y2="{axis}" stroke="#8a8f98" stroke-width="1"/>"##
    );
    let _ = write!(
        s,
        r##"<text x="{x}" y="{y}" font-size="11" text-anchor="end" fill="currentColor">+{top}</text><text x="{x}" y="{y2}" font-size="11" text-anchor="end" fill="currentColor">−{top}</text><text x="{x}" y="{y3}" font-size="11" text-anchor="end" fill="currentColor">0</text>"##,
        top = lang.number(peak),
        x = LEFT - 6.0,
        y = TOP + 10.0,
        y2 = H - BOTTOM,
        y3 = axis + 4.0
    );
    for (i, d) in days.iter().enumerate() {
        let x = LEFT + i as f64 * step + (step - bar) / 2.0;
        let title = lang.with(
            "chart-day",
            &[
                ("day", &lang.date(d.day)),
                ("ins", &counted(lang, "chart-opt-ins", d.ins)),
                ("outs", &counted(lang, "chart-opt-outs", d.outs)),
            ],
        );
        let _ = write!(s, r#"<g><title>{}</title>"#, escape(&title));
        if d.ins > 0 {
            let h = scale(d.ins).max(1.0);
            let _ = write!(
                s,
                r##"<rect x="{x:.1}" y="{:.1}" width="{bar:.1}" height="{h:.1}" fill="#1e7b34" class="in"/>"##,
                axis - h
            );
        }
        if d.outs > 0 {
            let h = scale(d.outs).max(1.0);
            let _ = write!(
                s,
                r##"<rect x="{x:.1}" y="{axis:.1}" width="{bar:.1}" height="{h:.1}" fill="#b3261e" class="out"/>"##
            );
        }
        // An invisible full-height target, so even an empty day shows its numbers on hover.
        let _ = write!(
            s,
            r#"<rect x="{:.1}" y="{TOP}" width="{step:.1}" height="{:.1}" fill="transparent"/></g>"#,
            LEFT + i as f64 * step,
            H - TOP - BOTTOM
        );
        if i % 15 == 0 {
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{}" font-size="11" fill="currentColor">{}</text>"#,
                LEFT + i as f64 * step,
                H - 6.0,
                escape(&lang.with(
                    "chart-axis-day",
                    &[
                        ("month", &lang.count("chart-month", d.day.month())),
                        ("day", &d.day.day().to_string()),
                    ],
                ))
            );
        }
    }
    s.push_str("</svg>");
    s
}
