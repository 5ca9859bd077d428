//! The per-replication statistics: a [`Recorder`] that counts contacts per channel and
//! interval of arrival, integrates agent time per group and interval, and keeps wait
//! histograms, producing a [`RepStats`].
//!
//! Memory depends on the number of channels, groups, types and intervals, never on the
//! number of contacts: a per-interval wait histogram is held only while contacts of that
//! interval can still be answered.

use super::histogram::WaitHistogram;
use super::kpi::WAIT_STEPS_KEPT;
use super::{ChannelCounts, IssueCounts, IssueScope, RepStats};
use crate::Error;
use crate::base::time::days_in;
use crate::engine::recorder::{
    Abandonment, AgentChange, Answer, Assisted, At, DayEnd, Fared, Headcount, Heard, IntervalEnd, IssueEnded, Load,
};
use crate::engine::{Contact, IssueEnd, IssueView, Model, Recorder, simulate_with};

/// A piecewise-constant level integrated over time (agents × seconds).
#[derive(Clone, Copy, Default, Debug)]
pub(crate) struct Level {
    pub value: f64,
    last: f64,
    acc: f64,
}

impl Level {
    #[inline]
    fn add(&mut self, now: f64, delta: f64) {
        self.acc += self.value * (now - self.last);
        self.last = now;
        self.value += delta;
    }

    #[inline]
    fn set(&mut self, now: f64, value: f64) {
        self.add(now, value - self.value);
    }

    /// The integral since the last flush, up to `now`.
    fn flush(&mut self, now: f64) -> f64 {
        let x = self.acc + self.value * (now - self.last);
        self.acc = 0.0;
        self.last = now;
        x
    }
}

/// Agent-time levels of one group, and how its agents work.
#[derive(Clone, Copy, Default, Debug)]
pub(crate) struct GroupLevels {
    pub scheduled: Level,
    pub available: Level,
    pub present: Level,
    pub overtime: Level,
    pub busy: Level,
    /// Its channel if it has one skill. Its busy time on that channel is then its busy
    /// time (the same additions, so the same number) and is not kept twice.
    sole_channel: Option<usize>,
    /// One contact at a time: contacts held equal agents busy, channel by channel (the
    /// same additions again), and are not kept twice.
    one_at_a_time: bool,
}

/// What the tally needs of one channel.
#[derive(Clone, Copy, Debug)]
struct ChannelInfo {
    /// Service-level threshold (s).
    within: f64,
    /// 1 / [`wait_step`](super::kpi::wait_step) (per second).
    per_step: f64,
    /// Short-abandon threshold (s).
    short_abandon: f64,
    /// Several contact types (counted separately too).
    multi_type: bool,
    /// Its announcements are ranges (range coverage is counted).
    ranged: bool,
}

/// Per-interval wait histograms, kept only while an interval can still receive waits.
struct Histograms {
    open: Vec<Option<WaitHistogram>>,
    /// Contacts of each (channel, interval) still waiting.
    pending: Vec<u32>,
    pool: Vec<WaitHistogram>,
    /// Zero waits of each (channel, interval) not yet in its histogram (most contacts are
    /// answered at once: counted here, they cost no histogram update).
    zeros: Vec<u32>,
    /// Per channel, every counted interval's waits: each interval's histogram is added
    /// when it is finalised (the same counts as recording each wait twice).
    total: Vec<WaitHistogram>,
}

/// The standard statistics of one replication (see the module documentation).
pub struct Tally {
    stats: RepStats,
    pub(crate) levels: Vec<GroupLevels>,
    /// Per (group, channel): agents busy on the channel, contacts of the channel held.
    busy_on: Vec<Level>,
    held_on: Vec<Level>,
    hist: Histograms,
    /// Index of the interval in progress (n_intervals after the horizon).
    interval: usize,
    n_intervals: usize,
    n_channels: usize,
    first_counted: usize,
    channels: Vec<ChannelInfo>,
    /// Per global type: its service-level threshold (s), its own or its channel's.
    type_within: Vec<f64>,
    /// Per segment: its threshold (s), `None`: the channel's.
    segment_within: Vec<Option<f64>>,
    /// Per global type and per (channel, segment): waits of counted answered contacts
    /// (types of multi-type channels, and segments, only).
    type_waits: Vec<WaitHistogram>,
    segment_waits: Vec<WaitHistogram>,
    /// Times to resolution of counted resolved issues, per type they started as and per
    /// segment.
    type_ttr: Vec<WaitHistogram>,
    segment_ttr: Vec<WaitHistogram>,
    /// Per global type: its channel.
    type_channel: Vec<usize>,
    /// Contacts are counted by type or segment too (some channel has several types, or
    /// there are segments): one test keeps the plain case fast.
    scoped: bool,
    /// The engine does not report issues' ends ([`Model::tracks_issues`]): issue counts
    /// are derived from the contact counts, and each completed contact's time in the
    /// system is its issue's time to resolution.
    derive_issues: bool,
}

impl Tally {
    /// Empty statistics for one replication of `m`.
    pub fn new(m: &Model) -> Tally {
        let s = &m.scenario;
        let n = s.n_intervals();
        let n_ch = s.channels.len();
        let n_g = s.groups.len();
        Tally {
            stats: RepStats::new(n_ch, n_g, n, days_in(s.horizon), m.types.len(), s.segments.len()),
            levels: s
                .groups
                .iter()
                .map(|g| GroupLevels {
                    sole_channel: (g.skills.len() == 1).then(|| g.skills[0].channel),
                    one_at_a_time: g.concurrency == 1,
                    ..GroupLevels::default()
                })
                .collect(),
            busy_on: vec![Level::default(); n_g * n_ch],
            held_on: vec![Level::default(); n_g * n_ch],
            hist: Histograms {
                open: (0..n_ch * n).map(|_| None).collect(),
                pending: vec![0; n_ch * n],
                pool: Vec::new(),
                zeros: vec![0; n_ch * n],
                total: (0..n_ch).map(|_| WaitHistogram::new()).collect(),
            },
            interval: 0,
            n_intervals: n,
            n_channels: n_ch,
            first_counted: s.first_counted_interval(),
            channels: s
                .channels
                .iter()
                .map(|c| ChannelInfo {
                    within: c.target.within,
                    per_step: 1.0 / super::kpi::wait_step(c.target.within),
                    short_abandon: c.short_abandon,
                    multi_type: c.types.len() > 1,
                    ranged: c.announce.as_ref().is_some_and(crate::scenario::Announce::is_range),
                })
                .collect(),
            type_within: s
                .channels
                .iter()
                .flat_map(|c| c.types.iter().map(|t| t.service_level.map_or(c.target.within, |sl| sl.within)))
                .collect(),
            segment_within: s.segments.iter().map(|g| g.service_level.map(|sl| sl.within)).collect(),
            type_waits: (0..m.types.len()).map(|_| WaitHistogram::new()).collect(),
            segment_waits: (0..n_ch * s.segments.len()).map(|_| WaitHistogram::new()).collect(),
            type_ttr: (0..m.types.len()).map(|_| WaitHistogram::new()).collect(),
            segment_ttr: (0..s.segments.len()).map(|_| WaitHistogram::new()).collect(),
            type_channel: s.channels.iter().enumerate().flat_map(|(c, ch)| ch.types.iter().map(move |_| c)).collect(),
            scoped: s.channels.iter().any(|c| c.types.len() > 1) || !s.segments.is_empty(),
            derive_issues: !m.tracks_issues(),
        }
    }

    /// What was counted so far (for tests driving the engine event by event).
    pub fn stats(&self) -> &RepStats {
        &self.stats
    }

    /// Closes the books: percentiles of every interval and of the whole run.
    pub fn finish(mut self) -> RepStats {
        self.interval = self.n_intervals;
        for c in 0..self.n_channels {
            for i in 0..self.n_intervals {
                self.finalise_interval(c, i);
            }
            let h = &self.hist.total[c];
            self.stats.channel_quantiles[c] = [h.quantile(0.5), h.quantile(0.9), h.quantile(0.99)];
        }
        let q3 = |h: &WaitHistogram| [h.quantile(0.5), h.quantile(0.9), h.quantile(0.99)];
        let q2 = |h: &WaitHistogram| [h.quantile(0.5), h.quantile(0.9)];
        for (x, h) in self.stats.types.iter_mut().zip(&self.type_waits) {
            x.wait_quantiles = q3(h);
        }
        for (x, h) in self.stats.segments.iter_mut().zip(&self.segment_waits) {
            x.wait_quantiles = q3(h);
        }
        if self.derive_issues {
            self.derive_issue_counts();
        }
        // Issues: per type as counted; channels and all are sums of types, segments kept.
        let n_types = self.type_ttr.len();
        let mut channel_ttr: Vec<WaitHistogram> = (0..self.n_channels).map(|_| WaitHistogram::new()).collect();
        let mut all_ttr = WaitHistogram::new();
        for t in 0..n_types {
            let c = self.type_channel[t];
            let x = self.stats.issues[t].clone();
            let ci = self.stats.issue_at(IssueScope::Channel(c));
            self.stats.issues[ci].add(&x);
            let ai = self.stats.issue_at(IssueScope::All);
            self.stats.issues[ai].add(&x);
            self.stats.issues[t].ttr_quantiles = q2(&self.type_ttr[t]);
            channel_ttr[c].merge(&self.type_ttr[t]);
            all_ttr.merge(&self.type_ttr[t]);
        }
        for (c, h) in channel_ttr.iter().enumerate() {
            let ci = self.stats.issue_at(IssueScope::Channel(c));
            self.stats.issues[ci].ttr_quantiles = q2(h);
        }
        for (g, h) in self.segment_ttr.iter().enumerate() {
            let si = self.stats.issue_at(IssueScope::Segment(g));
            self.stats.issues[si].ttr_quantiles = q2(h);
        }
        let ai = self.stats.issue_at(IssueScope::All);
        self.stats.issues[ai].ttr_quantiles = q2(&all_ttr);
        if cfg!(debug_assertions) {
            for x in &self.stats.issues {
                assert_eq!(x.issues, x.resolved + x.abandoned + x.open, "issue conservation");
            }
            for (idx, x) in self.stats.channel.iter().enumerate() {
                assert_eq!(
                    x.offered,
                    x.answered + x.abandoned + x.told.balked + x.waiting_at_end,
                    "conservation at {idx}"
                );
                assert_eq!(x.completed + x.unfinished, x.answered, "every answered contact completes ({idx})");
            }
        }
        self.stats
    }

    /// Applies `f` to the counters of the contact's channel and interval of arrival, and to
    /// those of its type when the channel has several types and of its segment when there
    /// are segments, if the contact counts.
    #[inline(always)]
    fn count(&mut self, k: &Contact, f: impl Fn(&mut ChannelCounts)) {
        let (c, i) = (k.channel(), k.interval());
        let ci = self.stats.channel_at(c, i);
        f(&mut self.stats.channel[ci]);
        if self.scoped && i >= self.first_counted {
            if self.channels[c].multi_type {
                f(&mut self.stats.types[k.contact_type()]);
            }
            if self.stats.n_segments > 0 {
                f(&mut self.stats.segments[c * self.stats.n_segments + k.segment()]);
            }
        }
    }

    /// Counts `hit` (a wait or deadline compared with each scope's own threshold) in the
    /// contact's channel, type and segment counters, as [`Tally::count`] does.
    #[inline(always)]
    fn count_within(&mut self, k: &Contact, hit: impl Fn(f64) -> bool, f: impl Fn(&mut ChannelCounts, u64)) {
        let (c, i) = (k.channel(), k.interval());
        let ci = self.stats.channel_at(c, i);
        let within = self.channels[c].within;
        f(&mut self.stats.channel[ci], u64::from(hit(within)));
        if !self.scoped || i < self.first_counted {
            return;
        }
        if self.channels[c].multi_type {
            let t = k.contact_type();
            f(&mut self.stats.types[t], u64::from(hit(self.type_within[t])));
        }
        if self.stats.n_segments > 0 {
            let g = k.segment();
            let w = self.segment_within[g].unwrap_or(within);
            f(&mut self.stats.segments[c * self.stats.n_segments + g], u64::from(hit(w)));
        }
    }

    #[inline(always)]
    fn record_interval_wait(&mut self, c: usize, i: usize, wait: f64) {
        let h = &mut self.hist.open[c * self.n_intervals + i];
        h.get_or_insert_with(|| self.hist.pool.pop().unwrap_or_default()).record(wait);
    }

    /// A contact of (c, i) left its queue; finalise the interval's percentiles if it was
    /// the last one waiting of a closed interval.
    #[inline]
    fn leave_queue(&mut self, c: usize, i: usize) {
        let idx = c * self.n_intervals + i;
        self.hist.pending[idx] -= 1;
        if self.hist.pending[idx] == 0 && i < self.interval {
            self.finalise_interval(c, i);
        }
    }

    fn finalise_interval(&mut self, c: usize, i: usize) {
        let idx = c * self.n_intervals + i;
        let zeros = std::mem::take(&mut self.hist.zeros[idx]);
        if zeros > 0 {
            let pool = &mut self.hist.pool;
            self.hist.open[idx].get_or_insert_with(|| pool.pop().unwrap_or_default()).add_zeros(zeros);
        }
        if let Some(mut h) = self.hist.open[idx].take() {
            self.stats.channel[idx].wait_quantiles = [h.quantile(0.5), h.quantile(0.9), h.quantile(0.99)];
            // Only counted intervals have histograms (see `answered`).
            self.hist.total[c].merge(&h);
            h.clear();
            self.hist.pool.push(h);
        }
    }
}

/// Counts an issue that ended as `end` after `ttr` s in scope `x`.
#[inline(always)]
fn add_issue(x: &mut IssueCounts, v: &IssueView, end: IssueEnd, ttr: f64) {
    x.issues += 1;
    match end {
        IssueEnd::Resolved => {
            x.resolved += 1;
            x.first_contact += u64::from(v.contacts == 1);
            x.contacts += u64::from(v.contacts);
            x.ttr_s += ttr;
        }
        IssueEnd::Abandoned | IssueEnd::GaveUp => {
            x.abandoned += 1;
            x.gave_up += u64::from(end == IssueEnd::GaveUp);
            x.contacts += u64::from(v.contacts);
        }
        IssueEnd::Open => x.open += 1,
    }
}

/// The issue counts of contacts that are each their whole issue, uninterrupted: every
/// fresh contact opens one, a completed one resolves it after its wait and handle time,
/// an abandoned or balked one ends it for good, one still waiting leaves it open.
fn single_contact_issues(x: &ChannelCounts) -> IssueCounts {
    IssueCounts {
        issues: x.offered,
        resolved: x.completed,
        first_contact: x.completed,
        abandoned: x.abandoned + x.told.balked,
        gave_up: 0,
        open: x.waiting_at_end + x.unfinished,
        contacts: x.completed + x.abandoned + x.told.balked,
        ttr_s: x.wait_answered_s + x.handle_s,
        ttr_quantiles: [f64::NAN; 2],
    }
}

impl Tally {
    /// Issue counts per type and segment from the contact counts (runs whose engine does
    /// not report issues: every issue a single uninterrupted contact).
    fn derive_issue_counts(&mut self) {
        let n = self.n_intervals;
        let mut t = 0;
        for (c, info) in self.channels.iter().enumerate() {
            if info.multi_type {
                while t < self.type_channel.len() && self.type_channel[t] == c {
                    self.stats.issues[t] = single_contact_issues(&self.stats.types[t]);
                    t += 1;
                }
            } else {
                let mut total = ChannelCounts::default();
                for i in self.first_counted..n {
                    total.add(&self.stats.channel[c * n + i]);
                }
                self.stats.issues[t] = single_contact_issues(&total);
                t += 1;
            }
        }
        for g in 0..self.stats.n_segments {
            let mut total = ChannelCounts::default();
            for c in 0..self.n_channels {
                total.add(&self.stats.segments[c * self.stats.n_segments + g]);
            }
            let si = self.stats.issue_at(IssueScope::Segment(g));
            self.stats.issues[si] = single_contact_issues(&total);
        }
    }

    /// The wait of a counted answered contact, by type and segment (scoped runs).
    #[cold]
    fn scoped_wait(&mut self, k: &Contact, wait: f64) {
        let c = k.channel();
        if self.channels[c].multi_type {
            self.type_waits[k.contact_type()].record(wait);
        }
        if self.stats.n_segments > 0 {
            self.segment_waits[c * self.stats.n_segments + k.segment()].record(wait);
        }
    }

    /// The segment's side of [`Recorder::issue_ended`] (scenarios with segments).
    #[cold]
    fn segment_issue_ended(&mut self, v: &IssueView, end: IssueEnd, ttr: f64) {
        let si = self.stats.issue_at(IssueScope::Segment(v.segment));
        add_issue(&mut self.stats.issues[si], v, end, ttr);
        if end == IssueEnd::Resolved {
            self.segment_ttr[v.segment].record(ttr);
        }
    }
}

impl Recorder for Tally {
    #[inline(always)]
    fn arrival(&mut self, e: At<'_>) {
        let repeat = u64::from(e.contact.is_repeat());
        self.count(e.contact, |x| {
            x.offered += 1;
            x.repeat += repeat;
        });
    }

    fn deflected(&mut self, e: At<'_>) {
        self.count(e.contact, |x| x.deflected += 1);
    }

    fn assisted(&mut self, e: Assisted<'_>) {
        let (c, esc) = (u64::from(e.contained), u64::from(!e.contained));
        let fresh = c & u64::from(!e.contact.is_repeat());
        self.count(e.contact, |x| {
            x.contained += c;
            x.escalated += esc;
            x.contained_fresh += fresh;
        });
    }

    fn preempted(&mut self, e: At<'_>) {
        self.count(e.contact, |x| x.preempted += 1);
    }

    #[inline(always)]
    fn issue_ended(&mut self, e: IssueEnded<'_>) {
        let v = e.issue;
        if !v.counted {
            return;
        }
        let ttr = e.now - v.start;
        add_issue(&mut self.stats.issues[v.origin], v, e.end, ttr);
        if e.end == IssueEnd::Resolved {
            self.type_ttr[v.origin].record(ttr);
        }
        if self.stats.n_segments > 0 {
            self.segment_issue_ended(v, e.end, ttr);
        }
    }

    #[inline]
    fn queued(&mut self, e: At<'_>) {
        self.hist.pending[e.contact.channel() * self.n_intervals + e.contact.interval()] += 1;
    }

    #[inline(always)]
    fn answered(&mut self, e: Answer<'_>) {
        let (k, wait, g) = (e.contact, e.wait, e.group);
        let (c, i) = (k.channel(), k.interval());
        if wait == 0.0 && !self.scoped {
            // Answered at once (most contacts): within every threshold, in the first wait
            // step, and nothing to add to the sums of waits.
            let ci = c * self.n_intervals + i;
            let x = &mut self.stats.channel[ci];
            x.answered += 1;
            x.answered_within += 1;
            if i >= self.first_counted {
                self.stats.wait_steps[c][0] += 1;
                self.stats.handled[g * self.n_channels + c] += 1;
                self.hist.zeros[ci] += 1;
            }
            if e.from_queue {
                self.leave_queue(c, i);
            }
            return;
        }
        self.count_within(
            k,
            |t| wait <= t,
            |x, within| {
                x.answered += 1;
                x.wait_answered_s += wait;
                x.answered_within += within;
            },
        );
        if i >= self.first_counted {
            if self.scoped {
                self.scoped_wait(k, wait);
            }
            // ⌈wait / step⌉ capped at the last slot, cheaply: clamp in floating point, then
            // truncate to a small signed integer and add one for a fractional part. Waits
            // are never negative.
            let x = (wait * self.channels[c].per_step).min(WAIT_STEPS_KEPT as f64);
            let whole = x as i32;
            let step = ((whole + i32::from(x > f64::from(whole))) as usize).min(WAIT_STEPS_KEPT - 1);
            self.stats.wait_steps[c][step] += 1;
            self.stats.handled[g * self.n_channels + c] += 1;
            self.stats.group_wait_s[g] += wait;
            self.record_interval_wait(c, i, wait);
        }
        if e.from_queue {
            self.leave_queue(c, i);
        }
    }

    #[inline(always)]
    fn completed(&mut self, e: At<'_>) {
        let k = e.contact;
        let handle = k.handle_time();
        self.count(k, |x| {
            x.completed += 1;
            x.handle_s += handle;
        });
        if self.derive_issues && k.interval() >= self.first_counted {
            // The contact is its whole issue, resolved now.
            let ttr = e.now - k.arrival();
            self.type_ttr[k.contact_type()].record(ttr);
            if self.stats.n_segments > 0 {
                self.segment_ttr[k.segment()].record(ttr);
            }
        }
    }

    #[inline]
    fn abandoned(&mut self, e: Abandonment<'_>) {
        let k = e.contact;
        let waited = e.waited;
        // Strictly within: with the default threshold of 0 s the denominator is all offered.
        let short = u64::from(waited < self.channels[k.channel()].short_abandon);
        self.count(k, |x| {
            x.abandoned += 1;
            x.wait_abandoned_s += waited;
            x.short_abandoned += short;
        });
        self.leave_queue(k.channel(), k.interval());
    }

    fn scheduled(&mut self, e: Headcount) {
        self.levels[e.group].scheduled.set(e.now, f64::from(e.agents));
    }

    fn available(&mut self, e: Headcount) {
        self.levels[e.group].available.set(e.now, f64::from(e.agents));
    }

    #[inline]
    fn present(&mut self, e: AgentChange) {
        self.levels[e.group].present.add(e.now, e.delta);
    }

    #[inline]
    fn overtime(&mut self, e: AgentChange) {
        self.levels[e.group].overtime.add(e.now, e.delta);
    }

    #[inline(always)]
    fn busy(&mut self, e: Load) {
        let lv = &mut self.levels[e.group];
        lv.busy.add(e.now, e.delta);
        if lv.sole_channel.is_none() {
            self.busy_on[e.group * self.n_channels + e.channel].add(e.now, e.delta);
        }
    }

    #[inline(always)]
    fn held(&mut self, e: Load) {
        if !self.levels[e.group].one_at_a_time {
            self.held_on[e.group * self.n_channels + e.channel].add(e.now, e.delta);
        }
    }

    fn interval_end(&mut self, e: IntervalEnd) {
        let (now, i) = (e.now, e.interval);
        let n_ch = self.n_channels;
        for (g, lv) in self.levels.iter_mut().enumerate() {
            let gi = self.stats.group_at(g, i);
            let t = &mut self.stats.group[gi];
            t.scheduled_s = lv.scheduled.flush(now);
            t.available_s = lv.available.flush(now);
            t.present_s = lv.present.flush(now);
            t.overtime_s = lv.overtime.flush(now);
            t.busy_s = lv.busy.flush(now);
            let busy_s = t.busy_s;
            for c in 0..n_ch {
                let idx = self.stats.group_channel_at(g, c, i);
                let busy_on = match lv.sole_channel {
                    Some(sole) if sole == c => busy_s,
                    Some(_) => 0.0,
                    None => self.busy_on[g * n_ch + c].flush(now),
                };
                self.stats.busy_on[idx] = busy_on;
                self.stats.held_on[idx] =
                    if lv.one_at_a_time { busy_on } else { self.held_on[g * n_ch + c].flush(now) };
            }
        }
        self.interval = i + 1;
        for c in 0..n_ch {
            if self.hist.pending[c * self.n_intervals + i] == 0 {
                self.finalise_interval(c, i);
            }
        }
    }

    fn day_end(&mut self, e: DayEnd) {
        if let Some(slot) = self.stats.backlog_end_of_day[e.channel].get_mut(e.day) {
            *slot = u64::from(e.waiting);
        }
    }

    fn waiting_at_end(&mut self, e: At<'_>) {
        let (k, end) = (e.contact, e.now);
        let arrival = k.arrival();
        self.count_within(
            k,
            |t| arrival + t > end,
            |x, not_due| {
                x.waiting_at_end += 1;
                x.not_yet_due += not_due;
            },
        );
        self.hist.pending[k.channel() * self.n_intervals + k.interval()] -= 1;
    }

    fn unfinished(&mut self, e: At<'_>) {
        self.count(e.contact, |x| x.unfinished += 1);
    }

    fn announced(&mut self, e: Heard<'_>) {
        let first = u64::from(e.first);
        self.count(e.contact, |x| {
            x.told.announcements += 1;
            x.told.told += first;
        });
    }

    fn balked(&mut self, e: Heard<'_>) {
        self.count(e.contact, |x| x.told.balked += 1);
    }

    fn answered_told(&mut self, e: Fared<'_>) {
        let (k, a, now) = (e.contact, e.announcement, e.now);
        let actual = a.actual(now);
        let err = a.first.heard - actual;
        let promised = u64::from(a.promised());
        let kept = promised & u64::from(now <= a.promise_at);
        let ranged = self.channels[k.channel()].ranged;
        let inside = u64::from(ranged && actual >= a.first.low && actual <= a.first.high);
        self.count(k, |x| {
            let t = &mut x.told;
            t.answered += 1;
            t.error_s += err;
            t.abs_error_s += err.abs();
            t.sq_error_s2 += err * err;
            t.wait_s += actual;
            t.promised += promised;
            t.promise_kept += kept;
            t.ranged += u64::from(ranged);
            t.in_range += inside;
        });
    }

    fn abandoned_told(&mut self, e: Fared<'_>) {
        let broken = u64::from(e.now >= e.announcement.promise_at);
        self.count(e.contact, |x| x.told.abandoned_broken += broken);
    }
}

/// One replication of `m` with the standard statistics: the default run of the engine.
///
/// # Errors
///
/// [`Error::Run`] when the replication outgrows memory (see
/// [`simulate_with`]).
pub fn replicate(m: &Model, rep: u64) -> Result<RepStats, Error> {
    Ok(simulate_with(m, rep, Tally::new(m))?.finish())
}
