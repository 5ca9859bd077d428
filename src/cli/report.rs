//! `ccsim report`: the shareable HTML report of a run's JSON result.

use super::common::check_output;
use ccsim::Error;
use ccsim::report::Report;
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
    let file = a.result.display().to_string();
    let text = std::fs::read_to_string(&a.result).map_err(|source| Error::Io { path: file.clone(), source })?;
    let report = Report::from_json(&text).map_err(|m| Error::Input(format!("{file}: {m}")))?;
    super::run::write_html(&report, &a.out)
}
