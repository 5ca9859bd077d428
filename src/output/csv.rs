//! CSV output: one tidy table, a row per value.
//!
//! Columns: `scope` (`channel`, `type`, `interval`, `group`, `group_interval`, `handled`,
//! `backlog`, `wait_above`, `issues`, `channel_issues`, `type_issues`, `segment_issues`,
//! `segment`), `name` (channel, `channel/type`, group, segment, `segment/channel`, or
//! `all` for every issue), `start_s` (interval
//! start, day number for backlog, t in seconds for the wait distribution; empty for
//! totals), `kpi`, `mean`, `ci95` (empty when undefined), then `day` and `time` (the
//! interval's weekday and clock, `Mon` and `09:30`; the weekday alone for backlog).
//! Values are rounded to what their interval supports (`docs/kpis.md` §10); JSON has them
//! raw.

use super::Exporter;
use crate::base::time::format_when;
use crate::report::Report;
use crate::scenario::{DAY, Weekday};
use crate::stats::summary::Estimate;
use std::io::{self, Write};

/// One tidy CSV table (see the module documentation).
pub struct Csv;

/// `x` with `decimals` decimal places (a negative number rounds to tens, hundreds, …).
fn fixed(x: f64, decimals: i32) -> String {
    if decimals >= 0 {
        format!("{x:.*}", decimals as usize)
    } else {
        let unit = 10f64.powi(-decimals);
        format!("{:.0}", (x / unit).round() * unit)
    }
}

/// Ten significant digits, trailing zeros dropped: exact inputs and counts print as they
/// are (`1395.125`, `0.8`, `450`) without binary noise (`1395.1250000000002`).
fn exact(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let decimals = (9 - x.abs().log10().floor() as i32).clamp(0, 17);
    let s = format!("{x:.*}", decimals as usize);
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
}

/// Mean and half-width rounded to what the interval supports: the half-width to two
/// significant digits, the mean to the same decimal place. Without a positive half-width
/// (one replication, or no variation) both are given to ten significant digits.
pub(super) fn rounded(e: &Estimate) -> [String; 2] {
    if !e.mean.is_finite() {
        return [String::new(), String::new()];
    }
    // A half-width below a billionth of the mean is rounding noise of identical values.
    if !(e.ci95.is_finite() && e.ci95 > 1e-9 * e.mean.abs()) {
        let ci = if e.ci95.is_finite() {
            exact(if e.ci95 > 1e-9 * e.mean.abs() { e.ci95 } else { 0.0 })
        } else {
            String::new()
        };
        return [exact(e.mean), ci];
    }
    let decimals = 1 - e.ci95.log10().floor() as i32;
    [fixed(e.mean, decimals), fixed(e.ci95, decimals)]
}

impl Exporter for Csv {
    fn write(&self, r: &Report, out: &mut dyn Write) -> io::Result<()> {
        let start_day = Weekday::parse(r.start_day).unwrap_or(Weekday(0));
        let clock = |t: f64| -> [String; 2] {
            let w = format_when(t, start_day);
            let (d, c) = w.split_once(' ').unwrap_or((&w, ""));
            [d.to_string(), c.to_string()]
        };
        let mut w = ::csv::Writer::from_writer(out);
        w.write_record(["scope", "name", "start_s", "kpi", "mean", "ci95", "day", "time"])
            .map_err(crate::base::csv_io_error)?;
        let none = || [String::new(), String::new()];
        let mut row = |scope: &str, name: &str, start: String, kpi: &str, e: &Estimate, when: [String; 2]| {
            let [mean, ci] = rounded(e);
            w.write_record([scope, name, &start, kpi, &mean, &ci, &when[0], &when[1]])
                .map_err(crate::base::csv_io_error)
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
            for (t, e) in &c.wait_above {
                row("wait_above", &c.name, exact(*t), "wait_above", e, none())?;
            }
        }
        for x in &r.issues {
            let scope = match x.of {
                crate::report::IssueOf::All => "issues",
                crate::report::IssueOf::Channel(_) => "channel_issues",
                crate::report::IssueOf::Type(..) => "type_issues",
                crate::report::IssueOf::Segment(_) => "segment_issues",
            };
            for (k, e) in &x.kpis {
                row(scope, &x.of.name(), String::new(), k.name(), e, none())?;
            }
        }
        for g in &r.segments {
            for (c, kpis) in &g.channels {
                for (k, e) in kpis {
                    row("segment", &format!("{}/{c}", g.name), String::new(), k.name(), e, none())?;
                }
            }
        }
        w.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::rounded;
    use crate::stats::summary::Estimate;

    fn est(mean: f64, ci95: f64) -> [String; 2] {
        rounded(&Estimate { mean, ci95, n: 10, sd: f64::NAN })
    }

    #[test]
    fn rounding_follows_the_interval() {
        assert_eq!(est(1395.1250000000002, 12.34), ["1395", "12"]);
        assert_eq!(est(0.802_831_126_9, 0.004_765_6), ["0.8028", "0.0048"]);
        assert_eq!(est(17748.0, 240.99), ["17750", "240"]);
        assert_eq!(est(1395.1250000000002, 0.0), ["1395.125", "0"]);
        assert_eq!(est(1395.1250000000002, f64::NAN), ["1395.125", ""]);
        assert_eq!(est(f64::NAN, f64::NAN), ["", ""]);
        assert_eq!(est(-3.25, 0.5), ["-3.25", "0.50"]);
        assert_eq!(est(450.0, 0.0), ["450", "0"]);
        assert_eq!(est(1e-7, 0.0), ["0.0000001", "0"]);
        assert_eq!(est(1.0, 1.1e-16), ["1", "0"]);
    }
}
