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
//! scenario.toml ─▶ Scenario (checked) ─▶ engine::Model ─▶ replications (rayon)
//!               ─▶ stats (per replication) ─▶ summary (mean ± 95 % CI) ─▶ report
//! ```
//!
//! ```no_run
//! use ccsim::{scenario::Scenario, run::{run, RunOptions}, report::{Json, Exporter}};
//! let scenario = Scenario::load("scenarios/single-queue.toml".as_ref()).unwrap();
//! let results = run(scenario, &RunOptions::default()).unwrap();
//! Json.write(&results.report(), &mut std::io::stdout()).unwrap();
//! ```
//!
//! Units everywhere: seconds for times, contacts per second for rates, Erlangs for loads.

pub mod arrivals;
pub mod dist;
pub mod engine;
pub mod erlang;
pub mod error;
pub mod report;
pub mod run;
pub mod scenario;
pub mod special;
pub mod stats;

pub use error::Error;
