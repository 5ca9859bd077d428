//! Two runs compared, in every format.
//!
//! * Table and Markdown: a table per scope (channels, types, groups, issues, windows,
//!   segments) with each KPI of A, of B and B − A (`*` when its interval excludes 0).
//! * CSV: `scope,name,kpi,start_s,a_mean,a_ci95,b_mean,b_ci95,diff_mean,diff_ci95,paired`,
//!   rounded to the intervals like a run's CSV.

use super::csv::{exact, rounded};
use super::text::{Grid, value, with_ci};
use super::{Document, Markup, Rows};
use crate::report::compare::{Compared, Comparison};
use crate::stats::kpi::{Unit, label_and_unit};
use crate::stats::summary::Estimate;
use std::io::{self, Write};

/// The scopes in table order, with their captions.
const SCOPES: [(&str, &str); 12] = [
    ("channel", "Channels"),
    ("type", "Contact types"),
    ("segment", "Segments (segment/channel)"),
    ("group", "Agent groups"),
    ("handled", "Handled by channel"),
    ("window", "Windows (channels)"),
    ("group_window", "Windows (agent groups)"),
    ("issues", "Issues"),
    ("channel_issues", "Issues by channel"),
    ("type_issues", "Issues by type"),
    ("segment_issues", "Issues by segment"),
    ("", "Other"),
];

/// The label and unit of a compared value.
fn label(v: &Compared) -> (String, Unit) {
    if v.scope == "handled" {
        return (format!("handled: {}", v.kpi), Unit::Count);
    }
    label_and_unit(&v.kpi).map_or((v.kpi.clone(), Unit::Ratio), |(l, u)| (l.to_string(), u))
}

/// A difference with its sign and interval, `*` when the interval excludes 0.
fn difference(d: &Estimate, unit: Unit) -> String {
    if !d.mean.is_finite() {
        return "–".into();
    }
    let (m, h) = match unit {
        Unit::Share => (format!("{:+.1} pt", 100.0 * d.mean), format!("{:.1}", 100.0 * d.ci95)),
        _ => {
            let v = value(d.mean, unit);
            (if d.mean >= 0.0 { format!("+{v}") } else { v }, value(d.ci95, unit))
        }
    };
    let sure = d.ci95.is_finite() && d.mean.abs() > d.ci95;
    if d.ci95.is_finite() { format!("{m} ± {h}{}", if sure { " *" } else { "" }) } else { m }
}

impl Document for Comparison {
    fn tables(&self, m: &dyn Markup, out: &mut dyn Write) -> io::Result<()> {
        let side = |s: &crate::report::compare::Side| {
            let set: Vec<String> = s.overrides.iter().map(|(p, v)| format!("{p}={v}")).collect();
            let with = if set.is_empty() { String::new() } else { format!(" with {}", set.join(", ")) };
            format!("{} ({}, {} replications, seed {}{with})", s.file, s.scenario, s.replications, s.seed)
        };
        write!(out, "{}", m.title(&format!("A: {}  —  B: {}", side(&self.a), side(&self.b))))?;
        for (scope, caption) in SCOPES {
            let rows: Vec<Vec<String>> = self
                .values
                .iter()
                .filter(|v| v.scope == scope || (scope.is_empty() && !SCOPES.iter().any(|s| s.0 == v.scope)))
                .filter(|v| v.a.mean.is_finite() || v.b.mean.is_finite())
                .map(|v| {
                    let (l, unit) = label(v);
                    let show = |e: &Estimate| if e.mean.is_finite() { with_ci(e, unit) } else { "–".into() };
                    vec![v.name.clone(), l, show(&v.a), show(&v.b), difference(&v.diff, unit)]
                })
                .collect();
            if rows.is_empty() {
                continue;
            }
            let header = ["", "KPI", "A", "B", "B − A"].map(String::from).to_vec();
            Grid { title: caption.into(), header, rows, folded: false }.write(out, m)?;
        }
        let how = match &self.unpaired_because {
            None => "B − A paired replication by replication (the runs share seed and replications: common random numbers); * the 95 % interval excludes 0.".to_string(),
            Some(why) => format!("B − A unpaired (Welch): {why}; * the 95 % interval excludes 0."),
        };
        write!(out, "{}", m.note(&how))?;
        write!(out, "{}", m.end())
    }

    fn rows(&self, out: &mut dyn Rows) -> io::Result<()> {
        out.row(&[
            "scope",
            "name",
            "kpi",
            "start_s",
            "a_mean",
            "a_ci95",
            "b_mean",
            "b_ci95",
            "diff_mean",
            "diff_ci95",
            "paired",
        ])?;
        for v in &self.values {
            let ([am, ac], [bm, bc], [dm, dc]) = (rounded(&v.a), rounded(&v.b), rounded(&v.diff));
            let start = v.start_s.map_or(String::new(), exact);
            let paired = if v.paired { "1" } else { "0" };
            out.row(&[&v.scope, &v.name, &v.kpi, &start, &am, &ac, &bm, &bc, &dm, &dc, paired])?;
        }
        Ok(())
    }
}
