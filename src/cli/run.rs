//! `ccsim run`: simulate a scenario and write its report, charts, HTML report and log.

use super::common::{
    AtomicFile, Format, LogArgs, OutputArgs, ReportArgs, RunSettings, ScenarioArgs, check_output, read_history,
    terminal_width, warn, write_atomically, write_charts,
};
use ccsim::Error;
use ccsim::data::history::ContactLog;
use ccsim::output::charts::ImageFormat;
use ccsim::output::{Document, Figure, Html, TableOptions};
use ccsim::report::Report;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    scenario: ScenarioArgs,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    settings: RunSettings,
    #[command(flatten)]
    report_args: ReportArgs,
    /// Add per-interval tables (table and markdown formats; JSON and CSV always have them).
    #[arg(long)]
    intervals: bool,
    /// Table format: keep channels side by side even when wider than the terminal (they
    /// are stacked, one table each, when they would not fit).
    #[arg(long)]
    wide: bool,
    /// Treat warnings (plans that are legal but almost certainly mistakes) as errors.
    #[arg(long)]
    deny_warnings: bool,
    /// Also draw the run's charts (PNG and SVG) into this folder (created if needed).
    #[arg(long, value_name = "DIR")]
    charts: Option<PathBuf>,
    /// Also write the shareable HTML report (tables, charts, inputs, definitions; one
    /// self-contained file) to this file.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Also write the contacts of replication 0 to this file, one CSV row each (a contact
    /// history, as `ccsim fit` and `--actuals` read).
    #[arg(long, value_name = "FILE")]
    log: Option<PathBuf>,
    /// Put the observed service level, ASA and abandonment of this contact history beside
    /// the simulated ones, interval by interval (table and Markdown formats).
    #[arg(long, value_name = "HISTORY")]
    actuals: Option<PathBuf>,
    /// How the `--actuals` history is written.
    #[command(flatten, next_help_heading = "Contact history (--actuals)")]
    actuals_log: LogArgs,
}

pub fn main(a: &Args) -> Result<(), Error> {
    let file = &a.scenario.scenario;
    for out in [&a.output.output, &a.report, &a.log].into_iter().flatten() {
        check_output(out, file)?;
    }
    if a.output.format == Format::Xlsx
        && a.output.output.is_none()
        && std::io::IsTerminal::is_terminal(&std::io::stdout())
    {
        return Err(Error::Input("--format xlsx writes a binary workbook: give --output FILE.xlsx".into()));
    }
    a.report_args.selection()?;
    let scenario = a.report_args.apply(a.scenario.load()?)?;
    if !warn(&scenario, a.deny_warnings) {
        return Err(Error::Input(format!("{}: warnings are errors with --deny-warnings", file.display())));
    }
    // A bad history is refused before anything is simulated.
    let history = a.actuals.as_ref().map(|p| read_history(p, &a.actuals_log)).transpose()?;
    let opts = a.settings.options();
    let results = match &a.log {
        None => ccsim::plan::run::run(scenario, &opts)?,
        Some(path) => {
            // Replication 0 is logged while it is tallied, in one pass.
            let mut file = AtomicFile::create(path)?;
            let named = opts.apply(scenario.clone())?;
            let log = ContactLog::new(&named, file.writer())
                .map_err(|e| Error::Io { path: path.display().to_string(), source: e })?;
            let (results, log) = ccsim::plan::run::run_with(scenario, &opts, log)?;
            log.finish().map_err(|e| Error::Io { path: path.display().to_string(), source: e })?;
            file.commit()?;
            results
        }
    };
    let mut report = Report::from(&results);
    if let (Some(path), Some(h)) = (&a.actuals, &history) {
        report.actuals = ccsim::data::history::observed(h, results.scenario());
        if report.actuals.is_empty() {
            return Err(Error::Input(format!("{}: no contact of the scenario's channels", path.display())));
        }
    }
    let width = if a.wide { None } else { Some(terminal_width()) };
    let selection = a.report_args.selection()?;
    if selection.is_everything() {
        a.output.write(&report, TableOptions { intervals: a.intervals, width })?;
    } else {
        let mut chosen = report.clone();
        chosen.select(&selection);
        a.output.write(&chosen, TableOptions { intervals: a.intervals, width })?;
    }
    if let Some(dir) = &a.charts {
        write_charts(&ccsim::output::charts::for_run(&report), dir, &[ImageFormat::Png, ImageFormat::Svg])?;
    }
    if let Some(path) = &a.report {
        write_html(&report, path)?;
    }
    Ok(())
}

/// Writes the HTML report of `report`, with its charts, to `path`.
pub fn write_html(report: &Report, path: &Path) -> Result<(), Error> {
    let figures = ccsim::output::charts::for_run(report)
        .into_iter()
        .map(|c| Ok(Figure { channel: c.channel.clone().unwrap_or_default(), caption: c.title.clone(), svg: c.svg()? }))
        .collect::<Result<Vec<_>, Error>>()?;
    write_atomically(path, |w| report.tables(&Html::new(figures), w))
}
