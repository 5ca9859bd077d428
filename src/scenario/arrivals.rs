//! A channel's arrivals and opening hours: `arrivals = { per_hour | per_interval | per_day
//! (+ profile), day_factors, scale }` and `open = { from, to, days }`, checked into the
//! arrival rate the engine draws from (`docs/model.md` §3).

use super::build;
use super::check::{Check, Ctx, day_list};
use super::limits::MAX_ARRIVALS_PER_REPLICATION;
use super::locate::FieldPath;
use crate::base::rates::RateFn;
use crate::base::time::{Clock, DAY, format_clock, format_duration, format_number};
use serde::Deserialize;

/// Arrivals as written: exactly one of `per_hour`, `per_interval`, `per_day`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawArrivals {
    pub per_hour: Option<f64>,
    pub per_interval: Option<Vec<f64>>,
    pub per_day: Option<f64>,
    pub profile: Option<Vec<f64>>,
    pub day_factors: Option<RawDayFactors>,
    /// Multiplies every volume (a what-if: `scale = 1.2` is 20 % more contacts).
    pub scale: Option<f64>,
}

/// `day_factors = { mon = 1.2, … }`: a factor per weekday, 1 when left out.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDayFactors {
    pub mon: Option<f64>,
    pub tue: Option<f64>,
    pub wed: Option<f64>,
    pub thu: Option<f64>,
    pub fri: Option<f64>,
    pub sat: Option<f64>,
    pub sun: Option<f64>,
}

impl RawDayFactors {
    /// Factors Monday first, with the key each came from.
    pub fn by_day(&self) -> [(&'static str, Option<f64>); 7] {
        [
            ("mon", self.mon),
            ("tue", self.tue),
            ("wed", self.wed),
            ("thu", self.thu),
            ("fri", self.fri),
            ("sat", self.sat),
            ("sun", self.sun),
        ]
    }
}

/// Opening hours as written: one window a day, on some weekdays.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOpen {
    pub from: Option<Clock>,
    pub to: Option<Clock>,
    pub days: Option<Vec<String>>,
}

/// Time windows `[start, end)` (s), sorted and disjoint.
pub(crate) type Windows = Vec<(f64, f64)>;

/// A channel's opening hours: `(whole days, cut at the horizon)`. Whole days spread daily
/// volumes over a full day (a day cut by the horizon keeps its full hours); the engine gets
/// the windows cut at the horizon. Open all the time when `open` is left out.
pub(crate) fn opening_hours(ck: &mut Check, ctx: &Ctx, p: &FieldPath, open: Option<&RawOpen>) -> (Windows, Windows) {
    let days = match (open, ctx.usable) {
        (None, _) => vec![(0.0, ctx.days() as f64 * DAY)],
        (Some(o), true) => open_windows(ck, ctx, &p.key("open"), o),
        (Some(_), false) => vec![],
    };
    let cut = days.iter().filter(|w| w.0 < ctx.horizon).map(|&(a, b)| (a, b.min(ctx.horizon))).collect();
    (days, cut)
}

/// The open windows of `open = { from, to, days }` at `p`, over whole days of the horizon.
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
        let a = d as f64 * DAY + from;
        let b = d as f64 * DAY + to;
        match w.last_mut() {
            Some(last) if last.1 >= a => last.1 = b,
            _ => w.push((a, b)),
        }
    }
    w
}

/// How much of a day's volume arrives: its weekday's factor times the scale.
struct Factors<'a> {
    ctx: &'a Ctx,
    by_day: [f64; 7],
    scale: f64,
}

impl Factors<'_> {
    /// The factor at time `t` (s from the start).
    fn at(&self, t: f64) -> f64 {
        self.by_day[usize::from(self.ctx.weekday_at(t).0)] * self.scale
    }
}

/// The arrival rate of `arrivals` at `p`. Live channels (`live`) receive contacts only
/// while open (`open`: whole days); deferred ones any time.
pub(crate) fn arrival_rate(
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
    let factors = factors(ck, ctx, p, a)?;
    let all_day = [(0.0, ctx.days() as f64 * DAY)];
    let windows: &[(f64, f64)] = if live { open } else { &all_day };
    let steps = if let Some(r) = a.per_hour {
        if !(r.is_finite() && r >= 0.0) {
            ck.err(p.key("per_hour"), format!("must be a rate ≥ 0 contacts per hour, got {}", format_number(r)));
            return None;
        }
        let rate = r / 3600.0;
        build::rate_while_open(windows, ctx.horizon, |u| rate * factors.at(u))
    } else if let Some(list) = &a.per_interval {
        let v = per_interval(ck, ctx, &p.key("per_interval"), list, &factors)?;
        spread(ck, ctx, &p.key("per_interval"), &v, windows)?
    } else {
        per_day(ck, ctx, p, a, &factors, windows)?
    };
    finish_rate(ck, p, &steps, ctx.horizon)
}

/// The weekday factors and the scale of `a`.
fn factors<'a>(ck: &mut Check, ctx: &'a Ctx, p: &FieldPath, a: &RawArrivals) -> Option<Factors<'a>> {
    let mut by_day = [1.0f64; 7];
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
                by_day[i] = v;
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
    Some(Factors { ctx, by_day, scale })
}

/// Volumes of `per_interval = [..]` (at `p`) for every interval, factors applied.
fn per_interval(ck: &mut Check, ctx: &Ctx, p: &FieldPath, list: &[f64], f: &Factors) -> Option<Vec<f64>> {
    let v = ctx.expand(ck, p, list)?;
    if let Some((i, x)) = v.iter().enumerate().find(|(_, x)| !(x.is_finite() && **x >= 0.0)) {
        ck.err(p.at(i % list.len()), format!("volumes must be ≥ 0, got {}", format_number(*x)));
        return None;
    }
    Some(v.iter().enumerate().map(|(i, x)| x * f.at(i as f64 * ctx.interval)).collect())
}

/// Steps of `per_day = N`: spread by its `profile`, or flat over each day's open time.
fn per_day(
    ck: &mut Check,
    ctx: &Ctx,
    p: &FieldPath,
    a: &RawArrivals,
    f: &Factors,
    windows: &[(f64, f64)],
) -> Option<Vec<(f64, f64)>> {
    let d = a.per_day.unwrap_or(0.0);
    if !(d.is_finite() && d >= 0.0) {
        ck.err(p.key("per_day"), format!("must be a volume ≥ 0 contacts per day, got {}", format_number(d)));
        return None;
    }
    if let Some(prof) = &a.profile {
        let volumes = profile(ck, ctx, &p.key("profile"), d, prof, f)?;
        return spread(ck, ctx, &p.key("profile"), &volumes, windows);
    }
    for day in 0..ctx.days() {
        let a0 = day as f64 * DAY;
        let secs = build::open_seconds(windows, a0, a0 + DAY);
        let vol = d * f.at(a0);
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
    Some(build::flat_days(windows, ctx.days(), ctx.horizon, |day| d * f.at(day as f64 * DAY)))
}

/// Volumes of `per_day` spread by `profile` (at `p`): weights per interval of a day.
fn profile(ck: &mut Check, ctx: &Ctx, p: &FieldPath, daily: f64, prof: &[f64], f: &Factors) -> Option<Vec<f64>> {
    let Some(pd) = ctx.per_day() else {
        ck.err(p.clone(), "needs an interval that divides 24h");
        return None;
    };
    if prof.len() != pd {
        ck.err(
            p.clone(),
            format!(
                "has {} weights; expected {pd}, one per {} interval of a day",
                prof.len(),
                format_duration(ctx.interval)
            ),
        );
        return None;
    }
    if let Some((i, x)) = prof.iter().enumerate().find(|(_, x)| !(x.is_finite() && **x >= 0.0)) {
        ck.err(p.at(i), format!("weights must be ≥ 0, got {}", format_number(*x)));
        return None;
    }
    let sum: f64 = prof.iter().sum();
    if sum <= 0.0 {
        ck.err(p.clone(), "weights add up to 0; at least one must be positive");
        return None;
    }
    Some((0..ctx.n_intervals).map(|i| daily * f.at(i as f64 * ctx.interval) * prof[i % pd] / sum).collect())
}

/// Steps of per-interval volumes, each spread over the open part of its interval; a volume
/// in an interval the channel is closed all of is a problem at `p`.
fn spread(
    ck: &mut Check,
    ctx: &Ctx,
    p: &FieldPath,
    volumes: &[f64],
    windows: &[(f64, f64)],
) -> Option<Vec<(f64, f64)>> {
    for (i, vol) in volumes.iter().enumerate() {
        let a0 = i as f64 * ctx.interval;
        let secs = build::open_seconds(windows, a0, a0 + ctx.interval);
        if *vol > 0.0 && secs <= 0.0 {
            ck.err(
                p.clone(),
                format!(
                    "gives {vol} contacts in the interval starting {} but the channel is closed then",
                    ctx.when(a0)
                ),
            );
            return None;
        }
    }
    Some(build::spread_volumes(volumes, ctx.interval, windows))
}

/// The rate of `steps`, refused when it would simulate too many contacts.
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
