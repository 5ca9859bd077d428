//! The result of scheduling: rosters of shifts for one group or several rostered together,
//! what they cost and pay, how they compare with the per-interval plan and with
//! "requirements first, then shifts", and the run that shows every interval meets its
//! target.
//!
//! JSON: `{scenario, replications, seed, confidence, groups, target, cost, paid_hours,
//! worked_hours, required_hours, efficiency, optimal, gap, rounds, lowered, removed, runs, rosters:
//! [..], shifts: [..], compared: {..}, intervals: [..], report}` — see `docs/kpis.md`
//! ("Schedule results") for every field; `report` is the rosters' run (the JSON contract of
//! a run).

use super::run::Report;
use super::select::{Scope, Selection};
use crate::Error;
use crate::base::time::{DAY, Weekday, format_clock};
use crate::plan::schedule::Schedule;
use crate::scenario::{Scenario, ServiceTarget};
use serde::{Deserialize, Serialize};

/// A roster and its run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScheduleReport {
    /// Scenario name.
    pub scenario: String,
    /// Replications of every run.
    pub replications: u32,
    /// Seed of every run.
    pub seed: u64,
    /// Confidence with which every interval meets its target, in [0.5, 1).
    pub confidence: f64,
    /// The groups rostered, in order.
    pub groups: Vec<String>,
    /// The target scheduled for (`null`: each channel's own).
    #[serde(with = "super::staffing::target_or_null")]
    pub target: Option<ServiceTarget>,
    /// Cost of the rosters: paid hours × each rule's cost per hour.
    pub cost: f64,
    /// Paid agent hours (unpaid breaks excluded).
    pub paid_hours: f64,
    /// Agent hours worked (every break excluded): Σ scheduled agents × interval.
    pub worked_hours: f64,
    /// Agent hours of the per-interval plan (the requirement of step 1).
    pub required_hours: f64,
    /// Scheduling efficiency: `required_hours / worked_hours` (1 when both are 0); above 1
    /// where the roster meets with less than the per-interval plan (a requirement lowered, or
    /// dropped where no shift works).
    pub efficiency: f64,
    /// Every group's last roster program was proved optimal.
    pub optimal: bool,
    /// The largest relative gap of those programs to their best bound (0 when optimal).
    pub gap: f64,
    /// Rounds of the simulation loop that raised the requirement.
    pub rounds: usize,
    /// Intervals whose requirement the lowering pass took one agent off.
    pub lowered: usize,
    /// Agents taken off shifts by the removal pass.
    pub removed: u32,
    /// Simulation runs in all.
    pub runs: usize,
    /// Each group's roster in totals.
    pub rosters: Vec<RosterReport>,
    /// The rosters: one row per shift worked (group, start day, start, breaks, count).
    pub shifts: Vec<ShiftReport>,
    /// The roster against the per-interval plan and against step 2 alone.
    pub compared: Compared,
    /// Per group and interval of the horizon: required, requirement and scheduled agents
    /// (the requirement may be below the required where the lowering pass found the roster
    /// meets with less).
    pub intervals: Vec<CoverageRow>,
    /// The roster's run.
    pub report: Report,
    /// The KPIs and scopes chosen (`--kpi`, `--scope`); absent: everything.
    #[serde(default, skip_serializing_if = "Selection::is_everything")]
    pub selection: Selection,
}

/// One group's roster in totals.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RosterReport {
    /// The group.
    pub group: String,
    /// Cost of its roster.
    pub cost: f64,
    /// Paid agent hours.
    pub paid_hours: f64,
    /// Agent hours worked (breaks excluded).
    pub worked_hours: f64,
    /// Agent hours of its per-interval plan (step 1).
    pub required_hours: f64,
    /// `required_hours / worked_hours` (1 when both are 0).
    pub efficiency: f64,
    /// Its last roster program was proved optimal.
    pub optimal: bool,
    /// That program's relative gap to the best bound (0 when optimal).
    pub gap: f64,
    /// Cost of its per-interval plan: agent hours × the group's cost per hour.
    pub per_interval_cost: f64,
    /// Cost of the roster of its step-1 requirement (requirements first, then shifts).
    pub requirements_first_cost: f64,
}

/// One shift of a roster.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShiftReport {
    /// The group it belongs to.
    pub group: String,
    /// The rule it comes from.
    pub rule: String,
    /// The weekday it starts on.
    pub day: Weekday,
    /// Start (s from the horizon's start).
    pub start_s: f64,
    /// Start clock, `HH:MM`.
    pub start: String,
    /// End clock, `HH:MM` (past midnight for an overnight shift).
    pub end: String,
    /// Length (s), breaks included.
    pub length_s: f64,
    /// Its breaks.
    pub breaks: Vec<BreakReport>,
    /// Agents on it.
    pub count: u32,
    /// Paid hours of one agent on it.
    pub paid_hours: f64,
    /// Cost of all its agents.
    pub cost: f64,
}

/// A break of a shift.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BreakReport {
    /// Start clock, `HH:MM`.
    pub start: String,
    /// Length (s).
    pub length_s: f64,
    /// Paid or unpaid.
    pub paid: bool,
}

/// The rosters against the plans they are compared with (totals over the groups).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Compared {
    /// The per-interval plan (step 1): its agent hours × each group's cost per hour — what
    /// shifts can at best approach, since they cannot follow every interval.
    pub per_interval_cost: f64,
    /// Its agent hours.
    pub per_interval_hours: f64,
    /// Requirements first, then shifts (step 2 alone): its cost.
    pub requirements_first_cost: f64,
    /// Its paid hours.
    pub requirements_first_paid_hours: f64,
    /// Starts (s) of the intervals where it missed a target in simulation.
    pub requirements_first_misses_start_s: Vec<f64>,
}

/// One interval of the horizon in one group.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CoverageRow {
    /// The group.
    pub group: String,
    /// Start (s from the horizon's start).
    pub start_s: f64,
    /// Agents of the per-interval plan (step 1).
    pub required: u32,
    /// Agents the final roster was solved for (raised by the loop where it missed).
    pub requirement: u32,
    /// Agents the roster puts to work (breaks excluded).
    pub scheduled: u32,
}

impl ScheduleReport {
    /// The document of `s`, scheduled from `base` at `confidence` for `target`.
    pub fn new(base: &Scenario, s: &Schedule, target: Option<ServiceTarget>, confidence: f64) -> Self {
        let interval = base.interval();
        let hours = |v: &[u32]| v.iter().map(|&n| f64::from(n) * interval / 3600.0).sum::<f64>();
        let efficiency = |required: f64, worked: f64| if worked > 0.0 { required / worked } else { 1.0 };
        let mut shifts = Vec::new();
        let mut rosters = Vec::new();
        let mut intervals = Vec::new();
        for r in &s.groups {
            let g = &base.groups()[r.group];
            let (required_hours, worked_hours) = (hours(&r.required), hours(&r.coverage));
            rosters.push(RosterReport {
                group: g.name.clone(),
                cost: r.cost,
                paid_hours: r.paid_hours,
                worked_hours,
                required_hours,
                efficiency: efficiency(required_hours, worked_hours),
                optimal: r.optimal,
                gap: r.gap,
                per_interval_cost: r.plan_cost,
                requirements_first_cost: r.first_cost,
            });
            for (p, &c) in r.patterns.iter().zip(&r.counts).filter(|(_, c)| **c > 0) {
                let rule = &g.rules[p.rule];
                let day = (p.start_s / DAY).floor();
                shifts.push(ShiftReport {
                    group: g.name.clone(),
                    rule: rule.name.clone(),
                    day: base.start_day().plus(day as usize),
                    start_s: p.start_s,
                    start: format_clock(p.start_s - day * DAY),
                    end: format_clock((p.start_s + p.length_s).rem_euclid(DAY)),
                    length_s: p.length_s,
                    breaks: p
                        .breaks_s
                        .iter()
                        .zip(&rule.breaks)
                        .map(|(&at, b)| BreakReport {
                            start: format_clock(at.rem_euclid(DAY)),
                            length_s: b.length_s,
                            paid: b.paid,
                        })
                        .collect(),
                    count: c,
                    paid_hours: p.paid_hours,
                    cost: p.cost * f64::from(c),
                });
            }
            intervals.extend((0..r.coverage.len()).map(|t| CoverageRow {
                group: g.name.clone(),
                start_s: t as f64 * interval,
                required: r.required[t],
                requirement: r.requirement[t],
                scheduled: r.coverage[t],
            }));
        }
        let sum = |f: &dyn Fn(&RosterReport) -> f64| rosters.iter().map(f).sum::<f64>();
        let (required_hours, worked_hours) = (sum(&|r| r.required_hours), sum(&|r| r.worked_hours));
        ScheduleReport {
            scenario: base.name().to_owned(),
            replications: base.replications(),
            seed: base.seed(),
            confidence,
            groups: rosters.iter().map(|r| r.group.clone()).collect(),
            target,
            cost: sum(&|r| r.cost),
            paid_hours: sum(&|r| r.paid_hours),
            worked_hours,
            required_hours,
            efficiency: efficiency(required_hours, worked_hours),
            optimal: rosters.iter().all(|r| r.optimal),
            gap: rosters.iter().map(|r| r.gap).fold(0.0, f64::max),
            rounds: s.rounds,
            lowered: s.lowered,
            removed: s.removed,
            runs: s.runs,
            compared: Compared {
                per_interval_cost: sum(&|r| r.per_interval_cost),
                per_interval_hours: required_hours,
                requirements_first_cost: sum(&|r| r.requirements_first_cost),
                requirements_first_paid_hours: s.groups.iter().map(|g| g.first_paid_hours).sum(),
                requirements_first_misses_start_s: s.first_misses.iter().map(|&t| t as f64 * interval).collect(),
            },
            rosters,
            shifts,
            intervals,
            report: Report::from(&s.results),
            selection: Selection::default(),
        }
    }

    /// The target as planners read it: `80 % in 20s`, or `each channel's own target`.
    pub fn label(&self) -> String {
        match self.target {
            Some(t) => format!("{:.0} % in {}", 100.0 * t.share, crate::base::time::format_duration(t.within)),
            None => "each channel's own target".into(),
        }
    }

    /// The document narrowed to `sel` (see [`Report::select`]); the run keeps its intervals.
    pub fn select(&mut self, sel: &Selection) {
        let mut keep = sel.clone();
        if !keep.scopes.is_empty() && !keep.scopes.contains(&Scope::Intervals) {
            keep.scopes.push(Scope::Intervals);
        }
        self.report.select(&keep);
        self.selection = sel.clone();
    }

    /// Reads the JSON result of scheduling (what `ccsim schedule --format json` writes).
    ///
    /// # Errors
    ///
    /// [`Error::Input`] naming the first field that is missing or of the wrong type.
    pub fn from_json(json: &str) -> Result<ScheduleReport, Error> {
        crate::base::serde_maps::read_json(&mut serde_json::Deserializer::from_str(json))
            .map_err(|e| Error::Input(format!("not a schedule result: {e}")))
    }
}
