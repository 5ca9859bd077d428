//! The results of the analytic calculators, as documents: Erlang B (blocking), Erlang C
//! (waiting), Erlang A (waiting with abandonment) and the minimum agents for a target.
//!
//! Inputs are in the units planners use — arrivals **per hour**, times in **seconds** —
//! and every result keeps them beside what was computed, so a document says what it
//! answers. JSON field names are the contract of `ccsim erlang … --format json`.

use crate::Error;
use crate::erlang::{ErlangA, ErlangC, agents_for_target, erlang_b_carried, erlang_b_checked};
use crate::scenario::ServiceTarget;
use serde::{Deserialize, Serialize};

/// Erlang B: the probability that a call finds every line busy (no queue).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BlockingResult {
    /// Offered load (Erlangs).
    pub offered_erlangs: f64,
    /// Lines.
    pub lines: u32,
    /// Probability that a call finds every line busy.
    pub blocking: f64,
    /// Load carried by the lines (Erlangs; not written in JSON).
    #[serde(skip, default = "crate::base::serde_maps::nan")]
    pub carried_erlangs: f64,
}

impl BlockingResult {
    /// Erlang B for `offered_erlangs` offered to `lines` lines.
    ///
    /// # Errors
    ///
    /// [`Error::Input`] when the load is not finite and ≥ 0.
    pub fn new(offered_erlangs: f64, lines: u32) -> Result<BlockingResult, Error> {
        let blocking = erlang_b_checked(offered_erlangs, lines)?;
        Ok(BlockingResult {
            offered_erlangs,
            lines,
            blocking,
            carried_erlangs: erlang_b_carried(offered_erlangs, lines),
        })
    }
}

/// Erlang C (M/M/c): waiting, service level, ASA and occupancy.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WaitingResult {
    /// Arrivals per hour.
    pub per_hour: f64,
    /// Mean handle time (s).
    pub aht_s: f64,
    /// Agents.
    pub agents: u32,
    /// Service-level threshold (s).
    pub within_s: f64,
    /// Offered load (Erlangs).
    pub offered_erlangs: f64,
    /// Whether the agents can carry the load (otherwise the queue grows without bound).
    pub stable: bool,
    /// Probability of waiting.
    pub p_wait: f64,
    /// Share answered within the threshold.
    pub service_level: f64,
    /// Mean wait (s); `None` when unstable.
    pub asa_s: Option<f64>,
    /// Share of agent time busy.
    pub occupancy: f64,
}

impl WaitingResult {
    /// Erlang C for `per_hour` arrivals of mean handle time `aht_s` on `agents` agents, with
    /// service level at `within_s`.
    ///
    /// # Errors
    ///
    /// [`Error::Input`] when the rate, handle time or agents are out of range.
    pub fn new(per_hour: f64, aht_s: f64, agents: u32, within_s: f64) -> Result<WaitingResult, Error> {
        let q = ErlangC::new(per_hour / 3600.0, aht_s, agents)?;
        Ok(WaitingResult {
            per_hour,
            aht_s,
            agents,
            within_s,
            offered_erlangs: q.load(),
            stable: q.is_stable(),
            p_wait: q.p_wait(),
            service_level: q.service_level(within_s),
            asa_s: q.is_stable().then(|| q.asa()),
            occupancy: q.occupancy(),
        })
    }
}

/// Erlang A (M/M/c+M): as Erlang C with exponentially distributed patience.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AbandonResult {
    /// Arrivals per hour.
    pub per_hour: f64,
    /// Mean handle time (s).
    pub aht_s: f64,
    /// Agents.
    pub agents: u32,
    /// Mean patience (s).
    pub patience_s: f64,
    /// Service-level threshold (s).
    pub within_s: f64,
    /// Probability of waiting.
    pub p_wait: f64,
    /// Share of callers who abandon.
    pub abandon_rate: f64,
    /// Share of offered calls answered within the threshold.
    pub service_level: f64,
    /// Share of answered calls answered within the threshold.
    pub service_level_of_answered: f64,
    /// Mean wait of answered calls (s).
    pub asa_s: f64,
    /// Mean wait of all callers, abandoning ones included (s).
    pub mean_wait_s: f64,
    /// Share of agent time busy.
    pub occupancy: f64,
}

impl AbandonResult {
    /// Erlang A for `per_hour` arrivals of mean handle time `aht_s` on `agents` agents,
    /// callers of mean patience `patience_s`, service level at `within_s`.
    ///
    /// # Errors
    ///
    /// [`Error::Input`] when the rate, handle time, agents or patience are out of range.
    pub fn new(per_hour: f64, aht_s: f64, agents: u32, patience_s: f64, within_s: f64) -> Result<AbandonResult, Error> {
        let q = ErlangA::new(per_hour / 3600.0, aht_s, agents, patience_s)?;
        Ok(AbandonResult {
            per_hour,
            aht_s,
            agents,
            patience_s,
            within_s,
            p_wait: q.p_wait(),
            abandon_rate: q.p_abandon(),
            service_level: q.answered_within(within_s),
            service_level_of_answered: q.sl_of_answered(within_s),
            asa_s: q.asa(),
            mean_wait_s: q.mean_wait_all(),
            occupancy: q.occupancy(),
        })
    }
}

/// The fewest agents that meet a service-level target (Erlang C, or Erlang A with a
/// patience).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AgentsResult {
    /// Arrivals per hour.
    pub per_hour: f64,
    /// Mean handle time (s).
    pub aht_s: f64,
    /// The target share.
    pub target: f64,
    /// The target's threshold (s).
    pub within_s: f64,
    /// Mean patience (s), if callers abandon (Erlang A).
    pub patience_s: Option<f64>,
    /// The fewest agents that meet the target.
    pub min_agents: u32,
    /// The service level with that many agents.
    pub service_level: f64,
    /// The service level with one agent fewer (`None` for one agent; not written in JSON).
    #[serde(skip)]
    pub one_fewer: Option<f64>,
}

impl AgentsResult {
    /// The fewest agents for `per_hour` arrivals of mean handle time `aht_s` to meet
    /// `target`, with callers of mean patience `patience_s` if they abandon.
    ///
    /// # Errors
    ///
    /// [`Error::Input`] when an argument is out of range; [`Error::Run`] when no headcount
    /// up to the search bound reaches the target.
    pub fn new(
        per_hour: f64,
        aht_s: f64,
        target: ServiceTarget,
        patience_s: Option<f64>,
    ) -> Result<AgentsResult, Error> {
        let rate = per_hour / 3600.0;
        let n = agents_for_target(rate, aht_s, target.within, target.share, patience_s)?.ok_or_else(|| {
            Error::Run(format!(
                "no headcount up to the search bound reaches {:.1} % in {}",
                100.0 * target.share,
                crate::base::time::format_duration(target.within)
            ))
        })?;
        // The arguments were checked by agents_for_target; c ≥ 1.
        let sl = |c: u32| match patience_s {
            None => ErlangC::new(rate, aht_s, c).map_or(f64::NAN, |q| q.service_level(target.within)),
            Some(p) => ErlangA::new(rate, aht_s, c, p).map_or(f64::NAN, |q| q.answered_within(target.within)),
        };
        Ok(AgentsResult {
            per_hour,
            aht_s,
            target: target.share,
            within_s: target.within,
            patience_s,
            min_agents: n,
            service_level: sl(n),
            one_fewer: (n > 1).then(|| sl(n - 1)),
        })
    }
}
