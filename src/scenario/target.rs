//! Service-level targets: `service_level = { target, within, short_abandon }` on a
//! channel, and a type's or a segment's own `{ target, within }`.

use super::check::Check;
use super::locate::FieldPath;
use crate::base::time::{Seconds, format_number};
use serde::Deserialize;

impl ServiceTarget {
    /// A target as planners write it: `80/20s`, `80%/20s` or `0.8/20s` (80 % of contacts
    /// answered within 20 s; the threshold is any duration, `1m30s`).
    ///
    /// # Errors
    ///
    /// A message saying what is allowed, when it is not such a target or the share is not
    /// strictly between 0 and 100 %.
    pub fn parse(s: &str) -> Result<ServiceTarget, String> {
        let (p, t) = s
            .split_once('/')
            .ok_or_else(|| format!("`{s}` is not a target; write PERCENT/THRESHOLD such as 80/20s"))?;
        let percent = p.trim().ends_with('%');
        let p: f64 = p.trim().trim_end_matches('%').parse().map_err(|_| format!("`{p}` is not a percentage"))?;
        // `80`, `80%` and `0.8` mean 80 %; `0.5%` means half a percent.
        let share = if percent || p > 1.0 { p / 100.0 } else { p };
        if !(share > 0.0 && share < 1.0) {
            return Err(format!("target must be between 0 and 100 % (exclusive), got {p}"));
        }
        let within = crate::base::time::parse_duration(t).map_err(|e| e.to_string())?;
        Ok(ServiceTarget { share, within })
    }
}

/// `service_level = { … }` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawServiceLevel {
    pub target: Option<f64>,
    pub within: Option<Seconds>,
    pub short_abandon: Option<Seconds>,
}

/// A service-level target: a `share` of contacts answered within `within` seconds. The one
/// shape of a target everywhere (channels, contact types, segments, staffing goals); in
/// documents it is written as `"target": share, "within_s": within`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ServiceTarget {
    /// Share of contacts to answer within the threshold, in (0, 1].
    #[serde(rename = "target")]
    pub share: f64,
    /// The threshold T (s).
    #[serde(rename = "within_s")]
    pub within: f64,
}

/// A type's or segment's own `service_level = { target, within }`.
pub(crate) fn own_target(ck: &mut Check, p: &FieldPath, sl: &RawServiceLevel) -> Option<ServiceTarget> {
    let target = ck.required(p, "target", &sl.target, "target = 0.9, a share in (0, 1]").copied();
    let within = ck.required(p, "within", &sl.within, "within = \"10s\", the threshold").map(|w| w.0);
    if sl.short_abandon.is_some() {
        ck.err(p.key("short_abandon"), "is the channel's alone: set it on the channel's service_level");
    }
    if let Some(t) = target
        && !(t.is_finite() && (0.01..=1.0).contains(&t))
    {
        ck.err(p.key("target"), format!("must be a share from 0.01 to 1, such as 0.9; got {}", format_number(t)));
        return None;
    }
    Some(ServiceTarget { share: target?, within: within? })
}

/// A channel's `service_level`: its target and its short-abandon threshold (s).
pub(crate) fn channel_target(
    ck: &mut Check,
    p: &FieldPath,
    sl: Option<&RawServiceLevel>,
) -> (Option<ServiceTarget>, f64) {
    let slp = p.key("service_level");
    let target = sl.and_then(|sl| ck.required(&slp, "target", &sl.target, "target = 0.8, a share in (0, 1]")).copied();
    let within =
        sl.and_then(|sl| ck.required(&slp, "within", &sl.within, "within = \"20s\", the threshold")).map(|w| w.0);
    if let Some(t) = target
        && !(t > 0.0 && t <= 1.0)
    {
        ck.err(slp.key("target"), format!("must be a share in (0, 1], such as 0.8; got {}", format_number(t)));
    } else if let Some(t) = target
        && t < 0.01
    {
        ck.err(
            slp.key("target"),
            format!(
                "is {}: a target below 1 % means nothing; use a share from 0.01 to 1, such as 0.8",
                format_number(t)
            ),
        );
    }
    let short_abandon = sl.and_then(|sl| sl.short_abandon).map_or(0.0, |s| s.0);
    let target = match (target, within) {
        (Some(share), Some(within)) => Some(ServiceTarget { share, within }),
        _ => None,
    };
    (target, short_abandon)
}
