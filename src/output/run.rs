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
        let r = self;
        let start_day = r.start_day;
        let clock = |t: f64| -> [String; 2] {
            let w = format_when(t, start_day);
            let (d, c) = w.split_once(' ').unwrap_or((&w, ""));
            [d.to_string(), c.to_string()]
        };
        out.row(&["scope", "name", "start_s", "kpi", "mean", "ci95", "day", "time"])?;
        let none = || [String::new(), String::new()];
        let mut row = |scope: &str, name: &str, start: String, kpi: &str, e: &Estimate, when: [String; 2]| {
            let [mean, ci] = rounded(e);
            out.row(&[scope, name, &start, kpi, &mean, &ci, &when[0], &when[1]])
        };
        for c in &r.channels {
            for (k, e) in &c.kpis {
                row("channel", &c.name, String::new(), k.name(), e, none())?;
            }
            for t in &c.types {
                for (k, e) in &t.kpis {
                    row("type", &format!("{}/{}", c.name, t.name), String::new(), k.name(), e, none())?;
                }
            }
        }
        for g in &r.groups {
            for (k, e) in &g.kpis {
                row("group", &g.name, String::new(), k.name(), e, none())?;
            }
            for (c, e) in &g.handled {
                row("handled", &g.name, String::new(), c, e, none())?;
            }
        }
        for i in &r.intervals {
            for (k, e) in &i.kpis {
                row("interval", &i.channel, exact(i.start_s), k.name(), e, clock(i.start_s))?;
            }
        }
        for i in &r.group_intervals {
            for (k, e) in &i.kpis {
                row("group_interval", &i.group, exact(i.start_s), k.name(), e, clock(i.start_s))?;
            }
        }
        for b in &r.backlog {
            for (d, e) in b.days.iter().enumerate() {
                let [day, _] = clock(d as f64 * DAY);
                row("backlog", &b.channel, (d + 1).to_string(), "waiting_end_of_day", e, [day, String::new()])?;
            }
        }
        for c in &r.channels {
            for p in &c.wait_above {
                row("wait_above", &c.name, exact(p.t_s), "wait_above", &p.share, none())?;
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
                row(scope, &of.name(), String::new(), k.name(), e, none())?;
            }
        }
        for w in &r.windows {
            let when = [w.days.clone(), w.clock.clone()];
            for (name, kpis) in &w.channels {
                for (k, e) in kpis {
                    row("window", name, exact(w.start_s), k.name(), e, when.clone())?;
                }
            }
            for (name, kpis) in &w.groups {
                for (k, e) in kpis {
                    row("group_window", name, exact(w.start_s), k.name(), e, when.clone())?;
                }
            }
        }
        for g in &r.segments {
            for (c, kpis) in &g.channels {
                for (k, e) in kpis {
                    row("segment", &format!("{}/{c}", g.name), String::new(), k.name(), e, none())?;
                }
            }
        }
        Ok(())
    }

    #[cfg(feature = "xlsx")]
    fn workbook(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut wb = super::xlsx::build(self).map_err(io::Error::other)?;
        let bytes = wb.save_to_buffer().map_err(io::Error::other)?;
        out.write_all(&bytes)
    }
}
