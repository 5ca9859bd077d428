//! Planning: what a planner asks of the simulator — a run (replications in parallel,
//! folded into means and confidence intervals), a sweep of variants with common random
//! numbers, the shards of a sweep spread over machines, the staffing optimiser (one group
//! or several together), and rosters of shifts (`roster`: the integer program; `schedule`:
//! requirements, roster and the simulation loop around them).
//!
//! Every one of them simulates through one runner (`runner.rs`): a run is a sweep of one
//! variant without overrides, a shard a sweep of some replications, a staffing round or a
//! roster a run of a candidate plan. The runner builds the only pool of worker threads
//! ([`with_threads`]); results never depend on the number of threads.

pub mod roster;
pub mod run;
mod runner;
pub mod schedule;
pub mod shard;
pub mod staffing;
pub mod sweep;
mod variant;

pub use runner::{Stop, stoppable, with_threads};
pub use variant::Variant;
