//! A roster in every format.
//!
//! * Table and Markdown: the rosters' totals (and each group's, when several), the
//!   comparison (per-interval plan, requirements first then shifts, the simulated roster),
//!   the shifts (group, day, start, end, breaks, count), then group by group and interval by
//!   interval the required, the requirement solved for, the agents scheduled and each of
//!   the group's channels' service level with its 95 % interval.
//! * CSV: one tidy table of two kinds of rows, told apart by `record`: `shift` rows
//!   (`day,start,end,rule,breaks,count,paid_hours,cost,start_s`) and `interval` rows
//!   (`day,start,start_s,required,requirement,scheduled,channel,service_level,
//!   service_level_ci95`), each with its `group`, rounded to the confidence intervals like a
//!   run's CSV.

use super::csv::{exact, rounded};
use super::text::{Grid, with_ci};
use super::{Document, Markup, Rows};
use crate::base::time::{format_duration, format_when};
use crate::report::schedule::{ScheduleReport, ShiftReport};
use crate::stats::kpi::ChannelKpi;
use std::io::{self, Write};

/// The CSV header.
const HEADER: [&str; 17] = [
    "record",
    "group",
    "day",
    "start",
    "end",
    "rule",
    "breaks",
    "count",
    "paid_hours",
    "cost",
    "start_s",
    "required",
    "requirement",
    "scheduled",
    "channel",
    "service_level",
    "service_level_ci95",
];

/// A shift's breaks as read: `10:00 30m unpaid; 13:00 15m paid`.
fn breaks(s: &ShiftReport) -> String {
    s.breaks
        .iter()
        .map(|b| format!("{} {} {}", b.start, format_duration(b.length_s), if b.paid { "paid" } else { "unpaid" }))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The channels group `group` serves.
fn channels(r: &ScheduleReport, group: &str) -> Vec<String> {
    r.report.group(group).map(|g| g.skills.clone()).unwrap_or_default()
}

/// Intervals a roster lists: those of `group` with a requirement or agents scheduled.
fn listed<'a>(r: &'a ScheduleReport, group: &'a str) -> impl Iterator<Item = &'a crate::report::schedule::CoverageRow> {
    r.intervals.iter().filter(move |x| x.group == group && (x.required > 0 || x.requirement > 0 || x.scheduled > 0))
}

impl Document for ScheduleReport {
    fn tables(&self, m: &dyn Markup, out: &mut dyn Write) -> io::Result<()> {
        write!(
            out,
            "{}",
            m.title(&format!(
                "{} — roster of {} for {}; {} replications, confidence {:.0} %",
                self.scenario,
                self.groups.iter().map(|g| format!("`{g}`")).collect::<Vec<_>>().join(", "),
                self.label(),
                self.replications,
                100.0 * self.confidence
            ))
        )?;
        let shifts: u32 = self.shifts.iter().map(|s| s.count).sum();
        let optimality = if self.optimal {
            "proved optimal".to_string()
        } else {
            format!("within {:.2} % of optimal", 100.0 * self.gap)
        };
        let rows: Vec<Vec<String>> = vec![
            vec!["cost".into(), format!("{:.0}", self.cost)],
            vec!["shifts".into(), shifts.to_string()],
            vec!["paid agent hours".into(), format!("{:.1}", self.paid_hours)],
            vec!["worked agent hours".into(), format!("{:.1}", self.worked_hours)],
            vec!["required agent hours".into(), format!("{:.1}", self.required_hours)],
            vec!["scheduling efficiency".into(), format!("{:.1} %", 100.0 * self.efficiency)],
            vec!["roster program".into(), optimality],
            vec!["simulation runs".into(), self.runs.to_string()],
            vec!["rounds raising the requirement".into(), self.rounds.to_string()],
            vec!["intervals lowered".into(), self.lowered.to_string()],
            vec!["agents removed".into(), self.removed.to_string()],
        ];
        let header = vec!["roster".to_string(), String::new()];
        Grid { title: "Roster".into(), header, rows, folded: false }.write(out, m)?;
        if self.rosters.len() > 1 {
            let header = ["group", "cost", "paid hours", "worked hours", "required hours", "efficiency", "program"]
                .map(String::from)
                .to_vec();
            let rows = self
                .rosters
                .iter()
                .map(|r| {
                    vec![
                        r.group.clone(),
                        format!("{:.0}", r.cost),
                        format!("{:.1}", r.paid_hours),
                        format!("{:.1}", r.worked_hours),
                        format!("{:.1}", r.required_hours),
                        format!("{:.1} %", 100.0 * r.efficiency),
                        if r.optimal { "optimal".into() } else { format!("gap {:.2} %", 100.0 * r.gap) },
                    ]
                })
                .collect();
            Grid { title: "Groups rostered together".into(), header, rows, folded: false }.write(out, m)?;
        }
        let c = &self.compared;
        let first_missed = c.requirements_first_misses_start_s.len();
        let rows = vec![
            vec![
                "agents per interval (no shifts)".into(),
                format!("{:.0}", c.per_interval_cost),
                format!("{:.1}", c.per_interval_hours),
                "0".into(),
            ],
            vec![
                "requirements first, then shifts".into(),
                format!("{:.0}", c.requirements_first_cost),
                format!("{:.1}", c.requirements_first_paid_hours),
                first_missed.to_string(),
            ],
            vec![
                "shifts simulated (this roster)".into(),
                format!("{:.0}", self.cost),
                format!("{:.1}", self.paid_hours),
                "0".into(),
            ],
        ];
        let header = ["plan", "cost", "paid hours", "intervals below target"].map(String::from).to_vec();
        Grid { title: "Compared".into(), header, rows, folded: false }.write(out, m)?;
        let rows = self
            .shifts
            .iter()
            .map(|s| {
                vec![
                    s.group.clone(),
                    s.day.name().to_string(),
                    s.start.clone(),
                    s.end.clone(),
                    s.rule.clone(),
                    breaks(s),
                    s.count.to_string(),
                    format!("{:.1}", s.paid_hours),
                    format!("{:.0}", s.cost),
                ]
            })
            .collect();
        let header = ["group", "day", "start", "end", "rule", "breaks", "agents", "paid h each", "cost"]
            .map(String::from)
            .to_vec();
        Grid { title: "Shifts".into(), header, rows, folded: false }.write(out, m)?;
        let r = &self.report;
        for group in &self.groups {
            let chans = channels(self, group);
            let rows = listed(self, group)
                .map(|x| {
                    let mut row = vec![
                        format_when(x.start_s, r.start_day),
                        x.required.to_string(),
                        x.requirement.to_string(),
                        x.scheduled.to_string(),
                    ];
                    for ch in &chans {
                        let sl = r
                            .intervals
                            .iter()
                            .find(|i| i.channel == *ch && i.start_s == x.start_s)
                            .and_then(|i| i.get(ChannelKpi::ServiceLevel));
                        row.push(sl.map_or(String::new(), |e| with_ci(&e, ChannelKpi::ServiceLevel.def().unit)));
                    }
                    row
                })
                .collect();
            let mut header = ["start", "required", "requirement", "scheduled"].map(String::from).to_vec();
            header.extend(chans.iter().map(|c| format!("{c} service level")));
            let title = format!(
                "Coverage of {group} by interval (required: the per-interval plan; requirement: what the roster was solved for)"
            );
            Grid { title, header, rows, folded: true }.write(out, m)?;
        }
        if first_missed > 0 {
            write!(
                out,
                "{}",
                m.note(&format!(
                    "requirements first, then shifts missed a target in {first_missed} interval(s) when simulated; the loop raised the requirement there"
                ))
            )?;
        }
        Ok(())
    }

    fn rows(&self, out: &mut dyn Rows) -> io::Result<()> {
        out.row(&HEADER)?;
        for s in &self.shifts {
            let (brk, count, paid, cost) = (breaks(s), s.count.to_string(), exact(s.paid_hours), exact(s.cost));
            let start_s = exact(s.start_s);
            out.row(&[
                "shift",
                &s.group,
                s.day.name(),
                &s.start,
                &s.end,
                &s.rule,
                &brk,
                &count,
                &paid,
                &cost,
                &start_s,
                "",
                "",
                "",
                "",
                "",
                "",
            ])?;
        }
        let r = &self.report;
        for group in &self.groups {
            for x in listed(self, group) {
                let when = format_when(x.start_s, r.start_day);
                let (day, time) = when.split_once(' ').unwrap_or((&when, ""));
                let (start_s, req, reqm, sch) =
                    (exact(x.start_s), x.required.to_string(), x.requirement.to_string(), x.scheduled.to_string());
                for ch in channels(self, group) {
                    let [sl, ci] = r
                        .intervals
                        .iter()
                        .find(|i| i.channel == ch && i.start_s == x.start_s)
                        .and_then(|i| i.get(ChannelKpi::ServiceLevel))
                        .map_or_else(|| [String::new(), String::new()], |e| rounded(&e));
                    out.row(&[
                        "interval", group, day, time, "", "", "", "", "", "", &start_s, &req, &reqm, &sch, &ch, &sl,
                        &ci,
                    ])?;
                }
            }
        }
        Ok(())
    }
}
