//! Validation: raw scenario → checked [`Scenario`], or every problem with its field path.

use super::build;
use super::limits::*;
use super::locate::FieldPath;
use super::raw::*;
use super::*;
use crate::Error;
use crate::base::time::{Seconds, format_clock, format_duration, format_number, format_when};
use std::collections::{HashMap, HashSet};

type Errors = Vec<(FieldPath, String)>;

/// Collects problems so that one run reports all of them.
#[derive(Default)]
struct Check {
    errors: Errors,
}

impl Check {
    fn err(&mut self, path: FieldPath, msg: impl Into<String>) {
        self.errors.push((path, msg.into()));
    }

    /// A required field: its value, or a problem at its place (the table that should hold
    /// it) saying what it must be.
    fn required<'a, T>(&mut self, p: &FieldPath, key: &str, v: &'a Option<T>, what: &str) -> Option<&'a T> {
        if v.is_none() {
            self.err(p.key(key), format!("is missing: {what}"));
        }
        v.as_ref()
    }
}

/// Checks a name: not empty, at most `max` characters, no control characters (they would
/// be echoed raw into tables and break Markdown rows).
fn check_name(ck: &mut Check, p: &FieldPath, name: &str, max: usize) {
    if name.trim().is_empty() {
        ck.err(p.clone(), "must not be empty");
    } else if name.chars().count() > max {
        ck.err(p.clone(), format!("must be at most {max} characters, got {}", name.chars().count()));
    }
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        ck.err(
            p.clone(),
            format!("contains the control character U+{:04X}; names are printable text (letters, digits, spaces, punctuation)", c as u32),
        );
    }
}

/// A name as written, or "" when it is missing (the missing field is reported once).
fn name_of(name: &Option<String>) -> &str {
    name.as_deref().unwrap_or("")
}

/// Checks a raw scenario: the checked scenario and its warnings (plans that are legal but
/// almost certainly mistakes), or every problem.
pub(super) fn validate(raw: RawScenario) -> Result<(Scenario, Errors), Errors> {
    let mut ck = Check::default();
    let root = FieldPath::root();

    if let Some(name) = ck.required(&root, "name", &raw.name, "name = \"…\", the scenario's name") {
        check_name(&mut ck, &root.key("name"), name, 200);
    }
    let seed = raw.seed.unwrap_or(1);
    let replications = match raw.replications {
        None => 10,
        Some(r) if (1..=MAX_REPLICATIONS).contains(&r) => r as u32,
        Some(r) => {
            ck.err(root.key("replications"), format!("must be from 1 to {MAX_REPLICATIONS}, got {r}"));
            1
        }
    };

    let mut horizon_ok = true;
    let horizon = match ck.required(&root, "horizon", &raw.horizon, "horizon = \"24h\", how long arrivals come") {
        Some(h) => h.0,
        None => {
            horizon_ok = false;
            DAY
        }
    };
    if horizon_ok && (horizon <= 0.0 || horizon > MAX_HORIZON_DAYS * DAY) {
        ck.err(
            root.key("horizon"),
            format!("must be longer than 0 and at most {MAX_HORIZON_DAYS} days, got {}", format_duration(horizon)),
        );
        horizon_ok = false;
    }
    let interval = raw.interval.map_or(1800.0, |s| s.0);
    let mut n_intervals = 1usize;
    if interval < 1.0 {
        ck.err(root.key("interval"), format!("must be at least 1 s, got {interval} s"));
        horizon_ok = false;
    } else if horizon_ok {
        let n = horizon / interval;
        if (n - n.round()).abs() > 1e-9 * n.max(1.0) || n.round() < 1.0 {
            ck.err(
                root.key("interval"),
                format!(
                    "must divide the horizon ({}) into whole intervals; {} does not",
                    format_duration(horizon),
                    format_duration(interval)
                ),
            );
            horizon_ok = false;
        } else if n.round() as usize > MAX_INTERVALS {
            ck.err(
                root.key("interval"),
                format!("gives {} intervals over the horizon; at most {MAX_INTERVALS} are allowed", n.round()),
            );
            horizon_ok = false;
        } else {
            n_intervals = n.round() as usize;
        }
    }
    let warmup = raw.warmup.map_or(0.0, |s| s.0);
    if horizon_ok {
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
    let routing = match &raw.routing {
        None => Routing { policy: RoutingPolicy::Preference, live_first: true, aging_per_minute: 0.0 },
        Some(r) => Routing {
            policy: match &r.policy {
                None => RoutingPolicy::Preference,
                Some(p) => RoutingPolicy::parse(p).unwrap_or_else(|| {
                    ck.err(
                        root.key("routing").key("policy"),
                        format!("`{p}` is not a policy; use {}", RoutingPolicy::ALLOWED),
                    );
                    RoutingPolicy::Preference
                }),
            },
            live_first: r.live_first.unwrap_or(true),
            aging_per_minute: 0.0,
        },
    };
    let mut routing = routing;
    if let Some(r) = &raw.routing {
        let rp = root.key("routing");
        match (routing.policy, r.aging_per_minute) {
            (RoutingPolicy::Aging, None) => ck.err(
                rp.clone(),
                "policy = \"aging\" needs aging_per_minute = 1.0, the priority levels a contact gains per minute waited",
            ),
            (RoutingPolicy::Aging, Some(x)) if !(x.is_finite() && x > 0.0 && x <= 1e9) => ck.err(
                rp.key("aging_per_minute"),
                format!("must be above 0 (levels gained per minute waited), got {}", format_number(x)),
            ),
            (RoutingPolicy::Aging, Some(x)) => routing.aging_per_minute = x,
            (_, Some(_)) => ck.err(rp.key("aging_per_minute"), "is used only with policy = \"aging\""),
            (_, None) => {}
        }
    }

    let ctx = Ctx { horizon, interval, n_intervals, start_day, usable: horizon_ok };

    // Channels.
    if raw.channel.is_empty() {
        ck.err(root.key("channel"), "a scenario needs at least one [[channel]]");
    }
    if raw.channel.len() > MAX_CHANNELS {
        ck.err(root.key("channel"), format!("at most {MAX_CHANNELS} channels, got {}", raw.channel.len()));
    }
    let mut channels = Vec::new();
    let mut names = HashSet::new();
    let all_names: Vec<&str> = raw.channel.iter().map(|c| name_of(&c.name)).collect();
    for (i, rc) in raw.channel.iter().enumerate() {
        let p = root.key("channel").at(i);
        if rc.name.is_some() && !names.insert(name_of(&rc.name)) {
            ck.err(p.key("name"), format!("channel name `{}` is used twice", name_of(&rc.name)));
        }
        if let Some(c) = channel(&mut ck, &ctx, &p, rc, &all_names) {
            channels.push(c);
        }
    }
    let channel_names: Vec<&str> = raw.channel.iter().map(|c| name_of(&c.name)).collect();
    if ck.errors.is_empty() && channels.len() == raw.channel.len() {
        return_types(&mut ck, &root, &raw.channel, &channels);
        for c in 0..channels.len() {
            let ch = &channels[c];
            let redials = ch.types.iter().any(|t| t.resolution.redial.is_some());
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

    // Agent groups.
    if raw.agents.is_empty() {
        ck.err(root.key("agents"), "a scenario needs at least one [[agents]] group");
    }
    if raw.agents.len() > MAX_GROUPS {
        ck.err(root.key("agents"), format!("at most {MAX_GROUPS} groups, got {}", raw.agents.len()));
    }
    let mut groups = Vec::new();
    let mut gnames = HashSet::new();
    for (g, ra) in raw.agents.iter().enumerate() {
        let p = root.key("agents").at(g);
        if ra.name.is_some() && !gnames.insert(name_of(&ra.name)) {
            ck.err(p.key("name"), format!("group name `{}` is used twice", name_of(&ra.name)));
        }
        if let Some(grp) = group(&mut ck, &ctx, &p, ra, &raw.channel, &channel_names) {
            groups.push(grp);
        }
    }

    let segments = segments(&mut ck, &root, &raw.segment, &raw.agents, &raw.channel);
    let (events, event_warnings) =
        if ctx.usable { demand_events(&mut ck, &ctx, &raw.event, &channel_names) } else { (Vec::new(), Vec::new()) };
    if ck.errors.is_empty() && channels.len() == raw.channel.len() {
        for (c, ch) in channels.iter_mut().enumerate() {
            let mine: Vec<&DemandEvent> = events.iter().filter(|e| e.channels.contains(&c)).collect();
            if !mine.is_empty() {
                let open = ch.kind.is_live().then_some(ch.open.as_slice());
                ch.overlay = Some(build::overlay(&ch.arrivals, &mine, open, horizon));
            }
        }
    }

    if ck.errors.is_empty() {
        cross_checks(&mut ck, &channels, &groups, horizon);
        let cells = n_intervals * (channels.len() + groups.len() * (1 + channels.len()));
        if cells > MAX_RESULT_CELLS {
            ck.err(
                root.key("interval"),
                format!(
                    "{n_intervals} intervals × {} channels and {} groups make {cells} result cells, more than the {MAX_RESULT_CELLS} one run keeps; use a longer interval or a shorter horizon",
                    channels.len(),
                    groups.len()
                ),
            );
        }
    }
    if let Some(sw) = &raw.sweep {
        let sp = root.key("sweep");
        let set = sw.set.as_deref().unwrap_or_default();
        if set.is_empty() {
            ck.err(sp.key("set"), "is missing or empty: list axes such as set = [\"agents.team.staff=40..=46\"]");
        }
        let mut lens = Vec::new();
        for (i, axis) in set.iter().enumerate() {
            match super::Axis::parse(axis) {
                Ok(a) => lens.push(a.values.len()),
                Err(e) => ck.err(sp.key("set").at(i), e.to_string().replacen(&format!("--set {axis}: "), "", 1)),
            }
        }
        let variants = if sw.zip.unwrap_or(false) {
            lens.first().copied().unwrap_or(0)
        } else {
            lens.iter().try_fold(1usize, |a, &n| a.checked_mul(n)).unwrap_or(usize::MAX)
        };
        if let Some(b) = sw.baseline
            && !lens.is_empty()
            && b as usize >= variants
        {
            ck.err(
                sp.key("baseline"),
                format!("is {b}, but the sweep has {variants} variants (0 to {})", variants.saturating_sub(1)),
            );
        }
    }
    if !ck.errors.is_empty() {
        return Err(ck.errors);
    }
    let mut warnings = plan_warnings(&raw, &channels, &groups, &ctx);
    warnings.extend(event_warnings);
    let saved_sweep = raw.sweep.as_ref().map(|sw| SavedSweep {
        set: sw.set.clone().unwrap_or_default(),
        zip: sw.zip.unwrap_or(false),
        baseline: sw.baseline.unwrap_or(0) as usize,
    });
    Ok((
        Scenario {
            name: raw.name.unwrap_or_default(),
            description: raw.description,
            seed,
            replications,
            horizon,
            interval,
            warmup,
            start_day,
            routing,
            channels,
            groups,
            source: Default::default(),
            warnings: Vec::new(),
            saved_sweep,
            events,
            segments,
        },
        warnings,
    ))
}

/// The events calendar: every `[[event]]` checked, and warnings for events that overlap
/// on a channel (allowed: their effects multiply, but worth saying).
fn demand_events(ck: &mut Check, ctx: &Ctx, raw: &[RawEvent], channel_names: &[&str]) -> (Vec<DemandEvent>, Errors) {
    let root = FieldPath::root();
    let mut out: Vec<(usize, DemandEvent)> = Vec::new();
    let mut names = HashSet::new();
    for (i, re) in raw.iter().enumerate() {
        let p = root.key("event").at(i);
        let before = ck.errors.len();
        if let Some(n) = ck.required(&p, "name", &re.name, "every event needs name = \"…\", such as \"TV advert\"") {
            check_name(ck, &p.key("name"), n, 100);
            if !names.insert(n.as_str()) {
                ck.err(p.key("name"), format!("event name `{n}` is used twice"));
            }
        }
        let channels: Vec<usize> = match &re.channels {
            None => (0..channel_names.len()).collect(),
            Some(list) => {
                if list.is_empty() {
                    ck.err(
                        p.key("channels"),
                        "is empty; list channels such as [\"phone\"] or leave it out for every channel",
                    );
                }
                let mut v = Vec::new();
                for (j, name) in list.iter().enumerate() {
                    match channel_names.iter().position(|c| c == name) {
                        Some(c) if v.contains(&c) => {
                            ck.err(p.key("channels").at(j), format!("`{name}` is listed twice"))
                        }
                        Some(c) => v.push(c),
                        None => ck.err(
                            p.key("channels").at(j),
                            format!("no channel is called `{name}`; the channels are: {}", channel_names.join(", ")),
                        ),
                    }
                }
                v
            }
        };
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
        if ck.errors.len() == before && windows.is_empty() {
            ck.err(
                p.key("days"),
                format!("no such day in the horizon ({}): the event would never happen", format_duration(horizon)),
            );
        }
        let factor = |ck: &mut Check, key: &str, v: Option<f64>, default: f64, lo_ok: bool| -> f64 {
            match v {
                None => default,
                Some(x) if x.is_finite() && (x > 0.0 || (lo_ok && x == 0.0)) && x <= 100.0 => x,
                Some(x) => {
                    let lo = if lo_ok { "≥ 0" } else { "> 0" };
                    ck.err(p.key(key), format!("must be a factor {lo} and ≤ 100, got {}", format_number(x)));
                    default
                }
            }
        };
        let volume = factor(ck, "volume", re.volume, 1.0, true);
        let handle = factor(ck, "handle_time", re.handle_time, 1.0, false);
        let add = match re.add {
            None => 0.0,
            Some(x) if x.is_finite() && (0.0..=1e7).contains(&x) => x,
            Some(x) => {
                ck.err(
                    p.key("add"),
                    format!("must be a number of contacts ≥ 0 (per window), got {}", format_number(x)),
                );
                0.0
            }
        };
        if re.volume.is_none() && re.add.is_none() && re.handle_time.is_none() {
            ck.err(p.clone(), "changes nothing: give volume = 2.0 (a multiplier), add = 300 (contacts per window) or handle_time = 1.2");
        }
        if ck.errors.len() == before {
            out.push((
                i,
                DemandEvent { name: re.name.clone().unwrap_or_default(), channels, windows, volume, add, handle },
            ));
        }
    }
    let mut warnings = Vec::new();
    for (x, (i, a)) in out.iter().enumerate() {
        for (j, b) in out[..x].iter().map(|(j, b)| (*j, b)) {
            let shared: Vec<&str> =
                a.channels.iter().filter(|c| b.channels.contains(c)).map(|&c| channel_names[c]).collect();
            let overlap = a.windows.iter().any(|w| b.windows.iter().any(|v| w.0 < v.1 && v.0 < w.1));
            if !shared.is_empty() && overlap {
                warnings.push((
                    root.key("event").at(*i).key("name"),
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
    (out.into_iter().map(|x| x.1).collect(), warnings)
}

/// Plans that are legal but almost certainly mistakes, each at the field to look at.
fn plan_warnings(raw: &RawScenario, channels: &[Channel], groups: &[AgentGroup], ctx: &Ctx) -> Errors {
    let mut w = Check::default();
    let root = FieldPath::root();
    let horizon = ctx.horizon;
    if channels.iter().all(|c| c.arrivals.expected(0.0, horizon) <= 0.0) {
        w.err(
            root.key("channel"),
            "no channel receives any contact: every volume is zero, so there is nothing to simulate",
        );
    }
    for (c, ch) in channels.iter().enumerate() {
        let p = root.key("channel").at(c);
        let servers: Vec<&AgentGroup> = groups.iter().filter(|g| g.skills.iter().any(|s| s.channel == c)).collect();
        let staffed = |a: f64, b: f64| servers.iter().any(|g| g.headcount.agent_seconds(a, b) > 0.0);
        // Per interval in one pass each: expected arrivals and scheduled agent time.
        let n = ctx.n_intervals;
        let expected_in = crate::base::steps::per_interval(ch.arrivals.segments(), n, ctx.interval, horizon);
        let mut staffed_in = vec![0.0; n];
        for g in &servers {
            let ends = g.headcount.steps.iter().skip(1).map(|x| x.0).chain(std::iter::once(horizon));
            let segs = g.headcount.steps.iter().zip(ends).map(|(&(s, k), e)| (s, e, f64::from(k)));
            for (x, y) in staffed_in.iter_mut().zip(crate::base::steps::per_interval(segs, n, ctx.interval, horizon)) {
                *x += y;
            }
        }
        let rc = &raw.channel[c];
        let at = if rc.open.is_some() { p.key("open") } else { p.key("arrivals") };
        if ch.kind.is_live() {
            // Intervals with arrivals while nobody who could answer them is scheduled.
            let (mut count, mut contacts, mut first) = (0usize, 0.0, None);
            for i in 0..n {
                let expected = expected_in[i];
                if expected > 0.0 && staffed_in[i] <= 0.0 {
                    count += 1;
                    contacts += expected;
                    first.get_or_insert(i as f64 * ctx.interval);
                }
            }
            if let Some(first) = first {
                w.err(
                    at,
                    format!(
                        "`{}` receives about {} contacts in {count} interval(s) when no group serving it is scheduled (the first at {}); they can only wait or abandon — check the shifts against the opening hours",
                        ch.name,
                        format_number(contacts.round()),
                        ctx.when(first)
                    ),
                );
            }
        } else if ch.arrivals.expected(0.0, horizon) > 0.0 && !ch.open.iter().any(|&(a, b)| staffed(a, b)) {
            w.err(
                at,
                format!("`{}` receives contacts but no group serving it is scheduled while it is open: its work is never done", ch.name),
            );
        }
        if ch.target.within == 0.0 {
            w.err(
                p.key("service_level").key("within"),
                "is 0 s: only contacts answered at once count as within the target; did you mean a threshold such as \"20s\"?",
            );
        }
        if ch.short_abandon > 0.0 && ch.short_abandon >= ch.target.within {
            w.err(
                p.key("service_level").key("short_abandon"),
                format!(
                    "({}) is not below `within` ({}): every contact abandoning before the threshold leaves the service level, so abandoning hides misses",
                    format_duration(ch.short_abandon),
                    format_duration(ch.target.within)
                ),
            );
        }
    }
    for (g, grp) in groups.iter().enumerate() {
        if grp.shrinkage >= 0.6 {
            w.err(
                root.key("agents").at(g).key("shrinkage"),
                format!(
                    "is {}: only {} % of scheduled time is left for contacts (typical shrinkage is 0.2 to 0.4)",
                    format_number(grp.shrinkage),
                    format_number((100.0 * (1.0 - grp.shrinkage) * 10.0).round() / 10.0)
                ),
            );
        }
    }
    w.errors
}

/// What channel and group checks need to know about the time axis.
struct Ctx {
    horizon: f64,
    interval: f64,
    n_intervals: usize,
    start_day: Weekday,
    /// Horizon and interval are valid (otherwise per-interval checks are skipped).
    usable: bool,
}

impl Ctx {
    fn days(&self) -> usize {
        (self.horizon / DAY).ceil() as usize
    }
    fn whole_days(&self) -> bool {
        let d = self.horizon / DAY;
        (d - d.round()).abs() < 1e-9 && d >= 1.0
    }
    fn per_day(&self) -> Option<usize> {
        let n = DAY / self.interval;
        ((n - n.round()).abs() < 1e-9).then(|| n.round() as usize)
    }
    fn weekday_at(&self, t: f64) -> Weekday {
        self.start_day.plus((t / DAY).floor() as usize)
    }
    /// Where an interval starts, for messages: "Tue 08:30".
    fn when(&self, t: f64) -> String {
        format_when(t, self.start_day)
    }

    /// Checks the length of a per-interval list: either the whole horizon or one day
    /// (repeated every day). Returns the value for every interval of the horizon.
    fn expand(&self, ck: &mut Check, p: &FieldPath, values: &[f64]) -> Option<Vec<f64>> {
        if values.is_empty() {
            ck.err(p.clone(), "is empty; give one value per planning interval");
            return None;
        }
        if values.len() == self.n_intervals {
            return Some(values.to_vec());
        }
        let per_day = self.per_day();
        if let Some(pd) = per_day
            && self.whole_days()
            && values.len() == pd
        {
            return Some((0..self.n_intervals).map(|i| values[i % pd]).collect());
        }
        let mut allowed =
            format!("{} (one per {} interval of the horizon)", self.n_intervals, format_duration(self.interval));
        if let (Some(pd), true) = (per_day, self.whole_days() && self.n_intervals != per_day.unwrap_or(0)) {
            allowed.push_str(&format!(" or {pd} (one day, repeated daily)"));
        }
        ck.err(p.clone(), format!("has {} values; expected {allowed}", values.len()));
        None
    }
}

fn channel(ck: &mut Check, ctx: &Ctx, p: &FieldPath, rc: &RawChannel, channel_names: &[&str]) -> Option<Channel> {
    let before = ck.errors.len();
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
    let slp = p.key("service_level");
    let sl = ck.required(p, "service_level", &rc.service_level, "service_level = { target = 0.8, within = \"20s\" }");
    let target = sl.and_then(|sl| ck.required(&slp, "target", &sl.target, "target = 0.8, a share in (0, 1]")).copied();
    let within =
        sl.and_then(|sl| ck.required(&slp, "within", &sl.within, "within = \"20s\", the threshold")).map(|w| w.0);
    if let Some(t) = target
        && !(t > 0.0 && t <= 1.0)
    {
        ck.err(slp.key("target"), format!("must be a share in (0, 1], such as 0.8; got {}", format_number(t)));
    } else if let Some(t) = target
        && t < 0.01
    {
        ck.err(
            slp.key("target"),
            format!(
                "is {}: a target below 1 % means nothing; use a share from 0.01 to 1, such as 0.8",
                format_number(t)
            ),
        );
    }
    let short_abandon = sl.and_then(|sl| sl.short_abandon).map_or(0.0, |s| s.0);

    // Contact types (a channel without [[channel.type]] has one type, "all"). The
    // channel's own handle time and patience are checked once, whether or not a type
    // uses them.
    let mut types = Vec::new();
    let live = kind.is_none_or(|k| k.is_live());
    if !live && rc.patience.is_some() {
        ck.err(p.key("patience"), format!("{kind_name} contacts never abandon; remove patience"));
    }
    let chan_handle: Option<Option<Dist>> = rc.handle_time.as_ref().map(|d| dist(ck, &p.key("handle_time"), d));
    let chan_patience: Option<Option<Dist>> =
        if live { rc.patience.as_ref().map(|d| dist(ck, &p.key("patience"), d)) } else { None };
    if rc.types.is_empty() {
        if rc.handle_time.is_none() {
            ck.err(p.key("handle_time"), "is required (or give every [[channel.type]] its own handle_time)");
        }
        let handle = chan_handle.clone().flatten();
        let patience = chan_patience.clone().flatten();
        let (resolution, deflect) = resolution(ck, &Follow::of_channel(p, rc), None, channel_names, live);
        let assistant = assistant(ck, &Follow::of_channel(p, rc), None, &resolution);
        if let Some(handle_time) = handle {
            types.push(ContactType {
                name: "all".into(),
                share: 1.0,
                priority: 1,
                handle_time,
                patience,
                service_level: None,
                deflect,
                resolution,
                assistant,
            });
        }
    } else {
        if rc.types.len() > MAX_TYPES {
            ck.err(p.key("type"), format!("at most {MAX_TYPES} types, got {}", rc.types.len()));
        }
        let mut tnames = HashSet::new();
        let mut sum = 0.0;
        for (j, rt) in rc.types.iter().enumerate() {
            let tp = p.key("type").at(j);
            if let Some(name) = ck.required(&tp, "name", &rt.name, "every type needs name = \"…\"") {
                check_name(ck, &tp.key("name"), name, 100);
                if !tnames.insert(name.as_str()) {
                    ck.err(tp.key("name"), format!("type name `{name}` is used twice in this channel"));
                }
            }
            let share = ck.required(&tp, "share", &rt.share, "share = 0.3, the type's share of arrivals").copied();
            if let Some(share) = share
                && !(share > 0.0 && share <= 1.0)
            {
                ck.err(tp.key("share"), format!("must be a share in (0, 1], got {}", format_number(share)));
            }
            sum += share.unwrap_or(0.0);
            let priority = match rt.priority {
                None => 1,
                Some(x) if (1..=i64::from(MAX_PRIORITY)).contains(&x) => x as u32,
                Some(x) => {
                    ck.err(tp.key("priority"), format!("must be from 1 (most urgent) to {MAX_PRIORITY}, got {x}"));
                    1
                }
            };
            if rt.handle_time.is_none() && rc.handle_time.is_none() {
                ck.err(tp.key("handle_time"), "is required here or on the channel");
            }
            if !live && rt.patience.is_some() {
                ck.err(tp.key("patience"), format!("{kind_name} contacts never abandon; remove patience"));
            }
            let handle = match &rt.handle_time {
                Some(d) => dist(ck, &tp.key("handle_time"), d),
                None => chan_handle.clone().flatten(),
            };
            let patience = match (&rt.patience, live) {
                (Some(d), true) => dist(ck, &tp.key("patience"), d),
                (None, true) => chan_patience.clone().flatten(),
                (_, false) => None,
            };
            let service_level = rt.service_level.as_ref().and_then(|sl| own_target(ck, &tp.key("service_level"), sl));
            let (resolution, deflect) =
                resolution(ck, &Follow::of_type(&tp, rt), Some(&Follow::of_channel(p, rc)), channel_names, live);
            let assistant = assistant(ck, &Follow::of_type(&tp, rt), Some(&Follow::of_channel(p, rc)), &resolution);
            if let (Some(handle_time), Some(name), Some(share)) = (handle, &rt.name, share) {
                types.push(ContactType {
                    name: name.clone(),
                    share,
                    priority,
                    handle_time,
                    patience,
                    service_level,
                    deflect,
                    resolution,
                    assistant,
                });
            }
        }
        if rc.types.iter().all(|t| t.share.is_some()) {
            shares_add_up(ck, &p.key("type"), "type", sum);
        }
    }

    // Opening hours: whole days for spreading volumes, cut at the horizon for the engine.
    let open_days = match (&rc.open, ctx.usable) {
        (None, _) => vec![(0.0, ctx.days() as f64 * DAY)],
        (Some(o), true) => open_windows(ck, ctx, &p.key("open"), o),
        (Some(_), false) => vec![],
    };
    let open: Vec<(f64, f64)> =
        open_days.iter().filter(|w| w.0 < ctx.horizon).map(|&(a, b)| (a, b.min(ctx.horizon))).collect();

    // Concurrency stretch (chat only).
    let mut stretch = vec![1.0];
    if let Some(s) = &rc.concurrency_stretch {
        let sp = p.key("concurrency_stretch");
        if kind.is_some_and(|k| k != ChannelKind::Chat) {
            ck.err(sp.clone(), "only chat channels have concurrency; remove it");
        } else if s.is_empty() || s.len() > MAX_CONCURRENCY as usize {
            ck.err(sp.clone(), format!("needs 1 to {MAX_CONCURRENCY} factors (one per chat held), got {}", s.len()));
        } else if let Some(x) = s.iter().find(|x| !(x.is_finite() && **x > 0.0 && **x <= 100.0)) {
            ck.err(sp.clone(), format!("factors must be > 0 and ≤ 100, got {}", format_number(*x)));
        } else {
            stretch = s.clone();
        }
    }

    let raw_arrivals =
        ck.required(p, "arrivals", &rc.arrivals, "arrivals = { per_hour = 120 } (or per_interval, per_day)");
    let arrivals = match raw_arrivals {
        Some(a) if ctx.usable => arrival_rate(ck, ctx, &p.key("arrivals"), a, live, &open_days),
        _ => None,
    };

    if ck.errors.len() > before {
        return None;
    }
    let mut forecast = Forecast::default();
    if let Some(f) = &rc.forecast {
        let fp = p.key("forecast");
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
            ck.err(fp, "is empty: give day_cv = 0.1 (day-to-day forecast error) and/or interval_cv");
        }
    }
    let announce = rc.announce.as_ref().and_then(|a| announce(ck, &p.key("announce"), a, kind?, &types));
    let reaction = rc.reaction.as_ref().and_then(|r| reaction(ck, &p.key("reaction"), r));
    if rc.reaction.is_some() && rc.announce.is_none() {
        ck.err(
            p.key("reaction"),
            "has no effect without [channel.announce]: nobody is told a wait; to compare with telling nothing, keep the reaction and set announce = { predictor = \"none\" }",
        );
    }
    let announce = announce.map(|a| Announce { reaction: reaction.unwrap_or_default(), ..a });
    if rc.preemptive == Some(true) && rc.announce.is_some() {
        ck.err(
            p.key("preemptive"),
            "cannot be combined with [channel.announce] yet: the waiting-time predictors do not model preemption",
        );
    }
    if ck.errors.len() > before {
        return None;
    }
    Some(Channel {
        name: rc.name.clone()?,
        kind: kind?,
        target: ServiceTarget { share: target?, within: within? },
        short_abandon,
        arrivals: arrivals?,
        types,
        open,
        stretch,
        forecast,
        overlay: None,
        announce,
        preemptive: preemptive(ck, p, rc, kind?),
        receives_repeats: false,
    })
}

/// Shortest announcement update period (s): a repeated message shorter than this is not
/// something a caller can hear.
const MIN_UPDATE_S: f64 = 10.0;
/// Largest moving-average window.
const MAX_WINDOW: i64 = 10_000;
/// Most buckets of a bucketed announcement.
const MAX_BUCKETS: usize = 100;

/// Checks `[channel.announce]` of a channel of `kind` with checked `types`.
fn announce(
    ck: &mut Check,
    p: &FieldPath,
    ra: &RawAnnounce,
    kind: ChannelKind,
    types: &[ContactType],
) -> Option<Announce> {
    let before = ck.errors.len();
    if !kind.is_live() {
        ck.err(
            p.clone(),
            format!("{} contacts do not wait on line, so there is nobody to tell a wait; announcements are for voice and chat", kind.name()),
        );
        return None;
    }
    let name = ck.required(p, "predictor", &ra.predictor, &format!("predictor = {}", Predictor::ALLOWED))?;
    let predictor = match name.as_str() {
        "none" => Predictor::None,
        "queue_length" => Predictor::QueueLength,
        "queue_length_abandon" => Predictor::QueueLengthAbandon,
        "last_to_enter_service" => Predictor::LastToEnterService,
        "head_of_line" => Predictor::HeadOfLine,
        "moving_average" => match ra.window {
            None => Predictor::MovingAverage(20),
            Some(n) if (1..=MAX_WINDOW).contains(&n) => Predictor::MovingAverage(n as u32),
            Some(n) => {
                ck.err(
                    p.key("window"),
                    format!("must be a number of answered contacts from 1 to {MAX_WINDOW}, got {n}"),
                );
                Predictor::None
            }
        },
        other => {
            ck.err(p.key("predictor"), format!("`{other}` is not a predictor; use {}", Predictor::ALLOWED));
            Predictor::None
        }
    };
    if ra.window.is_some() && name != "moving_average" {
        ck.err(
            p.key("window"),
            format!("is the window of predictor = \"moving_average\"; predictor = \"{name}\" has none"),
        );
    }
    if predictor == Predictor::QueueLengthAbandon {
        if let Some(t) = types.iter().find(|t| !t.patience.as_ref().is_some_and(Dist::is_exponential)) {
            ck.err(
                p.key("predictor"),
                format!(
                    "queue_length_abandon assumes exponential patience, but {} {}; give patience = {{ dist = \"exponential\", mean = \"3m\" }} or use queue_length",
                    if types.len() == 1 { "the channel's patience".to_string() } else { format!("type `{}`'s patience", t.name) },
                    if t.patience.is_some() { "is not exponential" } else { "is missing (its contacts never abandon)" }
                ),
            );
        }
    }
    let update = ra.update.map(|u| u.0);
    if let Some(u) = update
        && u < MIN_UPDATE_S
    {
        ck.err(
            p.key("update"),
            format!("must be at least {MIN_UPDATE_S} s (a message repeated more often cannot be heard), got {}; leave it out for no updates", format_duration(u)),
        );
    }
    // Announced waits are minutes, not days: a duration above a day is a typing error (and
    // would hold callers on line for days through the patience floor).
    at_most_a_day(
        ck,
        p,
        &[("threshold", ra.threshold), ("step", ra.step), ("pad_add", ra.pad_add), ("update", ra.update)],
    );
    if let Some(j) = ra.buckets.as_ref().and_then(|b| b.iter().position(|x| x.0 > DAY)) {
        ck.err(p.key("buckets").at(j), "bounds must be at most a day");
    }
    let step = ra.step.map_or(0.0, |s| s.0);
    let format_name = ra.format.as_deref().unwrap_or("point");
    let misplaced = |ck: &mut Check, key: &str, present: bool, belongs: &str| {
        if present {
            ck.err(p.key(key), format!("belongs to format = \"{belongs}\", not format = \"{format_name}\""));
        }
    };
    let format = match format_name {
        "point" => {
            misplaced(ck, "low", ra.low.is_some(), "range");
            misplaced(ck, "high", ra.high.is_some(), "range");
            misplaced(ck, "buckets", ra.buckets.is_some(), "buckets");
            AnnounceFormat::Point { step }
        }
        "range" => {
            misplaced(ck, "buckets", ra.buckets.is_some(), "buckets");
            let low = ra.low.unwrap_or(1.0);
            let high = ck
                .required(p, "high", &ra.high, "high = 2.0, the factor of the range's upper end")
                .copied()
                .unwrap_or(low);
            for (key, v) in [("low", low), ("high", high)] {
                if !(v.is_finite() && (0.0..=100.0).contains(&v)) {
                    ck.err(
                        p.key(key),
                        format!("must be a factor of the prediction from 0 to 100, got {}", format_number(v)),
                    );
                }
            }
            if high <= 0.0 {
                ck.err(p.key("high"), "must be above 0: a range up to 0 s tells every caller \"no wait\"");
            }
            if low > high {
                ck.err(
                    p.key("low"),
                    format!(
                        "is {} but high is {}: the range's lower end must not exceed its upper end",
                        format_number(low),
                        format_number(high)
                    ),
                );
            }
            AnnounceFormat::Range { low, high, step }
        }
        "buckets" => {
            misplaced(ck, "low", ra.low.is_some(), "range");
            misplaced(ck, "high", ra.high.is_some(), "range");
            if ra.step.is_some() {
                ck.err(p.key("step"), "buckets are not rounded; remove step");
            }
            let b: Vec<f64> = ck
                .required(
                    p,
                    "buckets",
                    &ra.buckets,
                    "buckets = [\"2m\", \"5m\", \"10m\"], the bounds of the ranges told",
                )
                .map(|v| v.iter().map(|s| s.0).collect())
                .unwrap_or_default();
            if ra.buckets.is_some() && (b.is_empty() || b.len() > MAX_BUCKETS) {
                ck.err(p.key("buckets"), format!("needs 1 to {MAX_BUCKETS} bounds, got {}", b.len()));
            } else if let Some(j) = (0..b.len()).find(|&j| b[j] <= 0.0 || (j > 0 && b[j] <= b[j - 1])) {
                ck.err(
                    p.key("buckets").at(j),
                    format!(
                        "bounds must be above 0 and increasing, but {} follows {}",
                        format_duration(b[j]),
                        if j == 0 { "0 s".into() } else { format_duration(b[j - 1]) }
                    ),
                );
            }
            AnnounceFormat::Buckets(b)
        }
        other => {
            ck.err(
                p.key("format"),
                format!("`{other}` is not an announcement format; use \"point\", \"range\" or \"buckets\""),
            );
            AnnounceFormat::Point { step }
        }
    };
    let pad_factor = ra.pad.unwrap_or(1.0);
    if !(pad_factor.is_finite() && pad_factor > 0.0 && pad_factor <= 100.0) {
        ck.err(
            p.key("pad"),
            format!(
                "must be a factor above 0 and at most 100 (1.2 tells 20 % more than predicted), got {}",
                format_number(pad_factor)
            ),
        );
    }
    if ck.errors.len() > before {
        return None;
    }
    Some(Announce {
        predictor,
        update,
        threshold: ra.threshold.map_or(0.0, |t| t.0),
        format,
        pad_factor,
        pad_add: ra.pad_add.map_or(0.0, |s| s.0),
        reaction: Reaction::default(),
    })
}

/// Checks `[channel.reaction]`.
fn reaction(ck: &mut Check, rp: &FieldPath, r: &RawReaction) -> Option<Reaction> {
    let before = ck.errors.len();
    let mut out = Reaction::default();
    if let Some(b) = &r.balk {
        out.balk = balk_curve(ck, &rp.key("balk"), b);
    }
    if let Some(x) = r.stay_share {
        if x.is_finite() && (0.0..=1.0).contains(&x) {
            out.stay_share = x;
        } else {
            ck.err(
                rp.key("stay_share"),
                format!("must be a share from 0 to 1 of the wait heard, got {}", format_number(x)),
            );
        }
    }
    if let Some(x) = r.broken_promise {
        if x.is_finite() && (0.0..=1.0).contains(&x) {
            out.broken_promise = x;
        } else {
            ck.err(
                rp.key("broken_promise"),
                format!(
                    "must be a factor from 0 to 1 of the patience left (0.5 halves it, 0 hangs up at once; a broken promise never makes a caller more patient), got {}",
                    format_number(x)
                ),
            );
        }
    }
    (ck.errors.len() == before).then_some(out)
}

/// Refuses the durations among `fields` (key, value) of table `p` that exceed a day.
fn at_most_a_day(ck: &mut Check, p: &FieldPath, fields: &[(&str, Option<Seconds>)]) {
    for &(key, v) in fields {
        if let Some(x) = v
            && x.0 > DAY
        {
            ck.err(p.key(key), format!("must be at most a day, got {}", format_duration(x.0)));
        }
    }
}

fn balk_curve(ck: &mut Check, p: &FieldPath, b: &RawBalk) -> Option<Balk> {
    let share = b.share.unwrap_or(1.0);
    if !(share.is_finite() && (0.0..=1.0).contains(&share)) {
        ck.err(p.key("share"), format!("must be a share from 0 to 1, got {}", format_number(share)));
    }
    let curve =
        ck.required(p, "curve", &b.curve, "curve = \"logistic\" (with half and spread) or \"step\" (with above)")?;
    let unused = |ck: &mut Check, key: &str, present: bool| {
        if present {
            ck.err(p.key(key), format!("is not used by curve = \"{curve}\""));
        }
    };
    at_most_a_day(ck, p, &[("half", b.half), ("spread", b.spread), ("above", b.above)]);
    match curve.as_str() {
        "logistic" => {
            unused(ck, "above", b.above.is_some());
            let half = ck.required(p, "half", &b.half, "half = \"10m\", the wait heard at which half balk")?.0;
            let spread = ck.required(p, "spread", &b.spread, "spread = \"2m\", how fast balking rises around half")?.0;
            if spread <= 0.0 {
                ck.err(p.key("spread"), "must be above 0 s (a sudden jump is curve = \"step\")");
            }
            Some(Balk::Logistic { half, spread, share })
        }
        "step" => {
            unused(ck, "half", b.half.is_some());
            unused(ck, "spread", b.spread.is_some());
            let above = ck.required(p, "above", &b.above, "above = \"10m\": customers told more than this balk")?.0;
            Some(Balk::Step { above, share })
        }
        other => {
            ck.err(p.key("curve"), format!("`{other}` is not a balking curve; use \"logistic\" or \"step\""));
            None
        }
    }
}

fn dist(ck: &mut Check, p: &FieldPath, d: &RawDist) -> Option<Dist> {
    const KINDS: &str =
        "\"exponential\", \"lognormal\", \"gamma\", \"erlang\", \"deterministic\", \"uniform\" or \"empirical\"";
    let fields: [(&str, bool); 7] = [
        ("mean", d.mean.is_some()),
        ("cv", d.cv.is_some()),
        ("k", d.k.is_some()),
        ("value", d.value.is_some()),
        ("min", d.min.is_some()),
        ("max", d.max.is_some()),
        ("values", d.values.is_some()),
    ];
    let dist_name = ck.required(p, "dist", &d.dist, &format!("dist = {KINDS}"))?.as_str();
    let used: &[&str] = match dist_name {
        "exponential" => &["mean"],
        "lognormal" | "gamma" => &["mean", "cv"],
        "erlang" => &["mean", "k"],
        "deterministic" => &["value"],
        "uniform" => &["min", "max"],
        "empirical" => &["values"],
        other => {
            ck.err(p.key("dist"), format!("`{other}` is not a distribution; use {KINDS}"));
            return None;
        }
    };
    let mut ok = true;
    for (f, present) in fields {
        let wanted = used.contains(&f);
        if present && !wanted {
            ck.err(p.key(f), format!("is not used by dist = \"{dist_name}\", which takes {}", used.join(", ")));
            ok = false;
        }
        if !present && wanted {
            ck.err(p.clone(), format!("dist = \"{dist_name}\" needs `{f}` (it takes {})", used.join(", ")));
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    let sec = |s: Option<Seconds>| s.map_or(0.0, |x| x.0);
    let r = match dist_name {
        "exponential" => Dist::exponential(sec(d.mean)),
        "lognormal" => Dist::lognormal(sec(d.mean), d.cv.unwrap_or(0.0)),
        "gamma" => Dist::gamma(sec(d.mean), d.cv.unwrap_or(0.0)),
        "erlang" => Dist::erlang(d.k.unwrap_or(0), sec(d.mean)),
        "deterministic" => Dist::deterministic(sec(d.value)),
        "uniform" => Dist::uniform(sec(d.min), sec(d.max)),
        _ => Dist::empirical(d.values.as_ref().map(|v| v.iter().map(|s| s.0).collect()).unwrap_or_default()),
    };
    r.map_err(|e| match e {
        Error::Parameter { name, message } => ck.err(p.key(name), message),
        other => ck.err(p.clone(), other.to_string()),
    })
    .ok()
}

fn day_list(ck: &mut Check, p: &FieldPath, days: &Option<Vec<String>>) -> [bool; 7] {
    match days {
        None => [true; 7],
        Some(list) => {
            let mut set = [false; 7];
            if list.is_empty() {
                ck.err(p.clone(), "is empty; list days such as [\"mon\", \"tue\"] or leave it out for every day");
            }
            for (i, d) in list.iter().enumerate() {
                match Weekday::parse(d) {
                    Some(w) if set[usize::from(w.0)] => ck.err(p.at(i), format!("`{d}` is listed twice")),
                    Some(w) => set[usize::from(w.0)] = true,
                    None => ck.err(p.at(i), format!("`{d}` is not a day of the week; use mon, tue, …, sun")),
                }
            }
            set
        }
    }
}

fn open_windows(ck: &mut Check, ctx: &Ctx, p: &FieldPath, o: &RawOpen) -> Vec<(f64, f64)> {
    let from = ck.required(p, "from", &o.from, "from = \"08:00\", the opening time");
    let to = ck.required(p, "to", &o.to, "to = \"20:00\", the closing time");
    let (Some(from), Some(to)) = (from.map(|c| c.0), to.map(|c| c.0)) else { return vec![] };
    if to <= from {
        ck.err(
            p.key("to"),
            format!("must be later than `from` ({}); opening hours cannot cross midnight", format_clock(from)),
        );
        return vec![];
    }
    let days = day_list(ck, &p.key("days"), &o.days);
    let mut w: Vec<(f64, f64)> = Vec::new();
    for d in 0..ctx.days() {
        if !days[usize::from(ctx.start_day.plus(d).0)] {
            continue;
        }
        // Whole days: a day cut by the horizon keeps its full opening hours here, so that
        // a daily volume is spread over the full day (and then cut with it).
        let a = d as f64 * DAY + from;
        let b = d as f64 * DAY + to;
        match w.last_mut() {
            Some(last) if last.1 >= a => last.1 = b,
            _ => w.push((a, b)),
        }
    }
    w
}

/// Seconds of `[a, b)` covered by the windows.
fn arrival_rate(
    ck: &mut Check,
    ctx: &Ctx,
    p: &FieldPath,
    a: &RawArrivals,
    live: bool,
    open: &[(f64, f64)],
) -> Option<RateFn> {
    let given = [a.per_hour.is_some(), a.per_interval.is_some(), a.per_day.is_some()];
    if given.iter().filter(|g| **g).count() != 1 {
        ck.err(
            p.clone(),
            "give exactly one of per_hour = N, per_interval = [..] or per_day = N (with an optional profile)",
        );
        return None;
    }
    if a.profile.is_some() && a.per_day.is_none() {
        ck.err(p.key("profile"), "goes with per_day (a daily volume spread by the profile)");
        return None;
    }
    let mut factors = [1.0f64; 7];
    if let Some(df) = &a.day_factors {
        for (i, (k, v)) in df.by_day().into_iter().enumerate() {
            if let Some(v) = v {
                if !(v.is_finite() && (0.0..=1000.0).contains(&v)) {
                    ck.err(
                        p.key("day_factors").key(k),
                        format!("must be a factor from 0 to 1000, got {}", format_number(v)),
                    );
                    return None;
                }
                factors[i] = v;
            }
        }
    }
    let scale = match a.scale {
        None => 1.0,
        Some(x) if x.is_finite() && (0.0..=1000.0).contains(&x) => x,
        Some(x) => {
            ck.err(p.key("scale"), format!("must be a factor from 0 to 1000, got {}", format_number(x)));
            return None;
        }
    };
    let factor_at = |t: f64| factors[usize::from(ctx.weekday_at(t).0)] * scale;
    // Live channels only receive contacts while open; deferred ones receive them any time.
    let all_day = [(0.0, ctx.days() as f64 * DAY)];
    let windows: &[(f64, f64)] = if live { open } else { &all_day };

    // Volumes per planning interval, or a rate that holds while open.
    let volumes: Option<Vec<f64>> = if let Some(r) = a.per_hour {
        if !(r.is_finite() && r >= 0.0) {
            ck.err(p.key("per_hour"), format!("must be a rate ≥ 0 contacts per hour, got {}", format_number(r)));
            return None;
        }
        let rate = r / 3600.0;
        let steps = build::rate_while_open(windows, ctx.horizon, |u| rate * factor_at(u));
        return finish_rate(ck, p, &steps, ctx.horizon);
    } else if let Some(list) = &a.per_interval {
        let v = ctx.expand(ck, &p.key("per_interval"), list)?;
        if let Some((i, x)) = v.iter().enumerate().find(|(_, x)| !(x.is_finite() && **x >= 0.0)) {
            ck.err(p.key("per_interval").at(i % list.len()), format!("volumes must be ≥ 0, got {}", format_number(*x)));
            return None;
        }
        Some(v.iter().enumerate().map(|(i, x)| x * factor_at(i as f64 * ctx.interval)).collect())
    } else {
        let d = a.per_day.unwrap_or(0.0);
        if !(d.is_finite() && d >= 0.0) {
            ck.err(p.key("per_day"), format!("must be a volume ≥ 0 contacts per day, got {}", format_number(d)));
            return None;
        }
        match &a.profile {
            Some(prof) => {
                let Some(pd) = ctx.per_day() else {
                    ck.err(p.key("profile"), "needs an interval that divides 24h");
                    return None;
                };
                if prof.len() != pd {
                    ck.err(
                        p.key("profile"),
                        format!(
                            "has {} weights; expected {pd}, one per {} interval of a day",
                            prof.len(),
                            format_duration(ctx.interval)
                        ),
                    );
                    return None;
                }
                if let Some((i, x)) = prof.iter().enumerate().find(|(_, x)| !(x.is_finite() && **x >= 0.0)) {
                    ck.err(p.key("profile").at(i), format!("weights must be ≥ 0, got {}", format_number(*x)));
                    return None;
                }
                let sum: f64 = prof.iter().sum();
                if sum <= 0.0 {
                    ck.err(p.key("profile"), "weights add up to 0; at least one must be positive");
                    return None;
                }
                Some(
                    (0..ctx.n_intervals).map(|i| d * factor_at(i as f64 * ctx.interval) * prof[i % pd] / sum).collect(),
                )
            }
            None => {
                // A flat day: spread over the day's open time.
                for day in 0..ctx.days() {
                    let a0 = day as f64 * DAY;
                    let secs = build::open_seconds(windows, a0, a0 + DAY);
                    let vol = d * factor_at(a0);
                    if vol > 0.0 && secs <= 0.0 {
                        ck.err(
                            p.key("per_day"),
                            format!(
                                "the channel is closed all of {} (day {}) yet per_day × day factor gives {vol} contacts; set its day factor to 0",
                                ctx.weekday_at(a0).name(),
                                day + 1
                            ),
                        );
                        return None;
                    }
                }
                let steps = build::flat_days(windows, ctx.days(), ctx.horizon, |day| d * factor_at(day as f64 * DAY));
                return finish_rate(ck, p, &steps, ctx.horizon);
            }
        }
    };

    // Per-interval volumes: spread each over the open part of its interval.
    let volumes = volumes?;
    for (i, vol) in volumes.iter().enumerate() {
        let a0 = i as f64 * ctx.interval;
        let secs = build::open_seconds(windows, a0, a0 + ctx.interval);
        if *vol > 0.0 && secs <= 0.0 {
            let field = if a.per_interval.is_some() { "per_interval" } else { "profile" };
            ck.err(
                p.key(field),
                format!(
                    "gives {vol} contacts in the interval starting {} but the channel is closed then",
                    ctx.when(a0)
                ),
            );
            return None;
        }
    }
    let steps = build::spread_volumes(&volumes, ctx.interval, windows);
    finish_rate(ck, p, &steps, ctx.horizon)
}

fn finish_rate(ck: &mut Check, p: &FieldPath, steps: &[(f64, f64)], horizon: f64) -> Option<RateFn> {
    let steps = if steps.is_empty() { vec![(0.0, 0.0)] } else { steps.to_vec() };
    let rate = RateFn::from_steps(&steps, horizon);
    let expected = rate.expected(0.0, horizon);
    if expected > MAX_ARRIVALS_PER_REPLICATION {
        ck.err(
            p.clone(),
            format!("gives {expected:.3e} expected contacts per replication; at most {MAX_ARRIVALS_PER_REPLICATION:e} are simulated"),
        );
        return None;
    }
    Some(rate)
}

fn group(
    ck: &mut Check,
    ctx: &Ctx,
    p: &FieldPath,
    ra: &RawAgents,
    chans: &[RawChannel],
    names: &[&str],
) -> Option<AgentGroup> {
    let before = ck.errors.len();
    if let Some(name) = ck.required(p, "name", &ra.name, "every group needs name = \"…\"") {
        check_name(ck, &p.key("name"), name, 100);
    }
    let mut skills = Vec::new();
    let mut seen = HashSet::new();
    let raw_skills = ck.required(p, "skills", &ra.skills, "skills = [\"phone\"], the channels the group serves");
    if raw_skills.is_some_and(|s| s.is_empty()) {
        ck.err(p.key("skills"), "is empty; list the channels this group serves, such as [\"phone\"]");
    }
    for (i, s) in raw_skills.into_iter().flatten().enumerate() {
        match names.iter().position(|n| *n == s.channel) {
            None => ck.err(
                p.key("skills").at(i),
                format!("`{}` is not a channel of this scenario; channels are: {}", s.channel, names.join(", ")),
            ),
            Some(c) if !seen.insert(c) => ck.err(p.key("skills").at(i), format!("`{}` is listed twice", s.channel)),
            Some(c) => skills.push(Skill { channel: c, after: s.after.map_or(0.0, |a| a.0) }),
        }
    }
    let shrinkage = ra.shrinkage.unwrap_or(0.0);
    if !(0.0..1.0).contains(&shrinkage) {
        ck.err(p.key("shrinkage"), format!("must be a share in [0, 1), such as 0.3; got {}", format_number(shrinkage)));
    }
    let kind_of = |c: usize| chans[c].kind.as_deref().and_then(ChannelKind::parse);
    let has_chat = skills.iter().any(|s| kind_of(s.channel) == Some(ChannelKind::Chat));
    let concurrency = match ra.concurrency {
        None => 1,
        Some(c) if (1..=i64::from(MAX_CONCURRENCY)).contains(&c) => {
            let kinds_known = skills.iter().all(|s| kind_of(s.channel).is_some());
            if c > 1 && !has_chat && kinds_known {
                ck.err(p.key("concurrency"), "applies to chat; this group has no chat skill");
            }
            for s in &skills {
                let ch = &chans[s.channel];
                if let Some(st) = &ch.concurrency_stretch
                    && (st.len() as i64) < c
                {
                    ck.err(
                        p.key("concurrency"),
                        format!(
                            "is {c} but channel `{}` gives concurrency_stretch factors for only {} chats",
                            name_of(&ch.name),
                            st.len()
                        ),
                    );
                }
            }
            c as u32
        }
        Some(c) => {
            ck.err(p.key("concurrency"), format!("must be from 1 to {MAX_CONCURRENCY} chats, got {c}"));
            1
        }
    };
    let cost_per_hour = ra.cost_per_hour.unwrap_or(0.0);
    if !(cost_per_hour.is_finite() && cost_per_hour >= 0.0) {
        ck.err(p.key("cost_per_hour"), format!("must be ≥ 0, got {}", format_number(cost_per_hour)));
    }
    let interrupt_deferred = ra.interrupt_deferred.unwrap_or(false);
    if interrupt_deferred {
        let kinds: Vec<Option<ChannelKind>> = skills.iter().map(|s| kind_of(s.channel)).collect();
        let live = kinds.iter().any(|k| k.is_some_and(|k| k.is_live()));
        let deferred = kinds.iter().any(|k| k.is_some_and(|k| !k.is_live()));
        let complete = raw_skills.is_some() && kinds.iter().all(Option::is_some);
        if complete && !(live && deferred) {
            ck.err(
                p.key("interrupt_deferred"),
                "needs both a live skill (voice or chat) and a deferred one (email or social): there is nothing to interrupt",
            );
        }
    }
    let staffing = if ctx.usable { staffing(ck, ctx, p, ra) } else { None };
    if ck.errors.len() > before {
        return None;
    }
    Some(AgentGroup {
        name: ra.name.clone()?,
        skills,
        headcount: staffing?,
        shrinkage,
        concurrency,
        cost_per_hour,
        interrupt_deferred,
        from_shifts: !ra.shifts.is_empty(),
    })
}

fn headcount(ck: &mut Check, p: &FieldPath, n: f64) -> Option<u32> {
    if !(n.is_finite() && n >= 0.0 && n.fract() == 0.0) {
        ck.err(p.clone(), format!("headcount must be a whole number ≥ 0, got {}", format_number(n)));
        return None;
    }
    if n > f64::from(MAX_AGENTS_PER_GROUP) {
        ck.err(p.clone(), format!("at most {MAX_AGENTS_PER_GROUP} agents in a group, got {}", format_number(n)));
        return None;
    }
    Some(n as u32)
}

fn staffing(ck: &mut Check, ctx: &Ctx, p: &FieldPath, ra: &RawAgents) -> Option<Headcount> {
    match (&ra.staff, ra.shifts.is_empty()) {
        (Some(_), false) => {
            ck.err(
                p.key("shift"),
                "this group gives both `staff` and [[agents.shift]]; headcount would be counted twice — use one",
            );
            None
        }
        (None, true) => {
            ck.err(p.clone(), "needs staff = N, staff = { per_interval = [..] } or [[agents.shift]] entries");
            None
        }
        (Some(RawStaff::Constant(n)), true) => {
            let n = headcount(ck, &p.key("staff"), *n as f64)?;
            Some(Headcount::constant(n))
        }
        (Some(RawStaff::PerInterval(list)), true) => {
            let sp = p.key("staff").key("per_interval");
            let v = ctx.expand(ck, &sp, list)?;
            let mut steps: Vec<(f64, u32)> = Vec::new();
            for (i, x) in v.iter().enumerate() {
                let n = headcount(ck, &sp.at(i % list.len()), *x)?;
                if steps.last().map(|s| s.1) != Some(n) {
                    steps.push((i as f64 * ctx.interval, n));
                }
            }
            Some(Headcount { steps })
        }
        (None, false) => shifts(ck, ctx, p, &ra.shifts),
    }
}

fn shifts(ck: &mut Check, ctx: &Ctx, p: &FieldPath, list: &[RawShift]) -> Option<Headcount> {
    let before = ck.errors.len();
    // (time, +/- count) changes over the horizon.
    let mut changes: Vec<(f64, i64)> = Vec::new();
    // Each named person's working windows, to refuse double counting.
    let mut people: HashMap<&str, Vec<(f64, f64, usize)>> = HashMap::new();
    for (i, s) in list.iter().enumerate() {
        let sp = p.key("shift").at(i);
        let count = match (s.count, &s.people) {
            (Some(_), Some(_)) => {
                ck.err(sp.key("people"), "give `count` or `people`, not both");
                continue;
            }
            (None, None) => {
                ck.err(sp.clone(), "needs count = N or people = [\"name\", ..]");
                continue;
            }
            (Some(c), None) => match headcount(ck, &sp.key("count"), c as f64) {
                Some(n) => i64::from(n),
                None => continue,
            },
            (None, Some(names)) => {
                let mut seen = HashSet::new();
                for (k, n) in names.iter().enumerate() {
                    check_name(ck, &sp.key("people").at(k), n, 100);
                    if !seen.insert(n.as_str()) {
                        ck.err(sp.key("people").at(k), format!("`{n}` is listed twice in this shift"));
                    }
                }
                names.len() as i64
            }
        };
        let start = ck.required(&sp, "start", &s.start, "start = \"08:00\", when the shift starts");
        let end = ck.required(&sp, "end", &s.end, "end = \"16:30\", when it ends (overnight allowed)");
        let (Some(start), Some(end)) = (start.map(|c| c.0), end.map(|c| c.0)) else { continue };
        let mut len = end - start;
        if len <= 0.0 {
            len += DAY; // overnight shift
        }
        if start >= DAY {
            ck.err(sp.key("start"), "must be before 24:00");
            continue;
        }
        // Breaks: inside the shift and not overlapping each other.
        let mut brk: Vec<(f64, f64)> = Vec::new();
        for (k, b) in s.breaks.iter().enumerate() {
            let bp = sp.key("breaks").at(k);
            let b_start = ck.required(&bp, "start", &b.start, "start = \"12:00\", when the break starts");
            let b_len = ck.required(&bp, "length", &b.length, "length = \"30m\"");
            let (Some(b_start), Some(b_len)) = (b_start.map(|c| c.0), b_len.map(|l| l.0)) else { continue };
            let mut off = b_start - start;
            if off < 0.0 {
                off += DAY;
            }
            if b_len <= 0.0 || off + b_len > len || off <= 0.0 {
                ck.err(
                    bp.clone(),
                    format!(
                        "a break from {} for {} does not lie inside the shift {}–{}",
                        format_clock(b_start),
                        format_duration(b_len),
                        format_clock(start),
                        format_clock(end)
                    ),
                );
                continue;
            }
            if let Some(&(o0, o1)) = brk.iter().find(|&&(o0, o1)| off < o1 && o0 < off + b_len) {
                ck.err(
                    bp.clone(),
                    format!(
                        "overlaps the break from {} to {}; overlapping breaks would remove the same agents twice",
                        format_clock((start + o0).rem_euclid(DAY)),
                        format_clock((start + o1).rem_euclid(DAY))
                    ),
                );
                continue;
            }
            brk.push((off, off + b_len));
        }
        let days = day_list(ck, &sp.key("days"), &s.days);
        let pattern = build::ShiftPattern { start, len, breaks: &brk, days, count };
        for (a, b) in build::occurrences(&pattern, ctx.days(), ctx.start_day.0, ctx.horizon) {
            build::changes_of(&pattern, (a, b), &mut changes);
            if let Some(names) = &s.people {
                for n in names {
                    people.entry(n.as_str()).or_default().push((a, b, i));
                }
            }
        }
    }
    for (name, mut w) in people {
        w.sort_by(|x, y| x.0.total_cmp(&y.0));
        for pair in w.windows(2) {
            let (x, y) = (pair[0], pair[1]);
            if y.0 < x.1 {
                ck.err(
                    p.key("shift").at(y.2).key("people"),
                    format!(
                        "`{name}` is also on shift {} at {}; overlapping shifts would count the same person twice",
                        x.2,
                        ctx.when(y.0.max(0.0))
                    ),
                );
                break;
            }
        }
    }
    if ck.errors.len() > before {
        return None;
    }
    let steps = build::headcount_steps(changes, ctx.horizon);
    if let Some(&(at, n)) = steps.iter().find(|s| s.1 > MAX_AGENTS_PER_GROUP) {
        ck.err(
            p.key("shift"),
            format!("shifts put {n} agents on at {}; at most {MAX_AGENTS_PER_GROUP} per group", ctx.when(at)),
        );
        return None;
    }
    Some(Headcount { steps })
}

/// Scenario-wide checks of the staffing against the demand, as `(field, message)`
/// problems (for checked changes of a sealed scenario).
pub(super) fn staffing_problems(channels: &[Channel], groups: &[AgentGroup], horizon: f64) -> Errors {
    let mut ck = Check::default();
    cross_checks(&mut ck, channels, groups, horizon);
    ck.errors
}

fn cross_checks(ck: &mut Check, channels: &[Channel], groups: &[AgentGroup], horizon: f64) {
    let total: u64 = groups.iter().map(|g| u64::from(g.headcount.max())).sum();
    if total > MAX_AGENTS_TOTAL {
        ck.err(FieldPath::root().key("agents"), format!("{total} agents in all; at most {MAX_AGENTS_TOTAL}"));
    }
    for (c, ch) in channels.iter().enumerate() {
        let expected = ch.arrivals.expected(0.0, horizon);
        if expected <= 0.0 {
            continue;
        }
        let servers: Vec<&AgentGroup> = groups.iter().filter(|g| g.skills.iter().any(|s| s.channel == c)).collect();
        let p = FieldPath::root().key("channel").at(c);
        if servers.is_empty() {
            ck.err(
                p.key("name"),
                format!("no agent group has `{}` in its skills, so its contacts can never be served", ch.name),
            );
        } else if servers.iter().all(|g| g.headcount.max() == 0) {
            ck.err(
                p.key("name"),
                format!(
                    "`{}` has arrivals but every group serving it ({}) has zero agents",
                    ch.name,
                    servers.iter().map(|g| g.name.as_str()).collect::<Vec<_>>().join(", ")
                ),
            );
        } else if let Some((peak, at)) = fluid_backlog_peak(ch, &servers, horizon) {
            let aht: f64 = ch.types.iter().map(|t| t.share * t.handle_time.mean()).sum();
            let peak_rate = ch.arrivals.max_rate();
            ck.err(
                p.key("arrivals"),
                format!(
                    "`{}` would queue about {} contacts at once (by {}: up to {} an hour at a mean handle time of {} for at most {} agent(s)); the simulator holds at most {MAX_CONTACTS_IN_SYSTEM} (about 1 GB) — add agents or patience, or lower the volume",
                    ch.name,
                    format_number(peak.round()),
                    format_duration(at),
                    format_number((peak_rate * 3600.0).round()),
                    format_duration(aht),
                    servers.iter().map(|g| g.headcount.max()).sum::<u32>(),
                ),
            );
        }
    }
}

/// The peak of a fluid approximation of a channel's backlog over the horizon, and when,
/// if it exceeds [`MAX_CONTACTS_IN_SYSTEM`]: arrivals at the channel's rate, service at the
/// full capacity of every group serving it (scheduled headcount × concurrency / mean handle
/// time, as if it served nothing else: an optimistic capacity, so no plan that fits is
/// refused), and abandonment at backlog / mean patience. Evaluated exactly per step of
/// the rate and the headcounts.
fn fluid_backlog_peak(ch: &Channel, servers: &[&AgentGroup], horizon: f64) -> Option<(f64, f64)> {
    let aht: f64 = ch.types.iter().map(|t| t.share * t.handle_time.mean()).sum();
    // Chat agents holding several chats may handle each faster or slower: the capacity
    // takes the fastest factor, so that it stays optimistic.
    let fastest = ch.stretch.iter().copied().fold(1.0, f64::min);
    let mut cuts: Vec<f64> = ch.arrivals.segments().map(|s| s.0).collect();
    for g in servers {
        cuts.extend(g.headcount.steps.iter().map(|s| s.0));
    }
    cuts.push(horizon);
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    // One fluid queue per contact type, each with its share of the arrivals, its own
    // patience and all of the capacity (optimistic again); the backlog is their sum.
    let mut q = vec![0.0f64; ch.types.len()];
    let (mut peak, mut when) = (0.0f64, 0.0);
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        if b <= a || a >= horizon {
            continue;
        }
        let lambda = ch.arrivals.rate_at(a);
        let capacity: f64 = servers
            .iter()
            .map(|g| f64::from(g.headcount.at(a)) * f64::from(g.concurrency) * (1.0 - g.shrinkage))
            .sum::<f64>()
            / (aht * fastest).max(1e-9);
        let len = b - a;
        for (qt, t) in q.iter_mut().zip(&ch.types) {
            let net = lambda * t.share - capacity;
            let patience = t.patience.as_ref().map_or(f64::INFINITY, |d| d.mean());
            *qt = if patience.is_finite() {
                // dq/dt = net − q / patience, with q ≥ 0.
                let eq = (net * patience).max(0.0);
                eq + (*qt - eq) * (-len / patience).exp()
            } else {
                (*qt + net * len).max(0.0)
            };
        }
        let total: f64 = q.iter().sum();
        if total > peak {
            (peak, when) = (total, b);
        }
    }
    (peak > MAX_CONTACTS_IN_SYSTEM as f64).then_some((peak, when))
}

// ---- triage: resolution, returns, redials, segments ----------------------------------

/// Most contacts an issue may be capped at.
const MAX_CONTACTS_CAP: i64 = 1000;

/// Reports shares (of `what`) that do not add up to 1, saying by how much.
fn shares_add_up(ck: &mut Check, p: &FieldPath, what: &str, sum: f64) {
    if (sum - 1.0).abs() > 1e-6 {
        // Rounded to a millionth: shares are written with a few decimals.
        let r6 = |x: f64| (x * 1e6).round() / 1e6;
        let (gap, sum) = (r6(1.0 - sum), r6(sum));
        let by = if gap > 0.0 {
            format!("{} short of 1", format_number(gap))
        } else {
            format!("{} over 1", format_number(-gap))
        };
        ck.err(p.clone(), format!("{what} shares must add up to 1; they add up to {} ({by})", format_number(sum)));
    }
}

/// A type's or segment's own `service_level = { target, within }`.
fn own_target(ck: &mut Check, p: &FieldPath, sl: &RawServiceLevel) -> Option<ServiceTarget> {
    let target = ck.required(p, "target", &sl.target, "target = 0.9, a share in (0, 1]").copied();
    let within = ck.required(p, "within", &sl.within, "within = \"10s\", the threshold").map(|w| w.0);
    if sl.short_abandon.is_some() {
        ck.err(p.key("short_abandon"), "is the channel's alone: set it on the channel's service_level");
    }
    if let Some(t) = target
        && !(t.is_finite() && (0.01..=1.0).contains(&t))
    {
        ck.err(p.key("target"), format!("must be a share from 0.01 to 1, such as 0.9; got {}", format_number(t)));
        return None;
    }
    Some(ServiceTarget { share: target?, within: within? })
}

/// `preemptive = true` on a channel: live channels only.
fn preemptive(ck: &mut Check, p: &FieldPath, rc: &RawChannel, kind: ChannelKind) -> bool {
    let on = rc.preemptive.unwrap_or(false);
    if on && !kind.is_live() {
        ck.err(
            p.key("preemptive"),
            format!("{} contacts are not answered live; preemption is for voice and chat", kind.name()),
        );
    }
    on && kind.is_live()
}

/// The resolution fields of a type or a channel, with where they are written.
struct Follow<'a> {
    p: FieldPath,
    fcr: Option<f64>,
    returns: Option<&'a RawReturns>,
    redial: Option<&'a RawRedial>,
    max_contacts: Option<i64>,
    deflect: Option<f64>,
    assistant: Option<&'a RawAssistant>,
}

impl<'a> Follow<'a> {
    fn of_channel(p: &FieldPath, rc: &'a RawChannel) -> Follow<'a> {
        Follow {
            p: p.clone(),
            fcr: rc.fcr,
            returns: rc.returns.as_ref(),
            redial: rc.redial.as_ref(),
            max_contacts: rc.max_contacts,
            deflect: rc.deflect,
            assistant: rc.assistant.as_ref(),
        }
    }

    fn of_type(p: &FieldPath, rt: &'a RawType) -> Follow<'a> {
        Follow {
            p: p.clone(),
            fcr: rt.fcr,
            returns: rt.returns.as_ref(),
            redial: rt.redial.as_ref(),
            max_contacts: rt.max_contacts,
            deflect: rt.deflect,
            assistant: rt.assistant.as_ref(),
        }
    }
}

/// A type's resolution rules and deflection share: its own fields, else its channel's
/// (`inherit`), else the defaults (every contact resolves, nobody redials, no deflection).
/// Channel names are checked here; that a return's channel has a matching type is
/// checked once every channel is known ([`return_types`]).
fn resolution(
    ck: &mut Check,
    own: &Follow,
    inherit: Option<&Follow>,
    channel_names: &[&str],
    live: bool,
) -> (Resolution, f64) {
    // Each field with the path it was read from.
    let pick = |f: fn(&Follow) -> bool| -> &Follow {
        match inherit {
            Some(ch) if !f(own) => ch,
            _ => own,
        }
    };
    let fcr_at = pick(|f| f.fcr.is_some());
    let fcr = fcr_at.fcr.unwrap_or(1.0);
    if !(fcr.is_finite() && (0.0..=1.0).contains(&fcr)) {
        ck.err(
            fcr_at.p.key("fcr"),
            format!(
                "must be a probability from 0 to 1 (0.75: three contacts in four resolve the issue), got {}",
                format_number(fcr)
            ),
        );
    }
    let ret_at = pick(|f| f.returns.is_some());
    let returns = ret_at.returns.and_then(|r| {
        let rp = ret_at.p.key("returns");
        let after = ck
            .required(
                &rp,
                "after",
                &r.after,
                "after = { dist = \"exponential\", mean = \"1d\" }, the delay before the customer comes back",
            )
            .and_then(|d| dist(ck, &rp.key("after"), d));
        let mut to = Vec::new();
        match &r.to {
            None => {}
            Some(m) if m.is_empty() => {
                ck.err(rp.key("to"), "is empty: give channel shares such as to = { phone = 1.0 }")
            }
            Some(m) => {
                let mut sum = 0.0;
                let mut ok = true;
                for (name, &share) in m {
                    match channel_names.iter().position(|n| n == name) {
                        None => {
                            ck.err(
                                rp.key("to").key(name),
                                format!("`{name}` is not a channel; the channels are {}", channel_names.join(", ")),
                            );
                            ok = false;
                        }
                        Some(c) => {
                            if !(share.is_finite() && share > 0.0 && share <= 1.0) {
                                ck.err(
                                    rp.key("to").key(name),
                                    format!("must be a share in (0, 1], got {}", format_number(share)),
                                );
                                ok = false;
                            }
                            sum += share;
                            to.push((c, sum));
                        }
                    }
                }
                if ok {
                    shares_add_up(ck, &rp.key("to"), "return", sum);
                }
                if let Some(last) = to.last_mut() {
                    last.1 = 1.0;
                }
            }
        }
        Some(Returns { after: after?, to })
    });
    if fcr < 1.0 && ret_at.returns.is_none() {
        ck.err(
            fcr_at.p.key("fcr"),
            "is below 1, so some contacts leave the issue unresolved: say when those customers come back, with returns = { after = { dist = \"exponential\", mean = \"1d\" } } (and to = { phone = 1.0 } for another channel)",
        );
    }
    let red_at = pick(|f| f.redial.is_some());
    let redial = red_at.redial.and_then(|r| {
        let rp = red_at.p.key("redial");
        if !live {
            ck.err(rp.clone(), "these contacts never abandon, so they never redial; remove redial");
            return None;
        }
        let share = ck.required(&rp, "share", &r.share, "share = 0.4, the probability that an abandoning customer tries again").copied();
        if let Some(x) = share
            && !(x.is_finite() && x > 0.0 && x <= 1.0)
        {
            ck.err(rp.key("share"), format!("must be a probability in (0, 1], got {}", format_number(x)));
        }
        let after = match &r.after {
            None => {
                ck.err(
                    rp.clone(),
                    "a retry probability needs a delay: add after = { dist = \"exponential\", mean = \"10m\" }, the time before the customer tries again",
                );
                None
            }
            Some(d) => dist(ck, &rp.key("after"), d),
        };
        Some(Redial { share: share?, after: after? })
    });
    let cap_at = pick(|f| f.max_contacts.is_some());
    let max_contacts = match cap_at.max_contacts {
        None => None,
        Some(n) if (1..=MAX_CONTACTS_CAP).contains(&n) => Some(n as u32),
        Some(n) => {
            ck.err(
                cap_at.p.key("max_contacts"),
                format!("must be from 1 to {MAX_CONTACTS_CAP} contacts per issue, got {n}"),
            );
            None
        }
    };
    if max_contacts.is_none() && cap_at.max_contacts.is_none() {
        if fcr == 0.0 && returns.is_some() {
            ck.err(fcr_at.p.key("fcr"), "is 0 with returns and no max_contacts: such issues would never end; give max_contacts = 5 (or an fcr above 0)");
        }
        if redial.as_ref().is_some_and(|r| r.share >= 1.0) {
            ck.err(red_at.p.key("redial").key("share"), "is 1 with no max_contacts: a customer nobody answers would redial for ever; give max_contacts = 5 (or a share below 1)");
        }
    }
    let def_at = pick(|f| f.deflect.is_some());
    let deflect = def_at.deflect.unwrap_or(0.0);
    if !(deflect.is_finite() && (0.0..1.0).contains(&deflect)) {
        ck.err(
            def_at.p.key("deflect"),
            format!(
                "must be a share from 0 to below 1 of arrivals handled by self-service, got {}",
                format_number(deflect)
            ),
        );
    }
    (Resolution { fcr, returns, redial, max_contacts }, deflect)
}

/// A type's virtual assistant (its own, else its channel's): a containment share, a bot
/// time, and a recontact share that needs returns to come back by.
fn assistant(ck: &mut Check, own: &Follow, inherit: Option<&Follow>, rules: &Resolution) -> Option<Assistant> {
    let at = match inherit {
        Some(ch) if own.assistant.is_none() => ch,
        _ => own,
    };
    let a = at.assistant?;
    let p = at.p.key("assistant");
    let contain = ck.required(&p, "contain", &a.contain, "contain = 0.3, the share the assistant resolves").copied();
    if let Some(x) = contain
        && !(x.is_finite() && (0.0..=1.0).contains(&x))
    {
        ck.err(p.key("contain"), format!("must be a share from 0 to 1, got {}", format_number(x)));
    }
    let time = ck
        .required(
            &p,
            "time",
            &a.time,
            "time = { dist = \"lognormal\", mean = \"2m\", cv = 0.5 }, the time with the assistant",
        )
        .and_then(|d| dist(ck, &p.key("time"), d));
    let recontact = a.recontact.unwrap_or(0.0);
    if !(recontact.is_finite() && (0.0..=1.0).contains(&recontact)) {
        ck.err(p.key("recontact"), format!("must be a share from 0 to 1, got {}", format_number(recontact)));
    } else if recontact > 0.0 && rules.returns.is_none() {
        ck.err(
            p.key("recontact"),
            "needs returns = { after = … } on the type: it is the share of contained customers who come back",
        );
    }
    Some(Assistant { contain: contain?, time: time?, recontact })
}

/// Each return to another channel needs a type there to arrive as: one of the same name,
/// or the channel's only type.
fn return_types(ck: &mut Check, root: &FieldPath, raw: &[RawChannel], channels: &[Channel]) {
    for (c, ch) in channels.iter().enumerate() {
        for (t, ty) in ch.types.iter().enumerate() {
            let Some(r) = &ty.resolution.returns else { continue };
            for &(d, _) in &r.to {
                if target_type(&channels[d], &ty.name).is_none() {
                    let p = if raw[c].types.is_empty() {
                        root.key("channel").at(c)
                    } else {
                        root.key("channel").at(c).key("type").at(t)
                    };
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
}

/// The type (index within `ch`) a contact of type `name` arrives as on channel `ch`: the
/// one of the same name, or its only type.
pub(crate) fn target_type(ch: &Channel, name: &str) -> Option<usize> {
    ch.types.iter().position(|t| t.name == name).or((ch.types.len() == 1).then_some(0))
}

/// `[[segment]]`: names, shares adding up to 1, boosts, patience factors, targets.
fn segments(
    ck: &mut Check,
    root: &FieldPath,
    raw: &[RawSegment],
    agents: &[RawAgents],
    channels: &[RawChannel],
) -> Vec<Segment> {
    let mut out = Vec::new();
    if raw.len() > MAX_SEGMENTS {
        ck.err(root.key("segment"), format!("at most {MAX_SEGMENTS} segments, got {}", raw.len()));
        return out;
    }
    let mut names = HashSet::new();
    let mut sum = 0.0;
    for (i, rs) in raw.iter().enumerate() {
        let p = root.key("segment").at(i);
        if let Some(name) = ck.required(&p, "name", &rs.name, "every segment needs name = \"…\"") {
            check_name(ck, &p.key("name"), name, 100);
            if !names.insert(name.as_str()) {
                ck.err(p.key("name"), format!("segment name `{name}` is used twice"));
            }
        }
        let share = ck.required(&p, "share", &rs.share, "share = 0.1, the segment's share of customers").copied();
        if let Some(x) = share
            && !(x.is_finite() && x > 0.0 && x <= 1.0)
        {
            ck.err(p.key("share"), format!("must be a share in (0, 1], got {}", format_number(x)));
        }
        sum += share.unwrap_or(0.0);
        let boost = match rs.priority_boost {
            None => 0,
            Some(b) if (0..i64::from(MAX_PRIORITY)).contains(&b) => b as u32,
            Some(b) => {
                ck.err(
                    p.key("priority_boost"),
                    format!("must be from 0 to {} priority levels, got {b}", MAX_PRIORITY - 1),
                );
                0
            }
        };
        let factor = rs.patience_factor.unwrap_or(1.0);
        if !(factor.is_finite() && factor > 0.0 && factor <= 100.0) {
            ck.err(
                p.key("patience_factor"),
                format!("must be above 0 and at most 100 (1.5: half as patient again), got {}", format_number(factor)),
            );
        }
        let sl = rs.service_level.as_ref().and_then(|sl| own_target(ck, &p.key("service_level"), sl));
        let dedicated = rs.dedicated.unwrap_or(false);
        let group = match &rs.group {
            None => {
                if rs.dedicated.is_some() {
                    ck.err(p.key("dedicated"), "needs group = \"…\", the group the segment is routed to");
                }
                None
            }
            Some(gname) => match agents.iter().position(|a| a.name.as_deref() == Some(gname.as_str())) {
                None => {
                    let names: Vec<&str> = agents.iter().map(|a| name_of(&a.name)).collect();
                    ck.err(
                        p.key("group"),
                        format!("`{gname}` is not an agent group; the groups are {}", names.join(", ")),
                    );
                    None
                }
                Some(g) => {
                    let skills = agents[g].skills.as_deref().unwrap_or_default();
                    if dedicated && skills.iter().any(|sk| sk.after.is_some_and(|a| a.0 > 0.0)) {
                        ck.err(
                            p.key("dedicated"),
                            format!("group `{gname}` has an overflow skill: a dedicated group takes its segment's contacts on arrival only; remove the delay or make the segment preferred"),
                        );
                    }
                    if channels.iter().any(|c| c.announce.is_some()) {
                        ck.err(p.key("group"), "routing by segment cannot be combined with [channel.announce] yet: the waiting-time predictors do not model segment queues");
                    }
                    Some((g, dedicated))
                }
            },
        };
        if let (Some(name), Some(share)) = (&rs.name, share) {
            out.push(Segment {
                name: name.clone(),
                share,
                priority_boost: boost,
                patience_factor: factor,
                service_level: sl,
                group,
            });
        }
    }
    if !raw.is_empty() && raw.iter().all(|s| s.share.is_some()) {
        shares_add_up(ck, &root.key("segment"), "segment", sum);
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::scenario::{DAY, Scenario};

    fn scenario(horizon: &str, channel_extra: &str, agents: &str) -> Result<Scenario, String> {
        let text = format!(
            r#"
name = "t"
horizon = "{horizon}"
interval = "30m"
start_day = "fri"
[[channel]]
name = "phone"
kind = "voice"
service_level = {{ target = 0.8, within = "20s" }}
handle_time = {{ dist = "exponential", mean = "4m" }}
{channel_extra}
[[agents]]
name = "team"
skills = ["phone"]
{agents}
"#
        );
        Scenario::from_toml(&text, "t.toml").map_err(|e| e.to_string())
    }

    const ALL_DAY: &str = "arrivals = { per_hour = 60 }";

    #[test]
    fn shifts_breaks_days_and_overnight() {
        let s = scenario(
            "3d",
            ALL_DAY,
            r#"
[[agents.shift]]
start = "08:00"
end = "16:00"
count = 5
days = ["fri", "sat"]
breaks = [{ start = "12:00", length = "30m" }]
[[agents.shift]]
start = "22:00"
end = "06:00"
count = 2
days = ["sun", "fri"]
"#,
        )
        .unwrap();
        let st = &s.groups[0].headcount;
        let h = 3600.0;
        // Friday (day 0): 5 from 08:00, 0 at the 12:00 break, back at 12:30, off at 16:00.
        assert_eq!(st.at(7.9 * h), 0);
        assert_eq!(st.at(8.0 * h), 5);
        assert_eq!(st.at(12.0 * h), 0);
        assert_eq!(st.at(12.5 * h), 5);
        assert_eq!(st.at(16.0 * h), 0);
        // Friday night shift runs into Saturday 06:00, overlapping nothing.
        assert_eq!(st.at(23.0 * h), 2);
        assert_eq!(st.at(DAY + 5.0 * h), 2);
        assert_eq!(st.at(DAY + 6.0 * h), 0);
        assert_eq!(st.at(DAY + 9.0 * h), 5, "Saturday day shift");
        // Sunday (day 2): only the night shift from 22:00.
        assert_eq!(st.at(2.0 * DAY + 9.0 * h), 0);
        assert_eq!(st.at(2.0 * DAY + 22.5 * h), 2);
        assert!((st.agent_seconds(0.0, DAY) - (5.0 * 7.5 * h + 2.0 * 2.0 * h)).abs() < 1e-6);
    }

    #[test]
    fn double_counting_is_refused() {
        let overlap = scenario(
            "1d",
            ALL_DAY,
            r#"
[[agents.shift]]
start = "08:00"
end = "16:00"
people = ["ana", "ben"]
[[agents.shift]]
start = "12:00"
end = "20:00"
people = ["cy", "ana"]
"#,
        )
        .unwrap_err();
        assert!(overlap.contains("agents[0].shift[1].people") && overlap.contains("`ana`"), "{overlap}");
        let both =
            scenario("1d", ALL_DAY, "staff = 3\n[[agents.shift]]\nstart = \"08:00\"\nend = \"16:00\"\ncount = 2")
                .unwrap_err();
        assert!(both.contains("counted twice"), "{both}");
        let breaks = scenario(
            "1d",
            ALL_DAY,
            "[[agents.shift]]\nstart = \"08:00\"\nend = \"16:00\"\ncount = 2\nbreaks = [{ start = \"12:00\", length = \"1h\" }, { start = \"12:30\", length = \"30m\" }]",
        )
        .unwrap_err();
        assert!(breaks.contains("overlaps the break"), "{breaks}");
        let outside =
            scenario("1d", ALL_DAY, "[[agents.shift]]\nstart = \"08:00\"\nend = \"16:00\"\ncount = 2\nbreaks = [{ start = \"17:00\", length = \"30m\" }]")
                .unwrap_err();
        assert!(outside.contains("does not lie inside the shift"), "{outside}");
    }

    #[test]
    fn daily_volume_profile_and_day_factors() {
        // Friday start: factors fri 1, sat 2, sun 0. Profile puts a quarter of the day in
        // 09:00–09:30 and three quarters in 10:00–10:30.
        let mut profile = vec!["0"; 48];
        profile[18] = "1";
        profile[20] = "3";
        let s = scenario(
            "3d",
            &format!(
                "arrivals = {{ per_day = 400, day_factors = {{ sat = 2, sun = 0 }}, profile = [{}] }}",
                profile.join(", ")
            ),
            "staff = 3",
        )
        .unwrap();
        let r = &s.channels[0].arrivals;
        let h = 3600.0;
        assert!((r.expected(9.0 * h, 9.5 * h) - 100.0).abs() < 1e-9);
        assert!((r.expected(10.0 * h, 10.5 * h) - 300.0).abs() < 1e-9);
        assert!((r.expected(DAY, 2.0 * DAY) - 800.0).abs() < 1e-9);
        assert_eq!(r.expected(2.0 * DAY, 3.0 * DAY), 0.0);
    }

    /// A day cut short by the horizon keeps only its share of a daily volume.
    #[test]
    fn daily_volume_on_a_partial_day() {
        let s = scenario("12h", "arrivals = { per_day = 240 }", "staff = 3").unwrap();
        assert!((s.channels[0].arrivals.expected(0.0, 12.0 * 3600.0) - 120.0).abs() < 1e-9);
        let open = "open = { from = \"08:00\", to = \"20:00\" }";
        let s = scenario("12h", &format!("arrivals = {{ per_day = 240 }}\n{open}"), "staff = 3").unwrap();
        assert!(
            (s.channels[0].arrivals.expected(0.0, 12.0 * 3600.0) - 80.0).abs() < 1e-9,
            "08:00–12:00 of 08:00–20:00"
        );
        let s = scenario("30h", &format!("arrivals = {{ per_day = 240 }}\n{open}"), "staff = 3").unwrap();
        assert!((s.channels[0].arrivals.expected(0.0, 30.0 * 3600.0) - 240.0).abs() < 1e-9, "day 2 not yet open");
        assert_eq!(s.channels[0].open, vec![(8.0 * 3600.0, 20.0 * 3600.0)]);
    }

    /// Results for every interval of every channel and group are kept in memory: a run
    /// that would keep too many is refused up front.
    #[test]
    fn too_many_result_cells() {
        let channel = |n: &str| {
            format!(
                "[[channel]]\nname = \"{n}\"\nkind = \"voice\"\nservice_level = {{ target = 0.8, within = 20 }}\narrivals = {{ per_hour = 1 }}\nhandle_time = {{ dist = \"exponential\", mean = 60 }}\n"
            )
        };
        let text = |horizon: &str| {
            format!(
                "name = \"x\"\nhorizon = \"{horizon}\"\ninterval = \"1m\"\n{}{}{}[[agents]]\nname = \"a\"\nskills = [\"a\", \"b\", \"c\"]\nstaff = 1\n[[agents]]\nname = \"b\"\nskills = [\"a\"]\nstaff = 1\n",
                channel("a"),
                channel("b"),
                channel("c")
            )
        };
        let e = Scenario::from_toml(&text("70d"), "x.toml").unwrap_err().to_string();
        assert!(e.contains("result cells") && e.contains("longer interval"), "{e}");
        assert!(Scenario::from_toml(&text("7d"), "x.toml").is_ok());
    }

    #[test]
    fn opening_hours_shape_live_arrivals() {
        let s = scenario(
            "2d",
            "arrivals = { per_hour = 60 }\nopen = { from = \"08:00\", to = \"20:00\", days = [\"fri\"] }",
            "staff = 3",
        )
        .unwrap();
        let r = &s.channels[0].arrivals;
        assert!((r.expected(0.0, 2.0 * DAY) - 12.0 * 60.0).abs() < 1e-9, "only Friday 08–20 is open");
        assert_eq!(r.rate_at(7.9 * 3600.0), 0.0);
        // A per-interval volume in a closed interval is an error, not silently dropped.
        let mut v = vec!["0"; 48];
        v[2] = "7";
        let e = scenario(
            "1d",
            &format!(
                "arrivals = {{ per_interval = [{}] }}\nopen = {{ from = \"08:00\", to = \"20:00\" }}",
                v.join(", ")
            ),
            "staff = 3",
        )
        .unwrap_err();
        assert!(e.contains("closed") && e.contains("Fri 01:00"), "{e}");
    }

    #[test]
    fn one_day_of_values_repeats_daily() {
        let v: Vec<String> = (0..48).map(|i| (i % 5).to_string()).collect();
        let s = scenario(
            "2d",
            &format!("arrivals = {{ per_interval = [{}] }}", v.join(", ")),
            &format!("staff = {{ per_interval = [{}] }}", v.join(", ")),
        )
        .unwrap();
        let r = &s.channels[0].arrivals;
        for i in 0..96 {
            let a = i as f64 * 1800.0;
            assert!((r.expected(a, a + 1800.0) - ((i % 48) % 5) as f64).abs() < 1e-9);
            assert_eq!(s.groups[0].headcount.at(a + 1.0), ((i % 48) % 5) as u32);
        }
    }
}
