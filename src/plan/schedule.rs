//! Scheduling: the cheapest roster of shifts of one group — or of several groups rostered
//! together — from their shift rules (`[[agents.rule]]`), such that every interval of every
//! channel they serve meets its target at the stated confidence **in simulation of the
//! roster itself**.
//!
//! **Method** (issue 27; in the spirit of Atlason, Epelman & Henderson 2008, with the
//! requirement per interval as the cut):
//! 1. *Requirements*: the simulation-refined per-interval plan of `plan::staffing` (SIPP,
//!    then simulation with common random numbers until every interval meets, then one
//!    agent fewer wherever all still meet) — of all the groups together.
//! 2. *Roster*: per group, the cheapest shifts covering its requirement (`plan::roster`, a
//!    set-covering integer program with break placement, solved by microlp).
//! 3. *Simulation loop*: the rostered scenario is simulated (same seed: common random
//!    numbers); every interval that misses gets a requirement of one more agent than the
//!    roster puts there — in the group that buys the most missing service per unit of cost
//!    there, judged by simulation as in staffing, when several are rostered — and the
//!    program is solved again, until none misses. Then, interval by interval, the
//!    requirement is lowered by one agent wherever the roster has none to spare there, if
//!    the roster solved again (that day's program only) is cheaper and still meets — the
//!    neighbours a shift lifts may carry an interval with less than its per-interval
//!    requirement. Last, shifts are removed one agent at a time, dearest pattern first,
//!    while every interval still meets and the rules' limits hold.
//!
//! The roster after step 2 is "requirements first, then shifts" (the usual two-step
//! method); it is simulated too and reported, so the loop's effect is seen: the loop adds
//! agents where the roster's shape (breaks, a shift ending before the queue clears) leaves
//! an interval short, and removes them where shifts cover more than the requirement.
//!
//! **Intervals no shift works.** Where no shift of a group's rules works an interval that
//! the per-interval plan staffs (email arriving at night, say), that requirement is
//! dropped; if the roster then misses there, the agent the loop adds goes to the next
//! interval a shift works (the morning that serves the night's email).
//!
//! **Limits.** The horizon is at most a week (a roster is written per weekday). Groups
//! not rostered keep their staffing. A rostered group may be staffed by `staff` or by
//! shifts: both are replaced by the roster.

use crate::Error;
use crate::base::time::{DAY, format_when};
use crate::plan::roster::{Pattern, cheapest_again, cheapest_named, patterns};
use crate::plan::run::{Results, RunOptions, run};
use crate::plan::staffing::{Goal, assess, choose, misses, optimise, with_plan};
use crate::scenario::rules::ShiftEntry;
use crate::scenario::{Scenario, ServiceTarget};

/// The roster of one group.
#[derive(Debug, Clone)]
pub struct GroupRoster {
    /// Index of the group.
    pub group: usize,
    /// Every pattern its rules allow.
    pub patterns: Vec<Pattern>,
    /// Agents on each pattern.
    pub counts: Vec<u32>,
    /// Step 1: the simulation-refined per-interval plan (scheduled agents per interval).
    pub required: Vec<u32>,
    /// The requirement the final roster was solved for (step 3 raises it where the roster
    /// missed).
    pub requirement: Vec<u32>,
    /// Agents working per interval (breaks excluded) in the roster.
    pub coverage: Vec<u32>,
    /// Cost of the roster (paid hours × each rule's cost per hour).
    pub cost: f64,
    /// Paid agent hours.
    pub paid_hours: f64,
    /// Its last roster program was proved optimal.
    pub optimal: bool,
    /// That program's relative gap to the best bound (0 when optimal).
    pub gap: f64,
    /// Step 2 alone: the cost of the roster of the step-1 requirement.
    pub first_cost: f64,
    /// Its paid hours.
    pub first_paid_hours: f64,
    /// Cost of the step-1 plan (agent hours × the group's cost per hour).
    pub plan_cost: f64,
}

/// Rosters found by [`schedule`].
pub struct Schedule {
    /// Each rostered group's roster, in the goal's order.
    pub groups: Vec<GroupRoster>,
    /// Intervals (of the horizon) where step 2 alone ("requirements first, then shifts")
    /// missed a target in simulation.
    pub first_misses: Vec<usize>,
    /// Rounds of the loop that raised a requirement.
    pub rounds: usize,
    /// Intervals whose requirement the lowering pass took one agent off.
    pub lowered: usize,
    /// Agents taken off shifts in the removal pass.
    pub removed: u32,
    /// Simulation runs in all (step 1 included).
    pub runs: usize,
    /// The final run: the rostered scenario.
    pub results: Results,
    /// The scenario with the rosters as `[[agents.shift]]` entries (and the goal's target).
    pub scenario: Scenario,
}

impl Schedule {
    /// Cost of all rosters.
    pub fn cost(&self) -> f64 {
        self.groups.iter().map(|g| g.cost).sum()
    }
}

/// Agents working per interval of `n` with `counts` on `patterns`.
fn coverage(patterns: &[Pattern], counts: &[u32], n: usize) -> Vec<u32> {
    let mut cov = vec![0u32; n];
    for (p, &c) in patterns.iter().zip(counts) {
        for &t in &p.works {
            if t < n {
                cov[t] += c;
            }
        }
    }
    cov
}

/// Whether `counts` keep every pattern's minimum and every rule's share of each day.
fn within_limits(patterns: &[Pattern], counts: &[u32]) -> bool {
    if patterns.iter().zip(counts).any(|(p, &c)| c > 0 && (c < p.min || c > p.max)) {
        return false;
    }
    let days = patterns.iter().map(|p| p.day + 1).max().unwrap_or(0);
    for p in patterns.iter().filter(|p| p.max_share.is_some()) {
        let share = p.max_share.unwrap_or(1.0);
        for d in 0..days {
            let of_day = |rule: Option<usize>| -> u32 {
                patterns
                    .iter()
                    .zip(counts)
                    .filter(|(q, _)| q.day == d && rule.is_none_or(|r| q.rule == r))
                    .map(|(_, &c)| c)
                    .sum()
            };
            if f64::from(of_day(Some(p.rule))) > share * f64::from(of_day(None)) + 1e-9 {
                return false;
            }
        }
    }
    true
}

/// The roster of group `g` as `[[agents.shift]]` entries of a horizon starting on `base`'s
/// start day: patterns with agents, the same shift on several days merged into one entry.
pub fn entries(base: &Scenario, g: usize, patterns: &[Pattern], counts: &[u32]) -> Vec<ShiftEntry> {
    let rules = &base.groups()[g].rules;
    let mut out: Vec<ShiftEntry> = Vec::new();
    for (p, &c) in patterns.iter().zip(counts) {
        if c == 0 {
            continue;
        }
        let day = (p.start_s / DAY).floor() as usize;
        let weekday = base.start_day().plus(day);
        let start = p.start_s - day as f64 * DAY;
        let breaks: Vec<(f64, f64)> = p
            .breaks_s
            .iter()
            .zip(&rules[p.rule].breaks)
            .map(|(&at, b)| ((at - day as f64 * DAY).rem_euclid(DAY), b.length_s))
            .collect();
        let same = |e: &&mut ShiftEntry| {
            e.start_s == start
                && e.length_s == p.length_s
                && e.count == c
                && e.breaks == breaks
                && !e.days.contains(&weekday)
        };
        match out.iter_mut().find(same) {
            Some(e) => e.days.push(weekday),
            None => {
                out.push(ShiftEntry { start_s: start, length_s: p.length_s, days: vec![weekday], count: c, breaks })
            }
        }
    }
    out
}

/// Finds the rosters (see the module documentation) of `goal.groups` from their rules.
/// `progress` is told each simulation run.
///
/// # Errors
///
/// [`Error::Input`] for a goal out of range, a group without `[[agents.rule]]` entries, a
/// horizon longer than a week, or rules whose limits cannot cover an interval (named);
/// [`Error::Run`] when no roster meets every target within the rounds allowed.
pub fn schedule(base: &Scenario, goal: &Goal, mut progress: impl FnMut(usize)) -> Result<Schedule, Error> {
    for &g in &goal.groups {
        let group = base.groups().get(g).ok_or_else(|| Error::Input(format!("no group {g}")))?;
        if group.rules.is_empty() {
            return Err(Error::Input(format!(
                "group `{}` has no [[agents.rule]] entries: scheduling needs the shifts it may use (docs/model.md §18.2)",
                group.name
            )));
        }
    }
    if base.horizon() > 7.0 * DAY + 1e-9 {
        return Err(Error::Input(format!(
            "the horizon is {} days; a roster is written per weekday, so scheduling covers at most a week",
            base.horizon() / DAY
        )));
    }
    let n = base.n_intervals();
    let interval = base.interval();
    let pats: Vec<Vec<Pattern>> =
        goal.groups.iter().map(|&g| patterns(&base.groups()[g].rules, interval, n)).collect::<Result<_, _>>()?;
    let label = |k: usize| {
        let g = &base.groups()[goal.groups[k]];
        move |t: usize| format!("{} at {}", g.name, format_when(t as f64 * interval, base.start_day()))
    };
    let solve = |k: usize, need: &[u32]| cheapest_named(need, &pats[k], label(k));
    let mut runs = 0;
    // Step 1: the per-interval requirement of every group.
    let plan = optimise(base, goal, &mut progress)?;
    runs += plan.runs;
    let required: Vec<Vec<u32>> = plan.groups.iter().map(|g| g.headcount.clone()).collect();
    // Intervals some shift of a group's rules works. Where none does (deferred work arriving
    // at night), the per-interval requirement cannot be rostered: it is dropped, and an agent
    // the loop adds there goes to the next interval a shift works (the morning that serves
    // the night's email).
    let workable: Vec<Vec<bool>> = pats
        .iter()
        .map(|ps| {
            let mut w = vec![false; n];
            for p in ps {
                for &t in p.works.iter().filter(|&&t| t < n) {
                    w[t] = true;
                }
            }
            w
        })
        .collect();
    let shift_to = |k: usize, t: usize| -> usize { (t..n).chain((0..t).rev()).find(|&u| workable[k][u]).unwrap_or(t) };
    let opts = RunOptions::default();
    let mut evaluate = |cov: &[Vec<u32>]| -> Result<Results, Error> {
        runs += 1;
        progress(runs);
        run(with_plan(base, goal, cov)?, &opts)
    };
    // Step 2: the roster of the requirement, simulated.
    let mut requirement: Vec<Vec<u32>> = required
        .iter()
        .enumerate()
        .map(|(k, r)| r.iter().enumerate().map(|(t, &x)| if workable[k][t] { x } else { 0 }).collect())
        .collect();
    let mut rosters = (0..goal.groups.len()).map(|k| solve(k, &requirement[k])).collect::<Result<Vec<_>, _>>()?;
    let firsts: Vec<(f64, f64)> =
        rosters.iter().enumerate().map(|(k, r)| (r.cost, paid_hours(&pats[k], &r.counts))).collect();
    let coverages =
        |rosters: &[crate::plan::roster::Roster]| rosters.iter().map(|r| r.coverage.clone()).collect::<Vec<_>>();
    let mut current = evaluate(&coverages(&rosters))?;
    let first_misses = misses(&current, goal);
    // Step 3: raise the requirement where the roster misses, until none does.
    let mut rounds = 0;
    loop {
        let missing = assess(&current, goal);
        if missing.is_empty() {
            break;
        }
        rounds += 1;
        if rounds > goal.max_rounds {
            return Err(Error::Run(format!(
                "no roster meets every target after {} rounds; {} interval(s) still miss (the first at {})",
                goal.max_rounds,
                missing.len(),
                format_when(missing[0].t as f64 * interval, base.start_day())
            )));
        }
        let cov = coverages(&rosters);
        let chosen = if goal.groups.len() == 1 {
            vec![0; missing.len()]
        } else {
            choose(base, goal, &cov, &missing, 1, &mut evaluate)?
        };
        let mut changed = vec![false; goal.groups.len()];
        for (m, k) in missing.iter().zip(chosen) {
            let t = shift_to(k, m.t);
            requirement[k][t] = requirement[k][t].max(cov[k][t]) + 1;
            changed[k] = true;
        }
        for (k, roster) in rosters.iter_mut().enumerate() {
            if changed[k] {
                *roster = solve(k, &requirement[k])?;
            }
        }
        current = evaluate(&coverages(&rosters))?;
    }
    // Then the requirement one agent lower, interval by interval, wherever the roster has no
    // agent to spare there, if the roster solved again is cheaper and still meets: shifts
    // that overlap a stretch lift its neighbours, so the per-interval requirement may be
    // more than the roster needs.
    let mut lowered = 0;
    for k in 0..goal.groups.len() {
        for t in base.first_counted_interval()..n {
            if requirement[k][t] == 0 || rosters[k].coverage[t] > requirement[k][t] {
                continue;
            }
            let mut need = requirement[k].clone();
            need[t] -= 1;
            let trial = cheapest_again(&need, &pats[k], &rosters[k], t, label(k))?;
            if trial.cost >= rosters[k].cost - 1e-9 {
                continue;
            }
            let mut cov = coverages(&rosters);
            cov[k].clone_from(&trial.coverage);
            if misses(&evaluate(&cov)?, goal).is_empty() {
                requirement[k] = need;
                rosters[k] = trial;
                lowered += 1;
            }
        }
    }
    // Then one agent off a shift at a time, dearest pattern first, while all still meet.
    let quality: Vec<(bool, f64)> = rosters.iter().map(|r| (r.optimal, r.gap)).collect();
    let mut counts: Vec<Vec<u32>> = rosters.into_iter().map(|r| r.counts).collect();
    let mut order: Vec<(usize, usize)> = (0..counts.len())
        .flat_map(|k| (0..pats[k].len()).map(move |j| (k, j)))
        .filter(|&(k, j)| counts[k][j] > 0)
        .collect();
    order.sort_by(|&(ka, a), &(kb, b)| pats[kb][b].cost.total_cmp(&pats[ka][a].cost).then((ka, a).cmp(&(kb, b))));
    let mut removed = 0;
    for (k, j) in order {
        while counts[k][j] > 0 {
            counts[k][j] -= 1;
            if !within_limits(&pats[k], &counts[k]) {
                counts[k][j] += 1;
                break;
            }
            let cov: Vec<Vec<u32>> = (0..counts.len()).map(|q| coverage(&pats[q], &counts[q], n)).collect();
            let trial = evaluate(&cov)?;
            if misses(&trial, goal).is_empty() {
                removed += 1;
            } else {
                counts[k][j] += 1;
                break;
            }
        }
    }
    // The rosters as written: the scenario with the shifts, simulated once more from its
    // own headcount (the same steps as the coverage evaluated, so the same run).
    let mut scenario = base.clone();
    if let Some(target) = goal.target {
        let mut chans: Vec<usize> =
            goal.groups.iter().flat_map(|&g| base.groups()[g].skills.iter().map(|s| s.channel)).collect();
        chans.sort_unstable();
        chans.dedup();
        for c in chans {
            scenario = scenario.with_target(c, target)?;
        }
    }
    for (k, &g) in goal.groups.iter().enumerate() {
        scenario = scenario.with_shifts(g, &entries(base, g, &pats[k], &counts[k]))?;
    }
    let mut groups = Vec::with_capacity(goal.groups.len());
    for (k, ((&g, pats), counts)) in goal.groups.iter().zip(pats).zip(counts).enumerate() {
        let cov = coverage(&pats, &counts, n);
        if (0..n).any(|t| scenario.groups()[g].headcount.at((t as f64 + 0.5) * interval) != cov[t]) {
            return Err(Error::Run("the written shifts do not give the roster's headcount (a defect)".into()));
        }
        groups.push(GroupRoster {
            group: g,
            cost: pats.iter().zip(&counts).map(|(p, &c)| p.cost * f64::from(c)).sum(),
            paid_hours: paid_hours(&pats, &counts),
            optimal: quality[k].0,
            gap: quality[k].1,
            first_cost: firsts[k].0,
            first_paid_hours: firsts[k].1,
            plan_cost: plan.groups[k].cost,
            patterns: pats,
            counts,
            required: required[k].clone(),
            requirement: requirement[k].clone(),
            coverage: cov,
        });
    }
    let results = run(scenario.clone(), &opts)?;
    runs += 1;
    progress(runs);
    Ok(Schedule { groups, first_misses, rounds, lowered, removed, runs, results, scenario })
}

/// Paid agent hours of `counts` on `patterns`.
fn paid_hours(patterns: &[Pattern], counts: &[u32]) -> f64 {
    patterns.iter().zip(counts).map(|(p, &c)| p.paid_hours * f64::from(c)).sum()
}

/// The rosters of `groups` together for `target` on `threads` workers: what
/// `ccsim schedule` and the Python `schedule` compute.
///
/// # Errors
///
/// As [`schedule`].
#[allow(clippy::too_many_arguments)]
pub fn schedule_groups(
    base: &Scenario,
    groups: &[usize],
    target: Option<ServiceTarget>,
    max_abandon: Option<f64>,
    max_occupancy: Option<f64>,
    confidence: f64,
    threads: Option<usize>,
    progress: impl FnMut(usize) + Send,
) -> Result<Schedule, Error> {
    let goal = Goal { groups: groups.to_vec(), target, max_abandon, max_occupancy, confidence, max_rounds: 60 };
    super::with_threads(threads, || schedule(base, &goal, progress))
}
