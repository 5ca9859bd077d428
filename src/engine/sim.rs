//! One replication: the event loop and the state it drives.
//!
//! The loop allocates nothing per event once its vectors have grown to the run's peak
//! (contacts in the system, agents on shift), and does no I/O.

use super::calendar::{Calendar, Event, event_generation};
use super::{Model, mix};
use crate::arrivals::ArrivalClock;
use crate::scenario::{ChannelKind, DAY, RoutingPolicy};
use crate::stats::histogram::WaitHistogram;
use crate::stats::kpi::days_in;
use crate::stats::{ChannelCounts, RepStats};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::collections::VecDeque;

type Stream = Xoshiro256PlusPlus;

const NONE: u32 = u32::MAX;

/// Runs replication `rep` of the model and returns what it measured.
pub fn simulate(model: &Model, rep: u64) -> RepStats {
    let mut sim = Sim::new(model, rep);
    sim.run();
    sim.finish()
}

/// The random streams of a replication: one per purpose and channel (or group), seeded
/// from (scenario seed, replication, name of the channel or group, purpose).
fn stream(seed: u64, rep: u64, salt: u64, purpose: u64) -> Stream {
    Stream::seed_from_u64(mix(mix(mix(seed) ^ rep) ^ salt) ^ purpose)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Free,
    Waiting,
    InService,
}

#[derive(Clone, Copy)]
struct Contact {
    arrival: f64,
    /// Drawn handle time (s); stretched when service starts.
    handle: f64,
    /// Absolute time at which the contact abandons if still waiting (∞: never).
    abandon_at: f64,
    /// When the service in progress ends (s).
    end: f64,
    /// Work left (s) of an interrupted deferred contact waiting to be resumed; < 0 if none.
    left: f64,
    interval: u32,
    generation: u32,
    agent: u32,
    channel: u16,
    queue: u16,
    /// Global contact-type index.
    ty: u16,
    state: State,
}

#[derive(Clone, Copy)]
struct Agent {
    group: u32,
    /// Contacts in hand.
    held: u16,
    /// Channel of the contact picked up when it was free (busy-time attribution).
    channel: u16,
    /// Present (on shift or finishing in overtime).
    present: bool,
    /// Cut from the schedule: finishes what it holds, then leaves.
    leaving: bool,
    /// When it last became idle (s).
    idle_since: f64,
    shift_start: f64,
    /// Chat load bucket it sits in (0: none) and its position there.
    bucket: u16,
    bucket_pos: u32,
    leave_pos: u32,
    /// Position in the group's list of interruptible deferred work (NONE: not there).
    defer_pos: u32,
}

/// A piecewise-constant level integrated over time (agents × seconds).
#[derive(Clone, Copy, Default)]
struct Level {
    value: f64,
    last: f64,
    acc: f64,
}

impl Level {
    #[inline]
    fn add(&mut self, now: f64, delta: f64) {
        self.acc += self.value * (now - self.last);
        self.last = now;
        self.value += delta;
    }

    #[inline]
    fn set(&mut self, now: f64, value: f64) {
        self.add(now, value - self.value);
    }

    /// The integral since the last flush, up to `now`.
    fn flush(&mut self, now: f64) -> f64 {
        let x = self.acc + self.value * (now - self.last);
        self.acc = 0.0;
        self.last = now;
        x
    }
}

#[derive(Default)]
struct GroupState {
    /// Agents holding nothing, longest idle at the front.
    idle: VecDeque<u32>,
    /// Chat agents by number of chats held (index = held, 1 ≤ held < concurrency).
    partial: Vec<Vec<u32>>,
    /// Agents off shift, reused before new ones are created.
    off: Vec<u32>,
    /// Agents in overtime.
    leaving: Vec<u32>,
    /// (agent, contact slot) of agents working on deferred contacts that a live contact may
    /// interrupt (groups with `interrupt_deferred` only).
    deferred_work: Vec<(u32, u32)>,
    interrupt_deferred: bool,
    /// Every agent the group has had.
    members: Vec<u32>,
    /// Agents on shift (idle or busy, not leaving).
    on_shift: u32,
    concurrency: u16,
    scheduled: Level,
    available: Level,
    present: Level,
    overtime: Level,
    busy: Level,
    rng: Option<Stream>,
    shrinkage: f64,
}

struct ChannelState {
    clock: ArrivalClock,
    next: f64,
    arrivals: Stream,
    types: Stream,
    handle: Stream,
    patience: Stream,
    open: bool,
    /// Contacts waiting in the channel's queues.
    waiting: u32,
}

/// Per-interval wait histograms, kept only while an interval can still receive waits.
struct Histograms {
    open: Vec<Option<WaitHistogram>>,
    /// Contacts of each (channel, interval) still waiting.
    pending: Vec<u32>,
    pool: Vec<WaitHistogram>,
    total: Vec<WaitHistogram>,
}

struct Sim<'m> {
    m: &'m Model,
    now: f64,
    cal: Calendar,
    contacts: Vec<Contact>,
    free_slots: Vec<u32>,
    queues: Vec<VecDeque<(u32, u32)>>,
    agents: Vec<Agent>,
    groups: Vec<GroupState>,
    channels: Vec<ChannelState>,
    /// Cached earliest arrival over channels.
    next_arrival: f64,
    next_arrival_channel: usize,
    /// Per (group, channel): agents busy on the channel, contacts of the channel held.
    busy_on: Vec<Level>,
    held_on: Vec<Level>,
    stats: RepStats,
    hist: Histograms,
    /// Index of the interval in progress (n_intervals after the horizon).
    interval: usize,
    n_intervals: usize,
    interval_len: f64,
    first_counted: usize,
    scratch: Vec<u32>,
    /// Channels with more than one contact type (their types are counted separately).
    multi_type: Vec<bool>,
}

impl<'m> Sim<'m> {
    fn new(m: &'m Model, rep: u64) -> Sim<'m> {
        let s = &m.scenario;
        let n = s.n_intervals();
        let n_ch = s.channels.len();
        let n_g = s.groups.len();
        let seed = s.seed;
        let channels = (0..n_ch)
            .map(|c| {
                let salt = m.channel_salt[c];
                ChannelState {
                    clock: ArrivalClock::new(),
                    next: f64::INFINITY,
                    arrivals: stream(seed, rep, salt, 1),
                    types: stream(seed, rep, salt, 2),
                    handle: stream(seed, rep, salt, 3),
                    patience: stream(seed, rep, salt, 4),
                    open: s.channels[c].is_open(0.0),
                    waiting: 0,
                }
            })
            .collect();
        let max_agents: usize = s.groups.iter().map(|g| g.staffing.max() as usize).sum();
        let groups = s
            .groups
            .iter()
            .enumerate()
            .map(|(g, grp)| GroupState {
                partial: vec![Vec::new(); grp.concurrency as usize],
                concurrency: grp.concurrency as u16,
                interrupt_deferred: grp.interrupt_deferred,
                rng: (grp.shrinkage > 0.0).then(|| stream(seed, rep, m.group_salt[g], 5)),
                shrinkage: grp.shrinkage,
                ..GroupState::default()
            })
            .collect();
        let cap = (max_agents * 2 + 64).min(1 << 22);
        Sim {
            m,
            now: 0.0,
            cal: Calendar::with_capacity(cap),
            contacts: Vec::with_capacity(cap),
            free_slots: Vec::with_capacity(cap),
            queues: vec![VecDeque::new(); m.queues.len()],
            agents: Vec::with_capacity(max_agents),
            groups,
            channels,
            next_arrival: f64::INFINITY,
            next_arrival_channel: 0,
            busy_on: vec![Level::default(); n_g * n_ch],
            held_on: vec![Level::default(); n_g * n_ch],
            stats: RepStats::new(n_ch, n_g, n, days_in(s.horizon), m.n_types),
            hist: Histograms {
                open: (0..n_ch * n).map(|_| None).collect(),
                pending: vec![0; n_ch * n],
                pool: Vec::new(),
                total: (0..n_ch).map(|_| WaitHistogram::new()).collect(),
            },
            interval: 0,
            n_intervals: n,
            interval_len: s.interval,
            first_counted: s.first_counted_interval(),
            scratch: Vec::new(),
            multi_type: s.channels.iter().map(|c| c.types.len() > 1).collect(),
        }
    }

    fn run(&mut self) {
        let m = self.m;
        for c in 0..self.channels.len() {
            let ch = &mut self.channels[c];
            ch.next = ch.clock.next(&m.scenario.channels[c].arrivals, &mut ch.arrivals).unwrap_or(f64::INFINITY);
        }
        self.refresh_next_arrival();
        if self.n_intervals >= 1 {
            self.cal.push(self.interval_len, Event::Boundary(1));
        }
        if !m.staffing_timeline.is_empty() {
            self.cal.push(m.staffing_timeline[0].0, Event::Staffing(0));
        }
        if let Some(&(t, _)) = m.opening_timeline.first() {
            self.cal.push(t, Event::Opening(0));
        }
        if let Some(&(t, _)) = m.closing_timeline.first() {
            self.cal.push(t, Event::Closing(0));
        }
        self.cal.push(DAY.min(m.scenario.horizon), Event::DayEnd(0));
        loop {
            let t_cal = self.cal.next_time();
            if self.next_arrival < t_cal {
                self.now = self.next_arrival;
                self.arrival(self.next_arrival_channel);
                continue;
            }
            let Some((t, ev)) = self.cal.pop() else { break };
            self.now = t;
            match ev {
                Event::Departure(slot, g) => self.departure(slot, g),
                Event::Abandon(slot, g) => self.abandon(slot, g),
                Event::Overflow(slot, g) => self.overflow(slot, g),
                Event::Boundary(k) => self.boundary(k as usize),
                Event::Staffing(i) => self.staffing(i as usize),
                Event::Opening(i) => self.opening(i as usize),
                Event::Closing(i) => self.closing(i as usize),
                Event::DayEnd(d) => self.day_end(d as usize),
            }
        }
    }

    fn refresh_next_arrival(&mut self) {
        let mut best = f64::INFINITY;
        let mut who = 0;
        for (c, ch) in self.channels.iter().enumerate() {
            if ch.next < best {
                best = ch.next;
                who = c;
            }
        }
        self.next_arrival = best;
        self.next_arrival_channel = who;
    }

    // ---- contacts -------------------------------------------------------------------

    fn arrival(&mut self, c: usize) {
        let m = self.m;
        let ch_spec = &m.scenario.channels[c];
        let now = self.now;
        let ch = &mut self.channels[c];
        ch.next = ch.clock.next(&ch_spec.arrivals, &mut ch.arrivals).unwrap_or(f64::INFINITY);
        if self.channels.len() == 1 {
            self.next_arrival = self.channels[0].next;
        } else {
            self.refresh_next_arrival();
        }
        let ch = &mut self.channels[c];
        let ty = if ch_spec.types.len() == 1 {
            0
        } else {
            let u = (ch.types.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
            m.type_cum[c].iter().position(|&x| u < x).unwrap_or(ch_spec.types.len() - 1)
        };
        let spec = &ch_spec.types[ty];
        let handle = spec.handle_time.sample(&mut ch.handle);
        let abandon_at = match &spec.patience {
            Some(d) => now + d.sample(&mut ch.patience),
            None => f64::INFINITY,
        };
        self.admit(c, ty, handle, abandon_at);
    }

    /// A contact of channel `c` and type `ty` (index within the channel) arrives now with
    /// its drawn handle time and abandonment time: it goes to an agent or waits.
    fn admit(&mut self, c: usize, ty: usize, handle: f64, abandon_at: f64) {
        let m = self.m;
        let ch_spec = &m.scenario.channels[c];
        let now = self.now;
        let interval = ((now / self.interval_len) as usize).min(self.n_intervals - 1);
        let gty = (m.type_offset[c] + ty) as u16;
        self.count(c, interval, gty, |x| x.offered += 1);

        let slot = self.alloc(Contact {
            arrival: now,
            handle,
            abandon_at,
            end: f64::INFINITY,
            left: -1.0,
            interval: interval as u32,
            generation: 0,
            agent: NONE,
            channel: c as u16,
            queue: m.type_queue[c][ty] as u16,
            ty: gty,
            state: State::Waiting,
        });
        if ch_spec.kind.is_live() || self.channels[c].open {
            let groups = m.arrival_groups[c].iter().copied();
            if let Some(a) = self.find_agent(c, groups.clone()).or_else(|| self.interrupt(c, groups)) {
                self.start(slot, a, false);
                return;
            }
        }
        self.enqueue(slot);
    }

    #[inline]
    fn alloc(&mut self, mut k: Contact) -> u32 {
        match self.free_slots.pop() {
            Some(slot) => {
                k.generation = self.contacts[slot as usize].generation;
                self.contacts[slot as usize] = k;
                slot
            }
            None => {
                self.contacts.push(k);
                (self.contacts.len() - 1) as u32
            }
        }
    }

    #[inline]
    fn release(&mut self, slot: u32) {
        let k = &mut self.contacts[slot as usize];
        k.state = State::Free;
        k.generation = event_generation(k.generation.wrapping_add(1));
        self.free_slots.push(slot);
    }

    fn enqueue(&mut self, slot: u32) {
        let m = self.m;
        let k = self.contacts[slot as usize];
        let c = k.channel as usize;
        self.queues[k.queue as usize].push_back((slot, k.generation));
        self.channels[c].waiting += 1;
        self.hist.pending[c * self.n_intervals + k.interval as usize] += 1;
        if k.abandon_at.is_finite() {
            self.cal.push(k.abandon_at, Event::Abandon(slot, k.generation));
        }
        for &d in &m.overflow_delays[c] {
            let t = k.arrival + d;
            if t < k.abandon_at {
                self.cal.push(t, Event::Overflow(slot, k.generation));
            }
        }
    }

    /// The agent a contact of channel `c` goes to among `groups`: the longest-idle agent,
    /// else (chat only) an agent with a free slot holding the fewest chats. The agent is
    /// taken out of the idle queue.
    fn find_agent(&mut self, c: usize, groups: impl Iterator<Item = usize> + Clone) -> Option<u32> {
        let mut best: Option<(f64, usize)> = None;
        for g in groups.clone() {
            if let Some(&a) = self.groups[g].idle.front() {
                let since = self.agents[a as usize].idle_since;
                if best.is_none_or(|(b, _)| since < b) {
                    best = Some((since, g));
                }
            }
        }
        if let Some((_, g)) = best {
            return self.groups[g].idle.pop_front();
        }
        if self.m.scenario.channels[c].kind == ChannelKind::Chat {
            let max_k = groups.clone().map(|g| self.groups[g].concurrency).max().unwrap_or(1);
            for load in 1..max_k as usize {
                for g in groups.clone() {
                    // An agent holding chats takes more of the same channel only.
                    let agents = &self.agents;
                    let bucket = self.groups[g].partial.get(load);
                    if let Some(&a) =
                        bucket.and_then(|b| b.iter().rev().find(|&&a| agents[a as usize].channel as usize == c))
                    {
                        return Some(a);
                    }
                }
            }
        }
        None
    }

    /// Starts service of contact `slot` by agent `a` (already out of the idle queue).
    fn start(&mut self, slot: u32, a: u32, from_queue: bool) {
        let m = self.m;
        let now = self.now;
        let k = &mut self.contacts[slot as usize];
        let c = k.channel as usize;
        let i = k.interval as usize;
        let ty = k.ty;
        let wait = now - k.arrival;
        let resumed = k.left >= 0.0;
        k.state = State::InService;
        k.agent = a;
        let ch_spec = &m.scenario.channels[c];
        let agent = &mut self.agents[a as usize];
        let g = agent.group as usize;
        agent.held += 1;
        let held = agent.held;
        let duration = if resumed {
            k.left
        } else {
            if ch_spec.kind == ChannelKind::Chat {
                k.handle *= ch_spec.stretch_for(held as usize);
            }
            k.handle
        };
        k.left = -1.0;
        k.end = now + duration;
        self.cal.push(k.end, Event::Departure(slot, k.generation));
        if held == 1 {
            agent.channel = c as u16;
            self.groups[g].busy.add(now, 1.0);
            self.busy_on[g * self.channels.len() + c].add(now, 1.0);
        }
        self.held_on[g * self.channels.len() + c].add(now, 1.0);
        if self.groups[g].concurrency > 1 {
            self.set_bucket(a);
        }
        if self.groups[g].interrupt_deferred && !ch_spec.kind.is_live() {
            let grp = &mut self.groups[g];
            self.agents[a as usize].defer_pos = grp.deferred_work.len() as u32;
            grp.deferred_work.push((a, slot));
        }
        if resumed {
            // Answered when its service first started; now it only continues.
            self.channels[c].waiting -= 1;
            return;
        }

        let within = u64::from(wait <= ch_spec.within);
        self.count(c, i, ty, |x| {
            x.answered += 1;
            x.wait_answered_s += wait;
            x.answered_within += within;
        });
        if i >= self.first_counted {
            self.stats.handled[g * self.channels.len() + c] += 1;
            self.stats.group_wait_s[g] += wait;
            self.hist.total[c].record(wait);
            self.record_interval_wait(c, i, wait);
        }
        if from_queue {
            self.channels[c].waiting -= 1;
            self.leave_queue(c, i);
        }
    }

    /// Removes an agent from its group's list of interruptible deferred work.
    fn drop_deferred_work(&mut self, a: u32) {
        let pos = self.agents[a as usize].defer_pos;
        if pos == NONE {
            return;
        }
        let g = self.agents[a as usize].group as usize;
        let list = &mut self.groups[g].deferred_work;
        list.swap_remove(pos as usize);
        if let Some(&(moved, _)) = list.get(pos as usize) {
            self.agents[moved as usize].defer_pos = pos;
        }
        self.agents[a as usize].defer_pos = NONE;
    }

    /// A live contact of channel `c` found no free agent: interrupt, in one of `groups` that
    /// allows it, the deferred contact with the most work left. The interrupted contact
    /// goes back to the front of its queue. Returns the freed agent.
    fn interrupt(&mut self, c: usize, groups: impl Iterator<Item = usize>) -> Option<u32> {
        if !self.m.scenario.channels[c].kind.is_live() {
            return None;
        }
        let mut best: Option<(f64, u32, u32)> = None;
        for g in groups {
            if !self.groups[g].interrupt_deferred {
                continue;
            }
            for &(a, slot) in &self.groups[g].deferred_work {
                let end = self.contacts[slot as usize].end;
                if best.is_none_or(|(e, b, _)| end > e || (end == e && a < b)) {
                    best = Some((end, a, slot));
                }
            }
        }
        let (end, a, slot) = best?;
        let now = self.now;
        self.drop_deferred_work(a);
        let k = &mut self.contacts[slot as usize];
        k.left = end - now;
        k.end = f64::INFINITY;
        k.state = State::Waiting;
        k.generation = event_generation(k.generation.wrapping_add(1));
        let (q, d, generation) = (k.queue as usize, k.channel as usize, k.generation);
        self.queues[q].push_front((slot, generation));
        self.channels[d].waiting += 1;
        let agent = &mut self.agents[a as usize];
        let g = agent.group as usize;
        agent.held -= 1;
        debug_assert_eq!(agent.held, 0);
        let n_ch = self.channels.len();
        self.held_on[g * n_ch + d].add(now, -1.0);
        self.groups[g].busy.add(now, -1.0);
        self.busy_on[g * n_ch + agent.channel as usize].add(now, -1.0);
        Some(a)
    }

    /// Applies `f` to the counters of the contact's channel and interval of arrival, and to
    /// those of its type when the channel has several types and the contact counts.
    #[inline]
    fn count(&mut self, c: usize, i: usize, ty: u16, f: impl Fn(&mut ChannelCounts)) {
        let ci = self.stats.ci(c, i);
        f(&mut self.stats.channel[ci]);
        if self.multi_type[c] && i >= self.first_counted {
            f(&mut self.stats.types[ty as usize]);
        }
    }

    fn record_interval_wait(&mut self, c: usize, i: usize, wait: f64) {
        let idx = c * self.n_intervals + i;
        let h = &mut self.hist.open[idx];
        if h.is_none() {
            *h = Some(self.hist.pool.pop().unwrap_or_default());
        }
        if let Some(h) = h {
            h.record(wait);
        }
    }

    /// A contact of (c, i) left its queue; finalise the interval's percentiles if it was
    /// the last one waiting of a closed interval.
    fn leave_queue(&mut self, c: usize, i: usize) {
        let idx = c * self.n_intervals + i;
        self.hist.pending[idx] -= 1;
        if self.hist.pending[idx] == 0 && i < self.interval {
            self.finalise_interval(c, i);
        }
    }

    fn finalise_interval(&mut self, c: usize, i: usize) {
        let idx = c * self.n_intervals + i;
        if let Some(mut h) = self.hist.open[idx].take() {
            self.stats.channel[idx].wait_quantiles = [h.quantile(0.5), h.quantile(0.9), h.quantile(0.99)];
            h.clear();
            self.hist.pool.push(h);
        }
    }

    fn departure(&mut self, slot: u32, generation: u32) {
        let k = self.contacts[slot as usize];
        if k.generation != generation || k.state != State::InService {
            return;
        }
        let now = self.now;
        let c = k.channel as usize;
        self.count(c, k.interval as usize, k.ty, |x| {
            x.completed += 1;
            x.handle_s += k.handle;
        });
        self.release(slot);

        let a = k.agent;
        if self.agents[a as usize].defer_pos != NONE {
            self.drop_deferred_work(a);
        }
        let agent = &mut self.agents[a as usize];
        let g = agent.group as usize;
        agent.held -= 1;
        let held = agent.held;
        let leaving = agent.leaving;
        let busy_channel = agent.channel as usize;
        let n_ch = self.channels.len();
        self.held_on[g * n_ch + c].add(now, -1.0);
        if held == 0 {
            self.groups[g].busy.add(now, -1.0);
            self.busy_on[g * n_ch + busy_channel].add(now, -1.0);
        }
        if leaving {
            if held == 0 {
                self.go_off_overtime(a);
            }
            return;
        }
        self.agent_free(a);
    }

    fn abandon(&mut self, slot: u32, generation: u32) {
        let k = self.contacts[slot as usize];
        if k.generation != generation || k.state != State::Waiting {
            return;
        }
        let c = k.channel as usize;
        let i = k.interval as usize;
        let waited = self.now - k.arrival;
        // Strictly within: with the default threshold of 0 s the denominator is all offered.
        let short = waited < self.m.scenario.channels[c].short_abandon;
        self.count(c, i, k.ty, |x| {
            x.abandoned += 1;
            x.wait_abandoned_s += waited;
            x.short_abandoned += u64::from(short);
        });
        self.channels[c].waiting -= 1;
        self.release(slot);
        self.leave_queue(c, i);
    }

    fn overflow(&mut self, slot: u32, generation: u32) {
        let k = self.contacts[slot as usize];
        if k.generation != generation || k.state != State::Waiting {
            return;
        }
        let c = k.channel as usize;
        if !self.m.scenario.channels[c].kind.is_live() && !self.channels[c].open {
            return;
        }
        let (arrival, now) = (k.arrival, self.now);
        let m = self.m;
        let eligible = m.overflow_groups[c].iter().filter(move |(d, _)| arrival + d <= now).map(|&(_, g)| g);
        let found = self.find_agent(c, eligible.clone()).or_else(|| self.interrupt(c, eligible));
        if let Some(a) = found {
            self.start(slot, a, true);
        }
    }

    // ---- agents ---------------------------------------------------------------------

    /// An agent that is present and not leaving has just freed capacity: it takes work by
    /// the routing policy until it is full or nothing suits it, then waits.
    fn agent_free(&mut self, a: u32) {
        while self.take_one(a) {}
        self.settle(a);
    }

    /// Several agents gain capacity at once (a staffing increase): they take waiting work
    /// one contact each in turn, so that waiting chats spread over them.
    fn hand_out(&mut self, agents: &[u32]) {
        loop {
            let mut took = false;
            for &a in agents {
                took |= self.take_one(a);
            }
            if !took {
                break;
            }
        }
        for &a in agents {
            self.settle(a);
        }
    }

    /// The agent takes the next contact the routing policy gives it, if any.
    fn take_one(&mut self, a: u32) -> bool {
        let Some(q) = self.select(a) else { return false };
        let Some(slot) = self.pop_head(q) else { return false };
        self.start(slot, a, true);
        true
    }

    /// After taking work: an agent holding nothing joins the back of the idle queue; a
    /// chat agent moves to the bucket of its load.
    fn settle(&mut self, a: u32) {
        let agent = &mut self.agents[a as usize];
        let g = agent.group as usize;
        if agent.held == 0 {
            agent.idle_since = self.now;
            self.groups[g].idle.push_back(a);
        }
        if self.groups[g].concurrency > 1 {
            self.set_bucket(a);
        }
    }

    /// The first valid contact at the head of queue `q`, dropping entries of contacts that
    /// left (abandoned or were taken by an overflow group).
    #[inline]
    fn peek_head(&mut self, q: usize) -> Option<u32> {
        let queue = &mut self.queues[q];
        while let Some(&(slot, generation)) = queue.front() {
            let k = &self.contacts[slot as usize];
            if k.generation == generation && k.state == State::Waiting {
                return Some(slot);
            }
            queue.pop_front();
        }
        None
    }

    #[inline]
    fn pop_head(&mut self, q: usize) -> Option<u32> {
        let slot = self.peek_head(q)?;
        self.queues[q].pop_front();
        Some(slot)
    }

    /// The queue an agent takes its next contact from, by the routing policy.
    fn select(&mut self, a: u32) -> Option<usize> {
        let m = self.m;
        let agent = self.agents[a as usize];
        let g = agent.group as usize;
        let held = agent.held;
        if held >= self.groups[g].concurrency {
            return None;
        }
        let list = &m.group_queues[g];
        let live_end = m.group_live_end[g];
        let mut best: Option<(u32, f64, usize)> = None;
        for (idx, gq) in list.iter().enumerate() {
            if idx == live_end && best.is_some() {
                break;
            }
            if held > 0 && (!gq.chat || gq.channel != agent.channel as usize) {
                continue;
            }
            if !gq.live && !self.channels[gq.channel].open {
                continue;
            }
            let Some(slot) = self.peek_head(gq.queue) else {
                continue;
            };
            let arrival = self.contacts[slot as usize].arrival;
            if gq.after > 0.0 && arrival + gq.after > self.now {
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
            }
        }
        best.map(|b| b.2)
    }

    /// Puts a chat agent in the bucket of its load (or none when full, idle or leaving).
    fn set_bucket(&mut self, a: u32) {
        let agent = self.agents[a as usize];
        let g = agent.group as usize;
        let want = if !agent.leaving && agent.present && agent.held >= 1 && agent.held < self.groups[g].concurrency {
            agent.held
        } else {
            0
        };
        if want == agent.bucket {
            return;
        }
        if agent.bucket != 0 {
            let bucket = &mut self.groups[g].partial[agent.bucket as usize];
            let pos = agent.bucket_pos as usize;
            bucket.swap_remove(pos);
            if let Some(&moved) = bucket.get(pos) {
                self.agents[moved as usize].bucket_pos = pos as u32;
            }
        }
        let agent = &mut self.agents[a as usize];
        agent.bucket = want;
        if want != 0 {
            let bucket = &mut self.groups[g].partial[want as usize];
            agent.bucket_pos = bucket.len() as u32;
            bucket.push(a);
        }
    }

    fn go_off_overtime(&mut self, a: u32) {
        let now = self.now;
        let agent = &mut self.agents[a as usize];
        let g = agent.group as usize;
        agent.present = false;
        agent.leaving = false;
        let pos = agent.leave_pos as usize;
        let grp = &mut self.groups[g];
        grp.leaving.swap_remove(pos);
        if let Some(&moved) = grp.leaving.get(pos) {
            self.agents[moved as usize].leave_pos = pos as u32;
        }
        let grp = &mut self.groups[g];
        grp.present.add(now, -1.0);
        grp.overtime.add(now, -1.0);
        grp.off.push(a);
    }

    // ---- timeline events ------------------------------------------------------------

    fn staffing(&mut self, idx: usize) {
        let m = self.m;
        let (_, g, scheduled) = m.staffing_timeline[idx];
        let now = self.now;
        self.groups[g].scheduled.set(now, f64::from(scheduled));
        let available = self.shrink(g, scheduled);
        self.set_available(g, available);
        if let Some(&(t, _, _)) = m.staffing_timeline.get(idx + 1) {
            self.cal.push(t, Event::Staffing((idx + 1) as u32));
        }
    }

    /// Available headcount after shrinkage: scheduled × (1 − s), rounded at random so that
    /// its mean is exact.
    fn shrink(&mut self, g: usize, scheduled: u32) -> u32 {
        let grp = &mut self.groups[g];
        let Some(rng) = grp.rng.as_mut() else {
            return scheduled;
        };
        let x = f64::from(scheduled) * (1.0 - grp.shrinkage);
        let base = x.floor();
        let frac = x - base;
        let u = (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
        base as u32 + u32::from(u < frac)
    }

    fn set_available(&mut self, g: usize, n: u32) {
        let now = self.now;
        self.groups[g].available.set(now, f64::from(n));
        let on = self.groups[g].on_shift;
        let mut fresh = std::mem::take(&mut self.scratch);
        fresh.clear();
        if n > on {
            let mut need = n - on;
            while need > 0 {
                let Some(a) = self.groups[g].leaving.pop() else {
                    break;
                };
                let agent = &mut self.agents[a as usize];
                agent.leaving = false;
                let grp = &mut self.groups[g];
                grp.overtime.add(now, -1.0);
                grp.on_shift += 1;
                need -= 1;
                fresh.push(a);
            }
            while need > 0 {
                let grp = &mut self.groups[g];
                let a = match grp.off.pop() {
                    Some(a) => a,
                    None => {
                        let a = self.agents.len() as u32;
                        self.agents.push(Agent {
                            group: g as u32,
                            held: 0,
                            channel: 0,
                            present: false,
                            leaving: false,
                            idle_since: now,
                            shift_start: now,
                            bucket: 0,
                            bucket_pos: 0,
                            leave_pos: 0,
                            defer_pos: NONE,
                        });
                        self.groups[g].members.push(a);
                        a
                    }
                };
                let agent = &mut self.agents[a as usize];
                agent.present = true;
                agent.shift_start = now;
                agent.idle_since = now;
                let grp = &mut self.groups[g];
                grp.on_shift += 1;
                grp.present.add(now, 1.0);
                need -= 1;
                fresh.push(a);
            }
            self.hand_out(&fresh);
        } else if n < on {
            let mut cut = on - n;
            while cut > 0 {
                let grp = &mut self.groups[g];
                let Some(a) = grp.idle.pop_back() else { break };
                self.agents[a as usize].present = false;
                grp.on_shift -= 1;
                grp.present.add(now, -1.0);
                grp.off.push(a);
                cut -= 1;
            }
            if cut > 0 {
                // Busy agents longest on shift leave after their current contacts.
                for &a in &self.groups[g].members {
                    let x = &self.agents[a as usize];
                    if x.present && !x.leaving && x.held > 0 {
                        fresh.push(a);
                    }
                }
                let agents = &self.agents;
                fresh.sort_by(|&x, &y| {
                    agents[x as usize].shift_start.total_cmp(&agents[y as usize].shift_start).then(x.cmp(&y))
                });
                for &a in fresh.iter().take(cut as usize) {
                    let grp = &mut self.groups[g];
                    grp.on_shift -= 1;
                    grp.overtime.add(now, 1.0);
                    let agent = &mut self.agents[a as usize];
                    agent.leaving = true;
                    agent.leave_pos = grp.leaving.len() as u32;
                    grp.leaving.push(a);
                    if grp.concurrency > 1 {
                        self.set_bucket(a);
                    }
                    // An agent in overtime is never interrupted for new work.
                    self.drop_deferred_work(a);
                }
            }
        }
        self.scratch = fresh;
    }

    /// Deferred channels open: every channel opening at this instant first, then idle
    /// agents of the groups serving them take work.
    fn opening(&mut self, idx: usize) {
        let m = self.m;
        let t = m.opening_timeline[idx].0;
        let mut next = idx;
        while let Some(&(at, c)) = m.opening_timeline.get(next)
            && at == t
        {
            self.channels[c].open = true;
            next += 1;
        }
        for &(_, c) in &m.opening_timeline[idx..next] {
            for &g in &m.channel_groups[c] {
                while let Some(&a) = self.groups[g].idle.front() {
                    if self.select(a).is_none() {
                        break;
                    }
                    self.groups[g].idle.pop_front();
                    self.agent_free(a);
                }
            }
        }
        if let Some(&(t, _)) = m.opening_timeline.get(next) {
            self.cal.push(t, Event::Opening(next as u32));
        }
    }

    /// Deferred channels close (work in hand is finished).
    fn closing(&mut self, idx: usize) {
        let m = self.m;
        let t = m.closing_timeline[idx].0;
        let mut next = idx;
        while let Some(&(at, c)) = m.closing_timeline.get(next)
            && at == t
        {
            self.channels[c].open = false;
            next += 1;
        }
        if let Some(&(t, _)) = m.closing_timeline.get(next) {
            self.cal.push(t, Event::Closing(next as u32));
        }
    }

    /// The end of day `d` (or the horizon, for a last part day): backlog snapshot.
    fn day_end(&mut self, d: usize) {
        for c in 0..self.channels.len() {
            if let Some(slot) = self.stats.backlog_end_of_day[c].get_mut(d) {
                *slot = u64::from(self.channels[c].waiting);
            }
        }
        if d + 1 < self.stats.backlog_end_of_day.first().map_or(0, Vec::len) {
            let t = ((d + 2) as f64 * DAY).min(self.m.scenario.horizon);
            self.cal.push(t, Event::DayEnd((d + 1) as u32));
        }
    }

    /// Interval `k` starts: close the books of interval `k − 1`.
    fn boundary(&mut self, k: usize) {
        let now = self.now;
        let i = k - 1;
        let n_ch = self.channels.len();
        for g in 0..self.groups.len() {
            let gi = self.stats.gi(g, i);
            let grp = &mut self.groups[g];
            let t = &mut self.stats.group[gi];
            t.scheduled_s = grp.scheduled.flush(now);
            t.available_s = grp.available.flush(now);
            t.present_s = grp.present.flush(now);
            t.overtime_s = grp.overtime.flush(now);
            t.busy_s = grp.busy.flush(now);
            for c in 0..n_ch {
                let idx = self.stats.gci(g, c, i);
                self.stats.busy_on[idx] = self.busy_on[g * n_ch + c].flush(now);
                self.stats.held_on[idx] = self.held_on[g * n_ch + c].flush(now);
            }
        }
        self.interval = k;
        for c in 0..n_ch {
            if self.hist.pending[c * self.n_intervals + i] == 0 {
                self.finalise_interval(c, i);
            }
        }
        if k < self.n_intervals {
            self.cal.push((k + 1) as f64 * self.interval_len, Event::Boundary((k + 1) as u32));
        }
    }

    // ---- end of run -----------------------------------------------------------------

    fn finish(mut self) -> RepStats {
        for q in 0..self.queues.len() {
            while let Some(slot) = self.pop_head(q) {
                let k = self.contacts[slot as usize];
                let c = k.channel as usize;
                let i = k.interval as usize;
                if k.left >= 0.0 {
                    // Interrupted and never resumed: answered, but its work is unfinished.
                    self.count(c, i, k.ty, |x| x.unfinished += 1);
                } else {
                    self.count(c, i, k.ty, |x| x.waiting_at_end += 1);
                    self.hist.pending[c * self.n_intervals + i] -= 1;
                }
                self.release(slot);
            }
        }
        self.interval = self.n_intervals;
        for c in 0..self.channels.len() {
            for i in 0..self.n_intervals {
                self.finalise_interval(c, i);
            }
            let h = &self.hist.total[c];
            self.stats.channel_quantiles[c] = [h.quantile(0.5), h.quantile(0.9), h.quantile(0.99)];
        }
        if cfg!(debug_assertions) {
            for (idx, x) in self.stats.channel.iter().enumerate() {
                assert_eq!(x.offered, x.answered + x.abandoned + x.waiting_at_end, "conservation at {idx}");
                assert_eq!(x.completed + x.unfinished, x.answered, "every answered contact completes ({idx})");
            }
        }
        self.stats
    }
}

#[cfg(test)]
mod tests {
    //! White-box checks of the rules the event loop implements, driven event by event.
    use super::*;
    use crate::scenario::Scenario;

    fn model(kind: &str, extra_group: &str) -> Model {
        let text = format!(
            r#"
name = "t"
horizon = "2h"
interval = "30m"
[[channel]]
name = "c"
kind = "{kind}"
service_level = {{ target = 0.8, within = "20s" }}
arrivals = {{ per_hour = 0 }}
handle_time = {{ dist = "deterministic", value = "1000s" }}
{stretch}
[[agents]]
name = "team"
skills = ["c"]
staff = 1
{extra_group}
"#,
            stretch = if kind == "chat" { "concurrency_stretch = [1.0, 1.5, 2.0]" } else { "" }
        );
        Model::compile(Scenario::from_toml(&text, "t.toml").unwrap())
    }

    /// Advances to `t`, processing every calendar event up to it.
    fn advance(sim: &mut Sim, t: f64) {
        while sim.cal.next_time() <= t {
            let (at, ev) = sim.cal.pop().unwrap();
            sim.now = at;
            match ev {
                Event::Departure(s, g) => sim.departure(s, g),
                Event::Abandon(s, g) => sim.abandon(s, g),
                Event::Overflow(s, g) => sim.overflow(s, g),
                Event::Boundary(k) => sim.boundary(k as usize),
                Event::Staffing(i) => sim.staffing(i as usize),
                Event::Opening(i) => sim.opening(i as usize),
                Event::Closing(i) => sim.closing(i as usize),
                Event::DayEnd(d) => sim.day_end(d as usize),
            }
        }
        sim.now = t;
    }

    impl Sim<'_> {
        /// Starts the run's timelines and advances to `t`.
        fn run_until_for_test(&mut self, t: f64) {
            let m = self.m;
            self.cal.push(self.interval_len, Event::Boundary(1));
            self.cal.push(m.staffing_timeline[0].0, Event::Staffing(0));
            self.cal.push(m.opening_timeline[0].0, Event::Opening(0));
            self.cal.push(m.closing_timeline[0].0, Event::Closing(0));
            advance(self, t);
        }
    }

    fn arrive(sim: &mut Sim, t: f64, handle: f64) {
        advance(sim, t);
        sim.admit(0, 0, handle, f64::INFINITY);
    }

    fn busy_agents(sim: &Sim) -> Vec<u32> {
        (0..sim.agents.len() as u32).filter(|&a| sim.agents[a as usize].held > 0).collect()
    }

    #[test]
    fn cuts_take_idle_agents_first_then_longest_on_shift() {
        let m = model("voice", "");
        let mut sim = Sim::new(&m, 0);
        sim.set_available(0, 2);
        advance(&mut sim, 50.0);
        sim.set_available(0, 4); // agents 2 and 3 start later than 0 and 1
        arrive(&mut sim, 60.0, 1000.0); // agent 0 (longest idle)
        arrive(&mut sim, 61.0, 10.0); // agent 1, finishes first
        arrive(&mut sim, 62.0, 1000.0); // agent 2
        assert_eq!(busy_agents(&sim), vec![0, 1, 2]);
        advance(&mut sim, 100.0);
        // Agent 1 is idle again (since 71): the cut of 3 takes idle agents 3 and 1 first,
        // then the busy agent longest on shift, agent 0 — not agent 2, although both
        // finish at the same time.
        sim.set_available(0, 1);
        let g = &sim.groups[0];
        assert_eq!(g.on_shift, 1);
        assert_eq!(g.leaving, vec![0]);
        assert!(sim.agents[2].present && !sim.agents[2].leaving);
        assert!(!sim.agents[1].present && !sim.agents[3].present);
        // An increase keeps the agent in overtime on before bringing anyone new.
        advance(&mut sim, 200.0);
        sim.set_available(0, 2);
        assert!(sim.groups[0].leaving.is_empty());
        assert!(!sim.agents[0].leaving);
        assert_eq!(sim.groups[0].on_shift, 2);
        assert_eq!(sim.agents.len(), 4, "no new agent was created");
        // The agent that leaves in overtime does so when its contact ends.
        sim.set_available(0, 1);
        let leaving = sim.groups[0].leaving.clone();
        assert_eq!(leaving, vec![0]);
        advance(&mut sim, 1061.0);
        assert!(!sim.agents[0].present, "left after finishing at 1060");
        assert_eq!(sim.groups[0].overtime.value, 0.0);
        assert_eq!(sim.groups[0].present.value, 1.0);
    }

    #[test]
    fn chat_agents_hold_up_to_concurrency_with_stretch() {
        let m = model("chat", "concurrency = 3");
        let mut sim = Sim::new(&m, 0);
        sim.set_available(0, 1);
        for i in 0..4 {
            arrive(&mut sim, f64::from(i), 100.0);
        }
        assert_eq!(sim.agents[0].held, 3, "full at three chats");
        assert_eq!(sim.channels[0].waiting, 1, "the fourth waits");
        // Handle times were stretched by the number held when each started: 1, 1.5, 2.
        let handles: Vec<f64> = sim.contacts.iter().filter(|k| k.state == State::InService).map(|k| k.handle).collect();
        assert_eq!(handles, vec![100.0, 150.0, 200.0]);
        // The first chat ends at 100: the waiting chat takes the freed slot, stretched
        // for three chats held.
        advance(&mut sim, 100.0);
        assert_eq!(sim.agents[0].held, 3);
        assert_eq!(sim.channels[0].waiting, 0);
        assert!(sim.contacts.iter().any(|k| k.state == State::InService && k.handle == 200.0 && k.arrival == 3.0));
        assert_eq!(sim.groups[0].partial.iter().map(Vec::len).sum::<usize>(), 0, "a full agent is in no bucket");
        advance(&mut sim, 152.0);
        assert_eq!(sim.agents[0].held, 2);
        assert_eq!(sim.groups[0].partial[2], vec![0]);
    }

    /// Agents arriving with a staffing increase share the waiting chats instead of the
    /// first of them filling up.
    #[test]
    fn new_agents_share_waiting_chats() {
        let m = model("chat", "concurrency = 3");
        let mut sim = Sim::new(&m, 0);
        sim.set_available(0, 1);
        for i in 0..6 {
            arrive(&mut sim, f64::from(i), 500.0);
        }
        assert_eq!(sim.channels[0].waiting, 3);
        sim.set_available(0, 4);
        assert_eq!(sim.channels[0].waiting, 0);
        let held: Vec<u16> = sim.agents.iter().map(|a| a.held).collect();
        assert_eq!(held, vec![3, 1, 1, 1]);
    }

    fn deferred_model() -> Model {
        let text = r#"
name = "t"
horizon = "2d"
interval = "30m"
[[channel]]
name = "email"
kind = "email"
service_level = { target = 1.0, within = "24h" }
open = { from = "08:00", to = "20:00" }
arrivals = { per_hour = 0 }
handle_time = { dist = "deterministic", value = "100s" }
[[channel]]
name = "social"
kind = "social"
service_level = { target = 1.0, within = "1h" }
open = { from = "08:00", to = "20:00" }
arrivals = { per_hour = 0 }
handle_time = { dist = "deterministic", value = "100s" }
[[agents]]
name = "office"
skills = ["social", "email"]
staff = { per_interval = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2] }
"#;
        Model::compile(Scenario::from_toml(text, "t.toml").unwrap())
    }

    /// Channels opening at the same instant open together, so the agent follows its skill
    /// order; a channel closing at an instant is closed for agents starting then.
    #[test]
    fn simultaneous_openings_and_closing_before_new_shifts() {
        let m = deferred_model();
        let mut sim = Sim::new(&m, 0);
        sim.run_until_for_test(3600.0);
        sim.admit(0, 0, 100.0, f64::INFINITY); // email at 01:00
        sim.admit(1, 0, 100.0, f64::INFINITY); // social at 01:00
        advance(&mut sim, 8.0 * 3600.0);
        let taken: Vec<usize> =
            sim.contacts.iter().filter(|k| k.state == State::InService).map(|k| k.channel as usize).collect();
        assert_eq!(taken, vec![1], "social first, by skill order, though email is channel 0");
        // At 20:00 both channels close and a second agent starts: it takes nothing, though
        // email is waiting.
        advance(&mut sim, 19.0 * 3600.0 + 50.0 * 60.0);
        for _ in 0..30 {
            sim.admit(0, 0, 100.0, f64::INFINITY);
        }
        advance(&mut sim, 20.0 * 3600.0 + 1.0);
        assert!(sim.channels[0].waiting > 20);
        assert_eq!(sim.groups[0].on_shift, 2);
        // The sixth email ended at exactly 20:00, when the channel closed: the first agent
        // took no seventh, and the new agent took none.
        let holding: Vec<u16> = sim.agents.iter().map(|a| a.held).collect();
        assert_eq!(holding, vec![0, 0]);
        assert_eq!(sim.channels[0].waiting, 24);
    }

    fn blended_model(interrupt: bool) -> Model {
        let text = format!(
            r#"
name = "t"
horizon = "2h"
interval = "30m"
[[channel]]
name = "phone"
kind = "voice"
service_level = {{ target = 0.8, within = "20s" }}
arrivals = {{ per_hour = 0 }}
handle_time = {{ dist = "deterministic", value = "50s" }}
[[channel]]
name = "email"
kind = "email"
service_level = {{ target = 1.0, within = "4h" }}
arrivals = {{ per_hour = 0 }}
handle_time = {{ dist = "deterministic", value = "1000s" }}
[[agents]]
name = "blended"
skills = ["phone", "email"]
staff = 1
interrupt_deferred = {interrupt}
"#
        );
        Model::compile(Scenario::from_toml(&text, "t.toml").unwrap())
    }

    /// With `interrupt_deferred`, a call finding no free agent interrupts the email in
    /// hand; the email resumes afterwards with the work it had left. Without it, the call
    /// waits.
    #[test]
    fn live_contacts_interrupt_deferred_work_when_configured() {
        let m = blended_model(true);
        let mut sim = Sim::new(&m, 0);
        sim.set_available(0, 1);
        advance(&mut sim, 0.0);
        sim.admit(1, 0, 1000.0, f64::INFINITY); // email from 0 to 1000
        advance(&mut sim, 100.0);
        sim.admit(0, 0, 50.0, f64::INFINITY); // a call at 100
        assert_eq!(sim.channels[1].waiting, 1, "the email went back to its queue");
        assert_eq!(sim.stats.channel[sim.stats.ci(0, 0)].answered, 1, "the call was answered at once");
        advance(&mut sim, 150.0);
        assert_eq!(sim.channels[1].waiting, 0, "resumed when the call ended");
        advance(&mut sim, 1049.0);
        assert_eq!(sim.agents[0].held, 1);
        advance(&mut sim, 1050.0);
        assert_eq!(sim.agents[0].held, 0, "900 s of work were left at 150");
        let email = &sim.stats.channel[sim.stats.ci(1, 0)];
        assert_eq!((email.answered, email.completed, email.handle_s, email.wait_answered_s), (1, 1, 1000.0, 0.0));

        let m = blended_model(false);
        let mut sim = Sim::new(&m, 0);
        sim.set_available(0, 1);
        advance(&mut sim, 0.0);
        sim.admit(1, 0, 1000.0, f64::INFINITY);
        advance(&mut sim, 100.0);
        sim.admit(0, 0, 50.0, f64::INFINITY);
        assert_eq!(sim.channels[0].waiting, 1, "the call waits for the email to end");
        advance(&mut sim, 1000.0);
        assert_eq!(sim.channels[0].waiting, 0);
    }

    #[test]
    fn overflow_group_waits_for_its_delay() {
        let m =
            model("voice", "[[agents]]\nname = \"backup\"\nskills = [{ channel = \"c\", after = \"60s\" }]\nstaff = 1");
        let mut sim = Sim::new(&m, 0);
        sim.set_available(0, 1);
        sim.set_available(1, 1);
        arrive(&mut sim, 0.0, 1000.0); // the primary agent
        arrive(&mut sim, 10.0, 1000.0); // waits: the backup is not eligible yet
        assert_eq!(sim.channels[0].waiting, 1);
        advance(&mut sim, 69.0);
        assert_eq!(sim.channels[0].waiting, 1);
        advance(&mut sim, 70.0);
        assert_eq!(sim.channels[0].waiting, 0, "taken by the backup at 10 + 60 s");
        assert_eq!(sim.agents[1].held, 1);
        // A backup agent freed later takes only contacts that have waited 60 s.
        arrive(&mut sim, 1000.5, 5.0);
        assert_eq!(sim.agents[0].held, 1, "primary agent free again at 1000 takes it");
    }
}
