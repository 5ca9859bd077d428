//! Making a [`Scenario`]: reading a file, parsing and checking its text (every problem
//! located by file, line, column and field), and checked changes by field path
//! (overrides) or by a typed staffing plan.

use super::agents::Headcount;
use super::coverage::staffing_problems;
use super::limits;
use super::locate::{FieldPath, LineIndex, Locator};
use super::overrides;
use super::sealed::{Scenario, Source};
use super::validate::{RawScenario, validate};
use crate::base::bounded;
use crate::error::{Problem, ScenarioError};
use std::path::Path;

impl Scenario {
    /// The scenario with reporting windows `specs` added to its own (`[report] windows`;
    /// see [`Window`](super::Window) for the form): the checked change `--set
    /// report.windows=[..]` would make, recorded as that override.
    ///
    /// # Errors
    ///
    /// [`ScenarioError`] naming the window that is not understood, not on interval
    /// boundaries or covers no counted interval.
    pub fn with_windows(&self, specs: &[String]) -> Result<Scenario, ScenarioError> {
        if specs.is_empty() {
            return Ok(self.clone());
        }
        let all: Vec<String> = self.window_specs.iter().chain(specs).cloned().collect();
        let value = toml::Value::Array(all.iter().cloned().map(toml::Value::String).collect()).to_string();
        // Problems of a window are said of the `--window` that gave it.
        let set = format!("--set report.windows={value}: ");
        self.with_overrides(&[("report.windows", &value)]).map_err(|mut e| {
            for p in &mut e.problems {
                let spec = p.field.as_deref().and_then(|f| f.strip_prefix("report.windows[")).and_then(|f| {
                    f.split_once(']').and_then(|(i, _)| i.parse::<usize>().ok()).and_then(|i| all.get(i))
                });
                if let Some(spec) = spec {
                    p.message = format!("--window {spec}: {}", p.message.replacen(&set, "", 1));
                }
            }
            e
        })
    }

    /// The scenario with fields changed by path, as a user reads them in the file
    /// (`("agents.team.staff", "44")`, `("channel.chat.service_level.within", "30s")`; see
    /// `overrides.rs` for the path and value forms), then checked again as a whole.
    /// Overrides add to those already applied. Errors name the override they concern.
    ///
    /// ```
    /// # let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/single-queue.toml")).unwrap();
    /// use ccsim::scenario::Scenario;
    /// let s = Scenario::from_toml(&text, "single-queue.toml").unwrap();
    /// let more = s.with_overrides(&[("agents.team.staff", "12")]).unwrap();
    /// assert_eq!(more.groups()[0].headcount.max(), 12);
    /// let err = s.with_overrides(&[("agents.team.staff", "-1")]).unwrap_err();
    /// assert!(err.to_string().contains("--set agents.team.staff=-1"));
    /// ```
    ///
    /// # Errors
    ///
    /// [`ScenarioError`] naming the override: a path that does not exist, a value that does
    /// not parse, or a scenario that is invalid with it.
    pub fn with_overrides(&self, set: &[(&str, &str)]) -> Result<Scenario, ScenarioError> {
        let mut all = self.source.overrides.clone();
        all.extend(set.iter().map(|(p, v)| (p.to_string(), v.to_string())));
        let (text, fields) = overrides::rewrite(&self.source.text, &self.source.file, &all)?;
        let mut s =
            Scenario::from_toml(&text, &self.source.file).map_err(|e| overrides::attribute(e, &all, &fields))?;
        s.source = Source { overrides: all, ..self.source.clone() };
        // Lines refer to the file; after overrides only the field path is meaningful.
        for w in &mut s.warnings {
            (w.line, w.column) = (None, None);
        }
        // Replications and seed changed with the setters stay changed.
        if !set.iter().any(|(p, _)| *p == "replications") {
            s.replications = self.replications;
        }
        if !set.iter().any(|(p, _)| *p == "seed") {
            s.seed = self.seed;
        }
        Ok(s)
    }

    /// The scenario with group `g` staffed by `plan`, scheduled agents per interval of the
    /// horizon: the checked change `--set agents.<g>.staff={ per_interval = [..] }` would
    /// make (for a group of shifts, after `--set agents.<g>.shift=[]`), applied to the
    /// checked scenario directly (the staffing optimiser tries many
    /// plans). The override is recorded, so [`Scenario::overridden_text`] writes the plan.
    ///
    /// # Errors
    ///
    /// [`ScenarioError`] when `g` is not a group, the plan does not have one value per
    /// interval, a value exceeds the group limit, or the plan leaves a channel with arrivals
    /// without agents (or with a backlog beyond what a run holds).
    pub fn with_staff_plan(&self, g: usize, plan: &[u32]) -> Result<Scenario, ScenarioError> {
        let value =
            format!("{{ per_interval = [{}] }}", plan.iter().map(u32::to_string).collect::<Vec<_>>().join(", "));
        let path = format!("agents.{g}.staff");
        let fail = |message: String| ScenarioError {
            file: self.source.file.clone(),
            problems: vec![Problem { field: Some(format!("agents[{g}].staff")), line: None, column: None, message }],
        };
        if g >= self.groups.len() {
            return Err(fail(format!("--set {path}: there are {} groups", self.groups.len())));
        }
        if plan.len() != self.n_intervals() {
            return Err(fail(format!(
                "--set {path}=…: has {} values; expected {} (one per interval of the horizon)",
                plan.len(),
                self.n_intervals()
            )));
        }
        if let Some(n) = plan.iter().find(|&&n| n > limits::MAX_AGENTS_PER_GROUP) {
            return Err(fail(format!(
                "--set {path}=…: at most {} agents in a group, got {n}",
                limits::MAX_AGENTS_PER_GROUP
            )));
        }
        let mut steps: Vec<(f64, u32)> = Vec::new();
        for (i, &n) in plan.iter().enumerate() {
            if steps.last().map(|s| s.1) != Some(n) {
                steps.push((i as f64 * self.interval, n));
            }
        }
        let mut s = self.clone();
        s.groups[g].headcount = Headcount { steps };
        // A group of shifts: its shifts are emptied in the text, so that the written file
        // has the plan alone (`shift = []`, then `staff`).
        if s.groups[g].from_shifts {
            s.source.overrides.push((format!("agents.{g}.shift"), "[]".into()));
        }
        s.groups[g].from_shifts = false;
        let problems = staffing_problems(&s.channels, &s.groups, s.horizon);
        if !problems.is_empty() {
            return Err(ScenarioError {
                file: self.source.file.clone(),
                problems: problems
                    .into_iter()
                    .map(|(field, message)| Problem {
                        field: Some(field.to_string()),
                        line: None,
                        column: None,
                        message: format!("{message} (after --set {path}={value})"),
                    })
                    .collect(),
            });
        }
        s.source.overrides.push((path, value));
        Ok(s)
    }

    /// The scenario with group `g` staffed by `shifts` (`[[agents.shift]]` entries, its
    /// `staff` and former shifts removed): the text is rewritten (overrides applied so
    /// far kept) and checked again, so [`Scenario::overridden_text`] is a runnable file
    /// with the roster — what `ccsim schedule --write` saves. Replications and seed stay.
    ///
    /// # Errors
    ///
    /// [`ScenarioError`] when `g` is not a group or the scenario with the shifts is not
    /// valid (shifts beyond the group limit, a channel left without agents).
    pub fn with_shifts(&self, g: usize, shifts: &[super::rules::ShiftEntry]) -> Result<Scenario, ScenarioError> {
        let fail = |message: String| ScenarioError {
            file: self.source.file.clone(),
            problems: vec![Problem { field: Some(format!("agents[{g}].shift")), line: None, column: None, message }],
        };
        let text = self.overridden_text()?;
        let mut doc: toml::Table = text.parse().map_err(|_| fail("the scenario text does not parse".into()))?;
        let group = doc
            .get_mut("agents")
            .and_then(toml::Value::as_array_mut)
            .and_then(|a| a.get_mut(g))
            .and_then(toml::Value::as_table_mut)
            .ok_or_else(|| fail(format!("there is no group {g}")))?;
        group.remove("staff");
        group.insert("shift".into(), toml::Value::Array(shifts.iter().map(|s| s.to_toml()).collect()));
        let text = toml::to_string(&doc).map_err(|e| fail(format!("cannot write the shifts: {e}")))?;
        let mut s = Scenario::from_toml(&text, &self.source.file)?;
        (s.replications, s.seed) = (self.replications, self.seed);
        Ok(s)
    }

    /// Reads and validates a scenario file.
    ///
    /// # Errors
    ///
    /// [`ScenarioError`] when the file cannot be read, is not UTF-8, or is not a valid
    /// scenario (every problem, located).
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let file = path.display().to_string();
        let fail = |line, column, message| ScenarioError {
            file: file.clone(),
            problems: vec![Problem { field: None, line, column, message }],
        };
        let bytes = std::fs::read(path).map_err(|e| fail(None, None, format!("cannot read the file: {e}")))?;
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let bytes = e.as_bytes();
                let valid = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
                let (l, c) = LineIndex::new(valid).line_col(at);
                return Err(fail(
                    Some(l),
                    Some(c),
                    format!("byte 0x{:02X} is not valid UTF-8; save the file as UTF-8 text", bytes[at]),
                ));
            }
        };
        Scenario::from_toml(&text, &file)
    }

    /// Parses and validates scenario text; `file` names it in errors.
    ///
    /// # Errors
    ///
    /// [`ScenarioError`] with every problem of the text, located.
    pub fn from_toml(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
        let mut s = Scenario::check(text, file)?;
        s.source = Source { file: file.to_owned(), text: text.into(), overrides: Vec::new() };
        Ok(s)
    }

    fn check(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
        let locator = Locator::new(text);
        let raw: RawScenario = match toml::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                let (line, column, field) = match e.span() {
                    Some(span) => {
                        let (l, c) = locator.line_col(span.start);
                        let p = locator.path_at(span.start);
                        (Some(l), Some(c), (!p.is_root()).then(|| p.to_string()))
                    }
                    None => (None, None, None),
                };
                let mut message = plain_serde_message(e.message().trim());
                if field.is_none()
                    && let Some(l) = line
                    && let Some(src) = text.lines().nth(l - 1)
                {
                    message.push_str(&format!(" (in `{}`)", bounded(src.trim(), 80)));
                }
                message.push_str("; checking stopped here: fix this to see any other problems");
                return Err(ScenarioError {
                    file: file.to_owned(),
                    problems: vec![Problem { field, line, column, message }],
                });
            }
        };
        let locate = |errs: Vec<(FieldPath, String)>| {
            let mut problems: Vec<Problem> = errs
                .into_iter()
                .map(|(path, message)| {
                    let (line, column) = match locator.span_of(&path) {
                        Some(span) => {
                            let (l, c) = locator.line_col(span.start);
                            (Some(l), Some(c))
                        }
                        None => (None, None),
                    };
                    Problem { field: (!path.is_root()).then(|| path.to_string()), line, column, message }
                })
                .collect();
            // In file order, so that the list reads top to bottom.
            problems.sort_by_key(|p| (p.line.unwrap_or(usize::MAX), p.column.unwrap_or(0)));
            problems
        };
        match validate(raw) {
            Ok((mut s, warnings)) => {
                s.warnings = locate(warnings);
                Ok(s)
            }
            Err(errs) => Err(ScenarioError { file: file.to_owned(), problems: locate(errs) }),
        }
    }

    /// The scenario file's text with the overrides applied: a runnable scenario file.
    ///
    /// # Errors
    ///
    /// [`ScenarioError`] when an override no longer applies to the text.
    pub fn overridden_text(&self) -> Result<String, ScenarioError> {
        overrides::apply_text(&self.source.text, &self.source.file, &self.source.overrides)
    }
}

/// Rewrites serde's type names into words a planner reads.
fn plain_serde_message(m: &str) -> String {
    let mut s = m.replace('\n', " ");
    for (from, to) in [
        ("expected u64", "expected a whole number ≥ 0"),
        ("expected i64", "expected a whole number"),
        ("expected u32", "expected a whole number ≥ 0"),
        ("expected f64", "expected a number"),
        ("expected a sequence", "expected an array [..]"),
        ("expected a map", "expected a table { .. }"),
    ] {
        s = s.replace(from, to);
    }
    if let Some(i) = s.find("expected struct ") {
        s.truncate(i);
        s.push_str("expected a table { .. }");
    }
    s
}
