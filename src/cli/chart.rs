//! `ccsim chart`: the charts of a result written earlier (a run, a sweep, a staffing
//! comparison, a roster).

use super::common::{ImageChoice, write_charts};
use ccsim::Error;
use ccsim::output::charts::for_result;
use ccsim::report::ResultFile;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A JSON result (`ccsim run|sweep|staff|schedule --format json`).
    result: PathBuf,
    /// Folder for the charts (created if needed).
    #[arg(long)]
    out: PathBuf,
    /// Image formats to write.
    #[arg(long, value_enum, default_value_t = ImageChoice::Both)]
    image: ImageChoice,
}

pub fn main(a: &Args) -> Result<(), Error> {
    let charts = for_result(&ResultFile::load(&a.result)?);
    write_charts(&charts, &a.out, &a.image.formats())
}
