//! Customer issues: the contacts of one customer problem, from the first contact to the
//! one that resolves it (`docs/model.md` §17).
//!
//! An issue whose type can repeat (first-contact resolution below 1, or redials) is kept
//! in a slot of [`Issues`] from its first contact until it ends; an issue that cannot
//! repeat is its single contact and needs no slot. Contacts still to come back wait in
//! [`Entries`], named by an `Enter` calendar event. Both pools reuse their slots, so
//! memory is the peak number of open issues, never the number of issues in the run.

use super::contacts::Contact;

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
