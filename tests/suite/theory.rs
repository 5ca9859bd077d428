//! Validation against queueing theory: the simulator reproduces Erlang C, Erlang A and
//! Erlang B, and the `erlang` module reproduces an independent implementation's values
//! (`tests/data/reference`, copied from the project's shared reference).
//!
//! Tolerances come from each run's own confidence interval: a simulated mean must lie
//! within a Bonferroni-corrected Student-t interval (family error 1 %) of the analytic
//! value, plus a tiny absolute floor for floating-point noise. Each comparison also checks
//! that the test could fail: the analytic value for a neighbouring headcount (one agent
//! more or fewer; 2 % of the agents for large groups) must lie outside that same interval.
//!
//! Run with `cargo test --release` (these simulate about 60 million calls).

use ccsim::erlang::{ErlangA, ErlangC, agents_for_target, erlang_b};

use crate::common::{ReportOf, ScenarioBuilder, channel, deterministic, group, scenario};
use ccsim::base::maths::student_t_quantile;
use ccsim::plan::run::{RunOptions, run};
use ccsim::report::Report;
use ccsim::scenario::Scenario;
use ccsim::stats::kpi::ChannelKpi;
use ccsim::stats::summary::Estimate;

fn reference(name: &str) -> Vec<Vec<String>> {
    let path = format!("{}/tests/data/reference/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(|s| s.trim().to_string()).collect())
        .collect()
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or_else(|_| panic!("not a number: {s}"))
}

fn rel_close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1e-12)
}

// ---- the erlang module against the independent reference --------------------------

#[test]
fn erlang_module_matches_reference() {
    for r in reference("erlang_c.csv") {
        let q = ErlangC::new(num(&r[0]) / 3600.0, num(&r[1]), num(&r[2]) as u32).unwrap();
        let t = num(&r[3]);
        assert!(rel_close(q.p_wait(), num(&r[4]), 1e-9), "C p_wait {r:?}: {}", q.p_wait());
        assert!(rel_close(q.service_level(t), num(&r[5]), 1e-9), "C SL {r:?}: {}", q.service_level(t));
        assert!(rel_close(q.asa(), num(&r[6]), 1e-9), "C ASA {r:?}: {}", q.asa());
        assert!(rel_close(q.occupancy(), num(&r[7]), 1e-9), "C occupancy {r:?}");
    }
    for r in reference("erlang_a.csv") {
        let q = ErlangA::new(num(&r[0]) / 3600.0, num(&r[1]), num(&r[2]) as u32, num(&r[4])).unwrap();
        let t = num(&r[3]);
        let got = [
            q.p_wait(),
            q.p_abandon(),
            q.answered_within(t),
            q.sl_of_answered(t),
            q.asa(),
            q.mean_wait_all(),
            q.occupancy(),
        ];
        for (k, g) in got.iter().enumerate() {
            assert!(rel_close(*g, num(&r[5 + k]), 1e-9), "A column {} {r:?}: {g}", 5 + k);
        }
    }
    for r in reference("erlang_b.csv") {
        let b = erlang_b(num(&r[0]), num(&r[1]) as u32);
        assert!(rel_close(b, num(&r[2]), 1e-9), "B {r:?}: {b}");
    }
    for r in reference("erlang_c_agents.csv") {
        let n = agents_for_target(num(&r[0]) / 3600.0, num(&r[1]), num(&r[2]), num(&r[3]), None).unwrap();
        assert_eq!(n, Some(num(&r[4]) as u32), "agents {r:?}");
    }
    for r in reference("priority_mmc.csv") {
        let rates: Vec<f64> = r[2].split_whitespace().map(|x| num(x) / 3600.0).collect();
        let want: Vec<f64> = r[3].split_whitespace().map(num).collect();
        let got = ccsim::erlang::priority_waits(&rates, num(&r[1]), num(&r[0]) as u32).unwrap().unwrap();
        for (g, w) in got.iter().zip(&want) {
            assert!(rel_close(*g, *w, 1e-9), "priority {r:?}: {got:?}");
        }
    }
}

// ---- simulation against the formulas -------------------------------------------------

/// One comparison of a simulated estimate with its analytic value.
struct Check {
    label: String,
    sim: Estimate,
    expected: f64,
    /// The analytic value of a neighbouring headcount that the run must be able to tell
    /// apart.
    neighbour: Option<f64>,
}

/// Every check must hold with Bonferroni-corrected intervals (family error 1 %).
fn assert_checks(checks: &[Check]) {
    let m = checks.len() as f64;
    let mut failures = Vec::new();
    for c in checks {
        let n = f64::from(c.sim.n);
        assert!(n >= 10.0, "{}: only {n} replications defined the KPI", c.label);
        let k = student_t_quantile(1.0 - 0.01 / (2.0 * m), n - 1.0);
        let tol = k * c.sim.se() + 1e-9;
        let diff = (c.sim.mean - c.expected).abs();
        let line = format!(
            "{:<46} sim {:>12.6} ± {:>9.6}  analytic {:>12.6}  |diff| {:>9.6}",
            c.label, c.sim.mean, tol, c.expected, diff
        );
        if diff > tol {
            failures.push(format!("MISMATCH   {line}"));
        }
        if let Some(nb) = c.neighbour
            && (c.sim.mean - nb).abs() <= tol
        {
            failures.push(format!("NO POWER   {line}  neighbour {nb:.6}"));
        }
        eprintln!("{line}");
    }
    assert!(failures.is_empty(), "{} of {} checks failed:\n{}", failures.len(), checks.len(), failures.join("\n"));
}

/// Patience of the simulated callers.
#[derive(Clone, Copy)]
enum Patience {
    Never,
    Exponential(f64),
    /// Callers who find no free agent hang up at once (a loss system).
    Zero,
}

/// Simulates one voice queue long enough for about `calls` calls per replication.
fn simulate_queue(
    per_hour: f64,
    aht: f64,
    agents: u32,
    within: f64,
    patience: Patience,
    calls: f64,
    reps: u32,
) -> Report {
    // Eleven intervals (the first is warm-up), at most 360 days in all.
    let interval_h = (calls / per_hour / 10.0).ceil().clamp(1.0, 785.0);
    let phone = channel("phone", "voice")
        .service_level(0.8, &within.to_string())
        .per_hour(per_hour)
        .exponential_handle(&aht.to_string());
    let phone = match patience {
        Patience::Never => phone,
        Patience::Exponential(m) => phone.exponential_patience(&m.to_string()),
        Patience::Zero => phone.set("patience", "{ dist = \"deterministic\", value = 0 }"),
    };
    scenario("validation")
        .seed(2024)
        .replications(reps)
        .horizon(&format!("{}h", interval_h * 11.0))
        .interval(&format!("{interval_h}h"))
        .warmup(&format!("{interval_h}h"))
        .channel(phone)
        .group(group("agents", &["phone"]).staff(agents))
        .report()
}

fn est(r: &Report, k: ChannelKpi) -> Estimate {
    r.channel("phone").and_then(|c| c.get(k)).unwrap()
}

/// The headcount difference a run must resolve: one agent, or 2 % of a large group.
fn step(c: u32) -> u32 {
    (f64::from(c) * 0.02).round().max(1.0) as u32
}

/// Erlang C at seven loads from ρ = 0.6 to ρ = 0.95.
#[test]
fn simulation_matches_erlang_c() {
    let mut checks = Vec::new();
    for r in reference("erlang_c.csv") {
        let (per_hour, aht, c, t) = (num(&r[0]), num(&r[1]), num(&r[2]) as u32, num(&r[3]));
        let rate = per_hour / 3600.0;
        let q = ErlangC::new(rate, aht, c).unwrap();
        let more = ErlangC::new(rate, aht, c + step(c)).unwrap();
        let rho = q.occupancy();
        // Near full load the queue forgets its past slowly: simulate longer.
        let calls = if rho > 0.94 { 1_200_000.0 } else { 250_000.0 };
        let rep = simulate_queue(per_hour, aht, c, t, Patience::Never, calls, 24);
        let label = |k: &str| format!("C {per_hour}/h aht {aht} c {c} ρ {rho:.3}: {k}");
        checks.push(Check {
            label: label("service level"),
            sim: est(&rep, ChannelKpi::ServiceLevel),
            expected: q.service_level(t),
            neighbour: Some(more.service_level(t)),
        });
        checks.push(Check {
            label: label("ASA"),
            sim: est(&rep, ChannelKpi::AsaS),
            expected: q.asa(),
            neighbour: Some(more.asa()),
        });
        checks.push(Check {
            label: label("occupancy"),
            sim: est(&rep, ChannelKpi::Occupancy),
            expected: q.occupancy(),
            neighbour: Some(more.occupancy()),
        });
        // The wait distribution, P(W > t) = 1 − SL(t), at half and twice the threshold; and
        // at the threshold itself it is the service level of the answered, exactly.
        let phone = rep.channel("phone").unwrap();
        for j in [2, 8] {
            let (at, p) = (phone.wait_above[j].t_s, phone.wait_above[j].share);
            checks.push(Check {
                label: label(&format!("P(wait > {at} s)")),
                sim: p,
                expected: 1.0 - q.service_level(at),
                neighbour: Some(1.0 - more.service_level(at)),
            });
        }
        assert_eq!(phone.wait_above[4].t_s, t);
        let sla = est(&rep, ChannelKpi::ServiceLevelOfAnswered).mean;
        assert!((1.0 - phone.wait_above[4].share.mean - sla).abs() < 1e-12, "wait_above at T is 1 − SL of answered");
        let abandoned = est(&rep, ChannelKpi::Abandoned);
        assert_eq!(abandoned.mean, 0.0, "nobody abandons without patience");
    }
    assert_checks(&checks);
}

/// Erlang A at six points, three of them overloaded (offered load above the agents).
#[test]
fn simulation_matches_erlang_a() {
    let mut checks = Vec::new();
    for r in reference("erlang_a.csv") {
        let (per_hour, aht, c, t, pat) = (num(&r[0]), num(&r[1]), num(&r[2]) as u32, num(&r[3]), num(&r[4]));
        let rate = per_hour / 3600.0;
        let q = ErlangA::new(rate, aht, c, pat).unwrap();
        let fewer = ErlangA::new(rate, aht, c - step(c), pat).unwrap();
        let load = rate * aht / f64::from(c);
        let rep = simulate_queue(per_hour, aht, c, t, Patience::Exponential(pat), 300_000.0, 24);
        let label = |k: &str| format!("A {per_hour}/h c {c} load {load:.2}: {k}");
        let pairs = [
            ("service level", ChannelKpi::ServiceLevel, q.answered_within(t), fewer.answered_within(t)),
            (
                "service level of answered",
                ChannelKpi::ServiceLevelOfAnswered,
                q.sl_of_answered(t),
                fewer.sl_of_answered(t),
            ),
            ("abandon rate", ChannelKpi::AbandonRate, q.p_abandon(), fewer.p_abandon()),
            ("ASA", ChannelKpi::AsaS, q.asa(), fewer.asa()),
            ("mean wait", ChannelKpi::MeanWaitS, q.mean_wait_all(), fewer.mean_wait_all()),
            ("occupancy", ChannelKpi::Occupancy, q.occupancy(), fewer.occupancy()),
        ];
        for (name, k, expected, neighbour) in pairs {
            // Service level of answered is near 1 at light load for any c: no power check.
            let neighbour = (k != ChannelKpi::ServiceLevelOfAnswered || load > 0.9).then_some(neighbour);
            checks.push(Check { label: label(name), sim: est(&rep, k), expected, neighbour });
        }
    }
    assert_checks(&checks);
}

/// Callers who hang up when no agent is free: a loss system, Erlang B.
#[test]
fn simulation_matches_erlang_b() {
    let mut checks = Vec::new();
    for r in reference("erlang_b.csv") {
        let (a, lines) = (num(&r[0]), num(&r[1]) as u32);
        let aht = 180.0;
        let per_hour = a / aht * 3600.0;
        let rep = simulate_queue(per_hour, aht, lines, 20.0, Patience::Zero, 200_000.0, 20);
        checks.push(Check {
            label: format!("B {a} Erlangs on {lines} lines: blocking"),
            sim: est(&rep, ChannelKpi::AbandonRate),
            expected: erlang_b(a, lines),
            neighbour: Some(erlang_b(a, lines + 1)),
        });
        let asa = est(&rep, ChannelKpi::AsaS);
        assert_eq!(asa.mean, 0.0, "in a loss system nobody waits");
    }
    assert_checks(&checks);
}

/// One voice channel with a priority class per entry of `per_hour` (calls per hour, class 1
/// the most urgent), exponential handle time `aht` and `c` agents, long enough for tight
/// intervals; `preemptive` lets urgent calls interrupt less urgent ones.
fn priority_classes(per_hour: &[f64], aht: f64, c: u32, seed: u64, preemptive: bool) -> ScenarioBuilder {
    let total: f64 = per_hour.iter().sum();
    let mut phone = channel("phone", "voice").per_hour(total).exponential_handle(&aht.to_string());
    if preemptive {
        phone = phone.preemptive(true);
    }
    for (k, x) in per_hour.iter().enumerate() {
        phone = phone.contact_type(&format!("class{}", k + 1), x / total, k as u32 + 1, &[]);
    }
    let interval_h = (600_000.0 / total / 10.0).ceil().min(785.0);
    scenario("priority")
        .seed(seed)
        .replications(24)
        .horizon(&format!("{}h", interval_h * 11.0))
        .interval(&format!("{interval_h}h"))
        .warmup(&format!("{interval_h}h"))
        .channel(phone)
        .group(group("agents", &["phone"]).staff(c))
}

/// Two or three priority classes sharing one queue's agents: the non-preemptive priority
/// M/M/c mean waits per class (Cobham), at loads 0.75 and 0.9.
#[test]
fn simulation_matches_priority_mmc() {
    let mut checks = Vec::new();
    for r in reference("priority_mmc.csv") {
        let (c, aht) = (num(&r[0]) as u32, num(&r[1]));
        let per_hour: Vec<f64> = r[2].split_whitespace().map(num).collect();
        let total: f64 = per_hour.iter().sum();
        let rates: Vec<f64> = per_hour.iter().map(|x| x / 3600.0).collect();
        let waits = ccsim::erlang::priority_waits(&rates, aht, c).unwrap().unwrap();
        // The neighbour: the same classes served in one FIFO queue (no priority).
        let fifo = ErlangC::new(total / 3600.0, aht, c).unwrap().asa();
        let report = priority_classes(&per_hour, aht, c, 99, false).report();
        let phone = report.channel("phone").unwrap();
        let load = total / 3600.0 * aht / f64::from(c);
        for (k, t) in phone.types.iter().enumerate() {
            checks.push(Check {
                label: format!("priority c {c} load {load:.2}: class {} ASA", k + 1),
                sim: t.get(ChannelKpi::AsaS).unwrap(),
                expected: waits[k],
                neighbour: Some(fifo),
            });
        }
        // Pooled over classes the waits are those of one FIFO queue (Erlang C).
        checks.push(Check {
            label: format!("priority c {c} load {load:.2}: all classes ASA"),
            sim: phone.get(ChannelKpi::AsaS).unwrap(),
            expected: fifo,
            neighbour: Some(ErlangC::new(total / 3600.0, aht, c + 1).unwrap().asa()),
        });
    }
    assert_checks(&checks);
}

/// The staffing optimiser on one stationary interval gives the Erlang C minimum (callers
/// never abandon) and the Erlang A minimum (exponential patience) within ±1 agent.
#[test]
fn optimiser_reproduces_erlang_minimum_on_a_stationary_interval() {
    use ccsim::plan::staffing::{Goal, optimise};
    for patience in [None, Some("2m")] {
        let phone = channel("phone", "voice").per_hour(120.0).exponential_handle("4m");
        let phone = match patience {
            Some(p) => phone.exponential_patience(p),
            None => phone,
        };
        let s = scenario("stationary")
            .seed(5)
            .replications(20)
            .horizon("200h")
            .interval("200h")
            .channel(phone)
            .group(group("team", &["phone"]).staff(1))
            .load();
        let goal = Goal { max_rounds: 40, ..Goal::one(0) };
        let plan = optimise(&s, &goal, |_| {}).unwrap();
        let erlang = agents_for_target(120.0 / 3600.0, 240.0, 20.0, 0.8, patience.map(|_| 120.0)).unwrap().unwrap();
        let got = plan.groups[0].headcount[0];
        assert!(got.abs_diff(erlang) <= 1, "patience {patience:?}: optimiser {got}, Erlang {erlang}");
    }
}

/// At confidence 0.5 the optimiser asks only that each interval's mean service level meet
/// the target: every counted interval's mean does, the plan needs no more agent hours than
/// at 0.95, and one agent fewer in the busiest interval brings its mean below the target.
#[test]
fn optimiser_at_confidence_one_half_meets_the_mean() {
    use ccsim::plan::staffing::{Goal, optimise};
    let s = Scenario::load(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/single-queue.toml").as_ref())
        .unwrap()
        .with_replications(10)
        .unwrap();
    let goal = |confidence| Goal { confidence, ..Goal::one(0) };
    let half = optimise(&s, &goal(0.5), |_| {}).unwrap();
    let sure = optimise(&s, &goal(0.95), |_| {}).unwrap();
    assert!(half.agent_hours <= sure.agent_hours, "{} > {}", half.agent_hours, sure.agent_hours);
    let r = half.results.report();
    let lows: Vec<f64> = r
        .intervals
        .iter()
        .filter_map(|i| i.get(ChannelKpi::ServiceLevel))
        .map(|e| e.mean)
        .filter(|m| m.is_finite() && *m < 0.8)
        .collect();
    assert!(lows.is_empty(), "intervals below 80 % at confidence 0.5: {lows:?}");
    let (worst, _) = half.groups[0].headcount.iter().enumerate().max_by_key(|x| x.1).unwrap();
    let mut fewer = half.groups[0].headcount.clone();
    fewer[worst] -= 1;
    let less = run(s.with_staff_plan(0, &fewer).unwrap(), &RunOptions::default()).unwrap().report();
    let start = worst as f64 * s.interval();
    let below =
        less.intervals.iter().any(|i| i.start_s == start && i.get(ChannelKpi::ServiceLevel).unwrap().mean < 0.8)
            || less.intervals.iter().any(|i| i.get(ChannelKpi::ServiceLevel).is_some_and(|e| e.mean < 0.8));
    assert!(below, "one agent fewer at {start} s still meets the target everywhere");
}

/// On a day with a peak: the plan meets every interval's target (not significantly below
/// it) in a fresh run with other customers; one agent fewer in any staffed interval makes
/// that interval or another miss (with the optimiser's customers); a tighter target costs
/// more agent hours; and the written plan runs as is, giving the plan's results.
#[test]
fn optimiser_plans_a_day_with_a_peak() {
    use ccsim::plan::staffing::{Goal, optimise};
    let s = Scenario::load(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/retail-day.toml").as_ref()).unwrap();
    let goal = Goal::one(0);
    let plan = optimise(&s, &goal, |_| {}).unwrap();
    assert!(!plan.sipp_misses.is_empty(), "SIPP alone misses intervals after the peak");
    // A fresh run with other customers.
    let fresh = run(plan.scenario.with_seed(99), &RunOptions::default()).unwrap().report();
    let target = s.channels()[0].target.share;
    let mut checked = 0;
    for row in fresh.intervals.iter().filter(|r| r.get(ChannelKpi::Offered).is_some_and(|e| e.mean > 0.0)) {
        let sl = row.get(ChannelKpi::ServiceLevel).unwrap();
        assert!(sl.mean + sl.ci95 >= target, "interval at {} s: {sl:?} is below {target} in a fresh run", row.start_s);
        checked += 1;
    }
    assert!(checked > 20);
    // One agent fewer anywhere breaks the plan (its own customers, same criterion).
    let name = s.groups()[0].name.clone();
    let first = s.first_counted_interval();
    for i in (first..plan.groups[0].headcount.len()).filter(|&i| plan.groups[0].headcount[i] > 0).step_by(5) {
        let mut fewer = plan.groups[0].headcount.clone();
        fewer[i] -= 1;
        let staff =
            format!("{{ per_interval = [{}] }}", fewer.iter().map(u32::to_string).collect::<Vec<_>>().join(", "));
        let r = run(s.with_overrides(&[(&format!("agents.{name}.staff"), &staff)]).unwrap(), &RunOptions::default())
            .unwrap();
        let est = &r.estimates;
        let l = &r.layout;
        let t = student_t_quantile(0.95, f64::from(s.replications()) - 1.0);
        let misses = (0..l.intervals).any(|j| {
            let sl = est[l.channel_interval(0, j, ChannelKpi::ServiceLevel)];
            est[l.channel_interval(0, j, ChannelKpi::Offered)].mean > 0.0 && sl.mean - t * sl.se() < target
        });
        assert!(misses, "one agent fewer at interval {i} still meets every target");
    }
    let tighter = Goal { target: Some(ccsim::scenario::ServiceTarget { share: 0.9, within: 20.0 }), ..goal };
    let more = optimise(&s, &tighter, |_| {}).unwrap();
    assert!(
        more.agent_hours > plan.agent_hours,
        "90/20 needs more than 80/20: {} vs {}",
        more.agent_hours,
        plan.agent_hours
    );
    // The written plan is a runnable scenario with the plan's results.
    let text = plan.scenario.overridden_text().unwrap();
    let again = Scenario::from_toml(&text, "plan.toml").unwrap();
    let mut a = run(again, &RunOptions::default()).unwrap().report();
    let mut b = plan.results.report();
    a.overrides.clear();
    b.overrides.clear();
    let json = |r: &Report| {
        let mut out = Vec::new();
        ccsim::output::Format::Json.write(r, Default::default(), &mut out).unwrap();
        out
    };
    assert!(json(&a) == json(&b), "the written plan gives the plan's results");
}

/// Whether some interval of `r` has a channel among `channels` whose service level's lower
/// bound (one-sided, 95 %) is below its target — the optimiser's criterion.
fn misses_a_target(r: &ccsim::plan::run::Results, channels: &[usize]) -> bool {
    let (est, l, s) = (&r.estimates, &r.layout, r.scenario());
    let t = student_t_quantile(0.95, f64::from(s.replications()) - 1.0);
    channels.iter().any(|&c| {
        (0..l.intervals).any(|j| {
            let sl = est[l.channel_interval(c, j, ChannelKpi::ServiceLevel)];
            est[l.channel_interval(c, j, ChannelKpi::Offered)].mean > 0.0
                && sl.mean - t * sl.se() < s.channels()[c].target.share
        })
    })
}

/// Every interval with contacts of a fresh run (other customers) is not significantly below
/// its channel's target.
fn meets_in_a_fresh_run(s: &Scenario) {
    let fresh = run(s.with_seed(99), &RunOptions::default()).unwrap().report();
    let mut checked = 0;
    for row in fresh.intervals.iter().filter(|r| r.get(ChannelKpi::Offered).is_some_and(|e| e.mean > 0.0)) {
        let target = fresh.channel(&row.channel).unwrap().target.share;
        let sl = row.get(ChannelKpi::ServiceLevel).unwrap();
        assert!(
            sl.mean + sl.ci95 >= target,
            "{} at {} s: {sl:?} is below {target} in a fresh run",
            row.channel,
            row.start_s
        );
        checked += 1;
    }
    assert!(checked > 20, "{checked} intervals checked");
}

/// Scheduling the retail day from its shift rules: the roster covers the requirement it was
/// solved for and costs at least the per-interval plan (shifts cannot follow every
/// interval); every interval of the written roster meets its target in a fresh run;
/// the written scenario runs as is with the roster's results; and one agent fewer on any
/// full-time shift used makes some interval miss (with the scheduler's customers).
#[test]
fn schedule_rosters_a_day_that_meets_in_a_fresh_run() {
    use ccsim::plan::schedule::schedule;
    use ccsim::plan::staffing::Goal;
    let s = Scenario::load(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/retail-day.toml").as_ref()).unwrap();
    let sch = schedule(&s, &Goal::one(0), |_| {}).unwrap();
    let r = &sch.groups[0];
    assert!(r.coverage.iter().zip(&r.requirement).all(|(c, q)| c >= q), "the roster covers its requirement");
    assert!(r.cost >= r.plan_cost, "shifts {} cost less than agents per interval {}", r.cost, r.plan_cost);
    meets_in_a_fresh_run(&sch.scenario);
    let text = sch.scenario.overridden_text().unwrap();
    assert!(text.contains("[[agents.shift]]") && !text.contains("[agents.staff]"), "shifts replace the plan");
    let again = Scenario::from_toml(&text, "rostered.toml").unwrap();
    let json = |r: &Report| {
        let mut out = Vec::new();
        ccsim::output::Format::Json.write(r, Default::default(), &mut out).unwrap();
        out
    };
    let mut a = run(again, &RunOptions::default()).unwrap().report();
    let mut b = sch.results.report();
    a.overrides.clear();
    b.overrides.clear();
    assert!(json(&a) == json(&b), "the written roster gives the roster's results");
    // Minimal: no full-time shift can lose an agent (the part-time share stays within its cap).
    let n = s.n_intervals();
    let part: u32 = r.patterns.iter().zip(&r.counts).filter(|(p, _)| p.rule == 1).map(|(_, &c)| c).sum();
    let all: u32 = r.counts.iter().sum();
    assert!(f64::from(part) <= 0.3 * f64::from(all - 1), "removing a full-time shift keeps the part-time cap");
    let used: Vec<usize> = (0..r.patterns.len()).filter(|&j| r.counts[j] > 0 && r.patterns[j].rule == 0).collect();
    assert!(used.len() >= 5);
    for &j in used.iter().step_by(3) {
        let mut cov = vec![0u32; n];
        for (k, (p, &c)) in r.patterns.iter().zip(&r.counts).enumerate() {
            for &t in &p.works {
                cov[t] += c - u32::from(k == j);
            }
        }
        let fewer = run(s.with_staff_plan(0, &cov).unwrap(), &RunOptions::default()).unwrap();
        assert!(misses_a_target(&fewer, &[0]), "one agent fewer on pattern {j} still meets every target");
    }
}

/// Two groups planned together — phone agents, and blended agents who take chat and phone
/// calls that waited 30 s — meet both channels' targets in a fresh run, at a cost no higher
/// than planning phone first and then the blended group.
#[test]
fn groups_planned_together_meet_every_target() {
    use ccsim::plan::staffing::{Goal, optimise};
    let s = scenario("two groups")
        .seed(3)
        .replications(20)
        .horizon("6h")
        .interval("30m")
        .channel(channel("phone", "voice").per_hour(200.0).exponential_handle("4m").exponential_patience("3m"))
        .channel(
            channel("chat", "chat")
                .per_hour(90.0)
                .exponential_handle("6m")
                .exponential_patience("5m")
                .set("service_level", "{ target = 0.8, within = \"40s\" }"),
        )
        .group(group("phone", &["phone"]).cost_per_hour(24.0))
        .group(
            group("blended", &["chat"])
                .set("skills", "[\"chat\", { channel = \"phone\", after = \"30s\" }]")
                .concurrency(2)
                .cost_per_hour(25.0),
        )
        .load();
    let together = optimise(&s, &Goal { groups: vec![0, 1], ..Goal::one(0) }, |_| {}).unwrap();
    assert_eq!(together.groups.len(), 2);
    assert!(!misses_a_target(&together.results, &[0, 1]));
    meets_in_a_fresh_run(&together.scenario);
    let phone_first = optimise(&s, &Goal::one(0), |_| {}).unwrap();
    let then_blended = optimise(&phone_first.scenario, &Goal::one(1), |_| {}).unwrap();
    let in_turn = phone_first.cost + then_blended.cost;
    assert!(together.cost <= in_turn, "together {} > in turn {in_turn}", together.cost);
}

// ---- fitting a scenario from history ---------------------------------------------------

/// Mean and standard error of per-block values.
fn block_se(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, (v / n).sqrt())
}

/// The fit recovers the truth: on eight weeks of history that ccsim wrote from the known
/// scenario `scenarios/history/truth.toml` (a profile with day factors, two phone types
/// with lognormal handle times, exponential phone patience, lognormal chat patience), the
/// fitted profile, handle-time means and cvs and mean patiences are within their standard
/// errors of the truth (a neighbouring value is not), and the Kaplan–Meier-based patience
/// is unbiased where the plain mean of the abandoners' waits is far too low.
#[test]
fn fit_recovers_the_truth() {
    use ccsim::data::fit::{FitOptions, fit, patience_fit};
    use ccsim::data::history::{ContactLog, LogFormat, read};
    use ccsim::engine::{Model, simulate_with};
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/history/truth.toml");
    let text = std::fs::read_to_string(path).unwrap().replace("horizon = \"14d\"", "horizon = \"56d\"");
    let truth = Scenario::from_toml(&text, "truth.toml").unwrap();
    let model = Model::compile(truth.clone());
    let mut log = Vec::new();
    let l = ContactLog::new(&model.scenario, &mut log).unwrap();
    simulate_with(&model, 0, l).unwrap().finish().unwrap();
    let h = read(std::str::from_utf8(&log).unwrap(), "log.csv", &LogFormat::default(), false).unwrap();
    let opts = FitOptions {
        name: "fitted".into(),
        interval: 1800.0,
        kinds: Vec::new(),
        target: ccsim::scenario::ServiceTarget { share: 0.8, within: 20.0 },
        agents: None,
        source: "log.csv".into(),
        days: Some(56),
        holdout: None,
    };
    let f = fit(&h, &opts).unwrap();
    assert_eq!((f.days, f.horizon_days), (56, 7));
    let phone = f.channels.iter().find(|c| c.name == "phone").expect("phone is fitted");
    assert_eq!((phone.name.as_str(), phone.kind.name()), ("phone", "voice"));

    // Profile: every interval's fitted mean against the truth's expected count. The
    // forecast error of the truth (day cv 0.15) widens the spread beyond Poisson, so the
    // standard error comes from the eight same-weekday days themselves.
    let rate = &truth.channels()[0].arrivals;
    let (mut z2, mut z2_wrong, mut n) = (0.0f64, 0.0f64, 0.0f64);
    let days_of = |w: usize| (0..56).filter(move |d| d % 7 == w);
    let counts = |d: usize, j: usize| {
        let (a, b) = (d as f64 * 86400.0 + j as f64 * 1800.0, d as f64 * 86400.0 + (j + 1) as f64 * 1800.0);
        h.records.iter().filter(|r| r.channel == "phone" && r.arrival_s >= a && r.arrival_s < b).count() as f64
    };
    for w in 0..7 {
        for j in 0..48 {
            let expected =
                rate.expected(w as f64 * 86400.0 + j as f64 * 1800.0, w as f64 * 86400.0 + (j + 1) as f64 * 1800.0);
            if expected < 1.0 {
                continue;
            }
            let xs: Vec<f64> = days_of(w).map(|d| counts(d, j)).collect();
            let (m, se) = block_se(&xs);
            assert!((m - phone.per_interval[w * 48 + j]).abs() < 1e-9, "the fit is the same-weekday mean");
            z2 += ((m - expected) / se).powi(2);
            z2_wrong += ((m - 1.15 * expected) / se).powi(2);
            n += 1.0;
        }
    }
    // Σz² is about n (t-distributed z with 7 degrees of freedom: variance 7/5).
    let limit = 1.4 * n + 4.0 * (2.0 * 1.4 * 1.4 * n).sqrt();
    assert!(z2 < limit, "profile: Σz² = {z2:.0} over {n} intervals (limit {limit:.0})");
    assert!(z2_wrong > limit, "a profile 15 % higher must be told apart: Σz² = {z2_wrong:.0}");

    // Handle time per type: mean and cv by week, against the truth.
    for (ty, mean, cv) in [("claim", 420.0, 0.8), ("policy question", 240.0, 0.6)] {
        let fitted = phone.types.iter().find(|t| t.name == ty).unwrap().handle.unwrap();
        let by_week: Vec<Vec<f64>> = (0..8)
            .map(|wk| {
                h.records
                    .iter()
                    .filter(|r| r.contact_type.as_deref() == Some(ty) && (r.arrival_s / (7.0 * 86400.0)) as usize == wk)
                    .filter_map(|r| r.handle_s)
                    .collect()
            })
            .collect();
        let means: Vec<f64> = by_week.iter().map(|x| x.iter().sum::<f64>() / x.len() as f64).collect();
        let cvs: Vec<f64> = by_week
            .iter()
            .zip(&means)
            .map(|(x, m)| (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (x.len() - 1) as f64).sqrt() / m)
            .collect();
        let (_, se_m) = block_se(&means);
        let (_, se_cv) = block_se(&cvs);
        assert!((fitted.mean - mean).abs() < 3.0 * se_m, "{ty}: mean {:.1} vs {mean} ± {:.1}", fitted.mean, 3.0 * se_m);
        assert!((fitted.mean - 1.1 * mean).abs() > 3.0 * se_m, "{ty}: a 10 % longer mean must be told apart");
        assert!((fitted.cv - cv).abs() < 3.0 * se_cv, "{ty}: cv {:.3} vs {cv} ± {:.3}", fitted.cv, 3.0 * se_cv);
        assert!((fitted.cv - (cv + 0.15)).abs() > 3.0 * se_cv, "{ty}: a cv 0.15 higher must be told apart");
    }

    // Patience, from censored waits: per week, then pooled.
    for (channel, mean, lognormal) in [("phone", 120.0, false), ("chat", 180.0, true)] {
        let fitted = f.channels.iter().find(|c| c.name == channel).unwrap().patience.clone().unwrap();
        assert_eq!(fitted.chosen_lognormal, lognormal, "{channel}: the right family by AIC");
        let weekly: Vec<(f64, f64)> = (0..8)
            .map(|wk| {
                let recs: Vec<&ccsim::data::history::Record> = h
                    .records
                    .iter()
                    .filter(|r| r.channel == channel && (r.arrival_s / (7.0 * 86400.0)) as usize == wk)
                    .collect();
                let p = patience_fit(&recs).unwrap();
                // The weekly spread of the pooled fit's family (a week's own choice by AIC
                // can flip on a few hundred abandons and is not what is tested here).
                let weekly_mean = match (lognormal, p.lognormal) {
                    (true, Some((m, _, _))) => m,
                    _ => p.exp_mean,
                };
                (weekly_mean, p.naive_mean)
            })
            .collect();
        let (_, se) = block_se(&weekly.iter().map(|w| w.0).collect::<Vec<_>>());
        let (naive, _) = block_se(&weekly.iter().map(|w| w.1).collect::<Vec<_>>());
        let m = fitted.mean();
        assert!((m - mean).abs() < 3.0 * se, "{channel}: patience {m:.1} vs {mean} ± {:.1}", 3.0 * se);
        assert!(
            (m - 1.25 * mean).abs() > 3.0 * se,
            "{channel}: a 25 % longer patience must be told apart ({m:.1} ± {:.1}; weeks {weekly:?})",
            3.0 * se
        );
        assert!(
            naive < 0.7 * mean && (naive - mean).abs() > 5.0 * se,
            "{channel}: the abandoners' mean {naive:.1} is biased"
        );
    }
    // The fitted scenario runs.
    Scenario::from_toml(&f.scenario_toml(), "fitted.toml").unwrap();
}

/// One voice queue with waiting-time announcements, `per_hour` calls of 4 min on `agents`
/// agents, ten days after a warm-up interval of 12 h.
fn announcing_queue(per_hour: f64, agents: u32, patience: Option<&str>, predictor: &str) -> ScenarioBuilder {
    let mut phone = channel("phone", "voice")
        .per_hour(per_hour)
        .exponential_handle("4m")
        .announce(&format!("predictor = {predictor:?}"));
    if let Some(p) = patience {
        phone = phone.exponential_patience(p);
    }
    scenario("announcements")
        .seed(17)
        .replications(20)
        .horizon("252h")
        .interval("12h")
        .warmup("12h")
        .channel(phone)
        .group(group("agents", &["phone"]).staff(agents))
}

/// M/M/n without abandonment, constant staffing: the queue-length predictor (k + 1)/(nμ)
/// is the exact conditional mean wait, so it is unbiased, and its relative ASE over the
/// customers who wait (all of them are told) is 1 − ρ. On the same customers (the
/// predictor does not change what happens), last-to-enter-service and head-of-line are
/// less accurate.
#[test]
fn queue_length_announcements_match_mmn_theory() {
    let (per_hour, agents) = (540.0, 40);
    let rho = |n: u32| per_hour / 3600.0 * 240.0 / f64::from(n);
    let ql = announcing_queue(per_hour, agents, None, "queue_length").report();
    let les = announcing_queue(per_hour, agents, None, "last_to_enter_service").report();
    let hol = announcing_queue(per_hour, agents, None, "head_of_line").report();
    for other in [&les, &hol] {
        assert_eq!(est(other, ChannelKpi::AsaS).mean, est(&ql, ChannelKpi::AsaS).mean, "the same customers and waits");
        assert_eq!(est(other, ChannelKpi::Announced).mean, est(&ql, ChannelKpi::Announced).mean);
    }
    let rase = est(&ql, ChannelKpi::AnnounceRelativeAse);
    assert_checks(&[
        Check {
            label: "QL mean signed error (s)".into(),
            sim: est(&ql, ChannelKpi::AnnounceBiasS),
            expected: 0.0,
            // LES's bias on the same customers: the check can tell a biased predictor.
            neighbour: Some(est(&les, ChannelKpi::AnnounceBiasS).mean),
        },
        Check {
            label: format!("QL relative ASE, 1 − ρ at ρ = {:.3}", rho(agents)),
            sim: rase,
            expected: 1.0 - rho(agents),
            neighbour: Some(1.0 - rho(agents + 1)),
        },
    ]);
    for (name, r) in [("LES", &les), ("HOL", &hol)] {
        let x = est(r, ChannelKpi::AnnounceRelativeAse);
        eprintln!("{name} relative ASE {:.4} ± {:.4} vs QL {:.4} ± {:.4}", x.mean, x.ci95, rase.mean, rase.ci95);
        assert!(x.mean - x.ci95 > rase.mean + rase.ci95, "{name} is less accurate than QL");
    }
}

/// Per replication, over answered contacts that were told a wait: the mean of (prediction −
/// actual wait) for three predictions computed from the contacts ahead when told.
#[derive(Default)]
struct PredictionErrors {
    /// n·μ and θ of the queue (per s).
    rate: f64,
    theta: f64,
    n: u64,
    /// QL, QL_m (what was announced), and the mean wait of those answered.
    sums: [f64; 3],
    /// The announced value differed from QL_m of the contacts ahead.
    mismatches: u64,
}

impl ccsim::engine::Recorder for PredictionErrors {
    fn answered_told(&mut self, e: ccsim::engine::recorder::Fared<'_>) {
        let (now, c, a) = (e.now, e.contact, e.announcement);
        if c.interval() == 0 {
            return; // the warm-up, as in the KPIs
        }
        let k = a.ahead;
        let (r, th) = (self.rate, self.theta);
        let qlm: f64 = (0..=k).map(|i| 1.0 / (r + f64::from(i) * th)).sum();
        let answered: f64 = (1..=k + 1).map(|i| 1.0 / (r + f64::from(i) * th)).sum();
        let actual = a.actual(now);
        self.mismatches += u64::from((a.first.heard - qlm).abs() > 1e-9 * qlm);
        self.n += 1;
        for (s, p) in self.sums.iter_mut().zip([f64::from(k + 1) / r, qlm, answered]) {
            *s += p - actual;
        }
    }
}

/// M/M/n+M overloaded (load 1.2, exponential patience): QL_m = Σ_{i=0..k} 1/(nμ + iθ) is the
/// mean *potential* wait of a customer with k ahead (Ibrahim and Whitt). Those who are
/// answered are selected by their own exponential patience, which tilts each stage of
/// their wait from rate nμ + iθ to nμ + (i+1)θ: their exact conditional mean wait is
/// Σ_{i=1..k+1} 1/(nμ + iθ). The run must reproduce that to within its CI, while QL_m's own
/// error is then a small positive selection gap (below 1/(nμ)) and plain QL overestimates
/// far more — each outside the interval of the other.
#[test]
fn queue_length_with_abandonment_is_unbiased_when_overloaded() {
    let (agents, mu, theta) = (40u32, 1.0 / 240.0, 1.0 / 180.0);
    let s = announcing_queue(720.0, agents, Some("3m"), "queue_length_abandon");
    let model = ccsim::engine::Model::compile(s.load());
    let mut errs: [Vec<f64>; 3] = Default::default();
    for rep in 0..20 {
        let rec = PredictionErrors { rate: f64::from(agents) * mu, theta, ..Default::default() };
        let rec = ccsim::engine::simulate_with(&model, rep, rec).unwrap();
        assert_eq!(rec.mismatches, 0, "what was told is QL_m of the contacts ahead");
        assert!(rec.n > 5_000, "enough customers told and answered ({})", rec.n);
        for (e, s) in errs.iter_mut().zip(rec.sums) {
            e.push(s / rec.n as f64);
        }
    }
    let estimate = |xs: &[f64]| {
        let mut acc = ccsim::stats::summary::Accumulator::new(1);
        for &x in xs {
            acc.push(&[x]);
        }
        acc.finish()[0]
    };
    let [ql, qlm, answered] = errs.map(|e| estimate(&e));
    eprintln!(
        "errors (s): QL {:.3} ± {:.3}, QL_m {:.3} ± {:.3}, answered-wait mean {:.3} ± {:.3}",
        ql.mean, ql.ci95, qlm.mean, qlm.ci95, answered.mean, answered.ci95
    );
    assert_checks(&[Check {
        label: "mean wait of the answered given k − actual (s)".into(),
        sim: answered,
        expected: 0.0,
        neighbour: Some(qlm.mean),
    }]);
    let gap = 1.0 / (f64::from(agents) * mu);
    assert!(qlm.mean - qlm.ci95 > 0.0 && qlm.mean + qlm.ci95 < gap, "QL_m's selection gap lies in (0, 1/(nμ))");
    assert!(ql.mean - ql.ci95 > qlm.mean + qlm.ci95, "plain QL overestimates more");
    // The engine's own bias KPI is the same quantity as QL_m's error here.
    let report = s.report();
    let bias = est(&report, ChannelKpi::AnnounceBiasS);
    assert!((bias.mean - qlm.mean).abs() < 1e-6 * qlm.mean.abs().max(1.0), "{} vs {}", bias.mean, qlm.mean);
}

// ---- triage: preemption and time to resolution --------------------------------------

/// Preemptive-resume priority: the top class's waits are those of an M/M/c queue of that
/// class alone (lower classes are invisible to it), within the run's CI; the neighbour is
/// its non-preemptive (Cobham) wait, which the run must tell apart.
#[test]
fn preemptive_top_class_waits_match_mmc_alone() {
    let mut checks = Vec::new();
    // (agents, mean handle time s, load of each class): the top class carries most of the
    // load, so that its M/M/c-alone waits are large enough to measure.
    for (c, aht, loads) in [(10u32, 300.0, [0.6, 0.3]), (4, 240.0, [0.55, 0.35])] {
        let rates: Vec<f64> = loads.iter().map(|l| l * f64::from(c) / aht).collect();
        let per_hour: Vec<f64> = rates.iter().map(|x| x * 3600.0).collect();
        let load: f64 = loads.iter().sum();
        let cobham = ccsim::erlang::priority_waits(&rates, aht, c).unwrap().unwrap();
        let alone = ErlangC::new(rates[0], aht, c).unwrap().asa();
        let report = priority_classes(&per_hour, aht, c, 7, true).report();
        let phone = report.channel("phone").unwrap();
        assert!(phone.get(ChannelKpi::Preempted).unwrap().mean > 0.0, "nothing was preempted");
        checks.push(Check {
            label: format!("preemptive c {c} load {load:.2}: class 1 ASA"),
            sim: phone.types[0].get(ChannelKpi::AsaS).unwrap(),
            expected: alone,
            neighbour: Some(cobham[0]),
        });
    }
    assert!(!checks.is_empty());
    assert_checks(&checks);
}

/// Preemptive resume with identical exponential service keeps the number in system of
/// FCFS M/M/c (the order of service does not change it), so by Little's law the classes'
/// times in system obey the conservation law λ₁T₁ + λ₂T₂ = λ·T(M/M/c), with T₁ that of
/// the top class alone (it never sees the other). Times in system are the time to
/// resolution of single-contact issues (arrival to the end of the service that resolves
/// them). Neighbours: the non-preemptive priority times (Cobham), which a victim chosen by
/// the drawn work left comes close to; for all contacts, M/M/c with one agent more.
#[test]
fn preemption_keeps_the_conservation_law() {
    use ccsim::report::IssueOf;
    use ccsim::stats::kpi::IssueKpi;
    let (c, aht, loads) = (7u32, 200.0, [0.45, 0.40]);
    let rates: Vec<f64> = loads.iter().map(|l| l * f64::from(c) / aht).collect();
    let per_hour: Vec<f64> = rates.iter().map(|x| x * 3600.0).collect();
    let total: f64 = rates.iter().sum();
    let in_system = |rate: f64, agents: u32| ErlangC::new(rate, aht, agents).unwrap().asa() + aht;
    let t_all = in_system(total, c);
    let t1 = in_system(rates[0], c);
    let t2 = (total * t_all - rates[0] * t1) / rates[1];
    let cobham = ccsim::erlang::priority_waits(&rates, aht, c).unwrap().unwrap();
    let report = priority_classes(&per_hour, aht, c, 11, true).report();
    let ttr = |of: IssueOf| report.issues_of(&of).unwrap().get(IssueKpi::TtrS).unwrap();
    let phone = report.channel("phone").unwrap();
    assert!(phone.get(ChannelKpi::Preempted).unwrap().mean > 1000.0, "preemption must happen often");
    let of_type = |t: &str| IssueOf::Type("phone".into(), t.into());
    assert_checks(&[
        Check {
            label: "preemptive M/M/7: class 1 time in system".into(),
            sim: ttr(of_type("class1")),
            expected: t1,
            neighbour: Some(cobham[0] + aht),
        },
        Check {
            label: "preemptive M/M/7: class 2 time in system".into(),
            sim: ttr(of_type("class2")),
            expected: t2,
            neighbour: Some(cobham[1] + aht),
        },
        Check {
            label: "preemptive M/M/7: time in system of all".into(),
            sim: ttr(IssueOf::All),
            expected: t_all,
            neighbour: Some(in_system(total, c + 1)),
        },
    ]);
}

/// A one-channel scenario with ample agents (nobody waits), deterministic handle time h,
/// first-contact resolution p and a deterministic return delay d, arrivals only in the
/// first 36 h of 48 so that every issue ends inside the horizon.
fn geometric_issues(p: f64, cap: Option<u32>, h: f64, d: f64) -> ScenarioBuilder {
    let arrivals: Vec<u32> = (0..48).map(|i| if i < 36 { 100 } else { 0 }).collect();
    let mut phone = channel("phone", "voice")
        .per_interval(&arrivals)
        .deterministic_handle(&h.to_string())
        .fcr(p)
        .returns_after(&deterministic(&d.to_string()));
    if let Some(k) = cap {
        phone = phone.max_contacts(k);
    }
    scenario("geometric")
        .seed(5)
        .replications(20)
        .horizon("48h")
        .interval("1h")
        .channel(phone)
        .group(group("agents", &["phone"]).staff(80))
}

/// Time to resolution across repeat contacts: with ample agents, contacts per issue are
/// geometric with mean 1/p and TTR = h/p + d(1/p − 1); with a cap K, contacts per issue
/// are the capped geometric mean (1 − (1 − p)^K)/p and (1 − p)^K of the issues give up.
/// Neighbours: the same formulas at p ± 0.05.
#[test]
fn time_to_resolution_follows_the_geometric_law() {
    use ccsim::report::IssueOf;
    use ccsim::stats::kpi::IssueKpi;
    let (p, h, d) = (0.5, 300.0, 1800.0);
    let ttr = |p: f64| h / p + d * (1.0 / p - 1.0);
    let r = geometric_issues(p, None, h, d).report();
    let all = r.issues_of(&IssueOf::All).unwrap();
    assert_eq!(all.get(IssueKpi::Unresolved).unwrap().mean, 0.0, "every issue ends inside the horizon");
    assert_eq!(r.channel("phone").unwrap().get(ChannelKpi::AsaS).unwrap().mean, 0.0, "nobody waits");
    let mut checks = vec![
        Check {
            label: "geometric p 0.5: contacts per issue".into(),
            sim: all.get(IssueKpi::ContactsPerIssue).unwrap(),
            expected: 1.0 / p,
            neighbour: Some(1.0 / (p + 0.05)),
        },
        Check {
            label: "geometric p 0.5: mean TTR".into(),
            sim: all.get(IssueKpi::TtrS).unwrap(),
            expected: ttr(p),
            neighbour: Some(ttr(p + 0.05)),
        },
        Check {
            label: "geometric p 0.5: FCR".into(),
            sim: all.get(IssueKpi::Fcr).unwrap(),
            expected: p,
            neighbour: Some(p + 0.05),
        },
    ];
    let k = 3;
    let capped = |p: f64| (1.0 - (1.0 - p).powi(k)) / p;
    let r = geometric_issues(p, Some(k as u32), h, d).report();
    let all = r.issues_of(&IssueOf::All).unwrap();
    let issues = all.get(IssueKpi::Issues).unwrap().mean;
    let gave_up = all.get(IssueKpi::GaveUpAtCap).unwrap();
    checks.push(Check {
        label: "capped geometric K 3: contacts per issue".into(),
        sim: all.get(IssueKpi::ContactsPerIssue).unwrap(),
        expected: capped(p),
        neighbour: Some(capped(p + 0.05)),
    });
    // The share that gave up, per replication (issues vary little: a ratio of means).
    let share =
        Estimate { mean: gave_up.mean / issues, ci95: gave_up.ci95 / issues, sd: gave_up.sd / issues, ..gave_up };
    checks.push(Check {
        label: "capped geometric K 3: share giving up".into(),
        sim: share,
        expected: (1.0 - p).powi(k),
        neighbour: Some((1.0 - p - 0.05).powi(k)),
    });
    assert_checks(&checks);
}

/// With every contact resolving its issue and no redials, each issue's time to resolution
/// is its contact's wait plus handle time: per replication, the TTR sum (issues tracked one
/// by one) equals the answered waits plus the handle times, and resolved issues equal
/// completed contacts. The fast path that derives issue counts from contact counts (what
/// such a model does by default) gives the same counts and percentiles.
#[test]
fn single_contact_issues_resolve_in_wait_plus_handle() {
    use ccsim::engine::Model;
    use ccsim::stats::IssueScope;
    use ccsim::stats::tally::replicate as simulate;
    let single = scenario("single")
        .seed(3)
        .replications(4)
        .horizon("8h")
        .interval("30m")
        .warmup("30m")
        .channel(
            channel("phone", "voice")
                .per_hour(300.0)
                .remove("handle_time")
                .exponential_patience("2m")
                .fcr(1.0)
                .contact_type("urgent", 0.3, 1, &["handle_time = { dist = \"lognormal\", mean = \"5m\", cv = 0.7 }"])
                .contact_type("routine", 0.7, 2, &["handle_time = { dist = \"exponential\", mean = \"3m\" }"]),
        )
        .group(group("agents", &["phone"]).staff(18));
    let fast = Model::compile(single.load());
    assert!(!fast.tracks_issues());
    let m = Model::compile(single.load()).tracking_every_issue();
    for rep in 0..4 {
        let s = simulate(&m, rep).unwrap();
        let d = simulate(&fast, rep).unwrap();
        for (x, y) in s.issues.iter().zip(&d.issues) {
            let same = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(1.0);
            assert!(same(x.ttr_s, y.ttr_s), "replication {rep}: {x:?} vs {y:?}");
            assert_eq!(
                (x.issues, x.resolved, x.abandoned, x.open, x.contacts),
                (y.issues, y.resolved, y.abandoned, y.open, y.contacts)
            );
            assert_eq!(x.ttr_quantiles, y.ttr_quantiles);
        }
        let first = m.scenario.first_counted_interval();
        let (mut wait, mut handle, mut completed) = (0.0, 0.0, 0);
        for i in first..s.n_intervals {
            let x = &s.channel[s.channel_at(0, i)];
            wait += x.wait_answered_s;
            handle += x.handle_s;
            completed += x.completed;
        }
        let all = &s.issues[s.issue_at(IssueScope::All)];
        assert_eq!(all.resolved, completed, "replication {rep}");
        assert!(all.abandoned > 0, "some callers abandoned: the test covers unresolved issues");
        assert!(
            (all.ttr_s - (wait + handle)).abs() <= 1e-9 * (wait + handle),
            "replication {rep}: TTR sum {} ≠ waits + handle times {}",
            all.ttr_s,
            wait + handle
        );
    }
}

/// A virtual assistant in front of the queue: with ample agents, bot time b and handle time
/// h deterministic and containment share c, a contained issue takes b and an escalated one
/// b + h (it waits for nobody), so mean TTR is b + (1 − c)h and the containment rate c.
/// Neighbours: c + 0.05.
#[test]
fn assistant_containment_sets_time_to_resolution() {
    use ccsim::report::IssueOf;
    use ccsim::stats::kpi::IssueKpi;
    let (c, b, h) = (0.3, 60.0, 300.0);
    let r = scenario("assistant")
        .seed(8)
        .replications(20)
        .horizon("24h")
        .interval("1h")
        .channel(
            channel("phone", "voice")
                .per_hour(200.0)
                .deterministic_handle(&h.to_string())
                .assistant(c, &deterministic(&b.to_string())),
        )
        .group(group("agents", &["phone"]).staff(60))
        .report();
    let all = r.issues_of(&IssueOf::All).unwrap();
    let phone = r.channel("phone").unwrap();
    assert_eq!(phone.get(ChannelKpi::AsaS).unwrap().mean, 0.0, "nobody waits");
    let checks = vec![
        Check {
            label: "assistant c 0.3: mean TTR".into(),
            sim: all.get(IssueKpi::TtrS).unwrap(),
            expected: b + (1.0 - c) * h,
            neighbour: Some(b + (1.0 - c - 0.05) * h),
        },
        Check {
            label: "assistant c 0.3: containment rate".into(),
            sim: phone.get(ChannelKpi::ContainmentRate).unwrap(),
            expected: c,
            neighbour: Some(c + 0.05),
        },
    ];
    assert_checks(&checks);
}

/// Priority that ages with waiting time, at its two limits: with a tiny ageing rate the
/// classes' waits are those of strict non-preemptive priority (Cobham); with a huge one,
/// waiting time dominates and both classes wait as in one FIFO queue (Erlang C). Each
/// limit's neighbour is the other limit.
#[test]
fn aging_priority_spans_strict_priority_and_fifo() {
    let (c, aht) = (10u32, 300.0);
    let rates: Vec<f64> = [0.45, 0.45].iter().map(|l| l * f64::from(c) / aht).collect();
    let total: f64 = rates.iter().sum();
    let cobham = ccsim::erlang::priority_waits(&rates, aht, c).unwrap().unwrap();
    let fifo = ErlangC::new(total, aht, c).unwrap().asa();
    let mut checks = Vec::new();
    for (per_minute, name) in [(1e-6, "strict"), (1e6, "fifo")] {
        let phone = channel("phone", "voice")
            .per_hour(total * 3600.0)
            .exponential_handle(&aht.to_string())
            .contact_type("class1", 0.5, 1, &[])
            .contact_type("class2", 0.5, 2, &[]);
        let r = scenario("aging")
            .seed(11)
            .replications(24)
            .horizon("400h")
            .interval("40h")
            .warmup("40h")
            .aging(per_minute)
            .channel(phone)
            .group(group("agents", &["phone"]).staff(c))
            .report();
        let phone = r.channel("phone").unwrap();
        for (k, &strict) in cobham.iter().enumerate() {
            let (expected, neighbour) = if name == "strict" { (strict, fifo) } else { (fifo, strict) };
            checks.push(Check {
                label: format!("aging {name}: class {} ASA", k + 1),
                sim: phone.types[k].get(ChannelKpi::AsaS).unwrap(),
                expected,
                neighbour: Some(neighbour),
            });
        }
    }
    assert_checks(&checks);
}

/// Routing by segment: a segment dedicated to its own group, and the rest served by
/// another, are two independent M/M/c queues sharing one channel — each segment's ASA is
/// Erlang C of its own arrivals and group (neighbour: one agent more).
#[test]
fn dedicated_segment_is_its_own_mmc_queue() {
    let (aht, per_hour) = (240.0, 450.0);
    let (gold_share, desk, team) = (0.3, 10u32, 24u32);
    let r = scenario("dedicated")
        .seed(21)
        .replications(20)
        .horizon("200h")
        .interval("20h")
        .warmup("20h")
        .channel(channel("phone", "voice").per_hour(per_hour).exponential_handle(&aht.to_string()))
        .segment("gold", gold_share, &["group = \"gold desk\"", "dedicated = true"])
        .segment("standard", 1.0 - gold_share, &[])
        .group(group("gold desk", &["phone"]).staff(desk))
        .group(group("team", &["phone"]).staff(team))
        .report();
    let asa = |g: &str| {
        let seg = r.segments.iter().find(|x| x.name == g).unwrap();
        seg.channels[0].1.iter().find(|x| x.0 == ChannelKpi::AsaS).unwrap().1
    };
    let rate = per_hour / 3600.0;
    let erlang = |share: f64, c: u32| ErlangC::new(share * rate, aht, c).unwrap().asa();
    let desk_handled = r.group("gold desk").unwrap().get(ccsim::stats::kpi::GroupKpi::Handled).unwrap().mean;
    let gold_offered = r.segments[0].channels[0].1.iter().find(|x| x.0 == ChannelKpi::Offered).unwrap().1.mean;
    assert!((desk_handled - gold_offered).abs() <= 1e-9 * gold_offered, "the desk serves gold customers only");
    assert_checks(&[
        Check {
            label: "dedicated gold (10 agents): ASA".into(),
            sim: asa("gold"),
            expected: erlang(gold_share, desk),
            neighbour: Some(erlang(gold_share, desk + 1)),
        },
        Check {
            label: "standard (24 agents): ASA".into(),
            sim: asa("standard"),
            expected: erlang(1.0 - gold_share, team),
            neighbour: Some(erlang(1.0 - gold_share, team + 1)),
        },
    ]);
}

/// A chat line logged as an ACD exports it, by a generator of this test's own (not
/// ccsim's `--log`): FCFS M/M/c+M — exponential patience of mean 240 s, 10 agents,
/// 5-minute handle times, 2.2 chats a minute — with waits and handle times rounded to
/// whole seconds, so customers who leave within half a second are logged as abandoned
/// at 0 s. The fit must read the log as intervals: it chooses the exponential family and
/// its mean lies within 2.5 standard errors of 240 s (a mean of 300 s does not); the
/// lognormal that drops the zero rows (what the fit did before) would be chosen instead.
#[test]
fn fit_reads_whole_second_exports() {
    use ccsim::data::fit::{FitOptions, fit};
    use ccsim::data::history::{LogFormat, read};
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    // SplitMix64: the generator's own random numbers.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut uniform = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut exp = |mean: f64| -mean * (1.0 - uniform()).ln();
    let (agents, rate, handle, patience) = (10usize, 2.2 / 60.0, 300.0, 240.0);
    // Free times of the agents (ms, as integers for the heap).
    let mut free: BinaryHeap<Reverse<u64>> = (0..agents).map(|_| Reverse(0)).collect();
    let mut csv = String::from("channel,arrival,wait_s,outcome,handle_s\n");
    let (mut t, mut zeros, mut abandoned): (f64, usize, usize) = (8.0 * 3600.0, 0, 0);
    let days = 14;
    for day in 0..days {
        t = t.max(day as f64 * 86400.0 + 8.0 * 3600.0);
        let close = day as f64 * 86400.0 + 20.0 * 3600.0;
        while t < close {
            t += exp(1.0 / rate);
            let p = exp(patience);
            let s = exp(handle);
            let earliest = free.peek().map_or(0, |r| r.0) as f64 / 1000.0;
            let wait = (earliest - t).max(0.0);
            let clock = |x: f64| {
                let d = (x / 86400.0).floor();
                let s = x - d * 86400.0;
                format!(
                    "2025-09-{:02} {:02}:{:02}:{:02}",
                    1 + d as u32,
                    (s / 3600.0) as u32,
                    ((s % 3600.0) / 60.0) as u32,
                    (s % 60.0) as u32
                )
            };
            if wait <= p {
                free.pop();
                free.push(Reverse(((t + wait + s) * 1000.0) as u64));
                csv += &format!("chat,{},{},answered,{}\n", clock(t), wait.round(), s.round().max(1.0));
            } else {
                abandoned += 1;
                zeros += usize::from(p.round() == 0.0);
                csv += &format!("chat,{},{},abandoned,\n", clock(t), p.round());
            }
        }
    }
    assert!(abandoned > 1000 && zeros > 0, "the log has abandonments ({abandoned}), some at 0 s ({zeros})");
    let h = read(&csv, "export.csv", &LogFormat::default(), false).unwrap();
    let opts = FitOptions {
        name: "export".into(),
        interval: 1800.0,
        kinds: vec![("chat".into(), ccsim::scenario::ChannelKind::Chat)],
        target: ccsim::scenario::ServiceTarget { share: 0.8, within: 40.0 },
        agents: None,
        source: "export.csv".into(),
        days: Some(days),
        holdout: None,
    };
    let f = fit(&h, &opts).unwrap();
    let p = f.channels[0].patience.as_ref().unwrap();
    println!(
        "whole-second export: {abandoned} abandoned ({zeros} at 0 s); exponential mean {:.1} ± {:.1} (ll {:.1}); lognormal {:?}; chosen lognormal: {}",
        p.exp_mean, p.exp_se, p.exp_ll, p.lognormal, p.chosen_lognormal
    );
    assert_eq!(p.resolution_s, 1.0, "whole seconds are recognised");
    assert!(!p.chosen_lognormal, "the true family is exponential");
    assert!(
        (p.mean() - patience).abs() < 2.5 * p.exp_se,
        "mean patience {:.1} vs {patience} ± {:.1}",
        p.mean(),
        2.5 * p.exp_se
    );
    assert!((p.mean() - 300.0).abs() > 2.5 * p.exp_se, "a mean of 300 s must be told apart");
    // What the fit wrote loads as a scenario.
    f.scenario("export.toml").unwrap();
}
