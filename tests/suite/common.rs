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

/// A distribution that always gives `value` (a duration), as TOML.
pub fn deterministic(value: &str) -> String {
    format!("{{ dist = \"deterministic\", value = {} }}", dur(value))
}

/// An exponential distribution of mean `mean` (a duration), as TOML.
pub fn exponential(mean: &str) -> String {
    format!("{{ dist = \"exponential\", mean = {} }}", dur(mean))
}

/// A table of an array (`[[segment]]`, `[[event]]`): its name and further TOML lines.
fn array_table(table: &str, name: &str, lines: &[&str]) -> String {
    let mut t = format!("[[{table}]]\nname = {name:?}\n");
    for l in lines {
        t += l;
        t.push('\n');
    }
    t
}

/// A scenario under construction; `toml()` writes it out.
#[derive(Clone)]
pub struct ScenarioBuilder {
    head: Vec<String>,
    routing: Vec<String>,
    channels: Vec<ChannelBuilder>,
    groups: Vec<GroupBuilder>,
    /// `[[segment]]` and `[[event]]` tables, in order.
    tables: Vec<String>,
}

/// A scenario called `name`: seed 1, 10 replications, 24 h in 30 min intervals unless set.
pub fn scenario(name: &str) -> ScenarioBuilder {
    ScenarioBuilder {
        head: vec![format!("name = {name:?}"), "horizon = \"24h\"".into()],
        routing: Vec::new(),
        channels: Vec::new(),
        groups: Vec::new(),
        tables: Vec::new(),
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
    /// The day of the week at time 0 (`"mon"` … `"sun"`).
    pub fn start_day(self, day: &str) -> Self {
        self.set("start_day", format!("{day:?}"))
    }
    pub fn routing(mut self, policy: &str, live_first: bool) -> Self {
        self.routing = vec![format!("policy = {policy:?}"), format!("live_first = {live_first}")];
        self
    }
    /// Routing by priority that ages with waiting time (`aging_per_minute`), and nothing else
    /// set in `[routing]`.
    pub fn aging(self, per_minute: f64) -> Self {
        self.set("routing", format!("{{ policy = \"aging\", aging_per_minute = {per_minute} }}"))
    }
    pub fn channel(mut self, c: ChannelBuilder) -> Self {
        self.channels.push(c);
        self
    }
    pub fn group(mut self, g: GroupBuilder) -> Self {
        self.groups.push(g);
        self
    }
    /// Adds a customer segment with its share (and extra TOML lines).
    pub fn segment(mut self, name: &str, share: f64, extra: &[&str]) -> Self {
        let share = format!("share = {share}");
        self.tables.push(array_table("segment", name, &[&[share.as_str()], extra].concat()));
        self
    }
    /// Adds a demand event on from–to (clock times) with its effect as TOML lines
    /// (`volume = 2.0`, `add = 200`, `days = ["thu"]`, …).
    pub fn event(mut self, name: &str, from: &str, to: &str, effect: &[&str]) -> Self {
        let (from, to) = (format!("from = {from:?}"), format!("to = {to:?}"));
        self.tables.push(array_table("event", name, &[&[from.as_str(), to.as_str()], effect].concat()));
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
        t + &self.tables.concat()
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
    pub fn set(self, key: &str, value: impl std::fmt::Display) -> Self {
        let mut c = self.remove(key);
        c.lines.push(format!("{key} = {value}"));
        c
    }
    /// Removes a key of the channel (one of the defaults, say).
    pub fn remove(mut self, key: &str) -> Self {
        self.lines.retain(|l| !l.starts_with(&format!("{key} =")));
        self
    }
    pub fn service_level(self, target: f64, within: &str) -> Self {
        self.set("service_level", format!("{{ target = {target}, within = {} }}", dur(within)))
    }
    pub fn per_hour(self, rate: f64) -> Self {
        self.set("arrivals", format!("{{ per_hour = {rate} }}"))
    }
    /// Arrivals given per interval, from the first.
    pub fn per_interval(self, counts: &[impl std::fmt::Display]) -> Self {
        let counts: Vec<String> = counts.iter().map(ToString::to_string).collect();
        self.set("arrivals", format!("{{ per_interval = [{}] }}", counts.join(", ")))
    }
    pub fn exponential_handle(self, mean: &str) -> Self {
        self.set("handle_time", exponential(mean))
    }
    pub fn deterministic_handle(self, value: &str) -> Self {
        self.set("handle_time", deterministic(value))
    }
    pub fn lognormal_handle(self, mean: &str, cv: f64) -> Self {
        self.set("handle_time", format!("{{ dist = \"lognormal\", mean = {}, cv = {cv} }}", dur(mean)))
    }
    pub fn exponential_patience(self, mean: &str) -> Self {
        self.set("patience", exponential(mean))
    }
    /// Handle times multiplied by these factors when an agent holds 1, 2, … chats.
    pub fn concurrency_stretch(self, factors: &[f64]) -> Self {
        self.set("concurrency_stretch", format!("{factors:?}"))
    }
    /// The share of contacts that resolve their issue.
    pub fn fcr(self, share: f64) -> Self {
        self.set("fcr", share)
    }
    /// Unresolved issues come back after a delay drawn from `after` (a distribution).
    pub fn returns_after(self, after: &str) -> Self {
        self.set("returns", format!("{{ after = {after} }}"))
    }
    pub fn max_contacts(self, k: u32) -> Self {
        self.set("max_contacts", k)
    }
    /// A virtual assistant that contains the share `contain` after a time drawn from `time`.
    pub fn assistant(self, contain: f64, time: &str) -> Self {
        self.set("assistant", format!("{{ contain = {contain}, time = {time} }}"))
    }
    pub fn preemptive(self, on: bool) -> Self {
        self.set("preemptive", on)
    }
    /// Forecast uncertainty: a gamma day multiplier of mean 1 and this cv.
    pub fn forecast_day_cv(self, cv: f64) -> Self {
        self.set("forecast", format!("{{ day_cv = {cv} }}"))
    }
    /// Waiting-time announcements: the fields of `announce` (`predictor = "…", …`).
    pub fn announce(self, fields: &str) -> Self {
        self.set("announce", format!("{{ {fields} }}"))
    }
    /// The customers' reaction to announcements: the fields of `reaction`.
    pub fn reaction(self, fields: &str) -> Self {
        self.set("reaction", format!("{{ {fields} }}"))
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
    /// Agents on shift per interval, from the first.
    pub fn staff_per_interval(self, counts: &[u32]) -> Self {
        let counts: Vec<String> = counts.iter().map(u32::to_string).collect();
        self.set("staff", format!("{{ per_interval = [{}] }}", counts.join(", ")))
    }
    /// Serves only `channel`, and only contacts that have waited `after` (an overflow group).
    pub fn overflow(self, channel: &str, after: &str) -> Self {
        self.set("skills", format!("[{{ channel = {channel:?}, after = {} }}]", dur(after)))
    }
    pub fn shrinkage(self, share: f64) -> Self {
        self.set("shrinkage", share)
    }
    pub fn cost_per_hour(self, cost: f64) -> Self {
        self.set("cost_per_hour", cost)
    }
    /// Contacts an agent may hold at once (chats).
    pub fn concurrency(self, n: u32) -> Self {
        self.set("concurrency", n)
    }
    pub fn interrupt_deferred(self, on: bool) -> Self {
        self.set("interrupt_deferred", on)
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
