//! The compiled model: a checked scenario turned into the tables the engine reads — per
//! channel, per agent group and per contact type — and the timelines of staffing and
//! opening hours. Built once per run by small functions, each for one table, and shared
//! read-only by every replication.

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

/// What the engine reads of one channel.
#[derive(Debug, Clone)]
pub(crate) struct ChannelTable {
    /// Stream salt: a hash of the channel's name.
    pub salt: u64,
    /// Global index of its first contact type.
    pub type_offset: usize,
    /// Cumulative type shares (last = 1).
    pub type_cum: Vec<f64>,
    /// Its queues, by priority level (shared before owned at a level).
    pub queues: Vec<usize>,
    /// Queue of each contact type and segment: `[segment × types + type]`.
    pub type_queue: Vec<usize>,
    /// Groups that take its contacts on arrival (no overflow delay).
    pub arrival_groups: Vec<usize>,
    /// With routing by segment: per segment, the groups tried on arrival, in two rounds
    /// (the preferred or dedicated group, then the others allowed).
    pub arrival_route: Vec<[Vec<usize>; 2]>,
    /// (delay, group) of its overflow skills, sorted by delay.
    pub overflow_groups: Vec<(f64, usize)>,
    /// Distinct overflow delays, ascending.
    pub overflow_delays: Vec<f64>,
    /// Groups that serve it at all (for opening events).
    pub groups: Vec<usize>,
    /// Fresh contacts draw a segment or may be deflected.
    pub fresh_draws: bool,
    /// What its waiting-time predictors know of it (channels with announcements).
    pub announce: Option<AnnounceModel>,
}

/// What the engine reads of one agent group.
#[derive(Debug, Clone)]
pub(crate) struct GroupTable {
    /// Stream salt: a hash of the group's name.
    pub salt: u64,
    /// Queues in the order the group looks at them.
    pub queues: Vec<GroupQueue>,
    /// Number of live queues at the front of `queues` (with live_first).
    pub live_end: usize,
    /// It is dedicated to a segment (it serves only that segment's queues).
    pub dedicated: bool,
}

/// What the engine reads of one contact type (global index).
#[derive(Debug, Clone)]
pub(crate) struct TypeTable {
    /// Its channel and index within it.
    pub channel: usize,
    pub index: usize,
    /// Its issues can have more than one contact (they get an issue slot).
    pub repeats: bool,
    /// Where an unresolved customer comes back: (channel, type within it, cumulative share).
    pub return_to: Vec<(usize, usize, f64)>,
}

/// Which features the model uses: a model that uses none of them runs the plain loop.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Features {
    /// Some channel is preemptive.
    pub preemptive: bool,
    /// Some contact type has a virtual assistant.
    pub assistant: bool,
    /// Some segment is routed to a group.
    pub routing: bool,
    /// Some channel announces waits.
    pub announce: bool,
    /// Some group may interrupt deferred work.
    pub interrupt: bool,
    /// The engine tells the recorder how every issue ends (see [`Model::tracks_issues`]).
    pub track_issues: bool,
    /// None of announcements, segments, deflection, assistants, preemption or repeating
    /// issues: the engine runs its plain loop.
    pub plain: bool,
}

/// The staffing and opening timelines, each sorted by time then index.
#[derive(Debug, Clone, Default)]
pub(crate) struct Timelines {
    /// `(time, group, scheduled headcount)`.
    pub staffing: Vec<(f64, usize, u32)>,
    /// `(time, channel)` at which deferred channels open.
    pub opening: Vec<(f64, usize)>,
    /// `(time, channel)` at which deferred channels close.
    pub closing: Vec<(f64, usize)>,
}

/// A scenario compiled for the engine: routing tables and timelines. Built once, shared by
/// every replication.
pub struct Model {
    /// The checked scenario the model was compiled from.
    pub scenario: Scenario,
    pub(crate) queues: Vec<QueueSpec>,
    pub(crate) channels: Vec<ChannelTable>,
    pub(crate) groups: Vec<GroupTable>,
    pub(crate) types: Vec<TypeTable>,
    pub(crate) timelines: Timelines,
    pub(crate) features: Features,
    /// Cumulative segment shares (last = 1; empty without segments).
    pub(crate) segment_cum: Vec<f64>,
    pub(crate) policy: RoutingPolicy,
    /// Aging policy: priority levels gained per second waited.
    pub(crate) aging_per_s: f64,
    /// Calendar sizing: peak arrival rate over all channels (per s), and the time ahead
    /// (s) within which most events fall (a few mean handle times or patiences).
    pub(crate) calendar_rate: f64,
    pub(crate) calendar_lookahead: f64,
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

impl Model {
    /// Whether the engine reports every issue's end to the recorder
    /// ([`Recorder::issue_ended`](super::Recorder::issue_ended)). Scenarios where every
    /// issue is a single uninterrupted contact leave it off, for speed; a recorder of your
    /// own that needs the hook turns it on with [`Model::tracking_every_issue`].
    pub fn tracks_issues(&self) -> bool {
        self.features.track_issues
    }

    /// The same model, reporting every issue's end to the recorder (results are the same;
    /// the standard statistics then count issues one by one instead of deriving them).
    pub fn tracking_every_issue(mut self) -> Model {
        self.features.track_issues = true;
        self.features.plain = false;
        self
    }

    /// Whether agents of group `g` may take contacts of queue `q` (routing by segment: a
    /// dedicated group takes only its segment's, and nobody else does).
    #[inline]
    pub(crate) fn may_take(&self, g: usize, q: usize) -> bool {
        let dedicated = self.groups[g].dedicated;
        match self.queues[q].owner.and_then(|seg| self.scenario.segments[seg].group) {
            None => !dedicated,
            Some((og, is_dedicated)) => og == g || (!is_dedicated && !dedicated),
        }
    }

    /// Compiles a checked scenario: queues, routing tables and timelines. Infallible: the
    /// scenario was validated when it was built.
    pub fn compile(scenario: Scenario) -> Model {
        let s = &scenario;
        let lifts = segment_lifts(s);
        let (queues, channel_queues, type_queue) = build_queues(s, &lifts);
        let dedicated = dedicated_groups(s);
        let group_tables = group_tables(s, &queues, &channel_queues, &dedicated);
        let channels = channel_tables(s, channel_queues, type_queue, &dedicated);
        let types = type_tables(s);
        let features = features(s);
        let longest = s
            .channels
            .iter()
            .flat_map(|c| &c.types)
            .map(|t| t.handle_time.mean().max(t.patience.as_ref().map_or(0.0, |p| p.mean())))
            .fold(0.0, f64::max);
        Model {
            queues,
            channels,
            groups: group_tables,
            types,
            timelines: timelines(s),
            features,
            segment_cum: cumulative(s.segments.iter().map(|g| g.share)),
            policy: s.routing.policy,
            aging_per_s: s.routing.aging_per_minute / 60.0,
            calendar_rate: s.channels.iter().map(|c| c.arrivals.max_rate()).sum(),
            calendar_lookahead: 4.0 * longest,
            scenario,
        }
    }
}

/// Whether group `g` may take queue `q`, given which groups are dedicated.
fn may_take(s: &Scenario, queues: &[QueueSpec], dedicated: &[bool], g: usize, q: usize) -> bool {
    match queues[q].owner.and_then(|seg| s.segments[seg].group) {
        None => !dedicated[g],
        Some((og, is_dedicated)) => og == g || (!is_dedicated && !dedicated[g]),
    }
}

/// Running sums of `shares`, the last set to exactly 1.
fn cumulative(shares: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut acc = 0.0;
    let mut cum: Vec<f64> = shares
        .map(|x| {
            acc += x;
            acc
        })
        .collect();
    if let Some(last) = cum.last_mut() {
        *last = 1.0;
    }
    cum
}

/// Per segment, the levels its contacts are lifted by: a type of priority p is queued at
/// p + (largest boost − its boost), which keeps every level ≥ 1. One entry (0) without
/// segments.
fn segment_lifts(s: &Scenario) -> Vec<u32> {
    if s.segments.is_empty() {
        return vec![0];
    }
    let top = s.segments.iter().map(|g| g.priority_boost).max().unwrap_or(0);
    s.segments.iter().map(|g| top - g.priority_boost).collect()
}

/// The segment routed on channel `c` to a group serving it on arrival: (group, dedicated).
fn route(s: &Scenario, c: usize, seg: usize) -> Option<(usize, bool)> {
    let (g, dedicated) = s.segments.get(seg)?.group?;
    s.groups[g].skills.iter().any(|sk| sk.channel == c && sk.after <= 0.0).then_some((g, dedicated))
}

/// The queues: per channel, a shared set of priority levels and one set per segment routed
/// there. Returns every queue, each channel's queues by level, and each channel's queue of
/// every (segment, type).
fn build_queues(s: &Scenario, lifts: &[u32]) -> (Vec<QueueSpec>, Vec<Vec<usize>>, Vec<Vec<usize>>) {
    let mut queues = Vec::new();
    let mut channel_queues = Vec::new();
    let mut type_queue = Vec::new();
    for (c, ch) in s.channels.iter().enumerate() {
        let owners: Vec<Option<usize>> = (0..lifts.len()).map(|g| route(s, c, g).map(|_| g)).collect();
        let mut sets: Vec<Option<usize>> = vec![None];
        sets.extend(owners.iter().flatten().map(|&g| Some(g)));
        let mut level_of: Vec<(Option<usize>, Vec<u32>, usize)> = Vec::new();
        for &set in &sets {
            let mut prios: Vec<u32> = (0..lifts.len())
                .filter(|&g| owners[g] == set)
                .flat_map(|g| ch.types.iter().map(move |t| t.priority + lifts[g]))
                .collect();
            prios.sort_unstable();
            prios.dedup();
            let base = queues.len();
            queues.extend(prios.iter().map(|&p| QueueSpec { priority: p, owner: set }));
            level_of.push((set, prios, base));
        }
        // The channel's queues by level, shared before owned at a level.
        let mut all: Vec<usize> = level_of.iter().flat_map(|(_, p, base)| *base..*base + p.len()).collect();
        all.sort_by_key(|&q| (queues[q].priority, queues[q].owner.is_some(), q));
        channel_queues.push(all);
        type_queue.push(
            (0..lifts.len())
                .flat_map(|g| {
                    let (_, prios, base) = level_of.iter().find(|x| x.0 == owners[g]).expect("a queue set");
                    let lift = lifts[g];
                    ch.types.iter().map(move |t| base + prios.binary_search(&(t.priority + lift)).unwrap_or(0))
                })
                .collect(),
        );
    }
    (queues, channel_queues, type_queue)
}

/// Per group: dedicated to a segment.
fn dedicated_groups(s: &Scenario) -> Vec<bool> {
    let mut dedicated = vec![false; s.groups.len()];
    for seg in &s.segments {
        if let Some((g, true)) = seg.group {
            dedicated[g] = true;
        }
    }
    dedicated
}

/// Per group: its queues in the order it looks at them (with `live_first`, every live
/// skill before any deferred one; its own segments' queues before the rest it may take).
fn group_tables(
    s: &Scenario,
    queues: &[QueueSpec],
    channel_queues: &[Vec<usize>],
    dedicated: &[bool],
) -> Vec<GroupTable> {
    let owner_group = |q: usize| queues[q].owner.and_then(|seg| s.segments[seg].group);
    s.groups
        .iter()
        .enumerate()
        .map(|(gi, g)| {
            let mut list = Vec::new();
            let passes: &[Option<bool>] = if s.routing.live_first { &[Some(true), Some(false)] } else { &[None] };
            let mut live_end = 0;
            for pass in passes {
                for sk in &g.skills {
                    let ch = &s.channels[sk.channel];
                    if pass.is_some_and(|live| live != ch.kind.is_live()) {
                        continue;
                    }
                    let mine = |q: &&usize| owner_group(**q).is_some_and(|(og, _)| og == gi);
                    let ordered = channel_queues[sk.channel]
                        .iter()
                        .filter(mine)
                        .chain(channel_queues[sk.channel].iter().filter(|q| !mine(q)))
                        .copied()
                        .filter(|&q| may_take(s, queues, dedicated, gi, q));
                    list.extend(ordered.map(|q| GroupQueue {
                        queue: q,
                        channel: sk.channel,
                        after: sk.after,
                        priority: queues[q].priority,
                        live: ch.kind.is_live(),
                        chat: ch.kind == ChannelKind::Chat,
                    }));
                }
                if *pass == Some(true) {
                    live_end = list.len();
                }
            }
            if !s.routing.live_first {
                live_end = list.len();
            }
            GroupTable { salt: name_hash(&g.name), queues: list, live_end, dedicated: dedicated[gi] }
        })
        .collect()
}

/// Per channel: its streams' salt, types, queues, the groups that take its contacts on
/// arrival, by overflow and by segment, and what its announcements assume.
fn channel_tables(
    s: &Scenario,
    channel_queues: Vec<Vec<usize>>,
    type_queue: Vec<Vec<usize>>,
    dedicated: &[bool],
) -> Vec<ChannelTable> {
    let mut type_offset = 0;
    channel_queues
        .into_iter()
        .zip(type_queue)
        .enumerate()
        .map(|(c, (queues, type_queue))| {
            let ch = &s.channels[c];
            let mut arrival_groups = Vec::new();
            let mut overflow_groups = Vec::new();
            let mut groups = Vec::new();
            for (gi, g) in s.groups.iter().enumerate() {
                for sk in g.skills.iter().filter(|sk| sk.channel == c) {
                    groups.push(gi);
                    if sk.after > 0.0 {
                        overflow_groups.push((sk.after, gi));
                    } else {
                        arrival_groups.push(gi);
                    }
                }
            }
            overflow_groups.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let mut overflow_delays: Vec<f64> = overflow_groups.iter().map(|x| x.0).collect();
            overflow_delays.dedup();
            let arrival_route = arrival_route(s, c, &arrival_groups, dedicated);
            let table = ChannelTable {
                salt: name_hash(&ch.name),
                type_offset,
                type_cum: cumulative(ch.types.iter().map(|t| t.share)),
                queues,
                type_queue,
                announce: ch.announce.as_ref().map(|_| AnnounceModel::new(s, c, &arrival_groups)),
                arrival_groups,
                arrival_route,
                overflow_groups,
                overflow_delays,
                groups,
                fresh_draws: !s.segments.is_empty() || ch.types.iter().any(|t| t.deflect > 0.0),
            };
            type_offset += ch.types.len();
            table
        })
        .collect()
}

/// Per segment (one entry without segments): the groups of channel `c` tried on arrival,
/// in two rounds — the segment's preferred or dedicated group, then the others allowed.
fn arrival_route(s: &Scenario, c: usize, arrival_groups: &[usize], dedicated: &[bool]) -> Vec<[Vec<usize>; 2]> {
    let n_segments = s.segments.len().max(1);
    (0..n_segments)
        .map(|seg| match route(s, c, seg) {
            Some((g, true)) => [vec![g], Vec::new()],
            Some((g, false)) => {
                [vec![g], arrival_groups.iter().copied().filter(|&o| o != g && !dedicated[o]).collect()]
            }
            None => [arrival_groups.iter().copied().filter(|&o| !dedicated[o]).collect(), Vec::new()],
        })
        .collect()
}

/// Per contact type (global index): its channel, whether its issues repeat, and where an
/// unresolved customer comes back.
fn type_tables(s: &Scenario) -> Vec<TypeTable> {
    s.channels
        .iter()
        .enumerate()
        .flat_map(|(c, ch)| ch.types.iter().enumerate().map(move |(t, ty)| (c, t, ty)))
        .map(|(c, t, ty)| TypeTable {
            channel: c,
            index: t,
            repeats: ty.resolution.repeats() || ty.assistant.is_some(),
            return_to: match &ty.resolution.returns {
                None => Vec::new(),
                Some(r) if r.to.is_empty() => vec![(c, t, 1.0)],
                Some(r) => {
                    r.to.iter().map(|&(d, cum)| (d, s.channels[d].type_for(&ty.name).unwrap_or(0), cum)).collect()
                }
            },
        })
        .collect()
}

/// Which features the scenario uses.
fn features(s: &Scenario) -> Features {
    let any_type = |f: &dyn Fn(&crate::scenario::ContactType) -> bool| s.channels.iter().flat_map(|c| &c.types).any(f);
    let repeats = any_type(&|t| t.resolution.repeats() || t.assistant.is_some());
    let preemptive = s.channels.iter().any(|c| c.preemptive);
    let interrupt = s.groups.iter().any(|g| g.interrupt_deferred);
    let track_issues = repeats || preemptive || interrupt;
    let announce = s.channels.iter().any(|c| c.announce.is_some());
    let deflect = any_type(&|t| t.deflect > 0.0);
    let assistant = any_type(&|t| t.assistant.is_some());
    Features {
        preemptive,
        assistant,
        routing: s.segments.iter().any(|g| g.group.is_some()),
        announce,
        interrupt,
        track_issues,
        plain: !track_issues && s.segments.is_empty() && !announce && !deflect && !assistant,
    }
}

/// The staffing changes of every group within the horizon, and the opening and closing
/// times of deferred channels that are not open all the time.
fn timelines(s: &Scenario) -> Timelines {
    let mut t = Timelines::default();
    for (gi, g) in s.groups.iter().enumerate() {
        t.staffing.extend(g.headcount.steps.iter().filter(|&&(at, _)| at < s.horizon).map(|&(at, n)| (at, gi, n)));
    }
    t.staffing.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    for (c, ch) in s.channels.iter().enumerate() {
        let always = ch.open.len() == 1 && ch.open[0].0 <= 0.0 && ch.open[0].1 >= s.horizon;
        if ch.kind.is_live() || always {
            continue;
        }
        for &(a, b) in &ch.open {
            if a > 0.0 {
                t.opening.push((a, c));
            }
            if b < s.horizon {
                t.closing.push((b, c));
            }
        }
    }
    t.opening.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    t.closing.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    t
}
