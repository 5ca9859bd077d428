//! Shared test helpers: a scenario builder (so that tests say only what matters to them,
//! not a whole TOML file) and report accessors.

use ccsim::plan::run::{Results, RunOptions, run};
use ccsim::report::Report;
use ccsim::scenario::Scenario;
use ccsim::stats::kpi::{ChannelKpi, GroupKpi};
use ccsim::stats::summary::Estimate;

/// A duration as TOML: plain seconds stay numbers, anything with a unit is quoted.
fn dur(s: &str) -> String {
    if s.parse::<f64>().is_ok() { s.to_owned() } else { format!("\"{s}\"") }
}

/// A scenario under construction; `toml()` writes it out.
#[derive(Clone)]
pub struct ScenarioBuilder {
    head: Vec<String>,
    routing: Vec<String>,
    channels: Vec<ChannelBuilder>,
    groups: Vec<GroupBuilder>,
}

/// A scenario called `name`: seed 1, 10 replications, 24 h in 30 min intervals unless set.
pub fn scenario(name: &str) -> ScenarioBuilder {
    ScenarioBuilder {
        head: vec![format!("name = {name:?}"), "horizon = \"24h\"".into()],
        routing: Vec::new(),
        channels: Vec::new(),
        groups: Vec::new(),
    }
}

impl ScenarioBuilder {
    /// Sets a top-level key to a TOML value (replacing an earlier one).
    pub fn set(mut self, key: &str, value: impl std::fmt::Display) -> Self {
        self.head.retain(|l| !l.starts_with(&format!("{key} =")));
        self.head.push(format!("{key} = {value}"));
        self
    }
    pub fn seed(self, seed: u64) -> Self {
        self.set("seed", seed)
    }
    pub fn replications(self, n: u32) -> Self {
        self.set("replications", n)
    }
    pub fn horizon(self, d: &str) -> Self {
        self.set("horizon", dur(d))
    }
    pub fn interval(self, d: &str) -> Self {
        self.set("interval", dur(d))
    }
    pub fn warmup(self, d: &str) -> Self {
        self.set("warmup", dur(d))
    }
    pub fn routing(mut self, policy: &str, live_first: bool) -> Self {
        self.routing = vec![format!("policy = {policy:?}"), format!("live_first = {live_first}")];
        self
    }
    pub fn channel(mut self, c: ChannelBuilder) -> Self {
        self.channels.push(c);
        self
    }
    pub fn group(mut self, g: GroupBuilder) -> Self {
        self.groups.push(g);
        self
    }

    /// The scenario file.
    pub fn toml(&self) -> String {
        let mut t = self.head.join("\n") + "\n";
        if !self.routing.is_empty() {
            t += &format!("[routing]\n{}\n", self.routing.join("\n"));
        }
        for c in &self.channels {
            t += &c.toml();
        }
        for g in &self.groups {
            t += &format!("[[agents]]\n{}\n", g.lines.join("\n"));
        }
        t
    }

    /// The checked scenario (panics with the located problems if it is refused).
    pub fn load(&self) -> Scenario {
        Scenario::from_toml(&self.toml(), "test.toml").unwrap_or_else(|e| panic!("{e}\n{}", self.toml()))
    }

    /// Runs it with its own replications and seed.
    pub fn report(&self) -> Report {
        run(self.load(), &RunOptions::default()).unwrap().report()
    }
}

/// A channel under construction.
#[derive(Clone)]
pub struct ChannelBuilder {
    lines: Vec<String>,
    types: Vec<String>,
}

/// A channel of `kind` with an 80 % in 20 s target, no arrivals and a 4 min exponential
/// handle time unless set.
pub fn channel(name: &str, kind: &str) -> ChannelBuilder {
    ChannelBuilder {
        lines: vec![
            format!("name = {name:?}"),
            format!("kind = {kind:?}"),
            "service_level = { target = 0.8, within = \"20s\" }".into(),
            "arrivals = { per_hour = 0 }".into(),
            "handle_time = { dist = \"exponential\", mean = \"4m\" }".into(),
        ],
        types: Vec::new(),
    }
}

impl ChannelBuilder {
    /// Sets a key of the channel to a TOML value (replacing an earlier one).
    pub fn set(mut self, key: &str, value: impl std::fmt::Display) -> Self {
        self.lines.retain(|l| !l.starts_with(&format!("{key} =")));
        self.lines.push(format!("{key} = {value}"));
        self
    }
    pub fn service_level(self, target: f64, within: &str) -> Self {
        self.set("service_level", format!("{{ target = {target}, within = {} }}", dur(within)))
    }
    pub fn per_hour(self, rate: f64) -> Self {
        self.set("arrivals", format!("{{ per_hour = {rate} }}"))
    }
    pub fn exponential_handle(self, mean: &str) -> Self {
        self.set("handle_time", format!("{{ dist = \"exponential\", mean = {} }}", dur(mean)))
    }
    pub fn exponential_patience(self, mean: &str) -> Self {
        self.set("patience", format!("{{ dist = \"exponential\", mean = {} }}", dur(mean)))
    }
    pub fn open(self, from: &str, to: &str) -> Self {
        self.set("open", format!("{{ from = {from:?}, to = {to:?} }}"))
    }
    /// Adds a contact type with its share and priority (and extra TOML lines).
    pub fn contact_type(mut self, name: &str, share: f64, priority: u32, extra: &[&str]) -> Self {
        let mut t = format!("[[channel.type]]\nname = {name:?}\nshare = {share}\npriority = {priority}\n");
        for l in extra {
            t += l;
            t.push('\n');
        }
        self.types.push(t);
        self
    }
    fn toml(&self) -> String {
        format!("[[channel]]\n{}\n{}", self.lines.join("\n"), self.types.concat())
    }
}

/// An agent group under construction.
#[derive(Clone)]
pub struct GroupBuilder {
    lines: Vec<String>,
}

/// A group serving `skills` (channel names, in preference order) with one agent unless set.
pub fn group(name: &str, skills: &[&str]) -> GroupBuilder {
    let skills: Vec<String> = skills.iter().map(|s| format!("{s:?}")).collect();
    GroupBuilder {
        lines: vec![format!("name = {name:?}"), format!("skills = [{}]", skills.join(", ")), "staff = 1".into()],
    }
}

impl GroupBuilder {
    /// Sets a key of the group to a TOML value (replacing an earlier one).
    pub fn set(mut self, key: &str, value: impl std::fmt::Display) -> Self {
        self.lines.retain(|l| !l.starts_with(&format!("{key} =")));
        self.lines.push(format!("{key} = {value}"));
        self
    }
    pub fn staff(self, n: u32) -> Self {
        self.set("staff", n)
    }
}

/// A channel KPI of a report.
pub fn ch(r: &Report, name: &str, k: ChannelKpi) -> Estimate {
    r.channel(name).and_then(|c| c.get(k)).unwrap_or_else(|| panic!("{name}.{k:?}"))
}

/// A group KPI of a report.
pub fn grp(r: &Report, name: &str, k: GroupKpi) -> Estimate {
    r.group(name).and_then(|g| g.get(k)).unwrap_or_else(|| panic!("{name}.{k:?}"))
}

/// The first of `candidates` that runs (`--version`), for a test that needs a tool beyond
/// the Rust toolchain (Chromium, Slurm, Python). Without it the test is skipped and says
/// so on the terminal — unless `CI=true`, where `.ci/run` installs the tool and the test
/// is required: then its absence fails the test.
pub fn tool(test: &str, candidates: &[&str], what: &str) -> Option<String> {
    let found = candidates
        .iter()
        .find(|b| std::process::Command::new(b).arg("--version").output().is_ok_and(|o| o.status.success()));
    match found {
        Some(b) => Some((*b).to_string()),
        None if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{test} needs {what}, and is required under CI=true (.ci/run installs it)")
        }
        None => {
            // Straight to the terminal: the test harness captures only the print macros.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {test}: needs {what}, which is not installed here (required when CI=true)"
            );
            None
        }
    }
}

/// `results.report()`: the run's report document (the library builds it with
/// `Report::from(&results)`, keeping planning below documents).
pub trait ReportOf {
    /// The report of a finished run.
    fn report(&self) -> Report;
}

impl ReportOf for Results {
    fn report(&self) -> Report {
        Report::from(self)
    }
}
