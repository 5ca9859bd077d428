//! A run's report in every format: its tables (`text.rs`), its tidy rows, its workbook.

use super::csv::{exact, rounded};
use super::{Document, Markup, Rows};
use crate::base::time::{DAY, format_when};
use crate::report::{IssueOf, Report};
use crate::stats::summary::Estimate;
use std::io::{self, Write};

impl Document for Report {
    fn tables(&self, markup: &dyn Markup, out: &mut dyn Write) -> io::Result<()> {
        super::text::render(markup, self, out)
    }

    /// Columns `scope,name,start_s,kpi,mean,ci95,day,time` (see `csv.rs`).
    fn rows(&self, out: &mut dyn Rows) -> io::Result<()> {
        out.row(&["scope", "name", "start_s", "kpi", "mean", "ci95", "day", "time"])?;
        walk(self, true, &mut |v| {
            let [mean, ci] = rounded(v.estimate);
            out.row(&[v.scope, &v.name, &v.start, v.kpi, &mean, &ci, &v.when[0], &v.when[1]])
        })
    }

    #[cfg(feature = "xlsx")]
    fn workbook(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut wb = super::xlsx::build(self).map_err(io::Error::other)?;
        let bytes = wb.save_to_buffer().map_err(io::Error::other)?;
        out.write_all(&bytes)
    }
}

/// One value of a report, as a tidy row describes it.
pub(super) struct Value<'a> {
    /// `channel`, `type`, `interval`, `window`, … (see `csv.rs`).
    pub scope: &'static str,
    /// The channel, group, `channel/type`, segment, … it belongs to.
    pub name: String,
    /// Interval or window start (s), day number for backlog, t for the wait distribution;
    /// empty for totals.
    pub start: String,
    /// The KPI's name.
    pub kpi: &'a str,
    /// Its estimate.
    pub estimate: &'a Estimate,
    /// Day and time (an interval's weekday and clock; a window's days and clock).
    pub when: [String; 2],
}

/// Every value of `r`, in the order of the run's CSV; `per_interval`: with the
/// per-interval scopes (intervals, group intervals, backlog, wait distribution).
pub(super) fn walk(r: &Report, per_interval: bool, each: &mut dyn FnMut(Value) -> io::Result<()>) -> io::Result<()> {
    let start_day = r.start_day;
    let clock = |t: f64| -> [String; 2] {
        let w = format_when(t, start_day);
        let (d, c) = w.split_once(' ').unwrap_or((&w, ""));
        [d.to_string(), c.to_string()]
    };
    let none = || [String::new(), String::new()];
    let mut row = |scope: &'static str, name: String, start: String, kpi: &str, e: &Estimate, when: [String; 2]| {
        each(Value { scope, name, start, kpi, estimate: e, when })
    };
    for c in &r.channels {
        for (k, e) in &c.kpis {
            row("channel", c.name.clone(), String::new(), k.name(), e, none())?;
        }
        for t in &c.types {
            for (k, e) in &t.kpis {
                row("type", format!("{}/{}", c.name, t.name), String::new(), k.name(), e, none())?;
            }
        }
    }
    for g in &r.groups {
        for (k, e) in &g.kpis {
            row("group", g.name.clone(), String::new(), k.name(), e, none())?;
        }
        for (c, e) in &g.handled {
            row("handled", g.name.clone(), String::new(), c, e, none())?;
        }
    }
    if per_interval {
        for i in &r.intervals {
            for (k, e) in &i.kpis {
                row("interval", i.channel.clone(), exact(i.start_s), k.name(), e, clock(i.start_s))?;
            }
        }
        for i in &r.group_intervals {
            for (k, e) in &i.kpis {
                row("group_interval", i.group.clone(), exact(i.start_s), k.name(), e, clock(i.start_s))?;
            }
        }
        for b in &r.backlog {
            for (d, e) in b.days.iter().enumerate() {
                let [day, _] = clock(d as f64 * DAY);
                row("backlog", b.channel.clone(), (d + 1).to_string(), "waiting_end_of_day", e, [day, String::new()])?;
            }
        }
        for c in &r.channels {
            for p in &c.wait_above {
                row("wait_above", c.name.clone(), exact(p.t_s), "wait_above", &p.share, none())?;
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
            row(scope, of.name(), String::new(), k.name(), e, none())?;
        }
    }
    for w in &r.windows {
        let when = [w.days.clone(), w.clock.clone()];
        for (name, kpis) in &w.channels {
            for (k, e) in kpis {
                row("window", name.clone(), exact(w.start_s), k.name(), e, when.clone())?;
            }
        }
        for (name, kpis) in &w.groups {
            for (k, e) in kpis {
                row("group_window", name.clone(), exact(w.start_s), k.name(), e, when.clone())?;
            }
        }
    }
    for g in &r.segments {
        for (c, kpis) in &g.channels {
            for (k, e) in kpis {
                row("segment", format!("{}/{c}", g.name), String::new(), k.name(), e, none())?;
            }
        }
    }
    Ok(())
}
