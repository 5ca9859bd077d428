//! Waiting-time announcements inside a replication: what each announcing channel's
//! predictors remember, what a waiting contact was told, and the predictors' formulas
//! (`docs/model.md` §16).
//!
//! The event loop asks for a prediction when a contact joins a queue (and at each update),
//! turns it into what is told with [`crate::scenario::Announce::tell`], and applies the
//! customer's reaction. Nothing here runs for a channel without announcements.

use super::Model;
use super::calendar::Event;
use super::contacts::State;
use super::core::Core;
use super::recorder::{Fared, Heard, Recorder};
use super::streams::{Purpose, stream};
use crate::scenario::{Predictor, Told};

/// What a waiting contact was told. Recorders receive it with the contact.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Announcement {
    /// When the contact was first told a wait (s; NaN: never told).
    pub at: f64,
    /// What it was first told (the error metrics compare this with the wait from `at`).
    pub first: Told,
    /// When its latest promise runs out (s): the latest announcement's time + its upper
    /// end (∞ — no promise — for an open-ended bucket, a told wait of 0 s, or when never
    /// told).
    pub promise_at: f64,
    /// Contacts ahead of it (at its priority or above) when it was first told.
    pub ahead: u32,
    /// The latest promise was broken already (its patience factor applied once).
    pub(crate) broken: bool,
    /// Its number in its queue's [`PositionIndex`] (queues with updates).
    pub(crate) seq: u64,
    /// The time of its pending `Promise` event (∞: none).
    pub(crate) promise_event: f64,
}

impl Announcement {
    /// Not told anything (yet).
    pub const NONE: Announcement = Announcement {
        at: f64::NAN,
        first: Told { heard: 0.0, low: 0.0, high: 0.0 },
        promise_at: f64::INFINITY,
        ahead: 0,
        broken: false,
        seq: 0,
        promise_event: f64::INFINITY,
    };

    /// Whether its latest announcement promised anything.
    #[inline]
    pub fn promised(&self) -> bool {
        self.promise_at.is_finite()
    }

    /// Whether the contact was told a wait.
    #[inline]
    pub fn was_told(&self) -> bool {
        !self.at.is_nan()
    }

    /// The actual wait from the first announcement to `now` (s).
    #[inline]
    pub fn actual(&self, now: f64) -> f64 {
        now - self.at
    }
}

/// What one announcing channel's predictors remember during a replication.
pub(crate) struct ChannelAnnouncer {
    /// The replication's balking key (channels with a balking curve): each contact's
    /// balking uniform is a hash of it and the contact's arrival time.
    pub balk: Option<u64>,
    /// The wait of the last contact to start service (s; NaN: none yet).
    pub last_wait: f64,
    /// The waits of the last answered contacts, a ring of the moving average's window.
    recent: Vec<f64>,
    next: usize,
    filled: usize,
    /// Their sum (re-added from scratch once per turn of the ring, so it carries no drift).
    sum: f64,
}

impl ChannelAnnouncer {
    /// A fresh announcer; `window` is the moving average's (0 for other predictors).
    pub fn new(balk: Option<u64>, window: usize) -> ChannelAnnouncer {
        ChannelAnnouncer { balk, last_wait: f64::NAN, recent: vec![0.0; window], next: 0, filled: 0, sum: 0.0 }
    }

    /// A contact of the channel started service after waiting `wait` s. O(1).
    #[inline]
    pub fn answered(&mut self, wait: f64) {
        self.last_wait = wait;
        if !self.recent.is_empty() {
            self.sum += wait - if self.filled == self.recent.len() { self.recent[self.next] } else { 0.0 };
            self.recent[self.next] = wait;
            self.next = (self.next + 1) % self.recent.len();
            self.filled = (self.filled + 1).min(self.recent.len());
            if self.next == 0 {
                self.sum = self.recent.iter().sum();
            }
        }
    }

    /// The mean wait of the last answered contacts, up to the window (`None` before the
    /// first). O(1).
    pub fn moving_average(&self) -> Option<f64> {
        (self.filled > 0).then(|| self.sum / self.filled as f64)
    }
}

/// The queue-length predictor: (k + 1) / rate, for `k` contacts ahead and a total service
/// completion rate of `rate` per second (n agents × μ); `None` with no agent serving.
#[inline]
pub fn queue_length(k: u32, rate: f64) -> Option<f64> {
    (rate > 0.0).then(|| f64::from(k + 1) / rate)
}

/// The queue-length predictor with exponential abandonment at rate `theta` per waiting
/// contact: Σ_{i=0..k} 1 / (rate + i·θ), the mean time for the k contacts ahead to leave
/// (served or abandoned) and one service to complete. O(1): summed term by term up to 64
/// contacts ahead, beyond as (ψ(rate/θ + k + 1) − ψ(rate/θ)) / θ.
pub fn queue_length_abandon(k: u32, rate: f64, theta: f64) -> Option<f64> {
    if rate <= 0.0 {
        return None;
    }
    if k < 64 || theta <= 0.0 {
        if theta <= 0.0 {
            return queue_length(k, rate);
        }
        return Some((0..=k).map(|i| 1.0 / (rate + f64::from(i) * theta)).sum());
    }
    use crate::base::maths::digamma;
    let a = rate / theta;
    Some((digamma(a + f64::from(k) + 1.0) - digamma(a)) / theta)
}

/// Exact queue positions in O(log n): the contacts of one FIFO queue numbered in the order
/// they joined it, with a Fenwick tree over those numbers (kept in a ring that doubles
/// when the queue's span outgrows it) counting the ones still waiting. Kept only for the
/// queues of channels whose announcements are updated by a queue-length predictor.
#[derive(Debug, Default)]
pub(crate) struct PositionIndex {
    /// Fenwick tree over ring slots (1-based inside; `len` is a power of two).
    tree: Vec<i32>,
    /// Whether the contact numbered `n` (at ring slot `n & mask`) still waits.
    waiting: Vec<bool>,
    /// The number the next contact to join gets.
    next: u64,
    /// The lowest number that may still wait (all below have left).
    base: u64,
}

impl PositionIndex {
    fn mask(&self) -> u64 {
        self.waiting.len() as u64 - 1
    }

    fn add(&mut self, slot: usize, delta: i32) {
        let mut i = slot + 1;
        while i <= self.tree.len() {
            self.tree[i - 1] += delta;
            i += i & i.wrapping_neg();
        }
    }

    /// Waiting contacts in ring slots `0..end`.
    fn prefix(&self, end: usize) -> i64 {
        let (mut i, mut sum) = (end, 0i64);
        while i > 0 {
            sum += i64::from(self.tree[i - 1]);
            i &= i - 1;
        }
        sum
    }

    /// A contact joins the back of the queue; returns its number. Amortised O(log n).
    pub fn join(&mut self) -> u64 {
        if self.waiting.is_empty() || self.next - self.base >= self.waiting.len() as u64 {
            self.grow();
        }
        let n = self.next;
        self.next += 1;
        let slot = (n & self.mask()) as usize;
        self.waiting[slot] = true;
        self.add(slot, 1);
        n
    }

    /// The contact numbered `n` left the queue (served, abandoned, taken by an overflow
    /// group). O(log n).
    pub fn leave(&mut self, n: u64) {
        let slot = (n & self.mask()) as usize;
        if n < self.base || n >= self.next || !self.waiting[slot] {
            return;
        }
        self.waiting[slot] = false;
        self.add(slot, -1);
        while self.base < self.next && !self.waiting[(self.base & self.mask()) as usize] {
            self.base += 1;
        }
    }

    /// Waiting contacts that joined before contact `n`. O(log n).
    pub fn ahead(&self, n: u64) -> u32 {
        if n <= self.base {
            return 0;
        }
        let (a, b) = ((self.base & self.mask()) as usize, (n & self.mask()) as usize);
        let count = if a < b {
            self.prefix(b) - self.prefix(a)
        } else {
            self.prefix(self.waiting.len()) - self.prefix(a) + self.prefix(b)
        };
        count as u32
    }

    /// Doubles the ring (at least 64 slots), re-placing the waiting contacts.
    fn grow(&mut self) {
        let len = (self.waiting.len() * 2).max(64);
        let old = std::mem::take(&mut self.waiting);
        let old_mask = old.len().wrapping_sub(1) as u64;
        self.waiting = vec![false; len];
        self.tree = vec![0; len];
        for n in self.base..self.next {
            if old[(n & old_mask) as usize] {
                let slot = (n & self.mask()) as usize;
                self.waiting[slot] = true;
                self.add(slot, 1);
            }
        }
    }
}

/// When a promise told at `now` runs out: now + its upper end; a told wait of 0 s (head of
/// line for a contact about to head its queue) or an open bucket promises nothing (∞).
fn promise_at(now: f64, t: &Told) -> f64 {
    if t.high > 0.0 { now + t.high } else { f64::INFINITY }
}

/// Waiting-time announcements in one replication: each announcing channel's predictors,
/// what each waiting contact was told, the exact positions of updated queues, and the
/// promise and update events pending. Nothing here is made for a model without
/// announcements.
pub(crate) struct Announcements {
    /// Per channel: its predictors' memory (channels with announcements).
    announcers: Vec<Option<ChannelAnnouncer>>,
    /// What each contact slot's contact was told (grown with the slot pool; read only for
    /// contacts of announcing channels).
    told: Vec<Announcement>,
    /// Per queue: exact positions, for the queues of channels whose announcements are
    /// updated (their contacts' numbers are in `told`).
    positions: Vec<Option<PositionIndex>>,
    /// Update events in the calendar (when they are all that is left, updates stop).
    updates_pending: usize,
    /// Promise events in the calendar.
    promises_pending: usize,
}

impl Announcements {
    /// The announcements of replication `rep` of `m` (empty without any).
    pub fn new(m: &Model, rep: u64) -> Announcements {
        let s = &m.scenario;
        if !m.features.announce {
            return Announcements {
                announcers: Vec::new(),
                told: Vec::new(),
                positions: Vec::new(),
                updates_pending: 0,
                promises_pending: 0,
            };
        }
        let announcers = s
            .channels
            .iter()
            .zip(&m.channels)
            .map(|(ch, table)| {
                ch.announce.as_ref().map(|a| {
                    let balk = a
                        .reaction
                        .balk
                        .is_some()
                        .then(|| rand::Rng::next_u64(&mut stream(s.seed, rep, table.salt, Purpose::Balk)));
                    let window = match a.predictor {
                        Predictor::MovingAverage(n) => n as usize,
                        _ => 0,
                    };
                    ChannelAnnouncer::new(balk, window)
                })
            })
            .collect();
        let positions = (0..m.queues.len())
            .map(|q| {
                let updated = m.channels.iter().zip(&s.channels).any(|(table, ch)| {
                    table.queues.contains(&q) && ch.announce.as_ref().is_some_and(|a| a.update.is_some())
                });
                updated.then(PositionIndex::default)
            })
            .collect();
        Announcements { announcers, told: Vec::new(), positions, updates_pending: 0, promises_pending: 0 }
    }

    /// Whether channel `c` announces waits.
    #[inline]
    pub fn on(&self, c: usize) -> bool {
        self.announcers.get(c).is_some_and(Option::is_some)
    }

    /// The run stopped (overload): no announcement event is pending any more.
    pub fn stop(&mut self) {
        self.updates_pending = 0;
        self.promises_pending = 0;
    }

    /// Nothing but announcement events is left in the calendar and no arrival is to come:
    /// contacts still waiting will never be served and nothing will change.
    fn only_announcements_left<R: Recorder>(&self, core: &Core<'_, R>, no_more_arrivals: bool) -> bool {
        no_more_arrivals && core.cal.len() == self.updates_pending + self.promises_pending
    }

    /// The balking uniform of a contact of channel `c` that arrived at `arrival` (NaN when
    /// the channel's customers do not balk): a hash of the replication's balking key and
    /// the arrival time, so that the same customer draws the same uniform in every variant
    /// of a sweep, whatever it was told, and nothing is drawn for contacts answered at once.
    fn balk_uniform(&self, c: usize, arrival: f64) -> f64 {
        match &self.announcers[c] {
            Some(ChannelAnnouncer { balk: Some(key), .. }) => {
                (super::streams::mix(key ^ arrival.to_bits()) >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
            }
            _ => f64::NAN,
        }
    }

    /// What contact `slot` of an announcing channel is told now (`None`: nothing, the
    /// prediction being undefined or below the threshold), with the contacts ahead of it.
    /// `queued`: the contact is in its queue already (an update), else it is about to join.
    fn tell<R: Recorder>(&mut self, core: &mut Core<'_, R>, slot: u32, queued: bool) -> Option<(Told, u32)> {
        let m = core.m;
        let k = *core.contacts.get(slot);
        let c = k.channel as usize;
        let spec = m.scenario.channels[c].announce.as_ref()?;
        let own = k.queue as usize;
        // Contacts ahead: those at a higher priority, and those before it in its own queue.
        let mut ahead = 0;
        for &q in &m.channels[c].queues {
            if q == own {
                ahead += match (&self.positions[q], queued) {
                    (Some(ix), true) => ix.ahead(self.told[slot as usize].seq),
                    _ => core.queues.live(q),
                };
                break;
            }
            ahead += core.queues.live(q);
        }
        let rate = || {
            let am = m.channels[c].announce.as_ref().map_or(&[][..], |a| &a.rates[..]);
            // Groups with nobody on shift add nothing (not 0 × an infinite rate).
            am.iter()
                .filter(|&&(g, _)| core.work.groups[g].on_shift > 0)
                .map(|&(g, mu)| f64::from(core.work.groups[g].on_shift) * mu)
                .sum::<f64>()
        };
        let prediction = match spec.predictor {
            Predictor::None => None,
            Predictor::QueueLength => queue_length(ahead, rate()),
            Predictor::QueueLengthAbandon => {
                let theta = m.channels[c].announce.as_ref().map_or(0.0, |a| a.theta);
                queue_length_abandon(ahead, rate(), theta)
            }
            Predictor::LastToEnterService => self.announcers[c].as_ref().map(|a| a.last_wait).filter(|w| !w.is_nan()),
            Predictor::HeadOfLine => {
                Some(core.queues.head(own, &core.contacts).map_or(0.0, |h| core.now - core.contacts.get(h).arrival))
            }
            Predictor::MovingAverage(_) => self.announcers[c].as_ref().and_then(ChannelAnnouncer::moving_average),
        };
        prediction.and_then(|p| spec.tell(p)).map(|t| (t, ahead))
    }

    /// Contact `slot` of an announcing channel found no agent: it is told its wait (if any
    /// is predicted), and may balk — true: it hung up (recorded); the loop ends it.
    /// Otherwise its patience is raised to the share of the wait it heard, and the loop
    /// queues it.
    pub fn before_queue<R: Recorder>(&mut self, core: &mut Core<'_, R>, slot: u32) -> bool {
        let now = core.now;
        if slot as usize >= self.told.len() {
            self.told.resize(slot as usize + 1, Announcement::NONE);
        }
        self.told[slot as usize] = Announcement::NONE;
        let told = self.tell(core, slot, false);
        let k = *core.contacts.get(slot);
        let spec = core.m.scenario.channels[k.channel as usize].announce.as_ref().expect("an announcing channel");
        if let Some((t, ahead)) = told {
            core.rec.announced(Heard { now, contact: &k, told: &t, first: true });
            let balk_u = self.balk_uniform(k.channel as usize, k.arrival);
            if spec.reaction.balk.as_ref().is_some_and(|b| balk_u < b.probability(t.heard)) {
                core.rec.balked(Heard { now, contact: &k, told: &t, first: true });
                return true;
            }
            self.told[slot as usize] =
                Announcement { at: now, first: t, promise_at: promise_at(now, &t), ahead, ..Announcement::NONE };
            let floor = now + spec.reaction.stay_share * t.heard;
            let kk = core.contacts.get_mut(slot);
            kk.abandon_at = kk.abandon_at.max(floor);
        }
        false
    }

    /// Contact `slot` of an announcing channel joined its queue: its position is kept, its
    /// promise and first update scheduled.
    pub fn after_queue<R: Recorder>(&mut self, core: &mut Core<'_, R>, slot: u32, no_more_arrivals: bool) {
        let k = *core.contacts.get(slot);
        if let Some(ix) = &mut self.positions[k.queue as usize] {
            self.told[slot as usize].seq = ix.join();
        }
        self.schedule_promise(core, slot);
        let spec = core.m.scenario.channels[k.channel as usize].announce.as_ref().expect("an announcing channel");
        if let Some(u) = spec.update {
            self.schedule_update(core, slot, core.now + u, no_more_arrivals);
        }
    }

    /// Schedules the moment contact `slot`'s latest promise runs out, if breaking it
    /// changes its patience and it could still be waiting then.
    fn schedule_promise<R: Recorder>(&mut self, core: &mut Core<'_, R>, slot: u32) {
        let k = core.contacts.get(slot);
        let spec = core.m.scenario.channels[k.channel as usize].announce.as_ref().expect("an announcing channel");
        let at = self.told[slot as usize].promise_at;
        let f = spec.reaction.broken_promise;
        // A factor changes a finite patience; any patience only when it is 0.
        let matters = f != 1.0 && (k.abandon_at.is_finite() || f == 0.0);
        // At most one pending event per contact: a later promise is re-scheduled by the
        // pending earlier event when it comes (so waits told again and again leave no trail
        // of stale events behind).
        let pending = self.told[slot as usize].promise_event;
        if matters && at.is_finite() && at < k.abandon_at && at < pending {
            core.cal.push(at, Event::Promise(slot, k.generation));
            self.told[slot as usize].promise_event = at;
            self.promises_pending += 1;
        }
    }

    /// Schedules contact `slot`'s next update at `at`, if it could still be waiting then
    /// and something other than updates can still happen (otherwise it would wait, and be
    /// updated, for ever: a contact nobody will serve at the end of the run).
    fn schedule_update<R: Recorder>(&mut self, core: &mut Core<'_, R>, slot: u32, at: f64, no_more_arrivals: bool) {
        let k = core.contacts.get(slot);
        if at < k.abandon_at && !self.only_announcements_left(core, no_more_arrivals) {
            core.cal.push(at, Event::Update(slot, k.generation));
            self.updates_pending += 1;
        }
    }

    /// A waiting contact's latest promise ran out: the patience it has left is multiplied
    /// by the channel's `broken_promise` factor. Returns its new abandonment time, for the
    /// loop to apply (`None`: nothing changes). A stale event does nothing and puts the
    /// clock back to `before` (the event before it).
    pub fn promise_broken<R: Recorder>(
        &mut self,
        core: &mut Core<'_, R>,
        slot: u32,
        generation: u32,
        before: f64,
    ) -> Option<f64> {
        self.promises_pending -= 1;
        let waiting = core.contacts.is(slot, generation, State::Waiting);
        let a = &mut self.told[slot as usize];
        if !waiting || a.promise_event != core.now {
            core.now = before;
            return None;
        }
        a.promise_event = f64::INFINITY;
        if a.promise_at > core.now {
            // An update promised a later time: wait for that one.
            self.schedule_promise(core, slot);
            return None;
        }
        if a.promise_at != core.now || a.broken {
            return None;
        }
        a.broken = true;
        let k = core.contacts.get(slot);
        let spec = core.m.scenario.channels[k.channel as usize].announce.as_ref();
        let f = spec.map_or(1.0, |a| a.reaction.broken_promise);
        let now = core.now;
        Some(if f == 0.0 {
            now
        } else if k.abandon_at.is_infinite() {
            f64::INFINITY
        } else {
            now + (k.abandon_at - now) * f
        })
    }

    /// A waiting contact hears an updated announcement (its promise starts again from now;
    /// the patience floor only if it is the first it hears), and the next update is
    /// scheduled. When nothing but announcements is left the update is dropped and the
    /// clock stays at the last event that mattered (the end of the run).
    pub fn update<R: Recorder>(
        &mut self,
        core: &mut Core<'_, R>,
        (slot, generation): (u32, u32),
        before: f64,
        no_more_arrivals: bool,
    ) {
        self.updates_pending -= 1;
        if self.only_announcements_left(core, no_more_arrivals) {
            core.now = before;
            return;
        }
        if !core.contacts.is(slot, generation, State::Waiting) {
            return;
        }
        let now = core.now;
        let told = self.tell(core, slot, true);
        let k = *core.contacts.get(slot);
        let spec = core.m.scenario.channels[k.channel as usize].announce.as_ref().expect("an announcing channel");
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
            core.rec.announced(Heard { now, contact: &k, told: &t, first });
            // The patience floor follows the first announcement only: re-applied at every
            // update it could hold a caller for ever (a head-of-line wait grows with time).
            let floor = now + spec.reaction.stay_share * t.heard;
            if first && floor > k.abandon_at {
                // Above a patience that has not run out yet: never at once.
                let at_once = core.set_abandon_at(slot, floor);
                debug_assert!(!at_once);
            }
            self.schedule_promise(core, slot);
        }
        if let Some(u) = spec.update {
            self.schedule_update(core, slot, now + u, no_more_arrivals);
        }
    }

    /// An announcing channel's contact was answered after `wait` s: its predictors learn
    /// the wait, and a contact that was told a wait is recorded as such.
    #[cold]
    pub fn answered<R: Recorder>(&mut self, core: &mut Core<'_, R>, slot: u32, wait: f64, from_queue: bool) {
        let k = core.contacts.get(slot);
        let Some(a) = &mut self.announcers[k.channel as usize] else { return };
        a.answered(wait);
        if let (true, Some(ix)) = (from_queue, &mut self.positions[k.queue as usize]) {
            ix.leave(self.told[slot as usize].seq);
        }
        if from_queue && self.told[slot as usize].was_told() {
            core.rec.answered_told(Fared { now: core.now, contact: k, announcement: &self.told[slot as usize] });
        }
    }

    /// A waiting contact's abandonment event came: true when it is stale (an announcement
    /// changed the patience since); otherwise an announcing channel's contact leaves its
    /// position index and, if told, is recorded as such.
    #[cold]
    pub fn abandoning<R: Recorder>(&mut self, core: &mut Core<'_, R>, slot: u32) -> bool {
        let k = core.contacts.get(slot);
        if k.abandon_at != core.now {
            return true;
        }
        if self.on(k.channel as usize) {
            if let Some(ix) = &mut self.positions[k.queue as usize] {
                ix.leave(self.told[slot as usize].seq);
            }
            if self.told[slot as usize].was_told() {
                core.rec.abandoned_told(Fared { now: core.now, contact: k, announcement: &self.told[slot as usize] });
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Positions agree with a plain list through joins, departures from the middle and
    /// from the head, across ring growth and wrap-around.
    #[test]
    fn positions_are_exact() {
        let mut ix = PositionIndex::default();
        let mut live: Vec<u64> = Vec::new();
        let mut x = 12345u64;
        for step in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let grow_phase = (step / 2500) % 2 == 0;
            if live.is_empty() || x % 3 != 0 || (grow_phase && x % 5 != 0) {
                live.push(ix.join());
            } else {
                let i = if x % 2 == 0 { 0 } else { (x as usize / 7) % live.len() };
                ix.leave(live.remove(i));
            }
            if step % 97 == 0 {
                for (pos, &n) in live.iter().enumerate() {
                    assert_eq!(ix.ahead(n), pos as u32, "step {step}");
                }
            }
        }
        assert!(live.len() > 1000, "the ring grew ({})", live.len());
    }

    #[test]
    fn predictors_reduce_to_each_other() {
        // Without abandonment QL_m is QL; with it, the expected wait is shorter.
        assert_eq!(queue_length(4, 0.5), Some(10.0));
        let plain = queue_length_abandon(4, 0.5, 0.0).unwrap();
        assert!((plain - 10.0).abs() < 1e-12);
        let m = queue_length_abandon(4, 0.5, 0.1).unwrap();
        assert!((m - (2.0 + 1.0 / 0.6 + 1.0 / 0.7 + 1.0 / 0.8 + 1.0 / 0.9)).abs() < 1e-12);
        assert_eq!(queue_length(0, 0.0), None);
        // The closed form for long queues agrees with the sum.
        for (k, rate, theta) in
            [(64u32, 0.1, 0.005), (500, 1.0 / 6.0, 1.0 / 180.0), (5000, 2.0, 1e-4), (100, 1e-3, 0.5)]
        {
            let sum: f64 = (0..=k).map(|i| 1.0 / (rate + f64::from(i) * theta)).sum();
            let closed = queue_length_abandon(k, rate, theta).unwrap();
            assert!((closed - sum).abs() < 1e-10 * sum, "k {k}: {closed} vs {sum}");
        }
        let mut a = ChannelAnnouncer::new(None, 3);
        assert_eq!(a.moving_average(), None);
        for w in [1.0, 2.0, 3.0, 10.0] {
            a.answered(w);
        }
        assert_eq!(a.moving_average(), Some(5.0), "the last three");
        assert_eq!(a.last_wait, 10.0);
    }
}
