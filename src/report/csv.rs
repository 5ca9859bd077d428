//! CSV output: one tidy table, a row per value.
//!
//! Columns: `scope` (`channel`, `type`, `interval`, `group`, `group_interval`, `handled`,
//! `backlog`), `name` (channel, `channel/type` or group), `start_s` (interval start, or day number for
//! backlog; empty for totals), `kpi`, `mean`, `ci95` (empty when undefined).

use super::{Exporter, Report};
use crate::stats::summary::Estimate;
use std::io::{self, Write};

/// One tidy CSV table (see the module documentation).
pub struct Csv;

fn cell(x: f64) -> String {
    if x.is_finite() { format!("{x}") } else { String::new() }
}

impl Exporter for Csv {
    fn write(&self, r: &Report, out: &mut dyn Write) -> io::Result<()> {
        let mut w = ::csv::Writer::from_writer(out);
        w.write_record(["scope", "name", "start_s", "kpi", "mean", "ci95"]).map_err(super::csv_error)?;
        let mut row = |scope: &str, name: &str, start: String, kpi: &str, e: &Estimate| -> io::Result<()> {
            w.write_record([scope, name, &start, kpi, &cell(e.mean), &cell(e.ci95)]).map_err(super::csv_error)
        };
        for c in &r.channels {
            for (k, e) in &c.kpis {
                row("channel", &c.name, String::new(), k.name(), e)?;
            }
            for t in &c.types {
                for (k, e) in &t.kpis {
                    row("type", &format!("{}/{}", c.name, t.name), String::new(), k.name(), e)?;
                }
            }
        }
        for g in &r.groups {
            for (k, e) in &g.kpis {
                row("group", &g.name, String::new(), k.name(), e)?;
            }
            for (c, e) in &g.handled {
                row("handled", &g.name, String::new(), c, e)?;
            }
        }
        for i in &r.intervals {
            for (k, e) in &i.kpis {
                row("interval", &i.channel, cell(i.start_s), k.name(), e)?;
            }
        }
        for i in &r.group_intervals {
            for (k, e) in &i.kpis {
                row("group_interval", &i.group, cell(i.start_s), k.name(), e)?;
            }
        }
        for b in &r.backlog {
            for (d, e) in b.days.iter().enumerate() {
                row("backlog", &b.channel, (d + 1).to_string(), "waiting_end_of_day", e)?;
            }
        }
        w.flush()
    }
}
