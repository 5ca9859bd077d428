//! Channels (`[[channel]]`): kind, service-level target, arrivals and opening hours,
//! contact types, chat concurrency stretch, forecast error, announcements, preemption
//! (`docs/model.md` §2–§5).

use super::announce::{Announce, RawAnnounce, RawReaction, channel_announce};
use super::arrivals::{RawArrivals, RawOpen, arrival_rate, opening_hours};
use super::check::{Check, Ctx, check_name};
use super::contact_type::{ChannelDefaults, ContactType, RawType, contact_types, with_type_fields};
use super::dist::dist;
use super::events::Overlay;
use super::kind::ChannelKind;
use super::limits::MAX_CONCURRENCY;
use super::locate::FieldPath;
use super::target::{RawServiceLevel, ServiceTarget, channel_target};
use crate::base::rates::RateFn;
use crate::base::time::format_number;
use serde::Deserialize;

with_type_fields! {
    /// A `[[channel]]` as written; the contact-type fields it gives are the default of its
    /// types.
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct RawChannel {
        pub name: Option<String>,
        pub kind: Option<String>,
        pub service_level: Option<RawServiceLevel>,
        pub arrivals: Option<RawArrivals>,
        ..handle_time_and_patience,
        pub open: Option<RawOpen>,
        pub concurrency_stretch: Option<Vec<f64>>,
        #[serde(default, rename = "type")]
        pub types: Vec<RawType>,
        pub forecast: Option<RawForecast>,
        pub announce: Option<RawAnnounce>,
        pub reaction: Option<RawReaction>,
        pub preemptive: Option<bool>,
        pub cost_per_abandoned: Option<f64>,
        pub handle_time_scale: Option<f64>,
        pub patience_scale: Option<f64>,
        ..what_follows,
    }
}

/// Forecast uncertainty of a channel: gamma multipliers of mean 1 per day and per interval.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawForecast {
    pub day_cv: Option<f64>,
    pub interval_cv: Option<f64>,
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
    /// What one abandoned contact costs (lost business, in the unit of `cost_per_hour`); 0:
    /// not costed. Reported as `abandon_cost`, beside the cost of agents.
    pub cost_per_abandoned: f64,
}

impl Channel {
    /// The type (index) a contact of type `name` from another channel arrives as here: the
    /// one of the same name, or the only type.
    pub fn type_for(&self, name: &str) -> Option<usize> {
        self.types.iter().position(|t| t.name == name).or((self.types.len() == 1).then_some(0))
    }

    /// Whether the channel is open at time `t` (s).
    pub fn is_open(&self, t: f64) -> bool {
        self.open.iter().any(|&(a, b)| t >= a && t < b)
    }

    /// Handle-time factor when an agent holds `n ≥ 1` chats (1 for other channels).
    pub fn stretch_for(&self, n: usize) -> f64 {
        self.stretch.get(n.saturating_sub(1)).copied().unwrap_or(1.0)
    }
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

/// One channel written at `p` (`channel_names`: every channel's name, for returns), or
/// `None` with its problems reported.
pub(crate) fn channel(
    ck: &mut Check,
    ctx: &Ctx,
    p: &FieldPath,
    rc: &RawChannel,
    channel_names: &[&str],
) -> Option<Channel> {
    let before = ck.count();
    if let Some(name) = ck.required(p, "name", &rc.name, "every channel needs name = \"…\"") {
        check_name(ck, &p.key("name"), name, 100);
    }
    let kind_text = ck.required(p, "kind", &rc.kind, &format!("every channel needs kind = {}", ChannelKind::ALLOWED));
    let kind = kind_text.and_then(|k| {
        ChannelKind::parse(k).or_else(|| {
            ck.err(p.key("kind"), format!("`{k}` is not a channel kind; use {}", ChannelKind::ALLOWED));
            None
        })
    });
    let kind_name = kind_text.map_or("these", String::as_str);
    let sl = ck.required(p, "service_level", &rc.service_level, "service_level = { target = 0.8, within = \"20s\" }");
    let (target, short_abandon) = channel_target(ck, p, sl);
    let live = kind.is_none_or(|k| k.is_live());
    let types = channel_types(ck, p, rc, channel_names, live, kind_name);
    let (open_days, open) = opening_hours(ck, ctx, p, rc.open.as_ref());
    let stretch = stretch(ck, p, rc.concurrency_stretch.as_deref(), kind);
    let raw_arrivals =
        ck.required(p, "arrivals", &rc.arrivals, "arrivals = { per_hour = 120 } (or per_interval, per_day)");
    let arrivals = match raw_arrivals {
        Some(a) if ctx.usable => arrival_rate(ck, ctx, &p.key("arrivals"), a, live, &open_days),
        _ => None,
    };
    if ck.count() > before {
        return None;
    }
    let forecast = rc.forecast.as_ref().map(|f| forecast(ck, &p.key("forecast"), f)).unwrap_or_default();
    let announce = channel_announce(ck, p, (rc.announce.as_ref(), rc.reaction.as_ref(), rc.preemptive), kind, &types);
    if ck.count() > before {
        return None;
    }
    Some(Channel {
        name: rc.name.clone()?,
        kind: kind?,
        target: target?,
        short_abandon,
        arrivals: arrivals?,
        types,
        open,
        stretch,
        forecast,
        overlay: None,
        announce,
        preemptive: preemptive(ck, p, rc.preemptive, kind?),
        receives_repeats: false,
        cost_per_abandoned: cost_per_abandoned(ck, p, rc.cost_per_abandoned, kind?),
    })
}

/// The contact types of a channel: the channel's own handle time and patience are checked
/// once, whether or not a type uses them.
fn channel_types(
    ck: &mut Check,
    p: &FieldPath,
    rc: &RawChannel,
    channel_names: &[&str],
    live: bool,
    kind_name: &str,
) -> Vec<ContactType> {
    if !live && rc.patience.is_some() {
        ck.err(p.key("patience"), format!("{kind_name} contacts never abandon; remove patience"));
    }
    let handle = rc.handle_time.as_ref().and_then(|d| dist(ck, &p.key("handle_time"), d));
    let patience = if live { rc.patience.as_ref().and_then(|d| dist(ck, &p.key("patience"), d)) } else { None };
    let defaults = ChannelDefaults { fields: rc.type_fields(p), handle, patience, channel_names, live, kind_name };
    let mut types = contact_types(ck, p, &rc.types, &defaults);
    let handle_scale = what_if_factor(ck, p, "handle_time_scale", rc.handle_time_scale);
    let patience_scale = what_if_factor(ck, p, "patience_scale", rc.patience_scale);
    if rc.patience_scale.is_some() && !live {
        ck.err(p.key("patience_scale"), format!("{kind_name} contacts never abandon; remove patience_scale"));
    }
    for t in &mut types {
        t.handle_time = t.handle_time.scaled(handle_scale);
        t.patience = t.patience.as_ref().map(|d| d.scaled(patience_scale));
    }
    types
}

/// A what-if factor of the channel (`handle_time_scale = 1.1`: every agent handle time of
/// its types 10 % longer; `patience_scale`): from above 0 to 100; 1 when absent.
fn what_if_factor(ck: &mut Check, p: &FieldPath, key: &str, v: Option<f64>) -> f64 {
    match v {
        None => 1.0,
        Some(x) if x.is_finite() && x > 0.0 && x <= 100.0 => x,
        Some(x) => {
            ck.err(
                p.key(key),
                format!("must be a factor above 0 and at most 100 (1.1 is 10 % longer), got {}", format_number(x)),
            );
            1.0
        }
    }
}

/// `concurrency_stretch = [..]` (chat only): the handle-time factor per chat held.
fn stretch(ck: &mut Check, p: &FieldPath, s: Option<&[f64]>, kind: Option<ChannelKind>) -> Vec<f64> {
    let Some(s) = s else { return vec![1.0] };
    let sp = p.key("concurrency_stretch");
    if kind.is_some_and(|k| k != ChannelKind::Chat) {
        ck.err(sp, "only chat channels have concurrency; remove it");
    } else if s.is_empty() || s.len() > MAX_CONCURRENCY as usize {
        ck.err(sp, format!("needs 1 to {MAX_CONCURRENCY} factors (one per chat held), got {}", s.len()));
    } else if let Some(x) = s.iter().find(|x| !(x.is_finite() && **x > 0.0 && **x <= 100.0)) {
        ck.err(sp, format!("factors must be > 0 and ≤ 100, got {}", format_number(*x)));
    } else {
        return s.to_vec();
    }
    vec![1.0]
}

/// `forecast = { day_cv, interval_cv }` at `fp`.
fn forecast(ck: &mut Check, fp: &FieldPath, f: &RawForecast) -> Forecast {
    let mut forecast = Forecast::default();
    for (key, v, slot) in
        [("day_cv", f.day_cv, &mut forecast.day_cv), ("interval_cv", f.interval_cv, &mut forecast.interval_cv)]
    {
        match v {
            None => {}
            Some(x) if x.is_finite() && (0.0..=3.0).contains(&x) => *slot = x,
            Some(x) => ck.err(
                fp.key(key),
                format!("must be a coefficient of variation from 0 to 3 (0.1 is ±10 %), got {}", format_number(x)),
            ),
        }
    }
    if f.day_cv.is_none() && f.interval_cv.is_none() {
        ck.err(fp.clone(), "is empty: give day_cv = 0.1 (day-to-day forecast error) and/or interval_cv");
    }
    forecast
}

/// `cost_per_abandoned = 5.0` on a channel: a cost ≥ 0 per abandoned contact, live channels
/// only (deferred contacts never abandon).
fn cost_per_abandoned(ck: &mut Check, p: &FieldPath, cost: Option<f64>, kind: ChannelKind) -> f64 {
    let Some(x) = cost else { return 0.0 };
    if !kind.is_live() {
        ck.err(
            p.key("cost_per_abandoned"),
            format!("{} contacts never abandon; remove cost_per_abandoned", kind.name()),
        );
        0.0
    } else if !(x.is_finite() && x >= 0.0) {
        ck.err(
            p.key("cost_per_abandoned"),
            format!("must be a cost ≥ 0 per abandoned contact, got {}", format_number(x)),
        );
        0.0
    } else {
        x
    }
}

/// `preemptive = true` on a channel: live channels only.
fn preemptive(ck: &mut Check, p: &FieldPath, preemptive: Option<bool>, kind: ChannelKind) -> bool {
    let on = preemptive.unwrap_or(false);
    if on && !kind.is_live() {
        ck.err(
            p.key("preemptive"),
            format!("{} contacts are not answered live; preemption is for voice and chat", kind.name()),
        );
    }
    on && kind.is_live()
}

/// Each return to another channel needs a type there to arrive as: one of the same name,
/// or the channel's only type. `typed[c]`: channel c has written types (problems are then
/// at the type).
pub(crate) fn return_types(ck: &mut Check, root: &FieldPath, typed: &[bool], channels: &[Channel]) {
    for (c, ch) in channels.iter().enumerate() {
        for (t, ty) in ch.types.iter().enumerate() {
            let Some(r) = &ty.resolution.returns else { continue };
            for &(d, _) in &r.to {
                if channels[d].type_for(&ty.name).is_some() {
                    continue;
                }
                let p = if typed[c] { root.key("channel").at(c).key("type").at(t) } else { root.key("channel").at(c) };
                let names: Vec<&str> = channels[d].types.iter().map(|x| x.name.as_str()).collect();
                ck.err(
                    p.key("returns").key("to").key(&channels[d].name),
                    format!(
                        "channel `{}` has no type `{}` for these customers to come back as (its types are {}); add one, or return them elsewhere",
                        channels[d].name,
                        ty.name,
                        names.join(", ")
                    ),
                );
            }
        }
    }
}
