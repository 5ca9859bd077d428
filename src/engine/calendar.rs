//! The event calendar: a min-heap of `(time, event)` pairs.
//!
//! Times are seconds ≥ 0, stored as their IEEE-754 bit patterns: for non-negative finite
//! doubles the bit pattern orders like the number, so comparisons are integer compares.
//! Events at the same time are taken in order of their encoded value, which puts the
//! event kind first (see [`Event`]) and makes the order deterministic.
//!
//! The heap is a flat `Vec` reserved up front; after warm-up no push allocates.

/// What happens at an event. Encoded in a `u64`: kind in the top 4 bits, a generation
/// counter in the next 28, an index in the low 32. At equal times events run in the order
/// of this list: a channel closes before anything else happens at that instant, and opens
/// after the staffing change of that instant.
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

#[derive(Clone, Copy)]
struct Entry {
    time: u64,
    event: u64,
}

impl Entry {
    #[inline]
    fn before(&self, other: &Entry) -> bool {
        (self.time, self.event) < (other.time, other.event)
    }
}

/// A binary min-heap of events keyed by time.
pub struct Calendar {
    heap: Vec<Entry>,
}

impl Calendar {
    pub fn with_capacity(n: usize) -> Calendar {
        Calendar { heap: Vec::with_capacity(n) }
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Time of the next event, or +∞.
    #[inline]
    pub fn next_time(&self) -> f64 {
        self.heap.first().map_or(f64::INFINITY, |e| f64::from_bits(e.time))
    }

    /// Schedules `event` at `time` (finite, ≥ 0).
    #[inline]
    pub fn push(&mut self, time: f64, event: Event) {
        debug_assert!(time.is_finite() && time >= 0.0, "event time {time}");
        let entry = Entry { time: time.to_bits(), event: event.encode() };
        let mut pos = self.heap.len();
        self.heap.push(entry);
        // Sift up with a hole.
        while pos > 0 {
            let parent = (pos - 1) / 2;
            if !entry.before(&self.heap[parent]) {
                break;
            }
            self.heap[pos] = self.heap[parent];
            pos = parent;
        }
        self.heap[pos] = entry;
    }

    /// Removes and returns the earliest event.
    #[inline]
    pub fn pop(&mut self) -> Option<(f64, Event)> {
        let last = self.heap.pop()?;
        let top = if self.heap.is_empty() {
            last
        } else {
            let top = self.heap[0];
            // Sift the last entry down from the root with a hole.
            let n = self.heap.len();
            let mut pos = 0;
            loop {
                let mut child = 2 * pos + 1;
                if child >= n {
                    break;
                }
                if child + 1 < n && self.heap[child + 1].before(&self.heap[child]) {
                    child += 1;
                }
                if !self.heap[child].before(&last) {
                    break;
                }
                self.heap[pos] = self.heap[child];
                pos = child;
            }
            self.heap[pos] = last;
            top
        };
        Some((f64::from_bits(top.time), Event::decode(top.event)))
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
        /// Pops come out in (time, kind) order whatever the push order.
        #[test]
        fn pops_sorted(times in proptest::collection::vec(0.0f64..1e6, 0..300)) {
            let mut cal = Calendar::with_capacity(4);
            for (i, t) in times.iter().enumerate() {
                cal.push(*t, if i % 2 == 0 { Event::Departure(i as u32, 0) } else { Event::Abandon(i as u32, 0) });
            }
            let mut got = Vec::new();
            while let Some((t, _)) = cal.pop() {
                got.push(t);
            }
            let mut want = times.clone();
            want.sort_by(f64::total_cmp);
            prop_assert_eq!(got, want);
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
        assert_eq!(cal.pop().unwrap().1, Event::Abandon(1, 0));
        assert_eq!(cal.pop().unwrap().1, Event::Staffing(0));
        assert_eq!(cal.pop().unwrap().1, Event::Opening(0));
        assert!(cal.pop().is_none());
    }
}
