//! The staffing optimiser: per planning interval, the fewest scheduled agents of one group
//! — or of several groups planned together — that meet every target of the channels they
//! serve, accounting for queues that carry over between intervals and for agents shared
//! between channels.
//!
//! **Method.** (1) SIPP: each interval on its own, as if stationary: the offered load of
//! a group's channels in the interval (arrivals × mean handle time), the Erlang A
//! minimum for the target (Erlang C when contacts never abandon), more agents while the
//! Erlang A abandon rate is above the maximum, divided by (1 − shrinkage) and rounded up;
//! for a chat channel, the chat slots so found divided by the group's concurrency. With
//! several groups, each channel's load starts with one *owner*: the cheapest planned group
//! serving it as a primary skill (else the cheapest serving it by overflow).
//! (2) Refinement by simulation, in the spirit of the iterative staffing algorithm
//! (Feldman, Mandelbaum, Massey & Whitt 2008): the whole horizon is simulated with the
//! plan (every variant with the same customers, common random numbers); every interval that
//! misses a target at the stated confidence gets one more agent, until none misses. With
//! several groups, which group gets it is decided by simulation, in the spirit of Cezik &
//! L'Ecuyer (2008): each round also simulates, per planned group, the plan with that group
//! one agent stronger in every interval that misses where it could help, and each missing
//! interval takes the agent of the group that removed the most shortfall there per unit of
//! cost (shortfall: the sum over channels of how far the service level's confidence bound
//! is below target, plus abandon and occupancy above their caps); where no group helped
//! measurably, the owner of the first missing channel. (3) Then, group by group (the
//! dearest per hour first) and interval by interval in order, one agent fewer is kept
//! wherever every interval still meets every target.
//!
//! **Meeting a target at confidence c.** In the interval's contacts (by interval of
//! arrival, after the warm-up): the one-sided lower confidence bound of the service level
//! (mean − t·se at level c) is at least the target, and, with a maximum abandon rate, its
//! upper bound is at most the maximum; with a maximum occupancy, the upper bound of every
//! planned group's occupancy is at most it. Intervals without contacts always meet, as do
//! those whose contacts are all not yet due at the end of the horizon (no service level to
//! judge).
//!
//! **Limits.** Groups not planned keep their staffing. A group serving several channels
//! is given the pooled load of the channels it owns and must meet each channel's target (a
//! heuristic start, then simulation). A group staffed by shifts is planned per interval:
//! the plan replaces its shifts (`plan::schedule` rosters shifts from a group's rules
//! instead). Email and social arriving while the channel is closed for a whole interval
//! wait for the opening whatever the staffing; such intervals are not held to the target.
//! Additions grow by one agent every four rounds for large shortfalls; the removal pass then
//! takes agents off one at a time.

use crate::Error;
use crate::base::maths::student_t_quantile;
use crate::erlang::{ErlangA, agents_for_target};
use crate::plan::run::{Results, RunOptions, run};
use crate::scenario::{ChannelKind, Scenario, ServiceTarget};
use crate::stats::kpi::{ChannelKpi, GroupIntervalKpi};
use crate::stats::summary::Estimate;

/// What to optimise for.
#[derive(Debug, Clone)]
pub struct Goal {
    /// Indices of the groups planned together (at least one, each once); the others keep
    /// their staffing.
    pub groups: Vec<usize>,
    /// Service-level target for every channel of the planned groups; `None`: each
    /// channel's own.
    pub target: Option<ServiceTarget>,
    /// Largest abandon rate allowed in any interval, if any.
    pub max_abandon: Option<f64>,
    /// Largest occupancy of a planned group in any interval, if any, in (0, 1].
    pub max_occupancy: Option<f64>,
    /// Confidence of "meets the target", in [0.5, 1): 0.5 asks the mean to meet it.
    pub confidence: f64,
    /// Largest number of simulation rounds.
    pub max_rounds: usize,
}

impl Goal {
    /// Group `group` alone, each channel's own target, no caps, confidence 0.95, 60 rounds.
    pub fn one(group: usize) -> Goal {
        Goal {
            groups: vec![group],
            target: None,
            max_abandon: None,
            max_occupancy: None,
            confidence: 0.95,
            max_rounds: 60,
        }
    }
}

/// The plan of one group.
#[derive(Debug, Clone)]
pub struct GroupPlan {
    /// Index of the group.
    pub group: usize,
    /// Scheduled agents per interval of the horizon.
    pub headcount: Vec<u32>,
    /// The SIPP starting point.
    pub sipp: Vec<u32>,
    /// Scheduled agent hours (over the horizon).
    pub agent_hours: f64,
    /// Agent hours × the group's cost per hour.
    pub cost: f64,
}

/// An optimised plan.
pub struct Plan {
    /// Each planned group's plan, in the goal's order.
    pub groups: Vec<GroupPlan>,
    /// Intervals (of the horizon) where the SIPP plan missed a target in simulation.
    pub sipp_misses: Vec<usize>,
    /// The final run with the plan.
    pub results: Results,
    /// The scenario with the plan filled in.
    pub scenario: Scenario,
    /// Simulation runs made.
    pub runs: usize,
    /// Scheduled agent hours of all planned groups (over the horizon).
    pub agent_hours: f64,
    /// Their cost.
    pub cost: f64,
}

/// The scenario with the goal's groups staffed by `plans` (one per group, in order) and the
/// goal's target applied to their channels: a typed, checked change (no text is re-read).
pub(crate) fn with_plan(base: &Scenario, goal: &Goal, plans: &[Vec<u32>]) -> Result<Scenario, Error> {
    let mut s = base.clone();
    for (&g, plan) in goal.groups.iter().zip(plans) {
        s = s.with_staff_plan(g, plan)?;
    }
    if let Some(target) = goal.target {
        for c in planned_channels(base, goal) {
            s = s.with_target(c, target)?;
        }
    }
    Ok(s)
}

/// The channels served by the goal's groups, ascending.
fn planned_channels(base: &Scenario, goal: &Goal) -> Vec<usize> {
    let mut c: Vec<usize> =
        goal.groups.iter().flat_map(|&g| base.groups()[g].skills.iter().map(|s| s.channel)).collect();
    c.sort_unstable();
    c.dedup();
    c
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

/// The groups to plan: those called `names` (each once), or every group when none is named.
///
/// # Errors
///
/// [`Error::Input`] for a name that is no group (the message lists them) or given twice.
pub fn groups_named(base: &Scenario, names: &[String]) -> Result<Vec<usize>, Error> {
    if names.is_empty() {
        return Ok((0..base.groups().len()).collect());
    }
    let mut out = Vec::with_capacity(names.len());
    for n in names {
        let g = group_named(base, Some(n))?;
        if out.contains(&g) {
            return Err(Error::Input(format!("--group {n} is given twice")));
        }
        out.push(g);
    }
    Ok(out)
}

/// What misses in one interval: the planned channels below target and the planned groups
/// above the occupancy cap, each with its shortfall (how far beyond, as a share).
#[derive(Debug, Clone)]
pub(crate) struct Miss {
    /// Interval of the horizon.
    pub t: usize,
    /// `(channel, shortfall)`.
    channels: Vec<(usize, f64)>,
    /// `(group, occupancy above the cap)`.
    groups: Vec<(usize, f64)>,
}

impl Miss {
    fn total(&self) -> f64 {
        self.channels.iter().map(|x| x.1).sum::<f64>() + self.groups.iter().map(|x| x.1).sum::<f64>()
    }
}

/// The shortfall of interval `i` (counted, from 0 after the warm-up) in `results`.
fn assess_interval(results: &Results, goal: &Goal, channels: &[usize], i: usize) -> Miss {
    let s = results.scenario();
    let l = &results.layout;
    let est = &results.estimates;
    let bound = |e: Estimate| -> f64 {
        // At confidence 0.5 the mean itself must meet the target.
        if e.n < 2 || !e.sd.is_finite() || goal.confidence == 0.5 {
            return 0.0;
        }
        student_t_quantile(goal.confidence, f64::from(e.n) - 1.0) * e.se()
    };
    let t = l.first_interval + i;
    let mut miss = Miss { t, channels: Vec::new(), groups: Vec::new() };
    for &c in channels {
        let ch = &s.channels()[c];
        let offered = est[l.channel_interval(c, i, ChannelKpi::Offered)];
        if offered.mean.is_nan() || offered.mean <= 0.0 {
            continue;
        }
        // Deferred contacts arriving while the channel is closed for the whole interval
        // wait for the opening whatever the staffing: not this interval's to fix.
        let (a, b) = (t as f64 * s.interval(), (t + 1) as f64 * s.interval());
        if !ch.kind.is_live() && crate::base::steps::integral(ch.open.iter().map(|&(x, y)| (x, y, 1.0)), a, b) <= 0.0 {
            continue;
        }
        // A service level without contacts to judge (all of them not yet due at the end of
        // the horizon, or abandoned before the short-abandon time) is not a miss.
        let sl = est[l.channel_interval(c, i, ChannelKpi::ServiceLevel)];
        let low = sl.mean - bound(sl);
        let judged = sl.mean.is_finite() && low.is_finite();
        let mut short = if judged { (ch.target.share - low).max(0.0) } else { 0.0 };
        let mut missed = judged && low < ch.target.share;
        if let Some(max) = goal.max_abandon
            && ch.kind.is_live()
        {
            let ab = est[l.channel_interval(c, i, ChannelKpi::AbandonRate)];
            let high = ab.mean + bound(ab);
            if ab.mean.is_finite() && high > max {
                missed = true;
                short += high - max;
            }
        }
        if missed {
            miss.channels.push((c, short));
        }
    }
    if let Some(cap) = goal.max_occupancy {
        for &g in &goal.groups {
            let occ = est[l.group_interval(g, i, GroupIntervalKpi::Occupancy)];
            let high = occ.mean + bound(occ);
            if occ.mean.is_finite() && high > cap {
                miss.groups.push((g, high - cap));
            }
        }
    }
    miss
}

/// Every interval that misses, with its shortfall.
pub(crate) fn assess(results: &Results, goal: &Goal) -> Vec<Miss> {
    let channels = planned_channels(results.scenario(), goal);
    (0..results.layout.intervals)
        .map(|i| assess_interval(results, goal, &channels, i))
        .filter(|m| !m.channels.is_empty() || !m.groups.is_empty())
        .collect()
}

/// Intervals (of the horizon) where some planned channel misses a target (or a planned
/// group its occupancy cap).
pub(crate) fn misses(results: &Results, goal: &Goal) -> Vec<usize> {
    assess(results, goal).into_iter().map(|m| m.t).collect()
}

/// The planned group that starts with channel `c`'s load: the cheapest serving it as a
/// primary skill, else the cheapest serving it by overflow (`None`: no planned group
/// serves it).
fn owner(base: &Scenario, goal: &Goal, c: usize) -> Option<usize> {
    let serving = |primary: bool| {
        goal.groups
            .iter()
            .copied()
            .filter(|&g| base.groups()[g].skills.iter().any(|s| s.channel == c && (s.after == 0.0) == primary))
            .min_by(|&a, &b| base.groups()[a].cost_per_hour.total_cmp(&base.groups()[b].cost_per_hour))
    };
    serving(true).or_else(|| serving(false))
}

/// The SIPP plan of planned group `g`: per interval, Erlang A (or C) on the pooled load of
/// the channels it owns.
fn sipp(base: &Scenario, goal: &Goal, g: usize) -> Result<Vec<u32>, Error> {
    let group = &base.groups()[g];
    let owned: Vec<usize> =
        group.skills.iter().map(|s| s.channel).filter(|&c| owner(base, goal, c) == Some(g)).collect();
    let n = base.n_intervals();
    let len = base.interval();
    let mut plan = Vec::with_capacity(n);
    for i in 0..n {
        let (a, b) = (i as f64 * len, (i + 1) as f64 * len);
        let (mut rate, mut work, mut patience_rate, mut share, mut within) = (0.0, 0.0, 0.0, 0.0f64, f64::INFINITY);
        let (mut never, mut chat_work) = (false, 0.0);
        for &c in &owned {
            let ch = &base.channels()[c];
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
            if ch.kind == ChannelKind::Chat {
                chat_work += lambda * aht;
            }
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
        // Chat: the slots found hold `concurrency` chats per agent (the chat share of the
        // work divided accordingly).
        let agents = if group.concurrency > 1 && chat_work > 0.0 {
            let chat = chat_work / work;
            f64::from(agents) * (1.0 - chat + chat / f64::from(group.concurrency))
        } else {
            f64::from(agents)
        };
        let scheduled = (agents / (1.0 - group.shrinkage)).ceil() as u32;
        plan.push(scheduled);
    }
    Ok(plan)
}

/// The plans of a staffing comparison: for each target (`None`: each channel's own) the
/// optimised plan of `groups` together, in order, on `threads` workers; `progress` is told
/// the target's index and the simulation runs so far. What `ccsim staff` and the Python
/// `staff` compute.
///
/// # Errors
///
/// As [`optimise`] (the first target that fails); [`Error::Input`] without targets.
#[allow(clippy::too_many_arguments)]
pub fn compare(
    base: &Scenario,
    groups: &[usize],
    targets: &[Option<ServiceTarget>],
    max_abandon: Option<f64>,
    max_occupancy: Option<f64>,
    confidence: f64,
    threads: Option<usize>,
    mut progress: impl FnMut(usize, usize) + Send,
) -> Result<Vec<(Option<ServiceTarget>, Plan)>, Error> {
    if targets.is_empty() {
        return Err(Error::Input("a staffing comparison needs at least one target".into()));
    }
    let mut plans = Vec::with_capacity(targets.len());
    for (i, &target) in targets.iter().enumerate() {
        let goal = Goal { groups: groups.to_vec(), target, max_abandon, max_occupancy, confidence, max_rounds: 60 };
        let plan = super::with_threads(threads, || optimise(base, &goal, |runs| progress(i, runs)))?;
        plans.push((target, plan));
    }
    Ok(plans)
}

/// Finds the plan (see the module documentation). `progress` is told each simulation run.
///
/// # Errors
///
/// [`Error::Input`] for a goal out of range (no group, a group that does not exist or is
/// given twice, a confidence or cap out of range); [`Error::Run`] when no plan meets every
/// target within the rounds allowed.
pub fn optimise(base: &Scenario, goal: &Goal, mut progress: impl FnMut(usize)) -> Result<Plan, Error> {
    if goal.groups.is_empty() {
        return Err(Error::Input("no group to plan".into()));
    }
    for (k, &g) in goal.groups.iter().enumerate() {
        if g >= base.groups().len() {
            return Err(Error::Input(format!("no group {g}: the scenario has {}", base.groups().len())));
        }
        if goal.groups[..k].contains(&g) {
            return Err(Error::Input(format!("group `{}` is planned twice", base.groups()[g].name)));
        }
    }
    if !(goal.confidence >= 0.5 && goal.confidence < 1.0) {
        return Err(Error::Input(format!(
            "--confidence must be from 0.5 (the mean meets the target) to below 1, got {}",
            goal.confidence
        )));
    }
    if let Some(cap) = goal.max_occupancy
        && !(cap > 0.0 && cap <= 1.0)
    {
        return Err(Error::Input(format!("--max-occupancy must be a share above 0 and at most 100 %, got {cap}")));
    }
    let sipp: Vec<Vec<u32>> = goal.groups.iter().map(|&g| sipp(base, goal, g)).collect::<Result<_, _>>()?;
    let opts = RunOptions::default();
    let mut runs = 0;
    let mut evaluate = |plan: &[Vec<u32>]| -> Result<Results, Error> {
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
        let missing = assess(&current, goal);
        if missing.is_empty() {
            break;
        }
        rounds += 1;
        if rounds > goal.max_rounds {
            return Err(Error::Run(format!(
                "no plan meets every target after {} rounds; {} interval(s) still miss (the first at {} s)",
                goal.max_rounds,
                missing.len(),
                missing[0].t as f64 * base.interval()
            )));
        }
        // One agent more per missing interval, more in later rounds, for large shortfalls
        // (the removal pass takes back what is too much).
        let step = 1 + rounds as u32 / 4;
        if goal.groups.len() == 1 {
            for m in &missing {
                plan[0][m.t] += step;
            }
        } else {
            let chosen = choose(base, goal, &plan, &missing, step, &mut evaluate)?;
            for (m, k) in missing.iter().zip(chosen) {
                plan[k][m.t] += step;
            }
        }
        current = evaluate(&plan)?;
    }
    // One agent fewer wherever every interval still meets (counted intervals only: the
    // warm-up keeps its SIPP staffing); the dearest group first.
    let mut order: Vec<usize> = (0..goal.groups.len()).collect();
    order.sort_by(|&a, &b| {
        let cost = |k: usize| base.groups()[goal.groups[k]].cost_per_hour;
        cost(b).total_cmp(&cost(a)).then(a.cmp(&b))
    });
    let first_counted = base.first_counted_interval();
    for k in order {
        for i in first_counted..plan[k].len() {
            while plan[k][i] > 0 {
                plan[k][i] -= 1;
                let trial = evaluate(&plan)?;
                if misses(&trial, goal).is_empty() {
                    current = trial;
                } else {
                    plan[k][i] += 1;
                    break;
                }
            }
        }
    }
    let scenario = with_plan(base, goal, &plan)?;
    let hours = |p: &[u32]| p.iter().map(|&n| f64::from(n) * base.interval() / 3600.0).sum::<f64>();
    let groups: Vec<GroupPlan> = goal
        .groups
        .iter()
        .zip(plan.into_iter().zip(sipp))
        .map(|(&g, (headcount, sipp))| {
            let agent_hours = hours(&headcount);
            GroupPlan { group: g, agent_hours, cost: agent_hours * base.groups()[g].cost_per_hour, headcount, sipp }
        })
        .collect();
    Ok(Plan {
        agent_hours: groups.iter().map(|g| g.agent_hours).sum(),
        cost: groups.iter().map(|g| g.cost).sum(),
        groups,
        sipp_misses,
        results: current,
        scenario,
        runs,
    })
}

/// Which planned group (its position in the goal) takes the agents each missing interval
/// needs: per group, the plan with `step` more of its agents in every missing interval
/// where it could help is simulated (common random numbers); each interval takes the group
/// that removed the most shortfall there per unit of cost, or, where none helped
/// measurably, the owner of its first missing channel (or the group over its cap).
pub(crate) fn choose(
    base: &Scenario,
    goal: &Goal,
    plan: &[Vec<u32>],
    missing: &[Miss],
    step: u32,
    evaluate: &mut impl FnMut(&[Vec<u32>]) -> Result<Results, Error>,
) -> Result<Vec<usize>, Error> {
    let channels = planned_channels(base, goal);
    let helps = |k: usize, m: &Miss| {
        let g = goal.groups[k];
        m.groups.iter().any(|x| x.0 == g)
            || m.channels.iter().any(|&(c, _)| base.groups()[g].skills.iter().any(|s| s.channel == c))
    };
    // Shortfall left per missing interval with each group stronger (None: not tried).
    let mut left: Vec<Vec<Option<f64>>> = vec![vec![None; goal.groups.len()]; missing.len()];
    for k in 0..goal.groups.len() {
        if !missing.iter().any(|m| helps(k, m)) {
            continue;
        }
        let mut stronger = plan.to_vec();
        for m in missing.iter().filter(|m| helps(k, m)) {
            stronger[k][m.t] += step;
        }
        let r = evaluate(&stronger)?;
        let first = r.layout.first_interval;
        for (row, m) in left.iter_mut().zip(missing) {
            if helps(k, m) {
                row[k] = Some(assess_interval(&r, goal, &channels, m.t - first).total());
            }
        }
    }
    let chosen = missing
        .iter()
        .zip(&left)
        .map(|(m, row)| {
            let before = m.total();
            let best = row
                .iter()
                .enumerate()
                .filter_map(|(k, after)| {
                    let gain = before - (*after)?;
                    let cost = base.groups()[goal.groups[k]].cost_per_hour.max(1e-9);
                    (gain > 1e-9).then_some((k, gain / cost))
                })
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
            best.map(|b| b.0).unwrap_or_else(|| {
                let fallback = m
                    .channels
                    .first()
                    .and_then(|&(c, _)| owner(base, goal, c))
                    .or_else(|| m.groups.first().map(|x| x.0))
                    .unwrap_or(goal.groups[0]);
                goal.groups.iter().position(|&g| g == fallback).unwrap_or(0)
            })
        })
        .collect();
    Ok(chosen)
}
