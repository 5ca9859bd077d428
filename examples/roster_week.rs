//! The roster program on a realistic week, timed (a measurement, not a test):
//!
//! ```text
//! cargo run --release --example roster_week [-- --lp week.lp]
//! ```
//!
//! With `--lp FILE` the same integer program is also written in CPLEX LP format, for
//! another solver to compare with (HiGHS: `python3 -c "import highspy; h = highspy.Highs();
//! h.readModel('week.lp'); h.run()"`).
//!
//! Requirements: the retail day's simulation-refined staffing plan (`plan::staffing`, 80 %
//! in 20 s with 90 % confidence) on Monday to Friday, 60 % of it on Saturday, Sunday
//! closed — a week of 7 × 48 half-hours. Shifts: full time 8 h with a 30 min unpaid break
//! 3–5 h after the start, starting 07:00–13:00 every 30 min; part time 4 h without a
//! break, starting 07:00–17:00, at a higher hourly cost; Monday to Saturday.

use ccsim::plan::roster::{BreakRule, ShiftRule, cheapest, patterns};
use ccsim::plan::staffing::{Goal, group_named, optimise};
use ccsim::scenario::Scenario;
use std::path::Path;
use std::time::Instant;

fn main() -> Result<(), ccsim::Error> {
    let day = Scenario::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/retail-day.toml"))?;
    let group = group_named(&day, None)?;
    let goal = Goal { confidence: 0.9, ..Goal::one(group) };
    let plan = optimise(&day, &goal, |_| {})?;
    let mut required = Vec::new();
    for d in 0..7 {
        let factor = match d {
            0..=4 => 1.0,
            5 => 0.6,
            _ => 0.0,
        };
        required.extend(plan.groups[0].headcount.iter().map(|&n| (f64::from(n) * factor).round() as u32));
    }
    let hour = 3600.0;
    let h = |x: f64| x * hour;
    let rules = [
        ShiftRule {
            name: "full time".into(),
            days: (0..6).collect(),
            start_from_s: h(7.0),
            start_to_s: h(13.0),
            start_step_s: 1800.0,
            lengths_s: vec![h(8.0)],
            breaks: vec![BreakRule { length_s: 1800.0, earliest_s: h(3.0), latest_s: h(5.0), paid: false }],
            cost_per_hour: 24.0,
            min_per_pattern: 0,
            max_per_pattern: None,
            max_share: None,
        },
        ShiftRule {
            name: "part time".into(),
            days: (0..6).collect(),
            start_from_s: h(7.0),
            start_to_s: h(17.0),
            start_step_s: 1800.0,
            lengths_s: vec![h(4.0)],
            breaks: Vec::new(),
            cost_per_hour: 26.0,
            min_per_pattern: 0,
            max_per_pattern: None,
            max_share: None,
        },
    ];
    let p = patterns(&rules, 1800.0, required.len())?;
    let t0 = Instant::now();
    let roster = cheapest(&required, &p)?;
    let secs = t0.elapsed().as_secs_f64();
    let need_h: f64 = required.iter().map(|&n| f64::from(n) * 0.5).sum();
    let have_h: f64 = roster.coverage.iter().map(|&n| f64::from(n) * 0.5).sum();
    let shifts: u32 = roster.counts.iter().sum();
    println!(
        "{} intervals, {} patterns: {shifts} shifts, cost {:.0}, proved optimal: {}, gap {:.2} %, solved in {secs:.3} s",
        required.len(),
        p.len(),
        roster.cost,
        roster.optimal,
        100.0 * roster.gap
    );
    println!(
        "required {need_h} agent hours, scheduled {have_h} worked hours: efficiency {:.1} %",
        100.0 * need_h / have_h
    );
    let args: Vec<String> = std::env::args().collect();
    if let Some(path) = args.iter().position(|a| a == "--lp").and_then(|i| args.get(i + 1)) {
        std::fs::write(path, lp_format(&required, &p)).map_err(|e| ccsim::Error::Input(format!("{path}: {e}")))?;
        println!("the program in LP format: {path}");
    }
    Ok(())
}

/// The set-covering program in CPLEX LP format: minimise cost, cover every interval's
/// requirement, integer counts from 0 to the peak requirement (what the library's program
/// also bounds them by).
fn lp_format(required: &[u32], patterns: &[ccsim::plan::roster::Pattern]) -> String {
    use std::fmt::Write;
    let peak = required.iter().copied().max().unwrap_or(0);
    let mut out = String::from("Minimize\n obj:");
    for (j, p) in patterns.iter().enumerate() {
        let _ = write!(out, " + {} x{j}", p.cost);
    }
    out.push_str("\nSubject To\n");
    for (t, &need) in required.iter().enumerate().filter(|(_, n)| **n > 0) {
        let _ = write!(out, " c{t}:");
        for (j, p) in patterns.iter().enumerate().filter(|(_, p)| p.works.contains(&t)) {
            let _ = write!(out, " + x{j}");
            let _ = p;
        }
        let _ = writeln!(out, " >= {need}");
    }
    out.push_str("Bounds\n");
    for (j, p) in patterns.iter().enumerate() {
        let _ = writeln!(out, " 0 <= x{j} <= {}", p.max.min(peak));
    }
    out.push_str("General\n");
    for j in 0..patterns.len() {
        let _ = write!(out, " x{j}");
    }
    out.push_str("\nEnd\n");
    out
}
