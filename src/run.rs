//! Replications in parallel, folded into means and confidence intervals.
//!
//! Replication `r` of a scenario always runs with streams derived from (seed, r), and
//! results are folded in replication order, so a run's output is byte-identical whatever
//! the number of threads.

use crate::engine::{Model, simulate};
use crate::error::Error;
use crate::report::Report;
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
}

impl Results {
    /// The scenario that was run (with the options applied).
    pub fn scenario(&self) -> &Scenario {
        &self.model.scenario
    }

    /// The estimates arranged by channel, group and interval.
    pub fn report(&self) -> Report {
        Report::new(&self.model.scenario, &self.model.layout, &self.estimates)
    }
}

/// Runs every replication of a scenario. Fails on options out of range (0 replications)
/// or when worker threads cannot start.
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
    let estimates = match opts.threads {
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
    let estimates = fold(&model)?;
    Ok(Results { model, estimates })
}

/// Runs the replications in parallel batches and folds their KPI vectors in order.
fn fold(model: &Model) -> Result<Vec<Estimate>, Error> {
    let n = u64::from(model.scenario.replications());
    let mut acc = Accumulator::new(model.layout.len());
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
        for k in &kpis {
            acc.push(k);
        }
        start = end;
    }
    Ok(acc.finish())
}

/// Runs one replication and returns its KPI vector (for tests and tools).
pub fn replication_kpis(model: &Model, rep: u64) -> Result<Vec<f64>, Error> {
    Ok(kpi::compute(&model.scenario, &model.layout, &simulate(model, rep)?))
}
