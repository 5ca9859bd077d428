//! The event calendar: a monotone priority queue of `(time, event)` pairs.
//!
//! **Order.** Events come out by time, and events at the same time in the order of their
//! encoded value, which puts the event kind first (see [`Event`]), then the generation,
//! then the index. Live events have distinct keys, so the order is total and every
//! replication replays identically whatever the calendar's internal layout.
//!
//! **Structure.** A calendar queue (Brown 1988) with an exact order. Keys are 128-bit
//! `(time bits, event code)`; times are seconds ≥ 0, whose IEEE-754 bit patterns order like
//! the numbers. Time is cut into buckets of width `w`; a ring of `N` buckets holds the
//! events of the next `N` buckets from the current one (a sliding window), with a bitmap
//! of the non-empty ones; events further ahead wait in a binary heap and move into the
//! ring as the window reaches them. Bucket index is monotone in time, every ring entry is
//! earlier than every heap entry, and the earliest key is kept at hand, so the calendar
//! always yields the smallest pending key: the same order as any exact priority queue.
//!
//! `w` and `N` come from the model ([`Calendar::for_rates`]): about one event per bucket at
//! the peak event rate, and a window of a few handle times, so that almost every event
//! lives in the ring. A poor choice costs speed, never correctness.
//!
//! **Cost.** [`Calendar::push`]: O(1) into the ring (one multiply, one vector push), or
//! O(log n) into the far heap. [`Calendar::pop`]: O(bucket size) to take the minimum, then a
//! bitmap scan (64 buckets per word) to the next non-empty bucket and a scan of it, plus
//! O(log n) per far event that enters the window (once per event).
//! [`Calendar::next_time`]: O(1). Buckets keep their capacity: after warm-up no operation
//! allocates.

/// What happens at an event. Encoded in a `u64`: kind in the top 4 bits, a generation
/// counter in the next 28, an index in the low 32. At equal times events run in the order
/// of this list: a channel closes before anything else happens at that instant and opens
/// after the staffing change of that instant. Arrivals are not calendar events: the loop
/// takes an arrival only when it is strictly earlier than the next calendar event, so a
/// contact arrives after everything else that happens at its instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// Deferred channels close: index into the model's closing timeline.
    Closing(u32),
    /// A service ends: contact slot, slot generation.
    Departure(u32, u32),
    /// A waiting contact's patience runs out: contact slot, generation.
    Abandon(u32, u32),
    /// A waiting contact becomes eligible for an overflow group: contact slot, generation.
    Overflow(u32, u32),
    /// A planning-interval boundary: index of the interval that starts.
    Boundary(u32),
    /// The end of a day of the horizon (backlog snapshot): day index.
    DayEnd(u32),
    /// A staffing change: index into the model's staffing timeline.
    Staffing(u32),
    /// Deferred channels open: index into the model's opening timeline.
    Opening(u32),
    /// A waiting contact's latest announced wait runs out (the promise is broken):
    /// contact slot, generation.
    Promise(u32, u32),
    /// A waiting contact hears an updated announcement: contact slot, generation.
    Update(u32, u32),
    /// A contact of an open issue comes (a return or a redial): index into the pending
    /// entries.
    Enter(u32),
}

const GEN_MASK: u64 = (1 << 28) - 1;

impl Event {
    #[inline(always)]
    fn encode(self) -> u64 {
        let (kind, generation, idx) = match self {
            Event::Closing(i) => (0u64, 0, i),
            Event::Departure(i, g) => (1, g, i),
            Event::Abandon(i, g) => (2, g, i),
            Event::Overflow(i, g) => (3, g, i),
            Event::Boundary(i) => (4, 0, i),
            Event::DayEnd(i) => (5, 0, i),
            Event::Staffing(i) => (6, 0, i),
            Event::Opening(i) => (7, 0, i),
            Event::Promise(i, g) => (8, g, i),
            Event::Update(i, g) => (9, g, i),
            Event::Enter(i) => (10, 0, i),
        };
        (kind << 60) | ((u64::from(generation) & GEN_MASK) << 32) | u64::from(idx)
    }

    #[inline]
    fn decode(v: u64) -> Event {
        let idx = v as u32;
        let generation = ((v >> 32) & GEN_MASK) as u32;
        match v >> 60 {
            0 => Event::Closing(idx),
            1 => Event::Departure(idx, generation),
            2 => Event::Abandon(idx, generation),
            3 => Event::Overflow(idx, generation),
            4 => Event::Boundary(idx),
            5 => Event::DayEnd(idx),
            6 => Event::Staffing(idx),
            7 => Event::Opening(idx),
            8 => Event::Promise(idx, generation),
            9 => Event::Update(idx, generation),
            _ => Event::Enter(idx),
        }
    }
}

/// Masks a generation counter to the width stored in events.
#[inline]
pub fn event_generation(g: u32) -> u32 {
    (u64::from(g) & GEN_MASK) as u32
}

#[inline]
fn key(time: f64, event: Event) -> u128 {
    (u128::from(time.to_bits()) << 64) | u128::from(event.encode())
}

/// A ring bucket larger than this moves into the near heap when it becomes current.
const NEAR_THRESHOLD: usize = 32;
/// `top_pos` of an event in the near heap.
const IN_NEAR: usize = usize::MAX;
/// `top_pos` of an event in the far heap.
const IN_FAR: usize = usize::MAX - 1;

#[inline]
fn time_of(k: u128) -> f64 {
    f64::from_bits((k >> 64) as u64)
}

/// The simulation's future events (see the module documentation for order and cost).
pub struct Calendar {
    /// The ring: bucket `i & mask` holds the events of absolute bucket `i`, for `i` in
    /// `[cur, cur + N)`.
    ring: Vec<Vec<u128>>,
    /// Bit `j` of word `j / 64`: ring slot `j` is not empty.
    occupied: Vec<u64>,
    mask: u64,
    /// 1 / bucket width (per second).
    inv_width: f64,
    /// Absolute index of the current bucket (that of the last event taken out).
    cur: u64,
    in_ring: usize,
    /// Events of buckets `≥ cur + N`: a binary min-heap, and the bucket of its minimum
    /// (`u64::MAX` when empty).
    far: Vec<u128>,
    far_bucket: u64,
    /// The events of one large bucket (`near_bucket`), as a binary min-heap: a bucket that
    /// grows past [`NEAR_THRESHOLD`] (many events at one instant, such as a mass start
    /// with a fixed handle time) moves here when it becomes the current one, so that
    /// taking its events out costs O(log k) each instead of a scan. Events pushed into
    /// that bucket afterwards go to its ring slot as usual and are compared with it.
    near: Vec<u128>,
    /// `u64::MAX` while the near heap is empty.
    near_bucket: u64,
    /// The smallest pending key (`u128::MAX` when empty), its bucket, its position in
    /// that ring bucket (when in the ring), and its time (∞ when empty).
    top: u128,
    top_bucket: u64,
    top_pos: usize,
    top_time: f64,
    len: usize,
}

impl Calendar {
    /// A calendar with a default bucket width of 1 s and a window of 1024 buckets.
    pub fn with_capacity(n: usize) -> Calendar {
        Calendar::for_rates(1.0, 1024.0, n)
    }

    /// A calendar for about `events_per_s` events a second at the peak, most of them due
    /// within `lookahead_s` seconds; room for `n` pending events before it grows.
    pub fn for_rates(events_per_s: f64, lookahead_s: f64, n: usize) -> Calendar {
        let width =
            if events_per_s.is_finite() && events_per_s > 0.0 { (1.0 / events_per_s).clamp(1e-3, 3600.0) } else { 1.0 };
        let want = if lookahead_s.is_finite() { lookahead_s / width } else { 1024.0 };
        let slots = (want.clamp(64.0, 65_536.0) as u64).next_power_of_two();
        Calendar {
            ring: (0..slots).map(|_| Vec::new()).collect(),
            occupied: vec![0; (slots as usize).div_ceil(64)],
            mask: slots - 1,
            inv_width: 1.0 / width,
            cur: 0,
            in_ring: 0,
            far: Vec::with_capacity(n.min(1 << 16) / 8 + 16),
            far_bucket: u64::MAX,
            near: Vec::new(),
            near_bucket: u64::MAX,
            top: u128::MAX,
            top_bucket: 0,
            top_pos: IN_FAR,
            top_time: f64::INFINITY,
            len: 0,
        }
    }

    /// Pending events.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Time of the next event, or +∞.
    #[inline]
    pub fn next_time(&self) -> f64 {
        self.top_time
    }

    #[inline]
    fn bucket_of(&self, t: f64) -> u64 {
        // Monotone in t: a larger time never gets a smaller bucket. Times are ≥ 0 and at
        // most 400 days, so the product fits an i64 (cheaper to convert than a u64).
        (t * self.inv_width) as i64 as u64
    }

    #[inline]
    fn slots(&self) -> u64 {
        self.mask + 1
    }

    /// Puts `k` (of bucket `b`) in the ring; returns its position in its bucket.
    #[inline]
    fn put_ring(&mut self, b: u64, k: u128) -> usize {
        let slot = (b & self.mask) as usize;
        let bucket = &mut self.ring[slot];
        bucket.push(k);
        self.occupied[slot >> 6] |= 1 << (slot & 63);
        self.in_ring += 1;
        bucket.len() - 1
    }

    /// Schedules `event` at `time` (finite, ≥ 0, not before the last event taken out).
    #[inline(always)]
    pub fn push(&mut self, time: f64, event: Event) {
        debug_assert!(time.is_finite() && time >= 0.0, "event time {time}");
        let k = key(time, event);
        let b = self.bucket_of(time);
        debug_assert!(b >= self.cur, "events never go back in time");
        let pos = if b.wrapping_sub(self.cur) < self.slots() {
            self.put_ring(b, k)
        } else if b < self.cur {
            // An event before the current bucket (a caller error) joins the current one:
            // the order stays by key, and nothing is corrupted.
            return self.push_late(k, time);
        } else {
            far_push(&mut self.far, k);
            self.far_bucket = self.far_bucket.min(b);
            IN_FAR
        };
        self.len += 1;
        if k < self.top {
            (self.top, self.top_bucket, self.top_pos, self.top_time) = (k, b, pos, time);
        }
    }

    /// Removes and returns the earliest event.
    #[inline(always)]
    pub fn pop(&mut self) -> Option<(f64, Event)> {
        if self.len == 0 {
            return None;
        }
        let (k, b) = (self.top, self.top_bucket);
        let t = time_of(k);
        if self.top_pos < IN_FAR {
            let slot = (b & self.mask) as usize;
            let bucket = &mut self.ring[slot];
            debug_assert_eq!(bucket.get(self.top_pos), Some(&k));
            bucket.swap_remove(self.top_pos);
            if bucket.is_empty() {
                self.occupied[slot >> 6] &= !(1 << (slot & 63));
            }
            self.in_ring -= 1;
        } else if self.top_pos == IN_FAR {
            far_pop(&mut self.far);
            self.far_bucket = self.far.first().map_or(u64::MAX, |&f| self.bucket_of(time_of(f)));
        } else {
            self.pop_near();
        }
        self.len -= 1;
        self.cur = b;
        // The window slid to `cur`: far events now inside it move into the ring.
        while self.far_bucket - self.cur < self.slots() {
            if let Some(f) = far_pop(&mut self.far) {
                self.put_ring(self.far_bucket, f);
            }
            self.far_bucket = self.far.first().map_or(u64::MAX, |&f| self.bucket_of(time_of(f)));
        }
        (self.top, self.top_bucket, self.top_pos) = self.find_top();
        self.top_time = if self.len == 0 { f64::INFINITY } else { time_of(self.top) };
        Some((t, Event::decode(k as u64)))
    }

    /// The smallest key, its bucket and its position: in the first non-empty ring bucket
    /// from `cur` or the near heap, whichever bucket is earlier, else the far heap's.
    #[inline(always)]
    fn find_top(&mut self) -> (u128, u64, usize) {
        if self.in_ring == 0 {
            if self.near_bucket != u64::MAX {
                return (self.near[0], self.near_bucket, IN_NEAR);
            }
            return self.far.first().map_or((u128::MAX, 0, IN_FAR), |&f| (f, self.far_bucket, IN_FAR));
        }
        let start = (self.cur & self.mask) as usize;
        let words = self.occupied.len();
        let (w0, bit0) = (start >> 6, start & 63);
        let mut slot = None;
        let first = self.occupied[w0] & (!0u64 << bit0);
        if first != 0 {
            slot = Some((w0 << 6) | first.trailing_zeros() as usize);
        } else {
            for step in 1..=words {
                let w = (w0 + step) % words;
                let bits = if w == w0 { self.occupied[w] & !(!0u64 << bit0) } else { self.occupied[w] };
                if bits != 0 {
                    slot = Some((w << 6) | bits.trailing_zeros() as usize);
                    break;
                }
            }
        }
        match slot {
            Some(s) => {
                // Absolute bucket of ring slot s within the window [cur, cur + N).
                let offset = (s as u64).wrapping_sub(self.cur & self.mask) & self.mask;
                let b = self.cur + offset;
                if self.near_bucket <= b {
                    return self.with_near(s, b);
                }
                let bucket = &self.ring[s];
                if let [only] = bucket[..] {
                    return (only, b, 0);
                }
                if bucket.len() > NEAR_THRESHOLD && self.near_bucket == u64::MAX {
                    return self.promote(s, b);
                }
                let bucket = &self.ring[s];
                let mut pos = 0;
                for (i, &x) in bucket.iter().enumerate().skip(1) {
                    if x < bucket[pos] {
                        pos = i;
                    }
                }
                (bucket[pos], b, pos)
            }
            None => (u128::MAX, 0, 0),
        }
    }
}

impl Calendar {
    /// The top while the near heap is in use and not later than ring slot `s` (absolute
    /// bucket `b`): the near heap's minimum, or the slot's if smaller (events that joined
    /// the near bucket after it moved).
    #[cold]
    #[inline(never)]
    fn with_near(&mut self, s: usize, b: u64) -> (u128, u64, usize) {
        let near = (self.near[0], self.near_bucket, IN_NEAR);
        if self.near_bucket < b {
            return near;
        }
        let bucket = &self.ring[s];
        let (pos, &min) = bucket.iter().enumerate().min_by_key(|x| *x.1).unwrap_or((0, &u128::MAX));
        if min < near.0 { (min, b, pos) } else { near }
    }

    /// Takes the minimum out of the near heap.
    #[cold]
    #[inline(never)]
    fn pop_near(&mut self) {
        far_pop(&mut self.near);
        if self.near.is_empty() {
            self.near_bucket = u64::MAX;
        }
    }

    /// An event earlier than the current bucket: into the current bucket.
    #[cold]
    #[inline(never)]
    fn push_late(&mut self, k: u128, time: f64) {
        let b = self.cur;
        let pos = self.put_ring(b, k);
        self.len += 1;
        if k < self.top {
            (self.top, self.top_bucket, self.top_pos, self.top_time) = (k, b, pos, time);
        }
    }

    /// Moves the large ring bucket in slot `s` (absolute bucket `b`) into the near heap and
    /// returns its minimum as the top.
    #[cold]
    #[inline(never)]
    fn promote(&mut self, s: usize, b: u64) -> (u128, u64, usize) {
        // A sorted vector is a min-heap.
        let mut items = std::mem::replace(&mut self.ring[s], std::mem::take(&mut self.near));
        items.sort_unstable();
        self.occupied[s >> 6] &= !(1 << (s & 63));
        self.in_ring -= items.len();
        self.near = items;
        self.near_bucket = b;
        (self.near[0], b, IN_NEAR)
    }
}

/// Binary min-heap push.
#[inline]
fn far_push(heap: &mut Vec<u128>, k: u128) {
    let mut pos = heap.len();
    heap.push(k);
    while pos > 0 {
        let parent = (pos - 1) / 2;
        let p = heap[parent];
        if k >= p {
            break;
        }
        heap[pos] = p;
        pos = parent;
    }
    heap[pos] = k;
}

/// Binary min-heap pop of the minimum (bottom-up: one comparison per level).
#[inline]
fn far_pop(heap: &mut Vec<u128>) -> Option<u128> {
    let last = heap.pop()?;
    let n = heap.len();
    if n == 0 {
        return Some(last);
    }
    let top = heap[0];
    let mut pos = 0;
    let mut child = 1;
    while child + 1 < n {
        child += usize::from(heap[child + 1] < heap[child]);
        heap[pos] = heap[child];
        pos = child;
        child = 2 * pos + 1;
    }
    if child < n {
        heap[pos] = heap[child];
        pos = child;
    }
    while pos > 0 {
        let parent = (pos - 1) / 2;
        if last >= heap[parent] {
            break;
        }
        heap[pos] = heap[parent];
        pos = parent;
    }
    heap[pos] = last;
    Some(top)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn encode_roundtrip() {
        for e in [
            Event::Closing(4),
            Event::DayEnd(6),
            Event::Departure(7, 3),
            Event::Abandon(u32::MAX, (1 << 28) - 1),
            Event::Overflow(0, 1),
            Event::Boundary(48),
            Event::Staffing(2),
            Event::Opening(9),
            Event::Promise(11, 5),
            Event::Update(u32::MAX - 1, (1 << 28) - 2),
        ] {
            assert_eq!(Event::decode(e.encode()), e);
        }
    }

    proptest! {
        /// Interleaved pushes and pops, every push at or after the last popped time, come
        /// out exactly as a sort by (time, event code) would give them (the engine's order).
        #[test]
        fn pops_in_key_order(
            ops in proptest::collection::vec((0.0f64..1e4, 0u32..4, any::<bool>()), 0..400),
            rate in prop_oneof![Just(1.0f64), 0.001f64..1000.0],
            lookahead in 1.0f64..1e5,
        ) {
            // Any bucket width and window: tiny windows send most events to the far heap,
            // wide buckets put many in one bucket.
            let mut cal = Calendar::for_rates(rate, lookahead, 4);
            let mut reference: std::collections::BTreeSet<u128> = Default::default();
            let mut now = 0.0;
            for (i, (dt, kind, pop)) in ops.iter().enumerate() {
                if *pop {
                    let got = cal.pop();
                    let want = reference.pop_first();
                    prop_assert_eq!(got.map(|(t, e)| key(t, e)), want);
                    if let Some((t, _)) = got {
                        now = t;
                    }
                    prop_assert_eq!(cal.len(), reference.len());
                } else {
                    // Now and then a burst of ties at one instant (a large bucket that moves
                    // into the near heap, while later pushes join its slot).
                    if i % 37 == 0 {
                        for j in 0..40u32 {
                            let e = Event::Departure(1_000_000 + i as u32 * 64 + j, 3);
                            cal.push(now + dt, e);
                            reference.insert(key(now + dt, e));
                        }
                    }
                    // Some events at the current instant, of any kind, to hit ties.
                    let t = if i % 5 == 0 { now } else { now + dt };
                    let e = match kind {
                        0 => Event::Departure(i as u32, 1),
                        1 => Event::Abandon(i as u32, 2),
                        2 => Event::Closing(i as u32),
                        _ => Event::Opening(i as u32),
                    };
                    cal.push(t, e);
                    reference.insert(key(t, e));
                    let next = reference.first().map_or(f64::INFINITY, |k| f64::from_bits((k >> 64) as u64));
                    prop_assert_eq!(cal.next_time(), next);
                }
            }
            while let Some(want) = reference.pop_first() {
                prop_assert_eq!(cal.pop().map(|(t, e)| key(t, e)), Some(want));
            }
            prop_assert!(cal.pop().is_none());
        }
    }

    /// Many events at one instant (a mass start with a fixed handle time): exact order,
    /// and no scan per event (100,000 ties, pushed in scrambled order, interleaved with
    /// later events and with new ties arriving while they are taken out).
    #[test]
    fn many_ties_in_key_order() {
        let mut cal = Calendar::for_rates(10.0, 100.0, 16);
        let n = 100_000u32;
        let mut pushed = Vec::new();
        let mut push = |cal: &mut Calendar, t: f64, e: Event| {
            cal.push(t, e);
            pushed.push(key(t, e));
        };
        for i in 0..n {
            // A scrambled permutation of the slots (odd multiplier modulo a power of two).
            push(&mut cal, 50.0, Event::Departure(i.wrapping_mul(2_654_435_761) % (1 << 17), 1));
            push(&mut cal, 50.0 + f64::from(i % 7), Event::Abandon(i, 1));
        }
        let mut popped = Vec::new();
        while let Some((t, e)) = cal.pop() {
            popped.push(key(t, e));
            if popped.len() == 10 {
                push(&mut cal, 50.0, Event::Overflow(7, 1)); // a new tie joins the near heap
            }
        }
        pushed.sort_unstable();
        assert_eq!(popped.len(), pushed.len());
        assert!(popped == pushed, "events came out of key order");
    }

    /// A push before the current bucket (a caller error the engine never makes) neither
    /// panics nor corrupts the calendar: it comes out next, then the order goes on. (Debug
    /// builds assert against such a push instead.)
    #[cfg(not(debug_assertions))]
    #[test]
    fn a_late_push_is_safe() {
        let mut cal = Calendar::for_rates(10.0, 100.0, 4);
        cal.push(100.0, Event::Departure(1, 0));
        cal.push(200.0, Event::Departure(2, 0));
        assert_eq!(cal.pop().unwrap().0, 100.0);
        cal.push(5.0, Event::Departure(3, 0));
        assert_eq!(cal.pop().unwrap(), (5.0, Event::Departure(3, 0)));
        assert_eq!(cal.pop().unwrap(), (200.0, Event::Departure(2, 0)));
        assert!(cal.pop().is_none());
    }

    #[test]
    fn ties_follow_the_event_order() {
        let mut cal = Calendar::with_capacity(4);
        cal.push(5.0, Event::Opening(0));
        cal.push(5.0, Event::Staffing(0));
        cal.push(5.0, Event::Closing(0));
        cal.push(5.0, Event::Abandon(1, 0));
        cal.push(5.0, Event::Departure(2, 0));
        assert_eq!(cal.pop().unwrap().1, Event::Closing(0));
        assert_eq!(cal.pop().unwrap().1, Event::Departure(2, 0));
        // An event at the same instant but of an earlier kind still comes first.
        cal.push(5.0, Event::Closing(1));
        assert_eq!(cal.pop().unwrap().1, Event::Closing(1));
        assert_eq!(cal.pop().unwrap().1, Event::Abandon(1, 0));
        assert_eq!(cal.pop().unwrap().1, Event::Staffing(0));
        assert_eq!(cal.pop().unwrap().1, Event::Opening(0));
        assert!(cal.pop().is_none());
    }
}
