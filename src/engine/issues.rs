//! Customer issues: the contacts of one customer problem, from the first contact to the
//! one that resolves it (`docs/model.md` §17).
//!
//! An issue whose type can repeat (first-contact resolution below 1, or redials) is kept
//! in a slot of [`Issues`] from its first contact until it ends; an issue that cannot
//! repeat is its single contact and needs no slot. Contacts still to come back wait in
//! [`Entries`], named by an `Enter` calendar event. Both pools reuse their slots, so
//! memory is the peak number of open issues, never the number of issues in the run.

use super::Model;
use super::calendar::Event;
use super::contacts::Contact;
use super::core::{Core, NewContact};
use super::recorder::{Assisted, At, IssueEnded, Recorder};
use super::streams::{Purpose, Stream, mix, stream};
use rand::SeedableRng;

/// The issue slot of a contact whose issue is the contact alone.
pub(crate) const NO_ISSUE: u32 = u32::MAX;

/// One customer problem, as measures see it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct IssueView {
    /// When its first contact arrived (s): the first touch, from which time to resolution
    /// counts.
    pub start: f64,
    /// Global index of the contact type it started as (its rules apply to every contact).
    pub origin: usize,
    /// Its customer's segment (0 without segments).
    pub segment: usize,
    /// Contacts it has made so far, the current one included.
    pub contacts: u32,
    /// Its first contact arrived in a counted interval (after the warm-up).
    pub counted: bool,
}

/// How an issue ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IssueEnd {
    /// A completed contact resolved it.
    Resolved,
    /// The customer abandoned (or balked) and did not try again.
    Abandoned,
    /// Still unresolved after its last allowed contact (`max_contacts`): the customer gave
    /// up. Counted among the issues abandoned for good.
    GaveUp,
    /// Open when the run ended: a contact still waiting or interrupted, or a return or
    /// redial due at or after the horizon.
    Open,
}

#[derive(Clone, Copy, Debug)]
struct Issue {
    start: f64,
    origin: u16,
    segment: u8,
    counted: bool,
    contacts: u32,
}

/// The slot pool of open issues.
#[derive(Default)]
pub(crate) struct Issues {
    slots: Vec<Issue>,
    free: Vec<u32>,
}

impl Issues {
    /// Opens an issue at its first contact and returns its slot. O(1).
    pub fn open(&mut self, start: f64, origin: usize, segment: usize, counted: bool) -> u32 {
        let issue = Issue { start, origin: origin as u16, segment: segment as u8, counted, contacts: 1 };
        match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = issue;
                i
            }
            None => {
                self.slots.push(issue);
                (self.slots.len() - 1) as u32
            }
        }
    }

    /// A new contact of the issue is made (a return or a redial). O(1).
    pub fn add_contact(&mut self, i: u32) {
        self.slots[i as usize].contacts += 1;
    }

    /// Frees an ended issue's slot. O(1).
    pub fn close(&mut self, i: u32) {
        self.free.push(i);
    }

    /// The issue in slot `i`.
    pub fn get(&self, i: u32) -> IssueView {
        let x = &self.slots[i as usize];
        IssueView {
            start: x.start,
            origin: usize::from(x.origin),
            segment: usize::from(x.segment),
            contacts: x.contacts,
            counted: x.counted,
        }
    }

    /// The issue of contact `k`: its slot's, or for a contact without one the contact
    /// itself (a single-contact issue that started when it arrived).
    #[inline]
    pub fn view(&self, k: &Contact, first_counted: u32) -> IssueView {
        if k.issue == NO_ISSUE {
            IssueView {
                start: k.arrival,
                origin: usize::from(k.ty),
                segment: k.segment(),
                contacts: 1,
                counted: k.interval >= first_counted,
            }
        } else {
            self.get(k.issue)
        }
    }
}

/// What an [`Entry`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EntryKind {
    /// A return or a redial arrives (it draws its handle time and patience then).
    Arrive,
    /// A contact leaves the virtual assistant for the queue, with its draws.
    Escalate,
    /// The virtual assistant finishes a contact it contains.
    Contained,
}

/// A contact of an open issue still to come: a return or a redial, or a contact leaving
/// the virtual assistant.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry {
    pub issue: u32,
    pub channel: u16,
    /// Type index within `channel`.
    pub ty: u16,
    pub kind: EntryKind,
    /// A later contact of its issue.
    pub repeat: bool,
    /// Escalations: the drawn handle time and patience (s).
    pub handle: f64,
    pub patience: f64,
}

/// The slot pool of contacts still to come.
#[derive(Default)]
pub(crate) struct Entries {
    slots: Vec<Entry>,
    free: Vec<u32>,
}

impl Entries {
    /// Stores an entry and returns its slot. O(1).
    pub fn put(&mut self, e: Entry) -> u32 {
        match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = e;
                i
            }
            None => {
                self.slots.push(e);
                (self.slots.len() - 1) as u32
            }
        }
    }

    /// Takes the entry out of its slot. O(1).
    pub fn take(&mut self, i: u32) -> Entry {
        self.free.push(i);
        self.slots[i as usize]
    }
}

/// What a hashed draw of a customer's issue is for (see [`IssueFlow::draw`]).
#[derive(Clone, Copy)]
enum Draw {
    Segment = 1,
    Deflect = 2,
    Resolve = 3,
    ReturnChannel = 4,
    ReturnDelay = 5,
    Redial = 6,
    RedialDelay = 7,
    Contact = 8,
    Contain = 9,
    BotTime = 10,
    Recontact = 11,
}

/// A uniform in [0, 1) from the top 53 bits of a hash.
#[inline]
fn unit(h: u64) -> f64 {
    (h >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// What a fresh contact turns out to be.
pub(crate) enum Fresh {
    /// Self-service deflected it (recorded): it goes no further.
    Deflected,
    /// A customer of this segment, whose patience is multiplied by `patience_factor`.
    Customer { segment: usize, patience_factor: f64 },
}

/// What an entry due now brings.
pub(crate) enum Entered {
    /// A contact to admit (a return or redial with its draws, or an escalation from the
    /// assistant); `escalated` skips the assistant.
    Contact { contact: NewContact, escalated: bool },
    /// Nothing more for the loop: the assistant contained a contact (its issue is resolved
    /// or its customer will come back).
    Done,
}

/// Customer issues in one replication: the open issues that can repeat, their contacts
/// still to come, and every decision about them — segments and deflection of fresh
/// contacts, resolution, returns, redials, the virtual assistant — made with hashed draws
/// per issue, so that a customer has the same fate in every variant of a sweep.
pub(crate) struct IssueFlow {
    issues: Issues,
    entries: Entries,
    /// The key of this replication's hashed draws.
    key: u64,
    /// First counted interval (issues starting before it are not counted).
    pub first_counted: u32,
    horizon: f64,
}

impl IssueFlow {
    pub fn new(m: &Model, rep: u64) -> IssueFlow {
        let s = &m.scenario;
        IssueFlow {
            issues: Issues::default(),
            entries: Entries::default(),
            key: rand::Rng::next_u64(&mut stream(s.seed, rep, 0, Purpose::Issues)),
            first_counted: s.first_counted_interval() as u32,
            horizon: s.horizon,
        }
    }

    /// A hashed draw of this replication: the same customer, issue and contact draw the
    /// same number in every variant of a sweep, whatever happened before.
    #[inline]
    fn draw(&self, what: Draw, a: u64, b: u64) -> u64 {
        mix(mix(mix(self.key ^ what as u64) ^ a) ^ b)
    }

    /// The identity of an issue for its hashed draws.
    fn id(&self, m: &Model, v: &IssueView) -> u64 {
        v.start.to_bits() ^ m.channels[m.types[v.origin].channel].salt.rotate_left(17)
    }

    /// The issue of contact `k` (its slot's, or the contact itself).
    #[inline]
    pub fn view(&self, k: &Contact) -> IssueView {
        self.issues.view(k, self.first_counted)
    }

    /// Opens an issue for contact `k` if its type can repeat (its slot goes in the
    /// contact); a contact of another type is its own issue.
    #[inline(always)]
    pub fn open_for(&mut self, m: &Model, now: f64, k: &mut Contact) {
        if k.issue == NO_ISSUE && m.types[usize::from(k.ty)].repeats {
            k.issue = self.issues.open(now, usize::from(k.ty), k.segment(), k.interval >= self.first_counted);
        }
    }

    /// A fresh contact of channel `c`, type `ty` arriving now: its segment and patience
    /// factor, or deflection by self-service (recorded here). Hashed draws of the arrival.
    #[cold]
    pub fn fresh<R: Recorder, const PLAIN: bool>(&mut self, core: &mut Core<'_, R>, c: usize, ty: usize) -> Fresh {
        let m = core.m;
        let (now, salt) = (core.now.to_bits(), m.channels[c].salt);
        let segment = if m.segment_cum.is_empty() {
            0
        } else {
            let u = unit(self.draw(Draw::Segment, salt, now));
            m.segment_cum.iter().position(|&x| u < x).unwrap_or(m.segment_cum.len() - 1)
        };
        let deflect = m.scenario.channels[c].types[ty].deflect;
        if deflect > 0.0 && unit(self.draw(Draw::Deflect, salt, now)) < deflect {
            let n = NewContact { channel: c, ty, segment, handle: 0.0, patience: 0.0, issue: NO_ISSUE, repeat: false };
            let k = core.contact::<PLAIN>(&n, f64::INFINITY);
            core.rec.deflected(At { now: core.now, contact: &k });
            return Fresh::Deflected;
        }
        Fresh::Customer {
            segment,
            patience_factor: m.scenario.segments.get(segment).map_or(1.0, |g| g.patience_factor),
        }
    }

    /// Contact `n` meets its type's virtual assistant now: contained or not (a hashed
    /// draw), it leaves the assistant after the bot time — resolved, or for the queue with
    /// its draws (an entry comes due then).
    #[cold]
    pub fn assistant<R: Recorder, const PLAIN: bool>(&mut self, core: &mut Core<'_, R>, n: &NewContact) {
        let m = core.m;
        let spec = m.scenario.channels[n.channel].types[n.ty].assistant.as_ref().expect("a type with an assistant");
        let mut k = core.contact::<PLAIN>(n, f64::INFINITY);
        if n.issue == NO_ISSUE {
            let counted = k.interval >= self.first_counted;
            k.issue = self.issues.open(core.now, usize::from(k.ty), n.segment, counted);
        }
        let v = self.issues.get(k.issue);
        let (id, count) = (self.id(m, &v), u64::from(v.contacts));
        let contained = unit(self.draw(Draw::Contain, id, count)) < spec.contain;
        core.rec.assisted(Assisted { now: core.now, contact: &k, contained });
        let bot = spec.time.sample(&mut Stream::seed_from_u64(self.draw(Draw::BotTime, id, count)));
        let kind = if contained { EntryKind::Contained } else { EntryKind::Escalate };
        let entry = Entry {
            issue: k.issue,
            channel: n.channel as u16,
            ty: n.ty as u16,
            kind,
            repeat: n.repeat,
            handle: n.handle,
            patience: n.patience,
        };
        let i = self.entries.put(entry);
        core.cal.push(core.now + bot, Event::Enter(i));
    }

    /// Issue of contact `k` (its last contact so far) ends now as `end` (told to the
    /// recorder when the model tracks issues).
    pub fn end<R: Recorder>(&mut self, core: &mut Core<'_, R>, k: &Contact, v: &IssueView, end: IssueEnd) {
        if core.m.features.track_issues {
            core.rec.issue_ended(IssueEnded { now: core.now, last: k, issue: v, end });
        }
        if k.issue != NO_ISSUE {
            self.issues.close(k.issue);
        }
    }

    /// Contact `k` of an issue that can repeat was completed: the issue is resolved (with
    /// its type's first-contact resolution), or its customer gives up at the cap, or comes
    /// back after the return delay on a channel drawn by the return shares.
    #[cold]
    pub fn after_service<R: Recorder>(&mut self, core: &mut Core<'_, R>, k: &Contact) {
        let m = core.m;
        let v = self.view(k);
        let rules = self.rules(m, &v);
        let (id, n) = (self.id(m, &v), u64::from(v.contacts));
        if rules.fcr >= 1.0 || unit(self.draw(Draw::Resolve, id, n)) < rules.fcr {
            return self.end(core, k, &v, IssueEnd::Resolved);
        }
        if rules.max_contacts.is_some_and(|cap| v.contacts >= cap) {
            return self.end(core, k, &v, IssueEnd::GaveUp);
        }
        let Some(r) = &rules.returns else { return self.end(core, k, &v, IssueEnd::GaveUp) };
        self.schedule_return(core, k, &v, r, (id, n));
    }

    /// The resolution rules of the type issue `v` started as.
    fn rules<'m>(&self, m: &'m Model, v: &IssueView) -> &'m crate::scenario::Resolution {
        let t = &m.types[v.origin];
        &m.scenario.channels[t.channel].types[t.index].resolution
    }

    /// The customer of issue `v` (last contact `k`) comes back by the returns `r` of the
    /// type it started as: a channel drawn by the return shares, after the return delay
    /// (hashed draws of issue `id`, contact `n`).
    fn schedule_return<R: Recorder>(
        &mut self,
        core: &mut Core<'_, R>,
        k: &Contact,
        v: &IssueView,
        r: &crate::scenario::Returns,
        (id, n): (u64, u64),
    ) {
        let to = &core.m.types[v.origin].return_to;
        let u = unit(self.draw(Draw::ReturnChannel, id, n));
        let &(d, dt, _) = to.iter().find(|x| u < x.2).unwrap_or(&to[to.len() - 1]);
        let delay = r.after.sample(&mut Stream::seed_from_u64(self.draw(Draw::ReturnDelay, id, n)));
        self.schedule_entry(core, k, v, (d, dt), core.now + delay);
    }

    /// Contact `k` of an issue abandoned (or balked): the customer redials with the
    /// type's redial share (within the cap), or the issue is abandoned for good.
    pub fn after_abandon<R: Recorder>(&mut self, core: &mut Core<'_, R>, k: &Contact) {
        let m = core.m;
        let v = self.view(k);
        if k.issue == NO_ISSUE {
            return self.end(core, k, &v, IssueEnd::Abandoned);
        }
        let rules = self.rules(m, &v);
        let (id, n) = (self.id(m, &v), u64::from(v.contacts));
        let within_cap = rules.max_contacts.is_none_or(|cap| v.contacts < cap);
        match &rules.redial {
            Some(r) if within_cap && unit(self.draw(Draw::Redial, id, n)) < r.share => {
                let delay = r.after.sample(&mut Stream::seed_from_u64(self.draw(Draw::RedialDelay, id, n)));
                let c = k.channel as usize;
                let ty = k.contact_type() - m.channels[c].type_offset;
                self.schedule_entry(core, k, &v, (c, ty), core.now + delay);
            }
            _ => self.end(core, k, &v, IssueEnd::Abandoned),
        }
    }

    /// The issue of `k` makes its next contact on channel `d`, type `dt` (index within
    /// it) at `due`. A live channel closed then takes it as long after its next opening as
    /// `due` was after it closed (night-time returns spread over the morning as they would
    /// have over the evening). Due at or after the horizon, the issue is open at the end of
    /// the run.
    fn schedule_entry<R: Recorder>(
        &mut self,
        core: &mut Core<'_, R>,
        k: &Contact,
        v: &IssueView,
        (d, dt): (usize, usize),
        due: f64,
    ) {
        let ch = &core.m.scenario.channels[d];
        let due = if ch.kind.is_live() && !ch.is_open(due) {
            match ch.open.iter().position(|w| w.0 > due) {
                None => f64::INFINITY,
                Some(j) => {
                    let closed = if j == 0 { 0.0 } else { ch.open[j - 1].1 };
                    ch.open[j].0 + (due - closed)
                }
            }
        } else {
            due
        };
        if due >= self.horizon {
            return self.end(core, k, v, IssueEnd::Open);
        }
        let e = Entry {
            issue: k.issue,
            channel: d as u16,
            ty: dt as u16,
            kind: EntryKind::Arrive,
            repeat: true,
            handle: 0.0,
            patience: 0.0,
        };
        let i = self.entries.put(e);
        core.cal.push(due, Event::Enter(i));
    }

    /// Entry `i` comes due now: a return or redial draws its handle time and patience
    /// (hashed by its issue and contact number) and is admitted like a fresh contact of
    /// its segment; an escalation is admitted with its draws; a contained contact ends.
    pub fn enter<R: Recorder, const PLAIN: bool>(&mut self, core: &mut Core<'_, R>, i: u32) -> Entered {
        let m = core.m;
        let e = self.entries.take(i);
        let (c, ty) = (usize::from(e.channel), usize::from(e.ty));
        let v = self.issues.get(e.issue);
        let mut n = NewContact {
            channel: c,
            ty,
            segment: v.segment,
            handle: e.handle,
            patience: e.patience,
            issue: e.issue,
            repeat: e.repeat,
        };
        match e.kind {
            EntryKind::Escalate => return Entered::Contact { contact: n, escalated: true },
            EntryKind::Contained => {
                self.contained::<R, PLAIN>(core, &n);
                return Entered::Done;
            }
            EntryKind::Arrive => {}
        }
        self.issues.add_contact(e.issue);
        let v = self.issues.get(e.issue);
        let mut rng = Stream::seed_from_u64(self.draw(Draw::Contact, self.id(m, &v), u64::from(v.contacts)));
        let spec = &m.scenario.channels[c];
        let t = &spec.types[ty];
        n.handle = t.handle_time.sample(&mut rng);
        if let Some(o) = &spec.overlay {
            n.handle *= o.handle.rate_at(core.now);
        }
        let factor = m.scenario.segments.get(v.segment).map_or(1.0, |g| g.patience_factor);
        n.patience = t.patience.as_ref().map_or(f64::INFINITY, |p| p.sample(&mut rng) * factor);
        Entered::Contact { contact: n, escalated: false }
    }

    /// The virtual assistant finished a contact it contained: the issue is resolved, or
    /// (the recontact share, within the cap) its customer comes back by the returns.
    fn contained<R: Recorder, const PLAIN: bool>(&mut self, core: &mut Core<'_, R>, n: &NewContact) {
        let m = core.m;
        let v = self.issues.get(n.issue);
        let k = core.contact::<PLAIN>(n, f64::INFINITY);
        let recontact = m.scenario.channels[n.channel].types[n.ty].assistant.as_ref().map_or(0.0, |a| a.recontact);
        let rules = self.rules(m, &v);
        let (id, count) = (self.id(m, &v), u64::from(v.contacts));
        let back = recontact > 0.0
            && rules.max_contacts.is_none_or(|cap| v.contacts < cap)
            && unit(self.draw(Draw::Recontact, id, count)) < recontact;
        match (&rules.returns, back) {
            (Some(r), true) => self.schedule_return(core, &k, &v, r, (id, count)),
            _ => self.end(core, &k, &v, IssueEnd::Resolved),
        }
    }
}
