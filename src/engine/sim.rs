//! One replication: the event loop, which applies routing decisions to the contacts,
//! queues and workforce and tells a [`Recorder`] what happened.
//!
//! The loop allocates nothing per event once its vectors have grown to the run's peak
//! (contacts in the system, agents on shift, pending events), and does no I/O.

use super::Model;
use super::announce::{self, Announcement, ChannelAnnouncer, PositionIndex};
use super::calendar::{Calendar, Event, event_generation};
use super::contacts::{Contact, Contacts, State};
use super::issues::{Entries, Entry, EntryKind, IssueEnd, IssueView, Issues, NO_ISSUE};
use super::queues::Queues;
use super::recorder::Recorder;
use super::routing::{self, Pick};
use super::streams::{Purpose, Stream, mix, stream, uniform};
use super::workforce::Workforce;
use crate::Error;
use crate::base::rates::{ArrivalClock, RateFn};
use crate::base::time::days_in;
use crate::base::time::format_duration;
use crate::scenario::limits::MAX_CONTACTS_IN_SYSTEM;
use crate::scenario::{ChannelKind, DAY, Predictor, Told};
use crate::stats::RepStats;
use crate::stats::tally::Tally;
use rand::SeedableRng;

/// Runs replication `rep` of the model and returns the standard statistics.
///
/// Fails (`Error::Run`) only when the replication holds more than
/// [`MAX_CONTACTS_IN_SYSTEM`] contacts at once: the scenario overloads its agents beyond
/// what memory allows (the up-front check of the scenario refuses most such plans).
///
/// # Errors
///
/// [`Error::Run`] when the replication outgrows the memory limit of a run.
pub fn simulate(model: &Model, rep: u64) -> Result<RepStats, Error> {
    Ok(simulate_with(model, rep, Tally::new(model))?.finish())
}

/// Runs replication `rep` of the model, telling `recorder` what happens, and returns it
/// (failing as [`simulate`] does).
///
/// # Errors
///
/// As [`simulate`].
pub fn simulate_with<R: Recorder>(model: &Model, rep: u64, recorder: R) -> Result<R, Error> {
    // Two builds of the loop: one for plain models, where every test of a triage or
    // announcement feature is compiled away, and one for the rest.
    if model.plain { run_with::<R, true>(model, rep, recorder) } else { run_with::<R, false>(model, rep, recorder) }
}

fn run_with<R: Recorder, const PLAIN: bool>(model: &Model, rep: u64, recorder: R) -> Result<R, Error> {
    let mut sim = Sim::<R, PLAIN>::new(model, rep, recorder);
    sim.run();
    if sim.overloaded {
        return Err(Error::Run(format!(
            "replication {rep} had more than {MAX_CONTACTS_IN_SYSTEM} contacts waiting at once by {} (the memory limit of a run): the agents cannot keep up with the arrivals — add agents or patience, or lower the volume",
            format_duration(sim.now)
        )));
    }
    Ok(sim.finish())
}

/// When a promise told at `now` runs out: now + its upper end; a told wait of 0 s (head of
/// line for a contact about to head its queue) or an open bucket promises nothing (∞).
fn promise_at(now: f64, t: &Told) -> f64 {
    if t.high > 0.0 { now + t.high } else { f64::INFINITY }
}

/// What a hashed draw of a customer's issue is for (see [`Sim::issue_draw`]).
#[derive(Clone, Copy)]
enum Draw {
    Segment = 1,
    Deflect = 2,
    Resolve = 3,
    ReturnChannel = 4,
    ReturnDelay = 5,
    Redial = 6,
    RedialDelay = 7,
    Contact = 8,
    Contain = 9,
    BotTime = 10,
    Recontact = 11,
}

/// A uniform in [0, 1) from the top 53 bits of a hash.
#[inline]
fn unit(h: u64) -> f64 {
    (h >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A channel's arrival process and per-contact streams.
struct ChannelState {
    clock: ArrivalClock,
    /// Time of the channel's next arrival, own or added by events (∞: none).
    next: f64,
    /// Time of the next arrival of its own process.
    own_next: f64,
    arrivals: Stream,
    types: Stream,
    handle: Stream,
    patience: Stream,
    /// This replication's arrival rate under forecast uncertainty (else the scenario's).
    rate: Option<RateFn>,
    /// The arrivals events add, and the thinning of its own (channels with events).
    events: Option<Box<EventArrivals>>,
    /// Neither forecast uncertainty nor events: the scenario's arrivals as they are.
    plain: bool,
}

/// A second arrival process for the contacts events add, with its own streams: its
/// contacts draw their type, handle time and patience from streams of their own, so that
/// the channel's own contacts draw exactly what they would without events.
struct EventArrivals {
    clock: ArrivalClock,
    next: f64,
    rate: RateFn,
    stream: Stream,
    thin: Stream,
    types: Stream,
    handle: Stream,
    patience: Stream,
}

/// Makes the draws of an own arrival that an event thinned out (rare: only inside events
/// that lower volume), so the channel's later contacts draw what they would without events.
#[cold]
#[inline(never)]
fn thinned_out(m: &Model, c: usize, types: &mut Stream, handle: &mut Stream, patience: &mut Stream) {
    draw_contact(m, c, types, handle, patience);
}

/// Draws a contact of channel `c`: its type (index within the channel), handle time (s)
/// and patience (s, ∞ without), in that order, each from its stream.
#[inline(always)]
fn draw_contact(
    m: &Model,
    c: usize,
    types: &mut Stream,
    handle: &mut Stream,
    patience: &mut Stream,
) -> (usize, f64, f64) {
    let spec = &m.scenario.channels[c];
    let ty = if spec.types.len() == 1 {
        0
    } else {
        let u = uniform(types);
        m.type_cum[c].iter().position(|&x| u < x).unwrap_or(spec.types.len() - 1)
    };
    let ty_spec = &spec.types[ty];
    let h = ty_spec.handle_time.sample(handle);
    let p = match &ty_spec.patience {
        Some(d) => d.sample(patience),
        None => f64::INFINITY,
    };
    (ty, h, p)
}

/// The forecast-error multiplier of channel `c`'s arrival rate in replication `rep`, as a
/// step function (`None` without forecast uncertainty): per day a gamma variable of mean 1
/// and cv `day_cv`, times per interval one of cv `interval_cv`, drawn in that order from the
/// channel's [`Purpose::Forecast`] stream.
pub fn forecast_factor(m: &Model, rep: u64, c: usize) -> Option<RateFn> {
    let s = &m.scenario;
    let f = s.channels[c].forecast;
    if !f.is_uncertain() {
        return None;
    }
    let mut rng = stream(s.seed, rep, m.channel_salt[c], Purpose::Forecast);
    let mut gamma = |cv: f64| -> f64 {
        if cv > 0.0 {
            rand_distr::Gamma::new(1.0 / (cv * cv), cv * cv)
                .map_or(1.0, |g| rand_distr::Distribution::sample(&g, &mut rng))
        } else {
            1.0
        }
    };
    let days: Vec<f64> = (0..crate::base::time::days_in(s.horizon)).map(|_| gamma(f.day_cv)).collect();
    let steps: Vec<(f64, f64)> = (0..s.n_intervals())
        .map(|i| {
            let t = i as f64 * s.interval;
            let day = days[((t / DAY) as usize).min(days.len() - 1)];
            (t, day * gamma(f.interval_cv))
        })
        .collect();
    Some(RateFn::from_steps(&steps, s.horizon))
}

/// One replication in progress. `PLAIN`: the model uses none of announcements, segments,
/// deflection, assistants, preemption or issues that can repeat (see `Model::plain`), so
/// the loop skips their tests at compile time.
pub(crate) struct Sim<'m, R: Recorder, const PLAIN: bool> {
    m: &'m Model,
    now: f64,
    cal: Calendar,
    contacts: Contacts,
    queues: Queues,
    work: Workforce,
    channels: Vec<ChannelState>,
    /// Whether each channel is open now.
    open: Vec<bool>,
    /// The earliest next arrival over the channels, and its channel (lowest index on ties).
    next_arrival: f64,
    next_arrival_channel: usize,
    n_intervals: usize,
    /// Index of the last interval of the horizon.
    last_interval: usize,
    interval_len: f64,
    /// Agents gaining capacity at a staffing change, and other short lists.
    scratch: Vec<u32>,
    /// More than [`MAX_CONTACTS_IN_SYSTEM`] contacts were in the system: the run stops.
    overloaded: bool,
    /// Per channel: its predictors' memory (channels with announcements).
    announcers: Vec<Option<ChannelAnnouncer>>,
    /// Some channel announces waits.
    any_announce: bool,
    /// What each contact slot's contact was told (grown with the slot pool; read only for
    /// contacts of announcing channels).
    told: Vec<Announcement>,
    /// Update events in the calendar (when they are all that is left, updates stop).
    updates_pending: usize,
    /// Promise events in the calendar.
    promises_pending: usize,
    /// Per queue: exact positions, for the queues of channels whose announcements are
    /// updated (their contacts' numbers are in `told`).
    positions: Vec<Option<PositionIndex>>,
    /// Open issues that can repeat, and their contacts still to come.
    issues: Issues,
    entries: Entries,
    /// The key of this replication's hashed issue draws.
    issue_key: u64,
    /// First counted interval (issues starting before it are not counted).
    first_counted: u32,
    horizon: f64,
    /// Per agent: the contact it holds (kept with preemptive channels only).
    holding: Vec<u32>,
    rec: R,
}

impl<'m, R: Recorder, const PLAIN: bool> Sim<'m, R, PLAIN> {
    fn new(m: &'m Model, rep: u64, rec: R) -> Sim<'m, R, PLAIN> {
        let s = &m.scenario;
        let channels = m
            .channel_salt
            .iter()
            .enumerate()
            .map(|(c, &salt)| {
                let spec = &s.channels[c];
                let factor = forecast_factor(m, rep, c);
                ChannelState {
                    clock: ArrivalClock::new(),
                    next: f64::INFINITY,
                    own_next: f64::INFINITY,
                    arrivals: stream(s.seed, rep, salt, Purpose::Arrivals),
                    types: stream(s.seed, rep, salt, Purpose::Types),
                    handle: stream(s.seed, rep, salt, Purpose::HandleTime),
                    patience: stream(s.seed, rep, salt, Purpose::Patience),
                    plain: factor.is_none() && spec.overlay.is_none(),
                    rate: factor.as_ref().map(|f| spec.arrivals.times(f)),
                    events: spec.overlay.as_ref().map(|o| {
                        Box::new(EventArrivals {
                            clock: ArrivalClock::new(),
                            next: f64::INFINITY,
                            rate: factor.as_ref().map_or_else(|| o.extra.clone(), |f| o.extra.times(f)),
                            stream: stream(s.seed, rep, salt, Purpose::EventArrivals),
                            thin: stream(s.seed, rep, salt, Purpose::EventThinning),
                            types: stream(s.seed, rep, salt, Purpose::EventTypes),
                            handle: stream(s.seed, rep, salt, Purpose::EventHandleTime),
                            patience: stream(s.seed, rep, salt, Purpose::EventPatience),
                        })
                    }),
                }
            })
            .collect();
        let work = Workforce::new(m, rep);
        let in_service: usize = s.groups.iter().map(|g| g.headcount.max() as usize * g.concurrency as usize).sum();
        let cap = (work.agents.capacity() * 2 + 64).min(1 << 22);
        Sim {
            m,
            now: 0.0,
            cal: Calendar::for_rates(m.calendar_rate, m.calendar_lookahead, cap),
            // Contacts in service are bounded by the agents; the limit is on those waiting.
            contacts: Contacts::with_capacity(cap, MAX_CONTACTS_IN_SYSTEM + in_service),
            queues: Queues::new(m.queues.len()),
            work,
            channels,
            open: s.channels.iter().map(|c| c.is_open(0.0)).collect(),
            next_arrival: f64::INFINITY,
            next_arrival_channel: 0,
            n_intervals: s.n_intervals(),
            last_interval: s.n_intervals().saturating_sub(1),
            interval_len: s.interval,
            scratch: Vec::new(),
            overloaded: false,
            announcers: s
                .channels
                .iter()
                .zip(&m.channel_salt)
                .map(|(ch, &salt)| {
                    ch.announce.as_ref().map(|a| {
                        let balk = a
                            .reaction
                            .balk
                            .is_some()
                            .then(|| rand::Rng::next_u64(&mut stream(s.seed, rep, salt, Purpose::Balk)));
                        let window = match a.predictor {
                            Predictor::MovingAverage(n) => n as usize,
                            _ => 0,
                        };
                        ChannelAnnouncer::new(balk, window)
                    })
                })
                .collect(),
            any_announce: s.channels.iter().any(|c| c.announce.is_some()),
            told: Vec::new(),
            updates_pending: 0,
            promises_pending: 0,
            positions: (0..m.queues.len())
                .map(|q| {
                    let updated =
                        m.channel_queues.iter().zip(&s.channels).any(|(qs, ch)| {
                            qs.contains(&q) && ch.announce.as_ref().is_some_and(|a| a.update.is_some())
                        });
                    updated.then(PositionIndex::default)
                })
                .collect(),
            issues: Issues::default(),
            entries: Entries::default(),
            issue_key: rand::Rng::next_u64(&mut stream(s.seed, rep, 0, Purpose::Issues)),
            first_counted: s.first_counted_interval() as u32,
            horizon: s.horizon,
            holding: Vec::new(),
            rec,
        }
    }

    /// Schedules the first event of every timeline.
    fn start_timelines(&mut self) {
        let m = self.m;
        for c in 0..self.channels.len() {
            self.draw_next_arrival(c, false);
            if self.channels[c].events.is_some() {
                self.draw_next_arrival(c, true);
            }
        }
        self.refresh_next_arrival();
        if self.n_intervals >= 1 {
            self.cal.push(self.interval_len, Event::Boundary(1));
        }
        if let Some(&(t, _, _)) = m.staffing_timeline.first() {
            self.cal.push(t, Event::Staffing(0));
        }
        if let Some(&(t, _)) = m.opening_timeline.first() {
            self.cal.push(t, Event::Opening(0));
        }
        if let Some(&(t, _)) = m.closing_timeline.first() {
            self.cal.push(t, Event::Closing(0));
        }
        self.cal.push(DAY.min(m.scenario.horizon), Event::DayEnd(0));
    }

    fn run(&mut self) {
        self.start_timelines();
        while self.step() {}
    }

    /// Processes the next arrival or calendar event, whichever is earlier (calendar events
    /// first at equal times). False when nothing is left to happen.
    #[inline(always)]
    fn step(&mut self) -> bool {
        if self.next_arrival < self.cal.next_time() {
            self.now = self.next_arrival;
            self.arrival(self.next_arrival_channel);
            return true;
        }
        let Some((t, ev)) = self.cal.pop() else { return false };
        let before = self.now;
        self.now = t;
        self.dispatch(ev, before);
        true
    }

    /// Applies calendar event `ev` at `self.now`; `before` is the time of the event before.
    #[inline]
    fn dispatch(&mut self, ev: Event, before: f64) {
        match ev {
            Event::Departure(slot, g) => self.departure(slot, g),
            Event::Abandon(slot, g) => self.abandon(slot, g),
            Event::Overflow(slot, g) => self.overflow(slot, g),
            Event::Boundary(k) => self.boundary(k as usize),
            Event::Staffing(i) => self.staffing(i as usize),
            Event::Opening(i) => self.opening(i as usize),
            Event::Closing(i) => self.closing(i as usize),
            Event::DayEnd(d) => self.day_end(d as usize),
            Event::Promise(slot, g) => self.promise_broken(slot, g, before),
            Event::Update(slot, g) => self.update(slot, g, before),
            Event::Enter(i) => self.enter(i),
        }
    }

    /// Contacts waiting in channel `c`'s queues now.
    fn waiting(&self, c: usize) -> u32 {
        self.m.channel_queues[c].iter().map(|&q| self.queues.live(q)).sum()
    }

    // ---- contacts -------------------------------------------------------------------

    /// Draws the next arrival time of channel `c`'s own process, or with `added` of the
    /// process of contacts its events add (∞ when none is left before the horizon). Own
    /// arrivals in a window that lowers volume survive with the window's probability.
    #[inline(always)]
    fn draw_next_arrival(&mut self, c: usize, added: bool) {
        let m = self.m;
        let spec = &m.scenario.channels[c];
        let ch = &mut self.channels[c];
        if ch.plain {
            ch.own_next = ch.clock.next(&spec.arrivals, &mut ch.arrivals).unwrap_or(f64::INFINITY);
            ch.next = ch.own_next;
            return;
        }
        if added {
            if let Some(x) = &mut ch.events {
                x.next = x.clock.next(&x.rate, &mut x.stream).unwrap_or(f64::INFINITY);
            }
        } else {
            let rate = ch.rate.as_ref().unwrap_or(&spec.arrivals);
            loop {
                ch.own_next = ch.clock.next(rate, &mut ch.arrivals).unwrap_or(f64::INFINITY);
                if let (Some(x), Some(o)) = (&mut ch.events, &spec.overlay)
                    && o.thins
                    && ch.own_next.is_finite()
                {
                    let keep = o.keep.rate_at(ch.own_next);
                    if keep < 1.0 && uniform(&mut x.thin) >= keep {
                        // The contact does not come, but makes its draws (after those of the
                        // contact arriving now: see `arrival`), so that the channel's later
                        // contacts draw what they would without events.
                        thinned_out(m, c, &mut ch.types, &mut ch.handle, &mut ch.patience);
                        continue;
                    }
                }
                break;
            }
        }
        ch.next = match &ch.events {
            Some(x) => ch.own_next.min(x.next),
            None => ch.own_next,
        };
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

    #[inline(always)]
    fn arrival(&mut self, c: usize) {
        let m = self.m;
        let spec = &m.scenario.channels[c];
        let ch = &mut self.channels[c];
        // Which process this arrival came from (its own on a tie).
        let added = !ch.plain && ch.events.as_ref().is_some_and(|x| x.next < ch.own_next);
        // This contact draws before the next arrival is drawn: a thinned-out arrival makes
        // its draws when it is drawn, so the streams stay in arrival order.
        let (types, handle_rng, patience_rng) = match &mut ch.events {
            Some(x) if added => (&mut x.types, &mut x.handle, &mut x.patience),
            _ => (&mut ch.types, &mut ch.handle, &mut ch.patience),
        };
        let (ty, mut handle, patience) = draw_contact(m, c, types, handle_rng, patience_rng);
        if !ch.plain
            && let Some(o) = &spec.overlay
        {
            handle *= o.handle.rate_at(self.now);
        }
        self.draw_next_arrival(c, added);
        if self.channels.len() == 1 {
            self.next_arrival = self.channels[0].next;
        } else {
            self.refresh_next_arrival();
        }
        let mut segment = 0;
        let mut patience = patience;
        if !PLAIN && m.fresh_draws[c] {
            let Some((seg, factor)) = self.fresh_customer(c, ty) else { return };
            segment = seg;
            patience *= factor;
        }
        self.front_door(c, ty, segment, handle, patience, NO_ISSUE, false);
    }

    /// A contact of channel `c`, type `ty` arrives now, fresh or a repeat of `issue`, with
    /// its drawn handle time and patience (s): it meets the type's virtual assistant if it
    /// has one, else goes to an agent or waits.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn front_door(
        &mut self,
        c: usize,
        ty: usize,
        segment: usize,
        handle: f64,
        patience: f64,
        issue: u32,
        repeat: bool,
    ) {
        if !PLAIN && self.m.any_assistant && self.m.scenario.channels[c].types[ty].assistant.is_some() {
            self.assistant(c, ty, segment, handle, patience, issue, repeat);
            return;
        }
        self.admit_with(c, ty, segment, handle, self.now + patience, issue, repeat);
    }

    /// The contact meets the virtual assistant: contained or not (a hashed draw), it leaves
    /// the assistant after the bot time — resolved, or for the queue with its draws.
    #[cold]
    #[allow(clippy::too_many_arguments)]
    fn assistant(&mut self, c: usize, ty: usize, segment: usize, handle: f64, patience: f64, issue: u32, repeat: bool) {
        let m = self.m;
        let spec = m.scenario.channels[c].types[ty].assistant.as_ref().expect("a type with an assistant");
        let gty = m.type_offset[c] + ty;
        let mut k = self.new_contact(c, ty, segment, handle, f64::INFINITY, issue, repeat);
        if issue == NO_ISSUE {
            k.issue = self.issues.open(self.now, gty, segment, k.interval >= self.first_counted);
        }
        let v = self.issues.get(k.issue);
        let (id, n) = (self.issue_id(&v), u64::from(v.contacts));
        let contained = unit(self.issue_draw(Draw::Contain, id, n)) < spec.contain;
        self.rec.assisted(self.now, &k, contained);
        let bot = spec.time.sample(&mut Stream::seed_from_u64(self.issue_draw(Draw::BotTime, id, n)));
        let kind = if contained { EntryKind::Contained } else { EntryKind::Escalate };
        let i = self.entries.put(Entry {
            issue: k.issue,
            channel: c as u16,
            ty: ty as u16,
            kind,
            repeat,
            handle,
            patience,
        });
        self.cal.push(self.now + bot, Event::Enter(i));
    }

    /// A fresh contact of channel `c`, type `ty`: its segment and patience factor, or
    /// `None` when self-service deflects it (recorded here). Hashed draws of the arrival.
    #[cold]
    fn fresh_customer(&mut self, c: usize, ty: usize) -> Option<(usize, f64)> {
        let m = self.m;
        let s = &m.scenario;
        let (now, salt) = (self.now.to_bits(), m.channel_salt[c]);
        let segment = if m.segment_cum.is_empty() {
            0
        } else {
            let u = unit(self.issue_draw(Draw::Segment, salt, now));
            m.segment_cum.iter().position(|&x| u < x).unwrap_or(m.segment_cum.len() - 1)
        };
        let deflect = s.channels[c].types[ty].deflect;
        if deflect > 0.0 && unit(self.issue_draw(Draw::Deflect, salt, now)) < deflect {
            let k = self.new_contact(c, ty, segment, 0.0, f64::INFINITY, NO_ISSUE, false);
            self.rec.deflected(self.now, &k);
            return None;
        }
        Some((segment, s.segments.get(segment).map_or(1.0, |g| g.patience_factor)))
    }

    /// A hashed draw of this replication: the same customer, issue and contact draw the
    /// same number in every variant of a sweep, whatever happened before.
    #[inline]
    fn issue_draw(&self, what: Draw, a: u64, b: u64) -> u64 {
        mix(mix(mix(self.issue_key ^ what as u64) ^ a) ^ b)
    }

    /// The identity of an issue for its hashed draws.
    fn issue_id(&self, v: &IssueView) -> u64 {
        v.start.to_bits() ^ self.m.channel_salt[self.m.type_of[v.origin].0].rotate_left(17)
    }

    /// A contact of channel `c`, type `ty` (index within the channel) arriving now.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn new_contact(
        &self,
        c: usize,
        ty: usize,
        segment: usize,
        handle: f64,
        abandon_at: f64,
        issue: u32,
        repeat: bool,
    ) -> Contact {
        let m = self.m;
        // `now` ≥ 0 and at most the horizon: the i64 conversion is exact and cheaper.
        let interval = ((self.now / self.interval_len) as i64 as usize).min(self.last_interval);
        // Segment 0's queues come first in the channel's row.
        let queue = if PLAIN || segment == 0 {
            m.type_queue[c][ty]
        } else {
            m.type_queue[c][segment * m.scenario.channels[c].types.len() + ty]
        };
        Contact {
            arrival: self.now,
            handle,
            abandon_at,
            mark: f64::INFINITY,
            interval: interval as u32,
            generation: 0,
            agent: 0,
            channel: c as u16,
            queue: queue as u16,
            ty: (m.type_offset[c] + ty) as u16,
            state: State::Waiting,
            issue,
            flags: segment as u8 | if repeat { super::contacts::REPEAT } else { 0 },
        }
    }

    /// A fresh contact of channel `c`, segment 0 (for tests driving the engine).
    #[cfg(test)]
    fn admit(&mut self, c: usize, ty: usize, handle: f64, abandon_at: f64) {
        self.admit_with(c, ty, 0, handle, abandon_at, NO_ISSUE, false);
    }

    /// A contact of channel `c`, type `ty` (index within the channel) and `segment`
    /// arrives now with its drawn handle time and abandonment time: it goes to an agent
    /// or waits. `issue`: its open issue (a repeat, or a contact escalated by the
    /// assistant), else [`NO_ISSUE`] (a fresh contact, which opens an issue if its type
    /// can repeat); `repeat`: a later contact of its issue.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn admit_with(
        &mut self,
        c: usize,
        ty: usize,
        segment: usize,
        handle: f64,
        abandon_at: f64,
        issue: u32,
        repeat: bool,
    ) {
        let m = self.m;
        let now = self.now;
        let mut k = self.new_contact(c, ty, segment, handle, abandon_at, issue, repeat);
        if !PLAIN && issue == NO_ISSUE && m.type_repeats[usize::from(k.ty)] {
            k.issue = self.issues.open(now, usize::from(k.ty), segment, k.interval >= self.first_counted);
        }
        let slot = self.contacts.alloc(k);
        self.rec.arrival(now, self.contacts.get(slot));
        if self.open[c] || m.scenario.channels[c].kind.is_live() {
            let found = if !PLAIN && m.any_routing {
                self.routed_agent(c, segment)
            } else {
                let groups = m.arrival_groups[c].iter().copied();
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
                && m.any_preemptive
                && m.scenario.channels[c].preemptive
                && let Some(a) = self.preempt(c, slot)
            {
                self.start(slot, a, false);
                return;
            }
        }
        if !PLAIN && self.any_announce && self.announcers[c].is_some() {
            self.announce_on_arrival(slot);
            return;
        }
        self.enqueue(slot);
    }

    // ---- announcements --------------------------------------------------------------

    /// The balking uniform of a contact of channel `c` that arrived at `arrival` (NaN
    /// when the channel's customers do not balk): a hash of the replication's balking key
    /// and the arrival time, so that the same customer draws the same uniform in every
    /// variant of a sweep, whatever it was told, and nothing is drawn for contacts
    /// answered at once.
    fn balk_uniform(&self, c: usize, arrival: f64) -> f64 {
        match &self.announcers[c] {
            Some(ChannelAnnouncer { balk: Some(key), .. }) => {
                (super::streams::mix(key ^ arrival.to_bits()) >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
            }
            _ => f64::NAN,
        }
    }

    /// What contact `slot` of an announcing channel is told now (`None`: nothing, the
    /// prediction being undefined or below the threshold). `queued`: the contact is in
    /// its queue already (an update), else it is about to join it.
    fn tell(&mut self, slot: u32, queued: bool) -> Option<(Told, u32)> {
        let m = self.m;
        let k = *self.contacts.get(slot);
        let c = k.channel as usize;
        let spec = m.scenario.channels[c].announce.as_ref()?;
        let own = k.queue as usize;
        // Contacts ahead: those at a higher priority, and those before it in its own queue.
        let ahead = {
            let mut n = 0;
            for &q in &m.channel_queues[c] {
                if q == own {
                    n += match (&self.positions[q], queued) {
                        (Some(ix), true) => ix.ahead(self.told[slot as usize].seq),
                        _ => self.queues.live(q),
                    };
                    break;
                }
                n += self.queues.live(q);
            }
            n
        };
        let rate = || {
            let am = m.announce[c].as_ref().map_or(&[][..], |a| &a.rates[..]);
            // Groups with nobody on shift add nothing (not 0 × an infinite rate).
            am.iter()
                .filter(|&&(g, _)| self.work.groups[g].on_shift > 0)
                .map(|&(g, mu)| f64::from(self.work.groups[g].on_shift) * mu)
                .sum::<f64>()
        };
        let prediction = match spec.predictor {
            Predictor::None => None,
            Predictor::QueueLength => announce::queue_length(ahead, rate()),
            Predictor::QueueLengthAbandon => {
                let theta = m.announce[c].as_ref().map_or(0.0, |a| a.theta);
                announce::queue_length_abandon(ahead, rate(), theta)
            }
            Predictor::LastToEnterService => self.announcers[c].as_ref().map(|a| a.last_wait).filter(|w| !w.is_nan()),
            Predictor::HeadOfLine => {
                Some(self.queues.head(own, &self.contacts).map_or(0.0, |h| self.now - self.contacts.get(h).arrival))
            }
            Predictor::MovingAverage(_) => self.announcers[c].as_ref().and_then(ChannelAnnouncer::moving_average),
        };
        prediction.and_then(|p| spec.tell(p)).map(|t| (t, ahead))
    }

    /// Contact `slot` of an announcing channel found no agent: it is told its wait (if
    /// any is predicted), may balk, and otherwise joins
    /// its queue with its patience adjusted and its promise and updates scheduled.
    fn announce_on_arrival(&mut self, slot: u32) {
        let now = self.now;
        if slot as usize >= self.told.len() {
            self.told.resize(slot as usize + 1, Announcement::NONE);
        }
        self.told[slot as usize] = Announcement::NONE;
        let told = self.tell(slot, false);
        let k = *self.contacts.get(slot);
        let spec = self.m.scenario.channels[k.channel as usize].announce.as_ref().expect("an announcing channel");
        if let Some((t, ahead)) = told {
            self.rec.announced(now, &k, &t, true);
            let balk_u = self.balk_uniform(k.channel as usize, k.arrival);
            if spec.reaction.balk.as_ref().is_some_and(|b| balk_u < b.probability(t.heard)) {
                self.rec.balked(now, &k, &t);
                self.after_abandon(&k);
                self.contacts.release(slot);
                return;
            }
            self.told[slot as usize] =
                Announcement { at: now, first: t, promise_at: promise_at(now, &t), ahead, ..Announcement::NONE };
            let floor = now + spec.reaction.stay_share * t.heard;
            let kk = self.contacts.get_mut(slot);
            kk.abandon_at = kk.abandon_at.max(floor);
        }
        self.enqueue(slot);
        if self.overloaded {
            return;
        }
        if let Some(ix) = &mut self.positions[k.queue as usize] {
            self.told[slot as usize].seq = ix.join();
        }
        self.schedule_promise(slot);
        if let Some(u) = spec.update {
            self.schedule_update(slot, now + u);
        }
    }

    /// Schedules the moment contact `slot`'s latest promise runs out, if breaking it
    /// changes its patience and it could still be waiting then.
    fn schedule_promise(&mut self, slot: u32) {
        let k = self.contacts.get(slot);
        let spec = self.m.scenario.channels[k.channel as usize].announce.as_ref().expect("an announcing channel");
        let at = self.told[slot as usize].promise_at;
        let f = spec.reaction.broken_promise;
        // A factor changes a finite patience; any patience only when it is 0.
        let matters = f != 1.0 && (k.abandon_at.is_finite() || f == 0.0);
        // At most one pending event per contact: a later promise is re-scheduled by the
        // pending earlier event when it comes (so waits told again and again leave no trail
        // of stale events behind).
        let pending = self.told[slot as usize].promise_event;
        if matters && at.is_finite() && at < k.abandon_at && at < pending {
            self.cal.push(at, Event::Promise(slot, k.generation));
            self.told[slot as usize].promise_event = at;
            self.promises_pending += 1;
        }
    }

    /// Schedules contact `slot`'s next update at `at`, if it could still be waiting then
    /// and something other than updates can still happen (otherwise it would wait, and be
    /// updated, for ever: a contact nobody will serve at the end of the run).
    fn schedule_update(&mut self, slot: u32, at: f64) {
        let k = self.contacts.get(slot);
        let only_updates_left =
            self.next_arrival.is_infinite() && self.cal.len() == self.updates_pending + self.promises_pending;
        if at < k.abandon_at && !only_updates_left {
            self.cal.push(at, Event::Update(slot, k.generation));
            self.updates_pending += 1;
        }
    }

    /// Waiting contact `slot` will abandon at `at` from now on: its abandonment is
    /// re-scheduled (the old event goes stale: `abandon` checks the time), with the overflow
    /// moments its old patience cut off. At or before now, it abandons at once.
    fn set_abandon_at(&mut self, slot: u32, at: f64) {
        let now = self.now;
        let k = self.contacts.get_mut(slot);
        let old = k.abandon_at;
        if at == old {
            return;
        }
        k.abandon_at = at.max(now);
        let (generation, arrival, c) = (k.generation, k.arrival, k.channel as usize);
        if at <= now {
            self.abandon(slot, generation);
            return;
        }
        if at.is_finite() {
            self.cal.push(at, Event::Abandon(slot, generation));
        }
        for &d in &self.m.overflow_delays[c] {
            let t = arrival + d;
            if t >= old && t < at && t > now {
                self.cal.push(t, Event::Overflow(slot, generation));
            }
        }
    }

    /// A waiting contact's latest promise ran out: the patience it has left is multiplied
    /// by the channel's `broken_promise` factor.
    fn promise_broken(&mut self, slot: u32, generation: u32, before: f64) {
        self.promises_pending -= 1;
        let waiting = self.contacts.is(slot, generation, State::Waiting);
        let a = &mut self.told[slot as usize];
        if !waiting || a.promise_event != self.now {
            // Stale (the contact left, or an earlier promise replaced this event): it does
            // nothing, and does not move the clock.
            self.now = before;
            return;
        }
        a.promise_event = f64::INFINITY;
        if a.promise_at > self.now {
            // An update promised a later time: wait for that one.
            self.schedule_promise(slot);
            return;
        }
        if a.promise_at != self.now || a.broken {
            return;
        }
        a.broken = true;
        let k = self.contacts.get(slot);
        let f =
            self.m.scenario.channels[k.channel as usize].announce.as_ref().map_or(1.0, |a| a.reaction.broken_promise);
        let at = if f == 0.0 {
            self.now
        } else if k.abandon_at.is_infinite() {
            f64::INFINITY
        } else {
            self.now + (k.abandon_at - self.now) * f
        };
        self.set_abandon_at(slot, at);
    }

    /// A waiting contact hears an updated announcement (its promise starts again from
    /// now; the patience floor only if it is the first it hears), and the next update is
    /// scheduled.
    fn update(&mut self, slot: u32, generation: u32, before: f64) {
        self.updates_pending -= 1;
        if self.next_arrival.is_infinite() && self.cal.len() == self.updates_pending + self.promises_pending {
            // Nothing but announcements is left: the contact will never be served and nothing
            // will change. The update is dropped, and the clock stays at the last event
            // that mattered (the end of the run).
            self.now = before;
            return;
        }
        if !self.contacts.is(slot, generation, State::Waiting) {
            return;
        }
        let now = self.now;
        let told = self.tell(slot, true);
        let k = *self.contacts.get(slot);
        let spec = self.m.scenario.channels[k.channel as usize].announce.as_ref().expect("an announcing channel");
        if let Some((t, ahead)) = told {
            let a = &mut self.told[slot as usize];
            let first = !a.was_told();
            if first {
                a.at = now;
                a.first = t;
                a.ahead = ahead;
            }
            a.promise_at = promise_at(now, &t);
            a.broken = false;
            self.rec.announced(now, &k, &t, first);
            // The patience floor follows the first announcement only: re-applied at every
            // update it could hold a caller for ever (a head-of-line wait grows with time).
            let floor = now + spec.reaction.stay_share * t.heard;
            if first && floor > k.abandon_at {
                self.set_abandon_at(slot, floor);
            }
            self.schedule_promise(slot);
        }
        if let Some(u) = spec.update {
            self.schedule_update(slot, now + u);
        }
    }

    #[inline(always)]
    fn enqueue(&mut self, slot: u32) {
        // The pool outgrows its limit (agents' capacity + the waiting limit) only through
        // waiting contacts: checked here, where they wait.
        if self.contacts.overloaded {
            // Stop the run: nothing more arrives and no event is left.
            self.overloaded = true;
            self.next_arrival = f64::INFINITY;
            self.cal = Calendar::with_capacity(0);
            self.updates_pending = 0;
            self.promises_pending = 0;
            return;
        }
        let k = self.contacts.get(slot);
        let (generation, abandon_at, arrival, c) = (k.generation, k.abandon_at, k.arrival, k.channel as usize);
        self.queues.push_back(k.queue as usize, slot, generation);
        self.rec.queued(self.now, k);
        if abandon_at.is_finite() {
            self.cal.push(abandon_at, Event::Abandon(slot, generation));
        }
        for &d in &self.m.overflow_delays[c] {
            let t = arrival + d;
            if t < abandon_at {
                self.cal.push(t, Event::Overflow(slot, generation));
            }
        }
    }

    /// The agent that takes a contact of channel `c` among `groups` (see
    /// [`routing::agent_for`]), taken out of its group's idle queue.
    #[inline(always)]
    fn find_agent(&mut self, c: usize, groups: impl Iterator<Item = usize> + Clone) -> Option<u32> {
        match routing::agent_for(self.m, &self.work, c, groups)? {
            Pick::Idle(g) => self.work.groups[g].idle.pop_front(),
            Pick::Partial(a) => Some(a),
        }
    }

    /// Starts service of contact `slot` by agent `a` (already out of the idle queue).
    /// `from_queue`: the contact was waiting (it has left its queue already).
    #[inline(always)]
    fn start(&mut self, slot: u32, a: u32, from_queue: bool) {
        let m = self.m;
        let now = self.now;
        let k = self.contacts.get_mut(slot);
        let c = k.channel as usize;
        let wait = now - k.arrival;
        let spec = &m.scenario.channels[c];
        let resumed = k.state == State::Interrupted;
        k.state = State::InService;
        k.agent = a;
        if !PLAIN && m.any_preemptive {
            if a as usize >= self.holding.len() {
                self.holding.resize(a as usize + 1, u32::MAX);
            }
            self.holding[a as usize] = slot;
        }
        let agent = &mut self.work.agents[a as usize];
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
        self.cal.push(k.mark, Event::Departure(slot, k.generation));
        if held == 1 {
            agent.channel = c as u16;
            self.rec.busy(now, g, c, 1.0);
        }
        self.rec.held(now, g, c, 1.0);
        let grp = &self.work.groups[g];
        let interruptible = grp.interrupt_deferred && !spec.kind.is_live();
        if grp.concurrency > 1 {
            self.work.set_bucket(a);
        }
        if interruptible {
            self.work.add_deferred_work(a, slot);
        }
        if !resumed {
            // Answered when its service first starts; a resumed contact only continues.
            self.rec.answered(now, self.contacts.get(slot), g, wait, from_queue);
            if !PLAIN && self.any_announce {
                self.announced_answer(slot, wait, from_queue);
            }
        }
    }

    /// An announcing channel's contact was answered after `wait` s: its predictors learn
    /// the wait, and a contact that was told a wait is recorded as such.
    #[cold]
    fn announced_answer(&mut self, slot: u32, wait: f64, from_queue: bool) {
        let k = self.contacts.get(slot);
        let Some(a) = &mut self.announcers[k.channel as usize] else { return };
        a.answered(wait);
        if let (true, Some(ix)) = (from_queue, &mut self.positions[k.queue as usize]) {
            ix.leave(self.told[slot as usize].seq);
        }
        if from_queue && self.told[slot as usize].was_told() {
            self.rec.answered_told(self.now, k, &self.told[slot as usize]);
        }
    }

    /// A live contact of channel `c` found no free agent: interrupt the deferred contact
    /// chosen by [`routing::interruption`]; it goes back to the front of its queue with the
    /// work it had left. Returns the freed agent.
    #[inline(always)]
    fn interrupt(&mut self, c: usize, groups: impl Iterator<Item = usize>) -> Option<u32> {
        let (a, slot) = routing::interruption(self.m, &self.work, &self.contacts, c, groups)?;
        let now = self.now;
        self.work.drop_deferred_work(a);
        let k = self.contacts.get_mut(slot);
        k.mark -= now;
        k.state = State::Interrupted;
        k.generation = event_generation(k.generation.wrapping_add(1));
        let (q, d) = (k.queue as usize, k.channel as usize);
        self.queues.push_front(q, slot, k.generation);
        let agent = &mut self.work.agents[a as usize];
        let g = agent.group as usize;
        agent.held -= 1;
        debug_assert_eq!(agent.held, 0);
        let busy_channel = agent.channel as usize;
        self.rec.held(now, g, d, -1.0);
        self.rec.busy(now, g, busy_channel, -1.0);
        Some(a)
    }

    #[inline]
    fn departure(&mut self, slot: u32, generation: u32) {
        if !self.contacts.is(slot, generation, State::InService) {
            return;
        }
        let now = self.now;
        let k = self.contacts.get(slot);
        let (a, channel) = (k.agent, k.channel as usize);
        self.rec.completed(now, k);
        if PLAIN {
        } else if k.issue != NO_ISSUE {
            let k = *k;
            self.after_service(&k);
        } else if self.m.track_issues {
            let v = self.issues.view(k, self.first_counted);
            self.rec.issue_ended(now, k, &v, IssueEnd::Resolved);
        }
        self.contacts.release(slot);

        self.work.drop_deferred_work(a);
        let agent = &mut self.work.agents[a as usize];
        let g = agent.group as usize;
        agent.held -= 1;
        let (held, leaving, busy_channel) = (agent.held, agent.leaving, agent.channel as usize);
        self.rec.held(now, g, channel, -1.0);
        if held == 0 {
            self.rec.busy(now, g, busy_channel, -1.0);
        }
        if leaving {
            if held == 0 {
                self.work.go_off_overtime(a, now, &mut self.rec);
            }
            return;
        }
        self.agent_free(a);
    }

    #[inline(always)]
    fn abandon(&mut self, slot: u32, generation: u32) {
        if !self.contacts.is(slot, generation, State::Waiting) {
            return;
        }
        if !PLAIN && self.any_announce && self.announced_abandon(slot) {
            return;
        }
        let k = self.contacts.get(slot);
        let queue = k.queue as usize;
        self.rec.abandoned(self.now, k, self.now - k.arrival);
        self.queues.left(queue);
        if PLAIN {
        } else if k.issue != NO_ISSUE {
            let k = *k;
            self.after_abandon(&k);
        } else if self.m.track_issues {
            let v = self.issues.view(k, self.first_counted);
            self.rec.issue_ended(self.now, k, &v, IssueEnd::Abandoned);
        }
        self.contacts.release(slot);
    }

    // ---- issues ---------------------------------------------------------------------

    /// Issue of contact `k` (its last contact so far) ends now as `end` (told to the
    /// recorder when the model tracks issues).
    fn end_issue(&mut self, k: &Contact, v: &IssueView, end: IssueEnd) {
        if self.m.track_issues {
            self.rec.issue_ended(self.now, k, v, end);
        }
        if k.issue != NO_ISSUE {
            self.issues.close(k.issue);
        }
    }

    /// Contact `k` of an issue that can repeat was completed: the issue is resolved (with
    /// its type's first-contact resolution), or its customer gives up at the cap, or comes
    /// back after the return delay on a channel drawn by the return shares.
    #[cold]
    fn after_service(&mut self, k: &Contact) {
        let m = self.m;
        let v = self.issues.view(k, self.first_counted);
        let (oc, ot) = m.type_of[v.origin];
        let rules = &m.scenario.channels[oc].types[ot].resolution;
        let id = self.issue_id(&v);
        let n = u64::from(v.contacts);
        if rules.fcr >= 1.0 || unit(self.issue_draw(Draw::Resolve, id, n)) < rules.fcr {
            return self.end_issue(k, &v, IssueEnd::Resolved);
        }
        if rules.max_contacts.is_some_and(|cap| v.contacts >= cap) {
            return self.end_issue(k, &v, IssueEnd::GaveUp);
        }
        let Some(r) = &rules.returns else { return self.end_issue(k, &v, IssueEnd::GaveUp) };
        self.schedule_return(k, &v, r, id, n);
    }

    /// The customer of issue `v` (last contact `k`) comes back by the returns `r` of the
    /// type it started as: a channel drawn by the return shares, after the return delay
    /// (hashed draws of issue `id`, contact `n`).
    fn schedule_return(&mut self, k: &Contact, v: &IssueView, r: &crate::scenario::Returns, id: u64, n: u64) {
        let to = &self.m.return_to[v.origin];
        let u = unit(self.issue_draw(Draw::ReturnChannel, id, n));
        let &(d, dt, _) = to.iter().find(|x| u < x.2).unwrap_or(&to[to.len() - 1]);
        let delay = r.after.sample(&mut Stream::seed_from_u64(self.issue_draw(Draw::ReturnDelay, id, n)));
        self.schedule_entry(k, v, d, dt, self.now + delay);
    }

    /// Contact `k` of an issue abandoned (or balked): the customer redials with the
    /// type's redial share (within the cap), or the issue is abandoned for good.
    fn after_abandon(&mut self, k: &Contact) {
        let m = self.m;
        let v = self.issues.view(k, self.first_counted);
        if k.issue == NO_ISSUE {
            return self.end_issue(k, &v, IssueEnd::Abandoned);
        }
        let (oc, ot) = m.type_of[v.origin];
        let rules = &m.scenario.channels[oc].types[ot].resolution;
        let id = self.issue_id(&v);
        let n = u64::from(v.contacts);
        let within_cap = rules.max_contacts.is_none_or(|cap| v.contacts < cap);
        match &rules.redial {
            Some(r) if within_cap && unit(self.issue_draw(Draw::Redial, id, n)) < r.share => {
                let delay = r.after.sample(&mut Stream::seed_from_u64(self.issue_draw(Draw::RedialDelay, id, n)));
                let c = k.channel as usize;
                self.schedule_entry(k, &v, c, k.contact_type() - m.type_offset[c], self.now + delay);
            }
            _ => self.end_issue(k, &v, IssueEnd::Abandoned),
        }
    }

    /// The issue of `k` makes its next contact on channel `d`, type `dt` (index within
    /// it) at `due`. A live channel closed then takes it as long after its next opening as
    /// `due` was after it closed (night-time returns spread over the morning as they would
    /// have over the evening). Due at or after the horizon, the issue is open at the end of
    /// the run.
    fn schedule_entry(&mut self, k: &Contact, v: &IssueView, d: usize, dt: usize, due: f64) {
        let ch = &self.m.scenario.channels[d];
        let due = if ch.kind.is_live() && !ch.is_open(due) {
            let next = ch.open.iter().position(|w| w.0 > due);
            match next {
                None => f64::INFINITY,
                Some(j) => {
                    let closed = if j == 0 { 0.0 } else { ch.open[j - 1].1 };
                    ch.open[j].0 + (due - closed)
                }
            }
        } else {
            due
        };
        if due >= self.horizon {
            return self.end_issue(k, v, IssueEnd::Open);
        }
        let e = Entry {
            issue: k.issue,
            channel: d as u16,
            ty: dt as u16,
            kind: EntryKind::Arrive,
            repeat: true,
            handle: 0.0,
            patience: 0.0,
        };
        let i = self.entries.put(e);
        self.cal.push(due, Event::Enter(i));
    }

    /// A return or redial comes now: it draws its handle time and patience (hashed by its
    /// issue and contact number) and is admitted like a fresh contact of its segment.
    fn enter(&mut self, i: u32) {
        let m = self.m;
        let e = self.entries.take(i);
        let (c, ty) = (usize::from(e.channel), usize::from(e.ty));
        match e.kind {
            EntryKind::Arrive => {}
            EntryKind::Escalate => {
                let v = self.issues.get(e.issue);
                self.admit_with(c, ty, v.segment, e.handle, self.now + e.patience, e.issue, e.repeat);
                return;
            }
            EntryKind::Contained => return self.contained(&e),
        }
        self.issues.add_contact(e.issue);
        let v = self.issues.get(e.issue);
        let mut rng = Stream::seed_from_u64(self.issue_draw(Draw::Contact, self.issue_id(&v), u64::from(v.contacts)));
        let spec = &m.scenario.channels[c];
        let t = &spec.types[ty];
        let mut handle = t.handle_time.sample(&mut rng);
        if let Some(o) = &spec.overlay {
            handle *= o.handle.rate_at(self.now);
        }
        let factor = m.scenario.segments.get(v.segment).map_or(1.0, |g| g.patience_factor);
        let patience = t.patience.as_ref().map_or(f64::INFINITY, |p| p.sample(&mut rng) * factor);
        self.front_door(c, ty, v.segment, handle, patience, e.issue, true);
    }

    /// The virtual assistant finished a contact it contained: the issue is resolved, or
    /// (the recontact share, within the cap) its customer comes back by the returns.
    fn contained(&mut self, e: &Entry) {
        let m = self.m;
        let (c, ty) = (usize::from(e.channel), usize::from(e.ty));
        let v = self.issues.get(e.issue);
        let k = self.new_contact(c, ty, v.segment, e.handle, f64::INFINITY, e.issue, e.repeat);
        let recontact = m.scenario.channels[c].types[ty].assistant.as_ref().map_or(0.0, |a| a.recontact);
        let (oc, ot) = m.type_of[v.origin];
        let rules = &m.scenario.channels[oc].types[ot].resolution;
        let (id, n) = (self.issue_id(&v), u64::from(v.contacts));
        let back = recontact > 0.0
            && rules.max_contacts.is_none_or(|cap| v.contacts < cap)
            && unit(self.issue_draw(Draw::Recontact, id, n)) < recontact;
        match (&rules.returns, back) {
            (Some(r), true) => self.schedule_return(&k, &v, r, id, n),
            _ => self.end_issue(&k, &v, IssueEnd::Resolved),
        }
    }

    /// With routing by segment: the agent a new contact of channel `c` and `segment` goes
    /// to — the longest idle of its preferred or dedicated group, else of the other groups
    /// it may go to (interrupting deferred work as usual, round by round).
    #[cold]
    fn routed_agent(&mut self, c: usize, segment: usize) -> Option<u32> {
        let m = self.m;
        for round in &m.arrival_route[c][segment] {
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
    /// leaving) that holds the least urgent contact of `c` below that level (ties: the most
    /// work left, then the lowest agent id) is freed; its contact goes back to the front of
    /// its queue with the work it had left, to resume later. Returns the freed agent.
    #[cold]
    fn preempt(&mut self, c: usize, slot: u32) -> Option<u32> {
        let m = self.m;
        let now = self.now;
        let top_queue = usize::from(self.contacts.get(slot).queue);
        let top = m.queues[top_queue].priority;
        if top != m.queues[m.channel_queues[c][0]].priority {
            return None;
        }
        let mut best: Option<(u32, f64, u32)> = None;
        for (a, &held_slot) in self.holding.iter().enumerate() {
            let agent = &self.work.agents[a];
            let g = agent.group as usize;
            if agent.held != 1 || agent.leaving || !agent.present || self.work.groups[g].concurrency != 1 {
                continue;
            }
            if !m.arrival_groups[c].contains(&g) || (m.any_routing && !m.may_take(g, top_queue)) {
                continue;
            }
            let k = self.contacts.get(held_slot);
            if k.state != State::InService || k.channel as usize != c || k.agent != a as u32 {
                continue;
            }
            let p = m.queues[k.queue as usize].priority;
            let left = k.mark - now;
            if p > top && best.is_none_or(|(bp, bl, _)| p > bp || (p == bp && left > bl)) {
                best = Some((p, left, a as u32));
            }
        }
        let (_, _, a) = best?;
        let victim = self.holding[a as usize];
        let k = self.contacts.get_mut(victim);
        k.mark -= now;
        k.state = State::Interrupted;
        k.generation = event_generation(k.generation.wrapping_add(1));
        let (q, generation) = (k.queue as usize, k.generation);
        self.queues.push_front(q, victim, generation);
        self.rec.preempted(now, self.contacts.get(victim));
        let agent = &mut self.work.agents[a as usize];
        let g = agent.group as usize;
        agent.held -= 1;
        let busy_channel = agent.channel as usize;
        self.rec.held(now, g, c, -1.0);
        self.rec.busy(now, g, busy_channel, -1.0);
        Some(a)
    }

    /// A waiting contact's abandonment event came, with announcements in the run: true when
    /// it is stale (an announcement changed the patience since); otherwise an announcing
    /// channel's contact leaves its position index and, if told, is recorded as such.
    #[cold]
    fn announced_abandon(&mut self, slot: u32) -> bool {
        let k = self.contacts.get(slot);
        if k.abandon_at != self.now {
            return true;
        }
        if self.announcers[k.channel as usize].is_some() {
            if let Some(ix) = &mut self.positions[k.queue as usize] {
                ix.leave(self.told[slot as usize].seq);
            }
            if self.told[slot as usize].was_told() {
                self.rec.abandoned_told(self.now, k, &self.told[slot as usize]);
            }
        }
        false
    }

    fn overflow(&mut self, slot: u32, generation: u32) {
        if !self.contacts.is(slot, generation, State::Waiting) {
            return;
        }
        let k = *self.contacts.get(slot);
        let c = k.channel as usize;
        if !self.m.scenario.channels[c].kind.is_live() && !self.open[c] {
            return;
        }
        let (arrival, now) = (k.arrival, self.now);
        let m = self.m;
        let q = k.queue as usize;
        let eligible = m.overflow_groups[c]
            .iter()
            .filter(move |&&(d, g)| arrival + d <= now && (!m.any_routing || m.may_take(g, q)))
            .map(|&(_, g)| g);
        if let Some(a) = self.find_agent(c, eligible.clone()).or_else(|| self.interrupt(c, eligible)) {
            self.queues.left(k.queue as usize);
            self.start(slot, a, true);
        }
    }

    // ---- agents ---------------------------------------------------------------------

    /// An agent that is present and not leaving has just freed capacity: it takes work by
    /// the routing policy until it is full or nothing suits it, then waits.
    #[inline(always)]
    fn agent_free(&mut self, a: u32) {
        while self.take_one(a) {}
        self.work.settle(a, self.now);
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
            self.work.settle(a, self.now);
        }
    }

    /// The agent takes the next contact the routing policy gives it, if any.
    #[inline(always)]
    fn take_one(&mut self, a: u32) -> bool {
        if self.queues.total() == 0 {
            return false;
        }
        let Some(q) = routing::queue_for(self.m, &self.work, &mut self.queues, &self.contacts, &self.open, a, self.now)
        else {
            return false;
        };
        let Some(slot) = self.queues.pop(q, &self.contacts) else { return false };
        self.start(slot, a, true);
        true
    }

    // ---- timeline events ------------------------------------------------------------

    fn staffing(&mut self, idx: usize) {
        let m = self.m;
        let (_, g, scheduled) = m.staffing_timeline[idx];
        self.rec.scheduled(self.now, g, scheduled);
        let available = self.work.shrink(g, scheduled);
        self.set_available(g, available);
        if let Some(&(t, _, _)) = m.staffing_timeline.get(idx + 1) {
            self.cal.push(t, Event::Staffing((idx + 1) as u32));
        }
    }

    /// Group `g` has `n` agents available from now on; agents who gain capacity take work.
    fn set_available(&mut self, g: usize, n: u32) {
        self.rec.available(self.now, g, n);
        let mut fresh = std::mem::take(&mut self.scratch);
        self.work.set_on_shift(g, n, self.now, &mut self.rec, &mut fresh);
        self.hand_out(&fresh);
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
            self.open[c] = true;
            next += 1;
        }
        for &(_, c) in &m.opening_timeline[idx..next] {
            for &g in &m.channel_groups[c] {
                while let Some(&a) = self.work.groups[g].idle.front() {
                    let q =
                        routing::queue_for(m, &self.work, &mut self.queues, &self.contacts, &self.open, a, self.now);
                    if q.is_none() {
                        break;
                    }
                    self.work.groups[g].idle.pop_front();
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
            self.open[c] = false;
            next += 1;
        }
        if let Some(&(t, _)) = m.closing_timeline.get(next) {
            self.cal.push(t, Event::Closing(next as u32));
        }
    }

    /// The end of day `d` (or the horizon, for a last part day): backlog snapshot.
    fn day_end(&mut self, d: usize) {
        for c in 0..self.channels.len() {
            let waiting = self.waiting(c);
            self.rec.day_end(d, c, waiting);
        }
        let horizon = self.m.scenario.horizon;
        if d + 1 < days_in(horizon) {
            self.cal.push(((d + 2) as f64 * DAY).min(horizon), Event::DayEnd((d + 1) as u32));
        }
    }

    /// Interval `k` starts: close the books of interval `k − 1`.
    fn boundary(&mut self, k: usize) {
        self.rec.interval_end(self.now, k - 1);
        if k < self.n_intervals {
            self.cal.push((k + 1) as f64 * self.interval_len, Event::Boundary((k + 1) as u32));
        }
    }

    // ---- end of run -----------------------------------------------------------------

    /// Contacts still in queues when nothing more can happen are reported, then released.
    fn finish(mut self) -> R {
        let end = self.now.max(self.m.scenario.horizon);
        for q in 0..self.queues.len() {
            while let Some(slot) = self.queues.pop(q, &self.contacts) {
                let k = *self.contacts.get(slot);
                if k.state == State::Interrupted {
                    self.rec.unfinished(&k);
                } else {
                    self.rec.waiting_at_end(end, &k);
                }
                self.now = end;
                let v = self.issues.view(&k, self.first_counted);
                self.end_issue(&k, &v, IssueEnd::Open);
                self.contacts.release(slot);
            }
        }
        self.rec
    }
}

#[cfg(test)]
mod tests {
    //! White-box checks of the rules the event loop implements, driven event by event.
    use super::*;
    use crate::scenario::Scenario;

    type TestSim<'m> = Sim<'m, Tally, false>;

    fn sim(m: &Model) -> TestSim<'_> {
        Sim::new(m, 0, Tally::new(m))
    }

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

    /// Advances to `t`, processing every calendar event up to it with the loop's dispatch.
    fn advance(sim: &mut TestSim, t: f64) {
        while sim.cal.next_time() <= t {
            let (at, ev) = sim.cal.pop().unwrap();
            let before = sim.now;
            sim.now = at;
            sim.dispatch(ev, before);
        }
        sim.now = t;
    }

    impl TestSim<'_> {
        /// Starts the run's timelines and advances to `t`.
        fn run_until_for_test(&mut self, t: f64) {
            self.start_timelines();
            advance(self, t);
        }

        fn answered(&self, c: usize, i: usize) -> u64 {
            let s = self.rec.stats();
            s.channel[s.channel_at(c, i)].answered
        }
    }

    fn arrive(sim: &mut TestSim, t: f64, handle: f64) {
        advance(sim, t);
        sim.admit(0, 0, handle, f64::INFINITY);
    }

    fn busy_agents(sim: &TestSim) -> Vec<u32> {
        (0..sim.work.agents.len() as u32).filter(|&a| sim.work.agents[a as usize].held > 0).collect()
    }

    fn in_service<'a>(sim: &'a TestSim) -> impl Iterator<Item = &'a Contact> {
        sim.contacts.all().iter().filter(|k| k.state == State::InService)
    }

    #[test]
    fn cuts_take_idle_agents_first_then_longest_on_shift() {
        let m = model("voice", "");
        let mut sim = sim(&m);
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
        let g = &sim.work.groups[0];
        assert_eq!(g.on_shift, 1);
        assert_eq!(g.leaving, vec![0]);
        let agents = &sim.work.agents;
        assert!(agents[2].present && !agents[2].leaving);
        assert!(!agents[1].present && !agents[3].present);
        // An increase keeps the agent in overtime on before bringing anyone new.
        advance(&mut sim, 200.0);
        sim.set_available(0, 2);
        assert!(sim.work.groups[0].leaving.is_empty());
        assert!(!sim.work.agents[0].leaving);
        assert_eq!(sim.work.groups[0].on_shift, 2);
        assert_eq!(sim.work.agents.len(), 4, "no new agent was created");
        // The agent that leaves in overtime does so when its contact ends.
        sim.set_available(0, 1);
        let leaving = sim.work.groups[0].leaving.clone();
        assert_eq!(leaving, vec![0]);
        advance(&mut sim, 1061.0);
        assert!(!sim.work.agents[0].present, "left after finishing at 1060");
        assert_eq!(sim.rec.levels[0].overtime.value, 0.0);
        assert_eq!(sim.rec.levels[0].present.value, 1.0);
    }

    #[test]
    fn chat_agents_hold_up_to_concurrency_with_stretch() {
        let m = model("chat", "concurrency = 3");
        let mut sim = sim(&m);
        sim.set_available(0, 1);
        for i in 0..4 {
            arrive(&mut sim, f64::from(i), 100.0);
        }
        assert_eq!(sim.work.agents[0].held, 3, "full at three chats");
        assert_eq!(sim.waiting(0), 1, "the fourth waits");
        // Handle times were stretched by the number held when each started: 1, 1.5, 2.
        let handles: Vec<f64> = in_service(&sim).map(|k| k.handle).collect();
        assert_eq!(handles, vec![100.0, 150.0, 200.0]);
        // The first chat ends at 100: the waiting chat takes the freed slot, stretched
        // for three chats held.
        advance(&mut sim, 100.0);
        assert_eq!(sim.work.agents[0].held, 3);
        assert_eq!(sim.waiting(0), 0);
        assert!(in_service(&sim).any(|k| k.handle == 200.0 && k.arrival == 3.0));
        assert_eq!(sim.work.groups[0].partial.iter().map(Vec::len).sum::<usize>(), 0, "a full agent is in no bucket");
        advance(&mut sim, 152.0);
        assert_eq!(sim.work.agents[0].held, 2);
        assert_eq!(sim.work.groups[0].partial[2], vec![0]);
    }

    /// Agents arriving with a staffing increase share the waiting chats instead of the
    /// first of them filling up.
    #[test]
    fn new_agents_share_waiting_chats() {
        let m = model("chat", "concurrency = 3");
        let mut sim = sim(&m);
        sim.set_available(0, 1);
        for i in 0..6 {
            arrive(&mut sim, f64::from(i), 500.0);
        }
        assert_eq!(sim.waiting(0), 3);
        sim.set_available(0, 4);
        assert_eq!(sim.waiting(0), 0);
        let held: Vec<u16> = sim.work.agents.iter().map(|a| a.held).collect();
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
        let mut sim = sim(&m);
        sim.run_until_for_test(3600.0);
        sim.admit(0, 0, 100.0, f64::INFINITY); // email at 01:00
        sim.admit(1, 0, 100.0, f64::INFINITY); // social at 01:00
        advance(&mut sim, 8.0 * 3600.0);
        let taken: Vec<usize> = in_service(&sim).map(|k| k.channel as usize).collect();
        assert_eq!(taken, vec![1], "social first, by skill order, though email is channel 0");
        // At 20:00 both channels close and a second agent starts: it takes nothing, though
        // email is waiting.
        advance(&mut sim, 19.0 * 3600.0 + 50.0 * 60.0);
        for _ in 0..30 {
            sim.admit(0, 0, 100.0, f64::INFINITY);
        }
        advance(&mut sim, 20.0 * 3600.0 + 1.0);
        assert!(sim.waiting(0) > 20);
        assert_eq!(sim.work.groups[0].on_shift, 2);
        // The sixth email ended at exactly 20:00, when the channel closed: the first agent
        // took no seventh, and the new agent took none.
        let holding: Vec<u16> = sim.work.agents.iter().map(|a| a.held).collect();
        assert_eq!(holding, vec![0, 0]);
        assert_eq!(sim.waiting(0), 24);
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
        let mut sim = sim(&m);
        sim.set_available(0, 1);
        advance(&mut sim, 0.0);
        sim.admit(1, 0, 1000.0, f64::INFINITY); // email from 0 to 1000
        advance(&mut sim, 100.0);
        sim.admit(0, 0, 50.0, f64::INFINITY); // a call at 100
        assert_eq!(sim.waiting(1), 1, "the email went back to its queue");
        assert_eq!(sim.answered(0, 0), 1, "the call was answered at once");
        advance(&mut sim, 150.0);
        assert_eq!(sim.waiting(1), 0, "resumed when the call ended");
        advance(&mut sim, 1049.0);
        assert_eq!(sim.work.agents[0].held, 1);
        advance(&mut sim, 1050.0);
        assert_eq!(sim.work.agents[0].held, 0, "900 s of work were left at 150");
        let s = sim.rec.stats();
        let email = &s.channel[s.channel_at(1, 0)];
        assert_eq!((email.answered, email.completed, email.handle_s, email.wait_answered_s), (1, 1, 1000.0, 0.0));

        let m = blended_model(false);
        let mut sim = super::tests::sim(&m);
        sim.set_available(0, 1);
        advance(&mut sim, 0.0);
        sim.admit(1, 0, 1000.0, f64::INFINITY);
        advance(&mut sim, 100.0);
        sim.admit(0, 0, 50.0, f64::INFINITY);
        assert_eq!(sim.waiting(0), 1, "the call waits for the email to end");
        advance(&mut sim, 1000.0);
        assert_eq!(sim.waiting(0), 0);
    }

    #[test]
    fn overflow_group_waits_for_its_delay() {
        let m =
            model("voice", "[[agents]]\nname = \"backup\"\nskills = [{ channel = \"c\", after = \"60s\" }]\nstaff = 1");
        let mut sim = sim(&m);
        sim.set_available(0, 1);
        sim.set_available(1, 1);
        arrive(&mut sim, 0.0, 1000.0); // the primary agent
        arrive(&mut sim, 10.0, 1000.0); // waits: the backup is not eligible yet
        assert_eq!(sim.waiting(0), 1);
        advance(&mut sim, 69.0);
        assert_eq!(sim.waiting(0), 1);
        advance(&mut sim, 70.0);
        assert_eq!(sim.waiting(0), 0, "taken by the backup at 10 + 60 s");
        assert_eq!(sim.work.agents[1].held, 1);
        // A backup agent freed later takes only contacts that have waited 60 s.
        arrive(&mut sim, 1000.5, 5.0);
        assert_eq!(sim.work.agents[0].held, 1, "primary agent free again at 1000 takes it");
    }

    /// The live count of each queue is exact: it equals the entries whose contact is
    /// still waiting, through arrivals, abandonments, overflow and service.
    #[test]
    fn live_counts_are_exact() {
        let text = r#"
name = "t"
seed = 3
horizon = "3h"
interval = "30m"
[[channel]]
name = "c"
kind = "voice"
service_level = { target = 0.8, within = "20s" }
arrivals = { per_hour = 400 }
handle_time = { dist = "exponential", mean = "4m" }
patience = { dist = "exponential", mean = "1m" }
[[channel.type]]
name = "urgent"
share = 0.3
priority = 1
[[channel.type]]
name = "rest"
share = 0.7
priority = 2
[[agents]]
name = "team"
skills = ["c"]
staff = 20
[[agents]]
name = "backup"
skills = [{ channel = "c", after = "30s" }]
staff = 3
"#;
        let m = Model::compile(Scenario::from_toml(text, "t.toml").unwrap());
        let mut sim = sim(&m);
        sim.start_timelines();
        let mut checked = 0;
        while sim.step() {
            let waiting =
                sim.contacts.all().iter().filter(|k| matches!(k.state, State::Waiting | State::Interrupted)).count()
                    as u32;
            assert_eq!(sim.waiting(0), waiting);
            checked += u64::from(waiting > 0);
        }
        assert!(checked > 100, "the queue was rarely occupied ({checked} events)");
    }
}
