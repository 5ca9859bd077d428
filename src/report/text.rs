//! Human-readable tables: aligned text for the terminal, or Markdown.

use super::{Exporter, Report};
use crate::scenario::duration::{format_clock, format_duration};
use crate::scenario::{DAY, Weekday};
use crate::stats::kpi::{ChannelKpi, GroupIntervalKpi, GroupKpi};
use crate::stats::summary::Estimate;
use std::io::{self, Write};

/// Aligned text tables. `intervals` adds per-interval tables.
pub struct Table {
    pub intervals: bool,
}

/// Markdown tables. `intervals` adds per-interval tables.
pub struct Markdown {
    pub intervals: bool,
}

impl Exporter for Table {
    fn write(&self, r: &Report, out: &mut dyn Write) -> io::Result<()> {
        render(r, out, self.intervals, Style::Text)
    }
}

impl Exporter for Markdown {
    fn write(&self, r: &Report, out: &mut dyn Write) -> io::Result<()> {
        render(r, out, self.intervals, Style::Markdown)
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Style {
    Text,
    Markdown,
}

/// How a KPI's numbers read.
#[derive(Clone, Copy)]
enum Unit {
    Count,
    Share,
    Seconds,
    Hours,
    Money,
    Agents,
}

fn channel_label(k: ChannelKpi) -> (&'static str, Unit) {
    use ChannelKpi::*;
    match k {
        Offered => ("offered", Unit::Count),
        Answered => ("answered", Unit::Count),
        Abandoned => ("abandoned", Unit::Count),
        WaitingAtEnd => ("waiting at end", Unit::Count),
        ServiceLevel => ("service level", Unit::Share),
        ServiceLevelOfAnswered => ("service level of answered", Unit::Share),
        AsaS => ("ASA", Unit::Seconds),
        MeanWaitS => ("mean wait (answered + abandoned)", Unit::Seconds),
        WaitP50S => ("wait p50", Unit::Seconds),
        WaitP90S => ("wait p90", Unit::Seconds),
        WaitP99S => ("wait p99", Unit::Seconds),
        AbandonRate => ("abandon rate", Unit::Share),
        AhtS => ("AHT", Unit::Seconds),
        Occupancy => ("occupancy", Unit::Share),
        OccupancyPresent => ("occupancy of present", Unit::Share),
        SlotUtilisation => ("chat slot utilisation", Unit::Share),
        FrtS => ("first response time", Unit::Seconds),
    }
}

fn group_label(k: GroupKpi) -> (&'static str, Unit) {
    use GroupKpi::*;
    match k {
        StaffedHours => ("staffed hours", Unit::Hours),
        AvailableHours => ("available hours (after shrinkage)", Unit::Hours),
        OvertimeHours => ("overtime hours (after cuts)", Unit::Hours),
        Occupancy => ("occupancy", Unit::Share),
        OccupancyPresent => ("occupancy of present", Unit::Share),
        SlotUtilisation => ("chat slot utilisation", Unit::Share),
        Cost => ("cost", Unit::Money),
        Handled => ("contacts handled", Unit::Count),
        AsaS => ("ASA of contacts handled", Unit::Seconds),
    }
}

fn value(x: f64, unit: Unit) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    match unit {
        Unit::Count => format!("{x:.1}"),
        Unit::Share => format!("{:.1} %", 100.0 * x),
        Unit::Seconds if x >= 600.0 => format_duration(x),
        Unit::Seconds => format!("{x:.1} s"),
        Unit::Hours => format!("{x:.1} h"),
        Unit::Money => format!("{x:.0}"),
        Unit::Agents => format!("{x:.1}"),
    }
}

fn with_ci(e: &Estimate, unit: Unit) -> String {
    let v = value(e.mean, unit);
    if !e.ci95.is_finite() || !e.mean.is_finite() {
        return v;
    }
    let ci = match unit {
        Unit::Share => format!("{:.1}", 100.0 * e.ci95),
        Unit::Seconds if e.mean >= 600.0 => format_duration(e.ci95),
        Unit::Money => format!("{:.0}", e.ci95),
        _ => format!("{:.1}", e.ci95),
    };
    format!("{v} ± {ci}")
}

/// Interval start as planners read it: `08:30`, or `Tue 08:30` over several days.
fn when(r: &Report, t: f64) -> String {
    let clock = format_clock(t.rem_euclid(DAY));
    if r.horizon_s <= DAY {
        return clock;
    }
    let start = Weekday::parse(r.start_day).unwrap_or(Weekday(0));
    let mut day = start.plus((t / DAY).floor() as usize).name().to_string();
    if let Some(c) = day.get_mut(0..1) {
        c.make_ascii_uppercase();
    }
    format!("{day} {clock}")
}

struct Grid {
    title: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Grid {
    fn write(&self, out: &mut dyn Write, style: Style) -> io::Result<()> {
        let cols = self.header.len();
        let mut width = vec![0usize; cols];
        for row in std::iter::once(&self.header).chain(&self.rows) {
            for (i, c) in row.iter().enumerate() {
                width[i] = width[i].max(c.chars().count());
            }
        }
        let pad = |s: &str, w: usize, left: bool| {
            let n = w.saturating_sub(s.chars().count());
            if left { format!("{s}{}", " ".repeat(n)) } else { format!("{}{s}", " ".repeat(n)) }
        };
        match style {
            Style::Text => {
                writeln!(out, "{}", self.title)?;
                let line = |row: &Vec<String>| {
                    row.iter().enumerate().map(|(i, c)| pad(c, width[i], i == 0)).collect::<Vec<_>>().join("  ")
                };
                writeln!(out, "{}", line(&self.header))?;
                writeln!(out, "{}", width.iter().map(|w| "─".repeat(*w)).collect::<Vec<_>>().join("  "))?;
                for row in &self.rows {
                    writeln!(out, "{}", line(row))?;
                }
            }
            Style::Markdown => {
                writeln!(out, "### {}\n", self.title)?;
                let esc = |s: &str| s.replace('|', "\\|");
                writeln!(out, "| {} |", self.header.iter().map(|h| esc(h)).collect::<Vec<_>>().join(" | "))?;
                writeln!(out, "|{}", (0..cols).map(|i| if i == 0 { " :-- |" } else { " --: |" }).collect::<String>())?;
                for row in &self.rows {
                    writeln!(out, "| {} |", row.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | "))?;
                }
            }
        }
        writeln!(out)
    }
}

fn render(r: &Report, out: &mut dyn Write, intervals: bool, style: Style) -> io::Result<()> {
    let warm =
        if r.warmup_s > 0.0 { format!(", first {} warm-up", format_duration(r.warmup_s)) } else { String::new() };
    let head = format!(
        "{} — {} replications, seed {}, horizon {}{warm}, interval {}; mean ± 95 % CI",
        r.scenario,
        r.replications,
        r.seed,
        format_duration(r.horizon_s),
        format_duration(r.interval_s)
    );
    match style {
        Style::Text => writeln!(out, "{head}\n")?,
        Style::Markdown => writeln!(out, "## {head}\n")?,
    }

    // Channels: one column each.
    let mut header = vec!["channel".to_string()];
    header.extend(r.channels.iter().map(|c| {
        format!("{} ({}, {:.0} % in {})", c.name, c.kind.name(), 100.0 * c.target, format_duration(c.within_s))
    }));
    let mut rows = Vec::new();
    for k in ChannelKpi::ALL {
        if !r.channels.iter().any(|c| c.get(k).is_some()) {
            continue;
        }
        let (label, unit) = channel_label(k);
        let mut row = vec![label.to_string()];
        row.extend(r.channels.iter().map(|c| c.get(k).map_or(String::new(), |e| with_ci(&e, unit))));
        rows.push(row);
    }
    Grid { title: "Channels".into(), header, rows }.write(out, style)?;

    // Groups.
    let mut header = vec!["agent group".to_string()];
    header.extend(r.groups.iter().map(|g| format!("{} ({})", g.name, g.skills.join(", "))));
    let mut rows = Vec::new();
    for k in GroupKpi::ALL {
        if !r.groups.iter().any(|g| g.get(k).is_some()) {
            continue;
        }
        let (label, unit) = group_label(k);
        let mut row = vec![label.to_string()];
        row.extend(r.groups.iter().map(|g| g.get(k).map_or(String::new(), |e| with_ci(&e, unit))));
        rows.push(row);
    }
    Grid { title: "Agent groups".into(), header, rows }.write(out, style)?;

    // Deferred backlog.
    if !r.backlog.is_empty() && r.backlog.iter().any(|b| !b.days.is_empty()) {
        let days = r.backlog.iter().map(|b| b.days.len()).max().unwrap_or(0);
        let mut header = vec!["waiting at end of day".to_string()];
        header.extend(r.backlog.iter().map(|b| b.channel.clone()));
        let rows = (0..days)
            .map(|d| {
                let mut row = vec![when(r, (d as f64 + 1.0) * DAY - 1.0).split(' ').next().unwrap_or("").to_string()];
                if r.horizon_s <= DAY {
                    row[0] = format!("day {}", d + 1);
                }
                row.extend(r.backlog.iter().map(|b| b.days.get(d).map_or(String::new(), |e| with_ci(e, Unit::Count))));
                row
            })
            .collect();
        Grid { title: "Deferred backlog".into(), header, rows }.write(out, style)?;
    }

    if intervals {
        let cols = [
            ChannelKpi::Offered,
            ChannelKpi::ServiceLevel,
            ChannelKpi::AsaS,
            ChannelKpi::WaitP90S,
            ChannelKpi::AbandonRate,
            ChannelKpi::AhtS,
            ChannelKpi::Occupancy,
        ];
        for c in &r.channels {
            let used: Vec<ChannelKpi> = cols.iter().copied().filter(|k| k.applies_to(c.kind)).collect();
            let mut header = vec!["start".to_string()];
            header.extend(used.iter().map(|k| channel_label(*k).0.to_string()));
            let rows = r
                .intervals
                .iter()
                .filter(|i| i.channel == c.name)
                // Closed, unstaffed intervals say nothing: leave them out.
                .filter(|i| {
                    i.get(ChannelKpi::Offered).is_some_and(|e| e.mean > 0.0)
                        || i.get(ChannelKpi::Occupancy).is_some_and(|e| e.mean.is_finite())
                })
                .map(|i| {
                    let mut row = vec![when(r, i.start_s)];
                    row.extend(
                        used.iter().map(|k| i.get(*k).map_or(String::new(), |e| value(e.mean, channel_label(*k).1))),
                    );
                    row
                })
                .collect();
            Grid { title: format!("{} by interval of arrival", c.name), header, rows }.write(out, style)?;
        }
        for g in &r.groups {
            let mut header = vec!["start".to_string()];
            header.extend(["scheduled", "available", "present", "occupancy"].map(String::from));
            let rows = r
                .group_intervals
                .iter()
                .filter(|i| i.group == g.name)
                .filter(|i| i.kpis.iter().any(|(k, e)| *k == GroupIntervalKpi::Present && e.mean > 0.0))
                .map(|i| {
                    let get = |k: GroupIntervalKpi| i.kpis.iter().find(|x| x.0 == k).map_or(f64::NAN, |x| x.1.mean);
                    vec![
                        when(r, i.start_s),
                        value(get(GroupIntervalKpi::Scheduled), Unit::Agents),
                        value(get(GroupIntervalKpi::Available), Unit::Agents),
                        value(get(GroupIntervalKpi::Present), Unit::Agents),
                        value(get(GroupIntervalKpi::Occupancy), Unit::Share),
                    ]
                })
                .collect();
            Grid { title: format!("{} by interval", g.name), header, rows }.write(out, style)?;
        }
    }
    Ok(())
}
