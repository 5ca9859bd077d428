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
//! subject to Σ_{j works t} xⱼ ≥ requiredₜ                 for every interval t
//!            Σ_{j of rule r, day d} xⱼ ≤ sᵣ Σ_{j of day d} xⱼ   for rules with a max share sᵣ
//!            xⱼ = 0 or minⱼ ≤ xⱼ ≤ maxⱼ, xⱼ integer
//! ```
//!
//! (the either-or of a minimum per shift by one binary per pattern of such a rule).
//! Times are in seconds from the horizon's start; intervals are the scenario's. The rules
//! and their patterns are scenario data (`scenario::rules`, re-exported here); this module
//! is step 2 of scheduling — requirements in, the cheapest roster out; `plan::schedule`
//! wraps it in the simulation loop.

use crate::error::Error;

pub use crate::scenario::rules::{BreakRule, MAX_PATTERNS, Pattern, ShiftRule, patterns};

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
    /// Each independent piece of the program as solved, by its first interval.
    pub pieces: Vec<PieceSolved>,
}

/// One independent piece of a roster program (intervals linked by shifts) as solved.
#[derive(Debug, Clone, PartialEq)]
pub struct PieceSolved {
    /// Its first interval.
    pub first: usize,
    /// A lower bound on its cost.
    pub bound: f64,
    /// The solver proved its part of the roster optimal.
    pub optimal: bool,
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
    cheapest_named(required, patterns, |t| format!("interval {t}"))
}

/// [`cheapest`], naming intervals in errors by `name` (`Tue 10:30`).
///
/// # Errors
///
/// As [`cheapest`].
pub fn cheapest_named(required: &[u32], patterns: &[Pattern], name: impl Fn(usize) -> String) -> Result<Roster, Error> {
    let covering = covering(required, patterns, &name)?;
    // The program falls apart into independent pieces where no pattern links two stretches
    // of intervals (a day's shifts never reach the next day): each is solved on its own,
    // which is exact (the cost is a sum over patterns) and far smaller.
    let mut counts = vec![0u32; patterns.len()];
    let mut solved_pieces = Vec::new();
    for piece in pieces(required.len(), patterns) {
        let solved = solve_piece(required, patterns, &covering, &piece)?;
        for (&j, &c) in piece.patterns.iter().zip(&solved.counts) {
            counts[j] = c;
        }
        solved_pieces.push(PieceSolved { first: piece.intervals[0], bound: solved.bound, optimal: solved.optimal });
    }
    assemble(required, patterns, counts, solved_pieces, &name)
}

/// `previous` (a roster of `patterns`) solved again for `required`, which differs from the
/// requirement it was solved for only within the independent piece holding interval `t`:
/// only that piece is solved again (exact, since pieces share no pattern), which makes
/// trying a requirement one interval at a time cheap.
///
/// # Errors
///
/// As [`cheapest`].
pub fn cheapest_again(
    required: &[u32],
    patterns: &[Pattern],
    previous: &Roster,
    t: usize,
    name: impl Fn(usize) -> String,
) -> Result<Roster, Error> {
    let covering = covering(required, patterns, &name)?;
    let Some(piece) = pieces(required.len(), patterns).into_iter().find(|p| p.intervals.binary_search(&t).is_ok())
    else {
        return assemble(required, patterns, previous.counts.clone(), previous.pieces.clone(), &name);
    };
    let solved = solve_piece(required, patterns, &covering, &piece)?;
    let mut counts = previous.counts.clone();
    for (&j, &c) in piece.patterns.iter().zip(&solved.counts) {
        counts[j] = c;
    }
    let mut solved_pieces = previous.pieces.clone();
    let entry = PieceSolved { first: piece.intervals[0], bound: solved.bound, optimal: solved.optimal };
    match solved_pieces.iter_mut().find(|p| p.first == entry.first) {
        Some(p) => *p = entry,
        None => solved_pieces.push(entry),
    }
    assemble(required, patterns, counts, solved_pieces, &name)
}

/// The patterns working each interval, after checking that every interval can be covered
/// (naming the first that cannot).
fn covering(required: &[u32], patterns: &[Pattern], name: &dyn Fn(usize) -> String) -> Result<Vec<Vec<usize>>, Error> {
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
        if need > 0 && covering[t].is_empty() {
            return Err(Error::Input(format!(
                "{} needs {need} agent(s) but no shift of the rules works it; widen a start window or allow longer shifts",
                name(t)
            )));
        }
        let most: u64 = covering[t].iter().map(|&j| u64::from(patterns[j].max)).sum();
        if u64::from(need) > most {
            return Err(Error::Input(format!(
                "{} needs {need} agent(s) but the shifts allowed can put at most {most} there (max_per_shift)",
                name(t)
            )));
        }
    }
    Ok(covering)
}

/// The roster of `counts`: its coverage (checked against `required`), cost and gap.
fn assemble(
    required: &[u32],
    patterns: &[Pattern],
    counts: Vec<u32>,
    pieces: Vec<PieceSolved>,
    name: &dyn Fn(usize) -> String,
) -> Result<Roster, Error> {
    let n = required.len();
    let mut coverage = vec![0u32; n];
    for (p, &c) in patterns.iter().zip(&counts) {
        for &t in &p.works {
            if t < n {
                coverage[t] += c;
            }
        }
    }
    if let Some(t) = (0..n).find(|&t| coverage[t] < required[t]) {
        return Err(Error::Run(format!("the solver's roster leaves {} short (a solver defect)", name(t))));
    }
    let cost: f64 = patterns.iter().zip(&counts).map(|(p, &c)| p.cost * f64::from(c)).sum();
    let optimal = pieces.iter().all(|p| p.optimal);
    let bound: f64 = pieces.iter().map(|p| p.bound).sum();
    let gap = if optimal || cost <= 0.0 { 0.0 } else { ((cost - bound) / cost).max(0.0) };
    Ok(Roster { counts, cost, coverage, optimal, gap, pieces })
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
        // A minimum per shift: xⱼ = 0 or minⱼ ≤ xⱼ, by a binary yⱼ (xⱼ ≥ minⱼ yⱼ, xⱼ ≤ cap yⱼ).
        for (k, &j) in piece.patterns.iter().enumerate() {
            let min = patterns[j].min;
            if min > 1 {
                let y = if integer { problem.add_integer_var(0.0, (0, 1)) } else { problem.add_var(0.0, (0.0, 1.0)) };
                problem.add_constraint([(vars[k], 1.0), (y, -f64::from(min))], ComparisonOp::Ge, 0.0);
                problem.add_constraint([(vars[k], 1.0), (y, -f64::from(cap(j)))], ComparisonOp::Le, 0.0);
            }
        }
        // A rule's largest share of each day's shifts.
        for (rule, day, share) in shares(patterns, &piece.patterns) {
            let expr: Vec<(microlp::Variable, f64)> = piece
                .patterns
                .iter()
                .enumerate()
                .filter(|&(_, &j)| patterns[j].day == day)
                .map(|(k, &j)| (vars[k], if patterns[j].rule == rule { 1.0 - share } else { -share }))
                .collect();
            problem.add_constraint(expr.as_slice(), ComparisonOp::Le, 0.0);
        }
        (problem, vars)
    };
    let linked = piece.patterns.iter().any(|&j| patterns[j].min > 1 || patterns[j].max_share.is_some());
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
    // The rounded relaxation ignores minimums and shares: it seeds the search only without them.
    if !linked {
        options.warm_start = Some(vars.iter().zip(&first).map(|(&v, &c)| (v, f64::from(c))).collect());
    }
    let outcome = mip.solve_with(options).map_err(fail)?;
    let optimal = outcome.is_optimal();
    let counts = match outcome.solution() {
        Some(s) => vars.iter().map(|&v| s.var_value(v).round().max(0.0) as u32).collect(),
        None if !linked => first,
        None => {
            return Err(Error::Input(
                "no roster meets the requirement within the rules' limits (min_per_shift, max_share): loosen them"
                    .into(),
            ));
        }
    };
    let bound = match outcome.solution().and_then(microlp::Solution::gap) {
        // The solver's own bound when it has one (at least the relaxation's).
        Some(g) => bound.max(outcome.solution().map_or(bound, |s| s.objective() * (1.0 - g))),
        None => bound,
    };
    Ok(Solved { counts, optimal, bound })
}

/// The (rule, day, max share) of every rule with a max share that has patterns among
/// `piece` on that day, in order.
fn shares(patterns: &[Pattern], piece: &[usize]) -> Vec<(usize, usize, f64)> {
    let mut out: Vec<(usize, usize, f64)> = Vec::new();
    for &j in piece {
        let p = &patterns[j];
        if let Some(s) = p.max_share
            && !out.iter().any(|&(r, d, _)| r == p.rule && d == p.day)
        {
            out.push((p.rule, p.day, s));
        }
    }
    out.sort_by_key(|&(r, d, _)| (d, r));
    out
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
    // A share limit links every pattern of a day.
    if patterns.iter().any(|p| p.max_share.is_some()) {
        let mut first_of_day: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
        for p in patterns {
            if let Some(&t) = p.works.iter().find(|&&t| t < n) {
                let f = *first_of_day.entry(p.day).or_insert(t);
                let (a, b) = (root(&mut parent, f), root(&mut parent, t));
                parent[a.max(b)] = a.min(b);
            }
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
        Pattern {
            rule: 0,
            day: 0,
            start_s: 0.0,
            length_s: 0.0,
            breaks_s: Vec::new(),
            works: works.collect(),
            cost,
            paid_hours: 0.0,
            min: 0,
            max,
            max_share: None,
        }
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
            // The limits: a minimum per used pattern, a rule's share of each day's shifts.
            let minimums = patterns.iter().zip(&counts).all(|(p, &c)| c == 0 || c >= p.min);
            let shares = patterns.iter().all(|p| {
                p.max_share.is_none_or(|s| {
                    let of = |rule: Option<usize>| -> u32 {
                        patterns
                            .iter()
                            .zip(&counts)
                            .filter(|(q, _)| q.day == p.day && rule.is_none_or(|r| q.rule == r))
                            .map(|(_, &c)| c)
                            .sum()
                    };
                    f64::from(of(Some(p.rule))) <= s * f64::from(of(None)) + 1e-9
                })
            });
            if covered && minimums && shares {
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

    /// With a minimum per shift and a rule's largest share of a day's shifts, the program's
    /// cost still equals exhaustive enumeration (under the same limits); and solving again
    /// only the piece where the requirement changed gives the cost of solving all anew.
    #[test]
    fn limits_and_partial_solves_are_exact() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(2027);
        for case in 0..40 {
            let n = rng.random_range(4..8usize);
            let required: Vec<u32> = (0..n).map(|_| rng.random_range(0..4)).collect();
            let mut patterns: Vec<Pattern> = (0..rng.random_range(2..4))
                .map(|_| {
                    let a = rng.random_range(0..n);
                    let b = rng.random_range(a + 1..=n);
                    let mut p = pattern(a..b, f64::from(rng.random_range(1..20u32)), 4);
                    p.rule = 1;
                    p.min = rng.random_range(0..3);
                    p.max_share = Some(0.5);
                    p
                })
                .collect();
            // Coverable, and within the share: whole-horizon patterns of another rule.
            patterns.push(pattern(0..n, 25.0, u32::MAX));
            let Some(best) = enumerate(&required, &patterns) else { continue };
            let r = cheapest(&required, &patterns).unwrap();
            assert!(r.optimal, "case {case}: proved optimal");
            assert!((r.cost - best).abs() < 1e-9, "case {case}: program {} vs enumeration {best}", r.cost);
        }
        // Two days (0..4 and 4..8) no pattern links: one solved again equals all anew.
        for case in 0..30 {
            let required: Vec<u32> = (0..8).map(|_| rng.random_range(0..4)).collect();
            let mut patterns = Vec::new();
            for day in [0usize, 4] {
                for _ in 0..3 {
                    let a = day + rng.random_range(0..4usize);
                    let b = rng.random_range(a + 1..=day + 4);
                    patterns.push(pattern(a..b, f64::from(rng.random_range(1..20u32)), u32::MAX));
                }
                patterns.push(pattern(day..day + 4, 30.0, u32::MAX));
            }
            let before = cheapest(&required, &patterns).unwrap();
            let mut changed = required.clone();
            let t = rng.random_range(0..8usize);
            changed[t] += 1;
            let again = cheapest_again(&changed, &patterns, &before, t, |t| format!("interval {t}")).unwrap();
            let anew = cheapest(&changed, &patterns).unwrap();
            assert!(again.optimal && anew.optimal);
            assert!((again.cost - anew.cost).abs() < 1e-9, "case {case}: again {} vs anew {}", again.cost, anew.cost);
            assert!(again.coverage.iter().zip(&changed).all(|(c, q)| c >= q));
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
            min_per_pattern: 0,
            max_per_pattern: None,
            max_share: None,
        };
        let p = patterns(std::slice::from_ref(&rule), 1800.0, 96).unwrap();
        // 2 days × 3 starts × 3 break placements.
        assert_eq!(p.len(), 18);
        assert!(p.iter().all(|q| q.works.len() == 15 && (q.cost - 7.5 * 20.0).abs() < 1e-9));
        let bad = ShiftRule { start_step_s: 1000.0, ..rule };
        assert!(patterns(&[bad], 1800.0, 96).unwrap_err().to_string().contains("whole number of intervals"));
    }
}
