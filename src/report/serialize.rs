//! The report as a serde document: the JSON contract of `docs/kpis.md`.
//!
//! Every KPI is `{"mean": x, "ci95": h}`; a value that no replication defined, or a
//! half-width with fewer than two replications, is `null`. Keys keep scenario order.

use super::Report;
use crate::stats::summary::Estimate;
use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};

fn num(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

struct Est<'a>(&'a Estimate);

impl Serialize for Est<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("mean", &num(self.0.mean))?;
        m.serialize_entry("ci95", &num(self.0.ci95))?;
        m.end()
    }
}

/// Serialises a list of (name, value) pairs as a map, keeping their order.
struct Ordered<'a, K, V>(&'a [(K, V)]);

impl<K: AsRef<str>, V: Serialize> Serialize for Ordered<'_, K, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k.as_ref(), v)?;
        }
        m.end()
    }
}

impl Serialize for Report {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("scenario", &self.scenario)?;
        if let Some(d) = &self.description {
            m.serialize_entry("description", d)?;
        }
        m.serialize_entry("replications", &self.replications)?;
        m.serialize_entry("seed", &self.seed)?;
        m.serialize_entry("horizon_s", &self.horizon_s)?;
        m.serialize_entry("interval_s", &self.interval_s)?;
        m.serialize_entry("warmup_s", &self.warmup_s)?;
        m.serialize_entry("start_day", self.start_day)?;
        if !self.overrides.is_empty() {
            m.serialize_entry("overrides", &Ordered(&self.overrides))?;
        }

        let channels: Vec<(&str, ChannelJson)> =
            self.channels.iter().map(|c| (c.name.as_str(), ChannelJson(c))).collect();
        m.serialize_entry("channels", &Ordered(&channels))?;
        let groups: Vec<(&str, GroupJson)> = self.groups.iter().map(|g| (g.name.as_str(), GroupJson(g))).collect();
        m.serialize_entry("groups", &Ordered(&groups))?;
        m.serialize_entry("intervals", &Rows(self, RowKind::Channel))?;
        m.serialize_entry("group_intervals", &Rows(self, RowKind::Group))?;
        let backlog: Vec<(&str, Vec<Est>)> =
            self.backlog.iter().map(|b| (b.channel.as_str(), b.days.iter().map(Est).collect())).collect();
        m.serialize_entry("backlog_end_of_day", &Ordered(&backlog))?;
        m.serialize_entry("issues", &IssuesJson(self))?;
        if !self.segments.is_empty() {
            let segs: Vec<(&str, SegmentJson)> =
                self.segments.iter().map(|g| (g.name.as_str(), SegmentJson(g))).collect();
            m.serialize_entry("segments", &Ordered(&segs))?;
        }
        if !self.forecast.is_empty() {
            let f: Vec<(&str, ForecastJson)> =
                self.forecast.iter().map(|f| (f.channel.as_str(), ForecastJson(f))).collect();
            m.serialize_entry("forecast_uncertainty", &Ordered(&f))?;
        }
        if !self.events.is_empty() {
            let list: Vec<serde_json::Value> = self
                .events
                .iter()
                .map(|e| {
                    serde_json::json!({
                        "name": e.name, "channels": e.channels,
                        "windows": e.windows.iter().map(|w| [w.0, w.1]).collect::<Vec<_>>(),
                        "volume": e.volume, "add": e.add, "handle_time": e.handle_time,
                    })
                })
                .collect();
            m.serialize_entry("events", &list)?;
        }
        if !self.actuals.is_empty() {
            let rows: Vec<serde_json::Value> = self
                .actuals
                .iter()
                .map(|a| {
                    serde_json::json!({
                        "channel": a.channel, "start_s": a.start_s, "days": a.days, "offered": num(a.offered),
                        "service_level": num(a.service_level), "asa_s": num(a.asa_s), "abandon_rate": num(a.abandon_rate),
                    })
                })
                .collect();
            m.serialize_entry("actuals", &rows)?;
        }
        m.end()
    }
}

struct ForecastJson<'a>(&'a super::ForecastReport);

impl Serialize for ForecastJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let f = self.0;
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("day_cv", &f.day_cv)?;
        m.serialize_entry("interval_cv", &f.interval_cv)?;
        m.serialize_entry("demand_factor", &Est(&f.demand_factor))?;
        m.serialize_entry("service_level_variance_share", &num(f.service_level_share))?;
        m.end()
    }
}

struct ChannelJson<'a>(&'a super::ChannelReport);

impl Serialize for ChannelJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let c = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("kind", c.kind.name())?;
        m.serialize_entry("target", &c.target)?;
        m.serialize_entry("within_s", &c.within_s)?;
        if let Some(a) = &c.announce {
            m.serialize_entry("announce", a)?;
        }
        for (k, e) in &c.kpis {
            m.serialize_entry(k.name(), &Est(e))?;
        }
        let waits: Vec<WaitPoint> = c.wait_above.iter().map(|(t, e)| WaitPoint(*t, e)).collect();
        m.serialize_entry("wait_above", &waits)?;
        if !c.types.is_empty() {
            let types: Vec<(&str, TypeJson)> = c.types.iter().map(|t| (t.name.as_str(), TypeJson(t))).collect();
            m.serialize_entry("types", &Ordered(&types))?;
        }
        m.end()
    }
}

/// A point of the wait distribution: `{"t_s": t, "mean": p, "ci95": h}`.
struct WaitPoint<'a>(f64, &'a Estimate);

impl Serialize for WaitPoint<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("t_s", &self.0)?;
        m.serialize_entry("mean", &num(self.1.mean))?;
        m.serialize_entry("ci95", &num(self.1.ci95))?;
        m.end()
    }
}

struct TypeJson<'a>(&'a super::TypeReport);

impl Serialize for TypeJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("priority", &t.priority)?;
        m.serialize_entry("share", &t.share)?;
        m.serialize_entry("target", &t.target)?;
        m.serialize_entry("within_s", &t.within_s)?;
        for (k, e) in &t.kpis {
            m.serialize_entry(k.name(), &Est(e))?;
        }
        m.end()
    }
}

struct GroupJson<'a>(&'a super::GroupReport);

impl Serialize for GroupJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let g = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("skills", &g.skills)?;
        for (k, e) in &g.kpis {
            m.serialize_entry(k.name(), &Est(e))?;
        }
        let handled: Vec<(&str, Est)> = g.handled.iter().map(|(c, e)| (c.as_str(), Est(e))).collect();
        m.serialize_entry("handled_by_channel", &Ordered(&handled))?;
        m.end()
    }
}

#[derive(Clone, Copy)]
enum RowKind {
    Channel,
    Group,
}

struct Rows<'a>(&'a Report, RowKind);

impl Serialize for Rows<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.1 {
            RowKind::Channel => {
                let mut seq = s.serialize_seq(Some(self.0.intervals.len()))?;
                for r in &self.0.intervals {
                    let mut fields: Vec<(&str, Row)> =
                        vec![("channel", Row::Str(&r.channel)), ("start_s", Row::Num(r.start_s))];
                    if !r.events.is_empty() {
                        fields.push(("events", Row::List(&r.events)));
                    }
                    fields.extend(r.kpis.iter().map(|(k, e)| (k.name(), Row::Est(e))));
                    seq.serialize_element(&Ordered(&fields))?;
                }
                seq.end()
            }
            RowKind::Group => {
                let mut seq = s.serialize_seq(Some(self.0.group_intervals.len()))?;
                for r in &self.0.group_intervals {
                    let mut fields: Vec<(&str, Row)> =
                        vec![("group", Row::Str(&r.group)), ("start_s", Row::Num(r.start_s))];
                    fields.extend(r.kpis.iter().map(|(k, e)| (k.name(), Row::Est(e))));
                    seq.serialize_element(&Ordered(&fields))?;
                }
                seq.end()
            }
        }
    }
}

enum Row<'a> {
    Str(&'a str),
    List(&'a [String]),
    Num(f64),
    Est(&'a Estimate),
}

impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Row::Str(x) => s.serialize_str(x),
            Row::List(x) => x.serialize(s),
            Row::Num(x) => s.serialize_f64(*x),
            Row::Est(e) => Est(e).serialize(s),
        }
    }
}

/// KPIs as a map of estimates, in catalogue order.
struct Kpis<'a, K>(&'a [(K, Estimate)], fn(K) -> &'static str);

impl<K: Copy> Serialize for Kpis<'_, K> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, e) in self.0 {
            m.serialize_entry(self.1(*k), &Est(e))?;
        }
        m.end()
    }
}

/// `issues`: `all`, then `channels.<c>` (with `types.<t>` for channels with several
/// types), then `segments.<g>`.
struct IssuesJson<'a>(&'a Report);

impl Serialize for IssuesJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use super::IssueOf;
        use crate::stats::kpi::IssueKpi;
        struct Channel<'a>(&'a super::IssueReport, Vec<(&'a str, Kpis<'a, IssueKpi>)>);
        impl Serialize for Channel<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(None)?;
                for (k, e) in &self.0.kpis {
                    m.serialize_entry(k.name(), &Est(e))?;
                }
                if !self.1.is_empty() {
                    m.serialize_entry("types", &Ordered(&self.1))?;
                }
                m.end()
            }
        }
        let r = self.0;
        let mut m = s.serialize_map(None)?;
        if let Some(all) = r.issues_of(&IssueOf::All) {
            m.serialize_entry("all", &Kpis(&all.kpis, IssueKpi::name))?;
        }
        let channels: Vec<(&str, Channel)> = r
            .issues
            .iter()
            .filter_map(|x| match &x.of {
                IssueOf::Channel(c) => {
                    let types = r
                        .issues
                        .iter()
                        .filter_map(|y| match &y.of {
                            IssueOf::Type(tc, t) if tc == c => Some((t.as_str(), Kpis(&y.kpis, IssueKpi::name))),
                            _ => None,
                        })
                        .collect();
                    Some((c.as_str(), Channel(x, types)))
                }
                _ => None,
            })
            .collect();
        m.serialize_entry("channels", &Ordered(&channels))?;
        let segs: Vec<(&str, Kpis<IssueKpi>)> = r
            .issues
            .iter()
            .filter_map(|x| match &x.of {
                IssueOf::Segment(g) => Some((g.as_str(), Kpis(&x.kpis, IssueKpi::name))),
                _ => None,
            })
            .collect();
        if !segs.is_empty() {
            m.serialize_entry("segments", &Ordered(&segs))?;
        }
        m.end()
    }
}

struct SegmentJson<'a>(&'a super::SegmentReport);

impl Serialize for SegmentJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use crate::stats::kpi::ChannelKpi;
        let g = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("share", &g.share)?;
        m.serialize_entry("priority_boost", &g.priority_boost)?;
        m.serialize_entry("patience_factor", &g.patience_factor)?;
        if let Some((t, w)) = g.target {
            m.serialize_entry("target", &t)?;
            m.serialize_entry("within_s", &w)?;
        }
        let channels: Vec<(&str, Kpis<ChannelKpi>)> =
            g.channels.iter().map(|(c, k)| (c.as_str(), Kpis(k, ChannelKpi::name))).collect();
        m.serialize_entry("channels", &Ordered(&channels))?;
        m.end()
    }
}
