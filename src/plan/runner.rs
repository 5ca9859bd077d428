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
        return rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| Error::Run(format!("cannot start {n} worker threads: {e}")))?
            .install(f);
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
/// the calling thread, in replication order.
///
/// # Errors
///
/// [`Error::Run`] when a replication outgrows memory (the first such, in order).
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
    for chunk in reps.chunks(batch) {
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
