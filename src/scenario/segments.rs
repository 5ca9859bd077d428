//! Customer segments (`[[segment]]`, `docs/model.md` §18): shares of every channel's fresh
//! contacts, crossing contact types, each with a priority boost, a patience factor, its own
//! target and optionally a group it is routed to.

use super::agents::RawAgents;
use super::channel::RawChannel;
use super::check::{Check, check_name, name_of, shares_add_up};
use super::limits::{MAX_PRIORITY, MAX_SEGMENTS};
use super::locate::FieldPath;
use super::target::{RawServiceLevel, ServiceTarget, own_target};
use crate::base::time::format_number;
use serde::Deserialize;
use std::collections::HashSet;

/// A customer segment as written: its share of fresh contacts and how it is treated.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSegment {
    pub name: Option<String>,
    pub share: Option<f64>,
    pub priority_boost: Option<i64>,
    pub patience_factor: Option<f64>,
    pub service_level: Option<RawServiceLevel>,
    pub group: Option<String>,
    pub dedicated: Option<bool>,
}

/// A customer segment (high value, standard, …), crossing contact types: a share of every
/// channel's fresh contacts, with its own priority boost, patience and target.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// Segment name (unique).
    pub name: String,
    /// Share of fresh contacts, in (0, 1]; segments' shares sum to 1.
    pub share: f64,
    /// Priority levels its contacts jump: a type of priority p is queued at p − boost
    /// among the channel's levels.
    pub priority_boost: u32,
    /// Multiplies drawn patience (> 0).
    pub patience_factor: f64,
    /// Its own service-level target, reported per segment.
    pub service_level: Option<ServiceTarget>,
    /// The group its contacts are routed to, on the channels that group serves on arrival
    /// (`None`: no routing by segment): `(group index, dedicated)`. Dedicated: only that
    /// group serves them, and it serves nobody else; preferred: that group first, others
    /// too.
    pub group: Option<(usize, bool)>,
}

/// `[[segment]]`: names, shares adding up to 1, boosts, patience factors, targets, groups
/// (`agents`, `channels`: the groups and channels as written).
pub(crate) fn segments(
    ck: &mut Check,
    root: &FieldPath,
    raw: &[RawSegment],
    agents: &[RawAgents],
    channels: &[RawChannel],
) -> Vec<Segment> {
    let mut out = Vec::new();
    if raw.len() > MAX_SEGMENTS {
        ck.err(root.key("segment"), format!("at most {MAX_SEGMENTS} segments, got {}", raw.len()));
        return out;
    }
    let mut names = HashSet::new();
    for (i, rs) in raw.iter().enumerate() {
        let p = root.key("segment").at(i);
        if let Some(name) = ck.required(&p, "name", &rs.name, "every segment needs name = \"…\"") {
            check_name(ck, &p.key("name"), name, 100);
            if !names.insert(name.as_str()) {
                ck.err(p.key("name"), format!("segment name `{name}` is used twice"));
            }
        }
        out.extend(segment(ck, &p, rs, agents, channels));
    }
    if !raw.is_empty() && raw.iter().all(|s| s.share.is_some()) {
        let sum: f64 = raw.iter().map(|s| s.share.unwrap_or(0.0)).sum();
        shares_add_up(ck, &root.key("segment"), "segment", sum);
    }
    out
}

/// One segment at `p` (its name checked by the caller).
fn segment(
    ck: &mut Check,
    p: &FieldPath,
    rs: &RawSegment,
    agents: &[RawAgents],
    channels: &[RawChannel],
) -> Option<Segment> {
    let share = ck.required(p, "share", &rs.share, "share = 0.1, the segment's share of customers").copied();
    if let Some(x) = share
        && !(x.is_finite() && x > 0.0 && x <= 1.0)
    {
        ck.err(p.key("share"), format!("must be a share in (0, 1], got {}", format_number(x)));
    }
    let boost = match rs.priority_boost {
        None => 0,
        Some(b) if (0..i64::from(MAX_PRIORITY)).contains(&b) => b as u32,
        Some(b) => {
            ck.err(p.key("priority_boost"), format!("must be from 0 to {} priority levels, got {b}", MAX_PRIORITY - 1));
            0
        }
    };
    let factor = rs.patience_factor.unwrap_or(1.0);
    if !(factor.is_finite() && factor > 0.0 && factor <= 100.0) {
        ck.err(
            p.key("patience_factor"),
            format!("must be above 0 and at most 100 (1.5: half as patient again), got {}", format_number(factor)),
        );
    }
    let sl = rs.service_level.as_ref().and_then(|sl| own_target(ck, &p.key("service_level"), sl));
    let group = segment_group(ck, p, rs, agents, channels);
    Some(Segment {
        name: rs.name.clone()?,
        share: share?,
        priority_boost: boost,
        patience_factor: factor,
        service_level: sl,
        group,
    })
}

/// The group a segment at `p` is routed to, and whether it is dedicated.
fn segment_group(
    ck: &mut Check,
    p: &FieldPath,
    rs: &RawSegment,
    agents: &[RawAgents],
    channels: &[RawChannel],
) -> Option<(usize, bool)> {
    let dedicated = rs.dedicated.unwrap_or(false);
    let Some(gname) = &rs.group else {
        if rs.dedicated.is_some() {
            ck.err(p.key("dedicated"), "needs group = \"…\", the group the segment is routed to");
        }
        return None;
    };
    let Some(g) = agents.iter().position(|a| a.name.as_deref() == Some(gname.as_str())) else {
        let names: Vec<&str> = agents.iter().map(|a| name_of(&a.name)).collect();
        ck.err(p.key("group"), format!("`{gname}` is not an agent group; the groups are {}", names.join(", ")));
        return None;
    };
    let skills = agents[g].skills.as_deref().unwrap_or_default();
    if dedicated && skills.iter().any(|sk| sk.after.is_some_and(|a| a.0 > 0.0)) {
        ck.err(
            p.key("dedicated"),
            format!("group `{gname}` has an overflow skill: a dedicated group takes its segment's contacts on arrival only; remove the delay or make the segment preferred"),
        );
    }
    if channels.iter().any(|c| c.announce.is_some()) {
        ck.err(p.key("group"), "routing by segment cannot be combined with [channel.announce] yet: the waiting-time predictors do not model segment queues");
    }
    Some((g, dedicated))
}
