//! A scenario compiled to run, with the layout of its KPI vector.

use crate::Error;
use crate::engine::Model;
use crate::scenario::Scenario;
use crate::stats::kpi::{self, Layout};

/// A scenario compiled to run: the engine's model, and where each KPI sits in a
/// replication's KPI vector.
pub struct Variant {
    /// The compiled model (it holds the scenario).
    pub model: Model,
    /// Where each KPI sits in a replication's KPI vector.
    pub layout: Layout,
}

impl Variant {
    /// Compiles a checked scenario.
    pub fn new(scenario: Scenario) -> Variant {
        let layout = Layout::new(&scenario);
        Variant { model: Model::compile(scenario), layout }
    }

    /// The scenario it was compiled from.
    pub fn scenario(&self) -> &Scenario {
        &self.model.scenario
    }

    /// Runs replication `rep` and returns its KPI vector.
    ///
    /// # Errors
    ///
    /// [`Error::Run`] when the replication outgrows memory.
    pub fn kpis(&self, rep: u64) -> Result<Vec<f64>, Error> {
        Ok(kpi::compute(&self.model.scenario, &self.layout, &crate::stats::tally::replicate(&self.model, rep)?))
    }
}
