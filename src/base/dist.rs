//! Checked distributions of durations (handle times, patience), in seconds.
//!
//! A [`Dist`] is built only from validated parameters (see `scenario::validate`), so
//! sampling never fails: every sample is a finite number of seconds ≥ 0.

use crate::Error;
use crate::base::portable::{Portable, gamma, standard_normal, unit_exponential};
use crate::base::time::format_number;
use rand::Rng;
use rand::distr::{Distribution, StandardUniform};

/// A distribution of a duration in seconds, with validated parameters: made only by its
/// checking constructors, so every sample is a finite number of seconds ≥ 0.
#[derive(Debug, Clone)]
pub struct Dist(Shape);

#[derive(Debug, Clone)]
enum Shape {
    /// Exponential with the given mean (s).
    Exponential { mean: f64 },
    /// Lognormal with the given mean (s) and coefficient of variation (sd / mean).
    /// (`mu`, `sigma`: the normal's mean and standard deviation.)
    LogNormal { mean: f64, cv: f64, mu: f64, sigma: f64 },
    /// Gamma with the given mean (s) and coefficient of variation (shape = 1 / cv²).
    Gamma { mean: f64, cv: f64, shape: f64, scale: f64 },
    /// Erlang-k: sum of `k` exponential phases, total mean `mean` (s).
    Erlang { k: u32, mean: f64 },
    /// Always exactly `value` seconds.
    Deterministic { value: f64 },
    /// Uniform on `[min, max)` seconds.
    Uniform { min: f64, max: f64 },
    /// Resampling of observed durations: each draw is one of `values`, equally likely.
    Empirical { values: Box<[f64]>, mean: f64 },
}

impl Dist {
    /// Exponential with mean `mean` > 0.
    ///
    /// # Errors
    ///
    /// [`Error::Parameter`] naming the parameter outside its range.
    pub fn exponential(mean: f64) -> Result<Dist, Error> {
        positive("mean", mean)?;
        Ok(Dist(Shape::Exponential { mean }))
    }

    /// Lognormal by mean > 0 and cv > 0.
    ///
    /// # Errors
    ///
    /// [`Error::Parameter`] naming the parameter outside its range.
    pub fn lognormal(mean: f64, cv: f64) -> Result<Dist, Error> {
        positive("mean", mean)?;
        cv_ok(cv)?;
        let sigma2 = (1.0 + cv * cv).p_ln();
        let (mu, sigma) = (mean.p_ln() - 0.5 * sigma2, sigma2.sqrt());
        Ok(Dist(Shape::LogNormal { mean, cv, mu, sigma }))
    }

    /// Gamma by mean > 0 and cv > 0.
    ///
    /// # Errors
    ///
    /// [`Error::Parameter`] naming the parameter outside its range.
    pub fn gamma(mean: f64, cv: f64) -> Result<Dist, Error> {
        positive("mean", mean)?;
        cv_ok(cv)?;
        let shape = 1.0 / (cv * cv);
        Ok(Dist(Shape::Gamma { mean, cv, shape, scale: mean / shape }))
    }

    /// Erlang-k with `k` ≥ 1 phases and mean > 0.
    ///
    /// # Errors
    ///
    /// [`Error::Parameter`] naming the parameter outside its range.
    pub fn erlang(k: i64, mean: f64) -> Result<Dist, Error> {
        positive("mean", mean)?;
        if !(1..=1000).contains(&k) {
            return Err(param("k", format!("erlang needs a whole number of phases k from 1 to 1000, got {k}")));
        }
        Ok(Dist(Shape::Erlang { k: k as u32, mean }))
    }

    /// A constant `value` ≥ 0.
    ///
    /// # Errors
    ///
    /// [`Error::Parameter`] naming the parameter outside its range.
    pub fn deterministic(value: f64) -> Result<Dist, Error> {
        if !(value.is_finite() && value >= 0.0) {
            return Err(param("value", format!("must be a finite duration ≥ 0, got {}", format_number(value))));
        }
        Ok(Dist(Shape::Deterministic { value }))
    }

    /// Uniform on `[min, max)`, 0 ≤ min < max.
    ///
    /// # Errors
    ///
    /// [`Error::Parameter`] naming the parameter outside its range.
    pub fn uniform(min: f64, max: f64) -> Result<Dist, Error> {
        if !(min.is_finite() && max.is_finite() && min >= 0.0) {
            return Err(param("min", format!("must be finite and ≥ 0, got {}", format_number(min))));
        }
        if max < min {
            return Err(param("max", format!("must be ≥ min ({min} s), got {max} s")));
        }
        Ok(Dist(Shape::Uniform { min, max }))
    }

    /// Resampling of `values` (non-empty, each finite and ≥ 0).
    ///
    /// # Errors
    ///
    /// [`Error::Parameter`] naming the parameter outside its range.
    pub fn empirical(values: Vec<f64>) -> Result<Dist, Error> {
        if values.is_empty() {
            return Err(param("values", "needs at least one observation"));
        }
        if values.len() > 1_000_000 {
            return Err(param("values", format!("at most 1000000 observations, got {}", values.len())));
        }
        if let Some(v) = values.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
            return Err(param(
                "values",
                format!("observations must be finite durations ≥ 0, got {}", format_number(*v)),
            ));
        }
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        Ok(Dist(Shape::Empirical { values: values.into_boxed_slice(), mean }))
    }

    /// The same shape with every duration multiplied by `factor` (> 0 and finite, else
    /// the distribution is returned unchanged): mean, value, bounds and observations
    /// scale, the coefficient of variation and the phases stay. A what-if's "handle time
    /// × 1.1".
    #[must_use]
    pub fn scaled(&self, factor: f64) -> Dist {
        if !(factor.is_finite() && factor > 0.0) || factor == 1.0 {
            return self.clone();
        }
        let f = factor;
        let scaled = match &self.0 {
            Shape::Exponential { mean } => Dist::exponential(mean * f),
            Shape::LogNormal { mean, cv, .. } => Dist::lognormal(mean * f, *cv),
            Shape::Gamma { mean, cv, .. } => Dist::gamma(mean * f, *cv),
            Shape::Erlang { k, mean } => Dist::erlang(i64::from(*k), mean * f),
            Shape::Deterministic { value } => Dist::deterministic(value * f),
            Shape::Uniform { min, max } => Dist::uniform(min * f, max * f),
            Shape::Empirical { values, .. } => Dist::empirical(values.iter().map(|v| v * f).collect()),
        };
        // Scaling valid parameters by a positive finite factor keeps them valid (an
        // overflow to infinity is the only way out, and then the original stays).
        scaled.unwrap_or_else(|_| self.clone())
    }

    /// The mean in seconds.
    pub fn mean(&self) -> f64 {
        match &self.0 {
            Shape::Exponential { mean }
            | Shape::LogNormal { mean, .. }
            | Shape::Gamma { mean, .. }
            | Shape::Erlang { mean, .. }
            | Shape::Empirical { mean, .. } => *mean,
            Shape::Deterministic { value } => *value,
            Shape::Uniform { min, max } => 0.5 * (min + max),
        }
    }

    /// True for the exponential distribution (the Erlang formulas' assumption).
    pub fn is_exponential(&self) -> bool {
        matches!(self.0, Shape::Exponential { .. })
    }

    /// One draw, in seconds (finite, ≥ 0).
    #[inline(always)]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.0 {
            Shape::Exponential { mean } => mean * unit_exponential(rng),
            Shape::LogNormal { mu, sigma, .. } => (mu + sigma * standard_normal(rng)).p_exp(),
            Shape::Gamma { shape, scale, .. } => gamma(*shape, *scale, rng),
            Shape::Erlang { k, mean } => {
                let mut sum = 0.0;
                for _ in 0..*k {
                    sum += unit_exponential(rng);
                }
                sum * mean / f64::from(*k)
            }
            Shape::Deterministic { value } => *value,
            Shape::Uniform { min, max } => {
                let u: f64 = StandardUniform.sample(rng);
                min + (max - min) * u
            }
            Shape::Empirical { values, .. } => {
                // Lemire's multiply-shift: unbiased enough for n ≤ 10^6 (bias < 2^-44).
                let n = values.len() as u64;
                let idx = ((u128::from(rng.next_u64()) * u128::from(n)) >> 64) as usize;
                values[idx]
            }
        }
    }
}

/// A parameter refused: its name and why.
fn param(name: &'static str, message: impl Into<String>) -> Error {
    Error::Parameter { name, message: message.into() }
}

fn positive(field: &'static str, v: f64) -> Result<(), Error> {
    if v.is_finite() && v > 0.0 {
        Ok(())
    } else {
        Err(Error::Parameter { name: field, message: format!("must be a duration > 0, got {} s", format_number(v)) })
    }
}

fn cv_ok(cv: f64) -> Result<(), Error> {
    if cv.is_finite() && cv > 0.0 && cv <= 100.0 {
        Ok(())
    } else {
        Err(Error::Parameter {
            name: "cv",
            message: format!("coefficient of variation must be > 0 and ≤ 100, got {}", format_number(cv)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// Sample mean and cv agree with the parameters within 5 standard errors.
    #[test]
    fn moments_match_parameters() {
        let cases = [
            (Dist::exponential(240.0).unwrap(), 1.0),
            (Dist::lognormal(240.0, 0.6).unwrap(), 0.6),
            (Dist::gamma(240.0, 0.5).unwrap(), 0.5),
            (Dist::erlang(4, 240.0).unwrap(), 0.5),
            (Dist::uniform(100.0, 380.0).unwrap(), (280.0 / 12f64.sqrt()) / 240.0),
            (Dist::empirical(vec![100.0, 200.0, 300.0, 360.0]).unwrap(), {
                let m = 240.0f64;
                let var = [100.0f64, 200.0, 300.0, 360.0].iter().map(|v| (v - m) * (v - m)).sum::<f64>() / 4.0;
                var.sqrt() / m
            }),
        ];
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        let n = 200_000;
        for (d, cv) in cases {
            let xs: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
            let mean = xs.iter().sum::<f64>() / n as f64;
            let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
            let se = var.sqrt() / (n as f64).sqrt();
            assert!((mean - d.mean()).abs() < 5.0 * se, "{d:?}: mean {mean} vs {}", d.mean());
            assert!((var.sqrt() / mean - cv).abs() < 0.02, "{d:?}: cv {} vs {cv}", var.sqrt() / mean);
            assert!(xs.iter().all(|x| x.is_finite() && *x >= 0.0));
        }
        assert_eq!(Dist::deterministic(30.0).unwrap().sample(&mut rng), 30.0);
    }

    #[test]
    fn refuses_bad_parameters() {
        assert!(Dist::exponential(0.0).is_err());
        assert!(Dist::exponential(f64::NAN).is_err());
        assert!(Dist::lognormal(10.0, 0.0).is_err());
        assert!(Dist::gamma(10.0, -1.0).is_err());
        assert!(Dist::erlang(0, 10.0).is_err());
        assert!(Dist::uniform(5.0, 1.0).is_err());
        assert!(Dist::empirical(vec![]).is_err());
        assert!(Dist::empirical(vec![1.0, f64::INFINITY]).is_err());
    }
}
