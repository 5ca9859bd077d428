//! Several channels and agent groups: reductions to the single-queue model, deferred work
//! over closed hours, routing policies, chat concurrency and invariants that hold for any
//! scenario.
//!
//! Run with `cargo test --release`.

use crate::common::{ChannelBuilder, GroupBuilder, ReportOf, ScenarioBuilder, ch, channel, group, grp, scenario};
use ccsim::base::maths::student_t_quantile;
use ccsim::engine::Model;
use ccsim::erlang::ErlangC;
use ccsim::plan::run::{RunOptions, run};
use ccsim::report::Report;
use ccsim::scenario::Scenario;
use ccsim::stats::kpi::{ChannelKpi, GroupKpi};
use ccsim::stats::summary::Estimate;
use ccsim::stats::tally::replicate as simulate;
use proptest::prelude::*;

/// Within a Student-t interval at confidence 1 − alpha (from the run's own spread).
fn within(e: Estimate, expected: f64, alpha: f64) -> bool {
    let k = student_t_quantile(1.0 - alpha / 2.0, f64::from(e.n) - 1.0);
    (e.mean - expected).abs() <= k * e.se() + 1e-9
}

/// Two estimates differ beyond both runs' noise (a two-sample t-like check).
fn clearly_below(a: Estimate, b: Estimate) -> bool {
    a.mean + 4.0 * a.se() < b.mean - 4.0 * b.se()
}

/// Two days of one line of `kind` (130 contacts an hour, lognormal handle times,
/// exponential patience) answered by `team`.
fn reduction(kind: &str, team: GroupBuilder) -> ScenarioBuilder {
    scenario("reduction")
        .seed(5)
        .replications(12)
        .horizon("48h")
        .interval("1h")
        .warmup("2h")
        .channel(channel("line", kind).per_hour(130.0).lognormal_handle("4m", 0.9).exponential_patience("2m"))
        .group(team)
}

/// The team of [`reduction`], with a staffing profile over the day.
fn reduction_team() -> GroupBuilder {
    group("team", &["line"])
        .staff_per_interval(&[9, 9, 10, 11, 12, 12, 11, 10, 10, 11, 12, 11, 10, 9, 9, 10, 11, 12, 12, 11, 10, 10, 9, 9])
}

/// The what-if factors are the distributions rewritten: `handle_time_scale = 1.25` on a
/// 4 min exponential handle time and `patience_scale = 2` on a 2 min patience give the
/// numbers of 5 min and 4 min written out, bit for bit (the same draws, scaled), and
/// differ from the unscaled line.
#[test]
fn what_if_factors_are_the_distributions_rewritten() {
    let line = || channel("line", "voice").per_hour(130.0).exponential_handle("4m").exponential_patience("2m");
    let with = |c: ChannelBuilder| {
        scenario("what-if")
            .seed(5)
            .replications(12)
            .horizon("24h")
            .interval("1h")
            .channel(c)
            .group(group("team", &["line"]).staff(10))
    };
    let scaled = with(line().set("handle_time_scale", 1.25).set("patience_scale", 2.0)).report();
    let written = with(line().exponential_handle("5m").exponential_patience("4m")).report();
    let plain = with(line()).report();
    let (s, w, p) = (scaled.channel("line").unwrap(), written.channel("line").unwrap(), plain.channel("line").unwrap());
    for (k, e) in &s.kpis {
        let other = w.get(*k).unwrap();
        assert!(e.mean.to_bits() == other.mean.to_bits() || (e.mean.is_nan() && other.mean.is_nan()), "{k:?}");
    }
    let (aht_s, aht_p) = (s.get(ChannelKpi::AhtS).unwrap(), p.get(ChannelKpi::AhtS).unwrap());
    assert!(clearly_below(aht_p, aht_s), "the factor lengthens handle times: {aht_p:?} vs {aht_s:?}");
    let bad = with(line().set("handle_time_scale", 0)).toml();
    let e = Scenario::from_toml(&bad, "bad.toml").unwrap_err().to_string();
    assert!(e.contains("handle_time_scale") && e.contains("above 0"), "{e}");
}

/// Plan arithmetic means what a planner means: on the retail day (closed at night, plan 0
/// there), `staff=+1` adds an agent only to the 29 half-hours the plan staffs — 14.5 paid
/// hours, not 24 — and `+-1` takes one away there.
#[test]
fn plan_arithmetic_adds_only_where_the_plan_has_agents() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let day = Scenario::load(format!("{dir}/scenarios/retail-day.toml").as_ref()).unwrap();
    let cost = |s: Scenario| {
        let r = run(s, &RunOptions { replications: Some(2), ..Default::default() }).unwrap().report();
        r.groups.iter().map(|g| g.get(GroupKpi::Cost).unwrap().mean).sum::<f64>()
    };
    let g = &day.groups()[0];
    let staffed = (0..day.n_intervals()).filter(|&i| g.headcount.at(i as f64 * day.interval()) > 0).count();
    let hours = staffed as f64 * day.interval() / 3600.0;
    assert_eq!(hours, 14.5, "the retail day staffs 14.5 hours");
    let base = cost(day.clone());
    let plus = cost(day.with_overrides(&[("agents.phone team.staff", "+1")]).unwrap());
    let minus = cost(day.with_overrides(&[("agents.phone team.staff", "+-1")]).unwrap());
    let per_hour = g.cost_per_hour;
    assert!((plus - base - hours * per_hour).abs() < 1e-6, "+1 costs {} = 14.5 h × {per_hour}", plus - base);
    assert!((base - minus - hours * per_hour).abs() < 1e-6, "+-1 saves {}", base - minus);
}

/// A chat channel whose agents hold one chat at a time, with no slowdown, is a voice
/// channel: identical numbers, replication by replication.
#[test]
fn chat_with_concurrency_one_is_voice() {
    let voice = reduction("voice", reduction_team()).report();
    let chat = reduction("chat", reduction_team()).report();
    let (v, c) = (voice.channel("line").unwrap(), chat.channel("line").unwrap());
    let mut compared = 0;
    for (k, e) in &v.kpis {
        let other = c.get(*k).unwrap();
        assert!(e.mean.to_bits() == other.mean.to_bits() && e.ci95.to_bits() == other.ci95.to_bits(), "{k:?}");
        compared += 1;
    }
    assert!(compared >= 15);
    for (a, b) in voice.intervals.iter().zip(&chat.intervals) {
        for (k, e) in &a.kpis {
            assert_eq!(e.mean.to_bits(), b.get(*k).unwrap().mean.to_bits(), "{k:?} at {}", a.start_s);
        }
    }
    // One slot per agent: slots in use / slots present is occupancy of the agents present.
    assert_eq!(
        ch(&chat, "line", ChannelKpi::SlotUtilisation).mean,
        ch(&chat, "line", ChannelKpi::OccupancyPresent).mean
    );
}

/// One channel and one group give the numbers the single-queue engine gave before the
/// omnichannel generalisation (saved in tests/data/golden before that change).
#[test]
fn single_channel_numbers_are_unchanged() {
    for name in ["single-queue", "retail-day"] {
        let dir = env!("CARGO_MANIFEST_DIR");
        let golden: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(format!("{dir}/tests/data/golden/{name}-r6.json")).unwrap())
                .unwrap();
        let s = Scenario::load(format!("{dir}/scenarios/{name}.toml").as_ref()).unwrap();
        let results = run(s, &RunOptions { replications: Some(6), ..Default::default() }).unwrap();
        let mut out = Vec::new();
        ccsim::output::Format::Json.write(&results.report(), Default::default(), &mut out).unwrap();
        let now: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let mut checked = 0;
        same_numbers(&golden, &now, name, &mut checked);
        assert!(checked > 1000, "{name}: only {checked} values compared");
    }
}

/// The outputs recorded before the engine redesign (tests/data/baseline/README.md) come
/// out byte for byte: every example scenario, the golden runs and random scenarios of the
/// proptest's shape, in JSON, and a few in the table, Markdown and CSV formats.
#[test]
fn outputs_are_unchanged_since_the_redesign() {
    use ccsim::output::{Format, TableOptions};
    let dir = env!("CARGO_MANIFEST_DIR");
    let base = format!("{dir}/tests/data/baseline");
    let json = (Format::Json, TableOptions::default());
    let tables = TableOptions { intervals: true, width: Some(100) };
    // (scenario file, recorded output, replications, format)
    type Case = (String, String, Option<u32>, (Format, TableOptions));
    let mut cases: Vec<Case> = Vec::new();
    for name in ["single-queue", "retail-day", "omnichannel", "benchmark"] {
        cases.push((format!("{dir}/scenarios/{name}.toml"), format!("{name}.json"), None, json));
    }
    for name in ["single-queue", "retail-day"] {
        cases.push((format!("{dir}/scenarios/{name}.toml"), format!("{name}-r6.json"), Some(6), json));
    }
    for n in 0..8 {
        cases.push((format!("{base}/random-{n}.toml"), format!("random-{n}.json"), None, json));
    }
    let omni = format!("{dir}/scenarios/omnichannel.toml");
    let retail = format!("{dir}/scenarios/retail-day.toml");
    cases.push((omni.clone(), "omnichannel.table.txt".into(), None, (Format::Table, tables)));
    cases.push((omni, "omnichannel.md".into(), None, (Format::Markdown, tables)));
    cases.push((retail.clone(), "retail-day.table.txt".into(), None, (Format::Table, tables)));
    cases.push((retail, "retail-day.csv".into(), None, (Format::Csv, TableOptions::default())));
    let mut differ = Vec::new();
    for (scenario, recorded, reps, (format, options)) in &cases {
        let s = Scenario::load(scenario.as_ref()).unwrap();
        let results = run(s, &RunOptions { replications: *reps, ..Default::default() }).unwrap();
        let mut out = Vec::new();
        format.write(&results.report(), *options, &mut out).unwrap();
        // A deliberate change re-records: CCSIM_RECORD_BASELINE=1 cargo test --release
        // outputs_are_unchanged (then review the diff and say why in the commit).
        if std::env::var_os("CCSIM_RECORD_BASELINE").is_some() {
            std::fs::write(format!("{base}/{recorded}"), &out).unwrap();
        }
        let want = std::fs::read(format!("{base}/{recorded}")).unwrap();
        if out != want {
            let line = out.split(|&b| b == b'\n').zip(want.split(|&b| b == b'\n')).position(|(a, b)| a != b);
            differ.push(format!("{recorded}: first differing line {:?}", line.map(|l| l + 1)));
        }
    }
    assert!(differ.is_empty(), "outputs changed:\n{}", differ.join("\n"));
}

/// An override that sets a field to the value it has changes no result, byte for byte (the
/// text round trip is lossless; only the report's list of overrides differs); a real override changes the result; bad overrides and 0
/// replications are refused by the library with the override named.
#[test]
fn overrides_are_checked_and_lossless() {
    use ccsim::output::Format;
    let dir = env!("CARGO_MANIFEST_DIR");
    // The JSON of a run, byte for byte, less the `overrides` field that names the overrides.
    let json = |s: Scenario| {
        let mut report = run(s, &RunOptions { replications: Some(3), ..Default::default() }).unwrap().report();
        report.overrides.clear();
        let mut out = Vec::new();
        Format::Json.write(&report, Default::default(), &mut out).unwrap();
        out
    };
    for name in ["single-queue", "retail-day", "omnichannel"] {
        let s = Scenario::load(format!("{dir}/scenarios/{name}.toml").as_ref()).unwrap();
        let same = s.with_overrides(&[("seed", &s.seed().to_string())]).unwrap();
        assert_eq!(json(s), json(same), "{name}: a no-op override changed the output");
    }
    let s = Scenario::load(format!("{dir}/scenarios/single-queue.toml").as_ref()).unwrap();
    let more = s.with_overrides(&[("agents.team.staff", "11"), ("channel.phone.service_level.within", "30s")]).unwrap();
    assert_eq!(more.groups()[0].headcount.max(), 11);
    assert_eq!(more.channels()[0].target.within, 30.0);
    assert_ne!(json(s.clone()), json(more));
    let err = s.with_overrides(&[("agents.team.shrinkage", "1.5")]).unwrap_err().to_string();
    assert!(err.contains("--set agents.team.shrinkage=1.5:") && err.contains("agents[0].shrinkage"), "{err}");
    let err = s.with_overrides(&[("agents.tea.staff", "3")]).unwrap_err().to_string();
    assert!(err.contains("no entry `tea`") && err.contains("`team`"), "{err}");
    assert!(s.with_replications(0).is_err());
    let refused = run(s, &RunOptions { replications: Some(0), ..Default::default() });
    assert!(matches!(refused, Err(ccsim::Error::Scenario(_))));
}

/// Common random numbers: in a sweep, the paired difference of service level between 44
/// and 45 agents has a confidence interval at least 3 times narrower than the difference
/// of two independently seeded runs.
#[test]
fn common_random_numbers_narrow_paired_differences() {
    use ccsim::plan::sweep::Study;
    let base = scenario("crn")
        .seed(11)
        .replications(20)
        .horizon("8h")
        .interval("1h")
        .warmup("1h")
        .channel(channel("phone", "voice").per_hour(600.0).exponential_patience("3m"))
        .group(group("team", &["phone"]).staff(44))
        .load();
    let study = Study::new(base.clone(), &["agents.team.staff=44,45".to_string()], false, None).unwrap();
    let results = study.run(|_, _| {}).unwrap();
    let sl = |est: &[ccsim::stats::summary::Estimate], l: &ccsim::stats::kpi::Layout| {
        est[l.channel(0, ChannelKpi::ServiceLevel)]
    };
    let v45 = &results.variants[1];
    let paired = sl(v45.vs_baseline.as_ref().unwrap(), &v45.layout);
    // Independent: 45 agents with other customers (another seed).
    let other = run(base.with_overrides(&[("agents.team.staff", "45")]).unwrap().with_seed(12), &RunOptions::default())
        .unwrap();
    let (a, b) = (sl(&results.variants[0].estimates, &results.variants[0].layout), sl(&other.estimates, &other.layout));
    let independent = student_t_quantile(0.975, 19.0) * (a.se().powi(2) + b.se().powi(2)).sqrt();
    assert!(paired.mean > 0.0, "one more agent raises the service level: {paired:?}");
    assert!(3.0 * paired.ci95 <= independent, "paired ± {} vs independent ± {independent}", paired.ci95);
}

/// Every number in `old` is present and identical in `new` (new fields may be added).
fn same_numbers(old: &serde_json::Value, new: &serde_json::Value, path: &str, n: &mut usize) {
    use serde_json::Value;
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                let w = b.get(k).unwrap_or_else(|| panic!("{path}.{k} disappeared"));
                same_numbers(v, w, &format!("{path}.{k}"), n);
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            assert_eq!(a.len(), b.len(), "{path}: length");
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                same_numbers(v, w, &format!("{path}[{i}]"), n);
            }
        }
        (a, b) => {
            assert_eq!(a, b, "{path}");
            *n += 1;
        }
    }
}

/// One group serving two identical voice channels, longest wait first across both, is one
/// pooled M/M/c queue: each channel sees the Erlang C waits of the summed load.
#[test]
fn blended_group_pools_two_channels() {
    let r = scenario("pooled")
        .seed(8)
        .replications(20)
        .horizon("1000h")
        .interval("100h")
        .warmup("100h")
        .routing("longest_wait", true)
        .channel(channel("a", "voice").per_hour(75.0))
        .channel(channel("b", "voice").per_hour(75.0))
        .group(group("blended", &["a", "b"]).staff(12))
        .report();
    let pooled = ErlangC::new(150.0 / 3600.0, 240.0, 12).unwrap();
    let separate = ErlangC::new(75.0 / 3600.0, 240.0, 6).unwrap();
    for name in ["a", "b"] {
        let sl = ch(&r, name, ChannelKpi::ServiceLevel);
        let asa = ch(&r, name, ChannelKpi::AsaS);
        assert!(within(sl, pooled.service_level(20.0), 0.001), "{name}: SL {sl:?} vs {}", pooled.service_level(20.0));
        assert!(within(asa, pooled.asa(), 0.001), "{name}: ASA {asa:?} vs {}", pooled.asa());
        assert!(!within(sl, separate.service_level(20.0), 0.001), "{name}: must differ from two separate queues");
        assert!(within(ch(&r, name, ChannelKpi::Occupancy), pooled.occupancy(), 0.001));
    }
}

/// Email that arrives after closing is answered the next morning; its wait counts the
/// closed hours. Email still waiting when the horizon ends is reported, not dropped.
#[test]
fn email_waits_over_closed_hours() {
    // Email arrives only 18:00–20:00 on day 1; the back office works 09:00–17:00.
    let run_for = |horizon: &str| {
        let n = if horizon == "2d" { 96 } else { 48 };
        let vol: Vec<&str> = (0..n).map(|i| if (36..40).contains(&i) { "20" } else { "0" }).collect();
        let email = channel("email", "email")
            .service_level(1.0, "24h")
            .open("09:00", "17:00")
            .per_interval(&vol)
            .exponential_handle("5m");
        scenario("email")
            .seed(3)
            .replications(12)
            .horizon(horizon)
            .interval("30m")
            .channel(email)
            .group(group("back office", &["email"]).staff(4))
            .report()
    };
    let r = run_for("2d");
    let offered = ch(&r, "email", ChannelKpi::Offered);
    assert!(offered.mean > 60.0);
    assert_eq!(ch(&r, "email", ChannelKpi::Answered).mean, offered.mean, "all answered on day 2");
    assert_eq!(ch(&r, "email", ChannelKpi::WaitingAtEnd).mean, 0.0);
    // Earliest answer 09:00 next day for a 20:00 arrival: at least 13 h; 80 emails of
    // 5 minutes for 4 agents clear by about 11:00, so no wait reaches 17 h.
    let frt = ch(&r, "email", ChannelKpi::FrtS);
    assert!(frt.mean > 13.0 * 3600.0 && frt.mean < 16.0 * 3600.0, "first response {frt:?}");
    assert!(ch(&r, "email", ChannelKpi::WaitP50S).mean > 13.0 * 3600.0);
    assert_eq!(ch(&r, "email", ChannelKpi::ServiceLevel).mean, 1.0);
    let backlog = &r.backlog[0].days;
    assert!((backlog[0].mean - offered.mean).abs() < 1e-9, "all of day 1's email waits overnight");
    assert_eq!(backlog[1].mean, 0.0);
    // Cut the horizon before the office opens: nothing is served, everything is reported.
    let r = run_for("1d");
    let offered = ch(&r, "email", ChannelKpi::Offered).mean;
    assert!(offered > 60.0);
    assert_eq!(ch(&r, "email", ChannelKpi::WaitingAtEnd).mean, offered);
    assert_eq!(ch(&r, "email", ChannelKpi::Answered).mean, 0.0);
    // None of them is late yet (24 h target): not a miss, and no service level to report.
    assert_eq!(ch(&r, "email", ChannelKpi::NotYetDue).mean, offered);
    assert!(ch(&r, "email", ChannelKpi::ServiceLevel).mean.is_nan());
}

/// A contact still waiting when the run ends is a miss only once its deadline has passed:
/// the service level is that of the contacts that were due.
#[test]
fn deferred_contacts_not_yet_due_are_not_misses() {
    // One day; email and letters arrive 08:00–23:00; the office works 08:00–18:00.
    let vol: Vec<&str> = (0..48).map(|i| if (16..46).contains(&i) { "16" } else { "0" }).collect();
    let office = |name: &str, within: &str| {
        channel(name, "email")
            .service_level(0.9, within)
            .open("08:00", "18:00")
            .per_interval(&vol)
            .exponential_handle("5m")
    };
    let r = scenario("late")
        .seed(8)
        .replications(10)
        .horizon("1d")
        .interval("30m")
        .channel(office("email", "24h"))
        .channel(office("letters", "3h"))
        .group(group("office", &["email", "letters"]).staff(6))
        .report();
    // Email: everything answered was answered in time, and what is left waiting at
    // midnight (arrived after 18:00, due tomorrow) is not yet due, so the service level is
    // that of the answered: 100 %, where counting them as misses gave about 67 %.
    let waiting = ch(&r, "email", ChannelKpi::WaitingAtEnd).mean;
    assert!(waiting > 50.0, "evening email waits overnight: {waiting}");
    assert_eq!(ch(&r, "email", ChannelKpi::NotYetDue).mean, waiting);
    assert_eq!(ch(&r, "email", ChannelKpi::ServiceLevelOfAnswered).mean, 1.0);
    assert_eq!(ch(&r, "email", ChannelKpi::ServiceLevel).mean, 1.0);
    // Letters (3 h): arrivals 18:00–21:00 are overdue by midnight and stay misses; from
    // 21:00 on they are not yet due. Interval by interval, exactly.
    let mut seen = [0, 0];
    for i in r.intervals.iter().filter(|i| i.channel == "letters" && i.start_s >= 18.0 * 3600.0) {
        let get = |k| i.get(k).unwrap().mean;
        let offered = get(ChannelKpi::Offered);
        if offered == 0.0 {
            continue;
        }
        assert_eq!(get(ChannelKpi::WaitingAtEnd), offered, "nobody works after 18:00");
        if i.start_s >= 21.0 * 3600.0 {
            assert_eq!(get(ChannelKpi::NotYetDue), offered, "interval at {} s", i.start_s);
            assert!(get(ChannelKpi::ServiceLevel).is_nan());
            seen[1] += 1;
        } else {
            assert_eq!(get(ChannelKpi::NotYetDue), 0.0, "interval at {} s", i.start_s);
            assert_eq!(get(ChannelKpi::ServiceLevel), 0.0);
            seen[0] += 1;
        }
    }
    assert_eq!(seen, [6, 4]);
    // Over the day the letters' misses are the overdue ones: below the answered's level.
    let sl = ch(&r, "letters", ChannelKpi::ServiceLevel).mean;
    assert!(sl < ch(&r, "letters", ChannelKpi::ServiceLevelOfAnswered).mean - 0.1, "{sl}");
}

/// The end-of-day backlog is taken at midnight whatever the planning interval.
#[test]
fn backlog_at_midnight_whatever_the_interval() {
    let run_with = |interval: &str| {
        let email = channel("email", "email")
            .service_level(1.0, "24h")
            .open("09:00", "17:00")
            .per_hour(10.0)
            .exponential_handle("6m");
        scenario("backlog")
            .seed(12)
            .replications(4)
            .horizon("7d")
            .interval(interval)
            .channel(email)
            .group(group("office", &["email"]).staff(4))
            .report()
    };
    let hourly = run_with("1h");
    let odd = run_with("7h");
    let a: Vec<f64> = hourly.backlog[0].days.iter().map(|e| e.mean).collect();
    let b: Vec<f64> = odd.backlog[0].days.iter().map(|e| e.mean).collect();
    assert_eq!(a.len(), 7);
    assert!(a.iter().all(|x| *x > 40.0), "mail from 17:00 to midnight waits: {a:?}");
    assert_eq!(a, b);
}

/// A line `name` of `kind` with 70 contacts an hour of one type of priority `priority`.
fn line(name: &str, kind: &str, priority: u32) -> ChannelBuilder {
    channel(name, kind).per_hour(70.0).contact_type(name, 1.0, priority, &[])
}

/// Line `x` (priority 2) and a voice line `y` (priority 1), served by one team of 11 in the
/// order of `policy`.
fn two_lines(policy: &str, live_first: bool, x: ChannelBuilder) -> ScenarioBuilder {
    scenario("policies")
        .seed(4)
        .replications(16)
        .horizon("400h")
        .interval("40h")
        .warmup("40h")
        .routing(policy, live_first)
        .channel(x)
        .channel(line("y", "voice", 1))
        .group(group("team", &["x", "y"]).staff(11))
}

/// The routing policies order work as documented: skill preference first, priority first,
/// or longest wait (after priority) across skills.
#[test]
fn routing_policies() {
    // Preference: x is listed first, so x waits less although y has the higher priority.
    let pref = two_lines("preference", true, line("x", "voice", 2)).report();
    assert!(clearly_below(ch(&pref, "x", ChannelKpi::AsaS), ch(&pref, "y", ChannelKpi::AsaS)));
    // Priority: y (priority 1) first.
    let prio = two_lines("priority", true, line("x", "voice", 2)).report();
    assert!(clearly_below(ch(&prio, "y", ChannelKpi::AsaS), ch(&prio, "x", ChannelKpi::AsaS)));
    // The pooled mean wait is that of one M/M/11 queue whatever the order (work-conserving).
    let pooled = ErlangC::new(140.0 / 3600.0, 240.0, 11).unwrap().asa();
    for r in [&pref, &prio] {
        let mean = 0.5 * (ch(r, "x", ChannelKpi::AsaS).mean + ch(r, "y", ChannelKpi::AsaS).mean);
        assert!((mean / pooled - 1.0).abs() < 0.08, "pooled ASA {mean} vs {pooled}");
    }
}

/// With live_first, an agent takes waiting phone calls before email even when email comes
/// first in its skills; without it, the skill order rules.
#[test]
fn live_work_comes_before_deferred_work() {
    let run =
        |live_first: bool| two_lines("preference", live_first, line("x", "email", 2).service_level(0.8, "4h")).report();
    let live = run(true);
    let skill_order = run(false);
    assert_eq!(live.channel("x").unwrap().kind.name(), "email");
    let phone_live = ch(&live, "y", ChannelKpi::AsaS);
    let phone_order = ch(&skill_order, "y", ChannelKpi::AsaS);
    assert!(clearly_below(phone_live, phone_order), "{phone_live:?} vs {phone_order:?}");
    assert!(clearly_below(ch(&skill_order, "x", ChannelKpi::FrtS), ch(&live, "x", ChannelKpi::FrtS)));
}

/// Interrupting email for calls (when configured) shortens the calls' waits, and the
/// interrupted emails keep their full handle time.
#[test]
fn interrupting_deferred_work() {
    let run = |interrupt: bool| {
        scenario("interrupt")
            .seed(21)
            .replications(12)
            .horizon("200h")
            .interval("20h")
            .warmup("20h")
            .channel(channel("phone", "voice").per_hour(60.0).exponential_patience("3m"))
            .channel(channel("email", "email").service_level(1.0, "8h").per_hour(40.0).exponential_handle("6m"))
            .group(group("blended", &["phone", "email"]).staff(10).interrupt_deferred(interrupt))
            .report()
    };
    let with = run(true);
    let without = run(false);
    assert!(clearly_below(ch(&with, "phone", ChannelKpi::AsaS), ch(&without, "phone", ChannelKpi::AsaS)));
    assert!(clearly_below(ch(&without, "email", ChannelKpi::FrtS), ch(&with, "email", ChannelKpi::FrtS)));
    assert!(within(ch(&with, "email", ChannelKpi::AhtS), 360.0, 0.001), "{:?}", ch(&with, "email", ChannelKpi::AhtS));
    assert!(within(ch(&without, "email", ChannelKpi::AhtS), 360.0, 0.001));
}

/// Chat concurrency: more chats per agent serve more with the same people; slot
/// utilisation stays within [0, 1] and the stretch lengthens handle times.
#[test]
fn chat_concurrency_and_stretch() {
    let run = |conc: u32| {
        let chat = channel("chat", "chat")
            .service_level(0.8, "40s")
            .per_hour(100.0)
            .exponential_handle("6m")
            .exponential_patience("3m")
            .concurrency_stretch(&[1.0, 1.3, 1.6]);
        scenario("chat")
            .seed(6)
            .replications(12)
            .horizon("200h")
            .interval("20h")
            .warmup("20h")
            .channel(chat)
            .group(group("chat team", &["chat"]).staff(6).concurrency(conc))
            .report()
    };
    let one = run(1);
    let three = run(3);
    assert!(clearly_below(ch(&three, "chat", ChannelKpi::AbandonRate), ch(&one, "chat", ChannelKpi::AbandonRate)));
    assert!(clearly_below(ch(&one, "chat", ChannelKpi::ServiceLevel), ch(&three, "chat", ChannelKpi::ServiceLevel)));
    let slots = ch(&three, "chat", ChannelKpi::SlotUtilisation).mean;
    let occ = ch(&three, "chat", ChannelKpi::OccupancyPresent).mean;
    assert!(slots > 0.0 && slots <= occ && occ <= 1.0, "slots {slots}, occupancy of present {occ}");
    // Stretched handle times: the mean lies between the drawn mean and 1.6 × it.
    let aht = ch(&three, "chat", ChannelKpi::AhtS).mean;
    assert!(aht > 1.05 * 360.0 && aht < 1.6 * 360.0, "{aht}");
    assert!(within(ch(&one, "chat", ChannelKpi::AhtS), 360.0, 0.001), "no stretch at one chat");
}

/// Overflow: the secondary group answers only contacts that waited its delay.
#[test]
fn overflow_after_delay() {
    let run = |after: &str| {
        scenario("overflow")
            .seed(9)
            .replications(12)
            .horizon("200h")
            .interval("20h")
            .warmup("20h")
            .channel(channel("phone", "voice").per_hour(200.0).exponential_patience("3m"))
            .group(group("primary", &["phone"]).staff(13))
            .group(group("backup", &["phone"]).overflow("phone", after).staff(3))
            .report()
    };
    let r = run("45s");
    let backup = grp(&r, "backup", GroupKpi::AsaS);
    assert!(grp(&r, "backup", GroupKpi::Handled).mean > 100.0);
    assert!(backup.mean >= 45.0, "every contact the backup answered waited 45 s: {backup:?}");
    let never = run("100d");
    assert_eq!(grp(&never, "backup", GroupKpi::Handled).mean, 0.0);
    assert!(clearly_below(ch(&never, "phone", ChannelKpi::ServiceLevel), ch(&r, "phone", ChannelKpi::ServiceLevel)));
}

/// Shrinkage removes its share of scheduled time on average, and costs stay on the
/// scheduled hours.
#[test]
fn shrinkage_and_cost() {
    let r = reduction("voice", reduction_team().shrinkage(0.35).cost_per_hour(20.0)).report();
    let staffed = grp(&r, "team", GroupKpi::StaffedHours).mean;
    let available = grp(&r, "team", GroupKpi::AvailableHours);
    assert!(within(available, 0.65 * staffed, 0.001), "{available:?} vs {}", 0.65 * staffed);
    assert!((grp(&r, "team", GroupKpi::Cost).mean - 20.0 * staffed).abs() < 1e-6);
}

/// The example omnichannel scenario: every channel within sight of its target, every
/// group busy but not saturated, and the weekend email backlog visible.
#[test]
fn omnichannel_example_is_sensible() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let s = Scenario::load(format!("{dir}/scenarios/omnichannel.toml").as_ref()).unwrap();
    let r = run(s, &RunOptions { replications: Some(6), ..Default::default() }).unwrap().report();
    for c in &r.channels {
        let sl = c.get(ChannelKpi::ServiceLevel).unwrap().mean;
        assert!(sl > 0.6 && sl <= 1.0, "{}: SL {sl}", c.name);
    }
    for g in &r.groups {
        let occ = g.get(GroupKpi::Occupancy).unwrap().mean;
        assert!(occ > 0.5 && occ < 0.98, "{}: occupancy {occ}", g.name);
    }
    let email = r.backlog.iter().find(|b| b.channel == "email").unwrap();
    assert!(email.days[6].mean > email.days[2].mean, "weekend backlog builds up");
    assert!(r.channel("phone").unwrap().types.len() == 2);
}

// ---- invariants ---------------------------------------------------------------------

/// A random small scenario: 1–3 channels of any kind, 1–3 groups with random skills,
/// staffing, shrinkage and concurrency.
pub(crate) fn random_scenario() -> impl Strategy<Value = String> {
    let channel =
        (0usize..4, 0.0f64..400.0, 30.0f64..600.0, prop::option::of(10.0f64..400.0), 1usize..3, any::<bool>());
    let group = (
        prop::collection::vec(any::<bool>(), 3),
        prop::collection::vec(0u32..8, 8),
        0.0f64..0.5,
        1u32..4,
        0.0f64..120.0,
        any::<bool>(),
    );
    (
        prop::collection::vec(channel, 1..4),
        prop::collection::vec(group, 1..4),
        0..=i64::MAX as u64,
        0usize..3,
        any::<bool>(),
    )
        .prop_map(|(chans, groups, seed, policy, live_first)| {
            let kinds = ["voice", "chat", "email", "social"];
            let mut any_announce = false;
            let mut t = format!(
                "name = \"random\"\nseed = {seed}\nreplications = 2\nhorizon = \"4h\"\ninterval = \"30m\"\nwarmup = \"30m\"\n[routing]\npolicy = \"{}\"\nlive_first = {live_first}\n",
                ["preference", "priority", "longest_wait"][policy]
            );
            for (i, (kind, rate, aht, patience, types, open)) in chans.iter().enumerate() {
                let kind = kinds[*kind];
                t += &format!(
                    "[[channel]]\nname = \"c{i}\"\nkind = \"{kind}\"\nservice_level = {{ target = 0.8, within = 60 }}\narrivals = {{ per_hour = {rate} }}\nhandle_time = {{ dist = \"gamma\", mean = {aht}, cv = 0.7 }}\n"
                );
                if kind == "chat" {
                    t += "concurrency_stretch = [1.0, 1.2, 1.4]\n";
                }
                if *open && (kind == "email" || kind == "social") {
                    t += "open = { from = \"01:00\", to = \"03:00\" }\n";
                }
                if let (Some(p), true) = (patience, kind == "voice" || kind == "chat") {
                    t += &format!("patience = {{ dist = \"exponential\", mean = {p} }}\n");
                }
                let live = kind == "voice" || kind == "chat";
                // Repeat contacts now and then: returns (to the same channel, or shared with
                // c0 when it has the same types), redials on live channels, a cap, deflection.
                if (seed as usize / 11 + i) % 2 == 0 {
                    let to = if i > 0 && chans[0].4 == *types { format!(", to = {{ c0 = 0.5, c{i} = 0.5 }}") } else { String::new() };
                    t += &format!(
                        "fcr = {}
returns = {{ after = {{ dist = \"exponential\", mean = {} }}{to} }}
deflect = 0.1
",
                        [0.3, 0.7, 1.0][(seed as usize / 13 + i) % 3],
                        300 + seed % 3000,
                    );
                    if (seed as usize / 17 + i) % 2 == 0 {
                        t += "max_contacts = 3\n";
                    }
                    if live {
                        t += "redial = { share = 0.5, after = { dist = \"exponential\", mean = 120 } }\n";
                    }
                    if (seed as usize / 19 + i) % 3 == 0 {
                        t += "assistant = { contain = 0.4, time = { dist = \"exponential\", mean = 90 }, recontact = 0.3 }\n";
                    }
                }
                let announcing = live && (seed as usize + i) % 3 != 0;
                any_announce |= announcing;
                if kind == "voice" && !announcing && *types == 2 && seed % 2 == 0 {
                    t += "preemptive = true\n";
                }
                // Announcements with every reaction on live channels, now and then: patience
                // raised, cut on broken promises, balking and updates.
                if announcing {
                    let predictors = ["queue_length", "last_to_enter_service", "head_of_line", "moving_average", "queue_length_abandon"];
                    let n = if patience.is_some() { 5 } else { 4 };
                    let formats = ["format = \"point\"\nstep = \"1m\"", "format = \"range\"\nlow = 0.5\nhigh = 2", "format = \"buckets\"\nbuckets = [\"1m\", \"5m\"]"];
                    t += &format!(
                        "[channel.announce]\npredictor = \"{}\"\n{}\nupdate = \"{}s\"\npad = 1.2\n[channel.reaction]\nbalk = {{ curve = \"logistic\", half = \"4m\", spread = \"1m\", share = 0.5 }}\nstay_share = {}\nbroken_promise = {}\n",
                        predictors[(seed as usize / 3 + i) % n],
                        formats[(seed as usize / 7 + i) % 3],
                        30 + (seed % 90),
                        (seed % 5) as f64 / 4.0,
                        (seed % 3) as f64 / 2.0,
                    );
                }
                if *types == 2 {
                    t += "[[channel.type]]\nname = \"urgent\"\nshare = 0.3\npriority = 1\n[[channel.type]]\nname = \"rest\"\nshare = 0.7\npriority = 2\n";
                }
            }
            if seed % 5 < 2 {
                // Routed to a group now and then (not with announcements: refused): the last
                // group, preferred, or dedicated when there are others.
                let route = if any_announce || seed % 3 == 0 {
                    String::new()
                } else {
                    let last = groups.len() - 1;
                    let dedicated = last > 0 && groups[last].4 <= 60.0 && seed % 2 == 0;
                    format!("group = \"g{last}\"\ndedicated = {dedicated}\n")
                };
                t += &format!("[[segment]]\nname = \"gold\"\nshare = 0.2\npriority_boost = 1\npatience_factor = 1.5\nservice_level = {{ target = 0.9, within = 10 }}\n{route}[[segment]]\nname = \"standard\"\nshare = 0.8\n");
            }
            for (g, (skills, staff, shrink, conc, after, interrupt)) in groups.iter().enumerate() {
                let mut list: Vec<String> = (0..chans.len())
                    .filter(|c| skills[*c] || g == 0)
                    .map(|c| if g > 0 && *after > 60.0 { format!("{{ channel = \"c{c}\", after = {after} }}") } else { format!("\"c{c}\"") })
                    .collect();
                if list.is_empty() {
                    list.push("\"c0\"".into());
                }
                let has_chat = (0..chans.len()).any(|c| (skills[c] || g == 0) && kinds[chans[c].0] == "chat");
                let conc = if has_chat { *conc } else { 1 };
                let served: Vec<&str> =
                    (0..chans.len()).filter(|c| skills[*c] || g == 0).map(|c| kinds[chans[c].0]).collect();
                let blended = served.iter().any(|k| *k == "voice" || *k == "chat")
                    && served.iter().any(|k| *k == "email" || *k == "social");

                let staff: Vec<String> = staff.iter().map(|n| (n + u32::from(g == 0)).to_string()).collect();
                t += &format!(
                    "[[agents]]\nname = \"g{g}\"\nskills = [{}]\nstaff = {{ per_interval = [{}] }}\nshrinkage = {shrink}\nconcurrency = {conc}\ninterrupt_deferred = {}\n",
                    list.join(", "),
                    staff.join(", "),
                    *interrupt && blended
                );
            }
            // Issues count by their first touch; a contact the assistant passes on reaches the
            // queue later, possibly past the warm-up's end: no warm-up then, so that issues
            // and fresh contacts are counted over the same span.
            if t.contains("assistant") {
                t = t.replace("warmup = \"30m\"", "warmup = \"0s\"");
            }
            t
        })
}

/// A change to a scenario file, at the byte or the structure level.
#[derive(Debug, Clone)]
pub(crate) enum Mutation {
    /// Replace the byte at a position.
    Byte(usize, u8),
    /// Cut the file short.
    Cut(usize),
    /// Delete, duplicate, or swap lines.
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    /// Replace the k-th number in the file (quoted or not) by an extreme value.
    Number(usize, &'static str),
}

const EXTREMES: [&str; 12] =
    ["0", "-1", "1e308", "-1e308", "1e-308", "4294967296", "0.5", "1e9", "nan", "inf", "99999999999999999999", "00"];

pub(crate) fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Mutation::Byte(p, b)),
        any::<usize>().prop_map(Mutation::Cut),
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (any::<usize>(), prop::sample::select(&EXTREMES[..])).prop_map(|(k, v)| Mutation::Number(k, v)),
        (any::<usize>(), prop::sample::select(&EXTREMES[..])).prop_map(|(k, v)| Mutation::Number(k, v)),
    ]
}

pub(crate) fn mutate(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    let n = lines.len().max(1);
    match *m {
        Mutation::Byte(p, b) => {
            let mut bytes = text.as_bytes().to_vec();
            let p = p % bytes.len().max(1);
            if let Some(x) = bytes.get_mut(p) {
                *x = b;
            }
            String::from_utf8_lossy(&bytes).into_owned()
        }
        Mutation::Cut(p) => {
            let mut p = p % (text.len() + 1);
            while !text.is_char_boundary(p) {
                p -= 1;
            }
            text[..p].to_owned()
        }
        Mutation::DeleteLine(i) => {
            if !lines.is_empty() {
                lines.remove(i % n);
            }
            lines.join("\n")
        }
        Mutation::DuplicateLine(i) => {
            if let Some(&l) = lines.get(i % n) {
                lines.insert(i % n, l);
            }
            lines.join("\n")
        }
        Mutation::SwapLines(a, b) => {
            if !lines.is_empty() {
                lines.swap(a % n, b % n);
            }
            lines.join("\n")
        }
        Mutation::Number(k, v) => {
            let bytes = text.as_bytes();
            let runs: Vec<(usize, usize)> = {
                let mut runs = Vec::new();
                let mut i = 0;
                while i < bytes.len() {
                    if bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) {
                        let start = i;
                        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                            i += 1;
                        }
                        runs.push((start, i));
                    } else {
                        i += 1;
                    }
                }
                runs
            };
            match runs.get(k % runs.len().max(1)) {
                Some(&(a, b)) => format!("{}{v}{}", &text[..a], &text[b..]),
                None => text.to_owned(),
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    /// Any example scenario changed at the byte or the structure level (1 to 3 mutations)
    /// is either refused with every problem located (a line or a field) and explained, or
    /// accepted and then runs: contacts are conserved in every interval and the JSON
    /// output parses. Never a panic.
    #[test]
    fn mutated_examples_are_refused_or_run(example in 0usize..4, mutations in prop::collection::vec(mutation(), 1..4)) {
        let names = ["single-queue", "retail-day", "omnichannel", "benchmark"];
        let path = format!("{}/scenarios/{}.toml", env!("CARGO_MANIFEST_DIR"), names[example]);
        let mut text = std::fs::read_to_string(path).unwrap();
        for m in &mutations {
            text = mutate(&text, m);
        }
        match Scenario::from_toml(&text, "mutated.toml") {
            Err(e) => {
                prop_assert!(!e.problems.is_empty());
                for p in &e.problems {
                    prop_assert!(!p.message.is_empty() && (p.line.is_some() || p.field.is_some()), "unlocated: {:?}", p);
                }
                prop_assert!(!e.to_string().is_empty());
            }
            Ok(s) => {
                let expected: f64 = s.channels().iter().map(|c| c.arrivals.expected(0.0, s.horizon())).sum();
                if expected < 500_000.0 {
                    let results = run(s, &RunOptions { replications: Some(1), threads: Some(1), ..Default::default() });
                    let results = results.map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
                    let m = &results.model;
                    let stats = simulate(m, 0).unwrap();
                    for (i, c) in stats.channel.iter().enumerate() {
                        prop_assert_eq!(c.offered, c.answered + c.abandoned + c.told.balked + c.waiting_at_end, "conservation at {}", i);
                    }
                    let mut out = Vec::new();
                    ccsim::output::Format::Json.write(&results.report(), Default::default(), &mut out).unwrap();
                    prop_assert!(serde_json::from_slice::<serde_json::Value>(&out).is_ok());
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    /// Conservation, agent-time identities and ranges hold in every replication.
    #[test]
    fn invariants_hold(toml in random_scenario()) {
        let s = Scenario::from_toml(&toml, "random.toml").map_err(|e| TestCaseError::fail(format!("{e}\n{toml}")))?;
        let m = Model::compile(s.clone());
        for rep in 0..2 {
            let r = simulate(&m, rep).unwrap();
            for (i, c) in r.channel.iter().enumerate() {
                prop_assert_eq!(c.offered, c.answered + c.abandoned + c.told.balked + c.waiting_at_end, "conservation at {}", i);
                prop_assert_eq!(c.completed + c.unfinished, c.answered);
                prop_assert!(c.answered_within <= c.answered);
                prop_assert!(c.short_abandoned <= c.abandoned);
                let t = &c.told;
                prop_assert!(t.balked <= t.told && t.told <= c.offered && t.told <= t.announcements);
                prop_assert!(t.answered <= c.answered && t.promise_kept <= t.promised && t.promised <= t.answered);
                prop_assert!(t.in_range <= t.ranged && t.ranged <= t.answered);
                prop_assert!(t.abandoned_broken <= c.abandoned);
            }
            for t in &r.group {
                let eps = 1e-6 * (1.0 + t.present_s);
                prop_assert!(t.busy_s <= t.present_s + eps, "busy {} > present {}", t.busy_s, t.present_s);
                prop_assert!((t.present_s - t.available_s - t.overtime_s).abs() <= eps, "present = available + overtime");
                prop_assert!(t.available_s <= t.scheduled_s + eps);
                prop_assert!(t.overtime_s >= -eps);
            }
            // Issues: every fresh contact of the counted horizon opens one, every issue ends
            // one way; contacts are fresh or repeat.
            use ccsim::stats::IssueScope;
            let first = s.first_counted_interval();
            let fresh: u64 = (0..r.n_channels)
                .flat_map(|c| (first..r.n_intervals).map(move |i| (c, i)))
                .map(|(c, i)| { let x = &r.channel[r.channel_at(c, i)]; x.offered - x.repeat + x.contained_fresh })
                .sum();
            let all = &r.issues[r.issue_at(IssueScope::All)];
            prop_assert_eq!(all.issues, fresh, "issues created = fresh contacts");
            for x in &r.issues {
                prop_assert_eq!(x.issues, x.resolved + x.abandoned + x.open, "created = resolved + unresolved + abandoned for good");
                prop_assert!(x.first_contact <= x.resolved && x.gave_up <= x.abandoned);
                prop_assert!(x.contacts >= x.resolved + x.abandoned);
            }
            if r.n_segments > 0 {
                let segs: u64 = (0..r.n_segments).map(|g| r.issues[r.issue_at(IssueScope::Segment(g))].issues).sum();
                prop_assert_eq!(segs, all.issues);
            }
            for c in &r.channel {
                prop_assert!(c.repeat <= c.offered);
            }
            let variant = ccsim::plan::Variant::new(s.clone());
            let kpis = variant.kpis(rep).unwrap();
            let l = &variant.layout;
            for c in 0..l.channels {
                for k in [ChannelKpi::ServiceLevel, ChannelKpi::AbandonRate, ChannelKpi::OccupancyPresent, ChannelKpi::SlotUtilisation] {
                    let v = kpis[l.channel(c, k)];
                    prop_assert!(v.is_nan() || (0.0..=1.0 + 1e-9).contains(&v), "{:?} = {}", k, v);
                }
            }
        }
    }

    /// No input makes the parser panic: random bytes, and the example scenarios cut short
    /// or with a character changed, are either accepted or refused with located problems.
    #[test]
    fn parser_never_panics(cut in 0usize..4000, pos in 0usize..4000, byte in any::<u8>(), junk in ".{0,200}") {
        let _ = Scenario::from_toml(&junk, "junk.toml");
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/omnichannel.toml")).unwrap();
        let mut bytes = text.into_bytes();
        let p = pos % bytes.len();
        bytes[p] = byte;
        bytes.truncate(cut.max(p + 1).min(bytes.len()));
        let text = String::from_utf8_lossy(&bytes);
        if let Err(e) = Scenario::from_toml(&text, "mutated.toml") {
            prop_assert!(!e.problems.is_empty());
            prop_assert!(e.problems.iter().all(|p| !p.message.is_empty()));
        }
    }
}

// ---- demand: events and forecast uncertainty ------------------------------------------

/// One Thursday of a phone line open 08:00–20:00 at 120 calls an hour, with a forecast
/// error of `day_cv` if given.
fn thursday(reps: u32, day_cv: Option<f64>) -> ScenarioBuilder {
    let mut phone = channel("phone", "voice")
        .open("08:00", "20:00")
        .per_hour(120.0)
        .exponential_handle("3m")
        .exponential_patience("2m");
    if let Some(cv) = day_cv {
        phone = phone.forecast_day_cv(cv);
    }
    scenario("thursday")
        .seed(17)
        .replications(reps)
        .horizon("24h")
        .interval("30m")
        .start_day("thu")
        .channel(phone)
        .group(group("team", &["phone"]).staff(12))
}

/// Arrival times of replication `rep`, in order.
fn arrival_times(s: &ScenarioBuilder, rep: u64) -> Vec<f64> {
    arrivals(s, rep).into_iter().map(|a| a.0).collect()
}

/// Arrival time and drawn handle time of every contact of replication `rep`, in order.
fn arrivals(s: &ScenarioBuilder, rep: u64) -> Vec<(f64, f64)> {
    struct Times(Vec<(f64, f64)>);
    impl ccsim::engine::Recorder for Times {
        fn arrival(&mut self, e: ccsim::engine::recorder::At<'_>) {
            self.0.push((e.now, e.contact.handle_time()));
        }
    }
    let m = Model::compile(s.load());
    ccsim::engine::simulate_with(&m, rep, Times(Vec::new())).unwrap().0
}

/// A ×2 event over two hours doubles the expected offered volume in exactly those
/// intervals, and outside the window the arrivals are the same, call by call; a ×0.5
/// event halves it, an added volume adds its contacts, and a handle-time factor lengthens
/// the calls that arrive while it is on.
#[test]
fn events_change_demand_only_inside_their_window() {
    let plain = thursday(40, None);
    let tv = thursday(40, None).event(
        "TV advert",
        "10:00",
        "12:00",
        &["days = [\"thu\"]", "volume = 2.0", "handle_time = 1.2"],
    );
    let (a, b) = (plain.report(), tv.report());
    let window = 10.0 * 3600.0..12.0 * 3600.0;
    let mut checked = 0;
    for (x, y) in a.intervals.iter().zip(&b.intervals) {
        let (ox, oy) = (x.get(ChannelKpi::Offered).unwrap(), y.get(ChannelKpi::Offered).unwrap());
        if !(8.0 * 3600.0..20.0 * 3600.0).contains(&x.start_s) {
            assert_eq!(oy.mean, 0.0, "closed at {}", x.start_s);
            continue;
        }
        if window.contains(&x.start_s) {
            // 60 calls expected per half hour, doubled.
            assert!(within(oy, 120.0, 0.001), "{}: {oy:?}", x.start_s);
            assert!(!within(oy, 60.0, 0.001));
            assert_eq!(y.events, vec!["TV advert".to_string()]);
            let aht = y.get(ChannelKpi::AhtS).unwrap();
            assert!(within(aht, 1.2 * 180.0, 0.001), "handle time × 1.2: {aht:?}");
        } else {
            assert_eq!(ox, oy, "outside the window nothing changes ({} s)", x.start_s);
            assert!(y.events.is_empty());
        }
        checked += 1;
    }
    assert_eq!(checked, 24);
    for rep in 0..3 {
        let (p, t) = (arrival_times(&plain, rep), arrival_times(&tv, rep));
        let outside = |v: &[f64]| v.iter().copied().filter(|t| !window.contains(t)).collect::<Vec<_>>();
        assert_eq!(outside(&p), outside(&t), "replication {rep}: the same calls outside the window");
        let inside = |v: &[f64]| v.iter().copied().filter(|t| window.contains(t)).collect::<Vec<_>>();
        let (pi, ti) = (inside(&p), inside(&t));
        assert!(pi.iter().all(|x| ti.contains(x)), "the channel's own calls are kept under a ×2 event");
        assert!(ti.len() > pi.len() + 100);
    }
    // Halving thins the channel's own calls; an added volume adds its contacts.
    let half = thursday(40, None).event("outage page", "10:00", "12:00", &["volume = 0.5"]).report();
    let more = thursday(40, None).event("mailing", "14:00", "16:00", &["add = 200"]).report();
    for i in half.intervals.iter().filter(|i| window.contains(&i.start_s)) {
        assert!(within(i.get(ChannelKpi::Offered).unwrap(), 30.0, 0.001), "{}", i.start_s);
    }
    let total = |r: &Report| r.channel("phone").unwrap().get(ChannelKpi::Offered).unwrap();
    let d = total(&more).mean - total(&a).mean;
    assert!((d - 200.0).abs() < 4.0 * total(&more).se(), "200 contacts added, got {d}");
    let ti = arrival_times(&thursday(1, None).event("outage page", "10:00", "12:00", &["volume = 0.5"]), 0);
    let pi = arrival_times(&plain, 0);
    assert!(ti.iter().all(|x| pi.contains(x)), "thinning keeps a subset of the channel's own calls");
    // The customers outside the window are the same, handle times included, whether
    // events add contacts or thin them inside it (their draws come from other streams).
    for event in ["volume = 2.0", "volume = 0.5", "add = 150"] {
        let with = thursday(1, None).event("e", "10:00", "12:00", &[event]);
        let outside = |v: Vec<(f64, f64)>| v.into_iter().filter(|a| !window.contains(&a.0)).collect::<Vec<_>>();
        assert_eq!(
            outside(arrivals(&plain, 2)),
            outside(arrivals(&with, 2)),
            "{event}: the same customers outside the window"
        );
    }
}

/// Forecast uncertainty: with cv 0 the output is the same bytes as without it; with a
/// day cv the variance of the daily offered volume across replications is the
/// Poisson-gamma mean + cv²·mean², within its sampling error, and a neighbouring cv's
/// value lies outside.
#[test]
fn forecast_uncertainty_is_poisson_gamma() {
    use ccsim::output::Format;
    let json = |s: ScenarioBuilder| {
        let mut out = Vec::new();
        Format::Json.write(&s.report(), Default::default(), &mut out).unwrap();
        out
    };
    assert!(json(thursday(8, None)) == json(thursday(8, Some(0.0))), "cv 0 changes nothing");
    assert!(json(thursday(8, None)) != json(thursday(8, Some(0.2))));

    let cv = 0.2;
    let n = 400u64;
    let v = ccsim::plan::Variant::new(thursday(1, Some(cv)).load());
    let slot = v.layout.channel(0, ChannelKpi::Offered);
    let xs: Vec<f64> = (0..n).map(|r| v.kpis(r).unwrap()[slot]).collect();
    let mean = xs.iter().sum::<f64>() / n as f64;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let m4 = xs.iter().map(|x| (x - mean).powi(4)).sum::<f64>() / n as f64;
    // Standard error of the sample variance: √((μ₄ − σ⁴ (n − 3)/(n − 1)) / n).
    let se = ((m4 - var * var * (n as f64 - 3.0) / (n as f64 - 1.0)) / n as f64).sqrt();
    let expected = |cv: f64| 1440.0 + cv * cv * 1440.0 * 1440.0;
    assert!((mean - 1440.0).abs() < 4.0 * (var / n as f64).sqrt(), "mean volume {mean}");
    assert!((var - expected(cv)).abs() < 3.0 * se, "variance {var:.0} vs {:.0} ± {:.0}", expected(cv), 3.0 * se);
    for other in [0.15, 0.25] {
        assert!((var - expected(other)).abs() > 3.0 * se, "cv {other} must be told apart");
    }
}

// ---- waiting-time announcements: the customers' reaction ---------------------------------

/// A busy phone line with two priorities and exponential patience.
fn announcing_phone() -> ChannelBuilder {
    channel("phone", "voice")
        .service_level(0.8, "30s")
        .per_hour(640.0)
        .lognormal_handle("4m", 0.8)
        .exponential_patience("4m")
        .contact_type("urgent", 0.2, 1, &[])
        .contact_type("rest", 0.8, 2, &[])
}

/// Twelve hours of `phone` answered by a team and an overflow group.
fn announcing(phone: ChannelBuilder) -> ScenarioBuilder {
    scenario("announcing")
        .seed(8)
        .replications(8)
        .horizon("12h")
        .interval("1h")
        .channel(phone)
        .group(group("team", &["phone"]).staff(38))
        .group(group("backup", &["phone"]).overflow("phone", "2m").staff(2))
}

fn json_of(s: &ScenarioBuilder) -> serde_json::Value {
    let mut out = Vec::new();
    ccsim::output::Format::Json.write(&s.report(), Default::default(), &mut out).unwrap();
    serde_json::from_slice(&out).unwrap()
}

/// Removes every announcement field (the KPIs, and the policy in words), wherever it is.
fn without_announcement_kpis(v: &mut serde_json::Value) {
    let mut names: Vec<&str> = ChannelKpi::ALL
        .iter()
        .filter(|k| k.def().only == ccsim::stats::kpi::Only::Announce)
        .map(|k| k.name())
        .collect();
    names.push("announce");
    match v {
        serde_json::Value::Object(o) => {
            o.retain(|k, _| !names.contains(&k.as_str()));
            // Their values replication by replication too.
            if let Some(serde_json::Value::Array(rows)) = o.get_mut("per_replication") {
                rows.retain(|r| !r["kpi"].as_str().is_some_and(|k| names.contains(&k)));
            }
            o.values_mut().for_each(without_announcement_kpis);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(without_announcement_kpis),
        _ => {}
    }
}

/// Announcements that nobody reacts to (a balking curve at 0 everywhere, no patience
/// floor, broken promises forgiven), repeated every 30 s: every result is byte-identical
/// to the run without announcements, the announcement fields aside.
#[test]
fn announcements_without_reaction_change_nothing() {
    let plain = json_of(&announcing(announcing_phone()));
    let phone = announcing_phone()
        .announce(r#"predictor = "queue_length", format = "buckets", buckets = ["2m", "5m", "10m"], update = "30s""#)
        .reaction(concat!(
            r#"balk = { curve = "logistic", half = "5m", spread = "1m", share = 0 }, "#,
            "stay_share = 0, broken_promise = 1"
        ));
    let mut told = json_of(&announcing(phone));
    let phone = &told["channels"]["phone"];
    let (announced, made) =
        (phone["announced"]["mean"].as_f64().unwrap(), phone["announcements"]["mean"].as_f64().unwrap());
    assert!(announced > 1000.0 && made > 1.5 * announced, "told {announced}, {made} announcements");
    assert_eq!(phone["balked"]["mean"].as_f64(), Some(0.0));
    assert!(phone["range_coverage"]["mean"].as_f64().is_some());
    without_announcement_kpis(&mut told);
    assert_eq!(serde_json::to_string_pretty(&told).unwrap(), serde_json::to_string_pretty(&plain).unwrap());
}

/// Watches every told contact's outcome.
#[derive(Default)]
struct Outcomes {
    /// Balked: the least wait heard among them; answered: the most.
    least_balked: f64,
    most_answered: f64,
    balked: u64,
    answered: u64,
    /// Answered after their promise ran out.
    late: u64,
    /// Abandoned: before their promise, at its end exactly, after it.
    abandoned: [u64; 3],
    /// Abandoned before waiting the share of the heard wait they promised to wait.
    impatient: u64,
    stay_share: f64,
}

impl ccsim::engine::Recorder for Outcomes {
    fn balked(&mut self, e: ccsim::engine::recorder::Heard<'_>) {
        let told = e.told;
        self.balked += 1;
        self.least_balked = if self.balked == 1 { told.heard } else { self.least_balked.min(told.heard) };
    }
    fn answered_told(&mut self, e: ccsim::engine::recorder::Fared<'_>) {
        let (now, a) = (e.now, e.announcement);
        self.answered += 1;
        self.most_answered = self.most_answered.max(a.first.heard);
        self.late += u64::from(now > a.promise_at);
    }
    fn abandoned_told(&mut self, e: ccsim::engine::recorder::Fared<'_>) {
        let (now, a) = (e.now, e.announcement);
        self.abandoned[usize::from(now >= a.promise_at) + usize::from(now > a.promise_at)] += 1;
        // Up to the rounding of arrival + heard wait.
        self.impatient += u64::from(a.actual(now) < self.stay_share * a.first.heard - 1e-9 * now.max(1.0));
    }
}

fn outcomes(phone: ChannelBuilder, stay_share: f64) -> Outcomes {
    let m = Model::compile(announcing(phone).load());
    let mut all = Outcomes { stay_share, least_balked: f64::INFINITY, ..Default::default() };
    for rep in 0..4 {
        let o = ccsim::engine::simulate_with(&m, rep, Outcomes { stay_share, ..Default::default() }).unwrap();
        all.balked += o.balked;
        all.answered += o.answered;
        all.late += o.late;
        all.impatient += o.impatient;
        if o.balked > 0 {
            all.least_balked = all.least_balked.min(o.least_balked);
        }
        all.most_answered = all.most_answered.max(o.most_answered);
        for j in 0..3 {
            all.abandoned[j] += o.abandoned[j];
        }
    }
    all
}

/// The reaction rules, contact by contact: a step curve balks exactly those told more than
/// its threshold; customers who promise to wait a share of the heard wait do; a broken
/// promise with factor 0 ends the wait at the promise's end.
#[test]
fn customers_react_to_what_they_are_told() {
    let told = || announcing_phone().announce(r#"predictor = "queue_length", step = "1m""#);
    // Everyone told more than a minute balks, nobody else.
    let o = outcomes(told().reaction(r#"balk = { curve = "step", above = "1m" }"#), 0.0);
    assert!(o.balked > 100 && o.answered > 1000, "{} balked, {} answered", o.balked, o.answered);
    assert!(o.least_balked > 60.0, "balked on hearing {}", o.least_balked);
    assert!(o.most_answered <= 60.0, "answered after hearing {}", o.most_answered);
    // Customers wait at least the whole heard wait: none abandons before it ends.
    let o = outcomes(told().reaction("stay_share = 1"), 1.0);
    assert_eq!(o.impatient, 0);
    assert!(o.abandoned.iter().sum::<u64>() > 100);
    let control = outcomes(told(), 1.0);
    assert!(control.impatient > 100, "without the floor many leave earlier ({})", control.impatient);
    // Factor 0: a customer still waiting when the promise breaks hangs up then, exactly.
    let o = outcomes(told().reaction("broken_promise = 0"), 0.0);
    assert_eq!((o.late, o.abandoned[2]), (0, 0), "nobody waits past the promise");
    assert!(o.abandoned[1] > 100, "{:?}", o.abandoned);
    // Even callers who would never give up.
    let patient = announcing(told().reaction("broken_promise = 0").remove("patience"));
    let m = Model::compile(patient.load());
    let o = ccsim::engine::simulate_with(&m, 0, Outcomes::default()).unwrap();
    assert_eq!((o.abandoned[0], o.abandoned[2], o.late), (0, 0, 0), "{:?}", o.abandoned);
    assert!(o.abandoned[1] > 100, "{:?}", o.abandoned);
    assert!(control.late > 100 && control.abandoned[2] > 100);
}

/// Callers who never give up, updated every 30 s, with nobody left to serve them at the
/// end: the run still ends (updates stop once nothing else can happen), they are reported
/// as waiting at the end, and the end of the run is where it would be without updates (the
/// same `not_yet_due`, and every other result byte-identical).
#[test]
fn updates_stop_when_nothing_else_can_happen() {
    let stranded = |announce: bool| {
        let mut phone = channel("phone", "voice").per_hour(120.0);
        if announce {
            phone = phone.announce(r#"predictor = "head_of_line", update = "30s""#);
        }
        scenario("stranded")
            .replications(20)
            .horizon("2h")
            .interval("1h")
            .channel(phone)
            .group(group("team", &["phone"]).staff_per_interval(&[4, 0]))
    };
    // Head-of-line waits grow as fast as time when nobody is served; callers holding on for
    // what they hear are held by their first announcement only, so they do give up.
    let holding = scenario("held")
        .replications(2)
        .horizon("2h")
        .interval("1h")
        .channel(
            channel("phone", "voice")
                .per_hour(120.0)
                .exponential_patience("2m")
                .announce(r#"predictor = "head_of_line", update = "30s""#)
                .reaction("stay_share = 1"),
        )
        .group(group("team", &["phone"]).staff_per_interval(&[4, 0]));
    let held = holding.report();
    assert!(held.channel("phone").unwrap().get(ChannelKpi::Abandoned).unwrap().mean > 50.0);
    let s = stranded(true);
    let mut told = json_of(&s);
    without_announcement_kpis(&mut told);
    assert_eq!(told, json_of(&stranded(false)));
    let r = s.report();
    let phone = r.channel("phone").unwrap();
    assert!(phone.get(ChannelKpi::WaitingAtEnd).unwrap().mean > 50.0);
    let (told, made) =
        (phone.get(ChannelKpi::Announced).unwrap().mean, phone.get(ChannelKpi::Announcements).unwrap().mean);
    assert!(made > 10.0 * told, "{told} told, {made} announcements");
}

/// Reduction: a scenario that writes the new fields at their neutral values (every contact
/// resolves, returns that never happen, no redial, no deflection, one segment of everyone,
/// no preemption) gives byte-identical results to the same scenario without them.
#[test]
fn neutral_triage_fields_change_nothing() {
    let dir = env!("CARGO_MANIFEST_DIR");
    for name in ["retail-day", "omnichannel"] {
        let text = std::fs::read_to_string(format!("{dir}/scenarios/{name}.toml")).unwrap();
        let neutral = text
            .replace(
                "\n[[channel]]\n",
                "\n[[channel]]\nfcr = 1.0\nreturns = { after = { dist = \"exponential\", mean = \"1d\" } }\ndeflect = 0.0\npreemptive = false\n",
            )
            .replacen("\n[[agents]]\n", "\n[[segment]]\nname = \"everyone\"\nshare = 1.0\n\n[[agents]]\n", 1);
        assert_ne!(neutral, text);
        let json = |t: &str| {
            let s = Scenario::from_toml(t, "x.toml").unwrap_or_else(|e| panic!("{e}"));
            let mut out = Vec::new();
            let report = run(s, &RunOptions::default()).unwrap().report();
            ccsim::output::Format::Json.write(&report, Default::default(), &mut out).unwrap();
            serde_json::from_slice::<serde_json::Value>(&out).unwrap()
        };
        let (a, mut b) = (json(&text), json(&neutral));
        // The one segment is reported as such; everything else is identical.
        let seg = b.as_object_mut().unwrap().shift_remove("segments");
        assert!(seg.is_some());
        b["issues"].as_object_mut().unwrap().shift_remove("segments");
        b["per_replication"]
            .as_array_mut()
            .unwrap()
            .retain(|r| !r["scope"].as_str().is_some_and(|s| s.starts_with("segment")));
        assert_eq!(a, b, "{name}");
    }
}

/// Reporting windows are the whole horizon's or one interval's KPIs when they cover
/// exactly that: a window of every counted interval reproduces the channel's and group's
/// whole-horizon numbers, a window of one interval that interval's, replication by
/// replication (so the estimates agree to rounding); daily windows add up to the total;
/// percentiles are not reported per window. The JSON reads back with its windows.
#[test]
fn windows_reduce_to_the_horizon_and_to_intervals() {
    use ccsim::stats::kpi::GroupIntervalKpi;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/campaign-week.toml");
    let s = Scenario::load(path.as_ref()).unwrap();
    let windows = ["daily".to_string(), "Tue 10:00-10:30".into(), "Mon-Sun".into()];
    let s = s.with_windows(&windows).unwrap();
    let r = run(s, &RunOptions { replications: Some(6), ..Default::default() }).unwrap().report();
    let close = |a: Estimate, b: Estimate, what: &str| {
        let tol = 1e-9 * (1.0 + a.mean.abs());
        assert!(
            (a.mean - b.mean).abs() <= tol && (a.ci95 - b.ci95).abs() <= 1e-9 * (1.0 + a.ci95.abs()),
            "{what}: {a:?} vs {b:?}"
        );
    };
    assert_eq!(r.windows.len(), 7 + 2, "seven days, one interval, the whole week");
    let week = r.windows.iter().find(|w| w.name == "Mon-Sun").unwrap();
    let one = r.windows.iter().find(|w| w.name == "Tue 10:00-10:30").unwrap();
    assert_eq!(one.intervals, 1);
    for c in &r.channels {
        let in_week = &week.channels.iter().find(|x| x.0 == c.name).unwrap().1;
        for k in [
            ChannelKpi::Offered,
            ChannelKpi::ServiceLevel,
            ChannelKpi::AsaS,
            ChannelKpi::AbandonRate,
            ChannelKpi::AhtS,
            ChannelKpi::Occupancy,
        ] {
            close(in_week.get(k).unwrap(), c.get(k).unwrap(), &format!("{} {k:?} over the week", c.name));
        }
        assert!(in_week.get(ChannelKpi::WaitP90S).is_none(), "no percentiles per window");
        let interval = r.intervals.iter().find(|i| i.channel == c.name && i.start_s == one.start_s).unwrap();
        let in_one = &one.channels.iter().find(|x| x.0 == c.name).unwrap().1;
        for k in [ChannelKpi::Offered, ChannelKpi::ServiceLevel, ChannelKpi::AsaS, ChannelKpi::Occupancy] {
            close(in_one.get(k).unwrap(), interval.get(k).unwrap(), &format!("{} {k:?} at Tue 10:00", c.name));
        }
        let daily: f64 = r
            .windows
            .iter()
            .filter(|w| w.name.starts_with("day "))
            .map(|w| w.channels.iter().find(|x| x.0 == c.name).unwrap().1.get(ChannelKpi::Offered).unwrap().mean)
            .sum();
        let total = c.get(ChannelKpi::Offered).unwrap().mean;
        assert!((daily - total).abs() <= 1e-6 * total, "{}: days add up to {daily}, the week has {total}", c.name);
    }
    for g in &r.group_intervals {
        if g.start_s == one.start_s {
            let in_one = &one.groups.iter().find(|x| x.0 == g.group).unwrap().1;
            close(
                in_one.get(GroupIntervalKpi::Scheduled).unwrap(),
                g.get(GroupIntervalKpi::Scheduled).unwrap(),
                "scheduled",
            );
        }
    }
    let mut json = Vec::new();
    ccsim::output::Format::Json.write(&r, Default::default(), &mut json).unwrap();
    let back = Report::from_json(std::str::from_utf8(&json).unwrap()).unwrap();
    assert_eq!(back.windows.len(), r.windows.len());
    let (a, b) = (
        back.windows[8].channels[0].1.get(ChannelKpi::ServiceLevel).unwrap(),
        week.channels[0].1.get(ChannelKpi::ServiceLevel).unwrap(),
    );
    assert_eq!((a.mean, a.ci95), (b.mean, b.ci95), "the JSON reads back");
}

/// `compare` of two saved runs that share seed and replications pairs them replication by
/// replication: its differences are exactly the sweep's paired differences of the same two
/// variants (computed by another path, the sweep's fold); a run compared with itself
/// differs by 0 ± 0; runs with other seeds are compared unpaired, and say so.
#[test]
fn compare_pairs_saved_runs_like_a_sweep() {
    use ccsim::plan::sweep::Study;
    use ccsim::report::compare::compare;
    use ccsim::report::sweep::SweepReport;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/single-queue.toml");
    let base = Scenario::load(path.as_ref()).unwrap().with_replications(12).unwrap();
    let saved = |staff: &str| -> Report {
        let r = run(base.with_overrides(&[("agents.team.staff", staff)]).unwrap(), &RunOptions::default()).unwrap();
        let mut json = Vec::new();
        ccsim::output::Format::Json.write(&r.report(), Default::default(), &mut json).unwrap();
        Report::from_json(std::str::from_utf8(&json).unwrap()).unwrap()
    };
    let (a, b) = (saved("10"), saved("11"));
    let c = compare(&a, "a.json", &b, "b.json");
    assert!(c.unpaired_because.is_none(), "{:?}", c.unpaired_because);
    let sweep = SweepReport::new(
        &Study::new(base.clone(), &["agents.team.staff=10,11".into()], false, None).unwrap().run(|_, _| {}).unwrap(),
    );
    let diffs = sweep.variants[1].vs_baseline.as_ref().unwrap();
    let mut checked = 0;
    for k in [ChannelKpi::ServiceLevel, ChannelKpi::AsaS, ChannelKpi::AbandonRate, ChannelKpi::Occupancy] {
        let v = c.values.iter().find(|v| v.scope == "channel" && v.kpi == k.name()).unwrap();
        let want = diffs.channels[0].get(k).unwrap();
        assert!(v.paired, "{k:?}");
        assert!((v.diff.mean - want.mean).abs() <= 1e-9 * (1.0 + want.mean.abs()), "{k:?}: {:?} vs {want:?}", v.diff);
        assert!((v.diff.ci95 - want.ci95).abs() <= 1e-9 * (1.0 + want.ci95), "{k:?}: {:?} vs {want:?}", v.diff);
        checked += 1;
    }
    assert_eq!(checked, 4);
    let same = compare(&a, "a.json", &a, "a.json");
    assert!(same.values.iter().all(|v| !v.diff.mean.is_finite() || (v.diff.mean == 0.0 && v.diff.ci95 == 0.0)));
    let mut other = a.clone();
    other.seed += 1;
    let unpaired = compare(&a, "a.json", &other, "other.json");
    assert!(unpaired.unpaired_because.as_deref().is_some_and(|w| w.contains("differ in seed")));
    assert!(unpaired.values.iter().all(|v| !v.paired));
}

/// The cost of abandoned contacts is abandoned × the channel's cost per abandoned contact,
/// replication by replication (so mean and interval scale exactly); a channel without the
/// cost, or a deferred one, does not report it, and a deferred channel refuses it.
#[test]
fn abandoned_contacts_are_costed() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/single-queue.toml");
    let s = Scenario::load(path.as_ref()).unwrap();
    let costed = s.with_overrides(&[("channel.phone.cost_per_abandoned", "7.5")]).unwrap();
    let r = run(costed, &RunOptions { replications: Some(8), ..Default::default() }).unwrap().report();
    let phone = r.channel("phone").unwrap();
    let (lost, cost) = (phone.get(ChannelKpi::Abandoned).unwrap(), phone.get(ChannelKpi::AbandonCost).unwrap());
    assert!(lost.mean > 10.0);
    assert!(
        (cost.mean - 7.5 * lost.mean).abs() < 1e-9 * cost.mean
            && (cost.ci95 - 7.5 * lost.ci95).abs() < 1e-9 * cost.mean
    );
    let plain = run(s.clone(), &RunOptions { replications: Some(2), ..Default::default() }).unwrap().report();
    assert!(plain.channel("phone").unwrap().get(ChannelKpi::AbandonCost).is_none());
    let mail = scenario("mail")
        .channel(channel("mail", "email").per_hour(10.0).set("cost_per_abandoned", 1))
        .group(group("desk", &["mail"]).staff(1));
    let e = Scenario::from_toml(&mail.toml(), "mail.toml").unwrap_err().to_string();
    assert!(e.contains("email contacts never abandon; remove cost_per_abandoned"), "{e}");
}
