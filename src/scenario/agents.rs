//! Agent groups (`[[agents]]`): skills (with overflow delays), headcount — a constant, one
//! per interval, or shifts with breaks — shrinkage, chat concurrency, cost, interruption of
//! deferred work (`docs/model.md` §6–§8). Shift rules (`[[agents.rule]]`) are checked in
//! `rules.rs`.

use super::build;
use super::channel::RawChannel;
use super::check::{Check, Ctx, check_name, day_list, name_of};
use super::kind::ChannelKind;
use super::limits::{MAX_AGENTS_PER_GROUP, MAX_CONCURRENCY};
use super::locate::FieldPath;
use crate::base::time::{Clock, DAY, Seconds, format_clock, format_duration, format_number};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use std::collections::{HashMap, HashSet};
use std::fmt;

/// An `[[agents]]` group as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAgents {
    pub name: Option<String>,
    pub skills: Option<Vec<RawSkill>>,
    pub staff: Option<RawStaff>,
    #[serde(default, rename = "shift")]
    pub shifts: Vec<RawShift>,
    pub shrinkage: Option<f64>,
    pub concurrency: Option<i64>,
    pub cost_per_hour: Option<f64>,
    pub interrupt_deferred: Option<bool>,
    #[serde(default, rename = "rule")]
    pub rules: Vec<super::rules::RawRule>,
}

/// A skill: a channel name, or `{ channel = "...", after = "30s" }` for overflow.
#[derive(Debug)]
pub struct RawSkill {
    pub channel: String,
    pub after: Option<Seconds>,
}

impl<'de> Deserialize<'de> for RawSkill {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Table {
            channel: String,
            after: Option<Seconds>,
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawSkill;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a channel name, or a table { channel = \"phone\", after = \"30s\" }")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawSkill, E> {
                Ok(RawSkill { channel: v.to_owned(), after: None })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawSkill, A::Error> {
                let t = Table::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(RawSkill { channel: t.channel, after: t.after })
            }
        }
        d.deserialize_any(V)
    }
}

/// Headcount: a constant number, or `{ per_interval = [...] }`.
#[derive(Debug)]
pub enum RawStaff {
    Constant(i64),
    PerInterval(Vec<f64>),
}

impl<'de> Deserialize<'de> for RawStaff {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Table {
            per_interval: Vec<f64>,
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawStaff;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a whole number of agents, or a table { per_interval = [..] }")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawStaff, E> {
                Ok(RawStaff::Constant(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawStaff, E> {
                Ok(RawStaff::Constant(i64::try_from(v).unwrap_or(i64::MAX)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawStaff, A::Error> {
                let t = Table::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(RawStaff::PerInterval(t.per_interval))
            }
        }
        d.deserialize_any(V)
    }
}

/// An `[[agents.shift]]`: a start and end clock, a count or named people, weekdays, breaks.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawShift {
    pub start: Option<Clock>,
    pub end: Option<Clock>,
    pub count: Option<i64>,
    pub people: Option<Vec<String>>,
    pub days: Option<Vec<String>>,
    #[serde(default)]
    pub breaks: Vec<RawBreak>,
}

/// A break within a shift: its start clock and length.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBreak {
    pub start: Option<Clock>,
    pub length: Option<Seconds>,
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
    /// The shifts the group may be rostered on (`[[agents.rule]]`; empty: none given). A
    /// run does not use them; `ccsim schedule` does.
    pub rules: Vec<super::rules::ShiftRule>,
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

/// One group written at `p` (`chans`: the channels as written; `names`: their names), or
/// `None` with its problems reported.
pub(crate) fn group(
    ck: &mut Check,
    ctx: &Ctx,
    p: &FieldPath,
    ra: &RawAgents,
    chans: &[RawChannel],
    names: &[&str],
) -> Option<AgentGroup> {
    let before = ck.count();
    if let Some(name) = ck.required(p, "name", &ra.name, "every group needs name = \"…\"") {
        check_name(ck, &p.key("name"), name, 100);
    }
    let skills = skills(ck, p, ra, names);
    let shrinkage = ra.shrinkage.unwrap_or(0.0);
    if !(0.0..1.0).contains(&shrinkage) {
        ck.err(p.key("shrinkage"), format!("must be a share in [0, 1), such as 0.3; got {}", format_number(shrinkage)));
    }
    let kind_of = |c: usize| chans[c].kind.as_deref().and_then(ChannelKind::parse);
    let kinds: Vec<Option<ChannelKind>> = skills.iter().map(|s| kind_of(s.channel)).collect();
    let concurrency = concurrency(ck, p, ra.concurrency, &skills, &kinds, chans);
    let cost_per_hour = ra.cost_per_hour.unwrap_or(0.0);
    if !(cost_per_hour.is_finite() && cost_per_hour >= 0.0) {
        ck.err(p.key("cost_per_hour"), format!("must be ≥ 0, got {}", format_number(cost_per_hour)));
    }
    let interrupt_deferred = ra.interrupt_deferred.unwrap_or(false);
    if interrupt_deferred {
        let live = kinds.iter().any(|k| k.is_some_and(|k| k.is_live()));
        let deferred = kinds.iter().any(|k| k.is_some_and(|k| !k.is_live()));
        let complete = ra.skills.is_some() && kinds.iter().all(Option::is_some);
        if complete && !(live && deferred) {
            ck.err(
                p.key("interrupt_deferred"),
                "needs both a live skill (voice or chat) and a deferred one (email or social): there is nothing to interrupt",
            );
        }
    }
    let staffing = if ctx.usable { staffing(ck, ctx, p, ra) } else { None };
    let rules = if ctx.usable { super::rules::rules(ck, ctx, p, &ra.rules, cost_per_hour) } else { Vec::new() };
    if ck.count() > before {
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
        rules,
    })
}

/// The skills of a group at `p`: channels it serves, in preference order, each at most once.
fn skills(ck: &mut Check, p: &FieldPath, ra: &RawAgents, names: &[&str]) -> Vec<Skill> {
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
    skills
}

/// A group's chat concurrency (1 when left out): for groups with a chat skill, within the
/// stretch factors its chat channels give. `kinds`: the kind of each skill's channel.
fn concurrency(
    ck: &mut Check,
    p: &FieldPath,
    written: Option<i64>,
    skills: &[Skill],
    kinds: &[Option<ChannelKind>],
    chans: &[RawChannel],
) -> u32 {
    let Some(c) = written else { return 1 };
    if !(1..=i64::from(MAX_CONCURRENCY)).contains(&c) {
        ck.err(p.key("concurrency"), format!("must be from 1 to {MAX_CONCURRENCY} chats, got {c}"));
        return 1;
    }
    let has_chat = kinds.contains(&Some(ChannelKind::Chat));
    if c > 1 && !has_chat && kinds.iter().all(Option::is_some) {
        ck.err(p.key("concurrency"), "applies to chat; this group has no chat skill");
    }
    for s in skills {
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

/// A headcount at `p`: a whole number of agents, at most a group's largest.
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

/// A group's scheduled headcount: `staff = N`, `staff = { per_interval = [..] }` or its
/// shifts — exactly one of them.
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

/// The headcount of a group's shifts at `p`: each shift's occurrences over the horizon,
/// breaks taken out; a named person on two overlapping shifts is refused.
fn shifts(ck: &mut Check, ctx: &Ctx, p: &FieldPath, list: &[RawShift]) -> Option<Headcount> {
    let before = ck.count();
    // (time, +/- count) changes over the horizon.
    let mut changes: Vec<(f64, i64)> = Vec::new();
    // Each named person's working windows, to refuse double counting.
    let mut people: HashMap<&str, Vec<(f64, f64, usize)>> = HashMap::new();
    for (i, s) in list.iter().enumerate() {
        let sp = p.key("shift").at(i);
        let Some(count) = shift_count(ck, &sp, s) else { continue };
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
        let brk = breaks(ck, &sp, &s.breaks, (start, end, len));
        let days = day_list(ck, &sp.key("days"), &s.days);
        let pattern = build::ShiftPattern { start, len, breaks: &brk, days, count };
        for (a, b) in build::occurrences(&pattern, ctx.days(), ctx.start_day.0, ctx.horizon) {
            build::changes_of(&pattern, (a, b), &mut changes);
            for n in s.people.iter().flatten() {
                people.entry(n.as_str()).or_default().push((a, b, i));
            }
        }
    }
    people_overlaps(ck, ctx, p, people);
    if ck.count() > before {
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

/// How many agents a shift at `sp` puts on: its `count`, or its named `people`.
fn shift_count(ck: &mut Check, sp: &FieldPath, s: &RawShift) -> Option<i64> {
    match (s.count, &s.people) {
        (Some(_), Some(_)) => {
            ck.err(sp.key("people"), "give `count` or `people`, not both");
            None
        }
        (None, None) => {
            ck.err(sp.clone(), "needs count = N or people = [\"name\", ..]");
            None
        }
        (Some(c), None) => headcount(ck, &sp.key("count"), c as f64).map(i64::from),
        (None, Some(names)) => {
            let mut seen = HashSet::new();
            for (k, n) in names.iter().enumerate() {
                check_name(ck, &sp.key("people").at(k), n, 100);
                if !seen.insert(n.as_str()) {
                    ck.err(sp.key("people").at(k), format!("`{n}` is listed twice in this shift"));
                }
            }
            Some(names.len() as i64)
        }
    }
}

/// The breaks of a shift at `sp` (`(start, end, length)` of the shift, s) as offsets
/// `[from, to)` from its start: inside the shift and not overlapping each other.
fn breaks(ck: &mut Check, sp: &FieldPath, list: &[RawBreak], (start, end, len): (f64, f64, f64)) -> Vec<(f64, f64)> {
    let mut brk: Vec<(f64, f64)> = Vec::new();
    for (k, b) in list.iter().enumerate() {
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
    brk
}

/// Refuses a named person on two overlapping shifts: `people` holds each one's working
/// windows `(from, to, shift index)`.
fn people_overlaps(ck: &mut Check, ctx: &Ctx, p: &FieldPath, people: HashMap<&str, Vec<(f64, f64, usize)>>) {
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
}
