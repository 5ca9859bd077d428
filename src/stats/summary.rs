//! Means and 95 % confidence intervals across replications.
//!
//! Replications are folded in index order (Welford's update), so the result depends only
//! on the replications' values, never on how many threads produced them.

use crate::base::maths::t95;

/// A KPI across replications: mean and 95 % Student-t half-width.
///
/// JSON holds `{"mean": x, "ci95": h}` (`null` for NaN). An estimate read back from JSON
/// knows no `n` (0) nor `sd` (NaN): [`Estimate::spread`] recovers the standard deviation
/// from the half-width and the run's replications.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Estimate {
    /// NaN when no replication defined the KPI.
    #[serde(deserialize_with = "crate::base::serde_maps::nan_if_null")]
    pub mean: f64,
    /// Half-width of the 95 % interval; NaN with fewer than two defined replications.
    #[serde(deserialize_with = "crate::base::serde_maps::nan_if_null")]
    pub ci95: f64,
    /// Replications in which the KPI was defined (0 when read from JSON).
    #[serde(skip)]
    pub n: u32,
    /// Sample standard deviation across replications (NaN with fewer than two, or when
    /// read from JSON).
    #[serde(skip, default = "crate::base::serde_maps::nan")]
    pub sd: f64,
}

impl Estimate {
    /// An undefined estimate (no replication defined the KPI).
    pub const UNDEFINED: Estimate = Estimate { mean: f64::NAN, ci95: f64::NAN, n: 0, sd: f64::NAN };

    /// The standard deviation across replications: its own when computed in this run, or,
    /// for an estimate read from JSON, recovered from the half-width of a run of
    /// `replications` (NaN with fewer than two).
    pub fn spread(&self, replications: u32) -> f64 {
        if self.n > 0 {
            return self.sd;
        }
        if !(self.mean.is_finite() && self.ci95.is_finite() && replications >= 2) {
            return f64::NAN;
        }
        self.ci95 * f64::from(replications).sqrt() / t95(replications as usize)
    }

    /// Standard error of the mean (NaN with fewer than two replications).
    pub fn se(&self) -> f64 {
        self.sd / f64::from(self.n).sqrt()
    }
}

/// Running mean and variance of a vector of KPIs, skipping NaN entries.
#[derive(Debug, Clone)]
pub struct Accumulator {
    n: Vec<u32>,
    mean: Vec<f64>,
    m2: Vec<f64>,
}

impl Accumulator {
    /// An accumulator for vectors of `len` KPIs.
    pub fn new(len: usize) -> Accumulator {
        Accumulator { n: vec![0; len], mean: vec![0.0; len], m2: vec![0.0; len] }
    }

    /// Adds one replication's values.
    pub fn push(&mut self, values: &[f64]) {
        debug_assert_eq!(values.len(), self.n.len());
        for (k, &x) in values.iter().enumerate() {
            if x.is_nan() {
                continue;
            }
            self.n[k] += 1;
            let d = x - self.mean[k];
            self.mean[k] += d / f64::from(self.n[k]);
            self.m2[k] += d * (x - self.mean[k]);
        }
    }

    /// Mean, half-width and standard deviation of every KPI.
    pub fn finish(&self) -> Vec<Estimate> {
        let mut t_cache: Vec<f64> = Vec::new();
        (0..self.n.len())
            .map(|k| {
                let n = self.n[k] as usize;
                if n == 0 {
                    return Estimate { mean: f64::NAN, ci95: f64::NAN, n: 0, sd: f64::NAN };
                }
                if n < 2 {
                    return Estimate { mean: self.mean[k], ci95: f64::NAN, n: 1, sd: f64::NAN };
                }
                if t_cache.len() <= n {
                    t_cache.resize(n + 1, f64::NAN);
                }
                if t_cache[n].is_nan() {
                    t_cache[n] = t95(n);
                }
                let sd = (self.m2[k] / (n - 1) as f64).max(0.0).sqrt();
                Estimate { mean: self.mean[k], ci95: t_cache[n] * sd / (n as f64).sqrt(), n: n as u32, sd }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_interval() {
        let mut acc = Accumulator::new(2);
        for x in [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0] {
            acc.push(&[x, f64::NAN]);
        }
        let e = acc.finish();
        assert_eq!(e[0].mean, 5.0);
        assert_eq!(e[0].n, 8);
        let sd = (32.0f64 / 7.0).sqrt();
        assert!((e[0].sd - sd).abs() < 1e-12);
        assert!((e[0].ci95 - 2.364_624_252 * sd / 8f64.sqrt()).abs() < 1e-8);
        assert!(e[1].mean.is_nan() && e[1].n == 0);
    }
}
