//! `ccsim chart`: the charts of a result written earlier (a run, a sweep, a staffing
//! comparison).

use super::common::{ImageChoice, write_charts};
use ccsim::Error;
use ccsim::output::charts::{PlanLine, for_run, for_sweep, staffing_of};
use ccsim::report::ResultFile;
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
    let charts = match ResultFile::load(&a.result)? {
        ResultFile::Sweep(s) => for_sweep(&s),
        ResultFile::Staffing(s) => {
            let lines = s.plans.iter().map(|p| PlanLine { label: p.label(), headcount: p.plan.clone() }).collect();
            vec![staffing_of(&s, lines)]
        }
        ResultFile::Run(r) => for_run(&r),
    };
    write_charts(&charts, &a.out, &a.image.formats())
}
