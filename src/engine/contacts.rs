//! Contacts in the system: a slot pool with generations.
//!
//! A contact occupies a slot from its arrival until it leaves (served, abandoned, or the
//! run ends). Slots are reused; each reuse, and each interruption, bumps the slot's
//! generation, so that an event or queue entry carrying an older `(slot, generation)` is
//! recognised as stale in O(1) and skipped. Memory is the peak number of contacts in the
//! system, never the number of contacts in the run.

use super::calendar::event_generation;

/// Where a contact is in its life.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum State {
    /// The slot holds no contact.
    Free,
    /// In a queue, not yet answered.
    Waiting,
    /// An interrupted deferred contact back in its queue, to be resumed with the work it
    /// had left.
    Interrupted,
    /// Held by an agent.
    InService,
}

/// One contact: what it drew on arrival and where it is.
///
/// Read-only outside the engine; [`Recorder`](super::Recorder) hooks receive it.
#[derive(Clone, Copy, Debug)]
pub struct Contact {
    pub(crate) arrival: f64,
    /// Drawn handle time (s); stretched when a chat service starts.
    pub(crate) handle: f64,
    /// Absolute time at which the contact abandons if still waiting (∞: never).
    pub(crate) abandon_at: f64,
    /// In service: when the service ends (s). Interrupted: the work left (s).
    pub(crate) mark: f64,
    pub(crate) interval: u32,
    pub(crate) generation: u32,
    /// The agent holding it (meaningful in service only).
    pub(crate) agent: u32,
    pub(crate) channel: u16,
    pub(crate) queue: u16,
    /// Global contact-type index.
    pub(crate) ty: u16,
    pub(crate) state: State,
    /// Its issue's slot ([`super::issues::NO_ISSUE`]: the contact is its whole issue).
    pub(crate) issue: u32,
    /// Its customer's segment (low 7 bits; 0 without segments) and, in the top bit,
    /// whether it is a later contact of its issue (a return or a redial). One byte keeps a
    /// contact in 56 bytes.
    pub(crate) flags: u8,
}

/// The repeat bit of [`Contact::flags`].
pub(crate) const REPEAT: u8 = 0x80;

impl Contact {
    /// Arrival time (s).
    #[inline]
    pub fn arrival(&self) -> f64 {
        self.arrival
    }

    /// Handle time (s): as drawn, then × the chat stretch once service has started; the
    /// whole work of an interrupted deferred contact.
    #[inline]
    pub fn handle_time(&self) -> f64 {
        self.handle
    }

    /// Index of its channel in the scenario.
    #[inline]
    pub fn channel(&self) -> usize {
        usize::from(self.channel)
    }

    /// Global index of its contact type (channels' types numbered in scenario order).
    #[inline]
    pub fn contact_type(&self) -> usize {
        usize::from(self.ty)
    }

    /// Planning interval of its arrival (index over the whole horizon).
    #[inline]
    pub fn interval(&self) -> usize {
        self.interval as usize
    }

    /// Index of its customer's segment (0 without segments).
    #[inline]
    pub fn segment(&self) -> usize {
        usize::from(self.flags & !REPEAT)
    }

    /// Whether it is a later contact of its issue (a return or a redial).
    #[inline]
    pub fn is_repeat(&self) -> bool {
        self.flags & REPEAT != 0
    }
}

/// The slot pool.
pub(crate) struct Contacts {
    slots: Vec<Contact>,
    free: Vec<u32>,
    /// The pool may hold this many slots (see [`Contacts::with_capacity`]).
    limit: usize,
    /// The pool grew past its limit.
    pub overloaded: bool,
}

impl Contacts {
    /// A pool with room for `n` contacts before it grows, overloaded past `limit` slots.
    pub fn with_capacity(n: usize, limit: usize) -> Contacts {
        Contacts { slots: Vec::with_capacity(n), free: Vec::with_capacity(n), limit, overloaded: false }
    }

    /// Stores a new contact (its generation is the slot's) and returns its slot. O(1).
    #[inline]
    pub fn alloc(&mut self, mut k: Contact) -> u32 {
        match self.free.pop() {
            Some(slot) => {
                k.generation = self.slots[slot as usize].generation;
                self.slots[slot as usize] = k;
                slot
            }
            None => {
                k.generation = 0;
                self.slots.push(k);
                // Checked only when the pool grows: the peak of contacts in the system.
                self.overloaded |= self.slots.len() > self.limit;
                (self.slots.len() - 1) as u32
            }
        }
    }

    /// Frees a slot; every event and queue entry still naming it becomes stale. O(1).
    #[inline]
    pub fn release(&mut self, slot: u32) {
        let k = &mut self.slots[slot as usize];
        k.state = State::Free;
        k.generation = event_generation(k.generation.wrapping_add(1));
        self.free.push(slot);
    }

    /// Whether `(slot, generation)` still names a contact in its queue (waiting or
    /// interrupted).
    #[inline]
    pub fn is_queued(&self, slot: u32, generation: u32) -> bool {
        let k = &self.slots[slot as usize];
        k.generation == generation && matches!(k.state, State::Waiting | State::Interrupted)
    }

    /// Whether `(slot, generation)` still names a contact in `state`.
    #[inline]
    pub fn is(&self, slot: u32, generation: u32, state: State) -> bool {
        let k = &self.slots[slot as usize];
        k.generation == generation && k.state == state
    }

    #[inline]
    pub fn get(&self, slot: u32) -> &Contact {
        &self.slots[slot as usize]
    }

    #[inline]
    pub fn get_mut(&mut self, slot: u32) -> &mut Contact {
        &mut self.slots[slot as usize]
    }

    /// Every slot, free ones included (for tests).
    #[cfg(test)]
    pub fn all(&self) -> &[Contact] {
        &self.slots
    }
}
