//! Fitting a runnable scenario from contact history (`ccsim fit`).
//!
//! From a [`History`], per channel:
//!
//! * **arrivals** per weekday and interval: the mean count over the days of the history
//!   that fall on that weekday (so day-of-week factors are in the profile), with the day
//!   factors reported;
//! * **handle time** per channel and contact type: lognormal by the mean and coefficient
//!   of variation of answered contacts' handle times, with the Kolmogorov–Smirnov distance
//!   of the fit;
//! * **patience** (channels where contacts abandon): the Kaplan–Meier estimate of the
//!   patience distribution from the waits — an abandonment is an observed patience, an
//!   answered or still-waiting contact a patience *longer* than its wait (right-censored) —
//!   then exponential and lognormal fits by censored maximum likelihood, the better by AIC
//!   written, both reported against the KM curve. The plain mean of the abandoners' waits
//!   is reported too, to show its bias: it only sees the impatient;
//! * **forecast error**: the coefficient of variation of daily volumes beyond Poisson
//!   noise, from days of the same weekday ((s² − mean) / mean², Poisson-gamma).
//!
//! Staffing cannot be inferred from who answered: it is copied from a template scenario,
//! or a first guess is written from Erlang C per interval, to be refined with `ccsim staff`.

use crate::Error;
use crate::base::portable::Portable;
use crate::base::time::{canonical_duration, format_duration, format_when};
use crate::data::history::{History, MAX_HISTORY_DAYS, Outcome, Record};
use crate::erlang::agents_for_target;
use crate::scenario::{ChannelKind, DAY, Scenario, ServiceTarget, Weekday};
use std::fmt::Write as _;

/// How to fit.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct FitOptions {
    /// Name of the scenario written.
    pub name: String,
    /// Planning interval (s); divides a day.
    pub interval: f64,
    /// Channel kinds by channel name; others are guessed from the name (`chat`, `mail`,
    /// `social`), else voice.
    pub kinds: Vec<(String, ChannelKind)>,
    /// Service-level target of every channel, and of the first guess of staffing.
    pub target: ServiceTarget,
    /// `[[agents]]` tables to use instead of the first guess (TOML text).
    pub agents: Option<String>,
    /// Where the history came from, for the header comment.
    pub source: String,
    /// Days the history covers (`None`: up to the day of its last contact).
    pub days: Option<usize>,
    /// Days at the end of the history held out of the fit and compared with what the fit
    /// predicts for them (an out-of-sample check); `None`: none.
    #[serde(default)]
    pub holdout: Option<usize>,
}

/// An out-of-sample check: the last days of the history, left out of the fit, against
/// what the fit predicts for their weekdays.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct HoldoutCheck {
    /// Days held out.
    pub days: usize,
    /// Days fitted (before them).
    pub fitted_days: usize,
    /// Per channel of the fit.
    pub channels: Vec<HoldoutChannel>,
}

/// One channel's out-of-sample check.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct HoldoutChannel {
    /// Channel name.
    pub name: String,
    /// Contacts in the held-out days.
    pub observed: f64,
    /// Contacts the fitted profile expects for them.
    pub expected: f64,
    /// Mean absolute percentage error of the held-out days' volumes (days with an
    /// expected volume).
    pub daily_mape: f64,
    /// Σ (observed − expected)² / expected over the held-out intervals with an expected
    /// count, divided by their number: about 1 when only Poisson noise separates them,
    /// above with forecast error or a changed pattern.
    pub dispersion: f64,
    /// Intervals in `dispersion`.
    pub intervals: usize,
    /// What `dispersion` is when Poisson noise alone separates them: 1 + 1/n, the fitted
    /// means being themselves averages of n same-weekday days.
    pub poisson_dispersion: f64,
    /// Mean handle time of the held-out answered contacts (s), and its standard error.
    pub aht_observed: Option<(f64, f64)>,
    /// The fitted mean handle time (s).
    pub aht_fitted: Option<f64>,
}

/// A lognormal fit by moments.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct LogNormalFit {
    /// Mean (s).
    pub mean: f64,
    /// Coefficient of variation.
    pub cv: f64,
    /// Standard error of the mean (s).
    pub se: f64,
    /// Observations.
    pub n: usize,
    /// Kolmogorov–Smirnov distance between the data and the fitted lognormal.
    pub ks: f64,
}

/// The patience of a channel, fitted from censored waits.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PatienceFit {
    /// Kaplan–Meier survival `(t, S(t))` at each distinct abandonment time.
    pub km: Vec<(f64, f64)>,
    /// Exponential fit: mean (s) and its standard error.
    pub exp_mean: f64,
    /// Standard error of `exp_mean`.
    pub exp_se: f64,
    /// Log-likelihood of the exponential fit.
    pub exp_ll: f64,
    /// Lognormal fit: (mean s, cv, log-likelihood), if it converged.
    pub lognormal: Option<(f64, f64, f64)>,
    /// Whether the lognormal fit is one to trust (its mean within reach of the waits
    /// seen, its spread bounded); an untrusted one is reported, never written.
    pub lognormal_trusted: bool,
    /// The fit written (the lower AIC).
    pub chosen_lognormal: bool,
    /// Mean wait of the contacts that abandoned (biased low: not a patience estimate).
    pub naive_mean: f64,
    /// Abandonments (observed patiences).
    pub events: usize,
    /// Answered or still waiting (censored).
    pub censored: usize,
    /// Resolution of the logged waits (s): 1 for whole seconds, 0 for exact values.
    pub resolution_s: f64,
}

impl PatienceFit {
    /// The mean patience of the fit written (s).
    pub fn mean(&self) -> f64 {
        match self.lognormal {
            Some((m, _, _)) if self.chosen_lognormal => m,
            _ => self.exp_mean,
        }
    }
}

/// One contact type's fit.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct TypeFit {
    /// Type name.
    pub name: String,
    /// Share of the channel's contacts.
    pub share: f64,
    /// Its handle time.
    pub handle: Option<LogNormalFit>,
}

/// One channel's fit.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ChannelFit {
    /// Channel name.
    pub name: String,
    /// Kind (given or guessed).
    pub kind: ChannelKind,
    /// Whether the kind was guessed from the name.
    pub kind_guessed: bool,
    /// Expected contacts per interval of the horizon written.
    pub per_interval: Vec<f64>,
    /// Standard error of each value of `per_interval`.
    pub per_interval_se: Vec<f64>,
    /// Day volume over the mean day's, per weekday present (Monday first).
    pub day_factors: [Option<f64>; 7],
    /// Handle time of answered contacts.
    pub handle: Option<LogNormalFit>,
    /// Contact types, when the history has them.
    pub types: Vec<TypeFit>,
    /// Patience, for channels where contacts abandon.
    pub patience: Option<PatienceFit>,
    /// Forecast cv from same-weekday days (`None`: no weekday repeats).
    pub forecast_cv: Option<f64>,
    /// Contacts, answered, abandoned.
    pub counts: (usize, usize, usize),
}

/// A fitted scenario.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Fit {
    /// Options used.
    pub options: FitOptions,
    /// Days of history.
    pub days: usize,
    /// Days of the scenario written (7, or fewer for a shorter history).
    pub horizon_days: usize,
    /// Weekday of time 0.
    pub start_day: Weekday,
    /// Per channel, in order of first appearance.
    pub channels: Vec<ChannelFit>,
    /// What could not be inferred, and other remarks.
    pub notes: Vec<String>,
    /// Rows read and dropped.
    pub rows: (usize, usize),
    /// The out-of-sample check, with `holdout`.
    #[serde(default)]
    pub holdout: Option<HoldoutCheck>,
}

fn moments(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = if xs.len() > 1 { xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0) } else { 0.0 };
    (mean, var.sqrt())
}

/// Complementary error function (Numerical Recipes' erfcc, fractional error < 1.2e-7).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .p_exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

/// P(X ≤ x) for a lognormal with parameters `mu`, `sigma`.
fn lognormal_cdf(x: f64, mu: f64, sigma: f64) -> f64 {
    if x <= 0.0 { 0.0 } else { 0.5 * erfc(-(x.p_ln() - mu) / (sigma * std::f64::consts::SQRT_2)) }
}

/// Lognormal by moments, with its KS distance to the data.
fn lognormal_fit(xs: &[f64]) -> Option<LogNormalFit> {
    if xs.is_empty() {
        return None;
    }
    let (mean, sd) = moments(xs);
    let cv = if mean > 0.0 { sd / mean } else { 0.0 };
    let s2 = (1.0 + cv * cv).p_ln();
    let (mu, sigma) = (mean.max(1e-9).p_ln() - s2 / 2.0, s2.sqrt().max(1e-9));
    let mut sorted = xs.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len() as f64;
    let ks = sorted
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let f = lognormal_cdf(x, mu, sigma);
            (f - i as f64 / n).abs().max(((i + 1) as f64 / n - f).abs())
        })
        .fold(0.0, f64::max);
    Some(LogNormalFit { mean, cv, se: sd / n.sqrt(), n: xs.len(), ks })
}

/// Nelder–Mead minimisation of `f` over two parameters from `x0` (steps `step`).
fn nelder_mead(f: impl Fn([f64; 2]) -> f64, x0: [f64; 2], step: [f64; 2]) -> [f64; 2] {
    let mut s = [x0, [x0[0] + step[0], x0[1]], [x0[0], x0[1] + step[1]]];
    let mut v = s.map(&f);
    for _ in 0..400 {
        let mut idx = [0, 1, 2];
        idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
        let (b, m, w) = (idx[0], idx[1], idx[2]);
        if (v[w] - v[b]).abs() < 1e-10 * (1.0 + v[b].abs()) {
            break;
        }
        let c = [(s[b][0] + s[m][0]) / 2.0, (s[b][1] + s[m][1]) / 2.0];
        let at = |t: f64| [c[0] + t * (s[w][0] - c[0]), c[1] + t * (s[w][1] - c[1])];
        let r = at(-1.0);
        let fr = f(r);
        if fr < v[b] {
            let e = at(-2.0);
            let fe = f(e);
            (s[w], v[w]) = if fe < fr { (e, fe) } else { (r, fr) };
        } else if fr < v[m] {
            (s[w], v[w]) = (r, fr);
        } else {
            let k = at(0.5);
            let fk = f(k);
            if fk < v[w] {
                (s[w], v[w]) = (k, fk);
            } else {
                for i in [m, w] {
                    s[i] = [(s[i][0] + s[b][0]) / 2.0, (s[i][1] + s[b][1]) / 2.0];
                    v[i] = f(s[i]);
                }
            }
        }
    }
    let best = (0..3).min_by(|&a, &b| v[a].total_cmp(&v[b])).unwrap_or(0);
    s[best]
}

/// The resolution of logged waits (s): 1 when every wait is a whole number of seconds
/// (ACD exports), 0.001 when every wait has at most three decimals (ccsim's `--log`),
/// else 0 (exact).
fn wait_resolution(waits: impl Iterator<Item = f64> + Clone) -> f64 {
    if waits.clone().all(|w| w.fract() == 0.0) {
        1.0
    } else if waits.clone().all(|w| ((w * 1000.0).round() - w * 1000.0).abs() < 1e-6 * (1.0 + w)) {
        0.001
    } else {
        0.0
    }
}

/// A patience family's distribution function and log-density.
trait Family {
    fn cdf(&self, t: f64) -> f64;
    fn ln_pdf(&self, t: f64) -> f64;
}

struct Exponential(f64);
struct LogNormal(f64, f64);

impl Family for Exponential {
    fn cdf(&self, t: f64) -> f64 {
        if t <= 0.0 { 0.0 } else { -(-t / self.0).p_exp_m1() }
    }
    fn ln_pdf(&self, t: f64) -> f64 {
        -self.0.p_ln() - t / self.0
    }
}

impl Family for LogNormal {
    fn cdf(&self, t: f64) -> f64 {
        lognormal_cdf(t, self.0, self.1)
    }
    fn ln_pdf(&self, t: f64) -> f64 {
        let z = (t.p_ln() - self.0) / self.1;
        -(t * self.1 * (2.0 * std::f64::consts::PI).sqrt()).p_ln() - z * z / 2.0
    }
}

/// The log-likelihood of the waits `obs` (wait, abandoned) under `f`, every observation
/// counted: an abandonment logged at t with resolution r is a patience in
/// [t − r/2, t + r/2) (at 0: below r/2; exact data: the density, and below a millisecond
/// at 0), an answered or still-waiting contact a patience above its wait. Both families
/// are judged on the same data, so their AIC compare.
fn log_likelihood(f: &dyn Family, obs: &[(f64, bool)], r: f64) -> f64 {
    let mut ll = 0.0;
    for &(t, abandoned) in obs {
        ll += if !abandoned {
            (1.0 - f.cdf(t)).max(1e-300).p_ln()
        } else if r > 0.0 {
            (f.cdf(t + r / 2.0) - f.cdf((t - r / 2.0).max(0.0))).max(1e-300).p_ln()
        } else if t > 0.0 {
            f.ln_pdf(t)
        } else {
            f.cdf(1e-3).max(1e-300).p_ln()
        };
    }
    ll
}

/// Longest mean patience written (s): beyond it the log cannot tell patience from none.
pub const MAX_PATIENCE_S: f64 = 30.0 * DAY;

/// Patience from the waits of a live channel's contacts (see the module documentation):
/// Kaplan–Meier, then exponential and lognormal by maximum likelihood on the same data,
/// whole-second waits read as the intervals they stand for.
pub fn patience_fit(records: &[&Record]) -> Option<PatienceFit> {
    let mut obs: Vec<(f64, bool)> = records.iter().map(|r| (r.wait_s, r.outcome == Outcome::Abandoned)).collect();
    let events = obs.iter().filter(|o| o.1).count();
    if events == 0 {
        return None;
    }
    obs.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
    // Kaplan–Meier: at each distinct event time, S ×= 1 − deaths / at risk.
    let mut km = Vec::new();
    let mut s = 1.0;
    let mut at_risk = obs.len();
    let mut i = 0;
    while i < obs.len() {
        let t = obs[i].0;
        let (mut d, mut c) = (0, 0);
        while i < obs.len() && obs[i].0 == t {
            if obs[i].1 {
                d += 1
            } else {
                c += 1
            }
            i += 1;
        }
        if d > 0 {
            s *= 1.0 - d as f64 / at_risk as f64;
            km.push((t, s));
        }
        at_risk -= d + c;
    }
    let r = wait_resolution(obs.iter().map(|o| o.0));
    let exposure: f64 = obs.iter().map(|o| o.0).sum::<f64>() + r / 2.0 * events as f64;
    let guess = (exposure / events as f64).max(1e-3);
    // Exponential: one parameter, golden-section search on ln(mean).
    let nll_exp = |m: f64| -log_likelihood(&Exponential(m.p_exp()), &obs, r);
    let (mut a, mut b) = (guess.p_ln() - 6.0, guess.p_ln() + 6.0);
    let g = (5f64.sqrt() - 1.0) / 2.0;
    for _ in 0..120 {
        let (x1, x2) = (b - g * (b - a), a + g * (b - a));
        if nll_exp(x1) < nll_exp(x2) {
            b = x2;
        } else {
            a = x1;
        }
    }
    let exp_mean = ((a + b) / 2.0).p_exp();
    let exp_ll = -nll_exp((a + b) / 2.0);
    let naive: Vec<f64> = obs.iter().filter(|o| o.1).map(|o| o.0).collect();
    // Lognormal: (μ, ln σ) by Nelder–Mead.
    let nll_ln = |p: [f64; 2]| -> f64 {
        let sigma = p[1].p_exp();
        if !(sigma.is_finite() && sigma > 1e-6) {
            return f64::INFINITY;
        }
        -log_likelihood(&LogNormal(p[0], sigma), &obs, r)
    };
    let p = nelder_mead(nll_ln, [exp_mean.p_ln() - 0.3, 0.0], [0.5, 0.3]);
    let (mu, sigma) = (p[0], p[1].p_exp());
    let ln_ll = -nll_ln(p);
    let longest = obs.last().map_or(0.0, |o| o.0);
    let ln_mean = (mu + sigma * sigma / 2.0).p_exp();
    let ln_cv = ((sigma * sigma).p_exp() - 1.0).sqrt();
    // A lognormal whose mean lies far beyond every wait seen, or whose spread explodes,
    // is the optimiser running off where the data say nothing, and one with almost no
    // spread is degenerate: neither is a fit to trust.
    let trusted = ln_ll.is_finite()
        && (0.01..=10.0).contains(&ln_cv)
        && ln_mean <= MAX_PATIENCE_S
        && ln_mean <= 20.0 * longest.max(exp_mean);
    let lognormal = ln_ll.is_finite().then_some((ln_mean, ln_cv, ln_ll));
    // AIC: 2k − 2 ln L (1 parameter against 2).
    let chosen_lognormal = trusted && 4.0 - 2.0 * ln_ll < 2.0 - 2.0 * exp_ll;
    Some(PatienceFit {
        km,
        exp_mean,
        exp_se: exp_mean / (events as f64).sqrt(),
        exp_ll,
        lognormal,
        lognormal_trusted: trusted,
        chosen_lognormal,
        naive_mean: naive.iter().sum::<f64>() / naive.len() as f64,
        events,
        censored: obs.len() - events,
        resolution_s: r,
    })
}

fn guess_kind(name: &str) -> ChannelKind {
    let n = name.to_lowercase();
    if n.contains("chat") {
        ChannelKind::Chat
    } else if n.contains("mail") {
        ChannelKind::Email
    } else if n.contains("social") || n.contains("twitter") || n.contains("facebook") {
        ChannelKind::Social
    } else {
        ChannelKind::Voice
    }
}

/// Fits a scenario to a history.
///
/// # Errors
///
/// [`Error::Input`] when the interval does not divide a day, `days` is shorter than the
/// history, or a channel has no answered contact to fit a handle time from.
pub fn fit(h: &History, opts: &FitOptions) -> Result<Fit, Error> {
    let Some(k) = opts.holdout else { return fit_history(h, opts).map_err(Error::Input) };
    let whole = fit_history(h, &FitOptions { holdout: None, ..opts.clone() }).map_err(Error::Input)?;
    let days = whole.days;
    if !(k >= 1 && k + 7 <= days) {
        return Err(Error::Input(format!(
            "--holdout {k}: the history has {days} day(s); hold out from 1 day to all but its first week ({} at most)",
            days.saturating_sub(7)
        )));
    }
    let cut = (days - k) as f64 * DAY;
    let train = History {
        records: h.records.iter().filter(|r| r.arrival_s < cut).cloned().collect(),
        dropped: Vec::new(),
        ..h.clone()
    };
    let mut f = fit_history(&train, &FitOptions { days: Some(days - k), holdout: None, ..opts.clone() })
        .map_err(Error::Input)?;
    f.rows = whole.rows;
    f.notes.push(format!(
        "fitted on the first {} days; the last {k} are held out and compared with the fit (out of sample)",
        days - k
    ));
    f.holdout = Some(holdout_check(h, &f, days - k, k));
    Ok(f)
}

/// The held-out days `[first, first + k)` of `h` against the fit `f` of the days before.
fn holdout_check(h: &History, f: &Fit, first: usize, k: usize) -> HoldoutCheck {
    let interval = f.options.interval;
    let per_day = (DAY / interval) as usize;
    let weekday = |d: usize| h.start_day.plus(d).0;
    // The profile's day (of its first week) falling on each weekday.
    let profile_day = |w: u8| (0..f.horizon_days).find(|&p| weekday(p) == w);
    let channels = f
        .channels
        .iter()
        .map(|c| {
            let mut counts = vec![vec![0.0f64; per_day]; k];
            let mut handles = Vec::new();
            for r in h.records.iter().filter(|r| r.channel == c.name && r.arrival_s >= first as f64 * DAY) {
                let d = ((r.arrival_s / DAY) as usize).saturating_sub(first).min(k - 1);
                let j = (((r.arrival_s / DAY).fract() * DAY / interval) as usize).min(per_day - 1);
                counts[d][j] += 1.0;
                handles.extend(r.handle_s);
            }
            let (mut observed, mut expected, mut ape, mut days_with, mut chi, mut n) = (0.0, 0.0, 0.0, 0, 0.0, 0);
            for (d, day) in counts.iter().enumerate() {
                let Some(p) = profile_day(weekday(first + d)) else { continue };
                let profile = &c.per_interval[p * per_day..(p + 1) * per_day];
                let (o, e): (f64, f64) = (day.iter().sum(), profile.iter().sum());
                observed += o;
                expected += e;
                if e > 0.0 {
                    ape += (o - e).abs() / e;
                    days_with += 1;
                }
                for (x, m) in day.iter().zip(profile) {
                    if *m > 0.0 {
                        chi += (x - m).powi(2) / m;
                        n += 1;
                    }
                }
            }
            let aht_observed = (handles.len() > 1).then(|| {
                let (m, sd) = moments(&handles);
                (m, sd / (handles.len() as f64).sqrt())
            });
            HoldoutChannel {
                name: c.name.clone(),
                observed,
                expected,
                daily_mape: if days_with > 0 { ape / f64::from(days_with) } else { f64::NAN },
                dispersion: if n > 0 { chi / n as f64 } else { f64::NAN },
                intervals: n,
                poisson_dispersion: 1.0 + 7.0 / first.max(1) as f64,
                aht_observed,
                aht_fitted: c.handle.map(|h| h.mean),
            }
        })
        .collect();
    HoldoutCheck { days: k, fitted_days: first, channels }
}

fn fit_history(h: &History, opts: &FitOptions) -> Result<Fit, String> {
    let per_day = DAY / opts.interval;
    if !(opts.interval >= 60.0 && per_day >= 1.0 && per_day.fract() == 0.0) {
        return Err(format!(
            "--interval {}: a planning interval is at least 1 minute and divides a day (15m, 30m, 1h)",
            format_duration(opts.interval)
        ));
    }
    if let Some(d) = opts.days
        && !(1..=MAX_HISTORY_DAYS as usize).contains(&d)
    {
        return Err(format!("--days {d}: a history covers 1 to {MAX_HISTORY_DAYS} days"));
    }
    let per_day = per_day as usize;
    let last = h.records.iter().map(|r| r.arrival_s).fold(0.0, f64::max);
    let seen = ((last / DAY).floor() as usize + 1).max(1);
    let mut notes = Vec::new();
    let days = match opts.days {
        Some(d) if d < seen => {
            return Err(format!("--days {d}: the history has contacts on day {seen}"));
        }
        Some(d) => d,
        None => {
            // The log ends at its last contact; if the one or two days after it up to
            // whole weeks fall on weekdays without a single contact anywhere in the log
            // (a closed Sunday, a closed weekend), the export covered them too: take the
            // whole weeks.
            let whole = seen.div_ceil(7) * 7;
            let mut busy = [false; 7];
            for r in &h.records {
                busy[usize::from(h.start_day.plus((r.arrival_s / DAY) as usize).0)] = true;
            }
            let closed_tail = (seen..whole).all(|d| !busy[usize::from(h.start_day.plus(d).0)]);
            if seen > 7 && whole > seen && whole - seen <= 2 && closed_tail {
                notes.push(format!(
                    "the last contact is on day {seen}, and the log has no contact on any {} in it: taken as {whole} days (whole weeks, closed days at the end); say --days otherwise",
                    (seen..whole).map(|d| h.start_day.plus(d).name()).collect::<Vec<_>>().join(" or ")
                ));
                whole
            } else {
                seen
            }
        }
    };
    let horizon_days = days.min(7);
    let weekday_of_day = |d: usize| usize::from(h.start_day.plus(d).0);
    // Days of the history on each weekday.
    let mut occurrences = [0usize; 7];
    for d in 0..days {
        occurrences[weekday_of_day(d)] += 1;
    }
    let mut names: Vec<&str> = Vec::new();
    for r in &h.records {
        if !names.contains(&r.channel.as_str()) {
            names.push(&r.channel);
        }
    }
    let mut channels = Vec::new();
    for name in names {
        let recs: Vec<&Record> = h.records.iter().filter(|r| r.channel == name).collect();
        let stated = opts.kinds.iter().chain(&h.kinds).find(|(n, _)| n == name);
        let (kind, kind_guessed) = match stated {
            Some((_, k)) => (*k, false),
            None => (guess_kind(name), true),
        };
        // Counts per (day, interval of the day).
        let mut counts = vec![vec![0usize; per_day]; days];
        for r in &recs {
            let d = ((r.arrival_s / DAY) as usize).min(days - 1);
            let j = (((r.arrival_s - d as f64 * DAY) / opts.interval) as usize).min(per_day - 1);
            counts[d][j] += 1;
        }
        let mut per_interval = Vec::with_capacity(horizon_days * per_day);
        let mut per_interval_se = Vec::with_capacity(horizon_days * per_day);
        for k in 0..horizon_days {
            let w = weekday_of_day(k);
            let same: Vec<usize> = (0..days).filter(|&d| weekday_of_day(d) == w).collect();
            let same_days: Vec<&Vec<usize>> = same.iter().map(|&d| &counts[d]).collect();
            for j in 0..per_day {
                let xs: Vec<f64> = same_days.iter().map(|day| day[j] as f64).collect();
                let mean = xs.iter().sum::<f64>() / xs.len() as f64;
                per_interval.push(mean);
                // Poisson: var = mean; over n days the mean's se is √(mean / n).
                per_interval_se.push((mean / xs.len() as f64).sqrt());
            }
        }
        let daily: Vec<(usize, f64)> =
            (0..days).map(|d| (weekday_of_day(d), counts[d].iter().sum::<usize>() as f64)).collect();
        let mean_day = daily.iter().map(|d| d.1).sum::<f64>() / days as f64;
        let mut day_factors = [None; 7];
        for (w, f) in day_factors.iter_mut().enumerate() {
            if occurrences[w] > 0 && mean_day > 0.0 {
                let v: f64 = daily.iter().filter(|d| d.0 == w).map(|d| d.1).sum::<f64>() / occurrences[w] as f64;
                *f = Some(v / mean_day);
            }
        }
        // Forecast cv from same-weekday days: pooled (s² − mean) / mean².
        let (mut num, mut den) = (0.0, 0.0);
        for w in 0..7 {
            let xs: Vec<f64> = daily.iter().filter(|d| d.0 == w).map(|d| d.1).collect();
            if xs.len() >= 2 {
                let (m, sd) = moments(&xs);
                if m > 0.0 {
                    num += (xs.len() - 1) as f64 * (sd * sd - m) / (m * m);
                    den += (xs.len() - 1) as f64;
                }
            }
        }
        let forecast_cv = (den > 0.0).then(|| if num > 0.0 { (num / den).sqrt() } else { 0.0 });
        let handles: Vec<f64> = recs.iter().filter_map(|r| r.handle_s).collect();
        let mut type_names: Vec<&str> = Vec::new();
        for r in &recs {
            if let Some(t) = r.contact_type.as_deref()
                && !type_names.contains(&t)
            {
                type_names.push(t);
            }
        }
        let types = if type_names.len() > 1 {
            type_names
                .iter()
                .map(|t| {
                    let of: Vec<&&Record> = recs.iter().filter(|r| r.contact_type.as_deref() == Some(t)).collect();
                    let hs: Vec<f64> = of.iter().filter_map(|r| r.handle_s).collect();
                    TypeFit {
                        name: t.to_string(),
                        share: of.len() as f64 / recs.len() as f64,
                        handle: lognormal_fit(&hs),
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        let patience = if kind.is_live() { patience_fit(&recs) } else { None };
        if let Some(p) = &patience
            && p.mean() > MAX_PATIENCE_S
        {
            notes.push(format!(
                "{name}: the patience fitted from {} abandonments among {} contacts has a mean of {}, beyond what the log can tell; written as {} (customers practically never abandon)",
                p.events,
                p.events + p.censored,
                format_duration(p.mean().min(1e12)),
                format_duration(MAX_PATIENCE_S)
            ));
        }
        let answered = recs.iter().filter(|r| r.outcome == Outcome::Answered).count();
        let abandoned = recs.iter().filter(|r| r.outcome == Outcome::Abandoned).count();
        if !kind.is_live() && abandoned > 0 {
            notes.push(format!("{name}: {abandoned} contacts abandoned, but {} channels cannot abandon; they are left out of the patience fit", kind.name()));
        }
        if handles.is_empty() {
            return Err(format!("channel `{name}` has no answered contact: its handle time cannot be fitted"));
        }
        channels.push(ChannelFit {
            name: name.to_string(),
            kind,
            kind_guessed,
            per_interval,
            per_interval_se,
            day_factors,
            handle: lognormal_fit(&handles),
            types,
            patience,
            forecast_cv,
            counts: (recs.len(), answered, abandoned),
        });
    }
    if opts.days.is_none() && days % 7 != 0 && days == seen {
        notes.push(format!("the last contact is on day {days}; if the export covers more days (closed days at its end), say so with --days"));
    }
    if days < 7 {
        notes.push(format!(
            "{days} day(s) of history: the scenario covers those days only; a week or more gives every weekday"
        ));
    }
    if days < 14 {
        notes.push("fewer than two weeks of history: forecast error is estimated from few days (or not at all)".into());
    }
    if opts.agents.is_none() {
        notes.push(format!(
            "staffing cannot be inferred from a contact log: a first guess from Erlang C ({:.0} % in {}) is written per interval; refine it with `ccsim staff`, or give --template with your [[agents]]",
            100.0 * opts.target.share,
            format_duration(opts.target.within)
        ));
    }
    Ok(Fit {
        options: opts.clone(),
        days,
        horizon_days,
        start_day: h.start_day,
        channels,
        notes,
        rows: (h.rows, h.dropped.len()),
        holdout: None,
    })
}

fn dist_toml(f: &LogNormalFit) -> String {
    // Written to three decimals: a cv below 0.0005 would read as 0, which no lognormal has.
    if f.cv >= 0.0005 {
        format!("{{ dist = \"lognormal\", mean = \"{}\", cv = {:.3} }}", canonical_duration(round0(f.mean)), f.cv)
    } else {
        format!("{{ dist = \"deterministic\", value = \"{}\" }}", canonical_duration(round0(f.mean)))
    }
}

/// Shares written with four decimals that add up to exactly 1 as written: each rounded to
/// ten-thousandths, the rounding remainder given to the largest (three types of a third
/// are 0.3334, 0.3333, 0.3333, not 0.3333 × 3 = 0.9999, which the scenario refuses).
fn shares_summing_to_one(shares: &[f64]) -> Vec<String> {
    let total: f64 = shares.iter().sum();
    let mut units: Vec<i64> = shares.iter().map(|s| (s / total * 10_000.0).round() as i64).collect();
    let gap = 10_000 - units.iter().sum::<i64>();
    if let Some(i) = (0..units.len()).max_by(|&a, &b| shares[a].total_cmp(&shares[b]).then(b.cmp(&a))) {
        units[i] += gap;
    }
    units.iter().map(|u| format!("{}.{:04}", u / 10_000, u % 10_000)).collect()
}

fn round0(x: f64) -> f64 {
    x.round().max(1.0)
}

fn toml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

impl Fit {
    /// The fitted scenario: its text (a runnable scenario file) and the scenario checked
    /// from it, named `file` in messages. What `ccsim fit` writes must load.
    ///
    /// # Errors
    ///
    /// [`Error::Input`] when the text does not check — said in terms of the log and the
    /// options (the channel, the field, a kind guessed from a name and how to state it),
    /// never located in the file that is not written.
    pub fn scenario(&self, file: &str) -> Result<(String, Scenario), Error> {
        let text = self.scenario_toml();
        match Scenario::from_toml(&text, file) {
            Ok(scenario) => Ok((text, scenario)),
            Err(e) => {
                let problems: Vec<String> = e
                    .problems
                    .iter()
                    .map(|p| match &p.field {
                        Some(f) => format!("{}: {}", self.described(f), p.message),
                        None => p.message.clone(),
                    })
                    .collect();
                let guessed: Vec<String> = self
                    .channels
                    .iter()
                    .filter(|c| c.kind_guessed)
                    .map(|c| {
                        let arg = format!("{}={}", c.name, c.kind.name());
                        if arg.contains(' ') { format!("--kind '{arg}'") } else { format!("--kind {arg}") }
                    })
                    .collect();
                let hint = if guessed.is_empty() {
                    String::new()
                } else {
                    format!(
                        "\nthe kinds of {} were guessed from the names; if one is wrong, state it (for example {})",
                        if guessed.len() == 1 { "one channel" } else { "some channels" },
                        guessed.join(" ")
                    )
                };
                Err(Error::Input(format!(
                    "{}: no runnable scenario can be written from this log with these options:\n  {}{hint}",
                    self.options.source,
                    problems.join("\n  ")
                )))
            }
        }
    }

    /// A field path of the fitted scenario in the words of the log and the options:
    /// `channel[1].…` becomes the channel's name, `agents[0].…` the template's group.
    fn described(&self, field: &str) -> String {
        let index = |rest: &str| rest.split(']').next().and_then(|n| n.parse::<usize>().ok());
        if let Some(rest) = field.strip_prefix("channel[")
            && let Some(c) = index(rest).and_then(|i| self.channels.get(i))
        {
            let tail = rest.split_once("].").map_or("", |x| x.1);
            return format!("channel `{}` of the log ({tail})", c.name);
        }
        if let Some(rest) = field.strip_prefix("agents[") {
            let tail = rest.split_once("].").map_or("", |x| x.1);
            let from = if self.options.agents.is_some() { "the template's" } else { "the first-guess" };
            return format!("{from} agent group {} ({tail})", index(rest).map_or(0, |i| i + 1));
        }
        field.to_owned()
    }

    /// The fitted scenario's text.
    pub fn scenario_toml(&self) -> String {
        let o = &self.options;
        let mut t = String::new();
        let _ = writeln!(
            t,
            "# Fitted by `ccsim fit` from {} ({} rows used, {} dropped).",
            o.source,
            self.rows.0 - self.rows.1,
            self.rows.1
        );
        let _ = writeln!(
            t,
            "# {} day(s) of history from a {}; arrivals are the mean per weekday and interval.",
            self.days,
            self.start_day.name()
        );
        for n in &self.notes {
            let _ = writeln!(t, "# Note: {n}.");
        }
        let _ = writeln!(t, "name = {}", toml_str(&o.name));
        let _ = writeln!(t, "description = {}", toml_str(&format!("Fitted from {}", o.source)));
        let _ = writeln!(
            t,
            "seed = 1\nreplications = 20\nhorizon = \"{}d\"\ninterval = \"{}\"",
            self.horizon_days,
            canonical_duration(o.interval)
        );
        let _ = writeln!(t, "start_day = \"{}\"", self.start_day.name());
        let per_day = (DAY / o.interval) as usize;
        for c in &self.channels {
            let _ = writeln!(t, "\n[[channel]]\nname = {}", toml_str(&c.name));
            let guessed = if c.kind_guessed { "  # guessed from the name; set it with --kind NAME=KIND" } else { "" };
            let _ = writeln!(t, "kind = \"{}\"{guessed}", c.kind.name());
            let _ = writeln!(
                t,
                "service_level = {{ target = {}, within = \"{}\" }}",
                o.target.share,
                canonical_duration(o.target.within)
            );
            let _ = writeln!(t, "# {} contacts: {} answered, {} abandoned.", c.counts.0, c.counts.1, c.counts.2);
            let factors: Vec<String> = c
                .day_factors
                .iter()
                .enumerate()
                .filter_map(|(w, f)| f.map(|f| format!("{} {f:.2}", Weekday(w as u8).name())))
                .collect();
            let _ = writeln!(t, "# Day factors (day volume / mean day): {}.", factors.join(", "));
            let _ = writeln!(t, "arrivals = {{ per_interval = [");
            for d in 0..self.horizon_days {
                let row: Vec<String> = c.per_interval[d * per_day..(d + 1) * per_day]
                    .iter()
                    .map(|x| format!("{}", (x * 100.0).round() / 100.0))
                    .collect();
                let _ = writeln!(
                    t,
                    "    # {}",
                    format_when(d as f64 * DAY, self.start_day).split(' ').next().unwrap_or("")
                );
                for chunk in row.chunks(12) {
                    let _ = writeln!(t, "    {},", chunk.join(", "));
                }
            }
            let _ = writeln!(t, "] }}");
            if let Some(hf) = &c.handle {
                let _ = writeln!(
                    t,
                    "# Handle time: {} answered, mean {:.1} s ± {:.1}, cv {:.2}, KS distance {:.3}.",
                    hf.n, hf.mean, hf.se, hf.cv, hf.ks
                );
                let _ = writeln!(t, "handle_time = {}", dist_toml(hf));
            }
            if let Some(p) = &c.patience {
                let ln = p.lognormal.map_or("did not converge".to_string(), |(m, cv, ll)| {
                    format!("mean {m:.1} s, cv {cv:.2}, log-likelihood {ll:.1}")
                });
                let _ = writeln!(
                    t,
                    "# Patience (Kaplan–Meier, {} abandoned, {} censored): exponential mean {:.1} s ± {:.1} (log-likelihood {:.1}); lognormal {ln}. Mean wait of abandoners {:.1} s (biased: not a patience).",
                    p.events, p.censored, p.exp_mean, p.exp_se, p.exp_ll, p.naive_mean
                );
                let patience = match p.lognormal {
                    Some((m, cv, _)) if p.chosen_lognormal => format!(
                        "{{ dist = \"lognormal\", mean = \"{}\", cv = {cv:.3} }}",
                        canonical_duration(round0(m.min(MAX_PATIENCE_S)))
                    ),
                    _ => format!(
                        "{{ dist = \"exponential\", mean = \"{}\" }}",
                        canonical_duration(round0(p.exp_mean.min(MAX_PATIENCE_S)))
                    ),
                };
                let _ = writeln!(t, "patience = {patience}");
            }
            match c.forecast_cv {
                Some(cv) if cv > 0.0 => {
                    let _ = writeln!(
                        t,
                        "# Daily volumes vary beyond Poisson noise (same-weekday days).\nforecast = {{ day_cv = {cv:.3} }}"
                    );
                }
                Some(_) => {
                    let _ = writeln!(t, "# Daily volumes vary no more than Poisson noise: no forecast error written.");
                }
                None => {
                    let _ = writeln!(t, "# No weekday repeats in the history: forecast error unknown.");
                }
            }
            let shares = shares_summing_to_one(&c.types.iter().map(|ty| ty.share).collect::<Vec<_>>());
            for (ty, share) in c.types.iter().zip(shares) {
                let _ = writeln!(t, "[[channel.type]]\nname = {}\nshare = {share}", toml_str(&ty.name));
                if let Some(hf) = &ty.handle {
                    let _ = writeln!(t, "handle_time = {}", dist_toml(hf));
                }
            }
        }
        match &o.agents {
            Some(agents) => {
                let _ = writeln!(t, "\n# Agent groups copied from the template.\n{agents}");
            }
            None => {
                for c in &self.channels {
                    let aht = c.handle.map_or(300.0, |h| h.mean);
                    let patience = c.patience.as_ref().map(|p| p.mean());
                    let staff: Vec<String> = c
                        .per_interval
                        .iter()
                        .map(|&n| {
                            if n <= 0.0 {
                                return "0".into();
                            }
                            let rate = n / o.interval;
                            let agents = if c.kind.is_live() {
                                agents_for_target(rate, aht, o.target.within, o.target.share, patience).ok().flatten()
                            } else {
                                Some((rate * aht).ceil() as u32 + 1)
                            };
                            agents.unwrap_or(((rate * aht).ceil() as u32).max(1) + 1).to_string()
                        })
                        .collect();
                    let _ = writeln!(
                        t,
                        "\n# A first guess, not history: Erlang {} per interval for the fitted volumes and handle time. Refine with `ccsim staff`.",
                        if patience.is_some() { "A" } else { "C" }
                    );
                    let _ = writeln!(
                        t,
                        "[[agents]]\nname = {}\nskills = [{}]",
                        toml_str(&format!("{} agents", c.name)),
                        toml_str(&c.name)
                    );
                    let _ = writeln!(t, "staff = {{ per_interval = [");
                    for chunk in staff.chunks(24) {
                        let _ = writeln!(t, "    {},", chunk.join(", "));
                    }
                    let _ = writeln!(t, "] }}");
                }
            }
        }
        t
    }

    /// A summary for people: rows, per channel what was fitted and how well, notes.
    pub fn summary(&self) -> String {
        let mut t = String::new();
        let _ = writeln!(
            t,
            "{} rows read, {} used, {} dropped; {} day(s) of history from a {}",
            self.rows.0,
            self.rows.0 - self.rows.1,
            self.rows.1,
            self.days,
            self.start_day.name()
        );
        for c in &self.channels {
            let total: f64 = c.per_interval.iter().sum();
            let _ = writeln!(
                t,
                "\n{} ({}{}): {} contacts, {:.0} per scenario horizon",
                c.name,
                c.kind.name(),
                if c.kind_guessed { ", guessed" } else { "" },
                c.counts.0,
                total
            );
            if let Some(h) = &c.handle {
                let _ = writeln!(
                    t,
                    "  handle time: lognormal mean {:.1} s ± {:.1}, cv {:.2} (KS distance {:.3}, n {})",
                    h.mean, h.se, h.cv, h.ks, h.n
                );
            }
            for ty in &c.types {
                let h = ty.handle.map_or(String::new(), |h| format!(", handle mean {:.1} s cv {:.2}", h.mean, h.cv));
                let _ = writeln!(t, "  type {}: share {:.1} %{h}", ty.name, 100.0 * ty.share);
            }
            if let Some(p) = &c.patience {
                let _ = writeln!(
                    t,
                    "  patience: exponential mean {:.1} s ± {:.1}{}; abandoners' mean wait {:.1} s (biased)",
                    p.exp_mean,
                    p.exp_se,
                    p.lognormal.map_or(String::new(), |(m, cv, _)| format!(", lognormal mean {m:.1} s cv {cv:.2}")),
                    p.naive_mean
                );
                let written = match (p.chosen_lognormal, p.lognormal_trusted) {
                    (true, _) => "lognormal (lower AIC)",
                    (false, true) => "exponential (lower AIC)",
                    (false, false) => "exponential (the lognormal fit runs off beyond the waits seen: not trusted)",
                };
                let _ = writeln!(t, "  written: {written}");
                if p.resolution_s >= 1.0 {
                    let _ = writeln!(
                        t,
                        "  waits are whole seconds: an abandonment logged at t s is read as a patience in [t − ½, t + ½)"
                    );
                }
                let _ = writeln!(t, "  Kaplan–Meier survival against the fits:");
                let _ = writeln!(t, "       t    KM S(t)   exponential   lognormal");
                let tmax = p.km.last().map_or(0.0, |k| k.0);
                for q in [0.1, 0.25, 0.5, 0.75, 1.0] {
                    let at = tmax * q;
                    let km = p.km.iter().take_while(|k| k.0 <= at).last().map_or(1.0, |k| k.1);
                    let e = (-at / p.exp_mean).p_exp();
                    let l = p.lognormal.map_or(f64::NAN, |(m, cv, _)| {
                        let s2 = (1.0 + cv * cv).p_ln();
                        1.0 - lognormal_cdf(at, m.p_ln() - s2 / 2.0, s2.sqrt())
                    });
                    let _ = writeln!(t, "  {:>7}  {km:>8.3}  {e:>12.3}  {l:>10.3}", format_duration(at));
                }
            }
            let _ = writeln!(
                t,
                "  forecast error: {}",
                c.forecast_cv.map_or("unknown (no weekday repeats)".into(), |cv| format!("day cv {cv:.3}"))
            );
        }
        if let Some(ho) = &self.holdout {
            let _ = writeln!(
                t,
                "\nOut of sample: the last {} day(s) held out, against the fit of the {} before",
                ho.days, ho.fitted_days
            );
            for c in &ho.channels {
                let aht = match (c.aht_observed, c.aht_fitted) {
                    (Some((m, se)), Some(f)) => format!("; AHT {m:.1} s ± {:.1} against {f:.1} s fitted", 1.96 * se),
                    _ => String::new(),
                };
                let _ = writeln!(
                    t,
                    "  {}: {:.0} contacts against {:.0} expected ({:+.1} %); daily volume off by {:.1} % on average; interval dispersion {:.2} over {} intervals (Poisson noise alone: about {:.2}){aht}",
                    c.name,
                    c.observed,
                    c.expected,
                    100.0 * (c.observed / c.expected - 1.0),
                    100.0 * c.daily_mape,
                    c.dispersion,
                    c.intervals,
                    c.poisson_dispersion
                );
            }
        }
        for n in &self.notes {
            let _ = writeln!(t, "\nnote: {n}");
        }
        t
    }
}

/// A template's agent groups: the `[[agents]]` tables of a scenario (a current plan) as
/// TOML text for [`FitOptions::agents`], and the planning interval they are written for.
#[derive(Debug, Clone)]
pub struct Template {
    /// The `[[agents]]` tables.
    pub agents: String,
    /// The template's `interval` (s), when it states one.
    pub interval: Option<f64>,
    /// Whether some group's staffing is per interval (and so tied to that interval).
    pub per_interval: bool,
}

/// The template in a scenario file's text (`file` names it in messages).
///
/// # Errors
///
/// [`Error::File`] (located) when the text is not TOML, has no `[[agents]]` or an
/// `interval` that is not a duration.
pub fn template_agents(text: &str, file: &str) -> Result<Template, Error> {
    use crate::error::{Problem, ScenarioError};
    let fail = |line: Option<usize>, field: Option<&str>, message: String| {
        Error::File(ScenarioError {
            file: file.to_owned(),
            problems: vec![Problem { field: field.map(str::to_owned), line, column: None, message }],
        })
    };
    let v: toml::Table = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        fail(line, None, format!("not a scenario's TOML: {}", e.message()))
    })?;
    let groups = v.get("agents").cloned().ok_or_else(|| {
        fail(None, None, "has no [[agents]]: a template gives the agent groups of a current plan".into())
    })?;
    let interval = match v.get("interval") {
        None => None,
        Some(toml::Value::String(d)) => Some(
            crate::base::time::parse_duration(d)
                .map_err(|e| fail(None, Some("interval"), format!("`{d}` is not a duration: {e}")))?,
        ),
        Some(other) => {
            return Err(fail(None, Some("interval"), format!("`{other}` is not a duration such as \"30m\"")));
        }
    };
    let per_interval = groups
        .as_array()
        .is_some_and(|gs| gs.iter().any(|g| g.get("staff").and_then(|s| s.get("per_interval")).is_some()));
    let mut table = toml::Table::new();
    table.insert("agents".into(), groups);
    let agents = toml::to_string(&table).map_err(|e| Error::Run(format!("template: {e}")))?;
    Ok(Template { agents, interval, per_interval })
}
