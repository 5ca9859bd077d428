//! Inputs beyond the scenario — contact logs, shard parts, result files, arguments — are
//! as hostile as scenarios: each defect found by the campaign of issue 29 reproduced in
//! its smallest form (exit code, message, location), real exports read as centres write
//! them, and mutation campaigns over each surface run under a memory limit.

use super::cli::{assert_refused, ccsim, tmp_dir, write};
use super::engine::{mutate, mutation, random_scenario};
use proptest::prelude::*;

fn root() -> &'static str {
    env!("CARGO_MANIFEST_DIR")
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn ok(args: &[&str]) -> std::process::Output {
    let out = ccsim(args);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    out
}

/// A file of raw bytes in the test folder.
fn write_bytes(name: &str, bytes: &[u8]) -> String {
    let p = tmp_dir().join(name);
    std::fs::write(&p, bytes).unwrap();
    p.display().to_string()
}

/// Result files carry times that size charts and reports: each absurd one is refused at
/// its field, exit 2 (before: an abort, a run towards 4 GB, a panic).
#[test]
fn result_files_are_checked_before_use() {
    let dir = tmp_dir().join("hostile-results");
    std::fs::create_dir_all(&dir).unwrap();
    let run = dir.join("run.json").display().to_string();
    ok(&["run", &format!("{}/scenarios/single-queue.toml", root()), "-r", "2", "--format", "json", "-o", &run]);
    let text = std::fs::read_to_string(&run).unwrap();
    let out = dir.join("charts").display().to_string();
    for (field, value, says) in [
        ("horizon_s", "1e15", "horizon_s: 1e15 is not a horizon"),
        ("interval_s", "0.001", "interval_s: 0.001 is not an interval"),
        ("warmup_s", "-1e308", "warmup_s: -1e308 is not a warm-up"),
    ] {
        let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        doc[field] = serde_json::Value::from(value.parse::<f64>().unwrap());
        let f = write(&format!("{field}.json"), &doc.to_string());
        let f = f.to_str().unwrap();
        assert_refused(&["chart", f, "--out", &out], &format!("{f}: {says}"));
        assert_refused(&["report", f, "--out", &dir.join("r.html").display().to_string()], says);
        assert_refused(&["compare", f, &run], says);
    }
    let latin1 = write_bytes("latin1.json", b"{\"scenario\": \"caf\xe9\"}");
    assert_refused(&["chart", &latin1, "--out", &out], &format!("{latin1}:1:18: byte 0xe9 is not UTF-8"));
}

/// Parts of a sharded sweep: a part edited after it was written (a negative count) is
/// refused by its checksum, naming the file; a non-UTF-8 part is located.
#[test]
fn edited_parts_are_refused() {
    let dir = tmp_dir().join("hostile-parts");
    std::fs::create_dir_all(&dir).unwrap();
    let sq = format!("{}/scenarios/single-queue.toml", root());
    let part = |i: u32| {
        let p = dir.join(format!("p{i}.json")).display().to_string();
        ok(&["sweep", &sq, "--set", "agents.team.staff=9,10", "-r", "4", "-q", "--shard", &format!("{i}/2"), "-o", &p]);
        p
    };
    let (p0, p1) = (part(0), part(1));
    ok(&["merge", &p0, &p1]);
    let mut doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&p1).unwrap()).unwrap();
    doc["done"][0]["kpis"][0][0] = serde_json::Value::from(-5.0);
    let edited = write("edited.json", &doc.to_string());
    let edited = edited.to_str().unwrap();
    assert_refused(&["merge", &p0, edited], &format!("{edited}: its checksum does not match its contents"));
    for (k, v, says) in [
        ("shards", serde_json::Value::from(1u64 << 63), "shards: a sweep has 1 to 100000 shards"),
        ("shards", serde_json::Value::from(1_000_000_000_000u64), "shards: a sweep has 1 to 100000 shards"),
        ("shard", serde_json::Value::from(2), "shard 2/2: the shard index must be below the number of shards"),
    ] {
        let mut d: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&p1).unwrap()).unwrap();
        d[k] = v;
        let f = write("shards.json", &d.to_string());
        assert_refused(&["merge", &p0, f.to_str().unwrap()], says);
    }
    let mut bytes = std::fs::read(&p1).unwrap();
    bytes[40] = 0xff;
    let broken = write_bytes("broken-part.json", &bytes);
    assert_refused(&["merge", &p0, &broken], &format!("{broken}:1:41: byte 0xff is not UTF-8"));
}

/// Arguments and logs that crashed or hung `fit` and `run --actuals` are refused at once,
/// located; a log in Unix milliseconds is read as dates.
#[test]
fn absurd_logs_and_arguments_are_refused() {
    let log = format!("{}/scenarios/history/contacts.csv", root());
    let out = tmp_dir().join("absurd.toml").display().to_string();
    assert_refused(
        &["fit", &log, "--out", &out, "--days", "10000000"],
        "--days 10000000: a history covers 1 to 3660 days",
    );
    assert_refused(&["fit", &log, "--out", &out, "--days", "18446744073709551615"], "a history covers 1 to 3660 days");
    assert_refused(&["fit", &log, "--out", &out, "--interval", "1ms"], "a planning interval is at least 1 minute");
    let head = "channel,arrival_s,wait_s,outcome,handle_s\n";
    let wait = write("huge-wait.csv", &format!("{head}phone,100,3.4e38,answered,200\n"));
    let wait = wait.to_str().unwrap();
    assert_refused(
        &["fit", wait, "--out", &out],
        &format!("{wait}:2:3: column `wait_s`: the wait 3.4e38 is longer than a year"),
    );
    let far = write("far.csv", &format!("{head}phone,100,3,answered,200\nphone,1e17,3,answered,200\n"));
    let far = far.to_str().unwrap();
    let sq = format!("{}/scenarios/single-queue.toml", root());
    assert_refused(&["run", &sq, "--actuals", far], &format!("{far}:3:2: the arrival is"));
    let latin1 = write_bytes("latin1.csv", b"channel,arrival_s,wait_s,outcome,handle_s\nph\xe9ne,100,3,answered,200\n");
    assert_refused(&["fit", &latin1, "--out", &out], &format!("{latin1}:2:3: byte 0xe9 is not UTF-8"));
    let template = write_bytes("latin1.toml", b"name = \"caf\xe9\"\n");
    assert_refused(&["fit", &log, "--out", &out, "--template", &template], &format!("{template}:1:12: byte 0xe9"));
    // Unix time: seconds or milliseconds are dates, time 0 the first midnight (UTC).
    let ms = write(
        "unix-ms.csv",
        &format!(
            "{head}phone,1756713600000,3,answered,200\nphone,1756717200000,5,abandoned,\nphone,1757318400000,1,answered,100\n"
        ),
    );
    let fitted = ok(&["fit", ms.to_str().unwrap(), "--out", &out]);
    assert!(
        String::from_utf8_lossy(&fitted.stdout).contains("8 day(s) of history from a mon"),
        "1 September 2025 was a Monday"
    );
    assert!(stderr(&fitted).contains("arrivals read as Unix time in milliseconds"), "{}", stderr(&fitted));
    // run --actuals with Unix seconds: the days of the history, not 2827 of them.
    let secs =
        write("unix-s.csv", &format!("{head}phone,1756717200,3,answered,200\nphone,1756720800,5,answered,150\n"));
    let run = ok(&["run", &sq, "-r", "2", "--actuals", secs.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(text.contains("1 day(s) of history") && !text.contains("2827"), "{text}");
}

/// Scenario edges the campaign found: a seed TOML cannot hold is refused at `seed`; a
/// saved sweep's errors are located in the file; a channel's own `returns.to` is checked
/// when every type overrides it; channels differing only in case keep their own charts.
#[test]
fn scenario_edges_are_located() {
    let sq = std::fs::read_to_string(format!("{}/scenarios/single-queue.toml", root())).unwrap();
    let seed = write("big-seed.toml", &sq.replace("seed = 7", "seed = 9223372036854775808"));
    let seed = seed.to_str().unwrap();
    assert_refused(&["run", seed], &format!("{seed}:5:8: seed: 9223372036854775808 is too large"));
    let lines = sq.lines().count();
    let saved = write("saved-sweep.toml", &format!("{sq}\n[sweep]\nset = [\"agents.nope.staff=1,2\"]\n"));
    let saved = saved.to_str().unwrap();
    assert_refused(
        &["sweep", saved, "-q"],
        &format!("{saved}:{}:8: sweep.set[0]: `agents.nope.staff`: no entry `nope`", lines + 3),
    );
    let zipped = write(
        "saved-zip.toml",
        &format!(
            "{sq}\n[sweep]\nset = [\"agents.team.staff=9,10\", \"agents.team.shrinkage=0.1,0.2,0.3\"]\nzip = true\n"
        ),
    );
    let zipped = zipped.to_str().unwrap();
    assert_refused(
        &["sweep", zipped, "-q"],
        &format!("{zipped}:{}:7: sweep.zip: zip pairs values one by one", lines + 4),
    );
    let returns = sq.replace(
        "[[agents]]",
        "returns = { after = { dist = \"exponential\", mean = \"1d\" }, to = { nope = 1 } }\n[[channel.type]]\nname = \"a\"\nshare = 1.0\nfcr = 0.8\nreturns = { after = { dist = \"exponential\", mean = \"1d\" } }\n\n[[agents]]",
    );
    let returns = write("channel-returns.toml", &returns);
    assert_refused(&["validate", returns.to_str().unwrap()], "channel[0].returns.to.nope: `nope` is not a channel");
    // Two channels whose names differ only in case: every chart file is there.
    let twin = sq
        .replace(
            "[[agents]]",
            &format!(
                "{}\n[[agents]]",
                &sq[sq.find("[[channel]]").unwrap()..sq.find("[[agents]]").unwrap()]
                    .replace("name = \"phone\"", "name = \"Phone\"")
            ),
        )
        .replace("skills = [\"phone\"]", "skills = [\"phone\", \"Phone\"]");
    let twin = write("twins.toml", &twin);
    let dir = tmp_dir().join("twin-charts");
    let _ = std::fs::remove_dir_all(&dir);
    let out = ok(&["run", twin.to_str().unwrap(), "-r", "2", "--charts", &dir.display().to_string()]);
    let files = std::fs::read_dir(&dir).unwrap().count();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&format!("{files} chart files written")) && files == 16,
        "{files} files"
    );
}

/// An ACD-style export — semicolons, day-first dates, waits as H:MM:SS, talk, hold and
/// wrap-up columns, the export's own outcome names — is read with `--column` and
/// `--outcome` and fits exactly what the same contacts give in ccsim's own log: the same
/// volumes, the same handle times (to the second), the patience of whole seconds; its
/// out-of-sample check compares held-out days. Also: a log whose types are equally common
/// writes shares that add up to 1; without `--kind`, a template whose chat group meets a
/// channel guessed as voice is explained in the log's words with the `--kind` to give; a
/// template's interval is the fit's; a chat channel keeps its kind through `--log`; a log
/// ending on a Saturday of a centre closed on Sundays is taken as whole weeks.
#[test]
fn exports_fit_as_centres_write_them() {
    let h = format!("{}/scenarios/history", root());
    let dir = tmp_dir().join("exports");
    std::fs::create_dir_all(&dir).unwrap();
    let d = |s: &str| dir.join(s).display().to_string();
    let mapped = [
        "--column",
        "channel=Queue",
        "--column",
        "arrival=Start",
        "--column",
        "wait_s=QueueTime",
        "--column",
        "outcome=Result",
        "--column",
        "talk_s=TalkTime",
        "--column",
        "hold_s=HoldTime",
        "--column",
        "wrap_s=WrapTime",
        "--outcome",
        "Handled=answered,Transferred=answered,In queue=waiting",
    ];
    let export = format!("{h}/acd-export.csv");
    let mut args = vec!["fit", export.as_str(), "--out"];
    let out_acd = d("acd.toml");
    args.push(&out_acd);
    args.extend(mapped);
    let acd_json = d("acd.json");
    args.extend(["--kind", "Web chat=chat", "--days", "14", "--json", &acd_json]);
    let summary = ok(&args);
    let own = d("own.toml");
    ok(&["fit", &format!("{h}/contacts.csv"), "--out", &own, "--days", "14", "--json", &d("own.json")]);
    let read =
        |f: &str| -> serde_json::Value { serde_json::from_str(&std::fs::read_to_string(d(f)).unwrap()).unwrap() };
    let (acd, mine) = (read("acd.json"), read("own.json"));
    for (a, b) in acd["channels"].as_array().unwrap().iter().zip(mine["channels"].as_array().unwrap()) {
        assert_eq!(a["per_interval"], b["per_interval"], "volumes of {} and {}", a["name"], b["name"]);
        assert_eq!(a["counts"], b["counts"], "answered and abandoned");
        let (ha, hb) = (a["handle"]["mean"].as_f64().unwrap(), b["handle"]["mean"].as_f64().unwrap());
        assert!((ha - hb).abs() < 0.6, "handle time {ha} vs {hb}: whole seconds");
        assert_eq!(a["patience"]["resolution_s"], 1.0);
        let (pa, pb) = (a["patience"]["exp_mean"].as_f64().unwrap(), b["patience"]["exp_mean"].as_f64().unwrap());
        assert!((pa - pb).abs() < b["patience"]["exp_se"].as_f64().unwrap(), "patience {pa} vs {pb}");
    }
    assert!(String::from_utf8_lossy(&summary.stdout).contains("whole seconds"));
    ok(&["run", &out_acd, "-r", "2"]);
    // Out of sample: the second week against the fit of the first.
    let mut args = vec!["fit", export.as_str(), "--out", &out_acd];
    args.extend(mapped);
    args.extend(["--holdout", "7"]);
    let check = ok(&args);
    let text = String::from_utf8_lossy(&check.stdout);
    assert!(text.contains("Out of sample: the last 7 day(s) held out, against the fit of the 7 before"), "{text}");
    assert!(text.contains("Phone: ") && text.contains("expected"), "{text}");
    let mut args = vec!["fit", export.as_str(), "--out", &out_acd];
    args.extend(mapped);
    args.extend(["--holdout", "10"]);
    assert_refused(&args, "--holdout 10: the history has 14 day(s)");

    // Three equally common types: shares written add up to 1 and the scenario loads.
    let head = "channel,type,arrival_s,wait_s,outcome,handle_s\n";
    let mut rows = String::from(head);
    for i in 0..300 {
        rows += &format!("phone,{},{},2,answered,{}\n", ["a", "b", "c"][i % 3], 600 + i * 200, 100 + i % 50);
    }
    let thirds = write("thirds.csv", &rows);
    ok(&["fit", thirds.to_str().unwrap(), "--out", &d("thirds.toml")]);
    ok(&["validate", &d("thirds.toml")]);

    // A channel guessed as voice meets the template's chat group: said in the log's words.
    let web = write("web.csv", &rows.replace("phone,", "web,"));
    let template = write(
        "chat-template.toml",
        "name = \"t\"\ninterval = \"30m\"\n[[agents]]\nname = \"web team\"\nskills = [\"web\"]\nconcurrency = 2\nstaff = 3\n",
    );
    let out = ccsim(&["fit", web.to_str().unwrap(), "--out", &d("web.toml"), "--template", template.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("web.csv: no runnable scenario can be written from this log") && err.contains("--kind web=voice"),
        "{err}"
    );
    assert!(!err.contains("web.toml:"), "never located in the file not written: {err}");
    ok(&[
        "fit",
        web.to_str().unwrap(),
        "--out",
        &d("web.toml"),
        "--template",
        template.to_str().unwrap(),
        "--kind",
        "web=chat",
    ]);
    // The template's interval is the fit's; another one given is explained.
    let hourly = write(
        "hourly.toml",
        &format!(
            "name = \"t\"\ninterval = \"1h\"\n[[agents]]\nname = \"team\"\nskills = [\"phone\"]\nstaff = {{ per_interval = [{}] }}\n",
            vec!["3"; 24].join(", ")
        ),
    );
    ok(&["fit", thirds.to_str().unwrap(), "--out", &d("hourly-fit.toml"), "--template", hourly.to_str().unwrap()]);
    assert!(std::fs::read_to_string(d("hourly-fit.toml")).unwrap().contains("interval = \"1h\""));
    assert_refused(
        &[
            "fit",
            thirds.to_str().unwrap(),
            "--out",
            &d("x.toml"),
            "--template",
            hourly.to_str().unwrap(),
            "--interval",
            "30m",
        ],
        "the template plans its agents per 1h interval",
    );

    // Chat keeps its kind through --log → fit, whatever its name.
    let omni = std::fs::read_to_string(format!("{}/scenarios/omnichannel.toml", root())).unwrap();
    let renamed = write(
        "renamed.toml",
        &omni
            .replace("name = \"chat\"", "name = \"web\"")
            .replace("[\"chat\",", "[\"web\",")
            .replace("horizon = \"7d\"", "horizon = \"1d\""),
    );
    ok(&["run", renamed.to_str().unwrap(), "-r", "1", "--log", &d("web-log.csv")]);
    ok(&["fit", &d("web-log.csv"), "--out", &d("web-fit.toml")]);
    assert!(std::fs::read_to_string(d("web-fit.toml")).unwrap().contains("name = \"web\"\nkind = \"chat\"\n"));

    // Closed on Sundays, the export's last contact on the third Saturday: three weeks.
    let mut week = String::from("channel,arrival_s,wait_s,outcome,handle_s\n");
    for day in 0..20 {
        if day % 7 != 6 {
            for k in 0..20 {
                week += &format!("phone,{},3,answered,200\n", day * 86400 + 30000 + k * 600);
            }
        }
    }
    let closed = write("closed-sundays.csv", &week);
    let fit = ok(&["fit", closed.to_str().unwrap(), "--out", &d("closed.toml")]);
    let text = String::from_utf8_lossy(&fit.stdout);
    assert!(text.contains("21 day(s) of history") && text.contains("taken as 21 days"), "{text}");
    let scenario = std::fs::read_to_string(d("closed.toml")).unwrap();
    assert!(scenario.contains("mon 1.17"), "day factors over 21 days (6 busy days of 7): {scenario}");
}

/// Runs ccsim under a memory limit (1 GiB of address space) and a time limit: the exit
/// code (None: killed) and stderr.
fn limited(args: &[&str]) -> (Option<i32>, String) {
    let quoted: Vec<String> = args.iter().map(|a| format!("'{}'", a.replace('\'', "'\\''"))).collect();
    let script = format!("ulimit -v 1048576; exec timeout 60 '{}' {}", env!("CARGO_BIN_EXE_ccsim"), quoted.join(" "));
    let out = std::process::Command::new("sh").args(["-c", &script]).output().expect("run sh");
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// A refusal or a success, never a crash: exit 0 or 2, no panic, the file named.
fn refused_or_done(what: &str, (code, err): (Option<i32>, String), file: &str) -> Result<bool, TestCaseError> {
    prop_assert!(code == Some(0) || code == Some(2), "{what}: exit {code:?} (137: memory, 124: time):\n{err}");
    prop_assert!(!err.contains("panicked"), "{what}: {err}");
    if code == Some(2) {
        prop_assert!(err.contains(file), "{what}: the error does not name {file}:\n{err}");
    }
    Ok(code == Some(0))
}

fn sample(path: &str, lines: usize) -> String {
    std::fs::read_to_string(path).unwrap().lines().take(lines).collect::<Vec<_>>().join("\n") + "\n"
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, .. ProptestConfig::default() })]

    /// Contact logs (ccsim's own and an ACD export), mutated 1 to 3 times: `fit` refuses
    /// them with the log named, or fits a scenario that runs.
    #[test]
    fn mutated_logs_are_refused_or_fitted(acd in any::<bool>(), drop in any::<bool>(), mutations in prop::collection::vec(mutation(), 1..4)) {
        let h = format!("{}/scenarios/history", root());
        let mut text = if acd { sample(&format!("{h}/acd-export.csv"), 600) } else { sample(&format!("{h}/contacts.csv"), 600) };
        for m in &mutations {
            text = mutate(&text, m);
        }
        let log = write("mutated-log.csv", &text);
        let log = log.to_str().unwrap();
        let out = tmp_dir().join("mutated-fit.toml").display().to_string();
        let mut args = vec!["fit", log, "--out", &out];
        if acd {
            args.extend(["--column", "channel=Queue", "--column", "arrival=Start", "--column", "wait_s=QueueTime", "--column", "outcome=Result", "--column", "talk_s=TalkTime", "--column", "hold_s=HoldTime", "--column", "wrap_s=WrapTime", "--outcome", "Handled=answered,Transferred=answered,In queue=waiting"]);
        }
        if drop {
            args.push("--drop-bad-rows");
        }
        if refused_or_done("fit", limited(&args), "mutated-log.csv")? {
            let (code, err) = limited(&["run", &out, "-r", "1"]);
            prop_assert_eq!(code, Some(0), "what fit writes runs:\n{}\n{}", err, std::fs::read_to_string(&out).unwrap_or_default());
        }
    }

    /// Shard parts, mutated: `merge` refuses them naming the part, or merges.
    #[test]
    fn mutated_parts_are_refused_or_merged(mutations in prop::collection::vec(mutation(), 1..4)) {
        let dir = tmp_dir().join("mutated-parts");
        let p0 = dir.join("p0.json");
        if !p0.exists() {
            std::fs::create_dir_all(&dir).unwrap();
            let sq = format!("{}/scenarios/single-queue.toml", root());
            for i in 0..2 {
                ok(&["sweep", &sq, "--set", "agents.team.staff=9,10", "-r", "4", "-q", "--shard", &format!("{i}/2"), "-o", &dir.join(format!("p{i}.json")).display().to_string()]);
            }
        }
        let mut text = std::fs::read_to_string(dir.join("p1.json")).unwrap();
        for m in &mutations {
            text = mutate(&text, m);
        }
        let part = write("mutated-part.json", &text);
        refused_or_done("merge", limited(&["merge", p0.to_str().unwrap(), part.to_str().unwrap()]), "mutated-part.json")?;
    }

    /// Run results, mutated: `chart` and `report` refuse them naming the file, or draw.
    #[test]
    fn mutated_results_are_refused_or_drawn(mutations in prop::collection::vec(mutation(), 1..4)) {
        let dir = tmp_dir().join("mutated-results");
        let run = dir.join("run.json");
        if !run.exists() {
            std::fs::create_dir_all(&dir).unwrap();
            ok(&["run", &format!("{}/scenarios/retail-day.toml", root()), "-r", "2", "--format", "json", "-o", &run.display().to_string()]);
        }
        let mut text = std::fs::read_to_string(&run).unwrap();
        for m in &mutations {
            text = mutate(&text, m);
        }
        let f = write("mutated-result.json", &text);
        let f = f.to_str().unwrap();
        refused_or_done("chart", limited(&["chart", f, "--out", &dir.join("charts").display().to_string(), "--image", "svg"]), "mutated-result.json")?;
        refused_or_done("report", limited(&["report", f, "--out", &dir.join("r.html").display().to_string()]), "mutated-result.json")?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    /// The round trip over random scenarios: the log of a run, fitted, always gives a
    /// scenario that loads (or a refusal in the log's terms, never located in the file
    /// not written), with every channel's kind as in the scenario.
    #[test]
    fn log_fit_round_trip(toml in random_scenario()) {
        use ccsim::data::fit::{FitOptions, fit};
        use ccsim::data::history::{ContactLog, LogFormat, read};
        use ccsim::engine::{Model, simulate_with};
        let s = ccsim::scenario::Scenario::from_toml(&toml, "random.toml").map_err(|e| TestCaseError::fail(format!("{e}")))?;
        let model = Model::compile(s.clone());
        let mut log = Vec::new();
        let l = ContactLog::new(&model.scenario, &mut log).unwrap();
        simulate_with(&model, 0, l).unwrap().finish().unwrap();
        let text = String::from_utf8(log).unwrap();
        prop_assume!(text.lines().count() > 1);
        let h = read(&text, "log.csv", &LogFormat::default(), false).map_err(|e| TestCaseError::fail(format!("{e}")))?;
        let opts = FitOptions {
            name: "round trip".into(),
            interval: s.interval(),
            kinds: Vec::new(),
            target: ccsim::scenario::ServiceTarget { share: 0.8, within: 20.0 },
            agents: None,
            source: "log.csv".into(),
            days: Some((s.horizon() / 86400.0).ceil() as usize),
            holdout: None,
        };
        match fit(&h, &opts) {
            Err(e) => prop_assert!(e.to_string().contains("has no answered contact"), "refused: {e}"),
            Ok(f) => {
                let written = f.scenario("fitted.toml");
                prop_assert!(written.is_ok(), "fit refuses its own output: {}", written.err().map(|e| e.to_string()).unwrap_or_default());
                for c in &f.channels {
                    let kind = s.channels().iter().find(|x| x.name == c.name).map(|x| x.kind);
                    prop_assert_eq!(Some(c.kind), kind, "the kind of {} survives the log", c.name);
                }
            }
        }
    }
}
