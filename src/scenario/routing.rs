//! Routing (`[routing]`, `docs/model.md` §9): how a free agent chooses among waiting
//! contacts.

use super::check::Check;
use super::locate::FieldPath;
use crate::base::time::format_number;
use serde::Deserialize;

/// `[routing]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRouting {
    pub policy: Option<String>,
    pub live_first: Option<bool>,
    pub aging_per_minute: Option<f64>,
}

/// How a free agent chooses among waiting contacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoutingPolicy {
    /// The group's skill order first, then priority, then longest wait (default).
    Preference,
    /// Most urgent priority across all skills first, then skill order, then longest wait.
    Priority,
    /// Most urgent priority first, then the longest-waiting contact across skills.
    LongestWait,
    /// Priority that ages with waiting time: the head contact with the highest score
    /// waited (min) × `aging_per_minute` − its priority level, across skills (ties: the
    /// longer wait, then skill order).
    Aging,
}

impl RoutingPolicy {
    /// The allowed values, for error messages.
    pub const ALLOWED: &'static str = "\"preference\", \"priority\", \"longest_wait\" or \"aging\"";
    /// Parses a policy name.
    pub fn parse(s: &str) -> Option<RoutingPolicy> {
        match s {
            "preference" => Some(RoutingPolicy::Preference),
            "priority" => Some(RoutingPolicy::Priority),
            "longest_wait" => Some(RoutingPolicy::LongestWait),
            "aging" => Some(RoutingPolicy::Aging),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
/// Routing settings of a scenario.
pub struct Routing {
    /// How a free agent picks among eligible queues.
    pub policy: RoutingPolicy,
    /// Live work (voice, chat) is always chosen before deferred work (email, social).
    pub live_first: bool,
    /// With the `aging` policy: priority levels a waiting contact gains per minute waited
    /// (> 0); 0 otherwise.
    pub aging_per_minute: f64,
}

/// The routing settings at `rp` (the defaults when `[routing]` is left out).
pub(crate) fn routing(ck: &mut Check, rp: &FieldPath, raw: Option<&RawRouting>) -> Routing {
    let mut routing = Routing { policy: RoutingPolicy::Preference, live_first: true, aging_per_minute: 0.0 };
    let Some(r) = raw else { return routing };
    if let Some(p) = &r.policy {
        routing.policy = RoutingPolicy::parse(p).unwrap_or_else(|| {
            ck.err(rp.key("policy"), format!("`{p}` is not a policy; use {}", RoutingPolicy::ALLOWED));
            RoutingPolicy::Preference
        });
    }
    routing.live_first = r.live_first.unwrap_or(true);
    match (routing.policy, r.aging_per_minute) {
        (RoutingPolicy::Aging, None) => ck.err(
            rp.clone(),
            "policy = \"aging\" needs aging_per_minute = 1.0, the priority levels a contact gains per minute waited",
        ),
        (RoutingPolicy::Aging, Some(x)) if !(x.is_finite() && x > 0.0 && x <= 1e9) => ck.err(
            rp.key("aging_per_minute"),
            format!("must be above 0 (levels gained per minute waited), got {}", format_number(x)),
        ),
        (RoutingPolicy::Aging, Some(x)) => routing.aging_per_minute = x,
        (_, Some(_)) => ck.err(rp.key("aging_per_minute"), "is used only with policy = \"aging\""),
        (_, None) => {}
    }
    routing
}
