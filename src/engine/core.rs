//! The state the event loop and the features share in one replication: the clock, the
//! calendar, the contacts, the queues, the workforce, which channels are open, and the
//! recorder — with the few operations every feature needs (making a contact, changing a
//! waiting contact's patience).
//!
//! Features (arrivals, announcements, issues) own their own state and decide with this
//! one lent to them; the loop (`sim.rs`) sequences them.

use super::Model;
use super::calendar::{Calendar, Event};
use super::contacts::{Contact, Contacts, REPEAT, State};
use super::queues::Queues;
use super::recorder::Recorder;
use super::workforce::Workforce;

/// A contact about to enter: who it is and what it drew.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NewContact {
    /// Its channel.
    pub channel: usize,
    /// Its type (index within the channel).
    pub ty: usize,
    /// Its customer's segment (0 without segments).
    pub segment: usize,
    /// Its drawn handle time (s).
    pub handle: f64,
    /// Its drawn patience (s; ∞: never abandons).
    pub patience: f64,
    /// Its open issue (a repeat, or a contact escalated by the assistant), else
    /// [`super::issues::NO_ISSUE`].
    pub issue: u32,
    /// A later contact of its issue (a return or a redial).
    pub repeat: bool,
}

/// The shared state of one replication in progress.
pub(crate) struct Core<'m, R: Recorder> {
    pub m: &'m Model,
    pub now: f64,
    pub cal: Calendar,
    pub contacts: Contacts,
    pub queues: Queues,
    pub work: Workforce,
    /// Whether each channel is open now.
    pub open: Vec<bool>,
    pub rec: R,
    /// Index of the last interval of the horizon.
    pub last_interval: usize,
    /// Planning interval (s).
    pub interval_len: f64,
}

impl<R: Recorder> Core<'_, R> {
    /// The contact `n` arriving now, abandoning at `abandon_at` (s; ∞: never).
    #[inline(always)]
    pub fn contact<const PLAIN: bool>(&self, n: &NewContact, abandon_at: f64) -> Contact {
        let m = self.m;
        let c = n.channel;
        // `now` ≥ 0 and at most the horizon: the i64 conversion is exact and cheaper.
        let interval = ((self.now / self.interval_len) as i64 as usize).min(self.last_interval);
        let table = &m.channels[c];
        // Segment 0's queues come first in the channel's row.
        let queue = if PLAIN || n.segment == 0 {
            table.type_queue[n.ty]
        } else {
            table.type_queue[n.segment * m.scenario.channels[c].types.len() + n.ty]
        };
        Contact {
            arrival: self.now,
            handle: n.handle,
            abandon_at,
            mark: f64::INFINITY,
            interval: interval as u32,
            generation: 0,
            agent: 0,
            channel: c as u16,
            queue: queue as u16,
            ty: (table.type_offset + n.ty) as u16,
            state: State::Waiting,
            issue: n.issue,
            flags: n.segment as u8 | if n.repeat { REPEAT } else { 0 },
        }
    }

    /// Contacts waiting in channel `c`'s queues now.
    pub fn waiting(&self, c: usize) -> u32 {
        self.m.channels[c].queues.iter().map(|&q| self.queues.live(q)).sum()
    }

    /// Waiting contact `slot` will abandon at `at` from now on: its abandonment is
    /// re-scheduled (the old event goes stale: `abandon` checks the time), with the
    /// overflow moments its old patience cut off. True when it abandons at once (`at` at
    /// or before now): the loop then applies the abandonment.
    pub fn set_abandon_at(&mut self, slot: u32, at: f64) -> bool {
        let now = self.now;
        let k = self.contacts.get_mut(slot);
        let old = k.abandon_at;
        if at == old {
            return false;
        }
        k.abandon_at = at.max(now);
        let (generation, arrival, c) = (k.generation, k.arrival, k.channel as usize);
        if at <= now {
            return true;
        }
        if at.is_finite() {
            self.cal.push(at, Event::Abandon(slot, generation));
        }
        for &d in &self.m.channels[c].overflow_delays {
            let t = arrival + d;
            if t >= old && t < at && t > now {
                self.cal.push(t, Event::Overflow(slot, generation));
            }
        }
        false
    }
}
