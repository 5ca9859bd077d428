//! ccsim as a library, the way the Python package and the browser page use it: no command
//! line (clap) and no thread pool (rayon) — build it with
//!
//! ```text
//! cargo run --release --no-default-features --example library
//! ```
//!
//! It runs a scenario, sweeps its headcount, and plans a group's staffing per interval,
//! each result a typed value that is then written as a document (table, CSV, JSON) and
//! read back. CI runs it.

use ccsim::Error;
use ccsim::output::{Format, TableOptions};
use ccsim::plan::run::{RunOptions, run};
use ccsim::plan::staffing::{Goal, group_named, optimise};
use ccsim::plan::sweep::Study;
use ccsim::report::Report;
use ccsim::report::staffing::StaffingReport;
use ccsim::report::sweep::SweepReport;
use ccsim::scenario::Scenario;
use ccsim::stats::kpi::ChannelKpi;
use std::path::Path;

fn main() -> Result<(), Error> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/single-queue.toml");
    let scenario = Scenario::load(&path)?;
    let io = |e: std::io::Error| Error::Io { path: "stdout".into(), source: e };
    let mut out = std::io::stdout().lock();

    // A run: every KPI with its confidence interval.
    let results = run(scenario.clone(), &RunOptions { replications: Some(10), ..RunOptions::default() })?;
    let report = Report::from(&results);
    let sl = report.channel("phone").and_then(|c| c.get(ChannelKpi::ServiceLevel)).expect("a service level");
    println!("phone: service level {:.3} ± {:.3} with 10 agents\n", sl.mean, sl.ci95);
    Format::Table.write(&report, TableOptions::default(), &mut out).map_err(io)?;

    // A sweep: the same scenario with 9 to 12 agents, common random numbers, paired
    // differences against the first variant.
    let study = Study::new(scenario.clone(), &["agents.team.staff=9..=12".to_owned()], false, None)?;
    let sweep = SweepReport::new(&study.run(|_, _| {})?);
    Format::Csv.write(&sweep, TableOptions::default(), &mut out).map_err(io)?;

    // A staffing plan: the fewest agents per interval that meet the channel's target with
    // 90 % confidence, as a document that reads back.
    let group = group_named(&scenario, Some("team"))?;
    let goal = Goal { confidence: 0.9, ..Goal::one(group) };
    let plan = optimise(&scenario, &goal, |_| {})?;
    let staffing = StaffingReport::new(&scenario, goal.confidence, &[(None, plan)]);
    let mut json = Vec::new();
    Format::Json.write(&staffing, TableOptions::default(), &mut json).map_err(io)?;
    let back = StaffingReport::from_json(std::str::from_utf8(&json).expect("JSON is UTF-8"))?;
    assert_eq!(back.plans[0].plan, staffing.plans[0].plan, "the staffing document reads back");
    println!("\nstaffing plan for `team`, agents per interval: {:?}", staffing.plans[0].plan);
    Ok(())
}
