//! Bit-for-bit portable floating point: transcendental functions and random variates that
//! give the same bits on every target.
//!
//! `f64::ln`, `exp`, `powf` … call the platform's maths library: glibc natively, a port of
//! musl's in WebAssembly, and the two differ in the last bit now and then — enough to
//! change a run's JSON. Everything that feeds a result therefore calls the `libm` crate
//! (the same code on every target) through [`Portable`], and draws its unit exponential,
//! standard normal and gamma variates here from uniforms only (rand_distr's ziggurats use
//! the platform's `ln`/`exp` in their tails). `clippy.toml` forbids the platform methods
//! in the library. `sqrt`, `mul_add` and the arithmetic operators are exactly rounded by
//! IEEE 754 and stay.

use rand::Rng;
use rand::distr::{Distribution, StandardUniform};

/// The transcendental functions used by results, from `libm` on every target.
pub trait Portable {
    /// Natural logarithm.
    fn p_ln(self) -> f64;
    /// eˣ.
    fn p_exp(self) -> f64;
    /// eˣ − 1, accurate near 0.
    fn p_exp_m1(self) -> f64;
    /// xʸ.
    fn p_powf(self, y: f64) -> f64;
    /// Base-10 logarithm.
    fn p_log10(self) -> f64;
    /// Sine (radians).
    fn p_sin(self) -> f64;
}

impl Portable for f64 {
    #[inline]
    fn p_ln(self) -> f64 {
        libm::log(self)
    }
    #[inline]
    fn p_exp(self) -> f64 {
        libm::exp(self)
    }
    #[inline]
    fn p_exp_m1(self) -> f64 {
        libm::expm1(self)
    }
    #[inline]
    fn p_powf(self, y: f64) -> f64 {
        libm::pow(self, y)
    }
    #[inline]
    fn p_log10(self) -> f64 {
        libm::log10(self)
    }
    #[inline]
    fn p_sin(self) -> f64 {
        libm::sin(self)
    }
}

/// A uniform in [0, 1) with 53 random bits.
#[inline(always)]
fn uniform<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    StandardUniform.sample(rng)
}

/// A unit exponential (mean 1) by inversion: −ln(1 − U), one uniform per draw.
#[inline(always)]
pub fn unit_exponential<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    -(1.0 - uniform(rng)).p_ln()
}

/// A standard normal by Marsaglia's polar method (one of the pair is used).
#[inline]
pub fn standard_normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    loop {
        let u = 2.0 * uniform(rng) - 1.0;
        let v = 2.0 * uniform(rng) - 1.0;
        let s = u * u + v * v;
        if s > 0.0 && s < 1.0 {
            return u * (-2.0 * s.p_ln() / s).sqrt();
        }
    }
}

/// A gamma variate of `shape` > 0 and `scale` > 0 (mean shape × scale), by Marsaglia and
/// Tsang's method (shape < 1 boosted by U^(1/shape)).
pub fn gamma<R: Rng + ?Sized>(shape: f64, scale: f64, rng: &mut R) -> f64 {
    if shape < 1.0 {
        let boost = uniform(rng).p_powf(1.0 / shape);
        return gamma(shape + 1.0, scale, rng) * boost;
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let z = standard_normal(rng);
        let t = 1.0 + c * z;
        if t <= 0.0 {
            continue;
        }
        let v = t * t * t;
        let u = uniform(rng);
        let z2 = z * z;
        if u < 1.0 - 0.0331 * z2 * z2 || u.p_ln() < 0.5 * z2 + d * (1.0 - v + v.p_ln()) {
            return d * v * scale;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// Mean and variance of each variate within 5 standard errors of theory.
    #[test]
    fn variates_have_their_moments() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let n = 200_000;
        let check = |name: &str, xs: Vec<f64>, mean: f64, var: f64| {
            let m = xs.iter().sum::<f64>() / n as f64;
            let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1) as f64;
            assert!((m - mean).abs() < 5.0 * (var / n as f64).sqrt(), "{name}: mean {m} vs {mean}");
            assert!((v / var - 1.0).abs() < 0.03, "{name}: variance {v} vs {var}");
        };
        check("exponential", (0..n).map(|_| unit_exponential(&mut rng)).collect(), 1.0, 1.0);
        check("normal", (0..n).map(|_| standard_normal(&mut rng)).collect(), 0.0, 1.0);
        check("gamma 4", (0..n).map(|_| gamma(4.0, 0.5, &mut rng)).collect(), 2.0, 1.0);
        check("gamma 0.3", (0..n).map(|_| gamma(0.3, 2.0, &mut rng)).collect(), 0.6, 1.2);
    }

    /// The functions agree with the platform's to a few units in the last place.
    #[test]
    fn functions_agree_with_the_platform() {
        #[allow(clippy::disallowed_methods)]
        for x in [1e-300, 0.1, 0.5, 1.0, 2.0, 10.0, 1e10] {
            let close = |a: f64, b: f64| (a - b).abs() <= 4.0 * f64::EPSILON * a.abs().max(b.abs());
            assert!(close(x.p_ln(), x.ln()) && close(x.p_log10(), x.log10()), "{x}");
            assert!(close((-x).p_exp(), (-x).exp()) && close(x.p_powf(0.3), x.powf(0.3)), "{x}");
        }
    }
}
