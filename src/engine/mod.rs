//! The discrete-event engine: a checked [`Scenario`](crate::scenario::Scenario) compiled
//! into routing tables and timelines ([`Model`]), and one replication run over it
//! ([`simulate_with`], telling a [`Recorder`] what happens). The engine depends only on the
//! scenario and the ground layer: the standard statistics (`stats::tally`) are a recorder
//! above it.
//!
//! The modules split the engine by what each owns:
//!
//! | module       | owns                                                             |
//! |--------------|------------------------------------------------------------------|
//! | `model`      | the compiled, read-only tables (per channel, group and type)      |
//! | `calendar`   | future events and their exact order                               |
//! | `streams`    | the random streams and the common-random-numbers contract         |
//! | `contacts`   | contacts in the system (slot pool with generations)               |
//! | `queues`     | waiting lines with exact live counts                              |
//! | `workforce`  | agents, groups, shifts, cuts, overtime, chat load buckets         |
//! | `routing`    | pure decisions: which agent, which queue, which interruption      |
//! | `core`       | the state the loop and the features share, and a new contact      |
//! | `arrivals`   | feature: arrival processes, events, thinning, forecast error      |
//! | `announce`   | feature: waiting-time predictors, what each contact was told      |
//! | `issues`     | feature: segments, deflection, resolution, returns, assistant     |
//! | `recorder`   | the hooks through which measures observe a replication            |
//! | `sim`        | the loop that sequences the features and calls the hooks          |
//!
//! A feature owns its state and decisions in its module; the loop only sequences them. A
//! model that uses none of the optional features runs a plain build of the loop where
//! their tests are compiled away: it pays for none of them.
//!
//! The rules below are stated in full in `docs/model.md`.
//!
//! # The model the engine implements
//!
//! * **Arrivals** per channel are non-homogeneous Poisson (exact inversion, see
//!   [`crate::base::rates`]); each contact draws its type, handle time and patience when it
//!   arrives, from streams of its own channel, so that two scenarios differing only in
//!   staffing or routing see the same customers (common random numbers).
//! * **Queues**: one FIFO per channel and priority level. Abandonment is exact: a waiting
//!   contact leaves at arrival + patience and is never served after that; a contact
//!   whose service starts exactly at that instant is served.
//! * **Routing**: a new contact goes to the longest-idle agent of the groups that serve its
//!   channel without delay (for chat, then to the least-loaded agent with a free slot). A
//!   contact that has waited a group's `after` delay also becomes eligible for that
//!   (overflow) group. A free agent picks the next contact by the scenario's
//!   [`RoutingPolicy`](crate::scenario::RoutingPolicy); with `live_first`, voice and chat
//!   always come before email and social. Deferred work is interrupted only in groups
//!   with `interrupt_deferred`: a live contact that finds no free agent then takes the
//!   agent whose email or social item has the most work left; the item goes back to the
//!   front of its queue and resumes later with the work it had left.
//! * **Chat**: an agent holds up to `concurrency` chats; a chat started while the agent
//!   holds n chats (itself included) lasts its drawn handle time × `stretch[n − 1]`.
//!   An agent holding chats takes only more chats of the same channel.
//! * **Staffing changes** at the schedule's change points: available headcount =
//!   scheduled × (1 − shrinkage), rounded up or down at random with the probabilities that
//!   keep its mean exact. On a cut, idle agents leave first (most recently idle first); the
//!   rest of the cut falls on the busy agents longest on shift (ties: lowest id), who finish
//!   what they hold, take nothing new, and leave (overtime). On an increase, agents still in
//!   overtime are kept on first.
//! * **Issues** (`docs/model.md` §17): every fresh contact opens one; a completed contact
//!   resolves it with its type's first-contact resolution, else the customer returns after
//!   a delay (on a channel drawn by shares), and an abandoning one may redial, up to a cap.
//!   Returns, redials and virtual-assistant escalations enter through the calendar, with
//!   hashed draws per issue so that a customer has the same fate in every sweep variant.
//! * **Horizon**: arrivals stop at the horizon; the last headcount and opening state stay
//!   until every contact that can be served has been; deferred work waiting in a closed
//!   channel at that point is reported as `waiting_at_end`.

mod announce;
mod arrivals;
mod calendar;
mod contacts;
mod core;
mod issues;
mod model;
mod queues;
pub mod recorder;
mod routing;
mod sim;
pub mod streams;
#[cfg(test)]
mod tests;
mod workforce;

pub use announce::Announcement;
pub use arrivals::forecast_factor;
pub use calendar::{Calendar, Event};
pub use contacts::Contact;
pub use issues::{IssueEnd, IssueView};
pub use model::Model;
pub use recorder::{NoRecorder, Recorder};
pub use sim::simulate_with;
