//! `ccsim compare`: two saved runs side by side, every KPI's difference with its interval.

use super::common::{OutputArgs, check_output};
use ccsim::Error;
use ccsim::report::compare::compare;
use ccsim::report::{Report, ResultFile, Selection};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Run A's JSON result (`ccsim run --format json`).
    a: PathBuf,
    /// Run B's JSON result; differences are B − A.
    b: PathBuf,
    #[command(flatten)]
    output: OutputArgs,
    /// Compare only these KPIs (comma-separated or repeated), such as service_level,cost.
    #[arg(long = "kpi", value_name = "KPI")]
    kpis: Vec<String>,
    /// Compare only these scopes: channels, types, segments, groups, issues, windows.
    #[arg(long = "scope", value_name = "SCOPE")]
    scopes: Vec<String>,
}

/// A run's result read from `path`, its errors naming the file.
fn read(path: &std::path::Path) -> Result<Report, Error> {
    ResultFile::load(path)?.into_run(&path.display().to_string())
}

pub fn main(a: &Args) -> Result<(), Error> {
    a.output.runs_only()?;
    let selection = Selection::parse(&a.kpis, &a.scopes)?;
    if let Some(out) = &a.output.output {
        check_output(out, &a.a)?;
        check_output(out, &a.b)?;
    }
    let (mut ra, mut rb) = (read(&a.a)?, read(&a.b)?);
    ra.select(&selection);
    rb.select(&selection);
    let doc = compare(&ra, &a.a.display().to_string(), &rb, &a.b.display().to_string());
    a.output.write(&doc, Default::default())
}
