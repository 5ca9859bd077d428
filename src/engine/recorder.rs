//! What the engine tells the outside world: the [`Recorder`] trait.
//!
//! The event loop calls a recorder's hooks as things happen; every hook has a no-op
//! default, so a recorder implements only what it measures. The per-replication
//! statistics ([`crate::stats::tally::Tally`]) are one recorder; a new measure (per issue,
//! per segment, per announcement) is another hook implementation, not an edit of the loop.
//! The engine is generic over its recorder, so hooks are inlined: no dynamic dispatch in
//! the hot loop.
//!
//! Times are seconds from the start of the horizon; `g` is a group index and `c` a channel
//! index in scenario order. Hooks are called in simulation order, and within one event in
//! the order the engine applies its effects.

use super::{Announcement, Contact, IssueEnd, IssueView};
use crate::scenario::Told;

/// Receives what happens in one replication.
pub trait Recorder {
    /// A contact arrived (before it is routed). Called once per contact, fresh or repeat
    /// ([`Contact::is_repeat`]); not for deflected contacts.
    fn arrival(&mut self, _now: f64, _k: &Contact) {}

    /// A contact met its type's virtual assistant: it is `contained` (resolved there, ending
    /// after the bot time) or goes on to the queue after the bot time (where `arrival` is
    /// called). `k` is the contact as it met the assistant (not yet offered).
    fn assisted(&mut self, _now: f64, _k: &Contact, _contained: bool) {}

    /// A fresh contact was deflected by self-service: it never reaches a queue, is not
    /// offered, and opens no issue.
    fn deflected(&mut self, _now: f64, _k: &Contact) {}

    /// Issue `issue` ended as `end`; `k` is its last contact. Called exactly once per issue,
    /// after the hook of what happened to `k` (`completed`, `abandoned`, `balked`,
    /// `waiting_at_end`, `unfinished`), or when `k` leaves with its next contact due at or
    /// after the horizon (`Open`).
    fn issue_ended(&mut self, _now: f64, _k: &Contact, _issue: &IssueView, _end: IssueEnd) {}

    /// A contact that just arrived found no agent and joined a queue. Not called when an
    /// interrupted contact is put back.
    fn queued(&mut self, _now: f64, _k: &Contact) {}

    /// Service of a contact started for the first time (it is answered), by an agent of
    /// group `g`, after waiting `wait` s. `from_queue` is false when it went straight to an
    /// agent on arrival. Not called when an interrupted contact resumes.
    fn answered(&mut self, _now: f64, _k: &Contact, _g: usize, _wait: f64, _from_queue: bool) {}

    /// A service ended; `k.handle_time()` is the whole work of the contact.
    fn completed(&mut self, _now: f64, _k: &Contact) {}

    /// A contact in service was preempted by a more urgent one (preemptive channels): it is
    /// back at the front of its queue, to resume with the work it had left.
    fn preempted(&mut self, _now: f64, _k: &Contact) {}

    /// A waiting contact's patience ran out after `waited` s in queue.
    fn abandoned(&mut self, _now: f64, _k: &Contact, _waited: f64) {}

    /// A waiting contact was told `told` (channels with announcements); `first` when it is
    /// the first announcement the contact hears (on joining the queue, or at an update if
    /// earlier predictions were below the threshold).
    fn announced(&mut self, _now: f64, _k: &Contact, _told: &Told, _first: bool) {}

    /// A contact hung up on hearing `told` on arrival: it leaves without waiting (it was
    /// never queued, and `abandoned` is not called).
    fn balked(&mut self, _now: f64, _k: &Contact, _told: &Told) {}

    /// A contact that was told a wait was answered (called right after `answered`).
    fn answered_told(&mut self, _now: f64, _k: &Contact, _a: &Announcement) {}

    /// A contact that was told a wait abandoned (called right before `abandoned`).
    fn abandoned_told(&mut self, _now: f64, _k: &Contact, _a: &Announcement) {}

    /// Group `g`'s scheduled headcount (before shrinkage) became `n`.
    fn scheduled(&mut self, _now: f64, _g: usize, _n: u32) {}

    /// Group `g`'s available headcount (after shrinkage) became `n`.
    fn available(&mut self, _now: f64, _g: usize, _n: u32) {}

    /// Agents of group `g` present (on shift or in overtime) changed by `delta`.
    fn present(&mut self, _now: f64, _g: usize, _delta: f64) {}

    /// Agents of group `g` in overtime (cut from the schedule, finishing a contact)
    /// changed by `delta`.
    fn overtime(&mut self, _now: f64, _g: usize, _delta: f64) {}

    /// Agents of group `g` holding at least one contact changed by `delta`; `c` is the
    /// channel of the first contact such an agent picked up while free.
    fn busy(&mut self, _now: f64, _g: usize, _c: usize, _delta: f64) {}

    /// Contacts of channel `c` held by agents of group `g` changed by `delta` (for chat:
    /// slots in use).
    fn held(&mut self, _now: f64, _g: usize, _c: usize, _delta: f64) {}

    /// Planning interval `i` ended at `now` (it is called for every interval of the
    /// horizon, in order).
    fn interval_end(&mut self, _now: f64, _i: usize) {}

    /// Day `d` of the horizon ended (or the horizon did, for a last part day); channel `c`
    /// had `waiting` contacts in its queues. Called once per channel.
    fn day_end(&mut self, _d: usize, _c: usize, _waiting: u32) {}

    /// The run ended at `end` (s, never before the horizon) with `k` still waiting, never
    /// answered.
    fn waiting_at_end(&mut self, _end: f64, _k: &Contact) {}

    /// The run ended with `k` interrupted and not resumed (answered, work unfinished).
    fn unfinished(&mut self, _k: &Contact) {}
}

/// Records nothing (for timing the bare engine, or as a base for tests).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoRecorder;

impl Recorder for NoRecorder {}
