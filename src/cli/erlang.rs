//! `ccsim erlang b|c|a|agents`: the analytic calculators.

use super::common::{OutputArgs, duration_arg, rate_arg, target_arg};
use ccsim::Error;
use ccsim::report::erlang::{AbandonResult, AgentsResult, BlockingResult, WaitingResult};
use ccsim::scenario::ServiceTarget;

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Erlang B: probability that a call finds every line busy (no queue).
    #[command(
        after_help = "Examples:\n  ccsim erlang b --erlangs 8 --lines 10\n  ccsim erlang b --per-hour 120 --aht 4m --lines 10"
    )]
    B {
        /// Offered load in Erlangs (or give --per-hour and --aht).
        #[arg(long, conflicts_with_all = ["per_hour", "aht"])]
        erlangs: Option<f64>,
        /// Arrivals per hour (with --aht).
        #[arg(long, requires = "aht")]
        per_hour: Option<f64>,
        /// Mean handle time, with its unit (with --per-hour).
        #[arg(long, value_parser = duration_arg, requires = "per_hour")]
        aht: Option<f64>,
        /// Lines.
        #[arg(long)]
        lines: u32,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Erlang C (M/M/c): probability of waiting, service level, ASA, occupancy.
    #[command(after_help = "Example:\n  ccsim erlang c --per-hour 120 --aht 4m --agents 10 --within 20s")]
    C {
        #[command(flatten)]
        load: Load,
        /// Agents.
        #[arg(long)]
        agents: u32,
        /// Service-level threshold.
        #[arg(long, value_parser = duration_arg, default_value = "20s")]
        within: f64,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Erlang A (M/M/c+M): as Erlang C with exponentially distributed patience.
    #[command(after_help = "Example:\n  ccsim erlang a --per-hour 120 --aht 4m --agents 10 --patience 2m --within 20s")]
    A {
        #[command(flatten)]
        load: Load,
        /// Agents.
        #[arg(long)]
        agents: u32,
        /// Mean patience of waiting callers.
        #[arg(long, value_parser = duration_arg)]
        patience: f64,
        /// Service-level threshold.
        #[arg(long, value_parser = duration_arg, default_value = "20s")]
        within: f64,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Minimum agents for a service-level target (Erlang C, or Erlang A with --patience).
    #[command(
        after_help = "Examples:\n  ccsim erlang agents --per-hour 120 --aht 4m --target 80/20s\n  ccsim erlang agents --per-hour 600 --aht 5m --target 90/30s --patience 3m"
    )]
    Agents {
        #[command(flatten)]
        load: Load,
        /// Target as PERCENT/THRESHOLD, such as 80/20s.
        #[arg(long, value_parser = target_arg)]
        target: ServiceTarget,
        /// Mean patience of waiting callers (Erlang A); without it, nobody abandons.
        #[arg(long, value_parser = duration_arg)]
        patience: Option<f64>,
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// The offered load: arrivals per hour and mean handle time.
#[derive(clap::Args, Debug)]
pub struct Load {
    /// Arrivals per hour.
    #[arg(long, value_parser = rate_arg)]
    per_hour: f64,
    /// Mean handle time, with its unit ("4m", "240s").
    #[arg(long, value_parser = duration_arg)]
    aht: f64,
}

pub fn main(cmd: Command) -> Result<(), Error> {
    let (Command::B { output, .. }
    | Command::C { output, .. }
    | Command::A { output, .. }
    | Command::Agents { output, .. }) = &cmd;
    output.runs_only()?;
    match cmd {
        Command::B { erlangs, per_hour, aht, lines, output } => {
            let load = match (erlangs, per_hour, aht) {
                (Some(a), _, _) => a,
                (None, Some(r), Some(h)) => r / 3600.0 * h,
                _ => return Err(Error::Input("give --erlangs, or --per-hour with --aht".into())),
            };
            output.write(&BlockingResult::new(load, lines)?, Default::default())
        }
        Command::C { load, agents, within, output } => {
            output.write(&WaitingResult::new(load.per_hour, load.aht, agents, within)?, Default::default())
        }
        Command::A { load, agents, patience, within, output } => {
            output.write(&AbandonResult::new(load.per_hour, load.aht, agents, patience, within)?, Default::default())
        }
        Command::Agents { load, target, patience, output } => {
            output.write(&AgentsResult::new(load.per_hour, load.aht, target, patience)?, Default::default())
        }
    }
}
