//! What the engine tells the outside world: the [`Recorder`] trait and the small typed
//! values its hooks receive.
//!
//! The event loop calls a recorder's hooks as things happen; every hook has a no-op
//! default, so a recorder implements only what it measures. The per-replication
//! statistics (`stats::tally::Tally`) are one recorder, the contact log
//! (`data::history::ContactLog`) another. Recorders compose: `(A, B)` tells both, in that
//! order, and `&mut R` lends one, so a run can log replication 0 while it tallies it. The
//! engine is generic over its recorder, so hooks are inlined: no dynamic dispatch in the
//! hot loop.
//!
//! Times are seconds from the start of the horizon; groups and channels are indices in
//! scenario order. Hooks are called in simulation order, and within one event in the order
//! the engine applies its effects.

use super::{Announcement, Contact, IssueEnd, IssueView};
use crate::scenario::Told;

/// A contact at an instant.
#[derive(Clone, Copy)]
pub struct At<'a> {
    /// When (s).
    pub now: f64,
    /// The contact.
    pub contact: &'a Contact,
}

/// A contact's service started for the first time: it is answered.
#[derive(Clone, Copy)]
pub struct Answer<'a> {
    /// When (s).
    pub now: f64,
    /// The contact.
    pub contact: &'a Contact,
    /// The group of the agent who took it.
    pub group: usize,
    /// How long it waited (s).
    pub wait: f64,
    /// It waited in a queue (false: it went straight to an agent on arrival).
    pub from_queue: bool,
}

/// A waiting contact's patience ran out.
#[derive(Clone, Copy)]
pub struct Abandonment<'a> {
    /// When (s).
    pub now: f64,
    /// The contact.
    pub contact: &'a Contact,
    /// How long it waited in queue (s).
    pub waited: f64,
}

/// A contact met its type's virtual assistant.
#[derive(Clone, Copy)]
pub struct Assisted<'a> {
    /// When (s).
    pub now: f64,
    /// The contact as it met the assistant (not yet offered).
    pub contact: &'a Contact,
    /// The assistant resolves it (else it goes on to the queue after the bot time).
    pub contained: bool,
}

/// An issue ended.
#[derive(Clone, Copy)]
pub struct IssueEnded<'a> {
    /// When (s).
    pub now: f64,
    /// Its last contact.
    pub last: &'a Contact,
    /// The issue.
    pub issue: &'a IssueView,
    /// How it ended.
    pub end: IssueEnd,
}

/// A waiting contact was told its wait.
#[derive(Clone, Copy)]
pub struct Heard<'a> {
    /// When (s).
    pub now: f64,
    /// The contact.
    pub contact: &'a Contact,
    /// What it was told.
    pub told: &'a Told,
    /// It is the first announcement the contact hears.
    pub first: bool,
}

/// How a contact that was told a wait fared (answered or abandoned).
#[derive(Clone, Copy)]
pub struct Fared<'a> {
    /// When (s).
    pub now: f64,
    /// The contact.
    pub contact: &'a Contact,
    /// What it was told, and when.
    pub announcement: &'a Announcement,
}

/// A group's scheduled or available headcount became `agents`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Headcount {
    /// When (s).
    pub now: f64,
    /// The group.
    pub group: usize,
    /// Agents.
    pub agents: u32,
}

/// Agents of a group present, or in overtime, changed by `delta`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AgentChange {
    /// When (s).
    pub now: f64,
    /// The group.
    pub group: usize,
    /// The change (±1).
    pub delta: f64,
}

/// A group's work on a channel changed by `delta`: agents busy with it (counted on the
/// channel of the first contact an agent picked up while free), or contacts of it held
/// (chat slots in use).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Load {
    /// When (s).
    pub now: f64,
    /// The group.
    pub group: usize,
    /// The channel.
    pub channel: usize,
    /// The change (±1).
    pub delta: f64,
}

/// A planning interval ended.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct IntervalEnd {
    /// When (s): the interval's end.
    pub now: f64,
    /// The interval (index in the horizon).
    pub interval: usize,
}

/// A day of the horizon ended (or the horizon did, for a last part day): one channel's
/// queues then.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DayEnd {
    /// The day (index in the horizon).
    pub day: usize,
    /// The channel.
    pub channel: usize,
    /// Contacts waiting in its queues.
    pub waiting: u32,
}

/// Declares the [`Recorder`] trait from one list of hooks, and the recorders that forward
/// to others: `&mut R` (a recorder lent for a run) and `(A, B)` (both, in that order).
macro_rules! recorder {
    ($( $(#[doc = $doc:literal])* fn $hook:ident(&mut self $(, $arg:ident: $ty:ty)*); )*) => {
        /// Receives what happens in one replication (see the module documentation).
        pub trait Recorder {
            $( $(#[doc = $doc])* #[inline(always)] fn $hook(&mut self $(, $arg: $ty)*) { $(let _ = $arg;)* } )*
        }

        impl<R: Recorder + ?Sized> Recorder for &mut R {
            $( #[inline(always)] fn $hook(&mut self $(, $arg: $ty)*) { (**self).$hook($($arg),*) } )*
        }

        impl<A: Recorder, B: Recorder> Recorder for (A, B) {
            $( #[inline(always)] fn $hook(&mut self $(, $arg: $ty)*) { self.0.$hook($($arg),*); self.1.$hook($($arg),*) } )*
        }
    };
}

recorder! {
    /// A contact arrived (before it is routed). Called once per contact, fresh or repeat
    /// ([`Contact::is_repeat`]); not for deflected contacts.
    fn arrival(&mut self, e: At<'_>);
    /// A contact met its type's virtual assistant: contained (resolved there, ending after
    /// the bot time), or on to the queue after the bot time (where `arrival` is called).
    fn assisted(&mut self, e: Assisted<'_>);
    /// A fresh contact was deflected by self-service: it never reaches a queue, is not
    /// offered, and opens no issue.
    fn deflected(&mut self, e: At<'_>);
    /// An issue ended. Called exactly once per issue, after the hook of what happened to
    /// its last contact (`completed`, `abandoned`, `balked`, `waiting_at_end`,
    /// `unfinished`), or when that contact leaves with its next contact due at or after
    /// the horizon (`Open`). Only when the model tracks issues
    /// ([`Model::tracks_issues`](super::Model::tracks_issues)).
    fn issue_ended(&mut self, e: IssueEnded<'_>);
    /// A contact that just arrived found no agent and joined a queue. Not called when an
    /// interrupted contact is put back.
    fn queued(&mut self, e: At<'_>);
    /// Service of a contact started for the first time (it is answered). Not called when
    /// an interrupted contact resumes.
    fn answered(&mut self, e: Answer<'_>);
    /// A service ended; the contact's `handle_time()` is the whole work of the contact.
    fn completed(&mut self, e: At<'_>);
    /// A contact in service was preempted by a more urgent one (preemptive channels): it is
    /// back at the front of its queue, to resume with the work it had left.
    fn preempted(&mut self, e: At<'_>);
    /// A waiting contact's patience ran out.
    fn abandoned(&mut self, e: Abandonment<'_>);
    /// A waiting contact was told a wait (channels with announcements).
    fn announced(&mut self, e: Heard<'_>);
    /// A contact hung up on hearing its wait on arrival: it leaves without waiting (it was
    /// never queued, and `abandoned` is not called).
    fn balked(&mut self, e: Heard<'_>);
    /// A contact that was told a wait was answered (called right after `answered`).
    fn answered_told(&mut self, e: Fared<'_>);
    /// A contact that was told a wait abandoned (called right before `abandoned`).
    fn abandoned_told(&mut self, e: Fared<'_>);
    /// A group's scheduled headcount (before shrinkage) changed.
    fn scheduled(&mut self, e: Headcount);
    /// A group's available headcount (after shrinkage) changed.
    fn available(&mut self, e: Headcount);
    /// Agents of a group present (on shift or in overtime) changed.
    fn present(&mut self, e: AgentChange);
    /// Agents of a group in overtime (cut from the schedule, finishing a contact) changed.
    fn overtime(&mut self, e: AgentChange);
    /// Agents of a group holding at least one contact changed.
    fn busy(&mut self, e: Load);
    /// Contacts of a channel held by agents of a group changed (for chat: slots in use).
    fn held(&mut self, e: Load);
    /// A planning interval ended (called for every interval of the horizon, in order).
    fn interval_end(&mut self, e: IntervalEnd);
    /// A day of the horizon ended: called once per channel.
    fn day_end(&mut self, e: DayEnd);
    /// The run ended (at `now`, never before the horizon) with the contact still waiting,
    /// never answered.
    fn waiting_at_end(&mut self, e: At<'_>);
    /// The run ended with the contact interrupted and not resumed (answered, its work
    /// unfinished).
    fn unfinished(&mut self, e: At<'_>);
}

/// Records nothing (for timing the bare engine, or as a base for tests).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoRecorder;

impl Recorder for NoRecorder {}
