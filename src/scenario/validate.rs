//! Validation: a scenario file as written ([`RawScenario`]) → a checked [`Scenario`], or
//! every problem with its field path.
//!
//! Each table is checked by its own module, next to its raw and checked types (`channel`,
//! `contact_type`, `arrivals`, `announce`, `agents`, `segments`, `events`, `routing`,
//! `axes`); checks across tables are in `coverage`. This
//! file checks the scenario's own fields and the time axis, and sequences the rest.
//!
//! Nothing in a [`RawScenario`] is trusted. Unknown fields are refused by serde so that a
//! misspelt key is an error, never silently ignored; required fields are `Option`s too, so
//! that validation reports every missing field, at its table, together with every other
//! problem.

use super::agents::{AgentGroup, RawAgents, group};
use super::axes::{RawSweep, saved_sweep};
use super::channel::{Channel, RawChannel, channel, return_types};
use super::check::{Check, Ctx, Errors, check_name, name_of};

use super::build;
use super::coverage::{closed_event_warnings, cross_checks, plan_warnings};
use super::events::{DemandEvent, RawEvent, demand_events};
use super::limits::*;
use super::locate::FieldPath;
use super::routing::{RawRouting, routing};
use super::sealed::Scenario;
use super::segments::{RawSegment, segments};
use super::windows::{RawReport, windows};
use crate::base::time::{DAY, Seconds, Weekday, format_duration};
use serde::Deserialize;
use std::collections::HashSet;

/// A scenario file as written: serde structures that mirror the TOML one to one.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub name: Option<String>,
    pub description: Option<String>,
    pub seed: Option<u64>,
    pub replications: Option<u64>,
    pub horizon: Option<Seconds>,
    pub interval: Option<Seconds>,
    pub warmup: Option<Seconds>,
    pub start_day: Option<String>,
    pub routing: Option<RawRouting>,
    #[serde(default)]
    pub channel: Vec<RawChannel>,
    #[serde(default)]
    pub agents: Vec<RawAgents>,
    pub sweep: Option<RawSweep>,
    #[serde(default)]
    pub event: Vec<RawEvent>,
    #[serde(default)]
    pub segment: Vec<RawSegment>,
    pub report: Option<RawReport>,
}

/// Checks a raw scenario: the checked scenario and its warnings (plans that are legal but
/// almost certainly mistakes), or every problem.
pub(crate) fn validate(raw: RawScenario) -> Result<(Scenario, Errors), Errors> {
    let mut ck = Check::default();
    let root = FieldPath::root();
    if let Some(name) = ck.required(&root, "name", &raw.name, "name = \"…\", the scenario's name") {
        check_name(&mut ck, &root.key("name"), name, 200);
    }
    let replications = match raw.replications {
        None => 10,
        Some(r) if (1..=MAX_REPLICATIONS).contains(&r) => r as u32,
        Some(r) => {
            ck.err(root.key("replications"), format!("must be from 1 to {MAX_REPLICATIONS}, got {r}"));
            1
        }
    };
    let (ctx, warmup) = time_axis(&mut ck, &raw);
    let routing = routing(&mut ck, &root.key("routing"), raw.routing.as_ref());
    let mut channels = channels(&mut ck, &ctx, &raw.channel);
    let channel_names: Vec<&str> = raw.channel.iter().map(|c| name_of(&c.name)).collect();
    let groups = groups(&mut ck, &ctx, &raw, &channel_names);
    let segments = segments(&mut ck, &root, &raw.segment, &raw.agents, &raw.channel);
    let (events, event_warnings) =
        if ctx.usable { demand_events(&mut ck, &ctx, &raw.event, &channel_names) } else { (Vec::new(), Vec::new()) };
    if ck.errors.is_empty() && channels.len() == raw.channel.len() {
        overlays(&mut channels, &events, ctx.horizon);
    }
    if ck.errors.is_empty() {
        cross_checks(&mut ck, &channels, &groups, ctx.horizon);
        super::rules::opening_gaps(&mut ck, &ctx, &channels, &groups);
        result_cells(&mut ck, &ctx, channels.len(), groups.len());
    }
    // TOML integers are 64-bit signed: a larger seed could not be written back (overrides
    // rewrite the text), so it is refused here rather than at the first `--set`.
    if let Some(seed) = raw.seed
        && seed > i64::MAX as u64
    {
        ck.err(root.key("seed"), format!("{seed} is too large: a seed is a whole number from 0 to {}", i64::MAX));
    }
    let saved_sweep = raw.sweep.as_ref().map(|sw| saved_sweep(&mut ck, &root.key("sweep"), sw));
    let first_counted = (warmup / ctx.interval).round() as usize;
    let specs = raw.report.as_ref().and_then(|r| r.windows.as_deref()).unwrap_or_default();
    let windows = windows(&mut ck, &ctx, &root.key("report").key("windows"), specs, first_counted);
    if !ck.errors.is_empty() {
        return Err(ck.errors);
    }
    let mut warnings = plan_warnings(&raw.channel, &channels, &groups, &ctx, warmup);
    warnings.extend(event_warnings);
    warnings.extend(closed_event_warnings(&raw.event, &events, &channels));
    let scenario = Scenario {
        name: raw.name.unwrap_or_default(),
        description: raw.description,
        seed: raw.seed.unwrap_or(1),
        replications,
        horizon: ctx.horizon,
        interval: ctx.interval,
        warmup,
        start_day: ctx.start_day,
        routing,
        channels,
        groups,
        source: Default::default(),
        warnings: Vec::new(),
        saved_sweep,
        events,
        segments,
        windows,
        window_specs: specs.to_vec(),
    };
    Ok((scenario, warnings))
}

/// The time axis: horizon, interval (dividing it), warm-up (whole intervals) and the
/// weekday at time 0; `usable` is false when per-interval checks cannot be made.
fn time_axis(ck: &mut Check, raw: &RawScenario) -> (Ctx, f64) {
    let root = FieldPath::root();
    let mut usable = true;
    let horizon = match ck.required(&root, "horizon", &raw.horizon, "horizon = \"24h\", how long arrivals come") {
        Some(h) => h.0,
        None => {
            usable = false;
            DAY
        }
    };
    if usable && (horizon <= 0.0 || horizon > MAX_HORIZON_DAYS * DAY) {
        ck.err(
            root.key("horizon"),
            format!("must be longer than 0 and at most {MAX_HORIZON_DAYS} days, got {}", format_duration(horizon)),
        );
        usable = false;
    }
    let interval = raw.interval.map_or(1800.0, |s| s.0);
    let mut n_intervals = 1usize;
    if interval < 1.0 {
        ck.err(root.key("interval"), format!("must be at least 1 s, got {interval} s"));
        usable = false;
    } else if usable {
        match intervals(horizon, interval) {
            Ok(n) => n_intervals = n,
            Err(message) => {
                ck.err(root.key("interval"), message);
                usable = false;
            }
        }
    }
    let warmup = raw.warmup.map_or(0.0, |s| s.0);
    if usable {
        let w = warmup / interval;
        if warmup >= horizon {
            ck.err(root.key("warmup"), format!("must be shorter than the horizon ({})", format_duration(horizon)));
        } else if (w - w.round()).abs() > 1e-9 * w.max(1.0) {
            ck.err(
                root.key("warmup"),
                format!(
                    "must be a whole number of intervals ({}), got {}",
                    format_duration(interval),
                    format_duration(warmup)
                ),
            );
        }
    }
    let start_day = match &raw.start_day {
        None => Weekday(0),
        Some(s) => Weekday::parse(s).unwrap_or_else(|| {
            ck.err(root.key("start_day"), format!("`{s}` is not a day of the week; use mon, tue, …, sun"));
            Weekday(0)
        }),
    };
    (Ctx { horizon, interval, n_intervals, start_day, usable }, warmup)
}

/// How many intervals of `interval` s make the horizon: a whole number, within the limit.
fn intervals(horizon: f64, interval: f64) -> Result<usize, String> {
    let n = horizon / interval;
    if (n - n.round()).abs() > 1e-9 * n.max(1.0) || n.round() < 1.0 {
        Err(format!(
            "must divide the horizon ({}) into whole intervals; {} does not",
            format_duration(horizon),
            format_duration(interval)
        ))
    } else if n.round() as usize > MAX_INTERVALS {
        Err(format!("gives {} intervals over the horizon; at most {MAX_INTERVALS} are allowed", n.round()))
    } else {
        Ok(n.round() as usize)
    }
}

/// The `[[channel]]` tables; once all are checked, returns to other channels are matched
/// with their types and each channel knows whether later contacts of issues reach it.
fn channels(ck: &mut Check, ctx: &Ctx, raw: &[RawChannel]) -> Vec<Channel> {
    let root = FieldPath::root();
    if raw.is_empty() {
        ck.err(root.key("channel"), "a scenario needs at least one [[channel]]");
    }
    if raw.len() > MAX_CHANNELS {
        ck.err(root.key("channel"), format!("at most {MAX_CHANNELS} channels, got {}", raw.len()));
    }
    let mut channels = Vec::new();
    let mut names = HashSet::new();
    let all_names: Vec<&str> = raw.iter().map(|c| name_of(&c.name)).collect();
    for (i, rc) in raw.iter().enumerate() {
        let p = root.key("channel").at(i);
        if rc.name.is_some() && !names.insert(name_of(&rc.name)) {
            ck.err(p.key("name"), format!("channel name `{}` is used twice", name_of(&rc.name)));
        }
        channels.extend(channel(ck, ctx, &p, rc, &all_names));
    }
    if ck.errors.is_empty() && channels.len() == raw.len() {
        let typed: Vec<bool> = raw.iter().map(|c| !c.types.is_empty()).collect();
        return_types(ck, &root, &typed, &channels);
        mark_repeats(&mut channels);
    }
    channels
}

/// Marks the channels later contacts of issues (redials, returns, recontacts after an
/// assistant) can come to.
fn mark_repeats(channels: &mut [Channel]) {
    for c in 0..channels.len() {
        let redials = channels[c].types.iter().any(|t| t.resolution.redial.is_some());
        let returns = channels.iter().enumerate().any(|(o, other)| {
            other.types.iter().any(|t| {
                (t.resolution.fcr < 1.0 || t.assistant.as_ref().is_some_and(|a| a.recontact > 0.0))
                    && t.resolution
                        .returns
                        .as_ref()
                        .is_some_and(|r| if r.to.is_empty() { o == c } else { r.to.iter().any(|x| x.0 == c) })
            })
        });
        channels[c].receives_repeats = redials || returns;
    }
}

/// The `[[agents]]` groups (`channel_names`: every channel's name as written).
fn groups(ck: &mut Check, ctx: &Ctx, raw: &RawScenario, channel_names: &[&str]) -> Vec<AgentGroup> {
    let root = FieldPath::root();
    if raw.agents.is_empty() {
        ck.err(root.key("agents"), "a scenario needs at least one [[agents]] group");
    }
    if raw.agents.len() > MAX_GROUPS {
        ck.err(root.key("agents"), format!("at most {MAX_GROUPS} groups, got {}", raw.agents.len()));
    }
    let mut groups = Vec::new();
    let mut names = HashSet::new();
    for (g, ra) in raw.agents.iter().enumerate() {
        let p = root.key("agents").at(g);
        if ra.name.is_some() && !names.insert(name_of(&ra.name)) {
            ck.err(p.key("name"), format!("group name `{}` is used twice", name_of(&ra.name)));
        }
        groups.extend(group(ck, ctx, &p, ra, &raw.channel, channel_names));
    }
    groups
}

/// Refuses a scenario whose per-interval results would not fit in memory.
fn result_cells(ck: &mut Check, ctx: &Ctx, channels: usize, groups: usize) {
    let n = ctx.n_intervals;
    let cells = n * (channels + groups * (1 + channels));
    if cells > MAX_RESULT_CELLS {
        ck.err(
            FieldPath::root().key("interval"),
            format!(
                "{n} intervals × {channels} channels and {groups} groups make {cells} result cells, more than the {MAX_RESULT_CELLS} one run keeps; use a longer interval or a shorter horizon"
            ),
        );
    }
}

/// Compiles each channel's events into its overlay (channels no event affects keep
/// `None`).
fn overlays(channels: &mut [Channel], events: &[DemandEvent], horizon: f64) {
    for (c, ch) in channels.iter_mut().enumerate() {
        let mine: Vec<&DemandEvent> = events.iter().filter(|e| e.channels.contains(&c)).collect();
        if !mine.is_empty() {
            let open = ch.kind.is_live().then_some(ch.open.as_slice());
            ch.overlay = Some(build::overlay(&ch.arrivals, &mine, open, horizon));
        }
    }
}
