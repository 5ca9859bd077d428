//! `ccsim fit`: a runnable scenario fitted from a contact history.

use super::common::{LogArgs, check_output, duration_arg, emit, pairs, read_history, target_arg, write_atomically};
use ccsim::Error;
use ccsim::base::time::format_duration;
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
    /// Planning interval of the scenario (default: the template's, else 30m).
    #[arg(long, value_parser = duration_arg)]
    interval: Option<f64>,
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
    /// Hold the last DAYS of the history out of the fit and compare them with what the
    /// fit predicts (volumes, their spread, handle time): an out-of-sample check.
    #[arg(long, value_name = "DAYS")]
    holdout: Option<usize>,
    /// Also write the fit itself (every estimate with its standard error, the
    /// Kaplan–Meier curve, the out-of-sample check) as JSON to this file.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
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
    let template = match &a.template {
        None => None,
        Some(t) => Some(template_agents(&ccsim::error::text::read(t)?, &t.display().to_string())?),
    };
    // The interval: as given, else the template's (its per-interval staffing is written
    // for it), else 30 minutes.
    let interval = match (a.interval, &template) {
        (Some(i), Some(t)) if t.per_interval && t.interval.is_some_and(|ti| ti != i) => {
            return Err(Error::Input(format!(
                "--interval {}: the template plans its agents per {} interval; leave --interval out to fit at the template's interval",
                format_duration(i),
                format_duration(t.interval.unwrap_or(1800.0))
            )));
        }
        (Some(i), _) => i,
        (None, Some(t)) => t.interval.unwrap_or(1800.0),
        (None, None) => 1800.0,
    };
    let h = read_history(&a.history, &a.log)?;
    let stem = a.out.file_stem().map_or("fitted".into(), |s| s.to_string_lossy().into_owned());
    let opts = FitOptions {
        name: a.name.clone().unwrap_or(stem),
        interval,
        kinds,
        target: a.target,
        agents: template.map(|t| t.agents),
        source: a.history.file_name().map_or("a history".into(), |f| f.to_string_lossy().into_owned()),
        days: a.days,
        holdout: a.holdout,
    };
    let fit = fit(&h, &opts).map_err(|m| Error::Input(format!("{}: {m}", a.history.display())))?;
    let (text, _) = fit.scenario(&a.out.display().to_string())?;
    write_atomically(&a.out, |w| w.write_all(text.as_bytes()))?;
    if let Some(path) = &a.json {
        check_output(path, &a.history)?;
        write_atomically(path, |w| {
            serde_json::to_writer_pretty(&mut *w, &fit).map_err(std::io::Error::from)?;
            writeln!(w)
        })?;
    }
    emit(&None, |w| write!(w, "{}\nwrote {}\n", fit.summary(), a.out.display()))
}
