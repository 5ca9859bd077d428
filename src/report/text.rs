//! Human-readable tables: the renderer behind every [`Markup`] (aligned text for the
//! terminal, Markdown).

use super::Report;
use super::markup::Markup;
use crate::scenario::duration::{format_clock, format_duration, format_when};
use crate::scenario::{DAY, Weekday};
use crate::stats::kpi::{ChannelKpi, GroupIntervalKpi, GroupKpi, Unit};
use crate::stats::summary::Estimate;
use std::io::{self, Write};

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

pub(super) fn with_ci(e: &Estimate, unit: Unit) -> String {
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
    if r.horizon_s <= DAY {
        return format_clock(t.rem_euclid(DAY));
    }
    format_when(t, Weekday::parse(r.start_day).unwrap_or(Weekday(0)))
}

struct Grid {
    title: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Grid {
    fn write(&self, out: &mut dyn Write, markup: &impl Markup) -> io::Result<()> {
        let mut width = vec![0usize; self.header.len()];
        for row in std::iter::once(&self.header).chain(&self.rows) {
            for (i, c) in row.iter().enumerate() {
                width[i] = width[i].max(c.chars().count());
            }
        }
        write!(out, "{}", markup.caption(&self.title))?;
        write!(out, "{}", markup.row(&self.header, &width))?;
        write!(out, "{}", markup.divider(&width))?;
        for row in &self.rows {
            write!(out, "{}", markup.row(row, &width))?;
        }
        write!(out, "{}", markup.table_end())
    }
}

/// Writes the report's tables in `markup`.
pub(super) fn render(markup: &impl Markup, r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let intervals = markup.intervals();
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
    let head = if r.overrides.is_empty() {
        head
    } else {
        let set: Vec<String> = r.overrides.iter().map(|(p, v)| format!("{p}={v}")).collect();
        format!("{head}; with {}", set.join(", "))
    };
    write!(out, "{}", markup.title(&head))?;

    // Channels: one column each.
    let mut header = vec!["channel".to_string()];
    header.extend(r.channels.iter().map(|c| {
        format!("{} ({}, {:.0} % in {})", c.name, c.kind.name(), 100.0 * c.target, format_duration(c.within_s))
    }));
    let mut rows = Vec::new();
    for &k in ChannelKpi::ALL {
        if !r.channels.iter().any(|c| c.get(k).is_some()) {
            continue;
        }
        let (label, unit) = (k.def().label, k.def().unit);
        let mut row = vec![label.to_string()];
        row.extend(r.channels.iter().map(|c| c.get(k).map_or(String::new(), |e| with_ci(&e, unit))));
        rows.push(row);
    }
    Grid { title: "Channels".into(), header, rows }.write(out, markup)?;

    // Groups.
    let mut header = vec!["agent group".to_string()];
    header.extend(r.groups.iter().map(|g| format!("{} ({})", g.name, g.skills.join(", "))));
    let mut rows = Vec::new();
    for &k in GroupKpi::ALL {
        if !r.groups.iter().any(|g| g.get(k).is_some()) {
            continue;
        }
        let (label, unit) = (k.def().label, k.def().unit);
        let mut row = vec![label.to_string()];
        row.extend(r.groups.iter().map(|g| g.get(k).map_or(String::new(), |e| with_ci(&e, unit))));
        rows.push(row);
    }
    Grid { title: "Agent groups".into(), header, rows }.write(out, markup)?;

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
        Grid { title: "Deferred backlog".into(), header, rows }.write(out, markup)?;
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
            header.extend(used.iter().map(|k| k.def().label.to_string()));
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
                    row.extend(used.iter().map(|k| i.get(*k).map_or(String::new(), |e| value(e.mean, k.def().unit))));
                    row
                })
                .collect();
            Grid { title: format!("{} by interval of arrival", c.name), header, rows }.write(out, markup)?;
        }
        for g in &r.groups {
            let mut header = vec!["start".to_string()];
            let cols = [
                GroupIntervalKpi::Scheduled,
                GroupIntervalKpi::Available,
                GroupIntervalKpi::Present,
                GroupIntervalKpi::Occupancy,
            ];
            header.extend(cols.iter().map(|k| k.def().label.to_string()));
            let rows = r
                .group_intervals
                .iter()
                .filter(|i| i.group == g.name)
                .filter(|i| i.get(GroupIntervalKpi::Present).is_some_and(|e| e.mean > 0.0))
                .map(|i| {
                    let mut row = vec![when(r, i.start_s)];
                    row.extend(cols.iter().map(|k| value(i.get(*k).map_or(f64::NAN, |e| e.mean), k.def().unit)));
                    row
                })
                .collect();
            Grid { title: format!("{} by interval", g.name), header, rows }.write(out, markup)?;
        }
    }
    Ok(())
}
