//! The command line end to end: bad input gets a located error and exit code 2, every
//! example scenario runs, output is byte-identical whatever the thread count, and the
//! output formats carry the contract's fields.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn ccsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ccsim")).args(args).output().expect("run ccsim")
}

fn tmp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ccsim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(name: &str, text: &str) -> PathBuf {
    let p = tmp_dir().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

const GOOD: &str = r#"name = "t"
seed = 1
replications = 2
horizon = "4h"
interval = "30m"

[[channel]]
name = "phone"
kind = "voice"
service_level = { target = 0.80, within = "20s" }
arrivals = { per_hour = 120 }
handle_time = { dist = "exponential", mean = "4m" }
patience = { dist = "exponential", mean = "2m" }

[[agents]]
name = "team"
skills = ["phone"]
staff = 10
"#;

/// Replaces `from` (which must occur once) in the good scenario.
fn bad(from: &str, to: &str) -> String {
    assert_eq!(GOOD.matches(from).count(), 1, "`{from}` must occur once");
    GOOD.replace(from, to)
}

/// Runs `validate` and `run` on a broken scenario: both exit 2 and say where and what.
fn expect_error(name: &str, text: &str, line: usize, must_contain: &[&str]) {
    let p = write(&format!("{name}.toml"), text);
    let file = p.display().to_string();
    for cmd in ["validate", "run"] {
        let out = ccsim(&[cmd, &file]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}/{cmd}: exit code, stderr: {err}");
        assert!(out.stdout.is_empty() || cmd == "validate", "{name}: no report on bad input");
        let located = format!("{file}:{line}:");
        assert!(err.contains(&located), "{name}/{cmd}: expected `{located}` in:\n{err}");
        for m in must_contain {
            assert!(err.contains(m), "{name}/{cmd}: expected `{m}` in:\n{err}");
        }
        assert!(!err.contains("panicked"), "{name}: panic");
    }
}

#[test]
fn good_scenario_is_accepted() {
    let p = write("good.toml", GOOD);
    let out = ccsim(&["validate", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok"));
}

#[test]
fn unknown_field() {
    expect_error("unknown", &bad("arrivals = {", "arivals = {"), 11, &["unknown field `arivals`", "arrivals"]);
}

#[test]
fn wrong_type() {
    expect_error(
        "wrongtype",
        &bad("replications = 2", "replications = \"many\""),
        3,
        &["replications", "whole number"],
    );
}

#[test]
fn negative_rate() {
    expect_error("negrate", &bad("per_hour = 120", "per_hour = -5"), 11, &["channel[0].arrivals.per_hour", "≥ 0"]);
}

#[test]
fn cv_not_positive() {
    expect_error(
        "cv",
        &bad(r#"dist = "exponential", mean = "4m""#, r#"dist = "lognormal", mean = "4m", cv = 0"#),
        12,
        &["channel[0].handle_time.cv", "> 0"],
    );
}

#[test]
fn zero_agents_with_arrivals() {
    expect_error("zeroagents", &bad("staff = 10", "staff = 0"), 8, &["phone", "zero agents"]);
}

#[test]
fn target_outside_unit_interval() {
    expect_error("target", &bad("target = 0.80", "target = 80"), 10, &["service_level.target", "(0, 1]"]);
}

#[test]
fn empty_per_interval() {
    expect_error("empty", &bad("per_hour = 120", "per_interval = []"), 11, &["arrivals.per_interval", "empty"]);
}

#[test]
fn per_interval_length_mismatch() {
    expect_error(
        "length",
        &bad("per_hour = 120", "per_interval = [10, 20, 30]"),
        11,
        &["arrivals.per_interval", "has 3 values", "expected 8"],
    );
}

#[test]
fn absurd_sizes_are_refused() {
    expect_error("agents", &bad("staff = 10", "staff = 1000000000000"), 18, &["staff", "at most 100000"]);
    expect_error("horizon", &bad("horizon = \"4h\"", "horizon = \"1000000000d\""), 4, &["horizon", "at most 400 days"]);
    expect_error(
        "reps",
        &bad("replications = 2", "replications = 1000000000"),
        3,
        &["replications", "from 1 to 100000"],
    );
    let out = ccsim(&["run", write("ok.toml", GOOD).to_str().unwrap(), "--replications", "1000000000"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bad_duration() {
    expect_error(
        "duration",
        &bad("within = \"20s\"", "within = \"20 parsecs\""),
        10,
        &["`20 parsecs` is not a duration", "units d, h, m, s, ms in that order"],
    );
    // A loose form that is clearly meant gets the form meant.
    expect_error("duration_alias", &bad("within = \"20s\"", "within = \"20 sec\""), 10, &["did you mean `20s`?"]);
    expect_error("duration_week", &bad("horizon = \"4h\"", "horizon = \"1 week\""), 4, &["did you mean `7d`?"]);
}

#[test]
fn unknown_distribution() {
    expect_error(
        "dist",
        &bad(r#"dist = "exponential", mean = "4m""#, r#"dist = "normal", mean = "4m""#),
        12,
        &["handle_time.dist", "`normal` is not a distribution", "lognormal"],
    );
}

#[test]
fn toml_syntax_error() {
    expect_error("syntax", &bad("staff = 10", "staff = = 10"), 18, &["staff = = 10"]);
}

#[test]
fn interval_must_divide_horizon() {
    expect_error("divide", &bad("interval = \"30m\"", "interval = \"25m\""), 5, &["interval", "whole intervals"]);
}

#[test]
fn missing_handle_time() {
    expect_error(
        "nohandle",
        &bad("handle_time = { dist = \"exponential\", mean = \"4m\" }\n", ""),
        7,
        &["handle_time", "is required"],
    );
}

#[test]
fn every_problem_is_reported() {
    let text = bad("target = 0.80", "target = 2").replace("per_hour = 120", "per_hour = -1");
    let p = write("two.toml", &text);
    let out = ccsim(&["validate", p.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 2, "both problems, one line each:\n{err}");
}

#[test]
fn missing_file_and_bad_arguments() {
    let out = ccsim(&["run", "/nonexistent/scenario.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read the file"));
    assert_eq!(ccsim(&["run"]).status.code(), Some(2));
    assert_eq!(
        ccsim(&["erlang", "agents", "--per-hour", "120", "--aht", "4m", "--target", "180/20s"]).status.code(),
        Some(2)
    );
    assert_eq!(ccsim(&["erlang", "c", "--per-hour", "-3", "--aht", "4m", "--agents", "3"]).status.code(), Some(2));
    let help = ccsim(&["run", "--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("Examples"));
}

#[test]
fn erlang_commands() {
    let out =
        ccsim(&["erlang", "agents", "--per-hour", "120", "--aht", "4m", "--target", "80/20s", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["min_agents"], 11, "reference erlang_c_agents.csv row 1");
    let out = ccsim(&["erlang", "b", "--erlangs", "8", "--lines", "10", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!((v["blocking"].as_f64().unwrap() - 0.121661064253).abs() < 1e-9);
    for args in [
        vec!["erlang", "c", "--per-hour", "120", "--aht", "4m", "--agents", "10"],
        vec!["erlang", "a", "--per-hour", "120", "--aht", "4m", "--agents", "10", "--patience", "2m"],
        vec!["erlang", "c", "--per-hour", "300", "--aht", "4m", "--agents", "10"],
    ] {
        let out = ccsim(&args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(!out.stdout.is_empty());
    }
}

fn scenarios() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    v.sort();
    v
}

/// Every example scenario validates and runs, and its JSON output keeps the contract.
#[test]
fn example_scenarios_run() {
    let list = scenarios();
    assert!(list.len() >= 2);
    for p in list {
        let file = p.to_str().unwrap();
        let out = ccsim(&["validate", file]);
        assert_eq!(out.status.code(), Some(0), "{file}: {}", String::from_utf8_lossy(&out.stderr));
        let out = ccsim(&["run", file, "--format", "json", "--replications", "3"]);
        assert_eq!(out.status.code(), Some(0), "{file}: {}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["replications"], 3);
        assert!(v["seed"].is_u64() && v["scenario"].is_string());
        let channels = v["channels"].as_object().unwrap();
        assert!(!channels.is_empty());
        for (name, c) in channels {
            for k in ["offered", "answered", "service_level", "asa_s", "aht_s", "occupancy"] {
                assert!(c[k]["mean"].is_number(), "{file}: channels.{name}.{k}.mean");
                assert!(c[k].get("ci95").is_some(), "{file}: channels.{name}.{k}.ci95");
            }
            // Conservation of the means: offered = answered + abandoned + waiting at end.
            let m = |k: &str| c[k]["mean"].as_f64().unwrap_or(0.0);
            let lhs = m("offered");
            let rhs = m("answered") + m("abandoned") + m("waiting_at_end");
            assert!((lhs - rhs).abs() < 1e-6 * lhs.max(1.0), "{file}: {name}: {lhs} vs {rhs}");
            assert!(m("occupancy_present") <= 1.0 + 1e-12);
        }
        let rows = v["intervals"].as_array().unwrap();
        assert!(!rows.is_empty());
        assert!(
            rows[0]["channel"].is_string() && rows[0]["start_s"].is_number() && rows[0]["offered"]["mean"].is_number()
        );
        assert!(rows[0]["service_level"].get("mean").is_some());
    }
}

/// Same seed ⇒ byte-identical output with one thread or two.
#[test]
fn output_does_not_depend_on_threads() {
    for name in ["retail-day", "omnichannel"] {
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{name}.toml"));
        let file = file.to_str().unwrap();
        let one = ccsim(&["run", file, "--format", "json", "--threads", "1", "--replications", "9"]);
        let two = ccsim(&["run", file, "--format", "json", "--threads", "2", "--replications", "9"]);
        assert_eq!(one.status.code(), Some(0));
        assert!(!one.stdout.is_empty());
        assert!(one.stdout == two.stdout, "{name}: JSON differs between 1 and 2 threads");
        let other_seed =
            ccsim(&["run", file, "--format", "json", "--threads", "2", "--replications", "9", "--seed", "12"]);
        assert!(other_seed.stdout != one.stdout, "{name}: the seed must matter");
    }
}

#[test]
fn formats_and_output_file() {
    let p = write("fmt.toml", GOOD);
    let file = p.to_str().unwrap();
    let csv = ccsim(&["run", file, "--format", "csv"]);
    let text = String::from_utf8_lossy(&csv.stdout);
    assert!(text.starts_with("scope,name,start_s,kpi,mean,ci95\n"));
    assert!(text.contains("\nchannel,phone,,service_level,"));
    assert!(text.contains("\ninterval,phone,1800,offered,"));
    let md = ccsim(&["run", file, "--format", "markdown", "--intervals"]);
    assert!(String::from_utf8_lossy(&md.stdout).contains("| service level |"));
    let out = tmp_dir().join("out.json");
    let r = ccsim(&["run", file, "--format", "json", "--output", out.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(0));
    assert!(r.stdout.is_empty());
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["scenario"], "t");
    let r = ccsim(&["run", file, "--output", "/nonexistent/dir/out.txt"]);
    assert_eq!(r.status.code(), Some(1), "an unwritable output is not bad input");
}

// ---- omnichannel scenarios ------------------------------------------------------------

const TWO: &str = r#"name = "two"
horizon = "1d"

[[channel]]
name = "phone"
kind = "voice"
service_level = { target = 0.8, within = "20s" }
arrivals = { per_hour = 60 }
handle_time = { dist = "exponential", mean = "4m" }

[[channel]]
name = "chat"
kind = "chat"
service_level = { target = 0.8, within = "40s" }
arrivals = { per_hour = 30 }
handle_time = { dist = "exponential", mean = "6m" }

[[agents]]
name = "blended"
skills = ["phone", "chat"]
concurrency = 2
staff = 8
"#;

fn bad_two(from: &str, to: &str) -> String {
    assert_eq!(TWO.matches(from).count(), 1, "`{from}` must occur once");
    TWO.replace(from, to)
}

#[test]
fn skill_naming_an_unknown_channel() {
    expect_error(
        "skill",
        &bad_two("skills = [\"phone\", \"chat\"]", "skills = [\"phone\", \"chats\"]"),
        20,
        &["agents[0].skills[1]", "`chats` is not a channel", "phone, chat"],
    );
}

#[test]
fn concurrency_zero() {
    expect_error(
        "conc",
        &bad_two("concurrency = 2", "concurrency = 0"),
        21,
        &["agents[0].concurrency", "from 1 to 32"],
    );
}

#[test]
fn overlapping_shifts_double_count() {
    let shifts = "[[agents.shift]]\nstart = \"08:00\"\nend = \"16:00\"\npeople = [\"ana\", \"ben\"]\n[[agents.shift]]\nstart = \"15:00\"\nend = \"22:00\"\npeople = [\"ana\"]\n";
    expect_error("overlap", &bad_two("staff = 8\n", shifts), 29, &["agents[0].shift[1].people", "`ana`", "twice"]);
    let both = bad_two("staff = 8\n", &format!("staff = 8\n{shifts}"));
    expect_error("both", &both, 23, &["agents[0].shift", "both `staff`"]);
}

#[test]
fn channel_no_group_serves() {
    expect_error(
        "unserved",
        &bad_two("skills = [\"phone\", \"chat\"]\nconcurrency = 2", "skills = [\"phone\"]"),
        12,
        &["channel[1].name", "no agent group has `chat`"],
    );
}

#[test]
fn email_cannot_abandon() {
    let t = bad_two("kind = \"chat\"", "kind = \"email\"").replace(
        "handle_time = { dist = \"exponential\", mean = \"6m\" }",
        "handle_time = { dist = \"exponential\", mean = \"6m\" }\npatience = { dist = \"exponential\", mean = \"1h\" }",
    );
    let t = t.replace("concurrency = 2\n", "");
    expect_error("emailpatience", &t, 17, &["channel[1].patience", "never abandon"]);
}

#[test]
fn interrupt_needs_live_and_deferred_skills() {
    expect_error(
        "interrupt",
        &bad_two("concurrency = 2", "concurrency = 2\ninterrupt_deferred = true"),
        22,
        &["agents[0].interrupt_deferred", "nothing to interrupt"],
    );
}
