//! Largest accepted sizes: beyond these a run would exhaust memory or never finish.

/// Replications of one run.
pub const MAX_REPLICATIONS: u64 = 100_000;
/// Longest horizon, in days.
pub const MAX_HORIZON_DAYS: f64 = 400.0;
/// Planning intervals in the horizon.
pub const MAX_INTERVALS: usize = 200_000;
/// Channels in a scenario.
pub const MAX_CHANNELS: usize = 64;
/// Contact types over all channels.
pub const MAX_TYPES: usize = 256;
/// Customer segments in a scenario.
pub const MAX_SEGMENTS: usize = 16;
/// Agent groups in a scenario.
pub const MAX_GROUPS: usize = 256;
/// Scheduled agents of one group at any time.
pub const MAX_AGENTS_PER_GROUP: u32 = 100_000;
/// Scheduled agents over all groups at any time.
pub const MAX_AGENTS_TOTAL: u64 = 1_000_000;
/// Chats one agent holds at once.
pub const MAX_CONCURRENCY: u32 = 32;
/// Largest (least urgent) priority number.
pub const MAX_PRIORITY: u32 = 100;
/// Expected arrivals in one replication (about 10 minutes of one core).
pub const MAX_ARRIVALS_PER_REPLICATION: f64 = 3e9;
/// Per-interval result cells, intervals × (channels + groups × (1 + channels)): about
/// 0.5 KB of memory each while a run is folded.
pub const MAX_RESULT_CELLS: usize = 1_000_000;
/// Contacts waiting at once (beyond those the agents can hold in service), about 120
/// bytes each with their queue entries and events: about 1 GB. A scenario whose
/// expected backlog exceeds it is refused up front; a run that still reaches it stops
/// with an error.
pub const MAX_CONTACTS_IN_SYSTEM: usize = 8_000_000;
