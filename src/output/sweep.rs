//! A sweep in every format: one row per variant (its overrides, then its KPIs and their
//! paired differences from the baseline).
//!
//! * CSV: `variant,overrides,scope,name,kpi,mean,ci95,diff_mean,diff_ci95` for channel and
//!   group KPIs.
//! * Table and Markdown: per variant, the overrides, then for each channel its service
//!   level (with the paired difference from the baseline), ASA, abandon rate and
//!   occupancy, and each group's cost.

use super::{Document, Markup, Rows};
use crate::report::sweep::SweepReport;
use crate::stats::kpi::{ChannelKpi, GroupKpi, Unit};
use crate::stats::summary::Estimate;
use std::io::{self, Write};

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
        let paths: Vec<&str> = self.variants[0].overrides.iter().map(|(p, _)| p.as_str()).collect();
        header.extend(paths.iter().map(|p| p.to_string()));
        let kpis = [
            ChannelKpi::ServiceLevel,
            ChannelKpi::AsaS,
            ChannelKpi::AbandonRate,
            ChannelKpi::BalkRate,
            ChannelKpi::PromiseKept,
            ChannelKpi::Occupancy,
        ];
        // The same columns in every row: the KPIs the first variant reports for a channel
        // (balking and promises only with announcements); a variant that changes the
        // channel shows what it has.
        let shown: Vec<Vec<ChannelKpi>> =
            first.channels.iter().map(|ch| kpis.iter().copied().filter(|&k| ch.get(k).is_some()).collect()).collect();
        for (ch, ks) in first.channels.iter().zip(&shown) {
            for k in ks {
                header.push(format!("{} {}", ch.name, k.def().label));
                if *k == ChannelKpi::ServiceLevel {
                    header.push(format!("{} Δ service level", ch.name));
                }
            }
        }
        header.extend(first.groups.iter().map(|g| format!("{} cost", g.name)));
        let mut rows = Vec::new();
        for (i, v) in self.variants.iter().enumerate() {
            let (set, report, diff) = (&v.overrides, &v.report, &v.vs_baseline);
            let mut row = vec![if i == self.baseline { format!("{i} (baseline)") } else { i.to_string() }];
            row.extend(set.iter().map(|(_, v)| v.clone()));
            for (c, ks) in shown.iter().enumerate() {
                let ch = report.channels.get(c);
                for k in ks {
                    row.push(
                        ch.and_then(|ch| ch.get(*k))
                            .map_or("–".into(), |e| crate::output::text::with_ci(&e, k.def().unit)),
                    );
                    if *k == ChannelKpi::ServiceLevel {
                        let d = diff.as_ref().and_then(|d| d.channels.get(c)).and_then(|d| d.get(*k));
                        row.push(d.map_or("–".into(), |d| signed(&d)));
                    }
                }
            }
            row.extend((0..first.groups.len()).map(|g| {
                report
                    .groups
                    .get(g)
                    .and_then(|g| g.get(GroupKpi::Cost))
                    .map_or("–".into(), |e| crate::output::text::with_ci(&e, Unit::Money))
            }));
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

    /// Columns `variant,overrides,scope,name,kpi,mean,ci95,diff_mean,diff_ci95`, for
    /// channel and group KPIs.
    fn rows(&self, out: &mut dyn Rows) -> io::Result<()> {
        out.row(&["variant", "overrides", "scope", "name", "kpi", "mean", "ci95", "diff_mean", "diff_ci95"])?;
        let cell = |x: f64| if x.is_finite() { format!("{x}") } else { String::new() };
        for (i, v) in self.variants.iter().enumerate() {
            let (set, report, diff) = (&v.overrides, &v.report, &v.vs_baseline);
            let (variant, set) = (i.to_string(), overrides_text(set));
            // One row per KPI of a channel or group, with its paired difference if any.
            let mut row = |scope: &str, name: &str, kpi: &str, est: &Estimate, d: Option<Estimate>| {
                let d = d.map_or([String::new(), String::new()], |d| [cell(d.mean), cell(d.ci95)]);
                out.row(&[&variant, &set, scope, name, kpi, &cell(est.mean), &cell(est.ci95), &d[0], &d[1]])
            };
            for (c, ch) in report.channels.iter().enumerate() {
                for (k, est) in &ch.kpis {
                    row("channel", &ch.name, k.name(), est, diff.as_ref().and_then(|d| d.channels[c].get(*k)))?;
                }
            }
            for (g, grp) in report.groups.iter().enumerate() {
                for (k, est) in &grp.kpis {
                    row("group", &grp.name, k.name(), est, diff.as_ref().and_then(|d| d.groups[g].get(*k)))?;
                }
            }
        }
        Ok(())
    }
}

/// A paired difference of a share, in points: `+2.1 ± 0.4 pt`.
fn signed(d: &Estimate) -> String {
    if !d.mean.is_finite() {
        return "–".into();
    }
    let ci = if d.ci95.is_finite() { format!(" ± {:.1}", 100.0 * d.ci95) } else { String::new() };
    format!("{:+.1}{ci} pt", 100.0 * d.mean)
}

fn overrides_text(set: &[(String, String)]) -> String {
    set.iter().map(|(p, v)| format!("{p}={v}")).collect::<Vec<_>>().join(";")
}
