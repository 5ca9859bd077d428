//! Rostering: the cheapest set of shifts that covers a requirement of agents per interval
//! — a set-covering integer program with explicit break placement, solved exactly by
//! microlp (pure Rust, so it also builds for the browser).
//!
//! A [`ShiftRule`] says which shifts may be worked: the days, a window of start times with
//! a step, the lengths, and breaks each taken within a window after the start. Its
//! [`patterns`] are every (day, start, length, break placement) it allows, each covering the
//! intervals it works (breaks excluded) at a cost (paid hours × cost per hour). The program
//! is
//!
//! ```text
//! minimise   Σⱼ costⱼ · xⱼ
//! subject to Σ_{j works t} xⱼ ≥ requiredₜ   for every interval t
//!            0 ≤ xⱼ ≤ maxⱼ, xⱼ integer
//! ```
//!
//! Times are in seconds from the horizon's start; intervals are the scenario's.
//! This is step 2 of scheduling (issue 27): requirements in, the cheapest roster out. The
//! simulation loop that refines requirements (step 3) and the `schedule` command are not
//! built yet.

use crate::error::Error;
use crate::scenario::DAY;

/// A break within a shift: its length and the window after the shift's start in which it
/// must begin (s).
#[derive(Debug, Clone, PartialEq)]
pub struct BreakRule {
    /// Length (s), a whole number of intervals.
    pub length_s: f64,
    /// Earliest start after the shift's start (s).
    pub earliest_s: f64,
    /// Latest start after the shift's start (s).
    pub latest_s: f64,
    /// Paid (counts in the shift's cost) or unpaid.
    pub paid: bool,
}

/// Shifts that may be worked.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftRule {
    /// A name for reports (`early`, `part-time`).
    pub name: String,
    /// Days of the horizon (from 0) on which the shifts may start.
    pub days: Vec<usize>,
    /// First and last start, as the clock within a day (s), and the step between starts.
    pub start_from_s: f64,
    /// Last start (s after midnight).
    pub start_to_s: f64,
    /// Step between starts (s), a whole number of intervals.
    pub start_step_s: f64,
    /// Shift lengths allowed (s), breaks included.
    pub lengths_s: Vec<f64>,
    /// Breaks, each taken once per shift.
    pub breaks: Vec<BreakRule>,
    /// Cost of one paid hour.
    pub cost_per_hour: f64,
    /// Most agents on any one pattern (`None`: no limit).
    pub max_per_pattern: Option<u32>,
}

/// One shift as worked: day, start, length, break starts, the intervals it works and its
/// cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    /// Index of its rule.
    pub rule: usize,
    /// Start (s from the horizon's start).
    pub start_s: f64,
    /// Length (s), breaks included.
    pub length_s: f64,
    /// Start of each break (s from the horizon's start), in the rule's order.
    pub breaks_s: Vec<f64>,
    /// Intervals worked (breaks excluded), ascending.
    pub works: Vec<usize>,
    /// Cost of one agent on it.
    pub cost: f64,
    /// Most agents on it.
    pub max: u32,
}

/// Every pattern of `rules` on a horizon of `n` intervals of `interval_s` seconds.
/// Shifts that would run past the horizon are left out.
///
/// # Errors
///
/// [`Error::Input`] for a rule whose times are not whole intervals, empty or reversed.
pub fn patterns(rules: &[ShiftRule], interval_s: f64, n: usize) -> Result<Vec<Pattern>, Error> {
    let steps = |what: &str, rule: &str, s: f64| -> Result<usize, Error> {
        let k = s / interval_s;
        if !(s.is_finite() && s >= 0.0 && (k - k.round()).abs() < 1e-9) {
            return Err(Error::Input(format!(
                "shift rule `{rule}`: {what} must be a whole number of intervals ({interval_s} s), got {s} s"
            )));
        }
        Ok(k.round() as usize)
    };
    let mut out = Vec::new();
    for (r, rule) in rules.iter().enumerate() {
        let name = rule.name.as_str();
        if rule.lengths_s.is_empty() || rule.days.is_empty() || rule.start_to_s < rule.start_from_s {
            return Err(Error::Input(format!("shift rule `{name}`: needs days, lengths and a start window from ≤ to")));
        }
        let step = steps("the start step", name, rule.start_step_s)?.max(1);
        let (from, to) =
            (steps("the first start", name, rule.start_from_s)?, steps("the last start", name, rule.start_to_s)?);
        for &len_s in &rule.lengths_s {
            let len = steps("a length", name, len_s)?;
            // Break placements: each break's possible starts, in intervals after the start.
            let mut options: Vec<Vec<usize>> = Vec::new();
            for b in &rule.breaks {
                let (e, l, bl) = (
                    steps("a break's earliest start", name, b.earliest_s)?,
                    steps("a break's latest start", name, b.latest_s)?,
                    steps("a break's length", name, b.length_s)?,
                );
                let fits: Vec<usize> = (e..=l).filter(|&k| k + bl <= len).collect();
                if fits.is_empty() {
                    return Err(Error::Input(format!(
                        "shift rule `{name}`: a break of {} s cannot start {}–{} s into a shift of {len_s} s",
                        b.length_s, b.earliest_s, b.latest_s
                    )));
                }
                options.push(fits);
            }
            for &day in &rule.days {
                for s in (from..=to).step_by(step) {
                    let start = day * (DAY / interval_s).round() as usize + s;
                    if start + len > n {
                        continue;
                    }
                    for placement in product(&options) {
                        let mut off = vec![false; len];
                        let mut unpaid = 0usize;
                        let mut overlap = false;
                        for (b, &k) in rule.breaks.iter().zip(&placement) {
                            let bl = (b.length_s / interval_s).round() as usize;
                            for slot in &mut off[k..k + bl] {
                                overlap |= *slot;
                                *slot = true;
                            }
                            if !b.paid {
                                unpaid += bl;
                            }
                        }
                        if overlap {
                            continue;
                        }
                        let works: Vec<usize> = (0..len).filter(|&k| !off[k]).map(|k| start + k).collect();
                        let paid_h = (len - unpaid) as f64 * interval_s / 3600.0;
                        out.push(Pattern {
                            rule: r,
                            start_s: start as f64 * interval_s,
                            length_s: len_s,
                            breaks_s: placement.iter().map(|&k| (start + k) as f64 * interval_s).collect(),
                            works,
                            cost: paid_h * rule.cost_per_hour,
                            max: rule.max_per_pattern.unwrap_or(u32::MAX),
                        });
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Every combination of one choice per list (one empty combination for no lists).
fn product(options: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new()];
    for choices in options {
        out = out.iter().flat_map(|p| choices.iter().map(move |&c| [p.clone(), vec![c]].concat())).collect();
    }
    out
}

/// A roster: agents per pattern and what they give.
#[derive(Debug, Clone, PartialEq)]
pub struct Roster {
    /// Agents on each pattern (same order as the patterns given).
    pub counts: Vec<u32>,
    /// Total cost.
    pub cost: f64,
    /// Agents working in each interval.
    pub coverage: Vec<u32>,
    /// The solver proved the roster optimal.
    pub optimal: bool,
    /// Relative gap between its cost and the best lower bound found (0 when optimal).
    pub gap: f64,
}

/// The cheapest counts of `patterns` such that every interval `t` has at least
/// `required[t]` agents working.
///
/// # Errors
///
/// [`Error::Input`] naming the first interval no pattern can cover enough (no pattern
/// works it, or their limits are too low); [`Error::Run`] when the solver fails.
/// Each independent piece gets at most [`NODE_LIMIT`] branch-and-bound nodes; past them the
/// best roster found is returned with `optimal` false and its `gap`.
pub fn cheapest(required: &[u32], patterns: &[Pattern]) -> Result<Roster, Error> {
    let n = required.len();
    let mut covering: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (j, p) in patterns.iter().enumerate() {
        for &t in &p.works {
            if t < n {
                covering[t].push(j);
            }
        }
    }
    for (t, &need) in required.iter().enumerate() {
        let most: u64 = covering[t].iter().map(|&j| u64::from(patterns[j].max)).sum();
        if u64::from(need) > most {
            return Err(Error::Input(format!(
                "interval {t} needs {need} agent(s) but the shifts allowed can put at most {most} there"
            )));
        }
    }
    // The program falls apart into independent pieces where no pattern links two stretches
    // of intervals (a day's shifts never reach the next day): each is solved on its own,
    // which is exact (the cost is a sum over patterns) and far smaller.
    let mut counts = vec![0u32; patterns.len()];
    let (mut optimal, mut bound) = (true, 0.0);
    for piece in pieces(n, patterns) {
        let solved = solve_piece(required, patterns, &covering, &piece)?;
        optimal &= solved.optimal;
        bound += solved.bound;
        for (&j, &c) in piece.patterns.iter().zip(&solved.counts) {
            counts[j] = c;
        }
    }
    let mut coverage = vec![0u32; n];
    for (p, &c) in patterns.iter().zip(&counts) {
        for &t in &p.works {
            if t < n {
                coverage[t] += c;
            }
        }
    }
    if let Some(t) = (0..n).find(|&t| coverage[t] < required[t]) {
        return Err(Error::Run(format!("the solver's roster leaves interval {t} short (a solver defect)")));
    }
    let cost: f64 = patterns.iter().zip(&counts).map(|(p, &c)| p.cost * f64::from(c)).sum();
    let gap = if optimal || cost <= 0.0 { 0.0 } else { ((cost - bound) / cost).max(0.0) };
    Ok(Roster { counts, cost, coverage, optimal, gap })
}

/// Branch-and-bound nodes per piece before the best roster found is taken (a count, not a
/// time, so the result is the same on every machine); its gap to the bound is reported.
pub const NODE_LIMIT: u64 = 20_000;

/// A piece solved: its patterns' counts, whether proved optimal, and a lower bound on its
/// cost.
struct Solved {
    counts: Vec<u32>,
    optimal: bool,
    bound: f64,
}

/// Solves one piece: the linear relaxation (a lower bound, and rounded up and trimmed a
/// first roster), then branch and bound from that roster within [`NODE_LIMIT`] nodes.
fn solve_piece(
    required: &[u32],
    patterns: &[Pattern],
    covering: &[Vec<usize>],
    piece: &Piece,
) -> Result<Solved, Error> {
    use microlp::{ComparisonOp, OptimizationDirection, Problem, SolveOptions};
    let peak = piece.intervals.iter().map(|&t| required[t]).max().unwrap_or(0);
    let cap = |j: usize| patterns[j].max.min(peak).min(i32::MAX as u32);
    let local = |j: usize| piece.patterns.binary_search(&j).expect("a pattern of the piece");
    let build = |integer: bool| {
        let mut problem = Problem::new(OptimizationDirection::Minimize);
        let vars: Vec<microlp::Variable> = piece
            .patterns
            .iter()
            .map(|&j| {
                if integer {
                    problem.add_integer_var(patterns[j].cost, (0, cap(j) as i32))
                } else {
                    problem.add_var(patterns[j].cost, (0.0, f64::from(cap(j))))
                }
            })
            .collect();
        for &t in &piece.intervals {
            if required[t] > 0 {
                let expr: Vec<(microlp::Variable, f64)> = covering[t].iter().map(|&j| (vars[local(j)], 1.0)).collect();
                problem.add_constraint(expr.as_slice(), ComparisonOp::Ge, f64::from(required[t]));
            }
        }
        (problem, vars)
    };
    let fail = |e: microlp::Error| Error::Run(format!("the roster's integer program: {e}"));
    // The relaxation: its optimum bounds the piece's cost from below.
    let (lp, lp_vars) = build(false);
    let relaxed = lp.solve().map_err(fail)?.into_solution().map_err(|_| Error::Run("the relaxation stopped".into()))?;
    let bound = relaxed.objective();
    // A first roster: the relaxation rounded up, then the dearest patterns trimmed while
    // every interval stays covered.
    let mut first: Vec<u32> = lp_vars.iter().map(|&v| (relaxed.var_value(v) - 1e-9).ceil().max(0.0) as u32).collect();
    let mut have: Vec<i64> = vec![0; required.len()];
    for (k, &j) in piece.patterns.iter().enumerate() {
        for &t in &patterns[j].works {
            if t < have.len() {
                have[t] += i64::from(first[k]);
            }
        }
    }
    let mut order: Vec<usize> = (0..piece.patterns.len()).collect();
    order.sort_by(|&a, &b| patterns[piece.patterns[b]].cost.total_cmp(&patterns[piece.patterns[a]].cost));
    for k in order {
        let works = &patterns[piece.patterns[k]].works;
        while first[k] > 0 && works.iter().all(|&t| t >= have.len() || have[t] > i64::from(required[t])) {
            first[k] -= 1;
            for &t in works {
                if t < have.len() {
                    have[t] -= 1;
                }
            }
        }
    }
    let (mip, vars) = build(true);
    let mut options = SolveOptions::default();
    options.node_limit = Some(NODE_LIMIT);
    options.warm_start = Some(vars.iter().zip(&first).map(|(&v, &c)| (v, f64::from(c))).collect());
    let outcome = mip.solve_with(options).map_err(fail)?;
    let optimal = outcome.is_optimal();
    let counts = match outcome.solution() {
        Some(s) => vars.iter().map(|&v| s.var_value(v).round().max(0.0) as u32).collect(),
        None => first,
    };
    let bound = match outcome.solution().and_then(microlp::Solution::gap) {
        // The solver's own bound when it has one (at least the relaxation's).
        Some(g) => bound.max(outcome.solution().map_or(bound, |s| s.objective() * (1.0 - g))),
        None => bound,
    };
    Ok(Solved { counts, optimal, bound })
}

/// Intervals and the patterns working them that share no pattern with the rest.
struct Piece {
    /// Its intervals, ascending.
    intervals: Vec<usize>,
    /// Its patterns, ascending.
    patterns: Vec<usize>,
}

/// The independent pieces of a program over `n` intervals: intervals joined by a pattern
/// working both (union–find), with their patterns; intervals no pattern works are left
/// out (the caller has checked that they need no one).
fn pieces(n: usize, patterns: &[Pattern]) -> Vec<Piece> {
    fn root(parent: &mut [usize], mut a: usize) -> usize {
        while parent[a] != a {
            parent[a] = parent[parent[a]];
            a = parent[a];
        }
        a
    }
    let mut parent: Vec<usize> = (0..n).collect();
    for p in patterns {
        let works: Vec<usize> = p.works.iter().copied().filter(|&t| t < n).collect();
        for w in works.windows(2) {
            let (a, b) = (root(&mut parent, w[0]), root(&mut parent, w[1]));
            parent[a.max(b)] = a.min(b);
        }
    }
    let mut by_root: std::collections::BTreeMap<usize, Piece> = std::collections::BTreeMap::new();
    for (j, p) in patterns.iter().enumerate() {
        if let Some(&t) = p.works.iter().find(|&&t| t < n) {
            let r = root(&mut parent, t);
            by_root.entry(r).or_insert_with(|| Piece { intervals: Vec::new(), patterns: Vec::new() }).patterns.push(j);
        }
    }
    for t in 0..n {
        let r = root(&mut parent, t);
        if let Some(piece) = by_root.get_mut(&r) {
            piece.intervals.push(t);
        }
    }
    by_root.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn pattern(works: std::ops::Range<usize>, cost: f64, max: u32) -> Pattern {
        Pattern { rule: 0, start_s: 0.0, length_s: 0.0, breaks_s: Vec::new(), works: works.collect(), cost, max }
    }

    /// The cheapest cost by trying every count vector (0..=peak per pattern).
    fn enumerate(required: &[u32], patterns: &[Pattern]) -> Option<f64> {
        let peak = *required.iter().max().unwrap();
        let mut counts = vec![0u32; patterns.len()];
        let mut best: Option<f64> = None;
        loop {
            let covered = (0..required.len()).all(|t| {
                patterns.iter().zip(&counts).filter(|(p, _)| p.works.contains(&t)).map(|(_, &c)| c).sum::<u32>()
                    >= required[t]
            });
            if covered {
                let cost: f64 = patterns.iter().zip(&counts).map(|(p, &c)| p.cost * f64::from(c)).sum();
                best = Some(best.map_or(cost, |b: f64| b.min(cost)));
            }
            // Next count vector (odometer), each digit up to min(peak, max).
            let mut i = 0;
            loop {
                if i == counts.len() {
                    return best;
                }
                if counts[i] < peak.min(patterns[i].max) {
                    counts[i] += 1;
                    break;
                }
                counts[i] = 0;
                i += 1;
            }
        }
    }

    /// On random small instances the program's cost equals exhaustive enumeration.
    #[test]
    fn the_program_is_optimal_on_small_instances() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(27);
        for case in 0..60 {
            let n = rng.random_range(4..9usize);
            let required: Vec<u32> = (0..n).map(|_| rng.random_range(0..4)).collect();
            let mut patterns: Vec<Pattern> = (0..rng.random_range(2..5))
                .map(|_| {
                    let a = rng.random_range(0..n);
                    let b = rng.random_range(a + 1..=n);
                    pattern(a..b, f64::from(rng.random_range(1..20u32)), rng.random_range(1..5))
                })
                .collect();
            // Always coverable: one expensive whole-horizon pattern without limit.
            patterns.push(pattern(0..n, 25.0, u32::MAX));
            let best = enumerate(&required, &patterns).expect("coverable");
            let r = cheapest(&required, &patterns).unwrap();
            assert!(r.optimal, "case {case}: proved optimal");
            assert!((r.cost - best).abs() < 1e-9, "case {case}: program {} vs enumeration {best}", r.cost);
            assert!(r.coverage.iter().zip(&required).all(|(c, q)| c >= q), "case {case}: covers");
        }
    }

    /// One allowed shift covering the whole day: the roster is the peak requirement.
    #[test]
    fn one_whole_day_shift_is_the_peak() {
        let required = [0, 3, 7, 12, 9, 4, 0, 2];
        let r = cheapest(&required, &[pattern(0..8, 100.0, u32::MAX)]).unwrap();
        assert_eq!(r.counts, vec![12]);
        assert_eq!(r.cost, 1200.0);
    }

    /// Limits that cannot cover an interval are named; rules with breaks make the patterns a
    /// planner expects.
    #[test]
    fn impossible_intervals_are_named_and_breaks_placed() {
        let e = cheapest(&[1, 5, 1], &[pattern(0..3, 1.0, 2), pattern(0..1, 1.0, 9)]).unwrap_err().to_string();
        assert!(e.contains("interval 1 needs 5") && e.contains("at most 2"), "{e}");
        let rule = ShiftRule {
            name: "day".into(),
            days: vec![0, 1],
            start_from_s: 8.0 * 3600.0,
            start_to_s: 9.0 * 3600.0,
            start_step_s: 1800.0,
            lengths_s: vec![8.0 * 3600.0],
            breaks: vec![BreakRule { length_s: 1800.0, earliest_s: 3.0 * 3600.0, latest_s: 4.0 * 3600.0, paid: false }],
            cost_per_hour: 20.0,
            max_per_pattern: None,
        };
        let p = patterns(std::slice::from_ref(&rule), 1800.0, 96).unwrap();
        // 2 days × 3 starts × 3 break placements.
        assert_eq!(p.len(), 18);
        assert!(p.iter().all(|q| q.works.len() == 15 && (q.cost - 7.5 * 20.0).abs() < 1e-9));
        let bad = ShiftRule { start_step_s: 1000.0, ..rule };
        assert!(patterns(&[bad], 1800.0, 96).unwrap_err().to_string().contains("whole number of intervals"));
    }
}
