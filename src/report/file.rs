//! Reading a result file written by ccsim (`--format json`): one dispatch on its shape,
//! every error located in the file (line, column, field), and the times a result carries
//! checked before anything is drawn or allocated from them — a result file is input like
//! any other, and may have been edited by hand.

use super::run::Report;
use super::schedule::ScheduleReport;
use super::staffing::StaffingReport;
use super::sweep::SweepReport;
use crate::error::{Error, Problem, ScenarioError};
use crate::scenario::DAY;
use crate::scenario::limits::{MAX_HORIZON_DAYS, MAX_INTERVALS};
use std::path::Path;

/// A result file, by what it holds.
#[derive(Debug, Clone)]
pub enum ResultFile {
    /// A run's result (`ccsim run --format json`).
    Run(Box<Report>),
    /// A sweep's (`ccsim sweep --format json`, `ccsim merge`).
    Sweep(Box<SweepReport>),
    /// A staffing comparison's (`ccsim staff --format json`).
    Staffing(Box<StaffingReport>),
    /// A roster's (`ccsim schedule --format json`).
    Schedule(Box<ScheduleReport>),
}

/// What other ccsim documents are, for the message when one is given where a result is
/// expected.
fn other_document(doc: &serde_json::Value) -> Option<&'static str> {
    if doc.get("format").and_then(|f| f.as_str()).is_some_and(|f| f.starts_with("ccsim partial sweep")) {
        Some("a shard's part of a sweep; `ccsim merge` combines the parts into the sweep's result")
    } else if doc.get("a").is_some() && doc.get("b").is_some() && doc.get("values").is_some() {
        Some("a comparison of two runs (`ccsim compare --format json`)")
    } else {
        None
    }
}

fn problem(file: &str, line: Option<usize>, column: Option<usize>, field: Option<String>, message: String) -> Error {
    Error::File(ScenarioError { file: file.to_owned(), problems: vec![Problem { field, line, column, message }] })
}

/// `T` from `text`, a serde error located (line, column, and the field's path).
fn parse<T: serde::de::DeserializeOwned>(text: &str, file: &str, what: &str) -> Result<T, Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let field = (!(path.is_empty() || path == "." || path == "?")).then_some(path);
        let (line, column) = (inner.line(), inner.column());
        let message = format!("not {what}: {inner}");
        // serde_json appends " at line L column C"; the location is given once, in front.
        let message = match message.rfind(" at line ") {
            Some(i) => message[..i].to_owned(),
            None => message,
        };
        problem(file, (line > 0).then_some(line), (column > 0).then_some(column), field, message)
    })
}

impl ResultFile {
    /// Reads a result from `text` (`file` names it in messages).
    ///
    /// # Errors
    ///
    /// [`Error::File`], located: the text is not JSON, is another kind of ccsim document
    /// (a shard's part, a comparison), lacks a field or has one of the wrong type, or
    /// carries times outside what a run can have ([`Report::check`]).
    pub fn read(text: &str, file: &str) -> Result<ResultFile, Error> {
        let doc: serde_json::Value = parse(text, file, "JSON")?;
        if let Some(what) = other_document(&doc) {
            return Err(problem(file, None, None, None, format!("this is {what}, not a result")));
        }
        let checked = |r: &Report, at: String| {
            r.check().map_err(|(field, message)| problem(file, None, None, Some(format!("{at}{field}")), message))
        };
        if doc.get("variants").is_some() {
            let s: SweepReport = parse(text, file, "a sweep's result")?;
            for (i, v) in s.variants.iter().enumerate() {
                checked(&v.report, format!("variants[{i}].report."))?;
            }
            Ok(ResultFile::Sweep(Box::new(s)))
        } else if doc.get("plans").is_some() {
            let s: StaffingReport = parse(text, file, "a staffing result")?;
            if s.plans.is_empty() {
                return Err(problem(file, None, None, Some("plans".into()), "is empty: no plan to show".into()));
            }
            for (i, p) in s.plans.iter().enumerate() {
                checked(&p.report, format!("plans[{i}].report."))?;
                let n = (p.report.horizon_s / p.report.interval_s).ceil() as usize;
                if p.plan.len() > n || p.sipp.len() > n {
                    return Err(problem(
                        file,
                        None,
                        None,
                        Some(format!("plans[{i}].plan")),
                        format!("has more values than the horizon has intervals ({n})"),
                    ));
                }
            }
            Ok(ResultFile::Staffing(Box::new(s)))
        } else if doc.get("shifts").is_some() {
            let s: ScheduleReport = parse(text, file, "a schedule result")?;
            checked(&s.report, "report.".into())?;
            let n = (s.report.horizon_s / s.report.interval_s).ceil() as usize;
            if s.intervals.len() > n {
                return Err(problem(
                    file,
                    None,
                    None,
                    Some("intervals".into()),
                    format!("has more rows than the horizon has intervals ({n})"),
                ));
            }
            Ok(ResultFile::Schedule(Box::new(s)))
        } else {
            let r: Report = parse(text, file, "a run's result")?;
            checked(&r, String::new())?;
            Ok(ResultFile::Run(Box::new(r)))
        }
    }

    /// Reads the result file at `path`.
    ///
    /// # Errors
    ///
    /// As [`crate::error::text::read`] and [`ResultFile::read`].
    pub fn load(path: &Path) -> Result<ResultFile, Error> {
        let text = crate::error::text::read(path)?;
        ResultFile::read(&text, &path.display().to_string())
    }

    /// The run's result, or an error saying what the file is instead (`file` names it).
    ///
    /// # Errors
    ///
    /// [`Error::File`] when it is a sweep's or a staffing result.
    pub fn into_run(self, file: &str) -> Result<Report, Error> {
        let what = match self {
            ResultFile::Run(r) => return Ok(*r),
            ResultFile::Sweep(_) => {
                "a sweep's result (`ccsim sweep --format json`); its charts: `ccsim chart FILE --out DIR`"
            }
            ResultFile::Staffing(_) => {
                "a staffing result (`ccsim staff --format json`); its chart: `ccsim chart FILE --out DIR`"
            }
            ResultFile::Schedule(_) => {
                "a schedule result (`ccsim schedule --format json`); its chart: `ccsim chart FILE --out DIR`"
            }
        };
        Err(problem(
            file,
            None,
            None,
            None,
            format!("this is {what}; this command takes a run's result, as `ccsim run --format json` writes it"),
        ))
    }
}

/// A number as read, short however large or small.
fn num(x: f64) -> String {
    if x == 0.0 || (1e-3..1e9).contains(&x.abs()) { format!("{x}") } else { format!("{x:e}") }
}

impl Report {
    /// Checks the times a result carries against what a run can have, so that a result
    /// edited by hand cannot make a chart or report allocate without bound: the horizon
    /// (0, 400 days], an interval giving at most 200,000 intervals, a warm-up in
    /// [0, horizon), interval starts, opening windows, wait-distribution points and window
    /// starts finite within the horizon, at most one backlog value per day.
    ///
    /// # Errors
    ///
    /// The first field at fault (`horizon_s`, `intervals[3].start_s`, …) and what is allowed.
    pub fn check(&self) -> Result<(), (String, String)> {
        let h = self.horizon_s;
        if !(h.is_finite() && h > 0.0 && h <= MAX_HORIZON_DAYS * DAY) {
            return Err((
                "horizon_s".into(),
                format!(
                    "{} is not a horizon: more than 0 and at most {MAX_HORIZON_DAYS} days ({} s)",
                    num(h),
                    MAX_HORIZON_DAYS * DAY
                ),
            ));
        }
        let i = self.interval_s;
        if !(i.is_finite() && i > 0.0 && h / i <= MAX_INTERVALS as f64) {
            return Err((
                "interval_s".into(),
                format!(
                    "{} is not an interval of this horizon: more than 0 s, at most {MAX_INTERVALS} intervals over it",
                    num(i)
                ),
            ));
        }
        let w = self.warmup_s;
        if !(w.is_finite() && (0.0..h).contains(&w)) {
            return Err((
                "warmup_s".into(),
                format!("{} is not a warm-up: at least 0 s and less than the horizon ({h} s)", num(w)),
            ));
        }
        let within = |t: f64| t.is_finite() && (0.0..=h).contains(&t);
        let bad =
            |field: String, t: f64| Err((field, format!("{} is not a time within the horizon [0, {h}] s", num(t))));
        for (n, r) in self.intervals.iter().enumerate() {
            if !within(r.start_s) {
                return bad(format!("intervals[{n}].start_s"), r.start_s);
            }
        }
        for (n, r) in self.group_intervals.iter().enumerate() {
            if !within(r.start_s) {
                return bad(format!("group_intervals[{n}].start_s"), r.start_s);
            }
        }
        for c in &self.channels {
            for (n, &(a, b)) in c.open.iter().enumerate() {
                if !(within(a) && within(b) && a <= b) {
                    return Err((
                        format!("channels.{}.open_s[{n}]", c.name),
                        format!("[{}, {}] is not a window within the horizon [0, {h}] s", num(a), num(b)),
                    ));
                }
            }
            for (n, p) in c.wait_above.iter().enumerate() {
                if !(p.t_s.is_finite() && p.t_s >= 0.0 && p.t_s <= MAX_HORIZON_DAYS * DAY) {
                    return Err((
                        format!("channels.{}.wait_above[{n}].t_s", c.name),
                        format!("{} is not a wait in seconds", num(p.t_s)),
                    ));
                }
            }
        }
        let days = (h / DAY).ceil() as usize;
        for b in &self.backlog {
            if b.days.len() > days {
                return Err((
                    format!("backlog_end_of_day.{}", b.channel),
                    format!("has {} values; the horizon has {days} day(s)", b.days.len()),
                ));
            }
        }
        for (n, win) in self.windows.iter().enumerate() {
            if !within(win.start_s) {
                return bad(format!("windows[{n}].start_s"), win.start_s);
            }
        }
        Ok(())
    }
}
