//! Sweeps: one scenario run under several sets of overrides (variants), with common random
//! numbers, and each variant compared with a baseline by paired differences.
//!
//! **Axes.** An axis ([`Axis`]) is a path and its values: `agents.team.staff=40,42,44`, a
//! range `40..=46` (step 1) or `40..=60:2` (step 2), or a mix (`40..=44,50`). Several axes
//! give their cartesian product (the last axis varies fastest), or, zipped, their values
//! pair up one by one (all axes then have the same number of values). A [`Study`] is a
//! sweep as asked: a base scenario, its axes (or the scenario's saved `[sweep]` table),
//! whether they zip, and the baseline.
//!
//! **Common random numbers.** Replication `r` of every variant draws its customers from
//! the same streams (the contract of [`crate::engine::streams`]): the same arrivals, types,
//! handle times and patience, whatever the variant changes in staffing or routing. The
//! difference of a KPI between a variant and the baseline is therefore estimated
//! replication by replication (paired), and its confidence interval is far narrower than
//! that of two independent runs.
//!
//! **Execution.** All (variant, replication) pairs go through the runner, in batches of
//! whole replications, and are folded in (variant, replication) order: the output is
//! byte-identical whatever the number of threads or shards.

use super::{Variant, runner};
use crate::Error;
use crate::engine::Model;
use crate::scenario::Scenario;
pub use crate::scenario::{Axis, MAX_RANGE_VALUES};
use crate::stats::kpi::Layout;
use crate::stats::summary::{Accumulator, Estimate};

/// The variants of a sweep: for each, the overrides that make it, in axis order.
///
/// # Errors
///
/// [`Error::Input`] without axes, for zipped axes of different lengths, or for more
/// variants than allowed.
pub fn variants(axes: &[Axis], zip: bool) -> Result<Vec<Vec<(String, String)>>, Error> {
    if axes.is_empty() {
        return Err(Error::Input("a sweep needs at least one --set PATH=V1,V2,…".into()));
    }
    if zip {
        // An axis of one value holds it constant across the zipped ones.
        let n = axes.iter().map(|a| a.values.len()).max().unwrap_or(1);
        let longest = axes.iter().find(|a| a.values.len() == n).map_or("", |a| a.path.as_str());
        if let Some(a) = axes.iter().find(|a| a.values.len() != n && a.values.len() != 1) {
            return Err(Error::Input(format!(
                "--zip pairs values one by one, but `{}` has {} values and `{longest}` has {n} (an axis of one value is held constant)",
                a.path,
                a.values.len(),
            )));
        }
        let at = |a: &Axis, i: usize| if a.values.len() == 1 { a.values[0].clone() } else { a.values[i].clone() };
        return Ok((0..n).map(|i| axes.iter().map(|a| (a.path.clone(), at(a, i))).collect()).collect());
    }
    let total = axes.iter().try_fold(1usize, |acc, a| acc.checked_mul(a.values.len()));
    match total {
        Some(t) if t <= MAX_RANGE_VALUES => {}
        _ => {
            return Err(Error::Input(format!(
                "the axes make more than {MAX_RANGE_VALUES} variants; narrow them or use --zip"
            )));
        }
    }
    let mut out: Vec<Vec<(String, String)>> = vec![Vec::new()];
    for a in axes {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                a.values.iter().map(move |v| {
                    let mut next = prefix.clone();
                    next.push((a.path.clone(), v.clone()));
                    next
                })
            })
            .collect();
    }
    Ok(out)
}

/// A sweep as asked: the base scenario (with its replications and seed), the axes as
/// written (`PATH=VALUES`), whether they zip, and the baseline variant. Checked when made.
#[derive(Debug, Clone)]
pub struct Study {
    /// The scenario every variant starts from.
    pub base: Scenario,
    /// The axes, each `PATH=V1,V2,…` with ranges allowed, as on the command line.
    pub set: Vec<String>,
    /// Pair the axes' values one by one instead of taking every combination.
    pub zip: bool,
    /// The variant the others are compared with.
    pub baseline: usize,
    /// The overrides of each variant, in sweep order.
    pub variants: Vec<Vec<(String, String)>>,
}

impl Study {
    /// A study of `base` along `set`; without axes, the scenario's saved `[sweep]` table
    /// (zipped if either says so; `baseline` overrides its baseline). The default baseline
    /// is variant 0.
    ///
    /// # Errors
    ///
    /// [`Error::Input`] without axes (given or saved), for an axis that does not parse,
    /// axes that do not combine, or a baseline beyond the variants.
    pub fn new(base: Scenario, set: &[String], zip: bool, baseline: Option<usize>) -> Result<Study, Error> {
        let (set, zip, baseline) = match (set.is_empty(), base.saved_sweep()) {
            (false, _) => (set.to_vec(), zip, baseline.unwrap_or(0)),
            (true, Some(saved)) => {
                check_saved(&base, saved, zip)?;
                (saved.set.clone(), saved.zip || zip, baseline.unwrap_or(saved.baseline))
            }
            (true, None) => {
                return Err(Error::Input(format!(
                    "{}: give axes with --set PATH=V1,V2,… (or save them in the scenario's [sweep] table)",
                    base.file()
                )));
            }
        };
        let axes: Vec<Axis> = set.iter().map(|s| Axis::parse(s)).collect::<Result<_, _>>()?;
        let variants = variants(&axes, zip)?;
        if baseline >= variants.len() {
            return Err(Error::Input(format!(
                "--baseline {baseline}: there are {} variants (0 to {})",
                variants.len(),
                variants.len().saturating_sub(1)
            )));
        }
        Ok(Study { base, set, zip, baseline, variants })
    }

    /// Compiles every variant: the base with its overrides, checked.
    ///
    /// # Errors
    ///
    /// [`Error::Scenario`] when a variant's overrides make the scenario invalid.
    pub fn compile(&self) -> Result<Plan, Error> {
        plan(&self.base, &self.variants, self.baseline)
    }

    /// Runs every replication of every variant; `progress` is told the (variant,
    /// replication) pairs done and their total.
    ///
    /// # Errors
    ///
    /// As [`Study::compile`]; [`Error::Run`] when a replication outgrows memory.
    pub fn run(&self, progress: impl FnMut(usize, usize)) -> Result<SweepResults, Error> {
        let plan = self.compile()?;
        let reps: Vec<u64> = (0..plan.replications).collect();
        let mut fold = Fold::new(&plan);
        runner::replicate(&plan.variants, &reps, |_, rep| fold.push(&plan, rep), progress)?;
        Ok(fold.finish(plan))
    }
}

/// One variant's results.
pub struct VariantResults {
    /// The overrides that make it (on top of the scenario's own).
    pub overrides: Vec<(String, String)>,
    /// Its compiled model (it holds the scenario).
    pub model: Model,
    /// Where each KPI sits in `estimates`.
    pub layout: Layout,
    /// One estimate per slot of `layout`.
    pub estimates: Vec<Estimate>,
    /// The paired difference variant − baseline per slot (mean and CI of the per-replication
    /// differences); `None` when the variant's layout differs from the baseline's (other
    /// channels, groups or intervals), so that slots do not correspond.
    pub vs_baseline: Option<Vec<Estimate>>,
}

/// A finished sweep.
pub struct SweepResults {
    /// Index of the baseline variant.
    pub baseline: usize,
    /// Replications per variant.
    pub replications: u32,
    /// Every variant, in sweep order.
    pub variants: Vec<VariantResults>,
}

/// A sweep ready to run: the compiled variants, their baseline, and which of them can be
/// compared with it slot by slot.
pub struct Plan {
    /// Overrides of each variant.
    pub overrides: Vec<Vec<(String, String)>>,
    /// Each variant, compiled.
    pub variants: Vec<Variant>,
    /// Index of the baseline variant.
    pub baseline: usize,
    /// Replications per variant.
    pub replications: u64,
    comparable: Vec<bool>,
}

/// Compiles the variants of a sweep of `base` (the overrides of each added to the base's
/// own), with the base's replications each, compared with variant `baseline`.
///
/// # Errors
///
/// [`Error::Scenario`] when a variant's overrides make the scenario invalid.
pub fn plan(base: &Scenario, variants: &[Vec<(String, String)>], baseline: usize) -> Result<Plan, Error> {
    let compiled: Vec<Variant> = variants
        .iter()
        .map(|v| {
            let pairs: Vec<(&str, &str)> = v.iter().map(|(p, x)| (p.as_str(), x.as_str())).collect();
            base.with_overrides(&pairs).map(Variant::new).map_err(Error::from)
        })
        .collect::<Result<_, _>>()?;
    let reference = &compiled[baseline].layout;
    let comparable =
        compiled.iter().map(|v| v.layout.len() == reference.len() && same_shape(&v.layout, reference)).collect();
    Ok(Plan {
        overrides: variants.to_vec(),
        variants: compiled,
        baseline,
        replications: u64::from(base.replications()),
        comparable,
    })
}

/// Folds KPI vectors into estimates and paired differences, replication by replication in
/// order, every variant of a replication together: the only order the results depend on.
pub(super) struct Fold {
    acc: Vec<Accumulator>,
    diff: Vec<Accumulator>,
}

impl Fold {
    pub(super) fn new(plan: &Plan) -> Fold {
        Fold {
            acc: plan.variants.iter().map(|v| Accumulator::new(v.layout.len())).collect(),
            diff: plan.variants.iter().map(|v| Accumulator::new(v.layout.len())).collect(),
        }
    }

    /// Adds one replication: `rep[v]` is variant v's KPI vector.
    pub(super) fn push(&mut self, plan: &Plan, rep: &[Vec<f64>]) {
        let reference = &rep[plan.baseline];
        for (v, k) in rep.iter().enumerate() {
            self.acc[v].push(k);
            if plan.comparable[v] {
                let d: Vec<f64> = k.iter().zip(reference).map(|(a, b)| a - b).collect();
                self.diff[v].push(&d);
            }
        }
    }

    pub(super) fn finish(self, plan: Plan) -> SweepResults {
        let Plan { overrides, variants, baseline, replications, comparable } = plan;
        let variants = variants
            .into_iter()
            .zip(overrides)
            .enumerate()
            .map(|(v, (Variant { model, layout }, overrides))| VariantResults {
                overrides,
                model,
                layout,
                estimates: self.acc[v].finish(),
                vs_baseline: comparable[v].then(|| self.diff[v].finish()),
            })
            .collect();
        SweepResults { baseline, replications: replications as u32, variants }
    }
}

/// Whether two KPI vectors line up slot by slot.
fn same_shape(a: &Layout, b: &Layout) -> bool {
    a.channels == b.channels && a.groups == b.groups && a.intervals == b.intervals && a.days == b.days
}

/// Checks the axes of a scenario's saved `[sweep]` table where the user wrote them: an
/// axis whose path does not lead to a field, or zipped axes of different lengths, is an
/// error located at `sweep.set[i]` or `sweep.zip` in the scenario file — not at a `--set`
/// or `--zip` the user never typed.
fn check_saved(base: &Scenario, saved: &crate::scenario::SavedSweep, zip: bool) -> Result<(), Error> {
    use crate::scenario::{FieldPath, Locator, Problem, ScenarioError};
    let locator = Locator::new(base.source_text());
    let at = |path: FieldPath, message: String| {
        let (line, column) = match locator.span_of(&path) {
            Some(span) => {
                let (l, c) = locator.line_col(span.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        Error::Scenario(ScenarioError {
            file: base.file().to_owned(),
            problems: vec![Problem { field: Some(path.to_string()), line, column, message }],
        })
    };
    let set = FieldPath::root().key("sweep").key("set");
    let mut axes = Vec::new();
    for (i, text) in saved.set.iter().enumerate() {
        let axis = Axis::parse(text).map_err(|e| at(set.at(i), e.to_string()))?;
        let first = axis.values.first().cloned().unwrap_or_default();
        if let Err(e) = base.with_overrides(&[(axis.path.as_str(), first.as_str())]) {
            let message = e.problems.first().map_or_else(|| e.to_string(), |p| p.message.clone());
            let message =
                message.strip_prefix(&format!("--set {}={first}: ", axis.path)).unwrap_or(&message).to_owned();
            return Err(at(set.at(i), format!("`{}`: {message}", axis.path)));
        }
        axes.push(axis);
    }
    variants(&axes, saved.zip || zip).map(|_| ()).map_err(|e| {
        let m = e.to_string().replacen("--zip pairs", "zip pairs", 1);
        at(FieldPath::root().key("sweep").key(if saved.zip { "zip" } else { "set" }), m)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_combine_or_zip() {
        let a = Axis::parse("a=1,2").unwrap();
        let b = Axis::parse("b=x,y,z").unwrap();
        let v = variants(&[a.clone(), b.clone()], false).unwrap();
        assert_eq!(v.len(), 6);
        assert_eq!(v[1], vec![("a".to_string(), "1".to_string()), ("b".to_string(), "y".to_string())]);
        assert!(variants(&[a.clone(), b], true).is_err(), "zip needs equal lengths");
        let z = variants(&[a.clone(), Axis::parse("c=p,q").unwrap()], true).unwrap();
        assert_eq!(z.len(), 2);
        // One value is held constant across the zipped axes.
        let held = variants(&[a.clone(), Axis::parse("k=0.8").unwrap()], true).unwrap();
        assert_eq!(held.len(), 2);
        assert_eq!(held[1], vec![("a".to_string(), "2".to_string()), ("k".to_string(), "0.8".to_string())]);
        assert!(variants(&[], false).is_err());
    }
}
