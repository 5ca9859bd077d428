//! The result of a sweep: each variant's overrides, its report, and its report of paired
//! differences from the baseline.
//!
//! JSON: `{scenario, replications, seed, baseline, variants: [{overrides, report,
//! vs_baseline}]}` where `report` is the variant's full report (the JSON contract of a
//! run, per-interval results included) and `vs_baseline` a report of the same shape whose
//! every `{mean, ci95}` is the paired difference variant − baseline (`null` when the
//! variant's channels, groups or intervals differ from the baseline's).

use super::run::Report;
use super::select::Selection;
use crate::Error;
use crate::base::serde_maps::pairs;
use crate::plan::sweep::SweepResults;
use serde::{Deserialize, Serialize};

/// One variant: its overrides, its report, and its report of paired differences from the
/// baseline (when comparable).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VariantReport {
    /// The overrides that make it, in axis order.
    #[serde(with = "pairs")]
    pub overrides: Vec<(String, String)>,
    /// Its report.
    pub report: Report,
    /// Its paired differences from the baseline, in the shape of a report.
    pub vs_baseline: Option<Report>,
}

/// A sweep's reports, built once from its results.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SweepReport {
    /// Scenario name.
    pub scenario: String,
    /// Replications per variant.
    pub replications: u32,
    /// Seed of the run.
    pub seed: u64,
    /// Index of the baseline variant.
    pub baseline: usize,
    /// Every variant, in sweep order.
    pub variants: Vec<VariantReport>,
    /// The KPIs and scopes chosen (`--kpi`, `--scope`); absent: everything.
    #[serde(default, skip_serializing_if = "Selection::is_everything")]
    pub selection: Selection,
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
                    let (s, l) = (&v.model.scenario, &v.layout);
                    VariantReport {
                        overrides: v.overrides.clone(),
                        report: Report::new(s, l, &v.estimates),
                        vs_baseline: v.vs_baseline.as_ref().map(|d| Report::new(s, l, d)),
                    }
                })
                .collect(),
            selection: Selection::default(),
        }
    }

    /// The sweep narrowed to `sel` (see [`Report::select`]): every variant's report and
    /// paired differences; its tables then show the chosen KPIs.
    pub fn select(&mut self, sel: &Selection) {
        for v in &mut self.variants {
            v.report.select(sel);
            if let Some(d) = &mut v.vs_baseline {
                d.select(sel);
            }
        }
        self.selection = sel.clone();
    }

    /// Reads the JSON result of a sweep (what `ccsim sweep --format json` writes).
    ///
    /// # Errors
    ///
    /// [`Error::Input`] naming the first field that is missing or of the wrong type.
    pub fn from_json(json: &str) -> Result<SweepReport, Error> {
        crate::base::serde_maps::read_json(&mut serde_json::Deserializer::from_str(json))
            .map_err(|e| Error::Input(format!("not a sweep's result: {e}")))
    }
}
