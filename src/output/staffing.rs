//! A staffing comparison in every format.
//!
//! * Table and Markdown: the targets compared (agent hours, cost, simulation runs), then
//!   the first target's plan interval by interval: the Erlang (SIPP) start, the plan, and
//!   the service level, abandon rate and ASA it reaches, with its cost. With several
//!   groups planned together: the cost of each, and per interval each group's SIPP start
//!   and plan beside each channel's service level.
//! * CSV: one row per plan, group, interval and channel of the group:
//!   `target,group,start_s,day,time,sipp,plan,sipp_missed,channel,service_level,
//!   service_level_ci95,abandon_rate,abandon_rate_ci95,asa_s,asa_s_ci95`, rounded to the
//!   confidence intervals like a run's CSV.

use super::csv::{exact, rounded};
use super::text::{Grid, with_ci};
use super::{Document, Markup, Rows};
use crate::base::time::format_when;
use crate::report::IntervalReport;
use crate::report::staffing::{PlanReport, StaffingReport};
use crate::stats::kpi::{ChannelKpi, GroupKpi};
use std::io::{self, Write};

/// The mark of an interval whose Erlang start missed a target in simulation.
const MISSED: &str = "✗";

/// The KPIs shown per interval of a plan unless others are chosen (`--kpi`).
const SHOWN: [ChannelKpi; 3] = [ChannelKpi::ServiceLevel, ChannelKpi::AbandonRate, ChannelKpi::AsaS];

/// The channel KPIs shown per interval: those chosen, else [`SHOWN`].
fn shown(r: &StaffingReport) -> Vec<ChannelKpi> {
    r.selection.chosen::<ChannelKpi>().filter(|k| !k.is_empty()).unwrap_or(SHOWN.to_vec())
}

/// Intervals of the horizon a group's plan lists: those with an Erlang start or agents
/// planned.
fn planned<'a>(sipp: &'a [u32], plan: &'a [u32]) -> impl Iterator<Item = (usize, u32, u32)> + 'a {
    sipp.iter().zip(plan).enumerate().filter(|(_, (s, n))| **s > 0 || **n > 0).map(|(i, (&s, &n))| (i, s, n))
}

/// The simulated interval of `channel` starting at `start` (counted intervals only).
fn simulated<'a>(p: &'a PlanReport, channel: &str, start: f64) -> Option<&'a IntervalReport> {
    p.report.intervals.iter().find(|x| x.channel == channel && x.start_s == start)
}

/// The channels group `group` of a plan's run serves.
fn channels(p: &PlanReport, group: &str) -> Vec<String> {
    p.report.group(group).map(|g| g.skills.clone()).unwrap_or_default()
}

impl Document for StaffingReport {
    fn tables(&self, m: &dyn Markup, out: &mut dyn Write) -> io::Result<()> {
        let Some(first) = self.plans.first() else { return Ok(()) };
        let groups = first.group_plans();
        let names = groups.iter().map(|g| format!("`{}`", g.group)).collect::<Vec<_>>().join(", ");
        write!(
            out,
            "{}",
            m.title(&format!(
                "{} — staffing of {names} by interval; {} replications, confidence {:.0} %",
                self.scenario,
                self.replications,
                100.0 * self.confidence
            ))
        )?;
        let header = ["target", "agent hours", "cost", "simulation runs"].map(String::from).to_vec();
        let rows = self
            .plans
            .iter()
            .map(|p| vec![p.label(), format!("{:.1}", p.agent_hours), format!("{:.0}", p.cost), p.runs.to_string()])
            .collect();
        Grid { title: "Targets compared".into(), header, rows, folded: false }.write(out, m)?;
        if groups.len() > 1 {
            let header = ["target", "group", "agent hours", "cost"].map(String::from).to_vec();
            let rows = self
                .plans
                .iter()
                .flat_map(|p| {
                    p.group_plans().into_iter().map(move |g| {
                        vec![p.label(), g.group, format!("{:.1}", g.agent_hours), format!("{:.0}", g.cost)]
                    })
                })
                .collect();
            Grid { title: "Groups planned together".into(), header, rows, folded: false }.write(out, m)?;
        }
        let r = &first.report;
        let interval = r.interval_s;
        let counted = (r.warmup_s / interval).round() as usize;
        let cell = |channel: &str, i: usize, k: ChannelKpi| {
            let row = (i >= counted).then(|| simulated(first, channel, i as f64 * interval)).flatten();
            row.and_then(|x| x.get(k)).map_or(String::new(), |e| with_ci(&e, k.def().unit))
        };
        let missed = |i: usize| first.sipp_misses_start_s.contains(&(i as f64 * interval));
        let title = format!("Plan for {} (SIPP: the Erlang start, interval by interval)", first.label());
        let rows: Vec<Vec<String>>;
        let mut header: Vec<String>;
        if let [one] = groups.as_slice() {
            let channel = channels(first, &one.group).into_iter().next().unwrap_or_default();
            let kpis = shown(self);
            rows = planned(&one.sipp, &one.plan)
                .map(|(i, sipp, n)| {
                    let sipp = if missed(i) { format!("{sipp} {MISSED}") } else { sipp.to_string() };
                    let mut row = vec![format_when(i as f64 * interval, r.start_day), sipp, n.to_string()];
                    row.extend(kpis.iter().map(|&k| cell(&channel, i, k)));
                    row
                })
                .collect();
            header = ["start", "SIPP", "plan"].map(String::from).to_vec();
            header.extend(kpis.iter().map(|k| k.def().label.to_string()));
        } else {
            let mut chans: Vec<String> = Vec::new();
            for g in &groups {
                for c in channels(first, &g.group) {
                    if !chans.contains(&c) {
                        chans.push(c);
                    }
                }
            }
            let n = groups.iter().map(|g| g.plan.len()).max().unwrap_or(0);
            let listed = (0..n).filter(|&i| {
                groups
                    .iter()
                    .any(|g| g.plan.get(i).copied().unwrap_or(0) > 0 || g.sipp.get(i).copied().unwrap_or(0) > 0)
            });
            rows = listed
                .map(|i| {
                    let mut row = vec![format_when(i as f64 * interval, r.start_day)];
                    for g in &groups {
                        let sipp = g.sipp.get(i).copied().unwrap_or(0);
                        row.push(if missed(i) { format!("{sipp} {MISSED}") } else { sipp.to_string() });
                        row.push(g.plan.get(i).copied().unwrap_or(0).to_string());
                    }
                    row.extend(chans.iter().map(|c| cell(c, i, ChannelKpi::ServiceLevel)));
                    row
                })
                .collect();
            header = vec!["start".to_string()];
            for g in &groups {
                header.push(format!("{} SIPP", g.group));
                header.push(g.group.clone());
            }
            header.extend(chans.iter().map(|c| format!("{c} service level")));
        }
        let any_missed = rows.iter().any(|r| r.iter().any(|c| c.ends_with(MISSED)));
        Grid { title, header, rows, folded: true }.write(out, m)?;
        if any_missed {
            let why = format!("{MISSED} the Erlang (SIPP) start missed a target in this interval when simulated.");
            write!(out, "{}", m.note(&why))?;
        }
        let cost: f64 =
            groups.iter().filter_map(|g| r.group(&g.group).and_then(|x| x.get(GroupKpi::Cost))).map(|c| c.mean).sum();
        if groups.iter().any(|g| r.group(&g.group).and_then(|x| x.get(GroupKpi::Cost)).is_some()) {
            write!(out, "{}", m.note(&format!("cost of the plan: {cost:.0}")))?;
        }
        Ok(())
    }

    fn rows(&self, out: &mut dyn Rows) -> io::Result<()> {
        let kpis = shown(self);
        let mut header: Vec<String> =
            ["target", "group", "start_s", "day", "time", "sipp", "plan", "sipp_missed", "channel"]
                .map(String::from)
                .to_vec();
        for k in &kpis {
            header.push(k.name().to_string());
            header.push(format!("{}_ci95", k.name()));
        }
        out.row(&header.iter().map(String::as_str).collect::<Vec<_>>())?;
        for p in &self.plans {
            let target = p.label();
            let interval = p.report.interval_s;
            for g in p.group_plans() {
                for (i, sipp, n) in planned(&g.sipp, &g.plan) {
                    let start = i as f64 * interval;
                    let when = format_when(start, p.report.start_day);
                    let (day, time) = when.split_once(' ').unwrap_or((&when, ""));
                    let missed = if p.sipp_misses_start_s.contains(&start) { "1" } else { "0" };
                    for c in channels(p, &g.group) {
                        let mut cells: Vec<String> = Vec::new();
                        for &k in &kpis {
                            let [mean, ci] = simulated(p, &c, start)
                                .and_then(|x| x.get(k))
                                .map_or_else(|| [String::new(), String::new()], |e| rounded(&e));
                            cells.push(mean);
                            cells.push(ci);
                        }
                        let (sipp, n, start) = (sipp.to_string(), n.to_string(), exact(start));
                        let mut row: Vec<&str> = vec![&target, &g.group, &start, day, time, &sipp, &n, missed, &c];
                        row.extend(cells.iter().map(String::as_str));
                        out.row(&row)?;
                    }
                }
            }
        }
        Ok(())
    }
}
