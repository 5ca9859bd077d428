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

#[cfg(test)]
mod tests {
    #[test]
    fn integral_of_steps() {
        let f = [(0.0, 10.0, 2.0), (10.0, 20.0, 0.0), (20.0, 30.0, 1.0)];
        assert_eq!(super::integral(f, 0.0, 30.0), 30.0);
        assert_eq!(super::integral(f, 5.0, 25.0), 10.0 + 5.0);
        assert_eq!(super::integral(f, 40.0, 50.0), 0.0);
    }
}
