//! The result of a run: every KPI estimate arranged by channel, contact type, group,
//! interval, issue scope and segment — the JSON contract of `docs/kpis.md` §9, derived
//! with serde in both directions.
//!
//! Every KPI is `{"mean": x, "ci95": h}`; a value no replication defined, or a half-width
//! with fewer than two replications, is `null`. Keys keep scenario order. Readers ignore
//! fields they do not know, as the contract asks.

use crate::Error;
use crate::base::serde_maps::{Named, named, nan_if_null, pairs};
use crate::base::time::Weekday;
use crate::base::time::{DAY, format_when};
use crate::data::history::Observed;
use crate::scenario::{ChannelKind, Scenario, ServiceTarget};
use crate::stats::IssueScope;
use crate::stats::kpi::{ChannelKpi, GroupIntervalKpi, GroupKpi, IssueKpi, Kpi, Layout, WAIT_POINTS, wait_step};
use crate::stats::summary::Estimate;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::marker::PhantomData;

/// The estimates of one scope's KPIs, in catalogue order: written as fields named by the
/// catalogue (`"service_level": {"mean": …, "ci95": …}`), read back keeping the names the
/// catalogue knows and ignoring the rest.
#[derive(Debug, Clone, PartialEq)]
pub struct Kpis<K>(pub Vec<(K, Estimate)>);

impl<K> Default for Kpis<K> {
    fn default() -> Self {
        Kpis(Vec::new())
    }
}

impl<K: Kpi> Kpis<K> {
    /// The estimate of `k`, if reported.
    pub fn get(&self, k: K) -> Option<Estimate> {
        self.0.iter().find(|x| x.0 == k).map(|x| x.1)
    }
}

impl<K> std::ops::Deref for Kpis<K> {
    type Target = [(K, Estimate)];
    fn deref(&self) -> &[(K, Estimate)] {
        &self.0
    }
}

impl<'a, K> IntoIterator for &'a Kpis<K> {
    type Item = &'a (K, Estimate);
    type IntoIter = std::slice::Iter<'a, (K, Estimate)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<K: Kpi> FromIterator<(K, Estimate)> for Kpis<K> {
    fn from_iter<I: IntoIterator<Item = (K, Estimate)>>(iter: I) -> Self {
        Kpis(iter.into_iter().collect())
    }
}

impl<K: Kpi> Serialize for Kpis<K> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, e) in &self.0 {
            m.serialize_entry(k.name(), e)?;
        }
        m.end()
    }
}

impl<'de, K: Kpi> Deserialize<'de> for Kpis<K> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<K>(PhantomData<K>);
        impl<'de, K: Kpi> Visitor<'de> for V<K> {
            type Value = Kpis<K>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("KPI estimates by name")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Kpis<K>, A::Error> {
                let mut found = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    match K::ALL.iter().find(|k| k.name() == key) {
                        Some(&k) => found.push((k, map.next_value::<Estimate>()?)),
                        None => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                // Catalogue order, whatever the file's.
                Ok(K::ALL.iter().filter_map(|&k| found.iter().find(|x| x.0 == k).copied()).collect())
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

/// Implements [`Named`] for a document item whose name is its key in a map.
macro_rules! named_by {
    ($t:ty, $field:ident) => {
        impl Named for $t {
            fn name(&self) -> &str {
                &self.$field
            }
            fn set_name(&mut self, name: String) {
                self.$field = name;
            }
        }
    };
}

/// Everything a run reports, in scenario order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// Scenario name.
    pub scenario: String,
    /// Scenario description, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
    /// Weekday at time 0.
    pub start_day: Weekday,
    /// The overrides applied to the scenario file (`--set PATH=VALUE`), in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "pairs")]
    pub overrides: Vec<(String, String)>,
    /// Per channel, in scenario order.
    #[serde(with = "named")]
    pub channels: Vec<ChannelReport>,
    /// Per agent group, in scenario order.
    #[serde(with = "named")]
    pub groups: Vec<GroupReport>,
    /// Per channel and counted interval (channel by channel).
    pub intervals: Vec<IntervalReport>,
    /// Per group and counted interval (group by group).
    pub group_intervals: Vec<GroupIntervalReport>,
    /// Per deferred channel: waiting at the end of each day.
    #[serde(rename = "backlog_end_of_day", default, with = "named")]
    pub backlog: Vec<BacklogReport>,
    /// Customer issues: every issue, by channel and type they started as, by segment.
    #[serde(default)]
    pub issues: IssuesReport,
    /// Customer segments, in scenario order (empty without `[[segment]]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "named")]
    pub segments: Vec<SegmentReport>,
    /// Per channel with forecast uncertainty (from a run; empty in sweeps).
    #[serde(rename = "forecast_uncertainty", default, skip_serializing_if = "Vec::is_empty", with = "named")]
    pub forecast: Vec<ForecastReport>,
    /// The events calendar, as inputs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<EventReport>,
    /// Observed values of a contact history, interval by interval (`run --actuals`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actuals: Vec<Observed>,
    /// Reporting windows (`--window`, `[report] windows`): every channel's and group's
    /// KPIs over each window's intervals.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub windows: Vec<WindowReport>,
    /// Each replication's value of every whole-horizon and window KPI, in the order of the
    /// CSV (runs of at most [`KEPT_REPLICATIONS`](crate::plan::run::KEPT_REPLICATIONS)
    /// replications): what `ccsim compare` pairs two saved runs by.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub per_replication: Vec<ReplicationValues>,
}

/// One KPI of one scope, replication by replication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplicationValues {
    /// Its scope, as in the CSV (`channel`, `type`, `group`, `window`, …).
    pub scope: String,
    /// Its subject, as in the CSV.
    pub name: String,
    /// The KPI's name.
    pub kpi: String,
    /// Its value in each replication, in order (`null`: undefined there).
    pub values: Vec<Option<f64>>,
}

/// The KPIs of every channel and group over one reporting window (its counted intervals
/// together), each with its confidence interval over the replications. Wait percentiles
/// are not kept per window.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WindowReport {
    /// Its name (`Wed 19:00-21:00`, `day 3 Wed`).
    pub name: String,
    /// Its days part (`Wed`, `Mon-Fri`, `day 3 Wed`, `every day`).
    pub days: String,
    /// Its clock part (`19:00-21:00`, `all day`).
    pub clock: String,
    /// Counted intervals it covers.
    pub intervals: usize,
    /// Start of its first interval (s).
    pub start_s: f64,
    /// Per channel, in scenario order: the channel KPIs over the window.
    #[serde(with = "pairs")]
    pub channels: Vec<(String, Kpis<ChannelKpi>)>,
    /// Per group, in scenario order: the group's per-interval KPIs over the window (agents
    /// are means over it).
    #[serde(with = "pairs")]
    pub groups: Vec<(String, Kpis<GroupIntervalKpi>)>,
}

/// Which issues an [`IssuesReport`] scope covers.
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

/// Issue KPIs of a named scope (a contact type an issue started as, a segment).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NamedIssues {
    /// The type's or segment's name.
    #[serde(skip)]
    pub name: String,
    /// Its issue KPIs, in catalogue order.
    #[serde(flatten)]
    pub kpis: Kpis<IssueKpi>,
}
named_by!(NamedIssues, name);

/// The issues that started on one channel, and by the type they started as (channels
/// with several types).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ChannelIssues {
    /// Channel name.
    #[serde(skip)]
    pub name: String,
    /// Its issue KPIs, in catalogue order.
    #[serde(flatten)]
    pub kpis: Kpis<IssueKpi>,
    /// Per contact type the issues started as.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "named")]
    pub types: Vec<NamedIssues>,
}
named_by!(ChannelIssues, name);

/// Customer issues over the counted horizon (by the first contact's arrival): every issue,
/// per channel and type they started as, per segment.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct IssuesReport {
    /// Every issue.
    #[serde(default)]
    pub all: Kpis<IssueKpi>,
    /// Per channel the issues started on.
    #[serde(default, with = "named")]
    pub channels: Vec<ChannelIssues>,
    /// Per customer segment.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "named")]
    pub segments: Vec<NamedIssues>,
}

impl IssuesReport {
    /// Every scope with its KPIs, in report order: all, then each channel followed by its
    /// types, then the segments.
    pub fn scopes(&self) -> Vec<(IssueOf, &Kpis<IssueKpi>)> {
        let mut out = vec![(IssueOf::All, &self.all)];
        for c in &self.channels {
            out.push((IssueOf::Channel(c.name.clone()), &c.kpis));
            out.extend(c.types.iter().map(|t| (IssueOf::Type(c.name.clone(), t.name.clone()), &t.kpis)));
        }
        out.extend(self.segments.iter().map(|g| (IssueOf::Segment(g.name.clone()), &g.kpis)));
        out
    }

    /// The KPIs of one scope.
    pub fn of(&self, of: &IssueOf) -> Option<&Kpis<IssueKpi>> {
        match of {
            IssueOf::All => Some(&self.all),
            IssueOf::Channel(c) => self.channels.iter().find(|x| &x.name == c).map(|x| &x.kpis),
            IssueOf::Type(c, t) => self
                .channels
                .iter()
                .find(|x| &x.name == c)
                .and_then(|x| x.types.iter().find(|y| &y.name == t))
                .map(|y| &y.kpis),
            IssueOf::Segment(g) => self.segments.iter().find(|x| &x.name == g).map(|x| &x.kpis),
        }
    }
}

/// One customer segment: how it is treated, and its contacts' KPIs per channel.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SegmentReport {
    /// Segment name.
    #[serde(skip)]
    pub name: String,
    /// Share of fresh contacts.
    pub share: f64,
    /// Priority levels its contacts jump.
    pub priority_boost: u32,
    /// Multiplier of its customers' patience.
    pub patience_factor: f64,
    /// Its own service-level target, if any.
    #[serde(flatten)]
    pub target: Option<ServiceTarget>,
    /// Per channel (by name): its contacts' KPIs (the per-type catalogue entries that apply).
    #[serde(with = "pairs")]
    pub channels: Vec<(String, Kpis<ChannelKpi>)>,
}
named_by!(SegmentReport, name);

/// One demand event, as the report shows it among the inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ForecastReport {
    /// Channel name.
    #[serde(skip)]
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
    #[serde(rename = "service_level_variance_share", deserialize_with = "nan_if_null")]
    pub service_level_share: f64,
}
named_by!(ForecastReport, channel);

/// A point of a channel's wait distribution: the share of answered contacts that waited
/// longer than `t_s`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WaitPoint {
    /// The wait (s).
    pub t_s: f64,
    /// The share that waited longer.
    #[serde(flatten)]
    pub share: Estimate,
}

/// One channel over the counted horizon.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChannelReport {
    /// Channel name.
    #[serde(skip)]
    pub name: String,
    /// Channel kind.
    pub kind: ChannelKind,
    /// Its service-level target.
    #[serde(flatten)]
    pub target: ServiceTarget,
    /// What waiting customers are told and how they react, in words
    /// ([`crate::scenario::Announce::describe`]; `None` without announcements).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announce: Option<String>,
    /// The KPIs that apply to the channel's kind, in catalogue order.
    #[serde(flatten)]
    pub kpis: Kpis<ChannelKpi>,
    /// The wait distribution of answered contacts, at t = 0 and every quarter of the
    /// threshold up to six times it.
    #[serde(default)]
    pub wait_above: Vec<WaitPoint>,
    /// Per contact type, when the channel has more than one.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "named")]
    pub types: Vec<TypeReport>,
    /// Its opening hours within the horizon, `[start, end)` windows in seconds, when it is
    /// not open all the time (empty: always open).
    #[serde(rename = "open_s", default, skip_serializing_if = "Vec::is_empty")]
    pub open: Vec<(f64, f64)>,
}
named_by!(ChannelReport, name);

impl ChannelReport {
    /// Whether the channel is open for some of `[a, b)` (always, without opening hours).
    pub fn open_during(&self, a: f64, b: f64) -> bool {
        self.open.is_empty() || self.open.iter().any(|&(x, y)| x < b && a < y)
    }

    /// The estimate of `k`, if reported.
    pub fn get(&self, k: ChannelKpi) -> Option<Estimate> {
        self.kpis.get(k)
    }
}

/// One contact type (triage category) of a channel, over the counted horizon.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TypeReport {
    /// Type name.
    #[serde(skip)]
    pub name: String,
    /// Priority (1 = most urgent).
    pub priority: u32,
    /// Share of the channel's arrivals.
    pub share: f64,
    /// Its service-level target: its own, or the channel's.
    #[serde(flatten)]
    pub target: ServiceTarget,
    /// The KPIs reported per type (catalogue entries with `per_type`) that apply to the
    /// channel's kind.
    #[serde(flatten)]
    pub kpis: Kpis<ChannelKpi>,
}
named_by!(TypeReport, name);

impl TypeReport {
    /// The estimate of `k`, if reported.
    pub fn get(&self, k: ChannelKpi) -> Option<Estimate> {
        self.kpis.get(k)
    }
}

/// One agent group over the counted horizon.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GroupReport {
    /// Group name.
    #[serde(skip)]
    pub name: String,
    /// Channels served, in preference order.
    pub skills: Vec<String>,
    /// The group KPIs (slot utilisation only for groups with a chat skill).
    #[serde(flatten)]
    pub kpis: Kpis<GroupKpi>,
    /// Contacts answered by the group, per channel it serves.
    #[serde(rename = "handled_by_channel", default, with = "pairs")]
    pub handled: Vec<(String, Estimate)>,
}
named_by!(GroupReport, name);

impl GroupReport {
    /// The estimate of `k`, if reported.
    pub fn get(&self, k: GroupKpi) -> Option<Estimate> {
        self.kpis.get(k)
    }
}

/// One channel in one planning interval (contacts by interval of arrival).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IntervalReport {
    /// Channel name.
    pub channel: String,
    /// Interval start (s).
    pub start_s: f64,
    /// The events on for this channel at some time in the interval, by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<String>,
    /// The channel's KPIs in this interval.
    #[serde(flatten)]
    pub kpis: Kpis<ChannelKpi>,
}

impl IntervalReport {
    /// The estimate of `k`, if reported.
    pub fn get(&self, k: ChannelKpi) -> Option<Estimate> {
        self.kpis.get(k)
    }
}

/// One agent group in one planning interval.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GroupIntervalReport {
    /// Group name.
    pub group: String,
    /// Interval start (s).
    pub start_s: f64,
    /// The group's KPIs in this interval.
    #[serde(flatten)]
    pub kpis: Kpis<GroupIntervalKpi>,
}

impl GroupIntervalReport {
    /// The estimate of `k`, if reported.
    pub fn get(&self, k: GroupIntervalKpi) -> Option<Estimate> {
        self.kpis.get(k)
    }
}

/// Deferred work (email, social) waiting at the end of each day.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BacklogReport {
    /// Channel name.
    #[serde(skip)]
    pub channel: String,
    /// One estimate per day of the horizon.
    pub days: Vec<Estimate>,
}
named_by!(BacklogReport, channel);

impl Report {
    /// Reads the JSON result of a run (what `ccsim run --format json` writes).
    ///
    /// # Errors
    ///
    /// [`Error::Input`] naming the first field that is missing or of the wrong type (or
    /// saying that the document is a sweep's).
    pub fn from_json(json: &str) -> Result<Report, Error> {
        let doc: serde_json::Value = serde_json::from_str(json).map_err(|e| Error::Input(format!("not JSON: {e}")))?;
        Report::from_value(doc)
    }

    /// As [`Report::from_json`], from a parsed document.
    ///
    /// # Errors
    ///
    /// As [`Report::from_json`].
    pub fn from_value(doc: serde_json::Value) -> Result<Report, Error> {
        let other = if doc.get("variants").is_some() {
            Some("a sweep's result (`ccsim sweep --format json`); its charts: `ccsim chart FILE --out DIR`")
        } else if doc.get("plans").is_some() {
            Some("a staffing result (`ccsim staff --format json`); its chart: `ccsim chart FILE --out DIR`")
        } else if doc.get("format").and_then(|f| f.as_str()).is_some_and(|f| f.starts_with("ccsim partial sweep")) {
            Some("a shard's part of a sweep; `ccsim merge` combines the parts into the sweep's result")
        } else if doc.get("a").is_some() && doc.get("b").is_some() && doc.get("values").is_some() {
            Some("a comparison of two runs (`ccsim compare --format json`)")
        } else {
            None
        };
        if let Some(what) = other {
            return Err(Error::Input(format!(
                "this is {what}; this command takes a run's result, as `ccsim run --format json` writes it"
            )));
        }
        let r: Report =
            crate::base::serde_maps::read_json(doc).map_err(|e| Error::Input(format!("not a run's result: {e}")))?;
        r.check().map_err(|(field, m)| Error::Input(format!("`{field}`: {m}")))?;
        Ok(r)
    }

    /// The channel called `name`.
    pub fn channel(&self, name: &str) -> Option<&ChannelReport> {
        self.channels.iter().find(|c| c.name == name)
    }

    /// The group called `name`.
    pub fn group(&self, name: &str) -> Option<&GroupReport> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// The issue KPIs of `of`.
    pub fn issues_of(&self, of: &IssueOf) -> Option<&Kpis<IssueKpi>> {
        self.issues.of(of)
    }

    /// Arranges the estimates of a run of `s` (one per slot of `l`) by scope.
    pub fn new(s: &Scenario, l: &Layout, est: &[Estimate]) -> Report {
        let mut channels = Vec::new();
        let mut intervals = Vec::new();
        let mut backlog = Vec::new();
        for (c, ch) in s.channels.iter().enumerate() {
            let kinds: Vec<ChannelKpi> = ChannelKpi::ALL.iter().copied().filter(|k| k.applies(ch)).collect();
            channels.push(channel_report(s, l, est, c, &kinds));
            for i in 0..l.intervals {
                intervals.push(interval_report(s, l, est, c, i, &kinds));
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
            groups.push(GroupReport {
                name: grp.name.clone(),
                skills: grp.skills.iter().map(|sk| s.channels[sk.channel].name.clone()).collect(),
                kpis: GroupKpi::ALL
                    .iter()
                    .filter(|k| has_chat || !k.def().chat_only)
                    .map(|&k| (k, est[l.group(g, k)]))
                    .collect(),
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
                    kpis: GroupIntervalKpi::ALL
                        .iter()
                        .filter(|k| has_chat || !k.def().chat_only)
                        .map(|&k| (k, est[l.group_interval(g, i, k)]))
                        .collect(),
                });
            }
        }
        Report {
            issues: issues_report(s, l, est),
            segments: segment_reports(s, l, est),
            scenario: s.name.clone(),
            description: s.description.clone(),
            replications: s.replications,
            seed: s.seed,
            horizon_s: s.horizon,
            interval_s: s.interval,
            warmup_s: s.warmup,
            start_day: s.start_day,
            overrides: s.overrides().to_vec(),
            channels,
            groups,
            intervals,
            group_intervals,
            backlog,
            forecast: Vec::new(),
            actuals: Vec::new(),
            windows: window_reports(s, l, est),
            per_replication: Vec::new(),
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
}

/// Channel `c` over the counted horizon, with its types and wait distribution.
fn channel_report(s: &Scenario, l: &Layout, est: &[Estimate], c: usize, kinds: &[ChannelKpi]) -> ChannelReport {
    let ch = &s.channels[c];
    let per_type: Vec<ChannelKpi> = kinds.iter().copied().filter(|k| k.def().per_type).collect();
    let types = if ch.types.len() > 1 {
        ch.types
            .iter()
            .enumerate()
            .map(|(t, ty)| TypeReport {
                name: ty.name.clone(),
                priority: ty.priority,
                share: ty.share,
                target: ty.service_level.unwrap_or(ch.target),
                kpis: per_type.iter().map(|&k| (k, est[l.contact_type(c, t, k)])).collect(),
            })
            .collect()
    } else {
        Vec::new()
    };
    ChannelReport {
        name: ch.name.clone(),
        kind: ch.kind,
        target: ch.target,
        announce: ch.announce.as_ref().map(crate::scenario::Announce::describe),
        kpis: kinds.iter().map(|&k| (k, est[l.channel(c, k)])).collect(),
        types,
        wait_above: (0..WAIT_POINTS)
            .map(|j| WaitPoint { t_s: j as f64 * wait_step(ch.target.within), share: est[l.wait_above(c, j)] })
            .collect(),
        open: if ch.open == [(0.0, s.horizon)] { Vec::new() } else { ch.open.clone() },
    }
}

/// Channel `c` in counted interval `i`, with the events on in it.
fn interval_report(
    s: &Scenario,
    l: &Layout,
    est: &[Estimate],
    c: usize,
    i: usize,
    kinds: &[ChannelKpi],
) -> IntervalReport {
    let start_s = (l.first_interval + i) as f64 * s.interval;
    let end = start_s + s.interval;
    IntervalReport {
        channel: s.channels[c].name.clone(),
        start_s,
        kpis: kinds.iter().map(|&k| (k, est[l.channel_interval(c, i, k)])).collect(),
        events: s
            .events()
            .iter()
            .filter(|e| e.channels.contains(&c) && e.windows.iter().any(|w| w.0 < end && start_s < w.1))
            .map(|e| e.name.clone())
            .collect(),
    }
}

/// Per channel, in scenario order: the KPIs that apply to it and that `keep` takes, each
/// estimate read at `at(channel, kpi)` of `est`.
fn per_channel(
    s: &Scenario,
    est: &[Estimate],
    keep: impl Fn(ChannelKpi) -> bool,
    at: impl Fn(usize, ChannelKpi) -> usize,
) -> Vec<(String, Kpis<ChannelKpi>)> {
    s.channels
        .iter()
        .enumerate()
        .map(|(c, ch)| {
            let kpis =
                ChannelKpi::ALL.iter().filter(|&&k| k.applies(ch) && keep(k)).map(|&k| (k, est[at(c, k)])).collect();
            (ch.name.clone(), kpis)
        })
        .collect()
}

/// Every reporting window's channel and group KPIs.
fn window_reports(s: &Scenario, l: &Layout, est: &[Estimate]) -> Vec<WindowReport> {
    let percentile = |k: &ChannelKpi| matches!(k, ChannelKpi::WaitP50S | ChannelKpi::WaitP90S | ChannelKpi::WaitP99S);
    s.windows()
        .iter()
        .enumerate()
        .map(|(w, win)| WindowReport {
            name: win.name.clone(),
            days: win.days.clone(),
            clock: win.clock.clone(),
            intervals: win.intervals.len(),
            start_s: win.intervals[0] as f64 * s.interval,
            channels: per_channel(s, est, |k| !percentile(&k), |c, k| l.window_channel(w, c, k)),
            groups: s
                .groups
                .iter()
                .enumerate()
                .map(|(g, grp)| {
                    let has_chat = grp.skills.iter().any(|sk| s.channels[sk.channel].kind == ChannelKind::Chat);
                    let kpis = GroupIntervalKpi::ALL
                        .iter()
                        .filter(|k| has_chat || !k.def().chat_only)
                        .map(|&k| (k, est[l.window_group(w, g, k)]))
                        .collect();
                    (grp.name.clone(), kpis)
                })
                .collect(),
        })
        .collect()
}

/// Issue KPIs of every scope.
fn issues_report(s: &Scenario, l: &Layout, est: &[Estimate]) -> IssuesReport {
    let kpis =
        |scope: IssueScope| -> Kpis<IssueKpi> { IssueKpi::ALL.iter().map(|&k| (k, est[l.issue(scope, k)])).collect() };
    IssuesReport {
        all: kpis(IssueScope::All),
        channels: s
            .channels
            .iter()
            .enumerate()
            .map(|(c, ch)| ChannelIssues {
                name: ch.name.clone(),
                kpis: kpis(IssueScope::Channel(c)),
                types: if ch.types.len() > 1 {
                    ch.types
                        .iter()
                        .enumerate()
                        .map(|(t, ty)| NamedIssues { name: ty.name.clone(), kpis: kpis(l.issue_type(c, t)) })
                        .collect()
                } else {
                    Vec::new()
                },
            })
            .collect(),
        segments: s
            .segments()
            .iter()
            .enumerate()
            .map(|(g, seg)| NamedIssues { name: seg.name.clone(), kpis: kpis(IssueScope::Segment(g)) })
            .collect(),
    }
}

/// Every segment with its contacts' KPIs per channel.
fn segment_reports(s: &Scenario, l: &Layout, est: &[Estimate]) -> Vec<SegmentReport> {
    s.segments()
        .iter()
        .enumerate()
        .map(|(g, seg)| SegmentReport {
            name: seg.name.clone(),
            share: seg.share,
            priority_boost: seg.priority_boost,
            patience_factor: seg.patience_factor,
            target: seg.service_level,
            channels: per_channel(s, est, |k| k.def().per_type, |c, k| l.segment(c, g, k)),
        })
        .collect()
}

/// The report of a finished run: its estimates arranged by scope, with how its forecast
/// uncertainty played out.
/// One value of a report, as a tidy row describes it.
pub struct Value<'a> {
    /// `channel`, `type`, `interval`, `window`, … (see `csv.rs`).
    pub scope: &'static str,
    /// The channel, group, `channel/type`, segment, … it belongs to.
    pub name: String,
    /// Interval or window start (s), day number for backlog, t for the wait distribution;
    /// `None` for totals.
    pub start: Option<f64>,
    /// The KPI's name.
    pub kpi: &'a str,
    /// Its estimate.
    pub estimate: &'a Estimate,
    /// Day and time (an interval's weekday and clock; a window's days and clock).
    pub when: [String; 2],
}

impl Report {
    /// Every value of the report, in the order of a run's CSV, told to `each` (which may stop
    /// the walk with an error); `per_interval`: with the per-interval scopes (intervals,
    /// group intervals, backlog, wait distribution).
    ///
    /// # Errors
    ///
    /// The first error of `each`.
    pub fn values<E>(&self, per_interval: bool, each: &mut dyn FnMut(Value) -> Result<(), E>) -> Result<(), E> {
        let r = self;
        let start_day = r.start_day;
        let clock = |t: f64| -> [String; 2] {
            let w = format_when(t, start_day);
            let (d, c) = w.split_once(' ').unwrap_or((&w, ""));
            [d.to_string(), c.to_string()]
        };
        let none = || [String::new(), String::new()];
        let mut row =
            |scope: &'static str, name: String, start: Option<f64>, kpi: &str, e: &Estimate, when: [String; 2]| {
                each(Value { scope, name, start, kpi, estimate: e, when })
            };
        for c in &r.channels {
            for (k, e) in &c.kpis {
                row("channel", c.name.clone(), None, k.name(), e, none())?;
            }
            for t in &c.types {
                for (k, e) in &t.kpis {
                    row("type", format!("{}/{}", c.name, t.name), None, k.name(), e, none())?;
                }
            }
        }
        for g in &r.groups {
            for (k, e) in &g.kpis {
                row("group", g.name.clone(), None, k.name(), e, none())?;
            }
            for (c, e) in &g.handled {
                row("handled", g.name.clone(), None, c, e, none())?;
            }
        }
        if per_interval {
            for i in &r.intervals {
                for (k, e) in &i.kpis {
                    row("interval", i.channel.clone(), Some(i.start_s), k.name(), e, clock(i.start_s))?;
                }
            }
            for i in &r.group_intervals {
                for (k, e) in &i.kpis {
                    row("group_interval", i.group.clone(), Some(i.start_s), k.name(), e, clock(i.start_s))?;
                }
            }
            for b in &r.backlog {
                for (d, e) in b.days.iter().enumerate() {
                    let [day, _] = clock(d as f64 * DAY);
                    row(
                        "backlog",
                        b.channel.clone(),
                        Some((d + 1) as f64),
                        "waiting_end_of_day",
                        e,
                        [day, String::new()],
                    )?;
                }
            }
            for c in &r.channels {
                for p in &c.wait_above {
                    row("wait_above", c.name.clone(), Some(p.t_s), "wait_above", &p.share, none())?;
                }
            }
        }
        for (of, kpis) in r.issues.scopes() {
            let scope = match of {
                IssueOf::All => "issues",
                IssueOf::Channel(_) => "channel_issues",
                IssueOf::Type(..) => "type_issues",
                IssueOf::Segment(_) => "segment_issues",
            };
            for (k, e) in kpis {
                row(scope, of.name(), None, k.name(), e, none())?;
            }
        }
        for w in &r.windows {
            let when = [w.days.clone(), w.clock.clone()];
            for (name, kpis) in &w.channels {
                for (k, e) in kpis {
                    row("window", name.clone(), Some(w.start_s), k.name(), e, when.clone())?;
                }
            }
            for (name, kpis) in &w.groups {
                for (k, e) in kpis {
                    row("group_window", name.clone(), Some(w.start_s), k.name(), e, when.clone())?;
                }
            }
        }
        for g in &r.segments {
            for (c, kpis) in &g.channels {
                for (k, e) in kpis {
                    row("segment", format!("{}/{c}", g.name), None, k.name(), e, none())?;
                }
            }
        }
        Ok(())
    }
}

impl From<&crate::plan::run::Results> for Report {
    fn from(results: &crate::plan::run::Results) -> Report {
        let s = &results.model.scenario;
        let mut r = Report::new(s, &results.layout, &results.estimates);
        r.forecast = results
            .forecast
            .iter()
            .map(|f| {
                let ch = &s.channels[f.channel];
                ForecastReport {
                    channel: ch.name.clone(),
                    day_cv: ch.forecast.day_cv,
                    interval_cv: ch.forecast.interval_cv,
                    demand_factor: f.demand_factor,
                    service_level_share: f.service_level_share,
                }
            })
            .collect();
        r.per_replication = replication_values(s, &results.layout, &results.replicated);
        r
    }
}

/// The values `kept` of every replication, labelled as the report labels its values: a
/// report of the slot numbers themselves tells which slot each value comes from.
fn replication_values(s: &Scenario, l: &Layout, kept: &crate::plan::run::Replicated) -> Vec<ReplicationValues> {
    if kept.values.is_empty() {
        return Vec::new();
    }
    let slot = |i: usize| Estimate { mean: i as f64, ci95: f64::NAN, n: 0, sd: f64::NAN };
    let labels = Report::new(s, l, &(0..l.len()).map(slot).collect::<Vec<_>>());
    let mut out = Vec::new();
    let _ = labels.values(false, &mut |v| {
        if let Ok(j) = kept.slots.binary_search(&(v.estimate.mean as usize)) {
            out.push(ReplicationValues {
                scope: v.scope.to_owned(),
                name: v.name,
                kpi: v.kpi.to_owned(),
                values: kept.values.iter().map(|r| Some(r[j]).filter(|x| !x.is_nan())).collect(),
            });
        }
        Ok::<(), ()>(())
    });
    out
}

#[cfg(test)]
mod tests {
    use crate::output::Format;
    use crate::plan::run::{RunOptions, run};
    use crate::report::Report;
    use crate::scenario::Scenario;

    fn json(r: &Report) -> Vec<u8> {
        let mut out = Vec::new();
        Format::Json.write(r, Default::default(), &mut out).unwrap();
        out
    }

    /// Writing a result and reading it back gives the same document, byte for byte; a
    /// broken document names the field at fault.
    #[test]
    fn round_trip() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/omnichannel.toml");
        let s = Scenario::load(path.as_ref()).unwrap();
        let r = Report::from(&run(s, &RunOptions { replications: Some(3), ..Default::default() }).unwrap());
        let a = json(&r);
        let back = Report::from_json(std::str::from_utf8(&a).unwrap()).unwrap();
        let b = json(&back);
        if a != b {
            std::fs::write(std::env::temp_dir().join("ccsim-round-trip.json"), &b).unwrap();
        }
        assert!(a == b, "the JSON round trip changed the document (see ccsim-round-trip.json in the temporary folder)");
        let offered = back.channels[0].get(crate::stats::kpi::ChannelKpi::Offered).unwrap();
        let live = r.channels[0].get(crate::stats::kpi::ChannelKpi::Offered).unwrap();
        assert_eq!(offered.spread(3), live.spread(3), "the spread comes back from the half-width");
        let broken = String::from_utf8(a).unwrap().replacen("\"within_s\"", "\"within\"", 1);
        let e = Report::from_json(&broken).unwrap_err().to_string();
        assert!(e.contains("`channels.phone`: missing field `within_s`"), "{e}");
        // Events, forecast uncertainty and actuals come back too.
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/campaign-week.toml");
        let s = Scenario::load(path.as_ref()).unwrap();
        let mut r = Report::from(&run(s, &RunOptions { replications: Some(3), ..Default::default() }).unwrap());
        r.actuals = vec![crate::data::history::Observed {
            channel: "phone".into(),
            start_s: 1800.0,
            days: 2,
            offered: 3.5,
            service_level: 0.75,
            asa_s: f64::NAN,
            abandon_rate: 0.0,
        }];
        assert!(!r.events.is_empty() && !r.forecast.is_empty());
        let a = json(&r);
        let back = Report::from_json(std::str::from_utf8(&a).unwrap()).unwrap();
        assert_eq!(back.events, r.events);
        assert!(back.actuals[0].asa_s.is_nan(), "undefined stays undefined");
        assert!(json(&back) == a, "events, forecast and actuals survive the round trip");
        let sweep = "{\"variants\": []}";
        assert!(Report::from_json(sweep).unwrap_err().to_string().contains("a sweep's result"));
    }
}
