//! Planning: what a planner asks of the simulator — a run (replications in parallel,
//! folded into means and confidence intervals), a sweep of variants with common random
//! numbers, the shards of a sweep spread over machines, and the staffing optimiser.
//!
//! Every one of them simulates through one runner (`runner.rs`): a run is a sweep of one
//! variant without overrides, a shard a sweep of some replications, a staffing round a run
//! of a candidate plan. The runner builds the only pool of worker threads
//! ([`with_threads`]); results never depend on the number of threads.

pub mod roster;
pub mod run;
mod runner;
pub mod shard;
pub mod staffing;
pub mod sweep;
mod variant;

pub use runner::{Stop, stoppable, with_threads};
pub use variant::Variant;
