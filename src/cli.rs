//! The command line: a thin layer over the library.
//!
//! Exit codes: 0 success, 2 bad input (scenario or arguments), 1 any other failure.

use ccsim::Error;
use ccsim::base::time::{format_duration, parse_duration};
use ccsim::output::Format as ReportFormat;
use ccsim::output::charts::{Chart, ImageFormat, PlanLine};
use ccsim::plan::run::{RunOptions, run};
use ccsim::scenario::limits::MAX_REPLICATIONS;
use ccsim::scenario::{Scenario, Weekday};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

/// `println!` that drops its text when standard output is closed (`ccsim … | head`)
/// instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

#[derive(Parser, Debug)]
#[command(
    name = "ccsim",
    version,
    about = "Contact-centre queue simulator: service level, waits, abandonment and occupancy by discrete-event simulation",
    after_help = "Examples:\n  ccsim run scenarios/single-queue.toml\n  ccsim run scenarios/retail-day.toml --format json --output day.json\n  ccsim validate scenarios/*.toml\n  ccsim erlang agents --per-hour 120 --aht 4m --target 80/20s"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Simulate a scenario and report its KPIs (mean ± 95 % CI over replications).
    #[command(
        after_help = "Examples:\n  ccsim run scenarios/single-queue.toml\n  ccsim run scenarios/retail-day.toml --intervals\n  ccsim run scenarios/retail-day.toml --format csv --output day.csv --replications 50 --seed 3\n  ccsim run scenarios/benchmark.toml --threads 1"
    )]
    Run(RunArgs),
    /// Check scenario files and report every problem, without simulating.
    #[command(after_help = "Examples:\n  ccsim validate scenarios/retail-day.toml\n  ccsim validate scenarios/*.toml")]
    Validate {
        /// Scenario files (TOML).
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        /// Treat warnings (plans that are legal but almost certainly mistakes) as errors.
        #[arg(long)]
        deny_warnings: bool,
        /// Change a field by its path before checking, as with `ccsim run --set`.
        #[arg(long = "set", value_name = "PATH=VALUE")]
        set: Vec<String>,
    },
    /// Run a scenario under several sets of overrides (variants) with common random
    /// numbers, and compare each with a baseline by paired differences.
    #[command(
        after_help = "Examples:\n  ccsim sweep scenarios/single-queue.toml --set agents.team.staff=9..=13\n  ccsim sweep scenarios/omnichannel.toml --set channel.chat.service_level.within=40s,30s --set channel.chat.service_level.target=0.8,0.9 --zip\n  ccsim sweep scenarios/retail-day.toml --set agents.team.staff=+0,+1,+2 --format csv --output sweep.csv"
    )]
    Sweep(SweepArgs),
    /// The fewest agents per planning interval that meet the targets: SIPP from Erlang,
    /// refined by simulation (queues carry over between intervals).
    #[command(
        after_help = "Examples:\n  ccsim staff scenarios/retail-day.toml\n  ccsim staff scenarios/retail-day.toml --target 80/20s --target 90/30s --target 80/60s\n  ccsim staff scenarios/retail-day.toml --max-abandon 5% --write plan.toml"
    )]
    Staff(StaffArgs),
    /// Combine the partial results of a sharded sweep into exactly what the unsharded
    /// sweep prints.
    #[command(
        after_help = "Example:\n  ccsim sweep s.toml --set agents.team.staff=40..=46 --shard 0/2 -o part0.json\n  ccsim sweep s.toml --set agents.team.staff=40..=46 --shard 1/2 -o part1.json\n  ccsim merge part0.json part1.json --format csv"
    )]
    Merge(MergeArgs),
    /// Draw the charts of a result written earlier with `--format json` (a run, a sweep or
    /// a staffing comparison), as PNG and SVG.
    #[command(
        after_help = "Examples:\n  ccsim run scenarios/omnichannel.toml --format json -o week.json\n  ccsim chart week.json --out charts/\n  ccsim chart sweep.json --out charts/ --image svg"
    )]
    Chart {
        /// A JSON result (`ccsim run|sweep|staff --format json`).
        result: PathBuf,
        /// Folder for the charts (created if needed).
        #[arg(long)]
        out: PathBuf,
        /// Image formats to write.
        #[arg(long, value_enum, default_value_t = ImageChoice::Both)]
        image: ImageChoice,
    },
    /// Write the shareable HTML report of a run's JSON result: its inputs, the KPI tables
    /// with 95 % intervals and below-target marks, every chart, and the definitions; one
    /// self-contained file that opens offline.
    #[command(
        after_help = "Examples:\n  ccsim run scenarios/omnichannel.toml --format json -o week.json\n  ccsim report week.json --out week.html\n  ccsim run scenarios/retail-day.toml --report day.html"
    )]
    Report {
        /// A run's JSON result (`ccsim run --format json`).
        result: PathBuf,
        /// The HTML file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Fit a runnable scenario from a contact history: arrival profile per weekday and
    /// interval, handle times, patience by Kaplan–Meier, forecast error.
    #[command(
        after_help = "Examples:\n  ccsim fit scenarios/history/contacts.csv --out fitted.toml\n  ccsim fit export.csv --out fitted.toml --column arrival=CallStart --column wait_s=QueueSecs --kind Web=chat --template current.toml"
    )]
    Fit(FitArgs),
    /// Analytic Erlang B, C and A formulas and minimum staffing.
    #[command(subcommand)]
    Erlang(ErlangCommand),
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Override the scenario's number of replications.
    #[arg(long, short, value_parser = clap::value_parser!(u32).range(1..=MAX_REPLICATIONS as i64))]
    pub replications: Option<u32>,
    /// Override the scenario's seed.
    #[arg(long, short)]
    pub seed: Option<u64>,
    /// Worker threads (default: every core). Results do not depend on it.
    #[arg(long, short, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// Add per-interval tables (table and markdown formats; JSON and CSV always have them).
    #[arg(long)]
    pub intervals: bool,
    /// Table format: keep channels side by side even when wider than the terminal (they
    /// are stacked, one table each, when they would not fit).
    #[arg(long)]
    pub wide: bool,
    /// Treat warnings (plans that are legal but almost certainly mistakes) as errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Change a field by its path in the file, then check the scenario again: for example
    /// `--set agents.team.staff=44`, `--set channel.chat.service_level.within=30s`,
    /// `--set channel.phone.arrivals.scale=1.2`; for staffing, `+N` adds N agents to every
    /// interval and `*F` scales the plan (rounded). Repeat for several fields.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Also draw the run's charts (PNG and SVG) into this folder (created if needed).
    #[arg(long, value_name = "DIR")]
    pub charts: Option<PathBuf>,
    /// Also write the shareable HTML report (tables, charts, inputs, definitions; one
    /// self-contained file) to this file.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Also write the contacts of replication 0 to this file, one CSV row each (a contact
    /// history, as `ccsim fit` and `--actuals` read).
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// Put the observed service level, ASA and abandonment of this contact history beside
    /// the simulated ones, interval by interval (table and Markdown formats).
    #[arg(long, value_name = "HISTORY")]
    pub actuals: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct SweepArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// An axis: PATH=V1,V2,… with ranges A..=B or A..=B:STEP (numbers), such as
    /// agents.team.staff=40..=46 or channel.chat.service_level.within=30s,40s. Several
    /// axes make their cartesian product (the last varies fastest), or pair up with --zip.
    /// Without --set, the scenario's own `[sweep]` table is used.
    #[arg(long = "set", value_name = "PATH=VALUES")]
    pub set: Vec<String>,
    /// Pair the axes' values one by one instead of taking every combination.
    #[arg(long)]
    pub zip: bool,
    /// The variant the others are compared with (default: the first, or the saved study's).
    #[arg(long)]
    pub baseline: Option<usize>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Override the scenario's number of replications (per variant).
    #[arg(long, short, value_parser = clap::value_parser!(u32).range(1..=MAX_REPLICATIONS as i64))]
    pub replications: Option<u32>,
    /// Override the scenario's seed.
    #[arg(long, short)]
    pub seed: Option<u64>,
    /// Worker threads (default: every core). Results do not depend on it.
    #[arg(long, short, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// No progress bar (it is shown only when stderr is a terminal anyway).
    #[arg(long, short)]
    pub quiet: bool,
    /// Run only shard I of N (I from 0): every N-th replication from the I-th, of every
    /// variant; writes a partial result for `ccsim merge`.
    #[arg(long, value_name = "I/N", value_parser = shard_arg)]
    pub shard: Option<(u64, u64)>,
    /// Also draw each channel's service level and each group's cost against the swept
    /// parameter, with 95 % error bars (PNG and SVG), into this folder.
    #[arg(long, value_name = "DIR")]
    pub charts: Option<PathBuf>,
}

/// `I/N` with 0 ≤ I < N.
fn shard_arg(s: &str) -> Result<(u64, u64), String> {
    let bad = || format!("`{s}` is not a shard; write I/N with 0 ≤ I < N, such as 0/4");
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let (i, n): (u64, u64) = (i.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
    if n == 0 || i >= n {
        return Err(format!(
            "`{s}`: the shard index must be below the number of shards (0 to {})",
            n.saturating_sub(1)
        ));
    }
    Ok((i, n))
}

#[derive(Args, Debug)]
pub struct StaffArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// The group to plan (default: the only group).
    #[arg(long)]
    pub group: Option<String>,
    /// Service-level target PERCENT/THRESHOLD for the group's channels (default: each
    /// channel's own). Repeat to compare targets side by side.
    #[arg(long, value_parser = target_arg)]
    pub target: Vec<(f64, f64)>,
    /// Largest abandon rate allowed in any interval, such as 5%.
    #[arg(long, value_parser = share_arg)]
    pub max_abandon: Option<f64>,
    /// Confidence with which every interval must meet its target.
    #[arg(long, default_value_t = 0.95)]
    pub confidence: f64,
    /// Write the scenario with the plan filled in (runnable as is); with several targets,
    /// the plan of the first.
    #[arg(long)]
    pub write: Option<PathBuf>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Override the scenario's number of replications.
    #[arg(long, short, value_parser = clap::value_parser!(u32).range(1..=MAX_REPLICATIONS as i64))]
    pub replications: Option<u32>,
    /// Override the scenario's seed.
    #[arg(long, short)]
    pub seed: Option<u64>,
    /// No progress on stderr.
    #[arg(long, short)]
    pub quiet: bool,
    /// Also draw the required agents by interval, one line per target (PNG and SVG), into
    /// this folder.
    #[arg(long, value_name = "DIR")]
    pub charts: Option<PathBuf>,
}

/// Which image formats `--charts` and `ccsim chart` write.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageChoice {
    Png,
    Svg,
    Both,
}

impl ImageChoice {
    fn formats(self) -> Vec<ImageFormat> {
        match self {
            ImageChoice::Png => vec![ImageFormat::Png],
            ImageChoice::Svg => vec![ImageFormat::Svg],
            ImageChoice::Both => vec![ImageFormat::Png, ImageFormat::Svg],
        }
    }
}

/// `5%` or `0.05` → 0.05.
fn share_arg(s: &str) -> Result<f64, String> {
    let percent = s.trim().ends_with('%');
    let v: f64 =
        s.trim().trim_end_matches('%').parse().map_err(|_| format!("`{s}` is not a share; write 5% or 0.05"))?;
    let v = if percent { v / 100.0 } else { v };
    if !(0.0..=1.0).contains(&v) {
        return Err(format!("`{s}` must be a share from 0 to 100 %"));
    }
    Ok(v)
}

#[derive(Args, Debug)]
pub struct FitArgs {
    /// The contact history (CSV, one row per contact; see `docs/model.md` §15).
    pub history: PathBuf,
    /// The scenario file to write.
    #[arg(long)]
    pub out: PathBuf,
    /// Planning interval of the scenario.
    #[arg(long, value_parser = duration_arg, default_value = "30m")]
    pub interval: f64,
    /// Scenario name (default: the history file's name).
    #[arg(long)]
    pub name: Option<String>,
    /// A channel's kind, when its name does not say (`--kind Support=chat`).
    #[arg(long = "kind", value_name = "CHANNEL=KIND")]
    pub kinds: Vec<String>,
    /// A column's name in the file, for a standard column (`--column wait_s=QueueTime`).
    #[arg(long = "column", value_name = "STANDARD=NAME")]
    pub columns: Vec<String>,
    /// Service-level target written for every channel and used for the first guess of
    /// staffing.
    #[arg(long, value_parser = target_arg, default_value = "80/20s")]
    pub target: (f64, f64),
    /// Take the [[agents]] groups from this scenario instead of a first guess.
    #[arg(long, value_name = "SCENARIO")]
    pub template: Option<PathBuf>,
    /// Leave bad rows out (each is listed) instead of refusing the file.
    #[arg(long)]
    pub drop_bad_rows: bool,
    /// Days the history covers, when it ends with days without contacts (a closed
    /// Sunday); by default, up to the day of its last contact.
    #[arg(long)]
    pub days: Option<usize>,
}

#[derive(Args, Debug)]
pub struct MergeArgs {
    /// Partial results written by `ccsim sweep --shard I/N`, one per shard.
    #[arg(required = true)]
    pub parts: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
    Markdown,
    /// An Excel workbook (runs only; needs --output unless standard output is redirected).
    Xlsx,
}

impl Format {
    fn report_format(self) -> ReportFormat {
        match self {
            Format::Table => ReportFormat::Table,
            Format::Json => ReportFormat::Json,
            Format::Csv => ReportFormat::Csv,
            Format::Markdown => ReportFormat::Markdown,
            Format::Xlsx => ReportFormat::Xlsx,
        }
    }

    fn options(intervals: bool, wide: bool) -> ccsim::output::TableOptions {
        ccsim::output::TableOptions { intervals, width: if wide { None } else { Some(terminal_width()) } }
    }
}

/// The width tables should fit: `COLUMNS` if set, else the terminal's, else 100.
fn terminal_width() -> usize {
    if let Some(w) = std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<usize>().ok()).filter(|&w| w > 0) {
        return w;
    }
    terminal_size::terminal_size().map_or(100, |(w, _)| usize::from(w.0))
}

#[derive(Subcommand, Debug)]
pub enum ErlangCommand {
    /// Erlang B: probability that a call finds every line busy (no queue).
    #[command(
        after_help = "Examples:\n  ccsim erlang b --erlangs 8 --lines 10\n  ccsim erlang b --per-hour 120 --aht 4m --lines 10"
    )]
    B {
        /// Offered load in Erlangs (or give --per-hour and --aht).
        #[arg(long, conflicts_with_all = ["per_hour", "aht"])]
        erlangs: Option<f64>,
        #[arg(long, requires = "aht")]
        per_hour: Option<f64>,
        #[arg(long, value_parser = duration_arg, requires = "per_hour")]
        aht: Option<f64>,
        #[arg(long)]
        lines: u32,
        #[arg(long, value_enum, default_value_t = ErlangFormat::Text)]
        format: ErlangFormat,
    },
    /// Erlang C (M/M/c): probability of waiting, service level, ASA, occupancy.
    #[command(after_help = "Example:\n  ccsim erlang c --per-hour 120 --aht 4m --agents 10 --within 20s")]
    C {
        #[command(flatten)]
        load: LoadArgs,
        #[arg(long)]
        agents: u32,
        /// Service-level threshold.
        #[arg(long, value_parser = duration_arg, default_value = "20s")]
        within: f64,
        #[arg(long, value_enum, default_value_t = ErlangFormat::Text)]
        format: ErlangFormat,
    },
    /// Erlang A (M/M/c+M): as Erlang C with exponentially distributed patience.
    #[command(after_help = "Example:\n  ccsim erlang a --per-hour 120 --aht 4m --agents 10 --patience 2m --within 20s")]
    A {
        #[command(flatten)]
        load: LoadArgs,
        #[arg(long)]
        agents: u32,
        /// Mean patience of waiting callers.
        #[arg(long, value_parser = duration_arg)]
        patience: f64,
        #[arg(long, value_parser = duration_arg, default_value = "20s")]
        within: f64,
        #[arg(long, value_enum, default_value_t = ErlangFormat::Text)]
        format: ErlangFormat,
    },
    /// Minimum agents for a service-level target (Erlang C, or Erlang A with --patience).
    #[command(
        after_help = "Examples:\n  ccsim erlang agents --per-hour 120 --aht 4m --target 80/20s\n  ccsim erlang agents --per-hour 600 --aht 5m --target 90/30s --patience 3m"
    )]
    Agents {
        #[command(flatten)]
        load: LoadArgs,
        /// Target as PERCENT/THRESHOLD, such as 80/20s.
        #[arg(long, value_parser = target_arg)]
        target: (f64, f64),
        #[arg(long, value_parser = duration_arg)]
        patience: Option<f64>,
        #[arg(long, value_enum, default_value_t = ErlangFormat::Text)]
        format: ErlangFormat,
    },
}

#[derive(Args, Debug)]
pub struct LoadArgs {
    /// Arrivals per hour.
    #[arg(long, value_parser = rate_arg)]
    pub per_hour: f64,
    /// Mean handle time, with its unit ("4m", "240s").
    #[arg(long, value_parser = duration_arg)]
    pub aht: f64,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErlangFormat {
    Text,
    Json,
}

/// A duration with its unit; whether 0 is allowed is the calculator's to say.
fn duration_arg(s: &str) -> Result<f64, String> {
    parse_duration(s).map_err(|e| e.to_string())
}

fn rate_arg(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("`{s}` is not a number of arrivals per hour"))?;
    if !(v.is_finite() && v > 0.0) {
        return Err(format!("arrivals per hour must be > 0, got {s}"));
    }
    Ok(v)
}

/// `80/20s` or `0.8/20s` → (0.8, 20.0).
fn target_arg(s: &str) -> Result<(f64, f64), String> {
    let (p, t) =
        s.split_once('/').ok_or_else(|| format!("`{s}` is not a target; write PERCENT/THRESHOLD such as 80/20s"))?;
    let percent = p.trim().ends_with('%');
    let p: f64 = p.trim().trim_end_matches('%').parse().map_err(|_| format!("`{p}` is not a percentage"))?;
    // `80`, `80%` and `0.8` mean 80 %; `0.5%` means half a percent.
    let share = if percent || p > 1.0 { p / 100.0 } else { p };
    if !(share > 0.0 && share < 1.0) {
        return Err(format!("target must be between 0 and 100 % (exclusive), got {p}"));
    }
    Ok((share, parse_duration(t).map_err(|e| e.to_string())?))
}

/// Runs the command line; returns the process exit code.
pub fn main_with_args<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match cli.command {
        Command::Run(a) => cmd_run(a),
        Command::Validate { scenarios, deny_warnings, set } => cmd_validate(&scenarios, deny_warnings, &set),
        Command::Sweep(a) => match cmd_sweep(&a) {
            Ok(()) => 0,
            Err(e) => fail(e),
        },
        Command::Staff(a) => match cmd_staff(&a) {
            Ok(()) => 0,
            Err(e) => fail(e),
        },
        Command::Merge(a) => match cmd_merge(&a) {
            Ok(()) => 0,
            Err(e) => fail(e),
        },
        Command::Chart { result, out, image } => match cmd_chart(&result, &out, image) {
            Ok(()) => 0,
            Err(e) => fail(e),
        },
        Command::Report { result, out } => match cmd_report(&result, &out) {
            Ok(()) => 0,
            Err(e) => fail(e),
        },
        Command::Fit(a) => match cmd_fit(&a) {
            Ok(()) => 0,
            Err(e) => fail(e),
        },
        Command::Erlang(e) => cmd_erlang(e),
    }
}

/// `A=B` pairs of a repeated flag.
fn pairs(flag: &str, list: &[String]) -> Result<Vec<(String, String)>, Error> {
    list.iter()
        .map(|s| {
            s.split_once('=')
                .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
                .filter(|(a, b)| !a.is_empty() && !b.is_empty())
                .ok_or_else(|| Error::Input(format!("--{flag} {s}: write NAME=VALUE")))
        })
        .collect()
}

fn read_history(
    path: &std::path::Path,
    columns: &[String],
    drop_bad_rows: bool,
) -> Result<ccsim::data::history::History, Error> {
    let renamed = pairs("column", columns)?;
    for (std_name, _) in &renamed {
        if !ccsim::data::history::Columns::STANDARD.contains(&std_name.as_str()) {
            return Err(Error::Input(format!(
                "--column {std_name}=…: `{std_name}` is not a standard column; they are {}",
                ccsim::data::history::Columns::STANDARD.join(", ")
            )));
        }
    }
    let text =
        std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.display().to_string(), source })?;
    let h = ccsim::data::history::read(
        &text,
        &path.display().to_string(),
        &ccsim::data::history::Columns { renamed },
        drop_bad_rows,
    )?;
    for (line, col, msg) in h.dropped.iter().take(20) {
        eprintln!("{}:{line}:{col}: dropped: {msg}", path.display());
    }
    if h.dropped.len() > 20 {
        eprintln!("… and {} more rows dropped", h.dropped.len() - 20);
    }
    Ok(h)
}

fn cmd_fit(a: &FitArgs) -> Result<(), Error> {
    use ccsim::scenario::ChannelKind;
    check_output(&a.out, &a.history)?;
    let kinds = pairs("kind", &a.kinds)?
        .into_iter()
        .map(|(c, k)| {
            ChannelKind::parse(&k).map(|k| (c.clone(), k)).ok_or_else(|| {
                Error::Input(format!("--kind {c}={k}: `{k}` is not a kind; use {}", ChannelKind::ALLOWED))
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let agents = match &a.template {
        None => None,
        Some(t) => {
            let text =
                std::fs::read_to_string(t).map_err(|source| Error::Io { path: t.display().to_string(), source })?;
            let v: toml::Table = toml::from_str(&text).map_err(|e| Error::Input(format!("{}: {e}", t.display())))?;
            let groups =
                v.get("agents").cloned().ok_or_else(|| Error::Input(format!("{}: has no [[agents]]", t.display())))?;
            let mut table = toml::Table::new();
            table.insert("agents".into(), groups);
            Some(toml::to_string(&table).map_err(|e| Error::Run(format!("template: {e}")))?)
        }
    };
    let h = read_history(&a.history, &a.columns, a.drop_bad_rows)?;
    let name = a
        .name
        .clone()
        .unwrap_or_else(|| a.out.file_stem().map_or("fitted".into(), |s| s.to_string_lossy().into_owned()));
    let opts = ccsim::data::fit::FitOptions {
        name,
        interval: a.interval,
        kinds,
        target: a.target,
        agents,
        source: a.history.file_name().map_or("a history".into(), |f| f.to_string_lossy().into_owned()),
        days: a.days,
    };
    let fit = ccsim::data::fit::fit(&h, &opts).map_err(|m| Error::Input(format!("{}: {m}", a.history.display())))?;
    let text = fit.scenario_toml();
    // What is written must run.
    Scenario::from_toml(&text, &a.out.display().to_string())?;
    write_atomically(&a.out, |w| w.write_all(text.as_bytes()))?;
    emit(&None, |w| write!(w, "{}\nwrote {}\n", fit.summary(), a.out.display()))
}

/// Writes the HTML report of `report`, with its charts, to `path`.
fn write_html(report: &ccsim::report::Report, path: &std::path::Path) -> Result<(), Error> {
    use ccsim::output::{Document, Figure, Html};
    let figures = ccsim::output::charts::for_run(report)
        .into_iter()
        .map(|c| {
            let svg = c.svg()?;
            Ok(Figure { channel: c.channel.clone().unwrap_or_default(), caption: c.title.clone(), svg })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let html = Html::new(figures);
    write_atomically(path, |w| report.tables(&html, w))
}

fn cmd_report(result: &std::path::Path, out: &std::path::Path) -> Result<(), Error> {
    check_output(out, result)?;
    let text =
        std::fs::read_to_string(result).map_err(|source| Error::Io { path: result.display().to_string(), source })?;
    let report =
        ccsim::report::Report::from_json(&text).map_err(|m| Error::Input(format!("{}: {m}", result.display())))?;
    write_html(&report, out)
}

/// Refuses the Excel format for outputs other than a run's.
fn runs_only(format: Format) -> Result<(), Error> {
    if format == Format::Xlsx {
        return Err(Error::Input("--format xlsx is for `ccsim run`; choose table, markdown, csv or json".into()));
    }
    Ok(())
}

/// Writes `charts` into `dir` and lists the files on stderr.
fn write_charts(charts: &[Chart], dir: &std::path::Path, formats: &[ImageFormat]) -> Result<(), Error> {
    let paths = ccsim::output::charts::write_all(charts, dir, formats)?;
    eprintln!("{} chart files written to {}", paths.len(), dir.display());
    Ok(())
}

/// The staffing chart of plans compared (one line per target).
fn staffing_chart(scenario: &str, group: &str, start_day: Weekday, interval: f64, plans: Vec<PlanLine>) -> Chart {
    let title = format!("{scenario}: agents required in {group} by interval, per target");
    ccsim::output::charts::staffing(&title, start_day, interval, &plans)
}

fn cmd_chart(result: &std::path::Path, out: &std::path::Path, image: ImageChoice) -> Result<(), Error> {
    let text =
        std::fs::read_to_string(result).map_err(|source| Error::Io { path: result.display().to_string(), source })?;
    let bad = |m: String| Error::Input(format!("{}: {m}", result.display()));
    let doc: serde_json::Value = serde_json::from_str(&text).map_err(|e| bad(format!("not JSON: {e}")))?;
    let charts = if doc.get("variants").is_some() {
        ccsim::output::charts::for_sweep(
            &ccsim::report::sweep::SweepReport::from_json(&text).map_err(|e| bad(e.to_string()))?,
        )
    } else if doc.get("plans").is_some() {
        let s = ccsim::report::staffing::StaffingReport::from_json(&text).map_err(|e| bad(e.to_string()))?;
        let first = s.plans.first().ok_or_else(|| bad("`plans` is empty".into()))?;
        let lines = s.plans.iter().map(|p| PlanLine { label: p.label(), headcount: p.plan.clone() }).collect();
        let r = &first.report;
        vec![staffing_chart(&r.scenario, &first.group, r.start_day, r.interval_s, lines)]
    } else {
        ccsim::output::charts::for_run(&ccsim::report::Report::from_value(doc).map_err(|e| bad(e.to_string()))?)
    };
    write_charts(&charts, out, &image.formats())
}

/// Prints an error and returns its exit code: 2 for bad input, 1 for anything else. The
/// one place where exit codes come from error kinds.
fn fail(e: Error) -> i32 {
    match &e {
        Error::Scenario(_) => eprintln!("{e}"),
        _ => eprintln!("ccsim: {e}"),
    }
    if e.is_bad_input() { 2 } else { 1 }
}

fn cmd_run(a: RunArgs) -> i32 {
    match run_to_output(&a) {
        Ok(()) => 0,
        Err(e) => fail(e),
    }
}

/// Whether two paths name the same file (an output path that does not exist yet names no
/// existing file).
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Writes an output. A regular file (or a new one) is written whole or not at all: into a
/// temporary file beside it, synced, then renamed over it with the old file's permissions,
/// so that a failed run never leaves half a file. Anything else (a device such as
/// /dev/stdout, a pipe, a symbolic link) is written to directly.
fn write_atomically(
    path: &std::path::Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Error> {
    let io = |source| Error::Io { path: path.display().to_string(), source };
    let existing = std::fs::symlink_metadata(path).ok();
    if existing.as_ref().is_some_and(|m| !m.file_type().is_file()) {
        let f = std::fs::OpenOptions::new().write(true).open(path).map_err(io)?;
        let mut w = std::io::BufWriter::new(f);
        return write(&mut w).and_then(|()| w.flush()).map_err(io);
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "output".into());
    let tmp = dir.join(format!(".{name}.ccsim-{}.tmp", std::process::id()));
    let result = std::fs::File::create(&tmp).and_then(|f| {
        if let Some(m) = &existing {
            f.set_permissions(m.permissions())?;
        }
        let mut w = std::io::BufWriter::new(f);
        write(&mut w)?;
        w.flush()?;
        w.get_ref().sync_all()
    });
    match result.and_then(|()| std::fs::rename(&tmp, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(io(e))
        }
    }
}

/// Refuses an output path that cannot be written, before anything is simulated.
fn check_output(out: &std::path::Path, scenario: &std::path::Path) -> Result<(), Error> {
    if out == scenario || same_file(out, scenario) {
        return Err(Error::Input(format!(
            "--output {} is the scenario file itself; writing the report there would destroy the scenario — choose another file",
            out.display()
        )));
    }
    let dir = out.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    if std::fs::symlink_metadata(out).is_err() && !dir.is_dir() {
        let source =
            std::io::Error::new(std::io::ErrorKind::NotFound, format!("the folder {} does not exist", dir.display()));
        return Err(Error::Io { path: out.display().to_string(), source });
    }
    Ok(())
}

fn run_to_output(a: &RunArgs) -> Result<(), Error> {
    for out in [&a.output, &a.report, &a.log].into_iter().flatten() {
        check_output(out, &a.scenario)?;
    }
    if a.format == Format::Xlsx && a.output.is_none() && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return Err(Error::Input("--format xlsx writes a binary workbook: give --output FILE.xlsx".into()));
    }
    let scenario = load(&a.scenario, &a.set)?;
    if !warn(&scenario, a.deny_warnings) {
        return Err(Error::Input(format!("{}: warnings are errors with --deny-warnings", a.scenario.display())));
    }
    let opts = RunOptions { replications: a.replications, seed: a.seed, threads: a.threads.map(|t| t as usize) };
    // A bad history is refused before anything is simulated.
    let history = a.actuals.as_ref().map(|p| read_history(p, &[], false)).transpose()?;
    let results = run(scenario, &opts)?;
    let mut report = ccsim::report::Report::from(&results);
    if let (Some(path), Some(h)) = (&a.actuals, &history) {
        report.actuals = ccsim::data::history::observed(h, results.scenario());
        if report.actuals.is_empty() {
            return Err(Error::Input(format!("{}: no contact of the scenario's channels", path.display())));
        }
    }
    let options = Format::options(a.intervals, a.wide);
    let format = a.format.report_format();
    emit(&a.output, |w| format.write(&report, options, w))?;
    if let Some(dir) = &a.charts {
        write_charts(&ccsim::output::charts::for_run(&report), dir, &[ImageFormat::Png, ImageFormat::Svg])?;
    }
    if let Some(path) = &a.report {
        write_html(&report, path)?;
    }
    if let Some(path) = &a.log {
        let model = &results.model;
        write_atomically(path, |w| {
            let log = ccsim::data::history::ContactLog::new(model, w)?;
            let log = ccsim::engine::simulate_with(model, 0, log).map_err(|e| std::io::Error::other(e.to_string()))?;
            log.finish()
        })?;
    }
    Ok(())
}

/// Prints a scenario's warnings on stderr; with `deny`, they are errors. Returns whether
/// the scenario may go on.
fn warn(s: &Scenario, deny: bool) -> bool {
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

/// Parses `--set PATH=VALUE` arguments.
fn overrides(set: &[String]) -> Result<Vec<(&str, &str)>, Error> {
    set.iter()
        .map(|a| {
            a.split_once('=')
                .map(|(p, v)| (p.trim(), v))
                .filter(|(p, _)| !p.is_empty())
                .ok_or_else(|| Error::Input(format!("--set {a}: write PATH=VALUE, such as --set agents.team.staff=44")))
        })
        .collect()
}

/// Loads a scenario and applies `--set` overrides to it.
fn load(path: &std::path::Path, set: &[String]) -> Result<Scenario, Error> {
    let s = Scenario::load(path)?;
    let pairs = overrides(set)?;
    if pairs.is_empty() { Ok(s) } else { Ok(s.with_overrides(&pairs)?) }
}

fn cmd_sweep(a: &SweepArgs) -> Result<(), Error> {
    runs_only(a.format)?;
    use ccsim::plan::sweep::{Axis, sweep, variants};
    if let Some(out) = &a.output {
        check_output(out, &a.scenario)?;
    }
    let mut base = Scenario::load(&a.scenario)?;
    if let Some(r) = a.replications {
        base = base.with_replications(r)?;
    }
    if let Some(s) = a.seed {
        base = base.with_seed(s);
    }
    let (set, zip, baseline) = match (a.set.is_empty(), base.saved_sweep()) {
        (false, _) => (a.set.clone(), a.zip, a.baseline.unwrap_or(0)),
        (true, Some(saved)) => (saved.set.clone(), saved.zip || a.zip, a.baseline.unwrap_or(saved.baseline)),
        (true, None) => {
            return Err(Error::Input(format!(
                "{}: give axes with --set PATH=V1,V2,… (or save them in the scenario's [sweep] table)",
                a.scenario.display()
            )));
        }
    };
    let axes: Vec<Axis> = set.iter().map(|s| Axis::parse(s)).collect::<Result<_, _>>()?;
    let list = variants(&axes, zip)?;
    if baseline >= list.len() {
        return Err(Error::Input(format!(
            "--baseline {baseline}: there are {} variants (0 to {})",
            list.len(),
            list.len().saturating_sub(1)
        )));
    }
    let shard_reps = a.shard.map_or(u64::from(base.replications()), |(i, n)| {
        ccsim::plan::sweep::shard_replications(u64::from(base.replications()), i, n).count() as u64
    });
    let show = !a.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(list.len() as u64 * shard_reps),
        if show { indicatif::ProgressDrawTarget::stderr() } else { indicatif::ProgressDrawTarget::hidden() },
    );
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} replications, {eta} left")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    if let Some((shard, shards)) = a.shard {
        let plan = ccsim::plan::sweep::plan(&base, &list, baseline)?;
        let run_shard = || ccsim::plan::sweep::run_shard(&plan, shard, shards, |done, _| bar.set_position(done as u64));
        let done = match a.threads {
            None => run_shard()?,
            Some(n) => rayon_pool(n as usize)?.install(run_shard)?,
        };
        bar.finish_and_clear();
        let part = Partial {
            format: PARTIAL_FORMAT.into(),
            file: base.file().to_owned(),
            text: base.source_text().to_owned(),
            replications: base.replications(),
            seed: base.seed(),
            set,
            zip,
            baseline,
            shard,
            shards,
            done: done
                .into_iter()
                .map(|(r, kpis)| PartialReplication {
                    replication: r,
                    kpis: kpis.into_iter().map(to_json_numbers).collect(),
                })
                .collect(),
        };
        return emit(&a.output, |w| {
            serde_json::to_writer(&mut *w, &part).map_err(std::io::Error::from).and_then(|()| writeln!(w))
        });
    }
    let run_sweep = || sweep(&base, &list, baseline, |done, _| bar.set_position(done as u64));
    let results = match a.threads {
        None => run_sweep()?,
        Some(n) => rayon_pool(n as usize)?.install(run_sweep)?,
    };
    bar.finish_and_clear();
    let report = ccsim::report::sweep::SweepReport::new(&results);
    let format = a.format.report_format();
    emit(&a.output, |w| format.write(&report, Default::default(), w))?;
    if let Some(dir) = &a.charts {
        write_charts(&ccsim::output::charts::for_sweep(&report), dir, &[ImageFormat::Png, ImageFormat::Svg])?;
    }
    Ok(())
}

/// Writes an output to `--output` (atomically) or standard output. A reader that closes
/// standard output early (`ccsim run … | head`) is not an error: the rest is dropped quietly,
/// as command-line tools do.
fn emit(output: &Option<PathBuf>, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), Error> {
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

const PARTIAL_FORMAT: &str = "ccsim partial sweep 1";

/// A shard's partial result: what the merge needs to rebuild the sweep and fold it.
#[derive(serde::Serialize, serde::Deserialize)]
struct Partial {
    format: String,
    file: String,
    text: String,
    replications: u32,
    seed: u64,
    set: Vec<String>,
    zip: bool,
    baseline: usize,
    shard: u64,
    shards: u64,
    done: Vec<PartialReplication>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct PartialReplication {
    replication: u64,
    /// Per variant, the KPI vector (undefined values as null); numbers round-trip exactly.
    kpis: Vec<Vec<Option<f64>>>,
}

fn to_json_numbers(k: Vec<f64>) -> Vec<Option<f64>> {
    k.into_iter().map(|x| (!x.is_nan()).then_some(x)).collect()
}

fn cmd_staff(a: &StaffArgs) -> Result<(), Error> {
    runs_only(a.format)?;
    use ccsim::plan::staffing::{Goal, optimise};
    use ccsim::scenario::ServiceTarget;
    let mut base = Scenario::load(&a.scenario)?;
    if let Some(r) = a.replications {
        base = base.with_replications(r)?;
    }
    if let Some(s) = a.seed {
        base = base.with_seed(s);
    }
    let group = match &a.group {
        Some(name) => base.groups().iter().position(|g| &g.name == name).ok_or_else(|| {
            let names: Vec<&str> = base.groups().iter().map(|g| g.name.as_str()).collect();
            Error::Input(format!("--group {name}: no such group; the groups are: {}", names.join(", ")))
        })?,
        None if base.groups().len() == 1 => 0,
        None => {
            let names: Vec<&str> = base.groups().iter().map(|g| g.name.as_str()).collect();
            return Err(Error::Input(format!(
                "the scenario has several groups; choose one with --group ({})",
                names.join(", ")
            )));
        }
    };
    for path in [&a.write, &a.output].into_iter().flatten() {
        check_output(path, &a.scenario)?;
    }
    let targets: Vec<Option<ServiceTarget>> = if a.target.is_empty() {
        vec![None]
    } else {
        a.target.iter().map(|&(share, within)| Some(ServiceTarget { share, within })).collect()
    };
    let show = !a.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let mut plans = Vec::new();
    for target in &targets {
        let goal =
            Goal { group, target: *target, max_abandon: a.max_abandon, confidence: a.confidence, max_rounds: 60 };
        let plan = optimise(&base, &goal, |runs| {
            if show {
                eprint!("\rsimulating plans: {runs} runs");
            }
        })?;
        if show {
            eprintln!();
        }
        plans.push((*target, plan));
    }
    if let Some(path) = &a.write {
        check_output(path, &a.scenario)?;
        let (_, plan) = &plans[0];
        let text = plan.scenario.overridden_text()?;
        write_atomically(path, |w| w.write_all(text.as_bytes()))?;
    }
    let doc = ccsim::report::staffing::StaffingReport::new(&base, group, a.confidence, &plans);
    if let Some(dir) = &a.charts {
        let lines = doc.plans.iter().map(|p| PlanLine { label: p.label(), headcount: p.plan.clone() }).collect();
        let g = &base.groups()[group];
        let chart = staffing_chart(base.name(), &g.name, base.start_day(), base.interval(), lines);
        write_charts(&[chart], dir, &[ImageFormat::Png, ImageFormat::Svg])?;
    }
    let format = a.format.report_format();
    emit(&a.output, |w| format.write(&doc, Format::options(false, true), w))
}

fn cmd_merge(a: &MergeArgs) -> Result<(), Error> {
    runs_only(a.format)?;
    let mut parts = Vec::new();
    for p in &a.parts {
        let io = |source| Error::Io { path: p.display().to_string(), source };
        let text = std::fs::read_to_string(p).map_err(io)?;
        let part: Partial = serde_json::from_str(&text)
            .map_err(|e| Error::Input(format!("{}: not a partial sweep result ({e})", p.display())))?;
        if part.format != PARTIAL_FORMAT {
            return Err(Error::Input(format!("{}: written by another version (`{}`)", p.display(), part.format)));
        }
        parts.push((p, part));
    }
    let (first_path, first) = &parts[0];
    let mut seen = vec![false; first.shards as usize];
    for (p, part) in &parts {
        let same = part.text == first.text
            && part.replications == first.replications
            && part.seed == first.seed
            && part.set == first.set
            && part.zip == first.zip
            && part.baseline == first.baseline
            && part.shards == first.shards;
        if !same {
            return Err(Error::Input(format!(
                "{} and {} are shards of different sweeps (scenario, axes or options differ)",
                first_path.display(),
                p.display()
            )));
        }
        match seen.get_mut(part.shard as usize) {
            Some(s) if !*s => *s = true,
            _ => {
                return Err(Error::Input(format!(
                    "{}: shard {}/{} is given twice",
                    p.display(),
                    part.shard,
                    part.shards
                )));
            }
        }
    }
    if let Some(missing) = seen.iter().position(|s| !s) {
        return Err(Error::Input(format!("shard {missing}/{} is missing", first.shards)));
    }
    let base =
        Scenario::from_toml(&first.text, &first.file)?.with_replications(first.replications)?.with_seed(first.seed);
    let axes: Vec<ccsim::plan::sweep::Axis> =
        first.set.iter().map(|s| ccsim::plan::sweep::Axis::parse(s)).collect::<Result<_, _>>()?;
    let list = ccsim::plan::sweep::variants(&axes, first.zip)?;
    let plan = ccsim::plan::sweep::plan(&base, &list, first.baseline)?;
    let reps = parts
        .into_iter()
        .flat_map(|(_, p)| p.done)
        .map(|r| {
            (
                r.replication,
                r.kpis.into_iter().map(|k| k.into_iter().map(|x| x.unwrap_or(f64::NAN)).collect()).collect(),
            )
        })
        .collect();
    let results = ccsim::plan::sweep::merge(plan, reps)?;
    let report = ccsim::report::sweep::SweepReport::new(&results);
    let format = a.format.report_format();
    emit(&a.output, |w| format.write(&report, Default::default(), w))
}

/// A pool of `n` worker threads.
fn rayon_pool(n: usize) -> Result<rayon::ThreadPool, Error> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .map_err(|e| Error::Run(format!("cannot start {n} worker threads: {e}")))
}

fn cmd_validate(paths: &[PathBuf], deny_warnings: bool, set: &[String]) -> i32 {
    let mut code = 0;
    for p in paths {
        match load(p, set) {
            Err(e) => code = code.max(fail(e)),
            Ok(s) if !warn(&s, deny_warnings) => code = 2,
            Ok(s) => {
                out!(
                    "{}: ok — {} channel(s), {} agent group(s), horizon {}, {} replications",
                    p.display(),
                    s.channels().len(),
                    s.groups().len(),
                    format_duration(s.horizon()),
                    s.replications()
                );
                for ch in s.channels() {
                    let n = ch.arrivals.expected(s.warmup(), s.horizon());
                    let aht: f64 = ch.types.iter().map(|t| t.share * t.handle_time.mean()).sum();
                    out!(
                        "  {} ({}): {:.0} contacts expected after warm-up, peak {:.0}/h, mean handle time {}",
                        ch.name,
                        ch.kind.name(),
                        n,
                        ch.arrivals.max_rate() * 3600.0,
                        format_duration(aht)
                    );
                }
            }
        }
    }
    code
}

fn cmd_erlang(cmd: ErlangCommand) -> i32 {
    use ccsim::report::erlang::{AbandonResult, AgentsResult, BlockingResult, WaitingResult};
    use ccsim::scenario::ServiceTarget;
    let write = |format: ErlangFormat, doc: &dyn Fn(ReportFormat) -> std::io::Result<()>| -> i32 {
        let _ = doc(match format {
            ErlangFormat::Text => ReportFormat::Table,
            ErlangFormat::Json => ReportFormat::Json,
        });
        0
    };
    let stdout = || std::io::BufWriter::new(std::io::stdout().lock());
    let opts = ccsim::output::TableOptions::default();
    let result = match cmd {
        ErlangCommand::B { erlangs, per_hour, aht, lines, format } => {
            let a = match (erlangs, per_hour, aht) {
                (Some(a), _, _) => a,
                (None, Some(r), Some(h)) => r / 3600.0 * h,
                _ => {
                    eprintln!("ccsim: give --erlangs, or --per-hour with --aht");
                    return 2;
                }
            };
            BlockingResult::new(a, lines).map(|d| write(format, &|f| f.write(&d, opts, &mut stdout())))
        }
        ErlangCommand::C { load, agents, within, format } => {
            WaitingResult::new(load.per_hour, load.aht, agents, within)
                .map(|d| write(format, &|f| f.write(&d, opts, &mut stdout())))
        }
        ErlangCommand::A { load, agents, patience, within, format } => {
            AbandonResult::new(load.per_hour, load.aht, agents, patience, within)
                .map(|d| write(format, &|f| f.write(&d, opts, &mut stdout())))
        }
        ErlangCommand::Agents { load, target: (share, within), patience, format } => {
            AgentsResult::new(load.per_hour, load.aht, ServiceTarget { share, within }, patience)
                .map(|d| write(format, &|f| f.write(&d, opts, &mut stdout())))
        }
    };
    result.unwrap_or_else(fail)
}
