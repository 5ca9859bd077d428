//! `ccsim schedule`: the cheapest rosters of shifts of one group or several together, from
//! their shift rules, that meet every interval's target in simulation; written back into
//! the scenario.

use super::common::{
    GoalArgs, OutputArgs, ReportArgs, RunSettings, check_output, target_arg, write_atomically, write_charts,
};
use ccsim::Error;
use ccsim::output::charts::ImageFormat;
use ccsim::plan::schedule::schedule_groups;
use ccsim::report::schedule::ScheduleReport;
use ccsim::scenario::{Scenario, ServiceTarget};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenario file (TOML); each group rostered needs [[agents.rule]] entries (the shifts it
    /// may use).
    scenario: PathBuf,
    /// Service-level target PERCENT/THRESHOLD for the group's channels (default: each
    /// channel's own).
    #[arg(long, value_parser = target_arg)]
    target: Option<ServiceTarget>,
    /// Groups, caps and confidence.
    #[command(flatten)]
    goal: GoalArgs,
    /// Write the scenario with the roster as [[agents.shift]] entries (runnable as is).
    #[arg(long)]
    write: Option<PathBuf>,
    #[command(flatten)]
    output: OutputArgs,
    /// Replications (of every simulated roster), seed, threads.
    #[command(flatten)]
    settings: RunSettings,
    #[command(flatten)]
    report_args: ReportArgs,
    /// No progress on stderr.
    #[arg(long, short)]
    quiet: bool,
    /// Also draw the coverage chart of each group (required and scheduled agents, service
    /// level beneath; PNG and SVG) into this folder.
    #[arg(long, value_name = "DIR")]
    charts: Option<PathBuf>,
}

pub fn main(a: &Args) -> Result<(), Error> {
    a.output.runs_only()?;
    let selection = a.report_args.selection()?;
    let opts = a.settings.options();
    let base = opts.apply(a.report_args.apply(Scenario::load(&a.scenario)?)?)?;
    let groups = ccsim::plan::staffing::groups_named(&base, &a.goal.group)?;
    for path in [&a.write, &a.output.output].into_iter().flatten() {
        check_output(path, &a.scenario)?;
    }
    let show = !a.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let (max_abandon, max_occupancy) = (a.goal.max_abandon, a.goal.max_occupancy);
    let s = schedule_groups(
        &base,
        &groups,
        a.target,
        max_abandon,
        max_occupancy,
        a.goal.confidence,
        opts.threads,
        |runs| {
            if show {
                eprint!("\rsimulating rosters: {runs} runs");
            }
        },
    )?;
    if show {
        eprintln!();
    }
    if let Some(path) = &a.write {
        let text = s.scenario.overridden_text()?;
        write_atomically(path, |w| w.write_all(text.as_bytes()))?;
    }
    let doc = ScheduleReport::new(&base, &s, a.target, a.goal.confidence);
    if let Some(dir) = &a.charts {
        write_charts(&ccsim::output::charts::coverage(&doc), dir, &[ImageFormat::Png, ImageFormat::Svg])?;
    }
    let mut chosen = doc;
    chosen.select(&selection);
    a.output.write(&chosen, Default::default())
}
