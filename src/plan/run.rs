//! A run: every replication of one scenario, folded into means and confidence intervals —
//! a sweep of one variant without overrides.
//!
//! Replication `r` of a scenario always runs with streams derived from (seed, r), and
//! results are folded in replication order, so a run's output is byte-identical whatever
//! the number of threads.

use super::{Variant, runner};
use crate::engine::{Model, NoRecorder, Recorder, simulate_with};
use crate::error::Error;
use crate::scenario::Scenario;
use crate::stats::kpi;
use crate::stats::kpi::{ChannelKpi, Layout};
use crate::stats::summary::{Accumulator, Estimate};
use crate::stats::tally::Tally;

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

impl RunOptions {
    /// The scenario with these options' replications and seed.
    ///
    /// # Errors
    ///
    /// [`Error::Scenario`] for replications out of range.
    pub fn apply(&self, scenario: Scenario) -> Result<Scenario, Error> {
        let scenario = match self.replications {
            Some(r) => scenario.with_replications(r)?,
            None => scenario,
        };
        Ok(match self.seed {
            Some(s) => scenario.with_seed(s),
            None => scenario,
        })
    }
}

/// A finished run: the compiled model, the KPI layout and the estimate of every KPI.
pub struct Results {
    /// The model that was run (it holds the scenario).
    pub model: Model,
    /// Where each KPI sits in `estimates`.
    pub layout: Layout,
    /// One estimate per slot of `layout`.
    pub estimates: Vec<Estimate>,
    /// Per channel with forecast uncertainty: how the replications' demand factors and
    /// service levels went together.
    pub forecast: Vec<ForecastSpread>,
    /// Each replication's whole-horizon values, for paired comparisons of saved runs (empty
    /// beyond [`KEPT_REPLICATIONS`] replications).
    pub replicated: Replicated,
}

/// Most replications whose values a run keeps one by one (their memory and JSON grow with
/// them; beyond this many, intervals are narrow enough to compare runs unpaired).
pub const KEPT_REPLICATIONS: u32 = 500;

/// The whole-horizon values of every replication of a run.
#[derive(Debug, Clone, Default)]
pub struct Replicated {
    /// The KPI-vector slots kept ([`Layout::whole_horizon_slots`]).
    pub slots: Vec<usize>,
    /// Per replication in order, the value of each kept slot (NaN: undefined).
    pub values: Vec<Vec<f64>>,
}

impl Results {
    /// The scenario that was run (with the options applied).
    pub fn scenario(&self) -> &Scenario {
        &self.model.scenario
    }
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

/// Runs every replication of a scenario (with the options' replications and seed, on their
/// threads).
///
/// # Errors
///
/// [`Error::Scenario`] for replications out of range; [`Error::Run`] when worker
/// threads cannot start or a replication outgrows memory.
pub fn run(scenario: Scenario, opts: &RunOptions) -> Result<Results, Error> {
    let variant = Variant::new(opts.apply(scenario)?);
    runner::with_threads(opts.threads, || fold(variant, None::<&mut NoRecorder>))
}

/// Runs every replication as [`run`] does, with `recorder` observing replication 0 too —
/// a contact log, say — in the same pass (replication 0 is simulated once, for both).
///
/// # Errors
///
/// As [`run`].
pub fn run_with<R: Recorder + Send>(
    scenario: Scenario,
    opts: &RunOptions,
    mut recorder: R,
) -> Result<(Results, R), Error> {
    let variant = Variant::new(opts.apply(scenario)?);
    let results = runner::with_threads(opts.threads, || fold(variant, Some(&mut recorder)))?;
    Ok((results, recorder))
}

/// Runs the replications through the runner and folds their KPI vectors in order, with the
/// forecast spread of channels whose arrivals are doubly stochastic. With `rep0`,
/// replication 0 runs first on the calling thread, told to it too.
fn fold<R: Recorder>(variant: Variant, rep0: Option<&mut R>) -> Result<Results, Error> {
    let model = &variant.model;
    let s = &model.scenario;
    let first = u64::from(rep0.is_some());
    let reps: Vec<u64> = (first..u64::from(s.replications())).collect();
    let mut acc = Accumulator::new(variant.layout.len());
    let uncertain: Vec<usize> = (0..s.channels.len()).filter(|&c| s.channels[c].forecast.is_uncertain()).collect();
    let mut factors = Accumulator::new(uncertain.len());
    let mut pairs = vec![Pairs::default(); uncertain.len()];
    let variants = std::slice::from_ref(&variant);
    let keep = s.replications() <= KEPT_REPLICATIONS;
    let slots = if keep { variant.layout.whole_horizon_slots() } else { Vec::new() };
    let mut kept: Vec<Vec<f64>> = Vec::new();
    let mut each = |r: u64, k: &[Vec<f64>]| {
        let k = &k[0];
        acc.push(k);
        if keep {
            kept.push(slots.iter().map(|&i| k[i]).collect());
        }
        if !uncertain.is_empty() {
            let f: Vec<f64> = uncertain.iter().map(|&c| demand_factor(model, r, c)).collect();
            for (j, &c) in uncertain.iter().enumerate() {
                pairs[j].push(f[j], k[variant.layout.channel(c, ChannelKpi::ServiceLevel)]);
            }
            factors.push(&f);
        }
    };
    if let Some(observer) = rep0 {
        let (tally, _) = simulate_with(model, 0, (Tally::new(model), observer))?;
        each(0, &[kpi::compute(s, &variant.layout, &tally.finish())]);
    }
    runner::replicate(variants, &reps, &mut each, |_, _| {})?;
    let factors = factors.finish();
    let forecast = uncertain
        .iter()
        .enumerate()
        .map(|(j, &c)| ForecastSpread { channel: c, demand_factor: factors[j], service_level_share: pairs[j].r2() })
        .collect();
    let Variant { model, layout } = variant;
    let replicated = Replicated { slots, values: kept };
    Ok(Results { model, layout, estimates: acc.finish(), forecast, replicated })
}
