//! The events calendar (`[[event]]`, `docs/model.md` §15): windows — recurring by weekday
//! and clock, or one range of the horizon — that multiply a channel's volume and handle
//! time or add contacts, compiled per channel into an [`Overlay`].

use super::check::{Check, Ctx, Errors, check_name, day_list};
use super::locate::FieldPath;
use crate::base::rates::RateFn;
use crate::base::time::{Clock, DAY, Seconds, format_clock, format_duration, format_number};
use serde::Deserialize;
use std::collections::HashSet;

/// A demand event as written: a window (recurring by weekday and clock, or one range of
/// the horizon), the channels it affects, and its effect on volume and handle time.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    pub name: Option<String>,
    pub channels: Option<Vec<String>>,
    pub days: Option<Vec<String>>,
    pub from: Option<Clock>,
    pub to: Option<Clock>,
    pub start: Option<Seconds>,
    pub end: Option<Seconds>,
    pub volume: Option<f64>,
    pub add: Option<f64>,
    pub handle_time: Option<f64>,
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

/// The events calendar: every `[[event]]` checked (`channel_names`: every channel's name),
/// and warnings for events that overlap on a channel (allowed: their effects multiply, but
/// worth saying).
pub(crate) fn demand_events(
    ck: &mut Check,
    ctx: &Ctx,
    raw: &[RawEvent],
    channel_names: &[&str],
) -> (Vec<DemandEvent>, Errors) {
    let root = FieldPath::root();
    let mut out: Vec<(usize, DemandEvent)> = Vec::new();
    let mut names = HashSet::new();
    for (i, re) in raw.iter().enumerate() {
        let p = root.key("event").at(i);
        let before = ck.count();
        if let Some(n) = ck.required(&p, "name", &re.name, "every event needs name = \"…\", such as \"TV advert\"") {
            check_name(ck, &p.key("name"), n, 100);
            if !names.insert(n.as_str()) {
                ck.err(p.key("name"), format!("event name `{n}` is used twice"));
            }
        }
        let channels = event_channels(ck, &p, re.channels.as_deref(), channel_names);
        let windows = windows(ck, ctx, &p, re);
        if ck.count() == before && windows.is_empty() {
            ck.err(
                p.key("days"),
                format!("no such day in the horizon ({}): the event would never happen", format_duration(ctx.horizon)),
            );
        }
        let (volume, add, handle) = effects(ck, &p, re);
        if ck.count() == before {
            out.push((
                i,
                DemandEvent { name: re.name.clone().unwrap_or_default(), channels, windows, volume, add, handle },
            ));
        }
    }
    let warnings = overlaps(&out, channel_names);
    (out.into_iter().map(|x| x.1).collect(), warnings)
}

/// The channels an event at `p` affects: those listed, or every channel.
fn event_channels(ck: &mut Check, p: &FieldPath, list: Option<&[String]>, channel_names: &[&str]) -> Vec<usize> {
    let Some(list) = list else { return (0..channel_names.len()).collect() };
    if list.is_empty() {
        ck.err(p.key("channels"), "is empty; list channels such as [\"phone\"] or leave it out for every channel");
    }
    let mut v = Vec::new();
    for (j, name) in list.iter().enumerate() {
        match channel_names.iter().position(|c| c == name) {
            Some(c) if v.contains(&c) => ck.err(p.key("channels").at(j), format!("`{name}` is listed twice")),
            Some(c) => v.push(c),
            None => ck.err(
                p.key("channels").at(j),
                format!("no channel is called `{name}`; the channels are: {}", channel_names.join(", ")),
            ),
        }
    }
    v
}

/// The windows of an event at `p`: `from`/`to` on some weekdays, or one `start`/`end`
/// range of the horizon.
fn windows(ck: &mut Check, ctx: &Ctx, p: &FieldPath, re: &RawEvent) -> Vec<(f64, f64)> {
    let horizon = ctx.horizon;
    let mut windows = Vec::new();
    match (&re.from, &re.to, &re.start, &re.end) {
        (Some(from), Some(to), None, None) => {
            if to.0 <= from.0 {
                ck.err(
                    p.key("to"),
                    format!("must be after `from` ({}); a window ends later the same day", format_clock(from.0)),
                );
            }
            let days = day_list(ck, &p.key("days"), &re.days);
            for d in 0..ctx.days() {
                let midnight = d as f64 * DAY;
                if days[usize::from(ctx.weekday_at(midnight).0)] && midnight + from.0 < horizon {
                    windows.push((midnight + from.0, (midnight + to.0).min(horizon)));
                }
            }
        }
        (None, None, Some(start), Some(end)) => {
            if re.days.is_some() {
                ck.err(p.key("days"), "goes with from/to windows; start/end is one range of the horizon");
            }
            if end.0 <= start.0 {
                ck.err(p.key("end"), format!("must be after `start` ({})", format_duration(start.0)));
            } else if end.0 > horizon {
                ck.err(
                    p.key("end"),
                    format!(
                        "is {}, after the end of the horizon ({}): the event lies outside the simulated time",
                        format_duration(end.0),
                        format_duration(horizon)
                    ),
                );
            } else {
                windows.push((start.0, end.0));
            }
        }
        _ => ck.err(
            p.clone(),
            "needs one window: from = \"10:00\", to = \"12:00\" (with days = [\"thu\"] to recur on some weekdays only), or start = \"3d10h\", end = \"3d12h\" for one range of the horizon (time from its start)",
        ),
    }
    windows
}

/// An event's effects `(volume factor, contacts added per window, handle-time factor)`.
fn effects(ck: &mut Check, p: &FieldPath, re: &RawEvent) -> (f64, f64, f64) {
    let factor = |ck: &mut Check, key: &str, v: Option<f64>, lo_ok: bool| -> f64 {
        match v {
            None => 1.0,
            Some(x) if x.is_finite() && (x > 0.0 || (lo_ok && x == 0.0)) && x <= 100.0 => x,
            Some(x) => {
                let lo = if lo_ok { "≥ 0" } else { "> 0" };
                ck.err(p.key(key), format!("must be a factor {lo} and ≤ 100, got {}", format_number(x)));
                1.0
            }
        }
    };
    let volume = factor(ck, "volume", re.volume, true);
    let handle = factor(ck, "handle_time", re.handle_time, false);
    let add = match re.add {
        None => 0.0,
        Some(x) if x.is_finite() && (0.0..=1e7).contains(&x) => x,
        Some(x) => {
            ck.err(p.key("add"), format!("must be a number of contacts ≥ 0 (per window), got {}", format_number(x)));
            0.0
        }
    };
    if re.volume.is_none() && re.add.is_none() && re.handle_time.is_none() {
        ck.err(
            p.clone(),
            "changes nothing: give volume = 2.0 (a multiplier), add = 300 (contacts per window) or handle_time = 1.2",
        );
    }
    (volume, add, handle)
}

/// Warnings for checked events (`(index as written, event)`) that overlap on a channel.
fn overlaps(events: &[(usize, DemandEvent)], channel_names: &[&str]) -> Errors {
    let mut warnings = Vec::new();
    for (x, (i, a)) in events.iter().enumerate() {
        for (j, b) in events[..x].iter().map(|(j, b)| (*j, b)) {
            let shared: Vec<&str> =
                a.channels.iter().filter(|c| b.channels.contains(c)).map(|&c| channel_names[c]).collect();
            let overlap = a.windows.iter().any(|w| b.windows.iter().any(|v| w.0 < v.1 && v.0 < w.1));
            if !shared.is_empty() && overlap {
                warnings.push((
                    FieldPath::root().key("event").at(*i).key("name"),
                    format!(
                        "overlaps event `{}` (event {}) on {}: where both are on, their volume and handle-time factors multiply",
                        b.name,
                        j + 1,
                        shared.join(", ")
                    ),
                ));
            }
        }
    }
    warnings
}
