//! Shift rules (`[[agents.rule]]`): the shifts a group may be rostered on — days, a window of
//! start times with a step, lengths, breaks each taken within a window after the start
//! (paid or unpaid), cost per paid hour and limits — and every shift [`Pattern`] they allow
//! (`docs/model.md` §18.2). A run does not use them: `ccsim schedule` rosters a
//! group from them (`plan::roster`, `plan::schedule`).
//!
//! Times are in seconds: clocks within a day, offsets after a shift's start, and pattern
//! starts from the horizon's start. Every time is a whole number of the scenario's
//! intervals, so a pattern works whole intervals.

use super::check::{Check, Ctx, check_name, day_list};
use super::locate::FieldPath;
use crate::base::time::{Clock, DAY, Seconds, format_duration, format_number};
use serde::Deserialize;

/// Most patterns a group's rules may allow (each is a variable of the roster program).
pub const MAX_PATTERNS: usize = 20_000;

/// An `[[agents.rule]]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRule {
    pub name: Option<String>,
    pub days: Option<Vec<String>>,
    pub earliest_start: Option<Clock>,
    pub latest_start: Option<Clock>,
    pub start_step: Option<Seconds>,
    pub lengths: Option<Vec<Seconds>>,
    #[serde(default)]
    pub breaks: Vec<RawRuleBreak>,
    pub cost_per_hour: Option<f64>,
    pub min_per_shift: Option<i64>,
    pub max_per_shift: Option<i64>,
    pub max_share: Option<f64>,
}

/// A break of a rule as written: `{ length = "30m", earliest = "3h", latest = "5h", paid = false }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRuleBreak {
    pub length: Option<Seconds>,
    pub earliest: Option<Seconds>,
    pub latest: Option<Seconds>,
    pub paid: Option<bool>,
}

/// A break within a shift: its length and the window after the shift's start in which it
/// must begin (s).
#[derive(Debug, Clone, PartialEq)]
pub struct BreakRule {
    /// Length (s), a whole number of intervals.
    pub length_s: f64,
    /// Earliest start after the shift's start (s).
    pub earliest_s: f64,
    /// Latest start after the shift's start (s).
    pub latest_s: f64,
    /// Paid (counts in the shift's cost) or unpaid.
    pub paid: bool,
}

/// Shifts that may be worked.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftRule {
    /// A name for reports (`early`, `part time`).
    pub name: String,
    /// Days of the horizon (from 0) on which the shifts may start.
    pub days: Vec<usize>,
    /// First start, as the clock within a day (s).
    pub start_from_s: f64,
    /// Last start (s after midnight).
    pub start_to_s: f64,
    /// Step between starts (s), a whole number of intervals.
    pub start_step_s: f64,
    /// Shift lengths allowed (s), breaks included.
    pub lengths_s: Vec<f64>,
    /// Breaks, each taken once per shift.
    pub breaks: Vec<BreakRule>,
    /// Cost of one paid hour.
    pub cost_per_hour: f64,
    /// Fewest agents on a pattern that is used at all (0 or 1: no limit).
    pub min_per_pattern: u32,
    /// Most agents on any one pattern (`None`: no limit).
    pub max_per_pattern: Option<u32>,
    /// Largest share of a day's shifts of the group that may be of this rule (`None`: no
    /// limit), in (0, 1] — a cap on part-time shifts, say.
    pub max_share: Option<f64>,
}

/// One shift as worked: day, start, length, break starts, the intervals it works and its
/// cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    /// Index of its rule.
    pub rule: usize,
    /// Day of the horizon it starts on (from 0).
    pub day: usize,
    /// Start (s from the horizon's start).
    pub start_s: f64,
    /// Length (s), breaks included.
    pub length_s: f64,
    /// Start of each break (s from the horizon's start), in the rule's order.
    pub breaks_s: Vec<f64>,
    /// Intervals worked (breaks excluded), ascending.
    pub works: Vec<usize>,
    /// Cost of one agent on it (paid hours × the rule's cost per hour).
    pub cost: f64,
    /// Paid hours of one agent on it.
    pub paid_hours: f64,
    /// Fewest agents on it when it is used (0 or 1: no limit).
    pub min: u32,
    /// Most agents on it.
    pub max: u32,
    /// Largest share of its day's shifts that its rule may have (`None`: no limit).
    pub max_share: Option<f64>,
}

/// The rules of a group at `p` (`group_cost`: the group's cost per hour, the default),
/// each checked; `ctx.usable` is assumed.
pub(crate) fn rules(ck: &mut Check, ctx: &Ctx, p: &FieldPath, list: &[RawRule], group_cost: f64) -> Vec<ShiftRule> {
    let mut out = Vec::new();
    let mut names = std::collections::HashSet::new();
    for (i, r) in list.iter().enumerate() {
        let rp = p.key("rule").at(i);
        if let Some(name) = ck.required(&rp, "name", &r.name, "name = \"full time\", how reports call these shifts") {
            check_name(ck, &rp.key("name"), name, 100);
            if !names.insert(name.as_str()) {
                ck.err(rp.key("name"), format!("rule name `{name}` is used twice in this group"));
            }
        }
        if let Some(rule) = rule(ck, ctx, &rp, r, group_cost) {
            out.push(rule);
        }
    }
    out
}

/// One rule at `rp`, or `None` with its problems reported.
fn rule(ck: &mut Check, ctx: &Ctx, rp: &FieldPath, r: &RawRule, group_cost: f64) -> Option<ShiftRule> {
    let before = ck.count();
    let iv = ctx.interval;
    // A time at `fp` that must be a whole number of intervals.
    let whole = |ck: &mut Check, fp: FieldPath, s: f64, what: &str| {
        let k = s / iv;
        if !(s.is_finite() && (k - k.round()).abs() < 1e-9) {
            ck.err(
                fp,
                format!(
                    "{what} must be a whole number of intervals ({}), got {}",
                    format_duration(iv),
                    format_duration(s)
                ),
            );
        }
    };
    let weekdays = day_list(ck, &rp.key("days"), &r.days);
    // Days of the horizon it may start on (none when the horizon has none of its weekdays:
    // the rule then allows no shift, which is no mistake — a week's rules on one day).
    let days: Vec<usize> = (0..ctx.days()).filter(|&d| weekdays[usize::from(ctx.start_day.plus(d).0)]).collect();
    let from = ck
        .required(rp, "earliest_start", &r.earliest_start, "earliest_start = \"07:00\", the first start")
        .map(|c| c.0);
    let to = ck.required(rp, "latest_start", &r.latest_start, "latest_start = \"13:00\", the last start").map(|c| c.0);
    for (key, v) in [("earliest_start", from), ("latest_start", to)] {
        if let Some(v) = v {
            if v >= DAY {
                ck.err(rp.key(key), "must be before 24:00");
            }
            whole(ck, rp.key(key), v, "a start");
        }
    }
    if let (Some(a), Some(b)) = (from, to)
        && b < a
    {
        ck.err(
            rp.key("latest_start"),
            "is before earliest_start; starts run from earliest_start to latest_start within a day",
        );
    }
    let step = r.start_step.map_or(iv, |s| s.0);
    if step <= 0.0 {
        ck.err(rp.key("start_step"), format!("must be > 0, got {}", format_duration(step)));
    } else {
        whole(ck, rp.key("start_step"), step, "the step");
    }
    let lengths: Vec<f64> = ck
        .required(rp, "lengths", &r.lengths, "lengths = [\"8h30m\"], each shift's length, breaks included")
        .map(|l| l.iter().map(|s| s.0).collect())
        .unwrap_or_default();
    if r.lengths.as_ref().is_some_and(Vec::is_empty) {
        ck.err(rp.key("lengths"), "is empty; give at least one length such as \"8h\"");
    }
    for (k, &len) in lengths.iter().enumerate() {
        if !(len > 0.0 && len <= DAY) {
            ck.err(
                rp.key("lengths").at(k),
                format!("must be more than 0 and at most a day, got {}", format_duration(len)),
            );
        } else {
            whole(ck, rp.key("lengths").at(k), len, "a length");
        }
    }
    let mut breaks = Vec::new();
    for (k, b) in r.breaks.iter().enumerate() {
        let bp = rp.key("breaks").at(k);
        let len = ck.required(&bp, "length", &b.length, "length = \"30m\"").map(|s| s.0);
        let earliest = ck
            .required(&bp, "earliest", &b.earliest, "earliest = \"3h\", the earliest start after the shift's start")
            .map(|s| s.0);
        let latest = ck
            .required(&bp, "latest", &b.latest, "latest = \"5h\", the latest start after the shift's start")
            .map(|s| s.0);
        let (Some(len), Some(earliest), Some(latest)) = (len, earliest, latest) else { continue };
        if len <= 0.0 {
            ck.err(bp.key("length"), format!("must be > 0, got {}", format_duration(len)));
        }
        if earliest <= 0.0 {
            ck.err(bp.key("earliest"), "must be after the shift's start (> 0)");
        }
        if latest < earliest {
            ck.err(bp.key("latest"), "is before earliest");
        }
        for (key, v) in [("length", len), ("earliest", earliest), ("latest", latest)] {
            whole(ck, bp.key(key), v, "a break time");
        }
        if let Some(&short) = lengths.iter().find(|&&l| earliest + len > l) {
            ck.err(
                bp.clone(),
                format!(
                    "a break of {} starting {} after the start does not fit in a shift of {}",
                    format_duration(len),
                    format_duration(earliest),
                    format_duration(short)
                ),
            );
        }
        breaks.push(BreakRule { length_s: len, earliest_s: earliest, latest_s: latest, paid: b.paid.unwrap_or(false) });
    }
    let cost_per_hour = r.cost_per_hour.unwrap_or(group_cost);
    if !(cost_per_hour.is_finite() && cost_per_hour >= 0.0) {
        ck.err(rp.key("cost_per_hour"), format!("must be ≥ 0, got {}", format_number(cost_per_hour)));
    }
    let limit = super::limits::MAX_AGENTS_PER_GROUP;
    let count = |ck: &mut Check, key: &str, v: Option<i64>, least: i64| -> Option<u32> {
        let v = v?;
        if !(least..=i64::from(limit)).contains(&v) {
            ck.err(rp.key(key), format!("must be a whole number from {least} to {limit}, got {v}"));
            return None;
        }
        Some(v as u32)
    };
    let min = count(ck, "min_per_shift", r.min_per_shift, 0).unwrap_or(0);
    let max = count(ck, "max_per_shift", r.max_per_shift, 1);
    if let Some(max) = max
        && min > max
    {
        ck.err(rp.key("min_per_shift"), format!("is {min}, more than max_per_shift ({max})"));
    }
    if let Some(s) = r.max_share
        && !(s > 0.0 && s <= 1.0)
    {
        ck.err(rp.key("max_share"), format!("must be a share in (0, 1], such as 0.3; got {}", format_number(s)));
    }
    if ck.count() > before {
        return None;
    }
    let (from, to) = (from?, to?);
    let rule = ShiftRule {
        name: r.name.clone()?,
        days,
        start_from_s: from,
        start_to_s: to,
        start_step_s: step,
        lengths_s: lengths,
        breaks,
        cost_per_hour,
        min_per_pattern: min,
        max_per_pattern: max,
        max_share: r.max_share,
    };
    let n = rule.pattern_bound(iv);
    if n > MAX_PATTERNS as f64 {
        ck.err(
            rp.clone(),
            format!(
                "allows up to {} shift patterns (days × starts × lengths × break placements); at most {MAX_PATTERNS} per rule — use a longer start_step or narrower break windows",
                format_number(n)
            ),
        );
        return None;
    }
    Some(rule)
}

impl ShiftRule {
    /// An upper bound on the patterns the rule allows on a horizon of intervals of
    /// `interval_s` (before shifts past the horizon or overlapping breaks are left out).
    pub fn pattern_bound(&self, interval_s: f64) -> f64 {
        let starts = ((self.start_to_s - self.start_from_s) / self.start_step_s.max(interval_s)).floor() + 1.0;
        let placements: f64 =
            self.breaks.iter().map(|b| ((b.latest_s - b.earliest_s) / interval_s).floor().max(0.0) + 1.0).product();
        self.days.len() as f64 * starts.max(0.0) * self.lengths_s.len() as f64 * placements
    }
}

/// Every pattern of `rules` on a horizon of `n` intervals of `interval_s` seconds.
/// Shifts that would run past the horizon are left out, as are break placements that
/// overlap.
///
/// # Errors
///
/// [`Error::Input`](crate::Error::Input) for a rule (not checked by a scenario) whose times
/// are not whole intervals, empty or reversed, or that allows more than [`MAX_PATTERNS`]
/// patterns.
pub fn patterns(rules: &[ShiftRule], interval_s: f64, n: usize) -> Result<Vec<Pattern>, crate::Error> {
    use crate::Error;
    let steps = |what: &str, rule: &str, s: f64| -> Result<usize, Error> {
        let k = s / interval_s;
        if !(s.is_finite() && s >= 0.0 && (k - k.round()).abs() < 1e-9) {
            return Err(Error::Input(format!(
                "shift rule `{rule}`: {what} must be a whole number of intervals ({interval_s} s), got {s} s"
            )));
        }
        Ok(k.round() as usize)
    };
    let per_day = (DAY / interval_s).round() as usize;
    let mut out = Vec::new();
    for (r, rule) in rules.iter().enumerate() {
        let name = rule.name.as_str();
        if rule.lengths_s.is_empty() || rule.start_to_s < rule.start_from_s {
            return Err(Error::Input(format!("shift rule `{name}`: needs lengths and a start window from ≤ to")));
        }
        if rule.pattern_bound(interval_s) > MAX_PATTERNS as f64 {
            return Err(Error::Input(format!("shift rule `{name}`: allows more than {MAX_PATTERNS} patterns")));
        }
        let step = steps("the start step", name, rule.start_step_s)?.max(1);
        let (from, to) =
            (steps("the first start", name, rule.start_from_s)?, steps("the last start", name, rule.start_to_s)?);
        for &len_s in &rule.lengths_s {
            let len = steps("a length", name, len_s)?;
            // Break placements: each break's possible starts, in intervals after the start.
            let mut options: Vec<Vec<usize>> = Vec::new();
            for b in &rule.breaks {
                let (e, l, bl) = (
                    steps("a break's earliest start", name, b.earliest_s)?,
                    steps("a break's latest start", name, b.latest_s)?,
                    steps("a break's length", name, b.length_s)?,
                );
                let fits: Vec<usize> = (e..=l).filter(|&k| k + bl <= len).collect();
                if fits.is_empty() {
                    return Err(Error::Input(format!(
                        "shift rule `{name}`: a break of {} s cannot start {}–{} s into a shift of {len_s} s",
                        b.length_s, b.earliest_s, b.latest_s
                    )));
                }
                options.push(fits);
            }
            for &day in &rule.days {
                for s in (from..=to).step_by(step) {
                    let start = day * per_day + s;
                    if start + len > n {
                        continue;
                    }
                    for placement in product(&options) {
                        let mut off = vec![false; len];
                        let mut unpaid = 0usize;
                        let mut overlap = false;
                        for (b, &k) in rule.breaks.iter().zip(&placement) {
                            let bl = (b.length_s / interval_s).round() as usize;
                            for slot in &mut off[k..k + bl] {
                                overlap |= *slot;
                                *slot = true;
                            }
                            if !b.paid {
                                unpaid += bl;
                            }
                        }
                        if overlap {
                            continue;
                        }
                        let works: Vec<usize> = (0..len).filter(|&k| !off[k]).map(|k| start + k).collect();
                        let paid_hours = (len - unpaid) as f64 * interval_s / 3600.0;
                        out.push(Pattern {
                            rule: r,
                            day,
                            start_s: start as f64 * interval_s,
                            length_s: len_s,
                            breaks_s: placement.iter().map(|&k| (start + k) as f64 * interval_s).collect(),
                            works,
                            cost: paid_hours * rule.cost_per_hour,
                            paid_hours,
                            min: rule.min_per_pattern,
                            max: rule.max_per_pattern.unwrap_or(u32::MAX),
                            max_share: rule.max_share,
                        });
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Every combination of one choice per list (one empty combination for no lists).
fn product(options: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new()];
    for choices in options {
        out = out.iter().flat_map(|p| choices.iter().map(move |&c| [p.clone(), vec![c]].concat())).collect();
    }
    out
}

/// Refuses rules that cannot cover the opening hours: for a live channel served only by
/// groups with rules, an interval in which it is open and expects arrivals but no pattern
/// of those groups works. Named at the first such group's first rule.
pub(crate) fn opening_gaps(ck: &mut Check, ctx: &Ctx, channels: &[super::Channel], groups: &[super::AgentGroup]) {
    let n = ctx.n_intervals;
    let worked: Vec<Option<Vec<bool>>> = groups
        .iter()
        .map(|g| {
            if g.rules.is_empty() {
                return None;
            }
            let mut w = vec![false; n];
            for p in patterns(&g.rules, ctx.interval, n).ok()? {
                for t in p.works {
                    if t < n {
                        w[t] = true;
                    }
                }
            }
            Some(w)
        })
        .collect();
    for (c, ch) in channels.iter().enumerate() {
        if !ch.kind.is_live() {
            continue;
        }
        let servers: Vec<usize> =
            (0..groups.len()).filter(|&g| groups[g].skills.iter().any(|s| s.channel == c)).collect();
        if servers.is_empty() || servers.iter().any(|&g| worked[g].is_none()) {
            continue;
        }
        let gaps: Vec<usize> = (0..n)
            .filter(|&t| {
                let (a, b) = (t as f64 * ctx.interval, (t + 1) as f64 * ctx.interval);
                super::build::open_seconds(&ch.open, a, b) > 0.0
                    && ch.arrivals.expected(a, b) > 0.0
                    && servers.iter().all(|&g| !worked[g].as_ref().is_some_and(|w| w[t]))
            })
            .collect();
        if let Some(&first) = gaps.first() {
            let g = servers[0];
            ck.err(
                FieldPath::root().key("agents").at(g).key("rule"),
                format!(
                    "the shift rules put no one on at {} ({} interval(s) in all), when `{}` is open and expects contacts; widen a start window, allow longer shifts or add a rule",
                    ctx.when(first as f64 * ctx.interval),
                    gaps.len(),
                    ch.name
                ),
            );
        }
    }
}

/// A shift as `[[agents.shift]]` writes it: a start and end clock on some weekdays, a count,
/// and breaks at clock times — what a roster becomes in a scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftEntry {
    /// Start, as the clock within a day (s).
    pub start_s: f64,
    /// Length (s), breaks included.
    pub length_s: f64,
    /// The weekdays it is worked on.
    pub days: Vec<crate::base::time::Weekday>,
    /// Agents on it each of those days.
    pub count: u32,
    /// Each break's start clock (s within a day) and length (s).
    pub breaks: Vec<(f64, f64)>,
}

impl ShiftEntry {
    /// The entry as a TOML table (`start`, `end`, `count`, `days`, `breaks`).
    pub(crate) fn to_toml(&self) -> toml::Value {
        use crate::base::time::format_clock;
        use toml::Value;
        let mut t = toml::Table::new();
        t.insert("start".into(), Value::String(format_clock(self.start_s)));
        t.insert("end".into(), Value::String(format_clock((self.start_s + self.length_s).rem_euclid(DAY))));
        t.insert("count".into(), Value::Integer(i64::from(self.count)));
        t.insert("days".into(), Value::Array(self.days.iter().map(|d| Value::String(d.name().into())).collect()));
        let breaks = self
            .breaks
            .iter()
            .map(|&(at, len)| {
                let mut b = toml::Table::new();
                b.insert("start".into(), Value::String(format_clock(at.rem_euclid(DAY))));
                b.insert("length".into(), Value::String(format_duration(len)));
                Value::Table(b)
            })
            .collect();
        t.insert("breaks".into(), Value::Array(breaks));
        Value::Table(t)
    }
}
