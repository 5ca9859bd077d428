//! Result documents: what a run, a sweep or a staffing plan reports, arranged by channel,
//! group and interval — typed values that every face (command line, Python, browser)
//! gets the same, and that [`crate::output`] writes in every format.
//!
//! A report is built from the checked scenario, the KPI layout and the estimates alone
//! ([`Report::new`]): it knows nothing of the engine.

mod parse;
mod serialize;
pub mod sweep;

use crate::scenario::{ChannelKind, Scenario};
use crate::stats::IssueScope;
use crate::stats::kpi::{ChannelKpi, GroupIntervalKpi, GroupKpi, IssueKpi, Layout, WAIT_POINTS, wait_step};
use crate::stats::summary::Estimate;

/// The estimate of `k` in a list of KPI estimates.
fn find<K: PartialEq + Copy>(kpis: &[(K, Estimate)], k: K) -> Option<Estimate> {
    kpis.iter().find(|x| x.0 == k).map(|x| x.1)
}

/// Everything a run reports, in scenario order.
#[derive(Debug, Clone)]
pub struct Report {
    /// Scenario name.
    pub scenario: String,
    /// Scenario description, if any.
    pub description: Option<String>,
    /// Replications run.
    pub replications: u32,
    /// Seed of the run.
    pub seed: u64,
    /// Horizon (s).
    pub horizon_s: f64,
    /// Planning interval (s).
    pub interval_s: f64,
    /// Warm-up (s).
    pub warmup_s: f64,
    /// Weekday at time 0 (`mon` … `sun`).
    pub start_day: &'static str,
    /// The overrides applied to the scenario file (`--set PATH=VALUE`), in order.
    pub overrides: Vec<(String, String)>,
    /// Per channel, in scenario order.
    pub channels: Vec<ChannelReport>,
    /// Per agent group, in scenario order.
    pub groups: Vec<GroupReport>,
    /// Per channel and counted interval (channel by channel).
    pub intervals: Vec<IntervalReport>,
    /// Per group and counted interval (group by group).
    pub group_intervals: Vec<GroupIntervalReport>,
    /// Per deferred channel: waiting at the end of each day.
    pub backlog: Vec<BacklogReport>,
    /// Per channel with forecast uncertainty (from a run; empty in sweeps).
    pub forecast: Vec<ForecastReport>,
    /// Observed values of a contact history, interval by interval (`run --actuals`).
    pub actuals: Vec<crate::data::history::Observed>,
    /// The events calendar, as inputs.
    pub events: Vec<EventReport>,
    /// Customer issues: every issue, then by channel and by type they started as, then by
    /// segment (see [`IssueReport`]).
    pub issues: Vec<IssueReport>,
    /// Customer segments, in scenario order (empty without `[[segment]]`).
    pub segments: Vec<SegmentReport>,
}

/// Which issues an [`IssueReport`] covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssueOf {
    /// Every issue.
    All,
    /// Those that started on this channel.
    Channel(String),
    /// Those that started as this type of this channel (channels with several types).
    Type(String, String),
    /// Those of this segment.
    Segment(String),
}

impl IssueOf {
    /// Its name in tables and CSV: `all`, the channel, `channel/type`, the segment.
    pub fn name(&self) -> String {
        match self {
            IssueOf::All => "all".into(),
            IssueOf::Channel(c) | IssueOf::Segment(c) => c.clone(),
            IssueOf::Type(c, t) => format!("{c}/{t}"),
        }
    }
}

/// The issues of one scope, over the counted horizon (by the first contact's arrival).
#[derive(Debug, Clone)]
pub struct IssueReport {
    /// The issues it covers.
    pub of: IssueOf,
    /// Every issue KPI, in [`IssueKpi::ALL`] order.
    pub kpis: Vec<(IssueKpi, Estimate)>,
}

impl IssueReport {
    /// The estimate of `k`, if reported.
    pub fn get(&self, k: IssueKpi) -> Option<Estimate> {
        find(&self.kpis, k)
    }
}

/// One customer segment: how it is treated, and its contacts' KPIs per channel.
#[derive(Debug, Clone)]
pub struct SegmentReport {
    /// Segment name.
    pub name: String,
    /// Share of fresh contacts.
    pub share: f64,
    /// Priority levels its contacts jump.
    pub priority_boost: u32,
    /// Multiplier of its customers' patience.
    pub patience_factor: f64,
    /// Its own service-level target and threshold (s), if any.
    pub target: Option<(f64, f64)>,
    /// Per channel (by name): its contacts' KPIs (the per-type catalogue entries that apply).
    pub channels: Vec<(String, Vec<(ChannelKpi, Estimate)>)>,
}

/// One demand event, as the report shows it among the inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct EventReport {
    /// Its name.
    pub name: String,
    /// Channels affected, by name.
    pub channels: Vec<String>,
    /// Windows `[start, end)` (s from time 0).
    pub windows: Vec<(f64, f64)>,
    /// Volume multiplier.
    pub volume: f64,
    /// Contacts added per window.
    pub add: f64,
    /// Handle-time multiplier.
    pub handle_time: f64,
}

/// Forecast uncertainty of one channel, as the run realised it.
#[derive(Debug, Clone)]
pub struct ForecastReport {
    /// Channel name.
    pub channel: String,
    /// Coefficient of variation of the day multiplier.
    pub day_cv: f64,
    /// Coefficient of variation of the interval multiplier.
    pub interval_cv: f64,
    /// The replications' demand factor: expected counted arrivals with their multipliers
    /// over the forecast's (mean 1; its standard deviation is the realised forecast error).
    pub demand_factor: Estimate,
    /// Share of the variance of the channel's service level across replications that the
    /// demand factor explains (squared correlation): how much of the SL spread is forecast
    /// error rather than the randomness of arrivals and service.
    pub service_level_share: f64,
}

/// One channel over the counted horizon.
#[derive(Debug, Clone)]
pub struct ChannelReport {
    /// Channel name.
    pub name: String,
    /// Channel kind.
    pub kind: ChannelKind,
    /// Service-level target, a share in (0, 1].
    pub target: f64,
    /// Service-level threshold (s).
    pub within_s: f64,
    /// What waiting customers are told and how they react, in words
    /// ([`crate::scenario::Announce::describe`]; `None` without announcements).
    pub announce: Option<String>,
    /// The KPIs that apply to the channel's kind, in [`ChannelKpi::ALL`] order.
    pub kpis: Vec<(ChannelKpi, Estimate)>,
    /// Per contact type, when the channel has more than one.
    pub types: Vec<TypeReport>,
    /// The wait distribution of answered contacts: (t in s, share that waited longer than
    /// t), at t = 0 and every quarter of the threshold up to six times it.
    pub wait_above: Vec<(f64, Estimate)>,
}

/// One contact type (triage category) of a channel, over the counted horizon.
#[derive(Debug, Clone)]
pub struct TypeReport {
    /// Type name.
    pub name: String,
    /// Priority (1 = most urgent).
    pub priority: u32,
    /// Share of the channel's arrivals.
    pub share: f64,
    /// Its service-level target and threshold (s): its own, or the channel's.
    pub target: f64,
    /// See `target`.
    pub within_s: f64,
    /// The KPIs reported per type (catalogue entries with `per_type`) that apply to the
    /// channel's kind.
    pub kpis: Vec<(ChannelKpi, Estimate)>,
}

impl TypeReport {
    /// The estimate of `k`, if reported.
    pub fn get(&self, k: ChannelKpi) -> Option<Estimate> {
        find(&self.kpis, k)
    }
}

impl ChannelReport {
    /// The estimate of `k`, if reported.
    pub fn get(&self, k: ChannelKpi) -> Option<Estimate> {
        find(&self.kpis, k)
    }
}

/// One agent group over the counted horizon.
#[derive(Debug, Clone)]
pub struct GroupReport {
    /// Group name.
    pub name: String,
    /// Channels served, in preference order.
    pub skills: Vec<String>,
    /// The group KPIs (slot utilisation only for groups with a chat skill).
    pub kpis: Vec<(GroupKpi, Estimate)>,
    /// Contacts answered by the group, per channel it serves.
    pub handled: Vec<(String, Estimate)>,
}

impl GroupReport {
    /// The estimate of `k`, if reported.
    pub fn get(&self, k: GroupKpi) -> Option<Estimate> {
        find(&self.kpis, k)
    }
}

/// One channel in one planning interval (contacts by interval of arrival).
#[derive(Debug, Clone)]
pub struct IntervalReport {
    /// Channel name.
    pub channel: String,
    /// Interval start (s).
    pub start_s: f64,
    /// The channel's KPIs in this interval.
    pub kpis: Vec<(ChannelKpi, Estimate)>,
    /// The events on for this channel at some time in the interval, by name.
    pub events: Vec<String>,
}

impl IntervalReport {
    /// The estimate of `k`, if reported.
    pub fn get(&self, k: ChannelKpi) -> Option<Estimate> {
        find(&self.kpis, k)
    }
}

/// One agent group in one planning interval.
#[derive(Debug, Clone)]
pub struct GroupIntervalReport {
    /// Group name.
    pub group: String,
    /// Interval start (s).
    pub start_s: f64,
    /// The group's KPIs in this interval.
    pub kpis: Vec<(GroupIntervalKpi, Estimate)>,
}

impl GroupIntervalReport {
    /// The estimate of `k`, if reported.
    pub fn get(&self, k: GroupIntervalKpi) -> Option<Estimate> {
        find(&self.kpis, k)
    }
}

/// Deferred work (email, social) waiting at the end of each day.
#[derive(Debug, Clone)]
pub struct BacklogReport {
    /// Channel name.
    pub channel: String,
    /// One estimate per day of the horizon.
    pub days: Vec<Estimate>,
}

impl Report {
    /// Arranges the estimates of a run of `s` (one per slot of `l`) by scope.
    pub fn new(s: &Scenario, l: &Layout, est: &[Estimate]) -> Report {
        let mut channels = Vec::new();
        let mut intervals = Vec::new();
        let mut backlog = Vec::new();
        for (c, ch) in s.channels.iter().enumerate() {
            let kinds: Vec<ChannelKpi> = ChannelKpi::ALL.iter().copied().filter(|k| k.applies(ch)).collect();
            let types = if ch.types.len() > 1 {
                ch.types
                    .iter()
                    .enumerate()
                    .map(|(t, ty)| TypeReport {
                        name: ty.name.clone(),
                        priority: ty.priority,
                        share: ty.share,
                        target: ty.service_level.map_or(ch.target, |sl| sl.1),
                        within_s: ty.service_level.map_or(ch.within, |sl| sl.0),
                        kpis: ChannelKpi::ALL
                            .iter()
                            .filter(|k| k.def().per_type && k.applies(ch))
                            .map(|&k| (k, est[l.contact_type(c, t, k)]))
                            .collect(),
                    })
                    .collect()
            } else {
                Vec::new()
            };
            channels.push(ChannelReport {
                name: ch.name.clone(),
                kind: ch.kind,
                target: ch.target,
                within_s: ch.within,
                announce: ch.announce.as_ref().map(crate::scenario::Announce::describe),
                kpis: kinds.iter().map(|&k| (k, est[l.channel(c, k)])).collect(),
                types,
                wait_above: (0..WAIT_POINTS)
                    .map(|j| (j as f64 * wait_step(ch.within), est[l.wait_above(c, j)]))
                    .collect(),
            });
            for i in 0..l.intervals {
                let start_s = (l.first_interval + i) as f64 * s.interval;
                let end = start_s + s.interval;
                let events = s
                    .events()
                    .iter()
                    .filter(|e| e.channels.contains(&c) && e.windows.iter().any(|w| w.0 < end && start_s < w.1))
                    .map(|e| e.name.clone())
                    .collect();
                intervals.push(IntervalReport {
                    channel: ch.name.clone(),
                    start_s,
                    kpis: kinds.iter().map(|&k| (k, est[l.channel_interval(c, i, k)])).collect(),
                    events,
                });
            }
            if !ch.kind.is_live() {
                backlog.push(BacklogReport {
                    channel: ch.name.clone(),
                    days: (0..l.days).map(|d| est[l.backlog(c, d)]).collect(),
                });
            }
        }
        let mut groups = Vec::new();
        let mut group_intervals = Vec::new();
        for (g, grp) in s.groups.iter().enumerate() {
            let has_chat = grp.skills.iter().any(|sk| s.channels[sk.channel].kind == ChannelKind::Chat);
            let gk: Vec<GroupKpi> = GroupKpi::ALL.iter().copied().filter(|k| has_chat || !k.def().chat_only).collect();
            let gik: Vec<GroupIntervalKpi> =
                GroupIntervalKpi::ALL.iter().copied().filter(|k| has_chat || !k.def().chat_only).collect();
            groups.push(GroupReport {
                name: grp.name.clone(),
                skills: grp.skills.iter().map(|sk| s.channels[sk.channel].name.clone()).collect(),
                kpis: gk.iter().map(|&k| (k, est[l.group(g, k)])).collect(),
                handled: grp
                    .skills
                    .iter()
                    .map(|sk| (s.channels[sk.channel].name.clone(), est[l.handled(g, sk.channel)]))
                    .collect(),
            });
            for i in 0..l.intervals {
                group_intervals.push(GroupIntervalReport {
                    group: grp.name.clone(),
                    start_s: (l.first_interval + i) as f64 * s.interval,
                    kpis: gik.iter().map(|&k| (k, est[l.group_interval(g, i, k)])).collect(),
                });
            }
        }
        let issue = |scope: IssueScope, of: IssueOf| IssueReport {
            of,
            kpis: IssueKpi::ALL.iter().map(|&k| (k, est[l.issue(scope, k)])).collect(),
        };
        let mut issues = vec![issue(IssueScope::All, IssueOf::All)];
        for (c, ch) in s.channels.iter().enumerate() {
            issues.push(issue(IssueScope::Channel(c), IssueOf::Channel(ch.name.clone())));
            if ch.types.len() > 1 {
                for (t, ty) in ch.types.iter().enumerate() {
                    issues.push(issue(l.issue_type(c, t), IssueOf::Type(ch.name.clone(), ty.name.clone())));
                }
            }
        }
        for (g, seg) in s.segments().iter().enumerate() {
            issues.push(issue(IssueScope::Segment(g), IssueOf::Segment(seg.name.clone())));
        }
        let segments = s
            .segments()
            .iter()
            .enumerate()
            .map(|(g, seg)| SegmentReport {
                name: seg.name.clone(),
                share: seg.share,
                priority_boost: seg.priority_boost,
                patience_factor: seg.patience_factor,
                target: seg.service_level.map(|(w, t)| (t, w)),
                channels: s
                    .channels
                    .iter()
                    .enumerate()
                    .map(|(c, ch)| {
                        let kpis = ChannelKpi::ALL
                            .iter()
                            .filter(|k| k.def().per_type && k.applies(ch))
                            .map(|&k| (k, est[l.segment(c, g, k)]))
                            .collect();
                        (ch.name.clone(), kpis)
                    })
                    .collect(),
            })
            .collect();
        Report {
            issues,
            segments,
            scenario: s.name.clone(),
            description: s.description.clone(),
            replications: s.replications,
            seed: s.seed,
            horizon_s: s.horizon,
            interval_s: s.interval,
            warmup_s: s.warmup,
            start_day: s.start_day.name(),
            overrides: s.overrides().to_vec(),
            channels,
            groups,
            intervals,
            group_intervals,
            backlog,
            forecast: Vec::new(),
            actuals: Vec::new(),
            events: s
                .events()
                .iter()
                .map(|e| EventReport {
                    name: e.name.clone(),
                    channels: e.channels.iter().map(|&c| s.channels[c].name.clone()).collect(),
                    windows: e.windows.clone(),
                    volume: e.volume,
                    add: e.add,
                    handle_time: e.handle,
                })
                .collect(),
        }
    }

    /// The channel called `name`.
    pub fn channel(&self, name: &str) -> Option<&ChannelReport> {
        self.channels.iter().find(|c| c.name == name)
    }

    /// The group called `name`.
    pub fn group(&self, name: &str) -> Option<&GroupReport> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// The issues of `of`.
    pub fn issues_of(&self, of: &IssueOf) -> Option<&IssueReport> {
        self.issues.iter().find(|x| &x.of == of)
    }
}
