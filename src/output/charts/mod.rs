//! Charts of a run, a sweep or a staffing plan, as PNG and SVG (feature `charts`).
//!
//! A chart is first described as data ([`Chart`]: panels of series over a shared x axis,
//! or a heat map), then drawn by one function for either backend, so the PNG and the SVG
//! of a chart always show the same thing. Text is drawn with DejaVu Sans, registered from
//! the `dejavu` crate: no system font or library is needed. In SVG the text stays text
//! (`<text>` elements), so titles and axis labels can be searched and read by tools.
//!
//! Per channel of a run ([`for_run`]), over a time axis labelled in hours (a week: the
//! weekday at midnight, the clock at noon), stretches where the channel is closed greyed
//! and held to no target:
//! * `service-level` — by interval, with its 95 % band, the target as a dashed line and a
//!   red triangle on every open interval below it;
//! * `volume-agents` — offered contacts (with band) above the agents required (Erlang C
//!   for the target, live channels; the workload offered × AHT, deferred ones) and the
//!   scheduled and available agents of every group serving the channel, a blended group
//!   counted by its share of the workload: the forecast view of WFM suites;
//! * `abandonment-asa` — abandon rate (live channels) and ASA by interval;
//! * `wait-distribution` — P(wait > t) of answered contacts, the threshold marked;
//! * `backlog` — deferred channels over several days: the contacts waiting at each
//!   midnight;
//! * `week` — a day × time-of-day heat map of the service level (runs of several days).
//!
//! A share axis has no tick above 100 % (the headroom holds the legend).
//!
//! A sweep ([`for_sweep`]) gets each channel's service level and each group's cost
//! against the swept parameter with 95 % error bars; a staffing comparison
//! ([`staffing`]) the required agents by interval, one line per target.

use crate::Error;
use crate::base::portable::Portable;
use crate::base::time::{format_clock, format_duration, format_when};
use crate::report::sweep::SweepReport;
use crate::report::{ChannelReport, IntervalReport, Report};
use crate::scenario::{DAY, Weekday};
use crate::stats::kpi::{ChannelKpi, GroupIntervalKpi, GroupKpi};
use crate::stats::summary::Estimate;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use std::path::{Path, PathBuf};
use text::{Legend, Mark, Measured};

mod text;

/// Image formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// Portable Network Graphics (for documents and slides).
    Png,
    /// Scalable Vector Graphics, text kept as text (for the HTML report).
    Svg,
}

impl ImageFormat {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Png => "png",
            ImageFormat::Svg => "svg",
        }
    }
}

/// Width and height of every chart (pixels).
const SIZE: (u32, u32) = (1100, 560);
/// Height of a chart with two panels.
const TALL: u32 = 760;
const FONT: &str = "sans-serif";

/// Distinguishable colours (Tableau 10), in order of use.
const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(23, 190, 207),
];
const RED: RGBColor = RGBColor(214, 39, 40);
const GREY: RGBColor = RGBColor(110, 110, 110);
/// The fill of stretches where a channel is closed.
const CLOSED: RGBColor = RGBColor(228, 228, 228);

/// One point of a series: y with the bounds of its 95 % interval (NaN: none).
#[derive(Debug, Clone, Copy)]
struct Point {
    x: f64,
    y: f64,
    lo: f64,
    hi: f64,
}

impl Point {
    fn of(x: f64, e: &Estimate, scale: f64) -> Point {
        let h = if e.ci95.is_finite() { e.ci95 } else { 0.0 };
        Point { x, y: e.mean * scale, lo: (e.mean - h) * scale, hi: (e.mean + h) * scale }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Style {
    /// A line with its 95 % band shaded.
    Band,
    /// A plain line.
    Line,
    /// A dashed line.
    Dashed,
    /// Markers with vertical error bars, joined by a thin line.
    ErrorBars,
    /// A step line: the value holds over [x, x + width).
    Step(f64),
}

#[derive(Debug, Clone)]
struct Series {
    label: String,
    color: RGBColor,
    style: Style,
    points: Vec<Point>,
}

/// How a panel's y values read.
#[derive(Debug, Clone, Copy, PartialEq)]
enum YUnit {
    /// Shares, drawn in percent.
    Percent,
    /// Plain numbers.
    Number,
}

#[derive(Debug, Clone)]
struct Panel {
    y_desc: String,
    unit: YUnit,
    series: Vec<Series>,
    /// A horizontal reference line (a target) and its label.
    hline: Option<(f64, String)>,
    /// A vertical reference line (a threshold) and its label.
    vline: Option<(f64, String)>,
    /// Points marked as below target.
    marks: Vec<(f64, f64)>,
    /// Stretches of x where the channel is closed, greyed (not held to a target).
    closed: Vec<(f64, f64)>,
}

impl Panel {
    /// A panel of `series`, without reference lines, marks or closed stretches.
    fn new(y_desc: String, unit: YUnit, series: Vec<Series>) -> Panel {
        Panel { y_desc, unit, series, hline: None, vline: None, marks: Vec::new(), closed: Vec::new() }
    }
}

#[derive(Debug, Clone)]
enum XAxis {
    /// Seconds from time 0 of a run starting on a weekday.
    Time { start_day: Weekday },
    /// Plain numbers with a description.
    Number(String),
    /// Categories at 0, 1, 2, … with their labels.
    Categories(String, Vec<String>),
    /// Numbers with a tick and a label at each given value (the swept values, as written).
    Points(String, Vec<(f64, String)>),
}

#[derive(Debug, Clone)]
struct Heat {
    /// Per day (top to bottom), per interval of the day: the service level.
    cells: Vec<Vec<f64>>,
    day_names: Vec<String>,
    interval_s: f64,
    target: f64,
}

#[derive(Debug, Clone)]
enum Body {
    Panels { x: XAxis, range: (f64, f64), panels: Vec<Panel> },
    Heat(Heat),
}

/// A chart, described as data; [`Chart::svg`] and [`Chart::png`] draw it.
#[derive(Debug, Clone)]
pub struct Chart {
    /// File name without extension (`phone-service-level`).
    pub stem: String,
    /// Title drawn at the top.
    pub title: String,
    /// The channel it belongs to, if any.
    pub channel: Option<String>,
    body: Body,
}

/// A file-name-safe form of a name: lower case, runs of other characters as `-`.
pub fn slug(name: &str) -> String {
    let mut s = String::new();
    for ch in name.chars() {
        if ch.is_alphanumeric() {
            s.extend(ch.to_lowercase());
        } else if !s.ends_with('-') {
            s.push('-');
        }
    }
    let s = s.trim_matches('-').to_string();
    if s.is_empty() { "chart".into() } else { s }
}

/// Registers the DejaVu faces with plotters, which draws PNG text with them (the browser
/// build draws SVG only, whose text the viewer renders).
fn registered() {
    #[cfg(not(target_arch = "wasm32"))]
    static ONCE: std::sync::Once = std::sync::Once::new();
    #[cfg(not(target_arch = "wasm32"))]
    ONCE.call_once(|| {
        // The fonts are compiled in; registering cannot fail for them.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold());
    });
}

// ---- what a run shows -----------------------------------------------------------------

/// The charts of a run: per channel its service level, volume against agents,
/// abandonment and ASA, wait distribution, backlog (deferred channels over several days)
/// and a day × time-of-day heat map (runs of several days).
pub fn for_run(r: &Report) -> Vec<Chart> {
    let mut out = Vec::new();
    let mut used: Vec<String> = Vec::new();
    for c in &r.channels {
        let mut v = ChannelView::new(r, c);
        // Names differing only in case or punctuation (`Phone`, `phone`) share a slug:
        // later ones get `-2`, `-3`, … so no channel's files overwrite another's.
        let base = v.slug.clone();
        let mut n = 1;
        while used.contains(&v.slug) {
            n += 1;
            v.slug = format!("{base}-{n}");
        }
        used.push(v.slug.clone());
        out.push(v.service_level());
        out.push(v.volume_agents());
        out.push(v.abandonment_asa());
        out.extend(v.wait_distribution());
        out.extend(v.backlog());
        out.extend(v.week());
    }
    out
}

/// One channel of a run, as its charts read it.
struct ChannelView<'a> {
    r: &'a Report,
    c: &'a ChannelReport,
    /// Its counted intervals.
    rows: Vec<&'a IntervalReport>,
    heading: String,
    slug: String,
    /// Stretches of the counted horizon it is closed throughout, greyed.
    closed: Vec<(f64, f64)>,
}

impl<'a> ChannelView<'a> {
    fn new(r: &'a Report, c: &'a ChannelReport) -> ChannelView<'a> {
        let rows: Vec<&IntervalReport> = r.intervals.iter().filter(|i| i.channel == c.name).collect();
        let mut closed: Vec<(f64, f64)> = Vec::new();
        for i in &rows {
            let (a, b) = (i.start_s, i.start_s + r.interval_s);
            if c.open_during(a, b) {
                continue;
            }
            match closed.last_mut() {
                Some(last) if last.1 >= a => last.1 = b,
                _ => closed.push((a, b)),
            }
        }
        let heading = format!(
            "{} ({}, target {:.0} % in {})",
            c.name,
            c.kind.name(),
            100.0 * c.target.share,
            format_duration(c.target.within)
        );
        ChannelView { r, c, rows, heading, slug: slug(&c.name), closed }
    }

    fn mid(&self, t: f64) -> f64 {
        t + self.r.interval_s / 2.0
    }

    fn x(&self) -> XAxis {
        XAxis::Time { start_day: self.r.start_day }
    }

    fn range(&self) -> (f64, f64) {
        (self.r.warmup_s, self.r.horizon_s)
    }

    /// KPI `k` of every counted interval, × `scale`.
    fn series_of(&self, k: ChannelKpi, scale: f64) -> Vec<Point> {
        self.rows
            .iter()
            .map(|i| i.get(k).map_or(nan_point(self.mid(i.start_s)), |e| Point::of(self.mid(i.start_s), &e, scale)))
            .collect()
    }

    fn chart(&self, what: &str, title: &str, body: Body) -> Chart {
        Chart {
            stem: format!("{}-{what}", self.slug),
            title: format!("{}: {title}", self.heading),
            channel: Some(self.c.name.clone()),
            body,
        }
    }

    fn panels(&self, panels: Vec<Panel>) -> Body {
        Body::Panels { x: self.x(), range: self.range(), panels }
    }

    fn is_closed(&self, x: f64) -> bool {
        self.closed.iter().any(|&(a, b)| a <= x && x < b)
    }

    /// Service level by interval: its band, the target, a mark on every open interval
    /// below it; closed stretches greyed.
    fn service_level(&self) -> Chart {
        let sl = self.series_of(ChannelKpi::ServiceLevel, 1.0);
        let target = self.c.target.share;
        let marks =
            sl.iter().filter(|p| p.y.is_finite() && p.y < target && !self.is_closed(p.x)).map(|p| (p.x, p.y)).collect();
        let mut panel = Panel::new(
            format!("answered within {} (%)", format_duration(self.c.target.within)),
            YUnit::Percent,
            vec![Series {
                label: "service level, 95 % band".into(),
                color: PALETTE[0],
                style: Style::Band,
                points: sl,
            }],
        );
        panel.hline = Some((target, format!("target {:.0} %", 100.0 * target)));
        panel.marks = marks;
        panel.closed = self.closed.clone();
        self.chart("service-level", "service level by interval", self.panels(vec![panel]))
    }

    /// The agents each interval needs: for a live channel the Erlang C minimum for its
    /// target from the interval's offered contacts and handle time (chat: per chat slot
    /// of the serving groups' concurrency); for a deferred one the workload (offered ×
    /// handle time / interval), the agents that keep up with arrivals.
    fn required(&self) -> Vec<Point> {
        let r = self.r;
        let overall_aht = self.c.get(ChannelKpi::AhtS).map_or(f64::NAN, |e| e.mean);
        self.rows
            .iter()
            .map(|i| {
                let x = self.mid(i.start_s);
                let offered = i.get(ChannelKpi::Offered).map_or(0.0, |e| e.mean);
                let aht = i.get(ChannelKpi::AhtS).map(|e| e.mean).filter(|m| m.is_finite()).unwrap_or(overall_aht);
                if !(offered > 0.0 && aht.is_finite() && aht > 0.0) || self.is_closed(x) {
                    return Point { x, y: if offered > 0.0 { f64::NAN } else { 0.0 }, lo: f64::NAN, hi: f64::NAN };
                }
                let rate = offered / r.interval_s;
                let y = if self.c.kind.is_live() {
                    let target = self.c.target.share.min(0.999);
                    crate::erlang::agents_for_target(rate, aht, self.c.target.within, target, None)
                        .ok()
                        .flatten()
                        .map_or(f64::NAN, f64::from)
                } else {
                    rate * aht
                };
                Point { x, y, lo: f64::NAN, hi: f64::NAN }
            })
            .collect()
    }

    /// Each interval's share of a group's time that goes to this channel: its workload
    /// (offered × handle time) over that of every channel the group serves (an equal
    /// share where none has any).
    fn share_of(&self, group: &crate::report::GroupReport, start: f64) -> f64 {
        if group.skills.len() <= 1 {
            return 1.0;
        }
        let work = |name: &str| {
            self.r.intervals.iter().find(|i| i.channel == name && i.start_s == start).map_or(0.0, |i| {
                let n = i.get(ChannelKpi::Offered).map_or(0.0, |e| e.mean);
                let h = i.get(ChannelKpi::AhtS).map(|e| e.mean).filter(|m| m.is_finite()).unwrap_or(0.0);
                n * h
            })
        };
        let total: f64 = group.skills.iter().map(|s| work(s)).sum();
        if total > 0.0 { work(&self.c.name) / total } else { 1.0 / group.skills.len() as f64 }
    }

    /// Offered contacts (and fresh ones, with repeats) above the agents each interval
    /// needs and those scheduled and available in every group serving the channel (a
    /// blended group's headcount split by the channels' workload).
    fn volume_agents(&self) -> Chart {
        let r = self.r;
        let mut volume = vec![Series {
            label: "offered, 95 % band".into(),
            color: PALETTE[0],
            style: Style::Band,
            points: self.series_of(ChannelKpi::Offered, 1.0),
        }];
        // Channels receiving returns and redials: the fresh demand under the offered load,
        // the gap being the repeats.
        if self.c.get(ChannelKpi::Fresh).is_some() {
            volume.push(Series {
                label: "fresh (first contacts)".into(),
                color: PALETTE[3],
                style: Style::Dashed,
                points: self.series_of(ChannelKpi::Fresh, 1.0),
            });
        }
        let needed = if self.c.kind.is_live() { "required (Erlang C)" } else { "workload (offered × AHT)" };
        let mut agents = vec![Series {
            label: needed.into(),
            color: GREY,
            style: Style::Step(r.interval_s),
            points: self.required(),
        }];
        let step = |p: Vec<Point>| p.into_iter().map(|q| Point { x: q.x - r.interval_s / 2.0, ..q }).collect();
        if let Some(s) = agents.first_mut() {
            s.points = step(std::mem::take(&mut s.points));
        }
        for (n, g) in r.groups.iter().filter(|g| g.skills.contains(&self.c.name)).enumerate() {
            let color = PALETTE[(n + 1) % PALETTE.len()];
            let blended = g.skills.len() > 1;
            for (k, style, what) in [
                (GroupIntervalKpi::Scheduled, Style::Line, "scheduled"),
                (GroupIntervalKpi::Available, Style::Dashed, "available"),
            ] {
                let points = r
                    .group_intervals
                    .iter()
                    .filter(|i| i.group == g.name && i.start_s >= r.warmup_s)
                    .map(|i| {
                        let w = self.share_of(g, i.start_s);
                        i.get(k).map_or(nan_point(self.mid(i.start_s)), |e| Point::of(self.mid(i.start_s), &e, w))
                    })
                    .collect();
                let label =
                    if blended { format!("{} {what} (its share)", g.name) } else { format!("{} {what}", g.name) };
                agents.push(Series { label, color, style, points });
            }
        }
        let mut top = Panel::new("contacts offered per interval".into(), YUnit::Number, volume);
        top.closed = self.closed.clone();
        let mut bottom = Panel::new("agents (mean headcount)".into(), YUnit::Number, agents);
        bottom.closed = self.closed.clone();
        self.chart("volume-agents", "offered contacts and agents by interval", self.panels(vec![top, bottom]))
    }

    /// Abandon rate (live channels) and ASA by interval.
    fn abandonment_asa(&self) -> Chart {
        let mut panels = Vec::new();
        if self.c.kind.is_live() {
            let mut p = Panel::new(
                "abandon rate (%)".into(),
                YUnit::Percent,
                vec![Series {
                    label: "abandon rate, 95 % band".into(),
                    color: RED,
                    style: Style::Band,
                    points: self.series_of(ChannelKpi::AbandonRate, 1.0),
                }],
            );
            p.closed = self.closed.clone();
            panels.push(p);
        }
        let asa_max = self
            .rows
            .iter()
            .filter_map(|i| i.get(ChannelKpi::AsaS))
            .map(|e| e.mean)
            .filter(|m| m.is_finite())
            .fold(0.0, f64::max);
        let (scale, unit) = time_unit(asa_max);
        let mut p = Panel::new(
            format!("ASA ({unit})"),
            YUnit::Number,
            vec![Series {
                label: "ASA, 95 % band".into(),
                color: PALETTE[0],
                style: Style::Band,
                points: self.series_of(ChannelKpi::AsaS, 1.0 / scale),
            }],
        );
        p.closed = self.closed.clone();
        panels.push(p);
        let what = if self.c.kind.is_live() { "abandonment and ASA" } else { "ASA (first response)" };
        self.chart("abandonment-asa", &format!("{what} by interval"), self.panels(panels))
    }

    /// P(wait > t) of answered contacts, the threshold marked.
    fn wait_distribution(&self) -> Option<Chart> {
        let c = self.c;
        if c.wait_above.is_empty() {
            return None;
        }
        // Up to where the tail falls below 0.5 % (at least 1.5 T), not an empty plain.
        let tail = c.wait_above.iter().rposition(|p| p.share.mean > 0.005).map_or(0, |j| j + 1);
        let end = c.wait_above.get(tail).map_or(f64::INFINITY, |p| p.t_s).max(1.5 * c.target.within);
        let last = c.wait_above.iter().map(|p| p.t_s).filter(|&t| t <= end).fold(0.0, f64::max).max(1.0);
        let (scale, unit) = time_unit(last);
        let points =
            c.wait_above.iter().filter(|p| p.t_s <= last).map(|p| Point::of(p.t_s / scale, &p.share, 1.0)).collect();
        let mut panel = Panel::new(
            "P(wait > t) (%)".into(),
            YUnit::Percent,
            vec![Series {
                label: "share of answered waiting longer than t, 95 % band".into(),
                color: PALETTE[0],
                style: Style::Band,
                points,
            }],
        );
        panel.vline = Some((c.target.within / scale, format!("threshold {}", format_duration(c.target.within))));
        let body = Body::Panels {
            x: XAxis::Number(format!("wait t ({unit})")),
            range: (0.0, last / scale),
            panels: vec![panel],
        };
        Some(self.chart("wait-distribution", "wait of answered contacts", body))
    }

    /// Deferred channels over several days: the contacts waiting at the end of each day.
    fn backlog(&self) -> Option<Chart> {
        let days = &self.r.backlog.iter().find(|b| b.channel == self.c.name)?.days;
        if days.len() < 2 {
            return None;
        }
        let points = days.iter().enumerate().map(|(d, e)| Point::of(d as f64, e, 1.0)).collect();
        let panel = Panel::new(
            "contacts waiting at the end of the day".into(),
            YUnit::Number,
            vec![Series {
                label: "backlog at midnight, 95 % interval".into(),
                color: PALETTE[0],
                style: Style::ErrorBars,
                points,
            }],
        );
        let long = days.len() > 7;
        let names = (0..days.len())
            .map(|d| {
                let name = format_when(d as f64 * DAY, self.r.start_day).split(' ').next().unwrap_or("").to_string();
                if long { format!("{name} d{}", d + 1) } else { name }
            })
            .collect();
        let body = Body::Panels {
            x: XAxis::Categories("day (its backlog at midnight)".into(), names),
            range: (-0.5, days.len() as f64 - 0.5),
            panels: vec![panel],
        };
        Some(self.chart("backlog", "backlog of waiting contacts, day by day", body))
    }

    /// A week at a glance: a day × time-of-day heat map of the service level.
    fn week(&self) -> Option<Chart> {
        let r = self.r;
        let per_day = (DAY / r.interval_s).round() as usize;
        if !(r.horizon_s > DAY && per_day > 0 && (DAY / r.interval_s).fract() == 0.0) {
            return None;
        }
        let days = (r.horizon_s / DAY).ceil() as usize;
        let mut cells = vec![vec![f64::NAN; per_day]; days];
        for i in &self.rows {
            let k = (i.start_s / r.interval_s).round() as usize;
            if let (Some(row), Some(e)) = (cells.get_mut(k / per_day), i.get(ChannelKpi::ServiceLevel))
                && !self.is_closed(self.mid(i.start_s))
            {
                row[k % per_day] = e.mean;
            }
        }
        let day_names = (0..days)
            .map(|d| format_when(d as f64 * DAY, r.start_day).split(' ').next().unwrap_or("").to_string())
            .collect();
        let heat = Heat { cells, day_names, interval_s: r.interval_s, target: self.c.target.share };
        Some(self.chart("week", "service level, day by time of day", Body::Heat(heat)))
    }
}

fn nan_point(x: f64) -> Point {
    Point { x, y: f64::NAN, lo: f64::NAN, hi: f64::NAN }
}

/// A unit for durations up to `max` seconds: (seconds per unit, name).
fn time_unit(max: f64) -> (f64, &'static str) {
    if max >= 3.0 * 3600.0 {
        (3600.0, "h")
    } else if max >= 600.0 {
        (60.0, "min")
    } else {
        (1.0, "s")
    }
}

// ---- a sweep and a staffing comparison --------------------------------------------------

/// A value of an override as a number: `12`, `+2`, `0.85`, or a duration such as `30s`.
fn numeric(v: &str) -> Option<f64> {
    let v = v.trim();
    v.trim_start_matches('+').parse::<f64>().ok().or_else(|| crate::base::time::parse_duration(v).ok())
}

/// The charts of a sweep: each channel's service level and each group's cost against the
/// swept parameter (or the variant, when several parameters change), with 95 % error bars.
pub fn for_sweep(s: &SweepReport) -> Vec<Chart> {
    let Some(v0) = s.variants.first() else { return Vec::new() };
    let (first_set, first) = (&v0.overrides, &v0.report);
    // One swept path whose values are all numbers: a numeric axis; else the variants.
    let changing: Vec<usize> = (0..first_set.len())
        .filter(|&p| s.variants.iter().any(|v| v.overrides.get(p).map(|x| &x.1) != first_set.get(p).map(|x| &x.1)))
        .collect();
    let numbers: Option<Vec<f64>> = match changing.as_slice() {
        [p] => s.variants.iter().map(|v| v.overrides.get(*p).and_then(|x| numeric(&x.1))).collect(),
        _ => None,
    };
    let (x, xs, range) = match (&numbers, changing.as_slice()) {
        (Some(xs), [p]) => {
            let (lo, hi) = xs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
            let pad = ((hi - lo) * 0.06).max(0.5);
            let desc = first_set[*p].0.clone();
            let axis = if xs.len() <= 16 {
                XAxis::Points(desc, s.variants.iter().zip(xs).map(|(v, &x)| (x, v.overrides[*p].1.clone())).collect())
            } else {
                XAxis::Number(desc)
            };
            (axis, xs.clone(), (lo - pad, hi + pad))
        }
        _ => {
            let labels = s
                .variants
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let set: Vec<String> =
                        changing.iter().filter_map(|&p| v.overrides.get(p)).map(|(_, val)| val.clone()).collect();
                    if set.is_empty() { i.to_string() } else { set.join(", ") }
                })
                .collect();
            let n = s.variants.len() as f64;
            let desc = changing.iter().map(|&p| first_set[p].0.as_str()).collect::<Vec<_>>().join(", ");
            (XAxis::Categories(desc, labels), (0..s.variants.len()).map(|i| i as f64).collect(), (-0.5, n - 0.5))
        }
    };
    // One series per channel or group: a KPI of each variant at its x, with error bars.
    let series = |label: String, i: usize, kpi: &dyn Fn(&Report) -> Option<Estimate>| Series {
        label,
        color: PALETTE[i % PALETTE.len()],
        style: Style::ErrorBars,
        points: s
            .variants
            .iter()
            .zip(&xs)
            .map(|(v, &x)| kpi(&v.report).map_or(nan_point(x), |e| Point::of(x, &e, 1.0)))
            .collect(),
    };
    let channel_kpi = |c: usize, k: ChannelKpi| move |r: &Report| r.channels.get(c).and_then(|ch| ch.get(k));
    let sl: Vec<Series> = first
        .channels
        .iter()
        .enumerate()
        .map(|(c, ch)| {
            series(
                format!("{} (target {:.0} %)", ch.name, 100.0 * ch.target.share),
                c,
                &channel_kpi(c, ChannelKpi::ServiceLevel),
            )
        })
        .collect();
    let cost: Vec<Series> = first
        .groups
        .iter()
        .enumerate()
        .map(|(g, grp)| {
            series(grp.name.clone(), g, &move |r: &Report| r.groups.get(g).and_then(|gr| gr.get(GroupKpi::Cost)))
        })
        .collect();
    // Without costs in the scenario, the second panel shows each channel's ASA instead.
    let costed = cost.iter().flat_map(|s| &s.points).any(|p| p.y > 0.0);
    let second = if costed {
        Panel::new("cost".into(), YUnit::Number, cost)
    } else {
        let asa = first
            .channels
            .iter()
            .enumerate()
            .map(|(c, ch)| series(ch.name.clone(), c, &channel_kpi(c, ChannelKpi::AsaS)))
            .collect();
        Panel::new("ASA (s)".into(), YUnit::Number, asa)
    };
    let what = if costed { "cost" } else { "ASA" };
    let target =
        first.channels.first().map(|c| c.target.share).filter(|t| first.channels.iter().all(|c| c.target.share == *t));
    vec![Chart {
        stem: "sweep".into(),
        title: format!("{}: service level and {what} by variant (mean, 95 % CI)", s.scenario),
        channel: None,
        body: Body::Panels {
            x,
            range,
            panels: vec![
                Panel {
                    hline: target.map(|t| (t, format!("target {:.0} %", 100.0 * t))),
                    ..Panel::new("service level (%)".into(), YUnit::Percent, sl)
                },
                second,
            ],
        },
    }]
}

/// One plan of a staffing comparison: its label (the target) and agents per interval of
/// the horizon.
#[derive(Debug, Clone)]
pub struct PlanLine {
    /// What the plan meets, e.g. `80 % in 20s`.
    pub label: String,
    /// Agents per planning interval, from time 0.
    pub headcount: Vec<u32>,
}

/// The staffing chart of a staffing comparison: one line per plan (per plan and group when
/// groups were planned together), in the order of its plans.
pub fn staffing_of(doc: &crate::report::staffing::StaffingReport) -> Chart {
    let (start_day, interval) = match doc.plans.first() {
        Some(p) => (p.report.start_day, p.report.interval_s),
        None => (Weekday(0), 1800.0),
    };
    let mut lines = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for p in &doc.plans {
        let groups = p.group_plans();
        let several = groups.len() > 1;
        for g in groups {
            if !names.contains(&g.group) {
                names.push(g.group.clone());
            }
            let label = if several { format!("{}: {}", g.group, p.label()) } else { p.label() };
            lines.push(PlanLine { label, headcount: g.plan });
        }
    }
    let title = format!("{}: agents required in {} by interval, per target", doc.scenario, names.join(", "));
    staffing(&title, start_day, interval, &lines)
}

/// The staffing chart: required agents by interval, one step line per target compared.
pub fn staffing(title: &str, start_day: Weekday, interval_s: f64, plans: &[PlanLine]) -> Chart {
    let n = plans.iter().map(|p| p.headcount.len()).max().unwrap_or(0);
    let series = plans
        .iter()
        .enumerate()
        .map(|(i, p)| Series {
            label: p.label.clone(),
            color: PALETTE[i % PALETTE.len()],
            style: Style::Step(interval_s),
            points: p
                .headcount
                .iter()
                .enumerate()
                .map(|(k, &h)| Point { x: k as f64 * interval_s, y: f64::from(h), lo: f64::NAN, hi: f64::NAN })
                .collect(),
        })
        .collect();
    Chart {
        stem: "staffing".into(),
        title: title.to_string(),
        channel: None,
        body: Body::Panels {
            x: XAxis::Time { start_day },
            range: (0.0, n as f64 * interval_s),
            panels: vec![Panel::new("agents required".into(), YUnit::Number, series)],
        },
    }
}

/// The charts of any result file: a run's, a sweep's, the staffing chart of a staffing
/// comparison (one line per target) or the coverage chart of a roster — what `ccsim chart`
/// and the Python `charts` draw.
pub fn for_result(doc: &crate::report::ResultFile) -> Vec<Chart> {
    use crate::report::ResultFile;
    match doc {
        ResultFile::Run(r) => for_run(r),
        ResultFile::Sweep(s) => for_sweep(s),
        ResultFile::Staffing(s) => vec![staffing_of(s)],
        ResultFile::Schedule(s) => coverage(s),
    }
}

/// The coverage charts of rosters, one per group rostered: agents required (the
/// per-interval plan), the requirement the roster was solved for and the agents it
/// schedules, as step lines; beneath, each channel of the group's service level by interval
/// with its 95 % band (not drawn while the channel is closed), and the target when they
/// share one. The only group's chart is
/// `coverage`, several groups' `coverage-<group>`.
pub fn coverage(doc: &crate::report::schedule::ScheduleReport) -> Vec<Chart> {
    let r = &doc.report;
    let iv = r.interval_s;
    let several = doc.groups.len() > 1;
    let mut out = Vec::new();
    for group in &doc.groups {
        let rows: Vec<&crate::report::schedule::CoverageRow> =
            doc.intervals.iter().filter(|x| x.group == *group).collect();
        let steps = |label: &str, color: RGBColor, v: &dyn Fn(&crate::report::schedule::CoverageRow) -> u32| Series {
            label: label.into(),
            color,
            style: Style::Step(iv),
            points: rows
                .iter()
                .map(|x| Point { x: x.start_s, y: f64::from(v(x)), lo: f64::NAN, hi: f64::NAN })
                .collect(),
        };
        let agents = Panel::new(
            format!("agents of {group}"),
            YUnit::Number,
            vec![
                steps("required (agents per interval)", GREY, &|x| x.required),
                steps("requirement after simulation", PALETTE[1], &|x| x.requirement),
                steps("scheduled by the roster", PALETTE[0], &|x| x.scheduled),
            ],
        );
        let chans: Vec<&crate::report::ChannelReport> =
            r.group(group).map(|g| g.skills.iter().filter_map(|c| r.channel(c)).collect()).unwrap_or_default();
        let series = chans
            .iter()
            .enumerate()
            .map(|(k, c)| Series {
                label: format!("{} service level, 95 % band", c.name),
                color: PALETTE[(k + 2) % PALETTE.len()],
                style: Style::Band,
                points: r
                    .intervals
                    .iter()
                    .filter(|i| i.channel == c.name)
                    .map(|i| {
                        // Not drawn where the channel is closed: not held to the target there.
                        let x = i.start_s + iv / 2.0;
                        let sl = i.get(ChannelKpi::ServiceLevel).filter(|_| c.open_during(i.start_s, i.start_s + iv));
                        sl.map_or(nan_point(x), |e| Point::of(x, &e, 1.0))
                    })
                    .collect(),
            })
            .collect();
        let mut sl = Panel::new("service level (%)".into(), YUnit::Percent, series);
        if let Some(first) = chans.first()
            && chans.iter().all(|c| c.target.share == first.target.share)
        {
            sl.hline = Some((first.target.share, format!("target {:.0} %", 100.0 * first.target.share)));
        }
        let n = rows.len() as f64;
        out.push(Chart {
            stem: if several { format!("coverage-{}", slug(group)) } else { "coverage".into() },
            title: format!(
                "{}: roster of {group} — agents required and scheduled, service level beneath",
                doc.scenario
            ),
            channel: None,
            body: Body::Panels {
                x: XAxis::Time { start_day: r.start_day },
                range: (0.0, n * iv),
                panels: vec![agents, sl],
            },
        });
    }
    out
}

// ---- drawing ------------------------------------------------------------------------------

/// A numeric axis whose ticks are given (a day's hours, a week's days, round numbers),
/// labelled by the chart's own formatter.
struct Ticks {
    inner: RangedCoordf64,
    keys: Vec<f64>,
}

fn ticks(range: std::ops::Range<f64>, keys: Vec<f64>) -> Ticks {
    Ticks { inner: range.into(), keys }
}

impl Ranged for Ticks {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, _hint: Hint) -> Vec<f64> {
        self.keys.clone()
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.inner.range()
    }
}

impl Chart {
    fn size(&self) -> (u32, u32) {
        match &self.body {
            Body::Panels { panels, .. } if panels.len() > 1 => (SIZE.0, TALL),
            _ => SIZE,
        }
    }

    /// The chart as an SVG document.
    ///
    /// # Errors
    ///
    /// [`Error::Run`] when plotters cannot draw it.
    pub fn svg(&self) -> Result<String, Error> {
        registered();
        let mut s = String::new();
        {
            let root = Measured(SVGBackend::with_string(&mut s, self.size())).into_drawing_area();
            draw(&root, self).and_then(|()| root.present().map_err(err)).map_err(|m| self.failed(m))?;
        }
        Ok(s)
    }

    /// Draws the chart into a PNG file.
    ///
    /// # Errors
    ///
    /// [`Error::Run`] when plotters cannot draw it or write the file.
    pub fn png(&self, path: &Path) -> Result<(), Error> {
        #[cfg(target_arch = "wasm32")]
        return Err(self.failed(format!("{}: PNG is not drawn in the browser build; use SVG", path.display())));
        #[cfg(not(target_arch = "wasm32"))]
        {
            registered();
            let root = Measured(BitMapBackend::new(path, self.size())).into_drawing_area();
            draw(&root, self).and_then(|()| root.present().map_err(err)).map_err(|m| self.failed(m))
        }
    }

    /// Writes the chart into `dir` as `<stem>.<ext>`; returns the file's path.
    ///
    /// # Errors
    ///
    /// As [`Chart::svg`] and [`Chart::png`]; [`Error::Io`] when the SVG file cannot be
    /// written.
    pub fn write(&self, dir: &Path, format: ImageFormat) -> Result<PathBuf, Error> {
        let path = dir.join(format!("{}.{}", self.stem, format.extension()));
        match format {
            ImageFormat::Png => self.png(&path)?,
            ImageFormat::Svg => std::fs::write(&path, self.svg()?)
                .map_err(|source| Error::Io { path: path.display().to_string(), source })?,
        }
        Ok(path)
    }

    /// A drawing failure of this chart.
    fn failed(&self, m: String) -> Error {
        Error::Run(format!("charts: chart {}: {m}", self.stem))
    }
}

type DrawResult = Result<(), String>;

fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, c: &Chart) -> DrawResult {
    root.fill(&WHITE).map_err(err)?;
    let root = root.titled(&c.title, (FONT, 22).into_font().style(FontStyle::Bold)).map_err(err)?;
    match &c.body {
        Body::Panels { x, range, panels } => {
            let n = panels.len();
            let areas = root.split_evenly((n, 1));
            for (i, (area, p)) in areas.iter().zip(panels).enumerate() {
                draw_panel(area, x, *range, p, i + 1 == n)?;
            }
            Ok(())
        }
        Body::Heat(h) => draw_heat(&root, h),
    }
}

/// About ten round numbers (1, 2 or 5 × 10ⁿ apart) within a range.
fn nice_ticks(range: (f64, f64)) -> Vec<f64> {
    let span = range.1 - range.0;
    if !(span > 0.0 && span.is_finite()) {
        return vec![range.0];
    }
    let raw = span / 10.0;
    let mag = 10f64.p_powf(raw.p_log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * mag).find(|s| span / s <= 10.0).unwrap_or(10.0 * mag);
    let first = (range.0 / step).ceil() as i64;
    let last = (range.1 / step).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// The y ticks of a panel drawn up to `top` (its values reach `top / 1.32`, the rest is
/// headroom for the legend): round numbers over the values only, for a share never
/// above 100 %.
fn y_ticks(unit: YUnit, top: f64) -> Vec<f64> {
    match unit {
        YUnit::Percent => nice_ticks((0.0, (top / 1.32).clamp(0.05, 1.0))),
        YUnit::Number => nice_ticks((0.0, top / 1.32)),
    }
}

/// Key points of a time axis: the smallest step of a planner's clock that gives at most
/// 16 labels, so that a week still shows its noons; the step is returned too.
fn time_ticks(range: (f64, f64)) -> (Vec<f64>, f64) {
    let span = range.1 - range.0;
    let step = [900.0, 1800.0, 3600.0, 7200.0, 10800.0, 14400.0, 21600.0, 43200.0, DAY, 2.0 * DAY, 7.0 * DAY]
        .into_iter()
        .find(|s| span / s <= 16.0)
        .unwrap_or(7.0 * DAY);
    let first = (range.0 / step).ceil() as i64;
    // No tick at the very end: its label would be cut by the edge.
    let last = ((range.1 / step).ceil() as i64 - 1).max(first);
    ((first..=last).map(|k| k as f64 * step).collect(), step)
}

/// The label of a time tick at `t` seconds: within one day the clock; over several days
/// the weekday at midnight (with the day's number past a week) and the clock between.
fn time_label(t: f64, start_day: Weekday, span: f64) -> String {
    let clock = format_clock(t.rem_euclid(DAY));
    if span <= DAY {
        return clock;
    }
    let at_midnight = t.rem_euclid(DAY) < 1.0;
    if !at_midnight {
        return clock;
    }
    let when = format_when(t, start_day);
    let day = when.split(' ').next().unwrap_or("").to_string();
    if span > 7.0 * DAY { format!("{day} d{}", (t / DAY).floor() as i64 + 1) } else { day }
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    x: &XAxis,
    range: (f64, f64),
    p: &Panel,
    bottom: bool,
) -> DrawResult {
    // y range: from 0 to the largest value (band, line, target), with headroom for the
    // legend above the data.
    let mut top = p.hline.as_ref().map_or(0.0, |h| h.0);
    for s in &p.series {
        for q in &s.points {
            for v in [q.y, q.hi] {
                if v.is_finite() {
                    top = f64::max(top, v);
                }
            }
        }
    }
    let top = if top > 0.0 { top * 1.32 } else { 1.0 };
    let top = if p.unit == YUnit::Percent { top.min(1.32) } else { top };
    let keys = match x {
        XAxis::Time { .. } => time_ticks(range).0,
        XAxis::Categories(_, labels) => (0..labels.len()).map(|i| i as f64).collect(),
        XAxis::Number(_) => nice_ticks(range),
        XAxis::Points(_, points) => points.iter().map(|p| p.0).collect(),
    };
    let x_range = range.0..range.1;
    // Round y ticks over the values only: the headroom holds the legend, and a share
    // gets no tick above 100 %.
    let y_keys = y_ticks(p.unit, top);
    let mut chart = ChartBuilder::on(area)
        .margin(12)
        .x_label_area_size(if bottom { 48 } else { 30 })
        .y_label_area_size(78)
        .build_cartesian_2d(ticks(x_range, keys), ticks(0.0..top, y_keys))
        .map_err(err)?;
    let x_fmt = |v: &f64| -> String {
        match x {
            XAxis::Time { start_day } => time_label(*v, *start_day, range.1 - range.0),
            XAxis::Categories(_, labels) => labels.get(v.round() as usize).cloned().unwrap_or_default(),
            XAxis::Number(_) => {
                if (v - v.round()).abs() < 1e-9 {
                    format!("{v:.0}")
                } else {
                    format!("{v:.1}")
                }
            }
            XAxis::Points(_, points) => points.iter().find(|p| p.0 == *v).map_or(String::new(), |p| p.1.clone()),
        }
    };
    let y_fmt = |v: &f64| -> String {
        match p.unit {
            YUnit::Percent => format!("{:.0} %", 100.0 * v),
            YUnit::Number if top >= 20.0 || *v == v.round() => format!("{v:.0}"),
            YUnit::Number => format!("{v:.1}"),
        }
    };
    let x_desc = match x {
        XAxis::Time { .. } => "interval start".to_string(),
        XAxis::Number(d) | XAxis::Categories(d, _) | XAxis::Points(d, _) => d.clone(),
    };
    let mut mesh = chart.configure_mesh();
    mesh.y_desc(p.y_desc.as_str())
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 15))
        .light_line_style(RGBColor(235, 235, 235));
    if bottom {
        mesh.x_desc(x_desc.as_str());
    }
    mesh.draw().map_err(err)?;
    // Closed stretches: greyed beneath the data, one legend entry.
    let mut legend = Legend::default();
    if !p.closed.is_empty() {
        chart
            .draw_series(
                p.closed
                    .iter()
                    .map(|&(a, b)| Rectangle::new([(a.max(range.0), 0.0), (b.min(range.1), top)], CLOSED.filled())),
            )
            .map_err(err)?;
        legend.add("closed (no target)", Mark::Swatch(CLOSED));
    }

    for s in &p.series {
        let color = s.color;
        match s.style {
            Style::Band => {
                for seg in segments(&s.points) {
                    let mut poly: Vec<(f64, f64)> = seg.iter().map(|q| (q.x, q.hi.min(top))).collect();
                    poly.extend(seg.iter().rev().map(|q| (q.x, q.lo.max(0.0))));
                    chart.draw_series(std::iter::once(Polygon::new(poly, color.mix(0.18).filled()))).map_err(err)?;
                }
                draw_lines(&mut chart, s, ShapeStyle::from(&color).stroke_width(2))?;
                if s.points.iter().any(|q| q.y.is_finite()) {
                    legend.add(&s.label, Mark::Line(color));
                }
            }
            Style::Line => {
                draw_lines(&mut chart, s, ShapeStyle::from(&color).stroke_width(2))?;
                if s.points.iter().any(|q| q.y.is_finite()) {
                    legend.add(&s.label, Mark::Line(color));
                }
            }
            Style::Dashed => {
                let mut first = true;
                for seg in segments(&s.points) {
                    let line = DashedLineSeries::new(
                        seg.iter().map(|q| (q.x, q.y)),
                        8,
                        5,
                        ShapeStyle::from(&color).stroke_width(2),
                    );
                    chart.draw_series(line).map_err(err)?;
                    if std::mem::take(&mut first) {
                        legend.add(&s.label, Mark::Dashed(color));
                    }
                }
            }
            Style::Step(w) => {
                let mut path = Vec::new();
                for q in s.points.iter().filter(|q| q.y.is_finite()) {
                    path.push((q.x, q.y));
                    path.push((q.x + w, q.y));
                }
                chart.draw_series(LineSeries::new(path, ShapeStyle::from(&color).stroke_width(2))).map_err(err)?;
                legend.add(&s.label, Mark::Line(color));
            }
            Style::ErrorBars => {
                draw_lines(&mut chart, s, ShapeStyle::from(&color.mix(0.5)).stroke_width(1))?;
                if s.points.iter().any(|q| q.y.is_finite()) {
                    legend.add(&s.label, Mark::Line(color));
                }
                chart
                    .draw_series(s.points.iter().filter(|q| q.y.is_finite()).map(|q| {
                        let (lo, hi) = if q.lo.is_finite() { (q.lo, q.hi) } else { (q.y, q.y) };
                        ErrorBar::new_vertical(q.x, lo, q.y, hi, ShapeStyle::from(&color).filled().stroke_width(2), 10)
                    }))
                    .map_err(err)?;
            }
        }
    }
    if let Some((y, label)) = &p.hline {
        let line =
            DashedLineSeries::new(vec![(range.0, *y), (range.1, *y)], 10, 6, ShapeStyle::from(&GREY).stroke_width(2));
        chart.draw_series(line).map_err(err)?;
        legend.add(label, Mark::Dashed(GREY));
    }
    if let Some((xv, label)) = &p.vline {
        let line = DashedLineSeries::new(vec![(*xv, 0.0), (*xv, top)], 10, 6, ShapeStyle::from(&GREY).stroke_width(2));
        chart.draw_series(line).map_err(err)?;
        legend.add(label, Mark::Dashed(GREY));
    }
    if !p.marks.is_empty() {
        chart.draw_series(p.marks.iter().map(|&(x, y)| TriangleMarker::new((x, y), 5, RED.filled()))).map_err(err)?;
        legend.add("interval below target", Mark::Triangle(RED));
    }
    legend.draw(&chart.plotting_area().strip_coord_spec(), FONT)
}

/// Contiguous runs of defined points (a gap where a value is undefined).
fn segments(points: &[Point]) -> Vec<&[Point]> {
    points.split(|q| !q.y.is_finite()).filter(|s| !s.is_empty()).collect()
}

fn draw_lines<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<Ticks, Ticks>>,
    s: &Series,
    style: ShapeStyle,
) -> DrawResult {
    for seg in segments(&s.points) {
        chart.draw_series(LineSeries::new(seg.iter().map(|q| (q.x, q.y)), style)).map_err(err)?;
    }
    Ok(())
}

/// The colour of a service level in the heat map: red far below target, through orange
/// and yellow to the target, then light to dark green up to 100 %.
fn heat_color(v: f64, target: f64) -> RGBColor {
    fn mix(a: (f64, f64, f64), b: (f64, f64, f64), t: f64) -> RGBColor {
        let t = t.clamp(0.0, 1.0);
        let c = |x: f64, y: f64| (x + (y - x) * t).round() as u8;
        RGBColor(c(a.0, b.0), c(a.1, b.1), c(a.2, b.2))
    }
    const DEEP_RED: (f64, f64, f64) = (165.0, 0.0, 38.0);
    const YELLOW: (f64, f64, f64) = (254.0, 224.0, 139.0);
    const LIGHT_GREEN: (f64, f64, f64) = (166.0, 217.0, 106.0);
    const GREEN: (f64, f64, f64) = (26.0, 120.0, 60.0);
    if !v.is_finite() {
        return RGBColor(238, 238, 238);
    }
    if v < target {
        let floor = (target - 0.4).max(0.0);
        mix(DEEP_RED, YELLOW, (v - floor) / (target - floor))
    } else if target < 1.0 {
        mix(LIGHT_GREEN, GREEN, (v - target) / (1.0 - target))
    } else {
        RGBColor(GREEN.0 as u8, GREEN.1 as u8, GREEN.2 as u8)
    }
}

fn draw_heat<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, h: &Heat) -> DrawResult {
    let (main, legend) = root.split_horizontally(root.dim_in_pixel().0 - 170);
    let days = h.cells.len();
    let per_day = h.cells.first().map_or(0, Vec::len);
    let hours = per_day as f64 * h.interval_s / 3600.0;
    let day_keys: Vec<f64> = (0..days).map(|d| d as f64 + 0.5).collect();
    let hour_keys: Vec<f64> = (0..=hours as usize).step_by(2).map(|x| x as f64).collect();
    let mut chart = ChartBuilder::on(&main)
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(60)
        .build_cartesian_2d(ticks(0.0..hours, hour_keys), ticks(0.0..days as f64, day_keys))
        .map_err(err)?;
    let names = &h.day_names;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc("time of day")
        .y_desc("day")
        .x_label_formatter(&|x: &f64| format_clock(x * 3600.0))
        .y_label_formatter(&|y: &f64| {
            // Rows run top to bottom from the first day.
            let d = days as f64 - y - 0.5;
            names.get(d.round() as usize).cloned().unwrap_or_default()
        })
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 15))
        .draw()
        .map_err(err)?;
    let step_h = h.interval_s / 3600.0;
    chart
        .draw_series(h.cells.iter().enumerate().flat_map(|(d, row)| {
            let y = (days - d - 1) as f64;
            row.iter().enumerate().map(move |(i, &v)| {
                let x = i as f64 * step_h;
                Rectangle::new([(x, y), (x + step_h, y + 1.0)], heat_color(v, h.target).filled())
            })
        }))
        .map_err(err)?;
    // Grid lines between days.
    chart
        .draw_series(
            (1..days).map(|d| PathElement::new(vec![(0.0, d as f64), (hours, d as f64)], WHITE.stroke_width(2))),
        )
        .map_err(err)?;

    // The colour key.
    let legend = legend.margin(40, 60, 10, 20);
    let bar_h = legend.dim_in_pixel().1.saturating_sub(70) as i32;
    let stops = 40;
    legend.draw(&Text::new("service level", (0, 0), (FONT, 15).into_font())).map_err(err)?;
    for k in 0..stops {
        let v = 1.0 - k as f64 / stops as f64;
        let y0 = 24 + k * bar_h / stops;
        let y1 = 24 + (k + 1) * bar_h / stops;
        legend.draw(&Rectangle::new([(0, y0), (28, y1)], heat_color(v, h.target).filled())).map_err(err)?;
    }
    let label_at = |v: f64| 24 + ((1.0 - v) * f64::from(bar_h)) as i32;
    for (v, text) in [
        (1.0, "100 %".to_string()),
        (h.target, format!("{:.0} % target", 100.0 * h.target)),
        ((h.target - 0.4).max(0.0), format!("≤ {:.0} %", 100.0 * (h.target - 0.4).max(0.0))),
    ] {
        let y = label_at(v);
        legend.draw(&PathElement::new(vec![(28, y), (36, y)], BLACK.stroke_width(1))).map_err(err)?;
        legend.draw(&Text::new(text, (40, y - 7), (FONT, 13).into_font())).map_err(err)?;
    }
    let y = 24 + bar_h + 16;
    legend.draw(&Rectangle::new([(0, y), (28, y + 14)], heat_color(f64::NAN, h.target).filled())).map_err(err)?;
    legend.draw(&Text::new("closed or no contacts", (40, y), (FONT, 13).into_font())).map_err(err)?;
    Ok(())
}

/// Writes every chart of `charts` into `dir` (created if needed) in each of `formats`;
/// returns the paths.
///
/// # Errors
///
/// As [`Chart::write`]; [`Error::Io`] when the folder cannot be created.
pub fn write_all(charts: &[Chart], dir: &Path, formats: &[ImageFormat]) -> Result<Vec<PathBuf>, Error> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Io { path: dir.display().to_string(), source })?;
    let mut paths = Vec::new();
    for c in charts {
        for &f in formats {
            paths.push(c.write(dir, f)?);
        }
    }
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A share axis has no tick above 100 % however high it is drawn, and its ticks reach
    /// the values; a week's time axis shows noons, labelled by the clock, and midnights
    /// by the weekday.
    #[test]
    fn axes_read_as_a_planner_expects() {
        for top in [0.3, 0.9, 1.0, 1.2, 1.32] {
            let keys = y_ticks(YUnit::Percent, top);
            assert!(keys.iter().all(|&k| k <= 1.0 + 1e-12), "top {top}: {keys:?}");
            assert!(keys.last().is_some_and(|&k| k >= 0.8 * (top / 1.32).min(1.0)), "top {top}: {keys:?}");
        }
        let (keys, step) = time_ticks((0.0, 7.0 * DAY));
        assert_eq!(step, DAY / 2.0);
        assert_eq!(keys.len(), 14);
        let labels: Vec<String> = keys.iter().map(|&t| time_label(t, Weekday(0), 7.0 * DAY)).collect();
        assert_eq!(&labels[..3], ["Mon", "12:00", "Tue"]);
        assert_eq!(time_label(9.0 * DAY, Weekday(0), 14.0 * DAY), "Wed d10");
        assert_eq!(time_label(3600.0 * 9.5, Weekday(0), DAY), "09:30");
    }
}
