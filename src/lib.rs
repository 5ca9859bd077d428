//! # ccsim — a contact-centre queue simulator
//!
//! Discrete-event simulation of contact-centre queues for workforce planners: voice,
//! chat, email and social channels; agent groups with skills, staffing plans and
//! shrinkage; priorities and overflow routing; per-interval KPIs with confidence
//! intervals over independent replications.
//!
//! The flow of a run:
//!
//! ```text
//! scenario.toml ─▶ Scenario (checked, sealed) ─▶ engine::Model ─▶ replications (run)
//!               ─▶ stats::tally (a Recorder, per replication) ─▶ stats::kpi (catalogue)
//!               ─▶ stats::summary (mean ± 95 % CI) ─▶ report (table, Markdown, JSON, CSV)
//! ```
//!
//! ```
//! use ccsim::output::Format;
//! use ccsim::plan::run::{RunOptions, run};
//! use ccsim::report::Report;
//! use ccsim::scenario::Scenario;
//! use ccsim::stats::kpi::ChannelKpi;
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/single-queue.toml");
//! let scenario = Scenario::load(path.as_ref())?;
//! // What if the team had two more agents? (A checked change, by the path in the file.)
//! let bigger = scenario.with_overrides(&[("agents.team.staff", "12")])?;
//! let results = run(bigger, &RunOptions { replications: Some(4), ..Default::default() })?;
//! let report = Report::from(&results);
//! let sl = report.channel("phone").and_then(|c| c.get(ChannelKpi::ServiceLevel)).unwrap();
//! assert!(sl.mean > 0.8, "12 agents for 8 Erlangs answer most calls within 20 s");
//! let mut json = Vec::new();
//! Format::Json.write(&report, Default::default(), &mut json)?;
//! assert!(String::from_utf8(json)?.contains("\"service_level\""));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Features: `cli` (the `ccsim` binary, with clap) and `parallel` (replications on every
//! core, with rayon) are on by default; `cargo build --no-default-features --lib` builds
//! the library alone, with the same results.
//!
//! The model's rules are in `docs/model.md`, every KPI's definition in `docs/kpis.md`.
//!
//! Units everywhere: seconds for times, contacts per second for rates, Erlangs for loads.

#![deny(missing_docs)]
#![warn(clippy::missing_errors_doc)]

pub mod base;
pub mod data;
pub mod engine;
pub mod erlang;
pub mod error;
pub mod output;
pub mod plan;
pub mod report;
pub mod scenario;
pub mod stats;

pub use error::Error;
