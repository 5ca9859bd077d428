//! KPI definitions (`docs/kpis.md` states them in words), computed per replication.
//!
//! A replication's KPIs form one flat vector of `f64` whose layout is given by [`Layout`];
//! undefined values (a ratio with a zero denominator) are NaN and are skipped when
//! averaging across replications. Contacts are attributed to the interval in which they
//! arrived; agent time to the interval in which it was spent. Only intervals after the
//! warm-up count, and time after the horizon (the drain) is not part of occupancy or cost.

use super::{ChannelCounts, GroupTime, IssueCounts, IssueScope, RepStats};
use crate::scenario::{ChannelKind, Scenario};

/// How a KPI's numbers read (for labels and formatting; JSON carries raw numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A number of contacts (a mean over replications, so not whole).
    Count,
    /// A share in [0, 1] (shown as a percentage).
    Share,
    /// Seconds.
    Seconds,
    /// Agent hours.
    Hours,
    /// Money, in the scenario's currency.
    Money,
    /// A number of agents.
    Agents,
    /// A mean number per item (contacts per issue), shown with two decimals.
    Ratio,
}

/// Which channel kinds a KPI applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kinds {
    voice: bool,
    chat: bool,
    email: bool,
    social: bool,
}

impl Kinds {
    /// Every kind.
    pub const ANY: Kinds = Kinds { voice: true, chat: true, email: true, social: true };
    /// Voice and chat (customers wait on line).
    pub const LIVE: Kinds = Kinds { voice: true, chat: true, email: false, social: false };
    /// Email and social (deferred backlog).
    pub const DEFERRED: Kinds = Kinds { voice: false, chat: false, email: true, social: true };
    /// Chat only.
    pub const CHAT: Kinds = Kinds { voice: false, chat: true, email: false, social: false };

    /// Whether `kind` is one of these.
    pub fn contains(self, kind: ChannelKind) -> bool {
        match kind {
            ChannelKind::Voice => self.voice,
            ChannelKind::Chat => self.chat,
            ChannelKind::Email => self.email,
            ChannelKind::Social => self.social,
        }
    }
}

/// Catalogue entry of a channel KPI.
#[derive(Debug)]
pub struct ChannelDef {
    /// Field name in JSON and CSV output: a promise to scripts, never renamed.
    pub name: &'static str,
    /// Label in tables.
    pub label: &'static str,
    /// How its numbers read.
    pub unit: Unit,
    /// Channel kinds it is reported for.
    pub kinds: Kinds,
    /// Reported per contact type too.
    pub per_type: bool,
    /// Reported only for channels with this feature.
    pub only: Only,
}

/// The channels a KPI is reported for, beyond its kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Only {
    /// Every channel of its kinds.
    Always,
    /// Channels with announcements (`[channel.announce]`).
    Announce,
    /// Channels that receive later contacts of issues (returns or redials).
    Repeats,
    /// Channels with a type that self-service deflects.
    Deflect,
    /// Preemptive channels.
    Preemptive,
    /// Channels with a type met by a virtual assistant.
    Assistant,
    /// Live channels with a cost per abandoned contact (`cost_per_abandoned`).
    AbandonCost,
}

/// Catalogue entry of a group KPI (overall or per interval).
#[derive(Debug)]
pub struct GroupDef {
    /// Field name in JSON and CSV output: a promise to scripts, never renamed.
    pub name: &'static str,
    /// Label in tables.
    pub label: &'static str,
    /// How its numbers read.
    pub unit: Unit,
    /// Reported only for groups with a chat skill.
    pub chat_only: bool,
}

/// Declares a KPI scope: the enum, its catalogue entry per variant ([`ChannelKpi::def`]),
/// and `ALL` in declaration order (the order of output fields and of the layout). Adding a
/// KPI is one entry here and one arm in the scope's `value` function below.
macro_rules! catalogue {
    ($(#[$meta:meta])* $vis:vis enum $Enum:ident: $Def:ident {
        $( $(#[doc = $doc:literal])* $Var:ident => $def:expr, )*
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $Enum { $( $(#[doc = $doc])* $Var, )* }

        impl $Enum {
            /// Every KPI of this scope, in catalogue order.
            pub const ALL: &'static [$Enum] = &[$($Enum::$Var),*];

            /// The KPI's catalogue entry.
            pub fn def(self) -> &'static $Def {
                match self {
                    $($Enum::$Var => { const D: $Def = $def; &D })*
                }
            }

            /// The field name in JSON and CSV output.
            pub fn name(self) -> &'static str {
                self.def().name
            }

            /// Its definition in one sentence for readers of reports: the variant's doc
            /// comment (so the code and the reports say the same).
            pub fn what(self) -> &'static str {
                match self {
                    $($Enum::$Var => concat!($($doc),*).trim_ascii_start(),)*
                }
            }
        }

        impl Kpi for $Enum {
            const ALL: &'static [$Enum] = $Enum::ALL;
            fn name(self) -> &'static str {
                self.def().name
            }
        }
    };
}

/// A scope's KPI catalogue, as documents need it: every KPI in catalogue order, and the
/// name each is written under in JSON and CSV.
pub trait Kpi: Copy + PartialEq + 'static {
    /// Every KPI of the scope, in catalogue order.
    const ALL: &'static [Self];
    /// The field name in JSON and CSV output.
    fn name(self) -> &'static str;
}

const fn ch(name: &'static str, label: &'static str, unit: Unit, kinds: Kinds, per_type: bool) -> ChannelDef {
    ChannelDef { name, label, unit, kinds, per_type, only: Only::Always }
}

/// An announcement KPI: live channels with announcements, per type too.
const fn an(name: &'static str, label: &'static str, unit: Unit) -> ChannelDef {
    ChannelDef { name, label, unit, kinds: Kinds::LIVE, per_type: true, only: Only::Announce }
}

/// A KPI of channels with a feature, any kind, per type too.
const fn feat(name: &'static str, label: &'static str, unit: Unit, only: Only) -> ChannelDef {
    ChannelDef { name, label, unit, kinds: Kinds::ANY, per_type: true, only }
}

const fn gr(name: &'static str, label: &'static str, unit: Unit, chat_only: bool) -> GroupDef {
    GroupDef { name, label, unit, chat_only }
}

catalogue! {
    /// KPIs of a channel, overall, per interval of arrival and per contact type. Exact
    /// definitions: `docs/kpis.md`.
    pub enum ChannelKpi: ChannelDef {
        /// Contacts that arrived.
        Offered => ch("offered", "offered", Unit::Count, Kinds::ANY, true),
        /// Contacts whose service started.
        Answered => ch("answered", "answered", Unit::Count, Kinds::ANY, true),
        /// Contacts that left the queue before service.
        Abandoned => ch("abandoned", "abandoned", Unit::Count, Kinds::LIVE, true),
        /// Contacts still waiting when the run ended.
        WaitingAtEnd => ch("waiting_at_end", "waiting at end", Unit::Count, Kinds::ANY, true),
        /// Still waiting at the end with their deadline (arrival + T) after the end of the
        /// run: not yet a miss.
        NotYetDue => ch("not_yet_due", "not yet due", Unit::Count, Kinds::ANY, true),
        /// Answered within T / (offered − abandoned within the short-abandon threshold −
        /// not yet due).
        ServiceLevel => ch("service_level", "service level", Unit::Share, Kinds::ANY, true),
        /// Answered within T / answered.
        ServiceLevelOfAnswered =>
            ch("service_level_of_answered", "service level of answered", Unit::Share, Kinds::ANY, true),
        /// Mean wait of answered contacts (s).
        AsaS => ch("asa_s", "ASA", Unit::Seconds, Kinds::ANY, true),
        /// Mean time in queue of answered and abandoned contacts, zero waits included (s).
        MeanWaitS => ch("mean_wait_s", "mean wait (answered + abandoned)", Unit::Seconds, Kinds::ANY, true),
        /// Median wait of answered contacts (s).
        WaitP50S => ch("wait_p50_s", "wait p50", Unit::Seconds, Kinds::ANY, true),
        /// 90th percentile of the waits of answered contacts (s).
        WaitP90S => ch("wait_p90_s", "wait p90", Unit::Seconds, Kinds::ANY, true),
        /// 99th percentile of the waits of answered contacts (s).
        WaitP99S => ch("wait_p99_s", "wait p99", Unit::Seconds, Kinds::ANY, true),
        /// Abandoned / offered.
        AbandonRate => ch("abandon_rate", "abandon rate", Unit::Share, Kinds::LIVE, true),
        /// Mean handle time of completed services (s), chat stretch included.
        AhtS => ch("aht_s", "AHT", Unit::Seconds, Kinds::ANY, true),
        /// Agent time busy with this channel / the channel's share of available agent time
        /// (a blended group's time is shared by the time it spent busy on each channel).
        Occupancy => ch("occupancy", "occupancy", Unit::Share, Kinds::ANY, false),
        /// As occupancy, over agent time present (available + overtime); never above 1.
        OccupancyPresent => ch("occupancy_present", "occupancy of present", Unit::Share, Kinds::ANY, false),
        /// Chat slots in use / chat slots of the agents present (concurrency × agents
        /// present, shared among channels like occupancy); never above 1.
        SlotUtilisation => ch("slot_utilisation", "chat slot utilisation", Unit::Share, Kinds::CHAT, false),
        /// Email and social: arrival to first agent response (s).
        FrtS => ch("frt_s", "first response time", Unit::Seconds, Kinds::DEFERRED, true),
        /// Contacts told a predicted wait at least once while waiting.
        Announced => an("announced", "told a wait", Unit::Count),
        /// Announcements made, updates included.
        Announcements => an("announcements", "announcements made", Unit::Count),
        /// Contacts that hung up on hearing the wait announced when they joined the queue:
        /// in offered and in the service-level denominator, not in abandoned.
        Balked => an("balked", "balked", Unit::Count),
        /// Balked / offered.
        BalkRate => an("balk_rate", "balk rate", Unit::Share),
        /// Mean of heard − actual wait over answered contacts that were told a wait, from
        /// their first announcement (s; above 0: waits were overestimated).
        AnnounceBiasS => an("announce_bias_s", "announcement bias", Unit::Seconds),
        /// Mean absolute difference of heard and actual wait (s), same contacts.
        AnnounceMaeS => an("announce_mae_s", "announcement MAE", Unit::Seconds),
        /// Root mean square difference of heard and actual wait (s), same contacts.
        AnnounceRmseS => an("announce_rmse_s", "announcement RMSE", Unit::Seconds),
        /// Mean squared difference of heard and actual wait / (mean actual wait)², same
        /// contacts (relative ASE).
        AnnounceRelativeAse => an("announce_relative_ase", "announcement relative ASE", Unit::Share),
        /// Share of answered contacts told a wait that were answered by the end of their
        /// latest promise (the point, or the upper end of the range, told).
        PromiseKept => an("promise_kept", "promise kept", Unit::Share),
        /// Share of answered contacts told a range whose actual wait fell inside the first
        /// range they heard.
        RangeCoverage => an("range_coverage", "range coverage", Unit::Share),
        /// Contacts told a wait that abandoned once their latest promise had run out (still
        /// waiting at its end).
        AbandonedBrokenPromise => an("abandoned_broken_promise", "abandoned after a broken promise", Unit::Count),
        /// Offered contacts that were the first contact of their issue.
        Fresh => feat("fresh", "fresh contacts", Unit::Count, Only::Repeats),
        /// Offered contacts that were later contacts of their issue: returns of unresolved
        /// customers and redials after abandoning.
        Repeat => feat("repeat", "repeat contacts", Unit::Count, Only::Repeats),
        /// Repeat / offered: how much repeats raise the load above fresh demand.
        RepeatShare => feat("repeat_share", "repeat share of offered", Unit::Share, Only::Repeats),
        /// Fresh contacts self-service deflected: they never reach an agent and are not in
        /// offered.
        Deflected => feat("deflected", "deflected by self-service", Unit::Count, Only::Deflect),
        /// Services interrupted by a more urgent contact, resumed later with the work left.
        Preempted => feat("preempted", "preempted services", Unit::Count, Only::Preemptive),
        /// Contacts the virtual assistant contained (resolved there, after the bot time): not
        /// in offered.
        Contained => feat("contained", "contained by the assistant", Unit::Count, Only::Assistant),
        /// Contacts the virtual assistant passed on to the queue after the bot time (their
        /// wait starts then; they are in offered).
        Escalated => feat("escalated", "escalated by the assistant", Unit::Count, Only::Assistant),
        /// Contained / contacts that met the assistant.
        ContainmentRate => feat("containment_rate", "containment rate", Unit::Share, Only::Assistant),
        /// Abandoned × the channel's cost per abandoned contact: the cost of lost customers.
        AbandonCost => feat("abandon_cost", "cost of abandoned contacts", Unit::Money, Only::AbandonCost),
    }
}

impl ChannelKpi {
    /// Whether the KPI means something for a channel of this kind (announcement KPIs:
    /// if the channel has announcements; see [`ChannelKpi::applies`]).
    pub fn applies_to(self, kind: ChannelKind) -> bool {
        self.def().kinds.contains(kind)
    }

    /// Whether the KPI is reported for this channel: its kind, and for announcement KPIs
    /// whether it announces waits.
    pub fn applies(self, ch: &crate::scenario::Channel) -> bool {
        if !self.applies_to(ch.kind) {
            return false;
        }
        match self.def().only {
            Only::Always => true,
            Only::Announce => ch.announce.as_ref().is_some_and(|a| self != ChannelKpi::RangeCoverage || a.is_range()),
            Only::Repeats => ch.receives_repeats,
            Only::Deflect => ch.types.iter().any(|t| t.deflect > 0.0),
            Only::Preemptive => ch.preemptive,
            Only::Assistant => ch.types.iter().any(|t| t.assistant.is_some()),
            Only::AbandonCost => ch.kind.is_live() && ch.cost_per_abandoned > 0.0,
        }
    }
}

catalogue! {
    /// KPIs of an agent group over the counted part of the horizon.
    pub enum GroupKpi: GroupDef {
        /// Scheduled agent hours (before shrinkage).
        StaffedHours => gr("staffed_hours", "staffed hours", Unit::Hours, false),
        /// Agent hours available for contacts (after shrinkage).
        AvailableHours => gr("available_hours", "available hours (after shrinkage)", Unit::Hours, false),
        /// Agent hours spent finishing a contact after a cut.
        OvertimeHours => gr("overtime_hours", "overtime hours (after cuts)", Unit::Hours, false),
        /// Busy / available agent time.
        Occupancy => gr("occupancy", "occupancy", Unit::Share, false),
        /// Busy / present agent time (never above 1).
        OccupancyPresent => gr("occupancy_present", "occupancy of present", Unit::Share, false),
        /// Chat slots in use / chat slots of the agents present and not busy with other
        /// channels (groups with a chat skill).
        SlotUtilisation => gr("slot_utilisation", "chat slot utilisation", Unit::Share, true),
        /// Staffed hours × cost per hour.
        Cost => gr("cost", "cost", Unit::Money, false),
        /// Contacts answered by the group.
        Handled => gr("handled", "contacts handled", Unit::Count, false),
        /// Mean wait of the contacts the group answered (s): for an overflow group, at least
        /// its overflow delay.
        AsaS => gr("asa_s", "ASA of contacts handled", Unit::Seconds, false),
    }
}

catalogue! {
    /// KPIs of an agent group in one planning interval.
    pub enum GroupIntervalKpi: GroupDef {
        /// Mean scheduled headcount.
        Scheduled => gr("agents_scheduled", "scheduled", Unit::Agents, false),
        /// Mean headcount available after shrinkage.
        Available => gr("agents_available", "available", Unit::Agents, false),
        /// Mean agents present (available + overtime).
        Present => gr("agents_present", "present", Unit::Agents, false),
        /// Busy / available agent time.
        Occupancy => gr("occupancy", "occupancy", Unit::Share, false),
        /// Busy / present agent time.
        OccupancyPresent => gr("occupancy_present", "occupancy of present", Unit::Share, false),
        /// Chat slots in use / chat slots of agents present and not busy with other work.
        SlotUtilisation => gr("slot_utilisation", "chat slot utilisation", Unit::Share, true),
    }
}

/// Catalogue entry of an issue KPI (per type an issue started as, per channel, per
/// segment, and over all issues).
#[derive(Debug)]
pub struct IssueDef {
    /// Field name in JSON and CSV output: a promise to scripts, never renamed.
    pub name: &'static str,
    /// Label in tables.
    pub label: &'static str,
    /// How its numbers read.
    pub unit: Unit,
}

const fn is(name: &'static str, label: &'static str, unit: Unit) -> IssueDef {
    IssueDef { name, label, unit }
}

catalogue! {
    /// KPIs of customer issues: all the contacts of one problem, from the first contact's
    /// arrival to the end of the service that resolves it. Issues are counted by the
    /// interval their first contact arrived in, and by the type and segment they started
    /// as.
    pub enum IssueKpi: IssueDef {
        /// Issues whose first contact arrived in the counted horizon (deflected contacts
        /// open none).
        Issues => is("issues", "issues", Unit::Count),
        /// Issues resolved by a completed contact.
        Resolved => is("resolved", "resolved", Unit::Count),
        /// Resolved by their first contact / issues (first-contact resolution).
        Fcr => is("fcr", "first-contact resolution", Unit::Share),
        /// Mean contacts made by the issues that ended (resolved or abandoned for good),
        /// the first included.
        ContactsPerIssue => is("contacts_per_issue", "contacts per issue", Unit::Ratio),
        /// Mean time to resolution of the resolved (s): from the first contact's arrival to
        /// the end of the service that resolved the issue.
        TtrS => is("ttr_s", "time to resolution", Unit::Seconds),
        /// Median time to resolution of the resolved (s).
        TtrP50S => is("ttr_p50_s", "TTR p50", Unit::Seconds),
        /// 90th percentile of the time to resolution of the resolved (s).
        TtrP90S => is("ttr_p90_s", "TTR p90", Unit::Seconds),
        /// Issues still open when the run ended (a contact waiting, or the next contact due
        /// after the horizon): counted, never dropped.
        Unresolved => is("unresolved", "unresolved at end", Unit::Count),
        /// Issues whose customer stopped trying unresolved: abandoned without redialling,
        /// or unresolved at the last allowed contact.
        AbandonedForGood => is("abandoned_for_good", "abandoned for good", Unit::Count),
        /// Of those, unresolved at their last allowed contact (`max_contacts`).
        GaveUpAtCap => is("gave_up_at_cap", "gave up at the contact cap", Unit::Count),
    }
}

/// The value of issue KPI `k` from an issue scope's counters.
fn issue_value(k: IssueKpi, x: &IssueCounts) -> f64 {
    match k {
        IssueKpi::Issues => x.issues as f64,
        IssueKpi::Resolved => x.resolved as f64,
        IssueKpi::Fcr => ratio(x.first_contact as f64, x.issues as f64),
        IssueKpi::ContactsPerIssue => ratio(x.contacts as f64, (x.resolved + x.abandoned) as f64),
        IssueKpi::TtrS => ratio(x.ttr_s, x.resolved as f64),
        IssueKpi::TtrP50S => x.ttr_quantiles[0],
        IssueKpi::TtrP90S => x.ttr_quantiles[1],
        IssueKpi::Unresolved => x.open as f64,
        IssueKpi::AbandonedForGood => x.abandoned as f64,
        IssueKpi::GaveUpAtCap => x.gave_up as f64,
    }
}

const NC: usize = ChannelKpi::ALL.len();
const NI: usize = IssueKpi::ALL.len();
const NG: usize = GroupKpi::ALL.len();
const NGI: usize = GroupIntervalKpi::ALL.len();

/// Where each KPI sits in a replication's flat KPI vector. Generated from the catalogue:
/// per channel, its KPIs in [`ChannelKpi::ALL`] order; then per channel and counted
/// interval; per group; per group and interval; contacts handled per group and channel;
/// backlog per channel and day; per contact type; the wait distribution per channel.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Channels in the scenario.
    pub channels: usize,
    /// Agent groups in the scenario.
    pub groups: usize,
    /// Counted intervals (after the warm-up).
    pub intervals: usize,
    /// Index of the first counted interval in the horizon.
    pub first_interval: usize,
    /// Days (whole or part) in the horizon.
    pub days: usize,
    /// Global index of each channel's first contact type.
    type_offset: Vec<usize>,
    channel_interval_at: usize,
    group_at: usize,
    group_interval_at: usize,
    handled_at: usize,
    backlog_at: usize,
    types_at: usize,
    wait_at: usize,
    segments_at: usize,
    /// Customer segments (0 without segments).
    pub segments: usize,
    n_types: usize,
    issues_at: usize,
    /// Reporting windows of the scenario.
    pub windows: usize,
    windows_at: usize,
    len: usize,
}

impl Layout {
    /// The layout of a scenario's KPI vector.
    pub fn new(s: &Scenario) -> Layout {
        let channels = s.channels.len();
        let groups = s.groups.len();
        let first_interval = s.first_counted_interval();
        let intervals = s.n_intervals() - first_interval;
        let days = crate::base::time::days_in(s.horizon);
        let channel_interval_at = channels * NC;
        let group_at = channel_interval_at + channels * intervals * NC;
        let group_interval_at = group_at + groups * NG;
        let handled_at = group_interval_at + groups * intervals * NGI;
        let backlog_at = handled_at + groups * channels;
        let types_at = backlog_at + channels * days;
        let mut type_offset = Vec::with_capacity(channels);
        let mut n_types = 0;
        for c in &s.channels {
            type_offset.push(n_types);
            n_types += c.types.len();
        }
        let wait_at = types_at + n_types * NC;
        let segments_at = wait_at + channels * WAIT_POINTS;
        let segments = s.segments.len();
        let issues_at = segments_at + channels * segments * NC;
        let windows_at = issues_at + (n_types + channels + segments + 1) * NI;
        let windows = s.windows.len();
        let len = windows_at + windows * (channels * NC + groups * NGI);
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
            type_offset,
            wait_at,
            segments_at,
            segments,
            n_types,
            issues_at,
            windows,
            windows_at,
            len,
        }
    }

    /// Length of the KPI vector.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the KPI vector is empty (never, for a checked scenario).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// KPI `k` of channel `c` over the counted horizon.
    pub fn channel(&self, c: usize, k: ChannelKpi) -> usize {
        c * NC + k as usize
    }

    /// `i` counts from the first counted interval.
    pub fn channel_interval(&self, c: usize, i: usize, k: ChannelKpi) -> usize {
        self.channel_interval_at + (c * self.intervals + i) * NC + k as usize
    }

    /// KPI `k` of group `g` over the counted horizon.
    pub fn group(&self, g: usize, k: GroupKpi) -> usize {
        self.group_at + g * NG + k as usize
    }

    /// KPI `k` of group `g` in counted interval `i`.
    pub fn group_interval(&self, g: usize, i: usize, k: GroupIntervalKpi) -> usize {
        self.group_interval_at + (g * self.intervals + i) * NGI + k as usize
    }

    /// Contacts of channel c handled by group g.
    pub fn handled(&self, g: usize, c: usize) -> usize {
        self.handled_at + g * self.channels + c
    }

    /// Contacts of channel `c` waiting at the end of `day`.
    pub fn backlog(&self, c: usize, day: usize) -> usize {
        self.backlog_at + c * self.days + day
    }

    /// Share of channel `c`'s answered contacts that waited longer than `j` steps
    /// ([`wait_step`]), `j < WAIT_POINTS`.
    pub fn wait_above(&self, c: usize, j: usize) -> usize {
        self.wait_at + c * WAIT_POINTS + j
    }

    /// KPI of contact type `t` (index within the channel) of channel `c`.
    pub fn contact_type(&self, c: usize, t: usize, k: ChannelKpi) -> usize {
        self.types_at + (self.type_offset[c] + t) * NC + k as usize
    }

    /// KPI of customer segment `g`'s contacts on channel `c`.
    pub fn segment(&self, c: usize, g: usize, k: ChannelKpi) -> usize {
        self.segments_at + (c * self.segments + g) * NC + k as usize
    }

    /// Issue KPI `k` of the issues of `scope` (types by index within their channel:
    /// use [`Layout::issue_type`]).
    pub fn issue(&self, scope: IssueScope, k: IssueKpi) -> usize {
        let row = match scope {
            IssueScope::Type(t) => t,
            IssueScope::Channel(c) => self.n_types + c,
            IssueScope::Segment(g) => self.n_types + self.channels + g,
            IssueScope::All => self.n_types + self.channels + self.segments,
        };
        self.issues_at + row * NI + k as usize
    }

    /// The slots of every value over the whole counted horizon or a window (channels,
    /// groups, handled contacts, types, segments, issues, windows), increasing: those a
    /// run keeps per replication ([`crate::plan::run::Results::replicated`]); the
    /// per-interval ones, the backlog and the wait distribution are left out.
    pub fn whole_horizon_slots(&self) -> Vec<usize> {
        (0..self.channel_interval_at)
            .chain(self.group_at..self.group_interval_at)
            .chain(self.handled_at..self.backlog_at)
            .chain(self.types_at..self.wait_at)
            .chain(self.segments_at..self.len)
            .collect()
    }

    /// KPI `k` of channel `c` over reporting window `w`.
    pub fn window_channel(&self, w: usize, c: usize, k: ChannelKpi) -> usize {
        self.windows_at + w * (self.channels * NC + self.groups * NGI) + c * NC + k as usize
    }

    /// KPI `k` of group `g` over reporting window `w`.
    pub fn window_group(&self, w: usize, g: usize, k: GroupIntervalKpi) -> usize {
        self.windows_at + w * (self.channels * NC + self.groups * NGI) + self.channels * NC + g * NGI + k as usize
    }

    /// The issue scope of contact type `t` (index within the channel) of channel `c`.
    pub fn issue_type(&self, c: usize, t: usize) -> IssueScope {
        IssueScope::Type(self.type_offset[c] + t)
    }
}

/// The label and unit of the KPI called `name`, from whichever catalogue has it (channel
/// first, then group, group-interval and issue KPIs).
pub fn label_and_unit(name: &str) -> Option<(&'static str, Unit)> {
    ChannelKpi::ALL
        .iter()
        .find(|k| k.name() == name)
        .map(|k| (k.def().label, k.def().unit))
        .or_else(|| GroupKpi::ALL.iter().find(|k| k.name() == name).map(|k| (k.def().label, k.def().unit)))
        .or_else(|| GroupIntervalKpi::ALL.iter().find(|k| k.name() == name).map(|k| (k.def().label, k.def().unit)))
        .or_else(|| IssueKpi::ALL.iter().find(|k| k.name() == name).map(|k| (k.def().label, k.def().unit)))
}

/// Points of the wait distribution reported per channel: P(wait > t) at t = 0, s, 2s, …,
/// 24s for the step s of [`wait_step`] (up to six times the threshold).
pub const WAIT_POINTS: usize = 25;
/// Wait counters kept per channel: one per step, the last for waits beyond the last point.
pub const WAIT_STEPS_KEPT: usize = WAIT_POINTS + 1;

/// The step of a channel's wait distribution (s): a quarter of its threshold T, so that
/// the fifth point is T itself; 1 s for a threshold of 0.
pub fn wait_step(within: f64) -> f64 {
    if within > 0.0 { within / 4.0 } else { 1.0 }
}

/// Share of answered contacts that waited longer than `j` steps, from the counts of
/// ⌈wait / step⌉ (a wait exceeds j steps exactly when that ceiling exceeds j).
fn wait_above(steps: &[u64], j: usize) -> f64 {
    let total: u64 = steps.iter().sum();
    ratio(steps[j + 1..].iter().sum::<u64>() as f64, total as f64)
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
        // Announcement KPIs stay undefined (and unreported) without announcements.
        let kpis: Vec<ChannelKpi> = ChannelKpi::ALL.iter().copied().filter(|k| k.applies(ch)).collect();
        let kpis = &kpis[..];
        for i in first..last {
            let counts = &r.channel[r.channel_at(c, i)];
            total.add(counts);
            let occ = channel_occupancy(s, r, c, i..i + 1);
            for &k in kpis {
                out[layout.channel_interval(c, i - first, k)] =
                    channel_value(k, counts, counts.wait_quantiles, occ, ch);
            }
        }
        let occ = channel_occupancy(s, r, c, first..last);
        for &k in kpis {
            out[layout.channel(c, k)] = channel_value(k, &total, r.channel_quantiles[c], occ, ch);
        }
        for d in 0..layout.days {
            out[layout.backlog(c, d)] = r.backlog_end_of_day[c][d] as f64;
        }
        let steps = &r.wait_steps[c];
        for j in 0..WAIT_POINTS {
            out[layout.wait_above(c, j)] = wait_above(steps, j);
        }
        for g in 0..layout.segments {
            let counts = &r.segments[c * layout.segments + g];
            for &k in kpis {
                out[layout.segment(c, g, k)] = channel_value(k, counts, counts.wait_quantiles, [f64::NAN; 3], ch);
            }
        }
        if ch.types.len() > 1 {
            for t in 0..ch.types.len() {
                let counts = &r.types[layout.type_offset[c] + t];
                for &k in kpis {
                    out[layout.contact_type(c, t, k)] =
                        channel_value(k, counts, counts.wait_quantiles, [f64::NAN; 3], ch);
                }
            }
        }
    }

    let mut scopes: Vec<IssueScope> = (0..layout.n_types).map(IssueScope::Type).collect();
    scopes.extend((0..layout.channels).map(IssueScope::Channel));
    scopes.extend((0..layout.segments).map(IssueScope::Segment));
    scopes.push(IssueScope::All);
    for scope in scopes {
        let x = &r.issues[r.issue_at(scope)];
        for &k in IssueKpi::ALL {
            out[layout.issue(scope, k)] = issue_value(k, x);
        }
    }

    for (g, grp) in s.groups.iter().enumerate() {
        let has_chat = grp.skills.iter().any(|sk| s.channels[sk.channel].kind == ChannelKind::Chat);
        let mut total = GroupTime::default();
        let mut chat = ChatTime::default();
        for i in first..last {
            let t = &r.group[r.group_at(g, i)];
            total.add(t);
            let ct = ChatTime::of(s, r, g, i, t.present_s);
            chat.held += ct.held;
            chat.present += ct.present;
            for &k in GroupIntervalKpi::ALL {
                out[layout.group_interval(g, i - first, k)] =
                    group_interval_value(k, t, ct, f64::from(grp.concurrency), has_chat, s.interval);
            }
        }
        let handled: u64 = (0..s.channels.len()).map(|c| r.handled[g * s.channels.len() + c]).sum();
        let totals = GroupTotals { time: &total, chat, handled, wait_s: r.group_wait_s[g] };
        for &k in GroupKpi::ALL {
            out[layout.group(g, k)] = group_value(k, &totals, grp, has_chat);
        }
        for c in 0..s.channels.len() {
            out[layout.handled(g, c)] = r.handled[g * s.channels.len() + c] as f64;
        }
    }
    for (w, window) in s.windows.iter().enumerate() {
        windows(s, layout, r, w, &window.intervals, &mut out);
    }
    out
}

/// The channel and group KPIs of reporting window `w` (its horizon `intervals`), into
/// `out`: counts summed over its intervals, then each KPI as over the whole horizon; wait
/// percentiles are not kept per window (undefined); agents are means over the window.
fn windows(s: &Scenario, layout: &Layout, r: &RepStats, w: usize, intervals: &[usize], out: &mut [f64]) {
    for (c, ch) in s.channels.iter().enumerate() {
        let mut total = ChannelCounts::default();
        for &i in intervals {
            total.add(&r.channel[r.channel_at(c, i)]);
        }
        let occ = channel_occupancy(s, r, c, intervals.iter().copied());
        for &k in ChannelKpi::ALL.iter().filter(|k| k.applies(ch)) {
            out[layout.window_channel(w, c, k)] = channel_value(k, &total, [f64::NAN; 3], occ, ch);
        }
    }
    for (g, grp) in s.groups.iter().enumerate() {
        let has_chat = grp.skills.iter().any(|sk| s.channels[sk.channel].kind == ChannelKind::Chat);
        let mut total = GroupTime::default();
        let mut chat = ChatTime::default();
        for &i in intervals {
            let t = &r.group[r.group_at(g, i)];
            total.add(t);
            let ct = ChatTime::of(s, r, g, i, t.present_s);
            chat.held += ct.held;
            chat.present += ct.present;
        }
        let span = s.interval * intervals.len() as f64;
        for &k in GroupIntervalKpi::ALL {
            out[layout.window_group(w, g, k)] =
                group_interval_value(k, &total, chat, f64::from(grp.concurrency), has_chat, span);
        }
    }
}

/// Occupancy of a channel over some intervals (`range`, in the horizon): `[occupancy, occupancy_present,
/// slot_utilisation]`.
///
/// A blended group's agent time is shared among its channels in proportion to the time it
/// spent busy on each (equally among its skills if it was never busy), so that a channel
/// served by one dedicated group gets exactly busy / available, and every channel of a
/// single blended group gets the group's occupancy.
pub fn channel_occupancy(s: &Scenario, r: &RepStats, c: usize, range: impl Iterator<Item = usize> + Clone) -> [f64; 3] {
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
            b_gc += r.busy_on[r.group_channel_at(g, c, i)];
            h_gc += r.held_on[r.group_channel_at(g, c, i)];
            let t = &r.group[r.group_at(g, i)];
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

/// The value of channel KPI `k` from a channel's (or type's) counters, its wait
/// percentiles `q` and its occupancy `occ` (see [`channel_occupancy`]).
fn channel_value(k: ChannelKpi, t: &ChannelCounts, q: [f64; 3], occ: [f64; 3], ch: &crate::scenario::Channel) -> f64 {
    let kind = ch.kind;
    let offered = t.offered as f64;
    let answered = t.answered as f64;
    let abandoned = t.abandoned as f64;
    match k {
        ChannelKpi::Offered => offered,
        ChannelKpi::Answered => answered,
        ChannelKpi::Abandoned => abandoned,
        ChannelKpi::WaitingAtEnd => t.waiting_at_end as f64,
        ChannelKpi::NotYetDue => t.not_yet_due as f64,
        ChannelKpi::ServiceLevel => {
            ratio(t.answered_within as f64, offered - t.short_abandoned as f64 - t.not_yet_due as f64)
        }
        ChannelKpi::ServiceLevelOfAnswered => ratio(t.answered_within as f64, answered),
        ChannelKpi::AsaS => ratio(t.wait_answered_s, answered),
        ChannelKpi::MeanWaitS => ratio(t.wait_answered_s + t.wait_abandoned_s, answered + abandoned),
        ChannelKpi::WaitP50S => q[0],
        ChannelKpi::WaitP90S => q[1],
        ChannelKpi::WaitP99S => q[2],
        ChannelKpi::AbandonRate => ratio(abandoned, offered),
        ChannelKpi::AhtS => ratio(t.handle_s, t.completed as f64),
        ChannelKpi::Occupancy => occ[0],
        ChannelKpi::OccupancyPresent => occ[1],
        ChannelKpi::SlotUtilisation if kind == ChannelKind::Chat => occ[2],
        ChannelKpi::FrtS if !kind.is_live() => ratio(t.wait_answered_s, answered),
        ChannelKpi::SlotUtilisation | ChannelKpi::FrtS => f64::NAN,
        ChannelKpi::Announced => t.told.told as f64,
        ChannelKpi::Announcements => t.told.announcements as f64,
        ChannelKpi::Balked => t.told.balked as f64,
        ChannelKpi::BalkRate => ratio(t.told.balked as f64, offered),
        ChannelKpi::AnnounceBiasS => ratio(t.told.error_s, t.told.answered as f64),
        ChannelKpi::AnnounceMaeS => ratio(t.told.abs_error_s, t.told.answered as f64),
        ChannelKpi::AnnounceRmseS => ratio(t.told.sq_error_s2, t.told.answered as f64).sqrt(),
        ChannelKpi::AnnounceRelativeAse => {
            let n = t.told.answered as f64;
            ratio(ratio(t.told.sq_error_s2, n), ratio(t.told.wait_s, n).powi(2))
        }
        ChannelKpi::PromiseKept => ratio(t.told.promise_kept as f64, t.told.promised as f64),
        ChannelKpi::RangeCoverage => ratio(t.told.in_range as f64, t.told.ranged as f64),
        ChannelKpi::AbandonedBrokenPromise => t.told.abandoned_broken as f64,
        ChannelKpi::Fresh => (t.offered - t.repeat) as f64,
        ChannelKpi::Repeat => t.repeat as f64,
        ChannelKpi::RepeatShare => ratio(t.repeat as f64, offered),
        ChannelKpi::Deflected => t.deflected as f64,
        ChannelKpi::Preempted => t.preempted as f64,
        ChannelKpi::Contained => t.contained as f64,
        ChannelKpi::Escalated => t.escalated as f64,
        ChannelKpi::ContainmentRate => ratio(t.contained as f64, (t.contained + t.escalated) as f64),
        ChannelKpi::AbandonCost => abandoned * ch.cost_per_abandoned,
    }
}

/// Chat slot time of a group in an interval: slot-seconds in use, and agent time present
/// and not busy with other channels (the time its chat slots exist).
#[derive(Debug, Clone, Copy, Default)]
struct ChatTime {
    held: f64,
    present: f64,
}

impl ChatTime {
    fn of(s: &Scenario, r: &RepStats, g: usize, i: usize, present_s: f64) -> ChatTime {
        let is_chat = |c: &usize| s.channels[*c].kind == ChannelKind::Chat;
        let held = (0..s.channels.len()).filter(is_chat).map(|c| r.held_on[r.group_channel_at(g, c, i)]).sum();
        let other: f64 =
            (0..s.channels.len()).filter(|c| !is_chat(c)).map(|c| r.busy_on[r.group_channel_at(g, c, i)]).sum();
        ChatTime { held, present: present_s - other }
    }
}

fn group_interval_value(
    k: GroupIntervalKpi,
    t: &GroupTime,
    chat: ChatTime,
    concurrency: f64,
    has_chat: bool,
    interval: f64,
) -> f64 {
    match k {
        GroupIntervalKpi::Scheduled => t.scheduled_s / interval,
        GroupIntervalKpi::Available => t.available_s / interval,
        GroupIntervalKpi::Present => t.present_s / interval,
        GroupIntervalKpi::Occupancy => ratio(t.busy_s, t.available_s),
        GroupIntervalKpi::OccupancyPresent => ratio(t.busy_s, t.present_s),
        GroupIntervalKpi::SlotUtilisation if has_chat => ratio(chat.held, chat.present * concurrency),
        GroupIntervalKpi::SlotUtilisation => f64::NAN,
    }
}

/// What a group's KPIs over the counted horizon are computed from.
struct GroupTotals<'a> {
    time: &'a GroupTime,
    chat: ChatTime,
    handled: u64,
    wait_s: f64,
}

fn group_value(k: GroupKpi, t: &GroupTotals, grp: &crate::scenario::AgentGroup, has_chat: bool) -> f64 {
    let staffed_h = t.time.scheduled_s / 3600.0;
    match k {
        GroupKpi::StaffedHours => staffed_h,
        GroupKpi::AvailableHours => t.time.available_s / 3600.0,
        GroupKpi::OvertimeHours => t.time.overtime_s / 3600.0,
        GroupKpi::Occupancy => ratio(t.time.busy_s, t.time.available_s),
        GroupKpi::OccupancyPresent => ratio(t.time.busy_s, t.time.present_s),
        GroupKpi::SlotUtilisation if has_chat => ratio(t.chat.held, t.chat.present * f64::from(grp.concurrency)),
        GroupKpi::SlotUtilisation => f64::NAN,
        GroupKpi::Cost => staffed_h * grp.cost_per_hour,
        GroupKpi::Handled => t.handled as f64,
        GroupKpi::AsaS => ratio(t.wait_s, t.handled as f64),
    }
}
