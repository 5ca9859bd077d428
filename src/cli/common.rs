//! What the subcommands share: options declared once (flattened into each command), value
//! parsers, loading a scenario with `--set`, printing warnings, and writing outputs
//! (atomically to a file, or to standard output).

use ccsim::Error;
use ccsim::base::time::parse_duration;
pub use ccsim::output::Format;
use ccsim::output::charts::{Chart, ImageFormat};
use ccsim::output::{Document, TableOptions};
use ccsim::plan::run::RunOptions;
use ccsim::scenario::Scenario;
use ccsim::scenario::limits::MAX_REPLICATIONS;
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};

/// `println!` that drops its text when standard output is closed (`ccsim … | head`)
/// instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}
pub(crate) use out;

/// A scenario file and the changes made to it.
#[derive(Args, Debug)]
pub struct ScenarioArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Change a field by its path in the file, then check the scenario again: for example
    /// `--set agents.team.staff=44`, `--set channel.chat.service_level.within=30s`,
    /// `--set channel.phone.arrivals.scale=1.2`; for staffing, `+N` adds N agents wherever
    /// the plan has agents (`+-N` removes them) and `*F` scales the plan (rounded). Repeat
    /// for several fields.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
}

impl ScenarioArgs {
    /// The scenario with its overrides applied.
    pub fn load(&self) -> Result<Scenario, Error> {
        load(&self.scenario, &self.set)
    }
}

/// What a result reports beyond the whole horizon: KPIs aggregated over windows.
#[derive(Args, Debug, Clone, Default)]
pub struct ReportArgs {
    /// Also report every channel's and group's KPIs aggregated over a window of the
    /// horizon, with their confidence intervals: [DAYS] [HH:MM-HH:MM] [daily], such as
    /// "Wed 19:00-21:00", "Mon-Fri 08:00-12:00", "Sat,Sun", or "daily" for each day. Repeat
    /// for several; adds to the scenario's `[report] windows`.
    #[arg(long = "window", value_name = "WINDOW")]
    pub windows: Vec<String>,
    /// Show only these KPIs (comma-separated or repeated), in every format: such as
    /// service_level,abandon_rate,repeat or cost. Default: all.
    #[arg(long = "kpi", value_name = "KPI")]
    pub kpis: Vec<String>,
    /// Show only these scopes (comma-separated or repeated): channels, types, segments,
    /// groups, issues, intervals, windows. Default: all (a sweep's CSV leaves out the
    /// per-interval values unless intervals is chosen).
    #[arg(long = "scope", value_name = "SCOPE")]
    pub scopes: Vec<String>,
}

impl ReportArgs {
    /// The scenario with the windows added.
    pub fn apply(&self, s: Scenario) -> Result<Scenario, Error> {
        Ok(s.with_windows(&self.windows)?)
    }

    /// The KPIs and scopes chosen.
    pub fn selection(&self) -> Result<ccsim::report::Selection, Error> {
        ccsim::report::Selection::parse(&self.kpis, &self.scopes)
    }
}

/// What a staffing plan or a roster must meet, besides the target: the groups planned,
/// the caps and the confidence (`staff`, `schedule`).
#[derive(Args, Debug, Clone)]
pub struct GoalArgs {
    /// A group to plan; repeat to plan several together (default: every group of the
    /// scenario, planned together). Other groups keep their staffing.
    #[arg(long)]
    pub group: Vec<String>,
    /// Largest abandon rate allowed in any interval, such as 5%.
    #[arg(long, value_parser = share_arg)]
    pub max_abandon: Option<f64>,
    /// Largest occupancy of a planned group in any interval, such as 85%.
    #[arg(long, value_parser = share_arg)]
    pub max_occupancy: Option<f64>,
    /// Confidence with which every interval must meet its target, from 0.5 (the mean meets
    /// it) to below 1.
    #[arg(long, default_value_t = 0.95)]
    pub confidence: f64,
}

/// Replications, seed and threads of a run.
#[derive(Args, Debug, Clone, Copy)]
pub struct RunSettings {
    /// Override the scenario's number of replications.
    #[arg(long, short, value_parser = clap::value_parser!(u32).range(1..=MAX_REPLICATIONS as i64))]
    pub replications: Option<u32>,
    /// Override the scenario's seed.
    #[arg(long, short)]
    pub seed: Option<u64>,
    /// Worker threads (default: every core). Results do not depend on it.
    #[arg(long, short, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
}

impl RunSettings {
    /// As the library's run options.
    pub fn options(self) -> RunOptions {
        RunOptions { replications: self.replications, seed: self.seed, threads: self.threads.map(|t| t as usize) }
    }
}

/// The output formats, as the library lists them ([`Format::all`]): a format the library
/// gains is an option here without a change.
fn format_parser() -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    let values = Format::all().into_iter().map(|(name, f)| {
        let v = PossibleValue::new(name).help(f.describe());
        if f == Format::Table { v.alias("text") } else { v }
    });
    PossibleValuesParser::new(values).map(|name| Format::parse(&name).unwrap_or(Format::Table))
}

/// Where and how a result is written.
#[derive(Args, Debug)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, short, value_parser = format_parser(), default_value = "table")]
    pub format: Format,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

impl OutputArgs {
    /// Refuses the Excel format for results other than a run's, before anything runs.
    pub fn runs_only(&self) -> Result<(), Error> {
        if self.format == Format::Xlsx {
            return Err(Error::Input("--format xlsx is for `ccsim run`; choose table, markdown, csv or json".into()));
        }
        Ok(())
    }

    /// Writes `doc` in the chosen format to `--output` or standard output.
    pub fn write<D: Document>(&self, doc: &D, tables: TableOptions) -> Result<(), Error> {
        emit(&self.output, |w| self.format.write(doc, tables, w))
    }
}

/// Which image formats `--charts` and `ccsim chart` write.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageChoice {
    /// PNG only.
    Png,
    /// SVG only.
    Svg,
    /// Both.
    Both,
}

impl ImageChoice {
    /// The formats chosen.
    pub fn formats(self) -> Vec<ImageFormat> {
        match self {
            ImageChoice::Png => vec![ImageFormat::Png],
            ImageChoice::Svg => vec![ImageFormat::Svg],
            ImageChoice::Both => vec![ImageFormat::Png, ImageFormat::Svg],
        }
    }
}

/// Writes `charts` into `dir` and lists the files on stderr.
pub fn write_charts(charts: &[Chart], dir: &Path, formats: &[ImageFormat]) -> Result<(), Error> {
    let paths = ccsim::output::charts::write_all(charts, dir, formats)?;
    eprintln!("{} chart files written to {}", paths.len(), dir.display());
    Ok(())
}

/// The width tables should fit: `COLUMNS` if set, else the terminal's, else 100.
pub fn terminal_width() -> usize {
    if let Some(w) = std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<usize>().ok()).filter(|&w| w > 0) {
        return w;
    }
    terminal_size::terminal_size().map_or(100, |(w, _)| usize::from(w.0))
}

/// A progress bar on stderr (hidden unless stderr is a terminal and not `quiet`).
pub fn progress_bar(len: u64, quiet: bool, unit: &str) -> indicatif::ProgressBar {
    let show = !quiet && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let target = if show { indicatif::ProgressDrawTarget::stderr() } else { indicatif::ProgressDrawTarget::hidden() };
    let bar = indicatif::ProgressBar::with_draw_target(Some(len), target);
    bar.set_style(
        indicatif::ProgressStyle::with_template(&format!("{{bar:40}} {{pos}}/{{len}} {unit}, {{eta}} left"))
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// A duration with its unit; whether 0 is allowed is the calculator's to say.
pub fn duration_arg(s: &str) -> Result<f64, String> {
    parse_duration(s).map_err(|e| e.to_string())
}

/// Arrivals per hour, > 0.
pub fn rate_arg(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("`{s}` is not a number of arrivals per hour"))?;
    if !(v.is_finite() && v > 0.0) {
        return Err(format!("arrivals per hour must be > 0, got {s}"));
    }
    Ok(v)
}

/// `80/20s` or `0.8/20s` → a target of 80 % within 20 s (`ServiceTarget::parse`).
pub fn target_arg(s: &str) -> Result<ccsim::scenario::ServiceTarget, String> {
    ccsim::scenario::ServiceTarget::parse(s)
}

/// `5%` or `0.05` → 0.05.
pub fn share_arg(s: &str) -> Result<f64, String> {
    let percent = s.trim().ends_with('%');
    let v: f64 =
        s.trim().trim_end_matches('%').parse().map_err(|_| format!("`{s}` is not a share; write 5% or 0.05"))?;
    let v = if percent { v / 100.0 } else { v };
    if !(0.0..=1.0).contains(&v) {
        return Err(format!("`{s}` must be a share from 0 to 100 %"));
    }
    Ok(v)
}

/// `A=B` pairs of a repeated flag.
pub fn pairs(flag: &str, list: &[String]) -> Result<Vec<(String, String)>, Error> {
    list.iter()
        .map(|s| {
            s.split_once('=')
                .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
                .filter(|(a, b)| !a.is_empty() && !b.is_empty())
                .ok_or_else(|| Error::Input(format!("--{flag} {s}: write NAME=VALUE")))
        })
        .collect()
}

/// Loads a scenario and applies `--set PATH=VALUE` overrides to it.
pub fn load(path: &Path, set: &[String]) -> Result<Scenario, Error> {
    let s = Scenario::load(path)?;
    let pairs: Vec<(&str, &str)> =
        set.iter()
            .map(|a| {
                a.split_once('=').map(|(p, v)| (p.trim(), v)).filter(|(p, _)| !p.is_empty()).ok_or_else(|| {
                    Error::Input(format!("--set {a}: write PATH=VALUE, such as --set agents.team.staff=44"))
                })
            })
            .collect::<Result<_, _>>()?;
    if pairs.is_empty() { Ok(s) } else { Ok(s.with_overrides(&pairs)?) }
}

/// Prints a scenario's warnings on stderr; with `deny`, they are errors. Returns whether
/// the scenario may go on.
pub fn warn(s: &Scenario, deny: bool) -> bool {
    let label = if deny { "error (--deny-warnings)" } else { "warning" };
    for w in s.warnings() {
        let mut at = s.file().to_owned();
        if let Some(l) = w.line {
            at.push_str(&format!(":{l}"));
            if let Some(c) = w.column {
                at.push_str(&format!(":{c}"));
            }
        }
        let field = w.field.as_ref().map_or(String::new(), |f| format!("{f}: "));
        eprintln!("{at}: {label}: {field}{}", w.message);
    }
    !deny || s.warnings().is_empty()
}

/// Whether two paths name the same file (an output path that does not exist yet names no
/// existing file).
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Refuses an output path that cannot be written, before anything is simulated.
pub fn check_output(out: &Path, scenario: &Path) -> Result<(), Error> {
    if out == scenario || same_file(out, scenario) {
        return Err(Error::Input(format!(
            "--output {} is the scenario file itself; writing the report there would destroy the scenario — choose another file",
            out.display()
        )));
    }
    let dir = out.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if std::fs::symlink_metadata(out).is_err() && !dir.is_dir() {
        let source =
            std::io::Error::new(std::io::ErrorKind::NotFound, format!("the folder {} does not exist", dir.display()));
        return Err(Error::Io { path: out.display().to_string(), source });
    }
    Ok(())
}

/// An output file written whole or not at all: a regular file (or a new one) is written
/// into a temporary file beside it, synced, then renamed over it with the old file's
/// permissions on [`AtomicFile::commit`]; dropped uncommitted, the temporary file goes and
/// the old file stays. Anything else (a device such as /dev/stdout, a pipe, a symbolic
/// link) is written to directly.
pub struct AtomicFile {
    path: PathBuf,
    /// The temporary file (`None`: writing straight to a device or link).
    tmp: Option<PathBuf>,
    writer: std::io::BufWriter<std::fs::File>,
}

impl AtomicFile {
    /// Opens the file to write.
    pub fn create(path: &Path) -> Result<AtomicFile, Error> {
        let io = |source| Error::Io { path: path.display().to_string(), source };
        let existing = std::fs::symlink_metadata(path).ok();
        if existing.as_ref().is_some_and(|m| !m.file_type().is_file()) {
            let f = std::fs::OpenOptions::new().write(true).open(path).map_err(io)?;
            return Ok(AtomicFile { path: path.to_owned(), tmp: None, writer: std::io::BufWriter::new(f) });
        }
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "output".into());
        let tmp = dir.join(format!(".{name}.ccsim-{}.tmp", std::process::id()));
        let f = std::fs::File::create(&tmp).map_err(io)?;
        if let Some(m) = &existing {
            f.set_permissions(m.permissions()).map_err(io)?;
        }
        Ok(AtomicFile { path: path.to_owned(), tmp: Some(tmp), writer: std::io::BufWriter::new(f) })
    }

    /// Where to write.
    pub fn writer(&mut self) -> &mut std::io::BufWriter<std::fs::File> {
        &mut self.writer
    }

    /// The error of writing this file.
    pub fn error(&self, source: std::io::Error) -> Error {
        Error::Io { path: self.path.display().to_string(), source }
    }

    /// Flushes, syncs and puts the file in place.
    pub fn commit(mut self) -> Result<(), Error> {
        let done = match &self.tmp {
            // A device or link is written to directly: flushed, not synced (a device such
            // as /dev/null cannot be).
            None => self.writer.flush(),
            Some(tmp) => self
                .writer
                .flush()
                .and_then(|()| self.writer.get_ref().sync_all())
                .and_then(|()| std::fs::rename(tmp, &self.path)),
        };
        done.map_err(|e| self.error(e))?;
        self.tmp = None;
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let Some(tmp) = &self.tmp {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// Writes an output whole or not at all (see [`AtomicFile`]).
pub fn write_atomically(path: &Path, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), Error> {
    let mut file = AtomicFile::create(path)?;
    write(file.writer()).map_err(|e| file.error(e))?;
    file.commit()
}

/// Writes an output to `--output` (atomically) or standard output. A reader that closes
/// standard output early (`ccsim run … | head`) is not an error: the rest is dropped quietly,
/// as command-line tools do.
pub fn emit(output: &Option<PathBuf>, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), Error> {
    match output {
        Some(path) => write_atomically(path, write),
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            match write(&mut w).and_then(|_| w.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                    // Nothing more can be written; do not let the buffer try again on drop.
                    std::mem::forget(w);
                    Ok(())
                }
                r => r.map_err(|source| Error::Io { path: "the report".into(), source }),
            }
        }
    }
}

/// How a contact log is written, for `fit` and `run --actuals`: renamed columns, the
/// export's outcome names, the order of slashed dates, and whether bad rows are dropped.
#[derive(clap::Args, Debug, Default)]
pub struct LogArgs {
    /// A column's name in the contact log, for a standard column (`--column
    /// wait_s=QueueTime`; standard: channel, kind, arrival_s or arrival, wait_s, outcome,
    /// handle_s or talk_s/hold_s/wrap_s, type, group).
    #[arg(long = "column", value_name = "STANDARD=NAME")]
    pub columns: Vec<String>,
    /// An outcome of the export and what it is (`--outcome Handled=answered,Transferred=answered`);
    /// answered, abandoned and waiting are read in any case.
    #[arg(long = "outcome", value_name = "NAME=OUTCOME", value_delimiter = ',')]
    pub outcomes: Vec<String>,
    /// The order of slashed dates when no date in the log has a day above 12: dmy
    /// (01/09/2025 is 1 September) or mdy.
    #[arg(long, value_name = "dmy|mdy")]
    pub date_order: Option<String>,
    /// Leave bad rows out (each is listed) instead of refusing the log.
    #[arg(long)]
    pub drop_bad_rows: bool,
}

/// Reads a contact history as `log` says it is written, listing on stderr the rows left
/// out.
pub fn read_history(path: &Path, log: &LogArgs) -> Result<ccsim::data::history::History, Error> {
    use ccsim::data::history::{Columns, LogFormat};
    let date_order = match &log.date_order {
        None => None,
        Some(o) => Some(
            ccsim::data::cells::DateOrder::parse(o)
                .ok_or_else(|| Error::Input(format!("--date-order {o}: use dmy (day first) or mdy (month first)")))?,
        ),
    };
    let format = LogFormat {
        columns: Columns::renamed(pairs("column", &log.columns)?)?,
        outcomes: LogFormat::outcomes(pairs("outcome", &log.outcomes)?)?,
        date_order,
    };
    let h = ccsim::data::history::load(path, &format, log.drop_bad_rows)?;
    for (line, col, msg) in h.dropped.iter().take(20) {
        eprintln!("{}:{line}:{col}: dropped: {msg}", path.display());
    }
    if h.dropped.len() > 20 {
        eprintln!("… and {} more rows dropped", h.dropped.len() - 20);
    }
    if let Some(t) = h.unix_time {
        let unit = if t == ccsim::data::cells::NumericTime::EpochMillis { "milliseconds" } else { "seconds" };
        eprintln!(
            "{}: arrivals read as Unix time in {unit} (UTC); time 0 is midnight of the first date",
            path.display()
        );
    }
    Ok(h)
}
