//! Sweep output: one row per variant (its overrides, then its KPIs and their paired
//! differences from the baseline).
//!
//! * JSON: `{scenario, replications, seed, baseline, variants: [{overrides, report,
//!   vs_baseline}]}` where `report` is the variant's full report (the JSON contract of a
//!   run, per-interval results included) and `vs_baseline` a report of the same shape whose
//!   every `{mean, ci95}` is the paired difference variant − baseline (`null` when the
//!   variant's channels, groups or intervals differ from the baseline's).
//! * CSV: `variant,overrides,scope,name,kpi,mean,ci95,diff_mean,diff_ci95` for channel and
//!   group KPIs.
//! * Table and Markdown: per variant, the overrides, then for each channel its service
//!   level (with the paired difference from the baseline), ASA, abandon rate and
//!   occupancy, and each group's cost.

use super::Report;
use crate::output::Format;
use crate::output::markup::{Markdown, Markup, Table};
use crate::plan::sweep::SweepResults;
use crate::stats::kpi::{ChannelKpi, GroupKpi, Unit};
use crate::stats::summary::Estimate;
use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use std::io::{self, Write};

/// One variant: its overrides, its report, and its report of paired differences from the
/// baseline (when comparable).
pub type VariantReport = (Vec<(String, String)>, Report, Option<Report>);

/// A sweep's reports, built once from its results.
pub struct SweepReport {
    /// Scenario name.
    pub scenario: String,
    /// Replications per variant.
    pub replications: u32,
    /// Seed of the run.
    pub seed: u64,
    /// Index of the baseline variant.
    pub baseline: usize,
    /// Per variant: overrides, report, and the report of paired differences.
    pub variants: Vec<VariantReport>,
}

impl SweepReport {
    /// Arranges a sweep's estimates.
    pub fn new(r: &SweepResults) -> SweepReport {
        let first = &r.variants[0].model.scenario;
        SweepReport {
            scenario: first.name().to_owned(),
            replications: r.replications,
            seed: first.seed(),
            baseline: r.baseline,
            variants: r
                .variants
                .iter()
                .map(|v| {
                    let (s, l) = (&v.model.scenario, &v.model.layout);
                    let report = Report::new(s, l, &v.estimates);
                    let diff = v.vs_baseline.as_ref().map(|d| Report::new(s, l, d));
                    (v.overrides.clone(), report, diff)
                })
                .collect(),
        }
    }

    /// Writes the sweep in `format`.
    ///
    /// # Errors
    ///
    /// The first I/O error of `out`; the Excel format is refused.
    pub fn write(&self, format: Format, out: &mut dyn Write) -> io::Result<()> {
        match format {
            Format::Json => {
                let mut ser = serde_json::Serializer::pretty(&mut *out);
                self.serialize(&mut ser).map_err(io::Error::from)?;
                writeln!(out)
            }
            Format::Csv => self.csv(out),
            Format::Table => self.markup(&Table { intervals: false, width: None }, out),
            Format::Markdown => self.markup(&Markdown { intervals: false }, out),
            #[cfg(feature = "xlsx")]
            Format::Xlsx => Err(io::Error::other("a sweep is written as table, markdown, csv or json, not xlsx")),
        }
    }

    fn csv(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut w = ::csv::Writer::from_writer(out);
        let e = crate::base::csv_io_error;
        w.write_record(["variant", "overrides", "scope", "name", "kpi", "mean", "ci95", "diff_mean", "diff_ci95"])
            .map_err(e)?;
        let cell = |x: f64| if x.is_finite() { format!("{x}") } else { String::new() };
        for (i, (set, report, diff)) in self.variants.iter().enumerate() {
            let (variant, set) = (i.to_string(), overrides_text(set));
            // One row per KPI of a channel or group, with its paired difference if any.
            let mut row = |scope: &str, name: &str, kpi: &str, est: &Estimate, d: Option<Estimate>| {
                let d = d.map_or([String::new(), String::new()], |d| [cell(d.mean), cell(d.ci95)]);
                w.write_record([&variant, &set, scope, name, kpi, &cell(est.mean), &cell(est.ci95), &d[0], &d[1]])
                    .map_err(e)
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
        w.flush()
    }

    fn markup(&self, m: &impl Markup, out: &mut dyn Write) -> io::Result<()> {
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
        let Some((_, first, _)) = self.variants.first() else { return Ok(()) };
        let mut header = vec!["variant".to_string()];
        let paths: Vec<&str> = self.variants[0].0.iter().map(|(p, _)| p.as_str()).collect();
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
        for (i, (set, report, diff)) in self.variants.iter().enumerate() {
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

impl Serialize for SweepReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("scenario", &self.scenario)?;
        m.serialize_entry("replications", &self.replications)?;
        m.serialize_entry("seed", &self.seed)?;
        m.serialize_entry("baseline", &self.baseline)?;
        m.serialize_entry("variants", &Variants(&self.variants))?;
        m.end()
    }
}

struct Variants<'a>(&'a [VariantReport]);

impl Serialize for Variants<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for v in self.0 {
            seq.serialize_element(&Variant(v))?;
        }
        seq.end()
    }
}

struct Variant<'a>(&'a VariantReport);

impl Serialize for Variant<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (set, report, diff) = self.0;
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("overrides", &InOrder(set))?;
        m.serialize_entry("report", report)?;
        m.serialize_entry("vs_baseline", diff)?;
        m.end()
    }
}

/// Overrides as a map, in their order.
struct InOrder<'a>(&'a [(String, String)]);

impl Serialize for InOrder<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (p, v) in self.0 {
            m.serialize_entry(p, v)?;
        }
        m.end()
    }
}
