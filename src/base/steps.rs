//! Piecewise-constant functions of time (arrival rates, scheduled headcount, opening
//! hours) share one integral.

/// ∫ₐᵇ f(t) dt for an f that is `value` on each `(start, end, value)` segment and 0 outside
/// them (segments disjoint). Segments are added in the order given.
pub fn integral(segments: impl IntoIterator<Item = (f64, f64, f64)>, a: f64, b: f64) -> f64 {
    let mut total = 0.0;
    for (start, end, value) in segments {
        let (lo, hi) = (start.max(a), end.min(b));
        if hi > lo {
            total += value * (hi - lo);
        }
    }
    total
}

/// The integral of the same kind of step function over each of `n` consecutive intervals
/// of length `width` from 0 (the last one cut at `end`), in one pass: O(n + segments) for
/// segments sorted by start.
pub fn per_interval(segments: impl IntoIterator<Item = (f64, f64, f64)>, n: usize, width: f64, end: f64) -> Vec<f64> {
    let mut out = vec![0.0; n];
    for (start, stop, value) in segments {
        if value == 0.0 || stop <= start {
            continue;
        }
        let first = ((start / width) as usize).min(n.saturating_sub(1));
        for (i, slot) in out.iter_mut().enumerate().skip(first) {
            let (a, b) = (i as f64 * width, ((i + 1) as f64 * width).min(end));
            if a >= stop {
                break;
            }
            let (lo, hi) = (start.max(a), stop.min(b));
            if hi > lo {
                *slot += value * (hi - lo);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn integral_of_steps() {
        let f = [(0.0, 10.0, 2.0), (10.0, 20.0, 0.0), (20.0, 30.0, 1.0)];
        assert_eq!(super::integral(f, 0.0, 30.0), 30.0);
        assert_eq!(super::integral(f, 5.0, 25.0), 10.0 + 5.0);
        assert_eq!(super::integral(f, 40.0, 50.0), 0.0);
        let per = super::per_interval(f, 4, 8.0, 30.0);
        for (i, x) in per.iter().enumerate() {
            let (a, b) = (i as f64 * 8.0, ((i + 1) as f64 * 8.0).min(30.0));
            assert!((x - super::integral(f, a, b)).abs() < 1e-12, "interval {i}");
        }
    }
}
