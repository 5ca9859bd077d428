//! Sweeps: one scenario run under several sets of overrides (variants), with common random
//! numbers, and each variant compared with a baseline by paired differences.
//!
//! **Axes.** An axis is a path and its values: `agents.team.staff=40,42,44`, a range
//! `40..=46` (step 1) or `40..=60:2` (step 2), or a mix (`40..=44,50`). Several axes give
//! their cartesian product (the last axis varies fastest), or, zipped, their values pair
//! up one by one (all axes then have the same number of values).
//!
//! **Common random numbers.** Replication `r` of every variant draws its customers from
//! the same streams (the contract of [`crate::engine::streams`]): the same arrivals, types,
//! handle times and patience, whatever the variant changes in staffing or routing. The
//! difference of a KPI between a variant and the baseline is therefore estimated
//! replication by replication (paired), and its confidence interval is far narrower than
//! that of two independent runs.
//!
//! **Execution.** All (variant, replication) pairs go to one pool of workers, in batches
//! of whole replications, and are folded in (variant, replication) order: the output is
//! byte-identical whatever the number of threads.

use crate::Error;
use crate::engine::{Model, simulate};
use crate::scenario::Scenario;
use crate::stats::kpi;
use crate::stats::summary::{Accumulator, Estimate};
#[cfg(feature = "parallel")]
use rayon::prelude::*;

/// One axis of a sweep: a field path and the values it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// Field path, as for [`Scenario::with_overrides`].
    pub path: String,
    /// Values, as override texts.
    pub values: Vec<String>,
}

/// Largest number of values one range may expand to.
pub const MAX_RANGE_VALUES: usize = 10_000;

impl Axis {
    /// Parses `PATH=V1,V2,…` where each item is a value or a range `A..=B` or `A..=B:STEP`
    /// (numbers; the step is > 0). The error names the argument and says what is allowed.
    ///
    /// # Errors
    ///
    /// [`Error::Input`] naming the argument: no `=`, an empty value, a bad or empty range,
    /// or more values than allowed.
    pub fn parse(arg: &str) -> Result<Axis, Error> {
        let bad = |why: String| Error::Input(format!("--set {arg}: {why}"));
        let (path, list) = arg
            .split_once('=')
            .filter(|(p, _)| !p.trim().is_empty())
            .ok_or_else(|| bad("write PATH=V1,V2,… or PATH=A..=B[:STEP], such as agents.team.staff=40..=46".into()))?;
        let mut values = Vec::new();
        for item in split_top_level(list).into_iter().map(str::trim) {
            if item.is_empty() {
                return Err(bad("has an empty value".into()));
            }
            match item.split_once("..=") {
                None => values.push(item.to_owned()),
                Some((a, rest)) => {
                    let (b, step) = rest.split_once(':').unwrap_or((rest, "1"));
                    let (a_text, b_text, step_text) = (a.trim(), b.trim(), step.trim());
                    let num = |x: &str| x.trim().parse::<f64>().ok().filter(|v| v.is_finite());
                    let (Some(a), Some(b), Some(step)) = (num(a), num(b), num(step)) else {
                        return Err(bad(format!("`{item}` is not a range; write A..=B or A..=B:STEP with numbers")));
                    };
                    if step <= 0.0 {
                        return Err(bad(format!("`{item}`: the step must be > 0")));
                    }
                    if b < a {
                        return Err(bad(format!("`{item}` is an empty range (its end is below its start)")));
                    }
                    let count = ((b - a) / step + 1e-9).floor() + 1.0;
                    if count.is_nan() || count > MAX_RANGE_VALUES as f64 {
                        return Err(bad(format!("`{item}` gives more than {MAX_RANGE_VALUES} values")));
                    }
                    // Values with as many decimals as the range is written with (0.1..=0.3:0.1
                    // gives 0.1, 0.2, 0.3, not 0.30000000000000004).
                    let decimals = [a_text, b_text, step_text]
                        .iter()
                        .map(|t| t.split_once('.').map_or(0, |(_, d)| d.len()))
                        .max()
                        .unwrap_or(0);
                    let scale = 10f64.powi(decimals.min(12) as i32);
                    values.extend((0..count as usize).map(|i| {
                        let v = ((a + i as f64 * step) * scale).round() / scale;
                        crate::base::time::format_number(v)
                    }));
                }
            }
        }
        Ok(Axis { path: path.trim().to_owned(), values })
    }
}

/// Splits at commas outside brackets, braces and quotes (`{ per_interval = [3, 4] }` is
/// one value).
fn split_top_level(list: &str) -> Vec<&str> {
    let (mut depth, mut quoted, mut start, mut out) = (0i32, false, 0, Vec::new());
    for (i, ch) in list.char_indices() {
        match ch {
            '"' => quoted = !quoted,
            '[' | '{' if !quoted => depth += 1,
            ']' | '}' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                out.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&list[start..]);
    out
}

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
        let n = axes[0].values.len();
        if let Some(a) = axes.iter().find(|a| a.values.len() != n) {
            return Err(Error::Input(format!(
                "--zip pairs values one by one, but `{}` has {} values and `{}` has {n}",
                a.path,
                a.values.len(),
                axes[0].path
            )));
        }
        return Ok((0..n).map(|i| axes.iter().map(|a| (a.path.clone(), a.values[i].clone())).collect()).collect());
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

/// One variant's results.
pub struct VariantResults {
    /// The overrides that make it (on top of the scenario's own).
    pub overrides: Vec<(String, String)>,
    /// Its compiled model (scenario and KPI layout).
    pub model: Model,
    /// One estimate per slot of `model.layout`.
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
    pub variants: Vec<Vec<(String, String)>>,
    /// Compiled model of each variant.
    pub models: Vec<Model>,
    /// Index of the baseline variant.
    pub baseline: usize,
    /// Replications per variant.
    pub replications: u64,
    comparable: Vec<bool>,
}

/// Compiles the variants of `base` (each variant's overrides added to the base's own).
///
/// # Errors
///
/// [`Error::Scenario`] when a variant's overrides make the scenario invalid.
pub fn plan(base: &Scenario, variants: &[Vec<(String, String)>], baseline: usize) -> Result<Plan, Error> {
    if baseline >= variants.len() {
        return Err(Error::Input(format!(
            "--baseline {baseline}: there are {} variants (0 to {})",
            variants.len(),
            variants.len().saturating_sub(1)
        )));
    }
    let models: Vec<Model> = variants
        .iter()
        .map(|v| {
            let pairs: Vec<(&str, &str)> = v.iter().map(|(p, x)| (p.as_str(), x.as_str())).collect();
            base.with_overrides(&pairs).map(Model::compile).map_err(Error::from)
        })
        .collect::<Result<_, _>>()?;
    let base_len = models[baseline].layout.len();
    let comparable = models.iter().map(|m| m.layout.len() == base_len && same_shape(m, &models[baseline])).collect();
    Ok(Plan { variants: variants.to_vec(), models, baseline, replications: u64::from(base.replications()), comparable })
}

impl Plan {
    /// The KPI vector of every `(variant, replication)` pair, in the order given, computed
    /// in parallel.
    ///
    /// # Errors
    ///
    /// [`Error::Run`] when a replication outgrows memory.
    pub fn simulate(&self, pairs: &[(usize, u64)]) -> Result<Vec<Vec<f64>>, Error> {
        #[cfg(feature = "parallel")]
        let iter = pairs.par_iter();
        #[cfg(not(feature = "parallel"))]
        let iter = pairs.iter();
        iter.map(|&(v, r)| {
            let m = &self.models[v];
            simulate(m, r).map(|stats| kpi::compute(&m.scenario, &m.layout, &stats))
        })
        .collect()
    }

    /// Pairs per batch: whole replications (every variant of each), enough for every
    /// worker, with bounded memory (≤ 128 MB of KPI vectors).
    fn batch(&self) -> u64 {
        #[cfg(feature = "parallel")]
        let threads = rayon::current_num_threads() as u64;
        #[cfg(not(feature = "parallel"))]
        let threads = 1u64;
        let per_rep: u64 = self.models.iter().map(|m| m.layout.len() as u64 * 8).sum::<u64>().max(1);
        ((128u64 << 20) / per_rep).clamp(1, threads.max(1) * 4).max(1)
    }
}

/// Folds KPI vectors into estimates and paired differences, replication by replication in
/// order, every variant of a replication together: the only order the results depend on.
struct Fold {
    acc: Vec<Accumulator>,
    diff: Vec<Accumulator>,
}

impl Fold {
    fn new(plan: &Plan) -> Fold {
        Fold {
            acc: plan.models.iter().map(|m| Accumulator::new(m.layout.len())).collect(),
            diff: plan.models.iter().map(|m| Accumulator::new(m.layout.len())).collect(),
        }
    }

    /// Adds one replication: `rep[v]` is variant v's KPI vector.
    fn push(&mut self, plan: &Plan, rep: &[Vec<f64>]) {
        let reference = &rep[plan.baseline];
        for (v, k) in rep.iter().enumerate() {
            self.acc[v].push(k);
            if plan.comparable[v] {
                let d: Vec<f64> = k.iter().zip(reference).map(|(a, b)| a - b).collect();
                self.diff[v].push(&d);
            }
        }
    }

    fn finish(self, plan: Plan) -> SweepResults {
        let Plan { variants, models, baseline, replications, comparable } = plan;
        let variants = models
            .into_iter()
            .zip(variants)
            .enumerate()
            .map(|(v, (model, overrides))| VariantResults {
                overrides,
                model,
                estimates: self.acc[v].finish(),
                vs_baseline: comparable[v].then(|| self.diff[v].finish()),
            })
            .collect();
        SweepResults { baseline, replications: replications as u32, variants }
    }
}

/// Runs every variant of `base` (the overrides of each added to the base's own), with
/// the base's replications each and common random numbers, comparing each with variant
/// `baseline`. `progress` is called after each (variant, replication), with the number done
/// and the total, from the calling thread.
///
/// # Errors
///
/// As [`plan`] and [`Plan::simulate`].
pub fn sweep(
    base: &Scenario,
    variants: &[Vec<(String, String)>],
    baseline: usize,
    mut progress: impl FnMut(usize, usize),
) -> Result<SweepResults, Error> {
    let plan = plan(base, variants, baseline)?;
    let mut fold = Fold::new(&plan);
    let (n, reps, batch) = (plan.models.len(), plan.replications, plan.batch());
    let total = n * reps as usize;
    let mut r0 = 0;
    while r0 < reps {
        let r1 = (r0 + batch).min(reps);
        let pairs: Vec<(usize, u64)> = (r0..r1).flat_map(|r| (0..n).map(move |v| (v, r))).collect();
        let kpis = plan.simulate(&pairs)?;
        for rep in kpis.chunks(n) {
            fold.push(&plan, rep);
        }
        r0 = r1;
        progress(r1 as usize * n, total);
    }
    Ok(fold.finish(plan))
}

/// One replication of every variant: its index and each variant's KPI vector.
pub type Replication = (u64, Vec<Vec<f64>>);

/// Replications of shard `shard` of `shards`: every `shards`-th from `shard` on.
pub fn shard_replications(reps: u64, shard: u64, shards: u64) -> impl Iterator<Item = u64> {
    (shard..reps).step_by(shards.max(1) as usize)
}

/// Runs shard `shard` of `shards` of a sweep: every variant of its replications. Returns
/// `(replication, KPI vector of each variant)`, for [`merge`].
///
/// # Errors
///
/// As [`Plan::simulate`].
pub fn run_shard(
    plan: &Plan,
    shard: u64,
    shards: u64,
    mut progress: impl FnMut(usize, usize),
) -> Result<Vec<Replication>, Error> {
    let n = plan.models.len();
    let reps: Vec<u64> = shard_replications(plan.replications, shard, shards).collect();
    let mut out = Vec::with_capacity(reps.len());
    for chunk in reps.chunks(plan.batch() as usize) {
        let pairs: Vec<(usize, u64)> = chunk.iter().flat_map(|&r| (0..n).map(move |v| (v, r))).collect();
        let kpis = plan.simulate(&pairs)?;
        for (r, rep) in chunk.iter().zip(kpis.chunks(n)) {
            out.push((*r, rep.to_vec()));
        }
        progress(out.len() * n, reps.len() * n);
    }
    Ok(out)
}

/// Folds the replications of every shard into the results the unsharded sweep gives,
/// exactly: the same KPI vectors in the same order. Every replication must be there once.
///
/// # Errors
///
/// [`Error::Input`] when a replication is missing, given twice, or does not match the
/// sweep's variants.
pub fn merge(plan: Plan, mut replications: Vec<Replication>) -> Result<SweepResults, Error> {
    replications.sort_by_key(|x| x.0);
    let n = plan.models.len();
    for (i, (r, rep)) in replications.iter().enumerate() {
        if *r != i as u64 {
            return Err(Error::Input(format!(
                "the parts hold replication {r} where replication {i} was expected: a shard is missing or given twice"
            )));
        }
        if rep.len() != n || rep.iter().zip(&plan.models).any(|(k, m)| k.len() != m.layout.len()) {
            return Err(Error::Input(format!("replication {r} does not match the sweep's variants")));
        }
    }
    if replications.len() as u64 != plan.replications {
        return Err(Error::Input(format!(
            "the parts hold {} of the {} replications: a shard is missing",
            replications.len(),
            plan.replications
        )));
    }
    let mut fold = Fold::new(&plan);
    for (_, rep) in &replications {
        fold.push(&plan, rep);
    }
    Ok(fold.finish(plan))
}

/// Whether two models' KPI vectors line up slot by slot.
fn same_shape(a: &Model, b: &Model) -> bool {
    let (la, lb) = (&a.layout, &b.layout);
    la.channels == lb.channels && la.groups == lb.groups && la.intervals == lb.intervals && la.days == lb.days
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_and_variants() {
        assert_eq!(
            Axis::parse("agents.team.staff=40..=46").unwrap().values,
            ["40", "41", "42", "43", "44", "45", "46"]
        );
        assert_eq!(Axis::parse("a.b=40..=60:10,70").unwrap().values, ["40", "50", "60", "70"]);
        assert_eq!(Axis::parse("x=0.5..=1:0.25").unwrap().values, ["0.5", "0.75", "1"]);
        assert_eq!(Axis::parse("x=0.1..=0.3:0.1").unwrap().values, ["0.1", "0.2", "0.3"]);
        assert_eq!(Axis::parse("s={ per_interval = [3, 4] },5").unwrap().values, ["{ per_interval = [3, 4] }", "5"]);
        assert!(Axis::parse("x=0..=1e20").is_err() && Axis::parse("x=0..=1:1e-300").is_err(), "too many values");
        assert_eq!(Axis::parse("c.w.within=20s,30s").unwrap().values, ["20s", "30s"]);
        for bad in ["x=5..=4", "x=1..=2:0", "x=a..=b", "=3", "x=1,,2", "noequals"] {
            assert!(Axis::parse(bad).is_err(), "{bad}");
        }
        let a = Axis::parse("a=1,2").unwrap();
        let b = Axis::parse("b=x,y,z").unwrap();
        let v = variants(&[a.clone(), b.clone()], false).unwrap();
        assert_eq!(v.len(), 6);
        assert_eq!(v[1], vec![("a".to_string(), "1".to_string()), ("b".to_string(), "y".to_string())]);
        assert!(variants(&[a.clone(), b], true).is_err(), "zip needs equal lengths");
        let z = variants(&[a.clone(), Axis::parse("c=p,q").unwrap()], true).unwrap();
        assert_eq!(z.len(), 2);
        assert!(variants(&[], false).is_err());
    }
}
