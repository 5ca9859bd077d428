//! `ccsim sweep`: run a scenario's variants with common random numbers and compare each
//! with the baseline; or run one shard of the sweep and write its part.

use super::common::{OutputArgs, ReportArgs, RunSettings, check_output, emit, progress_bar, write_charts};
use ccsim::Error;
use ccsim::output::charts::ImageFormat;
use ccsim::plan::shard::{Part, shard_replications};
use ccsim::plan::sweep::Study;
use ccsim::report::sweep::SweepReport;
use ccsim::scenario::Scenario;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// An axis: PATH=V1,V2,… with ranges A..=B or A..=B:STEP (numbers), such as
    /// agents.team.staff=40..=46 or channel.chat.service_level.within=30s,40s. Several
    /// axes make their cartesian product (the last varies fastest), or pair up with --zip.
    /// Without --set, the scenario's own `[sweep]` table is used.
    #[arg(long = "set", value_name = "PATH=VALUES")]
    set: Vec<String>,
    /// Pair the axes' values one by one instead of taking every combination.
    #[arg(long)]
    zip: bool,
    /// The variant the others are compared with (default: the first, or the saved study's).
    #[arg(long)]
    baseline: Option<usize>,
    #[command(flatten)]
    output: OutputArgs,
    /// Replications (of every variant), seed, threads.
    #[command(flatten)]
    settings: RunSettings,
    #[command(flatten)]
    report_args: ReportArgs,
    /// No progress bar (it is shown only when stderr is a terminal anyway).
    #[arg(long, short)]
    quiet: bool,
    /// Run only shard I of N (I from 0): every N-th replication from the I-th, of every
    /// variant; writes a partial result for `ccsim merge`.
    #[arg(long, value_name = "I/N", value_parser = shard_arg)]
    shard: Option<(u64, u64)>,
    /// Also draw each channel's service level and each group's cost against the swept
    /// parameter, with 95 % error bars (PNG and SVG), into this folder.
    #[arg(long, value_name = "DIR")]
    charts: Option<PathBuf>,
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

pub fn main(a: &Args) -> Result<(), Error> {
    a.output.runs_only()?;
    if let Some(out) = &a.output.output {
        check_output(out, &a.scenario)?;
    }
    let selection = a.report_args.selection()?;
    let opts = a.settings.options();
    let study = Study::new(opts.apply(a.report_args.apply(Scenario::load(&a.scenario)?)?)?, &a.set, a.zip, a.baseline)?;
    let reps = u64::from(study.base.replications());
    let shard_reps = a.shard.map_or(reps, |(i, n)| shard_replications(reps, i, n).count() as u64);
    let bar = progress_bar(study.variants.len() as u64 * shard_reps, a.quiet, "replications");
    let threads = opts.threads;
    let progress = |done: usize, _: usize| bar.set_position(done as u64);
    if let Some((shard, shards)) = a.shard {
        let part = ccsim::plan::with_threads(threads, || Part::run(&study, shard, shards, progress))?;
        bar.finish_and_clear();
        return emit(&a.output.output, |w| part.write(w));
    }
    let results = ccsim::plan::with_threads(threads, || study.run(progress))?;
    bar.finish_and_clear();
    let report = SweepReport::new(&results);
    let mut chosen = report.clone();
    chosen.select(&selection);
    a.output.write(&chosen, Default::default())?;
    if let Some(dir) = &a.charts {
        write_charts(&ccsim::output::charts::for_sweep(&report), dir, &[ImageFormat::Png, ImageFormat::Svg])?;
    }
    Ok(())
}
