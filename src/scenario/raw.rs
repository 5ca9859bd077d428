//! The scenario file as written: serde structures that mirror the TOML one to one.
//!
//! Nothing here is trusted: [`super::validate`] turns a [`RawScenario`] into a checked
//! [`super::Scenario`]. Unknown fields are refused here so that a misspelt key is an error,
//! never silently ignored. Required fields are `Option`s too, so that validation reports
//! every missing field, at its table, together with every other problem.

use crate::base::time::{Clock, Seconds};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use std::fmt;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub name: Option<String>,
    pub description: Option<String>,
    pub seed: Option<u64>,
    pub replications: Option<u64>,
    pub horizon: Option<Seconds>,
    pub interval: Option<Seconds>,
    pub warmup: Option<Seconds>,
    pub start_day: Option<String>,
    pub routing: Option<RawRouting>,
    #[serde(default)]
    pub channel: Vec<RawChannel>,
    #[serde(default)]
    pub agents: Vec<RawAgents>,
    pub sweep: Option<RawSweep>,
    #[serde(default)]
    pub event: Vec<RawEvent>,
    #[serde(default)]
    pub segment: Vec<RawSegment>,
}

/// A customer segment: its share of fresh contacts and how it is treated.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSegment {
    pub name: Option<String>,
    pub share: Option<f64>,
    pub priority_boost: Option<i64>,
    pub patience_factor: Option<f64>,
    pub service_level: Option<RawServiceLevel>,
    pub group: Option<String>,
    pub dedicated: Option<bool>,
}

/// What follows a contact: resolution, returns and redials (on a type, or on a channel
/// as the default of its types).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReturns {
    pub after: Option<RawDist>,
    pub to: Option<std::collections::BTreeMap<String, f64>>,
}

/// An abandoning customer's retry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRedial {
    pub share: Option<f64>,
    pub after: Option<RawDist>,
}

/// A demand event: a window (recurring by weekday and clock, or one range of the horizon),
/// the channels it affects, and its effect on volume and handle time.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    pub name: Option<String>,
    pub channels: Option<Vec<String>>,
    pub days: Option<Vec<String>>,
    pub from: Option<Clock>,
    pub to: Option<Clock>,
    pub start: Option<Seconds>,
    pub end: Option<Seconds>,
    pub volume: Option<f64>,
    pub add: Option<f64>,
    pub handle_time: Option<f64>,
}

/// Forecast uncertainty of a channel: gamma multipliers of mean 1 per day and per interval.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawForecast {
    pub day_cv: Option<f64>,
    pub interval_cv: Option<f64>,
}

/// A saved study: the axes `ccsim sweep` uses when given no `--set`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSweep {
    pub set: Option<Vec<String>>,
    pub zip: Option<bool>,
    pub baseline: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRouting {
    pub policy: Option<String>,
    pub live_first: Option<bool>,
    pub aging_per_minute: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChannel {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub service_level: Option<RawServiceLevel>,
    pub arrivals: Option<RawArrivals>,
    pub handle_time: Option<RawDist>,
    pub patience: Option<RawDist>,
    pub open: Option<RawOpen>,
    pub concurrency_stretch: Option<Vec<f64>>,
    #[serde(default, rename = "type")]
    pub types: Vec<RawType>,
    pub forecast: Option<RawForecast>,
    pub announce: Option<RawAnnounce>,
    pub reaction: Option<RawReaction>,
    pub preemptive: Option<bool>,
    pub fcr: Option<f64>,
    pub returns: Option<RawReturns>,
    pub redial: Option<RawRedial>,
    pub max_contacts: Option<i64>,
    pub deflect: Option<f64>,
    pub assistant: Option<RawAssistant>,
}

/// `[channel.announce]`: waiting-time announcements and the customers' reaction.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAnnounce {
    pub predictor: Option<String>,
    pub window: Option<i64>,
    pub update: Option<Seconds>,
    pub threshold: Option<Seconds>,
    pub format: Option<String>,
    pub step: Option<Seconds>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub buckets: Option<Vec<Seconds>>,
    pub pad: Option<f64>,
    pub pad_add: Option<Seconds>,
}

/// `[channel.reaction]`: how the channel's customers react to what they are told.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReaction {
    pub balk: Option<RawBalk>,
    pub stay_share: Option<f64>,
    pub broken_promise: Option<f64>,
}

/// A balking curve: `curve = "logistic"` with `half` and `spread`, or `curve = "step"`
/// with `above`; `share` for both.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBalk {
    pub curve: Option<String>,
    pub half: Option<Seconds>,
    pub spread: Option<Seconds>,
    pub above: Option<Seconds>,
    pub share: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawServiceLevel {
    pub target: Option<f64>,
    pub within: Option<Seconds>,
    pub short_abandon: Option<Seconds>,
}

/// Arrivals: exactly one of `per_hour`, `per_interval`, `per_day`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawArrivals {
    pub per_hour: Option<f64>,
    pub per_interval: Option<Vec<f64>>,
    pub per_day: Option<f64>,
    pub profile: Option<Vec<f64>>,
    pub day_factors: Option<RawDayFactors>,
    /// Multiplies every volume (a what-if: `scale = 1.2` is 20 % more contacts).
    pub scale: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDayFactors {
    pub mon: Option<f64>,
    pub tue: Option<f64>,
    pub wed: Option<f64>,
    pub thu: Option<f64>,
    pub fri: Option<f64>,
    pub sat: Option<f64>,
    pub sun: Option<f64>,
}

impl RawDayFactors {
    /// Factors Monday first, with the key each came from.
    pub fn by_day(&self) -> [(&'static str, Option<f64>); 7] {
        [
            ("mon", self.mon),
            ("tue", self.tue),
            ("wed", self.wed),
            ("thu", self.thu),
            ("fri", self.fri),
            ("sat", self.sat),
            ("sun", self.sun),
        ]
    }
}

/// A distribution of durations; which fields apply depends on `dist`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDist {
    pub dist: Option<String>,
    pub mean: Option<Seconds>,
    pub cv: Option<f64>,
    pub k: Option<i64>,
    pub value: Option<Seconds>,
    pub min: Option<Seconds>,
    pub max: Option<Seconds>,
    pub values: Option<Vec<Seconds>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOpen {
    pub from: Option<Clock>,
    pub to: Option<Clock>,
    pub days: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawType {
    pub name: Option<String>,
    pub share: Option<f64>,
    pub priority: Option<i64>,
    pub handle_time: Option<RawDist>,
    pub patience: Option<RawDist>,
    pub service_level: Option<RawServiceLevel>,
    pub fcr: Option<f64>,
    pub returns: Option<RawReturns>,
    pub redial: Option<RawRedial>,
    pub max_contacts: Option<i64>,
    pub deflect: Option<f64>,
    pub assistant: Option<RawAssistant>,
}

/// A virtual assistant in front of a type: containment share, bot time, recontacts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAssistant {
    pub contain: Option<f64>,
    pub time: Option<RawDist>,
    pub recontact: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAgents {
    pub name: Option<String>,
    pub skills: Option<Vec<RawSkill>>,
    pub staff: Option<RawStaff>,
    #[serde(default, rename = "shift")]
    pub shifts: Vec<RawShift>,
    pub shrinkage: Option<f64>,
    pub concurrency: Option<i64>,
    pub cost_per_hour: Option<f64>,
    pub interrupt_deferred: Option<bool>,
}

/// A skill: a channel name, or `{ channel = "...", after = "30s" }` for overflow.
#[derive(Debug)]
pub struct RawSkill {
    pub channel: String,
    pub after: Option<Seconds>,
}

impl<'de> Deserialize<'de> for RawSkill {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Table {
            channel: String,
            after: Option<Seconds>,
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawSkill;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a channel name, or a table { channel = \"phone\", after = \"30s\" }")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawSkill, E> {
                Ok(RawSkill { channel: v.to_owned(), after: None })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawSkill, A::Error> {
                let t = Table::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(RawSkill { channel: t.channel, after: t.after })
            }
        }
        d.deserialize_any(V)
    }
}

/// Headcount: a constant number, or `{ per_interval = [...] }`.
#[derive(Debug)]
pub enum RawStaff {
    Constant(i64),
    PerInterval(Vec<f64>),
}

impl<'de> Deserialize<'de> for RawStaff {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Table {
            per_interval: Vec<f64>,
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawStaff;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a whole number of agents, or a table { per_interval = [..] }")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawStaff, E> {
                Ok(RawStaff::Constant(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawStaff, E> {
                Ok(RawStaff::Constant(i64::try_from(v).unwrap_or(i64::MAX)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawStaff, A::Error> {
                let t = Table::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(RawStaff::PerInterval(t.per_interval))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawShift {
    pub start: Option<Clock>,
    pub end: Option<Clock>,
    pub count: Option<i64>,
    pub people: Option<Vec<String>>,
    pub days: Option<Vec<String>>,
    #[serde(default)]
    pub breaks: Vec<RawBreak>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBreak {
    pub start: Option<Clock>,
    pub length: Option<Seconds>,
}
