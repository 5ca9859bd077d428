//! Reports: the estimates of a run arranged by channel, group and interval, and one
//! exporter per output format behind the [`Exporter`] trait.
//!
//! * [`Json`] — the machine-readable contract of `DESIGN.md`.
//! * [`Csv`] — one tidy table: `scope,name,start_s,kpi,mean,ci95`.
//! * [`Table`] — aligned text for the terminal; [`Markdown`] — the same as Markdown tables.

mod csv;
mod json;
mod text;

pub use self::csv::Csv;
pub use self::json::Json;
pub use self::text::{Markdown, Table};

use crate::engine::Model;
use crate::scenario::ChannelKind;
use crate::stats::kpi::{ChannelKpi, GroupIntervalKpi, GroupKpi};
use crate::stats::summary::Estimate;
use std::io::{self, Write};

/// Writes a report in one output format.
pub trait Exporter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}

/// Everything a run reports, in scenario order.
#[derive(Debug, Clone)]
pub struct Report {
    pub scenario: String,
    pub description: Option<String>,
    pub replications: u32,
    pub seed: u64,
    pub horizon_s: f64,
    pub interval_s: f64,
    pub warmup_s: f64,
    pub start_day: &'static str,
    pub channels: Vec<ChannelReport>,
    pub groups: Vec<GroupReport>,
    pub intervals: Vec<IntervalReport>,
    pub group_intervals: Vec<GroupIntervalReport>,
    pub backlog: Vec<BacklogReport>,
}

#[derive(Debug, Clone)]
pub struct ChannelReport {
    pub name: String,
    pub kind: ChannelKind,
    pub target: f64,
    pub within_s: f64,
    /// The KPIs that apply to the channel's kind, in [`ChannelKpi::ALL`] order.
    pub kpis: Vec<(ChannelKpi, Estimate)>,
    /// Per contact type, when the channel has more than one.
    pub types: Vec<TypeReport>,
}

/// One contact type (triage category) of a channel, over the counted horizon.
#[derive(Debug, Clone)]
pub struct TypeReport {
    pub name: String,
    pub priority: u32,
    pub share: f64,
    pub kpis: Vec<(ChannelKpi, Estimate)>,
}

impl TypeReport {
    pub fn get(&self, k: ChannelKpi) -> Option<Estimate> {
        self.kpis.iter().find(|x| x.0 == k).map(|x| x.1)
    }

    /// KPIs reported per type (no percentiles or agent-time ratios).
    pub const KPIS: [ChannelKpi; 11] = [
        ChannelKpi::Offered,
        ChannelKpi::Answered,
        ChannelKpi::Abandoned,
        ChannelKpi::WaitingAtEnd,
        ChannelKpi::ServiceLevel,
        ChannelKpi::ServiceLevelOfAnswered,
        ChannelKpi::AsaS,
        ChannelKpi::MeanWaitS,
        ChannelKpi::AbandonRate,
        ChannelKpi::AhtS,
        ChannelKpi::FrtS,
    ];
}

impl ChannelReport {
    pub fn get(&self, k: ChannelKpi) -> Option<Estimate> {
        self.kpis.iter().find(|x| x.0 == k).map(|x| x.1)
    }
}

#[derive(Debug, Clone)]
pub struct GroupReport {
    pub name: String,
    pub skills: Vec<String>,
    pub kpis: Vec<(GroupKpi, Estimate)>,
    /// Contacts answered by the group, per channel it serves.
    pub handled: Vec<(String, Estimate)>,
}

impl GroupReport {
    pub fn get(&self, k: GroupKpi) -> Option<Estimate> {
        self.kpis.iter().find(|x| x.0 == k).map(|x| x.1)
    }
}

/// One channel in one planning interval (contacts by interval of arrival).
#[derive(Debug, Clone)]
pub struct IntervalReport {
    pub channel: String,
    pub start_s: f64,
    pub kpis: Vec<(ChannelKpi, Estimate)>,
}

impl IntervalReport {
    pub fn get(&self, k: ChannelKpi) -> Option<Estimate> {
        self.kpis.iter().find(|x| x.0 == k).map(|x| x.1)
    }
}

/// One agent group in one planning interval.
#[derive(Debug, Clone)]
pub struct GroupIntervalReport {
    pub group: String,
    pub start_s: f64,
    pub kpis: Vec<(GroupIntervalKpi, Estimate)>,
}

/// Deferred work (email, social) waiting at the end of each day.
#[derive(Debug, Clone)]
pub struct BacklogReport {
    pub channel: String,
    /// One estimate per day of the horizon.
    pub days: Vec<Estimate>,
}

impl Report {
    pub fn new(model: &Model, est: &[Estimate]) -> Report {
        let s = &model.scenario;
        let l = &model.layout;
        let mut channels = Vec::new();
        let mut intervals = Vec::new();
        let mut backlog = Vec::new();
        for (c, ch) in s.channels.iter().enumerate() {
            let kinds: Vec<ChannelKpi> = ChannelKpi::ALL.iter().copied().filter(|k| k.applies_to(ch.kind)).collect();
            let types = if ch.types.len() > 1 {
                ch.types
                    .iter()
                    .enumerate()
                    .map(|(t, ty)| TypeReport {
                        name: ty.name.clone(),
                        priority: ty.priority,
                        share: ty.share,
                        kpis: TypeReport::KPIS
                            .iter()
                            .filter(|k| k.applies_to(ch.kind))
                            .map(|&k| (k, est[l.contact_type(model.type_offset[c] + t, k)]))
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
                kpis: kinds.iter().map(|&k| (k, est[l.channel(c, k)])).collect(),
                types,
            });
            for i in 0..l.intervals {
                intervals.push(IntervalReport {
                    channel: ch.name.clone(),
                    start_s: (l.first_interval + i) as f64 * s.interval,
                    kpis: kinds.iter().map(|&k| (k, est[l.channel_interval(c, i, k)])).collect(),
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
            let gk: Vec<GroupKpi> =
                GroupKpi::ALL.iter().copied().filter(|k| has_chat || *k != GroupKpi::SlotUtilisation).collect();
            let gik: Vec<GroupIntervalKpi> = GroupIntervalKpi::ALL
                .iter()
                .copied()
                .filter(|k| has_chat || *k != GroupIntervalKpi::SlotUtilisation)
                .collect();
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
        Report {
            scenario: s.name.clone(),
            description: s.description.clone(),
            replications: s.replications,
            seed: s.seed,
            horizon_s: s.horizon,
            interval_s: s.interval,
            warmup_s: s.warmup,
            start_day: s.start_day.name(),
            channels,
            groups,
            intervals,
            group_intervals,
            backlog,
        }
    }

    pub fn channel(&self, name: &str) -> Option<&ChannelReport> {
        self.channels.iter().find(|c| c.name == name)
    }

    pub fn group(&self, name: &str) -> Option<&GroupReport> {
        self.groups.iter().find(|g| g.name == name)
    }
}
