//! `ccsim chart`: the charts of a result written earlier (a run, a sweep, a staffing
//! comparison).

use super::common::{ImageChoice, write_charts};
use ccsim::Error;
use ccsim::output::charts::{PlanLine, for_run, for_sweep, staffing_of};
use ccsim::report::Report;
use ccsim::report::staffing::StaffingReport;
use ccsim::report::sweep::SweepReport;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A JSON result (`ccsim run|sweep|staff --format json`).
    result: PathBuf,
    /// Folder for the charts (created if needed).
    #[arg(long)]
    out: PathBuf,
    /// Image formats to write.
    #[arg(long, value_enum, default_value_t = ImageChoice::Both)]
    image: ImageChoice,
}

pub fn main(a: &Args) -> Result<(), Error> {
    let file = a.result.display().to_string();
    let text = std::fs::read_to_string(&a.result).map_err(|source| Error::Io { path: file.clone(), source })?;
    let bad = |e: Error| Error::Input(format!("{file}: {e}"));
    let doc: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| Error::Input(format!("{file}: not JSON: {e}")))?;
    let charts = if doc.get("variants").is_some() {
        for_sweep(&SweepReport::from_json(&text).map_err(bad)?)
    } else if doc.get("plans").is_some() {
        let s = StaffingReport::from_json(&text).map_err(bad)?;
        if s.plans.is_empty() {
            return Err(Error::Input(format!("{file}: `plans` is empty")));
        }
        let lines = s.plans.iter().map(|p| PlanLine { label: p.label(), headcount: p.plan.clone() }).collect();
        vec![staffing_of(&s, lines)]
    } else {
        for_run(&Report::from_value(doc).map_err(bad)?)
    };
    write_charts(&charts, &a.out, &a.image.formats())
}
