//! KPI definitions (exactly as in `DESIGN.md`), computed per replication.
//!
//! A replication's KPIs form one flat vector of `f64` whose layout is given by [`Layout`];
//! undefined values (a ratio with a zero denominator) are NaN and are skipped when
//! averaging across replications. Contacts are attributed to the interval in which they
//! arrived; agent time to the interval in which it was spent. Only intervals after the
//! warm-up count, and time after the horizon (the drain) is not part of occupancy or cost.

use super::{ChannelCounts, GroupTime, RepStats};
use crate::scenario::{ChannelKind, Scenario};

/// KPIs of a channel, overall and per interval of arrival.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelKpi {
    /// Contacts that arrived.
    Offered,
    /// Contacts whose service started.
    Answered,
    /// Contacts that left the queue before service.
    Abandoned,
    /// Contacts still waiting when the run ended.
    WaitingAtEnd,
    /// Answered within T / (offered − abandoned within the short-abandon threshold).
    ServiceLevel,
    /// Answered within T / answered.
    ServiceLevelOfAnswered,
    /// Mean wait of answered contacts (s).
    AsaS,
    /// Mean time in queue of answered and abandoned contacts, zero waits included (s).
    MeanWaitS,
    /// Percentiles of the waits of answered contacts (s).
    WaitP50S,
    WaitP90S,
    WaitP99S,
    /// Abandoned / offered.
    AbandonRate,
    /// Mean handle time of completed services (s), chat stretch included.
    AhtS,
    /// Agent time busy with this channel / available agent time spent on it (see
    /// [`channel_occupancy`]).
    Occupancy,
    /// As occupancy, over agent time present (scheduled + overtime); never above 1.
    OccupancyPresent,
    /// Chat: chat slots in use / chat slots of the agents present (concurrency × agents
    /// present, shared among channels like occupancy); never above 1.
    SlotUtilisation,
    /// Email and social: arrival to first agent response (s).
    FrtS,
}

impl ChannelKpi {
    pub const ALL: [ChannelKpi; 17] = [
        ChannelKpi::Offered,
        ChannelKpi::Answered,
        ChannelKpi::Abandoned,
        ChannelKpi::WaitingAtEnd,
        ChannelKpi::ServiceLevel,
        ChannelKpi::ServiceLevelOfAnswered,
        ChannelKpi::AsaS,
        ChannelKpi::MeanWaitS,
        ChannelKpi::WaitP50S,
        ChannelKpi::WaitP90S,
        ChannelKpi::WaitP99S,
        ChannelKpi::AbandonRate,
        ChannelKpi::AhtS,
        ChannelKpi::Occupancy,
        ChannelKpi::OccupancyPresent,
        ChannelKpi::SlotUtilisation,
        ChannelKpi::FrtS,
    ];

    /// The field name in JSON and CSV output.
    pub fn name(self) -> &'static str {
        match self {
            ChannelKpi::Offered => "offered",
            ChannelKpi::Answered => "answered",
            ChannelKpi::Abandoned => "abandoned",
            ChannelKpi::WaitingAtEnd => "waiting_at_end",
            ChannelKpi::ServiceLevel => "service_level",
            ChannelKpi::ServiceLevelOfAnswered => "service_level_of_answered",
            ChannelKpi::AsaS => "asa_s",
            ChannelKpi::MeanWaitS => "mean_wait_s",
            ChannelKpi::WaitP50S => "wait_p50_s",
            ChannelKpi::WaitP90S => "wait_p90_s",
            ChannelKpi::WaitP99S => "wait_p99_s",
            ChannelKpi::AbandonRate => "abandon_rate",
            ChannelKpi::AhtS => "aht_s",
            ChannelKpi::Occupancy => "occupancy",
            ChannelKpi::OccupancyPresent => "occupancy_present",
            ChannelKpi::SlotUtilisation => "slot_utilisation",
            ChannelKpi::FrtS => "frt_s",
        }
    }

    /// Whether the KPI means something for a channel of this kind.
    pub fn applies_to(self, kind: ChannelKind) -> bool {
        match self {
            ChannelKpi::SlotUtilisation => kind == ChannelKind::Chat,
            ChannelKpi::FrtS => !kind.is_live(),
            ChannelKpi::Abandoned | ChannelKpi::AbandonRate => kind.is_live(),
            _ => true,
        }
    }
}

/// KPIs of an agent group over the counted part of the horizon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupKpi {
    /// Scheduled agent hours (before shrinkage).
    StaffedHours,
    /// Agent hours available for contacts (after shrinkage).
    AvailableHours,
    /// Agent hours spent finishing a contact after a cut.
    OvertimeHours,
    /// Busy / available agent time.
    Occupancy,
    /// Busy / present agent time (never above 1).
    OccupancyPresent,
    /// Chat slots in use / chat slots of the agents present and not busy with other
    /// channels (groups with a chat skill).
    SlotUtilisation,
    /// Staffed hours × cost per hour.
    Cost,
    /// Contacts answered by the group.
    Handled,
    /// Mean wait of the contacts the group answered (s): for an overflow group, at least
    /// its overflow delay.
    AsaS,
}

impl GroupKpi {
    pub const ALL: [GroupKpi; 9] = [
        GroupKpi::StaffedHours,
        GroupKpi::AvailableHours,
        GroupKpi::OvertimeHours,
        GroupKpi::Occupancy,
        GroupKpi::OccupancyPresent,
        GroupKpi::SlotUtilisation,
        GroupKpi::Cost,
        GroupKpi::Handled,
        GroupKpi::AsaS,
    ];

    pub fn name(self) -> &'static str {
        match self {
            GroupKpi::StaffedHours => "staffed_hours",
            GroupKpi::AvailableHours => "available_hours",
            GroupKpi::OvertimeHours => "overtime_hours",
            GroupKpi::Occupancy => "occupancy",
            GroupKpi::OccupancyPresent => "occupancy_present",
            GroupKpi::SlotUtilisation => "slot_utilisation",
            GroupKpi::Cost => "cost",
            GroupKpi::Handled => "handled",
            GroupKpi::AsaS => "asa_s",
        }
    }
}

/// KPIs of an agent group in one planning interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupIntervalKpi {
    /// Mean scheduled headcount.
    Scheduled,
    /// Mean headcount available after shrinkage.
    Available,
    /// Mean agents present (available + overtime).
    Present,
    Occupancy,
    OccupancyPresent,
    SlotUtilisation,
}

impl GroupIntervalKpi {
    pub const ALL: [GroupIntervalKpi; 6] = [
        GroupIntervalKpi::Scheduled,
        GroupIntervalKpi::Available,
        GroupIntervalKpi::Present,
        GroupIntervalKpi::Occupancy,
        GroupIntervalKpi::OccupancyPresent,
        GroupIntervalKpi::SlotUtilisation,
    ];

    pub fn name(self) -> &'static str {
        match self {
            GroupIntervalKpi::Scheduled => "agents_scheduled",
            GroupIntervalKpi::Available => "agents_available",
            GroupIntervalKpi::Present => "agents_present",
            GroupIntervalKpi::Occupancy => "occupancy",
            GroupIntervalKpi::OccupancyPresent => "occupancy_present",
            GroupIntervalKpi::SlotUtilisation => "slot_utilisation",
        }
    }
}

const NC: usize = ChannelKpi::ALL.len();
const NG: usize = GroupKpi::ALL.len();
const NGI: usize = GroupIntervalKpi::ALL.len();

/// Where each KPI sits in a replication's flat KPI vector.
#[derive(Debug, Clone)]
pub struct Layout {
    pub channels: usize,
    pub groups: usize,
    /// Counted intervals (after the warm-up).
    pub intervals: usize,
    /// Index of the first counted interval in the horizon.
    pub first_interval: usize,
    pub days: usize,
    channel_interval_at: usize,
    group_at: usize,
    group_interval_at: usize,
    handled_at: usize,
    backlog_at: usize,
    types_at: usize,
    len: usize,
}

impl Layout {
    pub fn new(s: &Scenario) -> Layout {
        let channels = s.channels.len();
        let groups = s.groups.len();
        let first_interval = s.first_counted_interval();
        let intervals = s.n_intervals() - first_interval;
        let days = days_in(s.horizon);
        let channel_interval_at = channels * NC;
        let group_at = channel_interval_at + channels * intervals * NC;
        let group_interval_at = group_at + groups * NG;
        let handled_at = group_interval_at + groups * intervals * NGI;
        let backlog_at = handled_at + groups * channels;
        let types_at = backlog_at + channels * days;
        let n_types: usize = s.channels.iter().map(|c| c.types.len()).sum();
        let len = types_at + n_types * NC;
        Layout {
            channels,
            groups,
            intervals,
            first_interval,
            days,
            channel_interval_at,
            group_at,
            group_interval_at,
            handled_at,
            backlog_at,
            types_at,
            len,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn channel(&self, c: usize, k: ChannelKpi) -> usize {
        c * NC + k as usize
    }

    /// `i` counts from the first counted interval.
    pub fn channel_interval(&self, c: usize, i: usize, k: ChannelKpi) -> usize {
        self.channel_interval_at + (c * self.intervals + i) * NC + k as usize
    }

    pub fn group(&self, g: usize, k: GroupKpi) -> usize {
        self.group_at + g * NG + k as usize
    }

    pub fn group_interval(&self, g: usize, i: usize, k: GroupIntervalKpi) -> usize {
        self.group_interval_at + (g * self.intervals + i) * NGI + k as usize
    }

    /// Contacts of channel c handled by group g.
    pub fn handled(&self, g: usize, c: usize) -> usize {
        self.handled_at + g * self.channels + c
    }

    pub fn backlog(&self, c: usize, day: usize) -> usize {
        self.backlog_at + c * self.days + day
    }

    /// KPI of the contact type with global index `t` (see `engine::Model::type_offset`).
    pub fn contact_type(&self, t: usize, k: ChannelKpi) -> usize {
        self.types_at + t * NC + k as usize
    }
}

/// Days (whole or part) in a horizon.
pub fn days_in(horizon: f64) -> usize {
    (horizon / crate::scenario::DAY).ceil() as usize
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { f64::NAN }
}

/// Computes one replication's KPI vector.
pub fn compute(s: &Scenario, layout: &Layout, r: &RepStats) -> Vec<f64> {
    let mut out = vec![f64::NAN; layout.len()];
    let first = layout.first_interval;
    let last = first + layout.intervals;

    for (c, ch) in s.channels.iter().enumerate() {
        let mut total = ChannelCounts::default();
        for i in first..last {
            let counts = &r.channel[r.ci(c, i)];
            total.add(counts);
            let occ = channel_occupancy(s, r, c, i..i + 1);
            let vals = channel_values(counts, counts.wait_quantiles, occ, ch.kind);
            for (k, v) in ChannelKpi::ALL.iter().zip(vals) {
                out[layout.channel_interval(c, i - first, *k)] = v;
            }
        }
        let occ = channel_occupancy(s, r, c, first..last);
        let vals = channel_values(&total, r.channel_quantiles[c], occ, ch.kind);
        for (k, v) in ChannelKpi::ALL.iter().zip(vals) {
            out[layout.channel(c, *k)] = v;
        }
        for d in 0..layout.days {
            out[layout.backlog(c, d)] = r.backlog_end_of_day[c][d] as f64;
        }
    }

    let mut t = 0;
    for ch in &s.channels {
        for _ in &ch.types {
            if ch.types.len() > 1 {
                let vals = channel_values(&r.types[t], [f64::NAN; 3], [f64::NAN; 3], ch.kind);
                for (k, v) in ChannelKpi::ALL.iter().zip(vals) {
                    out[layout.contact_type(t, *k)] = v;
                }
            }
            t += 1;
        }
    }

    for (g, grp) in s.groups.iter().enumerate() {
        let mut total = GroupTime::default();
        let mut held_total = 0.0;
        let chat_slots = |a: f64| a * f64::from(grp.concurrency);
        let chat_held = |i: usize| -> f64 {
            (0..s.channels.len())
                .filter(|&c| s.channels[c].kind == ChannelKind::Chat)
                .map(|c| r.held_on[r.gci(g, c, i)])
                .sum()
        };
        // Agent time present and not busy with other work: the time its chat slots exist.
        let chat_present = |i: usize, present: f64| -> f64 {
            present
                - (0..s.channels.len())
                    .filter(|&c| s.channels[c].kind != ChannelKind::Chat)
                    .map(|c| r.busy_on[r.gci(g, c, i)])
                    .sum::<f64>()
        };
        let mut chat_present_total = 0.0;
        let has_chat = grp.skills.iter().any(|sk| s.channels[sk.channel].kind == ChannelKind::Chat);
        for i in first..last {
            let t = &r.group[r.gi(g, i)];
            total.add(t);
            let held = chat_held(i);
            held_total += held;
            let present_for_chat = chat_present(i, t.present_s);
            chat_present_total += present_for_chat;
            let vals = [
                t.scheduled_s / s.interval,
                t.available_s / s.interval,
                t.present_s / s.interval,
                ratio(t.busy_s, t.available_s),
                ratio(t.busy_s, t.present_s),
                if has_chat { ratio(held, chat_slots(present_for_chat)) } else { f64::NAN },
            ];
            for (k, v) in GroupIntervalKpi::ALL.iter().zip(vals) {
                out[layout.group_interval(g, i - first, *k)] = v;
            }
        }
        let handled: u64 = (0..s.channels.len()).map(|c| r.handled[g * s.channels.len() + c]).sum();
        let staffed_h = total.scheduled_s / 3600.0;
        let vals = [
            staffed_h,
            total.available_s / 3600.0,
            total.overtime_s / 3600.0,
            ratio(total.busy_s, total.available_s),
            ratio(total.busy_s, total.present_s),
            if has_chat { ratio(held_total, chat_slots(chat_present_total)) } else { f64::NAN },
            staffed_h * grp.cost_per_hour,
            handled as f64,
            ratio(r.group_wait_s[g], handled as f64),
        ];
        for (k, v) in GroupKpi::ALL.iter().zip(vals) {
            out[layout.group(g, *k)] = v;
        }
        for c in 0..s.channels.len() {
            out[layout.handled(g, c)] = r.handled[g * s.channels.len() + c] as f64;
        }
    }
    out
}

/// Occupancy of a channel over a range of intervals: `[occupancy, occupancy_present,
/// slot_utilisation]`.
///
/// A blended group's agent time is shared among its channels in proportion to the time it
/// spent busy on each (equally among its skills if it was never busy), so that a channel
/// served by one dedicated group gets exactly busy / available, and every channel of a
/// single blended group gets the group's occupancy.
pub fn channel_occupancy(s: &Scenario, r: &RepStats, c: usize, range: std::ops::Range<usize>) -> [f64; 3] {
    let mut busy = 0.0;
    let mut held = 0.0;
    let mut avail = 0.0;
    let mut present = 0.0;
    let mut slots = 0.0;
    for (g, grp) in s.groups.iter().enumerate() {
        if !grp.skills.iter().any(|sk| sk.channel == c) {
            continue;
        }
        let mut b_gc = 0.0;
        let mut h_gc = 0.0;
        let mut b_g = 0.0;
        let mut a_g = 0.0;
        let mut p_g = 0.0;
        for i in range.clone() {
            b_gc += r.busy_on[r.gci(g, c, i)];
            h_gc += r.held_on[r.gci(g, c, i)];
            let t = &r.group[r.gi(g, i)];
            b_g += t.busy_s;
            a_g += t.available_s;
            p_g += t.present_s;
        }
        let w = if b_g > 0.0 { b_gc / b_g } else { 1.0 / grp.skills.len() as f64 };
        busy += b_gc;
        held += h_gc;
        avail += a_g * w;
        present += p_g * w;
        slots += p_g * w * f64::from(grp.concurrency);
    }
    [ratio(busy, avail), ratio(busy, present), ratio(held, slots)]
}

fn channel_values(t: &ChannelCounts, q: [f64; 3], occ: [f64; 3], kind: ChannelKind) -> [f64; NC] {
    let offered = t.offered as f64;
    let answered = t.answered as f64;
    let abandoned = t.abandoned as f64;
    let asa = ratio(t.wait_answered_s, answered);
    [
        offered,
        answered,
        abandoned,
        t.waiting_at_end as f64,
        ratio(t.answered_within as f64, offered - t.short_abandoned as f64),
        ratio(t.answered_within as f64, answered),
        asa,
        ratio(t.wait_answered_s + t.wait_abandoned_s, answered + abandoned),
        q[0],
        q[1],
        q[2],
        ratio(abandoned, offered),
        ratio(t.handle_s, t.completed as f64),
        occ[0],
        occ[1],
        if kind == ChannelKind::Chat { occ[2] } else { f64::NAN },
        if kind.is_live() { f64::NAN } else { asa },
    ]
}
