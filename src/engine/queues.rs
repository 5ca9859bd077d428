//! Waiting lines: one FIFO per channel and priority level, with an exact live count.
//!
//! Entries are `(slot, generation)`. A contact that leaves a queue other than from its head
//! (abandonment, an overflow group taking it) leaves a stale entry behind, which is dropped
//! when it reaches the head: O(1) amortised per contact. The **live count** of a queue is
//! exact at every instant: contacts waiting in it, stale entries excluded. Waiting-time
//! predictors and backlog snapshots read it.

use super::contacts::Contacts;
use std::collections::VecDeque;

pub(crate) struct Queues {
    lines: Vec<VecDeque<(u32, u32)>>,
    live: Vec<u32>,
    /// Contacts waiting over all queues.
    total: u32,
}

impl Queues {
    /// `n` empty queues.
    pub fn new(n: usize) -> Queues {
        Queues { lines: vec![VecDeque::new(); n], live: vec![0; n], total: 0 }
    }

    /// Contacts waiting in all queues now. O(1).
    #[inline]
    pub fn total(&self) -> u32 {
        self.total
    }

    /// Number of queues.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Contacts waiting in queue `q` now. O(1).
    #[inline]
    pub fn live(&self, q: usize) -> u32 {
        self.live[q]
    }

    /// A contact joins the back of queue `q`. O(1).
    #[inline]
    pub fn push_back(&mut self, q: usize, slot: u32, generation: u32) {
        self.lines[q].push_back((slot, generation));
        self.live[q] += 1;
        self.total += 1;
    }

    /// An interrupted contact goes back to the front of queue `q`. O(1).
    #[inline]
    pub fn push_front(&mut self, q: usize, slot: u32, generation: u32) {
        self.lines[q].push_front((slot, generation));
        self.live[q] += 1;
        self.total += 1;
    }

    /// A waiting contact of queue `q` left it (served, abandoned, taken by an overflow
    /// group); its entry, if not at the head, goes stale. O(1).
    #[inline]
    pub fn left(&mut self, q: usize) {
        self.live[q] -= 1;
        self.total -= 1;
    }

    /// The contact at the head of queue `q`, dropping stale entries first. Amortised O(1).
    #[inline]
    pub fn head(&mut self, q: usize, contacts: &Contacts) -> Option<u32> {
        let line = &mut self.lines[q];
        while let Some(&(slot, generation)) = line.front() {
            if contacts.is_queued(slot, generation) {
                return Some(slot);
            }
            line.pop_front();
        }
        None
    }

    /// Takes the contact at the head of queue `q` out of it (live count included).
    #[inline]
    pub fn pop(&mut self, q: usize, contacts: &Contacts) -> Option<u32> {
        let slot = self.head(q, contacts)?;
        self.lines[q].pop_front();
        self.live[q] -= 1;
        self.total -= 1;
        Some(slot)
    }
}
