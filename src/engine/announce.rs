//! Waiting-time announcements inside a replication: what each announcing channel's
//! predictors remember, what a waiting contact was told, and the predictors' formulas
//! (`docs/model.md` §16).
//!
//! The event loop asks for a prediction when a contact joins a queue (and at each update),
//! turns it into what is told with [`crate::scenario::Announce::tell`], and applies the
//! customer's reaction. Nothing here runs for a channel without announcements.

use crate::scenario::Told;

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
