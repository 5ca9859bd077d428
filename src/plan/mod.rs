//! Planning: what a planner asks of the simulator — a run (replications in parallel,
//! folded into means and confidence intervals), a sweep of variants with common random
//! numbers, the shards of a sweep spread over machines, and the staffing optimiser.

pub mod run;
pub mod staffing;
pub mod sweep;
