//! The result of the staffing optimiser: for each target compared, the plan (agents per
//! interval), its Erlang starting point, its cost, and the run that shows it meets the
//! target.
//!
//! JSON: `{scenario, replications, seed, plans: [{target, group, agent_hours, cost, runs,
//! plan, sipp, sipp_misses_start_s, groups, report}]}` where `target` is `{"share",
//! "within_s"}` or `null` (each channel's own target), `groups` one `{group, plan, sipp,
//! agent_hours, cost}` per group planned together, `group`, `plan` and `sipp` those of the
//! first of them, `agent_hours` and `cost` the totals over them, and `report` the plan's
//! run (the JSON contract of a run).

use super::run::Report;
use super::select::{Scope, Selection};
use crate::Error;
use crate::plan::staffing::Plan;
use crate::scenario::{Scenario, ServiceTarget};
use serde::{Deserialize, Serialize};

/// A staffing comparison: one plan per target.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StaffingReport {
    /// Scenario name.
    pub scenario: String,
    /// Replications of every run.
    pub replications: u32,
    /// Seed of every run.
    pub seed: u64,
    /// Confidence with which every interval meets its target, in [0.5, 1) (not written:
    /// NaN when read back).
    #[serde(skip, default = "crate::base::serde_maps::nan")]
    pub confidence: f64,
    /// One plan per target, in the order given.
    pub plans: Vec<PlanReport>,
    /// The KPIs and scopes chosen (`--kpi`, `--scope`); absent: everything.
    #[serde(default, skip_serializing_if = "Selection::is_everything")]
    pub selection: Selection,
}

/// One optimised plan.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlanReport {
    /// The target planned for (`None`: each channel's own).
    #[serde(with = "target_or_null")]
    pub target: Option<ServiceTarget>,
    /// The group planned (the first, when several are planned together).
    pub group: String,
    /// Scheduled agent hours over the horizon (of all groups planned).
    pub agent_hours: f64,
    /// Agent hours × each group's cost per hour, summed.
    pub cost: f64,
    /// Simulation runs the optimiser made.
    pub runs: usize,
    /// Scheduled agents per interval of the horizon.
    pub plan: Vec<u32>,
    /// The Erlang (SIPP) starting point, per interval.
    pub sipp: Vec<u32>,
    /// Starts (s) of the intervals where the SIPP plan missed a target in simulation.
    pub sipp_misses_start_s: Vec<f64>,
    /// Every group planned, in order (results written before groups were planned together
    /// read back with none: the top-level fields are the one group's).
    #[serde(default)]
    pub groups: Vec<GroupPlanReport>,
    /// The plan's run.
    pub report: Report,
}

/// One group's part of a plan.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GroupPlanReport {
    /// The group.
    pub group: String,
    /// Scheduled agents per interval of the horizon.
    pub plan: Vec<u32>,
    /// The Erlang (SIPP) starting point, per interval.
    pub sipp: Vec<u32>,
    /// Scheduled agent hours over the horizon.
    pub agent_hours: f64,
    /// Agent hours × the group's cost per hour.
    pub cost: f64,
}

impl StaffingReport {
    /// The document of `plans` (each with the target it was planned for) of `base`, planned
    /// at `confidence`.
    pub fn new(base: &Scenario, confidence: f64, plans: &[(Option<ServiceTarget>, Plan)]) -> Self {
        let interval = base.interval();
        StaffingReport {
            scenario: base.name().to_owned(),
            replications: base.replications(),
            seed: base.seed(),
            confidence,
            plans: plans
                .iter()
                .map(|(target, p)| {
                    let groups: Vec<GroupPlanReport> = p
                        .groups
                        .iter()
                        .map(|g| GroupPlanReport {
                            group: base.groups()[g.group].name.clone(),
                            plan: g.headcount.clone(),
                            sipp: g.sipp.clone(),
                            agent_hours: g.agent_hours,
                            cost: g.cost,
                        })
                        .collect();
                    PlanReport {
                        target: *target,
                        group: groups[0].group.clone(),
                        agent_hours: p.agent_hours,
                        cost: p.cost,
                        runs: p.runs,
                        plan: groups[0].plan.clone(),
                        sipp: groups[0].sipp.clone(),
                        sipp_misses_start_s: p.sipp_misses.iter().map(|&i| i as f64 * interval).collect(),
                        groups,
                        report: Report::from(&p.results),
                    }
                })
                .collect(),
            selection: Selection::default(),
        }
    }

    /// The comparison narrowed to `sel` (see [`Report::select`]): each plan's run keeps its
    /// intervals (the plan is read interval by interval) and the chosen KPIs, which its
    /// tables and CSV then show beside the plan.
    pub fn select(&mut self, sel: &Selection) {
        let mut keep = sel.clone();
        if !keep.scopes.is_empty() && !keep.scopes.contains(&Scope::Intervals) {
            keep.scopes.push(Scope::Intervals);
        }
        for p in &mut self.plans {
            p.report.select(&keep);
        }
        self.selection = sel.clone();
    }

    /// Reads the JSON result of a staffing comparison (what `ccsim staff --format json`
    /// writes).
    ///
    /// # Errors
    ///
    /// [`Error::Input`] naming the first field that is missing or of the wrong type.
    pub fn from_json(json: &str) -> Result<StaffingReport, Error> {
        crate::base::serde_maps::read_json(&mut serde_json::Deserializer::from_str(json))
            .map_err(|e| Error::Input(format!("not a staffing result: {e}")))
    }
}

impl PlanReport {
    /// Every group planned: `groups`, or, in a result written before groups were planned
    /// together, the one group of the top-level fields.
    pub fn group_plans(&self) -> Vec<GroupPlanReport> {
        if !self.groups.is_empty() {
            return self.groups.clone();
        }
        vec![GroupPlanReport {
            group: self.group.clone(),
            plan: self.plan.clone(),
            sipp: self.sipp.clone(),
            agent_hours: self.agent_hours,
            cost: self.cost,
        }]
    }

    /// The target as planners read it: `80 % in 20s`, or `each channel's own`.
    pub fn label(&self) -> String {
        match self.target {
            Some(t) => format!("{:.0} % in {}", 100.0 * t.share, crate::base::time::format_duration(t.within)),
            None => "each channel's own target".into(),
        }
    }
}

/// A staffing target as `{"share": s, "within_s": w}`, or `null` for each channel's own.
pub(crate) mod target_or_null {
    use crate::scenario::ServiceTarget;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    struct Shape {
        share: f64,
        within_s: f64,
    }

    pub fn serialize<S: Serializer>(t: &Option<ServiceTarget>, s: S) -> Result<S::Ok, S::Error> {
        t.map(|t| Shape { share: t.share, within_s: t.within }).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ServiceTarget>, D::Error> {
        Ok(Option::<Shape>::deserialize(d)?.map(|x| ServiceTarget { share: x.share, within: x.within_s }))
    }
}
