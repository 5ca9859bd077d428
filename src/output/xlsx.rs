//! The Excel workbook (`--format xlsx`, feature `xlsx`, written with rust_xlsxwriter).
//!
//! One sheet per scope — `Channels`, `Contact types`, `Issues`, `Segments` (with
//! `[[segment]]`), `Agent groups`, `Intervals`, `Group intervals`, `Backlog`, `Wait
//! distribution` — plus `About`. Every value is a
//! number cell with the format of its unit: shares as percentages (the cell holds the
//! fraction), durations as `[h]:mm:ss` (the cell holds days, as Excel counts time), counts,
//! hours and money as numbers; each KPI has its mean and its 95 % half-width (`±`) in
//! adjacent columns, raw, unrounded. Interval starts are real date-time cells: time 0 is
//! 00:00 on a nominal date with the run's first weekday (the week of Monday 1 January
//! 2024), shown as `Mon 09:30`. The header row of every sheet is frozen.

use crate::report::Report;
use crate::scenario::DAY;
use crate::scenario::Weekday;
use crate::stats::kpi::{ChannelKpi, GroupIntervalKpi, GroupKpi, Unit};
use crate::stats::summary::Estimate;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

/// Excel's serial day number of Monday 1 January 2024 (days since 1899-12-30).
const MONDAY_2024_01_01: f64 = 45292.0;

/// The Excel serial date-time of time `t` (s) of a run starting on `start_day`.
pub fn serial(t: f64, start_day: Weekday) -> f64 {
    MONDAY_2024_01_01 + f64::from(start_day.0) + t / DAY
}

struct Formats {
    head: Format,
    share: Format,
    duration: Format,
    number: Format,
    money: Format,
    when: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            head: Format::new().set_bold(),
            share: Format::new().set_num_format("0.0%"),
            duration: Format::new().set_num_format("[h]:mm:ss"),
            number: Format::new().set_num_format("0.0"),
            money: Format::new().set_num_format("#,##0"),
            when: Format::new().set_num_format("ddd hh:mm"),
        }
    }

    /// The cell value and format of `x` in `unit` (durations in days).
    fn of(&self, x: f64, unit: Unit) -> (f64, &Format) {
        match unit {
            Unit::Share => (x, &self.share),
            Unit::Seconds => (x / DAY, &self.duration),
            Unit::Money => (x, &self.money),
            Unit::Count | Unit::Hours | Unit::Agents | Unit::Ratio => (x, &self.number),
        }
    }
}

/// A sheet being written row by row.
struct Sheet<'a> {
    ws: &'a mut Worksheet,
    f: &'a Formats,
    row: u32,
}

impl Sheet<'_> {
    fn header(&mut self, names: &[String]) -> Result<(), XlsxError> {
        for (c, n) in names.iter().enumerate() {
            self.ws.write_string_with_format(0, c as u16, n, &self.f.head)?;
            self.ws.set_column_width(c as u16, (n.chars().count() as f64 + 2.0).clamp(9.0, 40.0))?;
        }
        self.ws.set_freeze_panes(1, 0)?;
        self.row = 1;
        Ok(())
    }

    fn text(&mut self, col: u16, s: &str) -> Result<(), XlsxError> {
        self.ws.write_string(self.row, col, s)?;
        Ok(())
    }

    fn number(&mut self, col: u16, x: f64, format: Option<&Format>) -> Result<(), XlsxError> {
        if x.is_finite() {
            match format {
                Some(f) => self.ws.write_number_with_format(self.row, col, x, f)?,
                None => self.ws.write_number(self.row, col, x)?,
            };
        }
        Ok(())
    }

    /// The mean and half-width of `e` in columns `col` and `col + 1`; blank when undefined.
    fn estimate(&mut self, col: u16, e: Option<Estimate>, unit: Unit) -> Result<(), XlsxError> {
        let Some(e) = e else { return Ok(()) };
        let f = self.f;
        let (m, fm) = f.of(e.mean, unit);
        self.number(col, m, Some(fm))?;
        let (h, fh) = f.of(e.ci95, unit);
        self.number(col + 1, h, Some(fh))
    }

    fn when(&mut self, col: u16, t: f64, start_day: Weekday) -> Result<(), XlsxError> {
        let f = self.f;
        self.number(col, serial(t, start_day), Some(&f.when))
    }

    fn next(&mut self) {
        self.row += 1;
    }
}

/// Header cells `label`, `label ±` for each KPI.
fn pairs<'a>(labels: impl Iterator<Item = &'a str>) -> Vec<String> {
    labels.flat_map(|l| [l.to_string(), format!("{l} ±")]).collect()
}

pub(super) fn build(r: &Report) -> Result<Workbook, XlsxError> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    // A fixed creation time (1 January 2024, the workbook's nominal week), not the clock:
    // the same run writes the same bytes.
    let created = ExcelDateTime::from_ymd(2024, 1, 1)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let channel_kpis: Vec<ChannelKpi> =
        ChannelKpi::ALL.iter().copied().filter(|&k| r.channels.iter().any(|c| c.get(k).is_some())).collect();
    channels_sheet(&mut wb, &f, r, &channel_kpis)?;
    if r.channels.iter().any(|c| !c.types.is_empty()) {
        types_sheet(&mut wb, &f, r)?;
    }
    issues_sheet(&mut wb, &f, r)?;
    if !r.segments.is_empty() {
        segments_sheet(&mut wb, &f, r)?;
    }
    groups_sheet(&mut wb, &f, r)?;
    if !r.windows.is_empty() {
        windows_sheet(&mut wb, &f, r, &channel_kpis)?;
    }
    intervals_sheet(&mut wb, &f, r, &channel_kpis)?;
    group_intervals_sheet(&mut wb, &f, r)?;
    if !r.backlog.is_empty() {
        backlog_sheet(&mut wb, &f, r)?;
    }
    wait_sheet(&mut wb, &f, r)?;
    about_sheet(&mut wb, &f, r)?;
    Ok(wb)
}

/// The "Channels" sheet.
fn channels_sheet(wb: &mut Workbook, f: &Formats, r: &Report, channel_kpis: &[ChannelKpi]) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name("Channels")?;
    let mut s = Sheet { ws, f, row: 0 };
    let mut head: Vec<String> =
        ["channel", "kind", "target", "threshold", "below target"].iter().map(|x| x.to_string()).collect();
    head.extend(pairs(channel_kpis.iter().map(|k| k.def().label)));
    s.header(&head)?;
    for c in &r.channels {
        s.text(0, &c.name)?;
        s.text(1, c.kind.name())?;
        s.number(2, c.target.share, Some(&f.share))?;
        s.number(3, c.target.within / DAY, Some(&f.duration))?;
        if let Some(sl) = c.get(ChannelKpi::ServiceLevel).filter(|e| e.mean.is_finite()) {
            s.ws.write_boolean(s.row, 4, sl.mean < c.target.share)?;
        }
        for (i, &k) in channel_kpis.iter().enumerate() {
            s.estimate(5 + 2 * i as u16, c.get(k), k.def().unit)?;
        }
        s.next();
    }
    Ok(())
}

/// The "Contact types" sheet.
fn types_sheet(wb: &mut Workbook, f: &Formats, r: &Report) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name("Contact types")?;
    let mut s = Sheet { ws, f, row: 0 };
    let kpis: Vec<ChannelKpi> = ChannelKpi::ALL.iter().copied().filter(|k| k.def().per_type).collect();
    let mut head: Vec<String> =
        ["channel", "type", "priority", "share of arrivals"].iter().map(|x| x.to_string()).collect();
    head.extend(pairs(kpis.iter().map(|k| k.def().label)));
    s.header(&head)?;
    for c in &r.channels {
        for t in &c.types {
            s.text(0, &c.name)?;
            s.text(1, &t.name)?;
            s.number(2, f64::from(t.priority), None)?;
            s.number(3, t.share, Some(&f.share))?;
            for (i, &k) in kpis.iter().enumerate() {
                s.estimate(4 + 2 * i as u16, t.get(k), k.def().unit)?;
            }
            s.next();
        }
    }
    Ok(())
}

/// The "Issues" sheet.
fn issues_sheet(wb: &mut Workbook, f: &Formats, r: &Report) -> Result<(), XlsxError> {
    use crate::stats::kpi::IssueKpi;
    let ws = wb.add_worksheet().set_name("Issues")?;
    let mut s = Sheet { ws, f, row: 0 };
    let mut head: Vec<String> = vec!["scope".into(), "name".into()];
    head.extend(pairs(IssueKpi::ALL.iter().map(|k| k.def().label)));
    s.header(&head)?;
    for (of, kpis) in r.issues.scopes() {
        let scope = match of {
            crate::report::IssueOf::All => "all",
            crate::report::IssueOf::Channel(_) => "channel",
            crate::report::IssueOf::Type(..) => "type",
            crate::report::IssueOf::Segment(_) => "segment",
        };
        s.text(0, scope)?;
        s.text(1, &of.name())?;
        for (i, &k) in IssueKpi::ALL.iter().enumerate() {
            s.estimate(2 + 2 * i as u16, kpis.get(k), k.def().unit)?;
        }
        s.next();
    }
    Ok(())
}

/// The "Segments" sheet.
fn segments_sheet(wb: &mut Workbook, f: &Formats, r: &Report) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name("Segments")?;
    let mut s = Sheet { ws, f, row: 0 };
    let kpis: Vec<ChannelKpi> = ChannelKpi::ALL.iter().copied().filter(|k| k.def().per_type).collect();
    let mut head: Vec<String> =
        ["segment", "channel", "share", "priority boost"].iter().map(|x| x.to_string()).collect();
    head.extend(pairs(kpis.iter().map(|k| k.def().label)));
    s.header(&head)?;
    for g in &r.segments {
        for (c, list) in &g.channels {
            s.text(0, &g.name)?;
            s.text(1, c)?;
            s.number(2, g.share, Some(&f.share))?;
            s.number(3, f64::from(g.priority_boost), None)?;
            for (i, &k) in kpis.iter().enumerate() {
                s.estimate(4 + 2 * i as u16, list.iter().find(|x| x.0 == k).map(|x| x.1), k.def().unit)?;
            }
            s.next();
        }
    }
    Ok(())
}

/// The "Agent groups" sheet.
fn groups_sheet(wb: &mut Workbook, f: &Formats, r: &Report) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name("Agent groups")?;
    let mut s = Sheet { ws, f, row: 0 };
    let mut head: Vec<String> = vec!["group".into(), "skills".into()];
    head.extend(pairs(GroupKpi::ALL.iter().map(|k| k.def().label)));
    s.header(&head)?;
    for g in &r.groups {
        s.text(0, &g.name)?;
        s.text(1, &g.skills.join(", "))?;
        for (i, &k) in GroupKpi::ALL.iter().enumerate() {
            s.estimate(2 + 2 * i as u16, g.get(k), k.def().unit)?;
        }
        s.next();
    }
    Ok(())
}

/// The "Windows" sheet: each reporting window's channel KPIs.
fn windows_sheet(wb: &mut Workbook, f: &Formats, r: &Report, channel_kpis: &[ChannelKpi]) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name("Windows")?;
    let mut s = Sheet { ws, f, row: 0 };
    let mut head: Vec<String> =
        ["window", "days", "clock", "intervals", "channel"].iter().map(|x| x.to_string()).collect();
    head.extend(pairs(channel_kpis.iter().map(|k| k.def().label)));
    s.header(&head)?;
    for w in &r.windows {
        for (name, kpis) in &w.channels {
            s.text(0, &w.name)?;
            s.text(1, &w.days)?;
            s.text(2, &w.clock)?;
            s.number(3, w.intervals as f64, None)?;
            s.text(4, name)?;
            for (i, &k) in channel_kpis.iter().enumerate() {
                s.estimate(5 + 2 * i as u16, kpis.get(k), k.def().unit)?;
            }
            s.next();
        }
    }
    Ok(())
}

/// The "Intervals" sheet.
fn intervals_sheet(wb: &mut Workbook, f: &Formats, r: &Report, channel_kpis: &[ChannelKpi]) -> Result<(), XlsxError> {
    let start_day = r.start_day;
    let ws = wb.add_worksheet().set_name("Intervals")?;
    let mut s = Sheet { ws, f, row: 0 };
    let mut head: Vec<String> =
        ["channel", "start", "start (s)", "below target"].iter().map(|x| x.to_string()).collect();
    head.extend(pairs(channel_kpis.iter().map(|k| k.def().label)));
    s.header(&head)?;
    s.ws.set_column_width(1, 12)?;
    for i in &r.intervals {
        s.text(0, &i.channel)?;
        s.when(1, i.start_s, start_day)?;
        s.number(2, i.start_s, None)?;
        let target = r.channel(&i.channel).map_or(f64::NAN, |c| c.target.share);
        if let Some(sl) = i.get(ChannelKpi::ServiceLevel).filter(|e| e.mean.is_finite()) {
            s.ws.write_boolean(s.row, 3, sl.mean < target)?;
        }
        for (n, &k) in channel_kpis.iter().enumerate() {
            s.estimate(4 + 2 * n as u16, i.get(k), k.def().unit)?;
        }
        s.next();
    }
    Ok(())
}

/// The "Group intervals" sheet.
fn group_intervals_sheet(wb: &mut Workbook, f: &Formats, r: &Report) -> Result<(), XlsxError> {
    let start_day = r.start_day;
    let ws = wb.add_worksheet().set_name("Group intervals")?;
    let mut s = Sheet { ws, f, row: 0 };
    let mut head: Vec<String> = ["group", "start", "start (s)"].iter().map(|x| x.to_string()).collect();
    head.extend(pairs(GroupIntervalKpi::ALL.iter().map(|k| k.def().label)));
    s.header(&head)?;
    s.ws.set_column_width(1, 12)?;
    for i in &r.group_intervals {
        s.text(0, &i.group)?;
        s.when(1, i.start_s, start_day)?;
        s.number(2, i.start_s, None)?;
        for (n, &k) in GroupIntervalKpi::ALL.iter().enumerate() {
            s.estimate(3 + 2 * n as u16, i.get(k), k.def().unit)?;
        }
        s.next();
    }
    Ok(())
}

/// The "Backlog" sheet.
fn backlog_sheet(wb: &mut Workbook, f: &Formats, r: &Report) -> Result<(), XlsxError> {
    let start_day = r.start_day;
    let ws = wb.add_worksheet().set_name("Backlog")?;
    let mut s = Sheet { ws, f, row: 0 };
    let head: Vec<String> = ["channel", "end of day", "waiting", "waiting ±"].iter().map(|x| x.to_string()).collect();
    s.header(&head)?;
    for b in &r.backlog {
        for (d, e) in b.days.iter().enumerate() {
            s.text(0, &b.channel)?;
            s.number(1, serial((d as f64 + 1.0) * DAY, start_day), Some(&f.when))?;
            s.estimate(2, Some(*e), Unit::Count)?;
            s.next();
        }
    }
    Ok(())
}

/// The "Wait distribution" sheet.
fn wait_sheet(wb: &mut Workbook, f: &Formats, r: &Report) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name("Wait distribution")?;
    let mut s = Sheet { ws, f, row: 0 };
    let head: Vec<String> =
        ["channel", "wait t", "answered waiting longer than t", "±"].iter().map(|x| x.to_string()).collect();
    s.header(&head)?;
    for c in &r.channels {
        for p in &c.wait_above {
            s.text(0, &c.name)?;
            s.number(1, p.t_s / DAY, Some(&f.duration))?;
            s.estimate(2, Some(p.share), Unit::Share)?;
            s.next();
        }
    }
    Ok(())
}

/// The "About" sheet.
fn about_sheet(wb: &mut Workbook, f: &Formats, r: &Report) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name("About")?;
    let mut s = Sheet { ws, f, row: 0 };
    s.header(&["field".into(), "value".into()])?;
    s.ws.set_column_width(1, 80)?;
    let rows: Vec<(&str, String)> = vec![
        ("scenario", r.scenario.clone()),
        ("description", r.description.clone().unwrap_or_default()),
        ("replications", r.replications.to_string()),
        ("seed", r.seed.to_string()),
        ("horizon", crate::base::time::format_duration(r.horizon_s)),
        ("interval", crate::base::time::format_duration(r.interval_s)),
        ("warm-up", crate::base::time::format_duration(r.warmup_s)),
        ("first day", r.start_day.name().to_string()),
        (
            "dates",
            "Interval starts are date-times in the week of Monday 1 January 2024, a nominal week with the run's weekdays.".into(),
        ),
        ("values", "Means over replications; ± is the half-width of the 95 % confidence interval (Student t).".into()),
    ];
    for (k, v) in rows {
        s.text(0, k)?;
        s.text(1, &v)?;
        s.next();
    }
    for (p, v) in &r.overrides {
        s.text(0, &format!("override {p}"))?;
        s.text(1, v)?;
        s.next();
    }
    Ok(())
}
