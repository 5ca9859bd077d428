//! A fixed-size log-linear histogram of waiting times for streaming percentiles.
//!
//! Bucket 0 holds exact zeros (answered at once), bucket 1 waits below 2⁻⁷ s, then 32
//! buckets per power of two from 2⁻⁷ s to 2²⁶ s (about 776 days), then one overflow
//! bucket. A percentile is reported as the middle of its bucket: relative error ≤ 1/64
//! (1.6 %), and exactly 0 when the percentile falls among zero waits.

const SUB_BITS: u32 = 5;
const SUB: usize = 1 << SUB_BITS;
const MIN_EXP: i32 = -7;
const MAX_EXP: i32 = 26;
const OCTAVES: usize = (MAX_EXP - MIN_EXP) as usize;
/// Number of buckets.
pub const BUCKETS: usize = 2 + OCTAVES * SUB + 1;

#[derive(Clone)]
/// Streaming histogram of waits (see the module documentation).
pub struct WaitHistogram {
    counts: Box<[u32; BUCKETS]>,
    total: u64,
}

impl Default for WaitHistogram {
    fn default() -> Self {
        WaitHistogram::new()
    }
}

impl WaitHistogram {
    /// An empty histogram.
    pub fn new() -> WaitHistogram {
        WaitHistogram { counts: Box::new([0; BUCKETS]), total: 0 }
    }

    /// Empties it, keeping its memory.
    pub fn clear(&mut self) {
        self.counts.fill(0);
        self.total = 0;
    }

    /// Waits recorded.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// The bucket of a wait: for a positive wait, the bits above its top five mantissa
    /// bits are (biased exponent, sub-bucket) — one subtraction from the bucket's index
    /// (exponents below the range go to bucket 1, above it, and ∞ or NaN, to the last).
    #[inline]
    fn bucket(w: f64) -> usize {
        if w <= 0.0 {
            return 0;
        }
        // Waits are positive here: the sign bit is 0 (a negative NaN lands past the top).
        const LOW: u64 = ((1023 + MIN_EXP) as u64) << SUB_BITS;
        let x = (w.to_bits() >> (52 - SUB_BITS)).wrapping_sub(LOW);
        if x >= (OCTAVES * SUB) as u64 {
            // Below the range (wrapped around) or above it.
            return if (w.to_bits() >> 52) < (1023 + MIN_EXP) as u64 { 1 } else { BUCKETS - 1 };
        }
        2 + x as usize
    }

    /// The middle of a bucket, in seconds.
    fn middle(b: usize) -> f64 {
        match b {
            0 => 0.0,
            1 => 0.5 * 2f64.powi(MIN_EXP),
            b if b == BUCKETS - 1 => 2f64.powi(MAX_EXP),
            b => {
                let k = b - 2;
                let exp = MIN_EXP + (k / SUB) as i32;
                let sub = (k % SUB) as f64;
                2f64.powi(exp) * (1.0 + (sub + 0.5) / SUB as f64)
            }
        }
    }

    /// Adds every wait recorded in `other`.
    pub fn merge(&mut self, other: &WaitHistogram) {
        for (a, b) in self.counts.iter_mut().zip(other.counts.iter()) {
            *a = a.saturating_add(*b);
        }
        self.total += other.total;
    }

    /// Records `n` zero waits at once (as `n` calls of `record(0.0)` would).
    pub fn add_zeros(&mut self, n: u32) {
        self.counts[0] = self.counts[0].saturating_add(n);
        self.total += u64::from(n);
    }

    /// Records one wait (s).
    #[inline]
    pub fn record(&mut self, w: f64) {
        let b = Self::bucket(w);
        self.counts[b] = self.counts[b].saturating_add(1);
        self.total += 1;
    }

    /// The `p`-quantile (nearest rank, `p` in (0, 1]); NaN when empty.
    pub fn quantile(&self, p: f64) -> f64 {
        if self.total == 0 {
            return f64::NAN;
        }
        let rank = ((p * self.total as f64).ceil() as u64).clamp(1, self.total);
        let mut seen = 0u64;
        for (b, &c) in self.counts.iter().enumerate() {
            seen += u64::from(c);
            if seen >= rank {
                return Self::middle(b);
            }
        }
        Self::middle(BUCKETS - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_within_resolution() {
        let mut h = WaitHistogram::new();
        let mut xs: Vec<f64> = (1..=10_000).map(|i| (i as f64) * 0.037).collect();
        for x in &xs {
            h.record(*x);
        }
        xs.sort_by(f64::total_cmp);
        for p in [0.5, 0.9, 0.99] {
            let exact = xs[((p * xs.len() as f64).ceil() as usize) - 1];
            let got = h.quantile(p);
            assert!((got / exact - 1.0).abs() <= 1.0 / 64.0 + 1e-12, "p{p}: {got} vs {exact}");
        }
    }

    #[test]
    fn zeros_are_exact() {
        let mut h = WaitHistogram::new();
        for _ in 0..60 {
            h.record(0.0);
        }
        for _ in 0..40 {
            h.record(30.0);
        }
        assert_eq!(h.quantile(0.5), 0.0);
        assert_eq!(h.quantile(0.6), 0.0);
        assert!((h.quantile(0.61) / 30.0 - 1.0).abs() < 1.0 / 64.0);
        assert!(WaitHistogram::new().quantile(0.5).is_nan());
    }

    /// The bucket is the one of its exponent and top mantissa bits, across the range and
    /// beyond it.
    #[test]
    fn buckets_follow_exponent_and_mantissa() {
        let slow = |w: f64| -> usize {
            if w <= 0.0 {
                return 0;
            }
            let bits = w.to_bits();
            let exp = ((bits >> 52) & 0x7ff) as i32 - 1023;
            if exp < MIN_EXP {
                return 1;
            }
            if exp >= MAX_EXP {
                return BUCKETS - 1;
            }
            let sub = ((bits >> (52 - SUB_BITS)) & (SUB as u64 - 1)) as usize;
            2 + (exp - MIN_EXP) as usize * SUB + sub
        };
        let mut w = 1e-300;
        while w < 1e300 {
            for x in [w, w * 1.013, w * 1.5, w * 1.999] {
                assert_eq!(WaitHistogram::bucket(x), slow(x), "{x}");
            }
            w *= 1.7;
        }
        for x in
            [0.0, -1.0, f64::INFINITY, f64::NAN, -f64::NAN, f64::MIN_POSITIVE, 2f64.powi(MIN_EXP), 2f64.powi(MAX_EXP)]
        {
            assert_eq!(WaitHistogram::bucket(x), slow(x), "{x}");
        }
    }

    #[test]
    fn extremes_do_not_panic() {
        let mut h = WaitHistogram::new();
        for w in [1e-300, 1e-3, 1e12, f64::MAX] {
            h.record(w);
        }
        assert_eq!(h.count(), 4);
        assert!(h.quantile(1.0) > 1e7);
    }
}
