//! Choosing what a document shows: some KPIs (`--kpi service_level,abandon_rate`) and some
//! scopes (`--scope channels,windows`). A selection narrows a document itself — a run's
//! report, a sweep's, a staffing comparison — so that every format writes the same
//! choice: the tables, the CSV, the workbook and the JSON.

use super::run::{Kpis, Report};
use crate::Error;
use crate::stats::kpi::{ChannelKpi, GroupIntervalKpi, GroupKpi, IssueKpi, Kpi};
use serde::{Deserialize, Serialize};

/// The scopes a document reports KPIs for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Each channel over the counted horizon (with its wait distribution).
    Channels,
    /// Each contact type of channels with several.
    Types,
    /// Each customer segment.
    Segments,
    /// Each agent group over the counted horizon.
    Groups,
    /// Customer issues: every issue, by channel, type and segment.
    Issues,
    /// Channels and groups per planning interval (and deferred backlog per day).
    Intervals,
    /// Reporting windows.
    Windows,
}

impl Scope {
    /// Every scope, by name.
    pub const ALL: [(&'static str, Scope); 7] = [
        ("channels", Scope::Channels),
        ("types", Scope::Types),
        ("segments", Scope::Segments),
        ("groups", Scope::Groups),
        ("issues", Scope::Issues),
        ("intervals", Scope::Intervals),
        ("windows", Scope::Windows),
    ];

    /// The scope called `name` (plural or singular, any case).
    pub fn parse(name: &str) -> Option<Scope> {
        let l = name.trim().to_ascii_lowercase();
        Scope::ALL.iter().find(|(n, _)| *n == l || n.strip_suffix('s') == Some(&l)).map(|x| x.1)
    }
}

/// A choice of KPIs and scopes; empty lists mean all of them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Selection {
    /// KPI names (`service_level`, `cost`, `ttr_s`, …) from every catalogue; empty: all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kpis: Vec<String>,
    /// Scopes; empty: all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<Scope>,
}

/// Every KPI name of every catalogue, in catalogue order, once each, then the
/// distributions a report also gives (`wait_above`, `waiting_end_of_day`).
pub fn kpi_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    let all = ChannelKpi::ALL.iter().map(|k| k.name()).chain(GroupKpi::ALL.iter().map(|k| k.name()));
    let all = all.chain(GroupIntervalKpi::ALL.iter().map(|k| k.name())).chain(IssueKpi::ALL.iter().map(|k| k.name()));
    for n in all {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    names.extend(["wait_above", "waiting_end_of_day"]);
    names
}

impl Selection {
    /// A selection from names as a user writes them: KPIs (`service_level`) and scopes
    /// (`channels`, `windows`, …), each list possibly comma-separated.
    ///
    /// # Errors
    ///
    /// [`Error::Parameter`] naming a KPI or scope that does not exist, with the allowed names.
    pub fn parse(kpis: &[String], scopes: &[String]) -> Result<Selection, Error> {
        let split = |list: &[String]| -> Vec<String> {
            list.iter().flat_map(|x| x.split(',')).map(|x| x.trim().to_owned()).filter(|x| !x.is_empty()).collect()
        };
        let names = kpi_names();
        let kpis = split(kpis);
        if let Some(bad) = kpis.iter().find(|k| !names.contains(&k.as_str())) {
            return Err(Error::Parameter {
                name: "--kpi",
                message: format!("`{bad}` is not a KPI; the KPIs are {}", names.join(", ")),
            });
        }
        let mut out = Vec::new();
        for s in split(scopes) {
            let scope = Scope::parse(&s).ok_or_else(|| Error::Parameter {
                name: "--scope",
                message: format!(
                    "`{s}` is not a scope; the scopes are {}",
                    Scope::ALL.iter().map(|x| x.0).collect::<Vec<_>>().join(", ")
                ),
            })?;
            if !out.contains(&scope) {
                out.push(scope);
            }
        }
        Ok(Selection { kpis, scopes: out })
    }

    /// Nothing is chosen: everything is shown.
    pub fn is_everything(&self) -> bool {
        self.kpis.is_empty() && self.scopes.is_empty()
    }

    /// Whether `scope` is shown.
    pub fn shows(&self, scope: Scope) -> bool {
        self.scopes.is_empty() || self.scopes.contains(&scope)
    }

    /// Whether the KPI called `name` is shown.
    pub fn shows_kpi(&self, name: &str) -> bool {
        self.kpis.is_empty() || self.kpis.iter().any(|k| k == name)
    }

    /// The chosen KPIs of a catalogue, in the order chosen (`None`: no KPI was chosen).
    pub fn chosen<K: Kpi>(&self) -> Option<Vec<K>> {
        (!self.kpis.is_empty())
            .then(|| self.kpis.iter().filter_map(|n| K::ALL.iter().copied().find(|k| k.name() == n)).collect())
    }

    fn keep<K: Kpi>(&self, kpis: &mut Kpis<K>) {
        kpis.0.retain(|(k, _)| self.shows_kpi(k.name()));
    }

    fn clear<K>(kpis: &mut Kpis<K>) {
        kpis.0.clear();
    }
}

impl Report {
    /// The report narrowed to `sel`: scopes not chosen are emptied (channels and groups
    /// keep their names and targets), KPIs not chosen are left out everywhere.
    pub fn select(&mut self, sel: &Selection) {
        if sel.is_everything() {
            return;
        }
        for c in &mut self.channels {
            if sel.shows(Scope::Channels) {
                sel.keep(&mut c.kpis);
                if !sel.shows_kpi("wait_above") {
                    c.wait_above.clear();
                }
            } else {
                Selection::clear(&mut c.kpis);
                c.wait_above.clear();
            }
            if sel.shows(Scope::Types) {
                c.types.iter_mut().for_each(|t| sel.keep(&mut t.kpis));
            } else {
                c.types.clear();
            }
        }
        for g in &mut self.groups {
            if sel.shows(Scope::Groups) {
                sel.keep(&mut g.kpis);
                if !sel.shows_kpi("handled") {
                    g.handled.clear();
                }
            } else {
                Selection::clear(&mut g.kpis);
                g.handled.clear();
            }
        }
        if sel.shows(Scope::Segments) {
            self.segments.iter_mut().flat_map(|s| &mut s.channels).for_each(|(_, k)| sel.keep(k));
        } else {
            self.segments.clear();
        }
        if sel.shows(Scope::Issues) {
            sel.keep(&mut self.issues.all);
            for c in &mut self.issues.channels {
                sel.keep(&mut c.kpis);
                c.types.iter_mut().for_each(|t| sel.keep(&mut t.kpis));
            }
            self.issues.segments.iter_mut().for_each(|s| sel.keep(&mut s.kpis));
        } else {
            self.issues = Default::default();
        }
        if sel.shows(Scope::Intervals) {
            self.intervals.iter_mut().for_each(|i| sel.keep(&mut i.kpis));
            self.group_intervals.iter_mut().for_each(|i| sel.keep(&mut i.kpis));
            if !sel.shows_kpi("waiting_end_of_day") {
                self.backlog.clear();
            }
        } else {
            self.intervals.clear();
            self.group_intervals.clear();
            self.backlog.clear();
        }
        self.per_replication.retain(|v| {
            let scope = match v.scope.as_str() {
                "channel" => Scope::Channels,
                "type" => Scope::Types,
                "group" | "handled" => Scope::Groups,
                "window" | "group_window" => Scope::Windows,
                "segment" => Scope::Segments,
                _ => Scope::Issues,
            };
            sel.shows(scope) && (sel.shows_kpi(&v.kpi) || v.scope == "handled" && sel.shows_kpi("handled"))
        });
        if sel.shows(Scope::Windows) {
            for w in &mut self.windows {
                w.channels.iter_mut().for_each(|(_, k)| sel.keep(k));
                w.groups.iter_mut().for_each(|(_, k)| sel.keep(k));
            }
        } else {
            self.windows.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        let s = Selection::parse(&["service_level, abandon_rate".into(), "cost".into()], &["window".into()]).unwrap();
        assert_eq!(s.kpis, ["service_level", "abandon_rate", "cost"]);
        assert_eq!(s.scopes, [Scope::Windows]);
        assert_eq!(s.chosen::<ChannelKpi>().unwrap(), [ChannelKpi::ServiceLevel, ChannelKpi::AbandonRate]);
        assert_eq!(s.chosen::<GroupKpi>().unwrap(), [GroupKpi::Cost]);
        let e = Selection::parse(&["service_levle".into()], &[]).unwrap_err().to_string();
        assert!(e.contains("`service_levle` is not a KPI") && e.contains("service_level, "), "{e}");
        let e = Selection::parse(&[], &["weeks".into()]).unwrap_err().to_string();
        assert!(e.contains("`weeks` is not a scope; the scopes are channels, types"), "{e}");
        assert!(Selection::parse(&[], &[]).unwrap().is_everything());
    }
}
