//! `ccsim fit`: a runnable scenario fitted from a contact history.

use super::common::{LogArgs, check_output, duration_arg, emit, pairs, read_history, target_arg, write_atomically};
use ccsim::Error;
use ccsim::data::fit::{FitOptions, fit, template_agents};
use ccsim::scenario::{ChannelKind, ServiceTarget};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The contact history (CSV, one row per contact; see `docs/model.md` §15).
    history: PathBuf,
    /// The scenario file to write.
    #[arg(long)]
    out: PathBuf,
    /// Planning interval of the scenario.
    #[arg(long, value_parser = duration_arg, default_value = "30m")]
    interval: f64,
    /// Scenario name (default: the history file's name).
    #[arg(long)]
    name: Option<String>,
    /// A channel's kind, when its name does not say (`--kind Support=chat`).
    #[arg(long = "kind", value_name = "CHANNEL=KIND")]
    kinds: Vec<String>,
    #[command(flatten)]
    log: LogArgs,
    /// Service-level target written for every channel and used for the first guess of
    /// staffing.
    #[arg(long, value_parser = target_arg, default_value = "80/20s")]
    target: ServiceTarget,
    /// Take the [[agents]] groups from this scenario instead of a first guess.
    #[arg(long, value_name = "SCENARIO")]
    template: Option<PathBuf>,
    /// Days the history covers, when it ends with days without contacts (a closed
    /// Sunday); by default, up to the day of its last contact.
    #[arg(long)]
    days: Option<usize>,
}

pub fn main(a: &Args) -> Result<(), Error> {
    check_output(&a.out, &a.history)?;
    let kinds = pairs("kind", &a.kinds)?
        .into_iter()
        .map(|(c, k)| {
            ChannelKind::parse(&k).map(|k| (c.clone(), k)).ok_or_else(|| {
                Error::Input(format!("--kind {c}={k}: `{k}` is not a kind; use {}", ChannelKind::ALLOWED))
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let agents = match &a.template {
        None => None,
        Some(t) => {
            let file = t.display().to_string();
            let text = std::fs::read_to_string(t).map_err(|source| Error::Io { path: file.clone(), source })?;
            Some(template_agents(&text, &file)?)
        }
    };
    let h = read_history(&a.history, &a.log)?;
    let stem = a.out.file_stem().map_or("fitted".into(), |s| s.to_string_lossy().into_owned());
    let opts = FitOptions {
        name: a.name.clone().unwrap_or(stem),
        interval: a.interval,
        kinds,
        target: a.target,
        agents,
        source: a.history.file_name().map_or("a history".into(), |f| f.to_string_lossy().into_owned()),
        days: a.days,
    };
    let fit = fit(&h, &opts).map_err(|m| Error::Input(format!("{}: {m}", a.history.display())))?;
    let (text, _) = fit.scenario(&a.out.display().to_string())?;
    write_atomically(&a.out, |w| w.write_all(text.as_bytes()))?;
    emit(&None, |w| write!(w, "{}\nwrote {}\n", fit.summary(), a.out.display()))
}
