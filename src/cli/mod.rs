//! The command line: parse the arguments, call the library, print, and map the outcome to
//! an exit code — 0 success, 2 bad input (scenario, other input file or arguments), 1 any
//! other failure. One file per subcommand; the options they share are declared once in
//! `common.rs` and flattened into each.

mod chart;
mod common;
mod compare;
mod erlang;
mod fit;
mod merge;
mod report;
mod run;
mod schedule;
mod staff;
mod sweep;
mod validate;

use ccsim::Error;
use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "ccsim",
    version,
    about = "Contact-centre queue simulator: service level, waits, abandonment and occupancy by discrete-event simulation",
    after_help = "Examples:\n  ccsim run scenarios/single-queue.toml\n  ccsim run scenarios/retail-day.toml --format json --output day.json\n  ccsim validate scenarios/*.toml\n  ccsim erlang agents --per-hour 120 --aht 4m --target 80/20s"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Simulate a scenario and report its KPIs (mean ± 95 % CI over replications).
    #[command(
        after_help = "Examples:\n  ccsim run scenarios/single-queue.toml\n  ccsim run scenarios/retail-day.toml --intervals\n  ccsim run scenarios/retail-day.toml --format csv --output day.csv --replications 50 --seed 3\n  ccsim run scenarios/benchmark.toml --threads 1"
    )]
    Run(run::Args),
    /// Check scenario files and report every problem, without simulating.
    #[command(after_help = "Examples:\n  ccsim validate scenarios/retail-day.toml\n  ccsim validate scenarios/*.toml")]
    Validate(validate::Args),
    /// Run a scenario under several sets of overrides (variants) with common random
    /// numbers, and compare each with a baseline by paired differences.
    #[command(
        after_help = "Examples:\n  ccsim sweep scenarios/single-queue.toml --set agents.team.staff=9..=13\n  ccsim sweep scenarios/omnichannel.toml --set channel.chat.service_level.within=40s,30s --set channel.chat.service_level.target=0.8,0.9 --zip\n  ccsim sweep scenarios/retail-day.toml --set 'agents.phone team.staff=+0,+1,+2' --format csv --output sweep.csv"
    )]
    Sweep(sweep::Args),
    /// The fewest agents per planning interval that meet the targets: SIPP from Erlang,
    /// refined by simulation (queues carry over between intervals).
    #[command(
        after_help = "Examples:\n  ccsim staff scenarios/retail-day.toml\n  ccsim staff scenarios/retail-day.toml --target 80/20s --target 90/30s --target 80/60s\n  ccsim staff scenarios/retail-day.toml --max-abandon 5% --write plan.toml --format csv -o plan.csv"
    )]
    Staff(staff::Args),
    /// The cheapest roster of shifts (from the group's [[agents.rule]] entries) whose every
    /// interval meets its target when the roster itself is simulated.
    #[command(
        after_help = "Examples:\n  ccsim schedule scenarios/retail-day.toml\n  ccsim schedule scenarios/retail-day.toml --write rostered.toml --charts charts/\n  ccsim schedule scenarios/retail-day.toml --target 80/20s --format json -o roster.json"
    )]
    Schedule(schedule::Args),
    /// Combine the partial results of a sharded sweep into exactly what the unsharded
    /// sweep prints.
    #[command(
        after_help = "Example:\n  ccsim sweep s.toml --set agents.team.staff=40..=46 --shard 0/2 -o part0.json\n  ccsim sweep s.toml --set agents.team.staff=40..=46 --shard 1/2 -o part1.json\n  ccsim merge part0.json part1.json --format csv"
    )]
    Merge(merge::Args),
    /// Draw the charts of a result written earlier with `--format json` (a run, a sweep or
    /// a staffing comparison), as PNG and SVG.
    #[command(
        after_help = "Examples:\n  ccsim run scenarios/omnichannel.toml --format json -o week.json\n  ccsim chart week.json --out charts/\n  ccsim chart sweep.json --out charts/ --image svg"
    )]
    Chart(chart::Args),
    /// Write the shareable HTML report of a run's JSON result: its inputs, the KPI tables
    /// with 95 % intervals and below-target marks, every chart, and the definitions; one
    /// self-contained file that opens offline.
    #[command(
        after_help = "Examples:\n  ccsim run scenarios/omnichannel.toml --format json -o week.json\n  ccsim report week.json --out week.html\n  ccsim run scenarios/retail-day.toml --report day.html"
    )]
    Report(report::Args),
    /// Fit a runnable scenario from a contact history: arrival profile per weekday and
    /// interval, handle times, patience by Kaplan–Meier, forecast error.
    #[command(
        after_help = "Examples:\n  ccsim fit scenarios/history/contacts.csv --out fitted.toml\n  ccsim fit export.csv --out fitted.toml --column arrival=CallStart --column wait_s=QueueSecs --kind Web=chat --template current.toml"
    )]
    Fit(fit::Args),
    /// Two saved runs side by side: every KPI of both and its difference B − A with a 95 %
    /// interval, paired replication by replication when the runs share seed and
    /// replications (common random numbers).
    #[command(
        after_help = "Examples:\n  ccsim run scenarios/retail-day.toml --format json -o now.json\n  ccsim run scenarios/retail-day.toml --set 'agents.phone team.staff=+1' --format json -o plus1.json\n  ccsim compare now.json plus1.json --kpi service_level,abandon_rate,cost"
    )]
    Compare(compare::Args),
    /// Analytic Erlang B, C and A formulas and minimum staffing.
    #[command(subcommand)]
    Erlang(erlang::Command),
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
    let done = match cli.command {
        Command::Run(a) => run::main(&a),
        Command::Validate(a) => return validate::main(&a),
        Command::Sweep(a) => sweep::main(&a),
        Command::Staff(a) => staff::main(&a),
        Command::Schedule(a) => schedule::main(&a),
        Command::Merge(a) => merge::main(&a),
        Command::Chart(a) => chart::main(&a),
        Command::Report(a) => report::main(&a),
        Command::Compare(a) => compare::main(&a),
        Command::Fit(a) => fit::main(&a),
        Command::Erlang(c) => erlang::main(c),
    };
    match done {
        Ok(()) => 0,
        Err(e) => fail(e),
    }
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
