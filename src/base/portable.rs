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

/// Start of the exponential ziggurat's tail.
const ZIG_R: f64 = 7.697117470131487;
/// Area of each of its 256 layers.
const ZIG_V: f64 = 0.003_949_659_822_581_557;

/// The ziggurat of the unit exponential (Marsaglia and Tsang, 2000), computed with `libm`
/// so it is the same bits everywhere: layer edges `x` (`x[0]` = V / e^−R, the base layer's
/// width with its tail, `x[1]` = R, each next edge leaving area V, `x[256]` = 0) and the
/// density at them, `f[i]` = e^−x[i].
struct Ziggurat {
    x: [f64; 257],
    f: [f64; 257],
}

static EXP_ZIGGURAT: std::sync::LazyLock<Ziggurat> = std::sync::LazyLock::new(|| {
    let mut x = [0.0; 257];
    x[0] = ZIG_V / (-ZIG_R).p_exp();
    x[1] = ZIG_R;
    for i in 1..255 {
        x[i + 1] = -((-x[i]).p_exp() + ZIG_V / x[i]).p_ln();
    }
    let f = x.map(|v| (-v).p_exp());
    Ziggurat { x, f }
});

/// A unit exponential (mean 1) by the ziggurat: one 64-bit draw almost always (98.9 %),
/// a second uniform and `libm`'s `exp` in a layer's wedge, `ln` in the tail beyond R.
#[inline(always)]
pub fn unit_exponential<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    let z = &*EXP_ZIGGURAT;
    loop {
        let bits = rng.next_u64();
        // The low 8 bits pick the layer, the high 53 the position in it.
        let i = (bits & 0xff) as usize;
        let x = (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64) * z.x[i];
        if x < z.x[i + 1] {
            return x;
        }
        if i == 0 {
            // Beyond R the exponential starts afresh (memoryless).
            return ZIG_R - (1.0 - uniform(rng)).p_ln();
        }
        if z.f[i + 1] + (z.f[i] - z.f[i + 1]) * uniform(rng) < (-x).p_exp() {
            return x;
        }
    }
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
        // The tail and the far wedges: P(X > 3) = e^−3 and P(X > 8) = e^−8 within 5 SE.
        let big = 2_000_000;
        let xs: Vec<f64> = (0..big).map(|_| unit_exponential(&mut rng)).collect();
        for t in [3.0f64, 8.0] {
            let p = xs.iter().filter(|&&x| x > t).count() as f64 / f64::from(big);
            let q = (-t).p_exp();
            assert!((p - q).abs() < 5.0 * (q * (1.0 - q) / f64::from(big)).sqrt(), "P(X > {t}) = {p} vs {q}");
        }
        // The ziggurat's layers hold the same area: its last edge lands on 0 within 1e-12.
        let z = &*EXP_ZIGGURAT;
        assert!((z.x[255] * (1.0 - z.f[255]) / ZIG_V - 1.0).abs() < 1e-10, "top layer {}", z.x[255]);
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
