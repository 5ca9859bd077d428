//! The command line end to end: bad input gets a located error and exit code 2, every
//! example scenario runs, output is byte-identical whatever the thread count, and the
//! output formats carry the contract's fields.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub(crate) fn ccsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ccsim")).args(args).output().expect("run ccsim")
}

/// Runs ccsim with `args` and asserts it refuses them: exit code 2 and `message` on stderr.
pub(crate) fn assert_refused(args: &[&str], message: &str) {
    let out = ccsim(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(err.contains(message), "{args:?}: {err}");
}

pub(crate) fn tmp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ccsim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub(crate) fn write(name: &str, text: &str) -> PathBuf {
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

/// Every example scenario: `scenarios/*.toml` and `scenarios/*/*.toml`.
fn scenarios() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut v: Vec<PathBuf> = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            v.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        } else {
            v.push(p);
        }
    }
    v.retain(|p| p.extension().is_some_and(|x| x == "toml"));
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
            // Conservation of the means: offered = answered + abandoned + balked (with
            // announcements) + waiting at end.
            let m = |k: &str| c[k]["mean"].as_f64().unwrap_or(0.0);
            let lhs = m("offered");
            let rhs = m("answered") + m("abandoned") + m("balked") + m("waiting_at_end");
            assert!((lhs - rhs).abs() < 1e-6 * lhs.max(1.0), "{file}: {name}: {lhs} vs {rhs}");
            assert!(m("occupancy_present") <= 1.0 + 1e-12);
            // Every fresh contact opens one issue (so issues of a type = its fresh contacts),
            // and every issue ends one way: resolved, open at the end, or abandoned for good.
            let issues = &v["issues"]["channels"][name];
            let im = |x: &serde_json::Value, k: &str| x[k]["mean"].as_f64().unwrap();
            // (Contacts the virtual assistant contains open issues without being offered.)
            let fresh = if c.get("fresh").is_some() { m("fresh") } else { lhs };
            let (low, high) = (fresh, fresh + m("contained"));
            let n = im(issues, "issues");
            assert!(
                n >= low - 1e-6 * low.max(1.0) && n <= high + 1e-6 * high.max(1.0),
                "{file}: {name}: issues vs fresh"
            );
            assert!((m("fresh") + m("repeat") - lhs).abs() < 1e-6 * lhs.max(1.0) || c.get("fresh").is_none());
            let ended = im(issues, "resolved") + im(issues, "unresolved") + im(issues, "abandoned_for_good");
            assert!((im(issues, "issues") - ended).abs() < 1e-6 * ended.max(1.0), "{file}: {name}: issue conservation");
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
    assert!(text.starts_with("scope,name,start_s,kpi,mean,ci95,day,time\n"));
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

// ---- hardening: one test per defect found by fuzzing, with its smallest reproduction ----

/// Runs a shell command line (for `ulimit`), returning the output.
fn sh(script: &str) -> Output {
    Command::new("sh").arg("-c").arg(script).output().expect("run sh")
}

/// Item 1: A backlog that cannot fit in memory is refused up front (exit 2, with the load and
/// the size), voice and email alike, under a 4 GB address-space limit: never an abort.
#[test]
fn backlog_that_cannot_fit_is_refused() {
    for kind in ["voice", "email"] {
        let text = bad("arrivals = { per_hour = 120 }", "arrivals = { per_hour = 10000000 }")
            .replace("staff = 10", "staff = 1")
            .replace("kind = \"voice\"", &format!("kind = \"{kind}\""))
            .replace("patience = { dist = \"exponential\", mean = \"2m\" }\n", "");
        let p = write(&format!("backlog-{kind}.toml"), &text);
        let out = sh(&format!("ulimit -v 4000000; exec {} run {}", env!("CARGO_BIN_EXE_ccsim"), p.display()));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{kind}: {err}");
        assert!(err.contains(&format!("{}:11:", p.display())), "{kind}: located at the arrivals: {err}");
        assert!(err.contains("would queue about 3999") && err.contains("at most 8000000"), "{kind}: {err}");
    }
    // The estimate never refuses a plan that fits: 95 % of a huge volume abandons within
    // a minute, so only the patient 5 % (about 0.5 M) would wait.
    let text = bad("arrivals = { per_hour = 120 }", "arrivals = { per_hour = 1000000 }")
        .replace("horizon = \"4h\"", "horizon = \"10h\"")
        .replace("patience = { dist = \"exponential\", mean = \"2m\" }\n", "")
        .replace(
            "[[agents]]",
            "[[channel.type]]\nname = \"impatient\"\nshare = 0.95\npatience = { dist = \"exponential\", mean = \"1m\" }\n[[channel.type]]\nname = \"patient\"\nshare = 0.05\n[[agents]]",
        );
    let out = ccsim(&["validate", &write("mixed.toml", &text).display().to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Item 1: A plan that passes the up-front estimate (two channels, each alone within it, that
/// share one agent) but still overloads memory stops at run time with exit 1 and says
/// why, under a 4 GB address-space limit.
#[test]
fn run_time_backlog_limit_stops_the_run() {
    let text = r#"name = "shared"
horizon = "2h"
replications = 1
[[channel]]
name = "a"
kind = "voice"
service_level = { target = 0.8, within = "20s" }
arrivals = { per_hour = 3500000 }
handle_time = { dist = "exponential", mean = "4m" }
[[channel]]
name = "b"
kind = "voice"
service_level = { target = 0.8, within = "20s" }
arrivals = { per_hour = 3500000 }
handle_time = { dist = "exponential", mean = "4m" }
[[agents]]
name = "one"
skills = ["a", "b"]
staff = 1
"#;
    let p = write("shared.toml", text);
    let out = sh(&format!("ulimit -v 4000000; exec {} run {} --threads 1", env!("CARGO_BIN_EXE_ccsim"), p.display()));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("more than 8000000 contacts waiting at once") && err.contains("add agents"), "{err}");
}

/// Item 2: Many errors: each located, the list capped at 50 and the rest counted.
#[test]
fn many_errors_are_capped() {
    let skills = vec!["\"phone\""; 2000].join(", ");
    let p = write("skills.toml", &bad("skills = [\"phone\"]", &format!("skills = [{skills}]")));
    let out = ccsim(&["validate", &p.display().to_string()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(err.lines().count(), 51, "50 problems and a count:\n{err}");
    assert!(err.contains(":17:20: agents[0].skills[1]: `phone` is listed twice"), "{err}");
    assert!(err.trim_end().ends_with("… and 1949 more problems"), "{err}");
}

/// Item 3: Invalid UTF-8 is located at its first bad byte.
#[test]
fn invalid_utf8_is_located() {
    let p = tmp_dir().join("latin1.toml");
    std::fs::write(&p, b"name = \"t\"\nhorizon = \"4h\"\n# caf\xe9\n").unwrap();
    let out = ccsim(&["validate", &p.display().to_string()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains(&format!("{}:3:6: byte 0xE9 is not valid UTF-8", p.display())), "{err}");
}

/// Item 4: Every missing field is reported at its table, together with the other problems; a
/// syntax error says that checking stopped there.
#[test]
fn missing_fields_are_all_reported() {
    let text =
        bad("kind = \"voice\"\n", "").replace("skills = [\"phone\"]\n", "").replace("per_hour = 120", "per_hour = -60");
    let p = write("missing.toml", &text);
    let file = p.display().to_string();
    let out = ccsim(&["validate", &file]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains(&format!("{file}:7:1: channel[0].kind: is missing")), "{err}");
    assert!(err.contains(&format!("{file}:10:25: channel[0].arrivals.per_hour: must be a rate ≥ 0")), "{err}");
    assert!(err.contains(&format!("{file}:14:1: agents[0].skills: is missing")), "{err}");
    let out = ccsim(&["validate", &write("nohorizon.toml", &bad("horizon = \"4h\"\n", "")).display().to_string()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("horizon: is missing") && !err.contains("seed:"), "{err}");
    let out = ccsim(&["validate", &write("syntax.toml", &bad("[[agents]]", "[[agents]")).display().to_string()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(":15:") && err.contains("checking stopped here"), "{err}");
}

/// Item 5: Control characters in names are refused (they would be echoed raw into tables).
#[test]
fn control_characters_in_names_are_refused() {
    for (what, name) in [("esc", "\\u001b[31mred"), ("nul", "a\\u0000b"), ("newline", "two\\nlines")] {
        expect_error(
            what,
            &bad("name = \"team\"", &format!("name = \"{name}\"")),
            16,
            &["contains the control character U+"],
        );
    }
    expect_error("channel-name", &bad("name = \"phone\"", "name = \"ph\\tone\""), 8, &["control character U+0009"]);
}

/// Item 6: Loose clock times are refused with the form meant; on the command line a duration
/// needs a unit.
#[test]
fn clocks_and_command_line_durations_are_strict() {
    let shift = |start: &str, end: &str| {
        bad("staff = 10", &format!("[[agents.shift]]\nstart = \"{start}\"\nend = \"{end}\"\ncount = 3"))
    };
    expect_error(
        "clock-short",
        &shift("08:0", "16:00"),
        19,
        &["`08:0` is not a time of day", "did you mean \"08:00\"?"],
    );
    expect_error("clock-seconds", &shift("08:00", "16:00:59"), 20, &["`16:00:59` is not a time of day", "\"HH:MM\""]);
    let out = ccsim(&["erlang", "c", "--per-hour", "120", "--aht", "4", "--agents", "10"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains("did you mean `4s`?"), "{err}");
}

/// Item 7: Extreme numbers in the Erlang calculators: finite answers or a clear refusal, and
/// bounded printing.
#[test]
fn erlang_extremes() {
    let out =
        ccsim(&["erlang", "a", "--per-hour", "120", "--aht", "4m", "--agents", "10", "--patience", "100000000000d"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    assert!(text.contains("65.36 %") && !text.contains("NaN"), "the Erlang C limit: {text}");
    let out =
        ccsim(&["erlang", "a", "--per-hour", "120", "--aht", "4m", "--agents", "6", "--patience", "100000000000d"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be computed"));
    let out = ccsim(&["erlang", "b", "--erlangs", "1e308", "--lines", "10"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("1e308 Erlangs offered") && text.contains("carried load") && text.contains("10.000 Erlangs"),
        "{text}"
    );
    assert!(text.lines().all(|l| l.len() < 80), "{text}");
    let out = ccsim(&["erlang", "c", "--per-hour", "120", "--aht", "4m", "--agents", "10", "--within", "99999999999d"]);
    assert!(String::from_utf8_lossy(&out.stdout).lines().all(|l| l.len() < 80));
    // Error messages print numbers in a bounded form.
    expect_error("huge", &bad("per_hour = 120", "per_hour = -1e15"), 11, &["got -1e15"]);
}

/// Item 8: `--output` may not be the scenario file, and a failed write leaves no file.
#[test]
fn output_never_overwrites_the_scenario() {
    let p = write("keep.toml", GOOD);
    let out = ccsim(&["run", &p.display().to_string(), "--output", &p.display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is the scenario file itself"));
    assert_eq!(std::fs::read_to_string(&p).unwrap(), GOOD, "the scenario is untouched");
    let dir = tmp_dir().join("atomic");
    std::fs::create_dir_all(&dir).unwrap();
    let missing = dir.join("no-such-dir").join("out.json");
    let out = ccsim(&["run", &p.display().to_string(), "--format", "json", "--output", &missing.display().to_string()]);
    assert_eq!(out.status.code(), Some(1), "an I/O failure, found before simulating");
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "no partial or temporary file is left");
    // A device is written to directly, and stays a device.
    let out = ccsim(&["run", &p.display().to_string(), "--output", "/dev/null"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!std::fs::metadata("/dev/null").unwrap().file_type().is_file());
    let good = dir.join("out.json");
    let out = ccsim(&["run", &p.display().to_string(), "--format", "json", "--output", &good.display().to_string()]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "only the output, no temporary file");
    serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(&good).unwrap()).unwrap();
}

/// Item 9: Plans that cannot do what they are for: warnings with locations (errors with
/// `--deny-warnings`); meaningless values refused. The examples have no warning.
#[test]
fn warnings_for_plans_that_cannot_work() {
    for s in scenarios() {
        let out = ccsim(&["validate", "--deny-warnings", &s.display().to_string()]);
        assert_eq!(out.status.code(), Some(0), "{}: {}", s.display(), String::from_utf8_lossy(&out.stderr));
        assert!(out.stderr.is_empty(), "{}: {}", s.display(), String::from_utf8_lossy(&out.stderr));
    }
    // Shifts that never cover the opening hours.
    let text = bad("staff = 10", "[[agents.shift]]\nstart = \"09:00\"\nend = \"17:00\"\ncount = 5")
        .replace("horizon = \"4h\"", "horizon = \"24h\"")
        .replace("per_hour = 120 }", "per_hour = 120 }\nopen = { from = \"06:00\", to = \"20:00\" }");
    let p = write("uncovered.toml", &text);
    let file = p.display().to_string();
    let out = ccsim(&["validate", &file]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "a warning is not an error: {err}");
    assert!(err.contains(&format!("{file}:12:8: warning: channel[0].open:")), "{err}");
    assert!(
        err.contains(
            "about 720 contacts in 12 interval(s) when no group serving it is scheduled (the first at Mon 06:00)"
        ),
        "{err}"
    );
    for cmd in ["validate", "run"] {
        let out = ccsim(&[cmd, "--deny-warnings", &file]);
        assert_eq!(out.status.code(), Some(2), "{cmd} --deny-warnings");
        assert!(out.stdout.is_empty() || cmd == "validate");
    }
    for (what, from, to, line, message) in [
        ("shrinkage", "staff = 10", "staff = 10\nshrinkage = 0.999", 19, "only 0.1 % of scheduled time"),
        ("short", "within = \"20s\" }", "within = \"20s\", short_abandon = \"30s\" }", 10, "is not below `within`"),
        ("zero-within", "within = \"20s\"", "within = \"0s\"", 10, "only contacts answered at once"),
        ("silent", "per_hour = 120", "per_hour = 0", 7, "every volume is zero"),
    ] {
        let p = write(&format!("warn-{what}.toml"), &bad(from, to));
        let out = ccsim(&["validate", &p.display().to_string()]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{what}: {err}");
        assert!(err.contains(&format!("{}:{line}:", p.display())) && err.contains(message), "{what}: {err}");
    }
    expect_error("tiny-target", &bad("target = 0.80", "target = 5e-324"), 10, &["a target below 1 % means nothing"]);
}

/// Issue 28: an event that runs past closing, or falls on a closed day, loses the volume
/// it adds there (nothing arrives while a live channel is closed): a located warning with
/// the contacts lost, an error under `--deny-warnings`. An event that only changes handle
/// times over nights loses nothing and warns nothing.
#[test]
fn events_outside_opening_hours_warn() {
    let text = r#"name = "advert"
horizon = "7d"
interval = "30m"
[[channel]]
name = "phone"
kind = "voice"
service_level = { target = 0.8, within = "20s" }
arrivals = { per_hour = 100 }
handle_time = { dist = "exponential", mean = "4m" }
open = { from = "08:00", to = "20:00", days = ["mon", "tue", "wed", "thu", "fri"] }
[[agents]]
name = "team"
skills = ["phone"]
staff = 10
[[event]]
name = "TV advert"
days = ["wed"]
from = "19:00"
to = "21:00"
add = 300
[[event]]
name = "Sunday mailing"
days = ["sun"]
from = "10:00"
to = "12:00"
volume = 2.0
[[event]]
name = "new invoice layout"
start = "1d08h"
end = "2d08h"
handle_time = 1.25
"#;
    let p = write("closed-events.toml", text);
    let file = p.display().to_string();
    let out = ccsim(&["validate", "--deny-warnings", &file]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("{file}:19:6: error (--deny-warnings): event[0].to: `phone` is closed for 1h"))
            && err.contains("about 150 of the 300 contacts it adds are lost"),
        "{err}"
    );
    assert!(
        err.contains(&format!("{file}:25:6: error (--deny-warnings): event[1].to: `phone` is closed for 2h"))
            && err.contains("(100 % of its time")
            && err.contains("its volume × 2 applies only while open"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 2, "the handle-time event over nights warns nothing: {err}");
    // Inside the opening hours: no warning.
    let inside =
        write("open-events.toml", &text.replace("to = \"21:00\"", "to = \"20:00\"").replace("[\"sun\"]", "[\"mon\"]"));
    let out = ccsim(&["validate", "--deny-warnings", &inside.display().to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

/// `ccsim compare`: two saved runs side by side in every format; a file that is not a run's
/// result is refused naming it (exit 2).
#[test]
fn compare_two_saved_runs() {
    let dir = tmp_dir().join("compare");
    std::fs::create_dir_all(&dir).unwrap();
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/single-queue.toml").display().to_string();
    let (a, b) = (dir.join("a.json").display().to_string(), dir.join("b.json").display().to_string());
    for (out, set) in [(&a, "agents.team.staff=10"), (&b, "agents.team.staff=12")] {
        let o = ccsim(&["run", &scenario, "-r", "5", "--set", set, "-f", "json", "-o", out]);
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let o = ccsim(&["compare", &a, &b, "--kpi", "service_level"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        text.contains("service level") && text.contains(" pt ± ") && text.contains("paired replication by replication"),
        "{text}"
    );
    let o = ccsim(&["compare", &a, &b, "--kpi", "service_level", "-f", "csv"]);
    let csv = String::from_utf8_lossy(&o.stdout);
    assert!(csv.starts_with("scope,name,kpi,start_s,a_mean,a_ci95,b_mean,b_ci95,diff_mean,diff_ci95,paired\nchannel,phone,service_level,"), "{csv}");
    let o = ccsim(&["compare", &a, &scenario]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(&scenario), "{err}");
}

/// Shell words of a command line written in help text (single and double quotes).
fn shell_words(line: &str) -> Vec<String> {
    let (mut words, mut word, mut quote, mut any) = (Vec::new(), String::new(), None, false);
    for ch in line.chars() {
        match (quote, ch) {
            (None, '\'' | '"') => (quote, any) = (Some(ch), true),
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => {
                if any {
                    words.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            (_, c) => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        words.push(word);
    }
    words
}

/// The examples in `ccsim sweep --help` run as written (with two replications), including
/// the one whose group name has a space.
#[test]
fn sweep_help_examples_run() {
    let help = String::from_utf8_lossy(&ccsim(&["sweep", "--help"]).stdout).to_string();
    let examples: Vec<Vec<String>> = help
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("ccsim sweep "))
        .map(|l| shell_words(l).into_iter().skip(1).collect())
        .collect();
    assert!(examples.len() >= 3 && examples.iter().any(|e| e.iter().any(|w| w.contains("phone team"))), "{help}");
    let dir = tmp_dir().join("sweep-help");
    std::fs::create_dir_all(&dir).unwrap();
    for mut args in examples {
        for w in &mut args {
            if w.starts_with("scenarios/") {
                *w = Path::new(env!("CARGO_MANIFEST_DIR")).join(&*w).display().to_string();
            } else if w.ends_with(".csv") {
                *w = dir.join(&*w).display().to_string();
            }
        }
        args.extend(["-r".to_string(), "2".into()]);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = ccsim(&refs);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

/// A channel's own handle time is checked once, even when every type has its own.
#[test]
fn channel_distribution_is_checked_once() {
    let types = "[[channel.type]]\nname = \"a\"\nshare = 0.5\nhandle_time = { dist = \"exponential\", mean = \"3m\" }\n\
                 [[channel.type]]\nname = \"b\"\nshare = 0.5\nhandle_time = { dist = \"exponential\", mean = \"5m\" }\n[[agents]]";
    let text =
        bad("dist = \"exponential\", mean = \"4m\"", "dist = \"bogus\", mean = \"4m\"").replace("[[agents]]", types);
    let p = write("bogus-dist.toml", &text);
    let out = ccsim(&["validate", &p.display().to_string()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(err.matches("`bogus` is not a distribution").count(), 1, "{err}");
    assert!(err.contains(&format!("{}:12:", p.display())), "{err}");
}

// ---- planning: overrides on the command line -------------------------------------------

/// `--set` gives exactly what editing the file gives (the report then names the override);
/// plan arithmetic equals the absolute value; bad paths and values are refused, exit 2.
#[test]
fn set_overrides_a_field_as_editing_the_file_would() {
    let json = |out: Output| -> serde_json::Value {
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v.as_object_mut().unwrap().remove("overrides");
        v
    };
    let edited = write("edited.toml", &bad("staff = 10", "staff = 12").replace("per_hour = 120", "per_hour = 132"));
    let base = write("base.toml", GOOD);
    let by_hand = json(ccsim(&["run", &edited.display().to_string(), "--format", "json"]));
    let b = base.display().to_string();
    let set = ccsim(&[
        "run",
        &b,
        "--format",
        "json",
        "--set",
        "agents.team.staff=12",
        "--set",
        "channel.phone.arrivals.scale=1.1",
    ]);
    let text = String::from_utf8_lossy(&set.stdout).to_string();
    assert!(text.contains("\"overrides\": {\n    \"agents.team.staff\": \"12\""), "{text}");
    assert_eq!(json(set), by_hand);
    let plus = ccsim(&[
        "run",
        &b,
        "--format",
        "json",
        "--set",
        "agents.team.staff=+2",
        "--set",
        "channel.phone.arrivals.scale=1.1",
    ]);
    assert_eq!(json(plus), by_hand, "+2 on 10 agents is 12");
    for (arg, message) in [
        ("agents.tem.staff=3", "no entry `tem` in `agents`; there are: `team`"),
        ("agents.team.staff=+-11", "would give -1 agents"),
        ("agents.team.shrinkage=2", "agents[0].shrinkage: --set agents.team.shrinkage=2: must be a share in [0, 1)"),
        ("channel.phone.arrivals.scale=-1", "must be a factor from 0 to 1000"),
        ("staff", "write PATH=VALUE"),
    ] {
        assert_refused(&["run", &b, "--set", arg], message);
    }
}

// ---- planning: sweeps ------------------------------------------------------------------

/// A sweep gives byte-identical output whatever the threads, in every format; a saved
/// study runs from the file; bad axes are refused with exit 2.
#[test]
fn sweeps() {
    let p = write("sweep.toml", GOOD);
    let f = p.display().to_string();
    for format in ["json", "csv", "table", "markdown"] {
        let run = |threads: &str| {
            let out = ccsim(&[
                "sweep",
                &f,
                "--set",
                "agents.team.staff=9..=11",
                "--set",
                "channel.phone.service_level.within=20s,30s",
                "--format",
                format,
                "--threads",
                threads,
            ]);
            assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
            assert!(out.stderr.is_empty(), "no progress bar when stderr is not a terminal");
            out.stdout
        };
        assert_eq!(run("1"), run("2"), "{format}");
    }
    let out = ccsim(&[
        "sweep",
        &f,
        "--set",
        "agents.team.staff=9..=11",
        "--set",
        "channel.phone.service_level.within=20s,30s",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let variants = v["variants"].as_array().unwrap();
    assert_eq!(variants.len(), 6, "the cartesian product");
    assert_eq!(variants[1]["overrides"]["channel.phone.service_level.within"], "30s", "the last axis varies fastest");
    assert_eq!(
        variants[0]["vs_baseline"]["channels"]["phone"]["offered"]["mean"], 0.0,
        "same customers in every variant"
    );
    assert!(variants[0]["report"]["intervals"].as_array().unwrap().len() > 1, "per-interval results per variant");
    let zip = ccsim(&[
        "sweep",
        &f,
        "--set",
        "agents.team.staff=9,10",
        "--set",
        "channel.phone.service_level.within=20s,30s",
        "--zip",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&zip.stdout).unwrap();
    assert_eq!(v["variants"].as_array().unwrap().len(), 2);
    let saved =
        write("saved-sweep.toml", &format!("{GOOD}[sweep]\nset = [\"agents.team.staff=10,12\"]\nbaseline = 1\n"));
    let out = ccsim(&["sweep", &saved.display().to_string(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((v["baseline"].as_u64(), v["variants"].as_array().unwrap().len()), (Some(1), 2));
    for (args, message) in [
        (vec!["--set", "agents.team.staff=12..=10"], "is an empty range"),
        (vec!["--set", "agents.team.staff=1..=3:0"], "the step must be > 0"),
        (vec!["--set", "agents.team.staff=9,10", "--baseline", "2"], "--baseline 2: there are 2 variants"),
        (vec!["--set", "agents.tem.staff=9,10"], "no entry `tem`"),
        (vec!["--set", "a=1,2", "--set", "b=1,2,3", "--zip"], "--zip pairs values one by one"),
        (vec![], "give axes with --set"),
    ] {
        assert_refused(&[&["sweep", f.as_str()], &args[..]].concat(), message);
    }
}

/// `--shard I/N` parts merged (in any order) are exactly the unsharded sweep, in every
/// format; a missing or repeated shard, or parts of different sweeps, are refused.
#[test]
fn sharded_sweep_merges_to_the_same_bytes() {
    let p = write("shard.toml", GOOD);
    let f = p.display().to_string();
    let axes = ["--set", "agents.team.staff=9..=11", "--set", "channel.phone.service_level.within=20s,30s"];
    let dir = tmp_dir().join("shards");
    std::fs::create_dir_all(&dir).unwrap();
    let part = |i: usize| dir.join(format!("part{i}.json")).display().to_string();
    for i in 0..3 {
        let shard = format!("{i}/3");
        let mut args = vec!["sweep", f.as_str(), "--shard", shard.as_str()];
        args.extend(axes);
        let out_path = part(i);
        args.extend(["--output", out_path.as_str()]);
        let out = ccsim(&args);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    }
    for format in ["json", "csv", "table", "markdown"] {
        let mut args = vec!["sweep", f.as_str(), "--format", format];
        args.extend(axes);
        let whole = ccsim(&args).stdout;
        let (p0, p1, p2) = (part(0), part(1), part(2));
        let merged = ccsim(&["merge", &p2, &p0, &p1, "--format", format]);
        assert_eq!(merged.status.code(), Some(0), "{}", String::from_utf8_lossy(&merged.stderr));
        assert!(whole == merged.stdout, "{format}: merged output differs from the unsharded sweep");
    }
    let (p0, p1) = (part(0), part(1));
    for (args, message) in [
        (vec!["merge", p0.as_str(), p1.as_str()], "shard 2/3 is missing"),
        (vec!["merge", p0.as_str(), p0.as_str(), p1.as_str()], "is given twice"),
        (vec!["sweep", f.as_str(), "--set", "agents.team.staff=9", "--shard", "3/2"], "below the number of shards"),
    ] {
        assert_refused(&args, message);
    }
    let other = dir.join("other.json").display().to_string();
    ccsim(&["sweep", &f, "--set", "agents.team.staff=9,10", "--shard", "2/3", "--output", &other]);
    let out = ccsim(&["merge", &p0, &p1, &other]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("shards of different sweeps"));
}

// ---- planning: the staffing optimiser --------------------------------------------------

/// `ccsim staff`: several targets side by side (a tighter one costs more), `--write` gives
/// a runnable plan, an occupancy cap binds, bad input is refused with exit 2.
#[test]
fn staff_command() {
    let p = write("staff.toml", GOOD);
    let f = p.display().to_string();
    let out = ccsim(&["staff", &f, "--target", "80/20s", "--target", "90/20s", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let hours: Vec<f64> = v["plans"].as_array().unwrap().iter().map(|x| x["agent_hours"].as_f64().unwrap()).collect();
    assert!(hours[1] > hours[0], "{hours:?}");
    assert_eq!(v["plans"][0]["plan"].as_array().unwrap().len(), 8, "one headcount per interval");
    let plan = tmp_dir().join("plan.toml");
    let out = ccsim(&["staff", &f, "--write", &plan.display().to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("agent hours"));
    let check = ccsim(&["validate", "--deny-warnings", &plan.display().to_string()]);
    assert_eq!(check.status.code(), Some(0), "{}", String::from_utf8_lossy(&check.stderr));
    for (args, message) in [
        (vec!["--target", "180/20s"], "target must be between 0 and 100 %"),
        (vec!["--group", "nobody"], "no such group; the groups are: team"),
        (vec!["--confidence", "0.3"], "--confidence must be from 0.5 (the mean meets the target) to below 1"),
        (vec!["--max-abandon", "150%"], "must be a share from 0 to 100 %"),
    ] {
        assert_refused(&[&["staff", f.as_str()], &args[..]].concat(), message);
    }
    // An occupancy cap binds: more agent hours, and every interval's occupancy at most the
    // cap (its mean; the plan holds the upper bound to it).
    let capped = ccsim(&["staff", &f, "-r", "6", "--max-occupancy", "70%", "--format", "json"]);
    let free = ccsim(&["staff", &f, "-r", "6", "--format", "json"]);
    let (capped, free): (serde_json::Value, serde_json::Value) =
        (serde_json::from_slice(&capped.stdout).unwrap(), serde_json::from_slice(&free.stdout).unwrap());
    let hours = |v: &serde_json::Value| v["plans"][0]["agent_hours"].as_f64().unwrap();
    assert!(hours(&capped) > hours(&free), "{} vs {}", hours(&capped), hours(&free));
    let occupancy = |v: &serde_json::Value| -> Vec<f64> {
        let rows = v["plans"][0]["report"]["group_intervals"].as_array().unwrap();
        rows.iter().map(|r| r["occupancy"]["mean"].as_f64().unwrap_or(0.0)).collect()
    };
    assert!(occupancy(&capped).iter().all(|&o| o <= 0.7), "{:?}", occupancy(&capped));
    assert!(occupancy(&free).iter().any(|&o| o > 0.7), "the cap binds: {:?}", occupancy(&free));
    let two = format!("{GOOD}\n[[agents]]\nname = \"late\"\nskills = [\"phone\"]\nstaff = 2\n");
    let two = write("staff-two.toml", &two);
    let two = two.to_str().unwrap();
    assert_refused(&["staff", two, "--group", "team", "--group", "team"], "--group team is given twice");
    assert_refused(&["staff", two, "--max-occupancy", "0%"], "--max-occupancy must be a share above 0");
}

/// Shift rules (`[[agents.rule]]`): every mistake is located at its line and field, says
/// what is allowed, and stops `validate` and `run` alike (exit 2).
#[test]
fn shift_rules_are_checked() {
    // GOOD has 18 lines; the rule starts at line 20.
    let rule = |body: &str| format!("{GOOD}\n[[agents.rule]]\nname = \"day\"\n{body}");
    let whole = "earliest_start = \"00:00\"\nlatest_start = \"00:00\"\nlengths = [\"4h\"]\n";
    expect_error("rule-ok-but-colour", &rule(&format!("{whole}colour = 1\n")), 25, &["unknown field `colour`"]);
    expect_error(
        "rule-step",
        &rule("earliest_start = \"00:00\"\nlatest_start = \"03:15\"\nlengths = [\"30m\"]\n"),
        23,
        &["agents[0].rule[0].latest_start", "a start must be a whole number of intervals (30m), got 3h15m"],
    );
    expect_error(
        "rule-reversed",
        &rule("earliest_start = \"02:00\"\nlatest_start = \"01:00\"\nlengths = [\"1h\"]\n"),
        23,
        &["is before earliest_start"],
    );
    expect_error(
        "rule-break",
        &rule(&format!("{whole}breaks = [{{ length = \"30m\", earliest = \"4h\", latest = \"4h\" }}]\n")),
        25,
        &["agents[0].rule[0].breaks[0]", "a break of 30m starting 4h after the start does not fit in a shift of 4h"],
    );
    expect_error(
        "rule-limits",
        &rule(&format!("{whole}min_per_shift = 5\nmax_per_shift = 2\nmax_share = 1.5\n")),
        25,
        &[
            "min_per_shift: is 5, more than max_per_shift (2)",
            "max_share: must be a share in (0, 1], such as 0.3; got 1.5",
        ],
    );
    expect_error(
        "rule-explodes",
        &rule(
            "earliest_start = \"00:00\"\nlatest_start = \"23:30\"\nlengths = [\"1h\", \"2h\", \"3h\", \"4h\", \"5h\", \"6h\", \"7h\", \"8h\", \"9h\", \"10h\"]\nbreaks = [{ length = \"30m\", earliest = \"30m\", latest = \"12h\" }, { length = \"30m\", earliest = \"30m\", latest = \"12h\" }]\n",
        ),
        20,
        &["agents[0].rule[0]", "patterns (days × starts × lengths × break placements); at most 20000 per rule"],
    );
    // Shifts that leave the opening hours uncovered: named by the first interval.
    expect_error(
        "rule-gap",
        &rule("earliest_start = \"01:00\"\nlatest_start = \"01:00\"\nlengths = [\"3h\"]\n"),
        20,
        &["agents[0].rule", "the shift rules put no one on at Mon 00:00 (2 interval(s) in all), when `phone` is open"],
    );
    // A group without rules cannot be scheduled.
    let p = write("no-rules.toml", GOOD);
    assert_refused(&["schedule", p.to_str().unwrap()], "group `team` has no [[agents.rule]] entries");
}

/// `ccsim schedule` with one allowed shift covering the whole horizon: the roster is the
/// peak requirement on that one shift, every interval covered by it; every format is
/// written, the JSON reads back and draws its chart, the CSV's shift rows give the JSON's
/// roster, and `--write` gives a runnable scenario with the shift.
#[test]
fn schedule_command() {
    let text = format!(
        "{GOOD}\n[[agents.rule]]\nname = \"all day\"\nearliest_start = \"00:00\"\nlatest_start = \"00:00\"\nlengths = [\"4h\"]\ncost_per_hour = 30\n"
    );
    let p = write("schedule.toml", &text);
    let f = p.display().to_string();
    let dir = tmp_dir().join("schedule");
    std::fs::create_dir_all(&dir).unwrap();
    let written = dir.join("rostered.toml").display().to_string();
    let mut out_of = std::collections::BTreeMap::new();
    for format in ["table", "markdown", "csv", "json"] {
        let o = dir.join(format!("roster.{format}")).display().to_string();
        let out = ccsim(&["schedule", &f, "-r", "6", "--format", format, "-o", &o, "--write", &written]);
        assert_eq!(out.status.code(), Some(0), "{format}: {}", String::from_utf8_lossy(&out.stderr));
        out_of.insert(format, std::fs::read_to_string(&o).unwrap());
    }
    let doc = ccsim::report::schedule::ScheduleReport::from_json(&out_of["json"]).unwrap();
    let peak = doc.intervals.iter().map(|x| x.requirement).max().unwrap();
    assert!(peak >= doc.intervals.iter().map(|x| x.required).max().unwrap() && peak > 0);
    assert_eq!(doc.shifts.len(), 1, "{:?}", doc.shifts);
    assert_eq!(
        (doc.shifts[0].count, doc.shifts[0].start.as_str(), doc.shifts[0].end.as_str()),
        (peak, "00:00", "04:00")
    );
    assert!(doc.intervals.iter().all(|x| x.scheduled == peak), "one shift covers every interval");
    assert_eq!(doc.cost, f64::from(peak) * 4.0 * 30.0);
    let mut csv = ::csv::Reader::from_reader(out_of["csv"].as_bytes());
    let header = csv.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let records: Vec<::csv::StringRecord> = csv.records().map(|r| r.unwrap()).collect();
    let shifts: Vec<(String, u32)> = records
        .iter()
        .filter(|r| &r[col("record")] == "shift")
        .map(|r| (r[col("start")].to_string(), r[col("count")].parse().unwrap()))
        .collect();
    assert_eq!(shifts, vec![("00:00".to_string(), peak)], "CSV");
    assert_eq!(records.iter().filter(|r| &r[col("record")] == "interval").count(), 8, "CSV: one row per interval");
    for format in ["table", "markdown"] {
        assert!(out_of[format].contains("all day") && out_of[format].contains(&format!("{:.0}", doc.cost)), "{format}");
    }
    let check = ccsim(&["validate", &written]);
    assert_eq!(check.status.code(), Some(0), "{}", String::from_utf8_lossy(&check.stderr));
    let again = ccsim::scenario::Scenario::load(written.as_ref()).unwrap();
    assert!(again.groups()[0].from_shifts && again.groups()[0].headcount.max() == peak);
    let json = dir.join("roster.json").display().to_string();
    let charts = dir.join("charts");
    let out = ccsim(&["chart", &json, "--out", &charts.display().to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(charts.join("coverage.png").exists() && charts.join("coverage.svg").exists());
}

/// `ccsim staff` writes every format (and honours `--output`): each is read back and
/// gives the JSON's plan, interval by interval — the CSV's `plan` column, the table's and
/// the Markdown's `plan` column of the first target — and the JSON itself reads back into
/// the library's document.
#[test]
fn staff_formats_read_back() {
    let p = write("staff-formats.toml", GOOD);
    let f = p.display().to_string();
    let dir = tmp_dir().join("staff-formats");
    std::fs::create_dir_all(&dir).unwrap();
    let mut written = std::collections::BTreeMap::new();
    for format in ["table", "markdown", "csv", "json"] {
        let out_file = dir.join(format!("plan.{format}"));
        let o = out_file.display().to_string();
        let out = ccsim(&["staff", &f, "-r", "4", "--target", "80/20s", "--format", format, "--output", &o]);
        assert_eq!(out.status.code(), Some(0), "{format}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(out.stdout.is_empty(), "{format}: --output leaves standard output empty");
        written.insert(format, std::fs::read_to_string(&out_file).unwrap());
    }
    let doc = ccsim::report::staffing::StaffingReport::from_json(&written["json"]).unwrap();
    let plan = &doc.plans[0];
    assert_eq!(plan.label(), "80 % in 20s");
    let start_day = plan.report.start_day;
    let interval = plan.report.interval_s;
    // The intervals a plan lists (agents or an Erlang start), as `Mon 08:00` and agents.
    let want: Vec<(String, u32)> = plan
        .plan
        .iter()
        .zip(&plan.sipp)
        .enumerate()
        .filter(|(_, (n, s))| **n > 0 || **s > 0)
        .map(|(i, (n, _))| (ccsim::base::time::format_when(i as f64 * interval, start_day), *n))
        .collect();
    assert!(want.len() >= 4, "{want:?}");
    let mut csv = ::csv::Reader::from_reader(written["csv"].as_bytes());
    let header = csv.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let got: Vec<(String, u32)> = csv
        .records()
        .map(|r| r.unwrap())
        .map(|r| (format!("{} {}", &r[col("day")], &r[col("time")]), r[col("plan")].parse().unwrap()))
        .collect();
    assert_eq!(got, want, "CSV");
    // Text tables: the rows under the plan's caption, `start | SIPP | plan | …`.
    for (format, split) in [("table", "  "), ("markdown", "|")] {
        let text = &written[format];
        let from = text.find("Plan for 80 % in 20s").unwrap_or_else(|| panic!("{format}: {text}"));
        let got: Vec<(String, u32)> = text[from..]
            .lines()
            .map(|l| l.split(split).map(str::trim).filter(|c| !c.is_empty()).collect::<Vec<_>>())
            .filter(|cells| cells.len() >= 3 && cells[0].len() == 9 && cells[0].as_bytes()[3] == b' ')
            .filter_map(|cells| Some((cells[0].to_string(), cells[2].parse().ok()?)))
            .collect();
        assert_eq!(got, want, "{format}");
    }
    // The Excel format is for runs; it is refused before anything is simulated.
    assert_refused(
        &["staff", &f, "--format", "xlsx", "-o", &dir.join("x.xlsx").display().to_string()],
        "is for `ccsim run`",
    );
}

/// Review regressions: a variant that changes a channel's kind keeps the table's columns
/// (no panic); `--baseline` overrides a saved study's; a value with commas inside
/// brackets is one value.
#[test]
fn sweep_edge_cases() {
    let omni = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/omnichannel.toml");
    let out = ccsim(&[
        "sweep",
        omni,
        "--set",
        "channel.email.kind=email,voice",
        "--replications",
        "2",
        "--set",
        "horizon=1d",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.code() == Some(0) || out.status.code() == Some(2), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let saved =
        write("saved-baseline.toml", &format!("{GOOD}[sweep]\nset = [\"agents.team.staff=10,12\"]\nbaseline = 1\n"));
    let out = ccsim(&["sweep", &saved.display().to_string(), "--baseline", "0", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["baseline"], 0, "--baseline wins over the saved one");
    let p = write("bracket.toml", GOOD);
    let out = ccsim(&[
        "sweep",
        &p.display().to_string(),
        "--set",
        "agents.team.staff={ per_interval = [9, 10, 11, 12, 12, 11, 10, 9] },10",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["variants"].as_array().unwrap().len(), 2);
}

/// A reader that stops early (`ccsim run … | head -1`) ends the run quietly: exit 0 and
/// nothing on stderr, whatever the format (the output is far larger than a pipe's buffer).
#[test]
fn closed_pipe_is_a_quiet_end() {
    let omni = format!("{}/scenarios/omnichannel.toml", env!("CARGO_MANIFEST_DIR"));
    let bin = env!("CARGO_BIN_EXE_ccsim");
    for format in ["table --intervals", "csv", "json", "markdown --intervals"] {
        let script = format!("'{bin}' run '{omni}' -r 2 --format {format} | head -1; exit ${{PIPESTATUS[0]}}");
        let out = Command::new("bash").arg("-c").arg(script).output().expect("run bash");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{format}: {err}");
        assert!(err.is_empty(), "{format}: stderr {err}");
        assert_eq!(out.stdout.iter().filter(|&&b| b == b'\n').count(), 1, "{format}");
    }
}

/// Tables a planner reads: channels split to fit the terminal (or side by side with
/// `--wide`), contact types shown, weekday-and-clock interval labels, a `±` column, and a
/// `▼` on exactly the service levels below target; CSV with day and time columns.
#[test]
fn tables_a_planner_reads() {
    let omni = format!("{}/scenarios/omnichannel.toml", env!("CARGO_MANIFEST_DIR"));
    let run = |extra: &[&str], columns: &str| {
        let mut args = vec!["run", omni.as_str(), "-r", "4", "--intervals"];
        args.extend_from_slice(extra);
        let out = Command::new(env!("CARGO_BIN_EXE_ccsim")).args(&args).env("COLUMNS", columns).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8(out.stdout).unwrap()
    };
    let text = run(&[], "100");
    let widest = text.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(widest <= 100, "a line of {widest} characters in a 100-column terminal");
    assert!(text.contains("Channels (1 of 2)") && text.contains("phone (voice, 80 % in 20s) by contact type"));
    assert!(text.contains("\nfraud") || text.contains(" fraud "), "contact types are shown");
    let wide = run(&["--wide"], "100");
    assert!(wide.lines().any(|l| l.chars().count() > 100) && !wide.contains("(1 of 2)"));
    // Interval rows of the phone table: `Mon 09:30  offered  SL [▼]  ±  …`.
    let table = text.split("phone (voice, 80 % in 20s) by interval of arrival").nth(1).unwrap();
    let (mut low, mut ok) = (0, 0);
    for line in table.lines().skip(3).take_while(|l| !l.is_empty()) {
        let cells: Vec<&str> = line.split("  ").map(str::trim).filter(|c| !c.is_empty()).collect();
        assert!(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].contains(&&cells[0][..3]), "{line}");
        assert_eq!(cells[0].len(), 9, "weekday and clock: {line}");
        let sl: f64 = cells[2].split(' ').next().unwrap().parse().unwrap();
        let marked = cells[2].ends_with('▼');
        assert_eq!(marked, sl < 80.0 - 0.05, "{line}");
        assert!(cells[3].parse::<f64>().is_ok(), "± column: {line}");
        if marked { low += 1 } else { ok += 1 }
    }
    assert!(low > 10 && ok > 10, "{low} below, {ok} at or above target");
    assert!(text.contains(&format!("{low} of ")), "the channel table counts the {low} intervals below target");
    // CSV: weekday and clock columns, rounded numbers.
    let csv = ccsim(&["run", &omni, "-r", "4", "--format", "csv"]);
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert!(csv.contains(",Mon,09:30\n"), "day and time columns");
    let long = csv.lines().flat_map(|l| l.split(',')).filter(|c| c.len() > 14 && c.parse::<f64>().is_ok()).count();
    assert_eq!(long, 0, "no unrounded floats");
}

/// Decodes a PNG chart: its size, and the share of its inner area (the plot) drawn in
/// colour (data: lines, bands, markers, heat cells), not white, grey or black (background,
/// grid, text).
fn png_ink(path: &Path) -> ((u32, u32), f64) {
    let decoder = png::Decoder::new(std::fs::File::open(path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let (w, h) = (info.width as usize, info.height as usize);
    let px = info.color_type.samples();
    let (mut ink, mut all) = (0usize, 0usize);
    for y in h / 10..h * 9 / 10 {
        for x in w / 10..w * 9 / 10 {
            let p = &buf[(y * w + x) * px..(y * w + x) * px + 3];
            all += 1;
            let (hi, lo) = (p.iter().max().unwrap(), p.iter().min().unwrap());
            ink += usize::from(hi - lo > 40);
        }
    }
    ((w as u32, h as u32), ink as f64 / all as f64)
}

/// The text of an SVG chart (it must parse as XML).
fn svg_text(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants().filter(|n| n.has_tag_name("text")).filter_map(|n| n.text()).collect::<Vec<_>>().join("\n")
}

/// Every chart kind renders to PNG and SVG: the PNG decodes and has ink in its plot area,
/// the SVG parses and carries its title and axis labels as text. A chart drawn later from
/// the JSON result is the same chart.
#[test]
fn charts_render_as_png_and_svg() {
    let root = env!("CARGO_MANIFEST_DIR");
    let dir = tmp_dir().join("charts");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let d = |s: &str| dir.join(s).display().to_string();
    let omni = format!("{root}/scenarios/omnichannel.toml");
    let week_json = d("week.json");
    let out = ccsim(&["run", &omni, "-r", "4", "--format", "json", "-o", &week_json, "--charts", &d("run")]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let single = format!("{root}/scenarios/single-queue.toml");
    let sweep_json = d("sweep.json");
    let out = ccsim(&[
        "sweep",
        &single,
        "--set",
        "agents.team.staff=9..=12",
        "-r",
        "4",
        "-q",
        "--format",
        "json",
        "-o",
        &sweep_json,
        "--charts",
        &d("sweep"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let retail = format!("{root}/scenarios/retail-day.toml");
    let staff = ccsim(&[
        "staff",
        &retail,
        "--target",
        "80/20s",
        "--target",
        "90/20s",
        "-r",
        "4",
        "-q",
        "--format",
        "json",
        "--charts",
        &d("staff"),
    ]);
    assert_eq!(staff.status.code(), Some(0), "{}", String::from_utf8_lossy(&staff.stderr));
    std::fs::write(d("staff.json"), &staff.stdout).unwrap();

    // (file, words its SVG must carry: title and axis labels)
    let mut expected: Vec<(String, Vec<&str>)> = Vec::new();
    for c in ["phone", "chat", "email", "social"] {
        expected.push((
            format!("run/{c}-service-level"),
            vec!["service level by interval", "interval start", "answered within", "target "],
        ));
        expected.push((
            format!("run/{c}-volume-agents"),
            vec!["offered contacts and agents", "contacts offered per interval", "agents (mean headcount)"],
        ));
        expected.push((format!("run/{c}-abandonment-asa"), vec!["by interval", "ASA ("]));
        expected.push((
            format!("run/{c}-wait-distribution"),
            vec!["wait of answered contacts", "P(wait > t)", "threshold"],
        ));
        expected.push((format!("run/{c}-week"), vec!["day by time of day", "time of day", "Mon", "Sun", "% target"]));
    }
    expected[0].1.push("interval below target");
    // A week reads in hours; closed stretches are greyed and said so; the agents
    // required are drawn beside the scheduled, a blended group by its share; deferred
    // channels get their backlog day by day.
    expected.push(("run/social-service-level".into(), vec!["closed (no target)", "12:00", "Tue"]));
    expected.push(("run/phone-volume-agents".into(), vec!["required (Erlang C)", "closed (no target)", "(its share)"]));
    expected.push(("run/email-volume-agents".into(), vec!["workload (offered × AHT)"]));
    for c in ["email", "social"] {
        expected
            .push((format!("run/{c}-backlog"), vec!["backlog of waiting contacts", "Sat", "at the end of the day"]));
    }
    expected.push(("run/phone-abandonment-asa".into(), vec!["abandon rate (%)"]));
    expected.push((
        "sweep/sweep".into(),
        vec!["service level and ASA by variant", "agents.team.staff", "service level (%)"],
    ));
    expected.push((
        "staff/staffing".into(),
        vec!["agents required in phone team", "80 % in 20s", "90 % in 20s", "interval start"],
    ));
    for (stem, words) in &expected {
        let svg = dir.join(format!("{stem}.svg"));
        let text = svg_text(&svg);
        for w in words {
            assert!(text.contains(w), "{stem}.svg lacks the text `{w}`:\n{text}");
        }
        let (size, ink) = png_ink(&dir.join(format!("{stem}.png")));
        assert!(size.0 >= 1000 && size.1 >= 500, "{stem}.png is {size:?}");
        assert!(ink > 0.002, "{stem}.png: only {:.2} % of its plot area is drawn in colour", 100.0 * ink);
    }
    // Drawn again from the JSON results: the same charts, byte for byte in SVG.
    for (json, sub, stems) in [
        (&week_json, "run", vec!["phone-service-level", "email-week", "chat-wait-distribution"]),
        (&sweep_json, "sweep", vec!["sweep"]),
        (&d("staff.json"), "staff", vec!["staffing"]),
    ] {
        let again = d(&format!("{sub}-again"));
        let out = ccsim(&["chart", json, "--out", &again, "--image", "svg"]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        for stem in stems {
            let a = std::fs::read(dir.join(sub).join(format!("{stem}.svg"))).unwrap();
            let b = std::fs::read(Path::new(&again).join(format!("{stem}.svg"))).unwrap();
            assert!(a == b, "{stem}.svg differs when drawn from {json}");
        }
        assert!(!Path::new(&again).join("sweep.png").exists(), "--image svg writes no PNG");
    }
    // Something that is not a result is refused with its name.
    let bogus = write("bogus.json", "{\"scenario\": \"x\"}");
    assert_refused(
        &["chart", bogus.to_str().unwrap(), "--out", &d("x")],
        "bogus.json:1:17: not a run's result: missing field `replications`",
    );
}

/// Headless Chromium (Debian's `chromium`, installed by `.ci/run`): the page's DOM after
/// loading, what the browser logged, and a screenshot.
fn chromium(bin: &str, page: &Path, screenshot: &Path) -> (String, String) {
    let profile = tmp_dir().join(format!("chromium-profile-{}", page.file_stem().unwrap().to_string_lossy()));
    let url = format!("file://{}", page.display());
    // The flags of a closed network: no background connections, no sandbox as root.
    let flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-logging=stderr",
        "--v=0",
    ];
    let run = |extra: &[String]| {
        let out = Command::new(bin)
            .args(flags)
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(extra)
            .arg(&url)
            .output()
            .expect("run chromium");
        assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
        out
    };
    let dom = run(&["--dump-dom".into()]);
    run(&[
        "--hide-scrollbars".into(),
        "--window-size=1280,4000".into(),
        format!("--screenshot={}", screenshot.display()),
    ]);
    (String::from_utf8_lossy(&dom.stdout).into_owned(), String::from_utf8_lossy(&dom.stderr).into_owned())
}

/// What the page itself logged: console messages and uncaught errors (not the browser's
/// own complaints about D-Bus and the like).
fn page_messages(log: &str) -> Vec<&str> {
    log.lines().filter(|l| l.contains("CONSOLE") || l.contains("Uncaught")).collect()
}

/// The HTML report opens in a real browser: its headings and every chart (inline SVG)
/// render, the page logs nothing, loads nothing from the network, and the screenshot shows
/// the charts in colour. The detector of page messages is itself checked on a page that
/// logs an error.
#[test]
fn html_report_renders_in_chromium() {
    let Some(bin) = crate::common::tool(
        "html_report_renders_in_chromium",
        &["chromium", "chromium-browser", "google-chrome"],
        "headless Chromium (apt-get install chromium)",
    ) else {
        return;
    };
    let root = env!("CARGO_MANIFEST_DIR");
    let dir = tmp_dir().join("html");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let json = dir.join("week.json");
    let html = dir.join("week.html");
    let omni = format!("{root}/scenarios/omnichannel.toml");
    let out = ccsim(&["run", &omni, "-r", "4", "--format", "json", "-o", json.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let out = ccsim(&["report", json.to_str().unwrap(), "--out", html.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    // The same page from `run --report`.
    let direct = dir.join("direct.html");
    let out = ccsim(&["run", &omni, "-r", "4", "--report", direct.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page == std::fs::read_to_string(&direct).unwrap(), "report from JSON and from the run differ");
    for attr in ["src=\"http", "href=\"http", "url(http", "@import"] {
        assert!(!page.contains(attr), "the report must not load anything: found {attr}");
    }

    let shot = dir.join("week.png");
    let (dom, log) = chromium(&bin, &html, &shot);
    let messages = page_messages(&log);
    assert!(messages.is_empty(), "the page logged:\n{}", messages.join("\n"));
    for heading in [
        "<h1>omnichannel",
        "<h2>Scenario</h2>",
        "<h2>Channels</h2>",
        "<h2>phone (voice, 80 % in 20s) by contact type",
        "<h2>Agent groups</h2>",
        "<h2>Charts: phone</h2>",
        "<h2>Charts: social</h2>",
        "<summary>phone (voice, 80 % in 20s) by interval of arrival (target 80 %)</summary>",
        "<h2>Definitions</h2>",
    ] {
        assert!(dom.contains(heading), "the rendered page lacks {heading}");
    }
    assert_eq!(
        dom.matches("<svg").count(),
        22,
        "five charts for each of four channels, a backlog for each deferred one"
    );
    assert!(dom.contains("class=\"below\""), "below-target cells are marked");
    assert!(dom.contains("not_yet_due") && dom.contains("Still waiting at the end"), "definitions from the catalogue");
    let (size, ink) = png_ink(&shot);
    assert_eq!(size, (1280, 4000));
    assert!(ink > 0.005, "the screenshot shows little colour ({:.2} %): charts missing?", 100.0 * ink);

    // The detector sees what a page logs.
    let bad = dir.join("bad.html");
    std::fs::write(&bad, "<!DOCTYPE html><p>x</p><script>console.error('boom'); undefinedCall();</script>").unwrap();
    let (_, log) = chromium(&bin, &bad, &dir.join("bad.png"));
    let messages = page_messages(&log);
    assert!(messages.iter().any(|m| m.contains("boom")), "console.error not seen in:\n{log}");
    assert!(messages.iter().any(|m| m.contains("undefinedCall")), "uncaught error not seen in:\n{log}");
}

/// The Excel workbook opens with a reader (calamine) and holds the run's numbers as numbers:
/// shares as fractions, durations in days, interval starts as date-times, one row per
/// interval, the header row frozen on every sheet.
#[test]
fn xlsx_round_trips_the_numbers() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let omni = format!("{}/scenarios/omnichannel.toml", env!("CARGO_MANIFEST_DIR"));
    let dir = tmp_dir();
    let book = dir.join("week.xlsx");
    let out = ccsim(&["run", &omni, "-r", "4", "--format", "xlsx", "-o", book.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let json = ccsim(&["run", &omni, "-r", "4", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    // The same run writes the same bytes a second later: no clock in the file.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let again = dir.join("week-again.xlsx");
    let out = ccsim(&["run", &omni, "-r", "4", "--format", "xlsx", "-o", again.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read(&book).unwrap() == std::fs::read(&again).unwrap(), "the workbook is reproducible");

    let mut wb: Xlsx<_> = open_workbook(&book).unwrap();
    let names = wb.sheet_names().to_vec();
    for want in [
        "Channels",
        "Contact types",
        "Issues",
        "Agent groups",
        "Intervals",
        "Group intervals",
        "Backlog",
        "Wait distribution",
        "About",
    ] {
        assert!(names.iter().any(|n| n == want), "no sheet {want} in {names:?}");
    }
    let column = |range: &calamine::Range<Data>, name: &str| -> usize {
        range.headers().unwrap().iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"))
    };
    let num = |d: Option<&Data>| -> f64 {
        match d {
            Some(Data::Float(x)) => *x,
            Some(Data::DateTime(t)) => t.as_f64(),
            other => panic!("not a number: {other:?}"),
        }
    };
    let channels = wb.worksheet_range("Channels").unwrap();
    for (row, (name, c)) in v["channels"].as_object().unwrap().iter().enumerate() {
        let r = row + 1;
        assert_eq!(channels.get((r, 0)), Some(&Data::String(name.clone())));
        let sl = num(channels.get((r, column(&channels, "service level"))));
        assert_eq!(sl, c["service_level"]["mean"].as_f64().unwrap(), "{name}: the share is stored as a fraction");
        let ci = num(channels.get((r, column(&channels, "service level ±"))));
        assert_eq!(ci, c["service_level"]["ci95"].as_f64().unwrap());
        let asa = num(channels.get((r, column(&channels, "ASA"))));
        let want = c["asa_s"]["mean"].as_f64().unwrap();
        assert!((asa * 86400.0 - want).abs() <= 1e-9 * want.max(1.0), "{name}: ASA {asa} days vs {want} s");
        let offered = num(channels.get((r, column(&channels, "offered"))));
        assert_eq!(offered, c["offered"]["mean"].as_f64().unwrap());
    }
    // Time to resolution of all issues: a duration cell (days) equal to the JSON seconds.
    let issues = wb.worksheet_range("Issues").unwrap();
    assert_eq!(issues.get((1, 1)), Some(&Data::String("all".into())));
    let ttr = num(issues.get((1, column(&issues, "time to resolution"))));
    let want = v["issues"]["all"]["ttr_s"]["mean"].as_f64().unwrap();
    assert!((ttr * 86400.0 - want).abs() <= 1e-9 * want, "TTR {ttr} days vs {want} s");
    let intervals = wb.worksheet_range("Intervals").unwrap();
    let rows = v["intervals"].as_array().unwrap();
    assert_eq!(intervals.height(), rows.len() + 1, "one row per channel and interval");
    let start = column(&intervals, "start");
    let offered = column(&intervals, "offered");
    for (k, row) in rows.iter().enumerate().step_by(97) {
        let t = row["start_s"].as_f64().unwrap();
        match intervals.get((k + 1, start)) {
            // Monday 1 January 2024 is Excel day 45292; the omnichannel week starts on a Monday.
            Some(Data::DateTime(d)) => assert!((d.as_f64() - (45292.0 + t / 86400.0)).abs() < 1e-9, "row {k}"),
            other => panic!("start is not a date-time: {other:?}"),
        }
        assert_eq!(num(intervals.get((k + 1, offered))), row["offered"]["mean"].as_f64().unwrap());
    }
    // Frozen header rows, read from the sheets' XML (an xlsx is a zip archive).
    let script = "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nsheets = [n for n in z.namelist() if n.startswith('xl/worksheets/sheet')]\nprint(len(sheets), sum('state=\"frozen\"' in z.read(n).decode() for n in sheets))";
    let py = Command::new("python3").args(["-c", script, book.to_str().unwrap()]).output().expect("python3");
    let counts = String::from_utf8_lossy(&py.stdout).trim().to_string();
    let (n, frozen) = counts.split_once(' ').unwrap();
    assert_eq!(n, frozen, "every sheet has its header row frozen: {counts}");
    assert_eq!(n.parse::<usize>().unwrap(), names.len());
    // Not for sweeps, and not onto a terminal.
    assert_refused(
        &["sweep", &omni, "--set", "agents.phone.staff=+0,+1", "--format", "xlsx"],
        "--format xlsx is for `ccsim run`",
    );
}

/// Events and forecast uncertainty: bad entries are located errors; overlapping events
/// are allowed but `validate` says so (an error with --deny-warnings).
#[test]
fn events_and_forecast_bad_input() {
    let ev = |body: &str| format!("{GOOD}\n[[event]]\nname = \"advert\"\n{body}\n");
    let line_of = |text: &str, needle: &str| text.lines().position(|l| l.starts_with(needle)).unwrap() + 1;
    // An event after the end of the 4 h horizon.
    let t = ev("start = \"3h\"\nend = \"5h\"\nvolume = 2.0");
    expect_error("event_outside", &t, line_of(&t, "end ="), &["event[0].end", "after the end of the horizon (4h)"]);
    // A recurring window on a day the horizon does not contain (it is one Monday).
    let t = ev("days = [\"thu\"]\nfrom = \"01:00\"\nto = \"02:00\"\nvolume = 2.0");
    expect_error("event_never", &t, line_of(&t, "days ="), &["event[0].days", "never happen"]);
    let t = ev("from = \"02:00\"\nto = \"01:00\"\nvolume = 2.0");
    expect_error("event_backwards", &t, line_of(&t, "to ="), &["event[0].to", "must be after `from`"]);
    let t = ev("from = \"01:00\"\nto = \"02:00\"\nvolume = -1");
    expect_error("event_negative", &t, line_of(&t, "volume ="), &["event[0].volume", "≥ 0"]);
    let t = ev("from = \"01:00\"\nto = \"02:00\"\nchannels = [\"fax\"]\nvolume = 2.0");
    expect_error("event_channel", &t, line_of(&t, "channels ="), &["no channel is called `fax`", "phone"]);
    let t = ev("volume = 2.0");
    expect_error("event_window", &t, line_of(&t, "[[event]]"), &["needs one window"]);
    let t = ev("from = \"01:00\"\nto = \"02:00\"");
    expect_error("event_nothing", &t, line_of(&t, "[[event]]"), &["changes nothing"]);
    let t = bad("per_hour = 120 }", "per_hour = 120 }\nforecast = { day_cv = -0.1 }");
    expect_error("forecast_cv", &t, line_of(&t, "forecast ="), &["channel[0].forecast.day_cv", "from 0 to 3"]);
    // Overlapping events: a warning, and an error when warnings are.
    let t = ev(
        "from = \"01:00\"\nto = \"03:00\"\nvolume = 2.0\n\n[[event]]\nname = \"outage\"\nfrom = \"02:00\"\nto = \"02:30\"\nvolume = 0.5",
    );
    let p = write("overlap.toml", &t);
    let file = p.display().to_string();
    let out = ccsim(&["validate", &file]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let at = format!("{file}:{}:", t.lines().position(|l| l.starts_with("name = \"outage\"")).unwrap() + 1);
    assert!(err.contains(&at) && err.contains("warning: event[1].name: overlaps event `advert`"), "{err}");
    assert!(err.contains("factors multiply"), "{err}");
    assert_refused(&["validate", "--deny-warnings", &file], "overlaps event `advert`");
}

/// From history to a scenario and back: `run --log` writes a history, `fit` makes a
/// runnable scenario of it, `run --actuals` puts the history beside the simulation; the
/// committed example is what the documented commands make. Bad histories are refused at
/// their line and column.
#[test]
fn history_fit_and_actuals() {
    let root = env!("CARGO_MANIFEST_DIR");
    let dir = tmp_dir().join("history");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let d = |s: &str| dir.join(s).display().to_string();
    let truth = format!("{root}/scenarios/history/truth.toml");
    let out = ccsim(&["run", &truth, "--log", &d("contacts.csv"), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let committed = std::fs::read(format!("{root}/scenarios/history/contacts.csv")).unwrap();
    assert!(
        std::fs::read(d("contacts.csv")).unwrap() == committed,
        "scenarios/history/contacts.csv is what --log writes"
    );
    // The log is the replication-0 run: as many rows as contacts offered.
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let offered: f64 =
        v["channels"].as_object().unwrap().values().map(|c| c["offered"]["mean"].as_f64().unwrap()).sum();
    assert_eq!(committed.iter().filter(|&&b| b == b'\n').count() as f64, offered + 1.0);

    let fit = ccsim(&["fit", &d("contacts.csv"), "--out", &d("fitted.toml"), "--days", "14", "--template", &truth]);
    assert_eq!(fit.status.code(), Some(0), "{}", String::from_utf8_lossy(&fit.stderr));
    let summary = String::from_utf8_lossy(&fit.stdout);
    assert!(
        summary.contains("4338 rows read, 4338 used, 0 dropped; 14 day(s)") && summary.contains("Kaplan–Meier"),
        "{summary}"
    );
    let committed = std::fs::read_to_string(format!("{root}/scenarios/history/fitted.toml")).unwrap();
    let fitted = std::fs::read_to_string(d("fitted.toml")).unwrap();
    assert_eq!(
        fitted.replace("contacts.csv", "X"),
        committed.replace("contacts.csv", "X"),
        "the committed fit is current"
    );
    let run = ccsim(&["run", &d("fitted.toml"), "--actuals", &d("contacts.csv")]);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(text.contains("phone (voice, 80 % in 20s): simulated against actuals"), "{text}");
    let inside: Vec<(u32, u32)> = text
        .lines()
        .filter_map(|l| l.split("range of a day in ").nth(1))
        .map(|rest| {
            let w: Vec<&str> = rest.split(' ').collect();
            (w[0].parse().unwrap(), w[2].parse().unwrap())
        })
        .collect();
    assert_eq!(inside.len(), 2);
    for (k, n) in inside {
        assert!(
            n > 100 && f64::from(k) >= 0.85 * f64::from(n),
            "the fitted scenario predicts its own history: {k} of {n}"
        );
    }

    // Bad histories: located, before anything is fitted or simulated.
    let bad = write(
        "bad-history.csv",
        "channel,arrival_s,wait_s,outcome,handle_s\nphone,100,3,answered,200\nphone,yesterday,3,answered,200\nphone,200,-4,abandoned,\n",
    );
    let f = bad.display().to_string();
    assert_refused(&["fit", &f, "--out", &d("x.toml")], &format!("{f}:3:2: column `arrival_s`: `yesterday`"));
    assert_refused(&["fit", &f, "--out", &d("x.toml")], &format!("{f}:4:3: column `wait_s`: the wait -4 is negative"));
    assert_refused(&["run", &truth, "--actuals", &f], &format!("{f}:3:2:"));
    let out = ccsim(&["fit", &f, "--out", &d("x.toml"), "--drop-bad-rows"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("{f}:3:2: dropped:")), "{err}");
    let missing = write("short-history.csv", "channel,when,wait\nphone,1,2\n");
    assert_refused(
        &["fit", missing.to_str().unwrap(), "--out", &d("x.toml")],
        "missing columns wait_s, outcome, handle_s (or talk_s with hold_s and wrap_s), arrival_s (or arrival); the header has: channel, when, wait",
    );
    assert_refused(&["fit", &f, "--out", &d("x.toml"), "--column", "queue=wait"], "`queue` is not a standard column");
}

/// The good scenario with `[channel.announce]` holding `lines` (line 15 is the first).
fn announcing(lines: &str) -> String {
    let p = "patience = { dist = \"exponential\", mean = \"2m\" }\n";
    bad(p, &format!("{p}[channel.announce]\npredictor = \"queue_length\"\n{lines}\n"))
}

#[test]
fn bad_announcements_are_located() {
    let cases: [(&str, &str, usize, &[&str]); 10] = [
        ("zero_range", "format = \"range\"\nhigh = 0", 17, &["announce.high", "must be above 0"]),
        ("days", "pad_add = \"2d\"", 16, &["announce.pad_add", "at most a day"]),
        ("pad", "pad = -0.5", 16, &["announce.pad", "above 0", "-0.5"]),
        ("pad_add", "pad_add = \"-1m\"", 16, &["announce.pad_add", "negative"]),
        ("range", "format = \"range\"\nlow = 2\nhigh = 1.5", 17, &["announce.low", "must not exceed its upper end"]),
        ("update", "update = \"0s\"", 16, &["announce.update", "at least 10 s"]),
        ("buckets", "format = \"buckets\"\nbuckets = [\"5m\", \"2m\"]", 17, &["announce.buckets[1]", "increasing"]),
        (
            "balk",
            "[channel.reaction]\nbalk = { curve = \"logistic\", half = \"5m\" }",
            17,
            &["balk.spread", "is missing"],
        ),
        ("stay", "[channel.reaction]\nstay_share = 1.5", 17, &["reaction.stay_share", "from 0 to 1"]),
        ("predictor", "window = 5", 16, &["announce.window", "moving_average"]),
    ];
    for (name, lines, line, msgs) in cases {
        expect_error(&format!("announce_{name}"), &announcing(lines), line, msgs);
    }
    // QL_m needs exponential patience; announcements need customers on line.
    let lognormal = announcing("").replace(
        "patience = { dist = \"exponential\", mean = \"2m\" }",
        "patience = { dist = \"lognormal\", mean = \"2m\", cv = 1 }",
    );
    let qlm = lognormal.replace("\"queue_length\"", "\"queue_length_abandon\"");
    expect_error("announce_qlm", &qlm, 15, &["announce.predictor", "exponential patience", "is not exponential"]);
    let email = announcing("")
        .replace("kind = \"voice\"", "kind = \"email\"")
        .replace("patience = { dist = \"exponential\", mean = \"2m\" }\n", "");
    expect_error("announce_email", &email, 13, &["channel[0].announce", "voice and chat"]);
    // A reaction to announcements that are never made.
    let p = "patience = { dist = \"exponential\", mean = \"2m\" }\n";
    let orphan = bad(p, &format!("{p}[channel.reaction]\nstay_share = 0.5\n"));
    expect_error(
        "reaction_alone",
        &orphan,
        14,
        &["channel[0].reaction", "without [channel.announce]", "predictor = \"none\""],
    );
}

/// The announcements example: its saved sweep compares telling nothing, a point estimate
/// and a padded range on the same callers; more padding keeps more promises and makes
/// more callers balk (paired differences, beyond their intervals).
#[test]
fn announcement_example_compares_policies() {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/announcements.toml");
    let json = |args: &[&str]| -> serde_json::Value {
        let out = ccsim(&[&["sweep", file, "--format", "json"], args].concat());
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let kpi = |v: &serde_json::Value, scope: &str, k: &str| -> (f64, f64) {
        let e = &v[scope]["channels"]["billing"][k];
        (e["mean"].as_f64().unwrap_or(f64::NAN), e["ci95"].as_f64().unwrap_or(f64::NAN))
    };
    // What was told is echoed in words, in the JSON and in the report's inputs.
    let out = ccsim(&["run", file, "--format", "json", "--replications", "2"]);
    let run: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        run["channels"]["billing"]["announce"],
        "queue_length; point, rounded up to 1m; from 1m; balk logistic (half 5m, spread 1m, up to 50 %); stay 50 % of the wait heard; patience × 0.5 once a promise is broken"
    );
    let html = tmp_dir().join("announcements.html");
    let out = ccsim(&["run", file, "--replications", "2", "--report", html.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read_to_string(&html).unwrap().contains("announcements billing"));
    let saved = json(&[]);
    let variants = saved["variants"].as_array().unwrap();
    assert_eq!(variants.len(), 3);
    assert_eq!(kpi(&variants[0], "report", "announced").0, 0.0, "telling nothing tells nobody");
    assert_eq!(kpi(&variants[0], "report", "balk_rate").0, 0.0);
    assert!(kpi(&variants[0], "report", "promise_kept").0.is_nan());
    for v in &variants[1..] {
        assert!(kpi(v, "report", "announced").0 > 500.0);
        let (d, ci) = kpi(v, "vs_baseline", "abandon_rate");
        assert!(d + ci < 0.0, "telling a wait lowers abandonment: Δ {d} ± {ci}");
    }
    let padded = json(&["--set", "channel.billing.announce.pad=1,1.5"]);
    let v = &padded["variants"][1];
    for k in ["promise_kept", "balk_rate"] {
        let (d, ci) = kpi(v, "vs_baseline", k);
        assert!(d - ci > 0.0, "padding raises {k}: Δ {d} ± {ci}");
    }
}

/// Bad triage input is located and explained: type shares off by some amount, a
/// first-contact resolution outside [0, 1] or without returns, a return to a channel that
/// does not exist, return shares not adding up, a redial without a delay, preemption on a
/// deferred channel.
#[test]
fn bad_triage_input_is_located() {
    let base = |extra: &str, share_b: &str| -> String {
        format!(
            "name = \"t\"\nhorizon = \"8h\"\n[[channel]]\nname = \"phone\"\nkind = \"voice\"\nservice_level = {{ target = 0.8, within = \"20s\" }}\narrivals = {{ per_hour = 60 }}\nhandle_time = {{ dist = \"exponential\", mean = \"4m\" }}\npatience = {{ dist = \"exponential\", mean = \"2m\" }}\n[[channel.type]]\nname = \"a\"\nshare = 0.5\n{extra}\n[[channel.type]]\nname = \"b\"\nshare = {share_b}\n[[agents]]\nname = \"team\"\nskills = [\"phone\"]\nstaff = 5\n"
        )
    };
    let after = "after = { dist = \"exponential\", mean = \"1d\" }";
    let cases: [(&str, String, usize, &[&str]); 6] = [
        ("shares", base("", "0.45"), 10, &["channel[0].type", "add up to 0.95", "0.05 short of 1"]),
        ("fcr_range", base("fcr = 1.5", "0.5"), 13, &["type[0].fcr", "from 0 to 1", "1.5"]),
        ("fcr_alone", base("fcr = 0.5", "0.5"), 13, &["type[0].fcr", "come back", "returns = {"]),
        (
            "return_channel",
            base(&format!("fcr = 0.5\nreturns = {{ {after}, to = {{ fax = 1.0 }} }}"), "0.5"),
            14,
            &["returns.to.fax", "`fax` is not a channel", "phone"],
        ),
        (
            "return_shares",
            base(&format!("fcr = 0.5\nreturns = {{ {after}, to = {{ phone = 0.7 }} }}"), "0.5"),
            14,
            &["returns.to", "add up to 0.7", "0.3 short of 1"],
        ),
        ("redial_delay", base("redial = { share = 0.3 }", "0.5"), 13, &["type[0].redial", "needs a delay"]),
    ];
    for (name, text, line, msgs) in cases {
        expect_error(&format!("triage_{name}"), &text, line, msgs);
    }
    let email = base("", "0.5")
        .replace("kind = \"voice\"", "kind = \"email\"\npreemptive = true")
        .replace("patience = { dist = \"exponential\", mean = \"2m\" }\n", "");
    expect_error("triage_preempt_email", &email, 6, &["channel[0].preemptive", "voice and chat"]);
    let bot = base("assistant = { contain = 0.3 }", "0.5");
    expect_error("triage_bot_time", &bot, 13, &["type[0].assistant", "time = {"]);
    let bot =
        base("assistant = { contain = 0.3, time = { dist = \"deterministic\", value = 60 }, recontact = 0.2 }", "0.5");
    expect_error("triage_bot_recontact", &bot, 13, &["assistant.recontact", "needs returns"]);
    let aging = base("", "0.5").replace("horizon = \"8h\"\n", "horizon = \"8h\"\nrouting = { policy = \"aging\" }\n");
    expect_error("triage_aging", &aging, 3, &["routing", "aging_per_minute"]);
    let seg = format!("{}[[segment]]\nname = \"gold\"\nshare = 1.0\ngroup = \"desk\"\n", base("", "0.5"));
    expect_error("triage_segment_group", &seg, 24, &["segment[0].group", "`desk` is not an agent group", "team"]);
}

/// The triage example answers its question: injury claims take far longer to resolve than
/// password resets, across repeat contacts, and repeats raise the phone's offered load.
#[test]
fn triage_example_reports_time_to_resolution() {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/triage.toml");
    let out = ccsim(&["run", file, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let types = &v["issues"]["channels"]["phone"]["types"];
    let ttr = |t: &str| (types[t]["ttr_s"]["mean"].as_f64().unwrap(), types[t]["ttr_s"]["ci95"].as_f64().unwrap());
    let (injury, ci_i) = ttr("injury");
    let (password, ci_p) = ttr("password");
    assert!(injury - ci_i > 3.0 * (password + ci_p), "injury {injury} ± {ci_i} vs password {password} ± {ci_p}");
    let fcr = |t: &str| types[t]["fcr"]["mean"].as_f64().unwrap();
    assert!(fcr("password") > fcr("billing") && fcr("billing") > fcr("injury"));
    let phone = &v["channels"]["phone"];
    assert!(phone["repeat_share"]["mean"].as_f64().unwrap() > 0.1, "repeats raise the phone's load");
    assert!(phone["deflected"]["mean"].as_f64().unwrap() > 0.0);
    // Gold customers jump a level: they wait less than standard ones on the phone.
    let seg = |g: &str, k: &str| v["segments"][g]["channels"]["phone"][k]["mean"].as_f64().unwrap();
    assert!(seg("gold", "mean_wait_s") < seg("standard", "mean_wait_s"));
    assert_eq!(v["segments"]["gold"]["target"], 0.9);
    // The table shows the issues section.
    let out = ccsim(&["run", file, "--replications", "2"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Issues and time to resolution") && text.contains("by customer segment"), "{text}");
}
