//! The checked scenario: what the engine and the planning layer read. Sealed: it is made
//! only by checking a file ([`load`](super::load)) or by a checked change of one.

use super::agents::AgentGroup;
use super::axes::SavedSweep;
use super::channel::Channel;
use super::events::DemandEvent;
use super::limits;
use super::overrides::Override;
use super::routing::Routing;
use super::segments::Segment;
use super::target::ServiceTarget;
use super::windows::Window;
use crate::base::time::Weekday;
use crate::error::{Problem, ScenarioError};

/// One complete, checked description of a contact centre over a horizon.
///
/// Sealed: it can only be made by parsing and checking a file ([`Scenario::load`],
/// [`Scenario::from_toml`]) or by a checked change of one ([`Scenario::with_overrides`],
/// [`Scenario::with_replications`], [`Scenario::with_seed`]); outside this module it is
/// read-only. The engine trusts it.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) seed: u64,
    pub(crate) replications: u32,
    /// Arrivals stop at the horizon (s); contacts already in are finished.
    pub(crate) horizon: f64,
    /// Planning interval for per-interval results (s); divides the horizon.
    pub(crate) interval: f64,
    /// Contacts arriving before this time (s) are not counted; a multiple of `interval`.
    pub(crate) warmup: f64,
    /// Day of the week at time 0.
    pub(crate) start_day: Weekday,
    pub(crate) routing: Routing,
    pub(crate) channels: Vec<Channel>,
    pub(crate) groups: Vec<AgentGroup>,
    /// The text it was checked from, for overrides.
    pub(super) source: Source,
    /// Plans that are legal but almost certainly mistakes, located.
    pub(super) warnings: Vec<Problem>,
    /// The `[sweep]` table: a saved study.
    pub(crate) saved_sweep: Option<SavedSweep>,
    /// The events calendar (`[[event]]`), in file order.
    pub(crate) events: Vec<DemandEvent>,
    /// Customer segments (`[[segment]]`), in file order; empty: one undivided customer base.
    pub(crate) segments: Vec<Segment>,
    /// Reporting windows (`[report] windows`), in the order written.
    pub(crate) windows: Vec<Window>,
    /// The window specs as written, for [`Scenario::with_windows`].
    pub(crate) window_specs: Vec<String>,
}

/// Where a scenario came from: its file, text and the overrides applied to it.
#[derive(Debug, Clone, Default)]
pub(super) struct Source {
    pub file: String,
    pub text: std::sync::Arc<str>,
    pub overrides: Vec<Override>,
}

impl Scenario {
    /// Scenario name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Free-text description, if the file has one.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// Seed of replication 0's streams (see [`crate::engine::streams`]).
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Independent replications to run (≥ 1).
    pub fn replications(&self) -> u32 {
        self.replications
    }

    /// Horizon (s): arrivals stop there; contacts already in are finished.
    pub fn horizon(&self) -> f64 {
        self.horizon
    }

    /// Planning interval (s); divides the horizon.
    pub fn interval(&self) -> f64 {
        self.interval
    }

    /// Warm-up (s): contacts arriving before it are not counted; a multiple of the interval.
    pub fn warmup(&self) -> f64 {
        self.warmup
    }

    /// Day of the week at time 0.
    pub fn start_day(&self) -> Weekday {
        self.start_day
    }

    /// How free agents choose work.
    pub fn routing(&self) -> Routing {
        self.routing
    }

    /// Channels, in file order.
    pub fn channels(&self) -> &[Channel] {
        &self.channels
    }

    /// The events calendar, in file order.
    pub fn events(&self) -> &[DemandEvent] {
        &self.events
    }

    /// Agent groups, in file order.
    pub fn groups(&self) -> &[AgentGroup] {
        &self.groups
    }

    /// Reporting windows (`[report] windows`, or added with [`Scenario::with_windows`]).
    pub fn windows(&self) -> &[Window] {
        &self.windows
    }

    /// Customer segments, in file order (empty without `[[segment]]`).
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The overrides applied to the file's text, in order.
    pub fn overrides(&self) -> &[Override] {
        &self.source.overrides
    }

    /// The same scenario with `n` replications (1 to the limit).
    ///
    /// # Errors
    ///
    /// [`ScenarioError`] when `n` is 0 or above the limit.
    pub fn with_replications(&self, n: u32) -> Result<Scenario, ScenarioError> {
        if !(1..=limits::MAX_REPLICATIONS).contains(&u64::from(n)) {
            return Err(ScenarioError {
                file: self.source.file.clone(),
                problems: vec![Problem {
                    field: Some("replications".into()),
                    line: None,
                    column: None,
                    message: format!("must be from 1 to {}, got {n}", limits::MAX_REPLICATIONS),
                }],
            });
        }
        Ok(Scenario { replications: n, ..self.clone() })
    }

    /// The same scenario with another seed (any value).
    pub fn with_seed(&self, seed: u64) -> Scenario {
        Scenario { seed, ..self.clone() }
    }

    /// The scenario with channel `c`'s service-level target set to `target`: the checked
    /// change `--set channel.<c>.service_level.target=…` and `….within=…` would make.
    ///
    /// # Errors
    ///
    /// [`ScenarioError`] when `c` is not a channel, the share is not from 0.01 to 1 or the
    /// threshold is not a finite duration ≥ 0.
    pub fn with_target(&self, c: usize, target: ServiceTarget) -> Result<Scenario, ScenarioError> {
        let fail = |message: String| ScenarioError {
            file: self.source.file.clone(),
            problems: vec![Problem {
                field: Some(format!("channel[{c}].service_level")),
                line: None,
                column: None,
                message,
            }],
        };
        if c >= self.channels.len() {
            return Err(fail(format!("there are {} channels", self.channels.len())));
        }
        if !(target.share.is_finite() && (0.01..=1.0).contains(&target.share)) {
            return Err(fail(format!("target must be a share from 0.01 to 1, got {}", target.share)));
        }
        if !(target.within.is_finite() && target.within >= 0.0) {
            return Err(fail(format!("within must be a duration ≥ 0, got {} s", target.within)));
        }
        let mut s = self.clone();
        s.channels[c].target = target;
        s.source.overrides.push((format!("channel.{c}.service_level.target"), format!("{}", target.share)));
        s.source.overrides.push((format!("channel.{c}.service_level.within"), format!("{}", target.within)));
        Ok(s)
    }

    /// Plans that are legal but almost certainly mistakes (shifts that leave arrivals
    /// unanswered, extreme shrinkage, a 0 s threshold, …), located in the file. Shown as
    /// warnings by `ccsim validate` and `ccsim run`.
    pub fn warnings(&self) -> &[Problem] {
        &self.warnings
    }

    /// The study saved in the file's `[sweep]` table, if any.
    pub fn saved_sweep(&self) -> Option<&SavedSweep> {
        self.saved_sweep.as_ref()
    }

    /// The text the scenario was checked from (before overrides).
    pub fn source_text(&self) -> &str {
        &self.source.text
    }

    /// The file the scenario was read from (as given).
    pub fn file(&self) -> &str {
        &self.source.file
    }

    /// Number of planning intervals in the horizon.
    pub fn n_intervals(&self) -> usize {
        (self.horizon / self.interval).round() as usize
    }

    /// Index of the first interval after the warm-up.
    pub fn first_counted_interval(&self) -> usize {
        (self.warmup / self.interval).round() as usize
    }

    /// Index of the channel called `name`.
    pub fn channel_index(&self, name: &str) -> Option<usize> {
        self.channels.iter().position(|c| c.name == name)
    }
}
