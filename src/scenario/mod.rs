//! Scenario files: parse, validate once, then hand checked types to the engine.
//!
//! A scenario is one complete description of a contact centre over a horizon (see
//! `docs/model.md`). [`Scenario::from_toml`] parses the TOML text, refuses unknown fields,
//! checks every value and cross-reference, and returns either a [`Scenario`] the engine can
//! trust or a [`ScenarioError`] listing every problem with file, line, column and field.
//!
//! Units in the checked types: times in **seconds** from the start of the horizon (time 0
//! is midnight at the start of `start_day`), rates in contacts **per second**.
//!
//! **Layout: raw → checked → sealed.** Each table of the file has one module holding its
//! raw serde structure (as written), its checked type and the checks between them:
//! `channel`, `contact_type`, `arrivals`, `announce`, `agents`, `segments`, `events`,
//! `routing`, `rules` (`[[agents.rule]]`, shift rules), `target`, `dist`, `axes` (`[sweep]`), `kind` (channel kinds), `windows`
//! (`[report]`). `validate` checks
//! the scenario's own fields and sequences the tables; `coverage` checks across tables
//! (staffing against demand, warnings); `load` parses text, locates problems and makes
//! checked changes; `sealed` holds the checked [`Scenario`]. A new field on a table is an
//! edit of that table's module only. No file here imports this one: they name each other
//! directly, so the files form no import cycle.

mod agents;
mod announce;
mod arrivals;
mod axes;
mod build;
mod channel;
mod check;
mod contact_type;
mod coverage;
mod dist;
mod events;
mod kind;
pub mod limits;
mod load;
mod locate;
mod outline;
mod overrides;
mod routing;
pub mod rules;
mod sealed;
mod segments;
mod target;
#[cfg(test)]
mod tests;
mod validate;
mod windows;

pub use agents::{AgentGroup, Headcount, Skill};
pub use announce::{Announce, AnnounceFormat, Balk, Predictor, Reaction, Told};
pub use axes::{Axis, MAX_RANGE_VALUES, SavedSweep};
pub use channel::{Channel, Forecast};
pub use contact_type::{Assistant, ContactType, Redial, Resolution, Returns};
pub use events::{DemandEvent, Overlay};
pub use kind::ChannelKind;
pub use locate::{FieldPath, LineIndex, Locator};
pub use outline::{ChannelOutline, GroupOutline, Outline};
pub use overrides::Override;
pub use routing::{Routing, RoutingPolicy};
pub use sealed::Scenario;
pub use segments::Segment;
pub use target::ServiceTarget;
pub use windows::{MAX_WINDOWS, Window};

pub use crate::base::time::{DAY, Weekday};
pub use crate::error::{Problem, ScenarioError};
