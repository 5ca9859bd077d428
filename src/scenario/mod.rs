//! Scenario files: parse, validate once, then hand checked types to the engine.
//!
//! A scenario is one complete description of a contact centre over a horizon (see
//! `docs/model.md`). [`Scenario::from_toml`] parses the TOML text, refuses unknown fields,
//! checks every value and cross-reference, and returns either a [`Scenario`] the engine can
//! trust or a [`ScenarioError`] listing every problem with file, line, column and field.
//!
//! Units in the checked types: times in **seconds** from the start of the horizon (time 0
//! is midnight at the start of `start_day`), rates in contacts **per second**.

mod axes;
mod build;
mod locate;
mod overrides;
mod raw;
pub(crate) mod validate;

pub use axes::{Axis, MAX_RANGE_VALUES};
pub use locate::{FieldPath, LineIndex, Locator};
pub use overrides::Override;

pub use crate::base::time::{DAY, Weekday};
pub use crate::error::{Problem, ScenarioError};

use crate::base::bounded;
use crate::base::dist::Dist;
use crate::base::rates::RateFn;
use std::path::Path;

/// Largest accepted sizes: beyond these a run would exhaust memory or never finish.
pub mod limits {
    /// Replications of one run.
    pub const MAX_REPLICATIONS: u64 = 100_000;
    /// Longest horizon, in days.
    pub const MAX_HORIZON_DAYS: f64 = 400.0;
    /// Planning intervals in the horizon.
    pub const MAX_INTERVALS: usize = 200_000;
    /// Channels in a scenario.
    pub const MAX_CHANNELS: usize = 64;
    /// Contact types over all channels.
    pub const MAX_TYPES: usize = 256;
    /// Customer segments in a scenario.
    pub const MAX_SEGMENTS: usize = 16;
    /// Agent groups in a scenario.
    pub const MAX_GROUPS: usize = 256;
    /// Scheduled agents of one group at any time.
    pub const MAX_AGENTS_PER_GROUP: u32 = 100_000;
    /// Scheduled agents over all groups at any time.
    pub const MAX_AGENTS_TOTAL: u64 = 1_000_000;
    /// Chats one agent holds at once.
    pub const MAX_CONCURRENCY: u32 = 32;
    /// Largest (least urgent) priority number.
    pub const MAX_PRIORITY: u32 = 100;
    /// Expected arrivals in one replication (about 10 minutes of one core).
    pub const MAX_ARRIVALS_PER_REPLICATION: f64 = 3e9;
    /// Per-interval result cells, intervals × (channels + groups × (1 + channels)): about
    /// 0.5 KB of memory each while a run is folded.
    pub const MAX_RESULT_CELLS: usize = 1_000_000;
    /// Contacts waiting at once (beyond those the agents can hold in service), about 120
    /// bytes each with their queue entries and events: about 1 GB. A scenario whose
    /// expected backlog exceeds it is refused up front; a run that still reaches it stops
    /// with an error.
    pub const MAX_CONTACTS_IN_SYSTEM: usize = 8_000_000;
}

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
    source: Source,
    /// Plans that are legal but almost certainly mistakes, located.
    warnings: Vec<Problem>,
    /// The `[sweep]` table: a saved study.
    pub(crate) saved_sweep: Option<SavedSweep>,
    /// The events calendar (`[[event]]`), in file order.
    pub(crate) events: Vec<DemandEvent>,
    /// Customer segments (`[[segment]]`), in file order; empty: one undivided customer base.
    pub(crate) segments: Vec<Segment>,
}

/// A demand event, checked: when it is on, which channels it affects, and how.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandEvent {
    /// Its name (unique).
    pub name: String,
    /// Channels affected (indices).
    pub channels: Vec<usize>,
    /// Windows `[start, end)` in seconds of the horizon, sorted and disjoint.
    pub windows: Vec<(f64, f64)>,
    /// Volume multiplier while on (1: none). Events stack multiplicatively.
    pub volume: f64,
    /// Contacts added per window occurrence, spread evenly over it (0: none).
    pub add: f64,
    /// Handle-time multiplier of contacts arriving while on (1: none).
    pub handle: f64,
}

/// Forecast uncertainty of a channel (doubly stochastic arrivals): per replication, the
/// arrival rate of each day is multiplied by a gamma variable of mean 1 and coefficient of
/// variation `day_cv`, and each interval's by another of `interval_cv` (0: none).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Forecast {
    /// Coefficient of variation of the day multiplier.
    pub day_cv: f64,
    /// Coefficient of variation of the interval multiplier.
    pub interval_cv: f64,
}

impl Forecast {
    /// Whether arrivals are doubly stochastic.
    pub fn is_uncertain(&self) -> bool {
        self.day_cv > 0.0 || self.interval_cv > 0.0
    }
}

/// What the events calendar does to one channel's arrivals, compiled from its events.
///
/// The channel's own arrivals (`Channel::arrivals`, its own stream) are kept as they are,
/// except that an arrival at time t survives with probability `keep(t)` (thinning, from a
/// stream of its own) where events multiply volume by less than 1; `extra` is a second
/// Poisson process, from another stream, of the volume events add:
/// `(m(t) − 1)⁺ · λ(t) + a(t)`. Together they have rate `m(t) · λ(t) + a(t)`, and
/// outside every window the channel's arrivals are exactly those without events.
#[derive(Debug, Clone, PartialEq)]
pub struct Overlay {
    /// Rate of the added arrivals (per second).
    pub extra: RateFn,
    /// Probability that an arrival of the channel's own process is kept (a step function
    /// held in a `RateFn`: 1 outside windows that lower volume).
    pub keep: RateFn,
    /// Some window lowers volume (else `keep` is 1 everywhere and never drawn).
    pub thins: bool,
    /// Handle-time multiplier by time of arrival (a step function, 1 outside windows).
    pub handle: RateFn,
}

/// A study saved in the scenario's `[sweep]` table: the axes of `ccsim sweep` when it is
/// given no `--set`, as `PATH=VALUES` texts (checked), whether they zip, and the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedSweep {
    /// Axes, each `PATH=V1,V2,…` (ranges allowed), as on the command line.
    pub set: Vec<String>,
    /// Pair the axes' values one by one.
    pub zip: bool,
    /// The variant the others are compared with.
    pub baseline: usize,
}

/// Where a scenario came from: its file, text and the overrides applied to it.
#[derive(Debug, Clone, Default)]
struct Source {
    file: String,
    text: std::sync::Arc<str>,
    overrides: Vec<Override>,
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

    /// The scenario with fields changed by path, as a user reads them in the file
    /// (`("agents.team.staff", "44")`, `("channel.chat.service_level.within", "30s")`; see
    /// `overrides.rs` for the path and value forms), then checked again as a whole.
    /// Overrides add to those already applied. Errors name the override they concern.
    ///
    /// ```
    /// # let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/single-queue.toml")).unwrap();
    /// use ccsim::scenario::Scenario;
    /// let s = Scenario::from_toml(&text, "single-queue.toml").unwrap();
    /// let more = s.with_overrides(&[("agents.team.staff", "12")]).unwrap();
    /// assert_eq!(more.groups()[0].headcount.max(), 12);
    /// let err = s.with_overrides(&[("agents.team.staff", "-1")]).unwrap_err();
    /// assert!(err.to_string().contains("--set agents.team.staff=-1"));
    /// ```
    ///
    /// # Errors
    ///
    /// [`ScenarioError`] naming the override: a path that does not exist, a value that does
    /// not parse, or a scenario that is invalid with it.
    pub fn with_overrides(&self, set: &[(&str, &str)]) -> Result<Scenario, ScenarioError> {
        let mut all = self.source.overrides.clone();
        all.extend(set.iter().map(|(p, v)| (p.to_string(), v.to_string())));
        let mut s = overrides::apply(&self.source.text, &self.source.file, &all)?;
        s.source = Source { overrides: all, ..self.source.clone() };
        // Lines refer to the file; after overrides only the field path is meaningful.
        for w in &mut s.warnings {
            (w.line, w.column) = (None, None);
        }
        // Replications and seed changed with the setters stay changed.
        if !set.iter().any(|(p, _)| *p == "replications") {
            s.replications = self.replications;
        }
        if !set.iter().any(|(p, _)| *p == "seed") {
            s.seed = self.seed;
        }
        Ok(s)
    }

    /// The scenario with group `g` staffed by `plan`, scheduled agents per interval of the
    /// horizon: the checked change `--set agents.<g>.staff={ per_interval = [..] }` would
    /// make, applied to the checked scenario directly (the staffing optimiser tries many
    /// plans). The override is recorded, so [`Scenario::overridden_text`] writes the plan.
    ///
    /// # Errors
    ///
    /// [`ScenarioError`] when `g` is not a group, the plan does not have one value per
    /// interval, a value exceeds the group limit, or the plan leaves a channel with arrivals
    /// without agents (or with a backlog beyond what a run holds).
    pub fn with_staff_plan(&self, g: usize, plan: &[u32]) -> Result<Scenario, ScenarioError> {
        let value =
            format!("{{ per_interval = [{}] }}", plan.iter().map(u32::to_string).collect::<Vec<_>>().join(", "));
        let path = format!("agents.{g}.staff");
        let fail = |message: String| ScenarioError {
            file: self.source.file.clone(),
            problems: vec![Problem { field: Some(format!("agents[{g}].staff")), line: None, column: None, message }],
        };
        if g >= self.groups.len() {
            return Err(fail(format!("--set {path}: there are {} groups", self.groups.len())));
        }
        if plan.len() != self.n_intervals() {
            return Err(fail(format!(
                "--set {path}=…: has {} values; expected {} (one per interval of the horizon)",
                plan.len(),
                self.n_intervals()
            )));
        }
        if let Some(n) = plan.iter().find(|&&n| n > limits::MAX_AGENTS_PER_GROUP) {
            return Err(fail(format!(
                "--set {path}=…: at most {} agents in a group, got {n}",
                limits::MAX_AGENTS_PER_GROUP
            )));
        }
        let mut steps: Vec<(f64, u32)> = Vec::new();
        for (i, &n) in plan.iter().enumerate() {
            if steps.last().map(|s| s.1) != Some(n) {
                steps.push((i as f64 * self.interval, n));
            }
        }
        let mut s = self.clone();
        s.groups[g].headcount = Headcount { steps };
        s.groups[g].from_shifts = false;
        let problems = validate::staffing_problems(&s.channels, &s.groups, s.horizon);
        if !problems.is_empty() {
            return Err(ScenarioError {
                file: self.source.file.clone(),
                problems: problems
                    .into_iter()
                    .map(|(field, message)| Problem {
                        field: Some(field.to_string()),
                        line: None,
                        column: None,
                        message: format!("{message} (after --set {path}={value})"),
                    })
                    .collect(),
            });
        }
        s.source.overrides.push((path, value));
        Ok(s)
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

    /// Reads and validates a scenario file.
    ///
    /// # Errors
    ///
    /// [`ScenarioError`] when the file cannot be read, is not UTF-8, or is not a valid
    /// scenario (every problem, located).
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let file = path.display().to_string();
        let fail = |line, column, message| ScenarioError {
            file: file.clone(),
            problems: vec![Problem { field: None, line, column, message }],
        };
        let bytes = std::fs::read(path).map_err(|e| fail(None, None, format!("cannot read the file: {e}")))?;
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let bytes = e.as_bytes();
                let valid = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
                let (l, c) = LineIndex::new(valid).line_col(at);
                return Err(fail(
                    Some(l),
                    Some(c),
                    format!("byte 0x{:02X} is not valid UTF-8; save the file as UTF-8 text", bytes[at]),
                ));
            }
        };
        Scenario::from_toml(&text, &file)
    }

    /// Parses and validates scenario text; `file` names it in errors.
    ///
    /// # Errors
    ///
    /// [`ScenarioError`] with every problem of the text, located.
    pub fn from_toml(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
        let mut s = Scenario::check(text, file)?;
        s.source = Source { file: file.to_owned(), text: text.into(), overrides: Vec::new() };
        Ok(s)
    }

    fn check(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
        let locator = Locator::new(text);
        let raw: raw::RawScenario = match toml::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                let (line, column, field) = match e.span() {
                    Some(span) => {
                        let (l, c) = locator.line_col(span.start);
                        let p = locator.path_at(span.start);
                        (Some(l), Some(c), (!p.is_root()).then(|| p.to_string()))
                    }
                    None => (None, None, None),
                };
                let mut message = plain_serde_message(e.message().trim());
                if field.is_none()
                    && let Some(l) = line
                    && let Some(src) = text.lines().nth(l - 1)
                {
                    message.push_str(&format!(" (in `{}`)", bounded(src.trim(), 80)));
                }
                message.push_str("; checking stopped here: fix this to see any other problems");
                return Err(ScenarioError {
                    file: file.to_owned(),
                    problems: vec![Problem { field, line, column, message }],
                });
            }
        };
        let locate = |errs: Vec<(FieldPath, String)>| {
            let mut problems: Vec<Problem> = errs
                .into_iter()
                .map(|(path, message)| {
                    let (line, column) = match locator.span_of(&path) {
                        Some(span) => {
                            let (l, c) = locator.line_col(span.start);
                            (Some(l), Some(c))
                        }
                        None => (None, None),
                    };
                    Problem { field: (!path.is_root()).then(|| path.to_string()), line, column, message }
                })
                .collect();
            // In file order, so that the list reads top to bottom.
            problems.sort_by_key(|p| (p.line.unwrap_or(usize::MAX), p.column.unwrap_or(0)));
            problems
        };
        match validate::validate(raw) {
            Ok((mut s, warnings)) => {
                s.warnings = locate(warnings);
                Ok(s)
            }
            Err(errs) => Err(ScenarioError { file: file.to_owned(), problems: locate(errs) }),
        }
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

    /// The scenario file's text with the overrides applied: a runnable scenario file.
    ///
    /// # Errors
    ///
    /// [`ScenarioError`] when an override no longer applies to the text.
    pub fn overridden_text(&self) -> Result<String, ScenarioError> {
        overrides::apply_text(&self.source.text, &self.source.file, &self.source.overrides)
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

/// Rewrites serde's type names into words a planner reads.
fn plain_serde_message(m: &str) -> String {
    let mut s = m.replace('\n', " ");
    for (from, to) in [
        ("expected u64", "expected a whole number ≥ 0"),
        ("expected i64", "expected a whole number"),
        ("expected u32", "expected a whole number ≥ 0"),
        ("expected f64", "expected a number"),
        ("expected a sequence", "expected an array [..]"),
        ("expected a map", "expected a table { .. }"),
    ] {
        s = s.replace(from, to);
    }
    if let Some(i) = s.find("expected struct ") {
        s.truncate(i);
        s.push_str("expected a table { .. }");
    }
    s
}

/// How a free agent chooses among waiting contacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoutingPolicy {
    /// The group's skill order first, then priority, then longest wait (default).
    Preference,
    /// Most urgent priority across all skills first, then skill order, then longest wait.
    Priority,
    /// Most urgent priority first, then the longest-waiting contact across skills.
    LongestWait,
    /// Priority that ages with waiting time: the head contact with the highest score
    /// waited (min) × `aging_per_minute` − its priority level, across skills (ties: the
    /// longer wait, then skill order).
    Aging,
}

impl RoutingPolicy {
    /// The allowed values, for error messages.
    pub const ALLOWED: &'static str = "\"preference\", \"priority\", \"longest_wait\" or \"aging\"";
    /// Parses a policy name.
    pub fn parse(s: &str) -> Option<RoutingPolicy> {
        match s {
            "preference" => Some(RoutingPolicy::Preference),
            "priority" => Some(RoutingPolicy::Priority),
            "longest_wait" => Some(RoutingPolicy::LongestWait),
            "aging" => Some(RoutingPolicy::Aging),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
/// Routing settings of a scenario.
pub struct Routing {
    /// How a free agent picks among eligible queues.
    pub policy: RoutingPolicy,
    /// Live work (voice, chat) is always chosen before deferred work (email, social).
    pub live_first: bool,
    /// With the `aging` policy: priority levels a waiting contact gains per minute waited
    /// (> 0); 0 otherwise.
    pub aging_per_minute: f64,
}

/// How contacts arrive and wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChannelKind {
    /// Calls: customers wait on line and may abandon.
    Voice,
    /// Chats: live, and an agent may hold several at once.
    Chat,
    /// Email: a deferred backlog, worked while open.
    Email,
    /// Social media messages: a deferred backlog, worked while open.
    Social,
}

impl ChannelKind {
    /// The allowed values, for error messages.
    pub const ALLOWED: &'static str = "\"voice\", \"chat\", \"email\" or \"social\"";
    /// Parses a kind name.
    pub fn parse(s: &str) -> Option<ChannelKind> {
        match s {
            "voice" => Some(ChannelKind::Voice),
            "chat" => Some(ChannelKind::Chat),
            "email" => Some(ChannelKind::Email),
            "social" => Some(ChannelKind::Social),
            _ => None,
        }
    }

    /// Customers wait on line (and may abandon) rather than in a deferrable backlog.
    pub fn is_live(self) -> bool {
        matches!(self, ChannelKind::Voice | ChannelKind::Chat)
    }

    /// The kind's name in files and output.
    pub fn name(self) -> &'static str {
        match self {
            ChannelKind::Voice => "voice",
            ChannelKind::Chat => "chat",
            ChannelKind::Email => "email",
            ChannelKind::Social => "social",
        }
    }
}

/// A service-level target: a `share` of contacts answered within `within` seconds. The one
/// shape of a target everywhere (channels, contact types, segments, staffing goals); in
/// documents it is written as `"target": share, "within_s": within`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ServiceTarget {
    /// Share of contacts to answer within the threshold, in (0, 1].
    #[serde(rename = "target")]
    pub share: f64,
    /// The threshold T (s).
    #[serde(rename = "within_s")]
    pub within: f64,
}

/// One channel: arrivals, contact types and its service-level target.
#[derive(Debug, Clone)]
pub struct Channel {
    /// Channel name (unique).
    pub name: String,
    /// How its contacts arrive and wait.
    pub kind: ChannelKind,
    /// Service-level target: the share of offered contacts answered within its threshold T.
    pub target: ServiceTarget,
    /// Contacts abandoning within this time (s) leave the service-level denominator.
    pub short_abandon: f64,
    /// Arrival rate (per second) over the horizon, opening hours already applied for live
    /// channels.
    pub arrivals: RateFn,
    /// Contact types, shares summing to 1; at least one.
    pub types: Vec<ContactType>,
    /// Opening hours: `[start, end)` windows (s) within the horizon, sorted and disjoint.
    /// Live channels receive contacts only while open; deferred channels are only worked
    /// while open.
    pub open: Vec<(f64, f64)>,
    /// Forecast uncertainty (none by default).
    pub forecast: Forecast,
    /// What the events calendar does to this channel (`None`: no event affects it).
    pub overlay: Option<Overlay>,
    /// Chat: handle-time factor when an agent holds n chats (index n − 1).
    pub stretch: Vec<f64>,
    /// What waiting customers are told about their wait, and how they react (`None`: no
    /// announcements; live channels only).
    pub announce: Option<Announce>,
    /// Preemptive-resume priority: a contact of the channel's most urgent level finding
    /// no free agent takes one serving a less urgent contact of the channel, which goes
    /// back to the front of its queue with the work it had left (live channels; agents
    /// holding one contact). Off by default.
    pub preemptive: bool,
    /// Later contacts of issues (returns, redials) can come to this channel.
    pub receives_repeats: bool,
}

/// A live channel's waiting-time announcements (`[channel.announce]`, `docs/model.md` §16):
/// the predictor, when and how a prediction is told, and the customers' reaction.
#[derive(Debug, Clone, PartialEq)]
pub struct Announce {
    /// How the wait is predicted.
    pub predictor: Predictor,
    /// Repeat the announcement every this many seconds while the contact waits.
    pub update: Option<f64>,
    /// Tell only predictions of at least this many seconds.
    pub threshold: f64,
    /// Point or range, and its rounding.
    pub format: AnnounceFormat,
    /// Padding: the told wait starts from prediction × `pad_factor` + `pad_add` (s).
    pub pad_factor: f64,
    /// Seconds added to the prediction (after `pad_factor`).
    pub pad_add: f64,
    /// How the channel's customers react (`[channel.reaction]`; none by default).
    pub reaction: Reaction,
}

/// How a channel's customers react to what they are told (`[channel.reaction]`). The
/// default is no reaction at all.
#[derive(Debug, Clone, PartialEq)]
pub struct Reaction {
    /// Balking on the arrival announcement (`None`: nobody balks).
    pub balk: Option<Balk>,
    /// Customers who stay wait at least this share of the wait they heard.
    pub stay_share: f64,
    /// Once a promise is broken, the patience left is multiplied by this (< 1: angrier).
    pub broken_promise: f64,
}

impl Default for Reaction {
    fn default() -> Self {
        Reaction { balk: None, stay_share: 0.0, broken_promise: 1.0 }
    }
}

/// A waiting-time predictor, computed when an announcement is made from what the ACD
/// knows then (`docs/model.md` §16.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Predictor {
    /// Nothing is predicted, so nothing is told (a baseline for comparisons).
    None,
    /// (k + 1) / (n·μ): k contacts ahead, n agents serving the queue at rate μ each.
    QueueLength,
    /// Σ_{i=0..k} 1 / (n·μ + i·θ): queue length with exponential abandonment at rate θ.
    QueueLengthAbandon,
    /// The wait of the last contact of the channel to start service.
    LastToEnterService,
    /// The elapsed wait of the contact at the head of the contact's queue.
    HeadOfLine,
    /// The mean wait of the channel's last N answered contacts.
    MovingAverage(u32),
}

impl Predictor {
    /// Every predictor's name in files.
    pub const ALLOWED: &'static str = "\"none\", \"queue_length\", \"queue_length_abandon\", \"last_to_enter_service\", \"head_of_line\" or \"moving_average\"";

    /// The predictor's name in files and output.
    pub fn name(self) -> &'static str {
        match self {
            Predictor::None => "none",
            Predictor::QueueLength => "queue_length",
            Predictor::QueueLengthAbandon => "queue_length_abandon",
            Predictor::LastToEnterService => "last_to_enter_service",
            Predictor::HeadOfLine => "head_of_line",
            Predictor::MovingAverage(_) => "moving_average",
        }
    }
}

/// How a prediction p (after padding) is told.
#[derive(Debug, Clone, PartialEq)]
pub enum AnnounceFormat {
    /// One value: p rounded up to a multiple of `step` (s; 0: not rounded).
    Point {
        /// Rounding step (s).
        step: f64,
    },
    /// From p × `low` rounded down to p × `high` rounded up, to multiples of `step`.
    Range {
        /// Factor of the lower end.
        low: f64,
        /// Factor of the upper end (≥ `low`).
        high: f64,
        /// Rounding step (s; 0: not rounded).
        step: f64,
    },
    /// Fixed buckets: bounds b₁ < b₂ < … (s) give "0 to b₁", "b₁ to b₂", …, "more than bₙ".
    Buckets(Vec<f64>),
}

/// The share of customers who hang up at once on hearing a wait of w seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Balk {
    /// `share` / (1 + exp(−(w − `half`) / `spread`)).
    Logistic {
        /// The wait at which half of `share` balk (s).
        half: f64,
        /// How fast balking rises around `half` (s, > 0).
        spread: f64,
        /// The largest share that balks, in [0, 1].
        share: f64,
    },
    /// `share` of those told more than `above` seconds; nobody else.
    Step {
        /// Told waits above this balk (s).
        above: f64,
        /// The share of them that balks, in [0, 1].
        share: f64,
    },
}

impl Balk {
    /// The probability of balking on hearing a wait of `w` s.
    pub fn probability(&self, w: f64) -> f64 {
        match *self {
            Balk::Logistic { half, spread, share } => share / (1.0 + (-(w - half) / spread).exp()),
            Balk::Step { above, share } => {
                if w > above {
                    share
                } else {
                    0.0
                }
            }
        }
    }
}

/// What one announcement tells: the wait heard, and the range it promises (s from the
/// announcement).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Told {
    /// The wait the customer hears: the point, the middle of a range, or the lower bound
    /// of an open-ended bucket.
    pub heard: f64,
    /// The lower end (the point itself for a point).
    pub low: f64,
    /// The upper end: the promise (∞ for "more than bₙ").
    pub high: f64,
}

impl Announce {
    /// What is told for a prediction of `p` s, or `None` when it is below the threshold.
    pub fn tell(&self, p: f64) -> Option<Told> {
        if p.is_nan() || p < self.threshold {
            return None;
        }
        let x = p * self.pad_factor + self.pad_add;
        let up = |v: f64, step: f64| if step > 0.0 { (v / step).ceil() * step } else { v };
        let down = |v: f64, step: f64| if step > 0.0 { (v / step).floor() * step } else { v };
        Some(match &self.format {
            AnnounceFormat::Point { step } => {
                let v = up(x, *step);
                Told { heard: v, low: v, high: v }
            }
            AnnounceFormat::Range { low, high, step } => {
                let (l, h) = (down(x * low, *step), up(x * high, *step));
                Told { heard: 0.5 * (l + h), low: l, high: h }
            }
            AnnounceFormat::Buckets(b) => {
                let j = b.partition_point(|&bound| bound <= x);
                let low = if j == 0 { 0.0 } else { b[j - 1] };
                match b.get(j) {
                    Some(&high) => Told { heard: 0.5 * (low + high), low, high },
                    None => Told { heard: low, low, high: f64::INFINITY },
                }
            }
        })
    }

    /// The policy and the customers' reaction in words, for reports: `queue_length; point,
    /// rounded up to 1m; from 1m; balk logistic (half 5m, spread 1m, up to 50 %); stay 50 %
    /// of the wait heard; patience × 0.5 once a promise is broken`.
    pub fn describe(&self) -> String {
        use crate::base::time::{format_duration as d, format_number as n};
        let mut parts = vec![self.predictor.name().to_string()];
        if let Predictor::MovingAverage(w) = self.predictor {
            parts[0] = format!("moving_average of {w}");
        }
        let step = |s: f64| if s > 0.0 { format!(", rounded to {}", d(s)) } else { String::new() };
        parts.push(match &self.format {
            AnnounceFormat::Point { step: s } if *s > 0.0 => format!("point, rounded up to {}", d(*s)),
            AnnounceFormat::Point { .. } => "point".to_string(),
            AnnounceFormat::Range { low, high, step: s } => {
                format!("range × {} to × {}{}", n(*low), n(*high), step(*s))
            }
            AnnounceFormat::Buckets(b) => format!("buckets {}", b.iter().map(|x| d(*x)).collect::<Vec<_>>().join(", ")),
        });
        match (self.pad_factor != 1.0, self.pad_add > 0.0) {
            (true, true) => parts.push(format!("padded × {} + {}", n(self.pad_factor), d(self.pad_add))),
            (true, false) => parts.push(format!("padded × {}", n(self.pad_factor))),
            (false, true) => parts.push(format!("padded + {}", d(self.pad_add))),
            (false, false) => {}
        }
        if self.threshold > 0.0 {
            parts.push(format!("from {}", d(self.threshold)));
        }
        if let Some(u) = self.update {
            parts.push(format!("updated every {}", d(u)));
        }
        let r = &self.reaction;
        match r.balk {
            Some(Balk::Logistic { half, spread, share }) => parts.push(format!(
                "balk logistic (half {}, spread {}, up to {} %)",
                d(half),
                d(spread),
                n(100.0 * share)
            )),
            Some(Balk::Step { above, share }) => parts.push(format!("balk {} % above {}", n(100.0 * share), d(above))),
            None => {}
        }
        if r.stay_share > 0.0 {
            parts.push(format!("stay {} % of the wait heard", n(100.0 * r.stay_share)));
        }
        if r.broken_promise != 1.0 {
            parts.push(format!("patience × {} once a promise is broken", n(r.broken_promise)));
        }
        parts.join("; ")
    }

    /// Whether a told value is a range (range coverage is reported for these).
    pub fn is_range(&self) -> bool {
        !matches!(self.format, AnnounceFormat::Point { .. })
    }
}

impl Channel {
    /// Whether the channel is open at time `t` (s).
    pub fn is_open(&self, t: f64) -> bool {
        self.open.iter().any(|&(a, b)| t >= a && t < b)
    }

    /// Handle-time factor when an agent holds `n ≥ 1` chats (1 for other channels).
    pub fn stretch_for(&self, n: usize) -> f64 {
        self.stretch.get(n.saturating_sub(1)).copied().unwrap_or(1.0)
    }
}

/// A triage category within a channel.
#[derive(Debug, Clone)]
pub struct ContactType {
    /// Type name (unique within the channel).
    pub name: String,
    /// Share of the channel's arrivals, in (0, 1].
    pub share: f64,
    /// 1 is the most urgent; waiting contacts of a lower number are served first.
    pub priority: u32,
    /// Handle time distribution (s).
    pub handle_time: Dist,
    /// `None`: never abandons.
    pub patience: Option<Dist>,
    /// The type's own service-level target, reported per type; `None`: the channel's.
    pub service_level: Option<ServiceTarget>,
    /// Share of arrivals that self-service (IVR, web) deflects: they never reach an agent
    /// and are reported as `deflected`, outside `offered`. In [0, 1).
    pub deflect: f64,
    /// What happens to the customer's issue after each contact of this type.
    pub resolution: Resolution,
    /// A virtual assistant (bot, IVR self-service flow) every contact of this type meets
    /// first (`None`: none).
    pub assistant: Option<Assistant>,
}

/// A virtual assistant in front of a contact type: it handles each contact for a bot
/// time; a share is contained (resolved there), the rest reach the queue after the bot
/// time, their wait starting then.
#[derive(Debug, Clone)]
pub struct Assistant {
    /// Share of contacts the assistant contains, in [0, 1].
    pub contain: f64,
    /// Time with the assistant (s).
    pub time: Dist,
    /// Share of the contained whose problem was not in fact solved: they come back by the
    /// type's returns, in [0, 1] (0: containment is resolution).
    pub recontact: f64,
}

/// How an issue of one contact type gets resolved: each contact resolves it with the
/// type's first-contact-resolution probability; an unresolved customer comes back, an
/// abandoning one may redial, up to a cap (`docs/model.md` §17).
#[derive(Debug, Clone)]
pub struct Resolution {
    /// Probability that a completed contact resolves the issue, in [0, 1].
    pub fcr: f64,
    /// Where and when an unresolved customer comes back (required when `fcr` < 1).
    pub returns: Option<Returns>,
    /// Whether and when a customer who abandoned tries again (`None`: never).
    pub redial: Option<Redial>,
    /// The most contacts one issue makes, first included (`None`: no cap). A customer
    /// unresolved at the cap gives up (abandoned for good).
    pub max_contacts: Option<u32>,
}

impl Resolution {
    /// Every contact resolves its issue and nobody redials: issues have one contact.
    pub const SINGLE: Resolution = Resolution { fcr: 1.0, returns: None, redial: None, max_contacts: None };

    /// Whether an issue of this type can have more than one contact.
    pub fn repeats(&self) -> bool {
        (self.fcr < 1.0 && self.returns.is_some()) || self.redial.is_some()
    }
}

/// An unresolved customer's return: after a delay, on a channel chosen by shares.
#[derive(Debug, Clone)]
pub struct Returns {
    /// Delay from the end of the unresolved contact to the return (s).
    pub after: Dist,
    /// `(channel index, cumulative share)`, the last share 1 (sorted by channel order as
    /// written).
    pub to: Vec<(usize, f64)>,
}

/// A customer who abandoned tries again with probability `share`, after `after` (s).
#[derive(Debug, Clone)]
pub struct Redial {
    /// Probability of trying again, in (0, 1].
    pub share: f64,
    /// Delay from the abandonment to the new contact (s).
    pub after: Dist,
}

/// A customer segment (high value, standard, …), crossing contact types: a share of every
/// channel's fresh contacts, with its own priority boost, patience and target.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// Segment name (unique).
    pub name: String,
    /// Share of fresh contacts, in (0, 1]; segments' shares sum to 1.
    pub share: f64,
    /// Priority levels its contacts jump: a type of priority p is queued at p − boost
    /// among the channel's levels.
    pub priority_boost: u32,
    /// Multiplies drawn patience (> 0).
    pub patience_factor: f64,
    /// Its own service-level target, reported per segment.
    pub service_level: Option<ServiceTarget>,
    /// The group its contacts are routed to, on the channels that group serves on arrival
    /// (`None`: no routing by segment): `(group index, dedicated)`. Dedicated: only that
    /// group serves them, and it serves nobody else; preferred: that group first, others
    /// too.
    pub group: Option<(usize, bool)>,
}

/// Agents with the same skills and staffing.
#[derive(Debug, Clone)]
pub struct AgentGroup {
    /// Group name (unique).
    pub name: String,
    /// Channels served, in preference order.
    pub skills: Vec<Skill>,
    /// Scheduled headcount over the horizon, before shrinkage.
    pub headcount: Headcount,
    /// Share of scheduled time not available for contacts, in [0, 1).
    pub shrinkage: f64,
    /// Most chats held at once (1 for groups without a chat skill).
    pub concurrency: u32,
    /// Cost of one scheduled agent hour.
    pub cost_per_hour: f64,
    /// A live contact that finds no free agent may interrupt an agent of this group working
    /// on email or social; the interrupted item goes back to the front of its queue and
    /// is resumed later with the work it had left.
    pub interrupt_deferred: bool,
    /// The headcount comes from `[[agents.shift]]` entries (not `staff`).
    pub from_shifts: bool,
}

/// A channel a group serves; `after` > 0 makes it an overflow skill: the group takes such
/// contacts only once they have waited that long (s).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Skill {
    /// Index of the channel in the scenario.
    pub channel: usize,
    /// Overflow delay (s); 0 for a primary skill.
    pub after: f64,
}

/// Scheduled headcount as a step function: `steps[i] = (from, count)`, first `from` = 0.
#[derive(Debug, Clone, PartialEq)]
pub struct Headcount {
    /// `(from, count)` steps; the first `from` is 0, `from` strictly increasing.
    pub steps: Vec<(f64, u32)>,
}

impl Headcount {
    /// The same headcount all the time.
    pub fn constant(n: u32) -> Headcount {
        Headcount { steps: vec![(0.0, n)] }
    }

    /// Headcount in force at time `t`.
    pub fn at(&self, t: f64) -> u32 {
        let k = self.steps.partition_point(|&(s, _)| s <= t);
        if k == 0 { 0 } else { self.steps[k - 1].1 }
    }

    /// The largest headcount at any time.
    pub fn max(&self) -> u32 {
        self.steps.iter().map(|s| s.1).max().unwrap_or(0)
    }

    /// Scheduled agent-seconds in `[a, b)`.
    pub fn agent_seconds(&self, a: f64, b: f64) -> f64 {
        let ends = self.steps.iter().skip(1).map(|x| x.0).chain(std::iter::once(f64::INFINITY));
        crate::base::steps::integral(self.steps.iter().zip(ends).map(|(&(s, n), e)| (s, e, f64::from(n))), a, b)
    }
}
