//! One replication: the event loop. It sequences what happens — arrivals, services,
//! abandonments, overflow, staffing and opening changes — applying the decisions of
//! routing (`routing.rs`) and of the features that own their state (arrivals,
//! announcements, issues), and tells a [`Recorder`] what happened.
//!
//! The loop allocates nothing per event once its vectors have grown to the run's peak
//! (contacts in the system, agents on shift, pending events), and does no I/O. A model
//! that uses none of announcements, segments, deflection, assistants, preemption or
//! repeating issues runs a plain build of the loop (`PLAIN`), where every test of those
//! features is compiled away.

use super::Model;
use super::announce::Announcements;
use super::arrivals::Arrivals;
use super::calendar::{Calendar, Event, event_generation};
use super::contacts::{Contacts, State};
use super::core::{Core, NewContact};
use super::issues::{Entered, Fresh, IssueEnd, IssueFlow, NO_ISSUE};
use super::queues::Queues;
use super::recorder::{Abandonment, Answer, At, DayEnd, Headcount, IntervalEnd, IssueEnded, Load, Recorder};
use super::routing::{self, Pick};
use super::workforce::Workforce;
use crate::Error;
use crate::base::time::{DAY, days_in, format_duration};
use crate::scenario::ChannelKind;
use crate::scenario::limits::MAX_CONTACTS_IN_SYSTEM;

/// Runs replication `rep` of the model, telling `recorder` what happens, and returns it.
/// Recorders compose: `(tally, &mut log)` tallies and logs the same replication.
///
/// # Errors
///
/// [`Error::Run`] when the replication holds more than [`MAX_CONTACTS_IN_SYSTEM`]
/// contacts at once: the scenario overloads its agents beyond what memory allows (the
/// up-front check of the scenario refuses most such plans).
pub fn simulate_with<R: Recorder>(model: &Model, rep: u64, recorder: R) -> Result<R, Error> {
    if model.features.plain { run::<R, true>(model, rep, recorder) } else { run::<R, false>(model, rep, recorder) }
}

fn run<R: Recorder, const PLAIN: bool>(model: &Model, rep: u64, recorder: R) -> Result<R, Error> {
    let mut sim = Sim::<R, PLAIN>::new(model, rep, recorder);
    sim.start_timelines();
    while sim.step() {}
    if sim.overloaded {
        return Err(Error::Run(format!(
            "replication {rep} had more than {MAX_CONTACTS_IN_SYSTEM} contacts waiting at once by {} (the memory limit of a run): the agents cannot keep up with the arrivals — add agents or patience, or lower the volume",
            format_duration(sim.core.now)
        )));
    }
    Ok(sim.finish())
}

/// One replication in progress.
pub(crate) struct Sim<'m, R: Recorder, const PLAIN: bool> {
    pub(crate) core: Core<'m, R>,
    arrivals: Arrivals,
    announce: Announcements,
    issues: IssueFlow,
    /// Per agent: the contact it holds and since when it holds it (s) — what a router
    /// knows of a call in progress (kept with preemptive channels only).
    holding: Vec<(u32, f64)>,
    n_intervals: usize,
    /// Agents gaining capacity at a staffing change.
    scratch: Vec<u32>,
    /// More than [`MAX_CONTACTS_IN_SYSTEM`] contacts were in the system: the run stops.
    overloaded: bool,
}

impl<'m, R: Recorder, const PLAIN: bool> Sim<'m, R, PLAIN> {
    pub(crate) fn new(m: &'m Model, rep: u64, rec: R) -> Sim<'m, R, PLAIN> {
        let s = &m.scenario;
        let work = Workforce::new(m, rep);
        let in_service: usize = s.groups.iter().map(|g| g.headcount.max() as usize * g.concurrency as usize).sum();
        let cap = (work.agents.capacity() * 2 + 64).min(1 << 22);
        let core = Core {
            m,
            now: 0.0,
            cal: Calendar::for_rates(m.calendar_rate, m.calendar_lookahead, cap),
            // Contacts in service are bounded by the agents; the limit is on those waiting.
            contacts: Contacts::with_capacity(cap, MAX_CONTACTS_IN_SYSTEM + in_service),
            queues: Queues::new(m.queues.len()),
            work,
            open: s.channels.iter().map(|c| c.is_open(0.0)).collect(),
            rec,
            last_interval: s.n_intervals().saturating_sub(1),
            interval_len: s.interval,
        };
        Sim {
            core,
            arrivals: Arrivals::new(m, rep),
            announce: Announcements::new(m, rep),
            issues: IssueFlow::new(m, rep),
            holding: Vec::new(),
            n_intervals: s.n_intervals(),
            scratch: Vec::new(),
            overloaded: false,
        }
    }

    /// Schedules the first event of every timeline.
    pub(crate) fn start_timelines(&mut self) {
        let m = self.core.m;
        self.arrivals.start(m);
        let cal = &mut self.core.cal;
        if self.n_intervals >= 1 {
            cal.push(self.core.interval_len, Event::Boundary(1));
        }
        let t = &m.timelines;
        if let Some(&(at, _, _)) = t.staffing.first() {
            cal.push(at, Event::Staffing(0));
        }
        if let Some(&(at, _)) = t.opening.first() {
            cal.push(at, Event::Opening(0));
        }
        if let Some(&(at, _)) = t.closing.first() {
            cal.push(at, Event::Closing(0));
        }
        cal.push(DAY.min(m.scenario.horizon), Event::DayEnd(0));
    }

    /// Processes the next arrival or calendar event, whichever is earlier (calendar events
    /// first at equal times). False when nothing is left to happen.
    #[inline(always)]
    pub(crate) fn step(&mut self) -> bool {
        if self.arrivals.next < self.core.cal.next_time() {
            self.core.now = self.arrivals.next;
            self.arrival();
            return true;
        }
        let Some((t, ev)) = self.core.cal.pop() else { return false };
        let before = self.core.now;
        self.core.now = t;
        self.dispatch(ev, before);
        true
    }

    /// Applies calendar event `ev` at the current time; `before` is the time of the event
    /// before.
    #[inline(always)]
    pub(crate) fn dispatch(&mut self, ev: Event, before: f64) {
        match ev {
            Event::Departure(slot, g) => self.departure(slot, g),
            Event::Abandon(slot, g) => self.abandon(slot, g),
            Event::Overflow(slot, g) => self.overflow(slot, g),
            Event::Boundary(k) => self.boundary(k as usize),
            Event::Staffing(i) => self.staffing(i as usize),
            Event::Opening(i) => self.opening(i as usize),
            Event::Closing(i) => self.closing(i as usize),
            Event::DayEnd(d) => self.day_end(d as usize),
            Event::Promise(slot, g) => {
                if let Some(at) = self.announce.promise_broken(&mut self.core, slot, g, before) {
                    self.patience_until(slot, at);
                }
            }
            Event::Update(slot, g) => {
                let no_more_arrivals = self.arrivals.next.is_infinite();
                self.announce.update(&mut self.core, (slot, g), before, no_more_arrivals);
            }
            Event::Enter(i) => match self.issues.enter::<R, PLAIN>(&mut self.core, i) {
                Entered::Contact { contact, escalated: true } => self.admit(contact, self.core.now + contact.patience),
                Entered::Contact { contact, escalated: false } => self.front_door(contact),
                Entered::Done => {}
            },
        }
    }

    /// Waiting contact `slot` abandons at `at` from now on (at once if not later than now).
    fn patience_until(&mut self, slot: u32, at: f64) {
        if self.core.set_abandon_at(slot, at) {
            let generation = self.core.contacts.get(slot).generation;
            self.abandon(slot, generation);
        }
    }

    // ---- contacts -------------------------------------------------------------------

    /// The next arrival of the channels' processes: a fresh contact, its segment and
    /// deflection drawn, at the front door.
    #[inline(always)]
    fn arrival(&mut self) {
        let m = self.core.m;
        let d = self.arrivals.take(m, self.core.now);
        let mut n = NewContact {
            channel: d.channel,
            ty: d.ty,
            segment: 0,
            handle: d.handle,
            patience: d.patience,
            issue: NO_ISSUE,
            repeat: false,
        };
        if !PLAIN && m.channels[d.channel].fresh_draws {
            match self.issues.fresh::<R, PLAIN>(&mut self.core, d.channel, d.ty) {
                Fresh::Deflected => return,
                Fresh::Customer { segment, patience_factor } => {
                    n.segment = segment;
                    n.patience *= patience_factor;
                }
            }
        }
        self.front_door(n);
    }

    /// A contact arrives now, fresh or a repeat: it meets its type's virtual assistant if it
    /// has one, else goes to an agent or waits.
    #[inline(always)]
    fn front_door(&mut self, n: NewContact) {
        let m = self.core.m;
        if !PLAIN && m.features.assistant && m.scenario.channels[n.channel].types[n.ty].assistant.is_some() {
            self.issues.assistant::<R, PLAIN>(&mut self.core, &n);
            return;
        }
        self.admit(n, self.core.now + n.patience);
    }

    /// Contact `n` arrives now, abandoning at `abandon_at`: it goes to an agent, preempts
    /// one, or waits (told its wait on an announcing channel).
    #[inline(always)]
    pub(crate) fn admit(&mut self, n: NewContact, abandon_at: f64) {
        let m = self.core.m;
        let now = self.core.now;
        let c = n.channel;
        let mut k = self.core.contact::<PLAIN>(&n, abandon_at);
        if !PLAIN {
            self.issues.open_for(m, now, &mut k);
        }
        let slot = self.core.contacts.alloc(k);
        self.core.rec.arrival(At { now, contact: self.core.contacts.get(slot) });
        if self.core.open[c] || m.scenario.channels[c].kind.is_live() {
            let found = if !PLAIN && m.features.routing {
                self.routed_agent(c, n.segment)
            } else {
                let groups = m.channels[c].arrival_groups.iter().copied();
                match self.find_agent(c, groups.clone()) {
                    Some(a) => Some(a),
                    None => self.interrupt(c, groups),
                }
            };
            if let Some(a) = found {
                self.start(slot, a, false);
                return;
            }
            if !PLAIN
                && m.features.preemptive
                && m.scenario.channels[c].preemptive
                && let Some(a) = self.preempt(c, slot)
            {
                self.start(slot, a, false);
                return;
            }
        }
        if !PLAIN && m.features.announce && self.announce.on(c) {
            if self.announce.before_queue(&mut self.core, slot) {
                // Balked on hearing the wait: gone without waiting.
                let k = *self.core.contacts.get(slot);
                self.issues.after_abandon(&mut self.core, &k);
                self.core.contacts.release(slot);
                return;
            }
            self.enqueue(slot);
            if !self.overloaded {
                let no_more_arrivals = self.arrivals.next.is_infinite();
                self.announce.after_queue(&mut self.core, slot, no_more_arrivals);
            }
            return;
        }
        self.enqueue(slot);
    }

    #[inline(always)]
    fn enqueue(&mut self, slot: u32) {
        let core = &mut self.core;
        // The pool outgrows its limit (agents' capacity + the waiting limit) only through
        // waiting contacts: checked here, where they wait.
        if core.contacts.overloaded {
            // Stop the run: nothing more arrives and no event is left.
            self.overloaded = true;
            self.arrivals.stop();
            core.cal = Calendar::with_capacity(0);
            self.announce.stop();
            return;
        }
        let k = core.contacts.get(slot);
        let (generation, abandon_at, arrival, c) = (k.generation, k.abandon_at, k.arrival, k.channel as usize);
        core.queues.push_back(k.queue as usize, slot, generation);
        core.rec.queued(At { now: core.now, contact: k });
        if abandon_at.is_finite() {
            core.cal.push(abandon_at, Event::Abandon(slot, generation));
        }
        for &d in &core.m.channels[c].overflow_delays {
            let t = arrival + d;
            if t < abandon_at {
                core.cal.push(t, Event::Overflow(slot, generation));
            }
        }
    }

    /// The agent that takes a contact of channel `c` among `groups` (see
    /// [`routing::agent_for`]), taken out of its group's idle queue.
    #[inline(always)]
    fn find_agent(&mut self, c: usize, groups: impl Iterator<Item = usize> + Clone) -> Option<u32> {
        let core = &mut self.core;
        match routing::agent_for(core.m, &core.work, c, groups)? {
            Pick::Idle(g) => core.work.groups[g].idle.pop_front(),
            Pick::Partial(a) => Some(a),
        }
    }

    /// Starts service of contact `slot` by agent `a` (already out of the idle queue).
    /// `from_queue`: the contact was waiting (it has left its queue already).
    #[inline(always)]
    fn start(&mut self, slot: u32, a: u32, from_queue: bool) {
        let core = &mut self.core;
        let m = core.m;
        let now = core.now;
        let k = core.contacts.get_mut(slot);
        let c = k.channel as usize;
        let wait = now - k.arrival;
        let spec = &m.scenario.channels[c];
        let resumed = k.state == State::Interrupted;
        k.state = State::InService;
        k.agent = a;
        if !PLAIN && m.features.preemptive {
            if a as usize >= self.holding.len() {
                self.holding.resize(a as usize + 1, (u32::MAX, 0.0));
            }
            self.holding[a as usize] = (slot, now);
        }
        let agent = &mut core.work.agents[a as usize];
        let g = agent.group as usize;
        agent.held += 1;
        let held = agent.held;
        let duration = if resumed {
            k.mark
        } else {
            if spec.kind == ChannelKind::Chat {
                k.handle *= spec.stretch_for(held as usize);
            }
            k.handle
        };
        k.mark = now + duration;
        core.cal.push(k.mark, Event::Departure(slot, k.generation));
        if held == 1 {
            agent.channel = c as u16;
            core.rec.busy(Load { now, group: g, channel: c, delta: 1.0 });
        }
        core.rec.held(Load { now, group: g, channel: c, delta: 1.0 });
        let grp = &core.work.groups[g];
        let interruptible = m.features.interrupt && grp.interrupt_deferred && !spec.kind.is_live();
        if grp.concurrency > 1 {
            core.work.set_bucket(a);
        }
        if interruptible {
            core.work.add_deferred_work(a, slot, now);
        }
        if !resumed {
            // Answered when its service first starts; a resumed contact only continues.
            let answer = Answer { now, contact: core.contacts.get(slot), group: g, wait, from_queue };
            core.rec.answered(answer);
            if !PLAIN && m.features.announce {
                self.announce.answered(&mut self.core, slot, wait, from_queue);
            }
        }
    }

    /// A live contact of channel `c` found no free agent: interrupt the deferred contact
    /// chosen by [`routing::interruption`]; it goes back to the front of its queue with the
    /// work it had left. Returns the freed agent.
    #[inline(always)]
    fn interrupt(&mut self, c: usize, groups: impl Iterator<Item = usize>) -> Option<u32> {
        let core = &mut self.core;
        if !core.m.features.interrupt {
            return None;
        }
        let (a, slot) = routing::interruption(core.m, &core.work, c, groups)?;
        let now = core.now;
        core.work.drop_deferred_work(a);
        let k = core.contacts.get_mut(slot);
        k.mark -= now;
        k.state = State::Interrupted;
        k.generation = event_generation(k.generation.wrapping_add(1));
        let (q, d) = (k.queue as usize, k.channel as usize);
        core.queues.push_front(q, slot, k.generation);
        let agent = &mut core.work.agents[a as usize];
        let g = agent.group as usize;
        agent.held -= 1;
        debug_assert_eq!(agent.held, 0);
        let busy_channel = agent.channel as usize;
        core.rec.held(Load { now, group: g, channel: d, delta: -1.0 });
        core.rec.busy(Load { now, group: g, channel: busy_channel, delta: -1.0 });
        Some(a)
    }

    #[inline(always)]
    fn departure(&mut self, slot: u32, generation: u32) {
        let core = &mut self.core;
        if !core.contacts.is(slot, generation, State::InService) {
            return;
        }
        let now = core.now;
        let k = core.contacts.get(slot);
        let (a, channel) = (k.agent, k.channel as usize);
        core.rec.completed(At { now, contact: k });
        if PLAIN {
        } else if k.issue != NO_ISSUE {
            let k = *k;
            self.issues.after_service(&mut self.core, &k);
        } else if core.m.features.track_issues {
            let issue = self.issues.view(k);
            core.rec.issue_ended(IssueEnded { now, last: k, issue: &issue, end: IssueEnd::Resolved });
        }
        let core = &mut self.core;
        core.contacts.release(slot);
        if core.m.features.interrupt {
            core.work.drop_deferred_work(a);
        }
        let agent = &mut core.work.agents[a as usize];
        let g = agent.group as usize;
        agent.held -= 1;
        let (held, leaving, busy_channel) = (agent.held, agent.leaving, agent.channel as usize);
        core.rec.held(Load { now, group: g, channel, delta: -1.0 });
        if held == 0 {
            core.rec.busy(Load { now, group: g, channel: busy_channel, delta: -1.0 });
        }
        if leaving {
            if held == 0 {
                core.work.go_off_overtime(a, now, &mut core.rec);
            }
            return;
        }
        self.agent_free(a);
    }

    #[inline(always)]
    fn abandon(&mut self, slot: u32, generation: u32) {
        if !self.core.contacts.is(slot, generation, State::Waiting) {
            return;
        }
        if !PLAIN && self.core.m.features.announce && self.announce.abandoning(&mut self.core, slot) {
            return;
        }
        let core = &mut self.core;
        let now = core.now;
        let k = core.contacts.get(slot);
        let queue = k.queue as usize;
        core.rec.abandoned(Abandonment { now, contact: k, waited: now - k.arrival });
        core.queues.left(queue);
        if PLAIN {
        } else if k.issue != NO_ISSUE {
            let k = *k;
            self.issues.after_abandon(&mut self.core, &k);
        } else if core.m.features.track_issues {
            let issue = self.issues.view(k);
            core.rec.issue_ended(IssueEnded { now, last: k, issue: &issue, end: IssueEnd::Abandoned });
        }
        self.core.contacts.release(slot);
    }

    /// With routing by segment: the agent a new contact of channel `c` and `segment` goes
    /// to — the longest idle of its preferred or dedicated group, else of the other groups
    /// it may go to (interrupting deferred work as usual, round by round).
    #[cold]
    fn routed_agent(&mut self, c: usize, segment: usize) -> Option<u32> {
        let m = self.core.m;
        for round in &m.channels[c].arrival_route[segment] {
            if round.is_empty() {
                continue;
            }
            let groups = round.iter().copied();
            if let Some(a) = self.find_agent(c, groups.clone()).or_else(|| self.interrupt(c, groups)) {
                return Some(a);
            }
        }
        None
    }

    /// A contact of the most urgent level of preemptive channel `c` (in `slot`) found no
    /// free agent: the agent of a group serving `c` on arrival (one contact at a time, not
    /// leaving) that holds the least urgent contact of `c` below that level (ties: the one
    /// it started last, then the lowest agent id) is freed; its contact goes back to the
    /// front of its queue with the work it had left, to resume later. Returns the freed
    /// agent. The choice uses only what a router knows — priorities and when each call
    /// was connected — never the drawn handle time left.
    #[cold]
    fn preempt(&mut self, c: usize, slot: u32) -> Option<u32> {
        let core = &mut self.core;
        let m = core.m;
        let now = core.now;
        let top_queue = usize::from(core.contacts.get(slot).queue);
        let top = m.queues[top_queue].priority;
        if top != m.queues[m.channels[c].queues[0]].priority {
            return None;
        }
        let mut best: Option<(u32, f64, u32)> = None;
        for (a, &(held_slot, since)) in self.holding.iter().enumerate() {
            let agent = &core.work.agents[a];
            let g = agent.group as usize;
            if agent.held != 1 || agent.leaving || !agent.present || core.work.groups[g].concurrency != 1 {
                continue;
            }
            if !m.channels[c].arrival_groups.contains(&g) || (m.features.routing && !m.may_take(g, top_queue)) {
                continue;
            }
            let k = core.contacts.get(held_slot);
            if k.state != State::InService || k.channel as usize != c || k.agent != a as u32 {
                continue;
            }
            let p = m.queues[k.queue as usize].priority;
            if p > top && best.is_none_or(|(bp, bs, _)| p > bp || (p == bp && since > bs)) {
                best = Some((p, since, a as u32));
            }
        }
        let (_, _, a) = best?;
        let victim = self.holding[a as usize].0;
        let k = core.contacts.get_mut(victim);
        k.mark -= now;
        k.state = State::Interrupted;
        k.generation = event_generation(k.generation.wrapping_add(1));
        let (q, generation) = (k.queue as usize, k.generation);
        core.queues.push_front(q, victim, generation);
        core.rec.preempted(At { now, contact: core.contacts.get(victim) });
        let agent = &mut core.work.agents[a as usize];
        let g = agent.group as usize;
        agent.held -= 1;
        let busy_channel = agent.channel as usize;
        core.rec.held(Load { now, group: g, channel: c, delta: -1.0 });
        core.rec.busy(Load { now, group: g, channel: busy_channel, delta: -1.0 });
        Some(a)
    }

    fn overflow(&mut self, slot: u32, generation: u32) {
        let core = &self.core;
        if !core.contacts.is(slot, generation, State::Waiting) {
            return;
        }
        let k = *core.contacts.get(slot);
        let c = k.channel as usize;
        if !core.m.scenario.channels[c].kind.is_live() && !core.open[c] {
            return;
        }
        let (arrival, now) = (k.arrival, core.now);
        let m = core.m;
        let q = k.queue as usize;
        let eligible = m.channels[c]
            .overflow_groups
            .iter()
            .filter(move |&&(d, g)| arrival + d <= now && (!m.features.routing || m.may_take(g, q)))
            .map(|&(_, g)| g);
        if let Some(a) = self.find_agent(c, eligible.clone()).or_else(|| self.interrupt(c, eligible)) {
            self.core.queues.left(k.queue as usize);
            self.start(slot, a, true);
        }
    }

    // ---- agents ---------------------------------------------------------------------

    /// An agent that is present and not leaving has just freed capacity: it takes work by
    /// the routing policy until it is full or nothing suits it, then waits.
    #[inline(always)]
    fn agent_free(&mut self, a: u32) {
        while self.take_one(a) {}
        self.core.work.settle(a, self.core.now);
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
            self.core.work.settle(a, self.core.now);
        }
    }

    /// The agent takes the next contact the routing policy gives it, if any.
    #[inline(always)]
    fn take_one(&mut self, a: u32) -> bool {
        let core = &mut self.core;
        if core.queues.total() == 0 {
            return false;
        }
        let Some(q) = routing::queue_for(core.m, &core.work, &mut core.queues, &core.contacts, &core.open, a, core.now)
        else {
            return false;
        };
        let Some(slot) = core.queues.pop(q, &core.contacts) else { return false };
        self.start(slot, a, true);
        true
    }

    // ---- timeline events ------------------------------------------------------------

    fn staffing(&mut self, idx: usize) {
        let m = self.core.m;
        let (_, g, scheduled) = m.timelines.staffing[idx];
        self.core.rec.scheduled(Headcount { now: self.core.now, group: g, agents: scheduled });
        let available = self.core.work.shrink(g, scheduled);
        self.set_available(g, available);
        if let Some(&(t, _, _)) = m.timelines.staffing.get(idx + 1) {
            self.core.cal.push(t, Event::Staffing((idx + 1) as u32));
        }
    }

    /// Group `g` has `n` agents available from now on; agents who gain capacity take work.
    pub(crate) fn set_available(&mut self, g: usize, n: u32) {
        let core = &mut self.core;
        core.rec.available(Headcount { now: core.now, group: g, agents: n });
        let mut fresh = std::mem::take(&mut self.scratch);
        core.work.set_on_shift(g, n, core.now, &mut core.rec, &mut fresh);
        self.hand_out(&fresh);
        self.scratch = fresh;
    }

    /// Deferred channels open: every channel opening at this instant first, then idle
    /// agents of the groups serving them take work.
    fn opening(&mut self, idx: usize) {
        let m = self.core.m;
        let opening = &m.timelines.opening;
        let t = opening[idx].0;
        let mut next = idx;
        while let Some(&(at, c)) = opening.get(next)
            && at == t
        {
            self.core.open[c] = true;
            next += 1;
        }
        for &(_, c) in &opening[idx..next] {
            for &g in &m.channels[c].groups {
                while let Some(&a) = self.core.work.groups[g].idle.front() {
                    let core = &mut self.core;
                    if routing::queue_for(m, &core.work, &mut core.queues, &core.contacts, &core.open, a, core.now)
                        .is_none()
                    {
                        break;
                    }
                    core.work.groups[g].idle.pop_front();
                    self.agent_free(a);
                }
            }
        }
        if let Some(&(t, _)) = opening.get(next) {
            self.core.cal.push(t, Event::Opening(next as u32));
        }
    }

    /// Deferred channels close (work in hand is finished).
    fn closing(&mut self, idx: usize) {
        let closing = &self.core.m.timelines.closing;
        let t = closing[idx].0;
        let mut next = idx;
        while let Some(&(at, c)) = closing.get(next)
            && at == t
        {
            self.core.open[c] = false;
            next += 1;
        }
        if let Some(&(t, _)) = closing.get(next) {
            self.core.cal.push(t, Event::Closing(next as u32));
        }
    }

    /// The end of day `d` (or the horizon, for a last part day): backlog snapshot.
    fn day_end(&mut self, d: usize) {
        for c in 0..self.core.m.channels.len() {
            let waiting = self.core.waiting(c);
            self.core.rec.day_end(DayEnd { day: d, channel: c, waiting });
        }
        let horizon = self.core.m.scenario.horizon;
        if d + 1 < days_in(horizon) {
            self.core.cal.push(((d + 2) as f64 * DAY).min(horizon), Event::DayEnd((d + 1) as u32));
        }
    }

    /// Interval `k` starts: close the books of interval `k − 1`.
    fn boundary(&mut self, k: usize) {
        self.core.rec.interval_end(IntervalEnd { now: self.core.now, interval: k - 1 });
        if k < self.n_intervals {
            self.core.cal.push((k + 1) as f64 * self.core.interval_len, Event::Boundary((k + 1) as u32));
        }
    }

    // ---- end of run -----------------------------------------------------------------

    /// Contacts still in queues when nothing more can happen are reported, then released.
    fn finish(mut self) -> R {
        let end = self.core.now.max(self.core.m.scenario.horizon);
        for q in 0..self.core.queues.len() {
            while let Some(slot) = self.core.queues.pop(q, &self.core.contacts) {
                let k = *self.core.contacts.get(slot);
                if k.state == State::Interrupted {
                    self.core.rec.unfinished(At { now: end, contact: &k });
                } else {
                    self.core.rec.waiting_at_end(At { now: end, contact: &k });
                }
                self.core.now = end;
                let v = self.issues.view(&k);
                self.issues.end(&mut self.core, &k, &v, IssueEnd::Open);
                self.core.contacts.release(slot);
            }
        }
        self.core.rec
    }
}
