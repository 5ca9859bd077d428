//! `ccsim merge`: fold the parts of a sharded sweep into what the unsharded sweep prints.

use super::common::OutputArgs;
use ccsim::Error;
use ccsim::plan::shard::{Part, merge};
use ccsim::report::sweep::SweepReport;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Partial results written by `ccsim sweep --shard I/N`, one per shard.
    #[arg(required = true)]
    parts: Vec<PathBuf>,
    #[command(flatten)]
    output: OutputArgs,
}

pub fn main(a: &Args) -> Result<(), Error> {
    a.output.runs_only()?;
    let parts = a
        .parts
        .iter()
        .map(|p| {
            let file = p.display().to_string();
            let text = ccsim::error::text::read(p)?;
            Ok((file.clone(), Part::read(&text, &file)?))
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let results = merge(&parts)?;
    a.output.write(&SweepReport::new(&results), Default::default())
}
