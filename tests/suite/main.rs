//! The integration tests, one binary with a module per topic (one link instead of
//! several: faster to build). Run with `cargo test --release`.
//!
//! * `cli` — the command line end to end: located errors and exit codes, every example,
//!   every format, sweeps, shards, staffing, charts, reports, history.
//! * `engine` — the model's behaviour: reductions to simpler models, deferred work,
//!   routing, chat, overflow, events, announcements, triage, and properties that hold for
//!   any scenario.
//! * `architecture` — the layers and the import graph, read from the sources.
//! * `theory` — the simulator against closed forms and an independent reference
//!   (Erlang B, C, A, priority queues, announcements, issues).
//!
//! Tests that need a tool beyond the Rust toolchain (headless Chromium) run when it is
//! installed, are required when `CI=true`, and otherwise say on the terminal that they
//! were skipped and why ([`common::tool`]).

// References may use the platform's maths; only the library must be bit-portable.
#![allow(clippy::disallowed_methods)]
mod architecture;
mod cli;
#[allow(dead_code)]
mod common;
mod engine;
mod hostile;
mod theory;
