//! The staffing optimiser: per planning interval, the fewest scheduled agents of one group
//! that meet every target of the channels it serves, accounting for queues that carry
//! over between intervals.
//!
//! **Method.** (1) SIPP: each interval on its own, as if stationary: the offered load of
//! the group's channels in the interval (arrivals × mean handle time), the Erlang A
//! minimum for the target (Erlang C when contacts never abandon), more agents while the
//! Erlang A abandon rate is above the maximum, divided by (1 − shrinkage) and rounded up.
//! (2) Refinement by simulation, in the spirit of the iterative staffing algorithm
//! (Feldman, Mandelbaum, Massey & Whitt 2008): the whole day is simulated with the plan
//! (every variant with the same customers, common random numbers); every interval that
//! misses a target at the stated confidence gets one more agent, until none misses.
//! (3) Then, interval by interval in order, one agent fewer is kept wherever every
//! interval still meets every target.
//!
//! **Meeting a target at confidence c.** In the interval's contacts (by interval of
//! arrival, after the warm-up): the one-sided lower confidence bound of the service level
//! (mean − t·se at level c) is at least the target, and, with a maximum abandon rate, its
//! upper bound is at most the maximum. Intervals without contacts always meet.
//!
//! **Limits.** One group is optimised at a time; other groups keep their plans. A group
//! serving several channels is given the pooled load and must meet each channel's target
//! (a heuristic: SIPP from the pooled Erlang load, then simulation). The group must be
//! staffed by `staff` (a number or per interval): plans made of shifts are refused. Email
//! and social arriving while the channel is closed for a whole interval wait for the
//! opening whatever the staffing; such intervals are not held to the target. Additions
//! grow by one agent every four rounds for large shortfalls; the removal pass then takes
//! agents off one at a time, interval by interval, while every interval still meets.

use crate::Error;
use crate::base::maths::student_t_quantile;
use crate::erlang::{ErlangA, agents_for_target};
use crate::plan::run::{Results, RunOptions, run};
use crate::scenario::{Scenario, ServiceTarget};
use crate::stats::kpi::ChannelKpi;

/// What to optimise for.
#[derive(Debug, Clone)]
pub struct Goal {
    /// Index of the group whose plan is optimised.
    pub group: usize,
    /// Service-level target for every channel of the group; `None`: each channel's own.
    pub target: Option<ServiceTarget>,
    /// Largest abandon rate allowed in any interval, if any.
    pub max_abandon: Option<f64>,
    /// Confidence of "meets the target", in [0.5, 1): 0.5 asks the mean to meet it.
    pub confidence: f64,
    /// Largest number of simulation rounds.
    pub max_rounds: usize,
}

/// An optimised plan.
pub struct Plan {
    /// Scheduled agents per interval of the horizon.
    pub headcount: Vec<u32>,
    /// The SIPP starting point.
    pub sipp: Vec<u32>,
    /// Intervals (of the horizon) where the SIPP plan missed a target in simulation.
    pub sipp_misses: Vec<usize>,
    /// The final run with the plan.
    pub results: Results,
    /// The scenario with the plan filled in.
    pub scenario: Scenario,
    /// Simulation runs made.
    pub runs: usize,
    /// Scheduled agent hours of the plan (over the horizon).
    pub agent_hours: f64,
}

/// The scenario with the goal's group staffed by `plan` and the goal's target applied to
/// its channels: a typed, checked change (no text is re-read).
fn with_plan(base: &Scenario, goal: &Goal, plan: &[u32]) -> Result<Scenario, Error> {
    let mut s = base.with_staff_plan(goal.group, plan)?;
    if let Some(target) = goal.target {
        for sk in &base.groups()[goal.group].skills {
            s = s.with_target(sk.channel, target)?;
        }
    }
    Ok(s)
}

/// The group to plan: the one called `name`, or the only group.
///
/// # Errors
///
/// [`Error::Input`] when no group has that name, or no name is given and there are
/// several groups (the message lists them).
pub fn group_named(base: &Scenario, name: Option<&str>) -> Result<usize, Error> {
    let names = || base.groups().iter().map(|g| g.name.as_str()).collect::<Vec<_>>().join(", ");
    match name {
        Some(name) => base
            .groups()
            .iter()
            .position(|g| g.name == name)
            .ok_or_else(|| Error::Input(format!("--group {name}: no such group; the groups are: {}", names()))),
        None if base.groups().len() == 1 => Ok(0),
        None => Err(Error::Input(format!("the scenario has several groups; choose one with --group ({})", names()))),
    }
}

/// Intervals (of the horizon) where some channel of the group misses a target.
fn misses(results: &Results, goal: &Goal) -> Vec<usize> {
    let s = results.scenario();
    let l = &results.layout;
    let est = &results.estimates;
    let mut out = Vec::new();
    for i in 0..l.intervals {
        let missed = s.groups()[goal.group].skills.iter().any(|sk| {
            let c = sk.channel;
            let target = s.channels()[c].target.share;
            let offered = est[l.channel_interval(c, i, ChannelKpi::Offered)];
            if offered.mean.is_nan() || offered.mean <= 0.0 {
                return false;
            }
            // Deferred contacts arriving while the channel is closed for the whole interval
            // wait for the opening whatever the staffing: not this interval's to fix.
            let (a, b) =
                ((l.first_interval + i) as f64 * s.interval(), (l.first_interval + i + 1) as f64 * s.interval());
            if !s.channels()[c].kind.is_live()
                && crate::base::steps::integral(s.channels()[c].open.iter().map(|&(x, y)| (x, y, 1.0)), a, b) <= 0.0
            {
                return false;
            }
            let bound = |e: crate::stats::summary::Estimate| -> f64 {
                // At confidence 0.5 the mean itself must meet the target.
                if e.n < 2 || !e.sd.is_finite() || goal.confidence == 0.5 {
                    return 0.0;
                }
                student_t_quantile(goal.confidence, f64::from(e.n) - 1.0) * e.se()
            };
            let sl = est[l.channel_interval(c, i, ChannelKpi::ServiceLevel)];
            let low = if sl.mean.is_finite() { sl.mean - bound(sl) } else { 0.0 };
            let mut miss = low < target;
            if let Some(max) = goal.max_abandon
                && s.channels()[c].kind.is_live()
            {
                let ab = est[l.channel_interval(c, i, ChannelKpi::AbandonRate)];
                miss |= ab.mean.is_finite() && ab.mean + bound(ab) > max;
            }
            miss
        });
        if missed {
            out.push(l.first_interval + i);
        }
    }
    out
}

/// The SIPP plan: per interval, Erlang A (or C) on the pooled load of the group's channels.
fn sipp(base: &Scenario, goal: &Goal) -> Result<Vec<u32>, Error> {
    let g = &base.groups()[goal.group];
    let n = base.n_intervals();
    let len = base.interval();
    let mut plan = Vec::with_capacity(n);
    for i in 0..n {
        let (a, b) = (i as f64 * len, (i + 1) as f64 * len);
        let (mut rate, mut work, mut patience_rate, mut share, mut within) = (0.0, 0.0, 0.0, 0.0f64, f64::INFINITY);
        let mut never = false;
        for sk in &g.skills {
            let ch = &base.channels()[sk.channel];
            // The rate while the channel is open in the interval (live channels receive
            // contacts only then; deferred ones are worked only then).
            let open = crate::base::steps::integral(ch.open.iter().map(|&(x, y)| (x, y, 1.0)), a, b);
            if open <= 0.0 {
                continue;
            }
            let lambda = ch.arrivals.expected(a, b) / if ch.kind.is_live() { open } else { len };
            let aht: f64 = ch.types.iter().map(|t| t.share * t.handle_time.mean()).sum();
            rate += lambda;
            work += lambda * aht;
            for t in &ch.types {
                match &t.patience {
                    Some(p) => patience_rate += lambda * t.share / p.mean().max(1e-9),
                    None => never = true,
                }
            }
            let ServiceTarget { share: t_share, within: t_within } = goal.target.unwrap_or(ch.target);
            share = share.max(t_share);
            within = within.min(t_within);
        }
        if rate <= 0.0 {
            plan.push(0);
            continue;
        }
        let aht = work / rate;
        // Mean patience of the pooled contacts (∞ when some never abandon).
        let patience = (!never && patience_rate > 0.0).then(|| rate / patience_rate);
        let target = share.min(0.999);
        let mut agents = agents_for_target(rate, aht, within, target, patience)?.ok_or_else(|| {
            Error::Input(format!("no headcount reaches the target in the interval starting at {a} s"))
        })?;
        if let (Some(max), Some(p)) = (goal.max_abandon, patience) {
            while agents < 1_000_000 && ErlangA::new(rate, aht, agents, p)?.p_abandon() > max {
                agents += 1;
            }
        }
        let scheduled = (f64::from(agents) / (1.0 - g.shrinkage)).ceil() as u32;
        plan.push(scheduled);
    }
    Ok(plan)
}

/// The plans of a staffing comparison: for each target (`None`: each channel's own) the
/// optimised plan of `group`, in order, on `threads` workers; `progress` is told the
/// target's index and the simulation runs so far. What `ccsim staff` and the Python
/// `staff` compute.
///
/// # Errors
///
/// As [`optimise`] (the first target that fails); [`Error::Input`] without targets.
pub fn compare(
    base: &Scenario,
    group: usize,
    targets: &[Option<ServiceTarget>],
    max_abandon: Option<f64>,
    confidence: f64,
    threads: Option<usize>,
    mut progress: impl FnMut(usize, usize) + Send,
) -> Result<Vec<(Option<ServiceTarget>, Plan)>, Error> {
    if targets.is_empty() {
        return Err(Error::Input("a staffing comparison needs at least one target".into()));
    }
    let mut plans = Vec::with_capacity(targets.len());
    for (i, &target) in targets.iter().enumerate() {
        let goal = Goal { group, target, max_abandon, confidence, max_rounds: 60 };
        let plan = super::with_threads(threads, || optimise(base, &goal, |runs| progress(i, runs)))?;
        plans.push((target, plan));
    }
    Ok(plans)
}

/// Finds the plan (see the module documentation). `progress` is told each simulation run.
///
/// # Errors
///
/// [`Error::Input`] for a goal out of range or a group staffed by shifts;
/// [`Error::Run`] when no plan meets every target within the rounds allowed.
pub fn optimise(base: &Scenario, goal: &Goal, mut progress: impl FnMut(usize)) -> Result<Plan, Error> {
    let g = base.groups().get(goal.group).ok_or_else(|| Error::Input("no such group".into()))?;
    if !(goal.confidence >= 0.5 && goal.confidence < 1.0) {
        return Err(Error::Input(format!(
            "--confidence must be from 0.5 (the mean meets the target) to below 1, got {}",
            goal.confidence
        )));
    }
    if g.from_shifts {
        return Err(Error::Input(format!(
            "group `{}` is staffed by [[agents.shift]] entries; the optimiser plans `staff = {{ per_interval = [..] }}` — plans made of shifts are not optimised",
            g.name
        )));
    }
    let sipp = sipp(base, goal)?;
    let opts = RunOptions::default();
    let mut runs = 0;
    let mut evaluate = |plan: &[u32]| -> Result<Results, Error> {
        runs += 1;
        progress(runs);
        run(with_plan(base, goal, plan)?, &opts)
    };
    let mut plan = sipp.clone();
    let first = evaluate(&plan)?;
    let sipp_misses = misses(&first, goal);
    let mut current = first;
    let mut rounds = 0;
    loop {
        let missing = misses(&current, goal);
        if missing.is_empty() {
            break;
        }
        rounds += 1;
        if rounds > goal.max_rounds {
            return Err(Error::Run(format!(
                "no plan meets every target after {} rounds; {} interval(s) still miss (the first at {} s)",
                goal.max_rounds,
                missing.len(),
                missing[0] as f64 * base.interval()
            )));
        }
        // One agent more per missing interval, more in later rounds, for large shortfalls
        // (the removal pass takes back what is too much).
        let step = 1 + rounds as u32 / 4;
        for &i in &missing {
            plan[i] += step;
        }
        current = evaluate(&plan)?;
    }
    // One agent fewer wherever every interval still meets (counted intervals only: the
    // warm-up keeps its SIPP staffing).
    let first_counted = base.first_counted_interval();
    for i in first_counted..plan.len() {
        while plan[i] > 0 {
            plan[i] -= 1;
            let trial = evaluate(&plan)?;
            if misses(&trial, goal).is_empty() {
                current = trial;
            } else {
                plan[i] += 1;
                break;
            }
        }
    }
    let scenario = with_plan(base, goal, &plan)?;
    let agent_hours = plan.iter().map(|&n| f64::from(n) * base.interval() / 3600.0).sum();
    Ok(Plan { headcount: plan, sipp, sipp_misses, results: current, scenario, runs, agent_hours })
}
