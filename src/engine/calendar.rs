//! The event calendar: a monotone priority queue of `(time, event)` pairs.
//!
//! **Order.** Events come out by time, and events at the same time in the order of their
//! encoded value, which puts the event kind first (see [`Event`]), then the generation,
//! then the index. Live events have distinct keys, so the order is total and every
//! replication replays identically whatever the calendar's internal layout.
//!
//! **Structure.** A binary min-heap of 128-bit keys `(time bits, event code)` in one flat
//! vector. Times are seconds ≥ 0, stored as their IEEE-754 bit patterns, which for
//! non-negative finite doubles order like the numbers, so a key comparison is one integer
//! comparison.
//!
//! **Cost.** [`Calendar::push`]: O(log n), usually O(1) (a new event is rarely the
//! earliest). [`Calendar::pop`]: O(log n) with one comparison per level (Floyd's
//! bottom-up sift: the hole goes down to a leaf along the smaller children, then the last
//! entry moves up from there, rarely more than a level). [`Calendar::next_time`]: O(1).
//! The vector keeps its capacity, so after warm-up no operation allocates.

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
}

const GEN_MASK: u64 = (1 << 28) - 1;

impl Event {
    #[inline]
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
            _ => Event::Opening(idx),
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

/// The simulation's future events (see the module documentation for order and cost).
pub struct Calendar {
    heap: Vec<u128>,
}

impl Calendar {
    /// An empty calendar with room for `n` pending events.
    pub fn with_capacity(n: usize) -> Calendar {
        Calendar { heap: Vec::with_capacity(n) }
    }

    /// Pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Time of the next event, or +∞.
    #[inline]
    pub fn next_time(&self) -> f64 {
        self.heap.first().map_or(f64::INFINITY, |&k| f64::from_bits((k >> 64) as u64))
    }

    /// Schedules `event` at `time` (finite, ≥ 0).
    #[inline]
    pub fn push(&mut self, time: f64, event: Event) {
        debug_assert!(time.is_finite() && time >= 0.0, "event time {time}");
        let k = key(time, event);
        let mut pos = self.heap.len();
        self.heap.push(k);
        // Sift up with a hole.
        while pos > 0 {
            let parent = (pos - 1) / 2;
            let p = self.heap[parent];
            if k >= p {
                break;
            }
            self.heap[pos] = p;
            pos = parent;
        }
        self.heap[pos] = k;
    }

    /// Removes and returns the earliest event.
    #[inline]
    pub fn pop(&mut self) -> Option<(f64, Event)> {
        let last = self.heap.pop()?;
        let n = self.heap.len();
        let top = if n == 0 {
            last
        } else {
            let top = self.heap[0];
            let heap = &mut self.heap[..];
            // Bottom-up: move the hole down to a leaf along the smaller children...
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
            // ...then bring the last entry up to its place.
            while pos > 0 {
                let parent = (pos - 1) / 2;
                if last >= heap[parent] {
                    break;
                }
                heap[pos] = heap[parent];
                pos = parent;
            }
            heap[pos] = last;
            top
        };
        Some((f64::from_bits((top >> 64) as u64), Event::decode(top as u64)))
    }
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
        ] {
            assert_eq!(Event::decode(e.encode()), e);
        }
    }

    proptest! {
        /// Interleaved pushes and pops, every push at or after the last popped time, come
        /// out exactly as a sort by (time, event code) would give them (the engine's order).
        #[test]
        fn pops_in_key_order(ops in proptest::collection::vec((0.0f64..1e4, 0u32..4, any::<bool>()), 0..400)) {
            let mut cal = Calendar::with_capacity(4);
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
