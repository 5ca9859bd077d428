//! Statistics: what one replication counts, the KPIs computed from it, and their means
//! and confidence intervals across replications.
//!
//! * [`RepStats`] — raw counters and agent-time integrals of one replication, per channel
//!   and planning interval of **arrival**, and per agent group and interval of **time**.
//!   Its size depends on the number of intervals, never on the number of contacts.
//! * [`kpi`] — the KPI catalogue and definitions (`docs/kpis.md`), computed per replication.
//! * [`summary`] — mean and 95 % Student-t half-width across replications.

pub mod histogram;
pub mod kpi;
pub mod summary;
pub mod tally;

/// Counters of one channel for contacts that arrived in one planning interval.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelCounts {
    /// Contacts that arrived.
    pub offered: u64,
    /// Service started.
    pub answered: u64,
    /// Left the queue before service.
    pub abandoned: u64,
    /// Abandoned within the channel's short-abandon threshold.
    pub short_abandoned: u64,
    /// Answered with wait ≤ T.
    pub answered_within: u64,
    /// Sum of waits of answered contacts (s).
    pub wait_answered_s: f64,
    /// Sum of times in queue of abandoned contacts (s).
    pub wait_abandoned_s: f64,
    /// Services completed.
    pub completed: u64,
    /// Sum of handle times of completed services (s).
    pub handle_s: f64,
    /// Still waiting when the run ended (deferred work no agent could take).
    pub waiting_at_end: u64,
    /// Of those waiting at the end, the ones whose deadline (arrival + T) lies after the
    /// end of the run: not yet a miss, so outside the service-level denominator.
    pub not_yet_due: u64,
    /// Answered, then interrupted for live work and not resumed before the run ended.
    pub unfinished: u64,
    /// Percentiles of the waits of answered contacts (s): p50, p90, p99; NaN if none.
    pub wait_quantiles: [f64; 3],
    /// Announcements: what waiting contacts were told, and how it turned out.
    pub told: ToldCounts,
    /// Of the offered, later contacts of their issue (returns and redials).
    pub repeat: u64,
    /// Fresh contacts self-service deflected (not offered).
    pub deflected: u64,
    /// Services preempted by a more urgent contact (preemptive channels).
    pub preempted: u64,
    /// Contacts the virtual assistant contained (not offered).
    pub contained: u64,
    /// Contacts the virtual assistant passed on to the queue (offered after the bot time).
    pub escalated: u64,
    /// Of the contained, first contacts of their issue (so issues = fresh offered + these).
    pub contained_fresh: u64,
}

/// What became of the issues that started in the counted horizon, for one scope (a
/// contact type, a channel, a segment, or all). Every issue is counted once, when it ends.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IssueCounts {
    /// Issues (ended in any way, open at the end included).
    pub issues: u64,
    /// Resolved by a completed contact.
    pub resolved: u64,
    /// Resolved by their first contact.
    pub first_contact: u64,
    /// Abandoned for good: the customer left and did not try again, or gave up at the cap.
    pub abandoned: u64,
    /// Of those, unresolved at their last allowed contact.
    pub gave_up: u64,
    /// Open when the run ended.
    pub open: u64,
    /// Contacts made by the issues that ended (resolved or abandoned for good).
    pub contacts: u64,
    /// Sum of the times to resolution of the resolved (s).
    pub ttr_s: f64,
    /// Percentiles p50, p90 of the times to resolution (s); NaN if none.
    pub ttr_quantiles: [f64; 2],
}

impl IssueCounts {
    /// Adds another scope's counters (quantiles are not additive and are left alone).
    pub fn add(&mut self, o: &IssueCounts) {
        self.issues += o.issues;
        self.resolved += o.resolved;
        self.first_contact += o.first_contact;
        self.abandoned += o.abandoned;
        self.gave_up += o.gave_up;
        self.open += o.open;
        self.contacts += o.contacts;
        self.ttr_s += o.ttr_s;
    }
}

/// Announcement counters of one channel and interval of arrival (all zero for a channel
/// without announcements). Errors compare the first announcement's heard wait with the
/// actual wait from that announcement to the start of service.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToldCounts {
    /// Contacts told a wait at least once.
    pub told: u64,
    /// Announcements made, updates included.
    pub announcements: u64,
    /// Hung up on hearing the arrival announcement.
    pub balked: u64,
    /// Told contacts that were answered.
    pub answered: u64,
    /// Sum over them of heard − actual wait (s).
    pub error_s: f64,
    /// Sum of |heard − actual| (s).
    pub abs_error_s: f64,
    /// Sum of (heard − actual)² (s²).
    pub sq_error_s2: f64,
    /// Sum of their actual waits (s).
    pub wait_s: f64,
    /// Answered told contacts whose latest announcement promised a wait (not an open
    /// bucket or 0 s).
    pub promised: u64,
    /// Of those, answered by the end of that promise.
    pub promise_kept: u64,
    /// Answered contacts told a range (ranges and buckets).
    pub ranged: u64,
    /// Of those, answered with an actual wait inside the first range told.
    pub in_range: u64,
    /// Told contacts that abandoned at or after the end of their latest promise (they
    /// were still waiting when it broke).
    pub abandoned_broken: u64,
}

impl ToldCounts {
    /// Adds another interval's counters.
    pub fn add(&mut self, o: &ToldCounts) {
        self.told += o.told;
        self.announcements += o.announcements;
        self.balked += o.balked;
        self.answered += o.answered;
        self.error_s += o.error_s;
        self.abs_error_s += o.abs_error_s;
        self.sq_error_s2 += o.sq_error_s2;
        self.wait_s += o.wait_s;
        self.promised += o.promised;
        self.promise_kept += o.promise_kept;
        self.ranged += o.ranged;
        self.in_range += o.in_range;
        self.abandoned_broken += o.abandoned_broken;
    }
}

impl Default for ChannelCounts {
    fn default() -> Self {
        ChannelCounts {
            offered: 0,
            answered: 0,
            abandoned: 0,
            short_abandoned: 0,
            answered_within: 0,
            wait_answered_s: 0.0,
            wait_abandoned_s: 0.0,
            completed: 0,
            handle_s: 0.0,
            waiting_at_end: 0,
            not_yet_due: 0,
            unfinished: 0,
            wait_quantiles: [f64::NAN; 3],
            told: ToldCounts::default(),
            repeat: 0,
            deflected: 0,
            preempted: 0,
            contained: 0,
            escalated: 0,
            contained_fresh: 0,
        }
    }
}

impl ChannelCounts {
    /// Adds another interval's counters (quantiles are not additive and are left alone).
    pub fn add(&mut self, o: &ChannelCounts) {
        self.offered += o.offered;
        self.answered += o.answered;
        self.abandoned += o.abandoned;
        self.short_abandoned += o.short_abandoned;
        self.answered_within += o.answered_within;
        self.wait_answered_s += o.wait_answered_s;
        self.wait_abandoned_s += o.wait_abandoned_s;
        self.completed += o.completed;
        self.handle_s += o.handle_s;
        self.waiting_at_end += o.waiting_at_end;
        self.not_yet_due += o.not_yet_due;
        self.unfinished += o.unfinished;
        self.told.add(&o.told);
        self.repeat += o.repeat;
        self.deflected += o.deflected;
        self.preempted += o.preempted;
        self.contained += o.contained;
        self.escalated += o.escalated;
        self.contained_fresh += o.contained_fresh;
    }
}

/// Agent time of one group in one planning interval, in agent-seconds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupTime {
    /// Scheduled headcount × time (before shrinkage).
    pub scheduled_s: f64,
    /// Headcount available for contacts (after shrinkage) × time.
    pub available_s: f64,
    /// Agents present (available + overtime after a cut) × time.
    pub present_s: f64,
    /// Agents finishing a contact after their shift was cut × time.
    pub overtime_s: f64,
    /// Agents holding at least one contact × time.
    pub busy_s: f64,
}

impl GroupTime {
    /// Adds another interval's agent time.
    pub fn add(&mut self, o: &GroupTime) {
        self.scheduled_s += o.scheduled_s;
        self.available_s += o.available_s;
        self.present_s += o.present_s;
        self.overtime_s += o.overtime_s;
        self.busy_s += o.busy_s;
    }
}

/// Everything one replication measured. Indexing: `[c * n_intervals + i]` for channels,
/// `[g * n_intervals + i]` for groups, `[(g * n_channels + c) * n_intervals + i]` for
/// group × channel.
#[derive(Debug, Clone)]
pub struct RepStats {
    /// Channels.
    pub n_channels: usize,
    /// Agent groups.
    pub n_groups: usize,
    /// Planning intervals of the horizon.
    pub n_intervals: usize,
    /// Per channel and interval of arrival: `[channel_at(c, i)]`.
    pub channel: Vec<ChannelCounts>,
    /// Percentiles p50, p90, p99 of answered waits over all counted contacts, per channel.
    pub channel_quantiles: Vec<[f64; 3]>,
    /// Per group and interval: `[group_at(g, i)]`.
    pub group: Vec<GroupTime>,
    /// Agent-seconds of group g busy with channel c (an agent counts for the channel of
    /// the first contact it picked up while free).
    pub busy_on: Vec<f64>,
    /// Contact-seconds of channel c held by group g (for chat: slot-seconds in use).
    pub held_on: Vec<f64>,
    /// Counted contacts of channel c answered by group g: `[g * n_channels + c]`.
    pub handled: Vec<u64>,
    /// Contacts waiting at the end of each day of the horizon, per channel: `[c][day]`.
    pub backlog_end_of_day: Vec<Vec<u64>>,
    /// Sum of the waits of counted contacts answered by each group (s).
    pub group_wait_s: Vec<f64>,
    /// Counted answered contacts of channel c by wait, in steps of a quarter of its
    /// threshold T: `[c][k]` holds those with ⌈wait / (T/4)⌉ = k (the last slot: k or
    /// more). See [`kpi::wait_step`].
    pub wait_steps: Vec<[u64; kpi::WAIT_STEPS_KEPT]>,
    /// Counters per contact type over all counted intervals, for channels with more than
    /// one type (indexed by the model's global type index), with their wait percentiles.
    pub types: Vec<ChannelCounts>,
    /// Counters per channel and customer segment over all counted intervals:
    /// `[c * n_segments + s]` (empty without segments), with their wait percentiles.
    pub segments: Vec<ChannelCounts>,
    /// Customer segments (0 without segments).
    pub n_segments: usize,
    /// Issues that started in the counted horizon: per global contact type (the type they
    /// started as), then per channel, then per segment, then all: see [`RepStats::issue_at`].
    pub issues: Vec<IssueCounts>,
}

/// Which issues an [`IssueCounts`] covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueScope {
    /// Those that started as this global contact type.
    Type(usize),
    /// Those that started on this channel.
    Channel(usize),
    /// Those of this customer segment.
    Segment(usize),
    /// Every issue.
    All,
}

impl RepStats {
    /// Zeroed counters for a scenario of this shape.
    pub fn new(
        n_channels: usize,
        n_groups: usize,
        n_intervals: usize,
        days: usize,
        n_types: usize,
        n_segments: usize,
    ) -> RepStats {
        RepStats {
            n_channels,
            n_groups,
            n_intervals,
            channel: vec![ChannelCounts::default(); n_channels * n_intervals],
            channel_quantiles: vec![[f64::NAN; 3]; n_channels],
            group: vec![GroupTime::default(); n_groups * n_intervals],
            busy_on: vec![0.0; n_groups * n_channels * n_intervals],
            held_on: vec![0.0; n_groups * n_channels * n_intervals],
            handled: vec![0; n_groups * n_channels],
            backlog_end_of_day: vec![vec![0; days]; n_channels],
            types: vec![ChannelCounts::default(); n_types],
            segments: vec![ChannelCounts::default(); n_channels * n_segments],
            n_segments,
            issues: vec![IssueCounts::default(); n_types + n_channels + n_segments + 1],
            group_wait_s: vec![0.0; n_groups],
            wait_steps: vec![[0; kpi::WAIT_STEPS_KEPT]; n_channels],
        }
    }

    #[inline]
    /// Index of channel `c`, interval `i` in `channel`.
    pub fn channel_at(&self, c: usize, i: usize) -> usize {
        c * self.n_intervals + i
    }

    /// Index of an issue scope in `issues`.
    pub fn issue_at(&self, scope: IssueScope) -> usize {
        let n_types = self.issues.len() - self.n_channels - self.n_segments - 1;
        match scope {
            IssueScope::Type(t) => t,
            IssueScope::Channel(c) => n_types + c,
            IssueScope::Segment(s) => n_types + self.n_channels + s,
            IssueScope::All => self.issues.len() - 1,
        }
    }

    #[inline]
    /// Index of group `g`, interval `i` in `group`.
    pub fn group_at(&self, g: usize, i: usize) -> usize {
        g * self.n_intervals + i
    }

    #[inline]
    /// Index of group `g`, channel `c`, interval `i` in `busy_on` and `held_on`.
    pub fn group_channel_at(&self, g: usize, c: usize, i: usize) -> usize {
        (g * self.n_channels + c) * self.n_intervals + i
    }
}
