//! `ccsim staff`: the fewest agents per interval of one group or of several planned together
//! that meet the targets, compared across targets, with the plan written back into the
//! scenario.

use super::common::{
    GoalArgs, OutputArgs, ReportArgs, RunSettings, check_output, target_arg, write_atomically, write_charts,
};
use ccsim::Error;
use ccsim::output::charts::ImageFormat;
use ccsim::plan::staffing::compare;
use ccsim::report::staffing::StaffingReport;
use ccsim::scenario::{Scenario, ServiceTarget};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Service-level target PERCENT/THRESHOLD for the group's channels (default: each
    /// channel's own). Repeat to compare targets side by side.
    #[arg(long, value_parser = target_arg)]
    target: Vec<ServiceTarget>,
    /// Groups, caps and confidence.
    #[command(flatten)]
    goal: GoalArgs,
    /// Write the scenario with the plan filled in (runnable as is); with several targets,
    /// the plan of the first.
    #[arg(long)]
    write: Option<PathBuf>,
    #[command(flatten)]
    output: OutputArgs,
    /// Replications (of every candidate plan), seed, threads.
    #[command(flatten)]
    settings: RunSettings,
    #[command(flatten)]
    report_args: ReportArgs,
    /// No progress on stderr.
    #[arg(long, short)]
    quiet: bool,
    /// Also draw the required agents by interval, one line per target (PNG and SVG), into
    /// this folder.
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
    let targets: Vec<Option<ServiceTarget>> =
        if a.target.is_empty() { vec![None] } else { a.target.iter().copied().map(Some).collect() };
    let show = !a.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let mut last = usize::MAX;
    let (max_abandon, max_occupancy) = (a.goal.max_abandon, a.goal.max_occupancy);
    let plans = compare(
        &base,
        &groups,
        &targets,
        max_abandon,
        max_occupancy,
        a.goal.confidence,
        opts.threads,
        |target, runs| {
            if show {
                if target != last && last != usize::MAX {
                    eprintln!();
                }
                last = target;
                eprint!("\rsimulating plans: {runs} runs");
            }
        },
    )?;
    if show {
        eprintln!();
    }
    if let Some(path) = &a.write {
        let text = plans[0].1.scenario.overridden_text()?;
        write_atomically(path, |w| w.write_all(text.as_bytes()))?;
    }
    let doc = StaffingReport::new(&base, a.goal.confidence, &plans);
    if let Some(dir) = &a.charts {
        write_charts(&[ccsim::output::charts::staffing_of(&doc)], dir, &[ImageFormat::Png, ImageFormat::Svg])?;
    }
    let mut chosen = doc.clone();
    chosen.select(&selection);
    a.output.write(&chosen, Default::default())
}
