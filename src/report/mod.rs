//! Result documents: what a run, a sweep, a staffing plan or a roster reports, arranged by channel,
//! group and interval — typed values that every face (command line, Python, browser)
//! gets the same, serialised with serde in both directions, and written by
//! [`crate::output`] in every format that fits them.
//!
//! A report is built from the checked scenario, the KPI layout and the estimates alone
//! ([`Report::new`]): it knows nothing of the engine.

pub mod compare;
pub mod erlang;
mod file;
mod run;
pub mod schedule;
mod select;
pub mod staffing;
pub mod sweep;

pub use file::ResultFile;
pub use run::*;
pub use select::{Scope, Selection, kpi_names};
