//! Random streams: which random numbers a replication draws, and from where.
//!
//! # The common-random-numbers contract
//!
//! Every random quantity of a replication comes from a stream of its own, seeded from
//! `(scenario seed, replication index, salt, purpose)`:
//!
//! | purpose              | salt                    | draws                                      |
//! |----------------------|-------------------------|--------------------------------------------|
//! | [`Purpose::Arrivals`]   | the channel's name   | one unit exponential per arrival            |
//! | [`Purpose::Types`]      | the channel's name   | one uniform per arrival (channels with several types) |
//! | [`Purpose::HandleTime`] | the channel's name   | the handle time of each arrival             |
//! | [`Purpose::Patience`]   | the channel's name   | the patience of each arrival (if it has one) |
//! | [`Purpose::Shrinkage`]  | the group's name     | one uniform per staffing change (groups with shrinkage) |
//! | [`Purpose::EventArrivals`] | the channel's name | one unit exponential per arrival added by events |
//! | [`Purpose::EventThinning`] | the channel's name | one uniform per own arrival in a window that lowers volume |
//! | [`Purpose::Forecast`]   | the channel's name   | the gamma day and interval multipliers (channels with forecast uncertainty) |
//! | [`Purpose::EventTypes`], [`Purpose::EventHandleTime`], [`Purpose::EventPatience`] | the channel's name | the type, handle time and patience of each contact events add |
//! | [`Purpose::Balk`]       | the channel's name   | one key per replication, hashed with each queued contact's arrival time (channels whose customers may balk) |
//!
//! The salt is a hash of the **name**, not the position, of the channel or group. Hence:
//!
//! * replication `r` of two scenarios that differ only in staffing, routing, targets,
//!   groups or the order of their entries sees the **same customers**: the same arrival
//!   times, types, handle times (before chat stretch) and patience, contact by contact;
//! * a channel's customers do not change when another channel is added or removed;
//! * replications are independent of one another, and of the number of threads.
//!
//! Sweeps rely on this to compare variants with common random numbers: the paired
//! difference of a KPI between two variants then has far less variance than the
//! difference of independent runs. Changing the arrival rate of a channel changes its
//! arrival times (the same exponentials, rescaled by the rate), and changing a type's share
//! changes which contacts get which type; the other streams are untouched.
//!
//! A new purpose gets a new [`Purpose`] value; existing values never change, or every
//! result of every scenario would.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator behind every stream: xoshiro256++ (fast, 2²⁵⁶ − 1 period, passes BigCrush).
pub type Stream = Xoshiro256PlusPlus;

/// What a stream is drawn for. The numbers are part of the seeding and never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    /// Inter-arrival exponentials of a channel.
    Arrivals = 1,
    /// Contact-type choice of a channel's arrivals.
    Types = 2,
    /// Handle times of a channel's arrivals.
    HandleTime = 3,
    /// Patience of a channel's arrivals.
    Patience = 4,
    /// Random rounding of a group's available headcount after shrinkage.
    Shrinkage = 5,
    /// Inter-arrival exponentials of the contacts events add to a channel.
    EventArrivals = 6,
    /// Which of a channel's own arrivals survive an event that lowers volume.
    EventThinning = 7,
    /// Forecast-error multipliers of a channel's arrival rate.
    Forecast = 8,
    /// Contact types of the contacts events add.
    EventTypes = 9,
    /// Handle times of the contacts events add.
    EventHandleTime = 10,
    /// Patience of the contacts events add.
    EventPatience = 11,
    /// Whether each arrival balks on hearing the announced wait.
    Balk = 12,
    /// The key of the hashed draws of customers' issues: segment, deflection, resolution,
    /// returns, redials, and the handle time and patience of later contacts.
    Issues = 13,
}

/// The stream of `purpose` for the channel or group with name hash `salt`, in replication
/// `rep` of a scenario with seed `seed`.
pub fn stream(seed: u64, rep: u64, salt: u64, purpose: Purpose) -> Stream {
    Stream::seed_from_u64(mix(mix(mix(seed) ^ rep) ^ salt) ^ purpose as u64)
}

/// A uniform draw in [0, 1) with 53 random bits (the top bits of one `u64`).
#[inline]
pub fn uniform(rng: &mut Stream) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// FNV-1a: a stable hash of a name, so that streams follow names, not positions.
pub fn name_hash(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// SplitMix64 finaliser: spreads seeds so that nearby seeds give unrelated streams.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seeding is a promise: these values pin it (a change would alter every result).
    #[test]
    fn seeding_is_stable() {
        assert_eq!(name_hash("phone"), 0x31fc_9c6b_de86_5d6f);
        let mut s = stream(42, 0, name_hash("phone"), Purpose::Arrivals);
        let first = s.next_u64();
        let mut again = stream(42, 0, name_hash("phone"), Purpose::Arrivals);
        assert_eq!(again.next_u64(), first);
        let mut other = stream(42, 1, name_hash("phone"), Purpose::Arrivals);
        assert_ne!(other.next_u64(), first);
        let mut other = stream(42, 0, name_hash("phone"), Purpose::Patience);
        assert_ne!(other.next_u64(), first);
    }
}
