//! A scenario's outline: what a face needs to show it and to offer its what-ifs (the
//! Python package's `Scenario` properties, the browser page's controls), as one
//! serialisable value.

use super::Scenario;
use super::target::ServiceTarget;
use serde::Serialize;

/// The outline of a checked scenario (times in seconds).
#[derive(Debug, Clone, Serialize)]
pub struct Outline {
    /// Scenario name.
    pub name: String,
    /// Its description, if it has one.
    pub description: Option<String>,
    /// Horizon, interval and warm-up (s).
    pub horizon_s: f64,
    /// Interval length (s).
    pub interval_s: f64,
    /// Warm-up (s).
    pub warmup_s: f64,
    /// Weekday of time 0.
    pub start_day: String,
    /// Replications and seed as the scenario states them.
    pub replications: u32,
    /// Seed of replication 0.
    pub seed: u64,
    /// Channels in file order.
    pub channels: Vec<ChannelOutline>,
    /// Agent groups in file order.
    pub groups: Vec<GroupOutline>,
    /// The scenario file's text with its overrides applied (runnable as is).
    pub text: String,
    /// The checker's warnings, each as `field: message`.
    pub warnings: Vec<String>,
}

/// A channel as a face offers it.
#[derive(Debug, Clone, Serialize)]
pub struct ChannelOutline {
    /// Channel name (the `channel.<name>` of override paths).
    pub name: String,
    /// `voice`, `chat`, `email` or `social`.
    pub kind: &'static str,
    /// Its contacts wait on line and may abandon.
    pub live: bool,
    /// Its service-level target.
    pub target: ServiceTarget,
    /// Some contact type has a patience (so `patience_scale` changes something).
    pub patience: bool,
    /// It has `[channel.announce]` (so announcements can be switched off with
    /// `announce.predictor = "none"`).
    pub announce: bool,
}

/// An agent group as a face offers it.
#[derive(Debug, Clone, Serialize)]
pub struct GroupOutline {
    /// Group name (the `agents.<name>` of override paths).
    pub name: String,
    /// Channels served, in preference order.
    pub skills: Vec<String>,
    /// How its headcount is written: `constant` (`staff = N`), `per_interval`, or `shifts`.
    pub staffing: &'static str,
    /// Scheduled headcount at the start of each interval of the horizon.
    pub plan: Vec<u32>,
}

impl Scenario {
    /// The scenario's outline.
    ///
    /// # Errors
    ///
    /// [`super::ScenarioError`] when its overrides no longer apply to its text (see
    /// [`Scenario::overridden_text`]).
    pub fn outline(&self) -> Result<Outline, super::ScenarioError> {
        let n = self.n_intervals();
        Ok(Outline {
            name: self.name().to_owned(),
            description: self.description().map(str::to_owned),
            horizon_s: self.horizon(),
            interval_s: self.interval(),
            warmup_s: self.warmup(),
            start_day: self.start_day().name().to_owned(),
            replications: self.replications(),
            seed: self.seed(),
            channels: self
                .channels()
                .iter()
                .map(|c| ChannelOutline {
                    name: c.name.clone(),
                    kind: c.kind.name(),
                    live: c.kind.is_live(),
                    target: c.target,
                    patience: c.types.iter().any(|t| t.patience.is_some()),
                    announce: c.announce.is_some(),
                })
                .collect(),
            groups: self
                .groups()
                .iter()
                .map(|g| {
                    let plan: Vec<u32> = (0..n).map(|i| g.headcount.at(i as f64 * self.interval())).collect();
                    let staffing = if g.from_shifts {
                        "shifts"
                    } else if g.headcount.steps.len() <= 1 {
                        "constant"
                    } else {
                        "per_interval"
                    };
                    GroupOutline {
                        name: g.name.clone(),
                        skills: g.skills.iter().map(|k| self.channels()[k.channel].name.clone()).collect(),
                        staffing,
                        plan,
                    }
                })
                .collect(),
            text: self.overridden_text()?,
            warnings: self
                .warnings()
                .iter()
                .map(|w| match &w.field {
                    Some(f) => format!("{f}: {}", w.message),
                    None => w.message.clone(),
                })
                .collect(),
        })
    }
}
