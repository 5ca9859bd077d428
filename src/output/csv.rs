//! CSV output: a document's tidy table ([`super::Document::rows`]), one row per value,
//! with numbers rounded to what their interval supports.
//!
//! A run's columns: `scope` (`channel`, `type`, `interval`, `group`, `group_interval`, `handled`,
//! `backlog`, `wait_above`, `issues`, `channel_issues`, `type_issues`, `segment_issues`,
//! `segment`), `name` (channel, `channel/type`, group, segment, `segment/channel`, or
//! `all` for every issue), `start_s` (interval
//! start, day number for backlog, t in seconds for the wait distribution; empty for
//! totals), `kpi`, `mean`, `ci95` (empty when undefined), then `day` and `time` (the
//! interval's weekday and clock, `Mon` and `09:30`; the weekday alone for backlog).
//! Values are rounded to what their interval supports (`docs/kpis.md` §10); JSON has them
//! raw.

use super::{Document, Rows};
use crate::base::portable::Portable;
use crate::stats::summary::Estimate;
use std::io::{self, Write};

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
pub(crate) fn exact(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let decimals = (9 - x.abs().p_log10().floor() as i32).clamp(0, 17);
    let s = format!("{x:.*}", decimals as usize);
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
}

/// Mean and half-width rounded to what the interval supports: the half-width to two
/// significant digits, the mean to the same decimal place. Without a positive half-width
/// (one replication, or no variation) both are given to ten significant digits.
pub(crate) fn rounded(e: &Estimate) -> [String; 2] {
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
    let decimals = 1 - e.ci95.p_log10().floor() as i32;
    [fixed(e.mean, decimals), fixed(e.ci95, decimals)]
}

/// A CSV writer as the sink of a document's rows.
struct CsvRows<W: Write>(::csv::Writer<W>);

impl<W: Write> Rows for CsvRows<W> {
    fn row(&mut self, cells: &[&str]) -> io::Result<()> {
        self.0.write_record(cells).map_err(crate::base::csv_io_error)
    }
}

/// Writes `doc`'s tidy table as CSV.
pub(super) fn write<D: Document + ?Sized>(doc: &D, out: &mut dyn Write) -> io::Result<()> {
    let mut rows = CsvRows(::csv::Writer::from_writer(out));
    doc.rows(&mut rows)?;
    rows.0.flush()
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
