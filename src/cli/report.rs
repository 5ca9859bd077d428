//! `ccsim report`: the shareable HTML report of a run's JSON result.

use super::common::check_output;
use ccsim::Error;
use ccsim::report::ResultFile;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A run's JSON result (`ccsim run --format json`).
    result: PathBuf,
    /// The HTML file to write.
    #[arg(long)]
    out: PathBuf,
}

pub fn main(a: &Args) -> Result<(), Error> {
    check_output(&a.out, &a.result)?;
    let report = ResultFile::load(&a.result)?.into_run(&a.result.display().to_string())?;
    super::run::write_html(&report, &a.out)
}
