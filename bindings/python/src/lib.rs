//! `ccsim._ccsim`: the ccsim library for Python. A thin face: every function parses its
//! arguments, calls the library and returns the library's own document as JSON text
//! (written by the same writer as `ccsim … --format json`), which the pure-Python layer
//! (`python/ccsim/__init__.py`) turns into objects. Long calls run with the interpreter
//! detached (other Python threads go on) on a worker thread, while the calling thread
//! passes progress to a Python callback and watches for Ctrl-C.

use ccsim::Error;
use ccsim::output::{Format, TableOptions};
use ccsim::plan::run::{RunOptions, run};
use ccsim::plan::staffing::groups_named;
use ccsim::plan::sweep::Study;
use ccsim::report::staffing::StaffingReport;
use ccsim::report::sweep::SweepReport;
use ccsim::report::{Report, ResultFile};
use ccsim::scenario::{Scenario, ServiceTarget};
use pyo3::exceptions::{PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

/// A located problem for `ccsim.Problem`: file, line, column, field, message.
type ProblemTuple = (String, Option<usize>, Option<usize>, Option<String>, String);

/// A library error as a Python exception: a scenario's or another file's problems as
/// `ccsim.ScenarioError` (a `ValueError` whose `problems` are located like the CLI's
/// lines), a bad argument as `ValueError`, a file that cannot be read as `OSError`.
fn py_err(py: Python<'_>, e: Error) -> PyErr {
    match &e {
        Error::Scenario(s) | Error::File(s) => {
            let problems: Vec<ProblemTuple> = s
                .problems
                .iter()
                .map(|p| (s.file.clone(), p.line, p.column, p.field.clone(), p.message.clone()))
                .collect();
            let class = py.import("ccsim").and_then(|m| m.getattr("ScenarioError"));
            match class.and_then(|c| c.call1((e.to_string(), problems))) {
                Ok(obj) => PyErr::from_value(obj),
                Err(err) => err,
            }
        }
        Error::Input(_) | Error::Parameter { .. } => PyValueError::new_err(e.to_string()),
        Error::Io { .. } => PyOSError::new_err(e.to_string()),
        _ => PyRuntimeError::new_err(e.to_string()),
    }
}

/// The document `doc` as the CLI's JSON.
fn json<D: ccsim::output::Document + ?Sized>(doc: &D) -> PyResult<String> {
    let mut out = Vec::new();
    Format::Json.write(doc, TableOptions::default(), &mut out).map_err(|e| PyOSError::new_err(e.to_string()))?;
    String::from_utf8(out).map_err(|e| PyRuntimeError::new_err(e.to_string()))
}

/// A scenario from a file (`path`) or text (named `file`), with overrides applied.
fn scenario(path: Option<&str>, text: Option<&str>, file: &str, set: &[(String, String)]) -> Result<Scenario, Error> {
    let base = match (path, text) {
        (Some(p), _) => Scenario::load(Path::new(p))?,
        (None, Some(t)) => Scenario::from_toml(t, file)?,
        (None, None) => return Err(Error::Input("a scenario needs a file or a text".into())),
    };
    if set.is_empty() {
        return Ok(base);
    }
    let pairs: Vec<(&str, &str)> = set.iter().map(|(p, v)| (p.as_str(), v.as_str())).collect();
    Ok(base.with_overrides(&pairs)?)
}

/// Where a scenario comes from, as Python passes it: `(path, text, file, overrides)`.
#[derive(FromPyObject)]
struct Source(Option<String>, Option<String>, String, Vec<(String, String)>);

impl Source {
    fn scenario(&self) -> Result<Scenario, Error> {
        scenario(self.0.as_deref(), self.1.as_deref(), &self.2, &self.3)
    }
}

/// Replications, seed and worker threads of a call (`None`: the scenario's, all cores).
#[derive(FromPyObject)]
struct Settings(Option<u32>, Option<u64>, Option<usize>);

impl Settings {
    fn options(&self) -> RunOptions {
        RunOptions { replications: self.0, seed: self.1, threads: self.2 }
    }
}

/// Runs `work` on a worker thread with the interpreter detached; the calling thread
/// hands each progress report `(done, total)` to `progress` and checks for Ctrl-C every
/// tenth of a second. On Ctrl-C (or an exception in `progress`) it raises at once and
/// asks the library to stop the work ([`ccsim::plan::Stop`]), which ends within one batch
/// of replications.
fn detached<T: Send + 'static>(
    py: Python<'_>,
    progress: Option<Py<PyAny>>,
    work: impl FnOnce(&(dyn Fn(usize, usize) + Sync)) -> Result<T, Error> + Send + 'static,
) -> PyResult<T> {
    enum Msg<T> {
        Progress(usize, usize),
        Done(Result<T, Error>),
    }
    /// Asks the work to stop when the call returns, whichever way (a no-op once done).
    struct StopOnReturn(ccsim::plan::Stop);
    impl Drop for StopOnReturn {
        fn drop(&mut self) {
            self.0.stop();
        }
    }
    let stop = ccsim::plan::Stop::new();
    let _guard = StopOnReturn(stop.clone());
    let (tx, rx) = mpsc::channel::<Msg<T>>();
    // Shared with the detached closure, which needs it `Sync`.
    let rx = std::sync::Mutex::new(rx);
    let done = tx.clone();
    std::thread::spawn(move || {
        let report = move |d: usize, t: usize| {
            let _ = tx.send(Msg::Progress(d, t));
        };
        let r = ccsim::plan::stoppable(&stop, || work(&report));
        let _ = done.send(Msg::Done(r));
    });
    loop {
        let msg = py.detach(|| match rx.lock() {
            Ok(r) => r.recv_timeout(Duration::from_millis(100)),
            Err(_) => Err(mpsc::RecvTimeoutError::Disconnected),
        });
        match msg {
            Ok(Msg::Done(r)) => return r.map_err(|e| py_err(py, e)),
            Ok(Msg::Progress(d, t)) => {
                if let Some(cb) = &progress {
                    cb.call1(py, (d, t))?;
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(PyRuntimeError::new_err("the simulation thread ended without a result"));
            }
        }
        // Ctrl-C (KeyboardInterrupt) or another signal's exception: raised at once.
        py.check_signals()?;
    }
}

/// What a notebook inspects of a scenario, as JSON: name, times (s), channels with kind
/// and target, groups with skills, replications and seed.
#[pyfunction]
fn inspect(py: Python<'_>, source: Source) -> PyResult<String> {
    let outline = source.scenario().and_then(|s| Ok(s.outline()?)).map_err(|e| py_err(py, e))?;
    serde_json::to_string(&outline).map_err(|e| PyRuntimeError::new_err(e.to_string()))
}

/// Runs a scenario: the run's document as JSON (what `ccsim run --format json` prints).
#[pyfunction]
fn run_scenario(py: Python<'_>, source: Source, settings: Settings, progress: Option<Py<PyAny>>) -> PyResult<String> {
    let report = detached(py, progress, move |_| {
        let results = run(source.scenario()?, &settings.options())?;
        Ok(Report::from(&results))
    })?;
    json(&report)
}

/// Sweeps a scenario over axes (`PATH=V1,V2,…`): the sweep's document as JSON.
#[pyfunction]
fn sweep(
    py: Python<'_>,
    source: Source,
    axes: Vec<String>,
    zip: bool,
    baseline: Option<usize>,
    settings: Settings,
    progress: Option<Py<PyAny>>,
) -> PyResult<String> {
    let report = detached(py, progress, move |report| {
        let opts = settings.options();
        let study = Study::new(opts.apply(source.scenario()?)?, &axes, zip, baseline)?;
        let results = ccsim::plan::with_threads(opts.threads, || study.run(report))?;
        Ok(SweepReport::new(&results))
    })?;
    json(&report)
}

/// A share given to a keyword (`max_abandon`, `max_occupancy`): from 0 to 1.
fn share(name: &str, v: Option<f64>) -> PyResult<Option<f64>> {
    match v {
        Some(m) if !(0.0..=1.0).contains(&m) => {
            Err(PyValueError::new_err(format!("{name}: a share from 0 to 1, got {m}")))
        }
        _ => Ok(v),
    }
}

/// Plans the staffing per interval of `groups` together (none: every group) for each
/// target (`80/20s`; none: each channel's own): the staffing document as JSON, and the
/// scenario text with the first plan.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn staff(
    py: Python<'_>,
    source: Source,
    targets: Vec<String>,
    groups: Vec<String>,
    max_abandon: Option<f64>,
    max_occupancy: Option<f64>,
    confidence: f64,
    settings: Settings,
    progress: Option<Py<PyAny>>,
) -> PyResult<(String, String)> {
    let targets: Vec<Option<ServiceTarget>> = if targets.is_empty() {
        vec![None]
    } else {
        targets
            .iter()
            .map(|t| ServiceTarget::parse(t).map(Some).map_err(|m| PyValueError::new_err(format!("targets: {m}"))))
            .collect::<PyResult<_>>()?
    };
    let (max_abandon, max_occupancy) = (share("max_abandon", max_abandon)?, share("max_occupancy", max_occupancy)?);
    let (doc, text) = detached(py, progress, move |report| {
        let opts = settings.options();
        let base = opts.apply(source.scenario()?)?;
        let g = groups_named(&base, &groups)?;
        let plans = ccsim::plan::staffing::compare(
            &base,
            &g,
            &targets,
            max_abandon,
            max_occupancy,
            confidence,
            opts.threads,
            report,
        )?;
        let text = plans[0].1.scenario.overridden_text()?;
        Ok((StaffingReport::new(&base, confidence, &plans), text))
    })?;
    Ok((json(&doc)?, text))
}

/// Rosters shifts for `groups` together (none: every group) from their `[[agents.rule]]`
/// entries, for `target` (none: each channel's own): the schedule document as JSON, and
/// the scenario text with the shifts.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn schedule(
    py: Python<'_>,
    source: Source,
    target: Option<String>,
    groups: Vec<String>,
    max_abandon: Option<f64>,
    max_occupancy: Option<f64>,
    confidence: f64,
    settings: Settings,
    progress: Option<Py<PyAny>>,
) -> PyResult<(String, String)> {
    let target = target
        .map(|t| ServiceTarget::parse(&t).map_err(|m| PyValueError::new_err(format!("target: {m}"))))
        .transpose()?;
    let (max_abandon, max_occupancy) = (share("max_abandon", max_abandon)?, share("max_occupancy", max_occupancy)?);
    let (doc, text) = detached(py, progress, move |report| {
        let opts = settings.options();
        let base = opts.apply(source.scenario()?)?;
        let g = groups_named(&base, &groups)?;
        let s = ccsim::plan::schedule::schedule_groups(
            &base,
            &g,
            target,
            max_abandon,
            max_occupancy,
            confidence,
            opts.threads,
            |runs| report(runs, runs),
        )?;
        let text = s.scenario.overridden_text()?;
        Ok((ccsim::report::schedule::ScheduleReport::new(&base, &s, target, confidence), text))
    })?;
    Ok((json(&doc)?, text))
}

/// A document of any result (`ccsim run|sweep|staff|schedule --format json`) in another format:
/// `table`, `markdown`, `csv` or `html` (the HTML report's tables, no charts).
#[pyfunction]
fn render(py: Python<'_>, json_text: &str, format: &str) -> PyResult<String> {
    let doc = ResultFile::read(json_text, "result").map_err(|e| py_err(py, e))?;
    let mut out = Vec::new();
    let opts = TableOptions { intervals: false, width: None };
    let html = ccsim::output::html::Html::new(Vec::new());
    let r = match (&doc, format) {
        (ResultFile::Run(r), "html") => ccsim::output::Document::tables(r.as_ref(), &html, &mut out),
        (ResultFile::Sweep(r), "html") => ccsim::output::Document::tables(r.as_ref(), &html, &mut out),
        (ResultFile::Staffing(r), "html") => ccsim::output::Document::tables(r.as_ref(), &html, &mut out),
        (ResultFile::Schedule(r), "html") => ccsim::output::Document::tables(r.as_ref(), &html, &mut out),
        (_, f) => {
            let format =
                Format::all().into_iter().find(|(n, _)| *n == f && *n != "xlsx").map(|x| x.1).ok_or_else(|| {
                    PyValueError::new_err(format!("format: `{f}`; use table, markdown, csv, json or html"))
                })?;
            match &doc {
                ResultFile::Run(r) => format.write(r.as_ref(), opts, &mut out),
                ResultFile::Sweep(r) => format.write(r.as_ref(), opts, &mut out),
                ResultFile::Staffing(r) => format.write(r.as_ref(), opts, &mut out),
                ResultFile::Schedule(r) => format.write(r.as_ref(), opts, &mut out),
            }
        }
    };
    r.map_err(|e| PyOSError::new_err(e.to_string()))?;
    String::from_utf8(out).map_err(|e| PyRuntimeError::new_err(e.to_string()))
}

/// The charts of a result as `(file stem, title, SVG text)`: the same charts as
/// `ccsim chart`, drawn by the same code.
#[pyfunction]
fn charts(py: Python<'_>, json_text: &str) -> PyResult<Vec<(String, String, String)>> {
    let charts = ccsim::output::charts::for_result(&ResultFile::read(json_text, "result").map_err(|e| py_err(py, e))?);
    py.detach(|| {
        charts.iter().map(|c| Ok((c.stem.clone(), c.title.clone(), c.svg()?))).collect::<Result<Vec<_>, Error>>()
    })
    .map_err(|e| py_err(py, e))
}

/// One value of a tidy table: scope, name, start (s), KPI, mean, ci95, day, time.
type Row = (String, String, Option<f64>, String, Option<f64>, Option<f64>, String, String);
/// The rows of one report: its index, its values, its paired differences.
type RowsOf = (usize, Vec<Row>, Vec<Row>);

/// Every value of a run's result (or of each variant of a sweep, or each plan of a
/// staffing comparison), raw (not rounded), in the order of the CSV:
/// `(index, rows, paired differences from the baseline (sweeps; else empty))`.
#[pyfunction]
fn rows(py: Python<'_>, json_text: &str) -> PyResult<Vec<RowsOf>> {
    let of = |r: &Report| -> Vec<Row> {
        let mut out = Vec::new();
        let _ = r.values::<()>(true, &mut |v| {
            let finite = |x: f64| x.is_finite().then_some(x);
            let [day, time] = v.when;
            out.push((
                v.scope.to_owned(),
                v.name,
                v.start,
                v.kpi.to_owned(),
                finite(v.estimate.mean),
                finite(v.estimate.ci95),
                day,
                time,
            ));
            Ok(())
        });
        out
    };
    Ok(match ResultFile::read(json_text, "result").map_err(|e| py_err(py, e))? {
        ResultFile::Run(r) => vec![(0, of(&r), Vec::new())],
        ResultFile::Sweep(s) => s
            .variants
            .iter()
            .enumerate()
            .map(|(i, v)| (i, of(&v.report), v.vs_baseline.as_ref().map_or_else(Vec::new, &of)))
            .collect(),
        ResultFile::Staffing(s) => s.plans.iter().enumerate().map(|(i, p)| (i, of(&p.report), Vec::new())).collect(),
        ResultFile::Schedule(s) => vec![(0, of(&s.report), Vec::new())],
    })
}

/// A duration as written in scenarios (`30m`, `1h30m`, `45s`, `90`) in seconds.
#[pyfunction]
fn duration(text: &str) -> PyResult<f64> {
    ccsim::base::time::parse_duration(text).map_err(|e| PyValueError::new_err(e.to_string()))
}

/// Erlang B: blocking of `erlangs` offered to `lines` (the `ccsim erlang b` document).
#[pyfunction]
fn erlang_b(py: Python<'_>, erlangs: f64, lines: u32) -> PyResult<String> {
    json(&ccsim::report::erlang::BlockingResult::new(erlangs, lines).map_err(|e| py_err(py, e))?)
}

/// Erlang C for `per_hour` arrivals, `aht_s`, `agents` and a threshold `within_s`.
#[pyfunction]
fn erlang_c(py: Python<'_>, per_hour: f64, aht_s: f64, agents: u32, within_s: f64) -> PyResult<String> {
    json(&ccsim::report::erlang::WaitingResult::new(per_hour, aht_s, agents, within_s).map_err(|e| py_err(py, e))?)
}

/// Erlang A (M/M/c+M) with mean patience `patience_s`.
#[pyfunction]
fn erlang_a(
    py: Python<'_>,
    per_hour: f64,
    aht_s: f64,
    agents: u32,
    patience_s: f64,
    within_s: f64,
) -> PyResult<String> {
    json(
        &ccsim::report::erlang::AbandonResult::new(per_hour, aht_s, agents, patience_s, within_s)
            .map_err(|e| py_err(py, e))?,
    )
}

/// The fewest agents meeting `target` (`80/20s`), Erlang C or A with `patience_s`.
#[pyfunction]
#[pyo3(signature = (per_hour, aht_s, target, patience_s=None))]
fn erlang_agents(py: Python<'_>, per_hour: f64, aht_s: f64, target: &str, patience_s: Option<f64>) -> PyResult<String> {
    let t = ServiceTarget::parse(target).map_err(|m| PyValueError::new_err(format!("target: {m}")))?;
    json(&ccsim::report::erlang::AgentsResult::new(per_hour, aht_s, t, patience_s).map_err(|e| py_err(py, e))?)
}

/// Fits a scenario to a contact log — the file at `path`, or `text` named `source` —
/// `(scenario TOML, the fit as JSON, the summary for people)`, as `ccsim fit`.
/// `options` is the JSON of `FitOptions` (its `interval` and `agents` are set here:
/// `interval`, else the template's, else 30 minutes); `columns`, `outcomes` and
/// `date_order` say how the log is written; `template` is a scenario file whose agent
/// groups are copied.
#[pyfunction]
#[pyo3(signature = (path, text, source, options, interval, columns, outcomes, date_order, drop_bad_rows, template))]
#[allow(clippy::too_many_arguments)]
fn fit(
    py: Python<'_>,
    path: Option<String>,
    text: Option<String>,
    source: String,
    options: &str,
    interval: Option<f64>,
    columns: Vec<(String, String)>,
    outcomes: Vec<(String, String)>,
    date_order: Option<String>,
    drop_bad_rows: bool,
    template: Option<String>,
) -> PyResult<(String, String, String)> {
    use ccsim::data::fit::{FitOptions, fit, template_agents};
    use ccsim::data::history::{Columns, LogFormat, read};
    let mut opts: FitOptions =
        serde_json::from_str(options).map_err(|e| PyValueError::new_err(format!("fit options: {e}")))?;
    let date_order = match date_order {
        None => None,
        Some(o) => Some(
            ccsim::data::cells::DateOrder::parse(&o)
                .ok_or_else(|| PyValueError::new_err(format!("date_order: `{o}`; use \"dmy\" or \"mdy\"")))?,
        ),
    };
    let out = py.detach(move || -> Result<_, Error> {
        let format =
            LogFormat { columns: Columns::renamed(columns)?, outcomes: LogFormat::outcomes(outcomes)?, date_order };
        let template = match &template {
            None => None,
            Some(t) => Some(template_agents(&ccsim::error::text::read(Path::new(t))?, t)?),
        };
        opts.interval = match (interval, &template) {
            (Some(i), Some(t)) if t.per_interval && t.interval.is_some_and(|ti| ti != i) => {
                return Err(Error::Input(format!(
                    "interval: the template plans its agents per {} s interval; leave interval out to fit at it",
                    t.interval.unwrap_or(1800.0)
                )));
            }
            (Some(i), _) => i,
            (None, Some(t)) => t.interval.unwrap_or(1800.0),
            (None, None) => 1800.0,
        };
        opts.agents = template.map(|t| t.agents);
        let (log, file) = match (&path, text) {
            (Some(p), _) => (ccsim::error::text::read(Path::new(p))?, p.clone()),
            (None, Some(t)) => (t, source.clone()),
            (None, None) => return Err(Error::Input("a log needs a file or a text".into())),
        };
        let h = read(&log, &file, &format, drop_bad_rows)?;
        let f = fit(&h, &opts).map_err(|e| Error::Input(format!("{file}: {e}")))?;
        let (text, _) = f.scenario(&format!("{}.toml", opts.name))?;
        let doc = serde_json::to_string(&f).map_err(|e| Error::Run(e.to_string()))?;
        Ok((text, doc, f.summary()))
    });
    out.map_err(|e| py_err(py, e))
}

/// A service-level target as written (`80/20s`): `(share, within in s)`.
#[pyfunction]
fn target(text: &str) -> PyResult<(f64, f64)> {
    ServiceTarget::parse(text).map(|t| (t.share, t.within)).map_err(PyValueError::new_err)
}

/// The compiled module.
#[pymodule]
fn _ccsim(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(inspect, m)?)?;
    m.add_function(wrap_pyfunction!(run_scenario, m)?)?;
    m.add_function(wrap_pyfunction!(sweep, m)?)?;
    m.add_function(wrap_pyfunction!(staff, m)?)?;
    m.add_function(wrap_pyfunction!(schedule, m)?)?;
    m.add_function(wrap_pyfunction!(render, m)?)?;
    m.add_function(wrap_pyfunction!(charts, m)?)?;
    m.add_function(wrap_pyfunction!(erlang_b, m)?)?;
    m.add_function(wrap_pyfunction!(erlang_c, m)?)?;
    m.add_function(wrap_pyfunction!(erlang_a, m)?)?;
    m.add_function(wrap_pyfunction!(erlang_agents, m)?)?;
    m.add_function(wrap_pyfunction!(fit, m)?)?;
    m.add_function(wrap_pyfunction!(rows, m)?)?;
    m.add_function(wrap_pyfunction!(duration, m)?)?;
    m.add_function(wrap_pyfunction!(target, m)?)?;
    Ok(())
}
