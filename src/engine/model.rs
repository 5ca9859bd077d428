//! The compiled model: a checked scenario turned into the tables the engine reads —
//! queues per channel and priority, each group's queues in its order of preference,
//! arrival and overflow groups per channel, and the staffing and opening timelines.
//! Built once per run and shared, read-only, by every replication.

use super::streams::name_hash;
use crate::scenario::{ChannelKind, RoutingPolicy, Scenario};

/// One waiting line: a channel's priority level, shared or owned by a routed segment.
#[derive(Debug, Clone)]
pub(crate) struct QueueSpec {
    pub priority: u32,
    /// The segment routed to a group whose contacts it holds (`None`: shared).
    pub owner: Option<usize>,
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
    /// The checked scenario the model was compiled from.
    pub scenario: Scenario,
    pub(crate) queues: Vec<QueueSpec>,
    /// Queue of each contact type and segment: `[channel][segment × types + type]`.
    pub(crate) type_queue: Vec<Vec<usize>>,
    /// Cumulative segment shares (last = 1; empty without segments).
    pub(crate) segment_cum: Vec<f64>,
    /// Per global type: (channel, type within it).
    pub(crate) type_of: Vec<(usize, usize)>,
    /// Per global type: its issues can have more than one contact (they get an issue slot).
    pub(crate) type_repeats: Vec<bool>,
    /// Per global type: where an unresolved customer comes back, as (channel, type within
    /// it, cumulative share).
    pub(crate) return_to: Vec<Vec<(usize, usize, f64)>>,
    /// Some channel is preemptive.
    pub(crate) any_preemptive: bool,
    /// Some contact type has a virtual assistant.
    pub(crate) any_assistant: bool,
    /// Per channel: fresh contacts draw a segment or may be deflected.
    pub(crate) fresh_draws: Vec<bool>,
    /// The engine tells the recorder how every issue ends. Off when no issue can have a
    /// second contact and no service is ever interrupted: every issue is then its one
    /// contact, whose time to resolution is its wait plus handle time, and the standard
    /// statistics derive the issue counts from the contact counts.
    pub(crate) track_issues: bool,
    /// None of announcements, segments, deflection, assistants, preemption or repeating
    /// issues: the engine runs its plain loop.
    pub(crate) plain: bool,
    /// Cumulative type shares per channel (last = 1).
    pub(crate) type_cum: Vec<Vec<f64>>,
    /// Global index of each channel's first contact type.
    pub(crate) type_offset: Vec<usize>,
    /// Total number of contact types.
    pub(crate) n_types: usize,
    /// Per group: queues in the order the group looks at them.
    pub(crate) group_queues: Vec<Vec<GroupQueue>>,
    /// Per group: number of live queues at the front of `group_queues` (with live_first).
    pub(crate) group_live_end: Vec<usize>,
    /// Per channel: groups that take its contacts on arrival (no overflow delay).
    pub(crate) arrival_groups: Vec<Vec<usize>>,
    /// With routing by segment: per channel and segment, the groups tried on arrival, in
    /// two rounds (the preferred or dedicated group, then the others allowed).
    pub(crate) arrival_route: Vec<Vec<[Vec<usize>; 2]>>,
    /// Some segment is routed to a group.
    pub(crate) any_routing: bool,
    /// Per group: it is dedicated to a segment (it serves only that segment's queues).
    pub(crate) dedicated_group: Vec<bool>,
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
    /// Per channel: its queues (one per priority level).
    pub(crate) channel_queues: Vec<Vec<usize>>,
    /// Stream salts: a hash of each channel's and group's name.
    pub(crate) channel_salt: Vec<u64>,
    pub(crate) group_salt: Vec<u64>,
    pub(crate) policy: RoutingPolicy,
    /// Aging policy: priority levels gained per second waited.
    pub(crate) aging_per_s: f64,
    /// Calendar sizing: peak arrival rate over all channels (per s), and the time ahead
    /// (s) within which most events fall (a few mean handle times or patiences).
    pub(crate) calendar_rate: f64,
    pub(crate) calendar_lookahead: f64,
    /// Per channel: what its waiting-time predictors know of it (channels with
    /// announcements).
    pub(crate) announce: Vec<Option<AnnounceModel>>,
}

/// What a channel's waiting-time predictors assume, from the scenario alone (what an ACD
/// is configured with): the service rate of each agent serving the channel on arrival, and
/// the abandonment rate of a waiting contact.
#[derive(Debug, Clone)]
pub(crate) struct AnnounceModel {
    /// (group, contacts of this channel one of its agents on shift completes per second):
    /// 1 / mean handle time, and for chat concurrency / (mean handle × stretch at full
    /// concurrency). The mean handle time is the channel's, its types weighted by share.
    pub rates: Vec<(usize, f64)>,
    /// Abandonment rate of one waiting contact (per s): the types' 1 / mean patience
    /// weighted by share (0 without patience).
    pub theta: f64,
}

impl AnnounceModel {
    fn new(s: &Scenario, c: usize, arrival_groups: &[usize]) -> AnnounceModel {
        let ch = &s.channels[c];
        let mean_handle: f64 = ch.types.iter().map(|t| t.share * t.handle_time.mean()).sum();
        let rates = arrival_groups
            .iter()
            .map(|&g| {
                let conc = if ch.kind == ChannelKind::Chat { s.groups[g].concurrency as usize } else { 1 };
                (g, conc as f64 / (mean_handle * ch.stretch_for(conc)))
            })
            .collect();
        let theta = ch.types.iter().map(|t| t.patience.as_ref().map_or(0.0, |p| t.share / p.mean())).sum();
        AnnounceModel { rates, theta }
    }
}

/// Whether some contact type's issues can have more than one contact.
fn type_repeats_any(s: &Scenario) -> bool {
    s.channels.iter().flat_map(|c| &c.types).any(|t| t.resolution.repeats() || t.assistant.is_some())
}

impl Model {
    /// Whether the engine reports every issue's end to the recorder
    /// ([`Recorder::issue_ended`](super::Recorder::issue_ended)). Scenarios where every
    /// issue is a single uninterrupted contact leave it off, for speed; a recorder of your
    /// own that needs the hook turns it on with [`Model::tracking_every_issue`].
    pub fn tracks_issues(&self) -> bool {
        self.track_issues
    }

    /// The same model, reporting every issue's end to the recorder (results are the same;
    /// the standard statistics then count issues one by one instead of deriving them).
    pub fn tracking_every_issue(mut self) -> Model {
        self.track_issues = true;
        self.plain = false;
        self
    }

    /// Whether agents of group `g` may take contacts of queue `q` (routing by segment: a
    /// dedicated group takes only its segment's, and nobody else does).
    pub(crate) fn may_take(&self, g: usize, q: usize) -> bool {
        match self.queues[q].owner.and_then(|seg| self.scenario.segments[seg].group) {
            None => !self.dedicated_group[g],
            Some((og, dedicated)) => og == g || (!dedicated && !self.dedicated_group[g]),
        }
    }

    /// Compiles a checked scenario: queues, routing tables and timelines. Infallible: the
    /// scenario was validated when it was built.
    pub fn compile(scenario: Scenario) -> Model {
        let s = &scenario;
        let mut queues = Vec::new();
        let mut type_queue = Vec::new();
        let mut type_cum = Vec::new();
        let mut channel_prio_queues: Vec<Vec<usize>> = Vec::new();
        let mut type_offset = Vec::new();
        let mut n_types = 0;
        // A segment's boost lifts its contacts by whole levels: a type of priority p is
        // queued at p + (largest boost − its boost), which keeps every level ≥ 1.
        let segments: Vec<u32> = if s.segments.is_empty() {
            vec![0]
        } else {
            let top = s.segments.iter().map(|g| g.priority_boost).max().unwrap_or(0);
            s.segments.iter().map(|g| top - g.priority_boost).collect()
        };
        let route = |c: usize, seg: usize| -> Option<(usize, bool)> {
            let (g, dedicated) = s.segments.get(seg)?.group?;
            s.groups[g].skills.iter().any(|sk| sk.channel == c && sk.after <= 0.0).then_some((g, dedicated))
        };
        for (c, ch) in s.channels.iter().enumerate() {
            type_offset.push(n_types);
            n_types += ch.types.len();
            // Queue sets: the shared one (segments not routed on this channel), then one per
            // segment routed here; each set has its own levels.
            let owners: Vec<Option<usize>> = (0..segments.len()).map(|g| route(c, g).map(|_| g)).collect();
            let mut sets: Vec<Option<usize>> = vec![None];
            sets.extend(owners.iter().flatten().map(|&g| Some(g)));
            let mut level_of: Vec<(Option<usize>, Vec<u32>, usize)> = Vec::new();
            for &set in &sets {
                let mut prios: Vec<u32> = (0..segments.len())
                    .filter(|&g| owners[g] == set)
                    .flat_map(|g| {
                        let lift = segments[g];
                        ch.types.iter().map(move |t| t.priority + lift)
                    })
                    .collect();
                prios.sort_unstable();
                prios.dedup();
                let base = queues.len();
                for &p in &prios {
                    queues.push(QueueSpec { priority: p, owner: set });
                }
                level_of.push((set, prios, base));
            }
            // The channel's queues by level, shared before owned at a level.
            let mut all: Vec<usize> = level_of.iter().flat_map(|(_, p, base)| *base..*base + p.len()).collect();
            all.sort_by_key(|&q| (queues[q].priority, queues[q].owner.is_some(), q));
            channel_prio_queues.push(all);
            type_queue.push(
                (0..segments.len())
                    .flat_map(|g| {
                        let (_, prios, base) = level_of.iter().find(|x| x.0 == owners[g]).expect("a queue set");
                        let lift = segments[g];
                        ch.types.iter().map(move |t| base + prios.binary_search(&(t.priority + lift)).unwrap_or(0))
                    })
                    .collect(),
            );
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

        // Routing by segment: which groups may take which queues.
        let mut dedicated_group = vec![false; s.groups.len()];
        for seg in &s.segments {
            if let Some((g, true)) = seg.group {
                dedicated_group[g] = true;
            }
        }
        let owner_group = |q: usize| queues[q].owner.and_then(|seg| s.segments[seg].group);
        let may_take = |g: usize, q: usize| match owner_group(q) {
            None => !dedicated_group[g],
            Some((og, dedicated)) => og == g || (!dedicated && !dedicated_group[g]),
        };
        let mut group_queues = Vec::new();
        let mut group_live_end = Vec::new();
        for (gi, g) in s.groups.iter().enumerate() {
            let mut list = Vec::new();
            let passes: &[Option<bool>] = if s.routing.live_first { &[Some(true), Some(false)] } else { &[None] };
            let mut live_end = 0;
            for pass in passes {
                for sk in &g.skills {
                    let ch = &s.channels[sk.channel];
                    if pass.is_some_and(|live| live != ch.kind.is_live()) {
                        continue;
                    }
                    // Its own segments' queues first (preferred or dedicated), then the rest
                    // it may take.
                    let mine = |q: &&usize| owner_group(**q).is_some_and(|(og, _)| og == gi);
                    let ordered: Vec<usize> = channel_prio_queues[sk.channel]
                        .iter()
                        .filter(mine)
                        .chain(channel_prio_queues[sk.channel].iter().filter(|q| !mine(q)))
                        .copied()
                        .filter(|&q| may_take(gi, q))
                        .collect();
                    for q in ordered {
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
        let arrival_route: Vec<Vec<[Vec<usize>; 2]>> = (0..n_ch)
            .map(|c| {
                (0..segments.len())
                    .map(|seg| match route(c, seg) {
                        Some((g, true)) => [vec![g], Vec::new()],
                        Some((g, false)) => [
                            vec![g],
                            arrival_groups[c].iter().copied().filter(|&o| o != g && !dedicated_group[o]).collect(),
                        ],
                        None => {
                            [arrival_groups[c].iter().copied().filter(|&o| !dedicated_group[o]).collect(), Vec::new()]
                        }
                    })
                    .collect()
            })
            .collect();
        let any_routing = s.segments.iter().any(|g| g.group.is_some());
        let mut overflow_delays = Vec::new();
        for og in &mut overflow_groups {
            og.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let mut d: Vec<f64> = og.iter().map(|x| x.0).collect();
            d.dedup();
            overflow_delays.push(d);
        }

        let mut staffing_timeline = Vec::new();
        for (gi, g) in s.groups.iter().enumerate() {
            for &(t, n) in &g.headcount.steps {
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

        let channel_queues = channel_prio_queues;
        let channel_salt = s.channels.iter().map(|c| name_hash(&c.name)).collect();
        let group_salt = s.groups.iter().map(|g| name_hash(&g.name)).collect();
        let calendar_rate: f64 = s.channels.iter().map(|c| c.arrivals.max_rate()).sum();
        let longest = s
            .channels
            .iter()
            .flat_map(|c| &c.types)
            .map(|t| t.handle_time.mean().max(t.patience.as_ref().map_or(0.0, |p| p.mean())))
            .fold(0.0, f64::max);
        let calendar_lookahead = 4.0 * longest;
        let policy = s.routing.policy;
        let mut acc = 0.0;
        let mut segment_cum: Vec<f64> = s
            .segments
            .iter()
            .map(|g| {
                acc += g.share;
                acc
            })
            .collect();
        if let Some(last) = segment_cum.last_mut() {
            *last = 1.0;
        }
        let type_of: Vec<(usize, usize)> =
            s.channels.iter().enumerate().flat_map(|(c, ch)| (0..ch.types.len()).map(move |t| (c, t))).collect();
        let type_repeats = type_of
            .iter()
            .map(|&(c, t)| {
                let ty = &s.channels[c].types[t];
                ty.resolution.repeats() || ty.assistant.is_some()
            })
            .collect();
        let return_to = type_of
            .iter()
            .map(|&(c, t)| {
                let ty = &s.channels[c].types[t];
                match &ty.resolution.returns {
                    None => Vec::new(),
                    Some(r) if r.to.is_empty() => vec![(c, t, 1.0)],
                    Some(r) => {
                        r.to.iter()
                            .map(|&(d, cum)| {
                                (d, crate::scenario::validate::target_type(&s.channels[d], &ty.name).unwrap_or(0), cum)
                            })
                            .collect()
                    }
                }
            })
            .collect();
        let any_preemptive = s.channels.iter().any(|c| c.preemptive);
        let track_issues = type_repeats_any(s)
            || s.channels.iter().any(|c| c.preemptive)
            || s.groups.iter().any(|g| g.interrupt_deferred);
        let fresh_draws =
            s.channels.iter().map(|c| !s.segments.is_empty() || c.types.iter().any(|t| t.deflect > 0.0)).collect();
        let announce = (0..n_ch)
            .map(|c| s.channels[c].announce.as_ref().map(|_| AnnounceModel::new(s, c, &arrival_groups[c])))
            .collect();
        Model {
            queues,
            type_queue,
            segment_cum,
            type_of,
            type_repeats,
            return_to,
            any_preemptive,
            any_assistant: s.channels.iter().flat_map(|c| &c.types).any(|t| t.assistant.is_some()),
            fresh_draws,
            track_issues,
            plain: !track_issues
                && s.segments.is_empty()
                && s.channels.iter().all(|c| {
                    c.announce.is_none()
                        && !c.preemptive
                        && c.types.iter().all(|t| t.deflect == 0.0 && t.assistant.is_none())
                }),
            type_cum,
            type_offset,
            n_types,
            group_queues,
            group_live_end,
            arrival_groups,
            arrival_route,
            any_routing,
            dedicated_group,
            overflow_groups,
            overflow_delays,
            channel_groups,
            staffing_timeline,
            opening_timeline,
            closing_timeline,
            channel_queues,
            channel_salt,
            group_salt,
            policy,
            aging_per_s: s.routing.aging_per_minute / 60.0,
            calendar_rate,
            calendar_lookahead,
            announce,
            scenario,
        }
    }
}
