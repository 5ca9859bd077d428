//! Routing decisions: which agent takes a new contact, which deferred contact a live one
//! interrupts, and which queue a free agent serves next.
//!
//! Each function looks at the model, the queues and the workforce and returns a decision;
//! the loop in [`super::sim`] applies it. The only change a decision makes is dropping
//! stale entries at queue heads, which changes no later decision. The rules are those of
//! `docs/model.md`, "Routing".

use super::Model;
use super::contacts::Contacts;
use super::queues::Queues;
use super::workforce::Workforce;
use crate::scenario::{ChannelKind, RoutingPolicy};

/// The agent chosen for a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pick {
    /// The longest-idle agent of this group (the front of its idle queue).
    Idle(usize),
    /// A chat agent with a free slot (it stays in its load bucket).
    Partial(u32),
}

/// The agent a contact of channel `c` goes to among `groups`: the longest-idle agent
/// across them (ties: the group listed first), else, for chat, an agent with a free slot
/// holding the fewest chats of channel `c` (within a load, groups in order, the agent most
/// recently put in the bucket first).
#[inline(always)]
pub(crate) fn agent_for(
    m: &Model,
    work: &Workforce,
    c: usize,
    groups: impl Iterator<Item = usize> + Clone,
) -> Option<Pick> {
    let mut best: Option<(f64, usize)> = None;
    let mut all = groups.clone();
    if let (Some(g), None) = (all.next(), all.next()) {
        // One group: its longest-idle agent, if any (no comparison needed).
        if !work.groups[g].idle.is_empty() {
            return Some(Pick::Idle(g));
        }
    }
    for g in groups.clone() {
        if let Some(&a) = work.groups[g].idle.front() {
            let since = work.agents[a as usize].idle_since;
            if best.is_none_or(|(b, _)| since < b) {
                best = Some((since, g));
            }
        }
    }
    if let Some((_, g)) = best {
        return Some(Pick::Idle(g));
    }
    if m.scenario.channels[c].kind == ChannelKind::Chat {
        let max_load = groups.clone().map(|g| work.groups[g].concurrency).max().unwrap_or(1);
        for load in 1..max_load as usize {
            for g in groups.clone() {
                // An agent holding chats takes more of the same channel only.
                let bucket = work.groups[g].partial.get(load);
                if let Some(&a) =
                    bucket.and_then(|b| b.iter().rev().find(|&&a| work.agents[a as usize].channel as usize == c))
                {
                    return Some(Pick::Partial(a));
                }
            }
        }
    }
    None
}

/// A live contact of channel `c` found no free agent: the deferred contact to interrupt,
/// in one of `groups` that allows it: the one its agent started last, so the least work in
/// hand is set aside (ties: lowest agent id). Only what a router knows decides — when each
/// item was picked up — never the drawn work left. Returns `(agent, contact slot)`.
pub(crate) fn interruption(
    m: &Model,
    work: &Workforce,
    c: usize,
    groups: impl Iterator<Item = usize>,
) -> Option<(u32, u32)> {
    if !m.scenario.channels[c].kind.is_live() {
        return None;
    }
    let mut best: Option<(f64, u32, u32)> = None;
    for g in groups {
        if !work.groups[g].interrupt_deferred {
            continue;
        }
        for &(a, slot, since) in &work.groups[g].deferred_work {
            if best.is_none_or(|(s, b, _)| since > s || (since == s && a < b)) {
                best = Some((since, a, slot));
            }
        }
    }
    best.map(|(_, a, slot)| (a, slot))
}

/// The queue agent `a` takes its next contact from, by the routing policy, at `now`; `open`
/// tells which channels are open. `None`: the agent is full, or nothing suits it.
#[inline(always)]
pub(crate) fn queue_for(
    m: &Model,
    work: &Workforce,
    queues: &mut Queues,
    contacts: &Contacts,
    open: &[bool],
    a: u32,
    now: f64,
) -> Option<usize> {
    let agent = &work.agents[a as usize];
    let g = agent.group as usize;
    let held = agent.held;
    if held >= work.groups[g].concurrency {
        return None;
    }
    let list = &m.groups[g].queues;
    let live_end = m.groups[g].live_end;
    let mut best: Option<(u32, f64, usize)> = None;
    // Aging: (score, arrival, queue).
    let mut aged: Option<(f64, f64, usize)> = None;
    for (idx, gq) in list.iter().enumerate() {
        if idx == live_end && (best.is_some() || aged.is_some()) {
            break;
        }
        if held > 0 && (!gq.chat || gq.channel != agent.channel as usize) {
            continue;
        }
        if !gq.live && !open[gq.channel] {
            continue;
        }
        if queues.live(gq.queue) == 0 {
            continue;
        }
        let Some(slot) = queues.head(gq.queue, contacts) else {
            continue;
        };
        let arrival = contacts.get(slot).arrival;
        if gq.after > 0.0 && arrival + gq.after > now {
            continue;
        }
        match m.policy {
            RoutingPolicy::Preference => return Some(gq.queue),
            RoutingPolicy::Priority => {
                if best.is_none_or(|(p, _, _)| gq.priority < p) {
                    best = Some((gq.priority, arrival, gq.queue));
                }
            }
            RoutingPolicy::LongestWait => {
                if best.is_none_or(|(p, t, _)| gq.priority < p || (gq.priority == p && arrival < t)) {
                    best = Some((gq.priority, arrival, gq.queue));
                }
            }
            RoutingPolicy::Aging => {
                let score = m.aging_per_s * (now - arrival) - f64::from(gq.priority);
                if aged.is_none_or(|(s, t, _)| score > s || (score == s && arrival < t)) {
                    aged = Some((score, arrival, gq.queue));
                }
            }
        }
    }
    if let Some(a) = aged {
        return Some(a.2);
    }
    best.map(|b| b.2)
}
