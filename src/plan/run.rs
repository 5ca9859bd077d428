//! Replications in parallel, folded into means and confidence intervals.
//!
//! Replication `r` of a scenario always runs with streams derived from (seed, r), and
//! results are folded in replication order, so a run's output is byte-identical whatever
//! the number of threads.

use crate::engine::{Model, simulate};
use crate::error::Error;
use crate::scenario::Scenario;
use crate::stats::kpi;
use crate::stats::summary::{Accumulator, Estimate};
#[cfg(feature = "parallel")]
use rayon::prelude::*;

/// How to run: overrides of the scenario's replications and seed, and the thread count.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Replications instead of the scenario's (1 to the limit).
    pub replications: Option<u32>,
    /// Seed instead of the scenario's.
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it; without the
    /// `parallel` feature replications run one after another whatever it says.
    pub threads: Option<usize>,
}

/// A finished run: the compiled model and the estimate of every KPI.
pub struct Results {
    /// The model that was run (it holds the scenario and the KPI layout).
    pub model: Model,
    /// One estimate per slot of `model.layout`.
    pub estimates: Vec<Estimate>,
    /// Per channel with forecast uncertainty: how the replications' demand factors and
    /// service levels went together.
    pub forecast: Vec<ForecastSpread>,
}

/// How one channel's forecast uncertainty played out over a run's replications.
#[derive(Debug, Clone, Copy)]
pub struct ForecastSpread {
    /// The channel (index in the scenario).
    pub channel: usize,
    /// The replications' demand factor: expected counted arrivals with their multipliers
    /// over the forecast's (mean 1; its standard deviation is the realised forecast error).
    pub demand_factor: Estimate,
    /// Share of the variance of the channel's service level across replications that the
    /// demand factor explains (squared correlation).
    pub service_level_share: f64,
}

/// Running sums of (x, y) pairs for a correlation.
#[derive(Debug, Clone, Copy, Default)]
struct Pairs {
    n: f64,
    sx: f64,
    sy: f64,
    sxx: f64,
    syy: f64,
    sxy: f64,
}

impl Pairs {
    fn push(&mut self, x: f64, y: f64) {
        if x.is_finite() && y.is_finite() {
            self.n += 1.0;
            self.sx += x;
            self.sy += y;
            self.sxx += x * x;
            self.syy += y * y;
            self.sxy += x * y;
        }
    }

    /// The squared correlation (NaN with fewer than 3 pairs or no spread).
    fn r2(&self) -> f64 {
        if self.n < 3.0 {
            return f64::NAN;
        }
        let vx = self.sxx - self.sx * self.sx / self.n;
        let vy = self.syy - self.sy * self.sy / self.n;
        let c = self.sxy - self.sx * self.sy / self.n;
        if vx > 0.0 && vy > 0.0 { (c * c / (vx * vy)).min(1.0) } else { f64::NAN }
    }
}

/// The demand factor of channel `c` in replication `rep`: expected counted arrivals with
/// the replication's forecast multipliers over those of the forecast itself (1 without
/// uncertainty).
pub fn demand_factor(model: &Model, rep: u64, c: usize) -> f64 {
    let s = &model.scenario;
    let ch = &s.channels[c];
    match crate::engine::forecast_factor(model, rep, c) {
        None => 1.0,
        Some(f) => {
            let base = ch.arrivals.expected(s.warmup, s.horizon);
            if base > 0.0 { ch.arrivals.times(&f).expected(s.warmup, s.horizon) / base } else { f64::NAN }
        }
    }
}

impl Results {
    /// The scenario that was run (with the options applied).
    pub fn scenario(&self) -> &Scenario {
        &self.model.scenario
    }
}

/// Runs every replication of a scenario. Fails on options out of range (0 replications)
/// or when worker threads cannot start.
///
/// # Errors
///
/// [`Error::Scenario`] for replications out of range; [`Error::Run`] when worker
/// threads cannot start or a replication outgrows memory.
pub fn run(scenario: Scenario, opts: &RunOptions) -> Result<Results, Error> {
    let mut scenario = match opts.replications {
        Some(r) => scenario.with_replications(r)?,
        None => scenario,
    };
    if let Some(s) = opts.seed {
        scenario = scenario.with_seed(s);
    }
    let model = Model::compile(scenario);
    #[cfg(feature = "parallel")]
    let (estimates, forecast) = match opts.threads {
        None => fold(&model)?,
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| Error::Run(format!("cannot start {n} worker threads: {e}")))?
            .install(|| fold(&model))?,
    };
    // Without the `parallel` feature replications run one after another; `threads` has no
    // effect, and the results are the same.
    #[cfg(not(feature = "parallel"))]
    let (estimates, forecast) = fold(&model)?;
    Ok(Results { model, estimates, forecast })
}

/// Runs the replications in parallel batches and folds their KPI vectors in order.
fn fold(model: &Model) -> Result<(Vec<Estimate>, Vec<ForecastSpread>), Error> {
    let n = u64::from(model.scenario.replications());
    let mut acc = Accumulator::new(model.layout.len());
    let uncertain: Vec<usize> =
        (0..model.scenario.channels.len()).filter(|&c| model.scenario.channels[c].forecast.is_uncertain()).collect();
    let mut factors = Accumulator::new(uncertain.len());
    let mut pairs = vec![Pairs::default(); uncertain.len()];
    // Batches bound the memory held by finished replications waiting to be folded: a few
    // per thread, fewer when each replication's KPI vector is large (≤ 128 MB in all).
    #[cfg(feature = "parallel")]
    let threads = rayon::current_num_threads() as u64;
    #[cfg(not(feature = "parallel"))]
    let threads = 1;
    let fits = (128 << 20) / (model.layout.len() as u64 * 8).max(1);
    let batch = fits.clamp(threads, threads * 4).max(1);
    let mut start = 0;
    while start < n {
        let end = (start + batch).min(n);
        #[cfg(feature = "parallel")]
        let reps = (start..end).into_par_iter();
        #[cfg(not(feature = "parallel"))]
        let reps = start..end;
        let kpis: Vec<Vec<f64>> = reps
            .map(|r| simulate(model, r).map(|stats| kpi::compute(&model.scenario, &model.layout, &stats)))
            .collect::<Result<_, Error>>()?;
        for (r, k) in (start..end).zip(&kpis) {
            acc.push(k);
            if !uncertain.is_empty() {
                let f: Vec<f64> = uncertain.iter().map(|&c| demand_factor(model, r, c)).collect();
                for (j, &c) in uncertain.iter().enumerate() {
                    pairs[j].push(f[j], k[model.layout.channel(c, crate::stats::kpi::ChannelKpi::ServiceLevel)]);
                }
                factors.push(&f);
            }
        }
        start = end;
    }
    let factors = factors.finish();
    let forecast = uncertain
        .iter()
        .enumerate()
        .map(|(j, &c)| ForecastSpread { channel: c, demand_factor: factors[j], service_level_share: pairs[j].r2() })
        .collect();
    Ok((acc.finish(), forecast))
}

/// Runs one replication and returns its KPI vector (for tests and tools).
///
/// # Errors
///
/// As [`run`].
pub fn replication_kpis(model: &Model, rep: u64) -> Result<Vec<f64>, Error> {
    Ok(kpi::compute(&model.scenario, &model.layout, &simulate(model, rep)?))
}
