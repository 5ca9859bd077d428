//! A sweep in every format: one row per variant (its overrides, then its KPIs and their
//! paired differences from the baseline).
//!
//! * CSV: `variant,overrides,scope,name,kpi,mean,ci95,diff_mean,diff_ci95,start_s,day,time`
//!   for every value of the variants' reports except the per-interval ones (those too when
//!   `--scope intervals` is chosen), rounded to their intervals like a run's CSV.
//! * Table and Markdown: per variant, the overrides, then for each channel its service
//!   level (with the paired difference from the baseline), ASA, abandon rate and
//!   occupancy, each group's cost, and each window's service level with its difference;
//!   with `--kpi`, the chosen KPIs, each with its difference.

use super::csv::exact;
use super::csv::rounded;
use super::text::{value, with_ci};
use super::{Document, Markup, Rows};
use crate::report::sweep::SweepReport;
use crate::report::{Report, Scope};
use crate::stats::kpi::{ChannelKpi, GroupKpi, Unit};
use crate::stats::summary::Estimate;
use std::io::{self, Write};

/// One column of the variants table: its header and how to read a variant's value and
/// difference.
struct Column {
    /// The channel, group or window and channel it is of.
    subject: String,
    /// The KPI's label.
    label: &'static str,
    unit: Unit,
    /// Also a column of paired differences.
    diff: bool,
    get: Reader,
}

/// How a column reads its value from a variant's report (or its differences).
type Reader = Box<dyn Fn(&Report) -> Option<Estimate>>;

/// The columns of the variants table, from the first variant's report and the selection.
fn columns(sweep: &SweepReport, first: &Report) -> Vec<Column> {
    let sel = &sweep.selection;
    let chosen = sel.chosen::<ChannelKpi>();
    let defaults = [
        ChannelKpi::ServiceLevel,
        ChannelKpi::AsaS,
        ChannelKpi::AbandonRate,
        ChannelKpi::BalkRate,
        ChannelKpi::PromiseKept,
        ChannelKpi::Occupancy,
        ChannelKpi::AbandonCost,
    ];
    let mut cols = Vec::new();
    if sel.shows(Scope::Channels) {
        for (c, ch) in first.channels.iter().enumerate() {
            // The same columns in every row: the KPIs the first variant reports for a
            // channel (balking and promises only with announcements).
            let ks: Vec<ChannelKpi> = chosen.clone().unwrap_or(defaults.to_vec());
            for k in ks.into_iter().filter(|&k| ch.get(k).is_some()) {
                cols.push(Column {
                    subject: ch.name.clone(),
                    label: k.def().label,
                    unit: k.def().unit,
                    diff: chosen.is_some() || matches!(k, ChannelKpi::ServiceLevel | ChannelKpi::AbandonCost),
                    get: Box::new(move |r: &Report| r.channels.get(c).and_then(|x| x.get(k))),
                });
            }
        }
    }
    if sel.shows(Scope::Groups) {
        let ks = sel.chosen::<GroupKpi>().unwrap_or(vec![GroupKpi::Cost]);
        for (g, grp) in first.groups.iter().enumerate() {
            for &k in ks.iter().filter(|&&k| grp.get(k).is_some()) {
                cols.push(Column {
                    subject: grp.name.clone(),
                    label: k.def().label,
                    unit: k.def().unit,
                    diff: sel.chosen::<GroupKpi>().is_some(),
                    get: Box::new(move |r: &Report| r.groups.get(g).and_then(|x| x.get(k))),
                });
            }
        }
    }
    if sel.shows(Scope::Windows) {
        let ks = chosen.clone().unwrap_or(vec![ChannelKpi::ServiceLevel]);
        for (w, win) in first.windows.iter().enumerate() {
            for (c, (name, kpis)) in win.channels.iter().enumerate() {
                for &k in ks.iter().filter(|&&k| kpis.get(k).is_some()) {
                    cols.push(Column {
                        subject: format!("{} {name}", win.name),
                        label: k.def().label,
                        unit: k.def().unit,
                        diff: true,
                        get: Box::new(move |r: &Report| {
                            r.windows.get(w).and_then(|x| x.channels.get(c)).and_then(|x| x.1.get(k))
                        }),
                    });
                }
            }
        }
    }
    cols
}

impl Document for SweepReport {
    fn tables(&self, m: &dyn Markup, out: &mut dyn Write) -> io::Result<()> {
        write!(
            out,
            "{}",
            m.title(&format!(
                "{} — sweep of {} variants, {} replications each, seed {}; mean ± 95 % CI; Δ = paired difference from variant {} (common random numbers)",
                self.scenario,
                self.variants.len(),
                self.replications,
                self.seed,
                self.baseline
            ))
        )?;
        let Some(first) = self.variants.first().map(|v| &v.report) else { return Ok(()) };
        let mut header = vec!["variant".to_string()];
        header.extend(self.variants[0].overrides.iter().map(|(p, _)| p.clone()));
        let cols = columns(self, first);
        for c in &cols {
            header.push(format!("{} {}", c.subject, c.label));
            if c.diff {
                header.push(format!("{} Δ {}", c.subject, c.label));
            }
        }
        let mut rows = Vec::new();
        for (i, v) in self.variants.iter().enumerate() {
            let mut row = vec![if i == self.baseline { format!("{i} (baseline)") } else { i.to_string() }];
            row.extend(v.overrides.iter().map(|(_, v)| v.clone()));
            for c in &cols {
                row.push((c.get)(&v.report).map_or("–".into(), |e| with_ci(&e, c.unit)));
                if c.diff {
                    let d = v.vs_baseline.as_ref().and_then(|d| (c.get)(d));
                    row.push(d.map_or("–".into(), |d| signed(&d, c.unit)));
                }
            }
            rows.push(row);
        }
        let mut width = vec![0usize; header.len()];
        for row in std::iter::once(&header).chain(&rows) {
            for (i, c) in row.iter().enumerate() {
                width[i] = width[i].max(c.chars().count());
            }
        }
        write!(out, "{}", m.caption("Variants"))?;
        write!(out, "{}", m.row(&header, &width))?;
        write!(out, "{}", m.divider(&width))?;
        for row in &rows {
            write!(out, "{}", m.row(row, &width))?;
        }
        write!(out, "{}", m.table_end())
    }

    /// Columns `variant,overrides,scope,name,kpi,mean,ci95,diff_mean,diff_ci95,start_s,
    /// day,time`: every value of each variant's report (per-interval ones only when chosen
    /// with `--scope intervals`), with its paired difference when the variant is
    /// comparable with the baseline.
    fn rows(&self, out: &mut dyn Rows) -> io::Result<()> {
        out.row(&[
            "variant",
            "overrides",
            "scope",
            "name",
            "kpi",
            "mean",
            "ci95",
            "diff_mean",
            "diff_ci95",
            "start_s",
            "day",
            "time",
        ])?;
        let per_interval = self.selection.scopes.contains(&Scope::Intervals);
        for (i, v) in self.variants.iter().enumerate() {
            let (variant, set) = (i.to_string(), overrides_text(&v.overrides));
            // The differences, in the same order as the values (the reports have the same
            // shape when comparable).
            let mut diffs: Vec<Estimate> = Vec::new();
            if let Some(d) = &v.vs_baseline {
                d.values(per_interval, &mut |x| {
                    diffs.push(*x.estimate);
                    Ok::<(), io::Error>(())
                })?;
            }
            let mut n = 0;
            v.report.values(per_interval, &mut |x| {
                let [mean, ci] = rounded(x.estimate);
                let [dm, dc] = diffs.get(n).map_or([String::new(), String::new()], rounded);
                n += 1;
                let start = x.start.map_or(String::new(), exact);
                out.row(&[
                    &variant, &set, x.scope, &x.name, x.kpi, &mean, &ci, &dm, &dc, &start, &x.when[0], &x.when[1],
                ])
            })?;
        }
        Ok(())
    }
}

/// A paired difference with its sign: shares in points (`+2.1 ± 0.4 pt`), other values in
/// their unit (`-3.2 s ± 0.8`).
fn signed(d: &Estimate, unit: Unit) -> String {
    if !d.mean.is_finite() {
        return "–".into();
    }
    if unit == Unit::Share {
        let ci = if d.ci95.is_finite() { format!(" ± {:.1}", 100.0 * d.ci95) } else { String::new() };
        return format!("{:+.1}{ci} pt", 100.0 * d.mean);
    }
    let v = value(d.mean, unit);
    let v = if d.mean >= 0.0 { format!("+{v}") } else { v };
    let ci = if d.ci95.is_finite() { format!(" ± {}", value(d.ci95, unit)) } else { String::new() };
    format!("{v}{ci}")
}

fn overrides_text(set: &[(String, String)]) -> String {
    set.iter().map(|(p, v)| format!("{p}={v}")).collect::<Vec<_>>().join(";")
}
