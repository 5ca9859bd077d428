//! The one runner of replications: runs, sweeps, shards and the staffing optimiser all
//! simulate through it, and the one place a pool of worker threads is built.
//!
//! **Contract.** Replication `r` of a variant runs with streams derived from (seed, r) and
//! yields its KPI vector; the runner hands every replication's vectors (one per variant)
//! to the caller in replication order, whatever the number of threads. Replications run in
//! batches of whole replications (every variant of each), enough to keep every worker
//! busy, few enough that the vectors waiting to be folded stay under 128 MB.

use super::variant::Variant;
use crate::Error;
#[cfg(feature = "parallel")]
use rayon::prelude::*;
use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A request to stop the simulations started under it ([`stoppable`]): a face that lets
/// its user interrupt (Ctrl-C in Python, a newer change in a page) keeps a clone and calls
/// [`Stop::stop`]. The runner checks it between batches of replications, so a stopped run
/// ends within one batch and returns [`Error::Run`] saying it was stopped.
#[derive(Debug, Clone, Default)]
pub struct Stop(Arc<AtomicBool>);

impl Stop {
    /// A request not yet made.
    pub fn new() -> Stop {
        Stop::default()
    }

    /// Asks every run under this request to stop.
    pub fn stop(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether it was asked.
    pub fn is_stopped(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

thread_local! {
    /// The stop request of the call running on this thread, if any.
    static CURRENT: RefCell<Option<Stop>> = const { RefCell::new(None) };
}

/// Runs `f` (any run, sweep, shard or staffing plan) so that `stop` can end it: the
/// simulations `f` starts on this thread, or on a pool it builds with [`with_threads`],
/// stop between batches once it is asked.
pub fn stoppable<T>(stop: &Stop, f: impl FnOnce() -> T) -> T {
    let before = CURRENT.with(|c| c.replace(Some(stop.clone())));
    let out = f();
    CURRENT.with(|c| *c.borrow_mut() = before);
    out
}

fn current_stop() -> Option<Stop> {
    CURRENT.with(|c| c.borrow().clone())
}

/// Runs `f` on `threads` worker threads (`None`: every core; the library's global pool).
/// Without the `parallel` feature `f` runs on the calling thread and `threads` has no
/// effect (results are the same).
///
/// # Errors
///
/// [`Error::Run`] when the threads cannot start; otherwise `f`'s.
pub fn with_threads<T: Send>(threads: Option<usize>, f: impl FnOnce() -> Result<T, Error> + Send) -> Result<T, Error> {
    #[cfg(feature = "parallel")]
    if let Some(n) = threads {
        // The pool's thread runs `f`: it takes the caller's stop request along.
        let stop = current_stop();
        return rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| Error::Run(format!("cannot start {n} worker threads: {e}")))?
            .install(move || match stop {
                Some(stop) => stoppable(&stop, f),
                None => f(),
            });
    }
    #[cfg(not(feature = "parallel"))]
    let _ = threads;
    f()
}

/// Threads of the pool the caller runs in.
fn threads() -> u64 {
    #[cfg(feature = "parallel")]
    return rayon::current_num_threads() as u64;
    #[cfg(not(feature = "parallel"))]
    1
}

/// Simulates replications `reps` (in the order given) of every variant and hands each
/// replication's KPI vectors, one per variant in order, to `each`; `progress` is told the
/// (variant, replication) pairs done and their total after each batch. Both are called on
/// the calling thread, in replication order. Under a [`Stop`] that is asked, it returns
/// before the next batch.
///
/// # Errors
///
/// [`Error::Run`] when a replication outgrows memory (the first such, in order), or when
/// the run was stopped.
pub(crate) fn replicate(
    variants: &[Variant],
    reps: &[u64],
    mut each: impl FnMut(u64, &[Vec<f64>]),
    mut progress: impl FnMut(usize, usize),
) -> Result<(), Error> {
    let n = variants.len();
    let per_rep: u64 = variants.iter().map(|v| v.layout.len() as u64 * 8).sum::<u64>().max(1);
    let batch = ((128u64 << 20) / per_rep).clamp(1, threads().max(1) * 4).max(1) as usize;
    let total = reps.len() * n;
    let mut done = 0;
    let stop = current_stop();
    for chunk in reps.chunks(batch) {
        if stop.as_ref().is_some_and(Stop::is_stopped) {
            return Err(Error::Run(format!("stopped after {done} of {total} simulations")));
        }
        let pairs: Vec<(usize, u64)> = chunk.iter().flat_map(|&r| (0..n).map(move |v| (v, r))).collect();
        #[cfg(feature = "parallel")]
        let iter = pairs.par_iter();
        #[cfg(not(feature = "parallel"))]
        let iter = pairs.iter();
        let kpis: Vec<Vec<f64>> = iter.map(|&(v, r)| variants[v].kpis(r)).collect::<Result<_, Error>>()?;
        for (r, rep) in chunk.iter().zip(kpis.chunks(n)) {
            each(*r, rep);
        }
        done += pairs.len();
        progress(done, total);
    }
    Ok(())
}
