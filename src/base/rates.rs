//! Arrival processes: piecewise-constant rates and exact non-homogeneous Poisson arrivals.
//!
//! Rates are **contacts per second**. A [`RateFn`] is constant on each segment of
//! `[0, horizon)`; [`ArrivalClock`] draws the next arrival by inverting the cumulative
//! intensity Λ(t): one unit-rate exponential `E` per arrival, then the smallest `t'` with
//! Λ(t') − Λ(t) = E. This is exact (no thinning, no discretisation).

use crate::base::portable::unit_exponential;
use rand::Rng;

/// A piecewise-constant rate (per second) on `[0, horizon)`.
#[derive(Debug, Clone, PartialEq)]
pub struct RateFn {
    /// Segment start times, strictly increasing, first is 0.
    starts: Vec<f64>,
    /// Rate on `[starts[i], starts[i+1])` (the last segment ends at `horizon`).
    rates: Vec<f64>,
    horizon: f64,
}

impl RateFn {
    /// Builds a rate function from `(start, rate)` steps; the first start must be 0,
    /// starts increasing, rates finite and ≥ 0 (checked by the scenario validator).
    /// Adjacent equal rates are merged.
    pub fn from_steps(steps: &[(f64, f64)], horizon: f64) -> RateFn {
        let mut starts = Vec::with_capacity(steps.len());
        let mut rates: Vec<f64> = Vec::with_capacity(steps.len());
        for &(s, r) in steps {
            debug_assert!(r.is_finite() && r >= 0.0);
            if s >= horizon {
                break;
            }
            if rates.last() == Some(&r) {
                continue;
            }
            starts.push(s);
            rates.push(r);
        }
        if starts.is_empty() {
            starts.push(0.0);
            rates.push(0.0);
        }
        RateFn { starts, rates, horizon }
    }

    /// A constant `rate` per second on `[0, horizon)`.
    pub fn constant(rate: f64, horizon: f64) -> RateFn {
        RateFn::from_steps(&[(0.0, rate)], horizon)
    }

    /// End of the rate function (s).
    pub fn horizon(&self) -> f64 {
        self.horizon
    }

    fn seg_end(&self, k: usize) -> f64 {
        self.starts.get(k + 1).copied().unwrap_or(self.horizon)
    }

    /// Expected number of arrivals in `[a, b)`.
    pub fn expected(&self, a: f64, b: f64) -> f64 {
        crate::base::steps::integral(self.segments(), a, b)
    }

    /// The rate in force at time `t` (0 outside `[0, horizon)`).
    pub fn rate_at(&self, t: f64) -> f64 {
        if !(0.0..self.horizon).contains(&t) {
            return 0.0;
        }
        let k = self.starts.partition_point(|&s| s <= t) - 1;
        self.rates[k]
    }

    /// The highest rate anywhere.
    pub fn max_rate(&self) -> f64 {
        self.rates.iter().copied().fold(0.0, f64::max)
    }

    /// The product of two step functions (`other` is evaluated on this one's horizon).
    pub fn times(&self, other: &RateFn) -> RateFn {
        let mut cuts: Vec<f64> =
            self.starts.iter().chain(&other.starts).copied().filter(|&t| t < self.horizon).collect();
        cuts.sort_by(f64::total_cmp);
        cuts.dedup();
        let steps: Vec<(f64, f64)> = cuts.iter().map(|&t| (t, self.rate_at(t) * other.rate_at(t))).collect();
        RateFn::from_steps(&steps, self.horizon)
    }

    /// Segments as `(start, end, rate)`.
    pub fn segments(&self) -> impl Iterator<Item = (f64, f64, f64)> + '_ {
        (0..self.starts.len()).map(|k| (self.starts[k], self.seg_end(k), self.rates[k]))
    }
}

/// Position of one arrival stream in its [`RateFn`].
#[derive(Debug, Clone)]
pub struct ArrivalClock {
    seg: usize,
    t: f64,
}

impl Default for ArrivalClock {
    fn default() -> Self {
        ArrivalClock::new()
    }
}

impl ArrivalClock {
    /// A clock at time 0, in the first segment.
    pub fn new() -> ArrivalClock {
        ArrivalClock { seg: 0, t: 0.0 }
    }

    /// The next arrival time after the previous one, or `None` when the process has no more
    /// arrivals before the horizon.
    #[inline(always)]
    pub fn next<R: Rng + ?Sized>(&mut self, rate: &RateFn, rng: &mut R) -> Option<f64> {
        let mut e: f64 = unit_exponential(rng);
        loop {
            let k = self.seg;
            if k >= rate.rates.len() {
                return None;
            }
            let r = rate.rates[k];
            let end = rate.seg_end(k);
            if r > 0.0 {
                let t = self.t + e / r;
                if t < end {
                    self.t = t;
                    return Some(t);
                }
                e -= r * (end - self.t);
            }
            self.t = end;
            self.seg += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// Counts per segment of a step rate are Poisson with the segment's expected count:
    /// the mean matches within 5 standard errors and the variance-to-mean ratio is near 1.
    #[test]
    fn piecewise_counts_are_poisson() {
        let h = 4.0 * 3600.0;
        let rate = RateFn::from_steps(&[(0.0, 0.05), (3600.0, 0.0), (5400.0, 0.2), (9000.0, 0.01)], h);
        let bins = [(0.0, 3600.0), (3600.0, 5400.0), (5400.0, 9000.0), (9000.0, h)];
        let reps = 4000;
        let mut counts: Vec<Vec<u32>> = vec![Vec::with_capacity(reps); bins.len()];
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        for _ in 0..reps {
            let mut clock = ArrivalClock::new();
            let mut last = 0.0;
            let mut per_bin = [0u32; 4];
            while let Some(t) = clock.next(&rate, &mut rng) {
                assert!(t > last && t < h);
                last = t;
                let b = bins.iter().position(|(a, z)| t >= *a && t < *z).unwrap();
                per_bin[b] += 1;
            }
            for (b, n) in per_bin.iter().enumerate() {
                counts[b].push(*n);
            }
        }
        for (b, (a, z)) in bins.iter().enumerate() {
            let expect = rate.expected(*a, *z);
            let mean = counts[b].iter().map(|&c| f64::from(c)).sum::<f64>() / reps as f64;
            let var = counts[b].iter().map(|&c| (f64::from(c) - mean).powi(2)).sum::<f64>() / (reps - 1) as f64;
            if expect == 0.0 {
                assert_eq!(mean, 0.0);
                continue;
            }
            let se = (expect / reps as f64).sqrt();
            assert!((mean - expect).abs() < 5.0 * se, "bin {b}: mean {mean} vs {expect}");
            assert!((var / mean - 1.0).abs() < 0.1, "bin {b}: dispersion {}", var / mean);
        }
    }

    #[test]
    fn expected_and_rate_at() {
        let r = RateFn::from_steps(&[(0.0, 1.0), (10.0, 1.0), (20.0, 3.0)], 30.0);
        assert_eq!(r.segments().count(), 2, "equal neighbours merge");
        assert_eq!(r.expected(0.0, 30.0), 50.0);
        assert_eq!(r.expected(15.0, 25.0), 5.0 + 15.0);
        assert_eq!(r.rate_at(20.0), 3.0);
        assert_eq!(r.rate_at(30.0), 0.0);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        assert_eq!(ArrivalClock::new().next(&RateFn::constant(0.0, 100.0), &mut rng), None);
    }
}
