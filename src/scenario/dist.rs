//! `{ dist = "…", … }` tables: a distribution of durations as written, checked into a
//! [`Dist`].

use super::check::Check;
use super::locate::FieldPath;
use crate::Error;
use crate::base::dist::Dist;
use crate::base::time::Seconds;
use serde::Deserialize;

/// A distribution of durations; which fields apply depends on `dist`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDist {
    pub dist: Option<String>,
    pub mean: Option<Seconds>,
    pub cv: Option<f64>,
    pub k: Option<i64>,
    pub value: Option<Seconds>,
    pub min: Option<Seconds>,
    pub max: Option<Seconds>,
    pub values: Option<Vec<Seconds>>,
}

/// The fields each distribution takes.
fn fields_of(name: &str) -> Option<&'static [&'static str]> {
    Some(match name {
        "exponential" => &["mean"],
        "lognormal" | "gamma" => &["mean", "cv"],
        "erlang" => &["mean", "k"],
        "deterministic" => &["value"],
        "uniform" => &["min", "max"],
        "empirical" => &["values"],
        _ => return None,
    })
}

/// Checks a distribution table: its name, that it has exactly the fields it takes, and
/// their values.
pub(crate) fn dist(ck: &mut Check, p: &FieldPath, d: &RawDist) -> Option<Dist> {
    const KINDS: &str =
        "\"exponential\", \"lognormal\", \"gamma\", \"erlang\", \"deterministic\", \"uniform\" or \"empirical\"";
    let present: [(&str, bool); 7] = [
        ("mean", d.mean.is_some()),
        ("cv", d.cv.is_some()),
        ("k", d.k.is_some()),
        ("value", d.value.is_some()),
        ("min", d.min.is_some()),
        ("max", d.max.is_some()),
        ("values", d.values.is_some()),
    ];
    let dist_name = ck.required(p, "dist", &d.dist, &format!("dist = {KINDS}"))?.as_str();
    let Some(used) = fields_of(dist_name) else {
        ck.err(p.key("dist"), format!("`{dist_name}` is not a distribution; use {KINDS}"));
        return None;
    };
    let mut ok = true;
    for (f, is) in present {
        let wanted = used.contains(&f);
        if is && !wanted {
            ck.err(p.key(f), format!("is not used by dist = \"{dist_name}\", which takes {}", used.join(", ")));
            ok = false;
        }
        if !is && wanted {
            ck.err(p.clone(), format!("dist = \"{dist_name}\" needs `{f}` (it takes {})", used.join(", ")));
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    let sec = |s: Option<Seconds>| s.map_or(0.0, |x| x.0);
    let r = match dist_name {
        "exponential" => Dist::exponential(sec(d.mean)),
        "lognormal" => Dist::lognormal(sec(d.mean), d.cv.unwrap_or(0.0)),
        "gamma" => Dist::gamma(sec(d.mean), d.cv.unwrap_or(0.0)),
        "erlang" => Dist::erlang(d.k.unwrap_or(0), sec(d.mean)),
        "deterministic" => Dist::deterministic(sec(d.value)),
        "uniform" => Dist::uniform(sec(d.min), sec(d.max)),
        _ => Dist::empirical(d.values.as_ref().map(|v| v.iter().map(|s| s.0).collect()).unwrap_or_default()),
    };
    r.map_err(|e| match e {
        Error::Parameter { name, message } => ck.err(p.key(name), message),
        other => ck.err(p.clone(), other.to_string()),
    })
    .ok()
}
