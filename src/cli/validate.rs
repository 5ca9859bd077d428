//! `ccsim validate`: check scenario files and report every problem, without simulating.

use super::common::{load, out, warn};
use super::fail;
use ccsim::base::time::format_duration;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenario files (TOML).
    #[arg(required = true)]
    scenarios: Vec<PathBuf>,
    /// Treat warnings (plans that are legal but almost certainly mistakes) as errors.
    #[arg(long)]
    deny_warnings: bool,
    /// Change a field by its path before checking, as with `ccsim run --set`.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
}

/// Checks every file, going on after a bad one; the exit code is the worst.
pub fn main(a: &Args) -> i32 {
    let mut code = 0;
    for p in &a.scenarios {
        match load(p, &a.set) {
            Err(e) => code = code.max(fail(e)),
            Ok(s) if !warn(&s, a.deny_warnings) => code = 2,
            Ok(s) => {
                out!(
                    "{}: ok — {} channel(s), {} agent group(s), horizon {}, {} replications",
                    p.display(),
                    s.channels().len(),
                    s.groups().len(),
                    format_duration(s.horizon()),
                    s.replications()
                );
                for ch in s.channels() {
                    let n = ch.arrivals.expected(s.warmup(), s.horizon());
                    let aht: f64 = ch.types.iter().map(|t| t.share * t.handle_time.mean()).sum();
                    out!(
                        "  {} ({}): {:.0} contacts expected after warm-up, peak {:.0}/h, mean handle time {}",
                        ch.name,
                        ch.kind.name(),
                        n,
                        ch.arrivals.max_rate() * 3600.0,
                        format_duration(aht)
                    );
                }
            }
        }
    }
    code
}
