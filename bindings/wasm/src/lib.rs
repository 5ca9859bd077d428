//! ccsim for the browser: the library compiled to `wasm32-unknown-unknown` behind a raw
//! C ABI with JSON in and out — a thin face like the CLI and the Python package.
//!
//! Why not wasm-bindgen: its CLI must match the crate's version exactly, a second tool to
//! install and keep in step, and the page needs only one call with text in and text out.
//! The ABI is four functions:
//!
//! * `ccsim_alloc(len) -> ptr` and `ccsim_free(ptr, len)`: memory for a request;
//! * `ccsim_call(ptr, len) -> len`: answers the UTF-8 JSON request at `ptr` (see
//!   [`Request`]) and returns the length of the answer, a UTF-8 JSON [`Answer`];
//! * `ccsim_answer() -> ptr`: where that answer is (valid until the next call).
//!
//! Every document in an answer is the library's own, written by the same writer as the
//! CLI's `--format json` / `--format csv`, so the page's JSON equals the CLI's byte for
//! byte for the same scenario, seed and replications.

use ccsim::Error;
use ccsim::output::charts::for_run;
use ccsim::output::{Document, Format, TableOptions};
use ccsim::plan::run::{RunOptions, run};
use ccsim::report::compare::compare;
use ccsim::report::{Report, ResultFile};
use ccsim::scenario::{Outline, Scenario};
use serde::{Deserialize, Serialize};

/// Where a scenario comes from: its text, the file name its errors name, and overrides
/// (`path`, `value`) as `--set path=value`.
#[derive(Debug, Deserialize)]
pub struct Source {
    /// The scenario file's text.
    pub toml: String,
    /// The name errors are located in (`scenario.toml`).
    #[serde(default = "default_file")]
    pub file: String,
    /// Overrides, applied in order.
    #[serde(default)]
    pub set: Vec<(String, String)>,
}

fn default_file() -> String {
    "scenario.toml".into()
}

/// A request to the library.
#[derive(Debug, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    /// The scenario's outline (controls, text with the overrides applied).
    Outline {
        /// The scenario.
        #[serde(flatten)]
        source: Source,
    },
    /// Runs the scenario: its document as JSON and CSV, its charts as SVG.
    Run {
        /// The scenario.
        #[serde(flatten)]
        source: Source,
        /// Replications instead of the scenario's.
        replications: Option<u32>,
        /// Seed instead of the scenario's.
        seed: Option<u64>,
        /// Draw the charts (SVG).
        #[serde(default)]
        charts: bool,
    },
    /// Compares two runs' JSON documents: B − A, paired replication by replication.
    Compare {
        /// Run A's JSON (the start).
        a: String,
        /// Run B's JSON (the change).
        b: String,
    },
}

/// A located problem, as the CLI prints it.
#[derive(Debug, Serialize)]
pub struct ProblemOut {
    /// File named.
    pub file: String,
    /// Line (from 1), when known.
    pub line: Option<usize>,
    /// Column (from 1), when known.
    pub column: Option<usize>,
    /// Field path, when known.
    pub field: Option<String>,
    /// What is wrong and what is allowed.
    pub message: String,
}

/// A chart of a run.
#[derive(Debug, Serialize)]
pub struct ChartOut {
    /// File stem the CLI would give it.
    pub stem: String,
    /// Its title.
    pub title: String,
    /// The SVG document.
    pub svg: String,
}

/// What a call answers.
#[derive(Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// The outline of a scenario.
    Outline(Outline),
    /// A run.
    Run {
        /// The run's document as `ccsim run --format json` writes it.
        json: String,
        /// The same as `--format csv`.
        csv: String,
        /// Its charts (empty unless asked for).
        charts: Vec<ChartOut>,
        /// The scenario text with the overrides applied.
        text: String,
    },
    /// A comparison as `ccsim compare --format json` writes it.
    Compare {
        /// The comparison's document.
        json: String,
    },
    /// The request failed.
    Error {
        /// The whole message, as the CLI prints it.
        message: String,
        /// Its located problems (a scenario's or a file's).
        problems: Vec<ProblemOut>,
    },
}

/// A document as the CLI writes it in `format`.
fn written<D: Document + ?Sized>(doc: &D, format: Format) -> Result<String, Error> {
    let mut out = Vec::new();
    format
        .write(doc, TableOptions::default(), &mut out)
        .map_err(|source| Error::Io { path: "memory".into(), source })?;
    String::from_utf8(out).map_err(|e| Error::Input(e.to_string()))
}

fn scenario(s: &Source) -> Result<Scenario, Error> {
    let base = Scenario::from_toml(&s.toml, &s.file)?;
    if s.set.is_empty() {
        return Ok(base);
    }
    let pairs: Vec<(&str, &str)> = s.set.iter().map(|(p, v)| (p.as_str(), v.as_str())).collect();
    Ok(base.with_overrides(&pairs)?)
}

fn answer(request: Request) -> Result<Answer, Error> {
    match request {
        Request::Outline { source } => Ok(Answer::Outline(scenario(&source)?.outline()?)),
        Request::Run { source, replications, seed, charts } => {
            let s = scenario(&source)?;
            let text = s.overridden_text()?;
            let results = run(s, &RunOptions { replications, seed, threads: None })?;
            let report = Report::from(&results);
            let charts = if charts {
                for_run(&report)
                    .iter()
                    .map(|c| Ok(ChartOut { stem: c.stem.clone(), title: c.title.clone(), svg: c.svg()? }))
                    .collect::<Result<Vec<_>, Error>>()?
            } else {
                Vec::new()
            };
            Ok(Answer::Run { json: written(&report, Format::Json)?, csv: written(&report, Format::Csv)?, charts, text })
        }
        Request::Compare { a, b } => {
            let ra = ResultFile::read(&a, "start.json")?.into_run("start.json")?;
            let rb = ResultFile::read(&b, "changed.json")?.into_run("changed.json")?;
            Ok(Answer::Compare { json: written(&compare(&ra, "start", &rb, "changed"), Format::Json)? })
        }
    }
}

/// Answers one JSON request (see [`Request`]) with one JSON [`Answer`]; never panics on
/// bad input (a request that is not JSON of a known shape is an `error` answer).
pub fn call(request: &str) -> String {
    let answered = serde_json::from_str::<Request>(request)
        .map_err(|e| Error::Input(format!("the page's request is not understood: {e}")))
        .and_then(answer);
    let out = answered.unwrap_or_else(|e| {
        let problems = match &e {
            Error::Scenario(s) | Error::File(s) => s
                .problems
                .iter()
                .map(|p| ProblemOut {
                    file: s.file.clone(),
                    line: p.line,
                    column: p.column,
                    field: p.field.clone(),
                    message: p.message.clone(),
                })
                .collect(),
            _ => Vec::new(),
        };
        Answer::Error { message: e.to_string(), problems }
    });
    serde_json::to_string(&out).unwrap_or_else(|e| format!("{{\"error\":{{\"message\":\"{e}\",\"problems\":[]}}}}"))
}

thread_local! {
    /// The last answer, read by the page through `ccsim_answer`.
    static ANSWER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Memory for a request of `len` bytes (the page writes it, then calls `ccsim_call`).
#[unsafe(no_mangle)]
pub extern "C" fn ccsim_alloc(len: usize) -> *mut u8 {
    let mut v = vec![0u8; len];
    let p = v.as_mut_ptr();
    std::mem::forget(v);
    p
}

/// Frees memory from `ccsim_alloc`.
///
/// # Safety
///
/// `ptr` and `len` must be those of one earlier `ccsim_alloc`, freed once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ccsim_free(ptr: *mut u8, len: usize) {
    // SAFETY: the caller passes back exactly what `ccsim_alloc` gave.
    drop(unsafe { Vec::from_raw_parts(ptr, len, len) });
}

/// Answers the request of `len` bytes at `ptr`; returns the answer's length.
///
/// # Safety
///
/// `ptr` must point to `len` initialised bytes (from `ccsim_alloc`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ccsim_call(ptr: *const u8, len: usize) -> usize {
    // SAFETY: the caller passes `len` initialised bytes at `ptr`.
    let bytes = unsafe { std::slice::from_raw_parts(ptr, len) };
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => call(t),
        Err(e) => call(&format!("{{\"op\":\"invalid\",\"utf8\":\"{e}\"}}")),
    };
    ANSWER.with(|a| {
        *a.borrow_mut() = text.into_bytes();
        a.borrow().len()
    })
}

/// Where the last answer is (valid until the next `ccsim_call`).
#[unsafe(no_mangle)]
pub extern "C" fn ccsim_answer() -> *const u8 {
    ANSWER.with(|a| a.borrow().as_ptr())
}

#[cfg(test)]
mod tests {
    use super::call;

    /// Hostile requests get an `error` answer naming what is wrong, never a panic.
    #[test]
    fn bad_requests_are_answered_with_errors() {
        for (req, says) in [
            ("not json", "not understood"),
            (r#"{"op":"fly"}"#, "unknown variant"),
            (r#"{"op":"run","toml":"x = ["}"#, "scenario.toml:1:"),
            (r#"{"op":"run","toml":"","replications":0}"#, "scenario.toml"),
            (r#"{"op":"compare","a":"{}","b":"[]"}"#, "start.json"),
        ] {
            let a: serde_json::Value = serde_json::from_str(&call(req)).expect("an answer is JSON");
            let m = a["error"]["message"].as_str().unwrap_or_else(|| panic!("{req}: {a}"));
            assert!(m.contains(says), "{req}: {m}");
        }
    }

    /// A run answers the CLI's documents; an override applies like `--set`.
    #[test]
    fn a_run_answers_documents() {
        let toml = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/single-queue.toml"))
            .expect("the example");
        let req =
            serde_json::json!({"op": "run", "toml": toml, "set": [["agents.team.staff", "+1"]], "replications": 3});
        let a: serde_json::Value = serde_json::from_str(&call(&req.to_string())).unwrap();
        let doc: serde_json::Value = serde_json::from_str(a["run"]["json"].as_str().expect("a run")).unwrap();
        assert_eq!(doc["replications"], 3);
        assert!(a["run"]["text"].as_str().unwrap().contains("staff = 11"), "{}", a["run"]["text"]);
        assert!(a["run"]["csv"].as_str().unwrap().starts_with("scope,"));
    }
}
