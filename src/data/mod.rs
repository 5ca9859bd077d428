//! Contact history: reading and writing contact logs, what a history observed per
//! interval, and fitting a runnable scenario from one.

pub mod cells;
pub mod fit;
pub mod history;
