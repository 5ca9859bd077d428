//! Human-readable tables: the renderer behind every [`Markup`] (aligned text for the
//! terminal, Markdown, HTML).
//!
//! What a planner reads first: each channel's KPIs with their 95 % intervals, a `▼` on
//! every service level below its target, how many intervals miss it and the worst one;
//! contact types; agent groups; the deferred backlog; then, with intervals, one table per
//! channel and group with weekday-and-clock labels (`Mon 09:30`) and the service level's
//! interval in its own `±` column.

use super::markup::Markup;
use crate::base::time::{format_duration, format_when};
use crate::report::{ChannelReport, Report};
use crate::scenario::DAY;
use crate::stats::kpi::{ChannelKpi, GroupIntervalKpi, GroupKpi, Unit};
use crate::stats::summary::Estimate;
use std::io::{self, Write};

/// The mark on a value below its target.
pub const BELOW: &str = "▼";

/// A value as tables show it (`–` when undefined).
pub(super) fn value(x: f64, unit: Unit) -> String {
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
        Unit::Ratio => format!("{x:.2}"),
    }
}

/// The half-width of a 95 % interval in the value's unit (shares in points).
fn half_width(e: &Estimate, unit: Unit) -> String {
    if !e.ci95.is_finite() || !e.mean.is_finite() {
        return String::new();
    }
    match unit {
        Unit::Share => format!("{:.1}", 100.0 * e.ci95),
        Unit::Seconds if e.mean >= 600.0 => format_duration(e.ci95),
        Unit::Money => format!("{:.0}", e.ci95),
        Unit::Ratio => format!("{:.2}", e.ci95),
        _ => format!("{:.1}", e.ci95),
    }
}

/// `mean ± half-width`, or the mean alone when the interval is undefined.
pub(crate) fn with_ci(e: &Estimate, unit: Unit) -> String {
    let v = value(e.mean, unit);
    match half_width(e, unit) {
        ci if ci.is_empty() => v,
        ci => format!("{v} ± {ci}"),
    }
}

/// Whether an estimate lies below a target (by its mean).
pub(super) fn below(e: &Estimate, target: f64) -> bool {
    e.mean.is_finite() && e.mean < target
}

/// `text ▼` when `low`.
fn marked(text: String, low: bool) -> String {
    if low { format!("{text} {BELOW}") } else { text }
}

/// Interval start as planners read it: `Mon 08:30`.
pub(super) fn when(r: &Report, t: f64) -> String {
    format_when(t, r.start_day)
}

/// The intervals worth a row: those with contacts or with agents to serve them (closed,
/// unstaffed intervals say nothing).
pub(super) fn shown(i: &crate::report::IntervalReport) -> bool {
    i.get(ChannelKpi::Offered).is_some_and(|e| e.mean > 0.0)
        || i.get(ChannelKpi::Occupancy).is_some_and(|e| e.mean.is_finite())
}

/// How a channel's intervals fare against its target: (intervals with a service level,
/// intervals below target, the worst interval's start and estimate). Intervals the channel
/// is closed throughout are not held to the target (email arriving at night waits for the
/// morning whatever the staffing).
pub(super) fn misses(r: &Report, c: &ChannelReport) -> (usize, usize, Option<(f64, Estimate)>) {
    let mut n = 0;
    let mut low = 0;
    let mut worst: Option<(f64, Estimate)> = None;
    let open = |i: &&crate::report::IntervalReport| c.open_during(i.start_s, i.start_s + r.interval_s);
    for i in r.intervals.iter().filter(|i| i.channel == c.name).filter(open) {
        let Some(sl) = i.get(ChannelKpi::ServiceLevel).filter(|e| e.mean.is_finite()) else { continue };
        n += 1;
        if below(&sl, c.target.share) {
            low += 1;
            if worst.is_none_or(|(_, w)| sl.mean < w.mean) {
                worst = Some((i.start_s, sl));
            }
        }
    }
    (n, low, worst)
}

/// The channel's heading: `phone (voice, 80 % in 20s)`.
pub(super) fn channel_heading(c: &ChannelReport) -> String {
    format!("{} ({}, {:.0} % in {})", c.name, c.kind.name(), 100.0 * c.target.share, format_duration(c.target.within))
}

/// A table: caption, header and rows of plain-text cells.
pub(super) struct Grid {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// A long table a reader may fold away (per-interval tables).
    pub folded: bool,
}

impl Grid {
    fn widths(&self) -> Vec<usize> {
        let mut width = vec![0usize; self.header.len()];
        for row in std::iter::once(&self.header).chain(&self.rows) {
            for (i, c) in row.iter().enumerate() {
                width[i] = width[i].max(c.chars().count());
            }
        }
        width
    }

    /// Characters per line in the aligned text layout (two spaces between columns).
    fn line_width(&self) -> usize {
        let w = self.widths();
        w.iter().sum::<usize>() + 2 * w.len().saturating_sub(1)
    }

    pub fn write(&self, out: &mut dyn Write, markup: &(impl Markup + ?Sized)) -> io::Result<()> {
        let width = self.widths();
        let caption = if self.folded { markup.folded_caption(&self.title) } else { markup.caption(&self.title) };
        write!(out, "{caption}")?;
        write!(out, "{}", markup.row(&self.header, &width))?;
        write!(out, "{}", markup.divider(&width))?;
        for row in &self.rows {
            write!(out, "{}", markup.row(row, &width))?;
        }
        write!(out, "{}", if self.folded { markup.folded_end() } else { markup.table_end() })
    }
}

/// One column of channel KPIs: the cells of `c`, in the order of `kpis`, with the misses.
fn channel_cells(r: &Report, c: &ChannelReport, kpis: &[ChannelKpi]) -> Vec<String> {
    let mut cells: Vec<String> = kpis
        .iter()
        .map(|&k| match c.get(k) {
            None => String::new(),
            Some(e) => marked(with_ci(&e, k.def().unit), k == ChannelKpi::ServiceLevel && below(&e, c.target.share)),
        })
        .collect();
    let (n, low, worst) = misses(r, c);
    cells.push(if n == 0 { "–".into() } else { marked(format!("{low} of {n}"), low > 0) });
    cells.push(worst.map_or("–".into(), |(t, e)| format!("{} {}", when(r, t), value(e.mean, Unit::Share))));
    cells
}

const MISS_LABELS: [&str; 2] = ["intervals below target", "worst interval"];

/// A table of KPIs (rows) for several subjects (columns: channels, types, groups), split
/// into several tables of as many columns as fit the markup's width. Rows empty in every
/// column of a table are left out.
fn kpi_tables(
    markup: &(impl Markup + ?Sized),
    out: &mut dyn Write,
    title: &str,
    corner: &str,
    labels: &[String],
    columns: &[(String, Vec<String>)],
) -> io::Result<()> {
    let grid = |cols: &[(String, Vec<String>)], title: String| {
        let mut header = vec![corner.to_string()];
        header.extend(cols.iter().map(|c| c.0.clone()));
        let rows = (0..labels.len())
            .filter(|&i| cols.iter().any(|c| !c.1[i].is_empty()))
            .map(|i| std::iter::once(labels[i].clone()).chain(cols.iter().map(|c| c.1[i].clone())).collect())
            .collect();
        Grid { title, header, rows, folded: false }
    };
    let fits = |g: &Grid| markup.max_width().is_none_or(|w| g.line_width() <= w);
    let mut chunks: Vec<&[(String, Vec<String>)]> = Vec::new();
    let mut from = 0;
    for to in 1..=columns.len() {
        // Close the chunk before the column that would make it too wide.
        if to - from > 1 && !fits(&grid(&columns[from..to], String::new())) {
            chunks.push(&columns[from..to - 1]);
            from = to - 1;
        }
    }
    chunks.push(&columns[from..]);
    let n = chunks.len();
    for (i, cols) in chunks.into_iter().enumerate() {
        let title = if n == 1 { title.to_string() } else { format!("{title} ({} of {n})", i + 1) };
        grid(cols, title).write(out, markup)?;
    }
    Ok(())
}

/// The channels' KPIs; whether any is below its target.
fn channels(markup: &(impl Markup + ?Sized), r: &Report, out: &mut dyn Write) -> io::Result<bool> {
    let kpis: Vec<ChannelKpi> =
        ChannelKpi::ALL.iter().copied().filter(|&k| r.channels.iter().any(|c| c.get(k).is_some())).collect();
    if kpis.is_empty() {
        return Ok(false);
    }
    // The misses come from the intervals (left out when another scope is chosen).
    let misses = if r.intervals.is_empty() { 0 } else { MISS_LABELS.len() };
    let labels: Vec<String> = kpis
        .iter()
        .map(|k| k.def().label.to_string())
        .chain(MISS_LABELS.iter().take(misses).map(|s| s.to_string()))
        .collect();
    let columns: Vec<(String, Vec<String>)> = r
        .channels
        .iter()
        .map(|c| {
            let mut cells = channel_cells(r, c, &kpis);
            cells.truncate(kpis.len() + misses);
            (channel_heading(c), cells)
        })
        .collect();
    let any_low = columns.iter().flat_map(|c| &c.1).any(|cell| cell.ends_with(BELOW));
    kpi_tables(markup, out, "Channels", "channel", &labels, &columns)?;
    Ok(any_low)
}

/// Each channel's contact types; whether any is below its target.
fn types(markup: &(impl Markup + ?Sized), r: &Report, out: &mut dyn Write) -> io::Result<bool> {
    let mut any_low = false;
    for c in r.channels.iter().filter(|c| !c.types.is_empty()) {
        let kpis: Vec<ChannelKpi> =
            ChannelKpi::ALL.iter().copied().filter(|&k| c.types.iter().any(|t| t.get(k).is_some())).collect();
        let mut labels = vec!["priority".to_string(), "share of arrivals".to_string(), "target".to_string()];
        labels.extend(kpis.iter().map(|k| k.def().label.to_string()));
        let columns: Vec<(String, Vec<String>)> = c
            .types
            .iter()
            .map(|t| {
                let mut cells = vec![
                    t.priority.to_string(),
                    value(t.share, Unit::Share),
                    format!("{} in {}", value(t.target.share, Unit::Share), format_duration(t.target.within)),
                ];
                cells.extend(kpis.iter().map(|&k| match t.get(k) {
                    None => String::new(),
                    Some(e) => {
                        let low = k == ChannelKpi::ServiceLevel && below(&e, t.target.share);
                        any_low |= low;
                        marked(with_ci(&e, k.def().unit), low)
                    }
                }));
                (t.name.clone(), cells)
            })
            .collect();
        kpi_tables(markup, out, &format!("{} by contact type", channel_heading(c)), "type", &labels, &columns)?;
    }
    Ok(any_low)
}

/// Customer issues and time to resolution: one column per type issues started as (the
/// channel for channels with one type), per segment, and over all issues.
fn issues(markup: &(impl Markup + ?Sized), r: &Report, out: &mut dyn Write) -> io::Result<()> {
    use crate::report::IssueOf;
    use crate::stats::kpi::IssueKpi;
    // Issues differ from contacts only with triage features (repeats, deflection, an
    // assistant, segments); otherwise first-contact resolution is only answered / offered,
    // so the table is left out — unless KPIs were chosen and issue KPIs are among them.
    let triage = [ChannelKpi::Repeat, ChannelKpi::Deflected, ChannelKpi::Contained];
    let configured = !r.segments.is_empty() || r.channels.iter().any(|c| triage.iter().any(|&k| c.get(k).is_some()));
    let chosen = r.issues.all.len() < IssueKpi::ALL.len();
    if !configured && !chosen {
        return Ok(());
    }
    let multi: Vec<&str> = r.channels.iter().filter(|c| !c.types.is_empty()).map(|c| c.name.as_str()).collect();
    let shown: Vec<(IssueOf, &crate::report::Kpis<IssueKpi>)> = r
        .issues
        .scopes()
        .into_iter()
        .filter(|(of, _)| match of {
            IssueOf::Channel(c) => !multi.contains(&c.as_str()),
            _ => true,
        })
        .filter(|(_, k)| k.get(IssueKpi::Issues).map_or(!k.is_empty(), |e| e.mean > 0.0))
        .collect();
    if shown.is_empty() {
        return Ok(());
    }
    let labels: Vec<String> = IssueKpi::ALL.iter().map(|k| k.def().label.to_string()).collect();
    // Types first, then segments, then all.
    let rank = |x: &IssueOf| match x {
        IssueOf::Channel(_) | IssueOf::Type(..) => 0,
        IssueOf::Segment(_) => 1,
        IssueOf::All => 2,
    };
    let mut shown = shown;
    shown.sort_by_key(|x| rank(&x.0));
    let columns: Vec<(String, Vec<String>)> = shown
        .iter()
        .map(|(of, x)| {
            let name = match of {
                IssueOf::Segment(g) => format!("segment {g}"),
                IssueOf::All => "all issues".into(),
                other => other.name(),
            };
            let cells =
                IssueKpi::ALL.iter().map(|&k| x.get(k).map_or(String::new(), |e| with_ci(&e, k.def().unit))).collect();
            (name, cells)
        })
        .collect();
    kpi_tables(markup, out, "Issues and time to resolution (by the type they started as)", "issues", &labels, &columns)
}

/// Each customer segment's contacts, per channel; whether any is below its target.
fn segments(markup: &(impl Markup + ?Sized), r: &Report, out: &mut dyn Write) -> io::Result<bool> {
    let mut any_low = false;
    for c in &r.channels {
        fn of<'a>(g: &'a crate::report::SegmentReport, c: &str) -> Option<&'a crate::report::Kpis<ChannelKpi>> {
            g.channels.iter().find(|x| x.0 == c).map(|x| &x.1)
        }
        let kpis: Vec<ChannelKpi> = ChannelKpi::ALL
            .iter()
            .copied()
            .filter(|&k| r.segments.iter().any(|g| of(g, &c.name).is_some_and(|l| l.iter().any(|x| x.0 == k))))
            .collect();
        if kpis.is_empty() {
            continue;
        }
        let mut labels = vec!["share".to_string(), "priority boost".to_string(), "target".to_string()];
        labels.extend(kpis.iter().map(|k| k.def().label.to_string()));
        let columns: Vec<(String, Vec<String>)> = r
            .segments
            .iter()
            .map(|g| {
                let t = g.target.unwrap_or(c.target);
                let (target, within) = (t.share, t.within);
                let mut cells = vec![
                    value(g.share, Unit::Share),
                    g.priority_boost.to_string(),
                    format!("{} in {}", value(target, Unit::Share), format_duration(within)),
                ];
                let list = of(g, &c.name);
                cells.extend(kpis.iter().map(|&k| match list.and_then(|l| l.iter().find(|x| x.0 == k)) {
                    None => String::new(),
                    Some((_, e)) => {
                        let low = k == ChannelKpi::ServiceLevel && below(e, target);
                        any_low |= low;
                        marked(with_ci(e, k.def().unit), low)
                    }
                }));
                (g.name.clone(), cells)
            })
            .collect();
        kpi_tables(markup, out, &format!("{} by customer segment", channel_heading(c)), "segment", &labels, &columns)?;
    }
    Ok(any_low)
}

/// Forecast uncertainty: the realised demand factor and how much of the service level's
/// spread across replications it explains.
fn forecast(markup: &(impl Markup + ?Sized), r: &Report, out: &mut dyn Write) -> io::Result<()> {
    if r.forecast.is_empty() {
        return Ok(());
    }
    let header: Vec<String> =
        ["channel", "day cv", "interval cv", "demand factor", "its sd", "SL variance from forecast error"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    let rows = r
        .forecast
        .iter()
        .map(|f| {
            vec![
                f.channel.clone(),
                format!("{:.2}", f.day_cv),
                format!("{:.2}", f.interval_cv),
                format!("{:.3} ± {:.3}", f.demand_factor.mean, f.demand_factor.ci95),
                {
                    let sd = f.demand_factor.spread(r.replications);
                    if sd.is_finite() { format!("{sd:.3}") } else { "–".into() }
                },
                value(f.service_level_share, Unit::Share),
            ]
        })
        .collect();
    Grid { title: "Forecast uncertainty".into(), header, rows, folded: false }.write(out, markup)
}

fn groups(markup: &(impl Markup + ?Sized), r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let kpis: Vec<GroupKpi> =
        GroupKpi::ALL.iter().copied().filter(|&k| r.groups.iter().any(|g| g.get(k).is_some())).collect();
    if kpis.is_empty() {
        return Ok(());
    }
    let labels: Vec<String> = kpis.iter().map(|k| k.def().label.to_string()).collect();
    let columns: Vec<(String, Vec<String>)> = r
        .groups
        .iter()
        .map(|g| {
            let cells = kpis.iter().map(|&k| g.get(k).map_or(String::new(), |e| with_ci(&e, k.def().unit))).collect();
            (format!("{} ({})", g.name, g.skills.join(", ")), cells)
        })
        .collect();
    kpi_tables(markup, out, "Agent groups", "agent group", &labels, &columns)
}

/// Each reporting window: its channels' KPIs (columns) and its groups' (below); whether
/// any channel is below its target in a window.
fn windows(markup: &(impl Markup + ?Sized), r: &Report, out: &mut dyn Write) -> io::Result<bool> {
    let mut low = false;
    for w in &r.windows {
        let kpis: Vec<ChannelKpi> =
            ChannelKpi::ALL.iter().copied().filter(|&k| w.channels.iter().any(|c| c.1.get(k).is_some())).collect();
        let labels: Vec<String> = kpis.iter().map(|k| k.def().label.to_string()).collect();
        let columns: Vec<(String, Vec<String>)> = w
            .channels
            .iter()
            .map(|(name, got)| {
                let target = r.channel(name).map_or(f64::NAN, |c| c.target.share);
                let cells = kpis
                    .iter()
                    .map(|&k| match got.get(k) {
                        None => String::new(),
                        Some(e) => {
                            let below_target = k == ChannelKpi::ServiceLevel && below(&e, target);
                            low |= below_target;
                            marked(with_ci(&e, k.def().unit), below_target)
                        }
                    })
                    .collect();
                (r.channel(name).map_or(name.clone(), channel_heading), cells)
            })
            .collect();
        let span = format!("{} interval(s) from {}", w.intervals, when(r, w.start_s));
        if !kpis.is_empty() {
            kpi_tables(markup, out, &format!("Window {} — {span}", w.name), "channel", &labels, &columns)?;
        }
        let gk: Vec<GroupIntervalKpi> =
            GroupIntervalKpi::ALL.iter().copied().filter(|&k| w.groups.iter().any(|g| g.1.get(k).is_some())).collect();
        // Nothing chosen for the groups (`--kpi service_level`): no empty table.
        if gk.is_empty() {
            continue;
        }
        let labels: Vec<String> = gk.iter().map(|k| k.def().label.to_string()).collect();
        let columns: Vec<(String, Vec<String>)> = w
            .groups
            .iter()
            .map(|(name, got)| {
                let cells =
                    gk.iter().map(|&k| got.get(k).map_or(String::new(), |e| with_ci(&e, k.def().unit))).collect();
                (name.clone(), cells)
            })
            .collect();
        kpi_tables(markup, out, &format!("Window {} — agent groups", w.name), "agent group", &labels, &columns)?;
    }
    Ok(low)
}

fn backlog(markup: &(impl Markup + ?Sized), r: &Report, out: &mut dyn Write) -> io::Result<()> {
    if r.backlog.is_empty() || r.backlog.iter().all(|b| b.days.is_empty()) {
        return Ok(());
    }
    let days = r.backlog.iter().map(|b| b.days.len()).max().unwrap_or(0);
    let mut header = vec!["waiting at end of day".to_string()];
    header.extend(r.backlog.iter().map(|b| b.channel.clone()));
    let rows = (0..days)
        .map(|d| {
            let day = when(r, d as f64 * DAY);
            let mut row = vec![day.split(' ').next().unwrap_or("").to_string()];
            row.extend(r.backlog.iter().map(|b| b.days.get(d).map_or(String::new(), |e| with_ci(e, Unit::Count))));
            row
        })
        .collect();
    Grid { title: "Deferred backlog".into(), header, rows, folded: false }.write(out, markup)
}

/// The per-interval columns of a channel table.
pub(super) const INTERVAL_KPIS: [ChannelKpi; 7] = [
    ChannelKpi::Offered,
    ChannelKpi::ServiceLevel,
    ChannelKpi::AsaS,
    ChannelKpi::WaitP90S,
    ChannelKpi::AbandonRate,
    ChannelKpi::AhtS,
    ChannelKpi::Occupancy,
];

fn intervals(markup: &(impl Markup + ?Sized), r: &Report, out: &mut dyn Write) -> io::Result<()> {
    for c in &r.channels {
        // Channels that announce waits also show, per interval, who balked and how many
        // promises were kept.
        let announced = [ChannelKpi::BalkRate, ChannelKpi::PromiseKept].into_iter().filter(|&k| c.get(k).is_some());
        // Channels that receive returns and redials show how many of the offered were
        // repeats; assistants, how many they contained.
        let triage = [ChannelKpi::Repeat, ChannelKpi::RepeatShare, ChannelKpi::Contained]
            .into_iter()
            .filter(|&k| c.get(k).is_some());
        let used: Vec<ChannelKpi> =
            INTERVAL_KPIS.iter().copied().filter(|k| k.applies_to(c.kind)).chain(announced).chain(triage).collect();
        let with_events = r.intervals.iter().any(|i| i.channel == c.name && !i.events.is_empty());
        let mut header = vec!["start".to_string()];
        for k in &used {
            header.push(k.def().label.to_string());
            if *k == ChannelKpi::ServiceLevel {
                header.push("±".into());
            }
        }
        if with_events {
            header.push("events".into());
        }
        let rows = r
            .intervals
            .iter()
            .filter(|i| i.channel == c.name && shown(i))
            .map(|i| {
                let mut row = vec![when(r, i.start_s)];
                for &k in &used {
                    let e = i.get(k);
                    let unit = k.def().unit;
                    let v = e.map_or(String::new(), |e| value(e.mean, unit));
                    if k == ChannelKpi::ServiceLevel {
                        let low = e.is_some_and(|e| below(&e, c.target.share));
                        row.push(marked(v, low));
                        row.push(e.map_or(String::new(), |e| half_width(&e, unit)));
                    } else {
                        row.push(v);
                    }
                }
                if with_events {
                    row.push(i.events.join(", "));
                }
                row
            })
            .collect();
        write!(out, "{}", markup.channel_figures(&c.name))?;
        let title = format!("{} by interval of arrival (target {:.0} %)", channel_heading(c), 100.0 * c.target.share);
        Grid { title, header, rows, folded: true }.write(out, markup)?;
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
        Grid { title: format!("{} by interval", g.name), header, rows, folded: true }.write(out, markup)?;
    }
    Ok(())
}

/// The simulated day against what a history observed, interval by interval. A day's
/// range is the replications' mean ± 1.96 standard deviations, narrowed by √k when the
/// observed value folds k days: an observed service level outside it is marked `✗`.
fn actuals(markup: &(impl Markup + ?Sized), r: &Report, out: &mut dyn Write) -> io::Result<()> {
    for c in &r.channels {
        let obs: Vec<&crate::data::history::Observed> = r.actuals.iter().filter(|a| a.channel == c.name).collect();
        if obs.is_empty() {
            continue;
        }
        let header: Vec<String> = [
            "start",
            "offered",
            "actual",
            "service level",
            "range of a day",
            "actual",
            "ASA",
            "actual",
            "abandon rate",
            "actual",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let (mut inside, mut judged) = (0, 0);
        let mut rows = Vec::new();
        for a in &obs {
            let Some(i) = r.intervals.iter().find(|i| i.channel == c.name && i.start_s == a.start_s) else { continue };
            if a.offered == 0.0 && i.get(ChannelKpi::Offered).is_none_or(|e| e.mean == 0.0) {
                continue;
            }
            let get = |k: ChannelKpi| i.get(k).unwrap_or(Estimate::UNDEFINED);
            let sl = get(ChannelKpi::ServiceLevel);
            let half = 1.96 * sl.spread(r.replications) / (a.days as f64).sqrt();
            let (lo, hi) = ((sl.mean - half).max(0.0), (sl.mean + half).min(1.0));
            let range =
                if half.is_finite() { format!("{:.0}–{:.0} %", 100.0 * lo, 100.0 * hi) } else { "–".into() };
            let mut actual_sl = value(a.service_level, Unit::Share);
            if half.is_finite() && a.service_level.is_finite() {
                judged += 1;
                if (lo..=hi).contains(&a.service_level) {
                    inside += 1;
                } else {
                    actual_sl.push_str(" ✗");
                }
            }
            rows.push(vec![
                when(r, a.start_s),
                value(get(ChannelKpi::Offered).mean, Unit::Count),
                value(a.offered, Unit::Count),
                value(sl.mean, Unit::Share),
                range,
                actual_sl,
                value(get(ChannelKpi::AsaS).mean, Unit::Seconds),
                value(a.asa_s, Unit::Seconds),
                value(get(ChannelKpi::AbandonRate).mean, Unit::Share),
                value(a.abandon_rate, Unit::Share),
            ]);
        }
        let days = obs.first().map_or(0, |a| a.days);
        let title = format!(
            "{}: simulated against actuals (per day, {days} day(s) of history per interval)",
            channel_heading(c)
        );
        Grid { title, header, rows, folded: true }.write(out, markup)?;
        write!(
            out,
            "{}",
            markup.note(&format!(
                "{}: the actual service level lies within the simulated range of a day in {inside} of {judged} intervals (about 95 % expected when the scenario is right); ✗ marks the others.",
                c.name
            ))
        )?;
    }
    Ok(())
}

/// The scenario's key inputs as a table (for markups that ask for it).
fn inputs(markup: &(impl Markup + ?Sized), r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut rows = vec![
        vec!["horizon".into(), format_duration(r.horizon_s)],
        vec!["planning interval".into(), format_duration(r.interval_s)],
        vec!["warm-up".into(), format_duration(r.warmup_s)],
        vec!["first day".into(), when(r, 0.0).split(' ').next().unwrap_or("").to_string()],
        vec!["replications".into(), r.replications.to_string()],
        vec!["seed".into(), r.seed.to_string()],
    ];
    for (p, v) in &r.overrides {
        rows.push(vec![format!("override {p}"), v.clone()]);
    }
    for c in &r.channels {
        let types = if c.types.is_empty() {
            String::new()
        } else {
            let t: Vec<String> = c
                .types
                .iter()
                .map(|t| format!("{} {:.0} % (priority {})", t.name, 100.0 * t.share, t.priority))
                .collect();
            format!("; types {}", t.join(", "))
        };
        let offered = c.get(ChannelKpi::Offered).map_or(String::new(), |e| format!("; {:.0} offered", e.mean));
        rows.push(vec![format!("channel {}", c.name), format!("{}{offered}{types}", channel_heading(c))]);
        if let Some(a) = &c.announce {
            rows.push(vec![format!("announcements {}", c.name), a.clone()]);
        }
    }
    for c in r.forecast.iter() {
        rows.push(vec![
            format!("forecast error {}", c.channel),
            format!("day cv {:.2}, interval cv {:.2}", c.day_cv, c.interval_cv),
        ]);
    }
    for e in &r.events {
        let mut effect = Vec::new();
        if e.volume != 1.0 {
            effect.push(format!("volume × {}", crate::base::time::format_number(e.volume)));
        }
        if e.add != 0.0 {
            effect.push(format!("+{} contacts per window", crate::base::time::format_number(e.add)));
        }
        if e.handle_time != 1.0 {
            effect.push(format!("handle time × {}", crate::base::time::format_number(e.handle_time)));
        }
        let shown: Vec<String> =
            e.windows.iter().take(3).map(|w| format!("{}–{}", when(r, w.0), when(r, w.1))).collect();
        let more = if e.windows.len() > 3 { format!(" and {} more", e.windows.len() - 3) } else { String::new() };
        rows.push(vec![
            format!("event {}", e.name),
            format!("{}; {}; {}{more}", effect.join(", "), e.channels.join(", "), shown.join(", ")),
        ]);
    }
    for g in &r.groups {
        let hours = g.get(GroupKpi::StaffedHours).map_or(String::new(), |e| format!("; {:.0} staffed hours", e.mean));
        rows.push(vec![format!("agent group {}", g.name), format!("skills {}{hours}", g.skills.join(", "))]);
    }
    Grid { title: "Scenario".into(), header: vec!["input".into(), "value".into()], rows, folded: false }
        .write(out, markup)
}

/// The definition of every KPI shown, from the catalogue (for markups that ask for it).
fn definitions(markup: &(impl Markup + ?Sized), out: &mut dyn Write) -> io::Result<()> {
    let mut rows: Vec<Vec<String>> = ChannelKpi::ALL
        .iter()
        .map(|k| vec![k.def().label.into(), format!("channel {}", k.name()), k.what().into()])
        .collect();
    rows.extend(
        GroupKpi::ALL.iter().map(|k| vec![k.def().label.into(), format!("group {}", k.name()), k.what().into()]),
    );
    rows.extend(
        GroupIntervalKpi::ALL
            .iter()
            .map(|k| vec![k.def().label.into(), format!("group interval {}", k.name()), k.what().into()]),
    );
    let header = vec!["KPI".into(), "JSON field".into(), "definition".into()];
    Grid { title: "Definitions".into(), header, rows, folded: false }.write(out, markup)
}

/// Writes the report's tables in `markup`.
pub(super) fn render(markup: &(impl Markup + ?Sized), r: &Report, out: &mut dyn Write) -> io::Result<()> {
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
    if markup.inputs() {
        inputs(markup, r, out)?;
    }
    let mut low = channels(markup, r, out)?;
    low |= types(markup, r, out)?;
    low |= segments(markup, r, out)?;
    issues(markup, r, out)?;
    forecast(markup, r, out)?;
    groups(markup, r, out)?;
    low |= windows(markup, r, out)?;
    backlog(markup, r, out)?;
    if markup.intervals() {
        intervals(markup, r, out)?;
    }
    actuals(markup, r, out)?;
    if low || markup.intervals() {
        write!(
            out,
            "{}",
            markup.note(&format!(
                "{BELOW} service level below target (mean over replications); ± half-width of its 95 % interval (points)."
            ))
        )?;
    }
    if markup.definitions() {
        definitions(markup, out)?;
    }
    write!(out, "{}", markup.end())
}
