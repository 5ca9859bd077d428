//! The discrete-event engine: a checked [`Scenario`] compiled into routing tables and
//! timelines ([`Model`]), and one replication run over it ([`simulate`]).
//!
//! # The model the engine implements
//!
//! * **Arrivals** per channel are non-homogeneous Poisson (exact inversion, see
//!   [`crate::arrivals`]); each contact draws its type, handle time and patience when it
//!   arrives, from streams of its own channel, so that two scenarios differing only in
//!   staffing or routing see the same customers (common random numbers).
//! * **Queues**: one FIFO per channel and priority level. Abandonment is exact: a waiting
//!   contact leaves at arrival + patience and is never served after that; a contact
//!   whose service starts exactly at that instant is served.
//! * **Routing**: a new contact goes to the longest-idle agent of the groups that serve its
//!   channel without delay (for chat, then to the least-loaded agent with a free slot). A
//!   contact that has waited a group's `after` delay also becomes eligible for that
//!   (overflow) group. A free agent picks the next contact by the scenario's
//!   [`RoutingPolicy`](crate::scenario::RoutingPolicy) (see `scenario`); with `live_first`, voice and chat
//!   always come before email and social. Deferred work is interrupted only in groups
//!   with `interrupt_deferred`: a live contact that finds no free agent then takes the
//!   agent whose email or social item has the most work left; the item goes back to the
//!   front of its queue and resumes later with the work it had left.
//! * **Chat**: an agent holds up to `concurrency` chats; a chat started while the agent
//!   holds n chats (itself included) lasts its drawn handle time × `stretch[n − 1]`.
//!   An agent holding chats takes only more chats of the same channel.
//! * **Staffing changes** at the schedule's change points: available headcount =
//!   scheduled × (1 − shrinkage), rounded up or down at random with the probabilities that
//!   keep its mean exact. On a cut, idle agents leave first (most recently idle first); the
//!   rest of the cut falls on the busy agents longest on shift (ties: lowest id), who finish
//!   what they hold, take nothing new, and leave (overtime). On an increase, agents still in
//!   overtime are kept on first.
//! * **Horizon**: arrivals stop at the horizon; the last headcount and opening state stay
//!   until every contact that can be served has been; deferred work waiting in a closed
//!   channel at that point is reported as `waiting_at_end`.

mod calendar;
mod sim;

pub use calendar::{Calendar, Event};
pub use sim::simulate;

use crate::scenario::{ChannelKind, RoutingPolicy, Scenario};
use crate::stats::kpi::Layout;

/// One waiting line: a channel's priority level.
#[derive(Debug, Clone)]
pub(crate) struct QueueSpec {
    pub priority: u32,
}

/// A queue as one group sees it, in the group's order of preference.
#[derive(Debug, Clone)]
pub(crate) struct GroupQueue {
    pub queue: usize,
    pub channel: usize,
    /// Overflow delay: the group takes a contact only once it has waited this long (s).
    pub after: f64,
    pub priority: u32,
    pub live: bool,
    pub chat: bool,
}

/// A scenario compiled for the engine: routing tables and timelines. Built once, shared by
/// every replication.
pub struct Model {
    pub scenario: Scenario,
    pub layout: Layout,
    pub(crate) queues: Vec<QueueSpec>,
    /// Queue of each contact type: `[channel][type]`.
    pub(crate) type_queue: Vec<Vec<usize>>,
    /// Cumulative type shares per channel (last = 1).
    pub(crate) type_cum: Vec<Vec<f64>>,
    /// Global index of each channel's first contact type.
    pub type_offset: Vec<usize>,
    /// Total number of contact types.
    pub n_types: usize,
    /// Per group: queues in the order the group looks at them.
    pub(crate) group_queues: Vec<Vec<GroupQueue>>,
    /// Per group: number of live queues at the front of `group_queues` (with live_first).
    pub(crate) group_live_end: Vec<usize>,
    /// Per channel: groups that take its contacts on arrival (no overflow delay).
    pub(crate) arrival_groups: Vec<Vec<usize>>,
    /// Per channel: (delay, group) for overflow skills, sorted by delay.
    pub(crate) overflow_groups: Vec<Vec<(f64, usize)>>,
    /// Per channel: distinct overflow delays, ascending.
    pub(crate) overflow_delays: Vec<Vec<f64>>,
    /// Per group: channels whose deferred work the group serves (for opening events).
    pub(crate) channel_groups: Vec<Vec<usize>>,
    /// `(time, group, scheduled headcount)`, sorted by time then group.
    pub(crate) staffing_timeline: Vec<(f64, usize, u32)>,
    /// `(time, channel)` at which deferred channels open, sorted.
    pub(crate) opening_timeline: Vec<(f64, usize)>,
    /// `(time, channel)` at which deferred channels close, sorted.
    pub(crate) closing_timeline: Vec<(f64, usize)>,
    /// Stream salts: a hash of each channel's and group's name.
    pub(crate) channel_salt: Vec<u64>,
    pub(crate) group_salt: Vec<u64>,
    pub(crate) policy: RoutingPolicy,
}

impl Model {
    pub fn compile(scenario: Scenario) -> Model {
        let s = &scenario;
        let mut queues = Vec::new();
        let mut type_queue = Vec::new();
        let mut type_cum = Vec::new();
        let mut channel_prio_queues: Vec<Vec<usize>> = Vec::new();
        let mut type_offset = Vec::new();
        let mut n_types = 0;
        for ch in &s.channels {
            type_offset.push(n_types);
            n_types += ch.types.len();
            let mut prios: Vec<u32> = ch.types.iter().map(|t| t.priority).collect();
            prios.sort_unstable();
            prios.dedup();
            let base = queues.len();
            for &p in &prios {
                queues.push(QueueSpec { priority: p });
            }
            channel_prio_queues.push((base..base + prios.len()).collect());
            type_queue.push(ch.types.iter().map(|t| base + prios.binary_search(&t.priority).unwrap_or(0)).collect());
            let mut acc = 0.0;
            let mut cum: Vec<f64> = ch
                .types
                .iter()
                .map(|t| {
                    acc += t.share;
                    acc
                })
                .collect();
            if let Some(last) = cum.last_mut() {
                *last = 1.0;
            }
            type_cum.push(cum);
        }

        let mut group_queues = Vec::new();
        let mut group_live_end = Vec::new();
        for g in &s.groups {
            let mut list = Vec::new();
            let passes: &[Option<bool>] = if s.routing.live_first { &[Some(true), Some(false)] } else { &[None] };
            let mut live_end = 0;
            for pass in passes {
                for sk in &g.skills {
                    let ch = &s.channels[sk.channel];
                    if pass.is_some_and(|live| live != ch.kind.is_live()) {
                        continue;
                    }
                    for &q in &channel_prio_queues[sk.channel] {
                        list.push(GroupQueue {
                            queue: q,
                            channel: sk.channel,
                            after: sk.after,
                            priority: queues[q].priority,
                            live: ch.kind.is_live(),
                            chat: ch.kind == ChannelKind::Chat,
                        });
                    }
                }
                if *pass == Some(true) {
                    live_end = list.len();
                }
            }
            if !s.routing.live_first {
                live_end = list.len();
            }
            group_queues.push(list);
            group_live_end.push(live_end);
        }

        let n_ch = s.channels.len();
        let mut arrival_groups = vec![Vec::new(); n_ch];
        let mut overflow_groups = vec![Vec::new(); n_ch];
        let mut channel_groups = vec![Vec::new(); n_ch];
        for (gi, g) in s.groups.iter().enumerate() {
            for sk in &g.skills {
                channel_groups[sk.channel].push(gi);
                if sk.after > 0.0 {
                    overflow_groups[sk.channel].push((sk.after, gi));
                } else {
                    arrival_groups[sk.channel].push(gi);
                }
            }
        }
        let mut overflow_delays = Vec::new();
        for og in &mut overflow_groups {
            og.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let mut d: Vec<f64> = og.iter().map(|x| x.0).collect();
            d.dedup();
            overflow_delays.push(d);
        }

        let mut staffing_timeline = Vec::new();
        for (gi, g) in s.groups.iter().enumerate() {
            for &(t, n) in &g.staffing.steps {
                if t < s.horizon {
                    staffing_timeline.push((t, gi, n));
                }
            }
        }
        staffing_timeline.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));

        let mut opening_timeline = Vec::new();
        let mut closing_timeline = Vec::new();
        for (c, ch) in s.channels.iter().enumerate() {
            if ch.kind.is_live() {
                continue;
            }
            let always = ch.open.len() == 1 && ch.open[0].0 <= 0.0 && ch.open[0].1 >= s.horizon;
            if always {
                continue;
            }
            for &(a, b) in &ch.open {
                if a > 0.0 {
                    opening_timeline.push((a, c));
                }
                if b < s.horizon {
                    closing_timeline.push((b, c));
                }
            }
        }
        opening_timeline.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        closing_timeline.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));

        let channel_salt = s.channels.iter().map(|c| name_hash(&c.name)).collect();
        let group_salt = s.groups.iter().map(|g| name_hash(&g.name)).collect();
        let layout = Layout::new(s);
        let policy = s.routing.policy;
        Model {
            layout,
            queues,
            type_queue,
            type_cum,
            type_offset,
            n_types,
            group_queues,
            group_live_end,
            arrival_groups,
            overflow_groups,
            overflow_delays,
            channel_groups,
            staffing_timeline,
            opening_timeline,
            closing_timeline,
            channel_salt,
            group_salt,
            policy,
            scenario,
        }
    }
}

/// FNV-1a: a stable hash of a name, so that streams follow names, not positions.
fn name_hash(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// SplitMix64 finaliser: spreads seeds so that nearby seeds give unrelated streams.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
