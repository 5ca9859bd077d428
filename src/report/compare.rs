//! Two saved runs side by side (`ccsim compare A.json B.json`): every whole-horizon and
//! window KPI of both, and its difference B − A with a 95 % interval.
//!
//! The difference is **paired** when both runs kept their replications' values
//! ([`Report::per_replication`]) and share seed and replications — common random numbers
//! then make replication r of both see the same customers, and the interval of the mean
//! of the per-replication differences is usually far narrower. Otherwise it is
//! **unpaired**: Welch's interval from the two runs' means and half-widths, which is
//! valid for independent runs and conservative for runs that share streams.

use super::run::{ReplicationValues, Report};
use crate::base::maths::student_t_quantile;
use crate::stats::summary::Estimate;
use serde::{Deserialize, Serialize};

/// One run of a comparison, as given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Side {
    /// The result file it was read from (as given).
    pub file: String,
    /// Its scenario's name.
    pub scenario: String,
    /// Its replications.
    pub replications: u32,
    /// Its seed.
    pub seed: u64,
    /// Its overrides.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "crate::base::serde_maps::pairs")]
    pub overrides: Vec<(String, String)>,
}

/// One KPI of one scope in both runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Compared {
    /// Its scope, as in a run's CSV (`channel`, `type`, `group`, `window`, …).
    pub scope: String,
    /// Its subject (channel, group, `channel/type`, …).
    pub name: String,
    /// The KPI's name.
    pub kpi: String,
    /// Window start (s), for windows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_s: Option<f64>,
    /// Its value in run A (undefined when A does not report it).
    pub a: Estimate,
    /// Its value in run B.
    pub b: Estimate,
    /// B − A with its 95 % interval.
    pub diff: Estimate,
    /// Whether `diff` is paired replication by replication.
    pub paired: bool,
}

/// Two runs compared.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Comparison {
    /// Run A.
    pub a: Side,
    /// Run B.
    pub b: Side,
    /// Why the differences are not paired (`None`: they are).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unpaired_because: Option<String>,
    /// Every KPI of either run, in A's order, then those only B reports.
    pub values: Vec<Compared>,
}

/// A value's key: scope, name, KPI.
type Key = (String, String, String);
/// A value with its key: its estimate and start.
type Keyed = (Key, (Estimate, Option<f64>));

/// The KPIs of `a` and `b` (read from `a_file` and `b_file`) side by side, with their
/// differences B − A.
pub fn compare(a: &Report, a_file: &str, b: &Report, b_file: &str) -> Comparison {
    let side = |r: &Report, file: &str| Side {
        file: file.to_owned(),
        scenario: r.scenario.clone(),
        replications: r.replications,
        seed: r.seed,
        overrides: r.overrides.clone(),
    };
    let unpaired_because = if a.per_replication.is_empty() || b.per_replication.is_empty() {
        Some(format!(
            "a run does not carry its replications' values (runs of more than {} replications, or written by an older ccsim)",
            crate::plan::run::KEPT_REPLICATIONS
        ))
    } else if a.seed != b.seed || a.replications != b.replications {
        Some(format!(
            "the runs differ in seed or replications (A: seed {}, {} replications; B: seed {}, {}), so their replications do not share random numbers",
            a.seed, a.replications, b.seed, b.replications
        ))
    } else {
        None
    };
    let pairing = unpaired_because.is_none();
    let mut rows: Vec<(String, String, String, Option<f64>)> = Vec::new();
    let mut values_of = |r: &Report| -> Vec<Keyed> {
        let mut out = Vec::new();
        let _ = r.values(false, &mut |v| {
            let key = (v.scope.to_owned(), v.name.clone(), v.kpi.to_owned());
            if !rows.iter().any(|x| (&x.0, &x.1, &x.2) == (&key.0, &key.1, &key.2)) {
                rows.push((key.0.clone(), key.1.clone(), key.2.clone(), v.start));
            }
            out.push((key, (*v.estimate, v.start)));
            Ok::<(), ()>(())
        });
        out
    };
    let (in_a, in_b) = (values_of(a), values_of(b));
    let find = |list: &[Keyed], k: &Key| list.iter().find(|x| &x.0 == k).map(|x| x.1.0);
    let reps = |r: &Report, k: &Key| {
        r.per_replication.iter().find(|v| (&v.scope, &v.name, &v.kpi) == (&k.0, &k.1, &k.2)).cloned()
    };
    let values = rows
        .into_iter()
        .map(|(scope, name, kpi, start_s)| {
            let k = (scope, name, kpi);
            let (ea, eb) = (find(&in_a, &k), find(&in_b, &k));
            let (ea, eb) = (ea.unwrap_or(Estimate::UNDEFINED), eb.unwrap_or(Estimate::UNDEFINED));
            let paired = if pairing { reps(a, &k).zip(reps(b, &k)).and_then(|(x, y)| paired(&x, &y)) } else { None };
            let (diff, is_paired) = match paired {
                Some(d) => (d, true),
                None => (welch(&ea, a.replications, &eb, b.replications), false),
            };
            Compared { scope: k.0, name: k.1, kpi: k.2, start_s, a: ea, b: eb, diff, paired: is_paired }
        })
        .collect();
    Comparison { a: side(a, a_file), b: side(b, b_file), unpaired_because, values }
}

/// The mean of the per-replication differences y − x over the replications where both are
/// defined, with its Student-t interval (`None` without two such replications).
fn paired(x: &ReplicationValues, y: &ReplicationValues) -> Option<Estimate> {
    let d: Vec<f64> = x.values.iter().zip(&y.values).filter_map(|(a, b)| Some((*b)? - (*a)?)).collect();
    if d.len() < 2 || x.values.len() != y.values.len() {
        return None;
    }
    let n = d.len() as f64;
    let mean = d.iter().sum::<f64>() / n;
    let sd = (d.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let ci95 = student_t_quantile(0.975, n - 1.0) * sd / n.sqrt();
    Some(Estimate { mean, ci95, n: d.len() as u32, sd })
}

/// B − A of two independent estimates (Welch): the half-width from each run's standard
/// deviation and Welch–Satterthwaite degrees of freedom.
fn welch(a: &Estimate, na: u32, b: &Estimate, nb: u32) -> Estimate {
    let mean = b.mean - a.mean;
    let (sa, sb) = (a.spread(na), b.spread(nb));
    let (va, vb) = (sa * sa / f64::from(na), sb * sb / f64::from(nb));
    let se2 = va + vb;
    let ci95 = if se2 > 0.0 && se2.is_finite() && na > 1 && nb > 1 {
        let df = se2 * se2 / (va * va / f64::from(na - 1) + vb * vb / f64::from(nb - 1));
        student_t_quantile(0.975, df.max(1.0)) * se2.sqrt()
    } else if se2 == 0.0 {
        0.0
    } else {
        f64::NAN
    };
    Estimate { mean, ci95, n: 0, sd: f64::NAN }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reps(values: &[f64]) -> ReplicationValues {
        ReplicationValues {
            scope: "channel".into(),
            name: "phone".into(),
            kpi: "service_level".into(),
            values: values.iter().map(|&v| Some(v)).collect(),
        }
    }

    #[test]
    fn paired_and_welch_intervals_follow_their_formulas() {
        // Differences 1, 2, 3: mean 2, sd 1, t(0.975, 2) = 4.3027.
        let d = paired(&reps(&[10.0, 20.0, 30.0]), &reps(&[11.0, 22.0, 33.0])).unwrap();
        assert!((d.mean - 2.0).abs() < 1e-12 && (d.ci95 - 4.302_652_7 / 3f64.sqrt()).abs() < 1e-6, "{d:?}");
        // Equal spreads and sizes: Welch's df is 2(n − 1).
        let e = |mean: f64| Estimate { mean, ci95: f64::NAN, n: 10, sd: 2.0 };
        let w = welch(&e(1.0), 10, &e(4.0), 10);
        let want = student_t_quantile(0.975, 18.0) * (0.8f64).sqrt();
        assert!((w.mean - 3.0).abs() < 1e-12 && (w.ci95 - want).abs() < 1e-9, "{w:?}");
        assert!(paired(&reps(&[1.0]), &reps(&[2.0])).is_none(), "one pair has no interval");
    }
}
