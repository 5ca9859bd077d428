//! Analytic queueing formulas: Erlang B, Erlang C, Erlang A and non-preemptive priority
//! M/M/c. Steady state, Poisson arrivals, exponential handle times (and patience).
//!
//! Units: arrival rates **per second**, times in **seconds**, loads in Erlangs.
//!
//! * Erlang B (M/M/c/c): probability that an arrival finds every line busy.
//! * Erlang C (M/M/c): probability of waiting, service level P(W ≤ t), mean wait.
//! * Erlang A (M/M/c+M): as Erlang C with exponential patience of mean 1/θ. The
//!   waiting-time results use an exact representation: a caller finding k others waiting
//!   would start service after V = −ln(B)/θ with B ~ Beta(cμ/θ, k + 1), and is answered
//!   within t iff V ≤ min(t, patience); hence
//!   P(answered within t | k) = α/(α+k+1) · (1 − I_{e^{−θt}}(α+1, k+1)), α = cμ/θ,
//!   with I the regularised incomplete beta function.
//! * Priority M/M/c (Cobham 1954): mean wait of class k is
//!   W₀ / ((1 − σ_{k−1})(1 − σ_k)), W₀ = C(c, a)/(cμ), σ_k = Σ_{j≤k} λ_j/(cμ).

use crate::base::maths::{inc_beta, ln_gamma};
use crate::base::portable::Portable;
use crate::error::Error;

/// Checks a rate (per s) ≥ 0 and finite.
fn check_rate(rate: f64) -> Result<(), Error> {
    if rate.is_finite() && rate >= 0.0 {
        Ok(())
    } else {
        Err(Error::Input(format!("the arrival rate must be a finite number ≥ 0 per second, got {rate}")))
    }
}

/// Checks a duration (s) > 0 and finite.
fn check_time(what: &str, t: f64) -> Result<(), Error> {
    if t.is_finite() && t > 0.0 {
        Ok(())
    } else {
        Err(Error::Input(format!("the {what} must be longer than 0 s and finite, got {t} s")))
    }
}

/// Checks a headcount ≥ 1.
fn check_agents(agents: u32) -> Result<(), Error> {
    if agents >= 1 { Ok(()) } else { Err(Error::Input("the number of agents must be at least 1".into())) }
}

/// Load carried by `lines` lines offered `a` Erlangs: a·(1 − B), computed as
/// n / (n/a + B(a, n − 1)) so that it stays exact when B rounds to 1 (huge loads).
pub fn erlang_b_carried(a: f64, lines: u32) -> f64 {
    if lines == 0 || a <= 0.0 {
        return 0.0;
    }
    let n = f64::from(lines);
    n / (n / a + erlang_b(a, lines - 1))
}

/// Erlang B with checked arguments: blocking probability of `load` Erlangs (finite, ≥ 0)
/// offered to `lines` lines.
///
/// # Errors
///
/// [`Error::Input`] when the load is not finite and ≥ 0 or there are no lines.
pub fn erlang_b_checked(load: f64, lines: u32) -> Result<f64, Error> {
    if !(load.is_finite() && load >= 0.0) {
        return Err(Error::Input(format!("the offered load must be a finite number ≥ 0 Erlangs, got {load}")));
    }
    Ok(erlang_b(load, lines))
}

/// Erlang B: probability that an arrival finds all `lines` busy, offered load `a` Erlangs
/// (finite, ≥ 0; see [`erlang_b_checked`] for unchecked input).
pub fn erlang_b(a: f64, lines: u32) -> f64 {
    let mut b = 1.0;
    for k in 1..=lines {
        b = a * b / (f64::from(k) + a * b);
    }
    b
}

/// An M/M/c queue without abandonment.
#[derive(Debug, Clone, Copy)]
pub struct ErlangC {
    /// Arrival rate (per s).
    pub rate: f64,
    /// Mean handle time (s).
    pub aht: f64,
    /// Agents serving the queue.
    pub agents: u32,
}

impl ErlangC {
    /// An M/M/c queue: `rate` per second (finite, ≥ 0), mean handle time `aht` s (> 0),
    /// `agents` ≥ 1.
    ///
    /// # Errors
    ///
    /// [`Error::Input`] when the rate, handle time or agents are out of range.
    pub fn new(rate: f64, aht: f64, agents: u32) -> Result<ErlangC, Error> {
        check_rate(rate)?;
        check_time("mean handle time", aht)?;
        check_agents(agents)?;
        Ok(ErlangC { rate, aht, agents })
    }

    /// Offered load in Erlangs.
    pub fn load(&self) -> f64 {
        self.rate * self.aht
    }

    /// Whether the queue is stable (load < agents).
    pub fn is_stable(&self) -> bool {
        self.load() < f64::from(self.agents)
    }

    /// Probability that an arrival waits (1 when unstable).
    pub fn p_wait(&self) -> f64 {
        let a = self.load();
        let c = f64::from(self.agents);
        if a >= c {
            return 1.0;
        }
        let b = erlang_b(a, self.agents);
        c * b / (c - a * (1.0 - b))
    }

    /// P(wait ≤ t), t in seconds (0 when unstable).
    pub fn service_level(&self, t: f64) -> f64 {
        if !self.is_stable() {
            return 0.0;
        }
        let c = f64::from(self.agents);
        1.0 - self.p_wait() * (-(c - self.load()) * t / self.aht).p_exp()
    }

    /// Mean wait over all callers, s (∞ when unstable).
    pub fn asa(&self) -> f64 {
        if !self.is_stable() {
            return f64::INFINITY;
        }
        let c = f64::from(self.agents);
        self.p_wait() * self.aht / (c - self.load())
    }

    /// Mean busy agents / agents (1 when unstable).
    pub fn occupancy(&self) -> f64 {
        (self.load() / f64::from(self.agents)).min(1.0)
    }
}

/// An M/M/c+M queue: exponential patience with mean `patience` (s).
#[derive(Debug, Clone)]
pub struct ErlangA {
    /// Arrival rate (per s).
    pub rate: f64,
    /// Mean handle time (s).
    pub aht: f64,
    /// Agents serving the queue.
    pub agents: u32,
    /// Mean patience (s).
    pub patience: f64,
    /// P(arrival finds n < c in system), summed.
    p_immediate: f64,
    /// π_{c+k}: probability that an arrival finds k callers waiting (all agents busy).
    p_queue: Vec<f64>,
    /// When abandonment is negligible (θ < 10⁻⁹ cμ, a stable queue), the Erlang C queue it
    /// tends to: the series would lose its precision, the limit is exact to ~10⁻⁹.
    limit: Option<ErlangC>,
}

/// Relative size of θ against cμ below which Erlang A is taken at its Erlang C limit.
const NEGLIGIBLE_ABANDONMENT: f64 = 1e-9;
/// Queue states the Erlang A series may need (about 16 bytes each).
const MAX_QUEUE_STATES: f64 = 2e7;

impl ErlangA {
    /// Computes the stationary distribution: `rate` per second (finite, ≥ 0), mean handle
    /// time `aht` s (> 0), `agents` ≥ 1, mean patience `patience` s (> 0).
    ///
    /// # Errors
    ///
    /// [`Error::Input`] when the rate, handle time, agents or patience are out of range.
    pub fn new(rate: f64, aht: f64, agents: u32, patience: f64) -> Result<ErlangA, Error> {
        check_rate(rate)?;
        check_time("mean handle time", aht)?;
        check_agents(agents)?;
        check_time("mean patience", patience)?;
        let (c_mu, theta) = (f64::from(agents) / aht, 1.0 / patience);
        if rate < c_mu && theta < NEGLIGIBLE_ABANDONMENT * c_mu {
            let q = ErlangC::new(rate, aht, agents)?;
            return Ok(ErlangA {
                rate,
                aht,
                agents,
                patience,
                p_immediate: 1.0 - q.p_wait(),
                p_queue: Vec::new(),
                limit: Some(q),
            });
        }
        // The weights grow while λ > cμ + kθ: that many waiting states must be summed.
        let states = (rate - c_mu).max(0.0) / theta;
        if states > MAX_QUEUE_STATES {
            return Err(Error::Input(format!(
                "with {} Erlangs offered to {agents} agents and a mean patience of {}, about {} callers would wait at once; that cannot be computed here — give a shorter patience or more agents",
                crate::base::time::format_number(rate * aht),
                crate::base::time::format_duration(patience),
                crate::base::time::format_number(states.round())
            )));
        }
        Ok(ErlangA::solve(rate, aht, agents, patience))
    }

    fn solve(rate: f64, aht: f64, agents: u32, patience: f64) -> ErlangA {
        let mu = 1.0 / aht;
        let theta = 1.0 / patience;
        let a = rate * aht;
        let c = f64::from(agents);
        // Log-weights of states n = 0..c (a^n / n!) and c + k (times Π λ / (cμ + jθ)).
        let mut below = Vec::with_capacity(agents as usize);
        for n in 0..agents {
            let n = f64::from(n);
            below.push(if a > 0.0 {
                n * a.p_ln() - ln_gamma(n + 1.0)
            } else if n == 0.0 {
                0.0
            } else {
                f64::NEG_INFINITY
            });
        }
        let lw_c = if a > 0.0 { c * a.p_ln() - ln_gamma(c + 1.0) } else { f64::NEG_INFINITY };
        let mut above = vec![lw_c];
        let mut lw = lw_c;
        let mut max = below.iter().copied().fold(lw_c, f64::max);
        let mut k = 0u64;
        loop {
            k += 1;
            let step = rate.p_ln() - (c * mu + k as f64 * theta).p_ln();
            lw += step;
            above.push(lw);
            max = max.max(lw);
            // Stop once terms decrease and are negligible.
            if step < 0.0 && lw - max < -60.0 {
                break;
            }
            if k > 50_000_000 {
                break;
            }
        }
        let z: f64 = below.iter().chain(above.iter()).map(|&x| (x - max).p_exp()).sum();
        let p_immediate = below.iter().map(|&x| (x - max).p_exp() / z).sum();
        let p_queue = above.iter().map(|&x| (x - max).p_exp() / z).collect();
        ErlangA { rate, aht, agents, patience, p_immediate, p_queue, limit: None }
    }

    fn alpha(&self) -> f64 {
        f64::from(self.agents) * self.patience / self.aht
    }

    /// P(an arrival finds all agents busy).
    pub fn p_wait(&self) -> f64 {
        if let Some(q) = &self.limit {
            return q.p_wait();
        }
        self.p_queue.iter().sum()
    }

    /// Abandoned / offered.
    pub fn p_abandon(&self) -> f64 {
        if self.limit.is_some() {
            return 0.0;
        }
        let al = self.alpha();
        self.p_queue.iter().enumerate().map(|(k, p)| p * (k as f64 + 1.0) / (al + k as f64 + 1.0)).sum()
    }

    /// Answered with wait ≤ t, divided by offered (the `service_level` of `docs/kpis.md`).
    pub fn answered_within(&self, t: f64) -> f64 {
        if let Some(q) = &self.limit {
            return q.service_level(t);
        }
        let al = self.alpha();
        let x0 = (-t / self.patience).p_exp();
        let mut sum = self.p_immediate;
        for (k, &p) in self.p_queue.iter().enumerate() {
            if p < 1e-300 {
                continue;
            }
            let k = k as f64;
            let served = al / (al + k + 1.0);
            sum += p * served * (1.0 - inc_beta(x0, al + 1.0, k + 1.0));
        }
        sum
    }

    /// Answered with wait ≤ t, divided by answered.
    pub fn sl_of_answered(&self, t: f64) -> f64 {
        self.answered_within(t) / (1.0 - self.p_abandon())
    }

    /// Mean wait of answered callers, those answered at once counting 0 (s).
    pub fn asa(&self) -> f64 {
        if let Some(q) = &self.limit {
            return q.asa();
        }
        let al = self.alpha();
        let mut sum = 0.0;
        let mut harmonic = 0.0;
        for (k, &p) in self.p_queue.iter().enumerate() {
            let k = k as f64;
            harmonic += 1.0 / (al + 1.0 + k);
            sum += p * al / (al + k + 1.0) * self.patience * harmonic;
        }
        sum / (1.0 - self.p_abandon())
    }

    /// Mean time in queue over all arrivals, abandoners included (s).
    pub fn mean_wait_all(&self) -> f64 {
        if let Some(q) = &self.limit {
            return q.asa();
        }
        self.p_abandon() * self.patience
    }

    /// Mean busy agents / agents.
    pub fn occupancy(&self) -> f64 {
        self.rate * self.aht * (1.0 - self.p_abandon()) / f64::from(self.agents)
    }
}

/// Smallest number of agents whose service level P(answered within `within`) reaches
/// `target` (Erlang C, or Erlang A when `patience` is given). `None` if no headcount up to
/// a generous bound reaches it.
///
/// Arguments as for [`ErlangC::new`] and [`ErlangA::new`]; `within` ≥ 0 s, `target` in
/// (0, 1).
///
/// # Errors
///
/// [`Error::Input`] when the rate, handle time, threshold, target or patience are out of range.
pub fn agents_for_target(
    rate: f64,
    aht: f64,
    within: f64,
    target: f64,
    patience: Option<f64>,
) -> Result<Option<u32>, Error> {
    check_rate(rate)?;
    check_time("mean handle time", aht)?;
    if let Some(p) = patience {
        check_time("mean patience", p)?;
    }
    if !(within.is_finite() && within >= 0.0) {
        return Err(Error::Input(format!("the service-level threshold must be ≥ 0 s and finite, got {within} s")));
    }
    if !(target > 0.0 && target < 1.0) {
        return Err(Error::Input(format!("the target must be a share between 0 and 1 (exclusive), got {target}")));
    }
    Ok(min_agents(rate, aht, within, target, patience))
}

fn min_agents(rate: f64, aht: f64, within: f64, target: f64, patience: Option<f64>) -> Option<u32> {
    let a = rate * aht;
    let upper = (a + 20.0 * a.sqrt() + 1000.0).min(2_000_000.0) as u32;
    let start = match patience {
        None => a.floor() as u32 + 1,
        Some(_) => 1,
    };
    // Service level rises with agents: bisection after an exponential search.
    let meets = |c: u32| match patience {
        None => ErlangC { rate, aht, agents: c }.service_level(within) >= target,
        Some(p) => ErlangA::solve(rate, aht, c, p).answered_within(within) >= target,
    };
    let mut lo = start.max(1);
    if meets(lo) {
        return Some(lo);
    }
    let mut hi = lo + 1;
    while !meets(hi) {
        if hi >= upper {
            return None;
        }
        lo = hi;
        hi = (hi.saturating_mul(2)).min(upper).max(hi + 1);
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if meets(mid) { hi = mid } else { lo = mid }
    }
    Some(hi)
}

/// Non-preemptive priority M/M/c with a common handle time: mean wait of each class (s),
/// class 0 the most urgent. `Ok(None)` if the total load reaches the agents.
///
/// # Errors
///
/// [`Error::Input`] when a rate, the handle time or the agents are out of range.
pub fn priority_waits(rates: &[f64], aht: f64, agents: u32) -> Result<Option<Vec<f64>>, Error> {
    for &r in rates {
        check_rate(r)?;
    }
    let total: f64 = rates.iter().sum();
    let q = ErlangC::new(total, aht, agents)?;
    if !q.is_stable() {
        return Ok(None);
    }
    let cmu = f64::from(agents) / aht;
    let w0 = q.p_wait() / cmu;
    let mut sigma_prev = 0.0;
    let mut out = Vec::with_capacity(rates.len());
    for r in rates {
        let sigma = sigma_prev + r / cmu;
        out.push(w0 / ((1.0 - sigma_prev) * (1.0 - sigma)));
        sigma_prev = sigma;
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    /// Published Erlang B table values: the load that gives 1 % blocking on 5, 10, 20
    /// lines is 1.361, 4.461 and 12.031 Erlangs (tables round to three decimals).
    /// Extreme arguments give finite answers or a refusal, never NaN: very long patience
    /// tends to Erlang C; huge loads carry what the lines can.
    #[test]
    fn extremes_are_stable() {
        let (rate, aht, c) = (120.0 / 3600.0, 240.0, 10);
        let ec = ErlangC::new(rate, aht, c).unwrap();
        for patience in [1e9, 1e15, 1e308] {
            let ea = ErlangA::new(rate, aht, c, patience).unwrap();
            for v in [ea.p_wait(), ea.answered_within(20.0), ea.asa(), ea.mean_wait_all(), ea.occupancy()] {
                assert!(v.is_finite(), "patience {patience}: {v}");
            }
            assert!((ea.answered_within(20.0) - ec.service_level(20.0)).abs() < 1e-6, "patience {patience}");
        }
        // Overloaded with practically infinite patience: refused, not approximated.
        let e = ErlangA::new(rate, aht, 5, 1e308).err().unwrap().to_string();
        assert!(e.contains("cannot be computed") && e.contains("callers would wait"), "{e}");
        assert!((erlang_b_carried(1e308, 10) - 10.0).abs() < 1e-9);
        assert!((erlang_b_carried(8.0, 10) - 8.0 * (1.0 - erlang_b(8.0, 10))).abs() < 1e-12);
        assert_eq!(erlang_b_carried(0.0, 10), 0.0);
    }

    #[test]
    fn erlang_b_textbook_table() {
        for (a, n) in [(1.361, 5), (4.461, 10), (12.031, 20)] {
            assert!((erlang_b(a, n) - 0.01).abs() < 1e-4, "B({a}, {n}) = {}", erlang_b(a, n));
        }
        assert!(close(erlang_b(1.0, 1), 0.5, 1e-15));
        assert!(close(erlang_b(2.0, 3), 4.0 / 19.0, 1e-15));
    }

    /// Textbook closed forms: M/M/1 waits with probability ρ and mean ρ/(μ − λ);
    /// M/M/2 waits with probability 2ρ²/(1 + ρ).
    #[test]
    fn erlang_c_closed_forms() {
        let (lambda, aht) = (0.7 / 60.0, 60.0);
        let q = ErlangC::new(lambda, aht, 1).unwrap();
        assert!(close(q.p_wait(), 0.7, 1e-13));
        assert!(close(q.asa(), 0.7 / (1.0 / 60.0 - lambda), 1e-12));
        assert!(close(q.service_level(30.0), 1.0 - 0.7 * (-(1.0 - 0.7) * 0.5f64).p_exp(), 1e-13));
        let rho: f64 = 0.8;
        let q2 = ErlangC::new(2.0 * rho / 100.0, 100.0, 2).unwrap();
        assert!(close(q2.p_wait(), 2.0 * rho * rho / (1.0 + rho), 1e-13));
        assert_eq!(ErlangC::new(1.0, 10.0, 10).unwrap().p_wait(), 1.0);
    }

    /// Erlang A with very long patience tends to Erlang C; with c = 1 it matches the
    /// M/M/1+M birth–death chain computed directly.
    #[test]
    fn erlang_a_limits() {
        let (rate, aht, c) = (120.0 / 3600.0, 240.0, 10);
        let ec = ErlangC::new(rate, aht, c).unwrap();
        let ea = ErlangA::new(rate, aht, c, 1e9).unwrap();
        assert!(close(ea.p_wait(), ec.p_wait(), 1e-6));
        assert!(close(ea.answered_within(20.0), ec.service_level(20.0), 1e-6));
        assert!(close(ea.asa(), ec.asa(), 1e-5));
        // M/M/1+M: π_n ∝ Π_{j<n} λ/(μ + jθ) for n ≥ 1.
        let (l, m, th) = (1.0, 0.8, 0.5);
        let ea1 = ErlangA::new(l, 1.0 / m, 1, 1.0 / th).unwrap();
        let mut w = vec![1.0];
        for n in 1..200 {
            let prev = w[n - 1];
            w.push(prev * l / (m + (n as f64 - 1.0) * th));
        }
        let z: f64 = w.iter().sum();
        let p_wait = 1.0 - w[0] / z;
        let eq: f64 = w.iter().enumerate().skip(1).map(|(n, x)| (n as f64 - 1.0) * x / z).sum();
        assert!(close(ea1.p_wait(), p_wait, 1e-12));
        assert!(close(ea1.p_abandon(), th * eq / l, 1e-12));
    }

    #[test]
    fn minimum_agents() {
        // Monotone: the answer meets the target and one fewer does not.
        let (rate, aht) = (600.0 / 3600.0, 300.0);
        let n = agents_for_target(rate, aht, 20.0, 0.8, None).unwrap().unwrap();
        assert!(ErlangC::new(rate, aht, n).unwrap().service_level(20.0) >= 0.8);
        assert!(ErlangC::new(rate, aht, n - 1).unwrap().service_level(20.0) < 0.8);
        let na = agents_for_target(rate, aht, 20.0, 0.8, Some(120.0)).unwrap().unwrap();
        assert!(na <= n, "abandonment never needs more agents than Erlang C");
    }

    #[test]
    fn priority_pools_to_erlang_c() {
        let rates = [30.0 / 3600.0, 60.0 / 3600.0, 45.0 / 3600.0];
        let w = priority_waits(&rates, 240.0, 10).unwrap().unwrap();
        let total: f64 = rates.iter().sum();
        let pooled: f64 = rates.iter().zip(&w).map(|(r, x)| r * x).sum::<f64>() / total;
        assert!(close(pooled, ErlangC::new(total, 240.0, 10).unwrap().asa(), 1e-12));
        assert!(w[0] < w[1] && w[1] < w[2]);
        assert!(priority_waits(&[1.0], 20.0, 10).unwrap().is_none());
    }
}
